/* canarymath.c: Argo Rollouts' canary replica math (utils/replicaset/canary.go and replicaset.go,
 * utils/weightutil, utils/rollout.CanaryStepString, RolloutPause.DurationSeconds), ported to pure
 * functions over cJSON. See canarymath.h. Counts are Go int32 in Argo; products are taken in 64-bit
 * here so that absurd inputs cannot overflow (Argo would wrap). */
#include "controller/rollout/canarymath.h"

#include "common/clock.h"

#include "common/json.h"
#include "controller/rollout/hash.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- small readers ---- */

/* A JSON number that is an int32 integer. */
static bool i32(const cJSON *v, int *out)
{
    if (!cJSON_IsNumber(v))
        return false;
    double d = v->valuedouble;
    if (!(d >= INT32_MIN && d <= INT32_MAX) || d != floor(d))
        return false;
    *out = (int)d;
    return true;
}

/* A member that is present and not JSON null (Go: a non-nil pointer). */
static const cJSON *present(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return (v && !cJSON_IsNull(v)) ? v : NULL;
}

static int imax(int a, int b) { return a > b ? a : b; }
static int imin(int a, int b) { return a < b ? a : b; }

static int rs_spec(const cJSON *rs)
{
    int n;
    return i32(cj_get(rs, "spec.replicas"), &n) ? n : 1;
}

static int rs_available(const cJSON *rs)
{
    int n;
    return i32(cj_get(rs, "status.availableReplicas"), &n) ? n : 0;
}

static int rs_status_replicas(const cJSON *rs)
{
    int n;
    return i32(cj_get(rs, "status.replicas"), &n) ? n : 0;
}

/* CheckStableRSExists: the stable RS exists and is not the new RS. */
static bool stable_exists(const cJSON *new_rs, const cJSON *stable_rs)
{
    if (!stable_rs)
        return false;
    if (!new_rs)
        return true;
    if (new_rs == stable_rs)
        return false;
    return strcmp(cj_str0(new_rs, "metadata.name"), cj_str0(stable_rs, "metadata.name")) != 0;
}

/* ---- the rollout's view ---- */

typedef struct {
    const cJSON *ro, *status, *canary, *steps;
    int nsteps;
    ro_spec spec;
    bool tr; /* spec.strategy.canary.trafficRouting is set */
} view;

static void load(const cJSON *ro, view *v)
{
    memset(v, 0, sizeof *v);
    v->ro = ro;
    v->status = cj_get(ro, "status");
    v->canary = present(cj_get(ro, "spec.strategy"), "canary");
    if (!cJSON_IsObject(v->canary))
        v->canary = NULL;
    const cJSON *steps = present(v->canary, "steps");
    if (cJSON_IsArray(steps)) {
        v->steps = steps;
        v->nsteps = cJSON_GetArraySize(steps);
    }
    v->tr = present(v->canary, "trafficRouting") != NULL;
    if (ro_defaults(ro, &v->spec) != 0) {
        /* Malformed spec (validation reports it): fall back to what can be read. */
        memset(&v->spec, 0, sizeof v->spec);
        int n;
        v->spec.replicas = i32(cj_get(ro, "spec.replicas"), &n) ? n : 1;
        v->spec.max_surge = (ro_intstr){.percent = true, .value = 25};
        v->spec.max_unavailable = (ro_intstr){.percent = true, .value = 25};
        v->spec.strategy = v->canary ? RO_STRATEGY_CANARY : RO_STRATEGY_NONE;
        v->spec.canary.traffic_routing = v->tr;
        v->spec.canary.dynamic_stable_scale = cJSON_IsTrue(present(v->canary, "dynamicStableScale"));
        v->spec.canary.steps = v->nsteps;
    }
}

static bool st_true(const view *v, const char *key) { return cJSON_IsTrue(present(v->status, key)); }

static const char *st_str(const view *v, const char *key)
{
    const cJSON *s = present(v->status, key);
    return cJSON_IsString(s) ? s->valuestring : "";
}

