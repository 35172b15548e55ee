/* test_sim_replicaset.c: the simulated ReplicaSet and Deployment controllers, driven in-process
 * in virtual time: pods from templates, scale-down ranking, minReadySeconds timers, status and
 * observedGeneration, Deployment rollouts (RollingUpdate and Recreate), conditions, history
 * clean-up and determinism.
 *
 * The tests decide when a pod is Ready, with or without the simulated kubelet linked in: every
 * template has a readiness gate that only the test sets, together with the Ready condition the
 * kubelet would then compute. With a kubelet, containers are ready 5 s after creation, so the
 * tests let that much time pass before marking pods Ready. */
#include "cu.h"
#include "common/clock.h"
#include "common/json.h"
#include "fakeapi/fakeapi.h"
#include "fakeapi/sim/sim.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1767225600000 /* 2026-01-01T00:00:00Z */
#define RS "/apis/apps/v1/namespaces/default/replicasets"
#define DEPLOY "/apis/apps/v1/namespaces/default/deployments"
#define PODS "/api/v1/namespaces/default/pods"
#define MERGE "application/merge-patch+json"
/* string assertions that fail, rather than crash, on a missing value */
#define STR_EQ(a, b) CU_ASSERT_STRING_EQUAL(nn(a), nn(b))
#define STR_NE(a, b) CU_ASSERT_STRING_NOT_EQUAL(nn(a), nn(b))
static const char *nn(const char *s) { return s ? s : "(null)"; }

#define GATE "'readinessGates':[{'conditionType':'example.com/ready'}]"
#define BOOT_MS 6000 /* past pod_ready_seconds: a kubelet has the containers ready by then */
static co_clock *clk;
static fakeapi *srv;

static void start(uint64_t seed)
{
    clk = co_clock_virtual(T0);
    fakeapi_options o = {.clock = clk, .seed = seed, .pod_ready_seconds = 5};
    char err[256];
    srv = fakeapi_start(&o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
}

static void stop(void)
{
    fakeapi_stop(srv);
    co_clock_free(clk);
    srv = NULL;
}

static void advance(int64_t ms)
{
    co_clock_advance(clk, ms);
    fakeapi_settle(srv);
}

/* One request; body is JSON written with ' for " to keep it readable. Returns the parsed reply. */
static cJSON *req(const char *method, const char *path, const char *ctype, const char *body, unsigned *code)
{
    char *b = body ? strdup(body) : NULL;
    for (char *p = b; p && *p; p++)
        if (*p == '\'')
            *p = '"';
    char *out = NULL;
    unsigned c = fakeapi_call(srv, method, path, ctype, b, &out);
    if (code)
        *code = c;
    cJSON *o = out ? cJSON_Parse(out) : NULL;
    free(out);
    free(b);
    return o;
}

/* A write that must succeed; the simulation then runs to quiet. */
static void ok(const char *method, const char *path, const char *ctype, const char *body)
{
    unsigned code;
    cJSON_Delete(req(method, path, ctype, body, &code));
    CU_ASSERT_TRUE(code >= 200 && code < 300);
    fakeapi_settle(srv);
}

static cJSON *get(const char *fmt, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, fmt, name);
    return req("GET", path, NULL, NULL, NULL);
}

static int num(const cJSON *o, const char *path)
{
    const cJSON *v = cj_get(o, path);
    return cJSON_IsNumber(v) ? (int)v->valuedouble : 0; /* omitted counts are zero */
}

static const char *annotation(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cj_get(o, "metadata.annotations"), key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The pods a ReplicaSet controls that are not being deleted, as a JSON array sorted by name. */
static cJSON *live_pods(const char *rs_name)
{
    cJSON *rs = get(RS "/%s", rs_name), *list = req("GET", PODS, NULL, NULL, NULL);
    cJSON *mine = cJSON_CreateArray(), *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(list, "items"))
        if (rs && fa_sim_controlled_by(p, cj_str(rs, "metadata.uid")) && !cj_get(p, "metadata.deletionTimestamp"))
            cJSON_AddItemToArray(mine, cJSON_Duplicate(p, 1));
    cJSON_Delete(rs);
    cJSON_Delete(list);
    return mine; /* the apiserver lists by name already */
}

