#include "SimTestSupport.h"

#include "TestServices.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>

#include <csignal>

namespace vestnik::test {

namespace {

QString path(const QString &directory, const QString &name)
{
    return QDir(directory).filePath(name);
}

// DER ECDSA-Sig-Value (SEQUENCE { INTEGER r, INTEGER s }) to JWS raw r||s.
QByteArray derToRaw(const QByteArray &der)
{
    qsizetype i = 0;
    const auto byte = [&der](qsizetype at) { return at < der.size() ? uchar(der.at(at)) : uchar(0); };
    if (byte(i++) != 0x30)
        return {};
    if (byte(i) & 0x80)
        i += 1 + (byte(i) & 0x7f);
    else
        ++i;
    QByteArray raw;
    for (int part = 0; part < 2; ++part) {
        if (byte(i++) != 0x02)
            return {};
        const int length = byte(i++);
        QByteArray number = der.mid(i, length);
        i += length;
        while (number.size() > 32 && number.startsWith('\0'))
            number.remove(0, 1);
        raw += QByteArray(32 - number.size(), '\0') + number;
    }
    return raw;
}

} // namespace

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

int run(const QString &program, const QStringList &arguments, QByteArray *out, QByteArray *err, const QByteArray &input)
{
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForStarted(10'000))
        return -1;
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(30'000)) {
        process.kill();
        process.waitForFinished();
        return -1;
    }
    if (out)
        *out = process.readAllStandardOutput();
    if (err)
        *err = process.readAllStandardError();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

SimProcess::SimProcess(const QString &dataDir) : m_dataDir(dataDir) {}

SimProcess::~SimProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5'000);
    }
}

bool SimProcess::start(const QStringList &arguments)
{
    QStringList all = {
        QStringLiteral("--data-dir"),   m_dataDir,           QStringLiteral("--google-port"), QStringLiteral("0"),
        QStringLiteral("--apns-port"),  QStringLiteral("0"), QStringLiteral("--auth-port"),   QStringLiteral("0"),
        QStringLiteral("--admin-port"), QStringLiteral("0")};
    all << arguments;
    test::dieWithTest(m_process);
    m_process.start(QStringLiteral(VESTNIK_SIM_BINARY), all);
    if (!m_process.waitForStarted(10'000)) {
        m_error = QStringLiteral("vestnik-sim did not start: ") + m_process.errorString();
        return false;
    }
    static const QRegularExpression ready(QStringLiteral(R"(ready(.*)\n)"));
    QByteArray out;
    const QDeadlineTimer deadline(20'000);
    while (!ready.match(QString::fromUtf8(out)).hasMatch()) {
        if (m_process.state() == QProcess::NotRunning || deadline.hasExpired()) {
            m_error = QStringLiteral("no readiness line; stderr: ") + QString::fromUtf8(standardError());
            return false;
        }
        m_process.waitForReadyRead(100);
        out += m_process.readAllStandardOutput();
    }
    const QStringList fields =
        ready.match(QString::fromUtf8(out)).captured(1).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &field : fields) {
        const QString key = field.section(QLatin1Char('='), 0, 0);
        const QString value = field.section(QLatin1Char('='), 1);
        if (key == QStringLiteral("google"))
            google = QUrl(value);
        else if (key == QStringLiteral("apns"))
            apns = QUrl(value);
        else if (key == QStringLiteral("auth"))
            auth = QUrl(value);
        else if (key == QStringLiteral("admin"))
            admin = QUrl(value);
        else if (key == QStringLiteral("ca"))
            caPath = value;
    }
    return true;
}

QByteArray SimProcess::standardError()
{
    m_stderr += m_process.readAllStandardError();
    return m_stderr;
}

int SimProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitCode();
    ::kill(pid_t(m_process.processId()), SIGTERM);
    return waitForExit();
}

int SimProcess::waitForExit()
{
    if (m_process.state() != QProcess::NotRunning && !m_process.waitForFinished(15'000))
        return -1;
    standardError();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

QJsonObject HttpExchange::json() const
{
    return QJsonDocument::fromJson(body).object();
}

HttpExchange curl(const QString &caPath, const QStringList &arguments)
{
    QTemporaryDir dir;
    const QString headerFile = dir.filePath(QStringLiteral("headers"));
    const QString bodyFile = dir.filePath(QStringLiteral("body"));
    QStringList all = {QStringLiteral("-sS"),        QStringLiteral("--http2"),
                       QStringLiteral("--max-time"), QStringLiteral("20"),
                       QStringLiteral("-D"),         headerFile,
                       QStringLiteral("-o"),         bodyFile,
                       QStringLiteral("-w"),         QStringLiteral("%{http_code} %{http_version}")};
    if (!caPath.isEmpty())
        all << QStringLiteral("--cacert") << caPath;
    all << arguments;
    HttpExchange exchange;
    QByteArray out;
    run(QStringLiteral("curl"), all, &out, &exchange.diagnostics);
    const QList<QByteArray> parts = out.trimmed().split(' ');
    exchange.status = parts.value(0).toInt();
    exchange.httpVersion = QString::fromLatin1(parts.value(1));
    QFile headers(headerFile);
    if (headers.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> lines = headers.readAll().split('\n');
        for (const QByteArray &line : lines) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("HTTP/"))
                exchange.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
        }
    }
    QFile body(bodyFile);
    if (body.open(QIODevice::ReadOnly))
        exchange.body = body.readAll();
    return exchange;
}

QList<HttpExchange> curlSequence(const QString &caPath, const QList<QStringList> &transfers)
{
    QTemporaryDir dir;
    QStringList all;
    for (qsizetype i = 0; i < transfers.size(); ++i) {
        if (i > 0)
            all << QStringLiteral("--next");
        all << QStringLiteral("-sS") << QStringLiteral("--http2") << QStringLiteral("--max-time")
            << QStringLiteral("20") << QStringLiteral("--cacert") << caPath << QStringLiteral("-D")
            << dir.filePath(QStringLiteral("headers%1").arg(i)) << QStringLiteral("-o")
            << dir.filePath(QStringLiteral("body%1").arg(i)) << QStringLiteral("-w")
            << QStringLiteral("%{http_code} %{http_version} %{num_connects}\\n");
        all << transfers.at(i);
    }
    QByteArray out;
    QByteArray err;
    run(QStringLiteral("curl"), all, &out, &err);
    const QList<QByteArray> lines = out.trimmed().split('\n');
    QList<HttpExchange> exchanges;
    for (qsizetype i = 0; i < transfers.size(); ++i) {
        HttpExchange exchange;
        const QList<QByteArray> parts = lines.value(i).split(' ');
        exchange.status = parts.value(0).toInt();
        exchange.httpVersion = QString::fromLatin1(parts.value(1));
        exchange.newConnections = parts.value(2).toInt();
        exchange.diagnostics = err;
        QFile headers(dir.filePath(QStringLiteral("headers%1").arg(i)));
        if (headers.open(QIODevice::ReadOnly)) {
            const QList<QByteArray> headerLines = headers.readAll().split('\n');
            for (const QByteArray &line : headerLines) {
                const qsizetype colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("HTTP/"))
                    exchange.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
            }
        }
        QFile body(dir.filePath(QStringLiteral("body%1").arg(i)));
        if (body.open(QIODevice::ReadOnly))
            exchange.body = body.readAll();
        exchanges << exchange;
    }
    return exchanges;
}

HttpExchange adminCall(const QUrl &admin, const QString &method, const QString &path, const QByteArray &body)
{
    QStringList arguments = {QStringLiteral("--http1.1"), QStringLiteral("-X"), method};
    if (!body.isEmpty())
        arguments << QStringLiteral("-H") << QStringLiteral("content-type: application/json")
                  << QStringLiteral("--data-binary") << QString::fromUtf8(body);
    arguments << admin.resolved(QUrl(path)).toString();
    return curl(QString(), arguments);
}

QString OpenSslTool::generateRsaKey(const QString &name) const
{
    const QString file = path(m_directory, name);
    const int code =
        run(QStringLiteral("openssl"),
            {QStringLiteral("genpkey"), QStringLiteral("-algorithm"), QStringLiteral("RSA"), QStringLiteral("-pkeyopt"),
             QStringLiteral("rsa_keygen_bits:2048"), QStringLiteral("-out"), file});
    return code == 0 ? file : QString();
}

QString OpenSslTool::generateEcKey(const QString &name) const
{
    const QString file = path(m_directory, name);
    const int code =
        run(QStringLiteral("openssl"),
            {QStringLiteral("genpkey"), QStringLiteral("-algorithm"), QStringLiteral("EC"), QStringLiteral("-pkeyopt"),
             QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-out"), file});
    return code == 0 ? file : QString();
}

QByteArray OpenSslTool::signJwt(const QString &keyPath, const QJsonObject &header, const QJsonObject &claims) const
{
    const QByteArray input = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
                             + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    QByteArray signature;
    if (run(QStringLiteral("openssl"),
            {QStringLiteral("dgst"), QStringLiteral("-sha256"), QStringLiteral("-sign"), keyPath}, &signature, nullptr,
            input)
        != 0)
        return {};
    if (header.value(QStringLiteral("alg")).toString() == QStringLiteral("ES256"))
        signature = derToRaw(signature);
    return input + '.' + base64Url(signature);
}

QString OpenSslTool::issueCertificate(const QString &name, const QString &keyPath, const QString &subject,
                                      const QString &caCertificate, const QString &caKey,
                                      const QStringList &extensions) const
{
    const QString request = path(m_directory, name + QStringLiteral(".csr"));
    const QString certificate = path(m_directory, name + QStringLiteral(".pem"));
    if (run(QStringLiteral("openssl"), {QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-key"), keyPath,
                                        QStringLiteral("-subj"), subject, QStringLiteral("-out"), request})
        != 0)
        return {};
    const QString extensionFile = path(m_directory, name + QStringLiteral(".ext"));
    QFile ext(extensionFile);
    if (!ext.open(QIODevice::WriteOnly))
        return {};
    ext.write(extensions.join(QLatin1Char('\n')).toUtf8() + '\n');
    ext.close();
    QStringList arguments = {QStringLiteral("x509"),     QStringLiteral("-req"), QStringLiteral("-in"),  request,
                             QStringLiteral("-days"),    QStringLiteral("2"),    QStringLiteral("-out"), certificate,
                             QStringLiteral("-extfile"), extensionFile};
    if (caCertificate.isEmpty())
        arguments << QStringLiteral("-signkey") << keyPath;
    else
        arguments << QStringLiteral("-CA") << caCertificate << QStringLiteral("-CAkey") << caKey
                  << QStringLiteral("-CAcreateserial");
    return run(QStringLiteral("openssl"), arguments) == 0 ? certificate : QString();
}

QByteArray serviceAccountAssertion(const OpenSslTool &openssl, const QString &keyPath, const QString &clientEmail,
                                   const QString &keyId, const QJsonObject &claims)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QJsonObject all{{QStringLiteral("iss"), clientEmail},
                    {QStringLiteral("scope"), QStringLiteral("https://www.googleapis.com/auth/firebase.messaging")},
                    {QStringLiteral("aud"), QStringLiteral("https://oauth2.googleapis.com/token")},
                    {QStringLiteral("iat"), double(now - 10)},
                    {QStringLiteral("exp"), double(now + 3590)}};
    for (auto it = claims.begin(); it != claims.end(); ++it)
        all.insert(it.key(), it.value());
    QJsonObject header{{QStringLiteral("alg"), QStringLiteral("RS256")},
                       {QStringLiteral("typ"), QStringLiteral("JWT")}};
    if (!keyId.isEmpty())
        header.insert(QStringLiteral("kid"), keyId);
    return openssl.signJwt(keyPath, header, all);
}

QByteArray googleAccessToken(const SimProcess &sim, const OpenSslTool &openssl, const QString &keyPath,
                             const QString &clientEmail)
{
    const QByteArray assertion = serviceAccountAssertion(openssl, keyPath, clientEmail, QString());
    const HttpExchange reply =
        curl(sim.caPath, {QStringLiteral("--data-binary"),
                          QStringLiteral("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=")
                              + QString::fromLatin1(assertion),
                          sim.google.resolved(QUrl(QStringLiteral("/token"))).toString()});
    return reply.json().value(QStringLiteral("access_token")).toString().toLatin1();
}

QByteArray serviceAccountJson(const QString &keyPath, const QString &clientEmail, const QString &projectId,
                              const QString &keyId, const QString &tokenUri)
{
    QFile key(keyPath);
    if (!key.open(QIODevice::ReadOnly))
        return {};
    const QJsonObject account{{QStringLiteral("type"), QStringLiteral("service_account")},
                              {QStringLiteral("project_id"), projectId},
                              {QStringLiteral("private_key_id"), keyId},
                              {QStringLiteral("private_key"), QString::fromLatin1(key.readAll())},
                              {QStringLiteral("client_email"), clientEmail},
                              {QStringLiteral("client_id"), QStringLiteral("100000000000000000001")},
                              {QStringLiteral("auth_uri"), QStringLiteral("https://accounts.google.com/o/oauth2/auth")},
                              {QStringLiteral("token_uri"), tokenUri}};
    return QJsonDocument(account).toJson();
}

} // namespace vestnik::test
