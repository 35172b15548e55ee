/* podmeta.c: what the controller adds to the pods of the new and stable ReplicaSets beyond the
 * rollout's template (Argo's rollout/ephemeralmetadata.go, the ephemeral-metadata and affinity
 * parts of rollout/sync.go createDesiredReplicaSet and syncReplicaSetRevision, and their helpers
 * in utils/replicaset: SyncEphemeralPodMetadata, SyncReplicaSetEphemeralPodMetadata,
 * ParseExistingPodMetadata, GetRolloutAffinity, GenerateReplicaSetAffinity,
 * CreateInjectedAntiAffinityRule, HasInjectedAntiAffinityRule,
 * IfInjectedAntiAffinityRuleNeedsUpdate, GetPodsOwnedByReplicaSet).
 *
 * Ephemeral metadata: blueGreen.activeMetadata/previewMetadata or canary.stableMetadata/
 * canaryMetadata (labels and annotations) are injected into a ReplicaSet's pod template, and
 * what was injected is recorded in the RS annotation rollout.argoproj.io/ephemeral-metadata
 * (Go's json.Marshal of a PodTemplateMetadata), so that a later change of role or of the
 * metadata removes exactly the keys the controller put there and nothing else. The RS is
 * patched first, then its existing pods (a merge patch each).
 *
 * Anti-affinity: with antiAffinity set, a new ReplicaSet created while another one is stable
 * gets a pod anti-affinity term against the stable RS's pods (rollouts-pod-template-hash In
 * [stableRS], topologyKey kubernetes.io/hostname), appended to the template's own affinity; when
 * the stable RS changes before the new RS is promoted, the term is regenerated against the new
 * stable RS. */
#include "controller/rollout/internal.h"

#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RO_ANN_EPHEMERAL_METADATA "rollout.argoproj.io/ephemeral-metadata"
#define HOSTNAME_TOPOLOGY_KEY "kubernetes.io/hostname"
#define PREFERRED "preferredDuringSchedulingIgnoredDuringExecution"
#define REQUIRED "requiredDuringSchedulingIgnoredDuringExecution"

static const kube_gvr pods_gvr = {"", "v1", "pods", 1};

/* ---- the rollout's settings ---- */

/* A *PodTemplateMetadata / *AntiAffinity field: an object, or NULL for Go's nil (absent, null,
   or a shape Go would not have decoded). */
static const cJSON *object_or_nil(const cJSON *v) { return cJSON_IsObject(v) ? v : NULL; }

static const cJSON *canary_of(const ro_ctx *x) { return object_or_nil(cj_get(x->ro, "spec.strategy.canary")); }
static const cJSON *bluegreen_of(const ro_ctx *x) { return object_or_nil(cj_get(x->ro, "spec.strategy.blueGreen")); }

/* The metadata of the new ReplicaSet's role before promotion (canaryMetadata/previewMetadata),
   or of the stable one (stableMetadata/activeMetadata). Canary is checked first, as Argo does. */
static const cJSON *role_metadata(const ro_ctx *x, bool stable)
{
    const cJSON *c = canary_of(x), *bg = bluegreen_of(x);
    if (c)
        return object_or_nil(cJSON_GetObjectItemCaseSensitive(c, stable ? "stableMetadata" : "canaryMetadata"));
    if (bg)
        return object_or_nil(cJSON_GetObjectItemCaseSensitive(bg, stable ? "activeMetadata" : "previewMetadata"));
    return NULL;
}

/* hasEphemeralMetadataConfigured */
static bool metadata_configured(const ro_ctx *x)
{
    if (canary_of(x) || bluegreen_of(x))
        return role_metadata(x, true) || role_metadata(x, false);
    return false;
}

/* GetRolloutAffinity: the strategy's antiAffinity (canary's wins over blueGreen's, as in Argo)
   when it names a kind; NULL otherwise. */
static const cJSON *rollout_anti_affinity(const ro_ctx *x)
{
    const cJSON *aa = NULL, *s;
    if ((s = bluegreen_of(x)) && object_or_nil(cJSON_GetObjectItemCaseSensitive(s, "antiAffinity")))
        aa = cJSON_GetObjectItemCaseSensitive(s, "antiAffinity");
    if ((s = canary_of(x)) && object_or_nil(cJSON_GetObjectItemCaseSensitive(s, "antiAffinity")))
        aa = cJSON_GetObjectItemCaseSensitive(s, "antiAffinity");
    if (aa && (object_or_nil(cJSON_GetObjectItemCaseSensitive(aa, PREFERRED)) ||
               object_or_nil(cJSON_GetObjectItemCaseSensitive(aa, REQUIRED))))
        return aa;
    return NULL;
}

