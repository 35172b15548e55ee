/* sync.c: what every strategy shares in a reconcile (Argo's rollout/sync.go, replicaset.go,
 * service.go and pause.go): the new ReplicaSet and its revision, scaling with Argo's events and
 * annotations, scale-down deadlines, revision-history cleanup, the status (base fields,
 * conditions, pause and abort) and its merge patch to the status subresource, and the Service
 * selector switch. Writes go through the kube client; each reply replaces the reconcile's own copy
 * (the informer caches follow through their watches). */
#include "controller/rollout/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controller/actions.h"
#include "controller/rollout/canarymath.h"
#include "controller/rollout/status.h"

const kube_gvr ro_rs_gvr = {"apps", "v1", "replicasets", 1};
const kube_gvr ro_svc_gvr = {"", "v1", "services", 1};
const kube_gvr ro_ing_gvr = {"networking.k8s.io", "v1", "ingresses", 1};

/* ---- logs and events ---- */

void ro_log(ro_controller *rc, ro_log_level lvl, const char *ns, const char *name, const char *fmt, ...)
{
    if (lvl < rc->o.log_level || rc->o.log_level == RO_LOG_OFF)
        return;
    static const char *const names[] = {"debug", "info", "warning", "error"};
    char msg[2048], ts[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    FILE *out = rc->o.log ? rc->o.log : stderr;
    fprintf(out, "time=\"%s\" level=%s", co_time_rfc3339(co_clock_now_ms(rc->clock), ts), names[lvl]);
    if (name)
        fprintf(out, " namespace=%s rollout=%s", ns ? ns : "", name);
    fputs(" msg=\"", out);
    for (const char *p = msg; *p; p++) {
        if (*p == '"' || *p == '\\')
            fputc('\\', out);
        fputc(*p == '\n' ? ' ' : *p, out);
    }
    fputs("\"\n", out);
    fflush(out);
}

void ro_event(ro_ctx *x, const char *type, const char *reason, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    kube_status st;
    ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Event(%s): %s: %s", type, reason, msg);
    if (kube_event(x->rc->rec, x->ro, type, reason, msg, &st) != 0)
        ro_log(x->rc, RO_LOG_WARN, x->ns, x->name, "recording event %s: %s", reason, st.message);
}

void ro_requeue_after(ro_ctx *x, int64_t ms)
{
    if (ms < 0)
        ms = 0;
    if (x->requeue_ms == 0 || ms < x->requeue_ms)
        x->requeue_ms = ms > 0 ? ms : 1;
}

/* ---- small readers ---- */

const char *ro_rs_hash(const cJSON *rs)
{
    const cJSON *labels = cj_get(rs, "metadata.labels");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(labels, RO_POD_TEMPLATE_HASH_LABEL);
    return cJSON_IsString(h) ? h->valuestring : "";
}

int ro_rs_replicas(const cJSON *rs)
{
    const cJSON *r = cj_get(rs, "spec.replicas");
    return cJSON_IsNumber(r) ? r->valueint : 1;
}

int ro_rs_available(const cJSON *rs) { return cj_int(rs, "status.availableReplicas", 0); }

const char *ro_annotation(const cJSON *obj, const char *key)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(cj_get(obj, "metadata.annotations"), key);
    return cJSON_IsString(a) ? a->valuestring : NULL;
}

long ro_revision_of(const cJSON *obj)
{
    const char *v = ro_annotation(obj, RO_ANN_REVISION);
    if (!v)
        return 0;
    char *end;
    long r = strtol(v, &end, 10);
    return *end || r < 0 ? 0 : r;
}

cJSON *ro_rs_by_hash(ro_ctx *x, const char *hash)
{
    if (!hash || !*hash)
        return NULL;
    cJSON *rs;
    cJSON_ArrayForEach(rs, x->rss)
    {
        if (!strcmp(ro_rs_hash(rs), hash))
            return rs;
    }
    return NULL;
}

bool ro_has_scale_down_deadline(const cJSON *rs) { return rs && ro_annotation(rs, RO_ANN_SCALE_DOWN_DEADLINE); }

const cJSON *ro_pause_condition(const cJSON *status, const char *reason)
{
    const cJSON *pc;
    cJSON_ArrayForEach(pc, cj_get(status, "pauseConditions"))
    {
        if (cj_streq(cj_str(pc, "reason"), reason))
            return pc;
    }
    return NULL;
}

bool ro_is_aborted(const ro_ctx *x)
{
    if (x->remove_abort)
        return false;
    return x->add_abort || cJSON_IsTrue(cj_get(x->status, "abort"));
}

/* Moves src's members into dst (dst keeps its identity; src is freed). */
void ro_take(cJSON *dst, cJSON *src)
{
    cJSON *old = dst->child;
    dst->child = src->child;
    src->child = old;
    cJSON_Delete(src);
}

/* After a write of the rollout: the reply becomes the context's rollout (as Argo's c.rollout =
   updatedRollout). */
void ro_took_rollout(ro_ctx *x, cJSON *reply)
{
    ro_take(x->ro, reply);
    cJSON *st = cJSON_GetObjectItemCaseSensitive(x->ro, "status");
    if (!cJSON_IsObject(st)) {
        cJSON_DeleteItemFromObjectCaseSensitive(x->ro, "status");
        st = cJSON_AddObjectToObject(x->ro, "status");
    }
    x->status = st;
    x->name = cj_str(x->ro, "metadata.name");
    x->ns = cj_str(x->ro, "metadata.namespace");
    ro_defaults(x->ro, &x->spec); /* its strings pointed into the old copy */
}


