#include "DashboardPage.h"

#include "api/ApiClient.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHorizontalBarSeries>
#include <QJsonArray>
#include <QLabel>
#include <QLineSeries>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

namespace vestnik {

namespace {

constexpr int kDefaultPollMs = 5000;
/// The metrics drawn per minute, with their colours (the failure classes in reds).
struct SeriesSpec {
    const char *metric;
    QColor colour;
};
const SeriesSpec kSeries[] = {
    {"sent", QColor(0x3d, 0x8b, 0xfd)},
    {"delivered", QColor(0x2e, 0xa0, 0x43)},
    {"opened", QColor(0xf0, 0xa2, 0x02)},
    {"clicked", QColor(0x8e, 0x44, 0xad)},
    {"failed_invalid_token", QColor(0xe0, 0x6c, 0x75)},
    {"failed_permanent", QColor(0xc6, 0x28, 0x28)},
    {"failed_credentials", QColor(0x7f, 0x00, 0x00)},
};
const char *const kFunnel[] = {"sent", "delivered", "opened", "clicked", "converted"};

} // namespace

DashboardPage::DashboardPage(ApiClient &api, QWidget *parent) : Page(api, parent), m_pollTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("dashboardPage"));
    m_scopeCombo = new QComboBox(this);
    m_scopeCombo->setObjectName(QStringLiteral("statsScopeCombo"));
    m_scopeCombo->addItem(tr("All pushes"), QString());
    m_scopeCombo->setMinimumContentsLength(24);
    m_rangeCombo = new QComboBox(this);
    m_rangeCombo->setObjectName(QStringLiteral("statsRangeCombo"));
    m_rangeCombo->addItem(tr("Last hour"), 60);
    m_rangeCombo->addItem(tr("Last 6 hours"), 360);
    m_rangeCombo->addItem(tr("Last 24 hours"), 1440);
    m_updatedLabel = new QLabel(this);
    m_updatedLabel->setObjectName(QStringLiteral("statsUpdatedLabel"));
    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Show:"), this));
    filters->addWidget(m_scopeCombo);
    filters->addWidget(m_rangeCombo);
    filters->addStretch();
    filters->addWidget(m_updatedLabel);

    auto *counters = new QGridLayout;
    const QList<QPair<QString, QString>> captions{
        {QStringLiteral("sent"), tr("Sent")},           {QStringLiteral("delivered"), tr("Delivered")},
        {QStringLiteral("opened"), tr("Opened")},       {QStringLiteral("clicked"), tr("Clicked")},
        {QStringLiteral("converted"), tr("Converted")}, {QStringLiteral("failed"), tr("Failed")},
        {QStringLiteral("retry"), tr("Retries")},       {QStringLiteral("queued"), tr("Queued")}};
    for (int index = 0; index < captions.size(); ++index) {
        auto *card = new QFrame(this);
        card->setFrameShape(QFrame::StyledPanel);
        auto *cardLayout = new QVBoxLayout(card);
        QLabel *value = addCounter(captions.at(index).first, captions.at(index).second, card);
        cardLayout->addWidget(value);
        auto *caption = new QLabel(captions.at(index).second, card);
        cardLayout->addWidget(caption);
        counters->addWidget(card, index / 4, index % 4);
    }

    auto *chart = new QChart;
    chart->setTitle(tr("Per minute"));
    chart->legend()->setAlignment(Qt::AlignBottom);
    const QHash<QString, QString> seriesNames{{QStringLiteral("sent"), tr("sent")},
                                              {QStringLiteral("delivered"), tr("delivered")},
                                              {QStringLiteral("opened"), tr("opened")},
                                              {QStringLiteral("clicked"), tr("clicked")},
                                              {QStringLiteral("failed_invalid_token"), tr("failed: invalid token")},
                                              {QStringLiteral("failed_permanent"), tr("failed: permanent")},
                                              {QStringLiteral("failed_credentials"), tr("failed: credentials")}};
    m_timeAxis = new QDateTimeAxis(chart);
    m_timeAxis->setFormat(QStringLiteral("HH:mm"));
    m_countAxis = new QValueAxis(chart);
    m_countAxis->setLabelFormat(QStringLiteral("%d"));
    m_countAxis->setMin(0);
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_countAxis, Qt::AlignLeft);
    for (const SeriesSpec &spec : kSeries) {
        const QString metric = QString::fromLatin1(spec.metric);
        auto *series = new QLineSeries(chart);
        series->setName(seriesNames.value(metric));
        series->setColor(spec.colour);
        chart->addSeries(series);
        series->attachAxis(m_timeAxis);
        series->attachAxis(m_countAxis);
        m_series.insert(metric, series);
    }
    m_seriesView = new QChartView(chart, this);
    m_seriesView->setObjectName(QStringLiteral("statsChartView"));
    m_seriesView->setRenderHint(QPainter::Antialiasing);
    m_seriesView->setMinimumHeight(260);

    auto *funnel = new QChart;
    funnel->setTitle(tr("Delivery funnel"));
    funnel->legend()->hide();
    m_funnelSet = new QBarSet(tr("pushes"), funnel);
    auto *bars = new QHorizontalBarSeries(funnel);
    bars->append(m_funnelSet);
    bars->setLabelsVisible(true);
    funnel->addSeries(bars);
    auto *stages = new QBarCategoryAxis(funnel);
    stages->append({tr("sent"), tr("delivered"), tr("opened"), tr("clicked"), tr("converted")});
    m_funnelAxis = new QValueAxis(funnel);
    m_funnelAxis->setLabelFormat(QStringLiteral("%d"));
    funnel->addAxis(stages, Qt::AlignLeft);
    funnel->addAxis(m_funnelAxis, Qt::AlignBottom);
    bars->attachAxis(stages);
    bars->attachAxis(m_funnelAxis);
    for (int stage = 0; stage < 5; ++stage)
        m_funnelSet->append(0);
    m_funnelView = new QChartView(funnel, this);
    m_funnelView->setObjectName(QStringLiteral("funnelChartView"));
    m_funnelView->setRenderHint(QPainter::Antialiasing);
    m_funnelView->setMinimumHeight(200);

    m_funnelRatesLabel = new QLabel(this);
    m_funnelRatesLabel->setObjectName(QStringLiteral("funnelRatesLabel"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addLayout(counters);
    layout->addWidget(m_seriesView, 3);
    layout->addWidget(m_funnelView, 2);
    layout->addWidget(m_funnelRatesLabel);

    m_pollTimer->setInterval(kDefaultPollMs);
    connect(m_pollTimer, &QTimer::timeout, this, &DashboardPage::poll);
    connect(m_scopeCombo, &QComboBox::currentIndexChanged, this, &DashboardPage::poll);
    connect(m_rangeCombo, &QComboBox::currentIndexChanged, this, &DashboardPage::poll);
}

DashboardPage::~DashboardPage() = default;

QString DashboardPage::title() const
{
    return tr("Dashboard");
}

QLabel *DashboardPage::addCounter(const QString &metric, const QString &caption, QWidget *parent)
{
    auto *label = new QLabel(QStringLiteral("—"), parent);
    label->setObjectName(metric + QStringLiteral("CountLabel"));
    label->setAccessibleName(caption);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.8);
    font.setBold(true);
    label->setFont(font);
    m_counterLabels.insert(metric, label);
    return label;
}

