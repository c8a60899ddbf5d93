#include "transport/FormData.h"

#include <QList>

namespace vestnik::sim {

namespace {

QString decode(QByteArray part)
{
    part.replace('+', ' ');
    return QString::fromUtf8(QByteArray::fromPercentEncoding(part));
}

} // namespace

QHash<QString, QString> FormData::parse(const QByteArray &body)
{
    QHash<QString, QString> fields;
    const QList<QByteArray> pairs = body.split('&');
    for (const QByteArray &pair : pairs) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        const QString name = decode(eq < 0 ? pair : pair.left(eq));
        if (!fields.contains(name)) // RFC 6749 3.2: parameters must not repeat; the first one wins here
            fields.insert(name, eq < 0 ? QString() : decode(pair.mid(eq + 1)));
    }
    return fields;
}

} // namespace vestnik::sim
