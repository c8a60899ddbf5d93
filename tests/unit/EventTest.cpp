#include "model/Event.h"

#include "TestResults.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace vestnik;

Q_DECLARE_METATYPE(vestnik::Event)

namespace {

constexpr qint64 k0930Utc = 1'772'962'200'000; // 2026-03-08T09:30:00Z

QByteArray bytesOf(const nlohmann::json &json)
{
    const std::string dumped = json.dump();
    return QByteArray(dumped.data(), qsizetype(dumped.size()));
}

/// A valid event's wire form, to be spoiled one field at a time.
nlohmann::json validJson()
{
    return {{"id", "evt-1"},
            {"type", "order.cancelled"},
            {"user_id", "user-42"},
            {"occurred_at", "2026-03-08T09:30:00Z"},
            {"data", {{"order_id", "A-17"}, {"total", 1990.5}}}};
}

QByteArray with(const char *name, const nlohmann::json &value)
{
    nlohmann::json json = validJson();
    json[name] = value;
    return bytesOf(json);
}

QByteArray without(const char *name)
{
    nlohmann::json json = validJson();
    json.erase(name);
    return bytesOf(json);
}

QByteArray withOccurredAt(const char *text)
{
    return with("occurred_at", text);
}

/// `levels` objects nested inside each other: {"a":{"a":...{}}}.
nlohmann::json nested(int levels)
{
    nlohmann::json json = nlohmann::json::object();
    for (int level = 1; level < levels; ++level)
        json = nlohmann::json{{"a", std::move(json)}};
    return json;
}

Event orderCancelled()
{
    Event event;
    event.id = QStringLiteral("evt-1");
    event.type = QStringLiteral("order.cancelled");
    event.userId = QStringLiteral("user-42");
    event.occurredAtMs = k0930Utc;
    event.data = {{"order_id", "A-17"}, {"total", 1990.5}};
    return event;
}

} // namespace

/// Event: the business event's wire form (docs/events.md), every refusal naming its field, and the limits.
class EventTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsAndRoundTrips_data();
    void readsAndRoundTrips();
    void canonicalFormIsSnakeCaseUtcWithUnicodeKept();
    void refusals_data();
    void refusals();
    void sizeLimitExactlyAtAndOneOver();
    void sizeIsCheckedBeforeParsing();
    void limitsAreInclusive();
    void unknownFieldsAreIgnored();
};

