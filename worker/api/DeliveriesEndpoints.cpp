#include "api/DeliveriesEndpoints.h"

#include "api/ApiServer.h"
#include "api/PeopleFields.h"
#include "store/DeliveryRepository.h"

#include <QJsonArray>
#include <QJsonObject>

namespace vestnik {

namespace pf = peoplefields;

namespace {

const Access kReaders = Access::roles({Principal::Role::Admin, Principal::Role::Marketer, Principal::Role::Analyst});

ApiResponse invalidRequest(const QString &message)
{
    return ApiResponse::error(400, QStringLiteral("invalid_request"), message);
}

/// The `next` cursor after `delivery`: base64url of "<created_at ms>:<notification id>".
QString cursorAfter(const Delivery &delivery)
{
    const QByteArray plain = QByteArray::number(delivery.createdAtMs) + ':' + delivery.notificationId.toUtf8();
    return QString::fromLatin1(plain.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<DeliveryRepository::Position> positionFrom(const QString &cursor)
{
    const QByteArray::FromBase64Result decoded = QByteArray::fromBase64Encoding(
        cursor.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    const qsizetype colon = decoded.decoded.indexOf(':');
    bool ok = false;
    const qint64 createdAtMs = decoded.decoded.left(colon).toLongLong(&ok);
    if (colon <= 0 || !ok)
        return std::nullopt;
    return DeliveryRepository::Position{createdAtMs, QString::fromUtf8(decoded.decoded.mid(colon + 1))};
}

} // namespace

DeliveriesEndpoints::DeliveriesEndpoints(const Database &database, const Clock &clock, QObject *parent)
    : QObject(parent), m_deliveries(std::make_unique<DeliveryRepository>(database, clock))
{}

DeliveriesEndpoints::~DeliveriesEndpoints() = default;

ApiResponse DeliveriesEndpoints::readDelivery(const ApiRequest &request) const
{
    const QString id = request.pathParam(QStringLiteral("notification_id"));
    if (Result<void> valid = pf::checkId(QStringLiteral("notification_id"), id); !valid)
        return invalidRequest(valid.error().message);
    const Result<std::optional<Delivery>> delivery = m_deliveries->find(id);
    if (!delivery)
        return ApiResponse::fromError(delivery.error());
    if (!delivery->has_value())
        return ApiResponse::error(404, QStringLiteral("not_found"), QStringLiteral("there is no such delivery"));
    const Result<QList<DeliveryEvent>> trail = m_deliveries->trail(id);
    if (!trail)
        return ApiResponse::fromError(trail.error());
    QJsonArray events;
    for (const DeliveryEvent &event : *trail)
        events.append(pf::deliveryEventJson(event));
    QJsonObject json = pf::deliveryJson(**delivery);
    json.insert(QStringLiteral("trail"), events);
    return ApiResponse::json(json);
}

ApiResponse DeliveriesEndpoints::listForUser(const ApiRequest &request) const
{
    const QString userId = request.pathParam(QStringLiteral("user_id"));
    if (Result<void> valid = pf::checkId(QStringLiteral("user_id"), userId); !valid)
        return invalidRequest(valid.error().message);
    int limit = kDefaultLimit;
    if (request.query.hasQueryItem(QStringLiteral("limit"))) {
        bool ok = false;
        limit = request.query.queryItemValue(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > kMaxLimit)
            return invalidRequest(QStringLiteral("'limit' must be an integer from 1 to %1").arg(kMaxLimit));
    }
    std::optional<DeliveryRepository::Position> before;
    const QString cursor = request.query.queryItemValue(QStringLiteral("before"), QUrl::FullyDecoded);
    if (!cursor.isEmpty()) {
        before = positionFrom(cursor);
        if (!before)
            return invalidRequest(QStringLiteral("'before' must be the 'next' cursor of a previous page"));
    }
    // One row more than asked says whether there is a next page.
    const Result<QList<Delivery>> page = m_deliveries->forUser(userId, limit + 1, before);
    if (!page)
        return ApiResponse::fromError(page.error());
    QJsonArray list;
    for (qsizetype i = 0; i < std::min<qsizetype>(page->size(), limit); ++i)
        list.append(pf::deliveryJson(page->at(i)));
    const QJsonValue next =
        page->size() > limit ? QJsonValue(cursorAfter(page->at(limit - 1))) : QJsonValue(QJsonValue::Null);
    return ApiResponse::json(QJsonObject{
        {QStringLiteral("user_id"), userId}, {QStringLiteral("deliveries"), list}, {QStringLiteral("next"), next}});
}

Result<void> DeliveriesEndpoints::addRoutes(ApiServer &api)
{
    const QList<Result<void>> added{
        api.addRoute("GET", QStringLiteral("/v1/deliveries/{notification_id}"), kReaders,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return readDelivery(request); })),
        api.addRoute("GET", QStringLiteral("/v1/users/{user_id}/deliveries"), kReaders,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return listForUser(request); })),
    };
    for (const Result<void> &result : added) {
        if (!result)
            return result;
    }
    return {};
}

} // namespace vestnik
