#include "google/AccessTokenStore.h"

#include <QRandomGenerator>

namespace vestnik::sim {

QByteArray AccessTokenStore::issue(const Grant &grant, qint64 nowMs)
{
    if (nowMs - m_lastSweepMs > 60'000) {
        std::erase_if(m_grants, [nowMs](const auto &entry) { return entry.second.expiresAtMs <= nowMs; });
        m_lastSweepMs = nowMs;
    }
    QByteArray random(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(random.data()), 4);
    // Short on purpose: clients re-send it (Huffman-coded, never indexed) with every request.
    const QByteArray token =
        QByteArrayLiteral("ya29.") + random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    m_grants[token.toStdString()] = grant;
    return token;
}

const AccessTokenStore::Grant *AccessTokenStore::find(std::string_view token) const
{
    const auto it = m_grants.find(token);
    return it == m_grants.end() ? nullptr : &it->second;
}

} // namespace vestnik::sim
