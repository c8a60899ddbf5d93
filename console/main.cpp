#include "ConsoleMain.h"
#include "security/CryptoLibrary.h"

int main(int argc, char **argv)
{
    vestnik::initCryptoLibrary();
    return vestnik::runConsole(argc, argv);
}
