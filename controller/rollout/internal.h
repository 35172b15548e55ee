/* internal.h: what the reconcile's files share: the controller, and one reconcile's context
 * (Argo's rolloutContext plus its pauseContext). */
#ifndef CUTOVER_CONTROLLER_ROLLOUT_INTERNAL_H
#define CUTOVER_CONTROLLER_ROLLOUT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/json.h"
#include "controller/kube/events.h"
#include "controller/kube/informer.h"
#include "controller/rollout/controller.h"
#include "controller/rollout/hash.h"

/* Argo's annotation and label keys (types.go, utils/annotations). */
#define RO_ANN_REVISION "rollout.argoproj.io/revision"
#define RO_ANN_REVISION_HISTORY "rollout.argoproj.io/revision-history"
#define RO_ANN_DESIRED_REPLICAS "rollout.argoproj.io/desired-replicas"
#define RO_ANN_SCALE_DOWN_DEADLINE "scale-down-deadline"
#define RO_ANN_MANAGED_BY "argo-rollouts.argoproj.io/managed-by-rollouts"
#define RO_LABEL_INSTANCE_ID "argo-rollouts.argoproj.io/controller-instance-id"

#define RO_INVALID_SPEC_REQUEUE_MS 20000

struct ro_controller {
    ro_controller_opts o;
    co_clock *clock;
    kube_client *client;
    kube_controller *kc;
    kube_recorder *rec;
    kube_informer *rollouts, *rss, *services, *ingresses;
};

extern const kube_gvr ro_rs_gvr, ro_svc_gvr, ro_ing_gvr;

/* A pause reason as a bit (pauseContext's add/remove lists). */
enum {
    RO_PR_CANARY = 1,
    RO_PR_BLUEGREEN = 2,
    RO_PR_INCONCLUSIVE_ANALYSIS = 4,
    RO_PR_INCONCLUSIVE_EXPERIMENT = 8,
};

typedef struct {
    ro_controller *rc;
    int64_t now;
    cJSON *ro;           /* deep copy of the rollout; its status is the previous status */
    const cJSON *status; /* ro's status (never NULL: an empty object when absent) */
    const char *ns, *name;
    ro_spec spec;
    /* ReplicaSets the rollout owns: copies; new/stable point into rss; `others` excludes both */
    cJSON *rss;
    cJSON *new_rs, *stable_rs;
    cJSON **others; /* the rest of rss (pointers into it) */
    int nothers;
    char hash[16];
    /* pauseContext */
    int add_pause, remove_pause;
    bool clear_pause, add_abort, remove_abort;
    char abort_msg[512];
    int64_t requeue_ms; /* earliest requeue asked for during this reconcile; 0 = none */
    bool new_rs_within_delay; /* the new RS had an unexpired scale-down deadline when we began */
    bool restarted;           /* SetRestartedAt: status.restartedAt becomes spec.restartAt */
    cJSON *weights;           /* canary: the new status.canary.weights (owned), NULL when none */
} ro_ctx;

