/* status.c: Rollout phase/message (Argo's CalculateRolloutPhase /
 * GetRolloutPhase) and the status.conditions helpers
 * (Get/Set/RemoveRolloutCondition). See status.h. */
#include "controller/rollout/status.h"

#include "common/clock.h"
#include "common/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- zero-value readers: a missing field or a wrong JSON type reads as Go's zero value ---- */

static const cJSON *child(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* An int32 count (cJSON saturates valueint to the int range). */
static int int_or(const cJSON *o, const char *key, int def)
{
    const cJSON *v = child(o, key);
    return cJSON_IsNumber(v) ? v->valueint : def;
}

static bool bool_true(const cJSON *o, const char *key)
{
    return cJSON_IsTrue(child(o, key));
}

/* A Go pointer-to-struct field: non-nil iff present and a JSON object. */
static bool present_obj(const cJSON *o, const char *key)
{
    return cJSON_IsObject(child(o, key));
}

static int array_len(const cJSON *o, const char *key)
{
    const cJSON *v = child(o, key);
    return cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
}

static void out(char phase[32], char *message, size_t n, const char *p, const char *fmt, const char *a, const char *b)
{
    snprintf(phase, 32, "%s", p);
    if (message && n > 0) {
        if (fmt)
            snprintf(message, n, fmt, a ? a : "", b ? b : "");
        else
            message[0] = '\0';
    }
}

static void out_msg(char phase[32], char *message, size_t n, const char *p, const char *msg)
{
    out(phase, message, n, p, "%s%s", msg, "");
}

/* metav1.Time equality: both parse → same instant; otherwise compare the text.
 */
static bool times_equal(const char *a, const char *b)
{
    int64_t ta, tb;
    if (co_time_parse(a, &ta) == 0 && co_time_parse(b, &tb) == 0)
        return ta == tb;
    return strcmp(a, b) == 0;
}

/* A JSON time field as a Go *metav1.Time: NULL when absent, null or not a
 * string. */
static const char *time_field(const cJSON *o, const char *key)
{
    const cJSON *v = child(o, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

void ro_phase(const cJSON *rollout, const cJSON *status, char phase[32], char *message, size_t n)
{
    const cJSON *spec = child(rollout, "spec");

    /* 1. InvalidSpec / RolloutAborted / ProgressDeadlineExceeded, in condition
     * order. */
    const cJSON *conds = child(status, "conditions");
    if (cJSON_IsArray(conds)) {
        const cJSON *c;
        cJSON_ArrayForEach(c, conds)
        {
            if (strcmp(cj_str0(c, "type"), RO_COND_INVALID_SPEC) == 0) {
                out(phase, message, n, RO_PHASE_DEGRADED, "%s: %s", RO_COND_INVALID_SPEC, cj_str0(c, "message"));
                return;
            }
            const char *reason = cj_str0(c, "reason");
            if (strcmp(reason, RO_REASON_ABORTED) == 0 || strcmp(reason, RO_REASON_TIMED_OUT) == 0) {
                out(phase, message, n, RO_PHASE_DEGRADED, "%s: %s", reason, cj_str0(c, "message"));
                return;
            }
        }
    }
    /* 2. manual pause */
    if (bool_true(spec, "paused")) {
        out_msg(phase, message, n, RO_PHASE_PAUSED, RO_PMSG_MANUALLY_PAUSED);
        return;
    }
    /* 3. controller pause conditions: the first one's reason */
    const cJSON *pcs = child(status, "pauseConditions");
    if (cJSON_IsArray(pcs) && cJSON_GetArraySize(pcs) > 0) {
        out_msg(phase, message, n, RO_PHASE_PAUSED, cj_str0(cJSON_GetArrayItem(pcs, 0), "reason"));
        return;
    }
    /* 4. restart pending */
    const char *restart_at = time_field(spec, "restartAt");
    if (restart_at) {
        const char *restarted = time_field(status, "restartedAt");
        if (!restarted || !times_equal(restart_at, restarted)) {
            out_msg(phase, message, n, RO_PHASE_PROGRESSING, RO_PMSG_RESTARTING);
            return;
        }
    }
    /* 5./6. replica counts */
    int updated = int_or(status, "updatedReplicas", 0);
    if (updated < int_or(spec, "replicas", 1)) {
        out_msg(phase, message, n, RO_PHASE_PROGRESSING, RO_PMSG_MORE_REPLICAS);
        return;
    }
    if (int_or(status, "availableReplicas", 0) < updated) {
        out_msg(phase, message, n, RO_PHASE_PROGRESSING, RO_PMSG_BECOMING_AVAILABLE);
        return;
    }
    const cJSON *strategy = child(spec, "strategy");
    const char *current = cj_str0(status, "currentPodHash");
    const char *stable = cj_str0(status, "stableRS");
    bool fully_promoted = stable[0] != '\0' && strcmp(stable, current) == 0;
    if (present_obj(strategy, "blueGreen")) {
        /* 7. blue-green */
        const char *active = cj_str0(child(status, "blueGreen"), "activeSelector");
        if (active[0] == '\0' || strcmp(active, current) != 0) {
            out_msg(phase, message, n, RO_PHASE_PROGRESSING, RO_PMSG_CUTOVER_PENDING);
            return;
        }
        if (!fully_promoted) {
            bool waiting = false;
            if (present_obj(child(strategy, "blueGreen"), "postPromotionAnalysis")) {
                const cJSON *ars = child(child(status, "blueGreen"), "postPromotionAnalysisRunStatus");
                const char *st = cj_str0(ars, "status");
                bool completed = strcmp(st, "Successful") == 0 || strcmp(st, "Failed") == 0 ||
                                 strcmp(st, "Error") == 0 || strcmp(st, "Inconclusive") == 0;
                waiting = !cJSON_IsObject(ars) || !completed;
            }
            out_msg(phase, message, n, RO_PHASE_PROGRESSING,
                    waiting ? RO_PMSG_WAITING_ANALYSIS : RO_PMSG_WAITING_POST_PROMOTION);
            return;
        }
    } else if (present_obj(strategy, "canary")) {
        /* 8. canary */
        if (!present_obj(child(strategy, "canary"), "trafficRouting") && int_or(status, "replicas", 0) > updated) {
            out_msg(phase, message, n, RO_PHASE_PROGRESSING, RO_PMSG_OLD_REPLICAS_PENDING);
            return;
        }
        if (!fully_promoted) {
            out_msg(phase, message, n, RO_PHASE_PROGRESSING, RO_PMSG_WAITING_STEPS);
            return;
        }
    }
    /* 9. */
    out_msg(phase, message, n, RO_PHASE_HEALTHY, "");
}

/* Go's strconv.Atoi: optional sign, decimal digits only, within int64. */
static bool atoi_go(const char *s, long long *v)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (*p == '\0')
        return false;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return false;
    errno = 0;
    char *end = NULL;
    long long r = strtoll(s, &end, 10);
    if (errno == ERANGE || !end || *end != '\0')
        return false;
    *v = r;
    return true;
}

void ro_get_phase(const cJSON *rollout, char phase[32], char *message, size_t n)
{
    const cJSON *status = child(rollout, "status");
    /* isGenerationObserved */
    const cJSON *g = child(child(rollout, "metadata"), "generation");
    long long generation = 0;
    if (cJSON_IsNumber(g)) {
        double d = g->valuedouble;
        generation = d >= 9.2e18 ? (long long)9.2e18 : d <= -9.2e18 ? (long long)-9.2e18 : (long long)d;
    }
    long long observed;
    if (atoi_go(cj_str0(status, "observedGeneration"), &observed) && observed < generation) {
        out_msg(phase, message, n, RO_PHASE_PROGRESSING, RO_PMSG_SPEC_NOT_OBSERVED);
        return;
    }
    /* IsUnpausing */
    if (bool_true(status, "controllerPause") && array_len(status, "pauseConditions") == 0) {
        out_msg(phase, message, n, RO_PHASE_PROGRESSING, RO_PMSG_UNPAUSING);
        return;
    }
    const char *p = cj_str0(status, "phase");
    if (p[0]) {
        out_msg(phase, message, n, p, cj_str0(status, "message"));
        return;
    }
    ro_phase(rollout, status, phase, message, n);
}

/* ---- conditions ---- */

cJSON *ro_condition(const cJSON *status, const char *type)
{
    const cJSON *conds = child(status, "conditions");
    if (!type || !cJSON_IsArray(conds))
        return NULL;
    cJSON *c;
    cJSON_ArrayForEach(c, conds)
    {
        if (strcmp(cj_str0(c, "type"), type) == 0)
            return c;
    }
    return NULL;
}

void ro_remove_condition(cJSON *status, const char *type)
{
    cJSON *conds = cJSON_IsObject(status) ? cJSON_GetObjectItemCaseSensitive(status, "conditions") : NULL;
    if (!type || !cJSON_IsArray(conds))
        return;
    cJSON *c = conds->child;
    while (c) {
        cJSON *next = c->next;
        if (strcmp(cj_str0(c, "type"), type) == 0)
            cJSON_Delete(cJSON_DetachItemViaPointer(conds, c));
        c = next;
    }
}

/* A new condition object in Argo's field order. transition: copied (NULL →
 * now). */
static cJSON *new_condition(const char *type, const char *cstatus, const char *reason, const char *message,
                            int64_t now_ms, const cJSON *transition)
{
    char ts[32];
    co_time_rfc3339(now_ms, ts);
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "type", type);
    cJSON_AddStringToObject(c, "status", cstatus);
    cJSON_AddStringToObject(c, "lastUpdateTime", ts);
    if (transition)
        cJSON_AddItemToObject(c, "lastTransitionTime", cJSON_Duplicate(transition, true));
    else
        cJSON_AddStringToObject(c, "lastTransitionTime", ts);
    cJSON_AddStringToObject(c, "reason", reason ? reason : "");
    cJSON_AddStringToObject(c, "message", message ? message : "");
    return c;
}

/* status.conditions as an array, created or replacing a wrong type. NULL if
 * status isn't an object. */
static cJSON *conditions_array(cJSON *status)
{
    if (!cJSON_IsObject(status))
        return NULL;
    cJSON *conds = cJSON_GetObjectItemCaseSensitive(status, "conditions");
    if (!cJSON_IsArray(conds)) {
        conds = cJSON_CreateArray();
        cj_set(status, "conditions", conds);
    }
    return conds;
}

/* The existing condition's lastTransitionTime (a JSON null when it had none:
 * Go's zero time). */
static const cJSON *kept_transition(const cJSON *cur)
{
    static cJSON null_item = {.type = cJSON_NULL};
    const cJSON *t = child(cur, "lastTransitionTime");
    return t ? t : &null_item;
}

bool ro_set_condition(cJSON *status, const char *type, const char *cstatus, const char *reason, const char *message,
                      int64_t now_ms)
{
    if (!type || !type[0] || !cstatus || !cstatus[0] || !cJSON_IsObject(status))
        return false;
    const cJSON *cur = ro_condition(status, type);
    bool same_status = cur && strcmp(cj_str0(cur, "status"), cstatus) == 0;
    if (same_status && strcmp(cj_str0(cur, "reason"), reason ? reason : "") == 0)
        return false;
    cJSON *c = new_condition(type, cstatus, reason, message, now_ms, same_status ? kept_transition(cur) : NULL);
    ro_remove_condition(status, type);
    cJSON_AddItemToArray(conditions_array(status), c);
    return true;
}

bool ro_replace_condition(cJSON *status, const char *type, const char *cstatus, const char *reason, const char *message,
                          int64_t now_ms, bool keep_transition)
{
    if (!type || !type[0] || !cstatus || !cstatus[0] || !cJSON_IsObject(status))
        return false;
    cJSON *cur = ro_condition(status, type);
    bool keep = keep_transition && cur && strcmp(cj_str0(cur, "status"), cstatus) == 0;
    cJSON *c = new_condition(type, cstatus, reason, message, now_ms, keep ? kept_transition(cur) : NULL);
    /* Unchanged when the only condition of this type is already last and
     * identical. */
    if (cur && !cur->next && cj_equal(cur, c)) {
        cJSON_Delete(c);
        return false;
    }
    ro_remove_condition(status, type);
    cJSON_AddItemToArray(conditions_array(status), c);
    return true;
}
