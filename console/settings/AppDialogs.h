#pragma once

#include "settings/FormDialog.h"

#include <QJsonObject>

class QComboBox;
class QLineEdit;
class QWidget;

namespace vestnik {

/// Creates an app (id and name) or renames one (the id stays).
class AppDialog final : public FormDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppDialog)

public:
    /// An empty `id` creates a new app.
    AppDialog(const QString &id, const QString &name, QWidget *parent = nullptr);

Q_SIGNALS:
    void submitted(const QString &id, const QString &name);

protected:
    void submit() override;

private:
    QLineEdit *m_idEdit = nullptr;
    QLineEdit *m_nameEdit = nullptr;
};

/// Uploads a provider credential of an app: the FCM service-account JSON file as Firebase hands it out, or an
/// APNs .p8 token key with its key id, team id, bundle id and environment. The file is read when OK is pressed
/// and sent once; its content is never shown, kept or logged.
class CredentialDialog final : public FormDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CredentialDialog)

public:
    CredentialDialog(const QString &appId, QWidget *parent = nullptr);

Q_SIGNALS:
    /// `provider` is "fcm" or "apns"; `credential` the body the worker expects.
    void submitted(const QString &provider, const QJsonObject &credential);

protected:
    void submit() override;

private:
    void providerChanged();
    void browse();
    void fileChosen(const QString &path);

    QComboBox *m_providerCombo = nullptr;
    QLineEdit *m_fileEdit = nullptr;
    QWidget *m_apnsFields = nullptr;
    QLineEdit *m_keyIdEdit = nullptr;
    QLineEdit *m_teamIdEdit = nullptr;
    QLineEdit *m_bundleIdEdit = nullptr;
    QComboBox *m_environmentCombo = nullptr;
};

} // namespace vestnik
