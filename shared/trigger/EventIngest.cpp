#include "trigger/EventIngest.h"

#include "bus/MessageBus.h"
#include "model/Event.h"

#include <QSet>
#include <QTimer>

#include <memory>
#include <nlohmann/json.hpp>

namespace vestnik {

namespace {

/// One request waiting for the bus.
struct Waiting {
    EventIngest::Outcome outcome;
    EventIngest::Done done;
    int unconfirmed = 0;
    bool answered = false;

    void answer()
    {
        if (answered)
            return;
        answered = true;
        done(outcome);
    }
};

QString idOf(const nlohmann::json &element)
{
    if (element.is_object()) {
        const auto id = element.find("id");
        if (id != element.end() && id->is_string())
            return QString::fromStdString(id->get<std::string>());
    }
    return QString();
}

} // namespace

EventIngest::EventIngest(Settings settings, BusProducer &producer, QObject *parent)
    : QObject(parent), m_settings(std::move(settings)), m_producer(producer)
{}

EventIngest::~EventIngest() = default;

void EventIngest::ingest(const QByteArray &body, Done done)
{
    Outcome invalid;
    invalid.kind = Outcome::Kind::Invalid;
    const auto refuse = [&](const QString &message) {
        invalid.problems.append(Problem{0, QString(), message});
        done(invalid);
    };

    const nlohmann::json document = nlohmann::json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    if (document.is_discarded())
        return refuse(QStringLiteral("the body is not valid JSON"));
    if (!document.is_object())
        return refuse(QStringLiteral("the body must be one event (a JSON object) or {\"events\": [...]}"));

    // A batch is an object with an "events" array and nothing that makes it look like an event itself.
    std::vector<const nlohmann::json *> elements;
    const auto batch = document.find("events");
    invalid.wasBatch = batch != document.end() && !document.contains("type");
    if (invalid.wasBatch) {
        if (!batch->is_array())
            return refuse(QStringLiteral("'events' must be an array of events"));
        if (batch->empty())
            return refuse(QStringLiteral("'events' is empty"));
        if (batch->size() > std::size_t(kMaxBatch))
            return refuse(QStringLiteral("'events' has %1 events, more than the limit of %2 per request")
                              .arg(batch->size())
                              .arg(kMaxBatch));
        for (const nlohmann::json &element : *batch)
            elements.push_back(&element);
    } else {
        elements.push_back(&document);
    }

    std::vector<Event> events;
    events.reserve(elements.size());
    QSet<QString> seen;
    for (std::size_t i = 0; i < elements.size(); ++i) {
        const nlohmann::json &element = *elements[i];
        const std::string text = element.dump();
        Result<Event> event = Event::fromJson(QByteArray::fromStdString(text));
        if (!event) {
            invalid.problems.append(Problem{int(i), idOf(element), event.error().message});
            continue;
        }
        if (seen.contains(event->id))
            continue; // the same event twice in one request: once is enough
        seen.insert(event->id);
        events.push_back(std::move(*event));
    }
    if (!invalid.problems.isEmpty()) {
        done(invalid);
        return;
    }

    auto waiting = std::make_shared<Waiting>();
    waiting->outcome.wasBatch = invalid.wasBatch;
    waiting->done = std::move(done);
    waiting->unconfirmed = int(events.size());
    ++*m_pending;
    const auto settle = [pending = m_pending, waiting] {
        if (waiting->answered)
            return;
        --*pending;
        waiting->answer();
    };
    for (const Event &event : events) {
        waiting->outcome.acceptedIds.append(event.id);
        m_producer.send(m_settings.topic, event.userId.toUtf8(), event.toJson(),
                        [waiting, settle, id = event.id](Result<void> verdict) {
                            if (waiting->answered)
                                return;
                            if (!verdict) {
                                waiting->outcome.kind = Outcome::Kind::NotConfirmed;
                                waiting->outcome.acceptedIds.clear();
                                waiting->outcome.error =
                                    QStringLiteral("event %1: %2").arg(id, verdict.error().message);
                                settle();
                                return;
                            }
                            if (--waiting->unconfirmed == 0)
                                settle();
                        });
    }
    if (waiting->answered)
        return;
    QTimer::singleShot(m_settings.confirmTimeout, this, [this, waiting, settle] {
        if (waiting->answered)
            return;
        waiting->outcome.kind = Outcome::Kind::NotConfirmed;
        waiting->outcome.acceptedIds.clear();
        waiting->outcome.error = QStringLiteral("the bus did not confirm %1 of the events within %2 ms")
                                     .arg(waiting->unconfirmed)
                                     .arg(m_settings.confirmTimeout.count());
        settle();
    });
}

} // namespace vestnik
