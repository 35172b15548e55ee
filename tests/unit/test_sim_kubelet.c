/* test_sim_kubelet.c: the simulated scheduler binding, kubelet and endpoints controllers, driven
 * in virtual time through the in-process API: binding, readiness exactly on time with kwok's
 * status shape, the per-image behaviours, readinessGates, graceful deletion, Endpoints and
 * EndpointSlices, and same-seed determinism. Pods are created directly (no ReplicaSets). */
#include "cu.h"
#include "common/clock.h"
#include "common/json.h"
#include "fakeapi/fakeapi.h"
#include "fakeapi/sim/sim.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define PODS "/api/v1/namespaces/default/pods"

static co_clock *clk;
static fakeapi *srv;

static const fakeapi_image rules[] = {
    {.image = "example/never:*", .never_ready = 1},
    {.image = "example/crash:*", .crash_loop = 1},
    {.image = "example/slow:*", .ready_after = 12},
    {.image = "example/fast:*", .ready_after = 2.5},
};

static void start_db(uint64_t seed, const char *db_path)
{
    char err[256];
    clk = co_clock_virtual(T0);
    fakeapi_options o = {.clock = clk, .seed = seed, .db_path = db_path, .pod_ready_seconds = 5, .images = rules,
                         .nimages = sizeof rules / sizeof rules[0]};
    srv = fakeapi_start(&o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
}

static void start(uint64_t seed) { start_db(seed, NULL); }

static void stop(void)
{
    fakeapi_stop(srv);
    co_clock_free(clk);
    srv = NULL;
    clk = NULL;
}

/* Every write is followed by a settle: the server's own loop thread may otherwise run the
 * controllers' work between two of the test's calls or after them, so the interleaving of the
 * test's writes with the cluster's would depend on thread timing. */
static unsigned call(const char *method, const char *path, const char *ctype, const char *body)
{
    unsigned code = fakeapi_call(srv, method, path, ctype, body, NULL);
    fakeapi_settle(srv);
    return code;
}

static cJSON *get(const char *path)
{
    char *out = NULL;
    unsigned code = fakeapi_call(srv, "GET", path, NULL, NULL, &out);
    cJSON *o = code == 200 && out ? cJSON_Parse(out) : NULL;
    free(out);
    return o;
}

static cJSON *pod(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, PODS "/%s", name);
    return get(path);
}

/* Moves virtual time by ms and lets the cluster act. */
static void advance(int64_t ms)
{
    co_clock_advance(clk, ms);
    fakeapi_settle(srv);
}

/* Moves virtual time to T0 + ms (the cluster acting at each of its due times on the way). */
static void run_to(int64_t ms)
{
    fakeapi_settle(srv);
    for (;;) {
        int64_t due = fakeapi_next_due(srv), now = co_clock_now_ms(clk);
        if (due > T0 + ms) {
            if (T0 + ms > now)
                advance(T0 + ms - now);
            return;
        }
        advance(due > now ? due - now : 0);
    }
}

static void create_pod(const char *name, const char *image, const char *extra_spec, const char *labels)
{
    char body[2048];
    snprintf(body, sizeof body,
             "{\"metadata\":{\"name\":\"%s\",\"labels\":%s},\"spec\":{\"containers\":[{\"name\":\"app\","
             "\"image\":\"%s\","
             "\"ports\":[{\"name\":\"web\",\"containerPort\":8080}]}]%s%s}}",
             name, labels ? labels : "{}", image, extra_spec ? "," : "", extra_spec ? extra_spec : "");
    CU_ASSERT_EQUAL(call("POST", PODS, NULL, body), 201);
}

static const cJSON *condition(const cJSON *p, const char *type)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cj_get(p, "status.conditions")) if (!strcmp(cj_str(c, "type"), type)) return c;
    return NULL;
}

static bool cond_is(const cJSON *p, const char *type, const char *status)
{
    const cJSON *c = condition(p, type);
    return c && cj_str(c, "status") && !strcmp(cj_str(c, "status"), status);
}

