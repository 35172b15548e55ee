/* test_podmeta.c: controller/rollout/podmeta.c, Argo's ephemeral metadata and injected
 * anti-affinity. The new-ReplicaSet hook on its own (what createDesiredReplicaSet adds: the
 * metadata of the RS's role, the record annotation byte for byte as Go's json.Marshal writes it,
 * the anti-affinity term after the template's own); then the sync (syncEphemeralMetadata and the
 * affinity update) against the in-process fake API server: ReplicaSet templates and the pods
 * they control patched in place, only previously injected keys removed, other ReplicaSets'
 * pods and pods of other owners left alone. */
#include "common/clock.h"
#include "common/json.h"
#include "common/yaml.h"
#include "controller/kube/client.h"
#include "controller/kube/config.h"
#include "controller/rollout/internal.h"
#include "cu.h"
#include "fakeapi/fakeapi.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS "pm"
#define EPH "rollout.argoproj.io/ephemeral-metadata"

static fakeapi *srv;
static kube_client *client;
static co_clock *vclock;
static ro_controller rc;

static cJSON *yaml(const char *text)
{
    char err[256];
    cJSON *v = yaml_parse_one(text, strlen(text), err, sizeof err);
    if (!v)
        fprintf(stderr, "fixture: %s\n%s\n", err, text);
    return v;
}

/* A reconcile context over rollout (YAML): hash, new/stable/others by hash among rss (YAML
   list). The caller frees with ctx_free. */
static ro_ctx ctx(const char *rollout, const char *hash, const char *rss, const char *new_hash)
{
    ro_ctx x = {.rc = &rc, .now = co_clock_now_ms(vclock)};
    x.ro = yaml(rollout);
    if (!cJSON_IsObject(cj_get(x.ro, "status")))
        cJSON_AddObjectToObject(x.ro, "status");
    x.status = cj_get(x.ro, "status");
    x.ns = NS;
    x.name = "web";
    snprintf(x.hash, sizeof x.hash, "%s", hash);
    x.rss = rss ? yaml(rss) : cJSON_CreateArray();
    int n = cJSON_GetArraySize(x.rss);
    x.others = calloc((size_t)n + 1, sizeof *x.others);
    x.new_rs = ro_rs_by_hash(&x, new_hash);
    x.stable_rs = ro_rs_by_hash(&x, cj_str(x.status, "stableRS"));
    cJSON *rs;
    cJSON_ArrayForEach(rs, x.rss)
    {
        if (rs != x.new_rs && rs != x.stable_rs)
            x.others[x.nothers++] = rs;
    }
    return x;
}

static void ctx_free(ro_ctx *x)
{
    free(x->others);
    cJSON_Delete(x->rss);
    cJSON_Delete(x->ro);
}

/* What create_new_rs hands to the hook: a ReplicaSet with the rollout's template. */
static cJSON *new_rs_object(const ro_ctx *x)
{
    cJSON *rs = yaml("{apiVersion: apps/v1, kind: ReplicaSet, metadata: {name: web-new, annotations: "
                     "{rollout.argoproj.io/revision: '2'}}, spec: {replicas: 0}}");
    cJSON_AddItemToObject(cj_get(rs, "spec"), "template", cJSON_Duplicate(cj_get(x->ro, "spec.template"), 1));
    return rs;
}

#define BG_RO(strategy, status)                                                                                        \
    "{metadata: {name: web, namespace: pm}, spec: {replicas: 2, selector: {matchLabels: {app: web}},"                  \
    " template: {metadata: {labels: {app: web}, annotations: {keep: me}}, spec: {containers: [{name: c, image: i}]}}," \
    " strategy: " strategy "}, status: " status "}"

/* ---- the new-ReplicaSet hook ---- */

