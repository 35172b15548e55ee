/* replicaset.c: the simulated ReplicaSet controller (kube-controller-manager's replicaset
 * controller): keeps spec.replicas active pods per ReplicaSet, creating them from the template
 * with generateName and a controller ownerReference, deleting the least valuable ones first
 * (kube's getPodsToDelete ranking), and reports replicas / fullyLabeled / ready / available
 * counts and observedGeneration in the status subresource.
 *
 * There are no expectations or informer caches to reconcile: every write goes through the store
 * synchronously, so the next sync already sees it. Timers (minReadySeconds) are re-enqueues of
 * the ReplicaSet at the time a pod becomes available. */
#include "fakeapi/sim/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BURST 500          /* creations or deletions per sync, as kube's burstReplicas */
#define RETRY_MS 1000      /* back-off after a failed write (kube's rate-limited requeue) */
#define DELETION_COST "controller.kubernetes.io/pod-deletion-cost"


/* A string member by key, not dotted path: label and annotation keys may have dots in them. */
static const char *member(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}


static bool active(const cJSON *pod)
{
    const char *phase = cj_str(pod, "status.phase");
    return !fa_deleting(pod) && !(phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")));
}

/* The Ready condition's lastTransitionTime in ms, or -1 when unknown. */
static int64_t ready_since(const cJSON *pod)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cj_get(pod, "status.conditions"))
    {
        const char *t = cj_str(c, "type");
        int64_t ms;
        if (t && !strcmp(t, "Ready"))
            return co_time_parse(cj_str(c, "lastTransitionTime"), &ms) == 0 ? ms : -1;
    }
    return -1;
}

/* kube's IsPodAvailable: Ready, and Ready for strictly longer than minReadySeconds. When the pod
 * is Ready but not yet available, *later gets the first ms at which it will be. */
static bool available(const cJSON *pod, int min_ready, int64_t now, int64_t *later)
{
    if (!fa_sim_pod_ready(pod))
        return false;
    if (min_ready <= 0)
        return true;
    int64_t since = ready_since(pod);
    if (since < 0) /* kube: a zero lastTransitionTime never counts as available */
        return false;
    int64_t at = since + (int64_t)min_ready * 1000 + 1;
    if (at <= now)
        return true;
    if (at < *later)
        *later = at;
    return false;
}

/* Does the pod carry every label of the template (fullyLabeledReplicas)? */
static bool fully_labeled(const cJSON *pod, const cJSON *want)
{
    const cJSON *l;
    cJSON_ArrayForEach(l, want)
    {
        const char *have = member(cj_get(pod, "metadata.labels"), l->string);
        if (!cJSON_IsString(l) || !have || strcmp(have, l->valuestring))
            return false;
    }
    return true;
}

static void on_change(fakeapi *f, const fa_change *c)
{
    if (!strcmp(c->res->key, "replicasets.apps")) {
        fa_sim_enqueue(f, &fa_sim_replicaset, c->ns, c->name, 0);
        return;
    }
    if (strcmp(c->res->key, "pods"))
        return;
    const cJSON *ref;
    cJSON_ArrayForEach(ref, cj_get(c->obj, "metadata.ownerReferences"))
    {
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref, "controller")))
            continue;
        const char *kind = cj_str(ref, "kind"), *name = cj_str(ref, "name");
        if (kind && name && !strcmp(kind, "ReplicaSet"))
            fa_sim_enqueue(f, &fa_sim_replicaset, c->ns, name, 0);
        return; /* only one controller reference counts */
    }
}

/* ---- scaling up ---- */

/* A label selector from spec.selector, for adoption. */
static labelsel *selector_of(const cJSON *sel)
{
    char err[256], *s = labelsel_string(sel);
    /* an empty selector would select every pod in the namespace: adopt nothing then */
    labelsel *ls = *s ? labelsel_parse(s, err, sizeof err) : NULL;
    free(s);
    return ls;
}

static cJSON *owner_ref(const cJSON *rs)
{
    cJSON *ref = cJSON_CreateObject();
    cJSON_AddStringToObject(ref, "apiVersion", "apps/v1");
    cJSON_AddStringToObject(ref, "kind", "ReplicaSet");
    cJSON_AddStringToObject(ref, "name", cj_str(rs, "metadata.name"));
    cJSON_AddStringToObject(ref, "uid", cj_str(rs, "metadata.uid"));
    cJSON_AddBoolToObject(ref, "controller", 1);
    cJSON_AddBoolToObject(ref, "blockOwnerDeletion", 1);
    return ref;
}

/* Adopts up to want orphan pods of the namespace that the selector matches (kube's
 * ClaimPods, done only when pods are missing; the store's owner index finds the orphans, so
 * owned pods are never even parsed).
 * Returns how many were adopted. */