int ro_patch_rs(ro_ctx *x, cJSON *rs, kube_patch_type t, const char *body)
{
    kube_status st;
    cJSON *out = kube_patch(x->rc->client, &ro_rs_gvr, x->ns, cj_str(rs, "metadata.name"), t, body, NULL, &st);
    if (!out) {
        ro_log(x->rc, RO_LOG_WARN, x->ns, x->name, "patching ReplicaSet %s: %s", cj_str(rs, "metadata.name"),
               st.message);
        return -1;
    }
    ro_take(rs, out);
    return 0;
}

/* ---- scaling (sync.go scaleReplicaSet) ---- */

int ro_scale_rs(ro_ctx *x, cJSON *rs, int replicas)
{
    int have = ro_rs_replicas(rs);
    char want_ann[16];
    snprintf(want_ann, sizeof want_ann, "%d", x->spec.replicas);
    bool ann_update = !cj_streq(ro_annotation(rs, RO_ANN_DESIRED_REPLICAS), want_ann);
    if (have == replicas && !ann_update)
        return 0;
    bool drop_deadline = replicas == 0 && !ro_should_delay_scale_down_on_abort(x) && ro_has_scale_down_deadline(rs);
    char body[256];
    snprintf(body, sizeof body, "{\"metadata\":{\"annotations\":{\"%s\":\"%d\"%s}},\"spec\":{\"replicas\":%d}}",
             RO_ANN_DESIRED_REPLICAS, x->spec.replicas, drop_deadline ? ",\"" RO_ANN_SCALE_DOWN_DEADLINE "\":null" : "",
             replicas);
    if (ro_patch_rs(x, rs, KUBE_PATCH_MERGE, body) != 0)
        return -1;
    if (have == replicas)
        return 0;
    ro_event(x, "Normal", RO_REASON_SCALING_REPLICASET, RO_MSG_SCALING_REPLICASET_FMT, have < replicas ? "up" : "down",
             cj_str(rs, "metadata.name"), (int)ro_revision_of(rs), have, replicas);
    return 1;
}

/* replicaset.go addScaleDownDelay / removeScaleDownDelay: JSON patches of the annotation. */
int ro_add_scale_down_delay(ro_ctx *x, cJSON *rs, int seconds)
{
    if (!rs)
        return 0;
    char ts[32], body[256];
    co_time_rfc3339(x->now + (int64_t)seconds * 1000, ts);
    const char *have = ro_annotation(rs, RO_ANN_SCALE_DOWN_DEADLINE);
    if (have && !strcmp(have, ts))
        return 0;
    ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Set '%s' annotation on '%s' to %s (%ds)", RO_ANN_SCALE_DOWN_DEADLINE,
           cj_str(rs, "metadata.name"), ts, seconds);
    if (!cJSON_IsObject(cj_get(rs, "metadata.annotations")))
        snprintf(body, sizeof body,
                 "[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"%s\":\"%s\"}}]",
                 RO_ANN_SCALE_DOWN_DEADLINE, ts);
    else
        snprintf(body, sizeof body, "[{\"op\":\"add\",\"path\":\"/metadata/annotations/%s\",\"value\":\"%s\"}]",
                 RO_ANN_SCALE_DOWN_DEADLINE, ts);
    ro_requeue_after(x, (int64_t)seconds * 1000);
    return ro_patch_rs(x, rs, KUBE_PATCH_JSON, body);
}

int ro_remove_scale_down_delay(ro_ctx *x, cJSON *rs)
{
    if (!ro_has_scale_down_deadline(rs))
        return 0;
    ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Removing '%s' annotation on RS '%s'", RO_ANN_SCALE_DOWN_DEADLINE,
           cj_str(rs, "metadata.name"));
    return ro_patch_rs(x, rs, KUBE_PATCH_JSON,
                    "[{\"op\":\"remove\",\"path\":\"/metadata/annotations/" RO_ANN_SCALE_DOWN_DEADLINE "\"}]");
}

/* The remaining time before rs's scale-down deadline: > 0 not reached, <= 0 passed; INT64_MIN
   when it has none or it does not parse. */
static int64_t deadline_remaining(ro_ctx *x, const cJSON *rs)
{
    const char *v = ro_annotation(rs, RO_ANN_SCALE_DOWN_DEADLINE);
    int64_t at;
    if (!v || co_time_parse(v, &at) != 0)
        return INT64_MIN;
    return at - x->now;
}

bool ro_should_delay_scale_down_on_abort(const ro_ctx *x)
{
    if (!ro_is_aborted(x) || !x->new_rs || !x->stable_rs || x->new_rs == x->stable_rs)
        return false;
    return x->spec.strategy == RO_STRATEGY_BLUEGREEN || x->spec.canary.traffic_routing;
}

/* The new RS's desired size (utils/replicaset NewRSNewReplicas). Blue-green: the preview count
   until the update is promoted (promote --full, or scaleUpPreviewCheckPoint while not paused);
   canary: this reconcile's share of the replica math. */
