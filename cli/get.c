/* get.c: `get rollout` and `list rollouts` (being written). */
#include "cli/cli.h"

int cli_get(cli_opts *o, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail(o, "get: not implemented yet");
}

int cli_list(cli_opts *o, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail(o, "list: not implemented yet");
}
