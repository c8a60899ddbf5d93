#include "TemplateFixtures.h"

#include <QFile>
#include <QJsonDocument>

namespace vestnik::test {

QJsonObject templateFixtureJson(const char *name)
{
    QFile file(QStringLiteral(VESTNIK_TEST_DATA_DIR "/") + QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read fixture %s", name);
    return QJsonDocument::fromJson(file.readAll()).object();
}

PushTemplate templateFixture(const char *name)
{
    Result<PushTemplate> parsed = PushTemplate::fromJson(templateFixtureJson(name));
    if (!parsed)
        qFatal("fixture %s is not a template: %s", name, qPrintable(parsed.error().message));
    return *parsed;
}

} // namespace vestnik::test