static double num(const cJSON *o, const char *path)
{
    const cJSON *n = cj_get(o, path);
    return cJSON_IsNumber(n) ? n->valuedouble : -1;
}

static bool str_is(const cJSON *o, const char *path, const char *want)
{
    const char *s = cj_str(o, path);
    return s && !strcmp(s, want);
}

/* How many events with this reason (and component, if given) are about the pod. */
static int events(const char *pod_name, const char *reason, const char *component)
{
    cJSON *list = get("/api/v1/namespaces/default/events");
    int n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, cj_get(list, "items"))
    {
        if (str_is(e, "involvedObject.name", pod_name) && str_is(e, "reason", reason) &&
            (!component || str_is(e, "source.component", component)))
            n++;
    }
    cJSON_Delete(list);
    return n;
}

static const char *const gate_spec = "\"readinessGates\":[{\"conditionType\":\"example.com/lb\"}]";

static void set_gate(const char *name, const char *status)
{
    char path[256], body[256];
    snprintf(path, sizeof path, PODS "/%s/status", name);
    snprintf(body, sizeof body, "{\"status\":{\"conditions\":[{\"type\":\"example.com/lb\",\"status\":\"%s\"}]}}",
             status);
    CU_ASSERT_EQUAL(call("PATCH", path, "application/strategic-merge-patch+json", body), 200);
    fakeapi_settle(srv);
}

/* ---- tests ---- */

