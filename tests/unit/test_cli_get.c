/* test_cli_get.c: `cutover get rollout` and `cutover list rollouts` (cli/get.c, cli/info.c)
 * against an in-process fake API server holding real states of scenario runs.
 *
 * The fixtures (tests/golden/fixtures/NAME.json) are the Rollout, ReplicaSets and Pods of a
 * namespace at one point of a recorded run (`cutover run --db`, then `cutover replay --at SEQ
 * --format jsonl`): a blue/green rollout paused with a preview (BlueGreenPause) over a scaled-down
 * revision, the same rollout just promoted (the old ReplicaSet waiting for its scale-down
 * deadline), a basic canary paused at its first step, a basic canary Degraded by
 * ProgressDeadlineExceeded (its canary pod crash-looping), an nginx-routed canary paused mid-steps.
 * Each test loads them into a fresh server, on a virtual clock moved to each object's
 * creationTimestamp before it is created (so the ages are the run's), with the ownerReferences
 * rewritten to the new uids and the status written through /status; then runs cli_get/cli_list
 * with a fixed "now" and compares stdout byte for byte with tests/golden/NAME.txt.
 * CUTOVER_UPDATE_GOLDEN=1 rewrites the golden files from the output instead. */
#include "cu.h"

#include "../../cli/common.c"
#include "../../cli/get.c"
#include "../../cli/info.c"

#include "common/buf.h"
#include "common/json.h"
#include "common/yaml.h"
#include "fakeapi/fakeapi.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const char *const sc_crd_yaml[]; /* deploy/crds, embedded in libscenario */
extern const unsigned sc_crd_yaml_count;

#define ESC "\x1b"
#define RO_DEMO "/apis/argoproj.io/v1alpha1/namespaces/demo/rollouts/"

/* ---- files ---- */

static char *src_path(const char *rel)
{
    static char path[2048];
    snprintf(path, sizeof path, "%s", __FILE__);
    char *slash = strrchr(path, '/');
    snprintf(slash ? slash + 1 : path, sizeof path - (size_t)(slash ? slash + 1 - path : 0), "%s", rel);
    return path;
}

static char *read_text(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    co_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        co_buf_add(&b, chunk, n);
    fclose(fp);
    co_buf_adds(&b, "");
    return co_buf_take(&b);
}

/* Compares got with tests/golden/<name>; with CUTOVER_UPDATE_GOLDEN=1, writes it instead. */
static void assert_golden(const char *got, const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "../golden/%s", name);
    const char *path = src_path(rel);
    const char *update = getenv("CUTOVER_UPDATE_GOLDEN");
    if (update && !strcmp(update, "1")) {
        FILE *fp = fopen(path, "wb");
        CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
        fputs(got, fp);
        fclose(fp);
        return;
    }
    char *want = read_text(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    CU_ASSERT_STRING_EQUAL(got, want);
    if (strcmp(got, want))
        fprintf(stderr, "\n--- %s expected:\n%s--- got:\n%s---\n", name, want, got);
    free(want);
}

/* ---- the server with the fixtures ---- */

typedef struct {
    fakeapi *f;
    co_clock *clock; /* the server's: creation times */
    char kubeconfig[256];
} env;

static int setup_call(fakeapi *f, const char *method, const char *path, const char *body, cJSON **out)
{
    char *resp = NULL;
    unsigned code =
        fakeapi_call(f, method, path, !strcmp(method, "PATCH") ? "application/merge-patch+json" : NULL, body, &resp);
    if (code >= 300 && code != 409)
        fprintf(stderr, "setup %s %s: %u %s\n", method, path, code, resp ? resp : "");
    if (out)
        *out = code < 300 && resp ? cJSON_Parse(resp) : NULL;
    free(resp);
    return code < 300 || code == 409 ? 0 : -1;
}

static int64_t ts_ms(const char *ts)
{
    int64_t t = 0;
    co_time_parse(ts, &t);
    return t;
}

static int kind_rank(const cJSON *o)
{
    const char *k = cj_str0(o, "kind");
    return !strcmp(k, "Rollout") ? 0 : !strcmp(k, "ReplicaSet") ? 1 : 2;
}

static int cmp_obj(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    int64_t tx = ts_ms(cj_str0(x, "metadata.creationTimestamp")), ty = ts_ms(cj_str0(y, "metadata.creationTimestamp"));
    if (tx != ty)
        return tx < ty ? -1 : 1;
    if (kind_rank(x) != kind_rank(y))
        return kind_rank(x) - kind_rank(y);
    return strcmp(cj_str0(x, "metadata.name"), cj_str0(y, "metadata.name"));
}

static const char *collection(const cJSON *o)
{
    const char *k = cj_str0(o, "kind");
    return !strcmp(k, "Rollout") ? "/apis/argoproj.io/v1alpha1/namespaces/%s/rollouts"
           : !strcmp(k, "ReplicaSet") ? "/apis/apps/v1/namespaces/%s/replicasets"
                                      : "/api/v1/namespaces/%s/pods";
}

/* Creates one fixture object as it was: owners remapped (uids: old -> new pairs), status written
   through /status with observedGeneration mapped onto the new generation, deletionTimestamp kept
   by a finalizer. */
