/* hash.c: pod-template / steps hashes, Rollout defaults, int-or-percent scaling. See hash.h. */
#include "controller/rollout/hash.h"

#include "common/json.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- canonical JSON ---- */

typedef struct {
    const cJSON *item;
    int index;
} kid;

static int by_key(const void *a, const void *b)
{
    const kid *x = a, *y = b;
    const char *kx = x->item->string ? x->item->string : "", *ky = y->item->string ? y->item->string : "";
    int c = strcmp(kx, ky);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index; /* stable for duplicate keys */
}

static bool is_empty_container(const cJSON *c)
{
    return (cJSON_IsObject(c) || cJSON_IsArray(c)) && !c->child;
}

/* A canonical copy of o: object keys sorted, null members dropped, and (drop_empty) empty object
   and array members dropped too, after their own canonicalisation (so {"a":{"b":null}} loses a).
   Array elements are never dropped: positions matter. NULL on allocation failure. */
static cJSON *canonical(const cJSON *o, bool drop_empty)
{
    if (!cJSON_IsObject(o) && !cJSON_IsArray(o))
        return cJSON_Duplicate(o, 0);
    bool obj = cJSON_IsObject(o);
    cJSON *out = obj ? cJSON_CreateObject() : cJSON_CreateArray();
    if (!out)
        return NULL;
    int n = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, o) n++;
    if (n == 0)
        return out;
    kid *kids = malloc((size_t)n * sizeof *kids);
    if (!kids) {
        cJSON_Delete(out);
        return NULL;
    }
    n = 0;
    cJSON_ArrayForEach(c, o)
    {
        kids[n].item = c;
        kids[n].index = n;
        n++;
    }
    if (obj)
        qsort(kids, (size_t)n, sizeof *kids, by_key);
    for (int i = 0; i < n; i++) {
        const cJSON *src = kids[i].item;
        if (obj && cJSON_IsNull(src))
            continue;
        cJSON *k = canonical(src, drop_empty);
        if (!k) {
            free(kids);
            cJSON_Delete(out);
            return NULL;
        }
        if (obj && drop_empty && is_empty_container(k)) {
            cJSON_Delete(k);
            continue;
        }
        if (obj)
            cJSON_AddItemToObject(out, src->string ? src->string : "", k);
        else
            cJSON_AddItemToArray(out, k);
    }
    free(kids);
    return out;
}

/* ---- FNV-32a and SafeEncodeString ---- */

#define FNV32_OFFSET 2166136261u
#define FNV32_PRIME 16777619u

static uint32_t fnv32a(uint32_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * FNV32_PRIME;
    return h;
}

static void safe_encode(uint32_t h, char out[16])
{
    static const char alphabet[] = RO_HASH_ALPHABET;
    char dec[16];
    int n = snprintf(dec, sizeof dec, "%" PRIu32, h);
    for (int i = 0; i < n; i++)
        out[i] = alphabet[(unsigned char)dec[i] % (sizeof alphabet - 1)];
    out[n] = 0;
}

/* Hashes the canonical JSON of v (a missing value is given by `missing`). */
static uint32_t hash_json(const cJSON *v, bool drop_empty, const char *missing)
{
    uint32_t h = FNV32_OFFSET;
    if (!v) {
        return fnv32a(h, (const unsigned char *)missing, strlen(missing));
    }
    cJSON *c = canonical(v, drop_empty);
    char *json = c ? cJSON_PrintUnformatted(c) : NULL;
    if (json)
        h = fnv32a(h, (const unsigned char *)json, strlen(json));
    else
        h = fnv32a(h, (const unsigned char *)missing, strlen(missing)); /* out of memory: best effort */
    free(json);
    cJSON_Delete(c);
    return h;
}

void ro_pod_template_hash(const cJSON *tmpl, const cJSON *collision_count, char out[16])
{
    uint32_t h = hash_json(tmpl, true, "{}");
    if (cJSON_IsNumber(collision_count)) {
        double d = collision_count->valuedouble;
        /* Go: binary.LittleEndian.PutUint32(buf[0:4], uint32(int32 count)); buf[4:8] stay 0 */
        int32_t cc = (d >= INT32_MIN && d <= INT32_MAX) ? (int32_t)d : 0;
        uint32_t u = (uint32_t)cc;
        unsigned char buf[8] = {(unsigned char)(u & 255), (unsigned char)((u >> 8) & 255),
                                (unsigned char)((u >> 16) & 255), (unsigned char)(u >> 24), 0, 0, 0, 0};
        h = fnv32a(h, buf, sizeof buf);
    }
    safe_encode(h, out);
}

void ro_steps_hash(const cJSON *steps, char out[16])
{
    safe_encode(hash_json(steps, false, "null"), out);
}

/* ---- int or percent ---- */

