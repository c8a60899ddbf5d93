// TLS of the API: the self-signed certificate the worker makes for itself (EC P-256, SANs, key file 0600,
// kept across starts), operators' files, and a server that speaks only TLS 1.2+ and hands QHttpServer only
// connections that finished their handshake in time.
#include "ApiTestSupport.h"
#include "TestResults.h"
#include "api/TlsIdentity.h"
#include "util/Clock.h"

#include <QDir>
#include <QFile>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace vestnik;
using test::RawClient;
using namespace std::chrono_literals;

class ApiTlsTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void selfSignedCertificateIsMadeOnceAndKept();
    void selfSignedCertificateNamesLocalAddresses();
    void damagedFilesAreReportedNotReplaced();
    void operatorFilesMustBelongTogether();
    void servesOnlyTls();
    void plainHttpToTheTlsPortGetsNoHttpAnswer();
    void handshakeThatNeverStartsIsCut();

private:
    std::unique_ptr<ApiServer> m_server;
    quint16 m_port = 0;
    int m_calls = 0;
};

void ApiTlsTest::init()
{
    ApiServer::Settings settings = test::testSettings();
    settings.limits.requestTimeout = 500ms;
    m_server = std::make_unique<ApiServer>(settings, SystemClock::instance());
    m_calls = 0;
    VT_OK(m_server->addRoute("GET", QStringLiteral("/ping"), Access::anyone(),
                             ApiServer::SyncHandler([this](const ApiRequest &) {
                                 ++m_calls;
                                 return ApiResponse::json(QJsonObject{{QStringLiteral("pong"), true}});
                             })));
    Result<QUrl> url = m_server->start(QHostAddress::LocalHost, 0, test::testTlsConfiguration());
    VT_OK(url);
    QCOMPARE(url->scheme(), QStringLiteral("https"));
    m_port = quint16(url->port());
}

void ApiTlsTest::cleanup()
{
    m_server.reset();
}

void ApiTlsTest::selfSignedCertificateIsMadeOnceAndKept()
{
    QTemporaryDir dir;
    Result<TlsIdentity> first = TlsIdentity::loadOrCreateSelfSigned(dir.path(), QStringLiteral("worker-1"));
    VT_OK(first);
    QVERIFY(first->wasGenerated());
    const QString keyPath = dir.filePath(QString::fromLatin1(TlsIdentity::kKeyFile));
    struct stat status {
    };
    QCOMPARE(::stat(QFile::encodeName(keyPath).constData(), &status), 0);
    QCOMPARE(status.st_mode & 0777, 0600u);
    QVERIFY(QFile::exists(dir.filePath(QString::fromLatin1(TlsIdentity::kCertificateFile))));
    QCOMPARE(first->privateKey().algorithm(), QSsl::Ec);
    QCOMPARE(first->privateKey().length(), 256);
    QVERIFY(!QDir(dir.path()).entryList({QStringLiteral("*.new")}).size());

    Result<TlsIdentity> again = TlsIdentity::loadOrCreateSelfSigned(dir.path(), QStringLiteral("worker-1"));
    VT_OK(again);
    QVERIFY(!again->wasGenerated());
    QCOMPARE(again->fingerprint(), first->fingerprint());
    QCOMPARE(first->fingerprint().size(), 32 * 3 - 1);
    QCOMPARE(first->fingerprint(),
             QString::fromLatin1(first->certificate().digest(QCryptographicHash::Sha256).toHex(':').toUpper()));
}

void ApiTlsTest::selfSignedCertificateNamesLocalAddresses()
{
    Result<TlsIdentity> identity =
        TlsIdentity::generateSelfSigned(QStringLiteral("push-1.example"), QDateTime::currentDateTimeUtc());
    VT_OK(identity);
    const QSslCertificate &certificate = identity->certificate();
    const auto names = certificate.subjectAlternativeNames();
    QStringList dns = names.values(QSsl::DnsEntry);
    dns.sort();
    QCOMPARE(dns, QStringList({QStringLiteral("localhost"), QStringLiteral("push-1.example")}));
    QStringList addresses = names.values(QSsl::IpAddressEntry);
    QVERIFY2(addresses.contains(QStringLiteral("127.0.0.1")), qPrintable(addresses.join(QLatin1Char(','))));
    QVERIFY2(addresses.contains(QStringLiteral("0:0:0:0:0:0:0:1")) || addresses.contains(QStringLiteral("::1")),
             qPrintable(addresses.join(QLatin1Char(','))));
    // self-issued (Qt's isSelfSigned() also wants keyCertSign, which a leaf that signs nothing must not have;
    // servesOnlyTls proves that clients trusting it verify it)
    QCOMPARE(certificate.issuerInfo(QSslCertificate::CommonName), certificate.subjectInfo(QSslCertificate::CommonName));
    QCOMPARE(certificate.subjectInfo(QSslCertificate::CommonName), QStringList(QStringLiteral("push-1.example")));
    const qint64 days = certificate.effectiveDate().daysTo(certificate.expiryDate());
    QVERIFY(days >= 824 && days <= 826);

    // a host name that is no DNS name stays out of the certificate
    Result<TlsIdentity> odd =
        TlsIdentity::generateSelfSigned(QStringLiteral("bad,name:DNS:evil"), QDateTime::currentDateTimeUtc());
    VT_OK(odd);
    QCOMPARE(odd->certificate().subjectAlternativeNames().values(QSsl::DnsEntry),
             QStringList(QStringLiteral("localhost")));
}

