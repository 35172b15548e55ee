/* test_server.c: the API server's rules seen over HTTP from an in-process server:
 * resourceVersion and generation, the status split, no-op writes, scale, watch semantics and
 * the Status objects errors map to. */
#include "cu.h"
#include "http.h"
#include "common/buf.h"
#include "common/json.h"
#include "fakeapi/fakeapi.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static fakeapi *srv;

/* Sends one request; returns the HTTP code and stores the raw body in *body (caller frees). */
static long http_raw(const char *method, const char *path, const char *ct, const char *payload, char **body)
{
    th_resp r = th_request(fakeapi_url(srv), method, path, ct, payload, NULL);
    free(r.headers);
    *body = r.body;
    return r.code;
}

static cJSON *http(const char *method, const char *path, const char *ct, const char *payload, long *code)
{
    char *body;
    *code = http_raw(method, path, ct, payload, &body);
    cJSON *o = cJSON_Parse(body);
    free(body);
    return o;
}

static const char *CM = "/api/v1/namespaces/default/configmaps";

static void test_create_populates_metadata(void)
{
    long code;
    cJSON *o = http("POST", "/apis/apps/v1/namespaces/default/deployments", NULL,
                    "{\"metadata\":{\"name\":\"d1\",\"uid\":\"mine\",\"generation\":7},\"spec\":{\"selector\":{\"matchLabels\":"
                    "{\"app\":\"d1\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"d1\"}},\"spec\":{\"containers\":"
                    "[{\"name\":\"c\",\"image\":\"x:1\"}]}}}}", &code);
    CU_ASSERT_EQUAL(code, 201);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "apiVersion"), "apps/v1");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "kind"), "Deployment");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "metadata.namespace"), "default");
    CU_ASSERT_STRING_NOT_EQUAL(cj_str(o, "metadata.uid"), "mine");
    CU_ASSERT_EQUAL(strlen(cj_str(o, "metadata.uid")), 36);
    CU_ASSERT_EQUAL(cj_get(o, "metadata.generation")->valuedouble, 1);
    CU_ASSERT_PTR_NOT_NULL(cj_str(o, "metadata.creationTimestamp"));
    CU_ASSERT_EQUAL(cj_get(o, "spec.replicas")->valuedouble, 1); /* defaulted */
    cJSON_Delete(o);
    o = http("POST", CM, NULL, "{\"metadata\":{\"generateName\":\"gen-\"}}", &code);
    CU_ASSERT_EQUAL(code, 201);
    CU_ASSERT_EQUAL(strlen(cj_str(o, "metadata.name")), 9);
    CU_ASSERT_EQUAL(strncmp(cj_str(o, "metadata.name"), "gen-", 4), 0);
    cJSON_Delete(o);
}

static void test_generation_and_noop(void)
{
    long code;
    const char *D = "/apis/apps/v1/namespaces/default/deployments/d1";
    cJSON *d = http("GET", D, NULL, NULL, &code);
    char *same = cJSON_PrintUnformatted(d);
    cJSON *o = http("PUT", D, NULL, same, &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "metadata.resourceVersion"), cj_str(d, "metadata.resourceVersion"));
    cJSON_Delete(o);
    free(same);
    o = http("PATCH", D, "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}", &code);
    CU_ASSERT_EQUAL(cj_get(o, "metadata.generation")->valuedouble, 1); /* metadata only */
    CU_ASSERT_STRING_NOT_EQUAL(cj_str(o, "metadata.resourceVersion"), cj_str(d, "metadata.resourceVersion"));
    cJSON_Delete(o);
    o = http("PATCH", D, "application/merge-patch+json", "{\"metadata\":{\"annotations\":{\"a\":\"b\"}}}", &code);
    CU_ASSERT_EQUAL(cj_get(o, "metadata.generation")->valuedouble, 2); /* Deployments: annotations count */
    cJSON_Delete(o);
    o = http("PATCH", D, "application/merge-patch+json", "{\"spec\":{\"replicas\":3}}", &code);
    CU_ASSERT_EQUAL(cj_get(o, "metadata.generation")->valuedouble, 3);
    cJSON_Delete(o);
    o = http("PATCH", D, "application/merge-patch+json", "{\"status\":{\"replicas\":3}}", &code);
    CU_ASSERT_PTR_NULL(cj_get(o, "status.replicas")); /* main resource ignores status */
    CU_ASSERT_EQUAL(cj_get(o, "metadata.generation")->valuedouble, 3);
    cJSON_Delete(o);
    o = http("PATCH", "/apis/apps/v1/namespaces/default/deployments/d1/status", "application/merge-patch+json",
             "{\"spec\":{\"replicas\":9},\"status\":{\"replicas\":3}}", &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_EQUAL(cj_get(o, "status.replicas")->valuedouble, 3);
    CU_ASSERT_EQUAL(cj_get(o, "spec.replicas")->valuedouble, 3); /* /status ignores spec */
    CU_ASSERT_EQUAL(cj_get(o, "metadata.generation")->valuedouble, 3);
    cJSON_Delete(o);
    cJSON_Delete(d);
}

