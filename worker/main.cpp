#include "WorkerMain.h"

int main(int argc, char **argv)
{
    return vestnik::runWorker(argc, argv);
}
