#include "cli/cli.h"
const struct cli_command cli_cmds_audit[] = {{0}};
