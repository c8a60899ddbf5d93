#include "util/Clock.h"

namespace vestnik {

const SystemClock &SystemClock::instance()
{
    static const SystemClock clock;
    return clock;
}

} // namespace vestnik
