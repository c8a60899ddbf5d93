#include "provider/ApnsCredential.h"

#include "TestResults.h"
#include "provider/ApnsProviderToken.h"
#include "security/JwtKey.h"
#include "util/Clock.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace vestnik;

namespace {

const QString kBundle = QStringLiteral("com.example.shop");

QByteArray jsonOf(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

/// ApnsCredential::fromJson: the token-based and the certificate-based forms an admin stores, the environment,
/// and a refusal naming the field for each thing missing or malformed. Keys and certificates are made for the
/// test run with the openssl command line in a temporary directory; nothing secret is committed.
class ApnsCredentialTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tokenBased();
    void environment_data();
    void environment();
    void certificateBased_data();
    void certificateBased();
    void refusals_data();
    void refusals();

private:
    /// Runs openssl with `arguments` in the temporary directory; fails the test with its output otherwise.
    bool openssl(const QStringList &arguments);
    QByteArray file(const QString &name) const;
    QJsonObject tokenObject() const;
    QJsonObject certificateObject() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QByteArray m_p8;
    QByteArray m_rsaCertificate;
    QByteArray m_rsaKey;            // PKCS#8 ("BEGIN PRIVATE KEY")
    QByteArray m_rsaTraditionalKey; // PKCS#1 ("BEGIN RSA PRIVATE KEY")
    QByteArray m_ecCertificate;
    QByteArray m_ecKey;
};

bool ApnsCredentialTest::openssl(const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(m_dir->path());
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForFinished(60'000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning("openssl %s: %s %s", qPrintable(arguments.join(QLatin1Char(' '))), qPrintable(process.errorString()),
                 process.readAll().constData());
        return false;
    }
    return true;
}

QByteArray ApnsCredentialTest::file(const QString &name) const
{
    QFile f(m_dir->filePath(name));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void ApnsCredentialTest::initTestCase()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY2(m_dir->isValid(), qPrintable(m_dir->errorString()));
    Result<JwtKey> p8 = JwtKey::generate(JwtAlgorithm::ES256);
    VT_OK(p8);
    m_p8 = p8->privateKeyPem();
    QVERIFY(m_p8.startsWith("-----BEGIN PRIVATE KEY-----"));

    const QString subject = QStringLiteral("/CN=Apple Push Services: com.example.shop/O=Example");
    QVERIFY2(openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                      QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                      QStringLiteral("rsa.key"), QStringLiteral("-out"), QStringLiteral("rsa.crt"),
                      QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), subject}),
             "openssl could not make an RSA certificate");
    QVERIFY2(openssl({QStringLiteral("pkey"), QStringLiteral("-in"), QStringLiteral("rsa.key"),
                      QStringLiteral("-traditional"), QStringLiteral("-out"), QStringLiteral("rsa-traditional.key")}),
             "openssl could not write a PKCS#1 key");
    QVERIFY2(
        openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                 QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
                 QStringLiteral("-keyout"), QStringLiteral("ec.key"), QStringLiteral("-out"), QStringLiteral("ec.crt"),
                 QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), subject}),
        "openssl could not make an EC certificate");
    m_rsaCertificate = file(QStringLiteral("rsa.crt"));
    m_rsaKey = file(QStringLiteral("rsa.key"));
    m_rsaTraditionalKey = file(QStringLiteral("rsa-traditional.key"));
    m_ecCertificate = file(QStringLiteral("ec.crt"));
    m_ecKey = file(QStringLiteral("ec.key"));
    QVERIFY(m_rsaCertificate.startsWith("-----BEGIN CERTIFICATE-----"));
    QVERIFY(m_rsaKey.startsWith("-----BEGIN PRIVATE KEY-----"));
    QVERIFY(m_rsaTraditionalKey.startsWith("-----BEGIN RSA PRIVATE KEY-----"));
    QVERIFY(m_ecCertificate.startsWith("-----BEGIN CERTIFICATE-----"));
    QVERIFY(m_ecKey.startsWith("-----BEGIN PRIVATE KEY-----"));
}

QJsonObject ApnsCredentialTest::tokenObject() const
{
    return QJsonObject{{QStringLiteral("bundle_id"), kBundle},
                       {QStringLiteral("environment"), QStringLiteral("production")},
                       {QStringLiteral("team_id"), QStringLiteral("TEAM000001")},
                       {QStringLiteral("key_id"), QStringLiteral("KEY0000001")},
                       {QStringLiteral("private_key"), QString::fromLatin1(m_p8)}};
}

