#pragma once

#include "util/Result.h"

#include <QHash>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace vestnik {

/// One key the configuration understands: its type, default and limits. Keys are `section.name`;
/// the file spells them as `[section]` + `name = value`, the environment as `VESTNIK_SECTION_NAME`.
struct ConfigKey {
    enum class Type { String, Integer, Boolean, Choice, Path };

    QString key;
    Type type = Type::String;
    QString defaultValue;
    QString description;
    QStringList choices;   ///< for Choice
    qint64 minimum = 0;    ///< for Integer
    qint64 maximum = 0;    ///< for Integer
    bool isSecret = false; ///< never printed; registered with the log redactor

    /// The environment variable that overrides this key, e.g. VESTNIK_DATABASE_DRIVER.
    QString environmentName() const;
};

/// Validated settings of a Vestnik process: built-in defaults, then an INI file, then `VESTNIK_*`
/// environment variables. Every problem is reported with the key, where the value came from and what
/// is wrong, all at once, so one start fixes them all.
class Config final
{
public:
    /// The keys this build knows, in the order `--help` and the sample file show them.
    static const QList<ConfigKey> &schema();

    /// Loads defaults, the file (if `path` is not empty) and the environment, then validates.
    static Result<Config> load(const QString &path, const QProcessEnvironment &environment);
    /// Parses INI text (for tests and `load`); `origin` names the source in messages.
    static Result<Config> fromIni(const QString &text, const QString &origin, const QProcessEnvironment &environment);

    QString string(const QString &key) const;
    qint64 integer(const QString &key) const;
    bool boolean(const QString &key) const;
    /// Where a key's value came from: "default", "<file>:<line>" or the environment variable's name.
    QString origin(const QString &key) const;
    /// The values of all keys marked secret that are set (for the log redactor).
    QStringList secretValues() const;

    /// Sets a value programmatically (already validated by the caller), e.g. from a command-line flag.
    Result<void> set(const QString &key, const QString &value, const QString &origin);

private:
    struct Value {
        QString text;
        QString origin;
    };
    Result<void> validate() const;

    QHash<QString, Value> m_values;
};

} // namespace vestnik