/* Sets (or adds) one condition, True since now, in a pod's status conditions. */
static void set_true(cJSON *pod, const char *type)
{
    char ts[32];
    cJSON *conds = cJSON_GetObjectItemCaseSensitive(cj_obj(pod, "status"), "conditions"), *c;
    if (!cJSON_IsArray(conds))
        cj_set(cj_obj(pod, "status"), "conditions", conds = cJSON_CreateArray());
    for (c = conds->child; c && strcmp(nn(cj_str(c, "type")), type); c = c->next) {
    }
    if (!c)
        cJSON_AddItemToArray(conds, c = cJSON_CreateObject());
    cj_set_str(c, "type", type);
    cj_set_str(c, "status", "True");
    cj_set_str(c, "lastTransitionTime", co_time_rfc3339(co_clock_now_ms(clk), ts));
}

/* Opens the pod's readiness gate and marks it Ready now (a kubelet recomputes the same). */
static void make_ready(const char *pod)
{
    cJSON *p = get(PODS "/%s", pod);
    set_true(p, "example.com/ready");
    set_true(p, "Ready");
    cj_set_str(cj_obj(p, "status"), "phase", "Running");
    char path[512], *body = cJSON_PrintUnformatted(p);
    snprintf(path, sizeof path, PODS "/%s/status", pod);
    ok("PUT", path, NULL, body);
    free(body);
    cJSON_Delete(p);
}

/* Marks every live pod of the ReplicaSet Ready; returns how many were not. */
static int ready_all(const char *rs_name)
{
    cJSON *pods = live_pods(rs_name), *p;
    int n = 0;
    cJSON_ArrayForEach(p, pods)
        if (!fa_sim_pod_ready(p)) {
            make_ready(cj_str(p, "metadata.name"));
            n++;
        }
    cJSON_Delete(pods);
    return n;
}

/* Marks the ReplicaSet's pods Ready as they come, letting time pass, until all are. */
static void ready_rs(const char *rs_name)
{
    for (int i = 0; i < 60 && ready_all(rs_name); i++)
        advance(1000);
}

/* How many events with this reason name obj (and, when msg is given, carry that message). */
static int events(const char *obj, const char *reason, const char *msg)
{
    cJSON *list = req("GET", "/api/v1/namespaces/default/events", NULL, NULL, NULL), *e;
    int n = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(list, "items"))
        n += !strcmp(cj_str(e, "involvedObject.name"), obj) && !strcmp(cj_str(e, "reason"), reason) &&
             (!msg || !strcmp(cj_str(e, "message"), msg));
    cJSON_Delete(list);
    return n;
}

static const char *condition(const cJSON *o, const char *type, const char *field)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cj_get(o, "status.conditions"))
        if (!strcmp(cj_str(c, "type"), type))
            return cj_str(c, field);
    return NULL;
}

static const char rs_web[] =
    "{'metadata':{'name':'web'},'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'}},"
    "'template':{'metadata':{'labels':{'app':'web','tier':'fe'},'annotations':{'note':'x'}},"
    "'spec':{" GATE ",'containers':[{'name':'c','image':'example/app:v1'}]}}}}";

/* ---- ReplicaSet ---- */