static int create_fixture_object(env *e, const cJSON *fixture, cJSON *uids)
{
    cJSON *o = cJSON_Duplicate(fixture, 1);
    cJSON *meta = cj_get(o, "metadata");
    char ns[254];
    snprintf(ns, sizeof ns, "%s", cj_str0(o, "metadata.namespace"));
    bool deleting = cj_get(o, "metadata.deletionTimestamp") != NULL;
    static const char *const wiped[] = {"uid", "resourceVersion", "creationTimestamp", "generation",
                                        "deletionTimestamp", "deletionGracePeriodSeconds"};
    for (size_t i = 0; i < sizeof wiped / sizeof wiped[0]; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(meta, wiped[i]);
    if (deleting) {
        cJSON *fin = cJSON_CreateArray();
        cJSON_AddItemToArray(fin, cJSON_CreateString("cutover.test/keep"));
        cj_set(meta, "finalizers", fin);
    }
    cJSON *ref;
    cJSON_ArrayForEach(ref, cj_get(o, "metadata.ownerReferences"))
    {
        const cJSON *nu = cJSON_GetObjectItemCaseSensitive(uids, cj_str0(ref, "uid"));
        if (cJSON_IsString(nu))
            cj_set_str(ref, "uid", nu->valuestring);
    }
    cJSON *status = cJSON_DetachItemFromObjectCaseSensitive(o, "status");
    char path[512];
    snprintf(path, sizeof path, collection(o), ns);
    char *body = cJSON_PrintUnformatted(o);
    cJSON *made = NULL;
    int rc = setup_call(e->f, "POST", path, body, &made);
    free(body);
    cJSON_Delete(o);
    if (rc != 0 || !made) {
        cJSON_Delete(status);
        cJSON_Delete(made);
        return -1;
    }
    cJSON_AddStringToObject(uids, cj_str0(fixture, "metadata.uid"), cj_str0(made, "metadata.uid"));
    if (status) {
        double fgen = cj_get(fixture, "metadata.generation") ? cj_get(fixture, "metadata.generation")->valuedouble : 0;
        double ngen = cj_get(made, "metadata.generation") ? cj_get(made, "metadata.generation")->valuedouble : 0;
        cJSON *og = cJSON_GetObjectItemCaseSensitive(status, "observedGeneration");
        if (cJSON_IsString(og) && atof(og->valuestring) >= fgen) { /* a Rollout's: a string */
            char g[32];
            snprintf(g, sizeof g, "%.0f", ngen);
            cj_set_str(status, "observedGeneration", g);
        } else if (cJSON_IsNumber(og)) {
            cj_set_num(status, "observedGeneration", og->valuedouble >= fgen ? ngen : ngen - 1);
        }
        cj_set(made, "status", status);
        snprintf(path + strlen(path), sizeof path - strlen(path), "/%s/status", cj_str0(made, "metadata.name"));
        body = cJSON_PrintUnformatted(made);
        rc = setup_call(e->f, "PUT", path, body, NULL);
        free(body);
    }
    if (rc == 0 && deleting) {
        snprintf(path, sizeof path, collection(made), ns);
        snprintf(path + strlen(path), sizeof path - strlen(path), "/%s", cj_str0(made, "metadata.name"));
        rc = setup_call(e->f, "DELETE", path, NULL, NULL);
    }
    cJSON_Delete(made);
    return rc;
}

/* A fresh server with Cutover's CRDs and the objects of the fixture files (NULL-terminated). */
static int env_start(env *e, const char *const *fixtures)
{
    memset(e, 0, sizeof *e);
    cJSON *all = cJSON_CreateArray();
    for (const char *const *fx = fixtures; *fx; fx++) {
        char rel[256];
        snprintf(rel, sizeof rel, "../golden/fixtures/%s", *fx);
        char *text = read_text(src_path(rel));
        cJSON *arr = text ? cJSON_Parse(text) : NULL;
        free(text);
        if (!arr) {
            fprintf(stderr, "cannot read fixture %s\n", *fx);
            cJSON_Delete(all);
            return -1;
        }
        while (cJSON_GetArraySize(arr) > 0)
            cJSON_AddItemToArray(all, cJSON_DetachItemFromArray(arr, 0));
        cJSON_Delete(arr);
    }
    int n = cJSON_GetArraySize(all);
    const cJSON **objs = calloc((size_t)n + 1, sizeof *objs);
    for (int i = 0; i < n; i++)
        objs[i] = cJSON_GetArrayItem(all, i);
    qsort(objs, (size_t)n, sizeof *objs, cmp_obj);
    e->clock = co_clock_virtual(n ? ts_ms(cj_str0(objs[0], "metadata.creationTimestamp")) : 1767225600000);
    char err[256];
    e->f = fakeapi_start(&(fakeapi_options){.seed = 1, .no_sim = 1, .clock = e->clock}, err, sizeof err);
    int rc = e->f ? 0 : -1;
    if (!e->f)
        fprintf(stderr, "fakeapi_start: %s\n", err);
    for (unsigned i = 0; rc == 0 && i < sc_crd_yaml_count; i++) {
        cJSON *docs = yaml_parse_all(sc_crd_yaml[i], strlen(sc_crd_yaml[i]), err, sizeof err);
        const cJSON *d;
        cJSON_ArrayForEach(d, docs)
        {
            char *body = cJSON_PrintUnformatted(d);
            rc |= setup_call(e->f, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body, NULL);
            free(body);
        }
        cJSON_Delete(docs);
    }
    for (int i = 0; rc == 0 && i < n; i++) { /* namespaces: those of the fixtures, and an empty one */
        char body[300];
        snprintf(body, sizeof body, "{\"metadata\":{\"name\":\"%s\"}}", cj_str0(objs[i], "metadata.namespace"));
        rc = setup_call(e->f, "POST", "/api/v1/namespaces", body, NULL);
    }
    if (rc == 0)
        rc = setup_call(e->f, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"empty\"}}", NULL);
    cJSON *uids = cJSON_CreateObject();
    for (int i = 0; rc == 0 && i < n; i++) {
        int64_t t = ts_ms(cj_str0(objs[i], "metadata.creationTimestamp"));
        if (t > co_clock_now_ms(e->clock))
            co_clock_advance(e->clock, t - co_clock_now_ms(e->clock));
        rc = create_fixture_object(e, objs[i], uids);
    }
    cJSON_Delete(uids);
    free(objs);
    cJSON_Delete(all);
    if (rc == 0) {
        snprintf(e->kubeconfig, sizeof e->kubeconfig, "/tmp/cutover-test-cli-get-%d.kubeconfig", (int)getpid());
        rc = fakeapi_write_kubeconfig(e->f, e->kubeconfig, err, sizeof err);
    }
    return rc;
}

static void env_stop(env *e)
{
    if (e->f)
        fakeapi_stop(e->f);
    if (e->kubeconfig[0])
        unlink(e->kubeconfig);
    co_clock_free(e->clock);
}

/* ---- running the commands ---- */

typedef struct {
    int rc;
    char *out, *err;
} result;

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
}

