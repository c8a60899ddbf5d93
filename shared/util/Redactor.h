#pragma once

#include <QReadWriteLock>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

namespace vestnik {

/// Removes secrets and device tokens from text bound for a log: registered secret values (passwords,
/// keys) and anything shaped like an APNs device token, an FCM registration token, a JWT or a bearer
/// credential. Thread-safe.
class Redactor final
{
public:
    Redactor();

    /// Registers an exact value to hide wherever it appears (values shorter than 6 characters are ignored:
    /// they would blank out ordinary words).
    void addSecret(const QString &value);

    QString redact(QString text) const;

    static QString placeholder() { return QStringLiteral("[redacted]"); }

private:
    mutable QReadWriteLock m_lock;
    QStringList m_secrets;
    QRegularExpression m_patterns;
};

} // namespace vestnik
