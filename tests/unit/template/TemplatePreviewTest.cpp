#include "template/TemplatePreview.h"

#include "TemplateFixtures.h"
#include "provider/PayloadBuilder.h"
#include "security/TrackingToken.h"

#include <QJsonDocument>
#include <QTest>

using namespace vestnik;

namespace {

const nlohmann::json kSample = {{"имя", "Анна"}, {"название_товара", "Чайник"}, {"sku", "A-17"}};

const PreviewPayload *find(const TemplatePreview &preview, const QString &locale, const QString &platform)
{
    for (const PreviewPayload &p : preview.payloads()) {
        if (p.locale == locale && p.platform == platform)
            return &p;
    }
    return nullptr;
}

bool hasIssue(const TemplatePreview &preview, bool error, const QString &fragment)
{
    for (const TemplateIssue &issue : preview.issues()) {
        if (issue.isError() == error && issue.message().contains(fragment))
            return true;
    }
    return false;
}

} // namespace

class TemplatePreviewTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rendersEveryVariantForBothPlatforms();
    void fcmMessageFollowsTheWireFormat();
    void apnsRequestFollowsTheWireFormat();
    void retriesSendTheRemainingLifetime();
    void missingSampleValuesAreWarnings();
    void oversizedPayloadIsAnError();
    void nearLimitIsAWarning();
    void compileErrorsAreErrors();
    void reservedDataKeysAreErrors();
};

void TemplatePreviewTest::rendersEveryVariantForBothPlatforms()
{
    const TemplatePreview preview = TemplatePreview::build(test::templateFixture("back_in_stock.json"), kSample);
    QVERIFY2(!preview.hasErrors(),
             qPrintable(preview.issues().isEmpty() ? QString() : preview.issues().at(0).message()));
    QCOMPARE(preview.payloads().size(), 6); // ru, en, ru-UA x android, ios
    const PreviewPayload *enIos = find(preview, QStringLiteral("en"), QStringLiteral("ios"));
    QVERIFY(enIos);
    QCOMPARE(enIos->title, QStringLiteral("Анна, it is back"));
    QCOMPARE(enIos->limit, 4096);
    QCOMPARE(enIos->size, enIos->payload.size());
    const PreviewPayload *ruAndroid = find(preview, QStringLiteral("ru"), QStringLiteral("android"));
    QVERIFY(ruAndroid);
    QVERIFY(ruAndroid->size > 100 && ruAndroid->size < ruAndroid->payload.size()); // the token is not counted
    QVERIFY(preview.issues().isEmpty());
}

void TemplatePreviewTest::fcmMessageFollowsTheWireFormat()
{
    const TemplatePreview preview = TemplatePreview::build(test::templateFixture("back_in_stock.json"), kSample);
    const PreviewPayload *android = find(preview, QStringLiteral("ru"), QStringLiteral("android"));
    const nlohmann::json body = nlohmann::json::parse(android->payload.toStdString());
    const nlohmann::json &message = body.at("message");
    QVERIFY(message.at("token").is_string());
    QCOMPARE(message.at("notification").at("title").get<std::string>(), std::string("Анна, товар снова в наличии"));
    QCOMPARE(message.at("notification").at("image").get<std::string>(),
             std::string("https://cdn.example.com/A-17.jpg"));
    // data values are strings only, buttons travel as a JSON list in a string
    for (const auto &[key, value] : message.at("data").items())
        QVERIFY2(value.is_string(), key.c_str());
    QCOMPARE(message.at("data").at("sku").get<std::string>(), std::string("A-17"));
    QCOMPARE(message.at("data").at("vestnik_link").get<std::string>(), std::string("shop://product/A-17"));
    const nlohmann::json actions = nlohmann::json::parse(message.at("data").at("vestnik_actions").get<std::string>());
    QCOMPARE(actions.at(0).at("label").get<std::string>(), std::string("Купить"));
    QCOMPARE(message.at("android").at("ttl").get<std::string>(), std::string("86400s"));
    QCOMPARE(message.at("android").at("priority").get<std::string>(), std::string("high"));
    QCOMPARE(message.at("android").at("notification").at("channel_id").get<std::string>(), std::string("promo"));
    // the notification id collapses duplicates when the template names no collapse key
    QVERIFY(message.at("android").at("collapse_key") == message.at("data").at("vestnik_nid"));
    // room for the longest tracking token the sender adds, counted in the size
    const std::string track = message.at("data").at("vestnik_track").get<std::string>();
    QCOMPARE(int(track.size()),
             TrackingToken::maxLength(int(message.at("data").at("vestnik_nid").get<std::string>().size())));
}

