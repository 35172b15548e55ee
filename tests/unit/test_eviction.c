/* test_eviction.c: the pods/eviction subresource (registry/core/pod/storage/eviction.go) over
 * HTTP: graceful deletion as DELETE does it, dry runs, the errors (404, 400, 429 from a
 * PodDisruptionBudget) and discovery; then in virtual time with the simulated kubelet. */
#include "cu.h"
#include "http.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/json.h"
#include "fakeapi/fakeapi.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fakeapi *srv;

#define PODS "/api/v1/namespaces/default/pods"

static cJSON *http(const char *method, const char *path, const char *ct, const char *payload, long *code)
{
    th_resp r = th_request(fakeapi_url(srv), method, path, ct, payload, NULL);
    free(r.headers);
    *code = r.code;
    cJSON *o = cJSON_Parse(r.body);
    free(r.body);
    return o;
}

/* A running pod bound to a node (so deletion is graceful) with label app=APP. */
static void make_pod(const char *name, const char *app)
{
    char body[512], path[256];
    long code;
    snprintf(body, sizeof body,
             "{\"metadata\":{\"name\":\"%s\",\"labels\":{\"app\":\"%s\"}},\"spec\":{\"nodeName\":\"n1\","
             "\"containers\":[{\"name\":\"c\",\"image\":\"x:1\"}]}}", name, app);
    cJSON_Delete(http("POST", PODS, NULL, body, &code));
    CU_ASSERT_EQUAL(code, 201);
    snprintf(path, sizeof path, PODS "/%s/status", name);
    cJSON_Delete(http("PATCH", path, "application/merge-patch+json", "{\"status\":{\"phase\":\"Running\"}}", &code));
    CU_ASSERT_EQUAL(code, 200);
}

static cJSON *evict(const char *name, const char *body_name, const char *api_version, const char *opts,
                    const char *query, long *code)
{
    char body[512], path[256];
    snprintf(body, sizeof body,
             "{\"apiVersion\":\"%s\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"%s\",\"namespace\":\"default\"}%s%s}",
             api_version, body_name, opts ? ",\"deleteOptions\":" : "", opts ? opts : "");
    snprintf(path, sizeof path, PODS "/%s/eviction%s", name, query ? query : "");
    return http("POST", path, NULL, body, code);
}