static void test_new_rs_first_gets_active(void)
{
    ro_ctx x = ctx(BG_RO("{blueGreen: {activeService: a, activeMetadata: {labels: {role: active}},"
                         " previewMetadata: {labels: {role: preview}}}}",
                         "{}"),
                   "h1", NULL, NULL);
    cJSON *rs = new_rs_object(&x);
    ro_podmeta_new_rs(&x, rs);
    CU_ASSERT_STRING_EQUAL(cj_str0(rs, "spec.template.metadata.labels.role"), "active");
    CU_ASSERT_STRING_EQUAL(cj_str0(rs, "spec.template.metadata.labels.app"), "web");
    CU_ASSERT_STRING_EQUAL(ro_annotation(rs, EPH), "{\"labels\":{\"role\":\"active\"}}");
    CU_ASSERT_PTR_NULL(cj_get(rs, "metadata.labels.role")); /* the RS's own labels are not touched */
    CU_ASSERT_PTR_NULL(cj_get(rs, "spec.template.spec.affinity"));
    cJSON_Delete(rs);
    ctx_free(&x);
}

static void test_new_rs_with_stable_gets_preview(void)
{
    /* keys sorted, labels before annotations, HTML-safe escapes as Go writes them */
    ro_ctx x = ctx(BG_RO("{blueGreen: {activeService: a, activeMetadata: {labels: {role: active}},"
                         " previewMetadata: {labels: {z: '1', role: preview}, annotations: {b: '<&>', a: 'x\"y'}}}}",
                         "{stableRS: h1}"),
                   "h2", "[{metadata: {name: web-h1, labels: {rollouts-pod-template-hash: h1}}}]", "h2");
    CU_ASSERT_PTR_NOT_NULL(x.stable_rs);
    cJSON *rs = new_rs_object(&x);
    ro_podmeta_new_rs(&x, rs);
    CU_ASSERT_STRING_EQUAL(cj_str0(rs, "spec.template.metadata.labels.role"), "preview");
    CU_ASSERT_STRING_EQUAL(cj_str0(rs, "spec.template.metadata.annotations.b"), "<&>");
    CU_ASSERT_STRING_EQUAL(cj_str0(rs, "spec.template.metadata.annotations.keep"), "me");
    CU_ASSERT_STRING_EQUAL(ro_annotation(rs, EPH), "{\"labels\":{\"role\":\"preview\",\"z\":\"1\"},"
                                                   "\"annotations\":{\"a\":\"x\\\"y\",\"b\":\"\\u003c\\u0026\\u003e\"}}");
    CU_ASSERT_STRING_EQUAL(ro_annotation(rs, RO_ANN_REVISION), "2");
    cJSON_Delete(rs);
    ctx_free(&x);
}

static void test_new_rs_canary_and_empty(void)
{
    /* canary: stableMetadata without a stable RS, canaryMetadata with one */
    ro_ctx x = ctx(BG_RO("{canary: {stableMetadata: {annotations: {role: stable}}, canaryMetadata: {labels: {role: canary}}}}",
                         "{}"),
                   "h1", NULL, NULL);
    cJSON *rs = new_rs_object(&x);
    ro_podmeta_new_rs(&x, rs);
    CU_ASSERT_STRING_EQUAL(cj_str0(rs, "spec.template.metadata.annotations.role"), "stable");
    CU_ASSERT_PTR_NULL(cj_get(rs, "spec.template.metadata.labels.role"));
    CU_ASSERT_STRING_EQUAL(ro_annotation(rs, EPH), "{\"annotations\":{\"role\":\"stable\"}}");
    cJSON_Delete(rs);
    ctx_free(&x);

    x = ctx(BG_RO("{canary: {stableMetadata: {annotations: {role: stable}}, canaryMetadata: {labels: {role: canary}}}}",
                  "{stableRS: h1}"),
            "h2", "[{metadata: {name: web-h1, labels: {rollouts-pod-template-hash: h1}}}]", NULL);
    rs = new_rs_object(&x);
    ro_podmeta_new_rs(&x, rs);
    CU_ASSERT_STRING_EQUAL(cj_str0(rs, "spec.template.metadata.labels.role"), "canary");
    CU_ASSERT_STRING_EQUAL(ro_annotation(rs, EPH), "{\"labels\":{\"role\":\"canary\"}}");
    cJSON_Delete(rs);
    ctx_free(&x);

    /* no metadata for the role, or metadata equal to what the template has: no record */
    x = ctx(BG_RO("{blueGreen: {activeService: a, activeMetadata: {labels: {app: web}}}}", "{}"), "h1", NULL, NULL);
    rs = new_rs_object(&x);
    ro_podmeta_new_rs(&x, rs);
    CU_ASSERT_PTR_NULL(ro_annotation(rs, EPH));
    cJSON_Delete(rs);
    ctx_free(&x);
    x = ctx(BG_RO("{blueGreen: {activeService: a, previewMetadata: {labels: {role: preview}}}}", "{}"), "h1", NULL,
            NULL);
    rs = new_rs_object(&x);
    ro_podmeta_new_rs(&x, rs);
    CU_ASSERT_PTR_NULL(ro_annotation(rs, EPH));
    CU_ASSERT_PTR_NULL(cj_get(rs, "spec.template.metadata.labels.role"));
    cJSON_Delete(rs);
    ctx_free(&x);
}

