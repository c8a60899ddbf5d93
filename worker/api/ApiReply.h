#pragma once

#include <QString>

#include <memory>

namespace vestnik {

class ApiResponse;
class ApiServer;

/// The answer-to-be of one request, handed to its handler. Cheap to copy into callbacks: all copies share one
/// answer, the first send() of any of them is the one sent. Answering a client that has gone is a counted
/// no-op, never a crash; a request whose copies are all dropped unanswered gets a 500 (and a log line).
/// Use it on the API server's thread.
class ApiReply final
{
public:
    /// Sends `response` if nothing was sent yet; later calls are ignored.
    void send(const ApiResponse &response) const;
    bool isSent() const;
    /// Whether the client is still connected: work for a client that has gone may be skipped.
    bool isClientConnected() const;
    const QString &requestId() const;

private:
    friend class ApiServer;
    struct State;
    explicit ApiReply(std::shared_ptr<State> state) : m_state(std::move(state)) {}

    std::shared_ptr<State> m_state;
};

} // namespace vestnik
