#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace vestnik {

/// Finds the route of a method and path among patterns like "/v1/devices/{id}": a `{name}` segment matches
/// one non-empty path segment, any other segment itself. Where two patterns match, the one with a literal
/// segment earlier wins ("/v1/devices/search" over "/v1/devices/{id}").
class Router final
{
public:
    /// What match() found.
    struct Match {
        enum class Kind { Found, NotFound, MethodNotAllowed };
        Kind kind = Kind::NotFound;
        int route = -1;                 ///< index given by add(), when Found
        QHash<QString, QString> params; ///< decoded values of the {name} segments, when Found
        QList<QByteArray> allowed;      ///< methods the path has, when MethodNotAllowed
    };

    /// Adds a route and returns its index; InvalidArgument for a pattern that does not start with '/', has an
    /// empty or partial `{}` segment or a repeated name, or a method and pattern that are already there.
    Result<int> add(const QByteArray &method, const QString &pattern);
    /// The route for `method` and `encodedPath` (percent-encoded, as sent). HEAD finds a GET route when it
    /// has none of its own.
    Match match(const QByteArray &method, const QString &encodedPath) const;
    const QString &pattern(int route) const { return m_routes.at(route).pattern; }

private:
    struct Segment {
        QString text; ///< literal text, or the parameter's name
        bool isParam = false;
    };
    struct Route {
        QByteArray method;
        QString pattern;
        QList<Segment> segments;
    };

    /// Whether `route` matches the path's segments; fills `params` when it does.
    static bool matches(const Route &route, const QStringList &segments, QHash<QString, QString> *params);
    /// Whether `a` is more specific than `b` (a literal where the other has a parameter, first difference wins).
    static bool isMoreSpecific(const Route &a, const Route &b);

    QList<Route> m_routes;
};

} // namespace vestnik