static bool preferred_kind(const cJSON *aa)
{
    return object_or_nil(cJSON_GetObjectItemCaseSensitive(aa, PREFERRED)) != NULL;
}

static const char *stable_hash(const ro_ctx *x) { return cj_str0(x->status, "stableRS"); }

/* ---- Go's json.Marshal of a PodTemplateMetadata ---- */

static int by_name(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* A map[string]string member (keys sorted bytewise, as Go's encoder sorts map keys); false when
   it is empty (omitempty) and nothing was written. */
static bool go_string_map(co_buf *b, const char *name, const cJSON *map, bool first)
{
    int n = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, map) n += cJSON_IsString(m) ? 1 : 0;
    if (!cJSON_IsObject(map) || n == 0)
        return false;
    const cJSON **v = malloc((size_t)n * sizeof *v);
    int k = 0;
    cJSON_ArrayForEach(m, map)
    {
        if (cJSON_IsString(m))
            v[k++] = m;
    }
    qsort(v, (size_t)k, sizeof *v, by_name);
    if (!first)
        co_buf_addc(b, ',');
    co_buf_go_json_str(b, name);
    co_buf_adds(b, ":{");
    for (int i = 0; i < k; i++) {
        if (i)
            co_buf_addc(b, ',');
        co_buf_go_json_str(b, v[i]->string);
        co_buf_addc(b, ':');
        co_buf_go_json_str(b, v[i]->valuestring);
    }
    co_buf_addc(b, '}');
    free(v);
    return true;
}

/* json.Marshal(PodTemplateMetadata{Labels, Annotations}), both omitempty. Caller frees. */
static char *marshal_pod_metadata(const cJSON *md)
{
    co_buf b = {0};
    co_buf_addc(&b, '{');
    bool wrote = go_string_map(&b, "labels", cJSON_GetObjectItemCaseSensitive(md, "labels"), true);
    go_string_map(&b, "annotations", cJSON_GetObjectItemCaseSensitive(md, "annotations"), !wrote);
    co_buf_addc(&b, '}');
    return co_buf_take(&b);
}

/* ---- ephemeral metadata ---- */

/* A map[string]string as encoding/json decodes it: absent or null is nil; anything but an
   object of strings is an error. */
static bool valid_string_map(const cJSON *v)
{
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsObject(v))
        return false;
    const cJSON *m;
    cJSON_ArrayForEach(m, v)
    {
        if (!cJSON_IsString(m) && !cJSON_IsNull(m))
            return false;
    }
    return true;
}

/* ParseExistingPodMetadata: what the ephemeral-metadata annotation of rs says was injected;
   NULL when absent or not decodable (a warning, as Argo logs). Caller frees. */
static cJSON *existing_pod_metadata(ro_ctx *x, const cJSON *rs)
{
    const char *s = ro_annotation(rs, RO_ANN_EPHEMERAL_METADATA);
    if (!s)
        return NULL;
    cJSON *md = cj_parse(s, strlen(s));
    if (cJSON_IsNull(md)) {
        cJSON_Delete(md);
        return NULL; /* "null" decodes to a nil pointer */
    }
    if (!cJSON_IsObject(md) || !valid_string_map(cJSON_GetObjectItemCaseSensitive(md, "labels")) ||
        !valid_string_map(cJSON_GetObjectItemCaseSensitive(md, "annotations"))) {
        ro_log(x->rc, RO_LOG_WARN, x->ns, x->name,
               "Failed to determine existing ephemeral metadata from annotation: %s", s);
        cJSON_Delete(md);
        return NULL;
    }
    return md;
}

/* One map of SyncEphemeralPodMetadata (labels or annotations of meta, an ObjectMeta-shaped
   object changed in place). Returns whether Argo would count it as modified. */
