/* test_kube_runtime.c: the controller loop, with a toy controller that mirrors ConfigMaps
 * ("src" -> "mirror-src"), in step mode on a virtual clock and in blocking mode with workers. */
#include "cu.h"
#include "common/clock.h"
#include "common/json.h"
#include "controller/kube/runtime.h"
#include "fakeapi/fakeapi.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const kube_gvr CM = {"", "v1", "configmaps", 1};
static fakeapi *srv;

typedef struct {
    kube_client *client;
    kube_informer *cms;
    int reconciles, fail_next;
    pthread_mutex_t mu;
} mirror;

static int reconcile(void *ud, const char *key, int64_t *requeue_after_ms)
{
    mirror *m = ud;
    pthread_mutex_lock(&m->mu);
    m->reconciles++;
    int fail = m->fail_next > 0 ? m->fail_next-- : 0;
    pthread_mutex_unlock(&m->mu);
    if (fail)
        return -1;
    char ns[128], name[256];
    if (sscanf(key, "%127[^/]/%255s", ns, name) != 2 || !strncmp(name, "mirror-", 7))
        return 0;
    const cJSON *src = kube_informer_get(m->cms, ns, name);
    char mname[300];
    snprintf(mname, sizeof mname, "mirror-%s", name);
    kube_status st;
    if (!src) {
        cJSON_Delete(kube_delete(m->client, &CM, ns, mname, NULL, &st));
        return 0;
    }
    cJSON *want = cJSON_CreateObject();
    cJSON *meta = cJSON_AddObjectToObject(want, "metadata");
    cJSON_AddStringToObject(meta, "name", mname);
    cJSON_AddItemToObject(want, "data", cJSON_Duplicate(cj_get(src, "data"), 1));
    const cJSON *have = kube_informer_get(m->cms, ns, mname);
    cJSON *out;
    if (have) {
        cJSON_AddStringToObject(meta, "resourceVersion", cj_str(have, "metadata.resourceVersion"));
        out = kube_update(m->client, &CM, ns, want, &st);
    } else {
        out = kube_create(m->client, &CM, ns, want, &st);
    }
    cJSON_Delete(want);
    cJSON_Delete(out);
    *requeue_after_ms = 30000; /* look again in 30 s, as a controller with a resync would */
    return out ? 0 : -1;
}

static const char *data_of(const char *name)
{
    static char buf[64];
    char path[256], *out = NULL;
    snprintf(path, sizeof path, "/api/v1/namespaces/rt/configmaps/%s", name);
    if (fakeapi_call(srv, "GET", path, NULL, NULL, &out) != 200) {
        free(out);
        return NULL;
    }
    cJSON *o = cJSON_Parse(out);
    free(out);
    snprintf(buf, sizeof buf, "%s", cj_str(o, "data.v") ? cj_str(o, "data.v") : "");
    cJSON_Delete(o);
    return buf;
}

/* What a driver does in step mode: step until every informer has seen the server's latest write
 * (the watch delivers it over a socket, so it may still be in flight) and nothing is due. */
static void settle(kube_controller *c)
{
    char rv[32];
    for (int i = 0; i < 1000; i++) {
        int ran = kube_controller_step(c);
        snprintf(rv, sizeof rv, "%lld", (long long)fakeapi_resource_version(srv));
        if (ran == 0 && kube_controller_caught_up(c, rv))
            return;
        if (ran == 0) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
    }
    CU_FAIL("the controller did not settle");
}

static kube_client *client(co_clock *clock)
{
    kube_config cfg;
    kube_config_for_server(fakeapi_url(srv), "rt", &cfg);
    char err[256];
    kube_client_opts o = {.clock = clock, .qps = -1};
    kube_client *c = kube_client_new(&cfg, &o, err, sizeof err);
    kube_config_free(&cfg);
    return c;
}

