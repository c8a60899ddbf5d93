#pragma once

#include <QHash>
#include <QHashFunctions>
#include <QList>
#include <QString>

#include <deque>
#include <optional>

namespace vestnik {

/// One partition of one topic.
struct TopicPartition {
    QString topic;
    int partition = 0;

    friend bool operator==(const TopicPartition &, const TopicPartition &) = default;
};

inline size_t qHash(const TopicPartition &key, size_t seed = 0)
{
    return qHashMulti(seed, key.topic, key.partition);
}

/// At-least-once acknowledgement for a consumer that works on several messages of a partition at once:
/// messages are started in offset order and finish in any order; only the highest offset below which
/// every started message has finished may be committed, so a crash re-delivers exactly the unfinished
/// ones (and those after them) and never skips one. Also counts the work in flight per partition, so the
/// consumer can pause a partition instead of buffering without bound. Not thread-safe: one consumer loop.
class OffsetTracker final
{
public:
    /// Work on the message at `offset` began. Offsets of a partition must be started in increasing order
    /// (gaps are fine: compacted topics, transaction markers); a smaller or repeated one is refused (false).
    bool start(const TopicPartition &partition, qint64 offset);
    /// The message's work is durable. False when the offset was not started (or already finished) on this
    /// partition: a late answer for a partition that was revoked meanwhile.
    bool finish(const TopicPartition &partition, qint64 offset);

    /// The offset to commit for the partition, Kafka's way: one past the last message that is finished
    /// together with every message started before it. Nothing when no new such message since the last
    /// markCommitted().
    std::optional<qint64> committable(const TopicPartition &partition) const;
    /// Every partition with something committable, with the offset to commit.
    QHash<TopicPartition, qint64> allCommittable() const;
    /// The broker took `offset` as the partition's committed offset.
    void markCommitted(const TopicPartition &partition, qint64 offset);

    /// Messages started and not finished.
    int inFlight(const TopicPartition &partition) const;
    int totalInFlight() const;
    /// The partition went to another consumer (rebalance): everything about it is forgotten; answers for
    /// its messages that arrive later are refused by finish().
    void revoke(const TopicPartition &partition);
    QList<TopicPartition> partitions() const;

private:
    struct Entry {
        qint64 offset = 0;
        bool finished = false;
    };
    struct State {
        std::deque<Entry> window;        ///< started, in offset order, up to the first unfinished one
        std::optional<qint64> doneUpTo;  ///< one past the last message finished with all before it
        std::optional<qint64> committed; ///< what the broker holds
        int inFlight = 0;
    };

    QHash<TopicPartition, State> m_states;
};

} // namespace vestnik
