/* controller.c: owns the Rollout controller's wiring and the start of each reconcile (Argo's
 * rollout/controller.go syncHandler and newRolloutContext, and sync.go's new-ReplicaSet half):
 * informers and how their changes map to rollout keys; reading the rollout; validation into the
 * InvalidSpec condition; the replicas default; claiming (and adopting) ReplicaSets; creating the
 * new ReplicaSet and syncing revisions; the paused conditions; scaling events; then the
 * strategy. */
#include "controller/rollout/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/podspec.h"
#include "controller/actions.h"
#include "controller/rollout/status.h"
#include "controller/rollout/validate.h"

#define DEFAULT_RESYNC_MS (15 * 60 * 1000)

/* ---- label selectors (metav1.LabelSelector) ---- */

static const char *label_of(const cJSON *labels, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(labels, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool in_values(const cJSON *values, const char *v)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, values)
    {
        if (cJSON_IsString(e) && v && !strcmp(e->valuestring, v))
            return true;
    }
    return false;
}

/* Does sel (matchLabels, matchExpressions) select labels? An empty or missing selector selects
   nothing here (Argo refuses it in validation). */
static bool selector_matches(const cJSON *sel, const cJSON *labels)
{
    const cJSON *ml = cj_get(sel, "matchLabels"), *me = cj_get(sel, "matchExpressions");
    if (!cJSON_GetArraySize(ml) && !cJSON_GetArraySize(me))
        return false;
    const cJSON *m;
    cJSON_ArrayForEach(m, ml)
    {
        if (!cJSON_IsString(m) || !cj_streq(label_of(labels, m->string), m->valuestring))
            return false;
    }
    cJSON_ArrayForEach(m, me)
    {
        const char *key = cj_str(m, "key"), *op = cj_str(m, "operator");
        const char *v = key ? label_of(labels, key) : NULL;
        const cJSON *values = cj_get(m, "values");
        if (cj_streq(op, "In") ? !in_values(values, v)
            : cj_streq(op, "NotIn") ? (v && in_values(values, v))
            : cj_streq(op, "Exists") ? !v
            : cj_streq(op, "DoesNotExist") ? v != NULL
                                         : true)
            return false;
    }
    return true;
}

typedef struct {
    char key[256];
    char text[768];
} requirement;

static int by_key(const void *a, const void *b) { return strcmp(((const requirement *)a)->key, ((const requirement *)b)->key); }

void ro_format_selector(const cJSON *sel, char *out, size_t n)
{
    out[0] = 0;
    int cap = cJSON_GetArraySize(cj_get(sel, "matchLabels")) + cJSON_GetArraySize(cj_get(sel, "matchExpressions"));
    if (!cap)
        return;
    requirement *r = calloc((size_t)cap, sizeof *r);
    int k = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, cj_get(sel, "matchLabels"))
    {
        snprintf(r[k].key, sizeof r[k].key, "%s", m->string);
        snprintf(r[k].text, sizeof r[k].text, "%s=%s", m->string, cJSON_IsString(m) ? m->valuestring : "");
        k++;
    }
    cJSON_ArrayForEach(m, cj_get(sel, "matchExpressions"))
    {
        const char *key = cj_str(m, "key"), *op = cj_str(m, "operator");
        snprintf(r[k].key, sizeof r[k].key, "%s", key ? key : "");
        if (cj_streq(op, "Exists") || cj_streq(op, "DoesNotExist")) {
            snprintf(r[k].text, sizeof r[k].text, "%s%s", cj_streq(op, "Exists") ? "" : "!", r[k].key);
        } else {
            int len = snprintf(r[k].text, sizeof r[k].text, "%s %s (", r[k].key, cj_streq(op, "In") ? "in" : "notin");
            const cJSON *v;
            bool first = true;
            cJSON_ArrayForEach(v, cj_get(m, "values"))
            {
                if (len < (int)sizeof r[k].text && cJSON_IsString(v))
                    len += snprintf(r[k].text + len, sizeof r[k].text - (size_t)len, "%s%s", first ? "" : ",",
                                    v->valuestring);
                first = false;
            }
            if (len < (int)sizeof r[k].text)
                snprintf(r[k].text + len, sizeof r[k].text - (size_t)len, ")");
        }
        k++;
    }
    qsort(r, (size_t)k, sizeof *r, by_key);
    size_t len = 0;
    for (int i = 0; i < k && len < n; i++)
        len += (size_t)snprintf(out + len, n - len, "%s%s", i ? "," : "", r[i].text);
    free(r);
}

/* ---- informer mappings ---- */

