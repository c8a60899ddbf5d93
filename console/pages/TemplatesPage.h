#pragma once

#include "Page.h"

#include <QJsonObject>
#include <QStringList>

#include <functional>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTabWidget;
class QTimer;

namespace vestnik {

class PreviewPanel;
class TemplateEditor;
class VersionHistoryPanel;

/// The template studio: list with search, editor with locale tabs and variable highlighting, live preview on phone lock
/// screens, versions, test sends. The page holds the conversation with the worker (list, open, preview, save);
/// the widgets in console/templates/ show and edit.
class TemplatesPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TemplatesPage)

public:
    explicit TemplatesPage(ApiClient &api, QWidget *parent = nullptr);

    QString title() const override;
    bool isVisibleTo(const QString &role) const override;
    void activate() override;
    void deactivate() override;

    /// How long the preview waits after the last keystroke before asking the worker.
    static constexpr int kPreviewDelayMs = 400;

private:
    QWidget *buildListPanel();
    void loadList();
    void loadKnownVariables();
    void filterList();
    void openTemplate(const QString &templateId);
    void startNewTemplate();
    /// Runs `action` (which replaces the editor's content) now, or after the person agreed to lose unsaved edits.
    void unlessUnsaved(const std::function<void()> &action);
    void draftChanged();
    void requestPreview();
    void save();
    void sendTest();
    /// Asks, then archives the saved template in the editor (the worker refuses while a trigger rule uses it).
    void archive();
    void updateVariableNames();
    void applyRole();
    /// Shows a refused template's errors in the fields and the label; false when `answer` is no such refusal.
    bool showRefusal(const ApiAnswer &answer);
    void setError(const QString &text);

    QLineEdit *m_search = nullptr;
    QListWidget *m_list = nullptr;
    QPushButton *m_new = nullptr;
    TemplateEditor *m_editor = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_sendTest = nullptr;
    QPushButton *m_archive = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_state = nullptr;
    QTabWidget *m_sideTabs = nullptr;
    PreviewPanel *m_preview = nullptr;
    VersionHistoryPanel *m_history = nullptr;
    QTimer *m_previewTimer = nullptr;

    QStringList m_knownVariables; ///< user attributes and event fields from the worker's schema
    bool m_knownVariablesLoaded = false;
    int m_savedVersion = 0; ///< of the template in the editor; 0: never saved
    bool m_isDirty = false;
    quint64 m_previewSequence = 0; ///< answers to older previews are dropped
    quint64 m_openSequence = 0;
};

} // namespace vestnik
