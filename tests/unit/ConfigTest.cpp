#include "util/Config.h"

#include <QTemporaryDir>
#include <QTest>

using namespace vestnik;

class ConfigTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreValid();
    void fileOverridesDefaults();
    void environmentOverridesFile();
    void invalidValues_data();
    void invalidValues();
    void reportsEveryProblemAtOnce();
    void secretsAreListedButNotEchoed();
    void missingFileIsAnError();
    void environmentNames();
};

void ConfigTest::defaultsAreValid()
{
    Result<Config> config = Config::fromIni(QString(), QString(), QProcessEnvironment());
    QVERIFY2(config.hasValue(), qPrintable(config.hasValue() ? QString() : config.error().message));
    QCOMPARE(config->string(QStringLiteral("database.driver")), QStringLiteral("sqlite"));
    QCOMPARE(config->integer(QStringLiteral("http.port")), 8780);
    QCOMPARE(config->origin(QStringLiteral("database.driver")), QStringLiteral("default"));
}

void ConfigTest::fileOverridesDefaults()
{
    const QString ini = QStringLiteral("# comment\n[database]\ndriver = postgres\nport=6543\n"
                                       "name = \"магазин\"\n\n[log]\nformat=text\n");
    Result<Config> config = Config::fromIni(ini, QStringLiteral("vestnik.conf"), QProcessEnvironment());
    QVERIFY2(config.hasValue(), qPrintable(config.hasValue() ? QString() : config.error().message));
    QCOMPARE(config->string(QStringLiteral("database.driver")), QStringLiteral("postgres"));
    QCOMPARE(config->integer(QStringLiteral("database.port")), 6543);
    QCOMPARE(config->string(QStringLiteral("database.name")), QStringLiteral("магазин"));
    QCOMPARE(config->string(QStringLiteral("log.format")), QStringLiteral("text"));
    QCOMPARE(config->origin(QStringLiteral("database.port")), QStringLiteral("vestnik.conf:4"));
}

void ConfigTest::environmentOverridesFile()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("VESTNIK_HTTP_PORT"), QStringLiteral("9999"));
    env.insert(QStringLiteral("VESTNIK_DATABASE_PASSWORD"), QStringLiteral("from-env"));
    Result<Config> config = Config::fromIni(QStringLiteral("[http]\nport = 1234\n"), QStringLiteral("f.conf"), env);
    QVERIFY(config.hasValue());
    QCOMPARE(config->integer(QStringLiteral("http.port")), 9999);
    QCOMPARE(config->origin(QStringLiteral("http.port")), QStringLiteral("VESTNIK_HTTP_PORT"));
    QCOMPARE(config->string(QStringLiteral("database.password")), QStringLiteral("from-env"));
}

void ConfigTest::invalidValues_data()
{
    QTest::addColumn<QString>("ini");
    QTest::addColumn<QString>("envName");
    QTest::addColumn<QString>("envValue");
    QTest::addColumn<QStringList>("expected"); // fragments the message must contain

    QTest::newRow("port not a number") << QStringLiteral("[http]\nport = eighty\n") << QString() << QString()
                                       << QStringList{QStringLiteral("http.port"), QStringLiteral("f.conf:2"),
                                                      QStringLiteral("not a whole number")};
    QTest::newRow("port out of range") << QString() << QStringLiteral("VESTNIK_HTTP_PORT") << QStringLiteral("70000")
                                       << QStringList{QStringLiteral("http.port"), QStringLiteral("VESTNIK_HTTP_PORT"),
                                                      QStringLiteral("outside 0..65535")};
    QTest::newRow("unknown driver") << QStringLiteral("[database]\ndriver = mysql\n") << QString() << QString()
                                    << QStringList{QStringLiteral("database.driver"), QStringLiteral("'mysql'"),
                                                   QStringLiteral("sqlite, postgres")};
    QTest::newRow("unknown key") << QStringLiteral("[database]\ndrvier = sqlite\n") << QString() << QString()
                                 << QStringList{QStringLiteral("f.conf:2"), QStringLiteral("unknown key"),
                                                QStringLiteral("database.drvier")};
    QTest::newRow("malformed line") << QStringLiteral("[http]\nport 8080\n") << QString() << QString()
                                    << QStringList{QStringLiteral("f.conf:2"), QStringLiteral("name = value")};
    QTest::newRow("unclosed section") << QStringLiteral("[http\n") << QString() << QString()
                                      << QStringList{QStringLiteral("f.conf:1"), QStringLiteral("closing")};
    QTest::newRow("bad address") << QString() << QStringLiteral("VESTNIK_HTTP_ADDRESS") << QStringLiteral("my-host")
                                 << QStringList{QStringLiteral("http.address"), QStringLiteral("not an IP address")};
    QTest::newRow("short seal key") << QString() << QStringLiteral("VESTNIK_SECURITY_SEAL_KEY")
                                    << QStringLiteral("abcd")
                                    << QStringList{QStringLiteral("security.seal_key"), QStringLiteral("64 hex")};
    QTest::newRow("postgres without host")
        << QStringLiteral("[database]\ndriver = postgres\nhost =\n") << QString() << QString()
        << QStringList{QStringLiteral("database.host"), QStringLiteral("must be set when database.driver is postgres")};
}