static int max_weight(const view *v)
{
    int w;
    const cJSON *tr = present(v->canary, "trafficRouting");
    return i32(present(tr, "maxTrafficWeight"), &w) ? w : 100;
}

/* GetAbortScaleDownDelaySecondsOrDefault returned nil: abortScaleDownDelaySeconds: 0 (never). */
static bool abort_delay_never(const view *v) { return v->spec.abort_scale_down_delay_seconds == -1; }

/* HasExplicitAbortScaleDownDelay: set, and not the "never" 0. */
static bool explicit_abort_delay(const view *v)
{
    return v->spec.abort_scale_down_delay_set && v->spec.abort_scale_down_delay_seconds != -1;
}

/* trafficWeightToReplicas: ceil(weight*replicas/maxWeight). 0 for a non-positive maxWeight (Argo
   divides by it; nothing validates it). */
static int weight_to_replicas(int replicas, int weight, int maxw)
{
    if (maxw <= 0)
        return 0;
    double r = ceil((double)weight * (double)replicas / (double)maxw);
    if (!(r >= INT32_MIN && r <= INT32_MAX))
        return 0;
    return (int)r;
}

static const cJSON *current_step(const view *v, int *index)
{
    if (!v->steps || v->nsteps == 0) {
        if (index)
            *index = -1;
        return NULL;
    }
    int i = 0;
    if (!i32(present(v->status, "currentStepIndex"), &i))
        i = 0;
    if (index)
        *index = i;
    if (i < 0 || i >= v->nsteps)
        return NULL;
    return cJSON_GetArrayItem(v->steps, i);
}

static bool step_weight(const cJSON *step, int *w) { return i32(present(step, "setWeight"), w); }

static int current_set_weight(const view *v)
{
    if (st_true(v, "abort"))
        return 0;
    int idx;
    if (!current_step(v, &idx))
        return max_weight(v);
    for (int i = idx; i >= 0; i--) {
        int w;
        if (step_weight(cJSON_GetArrayItem(v->steps, i), &w))
            return w;
    }
    return 0;
}

static const cJSON *current_scale(const view *v)
{
    if (!v->canary || !v->tr)
        return NULL; /* setCanaryScale only works with trafficRouting */
    if (st_true(v, "abort") && !abort_delay_never(v))
        return NULL; /* aborted: ignored unless the canary is to be left scaled up */
    int idx;
    if (!current_step(v, &idx))
        return NULL;
    for (int i = idx; i >= 0; i--) {
        const cJSON *scs = present(cJSON_GetArrayItem(v->steps, i), "setCanaryScale");
        if (!scs)
            continue;
        if (cJSON_IsTrue(present(scs, "matchTrafficWeight")))
            return NULL;
        return scs;
    }
    return NULL;
}

static int desired_weight(const view *v, const cJSON *new_rs, const cJSON *stable_rs)
{
    if (st_true(v, "abort") && v->spec.canary.dynamic_stable_scale && new_rs && stable_rs) {
        int maxw = max_weight(v), replicas = v->spec.replicas;
        /* the stable scales back up step by step: the canary count it leaves room for */
        int expected = replicas - rs_available(stable_rs);
        int canary = imax(expected, rs_available(new_rs));
        if (explicit_abort_delay(v))
            canary = expected;
        for (int i = v->nsteps - 1; i >= 0; i--) {
            int w;
            if (step_weight(cJSON_GetArrayItem(v->steps, i), &w) && weight_to_replicas(replicas, w, maxw) < canary)
                return w;
        }
        return 0;
    }
    return current_set_weight(v);
}

static void replicas_or_weight(const view *v, const cJSON *new_rs, const cJSON *stable_rs, int *replicas, int *weight)
{
    int r = -1, w = 0;
    const char *stable = st_str(v, "stableRS");
    if (st_true(v, "promoteFull") || !*stable || strcmp(st_str(v, "currentPodHash"), stable) == 0) {
        w = max_weight(v);
    } else {
        const cJSON *scs = current_scale(v);
        int n;
        if (scs && i32(present(scs, "replicas"), &n))
            r = n;
        else if (scs && i32(present(scs, "weight"), &n))
            w = n;
        else
            w = desired_weight(v, new_rs, stable_rs);
    }
    if (replicas)
        *replicas = r;
    if (weight)
        *weight = w;
}

