// Pushes per second, sender CPU per push and memory per in-flight push through the provider transport, against
// vestnik-sim's FCM endpoint over TLS + HTTP/2 on this machine; and the latency of a single send on an idle
// connection. Runs both transports: the libnghttp2 pool and, for comparison, QNetworkAccessManager.
//
//   send_throughput_bench --sim build/simulator/vestnik-sim [--count 200000] [--inflight 1000]
//                         [--transport h2|qnam|both] [--sim-cpu 0] [--latency-samples 2000]
// The simulator is started pinned to --sim-cpu; pin this process to the other core with taskset.
#include "BenchSupport.h"
#include "provider/GoogleTokenSource.h"
#include "provider/Http2Pool.h"
#include "provider/NamTransport.h"
#include "provider/PayloadBuilder.h"
#include "provider/ServiceAccount.h"
#include "security/JwtKey.h"
#include "util/Clock.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

using namespace vestnik;
using namespace vestnik::bench;

namespace {

HttpRequest pushRequest(const QByteArray &bearer, int i)
{
    const QString token = QStringLiteral("bench-device-%1:APA91b").arg(i) + QString(120, QLatin1Char('x'));
    const nlohmann::json message = {
        {"notification",
         {{"title", "Заказ отменён"}, {"body", "Заказ №12345 отменён, деньги вернутся в течение 3 дней"}}},
        {"data", {{"vestnik_nid", "0123456789abcdef0123456789abcdef"}, {"order_id", "12345"}}},
        {"android", {{"priority", "high"}, {"ttl", "86400s"}, {"collapse_key", "0123456789abcdef"}}}};
    HttpRequest request;
    request.path = QByteArrayLiteral("/v1/projects/bench/messages:send");
    request.headers = {{"authorization", "Bearer " + bearer}, {"content-type", "application/json"}};
    request.body = PayloadBuilder::fcmRequestBody(message, token);
    return request;
}

struct Figures {
    double pushesPerSecond = 0;
    double cpuMicrosPerPush = 0;
    double rssPerInFlight = 0;
    int failures = 0;
};

std::vector<HttpRequest> prerender(const QByteArray &bearer, int count)
{
    std::vector<HttpRequest> requests;
    requests.reserve(size_t(count));
    for (int i = 0; i < count; ++i)
        requests.push_back(pushRequest(bearer, i));
    return requests;
}

// Only the transport is measured here (callgrind: --toggle-collect='*runTransport*').
Figures runTransport(PushTransport &transport, std::vector<HttpRequest> &requests, int inflight)
{
    const int count = int(requests.size());
    Figures figures;
    int sent = 0;
    int answered = 0;
    qint64 peakRss = 0;
    const qint64 rssBefore = rssBytes();
    std::function<void()> topUp;
    const ResponseHandler handler = [&](HttpResponse &&response) {
        ++answered;
        figures.failures += response.status == 200 ? 0 : 1;
        if (answered % 1000 == 0)
            peakRss = std::max(peakRss, rssBytes());
        topUp();
    };
    topUp = [&] {
        while (sent < count && sent - answered < inflight)
            transport.send(std::move(requests[size_t(sent++)]), handler);
    };
    const double cpuStart = cpuSeconds();
    QElapsedTimer wall;
    wall.start();
    topUp();
    waitUntil([&] { return answered == count; }, 600'000);
    const double seconds = double(wall.nsecsElapsed()) / 1e9;
    figures.pushesPerSecond = answered / seconds;
    figures.cpuMicrosPerPush = (cpuSeconds() - cpuStart) * 1e6 / std::max(answered, 1);
    figures.rssPerInFlight = double(std::max<qint64>(0, peakRss - rssBefore)) / inflight;
    return figures;
}

void latency(PushTransport &transport, const QByteArray &bearer, int samples, double &p50, double &p99)
{
    std::vector<double> micros;
    micros.reserve(size_t(samples));
    for (int i = 0; i < samples + 50; ++i) {
        bool done = false;
        QElapsedTimer timer;
        timer.start();
        transport.send(pushRequest(bearer, i), [&](HttpResponse &&) { done = true; });
        waitUntil([&] { return done; }, 10'000);
        if (i >= 50) // the first ones open the connection and warm up
            micros.push_back(double(timer.nsecsElapsed()) / 1e3);
    }
    std::sort(micros.begin(), micros.end());
    p50 = micros[micros.size() / 2];
    p99 = micros[micros.size() * 99 / 100];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption simOption(QStringLiteral("sim"), QStringLiteral("vestnik-sim binary"),
                                       QStringLiteral("path"));
    const QCommandLineOption countOption(QStringLiteral("count"), QStringLiteral("pushes"), QStringLiteral("n"),
                                         QStringLiteral("200000"));
    const QCommandLineOption inflightOption(QStringLiteral("inflight"), QStringLiteral("pushes in flight"),
                                            QStringLiteral("n"), QStringLiteral("1000"));
    const QCommandLineOption transportOption(QStringLiteral("transport"), QStringLiteral("h2, qnam or both"),
                                             QStringLiteral("name"), QStringLiteral("both"));
    const QCommandLineOption cpuOption(QStringLiteral("sim-cpu"), QStringLiteral("core for the simulator"),
                                       QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption samplesOption(QStringLiteral("latency-samples"), QStringLiteral("single sends"),
                                           QStringLiteral("n"), QStringLiteral("2000"));
    parser.addOptions({simOption, countOption, inflightOption, transportOption, cpuOption, samplesOption});
    parser.process(app);

    QTemporaryDir dir;
    Sim sim;
    if (!startSim(sim, parser.value(simOption), dir.path(), parser.value(cpuOption).toInt())) {
        std::fprintf(stderr, "vestnik-sim did not start\n");
        return 1;
    }
    const QList<QSslCertificate> ca = QSslCertificate::fromPath(sim.caPath);
    Result<ServiceAccount> account = ServiceAccount::fromFile(dir.filePath(QStringLiteral("sa.json")));
    QNetworkAccessManager network;
    GoogleTokenSource::Options options;
    options.tokenEndpoint = sim.google.resolved(QUrl(QStringLiteral("/token")));
    options.caCertificates = ca;
    GoogleTokenSource tokens(*account, options, network, SystemClock::instance());
    QByteArray bearer;
    tokens.token([&](Result<QByteArray> token) { bearer = token ? *token : QByteArrayLiteral("-"); });
    waitUntil([&] { return !bearer.isEmpty(); }, 20'000);

    Http2Endpoint endpoint;
    endpoint.host = sim.google.host();
    endpoint.port = quint16(sim.google.port());
    endpoint.caCertificates = ca;
    const int count = parser.value(countOption).toInt();
    const int inflight = parser.value(inflightOption).toInt();
    const QString which = parser.value(transportOption);
    std::printf("%-6s %10s %9s %14s %14s %12s %12s %9s\n", "", "pushes", "pushes/s", "CPU us/push", "RSS/in-flight",
                "p50 idle us", "p99 idle us", "failures");
    for (const QString &name : {QStringLiteral("h2"), QStringLiteral("qnam")}) {
        if (which != QStringLiteral("both") && which != name)
            continue;
        std::unique_ptr<PushTransport> transport;
        if (name == QStringLiteral("h2"))
            transport = std::make_unique<Http2Pool>(endpoint);
        else
            transport = std::make_unique<NamTransport>(endpoint);
        double p50 = 0;
        double p99 = 0;
        latency(*transport, bearer, parser.value(samplesOption).toInt(), p50, p99);
        std::vector<HttpRequest> requests = prerender(bearer, count);
        const Figures f = runTransport(*transport, requests, inflight);
        std::printf("%-6s %10d %9.0f %14.2f %12.0f B %12.0f %12.0f %9d\n", qPrintable(name), count, f.pushesPerSecond,
                    f.cpuMicrosPerPush, f.rssPerInFlight, p50, p99, f.failures);
        std::fflush(stdout);
    }
    sim.process.terminate();
    sim.process.waitForFinished(10'000);
    return 0;
}
