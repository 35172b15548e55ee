/* deployment.c: the simulated Deployment controller (kube-controller-manager's deployment
 * controller, for plain Deployments): one ReplicaSet per pod template named
 * <deployment>-<pod-template-hash>, the Recreate and RollingUpdate strategies (maxSurge /
 * maxUnavailable), revision annotations, old ReplicaSet clean-up beyond revisionHistoryLimit, and
 * the status kubectl rollout status reads: counts, observedGeneration and the Available /
 * Progressing conditions (including ProgressDeadlineExceeded and paused Deployments).
 *
 * Each sync takes one step, as kube's does: create or scale up the new ReplicaSet, else scale
 * old ones down, then writes the status. The ReplicaSets' own status changes bring the next
 * sync. Not simulated: proportional scaling of several active ReplicaSets when spec.replicas
 * changes mid-rollout, rollbacks via the deprecated rollbackTo, adoption of orphan ReplicaSets. */
#include "fakeapi/sim/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RS_KEY "replicasets.apps"
#define D_KEY "deployments.apps"
#define HASH_LABEL "pod-template-hash"
#define REVISION "deployment.kubernetes.io/revision"
#define DESIRED "deployment.kubernetes.io/desired-replicas"
#define MAX_REPLICAS "deployment.kubernetes.io/max-replicas"

#define RETRY_MS 1000 /* back-off after a failed write (kube's rate-limited requeue) */

static const char *const CTL = "deployment-controller";


/* By key, not dotted path: annotation keys have dots in them. */
static const char *annotation(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cj_get(o, "metadata.annotations"), key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static long revision_of(const cJSON *rs)
{
    const char *r = annotation(rs, REVISION);
    return r ? atol(r) : 0;
}

/* The name of obj's controller when it is of the given kind, else NULL. */
static const char *controller_named(const cJSON *obj, const char *kind)
{
    const cJSON *ref;
    cJSON_ArrayForEach(ref, cj_get(obj, "metadata.ownerReferences"))
    {
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref, "controller")))
            continue;
        return cj_str(ref, "kind") && !strcmp(cj_str(ref, "kind"), kind) ? cj_str(ref, "name") : NULL;
    }
    return NULL;
}

static void on_change(fakeapi *f, const fa_change *c)
{
    const char *key = c->res->key;
    if (!strcmp(key, D_KEY)) {
        fa_sim_enqueue(f, &fa_sim_deployment, c->ns, c->name, 0);
    } else if (!strcmp(key, RS_KEY)) {
        const char *d = controller_named(c->obj, "Deployment");
        if (d)
            fa_sim_enqueue(f, &fa_sim_deployment, c->ns, d, 0);
    } else if (!strcmp(key, "pods") && !strcmp(c->type, "DELETED")) {
        /* Recreate waits for the old pods to be gone, which no ReplicaSet status shows (terminating
         * pods already left status.replicas): a pod's final deletion wakes its Deployment. */
        const char *rsname = controller_named(c->obj, "ReplicaSet");
        cJSON *rs = rsname ? fa_sim_get(f, RS_KEY, c->ns, rsname) : NULL;
        const char *d = controller_named(rs, "Deployment");
        if (d)
            fa_sim_enqueue(f, &fa_sim_deployment, c->ns, d, 0);
        cJSON_Delete(rs);
    }
}

/* ---- the pod template hash ---- */

static int by_key(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* A copy of a pod template in a canonical form: object keys sorted, and nulls, empty objects and
 * empty arrays dropped. kube compares and hashes the Go struct, where a null creationTimestamp
 * (kubectl sends one in templates), an empty map and a missing one are all the same zero value,
 * and field order is fixed. */
static cJSON *canonical(const cJSON *o)
{
    cJSON *out = cJSON_IsObject(o) ? cJSON_CreateObject() : cJSON_IsArray(o) ? cJSON_CreateArray()
                                                                            : cJSON_Duplicate(o, 1);
    if (!cJSON_IsObject(o) && !cJSON_IsArray(o))
        return out;
    int n = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, o) n++;
    const cJSON **kids = calloc((size_t)n + 1, sizeof *kids);
    n = 0;
    cJSON_ArrayForEach(c, o) kids[n++] = c;
    if (cJSON_IsObject(o))
        qsort(kids, (size_t)n, sizeof *kids, by_key);
    for (int i = 0; i < n; i++) {
        cJSON *k = canonical(kids[i]);
        bool empty = cJSON_IsNull(k) || ((cJSON_IsObject(k) || cJSON_IsArray(k)) && !k->child);
        if (empty && cJSON_IsObject(o))
            cJSON_Delete(k);
        else if (cJSON_IsObject(o))
            cJSON_AddItemToObject(out, kids[i]->string, k);
        else
            cJSON_AddItemToArray(out, k);
    }
    free(kids);
    return out;
}

