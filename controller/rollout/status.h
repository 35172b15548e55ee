/* status.h: Rollout status phase/message and status.conditions helpers.
 *
 * Mirrors Argo Rollouts:
 *   - CalculateRolloutPhase and GetRolloutPhase
 * (utils/rollout/rolloututil.go:71-190);
 *   - GetRolloutCondition / SetRolloutCondition / RemoveRolloutCondition
 *     (utils/conditions/conditions.go:192-250), plus the two "replace" special
 * cases the controller uses for the Progressing (sync.go:950-962) and
 * InvalidSpec (controller.go:623-644) conditions;
 *   - the condition types (types.go:1301-1325), phases (types.go:918-927) and
 * the reason/message constants (utils/conditions/conditions.go:20-190).
 *
 * Every function is pure over cJSON, tolerates missing fields and wrong JSON
 * types (they read as Go's zero value: "" / 0 / false / nil), and never crashes
 * on NULL.
 *
 * A condition object is written with Argo's field order:
 *   {"type","status","lastUpdateTime","lastTransitionTime","reason","message"}
 * with timestamps from co_time_rfc3339 (second precision, like metav1.Time).
 */
#ifndef CUTOVER_CONTROLLER_ROLLOUT_STATUS_H
#define CUTOVER_CONTROLLER_ROLLOUT_STATUS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Phases (status.phase) ---- */
#define RO_PHASE_HEALTHY "Healthy"
#define RO_PHASE_DEGRADED "Degraded"
#define RO_PHASE_PROGRESSING "Progressing"
#define RO_PHASE_PAUSED "Paused"

/* ---- Condition types (status.conditions[].type) ---- */
#define RO_COND_INVALID_SPEC "InvalidSpec"
#define RO_COND_AVAILABLE "Available"
#define RO_COND_PROGRESSING "Progressing"
#define RO_COND_REPLICA_FAILURE "ReplicaFailure"
#define RO_COND_PAUSED "Paused"
#define RO_COND_COMPLETED "Completed"
#define RO_COND_HEALTHY "Healthy"

/* ---- Condition statuses ---- */
#define RO_COND_TRUE "True"
#define RO_COND_FALSE "False"
#define RO_COND_UNKNOWN "Unknown"

/* ---- Pause-condition reasons (status.pauseConditions[].reason) ---- */
#define RO_PAUSE_CANARY_STEP "CanaryPauseStep"
#define RO_PAUSE_BLUE_GREEN "BlueGreenPause"
#define RO_PAUSE_INCONCLUSIVE_ANALYSIS "InconclusiveAnalysisRun"
#define RO_PAUSE_INCONCLUSIVE_EXPERIMENT "InconclusiveExperiment"

/* ---- Reasons and messages (utils/conditions/conditions.go). Formats are
 * printf-style: Go's %q of a plain name is written here as \"%s\"; Go's
 * %d/%s/%v as %d/%s/%s. ---- */
#define RO_REASON_INVALID_SPEC "InvalidSpec"
#define RO_MSG_INVALID_SPEC_FMT "The Rollout \"%s\" is invalid: %s" /* name, first validation error */
#define RO_MSG_MISSING_FIELD_FMT "Rollout has missing field '%s'"
#define RO_MSG_SELECT_ALL "This rollout is selecting all pods. A non-empty selector is required."

#define RO_REASON_AVAILABLE "AvailableReason"
#define RO_MSG_AVAILABLE "Rollout has minimum availability"
#define RO_MSG_NOT_AVAILABLE "Rollout does not have minimum availability"

