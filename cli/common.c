/* common.c: the connection and the error conventions shared by the cutover subcommands. */
#include "cli/cli.h"

#include <stdarg.h>
#include <string.h>

int cli_connect(const cli_opts *o, kube_client **c, const char **ns)
{
    kube_config_opts co = {o->kubeconfig, o->context, o->namespace_};
    kube_config cfg;
    char err[1024];
    if (kube_config_load(&co, &cfg, err, sizeof err) != 0) {
        cli_fail(o, "%s", err);
        return -1;
    }
    kube_client_opts ko = {.qps = 50, .burst = 100, .verbose = o->verbose, .max_retries = 1};
    *c = kube_client_new(&cfg, &ko, err, sizeof err);
    kube_config_free(&cfg);
    if (!*c) {
        cli_fail(o, "%s", err);
        return -1;
    }
    *ns = kube_client_namespace(*c);
    return 0;
}

static void vfail(const cli_opts *o, const char *fmt, va_list ap)
{
    fputs("error: ", o->err);
    vfprintf(o->err, fmt, ap);
    fputc('\n', o->err);
}

int cli_fail(const cli_opts *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(o, fmt, ap);
    va_end(ap);
    return 1;
}

int cli_usage(const cli_opts *o, const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(o, fmt, ap);
    va_end(ap);
    fprintf(o->err, "See '%s %s --help' for usage.\n", o->prog, cmd);
    return 2;
}

const char *cli_status_text(const kube_status *st)
{
    return st->message[0] ? st->message : st->reason[0] ? st->reason : "request failed";
}

int cli_parse_bool(const char *s, bool *v)
{
    static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        if (!strcmp(s, t[i]) || !strcmp(s, f[i])) {
            *v = !strcmp(s, t[i]);
            return 0;
        }
    }
    return -1;
}