/* resolveFenceposts over spec.replicas. */
static void fenceposts(const view *v, int *surge, int *unavailable)
{
    int s = 0, u = 0;
    if (ro_intstr_scaled(v->spec.max_surge, v->spec.replicas, 1, &s) != 0)
        s = 0;
    if (ro_intstr_scaled(v->spec.max_unavailable, v->spec.replicas, 0, &u) != 0)
        u = 0;
    if (s == 0 && u == 0)
        u = 1;
    *surge = s;
    *unavailable = u;
}

static int max_surge(const view *v)
{
    if (!v->canary)
        return 0;
    int s, u;
    fenceposts(v, &s, &u);
    return s;
}

static int max_unavailable(const view *v)
{
    int replicas = v->spec.replicas;
    if (replicas == 0)
        return 0;
    int s, u = 0;
    if (v->canary) {
        fenceposts(v, &s, &u);
    } else if (ro_intstr_scaled(v->spec.max_unavailable, replicas, 0, &u) != 0) {
        u = 0;
    }
    return u > replicas ? replicas : u;
}

static int min_pods(const view *v, int count)
{
    if (count == 0 || !v->canary || !v->tr)
        return count;
    int m;
    if (!i32(present(v->canary, "minPodsPerReplicaSet"), &m))
        return count;
    if (m > v->spec.replicas)
        m = v->spec.replicas; /* capped so that it cannot loop */
    return imax(count, m);
}

/* ---- public: steps and weights ---- */

const cJSON *ro_canary_current_step(const cJSON *ro, int *index)
{
    view v;
    load(ro, &v);
    return current_step(&v, index);
}

int ro_canary_current_set_weight(const cJSON *ro)
{
    view v;
    load(ro, &v);
    return current_set_weight(&v);
}

int ro_canary_max_weight(const cJSON *ro)
{
    view v;
    load(ro, &v);
    return max_weight(&v);
}

const cJSON *ro_canary_current_scale(const cJSON *ro)
{
    view v;
    load(ro, &v);
    return current_scale(&v);
}

void ro_canary_replicas_or_weight(const cJSON *ro, const cJSON *new_rs, const cJSON *stable_rs, int *replicas,
                                     int *weight)
{
    view v;
    load(ro, &v);
    replicas_or_weight(&v, new_rs, stable_rs, replicas, weight);
}

int ro_canary_desired_weight(const cJSON *ro, const cJSON *new_rs, const cJSON *stable_rs)
{
    view v;
    load(ro, &v);
    return desired_weight(&v, new_rs, stable_rs);
}

int ro_canary_max_surge(const cJSON *ro)
{
    view v;
    load(ro, &v);
    return max_surge(&v);
}

int ro_canary_max_unavailable(const cJSON *ro)
{
    view v;
    load(ro, &v);
    return max_unavailable(&v);
}

int ro_canary_min_pods(const cJSON *ro, int count)
{
    view v;
    load(ro, &v);
    return min_pods(&v, count);
}

/* ---- approximate split ---- */

/* floorCeilingTied: total*(weight/maxWeight) has a fractional part of exactly .5. */
static bool floor_ceiling_tied(int weight, int maxw, int total)
{
    double ip;
    return modf((double)total * ((double)weight / (double)maxw), &ip) == 0.5;
}

static double weight_delta(int weight, int maxw, int canary, int total)
{
    double actual = (double)((int64_t)canary * maxw) / (double)total;
    return fabs(actual - (double)weight);
}

/* A candidate canary count out of a total. */
typedef struct {
    int canary, total;
} split;