static void test_new_rs_anti_affinity(void)
{
    /* required: appended after the template's own required terms */
    ro_ctx x = ctx("{metadata: {name: web, namespace: pm}, spec: {template: {metadata: {labels: {app: web}}, spec: "
                   "{affinity: {nodeAffinity: {x: 1}, podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
                   "[{topologyKey: zone}]}}}}, strategy: {blueGreen: {activeService: a, antiAffinity: "
                   "{requiredDuringSchedulingIgnoredDuringExecution: {}}}}}, status: {stableRS: h1}}",
                   "h2", NULL, NULL);
    cJSON *rs = new_rs_object(&x);
    ro_podmeta_new_rs(&x, rs);
    cJSON *want = yaml("{nodeAffinity: {x: 1}, podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
                       "[{topologyKey: zone}, {labelSelector: {matchExpressions: [{key: rollouts-pod-template-hash, "
                       "operator: In, values: [h1]}]}, namespaces: [pm], topologyKey: kubernetes.io/hostname}]}}");
    CU_ASSERT_TRUE(cj_equal(cj_get(rs, "spec.template.spec.affinity"), want));
    CU_ASSERT_PTR_NULL(ro_annotation(rs, EPH));
    cJSON_Delete(want);
    cJSON_Delete(rs);
    /* the rollout's template is not changed */
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(x.ro, "spec.template.spec.affinity.podAntiAffinity."
                                                    "requiredDuringSchedulingIgnoredDuringExecution")),
                    1);
    ctx_free(&x);

    /* preferred with its weight, into a template without affinity */
    x = ctx("{metadata: {name: web}, spec: {template: {spec: {}}, strategy: {blueGreen: {antiAffinity: "
            "{preferredDuringSchedulingIgnoredDuringExecution: {weight: 7}}}}}, status: {stableRS: h1}}",
            "h2", NULL, NULL);
    rs = new_rs_object(&x);
    ro_podmeta_new_rs(&x, rs);
    want = yaml("{podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 7, podAffinityTerm: "
                "{labelSelector: {matchExpressions: [{key: rollouts-pod-template-hash, operator: In, values: [h1]}]}, "
                "namespaces: [pm], topologyKey: kubernetes.io/hostname}}]}}");
    CU_ASSERT_TRUE(cj_equal(cj_get(rs, "spec.template.spec.affinity"), want));
    cJSON_Delete(want);
    cJSON_Delete(rs);
    ctx_free(&x);

    /* no stable RS, or the stable RS is this template: nothing injected */
    const char *statuses[] = {"{}", "{stableRS: h2}"};
    for (int i = 0; i < 2; i++) {
        char ro[512];
        snprintf(ro, sizeof ro,
                 "{metadata: {name: web}, spec: {template: {spec: {}}, strategy: {blueGreen: {antiAffinity: "
                 "{preferredDuringSchedulingIgnoredDuringExecution: {weight: 7}}}}}, status: %s}",
                 statuses[i]);
        x = ctx(ro, "h2", NULL, NULL);
        rs = new_rs_object(&x);
        ro_podmeta_new_rs(&x, rs);
        CU_ASSERT_PTR_NULL(cj_get(rs, "spec.template.spec.affinity"));
        cJSON_Delete(rs);
        ctx_free(&x);
    }
}