int ro_new_rs_replicas(ro_ctx *x)
{
    if (x->spec.strategy == RO_STRATEGY_CANARY) {
        int want_new, want_stable;
        if (x->spec.canary.traffic_routing)
            ro_canary_routed_counts(x->ro, x->new_rs, x->stable_rs, x->weights, &want_new, &want_stable);
        else
            ro_canary_basic_counts(x->ro, x->new_rs, x->stable_rs, (const cJSON *const *)x->others, x->nothers,
                                   &want_new, &want_stable);
        return want_new;
    }
    if (x->spec.strategy != RO_STRATEGY_BLUEGREEN || x->spec.bg.preview_replica_count < 0)
        return x->spec.replicas;
    const cJSON *active = ro_rs_by_hash(x, cj_str(x->status, "blueGreen.activeSelector"));
    if (!active || active == x->new_rs || cJSON_IsTrue(cj_get(x->status, "promoteFull")))
        return x->spec.replicas;
    if (!x->new_rs || !cj_streq(ro_rs_hash(x->new_rs), cj_str(x->status, "currentPodHash")))
        return x->spec.bg.preview_replica_count;
    bool not_paused = !x->spec.paused && cJSON_GetArraySize(cj_get(x->status, "pauseConditions")) == 0;
    if (not_paused && cJSON_IsTrue(cj_get(x->status, "blueGreen.scaleUpPreviewCheckPoint")))
        return x->spec.replicas;
    return x->spec.bg.preview_replica_count;
}

/* replicaset.go reconcileNewReplicaSet, with the delayed scale-down of an aborted update. */
int ro_reconcile_new_rs(ro_ctx *x)
{
    if (!x->new_rs)
        return 0;
    int want = ro_new_rs_replicas(x);
    if (ro_should_delay_scale_down_on_abort(x)) {
        int delay = x->spec.abort_scale_down_delay_seconds;
        int64_t left = deadline_remaining(x, x->new_rs);
        if (left != INT64_MIN) {
            if (left > 0) {
                ro_requeue_after(x, left);
                return 0;
            }
            want = 0;
        } else if (ro_has_scale_down_deadline(x->new_rs)) {
            ro_log(x->rc, RO_LOG_WARN, x->ns, x->name, "Unable to read scaleDownAt label on rs '%s'",
                   cj_str(x->new_rs, "metadata.name"));
        } else if (delay >= 0) {
            /* annotate only once the stable RS is back at full size; until then keep it up */
            if (ro_rs_available(x->stable_rs) == x->spec.replicas)
                return ro_add_scale_down_delay(x, x->new_rs, delay);
            return 0;
        } else {
            return 0; /* abortScaleDownDelaySeconds: 0 = never scale down */
        }
    }
    return ro_scale_rs(x, x->new_rs, want);
}

/* sync.go reconcileRevisionHistoryLimit: deletes the oldest scaled-down RSs beyond the limit. */
int ro_cleanup_old_rss(ro_ctx *x)
{
    if (x->nothers <= x->spec.revision_history_limit)
        return 0;
    const cJSON **v = calloc((size_t)x->nothers, sizeof *v);
    int k = 0;
    for (int i = 0; i < x->nothers; i++)
        if (!cj_get(x->others[i], "metadata.deletionTimestamp"))
            v[k++] = x->others[i];
    /* oldest first (creationTimestamp, then name, as controller.ReplicaSetsByCreationTimestamp) */
    for (int i = 1; i < k; i++)
        for (int j = i; j > 0; j--) {
            const char *a = cj_str(v[j - 1], "metadata.creationTimestamp"), *b = cj_str(v[j], "metadata.creationTimestamp");
            int c = strcmp(a ? a : "", b ? b : "");
            if (c < 0 || (c == 0 && strcmp(cj_str(v[j - 1], "metadata.name"), cj_str(v[j], "metadata.name")) <= 0))
                break;
            const cJSON *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    int rc = 0;
    for (int i = 0; i < k - x->spec.revision_history_limit; i++) {
        const cJSON *rs = v[i];
        if (cj_int(rs, "status.replicas", 0) != 0 || ro_rs_replicas(rs) != 0 ||
            cj_int(rs, "metadata.generation", 0) > cj_int(rs, "status.observedGeneration", 0))
            continue;
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Trying to cleanup replica set \"%s\"", cj_str(rs, "metadata.name"));
        kube_status st;
        cJSON *out = kube_delete(x->rc->client, &ro_rs_gvr, x->ns, cj_str(rs, "metadata.name"), NULL, &st);
        cJSON_Delete(out);
        if (!out && st.code != 404) {
            rc = -1;
            break;
        }
    }
    free(v);
    return rc;
}

static int by_revision_desc(const void *a, const void *b)
{
    long ra = ro_revision_of(*(const cJSON *const *)a), rb = ro_revision_of(*(const cJSON *const *)b);
    return ra < rb ? 1 : ra > rb ? -1 : 0;
}

void ro_sort_by_revision_desc(cJSON **v, int n) { qsort(v, (size_t)n, sizeof *v, by_revision_desc); }

int ro_scale_down_delay_helper(ro_ctx *x, cJSON *rs, int *annotated, int rollout_replicas, int *desired)
{
    int limit = x->spec.scale_down_delay_revision_limit >= 0 ? x->spec.scale_down_delay_revision_limit : INT32_MAX;
    *desired = 0;
    if (!ro_has_scale_down_deadline(rs)) {
        if (ro_rs_replicas(rs) > 0 && *annotated < limit) {
            (*annotated)++;
            *desired = ro_rs_replicas(rs);
            return ro_add_scale_down_delay(x, rs, x->spec.scale_down_delay_seconds);
        }
        return 0;
    }
    (*annotated)++;
    int64_t left = deadline_remaining(x, rs);
    if (*annotated > limit) {
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "At ScaleDownDelayRevisionLimit (%d) and scaling down the rest", limit);
    } else if (left != INT64_MIN && left > 0) {
        ro_requeue_after(x, left);
        *desired = rollout_replicas;
    }
    return 0;
}

