/* test_kube_informer.c: informers, the event recorder and leader election against the in-process
 * fake API server: the cache is exactly the server's state through changes, closed watches,
 * compaction (410 -> relist) and a server restart from its database. */
#include "cu.h"
#include "common/clock.h"
#include "common/json.h"
#include "controller/kube/client.h"
#include "controller/kube/events.h"
#include "controller/kube/informer.h"
#include "controller/kube/leader.h"
#include "fakeapi/fakeapi.h"
#include "fakeapi/sim/faults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const kube_gvr CM = {"", "v1", "configmaps", 1};
static fakeapi *srv;
static char url[64];

typedef struct {
    int adds, updates, deletes, resyncs;
} counts;

static void on_add(void *ud, const cJSON *o) { (void)o; ((counts *)ud)->adds++; }
static void on_update(void *ud, const cJSON *old, const cJSON *o) { old == o ? ((counts *)ud)->resyncs++ : ((counts *)ud)->updates++; }
static void on_delete(void *ud, const cJSON *o) { (void)o; ((counts *)ud)->deletes++; }

static kube_client *client(void)
{
    kube_config cfg;
    kube_config_for_server(url, "inf", &cfg);
    char err[256];
    kube_client_opts o = {.qps = -1}; /* no client-side throttling in tests */
    kube_client *c = kube_client_new(&cfg, &o, err, sizeof err);
    kube_config_free(&cfg);
    return c;
}

static void put_cm(const char *name, const char *value, const char *owner_uid)
{
    char body[512], path[256];
    snprintf(body, sizeof body,
             "{\"metadata\":{\"name\":\"%s\"%s%s%s},\"data\":{\"v\":\"%s\"}}", name,
             owner_uid ? ",\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"o\",\"uid\":\"" : "",
             owner_uid ? owner_uid : "", owner_uid ? "\"}]" : "", value);
    snprintf(path, sizeof path, "/api/v1/namespaces/inf/configmaps/%s", name);
    if (fakeapi_call(srv, "GET", path, NULL, NULL, NULL) == 200)
        fakeapi_call(srv, "PATCH", path, "application/merge-patch+json", body, NULL);
    else
        fakeapi_call(srv, "POST", "/api/v1/namespaces/inf/configmaps", NULL, body, NULL);
}

static void del_cm(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/namespaces/inf/configmaps/%s", name);
    fakeapi_call(srv, "DELETE", path, NULL, NULL, NULL);
}

/* Pumps until the informer has seen the server's latest resourceVersion (bookmarks included). */
static void catch_up(kube_informer *inf)
{
    char rv[32];
    for (int i = 0; i < 200; i++) {
        kube_status st;
        kube_informer_pump(inf, 50, &st);
        snprintf(rv, sizeof rv, "%lld", (long long)fakeapi_resource_version(srv));
        if (kube_informer_synced(inf) && !strcmp(kube_informer_resource_version(inf), rv))
            return;
    }
    CU_FAIL("the informer did not catch up");
}

/* The cache and the server agree on every object and its resourceVersion. */
static void check_same_as_server(kube_informer *inf)
{
    char *out = NULL;
    fakeapi_call(srv, "GET", "/api/v1/namespaces/inf/configmaps", NULL, NULL, &out);
    cJSON *list = cJSON_Parse(out);
    free(out);
    CU_ASSERT_EQUAL(kube_informer_count(inf), (size_t)cJSON_GetArraySize(cj_get(list, "items")));
    const cJSON *it;
    cJSON_ArrayForEach(it, cj_get(list, "items"))
    {
        const cJSON *cached = kube_informer_get(inf, "inf", cj_str(it, "metadata.name"));
        CU_ASSERT_PTR_NOT_NULL(cached);
        if (cached)
            CU_ASSERT_STRING_EQUAL(cj_str(cached, "metadata.resourceVersion"), cj_str(it, "metadata.resourceVersion"));
    }
    cJSON_Delete(list);
}

static void count_owned(void *ud, const cJSON *o)
{
    (void)o;
    (*(int *)ud)++;
}

