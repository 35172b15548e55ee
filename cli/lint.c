/* lint.c: `lint` (being written). */
#include "cli/cli.h"

int cli_lint(cli_opts *o, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail(o, "lint: not implemented yet");
}
