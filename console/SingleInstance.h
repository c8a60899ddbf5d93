#pragma once

#include <QObject>
#include <QString>

class QLocalServer;

namespace vestnik {

/// Makes the console run once per user: the first instance listens on a local socket named after the user
/// and the settings file; a second one finds it, asks it to come to the front, and exits.
class SingleInstance final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SingleInstance)

public:
    /// `key` tells instances apart (e.g. the settings file's path): the same key means the same instance.
    explicit SingleInstance(const QString &key, QObject *parent = nullptr);
    ~SingleInstance() override;

    /// Becomes the primary instance, or tells the running one to show itself. True: this is the primary one.
    bool claim();
    QString serverName() const { return m_serverName; }

Q_SIGNALS:
    /// Another start of the console asked this one to come to the front.
    void activationRequested();

private:
    QString m_serverName;
    QLocalServer *m_server = nullptr;
};

} // namespace vestnik
