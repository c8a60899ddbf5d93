// Runs `vestnik-worker rotate-keys` the way an operator does, on a SQLite data directory sealed with an old key:
// refused while the old key is missing, then re-sealing with the old key retired, then a second rotation with
// keys from files; the output counts what was done and never shows a key or a value.
#include "TestResults.h"
#include "TestServices.h"
#include "security/Sealer.h"
#include "store/AppRepository.h"
#include "store/Database.h"
#include "store/DeviceRepository.h"
#include "store/Migrator.h"
#include "util/Clock.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace vestnik;

class RotateKeysProcessTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void rotatesWithTheOldKeyRetiredAndOnlyThen();
    void rotatesWithKeysFromFiles();
    void badRetiredKeyIsAConfigurationError();
    void missingKeyFileIsNotCreated();
    void unknownCommandIsRefused();

private:
    struct Run {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Run rotateKeys(const QList<std::pair<QString, QString>> &variables, const QStringList &arguments = {}) const;
    /// The worker's database in the data directory, migrated, with an app, a credential and three devices
    /// sealed with `sealKey`.
    void seed(const QByteArray &sealKey);
    QByteArrayList sealedColumns() const;
    void verifyReadableWith(const QByteArray &sealKey);
    /// Neither output names a key or a sealed value's plaintext.
    void verifyNoSecretsIn(const Run &run) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<Database> m_database;
    ManualClock m_clock;
    QStringList m_tokens;
};

namespace {

QByteArray key(char fill)
{
    return QByteArray(32, fill);
}

QString hexOf(const QByteArray &key)
{
    return QString::fromLatin1(key.toHex());
}

const QByteArray kCredential = QByteArrayLiteral("{\"type\":\"service_account\",\"private_key\":\"secret\"}");

} // namespace

void RotateKeysProcessTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_tokens.clear();
}

void RotateKeysProcessTest::cleanup()
{
    m_database.reset();
    m_dir.reset();
}

RotateKeysProcessTest::Run RotateKeysProcessTest::rotateKeys(const QList<std::pair<QString, QString>> &variables,
                                                             const QStringList &arguments) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("VESTNIK_WORKER_DATA_DIR"), m_dir->path());
    env.insert(QStringLiteral("VESTNIK_LOG_FORMAT"), QStringLiteral("json"));
    for (const auto &[name, value] : variables)
        env.insert(name, value);
    QProcess worker;
    worker.setProcessEnvironment(env);
    test::dieWithTest(worker);
    worker.start(QStringLiteral(VESTNIK_WORKER_BINARY),
                 arguments.isEmpty() ? QStringList{QStringLiteral("rotate-keys")} : arguments);
    Run run;
    if (!worker.waitForFinished(60'000) || worker.exitStatus() != QProcess::NormalExit) {
        run.err = "the worker did not finish normally";
        return run;
    }
    run.exitCode = worker.exitCode();
    run.out = worker.readAllStandardOutput();
    run.err = worker.readAllStandardError();
    return run;
}

void RotateKeysProcessTest::seed(const QByteArray &sealKey)
{
    DatabaseSettings settings;
    settings.dialect = Dialect::Sqlite;
    settings.path = QDir(m_dir->path()).filePath(QStringLiteral("vestnik.db"));
    Result<std::shared_ptr<Database>> database = Database::open(settings);
    VT_OK(database);
    m_database = *database;
    VT_OK(Migrator(*m_database).migrate());
    const Sealer sealer = *Sealer::fromKey(sealKey);
    const AppRepository apps(*m_database, m_clock, sealer);
    VT_OK(apps.upsert(App{QStringLiteral("shop"), QStringLiteral("Shop"), 0}));
    VT_OK(apps.setCredential(QStringLiteral("shop"), Provider::Fcm, kCredential));
    const DeviceRepository devices(*m_database, m_clock, sealer);
    for (int i = 0; i < 3; ++i) {
        m_tokens.append(QStringLiteral("fGx1Yz2aQk6:APA91bHun4MxP5egoKMwt2KZFBaFUH-%1").arg(i));
        VT_OK(devices.registerDevice(QStringLiteral("anna"), QStringLiteral("shop"), Platform::Android,
                                     m_tokens.constLast()));
    }
}

QByteArrayList RotateKeysProcessTest::sealedColumns() const
{
    QByteArrayList columns;
    for (const QString &sql : {QStringLiteral("SELECT token_sealed FROM devices ORDER BY id"),
                               QStringLiteral("SELECT sealed FROM provider_credentials ORDER BY app_id, provider")}) {
        Result<QSqlQuery> q = m_database->run(sql, {}, QStringLiteral("test query"));
        if (!q)
            qFatal("%s", qPrintable(q.error().message));
        while (q->next())
            columns.append(q->value(0).toByteArray());
    }
    return columns;
}

void RotateKeysProcessTest::verifyReadableWith(const QByteArray &sealKey)
{
    const Sealer sealer = *Sealer::fromKey(sealKey);
    Result<QList<Device>> devices =
        DeviceRepository(*m_database, m_clock, sealer).activeForUser(QStringLiteral("anna"));
    VT_OK(devices);
    QCOMPARE(devices->size(), 3);
    for (qsizetype i = 0; i < devices->size(); ++i)
        QCOMPARE(devices->at(i).token, m_tokens.at(i));
    Result<std::optional<ProviderCredential>> credential =
        AppRepository(*m_database, m_clock, sealer).credential(QStringLiteral("shop"), Provider::Fcm);
    VT_OK(credential);
    QCOMPARE((*credential)->secret, kCredential);
}

