/* validate.c: Rollout spec validation (InvalidSpec), after Argo Rollouts'
 * pkg/apis/rollouts/validation/validation.go (static rules, in Argo's order) and
 * validation_references.go + rollout/controller.go getRolloutReferencedResources (references).
 * Only the first error is reported. Checks marked "Cutover-specific" have no Argo counterpart. */
#include "controller/rollout/validate.h"

#include "controller/rollout/canarymath.h"
#include "controller/rollout/hash.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATHMAX 512
#define VALMAX 1024

typedef struct {
    char *out;
    size_t n;
    const char *name;
    bool failed;
    bool argo_only; /* ro_refs.argo_only */
} vctx;

/* ---- message formatting (k8s field.Error) ---- */

static void fail(vctx *v, const char *path, const char *fmt, ...)
{
    if (v->failed)
        return;
    v->failed = true;
    char body[2 * VALMAX + PATHMAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    if (v->n)
        snprintf(v->out, v->n, "The Rollout \"%s\" is invalid: %s: %s", v->name, path, body);
}

/* Go's %q for a string (strconv.Quote: printable UTF-8 kept, the rest escaped). */
static void goq(char *dst, size_t cap, const char *s)
{
    size_t o = 0;
#define PUT(c)                                                                                                         \
    do {                                                                                                               \
        if (o + 1 < cap)                                                                                               \
            dst[o++] = (c);                                                                                            \
    } while (0)
    PUT('"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            PUT('\\');
            PUT((char)c);
        } else if (c == '\n') {
            PUT('\\');
            PUT('n');
        } else if (c == '\t') {
            PUT('\\');
            PUT('t');
        } else if (c == '\r') {
            PUT('\\');
            PUT('r');
        } else if (c < 0x20 || c == 0x7f) {
            char hex[8];
            snprintf(hex, sizeof hex, "\\x%02x", c);
            for (char *h = hex; *h; h++)
                PUT(*h);
        } else {
            PUT((char)c);
        }
    }
    PUT('"');
    dst[cap ? (o < cap ? o : cap - 1) : 0] = '\0';
#undef PUT
}

static void invalid_str(vctx *v, const char *path, const char *val, const char *detail)
{
    char q[VALMAX];
    goq(q, sizeof q, val);
    fail(v, path, "Invalid value: %s: %s", q, detail);
}

static void invalid_int(vctx *v, const char *path, long long val, const char *detail)
{
    fail(v, path, "Invalid value: %lld: %s", val, detail);
}

static void invalid_raw(vctx *v, const char *path, const char *val, const char *detail)
{
    fail(v, path, "Invalid value: %s: %s", val, detail);
}

/* ---- typed accessors: 1 present and well-typed, 0 absent or null, -1 wrong type (reported) ---- */

static const char *jtype(const cJSON *j)
{
    if (cJSON_IsString(j))
        return "string";
    if (cJSON_IsNumber(j))
        return (j->valuedouble == floor(j->valuedouble) && fabs(j->valuedouble) < 9.2e18) ? "integer" : "number";
    if (cJSON_IsBool(j))
        return "boolean";
    if (cJSON_IsArray(j))
        return "array";
    if (cJSON_IsObject(j))
        return "object";
    return "null";
}

/* Cutover-specific: Argo never sees mistyped objects (the API server's schema check rejects them);
   worded like that check. */
static int type_err(vctx *v, const char *path, const cJSON *j, const char *want)
{
    fail(v, path, "Invalid value: \"%s\": %s in body must be of type %s: \"%s\"", jtype(j), path, want, jtype(j));
    return -1;
}

static const cJSON *child(const cJSON *o, const char *key)
{
    if (!cJSON_IsObject(o))
        return NULL;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, key);
    return (c && !cJSON_IsNull(c)) ? c : NULL;
}

/* dst (PATHMAX bytes) = base "." key, truncated */
static void jpath(char *dst, const char *base, const char *key)
{
    size_t o = 0;
    for (const char *s = base; *s && o + 1 < PATHMAX; s++)
        dst[o++] = *s;
    if (*base && o + 1 < PATHMAX)
        dst[o++] = '.';
    for (const char *s = key; *s && o + 1 < PATHMAX; s++)
        dst[o++] = *s;
    dst[o] = '\0';
}

static int is_integral(const cJSON *j)
{
    return cJSON_IsNumber(j) && j->valuedouble == floor(j->valuedouble) && fabs(j->valuedouble) <= 2147483647.0;
}

static int g_int(vctx *v, const cJSON *o, const char *base, const char *key, long long *out)
{
    const cJSON *c = child(o, key);
    if (!c)
        return 0;
    char p[PATHMAX];
    jpath(p, base, key);
    if (!is_integral(c))
        return type_err(v, p, c, "integer");
    *out = (long long)c->valuedouble;
    return 1;
}

static int g_str(vctx *v, const cJSON *o, const char *base, const char *key, const char **out)
{
    const cJSON *c = child(o, key);
    if (!c)
        return 0;
    char p[PATHMAX];
    jpath(p, base, key);
    if (!cJSON_IsString(c) || !c->valuestring)
        return type_err(v, p, c, "string");
    *out = c->valuestring;
    return 1;
}

static int g_bool(vctx *v, const cJSON *o, const char *base, const char *key, bool *out)
{
    const cJSON *c = child(o, key);
    if (!c)
        return 0;
    char p[PATHMAX];
    jpath(p, base, key);
    if (!cJSON_IsBool(c))
        return type_err(v, p, c, "boolean");
    *out = cJSON_IsTrue(c);
    return 1;
}

static int g_obj(vctx *v, const cJSON *o, const char *base, const char *key, const cJSON **out)
{
    const cJSON *c = child(o, key);
    if (!c)
        return 0;
    char p[PATHMAX];
    jpath(p, base, key);
    if (!cJSON_IsObject(c))
        return type_err(v, p, c, "object");
    *out = c;
    return 1;
}

static int g_arr(vctx *v, const cJSON *o, const char *base, const char *key, const cJSON **out)
{
    const cJSON *c = child(o, key);
    if (!c)
        return 0;
    char p[PATHMAX];
    jpath(p, base, key);
    if (!cJSON_IsArray(c))
        return type_err(v, p, c, "array");
    *out = c;
    return 1;
}

/* An object whose every member is a string (labels, annotations, matchLabels). */
static int g_strmap(vctx *v, const cJSON *o, const char *base, const char *key, const cJSON **out)
{
    const cJSON *m = NULL;
    int r = g_obj(v, o, base, key, &m);
    if (r <= 0)
        return r;
    char p[PATHMAX], q[PATHMAX];
    jpath(p, base, key);
    for (const cJSON *e = m->child; e; e = e->next) {
        if (!cJSON_IsString(e)) {
            jpath(q, p, e->string ? e->string : "");
            return type_err(v, q, e, "string");
        }
    }
    *out = m;
    return 1;
}

