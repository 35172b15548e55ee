/* test_actions.c: the rollout actions (controller/actions.c) against the in-process fake API
 * server with Cutover's Rollout CRD. The action client talks through a small recording proxy, so
 * each test asserts the exact requests (method, path, content type, body, answer) Argo's CLI
 * sends, then the resulting object and the server's event log (verb, actor, what changed). */
#include "cu.h"
#include "cu_json.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/yaml.h"
#include "controller/actions.h"
#include "controller/kube/client.h"
#include "controller/kube/config.h"
#include "fakeapi/fakeapi.h"

#include <curl/curl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int64_t T0 = 1767225600000; /* 2026-01-01T00:00:00Z */
static const char *const ACTOR = "cutover-actions-test";
#define RO_PATH "/apis/argoproj.io/v1alpha1/namespaces/ro/rollouts/"

static fakeapi *srv;  /* with the CRD as shipped (status subresource) */
static fakeapi *srv9; /* the CRD without a status subresource, like Rollouts v0.9 */
static co_clock *vclock;

/* ---- a recording proxy in front of the fake server ---- */

typedef struct {
    struct MHD_Daemon *d;
    char url[64];
    pthread_mutex_t mu;
    fakeapi *target;
    co_buf log;     /* "METHOD /path?decoded-query [content-type body] -> code\n" per request */
    int conflicts;  /* the next PUTs to make conflict: the object is modified just before them */
} proxy;

static proxy px;

typedef struct {
    co_buf *raw, *shown;
} query_bufs;

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    query_bufs *q = cls;
    char *ek = curl_easy_escape(NULL, key, 0), *ev = curl_easy_escape(NULL, value ? value : "", 0);
    co_buf_printf(q->raw, "%c%s=%s", q->raw->len ? '&' : '?', ek, ev);
    co_buf_printf(q->shown, "%c%s=%s", q->shown->len ? '&' : '?', key, value ? value : "");
    curl_free(ek);
    curl_free(ev);
    return MHD_YES;
}

static size_t on_resp(char *p, size_t size, size_t n, void *ud)
{
    co_buf_add(ud, p, size * n);
    return size * n;
}

static enum MHD_Result proxy_handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                     const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    proxy *p = cls;
    co_buf *body = *con_cls;
    if (!body) {
        *con_cls = calloc(1, sizeof(co_buf));
        return MHD_YES;
    }
    if (*upload_size) {
        co_buf_add(body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    co_buf raw = {0}, shown = {0};
    co_buf_adds(&raw, "");
    co_buf_adds(&shown, "");
    query_bufs q = {&raw, &shown};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, &q);
    const char *ctype = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
    const char *ua = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "User-Agent");

    pthread_mutex_lock(&p->mu);
    fakeapi *target = p->target;
    if (p->conflicts > 0 && !strcmp(method, "PUT")) {
        p->conflicts--;
        char patch[128];
        snprintf(patch, sizeof patch, "{\"metadata\":{\"annotations\":{\"test/bump\":\"%d\"}}}", p->conflicts);
        fakeapi_call(target, "PATCH", url, "application/merge-patch+json", patch, NULL);
    }
    pthread_mutex_unlock(&p->mu);

    /* forward over HTTP, so the server sees the client's user agent as the actor */
    co_buf full = {0}, resp = {0};
    co_buf_printf(&full, "%s%s%s", fakeapi_url(target), url, raw.data);
    CURL *h = curl_easy_init();
    struct curl_slist *hd = NULL;
    char line[512];
    snprintf(line, sizeof line, "User-Agent: %s", ua ? ua : "");
    hd = curl_slist_append(hd, line);
    hd = curl_slist_append(hd, "Accept: application/json");
    if (ctype) {
        snprintf(line, sizeof line, "Content-Type: %s", ctype);
        hd = curl_slist_append(hd, line);
    }
    curl_easy_setopt(h, CURLOPT_URL, full.data);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_resp);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp);
    if (strcmp(method, "GET")) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)body->len);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data ? body->data : "");
    }
    long code = 502;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);

    pthread_mutex_lock(&p->mu);
    co_buf_printf(&p->log, "%s %s%s", method, url, shown.data);
    if (body->len)
        co_buf_printf(&p->log, " %s %s", ctype ? ctype : "-", body->data);
    co_buf_printf(&p->log, " -> %ld\n", code);
    pthread_mutex_unlock(&p->mu);

    struct MHD_Response *r = MHD_create_response_from_buffer(resp.len, resp.data ? resp.data : "", MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)code, r);
    MHD_destroy_response(r);
    co_buf_free(&raw);
    co_buf_free(&shown);
    co_buf_free(&full);
    co_buf_free(&resp);
    return ret;
}

static void proxy_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode t)
{
    (void)cls, (void)conn, (void)t;
    co_buf_free(*con_cls);
    free(*con_cls);
    *con_cls = NULL;
}

static int proxy_start(proxy *p)
{
    pthread_mutex_init(&p->mu, NULL);
    p->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL, NULL, proxy_handler, p,
                            MHD_OPTION_NOTIFY_COMPLETED, proxy_completed, p, MHD_OPTION_END);
    if (!p->d)
        return -1;
    snprintf(p->url, sizeof p->url, "http://127.0.0.1:%u", MHD_get_daemon_info(p->d, MHD_DAEMON_INFO_BIND_PORT)->port);
    return 0;
}

static void proxy_stop(proxy *p)
{
    MHD_stop_daemon(p->d);
    co_buf_free(&p->log);
    pthread_mutex_destroy(&p->mu);
}

/* Forgets what the proxy saw and points it at target. */
static void proxy_reset(fakeapi *target)
{
    pthread_mutex_lock(&px.mu);
    px.target = target;
    px.conflicts = 0;
    co_buf_free(&px.log);
    co_buf_adds(&px.log, "");
    pthread_mutex_unlock(&px.mu);
}

/* What the proxy saw since the last reset; caller frees. */
static char *seen(void)
{
    pthread_mutex_lock(&px.mu);
    char *s = strdup(px.log.data ? px.log.data : "");
    pthread_mutex_unlock(&px.mu);
    return s;
}

#define ASSERT_SEEN(expected)                                                                                          \
    do {                                                                                                               \
        char *got_ = seen();                                                                                           \
        CU_ASSERT_STRING_EQUAL(got_, expected);                                                                        \
        if (strcmp(got_, expected))                                                                                    \
            fprintf(stderr, "\n--- expected:\n%s--- got:\n%s", (const char *)(expected), got_);                        \
        free(got_);                                                                                                    \
    } while (0)

/* ---- clients, fixtures ---- */

static kube_client *action_client(void)
{
    kube_config cfg;
    if (kube_config_for_server(px.url, "ro", &cfg) != 0)
        return NULL;
    kube_client_opts o = {.clock = vclock, .user_agent = ACTOR};
    char err[256] = "";
    kube_client *c = kube_client_new(&cfg, &o, err, sizeof err);
    kube_config_free(&cfg);
    if (!c)
        fprintf(stderr, "kube_client_new: %s\n", err);
    return c;
}

