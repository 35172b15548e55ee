/* test_cli_status.c: `cutover status` (cli/status.c) against the in-process fake API server with
 * Cutover's Rollout CRD and no simulation: the status is written by the test, as the controller
 * would write it, and what the command prints and returns is compared with Argo's
 * (pkg/kubectl-argo-rollouts/cmd/status/status_test.go): --watch=false, the watch until Healthy or
 * Degraded, the timeout, a watch that is closed or expired (410) under it, a deleted rollout,
 * not found, and usage errors. */
#include "../../cli/common.c"
#include "../../cli/status.c"

#include "cu.h"
#include "cu_json.h"
#include "common/buf.h"
#include "common/json.h"
#include "common/yaml.h"
#include "fakeapi/fakeapi.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ROS "/apis/argoproj.io/v1alpha1/namespaces/ro/rollouts"

static fakeapi *srv;
static char kubeconfig[256];

/* ---- helpers ---- */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned call(const char *method, const char *path, const char *ctype, const char *body)
{
    char *out = NULL;
    unsigned code = fakeapi_call(srv, method, path, ctype, body, &out);
    if (code >= 300 && code != 404)
        fprintf(stderr, "\n%s %s: %u %s\n", method, path, code, out ? out : "");
    free(out);
    return code;
}

/* Creates rollout name (generation 1) with the status (a JSON object body, or NULL). */
static void make_rollout(const char *name, const char *status)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\",\"metadata\":{\"name\":\"%s\"},"
             "\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"%s\"}},\"template\":{\"metadata\":"
             "{\"labels\":{\"app\":\"%s\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"app:1\"}]}},"
             "\"strategy\":{\"canary\":{\"steps\":[{\"setWeight\":50},{\"pause\":{}}]}}}}",
             name, name, name);
    char path[256];
    snprintf(path, sizeof path, ROS "/%s", name);
    call("DELETE", path, NULL, NULL);
    CU_ASSERT_EQUAL(call("POST", ROS, NULL, body), 201);
    if (status) {
        snprintf(path, sizeof path, ROS "/%s/status", name);
        char patch[2048];
        snprintf(patch, sizeof patch, "{\"status\":%s}", status);
        CU_ASSERT_EQUAL(call("PATCH", path, "application/merge-patch+json", patch), 200);
    }
}

static void set_status(const char *name, const char *status)
{
    char path[256], patch[2048];
    snprintf(path, sizeof path, ROS "/%s/status", name);
    snprintf(patch, sizeof patch, "{\"status\":%s}", status);
    CU_ASSERT_EQUAL(call("PATCH", path, "application/merge-patch+json", patch), 200);
}

#define HEALTHY "{\"observedGeneration\":\"1\",\"phase\":\"Healthy\",\"message\":\"\"}"
#define BG_PAUSED                                                                                                      \
    "{\"observedGeneration\":\"1\",\"phase\":\"Paused\",\"message\":\"BlueGreenPause\",\"controllerPause\":true,"   \
    "\"pauseConditions\":[{\"reason\":\"BlueGreenPause\",\"startTime\":\"2026-01-01T00:00:00Z\"}]}"
#define ABORT_MSG "RolloutAborted: Rollout aborted update to revision 2"
#define ABORTED                                                                                                        \
    "{\"observedGeneration\":\"1\",\"phase\":\"Degraded\",\"message\":\"" ABORT_MSG "\",\"abort\":true,"            \
    "\"pauseConditions\":null,\"controllerPause\":null}"
#define PROGRESSING(msg) "{\"observedGeneration\":\"1\",\"phase\":\"Progressing\",\"message\":\"" msg "\"}"

typedef struct {
    char *out, *err;
    int rc;
    int64_t ms;
} result;

