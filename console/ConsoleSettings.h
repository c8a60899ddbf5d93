#pragma once

#include <QByteArray>
#include <QObject>
#include <QSettings>
#include <QString>
#include <QUrl>

#include <memory>

namespace vestnik {

/// The console's remembered choices, typed: the window's geometry, theme and language, the last server and
/// login, and the certificates a person decided to trust per server. Never a password or a token.
class ConsoleSettings final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleSettings)

public:
    enum class Theme { System, Light, Dark };

    /// The settings of this user and application (QSettings' native place), or of `fileName` (INI) when given.
    explicit ConsoleSettings(const QString &fileName = QString(), QObject *parent = nullptr);

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);

    Theme theme() const;
    /// Keeps the theme and emits themeChanged() when it is a new one; applying it is the caller's part.
    void setTheme(Theme theme);
    /// "ru", "en", or empty for the system's language.
    QString language() const;
    void setLanguage(const QString &code);

    QUrl lastServer() const;
    void setLastServer(const QUrl &server);
    QString lastLogin() const;
    void setLastLogin(const QString &login);

    /// The SHA-256 of the certificate trusted for `server` (scheme, host and port), or empty.
    QByteArray trustedCertificate(const QUrl &server) const;
    void setTrustedCertificate(const QUrl &server, const QByteArray &sha256);

    void sync() { m_settings->sync(); }

    static QString themeName(Theme theme);
    static Theme themeFromName(const QString &name);

Q_SIGNALS:
    /// Every control that offers the theme (the View menu, the Interface settings) follows this.
    void themeChanged(vestnik::ConsoleSettings::Theme theme);

private:
    static QString serverKey(const QUrl &server);

    std::unique_ptr<QSettings> m_settings;
};

} // namespace vestnik