static void test_evict_deletes_gracefully(void)
{
    long code;
    make_pod("e1", "plain");
    /* dryRun=All: success, nothing changes */
    cJSON_Delete(evict("e1", "e1", "policy/v1", NULL, "?dryRun=All", &code));
    CU_ASSERT_EQUAL(code, 201);
    cJSON *p = http("GET", PODS "/e1", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_PTR_NULL(cj_get(p, "metadata.deletionTimestamp"));
    cJSON_Delete(p);
    cJSON_Delete(evict("e1", "e1", "policy/v1", "{\"dryRun\":[\"All\"]}", NULL, &code));
    CU_ASSERT_EQUAL(code, 201);
    p = http("GET", PODS "/e1", NULL, NULL, &code);
    CU_ASSERT_PTR_NULL(cj_get(p, "metadata.deletionTimestamp"));
    cJSON_Delete(p);

    cJSON *s = evict("e1", "e1", "policy/v1", "{}", NULL, &code);
    CU_ASSERT_EQUAL(code, 201);
    CU_ASSERT_STRING_EQUAL(cj_str(s, "kind"), "Status");
    CU_ASSERT_STRING_EQUAL(cj_str(s, "status"), "Success");
    CU_ASSERT_EQUAL(cj_get(s, "code")->valuedouble, 201);
    cJSON_Delete(s);
    p = http("GET", PODS "/e1", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 200); /* terminating: the kubelet has the grace period */
    CU_ASSERT_PTR_NOT_NULL(cj_get(p, "metadata.deletionTimestamp"));
    CU_ASSERT_EQUAL(cj_get(p, "metadata.deletionGracePeriodSeconds")->valuedouble, 30);
    cJSON_Delete(p);

    /* policy/v1beta1 and deleteOptions with grace 0: gone now */
    make_pod("e2", "plain");
    cJSON_Delete(evict("e2", "e2", "policy/v1beta1", "{\"gracePeriodSeconds\":0}", NULL, &code));
    CU_ASSERT_EQUAL(code, 201);
    cJSON_Delete(http("GET", PODS "/e2", NULL, NULL, &code));
    CU_ASSERT_EQUAL(code, 404);
}

static void test_evict_errors(void)
{
    long code;
    cJSON *s = evict("missing", "missing", "policy/v1", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 404);
    CU_ASSERT_STRING_EQUAL(cj_str(s, "reason"), "NotFound");
    CU_ASSERT_STRING_EQUAL(cj_str(s, "message"), "pods \"missing\" not found");
    CU_ASSERT_STRING_EQUAL(cj_str(s, "details.kind"), "pods");
    cJSON_Delete(s);

    make_pod("e3", "plain");
    s = evict("e3", "other", "policy/v1", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 400);
    CU_ASSERT_STRING_EQUAL(cj_str(s, "reason"), "BadRequest");
    CU_ASSERT_STRING_EQUAL(cj_str(s, "message"), "name in URL does not match name in Eviction object");
    cJSON_Delete(s);
    cJSON_Delete(http("GET", PODS "/e3/eviction", NULL, NULL, &code));
    CU_ASSERT_EQUAL(code, 405);
    cJSON_Delete(http("POST", "/api/v1/namespaces/default/configmaps/x/eviction", NULL, "{}", &code));
    CU_ASSERT_EQUAL(code, 404);
    cJSON *p = http("GET", PODS "/e3", NULL, NULL, &code);
    CU_ASSERT_PTR_NULL(cj_get(p, "metadata.deletionTimestamp"));
    cJSON_Delete(p);
}

static void test_evict_respects_pdb(void)
{
#define PDB "/apis/policy/v1/namespaces/default/poddisruptionbudgets"
    long code;
    make_pod("g1", "guarded");
    cJSON_Delete(http("POST", PDB, NULL,
                      "{\"metadata\":{\"name\":\"guard\"},\"spec\":{\"minAvailable\":1,\"selector\":{\"matchLabels\":"
                      "{\"app\":\"guarded\"}}}}", &code));
    CU_ASSERT_EQUAL(code, 201);
    /* not yet observed by the disruption controller */
    cJSON *s = evict("g1", "g1", "policy/v1", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 429);
    cJSON_Delete(s);
    cJSON_Delete(http("PATCH", "/apis/policy/v1/namespaces/default/poddisruptionbudgets/guard/status",
                      "application/merge-patch+json",
                      "{\"status\":{\"observedGeneration\":1,\"disruptionsAllowed\":0,\"desiredHealthy\":1,"
                      "\"currentHealthy\":1,\"expectedPods\":1}}", &code));
    CU_ASSERT_EQUAL(code, 200);
    s = evict("g1", "g1", "policy/v1", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 429);
    CU_ASSERT_STRING_EQUAL(cj_str(s, "reason"), "TooManyRequests");
    CU_ASSERT_STRING_EQUAL(cj_str(s, "message"), "Cannot evict pod as it would violate the pod's disruption budget.");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(s, "details.causes"), 0), "reason"), "DisruptionBudget");
    cJSON_Delete(s);
    cJSON *p = http("GET", PODS "/g1", NULL, NULL, &code);
    CU_ASSERT_PTR_NULL(cj_get(p, "metadata.deletionTimestamp"));
    cJSON_Delete(p);
    /* a pod the budget does not select is not held by it */
    make_pod("free1", "other");
    cJSON_Delete(evict("free1", "free1", "policy/v1", NULL, NULL, &code));
    CU_ASSERT_EQUAL(code, 201);

    cJSON_Delete(http("PATCH", "/apis/policy/v1/namespaces/default/poddisruptionbudgets/guard/status",
                      "application/merge-patch+json", "{\"status\":{\"disruptionsAllowed\":1}}", &code));
    cJSON_Delete(evict("g1", "g1", "policy/v1", NULL, "?dryRun=All", &code));
    CU_ASSERT_EQUAL(code, 201);
    cJSON *pdb = http("GET", PDB "/guard", NULL, NULL, &code);
    CU_ASSERT_EQUAL(cj_get(pdb, "status.disruptionsAllowed")->valuedouble, 1);
    cJSON_Delete(pdb);
    cJSON_Delete(evict("g1", "g1", "policy/v1", NULL, NULL, &code));
    CU_ASSERT_EQUAL(code, 201);
    pdb = http("GET", PDB "/guard", NULL, NULL, &code);
    CU_ASSERT_EQUAL(cj_get(pdb, "status.disruptionsAllowed")->valuedouble, 0);
    CU_ASSERT_PTR_NOT_NULL(cj_get(pdb, "status.disruptedPods.g1"));
    cJSON_Delete(pdb);
    p = http("GET", PODS "/g1", NULL, NULL, &code);
    CU_ASSERT_PTR_NOT_NULL(cj_get(p, "metadata.deletionTimestamp"));
    cJSON_Delete(p);
}

