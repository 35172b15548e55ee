/* canary.c: the canary strategy (Argo's rollout/canary.go with the canary parts of service.go,
 * trafficrouting.go, pause.go and sync.go). Each reconcile: the stable and canary Services follow
 * their ReplicaSets once those have an available pod, the traffic router gets the weight of the
 * current step (only once the canary pods for it are available), the stable, canary and older
 * ReplicaSets are scaled one at a time toward the step's split, a pause step pauses, and the step
 * index advances when the step is complete; past the last step the canary becomes stable. */
#include "controller/rollout/internal.h"

#include <stdlib.h>
#include <string.h>

#include "controller/rollout/canarymath.h"
#include "controller/rollout/status.h"

typedef struct {
    ro_ctx *x;
    cJSON *stable_svc, *canary_svc; /* copies from the cache, kept current after a switch */
} canary;

/* rolloututil.IsFullyPromoted */
static bool fully_promoted(const ro_ctx *x)
{
    const char *stable = cj_str(x->status, "stableRS");
    return stable && cj_streq(stable, cj_str(x->status, "currentPodHash"));
}

static const cJSON *steps_of(const ro_ctx *x) { return cj_get(x->ro, "spec.strategy.canary.steps"); }

static int64_t created_at(const cJSON *rs)
{
    int64_t t;
    const char *s = cj_str(rs, "metadata.creationTimestamp");
    return s && co_time_parse(s, &t) == 0 ? t : 0;
}

/* isRollbackWithinWindow: back to an RS older than stable, with fewer than
   spec.rollbackWindow.revisions RSs in between. */
static bool rollback_within_window(ro_ctx *x)
{
    int revisions = cj_int(x->ro, "spec.rollbackWindow.revisions", 0);
    if (!x->new_rs || !x->stable_rs || revisions <= 0)
        return false;
    int64_t new_at = created_at(x->new_rs), stable_at = created_at(x->stable_rs);
    if (!(new_at < stable_at))
        return false;
    int window = 0;
    const cJSON *rs;
    cJSON_ArrayForEach(rs, x->rss)
    {
        if (ro_annotation(rs, "experiment.argoproj.io/experiment-name"))
            continue;
        if (created_at(rs) < stable_at && new_at < created_at(rs))
            window++;
    }
    ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Rollback %s the window: %d (%d)",
           window < revisions ? "within" : "outside", window, revisions);
    return window < revisions;
}

/* ---- Services ---- */

/* ensureSVCTargets: svc follows rs, once rs has an available pod (a Service not yet managed by a
   rollout only once rs is fully available). */
static int ensure_svc_targets(canary *c, cJSON *svc, const cJSON *rs, bool check_available)
{
    ro_ctx *x = c->x;
    if (!svc || !rs)
        return 0;
    const char *cur = ro_service_hash(svc), *want = ro_rs_hash(rs);
    if (!strcmp(cur, want))
        return 0;
    const char *svc_name = cj_str(svc, "metadata.name");
    int avail = ro_rs_available(rs);
    if (!ro_annotation(svc, RO_ANN_MANAGED_BY)) {
        int replicas = ro_rs_replicas(rs);
        if (check_available && !(replicas != 0 && avail != 0 && replicas <= avail)) {
            ro_log(x->rc, RO_LOG_INFO, x->ns, x->name,
                   "delaying service switch of '%s' from %s to %s: ReplicaSet not fully available", svc_name, cur,
                   want);
            return 0;
        }
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "adopting service %s", svc_name);
    }
    if (check_available && avail <= 0) {
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name,
               "delaying service switch of '%s' from %s to %s: ReplicaSet has zero availability", svc_name, cur, want);
        return 0;
    }
    return ro_switch_service(x, svc, want) < 0 ? -1 : 0;
}

/* reconcileStableAndCanaryService */
static int reconcile_services(canary *c)
{
    ro_ctx *x = c->x;
    if (ensure_svc_targets(c, c->stable_svc, x->stable_rs, true) < 0)
        return -1;
    if (ro_is_aborted(x)) {
        /* Argo points the canary Service at the new RS here when it routes traffic, and back at
           the stable RS in reconcileTrafficRouting: with its informer cache that flips the
           selector on every reconcile until the aborted RS has no pod left. Cutover leaves it to
           the traffic routing step, so it stays on the stable RS throughout the abort. */
        if (!x->spec.canary.traffic_routing)
            return ensure_svc_targets(c, c->canary_svc, x->stable_rs, true);
        return 0;
    }
    return ensure_svc_targets(c, c->canary_svc, x->new_rs, true);
}