void DashboardPage::setPollInterval(int milliseconds)
{
    m_pollTimer->setInterval(milliseconds);
}

qint64 DashboardPage::counter(const QString &metric) const
{
    return m_totals.isEmpty() ? -1 : m_totals.value(metric).toInteger();
}

void DashboardPage::activate()
{
    m_active = true;
    loadScopes();
    poll();
    m_pollTimer->start();
}

void DashboardPage::deactivate()
{
    m_active = false;
    m_pollTimer->stop();
}

void DashboardPage::loadScopes()
{
    const auto fill = [this](const QString &prefix, const QString &caption, const QJsonArray &entries,
                             const QString &nameKey) {
        for (const QJsonValue &entry : entries) {
            const QJsonObject object = entry.toObject();
            const QString id = object.value(QStringLiteral("id")).toVariant().toString();
            const QString key = prefix + id;
            if (m_scopeCombo->findData(key) >= 0)
                continue;
            const QString name = object.value(nameKey).toString();
            m_scopeCombo->addItem(caption.arg(name.isEmpty() ? id : name), key);
        }
    };
    api().get(QStringLiteral("/v1/templates"), this, [this, fill](const ApiAnswer &answer) {
        if (answer.isOk())
            fill(QStringLiteral("template:"), tr("Template: %1"), answer.array(QStringLiteral("templates")),
                 QStringLiteral("name"));
    });
    api().get(QStringLiteral("/v1/trigger-rules"), this, [this, fill](const ApiAnswer &answer) {
        if (answer.isOk())
            fill(QStringLiteral("rule:"), tr("Trigger rule: %1"), answer.array(QStringLiteral("rules")),
                 QStringLiteral("name"));
    });
}