/* kube's ComputeHash: FNV-32a of the template (then of collisionCount as 8 little-endian bytes),
 * the decimal value rendered in rand.SafeEncodeString's alphabet. */
static void template_hash(const cJSON *tmpl, const cJSON *collisions, char out[16])
{
    cJSON *t = canonical(tmpl);
    char *json = cJSON_PrintUnformatted(t);
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)json; p && *p; p++)
        h = (h ^ *p) * 16777619u;
    if (cJSON_IsNumber(collisions)) {
        uint32_t cc = (uint32_t)collisions->valuedouble;
        for (int i = 0; i < 8; i++)
            h = (h ^ (i < 4 ? (cc >> (8 * i)) & 255 : 0)) * 16777619u;
    }
    free(json);
    cJSON_Delete(t);
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    char dec[16];
    int n = snprintf(dec, sizeof dec, "%u", h);
    for (int i = 0; i < n; i++)
        out[i] = alphabet[(unsigned char)dec[i] % (sizeof alphabet - 1)];
    out[n] = 0;
}

/* Is the ReplicaSet's template the Deployment's, ignoring the hash label (EqualIgnoreHash)? */
static bool same_template(const cJSON *rs, const cJSON *tmpl)
{
    cJSON *t = cJSON_Duplicate(cj_get(rs, "spec.template"), 1);
    cJSON_DeleteItemFromObjectCaseSensitive(cj_get(t, "metadata.labels"), HASH_LABEL);
    cJSON *a = canonical(t), *b = canonical(tmpl);
    bool same = cj_equal(a, b);
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(t);
    return same;
}

/* ---- strategy parameters ---- */

/* kube's GetScaledValueFromIntOrPercent: an int, or "N%" of total rounded up or down. */
static int scaled(const cJSON *v, int total, bool round_up, int def_percent)
{
    if (cJSON_IsNumber(v))
        return (int)v->valuedouble;
    /* missing (the apiserver defaults it) or malformed: the 25% default */
    long pct = cJSON_IsString(v) && strchr(v->valuestring, '%') ? atol(v->valuestring) : def_percent;
    long x = pct * total;
    return (int)(round_up ? (x + 99) / 100 : x / 100);
}

typedef struct {
    fakeapi *f;
    cJSON *d;             /* the Deployment as read at the start of the sync */
    const char *ns, *name;
    int replicas, surge, unavailable;
    bool rolling;
    cJSON **rs;           /* every ReplicaSet it controls, oldest first */
    int nrs;
    cJSON *fresh;         /* the new ReplicaSet (one of rs[], or created), or NULL */
    cJSON *created;       /* the ReplicaSet created by this sync, owned here */
} dsync;

/* kube's ResolveFenceposts / MaxSurge / MaxUnavailable. */
static void fenceposts(dsync *s)
{
    const char *type = cj_str(s->d, "spec.strategy.type");
    s->rolling = !type || !strcmp(type, "RollingUpdate");
    s->surge = s->unavailable = 0;
    if (!s->rolling)
        return;
    const cJSON *ru = cj_get(s->d, "spec.strategy.rollingUpdate");
    s->surge = scaled(cJSON_GetObjectItemCaseSensitive(ru, "maxSurge"), s->replicas, true, 25);
    s->unavailable = scaled(cJSON_GetObjectItemCaseSensitive(ru, "maxUnavailable"), s->replicas, false, 25);
    if (s->surge == 0 && s->unavailable == 0)
        s->unavailable = 1; /* both rounding to zero would never make progress */
    if (s->unavailable > s->replicas)
        s->unavailable = s->replicas;
}