void RotateKeysProcessTest::verifyNoSecretsIn(const Run &run) const
{
    for (const QByteArray &output : {run.out, run.err}) {
        for (const char fill : {'a', 'b', 'c'}) {
            QVERIFY2(!output.contains(key(fill).toHex()), output.constData());
            QVERIFY2(!output.contains(key(fill).toHex().toUpper()), output.constData());
        }
        for (const QString &token : m_tokens)
            QVERIFY2(!output.contains(token.toUtf8()), output.constData());
        QVERIFY2(!output.contains("service_account"), output.constData());
    }
}

void RotateKeysProcessTest::rotatesWithTheOldKeyRetiredAndOnlyThen()
{
    seed(key('a'));
    const QByteArrayList before = sealedColumns();
    const QString oldKeyId = Sealer::fromKey(key('a'))->keyId();
    const QString newKeyId = Sealer::fromKey(key('b'))->keyId();

    // the new key alone: refused, the rows named, nothing changed
    const Run refused = rotateKeys({{QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), hexOf(key('b'))}});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("4 sealed values open with none of the loaded keys"), refused.err.constData());
    QVERIFY2(refused.err.contains(QStringLiteral("device 1 (app shop): sealed with key %1").arg(oldKeyId).toUtf8()),
             refused.err.constData());
    QVERIFY2(refused.err.contains("the fcm credential of app shop"), refused.err.constData());
    verifyNoSecretsIn(refused);
    QCOMPARE(sealedColumns(), before);

    // with the old key retired: everything re-sealed with the new one
    const QList<std::pair<QString, QString>> rotating{
        {QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), hexOf(key('b'))},
        {QStringLiteral("VESTNIK_SECURITY_RETIRED_SEAL_KEYS"), hexOf(key('a'))}};
    const Run rotated = rotateKeys(rotating);
    QVERIFY2(rotated.exitCode == 0, rotated.err.constData());
    QVERIFY2(rotated.out.contains(QStringLiteral("current key %1, retired keys: %2").arg(newKeyId, oldKeyId).toUtf8()),
             rotated.out.constData());
    QVERIFY2(rotated.out.contains("device tokens: 3 re-sealed, 0 already on the current key"), rotated.out.constData());
    QVERIFY2(rotated.out.contains("provider credentials: 1 re-sealed, 0 already on the current key"),
             rotated.out.constData());
    verifyNoSecretsIn(rotated);
    verifyReadableWith(key('b'));

    // again: nothing to do, nothing written
    const QByteArrayList after = sealedColumns();
    const Run again = rotateKeys(rotating);
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QVERIFY2(again.out.contains("device tokens: 0 re-sealed, 3 already on the current key"), again.out.constData());
    QVERIFY2(again.out.contains("provider credentials: 0 re-sealed, 1 already on the current key"),
             again.out.constData());
    QCOMPARE(sealedColumns(), after);
}

void RotateKeysProcessTest::rotatesWithKeysFromFiles()
{
    seed(key('b'));
    // the current key in the default seal.key, the old one in a file of its own
    using File = std::pair<QString, QByteArray>;
    for (const auto &[name, content] : {File{QStringLiteral("seal.key"), key('c').toHex() + '\n'},
                                        File{QStringLiteral("retired-2026.key"), key('b')}}) {
        QFile file(QDir(m_dir->path()).filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }
    const Run rotated =
        rotateKeys({{QStringLiteral("VESTNIK_SECURITY_RETIRED_SEAL_KEY_FILES"), QStringLiteral("retired-2026.key")}});
    QVERIFY2(rotated.exitCode == 0, rotated.err.constData());
    QVERIFY2(rotated.out.contains("device tokens: 3 re-sealed"), rotated.out.constData());
    verifyNoSecretsIn(rotated);
    verifyReadableWith(key('c'));
}

void RotateKeysProcessTest::badRetiredKeyIsAConfigurationError()
{
    seed(key('a'));
    const QByteArrayList before = sealedColumns();
    const QString bad = hexOf(key('a')).left(40) + QStringLiteral("not-hex-at-all-here-123");
    const Run run = rotateKeys({{QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), hexOf(key('b'))},
                                {QStringLiteral("VESTNIK_SECURITY_RETIRED_SEAL_KEYS"), bad}});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("security.retired_seal_keys (from VESTNIK_SECURITY_RETIRED_SEAL_KEYS)"),
             run.err.constData());
    QVERIFY2(!run.err.contains(bad.toUtf8()) && !run.err.contains(bad.left(40).toUtf8()), run.err.constData());
    QCOMPARE(sealedColumns(), before);
}

void RotateKeysProcessTest::missingKeyFileIsNotCreated()
{
    seed(key('a'));
    const Run run = rotateKeys({});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("security.seal_key_file"), run.err.constData());
    QVERIFY(!QFile::exists(QDir(m_dir->path()).filePath(QStringLiteral("seal.key"))));

    // and a data directory without a database is not given a new, empty one
    m_database.reset();
    QVERIFY(QFile::remove(QDir(m_dir->path()).filePath(QStringLiteral("vestnik.db"))));
    const Run noDatabase = rotateKeys({{QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), hexOf(key('b'))}});
    QCOMPARE(noDatabase.exitCode, 1);
    QVERIFY2(noDatabase.err.contains("there is no database at"), noDatabase.err.constData());
    QVERIFY(!QFile::exists(QDir(m_dir->path()).filePath(QStringLiteral("vestnik.db"))));
}

void RotateKeysProcessTest::unknownCommandIsRefused()
{
    const Run run = rotateKeys({}, {QStringLiteral("rotate-kyes")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("unknown command 'rotate-kyes'"), run.err.constData());
    QVERIFY(QDir(m_dir->path()).isEmpty());
}

QTEST_GUILESS_MAIN(RotateKeysProcessTest)
#include "RotateKeysProcessTest.moc"
