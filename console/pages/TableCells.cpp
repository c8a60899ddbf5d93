#include "TableCells.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLocale>
#include <QTableWidget>

namespace vestnik {

QTableWidget *makeTable(QWidget *parent, const QString &objectName, const QStringList &columns)
{
    auto *table = new QTableWidget(0, static_cast<int>(columns.size()), parent);
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(columns);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table->setWordWrap(false);
    return table;
}

int appendRow(QTableWidget *table, const QStringList &cells)
{
    const int row = table->rowCount();
    table->insertRow(row);
    for (int column = 0; column < cells.size() && column < table->columnCount(); ++column) {
        auto *item = new QTableWidgetItem(cells.at(column));
        item->setToolTip(cells.at(column));
        table->setItem(row, column, item);
    }
    if (row == 0)
        table->resizeColumnsToContents();
    return row;
}

void dimRow(QTableWidget *table, int row)
{
    const QBrush dimmed = table->palette().brush(QPalette::Disabled, QPalette::Text);
    for (int column = 0; column < table->columnCount(); ++column)
        if (QTableWidgetItem *item = table->item(row, column))
            item->setForeground(dimmed);
}

QString formatTime(const QJsonValue &millisecondsSinceEpoch)
{
    if (millisecondsSinceEpoch.isNull() || millisecondsSinceEpoch.isUndefined())
        return QStringLiteral("—");
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(millisecondsSinceEpoch.toInteger());
    return QLocale().toString(at.toLocalTime(), QLocale::ShortFormat);
}

QString StatusNames::status(const QString &name)
{
    static const QHash<QString, const char *> names{
        {QStringLiteral("queued"), QT_TR_NOOP("queued")},
        {QStringLiteral("sending"), QT_TR_NOOP("sending")},
        {QStringLiteral("sent"), QT_TR_NOOP("sent")},
        {QStringLiteral("retry_scheduled"), QT_TR_NOOP("retry scheduled")},
        {QStringLiteral("delivered"), QT_TR_NOOP("delivered")},
        {QStringLiteral("opened"), QT_TR_NOOP("opened")},
        {QStringLiteral("clicked"), QT_TR_NOOP("clicked")},
        {QStringLiteral("converted"), QT_TR_NOOP("converted")},
        {QStringLiteral("failed"), QT_TR_NOOP("failed")},
        {QStringLiteral("invalid_token"), QT_TR_NOOP("invalid token")},
        {QStringLiteral("dismissed"), QT_TR_NOOP("dismissed")},
    };
    const auto found = names.constFind(name);
    return found == names.constEnd() ? name : tr(found.value());
}

QString StatusNames::deactivation(const QString &reason)
{
    if (reason == QStringLiteral("unregistered"))
        return tr("unregistered by the app");
    // Anything else is the provider's own reason for refusing the token (FCM UNREGISTERED, APNs Unregistered...).
    return reason.isEmpty() ? tr("no reason recorded") : tr("the provider refused the token (%1)").arg(reason);
}

} // namespace vestnik
