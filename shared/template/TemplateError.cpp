#include "template/TemplateError.h"

namespace vestnik {

QString TemplateError::message(const QString &language) const
{
    const bool russian = language.startsWith(QStringLiteral("ru"));
    QString text = russian ? messageRu : messageEn;
    if (line > 0) {
        text = russian ? QStringLiteral("строка %1, столбец %2: %3").arg(line).arg(column).arg(text)
                       : QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(text);
    }
    if (!field.isEmpty())
        text = field + QStringLiteral(": ") + text;
    return text;
}

QString TemplateError::kindName() const
{
    switch (kind) {
    case Kind::Syntax: return QStringLiteral("syntax");
    case Kind::UnknownFilter: return QStringLiteral("unknown_filter");
    case Kind::FilterArguments: return QStringLiteral("filter_arguments");
    case Kind::Section: return QStringLiteral("section");
    case Kind::MissingVariable: return QStringLiteral("missing_variable");
    case Kind::WrongType: return QStringLiteral("wrong_type");
    case Kind::Locale: return QStringLiteral("locale");
    }
    return QStringLiteral("syntax");
}

} // namespace vestnik