static bool sync_map(cJSON *meta, const char *which, const cJSON *existing, const cJSON *desired)
{
    bool modified = false;
    const cJSON *want = desired ? cJSON_GetObjectItemCaseSensitive(desired, which) : NULL;
    const cJSON *m;
    /* inject the desired metadata (a value equal to the current one, "" for a missing key,
       is not a change) */
    cJSON_ArrayForEach(m, want)
    {
        if (!cJSON_IsString(m))
            continue;
        cJSON *map = cJSON_GetObjectItemCaseSensitive(meta, which);
        const cJSON *prev = cJSON_IsObject(map) ? cJSON_GetObjectItemCaseSensitive(map, m->string) : NULL;
        const char *pv = cJSON_IsString(prev) ? prev->valuestring : "";
        if (strcmp(pv, m->valuestring) != 0) {
            cj_set_str(cj_obj(meta, which), m->string, m->valuestring);
            modified = true;
        }
    }
    /* remove what was injected before and is no longer desired; Argo counts a removal as a
       change whenever the map exists, whether or not the key was still there */
    const cJSON *had = existing ? cJSON_GetObjectItemCaseSensitive(existing, which) : NULL;
    cJSON_ArrayForEach(m, had)
    {
        const cJSON *still = cJSON_IsObject(want) ? cJSON_GetObjectItemCaseSensitive(want, m->string) : NULL;
        if (desired && cJSON_IsString(still))
            continue;
        cJSON *map = cJSON_GetObjectItemCaseSensitive(meta, which);
        if (cJSON_IsObject(map)) {
            cJSON_DeleteItemFromObjectCaseSensitive(map, m->string);
            modified = true;
        }
    }
    return modified;
}

/* SyncEphemeralPodMetadata, in place on meta (labels and annotations). */
static bool sync_pod_metadata(cJSON *meta, const cJSON *existing, const cJSON *desired)
{
    bool a = sync_map(meta, "annotations", existing, desired);
    bool l = sync_map(meta, "labels", existing, desired);
    return a || l;
}

/* SyncReplicaSetEphemeralPodMetadata, in place on rs (a ReplicaSet object): desired injected
   into its pod template, previously injected keys no longer desired removed, and the record
   annotation set (or removed when desired is nil). Returns whether rs changed. */
static bool sync_rs_metadata(ro_ctx *x, cJSON *rs, const cJSON *desired)
{
    cJSON *existing = existing_pod_metadata(x, rs);
    cJSON *meta = cj_obj(cj_obj(cj_obj(rs, "spec"), "template"), "metadata");
    bool modified = sync_pod_metadata(meta, existing, desired);
    cJSON_Delete(existing);
    if (!modified)
        return false;
    if (desired) {
        char *rec = marshal_pod_metadata(desired);
        cj_set_str(cj_obj(cj_obj(rs, "metadata"), "annotations"), RO_ANN_EPHEMERAL_METADATA, rec);
        free(rec);
    } else {
        cJSON_DeleteItemFromObjectCaseSensitive(cj_get(rs, "metadata.annotations"), RO_ANN_EPHEMERAL_METADATA);
    }
    return true;
}

/* ---- anti-affinity ---- */

/* GenerateReplicaSetAffinity: the template's affinity, plus (with antiAffinity, a stable RS and
   a new template) a term against the stable RS's pods. NULL for no affinity. Caller frees. */
static cJSON *generate_affinity(const ro_ctx *x)
{
    const cJSON *aa = rollout_anti_affinity(x);
    const cJSON *tmpl = object_or_nil(cj_get(x->ro, "spec.template.spec.affinity"));
    cJSON *affinity = tmpl ? cJSON_Duplicate(tmpl, 1) : NULL;
    const char *stable = stable_hash(x);
    if (!aa || !*stable || !strcmp(stable, x->hash))
        return affinity;
    /* CreateInjectedAntiAffinityRule */
    cJSON *term = cJSON_CreateObject();
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "key", RO_POD_TEMPLATE_HASH_LABEL);
    cJSON_AddStringToObject(req, "operator", "In");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(req, "values"), cJSON_CreateString(stable));
    cJSON *selector = cJSON_AddObjectToObject(term, "labelSelector");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(selector, "matchExpressions"), req);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(term, "namespaces"), cJSON_CreateString(x->ns));
    cJSON_AddStringToObject(term, "topologyKey", HOSTNAME_TOPOLOGY_KEY);

    if (!affinity)
        affinity = cJSON_CreateObject();
    cJSON *anti = cj_obj(affinity, "podAntiAffinity");
    const char *list_name;
    cJSON *item;
    if (preferred_kind(aa)) {
        list_name = PREFERRED;
        item = cJSON_CreateObject();
        cJSON_AddNumberToObject(item, "weight", cj_int(aa, PREFERRED ".weight", 0));
        cJSON_AddItemToObject(item, "podAffinityTerm", term);
    } else {
        list_name = REQUIRED;
        item = term;
    }
    cJSON *list = cJSON_GetObjectItemCaseSensitive(anti, list_name);
    if (!cJSON_IsArray(list)) {
        list = cJSON_CreateArray();
        cj_set(anti, list_name, list);
    }
    cJSON_AddItemToArray(list, item);
    return affinity;
}

