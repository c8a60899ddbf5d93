#include "google/GoogleService.h"

#include "google/FcmSendEndpoint.h"
#include "google/GoogleOAuthEndpoint.h"
#include "transport/HttpRequest.h"

namespace vestnik::sim {

namespace {

HttpResponse notFound(const HttpRequest &request)
{
    QByteArray page =
        QByteArrayLiteral("<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error 404 (Not "
                          "Found)!!1</title>\n  <p><b>404.</b> <ins>That\xe2\x80\x99s an error.</ins>\n  <p>The "
                          "requested URL <code>");
    page += request.pathOnly().toByteArray().toPercentEncoding("/:");
    page += QByteArrayLiteral("</code> was not found on this server.  <ins>That\xe2\x80\x99s all we know.</ins>\n");
    return HttpResponse(404, std::move(page), QByteArrayLiteral("text/html; charset=UTF-8"));
}

} // namespace

GoogleService::GoogleService(GoogleOAuthEndpoint &oauth, FcmSendEndpoint &fcm) : m_oauth(oauth), m_fcm(fcm) {}

HttpResponse GoogleService::handle(HttpRequest &request, ServerConnection &connection)
{
    const QByteArrayView path = request.pathOnly();
    if (request.method == "POST" && FcmSendEndpoint::matches(path))
        return m_fcm.handle(request, connection);
    if (path == "/token" || path == "/o/oauth2/token" || path == "/oauth2/v4/token")
        return m_oauth.handle(request);
    return notFound(request);
}

} // namespace vestnik::sim