/* An array of strings. */
static int g_strarr(vctx *v, const cJSON *o, const char *base, const char *key, const cJSON **out)
{
    const cJSON *a = NULL;
    int r = g_arr(v, o, base, key, &a);
    if (r <= 0)
        return r;
    char p[PATHMAX], q[PATHMAX + 16];
    jpath(p, base, key);
    int i = 0;
    for (const cJSON *e = a->child; e; e = e->next, i++) {
        if (!cJSON_IsString(e)) {
            snprintf(q, sizeof q, "%s[%d]", p, i);
            return type_err(v, q, e, "string");
        }
    }
    *out = a;
    return 1;
}

typedef struct {
    bool is_str;
    long long i;
    const char *s;
} intstr;

static int g_intstr(vctx *v, const cJSON *o, const char *base, const char *key, intstr *out)
{
    const cJSON *c = child(o, key);
    if (!c)
        return 0;
    char p[PATHMAX];
    jpath(p, base, key);
    if (cJSON_IsString(c) && c->valuestring) {
        out->is_str = true;
        out->s = c->valuestring;
        out->i = 0;
        return 1;
    }
    if (is_integral(c)) {
        out->is_str = false;
        out->i = (long long)c->valuedouble;
        out->s = NULL;
        return 1;
    }
    return type_err(v, p, c, "integer,string");
}

/* ---- small helpers ---- */

static int count_members(const cJSON *o)
{
    int n = 0;
    for (const cJSON *e = o ? o->child : NULL; e; e = e->next)
        n++;
    return n;
}

/* intstr.IntValue after Argo's getIntOrPercentValue: "N%" gives N, other strings Atoi or 0. */
static long long intstr_value(const intstr *x)
{
    if (!x->is_str)
        return x->i;
    size_t len = strlen(x->s);
    int val = 0;
    if (len > 1 && x->s[len - 1] == '%') {
        char buf[64];
        if (len - 1 < sizeof buf) {
            memcpy(buf, x->s, len - 1);
            buf[len - 1] = '\0';
            bool digits = true;
            for (char *c = buf; *c; c++)
                if (*c < '0' || *c > '9')
                    digits = false;
            if (digits && ro_atoi32(buf, &val) == 0)
                return val;
        }
    }
    return ro_atoi32(x->s, &val) == 0 ? val : 0;
}

/* How an IntOrString prints in Argo's messages (its String(): the integer, or the raw string). */
static void intstr_render(char *dst, size_t cap, const intstr *x)
{
    if (x->is_str)
        snprintf(dst, cap, "%s", x->s);
    else
        snprintf(dst, cap, "%lld", x->i);
}

/* RolloutPause.DurationSeconds (types.go:863-880): -1 when malformed. */
static long long pause_seconds(const intstr *d)
{
    if (!d->is_str)
        return d->i;
    long long secs;
    return ro_parse_duration_seconds(d->s, &secs) ? secs : -1;
}

/* Go %#v of a map[string]string: keys sorted, `map[string]string{"k":"v", ...}`; NULL map -> (nil). */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void render_strmap(char *dst, size_t cap, const cJSON *m)
{
    if (!m) {
        snprintf(dst, cap, "map[string]string(nil)");
        return;
    }
    int n = count_members(m);
    const char **keys = n ? calloc((size_t)n, sizeof *keys) : NULL;
    int k = 0;
    for (const cJSON *e = m->child; e && keys; e = e->next)
        keys[k++] = e->string ? e->string : "";
    if (keys)
        qsort(keys, (size_t)k, sizeof *keys, cmp_str);
    size_t o = (size_t)snprintf(dst, cap, "map[string]string{");
    for (int i = 0; i < k && o < cap; i++) {
        char qk[VALMAX / 2], qv[VALMAX / 2];
        goq(qk, sizeof qk, keys[i]);
        const cJSON *val = cJSON_GetObjectItemCaseSensitive(m, keys[i]);
        goq(qv, sizeof qv, cJSON_IsString(val) ? val->valuestring : "");
        o += (size_t)snprintf(dst + o, cap - o, "%s%s:%s", i ? ", " : "", qk, qv);
    }
    if (o < cap)
        snprintf(dst + o, cap - o, "}");
    free(keys);
}

static const char *label(const cJSON *labels, const char *key)
{
    const cJSON *c = labels ? cJSON_GetObjectItemCaseSensitive(labels, key) : NULL;
    return cJSON_IsString(c) ? c->valuestring : NULL;
}

static bool in_strarr(const cJSON *arr, const char *s)
{
    for (const cJSON *e = arr ? arr->child : NULL; e; e = e->next)
        if (cJSON_IsString(e) && s && strcmp(e->valuestring, s) == 0)
            return true;
    return false;
}

/* labels.Selector.Matches for an (already type-checked) LabelSelector. */
static bool selector_matches(const cJSON *sel, const cJSON *labels)
{
    const cJSON *ml = child(sel, "matchLabels");
    for (const cJSON *e = ml ? ml->child : NULL; e; e = e->next) {
        const char *have = label(labels, e->string);
        if (!have || !cJSON_IsString(e) || strcmp(have, e->valuestring) != 0)
            return false;
    }
    const cJSON *me = child(sel, "matchExpressions");
    for (const cJSON *r = me ? me->child : NULL; r; r = r->next) {
        const cJSON *k = child(r, "key"), *op = child(r, "operator"), *vals = child(r, "values");
        const char *key = cJSON_IsString(k) ? k->valuestring : "";
        const char *ops = cJSON_IsString(op) ? op->valuestring : "";
        const char *have = label(labels, key);
        if (!strcmp(ops, "In")) {
            if (!have || !in_strarr(vals, have))
                return false;
        } else if (!strcmp(ops, "NotIn")) {
            if (have && in_strarr(vals, have))
                return false;
        } else if (!strcmp(ops, "Exists")) {
            if (!have)
                return false;
        } else if (!strcmp(ops, "DoesNotExist")) {
            if (have)
                return false;
        }
    }
    return true;
}

/* ---- the rules ---- */

typedef struct {
    const cJSON *spec, *selector, *template_labels, *strategy, *bg, *canary, *tr;
    const cJSON *nginx, *alb, *istio, *smi, *apisix, *ambassador, *appmesh, *traefik, *plugins, *ping_pong;
    long long revision_history_limit;
    const char *stable_svc, *canary_svc;
} rstate;