static void key_of(const cJSON *obj, char *key, size_t n)
{
    const char *ns = cj_str(obj, "metadata.namespace"), *name = cj_str(obj, "metadata.name");
    snprintf(key, n, "%s/%s", ns ? ns : "", name ? name : "");
}

const cJSON *ro_controller_ref(const cJSON *obj)
{
    const cJSON *ref;
    cJSON_ArrayForEach(ref, cj_get(obj, "metadata.ownerReferences"))
    {
        if (cJSON_IsTrue(cj_get(ref, "controller")))
            return ref;
    }
    return NULL;
}

bool ro_controlled_by(const cJSON *obj, const cJSON *owner)
{
    const cJSON *ref = ro_controller_ref(obj);
    return ref && cj_streq(cj_str(ref, "uid"), cj_str(owner, "metadata.uid"));
}

/* A ReplicaSet: its controlling Rollout. An orphan: every rollout of its namespace (it may be
   adopted). */
static void map_rs(void *ud, const cJSON *obj, kube_queue *q);

typedef struct {
    kube_queue *q;
    const cJSON *changed;
    const char *kind; /* "Service" or "Ingress" */
} map_ctx;

static bool mentions(const cJSON *ro, const char *kind, const char *name)
{
    if (!name)
        return false;
    static const char *const svc_paths[] = {"spec.strategy.blueGreen.activeService",
                                            "spec.strategy.blueGreen.previewService",
                                            "spec.strategy.canary.canaryService",
                                            "spec.strategy.canary.stableService",
                                            "spec.strategy.canary.pingPong.pingService",
                                            "spec.strategy.canary.pingPong.pongService"};
    if (!strcmp(kind, "Service")) {
        for (size_t i = 0; i < sizeof svc_paths / sizeof *svc_paths; i++)
            if (cj_streq(cj_str(ro, svc_paths[i]), name))
                return true;
        return false;
    }
    const cJSON *nginx = cj_get(ro, "spec.strategy.canary.trafficRouting.nginx");
    if (cj_streq(cj_str(nginx, "stableIngress"), name))
        return true;
    return in_values(cj_get(nginx, "stableIngresses"), name);
}

static void enqueue_if_mentions(void *ud, const cJSON *ro)
{
    map_ctx *m = ud;
    if (m->kind == NULL || mentions(ro, m->kind, cj_str(m->changed, "metadata.name"))) {
        char key[512];
        key_of(ro, key, sizeof key);
        kube_queue_add(m->q, key);
    }
}

static void map_rs(void *ud, const cJSON *obj, kube_queue *q)
{
    ro_controller *rc = ud;
    const cJSON *ref = ro_controller_ref(obj);
    if (ref) {
        if (cj_streq(cj_str(ref, "kind"), "Rollout")) {
            char key[512];
            snprintf(key, sizeof key, "%s/%s", cj_str0(obj, "metadata.namespace"),
                     cj_str0(ref, "name"));
            kube_queue_add(q, key);
        }
        return;
    }
    map_ctx m = {q, obj, NULL};
    kube_informer_each(rc->rollouts, cj_str(obj, "metadata.namespace"), enqueue_if_mentions, &m);
}

static void map_svc(void *ud, const cJSON *obj, kube_queue *q)
{
    ro_controller *rc = ud;
    map_ctx m = {q, obj, "Service"};
    kube_informer_each(rc->rollouts, cj_str(obj, "metadata.namespace"), enqueue_if_mentions, &m);
}

static void map_ing(void *ud, const cJSON *obj, kube_queue *q)
{
    ro_controller *rc = ud;
    map_ctx m = {q, obj, "Ingress"};
    kube_informer_each(rc->rollouts, cj_str(obj, "metadata.namespace"), enqueue_if_mentions, &m);
}

/* ---- validation references ---- */

static const cJSON *ref_service(void *ud, const char *name)
{
    ro_ctx *x = ud;
    return kube_informer_get(x->rc->services, x->ns, name);
}
static int ref_service_exists(void *ud, const char *name) { return ref_service(ud, name) != NULL; }
static const cJSON *ref_ingress(void *ud, const char *name)
{
    ro_ctx *x = ud;
    return kube_informer_get(x->rc->ingresses, x->ns, name);
}
static int ref_ingress_exists(void *ud, const char *name) { return ref_ingress(ud, name) != NULL; }

/* What this version of Cutover does not do yet, as an InvalidSpec rather than a silent skip
   (Cutover-specific messages in Argo's format; the unsupported canary steps are validate.c's). */