static void test_custom_resources(void)
{
    long code;
    cJSON *o = http("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", NULL,
                    "{\"metadata\":{\"name\":\"gadgets.example.com\"},\"spec\":{\"group\":\"example.com\",\"scope\":"
                    "\"Namespaced\",\"names\":{\"plural\":\"gadgets\",\"kind\":\"Gadget\",\"shortNames\":[\"gd\"]},"
                    "\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":true,\"subresources\":{\"scale\":"
                    "{\"specReplicasPath\":\".spec.replicas\",\"statusReplicasPath\":\".status.replicas\","
                    "\"labelSelectorPath\":\".status.selector\"}}}]}}", &code);
    CU_ASSERT_EQUAL(code, 201);
    char *conds = cJSON_PrintUnformatted(cj_get(o, "status.conditions"));
    CU_ASSERT_PTR_NOT_NULL(strstr(conds, "Established"));
    free(conds);
    cJSON_Delete(o);
    o = http("GET", "/apis/example.com/v1", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(o, "resources"), 0), "name"), "gadgets");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(o, "resources"), 1), "name"), "gadgets/scale");
    cJSON_Delete(o);
    const char *G = "/apis/example.com/v1/namespaces/default/gadgets";
    o = http("POST", G, NULL, "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Gadget\",\"metadata\":{\"name\":\"g\"},"
             "\"spec\":{\"replicas\":1},\"status\":{\"replicas\":1,\"selector\":\"app=g\"}}", &code);
    CU_ASSERT_EQUAL(code, 201);
    /* without a status subresource, status is an ordinary field and changes count for generation */
    CU_ASSERT_EQUAL(cj_get(o, "status.replicas")->valuedouble, 1);
    cJSON_Delete(o);
    o = http("PATCH", "/apis/example.com/v1/namespaces/default/gadgets/g", "application/merge-patch+json",
             "{\"status\":{\"replicas\":2}}", &code);
    CU_ASSERT_EQUAL(cj_get(o, "metadata.generation")->valuedouble, 2);
    cJSON_Delete(o);
    o = http("GET", "/apis/example.com/v1/namespaces/default/gadgets/g/scale", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "kind"), "Scale");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "apiVersion"), "autoscaling/v1");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "status.selector"), "app=g");
    CU_ASSERT_EQUAL(cj_get(o, "status.replicas")->valuedouble, 2);
    cJSON_Delete(o);
    o = http("PUT", "/apis/example.com/v1/namespaces/default/gadgets/g", NULL,
             "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Gadget\",\"metadata\":{\"name\":\"g\"}}", &code);
    CU_ASSERT_EQUAL(code, 422);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "reason"), "Invalid");
    cJSON_Delete(o);
    /* deleting the CRD takes its objects and its discovery entry with it */
    o = http("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 200);
    cJSON_Delete(o);
    o = http("GET", "/apis/example.com/v1", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 404);
    cJSON_Delete(o);
}