static void test_informer_follows_the_server(void)
{
    kube_client *c = client();
    counts n = {0};
    kube_informer_opts o = {.resource = &CM, .namespace_ = "inf", .handlers = {on_add, on_update, on_delete, &n}};
    kube_informer *inf = kube_informer_new(c, &o);
    put_cm("a", "1", NULL);
    put_cm("b", "1", "owner-1");
    catch_up(inf);
    CU_ASSERT_EQUAL(n.adds, 2);
    put_cm("c", "1", "owner-1");
    put_cm("a", "2", NULL);
    del_cm("b");
    catch_up(inf);
    CU_ASSERT_EQUAL(n.adds, 3);
    CU_ASSERT_EQUAL(n.updates, 1);
    CU_ASSERT_EQUAL(n.deletes, 1);
    check_same_as_server(inf);
    int owned = 0;
    kube_informer_each_owned(inf, "owner-1", count_owned, &owned);
    CU_ASSERT_EQUAL(owned, 1); /* c; b is gone */

    /* the server closes every watch: the informer re-watches from where it was */
    char err[256];
    CU_ASSERT_EQUAL(fakeapi_fault_set(srv, "{\"closeWatches\":true}", err, sizeof err), 0);
    put_cm("d", "1", NULL);
    catch_up(inf);
    check_same_as_server(inf);
    CU_ASSERT_EQUAL(n.adds, 4);

    /* the log is compacted under a disconnected watch: 410, relist, differences delivered */
    fakeapi_fault_set(srv, "{\"closeWatches\":true}", err, sizeof err);
    del_cm("c");
    put_cm("e", "1", NULL);
    put_cm("a", "3", NULL);
    fakeapi_fault_set(srv, "{\"compact\":{\"keep\":0}}", err, sizeof err);
    catch_up(inf);
    check_same_as_server(inf);
    CU_ASSERT_EQUAL(n.deletes, 2);
    CU_ASSERT_EQUAL(n.adds, 5);
    CU_ASSERT_EQUAL(n.updates, 2);
    kube_informer_free(inf);
    kube_client_free(c);
}

static void test_resync(void)
{
    co_clock *vc = co_clock_virtual(1767225600000);
    kube_client *c = client();
    counts n = {0};
    kube_informer_opts o = {.resource = &CM, .namespace_ = "inf", .handlers = {on_add, on_update, on_delete, &n},
                            .clock = vc, .resync_ms = 30000};
    kube_informer *inf = kube_informer_new(c, &o);
    catch_up(inf);
    size_t cached = kube_informer_count(inf);
    CU_ASSERT_EQUAL(n.resyncs, 0);
    co_clock_advance(vc, 30000);
    kube_informer_pump(inf, 0, NULL);
    CU_ASSERT_EQUAL((size_t)n.resyncs, cached);
    kube_informer_free(inf);
    kube_client_free(c);
    co_clock_free(vc);
}

static void test_event_recorder_folds_repeats(void)
{
    kube_client *c = client();
    kube_recorder *r = kube_recorder_new(c, "rollouts-controller", NULL);
    cJSON *obj = cJSON_Parse("{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\",\"metadata\":"
                             "{\"name\":\"app\",\"namespace\":\"inf\",\"uid\":\"u-1\"}}");
    kube_status st;
    CU_ASSERT_EQUAL(kube_event(r, obj, "Normal", "RolloutUpdated", "Rollout updated to revision 1", &st), 0);
    CU_ASSERT_EQUAL(kube_event(r, obj, "Normal", "RolloutUpdated", "Rollout updated to revision 1", &st), 0);
    CU_ASSERT_EQUAL(kube_event(r, obj, "Normal", "RolloutCompleted", "Rollout completed", &st), 0);
    char *out = NULL;
    fakeapi_call(srv, "GET", "/api/v1/namespaces/inf/events?fieldSelector=involvedObject.uid%3Du-1", NULL, NULL, &out);
    cJSON *list = cJSON_Parse(out);
    free(out);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(list, "items")), 2);
    const cJSON *e;
    cJSON_ArrayForEach(e, cj_get(list, "items"))
    {
        int count = cJSON_GetObjectItemCaseSensitive(e, "count")->valueint;
        CU_ASSERT_EQUAL(count, !strcmp(cj_str(e, "reason"), "RolloutUpdated") ? 2 : 1);
        CU_ASSERT_STRING_EQUAL(cj_str(e, "source.component"), "rollouts-controller");
        CU_ASSERT_STRING_EQUAL(cj_str(e, "involvedObject.kind"), "Rollout");
    }
    cJSON_Delete(list);
    cJSON_Delete(obj);
    kube_recorder_free(r);
    kube_client_free(c);
}

