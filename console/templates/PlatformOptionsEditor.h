#pragma once

#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QLineEdit;

namespace vestnik {

/// The delivery options of a template: template-wide priority, time to live and collapse key, and the Android
/// (`android`: channel, sound, priority, TTL, collapse key) and iOS (`apns`: category, sound, badge, thread id,
/// priority, TTL, collapse key) overrides, exactly the fields the worker's template JSON accepts. Empty means
/// "not set": the platform takes the template-wide value, the template the worker's default.
class PlatformOptionsEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlatformOptionsEditor)

public:
    explicit PlatformOptionsEditor(QWidget *parent = nullptr);

    /// Writes the options into `templateJson` (collapse_key, ttl_seconds, priority, android, apns).
    void writeTo(QJsonObject &templateJson) const;
    void readFrom(const QJsonObject &templateJson);
    void setReadOnly(bool readOnly);
    /// The edit for an option's JSON path ("android.channel_id", "ttl_seconds"), or null.
    QWidget *editFor(const QString &path) const;

Q_SIGNALS:
    void changed();

private:
    /// One option: its JSON path, whether it is a number, and its edit.
    struct Option {
        QString group; ///< "", "android" or "apns"
        QString key;
        bool isNumber = false;
        QWidget *edit = nullptr;
    };

    QLineEdit *addText(const QString &group, const QString &key, const QString &name, bool isNumber);
    QComboBox *addPriority(const QString &group, const QString &name, bool inherits);

    QList<Option> m_options;
};

} // namespace vestnik
