#pragma once

#include "store/Database.h"

#include <QHash>
#include <QProcess>
#include <QString>

namespace vestnik::test {

/// The connection settings `scripts/services` wrote for this test run ($VESTNIK_SERVICES_ENV), or an
/// empty map when the file is missing. Integration tests fail, not skip, when what they need is absent.
QHash<QString, QString> serviceEnvironment();

/// A reason the service is unusable, or an empty string. `service` is "postgres" or "kafka".
QString missingService(const QString &service);

/// Settings for the PostgreSQL test cluster.
DatabaseSettings postgresSettings();

/// Creates an empty database `name` in the test cluster (for a test whose processes must not meet another run's
/// data); the settings to reach it.
Result<DatabaseSettings> createPostgresDatabase(const QString &name);

/// Kafka bootstrap servers of the test broker.
QString kafkaBrokers();

/// Makes the child `process` will start receive SIGKILL when the test process dies. A test that crashes or
/// is stopped by its watchdog must not leave workers or simulators behind: they would hold CTest's output
/// pipe open and the run would wait for them until the test's timeout.
void dieWithTest(QProcess &process);

} // namespace vestnik::test
