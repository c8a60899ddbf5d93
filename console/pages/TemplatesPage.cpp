#include "TemplatesPage.h"

#include "ErrorText.h"
#include "api/ApiClient.h"
#include "templates/PreviewPanel.h"
#include "templates/TemplateEditor.h"
#include "templates/TestSendDialog.h"
#include "templates/VersionHistoryPanel.h"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace vestnik {

namespace {

constexpr int kIdRole = Qt::UserRole;
constexpr int kSearchRole = Qt::UserRole + 1;
/// The id in the preview's path while a new template has none yet (a draft needs no stored template).
const QString kUnnamedDraft = QStringLiteral("draft");

bool isRussian()
{
    return QLocale().language() == QLocale::Russian;
}

} // namespace

TemplatesPage::TemplatesPage(ApiClient &api, QWidget *parent) : Page(api, parent)
{
    setObjectName(QStringLiteral("templatesPage"));

    m_editor = new TemplateEditor(this);
    m_save = new QPushButton(tr("&Save"), this);
    m_save->setObjectName(QStringLiteral("saveButton"));
    m_save->setShortcut(QKeySequence::Save);
    m_save->setToolTip(tr("Save as a new version (%1)").arg(QKeySequence(QKeySequence::Save).toString()));
    m_sendTest = new QPushButton(tr("Send &test to user…"), this);
    m_sendTest->setObjectName(QStringLiteral("sendTestButton"));
    m_archive = new QPushButton(tr("&Archive…"), this);
    m_archive->setObjectName(QStringLiteral("archiveTemplateButton"));
    m_archive->setToolTip(tr("Remove the template from the list; its versions stay for the deliveries that name "
                             "them, and saving it again continues its numbering."));
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("templateStateLabel"));
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("templateErrorLabel"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setStyleSheet(QStringLiteral("color: #d32f2f;"));
    m_error->hide();

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_state, 1);
    actions->addWidget(m_archive);
    actions->addWidget(m_sendTest);
    actions->addWidget(m_save);
    auto *center = new QWidget(this);
    auto *centerLayout = new QVBoxLayout(center);
    centerLayout->setContentsMargins(0, 0, 0, 0);
    centerLayout->addWidget(m_editor, 1);
    centerLayout->addWidget(m_error);
    centerLayout->addLayout(actions);

    m_preview = new PreviewPanel(this);
    m_history = new VersionHistoryPanel(api, this);
    m_sideTabs = new QTabWidget(this);
    m_sideTabs->setObjectName(QStringLiteral("studioTabs"));
    m_sideTabs->addTab(m_preview, tr("Preview"));
    m_sideTabs->addTab(m_history, tr("History"));

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("templatesSplitter"));
    splitter->addWidget(buildListPanel());
    splitter->addWidget(center);
    splitter->addWidget(m_sideTabs);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    m_previewTimer = new QTimer(this);
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(kPreviewDelayMs);
    connect(m_previewTimer, &QTimer::timeout, this, &TemplatesPage::requestPreview);
    connect(m_editor, &TemplateEditor::changed, this, &TemplatesPage::draftChanged);
    connect(m_editor, &TemplateEditor::currentLocaleChanged, m_previewTimer, qOverload<>(&QTimer::start));
    connect(m_preview, &PreviewPanel::sampleChanged, m_previewTimer, qOverload<>(&QTimer::start));
    connect(m_history, &VersionHistoryPanel::failed, this, &Page::failed);
    connect(m_save, &QPushButton::clicked, this, &TemplatesPage::save);
    connect(m_sendTest, &QPushButton::clicked, this, &TemplatesPage::sendTest);
    connect(m_archive, &QPushButton::clicked, this, &TemplatesPage::archive);
    startNewTemplate();
}

QWidget *TemplatesPage::buildListPanel()
{
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("templateSearchEdit"));
    m_search->setPlaceholderText(tr("Search templates"));
    m_search->setClearButtonEnabled(true);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("templateList"));
    m_new = new QPushButton(tr("&New template"), this);
    m_new->setObjectName(QStringLiteral("newTemplateButton"));
    connect(m_search, &QLineEdit::textChanged, this, &TemplatesPage::filterList);
    connect(m_new, &QPushButton::clicked, this, [this] { unlessUnsaved([this] { startNewTemplate(); }); });
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (!item || item->data(kIdRole).toString() == m_editor->templateId())
            return;
        const QString id = item->data(kIdRole).toString();
        unlessUnsaved([this, id] { openTemplate(id); });
    });
    auto *panel = new QWidget(this);
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_new);
    return panel;
}

