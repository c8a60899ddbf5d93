#include "settings/ClientDialogs.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace vestnik {

namespace {

QString scopeDescription(const QString &scope)
{
    if (scope == QStringLiteral("events:write"))
        return ClientDialog::tr("send events that trigger pushes");
    if (scope == QStringLiteral("devices:write"))
        return ClientDialog::tr("register devices and users");
    if (scope == QStringLiteral("devices:read"))
        return ClientDialog::tr("read devices and users");
    if (scope == QStringLiteral("track:write"))
        return ClientDialog::tr("report deliveries and opens");
    return QString();
}

/// "events:write" -> "eventsWriteCheckBox".
QString scopeObjectName(const QString &scope)
{
    QString name = scope;
    const qsizetype colon = name.indexOf(QLatin1Char(':'));
    if (colon >= 0 && colon + 1 < name.size()) {
        name[colon + 1] = name.at(colon + 1).toUpper();
        name.remove(colon, 1);
    }
    return name + QStringLiteral("CheckBox");
}

} // namespace

QStringList ClientDialog::scopes()
{
    return {QStringLiteral("events:write"), QStringLiteral("devices:write"), QStringLiteral("devices:read"),
            QStringLiteral("track:write")};
}

ClientDialog::ClientDialog(QWidget *parent) : FormDialog(parent)
{
    setObjectName(QStringLiteral("clientDialog"));
    setWindowTitle(tr("New API client"));
    m_nameEdit = new QLineEdit(this);
    m_nameEdit->setObjectName(QStringLiteral("clientNameEdit"));
    m_nameEdit->setPlaceholderText(tr("e.g. the shop's backend"));
    form()->addRow(tr("&Name:"), m_nameEdit);
    auto *scopeBox = new QWidget(this);
    auto *scopeLayout = new QVBoxLayout(scopeBox);
    scopeLayout->setContentsMargins(0, 0, 0, 0);
    for (const QString &scope : scopes()) {
        auto *box = new QCheckBox(QStringLiteral("%1 (%2)").arg(scope, scopeDescription(scope)), scopeBox);
        box->setObjectName(scopeObjectName(scope));
        box->setProperty("scope", scope);
        scopeLayout->addWidget(box);
        m_scopeBoxes.append(box);
    }
    form()->addRow(tr("Scopes:"), scopeBox);
}

void ClientDialog::submit()
{
    const QString name = m_nameEdit->text().trimmed();
    QStringList chosen;
    for (const QCheckBox *box : std::as_const(m_scopeBoxes)) {
        if (box->isChecked())
            chosen << box->property("scope").toString();
    }
    if (name.isEmpty()) {
        showError(tr("Give the client a name that says which service uses it."));
        return;
    }
    if (chosen.isEmpty()) {
        showError(tr("Choose at least one scope."));
        return;
    }
    setBusy(true);
    Q_EMIT submitted(name, chosen);
}

ClientSecretDialog::ClientSecretDialog(const QString &clientId, const QString &secret, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("clientSecretDialog"));
    setAttribute(Qt::WA_DeleteOnClose);
    setModal(true);
    setWindowTitle(tr("Secret of %1").arg(clientId));
    auto *warning = new QLabel(tr("<b>Copy the secret now.</b> It is shown only this once: the worker keeps just a "
                                  "hash of it and cannot show it again. If it is lost, create a new client."),
                               this);
    warning->setObjectName(QStringLiteral("secretWarningLabel"));
    warning->setWordWrap(true);
    auto *idEdit = new QLineEdit(clientId, this);
    idEdit->setObjectName(QStringLiteral("clientIdEdit"));
    idEdit->setReadOnly(true);
    auto *secretEdit = new QLineEdit(secret, this);
    secretEdit->setObjectName(QStringLiteral("clientSecretEdit"));
    secretEdit->setReadOnly(true);
    secretEdit->setMinimumWidth(secretEdit->fontMetrics().horizontalAdvance(secret) + 24);
    auto *copy = new QPushButton(tr("&Copy secret"), this);
    copy->setObjectName(QStringLiteral("copySecretButton"));
    auto *secretRow = new QHBoxLayout;
    secretRow->addWidget(secretEdit, 1);
    secretRow->addWidget(copy);
    auto *form = new QFormLayout;
    form->addRow(tr("Client id:"), idEdit);
    form->addRow(tr("Client secret:"), secretRow);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->setObjectName(QStringLiteral("dialogButtonBox"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(warning);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(copy, &QPushButton::clicked, this, [secretEdit, copy] {
        QApplication::clipboard()->setText(secretEdit->text());
        copy->setText(tr("Copied"));
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

} // namespace vestnik
