#include "security/PasswordHasher.h"

#include "TestResults.h"

#include <QRegularExpression>
#include <QTest>

using namespace vestnik;

/// scrypt password hashing: the encoding, verification, tampering and the rehash decision.
class PasswordHasherTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void eachHashHasItsOwnSalt();
    void wrongPasswordDoesNotVerify();
    void composedAndDecomposedAccentsAreOnePassword();
    void tamperedHashDoesNotVerify_data();
    void tamperedHashDoesNotVerify();
    void malformedEncodingIsAnError_data();
    void malformedEncodingIsAnError();
    void needsRehashWhenParametersChange();
    void unusableParametersAreRefused();
    void productionDefaultIsMemoryHard();
    void everyVerifyRunsOneDerivation();
};

namespace {

// 2^10 * 128 * 8 = 1 MiB: fast enough for many cases, still the real scrypt.
PasswordHasher::Parameters small()
{
    return PasswordHasher::Parameters{10, 8, 1};
}

QString flipCharacter(QString text, qsizetype at)
{
    text[at] = text.at(at) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    return text;
}

} // namespace

void PasswordHasherTest::roundTrip_data()
{
    QTest::addColumn<QString>("password");
    QTest::newRow("ascii") << QStringLiteral("correct horse battery staple");
    QTest::newRow("cyrillic") << QStringLiteral("пароль-на-русском-языке");
    QTest::newRow("symbols and emoji") << QStringLiteral("p@$$w0rd \"'; -- 🔑");
    QTest::newRow("long") << QString(1000, QLatin1Char('x'));
    QTest::newRow("empty") << QString();
}

void PasswordHasherTest::roundTrip()
{
    QFETCH(QString, password);
    const PasswordHasher hasher(small());
    Result<QString> hash = hasher.hash(password);
    VT_OK(hash);
    static const QRegularExpression format(
        QStringLiteral(R"(^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$)"));
    QVERIFY2(format.match(*hash).hasMatch(), qPrintable(*hash));
    if (!password.isEmpty())
        QVERIFY(!hash->contains(password));
    Result<bool> verified = hasher.verify(password, *hash);
    VT_OK(verified);
    QVERIFY(*verified);
    // Another hasher, with other parameters, still verifies: the parameters travel with the hash.
    Result<bool> elsewhere = PasswordHasher(PasswordHasher::Parameters{11, 4, 2}).verify(password, *hash);
    VT_OK(elsewhere);
    QVERIFY(*elsewhere);
}

void PasswordHasherTest::eachHashHasItsOwnSalt()
{
    const PasswordHasher hasher(small());
    Result<QString> first = hasher.hash(QStringLiteral("same password"));
    Result<QString> second = hasher.hash(QStringLiteral("same password"));
    VT_OK(first);
    VT_OK(second);
    QVERIFY(*first != *second);
    QVERIFY(first->section(QLatin1Char('$'), 3, 3) != second->section(QLatin1Char('$'), 3, 3));
}

void PasswordHasherTest::wrongPasswordDoesNotVerify()
{
    const PasswordHasher hasher(small());
    Result<QString> hash = hasher.hash(QStringLiteral("correct horse battery staple"));
    VT_OK(hash);
    for (const QString &wrong :
         {QStringLiteral("correct horse battery stapler"), QStringLiteral("Correct horse battery staple"),
          QStringLiteral(""), QStringLiteral("correct horse battery staple ")}) {
        Result<bool> verified = hasher.verify(wrong, *hash);
        VT_OK(verified);
        QVERIFY2(!*verified, qPrintable(wrong));
    }
}

void PasswordHasherTest::composedAndDecomposedAccentsAreOnePassword()
{
    const PasswordHasher hasher(small());
    const QString composed = QStringLiteral("caf\u00e9-cr\u00e8me-br\u00fbl\u00e9e");
    const QString decomposed = composed.normalized(QString::NormalizationForm_D);
    QVERIFY(composed != decomposed);
    Result<QString> hash = hasher.hash(decomposed);
    VT_OK(hash);
    Result<bool> verified = hasher.verify(composed, *hash);
    VT_OK(verified);
    QVERIFY(*verified);
}