bool ro_halted(const ro_ctx *x)
{
    return x->spec.paused || ro_pause_condition(x->status, RO_PAUSE_INCONCLUSIVE_ANALYSIS);
}

/* isReplicaSetReferenced: by the recorded selectors or by the live Services */
bool ro_rs_referenced(ro_ctx *x, const cJSON *rs, const cJSON *svc_a, const cJSON *svc_b)
{
    const char *h = ro_rs_hash(rs);
    if (!*h)
        return false;
    const char *refs[] = {cj_str(x->status, "stableRS"), cj_str(x->status, "currentPodHash"),
                          cj_str(x->status, "blueGreen.activeSelector"), cj_str(x->status, "blueGreen.previewSelector"),
                          cj_str(x->status, "canary.weights.canary.podTemplateHash"),
                          cj_str(x->status, "canary.weights.stable.podTemplateHash"),
                          svc_a ? ro_service_hash(svc_a) : NULL, svc_b ? ro_service_hash(svc_b) : NULL};
    for (size_t i = 0; i < sizeof refs / sizeof *refs; i++)
        if (refs[i] && !strcmp(refs[i], h))
            return true;
    return false;
}

/* Sets st's (non-zero) counts taken from the RS the active selector names, or from every RS when
   there is none (syncRolloutStatusBlueGreen): HPAReplicas and availableReplicas, and with `full`
   readyReplicas and selector too. */
void ro_set_counts(ro_ctx *x, cJSON *st, const char *active_hash, bool full)
{
    const cJSON *active_rs = ro_rs_by_hash(x, active_hash), *rs;
    int hpa = 0, avail = 0, ready = 0;
    char sel[1024];
    cJSON_ArrayForEach(rs, x->rss)
    {
        if (active_rs && rs != active_rs)
            continue;
        hpa += cj_int(rs, "status.replicas", 0);
        avail += ro_rs_available(rs);
        ready += cj_int(rs, "status.readyReplicas", 0);
    }
    ro_format_selector(cj_get(active_rs ? active_rs : x->ro, "spec.selector"), sel, sizeof sel);
    static const char *const keys[] = {"HPAReplicas", "availableReplicas", "readyReplicas", "selector"};
    for (size_t i = 0; i < (full ? 4u : 2u); i++)
        cJSON_DeleteItemFromObjectCaseSensitive(st, keys[i]);
    if (hpa)
        cJSON_AddNumberToObject(st, "HPAReplicas", hpa);
    if (avail)
        cJSON_AddNumberToObject(st, "availableReplicas", avail);
    if (full && ready)
        cJSON_AddNumberToObject(st, "readyReplicas", ready);
    if (full && sel[0])
        cJSON_AddStringToObject(st, "selector", sel);
}

void ro_promote_stable(ro_ctx *x, cJSON *st, const char *reason)
{
    x->clear_pause = true;
    x->remove_abort = true;
    x->add_abort = false;
    cJSON_DeleteItemFromObjectCaseSensitive(st, "promoteFull");
    cJSON_DeleteItemFromObjectCaseSensitive(cj_get(st, "blueGreen"), "scaleUpPreviewCheckPoint");
    if (x->spec.strategy == RO_STRATEGY_CANARY) {
        cJSON_DeleteItemFromObjectCaseSensitive(st, "currentStepIndex");
        if (x->spec.canary.steps > 0)
            cJSON_AddNumberToObject(st, "currentStepIndex", x->spec.canary.steps);
    }
    const char *cur = cj_str(st, "currentPodHash");
    if (!cj_streq(cj_str(st, "stableRS"), cur)) {
        cj_set_str(st, "stableRS", cur);
        ro_event(x, "Normal", RO_REASON_COMPLETED, RO_MSG_COMPLETED_FMT, (int)ro_revision_of(x->ro), cur, reason);
    }
}

/* ---- Services (service.go) ---- */

cJSON *ro_service(ro_ctx *x, const char *name)
{
    const cJSON *svc = name ? kube_informer_get(x->rc->services, x->ns, name) : NULL;
    return svc ? cJSON_Duplicate(svc, 1) : NULL;
}

const char *ro_service_hash(const cJSON *svc)
{
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(cj_get(svc, "spec.selector"), RO_POD_TEMPLATE_HASH_LABEL);
    return cJSON_IsString(h) ? h->valuestring : "";
}

/* switchServiceSelector: a strategic-merge patch of the hash (and the managed-by annotation when
   missing), with the SwitchService event. */
int ro_switch_service(ro_ctx *x, cJSON *svc, const char *hash)
{
    if (!svc || !hash || !*hash)
        return 0;
    char old[64];
    snprintf(old, sizeof old, "%s", ro_service_hash(svc));
    bool managed = ro_annotation(svc, RO_ANN_MANAGED_BY) != NULL;
    if (!strcmp(old, hash) && managed)
        return 0;
    const char *svc_name = cj_str(svc, "metadata.name");
    char body[512];
    if (managed)
        snprintf(body, sizeof body, "{\"spec\":{\"selector\":{\"%s\":\"%s\"}}}", RO_POD_TEMPLATE_HASH_LABEL, hash);
    else
        snprintf(body, sizeof body,
                 "{\"metadata\":{\"annotations\":{\"%s\":\"%s\"}},\"spec\":{\"selector\":{\"%s\":\"%s\"}}}",
                 RO_ANN_MANAGED_BY, x->name, RO_POD_TEMPLATE_HASH_LABEL, hash);
    kube_status st;
    cJSON *out = kube_patch(x->rc->client, &ro_svc_gvr, x->ns, svc_name, KUBE_PATCH_STRATEGIC, body, NULL, &st);
    if (!out) {
        ro_log(x->rc, RO_LOG_WARN, x->ns, x->name, "switching service %s: %s", svc_name, st.message);
        return -1;
    }
    ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Switched selector for service '%s' from '%s' to '%s'", svc_name, old,
           hash);
    if (strcmp(old, hash))
        ro_event(x, "Normal", "SwitchService", "Switched selector for service '%s' from '%s' to '%s'", svc_name, old,
                 hash);
    ro_take(svc, out);
    return 1;
}

