#include "app/cli/cli.h"

int main(int argc, char** argv) { return callgate::app::runCli(argc, argv); }