static int adopt(fakeapi *f, const cJSON *rs, const char *ns, int want)
{
    labelsel *ls = selector_of(cj_get(rs, "spec.selector"));
    if (!ls)
        return 0;
    cJSON *pods = fa_sim_orphans(f, "pods", ns);
    int adopted = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, pods)
    {
        if (adopted >= want)
            break;
        bool owned = false;
        const cJSON *ref;
        cJSON_ArrayForEach(ref, cj_get(p, "metadata.ownerReferences"))
            owned |= cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref, "controller"));
        if (owned || !active(p) || !labelsel_matches(ls, cj_get(p, "metadata.labels")))
            continue;
        /* keep any other owner references; a merge patch replaces the whole list */
        cJSON *patch = cJSON_CreateObject(), *meta = cJSON_AddObjectToObject(patch, "metadata");
        cJSON *refs = cj_get(p, "metadata.ownerReferences") ? cJSON_Duplicate(cj_get(p, "metadata.ownerReferences"), 1)
                                                             : cJSON_CreateArray();
        cJSON_AddItemToArray(refs, owner_ref(rs));
        cJSON_AddItemToObject(meta, "ownerReferences", refs);
        cJSON_AddStringToObject(meta, "uid", cj_str(p, "metadata.uid")); /* adopt this pod, not a namesake */
        unsigned code = fa_sim_write(f, &fa_sim_replicaset, "PATCH", "pods", ns, cj_str(p, "metadata.name"), NULL,
                                     "application/merge-patch+json", patch, NULL);
        cJSON_Delete(patch);
        adopted += code == 200;
    }
    cJSON_Delete(pods);
    labelsel_free(ls);
    return adopted;
}

/* Creates n pods from the template. Returns 0, or -1 after a failed create (reported in err). */
static int create_pods(fakeapi *f, const cJSON *rs, const char *ns, int n, char *err, size_t errlen)
{
    char gen[300];
    snprintf(gen, sizeof gen, "%s-", cj_str(rs, "metadata.name"));
    const cJSON *tmeta = cj_get(rs, "spec.template.metadata");
    cJSON *pod = cJSON_CreateObject();
    cJSON_AddStringToObject(pod, "apiVersion", "v1");
    cJSON_AddStringToObject(pod, "kind", "Pod");
    cJSON *meta = cJSON_AddObjectToObject(pod, "metadata");
    cJSON_AddStringToObject(meta, "generateName", gen);
    cJSON_AddStringToObject(meta, "namespace", ns);
    static const char *const copied[] = {"labels", "annotations", "finalizers"};
    for (int i = 0; i < 3; i++)
        if (cJSON_GetObjectItemCaseSensitive(tmeta, copied[i]))
            cJSON_AddItemToObject(meta, copied[i], cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(tmeta, copied[i]), 1));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(meta, "ownerReferences"), owner_ref(rs));
    const cJSON *tspec = cj_get(rs, "spec.template.spec");
    cJSON_AddItemToObject(pod, "spec", tspec ? cJSON_Duplicate(tspec, 1) : cJSON_CreateObject());
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        char *out = NULL;
        unsigned code = fa_sim_write(f, &fa_sim_replicaset, "POST", "pods", ns, NULL, NULL, NULL, pod, &out);
        cJSON *res = out ? cJSON_Parse(out) : NULL;
        if (code == 201) {
            fa_sim_event(f, fa_sim_replicaset.name, rs, "Normal", "SuccessfulCreate", "Created pod: %s",
                         cj_str(res, "metadata.name"));
        } else {
            snprintf(err, errlen, "%s", cj_str(res, "message") ? cj_str(res, "message") : "pod creation failed");
            fa_sim_event(f, fa_sim_replicaset.name, rs, "Warning", "FailedCreate", "Error creating: %s", err);
            rc = -1;
        }
        cJSON_Delete(res);
        free(out);
    }
    cJSON_Delete(pod);
    return rc;
}

/* ---- scaling down ---- */

/* A pod with the keys kube's ActivePodsWithRanks sorts on, precomputed. */
typedef struct {
    const cJSON *pod;
    const char *name;
    int assigned, phase, ready, restarts;
    int64_t ready_at, created;
    double cost;
} ranked;

static int phase_rank(const char *phase)
{
    /* kube's podPhaseToOrdinal: Pending 0, Unknown 1, Running 2 (others count as 0) */
    return phase && !strcmp(phase, "Running") ? 2 : phase && !strcmp(phase, "Unknown") ? 1 : 0;
}

