/* bluegreen.c: the blue-green strategy (Argo's rollout/bluegreen.go with the blue-green parts of
 * service.go, pause.go and sync.go): the preview Service follows the new ReplicaSet at once, the
 * new RS scales (to previewReplicaCount until promotion), the controller pauses when asked to
 * (BlueGreenPause, autoPromotionSeconds), the active Service switches once the new RS is
 * saturated (back to stable on abort), the new RS becomes stable, and older RSs are scaled down
 * after their scale-down deadline. */
#include "controller/rollout/internal.h"

#include <stdlib.h>
#include <string.h>

#include "controller/rollout/status.h"

/* replicasetutil.ReadyForPause (blue-green): the new RS has its desired size, all available. */
static bool ready_for_pause(ro_ctx *x, int desired)
{
    return x->new_rs && ro_rs_replicas(x->new_rs) == desired && ro_rs_available(x->new_rs) == desired;
}

bool ro_is_fast_rollback(ro_ctx *x)
{
    if (!x->new_rs || !x->stable_rs)
        return false;
    const char *nh = ro_rs_hash(x->new_rs);
    bool to_stable = cj_streq(cj_str(x->status, "stableRS"), nh);
    const char *a = cj_str(x->new_rs, "metadata.creationTimestamp"), *b = cj_str(x->stable_rs, "metadata.creationTimestamp");
    int64_t ta, tb;
    bool older = a && b && co_time_parse(a, &ta) == 0 && co_time_parse(b, &tb) == 0 && ta < tb;
    if (!(to_stable || older))
        return false;
    return x->new_rs_within_delay || to_stable;
}

/* isBlueGreenFastTracked */
static bool fast_tracked(ro_ctx *x, const cJSON *active)
{
    if (ro_is_fast_rollback(x))
        return true;
    if (cJSON_IsTrue(cj_get(x->status, "promoteFull")))
        return true;
    const char *h = ro_service_hash(active);
    return !*h || !strcmp(h, ro_rs_hash(x->new_rs));
}

static bool completed_pause(ro_ctx *x)
{
    const cJSON *pc = ro_pause_condition(x->status, RO_PAUSE_BLUE_GREEN);
    if (x->add_pause)
        return false;
    if (cJSON_IsTrue(cj_get(x->status, "blueGreen.scaleUpPreviewCheckPoint")))
        return true;
    if (x->spec.bg.auto_promotion_enabled) {
        if (x->spec.bg.auto_promotion_seconds == 0)
            return true;
        int64_t start;
        if (pc && cj_str(pc, "startTime") && co_time_parse(cj_str(pc, "startTime"), &start) == 0)
            return x->now > start + (int64_t)x->spec.bg.auto_promotion_seconds * 1000;
        return false;
    }
    return cJSON_IsTrue(cj_get(x->status, "controllerPause")) && !pc;
}

/* reconcileBlueGreenPause */
static void reconcile_pause(ro_ctx *x, const cJSON *active)
{
    if (cJSON_IsTrue(cj_get(x->status, "abort")) || !ready_for_pause(x, ro_new_rs_replicas(x)) || x->spec.paused)
        return;
    if (fast_tracked(x, active) || cJSON_IsTrue(cj_get(x->status, "blueGreen.scaleUpPreviewCheckPoint")) ||
        !(!x->spec.bg.auto_promotion_enabled || x->spec.bg.auto_promotion_seconds > 0)) {
        x->remove_pause |= RO_PR_BLUEGREEN;
        return;
    }
    /* prePromotionAnalysis is rejected by validation until analysis lands: always complete here */
    const cJSON *pc = ro_pause_condition(x->status, RO_PAUSE_BLUE_GREEN);
    if (!pc && !cJSON_IsTrue(cj_get(x->status, "controllerPause"))) {
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "pausing");
        x->add_pause |= RO_PR_BLUEGREEN;
        return;
    }
    if (!completed_pause(x)) {
        int64_t start;
        if (x->spec.bg.auto_promotion_seconds > 0 && pc && cj_str(pc, "startTime") &&
            co_time_parse(cj_str(pc, "startTime"), &start) == 0) {
            int64_t at = start + (int64_t)x->spec.bg.auto_promotion_seconds * 1000;
            if (at >= x->now)
                ro_requeue_after(x, at - x->now + 1); /* After() is strict: just past it */
        }
    } else {
        x->remove_pause |= RO_PR_BLUEGREEN;
    }
}

