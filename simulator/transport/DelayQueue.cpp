#include "transport/DelayQueue.h"

#include <QTimer>

namespace vestnik::sim {

DelayQueue::DelayQueue(QObject *parent) : QObject(parent), m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &DelayQueue::runDue);
}

DelayQueue::~DelayQueue() = default;

void DelayQueue::schedule(std::chrono::milliseconds delay, std::function<void()> task)
{
    const TimePoint due = std::chrono::steady_clock::now() + delay;
    const bool isEarliest = m_tasks.empty() || due < m_tasks.top().due;
    m_tasks.push(Task{due, m_sequence++, std::move(task)});
    if (isEarliest)
        arm();
}

void DelayQueue::runDue()
{
    const TimePoint now = std::chrono::steady_clock::now();
    while (!m_tasks.empty() && m_tasks.top().due <= now) {
        // top() is const, but the heap orders by due time and sequence only, so moving the callable out
        // before pop() leaves the order intact and saves a copy per task.
        std::function<void()> run = std::move(const_cast<Task &>(m_tasks.top()).run);
        m_tasks.pop();
        run();
    }
    arm();
}

void DelayQueue::arm()
{
    if (m_tasks.empty()) {
        m_timer->stop();
        return;
    }
    const auto wait =
        std::chrono::ceil<std::chrono::milliseconds>(m_tasks.top().due - std::chrono::steady_clock::now());
    m_timer->start(std::max<qint64>(0, wait.count()));
}

} // namespace vestnik::sim