static bool is_old(const dsync *s, const cJSON *rs) { return rs != s->fresh; }
static int spec_of(const cJSON *rs) { return rs ? cj_int(rs, "spec.replicas", 1) : 0; }
static int st(const cJSON *rs, const char *field) { return rs ? cj_int(cj_get(rs, "status"), field, 0) : 0; }

static int sum_spec(const dsync *s, bool olds_only)
{
    int n = 0;
    for (int i = 0; i < s->nrs; i++)
        if (!olds_only || is_old(s, s->rs[i]))
            n += spec_of(s->rs[i]);
    if (s->created)
        n += olds_only ? 0 : spec_of(s->created);
    return n;
}

static int sum_status(const dsync *s, const char *field)
{
    int n = st(s->created, field);
    for (int i = 0; i < s->nrs; i++)
        n += st(s->rs[i], field);
    return n;
}

/* ---- writes ---- */

/* Sets spec.replicas (and the replica annotations) as kube's scaleReplicaSetAndRecordEvent. The
 * in-memory copy follows, so later steps of this sync see it. Returns true when it scaled. */
static bool scale(dsync *s, cJSON *rs, int to)
{
    int from = spec_of(rs);
    if (from == to)
        return false;
    char desired[16], max[16];
    snprintf(desired, sizeof desired, "%d", s->replicas);
    snprintf(max, sizeof max, "%d", s->replicas + s->surge);
    cJSON *patch = cJSON_CreateObject();
    cJSON *ann = cJSON_AddObjectToObject(cJSON_AddObjectToObject(patch, "metadata"), "annotations");
    cJSON_AddStringToObject(ann, DESIRED, desired);
    cJSON_AddStringToObject(ann, MAX_REPLICAS, max);
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(patch, "spec"), "replicas", to);
    const char *name = cj_str(rs, "metadata.name");
    unsigned code = fa_sim_write(s->f, &fa_sim_deployment, "PATCH", RS_KEY, s->ns, name, NULL,
                                 "application/merge-patch+json", patch, NULL);
    cJSON_Delete(patch);
    if (code != 200) {
        fa_sim_enqueue(s->f, &fa_sim_deployment, s->ns, s->name, fa_sim_now(s->f) + RETRY_MS);
        return false;
    }
    cj_set_num(cj_obj(rs, "spec"), "replicas", to);
    fa_sim_event(s->f, CTL, s->d, "Normal", "ScalingReplicaSet", "Scaled %s replica set %s from %d to %d",
                 to > from ? "up" : "down", name, from, to);
    return true;
}

static void set_condition(cJSON *conds, const char *type, const char *status, const char *reason, const char *msg,
                          int64_t now, bool touch);

/* Creates the new ReplicaSet with `replicas` pods (kube's getNewReplicaSet). Returns -1 on a
 * hash collision (collisionCount was bumped: the status write brings a retry) or error. */
