#include <QProcess>
#include <QTest>

namespace {

struct ProbeRun {
    int exitCode = -1;
    QByteArray out;
};

ProbeRun runProbe(const QStringList &arguments)
{
    QProcess probe;
    // The control run leaks by design under LeakSanitizer (see CryptoLibrary.h); only its output matters.
    if (!arguments.isEmpty()) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("ASAN_OPTIONS"), QStringLiteral("detect_leaks=0"));
        probe.setProcessEnvironment(env);
    }
    probe.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    probe.start(QStringLiteral(VESTNIK_CRYPTO_EXIT_PROBE), arguments);
    if (!probe.waitForFinished(60'000))
        return {};
    return {probe.exitStatus() == QProcess::NormalExit ? probe.exitCode() : -1, probe.readAllStandardOutput()};
}

} // namespace

class CryptoLibraryTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opensslOutlivesTheExitHandlers();
    void opensslAloneCleansUpAtExit();
};

void CryptoLibraryTest::opensslOutlivesTheExitHandlers()
{
    // The threads Qt leaves winding down at exit still find their OpenSSL thread state destructor; under
    // LeakSanitizer a leak would also fail the exit code.
    const ProbeRun run = runProbe({});
    QCOMPARE(run.out, QByteArray("openssl: running\n"));
    QCOMPARE(run.exitCode, 0);
}

void CryptoLibraryTest::opensslAloneCleansUpAtExit()
{
    // The probe can tell: without initCryptoLibrary() OpenSSL's own exit handler has run first.
    const ProbeRun run = runProbe({QStringLiteral("--openssl-default")});
    QCOMPARE(run.out, QByteArray("openssl: cleaned up\n"));
    QCOMPARE(run.exitCode, 0);
}

QTEST_GUILESS_MAIN(CryptoLibraryTest)
#include "CryptoLibraryTest.moc"
