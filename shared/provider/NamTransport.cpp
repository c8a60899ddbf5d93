#include "provider/NamTransport.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QUrl>

namespace vestnik {

NamTransport::NamTransport(Http2Endpoint endpoint, QObject *parent)
    : QObject(parent), m_endpoint(std::move(endpoint)), m_network(new QNetworkAccessManager(this))
{}

NamTransport::~NamTransport() = default;

void NamTransport::send(HttpRequest request, ResponseHandler handler)
{
    QUrl url;
    url.setScheme(QStringLiteral("https"));
    url.setHost(m_endpoint.host);
    url.setPort(m_endpoint.port);
    url.setPath(QString::fromUtf8(request.path), QUrl::TolerantMode);
    QNetworkRequest qRequest(url);
    qRequest.setAttribute(QNetworkRequest::Http2AllowedAttribute, true);
    qRequest.setTransferTimeout(int(request.timeout.count()));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (!m_endpoint.caCertificates.isEmpty())
        ssl.setCaCertificates(m_endpoint.caCertificates);
    qRequest.setSslConfiguration(ssl);
    for (const auto &[name, value] : request.headers)
        qRequest.setRawHeader(name, value);
    QNetworkReply *reply = m_network->sendCustomRequest(qRequest, request.method, request.body);
    ++m_pending;
    connect(reply, &QNetworkReply::finished, this, [this, reply, handler = std::move(handler)] {
        --m_pending;
        reply->deleteLater();
        HttpResponse response;
        response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        response.body = reply->readAll();
        for (const auto &[name, value] : reply->rawHeaderPairs())
            response.headers.emplace_back(name.toLower(), value);
        if (response.status == 0) {
            response.error = reply->error() == QNetworkReply::OperationCanceledError ? TransportError::Timeout
                                                                                     : TransportError::ConnectionLost;
            response.errorText = reply->errorString();
        }
        handler(std::move(response));
    });
}

} // namespace vestnik