QString TemplatesPage::title() const
{
    return tr("Templates");
}

bool TemplatesPage::isVisibleTo(const QString &role) const
{
    return !role.isEmpty();
}

void TemplatesPage::activate()
{
    applyRole();
    loadList();
    loadKnownVariables();
}

void TemplatesPage::deactivate()
{
    m_previewTimer->stop();
}

void TemplatesPage::applyRole()
{
    // Analysts read templates; the worker refuses their changes anyway, the console does not offer them.
    const QString role = api().role();
    const bool mayEdit = role == QStringLiteral("admin") || role == QStringLiteral("marketer");
    m_editor->setReadOnly(!mayEdit);
    m_save->setEnabled(mayEdit);
    m_new->setEnabled(mayEdit);
    m_sendTest->setEnabled(mayEdit);
    m_save->setVisible(mayEdit);
    m_sendTest->setVisible(mayEdit);
    m_archive->setVisible(mayEdit);
    m_archive->setEnabled(mayEdit && m_savedVersion > 0);
}

void TemplatesPage::loadList()
{
    api().get(QStringLiteral("/v1/templates"), this, [this](const ApiAnswer &answer) {
        if (!answer.isOk()) {
            reportFailure(answer, tr("Loading the templates"));
            return;
        }
        const QString current = m_editor->templateId();
        const QSignalBlocker blocker(m_list);
        m_list->clear();
        for (const QJsonValue &value : answer.array(QStringLiteral("templates"))) {
            const QJsonObject t = value.toObject();
            const QString id = t.value(QStringLiteral("id")).toString();
            const QString name = t.value(QStringLiteral("name")).toString();
            auto *item = new QListWidgetItem(
                tr("%1 (v%2)").arg(name.isEmpty() ? id : name).arg(t.value(QStringLiteral("latest_version")).toInt()),
                m_list);
            item->setToolTip(id);
            item->setData(kIdRole, id);
            item->setData(kSearchRole, QString(name + QLatin1Char(' ') + id).toCaseFolded());
            if (id == current)
                m_list->setCurrentItem(item);
        }
        filterList();
    });
}

void TemplatesPage::loadKnownVariables()
{
    if (m_knownVariablesLoaded)
        return;
    api().get(QStringLiteral("/v1/schema/fields"), this, [this](const ApiAnswer &answer) {
        // A worker without the schema endpoint (older than the console) offers only the template's own names.
        if (answer.failure == ApiFailure::NotFound || answer.failure == ApiFailure::Forbidden) {
            m_knownVariablesLoaded = true;
            return;
        }
        if (!answer.isOk()) {
            reportFailure(answer, tr("Loading the known user attributes and event fields"));
            return;
        }
        m_knownVariablesLoaded = true;
        QStringList names;
        for (const QJsonValue &name : answer.array(QStringLiteral("user_attributes")))
            names << name.toString();
        const QJsonObject events = answer.object().value(QStringLiteral("event_fields")).toObject();
        for (auto it = events.begin(); it != events.end(); ++it) {
            for (const QJsonValue &name : it.value().toArray())
                names << name.toString();
        }
        names.removeAll(QString());
        names.removeDuplicates();
        m_knownVariables = names;
        updateVariableNames();
    });
}

void TemplatesPage::filterList()
{
    const QString needle = m_search->text().trimmed().toCaseFolded();
    for (int row = 0; row < m_list->count(); ++row) {
        QListWidgetItem *item = m_list->item(row);
        item->setHidden(!needle.isEmpty() && !item->data(kSearchRole).toString().contains(needle));
    }
}

void TemplatesPage::openTemplate(const QString &templateId)
{
    const quint64 sequence = ++m_openSequence;
    api().get(QStringLiteral("/v1/templates/") + ApiClient::segment(templateId), this,
              [this, templateId, sequence](const ApiAnswer &answer) {
                  if (sequence != m_openSequence)
                      return;
                  if (!answer.isOk()) {
                      reportFailure(answer, tr("Opening template %1").arg(templateId));
                      return;
                  }
                  const QJsonObject shown = answer.object();
                  const QJsonObject latest = shown.value(QStringLiteral("latest")).toObject();
                  m_savedVersion = latest.value(QStringLiteral("version")).toInt();
                  m_editor->load(templateId, latest.value(QStringLiteral("content")).toObject());
                  applyRole();
                  m_history->showTemplate(templateId, shown.value(QStringLiteral("versions")).toArray());
                  m_isDirty = false;
                  m_state->setText(tr("Version %1").arg(m_savedVersion));
                  setError(QString());
                  updateVariableNames();
                  requestPreview();
              });
}