/* ---- traffic routing (trafficrouting.go) ---- */

/* checkReplicasAvailable: rs has the pods for `weight` (of maxTrafficWeight) of spec.replicas. */
static bool replicas_available(ro_ctx *x, const cJSON *rs, int weight)
{
    if (!rs)
        return false;
    int max = ro_canary_max_weight(x->ro);
    int want = max > 0 ? weight * x->spec.replicas / max : 0, have = ro_rs_available(rs);
    if (have < want) {
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "ReplicaSet %s has %d available replicas, waiting for %d",
               cj_str(rs, "metadata.name"), have, want);
        return false;
    }
    return true;
}

static cJSON *destination(int weight, const char *hash, const char *service)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddNumberToObject(d, "weight", weight);
    if (service && *service)
        cJSON_AddStringToObject(d, "serviceName", service);
    if (hash && *hash)
        cJSON_AddStringToObject(d, "podTemplateHash", hash);
    return d;
}

int ro_canary_traffic_weight(ro_ctx *x)
{
    if (fully_promoted(x))
        return 0;
    if (ro_is_aborted(x))
        return 0;
    if (!x->new_rs || ro_rs_available(x->new_rs) == 0)
        return 0;
    if (cJSON_IsTrue(cj_get(x->status, "promoteFull")))
        return cj_int(x->status, "canary.weights.canary.weight", 0);
    int index, nsteps = x->spec.canary.steps;
    ro_canary_current_step(x->ro, &index);
    if (nsteps == 0)
        return 0; /* GetCurrentCanaryStep gives no index without steps */
    if (!ro_canary_at_desired_counts(x->ro, x->new_rs, x->stable_rs, (const cJSON *const *)x->others, x->nothers,
                                     NULL)) {
        /* the canary is not ready for this step's weight: keep the previous setWeight's */
        const cJSON *steps = steps_of(x);
        for (int i = index - 1; i >= 0; i--) {
            const cJSON *w = cj_get(cJSON_GetArrayItem(steps, i), "setWeight");
            if (cJSON_IsNumber(w))
                return w->valueint;
        }
        return 0;
    }
    if (index != nsteps)
        return ro_canary_current_set_weight(x->ro);
    return ro_canary_max_weight(x->ro);
}

/* reconcileTrafficRouting, with nginx as the only router */
static int reconcile_traffic_routing(canary *c)
{
    ro_ctx *x = c->x;
    if (!x->spec.canary.traffic_routing) {
        cJSON_Delete(x->weights);
        x->weights = NULL;
        return 0;
    }
    const char *canary_hash = x->new_rs ? ro_rs_hash(x->new_rs) : "";
    const char *stable_hash = x->stable_rs ? ro_rs_hash(x->stable_rs) : "";
    if (!fully_promoted(x) && ro_is_aborted(x) && ensure_svc_targets(c, c->canary_svc, x->stable_rs, false) < 0)
        return -1;
    int weight = ro_canary_traffic_weight(x);
    if (!replicas_available(x, x->stable_rs, ro_canary_max_weight(x->ro) - weight))
        return 0;
    char err[1024];
    if (ro_nginx_set_weight(x, weight, err, sizeof err) < 0) {
        ro_event(x, "Warning", "TrafficRoutingError", "%s", err);
        return -1;
    }
    cJSON *w = cJSON_CreateObject();
    cJSON_AddItemToObject(w, "canary", destination(weight, canary_hash, x->spec.canary.canary_service));
    cJSON_AddItemToObject(w, "stable", destination(ro_canary_max_weight(x->ro) - weight, stable_hash,
                                                   x->spec.canary.stable_service));
    const cJSON *prev = cj_get(x->status, "canary.weights");
    if (!cJSON_IsObject(prev) || !cj_equal(cj_get(prev, "canary"), cj_get(w, "canary")) ||
        !cj_equal(cj_get(prev, "stable"), cj_get(w, "stable")) || cj_get(prev, "additional")) {
        char details[64] = "";
        if (!cJSON_IsObject(prev))
            snprintf(details, sizeof details, "to %d", weight);
        else if (cj_int(prev, "canary.weight", 0) != weight)
            snprintf(details, sizeof details, "from %d to %d", cj_int(prev, "canary.weight", 0), weight);
        ro_event(x, "Normal", RO_REASON_TRAFFIC_WEIGHT_UPDATED, RO_MSG_TRAFFIC_WEIGHT_UPDATED_FMT, details);
        cJSON_Delete(x->weights);
        x->weights = w;
    } else {
        cJSON_Delete(w);
    }
    return 0;
}

