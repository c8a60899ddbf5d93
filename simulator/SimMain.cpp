#include "SimMain.h"

#include "SimLogging.h"
#include "SimSettings.h"
#include "Simulator.h"
#include "util/Clock.h"
#include "util/LogHandler.h"
#include "util/SignalWatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

namespace vestnik::sim {

namespace {

const char *const kDescription = R"TEXT(Vestnik simulator: the outside world for tests, benchmarks and demos.

It serves, each on its own TLS + HTTP/2 port (ALPN h2), with a throw-away CA it creates in the data directory
on first start (clients trust <data-dir>/ca.pem, or the copy written with --ca-out):
  google  Google OAuth 2.0 token endpoint (POST /token, JWT-bearer grant for service accounts) and
          FCM HTTP v1 (POST /v1/projects/{project}/messages:send)
  apns    APNs provider API (POST /3/device/{token}), token (ES256 .p8) and certificate authentication
  auth    a reference company Auth Service: POST /oauth2/token (client credentials, ES256 JWTs),
          GET /.well-known/jwks.json, GET /v1/users/{id}/devices (scope devices:read)
and, in plain HTTP/1.1 on loopback, the admin endpoint:
  GET /admin/health, GET /admin/status
  GET /admin/behaviour, PUT /admin/behaviour (replace), PATCH /admin/behaviour (only the keys given)
  GET /admin/deliveries[?service=fcm|apns&token=T], DELETE /admin/deliveries
  GET /admin/fleet, GET /admin/reactions, PUT /admin/reactions (the virtual phones' behaviour)

Behaviour (config file "behaviour" object, or the admin endpoint; JSON):
  {"seed": 1,
   "tokens":  [{"service": "fcm|apns", "token": "T", "match": "exact|prefix",
                "state": "unregistered|invalid|sender_mismatch|third_party_auth_error (fcm),
                          unregistered|expired|invalid|topic (apns)", "timestamp": MS, "topic": "T"}],
   "errors":  [{"service": "fcm", "code": "UNAVAILABLE", "rate": 0.1, "retry_after": 5}],
   "bursts":  [{"service": "fcm", "count": 3, "code": "QUOTA_EXCEEDED", "retry_after": 30}],
   "latency": {"fcm": "uniform:5,20", "apns": "lognormal:10,0.5"},
   "goaway":  [{"service": "apns", "after_streams": 1000, "error_code": 0, "reason": "Shutdown"}],
   "streams": {"fcm": 100, "apns_initial": 1, "apns": 1000},
   "outages": [{"service": "apns", "start_in_ms": 0, "duration_ms": 5000, "retry_after": 1}],
   "quota":   {"fcm_per_minute": 600000}}
Random choices hash (seed, token, attempt), so a run repeats exactly with the same seed.

The readiness line on stdout names every URL. SIGINT/SIGTERM: GOAWAY on every connection, the recording
is written (--record-file), exit 0. Full reference: docs/simulator.md.)TEXT";

void applyLevel(const QString &level)
{
    QString rules = QStringLiteral("vestnik.*.debug=false\n");
    if (level == QStringLiteral("debug"))
        rules = QStringLiteral("vestnik.*.debug=true\n");
    else if (level == QStringLiteral("warning"))
        rules += QStringLiteral("vestnik.*.info=false\n");
    QLoggingCategory::setFilterRules(rules);
}

void addOptions(QCommandLineParser &parser)
{
    const auto option = [&parser](const QStringList &names, const char *description, const char *valueName = nullptr) {
        parser.addOption(QCommandLineOption(names, QString::fromUtf8(description),
                                            valueName ? QString::fromLatin1(valueName) : QString()));
    };
    option({QStringLiteral("c"), QStringLiteral("config")},
           "Read settings from a JSON <file> (keys: data_dir, host, admin_host, ports{google,apns,auth,admin}, "
           "tls{certificate,key,ca_out,names}, google{service_accounts,token_lifetime}, "
           "apns{environment,keys,client_ca,disallowed_topics,idle_timeout}, "
           "auth{issuer,audience,token_lifetime,clients}, "
           "fleet or fleet_file, reactions, behaviour, record_file, seed, log_level). Options below override it.",
           "file");
    option({QStringLiteral("data-dir")},
           "Directory for the generated CA (ca.pem, ca.key), server certificate and the Auth Service key; created "
           "on first start, reused later. Default: ./vestnik-sim-data.",
           "dir");
    option({QStringLiteral("host")}, "Address the google, apns and auth ports listen on. Default: 127.0.0.1.",
           "address");
    option({QStringLiteral("google-port")},
           "Port of Google OAuth + FCM HTTP v1 (TLS, HTTP/2). 0 picks a free port. Default: 8443.", "port");
    option({QStringLiteral("apns-port")}, "Port of APNs (TLS, HTTP/2 only). 0 picks a free port. Default: 8444.",
           "port");
    option({QStringLiteral("auth-port")},
           "Port of the reference Auth Service (TLS, HTTP/2). 0 picks a free port. Default: 8445.", "port");
    option({QStringLiteral("admin-port")},
           "Port of the admin endpoint (plain HTTP/1.1). 0 picks a free port. Default: 8446.", "port");
    option({QStringLiteral("admin-host")},
           "Address of the admin endpoint. Default: 127.0.0.1 (it has no authentication: keep it on loopback).",
           "address");
    option({QStringLiteral("tls-cert")},
           "Serve this PEM certificate chain instead of generating one (needs --tls-key; no CA is written).", "file");
    option({QStringLiteral("tls-key")}, "PEM private key of --tls-cert.", "file");
    option({QStringLiteral("ca-out")}, "Also copy the generated CA certificate (PEM) to this file for clients.",
           "file");
    option({QStringLiteral("server-name")},
           "Extra DNS name or IP address for the generated server certificate (repeatable). Always included: "
           "localhost, 127.0.0.1, ::1, oauth2.googleapis.com, fcm.googleapis.com, api.push.apple.com, "
           "api.sandbox.push.apple.com.",
           "name");
    option({QStringLiteral("service-account")},
           "Trust this Google service-account JSON key file (the one the client signs with; only its public key is "
           "used). Its project_id is the FCM project its tokens may send to. Repeatable.",
           "file");
    option({QStringLiteral("token-lifetime")}, "Seconds a Google access token lives (expires_in). Default: 3599.",
           "seconds");
    option({QStringLiteral("apns-key")},
           "Trust an APNs auth key: TEAMID:KEYID:FILE[:development|production|both], FILE being the .p8 (or its PEM "
           "public key). Repeatable. Tokens must be ES256, kid = KEYID, iss = TEAMID.",
           "spec");
    option({QStringLiteral("apns-environment")},
           "Which APNs this port is: development (api.sandbox.push.apple.com) or production. Keys and client "
           "certificates of the other environment are refused. Default: development.",
           "env");
    option({QStringLiteral("apns-client-ca")},
           "CA bundle that APNs client certificates must chain to (certificate-based auth). Default: the "
           "simulator's own CA, so certificates it signs (ca.key) are trusted.",
           "file");
    option({QStringLiteral("auth-client")},
           "An Auth Service client for the client-credentials grant: ID:SECRET:SCOPE[,SCOPE...] (repeatable; the "
           "secret has no colon), e.g. worker:s3cret:devices:read,events:write. Tokens with devices:read may call "
           "GET /v1/users/{id}/devices.",
           "spec");
    option({QStringLiteral("fleet")},
           "Virtual phones: a JSON fleet definition (users, devices, platforms, locales, tokens) or a generator "
           "({\"generate\": {...}}); see docs/simulator.md.",
           "file");
    option({QStringLiteral("record-file")}, "Write everything received (per token) as JSON to this file on exit.",
           "file");
    option({QStringLiteral("seed")}, "Seed for every random choice (faults, latency, phone reactions). Default: 1.",
           "n");
    option({QStringLiteral("log-level")}, "debug, info (default) or warning; logs go to stderr.", "level");
}

} // namespace

int runSimulator(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vestnik-sim"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VESTNIK_VERSION));
    QCoreApplication::setOrganizationName(QStringLiteral("Vestnik"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QString::fromUtf8(kDescription));
    parser.addHelpOption();
    parser.addVersionOption();
    addOptions(parser);
    parser.process(app);

    Result<SimSettings> settings = parser.isSet(QStringLiteral("config"))
                                       ? SimSettings::fromFile(parser.value(QStringLiteral("config")))
                                       : Result<SimSettings>(SimSettings());
    if (settings) {
        if (Result<void> applied = settings->applyCommandLine(parser); !applied)
            settings = applied.error();
    }
    if (!settings) {
        std::fprintf(stderr, "vestnik-sim: invalid configuration: %s\n", qPrintable(settings.error().message));
        return 2;
    }

    LogHandler logHandler(LogHandler::Format::Text, stderr, SystemClock::instance());
    logHandler.install();
    applyLevel(settings->logLevel);

    const QString recordFile = settings->recordFile;
    Simulator simulator(std::move(*settings), SystemClock::instance());
    if (Result<void> started = simulator.start(); !started) {
        std::fprintf(stderr, "vestnik-sim: cannot start: %s\n", qPrintable(started.error().message));
        return 1;
    }

    SignalWatcher stopWatcher;
    QObject::connect(&stopWatcher, &SignalWatcher::stopRequested, &app, [&](int signalNumber) {
        qCInfo(lcSim) << "signal" << signalNumber << "received, stopping";
        simulator.stop();
        if (!recordFile.isEmpty()) {
            if (Result<void> written = simulator.writeRecording(recordFile); !written)
                qCWarning(lcSim).noquote() << written.error().message;
            else
                qCInfo(lcSim).noquote() << "recording written to" << recordFile;
        }
        QCoreApplication::quit();
    });

    QTextStream out(stdout);
    out << "vestnik-sim " << QCoreApplication::applicationVersion() << " ready"
        << " google=" << simulator.googleUrl().toString() << " apns=" << simulator.apnsUrl().toString()
        << " auth=" << simulator.authUrl().toString() << " admin=" << simulator.adminUrl().toString();
    if (!simulator.caCertificatePath().isEmpty())
        out << " ca=" << simulator.caCertificatePath();
    out << Qt::endl;
    return QCoreApplication::exec();
}

} // namespace vestnik::sim
