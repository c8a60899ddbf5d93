#include "bus/OffsetTracker.h"

#include <algorithm>

namespace vestnik {

bool OffsetTracker::start(const TopicPartition &partition, qint64 offset)
{
    State &state = m_states[partition];
    const bool ordered =
        state.window.empty() ? !state.doneUpTo || offset >= *state.doneUpTo : offset > state.window.back().offset;
    if (offset < 0 || !ordered)
        return false;
    state.window.push_back(Entry{offset, false});
    ++state.inFlight;
    return true;
}

bool OffsetTracker::finish(const TopicPartition &partition, qint64 offset)
{
    const auto found = m_states.find(partition);
    if (found == m_states.end())
        return false;
    State &state = *found;
    // The window is sorted by offset: binary search.
    const auto it = std::lower_bound(state.window.begin(), state.window.end(), offset,
                                     [](const Entry &entry, qint64 value) { return entry.offset < value; });
    if (it == state.window.end() || it->offset != offset || it->finished)
        return false;
    it->finished = true;
    --state.inFlight;
    while (!state.window.empty() && state.window.front().finished) {
        state.doneUpTo = state.window.front().offset + 1;
        state.window.pop_front();
    }
    return true;
}

std::optional<qint64> OffsetTracker::committable(const TopicPartition &partition) const
{
    const auto found = m_states.constFind(partition);
    if (found == m_states.cend() || !found->doneUpTo)
        return std::nullopt;
    if (found->committed && *found->committed >= *found->doneUpTo)
        return std::nullopt;
    return found->doneUpTo;
}

QHash<TopicPartition, qint64> OffsetTracker::allCommittable() const
{
    QHash<TopicPartition, qint64> offsets;
    for (auto it = m_states.cbegin(); it != m_states.cend(); ++it) {
        if (const std::optional<qint64> offset = committable(it.key()))
            offsets.insert(it.key(), *offset);
    }
    return offsets;
}

void OffsetTracker::markCommitted(const TopicPartition &partition, qint64 offset)
{
    const auto found = m_states.find(partition);
    if (found == m_states.end())
        return;
    if (!found->committed || offset > *found->committed)
        found->committed = offset;
}

int OffsetTracker::inFlight(const TopicPartition &partition) const
{
    const auto found = m_states.constFind(partition);
    return found == m_states.cend() ? 0 : found->inFlight;
}

int OffsetTracker::totalInFlight() const
{
    int total = 0;
    for (const State &state : m_states)
        total += state.inFlight;
    return total;
}

void OffsetTracker::revoke(const TopicPartition &partition)
{
    m_states.remove(partition);
}

QList<TopicPartition> OffsetTracker::partitions() const
{
    return m_states.keys();
}

} // namespace vestnik
