#pragma once

#include <QObject>

class QSocketNotifier;

namespace vestnik {

/// Turns SIGINT and SIGTERM into a Qt signal on the event loop (self-pipe), so a service (the worker, the
/// simulator) stops cleanly on Ctrl-C or `systemctl stop`. Also ignores SIGPIPE: a peer that vanishes
/// mid-write must not kill a server.
class SignalWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignalWatcher)

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void stopRequested(int signalNumber);

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace vestnik
