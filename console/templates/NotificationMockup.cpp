#include "NotificationMockup.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPainter>
#include <QPainterPath>
#include <QUrl>

namespace vestnik {

namespace {

constexpr int kMargin = 10;  // around the card, the "screen" showing through
constexpr int kPadding = 12; // inside the card
constexpr int kThumbnail = 44;

QStringList labelsOf(const QJsonArray &actions)
{
    QStringList labels;
    for (const QJsonValue &action : actions)
        labels << action.toObject().value(QStringLiteral("label")).toString();
    return labels;
}

} // namespace

NotificationMockup::NotificationMockup(Style style, QWidget *parent)
    : QWidget(parent), m_style(style), m_appName(tr("Your app"))
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setMinimumWidth(220);
}

NotificationMockup::Notification NotificationMockup::fromPreviewPayload(const QJsonObject &entry)
{
    Notification notification;
    notification.title = entry.value(QStringLiteral("title")).toString();
    notification.body = entry.value(QStringLiteral("body")).toString();
    const QJsonObject payload = entry.value(QStringLiteral("payload")).toObject();
    if (entry.value(QStringLiteral("platform")).toString() == QStringLiteral("ios")) {
        const QJsonObject vestnik = payload.value(QStringLiteral("vestnik")).toObject();
        notification.imageUrl = vestnik.value(QStringLiteral("image")).toString();
        notification.buttons = labelsOf(vestnik.value(QStringLiteral("actions")).toArray());
    } else {
        const QJsonObject message = payload.value(QStringLiteral("message")).toObject();
        notification.imageUrl =
            message.value(QStringLiteral("notification")).toObject().value(QStringLiteral("image")).toString();
        // FCM data values are strings: the actions travel as JSON text.
        const QByteArray actions = message.value(QStringLiteral("data"))
                                       .toObject()
                                       .value(QStringLiteral("vestnik_actions"))
                                       .toString()
                                       .toUtf8();
        notification.buttons = labelsOf(QJsonDocument::fromJson(actions).array());
    }
    return notification;
}

void NotificationMockup::setNotification(const Notification &notification)
{
    m_notification = notification;
    m_placeholder.clear();
    updateGeometry();
    update();
}

void NotificationMockup::setPlaceholder(const QString &text)
{
    m_notification = Notification();
    m_placeholder = text;
    updateGeometry();
    update();
}

void NotificationMockup::setAppName(const QString &name)
{
    m_appName = name;
    update();
}

QSize NotificationMockup::sizeHint() const
{
    return QSize(320, heightForWidth(320));
}

int NotificationMockup::heightForWidth(int width) const
{
    return layoutCard(width, nullptr);
}

void NotificationMockup::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    // The lock screen behind the card: a dark wallpaper on both systems.
    const QColor wallpaper = m_style == Style::Ios ? QColor(0x1c, 0x2a, 0x4a) : QColor(0x20, 0x24, 0x2c);
    painter.fillRect(rect(), wallpaper);
    layoutCard(width(), &painter);
}

