#pragma once

#include "util/Result.h"

#include <QString>

#include <chrono>

namespace vestnik::sim {

/// How long a response is held back, drawn per request from two uniform numbers (so it is reproducible with
/// the seed): fixed:MS, uniform:MIN,MAX, normal:MEAN,STDDEV, exponential:MEAN or lognormal:MEDIAN,SIGMA
/// (milliseconds; negative draws become 0).
class LatencyDistribution final
{
public:
    enum class Kind { None, Fixed, Uniform, Normal, Exponential, LogNormal };

    static Result<LatencyDistribution> parse(const QString &spec);

    bool isNone() const { return m_kind == Kind::None; }
    /// A delay for two independent uniform numbers in [0, 1).
    std::chrono::milliseconds sample(double u1, double u2) const;
    QString toString() const;

private:
    Kind m_kind = Kind::None;
    double m_a = 0;
    double m_b = 0;
};

} // namespace vestnik::sim
