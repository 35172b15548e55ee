/* verbs.c: the rollout verbs of kubectl argo rollouts (promote, abort, retry, pause, restart,
 * set image, undo), each the exact request of Argo's CLI through controller/actions and the
 * same confirmation line. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "controller/actions.h"

typedef struct {
    bool full;
    const char *in;
    int64_t to_revision;
    int nargs;
    char **args;
} verb_args;

/* Parses the verb's own flags; the rest are positional. 0, or an exit code (2) after a usage
   error. */
static int parse(cli_opts *o, const char *verb, int argc, char **argv, verb_args *va)
{
    va->args = calloc((size_t)argc + 1, sizeof *va->args);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool promote = !strcmp(verb, "promote"), restart = !strcmp(verb, "restart"), undo = !strcmp(verb, "undo");
        if (promote && (!strcmp(a, "--full") || !strcmp(a, "-a") || !strcmp(a, "--skip-all-steps")))
            va->full = true; /* -a/--skip-all-steps: deprecated, "use --full instead" */
        else if (promote && (!strcmp(a, "-c") || !strcmp(a, "--skip-current-step")))
            ; /* deprecated, "use without the flag instead" */
        else if (restart && (!strcmp(a, "--in") || !strcmp(a, "-i")) && v)
            va->in = argv[++i];
        else if (restart && !strncmp(a, "--in=", 5))
            va->in = a + 5;
        else if (undo && (!strcmp(a, "--to-revision") || !strncmp(a, "--to-revision=", 14))) {
            const char *n = a[13] == '=' ? a + 14 : v;
            char *end;
            if (!n || !*n || (va->to_revision = strtoll(n, &end, 10), *end) || va->to_revision < 0)
                return cli_usage(o, verb, "--to-revision: expected a revision number");
            if (a[13] != '=')
                i++;
        } else if (a[0] == '-' && a[1])
            return cli_usage(o, verb, "unknown flag: %s", a);
        else
            va->args[va->nargs++] = argv[i];
    }
    return 0;
}

int cli_verb(cli_opts *o, const char *verb, int argc, char **argv)
{
    verb_args va = {0};
    int rc = parse(o, verb, argc, argv, &va);
    if (rc) {
        free(va.args);
        return rc;
    }
    bool set = !strcmp(verb, "set"), retry = !strcmp(verb, "retry");
    bool many = !strcmp(verb, "abort") || retry;
    int first = set || retry ? 1 : 0; /* `set image NAME C=IMG`, `retry rollout NAME...` */
    char **args = va.args + first;
    int n = va.nargs - first, want = set ? 2 : 1;
    const char *kind = first && va.nargs ? va.args[0] : NULL;
    const char *eq = set && n >= 2 ? strchr(args[1], '=') : NULL;
    if (first && (!kind || (set && strcmp(kind, "image")) ||
                  (retry && strcmp(kind, "rollout") && strcmp(kind, "experiment"))))
        rc = cli_usage(o, verb, set ? "expected `set image ROLLOUT_NAME CONTAINER=IMAGE`"
                                    : "expected `retry rollout ROLLOUT_NAME...`");
    else if (retry && !strcmp(kind, "experiment"))
        rc = cli_fail(o, "experiments are not supported by Cutover yet");
    else if (n < want || (!many && n > want))
        rc = cli_usage(o, verb, "expected %s",
                       set ? "ROLLOUT_NAME CONTAINER=IMAGE" : many ? "ROLLOUT_NAME..." : "ROLLOUT_NAME");
    else if (set && (!eq || eq == args[1] || !eq[1]))
        rc = cli_usage(o, verb, "expected CONTAINER=IMAGE, got %s", args[1]);
    kube_client *c = NULL;
    const char *ns;
    if (rc || cli_connect(o, &c, &ns) != 0) {
        free(va.args);
        return rc ? rc : 1;
    }
    for (int i = 0; i < (many ? n : 1) && rc == 0; i++) {
        const char *name = args[i];
        kube_status st = {0};
        int r;
        if (!strcmp(verb, "promote"))
            r = ro_promote(c, ns, name, va.full, &st);
        else if (!strcmp(verb, "abort"))
            r = ro_abort(c, ns, name, &st);
        else if (retry)
            r = ro_retry(c, ns, name, &st);
        else if (!strcmp(verb, "pause"))
            r = ro_pause(c, ns, name, &st);
        else if (!strcmp(verb, "restart"))
            r = ro_restart(c, ns, name, o->clock, va.in, &st);
        else if (!strcmp(verb, "undo"))
            r = ro_undo(c, ns, name, va.to_revision, &st);
        else {
            char container[256];
            snprintf(container, sizeof container, "%.*s", (int)(eq - args[1]), args[1]);
            r = ro_set_image(c, ns, name, container, eq + 1, &st);
        }
        if (r != 0)
            rc = cli_fail(o, "%s", cli_status_text(&st));
        else
            fprintf(o->out, "%s\n", st.message);
    }
    kube_client_free(c);
    free(va.args);
    return rc;
}