QJsonObject ApnsCredentialTest::certificateObject() const
{
    return QJsonObject{{QStringLiteral("bundle_id"), kBundle},
                       {QStringLiteral("environment"), QStringLiteral("sandbox")},
                       {QStringLiteral("certificate"), QString::fromLatin1(m_rsaCertificate)},
                       {QStringLiteral("private_key"), QString::fromLatin1(m_rsaKey)}};
}

void ApnsCredentialTest::tokenBased()
{
    Result<ApnsCredential> credential = ApnsCredential::fromJson(jsonOf(tokenObject()));
    VT_OK(credential);
    QVERIFY(credential->usesToken());
    QCOMPARE(credential->bundleId, kBundle);
    QVERIFY(!credential->sandbox);
    QCOMPARE(credential->teamId, QStringLiteral("TEAM000001"));
    QCOMPARE(credential->keyId, QStringLiteral("KEY0000001"));
    QCOMPARE(credential->p8Key, m_p8);
    QVERIFY(credential->certificate.isNull());
    QVERIFY(credential->certificateKey.isNull());
    // The key came through the JSON intact: it signs provider tokens.
    ManualClock clock;
    Result<ApnsProviderToken> token =
        ApnsProviderToken::fromP8(credential->p8Key, credential->teamId, credential->keyId, clock);
    VT_OK(token);
    VT_OK(token->current());
}

void ApnsCredentialTest::environment_data()
{
    QTest::addColumn<QJsonValue>("environment"); // Undefined: the key is left out
    QTest::addColumn<bool>("sandbox");

    QTest::newRow("production") << QJsonValue(QStringLiteral("production")) << false;
    QTest::newRow("sandbox") << QJsonValue(QStringLiteral("sandbox")) << true;
    QTest::newRow("development (Apple's name for the sandbox)") << QJsonValue(QStringLiteral("development")) << true;
    QTest::newRow("left out") << QJsonValue(QJsonValue::Undefined) << false;
}

void ApnsCredentialTest::environment()
{
    QFETCH(QJsonValue, environment);
    QFETCH(bool, sandbox);
    for (QJsonObject object : {tokenObject(), certificateObject()}) {
        object.remove(QStringLiteral("environment"));
        if (!environment.isUndefined())
            object.insert(QStringLiteral("environment"), environment);
        Result<ApnsCredential> credential = ApnsCredential::fromJson(jsonOf(object));
        VT_OK(credential);
        QCOMPARE(credential->sandbox, sandbox);
    }
}

void ApnsCredentialTest::certificateBased_data()
{
    QTest::addColumn<QString>("certificateName");
    QTest::addColumn<QString>("keyName");
    QTest::addColumn<int>("algorithm"); // QSsl::KeyAlgorithm

    QTest::newRow("RSA, PKCS#8 key") << QStringLiteral("rsa.crt") << QStringLiteral("rsa.key") << int(QSsl::Rsa);
    QTest::newRow("RSA, PKCS#1 key") << QStringLiteral("rsa.crt") << QStringLiteral("rsa-traditional.key")
                                     << int(QSsl::Rsa);
    QTest::newRow("EC") << QStringLiteral("ec.crt") << QStringLiteral("ec.key") << int(QSsl::Ec);
}

void ApnsCredentialTest::certificateBased()
{
    QFETCH(QString, certificateName);
    QFETCH(QString, keyName);
    QFETCH(int, algorithm);
    const QByteArray certificatePem = file(certificateName);
    const QByteArray keyPem = file(keyName);
    QJsonObject object = certificateObject();
    object.insert(QStringLiteral("certificate"), QString::fromLatin1(certificatePem));
    object.insert(QStringLiteral("private_key"), QString::fromLatin1(keyPem));
    // A certificate needs no team or key id; any that are given are not used.
    object.insert(QStringLiteral("team_id"), QStringLiteral("TEAM000001"));

    Result<ApnsCredential> credential = ApnsCredential::fromJson(jsonOf(object));
    VT_OK(credential);
    QVERIFY(!credential->usesToken());
    QCOMPARE(credential->bundleId, kBundle);
    QVERIFY(credential->sandbox);
    QVERIFY(credential->p8Key.isEmpty());
    QVERIFY(!credential->certificate.isNull());
    QCOMPARE(credential->certificate, QSslCertificate(certificatePem, QSsl::Pem));
    QCOMPARE(credential->certificate.subjectInfo(QSslCertificate::CommonName),
             QStringList{QStringLiteral("Apple Push Services: com.example.shop")});
    QVERIFY(!credential->certificateKey.isNull());
    QCOMPARE(int(credential->certificateKey.algorithm()), algorithm);
    QCOMPARE(credential->certificateKey.type(), QSsl::PrivateKey);
    // The very key that was stored, not just any key that parses.
    QCOMPARE(credential->certificateKey, QSslKey(keyPem, QSsl::KeyAlgorithm(algorithm), QSsl::Pem));
}

