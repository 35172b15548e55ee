/* status.c: `status` (being written). */
#include "cli/cli.h"

int cli_status(cli_opts *o, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail(o, "status: not implemented yet");
}
