/* test_faults.c: the fault switches over real HTTP against an in-process server: the Nth write
 * failing with a Status, shares reproducible for a seed, 429 with Retry-After, latency that holds
 * one request back while others are served, closing watch streams, compaction and the 410 it
 * causes, and the admin endpoint's validation. */
#include "cu.h"
#include "http.h"
#include "common/buf.h"
#include "common/json.h"
#include "fakeapi/fakeapi.h"
#include "fakeapi/sim/faults.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static fakeapi *srv;

static const char *CM = "/api/v1/namespaces/default/configmaps";

typedef th_resp resp;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One request on its own connection to server s. */
static resp request_to(fakeapi *s, const char *method, const char *path, const char *ct, const char *payload)
{
    return th_request(fakeapi_url(s), method, path, ct, payload, "test-faults");
}

static resp request(const char *method, const char *path, const char *ct, const char *payload)
{
    return request_to(srv, method, path, ct, payload);
}

static void resp_free(resp *r) { th_free(r); }

/* Sends a request and returns only its code. */
static long code_of(const char *method, const char *path, const char *ct, const char *payload)
{
    resp r = request(method, path, ct, payload);
    long code = r.code;
    resp_free(&r);
    return code;
}

static long create_cm(fakeapi *s, const char *name)
{
    char body[256];
    snprintf(body, sizeof body, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\"}}", name);
    resp r = request_to(s, "POST", CM, NULL, body);
    long code = r.code;
    resp_free(&r);
    return code;
}

static long fault(const char *spec)
{
    return code_of("POST", "/_cutover/faults", NULL, spec);
}

static void clear(void) { CU_ASSERT_EQUAL(code_of("DELETE", "/_cutover/faults", NULL, NULL), 200); }

static cJSON *fault_list(void)
{
    resp r = request("GET", "/_cutover/faults", NULL, NULL);
    CU_ASSERT_EQUAL(r.code, 200);
    cJSON *o = cJSON_Parse(r.body);
    resp_free(&r);
    return o;
}

static void test_nth_write_fails(void)
{
    CU_ASSERT_EQUAL(fault("{\"fail\":{\"resource\":\"configmaps\",\"code\":500,\"nth\":3}}"), 201);
    CU_ASSERT_EQUAL(create_cm(srv, "n1"), 201);
    /* another resource does not count */
    CU_ASSERT_EQUAL(code_of("POST", "/api/v1/namespaces/default/secrets", NULL,
                            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s1\"}}"), 201);
    /* nor do reads */
    CU_ASSERT_EQUAL(code_of("GET", CM, NULL, NULL), 200);
    CU_ASSERT_EQUAL(create_cm(srv, "n2"), 201);
    resp r = request("POST", CM, NULL, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"n3\"}}");
    CU_ASSERT_EQUAL(r.code, 500);
    cJSON *s = cJSON_Parse(r.body);
    CU_ASSERT_STRING_EQUAL(cj_str(s, "kind"), "Status");
    CU_ASSERT_STRING_EQUAL(cj_str(s, "status"), "Failure");
    CU_ASSERT_STRING_EQUAL(cj_str(s, "reason"), "InternalError");
    CU_ASSERT_EQUAL(cj_get(s, "code")->valuedouble, 500);
    CU_ASSERT_PTR_NOT_NULL(strstr(cj_str(s, "message"), "Internal error occurred"));
    cJSON_Delete(s);
    resp_free(&r);
    CU_ASSERT_EQUAL(code_of("GET", "/api/v1/namespaces/default/configmaps/n3", NULL, NULL), 404); /* not written */
    CU_ASSERT_EQUAL(create_cm(srv, "n3"), 201); /* the 4th goes through */
    cJSON *l = fault_list();
    cJSON *rule = cJSON_GetArrayItem(cj_get(l, "items"), 0);
    CU_ASSERT_EQUAL(cj_get(rule, "matched")->valuedouble, 4);
    CU_ASSERT_EQUAL(cj_get(rule, "fired")->valuedouble, 1);
    CU_ASSERT_STRING_EQUAL(cj_str(rule, "fail.resource"), "configmaps");
    cJSON_Delete(l);
    clear();
}

