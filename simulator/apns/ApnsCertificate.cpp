#include "apns/ApnsCertificate.h"

#include "transport/OpenSslHandles.h"

#include <openssl/err.h>
#include <openssl/objects.h>

namespace vestnik::sim {

namespace {

const char *const kDevelopmentOid = "1.2.840.113635.100.6.3.1";
const char *const kProductionOid = "1.2.840.113635.100.6.3.2";
const char *const kTopicsOid = "1.2.840.113635.100.6.3.6";
const char *const kUidOid = "0.9.2342.19200300.100.1.1";

// The topics extension is nested DER with UTF8String topics beside type names ("app", "voip", ...); every
// string that looks like a bundle ID is a topic.
void collectTopics(const unsigned char *data, long length, QStringList &topics, int depth = 0)
{
    long i = 0;
    while (i + 2 <= length && depth < 8) {
        const unsigned char tag = data[i];
        long size = data[i + 1];
        long header = 2;
        if (size & 0x80) {
            const int bytes = size & 0x7f;
            if (bytes > 3 || i + 2 + bytes > length)
                return;
            size = 0;
            for (int b = 0; b < bytes; ++b)
                size = (size << 8) | data[i + 2 + b];
            header += bytes;
        }
        if (i + header + size > length)
            return;
        const unsigned char *content = data + i + header;
        if (tag == 0x0c) {
            const QString text = QString::fromUtf8(reinterpret_cast<const char *>(content), qsizetype(size));
            if (text.contains(QLatin1Char('.')) && !text.contains(QLatin1Char(' ')))
                topics << text;
        } else if (tag & 0x20) { // constructed: look inside
            collectTopics(content, size, topics, depth + 1);
        }
        i += header + size;
    }
}

bool hasExtension(X509 *certificate, const char *oid)
{
    ASN1_OBJECT *object = OBJ_txt2obj(oid, 1);
    const int index = object ? X509_get_ext_by_OBJ(certificate, object, -1) : -1;
    ASN1_OBJECT_free(object);
    return index >= 0;
}

} // namespace

ApnsCertificate ApnsCertificate::fromDer(const QByteArray &der, bool isTrusted)
{
    ApnsCertificate certificate;
    if (der.isEmpty())
        return certificate;
    const auto *cursor = reinterpret_cast<const unsigned char *>(der.constData());
    const X509Ptr x509(d2i_X509(nullptr, &cursor, long(der.size())));
    if (!x509) {
        ERR_clear_error();
        return certificate;
    }
    certificate.isPresent = true;
    certificate.isTrusted = isTrusted;
    certificate.isForDevelopment = hasExtension(x509.get(), kDevelopmentOid);
    certificate.isForProduction = hasExtension(x509.get(), kProductionOid);

    X509_NAME *subject = X509_get_subject_name(x509.get());
    ASN1_OBJECT *uid = OBJ_txt2obj(kUidOid, 1);
    const int position = uid ? X509_NAME_get_index_by_OBJ(subject, uid, -1) : -1;
    ASN1_OBJECT_free(uid);
    if (position >= 0) {
        unsigned char *utf8 = nullptr;
        const int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, position)));
        if (length > 0)
            certificate.bundleId = QString::fromUtf8(reinterpret_cast<const char *>(utf8), length);
        OPENSSL_free(utf8);
    }

    ASN1_OBJECT *topicsOid = OBJ_txt2obj(kTopicsOid, 1);
    const int index = topicsOid ? X509_get_ext_by_OBJ(x509.get(), topicsOid, -1) : -1;
    ASN1_OBJECT_free(topicsOid);
    if (index >= 0) {
        const ASN1_OCTET_STRING *value = X509_EXTENSION_get_data(X509_get_ext(x509.get(), index));
        collectTopics(ASN1_STRING_get0_data(value), ASN1_STRING_length(value), certificate.extraTopics);
        certificate.extraTopics.removeAll(certificate.bundleId);
    }
    ERR_clear_error();
    return certificate;
}

bool ApnsCertificate::allowsTopic(const QString &topic) const
{
    if (topic == bundleId || extraTopics.contains(topic))
        return true;
    // The push-type suffixes of the bundle ID (.voip, .complication, ...) belong to it.
    return !bundleId.isEmpty() && topic.startsWith(bundleId + QLatin1Char('.'));
}

bool ApnsCertificate::servesEnvironment(const QString &environment) const
{
    return environment == QStringLiteral("production") ? isForProduction : isForDevelopment;
}

} // namespace vestnik::sim