/* ---- ReplicaSets ---- */

/* cleanupUnhealthyReplicas: older RSs drop their unavailable pods first (oldest RS first). */
static int cleanup_unhealthy(ro_ctx *x, cJSON **v, int k)
{
    for (int i = 1; i < k; i++) /* creation order */
        for (int j = i; j > 0 && created_at(v[j - 1]) > created_at(v[j]); j--) {
            cJSON *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    for (int i = 0; i < k; i++) {
        int replicas = ro_rs_replicas(v[i]), avail = ro_rs_available(v[i]);
        if (replicas == 0 || replicas == avail || avail > replicas)
            continue;
        if (ro_scale_rs(x, v[i], avail) < 0)
            return -1;
    }
    return 0;
}

/* scaleDownOldReplicaSetsForCanary: 1 when something was scaled down, 0, -1. */
static int scale_down_old(canary *c)
{
    ro_ctx *x = c->x;
    int k = 0;
    cJSON **v = calloc((size_t)x->nothers + 1, sizeof *v);
    for (int i = 0; i < x->nothers; i++)
        if (ro_rs_replicas(x->others[i]) > 0) /* FilterActiveReplicaSets */
            v[k++] = x->others[i];
    int rc = 0, scaled = 0;
    if (k == 0 || cleanup_unhealthy(x, v, k) < 0) {
        free(v);
        return 0; /* Argo ignores these errors here */
    }
    int avail = 0;
    const cJSON *rs;
    cJSON_ArrayForEach(rs, x->rss) avail += ro_rs_available(rs);
    int max_down = avail - (x->spec.replicas - ro_canary_max_unavailable(x->ro));
    if (max_down > 0) {
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name,
               "Found %d available pods, scaling down old RSes (minAvailable: %d, maxScaleDown: %d)", avail,
               x->spec.replicas - ro_canary_max_unavailable(x->ro), max_down);
        ro_sort_by_revision_desc(v, k);
        int annotated = 0;
        for (int i = 0; i < k && rc == 0; i++) {
            cJSON *t = v[i];
            if (x->spec.canary.traffic_routing && ro_rs_referenced(x, t, c->stable_svc, c->canary_svc)) {
                ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Skip scale down of older RS '%s': still referenced",
                       cj_str(t, "metadata.name"));
                continue;
            }
            if (max_down <= 0)
                break;
            int replicas = ro_rs_replicas(t), want = 0;
            if (replicas == 0)
                continue;
            if (!x->spec.canary.traffic_routing) {
                /* basic canary: every other pod takes traffic, scale down within maxUnavailable */
                if (replicas > max_down)
                    want = replicas - max_down;
            } else if (fully_promoted(x) || ro_has_scale_down_deadline(t)) {
                /* the previous stable: kept until its scale-down deadline */
                rc = ro_scale_down_delay_helper(x, t, &annotated, replicas, &want);
            } else {
                ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "scaling down intermediate RS '%s'",
                       cj_str(t, "metadata.name"));
            }
            if (rc < 0 || replicas == want)
                continue;
            if (ro_scale_rs(x, t, want) < 0) {
                rc = -1;
                break;
            }
            max_down -= replicas - want;
            scaled = 1;
        }
    }
    free(v);
    return rc < 0 ? -1 : scaled;
}

/* reconcileCanaryReplicaSets: 1 when something was scaled (the status is synced next), 0, -1. */
static int reconcile_replica_sets(canary *c)
{
    ro_ctx *x = c->x;
    if (ro_halted(x)) {
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Skipping canary/stable ReplicaSet reconciliation: %s",
               x->spec.paused ? "user paused" : "inconclusive analysis");
        return 0;
    }
    /* removeScaleDownDeadlines */
    if (x->new_rs && !ro_should_delay_scale_down_on_abort(x) && ro_remove_scale_down_delay(x, x->new_rs) < 0)
        return -1;
    if (x->stable_rs && x->stable_rs != x->new_rs && ro_remove_scale_down_delay(x, x->stable_rs) < 0)
        return -1;
    /* reconcileCanaryStableReplicaSet: the stable's share (the previous weights, so the stable
       follows a weight change one reconcile later) */
    if (x->stable_rs && x->stable_rs != x->new_rs) {
        int want_new, want_stable;
        if (x->spec.canary.traffic_routing)
            ro_canary_routed_counts(x->ro, x->new_rs, x->stable_rs, cj_get(x->status, "canary.weights"), &want_new,
                                       &want_stable);
        else
            ro_canary_basic_counts(x->ro, x->new_rs, x->stable_rs, (const cJSON *const *)x->others, x->nothers,
                                   &want_new, &want_stable);
        int r = ro_scale_rs(x, x->stable_rs, want_stable);
        if (r != 0)
            return r;
    }
    int r = ro_reconcile_new_rs(x);
    if (r != 0)
        return r;
    return scale_down_old(c);
}

