#pragma once

#include "transport/RequestHandler.h"

namespace vestnik::sim {

class FcmSendEndpoint;
class GoogleOAuthEndpoint;

/// The Google front end on one listener: the OAuth token endpoint (`/token`, also `/o/oauth2/token` and
/// `/oauth2/v4/token`) and FCM HTTP v1 (`/v1/projects/{id}/messages:send`); anything else is Google's 404 page.
class GoogleService final : public RequestHandler
{
public:
    GoogleService(GoogleOAuthEndpoint &oauth, FcmSendEndpoint &fcm);
    HttpResponse handle(HttpRequest &request, ServerConnection &connection) override;

private:
    GoogleOAuthEndpoint &m_oauth;
    FcmSendEndpoint &m_fcm;
};

} // namespace vestnik::sim