static int setup_call(fakeapi *f, const char *method, const char *path, const char *ctype, const char *body)
{
    char *out = NULL;
    unsigned code = fakeapi_call(f, method, path, ctype, body, &out);
    if (code >= 300)
        fprintf(stderr, "setup %s %s: %u %s\n", method, path, code, out ? out : "");
    free(out);
    return code < 300 ? 0 : -1;
}

static cJSON *get_obj(fakeapi *f, const char *path)
{
    char *out = NULL;
    unsigned code = fakeapi_call(f, "GET", path, NULL, NULL, &out);
    cJSON *o = code == 200 && out ? cJSON_Parse(out) : NULL;
    free(out);
    return o;
}

static cJSON *get_ro(fakeapi *f, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, RO_PATH "%s", name);
    return get_obj(f, path);
}

static const char *const CANARY =
    "{\"canary\":{\"steps\":[{\"setWeight\":20},{\"pause\":{}},{\"setWeight\":50},{\"pause\":{\"duration\":\"10s\"}}]}}";
static const char *const BLUEGREEN =
    "{\"blueGreen\":{\"activeService\":\"active\",\"previewService\":\"preview\",\"autoPromotionEnabled\":false}}";

/* Creates rollout `name` in namespace ro with the strategy, spec.paused and the status (written
 * through /status when the CRD has that subresource, else with the object). 0 or -1. */
static int make_rollout(fakeapi *f, const char *name, const char *strategy, int paused, const char *status)
{
    co_buf b = {0};
    co_buf_printf(&b,
                  "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\",\"metadata\":{\"name\":\"%s\","
                  "\"namespace\":\"ro\"},\"spec\":{\"replicas\":3,%s\"selector\":{\"matchLabels\":{\"app\":\"%s\"}},"
                  "\"template\":{\"metadata\":{\"labels\":{\"app\":\"%s\"}},\"spec\":{\"initContainers\":[{\"name\":"
                  "\"init\",\"image\":\"busybox:1\"}],\"containers\":[{\"name\":\"app\",\"image\":\"app:v3\"},"
                  "{\"name\":\"proxy\",\"image\":\"envoy:1\"}]}},\"strategy\":%s}",
                  name, paused ? "\"paused\":true," : "", name, name, strategy);
    if (f == srv9 && status)
        co_buf_printf(&b, ",\"status\":%s", status);
    co_buf_adds(&b, "}");
    int rc = setup_call(f, "POST", "/apis/argoproj.io/v1alpha1/namespaces/ro/rollouts", NULL, b.data);
    co_buf_free(&b);
    if (rc == 0 && status && f != srv9) {
        char path[256], body[2048];
        snprintf(path, sizeof path, RO_PATH "%s/status", name);
        snprintf(body, sizeof body, "{\"status\":%s}", status);
        rc = setup_call(f, "PATCH", path, "application/merge-patch+json", body);
    }
    return rc;
}

/* The events committed after resource version `after`, as a JSON array (caller frees). */
static cJSON *events_after(fakeapi *f, int64_t after)
{
    char *log = fakeapi_event_log(f);
    cJSON *arr = cJSON_CreateArray();
    for (char *line = log, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        cJSON *e = cJSON_Parse(line);
        cJSON *rv = cJSON_GetObjectItem(e, "rv");
        if (e && cJSON_IsNumber(rv) && rv->valuedouble > (double)after)
            cJSON_AddItemToArray(arr, e);
        else
            cJSON_Delete(e);
    }
    free(log);
    return arr;
}

/* Asserts the n-th event since `after` is a `verb` by the action client on `resource`. */
static const cJSON *expect_event(const cJSON *events, int n, const char *verb, const char *resource, const char *name)
{
    const cJSON *e = cJSON_GetArrayItem(events, n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_STRING_EQUAL(cj_str(e, "verb"), verb);
    CU_ASSERT_STRING_EQUAL(cj_str(e, "actor"), ACTOR);
    CU_ASSERT_STRING_EQUAL(cj_str(e, "resource"), resource);
    CU_ASSERT_STRING_EQUAL(cj_str(e, "name"), name);
    return e;
}

static double num(const cJSON *o, const char *path)
{
    const cJSON *v = cj_get(o, path);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* Everything an action test needs: a client through the proxy, the mark in the event log. */
typedef struct {
    kube_client *c;
    kube_status st;
    int64_t mark;
} act;

static void act_begin(act *a, fakeapi *f)
{
    proxy_reset(f);
    a->mark = fakeapi_resource_version(f);
    a->c = action_client();
    memset(&a->st, 0, sizeof a->st);
}

static void act_end(act *a) { kube_client_free(a->c); }

/* ---- promote ---- */

static void test_promote_canary_pause_step(void)
{
    /* paused at step 1 ({"pause":{}}): Argo clears the pause conditions only; the index stays and
     * the controller advances it when it sees controllerPause without a condition */
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-pause", CANARY, 0,
                                       "{\"currentStepIndex\":1,\"controllerPause\":true,\"currentPodHash\":\"h2\","
                                       "\"stableRS\":\"h1\",\"phase\":\"Paused\",\"pauseConditions\":[{\"reason\":"
                                       "\"CanaryPauseStep\",\"startTime\":\"2026-01-01T00:00:00Z\"}]}"),
                          0);
    act a;
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "c-pause", 0, &a.st), 0);
    CU_ASSERT_STRING_EQUAL(a.st.message, "rollout 'c-pause' promoted");
    ASSERT_SEEN("GET " RO_PATH "c-pause -> 200\n"
                "PATCH " RO_PATH "c-pause/status application/merge-patch+json {\"status\":{\"pauseConditions\":null}} -> 200\n");
    cJSON *ro = get_ro(srv, "c-pause");
    CU_ASSERT_PTR_NULL(cj_get(ro, "status.pauseConditions"));
    CU_ASSERT_EQUAL(num(ro, "status.currentStepIndex"), 1);
    CU_ASSERT_TRUE(cJSON_IsTrue(cj_get(ro, "status.controllerPause")));
    CU_ASSERT_PTR_NULL(cj_get(ro, "spec.paused"));
    cJSON *ev = events_after(srv, a.mark);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(ev), 1);
    const cJSON *e = expect_event(ev, 0, "patch", "rollouts.argoproj.io", "c-pause");
    CU_ASSERT_EQUAL(num(e, "object.metadata.generation"), 1); /* status only */
    CU_ASSERT_PTR_NULL(cj_get(e, "object.status.pauseConditions"));
    cJSON_Delete(ev);
    cJSON_Delete(ro);
    act_end(&a);

    /* also spec.paused: the status patch first, then {"spec":{"paused":false}} */
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-pause2", CANARY, 1,
                                       "{\"currentStepIndex\":1,\"controllerPause\":true,\"pauseConditions\":[{\"reason\":"
                                       "\"CanaryPauseStep\",\"startTime\":\"2026-01-01T00:00:00Z\"}]}"),
                          0);
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "c-pause2", 0, &a.st), 0);
    ASSERT_SEEN("GET " RO_PATH "c-pause2 -> 200\n"
                "PATCH " RO_PATH "c-pause2/status application/merge-patch+json {\"status\":{\"pauseConditions\":null}} -> 200\n"
                "PATCH " RO_PATH "c-pause2 application/merge-patch+json {\"spec\":{\"paused\":false}} -> 200\n");
    ro = get_ro(srv, "c-pause2");
    CU_ASSERT_TRUE(cJSON_IsFalse(cj_get(ro, "spec.paused")));
    CU_ASSERT_PTR_NULL(cj_get(ro, "status.pauseConditions"));
    CU_ASSERT_EQUAL(num(ro, "status.currentStepIndex"), 1);
    ev = events_after(srv, a.mark);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(ev), 2);
    CU_ASSERT_EQUAL(num(expect_event(ev, 0, "patch", "rollouts.argoproj.io", "c-pause2"), "object.metadata.generation"), 1);
    CU_ASSERT_EQUAL(num(expect_event(ev, 1, "patch", "rollouts.argoproj.io", "c-pause2"), "object.metadata.generation"), 2);
    cJSON_Delete(ev);
    cJSON_Delete(ro);
    act_end(&a);
}

