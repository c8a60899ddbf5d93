#include "WorkerMain.h"
#include "security/CryptoLibrary.h"

int main(int argc, char **argv)
{
    vestnik::initCryptoLibrary();
    return vestnik::runWorker(argc, argv);
}