/* ---- the sync, against the fake API server ---- */

static int call(const char *method, const char *path, const char *body_yaml)
{
    char *body = NULL;
    if (body_yaml) {
        cJSON *b = yaml(body_yaml);
        body = cJSON_PrintUnformatted(b);
        cJSON_Delete(b);
    }
    char *out = NULL;
    unsigned code = fakeapi_call(srv, method, path, body ? "application/json" : NULL, body, &out);
    if (code >= 300 && code != 404)
        fprintf(stderr, "%s %s: %u %s\n", method, path, code, out ? out : "");
    free(out);
    free(body);
    return (int)code;
}

static cJSON *get(const char *path)
{
    char *out = NULL;
    unsigned code = fakeapi_call(srv, "GET", path, NULL, NULL, &out);
    cJSON *v = code == 200 && out ? cJSON_Parse(out) : NULL;
    free(out);
    return v;
}

/* Creates a ReplicaSet (YAML); returns the server's copy as JSON text. Caller frees. */
static char *create_rs(const char *yaml_rs)
{
    cJSON *rs = yaml(yaml_rs);
    char *body = cJSON_PrintUnformatted(rs);
    cJSON_Delete(rs);
    char *out = NULL;
    unsigned code = fakeapi_call(srv, "POST", "/apis/apps/v1/namespaces/" NS "/replicasets", "application/json", body,
                                 &out);
    free(body);
    CU_ASSERT_EQUAL(code, 201);
    return out;
}

static void create_pod(const char *name, const char *hash, const char *owner_uid, const char *labels_extra)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{metadata: {name: %s, labels: {app: web, rollouts-pod-template-hash: %s%s}, annotations: {own: x},"
             " ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: rs, uid: '%s', controller: true}]},"
             " spec: {containers: [{name: c, image: i}]}}",
             name, hash, labels_extra, owner_uid);
    CU_ASSERT_EQUAL(call("POST", "/api/v1/namespaces/" NS "/pods", body), 201);
}

static cJSON *pod(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/namespaces/" NS "/pods/%s", name);
    return get(path);
}

static cJSON *rs_from_server(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "/apis/apps/v1/namespaces/" NS "/replicasets/%s", name);
    return get(path);
}

#define RS_YAML(name, hash, replicas, tmpl_labels, annotations)                                                        \
    "{metadata: {name: " name ", labels: {app: web, rollouts-pod-template-hash: " hash "}, annotations: " annotations \
    "}, spec: {replicas: " replicas ", selector: {matchLabels: {app: web, rollouts-pod-template-hash: " hash "}},"     \
    " template: {metadata: {labels: " tmpl_labels ", annotations: {keep: me}}, spec: {containers: [{name: c, image: "  \
    "i}]}}}}"

static char *rss_list(char *a, char *b)
{
    size_t n = strlen(a) + (b ? strlen(b) : 0) + 8;
    char *s = malloc(n);
    snprintf(s, n, "[%s%s%s]", a, b ? "," : "", b ? b : "");
    free(a);
    free(b);
    return s;
}