/* Runs `status ARGS...` (NULL-terminated) with the global flags -n ro --kubeconfig FILE. */
static result run_status(const char *arg0, ...)
{
    char *argv[16];
    int argc = 0;
    va_list ap;
    va_start(ap, arg0);
    for (const char *a = arg0; a && argc < 15; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    result r = {0};
    size_t on = 0, en = 0;
    FILE *out = open_memstream(&r.out, &on), *err = open_memstream(&r.err, &en);
    cli_opts o = {.kubeconfig = kubeconfig, .namespace_ = "ro", .out = out, .err = err, .clock = co_clock_real(),
                  .prog = "cutover", .verbose = getenv("CUTOVER_TEST_VERBOSE") != NULL};
    int64_t t0 = mono_ms();
    r.rc = cli_status(&o, argc, argv);
    r.ms = mono_ms() - t0;
    fclose(out);
    fclose(err);
    return r;
}

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
}

#define EXPECT(r, rc_, out_, err_)                                                                                     \
    do {                                                                                                               \
        CU_ASSERT_EQUAL((r).rc, rc_);                                                                                  \
        CU_ASSERT_STRING_EQUAL((r).out, out_);                                                                         \
        CU_ASSERT_STRING_EQUAL((r).err, err_);                                                                         \
        if ((r).rc != (rc_) || strcmp((r).out, out_) || strcmp((r).err, err_) || getenv("CUTOVER_TEST_VERBOSE"))                                         \
            fprintf(stderr, "\n--- rc %d (wanted %d)\n--- stdout:\n%s--- wanted:\n%s--- stderr:\n%s--- wanted:\n%s",  \
                    (r).rc, rc_, (r).out, (const char *)(out_), (r).err, (const char *)(err_));                        \
    } while (0)

/* A writer thread: after each delay, one status (or "DELETE"), as the controller would write. */
typedef struct {
    const char *name;
    int delay_ms[8];
    const char *status[8];
    const char *fault[8];  /* a /_cutover/faults spec posted before that write, or NULL */
    const char *fault2[8]; /* and a second one after it */
} script;

static void *play(void *ud)
{
    script *s = ud;
    for (int i = 0; i < 8 && s->status[i]; i++) {
        usleep((useconds_t)s->delay_ms[i] * 1000);
        if (s->fault[i])
            call("POST", "/_cutover/faults", "application/json", s->fault[i]);
        if (s->fault2[i])
            call("POST", "/_cutover/faults", "application/json", s->fault2[i]);
        if (!strcmp(s->status[i], "DELETE")) {
            char path[256];
            snprintf(path, sizeof path, ROS "/%s", s->name);
            call("DELETE", path, NULL, NULL);
        } else
            set_status(s->name, s->status[i]);
    }
    return NULL;
}

/* ---- Go durations ---- */

/* ---- --watch=false ---- */

static void test_once(void)
{
    make_rollout("healthy", HEALTHY);
    result r = run_status("healthy", "--watch=false", NULL);
    EXPECT(r, 0, "Healthy\n", "");
    result_free(&r);

    /* TestStatusBlueGreenRollout */
    make_rollout("bg", BG_PAUSED);
    r = run_status("bg", "--watch=false", NULL);
    EXPECT(r, 0, "Paused - BlueGreenPause\n", "");
    result_free(&r);
    r = run_status("-w=false", "bg", NULL);
    EXPECT(r, 0, "Paused - BlueGreenPause\n", "");
    result_free(&r);

    /* TestStatusAbortedRollout: Degraded alone on stdout, the message in the error */
    make_rollout("aborted", ABORTED);
    r = run_status("aborted", "--watch=false", NULL);
    EXPECT(r, 1, "Degraded\n", "error: The rollout is in a degraded state with message: " ABORT_MSG "\n");
    result_free(&r);

    /* GetRolloutPhase: a spec the controller has not observed */
    make_rollout("lagging", HEALTHY);
    CU_ASSERT_EQUAL(call("PATCH", ROS "/lagging", "application/merge-patch+json", "{\"spec\":{\"paused\":true}}"), 200);
    r = run_status("lagging", "--watch=false", NULL);
    EXPECT(r, 0, "Progressing - waiting for rollout spec update to be observed\n", "");
    result_free(&r);

    /* IsUnpausing: controllerPause without conditions (promoted, not yet reconciled) */
    make_rollout("unpausing", "{\"observedGeneration\":\"1\",\"phase\":\"Paused\",\"message\":\"CanaryPauseStep\","
                              "\"controllerPause\":true}");
    r = run_status("unpausing", "--watch=false", NULL);
    EXPECT(r, 0, "Progressing - waiting for rollout to unpause\n", "");
    result_free(&r);

    /* no phase written yet: computed as the controller would (CalculateRolloutPhase) */
    make_rollout("fresh", NULL);
    r = run_status("fresh", "--watch=false", NULL);
    EXPECT(r, 0, "Progressing - more replicas need to be updated\n", "");
    result_free(&r);
}