void TemplatePreviewTest::apnsRequestFollowsTheWireFormat()
{
    const PushTemplate t = test::templateFixture("back_in_stock.json");
    const nlohmann::json user = kSample;
    Result<CompiledPushTemplate, TemplateError> compiled = CompiledPushTemplate::compile(t);
    Result<RenderedPush, TemplateError> push = compiled->render(JsonScopes{&user}, QStringLiteral("ru"));
    QVERIFY(push.hasValue());
    const ApnsRequest request =
        PayloadBuilder::apnsRequest(*push, t, QStringLiteral("nid-1"), QStringLiteral("com.example.shop"), 1'000'000,
                                    std::nullopt, QStringLiteral("track-1"));
    const nlohmann::json payload = nlohmann::json::parse(request.payload.toStdString());
    QCOMPARE(payload.at("aps").at("alert").at("body").get<std::string>(), std::string("«Чайник» ждёт вас"));
    QCOMPARE(payload.at("aps").at("category").get<std::string>(), std::string("PRODUCT"));
    QCOMPARE(payload.at("aps").at("badge").get<int>(), 1);
    QCOMPARE(payload.at("aps").at("mutable-content").get<int>(), 1);
    QCOMPARE(payload.at("vestnik").at("nid").get<std::string>(), std::string("nid-1"));
    QCOMPARE(payload.at("vestnik").at("track").get<std::string>(), std::string("track-1"));
    QCOMPARE(payload.at("vestnik").at("actions").at(0).at("id").get<std::string>(), std::string("buy"));
    QCOMPARE(payload.at("sku").get<std::string>(), std::string("A-17"));
    QMap<QByteArray, QByteArray> headers;
    for (const auto &[name, value] : request.headers)
        headers.insert(name, value);
    QCOMPARE(headers.value("apns-push-type"), QByteArray("alert"));
    QCOMPARE(headers.value("apns-topic"), QByteArray("com.example.shop"));
    QCOMPARE(headers.value("apns-priority"), QByteArray("5")); // the template's apns priority is "normal"
    QCOMPARE(headers.value("apns-expiration"), QByteArray::number(1'000'000 + 86400));
    QCOMPARE(headers.value("apns-collapse-id"), QByteArray("nid-1"));
}

void TemplatePreviewTest::retriesSendTheRemainingLifetime()
{
    const PushTemplate t = test::templateFixture("back_in_stock.json"); // ttl_seconds 86400
    const nlohmann::json user = kSample;
    Result<CompiledPushTemplate, TemplateError> compiled = CompiledPushTemplate::compile(t);
    Result<RenderedPush, TemplateError> push = compiled->render(JsonScopes{&user}, QStringLiteral("ru"));
    const qint64 created = 1'000'000;
    const qint64 androidDeadline = PayloadBuilder::expiresAtSeconds(t, false, created);
    const qint64 iosDeadline = PayloadBuilder::expiresAtSeconds(t, true, created);
    QCOMPARE(androidDeadline, created + 86400);
    QCOMPARE(iosDeadline, created + 86400);

    // a retry an hour later: FCM gets what is left, APNs keeps the original deadline
    const qint64 later = created + 3600;
    const nlohmann::json retry = PayloadBuilder::fcmMessage(*push, t, QStringLiteral("nid-1"), later, androidDeadline);
    QCOMPARE(retry.at("android").at("ttl").get<std::string>(), std::string("82800s"));
    const ApnsRequest apns = PayloadBuilder::apnsRequest(*push, t, QStringLiteral("nid-1"),
                                                         QStringLiteral("com.example.shop"), later, iosDeadline);
    QByteArray expiration;
    for (const auto &[name, value] : apns.headers) {
        if (name == "apns-expiration")
            expiration = value;
    }
    QCOMPARE(expiration, QByteArray::number(created + 86400));
    // past the deadline nothing negative is sent: FCM's "0s" means deliver now or drop
    const nlohmann::json late =
        PayloadBuilder::fcmMessage(*push, t, QStringLiteral("nid-1"), created + 90000, androidDeadline);
    QCOMPARE(late.at("android").at("ttl").get<std::string>(), std::string("0s"));
    // a first send without a deadline uses the template's TTL
    QCOMPARE(PayloadBuilder::fcmMessage(*push, t, QStringLiteral("nid-1")).at("android").at("ttl").get<std::string>(),
             std::string("86400s"));
}