static void test_rs_creates_pods(void)
{
    start(7);
    ok("POST", RS, NULL, rs_web);
    cJSON *rs = get(RS "/%s", "web"), *pods = live_pods("web"), *p;
    CU_ASSERT_EQUAL(cJSON_GetArraySize(pods), 3);
    cJSON_ArrayForEach(p, pods)
    {
        const char *name = cj_str(p, "metadata.name");
        CU_ASSERT_EQUAL(strlen(name), strlen("web-") + 5);
        CU_ASSERT_EQUAL(strncmp(name, "web-", 4), 0);
        STR_EQ(cj_str(p, "metadata.labels.app"), "web");
        STR_EQ(cj_str(p, "metadata.labels.tier"), "fe");
        STR_EQ(annotation(p, "note"), "x");
        STR_EQ(cj_str(cJSON_GetArrayItem(cj_get(p, "spec.containers"), 0), "image"), "example/app:v1");
        cJSON *ref = cJSON_GetArrayItem(cj_get(p, "metadata.ownerReferences"), 0);
        STR_EQ(cj_str(ref, "kind"), "ReplicaSet");
        STR_EQ(cj_str(ref, "apiVersion"), "apps/v1");
        STR_EQ(cj_str(ref, "name"), "web");
        STR_EQ(cj_str(ref, "uid"), cj_str(rs, "metadata.uid"));
        CU_ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref, "controller")));
        CU_ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref, "blockOwnerDeletion")));
        char msg[300];
        snprintf(msg, sizeof msg, "Created pod: %s", name);
        CU_ASSERT_EQUAL(events("web", "SuccessfulCreate", msg), 1);
    }
    CU_ASSERT_EQUAL(events("web", "SuccessfulCreate", NULL), 3);
    CU_ASSERT_EQUAL(num(rs, "status.replicas"), 3);
    CU_ASSERT_EQUAL(num(rs, "status.fullyLabeledReplicas"), 3);
    CU_ASSERT_EQUAL(num(rs, "status.readyReplicas"), 0);
    CU_ASSERT_EQUAL(num(rs, "status.observedGeneration"), 1);
    /* a pod that goes away is replaced */
    char path[300];
    snprintf(path, sizeof path, PODS "/%s?gracePeriodSeconds=0", cj_str(cJSON_GetArrayItem(pods, 0), "metadata.name"));
    ok("DELETE", path, NULL, NULL);
    cJSON *again = live_pods("web");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(again), 3);
    CU_ASSERT_EQUAL(events("web", "SuccessfulCreate", NULL), 4);
    cJSON_Delete(again);
    cJSON_Delete(pods);
    cJSON_Delete(rs);
    stop();
}

static void test_rs_scale_down_ranking(void)
{
    start(7);
    ok("POST", RS, NULL, rs_web);
    cJSON *pods = live_pods("web");
    /* every pod ties on everything else, so without readiness the first name would go first */
    char keep[64];
    snprintf(keep, sizeof keep, "%s", cj_str(cJSON_GetArrayItem(pods, 0), "metadata.name"));
    cJSON_Delete(pods);
    advance(BOOT_MS);
    make_ready(keep);
    cJSON *rs = get(RS "/%s", "web");
    CU_ASSERT_EQUAL(num(rs, "status.readyReplicas"), 1);
    CU_ASSERT_EQUAL(num(rs, "status.availableReplicas"), 1); /* minReadySeconds 0 */
    cJSON_Delete(rs);

    ok("PATCH", RS "/web", MERGE, "{'spec':{'replicas':1}}");
    pods = live_pods("web");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(pods), 1);
    STR_EQ(cj_str(cJSON_GetArrayItem(pods, 0), "metadata.name"), keep);
    cJSON_Delete(pods);
    CU_ASSERT_EQUAL(events("web", "SuccessfulDelete", NULL), 2);
    rs = get(RS "/%s", "web");
    CU_ASSERT_EQUAL(num(rs, "metadata.generation"), 2);
    CU_ASSERT_EQUAL(num(rs, "status.observedGeneration"), 2); /* follows generation */
    CU_ASSERT_EQUAL(num(rs, "status.replicas"), 1);
    cJSON_Delete(rs);

    /* of two Ready pods, the one Ready more recently goes first */
    advance(60000);
    ok("PATCH", RS "/web/scale", MERGE, "{'spec':{'replicas':2}}");
    advance(BOOT_MS);
    pods = live_pods("web");
    CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(pods), 2);
    const cJSON *p;
    cJSON_ArrayForEach(p, pods) if (strcmp(cj_str(p, "metadata.name"), keep))
        make_ready(cj_str(p, "metadata.name"));
    cJSON_Delete(pods);
    ok("PATCH", RS "/web", MERGE, "{'spec':{'replicas':1}}");
    pods = live_pods("web");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(pods), 1);
    STR_EQ(cj_str(cJSON_GetArrayItem(pods, 0), "metadata.name"), keep);
    cJSON_Delete(pods);
    stop();
}

