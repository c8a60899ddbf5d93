#include "util/Redactor.h"

#include <algorithm>

namespace vestnik {

Redactor::Redactor()
    : m_patterns(QStringLiteral(
        // FCM registration token: instance id, colon, opaque base64url part (usually APA91b...)
        R"([A-Za-z0-9_-]{8,}:[A-Za-z0-9_-]{60,})"
        // JWT / JWS compact form
        R"(|eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)"
        // bearer credentials in headers
        R"(|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{8,})"
        // APNs device token: 64 or more hex digits (32-byte and longer tokens)
        R"(|\b[0-9A-Fa-f]{64,}\b)"
        // any other long opaque base64url run (unknown token formats)
        R"(|[A-Za-z0-9_-]{100,})"))
{}

void Redactor::addSecret(const QString &value)
{
    if (value.size() < 6)
        return;
    QWriteLocker locker(&m_lock);
    if (m_secrets.contains(value))
        return;
    m_secrets.append(value);
    // longest first, so a secret that contains another is hidden whole
    std::sort(m_secrets.begin(), m_secrets.end(),
              [](const QString &a, const QString &b) { return a.size() > b.size(); });
}

QString Redactor::redact(QString text) const
{
    {
        QReadLocker locker(&m_lock);
        for (const QString &secret : m_secrets)
            text.replace(secret, placeholder());
    }
    text.replace(m_patterns, placeholder());
    return text;
}

} // namespace vestnik