static int create_new(dsync *s, long revision, int replicas, cJSON *status)
{
    const cJSON *tmpl = cj_get(s->d, "spec.template");
    char hash[16], name[320], rev[24], desired[16], max[16];
    template_hash(tmpl, cj_get(s->d, "status.collisionCount"), hash);
    snprintf(name, sizeof name, "%.240s-%s", s->name, hash);
    snprintf(rev, sizeof rev, "%ld", revision);
    snprintf(desired, sizeof desired, "%d", s->replicas);
    snprintf(max, sizeof max, "%d", s->replicas + s->surge);

    cJSON *rs = cJSON_CreateObject();
    cJSON_AddStringToObject(rs, "apiVersion", "apps/v1");
    cJSON_AddStringToObject(rs, "kind", "ReplicaSet");
    cJSON *meta = cJSON_AddObjectToObject(rs, "metadata");
    cJSON_AddStringToObject(meta, "name", name);
    cJSON_AddStringToObject(meta, "namespace", s->ns);
    cJSON *t = cJSON_Duplicate(tmpl, 1);
    cj_set_str(cj_obj(cj_obj(t, "metadata"), "labels"), HASH_LABEL, hash);
    cJSON_AddItemToObject(meta, "labels", cJSON_Duplicate(cj_get(t, "metadata.labels"), 1));
    /* the Deployment's annotations, minus those kube never copies (skipCopyAnnotation) */
    cJSON *ann = cJSON_AddObjectToObject(meta, "annotations");
    const cJSON *a;
    cJSON_ArrayForEach(a, cj_get(s->d, "metadata.annotations"))
    {
        if (strncmp(a->string, "deployment.kubernetes.io/", 25) &&
            strcmp(a->string, "kubectl.kubernetes.io/last-applied-configuration") &&
            strcmp(a->string, "deprecated.deployment.rollback.to"))
            cJSON_AddItemToObject(ann, a->string, cJSON_Duplicate(a, 1));
    }
    cJSON_AddStringToObject(ann, DESIRED, desired);
    cJSON_AddStringToObject(ann, MAX_REPLICAS, max);
    cJSON_AddStringToObject(ann, REVISION, rev);
    cJSON *ref = cJSON_CreateObject();
    cJSON_AddStringToObject(ref, "apiVersion", "apps/v1");
    cJSON_AddStringToObject(ref, "kind", "Deployment");
    cJSON_AddStringToObject(ref, "name", s->name);
    cJSON_AddStringToObject(ref, "uid", cj_str(s->d, "metadata.uid"));
    cJSON_AddBoolToObject(ref, "controller", 1);
    cJSON_AddBoolToObject(ref, "blockOwnerDeletion", 1);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(meta, "ownerReferences"), ref);
    cJSON *spec = cJSON_AddObjectToObject(rs, "spec");
    cJSON_AddNumberToObject(spec, "replicas", replicas);
    cJSON_AddNumberToObject(spec, "minReadySeconds", cj_int(s->d, "spec.minReadySeconds", 0));
    cJSON *sel = cJSON_Duplicate(cj_get(s->d, "spec.selector"), 1);
    if (!sel)
        sel = cJSON_CreateObject();
    cj_set_str(cj_obj(sel, "matchLabels"), HASH_LABEL, hash);
    cJSON_AddItemToObject(spec, "selector", sel);
    cJSON_AddItemToObject(spec, "template", t);

    char *out = NULL;
    unsigned code = fa_sim_write(s->f, &fa_sim_deployment, "POST", RS_KEY, s->ns, NULL, NULL, NULL, rs, &out);
    cJSON_Delete(rs);
    free(out);
    if (code == 409) {
        /* The name is taken. Ours with this template (a sync that lost its result) is the new
         * ReplicaSet; anything else is a hash collision: bump collisionCount, hash again. */
        cJSON *have = fa_sim_get(s->f, RS_KEY, s->ns, name);
        if (have && fa_sim_controlled_by(have, cj_str(s->d, "metadata.uid")) && same_template(have, tmpl)) {
            s->fresh = s->created = have;
            return 0;
        }
        cJSON_Delete(have);
        cj_set_num(status, "collisionCount", cj_int(status, "collisionCount", 0) + 1);
        return -1;
    }
    if (code != 201) {
        fa_sim_enqueue(s->f, &fa_sim_deployment, s->ns, s->name, fa_sim_now(s->f) + RETRY_MS);
        return -1;
    }
    s->fresh = s->created = fa_sim_get(s->f, RS_KEY, s->ns, name);
    if (replicas > 0)
        fa_sim_event(s->f, CTL, s->d, "Normal", "ScalingReplicaSet", "Scaled up replica set %s from 0 to %d", name,
                     replicas);
    /* a fresh rollout starts its progress clock now (NewReplicaSetCreated) */
    char msg[400];
    snprintf(msg, sizeof msg, "Created new replica set \"%s\"", name);
    set_condition(cJSON_GetObjectItemCaseSensitive(status, "conditions"), "Progressing", "True",
                  "NewReplicaSetCreated", msg, fa_sim_now(s->f), false);
    return 0;
}

/* ---- the rollout steps (kube's rolling.go and recreate.go) ---- */

/* NewRSNewReplicas for RollingUpdate: up to replicas + maxSurge pods in all. */
static int rolling_new_size(const dsync *s)
{
    int cur = spec_of(s->fresh), total = sum_spec(s, false), max_total = s->replicas + s->surge;
    if (total >= max_total)
        return cur;
    int up = max_total - total;
    return cur + (up < s->replicas - cur ? up : s->replicas - cur);
}

static bool reconcile_new(dsync *s)
{
    int cur = spec_of(s->fresh);
    if (!s->fresh || cur == s->replicas)
        return false;
    return scale(s, s->fresh, cur > s->replicas ? s->replicas : rolling_new_size(s));
}

