#include "api/TrackEndpoint.h"

#include "api/ApiServer.h"
#include "delivery/TrackingRecorder.h"
#include "security/TrackingToken.h"
#include "store/DeliveryRepository.h"

#include <QJsonObject>

namespace vestnik {

TrackEndpoint::TrackEndpoint(const Database &database, const Clock &clock, QObject *parent)
    : QObject(parent), m_clock(clock), m_deliveries(std::make_unique<DeliveryRepository>(database, clock))
{}

TrackEndpoint::~TrackEndpoint() = default;

Result<void> TrackEndpoint::start(ApiServer &api, const Sealer &sealer)
{
    Result<TrackingToken> tokens = TrackingToken::fromSealer(sealer);
    if (!tokens)
        return tokens.error();
    m_tokens = std::make_unique<TrackingToken>(std::move(*tokens));
    m_recorder = std::make_unique<TrackingRecorder>(*m_deliveries, *m_tokens, m_clock);
    return api.addRoute(
        "POST", QStringLiteral("/v1/track"), Access::anyone(),
        ApiServer::SyncHandler([this](const ApiRequest &request) {
            const Result<QJsonObject> body = request.jsonObject();
            if (!body)
                return ApiResponse::invalidJson(body.error());
            const TrackingRecorder::Report report{body->value(QStringLiteral("notification_id")).toString(),
                                                  body->value(QStringLiteral("event")).toString(),
                                                  body->value(QStringLiteral("action")).toString(),
                                                  body->value(QStringLiteral("tracking_token")).toString()};
            TrackingRecorder::Refusal refusal = TrackingRecorder::Refusal::None;
            const Result<DeliveryStatus> recorded = m_recorder->record(report, &refusal);
            if (recorded)
                return ApiResponse::noContent();
            switch (refusal) {
            case TrackingRecorder::Refusal::Invalid:
                return ApiResponse::error(400, QStringLiteral("invalid_request"), recorded.error().message);
            case TrackingRecorder::Refusal::Unauthorized:
                return ApiResponse::error(401, QStringLiteral("invalid_tracking_token"), recorded.error().message);
            case TrackingRecorder::Refusal::NotFound:
                return ApiResponse::error(404, QStringLiteral("not_found"), recorded.error().message);
            case TrackingRecorder::Refusal::Replayed:
                return ApiResponse::error(409, QStringLiteral("already_reported"), recorded.error().message);
            case TrackingRecorder::Refusal::None:
            case TrackingRecorder::Refusal::Failed: break;
            }
            return ApiResponse::fromError(recorded.error());
        }));
}

} // namespace vestnik
