#include "api/Router.h"

#include <QUrl>

namespace vestnik {

namespace {

bool isParamName(QStringView name)
{
    if (name.isEmpty())
        return false;
    return std::all_of(name.begin(), name.end(),
                       [](QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('-'); });
}

} // namespace

Result<int> Router::add(const QByteArray &method, const QString &pattern)
{
    const auto invalid = [&pattern](const QString &why) {
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("route pattern \"%1\": %2").arg(pattern, why));
    };
    if (method.isEmpty() || method.toUpper() != method)
        return invalid(QStringLiteral("method \"%1\" must be an upper-case name").arg(QString::fromLatin1(method)));
    if (!pattern.startsWith(QLatin1Char('/')))
        return invalid(QStringLiteral("must start with '/'"));
    Route route{method, pattern, {}};
    QStringList names;
    const QStringList parts = pattern.mid(1).split(QLatin1Char('/'));
    for (const QString &part : parts) {
        if (part.isEmpty() && parts.size() > 1)
            return invalid(QStringLiteral("has an empty segment"));
        const bool opens = part.startsWith(QLatin1Char('{'));
        const bool closes = part.endsWith(QLatin1Char('}'));
        if (opens || closes || part.contains(QLatin1Char('{')) || part.contains(QLatin1Char('}'))) {
            const QString name = part.mid(1, part.size() - 2);
            if (!opens || !closes || !isParamName(name))
                return invalid(
                    QStringLiteral("segment \"%1\" must be a whole {name} of letters, digits, _ or -").arg(part));
            if (names.contains(name))
                return invalid(QStringLiteral("parameter {%1} appears twice").arg(name));
            names << name;
            route.segments.append({name, true});
        } else {
            route.segments.append({part, false});
        }
    }
    for (const Route &existing : std::as_const(m_routes)) {
        if (existing.method == method && existing.pattern == pattern)
            return invalid(QStringLiteral("%1 is already routed").arg(QString::fromLatin1(method)));
    }
    m_routes.append(route);
    return int(m_routes.size() - 1);
}

bool Router::matches(const Route &route, const QStringList &segments, QHash<QString, QString> *params)
{
    if (route.segments.size() != segments.size())
        return false;
    QHash<QString, QString> found;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const Segment &segment = route.segments.at(i);
        if (!segment.isParam) {
            if (segment.text != segments.at(i))
                return false;
            continue;
        }
        if (segments.at(i).isEmpty())
            return false;
        const QString value = QUrl::fromPercentEncoding(segments.at(i).toUtf8());
        // A value that is not valid UTF-8 decodes with replacement characters: no route takes it.
        if (value.contains(QChar::ReplacementCharacter))
            return false;
        found.insert(segment.text, value);
    }
    if (params)
        *params = std::move(found);
    return true;
}

bool Router::isMoreSpecific(const Route &a, const Route &b)
{
    for (qsizetype i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
        if (a.segments.at(i).isParam != b.segments.at(i).isParam)
            return !a.segments.at(i).isParam;
    }
    return false;
}

Router::Match Router::match(const QByteArray &method, const QString &encodedPath) const
{
    Match result;
    if (!encodedPath.startsWith(QLatin1Char('/')))
        return result;
    const QStringList segments = encodedPath.mid(1).split(QLatin1Char('/'));
    const auto best = [&](const QByteArray &wanted) {
        int found = -1;
        for (qsizetype i = 0; i < m_routes.size(); ++i) {
            const Route &route = m_routes.at(i);
            if (route.method != wanted || !matches(route, segments, nullptr))
                continue;
            if (found < 0 || isMoreSpecific(route, m_routes.at(found)))
                found = int(i);
        }
        return found;
    };
    int route = best(method);
    if (route < 0 && method == "HEAD")
        route = best(QByteArrayLiteral("GET"));
    if (route >= 0) {
        result.kind = Match::Kind::Found;
        result.route = route;
        matches(m_routes.at(route), segments, &result.params);
        return result;
    }
    for (const Route &candidate : m_routes) {
        if (matches(candidate, segments, nullptr) && !result.allowed.contains(candidate.method))
            result.allowed.append(candidate.method);
    }
    if (!result.allowed.isEmpty()) {
        if (result.allowed.contains("GET") && !result.allowed.contains("HEAD"))
            result.allowed.append(QByteArrayLiteral("HEAD"));
        std::sort(result.allowed.begin(), result.allowed.end());
        result.kind = Match::Kind::MethodNotAllowed;
    }
    return result;
}

} // namespace vestnik