static void test_rs_min_ready_seconds(void)
{
    start(7);
    ok("POST", RS, NULL,
       "{'metadata':{'name':'slow'},'spec':{'replicas':2,'minReadySeconds':10,'selector':{'matchLabels':{'app':'slow'}},"
       "'template':{'metadata':{'labels':{'app':'slow'}},'spec':{" GATE ",'containers':[{'name':'c','image':'example/app:v1'}]}}}}");
    advance(BOOT_MS);
    int64_t ready_at = co_clock_now_ms(clk);
    cJSON *pods = live_pods("slow"), *p;
    cJSON_ArrayForEach(p, pods) make_ready(cj_str(p, "metadata.name"));
    cJSON_Delete(pods);
    cJSON *rs = get(RS "/%s", "slow");
    CU_ASSERT_EQUAL(num(rs, "status.readyReplicas"), 2);
    CU_ASSERT_EQUAL(num(rs, "status.availableReplicas"), 0);
    cJSON_Delete(rs);
    /* the controller asked to be woken when the pods become available (strictly after 10 s) */
    CU_ASSERT_TRUE(fakeapi_next_due(srv) <= ready_at + 10001);
    advance(10000);
    rs = get(RS "/%s", "slow");
    CU_ASSERT_EQUAL(num(rs, "status.availableReplicas"), 0);
    cJSON_Delete(rs);
    advance(1);
    rs = get(RS "/%s", "slow");
    CU_ASSERT_EQUAL(num(rs, "status.availableReplicas"), 2);
    CU_ASSERT_EQUAL(num(rs, "status.readyReplicas"), 2);
    cJSON_Delete(rs);
    stop();
}

static void test_rs_adopts_orphans(void)
{
    start(7);
    ok("POST", PODS, NULL,
       "{'metadata':{'name':'stray','labels':{'app':'web'}},'spec':{'containers':[{'name':'c','image':'x'}]}}");
    ok("POST", RS, NULL, rs_web);
    cJSON *pods = live_pods("web");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(pods), 3);
    bool adopted = false;
    const cJSON *p;
    cJSON_ArrayForEach(p, pods) adopted |= !strcmp(cj_str(p, "metadata.name"), "stray");
    CU_ASSERT_TRUE(adopted);
    CU_ASSERT_EQUAL(events("web", "SuccessfulCreate", NULL), 2);
    cJSON_Delete(pods);
    stop();
}

/* ---- Deployment ---- */

static const char deploy_web[] =
    "{'metadata':{'name':'web','annotations':{'team':'a'}},'spec':{'replicas':2,"
    "'selector':{'matchLabels':{'app':'web'}},"
    "'template':{'metadata':{'labels':{'app':'web'}},'spec':{" GATE ",'containers':[{'name':'c','image':'example/app:v1'}]}}}}";

