#include "util/LogHandler.h"

#include "util/Clock.h"

#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>

#include <atomic>

namespace vestnik {

namespace {

std::atomic<LogHandler *> s_active{nullptr};

QString levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return QStringLiteral("debug");
    case QtInfoMsg: return QStringLiteral("info");
    case QtWarningMsg: return QStringLiteral("warning");
    case QtCriticalMsg: return QStringLiteral("critical");
    case QtFatalMsg: return QStringLiteral("fatal");
    }
    return QStringLiteral("info");
}

} // namespace

LogHandler::LogHandler(Format format, std::FILE *stream, const Clock &clock)
    : m_format(format), m_stream(stream), m_clock(clock)
{}

LogHandler::LogHandler(Format format, QIODevice *device, const Clock &clock)
    : m_format(format), m_device(device), m_clock(clock)
{}

LogHandler::~LogHandler()
{
    if (m_installed) {
        LogHandler *self = this;
        s_active.compare_exchange_strong(self, nullptr);
        qInstallMessageHandler(m_previous);
    }
}

void LogHandler::install()
{
    s_active = this;
    m_previous = qInstallMessageHandler(&LogHandler::dispatch);
    m_installed = true;
}

QByteArray LogHandler::format(QtMsgType type, const QMessageLogContext &context, const QString &message) const
{
    const QString text = m_redactor.redact(message);
    const QString ts = m_clock.now().toString(Qt::ISODateWithMs);
    const QString category = QString::fromUtf8(context.category ? context.category : "default");
    if (m_format == Format::Text) {
        return (ts + QLatin1Char(' ') + levelName(type) + QLatin1Char(' ') + category + QStringLiteral(": ") + text)
            .toUtf8();
    }
    QJsonObject line{
        {QStringLiteral("ts"), ts},
        {QStringLiteral("level"), levelName(type)},
        {QStringLiteral("category"), category},
        {QStringLiteral("msg"), text},
    };
    if (context.file) {
        line.insert(QStringLiteral("file"), QString::fromUtf8(context.file));
        line.insert(QStringLiteral("line"), context.line);
    }
    return QJsonDocument(line).toJson(QJsonDocument::Compact);
}

void LogHandler::dispatch(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    LogHandler *handler = s_active.load();
    if (!handler)
        return;
    handler->write(handler->format(type, context, message));
}

void LogHandler::write(const QByteArray &line)
{
    QMutexLocker locker(&m_writeLock);
    if (m_device) {
        m_device->write(line);
        m_device->write("\n", 1);
        return;
    }
    std::fwrite(line.constData(), 1, size_t(line.size()), m_stream);
    std::fputc('\n', m_stream);
    std::fflush(m_stream);
}

} // namespace vestnik