static void test_bound_at_once_ready_on_time(void)
{
    start(7);
    create_pod("web", "example/app:v1", NULL, NULL);
    fakeapi_settle(srv);
    cJSON *p = pod("web");
    CU_ASSERT_TRUE(str_is(p, "spec.nodeName", "kind-control-plane"));
    CU_ASSERT_TRUE(str_is(p, "status.phase", "Pending"));
    CU_ASSERT_TRUE(cond_is(p, "PodScheduled", "True"));
    CU_ASSERT_FALSE(cond_is(p, "Ready", "True"));
    CU_ASSERT_PTR_NULL(cj_get(p, "status.podIP"));
    cJSON_Delete(p);
    CU_ASSERT_EQUAL(events("web", "Scheduled", "default-scheduler"), 1);
    CU_ASSERT_EQUAL(fakeapi_next_due(srv), T0 + 5000); /* the cluster's next act is the pod starting */

    advance(4900);
    p = pod("web");
    CU_ASSERT_TRUE(str_is(p, "status.phase", "Pending"));
    CU_ASSERT_FALSE(fa_sim_pod_ready(p));
    cJSON_Delete(p);

    advance(100);
    p = pod("web");
    CU_ASSERT_TRUE(fa_sim_pod_ready(p));
    CU_ASSERT_TRUE(str_is(p, "status.phase", "Running"));
    static const char *const types[] = {"Initialized", "Ready", "ContainersReady", "PodScheduled"};
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_TRUE(cond_is(p, types[i], "True"));
        CU_ASSERT_PTR_NOT_NULL(cj_str(condition(p, types[i]), "lastTransitionTime"));
    }
    CU_ASSERT_TRUE(str_is(condition(p, "Ready"), "lastTransitionTime", "2026-01-01T00:00:05Z"));
    CU_ASSERT_TRUE(str_is(condition(p, "PodScheduled"), "lastTransitionTime", "2026-01-01T00:00:00Z"));
    CU_ASSERT_TRUE(str_is(p, "status.hostIP", "172.18.0.2"));
    CU_ASSERT_TRUE(str_is(cJSON_GetArrayItem(cj_get(p, "status.hostIPs"), 0), "ip", "172.18.0.2"));
    CU_ASSERT_TRUE(str_is(p, "status.podIP", "10.244.0.1"));
    CU_ASSERT_TRUE(str_is(cJSON_GetArrayItem(cj_get(p, "status.podIPs"), 0), "ip", "10.244.0.1"));
    CU_ASSERT_TRUE(str_is(p, "status.startTime", "2026-01-01T00:00:05Z"));
    CU_ASSERT_TRUE(str_is(p, "status.qosClass", "BestEffort")); /* kept from the server's defaults */
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(p, "status.containerStatuses")), 1);
    const cJSON *cs = cJSON_GetArrayItem(cj_get(p, "status.containerStatuses"), 0);
    CU_ASSERT_TRUE(str_is(cs, "name", "app"));
    CU_ASSERT_TRUE(str_is(cs, "image", "example/app:v1"));
    CU_ASSERT_TRUE(cj_str(cs, "imageID") && !strncmp(cj_str(cs, "imageID"), "docker.io/example/app@sha256:", 29));
    CU_ASSERT_TRUE(cj_str(cs, "containerID") && strlen(cj_str(cs, "containerID")) == strlen("containerd://") + 64);
    CU_ASSERT_TRUE(cJSON_IsTrue(cj_get(cs, "ready")));
    CU_ASSERT_TRUE(cJSON_IsTrue(cj_get(cs, "started")));
    CU_ASSERT_EQUAL(num(cs, "restartCount"), 0);
    CU_ASSERT_TRUE(str_is(cs, "state.running.startedAt", "2026-01-01T00:00:05Z"));
    cJSON_Delete(p);
    CU_ASSERT_EQUAL(events("web", "Pulled", "kubelet"), 1);
    CU_ASSERT_EQUAL(events("web", "Created", "kubelet"), 1);
    CU_ASSERT_EQUAL(events("web", "Started", "kubelet"), 1);

    /* a second pod gets the next address; nothing is rewritten while nothing changes */
    create_pod("web2", "example/app:v1", NULL, NULL);
    run_to(60000);
    p = pod("web2");
    CU_ASSERT_TRUE(str_is(p, "status.podIP", "10.244.0.2"));
    CU_ASSERT_TRUE(str_is(p, "status.startTime", "2026-01-01T00:00:10Z")); /* created at 5 s, + 5 s */
    cJSON_Delete(p);
    p = pod("web");
    const char *rv = cj_str(p, "metadata.resourceVersion");
    char *rv_before = strdup(rv ? rv : "");
    cJSON_Delete(p);
    run_to(600000);
    p = pod("web");
    CU_ASSERT_TRUE(str_is(p, "metadata.resourceVersion", rv_before));
    cJSON_Delete(p);
    free(rv_before);
    CU_ASSERT_EQUAL(fakeapi_next_due(srv), INT64_MAX);
    stop();
}

static void test_image_rules(void)
{
    start(7);
    create_pod("never", "example/never:1", NULL, NULL);
    create_pod("fast", "example/fast:1", NULL, NULL);
    create_pod("slow", "example/slow:1", NULL, NULL);
    fakeapi_settle(srv);

    advance(2400);
    cJSON *p = pod("fast");
    CU_ASSERT_FALSE(fa_sim_pod_ready(p));
    cJSON_Delete(p);
    advance(100);
    p = pod("fast");
    CU_ASSERT_TRUE(fa_sim_pod_ready(p)); /* ready_after 2.5 s */
    cJSON_Delete(p);

    run_to(11999);
    p = pod("slow");
    CU_ASSERT_TRUE(str_is(p, "status.phase", "Pending"));
    cJSON_Delete(p);
    p = pod("never");
    CU_ASSERT_TRUE(str_is(p, "status.phase", "Running"));
    CU_ASSERT_FALSE(fa_sim_pod_ready(p));
    CU_ASSERT_TRUE(cond_is(p, "ContainersReady", "False"));
    CU_ASSERT_TRUE(str_is(condition(p, "Ready"), "reason", "ContainersNotReady"));
    CU_ASSERT_TRUE(str_is(condition(p, "Ready"), "message", "containers with unready status: [app]"));
    const cJSON *cs = cJSON_GetArrayItem(cj_get(p, "status.containerStatuses"), 0);
    CU_ASSERT_TRUE(cJSON_IsFalse(cj_get(cs, "ready")));
    CU_ASSERT_TRUE(cJSON_IsTrue(cj_get(cs, "started")));
    CU_ASSERT_PTR_NOT_NULL(cj_get(cs, "state.running"));
    CU_ASSERT_PTR_NOT_NULL(cj_str(p, "status.podIP"));
    cJSON_Delete(p);

    run_to(12000);
    p = pod("slow");
    CU_ASSERT_TRUE(fa_sim_pod_ready(p)); /* ready_after 12 s */
    cJSON_Delete(p);
    stop();
}