#define RO_REASON_REPLICASET_UPDATED "ReplicaSetUpdated"
#define RO_MSG_ROLLOUT_PROGRESSING_FMT "Rollout \"%s\" is progressing."       /* rollout name (no newRS) */
#define RO_MSG_REPLICASET_PROGRESSING_FMT "ReplicaSet \"%s\" is progressing." /* newRS name */
#define RO_REASON_FAILED_RS_CREATE "ReplicaSetCreateError"
#define RO_MSG_FAILED_RS_CREATE_FMT "Failed to create new replica set \"%s\": %s"
#define RO_REASON_NEW_REPLICASET "NewReplicaSetCreated"
#define RO_MSG_NEW_REPLICASET_FMT "Created new replica set \"%s\""
#define RO_MSG_NEW_REPLICASET_DETAILED_FMT "Created ReplicaSet %s (revision %d)" /* event message */
#define RO_REASON_FOUND_NEW_RS "FoundNewReplicaSet"
#define RO_MSG_FOUND_NEW_RS_FMT "Found new replica set \"%s\""
#define RO_REASON_ROLLOUT_UPDATED "RolloutUpdated"
#define RO_MSG_ROLLOUT_UPDATED_FMT "Rollout updated to revision %s"
#define RO_REASON_NEW_RS_AVAILABLE "NewReplicaSetAvailable"
#define RO_MSG_REPLICASET_COMPLETED_FMT "ReplicaSet \"%s\" has successfully progressed."
#define RO_REASON_REPLICASET_NOT_AVAILABLE "ReplicaSetNotAvailable" /* message: RO_MSG_NOT_AVAILABLE */
#define RO_REASON_TIMED_OUT "ProgressDeadlineExceeded"
#define RO_MSG_ROLLOUT_TIMED_OUT_FMT "Rollout \"%s\" has timed out progressing."
#define RO_MSG_REPLICASET_TIMED_OUT_FMT "ReplicaSet \"%s\" has timed out progressing."

#define RO_REASON_COMPLETED "RolloutCompleted" /* the Completed condition's reason AND message */
#define RO_MSG_COMPLETED_FMT "Rollout completed update to revision %d (%s): %s" /* event */
#define RO_REASON_NOT_COMPLETED "RolloutNotCompleted"                           /* event */
#define RO_MSG_NOT_COMPLETED_FMT "Rollout not completed, started update to revision %d (%s)"

#define RO_REASON_HEALTHY "RolloutHealthy"
#define RO_MSG_HEALTHY "Rollout is healthy"
#define RO_MSG_NOT_HEALTHY "Rollout is not healthy"

#define RO_REASON_ABORTED "RolloutAborted"
#define RO_MSG_ABORTED_FMT                                                                                             \
    "Rollout aborted update to revision %d" /* + ": <abortMessage>" for                                                \
                                               controller aborts */
#define RO_REASON_RETRY "RolloutRetry"
#define RO_MSG_RETRY "Retrying Rollout after abort"
#define RO_REASON_PAUSED "RolloutPaused" /* Progressing=Unknown and Paused=True/False */
#define RO_MSG_PAUSED "Rollout is paused"
#define RO_REASON_RESUMED "RolloutResumed"
#define RO_MSG_RESUMED "Rollout is resumed"

/* Event reasons/messages (not conditions) from the same Argo file. */
#define RO_REASON_STEP_COMPLETED "RolloutStepCompleted"
#define RO_MSG_STEP_COMPLETED_FMT "Rollout step %d/%d completed (%s)"
#define RO_REASON_TRAFFIC_WEIGHT_UPDATED "TrafficWeightUpdated"
#define RO_MSG_TRAFFIC_WEIGHT_UPDATED_FMT "Traffic weight updated %s"
#define RO_REASON_ANALYSIS_RUN_FAILED "AnalysisRunFailed"
#define RO_REASON_EXPERIMENT_FAILED "ExperimentFailed"
#define RO_REASON_RECONCILIATION_ERROR "ReconciliationError"
#define RO_MSG_RECONCILIATION_ERROR_FMT "Reconciliation failed with error: %s"
#define RO_REASON_DELETED "RolloutDeleted"
#define RO_MSG_DELETED_FMT "Rollout %s/%s is deleted."
#define RO_REASON_SCALING_REPLICASET "ScalingReplicaSet"
#define RO_MSG_SCALING_REPLICASET_FMT "Scaled %s ReplicaSet %s (revision %d) from %d to %d"
#define RO_REASON_SERVICE_REFERENCE "ServiceReferenceError"
#define RO_MSG_SERVICE_MANAGED_BY_OTHER_FMT "Service \"%s\" is managed by another Rollout"
#define RO_REASON_ADDED_TO_INFORMER "RolloutAddedToInformer"

/* ---- Phase messages (rolloututil.go) ---- */
#define RO_PMSG_MANUALLY_PAUSED "manually paused"
#define RO_PMSG_RESTARTING "rollout is restarting"
#define RO_PMSG_MORE_REPLICAS "more replicas need to be updated"
#define RO_PMSG_BECOMING_AVAILABLE "updated replicas are still becoming available"
#define RO_PMSG_CUTOVER_PENDING "active service cutover pending"
#define RO_PMSG_WAITING_ANALYSIS "waiting for analysis to complete"
#define RO_PMSG_WAITING_POST_PROMOTION "waiting for post-promotion verification to complete"
#define RO_PMSG_OLD_REPLICAS_PENDING "old replicas are pending termination"
#define RO_PMSG_WAITING_STEPS "waiting for all steps to complete"
#define RO_PMSG_SPEC_NOT_OBSERVED "waiting for rollout spec update to be observed"
#define RO_PMSG_UNPAUSING "waiting for rollout to unpause"

