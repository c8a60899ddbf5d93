#pragma once

#include <QObject>
#include <queue>

#include <chrono>
#include <functional>
#include <vector>

class QTimer;

namespace vestnik::sim {

/// Runs tasks after a delay with one timer for all of them (a heap ordered by due time), so injected
/// latency on thousands of in-flight responses costs a heap push each, not a QTimer each.
class DelayQueue final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DelayQueue)

public:
    explicit DelayQueue(QObject *parent = nullptr);
    ~DelayQueue() override;

    void schedule(std::chrono::milliseconds delay, std::function<void()> task);
    std::size_t pending() const { return m_tasks.size(); }

private:
    using TimePoint = std::chrono::steady_clock::time_point;
    struct Task {
        TimePoint due;
        quint64 sequence; // keeps equal due times in submission order
        std::function<void()> run;
        bool operator>(const Task &other) const
        {
            return due != other.due ? due > other.due : sequence > other.sequence;
        }
    };

    void runDue();
    void arm();

    std::priority_queue<Task, std::vector<Task>, std::greater<>> m_tasks;
    QTimer *m_timer = nullptr;
    quint64 m_sequence = 0;
};

} // namespace vestnik::sim
