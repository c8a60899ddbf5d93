#pragma once

#include "google/FcmError.h"
#include "google/FcmMessage.h"
#include "json/JsonTree.h"

#include <QByteArray>

#include <optional>
#include <string>

namespace vestnik::sim {

/// Validates a `messages:send` body as FCM does: the proto3 JSON shape (FcmSchema), then exactly one target,
/// token / topic / condition syntax, reserved data keys, TTL range, colours, URLs, localisation arguments,
/// analytics labels and the payload size (4096 bytes, 2048 for topics), answering with FCM's error bodies.
class FcmMessageValidator final
{
public:
    /// Size of a message as the simulator counts it: the compact JSON of `message` without its target field.
    /// (How FCM counts is unconfirmed, PROVIDERS.md 1.3; this counts keys and values, as Google says it does.)
    static constexpr qsizetype kMaxPayloadBytes = 4096;
    static constexpr qsizetype kMaxTopicPayloadBytes = 2048;
    static constexpr qint64 kMaxTtlSeconds = 2'419'200;

    /// Fills `message` and returns nothing when the body is a valid SendMessageRequest, else the error to answer.
    std::optional<FcmError> validate(const QByteArray &body, FcmMessage &message);

    /// Whether a registration token is well-formed (characters FCM tokens are made of; length not checked).
    static bool isWellFormedToken(std::string_view token);
    /// Whether a condition is valid: 'topic' in topics, !, &&, ||, parentheses; at most 5 topics.
    static bool isValidCondition(std::string_view condition);

private:
    JsonTree m_tree; // reused: its node array keeps its capacity between requests
};

} // namespace vestnik::sim