static void test_status_errors(void)
{
    long code;
    cJSON *o = http("GET", "/apis/apps/v1/namespaces/default/deployments/nope", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 404);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "kind"), "Status");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "status"), "Failure");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "reason"), "NotFound");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "message"), "deployments.apps \"nope\" not found");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "details.group"), "apps");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "details.kind"), "deployments");
    CU_ASSERT_EQUAL(cj_get(o, "code")->valuedouble, 404);
    cJSON_Delete(o);
    cJSON_Delete(http("POST", CM, NULL, "{\"metadata\":{\"name\":\"e1\"}}", &code));
    o = http("POST", CM, NULL, "{\"metadata\":{\"name\":\"e1\"}}", &code);
    CU_ASSERT_EQUAL(code, 409);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "message"), "configmaps \"e1\" already exists");
    cJSON_Delete(o);
    o = http("PUT", "/api/v1/namespaces/default/configmaps/e1", NULL,
             "{\"metadata\":{\"name\":\"e1\",\"resourceVersion\":\"1\"}}", &code);
    CU_ASSERT_EQUAL(code, 409);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "reason"), "Conflict");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "message"), "Operation cannot be fulfilled on configmaps \"e1\": the object has "
                           "been modified; please apply your changes to the latest version and try again");
    cJSON_Delete(o);
    o = http("POST", "/api/v1/namespaces/default/pods", NULL, "{\"metadata\":{\"name\":\"p\"},\"spec\":{}}", &code);
    CU_ASSERT_EQUAL(code, 422);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "message"), "Pod \"p\" is invalid: spec.containers: Required value");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(o, "details.causes"), 0), "field"), "spec.containers");
    cJSON_Delete(o);
}

static void test_finalizers_and_namespaces(void)
{
    long code;
    cJSON *o = http("POST", CM, NULL, "{\"metadata\":{\"name\":\"f1\",\"finalizers\":[\"x/y\"]}}", &code);
    cJSON_Delete(o);
    o = http("DELETE", "/api/v1/namespaces/default/configmaps/f1", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_PTR_NOT_NULL(cj_str(o, "metadata.deletionTimestamp"));
    cJSON_Delete(o);
    o = http("PATCH", "/api/v1/namespaces/default/configmaps/f1", "application/merge-patch+json",
             "{\"metadata\":{\"finalizers\":[\"x/y\",\"new/one\"]}}", &code);
    CU_ASSERT_EQUAL(code, 422); /* no new finalizers once deleting */
    cJSON_Delete(o);
    o = http("PATCH", "/api/v1/namespaces/default/configmaps/f1", "application/merge-patch+json",
             "{\"metadata\":{\"finalizers\":null}}", &code);
    CU_ASSERT_EQUAL(code, 200);
    cJSON_Delete(o);
    o = http("GET", "/api/v1/namespaces/default/configmaps/f1", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 404);
    cJSON_Delete(o);
    /* a namespace goes Terminating, its contents go, then it goes */
    cJSON_Delete(http("POST", "/api/v1/namespaces", NULL, "{\"metadata\":{\"name\":\"t1\"}}", &code));
    cJSON_Delete(http("POST", "/api/v1/namespaces/t1/configmaps", NULL, "{\"metadata\":{\"name\":\"c\"}}", &code));
    CU_ASSERT_EQUAL(code, 201);
    cJSON_Delete(http("POST", "/api/v1/namespaces/t1/configmaps", NULL,
                      "{\"metadata\":{\"name\":\"held\",\"finalizers\":[\"x/y\"]}}", &code));
    o = http("DELETE", "/api/v1/namespaces/t1", NULL, NULL, &code);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "status.phase"), "Terminating");
    cJSON_Delete(o);
    o = http("POST", "/api/v1/namespaces/t1/configmaps", NULL, "{\"metadata\":{\"name\":\"late\"}}", &code);
    CU_ASSERT_EQUAL(code, 403);
    cJSON_Delete(o);
    o = http("GET", "/api/v1/namespaces/t1/configmaps/c", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 404);
    cJSON_Delete(o);
    o = http("GET", "/api/v1/namespaces/t1", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 200); /* held back by the finalizer of its last object */
    cJSON_Delete(o);
    cJSON_Delete(http("PATCH", "/api/v1/namespaces/t1/configmaps/held", "application/merge-patch+json",
                      "{\"metadata\":{\"finalizers\":null}}", &code));
    o = http("GET", "/api/v1/namespaces/t1", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 404);
    cJSON_Delete(o);
}