static void test_sync_preview_edit_and_promotion(void)
{
    /* v1 stable with role=active; v2 preview with role=preview and an injected annotation */
    char *v1 = create_rs(RS_YAML("web-h1", "h1", "2", "{app: web, rollouts-pod-template-hash: h1, role: active}",
                                 "{rollout.argoproj.io/ephemeral-metadata: '{\"labels\":{\"role\":\"active\"}}'}"));
    char *v2 = create_rs(RS_YAML("web-h2", "h2", "2",
                                 "{app: web, rollouts-pod-template-hash: h2, role: preview}",
                                 "{rollout.argoproj.io/ephemeral-metadata: "
                                 "'{\"labels\":{\"role\":\"preview\"},\"annotations\":{\"p\":\"1\"}}'}"));
    cJSON *j1 = cJSON_Parse(v1), *j2 = cJSON_Parse(v2);
    char uid1[64], uid2[64];
    snprintf(uid1, sizeof uid1, "%s", cj_str0(j1, "metadata.uid"));
    snprintf(uid2, sizeof uid2, "%s", cj_str0(j2, "metadata.uid"));
    cJSON_Delete(j1);
    cJSON_Delete(j2);
    create_pod("p1a", "h1", uid1, ", role: active");
    create_pod("p2a", "h2", uid2, ", role: preview, mine: yes");
    create_pod("p2b", "h2", uid2, ", role: preview");
    create_pod("p2x", "h2", "someone-else", ", role: preview"); /* matches the selector, not owned */
    {
        char *out = NULL; /* p2a also carries the injected preview annotation */
        CU_ASSERT_EQUAL(fakeapi_call(srv, "PATCH", "/api/v1/namespaces/" NS "/pods/p2a", "application/merge-patch+json",
                                     "{\"metadata\":{\"annotations\":{\"p\":\"1\"}}}", &out),
                        200);
        free(out);
    }

    /* previewMetadata now role2=preview2: role and p go, role2 comes, on the RS and its pods */
    char *list = rss_list(v1, v2);
    ro_ctx x = ctx(BG_RO("{blueGreen: {activeService: a, activeMetadata: {labels: {role: active}},"
                         " previewMetadata: {labels: {role2: preview2}}}}",
                         "{stableRS: h1}"),
                   "h2", list, "h2");
    free(list);
    CU_ASSERT_EQUAL(ro_podmeta_sync(&x), 0);
    CU_ASSERT_STRING_EQUAL(ro_annotation(x.new_rs, EPH), "{\"labels\":{\"role2\":\"preview2\"}}");
    cJSON *rs2 = rs_from_server("web-h2");
    CU_ASSERT_STRING_EQUAL(ro_annotation(rs2, EPH), "{\"labels\":{\"role2\":\"preview2\"}}");
    CU_ASSERT_PTR_NULL(cj_get(rs2, "spec.template.metadata.labels.role"));
    CU_ASSERT_STRING_EQUAL(cj_str0(rs2, "spec.template.metadata.labels.role2"), "preview2");
    CU_ASSERT_STRING_EQUAL(cj_str0(rs2, "spec.template.metadata.annotations.keep"), "me");
    CU_ASSERT_STRING_EQUAL(cj_str0(rs2, "metadata.resourceVersion"), cj_str0(x.new_rs, "metadata.resourceVersion"));
    cJSON_Delete(rs2);
    const char *owned[] = {"p2a", "p2b"};
    for (int i = 0; i < 2; i++) {
        cJSON *p = pod(owned[i]);
        CU_ASSERT_PTR_NULL(cj_get(p, "metadata.labels.role"));
        CU_ASSERT_PTR_NULL(cj_get(p, "metadata.annotations.p"));
        CU_ASSERT_STRING_EQUAL(cj_str0(p, "metadata.labels.role2"), "preview2");
        CU_ASSERT_STRING_EQUAL(cj_str0(p, "metadata.annotations.own"), "x");
        CU_ASSERT_STRING_EQUAL(cj_str0(p, "metadata.labels.app"), "web");
        cJSON_Delete(p);
    }
    cJSON *p = pod("p2a");
    CU_ASSERT_STRING_EQUAL(cj_str0(p, "metadata.labels.mine"), "yes");
    cJSON_Delete(p);
    p = pod("p2x");
    CU_ASSERT_STRING_EQUAL(cj_str0(p, "metadata.labels.role"), "preview");
    CU_ASSERT_PTR_NULL(cj_get(p, "metadata.labels.role2"));
    cJSON_Delete(p);
    p = pod("p1a");
    CU_ASSERT_STRING_EQUAL(cj_str0(p, "metadata.labels.role"), "active");
    cJSON_Delete(p);
    /* a second sync has nothing to write */
    cJSON *before = rs_from_server("web-h2");
    CU_ASSERT_EQUAL(ro_podmeta_sync(&x), 0);
    cJSON *after = rs_from_server("web-h2");
    CU_ASSERT_STRING_EQUAL(cj_str0(before, "metadata.resourceVersion"), cj_str0(after, "metadata.resourceVersion"));
    cJSON_Delete(before);
    cJSON_Delete(after);
    p = pod("p2b");
    char rv[32];
    snprintf(rv, sizeof rv, "%s", cj_str0(p, "metadata.resourceVersion"));
    cJSON_Delete(p);

    /* promoted: h2 is stable and gets the active metadata; h1 is another RS: its template is
       cleaned, its pods keep what they have */
    cJSON *rss = cJSON_Duplicate(x.rss, 1);
    ctx_free(&x);
    char *rss_text = cJSON_PrintUnformatted(rss);
    cJSON_Delete(rss);
    x = ctx(BG_RO("{blueGreen: {activeService: a, activeMetadata: {labels: {role: active}},"
                  " previewMetadata: {labels: {role2: preview2}}}}",
                  "{stableRS: h2}"),
            "h2", rss_text, "h2");
    free(rss_text);
    CU_ASSERT_PTR_EQUAL(x.stable_rs, x.new_rs);
    CU_ASSERT_EQUAL(x.nothers, 1);
    CU_ASSERT_EQUAL(ro_podmeta_sync(&x), 0);
    rs2 = rs_from_server("web-h2");
    CU_ASSERT_STRING_EQUAL(ro_annotation(rs2, EPH), "{\"labels\":{\"role\":\"active\"}}");
    CU_ASSERT_STRING_EQUAL(cj_str0(rs2, "spec.template.metadata.labels.role"), "active");
    CU_ASSERT_PTR_NULL(cj_get(rs2, "spec.template.metadata.labels.role2"));
    cJSON_Delete(rs2);
    for (int i = 0; i < 2; i++) {
        p = pod(owned[i]);
        CU_ASSERT_STRING_EQUAL(cj_str0(p, "metadata.labels.role"), "active");
        CU_ASSERT_PTR_NULL(cj_get(p, "metadata.labels.role2"));
        cJSON_Delete(p);
    }
    cJSON *rs1 = rs_from_server("web-h1");
    CU_ASSERT_PTR_NULL(ro_annotation(rs1, EPH));
    CU_ASSERT_PTR_NULL(cj_get(rs1, "spec.template.metadata.labels.role"));
    CU_ASSERT_STRING_EQUAL(cj_str0(rs1, "spec.template.metadata.labels.app"), "web");
    cJSON_Delete(rs1);
    p = pod("p1a");
    CU_ASSERT_STRING_EQUAL(cj_str0(p, "metadata.labels.role"), "active");
    cJSON_Delete(p);
    ctx_free(&x);
}