static void test_promote_canary_skips_step(void)
{
    /* no pause condition (a setWeight/analysis step in progress): skip the current step */
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-step", CANARY, 0, "{\"currentStepIndex\":2,\"currentPodHash\":\"h2\"}"), 0);
    act a;
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "c-step", 0, &a.st), 0);
    ASSERT_SEEN("GET " RO_PATH "c-step -> 200\n"
                "PATCH " RO_PATH "c-step/status application/merge-patch+json "
                "{\"status\":{\"pauseConditions\":null, \"currentStepIndex\":3}} -> 200\n");
    cJSON *ro = get_ro(srv, "c-step");
    CU_ASSERT_EQUAL(num(ro, "status.currentStepIndex"), 3);
    cJSON_Delete(ro);
    act_end(&a);

    /* no currentStepIndex yet counts as 0; past the last step the index is capped at len(steps) */
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-step0", CANARY, 0, "{\"phase\":\"Progressing\"}"), 0);
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-stepend", CANARY, 0, "{\"currentStepIndex\":4}"), 0);
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "c-step0", 0, &a.st), 0);
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "c-stepend", 0, &a.st), 0);
    ASSERT_SEEN("GET " RO_PATH "c-step0 -> 200\n"
                "PATCH " RO_PATH "c-step0/status application/merge-patch+json "
                "{\"status\":{\"pauseConditions\":null, \"currentStepIndex\":1}} -> 200\n"
                "GET " RO_PATH "c-stepend -> 200\n"
                "PATCH " RO_PATH "c-stepend/status application/merge-patch+json "
                "{\"status\":{\"pauseConditions\":null, \"currentStepIndex\":4}} -> 200\n");
    ro = get_ro(srv, "c-step0");
    CU_ASSERT_EQUAL(num(ro, "status.currentStepIndex"), 1);
    cJSON_Delete(ro);
    act_end(&a);

    /* a canary without steps and no pause: nothing to send beyond the GET */
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-nosteps", "{\"canary\":{}}", 0, "{\"currentPodHash\":\"h\"}"), 0);
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "c-nosteps", 0, &a.st), 0);
    ASSERT_SEEN("GET " RO_PATH "c-nosteps -> 200\n");
    act_end(&a);
}

static void test_promote_inconclusive(void)
{
    /* an Inconclusive step analysis with controllerPause: clear the pause, controllerPause, and
     * step past the analysis */
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-inc", CANARY, 0,
                                       "{\"currentStepIndex\":2,\"controllerPause\":true,\"pauseConditions\":[{\"reason\":"
                                       "\"InconclusiveAnalysisRun\",\"startTime\":\"2026-01-01T00:00:00Z\"}],\"canary\":"
                                       "{\"currentStepAnalysisRunStatus\":{\"name\":\"ar\",\"status\":\"Inconclusive\"}}}"),
                          0);
    act a;
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "c-inc", 0, &a.st), 0);
    ASSERT_SEEN("GET " RO_PATH "c-inc -> 200\n"
                "PATCH " RO_PATH "c-inc/status application/merge-patch+json "
                "{\"status\":{\"pauseConditions\":null, \"controllerPause\":false, \"currentStepIndex\":3}} -> 200\n");
    cJSON *ro = get_ro(srv, "c-inc");
    CU_ASSERT_EQUAL(num(ro, "status.currentStepIndex"), 3);
    CU_ASSERT_TRUE(cJSON_IsFalse(cj_get(ro, "status.controllerPause")));
    CU_ASSERT_PTR_NULL(cj_get(ro, "status.pauseConditions"));
    cJSON_Delete(ro);
    act_end(&a);
}

static void test_promote_bluegreen(void)
{
    /* waiting for promotion (autoPromotionEnabled false): clear BlueGreenPause */
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "bg", BLUEGREEN, 0,
                                       "{\"controllerPause\":true,\"currentPodHash\":\"h2\",\"stableRS\":\"h1\","
                                       "\"pauseConditions\":[{\"reason\":\"BlueGreenPause\",\"startTime\":"
                                       "\"2026-01-01T00:00:00Z\"}],\"blueGreen\":{\"activeSelector\":\"h1\","
                                       "\"previewSelector\":\"h2\"}}"),
                          0);
    act a;
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "bg", 0, &a.st), 0);
    ASSERT_SEEN("GET " RO_PATH "bg -> 200\n"
                "PATCH " RO_PATH "bg/status application/merge-patch+json {\"status\":{\"pauseConditions\":null}} -> 200\n");
    cJSON *ro = get_ro(srv, "bg");
    CU_ASSERT_PTR_NULL(cj_get(ro, "status.pauseConditions"));
    CU_ASSERT_STRING_EQUAL(cj_str(ro, "status.blueGreen.activeSelector"), "h1");
    cJSON *ev = events_after(srv, a.mark);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(ev), 1);
    expect_event(ev, 0, "patch", "rollouts.argoproj.io", "bg");
    cJSON_Delete(ev);
    cJSON_Delete(ro);
    act_end(&a);

    /* manually paused only: one spec patch; never a step index for blue-green */
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "bg-paused", BLUEGREEN, 1, "{\"currentPodHash\":\"h2\"}"), 0);
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "bg-idle", BLUEGREEN, 0, "{\"currentPodHash\":\"h2\"}"), 0);
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "bg-paused", 0, &a.st), 0);
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "bg-idle", 0, &a.st), 0); /* not paused: allowed, no write */
    CU_ASSERT_STRING_EQUAL(a.st.message, "rollout 'bg-idle' promoted");
    ASSERT_SEEN("GET " RO_PATH "bg-paused -> 200\n"
                "PATCH " RO_PATH "bg-paused application/merge-patch+json {\"spec\":{\"paused\":false}} -> 200\n"
                "GET " RO_PATH "bg-idle -> 200\n");
    ro = get_ro(srv, "bg-paused");
    CU_ASSERT_TRUE(cJSON_IsFalse(cj_get(ro, "spec.paused")));
    cJSON_Delete(ro);
    act_end(&a);
}