/* ---- watch ---- */

static void test_watch_terminal_at_once(void)
{
    make_rollout("healthy", HEALTHY);
    result r = run_status("healthy", NULL);
    EXPECT(r, 0, "Healthy\n", "");
    CU_ASSERT(r.ms < 2000);
    result_free(&r);

    /* TestWatchAbortedRollout */
    make_rollout("aborted", ABORTED);
    r = run_status("aborted", NULL);
    EXPECT(r, 1, "Degraded - " ABORT_MSG "\n", "error: The rollout is in a degraded state with message: " ABORT_MSG "\n");
    result_free(&r);
}

static void test_watch_timeout(void)
{
    /* TestWatchTimeoutRollout: Paused is not terminal */
    make_rollout("bg", BG_PAUSED);
    result r = run_status("bg", "--timeout=400ms", NULL);
    EXPECT(r, 1, "Paused - BlueGreenPause\n", "error: Rollout status watch exceeded timeout\n");
    CU_ASSERT(r.ms >= 390 && r.ms < 3000);
    result_free(&r);
    r = run_status("-t", "300ms", "bg", NULL);
    EXPECT(r, 1, "Paused - BlueGreenPause\n", "error: Rollout status watch exceeded timeout\n");
    result_free(&r);
    r = run_status("-t300ms", "bg", "-w", NULL);
    EXPECT(r, 1, "Paused - BlueGreenPause\n", "error: Rollout status watch exceeded timeout\n");
    result_free(&r);
    /* a negative timeout has passed already: the first state, then the error */
    r = run_status("bg", "-t=-1s", NULL);
    EXPECT(r, 1, "Paused - BlueGreenPause\n", "error: Rollout status watch exceeded timeout\n");
    CU_ASSERT(r.ms < 2000);
    result_free(&r);
}

static void test_watch_to_healthy(void)
{
    make_rollout("moving", PROGRESSING("more replicas need to be updated"));
    script s = {.name = "moving",
                .delay_ms = {200, 100, 100, 100, 100},
                .status = {PROGRESSING("more replicas need to be updated") /* unchanged line: not printed */,
                           PROGRESSING("updated replicas are still becoming available"),
                           "{\"phase\":\"Paused\",\"message\":\"CanaryPauseStep\"}",
                           "{\"phase\":\"Progressing\",\"message\":\"\"}", HEALTHY}};
    pthread_t t;
    pthread_create(&t, NULL, play, &s);
    result r = run_status("moving", "-t", "20s", NULL);
    pthread_join(t, NULL);
    EXPECT(r, 0,
           "Progressing - more replicas need to be updated\n"
           "Progressing - updated replicas are still becoming available\n"
           "Paused - CanaryPauseStep\n"
           "Progressing\n"
           "Healthy\n",
           "");
    result_free(&r);
}

static void test_watch_to_degraded(void)
{
    make_rollout("failing", BG_PAUSED);
    script s = {.name = "failing", .delay_ms = {300}, .status = {ABORTED}};
    pthread_t t;
    pthread_create(&t, NULL, play, &s);
    result r = run_status("failing", NULL);
    pthread_join(t, NULL);
    EXPECT(r, 1, "Paused - BlueGreenPause\nDegraded - " ABORT_MSG "\n",
           "error: The rollout is in a degraded state with message: " ABORT_MSG "\n");
    result_free(&r);
}

/* The server closes every watch: the command resumes from the last resourceVersion and misses
   nothing. Then it closes them again and delays the reconnection while a change is made and the
   log compacted: resuming gets 410 Gone, the command re-lists and goes on from the current state
   (the change made meanwhile is coalesced, as with an informer). */
