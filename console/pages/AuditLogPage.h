#pragma once

#include "Page.h"

#include <QUrlQuery>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QJsonArray;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace vestnik {

/// The audit log: who did what when, to what, from where (administrators only). Newest first, a page at a
/// time; filters by actor, action, target and time go to the worker, which applies them before paging.
class AuditLogPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditLogPage)

public:
    explicit AuditLogPage(ApiClient &api, QWidget *parent = nullptr);

    QString title() const override;
    bool isVisibleTo(const QString &role) const override;
    /// Loads the first page with the filters as they are.
    void activate() override;

private:
    QUrlQuery filterQuery() const;
    void load(const QString &after);
    void append(const QJsonArray &entries);
    void updateCount();

    QLineEdit *m_actorEdit = nullptr;
    QComboBox *m_actionCombo = nullptr;
    QLineEdit *m_targetEdit = nullptr;
    QCheckBox *m_fromCheck = nullptr;
    QDateTimeEdit *m_fromEdit = nullptr;
    QCheckBox *m_toCheck = nullptr;
    QDateTimeEdit *m_toEdit = nullptr;
    QPushButton *m_refreshButton = nullptr;
    QTableWidget *m_table = nullptr;
    QPushButton *m_moreButton = nullptr;
    QLabel *m_countLabel = nullptr;
    QString m_next;            ///< the worker's cursor for the next older page; empty on the last page
    QUrlQuery m_loadedFilters; ///< the filters of the rows shown: "More" continues with these
    quint64 m_loadGeneration = 0;
};

} // namespace vestnik
