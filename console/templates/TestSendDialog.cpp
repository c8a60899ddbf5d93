#include "TestSendDialog.h"

#include "ErrorText.h"
#include "api/ApiClient.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace vestnik {

namespace {

enum Column { DeviceColumn, PlatformColumn, TokenColumn, OutcomeColumn, DetailColumn, ColumnCount };

} // namespace

QString TestSendDialog::outcomeText(const QString &outcome)
{
    if (outcome == QStringLiteral("accepted"))
        return tr("Accepted by the provider");
    if (outcome == QStringLiteral("invalid_token"))
        return tr("Invalid token: the device was deactivated");
    if (outcome == QStringLiteral("failed"))
        return tr("Failed");
    if (outcome == QStringLiteral("retry_scheduled"))
        return tr("Will be retried");
    if (outcome == QStringLiteral("not_sent"))
        return tr("Not sent");
    return outcome;
}

TestSendDialog::TestSendDialog(ApiClient &api, const QString &templateId, int savedVersion, QWidget *parent)
    : QDialog(parent), m_api(api), m_templateId(templateId)
{
    setObjectName(QStringLiteral("testSendDialog"));
    setWindowTitle(tr("Send a test of “%1”").arg(templateId));
    setAttribute(Qt::WA_DeleteOnClose);
    auto *explanation = new QLabel(
        tr("Sends version %1 (the latest saved; unsaved edits are not sent) to every active device of the user, "
           "now, through the real providers.")
            .arg(savedVersion),
        this);
    explanation->setWordWrap(true);
    m_user = new QLineEdit(this);
    m_user->setObjectName(QStringLiteral("testUserEdit"));
    m_user->setPlaceholderText(tr("user id, e.g. u-anna"));
    m_send = new QPushButton(tr("&Send"), this);
    m_send->setObjectName(QStringLiteral("testSendButton"));
    m_send->setDefault(true);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("testSummaryLabel"));
    m_summary->setWordWrap(true);
    m_outcomes = new QTableWidget(0, ColumnCount, this);
    m_outcomes->setObjectName(QStringLiteral("testOutcomeTable"));
    m_outcomes->setHorizontalHeaderLabels({tr("Device"), tr("Platform"), tr("Token"), tr("Outcome"), tr("Details")});
    m_outcomes->horizontalHeader()->setStretchLastSection(true);
    m_outcomes->verticalHeader()->hide();
    m_outcomes->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);

    auto *form = new QFormLayout;
    auto *userRow = new QHBoxLayout;
    userRow->addWidget(m_user, 1);
    userRow->addWidget(m_send);
    form->addRow(tr("&User:"), userRow);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(explanation);
    layout->addLayout(form);
    layout->addWidget(m_summary);
    layout->addWidget(m_outcomes, 1);
    layout->addWidget(close);
    resize(640, 360);

    connect(m_send, &QPushButton::clicked, this, &TestSendDialog::send);
    connect(m_user, &QLineEdit::returnPressed, this, &TestSendDialog::send);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void TestSendDialog::send()
{
    const QString user = m_user->text().trimmed();
    if (user.isEmpty()) {
        m_summary->setText(tr("Enter the id of the user to send to."));
        return;
    }
    m_send->setEnabled(false);
    m_outcomes->setRowCount(0);
    m_summary->setText(tr("Sending to %1…").arg(user));
    m_api.post(QStringLiteral("/v1/test-push"),
               QJsonObject{{QStringLiteral("template_id"), m_templateId}, {QStringLiteral("user_id"), user}}, this,
               [this](const ApiAnswer &answer) { showAnswer(answer); });
}

void TestSendDialog::showAnswer(const ApiAnswer &answer)
{
    m_send->setEnabled(true);
    if (!answer.isOk()) {
        m_summary->setText(ErrorText::describe(answer, tr("Sending the test")));
        return;
    }
    const QJsonObject result = answer.object();
    const QJsonArray devices = result.value(QStringLiteral("devices")).toArray();
    if (devices.isEmpty()) {
        m_summary->setText(tr("The user has no active device: nothing was sent."));
        return;
    }
    m_summary->setText(
        tr("Version %1: %2, %3, %4.")
            .arg(result.value(QStringLiteral("version")).toInt())
            .arg(tr("%n sent", nullptr, result.value(QStringLiteral("sent")).toInt()),
                 tr("%n failed", nullptr, result.value(QStringLiteral("failed")).toInt()),
                 tr("%n invalid token(s)", nullptr, result.value(QStringLiteral("invalid_tokens")).toInt())));
    m_outcomes->setRowCount(int(devices.size()));
    for (int row = 0; row < devices.size(); ++row) {
        const QJsonObject device = devices.at(row).toObject();
        const QString error = device.value(QStringLiteral("error_code")).toString();
        const QString detail =
            error.isEmpty() ? device.value(QStringLiteral("provider_message_id")).toString()
                            : error + QStringLiteral(": ") + device.value(QStringLiteral("error_message")).toString();
        const QString cells[ColumnCount] = {QString::number(device.value(QStringLiteral("device_id")).toInteger()),
                                            device.value(QStringLiteral("platform")).toString() + QStringLiteral(" (")
                                                + device.value(QStringLiteral("provider")).toString()
                                                + QLatin1Char(')'),
                                            device.value(QStringLiteral("token")).toString(),
                                            outcomeText(device.value(QStringLiteral("outcome")).toString()), detail};
        for (int column = 0; column < ColumnCount; ++column)
            m_outcomes->setItem(row, column, new QTableWidgetItem(cells[column]));
        // The worker's code, for whoever reads the table programmatically (and the tests).
        m_outcomes->item(row, OutcomeColumn)->setData(Qt::UserRole, device.value(QStringLiteral("outcome")).toString());
    }
    m_outcomes->resizeColumnsToContents();
}

} // namespace vestnik