static void test_promote_full(void)
{
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-full", CANARY, 1,
                                       "{\"currentStepIndex\":1,\"controllerPause\":true,\"currentPodHash\":\"h2\","
                                       "\"stableRS\":\"h1\",\"pauseConditions\":[{\"reason\":\"CanaryPauseStep\","
                                       "\"startTime\":\"2026-01-01T00:00:00Z\"}]}"),
                          0);
    act a;
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "c-full", 1, &a.st), 0);
    CU_ASSERT_STRING_EQUAL(a.st.message, "rollout 'c-full' fully promoted");
    ASSERT_SEEN("GET " RO_PATH "c-full -> 200\n"
                "PATCH " RO_PATH "c-full/status application/merge-patch+json {\"status\":{\"promoteFull\":true}} -> 200\n"
                "PATCH " RO_PATH "c-full application/merge-patch+json {\"spec\":{\"paused\":false}} -> 200\n");
    cJSON *ro = get_ro(srv, "c-full");
    CU_ASSERT_TRUE(cJSON_IsTrue(cj_get(ro, "status.promoteFull")));
    CU_ASSERT_TRUE(cJSON_IsFalse(cj_get(ro, "spec.paused")));
    /* --full leaves the conditions and the index to the controller */
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(ro, "status.pauseConditions")), 1);
    CU_ASSERT_EQUAL(num(ro, "status.currentStepIndex"), 1);
    cJSON_Delete(ro);
    cJSON *ev = events_after(srv, a.mark);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(ev), 2);
    cJSON_Delete(ev);
    act_end(&a);

    /* a blue-green that is not paused: promoteFull only */
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "bg-full", BLUEGREEN, 0, "{\"currentPodHash\":\"h2\",\"stableRS\":\"h1\"}"), 0);
    /* already fully promoted (current == stable) and not paused: nothing to write, still fine */
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-done", CANARY, 0, "{\"currentPodHash\":\"h1\",\"stableRS\":\"h1\"}"), 0);
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "bg-full", 1, &a.st), 0);
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "c-done", 1, &a.st), 0);
    ASSERT_SEEN("GET " RO_PATH "bg-full -> 200\n"
                "PATCH " RO_PATH "bg-full/status application/merge-patch+json {\"status\":{\"promoteFull\":true}} -> 200\n"
                "GET " RO_PATH "c-done -> 200\n");
    act_end(&a);
}

/* ---- abort, retry, pause, resume, restart ---- */

static void test_abort_retry(void)
{
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-abort", CANARY, 0, "{\"currentStepIndex\":2,\"currentPodHash\":\"h2\"}"), 0);
    act a;
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_abort(a.c, "ro", "c-abort", &a.st), 0);
    CU_ASSERT_STRING_EQUAL(a.st.message, "rollout 'c-abort' aborted");
    cJSON *ro = get_ro(srv, "c-abort");
    CU_ASSERT_TRUE(cJSON_IsTrue(cj_get(ro, "status.abort")));
    CU_ASSERT_EQUAL(num(ro, "status.currentStepIndex"), 2);
    cJSON_Delete(ro);
    CU_ASSERT_EQUAL(ro_retry(a.c, "ro", "c-abort", &a.st), 0);
    CU_ASSERT_STRING_EQUAL(a.st.message, "rollout 'c-abort' retried");
    /* no GET: one status patch each */
    ASSERT_SEEN("PATCH " RO_PATH "c-abort/status application/merge-patch+json {\"status\":{\"abort\":true}} -> 200\n"
                "PATCH " RO_PATH "c-abort/status application/merge-patch+json {\"status\":{\"abort\":false}} -> 200\n");
    ro = get_ro(srv, "c-abort");
    CU_ASSERT_TRUE(cJSON_IsFalse(cj_get(ro, "status.abort")));
    cJSON_Delete(ro);
    cJSON *ev = events_after(srv, a.mark);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(ev), 2);
    CU_ASSERT_TRUE(cJSON_IsTrue(cj_get(expect_event(ev, 0, "patch", "rollouts.argoproj.io", "c-abort"), "object.status.abort")));
    CU_ASSERT_TRUE(cJSON_IsFalse(cj_get(expect_event(ev, 1, "patch", "rollouts.argoproj.io", "c-abort"), "object.status.abort")));
    CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(ev, 1), "object.metadata.generation"), 1);
    cJSON_Delete(ev);
    act_end(&a);
}

static void test_pause_resume(void)
{
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-pr", CANARY, 0, "{\"currentStepIndex\":2}"), 0);
    act a;
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_pause(a.c, "ro", "c-pr", &a.st), 0);
    CU_ASSERT_STRING_EQUAL(a.st.message, "rollout 'c-pr' paused");
    cJSON *ro = get_ro(srv, "c-pr");
    CU_ASSERT_TRUE(cJSON_IsTrue(cj_get(ro, "spec.paused")));
    CU_ASSERT_EQUAL(num(ro, "metadata.generation"), 2);
    cJSON_Delete(ro);
    /* resume undoes the manual pause only: the step index is not touched (unlike promote) */
    CU_ASSERT_EQUAL(ro_resume(a.c, "ro", "c-pr", &a.st), 0);
    CU_ASSERT_STRING_EQUAL(a.st.message, "rollout 'c-pr' resumed");
    ASSERT_SEEN("PATCH " RO_PATH "c-pr application/merge-patch+json {\"spec\":{\"paused\":true}} -> 200\n"
                "GET " RO_PATH "c-pr -> 200\n"
                "PATCH " RO_PATH "c-pr application/merge-patch+json {\"spec\":{\"paused\":false}} -> 200\n");
    ro = get_ro(srv, "c-pr");
    CU_ASSERT_TRUE(cJSON_IsFalse(cj_get(ro, "spec.paused")));
    CU_ASSERT_EQUAL(num(ro, "status.currentStepIndex"), 2);
    cJSON_Delete(ro);
    cJSON *ev = events_after(srv, a.mark);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(ev), 2);
    expect_event(ev, 0, "patch", "rollouts.argoproj.io", "c-pr");
    expect_event(ev, 1, "patch", "rollouts.argoproj.io", "c-pr");
    cJSON_Delete(ev);
    act_end(&a);

    /* a rollout paused at a pause step and manually: both parts of the old resume body, split */
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-res", CANARY, 1,
                                       "{\"currentStepIndex\":1,\"controllerPause\":true,\"pauseConditions\":[{\"reason\":"
                                       "\"CanaryPauseStep\",\"startTime\":\"2026-01-01T00:00:00Z\"}]}"),
                          0);
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_resume(a.c, "ro", "c-res", &a.st), 0);
    ASSERT_SEEN("GET " RO_PATH "c-res -> 200\n"
                "PATCH " RO_PATH "c-res/status application/merge-patch+json {\"status\":{\"pauseConditions\":null}} -> 200\n"
                "PATCH " RO_PATH "c-res application/merge-patch+json {\"spec\":{\"paused\":false}} -> 200\n");
    ro = get_ro(srv, "c-res");
    CU_ASSERT_PTR_NULL(cj_get(ro, "status.pauseConditions"));
    CU_ASSERT_EQUAL(num(ro, "status.currentStepIndex"), 1);
    cJSON_Delete(ro);
    /* resuming a rollout that is not paused writes nothing */
    proxy_reset(srv);
    CU_ASSERT_EQUAL(ro_resume(a.c, "ro", "c-res", &a.st), 0);
    ASSERT_SEEN("GET " RO_PATH "c-res -> 200\n");
    act_end(&a);
}

