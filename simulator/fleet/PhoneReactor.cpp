#include "fleet/PhoneReactor.h"

#include "SimLogging.h"
#include "fleet/Fleet.h"
#include "transport/DelayQueue.h"
#include "util/Clock.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>

namespace vestnik::sim {

namespace {

enum Stage {
    Delivered = 1,
    Opened,
    Clicked,
    Converted,
    ActionChoice,
    DelayDelivered,
    DelayOpened,
    DelayClicked,
    DelayConverted
};

Error bad(const QString &where, const QString &what)
{
    return makeError(ErrorCode::InvalidConfig, QStringLiteral("reactions.%1: %2").arg(where, what));
}

quint64 mix(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

Result<PhoneReactor::Profile> parseProfile(const QJsonObject &json, const PhoneReactor::Profile &base,
                                           const QString &where)
{
    PhoneReactor::Profile profile = base;
    const std::pair<const char *, double *> probabilities[] = {{"delivered", &profile.delivered},
                                                               {"opened", &profile.opened},
                                                               {"clicked", &profile.clicked},
                                                               {"converted", &profile.converted}};
    for (const auto &[key, target] : probabilities) {
        const QString name = QLatin1String(key);
        if (!json.contains(name))
            continue;
        const double value = json.value(name).toDouble(-1);
        if (value < 0 || value > 1)
            return bad(where + QLatin1Char('.') + name, QStringLiteral("must be a probability between 0 and 1"));
        *target = value;
    }
    if (json.contains(QStringLiteral("actions"))) {
        profile.actions.clear();
        const QJsonArray actions = json.value(QStringLiteral("actions")).toArray();
        for (const QJsonValue &action : actions)
            profile.actions << action.toString();
        if (profile.actions.isEmpty())
            return bad(where + QStringLiteral(".actions"), QStringLiteral("name at least one action"));
    }
    const QJsonObject delays = json.value(QStringLiteral("delays_ms")).toObject();
    const std::pair<const char *, LatencyDistribution *> distributions[] = {{"delivered", &profile.deliveredDelay},
                                                                            {"opened", &profile.openedDelay},
                                                                            {"clicked", &profile.clickedDelay},
                                                                            {"converted", &profile.convertedDelay}};
    for (const auto &[key, target] : distributions) {
        const QString name = QLatin1String(key);
        if (!delays.contains(name))
            continue;
        Result<LatencyDistribution> distribution = LatencyDistribution::parse(delays.value(name).toString());
        if (!distribution)
            return bad(where + QStringLiteral(".delays_ms.") + name, distribution.error().message);
        *target = *distribution;
    }
    return profile;
}

// A field of the push: FCM data maps (message, then android), the APNs payload's custom keys, then aps.
QString findField(const QJsonObject &root, PushService service, const QString &name)
{
    if (name.isEmpty())
        return {};
    QList<QJsonObject> places;
    if (service == PushService::Fcm) {
        const QJsonObject message = root.value(QStringLiteral("message")).toObject();
        places << message.value(QStringLiteral("data")).toObject()
               << message.value(QStringLiteral("android")).toObject().value(QStringLiteral("data")).toObject()
               << message.value(QStringLiteral("apns")).toObject().value(QStringLiteral("payload")).toObject();
    } else {
        places << root << root.value(QStringLiteral("aps")).toObject();
    }
    for (const QJsonObject &place : std::as_const(places)) {
        const QJsonValue value = place.value(name);
        if (value.isString())
            return value.toString();
        if (value.isDouble())
            return QString::number(value.toDouble());
    }
    // Vestnik's own pushes: FCM data `vestnik_<name>`, APNs `vestnik.<name>` (the names without the prefix too).
    static const QString kPrefix = QStringLiteral("vestnik_");
    if (service != PushService::Fcm && name.startsWith(kPrefix)) {
        const QJsonValue value = root.value(QStringLiteral("vestnik")).toObject().value(name.mid(kPrefix.size()));
        if (value.isString())
            return value.toString();
    }
    return {};
}

} // namespace

PhoneReactor::PhoneReactor(const Fleet &fleet, DelayQueue &delays, const Clock &clock, QObject *parent)
    : QObject(parent), m_fleet(fleet), m_delays(delays), m_clock(clock), m_network(new QNetworkAccessManager(this))
{}

PhoneReactor::~PhoneReactor() = default;

Result<void> PhoneReactor::configure(const QJsonObject &json, quint64 seed)
{
    static const QStringList kKeys = {QStringLiteral("tracking_url"),
                                      QStringLiteral("event_url"),
                                      QStringLiteral("authorization"),
                                      QStringLiteral("ca_file"),
                                      QStringLiteral("tracking_token_field"),
                                      QStringLiteral("notification_id_field"),
                                      QStringLiteral("vary_by"),
                                      QStringLiteral("conversion_event"),
                                      QStringLiteral("default"),
                                      QStringLiteral("by_value")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!kKeys.contains(it.key()))
            return bad(it.key(), QStringLiteral("unknown key (known: %1)").arg(kKeys.join(QStringLiteral(", "))));
    }
    const QUrl tracking(json.value(QStringLiteral("tracking_url")).toString(), QUrl::StrictMode);
    const QUrl event(json.value(QStringLiteral("event_url")).toString(), QUrl::StrictMode);
    for (const auto &[key, url] :
         {std::pair{QStringLiteral("tracking_url"), tracking}, std::pair{QStringLiteral("event_url"), event}}) {
        if (json.contains(key)
            && (!url.isValid() || (url.scheme() != QStringLiteral("http") && url.scheme() != QStringLiteral("https"))))
            return bad(key, QStringLiteral("must be an http:// or https:// URL"));
    }
    const QString caFile = json.value(QStringLiteral("ca_file")).toString();
    if (!caFile.isEmpty() && QSslCertificate::fromPath(caFile).isEmpty())
        return bad(QStringLiteral("ca_file"), QStringLiteral("no PEM certificate in %1").arg(caFile));
    Result<Profile> profile =
        parseProfile(json.value(QStringLiteral("default")).toObject(), Profile(), QStringLiteral("default"));
    if (!profile)
        return profile.error();
    QHash<QString, Profile> byValue;
    const QJsonObject variants = json.value(QStringLiteral("by_value")).toObject();
    for (auto it = variants.begin(); it != variants.end(); ++it) {
        Result<Profile> variant = parseProfile(it.value().toObject(), *profile, QStringLiteral("by_value.") + it.key());
        if (!variant)
            return variant.error();
        byValue.insert(it.key(), *variant);
    }

