#pragma once

#include <QWidget>

namespace vestnik {

class ApiClient;
struct ApiAnswer;

/// One section of the main window (Dashboard, Templates, ...). Pages load what they show through the shared
/// ApiClient when they are activated, never block, and report failures through failed() so the window shows
/// them the same way everywhere. New sections (campaigns, segments, reports) are new Page subclasses. A change of
/// language builds the window again, so pages set their texts once.
class Page : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Page)

public:
    explicit Page(ApiClient &api, QWidget *parent = nullptr);

    /// The name in the navigation sidebar, in the user's language.
    virtual QString title() const = 0;
    /// Whether a person with `role` ("admin", "marketer", "analyst") may see the page at all.
    virtual bool isVisibleTo(const QString &role) const;
    /// The page became the current one, or the session changed while it was: (re)load what it shows.
    virtual void activate() {}
    /// Another page became current: stop polling.
    virtual void deactivate() {}

Q_SIGNALS:
    /// A call failed; `text` says what and what to do, in the user's language.
    void failed(const QString &text);
    /// Something worth a line in the status bar happened ("Template saved as version 3").
    void notice(const QString &text);

protected:
    ApiClient &api() const { return m_api; }
    /// Emits failed() with the ErrorText of `answer`, unless the call was only cancelled.
    void reportFailure(const ApiAnswer &answer, const QString &action);

private:
    ApiClient &m_api;
};

} // namespace vestnik
