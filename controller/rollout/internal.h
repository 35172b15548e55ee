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
    long start_revision; /* the rollout's revision when the reconcile began */
    /* pauseContext */
    int add_pause, remove_pause;
    bool clear_pause, add_abort, remove_abort;
    char abort_msg[512];
    int64_t requeue_ms; /* earliest requeue asked for during this reconcile; 0 = none */
    bool new_rs_within_delay; /* the new RS had an unexpired scale-down deadline when we began */
    bool restarted;           /* SetRestartedAt: status.restartedAt becomes spec.restartAt */
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
/* Service helpers */
/* A copy of the named Service from the cache (caller frees), NULL when unknown. */
cJSON *ro_service(ro_ctx *x, const char *name);
const char *ro_service_hash(const cJSON *svc);
/* Points svc's selector at hash (svc becomes the server's reply). 1 switched, 0 nothing to do,
   -1 error. */
int ro_switch_service(ro_ctx *x, cJSON *svc, const char *hash);

/* ---- controller.c ---- */
/* getAllReplicaSetsAndSyncRevision(true): finds or creates the new RS and syncs revisions. */
int ro_ensure_new_rs(ro_ctx *x);

/* ---- restart.c ---- */
/* The pod restarter of spec.restartAt; sets x->restarted when every pod is newer than it. */
int ro_restart_pods(ro_ctx *x);

/* ---- bluegreen.c ---- */
int ro_rollout_bluegreen(ro_ctx *x);
/* syncReplicasOnly's blue-green part: the active and new RS follow spec.replicas. */
int ro_bluegreen_replicas_only(ro_ctx *x);
/* isFastRollback: back to the stable RS, or to an older RS still within its scale-down delay. */
bool ro_is_fast_rollback(ro_ctx *x);

#endif
