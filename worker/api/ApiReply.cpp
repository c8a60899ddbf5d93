#include "api/ApiReply.h"

#include "api/ApiReply_p.h"
#include "api/ApiResponse.h"
#include "api/ApiServer.h"

namespace vestnik {

ApiReply::State::~State()
{
    if (!sent && server)
        server->deliverUnanswered(*this);
}

void ApiReply::send(const ApiResponse &response) const
{
    if (m_state->sent)
        return;
    m_state->sent = true;
    if (m_state->server)
        m_state->server->deliver(*m_state, response);
}

bool ApiReply::isSent() const
{
    return m_state->sent;
}

bool ApiReply::isClientConnected() const
{
    return m_state->socket && m_state->socket->state() == QAbstractSocket::ConnectedState;
}

const QString &ApiReply::requestId() const
{
    return m_state->requestId;
}

} // namespace vestnik
