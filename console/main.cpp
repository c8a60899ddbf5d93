#include "ConsoleMain.h"

int main(int argc, char **argv)
{
    return vestnik::runConsole(argc, argv);
}
