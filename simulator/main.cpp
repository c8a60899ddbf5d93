#include "SimMain.h"
#include "security/CryptoLibrary.h"

int main(int argc, char **argv)
{
    vestnik::initCryptoLibrary();
    return vestnik::sim::runSimulator(argc, argv);
}