void PasswordHasherTest::tamperedHashDoesNotVerify_data()
{
    QTest::addColumn<int>("part");      // 3 = salt, 4 = hash (sections split at '$')
    QTest::addColumn<int>("character"); // which character of that part to change
    QTest::newRow("salt, first character") << 3 << 0;
    QTest::newRow("salt, middle") << 3 << 10;
    QTest::newRow("hash, first character") << 4 << 0;
    QTest::newRow("hash, middle") << 4 << 20;
}

void PasswordHasherTest::tamperedHashDoesNotVerify()
{
    QFETCH(int, part);
    QFETCH(int, character);
    const PasswordHasher hasher(small());
    Result<QString> hash = hasher.hash(QStringLiteral("correct horse battery staple"));
    VT_OK(hash);
    QStringList parts = hash->split(QLatin1Char('$'));
    parts[part] = flipCharacter(parts.at(part), character);
    const QString tampered = parts.join(QLatin1Char('$'));
    QVERIFY(tampered != *hash);
    Result<bool> verified = hasher.verify(QStringLiteral("correct horse battery staple"), tampered);
    VT_OK(verified);
    QVERIFY(!*verified);

    // Weaker parameters written into the row do not verify either: the hash was made with others.
    QString weaker = *hash;
    weaker.replace(QStringLiteral("ln=10"), QStringLiteral("ln=9"));
    Result<bool> weak = hasher.verify(QStringLiteral("correct horse battery staple"), weaker);
    VT_OK(weak);
    QVERIFY(!*weak);
}

void PasswordHasherTest::malformedEncodingIsAnError_data()
{
    QTest::addColumn<QString>("encoded");
    const QString salt = QStringLiteral("c2FsdHNhbHRzYWx0c2FsdA");
    const QString hash = QStringLiteral("aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g");
    QTest::newRow("empty") << QString();
    QTest::newRow("plain text") << QStringLiteral("correct horse battery staple");
    QTest::newRow("another algorithm") << QStringLiteral("$argon2id$v=19$m=65536,t=3,p=4$%1$%2").arg(salt, hash);
    QTest::newRow("missing hash") << QStringLiteral("$scrypt$ln=10,r=8,p=1$%1").arg(salt);
    QTest::newRow("parameters reordered") << QStringLiteral("$scrypt$r=8,ln=10,p=1$%1$%2").arg(salt, hash);
    QTest::newRow("ln too large (a DoS through the row)")
        << QStringLiteral("$scrypt$ln=31,r=8,p=1$%1$%2").arg(salt, hash);
    QTest::newRow("memory over 1 GiB") << QStringLiteral("$scrypt$ln=24,r=64,p=1$%1$%2").arg(salt, hash);
    QTest::newRow("r zero") << QStringLiteral("$scrypt$ln=10,r=0,p=1$%1$%2").arg(salt, hash);
    QTest::newRow("p too large") << QStringLiteral("$scrypt$ln=10,r=8,p=99$%1$%2").arg(salt, hash);
    QTest::newRow("salt too short") << QStringLiteral("$scrypt$ln=10,r=8,p=1$c2FsdA$%1").arg(hash);
    QTest::newRow("hash too short") << QStringLiteral("$scrypt$ln=10,r=8,p=1$%1$aGFzaA").arg(salt);
    QTest::newRow("not base64") << QStringLiteral("$scrypt$ln=10,r=8,p=1$%1$%2!").arg(salt, hash);
    // The last character's two spare bits set: decodes to the same bytes, but is not how they are spelled.
    QTest::newRow("non-canonical base64") << QStringLiteral("$scrypt$ln=10,r=8,p=1$%1$%2h").arg(salt, hash.chopped(1));
    QTest::newRow("padding") << QStringLiteral("$scrypt$ln=10,r=8,p=1$%1$%2=").arg(salt, hash);
    QTest::newRow("trailing text") << QStringLiteral("$scrypt$ln=10,r=8,p=1$%1$%2$x").arg(salt, hash);
}