/* ---- status ---- */

/* calculateBaseStatus. Field order follows Argo's RolloutStatus; Go's omitempty drops zero
   values, the blueGreen and canary structs are always present. */
cJSON *ro_base_status(ro_ctx *x)
{
    cJSON *st = cJSON_CreateObject();
    int replicas = 0, updated = 0, ready = 0;
    const cJSON *rs;
    cJSON_ArrayForEach(rs, x->rss)
    {
        replicas += cj_int(rs, "status.replicas", 0);
        ready += cj_int(rs, "status.readyReplicas", 0);
    }
    if (x->new_rs)
        updated = cj_int(x->new_rs, "status.replicas", 0);
    const char *hash = x->new_rs ? ro_rs_hash(x->new_rs) : x->hash;
    cJSON_AddStringToObject(st, "currentPodHash", hash);
    if (replicas)
        cJSON_AddNumberToObject(st, "replicas", replicas);
    if (updated)
        cJSON_AddNumberToObject(st, "updatedReplicas", updated);
    if (ready)
        cJSON_AddNumberToObject(st, "readyReplicas", ready);
    const cJSON *cc = cj_get(x->status, "collisionCount");
    if (cJSON_IsNumber(cc))
        cJSON_AddItemToObject(st, "collisionCount", cJSON_Duplicate(cc, 1));
    cJSON *conds = cJSON_Duplicate(cj_get(x->status, "conditions"), 1);
    if (!cJSON_IsArray(conds)) {
        cJSON_Delete(conds);
        conds = cJSON_CreateArray();
    }
    cJSON_AddItemToObject(st, "conditions", conds);
    /* validation passed to get here: a stale InvalidSpec goes */
    ro_remove_condition(st, RO_COND_INVALID_SPEC);
    cJSON_AddItemToObject(st, "canary", cJSON_CreateObject());
    cJSON_AddItemToObject(st, "blueGreen", cJSON_CreateObject());
    const cJSON *ra = x->restarted ? cj_get(x->ro, "spec.restartAt") : cj_get(x->status, "restartedAt");
    if (cJSON_IsString(ra))
        cJSON_AddStringToObject(st, "restartedAt", ra->valuestring);
    if (cJSON_IsTrue(cj_get(x->status, "promoteFull")))
        cJSON_AddTrueToObject(st, "promoteFull");
    return st;
}

static int st_int(const cJSON *st, const char *key) { return cj_int(st, key, 0); }

/* conditions.RolloutHealthy */
static bool rollout_healthy(ro_ctx *x, const cJSON *st)
{
    bool completed = true;
    const char *cur = cj_str0(st, "currentPodHash");
    if (x->spec.strategy == RO_STRATEGY_BLUEGREEN)
        completed = !strcmp(cj_str0(st, "blueGreen.activeSelector"), cur) &&
                    (!x->spec.bg.preview_service || !*x->spec.bg.preview_service ||
                     !strcmp(cj_str0(st, "blueGreen.previewSelector"), cur));
    if (x->spec.strategy == RO_STRATEGY_CANARY) {
        const cJSON *index = cj_get(st, "currentStepIndex");
        bool all_steps = x->spec.canary.steps == 0 || !index || index->valueint == x->spec.canary.steps;
        completed = all_steps && *cur && !strcmp(cj_str0(st, "stableRS"), cur) &&
                    st_int(st, "replicas") == x->spec.replicas;
    }
    char gen[32];
    snprintf(gen, sizeof gen, "%d", cj_int(x->ro, "metadata.generation", 0));
    return x->spec.replicas == st_int(st, "updatedReplicas") && x->spec.replicas == st_int(st, "availableReplicas") &&
           cj_streq(cj_str(x->status, "observedGeneration"), gen) && completed;
}

/* conditions.RolloutProgressing */
static bool rollout_progressing(ro_ctx *x, const cJSON *st)
{
    const cJSON *old = x->status;
    bool strategy = false;
    if (x->spec.strategy == RO_STRATEGY_BLUEGREEN)
        strategy = strcmp(cj_str0(old, "blueGreen.activeSelector"), cj_str0(st, "blueGreen.activeSelector")) ||
                   strcmp(cj_str0(old, "blueGreen.previewSelector"), cj_str0(st, "blueGreen.previewSelector"));
    if (x->spec.strategy == RO_STRATEGY_CANARY) {
        const cJSON *oi = cj_get(old, "currentStepIndex"), *ni = cj_get(st, "currentStepIndex");
        strategy = strcmp(cj_str0(old, "stableRS"), cj_str0(st, "stableRS")) ||
                   (oi && ni && oi->valueint != ni->valueint) ||
                   strcmp(cj_str0(old, "currentStepHash"), cj_str0(st, "currentStepHash"));
    }
    int old_old = st_int(old, "replicas") - st_int(old, "updatedReplicas");
    int new_old = st_int(st, "replicas") - st_int(st, "updatedReplicas");
    return st_int(st, "updatedReplicas") != st_int(old, "updatedReplicas") || new_old < old_old ||
           st_int(st, "readyReplicas") > st_int(old, "readyReplicas") ||
           st_int(st, "availableReplicas") > st_int(old, "availableReplicas") || strategy;
}

