/* main.c: the cutover command, also installed as kubectl-cutover so that `kubectl cutover ...`
 * works through kubectl's plugin mechanism: the verbs of `kubectl argo rollouts` (get, list,
 * status, promote, abort, retry, pause, restart, set image, undo, lint, version, completion)
 * with kubectl's global flags, and `run` / `replay` for scenarios. */
#include "cli/cli.h"
#include "scenarios/runner/replay.h"
#include "scenarios/runner/runner.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef CUTOVER_VERSION
#define CUTOVER_VERSION "0.0.0"
#endif

static const struct {
    const char *name, *usage, *help;
} commands[] = {
    {"get", "get rollout ROLLOUT_NAME [-w] [--no-color] [--timeout-seconds N]",
     "Show a rollout: its status, strategy, images and the tree of revisions, ReplicaSets and pods."},
    {"list", "list rollouts [--name NAME] [-w] [-A]", "List rollouts as a table."},
    {"status", "status ROLLOUT_NAME [-w=true|false] [-t TIMEOUT]",
     "Show the rollout's status; by default watch it until it is Healthy (exit 0) or Degraded (exit 1)."},
    {"promote", "promote ROLLOUT_NAME [--full]",
     "Promote a rollout: skip the current pause or step; --full skips all remaining steps and pauses."},
    {"abort", "abort ROLLOUT_NAME...", "Abort a rollout: traffic and the stable ReplicaSet go back to stable."},
    {"retry", "retry rollout ROLLOUT_NAME...", "Retry an aborted rollout."},
    {"pause", "pause ROLLOUT_NAME", "Pause a rollout (spec.paused)."},
    {"restart", "restart ROLLOUT_NAME [--in DURATION]", "Restart the pods of a rollout, now or after DURATION."},
    {"set", "set image ROLLOUT_NAME CONTAINER=IMAGE", "Update a container's image (CONTAINER * for all)."},
    {"undo", "undo ROLLOUT_NAME [--to-revision N]", "Roll back to the previous revision, or to revision N."},
    {"lint", "lint -f FILE", "Validate rollout manifests offline (FILE - for standard input)."},
    {"version", "version [--short]", "Print the version."},
    {"completion", "completion bash|zsh", "Print a shell completion script."},
    {"run", "run [--kubeconfig FILE] [--context C] [--ingress HOST:PORT] [--db FILE] [--seed N] [--verbose] FILE|DIR...",
     "Run scenario files (a directory: every *.yaml in it). Without --kubeconfig each runs against an\n"
     "  embedded simulated cluster in virtual time; with it, against that cluster. --db FILE records the\n"
     "  run (one scenario) for `replay`."},
    {"replay", "replay FILE [--at SEQ] [--object KIND/NAME] [--format jsonl]",
     "Print a recorded run's timeline, the state at a sequence number, or one object's history."},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static const char *global_flags =
    "Global flags (kubectl's): -n, --namespace NS; --context C; --kubeconfig FILE; -A, --all-namespaces;\n"
    "  -v, --v=N (log each request); --no-color (also NO_COLOR in the environment).\n";

static int usage(FILE *out, int rc)
{
    fprintf(out, "cutover: progressive delivery for Kubernetes (the verbs of kubectl argo rollouts).\n"
                 "Also installed as kubectl-cutover: `kubectl cutover promote app-backend --full`.\n\nCommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  cutover %s\n", commands[i].usage);
    fprintf(out, "\n%s\n`cutover help COMMAND` or `cutover COMMAND --help` for one command.\n", global_flags);
    return rc;
}

static int command_help(FILE *out, const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].name, name)) {
            fprintf(out, "%s\n\nUsage:\n  cutover %s\n\n%s", commands[i].help, commands[i].usage, global_flags);
            return 0;
        }
    fprintf(stderr, "error: unknown command \"%s\"\n", name);
    return 2;
}
static int cmd_run(int argc, char **argv)
{
    sc_run_opts o = {0};
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    int n = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--kubeconfig") && v)
            o.kubeconfig = argv[++i];
        else if (!strcmp(a, "--context") && v)
            o.context = argv[++i];
        else if (!strcmp(a, "--ingress") && v)
            o.ingress = argv[++i];
        else if (!strcmp(a, "--db") && v)
            o.db = argv[++i];
        else if (!strcmp(a, "--seed") && v) {
            char *end;
            o.seed = strtoull(argv[++i], &end, 10);
            if (*end || !o.seed) {
                fprintf(stderr, "cutover run: --seed %s: expected a positive number\n", argv[i]);
                free(paths);
                return 2;
            }
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v"))
            o.verbose++;
        else if (a[0] == '-') {
            fprintf(stderr, "cutover run: unknown or incomplete option %s\n", a);
            free(paths);
            command_help(stderr, "run");
            return 2;
        } else
            paths[n++] = a;
    }
    if (!n) {
        free(paths);
        command_help(stderr, "run");
        return 2;
    }
    int failed = sc_run_paths(paths, n, &o);
    free(paths);
    return failed == 0 ? 0 : failed < 0 ? 2 : 1;
}