static void test_step_mode(void)
{
    co_clock *vc = co_clock_virtual(1767225600000);
    mirror m = {.client = client(vc), .mu = PTHREAD_MUTEX_INITIALIZER};
    kube_controller *c = kube_controller_new(vc, reconcile, &m);
    m.cms = kube_controller_informer(c, m.client, &CM, "rt", NULL, NULL, 0);
    fakeapi_call(srv, "POST", "/api/v1/namespaces/rt/configmaps", NULL, "{\"metadata\":{\"name\":\"s1\"},\"data\":{\"v\":\"1\"}}", NULL);
    settle(c);
    CU_ASSERT_STRING_EQUAL(data_of("mirror-s1"), "1");
    /* requeue-after goes through the clock */
    CU_ASSERT_EQUAL(kube_controller_next_due(c), co_clock_now_ms(vc) + 30000);
    int before = m.reconciles;
    settle(c);
    CU_ASSERT_EQUAL(m.reconciles, before); /* nothing due yet */
    co_clock_advance(vc, 30000);
    settle(c);
    CU_ASSERT_TRUE(m.reconciles > before);
    /* an error is retried with backoff: 5 ms, then 10 ms */
    m.fail_next = 2;
    fakeapi_call(srv, "PATCH", "/api/v1/namespaces/rt/configmaps/s1", "application/merge-patch+json",
                 "{\"data\":{\"v\":\"2\"}}", NULL);
    settle(c);
    CU_ASSERT_STRING_EQUAL(data_of("mirror-s1"), "1"); /* the first try failed */
    CU_ASSERT_EQUAL(kube_controller_next_due(c), co_clock_now_ms(vc) + 5);
    co_clock_advance(vc, 5);
    settle(c);
    CU_ASSERT_EQUAL(kube_controller_next_due(c), co_clock_now_ms(vc) + 10); /* doubled */
    co_clock_advance(vc, 10);
    settle(c);
    CU_ASSERT_EQUAL(m.fail_next, 0);
    CU_ASSERT_STRING_EQUAL(data_of("mirror-s1"), "2");
    /* deletes are reconciled too */
    fakeapi_call(srv, "DELETE", "/api/v1/namespaces/rt/configmaps/s1", NULL, NULL, NULL);
    settle(c);
    CU_ASSERT_PTR_NULL(data_of("mirror-s1"));
    kube_controller_free(c);
    kube_client_free(m.client);
    co_clock_free(vc);
}

static volatile int stop_flag;

static void *runner(void *arg)
{
    kube_controller_run(arg, 2, &stop_flag);
    return NULL;
}

static void test_blocking_mode(void)
{
    mirror m = {.client = client(NULL), .mu = PTHREAD_MUTEX_INITIALIZER};
    kube_controller *c = kube_controller_new(NULL, reconcile, &m);
    m.cms = kube_controller_informer(c, m.client, &CM, "rt", NULL, NULL, 0);
    pthread_t t;
    stop_flag = 0;
    pthread_create(&t, NULL, runner, c);
    for (int i = 0; i < 5; i++) {
        char body[128];
        snprintf(body, sizeof body, "{\"metadata\":{\"name\":\"b%d\"},\"data\":{\"v\":\"%d\"}}", i, i);
        fakeapi_call(srv, "POST", "/api/v1/namespaces/rt/configmaps", NULL, body, NULL);
    }
    int mirrored = 0;
    for (int wait = 0; wait < 100 && mirrored < 5; wait++) {
        struct timespec ts = {0, 50 * 1000000};
        nanosleep(&ts, NULL);
        mirrored = 0;
        for (int i = 0; i < 5; i++) {
            char name[32];
            snprintf(name, sizeof name, "mirror-b%d", i);
            mirrored += data_of(name) != NULL;
        }
    }
    CU_ASSERT_EQUAL(mirrored, 5);
    stop_flag = 1;
    pthread_join(t, NULL);
    kube_controller_free(c);
    kube_client_free(m.client);
}

int main(void)
{
    char err[256];
    srv = fakeapi_start(&(fakeapi_options){.seed = 9, .no_sim = 1}, err, sizeof err);
    if (!srv)
        return 1;
    fakeapi_call(srv, "POST", "/api/v1/namespaces", NULL, "{\"metadata\":{\"name\":\"rt\"}}", NULL);
    static const cu_test tests[] = {
        {"step mode: events, requeue-after and backoff on a virtual clock", test_step_mode},
        {"blocking mode with two workers", test_blocking_mode},
        {NULL, NULL},
    };
    int rc = cu_run("runtime", tests);
    fakeapi_stop(srv);
    return rc;
}
