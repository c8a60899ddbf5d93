#pragma once

#include "util/Result.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QString>
#include <QStringList>

class QCommandLineParser;

namespace vestnik::sim {

/// Everything vestnik-sim is started with: the JSON config file first, then command-line options over it.
/// Relative paths in the file are relative to the file.
struct SimSettings {
    struct ServiceAccountFile {
        QString path;
        QString projectNumber;
    };
    struct ApnsKeyFile {
        QString teamId;
        QString keyId;
        QString path;        ///< .p8 (private) or a PEM public key
        QString environment; ///< development, production or both
        QStringList topics;  ///< empty: any topic (a team-scoped key)
    };
    struct AuthClient {
        QString id;
        QString secret;
        QStringList scopes;
    };

    QString dataDir = QStringLiteral("vestnik-sim-data");
    QHostAddress host = QHostAddress(QHostAddress::LocalHost);
    QHostAddress adminHost = QHostAddress(QHostAddress::LocalHost);
    int googlePort = 8443;
    int apnsPort = 8444;
    int authPort = 8445;
    int adminPort = 8446;
    QString tlsCertificate;
    QString tlsKey;
    QString caOut;
    QStringList serverNames;

    QList<ServiceAccountFile> serviceAccounts;
    int googleTokenLifetime = 3599;

    QString apnsEnvironment = QStringLiteral("development");
    QList<ApnsKeyFile> apnsKeys;
    QString apnsClientCa;
    QStringList apnsDisallowedTopics;
    int apnsIdleTimeoutSeconds = 0;

    QString authIssuer;
    QString authAudience = QStringLiteral("vestnik");
    int authTokenLifetime = 3600;
    QList<AuthClient> authClients;

    QString fleetFile;
    QJsonObject fleet;
    QJsonObject reactions;
    QJsonObject behaviour;
    QString recordFile;
    quint64 seed = 1;
    bool hasSeed = false;
    QString logLevel = QStringLiteral("info");

    /// Reads the JSON config file (every problem is reported with its key).
    static Result<SimSettings> fromFile(const QString &path);
    static Result<SimSettings> fromJson(const QJsonObject &json, const QString &baseDirectory);
    /// Applies the command-line options of SimMain over these settings.
    Result<void> applyCommandLine(const QCommandLineParser &parser);
};

} // namespace vestnik::sim
