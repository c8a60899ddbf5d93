#pragma once

#include "util/Result.h"

#include <QObject>
#include <QString>
#include <QTimer>

namespace vestnik {

class Worker;

/// What `vestnik-worker --demo <dir>` does on the embedded default (scripts/run): stores a demo shop (an app
/// with the simulator's FCM service account and APNs key from `<dir>`, a template in Russian and English, a
/// trigger rule for "cart.item_added") and two users with an Android and an iOS phone, posts one event to
/// the bus as a shop's microservice would, and prints each delivery's status trail once it has a final
/// status. Seeding is idempotent: every start posts one new event.
class Demo final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Demo)

public:
    Demo(Worker &worker, QString directory, QObject *parent = nullptr);

    /// Seeds and posts the event; the error says what could not be stored or sent.
    Result<void> start();

Q_SIGNALS:
    /// Every delivery of the demo event has a final status (printed).
    void finished();

private:
    Result<void> seed();
    void poll();

    Worker &m_worker;
    const QString m_directory;
    QString m_eventId;
    qint64 m_ruleId = 0;
    QTimer m_poller;
    int m_polls = 0;
};

} // namespace vestnik
