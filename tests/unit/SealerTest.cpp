#include "security/Sealer.h"

#include <QCryptographicHash>
#include <QFile>
#include <QMessageAuthenticationCode>
#include <QTemporaryDir>
#include <QTest>

using namespace vestnik;

class SealerTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void ciphertextHidesPlaintext();
    void eachSealIsDifferent();
    void tamperingIsDetected();
    void wrongContextDoesNotOpen();
    void wrongKeyDoesNotOpen();
    void retiredKeysStillOpen();
    void keyFileIsCreatedPrivateAndReused();
    void badKeysAreRefused();
    void keyIdOfNamesTheSealingKey();
    void retiredKeyIdsAreListed();
    void readKeyFileTakesHexOrRaw();
    void derivedKeysAreHkdfSha256();
};

namespace {

QByteArray key(char fill)
{
    return QByteArray(32, fill);
}

} // namespace

void SealerTest::roundTrip()
{
    Result<Sealer> sealer = Sealer::fromKey(key('a'));
    QVERIFY(sealer.hasValue());
    const QByteArray token = QByteArrayLiteral("fGx1Yz2aQk6:APA91bHun4MxP5egoKMwt2KZFBaFUH");
    Result<QByteArray> sealed = sealer->seal(token, "devices.token");
    QVERIFY(sealed.hasValue());
    Result<QByteArray> opened = sealer->open(*sealed, "devices.token");
    QVERIFY(opened.hasValue());
    QCOMPARE(*opened, token);
    QCOMPARE(sealer->open(*sealer->seal(QByteArray())).value(), QByteArray());
}

void SealerTest::ciphertextHidesPlaintext()
{
    Result<Sealer> sealer = Sealer::fromKey(key('a'));
    const QByteArray token = QByteArrayLiteral("7a3f1c9e0b2d4f6a8c1e3b5d7f9a0c2e");
    const QByteArray sealed = *sealer->seal(token);
    QVERIFY(!sealed.contains(token));
    QVERIFY(!sealed.contains(token.left(8)));
    QVERIFY(sealed.contains(sealer->keyId().toLatin1()));
}

void SealerTest::eachSealIsDifferent()
{
    Result<Sealer> sealer = Sealer::fromKey(key('a'));
    QVERIFY(*sealer->seal("same") != *sealer->seal("same"));
}

void SealerTest::tamperingIsDetected()
{
    Result<Sealer> sealer = Sealer::fromKey(key('a'));
    const QByteArray sealed = *sealer->seal("device-token-value");
    for (qsizetype i = 0; i < sealed.size(); ++i) {
        QByteArray bad = sealed;
        bad[i] = char(bad.at(i) ^ 0x01);
        QVERIFY2(!sealer->open(bad).hasValue(), qPrintable(QStringLiteral("flip at byte %1 went unnoticed").arg(i)));
    }
    QVERIFY(!sealer->open(sealed.left(sealed.size() - 1)).hasValue());
    QCOMPARE(sealer->open(QByteArrayLiteral("plain")).error().code, ErrorCode::Crypto);
}

void SealerTest::wrongContextDoesNotOpen()
{
    Result<Sealer> sealer = Sealer::fromKey(key('a'));
    const QByteArray sealed = *sealer->seal("apns-key", "provider_credentials:shop:apns");
    QVERIFY(!sealer->open(sealed, "provider_credentials:other:apns").hasValue());
    QVERIFY(sealer->open(sealed, "provider_credentials:shop:apns").hasValue());
}

void SealerTest::wrongKeyDoesNotOpen()
{
    const QByteArray sealed = *Sealer::fromKey(key('a'))->seal("secret");
    Result<QByteArray> opened = Sealer::fromKey(key('b'))->open(sealed);
    QVERIFY(!opened.hasValue());
    QVERIFY(opened.error().message.contains(QStringLiteral("not loaded")));
}

void SealerTest::retiredKeysStillOpen()
{
    Result<Sealer> old = Sealer::fromKey(key('a'));
    const QByteArray sealedWithOld = *old->seal("token");
    Result<Sealer> rotated = Sealer::fromKey(key('b'));
    QVERIFY(rotated->addRetiredKey(key('a')).hasValue());
    QCOMPARE(rotated->open(sealedWithOld).value(), QByteArray("token"));
    // new values use the new key
    QVERIFY(!old->open(*rotated->seal("token")).hasValue());
}

