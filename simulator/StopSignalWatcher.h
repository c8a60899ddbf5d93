#pragma once

#include <QObject>

class QSocketNotifier;

namespace vestnik::sim {

/// Turns SIGINT and SIGTERM into a Qt signal on the event loop (self-pipe), so the simulator writes its
/// recording and says GOAWAY before it exits.
class StopSignalWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StopSignalWatcher)

public:
    explicit StopSignalWatcher(QObject *parent = nullptr);
    ~StopSignalWatcher() override;

Q_SIGNALS:
    void stopRequested(int signalNumber);

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace vestnik::sim