/* Scales old ReplicaSets down while keeping replicas - maxUnavailable pods available: first
 * their unavailable pods (cleanupUnhealthyReplicas), then available ones. */
static bool reconcile_old(dsync *s)
{
    if (sum_spec(s, true) == 0)
        return false;
    int min_available = s->replicas - s->unavailable;
    int new_unavailable = spec_of(s->fresh) - st(s->fresh, "availableReplicas");
    int max_down = sum_spec(s, false) - min_available - new_unavailable;
    if (max_down <= 0)
        return false;
    bool scaled_any = false;
    int done = 0;
    for (int i = 0; i < s->nrs && done < max_down; i++) {
        cJSON *rs = s->rs[i];
        int n = spec_of(rs), unhealthy = n - st(rs, "availableReplicas");
        if (!is_old(s, rs) || n == 0 || unhealthy <= 0)
            continue;
        int down = unhealthy < max_down - done ? unhealthy : max_down - done;
        scaled_any |= scale(s, rs, n - down);
        done += down;
    }
    int avail = sum_status(s, "availableReplicas");
    if (avail <= min_available)
        return scaled_any;
    int budget = avail - min_available;
    for (int i = 0; i < s->nrs && budget > 0; i++) {
        cJSON *rs = s->rs[i];
        int n = spec_of(rs);
        if (!is_old(s, rs) || n == 0)
            continue;
        int down = n < budget ? n : budget;
        scaled_any |= scale(s, rs, n - down);
        budget -= down;
    }
    return scaled_any;
}

/* Recreate's first step: every old ReplicaSet to zero. Returns true when it scaled one. */
static bool scale_old_to_zero(dsync *s)
{
    bool scaled_any = false;
    for (int i = 0; i < s->nrs; i++)
        if (is_old(s, s->rs[i]))
            scaled_any |= scale(s, s->rs[i], 0);
    return scaled_any;
}

/* Are pods of old ReplicaSets still around (terminating ones included)? Recreate waits for that. */
static bool old_pods_running(dsync *s)
{
    for (int i = 0; i < s->nrs; i++) {
        if (!is_old(s, s->rs[i]))
            continue;
        if (st(s->rs[i], "replicas") > 0)
            return true;
        cJSON *pods = fa_sim_dependents(s->f, cj_str(s->rs[i], "metadata.uid"), "pods");
        const cJSON *p;
        bool running = false;
        cJSON_ArrayForEach(p, pods)
        {
            const char *phase = cj_str(p, "status.phase");
            running |= fa_sim_controlled_by(p, cj_str(s->rs[i], "metadata.uid")) &&
                       !(phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")));
        }
        cJSON_Delete(pods);
        if (running)
            return true;
    }
    return false;
}

/* Deletes the oldest fully scaled-down ReplicaSets beyond spec.revisionHistoryLimit. */
static void cleanup(dsync *s)
{
    int limit = cj_int(s->d, "spec.revisionHistoryLimit", 10), n = 0;
    cJSON **cand = calloc((size_t)s->nrs + 1, sizeof *cand);
    for (int i = 0; i < s->nrs; i++) {
        cJSON *rs = s->rs[i];
        if (is_old(s, rs) && spec_of(rs) == 0 && st(rs, "replicas") == 0 && !cj_get(rs, "metadata.deletionTimestamp") &&
            cj_int(rs, "metadata.generation", 0) <= st(rs, "observedGeneration"))
            cand[n++] = rs;
    }
    /* oldest revision first (rs[] is by creation; a stable pass keeps that for equal revisions) */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && revision_of(cand[j - 1]) > revision_of(cand[j]); j--) {
            cJSON *x = cand[j];
            cand[j] = cand[j - 1];
            cand[j - 1] = x;
        }
    for (int i = 0; i < n - limit; i++)
        fa_sim_write(s->f, &fa_sim_deployment, "DELETE", RS_KEY, s->ns, cj_str(cand[i], "metadata.name"), NULL, NULL,
                     NULL, NULL);
    free(cand);
}

/* ---- status ---- */

static cJSON *find_condition(const cJSON *conds, const char *type)
{
    cJSON *c;
    cJSON_ArrayForEach(c, conds) if (cj_str(c, "type") && !strcmp(cj_str(c, "type"), type)) return c;
    return NULL;
}