    m_configuration = json;
    m_seed = seed;
    m_trackingUrl = json.contains(QStringLiteral("tracking_url")) ? tracking : QUrl();
    m_eventUrl = json.contains(QStringLiteral("event_url")) ? event : QUrl();
    m_authorization = json.value(QStringLiteral("authorization")).toString().toUtf8();
    m_caFile = caFile;
    m_trackingTokenField = json.value(QStringLiteral("tracking_token_field")).toString(QStringLiteral("vestnik_track"));
    m_notificationIdField = json.value(QStringLiteral("notification_id_field")).toString(QStringLiteral("vestnik_nid"));
    m_varyBy = json.value(QStringLiteral("vary_by")).toString(QStringLiteral("variant"));
    m_conversionEvent = json.value(QStringLiteral("conversion_event")).toString(QStringLiteral("order.created"));
    m_default = *profile;
    m_byValue = byValue;
    return {};
}

PhoneReactor::Fields PhoneReactor::fieldsOf(PushService service, const QByteArray &payload,
                                            const QByteArray &collapseId) const
{
    const QJsonObject root = QJsonDocument::fromJson(payload).object();
    Fields fields;
    fields.trackingToken = findField(root, service, m_trackingTokenField);
    fields.notificationId = findField(root, service, m_notificationIdField);
    if (fields.notificationId.isEmpty())
        fields.notificationId = QString::fromUtf8(collapseId);
    fields.variant = findField(root, service, m_varyBy);
    return fields;
}

double PhoneReactor::draw(std::string_view token, quint64 pushNumber, int stage) const
{
    quint64 x = m_seed ^ 0x70686f6e65ULL; // "phone": a stream of its own, apart from the fault injector's
    for (const char c : token)
        x = mix(x ^ quint64(uchar(c)));
    x = mix(x ^ mix(pushNumber * 31 + quint64(stage)));
    return double(x >> 11) * (1.0 / 9007199254740992.0);
}

void PhoneReactor::pushAccepted(PushService service, std::string_view token, const QByteArray &payload,
                                const QByteArray &collapseId, quint64 pushNumber)
{
    if (!isActive())
        return;
    const Fleet::Device *device = m_fleet.device(service, token);
    if (!device)
        return;
    const Fields fields = fieldsOf(service, payload, collapseId);
    const Profile &profile = m_byValue.contains(fields.variant) ? m_byValue[fields.variant] : m_default;
    ++m_planned;

    const auto delay = [&](const LatencyDistribution &distribution, int stage) {
        return distribution.sample(draw(token, pushNumber, stage), draw(token, pushNumber, stage + 100));
    };
    const QJsonObject base{{QStringLiteral("tracking_token"), fields.trackingToken},
                           {QStringLiteral("notification_id"), fields.notificationId},
                           {QStringLiteral("user_id"), device->userId},
                           {QStringLiteral("platform"), device->platform()},
                           {QStringLiteral("app"), device->app}};
    std::chrono::milliseconds at{0};
    const auto report = [&](const QString &event, const QJsonObject &extra = {}) {
        QJsonObject body = base;
        body.insert(QStringLiteral("event"), event);
        for (auto it = extra.begin(); it != extra.end(); ++it)
            body.insert(it.key(), it.value());
        schedule(at, event, true, body);
    };

    if (draw(token, pushNumber, Delivered) >= profile.delivered)
        return;
    at += delay(profile.deliveredDelay, DelayDelivered);
    report(QStringLiteral("delivered"));
    if (draw(token, pushNumber, Opened) >= profile.opened)
        return;
    at += delay(profile.openedDelay, DelayOpened);
    report(QStringLiteral("opened"));
    if (draw(token, pushNumber, Clicked) >= profile.clicked)
        return;
    at += delay(profile.clickedDelay, DelayClicked);
    const qsizetype choice = qsizetype(draw(token, pushNumber, ActionChoice) * double(profile.actions.size()));
    report(QStringLiteral("clicked"),
           {{QStringLiteral("action"), profile.actions.value(choice, profile.actions.constFirst())}});
    if (draw(token, pushNumber, Converted) >= profile.converted)
        return;
    at += delay(profile.convertedDelay, DelayConverted);
    const QJsonObject conversion{
        {QStringLiteral("type"), m_conversionEvent},
        {QStringLiteral("user_id"), device->userId},
        {QStringLiteral("event_id"),
         QStringLiteral("sim-%1-%2")
             .arg(QString::number(qHash(QByteArrayView(token.data(), qsizetype(token.size()))), 16))
             .arg(pushNumber)},
        {QStringLiteral("attributes"), QJsonObject{{QStringLiteral("notification_id"), fields.notificationId},
                                                   {QStringLiteral("variant"), fields.variant},
                                                   {QStringLiteral("source"), QStringLiteral("vestnik-sim")}}}};
    schedule(at, QStringLiteral("converted"), false, conversion);
}

void PhoneReactor::schedule(std::chrono::milliseconds at, const QString &kind, bool isTracking, const QJsonObject &body)
{
    const QPointer<PhoneReactor> self(this);
    m_delays.schedule(at, [self, kind, isTracking, body]() {
        if (!self)
            return;
        const QUrl url = isTracking ? self->m_trackingUrl : self->m_eventUrl;
        if (!url.isValid())
            return;
        QJsonObject stamped = body;
        stamped.insert(QStringLiteral("at"), double(self->m_clock.nowMs()));
        self->post(kind, url, stamped);
    });
}

void PhoneReactor::post(const QString &kind, const QUrl &url, const QJsonObject &body)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!m_authorization.isEmpty())
        request.setRawHeader(QByteArrayLiteral("authorization"), m_authorization);
    if (!m_caFile.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(m_caFile);
        request.setSslConfiguration(tls);
    }
    QNetworkReply *reply = m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    ++m_inFlight;
    connect(reply, &QNetworkReply::finished, this, [this, reply, kind] {
        reply->deleteLater();
        --m_inFlight;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
            ++m_sent[kind];
            return;
        }
        ++m_failed[kind];
        qCWarning(lcSim).noquote() << "phone: reporting" << kind << "to" << reply->url().toString(QUrl::RemoveQuery)
                                   << "failed:"
                                   << (status ? QStringLiteral("HTTP %1").arg(status) : reply->errorString());
    });
}

QJsonObject PhoneReactor::statusJson() const
{
    QJsonObject sent;
    for (auto it = m_sent.cbegin(); it != m_sent.cend(); ++it)
        sent.insert(it.key(), double(it.value()));
    QJsonObject failed;
    for (auto it = m_failed.cbegin(); it != m_failed.cend(); ++it)
        failed.insert(it.key(), double(it.value()));
    return QJsonObject{{QStringLiteral("pushes_reacted_to"), double(m_planned)},
                       {QStringLiteral("in_flight"), double(m_inFlight)},
                       {QStringLiteral("sent"), sent},
                       {QStringLiteral("failed"), failed}};
}

} // namespace vestnik::sim
