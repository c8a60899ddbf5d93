#include "SignInPage.h"

#include "ConsoleSettings.h"
#include "ErrorText.h"
#include "api/ApiClient.h"

#include <QFormLayout>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace vestnik {

SignInPage::SignInPage(ApiClient &api, ConsoleSettings &settings, QWidget *parent)
    : QWidget(parent), m_api(api), m_settings(settings)
{
    setObjectName(QStringLiteral("signInPage"));
    auto *card = new QFrame(this);
    card->setObjectName(QStringLiteral("signInFrame"));
    card->setFrameShape(QFrame::StyledPanel);
    card->setMaximumWidth(520);

    auto *heading = new QLabel(tr("Sign in to Vestnik"), card);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.6);
    headingFont.setBold(true);
    heading->setFont(headingFont);

    m_serverEdit = new QLineEdit(card);
    m_serverEdit->setObjectName(QStringLiteral("serverEdit"));
    m_serverEdit->setPlaceholderText(QStringLiteral("https://127.0.0.1:8780"));
    m_loginEdit = new QLineEdit(card);
    m_loginEdit->setObjectName(QStringLiteral("loginEdit"));
    m_passwordEdit = new QLineEdit(card);
    m_passwordEdit->setObjectName(QStringLiteral("passwordEdit"));
    m_passwordEdit->setEchoMode(QLineEdit::Password);

    auto *form = new QFormLayout;
    form->addRow(tr("&Server:"), m_serverEdit);
    form->addRow(tr("&Login:"), m_loginEdit);
    form->addRow(tr("&Password:"), m_passwordEdit);

    m_certificateFrame = new QFrame(card);
    m_certificateFrame->setObjectName(QStringLiteral("certificateFrame"));
    m_certificateFrame->setFrameShape(QFrame::StyledPanel);
    m_certificateLabel = new QLabel(m_certificateFrame);
    m_certificateLabel->setObjectName(QStringLiteral("certificateLabel"));
    m_certificateLabel->setWordWrap(true);
    m_certificateLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_trustButton = new QPushButton(tr("&Trust this certificate and sign in"), m_certificateFrame);
    m_trustButton->setObjectName(QStringLiteral("trustCertificateButton"));
    auto *certificateLayout = new QVBoxLayout(m_certificateFrame);
    certificateLayout->addWidget(m_certificateLabel);
    certificateLayout->addWidget(m_trustButton, 0, Qt::AlignRight);
    m_certificateFrame->hide();

    m_messageLabel = new QLabel(card);
    m_messageLabel->setObjectName(QStringLiteral("signInMessageLabel"));
    m_messageLabel->setWordWrap(true);
    m_signInButton = new QPushButton(tr("Sign &in"), card);
    m_signInButton->setObjectName(QStringLiteral("signInButton"));
    m_signInButton->setDefault(true);

    auto *cardLayout = new QVBoxLayout(card);
    cardLayout->addWidget(heading);
    cardLayout->addLayout(form);
    cardLayout->addWidget(m_certificateFrame);
    cardLayout->addWidget(m_messageLabel);
    cardLayout->addWidget(m_signInButton, 0, Qt::AlignRight);

    auto *layout = new QVBoxLayout(this);
    layout->addStretch();
    layout->addWidget(card, 0, Qt::AlignHCenter);
    layout->addStretch(2);

    connect(m_signInButton, &QPushButton::clicked, this, &SignInPage::signIn);
    connect(m_passwordEdit, &QLineEdit::returnPressed, this, &SignInPage::signIn);
    connect(m_trustButton, &QPushButton::clicked, this, &SignInPage::trustPresentedCertificate);
    connect(m_serverEdit, &QLineEdit::textEdited, this, [this] { m_certificateFrame->hide(); });
}

void SignInPage::setServer(const QUrl &server)
{
    m_serverEdit->setText(server.toString());
}

