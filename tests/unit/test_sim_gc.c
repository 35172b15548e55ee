/* test_sim_gc.c: the simulated garbage collector on virtual time: background cascades over any
 * kinds, several owners, uid identity, foreground deletion and blockOwnerDeletion, orphaning,
 * cluster-scoped and cross-namespace owners, a CRD taking its dependents' owners with it, and
 * retries after a failed write. Owners and dependents are ConfigMaps and custom resources, so
 * nothing here depends on the other simulated controllers. */
#include "cu.h"
#include "common/json.h"
#include "fakeapi/fakeapi.h"
#include "fakeapi/sim/faults.h"
#include "fakeapi/sim/sim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static co_clock *clk;
static fakeapi *f;

static const char *CM = "/api/v1/namespaces/default/configmaps";
static const char *WIDGETS = "/apis/example.com/v1/namespaces/default/widgets";
static const char *GIZMOS = "/apis/example.com/v1/gizmos";

static cJSON *call(const char *method, const char *path, const char *ct, const char *body, unsigned *code)
{
    char *out = NULL;
    unsigned c = fakeapi_call(f, method, path, ct, body, &out);
    if (code)
        *code = c;
    cJSON *o = out ? cJSON_Parse(out) : NULL;
    free(out);
    return o;
}

static void start(void)
{
    clk = co_clock_virtual(1767225600000);
    fakeapi_options o = {.clock = clk, .seed = 7};
    char err[256];
    f = fakeapi_start(&o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    unsigned code;
    static const char *const crds[] = {
        "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"metadata\":{\"name\":"
        "\"widgets.example.com\"},\"spec\":{\"group\":\"example.com\",\"scope\":\"Namespaced\",\"names\":{\"plural\":"
        "\"widgets\",\"kind\":\"Widget\"},\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":true}]}}",
        "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"metadata\":{\"name\":"
        "\"gizmos.example.com\"},\"spec\":{\"group\":\"example.com\",\"scope\":\"Cluster\",\"names\":{\"plural\":"
        "\"gizmos\",\"kind\":\"Gizmo\"},\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":true}]}}",
    };
    for (int i = 0; i < 2; i++) {
        cJSON_Delete(call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", NULL, crds[i], &code));
        CU_ASSERT_EQUAL(code, 201);
    }
}

static void stop(void)
{
    fakeapi_stop(f);
    co_clock_free(clk);
    f = NULL;
}

/* An ownerReference as JSON text. */
static char *ref(const char *api_version, const char *kind, const char *name, const char *uid, bool block)
{
    char *s = malloc(512);
    snprintf(s, 512, "{\"apiVersion\":\"%s\",\"kind\":\"%s\",\"name\":\"%s\",\"uid\":\"%s\"%s}", api_version, kind,
             name, uid, block ? ",\"blockOwnerDeletion\":true" : "");
    return s;
}

/* Creates an object of (collection, apiVersion, kind) named name with the given owner references
 * (JSON texts, freed here) and extra metadata; returns its uid (caller frees). */
static char *make(const char *collection, const char *api_version, const char *kind, const char *name,
                  const char *extra_meta, int nrefs, ...)
{
    char body[4096];
    int n = snprintf(body, sizeof body, "{\"apiVersion\":\"%s\",\"kind\":\"%s\",\"metadata\":{\"name\":\"%s\"%s%s",
                     api_version, kind, name, extra_meta ? "," : "", extra_meta ? extra_meta : "");
    va_list ap;
    va_start(ap, nrefs);
    for (int i = 0; i < nrefs; i++) {
        char *r = va_arg(ap, char *);
        n += snprintf(body + n, sizeof body - (size_t)n, "%s%s", i ? "," : ",\"ownerReferences\":[", r);
        free(r);
    }
    va_end(ap);
    snprintf(body + n, sizeof body - (size_t)n, "%s}}", nrefs ? "]" : "");
    unsigned code;
    cJSON *o = call("POST", collection, NULL, body, &code);
    CU_ASSERT_EQUAL(code, 201);
    if (code != 201)
        fprintf(stderr, "create %s: %u %s\n", name, code, cj_str(o, "message") ? cj_str(o, "message") : "");
    char *uid = strdup(cj_str(o, "metadata.uid") ? cj_str(o, "metadata.uid") : "");
    cJSON_Delete(o);
    return uid;
}

