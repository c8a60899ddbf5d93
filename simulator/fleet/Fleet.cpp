#include "fleet/Fleet.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace vestnik::sim {

namespace {

Error bad(const QString &where, const QString &what)
{
    return makeError(ErrorCode::InvalidConfig, QStringLiteral("fleet.%1: %2").arg(where, what));
}

quint64 mix(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

QString hex(quint64 seed, int digits)
{
    QString out;
    quint64 state = seed;
    while (out.size() < digits) {
        state = mix(state);
        out += QString::number(state, 16).rightJustified(16, QLatin1Char('0'));
    }
    return out.left(digits);
}

} // namespace

Result<Fleet> Fleet::fromFile(const QString &path, quint64 seed)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("cannot read fleet file %1: %2").arg(path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return makeError(ErrorCode::InvalidConfig, QStringLiteral("fleet file %1 is not a JSON object").arg(path));
    return fromJson(document.object(), seed);
}

Result<Fleet> Fleet::fromJson(const QJsonObject &json, quint64 seed)
{
    Fleet fleet;
    const QJsonArray users = json.value(QStringLiteral("users")).toArray();
    for (qsizetype i = 0; i < users.size(); ++i) {
        const QJsonObject entry = users.at(i).toObject();
        const QString where = QStringLiteral("users[%1]").arg(i);
        User user{entry.value(QStringLiteral("id")).toString(),
                  entry.value(QStringLiteral("locale")).toString(),
                  entry.value(QStringLiteral("timezone")).toString(QStringLiteral("UTC")),
                  {}};
        if (user.id.isEmpty())
            return bad(where, QStringLiteral("\"id\" is required"));
        QList<Device> devices;
        const QJsonArray list = entry.value(QStringLiteral("devices")).toArray();
        for (qsizetype d = 0; d < list.size(); ++d) {
            const QJsonObject item = list.at(d).toObject();
            const QString platform = item.value(QStringLiteral("platform")).toString();
            Device device;
            if (platform == QStringLiteral("android"))
                device.service = PushService::Fcm;
            else if (platform == QStringLiteral("ios"))
                device.service = PushService::Apns;
            else
                return bad(QStringLiteral("%1.devices[%2]").arg(where).arg(d),
                           QStringLiteral("\"platform\" must be android or ios"));
            device.token = item.value(QStringLiteral("token")).toString();
            device.app = item.value(QStringLiteral("app")).toString();
            device.project = item.value(QStringLiteral("project")).toString();
            device.locale = item.value(QStringLiteral("locale")).toString(user.locale);
            device.userId = user.id;
            if (device.token.isEmpty())
                return bad(QStringLiteral("%1.devices[%2]").arg(where).arg(d), QStringLiteral("\"token\" is required"));
            devices << device;
        }
        if (Result<void> added = fleet.addUser(user, devices); !added)
            return added.error();
    }
    if (json.contains(QStringLiteral("generate"))) {
        if (Result<void> generated = fleet.generate(json.value(QStringLiteral("generate")).toObject(), seed);
            !generated)
            return generated.error();
    }
    return fleet;
}

Result<void> Fleet::addUser(User user, const QList<Device> &devices)
{
    if (m_userIndex.contains(user.id))
        return bad(QStringLiteral("users"), QStringLiteral("user \"%1\" appears twice").arg(user.id));
    for (const Device &device : devices) {
        QHash<QString, qsizetype> &index = m_deviceIndex[device.service == PushService::Fcm ? 0 : 1];
        const QString key = device.service == PushService::Apns ? device.token.toLower() : device.token;
        if (index.contains(key))
            return bad(QStringLiteral("users"), QStringLiteral("token %1 is given to two devices").arg(device.token));
        index.insert(key, m_devices.size());
        user.devices << m_devices.size();
        Device stored = device;
        stored.token = key;
        m_devices << stored;
    }
    m_userIndex.insert(user.id, m_users.size());
    m_users << user;
    return {};
}

Result<void> Fleet::generate(const QJsonObject &spec, quint64 seed)
{
    const int count = spec.value(QStringLiteral("users")).toInt(0);
    const double iosShare = spec.value(QStringLiteral("ios_share")).toDouble(0.4);
    const int perUser = spec.value(QStringLiteral("devices_per_user")).toInt(1);
    const QString prefix = spec.value(QStringLiteral("id_prefix")).toString(QStringLiteral("user-"));
    const QString app = spec.value(QStringLiteral("app")).toString(QStringLiteral("com.example.shop"));
    const QString project = spec.value(QStringLiteral("project")).toString();
    QStringList locales;
    const QJsonArray localeList = spec.value(QStringLiteral("locales")).toArray();
    for (const QJsonValue &locale : localeList)
        locales << locale.toString();
    if (locales.isEmpty())
        locales = {QStringLiteral("ru-RU"), QStringLiteral("en-US")};
    const QString timezone = spec.value(QStringLiteral("timezone")).toString(QStringLiteral("Europe/Moscow"));
    if (count < 0 || count > 1'000'000 || perUser < 1 || perUser > 10 || iosShare < 0 || iosShare > 1)
        return bad(QStringLiteral("generate"), QStringLiteral("\"users\" 0..1000000, \"devices_per_user\" 1..10, "
                                                              "\"ios_share\" 0..1"));
    for (int i = 0; i < count; ++i) {
        const quint64 userSeed = mix(seed ^ mix(quint64(i) + 0x5157));
        User user{
            prefix + QString::number(i + 1), locales.at(qsizetype(userSeed % quint64(locales.size()))), timezone, {}};
        QList<Device> devices;
        for (int d = 0; d < perUser; ++d) {
            const quint64 deviceSeed = mix(userSeed + quint64(d));
            Device device;
            device.service =
                double(deviceSeed >> 11) / 9007199254740992.0 < iosShare ? PushService::Apns : PushService::Fcm;
            device.token = device.service == PushService::Apns
                               ? hex(deviceSeed, 64)
                               : QStringLiteral("sim%1_%2:APA91b%3").arg(i + 1).arg(d + 1).arg(hex(deviceSeed, 40));
            device.app = app;
            device.project = device.service == PushService::Fcm ? project : QString();
            device.locale = user.locale;
            device.userId = user.id;
            devices << device;
        }
        if (Result<void> added = addUser(user, devices); !added)
            return added;
    }
    return {};
}

const Fleet::User *Fleet::user(const QString &id) const
{
    const auto it = m_userIndex.constFind(id);
    return it == m_userIndex.constEnd() ? nullptr : &m_users.at(*it);
}

const Fleet::Device *Fleet::device(PushService service, std::string_view token) const
{
    const QHash<QString, qsizetype> &index = m_deviceIndex[service == PushService::Fcm ? 0 : 1];
    if (index.isEmpty())
        return nullptr;
    const auto it = index.constFind(QString::fromUtf8(token.data(), qsizetype(token.size())));
    return it == index.constEnd() ? nullptr : &m_devices.at(*it);
}

QJsonObject Fleet::userJson(const User &user) const
{
    QJsonArray devices;
    for (const qsizetype index : user.devices) {
        const Device &device = m_devices.at(index);
        QJsonObject item{{QStringLiteral("platform"), device.platform()},
                         {QStringLiteral("token"), device.token},
                         {QStringLiteral("app"), device.app},
                         {QStringLiteral("locale"), device.locale}};
        if (!device.project.isEmpty())
            item.insert(QStringLiteral("project"), device.project);
        devices.append(item);
    }
    return QJsonObject{{QStringLiteral("user_id"), user.id},
                       {QStringLiteral("locale"), user.locale},
                       {QStringLiteral("timezone"), user.timezone},
                       {QStringLiteral("devices"), devices}};
}

QJsonObject Fleet::toJson() const
{
    QJsonArray users;
    for (const User &user : m_users)
        users.append(userJson(user));
    return QJsonObject{{QStringLiteral("users"), users}, {QStringLiteral("device_count"), double(m_devices.size())}};
}

} // namespace vestnik::sim
