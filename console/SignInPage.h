#pragma once

#include <QByteArray>
#include <QUrl>
#include <QWidget>

class QFrame;
class QLabel;
class QLineEdit;
class QPushButton;

namespace vestnik {

class ApiClient;
class ConsoleSettings;
struct ApiAnswer;

/// The form shown until someone signs in: server URL, login, password. On first contact with a server whose
/// certificate no CA vouches for, it shows the certificate's SHA-256 fingerprint and signs in only after the
/// person trusts it; the decision is remembered per server (and a changed certificate is shown again).
class SignInPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignInPage)

public:
    SignInPage(ApiClient &api, ConsoleSettings &settings, QWidget *parent = nullptr);

    /// Fills the form (from the command line or the last session).
    void setServer(const QUrl &server);
    void setLogin(const QString &login);
    void setPassword(const QString &password);
    /// Shows why the person is here again (e.g. the session expired).
    void setMessage(const QString &text);
    /// Signs in with what the form holds.
    void signIn();

Q_SIGNALS:
    void signedIn();

private:
    void finished(const ApiAnswer &answer);
    void trustPresentedCertificate();
    void setBusy(bool busy);
    QUrl enteredServer() const;

    ApiClient &m_api;
    ConsoleSettings &m_settings;
    QLineEdit *m_serverEdit = nullptr;
    QLineEdit *m_loginEdit = nullptr;
    QLineEdit *m_passwordEdit = nullptr;
    QPushButton *m_signInButton = nullptr;
    QLabel *m_messageLabel = nullptr;
    QFrame *m_certificateFrame = nullptr;
    QLabel *m_certificateLabel = nullptr;
    QPushButton *m_trustButton = nullptr;
    QByteArray m_presentedCertificate;
};

} // namespace vestnik
