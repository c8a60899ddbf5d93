#pragma once

#include "template/PushTemplate.h"

#include <QJsonObject>

namespace vestnik::test {

/// A template fixture from tests/unit/template/data. Fixtures with escaped quotes live in files: Qt 6.4's moc
/// cannot tokenize raw string literals that contain them.
QJsonObject templateFixtureJson(const char *name);
PushTemplate templateFixture(const char *name);

} // namespace vestnik::test