static void test_crash_loop(void)
{
    start(7);
    create_pod("crash", "example/crash:1", NULL, NULL);
    run_to(5000);
    cJSON *p = pod("crash");
    CU_ASSERT_TRUE(str_is(p, "status.phase", "Running"));
    CU_ASSERT_FALSE(fa_sim_pod_ready(p));
    const cJSON *cs = cJSON_GetArrayItem(cj_get(p, "status.containerStatuses"), 0);
    CU_ASSERT_EQUAL(num(cs, "restartCount"), 0);
    CU_ASSERT_TRUE(str_is(cs, "state.waiting.reason", "CrashLoopBackOff"));
    CU_ASSERT_EQUAL(num(cs, "lastState.terminated.exitCode"), 1);
    CU_ASSERT_TRUE(cJSON_IsFalse(cj_get(cs, "ready")));
    cJSON_Delete(p);
    CU_ASSERT_EQUAL(events("crash", "BackOff", "kubelet"), 1);

    /* restarts after 10 s, then 20, 40, 80, 160, 300, 300 ... */
    static const struct {
        int64_t at_ms;
        int restarts;
    } steps[] = {{14999, 0}, {15000, 1}, {34999, 1}, {35000, 2}, {75000, 3}, {155000, 4}, {315000, 5},
                 {614999, 5}, {615000, 6}, {915000, 7}};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        run_to(steps[i].at_ms);
        p = pod("crash");
        cs = cJSON_GetArrayItem(cj_get(p, "status.containerStatuses"), 0);
        CU_ASSERT_EQUAL(num(cs, "restartCount"), steps[i].restarts);
        cJSON_Delete(p);
    }
    p = pod("crash");
    cs = cJSON_GetArrayItem(cj_get(p, "status.containerStatuses"), 0);
    CU_ASSERT_TRUE(str_is(cs, "lastState.terminated.finishedAt", "2026-01-01T00:15:15Z"));
    const char *msg = cj_str(cs, "state.waiting.message");
    CU_ASSERT_TRUE(msg && !strncmp(msg, "back-off 5m0s restarting failed container=app pod=crash_default(", 63));
    cJSON_Delete(p);
    CU_ASSERT_EQUAL(events("crash", "BackOff", "kubelet"), 8);

    /* a jump of an hour in one step catches up: same count as stepping through it */
    advance(3600000);
    fakeapi_settle(srv);
    p = pod("crash");
    cs = cJSON_GetArrayItem(cj_get(p, "status.containerStatuses"), 0);
    CU_ASSERT_EQUAL(num(cs, "restartCount"), 7 + 12);
    cJSON_Delete(p);
    stop();
}