static void test_restart(void)
{
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-restart", CANARY, 0, NULL), 0);
    act a;
    act_begin(&a, srv);
    co_clock *clk = co_clock_virtual(T0 + 61500); /* fractions of a second are dropped */
    CU_ASSERT_EQUAL(ro_restart(a.c, "ro", "c-restart", clk, NULL, &a.st), 0);
    CU_ASSERT_STRING_EQUAL(a.st.message, "rollout 'c-restart' restarts in 0s");
    ASSERT_SEEN("PATCH " RO_PATH "c-restart application/merge-patch+json "
                "{\"spec\":{\"restartAt\":\"2026-01-01T00:01:01Z\"}} -> 200\n");
    cJSON *ro = get_ro(srv, "c-restart");
    CU_ASSERT_STRING_EQUAL(cj_str(ro, "spec.restartAt"), "2026-01-01T00:01:01Z");
    cJSON_Delete(ro);
    cJSON *ev = events_after(srv, a.mark);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(ev), 1);
    CU_ASSERT_EQUAL(num(expect_event(ev, 0, "patch", "rollouts.argoproj.io", "c-restart"), "object.metadata.generation"), 2);
    cJSON_Delete(ev);
    /* --in 30s: restartAt 30 s later, said as given; a bad duration sends nothing */
    CU_ASSERT_EQUAL(ro_restart(a.c, "ro", "c-restart", clk, "30s", &a.st), 0);
    CU_ASSERT_STRING_EQUAL(a.st.message, "rollout 'c-restart' restarts in 30s");
    ro = get_ro(srv, "c-restart");
    CU_ASSERT_STRING_EQUAL(cj_str(ro, "spec.restartAt"), "2026-01-01T00:01:31Z");
    cJSON_Delete(ro);
    CU_ASSERT_EQUAL(ro_restart(a.c, "ro", "c-restart", clk, "1m30s", &a.st), 0);
    ro = get_ro(srv, "c-restart");
    CU_ASSERT_STRING_EQUAL(cj_str(ro, "spec.restartAt"), "2026-01-01T00:02:31Z");
    cJSON_Delete(ro);
    CU_ASSERT_EQUAL(ro_restart(a.c, "ro", "c-restart", clk, "soon", &a.st), -1);
    CU_ASSERT_STRING_EQUAL(a.st.message, "invalid duration soon: expected e.g. 30s, 5m, 1h");
    ro = get_ro(srv, "c-restart");
    CU_ASSERT_STRING_EQUAL(cj_str(ro, "spec.restartAt"), "2026-01-01T00:02:31Z");
    cJSON_Delete(ro);
    /* NULL clock = real time: some RFC 3339 time */
    CU_ASSERT_EQUAL(ro_restart(a.c, "ro", "c-restart", NULL, NULL, &a.st), 0);
    ro = get_ro(srv, "c-restart");
    int64_t ms = 0;
    CU_ASSERT_EQUAL(co_time_parse(cj_str(ro, "spec.restartAt"), &ms), 0);
    CU_ASSERT_TRUE(ms > T0);
    cJSON_Delete(ro);
    co_clock_free(clk);
    act_end(&a);
}

/* ---- set image ---- */

static void test_set_image(void)
{
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-img", CANARY, 0, "{\"currentStepIndex\":4}"), 0);
    act a;
    act_begin(&a, srv);
    /* one container: GET, then PUT of the whole object with only that image changed */
    CU_ASSERT_EQUAL(ro_set_image(a.c, "ro", "c-img", "app", "app:v4", &a.st), 0);
    CU_ASSERT_STRING_EQUAL(a.st.message, "rollout \"c-img\" image updated");
    char *log = seen();
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "GET " RO_PATH "c-img -> 200\nPUT " RO_PATH "c-img application/json {"));
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "\"image\":\"app:v4\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "} -> 200\n"));
    CU_ASSERT_PTR_NULL(strstr(strstr(log, "PUT ") + 1, "PUT ")); /* one PUT */
    free(log);
    cJSON *ro = get_ro(srv, "c-img");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(ro, "spec.template.spec.containers"), 0), "image"), "app:v4");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(ro, "spec.template.spec.containers"), 1), "image"), "envoy:1");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(ro, "spec.template.spec.initContainers"), 0), "image"),
                           "busybox:1");
    CU_ASSERT_EQUAL(num(ro, "status.currentStepIndex"), 4); /* the PUT leaves status alone */
    cJSON_Delete(ro);
    cJSON *ev = events_after(srv, a.mark);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(ev), 1);
    CU_ASSERT_EQUAL(num(expect_event(ev, 0, "update", "rollouts.argoproj.io", "c-img"), "object.metadata.generation"), 2);
    cJSON_Delete(ev);

    /* "*": every container and init container */
    proxy_reset(srv);
    CU_ASSERT_EQUAL(ro_set_image(a.c, "ro", "c-img", "*", "all:1", &a.st), 0);
    ro = get_ro(srv, "c-img");
    const cJSON *ctr;
    int n = 0;
    cJSON_ArrayForEach(ctr, cj_get(ro, "spec.template.spec.containers")) n += !strcmp(cj_str(ctr, "image"), "all:1");
    cJSON_ArrayForEach(ctr, cj_get(ro, "spec.template.spec.initContainers")) n += !strcmp(cj_str(ctr, "image"), "all:1");
    CU_ASSERT_EQUAL(n, 3);
    cJSON_Delete(ro);

    /* an init container by name */
    CU_ASSERT_EQUAL(ro_set_image(a.c, "ro", "c-img", "init", "busybox:2", &a.st), 0);
    ro = get_ro(srv, "c-img");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(ro, "spec.template.spec.initContainers"), 0), "image"),
                           "busybox:2");
    cJSON_Delete(ro);

    /* an unknown container: Argo's error, no write */
    proxy_reset(srv);
    int64_t mark = fakeapi_resource_version(srv);
    CU_ASSERT_EQUAL(ro_set_image(a.c, "ro", "c-img", "nope", "x:1", &a.st), -1);
    CU_ASSERT_STRING_EQUAL(a.st.message, "unable to find container named \"nope\"");
    CU_ASSERT_EQUAL(a.st.code, 400);
    ASSERT_SEEN("GET " RO_PATH "c-img -> 200\n");
    CU_ASSERT_EQUAL(fakeapi_resource_version(srv), mark);
    act_end(&a);
}

