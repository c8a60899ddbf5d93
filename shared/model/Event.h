#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

#include <nlohmann/json.hpp>

namespace vestnik {

/// A business event from a microservice (Kafka topic `vestnik.events` or the worker's ingest endpoint): what
/// happened to which user and when. The schema, its limits and what happens to a refused event are in
/// docs/events.md.
struct Event final {
    static constexpr int kMaxBytes = 64 * 1024; ///< the whole message as received, checked before parsing
    static constexpr int kMaxIdBytes = 200;     ///< `id` and `user_id`, in UTF-8 bytes
    static constexpr int kMaxTypeLength = 100;
    static constexpr int kMaxLocaleLength = 35;
    /// Objects and arrays nested in one top-level field (`data` itself is level 1): deeper documents would
    /// exhaust the stack of the recursive code that copies, prints and renders them.
    static constexpr int kMaxDepth = 32;

    QString id;              ///< the idempotency key: the same id is processed once
    QString type;            ///< e.g. "order.cancelled": a-z, 0-9, '.', '_', '-'
    QString userId;          ///< whom it is about (`user_id`)
    qint64 occurredAtMs = 0; ///< when it happened (`occurred_at`), milliseconds since the epoch, UTC
    nlohmann::json data = nlohmann::json::object(); ///< the event's values, as given
    QString locale;                                 ///< a BCP 47 tag such as "ru-RU"; empty: none given
    /// Facts about the user the event carries ("city", "loyalty_level"): merged into the user's attributes
    /// (segments, templates); empty: none.
    nlohmann::json attributes = nlohmann::json::object();

    /// The canonical form: snake_case keys, `occurred_at` as RFC 3339 UTC with milliseconds
    /// ("2026-03-08T09:30:00.000Z"), `locale` and `attributes` only when set. Meant for an event fromJson accepted; it
    /// can be a few bytes longer than the message read (an integer `occurred_at` becomes text, `1e2` becomes `100.0`),
    /// so an event read at nearly kMaxBytes may not read back.
    QByteArray toJson() const;
    /// Reads an event; InvalidArgument with a message "event: ..." naming the field and what is wrong (too
    /// big, not JSON, not an object, a missing, mistyped or invalid field). Unknown fields are ignored.
    /// `occurred_at` is RFC 3339 with `Z` or an offset (digits below a millisecond are dropped) or integer
    /// milliseconds since the epoch, from 1970 to the end of 9999.
    static Result<Event> fromJson(const QByteArray &bytes);

    friend bool operator==(const Event &, const Event &) = default;
};

} // namespace vestnik