static char *make_cm(const char *name, const char *extra_meta, int nrefs, char *r1, char *r2)
{
    return nrefs == 0   ? make(CM, "v1", "ConfigMap", name, extra_meta, 0)
           : nrefs == 1 ? make(CM, "v1", "ConfigMap", name, extra_meta, 1, r1)
                        : make(CM, "v1", "ConfigMap", name, extra_meta, 2, r1, r2);
}

/* The stored object at collection/name, or NULL when it is gone. */
static cJSON *get(const char *collection, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", collection, name);
    unsigned code;
    cJSON *o = call("GET", path, NULL, NULL, &code);
    if (code == 200)
        return o;
    CU_ASSERT_EQUAL(code, 404);
    cJSON_Delete(o);
    return NULL;
}

static bool exists(const char *collection, const char *name)
{
    cJSON *o = get(collection, name);
    cJSON_Delete(o);
    return o != NULL;
}

static unsigned del(const char *collection, const char *name, const char *policy)
{
    char path[512], body[128];
    snprintf(path, sizeof path, "%s/%s", collection, name);
    snprintf(body, sizeof body, "{\"propagationPolicy\":\"%s\"}", policy);
    unsigned code;
    cJSON_Delete(call("DELETE", path, NULL, body, &code));
    return code;
}

/* Drops every finalizer of collection/name (the test playing the finalizer's controller). */
static void release(const char *collection, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", collection, name);
    unsigned code;
    cJSON_Delete(call("PATCH", path, "application/merge-patch+json", "{\"metadata\":{\"finalizers\":null}}", &code));
    CU_ASSERT_EQUAL(code, 200);
}

static bool has_finalizer(const cJSON *o, const char *fin)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, cj_get(o, "metadata.finalizers"))
    {
        if (cJSON_IsString(x) && !strcmp(x->valuestring, fin))
            return true;
    }
    return false;
}

static const char HOLD[] = "\"finalizers\":[\"example.com/hold\"]";

static void test_linked(void)
{
    /* referencing the controller also makes sure the linker keeps it in this test */
    CU_ASSERT_STRING_EQUAL(fa_sim_gc.name, "garbage-collector");
    CU_ASSERT_PTR_NOT_NULL(fa_sim_gc.on_change);
    CU_ASSERT_PTR_NOT_NULL(fa_sim_gc.sync);
}

static void test_background_cascade(void)
{
    start();
    /* top (ConfigMap) <- mid (Widget) <- leaf1, leaf2 (ConfigMaps); mid2 (Widget) <- leaf3 */
    char *top = make_cm("top", NULL, 0, NULL, NULL);
    char *mid = make(WIDGETS, "example.com/v1", "Widget", "mid", NULL, 1, ref("v1", "ConfigMap", "top", top, true));
    char *mid2 = make(WIDGETS, "example.com/v1", "Widget", "mid2", NULL, 1, ref("v1", "ConfigMap", "top", top, false));
    free(make_cm("leaf1", NULL, 1, ref("example.com/v1", "Widget", "mid", mid, true), NULL));
    free(make_cm("leaf2", NULL, 1, ref("example.com/v1", "Widget", "mid", mid, false), NULL));
    free(make_cm("leaf3", NULL, 1, ref("example.com/v1", "Widget", "mid2", mid2, false), NULL));
    free(make_cm("bystander", NULL, 0, NULL, NULL));
    fakeapi_settle(f);
    CU_ASSERT_TRUE(exists(WIDGETS, "mid"));
    CU_ASSERT_TRUE(exists(CM, "leaf1"));

    CU_ASSERT_EQUAL(del(CM, "top", "Background"), 200);
    CU_ASSERT_FALSE(exists(CM, "top")); /* the owner goes at once */
    fakeapi_settle(f);
    CU_ASSERT_FALSE(exists(WIDGETS, "mid"));
    CU_ASSERT_FALSE(exists(WIDGETS, "mid2"));
    CU_ASSERT_FALSE(exists(CM, "leaf1"));
    CU_ASSERT_FALSE(exists(CM, "leaf2"));
    CU_ASSERT_FALSE(exists(CM, "leaf3"));
    CU_ASSERT_TRUE(exists(CM, "bystander"));
    free(top);
    free(mid);
    free(mid2);
    stop();
}