void EventTest::readsAndRoundTrips_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<Event>("expected");
    QTest::addColumn<QString>("canonicalOccurredAt");

    const Event base = orderCancelled();
    const auto at = [&](qint64 ms) {
        Event event = base;
        event.occurredAtMs = ms;
        return event;
    };
    const QString at0930 = QStringLiteral("2026-03-08T09:30:00.000Z");

    QTest::newRow("Z") << withOccurredAt("2026-03-08T09:30:00Z") << base << at0930;
    QTest::newRow("+03:00 to UTC") << withOccurredAt("2026-03-08T12:30:00+03:00") << base << at0930;
    QTest::newRow("+00:00") << withOccurredAt("2026-03-08T09:30:00+00:00") << base << at0930;
    QTest::newRow("-00:00") << withOccurredAt("2026-03-08T09:30:00-00:00") << base << at0930;
    QTest::newRow("lower-case t and z") << withOccurredAt("2026-03-08t09:30:00z") << base << at0930;
    QTest::newRow("-05:30 crosses midnight") << withOccurredAt("2026-03-07T23:00:00.5-05:30") << at(1'772'944'200'500)
                                             << QStringLiteral("2026-03-08T04:30:00.500Z");
    QTest::newRow("+14:00 goes back a day") << withOccurredAt("2026-03-09T00:30:00+14:00") << at(k0930Utc + 3'600'000)
                                            << QStringLiteral("2026-03-08T10:30:00.000Z");
    QTest::newRow("microseconds dropped") << withOccurredAt("2026-03-08T09:30:00.123987Z") << at(k0930Utc + 123)
                                          << QStringLiteral("2026-03-08T09:30:00.123Z");
    QTest::newRow("leap day") << withOccurredAt("2024-02-29T23:59:59.999Z") << at(1'709'251'199'999)
                              << QStringLiteral("2024-02-29T23:59:59.999Z");
    QTest::newRow("integer ms") << with("occurred_at", 1'772'962'200'123LL) << at(k0930Utc + 123)
                                << QStringLiteral("2026-03-08T09:30:00.123Z");
    QTest::newRow("epoch") << with("occurred_at", 0) << at(0) << QStringLiteral("1970-01-01T00:00:00.000Z");
    QTest::newRow("last ms of 9999") << with("occurred_at", 253'402'300'799'999LL) << at(253'402'300'799'999)
                                     << QStringLiteral("9999-12-31T23:59:59.999Z");

    Event unicode = base;
    unicode.id = QStringLiteral("заказ-17/🎉");
    unicode.type = QStringLiteral("cart.item_added");
    unicode.userId = QStringLiteral("покупатель:Анна");
    unicode.locale = QStringLiteral("ru-RU");
    unicode.data = {{"товар", {{"название_товара", "Чайник «Ёж»"}, {"цена", 1990}}}, {"emoji", "🎉"}};
    QTest::newRow("Unicode ids, data and a locale")
        << bytesOf({{"id", "заказ-17/🎉"},
                    {"type", "cart.item_added"},
                    {"user_id", "покупатель:Анна"},
                    {"occurred_at", "2026-03-08T09:30:00Z"},
                    {"locale", "ru-RU"},
                    {"data", {{"товар", {{"название_товара", "Чайник «Ёж»"}, {"цена", 1990}}}, {"emoji", "🎉"}}}})
        << unicode << at0930;
    QTest::newRow("\\u escapes read as the same text") << QByteArray(
        "{\"id\":\"\\u0437\\u0430\\u043a\\u0430\\u0437-17/\\ud83c\\udf89\",\"type\":\"cart.item_added\","
        "\"user_id\":\"\\u043f\\u043e\\u043a\\u0443\\u043f\\u0430\\u0442\\u0435\\u043b\\u044c:"
        "\\u0410\\u043d\\u043d\\u0430\",\"occurred_at\":\"2026-03-08T09:30:00Z\",\"locale\":\"ru-RU\","
        "\"data\":{\"\\u0442\\u043e\\u0432\\u0430\\u0440\":{\"\\u043d\\u0430\\u0437\\u0432\\u0430\\u043d"
        "\\u0438\\u0435_\\u0442\\u043e\\u0432\\u0430\\u0440\\u0430\":\"\\u0427\\u0430\\u0439\\u043d\\u0438"
        "\\u043a \\u00ab\\u0401\\u0436\\u00bb\",\"\\u0446\\u0435\\u043d\\u0430\":1990},\"emoji\":"
        "\"\\ud83c\\udf89\"}}") << unicode << at0930;

    Event noData = base;
    noData.data = nlohmann::json::object();
    QTest::newRow("data absent: {}") << without("data") << noData << at0930;
    QTest::newRow("data null: {}") << with("data", nullptr) << noData << at0930;
    QTest::newRow("locale null: none") << with("locale", nullptr) << base << at0930;
    QTest::newRow("locale empty: none") << with("locale", "") << base << at0930;

    Event nestedData = base;
    nestedData.data = {{"items", {{{"sku", "x"}, {"qty", 2}}, nullptr, true, -0.25, "строка"}},
                       {"empty", nlohmann::json::object()}};
    QTest::newRow("data with every JSON type") << with("data", nestedData.data) << nestedData << at0930;
}

void EventTest::readsAndRoundTrips()
{
    QFETCH(QByteArray, input);
    QFETCH(Event, expected);
    QFETCH(QString, canonicalOccurredAt);

    const Result<Event> read = Event::fromJson(input);
    VT_OK(read);
    QCOMPARE(read->id, expected.id);
    QCOMPARE(read->type, expected.type);
    QCOMPARE(read->userId, expected.userId);
    QCOMPARE(read->occurredAtMs, expected.occurredAtMs);
    QVERIFY2(read->data == expected.data, read->data.dump().c_str());
    QCOMPARE(read->locale, expected.locale);
    QVERIFY(*read == expected);

    const QByteArray canonical = read->toJson();
    const nlohmann::json written = nlohmann::json::parse(canonical.begin(), canonical.end());
    QCOMPARE(QString::fromStdString(written.at("occurred_at").get<std::string>()), canonicalOccurredAt);
    const Result<Event> again = Event::fromJson(canonical);
    VT_OK(again);
    QVERIFY2(*again == expected, canonical.constData());
    QCOMPARE(again->toJson(), canonical);
}

