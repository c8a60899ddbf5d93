#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

namespace vestnik::bench {

/// Creates topics whose messages carry the time the broker appended them (message.timestamp.type=LogAppendTime)
/// instead of the producer's: the bench reads them back to see when each event and send job reached the broker.
Result<void> createAppendTimeTopics(const QString &brokers, const QStringList &topics, int partitions);

/// Deletes topics (those missing are no error), so that runs do not leave the broker ever more partitions to keep.
Result<void> deleteTopics(const QString &brokers, const QStringList &topics);

/// The broker's append time (wall-clock ms) of the first message of each key in a topic, read from the beginning
/// of every partition to its end.
Result<QHash<QByteArray, qint64>> appendTimesByKey(const QString &brokers, const QString &topic, int partitions);

} // namespace vestnik::bench