int ro_atoi32(const char *s, int *out)
{
    if (!s)
        return -1;
    const char *p = s;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (!*p)
        return -1;
    long long v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
        if (v > (long long)INT_MAX + 1)
            return -1;
    }
    if (neg)
        v = -v;
    if (v < INT32_MIN || v > INT32_MAX)
        return -1;
    *out = (int)v;
    return 0;
}

/* An integral JSON number within int32. */
static int int_of(const cJSON *v, int *out)
{
    if (!cJSON_IsNumber(v))
        return -1;
    double d = v->valuedouble;
    if (!(d >= INT32_MIN && d <= INT32_MAX) || d != floor(d))
        return -1;
    *out = (int)d;
    return 0;
}

int ro_intstr_parse(const cJSON *v, ro_intstr *out)
{
    int n;
    if (cJSON_IsNumber(v)) {
        if (int_of(v, &n) < 0)
            return -1;
        out->percent = false;
        out->value = n;
        return 0;
    }
    if (!cJSON_IsString(v) || !v->valuestring)
        return -1;
    /* legacy getIntOrPercentValue: strings.Replace(s, "%", "", -1), then Atoi */
    size_t len = strlen(v->valuestring);
    char *s = malloc(len + 1);
    if (!s)
        return -1;
    size_t j = 0;
    for (size_t i = 0; i < len; i++)
        if (v->valuestring[i] != '%')
            s[j++] = v->valuestring[i];
    s[j] = 0;
    int rc = ro_atoi32(s, &n);
    free(s);
    if (rc < 0)
        return -1;
    out->percent = true;
    out->value = n;
    return 0;
}

int ro_intstr_scaled(ro_intstr v, int total, int round_up, int *out)
{
    if (!v.percent) {
        *out = v.value;
        return 0;
    }
    double x = (double)v.value * (double)total / 100;
    x = round_up ? ceil(x) : floor(x);
    if (!(x >= INT_MIN && x <= INT_MAX))
        return -1;
    *out = (int)x;
    return 0;
}

int ro_scaled_value(const cJSON *int_or_percent, int total, int round_up, int *out)
{
    ro_intstr v;
    int r;
    if (ro_intstr_parse(int_or_percent, &v) < 0 || ro_intstr_scaled(v, total, round_up, &r) < 0)
        return -1;
    *out = r;
    return 0;
}

/* ---- defaults ---- */

#define RO_DEFAULT_REPLICAS 1
#define RO_DEFAULT_REVISION_HISTORY_LIMIT 10
#define RO_DEFAULT_PROGRESS_DEADLINE_SECONDS 600
#define RO_DEFAULT_SCALE_DOWN_DELAY_SECONDS 30
#define RO_DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS 30
#define RO_DEFAULT_PERCENT 25 /* DefaultMaxSurge = DefaultMaxUnavailable = "25" */

static const cJSON *member(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNull(v) ? NULL : v;
}

/* Each getter leaves *out alone when the member is absent; -1 on a wrong type. */
static int get_int(const cJSON *o, const char *key, int *out)
{
    const cJSON *v = member(o, key);
    return v ? int_of(v, out) : 0;
}

static int get_bool(const cJSON *o, const char *key, bool *out)
{
    const cJSON *v = member(o, key);
    if (!v)
        return 0;
    if (!cJSON_IsBool(v))
        return -1;
    *out = cJSON_IsTrue(v);
    return 0;
}

static int get_str(const cJSON *o, const char *key, const char **out)
{
    const cJSON *v = member(o, key);
    if (!v)
        return 0;
    if (!cJSON_IsString(v) || !v->valuestring)
        return -1;
    *out = v->valuestring;
    return 0;
}

static int get_obj(const cJSON *o, const char *key, const cJSON **out)
{
    const cJSON *v = member(o, key);
    if (v && !cJSON_IsObject(v))
        return -1;
    *out = v;
    return 0;
}

static int get_intstr(const cJSON *o, const char *key, ro_intstr *out)
{
    const cJSON *v = member(o, key);
    return v ? ro_intstr_parse(v, out) : 0;
}