/* Reads a watch until the server ends it (timeoutSeconds) and returns "TYPE:name" lines. */
static char *watch_lines(const char *query)
{
    char path[512], *body;
    snprintf(path, sizeof path, "%s?watch=1&timeoutSeconds=1&%s", CM, query);
    http_raw("GET", path, NULL, NULL, &body);
    co_buf out = {0};
    for (char *save = NULL, *line = strtok_r(body, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        cJSON *e = cJSON_Parse(line);
        const char *name = cj_str(e, "object.metadata.name");
        co_buf_printf(&out, "%s:%s ", cj_str(e, "type"), name ? name : cj_str(e, "object.metadata.resourceVersion"));
        cJSON_Delete(e);
    }
    free(body);
    return co_buf_take(&out);
}

static void test_watch_semantics(void)
{
    long code;
    cJSON *o = http("GET", CM, NULL, NULL, &code);
    char from[64];
    snprintf(from, sizeof from, "resourceVersion=%s", cj_str(o, "metadata.resourceVersion"));
    cJSON_Delete(o);
    cJSON_Delete(http("POST", CM, NULL, "{\"metadata\":{\"name\":\"w1\",\"labels\":{\"t\":\"a\"}}}", &code));
    cJSON_Delete(http("PATCH", "/api/v1/namespaces/default/configmaps/w1", "application/merge-patch+json",
                      "{\"metadata\":{\"labels\":{\"t\":\"b\"}}}", &code));
    cJSON_Delete(http("PATCH", "/api/v1/namespaces/default/configmaps/w1", "application/merge-patch+json",
                      "{\"metadata\":{\"labels\":{\"t\":\"a\"}}}", &code));
    cJSON_Delete(http("DELETE", "/api/v1/namespaces/default/configmaps/w1", NULL, NULL, &code));
    char *all = watch_lines(from);
    CU_ASSERT_STRING_EQUAL(all, "ADDED:w1 MODIFIED:w1 MODIFIED:w1 DELETED:w1 ");
    free(all);
    /* a selector turns leaving into DELETED and entering into ADDED */
    char q[128];
    snprintf(q, sizeof q, "%s&labelSelector=t%%3Da", from);
    char *sel = watch_lines(q);
    CU_ASSERT_STRING_EQUAL(sel, "ADDED:w1 DELETED:w1 ADDED:w1 DELETED:w1 ");
    free(sel);
    /* metadata.name field selector (kubectl wait) */
    snprintf(q, sizeof q, "%s&fieldSelector=metadata.name%%3Dother", from);
    char *none = watch_lines(q);
    CU_ASSERT_STRING_EQUAL(none, "");
    free(none);
    /* with bookmarks, a watch that saw nothing of its own still learns the latest resourceVersion */
    o = http("GET", CM, NULL, NULL, &code);
    char expect[64];
    snprintf(expect, sizeof expect, "BOOKMARK:%s ", cj_str(o, "metadata.resourceVersion"));
    cJSON_Delete(o);
    cJSON_Delete(http("POST", "/api/v1/namespaces/default/secrets", NULL, "{\"metadata\":{\"name\":\"s\"}}", &code));
    o = http("GET", CM, NULL, NULL, &code);
    snprintf(q, sizeof q, "allowWatchBookmarks=true&resourceVersion=%lld",
             atoll(cj_str(o, "metadata.resourceVersion")) - 1);
    snprintf(expect, sizeof expect, "BOOKMARK:%s ", cj_str(o, "metadata.resourceVersion"));
    cJSON_Delete(o);
    char *bm = watch_lines(q);
    CU_ASSERT_STRING_EQUAL(bm, expect);
    free(bm);
    /* sendInitialEvents: the current state, then the initial-events-end bookmark */
    char *body;
    http_raw("GET", "/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1&sendInitialEvents=true&"
             "resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true", NULL, NULL, &body);
    CU_ASSERT_PTR_NOT_NULL(strstr(body, "\"type\":\"ADDED\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(body, "\"k8s.io/initial-events-end\":\"true\""));
    free(body);
}

/* A scheduled pod is deleted gracefully; a shorter grace period brings the deadline forward, and
 * grace 0 (the kubelet's final DELETE) removes it. */
static void test_graceful_pod_deletion(void)
{
    long code;
    cJSON_Delete(http("POST", "/api/v1/namespaces/default/pods", NULL,
                      "{\"metadata\":{\"name\":\"g\"},\"spec\":{\"nodeName\":\"n\",\"containers\":[{\"name\":\"c\","
                      "\"image\":\"x:1\"}]}}", &code));
    CU_ASSERT_EQUAL(code, 201);
    cJSON *o = http("DELETE", "/api/v1/namespaces/default/pods/g", NULL, "{\"gracePeriodSeconds\":30}", &code);
    CU_ASSERT_EQUAL(cj_get(o, "metadata.deletionGracePeriodSeconds")->valuedouble, 30);
    cJSON_Delete(o);
    o = http("DELETE", "/api/v1/namespaces/default/pods/g", NULL, "{\"gracePeriodSeconds\":5}", &code);
    CU_ASSERT_EQUAL(cj_get(o, "metadata.deletionGracePeriodSeconds")->valuedouble, 5);
    cJSON_Delete(o);
    o = http("DELETE", "/api/v1/namespaces/default/pods/g", NULL, "{\"gracePeriodSeconds\":10}", &code);
    CU_ASSERT_EQUAL(cj_get(o, "metadata.deletionGracePeriodSeconds")->valuedouble, 5); /* never longer */
    cJSON_Delete(o);
    cJSON_Delete(http("DELETE", "/api/v1/namespaces/default/pods/g", NULL, "{\"gracePeriodSeconds\":0}", &code));
    cJSON_Delete(http("GET", "/api/v1/namespaces/default/pods/g", NULL, NULL, &code));
    CU_ASSERT_EQUAL(code, 404);
}

/* A watch filtered to one namespace must not lose its event behind hundreds of others. */
static void test_watch_past_many_filtered_events(void)
{
    long code;
    cJSON_Delete(http("POST", "/api/v1/namespaces", NULL, "{\"metadata\":{\"name\":\"noise\"}}", &code));
    cJSON *o = http("GET", CM, NULL, NULL, &code);
    char q[128], *body;
    snprintf(q, sizeof q, "%s?watch=1&timeoutSeconds=1&resourceVersion=%s", CM, cj_str(o, "metadata.resourceVersion"));
    cJSON_Delete(o);
    for (int i = 0; i < 300; i++) {
        char b[96];
        snprintf(b, sizeof b, "{\"metadata\":{\"name\":\"n%d\"}}", i);
        cJSON_Delete(http("POST", "/api/v1/namespaces/noise/configmaps", NULL, b, &code));
    }
    cJSON_Delete(http("POST", CM, NULL, "{\"metadata\":{\"name\":\"after-noise\"}}", &code));
    http_raw("GET", q, NULL, NULL, &body);
    CU_ASSERT_PTR_NOT_NULL(strstr(body, "\"name\":\"after-noise\""));
    free(body);
}

static void *watch_gadgets(void *arg)
{
    char *body;
    http_raw("GET", "/apis/example.com/v1/namespaces/default/widgets?watch=1&timeoutSeconds=2", NULL, NULL, &body);
    *(char **)arg = body;
    return NULL;
}

/* A CRD rewritten while a watch on its kind is open: the watch keeps working. */
static void test_crd_rewritten_under_a_watch(void)
{
    long code;
    cJSON_Delete(http("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", NULL,
                      "{\"metadata\":{\"name\":\"widgets.example.com\"},\"spec\":{\"group\":\"example.com\",\"scope\":"
                      "\"Namespaced\",\"names\":{\"plural\":\"widgets\",\"kind\":\"Widget\"},\"versions\":[{\"name\":"
                      "\"v1\",\"served\":true,\"storage\":true}]}}", &code));
    char *body = NULL;
    pthread_t t;
    pthread_create(&t, NULL, watch_gadgets, &body);
    struct timespec ts = {0, 300 * 1000000};
    nanosleep(&ts, NULL);
    cJSON_Delete(http("PATCH", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com",
                      "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}", &code));
    cJSON_Delete(http("POST", "/apis/example.com/v1/namespaces/default/widgets", NULL,
                      "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"}}", &code));
    CU_ASSERT_EQUAL(code, 201);
    pthread_join(t, NULL);
    CU_ASSERT_PTR_NOT_NULL(body && strstr(body, "\"name\":\"w\""));
    free(body);
}

static void test_list_paging(void)
{
    long code;
    cJSON_Delete(http("POST", "/api/v1/namespaces", NULL, "{\"metadata\":{\"name\":\"pg\"}}", &code));
    for (int i = 0; i < 5; i++) {
        char b[128];
        snprintf(b, sizeof b, "{\"metadata\":{\"name\":\"p%d\",\"labels\":{\"odd\":\"%s\"}}}", i, i % 2 ? "y" : "n");
        cJSON_Delete(http("POST", "/api/v1/namespaces/pg/configmaps", NULL, b, &code));
    }
    cJSON *o = http("GET", "/api/v1/namespaces/pg/configmaps?limit=2", NULL, NULL, &code);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(o, "items")), 2);
    CU_ASSERT_EQUAL(cj_get(o, "metadata.remainingItemCount")->valuedouble, 3);
    char path[512];
    snprintf(path, sizeof path, "/api/v1/namespaces/pg/configmaps?limit=2&continue=%s", cj_str(o, "metadata.continue"));
    cJSON *p2 = http("GET", path, NULL, NULL, &code);
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(p2, "items"), 0), "metadata.name"), "p2");
    CU_ASSERT_STRING_EQUAL(cj_str(p2, "metadata.resourceVersion"), cj_str(o, "metadata.resourceVersion"));
    cJSON_Delete(p2);
    cJSON_Delete(o);
    o = http("GET", "/api/v1/namespaces/pg/configmaps?labelSelector=odd%3Dy", NULL, NULL, &code);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(o, "items")), 2);
    cJSON_Delete(o);
}

