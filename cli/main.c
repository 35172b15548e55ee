/* main.c: the cutover command (also installed as kubectl-cutover): `run` and `replay` for
 * scenarios; the rollout verbs come with the CLI issue. */
#include "scenarios/runner/replay.h"
#include "scenarios/runner/runner.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(FILE *out, int rc)
{
    fprintf(out,
            "usage: cutover run [--kubeconfig FILE] [--context C] [--ingress HOST:PORT] [--db FILE] [--seed N]\n"
            "                   [--verbose] FILE|DIR...\n"
            "       cutover replay FILE [--at SEQ] [--object KIND/NAME] [--format jsonl]\n"
            "\n"
            "run: runs scenario files (a directory: every *.yaml in it). Without --kubeconfig, each runs\n"
            "     against an embedded simulated cluster in virtual time; with it, against that cluster.\n"
            "     --db FILE records the run (one scenario) for `cutover replay`.\n"
            "replay: prints a recorded run's timeline, the state at a sequence number, or one object's\n"
            "     history with the differences between its versions.\n");
    return rc;
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
            return usage(stderr, 2);
        } else
            paths[n++] = a;
    }
    if (!n) {
        free(paths);
        return usage(stderr, 2);
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
            return usage(stderr, 2);
        }
    }
    if (!file)
        return usage(stderr, 2);
    char err[1024];
    if (sc_replay(file, &o, stdout, err, sizeof err) != 0) {
        fprintf(stderr, "cutover replay: %s\n", err);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr, 2);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc;
    if (!strcmp(argv[1], "run"))
        rc = cmd_run(argc - 2, argv + 2);
    else if (!strcmp(argv[1], "replay"))
        rc = cmd_replay(argc - 2, argv + 2);
    else if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
        rc = usage(stdout, 0);
    else {
        fprintf(stderr, "cutover: unknown command %s\n", argv[1]);
        rc = usage(stderr, 2);
    }
    curl_global_cleanup();
    return rc;
}