static void test_watch_reconnects(void)
{
    make_rollout("flaky", BG_PAUSED);
    script s = {.name = "flaky",
                .delay_ms = {300, 300, 50, 800},
                .fault = {"{\"closeWatches\":true}",
                          "{\"latency\":{\"resource\":\"rollouts.argoproj.io\",\"ms\":400,\"times\":1,"
                          "\"methods\":[\"GET\"]}}",
                          "{\"compact\":{\"keep\":0}}"},
                .fault2 = {NULL, "{\"closeWatches\":true}"},
                .status = {PROGRESSING("active service cutover pending"), PROGRESSING("waiting for analysis to complete"),
                           PROGRESSING("old replicas are pending termination"), HEALTHY}};
    pthread_t t;
    pthread_create(&t, NULL, play, &s);
    result r = run_status("flaky", "-t", "20s", NULL);
    pthread_join(t, NULL);
    EXPECT(r, 0,
           "Paused - BlueGreenPause\n"
           "Progressing - active service cutover pending\n"
           "Progressing - old replicas are pending termination\n"
           "Healthy\n",
           "");
    result_free(&r);
    call("DELETE", "/_cutover/faults", NULL, NULL);
}

/* Deleted under the watch: Argo keeps waiting (it may come back), then fails as not found. */
static void test_watch_deleted(void)
{
    make_rollout("doomed", BG_PAUSED);
    script s = {.name = "doomed", .delay_ms = {200}, .status = {"DELETE"}};
    pthread_t t;
    pthread_create(&t, NULL, play, &s);
    result r = run_status("doomed", "-t", "800ms", NULL);
    pthread_join(t, NULL);
    EXPECT(r, 1, "Paused - BlueGreenPause\n", "error: rollouts.argoproj.io \"doomed\" not found\n");
    result_free(&r);
}

/* ---- errors ---- */

static void test_not_found(void)
{
    /* TestStatusRolloutNotFound, TestWatchStatusRolloutNotFound */
    result r = run_status("does-not-exist", "--watch=false", NULL);
    EXPECT(r, 1, "", "error: rollouts.argoproj.io \"does-not-exist\" not found\n");
    result_free(&r);
    r = run_status("does-not-exist", NULL);
    EXPECT(r, 1, "", "error: rollouts.argoproj.io \"does-not-exist\" not found\n");
    result_free(&r);
}

static void test_usage(void)
{
    const char *hint = "See 'cutover status --help' for usage.\n";
    char want[512];
    result r = run_status(NULL);
    snprintf(want, sizeof want, "error: status needs a rollout name\n%s", hint);
    EXPECT(r, 2, "", want);
    result_free(&r);
    r = run_status("a", "b", NULL);
    snprintf(want, sizeof want, "error: status takes exactly one rollout name, got 2 arguments\n%s", hint);
    EXPECT(r, 2, "", want);
    result_free(&r);
    /* a bool flag takes no separate value (pflag): "false" is a second name */
    r = run_status("a", "-w", "false", NULL);
    CU_ASSERT_EQUAL(r.rc, 2);
    result_free(&r);
    r = run_status("a", "--bogus", NULL);
    snprintf(want, sizeof want, "error: unknown flag: --bogus\n%s", hint);
    EXPECT(r, 2, "", want);
    result_free(&r);
    r = run_status("a", "-x", NULL);
    snprintf(want, sizeof want, "error: unknown shorthand flag: 'x' in -x\n%s", hint);
    EXPECT(r, 2, "", want);
    result_free(&r);
    r = run_status("a", "-t", NULL);
    snprintf(want, sizeof want, "error: flag needs an argument: 't' in -t\n%s", hint);
    EXPECT(r, 2, "", want);
    result_free(&r);
    r = run_status("a", "--timeout", "5", NULL);
    snprintf(want, sizeof want,
             "error: invalid argument \"5\" for \"-t, --timeout\" flag: time: missing unit in duration \"5\"\n%s", hint);
    EXPECT(r, 2, "", want);
    result_free(&r);
    r = run_status("a", "--timeout=soon", NULL);
    snprintf(want, sizeof want,
             "error: invalid argument \"soon\" for \"-t, --timeout\" flag: time: invalid duration \"soon\"\n%s", hint);
    EXPECT(r, 2, "", want);
    result_free(&r);
    r = run_status("a", "--watch=maybe", NULL);
    snprintf(want, sizeof want,
             "error: invalid argument \"maybe\" for \"-w, --watch\" flag: strconv.ParseBool: parsing \"maybe\": "
             "invalid syntax\n%s",
             hint);
    EXPECT(r, 2, "", want);
    result_free(&r);
    r = run_status("--help", NULL);
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "cutover status ROLLOUT_NAME [flags]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "-t, --timeout duration"));
    CU_ASSERT_STRING_EQUAL(r.err, "");
    result_free(&r);
    /* "--" ends the flags: a name that starts with a dash is refused by the server, not by us */
    r = run_status("--watch=false", "--", "-odd", NULL);
    CU_ASSERT_EQUAL(r.rc, 1);
    result_free(&r);
}