static void test_sync_zero_replicas_and_unconfigured(void)
{
    /* a zero-replica RS: its template is synced, no pod is listed or patched */
    char *v = create_rs(RS_YAML("web-h5", "h5", "0", "{app: web, rollouts-pod-template-hash: h5, role: preview}",
                                "{rollout.argoproj.io/ephemeral-metadata: '{\"labels\":{\"role\":\"preview\"}}'}"));
    cJSON *j = cJSON_Parse(v);
    char uid[64];
    snprintf(uid, sizeof uid, "%s", cj_str0(j, "metadata.uid"));
    cJSON_Delete(j);
    create_pod("p5", "h5", uid, ", role: preview");
    char *list = rss_list(v, NULL);
    ro_ctx x = ctx(BG_RO("{blueGreen: {activeService: a, previewMetadata: {labels: {role: next}}}}", "{stableRS: h0}"),
                   "h5", list, "h5");
    CU_ASSERT_EQUAL(ro_podmeta_sync(&x), 0);
    cJSON *rs = rs_from_server("web-h5");
    CU_ASSERT_STRING_EQUAL(cj_str0(rs, "spec.template.metadata.labels.role"), "next");
    cJSON_Delete(rs);
    cJSON *p = pod("p5");
    CU_ASSERT_STRING_EQUAL(cj_str0(p, "metadata.labels.role"), "preview");
    cJSON_Delete(p);
    ctx_free(&x);

    /* no ephemeral metadata configured any more: Argo does nothing, not even clean up */
    x = ctx(BG_RO("{blueGreen: {activeService: a}}", "{stableRS: h0}"), "h5", list, "h5");
    free(list);
    rs = rs_from_server("web-h5");
    char rv[32];
    snprintf(rv, sizeof rv, "%s", cj_str0(rs, "metadata.resourceVersion"));
    cJSON_Delete(rs);
    CU_ASSERT_EQUAL(ro_podmeta_sync(&x), 0);
    rs = rs_from_server("web-h5");
    CU_ASSERT_STRING_EQUAL(cj_str0(rs, "metadata.resourceVersion"), rv);
    cJSON_Delete(rs);
    ctx_free(&x);
}