/* The Deployment's ReplicaSets, oldest revision first. */
static cJSON *replicasets(void)
{
    cJSON *list = req("GET", RS, NULL, NULL, NULL);
    cJSON *items = cJSON_DetachItemFromObjectCaseSensitive(list, "items");
    cJSON_Delete(list);
    int n = cJSON_GetArraySize(items);
    for (int i = 0; i < n; i++) /* selection sort by revision: a handful of items */
        for (int j = i + 1; j < n; j++) {
            cJSON *a = cJSON_GetArrayItem(items, i), *b = cJSON_GetArrayItem(items, j);
            if (atoi(annotation(a, "deployment.kubernetes.io/revision")) >
                atoi(annotation(b, "deployment.kubernetes.io/revision"))) {
                cJSON_DetachItemViaPointer(items, b);
                cJSON_InsertItemInArray(items, i, b);
            }
        }
    return items;
}

static void set_image(const char *deploy, const char *image)
{
    cJSON *d = get(DEPLOY "/%s", deploy);
    cj_set_str(cJSON_GetArrayItem(cj_get(d, "spec.template.spec.containers"), 0), "image", image);
    char *body = cJSON_PrintUnformatted(d), path[300];
    snprintf(path, sizeof path, DEPLOY "/%s", deploy);
    unsigned code;
    cJSON_Delete(req("PUT", path, NULL, body, &code));
    CU_ASSERT_EQUAL(code, 200);
    fakeapi_settle(srv);
    free(body);
    cJSON_Delete(d);
}

/* What kubectl rollout status waits for. */
static bool rollout_done(const cJSON *d)
{
    int want = num(d, "spec.replicas");
    return num(d, "status.observedGeneration") >= num(d, "metadata.generation") &&
           num(d, "status.updatedReplicas") == want && num(d, "status.replicas") == num(d, "status.updatedReplicas") &&
           num(d, "status.availableReplicas") == num(d, "status.updatedReplicas");
}