static void test_readiness_gates(void)
{
    start(7);
    create_pod("gated", "example/app:1", gate_spec, NULL);
    run_to(5000);
    cJSON *p = pod("gated");
    CU_ASSERT_TRUE(cond_is(p, "ContainersReady", "True"));
    CU_ASSERT_FALSE(fa_sim_pod_ready(p));
    CU_ASSERT_TRUE(str_is(condition(p, "Ready"), "reason", "ReadinessGatesNotReady"));
    cJSON_Delete(p);

    set_gate("gated", "True");
    p = pod("gated");
    CU_ASSERT_TRUE(fa_sim_pod_ready(p));
    CU_ASSERT_TRUE(cond_is(p, "example.com/lb", "True")); /* someone else's condition stays */
    cJSON_Delete(p);

    advance(3000);
    set_gate("gated", "False");
    p = pod("gated");
    CU_ASSERT_FALSE(fa_sim_pod_ready(p));
    CU_ASSERT_TRUE(str_is(condition(p, "Ready"), "message",
                          "the status of pod readiness gate \"example.com/lb\" is not \"True\", but False"));
    CU_ASSERT_TRUE(str_is(condition(p, "Ready"), "lastTransitionTime", "2026-01-01T00:00:08Z"));
    cJSON_Delete(p);
    stop();
}

static void test_graceful_deletion(void)
{
    start(7);
    create_pod("web", "example/app:1", NULL, NULL);
    create_pod("quick", "example/app:1", "\"terminationGracePeriodSeconds\":3", NULL);
    run_to(10000);
    CU_ASSERT_EQUAL(call("DELETE", PODS "/web", NULL, NULL), 200);
    CU_ASSERT_EQUAL(call("DELETE", PODS "/quick", NULL, NULL), 200);
    fakeapi_settle(srv);
    cJSON *p = pod("web");
    CU_ASSERT_TRUE_FATAL(p != NULL);
    CU_ASSERT_TRUE(str_is(p, "metadata.deletionTimestamp", "2026-01-01T00:00:40Z")); /* default grace 30 s */
    cJSON_Delete(p);
    CU_ASSERT_EQUAL(events("web", "Killing", "kubelet"), 1);

    run_to(12999);
    p = pod("quick");
    CU_ASSERT_PTR_NOT_NULL(p);
    cJSON_Delete(p);
    run_to(13000);
    p = pod("quick");
    CU_ASSERT_PTR_NULL(p); /* grace 3 s */
    cJSON_Delete(p);

    run_to(39999);
    p = pod("web");
    CU_ASSERT_PTR_NOT_NULL(p);
    cJSON_Delete(p);
    run_to(40000);
    p = pod("web");
    CU_ASSERT_PTR_NULL(p);
    cJSON_Delete(p);
    CU_ASSERT_EQUAL(events("web", "Killing", "kubelet"), 1);

    /* a pod deleted before it started has no container to stop: no Killing */
    create_pod("late", "example/slow:1", NULL, NULL);
    CU_ASSERT_EQUAL(call("DELETE", PODS "/late", NULL, NULL), 200);
    CU_ASSERT_EQUAL(events("late", "Killing", NULL), 0);

    /* a pod bound to a node nobody simulates is left alone */
    CU_ASSERT_EQUAL(call("POST", PODS, NULL,
                         "{\"metadata\":{\"name\":\"elsewhere\"},\"spec\":{\"nodeName\":\"other-node\",\"containers\":"
                         "[{\"name\":\"c\",\"image\":\"x:1\"}]}}"),
                    201);
    run_to(60000);
    p = pod("elsewhere");
    CU_ASSERT_TRUE(str_is(p, "status.phase", "Pending")); /* no kubelet on other-node */
    cJSON_Delete(p);
    stop();
}

/* The IP and readiness of each address in an Endpoints subset list, flattened: "ip:R" / "ip:N". */
static void flatten(const cJSON *ep, char *out, size_t n)
{
    *out = 0;
    const cJSON *s, *a;
    cJSON_ArrayForEach(s, cj_get(ep, "subsets"))
    {
        static const char *const kinds[] = {"addresses", "notReadyAddresses"};
        for (int k = 0; k < 2; k++)
            cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(s, kinds[k]))
            {
                size_t len = strlen(out);
                snprintf(out + len, n - len, "%s%s:%c", len ? " " : "", cj_str(a, "ip"), k ? 'N' : 'R');
            }
    }
}