static void test_conflict_times_and_methods(void)
{
    CU_ASSERT_EQUAL(create_cm(srv, "c1"), 201);
    CU_ASSERT_EQUAL(fault("{\"fail\":{\"resource\":\"*\",\"code\":409,\"nth\":2,\"times\":2,\"methods\":[\"PATCH\"]}}"), 201);
    const char *P = "/api/v1/namespaces/default/configmaps/c1", *MP = "application/merge-patch+json";
    CU_ASSERT_EQUAL(code_of("PATCH", P, MP, "{\"data\":{\"a\":\"1\"}}"), 200);
    CU_ASSERT_EQUAL(create_cm(srv, "c2"), 201); /* a POST: not a PATCH */
    resp r = request("PATCH", P, MP, "{\"data\":{\"a\":\"2\"}}");
    CU_ASSERT_EQUAL(r.code, 409);
    cJSON *s = cJSON_Parse(r.body);
    CU_ASSERT_STRING_EQUAL(cj_str(s, "reason"), "Conflict");
    CU_ASSERT_PTR_NOT_NULL(strstr(cj_str(s, "message"), "Operation cannot be fulfilled"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.headers, "X-Cutover-Fault"));
    cJSON_Delete(s);
    resp_free(&r);
    CU_ASSERT_EQUAL(code_of("PATCH", P, MP, "{\"data\":{\"a\":\"3\"}}"), 409); /* times: 2 in a row */
    CU_ASSERT_EQUAL(code_of("PATCH", P, MP, "{\"data\":{\"a\":\"4\"}}"), 200);
    resp g = request("GET", P, NULL, NULL);
    cJSON *o = cJSON_Parse(g.body);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "data.a"), "4");
    cJSON_Delete(o);
    resp_free(&g);
    clear();
}

static void test_429_retry_after(void)
{
    CU_ASSERT_EQUAL(create_cm(srv, "t1"), 201);
    CU_ASSERT_EQUAL(fault("{\"fail\":{\"resource\":\"*\",\"code\":429,\"nth\":1}}"), 201);
    resp r = request("DELETE", "/api/v1/namespaces/default/configmaps/t1", NULL, NULL);
    CU_ASSERT_EQUAL(r.code, 429);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.headers, "Retry-After: 1\r\n"));
    cJSON *s = cJSON_Parse(r.body);
    CU_ASSERT_STRING_EQUAL(cj_str(s, "reason"), "TooManyRequests");
    CU_ASSERT_EQUAL(cj_get(s, "code")->valuedouble, 429);
    CU_ASSERT_EQUAL(cj_get(s, "details.retryAfterSeconds")->valuedouble, 1);
    cJSON_Delete(s);
    resp_free(&r);
    CU_ASSERT_EQUAL(code_of("GET", "/api/v1/namespaces/default/configmaps/t1", NULL, NULL), 200); /* still there */
    CU_ASSERT_EQUAL(code_of("DELETE", "/api/v1/namespaces/default/configmaps/t1", NULL, NULL), 200);
    clear();
}

/* Which of 40 creates a share of 0.5 fails on a fresh server with this seed. */
static void share_pattern(uint64_t seed, char out[41])
{
    fakeapi_options o = {.seed = seed, .no_sim = 1};
    char err[256];
    fakeapi *s = fakeapi_start(&o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(fakeapi_fault_set(s, "{\"fail\":{\"resource\":\"configmaps\",\"code\":500,\"share\":0.5}}", err,
                                      sizeof err), 0);
    for (int i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof name, "s%d", i);
        out[i] = create_cm(s, name) == 201 ? '.' : 'X';
    }
    out[40] = 0;
    fakeapi_stop(s);
}