static void test_dry_run_and_propagation(void)
{
    long code;
    cJSON_Delete(http("POST", CM, NULL, "{\"metadata\":{\"name\":\"dr\"},\"data\":{\"a\":\"1\"}}", &code));
    cJSON *before = http("GET", "/api/v1/namespaces/default/configmaps/dr", NULL, NULL, &code);
    cJSON *o = http("PATCH", "/api/v1/namespaces/default/configmaps/dr?dryRun=All", "application/merge-patch+json",
                    "{\"data\":{\"a\":\"2\"}}", &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "data.a"), "2"); /* the would-be object */
    cJSON_Delete(o);
    o = http("PUT", "/api/v1/namespaces/default/configmaps/dr?dryRun=All", NULL,
             "{\"metadata\":{\"name\":\"dr\"},\"data\":{\"a\":\"3\"}}", &code);
    CU_ASSERT_EQUAL(code, 200);
    cJSON_Delete(o);
    o = http("DELETE", "/api/v1/namespaces/default/configmaps/dr?dryRun=All", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 200);
    cJSON_Delete(o);
    o = http("GET", "/api/v1/namespaces/default/configmaps/dr", NULL, NULL, &code);
    CU_ASSERT_TRUE(cj_equal(o, before)); /* nothing changed, not even the resourceVersion */
    cJSON_Delete(o);
    cJSON_Delete(before);
    /* Foreground and Orphan deletion leave the owner with their finalizer for the garbage collector */
    o = http("DELETE", "/api/v1/namespaces/default/configmaps/dr", NULL, "{\"propagationPolicy\":\"Foreground\"}", &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(o, "metadata.finalizers"), 0), ""), "foregroundDeletion");
    CU_ASSERT_PTR_NOT_NULL(cj_str(o, "metadata.deletionTimestamp"));
    cJSON_Delete(o);
    cJSON_Delete(http("POST", CM, NULL, "{\"metadata\":{\"name\":\"orph\"}}", &code));
    o = http("DELETE", "/api/v1/namespaces/default/configmaps/orph?propagationPolicy=Orphan", NULL, NULL, &code);
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(o, "metadata.finalizers"), 0), ""), "orphan");
    cJSON_Delete(o);
}

