// FcmMessageValidator and the JsonTree under it, without a process: the parser's edge cases, which messages
// are valid, and how sizes and conditions are judged.
#include "google/FcmMessageValidator.h"
#include "json/JsonTree.h"

#include <QTest>

using namespace vestnik::sim;

class FcmValidatorTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonTreeParses_data();
    void jsonTreeParses();
    void jsonTreeDecodesStrings();
    void jsonTreeMeasuresCompactSize();
    void conditions_data();
    void conditions();
    void validMessages_data();
    void validMessages();
    void targetAndCollapseKey();
};

void FcmValidatorTest::jsonTreeParses_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::newRow("object") << QByteArray(R"( {"a": [1, -2.5e3, true, false, null, "x"], "b": {}} )") << true;
    QTest::newRow("escapes") << QByteArray(R"({"k":"\" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"})") << true;
    QTest::newRow("utf-8") << QByteArray("{\"k\":\"\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82\"}") << true;
    QTest::newRow("trailing comma") << QByteArray(R"({"a":1,})") << false;
    QTest::newRow("leading zero") << QByteArray(R"({"a":01})") << false;
    QTest::newRow("bare word") << QByteArray(R"({"a":yes})") << false;
    QTest::newRow("bad escape") << QByteArray(R"({"a":"\x"})") << false;
    QTest::newRow("control character") << QByteArray("{\"a\":\"\x01\"}") << false;
    QTest::newRow("invalid utf-8") << QByteArray("{\"a\":\"\xc3\x28\"}") << false;
    QTest::newRow("overlong utf-8") << QByteArray("{\"a\":\"\xc0\xaf\"}") << false;
    QTest::newRow("unterminated") << QByteArray(R"({"a":"x)") << false;
    QTest::newRow("two values") << QByteArray(R"({} {})") << false;
    QTest::newRow("too deep") << QByteArray(QByteArray(100, '[') + QByteArray(100, ']')) << false;
    QTest::newRow("empty") << QByteArray() << false;
}

void FcmValidatorTest::jsonTreeParses()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    JsonTree tree;
    QCOMPARE(tree.parse(std::string_view(text.constData(), std::size_t(text.size()))), valid);
}

void FcmValidatorTest::jsonTreeDecodesStrings()
{
    const std::string text = R"({"k\u0065y":"caf\u00e9 \ud83d\ude00\n","plain":"x","n":-12,"f":1.5})";
    JsonTree tree;
    QVERIFY(tree.parse(text));
    const JsonTree::Node *value = tree.member(tree.root(), "key");
    QVERIFY(value);
    std::string scratch;
    QCOMPARE(QByteArray::fromStdString(std::string(tree.string(*value, scratch))),
             QByteArray("caf\xc3\xa9 \xf0\x9f\x98\x80\n"));
    QVERIFY(tree.equals(*tree.member(tree.root(), "plain"), "x"));
    long long number = 0;
    QVERIFY(tree.integer(*tree.member(tree.root(), "n"), number));
    QCOMPARE(number, -12);
    QVERIFY(!tree.integer(*tree.member(tree.root(), "f"), number));
    QCOMPARE(QByteArray::fromStdString(std::string(tree.source(*tree.member(tree.root(), "plain")))),
             QByteArray("\"x\""));
    QVERIFY(!tree.member(tree.root(), "missing"));
}

void FcmValidatorTest::jsonTreeMeasuresCompactSize()
{
    const std::string text = R"({ "a" : [ 1 , "x" ] , "b" : { "c" : null } })";
    JsonTree tree;
    QVERIFY(tree.parse(text));
    QCOMPARE(tree.compactSize(tree.root()), std::strlen(R"({"a":[1,"x"],"b":{"c":null}})"));
    const JsonTree::Node *keyB = nullptr;
    for (const JsonTree::Node *key = tree.firstKey(tree.root()); key; key = tree.nextKey(*key)) {
        if (tree.equals(*key, "b"))
            keyB = key;
    }
    QCOMPARE(tree.compactSize(tree.root(), keyB), std::strlen(R"({"a":[1,"x"]})"));
}