static void test_share_is_deterministic(void)
{
    char a[41], b[41], c[41];
    share_pattern(42, a);
    share_pattern(42, b);
    share_pattern(43, c);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT_STRING_NOT_EQUAL(a, c);
    CU_ASSERT_PTR_NOT_NULL(strchr(a, 'X'));
    CU_ASSERT_PTR_NOT_NULL(strchr(a, '.'));
    /* with times, a share stops after that many failures */
    CU_ASSERT_EQUAL(fault("{\"fail\":{\"resource\":\"*\",\"code\":500,\"share\":1,\"times\":2}}"), 201);
    CU_ASSERT_EQUAL(create_cm(srv, "sh1"), 500);
    CU_ASSERT_EQUAL(create_cm(srv, "sh1"), 500);
    CU_ASSERT_EQUAL(create_cm(srv, "sh1"), 201);
    clear();
}

typedef struct {
    const char *method, *path, *payload;
    resp r;
} bg_req;

static void *bg(void *ud)
{
    bg_req *b = ud;
    b->r = request(b->method, b->path, NULL, b->payload);
    return NULL;
}

static int delayed_now(void)
{
    cJSON *l = fault_list();
    int n = (int)cj_get(l, "delayed")->valuedouble;
    cJSON_Delete(l);
    return n;
}

static void test_latency(void)
{
    CU_ASSERT_EQUAL(create_cm(srv, "lat"), 201);
    CU_ASSERT_EQUAL(fault("{\"latency\":{\"resource\":\"*\",\"ms\":1000,\"times\":1}}"), 201);
    bg_req slow = {"GET", "/api/v1/namespaces/default/configmaps/lat", NULL, {0}};
    pthread_t t;
    pthread_create(&t, NULL, bg, &slow);
    double t0 = now_ms();
    while (delayed_now() == 0 && now_ms() - t0 < 5000) {
    }
    /* while it is held back, other connections are served at once */
    resp quick = request("GET", "/api/v1/namespaces/default/configmaps/lat", NULL, NULL);
    CU_ASSERT_EQUAL(quick.code, 200);
    CU_ASSERT(quick.ms < 500);
    CU_ASSERT_EQUAL(delayed_now(), 1); /* still waiting */
    resp_free(&quick);
    pthread_join(t, NULL);
    CU_ASSERT_EQUAL(slow.r.code, 200);
    CU_ASSERT(slow.r.ms >= 950 && slow.r.ms < 4000);
    cJSON *o = cJSON_Parse(slow.r.body);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "metadata.name"), "lat");
    cJSON_Delete(o);
    resp_free(&slow.r);
    CU_ASSERT_EQUAL(delayed_now(), 0);
    clear();

    /* a delayed write keeps its body and is carried out once, after the delay */
    CU_ASSERT_EQUAL(fault("{\"latency\":{\"resource\":\"configmaps\",\"ms\":300,\"methods\":[\"POST\"]}}"), 201);
    CU_ASSERT_EQUAL(fault("{\"fail\":{\"resource\":\"configmaps\",\"code\":500,\"nth\":2}}"), 201);
    resp w = request("POST", CM, NULL, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"late\"},"
                                       "\"data\":{\"k\":\"v\"}}");
    CU_ASSERT_EQUAL(w.code, 201);
    CU_ASSERT(w.ms >= 250);
    resp_free(&w);
    /* latency and then the injected failure */
    w = request("POST", CM, NULL, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"later\"}}");
    CU_ASSERT_EQUAL(w.code, 500);
    CU_ASSERT(w.ms >= 250);
    resp_free(&w);
    resp g = request("GET", "/api/v1/namespaces/default/configmaps/late", NULL, NULL);
    cJSON *late = cJSON_Parse(g.body);
    CU_ASSERT_STRING_EQUAL(cj_str(late, "data.k"), "v");
    cJSON_Delete(late);
    resp_free(&g);
    cJSON *l = fault_list();
    CU_ASSERT_EQUAL(cj_get(cJSON_GetArrayItem(cj_get(l, "items"), 1), "matched")->valuedouble, 2); /* counted once each */
    cJSON_Delete(l);
    /* in-process requests have no connection to hold back */
    double t1 = now_ms();
    CU_ASSERT_EQUAL(fakeapi_call(srv, "POST", CM, NULL,
                                 "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"inproc\"}}", NULL), 201);
    CU_ASSERT(now_ms() - t1 < 200);
    clear();
}

