#include "VersionHistoryPanel.h"

#include "ErrorText.h"
#include "TextDiff.h"
#include "api/ApiClient.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace vestnik {

namespace {

void appendText(QStringList &lines, const QString &label, const QString &text)
{
    if (text.isEmpty())
        return;
    const QStringList parts = text.split(QLatin1Char('\n'));
    lines << label + QStringLiteral(": ") + parts.first();
    const QString indent(label.size() + 2, QLatin1Char(' '));
    for (qsizetype i = 1; i < parts.size(); ++i)
        lines << indent + parts.at(i);
}

void appendContent(QStringList &lines, const QJsonObject &content)
{
    for (const char *key : {"title", "body", "image_url", "deep_link"})
        appendText(lines, QLatin1String(key), content.value(QLatin1String(key)).toString());
    int number = 0;
    for (const QJsonValue &value : content.value(QStringLiteral("buttons")).toArray()) {
        const QJsonObject button = value.toObject();
        lines << QStringLiteral("button %1: %2 [%3] -> %4")
                     .arg(++number)
                     .arg(button.value(QStringLiteral("label")).toString(),
                          button.value(QStringLiteral("id")).toString(),
                          button.value(QStringLiteral("link")).toString());
    }
    const QJsonObject data = content.value(QStringLiteral("data")).toObject();
    for (auto it = data.begin(); it != data.end(); ++it)
        appendText(lines, QStringLiteral("data.") + it.key(), it.value().toString());
}

QString optionText(const QJsonValue &value)
{
    return value.isDouble() ? QString::number(value.toInteger()) : value.toString();
}

} // namespace

VersionHistoryPanel::VersionHistoryPanel(ApiClient &api, QWidget *parent) : QWidget(parent), m_api(api)
{
    setObjectName(QStringLiteral("versionHistoryPanel"));
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("versionList"));
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_diff = new QTextBrowser(this);
    m_diff->setObjectName(QStringLiteral("versionDiffView"));
    auto *hint = new QLabel(tr("Choose a version to see what it changed, or two versions to compare them."), this);
    hint->setWordWrap(true);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_list);
    splitter->addWidget(m_diff);
    splitter->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(splitter, 1);
    connect(m_list, &QListWidget::itemSelectionChanged, this, &VersionHistoryPanel::selectionChanged);
}

void VersionHistoryPanel::showTemplate(const QString &templateId, const QJsonArray &versions)
{
    if (templateId != m_templateId)
        m_contents.clear();
    m_templateId = templateId;
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    for (qsizetype i = versions.size() - 1; i >= 0; --i) {
        const QJsonObject version = versions.at(i).toObject();
        const int number = version.value(QStringLiteral("version")).toInt();
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(version.value(QStringLiteral("created_at")).toInteger());
        auto *item = new QListWidgetItem(tr("Version %1 — %2, %3")
                                             .arg(number)
                                             .arg(version.value(QStringLiteral("created_by")).toString(),
                                                  QLocale().toString(at.toLocalTime(), QLocale::ShortFormat)),
                                         m_list);
        item->setData(Qt::UserRole, number);
    }
    if (m_list->count() > 0)
        m_list->item(0)->setSelected(true);
    selectionChanged();
}

void VersionHistoryPanel::clear()
{
    m_templateId.clear();
    m_contents.clear();
    m_list->clear();
    m_diff->clear();
    m_from = m_to = 0;
}

void VersionHistoryPanel::selectionChanged()
{
    QList<int> chosen;
    for (const QListWidgetItem *item : m_list->selectedItems())
        chosen << item->data(Qt::UserRole).toInt();
    std::sort(chosen.begin(), chosen.end());
    if (chosen.isEmpty()) {
        m_from = m_to = 0;
        m_diff->clear();
        return;
    }
    m_to = chosen.last();
    m_from = chosen.size() > 1 ? chosen.first() : m_to - 1;
    for (const int version : {m_from, m_to}) {
        if (version > 0 && !m_contents.contains(version))
            fetch(version);
    }
    showDiff();
}