static void test_two_owners(void)
{
    start();
    char *a = make_cm("owner-a", NULL, 0, NULL, NULL);
    char *b = make(WIDGETS, "example.com/v1", "Widget", "owner-b", NULL, 0);
    free(make_cm("shared", NULL, 2, ref("v1", "ConfigMap", "owner-a", a, false),
                 ref("example.com/v1", "Widget", "owner-b", b, false)));
    fakeapi_settle(f);
    CU_ASSERT_EQUAL(del(CM, "owner-a", "Background"), 200);
    fakeapi_settle(f);
    cJSON *s = get(CM, "shared");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    /* the reference to the owner that is gone is dropped; the one that remains is kept */
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(s, "metadata.ownerReferences")), 1);
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(s, "metadata.ownerReferences"), 0), "uid"), b);
    cJSON_Delete(s);
    CU_ASSERT_EQUAL(del(WIDGETS, "owner-b", "Background"), 200);
    fakeapi_settle(f);
    CU_ASSERT_FALSE(exists(CM, "shared"));
    free(a);
    free(b);
    stop();
}

static void test_uid_identity(void)
{
    start();
    char *o = make_cm("owner", NULL, 0, NULL, NULL);
    free(make_cm("right-uid", NULL, 1, ref("v1", "ConfigMap", "owner", o, false), NULL));
    free(make_cm("wrong-uid", NULL, 1,
                 ref("v1", "ConfigMap", "owner", "00000000-0000-4000-8000-000000000000", false), NULL));
    free(make_cm("no-such-owner", NULL, 1, ref("v1", "ConfigMap", "nobody", o, false), NULL));
    fakeapi_settle(f);
    CU_ASSERT_TRUE(exists(CM, "right-uid"));
    CU_ASSERT_FALSE(exists(CM, "wrong-uid"));
    CU_ASSERT_FALSE(exists(CM, "no-such-owner"));

    /* an owner deleted and created again under the same name is another owner */
    CU_ASSERT_EQUAL(del(CM, "owner", "Orphan"), 200); /* keep right-uid for now, without a reference */
    fakeapi_settle(f);
    free(make_cm("owner", NULL, 0, NULL, NULL));
    free(make_cm("old-uid", NULL, 1, ref("v1", "ConfigMap", "owner", o, false), NULL));
    fakeapi_settle(f);
    CU_ASSERT_FALSE(exists(CM, "old-uid"));
    CU_ASSERT_TRUE(exists(CM, "right-uid"));
    /* a kind the server does not know is never taken as gone */
    free(make_cm("unknown-kind", NULL, 1, ref("example.com/v9", "Nope", "x", o, false), NULL));
    fakeapi_settle(f);
    CU_ASSERT_TRUE(exists(CM, "unknown-kind"));
    free(o);
    stop();
}

static void test_foreground(void)
{
    start();
    char *o = make_cm("fg-owner", NULL, 0, NULL, NULL);
    /* held: blocks, and a finalizer keeps it around; sub: blocks, has a dependent of its own;
     * loose: a finalizer keeps it, but it does not block */
    free(make_cm("held", HOLD, 1, ref("v1", "ConfigMap", "fg-owner", o, true), NULL));
    char *sub = make(WIDGETS, "example.com/v1", "Widget", "sub", NULL, 1, ref("v1", "ConfigMap", "fg-owner", o, true));
    free(make_cm("sub-leaf", NULL, 1, ref("example.com/v1", "Widget", "sub", sub, true), NULL));
    free(make_cm("loose", HOLD, 1, ref("v1", "ConfigMap", "fg-owner", o, false), NULL));
    fakeapi_settle(f);

    CU_ASSERT_EQUAL(del(CM, "fg-owner", "Foreground"), 200);
    fakeapi_settle(f);
    cJSON *owner = get(CM, "fg-owner");
    CU_ASSERT_PTR_NOT_NULL_FATAL(owner);
    CU_ASSERT_PTR_NOT_NULL(cj_get(owner, "metadata.deletionTimestamp"));
    CU_ASSERT_TRUE(has_finalizer(owner, "foregroundDeletion"));
    cJSON_Delete(owner);
    /* everything under it is being deleted; what nothing holds is gone already */
    CU_ASSERT_FALSE(exists(WIDGETS, "sub"));
    CU_ASSERT_FALSE(exists(CM, "sub-leaf"));
    cJSON *held = get(CM, "held");
    CU_ASSERT_PTR_NOT_NULL_FATAL(held);
    CU_ASSERT_PTR_NOT_NULL(cj_get(held, "metadata.deletionTimestamp"));
    cJSON_Delete(held);
    cJSON *loose = get(CM, "loose");
    CU_ASSERT_PTR_NOT_NULL_FATAL(loose);
    CU_ASSERT_PTR_NOT_NULL(cj_get(loose, "metadata.deletionTimestamp"));
    cJSON_Delete(loose);

    /* the last blocking dependent goes: so does the owner, though "loose" is still there */
    release(CM, "held");
    fakeapi_settle(f);
    CU_ASSERT_FALSE(exists(CM, "held"));
    CU_ASSERT_FALSE(exists(CM, "fg-owner"));
    CU_ASSERT_TRUE(exists(CM, "loose"));
    release(CM, "loose");
    fakeapi_settle(f);
    CU_ASSERT_FALSE(exists(CM, "loose"));
    free(o);
    free(sub);
    stop();
}

