/* The kanalvakt program: hands the command line to cli_run(). */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_run(argc, argv);
}