static void test_unreachable(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s.gone", kubeconfig);
    FILE *f = fopen(path, "w");
    fputs("apiVersion: v1\nkind: Config\nclusters: [{name: gone, cluster: {server: \"http://127.0.0.1:1\"}}]\n"
          "contexts: [{name: gone, context: {cluster: gone}}]\ncurrent-context: gone\n",
          f);
    fclose(f);
    size_t on = 0, en = 0;
    result r = {0};
    FILE *out = open_memstream(&r.out, &on), *err = open_memstream(&r.err, &en);
    cli_opts o = {.kubeconfig = path, .out = out, .err = err, .clock = co_clock_real(), .prog = "cutover"};
    char *argv[] = {"app", NULL};
    int64_t t0 = mono_ms();
    r.rc = cli_status(&o, 1, argv);
    r.ms = mono_ms() - t0;
    fclose(out);
    fclose(err);
    CU_ASSERT_EQUAL(r.rc, 1);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_EQUAL(strncmp(r.err, "error: ", 7), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "127.0.0.1"));
    CU_ASSERT_PTR_NULL(strchr(r.err, '\n') ? strchr(strchr(r.err, '\n') + 1, '\n') : NULL); /* one line */
    CU_ASSERT(r.ms < 5000);
    result_free(&r);
    unlink(path);
}

/* ---- setup ---- */

/* Cutover's Rollout CRD, as the JSON body of its POST. */
static char *load_crd(void)
{
    cJSON *crd = cu_load_yaml("deploy/crds/rollout-crd.yaml");
    char *json = crd ? cJSON_PrintUnformatted(crd) : NULL;
    cJSON_Delete(crd);
    return json;
}

int main(void)
{
    char err[256];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    srv = fakeapi_start(&(fakeapi_options){.no_sim = 1}, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "cannot start the fake API server: %s\n", err);
        return 1;
    }
    char *crd = load_crd();
    if (!crd || call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", NULL, crd) != 201 ||
        call("POST", "/api/v1/namespaces", NULL, "{\"metadata\":{\"name\":\"ro\"}}") != 201)
        return 1;
    free(crd);
    snprintf(kubeconfig, sizeof kubeconfig, "/tmp/test_cli_status.%d.kubeconfig", (int)getpid());
    if (fakeapi_write_kubeconfig(srv, kubeconfig, err, sizeof err) != 0) {
        fprintf(stderr, "kubeconfig: %s\n", err);
        return 1;
    }
    static const cu_test tests[] = {
        {"--watch=false: Healthy, Paused, Degraded, spec not observed, unpausing, no phase", test_once},
        {"watch: Healthy or Degraded at once", test_watch_terminal_at_once},
        {"watch: the timeout while paused", test_watch_timeout},
        {"watch: each changed line until Healthy", test_watch_to_healthy},
        {"watch: until Degraded", test_watch_to_degraded},
        {"watch: through closed watches and a 410 (re-list)", test_watch_reconnects},
        {"watch: the rollout deleted", test_watch_deleted},
        {"not found", test_not_found},
        {"usage errors and --help", test_usage},
        {"an unreachable API server", test_unreachable},
        {NULL, NULL},
    };
    int rc = cu_run("cli_status", tests);
    unlink(kubeconfig);
    fakeapi_stop(srv);
    curl_global_cleanup();
    return rc;
}