void EventTest::canonicalFormIsSnakeCaseUtcWithUnicodeKept()
{
    Event event = orderCancelled();
    event.id = QStringLiteral("заказ-17");
    event.occurredAtMs = k0930Utc + 7;
    event.data = {{"товар", "Чайник"}};
    QCOMPARE(QString::fromUtf8(event.toJson()),
             QStringLiteral("{\"data\":{\"товар\":\"Чайник\"},\"id\":\"заказ-17\","
                            "\"occurred_at\":\"2026-03-08T09:30:00.007Z\",\"type\":\"order.cancelled\","
                            "\"user_id\":\"user-42\"}"));

    event.locale = QStringLiteral("ru-RU");
    QVERIFY(event.toJson().contains("\"locale\":\"ru-RU\""));
}

void EventTest::refusals_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("expected"); // fragments the message must contain, the field first

    const auto row = [](const char *name, const QByteArray &input, const QStringList &expected) {
        QTest::newRow(name) << input << expected;
    };
    const auto s = [](const char *text) { return QString::fromUtf8(text); };

    row("empty input", QByteArray(), {s("not valid JSON")});
    row("not JSON", QByteArray("order cancelled"), {s("not valid JSON"), s("byte")});
    row("truncated", QByteArray("{\"id\":\"evt-1\","), {s("not valid JSON")});
    row("invalid UTF-8", QByteArray("{\"id\":\"evt-\xff\"}"), {s("not valid JSON")});
    row("number out of range", with("data", nullptr).replace("null", "{\"x\":1e400}"),
        {s("not valid JSON"), s("out of range")});
    row("array", QByteArray("[1,2]"), {s("not a JSON object"), s("array")});
    row("string", QByteArray("\"order.cancelled\""), {s("not a JSON object"), s("string")});

    row("id missing", without("id"), {s("'id'"), s("is required")});
    row("id null", with("id", nullptr), {s("'id'"), s("is required")});
    row("id number", with("id", 17), {s("'id'"), s("must be a string"), s("number")});
    row("id empty", with("id", ""), {s("'id'"), s("must not be empty")});
    row("id 201 bytes", with("id", std::string(201, 'x')), {s("'id'"), s("201 bytes"), s("limit of 200")});
    std::string cyrillic201;
    for (int i = 0; i < 100; ++i)
        cyrillic201 += "я";
    cyrillic201 += "x";
    row("id 101 characters, 201 bytes", with("id", cyrillic201), {s("'id'"), s("201 bytes")});

    row("type missing", without("type"), {s("'type'"), s("is required")});
    row("type object", with("type", nlohmann::json::object()), {s("'type'"), s("must be a string"), s("object")});
    row("type empty", with("type", ""), {s("'type'"), s("must not be empty")});
    row("type upper case", with("type", "Order.Cancelled"), {s("'type'"), s("\"Order.Cancelled\""), s("lower-case")});
    row("type space", with("type", "order cancelled"), {s("'type'"), s("lower-case")});
    row("type slash", with("type", "order/cancelled"), {s("'type'"), s("lower-case")});
    row("type Cyrillic", with("type", "заказ.отменён"), {s("'type'"), s("lower-case")});
    row("type 101 characters", with("type", std::string(101, 'a')), {s("'type'"), s("101"), s("limit of 100")});

    row("user_id missing", without("user_id"), {s("'user_id'"), s("is required")});
    row("user_id boolean", with("user_id", true), {s("'user_id'"), s("must be a string"), s("boolean")});
    row("user_id number", with("user_id", 42), {s("'user_id'"), s("must be a string"), s("number")});
    row("user_id empty", with("user_id", ""), {s("'user_id'"), s("must not be empty")});
    row("user_id 201 bytes", with("user_id", std::string(201, 'u')), {s("'user_id'"), s("201 bytes")});

    row("occurred_at missing", without("occurred_at"), {s("'occurred_at'"), s("is required")});
    row("occurred_at null", with("occurred_at", nullptr), {s("'occurred_at'"), s("is required")});
    row("occurred_at boolean", with("occurred_at", false), {s("'occurred_at'"), s("boolean")});
    row("occurred_at object", with("occurred_at", nlohmann::json::object()), {s("'occurred_at'"), s("object")});
    row("occurred_at fraction", with("occurred_at", 1772962200000.5), {s("'occurred_at'"), s("whole milliseconds")});
    row("occurred_at negative", with("occurred_at", -1), {s("'occurred_at'"), s("before 1970")});
    row("occurred_at after 9999", with("occurred_at", 253'402'300'800'000LL), {s("'occurred_at'"), s("after 9999")});
    row("occurred_at beyond int64", with("occurred_at", 18'446'744'073'709'551'615ULL),
        {s("'occurred_at'"), s("after 9999")});
    row("no offset", withOccurredAt("2026-03-08T09:30:00"), {s("'occurred_at'"), s("has no offset"), s("+03:00")});
    row("no offset with fraction", withOccurredAt("2026-03-08T09:30:00.123"), {s("'occurred_at'"), s("no offset")});
    row("date only", withOccurredAt("2026-03-08"), {s("'occurred_at'"), s("not an RFC 3339 time")});
    row("no seconds", withOccurredAt("2026-03-08T09:30Z"), {s("'occurred_at'"), s("not an RFC 3339 time")});
    row("space for T", withOccurredAt("2026-03-08 09:30:00Z"), {s("'occurred_at'"), s("not an RFC 3339 time")});
    row("basic format", withOccurredAt("20260308T093000Z"), {s("'occurred_at'"), s("not an RFC 3339 time")});
    row("empty fraction", withOccurredAt("2026-03-08T09:30:00.Z"), {s("'occurred_at'"), s("not an RFC 3339 time")});
    row("offset without colon", withOccurredAt("2026-03-08T12:30:00+0300"), {s("'occurred_at'"), s("not an RFC")});
    row("offset +24:00", withOccurredAt("2026-03-08T12:30:00+24:00"), {s("'occurred_at'"), s("not an RFC")});
    row("trailing text", withOccurredAt("2026-03-08T09:30:00Z[Europe/Moscow]"), {s("'occurred_at'"), s("not an RFC")});
    row("digits as a string", withOccurredAt("1772962200000"), {s("'occurred_at'"), s("not an RFC")});
    row("month 13", withOccurredAt("2026-13-08T09:30:00Z"), {s("'occurred_at'"), s("not a valid date and time")});
    row("30 February", withOccurredAt("2026-02-30T09:30:00Z"), {s("'occurred_at'"), s("not a valid date")});
    row("29 February 2026", withOccurredAt("2026-02-29T09:30:00Z"), {s("'occurred_at'"), s("not a valid date")});
    row("hour 24", withOccurredAt("2026-03-08T24:00:00Z"), {s("'occurred_at'"), s("not a valid date")});
    row("leap second", withOccurredAt("2016-12-31T23:59:60Z"), {s("'occurred_at'"), s("not a valid date")});
    row("before the epoch", withOccurredAt("1969-12-31T23:59:59.999Z"), {s("'occurred_at'"), s("before 1970")});
    row("offset moves it before the epoch", withOccurredAt("1970-01-01T02:00:00+03:00"),
        {s("'occurred_at'"), s("before 1970")});
    row("offset moves it after 9999", withOccurredAt("9999-12-31T23:30:00-01:00"),
        {s("'occurred_at'"), s("after 9999")});
    row("long text is cut in the message", withOccurredAt(std::string(5000, '9').c_str()),
        {s("'occurred_at'"), s("999…\" is not")});

    row("data array", with("data", nlohmann::json::array({1, 2})), {s("'data'"), s("must be an object"), s("array")});
    row("data string", with("data", "{}"), {s("'data'"), s("must be an object"), s("string")});
    row("data number", with("data", 0), {s("'data'"), s("must be an object"), s("number")});
    row("data 33 levels deep", with("data", nested(33)), {s("'data'"), s("nested more than 32 levels")});
    // Deep enough to overflow the stack of a recursive printer, and still under the size limit.
    const int deep = (Event::kMaxBytes - 200) / 2;
    row("data nested 32,668 levels",
        with("data", nullptr).replace("null", QByteArray(QByteArray(deep, '[') + QByteArray(deep, ']'))),
        {s("'data'"), s("nested more than 32 levels")});
    row("unknown field 33 levels deep", with("trace", nested(33)), {s("'trace'"), s("nested more than 32 levels")});

    row("locale number", with("locale", 7), {s("'locale'"), s("must be a string"), s("number")});
    row("locale 36 characters", with("locale", std::string(36, 'a')), {s("'locale'"), s("36"), s("limit of 35")});
    row("locale underscore", with("locale", "ru_RU"), {s("'locale'"), s("\"ru_RU\""), s("BCP 47")});
    row("locale Cyrillic", with("locale", "ру"), {s("'locale'"), s("BCP 47")});
}