static int unsupported(ro_ctx *x, char *msg, size_t n)
{
    static const struct {
        const char *path, *what;
    } fields[] = {
        {"spec.strategy.canary.analysis", "background analysis"},
        {"spec.strategy.canary.pingPong", "pingPong"},
        {"spec.strategy.canary.trafficRouting.istio", "istio traffic routing"},
        {"spec.strategy.canary.trafficRouting.alb", "alb traffic routing"},
        {"spec.strategy.canary.trafficRouting.smi", "smi traffic routing"},
        {"spec.strategy.canary.trafficRouting.ambassador", "ambassador traffic routing"},
        {"spec.strategy.canary.trafficRouting.appMesh", "appMesh traffic routing"},
        {"spec.strategy.canary.trafficRouting.traefik", "traefik traffic routing"},
        {"spec.strategy.canary.trafficRouting.apisix", "apisix traffic routing"},
        {"spec.strategy.canary.trafficRouting.plugins", "traffic router plugins"},
        {"spec.strategy.blueGreen.prePromotionAnalysis", "pre-promotion analysis"},
        {"spec.strategy.blueGreen.postPromotionAnalysis", "post-promotion analysis"},
        {"spec.workloadRef", "workloadRef"},
    };
    char path[128];
    const char *what = NULL;
    for (size_t i = 0; i < sizeof fields / sizeof *fields && !what; i++) {
        const cJSON *v = cj_get(x->ro, fields[i].path);
        if (v && !cJSON_IsNull(v)) {
            snprintf(path, sizeof path, "%s", fields[i].path);
            what = fields[i].what;
        }
    }
    if (!what && cJSON_IsTrue(cj_get(x->ro, "spec.strategy.canary.dynamicStableScale"))) {
        snprintf(path, sizeof path, "spec.strategy.canary.dynamicStableScale");
        what = "dynamicStableScale";
    }
    if (!what)
        return 0;
    snprintf(msg, n, RO_MSG_INVALID_SPEC_FMT, x->name, "");
    size_t len = strlen(msg);
    snprintf(msg + len, n - len, "%s: Forbidden: %s is not supported by Cutover yet", path, what);
    return -1;
}

/* createInvalidRolloutCondition */
static int invalid_spec(ro_ctx *x, const char *msg)
{
    ro_log(x->rc, RO_LOG_ERROR, x->ns, x->name, "%s", msg);
    const cJSON *prev = ro_condition(x->status, RO_COND_INVALID_SPEC);
    char gen[32];
    snprintf(gen, sizeof gen, "%d", cj_int(x->ro, "metadata.generation", 0));
    bool same = prev && cj_streq(cj_str(prev, "message"), msg);
    if (same && cj_streq(cj_str(x->status, "observedGeneration"), gen))
        return 0;
    cJSON *st = cJSON_Duplicate(x->status, 1);
    if (prev && !same)
        ro_remove_condition(st, RO_COND_INVALID_SPEC);
    ro_set_condition(st, RO_COND_INVALID_SPEC, RO_COND_TRUE, RO_REASON_INVALID_SPEC, msg, x->now);
    return ro_patch_conditions(x, st);
}

/* ---- ReplicaSets ---- */

typedef struct {
    ro_ctx *x;
    int failed;
} claim_ctx;

static void collect_owned(void *ud, const cJSON *rs)
{
    claim_ctx *c = ud;
    if (ro_controlled_by(rs, c->x->ro) && !cj_get(rs, "metadata.deletionTimestamp"))
        cJSON_AddItemToArray(c->x->rss, cJSON_Duplicate(rs, 1));
}

cJSON *ro_owner_ref(ro_ctx *x)
{
    cJSON *ref = cJSON_CreateObject();
    cJSON_AddStringToObject(ref, "apiVersion", "argoproj.io/v1alpha1");
    cJSON_AddStringToObject(ref, "kind", "Rollout");
    cJSON_AddStringToObject(ref, "name", x->name);
    cJSON_AddStringToObject(ref, "uid", cj_str0(x->ro, "metadata.uid"));
    cJSON_AddTrueToObject(ref, "controller");
    cJSON_AddTrueToObject(ref, "blockOwnerDeletion");
    return ref;
}

