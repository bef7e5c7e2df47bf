#include "cli/cli.h"
const struct cli_command cli_cmds_register[] = {{0}};