static void test_foreground_keeps_shared_dependents(void)
{
    start();
    char *o = make_cm("fg", NULL, 0, NULL, NULL);
    char *other = make_cm("other", NULL, 0, NULL, NULL);
    free(make_cm("shared", NULL, 2, ref("v1", "ConfigMap", "fg", o, true), ref("v1", "ConfigMap", "other", other, true)));
    fakeapi_settle(f);
    CU_ASSERT_EQUAL(del(CM, "fg", "Foreground"), 200);
    fakeapi_settle(f);
    /* another owner keeps it: it only loses the reference, and the owner does not wait */
    CU_ASSERT_FALSE(exists(CM, "fg"));
    cJSON *s = get(CM, "shared");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_PTR_NULL(cj_get(s, "metadata.deletionTimestamp"));
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(s, "metadata.ownerReferences")), 1);
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(s, "metadata.ownerReferences"), 0), "uid"), other);
    cJSON_Delete(s);
    free(o);
    free(other);
    stop();
}

static void test_foreground_without_blockers(void)
{
    start();
    char *o = make_cm("nb-owner", NULL, 0, NULL, NULL);
    free(make_cm("nb-dep", HOLD, 1, ref("v1", "ConfigMap", "nb-owner", o, false), NULL));
    fakeapi_settle(f);
    CU_ASSERT_EQUAL(del(CM, "nb-owner", "Foreground"), 200);
    fakeapi_settle(f);
    /* nothing blocks: the owner goes while its dependent is still being deleted */
    CU_ASSERT_FALSE(exists(CM, "nb-owner"));
    cJSON *d = get(CM, "nb-dep");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_PTR_NOT_NULL(cj_get(d, "metadata.deletionTimestamp"));
    cJSON_Delete(d);
    release(CM, "nb-dep");
    fakeapi_settle(f);
    CU_ASSERT_FALSE(exists(CM, "nb-dep"));
    free(o);
    stop();
}

static void test_orphan(void)
{
    start();
    char *o = make(WIDGETS, "example.com/v1", "Widget", "parent", NULL, 0);
    char *p = make_cm("step-parent", NULL, 0, NULL, NULL);
    free(make_cm("kid1", NULL, 1, ref("example.com/v1", "Widget", "parent", o, true), NULL));
    free(make_cm("kid2", NULL, 2, ref("example.com/v1", "Widget", "parent", o, true),
                 ref("v1", "ConfigMap", "step-parent", p, false)));
    fakeapi_settle(f);
    CU_ASSERT_EQUAL(del(WIDGETS, "parent", "Orphan"), 200);
    fakeapi_settle(f);
    CU_ASSERT_FALSE(exists(WIDGETS, "parent"));
    cJSON *k1 = get(CM, "kid1"), *k2 = get(CM, "kid2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(k1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k2);
    CU_ASSERT_PTR_NULL(cj_get(k1, "metadata.ownerReferences"));
    CU_ASSERT_PTR_NULL(cj_get(k1, "metadata.deletionTimestamp"));
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(k2, "metadata.ownerReferences")), 1);
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(k2, "metadata.ownerReferences"), 0), "uid"), p);
    cJSON_Delete(k1);
    cJSON_Delete(k2);
    /* orphans stay orphans */
    fakeapi_settle(f);
    CU_ASSERT_TRUE(exists(CM, "kid1"));
    free(o);
    free(p);
    stop();
}

