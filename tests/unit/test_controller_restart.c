/* test_controller_restart.c: the controller is level-triggered. For the blue/green (seed day 25)
 * and canary (seed day 26) scenarios, the controller is killed just before each of its writes in
 * turn (that write is never sent) and a fresh one, with new caches and an empty queue, takes
 * over; every run must still pass every step of the scenario and end in the same state as the
 * uninterrupted run. */
#include <curl/curl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "cu.h"
#include "scenarios/runner/runner.h"

static char src_dir[1024];

/* The end state that matters, from the last version of each object in the event log: the
   rollout's phase, stable and current hashes; the Services' selectors; each ReplicaSet's size;
   each Ingress's annotations. */
static char *final_state(const char *log)
{
    cJSON *last = cJSON_CreateObject();
    for (const char *line = log; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        cJSON *ev = cj_parse(line, len);
        const char *res = cj_str(ev, "resource"), *name = cj_str(ev, "name"), *type = cj_str(ev, "type");
        if (res && name && (!strcmp(res, "rollouts.argoproj.io") || !strcmp(res, "services") ||
                            !strcmp(res, "replicasets.apps") || !strcmp(res, "ingresses.networking.k8s.io"))) {
            char key[512];
            snprintf(key, sizeof key, "%s/%s", res, name);
            cJSON_DeleteItemFromObjectCaseSensitive(last, key);
            const cJSON *o = cj_get(ev, "object");
            if (!cj_streq(type, "DELETED") && o) {
                cJSON *v = cJSON_CreateObject();
                if (!strcmp(res, "rollouts.argoproj.io")) {
                    cJSON_AddStringToObject(v, "phase", cj_str(o, "status.phase") ? cj_str(o, "status.phase") : "");
                    cJSON_AddStringToObject(v, "stableRS", cj_str(o, "status.stableRS") ? cj_str(o, "status.stableRS") : "");
                    cJSON_AddStringToObject(v, "current",
                                            cj_str(o, "status.currentPodHash") ? cj_str(o, "status.currentPodHash") : "");
                } else if (!strcmp(res, "services")) {
                    cJSON_AddItemToObject(v, "selector", cJSON_Duplicate(cj_get(o, "spec.selector"), 1));
                } else if (!strcmp(res, "ingresses.networking.k8s.io")) {
                    cJSON_AddItemToObject(v, "annotations", cJSON_Duplicate(cj_get(o, "metadata.annotations"), 1));
                } else {
                    cJSON_AddNumberToObject(v, "replicas", cj_int(o, "spec.replicas", -1));
                }
                cJSON_AddItemToObject(last, key, v);
            }
        }
        cJSON_Delete(ev);
        line = nl ? nl + 1 : NULL;
    }
    /* in key order: a restart may change which object was written last */
    cJSON *sorted = cJSON_CreateObject();
    while (last->child) {
        cJSON *min = last->child;
        for (cJSON *e = min->next; e; e = e->next)
            if (strcmp(e->string, min->string) < 0)
                min = e;
        cJSON_AddItemToObject(sorted, min->string, cJSON_DetachItemViaPointer(last, min));
    }
    cJSON_Delete(last);
    char *out = cJSON_PrintUnformatted(sorted);
    cJSON_Delete(sorted);
    return out;
}

static void restart_before_each_write(const char *scenario)
{
    char path[1200], err[2048];
    snprintf(path, sizeof path, "%s/scenarios/%s", src_dir, scenario);
    sc_scenario *s = sc_load(path, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    FILE *devnull = fopen("/dev/null", "w");
    int writes = 0;
    char *log = NULL;
    sc_run_opts o = {.out = devnull, .controller_writes = &writes};
    CU_ASSERT_EQUAL_FATAL(sc_run_one(s, &o, &log, NULL), 0);
    char *want = final_state(log);
    free(log);
    CU_ASSERT_TRUE(writes > 10);
    const char *only = getenv("CRASH_BEFORE_WRITE"); /* debugging one case: its run, verbose */
    for (int n = only ? atoi(only) : 1; n <= (only ? atoi(only) : writes); n++) {
        sc_run_opts k = {.out = only ? stdout : devnull, .crash_before_write = n, .verbose = only != NULL};
        log = NULL;
        int rc = sc_run_one(s, &k, &log, NULL);
        char *got = final_state(log);
        if (rc != 0 || strcmp(got, want))
            fprintf(stderr, "\n  killed before write %d of %d: %s\n  got  %s\n  want %s\n", n, writes,
                    rc ? "a step failed" : "a different end state", got, want);
        CU_ASSERT_EQUAL(rc, 0);
        CU_ASSERT_STRING_EQUAL(got, want);
        free(got);
        free(log);
    }
    free(want);
    fclose(devnull);
    sc_free(s);
}

static void test_bluegreen(void) { restart_before_each_write("bluegreen-seed-day25.yaml"); }
static void test_canary(void) { restart_before_each_write("canary-seed-day26.yaml"); }

int main(void)
{
    char here[1024];
    snprintf(here, sizeof here, "%s", __FILE__);
    snprintf(src_dir, sizeof src_dir, "%s/../..", dirname(here));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    static const cu_test tests[] = {
        {"blue/green: killed before each of its writes, the controller still gets there", test_bluegreen},
        {"canary: killed before each of its writes, the controller still gets there", test_canary},
        {NULL, NULL},
    };
    int rc = cu_run("controller restart", tests);
    curl_global_cleanup();
    return rc;
}
