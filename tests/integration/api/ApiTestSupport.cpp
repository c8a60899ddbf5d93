#include "ApiTestSupport.h"

#include "api/TlsIdentity.h"
#include "security/Jwt.h"
#include "security/JwtKey.h"

#include <QDir>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

namespace vestnik::test {

QJsonObject RawResponse::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString RawResponse::errorCode() const
{
    return json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

RawClient::RawClient(bool tls, const QSslCertificate &trusted) : m_tls(tls)
{
    if (!tls) {
        m_socket = std::make_unique<QTcpSocket>();
        return;
    }
    auto socket = std::make_unique<QSslSocket>();
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    if (trusted.isNull()) {
        configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    } else {
        configuration.setCaCertificates({trusted});
        configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    }
    socket->setSslConfiguration(configuration);
    m_socket = std::move(socket);
}

bool RawClient::connectTo(quint16 port, int timeoutMs)
{
    if (m_tls)
        sslSocket()->connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    else
        m_socket->connectToHost(QHostAddress::LocalHost, port);
    return QTest::qWaitFor(
               [this] {
                   if (m_socket->state() == QAbstractSocket::UnconnectedState)
                       return true;
                   return m_tls ? sslSocket()->isEncrypted() : m_socket->state() == QAbstractSocket::ConnectedState;
               },
               timeoutMs)
           && m_socket->state() == QAbstractSocket::ConnectedState;
}

void RawClient::send(const QByteArray &bytes)
{
    m_socket->write(bytes);
    m_socket->flush();
}

void RawClient::request(const QByteArray &method, const QByteArray &target, const QByteArray &body,
                        const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QByteArray out = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "\r\n" + body;
    send(out);
}

void RawClient::pull()
{
    m_buffer += m_socket->readAll();
}

bool RawClient::isClosed()
{
    pull();
    return m_socket->state() == QAbstractSocket::UnconnectedState;
}

QByteArray RawClient::pending()
{
    pull();
    return m_buffer;
}

std::optional<RawResponse> RawClient::takeResponse()
{
    const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return std::nullopt;
    const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
    RawResponse response;
    const QList<QByteArray> statusLine = lines.constFirst().trimmed().split(' ');
    if (statusLine.size() < 2 || !statusLine.at(0).startsWith("HTTP/1."))
        return std::nullopt;
    response.status = statusLine.at(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon > 0)
            response.headers.insert(lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
    }
    const qint64 length = response.headers.value("content-length", "0").toLongLong();
    if (m_buffer.size() < headEnd + 4 + length)
        return std::nullopt;
    response.body = m_buffer.mid(headEnd + 4, length);
    m_buffer.remove(0, headEnd + 4 + length);
    return response;
}

std::optional<RawResponse> RawClient::response(int timeoutMs, bool interim)
{
    std::optional<RawResponse> found;
    // Timing out leaves `found` empty: the caller's QVERIFY reports it.
    (void)QTest::qWaitFor(
        [&] {
            pull();
            while ((found = takeResponse())) {
                if (interim || found->status >= 200)
                    return true;
            }
            return m_socket->state() == QAbstractSocket::UnconnectedState && m_socket->bytesAvailable() == 0;
        },
        timeoutMs);
    return found;
}

bool RawClient::waitClosed(int timeoutMs)
{
    return QTest::qWaitFor([this] { return isClosed(); }, timeoutMs);
}

ApiServer::Settings testSettings()
{
    ApiServer::Settings settings;
    settings.ratePerSecond = 1'000'000;
    settings.rateBurst = 1'000'000;
    return settings;
}

namespace {

const TlsIdentity &testIdentity()
{
    static const TlsIdentity identity = [] {
        Result<TlsIdentity> made =
            TlsIdentity::generateSelfSigned(QStringLiteral("vestnik-test"), QDateTime::currentDateTimeUtc());
        if (!made)
            qFatal("cannot make a test certificate: %s", qPrintable(made.error().message));
        return std::move(*made);
    }();
    return identity;
}

} // namespace

QSslConfiguration testTlsConfiguration()
{
    return testIdentity().serverConfiguration();
}

QSslCertificate testCertificate()
{
    return testIdentity().certificate();
}

QByteArray signToken(const QJsonObject &claims, const JwtKey &key)
{
    Result<QByteArray> token = Jwt::sign(claims, key);
    if (!token)
        qFatal("cannot sign a test token: %s", qPrintable(token.error().message));
    return *token;
}

QByteArray forgeToken(const QJsonObject &header, const QJsonObject &claims, const QByteArray &signature)
{
    return base64UrlEncode(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
           + base64UrlEncode(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + '.' + base64UrlEncode(signature);
}

QString WorkerAnswer::errorCode() const
{
    return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

QString WorkerAnswer::errorMessage() const
{
    return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
}

WorkerAnswer sendWorkerRequest(QNetworkAccessManager &network, const QNetworkRequest &request, const QByteArray &method,
                               const QByteArray &body, int timeoutMs)
{
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    WorkerAnswer answer;
    if (!finished.wait(timeoutMs)) {
        qWarning("no answer to %s %s", method.constData(), qPrintable(request.url().toString()));
        return answer;
    }
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.json = QJsonDocument::fromJson(answer.body).object();
    answer.location = reply->rawHeader("Location");
    reply->deleteLater();
    return answer;
}

QProcessEnvironment apiWorkerEnvironment(const QString &dataDir, const QString &roles, const QString &adminPassword)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("VESTNIK_WORKER_DATA_DIR"), dataDir);
    env.insert(QStringLiteral("VESTNIK_HTTP_PORT"), QStringLiteral("0"));
    env.insert(QStringLiteral("VESTNIK_WORKER_ROLES"), roles);
    if (!adminPassword.isEmpty())
        env.insert(QStringLiteral("VESTNIK_IDENTITY_BOOTSTRAP_ADMIN_PASSWORD"), adminPassword);
    return env;
}

QSslConfiguration apiWorkerTls(const QString &dataDir)
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(QSslCertificate::fromPath(QDir(dataDir).filePath(QStringLiteral("api-cert.pem"))));
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    return tls;
}

} // namespace vestnik::test