typedef int (*cmd_fn)(cli_opts *, int, char **);

/* Runs fn with the arguments (NULL-terminated) against the kubeconfig, in namespace ns, at now. */
static result run_at(cmd_fn fn, const char *kubeconfig, const char *ns, bool all_ns, bool color, const char *now,
                     const char *const *args)
{
    result r = {0};
    size_t on = 0, en = 0;
    co_clock *clock = co_clock_virtual(ts_ms(now));
    cli_opts o = {.kubeconfig = kubeconfig, .namespace_ = ns, .all_namespaces = all_ns, .color = color,
                  .out = open_memstream(&r.out, &on), .err = open_memstream(&r.err, &en), .clock = clock,
                  .prog = "cutover"};
    char *argv[16];
    int argc = 0;
    for (; args[argc] && argc < 15; argc++)
        argv[argc] = (char *)args[argc];
    argv[argc] = NULL;
    r.rc = fn(&o, argc, argv);
    fclose(o.out);
    fclose(o.err);
    co_clock_free(clock);
    return r;
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NO_ARGS ((const char *const[]){NULL})

/* cli_get and cli_list get what main.c leaves after `get rollout` / `list rollouts`. */

/* The fixtures' "now"s: the time of the state each was taken at (a few minutes later). */
#define NOW_BG_PAUSED "2026-01-01T03:13:20Z" /* 3 min after revision 3 went to the preview */
#define NOW_BG_DELAY "2026-01-01T02:10:25Z"  /* 15 s after the promotion: deadline 02:10:40 */
#define NOW_CANARY_BASIC "2026-01-02T02:00:40Z"
#define NOW_CANARY_DEGRADED "2026-01-02T06:08:21Z"
#define NOW_NGINX "2026-01-01T00:55:00Z"

static void get_golden(const char *fixture, const char *ns, const char *name, const char *now, bool color,
                       const char *golden)
{
    env e;
    CU_ASSERT_EQUAL_FATAL(env_start(&e, (const char *const[]){fixture, NULL}), 0);
    result r = run_at(cli_get, e.kubeconfig, ns, false, color, now, ARGS(name));
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.err, "");
    assert_golden(r.out, golden);
    result_free(&r);
    env_stop(&e);
}

/* ---- get rollout ---- */

static void test_get_bluegreen_paused(void)
{
    get_golden("bluegreen-paused.json", "demo", "bluegreen-demo", NOW_BG_PAUSED, false, "get-bluegreen-paused.txt");
}

static void test_get_canary_midstep(void)
{
    get_golden("canary-nginx-paused.json", "shop", "checkout", NOW_NGINX, false, "get-canary-midstep.txt");
}

static void test_get_canary_degraded(void)
{
    get_golden("canary-degraded.json", "demo", "canary-demo", NOW_CANARY_DEGRADED, false, "get-canary-degraded.txt");
}

static void test_get_bluegreen_delay(void)
{
    get_golden("bluegreen-delay.json", "demo", "bluegreen-demo", NOW_BG_DELAY, false, "get-bluegreen-delay.txt");
    env e;
    CU_ASSERT_EQUAL_FATAL(env_start(&e, (const char *const[]){"bluegreen-delay.json", NULL}), 0);
    /* the deadline is 02:10:40: 15 s before it, 2 min 30 s before it, and after it */
    result r = run_at(cli_get, e.kubeconfig, "demo", false, false, NOW_BG_DELAY, ARGS("ro", "bluegreen-demo"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "   \xe2\x94\x94\xe2\x94\x80\xe2\x94\x80\xe2\xa7\x89 "
                                         "bluegreen-demo-6f6b45c55b           ReplicaSet  \xe2\x9c\x94 Healthy  130m  "
                                         "delay:15s\n"));
    result_free(&r);
    r = run_at(cli_get, e.kubeconfig, "demo", false, false, "2026-01-01T02:08:10Z", ARGS("rollouts", "bluegreen-demo"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "ReplicaSet  \xe2\x9c\x94 Healthy  128m  delay:2m30s\n"));
    result_free(&r);
    r = run_at(cli_get, e.kubeconfig, "demo", false, false, "2026-01-01T02:10:41Z", ARGS("bluegreen-demo"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "ReplicaSet  \xe2\x9c\x94 Healthy  130m  delay:passed\n"));
    result_free(&r);
    env_stop(&e);
}