void FcmValidatorTest::conditions_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<bool>("valid");
    QTest::newRow("one") << QStringLiteral("'news' in topics") << true;
    QTest::newRow("documented example") << QStringLiteral("'a' in topics && ('b' in topics || 'c' in topics)") << true;
    QTest::newRow("not") << QStringLiteral("!('a' in topics) && 'b' in topics") << true;
    QTest::newRow("five") << QStringLiteral(
        "'a' in topics && 'b' in topics && 'c' in topics && 'd' in topics && 'e' in topics")
                          << true;
    QTest::newRow("six") << QStringLiteral(
        "'a' in topics && 'b' in topics && 'c' in topics && 'd' in topics && 'e' in topics || 'f' in topics")
                         << false;
    QTest::newRow("no space") << QStringLiteral("'a' intopics") << false;
    QTest::newRow("unbalanced") << QStringLiteral("('a' in topics") << false;
    QTest::newRow("dangling operator") << QStringLiteral("'a' in topics ||") << false;
    QTest::newRow("bad topic") << QStringLiteral("'a b' in topics") << false;
    QTest::newRow("empty") << QString() << false;
}

void FcmValidatorTest::conditions()
{
    QFETCH(QString, condition);
    QFETCH(bool, valid);
    QCOMPARE(FcmMessageValidator::isValidCondition(condition.toStdString()), valid);
}

void FcmValidatorTest::validMessages_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("token + data") << QByteArray(R"({"message":{"token":"abc:APA91b","data":{"a":"1"}}})");
    QTest::newRow("topic") << QByteArray(R"({"message":{"topic":"news~1%2"}})");
    QTest::newRow("fid") << QByteArray(R"({"message":{"fid":"cX1"}})");
    QTest::newRow("null members are unset") << QByteArray(R"({"message":{"token":"a","topic":null,"data":null}})");
    QTest::newRow("escaped key") << QByteArray(R"({"message":{"t\u006fken":"a"}})");
    QTest::newRow("enum by number") << QByteArray(R"({"message":{"token":"a","android":{"priority":1}}})");
    QTest::newRow("ttl with nanos") << QByteArray(R"({"message":{"token":"a","android":{"ttl":"0.000000001s"}}})");
    QTest::newRow("ttl zero") << QByteArray(R"({"message":{"token":"a","android":{"ttl":"0s"}}})");
    QTest::newRow("event time") << QByteArray(
        R"({"message":{"token":"a","android":{"notification":{"event_time":"2026-01-01T10:00:20.021Z"}}}})");
    QTest::newRow("apns payload is free")
        << QByteArray(R"({"message":{"token":"a","apns":{"payload":{"aps":{"alert":{"title":"x"}},"n":[1,{}]}}}})");
    QTest::newRow("webpush notification is free")
        << QByteArray(R"({"message":{"token":"a","webpush":{"notification":{"actions":[{"action":"buy"}]}}}})");
}

void FcmValidatorTest::validMessages()
{
    QFETCH(QByteArray, body);
    FcmMessageValidator validator;
    FcmMessage message;
    const std::optional<FcmError> error = validator.validate(body, message);
    QVERIFY2(!error, error ? qPrintable(error->message) : "");
}

void FcmValidatorTest::targetAndCollapseKey()
{
    FcmMessageValidator validator;
    FcmMessage message;
    QVERIFY(!validator.validate(
        R"({"validateOnly":true,"message":{"apns":{"headers":{"apns-collapse-id":"n-7"}},"topic":"t"}})", message));
    QCOMPARE(message.target, FcmMessage::Target::Topic);
    QCOMPARE(message.address, std::string("t"));
    QCOMPARE(message.collapseKey, std::string("n-7"));
    QVERIFY(message.isValidateOnly);
    // the same validator, reused, forgets the previous message
    FcmMessage next;
    QVERIFY(!validator.validate(R"({"message":{"token":"x","android":{"collapse_key":"c"}}})", next));
    QCOMPARE(next.target, FcmMessage::Target::Token);
    QCOMPARE(next.collapseKey, std::string("c"));
    QVERIFY(!next.isValidateOnly);
}

QTEST_GUILESS_MAIN(FcmValidatorTest)
#include "FcmValidatorTest.moc"
