#pragma once

#include <QLoggingCategory>

// The worker's HTTPS API (vestnik.api): connections refused or cut by the guard, authentication failures,
// handler bugs. Requests themselves are logged at debug level by route pattern, never by path or body.
Q_DECLARE_LOGGING_CATEGORY(lcApi)
