#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <chrono>
#include <functional>
#include <memory>

namespace vestnik {

class BusProducer;

/// The ingest side of the event flow (`POST /v1/events`): reads one event or a batch, checks every event
/// against the schema of docs/events.md, and puts the valid batch on the events topic keyed by user, so the
/// trigger role sees a user's events in order. A batch is all or nothing at the check: one bad event refuses
/// the whole batch with every problem named, and nothing is produced. The answer comes when the bus has
/// confirmed every event (or refused one, or the confirmation did not come in time); a client that retries
/// after a failure loses nothing and doubles nothing, because the trigger role processes an event id once.
class EventIngest final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventIngest)

public:
    static constexpr int kMaxBatch = 500; ///< events per request

    struct Settings {
        QString topic = QStringLiteral("vestnik.events");
        std::chrono::milliseconds confirmTimeout{10'000}; ///< how long to wait for the bus's confirmation
    };

    /// Why one event of a request was refused.
    struct Problem {
        int index = 0; ///< position in the batch (0 for a single event)
        QString id;    ///< the event's id when it could be read
        QString message;
    };

    /// The verdict on a request.
    struct Outcome {
        enum class Kind {
            Accepted,     ///< every event is on the bus
            Invalid,      ///< the request or some of its events break the schema; nothing was produced
            NotConfirmed, ///< the bus refused an event or did not confirm in time; retrying is safe
        };
        Kind kind = Kind::Accepted;
        QStringList acceptedIds; ///< Accepted: in request order, each id once (a repeated id is produced once)
        QList<Problem> problems; ///< Invalid: one per bad event (or one for the request as a whole)
        QString error;           ///< NotConfirmed: what the bus said
        bool wasBatch = false;
    };
    using Done = std::function<void(const Outcome &)>;

    /// `producer` must outlive the ingest.
    EventIngest(Settings settings, BusProducer &producer, QObject *parent = nullptr);
    ~EventIngest() override;

    /// Reads `body`: one event object, or `{"events": [...]}` with 1 to kMaxBatch events. `done` is called
    /// once, on this thread (at once for an invalid request).
    void ingest(const QByteArray &body, Done done);

    /// Requests waiting for the bus.
    int pending() const { return *m_pending; }

private:
    Settings m_settings;
    BusProducer &m_producer;
    std::shared_ptr<int> m_pending = std::make_shared<int>(0); ///< shared with the bus's callbacks
};

} // namespace vestnik
