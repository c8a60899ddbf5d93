#pragma once

#include "Page.h"

#include <QHash>
#include <QJsonObject>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QLineSeries;
class QTimer;
class QBarSet;
class QBarCategoryAxis;
class QDateTimeAxis;
class QValueAxis;

namespace vestnik {

/// Live statistics: counters for the chosen period, per-minute time series of sent, failed (by class),
/// delivered, opened and clicked pushes, and the delivery funnel; overall or for one template or trigger
/// rule. It polls the worker's per-minute aggregates (GET /v1/stats) every few seconds while it is shown,
/// one call at a time, and stops when another page is chosen.
class DashboardPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardPage)

public:
    explicit DashboardPage(ApiClient &api, QWidget *parent = nullptr);
    ~DashboardPage() override;

    QString title() const override;
    void activate() override;
    void deactivate() override;

    /// The poll interval (default 5 s).
    void setPollInterval(int milliseconds);
    /// The value a counter shows, by metric name ("sent", "failed", "delivered", ...); -1 before the first answer.
    qint64 counter(const QString &metric) const;

private:
    void poll();
    void showStats(const QJsonObject &stats);
    void loadScopes();
    QLabel *addCounter(const QString &metric, const QString &caption, QWidget *parent);

    QComboBox *m_scopeCombo = nullptr;
    QComboBox *m_rangeCombo = nullptr;
    QLabel *m_updatedLabel = nullptr;
    QHash<QString, QLabel *> m_counterLabels;
    QJsonObject m_totals;
    QChartView *m_seriesView = nullptr;
    QHash<QString, QLineSeries *> m_series;
    QDateTimeAxis *m_timeAxis = nullptr;
    QValueAxis *m_countAxis = nullptr;
    QChartView *m_funnelView = nullptr;
    QLabel *m_funnelRatesLabel = nullptr;
    QBarSet *m_funnelSet = nullptr;
    QValueAxis *m_funnelAxis = nullptr;
    QTimer *m_pollTimer = nullptr;
    bool m_polling = false;
    bool m_active = false;
};

} // namespace vestnik
