// libFuzzer target for the JSON request decoders of the worker's API. The first input byte picks the decoder,
// the rest is the request body:
//   0  ApiRequest::jsonObject, then the device registration (POST /v1/users/{id}/devices) and the push
//      template (PUT /v1/templates/{id}) readers on the object it gives;
//   1  the event ingest (POST /v1/events, single or batch) on a bus that confirms every message at once;
//   2  Event::fromJson, the reader behind every event the ingest takes.
// Properties checked: nothing crashes; every refusal carries a message; a body the ingest accepts put exactly
// its accepted events on the bus and a refused one put none; an event read and written again reads back equal.
#include "api/ApiRequest.h"
#include "api/PeopleFields.h"
#include "bus/MessageBus.h"
#include "model/Event.h"
#include "template/PushTemplate.h"
#include "trigger/EventIngest.h"

#include <QCoreApplication>

#include <cstdint>
#include <cstdlib>
#include <optional>

using namespace vestnik;

namespace {

/// Confirms every message as it is sent (the decoder is under test, not the bus).
class ConfirmingProducer final : public BusProducer
{
public:
    ConfirmingProducer() : BusProducer(nullptr) {}
    Result<void> start() override { return {}; }
    void send(const QString &, const QByteArray &, const QByteArray &value, Delivered delivered) override
    {
        if (!Event::fromJson(value)) // the ingest only produces events it read
            std::abort();
        ++sent;
        delivered({});
    }
    bool flush(std::chrono::milliseconds) override { return true; }
    Result<void> ensureTopic(const QString &, int, std::chrono::milliseconds) override { return {}; }
    int outstanding() const override { return 0; }

    int sent = 0;
};

void requireMessage(const Error &error)
{
    if (error.message.isEmpty())
        std::abort();
}

void fuzzRequestBody(const QByteArray &body)
{
    ApiRequest request;
    request.body = body;
    const Result<QJsonObject> object = request.jsonObject();
    if (!object) {
        requireMessage(object.error());
        return;
    }
    if (Result<peoplefields::DeviceRegistration> registration = peoplefields::deviceRegistrationFrom(*object);
        !registration)
        requireMessage(registration.error());
    else if (registration->token.isEmpty() || registration->appId.isEmpty())
        std::abort();
    if (Result<PushTemplate> pushTemplate = PushTemplate::fromJson(*object); !pushTemplate)
        requireMessage(pushTemplate.error());
}

void fuzzIngest(const QByteArray &body)
{
    ConfirmingProducer producer;
    EventIngest ingest(EventIngest::Settings{}, producer);
    std::optional<EventIngest::Outcome> outcome;
    ingest.ingest(body, [&outcome](const EventIngest::Outcome &o) { outcome = o; });
    if (!outcome) // a bus that confirms at once leaves nothing waiting
        std::abort();
    switch (outcome->kind) {
    case EventIngest::Outcome::Kind::Accepted:
        if (outcome->acceptedIds.isEmpty() || producer.sent != outcome->acceptedIds.size())
            std::abort();
        break;
    case EventIngest::Outcome::Kind::Invalid:
        if (producer.sent != 0 || outcome->problems.isEmpty())
            std::abort();
        for (const EventIngest::Problem &problem : outcome->problems) {
            if (problem.message.isEmpty())
                std::abort();
        }
        break;
    case EventIngest::Outcome::Kind::NotConfirmed: std::abort(); // nothing here fails to confirm
    }
}

void fuzzEvent(const QByteArray &body)
{
    const Result<Event> event = Event::fromJson(body);
    if (!event) {
        requireMessage(event.error());
        return;
    }
    const QByteArray written = event->toJson();
    if (written.size() > Event::kMaxBytes) // documented: an event read at nearly the limit may not read back
        return;
    const Result<Event> again = Event::fromJson(written);
    if (!again || !(*again == *event))
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    static int argc = 1;
    static char name[] = "api_json_fuzzer";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv); // the ingest's confirmation timer needs one
    const QByteArray body(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    switch (data[0] % 3) {
    case 0: fuzzRequestBody(body); break;
    case 1: fuzzIngest(body); break;
    default: fuzzEvent(body); break;
    }
    return 0;
}