/* kube's SetDeploymentCondition: the same status and reason leave the condition alone (unless
 * touch, the Progressing special case that refreshes lastUpdateTime on progress); the same status
 * keeps lastTransitionTime. A changed condition moves to the end, as kube's does. */
static void set_condition(cJSON *conds, const char *type, const char *status, const char *reason, const char *msg,
                          int64_t now, bool touch)
{
    cJSON *cur = find_condition(conds, type);
    const char *cs = cj_str(cur, "status"), *cr = cj_str(cur, "reason");
    if (cur && cs && cr && !strcmp(cs, status) && !strcmp(cr, reason) && !touch)
        return;
    char ts[32], ltt[32];
    co_time_rfc3339(now, ts);
    snprintf(ltt, sizeof ltt, "%s", cur && cs && !strcmp(cs, status) && cj_str(cur, "lastTransitionTime")
                                        ? cj_str(cur, "lastTransitionTime") : ts);
    if (cur)
        cJSON_Delete(cJSON_DetachItemViaPointer(conds, cur));
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "type", type);
    cJSON_AddStringToObject(c, "status", status);
    cJSON_AddStringToObject(c, "lastUpdateTime", ts);
    cJSON_AddStringToObject(c, "lastTransitionTime", ltt);
    cJSON_AddStringToObject(c, "reason", reason);
    cJSON_AddStringToObject(c, "message", msg);
    cJSON_AddItemToArray(conds, c);
}

static bool complete(const dsync *s, const cJSON *status)
{
    return cj_int(status, "updatedReplicas", 0) == s->replicas && cj_int(status, "replicas", 0) == s->replicas &&
           cj_int(status, "availableReplicas", 0) == s->replicas &&
           cj_int(status, "observedGeneration", 0) >= cj_int(s->d, "metadata.generation", 0);
}

/* kube's calculateStatus + syncRolloutStatus. base is the status before this sync (with any
 * condition create_new recorded); the result is the status to write. */
