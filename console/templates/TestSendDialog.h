#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace vestnik {

class ApiClient;
struct ApiAnswer;

/// "Send test to user…": asks for a user id, sends the template's latest saved version to that user's active
/// devices now (`POST /v1/test-push`) and lists what happened on each device (`testOutcomeTable`). Not modal to
/// the application: the answer comes when every device has an outcome, and the editor stays usable meanwhile.
class TestSendDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TestSendDialog)

public:
    TestSendDialog(ApiClient &api, const QString &templateId, int savedVersion, QWidget *parent = nullptr);

    /// A device's `outcome` ("accepted", "invalid_token", ...) in the user's language.
    static QString outcomeText(const QString &outcome);

private:
    void send();
    void showAnswer(const ApiAnswer &answer);

    ApiClient &m_api;
    QString m_templateId;
    QLineEdit *m_user = nullptr;
    QPushButton *m_send = nullptr;
    QLabel *m_summary = nullptr;
    QTableWidget *m_outcomes = nullptr;
};

} // namespace vestnik