void PasswordHasherTest::malformedEncodingIsAnError()
{
    QFETCH(QString, encoded);
    const PasswordHasher hasher(small());
    const quint64 before = hasher.derivations();
    VT_FAILS_WITH(hasher.verify(QStringLiteral("correct horse battery staple"), encoded), ErrorCode::InvalidArgument);
    QCOMPARE(hasher.derivations(), before); // refused before any work
    QVERIFY(hasher.needsRehash(encoded));
    VT_FAILS_WITH(PasswordHasher::parametersOf(encoded), ErrorCode::InvalidArgument);
}

void PasswordHasherTest::needsRehashWhenParametersChange()
{
    const PasswordHasher current(small());
    Result<QString> hash = current.hash(QStringLiteral("correct horse battery staple"));
    VT_OK(hash);
    QVERIFY(!current.needsRehash(*hash));
    QVERIFY(PasswordHasher(PasswordHasher::Parameters{11, 8, 1}).needsRehash(*hash));
    QVERIFY(PasswordHasher(PasswordHasher::Parameters{10, 16, 1}).needsRehash(*hash));
    QVERIFY(PasswordHasher(PasswordHasher::Parameters{10, 8, 2}).needsRehash(*hash));
    QVERIFY(PasswordHasher().needsRehash(*hash));
    Result<PasswordHasher::Parameters> parameters = PasswordHasher::parametersOf(*hash);
    VT_OK(parameters);
    QCOMPARE(parameters->costLog2, 10);
    QCOMPARE(parameters->blockSize, 8);
    QCOMPARE(parameters->parallelism, 1);
}

void PasswordHasherTest::unusableParametersAreRefused()
{
    for (const PasswordHasher::Parameters &bad :
         {PasswordHasher::Parameters{0, 8, 1}, PasswordHasher::Parameters{31, 8, 1},
          PasswordHasher::Parameters{24, 64, 1}, PasswordHasher::Parameters{10, 0, 1},
          PasswordHasher::Parameters{10, 8, 17}}) {
        QVERIFY(!bad.problem().isEmpty());
        VT_FAILS_WITH(PasswordHasher(bad).hash(QStringLiteral("correct horse battery staple")),
                      ErrorCode::InvalidConfig);
    }
}

void PasswordHasherTest::productionDefaultIsMemoryHard()
{
    const PasswordHasher hasher;
    QCOMPARE(hasher.parameters().memoryBytes(), qint64(64) << 20);
    QVERIFY(hasher.parameters().problem().isEmpty());
    // Above OpenSSL's default 32 MiB scrypt limit: the hasher must raise it, or this fails.
    Result<QString> hash = hasher.hash(QStringLiteral("correct horse battery staple"));
    VT_OK(hash);
    QVERIFY(hash->startsWith(QStringLiteral("$scrypt$ln=16,r=8,p=1$")));
    Result<bool> verified = hasher.verify(QStringLiteral("correct horse battery staple"), *hash);
    VT_OK(verified);
    QVERIFY(*verified);
}

void PasswordHasherTest::everyVerifyRunsOneDerivation()
{
    const PasswordHasher hasher(small());
    Result<QString> hash = hasher.hash(QStringLiteral("correct horse battery staple"));
    VT_OK(hash);
    QCOMPARE(hasher.derivations(), quint64(1));
    VT_OK(hasher.verify(QStringLiteral("correct horse battery staple"), *hash));
    VT_OK(hasher.verify(QStringLiteral("wrong"), *hash));
    QCOMPARE(hasher.derivations(), quint64(3));
}

QTEST_GUILESS_MAIN(PasswordHasherTest)
#include "PasswordHasherTest.moc"