static int cmd_replay(int argc, char **argv)
{
    sc_replay_opts o = {0};
    const char *file = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--at") && v) {
            char *end;
            o.at = strtoll(argv[++i], &end, 10);
            if (*end || o.at <= 0) {
                fprintf(stderr, "cutover replay: --at %s: expected a sequence number\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--object") && v)
            o.object = argv[++i];
        else if (!strcmp(a, "--format") && v) {
            if (strcmp(argv[++i], "jsonl") && strcmp(argv[i], "text")) {
                fprintf(stderr, "cutover replay: --format %s: expected text or jsonl\n", argv[i]);
                return 2;
            }
            o.jsonl = !strcmp(argv[i], "jsonl");
        } else if (a[0] != '-' && !file)
            file = a;
        else {
            fprintf(stderr, "cutover replay: unexpected argument %s\n", a);
            command_help(stderr, "replay");
            return 2;
        }
    }
    if (!file) {
        command_help(stderr, "replay");
        return 2;
    }
    char err[1024];
    if (sc_replay(file, &o, stdout, err, sizeof err) != 0) {
        fprintf(stderr, "cutover replay: %s\n", err);
        return 1;
    }
    return 0;
}

static int cmd_version(cli_opts *o, int argc, char **argv)
{
    bool short_ = argc == 1 && !strcmp(argv[0], "--short");
    if (argc > (short_ ? 1 : 0))
        return cli_usage(o, "version", "unexpected argument %s", argv[short_ ? 1 : 0]);
    fprintf(o->out, "cutover: v%s\n", CUTOVER_VERSION);
    if (short_)
        return 0;
    struct utsname u;
    const char *machine = uname(&u) == 0 ? u.machine : "unknown";
    const char *arch = !strcmp(machine, "x86_64") ? "amd64" : !strcmp(machine, "aarch64") ? "arm64" : machine;
    #if defined(__clang__)
    const char *cc = "clang ";
#else
    const char *cc = "gcc ";
#endif
    fprintf(o->out, "  BuildDate: %s\n  Compiler: %s%s\n  Platform: linux/%s\n", __DATE__, cc, __VERSION__, arch);
    return 0;
}

static const char *verbs = "get list status promote abort retry pause restart set undo lint version completion run replay help";

static int cmd_completion(cli_opts *o, int argc, char **argv)
{
    if (argc != 1 || (strcmp(argv[0], "bash") && strcmp(argv[0], "zsh")))
        return cli_usage(o, "completion", "expected bash or zsh");
    bool zsh = !strcmp(argv[0], "zsh");
    if (zsh)
        fputs("#compdef cutover kubectl-cutover\nautoload -U +X bashcompinit && bashcompinit\n", o->out);
    /* subcommands, then rollout names from the cluster (kubectl's current context) */
    fprintf(o->out,
            "_cutover() {\n"
            "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
            "  if [ \"$COMP_CWORD\" -eq 1 ]; then COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return; fi\n"
            "  case \"${COMP_WORDS[1]}\" in\n"
            "    get|list) [ \"$COMP_CWORD\" -eq 2 ] && { COMPREPLY=($(compgen -W \"rollout rollouts\" -- \"$cur\")); return; } ;;\n"
            "    retry) [ \"$COMP_CWORD\" -eq 2 ] && { COMPREPLY=($(compgen -W \"rollout\" -- \"$cur\")); return; } ;;\n"
            "    set) [ \"$COMP_CWORD\" -eq 2 ] && { COMPREPLY=($(compgen -W \"image\" -- \"$cur\")); return; } ;;\n"
            "    completion) COMPREPLY=($(compgen -W \"bash zsh\" -- \"$cur\")); return ;;\n"
            "    run|replay|lint|version) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
            "  esac\n"
            "  case \"$cur\" in -*) COMPREPLY=($(compgen -W \"--namespace --context --kubeconfig --all-namespaces --no-color "
            "--full --watch --timeout --in --to-revision --help\" -- \"$cur\")); return ;; esac\n"
            "  COMPREPLY=($(compgen -W \"$(kubectl get rollouts.argoproj.io -o "
            "jsonpath='{.items[*].metadata.name}' 2>/dev/null)\" -- \"$cur\"))\n"
            "}\n"
            "complete -F _cutover cutover kubectl-cutover\n",
            verbs);
    return 0;
}

static bool is_verb(const char *cmd)
{
    static const char *const v[] = {"promote", "abort", "retry", "pause", "restart", "set", "undo"};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        if (!strcmp(cmd, v[i]))
            return true;
    return false;
}

