// A program that starts OpenSSL as Vestnik's programs do (or, with --openssl-default, as OpenSSL would alone), lets a
// Qt thread use it, and exits. An exit handler registered before OpenSSL's, so run after it, prints whether OpenSSL
// still served the process by then.
#include "security/CryptoLibrary.h"

#include <QCoreApplication>
#include <QThread>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace {

void report()
{
    // After OPENSSL_cleanup() every initialisation fails.
    std::fputs(OPENSSL_init_crypto(0, nullptr) == 1 ? "openssl: running\n" : "openssl: cleaned up\n", stdout);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    std::atexit(report);
    if (argc < 2 || std::strcmp(argv[1], "--openssl-default") != 0)
        vestnik::initCryptoLibrary();
    QCoreApplication app(argc, argv);
    // As the HTTP thread of a token fetch: the thread's error queue holds an error when the thread ends.
    std::unique_ptr<QThread> thread(
        QThread::create([] { EVP_MD_free(EVP_MD_fetch(nullptr, "VESTNIK-NO-SUCH-DIGEST", nullptr)); }));
    thread->start();
    thread->wait();
    return 0;
}