static cJSON *compute_status(dsync *s, const cJSON *base, bool paused)
{
    int64_t now = fa_sim_now(s->f);
    int total = sum_spec(s, false), avail = sum_status(s, "availableReplicas");
    int counts[5] = {sum_status(s, "replicas"), st(s->fresh, "replicas"), sum_status(s, "readyReplicas"), avail,
                     total - avail > 0 ? total - avail : 0};
    static const char *const names[5] = {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas",
                                         "unavailableReplicas"};
    cJSON *out = cJSON_CreateObject();
    if (cj_int(s->d, "metadata.generation", 0))
        cJSON_AddNumberToObject(out, "observedGeneration", cj_int(s->d, "metadata.generation", 0));
    for (int i = 0; i < 5; i++)
        if (counts[i]) /* omitempty, as the apps/v1 type */
            cJSON_AddNumberToObject(out, names[i], counts[i]);
    const cJSON *had = cJSON_GetObjectItemCaseSensitive(base, "conditions");
    cJSON *conds = had ? cJSON_Duplicate(had, 1) : cJSON_CreateArray();
    cJSON_AddItemToObject(out, "conditions", conds);
    if (cj_get(base, "collisionCount"))
        cJSON_AddItemToObject(out, "collisionCount", cJSON_Duplicate(cj_get(base, "collisionCount"), 1));

    if (avail >= s->replicas - s->unavailable)
        set_condition(conds, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.",
                      now, false);
    else
        set_condition(conds, "Available", "False", "MinimumReplicasUnavailable",
                      "Deployment does not have minimum availability.", now, false);

    cJSON *cur = find_condition(conds, "Progressing");
    const char *reason = cj_str(cur, "reason");
    int deadline = cj_int(s->d, "spec.progressDeadlineSeconds", 600);
    bool has_deadline = deadline != 2147483647;
    if (paused) {
        if (!reason || strcmp(reason, "DeploymentPaused"))
            set_condition(conds, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now, false);
        return out;
    }
    if (reason && !strcmp(reason, "DeploymentPaused"))
        set_condition(conds, "Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", now, false);
    if (!has_deadline) {
        cJSON_Delete(cJSON_DetachItemViaPointer(conds, find_condition(conds, "Progressing")));
        return out;
    }
    cur = find_condition(conds, "Progressing");
    reason = cj_str(cur, "reason");
    /* a finished rollout (now just scaling or resyncing) is not estimated again */
    if (cj_int(out, "replicas", 0) == cj_int(out, "updatedReplicas", 0) && reason && !strcmp(reason, "NewReplicaSetAvailable"))
        return out;
    char msg[400];
    const char *rsname = cj_str(s->fresh, "metadata.name");
    if (complete(s, out)) {
        snprintf(msg, sizeof msg, "ReplicaSet \"%s\" has successfully progressed.", rsname ? rsname : s->name);
        set_condition(conds, "Progressing", "True", "NewReplicaSetAvailable", msg, now, false);
        return out;
    }
    /* progress: more updated, ready or available pods, or fewer old ones, than base reported */
    int old_before = cj_int(base, "replicas", 0) - cj_int(base, "updatedReplicas", 0);
    int old_now = cj_int(out, "replicas", 0) - cj_int(out, "updatedReplicas", 0);
    if (cj_int(out, "updatedReplicas", 0) > cj_int(base, "updatedReplicas", 0) || old_now < old_before ||
        cj_int(out, "readyReplicas", 0) > cj_int(base, "readyReplicas", 0) ||
        cj_int(out, "availableReplicas", 0) > cj_int(base, "availableReplicas", 0)) {
        snprintf(msg, sizeof msg, "ReplicaSet \"%s\" is progressing.", rsname ? rsname : s->name);
        set_condition(conds, "Progressing", "True", "ReplicaSetUpdated", msg, now, true);
        return out;
    }
    /* no progress: time out after progressDeadlineSeconds without any, else look again then */
    int64_t since;
    if (!cur || (reason && !strcmp(reason, "ProgressDeadlineExceeded")) ||
        co_time_parse(cj_str(cur, "lastUpdateTime"), &since) != 0)
        return out;
    int64_t due = since + (int64_t)deadline * 1000;
    if (due < now) {
        snprintf(msg, sizeof msg, "ReplicaSet \"%s\" has timed out progressing.", rsname ? rsname : s->name);
        set_condition(conds, "Progressing", "False", "ProgressDeadlineExceeded", msg, now, false);
    } else {
        fa_sim_enqueue(s->f, &fa_sim_deployment, s->ns, s->name, due + 1000);
    }
    return out;
}

/* Writes status (and the Deployment's revision annotation, which kube also sets through the
 * status subresource) when either changed. */
static void write_status(dsync *s, cJSON *status, long revision)
{
    cJSON *cur = fa_sim_get(s->f, D_KEY, s->ns, s->name);
    if (!cur)
        return;
    char rev[24] = "";
    if (revision > 0)
        snprintf(rev, sizeof rev, "%ld", revision);
    const char *had = annotation(cur, REVISION);
    bool rev_changed = *rev && (!had || strcmp(had, rev));
    if (rev_changed)
        cj_set_str(cj_obj(cj_obj(cur, "metadata"), "annotations"), REVISION, rev);
    if (rev_changed || !cj_equal(cj_get(cur, "status"), status)) {
        cj_set(cur, "status", cJSON_Duplicate(status, 1));
        if (fa_sim_write(s->f, &fa_sim_deployment, "PUT", D_KEY, s->ns, s->name, "status", NULL, cur, NULL) != 200)
            fa_sim_enqueue(s->f, &fa_sim_deployment, s->ns, s->name, fa_sim_now(s->f) + RETRY_MS);
    }
    cJSON_Delete(cur);
}

/* ---- sync ---- */

static int by_creation(const void *x, const void *y)
{
    const cJSON *a = *(cJSON *const *)x, *b = *(cJSON *const *)y;
    int64_t ta = 0, tb = 0;
    co_time_parse(cj_str(a, "metadata.creationTimestamp"), &ta);
    co_time_parse(cj_str(b, "metadata.creationTimestamp"), &tb);
    if (ta != tb)
        return ta < tb ? -1 : 1;
    return strcmp(cj_str(a, "metadata.name"), cj_str(b, "metadata.name"));
}

/* The single active ReplicaSet (or the newest when none is active) gets spec.replicas: kube's
 * scale step for a paused Deployment. Several active ones are left alone. */