static void test_scopes(void)
{
    start();
    unsigned code;
    cJSON_Delete(call("POST", "/api/v1/namespaces", NULL,
                      "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"other\"}}", &code));
    CU_ASSERT_EQUAL(code, 201);
    char *g = make(GIZMOS, "example.com/v1", "Gizmo", "gz", NULL, 0);
    char *cm = make_cm("ns-owner", NULL, 0, NULL, NULL);
    /* a namespaced dependent of a cluster-scoped owner */
    free(make_cm("of-gizmo", NULL, 1, ref("example.com/v1", "Gizmo", "gz", g, false), NULL));
    /* a cluster-scoped object cannot be owned by a namespaced one: collected */
    free(make(GIZMOS, "example.com/v1", "Gizmo", "gz-owned-by-cm", NULL, 1, ref("v1", "ConfigMap", "ns-owner", cm, false)));
    /* nor can an owner in another namespace own it */
    free(make("/api/v1/namespaces/other/configmaps", "v1", "ConfigMap", "cross", NULL, 1,
              ref("v1", "ConfigMap", "ns-owner", cm, false)));
    fakeapi_settle(f);
    CU_ASSERT_TRUE(exists(CM, "of-gizmo"));
    CU_ASSERT_FALSE(exists(GIZMOS, "gz-owned-by-cm"));
    CU_ASSERT_FALSE(exists("/api/v1/namespaces/other/configmaps", "cross"));
    CU_ASSERT_EQUAL(del(GIZMOS, "gz", "Background"), 200);
    fakeapi_settle(f);
    CU_ASSERT_FALSE(exists(CM, "of-gizmo"));
    free(g);
    free(cm);
    stop();
}

static void test_crd_removal(void)
{
    start();
    char *w = make(WIDGETS, "example.com/v1", "Widget", "w", NULL, 0);
    free(make_cm("of-widget", NULL, 1, ref("example.com/v1", "Widget", "w", w, true), NULL));
    fakeapi_settle(f);
    unsigned code;
    cJSON_Delete(call("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com", NULL,
                      NULL, &code));
    CU_ASSERT_EQUAL(code, 200);
    /* the Widget kind is gone with its objects, but their uids are known to be gone too */
    fakeapi_settle(f);
    CU_ASSERT_FALSE(exists(CM, "of-widget"));
    free(w);
    stop();
}

static void test_retry_after_failed_write(void)
{
    start();
    char *o = make_cm("r-owner", NULL, 0, NULL, NULL);
    free(make_cm("r-dep", NULL, 1, ref("v1", "ConfigMap", "r-owner", o, false), NULL));
    fakeapi_settle(f);
    char err[256];
    CU_ASSERT_EQUAL(fakeapi_fault_set(f, "{\"fail\":{\"resource\":\"*\",\"code\":500,\"nth\":1,\"actor\":"
                                         "\"garbage-collector\"}}", err, sizeof err), 0);
    CU_ASSERT_EQUAL(del(CM, "r-owner", "Background"), 200); /* the embedder is not the GC: not failed */
    fakeapi_settle(f);
    CU_ASSERT_TRUE(exists(CM, "r-dep")); /* the collector's DELETE failed */
    co_clock_advance(clk, 1000);
    fakeapi_settle(f);
    CU_ASSERT_FALSE(exists(CM, "r-dep")); /* and was retried */
    char *list = fakeapi_fault_list(f);
    cJSON *l = cJSON_Parse(list);
    CU_ASSERT_EQUAL(cj_get(cJSON_GetArrayItem(cj_get(l, "items"), 0), "fired")->valuedouble, 1);
    cJSON_Delete(l);
    free(list);
    free(o);
    stop();
}

int main(void)
{
    static const cu_test tests[] = {
        {"gc is linked", test_linked},
        {"background cascade over three levels and kinds", test_background_cascade},
        {"an object with two owners lives until both are gone", test_two_owners},
        {"owners are identified by uid", test_uid_identity},
        {"foreground: the owner waits for blocking dependents", test_foreground},
        {"foreground: a dependent another owner keeps is unlinked", test_foreground_keeps_shared_dependents},
        {"foreground: non-blocking dependents are not waited for", test_foreground_without_blockers},
        {"orphan: dependents lose the reference and stay", test_orphan},
        {"cluster-scoped and cross-namespace owners", test_scopes},
        {"a CRD that goes takes its dependents' owners", test_crd_removal},
        {"a failed GC write is retried", test_retry_after_failed_write},
        {NULL, NULL},
    };
    return cu_run("sim_gc", tests);
}
