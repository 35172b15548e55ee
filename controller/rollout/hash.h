/* hash.h: the pod-template hash, the canary steps hash, a Rollout's effective (defaulted) spec
 * values and int-or-percent scaling. Pure functions over cJSON; nothing here allocates state that
 * outlives a call.
 *
 * Hashes (Argo utils/hash/hash.go ComputePodTemplateHash, utils/conditions ComputeStepHash):
 *   h = FNV-32a(canonical JSON); [template only: if collisionCount is given, h also absorbs the
 *   8-byte little-endian buffer {count & 0xff, .., count >> 24, 0, 0, 0, 0}]; then the decimal
 *   text of h is mapped char by char through k8s rand.SafeEncodeString: c -> ALPHABET[c % 27],
 *   ALPHABET = "bcdfghjklmnpqrstvwxz2456789". The result is 1..10 chars of that alphabet.
 *
 *   Argo hashes Go's json.Marshal of the typed struct, so its bytes cannot be reproduced from
 *   untyped JSON; Cutover's hash is therefore not byte-identical to Argo's, only deterministic and
 *   insensitive to what a JSON round trip changes:
 *   - object keys are sorted (bytewise; duplicate keys keep their document order), so field
 *     order and whitespace never matter;
 *   - template: null members are dropped (`metadata.creationTimestamp: null`, which kubectl and
 *     Go clients send), and so are empty objects and empty arrays (`labels: {}`, `env: []`, a
 *     missing field and an empty one are the same Go zero value). Array order is kept.
 *   - steps: null members are dropped; empty objects are kept (`pause: {}` is meaningful).
 *   Numbers print as cJSON prints them (1 and 1.0 are the same number).
 */
#ifndef CUTOVER_CONTROLLER_ROLLOUT_HASH_H
#define CUTOVER_CONTROLLER_ROLLOUT_HASH_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#define RO_POD_TEMPLATE_HASH_LABEL "rollouts-pod-template-hash"
#define RO_HASH_ALPHABET "bcdfghjklmnpqrstvwxz2456789"

/* The pod-template hash of spec.template (the template object itself). collision_count is
   status.collisionCount: a number mixes it in; NULL or a non-number means "no collisionCount"
   (Argo's nil pointer). A NULL template hashes like `{}`. out gets a NUL-terminated string. */
void ro_pod_template_hash(const cJSON *tmpl, const cJSON *collision_count, char out[16]);

/* The hash of spec.strategy.canary.steps (status.currentStepHash). NULL hashes as JSON `null`
   (Go's nil slice), which differs from `[]`. Argo writes "" for blueGreen rollouts: that choice is
   the caller's. */
void ro_steps_hash(const cJSON *steps, char out[16]);

/* An IntOrString as Argo reads it (k8s intstr.GetValueFromIntOrPercent, the legacy parser that
   Argo's replica math uses): a JSON integer is an absolute count; ANY string is a percentage with
   every '%' removed, so "25%" and "25" (Argo's own default, defaults.DefaultMaxSurge) are both
   25%. Strings must then be Go strconv.Atoi-valid: optional sign, decimal digits, nothing else. */
typedef struct {
    bool percent; /* false: value is a count; true: value is a percentage */
    int value;
} ro_intstr;

/* Go strconv.Atoi restricted to int32: [+-]?[0-9]+ and nothing else. 0, or -1 (out untouched)
   when s is NULL, malformed or out of range. */
int ro_atoi32(const char *s, int *out);

/* Parses v into *out. -1 (out untouched) when v is NULL, a non-integral number, a number or
   string outside int32, a malformed string ("x%", "%", "", " 5") or another type. */
int ro_intstr_parse(const cJSON *v, ro_intstr *out);

/* The scaled value: a count as is; a percentage p of total as ceil(p*total/100) when round_up,
   else floor(p*total/100) (float64 arithmetic, like Go). -1 when the result does not fit an int. */
int ro_intstr_scaled(ro_intstr v, int total, int round_up, int *out);

/* ro_intstr_parse + ro_intstr_scaled. Returns 0, or -1 (out untouched) when malformed. E.g.
   "25%" of 3: round up 1, down 0; 5 of 3: 5; "x%": -1. Note: unlike k8s's newer
   GetScaledValueFromIntOrPercent, a string without '%' is a percentage, not an error (Argo). */
int ro_scaled_value(const cJSON *int_or_percent, int total, int round_up, int *out);

typedef enum {
    RO_STRATEGY_NONE = 0, /* neither blueGreen nor canary (invalid; validation reports it) */
    RO_STRATEGY_BLUEGREEN,
    RO_STRATEGY_CANARY,
} ro_strategy;

/* The effective values of a Rollout spec, defaults applied as Argo's utils/defaults does.
   Strings are borrowed from the cJSON passed to ro_defaults (NULL when unset); they live as long
   as that object. */
typedef struct {
    int replicas;                  /* spec.replicas, default 1 */
    int revision_history_limit;    /* default 10 */
    int progress_deadline_seconds; /* default 600 */
    bool progress_deadline_abort;  /* default false */
    int min_ready_seconds;         /* default 0 */
    bool paused;                   /* spec.paused, default false */
    ro_strategy strategy;          /* blueGreen wins when both are set (Argo checks it first) */

    /* Strategy-independent views of the fields both strategies have: */
    /* maxSurge: canary's, else Argo's default string "25" (= 25%, round up). */
    ro_intstr max_surge;
    /* maxUnavailable: blueGreen's (used by restart) or canary's, else "25" (= 25%, round down). */
    ro_intstr max_unavailable;
    /* Effective scale-down delay of the old RS after a switch/promotion
       (GetScaleDownDelaySecondsOrDefault): blueGreen: the field, default 30; canary with
       trafficRouting: the field, default 30; basic canary (no trafficRouting) or none: 0. */
    int scale_down_delay_seconds;
    int scale_down_delay_revision_limit; /* -1 when unset */
    /* Effective delay before the aborted (preview/canary) RS is scaled down
       (GetAbortScaleDownDelaySecondsOrDefault): blueGreen or traffic-routed canary: the field,
       default 30, and an explicit 0 means NEVER scale down, reported as -1; basic canary or none:
       0 (scale down at once; the field is ignored). */
    int abort_scale_down_delay_seconds;
    bool abort_scale_down_delay_set; /* the field was given (and honoured) */

    struct {
        const char *active_service;  /* NULL when unset */
        const char *preview_service; /* NULL when unset */
        bool auto_promotion_enabled; /* default true */
        int auto_promotion_seconds;  /* 0 = unset */
        int preview_replica_count;   /* -1 = unset */
    } bg;
    struct {
        const char *canary_service; /* NULL when unset */
        const char *stable_service; /* NULL when unset */
        bool traffic_routing;       /* spec.strategy.canary.trafficRouting is an object */
        bool dynamic_stable_scale;  /* default false */
        int steps;                  /* number of steps (0 when none) */
    } canary;
} ro_spec;

/* Fills *out with the effective values of rollout (the whole Rollout object, or anything with a
   `spec`). Returns 0; or -1 with *out untouched when a field present has the wrong JSON type
   (rollout/spec/strategy/blueGreen/canary not objects, an int field not an integral number within
   int32, a bool not a bool, a service not a string, steps not an array, maxSurge/maxUnavailable
   malformed). JSON null counts as absent. The validation module reports those errors. */
int ro_defaults(const cJSON *rollout, ro_spec *out);

#endif