/* HasInjectedAntiAffinityRule: the pod affinity term of affinity's anti-affinity list of the
   configured kind that selects on the pod-template hash; NULL when none. */
static const cJSON *injected_term(const ro_ctx *x, const cJSON *affinity)
{
    const cJSON *aa = rollout_anti_affinity(x);
    const cJSON *anti = object_or_nil(cJSON_GetObjectItemCaseSensitive(affinity, "podAntiAffinity"));
    if (!aa || !anti)
        return NULL;
    bool preferred = preferred_kind(aa);
    const cJSON *e;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(anti, preferred ? PREFERRED : REQUIRED);
    cJSON_ArrayForEach(e, list)
    {
        const cJSON *term = preferred ? cJSON_GetObjectItemCaseSensitive(e, "podAffinityTerm") : e;
        const cJSON *req;
        cJSON_ArrayForEach(req, cj_get(term, "labelSelector.matchExpressions"))
        {
            if (cj_streq(cj_str(req, "key"), RO_POD_TEMPLATE_HASH_LABEL))
                return term;
        }
    }
    return NULL;
}

/* IfInjectedAntiAffinityRuleNeedsUpdate: rs has an injected term against another RS than the
   stable one, and the rollout is not fully promoted. */
static bool affinity_needs_update(const ro_ctx *x, const cJSON *rs)
{
    const cJSON *term = injected_term(x, cj_get(rs, "spec.template.spec.affinity"));
    const char *stable = stable_hash(x);
    if (!term || !strcmp(stable, x->hash))
        return false;
    const cJSON *req;
    cJSON_ArrayForEach(req, cj_get(term, "labelSelector.matchExpressions"))
    {
        const cJSON *v0 = cJSON_GetArrayItem(cj_get(req, "values"), 0);
        if (cj_streq(cj_str(req, "key"), RO_POD_TEMPLATE_HASH_LABEL) && v0 &&
            !cj_streq(cJSON_IsString(v0) ? v0->valuestring : "", stable))
            return true;
    }
    return false;
}

/* RemoveInjectedAntiAffinityRule, in place on a template's spec: the injected terms of the
   configured kind go, and lists, podAntiAffinity and affinity left empty go with them. */
static void remove_injected_anti_affinity(const ro_ctx *x, cJSON *spec)
{
    const cJSON *aa = rollout_anti_affinity(x);
    cJSON *affinity = cJSON_GetObjectItemCaseSensitive(spec, "affinity");
    cJSON *anti = cJSON_GetObjectItemCaseSensitive(affinity, "podAntiAffinity");
    if (!aa || !cJSON_IsObject(anti))
        return;
    bool preferred = preferred_kind(aa);
    const char *list_name = preferred ? PREFERRED : REQUIRED;
    cJSON *list = cJSON_GetObjectItemCaseSensitive(anti, list_name);
    for (cJSON *e = list ? list->child : NULL, *next; e; e = next) {
        next = e->next;
        const cJSON *term = preferred ? cJSON_GetObjectItemCaseSensitive(e, "podAffinityTerm") : e;
        const cJSON *req;
        cJSON_ArrayForEach(req, cj_get(term, "labelSelector.matchExpressions"))
        {
            if (cj_streq(cj_str(req, "key"), RO_POD_TEMPLATE_HASH_LABEL)) {
                cJSON_Delete(cJSON_DetachItemViaPointer(list, e));
                break;
            }
        }
    }
    if (cJSON_IsArray(list) && cJSON_GetArraySize(list) == 0)
        cJSON_DeleteItemFromObjectCaseSensitive(anti, list_name);
    if (!anti->child)
        cJSON_DeleteItemFromObjectCaseSensitive(affinity, "podAntiAffinity");
    if (!affinity->child)
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "affinity");
}

