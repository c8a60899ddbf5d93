#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

class QApplication;
class QTranslator;

namespace vestnik {

class ApiClient;
class ConsoleSettings;
class MainWindow;

/// The running console: its settings, the one ApiClient, the translators and the main window. A change of
/// language installs the other translators and builds the window again on the same session.
class Console final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Console)

public:
    /// `settingsFile`: an INI file instead of the user's native settings (tests, screenshots).
    Console(QApplication &application, const QString &settingsFile, QObject *parent = nullptr);
    ~Console() override;

    /// Installs the translators for `code` ("ru", "en", or empty: the setting, else the system's language).
    void setLanguage(const QString &code);
    /// The language in use: "ru" or "en".
    QString language() const { return m_language; }
    /// Shows the main window (built on first use) and fills the sign-in form; signs in when `password` is given.
    void show(const QUrl &server, const QString &login, const QString &password);
    void raise();

    ApiClient &api() const { return *m_api; }
    ConsoleSettings &settings() const { return *m_settings; }
    MainWindow *window() const { return m_window; }

private:
    void rebuildWindow();

    QApplication &m_application;
    std::unique_ptr<ConsoleSettings> m_settings;
    ApiClient *m_api = nullptr;
    QList<QTranslator *> m_translators;
    QString m_language;
    MainWindow *m_window = nullptr; ///< owned; built again on a change of language
};

/// Everything `vestnik-console` does: command line, single instance, translations, the main window.
int runConsole(int argc, char **argv);

} // namespace vestnik
