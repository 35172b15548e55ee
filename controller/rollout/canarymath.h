/* canarymath.h: Argo Rollouts' canary replica math (utils/replicaset/canary.go, replicaset.go,
 * utils/weightutil, utils/rollout CanaryStepString, RolloutPause.DurationSeconds) as pure
 * functions over cJSON. Nothing here allocates state that outlives a call; nothing does I/O.
 *
 * Inputs:
 * - `ro` is the whole Rollout object (spec + status). Its spec view comes from ro_defaults()
 *   (hash.h): spec.replicas (default 1), maxSurge/maxUnavailable (default "25" = 25%, any string is
 *   a percentage), trafficRouting, dynamicStableScale, abortScaleDownDelaySeconds. The status fields
 *   read are currentStepIndex (default 0), stableRS, currentPodHash, promoteFull, abort (JSON null or
 *   a member of the wrong type counts as absent, i.e. Go's zero value).
 * - A ReplicaSet is a cJSON object; NULL means "none" (Go's nil). spec.replicas defaults to 1 when
 *   absent (like ro_rs_replicas in sync.c; the API server always sets it), status.availableReplicas
 *   and status.replicas to 0. Two ReplicaSets are "the same" (CheckStableRSExists) when they are the
 *   same pointer or have the same metadata.name (Go compares names, "" == "" included).
 * - Step fields that are JSON null, or numbers that are not int32 integers, count as absent.
 *
 * Argo's behaviours reproduced here that are easy to get wrong:
 * - GetCanaryReplicasOrWeight answers maxWeight when status.promoteFull, when status.stableRS is ""
 *   (the first deploy), or when status.currentPodHash == status.stableRS (fully promoted).
 * - setCanaryScale is honoured only with trafficRouting, and is ignored while aborted unless
 *   abortScaleDownDelaySeconds is explicitly 0. {matchTrafficWeight: true} cancels an earlier
 *   setCanaryScale; an empty setCanaryScale {} still shadows earlier ones (and then the weight is
 *   the setWeight one).
 * - The desired weight while aborted with dynamicStableScale (and both RSs known) is not 0 but,
 *   scanning the steps from the last one backwards, the first setWeight whose canary count is
 *   below the current canary size: it steps down (GetDesiredCanaryWeight). The *_rs variants below
 *   take the RSs that this needs.
 * - maxSurge/maxUnavailable (resolveFenceposts): surge = ceil(pct), unavailable = floor(pct) of
 *   spec.replicas; when both resolve to 0, maxUnavailable = 1. maxUnavailable is capped at
 *   spec.replicas and is 0 when spec.replicas is 0.
 */
#ifndef CUTOVER_CONTROLLER_ROLLOUT_CANARYMATH_H
#define CUTOVER_CONTROLLER_ROLLOUT_CANARYMATH_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- steps and weights ---- */

/* GetCurrentCanaryStep: the step object at status.currentStepIndex (default 0), or NULL when
   spec.strategy.canary has no steps or the index is at/past the end (or negative). *index (may be
   NULL) gets the index, or -1 when there are no steps at all (Go's nil index: then
   status.currentStepIndex stays unset). */
const cJSON *ro_canary_current_step(const cJSON *ro, int *index);

/* GetCurrentSetWeight: 0 when status.abort; maxWeight when there is no current step (no steps, or
   past the last one); else the setWeight of the nearest step at or before the current index that
   has one; 0 when none has. */
int ro_canary_current_set_weight(const cJSON *ro);

/* MaxTrafficWeight: spec.strategy.canary.trafficRouting.maxTrafficWeight, default 100 (also when
   trafficRouting is absent: the field only counts inside it). */
int ro_canary_max_weight(const cJSON *ro);

/* UseSetCanaryScale: the setCanaryScale object in effect, NULL when none applies. NULL without
   spec.strategy.canary.trafficRouting; NULL when status.abort unless the abort scale-down delay is
   "never" (abortScaleDownDelaySeconds: 0); NULL when there is no current step; else walks back from
   the current index to the nearest step with a setCanaryScale: NULL if that one has
   matchTrafficWeight: true, else that object (even {}). */
const cJSON *ro_canary_current_scale(const cJSON *ro);

