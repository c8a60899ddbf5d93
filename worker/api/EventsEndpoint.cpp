#include "api/EventsEndpoint.h"

#include "api/ApiServer.h"
#include "trigger/EventIngest.h"

#include <QJsonArray>
#include <QJsonObject>

namespace vestnik {

EventsEndpoint::EventsEndpoint(BusProducer &producer, const QString &topic, QObject *parent)
    : QObject(parent), m_ingest(std::make_unique<EventIngest>(EventIngest::Settings{topic}, producer, this))
{}

EventsEndpoint::~EventsEndpoint() = default;

Result<void> EventsEndpoint::addRoutes(ApiServer &api)
{
    return api.addRoute(
        "POST", QStringLiteral("/v1/events"),
        Access::rolesOrScopes({Principal::Role::Admin}, {QStringLiteral("events:write")}),
        [this](const ApiRequest &request, ApiReply reply) {
            m_ingest->ingest(request.body, [reply](const EventIngest::Outcome &outcome) {
                switch (outcome.kind) {
                case EventIngest::Outcome::Kind::Accepted:
                    reply.send(ApiResponse::json(
                        QJsonObject{{QStringLiteral("accepted"), QJsonArray::fromStringList(outcome.acceptedIds)}},
                        202));
                    return;
                case EventIngest::Outcome::Kind::Invalid: {
                    QStringList summary;
                    for (const EventIngest::Problem &problem : outcome.problems) {
                        summary << (outcome.wasBatch ? QStringLiteral("[%1] ").arg(problem.index) : QString())
                                       + problem.message;
                    }
                    reply.send(ApiResponse::error(400, QStringLiteral("invalid_event"),
                                                  QStringLiteral("nothing was accepted: ")
                                                      + summary.join(QStringLiteral("; "))));
                    return;
                }
                case EventIngest::Outcome::Kind::NotConfirmed:
                    ApiResponse response = ApiResponse::error(
                        503, QStringLiteral("bus_unavailable"),
                        QStringLiteral("the events were not confirmed by the bus (%1); sending them again is safe")
                            .arg(outcome.error));
                    response.setHeader("Retry-After", "1");
                    reply.send(response);
                    return;
                }
            });
        });
}

} // namespace vestnik