/* conditions.RolloutTimedOut */
static bool rollout_timed_out(ro_ctx *x, const cJSON *st)
{
    const cJSON *c = ro_condition(st, RO_COND_PROGRESSING);
    if (!c)
        return false;
    const char *reason = cj_str(c, "reason");
    if (cj_streq(reason, RO_REASON_NEW_RS_AVAILABLE))
        return false;
    if (cj_streq(reason, RO_REASON_TIMED_OUT))
        return true;
    int64_t from;
    if (!cj_str(c, "lastUpdateTime") || co_time_parse(cj_str(c, "lastUpdateTime"), &from) != 0)
        return false;
    return from + (int64_t)x->spec.progress_deadline_seconds * 1000 < x->now;
}

/* isIndefiniteStep: a pause, analysis or experiment step, or (blue-green) the Paused condition:
   time spent there does not count against the progress deadline. */
static bool indefinite_step(ro_ctx *x)
{
    const cJSON *step = ro_canary_current_step(x->ro, NULL);
    if (step && (cj_get(step, "pause") || cj_get(step, "analysis") || cj_get(step, "experiment")))
        return true;
    const cJSON *pc = ro_condition(x->status, RO_COND_PAUSED);
    return pc && cj_streq(cj_str(pc, "status"), RO_COND_TRUE);
}

/* isWaitingForReplicaSetScaleDown: an older RS still has a scale-down deadline. */
static bool waiting_for_scale_down(ro_ctx *x)
{
    for (int i = 0; i < x->nothers; i++)
        if (ro_has_scale_down_deadline(x->others[i]))
            return true;
    return false;
}

/* A saturated RS (annotations.IsSaturated): spec, desired annotation and available all equal
   spec.replicas. */
bool ro_is_saturated(ro_ctx *x, const cJSON *rs)
{
    if (!rs)
        return false;
    char want[16];
    snprintf(want, sizeof want, "%d", x->spec.replicas);
    return ro_rs_replicas(rs) == x->spec.replicas && cj_streq(ro_annotation(rs, RO_ANN_DESIRED_REPLICAS), want) &&
           ro_rs_available(rs) == x->spec.replicas;
}