static void test_get_canary_basic_actual_weight(void)
{
    get_golden("canary-basic-paused.json", "demo", "canary-demo", NOW_CANARY_BASIC, false,
               "get-canary-basic-paused.txt");
    env e;
    CU_ASSERT_EQUAL_FATAL(env_start(&e, (const char *const[]){"canary-basic-paused.json", NULL}), 0);
    result r = run_at(cli_get, e.kubeconfig, "demo", false, false, NOW_CANARY_BASIC, ARGS("canary-demo"));
    /* 1 canary pod available of 5: 1*100/5 */
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Strategy:        Canary\n"
                                         "  Step:          1/8\n"
                                         "  SetWeight:     20\n"
                                         "  ActualWeight:  20\n"));
    result_free(&r);
    /* the canary pod not available (yet): 0 */
    CU_ASSERT_EQUAL(setup_call(e.f, "PATCH", "/apis/apps/v1/namespaces/demo/replicasets/canary-demo-9bb4449f5/status",
                               "{\"status\":{\"availableReplicas\":0}}", NULL),
                    0);
    r = run_at(cli_get, e.kubeconfig, "demo", false, false, NOW_CANARY_BASIC, ARGS("canary-demo"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "  ActualWeight:  0\n"));
    result_free(&r);
    env_stop(&e);
}

static void test_get_color(void)
{
    get_golden("bluegreen-paused.json", "demo", "bluegreen-demo", NOW_BG_PAUSED, true,
               "get-bluegreen-paused.color.txt");
    env e;
    CU_ASSERT_EQUAL_FATAL(env_start(&e, (const char *const[]){"bluegreen-paused.json", NULL}), 0);
    result r = run_at(cli_get, e.kubeconfig, "demo", false, true, NOW_BG_PAUSED, ARGS("bluegreen-demo"));
    /* Argo's colours: paused icon with code 0, tags green/blue, the name in each role's colour */
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Status:          " ESC "[0m\xe0\xa5\xa5" ESC "[0m Paused\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "argoproj/rollouts-demo:green (" ESC "[32mstable" ESC "[0m, " ESC
                                         "[32mactive" ESC "[0m)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "argoproj/rollouts-demo:yellow (" ESC "[94mpreview" ESC "[0m)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, ESC "[32m" ESC "[32mbluegreen-demo-569bccc5f" ESC "[0m" ESC "[0m"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, ESC "[32m\xe2\x9c\x94" ESC "[0m Running"));
    /* the columns are aligned on what is visible: as without colours once the codes are gone */
    result plain = run_at(cli_get, e.kubeconfig, "demo", false, false, NOW_BG_PAUSED, ARGS("bluegreen-demo"));
    co_buf stripped = {0};
    for (const char *p = r.out; *p; p++) {
        if (*p == 0x1b) {
            while (*p && *p != 'm')
                p++;
            continue;
        }
        co_buf_add(&stripped, p, 1);
    }
    CU_ASSERT_STRING_EQUAL(stripped.data, plain.out);
    co_buf_free(&stripped);
    result_free(&plain);
    result_free(&r);
    /* --no-color wins over a terminal */
    r = run_at(cli_get, e.kubeconfig, "demo", false, true, NOW_BG_PAUSED,
               ARGS("bluegreen-demo", "--no-color"));
    CU_ASSERT_PTR_NULL(strchr(r.out, 0x1b));
    assert_golden(r.out, "get-bluegreen-paused.txt");
    result_free(&r);
    env_stop(&e);
}

static void test_get_errors(void)
{
    env e;
    CU_ASSERT_EQUAL_FATAL(env_start(&e, (const char *const[]){"canary-degraded.json", NULL}), 0);
    result r = run_at(cli_get, e.kubeconfig, "demo", false, false, NOW_CANARY_DEGRADED, ARGS("nope"));
    CU_ASSERT_EQUAL(r.rc, 1);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_STRING_EQUAL(r.err, "error: rollouts.argoproj.io \"nope\" not found\n");
    result_free(&r);
    /* in another namespace */
    r = run_at(cli_get, e.kubeconfig, "shop", false, false, NOW_CANARY_DEGRADED, ARGS("canary-demo", "-w"));
    CU_ASSERT_EQUAL(r.rc, 1);
    CU_ASSERT_STRING_EQUAL(r.err, "error: rollouts.argoproj.io \"canary-demo\" not found\n");
    result_free(&r);

    const struct {
        const char *const *args;
        const char *err;
    } usage[] = {
        {ARGS("canary-demo", "--bogus"),
         "error: unknown flag: --bogus\nSee 'cutover get rollout --help' for usage.\n"},
        {ARGS("canary-demo", "-x"),
         "error: unknown shorthand flag: 'x' in -x\nSee 'cutover get rollout --help' for usage.\n"},
        {NO_ARGS, "error: expected exactly one rollout name, got 0\nSee 'cutover get rollout --help' for usage.\n"},
        {ARGS("a", "b"),
         "error: expected exactly one rollout name, got 2\nSee 'cutover get rollout --help' for usage.\n"},
        {ARGS("a", "--timeout-seconds", "ten"),
         "error: invalid argument \"ten\" for \"--timeout-seconds\" flag\n"
         "See 'cutover get rollout --help' for usage.\n"},
        {ARGS("a", "--timeout-seconds"),
         "error: flag needs an argument: --timeout-seconds\nSee 'cutover get rollout --help' for usage.\n"},
        {ARGS("rollout", "a", "b"),
         "error: expected exactly one rollout name, got 3\nSee 'cutover get rollout --help' for usage.\n"},
        {ARGS("--no-color"),
         "error: expected exactly one rollout name, got 0\nSee 'cutover get rollout --help' for usage.\n"},
    };
    for (size_t i = 0; i < sizeof usage / sizeof usage[0]; i++) {
        r = run_at(cli_get, e.kubeconfig, "demo", false, false, NOW_CANARY_DEGRADED, usage[i].args);
        CU_ASSERT_EQUAL(r.rc, 2);
        CU_ASSERT_STRING_EQUAL(r.out, "");
        CU_ASSERT_STRING_EQUAL(r.err, usage[i].err);
        result_free(&r);
    }
    r = run_at(cli_get, e.kubeconfig, "demo", true, false, NOW_CANARY_DEGRADED, ARGS("canary-demo"));
    CU_ASSERT_EQUAL(r.rc, 2);
    CU_ASSERT_STRING_EQUAL(r.err, "error: --all-namespaces is not supported by get rollout\n"
                                  "See 'cutover get rollout --help' for usage.\n");
    result_free(&r);
    r = run_at(cli_get, e.kubeconfig, "demo", false, false, NOW_CANARY_DEGRADED, ARGS("--help"));
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Usage:\n  cutover get rollout ROLLOUT_NAME [flags]\n\nAliases:\n"
                                         "  rollout, ro, rollouts\n"));
    result_free(&r);
    env_stop(&e);

    /* an unreachable server: one line, exit 1 */
    char path[256];
    snprintf(path, sizeof path, "/tmp/cutover-test-cli-get-%d-down.kubeconfig", (int)getpid());
    FILE *fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("apiVersion: v1\nkind: Config\nclusters:\n- name: down\n  cluster: {server: \"http://127.0.0.1:1\"}\n"
          "users:\n- name: u\n  user: {}\ncontexts:\n- name: down\n"
          "  context: {cluster: down, user: u, namespace: demo}\n"
          "current-context: down\n",
          fp);
    fclose(fp);
    const cmd_fn fns[] = {cli_get, cli_list};
    const char *const *argsets[] = {ARGS("canary-demo"), NO_ARGS};
    for (int i = 0; i < 2; i++) {
        r = run_at(fns[i], path, NULL, false, false, NOW_CANARY_DEGRADED, argsets[i]);
        CU_ASSERT_EQUAL(r.rc, 1);
        CU_ASSERT_STRING_EQUAL(r.out, "");
        CU_ASSERT_EQUAL(strncmp(r.err, "error: ", 7), 0);
        CU_ASSERT_PTR_NOT_NULL(strchr(r.err, '\n'));
        CU_ASSERT_EQUAL(strchr(r.err, '\n') - r.err, (long)strlen(r.err) - 1); /* one line */
        result_free(&r);
    }
    unlink(path);
}