static void test_leader_election_never_overlaps(void)
{
    co_clock *vc = co_clock_virtual(1767225600000);
    kube_client *c = client();
    kube_leader_opts a = {.namespace_ = "inf", .name = "cutover", .identity = "a", .clock = vc};
    kube_leader_opts b = a;
    b.identity = "b";
    kube_leader *la = kube_leader_new(c, &a), *lb = kube_leader_new(c, &b);
    /* both run for 30 s: the first to try leads, the other never does */
    for (int step = 0; step < 60; step++) {
        kube_leader_tick(la, NULL);
        kube_leader_tick(lb, NULL);
        CU_ASSERT_TRUE(kube_leader_is_leader(la));
        CU_ASSERT_FALSE(kube_leader_is_leader(lb));
        co_clock_advance(vc, 500);
    }
    /* a dies without releasing: b waits out the 15 s lease from when it last saw a renewal */
    int64_t died = co_clock_now_ms(vc);
    int64_t took_over = 0;
    for (int step = 0; step < 80 && !took_over; step++) {
        if (kube_leader_tick(lb, NULL))
            took_over = co_clock_now_ms(vc);
        co_clock_advance(vc, 500);
    }
    CU_ASSERT_TRUE(took_over >= died + 13000); /* not before the lease (less a retry period) ran out */
    CU_ASSERT_TRUE(took_over <= died + 18000);
    /* a comes back: it sees b's live lease and stays a follower once its own tick notices */
    kube_leader_free(la);
    la = kube_leader_new(c, &a);
    for (int step = 0; step < 20; step++) {
        kube_leader_tick(la, NULL);
        kube_leader_tick(lb, NULL);
        CU_ASSERT_FALSE(kube_leader_is_leader(la) && kube_leader_is_leader(lb));
        co_clock_advance(vc, 500);
    }
    CU_ASSERT_TRUE(kube_leader_is_leader(lb));
    /* b steps down cleanly: a takes over at its next try, without waiting out a lease */
    kube_leader_release(lb);
    CU_ASSERT_FALSE(kube_leader_is_leader(lb));
    co_clock_advance(vc, 2000);
    CU_ASSERT_TRUE(kube_leader_tick(la, NULL));
    kube_leader_free(la);
    kube_leader_free(lb);
    kube_client_free(c);
    co_clock_free(vc);
}

static void test_informer_survives_a_server_restart(void)
{
    char db[] = "/tmp/cutover-inf-XXXXXX", path[300];
    int fd = mkstemp(db);
    close(fd);
    unlink(db);
    char err[256];
    fakeapi_options o = {.seed = 3, .no_sim = 1, .db_path = db};
    fakeapi *f = fakeapi_start(&o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    uint16_t port = fakeapi_port(f);
    fakeapi_call(f, "POST", "/api/v1/namespaces", NULL, "{\"metadata\":{\"name\":\"inf\"}}", NULL);
    fakeapi_call(f, "POST", "/api/v1/namespaces/inf/configmaps", NULL, "{\"metadata\":{\"name\":\"kept\"}}", NULL);
    kube_config cfg;
    kube_config_for_server(fakeapi_url(f), "inf", &cfg);
    kube_client_opts co = {.qps = -1, .max_retries = -1};
    kube_client *c = kube_client_new(&cfg, &co, err, sizeof err);
    kube_config_free(&cfg);
    counts n = {0};
    kube_informer_opts io = {.resource = &CM, .namespace_ = "inf", .handlers = {on_add, on_update, on_delete, &n}};
    kube_informer *inf = kube_informer_new(c, &io);
    for (int i = 0; i < 20 && !kube_informer_synced(inf); i++)
        kube_informer_pump(inf, 50, NULL);
    CU_ASSERT_EQUAL(n.adds, 1);
    fakeapi_stop(f);
    kube_status st;
    int rc = 0;
    for (int i = 0; i < 3 && rc != -1; i++) /* the broken stream first, then the failed reconnect */
        rc = kube_informer_pump(inf, 50, &st);
    CU_ASSERT_EQUAL(rc, -1); /* the server is gone: an error, not a crash */
    CU_ASSERT_EQUAL(st.code, 0);
    o.port = port;
    f = fakeapi_start(&o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fakeapi_call(f, "POST", "/api/v1/namespaces/inf/configmaps", NULL, "{\"metadata\":{\"name\":\"after\"}}", NULL);
    for (int i = 0; i < 40 && !kube_informer_get(inf, "inf", "after"); i++)
        kube_informer_pump(inf, 50, NULL);
    CU_ASSERT_PTR_NOT_NULL(kube_informer_get(inf, "inf", "kept"));
    CU_ASSERT_PTR_NOT_NULL(kube_informer_get(inf, "inf", "after"));
    CU_ASSERT_EQUAL(n.adds, 2);
    kube_informer_free(inf);
    kube_client_free(c);
    fakeapi_stop(f);
    unlink(db);
    snprintf(path, sizeof path, "%s-wal", db);
    unlink(path);
    snprintf(path, sizeof path, "%s-shm", db);
    unlink(path);
}

int main(void)
{
    char err[256];
    fakeapi_options o = {.seed = 5, .no_sim = 1};
    srv = fakeapi_start(&o, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    snprintf(url, sizeof url, "%s", fakeapi_url(srv));
    fakeapi_call(srv, "POST", "/api/v1/namespaces", NULL, "{\"metadata\":{\"name\":\"inf\"}}", NULL);
    static const cu_test tests[] = {
        {"an informer follows creates, updates, deletes, closed watches and compaction", test_informer_follows_the_server},
        {"periodic resync", test_resync},
        {"the event recorder folds repeats into counts", test_event_recorder_folds_repeats},
        {"two leader-election candidates never lead at once", test_leader_election_never_overlaps},
        {"an informer survives a server restart from its database", test_informer_survives_a_server_restart},
        {NULL, NULL},
    };
    int rc = cu_run("informer", tests);
    fakeapi_stop(srv);
    return rc;
}
