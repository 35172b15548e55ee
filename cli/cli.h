/* cli.h: what the cutover command's subcommands share: the global flags (kubectl's), the
 * connection to the API server, and the conventions of output and exit codes.
 *
 * Conventions (as kubectl argo rollouts): results on stdout; errors as one line on stderr,
 * "error: <message>"; exit 0 on success, 1 on an error, 2 on bad usage (unknown flag, missing
 * argument). Colours only when `color` is set. */
#ifndef CUTOVER_CLI_H
#define CUTOVER_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "common/clock.h"
#include "controller/kube/client.h"

typedef struct {
    /* global flags, accepted anywhere on the command line */
    const char *kubeconfig;  /* --kubeconfig */
    const char *context;     /* --context */
    const char *namespace_;  /* -n/--namespace; NULL = the context's */
    bool all_namespaces;     /* -A/--all-namespaces (where a command supports it) */
    int verbose;             /* -v/--v=N: log each request to stderr */
    bool color;              /* stdout is a terminal and neither --no-color nor NO_COLOR */
    FILE *out, *err;
    co_clock *clock;         /* "now" for ages and timeouts; tests use a fixed clock */
    const char *prog;        /* "cutover" or "kubectl cutover" (in messages and help) */
} cli_opts;

/* Connects as the global flags say: 0 with *c (caller frees) and *ns (the namespace to use,
   owned by *c), or -1 after printing one error line. */
int cli_connect(const cli_opts *o, kube_client **c, const char **ns);

/* "error: ..." on o->err; returns 1 (the exit code of an error). */
int cli_fail(const cli_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A usage error: "error: ..." and a hint at --help; returns 2. */
int cli_usage(const cli_opts *o, const char *cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Go's strconv.ParseBool (1 t T TRUE true True / 0 f F FALSE false False): 0 with *v, or -1. */
int cli_parse_bool(const char *s, bool *v);

/* A kube_status as one line, as kubectl prints API errors: `rollouts.argoproj.io "x" not found`,
   or the transport error. */
const char *cli_status_text(const kube_status *st);

/* Subcommands: argc/argv are what follows the subcommand's name, global flags removed. Each
   returns the exit code. */
int cli_get(cli_opts *o, int argc, char **argv);    /* get rollout NAME [-w] [--no-color] [--timeout-seconds N] */
int cli_list(cli_opts *o, int argc, char **argv);   /* list rollouts [--name N] [-w] (with -A) */
int cli_status(cli_opts *o, int argc, char **argv); /* status NAME [-w=true|false] [-t TIMEOUT] */
int cli_lint(cli_opts *o, int argc, char **argv);   /* lint -f FILE */
int cli_verb(cli_opts *o, const char *verb, int argc, char **argv); /* promote, abort, retry, pause,
                                                                       restart, set, undo */

#endif