void EventTest::refusals()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);

    const Result<Event> event = Event::fromJson(input);
    VT_FAILS_WITH(event, ErrorCode::InvalidArgument);
    const QString &message = event.error().message;
    QVERIFY2(message.startsWith(QStringLiteral("event: ")), qPrintable(message));
    for (const QString &fragment : expected)
        QVERIFY2(message.contains(fragment), qPrintable(QStringLiteral("'%1' not in: %2").arg(fragment, message)));
}

void EventTest::sizeLimitExactlyAtAndOneOver()
{
    const QByteArray small = with("data", {{"pad", ""}});
    const QByteArray padding(Event::kMaxBytes - small.size(), 'p');
    QByteArray atLimit = small;
    atLimit.replace("\"pad\":\"\"", QByteArray("\"pad\":\"" + padding + '"'));
    QCOMPARE(atLimit.size(), Event::kMaxBytes);

    const Result<Event> accepted = Event::fromJson(atLimit);
    VT_OK(accepted);
    QCOMPARE(accepted->data.at("pad").get<std::string>().size(), std::size_t(padding.size()));

    const Result<Event> refused = Event::fromJson(atLimit + ' ');
    VT_FAILS_WITH(refused, ErrorCode::InvalidArgument);
    QCOMPARE(refused.error().message,
             QStringLiteral("event: the message is 65537 bytes, more than the limit of 65536"));
}