void SignInPage::setLogin(const QString &login)
{
    m_loginEdit->setText(login);
}

void SignInPage::setPassword(const QString &password)
{
    m_passwordEdit->setText(password);
}

void SignInPage::setMessage(const QString &text)
{
    m_messageLabel->setText(text);
}

QUrl SignInPage::enteredServer() const
{
    QString text = m_serverEdit->text().trimmed();
    if (!text.isEmpty() && !text.contains(QStringLiteral("://")))
        text.prepend(QStringLiteral("https://"));
    return QUrl(text, QUrl::StrictMode);
}

void SignInPage::signIn()
{
    const QUrl server = enteredServer();
    if (!server.isValid() || server.host().isEmpty()
        || (server.scheme() != QStringLiteral("https") && server.scheme() != QStringLiteral("http"))) {
        m_messageLabel->setText(tr("Enter the worker's address, for example https://127.0.0.1:8780."));
        m_serverEdit->setFocus();
        return;
    }
    if (m_loginEdit->text().trimmed().isEmpty() || m_passwordEdit->text().isEmpty()) {
        m_messageLabel->setText(tr("Enter your login and password."));
        (m_loginEdit->text().trimmed().isEmpty() ? m_loginEdit : m_passwordEdit)->setFocus();
        return;
    }
    m_api.setServer(server);
    m_api.setPinnedCertificate(m_settings.trustedCertificate(server));
    setBusy(true);
    m_messageLabel->setText(tr("Signing in…"));
    m_api.signIn(m_loginEdit->text().trimmed(), m_passwordEdit->text(), this,
                 [this](const ApiAnswer &answer) { finished(answer); });
}

void SignInPage::finished(const ApiAnswer &answer)
{
    setBusy(false);
    if (answer.isOk()) {
        m_settings.setLastServer(enteredServer());
        m_settings.setLastLogin(m_loginEdit->text().trimmed());
        m_passwordEdit->clear();
        m_messageLabel->clear();
        m_certificateFrame->hide();
        Q_EMIT signedIn();
        return;
    }
    if (answer.failure == ApiFailure::UntrustedCertificate && !answer.certificateSha256.isEmpty()) {
        m_presentedCertificate = answer.certificateSha256;
        const bool changed = !m_settings.trustedCertificate(enteredServer()).isEmpty();
        m_certificateLabel->setText(
            (changed ? tr("<b>The server's certificate has changed</b> since you trusted it. Trust the new one only "
                          "if its administrator replaced it.")
                     : tr("<b>First contact with this server.</b> No certificate authority vouches for its "
                          "certificate. Compare this fingerprint with the one the worker printed at start:"))
            + QStringLiteral("<br><tt>SHA-256 %1</tt>").arg(ApiClient::formatFingerprint(answer.certificateSha256)));
        m_certificateFrame->show();
        m_messageLabel->clear();
        m_trustButton->setFocus();
        return;
    }
    // The token endpoint refuses credentials as OAuth does (400 invalid_grant); it does not say which part was
    // wrong, nor whether the account is disabled or locked after failed attempts.
    if (answer.failure == ApiFailure::Unauthenticated || answer.errorCode == QStringLiteral("invalid_grant"))
        m_messageLabel->setText(tr("The login or password is wrong, or the account is disabled or locked for now "
                                   "after failed attempts."));
    else
        m_messageLabel->setText(ErrorText::describe(answer, tr("Signing in")));
}

void SignInPage::trustPresentedCertificate()
{
    m_settings.setTrustedCertificate(enteredServer(), m_presentedCertificate);
    m_settings.sync();
    m_certificateFrame->hide();
    signIn();
}

void SignInPage::setBusy(bool busy)
{
    m_signInButton->setEnabled(!busy);
    m_serverEdit->setEnabled(!busy);
    m_loginEdit->setEnabled(!busy);
    m_passwordEdit->setEnabled(!busy);
}

} // namespace vestnik