void TemplatesPage::startNewTemplate()
{
    ++m_openSequence;
    m_editor->startNew();
    applyRole();
    m_history->clear();
    m_savedVersion = 0;
    m_archive->setEnabled(false);
    m_isDirty = false;
    m_state->setText(tr("New template, not saved"));
    setError(QString());
    m_preview->showPlaceholder(tr("The preview appears as you type."));
    const QSignalBlocker blocker(m_list);
    m_list->clearSelection();
    m_list->setCurrentItem(nullptr);
}

void TemplatesPage::unlessUnsaved(const std::function<void()> &action)
{
    if (!m_isDirty) {
        action();
        return;
    }
    // Asked without a nested event loop: the answer continues (or undoes the list's selection).
    auto *question =
        new QMessageBox(QMessageBox::Question, tr("Unsaved changes"),
                        m_editor->templateId().isEmpty()
                            ? tr("The new template is not saved. Discard it?")
                            : tr("The changes to “%1” are not saved. Discard them?").arg(m_editor->templateId()),
                        QMessageBox::Discard | QMessageBox::Cancel, this);
    question->setObjectName(QStringLiteral("discardChangesBox"));
    question->setAttribute(Qt::WA_DeleteOnClose);
    question->setDefaultButton(QMessageBox::Cancel);
    connect(question, &QMessageBox::finished, this, [this, action](int result) {
        if (result == QMessageBox::Discard) {
            m_isDirty = false;
            action();
            return;
        }
        const QSignalBlocker blocker(m_list);
        m_list->setCurrentItem(nullptr);
        for (int row = 0; row < m_list->count(); ++row) {
            if (m_list->item(row)->data(kIdRole).toString() == m_editor->templateId())
                m_list->setCurrentRow(row);
        }
    });
    question->open();
}

void TemplatesPage::draftChanged()
{
    m_isDirty = true;
    m_state->setText(m_savedVersion > 0 ? tr("Version %1, changed").arg(m_savedVersion)
                                        : tr("New template, not saved"));
    updateVariableNames();
    m_previewTimer->start();
}

void TemplatesPage::updateVariableNames()
{
    QStringList names = m_knownVariables;
    for (const QString &name : m_editor->usedVariables()) {
        if (!names.contains(name))
            names << name;
    }
    names.sort(Qt::CaseInsensitive);
    m_editor->setVariableNames(names);
}

void TemplatesPage::requestPreview()
{
    m_previewTimer->stop();
    if (!api().isSignedIn())
        return;
    const QString id = m_editor->templateId().isEmpty() ? kUnnamedDraft : m_editor->templateId();
    QJsonObject body{{QStringLiteral("template"), m_editor->draft()},
                     {QStringLiteral("locale"), m_editor->currentLocale()}};
    const QString user = m_preview->sampleUser();
    if (!user.isEmpty())
        body.insert(QStringLiteral("user_id"), user);
    QString variablesError;
    const std::optional<QJsonObject> variables = m_preview->sampleVariables(&variablesError);
    if (!variables) {
        ++m_previewSequence; // an answer still on its way is for other variables
        setError(variablesError);
        m_preview->showPlaceholder(tr("No preview until the sample variables are a JSON object."));
        return;
    }
    if (!variables->isEmpty())
        body.insert(QStringLiteral("variables"), *variables);
    const quint64 sequence = ++m_previewSequence;
    api().post(QStringLiteral("/v1/templates/%1/preview").arg(ApiClient::segment(id)), body, this,
               [this, sequence, user](const ApiAnswer &answer) {
                   if (sequence != m_previewSequence)
                       return;
                   if (answer.isOk()) {
                       m_editor->clearErrors();
                       setError(QString());
                       m_preview->showPreview(answer.object());
                       return;
                   }
                   if (showRefusal(answer)) {
                       m_preview->showPlaceholder(tr("The template does not compile."));
                       return;
                   }
                   if (answer.failure == ApiFailure::NotFound && !user.isEmpty()) {
                       setError(tr("There is no user “%1”: choose another sample user.").arg(user));
                       m_preview->showPlaceholder(tr("No such sample user."));
                       return;
                   }
                   if (answer.failure == ApiFailure::Invalid) {
                       setError(answer.message);
                       m_preview->showPlaceholder(tr("The template is not valid."));
                       return;
                   }
                   m_preview->showPlaceholder(tr("No preview: %1").arg(ErrorText::describe(answer)));
               });
}