/* ClaimReplicaSets' adoption: an orphan matching the selector gets this rollout as controller. */
static void adopt_orphan(void *ud, const cJSON *rs)
{
    claim_ctx *c = ud;
    ro_ctx *x = c->x;
    if (c->failed || ro_controller_ref(rs) || cj_get(rs, "metadata.deletionTimestamp") ||
        !selector_matches(cj_get(x->ro, "spec.selector"), cj_get(rs, "metadata.labels")))
        return;
    cJSON *patch = cJSON_CreateObject(), *meta = cJSON_AddObjectToObject(patch, "metadata");
    cJSON *refs = cJSON_AddArrayToObject(meta, "ownerReferences");
    const cJSON *other;
    cJSON_ArrayForEach(other, cj_get(rs, "metadata.ownerReferences")) cJSON_AddItemToArray(refs, cJSON_Duplicate(other, 1));
    cJSON_AddItemToArray(refs, ro_owner_ref(x));
    cJSON_AddStringToObject(meta, "uid", cj_str0(rs, "metadata.uid"));
    char *body = cJSON_PrintUnformatted(patch);
    cJSON_Delete(patch);
    kube_status st;
    cJSON *out = kube_patch(x->rc->client, &ro_rs_gvr, x->ns, cj_str(rs, "metadata.name"), KUBE_PATCH_MERGE, body, NULL,
                            &st);
    free(body);
    if (!out) {
        if (st.code != 404 && st.code != 409 && st.code != 422)
            c->failed = 1;
        return;
    }
    ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Adopted ReplicaSet %s", cj_str(out, "metadata.name"));
    cJSON_AddItemToArray(x->rss, out); /* the cache learns of it through the watch */
}

/* FindNewReplicaSet's last resort, PodTemplateEqualIgnoreHash: rs's template, without what the
   controller injected (ephemeral metadata, anti-affinity) and the hash label, equals the
   rollout's once that has the API server's defaults; the deprecated spec.serviceAccount is
   ignored (compared by hash: empty and absent fields are the same). */
static bool template_equal_ignore_hash(ro_ctx *x, const cJSON *rs)
{
    cJSON *copy = cJSON_Duplicate(rs, 1);
    ro_podmeta_strip(x, copy);
    cJSON *live = cJSON_DetachItemViaPointer(cj_get(copy, "spec"), cj_get(copy, "spec.template"));
    cJSON_Delete(copy);
    const cJSON *tmpl = cj_get(x->ro, "spec.template");
    cJSON *want = cJSON_IsObject(tmpl) ? cJSON_Duplicate(tmpl, 1) : cJSON_CreateObject();
    co_pod_spec_defaults(cj_get(want, "spec"));
    cJSON *both[] = {live, want};
    for (int i = 0; i < 2; i++) {
        cJSON_DeleteItemFromObjectCaseSensitive(cj_get(both[i], "metadata.labels"), RO_POD_TEMPLATE_HASH_LABEL);
        cJSON_DeleteItemFromObjectCaseSensitive(cj_get(both[i], "spec"), "serviceAccount");
    }
    char a[16], b[16];
    ro_pod_template_hash(live, NULL, a);
    ro_pod_template_hash(want, NULL, b);
    cJSON_Delete(live);
    cJSON_Delete(want);
    return !strcmp(a, b);
}

static long max_old_revision(ro_ctx *x)
{
    long max = 0;
    const cJSON *rs;
    cJSON_ArrayForEach(rs, x->rss)
    {
        if (rs != x->new_rs && ro_revision_of(rs) > max)
            max = ro_revision_of(rs);
    }
    return max;
}

/* Is this rollout annotation copied to its ReplicaSets (annotations.go annotationsToSkip)? */
static bool copied_annotation(const char *k)
{
    return strcmp(k, "kubectl.kubernetes.io/last-applied-configuration") && strcmp(k, RO_ANN_REVISION) &&
           strcmp(k, RO_ANN_REVISION_HISTORY) && strcmp(k, RO_ANN_DESIRED_REPLICAS) &&
           strcmp(k, "rollout.argoproj.io/workload-generation");
}

/* setRolloutRevision: the rollout's revision annotation follows the new RS's. */
static int set_rollout_revision(ro_ctx *x, const char *revision)
{
    if (cj_streq(ro_annotation(x->ro, RO_ANN_REVISION), revision))
        return 0;
    char body[256];
    snprintf(body, sizeof body, "{\"metadata\":{\"annotations\":{\"%s\":\"%s\"}}}", RO_ANN_REVISION, revision);
    kube_status st;
    cJSON *out = kube_patch(x->rc->client, &ro_rollouts_gvr, x->ns, x->name, KUBE_PATCH_MERGE, body, NULL, &st);
    if (!out) {
        ro_log(x->rc, RO_LOG_WARN, x->ns, x->name, "Error: updating rollout revision: %s", st.message);
        return -1;
    }
    ro_took_rollout(x, out);
    ro_event(x, "Normal", RO_REASON_ROLLOUT_UPDATED, RO_MSG_ROLLOUT_UPDATED_FMT, revision);
    return 0;
}

/* syncReplicaSetRevision: the existing new RS gets the rollout's annotations, the next revision
   (an older revision moves to revision-history: a rollback) and minReadySeconds. */
