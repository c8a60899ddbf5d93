#include "control/DeliveryRecorder.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace vestnik::sim {

namespace {

int indexOf(PushService service)
{
    return service == PushService::Fcm ? 0 : 1;
}

} // namespace

DeliveryRecorder::Record &DeliveryRecorder::record(PushService service, std::string_view token)
{
    Map &map = m_records[indexOf(service)];
    if (const auto it = map.find(token); it != map.end())
        return it->second;
    return map.emplace(std::string(token), Record()).first->second;
}

quint64 DeliveryRecorder::beginAttempt(PushService service, std::string_view token)
{
    ++m_totals[indexOf(service)].requests;
    return record(service, token).attempts++;
}

void DeliveryRecorder::accept(PushService service, std::string_view token, const QByteArray &payload,
                              std::vector<std::pair<QByteArray, QByteArray>> headers, const QByteArray &collapseId,
                              const QByteArray &messageId, qint64 nowMs)
{
    Record &entry = record(service, token);
    ++entry.accepted;
    entry.lastStatus = 200;
    entry.lastError.clear();
    entry.lastPayload = payload;
    entry.lastHeaders = std::move(headers);
    entry.lastMessageId = messageId;
    if (entry.firstAtMs == 0)
        entry.firstAtMs = nowMs;
    entry.lastAtMs = nowMs;
    if (!collapseId.isEmpty())
        ++entry.collapseIds[collapseId];
    Totals &totals = m_totals[indexOf(service)];
    ++totals.accepted;
    ++totals.byStatus[200];
    if (m_observer)
        m_observer(service, token, payload, collapseId, entry.accepted);
}

void DeliveryRecorder::reject(PushService service, std::string_view token, int status, const QString &error,
                              qint64 nowMs)
{
    Record &entry = record(service, token);
    ++entry.rejected;
    entry.lastStatus = status;
    entry.lastError = error;
    if (entry.firstAtMs == 0)
        entry.firstAtMs = nowMs;
    entry.lastAtMs = nowMs;
    Totals &totals = m_totals[indexOf(service)];
    ++totals.rejected;
    ++totals.byStatus[status];
}

const DeliveryRecorder::Record *DeliveryRecorder::find(PushService service, std::string_view token) const
{
    const Map &map = m_records[indexOf(service)];
    const auto it = map.find(token);
    return it == map.end() ? nullptr : &it->second;
}

QJsonObject DeliveryRecorder::recordJson(const Record &record)
{
    QJsonObject headers;
    for (const auto &[name, value] : record.lastHeaders) {
        if (name != "authorization") // a credential, not something a test asserts on
            headers.insert(QString::fromLatin1(name), QString::fromUtf8(value));
    }
    QJsonObject collapse;
    for (auto it = record.collapseIds.cbegin(); it != record.collapseIds.cend(); ++it)
        collapse.insert(QString::fromUtf8(it.key()), double(it.value()));
    QJsonParseError error;
    const QJsonDocument payload = QJsonDocument::fromJson(record.lastPayload, &error);
    QJsonObject json{{QStringLiteral("attempts"), double(record.attempts)},
                     {QStringLiteral("accepted"), double(record.accepted)},
                     {QStringLiteral("rejected"), double(record.rejected)},
                     {QStringLiteral("last_status"), record.lastStatus},
                     {QStringLiteral("last_headers"), headers},
                     {QStringLiteral("collapse_ids"), collapse},
                     {QStringLiteral("first_at"), double(record.firstAtMs)},
                     {QStringLiteral("last_at"), double(record.lastAtMs)}};
    if (!record.lastError.isEmpty())
        json.insert(QStringLiteral("last_error"), record.lastError);
    if (!record.lastMessageId.isEmpty())
        json.insert(QStringLiteral("last_message_id"), QString::fromUtf8(record.lastMessageId));
    if (!record.lastPayload.isNull())
        json.insert(QStringLiteral("last_payload"), error.error == QJsonParseError::NoError && payload.isObject()
                                                        ? QJsonValue(payload.object())
                                                        : QJsonValue(QString::fromUtf8(record.lastPayload)));
    return json;
}

QJsonObject DeliveryRecorder::toJson(const QString &serviceFilter, const QString &tokenFilter) const
{
    QJsonObject all;
    QJsonObject totals;
    for (const PushService service : {PushService::Fcm, PushService::Apns}) {
        const QString name = pushServiceName(service);
        if (!serviceFilter.isEmpty() && serviceFilter != name)
            continue;
        QJsonObject tokens;
        for (const auto &[token, record] : m_records[indexOf(service)]) {
            const QString key = QString::fromStdString(token);
            if (tokenFilter.isEmpty() || tokenFilter == key)
                tokens.insert(key, recordJson(record));
        }
        all.insert(name, tokens);
        const Totals &counts = m_totals[indexOf(service)];
        QJsonObject byStatus;
        for (auto it = counts.byStatus.cbegin(); it != counts.byStatus.cend(); ++it)
            byStatus.insert(QString::number(it.key()), double(it.value()));
        totals.insert(name, QJsonObject{{QStringLiteral("requests"), double(counts.requests)},
                                        {QStringLiteral("accepted"), double(counts.accepted)},
                                        {QStringLiteral("rejected"), double(counts.rejected)},
                                        {QStringLiteral("by_status"), byStatus}});
    }
    all.insert(QStringLiteral("totals"), totals);
    return all;
}

void DeliveryRecorder::clear()
{
    for (Map &map : m_records)
        map.clear();
    for (Totals &totals : m_totals)
        totals = Totals();
}

} // namespace vestnik::sim