bool TemplatesPage::showRefusal(const ApiAnswer &answer)
{
    if (answer.errorCode != QStringLiteral("invalid_template"))
        return false;
    const QJsonArray details =
        answer.object().value(QStringLiteral("error")).toObject().value(QStringLiteral("details")).toArray();
    m_editor->markErrors(details);
    QStringList lines;
    for (const QJsonValue &value : details) {
        const QJsonObject detail = value.toObject();
        QString message =
            detail.value(isRussian() ? QStringLiteral("message_ru") : QStringLiteral("message")).toString();
        if (message.isEmpty())
            message = detail.value(QStringLiteral("message")).toString();
        const QString field = detail.value(QStringLiteral("field")).toString();
        lines << (field.isEmpty() ? message : field + QStringLiteral(": ") + message);
    }
    setError(lines.isEmpty() ? answer.message : lines.join(QLatin1Char('\n')));
    return true;
}

void TemplatesPage::setError(const QString &text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

void TemplatesPage::save()
{
    const QString id = m_editor->templateId();
    if (id.isEmpty()) {
        setError(tr("Give the template an id first: deliveries and trigger rules name it."));
        return;
    }
    m_save->setEnabled(false);
    api().put(QStringLiteral("/v1/templates/") + ApiClient::segment(id), m_editor->draft(), this,
              [this, id](const ApiAnswer &answer) {
                  m_save->setEnabled(true);
                  if (!answer.isOk()) {
                      if (!showRefusal(answer))
                          reportFailure(answer, tr("Saving template %1").arg(id));
                      return;
                  }
                  const QJsonObject saved = answer.object();
                  const int version = saved.value(QStringLiteral("version")).toInt();
                  if (saved.value(QStringLiteral("unchanged")).toBool())
                      Q_EMIT notice(tr("Nothing changed: version %1 of “%2” stays the latest.").arg(version).arg(id));
                  else
                      Q_EMIT notice(tr("Template “%1” saved as version %2.").arg(id).arg(version));
                  setError(QString());
                  loadList();
                  openTemplate(id);
              });
}

void TemplatesPage::sendTest()
{
    if (m_savedVersion == 0) {
        setError(tr("Save the template first: a test sends the saved version."));
        return;
    }
    auto *dialog = new TestSendDialog(api(), m_editor->templateId(), m_savedVersion, this);
    dialog->show();
}

void TemplatesPage::archive()
{
    const QString id = m_editor->templateId();
    if (m_savedVersion == 0 || id.isEmpty())
        return;
    // Asked without a nested event loop, like the question about unsaved edits.
    auto *question = new QMessageBox(
        QMessageBox::Question, tr("Archive template"),
        tr("Archive template “%1”? It leaves the list; deliveries keep naming its versions, and saving a template "
           "with this id again brings it back as version %2.")
            .arg(id)
            .arg(m_savedVersion + 1),
        QMessageBox::Cancel, this);
    question->setObjectName(QStringLiteral("archiveTemplateBox"));
    question->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton *confirm = question->addButton(tr("&Archive"), QMessageBox::AcceptRole);
    confirm->setObjectName(QStringLiteral("confirmArchiveButton"));
    question->setDefaultButton(QMessageBox::Cancel);
    connect(confirm, &QPushButton::clicked, this, [this, id] {
        m_archive->setEnabled(false);
        api().remove(
            QStringLiteral("/v1/templates/") + ApiClient::segment(id), this, [this, id](const ApiAnswer &answer) {
                if (!answer.isOk()) {
                    m_archive->setEnabled(m_savedVersion > 0);
                    if (answer.errorCode == QStringLiteral("template_in_use"))
                        Q_EMIT failed(
                            tr("“%1” is not archived: a trigger rule sends it. Point the rule at another template "
                               "or delete the rule first. (%2)")
                                .arg(id, answer.message));
                    else
                        reportFailure(answer, tr("Archiving template %1").arg(id));
                    return;
                }
                Q_EMIT notice(tr("Template “%1” archived.").arg(id));
                startNewTemplate();
                loadList();
            });
    });
    question->open();
}

} // namespace vestnik