static int sync_revision(ro_ctx *x)
{
    long next = max_old_revision(x) + 1;
    cJSON *patch = cJSON_CreateObject();
    cJSON *ann = cJSON_AddObjectToObject(cJSON_AddObjectToObject(patch, "metadata"), "annotations");
    const cJSON *a;
    cJSON_ArrayForEach(a, cj_get(x->ro, "metadata.annotations"))
    {
        if (cJSON_IsString(a) && copied_annotation(a->string) &&
            !cj_streq(ro_annotation(x->new_rs, a->string), a->valuestring))
            cJSON_AddStringToObject(ann, a->string, a->valuestring);
    }
    long have = ro_revision_of(x->new_rs);
    if (have < next) {
        char rev[32];
        snprintf(rev, sizeof rev, "%ld", next);
        cJSON_AddStringToObject(ann, RO_ANN_REVISION, rev);
        const char *old = ro_annotation(x->new_rs, RO_ANN_REVISION);
        if (old) {
            const char *hist = ro_annotation(x->new_rs, RO_ANN_REVISION_HISTORY);
            char buf[1024];
            snprintf(buf, sizeof buf, "%s%s%s", hist && *hist ? hist : "", hist && *hist ? "," : "", old);
            cJSON_AddStringToObject(ann, RO_ANN_REVISION_HISTORY, buf);
        }
    }
    if (cj_int(x->new_rs, "spec.minReadySeconds", 0) != x->spec.min_ready_seconds)
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(patch, "spec"), "minReadySeconds", x->spec.min_ready_seconds);
    int rc = 0;
    if (ann->child || cj_get(patch, "spec")) {
        char *body = cJSON_PrintUnformatted(patch);
        kube_status st;
        cJSON *out = kube_patch(x->rc->client, &ro_rs_gvr, x->ns, cj_str(x->new_rs, "metadata.name"), KUBE_PATCH_MERGE,
                                body, NULL, &st);
        free(body);
        if (!out) {
            ro_log(x->rc, RO_LOG_WARN, x->ns, x->name, "Error: updating replicaset revision: %s", st.message);
            rc = -1;
        } else {
            ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Synced revision on ReplicaSet '%s' to '%ld'",
                   cj_str(out, "metadata.name"), next);
            ro_take(x->new_rs, out);
            cJSON_Delete(patch);
            return 0; /* the rollout's revision follows on the next pass, as Argo's */
        }
    }
    cJSON_Delete(patch);
    if (rc == 0) {
        const char *rev = ro_annotation(x->new_rs, RO_ANN_REVISION);
        rc = set_rollout_revision(x, rev ? rev : "");
    }
    if (rc == 0 && !ro_condition(x->status, RO_COND_PROGRESSING)) {
        char msg[512];
        snprintf(msg, sizeof msg, RO_MSG_FOUND_NEW_RS_FMT, cj_str(x->new_rs, "metadata.name"));
        cJSON *st = cJSON_Duplicate(x->status, 1);
        ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_TRUE, RO_REASON_FOUND_NEW_RS, msg, x->now);
        rc = ro_patch_conditions(x, st);
    }
    return rc;
}

