/* main.c: the cutover-fakeapi executable: a standalone fake Kubernetes API server. */
#include "fakeapi/fakeapi.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static void usage(FILE *out)
{
    fprintf(out, "usage: cutover-fakeapi [--listen HOST:PORT] [--db FILE] [--kubeconfig-out FILE] [--seed N]\n"
                 "\n"
                 "Serves the Kubernetes API over HTTP (default 127.0.0.1:8001; port 0 picks a free one).\n"
                 "Without --db the store is in memory; with it, a SQLite file that survives restarts.\n");
}

int main(int argc, char **argv)
{
    fakeapi_options o = {.port = 8001};
    const char *kubeconfig = NULL;
    char host[64] = "127.0.0.1";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--listen") && v) {
            const char *colon = strrchr(v, ':');
            char *end;
            long port = colon ? strtol(colon + 1, &end, 10) : -1;
            if (!colon || *end || port < 0 || port > 65535 || (size_t)(colon - v) >= sizeof host) {
                fprintf(stderr, "cutover-fakeapi: --listen %s: expected HOST:PORT, e.g. 127.0.0.1:8001\n", v);
                return 2;
            }
            snprintf(host, sizeof host, "%.*s", (int)(colon - v), v);
            o.port = (uint16_t)port;
            i++;
        } else if (!strcmp(a, "--db") && v) {
            o.db_path = v;
            i++;
        } else if (!strcmp(a, "--kubeconfig-out") && v) {
            kubeconfig = v;
            i++;
        } else if (!strcmp(a, "--seed") && v) {
            o.seed = strtoull(v, NULL, 10);
            i++;
        } else {
            fprintf(stderr, "cutover-fakeapi: unknown or incomplete argument: %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    o.host = host;
    char err[512];
    fakeapi *f = fakeapi_start(&o, err, sizeof err);
    if (!f) {
        fprintf(stderr, "cutover-fakeapi: %s\n", err);
        return 1;
    }
    if (kubeconfig && fakeapi_write_kubeconfig(f, kubeconfig, err, sizeof err) != 0) {
        fprintf(stderr, "cutover-fakeapi: --kubeconfig-out %s\n", err);
        fakeapi_stop(f);
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    printf("cutover-fakeapi serving %s%s%s%s\n", fakeapi_url(f), o.db_path ? " (store: " : " (store: memory)",
           o.db_path ? o.db_path : "", o.db_path ? ")" : "");
    fflush(stdout);
    while (!stop)
        pause();
    fakeapi_stop(f);
    return 0;
}