/* ---- list rollouts ---- */

static const char *const LIST_FIXTURES[] = {"bluegreen-paused.json", "canary-degraded.json", "canary-nginx-paused.json",
                                            NULL};

static void test_list(void)
{
    env e;
    CU_ASSERT_EQUAL_FATAL(env_start(&e, LIST_FIXTURES), 0);
    result r = run_at(cli_list, e.kubeconfig, "demo", false, false, NOW_BG_PAUSED, NO_ARGS);
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.err, "");
    assert_golden(r.out, "list-rollouts.txt");
    result_free(&r);

    /* -A as a global flag and as list's own */
    r = run_at(cli_list, e.kubeconfig, "demo", true, false, NOW_BG_PAUSED, NO_ARGS);
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.err, "");
    assert_golden(r.out, "list-rollouts-all-namespaces.txt");
    result r2 = run_at(cli_list, e.kubeconfig, "demo", false, false, NOW_BG_PAUSED, ARGS("ro", "-A"));
    CU_ASSERT_STRING_EQUAL(r2.out, r.out);
    result_free(&r2);
    result_free(&r);

    r = run_at(cli_list, e.kubeconfig, "demo", false, false, NOW_BG_PAUSED, ARGS("--name", "canary-demo"));
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(
        r.out, "NAME         STRATEGY   STATUS        STEP  SET-WEIGHT  READY  DESIRED  UP-TO-DATE  AVAILABLE\n"
               "canary-demo  Canary     Degraded      0/8   20          4/5    5        1           4        \n");
    result_free(&r);
    r = run_at(cli_list, e.kubeconfig, "shop", false, false, "2026-03-04T05:06:07Z", ARGS("--timestamps"));
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.out, "TIMESTAMP             NAME        STRATEGY   STATUS        STEP  SET-WEIGHT  READY  "
                                  "DESIRED  UP-TO-DATE  AVAILABLE\n"
                                  "2026-03-04T05:06:07Z  checkout    Canary     Paused        3/6   50          6/6    "
                                  "4        2           6        \n");
    result_free(&r);

    /* nothing: kubectl's words on stderr, exit 0 */
    r = run_at(cli_list, e.kubeconfig, "empty", false, false, NOW_BG_PAUSED, NO_ARGS);
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_STRING_EQUAL(r.err, "No resources found.\n");
    result_free(&r);
    r = run_at(cli_list, e.kubeconfig, "demo", false, false, NOW_BG_PAUSED, ARGS("rollouts", "--name", "nope"));
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.err, "No resources found.\n");
    result_free(&r);

    /* usage */
    r = run_at(cli_list, e.kubeconfig, "demo", false, false, NOW_BG_PAUSED, ARGS("extra"));
    CU_ASSERT_EQUAL(r.rc, 2);
    CU_ASSERT_STRING_EQUAL(r.err,
                           "error: unexpected argument \"extra\"\nSee 'cutover list rollouts --help' for usage.\n");
    result_free(&r);
    r = run_at(cli_list, e.kubeconfig, "demo", false, false, NOW_BG_PAUSED, ARGS("--name"));
    CU_ASSERT_EQUAL(r.rc, 2);
    CU_ASSERT_STRING_EQUAL(r.err,
                           "error: flag needs an argument: --name\nSee 'cutover list rollouts --help' for usage.\n");
    result_free(&r);
    r = run_at(cli_list, e.kubeconfig, "demo", false, false, NOW_BG_PAUSED, ARGS("ro", "pods"));
    CU_ASSERT_EQUAL(r.rc, 2);
    CU_ASSERT_STRING_EQUAL(r.err,
                           "error: unexpected argument \"pods\"\nSee 'cutover list rollouts --help' for usage.\n");
    result_free(&r);
    env_stop(&e);
}