/* createDesiredReplicaSet */
static int create_new_rs(ro_ctx *x)
{
    long next = max_old_revision(x) + 1;
    char rev[32], name[512], desired[16];
    snprintf(rev, sizeof rev, "%ld", next);
    snprintf(name, sizeof name, "%s-%s", x->name, x->hash);
    snprintf(desired, sizeof desired, "%d", x->spec.replicas);

    cJSON *tmpl = cJSON_Duplicate(cj_get(x->ro, "spec.template"), 1);
    if (!cJSON_IsObject(tmpl)) {
        cJSON_Delete(tmpl);
        tmpl = cJSON_CreateObject();
    }
    cJSON *labels = cj_obj(cj_obj(tmpl, "metadata"), "labels");
    cj_set_str(labels, RO_POD_TEMPLATE_HASH_LABEL, x->hash);
    cJSON *sel = cJSON_Duplicate(cj_get(x->ro, "spec.selector"), 1);
    if (!cJSON_IsObject(sel)) {
        cJSON_Delete(sel);
        sel = cJSON_CreateObject();
    }
    cj_set_str(cj_obj(sel, "matchLabels"), RO_POD_TEMPLATE_HASH_LABEL, x->hash);

    cJSON *rs = cJSON_CreateObject();
    cJSON_AddStringToObject(rs, "apiVersion", "apps/v1");
    cJSON_AddStringToObject(rs, "kind", "ReplicaSet");
    cJSON *meta = cJSON_AddObjectToObject(rs, "metadata");
    cJSON_AddStringToObject(meta, "name", name);
    cJSON_AddStringToObject(meta, "namespace", x->ns);
    cJSON_AddItemToObject(meta, "labels", cJSON_Duplicate(labels, 1));
    cJSON *ann = cJSON_AddObjectToObject(meta, "annotations");
    const cJSON *a;
    cJSON_ArrayForEach(a, cj_get(x->ro, "metadata.annotations"))
    {
        if (cJSON_IsString(a) && copied_annotation(a->string))
            cJSON_AddStringToObject(ann, a->string, a->valuestring);
    }
    cJSON_AddStringToObject(ann, RO_ANN_REVISION, rev);
    cJSON_AddStringToObject(ann, RO_ANN_DESIRED_REPLICAS, desired);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(meta, "ownerReferences"), ro_owner_ref(x));
    cJSON *spec = cJSON_AddObjectToObject(rs, "spec");
    cJSON_AddNumberToObject(spec, "replicas", 0);
    if (x->spec.min_ready_seconds)
        cJSON_AddNumberToObject(spec, "minReadySeconds", x->spec.min_ready_seconds);
    cJSON_AddItemToObject(spec, "selector", sel);
    cJSON_AddItemToObject(spec, "template", tmpl);
    ro_podmeta_new_rs(x, rs);

    kube_status st;
    cJSON *out = kube_create(x->rc->client, &ro_rs_gvr, x->ns, rs, &st);
    cJSON_Delete(rs);
    bool existed = false;
    if (!out && st.code == 409) {
        existed = true;
        cJSON *have = kube_get(x->rc->client, &ro_rs_gvr, x->ns, name, &st);
        if (!have)
            return -1;
        if (ro_controlled_by(have, x->ro) && template_equal_ignore_hash(x, have)) {
            out = have;
        } else {
            cJSON_Delete(have);
            int cc = cj_int(x->status, "collisionCount", 0);
            char body[128];
            snprintf(body, sizeof body, "{\"status\":{\"collisionCount\":%d}}", cc + 1);
            cJSON *r = kube_patch(x->rc->client, &ro_rollouts_gvr, x->ns, x->name, KUBE_PATCH_MERGE, body, "status", &st);
            if (r) {
                ro_log(x->rc, RO_LOG_WARN, x->ns, x->name,
                       "Found a hash collision - bumped collisionCount (%d->%d) to resolve it", cc, cc + 1);
                ro_took_rollout(x, r);
            }
            return -1;
        }
    } else if (!out) {
        char msg[2048];
        snprintf(msg, sizeof msg, RO_MSG_FAILED_RS_CREATE_FMT, name, st.message);
        ro_event(x, "Warning", RO_REASON_FAILED_RS_CREATE, "%s", msg);
        cJSON *s = cJSON_Duplicate(x->status, 1);
        ro_set_condition(s, RO_COND_PROGRESSING, RO_COND_FALSE, RO_REASON_FAILED_RS_CREATE, msg, x->now);
        ro_patch_conditions(x, s);
        return -1;
    } else {
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Created ReplicaSet %s", name);
    }
    cJSON_AddItemToArray(x->rss, out);
    x->new_rs = out;
    if (set_rollout_revision(x, rev) != 0)
        return -1;
    if (!existed) {
        ro_event(x, "Normal", RO_REASON_NEW_REPLICASET, RO_MSG_NEW_REPLICASET_DETAILED_FMT, name,
                 (int)ro_revision_of(out));
        char msg[600];
        snprintf(msg, sizeof msg, RO_MSG_NEW_REPLICASET_FMT, name);
        cJSON *s = cJSON_Duplicate(x->status, 1);
        ro_set_condition(s, RO_COND_PROGRESSING, RO_COND_TRUE, RO_REASON_NEW_REPLICASET, msg, x->now);
        return ro_patch_conditions(x, s);
    }
    return 0;
}

int ro_ensure_new_rs(ro_ctx *x)
{
    if (x->new_rs)
        return sync_revision(x);
    return create_new_rs(x);
}

