#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

#include <nlohmann/json.hpp>

namespace vestnik {

/// One push to one user: what a trigger rule or a campaign planner asks the senders to do. The job's key
/// (its source and user) makes every notification id of it deterministic, so a job that arrives twice
/// finds the deliveries of its first arrival.
struct SendJob final {
    QString campaignId;      ///< a campaign's push: its id (and the variant, e.g. "summer-sale/b"); else empty
    QString eventId;         ///< an event-driven push: the event's id; else empty
    QString ruleId;          ///< the trigger rule that made it (its id), for the statistics; else empty
    QString userId;          ///< the recipient
    QString appId;           ///< only this app's devices; empty: every app the user has devices in
    QString templateId;      ///< what to send
    int templateVersion = 0; ///< the version; 0: the latest (pinned to a number when the job is stored)
    nlohmann::json variables = nlohmann::json::object(); ///< the job's values for the template (event data, ...)
    QString locale;         ///< the language to use when neither the device nor the user has one
    qint64 createdAtMs = 0; ///< when the push was asked for: its TTL counts from here

    /// "e:<event id>:<user>" or "c:<campaign id>:<user>" with `%` and `:` inside the ids escaped (%25, %3A):
    /// unique per push and recipient.
    QString key() const;
    /// The notification id for one of the user's devices: 33 characters ("n" + 128 bits of SHA-256 over the
    /// key and the device id, in hex), short enough for an APNs collapse id and an FCM collapse key.
    QString notificationIdFor(qint64 deviceId) const;

    /// The wire form (`vestnik.sends`, the send_jobs table): snake_case keys, variables as given; `rule_id` only
    /// when set, so jobs without one read as they did before it existed.
    QByteArray toJson() const;
    /// Reads the wire form; InvalidArgument naming the field for anything malformed (no user, no template,
    /// both or neither of campaign_id / event_id, a negative version, variables that are not an object).
    static Result<SendJob> fromJson(const QByteArray &json);

    friend bool operator==(const SendJob &, const SendJob &) = default;
};

} // namespace vestnik
