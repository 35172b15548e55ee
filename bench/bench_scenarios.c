/* bench_scenarios.c: how much faster than real time the scenarios run in simulation. For each
 * scenario file: the virtual time it covers, the wall-clock time it takes, and their ratio (the
 * speed-up over running the same steps on a real cluster, where the same waits take real time);
 * then the directory's totals. Usage: bench_scenarios [DIR] (default: scenarios). */
#include "bench/bench.h"
#include "scenarios/runner/runner.h"

#include <curl/curl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
    bench_name = "bench_scenarios";
    const char *dir = argc > 1 ? argv[1] : "scenarios";
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "bench_scenarios: %s: cannot open (run from the repository root or pass the directory)\n", dir);
        return 1;
    }
    char *names[256];
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 256;) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml"))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    FILE *devnull = fopen("/dev/null", "w");
    printf("%-32s %12s %10s %10s\n", "scenario", "virtual s", "wall s", "speed-up");
    double total_virtual = 0, total_wall = 0;
    int failed = 0;
    for (int i = 0; i < n; i++) {
        char path[4096], err[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        sc_scenario *s = sc_load(path, err, sizeof err);
        if (!s) {
            fprintf(stderr, "bench_scenarios: %s\n", err);
            return 1;
        }
        sc_run_opts o = {.out = devnull};
        int64_t virtual_ms = 0;
        double t0 = now_s();
        failed |= sc_run_one(s, &o, NULL, &virtual_ms);
        double wall = now_s() - t0;
        printf("%-32s %12.1f %10.3f %9.0fx\n", sc_name(s), virtual_ms / 1000.0, wall, virtual_ms / 1000.0 / wall);
        total_virtual += virtual_ms / 1000.0;
        total_wall += wall;
        sc_free(s);
        free(names[i]);
    }
    printf("%-32s %12.1f %10.3f %9.0fx\n", "all", total_virtual, total_wall, total_virtual / total_wall);
    fclose(devnull);
    curl_global_cleanup();
    return failed;
}
