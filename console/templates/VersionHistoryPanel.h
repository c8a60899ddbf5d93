#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QWidget>

class QListWidget;
class QTextBrowser;

namespace vestnik {

class ApiClient;

/// The saved versions of a template (`versionList`, newest first) and what changed between two of them
/// (`versionDiffView`): choose one version to compare it with the one before, or two to compare them. Versions are
/// fetched once each (they never change) from `GET /v1/templates/{id}/versions/{n}`.
class VersionHistoryPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VersionHistoryPanel)

public:
    explicit VersionHistoryPanel(ApiClient &api, QWidget *parent = nullptr);

    /// The template's versions as `GET /v1/templates/{id}` lists them (oldest first); selects the newest.
    void showTemplate(const QString &templateId, const QJsonArray &versions);
    void clear();

    /// A template's content as lines a person compares: name, each locale's texts, buttons, data and options.
    static QString readableText(const QJsonObject &content);

Q_SIGNALS:
    /// A version could not be fetched; `text` says why, in the user's language.
    void failed(const QString &text);

private:
    void selectionChanged();
    void fetch(int version);
    void showDiff();

    ApiClient &m_api;
    QListWidget *m_list = nullptr;
    QTextBrowser *m_diff = nullptr;
    QString m_templateId;
    QHash<int, QJsonObject> m_contents; ///< by version, of m_templateId
    int m_from = 0;                     ///< the versions compared; 0: nothing (an empty text)
    int m_to = 0;
};

} // namespace vestnik
