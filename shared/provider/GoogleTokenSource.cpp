#include "provider/GoogleTokenSource.h"

#include "security/Jwt.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QUrlQuery>

namespace vestnik {

namespace {

const QString kScope = QStringLiteral("https://www.googleapis.com/auth/firebase.messaging");

} // namespace

GoogleTokenSource::GoogleTokenSource(ServiceAccount account, Options options, QNetworkAccessManager &network,
                                     const Clock &clock, QObject *parent)
    : QObject(parent), m_account(std::move(account)), m_options(std::move(options)), m_network(network), m_clock(clock)
{}

void GoogleTokenSource::token(Callback callback)
{
    const qint64 now = m_clock.nowMs();
    const bool valid = !m_token.isEmpty() && now < m_expiresAtMs;
    const bool fresh = valid && now < m_expiresAtMs - std::chrono::milliseconds(m_options.refreshMargin).count();
    if (valid) {
        callback(m_token);
        if (!fresh && !m_fetching)
            fetch(); // renew in the background; the current token still serves
        return;
    }
    m_waiting.push_back(std::move(callback));
    if (!m_fetching)
        fetch();
}

void GoogleTokenSource::invalidate(const QByteArray &token)
{
    if (token == m_token) {
        m_token.clear();
        m_expiresAtMs = 0;
    }
}

void GoogleTokenSource::fetch()
{
    m_fetching = true;
    ++m_fetches;
    const qint64 now = m_clock.nowMs() / 1000;
    const QJsonObject claims{{QStringLiteral("iss"), m_account.clientEmail},
                             {QStringLiteral("scope"), kScope},
                             {QStringLiteral("aud"), m_account.tokenUri},
                             {QStringLiteral("iat"), double(now)},
                             {QStringLiteral("exp"), double(now + m_options.assertionLifetime.count())}};
    Result<QByteArray> assertion =
        Jwt::sign(claims, m_account.privateKey, QJsonObject{{QStringLiteral("kid"), m_account.privateKeyId}});
    if (!assertion) {
        finish(makeError(ErrorCode::Crypto,
                         QStringLiteral("cannot sign the OAuth assertion: ") + assertion.error().message));
        return;
    }
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:jwt-bearer"));
    form.addQueryItem(QStringLiteral("assertion"), QString::fromLatin1(*assertion));

    QNetworkRequest request(m_options.tokenEndpoint.isEmpty() ? QUrl(m_account.tokenUri) : m_options.tokenEndpoint);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/x-www-form-urlencoded"));
    request.setTransferTimeout(int(m_options.timeout.count()));
    if (!m_options.caCertificates.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(m_options.caCertificates);
        request.setSslConfiguration(ssl);
    }
    QNetworkReply *reply = m_network.post(request, form.query(QUrl::FullyEncoded).toLatin1());
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
        const QString accessToken = body.value(QStringLiteral("access_token")).toString();
        const qint64 expiresIn = body.value(QStringLiteral("expires_in")).toInteger();
        if (status == 200 && !accessToken.isEmpty() && expiresIn > 0) {
            m_token = accessToken.toLatin1();
            m_expiresAtMs = m_clock.nowMs() + expiresIn * 1000;
            qCInfo(lcProvider).noquote() << "FCM access token for" << m_account.clientEmail << "valid for" << expiresIn
                                         << "s";
            finish(m_token);
            return;
        }
        QString reason = body.value(QStringLiteral("error")).toString();
        const QString description = body.value(QStringLiteral("error_description")).toString();
        if (reason.isEmpty())
            reason =
                reply->error() != QNetworkReply::NoError ? reply->errorString() : QStringLiteral("HTTP %1").arg(status);
        finish(makeError(
            ErrorCode::Io,
            QStringLiteral("token endpoint refused %1: %2%3")
                .arg(m_account.clientEmail, reason,
                     description.isEmpty() ? QString() : QStringLiteral(" (") + description + QLatin1Char(')'))));
    });
}

void GoogleTokenSource::finish(const Result<QByteArray> &result)
{
    m_fetching = false;
    if (!result)
        qCWarning(lcProvider).noquote() << result.error().message;
    std::vector<Callback> waiting;
    waiting.swap(m_waiting);
    for (Callback &callback : waiting)
        callback(result);
}

} // namespace vestnik