static void test_clear_releases_held_requests(void)
{
    CU_ASSERT_EQUAL(fault("{\"latency\":{\"resource\":\"*\",\"ms\":60000}}"), 201);
    bg_req slow = {"GET", CM, NULL, {0}};
    pthread_t t;
    pthread_create(&t, NULL, bg, &slow);
    double t0 = now_ms();
    while (delayed_now() == 0 && now_ms() - t0 < 5000) {
    }
    clear();
    pthread_join(t, NULL);
    CU_ASSERT_EQUAL(slow.r.code, 200);
    CU_ASSERT(slow.r.ms < 5000);
    resp_free(&slow.r);
}

/* A watch read on its own thread: what arrived so far, and whether the stream has ended. */
typedef struct {
    const char *path;
    pthread_mutex_t mu;
    co_buf got;
    bool done;
    CURLcode rc;
    double ms;
} watcher;

static size_t watch_sink(char *p, size_t sz, size_t n, void *ud)
{
    watcher *w = ud;
    pthread_mutex_lock(&w->mu);
    co_buf_add(&w->got, p, sz * n);
    pthread_mutex_unlock(&w->mu);
    return sz * n;
}

static void *watch_thread(void *ud)
{
    watcher *w = ud;
    CURL *c = curl_easy_init();
    char url[512];
    snprintf(url, sizeof url, "%s%s", fakeapi_url(srv), w->path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, watch_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, w);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    double t0 = now_ms();
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    pthread_mutex_lock(&w->mu);
    w->rc = rc;
    w->ms = now_ms() - t0;
    w->done = true;
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static bool watcher_has(watcher *w, const char *what)
{
    pthread_mutex_lock(&w->mu);
    bool yes = w->got.data && strstr(w->got.data, what);
    pthread_mutex_unlock(&w->mu);
    return yes;
}

static bool watcher_done(watcher *w)
{
    pthread_mutex_lock(&w->mu);
    bool d = w->done;
    pthread_mutex_unlock(&w->mu);
    return d;
}

static void test_close_watches(void)
{
    CU_ASSERT_EQUAL(create_cm(srv, "w1"), 201);
    watcher w = {.path = "/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name%3Dw1"};
    pthread_mutex_init(&w.mu, NULL);
    pthread_t t;
    pthread_create(&t, NULL, watch_thread, &w);
    double t0 = now_ms();
    while (!watcher_has(&w, "\"ADDED\"") && now_ms() - t0 < 5000) {
    }
    CU_ASSERT_TRUE(watcher_has(&w, "\"ADDED\""));
    CU_ASSERT_FALSE(watcher_done(&w));
    CU_ASSERT_EQUAL(fault("{\"closeWatches\":true}"), 200); /* an action: no rule is added */
    pthread_join(t, NULL);
    CU_ASSERT_EQUAL(w.rc, CURLE_OK); /* the stream ended normally, long before its timeout */
    CU_ASSERT(w.ms < 5000);
    co_buf_free(&w.got);
    pthread_mutex_destroy(&w.mu);
    cJSON *l = fault_list();
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(l, "items")), 0);
    cJSON_Delete(l);
    /* new watches work as before */
    watcher w2 = {.path = "/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1"};
    pthread_mutex_init(&w2.mu, NULL);
    pthread_create(&t, NULL, watch_thread, &w2);
    pthread_join(t, NULL);
    CU_ASSERT_TRUE(watcher_has(&w2, "\"w1\""));
    co_buf_free(&w2.got);
    pthread_mutex_destroy(&w2.mu);
}

