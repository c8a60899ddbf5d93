#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QString>

namespace vestnik {
class JwtKey;
}

namespace vestnik::test {

/// The EC private scalar `d` of a key (32 bytes), read with OpenSSL: what must never be stored or published.
QByteArray privateScalar(const JwtKey &key);

/// Every spelling of a private key someone could find in a table: its PKCS#8 PEM, the PEM's base64 body lines,
/// the DER, and the raw scalar `d` in binary, hex and base64url.
QByteArrayList privateKeyForms(const JwtKey &key);

/// The spellings of a generated secret: its text, and the raw bytes when it is base64url.
QByteArrayList secretForms(const QString &secret);

} // namespace vestnik::test