/* calculateRolloutConditions */
void ro_calculate_conditions(ro_ctx *x, cJSON *st)
{
    /* evaluateProgressDeadlineAbort: a timed-out update with progressDeadlineAbort aborts at once,
       so the condition below reads RolloutAborted with the timeout as its reason */
    if (x->spec.progress_deadline_abort && !ro_is_aborted(x) &&
        !(cj_str(st, "stableRS") && cj_streq(cj_str(st, "stableRS"), cj_str(st, "currentPodHash"))) &&
        !rollout_progressing(x, st) && !indefinite_step(x) && !waiting_for_scale_down(x) &&
        rollout_timed_out(x, x->status)) {
        const char *rs_name = x->new_rs ? cj_str(x->new_rs, "metadata.name") : NULL;
        char m[512];
        if (rs_name)
            snprintf(m, sizeof m, RO_MSG_REPLICASET_TIMED_OUT_FMT, rs_name);
        else
            snprintf(m, sizeof m, RO_MSG_ROLLOUT_TIMED_OUT_FMT, x->name);
        x->add_abort = true;
        x->remove_abort = false;
        snprintf(x->abort_msg, sizeof x->abort_msg, "%s", m);
        ro_event(x, "Warning", RO_REASON_ABORTED, "%s", m);
    }
    bool paused = cJSON_GetArraySize(cj_get(x->status, "pauseConditions")) > 0 || x->spec.paused;
    bool aborted = ro_is_aborted(x);
    bool became_unhealthy = false;
    const cJSON *healthy = ro_condition(x->status, RO_COND_HEALTHY);
    if (!paused && rollout_healthy(x, st))
        ro_set_condition(st, RO_COND_HEALTHY, RO_COND_TRUE, RO_REASON_HEALTHY, RO_MSG_HEALTHY, x->now);
    else if (healthy)
        became_unhealthy =
            ro_set_condition(st, RO_COND_HEALTHY, RO_COND_FALSE, RO_REASON_HEALTHY, RO_MSG_NOT_HEALTHY, x->now);

    long revision = ro_revision_of(x->ro);
    if (aborted) {
        char msg[768];
        snprintf(msg, sizeof msg, RO_MSG_ABORTED_FMT, (int)revision);
        if (x->abort_msg[0])
            snprintf(msg + strlen(msg), sizeof msg - strlen(msg), ": %s", x->abort_msg);
        if (ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_FALSE, RO_REASON_ABORTED, msg, x->now))
            ro_event(x, "Warning", RO_REASON_ABORTED, "%s", msg);
    }

    const cJSON *cur = ro_condition(x->status, RO_COND_PROGRESSING);
    /* Argo's isHealthyRollout compares the condition's Type with Progressing, so it is never true */
    if (!aborted) {
        char msg[512];
        const char *rs_name = x->new_rs ? cj_str(x->new_rs, "metadata.name") : NULL;
        if (rollout_healthy(x, st)) {
            snprintf(msg, sizeof msg, RO_MSG_REPLICASET_COMPLETED_FMT, rs_name ? rs_name : "");
            ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_TRUE, RO_REASON_NEW_RS_AVAILABLE, msg, x->now);
        } else if (rollout_progressing(x, st) || became_unhealthy) {
            const char *reason = RO_REASON_REPLICASET_UPDATED;
            if (rs_name)
                snprintf(msg, sizeof msg, RO_MSG_REPLICASET_PROGRESSING_FMT, rs_name);
            else
                snprintf(msg, sizeof msg, RO_MSG_ROLLOUT_PROGRESSING_FMT, x->name);
            if (became_unhealthy && !strcmp(cj_str0(st, "stableRS"), cj_str0(st, "currentPodHash"))) {
                reason = RO_REASON_REPLICASET_NOT_AVAILABLE;
                snprintf(msg, sizeof msg, "%s", RO_MSG_NOT_AVAILABLE);
            }
            bool keep = cur && cj_streq(cj_str(cur, "status"), RO_COND_TRUE);
            ro_replace_condition(st, RO_COND_PROGRESSING, RO_COND_TRUE, reason, msg, x->now, keep);
        } else if (!indefinite_step(x) && !waiting_for_scale_down(x) && rollout_timed_out(x, st)) {
            if (rs_name)
                snprintf(msg, sizeof msg, RO_MSG_REPLICASET_TIMED_OUT_FMT, rs_name);
            else
                snprintf(msg, sizeof msg, RO_MSG_ROLLOUT_TIMED_OUT_FMT, x->name);
            ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_FALSE, RO_REASON_TIMED_OUT, msg, x->now);
        }
    }

    bool available = false;
    if (x->spec.strategy == RO_STRATEGY_BLUEGREEN) {
        available = ro_is_saturated(x, ro_rs_by_hash(x, cj_str(st, "blueGreen.activeSelector")));
    } else {
        int avail = 0;
        const cJSON *rs;
        cJSON_ArrayForEach(rs, x->rss) avail += ro_rs_available(rs);
        available = avail >= x->spec.replicas;
    }
    ro_set_condition(st, RO_COND_AVAILABLE, available ? RO_COND_TRUE : RO_COND_FALSE, RO_REASON_AVAILABLE,
                     available ? RO_MSG_AVAILABLE : RO_MSG_NOT_AVAILABLE, x->now);

    /* ReplicaFailure: the new RS's, else any RS's */
    const cJSON *failure = NULL;
    for (int pass = 0; pass < 2 && !failure; pass++) {
        const cJSON *rs;
        cJSON_ArrayForEach(rs, x->rss)
        {
            if (pass == 0 && rs != x->new_rs)
                continue;
            const cJSON *c;
            cJSON_ArrayForEach(c, cj_get(rs, "status.conditions"))
            {
                if (cj_streq(cj_str(c, "type"), RO_COND_REPLICA_FAILURE) && !failure)
                    failure = c;
            }
        }
    }
    if (failure)
        ro_set_condition(st, RO_COND_REPLICA_FAILURE, cj_str(failure, "status"), cj_str(failure, "reason"),
                         cj_str(failure, "message"), x->now);
    else
        ro_remove_condition(st, RO_COND_REPLICA_FAILURE);

    const char *stable = cj_str(st, "stableRS"), *curhash = cj_str(st, "currentPodHash");
    bool completed = stable && *stable && cj_streq(stable, curhash);
    if (completed) {
        ro_set_condition(st, RO_COND_COMPLETED, RO_COND_TRUE, RO_REASON_COMPLETED, RO_REASON_COMPLETED, x->now);
    } else if (ro_set_condition(st, RO_COND_COMPLETED, RO_COND_FALSE, RO_REASON_COMPLETED, RO_REASON_COMPLETED,
                                x->now)) {
        /* the rollout's revision annotation as it is now (written before the status when a new
           RS was created, on the next reconcile when an older RS is reused) */
        ro_event(x, "Normal", RO_REASON_NOT_COMPLETED, RO_MSG_NOT_COMPLETED_FMT, (int)ro_revision_of(x->ro),
                 curhash ? curhash : "");
    }
}