static void test_sync_anti_affinity(void)
{
    /* h7 was created with a term against h6; h8 became stable before h7 was promoted */
    char *v = create_rs(
        "{metadata: {name: web-h7, labels: {app: web, rollouts-pod-template-hash: h7}}, spec: {replicas: 0,"
        " selector: {matchLabels: {app: web, rollouts-pod-template-hash: h7}}, template: {metadata: {labels: {app: web,"
        " rollouts-pod-template-hash: h7}}, spec: {containers: [{name: c, image: i}], affinity: {podAntiAffinity:"
        " {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 50, podAffinityTerm: {topologyKey: zone}},"
        " {weight: 1, podAffinityTerm: {labelSelector: {matchExpressions: [{key: rollouts-pod-template-hash, operator:"
        " In, values: [h6]}]}, namespaces: [pm], topologyKey: kubernetes.io/hostname}}]}}}}}}");
    char *list = rss_list(v, NULL);
    const char *ro = "{metadata: {name: web}, spec: {template: {metadata: {labels: {app: web}}, spec: {containers: "
                     "[{name: c, image: i}], affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuring"
                     "Execution: [{weight: 50, podAffinityTerm: {topologyKey: zone}}]}}}}, strategy: {blueGreen: "
                     "{activeService: a, antiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: {weight: 1}}}}},"
                     " status: {stableRS: h8}}";
    ro_ctx x = ctx(ro, "h7", list, "h7");
    free(list);
    CU_ASSERT_EQUAL(ro_podmeta_sync(&x), 0);
    cJSON *rs = rs_from_server("web-h7");
    cJSON *want = yaml("[{weight: 50, podAffinityTerm: {topologyKey: zone}}, {weight: 1, podAffinityTerm: "
                       "{labelSelector: {matchExpressions: [{key: rollouts-pod-template-hash, operator: In, values: "
                       "[h8]}]}, namespaces: [pm], topologyKey: kubernetes.io/hostname}}]");
    CU_ASSERT_TRUE(cj_equal(cj_get(rs, "spec.template.spec.affinity.podAntiAffinity."
                                       "preferredDuringSchedulingIgnoredDuringExecution"),
                            want));
    cJSON_Delete(want);
    char rv[32];
    snprintf(rv, sizeof rv, "%s", cj_str0(rs, "metadata.resourceVersion"));
    cJSON_Delete(rs);
    CU_ASSERT_EQUAL(ro_podmeta_sync(&x), 0); /* up to date now */
    rs = rs_from_server("web-h7");
    CU_ASSERT_STRING_EQUAL(cj_str0(rs, "metadata.resourceVersion"), rv);
    cJSON_Delete(rs);
    ctx_free(&x);

    /* fully promoted: the term is left as it is (IfInjectedAntiAffinityRuleNeedsUpdate) */
    char *v9 = create_rs(
        "{metadata: {name: web-h9, labels: {app: web, rollouts-pod-template-hash: h9}}, spec: {replicas: 0,"
        " selector: {matchLabels: {app: web, rollouts-pod-template-hash: h9}}, template: {metadata: {labels: {app: web,"
        " rollouts-pod-template-hash: h9}}, spec: {containers: [{name: c, image: i}], affinity: {podAntiAffinity:"
        " {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, podAffinityTerm: {labelSelector:"
        " {matchExpressions: [{key: rollouts-pod-template-hash, operator: In, values: [h6]}]}}}]}}}}}}");
    list = rss_list(v9, NULL);
    const char *ro9 = "{metadata: {name: web}, spec: {template: {spec: {}}, strategy: {blueGreen: {antiAffinity: "
                      "{preferredDuringSchedulingIgnoredDuringExecution: {weight: 1}}}}}, status: {stableRS: h9}}";
    x = ctx(ro9, "h9", list, "h9");
    free(list);
    rs = rs_from_server("web-h9");
    snprintf(rv, sizeof rv, "%s", cj_str0(rs, "metadata.resourceVersion"));
    cJSON_Delete(rs);
    CU_ASSERT_EQUAL(ro_podmeta_sync(&x), 0);
    rs = rs_from_server("web-h9");
    CU_ASSERT_STRING_EQUAL(cj_str0(rs, "metadata.resourceVersion"), rv);
    cJSON_Delete(rs);
    ctx_free(&x);
}