/* reconcileCanaryPause */
static void reconcile_pause(ro_ctx *x)
{
    if (x->spec.paused || cJSON_IsTrue(cj_get(x->status, "promoteFull")) || x->spec.canary.steps == 0)
        return;
    int index;
    const cJSON *step = ro_canary_current_step(x->ro, &index);
    const cJSON *pause = cj_get(step, "pause");
    if (!step || !pause)
        return;
    ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Reconciling canary pause step (stepIndex: %d/%d)", index,
           x->spec.canary.steps);
    const cJSON *pc = ro_pause_condition(x->status, RO_PAUSE_CANARY_STEP);
    if (!pc) {
        if (!cJSON_IsTrue(cj_get(x->status, "controllerPause")))
            x->add_pause |= RO_PR_CANARY;
        return;
    }
    long secs = ro_pause_duration_seconds(pause);
    int64_t start;
    if (secs < 0 || !cj_str(pc, "startTime") || co_time_parse(cj_str(pc, "startTime"), &start) != 0)
        return;
    int64_t at = start + secs * 1000;
    if (at >= x->now)
        ro_requeue_after(x, at - x->now + 1); /* After() is strict: just past it */
}

/* pauseContext.CompletedCanaryPauseStep */
static bool completed_pause_step(ro_ctx *x, const cJSON *pause)
{
    const cJSON *pc = ro_pause_condition(x->status, RO_PAUSE_CANARY_STEP);
    if (cJSON_IsTrue(cj_get(x->status, "controllerPause")) && !pc) {
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Rollout has been unpaused");
        return true;
    }
    long secs = ro_pause_duration_seconds(pause);
    int64_t start;
    if (secs >= 0 && pc && cj_str(pc, "startTime") && co_time_parse(cj_str(pc, "startTime"), &start) == 0 &&
        x->now > start + secs * 1000) {
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Rollout has waited the duration of the pause step");
        return true;
    }
    return false;
}

/* completedCurrentCanaryStep */
static bool completed_current_step(ro_ctx *x, const cJSON *step)
{
    if (x->spec.paused || !step)
        return false;
    if (cj_get(step, "pause"))
        return completed_pause_step(x, cj_get(step, "pause"));
    if (cj_get(step, "setCanaryScale") || cj_get(step, "setWeight")) {
        if (!ro_canary_at_desired_counts(x->ro, x->new_rs, x->stable_rs, (const cJSON *const *)x->others,
                                         x->nothers, x->weights))
            return false;
        const cJSON *verified = cj_get(x->weights, "verified");
        return !(cj_get(step, "setWeight") && cJSON_IsFalse(verified));
    }
    return cj_get(step, "setHeaderRoute") || cj_get(step, "setMirrorRoute");
}

/* shouldFullPromote, canary branch */
static const char *should_full_promote(ro_ctx *x, int index, char *buf, size_t n)
{
    if (!x->stable_rs)
        return "Initial deploy";
    if (ro_is_aborted(x) || !x->new_rs || ro_rs_available(x->new_rs) != x->spec.replicas)
        return NULL;
    if (cJSON_IsTrue(cj_get(x->status, "promoteFull")))
        return "Full promotion requested";
    if (rollback_within_window(x))
        return "Rollback within window";
    int nsteps = x->spec.canary.steps;
    if (nsteps == 0 || index == nsteps) {
        snprintf(buf, n, "Completed all %d canary steps", nsteps);
        return buf;
    }
    return NULL;
}

static void set_index(cJSON *st, int nsteps, int index)
{
    cJSON_DeleteItemFromObjectCaseSensitive(st, "currentStepIndex");
    if (nsteps > 0)
        cJSON_AddNumberToObject(st, "currentStepIndex", index);
}