void VersionHistoryPanel::fetch(int version)
{
    const QString id = m_templateId;
    m_api.get(QStringLiteral("/v1/templates/%1/versions/%2").arg(ApiClient::segment(id)).arg(version), this,
              [this, id, version](const ApiAnswer &answer) {
                  if (id != m_templateId)
                      return;
                  if (!answer.isOk()) {
                      if (answer.failure != ApiFailure::Cancelled)
                          Q_EMIT failed(ErrorText::describe(answer, tr("Loading version %1").arg(version)));
                      return;
                  }
                  m_contents.insert(version, answer.object().value(QStringLiteral("content")).toObject());
                  showDiff();
              });
}

void VersionHistoryPanel::showDiff()
{
    if (m_to == 0 || (m_from > 0 && !m_contents.contains(m_from)) || !m_contents.contains(m_to)) {
        m_diff->setPlainText(tr("Loading…"));
        return;
    }
    const QString before = m_from > 0 ? readableText(m_contents.value(m_from)) : QString();
    const QList<TextDiff::Line> lines = TextDiff::compare(before, readableText(m_contents.value(m_to)));
    const int added = TextDiff::countOf(lines, TextDiff::Line::Kind::Added);
    const int removed = TextDiff::countOf(lines, TextDiff::Line::Kind::Removed);
    QString html = QStringLiteral("<p><b>%1</b><br>%2, %3</p><pre style=\"margin:0\">")
                       .arg(m_from > 0 ? tr("Version %1 → version %2").arg(m_from).arg(m_to)
                                       : tr("Version %1 (the first)").arg(m_to),
                            tr("%n line(s) added", nullptr, added), tr("%n line(s) removed", nullptr, removed));
    for (const TextDiff::Line &line : lines) {
        const QString text = line.text.toHtmlEscaped();
        switch (line.kind) {
        case TextDiff::Line::Kind::Same: html += QStringLiteral("  %1\n").arg(text); break;
        case TextDiff::Line::Kind::Added:
            html += QStringLiteral("<span style=\"background-color:#d4f7d4;color:#1b5e20\">+ %1</span>\n").arg(text);
            break;
        case TextDiff::Line::Kind::Removed:
            html += QStringLiteral("<span style=\"background-color:#fbd5d5;color:#b71c1c\">- %1</span>\n").arg(text);
            break;
        }
    }
    html += QStringLiteral("</pre>");
    m_diff->setHtml(html);
}

QString VersionHistoryPanel::readableText(const QJsonObject &content)
{
    QStringList lines;
    appendText(lines, QStringLiteral("name"), content.value(QStringLiteral("name")).toString());
    const QString defaultLocale = content.value(QStringLiteral("default_locale")).toString(QStringLiteral("ru"));
    lines << QStringLiteral("[%1]").arg(defaultLocale);
    appendContent(lines, content);
    const QJsonObject variants = content.value(QStringLiteral("variants")).toObject();
    for (auto it = variants.begin(); it != variants.end(); ++it) {
        lines << QStringLiteral("[%1]").arg(it.key());
        appendContent(lines, it.value().toObject());
    }
    QStringList options;
    for (const char *key : {"priority", "ttl_seconds", "collapse_key"}) {
        const QJsonValue value = content.value(QLatin1String(key));
        if (!value.isUndefined() && !value.isNull())
            options << QStringLiteral("%1: %2").arg(QLatin1String(key), optionText(value));
    }
    for (const char *group : {"android", "apns"}) {
        const QJsonObject platform = content.value(QLatin1String(group)).toObject();
        for (auto it = platform.begin(); it != platform.end(); ++it)
            options << QStringLiteral("%1.%2: %3").arg(QLatin1String(group), it.key(), optionText(it.value()));
    }
    if (!options.isEmpty())
        lines << QStringLiteral("[options]") << options;
    return lines.join(QLatin1Char('\n'));
}

} // namespace vestnik