static void scale_paused(dsync *s)
{
    cJSON *only = NULL;
    int active = 0;
    for (int i = 0; i < s->nrs; i++)
        if (spec_of(s->rs[i]) > 0) {
            only = s->rs[i];
            active++;
        }
    if (active == 0 && s->nrs)
        only = s->fresh ? s->fresh : s->rs[s->nrs - 1];
    if (active <= 1 && only)
        scale(s, only, s->replicas);
}

static void sync_deployment(fakeapi *f, const char *ns, const char *name)
{
    cJSON *d = fa_sim_get(f, D_KEY, ns, name);
    if (!d || cj_get(d, "metadata.deletionTimestamp")) {
        cJSON_Delete(d);
        return;
    }
    dsync s = {.f = f, .d = d, .ns = ns, .name = name, .replicas = cj_int(d, "spec.replicas", 1)};
    fenceposts(&s);
    const char *uid = cj_str(d, "metadata.uid");
    cJSON *list = fa_sim_dependents(f, uid, RS_KEY), *rs;
    s.rs = calloc((size_t)cJSON_GetArraySize(list) + 1, sizeof *s.rs);
    cJSON_ArrayForEach(rs, list) if (fa_sim_controlled_by(rs, uid) && !cj_get(rs, "metadata.deletionTimestamp"))
        s.rs[s.nrs++] = rs;
    qsort(s.rs, (size_t)s.nrs, sizeof *s.rs, by_creation);

    const cJSON *tmpl = cj_get(d, "spec.template");
    long max_old = 0;
    for (int i = 0; i < s.nrs; i++)
        if (!s.fresh && same_template(s.rs[i], tmpl))
            s.fresh = s.rs[i]; /* the oldest match, as FindNewReplicaSet */
    for (int i = 0; i < s.nrs; i++)
        if (is_old(&s, s.rs[i]) && revision_of(s.rs[i]) > max_old)
            max_old = revision_of(s.rs[i]);
    long revision = max_old + 1;

    cJSON *base = cj_get(d, "status") ? cJSON_Duplicate(cj_get(d, "status"), 1) : cJSON_CreateObject();
    if (!cJSON_GetObjectItemCaseSensitive(base, "conditions"))
        cJSON_AddArrayToObject(base, "conditions");
    bool paused = cJSON_IsTrue(cj_get(d, "spec.paused"));
    bool was_complete = complete(&s, cj_get(d, "status"));

    /* an existing new ReplicaSet takes the newest revision (a template rolled back to) */
    if (s.fresh && revision_of(s.fresh) < revision && !paused) {
        char rev[24];
        snprintf(rev, sizeof rev, "%ld", revision);
        cJSON *patch = cJSON_CreateObject();
        cj_set_str(cj_obj(cj_obj(patch, "metadata"), "annotations"), REVISION, rev);
        if (fa_sim_write(f, &fa_sim_deployment, "PATCH", RS_KEY, ns, cj_str(s.fresh, "metadata.name"), NULL,
                         "application/merge-patch+json", patch, NULL) == 200)
            cj_set_str(cj_obj(cj_obj(s.fresh, "metadata"), "annotations"), REVISION, rev);
        cJSON_Delete(patch);
    }

    /* one step per sync, as kube's rolloutRolling / rolloutRecreate; the old status decides
     * whether the rollout was complete enough to prune history */
    if (paused) {
        scale_paused(&s);
    } else if (s.rolling) {
        if ((s.fresh || create_new(&s, revision, rolling_new_size(&s), base) == 0) && !reconcile_new(&s) &&
            !reconcile_old(&s) && was_complete)
            cleanup(&s);
    } else if (!scale_old_to_zero(&s) && !old_pods_running(&s)) {
        if ((s.fresh || create_new(&s, revision, s.replicas, base) == 0) && !scale(&s, s.fresh, s.replicas) &&
            was_complete)
            cleanup(&s);
    }
    cJSON *out = compute_status(&s, base, paused);
    write_status(&s, out, s.fresh ? revision_of(s.fresh) : 0);
    cJSON_Delete(out);
    cJSON_Delete(base);
    cJSON_Delete(s.created);
    free(s.rs);
    cJSON_Delete(list);
    cJSON_Delete(d);
}

const fa_sim_ctl fa_sim_deployment = {.name = "deployment-controller", .on_change = on_change, .sync = sync_deployment};
