/* test_determinism.c: one seed, one event log. The same writes against the simulated cluster in
 * virtual time produce the same log byte for byte: uids, generated names, pod IPs, timestamps,
 * the order of every controller's writes. */
#include "cu.h"
#include "common/clock.h"
#include "fakeapi/fakeapi.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const fakeapi_image images[] = {
    {.image = "example/app:v1", .body = "v1"},
    {.image = "example/app:v2", .body = "v2", .ready_after = 7},
};

/* Lets the cluster act until nothing is scheduled within `horizon_ms`, jumping virtual time. */
static void run_until_quiet(fakeapi *f, co_clock *c, int64_t horizon_ms)
{
    int64_t end = co_clock_now_ms(c) + horizon_ms;
    fakeapi_settle(f);
    for (int steps = 0; steps < 10000; steps++) {
        int64_t due = fakeapi_next_due(f);
        if (due == INT64_MAX || due > end)
            break;
        if (due > co_clock_now_ms(c))
            co_clock_advance(c, due - co_clock_now_ms(c));
        fakeapi_settle(f);
    }
}

static void call(fakeapi *f, const char *method, const char *path, const char *ctype, const char *body)
{
    unsigned code = fakeapi_call(f, method, path, ctype, body, NULL);
    CU_ASSERT_TRUE(code >= 200 && code < 300);
}

static char *scenario(uint64_t seed)
{
    co_clock *c = co_clock_virtual(1767225600000);
    fakeapi_options o = {.clock = c, .seed = seed, .pod_ready_seconds = 3, .images = images, .nimages = 2};
    char err[256];
    fakeapi *f = fakeapi_start(&o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    call(f, "POST", "/api/v1/namespaces", NULL, "{\"metadata\":{\"name\":\"det\"}}");
    call(f, "POST", "/api/v1/namespaces/det/services", NULL,
         "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80,\"targetPort\":8080}]}}");
    call(f, "POST", "/apis/apps/v1/namespaces/det/deployments", NULL,
         "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
         "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"app\","
         "\"image\":\"example/app:v1\",\"ports\":[{\"containerPort\":8080}]}]}}}}");
    run_until_quiet(f, c, 60000);
    call(f, "PATCH", "/apis/apps/v1/namespaces/det/deployments/web", "application/strategic-merge-patch+json",
         "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"example/app:v2\"}]}}}}");
    run_until_quiet(f, c, 120000);
    call(f, "PATCH", "/apis/apps/v1/namespaces/det/deployments/web/scale", "application/merge-patch+json",
         "{\"spec\":{\"replicas\":1}}");
    run_until_quiet(f, c, 120000);
    call(f, "DELETE", "/apis/apps/v1/namespaces/det/deployments/web", NULL, NULL);
    run_until_quiet(f, c, 120000);
    char *log = fakeapi_event_log(f);
    fakeapi_stop(f);
    co_clock_free(c);
    return log;
}

static void test_same_seed_same_log(void)
{
    char *a = scenario(42), *b = scenario(42), *other = scenario(43);
    CU_ASSERT_TRUE(strlen(a) > 1000);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT_STRING_NOT_EQUAL(a, other); /* the seed really is what decides uids and names */
    if (strcmp(a, b)) {
        FILE *fa = fopen("determinism-a.log", "w"), *fb = fopen("determinism-b.log", "w");
        if (fa && fb) {
            fputs(a, fa);
            fputs(b, fb);
            fprintf(stderr, "logs differ: see determinism-a.log and determinism-b.log\n");
        }
        if (fa)
            fclose(fa);
        if (fb)
            fclose(fb);
    }
    free(a);
    free(b);
    free(other);
}

int main(void)
{
    static const cu_test tests[] = {
        {"the same writes with the same seed give the same event log", test_same_seed_same_log},
        {NULL, NULL},
    };
    return cu_run("determinism", tests);
}
