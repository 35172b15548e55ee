/* bench_sim.c: how fast the simulated cluster brings pods up. Creates N ReplicaSets of R replicas
 * in one namespace and runs virtual time until every pod is Ready; reports pods per wall-clock
 * second and peak memory, beside kwok's published CI figure (10,000 pods Running within 60 s
 * through a real API server, about 167 pods/s) and a ceiling measured in this run: the same
 * number of bare pod creations through the same in-process API path, with no simulation. */
#include "bench/bench.h"
#include "common/clock.h"
#include "fakeapi/fakeapi.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>


static void must(unsigned code, const char *what)
{
    if (code < 200 || code >= 300) {
        fprintf(stderr, "bench_sim: %s failed with HTTP %u\n", what, code);
        exit(1);
    }
}

static long count_ready(fakeapi *f)
{
    char *out = NULL;
    fakeapi_call(f, "GET", "/api/v1/namespaces/bench/pods?fieldSelector=status.phase%3DRunning", NULL, NULL, &out);
    long n = 0;
    for (const char *p = out; p && (p = strstr(p, "\"type\":\"Ready\",\"status\":\"True\"")); p++)
        n++;
    free(out);
    return n;
}

int main(int argc, char **argv)
{
    bench_name = "bench_sim";
    int nrs = 1000, replicas = 10;
    if (argc > 1 && !strcmp(argv[1], "--quick"))
        nrs = 100;
    long want = (long)nrs * replicas;
    char err[256], body[1024], what[64];

    /* the run: ReplicaSets, then virtual time until every pod is Ready */
    co_clock *c = co_clock_virtual(1767225600000);
    fakeapi_options o = {.clock = c, .seed = 1, .pod_ready_seconds = 2};
    fakeapi *f = fakeapi_start(&o, err, sizeof err);
    if (!f) {
        fprintf(stderr, "bench_sim: %s\n", err);
        return 1;
    }
    must(fakeapi_call(f, "POST", "/api/v1/namespaces", NULL, "{\"metadata\":{\"name\":\"bench\"}}", NULL), "namespace");
    double t0 = now_s();
    for (int i = 0; i < nrs; i++) {
        snprintf(body, sizeof body,
                 "{\"metadata\":{\"name\":\"rs-%d\"},\"spec\":{\"replicas\":%d,\"selector\":{\"matchLabels\":"
                 "{\"app\":\"rs-%d\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"rs-%d\"}},\"spec\":"
                 "{\"containers\":[{\"name\":\"c\",\"image\":\"example/app:1\"}]}}}}",
                 i, replicas, i, i);
        snprintf(what, sizeof what, "replicaset rs-%d", i);
        must(fakeapi_call(f, "POST", "/apis/apps/v1/namespaces/bench/replicasets", NULL, body, NULL), what);
    }
    long ready = 0;
    int steps = 0;
    for (; steps < 100000; steps++) {
        fakeapi_settle(f);
        int64_t due = fakeapi_next_due(f);
        if (due == INT64_MAX)
            break;
        if (due > co_clock_now_ms(c))
            co_clock_advance(c, due - co_clock_now_ms(c));
    }
    double run = now_s() - t0;
    ready = count_ready(f);
    int64_t virtual_ms = co_clock_now_ms(c) - 1767225600000;
    fakeapi_stop(f);
    co_clock_free(c);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long peak_kb = ru.ru_maxrss;

    /* the ceiling: as many bare pod creations through the same in-process path, no simulation */
    fakeapi_options bare = {.seed = 1, .no_sim = 1};
    f = fakeapi_start(&bare, err, sizeof err);
    must(fakeapi_call(f, "POST", "/api/v1/namespaces", NULL, "{\"metadata\":{\"name\":\"bench\"}}", NULL), "namespace");
    t0 = now_s();
    for (long i = 0; i < want; i++) {
        snprintf(body, sizeof body,
                 "{\"metadata\":{\"name\":\"p-%ld\",\"labels\":{\"app\":\"x\"}},\"spec\":{\"containers\":"
                 "[{\"name\":\"c\",\"image\":\"example/app:1\"}]}}", i);
        must(fakeapi_call(f, "POST", "/api/v1/namespaces/bench/pods", NULL, body, NULL), "bare pod");
    }
    double bare_s = now_s() - t0;
    fakeapi_stop(f);

    double rate = ready / run, bare_rate = want / bare_s;
    printf("simulated cluster: %d ReplicaSets x %d replicas, podReadySeconds 2, virtual time\n", nrs, replicas);
    printf("  pods Ready            %ld of %ld (in %.1f s of virtual time, %d steps)\n", ready, want,
           virtual_ms / 1000.0, steps);
    printf("  wall time             %.2f s\n", run);
    printf("  pods Ready per second %.0f\n", rate);
    printf("  peak memory           %.1f MiB (max RSS of the process)\n", peak_kb / 1024.0);
    printf("\n%-44s %12s %10s\n", "compared with", "pods/s", "ratio");
    printf("%-44s %12.0f %10.2f\n", "bare pod creates, same path, no simulation", bare_rate, rate / bare_rate);
    printf("%-44s %12.0f %10.2f\n", "kwok CI (10,000 pods Running in 60 s)", 10000 / 60.0, rate / (10000 / 60.0));
    return ready == want ? 0 : 1;
}