static cJSON *the_slice(const char *svc)
{
    char path[256];
    snprintf(path, sizeof path, "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector="
                                "kubernetes.io%%2Fservice-name%%3D%s", svc);
    cJSON *list = get(path);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(list, "items")), 1);
    cJSON *s = cJSON_DetachItemFromArray(cj_get(list, "items"), 0);
    cJSON_Delete(list);
    return s;
}

static void test_endpoints(void)
{
    start(7);
    CU_ASSERT_EQUAL(call("POST", "/api/v1/namespaces/default/services", NULL,
                         "{\"metadata\":{\"name\":\"web\",\"labels\":{\"team\":\"a\"}},"
                         "\"spec\":{\"selector\":{\"app\":\"web\"},"
                         "\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":\"web\"}]}}"),
                    201);
    CU_ASSERT_EQUAL(call("POST", "/api/v1/namespaces/default/services", NULL,
                         "{\"metadata\":{\"name\":\"manual\"},\"spec\":{\"ports\":[{\"port\":80}]}}"),
                    201);
    create_pod("web-a", "example/app:1", gate_spec, "{\"app\":\"web\"}");
    create_pod("web-b", "example/app:1", gate_spec, "{\"app\":\"web\"}");
    create_pod("other", "example/app:1", NULL, "{\"app\":\"other\"}");
    fakeapi_settle(srv);
    cJSON *ep = get("/api/v1/namespaces/default/endpoints/web");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(ep, "subsets")), 0); /* no pod has an IP yet */
    CU_ASSERT_TRUE(str_is(ep, "metadata.labels.team", "a"));
    cJSON_Delete(ep);
    CU_ASSERT_PTR_NULL(get("/api/v1/namespaces/default/endpoints/manual")); /* no selector: left alone */
    cJSON *slice = the_slice("web");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(slice, "endpoints")), 0);
    CU_ASSERT_TRUE(cj_str(slice, "metadata.name") && !strncmp(cj_str(slice, "metadata.name"), "web-", 4));
    cJSON_Delete(slice);

    /* running, gates not yet set: under notReadyAddresses, sorted by IP */
    run_to(5000);
    char flat[512];
    ep = get("/api/v1/namespaces/default/endpoints/web");
    flatten(ep, flat, sizeof flat);
    CU_ASSERT_STRING_EQUAL(flat, "10.244.0.1:N 10.244.0.2:N");
    const cJSON *s0 = cJSON_GetArrayItem(cj_get(ep, "subsets"), 0);
    const cJSON *port = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s0, "ports"), 0);
    CU_ASSERT_TRUE(str_is(port, "name", "http"));
    CU_ASSERT_EQUAL(num(port, "port"), 8080); /* the named targetPort, resolved */
    CU_ASSERT_TRUE(str_is(port, "protocol", "TCP"));
    const cJSON *a0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s0, "notReadyAddresses"), 0);
    CU_ASSERT_TRUE(str_is(a0, "nodeName", "kind-control-plane"));
    CU_ASSERT_TRUE(str_is(a0, "targetRef.kind", "Pod"));
    CU_ASSERT_TRUE(str_is(a0, "targetRef.name", "web-a"));
    CU_ASSERT_TRUE(str_is(a0, "targetRef.namespace", "default"));
    CU_ASSERT_PTR_NOT_NULL(cj_str(a0, "targetRef.uid"));
    cJSON_Delete(ep);

    set_gate("web-b", "True");
    ep = get("/api/v1/namespaces/default/endpoints/web");
    flatten(ep, flat, sizeof flat);
    CU_ASSERT_STRING_EQUAL(flat, "10.244.0.2:R 10.244.0.1:N");
    cJSON_Delete(ep);
    set_gate("web-a", "True");
    ep = get("/api/v1/namespaces/default/endpoints/web");
    flatten(ep, flat, sizeof flat);
    CU_ASSERT_STRING_EQUAL(flat, "10.244.0.1:R 10.244.0.2:R");
    const char *rv = cj_str(ep, "metadata.resourceVersion");
    char *rv_before = strdup(rv ? rv : "");
    cJSON_Delete(ep);
    slice = the_slice("web");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(slice, "endpoints")), 2);
    const cJSON *e0 = cJSON_GetArrayItem(cj_get(slice, "endpoints"), 0);
    const cJSON *addr = cJSON_GetArrayItem(cj_get(e0, "addresses"), 0);
    CU_ASSERT_TRUE(cJSON_IsString(addr) && !strcmp(addr->valuestring, "10.244.0.1"));
    CU_ASSERT_TRUE(cJSON_IsTrue(cj_get(e0, "conditions.ready")));
    CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(cj_get(slice, "ports"), 0), "port"), 8080);
    CU_ASSERT_TRUE(str_is(slice, "addressType", "IPv4"));
    CU_ASSERT_TRUE(str_is(cJSON_GetArrayItem(cj_get(slice, "metadata.ownerReferences"), 0), "kind", "Service"));
    cJSON_Delete(slice);

    /* unrelated changes do not rewrite the Endpoints */
    run_to(60000);
    ep = get("/api/v1/namespaces/default/endpoints/web");
    CU_ASSERT_TRUE(str_is(ep, "metadata.resourceVersion", rv_before));
    cJSON_Delete(ep);
    free(rv_before);

    /* a deleting pod leaves Endpoints at once; the slice keeps it as terminating */
    CU_ASSERT_EQUAL(call("DELETE", PODS "/web-a", NULL, NULL), 200);
    fakeapi_settle(srv);
    ep = get("/api/v1/namespaces/default/endpoints/web");
    flatten(ep, flat, sizeof flat);
    CU_ASSERT_STRING_EQUAL(flat, "10.244.0.2:R");
    cJSON_Delete(ep);
    slice = the_slice("web");
    e0 = cJSON_GetArrayItem(cj_get(slice, "endpoints"), 0);
    CU_ASSERT_TRUE(str_is(e0, "targetRef.name", "web-a"));
    CU_ASSERT_TRUE(cJSON_IsTrue(cj_get(e0, "conditions.terminating")));
    CU_ASSERT_TRUE(cJSON_IsFalse(cj_get(e0, "conditions.ready")));
    CU_ASSERT_TRUE(cJSON_IsTrue(cj_get(e0, "conditions.serving")));
    cJSON_Delete(slice);
    run_to(100000);
    slice = the_slice("web");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(slice, "endpoints")), 1);
    cJSON_Delete(slice);

    /* relabelling a pod out of the selector drops it */
    CU_ASSERT_EQUAL(call("PATCH", PODS "/web-b", "application/merge-patch+json",
                         "{\"metadata\":{\"labels\":{\"app\":\"gone\"}}}"),
                    200);
    fakeapi_settle(srv);
    ep = get("/api/v1/namespaces/default/endpoints/web");
    CU_ASSERT_PTR_NULL(cj_get(ep, "subsets"));
    cJSON_Delete(ep);

    /* a numeric targetPort; the service going takes its Endpoints and slices */
    CU_ASSERT_EQUAL(call("POST", "/api/v1/namespaces/default/services", NULL,
                         "{\"metadata\":{\"name\":\"other\"},\"spec\":{\"selector\":{\"app\":\"other\"},"
                         "\"ports\":[{\"port\":80,\"targetPort\":9090,\"protocol\":\"TCP\"}]}}"),
                    201);
    fakeapi_settle(srv);
    ep = get("/api/v1/namespaces/default/endpoints/other");
    port = cJSON_GetArrayItem(cj_get(cJSON_GetArrayItem(cj_get(ep, "subsets"), 0), "ports"), 0);
    CU_ASSERT_EQUAL(num(port, "port"), 9090);
    CU_ASSERT_PTR_NULL(cj_get(port, "name"));
    flatten(ep, flat, sizeof flat);
    CU_ASSERT_STRING_EQUAL(flat, "10.244.0.3:R");
    cJSON_Delete(ep);
    CU_ASSERT_EQUAL(call("DELETE", "/api/v1/namespaces/default/services/other", NULL, NULL), 200);
    fakeapi_settle(srv);
    CU_ASSERT_PTR_NULL(get("/api/v1/namespaces/default/endpoints/other"));
    cJSON *list = get("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector="
                      "kubernetes.io%2Fservice-name%3Dother");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(list, "items")), 0);
    cJSON_Delete(list);
    stop();
}