/* reconcileActiveService */
static int reconcile_active(ro_ctx *x, cJSON *active)
{
    if (ro_halted(x) || !ready_for_pause(x, ro_new_rs_replicas(x)) || !ro_is_saturated(x, x->new_rs))
        return 0;
    const char *target = ro_service_hash(active);
    if (fast_tracked(x, active) || completed_pause(x))
        target = ro_rs_hash(x->new_rs);
    if (cJSON_IsTrue(cj_get(x->status, "abort")))
        target = cj_str(x->status, "stableRS");
    return ro_switch_service(x, active, target) < 0 ? -1 : 0;
}

/* scaleDownOldReplicaSetsForBlueGreen */
static int scale_down_old(ro_ctx *x, const cJSON *active, const cJSON *preview)
{
    if (ro_pause_condition(x->status, RO_PAUSE_INCONCLUSIVE_ANALYSIS))
        return 0;
    int k = 0;
    cJSON **v = calloc((size_t)x->nothers + 1, sizeof *v);
    for (int i = 0; i < x->nothers; i++)
        if (ro_rs_replicas(x->others[i]) > 0) /* FilterActiveReplicaSets */
            v[k++] = x->others[i];
    ro_sort_by_revision_desc(v, k);
    int annotated = 0, rc = 0;
    for (int i = 0; i < k && rc == 0; i++) {
        cJSON *t = v[i];
        if (ro_rs_referenced(x, t, active, preview)) {
            ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Skip scale down of older RS '%s': still referenced",
                   cj_str(t, "metadata.name"));
            continue;
        }
        int want = 0;
        rc = ro_scale_down_delay_helper(x, t, &annotated, x->spec.replicas, &want);
        if (rc == 0 && ro_rs_replicas(t) != want)
            rc = ro_scale_rs(x, t, want) < 0 ? -1 : 0;
    }
    free(v);
    return rc;
}

/* reconcileBlueGreenReplicaSets (with removeScaleDownDeadlines first) */
static int reconcile_replica_sets(ro_ctx *x, const cJSON *active, const cJSON *preview)
{
    if (x->new_rs && !ro_should_delay_scale_down_on_abort(x) && ro_remove_scale_down_delay(x, x->new_rs) < 0)
        return -1;
    if (x->stable_rs && x->stable_rs != x->new_rs && ro_remove_scale_down_delay(x, x->stable_rs) < 0)
        return -1;
    /* reconcileStableReplicaSet: whatever the active Service points at stays at full size */
    cJSON *active_rs = ro_rs_by_hash(x, ro_service_hash(active));
    if (active_rs) {
        if (ro_remove_scale_down_delay(x, active_rs) < 0 || ro_scale_rs(x, active_rs, x->spec.replicas) < 0)
            return -1;
    }
    if (ro_reconcile_new_rs(x) < 0 || scale_down_old(x, active, preview) < 0)
        return -1;
    return ro_cleanup_old_rss(x);
}

/* shouldFullPromote, blue-green branch */
static const char *should_full_promote(ro_ctx *x, const cJSON *st)
{
    if (!x->stable_rs)
        return "Initial deploy";
    const char *active = cj_str(st, "blueGreen.activeSelector");
    if (!active || !*active)
        return "Initial deploy";
    if (!cj_streq(active, cj_str(st, "currentPodHash")))
        return NULL;
    if (cJSON_IsTrue(cj_get(x->status, "promoteFull")))
        return "Full promotion requested";
    if (ro_is_fast_rollback(x))
        return "Fast rollback";
    if (ro_is_aborted(x))
        return NULL;
    return "Completed blue-green update";
}

/* calculateScaleUpPreviewCheckPoint */
static bool scale_up_preview_checkpoint(ro_ctx *x, const char *stable)
{
    if (x->spec.bg.preview_replica_count < 0)
        return false;
    if (cJSON_IsTrue(cj_get(x->status, "abort")) &&
        (!x->new_rs || !cj_streq(cj_str(x->status, "currentPodHash"), ro_rs_hash(x->new_rs))))
        return false;
    if (!x->new_rs || !stable || !*stable || !strcmp(stable, ro_rs_hash(x->new_rs)))
        return false;
    if (cJSON_IsTrue(cj_get(x->status, "blueGreen.scaleUpPreviewCheckPoint")))
        return true;
    if (!completed_pause(x))
        return false;
    return ro_rs_available(x->new_rs) == x->spec.bg.preview_replica_count;
}

