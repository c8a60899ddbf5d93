#include "settings/AppDialogs.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>

namespace vestnik {

namespace {

/// Credential files are a few KiB; anything much larger is the wrong file.
constexpr qint64 kMaximumCredentialBytes = 64 * 1024;

} // namespace

AppDialog::AppDialog(const QString &id, const QString &name, QWidget *parent) : FormDialog(parent)
{
    setObjectName(QStringLiteral("appDialog"));
    setWindowTitle(id.isEmpty() ? tr("New app") : tr("Edit app %1").arg(id));
    m_idEdit = new QLineEdit(id, this);
    m_idEdit->setObjectName(QStringLiteral("appIdEdit"));
    m_idEdit->setReadOnly(!id.isEmpty());
    m_idEdit->setPlaceholderText(tr("e.g. shop-android"));
    m_idEdit->setToolTip(tr("1 to 64 characters: latin letters, digits, '.', '_' and '-'. It cannot be changed "
                            "later: devices and rules name the app by it."));
    m_nameEdit = new QLineEdit(name, this);
    m_nameEdit->setObjectName(QStringLiteral("appNameEdit"));
    form()->addRow(tr("&Id:"), m_idEdit);
    form()->addRow(tr("&Name:"), m_nameEdit);
}

void AppDialog::submit()
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    const QString id = m_idEdit->text().trimmed();
    const QString name = m_nameEdit->text().trimmed();
    if (!pattern.match(id).hasMatch()) {
        showError(tr("An app id is 1 to 64 latin letters, digits, '.', '_' or '-', starting with a letter or "
                     "a digit."));
        return;
    }
    if (name.isEmpty()) {
        showError(tr("Give the app a name."));
        return;
    }
    setBusy(true);
    Q_EMIT submitted(id, name);
}

CredentialDialog::CredentialDialog(const QString &appId, QWidget *parent) : FormDialog(parent)
{
    setObjectName(QStringLiteral("credentialDialog"));
    setWindowTitle(tr("Provider credential of %1").arg(appId));
    resize(520, sizeHint().height());

    m_providerCombo = new QComboBox(this);
    m_providerCombo->setObjectName(QStringLiteral("credentialProviderCombo"));
    m_providerCombo->addItem(tr("FCM: service-account JSON"), QStringLiteral("fcm"));
    m_providerCombo->addItem(tr("APNs: .p8 token key"), QStringLiteral("apns"));

    auto *fileRow = new QWidget(this);
    m_fileEdit = new QLineEdit(fileRow);
    m_fileEdit->setObjectName(QStringLiteral("credentialFileEdit"));
    auto *browse = new QPushButton(tr("&Browse…"), fileRow);
    browse->setObjectName(QStringLiteral("credentialBrowseButton"));
    auto *fileLayout = new QHBoxLayout(fileRow);
    fileLayout->setContentsMargins(0, 0, 0, 0);
    fileLayout->addWidget(m_fileEdit, 1);
    fileLayout->addWidget(browse);

    m_apnsFields = new QWidget(this);
    m_keyIdEdit = new QLineEdit(m_apnsFields);
    m_keyIdEdit->setObjectName(QStringLiteral("apnsKeyIdEdit"));
    m_teamIdEdit = new QLineEdit(m_apnsFields);
    m_teamIdEdit->setObjectName(QStringLiteral("apnsTeamIdEdit"));
    m_bundleIdEdit = new QLineEdit(m_apnsFields);
    m_bundleIdEdit->setObjectName(QStringLiteral("apnsBundleIdEdit"));
    m_bundleIdEdit->setPlaceholderText(tr("e.g. com.example.shop"));
    m_environmentCombo = new QComboBox(m_apnsFields);
    m_environmentCombo->setObjectName(QStringLiteral("apnsEnvironmentCombo"));
    m_environmentCombo->addItem(tr("Production"), QStringLiteral("production"));
    m_environmentCombo->addItem(tr("Sandbox (development builds)"), QStringLiteral("sandbox"));
    auto *apnsForm = new QFormLayout(m_apnsFields);
    apnsForm->setContentsMargins(0, 0, 0, 0);
    apnsForm->addRow(tr("&Key id:"), m_keyIdEdit);
    apnsForm->addRow(tr("&Team id:"), m_teamIdEdit);
    apnsForm->addRow(tr("B&undle id:"), m_bundleIdEdit);
    apnsForm->addRow(tr("&Environment:"), m_environmentCombo);

    auto *note = new QLabel(tr("The file is sent to the worker once and stored sealed. Neither the console nor the "
                               "worker ever shows it again; upload it anew to replace it."),
                            this);
    note->setObjectName(QStringLiteral("credentialNoteLabel"));
    note->setWordWrap(true);

    form()->addRow(tr("&Provider:"), m_providerCombo);
    form()->addRow(tr("&File:"), fileRow);
    form()->addRow(m_apnsFields);
    form()->addRow(note);
    connect(m_providerCombo, &QComboBox::currentIndexChanged, this, &CredentialDialog::providerChanged);
    connect(browse, &QPushButton::clicked, this, &CredentialDialog::browse);
    connect(m_fileEdit, &QLineEdit::textChanged, this, &CredentialDialog::fileChosen);
    providerChanged();
}

