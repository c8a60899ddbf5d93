#pragma once

#include "provider/PushTransport.h"

#include <QByteArray>
#include <QByteArrayView>

namespace vestnik {

/// The value of the first header called `name`, compared without case (HTTP/2 names are lower case, an
/// HTTP/1.1 transport may keep the server's spelling); a null QByteArray when there is none, an empty
/// non-null one for a header that is present but empty.
QByteArray headerValue(const HttpHeaders &headers, QByteArrayView name);

} // namespace vestnik
