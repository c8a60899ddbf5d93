#pragma once

namespace vestnik {

/// Starts OpenSSL without its exit-time clean-up. Call first thing in main(), before anything else touches OpenSSL.
///
/// OpenSSL frees its global state, and deletes the thread-local keys that free each thread's state, from an atexit
/// handler. Qt's threads (QNetworkAccessManager's HTTP thread, which does the TLS of token fetches) are detached:
/// QThread::wait() returns before the thread has run its thread-local destructors. A process that exits right after
/// could run OpenSSL's handler first; the thread's error queue and random generators then lost their destructor and
/// leaked (LeakSanitizer failed a worker about one run in three). Without the handler, the state lives until the
/// process is gone, which is all the handler bought.
void initCryptoLibrary();

} // namespace vestnik