static void test_compact(void)
{
    resp r = request("POST", CM, NULL, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"k1\"}}");
    CU_ASSERT_EQUAL(r.code, 201);
    cJSON *o = cJSON_Parse(r.body);
    char rv[32];
    snprintf(rv, sizeof rv, "%s", cj_str(o, "metadata.resourceVersion"));
    cJSON_Delete(o);
    resp_free(&r);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(code_of("PATCH", "/api/v1/namespaces/default/configmaps/k1", "application/merge-patch+json",
                                i == 0 ? "{\"data\":{\"a\":\"0\"}}" : i == 1 ? "{\"data\":{\"a\":\"1\"}}" : "{\"data\":{\"a\":\"2\"}}"),
                        200);
    /* before compaction the old resourceVersion can be watched from */
    char path[256];
    snprintf(path, sizeof path, "%s?watch=1&timeoutSeconds=1&resourceVersion=%s", CM, rv);
    watcher w = {.path = path};
    pthread_mutex_init(&w.mu, NULL);
    pthread_t t;
    pthread_create(&t, NULL, watch_thread, &w);
    pthread_join(t, NULL);
    CU_ASSERT_TRUE(watcher_has(&w, "\"MODIFIED\""));
    CU_ASSERT_FALSE(watcher_has(&w, "\"ERROR\""));
    co_buf_free(&w.got);

    resp c = request("POST", "/_cutover/faults", NULL, "{\"compact\":{\"keep\":0}}");
    CU_ASSERT_EQUAL(c.code, 200);
    cJSON *cd = cJSON_Parse(c.body);
    CU_ASSERT(cj_get(cd, "compacted")->valuedouble > atof(rv));
    cJSON_Delete(cd);
    resp_free(&c);
    watcher w2 = {.path = path};
    pthread_mutex_init(&w2.mu, NULL);
    pthread_create(&t, NULL, watch_thread, &w2);
    pthread_join(t, NULL);
    CU_ASSERT_EQUAL(w2.rc, CURLE_OK);
    CU_ASSERT(w2.ms < 900); /* ends at once rather than at its timeout */
    pthread_mutex_lock(&w2.mu);
    cJSON *ev = w2.got.data ? cJSON_Parse(w2.got.data) : NULL;
    pthread_mutex_unlock(&w2.mu);
    CU_ASSERT_STRING_EQUAL(cj_str(ev, "type"), "ERROR");
    CU_ASSERT_EQUAL(cj_get(ev, "object.code")->valuedouble, 410);
    CU_ASSERT_STRING_EQUAL(cj_str(ev, "object.reason"), "Expired");
    cJSON_Delete(ev);
    co_buf_free(&w2.got);
    pthread_mutex_destroy(&w.mu);
    pthread_mutex_destroy(&w2.mu);
}

/* POSTs a spec expected to be refused; checks the Status names the field. */
static void refused(const char *spec, const char *field)
{
    resp r = request("POST", "/_cutover/faults", NULL, spec);
    CU_ASSERT_EQUAL(r.code, 400);
    cJSON *s = cJSON_Parse(r.body);
    CU_ASSERT_STRING_EQUAL(cj_str(s, "kind"), "Status");
    CU_ASSERT_STRING_EQUAL(cj_str(s, "reason"), "BadRequest");
    const char *msg = cj_str(s, "message");
    bool ok = msg && !strncmp(msg, field, strlen(field));
    CU_ASSERT_TRUE(ok);
    if (!ok)
        fprintf(stderr, "\n%s: expected a message about %s, got %s\n", spec, field, msg ? msg : r.body);
    cJSON_Delete(s);
    resp_free(&r);
}