/* CalculateRolloutPhase (controller side): the phase and message the controller
 * writes into status.phase / status.message. rollout is the Rollout object (its
 * "spec" is read; metadata is not), status is the new status being computed.
 * The first matching rule wins:
 *  1. walking status.conditions in order, the first condition that has type
 * InvalidSpec
 *     ("InvalidSpec: <message>") or reason RolloutAborted /
 * ProgressDeadlineExceeded
 *     ("<reason>: <message>") gives Degraded; so precedence between those
 * follows list order;
 *  2. spec.paused → Paused "manually paused";
 *  3. any status.pauseConditions → Paused, message = the first one's reason;
 *  4. spec.restartAt set and != status.restartedAt → Progressing "rollout is
 * restarting";
 *  5. updatedReplicas < spec.replicas (default 1) → "more replicas need to be
 * updated";
 *  6. availableReplicas < updatedReplicas → "updated replicas are still
 * becoming available";
 *  7. blueGreen: activeSelector "" or != currentPodHash → "active service
 * cutover pending"; then stableRS "" or != currentPodHash → "waiting for
 * analysis to complete" (postPromotionAnalysis set and its run status
 * absent/not completed) or "waiting for post-promotion verification to
 *     complete";
 *  8. canary: without trafficRouting, replicas > updatedReplicas → "old
 * replicas are pending termination"; then stableRS "" or != currentPodHash →
 * "waiting for all steps to complete";
 *  9. Healthy "".
 * phase always receives a NUL-terminated string; message (when non-NULL and n >
 * 0) is truncated to n-1 bytes. */
void ro_phase(const cJSON *rollout, const cJSON *status, char phase[32], char *message, size_t n);

/* GetRolloutPhase (client side: plugin get/status, e2e waits) for a whole
 * Rollout object: Progressing "waiting for rollout spec update to be observed"
 * when status.observedGeneration parses as an integer < metadata.generation (or
 * > is fine, unparsable is fine, like Argo); Progressing "waiting for rollout
 * to unpause" when status.controllerPause && no pauseConditions; otherwise
 * status.phase/status.message when phase is non-empty, else ro_phase(rollout,
 * status). */
void ro_get_phase(const cJSON *rollout, char phase[32], char *message, size_t n);

/* The condition of that type in status.conditions (borrowed), or NULL. */
cJSON *ro_condition(const cJSON *status, const char *type);

/* SetRolloutCondition. When a condition of that type exists with the same
 * status and reason, nothing changes and false is returned (like Argo, a
 * different message alone does NOT update it; use ro_replace_condition for
 * that). Otherwise the old one is removed and the new condition is appended at
 * the end of status.conditions (Argo's order) with lastUpdateTime = now; its
 * lastTransitionTime is the old one's when the status is unchanged, else now.
 * Returns true. status.conditions is created (or a non-array replaced) as
 * needed. NULL/empty type or status → false. reason/message NULL are written as
 * "". */
bool ro_set_condition(cJSON *status, const char *type, const char *cstatus, const char *reason, const char *message,
                      int64_t now_ms);

/* The controller's forced update, for changes SetRolloutCondition ignores: the
 * Progressing refresh on progress (same reason ReplicaSetUpdated, new
 * lastUpdateTime, sync.go:950-962) and a changed InvalidSpec message. Always
 * replaces (moved to the end), lastUpdateTime = now; lastTransitionTime is kept
 * iff keep_transition and the existing condition has the same status
 * (Progressing: keep_transition=true; InvalidSpec, which Argo removes then
 * re-adds: keep_transition=false). Returns true when status.conditions changed
 * in any way. */
bool ro_replace_condition(cJSON *status, const char *type, const char *cstatus, const char *reason, const char *message,
                          int64_t now_ms, bool keep_transition);

/* RemoveRolloutCondition: drops every condition of that type (no-op when
 * absent). */
void ro_remove_condition(cJSON *status, const char *type);

#endif