static void test_deployment_rolling_update(void)
{
    start(7);
    ok("POST", DEPLOY, NULL, deploy_web);
    cJSON *rss = replicasets();
    CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(rss), 1);
    cJSON *rs1 = cJSON_GetArrayItem(rss, 0), *d = get(DEPLOY "/%s", "web");
    const char *hash = cj_str(rs1, "metadata.labels.pod-template-hash");
    CU_ASSERT_PTR_NOT_NULL_FATAL(hash);
    char name1[128];
    snprintf(name1, sizeof name1, "web-%s", hash);
    STR_EQ(cj_str(rs1, "metadata.name"), name1);
    CU_ASSERT_TRUE(strspn(hash, "bcdfghjklmnpqrstvwxz2456789") == strlen(hash) && strlen(hash) >= 1);
    STR_EQ(cj_str(rs1, "spec.selector.matchLabels.pod-template-hash"), hash);
    STR_EQ(cj_str(rs1, "spec.template.metadata.labels.pod-template-hash"), hash);
    STR_EQ(annotation(rs1, "deployment.kubernetes.io/revision"), "1");
    STR_EQ(annotation(rs1, "deployment.kubernetes.io/desired-replicas"), "2");
    STR_EQ(annotation(rs1, "deployment.kubernetes.io/max-replicas"), "3"); /* 25% of 2 rounds up */
    STR_EQ(annotation(rs1, "team"), "a");
    CU_ASSERT_TRUE(fa_sim_controlled_by(rs1, cj_str(d, "metadata.uid")));
    STR_EQ(annotation(d, "deployment.kubernetes.io/revision"), "1");
    CU_ASSERT_EQUAL(num(d, "metadata.generation"), 1); /* the revision went in through /status */
    cJSON *pods = live_pods(name1);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(pods), 2);
    STR_EQ(cj_str(cJSON_GetArrayItem(pods, 0), "metadata.labels.pod-template-hash"), hash);
    cJSON_Delete(pods);
    char msg[300];
    snprintf(msg, sizeof msg, "Scaled up replica set %s from 0 to 2", name1);
    CU_ASSERT_EQUAL(events("web", "ScalingReplicaSet", msg), 1);
    /* not ready yet: progressing, without minimum availability */
    CU_ASSERT_FALSE(rollout_done(d));
    STR_EQ(condition(d, "Available", "status"), "False");
    STR_EQ(condition(d, "Available", "reason"), "MinimumReplicasUnavailable");
    STR_EQ(condition(d, "Progressing", "status"), "True");
    STR_EQ(condition(d, "Progressing", "reason"), "ReplicaSetUpdated");
    snprintf(msg, sizeof msg, "ReplicaSet \"%s\" is progressing.", name1);
    STR_EQ(condition(d, "Progressing", "message"), msg);
    cJSON_Delete(d);

    advance(BOOT_MS);
    ready_rs(name1);
    d = get(DEPLOY "/%s", "web");
    CU_ASSERT_TRUE(rollout_done(d));
    CU_ASSERT_EQUAL(num(d, "status.readyReplicas"), 2);
    CU_ASSERT_EQUAL(num(d, "status.unavailableReplicas"), 0);
    STR_EQ(condition(d, "Available", "status"), "True");
    STR_EQ(condition(d, "Available", "reason"), "MinimumReplicasAvailable");
    STR_EQ(condition(d, "Available", "message"), "Deployment has minimum availability.");
    STR_EQ(condition(d, "Available", "lastTransitionTime"), "2026-01-01T00:00:06Z");
    STR_EQ(condition(d, "Progressing", "reason"), "NewReplicaSetAvailable");
    snprintf(msg, sizeof msg, "ReplicaSet \"%s\" has successfully progressed.", name1);
    STR_EQ(condition(d, "Progressing", "message"), msg);
    STR_EQ(condition(d, "Progressing", "lastTransitionTime"), "2026-01-01T00:00:00Z");
    cJSON_Delete(d);

    /* a new image: a second ReplicaSet surges by one while the old keeps both available pods */
    advance(5000);
    set_image("web", "example/app:v2");
    cJSON_Delete(rss);
    rss = replicasets();
    CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(rss), 2);
    char name2[128];
    snprintf(name2, sizeof name2, "%s", cj_str(cJSON_GetArrayItem(rss, 1), "metadata.name"));
    STR_NE(name2, name1);
    STR_EQ(annotation(cJSON_GetArrayItem(rss, 1), "deployment.kubernetes.io/revision"), "2");
    CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(rss, 1), "spec.replicas"), 1);
    CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(rss, 0), "spec.replicas"), 2);
    d = get(DEPLOY "/%s", "web");
    CU_ASSERT_FALSE(rollout_done(d));
    STR_EQ(annotation(d, "deployment.kubernetes.io/revision"), "2");
    STR_EQ(condition(d, "Available", "status"), "True"); /* maxUnavailable 0 */
    cJSON_Delete(d);

    /* each round of Ready new pods lets one old pod go */
    ready_rs(name2);
    cJSON_Delete(rss);
    rss = replicasets();
    CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(rss, 0), "spec.replicas"), 0);
    CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(rss, 1), "spec.replicas"), 2);
    pods = live_pods(name1);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(pods), 0);
    cJSON_Delete(pods);
    d = get(DEPLOY "/%s", "web");
    CU_ASSERT_TRUE(rollout_done(d));
    CU_ASSERT_EQUAL(num(d, "status.observedGeneration"), 2);
    snprintf(msg, sizeof msg, "ReplicaSet \"%s\" has successfully progressed.", name2);
    STR_EQ(condition(d, "Progressing", "message"), msg);
    snprintf(msg, sizeof msg, "Scaled down replica set %s from 2 to 1", name1);
    CU_ASSERT_EQUAL(events("web", "ScalingReplicaSet", msg), 1);
    snprintf(msg, sizeof msg, "Scaled up replica set %s from 1 to 2", name2);
    CU_ASSERT_EQUAL(events("web", "ScalingReplicaSet", msg), 1);
    cJSON_Delete(d);

    /* back to v1: the first ReplicaSet is the new one again, with the next revision */
    set_image("web", "example/app:v1");
    ready_rs(name1);
    cJSON_Delete(rss);
    rss = replicasets();
    CU_ASSERT_EQUAL(cJSON_GetArraySize(rss), 2);
    STR_EQ(cj_str(cJSON_GetArrayItem(rss, 1), "metadata.name"), name1);
    STR_EQ(annotation(cJSON_GetArrayItem(rss, 1), "deployment.kubernetes.io/revision"), "3");
    CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(rss, 1), "spec.replicas"), 2);
    d = get(DEPLOY "/%s", "web");
    CU_ASSERT_TRUE(rollout_done(d));
    cJSON_Delete(d);
    cJSON_Delete(rss);
    stop();
}