void DashboardPage::poll()
{
    // One poll at a time: a slow worker gets no pile of calls from the console.
    if (m_polling || !m_active)
        return;
    m_polling = true;
    const qint64 minutes = m_rangeCombo->currentData().toInt();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 to = (now / 60'000 + 1) * 60'000;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("from"), QString::number(to - minutes * 60'000));
    query.addQueryItem(QStringLiteral("to"), QString::number(to));
    const QString scope = m_scopeCombo->currentData().toString();
    if (scope.startsWith(QStringLiteral("template:")))
        query.addQueryItem(QStringLiteral("template_id"), scope.mid(9));
    else if (scope.startsWith(QStringLiteral("rule:")))
        query.addQueryItem(QStringLiteral("rule_id"), scope.mid(5));
    api().get(
        QStringLiteral("/v1/stats"), this,
        [this](const ApiAnswer &answer) {
            m_polling = false;
            if (!answer.isOk()) {
                m_updatedLabel->setText(tr("not updated"));
                reportFailure(answer, tr("Loading the statistics"));
                return;
            }
            showStats(answer.object());
        },
        query);
}

void DashboardPage::showStats(const QJsonObject &stats)
{
    m_totals = stats.value(QStringLiteral("totals")).toObject();
    for (auto it = m_counterLabels.begin(); it != m_counterLabels.end(); ++it)
        it.value()->setText(QLocale().toString(m_totals.value(it.key()).toInteger()));

    QHash<QString, QList<QPointF>> points;
    qint64 peak = 1;
    const QJsonArray series = stats.value(QStringLiteral("series")).toArray();
    for (const QJsonValue &entry : series) {
        const QJsonObject minute = entry.toObject();
        const auto at = static_cast<qreal>(minute.value(QStringLiteral("minute")).toInteger());
        for (const SeriesSpec &spec : kSeries) {
            const QString metric = QString::fromLatin1(spec.metric);
            const qint64 count = minute.value(metric).toInteger();
            peak = qMax(peak, count);
            points[metric].append(QPointF(at, static_cast<qreal>(count)));
        }
    }
    for (auto it = m_series.begin(); it != m_series.end(); ++it)
        it.value()->replace(points.value(it.key()));
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(stats.value(QStringLiteral("from")).toInteger()),
                         QDateTime::fromMSecsSinceEpoch(stats.value(QStringLiteral("to")).toInteger()));
    m_countAxis->setRange(0, static_cast<qreal>(peak) * 1.1);

    qint64 widest = 1;
    for (int stage = 0; stage < 5; ++stage) {
        const qint64 count = m_totals.value(QString::fromLatin1(kFunnel[stage])).toInteger();
        widest = qMax(widest, count);
        m_funnelSet->replace(stage, static_cast<qreal>(count));
    }
    m_funnelAxis->setRange(0, static_cast<qreal>(widest) * 1.15);
    // Each stage as a share of the one before it: where the pushes are lost.
    const auto rate = [this](const char *part, const char *whole) -> QString {
        const qint64 base = m_totals.value(QString::fromLatin1(whole)).toInteger();
        if (base == 0)
            return QStringLiteral("—");
        const double share = 100.0 * double(m_totals.value(QString::fromLatin1(part)).toInteger()) / double(base);
        return QLocale().toString(share, 'f', 1) + QStringLiteral(" %");
    };
    m_funnelRatesLabel->setText(tr("Delivered: %1 of sent · opened: %2 of delivered · clicked: %3 of opened · "
                                   "converted: %4 of clicked")
                                    .arg(rate("delivered", "sent"), rate("opened", "delivered"),
                                         rate("clicked", "opened"), rate("converted", "clicked")));
    m_updatedLabel->setText(tr("updated %1").arg(QLocale().toString(QTime::currentTime(), QLocale::ShortFormat)));
}

} // namespace vestnik