static void check_selector(vctx *v, rstate *st, bool has_workload_ref)
{
    const cJSON *sel = NULL;
    int r = g_obj(v, st->spec, "spec", "selector", &sel);
    if (r < 0)
        return;
    if (r == 0) {
        if (!has_workload_ref)
            fail(v, "spec.selector", "Required value: Rollout has missing field '.spec.selector'");
        return;
    }
    const cJSON *ml = NULL, *me = NULL;
    if (g_strmap(v, sel, "spec.selector", "matchLabels", &ml) < 0 ||
        g_arr(v, sel, "spec.selector", "matchExpressions", &me) < 0)
        return;
    int i = 0;
    for (const cJSON *req = me ? me->child : NULL; req; req = req->next, i++) {
        char p[PATHMAX], q[PATHMAX + 16];
        snprintf(p, sizeof p, "spec.selector.matchExpressions[%d]", i);
        if (!cJSON_IsObject(req)) {
            type_err(v, p, req, "object");
            return;
        }
        const char *key = "", *op = "";
        const cJSON *vals = NULL;
        if (g_str(v, req, p, "key", &key) < 0 || g_str(v, req, p, "operator", &op) < 0 ||
            g_strarr(v, req, p, "values", &vals) < 0)
            return;
        int nvals = cJSON_GetArraySize(vals);
        if (!strcmp(op, "In") || !strcmp(op, "NotIn")) {
            if (nvals == 0) {
                snprintf(q, sizeof q, "%s.values", p);
                fail(v, q, "Required value: must be specified when `operator` is 'In' or 'NotIn'");
            }
        } else if (!strcmp(op, "Exists") || !strcmp(op, "DoesNotExist")) {
            if (nvals > 0) {
                snprintf(q, sizeof q, "%s.values", p);
                fail(v, q, "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
            }
        } else {
            snprintf(q, sizeof q, "%s.operator", p);
            invalid_str(v, q, op, "not a valid selector operator");
        }
        if (v->failed)
            return;
    }
    if (count_members(ml) + cJSON_GetArraySize(me) == 0) {
        /* LabelSelector's String() (gogo-generated), as Argo prints it */
        invalid_raw(v, "spec.selector", "&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}",
                    "empty selector is invalid for deployment");
        return;
    }
    st->selector = sel;
}

static void check_template(vctx *v, rstate *st, bool has_workload_ref)
{
    const cJSON *tmpl = NULL, *meta = NULL, *labels = NULL, *pspec = NULL, *containers = NULL;
    if (g_obj(v, st->spec, "spec", "template", &tmpl) < 0)
        return;
    if (has_workload_ref) {
        if (count_members(tmpl) > 0)
            fail(v, "spec.template", "Internal error: template must be empty for workload reference rollout");
        return;
    }
    if (g_obj(v, tmpl, "spec.template", "metadata", &meta) < 0 ||
        g_strmap(v, meta, "spec.template.metadata", "labels", &labels) < 0 ||
        g_strmap(v, meta, "spec.template.metadata", "annotations", &(const cJSON *){NULL}) < 0)
        return;
    st->template_labels = labels;
    if (st->selector && !selector_matches(st->selector, labels)) {
        char m[VALMAX];
        render_strmap(m, sizeof m, labels);
        invalid_raw(v, "spec.template.metadata.labels", m, "`selector` does not match template `labels`");
        return;
    }
    if (g_obj(v, tmpl, "spec.template", "spec", &pspec) < 0 ||
        g_arr(v, pspec, "spec.template.spec", "containers", &containers) < 0)
        return;
    if (cJSON_GetArraySize(containers) == 0) {
        fail(v, "spec.template.spec.containers", "Required value");
        return;
    }
    int i = 0;
    for (const cJSON *c = containers->child; c; c = c->next, i++) {
        char p[PATHMAX], q[PATHMAX + 16];
        snprintf(p, sizeof p, "spec.template.spec.containers[%d]", i);
        if (!cJSON_IsObject(c)) {
            type_err(v, p, c, "object");
            return;
        }
        const char *name = "", *image = "";
        if (g_str(v, c, p, "name", &name) < 0 || g_str(v, c, p, "image", &image) < 0)
            return;
        snprintf(q, sizeof q, "%s.name", p);
        if (!*name) {
            fail(v, q, "Required value");
            return;
        }
        int j = 0;
        for (const cJSON *d = containers->child; d != c; d = d->next, j++) {
            const cJSON *dn = child(d, "name");
            if (cJSON_IsString(dn) && !strcmp(dn->valuestring, name)) {
                char qn[VALMAX];
                goq(qn, sizeof qn, name);
                fail(v, q, "Duplicate value: %s", qn);
                return;
            }
        }
    }
    const char *rp = NULL;
    long long ads = 0;
    if (g_str(v, pspec, "spec.template.spec", "restartPolicy", &rp) < 0)
        return;
    if (rp && strcmp(rp, "Always") != 0) {
        char q[VALMAX];
        goq(q, sizeof q, rp);
        fail(v, "spec.template.spec.restartPolicy", "Unsupported value: %s: supported values: \"Always\"", q);
        return;
    }
    int r = g_int(v, pspec, "spec.template.spec", "activeDeadlineSeconds", &ads);
    if (r > 0)
        invalid_int(v, "spec.template.spec.activeDeadlineSeconds", ads, "activeDeadlineSeconds in ReplicaSet is not Supported");
}

static void check_antiaffinity(vctx *v, const cJSON *strat, const char *base)
{
    const cJSON *aa = NULL, *pref = NULL, *req = NULL;
    if (g_obj(v, strat, base, "antiAffinity", &aa) <= 0)
        return;
    char ap[PATHMAX];
    jpath(ap, base, "antiAffinity");
    if (g_obj(v, aa, ap, "preferredDuringSchedulingIgnoredDuringExecution", &pref) < 0 ||
        g_obj(v, aa, ap, "requiredDuringSchedulingIgnoredDuringExecution", &req) < 0)
        return;
    if ((!pref && !req) || (pref && req)) {
        char val[VALMAX];
        snprintf(val, sizeof val,
                 "\"antiAffinity.PreferredDuringSchedulingIgnoredDuringExecution: %s "
                 "antiAffinity.RequiredDuringSchedulingIgnoredDuringExecution: %s\"",
                 pref ? "true" : "false", req ? "true" : "false");
        invalid_raw(v, "spec.strategy.antiAffinity", val, "AntiAffinity must have exactly one strategy listed");
        return;
    }
    if (pref) {
        char pp[PATHMAX];
        jpath(pp, ap, "preferredDuringSchedulingIgnoredDuringExecution");
        long long w = 0;
        if (g_int(v, pref, pp, "weight", &w) < 0)
            return;
        if (w < 1 || w > 100)
            invalid_int(v, "spec.strategy.antiAffinity.weight", w, "AntiAffinity weight must be between 1-100");
    }
}

static void check_bluegreen(vctx *v, rstate *st)
{
    const char *base = "spec.strategy.blueGreen";
    const cJSON *bg = st->bg;
    const char *active = NULL, *preview = NULL;
    long long i64;
    bool b;
    if (g_str(v, bg, base, "activeService", &active) < 0 || g_str(v, bg, base, "previewService", &preview) < 0 ||
        g_bool(v, bg, base, "autoPromotionEnabled", &b) < 0 || g_int(v, bg, base, "autoPromotionSeconds", &i64) < 0 ||
        g_int(v, bg, base, "previewReplicaCount", &i64) < 0 || g_int(v, bg, base, "scaleDownDelaySeconds", &i64) < 0 ||
        g_int(v, bg, base, "abortScaleDownDelaySeconds", &i64) < 0 ||
        g_obj(v, bg, base, "prePromotionAnalysis", &(const cJSON *){NULL}) < 0 ||
        g_obj(v, bg, base, "postPromotionAnalysis", &(const cJSON *){NULL}) < 0 ||
        g_intstr(v, bg, base, "maxUnavailable", &(intstr){0}) < 0)
        return;
    /* Cutover-specific (the CRD's `required: [activeService]`, as the API server words it) */
    if (!active || !*active) {
        fail(v, "spec.strategy.blueGreen.activeService", "Required value");
        return;
    }
    if (!strcmp(active, preview ? preview : "")) {
        invalid_str(v, "spec.strategy.activeService", active,
                    "This rollout uses the same service for the active and preview services, but two different services are required.");
        return;
    }
    long long limit = 0;
    int r = g_int(v, bg, base, "scaleDownDelayRevisionLimit", &limit);
    if (r < 0)
        return;
    if (r > 0 && limit < 0) { /* Cutover-specific: Argo accepts a negative limit */
        invalid_int(v, "spec.strategy.blueGreen.scaleDownDelayRevisionLimit", limit, "must be greater than or equal to 0");
        return;
    }
    if (r > 0 && st->revision_history_limit < limit) {
        invalid_int(v, "spec.strategy.scaleDownDelayRevisionLimit", limit,
                    "This rollout's revision history limit can not be smaller than the rollout's scale down limit");
        return;
    }
    check_antiaffinity(v, bg, base);
}

/* A StringMatch as Go's %#v prints it (nil pointer: null). */
static void render_stringmatch(char *dst, size_t cap, const cJSON *m)
{
    if (!m) {
        snprintf(dst, cap, "null");
        return;
    }
    char e[VALMAX / 4], p[VALMAX / 4], r[VALMAX / 4];
    const cJSON *x;
    goq(e, sizeof e, cJSON_IsString(x = child(m, "exact")) ? x->valuestring : "");
    goq(p, sizeof p, cJSON_IsString(x = child(m, "prefix")) ? x->valuestring : "");
    goq(r, sizeof r, cJSON_IsString(x = child(m, "regex")) ? x->valuestring : "");
    snprintf(dst, cap, "v1alpha1.StringMatch{Exact:%s, Prefix:%s, Regex:%s}", e, p, r);
}

/* hasMultipleMatchValues / hasALBInvalidValues on a StringMatch at path `fld` (type-checked here). */
static void check_string_match(vctx *v, const cJSON *parent, const char *base, const char *key, const char *fld, bool alb)
{
    const cJSON *m = NULL;
    if (g_obj(v, parent, base, key, &m) < 0)
        return;
    char mp[PATHMAX];
    jpath(mp, base, key);
    const char *ex = "", *px = "", *rx = "";
    if (m && (g_str(v, m, mp, "exact", &ex) < 0 || g_str(v, m, mp, "prefix", &px) < 0 || g_str(v, m, mp, "regex", &rx) < 0))
        return;
    char val[VALMAX];
    render_stringmatch(val, sizeof val, m);
    if (!m) {
        invalid_raw(v, fld, val, "StringMatch value missed, match value must have one of the following: exact, regex, prefix");
        return;
    }
    if (alb) {
        if (!*ex || *rx || *px)
            invalid_raw(v, fld, val, "SetHeaderRoute match value invalid. ALB supports 'exact' value only");
        return;
    }
    int set = (*ex != 0) + (*rx != 0) + (*px != 0);
    if (set > 1)
        invalid_raw(v, fld, val, "StringMatch match value must have exactly one of the following: exact, regex, prefix");
    else if (set == 0)
        invalid_raw(v, fld, val, "StringMatch value missed, match value must have one of the following: exact, regex, prefix");
}

static bool managed_route_exists(const cJSON *routes, const char *name)
{
    for (const cJSON *r = routes ? routes->child : NULL; r; r = r->next) {
        const cJSON *n = child(r, "name");
        if (cJSON_IsString(n) && !strcmp(n->valuestring, name ? name : ""))
            return true;
    }
    return false;
}

static void check_step(vctx *v, rstate *st, const cJSON *step, int i, long long max_weight, const cJSON *managed_routes)
{
    char jp[PATHMAX], ap[PATHMAX], p[PATHMAX + 64];
    snprintf(jp, sizeof jp, "spec.strategy.canary.steps[%d]", i); /* JSON path (type errors, Cutover) */
    snprintf(ap, sizeof ap, "spec.strategy.steps[%d]", i);        /* Argo's static-rule path */
    if (!cJSON_IsObject(step)) {
        type_err(v, jp, step, "object");
        return;
    }
    long long weight = 0;
    const cJSON *pause = NULL, *exp = NULL, *analysis = NULL, *scale = NULL, *hdr = NULL, *mirror = NULL, *plugin = NULL;
    int has_weight = g_int(v, step, jp, "setWeight", &weight);
    if (has_weight < 0 || g_obj(v, step, jp, "pause", &pause) < 0 || g_obj(v, step, jp, "experiment", &exp) < 0 ||
        g_obj(v, step, jp, "analysis", &analysis) < 0 || g_obj(v, step, jp, "setCanaryScale", &scale) < 0 ||
        g_obj(v, step, jp, "setHeaderRoute", &hdr) < 0 || g_obj(v, step, jp, "setMirrorRoute", &mirror) < 0 ||
        g_obj(v, step, jp, "plugin", &plugin) < 0)
        return;
    const char *T = "true", *F = "false";
    /* hasMultipleStepsType: Argo counts only setWeight, pause, experiment and analysis */
    if ((has_weight > 0) + (pause != NULL) + (exp != NULL) + (analysis != NULL) > 1) {
        char val[VALMAX];
        snprintf(val, sizeof val, "\"step.Experiment: %s step.Pause: %s step.SetWeight: %s step.Analysis: %s\"",
                 exp ? T : F, pause ? T : F, has_weight > 0 ? T : F, analysis ? T : F);
        invalid_raw(v, ap, val, "Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause");
        return;
    }
    if (has_weight == 0 && !pause && !exp && !analysis && !scale && !hdr && !mirror && !plugin) {
        /* Argo prints `== nil` for each, so every flag is true here */
        invalid_raw(v, ap,
                    "\"step.Experiment: true step.Pause: true step.SetWeight: true step.Analysis: true step.SetCanaryScale: true "
                    "step.SetHeaderRoute: true step.SetMirrorRoute: true step.Plugin: true\"",
                    "Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause");
        return;
    }
    if (has_weight > 0 && (weight < 0 || weight > max_weight)) {
        char d[64];
        snprintf(d, sizeof d, "SetWeight needs to be between 0 and %lld", max_weight);
        snprintf(p, sizeof p, "%s.setWeight", ap);
        invalid_int(v, p, weight, d);
        return;
    }
    if (pause) {
        char pp[PATHMAX + 16];
        snprintf(pp, sizeof pp, "%s.pause", jp);
        intstr d;
        int r = g_intstr(v, pause, pp, "duration", &d);
        if (r < 0)
            return;
        if (r > 0) {
            long long secs = pause_seconds(&d);
            if (secs < 0) {
                snprintf(p, sizeof p, "%s.pause.duration", ap);
                invalid_int(v, p, secs, "Duration needs to be greater than 0");
                return;
            }
        }
    }
    if (scale) {
        if (!st->tr) {
            fail(v, "spec.strategy.trafficRouting", "Required value: SetCanaryScale requires TrafficRouting to be set");
            return;
        }
        char sp[PATHMAX + 32];
        snprintf(sp, sizeof sp, "%s.setCanaryScale", jp);
        long long n;
        bool match = false;
        int hr = g_int(v, scale, sp, "replicas", &n), hw;
        if (hr < 0 || (hw = g_int(v, scale, sp, "weight", &n)) < 0 || g_bool(v, scale, sp, "matchTrafficWeight", &match) < 0)
            return;
        /* Cutover-specific: Argo silently prefers matchTrafficWeight, then replicas, then weight */
        if ((hr > 0) + (hw > 0) + match > 1) {
            char val[VALMAX];
            snprintf(val, sizeof val, "\"replicas: %s weight: %s matchTrafficWeight: %s\"", hr > 0 ? T : F, hw > 0 ? T : F,
                     match ? T : F);
            invalid_raw(v, sp, val, "SetCanaryScale must have exactly one of the following set: replicas, weight or matchTrafficWeight");
            return;
        }
    }
    if (hdr) {
        char hp[PATHMAX + 32];
        snprintf(hp, sizeof hp, "%s.setHeaderRoute", jp);
        const char *name = "";
        const cJSON *match = NULL;
        if (g_str(v, hdr, hp, "name", &name) < 0 || g_arr(v, hdr, hp, "match", &match) < 0)
            return;
        snprintf(p, sizeof p, "%s.setHeaderRoute", ap);
        if (!st->tr || (!st->istio && !st->alb && !st->apisix && count_members(st->plugins) == 0)) {
            char val[VALMAX], q[VALMAX / 2];
            goq(q, sizeof q, name);
            snprintf(val, sizeof val, "v1alpha1.SetHeaderRoute{Name:%s, Match:[]v1alpha1.HeaderRoutingMatch%s}", q,
                     match ? "{...}" : "(nil)");
            invalid_raw(v, p, val, "SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix");
            return;
        }
        int j = 0;
        for (const cJSON *m = match ? match->child : NULL; m; m = m->next, j++) {
            char mp[PATHMAX + 64], fld[PATHMAX + 64];
            snprintf(mp, sizeof mp, "%s.match[%d]", hp, j);
            snprintf(fld, sizeof fld, "%s.setHeaderRoute.match[%d]", ap, j);
            if (!cJSON_IsObject(m)) {
                type_err(v, mp, m, "object");
                return;
            }
            check_string_match(v, m, mp, "headerValue", fld, st->alb != NULL);
            if (v->failed)
                return;
        }
    }
    if (mirror) {
        char mp0[PATHMAX + 32];
        snprintf(mp0, sizeof mp0, "%s.setMirrorRoute", jp);
        const char *name = "";
        const cJSON *match = NULL;
        long long pct;
        if (g_str(v, mirror, mp0, "name", &name) < 0 || g_arr(v, mirror, mp0, "match", &match) < 0 ||
            g_int(v, mirror, mp0, "percentage", &pct) < 0)
            return;
        snprintf(p, sizeof p, "%s.setMirrorRoute", ap);
        if (!st->tr || (!st->istio && count_members(st->plugins) == 0)) {
            char val[VALMAX], q[VALMAX / 2];
            goq(q, sizeof q, name);
            snprintf(val, sizeof val, "v1alpha1.SetMirrorRoute{Name:%s, Match:[]v1alpha1.RouteMatch%s}", q, match ? "{...}" : "(nil)");
            invalid_raw(v, p, val, "SetMirrorRoute requires TrafficRouting, supports Istio and Plugins");
            return;
        }
        int j = 0;
        for (const cJSON *m = match ? match->child : NULL; m; m = m->next, j++) {
            char mp[PATHMAX + 64], fld[PATHMAX + 64];
            snprintf(mp, sizeof mp, "%s.match[%d]", mp0, j);
            snprintf(fld, sizeof fld, "%s.setMirrorRoute.match[%d]", ap, j);
            if (!cJSON_IsObject(m)) {
                type_err(v, mp, m, "object");
                return;
            }
            if (child(m, "method"))
                check_string_match(v, m, mp, "method", fld, false);
            if (!v->failed && child(m, "path"))
                check_string_match(v, m, mp, "path", fld, false);
            if (v->failed)
                return;
        }
    }
    if (st->tr && (hdr || mirror)) {
        if (!managed_routes) {
            fail(v, "spec.strategy.trafficRouting.managedRoutes",
                 "Required value: Rollout has missing field 'spec.strategy.canary.trafficRouting.managedRoutes'");
            return;
        }
        const char *hn = cJSON_IsString(child(hdr, "name")) ? child(hdr, "name")->valuestring : "";
        const char *mn = cJSON_IsString(child(mirror, "name")) ? child(mirror, "name")->valuestring : "";
        if (hdr && !managed_route_exists(managed_routes, hn)) {
            snprintf(p, sizeof p, "%s.setHeaderRoute", ap);
            invalid_str(v, p, hn, "Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes");
            return;
        }
        if (mirror && !managed_route_exists(managed_routes, mn)) {
            snprintf(p, sizeof p, "%s.setMirrorRoute", ap);
            invalid_str(v, p, mn, "Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes");
            return;
        }
    }
    if (exp) {
        char ep[PATHMAX + 32];
        snprintf(ep, sizeof ep, "%s.experiment", jp);
        const cJSON *tmpls = NULL;
        if (g_arr(v, exp, ep, "templates", &tmpls) < 0)
            return;
        int j = 0;
        for (const cJSON *t = tmpls ? tmpls->child : NULL; t; t = t->next, j++) {
            char tp[PATHMAX + 64];
            snprintf(tp, sizeof tp, "%s.templates[%d]", ep, j);
            if (!cJSON_IsObject(t)) {
                type_err(v, tp, t, "object");
                return;
            }
            long long w;
            int r = g_int(v, t, tp, "weight", &w);
            if (r < 0)
                return;
            if (r > 0) {
                snprintf(p, sizeof p, "%s.experiment.templates[%d].weight", ap, j);
                if (!st->tr) {
                    invalid_int(v, p, w, "Experiment template weight cannot be set unless TrafficRouting is enabled");
                    return;
                }
                if (!st->alb && !st->smi && !st->istio && count_members(st->plugins) == 0) {
                    invalid_int(v, p, w, "Experiment template weight is only available for TrafficRouting with SMI, ALB, Istio and Plugins at this time");
                    return;
                }
            }
        }
    }
    /* Cutover-specific: analysis, experiment and plugin steps are not implemented yet (analysis comes
       with a later issue). Remove each line here as its step type lands. */
    const char *unsupported = analysis ? "analysis" : exp ? "experiment" : plugin ? "plugin" : NULL;
    if (unsupported && !v->argo_only) {
        snprintf(p, sizeof p, "%s.%s", jp, unsupported);
        fail(v, p, "Forbidden: %s steps are not supported by Cutover yet", unsupported);
    }
}

static void check_canary(vctx *v, rstate *st)
{
    const char *base = "spec.strategy.canary";
    const cJSON *c = st->canary;
    intstr ms = {.is_str = true, .s = "25%"}, mu = {.is_str = true, .s = "25%"};
    if (g_intstr(v, c, base, "maxSurge", &ms) < 0 || g_intstr(v, c, base, "maxUnavailable", &mu) < 0)
        return;
    if (intstr_value(&ms) == 0 && intstr_value(&mu) == 0) {
        char val[VALMAX];
        intstr_render(val, sizeof val, &ms);
        invalid_raw(v, "spec.strategy.maxSurge", val, "MaxSurge and MaxUnavailable both can not be zero");
        return;
    }
    const char *cs = "", *ss = "";
    if (g_str(v, c, base, "canaryService", &cs) < 0 || g_str(v, c, base, "stableService", &ss) < 0)
        return;
    st->canary_svc = cs;
    st->stable_svc = ss;
    if (*cs && *ss && !strcmp(cs, ss)) {
        invalid_str(v, "spec.strategy.stableService", ss,
                    "This rollout uses the same service for the stable and canary services, but two different services are required.");
        return;
    }
    const cJSON *tr = NULL, *pp = NULL;
    if (g_obj(v, c, base, "trafficRouting", &tr) < 0 || g_obj(v, c, base, "pingPong", &pp) < 0)
        return;
    st->tr = tr;
    st->ping_pong = pp;
    const char *trp = "spec.strategy.canary.trafficRouting";
    long long max_weight = 100;
    int has_max = 0;
    const cJSON *managed_routes = NULL;
    if (tr) {
        if (g_obj(v, tr, trp, "nginx", &st->nginx) < 0 || g_obj(v, tr, trp, "alb", &st->alb) < 0 ||
            g_obj(v, tr, trp, "istio", &st->istio) < 0 || g_obj(v, tr, trp, "smi", &st->smi) < 0 ||
            g_obj(v, tr, trp, "apisix", &st->apisix) < 0 || g_obj(v, tr, trp, "ambassador", &st->ambassador) < 0 ||
            g_obj(v, tr, trp, "appMesh", &st->appmesh) < 0 || g_obj(v, tr, trp, "traefik", &st->traefik) < 0 ||
            g_obj(v, tr, trp, "plugins", &st->plugins) < 0 || (has_max = g_int(v, tr, trp, "maxTrafficWeight", &max_weight)) < 0 ||
            g_arr(v, tr, trp, "managedRoutes", &managed_routes) < 0)
            return;
        if (st->nginx) {
            const char *np = "spec.strategy.canary.trafficRouting.nginx";
            const char *s;
            if (g_str(v, st->nginx, np, "stableIngress", &s) < 0 ||
                g_strarr(v, st->nginx, np, "stableIngresses", &(const cJSON *){NULL}) < 0 ||
                g_str(v, st->nginx, np, "annotationPrefix", &s) < 0 ||
                g_strmap(v, st->nginx, np, "additionalIngressAnnotations", &(const cJSON *){NULL}) < 0 ||
                g_strmap(v, st->nginx, np, "canaryIngressAnnotations", &(const cJSON *){NULL}) < 0)
                return;
        }
        if (st->alb) {
            const char *s;
            if (g_str(v, st->alb, "spec.strategy.canary.trafficRouting.alb", "ingress", &s) < 0 ||
                g_strarr(v, st->alb, "spec.strategy.canary.trafficRouting.alb", "ingresses", &(const cJSON *){NULL}) < 0 ||
                g_str(v, st->alb, "spec.strategy.canary.trafficRouting.alb", "rootService", &s) < 0)
                return;
        }
        int i = 0;
        for (const cJSON *r = managed_routes ? managed_routes->child : NULL; r; r = r->next, i++) {
            char rp[PATHMAX];
            snprintf(rp, sizeof rp, "%s.managedRoutes[%d]", trp, i);
            if (!cJSON_IsObject(r)) {
                type_err(v, rp, r, "object");
                return;
            }
            if (g_str(v, r, rp, "name", &(const char *){NULL}) < 0)
                return;
        }
    }
    if (pp) {
        const char *ping = "", *pong = "", *root = "";
        if (g_str(v, pp, "spec.strategy.canary.pingPong", "pingService", &ping) < 0 ||
            g_str(v, pp, "spec.strategy.canary.pingPong", "pongService", &pong) < 0)
            return;
        if (tr && !st->alb && !st->istio && count_members(st->plugins) == 0) {
            invalid_raw(v, "spec.strategy.trafficRouting.alb", "null", "Ping-pong feature works with the ALB, Istio, and plugin-based traffic routers only");
            return;
        }
        if (!*ping) {
            invalid_str(v, "spec.strategy.pingPong.pingService", ping, "Ping service and Pong service must to be set to use Ping-Pong feature");
            return;
        }
        if (!*pong) {
            invalid_str(v, "spec.strategy.pingPong.pongService", pong, "Ping service and Pong service must to be set to use Ping-Pong feature");
            return;
        }
        if (!strcmp(ping, pong)) {
            invalid_str(v, "spec.strategy.pingPong.pingService", ping,
                        "This rollout uses the same service for the ping and pong services, but two different services are required.");
            return;
        }
        if (st->alb) {
            const cJSON *rs = child(st->alb, "rootService");
            root = cJSON_IsString(rs) ? rs->valuestring : "";
            if (!*root) {
                invalid_str(v, "spec.strategy.trafficRouting.alb.rootService", root,
                            "Root service field is required for the configuration with ALB and ping-pong feature enabled");
                return;
            }
        }
    }
    if (tr && ((st->alb && !pp) || (st->istio && !child(st->istio, "destinationRule") && !pp) || st->smi || st->apisix ||
               st->ambassador || st->nginx || st->appmesh || st->traefik)) {
        if (!*ss) {
            invalid_str(v, "spec.strategy.stableService", ss, "Canary service and Stable service must to be set to use Traffic Routing");
            return;
        }
        if (!*cs) {
            invalid_str(v, "spec.strategy.canaryService", cs, "Canary service and Stable service must to be set to use Traffic Routing");
            return;
        }
    }
    long long sdds = 0;
    bool dss = false;
    int has_sdds = g_int(v, c, base, "scaleDownDelaySeconds", &sdds);
    long long tmp;
    long long sdrl = 0;
    int has_sdrl = g_int(v, c, base, "scaleDownDelayRevisionLimit", &sdrl);
    if (has_sdds < 0 || g_bool(v, c, base, "dynamicStableScale", &dss) < 0 || has_sdrl < 0 || g_int(v, c, base, "abortScaleDownDelaySeconds", &tmp) < 0 ||
        g_int(v, c, base, "minPodsPerReplicaSet", &tmp) < 0 || g_obj(v, c, base, "analysis", &(const cJSON *){NULL}) < 0)
        return;
    if (!tr) {
        if (has_sdds > 0) {
            invalid_int(v, "spec.strategy.scaleDownDelaySeconds", sdds, "Canary scaleDownDelaySeconds can only be used with traffic routing");
            return;
        }
        if (dss) {
            invalid_raw(v, "spec.strategy.dynamicStableScale", "true", "Canary dynamicStableScale can only be used with traffic routing");
            return;
        }
    } else {
        if (has_sdds > 0 && dss) {
            invalid_raw(v, "spec.strategy.dynamicStableScale", "true", "Canary dynamicStableScale cannot be used with scaleDownDelaySeconds");
            return;
        }
        if (has_max > 0 && !st->nginx && count_members(st->plugins) == 0) {
            invalid_int(v, "spec.strategy.trafficRouting.maxTrafficWeight", max_weight,
                        "Canary maxTrafficWeight in traffic routing only supported in Nginx and Plugins");
            return;
        }
    }
    /* Cutover-specific, like blueGreen's */
    if (has_sdrl > 0 && sdrl < 0) {
        invalid_int(v, "spec.strategy.canary.scaleDownDelayRevisionLimit", sdrl, "must be greater than or equal to 0");
        return;
    }
    const cJSON *steps = NULL;
    if (g_arr(v, c, base, "steps", &steps) < 0)
        return;
    int i = 0;
    for (const cJSON *s = steps ? steps->child : NULL; s && !v->failed; s = s->next, i++)
        check_step(v, st, s, i, has_max > 0 ? max_weight : 100, managed_routes);
    if (!v->failed)
        check_antiaffinity(v, c, base);
}

/* ---- referenced resources ---- */

static const char *svc_path(const char *type)
{
    if (!strcmp(type, "active"))
        return "spec.strategy.blueGreen.activeService";
    if (!strcmp(type, "preview"))
        return "spec.strategy.blueGreen.previewService";
    if (!strcmp(type, "stable"))
        return "spec.strategy.canary.stableService";
    if (!strcmp(type, "canary"))
        return "spec.strategy.canary.canaryService";
    if (!strcmp(type, "ping"))
        return "spec.strategy.canary.pingPong.pingService";
    return "spec.strategy.canary.pingPong.pongService";
}

typedef struct {
    const char *type, *name;
} svcref;

static int collect_services(const rstate *st, svcref *out)
{
    int n = 0;
    const cJSON *x;
#define ADD(obj, key, t)                                                                                               \
    do {                                                                                                               \
        x = child(obj, key);                                                                                           \
        if (cJSON_IsString(x) && *x->valuestring)                                                                      \
            out[n++] = (svcref){t, x->valuestring};                                                                    \
    } while (0)
    if (st->bg) {
        ADD(st->bg, "activeService", "active");
        ADD(st->bg, "previewService", "preview");
    } else if (st->canary) {
        ADD(st->canary, "stableService", "stable");
        ADD(st->canary, "canaryService", "canary");
        if (st->ping_pong) {
            ADD(st->ping_pong, "pingService", "ping");
            ADD(st->ping_pong, "pongService", "pong");
        }
    }
#undef ADD
    return n;
}

static void render_strarr(char *dst, size_t cap, const cJSON *arr)
{
    size_t o = (size_t)snprintf(dst, cap, "[]string{");
    int i = 0;
    for (const cJSON *e = arr ? arr->child : NULL; e && o < cap; e = e->next, i++) {
        char q[VALMAX / 2];
        goq(q, sizeof q, cJSON_IsString(e) ? e->valuestring : "");
        o += (size_t)snprintf(dst + o, cap - o, "%s%s", i ? ", " : "", q);
    }
    if (o < cap)
        snprintf(dst + o, cap - o, "}");
}

/* ingressutil.HasRuleWithService: a rule path whose backend is the Service (networking/v1 or the
   legacy extensions/v1beta1 serviceName form). */
static bool ingress_has_service(const cJSON *ing, const char *svc)
{
    const cJSON *spec = child(ing, "spec");
    const cJSON *rules = child(spec, "rules");
    for (const cJSON *r = cJSON_IsArray(rules) ? rules->child : NULL; r; r = r->next) {
        const cJSON *paths = child(child(r, "http"), "paths");
        for (const cJSON *p = cJSON_IsArray(paths) ? paths->child : NULL; p; p = p->next) {
            const cJSON *be = child(p, "backend");
            const cJSON *n1 = child(child(be, "service"), "name"), *n2 = child(be, "serviceName");
            if ((cJSON_IsString(n1) && !strcmp(n1->valuestring, svc)) || (cJSON_IsString(n2) && !strcmp(n2->valuestring, svc)))
                return true;
        }
    }
    return false;
}

static void check_references(vctx *v, const rstate *st, const ro_refs *refs, const char *name)
{
    svcref svcs[6];
    int nsvc = collect_services(st, svcs);
    /* getReferencedServices: existence, in Argo's order */
    if (refs && refs->service_exists) {
        for (int i = 0; i < nsvc; i++) {
            if (!refs->service_exists(refs->ud, svcs[i].name)) {
                char d[VALMAX];
                snprintf(d, sizeof d, "service \"%s\" not found", svcs[i].name);
                invalid_str(v, svc_path(svcs[i].type), svcs[i].name, d);
                return;
            }
        }
    }
    /* ValidateRolloutNginxIngressesConfig / ValidateRolloutAlbIngressesConfig: static, always run */
    const cJSON *single = NULL, *multi = NULL;
    if (st->nginx) {
        single = child(st->nginx, "stableIngress");
        multi = child(st->nginx, "stableIngresses");
        bool has_single = cJSON_IsString(single) && *single->valuestring, has_multi = multi != NULL;
        if (has_single && has_multi) {
            fail(v, "spec.strategy.canary.trafficRouting.nginx",
                 "Internal error: Either StableIngress or StableIngresses must be configured. Both are configured.");
            return;
        }
        if (!has_single && !has_multi) {
            fail(v, "spec.strategy.canary.trafficRouting.nginx",
                 "Internal error: Either StableIngress or StableIngresses must be configured. Neither are configured.");
            return;
        }
        if (!has_single)
            single = NULL;
    }
    if (st->alb) {
        const cJSON *s = child(st->alb, "ingress"), *m = child(st->alb, "ingresses");
        bool hs = cJSON_IsString(s) && *s->valuestring, hm = m != NULL;
        if (hs && hm) {
            fail(v, "spec.strategy.canary.trafficRouting.alb", "Internal error: Either Ingress or Ingresses must be configured. Both are configured.");
            return;
        }
        if (!hs && !hm) {
            fail(v, "spec.strategy.canary.trafficRouting.alb", "Internal error: Either Ingress or Ingresses must be configured. Neither are configured.");
            return;
        }
    }
    /* getReferencedNginxIngresses: existence (note Argo's capitalised `StableIngresses` path) */
    if (st->nginx && refs && refs->ingress_exists) {
        if (multi) {
            for (const cJSON *e = multi->child; e; e = e->next) {
                if (!refs->ingress_exists(refs->ud, e->valuestring)) {
                    char val[VALMAX], d[VALMAX];
                    render_strarr(val, sizeof val, multi);
                    snprintf(d, sizeof d, "ingress.networking.k8s.io \"%s\" not found", e->valuestring);
                    invalid_raw(v, "spec.strategy.canary.trafficRouting.nginx.StableIngresses", val, d);
                    return;
                }
            }
        } else if (!refs->ingress_exists(refs->ud, single->valuestring)) {
            char d[VALMAX];
            snprintf(d, sizeof d, "ingress.networking.k8s.io \"%s\" not found", single->valuestring);
            invalid_str(v, "spec.strategy.canary.trafficRouting.nginx.stableIngress", single->valuestring, d);
            return;
        }
    }
    /* ValidateService: selector labels and the managed-by annotation */
    if (refs && refs->get_service) {
        for (int i = 0; i < nsvc; i++) {
            const cJSON *svc = refs->get_service(refs->ud, svcs[i].name);
            if (!svc)
                continue;
            const cJSON *sel = child(child(svc, "spec"), "selector");
            if (cJSON_IsObject(sel)) {
                int n = count_members(sel), k = 0;
                const char **keys = n ? calloc((size_t)n, sizeof *keys) : NULL;
                for (const cJSON *e = sel->child; e && keys; e = e->next)
                    keys[k++] = e->string ? e->string : "";
                if (keys)
                    qsort(keys, (size_t)k, sizeof *keys, cmp_str);
                for (int j = 0; j < k && !v->failed; j++) {
                    if (!strcmp(keys[j], "rollouts-pod-template-hash"))
                        continue;
                    const cJSON *want = cJSON_GetObjectItemCaseSensitive(sel, keys[j]);
                    const char *have = label(st->template_labels, keys[j]);
                    if (!have || !cJSON_IsString(want) || strcmp(have, want->valuestring) != 0) {
                        char d[2 * VALMAX], qn[VALMAX / 2], qk[VALMAX / 2];
                        goq(qn, sizeof qn, svcs[i].name);
                        goq(qk, sizeof qk, keys[j]);
                        snprintf(d, sizeof d, "Service %s has unmatch label %s in rollout", qn, qk);
                        invalid_str(v, svc_path(svcs[i].type), svcs[i].name, d);
                    }
                }
                free(keys);
                if (v->failed)
                    return;
            }
            const cJSON *mb = child(child(child(svc, "metadata"), "annotations"), "argo-rollouts.argoproj.io/managed-by-rollouts");
            if (cJSON_IsString(mb) && strcmp(mb->valuestring, name) != 0) {
                char d[VALMAX], qn[VALMAX / 2];
                goq(qn, sizeof qn, svcs[i].name);
                snprintf(d, sizeof d, "Service %s is managed by another Rollout", qn);
                invalid_str(v, svc_path(svcs[i].type), svcs[i].name, d);
                return;
            }
        }
    }
    /* ValidateIngress (nginx): each stable Ingress routes to the stableService */
    if (st->nginx && refs && refs->get_ingress) {
        const char *ss = st->stable_svc ? st->stable_svc : "";
        const cJSON *first = multi ? multi->child : single;
        for (const cJSON *e = first; e; e = multi ? e->next : NULL) {
            const cJSON *ing = refs->get_ingress(refs->ud, e->valuestring);
            if (ing && !ingress_has_service(ing, ss)) {
                char d[VALMAX];
                snprintf(d, sizeof d, "ingress `%s` has no rules using service %s backend", e->valuestring, ss);
                invalid_str(v, multi ? "spec.strategy.canary.trafficRouting.nginx.stableIngresses"
                                     : "spec.strategy.canary.trafficRouting.nginx.stableIngress",
                            e->valuestring, d);
                return;
            }
        }
    }
}

/* ---- entry point ---- */

int ro_validate(const cJSON *rollout, const ro_refs *refs, char *message, size_t n)
{
    const cJSON *nm = child(child(rollout, "metadata"), "name");
    const char *name = cJSON_IsString(nm) ? nm->valuestring : "";
    vctx v = {.out = message, .n = n, .name = name, .argo_only = refs && refs->argo_only};
    if (message && n)
        message[0] = '\0';
    else
        v.n = 0;
    rstate st = {0};
    st.revision_history_limit = 10;
    if (!cJSON_IsObject(rollout)) {
        fail(&v, "rollout", "Invalid value: \"%s\": must be of type object", rollout ? jtype(rollout) : "null");
        return -1;
    }
    if (g_obj(&v, rollout, "", "spec", &st.spec) < 0)
        return -1;

    /* ValidateRolloutSpec, in Argo's order */
    long long replicas = 1;
    if (g_int(&v, st.spec, "spec", "replicas", &replicas) < 0)
        return -1;
    if (replicas < 0) {
        invalid_int(&v, "spec.replicas", replicas, "must be greater than or equal to 0");
        return -1;
    }
    const cJSON *wref = NULL;
    if (g_obj(&v, st.spec, "spec", "workloadRef", &wref) < 0)
        return -1;
    check_selector(&v, &st, wref != NULL);
    if (!v.failed)
        check_template(&v, &st, wref != NULL);
    if (v.failed)
        return -1;
    long long mrs = 0, pds = 600;
    bool b;
    if (g_int(&v, st.spec, "spec", "minReadySeconds", &mrs) < 0 ||
        g_int(&v, st.spec, "spec", "revisionHistoryLimit", &st.revision_history_limit) < 0 ||
        g_int(&v, st.spec, "spec", "progressDeadlineSeconds", &pds) < 0 || g_bool(&v, st.spec, "spec", "paused", &b) < 0 ||
        g_bool(&v, st.spec, "spec", "progressDeadlineAbort", &b) < 0)
        return -1;
    if (mrs < 0)
        invalid_int(&v, "spec.minReadySeconds", mrs, "must be greater than or equal to 0");
    else if (st.revision_history_limit < 0)
        invalid_int(&v, "spec.revisionHistoryLimit", st.revision_history_limit, "must be greater than or equal to 0");
    else if (pds < 0)
        invalid_int(&v, "spec.progressDeadlineSeconds", pds, "must be greater than or equal to 0");
    else if (pds <= mrs)
        invalid_int(&v, "spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds");
    if (v.failed)
        return -1;

    /* ValidateRolloutStrategy (Argo's path really is spec.strategy.strategy) */
    if (g_obj(&v, st.spec, "spec", "strategy", &st.strategy) < 0 ||
        g_obj(&v, st.strategy, "spec.strategy", "blueGreen", &st.bg) < 0 ||
        g_obj(&v, st.strategy, "spec.strategy", "canary", &st.canary) < 0)
        return -1;
    if (!st.bg && !st.canary) {
        fail(&v, "spec.strategy.strategy", "Required value: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'");
        return -1;
    }
    if (st.bg && st.canary) {
        invalid_raw(&v, "spec.strategy.strategy", "\"blueGreen: true canary: true\"", "Multiple Strategies can not be listed");
        return -1;
    }
    if (st.bg)
        check_bluegreen(&v, &st);
    else
        check_canary(&v, &st);
    if (v.failed)
        return -1;

    /* getRolloutReferencedResources + ValidateRolloutReferencedResources */
    check_references(&v, &st, refs, name);
    return v.failed ? -1 : 0;
}