/* syncRolloutStatusBlueGreen */
static int sync_status(ro_ctx *x, const cJSON *active, const cJSON *preview)
{
    cJSON *st = ro_base_status(x);
    if (!x->new_rs || !cj_streq(cj_str(x->status, "currentPodHash"), ro_rs_hash(x->new_rs))) {
        /* resetRolloutStatus */
        x->clear_pause = true;
        x->remove_abort = true;
        cJSON_DeleteItemFromObjectCaseSensitive(st, "promoteFull");
    }
    if (cJSON_IsTrue(cj_get(x->status, "promoteFull"))) {
        x->clear_pause = true;
        x->remove_abort = true;
    }
    cJSON *bg = cj_get(st, "blueGreen");
    const char *ph = preview ? ro_service_hash(preview) : "";
    const char *ah = ro_service_hash(active);
    if (*ph)
        cJSON_AddStringToObject(bg, "previewSelector", ph);
    if (*ah)
        cJSON_AddStringToObject(bg, "activeSelector", ah);
    const char *stable = cj_str(x->status, "stableRS");
    if (stable && *stable)
        cj_set_str(st, "stableRS", stable);
    const char *reason = should_full_promote(x, st);
    if (reason)
        ro_promote_stable(x, st, reason);
    else if (scale_up_preview_checkpoint(x, cj_str(st, "stableRS")))
        cJSON_AddTrueToObject(bg, "scaleUpPreviewCheckPoint");

    ro_set_counts(x, st, ah, true);
    ro_calculate_conditions(x, st);
    return ro_persist_status(x, st);
}

static int rollout_bluegreen(ro_ctx *x, cJSON *active, cJSON *preview)
{
    if (ro_ensure_new_rs(x) < 0)
        return -1;
    /* reconcilePreviewService: the preview follows the new RS at once (not while halted) */
    if (preview && x->new_rs && !ro_halted(x) && ro_switch_service(x, preview, ro_rs_hash(x->new_rs)) < 0)
        return -1;
    if (!x->new_rs || !cj_streq(cj_str(x->status, "currentPodHash"), ro_rs_hash(x->new_rs))) {
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "New pod template or template change detected");
        x->restarted = cj_get(x->ro, "spec.restartAt") != NULL; /* new pods: nothing to restart */
        return sync_status(x, active, preview);
    }
    if (ro_restart_pods(x) < 0)
        return -1;
    if (reconcile_replica_sets(x, active, preview) < 0)
        return -1;
    reconcile_pause(x, active);
    if (reconcile_active(x, active) < 0 || ro_podmeta_sync(x) < 0)
        return -1;
    return sync_status(x, active, preview);
}

int ro_bluegreen_replicas_only(ro_ctx *x)
{
    cJSON *active = ro_service(x, x->spec.bg.active_service);
    if (!active)
        return 0;
    cJSON *active_rs = ro_rs_by_hash(x, ro_service_hash(active));
    cJSON_Delete(active);
    if ((active_rs && ro_scale_rs(x, active_rs, x->spec.replicas) < 0) || ro_reconcile_new_rs(x) < 0)
        return -1;
    cJSON *st = cJSON_Duplicate(x->status, 1);
    ro_set_counts(x, st, cj_str(x->status, "blueGreen.activeSelector"), false);
    return ro_persist_status(x, st);
}

int ro_rollout_bluegreen(ro_ctx *x)
{
    cJSON *active = ro_service(x, x->spec.bg.active_service);
    cJSON *preview = ro_service(x, x->spec.bg.preview_service);
    int rc = -1; /* a missing Service: validation saw it a moment ago, the cache will catch up */
    if (active && (!x->spec.bg.preview_service || preview))
        rc = rollout_bluegreen(x, active, preview);
    cJSON_Delete(active);
    cJSON_Delete(preview);
    return rc;
}