void ApiTlsTest::damagedFilesAreReportedNotReplaced()
{
    QTemporaryDir dir;
    VT_OK(TlsIdentity::loadOrCreateSelfSigned(dir.path(), QString()));
    const QString certificatePath = dir.filePath(QString::fromLatin1(TlsIdentity::kCertificateFile));
    QFile file(certificatePath);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("not a certificate\n");
    file.close();
    Result<TlsIdentity> damaged = TlsIdentity::loadOrCreateSelfSigned(dir.path(), QString());
    VT_FAILS_WITH(damaged, ErrorCode::InvalidConfig);
    QVERIFY2(damaged.error().message.contains(QStringLiteral("delete both")), qPrintable(damaged.error().message));
    QFile check(certificatePath);
    QVERIFY(check.open(QIODevice::ReadOnly));
    QCOMPARE(check.readAll(), QByteArray("not a certificate\n"));
}

void ApiTlsTest::operatorFilesMustBelongTogether()
{
    QTemporaryDir one;
    QTemporaryDir two;
    VT_OK(TlsIdentity::loadOrCreateSelfSigned(one.path(), QString()));
    VT_OK(TlsIdentity::loadOrCreateSelfSigned(two.path(), QString()));
    const auto file = [](const QTemporaryDir &dir, const char *name) {
        return dir.filePath(QString::fromLatin1(name));
    };
    VT_OK(TlsIdentity::fromFiles(file(one, TlsIdentity::kCertificateFile), file(one, TlsIdentity::kKeyFile)));
    Result<TlsIdentity> mixed =
        TlsIdentity::fromFiles(file(one, TlsIdentity::kCertificateFile), file(two, TlsIdentity::kKeyFile));
    VT_FAILS_WITH(mixed, ErrorCode::InvalidConfig);
    QVERIFY2(mixed.error().message.contains(QStringLiteral("does not belong")), qPrintable(mixed.error().message));
    Result<TlsIdentity> missing =
        TlsIdentity::fromFiles(one.filePath(QStringLiteral("nope.pem")), file(one, TlsIdentity::kKeyFile));
    VT_FAILS_WITH(missing, ErrorCode::InvalidConfig);
    QVERIFY2(missing.error().message.contains(QStringLiteral("api.cert_file")), qPrintable(missing.error().message));
}

void ApiTlsTest::servesOnlyTls()
{
    // verified against the certificate as the only CA, for the name 127.0.0.1 (its SAN)
    RawClient client(true, test::testCertificate());
    QVERIFY2(client.connectTo(m_port), qPrintable(client.socket().errorString()));
    QSslSocket *ssl = client.sslSocket();
    QVERIFY(ssl->sslHandshakeErrors().isEmpty());
    QVERIFY(ssl->sessionProtocol() == QSsl::TlsV1_2 || ssl->sessionProtocol() == QSsl::TlsV1_3);
    QCOMPARE(certificateFingerprint(ssl->peerCertificate()), certificateFingerprint(test::testCertificate()));
    client.request("GET", "/ping");
    const std::optional<test::RawResponse> response = client.response();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(m_calls, 1);
}

void ApiTlsTest::plainHttpToTheTlsPortGetsNoHttpAnswer()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.request("GET", "/ping");
    QVERIFY(client.waitClosed());
    QVERIFY2(!client.pending().contains("HTTP/"), client.pending().toHex().constData());
    QCOMPARE(m_calls, 0);
    QTRY_COMPARE(m_server->counters().handshakeFailures, 1u);
    QTRY_COMPARE(m_server->activeConnections(), 0);
}

void ApiTlsTest::handshakeThatNeverStartsIsCut()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    QVERIFY(client.waitClosed());
    QVERIFY(client.pending().isEmpty());
    QCOMPARE(m_server->counters().handshakeFailures, 1u);
    QTRY_COMPARE(m_server->activeConnections(), 0);
}

QTEST_GUILESS_MAIN(ApiTlsTest)
#include "ApiTlsTest.moc"
