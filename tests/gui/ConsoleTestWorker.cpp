#include "ConsoleTestWorker.h"

#include "SimDelivery.h"
#include "SimTestSupport.h"
#include "TestServices.h"

#include <QDir>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTest>

namespace vestnik::test {

namespace {

constexpr int kStartTimeoutMs = 30'000;
constexpr int kCallTimeoutMs = 30'000;

} // namespace

ConsoleTestWorker::ConsoleTestWorker() = default;

ConsoleTestWorker::~ConsoleTestWorker()
{
    stop();
}

QString ConsoleTestWorker::adminLogin()
{
    return QStringLiteral("admin");
}

QString ConsoleTestWorker::adminPassword()
{
    return QStringLiteral("console admin secret 1");
}

QString ConsoleTestWorker::marketerLogin()
{
    return QStringLiteral("maria");
}

QString ConsoleTestWorker::marketerPassword()
{
    return QStringLiteral("marketing rules 1");
}

QString ConsoleTestWorker::appId()
{
    return QStringLiteral("shop");
}

bool ConsoleTestWorker::fail(const QString &reason)
{
    m_error = reason;
    return false;
}

bool ConsoleTestWorker::start()
{
    if (!m_dir.isValid())
        return fail(QStringLiteral("no temporary directory"));
    const OpenSslTool openssl(m_dir.path());
    const QByteArray account =
        writeFcmSimConfig(openssl, m_dir.path(), QStringLiteral("sender@console-test.iam.gserviceaccount.com"),
                          QStringLiteral("console-test"));
    if (account.isEmpty())
        return fail(QStringLiteral("could not write the simulator's configuration"));
    m_sim = std::make_unique<SimProcess>(m_dir.filePath(QStringLiteral("sim-data")));
    if (!m_sim->start({QStringLiteral("--config"), m_dir.filePath(QStringLiteral("sim.json"))}))
        return fail(QStringLiteral("vestnik-sim: ") + m_sim->error());

    const QString dataDir = m_dir.filePath(QStringLiteral("worker"));
    QDir().mkpath(dataDir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("VESTNIK_WORKER_DATA_DIR"), dataDir);
    env.insert(QStringLiteral("VESTNIK_HTTP_PORT"), QStringLiteral("0"));
    env.insert(QStringLiteral("VESTNIK_WORKER_ROLES"), QStringLiteral("trigger,sender"));
    env.insert(QStringLiteral("VESTNIK_LOG_LEVEL"), QStringLiteral("warning"));
    env.insert(QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), QString::fromLatin1(QByteArray(32, '\x5c').toHex()));
    env.insert(QStringLiteral("VESTNIK_IDENTITY_BOOTSTRAP_ADMIN_PASSWORD"), adminPassword());
    // The console previews as the marketer types: more calls a second than an API client would make.
    env.insert(QStringLiteral("VESTNIK_API_RATE_PER_SECOND"), QStringLiteral("0"));
    addSimProviders(env, *m_sim);
    m_worker.setProcessEnvironment(env);
    m_worker.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    dieWithTest(m_worker);
    m_worker.start(QStringLiteral(VESTNIK_WORKER_BINARY), {});
    if (!m_worker.waitForStarted())
        return fail(QStringLiteral("vestnik-worker did not start: ") + m_worker.errorString());
    QByteArray out;
    const bool listening = QTest::qWaitFor(
        [&] {
            out += m_worker.readAllStandardOutput();
            return out.contains("listening on") || m_worker.state() != QProcess::Running;
        },
        kStartTimeoutMs);
    m_url = workerListeningUrl(out);
    if (!listening || m_worker.state() != QProcess::Running || !m_url.isValid() || m_url.isEmpty())
        return fail(QStringLiteral("vestnik-worker printed no listening line: ") + QString::fromUtf8(out));