/* One scenario; returns the server's event log (every committed change, in order) and the clock. */
static char *scenario(void)
{
    start(7);
    CU_ASSERT_EQUAL(call("POST", "/api/v1/namespaces/default/services", NULL,
                         "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"selector\":{\"app\":\"web\"},"
                         "\"ports\":[{\"port\":80,\"targetPort\":\"web\"}]}}"),
                    201);
    create_pod("a", "example/app:1", NULL, "{\"app\":\"web\"}");
    create_pod("b", "example/fast:1", NULL, "{\"app\":\"web\"}");
    advance(1500);
    create_pod("c", "example/crash:1", NULL, "{\"app\":\"web\"}");
    create_pod("d", "example/never:1", gate_spec, "{\"app\":\"web\"}");
    run_to(30000);
    CU_ASSERT_EQUAL(call("DELETE", PODS "/a", NULL, NULL), 200);
    create_pod("e", "example/app:1", NULL, "{\"app\":\"web\"}");
    run_to(200000);
    char *log = fakeapi_event_log(srv);
    size_t n = strlen(log) + 32;
    char *out = malloc(n);
    snprintf(out, n, "%s%lld", log, (long long)co_clock_now_ms(clk));
    free(log);
    stop();
    return out;
}

static void test_determinism(void)
{
    char *one = scenario(), *two = scenario();
    CU_ASSERT_STRING_EQUAL(one, two);
    CU_ASSERT_PTR_NOT_NULL(strstr(one, "\"podIP\":\"10.244.0.1\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(one, "\"podIP\":\"10.244.0.5\"")); /* e: the fifth pod started */
    free(one);
    free(two);
}