static void test_admin_validation(void)
{
    refused("{}", "spec");
    refused("not json", "spec");
    refused("[1]", "spec");
    refused("{\"nope\":1}", "nope");
    refused("{\"fail\":5}", "fail");
    refused("{\"fail\":{\"code\":500,\"nth\":1}}", "fail.resource");
    refused("{\"fail\":{\"resource\":\"\",\"code\":500,\"nth\":1}}", "fail.resource");
    refused("{\"fail\":{\"resource\":\"pods\",\"nth\":1}}", "fail.code");
    refused("{\"fail\":{\"resource\":\"pods\",\"code\":404,\"nth\":1}}", "fail.code");
    refused("{\"fail\":{\"resource\":\"pods\",\"code\":\"500\",\"nth\":1}}", "fail.code");
    refused("{\"fail\":{\"resource\":\"pods\",\"code\":500}}", "fail.nth");
    refused("{\"fail\":{\"resource\":\"pods\",\"code\":500,\"nth\":1,\"share\":0.5}}", "fail.nth");
    refused("{\"fail\":{\"resource\":\"pods\",\"code\":500,\"nth\":0}}", "fail.nth");
    refused("{\"fail\":{\"resource\":\"pods\",\"code\":500,\"nth\":1.5}}", "fail.nth");
    refused("{\"fail\":{\"resource\":\"pods\",\"code\":500,\"share\":1.5}}", "fail.share");
    refused("{\"fail\":{\"resource\":\"pods\",\"code\":500,\"share\":0}}", "fail.share");
    refused("{\"fail\":{\"resource\":\"pods\",\"code\":500,\"nth\":1,\"times\":0}}", "fail.times");
    refused("{\"fail\":{\"resource\":\"pods\",\"code\":500,\"nth\":1,\"methods\":[\"GET\"]}}", "fail.methods");
    refused("{\"fail\":{\"resource\":\"pods\",\"code\":500,\"nth\":1,\"nht\":2}}", "fail.nht");
    refused("{\"latency\":{\"resource\":\"*\"}}", "latency.ms");
    refused("{\"latency\":{\"resource\":\"*\",\"ms\":-1}}", "latency.ms");
    refused("{\"latency\":{\"resource\":\"*\",\"ms\":10,\"code\":500}}", "latency.code");
    refused("{\"closeWatches\":\"yes\"}", "closeWatches");
    refused("{\"compact\":{}}", "compact.keep");
    refused("{\"compact\":{\"keep\":-1}}", "compact.keep");
    refused("{\"compact\":{\"keep\":1,\"all\":true}}", "compact.all");
    /* one bad part refuses the whole spec */
    refused("{\"fail\":{\"resource\":\"*\",\"code\":500,\"nth\":1},\"latency\":{\"resource\":\"*\"}}", "latency.ms");
    cJSON *l = fault_list();
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(l, "items")), 0);
    cJSON_Delete(l);
    CU_ASSERT_EQUAL(code_of("PUT", "/_cutover/faults", NULL, "{}"), 405);
    CU_ASSERT_EQUAL(create_cm(srv, "after-refusals"), 201);
}