/* GetCanaryReplicasOrWeight(ro, newRS, stableRS): *replicas >= 0 when a setCanaryScale.replicas
   applies (then *weight is 0); else *replicas = -1 and *weight is maxWeight (promoteFull, stableRS
   "", or currentPodHash == stableRS), the setCanaryScale.weight, or
   ro_canary_desired_weight(ro, new_rs, stable_rs) (with NULL RSs: ro_canary_current_set_weight()).
   Either output pointer may be NULL. This is what the replica math uses. */
void ro_canary_replicas_or_weight(const cJSON *ro, const cJSON *new_rs, const cJSON *stable_rs, int *replicas,
                                     int *weight);

/* GetDesiredCanaryWeight: when status.abort and canary.dynamicStableScale and both RSs are given:
   canary = spec.replicas - stable.availableReplicas, raised to new.availableReplicas unless an
   explicit non-zero abortScaleDownDelaySeconds is set; then, from the LAST step backwards, the first
   setWeight whose ceil(replicas*w/maxWeight) is below that canary count; 0 if none. Otherwise
   ro_canary_current_set_weight(). */
int ro_canary_desired_weight(const cJSON *ro, const cJSON *new_rs, const cJSON *stable_rs);

/* ---- surge / unavailable ---- */

/* MaxSurge: 0 without spec.strategy.canary; else the surge of resolveFenceposts (ceil). */
int ro_canary_max_surge(const cJSON *ro);

/* MaxUnavailable: 0 when spec.replicas is 0; canary: resolveFenceposts' unavailable (floor, 1 when
   surge and unavailable both resolve to 0); otherwise floor of the (blueGreen) maxUnavailable;
   capped at spec.replicas. Also what scaleDownOldReplicaSetsForCanary's minAvailable uses. */
int ro_canary_max_unavailable(const cJSON *ro);

/* ---- replica counts ---- */

/* approximateWeightedCanaryStableReplicaCounts: the canary/stable split closest to weight/max_weight
   among canary in {ceil, floor}(replicas*weight/max_weight) with total replicas or (when
   max_surge > 0) replicas+1. With 1..max_weight-1 and 2+ pods (surge included) neither count is 0;
   a .5 tie takes the larger canary; the first best candidate wins (order: ceil/total, floor/total,
   ceil/total+1, floor/total+1). 0/0 when replicas is 0. */
void ro_canary_approximate(int replicas, int weight, int max_weight, int max_surge, int *canary, int *stable);

/* CheckMinPodsPerReplicaSet: count unchanged when 0 or without trafficRouting or without
   canary.minPodsPerReplicaSet; else max(count, min(minPodsPerReplicaSet, spec.replicas)). */
int ro_canary_min_pods(const cJSON *ro, int count);

/* GetReplicasForScaleDown: 0 for NULL; spec.replicas when spec < available (already shrinking) or
   when ignore_availability; else status.availableReplicas. */
int ro_canary_replicas_for_scale_down(const cJSON *rs, bool ignore_availability);

/* CalculateReplicaCountsForBasicCanary: the counts to scale the new and stable RS to in this
   reconcile (no trafficRouting). others = the older RSs (neither new nor stable; NULL entries are
   skipped; others may be NULL when nothers is 0).
   1. ideal split = ro_canary_approximate(replicas, weight, maxWeight, maxSurge); with no stable RS
      (or stable == new) the ideal is replicas/0;
   2. scale up within replicas + maxSurge - sum(spec.replicas of others, new, stable): stable first,
      then new;
   3. if the others still have spec.replicas > 0, stop there;
   4. else scale down within (sum of GetReplicasForScaleDown) - (replicas - maxUnavailable): when the
      weight goes up (no new RS, or ideal new >= new's spec) the stable is drained (its availability
      ignored) and the new adjusted to stay within maxSurge/maxUnavailable; when it goes down
      (abort) the new is drained and the stable adjusted.
   Without a stable RS, *stable_count is 0. */
void ro_canary_basic_counts(const cJSON *ro, const cJSON *new_rs, const cJSON *stable_rs, const cJSON *const *others,
                            int nothers, int *new_count, int *stable_count);