/* A server restarted from its database file keeps handing out fresh addresses after the ones in
 * use (the allocator rebuilds its counter from the pods it finds). */
static void test_ips_after_restart(void)
{
    char path[] = "/tmp/test_sim_kubelet.XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_TRUE_FATAL(fd >= 0);
    close(fd);
    start_db(7, path);
    create_pod("a", "example/app:1", NULL, NULL);
    create_pod("b", "example/app:1", NULL, NULL);
    create_pod("c", "example/app:1", NULL, NULL);
    run_to(10000);
    CU_ASSERT_EQUAL(call("DELETE", PODS "/a?gracePeriodSeconds=0", NULL, NULL), 200);
    stop();
    start_db(8, path);
    create_pod("d", "example/app:1", NULL, NULL);
    run_to(10000);
    cJSON *p = pod("d");
    CU_ASSERT_TRUE(str_is(p, "status.podIP", "10.244.0.4"));
    cJSON_Delete(p);
    p = pod("b");
    CU_ASSERT_TRUE(str_is(p, "status.podIP", "10.244.0.2")); /* untouched by the restart */
    cJSON_Delete(p);
    stop();
    unlink(path);
}

int main(void)
{
    static const cu_test tests[] = {
        {"bound at once, Ready exactly on time, kwok's status", test_bound_at_once_ready_on_time},
        {"image rules: never ready, ready_after", test_image_rules},
        {"crash loop: restarts with back-off", test_crash_loop},
        {"readinessGates", test_readiness_gates},
        {"graceful deletion", test_graceful_deletion},
        {"endpoints and endpointslices", test_endpoints},
        {"same seed, same cluster", test_determinism},
        {"pod IPs after a restart", test_ips_after_restart},
        {NULL, NULL},
    };
    return cu_run("sim_kubelet", tests);
}