void ApnsCredentialTest::refusals_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("named"); // what the message must name

    const auto without = [](QJsonObject object, const char *key) {
        object.remove(QLatin1String(key));
        return jsonOf(object);
    };
    const auto with = [](QJsonObject object, const char *key, const QJsonValue &value) {
        object.insert(QLatin1String(key), value);
        return jsonOf(object);
    };
    const QJsonObject token = tokenObject();
    const QJsonObject certificate = certificateObject();

    QTest::newRow("not JSON") << QByteArrayLiteral("{\"bundle_id\": ") << QStringLiteral("not a JSON object");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("not a JSON object");
    QTest::newRow("array") << QByteArrayLiteral("[]") << QStringLiteral("not a JSON object");
    QTest::newRow("token: no bundle_id") << without(token, "bundle_id") << QStringLiteral("bundle_id");
    QTest::newRow("token: empty bundle_id") << with(token, "bundle_id", QString()) << QStringLiteral("bundle_id");
    QTest::newRow("certificate: no bundle_id") << without(certificate, "bundle_id") << QStringLiteral("bundle_id");
    QTest::newRow("unknown environment") << with(token, "environment", QStringLiteral("staging"))
                                         << QStringLiteral("environment must be \"production\" or \"sandbox\", not "
                                                           "\"staging\"");
    QTest::newRow("environment not text") << with(token, "environment", true) << QStringLiteral("environment");
    QTest::newRow("token: key not PEM") << with(
        token, "private_key", QStringLiteral("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----"))
                                        << QStringLiteral("private_key is not an EC P-256 key");
    QTest::newRow("token: an RSA key") << with(token, "private_key", QString::fromLatin1(m_rsaKey))
                                       << QStringLiteral("private_key is not an EC P-256 key");
    QTest::newRow("token: no private_key") << without(token, "private_key") << QStringLiteral("private_key");
    QTest::newRow("token: no team_id") << without(token, "team_id") << QStringLiteral("team_id");
    QTest::newRow("token: no key_id") << without(token, "key_id") << QStringLiteral("key_id");
    QTest::newRow("token: empty key_id") << with(token, "key_id", QString()) << QStringLiteral("key_id");
    QTest::newRow("certificate: no private_key")
        << without(certificate, "private_key") << QStringLiteral("private_key");
    QTest::newRow("certificate: not PEM") << with(certificate, "certificate", QStringLiteral("MIIB...not a cert"))
                                          << QStringLiteral("certificate is not a PEM certificate");
    QTest::newRow("certificate: key not PEM") << with(
        certificate, "private_key", QStringLiteral("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----"))
                                              << QStringLiteral("private_key is not a PEM RSA or EC key");
    QTest::newRow("certificate: a certificate as the key")
        << with(certificate, "private_key", QString::fromLatin1(m_rsaCertificate))
        << QStringLiteral("private_key is not a PEM RSA or EC key");
}

void ApnsCredentialTest::refusals()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, named);
    Result<ApnsCredential> credential = ApnsCredential::fromJson(json);
    VT_FAILS_WITH(credential, ErrorCode::InvalidConfig);
    const QString message = credential.error().message;
    QVERIFY2(message.startsWith(QStringLiteral("APNs credentials: ")), qPrintable(message));
    QVERIFY2(message.contains(named), qPrintable(message));
    // The refusal reaches logs: no key material in it.
    for (const QByteArray &secret : {m_p8, m_rsaKey}) {
        const QByteArray body = secret.split('\n').value(1);
        QVERIFY(!body.isEmpty());
        QVERIFY2(!message.toUtf8().contains(body), qPrintable(message));
    }
}

QTEST_GUILESS_MAIN(ApnsCredentialTest)
#include "ApnsCredentialTest.moc"