int NotificationMockup::layoutCard(int width, QPainter *painter) const
{
    const bool ios = m_style == Style::Ios;
    const int cardWidth = width - 2 * kMargin;
    const int radius = ios ? 14 : 20;
    QFont base = font();
    QFont small = base;
    small.setPointSizeF(base.pointSizeF() * 0.85);
    QFont bold = base;
    bold.setBold(true);
    const QFontMetrics smallMetrics(small);
    const QFontMetrics boldMetrics(bold);
    const QFontMetrics baseMetrics(base);

    const bool hasImage = !m_notification.imageUrl.isEmpty();
    const int textWidth = cardWidth - 2 * kPadding - (hasImage ? kThumbnail + kPadding : 0);
    const QString body = m_placeholder.isEmpty() ? m_notification.body : m_placeholder;
    // Lock screens show a few lines of the body; the rest is cut.
    const int bodyLines = ios ? 4 : 3;
    QRect bodyRect = baseMetrics.boundingRect(QRect(0, 0, qMax(10, textWidth), 10000), Qt::TextWordWrap,
                                              body.isEmpty() ? QStringLiteral(" ") : body);
    bodyRect.setHeight(qMin(bodyRect.height(), bodyLines * baseMetrics.lineSpacing()));

    int y = kMargin + kPadding;
    const int headerY = y;
    y += smallMetrics.height() + 4;
    const int titleY = y;
    if (!m_notification.title.isEmpty())
        y += boldMetrics.height() + 2;
    const int bodyY = y;
    y += qMax(bodyRect.height(), hasImage ? kThumbnail - (y - titleY) : 0);
    const int buttonsY = y + 8;
    if (!m_notification.buttons.isEmpty())
        y = buttonsY + baseMetrics.height() + 8;
    const int cardHeight = y + kPadding - kMargin;

    if (painter) {
        const QRect card(kMargin, kMargin, cardWidth, cardHeight);
        QPainterPath path;
        path.addRoundedRect(card, radius, radius);
        painter->fillPath(path, ios ? QColor(245, 245, 247, 235) : QColor(0xf1, 0xf3, 0xf6));
        const int left = kMargin + kPadding;
        const QColor secondary(0x5f, 0x63, 0x68);
        const QColor primary(0x20, 0x21, 0x24);

        painter->setFont(small);
        painter->setPen(secondary);
        // The app's icon: a small rounded square.
        const int icon = smallMetrics.height();
        painter->setBrush(ios ? QColor(0x34, 0x78, 0xf6) : QColor(0x1a, 0x73, 0xe8));
        painter->setPen(Qt::NoPen);
        painter->drawRoundedRect(QRect(left, headerY, icon, icon), 4, 4);
        painter->setPen(secondary);
        const QString header = ios ? m_appName.toUpper() : m_appName + QStringLiteral(" • ") + tr("now");
        painter->drawText(QRect(left + icon + 6, headerY, cardWidth - 2 * kPadding - icon - 6, smallMetrics.height()),
                          Qt::AlignLeft | Qt::AlignVCenter, header);
        if (ios)
            painter->drawText(QRect(left, headerY, cardWidth - 2 * kPadding, smallMetrics.height()),
                              Qt::AlignRight | Qt::AlignVCenter, tr("now"));

        painter->setPen(primary);
        if (!m_notification.title.isEmpty()) {
            painter->setFont(bold);
            painter->drawText(QRect(left, titleY, textWidth, boldMetrics.height()), Qt::AlignLeft,
                              boldMetrics.elidedText(m_notification.title, Qt::ElideRight, textWidth));
        }
        painter->setFont(base);
        painter->setPen(m_placeholder.isEmpty() ? primary : secondary);
        painter->drawText(QRect(left, bodyY, textWidth, bodyRect.height()), Qt::TextWordWrap, body);

        if (hasImage) {
            // A box where the image would be, with the host it would come from: the console fetches nothing.
            const QRect thumb(kMargin + cardWidth - kPadding - kThumbnail, titleY, kThumbnail, kThumbnail);
            painter->setPen(QPen(secondary, 1, Qt::DashLine));
            painter->setBrush(QColor(0xdd, 0xe1, 0xe6));
            painter->drawRoundedRect(thumb, 6, 6);
            painter->setFont(small);
            const QString host = QUrl(m_notification.imageUrl).host();
            painter->drawText(thumb.adjusted(2, 2, -2, -2), Qt::AlignCenter | Qt::TextWrapAnywhere,
                              host.isEmpty() ? tr("image") : host);
        }

        if (!m_notification.buttons.isEmpty()) {
            painter->setFont(bold);
            painter->setPen(ios ? QColor(0x0a, 0x60, 0xd8) : QColor(0x1a, 0x73, 0xe8));
            const int count = int(m_notification.buttons.size());
            const int each = (cardWidth - 2 * kPadding) / count;
            for (int i = 0; i < count; ++i) {
                const QRect cell(left + i * each, buttonsY, each, baseMetrics.height() + 4);
                const QString label = ios ? m_notification.buttons.at(i) : m_notification.buttons.at(i).toUpper();
                painter->drawText(cell, ios ? Qt::AlignCenter : Qt::AlignLeft | Qt::AlignVCenter,
                                  boldMetrics.elidedText(label, Qt::ElideRight, each - 4));
            }
        }
    }
    return cardHeight + 2 * kMargin;
}

} // namespace vestnik
