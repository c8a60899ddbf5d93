#include "SimMain.h"

int main(int argc, char **argv)
{
    return vestnik::sim::runSimulator(argc, argv);
}
