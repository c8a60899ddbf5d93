#pragma once

#include "control/PushService.h"
#include "control/TokenHash.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>

#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace vestnik::sim {

/// What the simulator received, per service and device token (or FCM topic / condition): how many requests,
/// how many were accepted, the last payload and headers, and how often each collapse id was accepted (a
/// duplicate delivery shows as a count above 1). Tests read it through the admin endpoint; it is also written
/// as JSON when the simulator exits.
class DeliveryRecorder final
{
public:
    struct Record {
        quint64 attempts = 0;
        quint64 accepted = 0;
        quint64 rejected = 0;
        int lastStatus = 0;
        QString lastError;
        QByteArray lastPayload;
        std::vector<std::pair<QByteArray, QByteArray>> lastHeaders;
        QByteArray lastMessageId;
        qint64 firstAtMs = 0;
        qint64 lastAtMs = 0;
        QHash<QByteArray, quint64> collapseIds;
    };
    /// Called for every accepted (non dry-run) push, e.g. to let a virtual phone react.
    using AcceptedObserver = std::function<void(PushService service, std::string_view token, const QByteArray &payload,
                                                const QByteArray &collapseId, quint64 acceptedCount)>;

    /// Counts a request for `token` and returns its attempt number (0 for the first).
    quint64 beginAttempt(PushService service, std::string_view token);
    /// Notes an accepted push.
    void accept(PushService service, std::string_view token, const QByteArray &payload,
                std::vector<std::pair<QByteArray, QByteArray>> headers, const QByteArray &collapseId,
                const QByteArray &messageId, qint64 nowMs);
    /// Notes a rejected push.
    void reject(PushService service, std::string_view token, int status, const QString &error, qint64 nowMs);

    void setAcceptedObserver(AcceptedObserver observer) { m_observer = std::move(observer); }

    /// One record, or nullptr.
    const Record *find(PushService service, std::string_view token) const;
    /// `{"fcm": {token: record...}, "apns": {...}, "totals": {...}}`, optionally only one service / token.
    QJsonObject toJson(const QString &serviceFilter = QString(), const QString &tokenFilter = QString()) const;
    void clear();

private:
    using Map = std::unordered_map<std::string, Record, TokenHash, std::equal_to<>>;
    struct Totals {
        quint64 requests = 0;
        quint64 accepted = 0;
        quint64 rejected = 0;
        QHash<int, quint64> byStatus;
    };

    Record &record(PushService service, std::string_view token);
    static QJsonObject recordJson(const Record &record);

    Map m_records[2];
    Totals m_totals[2];
    AcceptedObserver m_observer;
};

} // namespace vestnik::sim