static void test_set_image_conflicts(void)
{
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "c-conf", CANARY, 0, NULL), 0);
    act a;
    act_begin(&a, srv);
    /* a PUT that conflicts is retried from the GET */
    pthread_mutex_lock(&px.mu);
    px.conflicts = 2;
    pthread_mutex_unlock(&px.mu);
    CU_ASSERT_EQUAL(ro_set_image(a.c, "ro", "c-conf", "app", "app:v9", &a.st), 0);
    char *log = seen();
    int gets = 0, puts409 = 0, puts200 = 0;
    for (char *p = log; (p = strstr(p, "GET ")); p++)
        gets++;
    for (char *p = log; (p = strstr(p, "PUT ")); p++) {
        const char *arrow = strstr(p, "-> ");
        puts409 += !strncmp(arrow, "-> 409", 6);
        puts200 += !strncmp(arrow, "-> 200", 6);
    }
    CU_ASSERT_EQUAL(gets, 3);
    CU_ASSERT_EQUAL(puts409, 2);
    CU_ASSERT_EQUAL(puts200, 1);
    free(log);
    cJSON *ro = get_ro(srv, "c-conf");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(ro, "spec.template.spec.containers"), 0), "image"), "app:v9");
    cJSON_Delete(ro);

    /* five conflicts in a row: give up with the Conflict */
    proxy_reset(srv);
    pthread_mutex_lock(&px.mu);
    px.conflicts = 5;
    pthread_mutex_unlock(&px.mu);
    CU_ASSERT_EQUAL(ro_set_image(a.c, "ro", "c-conf", "app", "app:v10", &a.st), -1);
    CU_ASSERT_EQUAL(a.st.code, 409);
    CU_ASSERT_STRING_EQUAL(a.st.reason, "Conflict");
    log = seen();
    int puts = 0;
    for (char *p = log; (p = strstr(p, "PUT ")); p++)
        puts++;
    CU_ASSERT_EQUAL(puts, 5);
    free(log);
    act_end(&a);
}

static void test_set_image_workload_ref(void)
{
    /* spec.workloadRef: the Deployment's template is the one updated */
    CU_ASSERT_EQUAL_FATAL(setup_call(srv, "POST", "/apis/apps/v1/namespaces/ro/deployments", NULL,
                                     "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},"
                                     "\"spec\":{\"replicas\":0,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
                                     "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":"
                                     "[{\"name\":\"web\",\"image\":\"web:1\"}]}}}}"),
                          0);
    CU_ASSERT_EQUAL_FATAL(setup_call(srv, "POST", "/apis/argoproj.io/v1alpha1/namespaces/ro/rollouts", NULL,
                                     "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\",\"metadata\":"
                                     "{\"name\":\"wref\"},\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":"
                                     "{\"app\":\"web\"}},\"workloadRef\":{\"apiVersion\":\"apps/v1\",\"kind\":"
                                     "\"Deployment\",\"name\":\"web\"},\"strategy\":{\"canary\":{}}}}"),
                          0);
    act a;
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_set_image(a.c, "ro", "wref", "web", "web:2", &a.st), 0);
    CU_ASSERT_STRING_EQUAL(a.st.message, "deployment \"web\" image updated");
    char *log = seen();
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "GET " RO_PATH "wref -> 200\n"
                                       "GET /apis/apps/v1/namespaces/ro/deployments/web -> 200\n"
                                       "PUT /apis/apps/v1/namespaces/ro/deployments/web application/json {"));
    free(log);
    cJSON *d = get_obj(srv, "/apis/apps/v1/namespaces/ro/deployments/web");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(d, "spec.template.spec.containers"), 0), "image"), "web:2");
    cJSON_Delete(d);
    cJSON *ev = events_after(srv, a.mark);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(ev), 1);
    expect_event(ev, 0, "update", "deployments.apps", "web");
    cJSON_Delete(ev);
    act_end(&a);
}

/* ---- undo ---- */

/* A ReplicaSet of rollout `ro` (uid; NULL = not owned) with the revision annotation and one
 * container running image. */
static int make_rs_app(const char *ro, const char *app, const char *uid, const char *hash, int revision,
                       const char *image)
{
    char body[2048], owner[512] = "";
    if (uid)
        snprintf(owner, sizeof owner,
                 ",\"ownerReferences\":[{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\",\"name\":\"%s\","
                 "\"uid\":\"%s\",\"controller\":true,\"blockOwnerDeletion\":true}]",
                 ro, uid);
    snprintf(body, sizeof body,
             "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"%s-%s\",\"labels\":{\"app\":"
             "\"%s\",\"rollouts-pod-template-hash\":\"%s\"},\"annotations\":{\"rollout.argoproj.io/revision\":\"%d\"}%s},"
             "\"spec\":{\"replicas\":0,\"selector\":{\"matchLabels\":{\"app\":\"%s\",\"rollouts-pod-template-hash\":"
             "\"%s\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"%s\",\"rollouts-pod-template-hash\":\"%s\"}},"
             "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"%s\"}]}}}}",
             ro, hash, app, hash, revision, owner, app, hash, app, hash, image);
    return setup_call(srv, "POST", "/apis/apps/v1/namespaces/ro/replicasets", NULL, body);
}

static int make_rs(const char *ro, const char *uid, const char *hash, int revision, const char *image)
{
    return make_rs_app(ro, ro, uid, hash, revision, image);
}

static void set_template_image(const char *name, const char *image)
{
    char path[256], body[512];
    snprintf(path, sizeof path, RO_PATH "%s", name);
    snprintf(body, sizeof body,
             "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"app\":\"%s\"}},\"spec\":{\"initContainers\":null,"
             "\"containers\":[{\"name\":\"app\",\"image\":\"%s\"}]}}}}",
             name, image);
    setup_call(srv, "PATCH", path, "application/merge-patch+json", body);
}

static const char *image0(const cJSON *ro)
{
    return cj_str(cJSON_GetArrayItem(cj_get(ro, "spec.template.spec.containers"), 0), "image");
}

