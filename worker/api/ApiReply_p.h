#pragma once

#include "api/ApiReply.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QPointer>
#include <QTcpSocket>

namespace vestnik {

/// What every copy of one ApiReply shares (ApiServer fills it in).
struct ApiReply::State final {
    Q_DISABLE_COPY_MOVE(State)
    State() = default;
    ~State();

    QPointer<ApiServer> server;
    QPointer<QTcpSocket> socket; ///< null once QHttpServer deleted the connection of a client that left
    QString requestId;
    QByteArray method;
    QString routePattern; ///< for logs and metrics: never the path itself (it may carry ids)
    bool withBody = true; ///< false for HEAD
    bool keepAlive = true;
    bool isHttp10 = false;
    bool sent = false;
    QElapsedTimer started;
};

} // namespace vestnik
