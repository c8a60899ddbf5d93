#pragma once

#include "util/Redactor.h"

#include <QMutex>
#include <QtGlobal>

#include <cstdio>
#include <functional>

class QIODevice;

namespace vestnik {

class Clock;

/// Writes every Qt log message as one redacted line: a JSON object per line for the worker
/// (ts, level, category, msg, and file/line/function in debug builds) or plain text for people.
/// Only one handler is installed at a time; uninstalled (and the previous one restored) on destruction.
class LogHandler final
{
public:
    enum class Format { Json, Text };

    /// Writes to the given stream (not owned), e.g. stderr.
    LogHandler(Format format, std::FILE *stream, const Clock &clock);
    /// Writes to the given device (not owned); for tests.
    LogHandler(Format format, QIODevice *device, const Clock &clock);
    ~LogHandler();
    Q_DISABLE_COPY_MOVE(LogHandler)

    void install();

    /// The redactor every line passes through; register secrets on it as they become known.
    Redactor &redactor() { return m_redactor; }

    /// Formats one message as it would be written (without the trailing newline).
    QByteArray format(QtMsgType type, const QMessageLogContext &context, const QString &message) const;

private:
    static void dispatch(QtMsgType type, const QMessageLogContext &context, const QString &message);
    void write(const QByteArray &line);

    Format m_format;
    std::FILE *m_stream = nullptr;
    QIODevice *m_device = nullptr;
    const Clock &m_clock;
    Redactor m_redactor;
    QMutex m_writeLock;
    QtMessageHandler m_previous = nullptr;
    bool m_installed = false;
};

} // namespace vestnik