void EventTest::sizeIsCheckedBeforeParsing()
{
    const Result<Event> event = Event::fromJson(QByteArray(Event::kMaxBytes + 1, '{'));
    VT_FAILS_WITH(event, ErrorCode::InvalidArgument);
    QVERIFY2(event.error().message.contains(QStringLiteral("more than the limit of 65536")),
             qPrintable(event.error().message));
}

void EventTest::limitsAreInclusive()
{
    std::string cyrillic200;
    for (int i = 0; i < 100; ++i)
        cyrillic200 += "я";
    nlohmann::json json = validJson();
    json["id"] = cyrillic200;
    json["user_id"] = std::string(200, 'u');
    json["type"] = std::string(100, 'a');
    json["locale"] = std::string(35, 'A');
    json["data"] = nested(32);
    const Result<Event> event = Event::fromJson(bytesOf(json));
    VT_OK(event);
    QCOMPARE(event->id.size(), 100);
    QCOMPARE(event->userId.size(), 200);
    QCOMPARE(event->type.size(), 100);
    QCOMPARE(event->locale.size(), 35);
    QVERIFY(event->data == nested(32));
}

void EventTest::unknownFieldsAreIgnored()
{
    nlohmann::json json = validJson();
    json["schema_version"] = 2;
    json["source"] = {{"service", "orders"}, {"host", "orders-7"}};
    json["tags"] = {"a", "b"};
    json["Id"] = 5; // names are case-sensitive: not a second 'id'
    const Result<Event> event = Event::fromJson(bytesOf(json));
    VT_OK(event);
    QVERIFY(*event == orderCancelled());
    QVERIFY(!event->toJson().contains("schema_version"));
    QVERIFY(!event->toJson().contains("source"));
}

QTEST_GUILESS_MAIN(EventTest)
#include "EventTest.moc"