static ranked rank_of(const cJSON *pod)
{
    ranked r = {.pod = pod, .name = cj_str(pod, "metadata.name")};
    r.assigned = cj_str(pod, "spec.nodeName") && *cj_str(pod, "spec.nodeName");
    r.phase = phase_rank(cj_str(pod, "status.phase"));
    r.ready = fa_sim_pod_ready(pod);
    r.ready_at = ready_since(pod);
    const char *cost = member(cj_get(pod, "metadata.annotations"), DELETION_COST);
    r.cost = cost ? atof(cost) : 0;
    static const char *const lists[] = {"status.containerStatuses", "status.initContainerStatuses"};
    for (int i = 0; i < 2; i++) {
        const cJSON *cs;
        cJSON_ArrayForEach(cs, cj_get(pod, lists[i]))
        {
            int n = cj_int(cs, "restartCount", 0);
            if (n > r.restarts)
                r.restarts = n;
        }
    }
    if (co_time_parse(cj_str(pod, "metadata.creationTimestamp"), &r.created) != 0)
        r.created = 0;
    return r;
}

/* Negative when a should be deleted before b. */
static int cmp_rank(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->assigned != b->assigned) /* unscheduled first */
        return a->assigned - b->assigned;
    if (a->phase != b->phase) /* Pending < Unknown < Running */
        return a->phase - b->phase;
    if (a->ready != b->ready) /* not ready first */
        return a->ready - b->ready;
    if (a->cost != b->cost) /* lower pod-deletion-cost first */
        return a->cost < b->cost ? -1 : 1;
    if (a->ready && a->ready_at != b->ready_at) /* ready more recently first */
        return a->ready_at > b->ready_at ? -1 : 1;
    if (a->restarts != b->restarts) /* more restarts first */
        return b->restarts - a->restarts;
    if (a->created != b->created) /* newer first */
        return a->created > b->created ? -1 : 1;
    return strcmp(a->name ? a->name : "", b->name ? b->name : "");
}

static void delete_pods(fakeapi *f, const cJSON *rs, const char *ns, ranked *pods, int npods, int n)
{
    qsort(pods, (size_t)npods, sizeof *pods, cmp_rank);
    for (int i = 0; i < n && i < npods; i++) {
        unsigned code = fa_sim_write(f, &fa_sim_replicaset, "DELETE", "pods", ns, pods[i].name, NULL, NULL, NULL, NULL);
        if (code == 200 || code == 202)
            fa_sim_event(f, fa_sim_replicaset.name, rs, "Normal", "SuccessfulDelete", "Deleted pod: %s", pods[i].name);
        else if (code != 404) {
            fa_sim_event(f, fa_sim_replicaset.name, rs, "Warning", "FailedDelete", "Error deleting: pod %s: code %u",
                         pods[i].name, code);
            fa_sim_enqueue(f, &fa_sim_replicaset, ns, cj_str(rs, "metadata.name"), fa_sim_now(f) + RETRY_MS);
        }
    }
}

/* ---- status ---- */

/* The status kube's calculateStatus would report, with ReplicaFailure set while creations fail.
 * *later gets the time the next pod becomes available (INT64_MAX: none pending). */
static cJSON *compute_status(fakeapi *f, const cJSON *rs, const cJSON *pods, const char *create_err, int64_t *later)
{
    int replicas = 0, labeled = 0, ready = 0, avail = 0;
    int min_ready = cj_int(rs, "spec.minReadySeconds", 0);
    int64_t now = fa_sim_now(f);
    const cJSON *want = cj_get(rs, "spec.template.metadata.labels"), *p;
    cJSON_ArrayForEach(p, pods)
    {
        if (!active(p))
            continue;
        replicas++;
        labeled += fully_labeled(p, want);
        ready += fa_sim_pod_ready(p);
        avail += available(p, min_ready, now, later);
    }
    const cJSON *old = cj_get(rs, "status");
    cJSON *st = cJSON_CreateObject();
    /* the order and omitempty of apps/v1 ReplicaSetStatus */
    cJSON_AddNumberToObject(st, "replicas", replicas);
    if (labeled)
        cJSON_AddNumberToObject(st, "fullyLabeledReplicas", labeled);
    if (ready)
        cJSON_AddNumberToObject(st, "readyReplicas", ready);
    if (avail)
        cJSON_AddNumberToObject(st, "availableReplicas", avail);
    if (cj_int(rs, "metadata.generation", 0))
        cJSON_AddNumberToObject(st, "observedGeneration", cj_int(rs, "metadata.generation", 0));
    cJSON *conds = cJSON_CreateArray();
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(old, "conditions"))
    {
        if (cj_str(c, "type") && !strcmp(cj_str(c, "type"), "ReplicaFailure"))
            continue; /* re-added below while failing; removed once creations succeed */
        cJSON_AddItemToArray(conds, cJSON_Duplicate(c, 1));
    }
    if (create_err) {
        const cJSON *was = NULL;
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(old, "conditions"))
            if (cj_str(c, "type") && !strcmp(cj_str(c, "type"), "ReplicaFailure")) was = c;
        char ts[32];
        cJSON *fc = cJSON_CreateObject();
        cJSON_AddStringToObject(fc, "type", "ReplicaFailure");
        cJSON_AddStringToObject(fc, "status", "True");
        cJSON_AddStringToObject(fc, "lastTransitionTime",
                                was && cj_str(was, "lastTransitionTime") ? cj_str(was, "lastTransitionTime")
                                                                          : co_time_rfc3339(now, ts));
        cJSON_AddStringToObject(fc, "reason", "FailedCreate");
        cJSON_AddStringToObject(fc, "message", create_err);
        cJSON_AddItemToArray(conds, fc);
    }
    if (cJSON_GetArraySize(conds))
        cJSON_AddItemToObject(st, "conditions", conds);
    else
        cJSON_Delete(conds);
    return st;
}

