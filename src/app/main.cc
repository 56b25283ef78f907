#include "app/cli.h"

int main(int argc, char** argv) { return callgate::app::runCli(argc, argv); }