void ConfigTest::invalidValues()
{
    QFETCH(QString, ini);
    QFETCH(QString, envName);
    QFETCH(QString, envValue);
    QFETCH(QStringList, expected);
    QProcessEnvironment env;
    if (!envName.isEmpty())
        env.insert(envName, envValue);
    Result<Config> config = Config::fromIni(ini, QStringLiteral("f.conf"), env);
    QVERIFY(!config.hasValue());
    QCOMPARE(config.error().code, ErrorCode::InvalidConfig);
    for (const QString &fragment : expected)
        QVERIFY2(config.error().message.contains(fragment),
                 qPrintable(QStringLiteral("'%1' not in: %2").arg(fragment, config.error().message)));
}

void ConfigTest::reportsEveryProblemAtOnce()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("VESTNIK_LOG_LEVEL"), QStringLiteral("loud"));
    Result<Config> config = Config::fromIni(QStringLiteral("[http]\nport = x\n"), QStringLiteral("f.conf"), env);
    QVERIFY(!config.hasValue());
    QVERIFY(config.error().message.contains(QStringLiteral("http.port")));
    QVERIFY(config.error().message.contains(QStringLiteral("log.level")));
}

void ConfigTest::secretsAreListedButNotEchoed()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("VESTNIK_DATABASE_PASSWORD"), QStringLiteral("s3cr3t-pass"));
    Result<Config> ok = Config::fromIni(QString(), QString(), env);
    QVERIFY(ok.hasValue());
    QCOMPARE(ok->secretValues(), QStringList{QStringLiteral("s3cr3t-pass")});

    ConfigKey secretKey;
    secretKey.key = QStringLiteral("security.seal_key");
    QCOMPARE(secretKey.environmentName(), QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"));
    QProcessEnvironment badSecret;
    badSecret.insert(QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), QStringLiteral("not-hex-and-secret"));
    Result<Config> bad = Config::fromIni(QString(), QString(), badSecret);
    QVERIFY(!bad.hasValue());
    QVERIFY(!bad.error().message.contains(QStringLiteral("not-hex-and-secret")));
}

void ConfigTest::missingFileIsAnError()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("absent.conf"));
    Result<Config> config = Config::load(path, QProcessEnvironment());
    QVERIFY(!config.hasValue());
    QVERIFY(config.error().message.contains(path));
}

void ConfigTest::environmentNames()
{
    for (const ConfigKey &key : Config::schema()) {
        QVERIFY(key.environmentName().startsWith(QStringLiteral("VESTNIK_")));
        QVERIFY(!key.environmentName().contains(QLatin1Char('.')));
        QVERIFY2(!key.description.isEmpty(), qPrintable(key.key));
    }
}

QTEST_GUILESS_MAIN(ConfigTest)
#include "ConfigTest.moc"
