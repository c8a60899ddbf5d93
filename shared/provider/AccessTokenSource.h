#pragma once

#include "util/Result.h"

#include <QByteArray>

#include <functional>

namespace vestnik {

/// Hands out OAuth 2 access tokens for provider requests, refreshing them before they expire.
class AccessTokenSource
{
public:
    using Callback = std::function<void(Result<QByteArray>)>;
    virtual ~AccessTokenSource() = default;
    /// Calls back with a valid token, at once when one is cached, else when the (single) fetch ends.
    virtual void token(Callback callback) = 0;
    /// The provider rejected `token` (401): the next token() fetches a new one.
    virtual void invalidate(const QByteArray &token) = 0;
};

} // namespace vestnik