/* checkPausedConditions: returns 1 when it patched (the reconcile ends there), 0, or -1. */
static int check_paused_conditions(ro_ctx *x)
{
    const cJSON *prog = ro_condition(x->status, RO_COND_PROGRESSING);
    bool prog_paused = prog && cj_streq(cj_str(prog, "reason"), RO_REASON_PAUSED);
    bool paused = cJSON_GetArraySize(cj_get(x->status, "pauseConditions")) > 0 || x->spec.paused;
    bool abort_cond = prog && cj_streq(cj_str(prog, "reason"), RO_REASON_ABORTED);
    const cJSON *pcond = ro_condition(x->status, RO_COND_PAUSED);
    bool paused_true = pcond && cj_streq(cj_str(pcond, "status"), RO_COND_TRUE);
    cJSON *st = cJSON_Duplicate(x->status, 1);
    bool changed = false;
    if (paused != prog_paused && !abort_cond)
        changed |= ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_UNKNOWN,
                                    paused ? RO_REASON_PAUSED : RO_REASON_RESUMED,
                                    paused ? RO_MSG_PAUSED : RO_MSG_RESUMED, x->now);
    if (!cJSON_IsTrue(cj_get(x->status, "abort")) && abort_cond)
        changed |= ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_UNKNOWN, RO_REASON_RETRY, RO_MSG_RETRY, x->now);
    if (paused != paused_true && !abort_cond)
        changed |= ro_set_condition(st, RO_COND_PAUSED, paused ? RO_COND_TRUE : RO_COND_FALSE, RO_REASON_PAUSED,
                                    RO_MSG_PAUSED, x->now);
    if (!changed) {
        cJSON_Delete(st);
        return 0;
    }
    return ro_patch_conditions(x, st) < 0 ? -1 : 1;
}

/* isScalingEvent: an active RS's desired-replicas annotation differs from spec.replicas. */
static bool is_scaling_event(ro_ctx *x)
{
    const cJSON *rs;
    cJSON_ArrayForEach(rs, x->rss)
    {
        const char *d = ro_annotation(rs, RO_ANN_DESIRED_REPLICAS);
        if (ro_rs_replicas(rs) > 0 && d && atoi(d) != x->spec.replicas)
            return true;
    }
    return false;
}

/* syncReplicasOnly: sizes follow spec.replicas; the status keeps everything else. */
static int sync_replicas_only(ro_ctx *x)
{
    ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Syncing replicas only due to scaling event");
    if (x->new_rs && sync_revision(x) < 0)
        return -1;
    if (x->spec.strategy == RO_STRATEGY_CANARY)
        return ro_canary_replicas_only(x);
    return ro_bluegreen_replicas_only(x);
}

static int reconcile_rollout(ro_ctx *x)
{
    char msg[2048];
    ro_refs refs = {ref_service_exists, ref_service, ref_ingress_exists, ref_ingress, x, 0};
    if (ro_validate(x->ro, &refs, msg, sizeof msg) != 0 || unsupported(x, msg, sizeof msg) != 0) {
        ro_requeue_after(x, RO_INVALID_SPEC_REQUEUE_MS);
        return invalid_spec(x, msg);
    }
    if (ro_defaults(x->ro, &x->spec) != 0)
        return 0; /* validation reports every shape ro_defaults refuses */
    const cJSON *replicas = cj_get(x->ro, "spec.replicas");
    if (!replicas || cJSON_IsNull(replicas)) {
        kube_status st;
        cJSON *out = kube_patch(x->rc->client, &ro_rollouts_gvr, x->ns, x->name, KUBE_PATCH_MERGE,
                                "{\"spec\":{\"replicas\":1}}", NULL, &st);
        if (!out)
            return -1;
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Defaulting .spec.replica to 1");
        ro_took_rollout(x, out);
        return 0;
    }

    claim_ctx cc = {x, 0};
    kube_informer_each(x->rc->rss, x->ns, collect_owned, &cc);
    kube_informer_each(x->rc->rss, x->ns, adopt_orphan, &cc);
    if (cc.failed)
        return -1;
    ro_pod_template_hash(cj_get(x->ro, "spec.template"), cj_get(x->status, "collisionCount"), x->hash);
    x->new_rs = ro_rs_by_hash(x, x->hash);
    if (!x->new_rs) {
        cJSON *rs;
        cJSON_ArrayForEach(rs, x->rss)
        {
            if (template_equal_ignore_hash(x, rs)) {
                x->new_rs = rs;
                break;
            }
        }
    }
    x->stable_rs = ro_rs_by_hash(x, cj_str(x->status, "stableRS"));
    if (x->new_rs && ro_annotation(x->new_rs, RO_ANN_SCALE_DOWN_DEADLINE)) {
        int64_t dl;
        if (co_time_parse(ro_annotation(x->new_rs, RO_ANN_SCALE_DOWN_DEADLINE), &dl) == 0 && dl > x->now)
            x->new_rs_within_delay = true;
    }
    if (cj_streq(cj_str(x->status, "stableRS"), cj_str(x->status, "currentPodHash")) && ro_is_aborted(x))
        x->remove_abort = true; /* an abort of a fully promoted rollout is dropped */
    /* newRolloutContext creates the new RS before anything else looks at the rollout */
    if (!x->new_rs && create_new_rs(x) < 0)
        return -1;

    char gen[32];
    snprintf(gen, sizeof gen, "%d", cj_int(x->ro, "metadata.generation", 0));
    if (cj_streq(cj_str(x->status, "observedGeneration"), gen)) {
        int r = check_paused_conditions(x);
        if (r != 0)
            return r < 0 ? -1 : 0;
    }
    /* others: computed once the new RS is known (it may be created below) */
    int n = cJSON_GetArraySize(x->rss);
    x->others = calloc((size_t)n + 1, sizeof *x->others);
    cJSON *rs;
    cJSON_ArrayForEach(rs, x->rss)
    {
        if (rs != x->new_rs && rs != x->stable_rs)
            x->others[x->nothers++] = rs;
    }
    if (is_scaling_event(x))
        return sync_replicas_only(x);
    if (x->spec.strategy == RO_STRATEGY_CANARY)
        return ro_rollout_canary(x);
    return ro_rollout_bluegreen(x);
}