static void test_undo(void)
{
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "u", CANARY, 0, "{\"currentPodHash\":\"h3\",\"stableRS\":\"h3\"}"), 0);
    set_template_image("u", "app:v3");
    cJSON *ro = get_ro(srv, "u");
    char uid[64];
    snprintf(uid, sizeof uid, "%s", cj_str(ro, "metadata.uid"));
    cJSON_Delete(ro);
    CU_ASSERT_EQUAL_FATAL(make_rs("u", uid, "h1", 1, "app:v1"), 0);
    CU_ASSERT_EQUAL_FATAL(make_rs("u", uid, "h3", 3, "app:v3"), 0);
    CU_ASSERT_EQUAL_FATAL(make_rs("u", uid, "h2", 2, "app:v2"), 0);
    CU_ASSERT_EQUAL_FATAL(make_rs("u", NULL, "h9", 9, "stranger:9"), 0); /* same labels, not controlled */

    /* previous revision: the second highest owned one (2), its template as the server keeps it
     * (pod defaults included) minus the hash label, as a JSON patch of the main resource */
    act a;
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_undo(a.c, "ro", "u", 0, &a.st), 0);
    CU_ASSERT_STRING_EQUAL(a.st.message, "rollout 'u' undo");
    ASSERT_SEEN("GET " RO_PATH "u -> 200\n"
                "GET /apis/apps/v1/namespaces/ro/replicasets?labelSelector=app=u -> 200\n"
                "PATCH " RO_PATH "u application/json-patch+json [{\"op\":\"replace\",\"path\":\"/spec/template\","
                "\"value\":{\"metadata\":{\"labels\":{\"app\":\"u\"}},\"spec\":{\"containers\":[{\"name\":\"app\","
                "\"image\":\"app:v2\",\"imagePullPolicy\":\"IfNotPresent\",\"terminationMessagePath\":"
                "\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\",\"resources\":{}}],\"restartPolicy\":"
                "\"Always\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\",\"schedulerName\":"
                "\"default-scheduler\",\"securityContext\":{}}}}] -> 200\n");
    ro = get_ro(srv, "u");
    CU_ASSERT_STRING_EQUAL(image0(ro), "app:v2");
    cJSON *want = cJSON_Parse("{\"app\":\"u\"}");
    CU_ASSERT_TRUE(cj_equal(cj_get(ro, "spec.template.metadata.labels"), want));
    cJSON_Delete(want);
    cJSON_Delete(ro);
    cJSON *ev = events_after(srv, a.mark);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(ev), 1);
    expect_event(ev, 0, "patch", "rollouts.argoproj.io", "u");
    cJSON_Delete(ev);

    /* --to-revision 1 */
    proxy_reset(srv);
    CU_ASSERT_EQUAL(ro_undo(a.c, "ro", "u", 1, &a.st), 0);
    ro = get_ro(srv, "u");
    CU_ASSERT_STRING_EQUAL(image0(ro), "app:v1");
    cJSON_Delete(ro);

    /* the template already matches revision 1: skipped, no write */
    proxy_reset(srv);
    int64_t mark = fakeapi_resource_version(srv);
    CU_ASSERT_EQUAL(ro_undo(a.c, "ro", "u", 1, &a.st), 0);
    CU_ASSERT_STRING_EQUAL(a.st.message, "skipped rollback (current template already matches revision 1)");
    ASSERT_SEEN("GET " RO_PATH "u -> 200\n"
                "GET /apis/apps/v1/namespaces/ro/replicasets?labelSelector=app=u -> 200\n");
    CU_ASSERT_EQUAL(fakeapi_resource_version(srv), mark);

    /* a revision the rollout never had (9 belongs to no one) */
    CU_ASSERT_EQUAL(ro_undo(a.c, "ro", "u", 9, &a.st), -1);
    CU_ASSERT_STRING_EQUAL(a.st.message, "unable to find specified revision 9 in history");
    act_end(&a);

    /* no ReplicaSets: nothing to go back to */
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "u-none", CANARY, 0, NULL), 0);
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_undo(a.c, "ro", "u-none", 0, &a.st), -1);
    CU_ASSERT_STRING_EQUAL(a.st.message, "no revision found for rollout \"u-none\"");
    act_end(&a);
}

static void test_undo_selector_expressions(void)
{
    /* matchExpressions join matchLabels in the list selector, sorted by key, values sorted */
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv, "ux", CANARY, 0, NULL), 0);
    setup_call(srv, "PATCH", RO_PATH "ux", "application/merge-patch+json",
               "{\"spec\":{\"selector\":{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\",\"values\":"
               "[\"web\",\"api\"]},{\"key\":\"legacy\",\"operator\":\"DoesNotExist\"}]}}}");
    act a;
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_undo(a.c, "ro", "ux", 0, &a.st), -1);
    ASSERT_SEEN("GET " RO_PATH "ux -> 200\n"
                "GET /apis/apps/v1/namespaces/ro/replicasets?labelSelector=app=ux,!legacy,tier in (api,web) -> 200\n");
    CU_ASSERT_STRING_EQUAL(a.st.message, "no revision found for rollout \"ux\"");

    /* a bad operator never reaches the server */
    setup_call(srv, "PATCH", RO_PATH "ux", "application/merge-patch+json",
               "{\"spec\":{\"selector\":{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"Near\"}]}}}");
    proxy_reset(srv);
    CU_ASSERT_EQUAL(ro_undo(a.c, "ro", "ux", 0, &a.st), -1);
    CU_ASSERT_STRING_EQUAL(a.st.message,
                           "failed to retrieve replica sets from rollout ux: \"Near\" is not a valid label selector operator");
    ASSERT_SEEN("GET " RO_PATH "ux -> 200\n");
    act_end(&a);
}

static void test_undo_workload_ref(void)
{
    /* the rollout of test_set_image_workload_ref: its ReplicaSets' template goes to the Deployment */
    cJSON *ro = get_ro(srv, "wref");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ro);
    char uid[64];
    snprintf(uid, sizeof uid, "%s", cj_str(ro, "metadata.uid"));
    cJSON_Delete(ro);
    CU_ASSERT_EQUAL_FATAL(make_rs_app("wref", "web", uid, "w1", 1, "web:1"), 0);
    CU_ASSERT_EQUAL_FATAL(make_rs_app("wref", "web", uid, "w2", 2, "web:2"), 0);
    act a;
    act_begin(&a, srv);
    CU_ASSERT_EQUAL(ro_undo(a.c, "ro", "wref", 0, &a.st), 0);
    char *log = seen();
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "GET " RO_PATH "wref -> 200\n"
                                       "GET /apis/apps/v1/namespaces/ro/replicasets?labelSelector=app=web -> 200\n"
                                       "PATCH /apis/apps/v1/namespaces/ro/deployments/web application/json-patch+json "
                                       "[{\"op\":\"replace\",\"path\":\"/spec/template\",\"value\":"));
    free(log);
    cJSON *d = get_obj(srv, "/apis/apps/v1/namespaces/ro/deployments/web");
    CU_ASSERT_STRING_EQUAL(image0(d), "web:1");
    CU_ASSERT_PTR_NULL(cj_get(d, "spec.template.metadata.labels.rollouts-pod-template-hash"));
    cJSON_Delete(d);
    cJSON *ev = events_after(srv, a.mark);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(ev), 1);
    expect_event(ev, 0, "patch", "deployments.apps", "web");
    cJSON_Delete(ev);
    act_end(&a);
}

/* ---- errors ---- */

static void test_not_found(void)
{
    act a;
    act_begin(&a, srv);
    int64_t mark = fakeapi_resource_version(srv);
#define EXPECT_NOT_FOUND(call)                                                                                         \
    do {                                                                                                               \
        memset(&a.st, 0, sizeof a.st);                                                                                 \
        CU_ASSERT_EQUAL(call, -1);                                                                                     \
        CU_ASSERT_EQUAL(a.st.code, 404);                                                                               \
        CU_ASSERT_STRING_EQUAL(a.st.reason, "NotFound");                                                               \
    } while (0)
    EXPECT_NOT_FOUND(ro_promote(a.c, "ro", "ghost", 0, &a.st));
    EXPECT_NOT_FOUND(ro_promote(a.c, "ro", "ghost", 1, &a.st));
    EXPECT_NOT_FOUND(ro_abort(a.c, "ro", "ghost", &a.st));
    EXPECT_NOT_FOUND(ro_retry(a.c, "ro", "ghost", &a.st));
    EXPECT_NOT_FOUND(ro_pause(a.c, "ro", "ghost", &a.st));
    EXPECT_NOT_FOUND(ro_resume(a.c, "ro", "ghost", &a.st));
    EXPECT_NOT_FOUND(ro_set_image(a.c, "ro", "ghost", "app", "x:1", &a.st));
    EXPECT_NOT_FOUND(ro_undo(a.c, "ro", "ghost", 0, &a.st));
    co_clock *clk = co_clock_virtual(T0 + 5000);
    EXPECT_NOT_FOUND(ro_restart(a.c, "ro", "ghost", clk, NULL, &a.st));
    co_clock_free(clk);
    CU_ASSERT_PTR_NOT_NULL(strstr(a.st.message, "ghost"));
    /* abort and retry try the status subresource, then (NotFound) the main resource */
    ASSERT_SEEN("GET " RO_PATH "ghost -> 404\n"
                "GET " RO_PATH "ghost -> 404\n"
                "PATCH " RO_PATH "ghost/status application/merge-patch+json {\"status\":{\"abort\":true}} -> 404\n"
                "PATCH " RO_PATH "ghost application/merge-patch+json {\"status\":{\"abort\":true}} -> 404\n"
                "PATCH " RO_PATH "ghost/status application/merge-patch+json {\"status\":{\"abort\":false}} -> 404\n"
                "PATCH " RO_PATH "ghost application/merge-patch+json {\"status\":{\"abort\":false}} -> 404\n"
                "PATCH " RO_PATH "ghost application/merge-patch+json {\"spec\":{\"paused\":true}} -> 404\n"
                "GET " RO_PATH "ghost -> 404\n"
                "GET " RO_PATH "ghost -> 404\n"
                "GET " RO_PATH "ghost -> 404\n"
                "PATCH " RO_PATH "ghost application/merge-patch+json {\"spec\":{\"restartAt\":\"2026-01-01T00:00:05Z\"}} -> 404\n");
    CU_ASSERT_EQUAL(fakeapi_resource_version(srv), mark);
    /* st may be NULL */
    CU_ASSERT_EQUAL(ro_pause(a.c, "ro", "ghost", NULL), -1);
    act_end(&a);
}

