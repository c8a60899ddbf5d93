#pragma once

#include "bus/MessageBus.h"

#include <chrono>
#include <functional>

namespace vestnik {

/// A dead letter: the reason, where the message was, and the message itself as text, as one JSON object.
QByteArray deadLetterBody(const BusMessage &message, const QString &reason);

/// Puts `message` on the dead-letter `topic` with the reason (keyed like the original) and calls `done` once
/// the bus confirmed it; until then the caller keeps its input unacknowledged, so nothing is lost if the
/// process goes. A refusal is logged and tried again after `retryDelay` for as long as `context` lives.
void sendDeadLetter(BusProducer &producer, const QString &topic, const BusMessage &message, const QString &reason,
                    QObject *context, std::chrono::milliseconds retryDelay, std::function<void()> done);

} // namespace vestnik
