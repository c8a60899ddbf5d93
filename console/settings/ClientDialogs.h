#pragma once

#include "settings/FormDialog.h"

#include <QList>

class QCheckBox;
class QLineEdit;

namespace vestnik {

/// A new API client for one of the company's services: a name and the scopes it may use.
class ClientDialog final : public FormDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientDialog)

public:
    explicit ClientDialog(QWidget *parent = nullptr);

    /// The scopes a service may hold, as the worker names them.
    static QStringList scopes();

Q_SIGNALS:
    void submitted(const QString &name, const QStringList &scopes);

protected:
    void submit() override;

private:
    QLineEdit *m_nameEdit = nullptr;
    QList<QCheckBox *> m_scopeBoxes;
};

/// The secret of a client just created, shown this once: the worker keeps only its hash. A copy button, and a
/// warning that closing the dialog loses it.
class ClientSecretDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientSecretDialog)

public:
    ClientSecretDialog(const QString &clientId, const QString &secret, QWidget *parent = nullptr);
};

} // namespace vestnik