/* ---- watches ---- */

typedef struct {
    cmd_fn fn;
    const char *kubeconfig, *ns;
    const char *const *args;
    co_clock *clock;
    int out_fd;
    int rc;
} watch_run;

static void *watch_thread(void *ud)
{
    watch_run *w = ud;
    char *err = NULL;
    size_t en = 0;
    cli_opts o = {.kubeconfig = w->kubeconfig, .namespace_ = w->ns, .out = fdopen(w->out_fd, "w"),
                  .err = open_memstream(&err, &en), .clock = w->clock, .prog = "cutover"};
    char *argv[16];
    int argc = 0;
    for (; w->args[argc] && argc < 15; argc++)
        argv[argc] = (char *)w->args[argc];
    argv[argc] = NULL;
    w->rc = w->fn(&o, argc, argv);
    fclose(o.out);
    fclose(o.err);
    if (err && *err)
        fprintf(stderr, "watch stderr: %s", err);
    free(err);
    return NULL;
}

/* Reads from fd into b until b holds exactly `want` bytes that equal it (true), or 10 s pass. */
static bool read_until(int fd, co_buf *b, const char *want)
{
    size_t n = strlen(want);
    for (int i = 0; i < 1000 && b->len < n; i++) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 10) > 0) {
            char chunk[4096];
            ssize_t got = read(fd, chunk, n - b->len < sizeof chunk ? n - b->len : sizeof chunk);
            if (got <= 0)
                break;
            co_buf_add(b, chunk, (size_t)got);
        }
    }
    bool ok = b->len == n && !memcmp(b->data, want, n);
    if (!ok)
        fprintf(stderr, "\n--- expected:\n%s--- got:\n%.*s---\n", want, (int)b->len, b->data ? b->data : "");
    return ok;
}