/* Takes kubectl's global flags out of argv (anywhere after the command), into o; the rest stays
   in order. 0, or 2 after a usage error. */
static int global_options(cli_opts *o, int *argc, char **argv, bool *no_color)
{
    int n = 0;
    for (int i = 0; i < *argc; i++) {
        const char *a = argv[i], *v = i + 1 < *argc ? argv[i + 1] : NULL;
        static const struct {
            const char *s, *l;
        } valued[] = {{"-n", "--namespace"}, {NULL, "--context"}, {NULL, "--kubeconfig"}};
        const char **dst[] = {&o->namespace_, &o->context, &o->kubeconfig};
        bool taken = false;
        for (size_t k = 0; k < 3 && !taken; k++) {
            size_t ll = strlen(valued[k].l);
            if ((valued[k].s && !strcmp(a, valued[k].s)) || !strcmp(a, valued[k].l)) {
                if (!v || !*v)
                    return cli_usage(o, argv[0], "flag needs an argument: %s", a);
                *dst[k] = argv[++i];
                taken = true;
            } else if (!strncmp(a, valued[k].l, ll) && a[ll] == '=') {
                *dst[k] = a + ll + 1;
                taken = true;
            } else if (valued[k].s && !strncmp(a, valued[k].s, 2) && a[2] && a[1] == 'n' && a[2] != '-') {
                *dst[k] = a[2] == '=' ? a + 3 : a + 2; /* -nNS, -n=NS */
                taken = true;
            }
        }
        if (taken)
            continue;
        if (!strcmp(a, "-A") || !strcmp(a, "--all-namespaces"))
            o->all_namespaces = true;
        else if (!strcmp(a, "--no-color"))
            *no_color = true;
        else if (!strcmp(a, "-v") || !strcmp(a, "--v"))
            o->verbose = o->verbose ? o->verbose : 1;
        else if (!strncmp(a, "-v=", 3) || !strncmp(a, "--v=", 4))
            o->verbose = atoi(strchr(a, '=') + 1);
        else
            argv[n++] = argv[i];
    }
    *argc = n;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr, 2);
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || (!strcmp(argv[1], "help") && argc == 2))
        return usage(stdout, 0);
    if (!strcmp(argv[1], "help"))
        return command_help(stdout, argv[2]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc;
    if (!strcmp(argv[1], "run"))
        rc = cmd_run(argc - 2, argv + 2);
    else if (!strcmp(argv[1], "replay"))
        rc = cmd_replay(argc - 2, argv + 2);
    else {
        const char *base = strrchr(argv[0], '/');
        cli_opts o = {.out = stdout, .err = stderr, .clock = co_clock_real(),
                      .prog = !strcmp(base ? base + 1 : argv[0], "kubectl-cutover") ? "kubectl cutover" : "cutover"};
        bool no_color = false;
        int n = argc - 1; /* the global flags may come before the command too */
        rc = global_options(&o, &n, argv + 1, &no_color);
        o.color = !no_color && !getenv("NO_COLOR") && isatty(fileno(stdout));
        const char *cmd = n ? argv[1] : "";
        int sub = n - 1;
        char **sargv = argv + 2;
        bool help = false;
        for (int i = 0; i < sub; i++)
            help |= !strcmp(sargv[i], "-h") || !strcmp(sargv[i], "--help");
        if (rc)
            ;
        else if (!n)
            rc = usage(stderr, 2);
        else if (help)
            rc = command_help(stdout, cmd);
        else if (!strcmp(cmd, "get") || !strcmp(cmd, "list")) {
            const char *what = sub ? sargv[0] : "";
            if (strcmp(what, "rollout") && strcmp(what, "rollouts") && strcmp(what, "ro"))
                rc = cli_usage(&o, cmd, "expected `%s rollout%s`", cmd, !strcmp(cmd, "get") ? " ROLLOUT_NAME" : "s");
            else
                rc = (!strcmp(cmd, "get") ? cli_get : cli_list)(&o, sub - 1, sargv + 1);
        } else if (!strcmp(cmd, "status"))
            rc = cli_status(&o, sub, sargv);
        else if (!strcmp(cmd, "lint"))
            rc = cli_lint(&o, sub, sargv);
        else if (!strcmp(cmd, "version"))
            rc = cmd_version(&o, sub, sargv);
        else if (!strcmp(cmd, "completion"))
            rc = cmd_completion(&o, sub, sargv);
        else if (is_verb(cmd))
            rc = cli_verb(&o, cmd, sub, sargv);
        else {
            fprintf(stderr, "error: unknown command \"%s\" for \"%s\"\n", cmd, o.prog);
            fprintf(stderr, "Run '%s --help' for usage.\n", o.prog);
            rc = 2;
        }
    }
    curl_global_cleanup();
    return rc;
}
