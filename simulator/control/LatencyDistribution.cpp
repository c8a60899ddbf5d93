#include "control/LatencyDistribution.h"

#include <QStringList>

#include <cmath>
#include <numbers>

namespace vestnik::sim {

Result<LatencyDistribution> LatencyDistribution::parse(const QString &spec)
{
    LatencyDistribution distribution;
    const QString trimmed = spec.trimmed();
    if (trimmed.isEmpty() || trimmed == QStringLiteral("none"))
        return distribution;
    const qsizetype colon = trimmed.indexOf(QLatin1Char(':'));
    const QString kind = trimmed.left(colon);
    const QStringList numbers = colon < 0 ? QStringList() : trimmed.mid(colon + 1).split(QLatin1Char(','));
    QList<double> values;
    for (const QString &number : numbers) {
        bool ok = false;
        values << number.trimmed().toDouble(&ok);
        if (!ok || values.constLast() < 0)
            return makeError(
                ErrorCode::InvalidArgument,
                QStringLiteral("latency '%1': '%2' is not a non-negative number of milliseconds").arg(spec, number));
    }
    struct Known {
        const char *name;
        Kind kind;
        int arguments;
    };
    static const Known kKinds[] = {{"fixed", Kind::Fixed, 1},
                                   {"uniform", Kind::Uniform, 2},
                                   {"normal", Kind::Normal, 2},
                                   {"exponential", Kind::Exponential, 1},
                                   {"lognormal", Kind::LogNormal, 2}};
    for (const Known &known : kKinds) {
        if (kind != QLatin1String(known.name))
            continue;
        if (values.size() != known.arguments)
            return makeError(
                ErrorCode::InvalidArgument,
                QStringLiteral("latency '%1': %2 takes %3 number(s)").arg(spec, kind).arg(known.arguments));
        distribution.m_kind = known.kind;
        distribution.m_a = values.value(0);
        distribution.m_b = values.value(1);
        if (known.kind == Kind::Uniform && distribution.m_b < distribution.m_a)
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("latency '%1': MAX is below MIN").arg(spec));
        return distribution;
    }
    return makeError(ErrorCode::InvalidArgument,
                     QStringLiteral("latency '%1': expected fixed:MS, uniform:MIN,MAX, normal:MEAN,STDDEV, "
                                    "exponential:MEAN or lognormal:MEDIAN,SIGMA")
                         .arg(spec));
}

std::chrono::milliseconds LatencyDistribution::sample(double u1, double u2) const
{
    double ms = 0;
    // Box-Muller needs u1 > 0
    const double safe = std::max(u1, 1e-12);
    const double gaussian = std::sqrt(-2.0 * std::log(safe)) * std::cos(2.0 * std::numbers::pi * u2);
    switch (m_kind) {
    case Kind::None: return std::chrono::milliseconds(0);
    case Kind::Fixed: ms = m_a; break;
    case Kind::Uniform: ms = m_a + (m_b - m_a) * u1; break;
    case Kind::Normal: ms = m_a + m_b * gaussian; break;
    case Kind::Exponential: ms = -m_a * std::log(1.0 - std::min(u1, 0.999999999)); break;
    case Kind::LogNormal: ms = m_a * std::exp(m_b * gaussian); break;
    }
    return std::chrono::milliseconds(std::llround(std::max(0.0, std::min(ms, 3.6e6))));
}

QString LatencyDistribution::toString() const
{
    switch (m_kind) {
    case Kind::None: return QStringLiteral("none");
    case Kind::Fixed: return QStringLiteral("fixed:%1").arg(m_a);
    case Kind::Uniform: return QStringLiteral("uniform:%1,%2").arg(m_a).arg(m_b);
    case Kind::Normal: return QStringLiteral("normal:%1,%2").arg(m_a).arg(m_b);
    case Kind::Exponential: return QStringLiteral("exponential:%1").arg(m_a);
    case Kind::LogNormal: return QStringLiteral("lognormal:%1,%2").arg(m_a).arg(m_b);
    }
    return QStringLiteral("none");
}

} // namespace vestnik::sim