static void write_status(fakeapi *f, const char *ns, const char *name, cJSON *st)
{
    cJSON *cur = fa_sim_get(f, "replicasets.apps", ns, name); /* fresh: our own writes moved it on */
    if (cur && !cj_equal(cj_get(cur, "status"), st)) {
        cj_set(cur, "status", cJSON_Duplicate(st, 1));
        if (fa_sim_write(f, &fa_sim_replicaset, "PUT", "replicasets.apps", ns, name, "status", NULL, cur, NULL) != 200)
            fa_sim_enqueue(f, &fa_sim_replicaset, ns, name, fa_sim_now(f) + RETRY_MS);
    }
    cJSON_Delete(cur);
}

/* ---- sync ---- */

/* This ReplicaSet's pods: those whose controller reference is its uid. */
static cJSON *owned_pods(fakeapi *f, const char *uid)
{
    cJSON *all = fa_sim_dependents(f, uid, "pods"), *mine = cJSON_CreateArray();
    cJSON *p;
    while ((p = cJSON_DetachItemFromArray(all, 0)))
        if (fa_sim_controlled_by(p, uid))
            cJSON_AddItemToArray(mine, p);
        else
            cJSON_Delete(p);
    cJSON_Delete(all);
    return mine;
}

static void sync_replicaset(fakeapi *f, const char *ns, const char *name)
{
    cJSON *rs = fa_sim_get(f, "replicasets.apps", ns, name);
    if (!rs || fa_deleting(rs)) { /* a deleting ReplicaSet is the garbage collector's business */
        cJSON_Delete(rs);
        return;
    }
    const char *uid = cj_str(rs, "metadata.uid");
    cJSON *pods = owned_pods(f, uid);
    int nactive = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, pods) nactive += active(p);
    int diff = cj_int(rs, "spec.replicas", 1) - nactive;
    char err[512];
    const char *create_err = NULL;
    bool wrote = diff != 0;
    if (diff > 0) {
        diff -= adopt(f, rs, ns, diff);
        int n = diff > BURST ? BURST : diff;
        if (n > 0 && create_pods(f, rs, ns, n, err, sizeof err) != 0) {
            create_err = err;
            fa_sim_enqueue(f, &fa_sim_replicaset, ns, name, fa_sim_now(f) + RETRY_MS);
        } else if (diff > n) {
            fa_sim_enqueue(f, &fa_sim_replicaset, ns, name, 0); /* the rest in the next sync */
        }
    } else if (diff < 0) {
        ranked *r = calloc((size_t)nactive, sizeof *r);
        int n = 0;
        cJSON_ArrayForEach(p, pods) if (active(p)) r[n++] = rank_of(p);
        delete_pods(f, rs, ns, r, n, -diff > BURST ? BURST : -diff);
        if (-diff > BURST)
            fa_sim_enqueue(f, &fa_sim_replicaset, ns, name, 0);
        free(r);
    }
    if (wrote) { /* report what is there now, not what was there before this sync */
        cJSON_Delete(pods);
        pods = owned_pods(f, uid);
    }
    int64_t later = INT64_MAX;
    cJSON *st = compute_status(f, rs, pods, create_err, &later);
    write_status(f, ns, name, st);
    if (later != INT64_MAX) /* minReadySeconds: come back when the next pod becomes available */
        fa_sim_enqueue(f, &fa_sim_replicaset, ns, name, later);
    cJSON_Delete(st);
    cJSON_Delete(pods);
    cJSON_Delete(rs);
}

const fa_sim_ctl fa_sim_replicaset = {.name = "replicaset-controller", .on_change = on_change, .sync = sync_replicaset};
