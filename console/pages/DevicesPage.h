#pragma once

#include "Page.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace vestnik {

/// Looks up a user: their attributes, their devices (platform, app, locale, masked token, active or deactivated
/// and why), and their recent deliveries with the status trail of the one selected.
class DevicesPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DevicesPage)

public:
    explicit DevicesPage(ApiClient &api, QWidget *parent = nullptr);

    QString title() const override;
    bool isVisibleTo(const QString &role) const override;
    void activate() override;

    /// Looks up `userId` as if it had been typed.
    void lookUp(const QString &userId);

private:
    void lookUpEntered();
    void showUser(const QJsonObject &user);
    void showDevices(const QJsonArray &devices);
    void showDeliveries(const QJsonArray &deliveries);
    void deliverySelected();

    QLineEdit *m_userEdit = nullptr;
    QPushButton *m_lookUpButton = nullptr;
    QLabel *m_summaryLabel = nullptr;
    QTableWidget *m_attributeTable = nullptr;
    QTableWidget *m_deviceTable = nullptr;
    QTableWidget *m_deliveryTable = nullptr;
    QTableWidget *m_trailTable = nullptr;
    QString m_userId;
};

} // namespace vestnik