void ro_canary_approximate(int replicas, int weight, int max_weight_, int max_surge_, int *canary, int *stable)
{
    int c = 0, s = 0;
    if (replicas != 0 && max_weight_ > 0) {
        split opts[4];
        int n = 0;
        double prod = (double)((int64_t)replicas * weight);
        int ceilc = (int)ceil(prod / (double)max_weight_);
        int floorc = (int)floor(prod / (double)max_weight_);
        bool tied = floor_ceiling_tied(weight, max_weight_, replicas);
        /* zero is allowed only at 0 or max weight, or with 1 replica and no surge */
        bool zero_ok = weight == max_weight_ || weight == 0 || (replicas == 1 && max_surge_ == 0);
        if (ceilc < replicas || zero_ok)
            opts[n++] = (split){ceilc, replicas};
        if (!tied && (floorc != 0 || zero_ok))
            opts[n++] = (split){floorc, replicas};
        if (max_surge_ > 0) {
            opts[n++] = (split){ceilc, replicas + 1};
            bool surge_tied = floor_ceiling_tied(weight, max_weight_, replicas + 1);
            if (!surge_tied && (floorc != 0 || zero_ok))
                opts[n++] = (split){floorc, replicas + 1};
        }
        if (n == 0) {
            c = 0; /* "should not get here" in Argo */
            s = replicas;
        } else {
            int best = 0;
            double best_delta = weight_delta(weight, max_weight_, opts[0].canary, opts[0].total);
            for (int i = 1; i < n; i++) {
                double d = weight_delta(weight, max_weight_, opts[i].canary, opts[i].total);
                if (d < best_delta) {
                    best = i;
                    best_delta = d;
                }
            }
            c = opts[best].canary;
            s = opts[best].total - opts[best].canary;
        }
    }
    if (canary)
        *canary = c;
    if (stable)
        *stable = s;
}

/* ---- basic canary ---- */

int ro_canary_replicas_for_scale_down(const cJSON *rs, bool ignore_availability)
{
    if (!rs)
        return 0;
    int spec = rs_spec(rs), avail = rs_available(rs);
    if (spec < avail)
        return spec; /* already shrinking: the extra available pods will go */
    return ignore_availability ? spec : avail;
}

/* calculateScaleDownReplicaCount: the drained RS goes down to its desired count, or as far as
   scale_down allows. */
static int scale_down_count(const cJSON *drain_rs, int desired, int scale_down, int count)
{
    if (drain_rs && rs_spec(drain_rs) > desired)
        count = imax(desired, rs_spec(drain_rs) - scale_down);
    return count;
}

/* adjustReplicaWithinLimits: brings adjust_count back within maxSurge, keeping availability at
   min_available where the adjusted RS can provide it, then trims the drained RS if still over. */
static void adjust_within_limits(const cJSON *drain_rs, const cJSON *adjust_rs, int *drain_count, int *adjust_count,
                                 int max_allowed, int min_available)
{
    int total_available = 0;
    int over = imax(0, *adjust_count + *drain_count - max_allowed);
    if (drain_rs)
        total_available += imin(rs_available(drain_rs), *drain_count);
    if (adjust_rs) {
        *adjust_count -= over;
        total_available += imin(rs_available(adjust_rs), *adjust_count);
        int extra_available = imax(0, rs_available(adjust_rs) - *adjust_count);
        int more_needed = imax(0, min_available - total_available);
        *adjust_count += imin(extra_available, more_needed);
        over = imax(0, *adjust_count + *drain_count - max_allowed);
        *drain_count -= over;
    }
}