int ro_defaults(const cJSON *rollout, ro_spec *out)
{
    if (!cJSON_IsObject(rollout) || !out)
        return -1;
    ro_spec s;
    memset(&s, 0, sizeof s);
    s.replicas = RO_DEFAULT_REPLICAS;
    s.revision_history_limit = RO_DEFAULT_REVISION_HISTORY_LIMIT;
    s.progress_deadline_seconds = RO_DEFAULT_PROGRESS_DEADLINE_SECONDS;
    s.max_surge = (ro_intstr){.percent = true, .value = RO_DEFAULT_PERCENT};
    s.max_unavailable = (ro_intstr){.percent = true, .value = RO_DEFAULT_PERCENT};
    s.scale_down_delay_revision_limit = -1;
    s.bg.auto_promotion_enabled = true;
    s.bg.preview_replica_count = -1;

    const cJSON *spec = NULL, *strategy = NULL, *bg = NULL, *canary = NULL;
    if (get_obj(rollout, "spec", &spec) < 0)
        return -1;
    if (spec) {
        if (get_int(spec, "replicas", &s.replicas) < 0 ||
            get_int(spec, "revisionHistoryLimit", &s.revision_history_limit) < 0 ||
            get_int(spec, "progressDeadlineSeconds", &s.progress_deadline_seconds) < 0 ||
            get_bool(spec, "progressDeadlineAbort", &s.progress_deadline_abort) < 0 ||
            get_int(spec, "minReadySeconds", &s.min_ready_seconds) < 0 ||
            get_bool(spec, "paused", &s.paused) < 0 || get_obj(spec, "strategy", &strategy) < 0)
            return -1;
    }
    if (strategy && (get_obj(strategy, "blueGreen", &bg) < 0 || get_obj(strategy, "canary", &canary) < 0))
        return -1;

    /* Both strategies are type-checked even though only one is used. */
    int bg_sdd = RO_DEFAULT_SCALE_DOWN_DELAY_SECONDS, bg_asdd = RO_DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS;
    int bg_rl = -1, c_rl = -1;
    int c_sdd = RO_DEFAULT_SCALE_DOWN_DELAY_SECONDS, c_asdd = RO_DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS;
    ro_intstr bg_mu = s.max_unavailable, c_mu = s.max_unavailable;
    bool bg_asdd_set = false, c_asdd_set = false;
    if (bg) {
        if (get_str(bg, "activeService", &s.bg.active_service) < 0 ||
            get_str(bg, "previewService", &s.bg.preview_service) < 0 ||
            get_bool(bg, "autoPromotionEnabled", &s.bg.auto_promotion_enabled) < 0 ||
            get_int(bg, "autoPromotionSeconds", &s.bg.auto_promotion_seconds) < 0 ||
            get_int(bg, "previewReplicaCount", &s.bg.preview_replica_count) < 0 ||
            get_int(bg, "scaleDownDelaySeconds", &bg_sdd) < 0 ||
            get_int(bg, "scaleDownDelayRevisionLimit", &bg_rl) < 0 ||
            get_int(bg, "abortScaleDownDelaySeconds", &bg_asdd) < 0 ||
            get_intstr(bg, "maxUnavailable", &bg_mu) < 0)
            return -1;
        bg_asdd_set = member(bg, "abortScaleDownDelaySeconds") != NULL;
    }
    if (canary) {
        const cJSON *tr = NULL, *steps = member(canary, "steps");
        if (get_str(canary, "canaryService", &s.canary.canary_service) < 0 ||
            get_str(canary, "stableService", &s.canary.stable_service) < 0 ||
            get_intstr(canary, "maxSurge", &s.max_surge) < 0 || get_intstr(canary, "maxUnavailable", &c_mu) < 0 ||
            get_int(canary, "scaleDownDelaySeconds", &c_sdd) < 0 ||
            get_int(canary, "scaleDownDelayRevisionLimit", &c_rl) < 0 ||
            get_int(canary, "abortScaleDownDelaySeconds", &c_asdd) < 0 ||
            get_bool(canary, "dynamicStableScale", &s.canary.dynamic_stable_scale) < 0 ||
            get_obj(canary, "trafficRouting", &tr) < 0 || (steps && !cJSON_IsArray(steps)))
            return -1;
        s.canary.traffic_routing = tr != NULL;
        s.canary.steps = steps ? cJSON_GetArraySize(steps) : 0;
        c_asdd_set = member(canary, "abortScaleDownDelaySeconds") != NULL;
    }

    if (bg) {
        s.strategy = RO_STRATEGY_BLUEGREEN;
        /* GetMaxUnavailableOrDefault: blueGreen's, else canary's, else the default */
        s.max_unavailable = member(bg, "maxUnavailable") ? bg_mu : c_mu;
        s.scale_down_delay_seconds = bg_sdd;
        s.scale_down_delay_revision_limit = bg_rl;
        s.abort_scale_down_delay_seconds = (bg_asdd_set && bg_asdd == 0) ? -1 : bg_asdd;
        s.abort_scale_down_delay_set = bg_asdd_set;
    } else if (canary) {
        s.strategy = RO_STRATEGY_CANARY;
        s.max_unavailable = c_mu;
        s.scale_down_delay_revision_limit = c_rl;
        if (s.canary.traffic_routing) {
            s.scale_down_delay_seconds = c_sdd;
            s.abort_scale_down_delay_seconds = (c_asdd_set && c_asdd == 0) ? -1 : c_asdd;
            s.abort_scale_down_delay_set = c_asdd_set;
        }
    }
    *out = s;
    return 0;
}