void TemplatePreviewTest::missingSampleValuesAreWarnings()
{
    const nlohmann::json sample = {{"sku", "A-17"}};
    const TemplatePreview preview = TemplatePreview::build(test::templateFixture("back_in_stock.json"), sample);
    QVERIFY(!preview.hasErrors());
    QVERIFY(hasIssue(preview, false, QStringLiteral("no value for 'название_товара'")));
    // имя has a default everywhere: no warning for it
    QVERIFY(!hasIssue(preview, false, QStringLiteral("'имя'")));
    const PreviewPayload *ru = find(preview, QStringLiteral("ru"), QStringLiteral("ios"));
    QCOMPARE(ru->body, QStringLiteral("«{{название_товара}}» ждёт вас"));
}

void TemplatePreviewTest::oversizedPayloadIsAnError()
{
    PushTemplate t = test::templateFixture("back_in_stock.json");
    t.variants[QStringLiteral("en")].body = QString(4200, QLatin1Char('x'));
    const TemplatePreview preview = TemplatePreview::build(t, kSample);
    QVERIFY(preview.hasErrors());
    QVERIFY(hasIssue(preview, true, QStringLiteral("the Android payload for locale en is")));
    QVERIFY(hasIssue(preview, true, QStringLiteral("the iOS payload for locale en is")));
    QVERIFY(hasIssue(preview, true, QStringLiteral("FCM allows 4096")));
    QVERIFY(!hasIssue(preview, true, QStringLiteral("locale ru is")));
    bool russian = false;
    for (const TemplateIssue &issue : preview.issues())
        russian = russian || issue.message(QStringLiteral("ru")).contains(QStringLiteral("допускает 4096"));
    QVERIFY(russian);
}

void TemplatePreviewTest::nearLimitIsAWarning()
{
    PushTemplate t = test::templateFixture("back_in_stock.json");
    t.content.body = QString(3300, QLatin1Char('x')); // Cyrillic would count twice: UTF-8 bytes are what count
    const TemplatePreview preview = TemplatePreview::build(t, kSample);
    QVERIFY(!preview.hasErrors());
    QVERIFY(hasIssue(preview, false, QStringLiteral("of 4096 bytes")));
    t.content.body = QString(2000, QChar(0x0436)); // 'ж': 2 bytes each in UTF-8
    QVERIFY(TemplatePreview::build(t, kSample).hasErrors());
}

void TemplatePreviewTest::compileErrorsAreErrors()
{
    PushTemplate t = test::templateFixture("back_in_stock.json");
    t.variants[QStringLiteral("en")].title = QStringLiteral("Hi {{имя");
    const TemplatePreview preview = TemplatePreview::build(t, kSample);
    QVERIFY(preview.hasErrors());
    QVERIFY(preview.payloads().isEmpty());
    QCOMPARE(preview.issues().at(0).field, QStringLiteral("variants.en.title"));
    QCOMPARE(preview.issues().at(0).message(),
             QStringLiteral("variants.en.title: line 1, column 4: tag is not closed: expected '}}'"));
    QCOMPARE(preview.issues().at(0).message(QStringLiteral("ru")),
             QStringLiteral("variants.en.title: строка 1, столбец 4: тег не закрыт: ожидалось «}}»"));
}

void TemplatePreviewTest::reservedDataKeysAreErrors()
{
    for (const QString &key : {QStringLiteral("from"), QStringLiteral("google.sent_time"), QStringLiteral("gcm.x"),
                               QStringLiteral("message_type"), QStringLiteral("vestnik_nid")}) {
        PushTemplate t = test::templateFixture("back_in_stock.json");
        t.content.data.insert(key, QStringLiteral("v"));
        const TemplatePreview preview = TemplatePreview::build(t, kSample);
        QVERIFY2(hasIssue(preview, true, QStringLiteral("reserved data key")), qPrintable(key));
    }
    PushTemplate t = test::templateFixture("back_in_stock.json");
    t.collapseKey = QString(65, QLatin1Char('c'));
    QVERIFY(hasIssue(TemplatePreview::build(t, kSample), true, QStringLiteral("at most 64 bytes")));
}

QTEST_GUILESS_MAIN(TemplatePreviewTest)
#include "TemplatePreviewTest.moc"