static void basic_counts(const view *v, const cJSON *new_rs, const cJSON *stable_rs, const cJSON *const *others,
                         int nothers, int *new_count, int *stable_count)
{
    int replicas = v->spec.replicas;
    int weight;
    replicas_or_weight(v, new_rs, stable_rs, NULL, &weight);
    int surge = max_surge(v);
    int desired_new, desired_stable;
    ro_canary_approximate(replicas, weight, max_weight(v), surge, &desired_new, &desired_stable);

    int stable_n = 0, new_n = new_rs ? rs_spec(new_rs) : 0;
    bool scale_stable = stable_exists(new_rs, stable_rs);
    if (scale_stable) {
        stable_n = rs_spec(stable_rs);
    } else {
        /* no stable RS (or it is the new one): no steps, straight to 100% */
        desired_new = replicas;
        desired_stable = 0;
    }

    int max_allowed = replicas + surge;
    int others_total = 0;
    for (int i = 0; i < nothers; i++)
        if (others && others[i])
            others_total += rs_spec(others[i]);
    int total = others_total + (new_rs ? rs_spec(new_rs) : 0) + (scale_stable ? rs_spec(stable_rs) : 0);
    int scale_up = max_allowed - total;

    /* scale up: the stable first, then the new */
    if (scale_stable && rs_spec(stable_rs) < desired_stable && scale_up > 0) {
        if (rs_spec(stable_rs) + scale_up < desired_stable) {
            stable_n = rs_spec(stable_rs) + scale_up;
            scale_up = 0;
        } else {
            stable_n = desired_stable;
            scale_up -= desired_stable - rs_spec(stable_rs);
        }
    }
    if (new_rs && rs_spec(new_rs) < desired_new && scale_up > 0) {
        if (rs_spec(new_rs) + scale_up < desired_new)
            new_n = rs_spec(new_rs) + scale_up;
        else
            new_n = desired_new;
    }

    if (others_total > 0) {
        /* older RSs are scaled down first, before the new or stable */
        *new_count = new_n;
        *stable_count = stable_n;
        return;
    }

    int min_available = replicas - max_unavailable(v);
    /* going up: the stable's availability may be ignored; going down (abort): the canary's */
    bool increasing = !new_rs || desired_new >= rs_spec(new_rs);
    int to_scale_down = ro_canary_replicas_for_scale_down(new_rs, !increasing) +
                        ro_canary_replicas_for_scale_down(stable_rs, increasing);
    if (to_scale_down > min_available) {
        int scale_down = to_scale_down - min_available;
        if (!increasing) {
            new_n = scale_down_count(new_rs, desired_new, scale_down, new_n);
            adjust_within_limits(new_rs, stable_rs, &new_n, &stable_n, max_allowed, min_available);
        } else if (scale_stable) {
            stable_n = scale_down_count(stable_rs, desired_stable, scale_down, stable_n);
            adjust_within_limits(stable_rs, new_rs, &stable_n, &new_n, max_allowed, min_available);
        }
    }
    *new_count = new_n;
    *stable_count = stable_n;
}

void ro_canary_basic_counts(const cJSON *ro, const cJSON *new_rs, const cJSON *stable_rs, const cJSON *const *others,
                            int nothers, int *new_count, int *stable_count)
{
    view v;
    load(ro, &v);
    int n = 0, s = 0;
    basic_counts(&v, new_rs, stable_rs, others, nothers, &n, &s);
    if (new_count)
        *new_count = n;
    if (stable_count)
        *stable_count = s;
}

/* ---- traffic-routed canary ---- */

static int weights_weight(const cJSON *weights, const char *which)
{
    int w;
    return i32(present(present(weights, which), "weight"), &w) ? w : 0;
}

static void routed_counts(const view *v, const cJSON *new_rs, const cJSON *stable_rs, const cJSON *weights,
                          int *new_count, int *stable_count)
{
    int replicas = v->spec.replicas, maxw = max_weight(v);
    int scs_replicas, weight, canary;
    replicas_or_weight(v, new_rs, stable_rs, &scs_replicas, &weight);
    if (scs_replicas >= 0)
        canary = scs_replicas; /* an explicit canary count */
    else
        canary = min_pods(v, weight_to_replicas(replicas, weight, maxw));

    if (!v->spec.canary.dynamic_stable_scale) {
        /* the stable stays at 100% until the rollout completes */
        *new_count = canary;
        *stable_count = replicas;
        return;
    }
    /* dynamicStableScale: the higher of the desired and the actual stable traffic weight */
    int stable = weight_to_replicas(replicas, maxw - weight, maxw);
    if (weights && cJSON_IsObject(weights)) {
        stable = imax(stable, weight_to_replicas(replicas, weights_weight(weights, "stable"), maxw));
        if (st_true(v, "abort")) {
            /* aborting: keep the canary until traffic has left it */
            canary = imax(weight_to_replicas(replicas, weights_weight(weights, "canary"), maxw), canary);
        }
    }
    *new_count = min_pods(v, canary);
    *stable_count = min_pods(v, stable);
}