static void test_discovery(void)
{
    long code;
    cJSON *d = http("GET", "/api/v1", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 200);
    const cJSON *e, *found = NULL;
    cJSON_ArrayForEach(e, cj_get(d, "resources"))
        if (!strcmp(cj_str(e, "name"), "pods/eviction"))
            found = e;
    CU_ASSERT_PTR_NOT_NULL_FATAL(found);
    CU_ASSERT_STRING_EQUAL(cj_str(found, "kind"), "Eviction");
    CU_ASSERT_STRING_EQUAL(cj_str(found, "group"), "policy");
    CU_ASSERT_STRING_EQUAL(cj_str(found, "version"), "v1");
    const cJSON *verbs = cj_get(found, "verbs");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(verbs), 1);
    CU_ASSERT_STRING_EQUAL(cJSON_GetArrayItem(verbs, 0)->valuestring, "create");
    cJSON_Delete(d);
}

/* With the simulation on: the scheduler and kubelet run the pod; after an eviction the kubelet
 * finishes the graceful deletion as it does after a DELETE. */
static void test_evict_with_kubelet(void)
{
    char err[256];
    co_clock *clk = co_clock_virtual(1767225600000LL);
    fakeapi_options o = {.clock = clk, .seed = 7, .pod_ready_seconds = 1};
    fakeapi *f = fakeapi_start(&o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fakeapi_call(f, "POST", PODS, NULL,
                                 "{\"metadata\":{\"name\":\"k1\"},\"spec\":{\"terminationGracePeriodSeconds\":5,"
                                 "\"containers\":[{\"name\":\"c\",\"image\":\"x:1\"}]}}", NULL), 201);
    for (int i = 0; i < 5; i++) {
        co_clock_advance(clk, 1000);
        fakeapi_settle(f);
    }
    char *out = NULL;
    CU_ASSERT_EQUAL(fakeapi_call(f, "GET", PODS "/k1", NULL, NULL, &out), 200);
    cJSON *p = cJSON_Parse(out);
    free(out);
    CU_ASSERT_STRING_EQUAL(cj_str(p, "status.phase"), "Running");
    cJSON_Delete(p);
    CU_ASSERT_EQUAL(fakeapi_call(f, "POST", PODS "/k1/eviction", NULL,
                                 "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"k1\"}}",
                                 NULL), 201);
    fakeapi_settle(f);
    CU_ASSERT_EQUAL(fakeapi_call(f, "GET", PODS "/k1", NULL, NULL, NULL), 200); /* terminating */
    for (int i = 0; i < 8; i++) {
        co_clock_advance(clk, 1000);
        fakeapi_settle(f);
    }
    CU_ASSERT_EQUAL(fakeapi_call(f, "GET", PODS "/k1", NULL, NULL, NULL), 404);
    fakeapi_stop(f);
    co_clock_free(clk);
}

int main(void)
{
    char err[256];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    fakeapi_options opts = {.seed = 42, .no_sim = 1};
    srv = fakeapi_start(&opts, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "cannot start the server: %s\n", err);
        return 1;
    }
    static const cu_test tests[] = {
        {"eviction deletes as DELETE does; dry runs change nothing", test_evict_deletes_gracefully},
        {"eviction errors: 404, 400 name mismatch, 405", test_evict_errors},
        {"a PodDisruptionBudget with no disruptions allowed refuses with 429", test_evict_respects_pdb},
        {"discovery lists pods/eviction", test_discovery},
        {"the simulated kubelet finishes an evicted pod", test_evict_with_kubelet},
        {NULL, NULL},
    };
    int rc = cu_run("eviction", tests);
    fakeapi_stop(srv);
    return rc;
}