void SealerTest::keyFileIsCreatedPrivateAndReused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("keys/seal.key"));
    Result<Sealer> first = Sealer::loadOrCreate(path);
    QVERIFY2(first.hasValue(), qPrintable(first.hasValue() ? QString() : first.error().message));
    QVERIFY(QFile::exists(path));
    QCOMPARE(
        QFile::permissions(path)
            & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup | QFileDevice::WriteOther),
        QFileDevice::Permissions());
    const QByteArray sealed = *first->seal("value");
    Result<Sealer> second = Sealer::loadOrCreate(path);
    QVERIFY(second.hasValue());
    QCOMPARE(second->keyId(), first->keyId());
    QCOMPARE(second->open(sealed).value(), QByteArray("value"));
}

void SealerTest::badKeysAreRefused()
{
    QVERIFY(!Sealer::fromKey(QByteArray(16, 'x')).hasValue());
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.key"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("too short");
    file.close();
    Result<Sealer> sealer = Sealer::loadOrCreate(path);
    QVERIFY(!sealer.hasValue());
    QVERIFY(sealer.error().message.contains(path));
}

void SealerTest::keyIdOfNamesTheSealingKey()
{
    Result<Sealer> sealer = Sealer::fromKey(key('a'));
    const QByteArray sealed = *sealer->seal("token", "ctx");
    QCOMPARE(Sealer::keyIdOf(sealed), sealer->keyId());
    QCOMPARE(Sealer::keyIdOf(QByteArrayLiteral("plain token")), QString());
    QCOMPARE(Sealer::keyIdOf(sealed.left(20)), QString()); // truncated
}

void SealerTest::retiredKeyIdsAreListed()
{
    Result<Sealer> sealer = Sealer::fromKey(key('c'));
    QVERIFY(sealer->retiredKeyIds().isEmpty());
    QVERIFY(sealer->addRetiredKey(key('a')).hasValue());
    QVERIFY(sealer->addRetiredKey(key('b')).hasValue());
    QVERIFY(sealer->addRetiredKey(key('c')).hasValue()); // the current key is not also a retired one
    QStringList expected{Sealer::fromKey(key('a'))->keyId(), Sealer::fromKey(key('b'))->keyId()};
    expected.sort();
    QCOMPARE(sealer->retiredKeyIds(), expected);
}

void SealerTest::readKeyFileTakesHexOrRaw()
{
    QTemporaryDir dir;
    const QString hexPath = dir.filePath(QStringLiteral("hex.key"));
    const QString rawPath = dir.filePath(QStringLiteral("raw.key"));
    QFile hex(hexPath);
    QVERIFY(hex.open(QIODevice::WriteOnly));
    hex.write(key('h').toHex().toUpper() + "\n");
    hex.close();
    QFile raw(rawPath);
    QVERIFY(raw.open(QIODevice::WriteOnly));
    raw.write(key('r'));
    raw.close();
    QCOMPARE(Sealer::readKeyFile(hexPath).value(), key('h'));
    QCOMPARE(Sealer::readKeyFile(rawPath).value(), key('r'));
    Result<QByteArray> missing = Sealer::readKeyFile(dir.filePath(QStringLiteral("absent.key")));
    QVERIFY(!missing.hasValue());
    QCOMPARE(missing.error().code, ErrorCode::Io);
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("absent.key"))));
}

void SealerTest::derivedKeysAreHkdfSha256()
{
    Result<Sealer> sealer = Sealer::fromKey(key('b'));
    QVERIFY(sealer->addRetiredKey(key('a')).hasValue());
    Result<QList<Sealer::DerivedKey>> derived = sealer->derivedKeys("purpose one");
    QVERIFY(derived.hasValue());
    QCOMPARE(derived->size(), 2);
    // RFC 5869 by hand: PRK = HMAC(salt: 32 zero bytes, IKM); OKM = HMAC(PRK, info | 0x01) for 32 bytes.
    const auto hkdf = [](const QByteArray &ikm, const QByteArray &info) {
        const QByteArray prk = QMessageAuthenticationCode::hash(ikm, QByteArray(32, '\0'), QCryptographicHash::Sha256);
        return QMessageAuthenticationCode::hash(info + '\x01', prk, QCryptographicHash::Sha256);
    };
    QCOMPARE(derived->at(0).key, hkdf(key('b'), "purpose one")); // the current key's first
    QCOMPARE(derived->at(1).key, hkdf(key('a'), "purpose one"));
    QCOMPARE(
        derived->at(0).id,
        QString::fromLatin1(QCryptographicHash::hash(derived->at(0).key, QCryptographicHash::Sha256).left(4).toHex()));
    QVERIFY(derived->at(0).key != key('b'));
    QVERIFY(sealer->derivedKeys("purpose two")->at(0).key != derived->at(0).key);
}

QTEST_GUILESS_MAIN(SealerTest)
#include "SealerTest.moc"