void ro_canary_routed_counts(const cJSON *ro, const cJSON *new_rs, const cJSON *stable_rs, const cJSON *weights,
                                int *new_count, int *stable_count)
{
    view v;
    load(ro, &v);
    int n = 0, s = 0;
    routed_counts(&v, new_rs, stable_rs, cJSON_IsNull(weights) ? NULL : weights, &n, &s);
    if (new_count)
        *new_count = n;
    if (stable_count)
        *stable_count = s;
}

/* ---- at desired counts ---- */

static bool all_desired_available(const cJSON *rs, int desired)
{
    return rs && desired == rs_spec(rs) && desired == rs_available(rs);
}

static bool all_desired_created(const cJSON *rs, int desired)
{
    return rs && desired == rs_spec(rs) && desired == rs_status_replicas(rs);
}

static bool threshold_met(const view *v, const cJSON *rs, int desired)
{
    const cJSON *t = present(v->canary, "replicaProgressThreshold");
    int value = 0;
    if (t && !i32(present(t, "value"), &value))
        value = 0;
    if (!t || !rs || value < 0)
        return all_desired_available(rs, desired);
    const cJSON *type = present(t, "type");
    if (cJSON_IsString(type) && strcmp(type->valuestring, "Percent") == 0) {
        if (desired == 0)
            return true;
        double pct = (double)rs_available(rs) / (double)desired * 100;
        return pct >= (double)value || fabs(pct - (double)value) <= 1e-10;
    }
    return rs_available(rs) >= value;
}

bool ro_canary_progress_threshold_met(const cJSON *ro, const cJSON *rs, int desired)
{
    view v;
    load(ro, &v);
    return threshold_met(&v, rs, desired);
}

bool ro_canary_at_desired_counts(const cJSON *ro, const cJSON *new_rs, const cJSON *stable_rs,
                                 const cJSON *const *others, int nothers, const cJSON *weights)
{
    view v;
    load(ro, &v);
    int want_new, want_stable;
    if (!v.tr)
        basic_counts(&v, new_rs, stable_rs, others, nothers, &want_new, &want_stable);
    else
        routed_counts(&v, new_rs, stable_rs, cJSON_IsNull(weights) ? NULL : weights, &want_new, &want_stable);

    if (!threshold_met(&v, new_rs, want_new))
        return false;
    if (!v.tr || !v.spec.canary.dynamic_stable_scale) {
        if (!all_desired_created(stable_rs, want_stable))
            return false;
    }
    if (!v.tr) {
        /* basic canary: older RSs serve traffic, so they must have no available pods */
        int avail = 0;
        for (int i = 0; i < nothers; i++)
            if (others && others[i])
                avail += rs_available(others[i]);
        if (avail != 0)
            return false;
    }
    return true;
}

/* ---- step / template changes ---- */

bool ro_canary_steps_changed(const cJSON *ro)
{
    view v;
    load(ro, &v);
    const char *have = st_str(&v, "currentStepHash");
    if (!*have)
        return true;
    char want[16] = "";
    const cJSON *strategy = cj_get(ro, "spec.strategy");
    if (!present(strategy, "blueGreen") && v.canary)
        ro_steps_hash(present(v.canary, "steps"), want);
    return strcmp(have, want) != 0;
}