void CredentialDialog::providerChanged()
{
    m_apnsFields->setVisible(m_providerCombo->currentData().toString() == QStringLiteral("apns"));
}

void CredentialDialog::browse()
{
    const bool apns = m_providerCombo->currentData().toString() == QStringLiteral("apns");
    auto *dialog = new QFileDialog(this, apns ? tr("Choose the .p8 key") : tr("Choose the service-account file"));
    dialog->setObjectName(QStringLiteral("credentialFileDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setOption(QFileDialog::DontUseNativeDialog);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setNameFilters({apns ? tr("APNs keys (*.p8)") : tr("JSON files (*.json)"), tr("All files (*)")});
    connect(dialog, &QFileDialog::fileSelected, m_fileEdit, &QLineEdit::setText);
    dialog->open();
}

void CredentialDialog::fileChosen(const QString &path)
{
    // Apple names the file after its key: AuthKey_<key id>.p8.
    static const QRegularExpression keyFile(QStringLiteral("^AuthKey_([A-Za-z0-9]+)\\.p8$"));
    const QRegularExpressionMatch match = keyFile.match(QFileInfo(path).fileName());
    if (match.hasMatch() && m_keyIdEdit->text().isEmpty())
        m_keyIdEdit->setText(match.captured(1));
}

void CredentialDialog::submit()
{
    const QString provider = m_providerCombo->currentData().toString();
    const QString path = m_fileEdit->text().trimmed();
    if (path.isEmpty()) {
        showError(tr("Choose the file to upload."));
        return;
    }
    QFile file(path);
    if (file.size() > kMaximumCredentialBytes) {
        showError(tr("%1 is too large for a credential file.").arg(QFileInfo(path).fileName()));
        return;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        showError(tr("Cannot read %1: %2").arg(path, file.errorString()));
        return;
    }
    const QByteArray content = file.readAll();
    QJsonObject credential;
    if (provider == QStringLiteral("fcm")) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(content, &parseError);
        if (!document.isObject()) {
            showError(tr("%1 is not a service-account JSON file (%2). Download the key file again from the "
                         "Firebase console: Project settings, Service accounts, Generate new private key.")
                          .arg(QFileInfo(path).fileName(), parseError.error != QJsonParseError::NoError
                                                               ? parseError.errorString()
                                                               : tr("not a JSON object")));
            return;
        }
        credential = document.object();
    } else {
        credential = QJsonObject{{QStringLiteral("key_id"), m_keyIdEdit->text().trimmed()},
                                 {QStringLiteral("team_id"), m_teamIdEdit->text().trimmed()},
                                 {QStringLiteral("bundle_id"), m_bundleIdEdit->text().trimmed()},
                                 {QStringLiteral("environment"), m_environmentCombo->currentData().toString()},
                                 {QStringLiteral("private_key"), QString::fromUtf8(content)}};
    }
    setBusy(true);
    Q_EMIT submitted(provider, credential);
}

} // namespace vestnik