    const Answer login =
        call("POST", QStringLiteral("/v1/auth/login"),
             QJsonObject{{QStringLiteral("login"), adminLogin()}, {QStringLiteral("password"), adminPassword()}});
    m_adminToken = login.json.value(QStringLiteral("access_token")).toString().toUtf8();
    if (m_adminToken.isEmpty())
        return fail(QStringLiteral("the bootstrap admin cannot sign in: %1").arg(login.status));
    const Answer marketer = call("POST", QStringLiteral("/v1/admin/users"),
                                 QJsonObject{{QStringLiteral("login"), marketerLogin()},
                                             {QStringLiteral("password"), marketerPassword()},
                                             {QStringLiteral("role"), QStringLiteral("marketer")}});
    if (marketer.status != 201)
        return fail(QStringLiteral("creating the marketer: %1").arg(marketer.status));
    const Answer app = call("PUT", QStringLiteral("/v1/apps/") + appId(),
                            QJsonObject{{QStringLiteral("name"), QStringLiteral("Shop")}});
    if (app.status != 201 && app.status != 200)
        return fail(QStringLiteral("creating the app: %1").arg(app.status));
    const Answer credential = call("PUT", QStringLiteral("/v1/apps/%1/credentials/fcm").arg(appId()),
                                   QJsonDocument::fromJson(account).object());
    if (credential.status != 200)
        return fail(QStringLiteral("setting the FCM credential: %1").arg(credential.status));
    return true;
}

bool ConsoleTestWorker::stop()
{
    bool clean = true;
    if (m_worker.state() != QProcess::NotRunning) {
        m_worker.terminate();
        if (!m_worker.waitForFinished(kStartTimeoutMs)) {
            m_worker.kill();
            m_worker.waitForFinished();
            clean = false;
        }
        clean = clean && m_worker.exitStatus() == QProcess::NormalExit && m_worker.exitCode() == 0;
    }
    if (m_sim) {
        clean = m_sim->stop() == 0 && clean;
        m_sim.reset();
    }
    return clean;
}

QList<QSslCertificate> ConsoleTestWorker::ca() const
{
    return QSslCertificate::fromPath(
        QDir(m_dir.filePath(QStringLiteral("worker"))).filePath(QStringLiteral("api-cert.pem")));
}

ConsoleTestWorker::Answer ConsoleTestWorker::call(const QByteArray &method, const QString &path,
                                                  const QJsonObject &body)
{
    QNetworkAccessManager network;
    QNetworkRequest request(m_url.resolved(QUrl(path)));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(ca());
    request.setSslConfiguration(tls);
    QByteArray bytes;
    if (!body.isEmpty() || method != "GET") {
        bytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    }
    if (!m_adminToken.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_adminToken);
    QNetworkReply *reply = network.sendCustomRequest(request, method, bytes);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    Answer answer;
    if (finished.wait(kCallTimeoutMs)) {
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.json = QJsonDocument::fromJson(reply->readAll()).object();
    } else {
        qWarning("no answer to %s %s", method.constData(), qPrintable(path));
    }
    reply->deleteLater();
    return answer;
}

qint64 ConsoleTestWorker::addUserWithDevice(const QString &userId, const QString &locale, const QJsonObject &attributes,
                                            const QString &token)
{
    const Answer user =
        call("PUT", QStringLiteral("/v1/users/") + userId,
             QJsonObject{{QStringLiteral("locale"), locale}, {QStringLiteral("attributes"), attributes}});
    if (user.status != 201 && user.status != 200)
        return -1;
    const Answer device = call("POST", QStringLiteral("/v1/users/%1/devices").arg(userId),
                               QJsonObject{{QStringLiteral("app_id"), appId()},
                                           {QStringLiteral("platform"), QStringLiteral("android")},
                                           {QStringLiteral("token"), token}});
    return device.status == 201 || device.status == 200 ? device.json.value(QStringLiteral("id")).toInteger() : -1;
}

QJsonObject ConsoleTestWorker::simCall(const QString &method, const QString &path)
{
    return adminCall(m_sim->admin, method, path).json();
}

} // namespace vestnik::test
