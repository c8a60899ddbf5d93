#pragma once

#include <QJsonObject>
#include <QStringList>
#include <QWidget>

class QPainter;

namespace vestnik {

/// A drawing of a push as it would look on a phone's lock screen, Android or iOS: a rounded card with the app's
/// name, the title, the body, a thumbnail box when the push has an image (the host of its URL; the image is never
/// fetched) and the action buttons. It shows what the worker's preview rendered, never the template text.
class NotificationMockup final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NotificationMockup)

public:
    enum class Style { Android, Ios };

    /// What one notification shows.
    struct Notification {
        QString title;
        QString body;
        QString imageUrl;
        QStringList buttons; ///< labels
    };

    explicit NotificationMockup(Style style, QWidget *parent = nullptr);

    /// What a preview answer's payload entry (`{"platform","title","body","payload",...}`) shows on the phone:
    /// image and buttons are read from the provider payload (FCM data / APNs `vestnik` block).
    static Notification fromPreviewPayload(const QJsonObject &entry);

    void setNotification(const Notification &notification);
    /// Nothing to show, and why ("The template does not compile").
    void setPlaceholder(const QString &text);
    void setAppName(const QString &name);

    QString title() const { return m_notification.title; }
    QString body() const { return m_notification.body; }
    QStringList buttons() const { return m_notification.buttons; }
    QString imageUrl() const { return m_notification.imageUrl; }
    QString placeholder() const { return m_placeholder; }

    QSize sizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    /// Lays the card out for `width` and, with a painter, draws it; the height it needs.
    int layoutCard(int width, QPainter *painter) const;

    Style m_style;
    Notification m_notification;
    QString m_placeholder;
    QString m_appName;
};

} // namespace vestnik