bool ro_canary_template_or_steps_changed(const cJSON *ro, const cJSON *new_rs)
{
    if (ro_canary_steps_changed(ro))
        return true;
    view v;
    load(ro, &v);
    const char *have = st_str(&v, "currentPodHash");
    if (!*have)
        return false;
    char h[16];
    if (new_rs) {
        const cJSON *l =
            cJSON_GetObjectItemCaseSensitive(cj_get(new_rs, "metadata.labels"), RO_POD_TEMPLATE_HASH_LABEL);
        snprintf(h, sizeof h, "%s", cJSON_IsString(l) ? l->valuestring : "");
    } else {
        ro_pod_template_hash(cj_get(ro, "spec.template"), present(v.status, "collisionCount"), h);
    }
    return strcmp(have, h) != 0;
}

/* ---- text ---- */

void ro_canary_step_text(const cJSON *step, char *out, size_t n)
{
    if (!out || n == 0)
        return;
    int w;
    const cJSON *p, *scs;
    if (step_weight(step, &w)) {
        snprintf(out, n, "setWeight: %d", w);
    } else if ((p = present(step, "pause")) != NULL) {
        const cJSON *d = present(p, "duration");
        if (!d)
            snprintf(out, n, "pause");
        else if (cJSON_IsString(d))
            snprintf(out, n, "pause: %s", d->valuestring);
        else if (i32(d, &w))
            snprintf(out, n, "pause: %d", w);
        else if (cJSON_IsNumber(d))
            snprintf(out, n, "pause: %g", d->valuedouble);
        else
            snprintf(out, n, "pause");
    } else if (present(step, "experiment")) {
        snprintf(out, n, "experiment");
    } else if (present(step, "analysis")) {
        snprintf(out, n, "analysis");
    } else if ((scs = present(step, "setCanaryScale")) != NULL && i32(present(scs, "weight"), &w)) {
        snprintf(out, n, "setCanaryScale{weight: %d}", w);
    } else if (scs && cJSON_IsTrue(present(scs, "matchTrafficWeight"))) {
        snprintf(out, n, "setCanaryScale{matchTrafficWeight: true}");
    } else if (scs && i32(present(scs, "replicas"), &w)) {
        snprintf(out, n, "setCanaryScale{replicas: %d}", w);
    } else if ((p = present(step, "plugin")) != NULL) {
        snprintf(out, n, "plugin: %s", cj_str0(p, "name"));
    } else if ((p = present(step, "setHeaderRoute")) != NULL) {
        snprintf(out, n, "setHeaderRoute: %s", cj_str0(p, "name"));
    } else if ((p = present(step, "setMirrorRoute")) != NULL) {
        snprintf(out, n, "setMirrorRoute: %s", cj_str0(p, "name"));
    } else {
        snprintf(out, n, "invalid");
    }
}

/* ---- durations ---- */



bool ro_parse_duration_seconds(const char *s, long long *secs)
{
    int n;
    if (ro_atoi32(s, &n) == 0) {
        *secs = n;
        return true;
    }
    int64_t ns;
    if (!s || co_parse_go_duration(s, &ns, NULL) != 0)
        return false;
    /* Duration.Seconds(), truncated by int32() */
    double d = (double)(ns / 1000000000) + (double)(ns % 1000000000) / 1e9;
    if (!(d > (double)INT32_MIN - 1 && d < (double)INT32_MAX + 1))
        return false;
    *secs = (long long)d;
    return true;
}

long ro_pause_duration_seconds(const cJSON *pause)
{
    if (!pause || cJSON_IsNull(pause))
        return -1;
    if (!cJSON_IsObject(pause))
        return -2;
    const cJSON *d = present(pause, "duration");
    if (!d)
        return -1; /* indefinite */
    long long secs;
    if (cJSON_IsString(d)) {
        if (!ro_parse_duration_seconds(d->valuestring, &secs))
            return -2;
    } else {
        int n;
        if (!i32(d, &n))
            return -2;
        secs = n;
    }
    return secs < 0 ? -2 : (long)secs;
}