/* pauseContext.CalculatePauseStatus */
static void calculate_pause_status(ro_ctx *x, cJSON *st)
{
    const cJSON *aborted_at = cj_get(x->status, "abortedAt");
    cJSON_DeleteItemFromObjectCaseSensitive(st, "abort");
    cJSON_DeleteItemFromObjectCaseSensitive(st, "abortedAt");
    if (x->add_abort || (!x->remove_abort && cJSON_IsTrue(cj_get(x->status, "abort")))) {
        char ts[32];
        cJSON_AddTrueToObject(st, "abort");
        cJSON_AddStringToObject(st, "abortedAt", cJSON_IsString(aborted_at) ? aborted_at->valuestring
                                                                             : co_time_rfc3339(x->now, ts));
        return;
    }
    if (x->clear_pause)
        return;
    static const struct {
        int bit;
        const char *reason;
    } reasons[] = {{RO_PR_CANARY, RO_PAUSE_CANARY_STEP},
                   {RO_PR_BLUEGREEN, RO_PAUSE_BLUE_GREEN},
                   {RO_PR_INCONCLUSIVE_ANALYSIS, RO_PAUSE_INCONCLUSIVE_ANALYSIS},
                   {RO_PR_INCONCLUSIVE_EXPERIMENT, RO_PAUSE_INCONCLUSIVE_EXPERIMENT}};
    bool controller_pause = cJSON_IsTrue(cj_get(x->status, "controllerPause"));
    cJSON *conds = cJSON_CreateArray();
    int exists = 0;
    const cJSON *pc;
    cJSON_ArrayForEach(pc, cj_get(x->status, "pauseConditions"))
    {
        int bit = 0;
        for (size_t i = 0; i < sizeof reasons / sizeof *reasons; i++)
            if (cj_streq(cj_str(pc, "reason"), reasons[i].reason))
                bit = reasons[i].bit;
        if (!(bit & x->remove_pause))
            cJSON_AddItemToArray(conds, cJSON_Duplicate(pc, 1));
        exists |= bit;
    }
    for (size_t i = 0; i < sizeof reasons / sizeof *reasons; i++) {
        if ((x->add_pause & reasons[i].bit) && !(exists & reasons[i].bit)) {
            char ts[32];
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "reason", reasons[i].reason);
            cJSON_AddStringToObject(c, "startTime", co_time_rfc3339(x->now, ts));
            cJSON_AddItemToArray(conds, c);
            controller_pause = true;
        }
    }
    if (cJSON_GetArraySize(conds) == 0) {
        cJSON_Delete(conds);
        return;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(st, "pauseConditions");
    cJSON_DeleteItemFromObjectCaseSensitive(st, "controllerPause");
    cJSON_AddItemToObject(st, "pauseConditions", conds);
    if (controller_pause)
        cJSON_AddTrueToObject(st, "controllerPause");
}

/* Sends the merge patch from the previous status to st (both as {"status": ...}); returns 1 when
   something was written, 0 when nothing changed, -1 on error. */
static int patch_status(ro_ctx *x, const cJSON *st)
{
    cJSON *from = cJSON_CreateObject(), *to = cJSON_CreateObject();
    cJSON_AddItemReferenceToObject(from, "status", (cJSON *)x->status);
    cJSON_AddItemReferenceToObject(to, "status", (cJSON *)st);
    char *body = cj_merge_diff_text(from, to);
    cJSON_Delete(from);
    cJSON_Delete(to);
    if (!body)
        return 0;
    kube_status ks;
    cJSON *out = kube_patch(x->rc->client, &ro_rollouts_gvr, x->ns, x->name, KUBE_PATCH_MERGE, body, "status",
                            &ks);
    if (!out) {
        ro_log(x->rc, RO_LOG_WARN, x->ns, x->name, "Error updating rollout: %s", ks.message);
        free(body);
        return -1;
    }
    ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Patched: %s", body);
    free(body);
    ro_took_rollout(x, out);
    return 1;
}

static void set_phase(ro_ctx *x, cJSON *st)
{
    char gen[32], phase[32], msg[1024];
    snprintf(gen, sizeof gen, "%d", cj_int(x->ro, "metadata.generation", 0));
    cj_set_str(st, "observedGeneration", gen);
    ro_phase(x->ro, st, phase, msg, sizeof msg);
    cj_set_str(st, "phase", phase);
    if (msg[0])
        cj_set_str(st, "message", msg);
    else
        cJSON_DeleteItemFromObjectCaseSensitive(st, "message");
}

/* requeueStuckRollout: come back when the progress deadline would pass. */
static void requeue_stuck(ro_ctx *x, const cJSON *st)
{
    const cJSON *c = ro_condition(x->status, RO_COND_PROGRESSING);
    bool paused = cJSON_GetArraySize(cj_get(x->status, "pauseConditions")) > 0 || x->spec.paused;
    if (!c || rollout_healthy(x, st) || cj_streq(cj_str(c, "reason"), RO_REASON_TIMED_OUT) || paused || indefinite_step(x) ||
        cJSON_IsTrue(cj_get(x->status, "abort")))
        return;
    int64_t from;
    if (!cj_str(c, "lastUpdateTime") || co_time_parse(cj_str(c, "lastUpdateTime"), &from) != 0)
        return;
    int64_t after = from + (int64_t)x->spec.progress_deadline_seconds * 1000 - x->now;
    ro_requeue_after(x, after < 1000 ? 0 : after + 1000);
}

int ro_persist_status(ro_ctx *x, cJSON *st)
{
    calculate_pause_status(x, st);
    set_phase(x, st);
    cJSON *prev = cJSON_Duplicate(x->status, 1);
    int rc = patch_status(x, st);
    if (rc == 0)
        requeue_stuck(x, st);
    if (rc == 1) { /* sendStateChangeEvents */
        bool was = cJSON_GetArraySize(cj_get(prev, "pauseConditions")) > 0;
        const cJSON *now_pc = cj_get(st, "pauseConditions");
        bool is = cJSON_GetArraySize(now_pc) > 0;
        if (was != is) {
            if (is)
                ro_event(x, "Normal", RO_REASON_PAUSED, RO_MSG_PAUSED " (%s)", cj_str(now_pc->child, "reason"));
            else if (!cj_get(st, "abortedAt"))
                ro_event(x, "Normal", RO_REASON_RESUMED, RO_MSG_RESUMED);
        }
    }
    cJSON_Delete(prev);
    cJSON_Delete(st);
    return rc < 0 ? -1 : 0;
}

int ro_patch_conditions(ro_ctx *x, cJSON *st)
{
    set_phase(x, st);
    int rc = patch_status(x, st);
    cJSON_Delete(st);
    return rc < 0 ? -1 : 0;
}
