#include "security/SealKeyring.h"

#include "TestResults.h"
#include "security/Sealer.h"
#include "util/Config.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace vestnik;

class SealKeyringTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void retiredKeysFromTheEnvironmentOpenOldValues();
    void retiredKeyFilesBelowTheDataDirectory();
    void malformedRetiredKeyNamesTheKeyNotTheValue_data();
    void malformedRetiredKeyNamesTheKeyNotTheValue();
    void missingRetiredKeyFileIsAnError();
    void keyFileIsCreatedOnlyWhenAllowed();
};

namespace {

QByteArray key(char fill)
{
    return QByteArray(32, fill);
}

Config configOf(const QString &dataDir, const QList<std::pair<QString, QString>> &variables)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("VESTNIK_WORKER_DATA_DIR"), dataDir);
    for (const auto &[name, value] : variables)
        env.insert(name, value);
    Result<Config> config = Config::fromIni(QString(), QStringLiteral("test"), env);
    if (!config)
        qFatal("%s", qPrintable(config.error().message));
    return *config;
}

QByteArray sealedWith(const QByteArray &sealingKey, const QByteArray &plaintext)
{
    return *Sealer::fromKey(sealingKey)->seal(plaintext, "ctx");
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
}

} // namespace

void SealKeyringTest::retiredKeysFromTheEnvironmentOpenOldValues()
{
    QTemporaryDir dir;
    const Config config =
        configOf(dir.path(),
                 {{QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), QString::fromLatin1(key('c').toHex())},
                  {QStringLiteral("VESTNIK_SECURITY_RETIRED_SEAL_KEYS"),
                   QStringLiteral(" %1 ,%2,")
                       .arg(QString::fromLatin1(key('a').toHex()), QString::fromLatin1(key('b').toHex().toUpper()))}});
    Result<Sealer> sealer = SealKeyring::sealerFrom(config, SealKeyring::MissingKeyFile::Refuse);
    VT_OK(sealer);
    QCOMPARE(sealer->keyId(), Sealer::fromKey(key('c'))->keyId());
    QCOMPARE(sealer->retiredKeyIds().size(), 2);
    QCOMPARE(sealer->open(sealedWith(key('a'), "one"), "ctx").value(), QByteArray("one"));
    QCOMPARE(sealer->open(sealedWith(key('b'), "two"), "ctx").value(), QByteArray("two"));
    // new values are sealed with the current key
    QCOMPARE(Sealer::keyIdOf(*sealer->seal("three", "ctx")), sealer->keyId());
    // the secret keys are registered for the log redactor
    QVERIFY(config.secretValues().join(QLatin1Char(',')).contains(QString::fromLatin1(key('a').toHex())));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("seal.key"))));
}

void SealKeyringTest::retiredKeyFilesBelowTheDataDirectory()
{
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("seal.key")), key('c').toHex() + '\n');
    writeFile(dir.filePath(QStringLiteral("old-hex.key")), key('a').toHex() + '\n');
    writeFile(dir.filePath(QStringLiteral("old-raw.key")), key('b'));
    const Config config =
        configOf(dir.path(), {{QStringLiteral("VESTNIK_SECURITY_RETIRED_SEAL_KEY_FILES"),
                               QStringLiteral("old-hex.key, %1").arg(dir.filePath(QStringLiteral("old-raw.key")))}});
    Result<Sealer> sealer = SealKeyring::sealerFrom(config, SealKeyring::MissingKeyFile::Refuse);
    VT_OK(sealer);
    QCOMPARE(sealer->keyId(), Sealer::fromKey(key('c'))->keyId());
    QCOMPARE(sealer->open(sealedWith(key('a'), "one"), "ctx").value(), QByteArray("one"));
    QCOMPARE(sealer->open(sealedWith(key('b'), "two"), "ctx").value(), QByteArray("two"));
}

void SealKeyringTest::malformedRetiredKeyNamesTheKeyNotTheValue_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("short") << QStringLiteral("abcdef0123") << QStringLiteral("key 1 of 1 is not 64 hex digits");
    QTest::newRow("not hex") << QString(64, QLatin1Char('z')) << QStringLiteral("key 1 of 1 is not 64 hex digits");
    QTest::newRow("second of two") << QString::fromLatin1(key('a').toHex()) + QStringLiteral(",0123456789abcdefXYZ")
                                   << QStringLiteral("key 2 of 2 is not 64 hex digits");
    QTest::newRow("hex with a stray character")
        << QString::fromLatin1(key('a').toHex()).replace(10, 1, QLatin1Char('g'))
        << QStringLiteral("key 1 of 1 is not 64 hex digits");
}

void SealKeyringTest::malformedRetiredKeyNamesTheKeyNotTheValue()
{
    QFETCH(QString, value);
    QFETCH(QString, fragment);
    QTemporaryDir dir;
    const Config config =
        configOf(dir.path(), {{QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), QString::fromLatin1(key('c').toHex())},
                              {QStringLiteral("VESTNIK_SECURITY_RETIRED_SEAL_KEYS"), value}});
    Result<Sealer> sealer = SealKeyring::sealerFrom(config, SealKeyring::MissingKeyFile::Create);
    VT_FAILS_WITH(sealer, ErrorCode::InvalidConfig);
    const QString message = sealer.error().message;
    QVERIFY2(message.contains(QStringLiteral("security.retired_seal_keys (from VESTNIK_SECURITY_RETIRED_SEAL_KEYS)")),
             qPrintable(message));
    QVERIFY2(message.contains(fragment), qPrintable(message));
    for (const QString &part : value.split(QLatin1Char(',')))
        QVERIFY2(!message.contains(part), qPrintable(message));
}

void SealKeyringTest::missingRetiredKeyFileIsAnError()
{
    QTemporaryDir dir;
    const Config config =
        configOf(dir.path(), {{QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), QString::fromLatin1(key('c').toHex())},
                              {QStringLiteral("VESTNIK_SECURITY_RETIRED_SEAL_KEY_FILES"), QStringLiteral("gone.key")}});
    Result<Sealer> sealer = SealKeyring::sealerFrom(config, SealKeyring::MissingKeyFile::Create);
    VT_FAILS_WITH(sealer, ErrorCode::InvalidConfig);
    QVERIFY2(sealer.error().message.contains(QStringLiteral("security.retired_seal_key_files")),
             qPrintable(sealer.error().message));
    QVERIFY2(sealer.error().message.contains(dir.filePath(QStringLiteral("gone.key"))),
             qPrintable(sealer.error().message));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("gone.key")))); // a retired key is never invented
}

void SealKeyringTest::keyFileIsCreatedOnlyWhenAllowed()
{
    QTemporaryDir dir;
    const Config config = configOf(dir.path(), {});
    const QString path = dir.filePath(QStringLiteral("seal.key"));
    Result<Sealer> refused = SealKeyring::sealerFrom(config, SealKeyring::MissingKeyFile::Refuse);
    VT_FAILS_WITH(refused, ErrorCode::InvalidConfig);
    QVERIFY2(refused.error().message.contains(path), qPrintable(refused.error().message));
    QVERIFY(!QFile::exists(path));
    Result<Sealer> created = SealKeyring::sealerFrom(config, SealKeyring::MissingKeyFile::Create);
    VT_OK(created);
    QVERIFY(QFile::exists(path));
    QCOMPARE(SealKeyring::sealerFrom(config, SealKeyring::MissingKeyFile::Refuse)->keyId(), created->keyId());
}

QTEST_GUILESS_MAIN(SealKeyringTest)
#include "SealKeyringTest.moc"