static int reconcile(void *ud, const char *key, int64_t *requeue_after_ms)
{
    ro_controller *rc = ud;
    char ns[256];
    const char *slash = strchr(key, '/');
    if (!slash)
        return 0;
    snprintf(ns, sizeof ns, "%.*s", (int)(slash - key), key);
    const cJSON *cached = kube_informer_get(rc->rollouts, ns, slash + 1);
    if (!cached || cj_get(cached, "metadata.deletionTimestamp"))
        return 0;
    ro_ctx x = {.rc = rc, .now = co_clock_now_ms(rc->clock)};
    x.ro = cJSON_Duplicate(cached, 1);
    x.rss = cJSON_CreateArray();
    cJSON *st = cJSON_GetObjectItemCaseSensitive(x.ro, "status");
    if (!cJSON_IsObject(st)) {
        cJSON_DeleteItemFromObjectCaseSensitive(x.ro, "status");
        st = cJSON_AddObjectToObject(x.ro, "status");
    }
    x.status = st;
    x.ns = cj_str(x.ro, "metadata.namespace");
    x.name = cj_str(x.ro, "metadata.name");
    if (!x.ns)
        x.ns = "";
    ro_defaults(x.ro, &x.spec);
    ro_log(rc, RO_LOG_DEBUG, x.ns, x.name, "Started syncing rollout");
    int r = x.name ? reconcile_rollout(&x) : 0;
    ro_log(rc, RO_LOG_DEBUG, x.ns, x.name, "Reconciliation completed (%s)", r == 0 ? "ok" : "error");
    *requeue_after_ms = x.requeue_ms;
    free(x.others);
    cJSON_Delete(x.weights);
    cJSON_Delete(x.rss);
    cJSON_Delete(x.ro);
    return r;
}

/* ---- lifecycle ---- */

ro_controller *ro_controller_new(const ro_controller_opts *o, char *err, size_t errlen)
{
    if (!o || !o->client) {
        snprintf(err, errlen, "a client is required");
        return NULL;
    }
    ro_controller *rc = calloc(1, sizeof *rc);
    rc->o = *o;
    rc->client = o->client;
    rc->clock = o->clock ? o->clock : co_clock_real();
    rc->rec = kube_recorder_new(o->client, "rollouts-controller", rc->clock);
    rc->kc = kube_controller_new(rc->clock, reconcile, rc);
    int64_t resync = o->resync_ms > 0 ? o->resync_ms : DEFAULT_RESYNC_MS;
    char sel[512];
    if (o->instance_id && *o->instance_id)
        snprintf(sel, sizeof sel, "%s=%s", RO_LABEL_INSTANCE_ID, o->instance_id);
    else
        snprintf(sel, sizeof sel, "!%s", RO_LABEL_INSTANCE_ID);
    rc->rollouts = kube_controller_informer(rc->kc, o->client, &ro_rollouts_gvr, o->namespace_, sel, NULL, resync);
    rc->rss = kube_controller_informer(rc->kc, o->client, &ro_rs_gvr, o->namespace_, NULL, map_rs, resync);
    rc->services = kube_controller_informer(rc->kc, o->client, &ro_svc_gvr, o->namespace_, NULL, map_svc, resync);
    rc->ingresses = kube_controller_informer(rc->kc, o->client, &ro_ing_gvr, o->namespace_, NULL, map_ing, resync);
    if (!rc->rollouts || !rc->rss || !rc->services || !rc->ingresses) {
        snprintf(err, errlen, "could not set up the informers");
        ro_controller_free(rc);
        return NULL;
    }
    return rc;
}

void ro_controller_free(ro_controller *rc)
{
    if (!rc)
        return;
    kube_controller_free(rc->kc);
    kube_recorder_free(rc->rec);
    free(rc);
}

kube_controller *ro_controller_runtime(ro_controller *rc) { return rc->kc; }
