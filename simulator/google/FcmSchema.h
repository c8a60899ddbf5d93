#pragma once

#include "google/FcmError.h"

#include <optional>
#include <string_view>

namespace vestnik::sim {

class JsonTree;

/// The shape of an FCM HTTP v1 SendMessageRequest (discovery document + firebase-admin fields), checked the way
/// Google's proto3 JSON front end does: unknown names, wrong JSON types, non-string map values, bad enum or
/// Duration values. Field names may be snake_case or lowerCamelCase (PROVIDERS.md 1.2); error paths use the
/// proto (snake_case) names, as Google's do.
class FcmSchema final
{
public:
    /// The first violation, as Google reports it (400 with a BadRequest detail), or nothing.
    static std::optional<FcmError> check(const JsonTree &request);

    /// Whether `text` is a protobuf Duration in JSON form ("3.5s", "0s", "-1s").
    static bool isDuration(std::string_view text);
    /// Whole seconds of a Duration string (rounded down), for range checks.
    static qint64 durationSeconds(std::string_view text);
};

} // namespace vestnik::sim