static void test_list_and_clear(void)
{
    resp r = request("POST", "/_cutover/faults", NULL,
                     "{\"fail\":{\"resource\":\"rollouts.argoproj.io\",\"code\":429,\"nth\":2,\"actor\":\"cutover*\"},"
                     "\"latency\":{\"resource\":\"pods\",\"ms\":5}}");
    CU_ASSERT_EQUAL(r.code, 201);
    cJSON *a = cJSON_Parse(r.body);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(a, "added")), 2);
    cJSON_Delete(a);
    resp_free(&r);
    cJSON *l = fault_list();
    CU_ASSERT_STRING_EQUAL(cj_str(l, "kind"), "FaultList");
    cJSON *items = cj_get(l, "items");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(items), 2);
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(items, 0), "fail.actor"), "cutover*");
    CU_ASSERT_EQUAL(cj_get(cJSON_GetArrayItem(items, 0), "fail.retryAfterSeconds")->valuedouble, 1);
    CU_ASSERT_EQUAL(cj_get(cJSON_GetArrayItem(items, 1), "latency.ms")->valuedouble, 5);
    CU_ASSERT(cj_get(cJSON_GetArrayItem(items, 1), "id")->valuedouble > cj_get(cJSON_GetArrayItem(items, 0), "id")->valuedouble);
    cJSON_Delete(l);
    r = request("DELETE", "/_cutover/faults", NULL, NULL);
    CU_ASSERT_EQUAL(r.code, 200);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"cleared\":2"));
    resp_free(&r);
    l = fault_list();
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(l, "items")), 0);
    cJSON_Delete(l);
}

static void test_c_api_and_actor(void)
{
    char err[256];
    CU_ASSERT_EQUAL(fakeapi_fault_set(srv, "{\"fail\":{\"resource\":\"*\",\"code\":7,\"nth\":1}}", err, sizeof err), -1);
    CU_ASSERT_EQUAL(strncmp(err, "fail.code", 9), 0);
    CU_ASSERT_EQUAL(fakeapi_fault_set(srv, "{", err, sizeof err), -1);
    CU_ASSERT_EQUAL(strncmp(err, "spec", 4), 0);
    /* by default in-process callers are spared; an actor glob selects them */
    CU_ASSERT_EQUAL(fakeapi_fault_set(srv, "{\"fail\":{\"resource\":\"*\",\"code\":500,\"share\":1}}", err, sizeof err), 0);
    CU_ASSERT_EQUAL(fakeapi_call(srv, "POST", CM, NULL,
                                 "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"api1\"}}", NULL), 201);
    CU_ASSERT_EQUAL(create_cm(srv, "api2"), 500);
    fakeapi_fault_clear(srv);
    CU_ASSERT_EQUAL(fakeapi_fault_set(srv, "{\"fail\":{\"resource\":\"*\",\"code\":500,\"share\":1,\"actor\":"
                                           "\"cutover-embedder\"}}", err, sizeof err), 0);
    CU_ASSERT_EQUAL(fakeapi_call(srv, "POST", CM, NULL,
                                 "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"api3\"}}", NULL), 500);
    CU_ASSERT_EQUAL(create_cm(srv, "api4"), 201); /* User-Agent test-faults */
    fakeapi_fault_clear(srv);
    char *list = fakeapi_fault_list(srv);
    CU_ASSERT_PTR_NOT_NULL(strstr(list, "\"items\":[]"));
    free(list);
    CU_ASSERT_EQUAL(fakeapi_fault_set(srv, "{\"closeWatches\":true,\"compact\":{\"keep\":100}}", err, sizeof err), 0);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    fakeapi_options o = {.seed = 7};
    char err[256];
    srv = fakeapi_start(&o, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "fakeapi_start: %s\n", err);
        return 1;
    }
    static const cu_test tests[] = {
        {"the Nth write fails with a Status", test_nth_write_fails},
        {"409 for a run of PATCHes", test_conflict_times_and_methods},
        {"429 carries Retry-After", test_429_retry_after},
        {"a share is reproducible for a seed", test_share_is_deterministic},
        {"latency holds one request back, not the server", test_latency},
        {"clearing releases held-back requests", test_clear_releases_held_requests},
        {"closeWatches ends open watch streams", test_close_watches},
        {"compact: old resourceVersions get 410", test_compact},
        {"admin endpoint validation", test_admin_validation},
        {"listing and clearing rules", test_list_and_clear},
        {"C API and actor selection", test_c_api_and_actor},
        {NULL, NULL},
    };
    int rc = cu_run("faults", tests);
    fakeapi_stop(srv);
    curl_global_cleanup();
    return rc;
}
