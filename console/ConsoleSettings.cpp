#include "ConsoleSettings.h"

namespace vestnik {

namespace {

const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kTheme = QStringLiteral("appearance/theme");
const QString kLanguage = QStringLiteral("appearance/language");
const QString kServer = QStringLiteral("connection/server");
const QString kLogin = QStringLiteral("connection/login");
const QString kTrusted = QStringLiteral("trusted_certificates/");

} // namespace

ConsoleSettings::ConsoleSettings(const QString &fileName, QObject *parent)
    : QObject(parent),
      m_settings(fileName.isEmpty() ? std::make_unique<QSettings>()
                                    : std::make_unique<QSettings>(fileName, QSettings::IniFormat))
{}

QByteArray ConsoleSettings::windowGeometry() const
{
    return m_settings->value(kGeometry).toByteArray();
}

void ConsoleSettings::setWindowGeometry(const QByteArray &geometry)
{
    m_settings->setValue(kGeometry, geometry);
}

QByteArray ConsoleSettings::windowState() const
{
    return m_settings->value(kState).toByteArray();
}

void ConsoleSettings::setWindowState(const QByteArray &state)
{
    m_settings->setValue(kState, state);
}

ConsoleSettings::Theme ConsoleSettings::theme() const
{
    return themeFromName(m_settings->value(kTheme).toString());
}

void ConsoleSettings::setTheme(Theme theme)
{
    if (theme == this->theme())
        return;
    m_settings->setValue(kTheme, themeName(theme));
    Q_EMIT themeChanged(theme);
}

QString ConsoleSettings::language() const
{
    const QString code = m_settings->value(kLanguage).toString();
    return code == QStringLiteral("ru") || code == QStringLiteral("en") ? code : QString();
}

void ConsoleSettings::setLanguage(const QString &code)
{
    m_settings->setValue(kLanguage, code);
}

QUrl ConsoleSettings::lastServer() const
{
    return m_settings->value(kServer).toUrl();
}

void ConsoleSettings::setLastServer(const QUrl &server)
{
    m_settings->setValue(kServer, server);
}

QString ConsoleSettings::lastLogin() const
{
    return m_settings->value(kLogin).toString();
}

void ConsoleSettings::setLastLogin(const QString &login)
{
    m_settings->setValue(kLogin, login);
}

QByteArray ConsoleSettings::trustedCertificate(const QUrl &server) const
{
    return QByteArray::fromHex(m_settings->value(kTrusted + serverKey(server)).toByteArray());
}

void ConsoleSettings::setTrustedCertificate(const QUrl &server, const QByteArray &sha256)
{
    if (sha256.isEmpty())
        m_settings->remove(kTrusted + serverKey(server));
    else
        m_settings->setValue(kTrusted + serverKey(server), sha256.toHex());
}

QString ConsoleSettings::themeName(Theme theme)
{
    switch (theme) {
    case Theme::Light: return QStringLiteral("light");
    case Theme::Dark: return QStringLiteral("dark");
    case Theme::System: break;
    }
    return QStringLiteral("system");
}

ConsoleSettings::Theme ConsoleSettings::themeFromName(const QString &name)
{
    if (name == QStringLiteral("light"))
        return Theme::Light;
    if (name == QStringLiteral("dark"))
        return Theme::Dark;
    return Theme::System;
}

QString ConsoleSettings::serverKey(const QUrl &server)
{
    // QSettings keys may not hold '/' or ':' portably: the origin as hex-free text with safe separators.
    return server.scheme() + QLatin1Char('_') + server.host() + QLatin1Char('_') + QString::number(server.port(443));
}

} // namespace vestnik
