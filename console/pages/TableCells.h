#pragma once

#include <QCoreApplication>
#include <QJsonValue>
#include <QString>
#include <QStringList>

class QTableWidget;
class QWidget;

namespace vestnik {

/// A read-only table of whole rows with these column titles, named `objectName`.
QTableWidget *makeTable(QWidget *parent, const QString &objectName, const QStringList &columns);
/// Appends a row of texts; returns its index.
int appendRow(QTableWidget *table, const QStringList &cells);
/// Greys a row out (a deactivated device, a disabled rule).
void dimRow(QTableWidget *table, int row);
/// A time the API sends as milliseconds since the epoch, in the user's local time; "—" for null.
QString formatTime(const QJsonValue &millisecondsSinceEpoch);

/// The words people read for the API's machine names of delivery statuses and deactivation reasons.
class StatusNames final
{
    Q_DECLARE_TR_FUNCTIONS(StatusNames)

public:
    static QString status(const QString &name);
    static QString deactivation(const QString &reason);
};

inline QString statusText(const QString &name)
{
    return StatusNames::status(name);
}

inline QString deactivationText(const QString &reason)
{
    return StatusNames::deactivation(reason);
}

} // namespace vestnik