/* CalculateReplicaCountsForTrafficRoutedCanary: canary = setCanaryScale.replicas, else
   ro_canary_min_pods(ceil(replicas*weight/maxWeight)); stable = spec.replicas (kept at 100%)
   unless canary.dynamicStableScale. With dynamicStableScale: stable = ceil(replicas*(maxWeight -
   weight)/maxWeight), raised to ceil(replicas*weights.stable.weight/maxWeight) when weights are
   given; while aborted the canary is raised to ceil(replicas*weights.canary.weight/maxWeight);
   both pass through ro_canary_min_pods. weights = status.canary.weights (may be NULL); with NULL
   ReplicaSets the abort step-down of dynamicStableScale does not apply. */
void ro_canary_routed_counts(const cJSON *ro, const cJSON *new_rs, const cJSON *stable_rs, const cJSON *weights,
                                int *new_count, int *stable_count);

/* ReplicaProgressThresholdMet with canary.replicaProgressThreshold ({type: Percent|Pods, value}):
   without a threshold, with a NULL rs, or a negative value: rs != NULL && desired == spec.replicas
   && desired == availableReplicas. Percent: true when desired is 0, else available/desired*100 >=
   value (1e-10 tolerance). Any other type: available >= value. */
bool ro_canary_progress_threshold_met(const cJSON *ro, const cJSON *rs, int desired);

/* AtDesiredReplicaCountsForCanary (both strategies: basic and traffic routed). The desired counts
   are ro_canary_basic_counts (no trafficRouting) or ro_canary_routed_counts (with weights, which
   Argo takes from the status being computed: newStatus.canary.weights). True when:
   - the new RS meets ro_canary_progress_threshold_met(desired new), and
   - unless trafficRouting with dynamicStableScale: the stable RS exists with spec.replicas ==
     status.replicas == desired stable (created, not available: a NULL stable RS is never at
     its count), and
   - basic canary only: the others have 0 available replicas in total. */
bool ro_canary_at_desired_counts(const cJSON *ro, const cJSON *new_rs, const cJSON *stable_rs,
                                 const cJSON *const *others, int nothers, const cJSON *weights);

/* ---- step / template changes ---- */

/* checkStepHashChange: true when status.currentStepHash is "" or differs from the steps hash
   (ro_steps_hash of spec.strategy.canary.steps; "" for blueGreen or without canary, as Argo's
   ComputeStepHash). */
bool ro_canary_steps_changed(const cJSON *ro);

/* PodTemplateOrStepsChanged: ro_canary_steps_changed(), or CheckPodSpecChange: status.currentPodHash
   is set and differs from new_rs's pod-template-hash label (or, with no new RS, from the hash of
   spec.template with status.collisionCount). */
bool ro_canary_template_or_steps_changed(const cJSON *ro, const cJSON *new_rs);

/* ---- text and durations ---- */

/* CanaryStepString, for RolloutStepCompleted ("Rollout step %d/%d completed (%s)") and the CLI.
   Checked in this order: "setWeight: 20"; "pause" or "pause: <duration as written>" ("pause: 30",
   "pause: 30s"); "experiment"; "analysis"; "setCanaryScale{weight: 25}",
   "setCanaryScale{matchTrafficWeight: true}", "setCanaryScale{replicas: 3}" (a setCanaryScale with
   none of these falls through); "plugin: NAME"; "setHeaderRoute: NAME"; "setMirrorRoute: NAME";
   else "invalid" (also for NULL). Writes a NUL-terminated string into out (truncated to n). */
void ro_canary_step_text(const cJSON *step, char *out, size_t n);

/* RolloutPause.DurationSeconds of a pause object ({duration: ...}): the integer as is; a string is
   first tried as a base-10 int32 ("30", "+30"), else as a Go time.ParseDuration ("30s", "1m",
   "1h30m", "1.5s" = 1, "500ms" = 0), truncated to whole seconds. Returns -1 when there is no
   duration (NULL pause, or duration absent/null: an indefinite pause), -2 when malformed (a
   non-integer number, "", "x", "30x", overflow, a negative result, pause not an object). */
long ro_pause_duration_seconds(const cJSON *pause);

/* The string form of a pause duration as seconds, signed: a base-10 int32 ("30", "-5"), else a Go
   time.ParseDuration ("30s", "1h30m") truncated to whole seconds. false when malformed or beyond
   int32 seconds. */
bool ro_parse_duration_seconds(const char *s, long long *secs);

#endif