/* Many watchers and writers at once: every watcher sees every write, in resourceVersion order. */
enum { WATCHERS = 24, WRITERS = 4, PER_WRITER = 25 };

typedef struct {
    const char *from;
    int added;
    long long last_rv;
    int ordered;
} watcher_result;

static void *watcher(void *arg)
{
    watcher_result *w = arg;
    char path[256], *body;
    snprintf(path, sizeof path, "/api/v1/namespaces/conc/configmaps?watch=1&timeoutSeconds=3&resourceVersion=%s",
             w->from);
    http_raw("GET", path, NULL, NULL, &body);
    w->ordered = 1;
    for (char *save = NULL, *line = strtok_r(body, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        cJSON *e = cJSON_Parse(line);
        if (e && !strcmp(cj_str(e, "type"), "ADDED")) {
            long long rv = atoll(cj_str(e, "object.metadata.resourceVersion"));
            w->ordered &= rv > w->last_rv;
            w->last_rv = rv;
            w->added++;
        }
        cJSON_Delete(e);
    }
    free(body);
    return NULL;
}

static void *writer(void *arg)
{
    long id = (long)arg, code;
    for (int i = 0; i < PER_WRITER; i++) {
        char b[128];
        snprintf(b, sizeof b, "{\"metadata\":{\"name\":\"w%ld-%d\"}}", id, i);
        cJSON_Delete(http("POST", "/api/v1/namespaces/conc/configmaps", NULL, b, &code));
    }
    return NULL;
}

static void test_concurrent_watchers_and_writers(void)
{
    long code;
    cJSON_Delete(http("POST", "/api/v1/namespaces", NULL, "{\"metadata\":{\"name\":\"conc\"}}", &code));
    cJSON *o = http("GET", "/api/v1/namespaces/conc/configmaps", NULL, NULL, &code);
    char from[32];
    snprintf(from, sizeof from, "%s", cj_str(o, "metadata.resourceVersion"));
    cJSON_Delete(o);
    pthread_t wt[WATCHERS], rt[WRITERS];
    watcher_result res[WATCHERS];
    memset(res, 0, sizeof res);
    for (int i = 0; i < WATCHERS; i++) {
        res[i].from = from;
        pthread_create(&wt[i], NULL, watcher, &res[i]);
    }
    for (long i = 0; i < WRITERS; i++)
        pthread_create(&rt[i], NULL, writer, (void *)i);
    for (int i = 0; i < WRITERS; i++)
        pthread_join(rt[i], NULL);
    for (int i = 0; i < WATCHERS; i++) {
        pthread_join(wt[i], NULL);
        CU_ASSERT_EQUAL(res[i].added, WRITERS * PER_WRITER);
        CU_ASSERT_TRUE(res[i].ordered);
    }
}

int main(void)
{
    char err[256];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    fakeapi_options opts = {.seed = 42, .no_sim = 1}; /* the API alone: no controller writes status */
    srv = fakeapi_start(&opts, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "cannot start the server: %s\n", err);
        return 1;
    }
    static const cu_test tests[] = {
        {"create populates server metadata and defaults", test_create_populates_metadata},
        {"generation, no-op writes and the status split", test_generation_and_noop},
        {"custom resources: discovery, scale, PUT rules, CRD deletion", test_custom_resources},
        {"errors are Status objects with the apiserver's messages", test_status_errors},
        {"finalizers and namespace termination", test_finalizers_and_namespaces},
        {"watch: resourceVersion, selectors, bookmarks, initial events", test_watch_semantics},
        {"list paging and selectors", test_list_paging},
        {"a filtered watch finds its event past many others", test_watch_past_many_filtered_events},
        {"graceful pod deletion: shorter grace, then grace 0", test_graceful_pod_deletion},
        {"a CRD rewritten under an open watch", test_crd_rewritten_under_a_watch},
        {"dry runs change nothing; propagation policies add finalizers", test_dry_run_and_propagation},
        {"concurrent watchers and writers", test_concurrent_watchers_and_writers},
        {NULL, NULL},
    };
    int rc = cu_run("server", tests);
    fakeapi_stop(srv);
    return rc;
}