/* syncRolloutStatusCanary */
static int sync_status(ro_ctx *x)
{
    cJSON *st = ro_base_status(x);
    ro_set_counts(x, st, NULL, true);
    const char *stable = cj_str(x->status, "stableRS");
    if (stable && *stable)
        cj_set_str(st, "stableRS", stable);
    char step_hash[16];
    ro_steps_hash(steps_of(x), step_hash);
    cj_set_str(st, "currentStepHash", step_hash);
    if (x->weights)
        cJSON_AddItemToObject(cj_get(st, "canary"), "weights", cJSON_Duplicate(x->weights, 1));
    int nsteps = x->spec.canary.steps, index;
    const cJSON *step = ro_canary_current_step(x->ro, &index);

    if (ro_canary_template_or_steps_changed(x->ro, x->new_rs)) {
        /* resetRolloutStatus */
        x->clear_pause = true;
        x->remove_abort = true;
        x->restarted = cj_get(x->ro, "spec.restartAt") != NULL;
        cJSON_DeleteItemFromObjectCaseSensitive(st, "promoteFull");
        index = 0;
        if (x->new_rs && nsteps > 0) {
            if (cj_streq(stable, ro_rs_hash(x->new_rs))) {
                ro_event(x, "Normal", "SkipSteps", "Rollback to stable ReplicaSets");
                index = nsteps;
            } else if (rollback_within_window(x) && ro_rs_replicas(x->new_rs) > 0) {
                ro_event(x, "Normal", "SkipSteps", "Rollback to active ReplicaSets within RollbackWindow");
                index = nsteps;
            }
        }
        set_index(st, nsteps, index);
        ro_calculate_conditions(x, st);
        return ro_persist_status(x, st);
    }
    if (cJSON_IsTrue(cj_get(x->status, "promoteFull")) || rollback_within_window(x)) {
        x->clear_pause = true;
        x->remove_abort = true;
        if (nsteps > 0)
            index = nsteps;
    }
    char buf[64];
    const char *reason = should_full_promote(x, index, buf, sizeof buf);
    if (reason) {
        ro_promote_stable(x, st, reason);
    } else if (ro_is_aborted(x)) {
        set_index(st, nsteps, cj_streq(cj_str(st, "stableRS"), cj_str(st, "currentPodHash")) ? nsteps : 0);
    } else {
        if (completed_current_step(x, step)) {
            char text[256];
            ro_canary_step_text(step, text, sizeof text);
            index++;
            ro_event(x, "Normal", RO_REASON_STEP_COMPLETED, RO_MSG_STEP_COMPLETED_FMT, index, nsteps, text);
            x->remove_pause |= RO_PR_CANARY;
        }
        set_index(st, nsteps, index);
    }
    ro_calculate_conditions(x, st);
    return ro_persist_status(x, st);
}

static int rollout_canary(canary *c)
{
    ro_ctx *x = c->x;
    if (ro_canary_template_or_steps_changed(x->ro, x->new_rs)) {
        if (x->new_rs && ro_ensure_new_rs(x) < 0)
            return -1;
        return sync_status(x);
    }
    if (ro_ensure_new_rs(x) < 0 || ro_restart_pods(x) < 0 || ro_podmeta_sync(x) < 0 || ro_cleanup_old_rss(x) < 0 ||
        reconcile_services(c) < 0 || reconcile_traffic_routing(c) < 0)
        return -1;
    int scaled = reconcile_replica_sets(c);
    if (scaled < 0)
        return -1;
    if (scaled)
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Not finished reconciling ReplicaSets");
    else
        reconcile_pause(x);
    return sync_status(x);
}

static int with_services(ro_ctx *x, bool replicas_only)
{
    canary c = {x, ro_service(x, x->spec.canary.stable_service), ro_service(x, x->spec.canary.canary_service)};
    const cJSON *w = cj_get(x->status, "canary.weights");
    x->weights = cJSON_IsObject(w) ? cJSON_Duplicate(w, 1) : NULL;
    int rc = -1; /* a missing Service: validation saw it a moment ago, the cache will catch up */
    if ((!x->spec.canary.stable_service || c.stable_svc) && (!x->spec.canary.canary_service || c.canary_svc)) {
        if (!replicas_only)
            rc = rollout_canary(&c);
        else
            rc = reconcile_replica_sets(&c) < 0 ? -1 : sync_status(x);
    }
    cJSON_Delete(c.stable_svc);
    cJSON_Delete(c.canary_svc);
    return rc;
}

int ro_rollout_canary(ro_ctx *x) { return with_services(x, false); }

int ro_canary_replicas_only(ro_ctx *x) { return with_services(x, true); }