static void test_get_watch(void)
{
    env e;
    CU_ASSERT_EQUAL_FATAL(env_start(&e, (const char *const[]){"bluegreen-paused.json", NULL}), 0);
    result frame1 = run_at(cli_get, e.kubeconfig, "demo", false, false, NOW_BG_PAUSED, ARGS("bluegreen-demo"));
    int fds[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
    watch_run w = {.fn = cli_get, .kubeconfig = e.kubeconfig, .ns = "demo",
                   .clock = co_clock_virtual(ts_ms(NOW_BG_PAUSED)),
                   .args = ARGS("bluegreen-demo", "-w", "--timeout-seconds", "60"), .out_fd = fds[1]};
    pthread_t th;
    pthread_create(&th, NULL, watch_thread, &w);

    /* the first picture, after Argo's clear-screen */
    co_buf seen = {0}, want = {0};
    co_buf_printf(&want, CLEAR_SCREEN "%s", frame1.out);
    CU_ASSERT(read_until(fds[0], &seen, want.data));

    /* the preview's pods go away: redrawn */
    CU_ASSERT_EQUAL(setup_call(e.f, "DELETE", "/api/v1/namespaces/demo/pods/bluegreen-demo-5c47d5cc7b-vh5wf"
                                              "?gracePeriodSeconds=0", NULL, NULL),
                    0);
    result frame2 = run_at(cli_get, e.kubeconfig, "demo", false, false, NOW_BG_PAUSED, ARGS("bluegreen-demo"));
    CU_ASSERT_PTR_NULL(strstr(frame2.out, "vh5wf"));
    co_buf_printf(&want, CLEAR_SCREEN "%s", frame2.out);
    CU_ASSERT(read_until(fds[0], &seen, want.data));

    /* and the rollout itself: promoted */
    CU_ASSERT_EQUAL(setup_call(e.f, "PATCH", RO_DEMO "bluegreen-demo/status",
                               "{\"status\":{\"phase\":\"Progressing\",\"message\":\"active service cutover pending\","
                               "\"pauseConditions\":null,\"controllerPause\":false}}",
                               NULL),
                    0);
    result frame3 = run_at(cli_get, e.kubeconfig, "demo", false, false, NOW_BG_PAUSED, ARGS("bluegreen-demo"));
    CU_ASSERT_PTR_NOT_NULL(strstr(frame3.out, "Status:          \xe2\x97\x8c Progressing\n"
                                              "Message:         active service cutover pending\n"));
    co_buf_printf(&want, CLEAR_SCREEN "%s", frame3.out);
    CU_ASSERT(read_until(fds[0], &seen, want.data));

    /* 60 s later: the ages move (one more picture), then the timeout ends it with exit 0 */
    co_clock_advance(w.clock, 60000);
    result frame4 = run_at(cli_get, e.kubeconfig, "demo", false, false, "2026-01-01T03:14:20Z",
                           ARGS("bluegreen-demo"));
    CU_ASSERT_PTR_NOT_NULL(strstr(frame4.out, "Pod         \xe2\x9c\x94 Running      4m5s   ready:1/1\n"));
    co_buf_printf(&want, CLEAR_SCREEN "%s", frame4.out);
    CU_ASSERT(read_until(fds[0], &seen, want.data));
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(w.rc, 0);
    char extra;
    CU_ASSERT_EQUAL(read(fds[0], &extra, 1), 0); /* nothing after: end of output */
    close(fds[0]);
    co_buf_free(&seen);
    co_buf_free(&want);
    result_free(&frame1);
    result_free(&frame2);
    result_free(&frame3);
    result_free(&frame4);
    co_clock_free(w.clock);
    env_stop(&e);
}

static void test_list_watch(void)
{
    env e;
    CU_ASSERT_EQUAL_FATAL(env_start(&e, LIST_FIXTURES), 0);
    int fds[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
    watch_run w = {.fn = cli_list, .kubeconfig = e.kubeconfig, .ns = "demo",
                   .clock = co_clock_virtual(ts_ms(NOW_BG_PAUSED)),
                   .args = ARGS("-w"), .out_fd = fds[1]};
    pthread_t th;
    pthread_create(&th, NULL, watch_thread, &w);
    co_buf seen = {0};
    char *table = read_text(src_path("../golden/list-rollouts.txt"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(table);
    CU_ASSERT(read_until(fds[0], &seen, table));

    /* a change of what the row shows prints the row (its own alignment) */
    CU_ASSERT_EQUAL(setup_call(e.f, "PATCH", RO_DEMO "canary-demo/status",
                               "{\"status\":{\"availableReplicas\":5,\"readyReplicas\":5}}", NULL),
                    0);
    co_buf want = {0};
    co_buf_printf(&want, "%s%s", table,
                  "canary-demo  Canary     Degraded      0/8   20          5/5    5        1           5        \n");
    CU_ASSERT(read_until(fds[0], &seen, want.data));
    /* a change that does not (an annotation) prints nothing; the next real one does */
    CU_ASSERT_EQUAL(setup_call(e.f, "PATCH", RO_DEMO "bluegreen-demo",
                               "{\"metadata\":{\"annotations\":{\"note\":\"x\"}}}", NULL),
                    0);
    CU_ASSERT_EQUAL(setup_call(e.f, "PATCH", RO_DEMO "bluegreen-demo/status",
                               "{\"status\":{\"phase\":\"Healthy\",\"message\":\"\"}}", NULL),
                    0);
    co_buf_adds(&want,
                "bluegreen-demo  BlueGreen  Healthy       -     -           3/6    3        3           3        \n");
    CU_ASSERT(read_until(fds[0], &seen, want.data));

    /* Ctrl-C: exit 0 */
    raise(SIGINT);
    pthread_join(th, NULL);
    CU_ASSERT_EQUAL(w.rc, 0);
    char extra;
    CU_ASSERT_EQUAL(read(fds[0], &extra, 1), 0);
    close(fds[0]);
    free(table);
    co_buf_free(&seen);
    co_buf_free(&want);
    co_clock_free(w.clock);
    env_stop(&e);
}

/* ---- pieces ---- */

static char *tab(const char *in, int minwidth, int padding)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    ci_tab *t = ci_tab_new(minwidth, padding);
    ci_tab_write(t, in);
    ci_tab_flush(t, f);
    ci_tab_free(t);
    fclose(f);
    return s;
}

static void test_tabwriter(void)
{
    /* Go's own example (text/tabwriter doc): columns are blocks of contiguous tab-terminated cells */
    char *s = tab("aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n", 0, 1);
    CU_ASSERT_STRING_EQUAL(s, "aaaa bbb d\naa   b   dd\na    \naa   cccc eee\n");
    free(s);
    /* the last cell is not padded; empty tab-terminated cells are; no trailing newline kept as is */
    s = tab("NAME\tAGE\tINFO\nx\t7d\t\nlonger-name\t1s\tz", 0, 2);
    CU_ASSERT_STRING_EQUAL(s, "NAME         AGE  INFO\nx            7d   \nlonger-name  1s   z");
    free(s);
    /* width in code points, colour codes not counted */
    s = tab("\xe2\x9f\xb3 a\t" ESC "[32m\xe2\x9c\x94" ESC "[0m b\tc\nxyz\tlonger\t\n", 0, 2);
    CU_ASSERT_STRING_EQUAL(s, "\xe2\x9f\xb3 a  " ESC "[32m\xe2\x9c\x94" ESC "[0m b     c\nxyz  longer  \n");
    free(s);
    s = tab("a\tb\n", 6, 0);
    CU_ASSERT_STRING_EQUAL(s, "a     b\n");
    free(s);
}

static void test_pod_status(void)
{
    static const struct {
        const char *pod, *status, *ready;
        int restarts;
    } cases[] = {
        {"{\"spec\":{\"containers\":[{}]},\"status\":{\"phase\":\"Pending\"}}", "Pending", "0/1", 0},
        {"{\"spec\":{\"containers\":[{}]},\"status\":{\"phase\":\"Pending\",\"containerStatuses\":[{\"state\":"
         "{\"waiting\":{\"reason\":\"ContainerCreating\"}}}]}}",
         "ContainerCreating", "0/1", 0},
        {"{\"spec\":{\"containers\":[{},{}]},\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"ready\":true,"
         "\"state\":{\"running\":{}}},{\"ready\":false,\"restartCount\":3,\"state\":{\"waiting\":{\"reason\":"
         "\"ImagePullBackOff\"}}}]}}",
         "ImagePullBackOff", "1/2", 3},
        {"{\"spec\":{\"containers\":[{}]},\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"state\":"
         "{\"terminated\":{\"exitCode\":137,\"signal\":9}}}]}}",
         "Signal:9", "0/1", 0},
        {"{\"spec\":{\"containers\":[{}]},\"status\":{\"phase\":\"Failed\",\"containerStatuses\":[{\"state\":"
         "{\"terminated\":{\"exitCode\":2}}}]}}",
         "ExitCode:2", "0/1", 0},
        {"{\"spec\":{\"initContainers\":[{\"name\":\"i\"},{\"name\":\"j\"}],\"containers\":[{}]},\"status\":{\"phase\":"
         "\"Pending\",\"initContainerStatuses\":[{\"name\":\"i\",\"state\":{\"terminated\":{\"exitCode\":0}}},"
         "{\"name\":\"j\",\"restartCount\":2,\"state\":{\"running\":{}}}]}}",
         "Init:1/2", "0/1", 2},
        {"{\"spec\":{\"initContainers\":[{\"name\":\"i\"}],\"containers\":[{}]},\"status\":{\"phase\":\"Pending\","
         "\"initContainerStatuses\":[{\"name\":\"i\",\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}}]}}",
         "Init:CrashLoopBackOff", "0/1", 0},
        {"{\"spec\":{\"initContainers\":[{\"name\":\"s\",\"restartPolicy\":\"Always\"}],\"containers\":[{}]},"
         "\"status\":{\"phase\":\"Running\",\"initContainerStatuses\":[{\"name\":\"s\",\"started\":true,\"ready\":true,"
         "\"restartCount\":1,\"state\":{\"running\":{}}}],\"containerStatuses\":[{\"ready\":true,\"state\":"
         "{\"running\":{}}}]}}",
         "Running", "1/1", 0},
        {"{\"metadata\":{\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"},\"spec\":{\"containers\":[{}]},\"status\":"
         "{\"phase\":\"Running\"}}",
         "Terminating", "0/1", 0},
        {"{\"metadata\":{\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"},\"spec\":{\"containers\":[{}]},\"status\":"
         "{\"phase\":\"Running\",\"reason\":\"NodeLost\"}}",
         "Unknown", "0/1", 0},
        {"{\"spec\":{\"containers\":[{},{}]},\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"ready\":true,"
         "\"state\":{\"running\":{}}},{\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}}]}}",
         "Running", "1/2", 0},
        {"{\"spec\":{\"containers\":[{}]},\"status\":{\"phase\":\"Pending\",\"reason\":\"Evicted\"}}", "Evicted", "0/1",
         0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *pod = cJSON_Parse(cases[i].pod);
        CU_ASSERT_PTR_NOT_NULL_FATAL(pod);
        pod_info pi;
        pod_info_of(pod, &pi);
        CU_ASSERT_STRING_EQUAL(pi.status, cases[i].status);
        CU_ASSERT_STRING_EQUAL(pi.ready, cases[i].ready);
        CU_ASSERT_EQUAL(pi.restarts, cases[i].restarts);
        if (strcmp(pi.status, cases[i].status))
            fprintf(stderr, "case %zu: %s, want %s\n", i, pi.status, cases[i].status);
        cJSON_Delete(pod);
    }
    CU_ASSERT_STRING_EQUAL(pod_icon("ImagePullBackOff"), ICON_WARNING);
    CU_ASSERT_STRING_EQUAL(pod_icon("CreateContainerConfigError"), ICON_WARNING);
    CU_ASSERT_STRING_EQUAL(pod_icon("ErrImagePull"), ICON_WARNING);
    CU_ASSERT_STRING_EQUAL(pod_icon("CrashLoopBackOff"), ICON_BAD);
    CU_ASSERT_STRING_EQUAL(pod_icon("Init:0/1"), ICON_PROGRESSING);
    CU_ASSERT_STRING_EQUAL(pod_icon("Evicted"), " ");
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    setenv("TERM", "xterm", 1);
    static const cu_test tests[] = {
        {"get rollout: blue/green paused with a preview (golden)", test_get_bluegreen_paused},
        {"get rollout: nginx canary paused mid-steps (golden)", test_get_canary_midstep},
        {"get rollout: canary degraded, ProgressDeadlineExceeded (golden)", test_get_canary_degraded},
        {"get rollout: scale-down delay tag, remaining and passed", test_get_bluegreen_delay},
        {"get rollout: basic canary ActualWeight", test_get_canary_basic_actual_weight},
        {"get rollout: colours (golden), --no-color", test_get_color},
        {"get rollout: not found, usage errors, unreachable server", test_get_errors},
        {"get rollout -w: redrawn on changes, ends at the timeout", test_get_watch},
        {"list rollouts: table, -A, --name, --timestamps, none, usage", test_list},
        {"list rollouts -w: changed rows, Ctrl-C", test_list_watch},
        {"text/tabwriter", test_tabwriter},
        {"pod status as Argo computes it", test_pod_status},
        {NULL, NULL},
    };
    int rc = cu_run("cli_get", tests);
    curl_global_cleanup();
    return rc;
}