void ro_podmeta_strip(ro_ctx *x, cJSON *rs)
{
    sync_rs_metadata(x, rs, NULL);
    remove_injected_anti_affinity(x, cj_get(rs, "spec.template.spec"));
}

/* ---- writes ---- */

/* Merge-patches rs into want (a modified copy of it); the reply becomes rs. 0 or -1. */
static int patch_rs_to(ro_ctx *x, cJSON *rs, const cJSON *want)
{
    char *body = cj_merge_diff_text(rs, want);
    if (!body)
        return 0;
    int rc = ro_patch_rs(x, rs, KUBE_PATCH_MERGE, body);
    free(body);
    return rc;
}

/* The labels and annotations of a pod, as an ObjectMeta-shaped object. Caller frees. */
static cJSON *label_view(const cJSON *pod)
{
    cJSON *v = cJSON_CreateObject();
    const cJSON *l = cj_get(pod, "metadata.labels"), *a = cj_get(pod, "metadata.annotations");
    if (cJSON_IsObject(l))
        cJSON_AddItemToObject(v, "labels", cJSON_Duplicate(l, 1));
    if (cJSON_IsObject(a))
        cJSON_AddItemToObject(v, "annotations", cJSON_Duplicate(a, 1));
    return v;
}

/* updatePodMetadataWithRetry, as one merge patch of the pod's labels and annotations (nothing
   to send when Argo's update would change nothing). 0, or -1 on a write error. */
static int sync_pod(ro_ctx *x, const cJSON *pod, const cJSON *existing, const cJSON *desired, const char *md_text)
{
    cJSON *before = label_view(pod), *after = label_view(pod);
    bool modified = sync_pod_metadata(after, existing, desired);
    cJSON *diff = modified ? cj_merge_diff(before, after) : NULL;
    cJSON_Delete(before);
    cJSON_Delete(after);
    if (!diff)
        return 0;
    cJSON *patch = cJSON_CreateObject();
    cJSON_AddItemToObject(patch, "metadata", diff);
    char *body = cJSON_PrintUnformatted(patch);
    cJSON_Delete(patch);
    const char *name = cj_str(pod, "metadata.name");
    kube_status st;
    cJSON *out = kube_patch(x->rc->client, &pods_gvr, x->ns, name, KUBE_PATCH_MERGE, body, NULL, &st);
    free(body);
    if (out) {
        cJSON_Delete(out);
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "synced ephemeral metadata %s to Pod %s", md_text, name);
        return 0;
    }
    if (st.code == 404) {
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name,
               "Skipping sync ephemeral metadata %s to Pod %s: as it no longer exists", md_text, name);
        return 0;
    }
    ro_log(x->rc, RO_LOG_WARN, x->ns, x->name, "failed to sync ephemeral metadata %s to Pod %s: %s", md_text, name,
           st.message);
    return -1;
}

/* syncEphemeralMetadataInternal: rs (new, stable or other) carries desired (NULL: none); with
   sync_pods, so do the pods it owns. 0 or -1. */