static void test_deployment_recreate(void)
{
    start(7);
    ok("POST", DEPLOY, NULL,
       "{'metadata':{'name':'job'},'spec':{'replicas':2,'strategy':{'type':'Recreate'},"
       "'selector':{'matchLabels':{'app':'job'}},"
       "'template':{'metadata':{'labels':{'app':'job'}},'spec':{" GATE ",'containers':[{'name':'c','image':'example/app:v1'}]}}}}");
    cJSON *rss = replicasets();
    CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(rss), 1);
    char name1[128];
    snprintf(name1, sizeof name1, "%s", cj_str(cJSON_GetArrayItem(rss, 0), "metadata.name"));
    cJSON_Delete(rss);
    ready_rs(name1);
    cJSON *d = get(DEPLOY "/%s", "job");
    CU_ASSERT_TRUE(rollout_done(d));
    STR_EQ(condition(d, "Available", "status"), "True");
    cJSON_Delete(d);

    set_image("job", "example/app:v2");
    /* the new ReplicaSet appears only once every old pod is gone (a kubelet, when there is
     * one, takes the grace period to finish them) */
    bool seen = false;
    for (int i = 0; i < 120 && !seen; i++) {
        rss = replicasets();
        if (cJSON_GetArraySize(rss) == 2) {
            seen = true;
            cJSON *old = get(RS "/%s", name1), *left = req("GET", PODS, NULL, NULL, NULL), *p;
            int n = 0;
            cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(left, "items"))
                n += fa_sim_controlled_by(p, cj_str(old, "metadata.uid"));
            CU_ASSERT_EQUAL(n, 0);
            CU_ASSERT_EQUAL(num(old, "spec.replicas"), 0);
            CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(rss, 1), "spec.replicas"), 2);
            cJSON_Delete(old);
            cJSON_Delete(left);
        } else {
            CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(rss, 0), "spec.replicas"), 0);
            advance(1000);
        }
        cJSON_Delete(rss);
    }
    CU_ASSERT_TRUE(seen);
    char msg[300];
    snprintf(msg, sizeof msg, "Scaled down replica set %s from 2 to 0", name1);
    CU_ASSERT_EQUAL(events("job", "ScalingReplicaSet", msg), 1);
    d = get(DEPLOY "/%s", "job");
    STR_EQ(condition(d, "Available", "status"), "False"); /* Recreate has a downtime */
    cJSON_Delete(d);
    rss = replicasets();
    ready_rs(cj_str(cJSON_GetArrayItem(rss, 1), "metadata.name"));
    cJSON_Delete(rss);
    d = get(DEPLOY "/%s", "job");
    CU_ASSERT_TRUE(rollout_done(d));
    STR_EQ(condition(d, "Available", "status"), "True");
    cJSON_Delete(d);
    stop();
}