/* ---- sync.c ---- */
void ro_log(ro_controller *rc, ro_log_level lvl, const char *ns, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void ro_event(ro_ctx *x, const char *type, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void ro_requeue_after(ro_ctx *x, int64_t ms);
const char *ro_rs_hash(const cJSON *rs);
/* A write's reply becomes the context's copy: the rollout (its spec view is recomputed), or the
   ReplicaSet rs (in place, so pointers to it stay valid). */
void ro_took_rollout(ro_ctx *x, cJSON *reply);
void ro_take(cJSON *obj, cJSON *reply);
const char *ro_annotation(const cJSON *obj, const char *key); /* NULL when absent */
/* metav1.FormatLabelSelector: "k=v,k2 in (a,b)" sorted by key; "" for NULL. */
void ro_format_selector(const cJSON *sel, char *out, size_t n);
int ro_rs_replicas(const cJSON *rs); /* spec.replicas (default 1 like Go's GetReplicasOrDefault) */
int ro_rs_available(const cJSON *rs);
long ro_revision_of(const cJSON *obj); /* rollout.argoproj.io/revision, 0 when absent */
cJSON *ro_rs_by_hash(ro_ctx *x, const char *hash);
bool ro_has_scale_down_deadline(const cJSON *rs);
/* Patches ReplicaSet rs; the reply becomes rs (ro_take). 0, or -1 (logged). */
int ro_patch_rs(ro_ctx *x, cJSON *rs, kube_patch_type t, const char *body);
/* Scales rs (and writes desired-replicas); events as Argo. 1 scaled, 0 nothing to do, -1 error. */
int ro_scale_rs(ro_ctx *x, cJSON *rs, int replicas);
int ro_add_scale_down_delay(ro_ctx *x, cJSON *rs, int seconds);
int ro_remove_scale_down_delay(ro_ctx *x, cJSON *rs);
bool ro_is_aborted(const ro_ctx *x);
int ro_new_rs_replicas(ro_ctx *x);
bool ro_should_delay_scale_down_on_abort(const ro_ctx *x);
int ro_reconcile_new_rs(ro_ctx *x);
int ro_cleanup_old_rss(ro_ctx *x);
const cJSON *ro_pause_condition(const cJSON *status, const char *reason);
/* calculateBaseStatus: a fresh status with the common fields. Caller frees. */
cJSON *ro_base_status(ro_ctx *x);
void ro_calculate_conditions(ro_ctx *x, cJSON *st);
/* persistRolloutStatus: pause/abort status, observedGeneration, phase; merge patch when changed. */
int ro_persist_status(ro_ctx *x, cJSON *st);
/* patchCondition: st is a modified copy of the previous status (consumed); observedGeneration and
   phase are recomputed and the difference is patched. */
int ro_patch_conditions(ro_ctx *x, cJSON *st);
bool ro_is_saturated(ro_ctx *x, const cJSON *rs);
/* haltProgress: spec.paused or an inconclusive analysis pause */
bool ro_halted(const ro_ctx *x);
void ro_sort_by_revision_desc(cJSON **v, int n);
/* scaleDownDelayHelper: an old RS gets a scale-down deadline (within scaleDownDelayRevisionLimit)
   and keeps its size until it passes; *annotated counts the RSs with a deadline so far. *desired
   gets the RS's size. 0 or -1 (write error). */
int ro_scale_down_delay_helper(ro_ctx *x, cJSON *rs, int *annotated, int rollout_replicas, int *desired);
/* isReplicaSetReferenced: by the selectors and weights recorded in the status or by the live
   Services given (either may be NULL). */
bool ro_rs_referenced(ro_ctx *x, const cJSON *rs, const cJSON *svc_a, const cJSON *svc_b);
/* Sets st's (non-zero) HPAReplicas and availableReplicas (with `full` also readyReplicas and
   selector) from the RS whose hash is `hash`, or from every RS when there is none. */
void ro_set_counts(ro_ctx *x, cJSON *st, const char *hash, bool full);
/* promoteStable: the current pod hash becomes stableRS (RolloutCompleted event with reason);
   pauses, abort, promoteFull, scaleUpPreviewCheckPoint cleared; a canary's index goes past its
   last step. */
void ro_promote_stable(ro_ctx *x, cJSON *st, const char *reason);
/* Service helpers */
/* A copy of the named Service from the cache (caller frees), NULL when unknown. */
cJSON *ro_service(ro_ctx *x, const char *name);
const char *ro_service_hash(const cJSON *svc);
/* Points svc's selector at hash (svc becomes the server's reply). 1 switched, 0 nothing to do,
   -1 error. */
int ro_switch_service(ro_ctx *x, cJSON *svc, const char *hash);

/* ---- controller.c ---- */
/* The controller ownerReference of obj (metav1.GetControllerOf), NULL when none. */
const cJSON *ro_controller_ref(const cJSON *obj);
/* metav1.IsControlledBy: obj's controller ownerReference names owner's uid. */
bool ro_controlled_by(const cJSON *obj, const cJSON *owner);
/* A controller ownerReference to the rollout (blockOwnerDeletion), for the objects it creates. */
cJSON *ro_owner_ref(ro_ctx *x);
/* getAllReplicaSetsAndSyncRevision(true): finds or creates the new RS and syncs revisions. */
int ro_ensure_new_rs(ro_ctx *x);

/* ---- restart.c ---- */
/* The pod restarter of spec.restartAt; sets x->restarted when every pod is newer than it. */
int ro_restart_pods(ro_ctx *x);

/* ---- podmeta.c ---- */
/* What a new ReplicaSet carries beyond the rollout's template (rs is the object about to be
   created): ephemeral metadata (activeMetadata/previewMetadata, stableMetadata/canaryMetadata) in
   its pod template with the `rollout.argoproj.io/ephemeral-metadata` annotation, and the injected
   pod anti-affinity against the stable RS (antiAffinity). */
void ro_podmeta_new_rs(ro_ctx *x, cJSON *rs);
/* syncEphemeralMetadata and the anti-affinity clean-up: the stable and new ReplicaSets (templates
   and existing pods) carry the metadata of their current role. 0 or -1. */
int ro_podmeta_sync(ro_ctx *x);
/* What FindNewReplicaSet compares: rs (a copy, changed in place) without the ephemeral metadata
   its annotation records nor the injected anti-affinity term. */
void ro_podmeta_strip(ro_ctx *x, cJSON *rs);

/* ---- canary.c, nginx.c ---- */
int ro_rollout_canary(ro_ctx *x);
/* syncReplicasOnly's canary part: the ReplicaSets are scaled, the status synced. */
int ro_canary_replicas_only(ro_ctx *x);
/* The nginx router's SetWeight: every canary Ingress of the rollout at `weight` (created when
   missing). -1 with err set (Argo's message) on an error. */
int ro_nginx_set_weight(ro_ctx *x, int weight, char *err, size_t n);
/* The canary weight the traffic router should have in this reconcile (reference §2.4.2: 0 when
   fully promoted, aborted or without an available canary pod; the current weight on promote
   --full; the previous setWeight until the canary pods for this step are up; 100 past the last
   step). Uses x->ro, x->status, new_rs, stable_rs, others. */
int ro_canary_traffic_weight(ro_ctx *x);
/* buildCanaryIngress: the desired canary Ingress for the stable Ingress `stable` (apiVersion,
   kind, metadata name/namespace/annotations, spec; no ownerReferences). NULL with err set when
   the stable Ingress has no rule using the stable Service. Caller frees. */
cJSON *ro_nginx_canary_ingress(ro_ctx *x, const cJSON *stable, int weight, char *err, size_t n);

/* ---- bluegreen.c ---- */
int ro_rollout_bluegreen(ro_ctx *x);
/* syncReplicasOnly's blue-green part: the active and new RS follow spec.replicas. */
int ro_bluegreen_replicas_only(ro_ctx *x);
/* isFastRollback: back to the stable RS, or to an older RS still within its scale-down delay. */
bool ro_is_fast_rollback(ro_ctx *x);

#endif