/* ---- a controller without the status subresource (Rollouts v0.9) ---- */

static void test_without_status_subresource(void)
{
    CU_ASSERT_EQUAL_FATAL(make_rollout(srv9, "old", CANARY, 1,
                                       "{\"currentStepIndex\":1,\"controllerPause\":true,\"pauseConditions\":[{\"reason\":"
                                       "\"CanaryPauseStep\",\"startTime\":\"2026-01-01T00:00:00Z\"}]}"),
                          0);
    act a;
    act_begin(&a, srv9);
    /* the status patch is NotFound, so one unified patch of spec and status follows */
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "old", 0, &a.st), 0);
    char *log = seen();
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "PATCH " RO_PATH "old/status application/merge-patch+json "
                                       "{\"status\":{\"pauseConditions\":null}} -> 404\n"
                                       "PATCH " RO_PATH "old application/merge-patch+json "
                                       "{\"spec\":{\"paused\":false},\"status\":{\"pauseConditions\":null}} -> 200\n"));
    free(log);
    cJSON *ro = get_ro(srv9, "old");
    CU_ASSERT_TRUE(cJSON_IsFalse(cj_get(ro, "spec.paused")));
    CU_ASSERT_PTR_NULL(cj_get(ro, "status.pauseConditions"));
    cJSON_Delete(ro);
    cJSON *ev = events_after(srv9, a.mark);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(ev), 1);
    cJSON_Delete(ev);

    /* abort falls back to the same body on the main resource */
    proxy_reset(srv9);
    CU_ASSERT_EQUAL(ro_abort(a.c, "ro", "old", &a.st), 0);
    ASSERT_SEEN("PATCH " RO_PATH "old/status application/merge-patch+json {\"status\":{\"abort\":true}} -> 404\n"
                "PATCH " RO_PATH "old application/merge-patch+json {\"status\":{\"abort\":true}} -> 200\n");
    ro = get_ro(srv9, "old");
    CU_ASSERT_TRUE(cJSON_IsTrue(cj_get(ro, "status.abort")));
    cJSON_Delete(ro);

    /* promote --full: the unified body carries both halves */
    proxy_reset(srv9);
    setup_call(srv9, "PATCH", RO_PATH "old", "application/merge-patch+json",
               "{\"status\":{\"currentPodHash\":\"h2\",\"stableRS\":\"h1\"}}");
    CU_ASSERT_EQUAL(ro_promote(a.c, "ro", "old", 1, &a.st), 0);
    ASSERT_SEEN("GET " RO_PATH "old -> 200\n"
                "PATCH " RO_PATH "old/status application/merge-patch+json {\"status\":{\"promoteFull\":true}} -> 404\n"
                "PATCH " RO_PATH "old application/merge-patch+json "
                "{\"spec\":{\"paused\":false},\"status\":{\"promoteFull\":true}} -> 200\n");
    act_end(&a);
}

/* ---- setup ---- */


static int prepare(fakeapi *f, const cJSON *crd)
{
    char *json = cJSON_PrintUnformatted(crd);
    int rc = setup_call(f, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", NULL, json);
    free(json);
    if (rc == 0)
        rc = setup_call(f, "POST", "/api/v1/namespaces", NULL, "{\"metadata\":{\"name\":\"ro\"}}");
    return rc;
}

int main(void)
{
    char err[256];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    srv = fakeapi_start(&(fakeapi_options){.seed = 1, .no_sim = 1}, err, sizeof err);
    srv9 = srv ? fakeapi_start(&(fakeapi_options){.seed = 2, .no_sim = 1}, err, sizeof err) : NULL;
    if (!srv || !srv9) {
        fprintf(stderr, "cannot start the fake API server: %s\n", err);
        return 1;
    }
    cJSON *crd = cu_load_yaml("deploy/crds/rollout-crd.yaml");
    if (!crd || prepare(srv, crd) != 0)
        return 1;
    cJSON_DeleteItemFromObject(cj_get(cJSON_GetArrayItem(cj_get(crd, "spec.versions"), 0), "subresources"), "status");
    if (prepare(srv9, crd) != 0)
        return 1;
    cJSON_Delete(crd);
    if (proxy_start(&px) != 0) {
        fprintf(stderr, "cannot start the recording proxy\n");
        return 1;
    }
    vclock = co_clock_virtual(T0);
    static const cu_test tests[] = {
        {"promote: canary at a pause step clears the pause conditions", test_promote_canary_pause_step},
        {"promote: canary mid-step skips the step (index capped)", test_promote_canary_skips_step},
        {"promote: inconclusive step analysis", test_promote_inconclusive},
        {"promote: blue-green waiting, manually paused, not paused", test_promote_bluegreen},
        {"promote --full", test_promote_full},
        {"abort and retry: status subresource", test_abort_retry},
        {"pause and resume", test_pause_resume},
        {"restart at the clock's time", test_restart},
        {"set image: one container, *, init, unknown container", test_set_image},
        {"set image: Conflict retries", test_set_image_conflicts},
        {"set image: workloadRef Deployment", test_set_image_workload_ref},
        {"undo: previous, --to-revision, skipped, unknown", test_undo},
        {"undo: selector expressions", test_undo_selector_expressions},
        {"undo: workloadRef Deployment", test_undo_workload_ref},
        {"errors: missing rollout is NotFound for every action", test_not_found},
        {"without the status subresource: unified patches", test_without_status_subresource},
        {NULL, NULL},
    };
    int rc = cu_run("actions", tests);
    proxy_stop(&px);
    fakeapi_stop(srv9);
    fakeapi_stop(srv);
    co_clock_free(vclock);
    curl_global_cleanup();
    return rc;
}