static void test_deployment_deadline_and_history(void)
{
    start(7);
    ok("POST", DEPLOY, NULL,
       "{'metadata':{'name':'web'},'spec':{'replicas':1,'progressDeadlineSeconds':30,'revisionHistoryLimit':0,"
       "'strategy':{'rollingUpdate':{'maxSurge':'50%','maxUnavailable':0}},"
       "'selector':{'matchLabels':{'app':'web'}},"
       "'template':{'metadata':{'labels':{'app':'web'}},'spec':{" GATE ",'containers':[{'name':'c','image':'example/app:v1'}]}}}}");
    /* nothing becomes Ready: the rollout times out after 30 s without progress */
    advance(30000);
    cJSON *d = get(DEPLOY "/%s", "web");
    STR_EQ(condition(d, "Progressing", "status"), "True");
    cJSON_Delete(d);
    for (int i = 0; i < 3; i++)
        advance(1000);
    d = get(DEPLOY "/%s", "web");
    STR_EQ(condition(d, "Progressing", "status"), "False");
    STR_EQ(condition(d, "Progressing", "reason"), "ProgressDeadlineExceeded");
    cJSON_Delete(d);
    /* progress resumes it; with no history kept, the old ReplicaSet is deleted once complete */
    cJSON *rss = replicasets();
    char name1[128];
    snprintf(name1, sizeof name1, "%s", cj_str(cJSON_GetArrayItem(rss, 0), "metadata.name"));
    cJSON_Delete(rss);
    ready_rs(name1);
    d = get(DEPLOY "/%s", "web");
    STR_EQ(condition(d, "Progressing", "reason"), "NewReplicaSetAvailable");
    cJSON_Delete(d);
    set_image("web", "example/app:v2");
    rss = replicasets();
    ready_rs(cj_str(cJSON_GetArrayItem(rss, cJSON_GetArraySize(rss) - 1), "metadata.name"));
    cJSON_Delete(rss);
    rss = replicasets();
    CU_ASSERT_EQUAL(cJSON_GetArraySize(rss), 1);
    STR_NE(cj_str(cJSON_GetArrayItem(rss, 0), "metadata.name"), name1);
    cJSON_Delete(rss);
    stop();
}

/* ---- determinism ---- */

static char *scenario(uint64_t seed)
{
    start(seed);
    ok("POST", RS, NULL, rs_web);
    ok("POST", DEPLOY, NULL,
       "{'metadata':{'name':'api'},'spec':{'replicas':2,'selector':{'matchLabels':{'app':'api'}},"
       "'template':{'metadata':{'labels':{'app':'api'}},'spec':{" GATE ",'containers':[{'name':'c','image':'example/app:v1'}]}}}}");
    ok("PATCH", RS "/web", MERGE, "{'spec':{'replicas':5}}");
    advance(2000);
    ok("PATCH", RS "/web", MERGE, "{'spec':{'replicas':2}}");
    cJSON *list = req("GET", PODS, NULL, NULL, NULL), *p;
    char *names = calloc(1, 4096);
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(list, "items"))
    {
        strcat(names, cj_str(p, "metadata.name"));
        strcat(names, cj_get(p, "metadata.deletionTimestamp") ? "(deleting) " : " ");
    }
    cJSON_Delete(list);
    stop();
    return names;
}

static void test_determinism(void)
{
    char *a = scenario(7), *b = scenario(7), *c = scenario(8);
    STR_EQ(a, b);
    STR_NE(a, c);
    CU_ASSERT_TRUE(strstr(a, "web-") && strstr(a, "api-"));
    free(a);
    free(b);
    free(c);
}

int main(void)
{
    static const cu_test tests[] = {
        {"ReplicaSet creates its pods from the template", test_rs_creates_pods},
        {"scale down removes unready, then recently ready pods", test_rs_scale_down_ranking},
        {"availableReplicas waits for minReadySeconds", test_rs_min_ready_seconds},
        {"ReplicaSet adopts matching orphans", test_rs_adopts_orphans},
        {"Deployment rolling update, status and rollback", test_deployment_rolling_update},
        {"Deployment Recreate", test_deployment_recreate},
        {"progress deadline and revision history", test_deployment_deadline_and_history},
        {"same seed, same pod names", test_determinism},
        {NULL, NULL},
    };
    return cu_run("sim_replicaset", tests);
}