static int sync_ephemeral(ro_ctx *x, cJSON *rs, const cJSON *desired, bool sync_pods)
{
    if (!rs)
        return 0;
    char *md_text = desired ? marshal_pod_metadata(desired) : strdup("null");
    cJSON *existing = existing_pod_metadata(x, rs); /* what the RS had before this sync */
    const cJSON *r = cj_get(rs, "spec.replicas");
    bool zero = cJSON_IsNumber(r) && r->valueint == 0; /* isZeroReplicaReplicaSet */
    cJSON *want = cJSON_Duplicate(rs, 1);
    bool modified = sync_rs_metadata(x, want, desired);
    int rc = 0;
    /* the ReplicaSet first, so that pods it creates meanwhile already carry the metadata */
    if (modified) {
        rc = patch_rs_to(x, rs, want);
        if (rc == 0)
            ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "synced ephemeral metadata %s to ReplicaSet %s", md_text,
                   cj_str(rs, "metadata.name"));
    }
    cJSON_Delete(want);
    /* then its pods: when it changed now, or when it carries injected metadata (a pod sync may
       have been cut short) */
    if (rc == 0 && sync_pods && !zero && (modified || existing)) {
        char sel[1024];
        ro_format_selector(cj_get(rs, "spec.selector"), sel, sizeof sel);
        kube_list_opts lo = {.label_selector = sel};
        kube_status st;
        cJSON *pods = kube_list(x->rc->client, &pods_gvr, x->ns, &lo, &st);
        if (!pods) {
            ro_log(x->rc, RO_LOG_WARN, x->ns, x->name, "listing pods of ReplicaSet %s: %s", cj_str(rs, "metadata.name"),
                   st.message);
            rc = -1;
        }
        const cJSON *pod;
        cJSON_ArrayForEach(pod, cj_get(pods, "items"))
        {
            if (ro_controlled_by(pod, rs) && sync_pod(x, pod, existing, desired, md_text) < 0)
                rc = -1;
        }
        cJSON_Delete(pods);
    }
    cJSON_Delete(existing);
    free(md_text);
    return rc;
}

/* reconcileEphemeralMetadata */
static int reconcile_ephemeral(ro_ctx *x)
{
    if (!metadata_configured(x))
        return 0;
    const cJSON *new_md = role_metadata(x, false), *stable_md = role_metadata(x, true);
    const char *stable = stable_hash(x);
    bool fully_rolled_out = !*stable || (x->new_rs && !strcmp(stable, ro_rs_hash(x->new_rs)));
    if (fully_rolled_out) {
        /* steady state: the new RS is the stable one */
        if (sync_ephemeral(x, x->new_rs, stable_md, true) < 0)
            return -1;
    } else {
        if (sync_ephemeral(x, x->new_rs, new_md, true) < 0 || sync_ephemeral(x, x->stable_rs, stable_md, true) < 0)
            return -1;
    }
    /* every other RS: no injected metadata in its template (its pods are left as they are) */
    for (int i = 0; i < x->nothers; i++)
        if (sync_ephemeral(x, x->others[i], NULL, false) < 0)
            return -1;
    return 0;
}

/* syncReplicaSetRevision's affinity part: a new RS whose injected term names a former stable RS
   gets its affinity regenerated against the current one. */
static int reconcile_affinity(ro_ctx *x)
{
    if (!x->new_rs || !affinity_needs_update(x, x->new_rs))
        return 0;
    cJSON *want = cJSON_Duplicate(x->new_rs, 1);
    cJSON *pod_spec = cj_obj(cj_obj(cj_obj(want, "spec"), "template"), "spec");
    cJSON *affinity = generate_affinity(x);
    if (affinity)
        cj_set(pod_spec, "affinity", affinity);
    else
        cJSON_DeleteItemFromObjectCaseSensitive(pod_spec, "affinity");
    int rc = patch_rs_to(x, x->new_rs, want);
    if (rc == 0)
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name,
               "Updated the injected anti-affinity rule of ReplicaSet %s to stable RS '%s'",
               cj_str(x->new_rs, "metadata.name"), stable_hash(x));
    cJSON_Delete(want);
    return rc;
}

void ro_podmeta_new_rs(ro_ctx *x, cJSON *rs)
{
    /* the anti-affinity rule against the stable RS, after the template's own affinity */
    const char *stable = stable_hash(x);
    if (rollout_anti_affinity(x) && *stable && strcmp(stable, x->hash) != 0) {
        cJSON *affinity = generate_affinity(x);
        cj_set(cj_obj(cj_obj(cj_obj(rs, "spec"), "template"), "spec"), "affinity", affinity);
    }
    /* ephemeral metadata: the new RS's role while a stable RS exists, else the stable role (a
       first RS becomes the stable one) */
    if (canary_of(x) || bluegreen_of(x)) {
        bool has_stable = x->stable_rs && x->stable_rs != x->new_rs;
        sync_rs_metadata(x, rs, role_metadata(x, !has_stable));
    }
}

int ro_podmeta_sync(ro_ctx *x)
{
    if (reconcile_affinity(x) < 0)
        return -1;
    return reconcile_ephemeral(x);
}