int main(void)
{
    char err[256];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    vclock = co_clock_virtual(1767225600000);
    srv = fakeapi_start(&(fakeapi_options){.seed = 1, .no_sim = 1, .clock = vclock}, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "cannot start the fake API server: %s\n", err);
        return 1;
    }
    if (call("POST", "/api/v1/namespaces", "{metadata: {name: " NS "}}") != 201)
        return 1;
    kube_config cfg;
    if (kube_config_for_server(fakeapi_url(srv), NS, &cfg) != 0)
        return 1;
    kube_client_opts o = {.clock = vclock, .user_agent = "test-podmeta"};
    client = kube_client_new(&cfg, &o, err, sizeof err);
    kube_config_free(&cfg);
    if (!client) {
        fprintf(stderr, "kube_client_new: %s\n", err);
        return 1;
    }
    rc = (ro_controller){.o = {.client = client, .clock = vclock, .log_level = RO_LOG_OFF},
                         .clock = vclock,
                         .client = client};
    static const cu_test tests[] = {
        {"new RS: a first RS gets the active metadata and its record", test_new_rs_first_gets_active},
        {"new RS: with a stable RS the preview metadata, recorded as Go marshals it", test_new_rs_with_stable_gets_preview},
        {"new RS: canary roles; nothing to inject, no record", test_new_rs_canary_and_empty},
        {"new RS: the anti-affinity term after the template's own", test_new_rs_anti_affinity},
        {"sync: previewMetadata edited, then promotion", test_sync_preview_edit_and_promotion},
        {"sync: zero replicas, metadata no longer configured", test_sync_zero_replicas_and_unconfigured},
        {"sync: the injected term follows a new stable RS until promotion", test_sync_anti_affinity},
        {NULL, NULL},
    };
    int r = cu_run("podmeta", tests);
    kube_client_free(client);
    fakeapi_stop(srv);
    curl_global_cleanup();
    return r;
}
