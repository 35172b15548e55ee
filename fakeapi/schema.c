/* schema.c: structural schemas, as the real API server applies a CRD version's openAPIV3Schema to
 * a custom resource, and the checks a CRD's own schema must pass.
 *
 * A custom resource on its way in is first decoded (apiextensions-apiserver's
 * unstructuredSchemaCoercer: ObjectMeta round-tripped, unknown fields pruned, non-nullable nulls
 * dropped, embedded resources coerced; then defaults), then validated (kube-openapi's
 * SchemaValidator: type, string, format, number, array, enum and object checks in that order, each
 * error turned into a field error by apiextensions' kubeOpenAPIResultToFieldErrors). The messages
 * are built from the same format strings (kube-openapi pkg/validation/errors, apimachinery
 * pkg/util/validation/field), values rendered as Go renders them (%q, %v, json.Marshal).
 *
 * The walk goes over the object and the schema together, as cJSON values: a schema keyword of the
 * wrong type is ignored (the apiserver would have refused such a CRD), and nothing is followed
 * deeper than FA_SCHEMA_MAX_DEPTH. Deliberately left out: allOf/anyOf/oneOf/not, uniqueItems,
 * x-kubernetes-list-type/map-keys, x-kubernetes-validations (CEL), ratcheting, and the string
 * formats other than date-time, date, byte, uuid*, ipv4, ipv6, cidr and mac (they pass). The
 * property order of errors is the object's (the apiserver walks a Go map: random). */
#include "fakeapi/schema.h"

#include "common/buf.h"
#include "common/json.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- results ---- */

void fa_schema_result_free(fa_schema_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->nerrors; i++) {
        free(res->errors[i].field);
        free(res->errors[i].detail);
    }
    free(res->errors);
    for (size_t i = 0; i < res->nunknown; i++)
        free(res->unknown[i]);
    free(res->unknown);
    free(res->decode_error);
    memset(res, 0, sizeof *res);
}

/* Takes ownership of field and detail. */
static void add_error(fa_schema_result *res, char *field, const char *reason, char *detail)
{
    if (res->nerrors >= FA_SCHEMA_MAX_ERRORS) {
        free(field);
        free(detail);
        return;
    }
    if (res->nerrors == res->errcap) {
        res->errcap = res->errcap ? res->errcap * 2 : 8;
        res->errors = realloc(res->errors, res->errcap * sizeof *res->errors);
        if (!res->errors)
            abort();
    }
    res->errors[res->nerrors++] = (fa_schema_error){field, reason, detail};
}

static void add_unknown(fa_schema_result *res, char *path)
{
    if (res->nunknown == res->unkcap) {
        res->unkcap = res->unkcap ? res->unkcap * 2 : 8;
        res->unknown = realloc(res->unknown, res->unkcap * sizeof *res->unknown);
        if (!res->unknown)
            abort();
    }
    res->unknown[res->nunknown++] = path;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sorts the unknown-field paths recorded since index first (Go's sort.Strings). */
static void sort_unknown(fa_schema_result *res, size_t first)
{
    if (res->nunknown > first + 1)
        qsort(res->unknown + first, res->nunknown - first, sizeof *res->unknown, cmp_str);
}

/* ---- Go renderings ---- */

static long utf8_count(const char *s)
{
    long n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int l = (int)co_utf8_seq(p, SIZE_MAX);
        p += l ? l : 1;
        n++;
    }
    return n;
}

/* strconv.Quote (printable non-ASCII runes are kept as they are). */
static void go_quote(co_buf *b, const char *s)
{
    co_buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
        unsigned char c = *p;
        int n = (int)co_utf8_seq(p, SIZE_MAX);
        if (n > 1) {
            co_buf_add(b, p, (size_t)n);
            p += n;
            continue;
        }
        p++;
        switch (c) {
        case '"': co_buf_adds(b, "\\\""); break;
        case '\\': co_buf_adds(b, "\\\\"); break;
        case '\a': co_buf_adds(b, "\\a"); break;
        case '\b': co_buf_adds(b, "\\b"); break;
        case '\f': co_buf_adds(b, "\\f"); break;
        case '\n': co_buf_adds(b, "\\n"); break;
        case '\r': co_buf_adds(b, "\\r"); break;
        case '\t': co_buf_adds(b, "\\t"); break;
        case '\v': co_buf_adds(b, "\\v"); break;
        default:
            if (c < 0x20 || c >= 0x7f)
                co_buf_printf(b, "\\x%02x", c);
            else
                co_buf_addc(b, (char)c);
        }
    }
    co_buf_addc(b, '"');
}

char *fa_schema_go_quote(const char *s)
{
    co_buf b = {0};
    go_quote(&b, s);
    return co_buf_take(&b);
}

/* The shortest decimal digits that read back as d (d finite, > 0): digits without the point and
 * the decimal exponent of the first digit. */
static void shortest(double d, char digits[24], int *exp10)
{
    char t[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(t, sizeof t, "%.*e", p - 1, d);
        if (strtod(t, NULL) == d)
            break;
    }
    int n = 0;
    const char *e = strchr(t, 'e');
    for (const char *q = t; q < e && n < 23; q++)
        if (isdigit((unsigned char)*q))
            digits[n++] = *q;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = 0;
    *exp10 = atoi(e + 1);
}

/* strconv.FormatFloat(d, fmt, -1, 64) for fmt 'e' or 'f'; Go's %v is 'g' (below). */
static void go_float_fmt(co_buf *b, double d, char fmt)
{
    if (isnan(d)) {
        co_buf_adds(b, "NaN");
        return;
    }
    if (isinf(d)) {
        co_buf_adds(b, d > 0 ? "+Inf" : "-Inf");
        return;
    }
    if (d == 0) {
        co_buf_adds(b, signbit(d) ? (fmt == 'e' ? "-0e+00" : "-0") : (fmt == 'e' ? "0e+00" : "0"));
        return;
    }
    if (d < 0) {
        co_buf_addc(b, '-');
        d = -d;
    }
    char dg[24];
    int ex, nd;
    shortest(d, dg, &ex);
    nd = (int)strlen(dg);
    if (fmt == 'e') {
        co_buf_addc(b, dg[0]);
        if (nd > 1) {
            co_buf_addc(b, '.');
            co_buf_adds(b, dg + 1);
        }
        co_buf_printf(b, "e%c%02d", ex < 0 ? '-' : '+', ex < 0 ? -ex : ex);
        return;
    }
    if (ex < 0) {
        co_buf_adds(b, "0.");
        for (int i = 0; i < -ex - 1; i++)
            co_buf_addc(b, '0');
        co_buf_adds(b, dg);
    } else if (ex + 1 >= nd) {
        co_buf_adds(b, dg);
        for (int i = nd; i < ex + 1; i++)
            co_buf_addc(b, '0');
    } else {
        co_buf_add(b, dg, (size_t)ex + 1);
        co_buf_addc(b, '.');
        co_buf_adds(b, dg + ex + 1);
    }
}

/* fmt's %v of a float64: strconv's 'g' with the shortest digits, %e when the exponent is < -4 or
 * >= 6 ("if precision was the shortest possible, use precision 6 for this decision"). */
static void go_float_v(co_buf *b, double d)
{
    if (isfinite(d) && d != 0) {
        char dg[24];
        int ex;
        shortest(fabs(d), dg, &ex);
        if (ex < -4 || ex >= 6) {
            go_float_fmt(b, d, 'e');
            return;
        }
    }
    go_float_fmt(b, d, 'f');
}

/* encoding/json's float64: 'f', or 'e' below 1e-6 and from 1e21, with "e-07" shortened to "e-7". */
static void go_float_json(co_buf *b, double d)
{
    double a = fabs(d);
    if (a != 0 && (a < 1e-6 || a >= 1e21)) {
        size_t start = b->len;
        go_float_fmt(b, d, 'e');
        char *s = b->data + start;
        size_t n = b->len - start;
        if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') {
            s[n - 2] = s[n - 1];
            co_buf_truncate(b, b->len - 1);
        }
        return;
    }
    go_float_fmt(b, d, 'f');
}

/* A JSON number as the apiserver decodes it: an int64 when it is integral and fits, else float64. */
static bool is_int(const cJSON *v)
{
    double d = v->valuedouble;
    return isfinite(d) && d == floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0;
}

static void go_json_rec(co_buf *b, const cJSON *v, int depth);

static int cmp_member(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(x->string ? x->string : "", y->string ? y->string : "");
}

static void go_json_rec(co_buf *b, const cJSON *v, int depth)
{
    if (!v || depth > FA_SCHEMA_MAX_DEPTH * 2) {
        co_buf_adds(b, "null");
    } else if (cJSON_IsObject(v)) {
        size_t n = 0;
        for (const cJSON *c = v->child; c; c = c->next)
            n++;
        const cJSON **m = n ? malloc(n * sizeof *m) : NULL;
        size_t i = 0;
        for (const cJSON *c = v->child; c && m; c = c->next)
            m[i++] = c;
        if (m)
            qsort(m, n, sizeof *m, cmp_member);
        co_buf_addc(b, '{');
        for (i = 0; m && i < n; i++) {
            if (i)
                co_buf_addc(b, ',');
            co_buf_go_json_str(b, m[i]->string ? m[i]->string : "");
            co_buf_addc(b, ':');
            go_json_rec(b, m[i], depth + 1);
        }
        co_buf_addc(b, '}');
        free(m);
    } else if (cJSON_IsArray(v)) {
        co_buf_addc(b, '[');
        for (const cJSON *c = v->child; c; c = c->next) {
            go_json_rec(b, c, depth + 1);
            if (c->next)
                co_buf_addc(b, ',');
        }
        co_buf_addc(b, ']');
    } else if (cJSON_IsString(v)) {
        co_buf_go_json_str(b, v->valuestring ? v->valuestring : "");
    } else if (cJSON_IsNumber(v)) {
        if (is_int(v))
            co_buf_printf(b, "%lld", (long long)v->valuedouble);
        else
            go_float_json(b, v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        co_buf_adds(b, cJSON_IsTrue(v) ? "true" : "false");
    } else {
        co_buf_adds(b, "null");
    }
}

void fa_schema_go_number(co_buf *b, const cJSON *v)
{
    if (is_int(v))
        co_buf_printf(b, "%lld", (long long)v->valuedouble);
    else
        go_float_v(b, v->valuedouble);
}

char *fa_schema_go_json(const cJSON *v)
{
    co_buf b = {0};
    go_json_rec(&b, v, 0);
    return co_buf_take(&b);
}

/* A field error's bad value (field.Error.ErrorBody): %q for strings, %v for numbers and
 * booleans, json.Marshal for the rest. */
static void go_value(co_buf *b, const cJSON *v)
{
    if (cJSON_IsString(v))
        go_quote(b, v->valuestring);
    else if (cJSON_IsNumber(v) && is_int(v))
        co_buf_printf(b, "%lld", (long long)v->valuedouble);
    else if (cJSON_IsNumber(v))
        go_float_v(b, v->valuedouble);
    else
        go_json_rec(b, v, 0);
}

/* fmt's %v of a decoded JSON value (map[k:v], [a b], <nil>). */
static void go_v(co_buf *b, const cJSON *v, int depth)
{
    if (!v || cJSON_IsNull(v) || depth > 32) {
        co_buf_adds(b, "<nil>");
    } else if (cJSON_IsString(v)) {
        co_buf_adds(b, v->valuestring ? v->valuestring : "");
    } else if (cJSON_IsNumber(v)) {
        if (is_int(v))
            co_buf_printf(b, "%lld", (long long)v->valuedouble);
        else
            go_float_v(b, v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        co_buf_adds(b, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsArray(v)) {
        co_buf_addc(b, '[');
        for (const cJSON *c = v->child; c; c = c->next) {
            go_v(b, c, depth + 1);
            if (c->next)
                co_buf_addc(b, ' ');
        }
        co_buf_addc(b, ']');
    } else {
        size_t n = 0;
        for (const cJSON *c = v->child; c; c = c->next)
            n++;
        const cJSON **m = n ? malloc(n * sizeof *m) : NULL;
        size_t i = 0;
        for (const cJSON *c = v->child; c && m; c = c->next)
            m[i++] = c;
        if (m)
            qsort(m, n, sizeof *m, cmp_member);
        co_buf_adds(b, "map[");
        for (i = 0; m && i < n; i++) {
            if (i)
                co_buf_addc(b, ' ');
            co_buf_printf(b, "%s:", m[i]->string ? m[i]->string : "");
            go_v(b, m[i], depth + 1);
        }
        co_buf_addc(b, ']');
        free(m);
    }
}

/* fmt's %T of a decoded JSON value. */
static const char *go_type(const cJSON *v)
{
    if (!v || cJSON_IsNull(v))
        return "<nil>";
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsNumber(v))
        return is_int(v) ? "int64" : "float64";
    if (cJSON_IsBool(v))
        return "bool";
    if (cJSON_IsArray(v))
        return "[]interface {}";
    return "map[string]interface {}";
}

/* ---- reading a schema node (any cJSON value: keywords of the wrong type count as absent) ---- */

static const cJSON *kw(const cJSON *s, const char *k)
{
    return cJSON_IsObject(s) ? cJSON_GetObjectItemCaseSensitive(s, k) : NULL;
}

static bool kw_true(const cJSON *s, const char *k) { return cJSON_IsTrue(kw(s, k)); }

static const char *kw_str(const cJSON *s, const char *k)
{
    const cJSON *v = kw(s, k);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static bool kw_num(const cJSON *s, const char *k, double *out)
{
    const cJSON *v = kw(s, k);
    if (!cJSON_IsNumber(v))
        return false;
    *out = v->valuedouble;
    return true;
}

/* An integer keyword (maxLength, minItems, ...): the CRD holds an int64; here any number, clamped. */
static bool kw_int(const cJSON *s, const char *k, long long *out)
{
    double d;
    if (!kw_num(s, k, &d))
        return false;
    *out = isnan(d) ? 0 : d >= 9.2e18 ? 9200000000000000000LL : d <= -9.2e18 ? -9200000000000000000LL : (long long)d;
    return true;
}

/* The schema of property k, or NULL (a property given as a non-object is known but checks nothing). */
static const cJSON *prop(const cJSON *s, const char *k)
{
    const cJSON *p = kw(s, "properties");
    return cJSON_IsObject(p) && k ? cJSON_GetObjectItemCaseSensitive(p, k) : NULL;
}

/* additionalProperties: absent (false), or present with a schema (*ap) or a boolean (*ap NULL). */
static bool has_ap(const cJSON *s, const cJSON **ap, bool *allows)
{
    const cJSON *v = kw(s, "additionalProperties");
    *ap = NULL;
    if (allows)
        *allows = true;
    if (cJSON_IsObject(v)) {
        *ap = v;
        return true;
    }
    if (cJSON_IsBool(v)) {
        if (allows)
            *allows = cJSON_IsTrue(v);
        return true;
    }
    return false;
}

static const cJSON *items_of(const cJSON *s)
{
    const cJSON *v = kw(s, "items");
    return cJSON_IsObject(v) ? v : NULL;
}

static bool preserves(const cJSON *s) { return kw_true(s, "x-kubernetes-preserve-unknown-fields"); }
static bool embedded(const cJSON *s) { return kw_true(s, "x-kubernetes-embedded-resource"); }
static bool int_or_string(const cJSON *s) { return kw_true(s, "x-kubernetes-int-or-string"); }
static bool nullable(const cJSON *s) { return kw_true(s, "nullable"); }

/* The default value, NULL if none (a null default is none). */
static const cJSON *default_of(const cJSON *s)
{
    const cJSON *d = kw(s, "default");
    return d && !cJSON_IsNull(d) ? d : NULL;
}

static bool is_meta_field(const char *k)
{
    return k && (!strcmp(k, "apiVersion") || !strcmp(k, "kind") || !strcmp(k, "metadata"));
}

/* ---- decoding: ObjectMeta ---- */

static const char *const objectmeta_fields[] = {
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
    "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
    "ownerReferences", "finalizers", "managedFields", NULL};
static const char *const ownerref_fields[] = {"apiVersion", "kind", "name", "uid", "controller",
                                              "blockOwnerDeletion", NULL};
static const char *const managedfield_fields[] = {"manager", "operation", "apiVersion", "time", "fieldsType",
                                                  "fieldsV1", "subresource", NULL};

static bool in_list(const char *const *l, const char *k)
{
    for (; k && *l; l++)
        if (!strcmp(*l, k))
            return true;
    return false;
}

static void drop_unknown(cJSON *o, const char *const *known, const char *prefix, fa_schema_result *res)
{
    for (cJSON *c = o->child, *next; c; c = next) {
        next = c->next;
        if (in_list(known, c->string))
            continue;
        co_buf p = {0};
        co_buf_printf(&p, "%s.%s", prefix, c->string ? c->string : "");
        add_unknown(res, co_buf_take(&p));
        cJSON_Delete(cJSON_DetachItemViaPointer(o, c));
    }
}

/* Unknown ObjectMeta fields (kjson.UnmarshalStrict's paths, document order), dropped as the
 * round trip through metav1.ObjectMeta drops them. prefix: "metadata" or "spec.x.metadata". */
static void meta_unknown(cJSON *meta, const char *prefix, fa_schema_result *res)
{
    if (!cJSON_IsObject(meta))
        return;
    for (cJSON *c = meta->child, *next; c; c = next) {
        next = c->next;
        if (!in_list(objectmeta_fields, c->string)) {
            co_buf p = {0};
            co_buf_printf(&p, "%s.%s", prefix, c->string ? c->string : "");
            add_unknown(res, co_buf_take(&p));
            cJSON_Delete(cJSON_DetachItemViaPointer(meta, c));
            continue;
        }
        bool owners = !strcmp(c->string, "ownerReferences"), managed = !strcmp(c->string, "managedFields");
        if ((owners || managed) && cJSON_IsArray(c)) {
            int i = 0;
            for (cJSON *e = c->child; e; e = e->next, i++) {
                if (!cJSON_IsObject(e))
                    continue;
                char sub[512];
                snprintf(sub, sizeof sub, "%s.%s[%d]", prefix, c->string, i);
                drop_unknown(e, owners ? ownerref_fields : managedfield_fields, sub, res);
            }
        }
    }
}

/* ---- decoding: pruning (apiextensions pkg/apiserver/schema/pruning) ---- */

typedef struct {
    fa_schema_result *res;
    co_buf path; /* UnknownFieldPathOptions.ParentPath */
    size_t first;
} prune_ctx;

static void path_key(co_buf *p, const char *k)
{
    if (p->len)
        co_buf_addc(p, '.');
    co_buf_adds(p, k ? k : "");
}

static void record(prune_ctx *c, const char *k)
{
    size_t mark = c->path.len;
    path_key(&c->path, k);
    add_unknown(c->res, strdup(co_buf_str(&c->path)));
    co_buf_truncate(&c->path, mark);
}

static void prune(prune_ctx *c, cJSON *x, const cJSON *s, bool root, int depth);

/* root: the resource's root, an embedded resource as PruneWithOptions treats it. */
static void skip_prune(prune_ctx *c, cJSON *x, const cJSON *s, bool root, int depth)
{
    if (!s || depth > FA_SCHEMA_MAX_DEPTH)
        return;
    size_t mark = c->path.len;
    if (cJSON_IsObject(x)) {
        for (cJSON *v = x->child; v; v = v->next) {
            if ((root || embedded(s)) && is_meta_field(v->string))
                continue;
            const cJSON *p = prop(s, v->string), *ap;
            if (p) {
                path_key(&c->path, v->string);
                prune(c, v, p, false, depth + 1);
            } else if (has_ap(s, &ap, NULL)) {
                path_key(&c->path, v->string);
                prune(c, v, ap, false, depth + 1);
            }
            co_buf_truncate(&c->path, mark);
        }
    } else if (cJSON_IsArray(x)) {
        int i = 0;
        for (cJSON *v = x->child; v; v = v->next, i++) {
            co_buf_printf(&c->path, "[%d]", i);
            skip_prune(c, v, items_of(s), false, depth + 1);
            co_buf_truncate(&c->path, mark);
        }
    }
}

/* s NULL: nothing is known here (every object key is unknown). root: the resource's root, where
 * apiVersion, kind and metadata are implicit. */
static void prune(prune_ctx *c, cJSON *x, const cJSON *s, bool root, int depth)
{
    if (depth > FA_SCHEMA_MAX_DEPTH)
        return;
    if (s && preserves(s)) {
        skip_prune(c, x, s, root, depth);
        return;
    }
    size_t mark = c->path.len;
    if (cJSON_IsObject(x)) {
        for (cJSON *v = x->child, *next; v; v = next) {
            next = v->next;
            if (!s) {
                record(c, v->string);
                cJSON_Delete(cJSON_DetachItemViaPointer(x, v));
                continue;
            }
            if ((root || embedded(s)) && is_meta_field(v->string))
                continue;
            const cJSON *p = prop(s, v->string), *ap;
            if (p) {
                path_key(&c->path, v->string);
                prune(c, v, p, false, depth + 1);
            } else if (has_ap(s, &ap, NULL)) {
                path_key(&c->path, v->string);
                prune(c, v, ap, false, depth + 1);
            } else {
                record(c, v->string);
                cJSON_Delete(cJSON_DetachItemViaPointer(x, v));
            }
            co_buf_truncate(&c->path, mark);
        }
    } else if (cJSON_IsArray(x)) {
        int i = 0;
        for (cJSON *v = x->child; v; v = v->next, i++) {
            co_buf_printf(&c->path, "[%d]", i);
            prune(c, v, s ? items_of(s) : NULL, false, depth + 1);
            co_buf_truncate(&c->path, mark);
        }
    }
}

/* PruneNonNullableNullsWithoutDefaults */
static const cJSON *field_schema(const cJSON *s, const char *k)
{
    const cJSON *p = prop(s, k), *ap;
    if (p)
        return p;
    if (has_ap(s, &ap, NULL))
        return ap;
    return NULL;
}

static void prune_nulls(cJSON *x, const cJSON *s, int depth)
{
    if (depth > FA_SCHEMA_MAX_DEPTH)
        return;
    if (cJSON_IsObject(x)) {
        for (cJSON *v = x->child, *next; v; v = next) {
            next = v->next;
            const cJSON *fs = field_schema(s, v->string);
            if (cJSON_IsNull(v) && fs && !nullable(fs) && !default_of(fs))
                cJSON_Delete(cJSON_DetachItemViaPointer(x, v));
            else
                prune_nulls(v, fs, depth + 1);
        }
    } else if (cJSON_IsArray(x)) {
        for (cJSON *v = x->child; v; v = v->next)
            prune_nulls(v, items_of(s), depth + 1);
    }
}

/* Coerce: embedded resources' apiVersion and kind must be strings, their metadata is ObjectMeta.
 * fpath is a field.Path rendering ("spec.template", "spec.m[key]", "spec.l[0]"). */
typedef struct {
    fa_schema_result *res;
    co_buf fpath;
} coerce_ctx;

static bool coerce(coerce_ctx *c, cJSON *x, const cJSON *s, int depth)
{
    if (!s || depth > FA_SCHEMA_MAX_DEPTH)
        return true;
    size_t mark = c->fpath.len;
    if (cJSON_IsObject(x)) {
        for (cJSON *v = x->child; v; v = v->next) {
            if (embedded(s) && v->string) {
                if ((!strcmp(v->string, "apiVersion") || !strcmp(v->string, "kind")) && !cJSON_IsString(v)) {
                    co_buf e = {0};
                    path_key(&c->fpath, v->string);
                    co_buf_printf(&e, "%s: Invalid value: ", co_buf_str(&c->fpath));
                    go_value(&e, v);
                    co_buf_adds(&e, ": must be a string");
                    c->res->decode_error = co_buf_take(&e);
                    co_buf_truncate(&c->fpath, mark);
                    return false;
                }
                if (!strcmp(v->string, "metadata") && cJSON_IsObject(v)) {
                    path_key(&c->fpath, "metadata");
                    fa_schema_result tmp = {0};
                    meta_unknown(v, co_buf_str(&c->fpath), &tmp);
                    for (size_t i = 0; i < tmp.nunknown; i++)
                        add_unknown(c->res, tmp.unknown[i]);
                    tmp.nunknown = 0;
                    fa_schema_result_free(&tmp);
                    co_buf_truncate(&c->fpath, mark);
                }
            }
            const cJSON *p = prop(s, v->string), *ap;
            bool ok = true;
            if (p) {
                path_key(&c->fpath, v->string);
                ok = coerce(c, v, p, depth + 1);
            } else if (has_ap(s, &ap, NULL)) {
                co_buf_printf(&c->fpath, "[%s]", v->string ? v->string : "");
                ok = coerce(c, v, ap, depth + 1);
            }
            co_buf_truncate(&c->fpath, mark);
            if (!ok)
                return false;
        }
    } else if (cJSON_IsArray(x)) {
        int i = 0;
        for (cJSON *v = x->child; v; v = v->next, i++) {
            co_buf_printf(&c->fpath, "[%d]", i);
            bool ok = coerce(c, v, items_of(s), depth + 1);
            co_buf_truncate(&c->fpath, mark);
            if (!ok)
                return false;
        }
    }
    return true;
}

/* structural defaulting */
static void apply_defaults(cJSON *x, const cJSON *s, int depth)
{
    if (!s || depth > FA_SCHEMA_MAX_DEPTH)
        return;
    if (cJSON_IsObject(x)) {
        const cJSON *props = kw(s, "properties");
        for (const cJSON *p = cJSON_IsObject(props) ? props->child : NULL; p; p = p->next) {
            const cJSON *d = default_of(p);
            if (!d || !p->string)
                continue;
            cJSON *cur = cJSON_GetObjectItemCaseSensitive(x, p->string);
            if (!cur)
                cJSON_AddItemToObject(x, p->string, cJSON_Duplicate(d, 1));
            else if (cJSON_IsNull(cur) && !nullable(p))
                cJSON_ReplaceItemViaPointer(x, cur, cJSON_Duplicate(d, 1));
        }
        for (cJSON *v = x->child; v; v = v->next) {
            const cJSON *p = prop(s, v->string), *ap;
            if (p) {
                apply_defaults(v, p, depth + 1);
            } else if (has_ap(s, &ap, NULL) && ap) {
                const cJSON *d = default_of(ap);
                if (cJSON_IsNull(v) && d && !nullable(ap)) {
                    cJSON *nv = cJSON_Duplicate(d, 1);
                    cJSON_ReplaceItemViaPointer(x, v, nv);
                    v = nv;
                }
                apply_defaults(v, ap, depth + 1);
            }
        }
    } else if (cJSON_IsArray(x)) {
        const cJSON *is = items_of(s);
        for (cJSON *v = x->child; v; v = v->next) {
            const cJSON *d = default_of(is);
            if (cJSON_IsNull(v) && d && !nullable(is)) {
                cJSON *nv = cJSON_Duplicate(d, 1);
                cJSON_ReplaceItemViaPointer(x, v, nv);
                v = nv;
            }
            apply_defaults(v, is, depth + 1);
        }
    }
}

void fa_schema_decode(const cJSON *schema, bool preserve_unknown, cJSON *obj, fa_schema_result *res)
{
    if (!cJSON_IsObject(obj))
        return;
    meta_unknown(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "metadata", res);
    if (!cJSON_IsObject(schema))
        return;
    if (!preserve_unknown) {
        prune_ctx pc = {.res = res, .first = res->nunknown};
        prune(&pc, obj, schema, true, 0);
        co_buf_free(&pc.path);
        sort_unknown(res, pc.first);
        prune_nulls(obj, schema, 0);
    }
    size_t first = res->nunknown;
    coerce_ctx cc = {.res = res};
    coerce(&cc, obj, schema, 0);
    co_buf_free(&cc.fpath);
    sort_unknown(res, first);
    if (!res->decode_error)
        apply_defaults(obj, schema, 0);
}

/* ---- regular expressions: Go's RE2 syntax, translated to POSIX extended where it can be ---- */

typedef struct rx_entry {
    struct rx_entry *next;
    char *pattern;
    bool ok;
    regex_t re;
} rx_entry;

/* Appends one bracket expression's translation; *pp points after '['. Returns false when it
 * cannot be translated. */
static bool rx_bracket(co_buf *o, const char **pp)
{
    const char *p = *pp;
    bool neg = false, dash = false, close = false;
    co_buf body = {0};
    if (*p == '^') {
        neg = true;
        p++;
    }
    bool first = true;
    while (*p && (first || *p != ']')) {
        first = false;
        if (*p == '[' && p[1] == ':') {
            const char *e = strstr(p + 2, ":]");
            if (!e) {
                co_buf_free(&body);
                return false;
            }
            co_buf_add(&body, p, (size_t)(e + 2 - p));
            p = e + 2;
            continue;
        }
        if (*p == '\\') {
            char c = p[1];
            if (!c) {
                co_buf_free(&body);
                return false;
            }
            p += 2;
            if (c == 'd')
                co_buf_adds(&body, "0-9");
            else if (c == 'w')
                co_buf_adds(&body, "0-9A-Za-z_");
            else if (c == 's')
                co_buf_adds(&body, "[:space:]");
            else if (c == '-')
                dash = true;
            else if (c == ']')
                close = true;
            else if (c == 'n')
                co_buf_addc(&body, '\n');
            else if (c == 't')
                co_buf_addc(&body, '\t');
            else if (ispunct((unsigned char)c) && c != '[')
                co_buf_addc(&body, c);
            else {
                co_buf_free(&body);
                return false;
            }
            continue;
        }
        if (*p == '-' && (p[1] == ']' || body.len == 0)) {
            dash = true;
            p++;
            continue;
        }
        if (*p == ']') { /* a literal ] first in the set */
            close = true;
            p++;
            continue;
        }
        co_buf_addc(&body, *p++);
    }
    if (*p != ']') {
        co_buf_free(&body);
        return false;
    }
    *pp = p + 1;
    /* POSIX: ] first, ^ anywhere but first, - last; "[." and "[=" would start collating elements */
    const char *bs = co_buf_str(&body);
    for (const char *q = bs; *q; q++) {
        if (q[0] == '[' && q[1] == ':') {
            const char *e = strstr(q + 2, ":]");
            q = e ? e + 1 : q;
        } else if (q[0] == '[' && (q[1] == '.' || q[1] == '=')) {
            co_buf_free(&body);
            return false;
        }
    }
    co_buf_addc(o, '[');
    if (neg)
        co_buf_addc(o, '^');
    if (close)
        co_buf_addc(o, ']');
    if (bs[0] == '^' && !close) {
        co_buf_adds(o, bs + 1);
        co_buf_addc(o, '^');
    } else {
        co_buf_adds(o, bs);
    }
    if (dash)
        co_buf_addc(o, '-');
    co_buf_addc(o, ']');
    bool empty = !close && !dash && !*bs;
    co_buf_free(&body);
    return !empty;
}

/* "{n}", "{n,}" or "{n,m}" at p: returns the text after it (hi -1 when open), NULL if p starts no
 * repetition. */
static const char *rx_repeat(const char *p, long *lo, long *hi)
{
    if (*p != '{' || !isdigit((unsigned char)p[1]))
        return NULL;
    char *q;
    *lo = strtol(p + 1, &q, 10);
    *hi = *lo;
    if (*q == ',') {
        q++;
        *hi = -1;
        if (isdigit((unsigned char)*q))
            *hi = strtol(q, &q, 10);
    }
    return *q == '}' ? q + 1 : NULL;
}

/* Whether a pattern is safe for regcomp/regexec: a bound on what regcomp expands counted
 * repetitions into (nested ones multiply: the atoms of a sequence add up, a group is the sum of its
 * inside, "{n,m}" multiplies the atom before it), and no repeated group that itself repeats
 * (`((a|b){1,300}){20}`, `(a+)*`), on which glibc's backtracking regexec takes exponential time
 * where Go's RE2 is linear. Such patterns are not checked. */
static bool rx_small(const char *p)
{
    double stack[32], sum = 0, last = 0;
    bool repeats[32] = {false}; /* the group at each depth contains a repetition */
    bool last_repeats = false;  /* the atom before is a group that contains one */
    int depth = 0;
    while (*p) {
        if (*p == '{') {
            long lo, hi;
            const char *q = rx_repeat(p, &lo, &hi);
            if (q) {
                if (last_repeats)
                    return false;
                repeats[depth] = true;
                last *= (double)(hi >= 0 ? hi : lo + 1) + 1;
                p = q;
                continue;
            }
        }
        if (*p == '*' || *p == '+' || *p == '?') {
            if (*p != '?' && last_repeats)
                return false;
            repeats[depth] |= *p != '?';
            if (*p == '+')
                last *= 2; /* regcomp copies the atom: x+ is x x* */
            p++;
            continue;
        }
        if (*p == ')') {
            double inner = sum + last;
            last_repeats = repeats[depth];
            sum = depth > 0 ? stack[depth--] : 0;
            repeats[depth] |= last_repeats;
            last = inner;
            p++;
            continue;
        }
        last_repeats = false;
        sum += last; /* a new atom starts: the previous one is complete */
        last = 0;
        if (sum > 20000)
            return false;
        if (*p == '(') {
            if (depth >= 31)
                return false;
            stack[++depth] = sum;
            repeats[depth] = false;
            sum = 0;
            p++;
            continue;
        }
        if (*p == '\\' && p[1]) {
            p += 2;
        } else if (*p == '[') {
            p++;
            if (*p == '^')
                p++;
            if (*p == ']')
                p++;
            while (*p && *p != ']')
                p += (*p == '\\' && p[1]) ? 2 : 1;
            if (*p)
                p++;
        } else {
            p++;
        }
        last = 1;
    }
    while (depth > 0) {
        double inner = sum + last;
        sum = stack[depth--];
        last = inner;
    }
    return sum + last <= 20000;
}

static bool rx_translate(const char *pat, co_buf *o, int *flags)
{
    const char *p = pat;
    *flags = REG_EXTENDED | REG_NOSUB;
    if (!strncmp(p, "(?i)", 4)) {
        *flags |= REG_ICASE;
        p += 4;
    }
    /* RE2 refuses a repetition of nothing or of a repetition ("missing argument to repetition
     * operator", "invalid nested repetition operator"); so does this (glibc would expand it) */
    bool can_repeat = false;
    while (*p) {
        char c = *p;
        bool quant = c == '*' || c == '+' || c == '?' || (c == '{' && rx_repeat(p, &(long){0}, &(long){0}));
        if (quant && !can_repeat)
            return false;
        can_repeat = !quant && c != '(' && c != '|' && c != '^';
        if (c == '\\') {
            char e = p[1];
            p += 2;
            switch (e) {
            case 'd': co_buf_adds(o, "[0-9]"); break;
            case 'D': co_buf_adds(o, "[^0-9]"); break;
            case 'w': co_buf_adds(o, "[0-9A-Za-z_]"); break;
            case 'W': co_buf_adds(o, "[^0-9A-Za-z_]"); break;
            case 's': co_buf_adds(o, "[[:space:]]"); break;
            case 'S': co_buf_adds(o, "[^[:space:]]"); break;
            case 'A': co_buf_addc(o, '^'); break;
            case 'z': co_buf_addc(o, '$'); break;
            case 'n': co_buf_addc(o, '\n'); break;
            case 't': co_buf_addc(o, '\t'); break;
            case 'b': case 'B': co_buf_addc(o, '\\'); co_buf_addc(o, e); break;
            default:
                if (!e || !ispunct((unsigned char)e))
                    return false; /* \1 (no backreferences in RE2), \p{..}, \x.., ... */
                if (strchr(".[]{}()*+?|^$\\", e)) {
                    co_buf_addc(o, '\\');
                    co_buf_addc(o, e);
                } else {
                    co_buf_addc(o, e);
                }
            }
            continue;
        }
        if (c == '[') {
            p++;
            if (!rx_bracket(o, &p))
                return false;
            continue;
        }
        if (c == '(') {
            if (p[1] == '?') {
                if (p[2] != ':')
                    return false; /* flags, named groups */
                p += 2;           /* non-capturing group: a plain group here */
            }
            co_buf_addc(o, '(');
            p++;
            continue;
        }
        if (c == '{') {
            long lo, hi;
            const char *q = rx_repeat(p, &lo, &hi);
            if (!q) { /* not a repetition: a literal brace, as in Go */
                co_buf_adds(o, "\\{");
                p++;
                continue;
            }
            if (lo > 1000 || hi > 1000 || (hi >= 0 && hi < lo))
                return false;
            co_buf_add(o, p, (size_t)(q - p));
            p = q;
            if (*p == '?')
                p++; /* lazy: the same strings match */
            continue;
        }
        if (c == '}') {
            co_buf_adds(o, "\\}");
            p++;
            continue;
        }
        if ((c == '*' || c == '+' || c == '?') && p[1] == '?') {
            co_buf_addc(o, c);
            p += 2;
            continue;
        }
        co_buf_addc(o, c);
        p++;
    }
    return true;
}

/* Compiled patterns, shared by every validation (a CRD's patterns are few and are checked again
 * on every write): the most recently used first, at most RX_CACHE of them. */
#define RX_CACHE 32
static pthread_mutex_t rx_mu = PTHREAD_MUTEX_INITIALIZER;
static rx_entry *rx_cache;

/* Does s match pattern? true as well when the pattern cannot be translated (not checked). */
static bool rx_match(const char *pattern, const char *s)
{
    pthread_mutex_lock(&rx_mu);
    rx_entry **pp = &rx_cache, *e = NULL;
    int n = 0;
    for (; *pp; pp = &(*pp)->next, n++) {
        if (!strcmp((*pp)->pattern, pattern)) {
            e = *pp;
            *pp = e->next; /* to the front */
            break;
        }
    }
    if (!e) {
        e = calloc(1, sizeof *e);
        if (!e)
            abort();
        e->pattern = strdup(pattern);
        co_buf t = {0};
        int flags;
        e->ok = strlen(pattern) <= 4096 && rx_small(pattern) && rx_translate(pattern, &t, &flags) &&
                regcomp(&e->re, co_buf_str(&t), flags) == 0;
        co_buf_free(&t);
        if (n >= RX_CACHE) { /* drop the least recently used */
            rx_entry **last = &rx_cache;
            while (*last && (*last)->next)
                last = &(*last)->next;
            if (*last) {
                if ((*last)->ok)
                    regfree(&(*last)->re);
                free((*last)->pattern);
                free(*last);
                *last = NULL;
            }
        }
    }
    e->next = rx_cache;
    rx_cache = e;
    bool match = !e->ok || regexec(&e->re, s, 0, NULL, 0) == 0;
    pthread_mutex_unlock(&rx_mu);
    return match;
}

/* ---- string formats (kube-openapi strfmt) ---- */

/* n characters of s, each of which pred accepts */
static bool all_chars(const char *s, int n, int (*pred)(int))
{
    for (int i = 0; i < n; i++)
        if (!pred((unsigned char)s[i]))
            return false;
    return true;
}

static bool digits(const char *s, int n) { return all_chars(s, n, isdigit); }

/* time.Parse("2006-01-02", s[0:n]) */
static bool is_date(const char *s, size_t n)
{
    if (n != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
        return false;
    int y = atoi(s), m = (s[5] - '0') * 10 + s[6] - '0', d = (s[8] - '0') * 10 + s[9] - '0';
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return d <= max;
}

/* strfmt.IsDateTime: lower-cased, split at 't', a date before and
 * ^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$ after. */
static bool is_datetime(const char *str)
{
    size_t n = strlen(str);
    if (n < 4)
        return false;
    char *s = strdup(str);
    for (char *q = s; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    char *t = strchr(s, 't');
    bool ok = false;
    if (t && is_date(s, (size_t)(t - s))) {
        char *r = t + 1, *end = strchr(r, 't');
        if (end)
            *end = 0;
        if (strlen(r) >= 9 && digits(r, 2) && r[2] == ':' && digits(r + 3, 2) && r[5] == ':' && digits(r + 6, 2) &&
            strncmp(r, "23", 2) <= 0 && strncmp(r + 3, "59", 2) <= 0 && strncmp(r + 6, "59", 2) <= 0) {
            char *z = r + 8;
            if (*z && z[1] && isdigit((unsigned char)z[1]) && *z != 'z' && *z != '+' && *z != '-') {
                z += 2;
                while (isdigit((unsigned char)*z))
                    z++;
            } else if (*z && z[1] && isdigit((unsigned char)z[1]) && (*z == '+' || *z == '-') &&
                       !(digits(z + 1, 2) && z[3] == ':' && digits(z + 4, 2) && !z[6])) {
                /* "(.[0-9]+)" with '.' being + or - */
                z += 2;
                while (isdigit((unsigned char)*z))
                    z++;
            }
            ok = (!strcmp(z, "z")) || ((*z == '+' || *z == '-') && digits(z + 1, 2) && z[3] == ':' &&
                                       digits(z + 4, 2) && !z[6]);
        }
    }
    free(s);
    return ok;
}

static bool hexes(const char *s, int n) { return all_chars(s, n, isxdigit); }

/* (?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?V[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$ (version 0: any) */
static bool is_uuid(const char *s, char version)
{
    static const int groups[] = {8, 4, 4, 4, 12};
    for (int g = 0; g < 5; g++) {
        if (g && *s == '-')
            s++;
        if (!hexes(s, groups[g]))
            return false;
        if (version && g == 2 && s[0] != version)
            return false;
        if (version && version != '3' && g == 3 && !strchr("89abAB", s[0]))
            return false;
        s += groups[g];
    }
    return !*s;
}

static bool is_base64(const char *s)
{
    size_t n = strlen(s);
    if (n % 4)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '+' || c == '/')
            continue;
        if (c == '=' && (i == n - 1 || (i == n - 2 && s[n - 1] == '=')) && i >= n - 2)
            continue;
        return false;
    }
    return true;
}

static bool is_mac(const char *s)
{
    /* net.ParseMAC: 6, 8 or 20 octets as xx:xx.. / xx-xx.. / xxxx.xxxx.. */
    size_t n = strlen(s);
    if (n < 14)
        return false;
    if (s[2] == ':' || s[2] == '-') {
        if ((n + 1) % 3)
            return false;
        size_t octets = (n + 1) / 3;
        if (octets != 6 && octets != 8 && octets != 20)
            return false;
        for (size_t i = 0; i < n; i += 3)
            if (!hexes(s + i, 2) || (i + 2 < n && s[i + 2] != s[2]))
                return false;
        return true;
    }
    if (s[4] == '.') {
        if ((n + 1) % 5)
            return false;
        size_t octets = 2 * (n + 1) / 5;
        if (octets != 6 && octets != 8 && octets != 20)
            return false;
        for (size_t i = 0; i < n; i += 5)
            if (!hexes(s + i, 4) || (i + 4 < n && s[i + 4] != '.'))
                return false;
        return true;
    }
    return false;
}

static bool is_cidr(const char *s)
{
    const char *slash = strchr(s, '/');
    if (!slash || slash - s >= 64 || !slash[1] || strlen(slash + 1) > 3 || !digits(slash + 1, (int)strlen(slash + 1)))
        return false;
    char ip[64];
    memcpy(ip, s, (size_t)(slash - s));
    ip[slash - s] = 0;
    unsigned char buf[16];
    int bits = atoi(slash + 1);
    if (inet_pton(AF_INET, ip, buf) == 1)
        return bits <= 32;
    if (inet_pton(AF_INET6, ip, buf) == 1)
        return bits <= 128;
    return false;
}

/* A format's name without its dashes ("date-time" is "datetime"), into norm[64]. */
static const char *format_name(const char *f, char norm[64])
{
    size_t j = 0;
    for (const char *q = f; *q && j < 63; q++)
        if (*q != '-')
            norm[j++] = *q;
    norm[j] = 0;
    return norm;
}

/* The format as the apiextensions post-processor leaves it (unsupported ones are dropped): NULL
 * when none applies. type: the schema's single type ("" for none or int-or-string). */
static const char *effective_format(const cJSON *s, const char *type)
{
    const char *f = kw_str(s, "format");
    if (!f || !*f)
        return NULL;
    if (!*type || !strcmp(type, "string")) {
        static const char *const supported[] = {
            "bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "uuid", "uuid3", "uuid4",
            "uuid5", "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor", "rgbcolor", "byte", "password",
            "date", "duration", "datetime", "k8sshortname", "k8slongname", NULL};
        char norm[64];
        return in_list(supported, format_name(f, norm)) ? f : NULL;
    }
    if (!strcmp(type, "integer"))
        return !strcmp(f, "int32") || !strcmp(f, "int64") ? f : NULL;
    if (!strcmp(type, "number"))
        return !strcmp(f, "float") || !strcmp(f, "double") ? f : NULL;
    return NULL;
}

/* Does s pass format f (a supported string format)? */
static bool format_ok(const char *f, const char *s)
{
    char buf64[64];
    const char *norm = format_name(f, buf64);
    unsigned char buf[16];
    if (!strcmp(norm, "datetime"))
        return is_datetime(s);
    if (!strcmp(norm, "date"))
        return is_date(s, strlen(s));
    if (!strcmp(norm, "uuid"))
        return is_uuid(s, 0);
    if (!strcmp(norm, "uuid3") || !strcmp(norm, "uuid4") || !strcmp(norm, "uuid5"))
        return is_uuid(s, norm[4]);
    if (!strcmp(norm, "byte"))
        return is_base64(s);
    if (!strcmp(norm, "ipv4"))
        return strchr(s, '.') && (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1);
    if (!strcmp(norm, "ipv6"))
        return strchr(s, ':') && inet_pton(AF_INET6, s, buf) == 1;
    if (!strcmp(norm, "cidr"))
        return is_cidr(s);
    if (!strcmp(norm, "mac"))
        return is_mac(s);
    return true;
}

/* ---- validation (kube-openapi pkg/validation/validate) ---- */

typedef struct {
    fa_schema_result *res;
    const char *prefix; /* the field path validation starts at: NULL (the object) or "status" */
    co_buf path;        /* kube-openapi's Path: "spec.steps[0].setWeight", "" at the start */
    fa_schema_part part;
} vctx;

/* errPath.Child(TrimPrefix(name, ".")) of fldPath (prefix), as kubeOpenAPIResultToFieldErrors. */
static char *err_field(vctx *c, const char *name)
{
    co_buf f = {0};
    if (name && *name && strcmp(name, ".")) {
        if (*name == '.')
            name++;
        if (c->prefix)
            co_buf_printf(&f, "%s.", c->prefix);
        co_buf_adds(&f, name);
    } else {
        co_buf_adds(&f, c->prefix ? c->prefix : "<nil>");
    }
    return co_buf_take(&f);
}

/* field.Invalid / field.TypeInvalid: "Invalid value: <v>: <msg>"; v NULL renders as "". */
static void err_invalid(vctx *c, const char *name, const char *reason, const cJSON *v, const char *vstr,
                        const char *msg)
{
    co_buf d = {0};
    co_buf_adds(&d, "Invalid value: ");
    if (vstr)
        go_quote(&d, vstr);
    else if (v && !cJSON_IsNull(v))
        go_value(&d, v);
    else
        co_buf_adds(&d, "\"\"");
    co_buf_printf(&d, ": %s", msg);
    add_error(c->res, err_field(c, name), reason, co_buf_take(&d));
}

static void err_type(vctx *c, const char *want, const char *got)
{
    const char *path = co_buf_str(&c->path);
    co_buf m = {0};
    co_buf_printf(&m, "%s in body must be of type %s: ", path, want);
    go_quote(&m, got);
    err_invalid(c, path, "FieldValueTypeInvalid", NULL, got, co_buf_str(&m));
    co_buf_free(&m);
}

/* An error kube-openapi returns as a plain error (not *errors.Validation): fldPath, value "". */
static void err_plain(vctx *c, const char *msg)
{
    co_buf d = {0};
    co_buf_printf(&d, "Invalid value: \"\": %s", msg);
    add_error(c->res, strdup(c->prefix ? c->prefix : "<nil>"), "FieldValueInvalid", co_buf_take(&d));
}

typedef struct {
    const char *t[2];
    int n;
} types;

static bool has_type(const types *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->t[i], name))
            return true;
    return false;
}

static void join_types(const types *t, char *out, size_t n)
{
    if (t->n == 1 && strlen(t->t[0]) < n) /* the common case, without printf */
        strcpy(out, t->t[0]);
    else
        snprintf(out, n, "%s%s%s", t->n > 0 ? t->t[0] : "", t->n > 1 ? "," : "", t->n > 1 ? t->t[1] : "");
}

/* The JSON type and the strfmt format kube-openapi infers from a decoded value. */
static void data_type(const cJSON *d, const char **type, const char **format)
{
    *format = "";
    if (cJSON_IsBool(d))
        *type = "boolean";
    else if (cJSON_IsString(d))
        *type = "string";
    else if (cJSON_IsNumber(d) && is_int(d))
        *type = "integer", *format = "int64";
    else if (cJSON_IsNumber(d))
        *type = "number", *format = "float64";
    else if (cJSON_IsArray(d))
        *type = "array";
    else
        *type = "object";
}

/* swag.IsFloat64AJSONInteger */
static bool json_integer(double f)
{
    if (!isfinite(f) || f < -9007199254740991.0 || f > 9007199254740991.0)
        return false;
    return f == floor(f);
}

/* validate.IsValueValidAgainstRange for the (type, format) the number validator is given. */
static bool in_range(double v, bool integral, const char *type, const char *fmt)
{
    if (!strcmp(type, "integer")) {
        if (!integral)
            return false;
        if (fmt && !strcmp(fmt, "int32"))
            return v >= -2147483648.0 && v <= 2147483647.0;
        return true;
    }
    if (!strcmp(type, "number") && fmt && !strcmp(fmt, "float"))
        return !(fabs(v) > FLT_MAX);
    return true;
}

static void range_msg(co_buf *m, const char *prefix, const char *type, const char *fmt, const char *path)
{
    if (fmt)
        co_buf_printf(m, "%s value must be of type %s with format %s in %s", prefix, type, fmt, path);
    else
        co_buf_printf(m, "%s value must be of type %s (default format) in %s", prefix, type, path);
}

static void check_number(vctx *c, const cJSON *s, const types *t, const char *fmt, const cJSON *d)
{
    const char *path = co_buf_str(&c->path);
    double v = d->valuedouble;
    bool vint = is_int(d);
    /* the type and format the number validator checks ranges against: one type only */
    const char *ntype = "", *nfmt = NULL;
    if (t->n == 1 && (!strcmp(t->t[0], "integer") || !strcmp(t->t[0], "number"))) {
        ntype = t->t[0];
        nfmt = fmt;
    }
    co_buf m = {0};
    if (*ntype && !in_range(v, vint, ntype, nfmt)) {
        range_msg(&m, "Checked", ntype, nfmt, path);
        err_plain(c, co_buf_str(&m));
        co_buf_truncate(&m, 0);
    }
    double factor, min, max;
    bool has_mult = kw_num(s, "multipleOf", &factor), has_min = kw_num(s, "minimum", &min),
         has_max = kw_num(s, "maximum", &max);
    if (has_mult) {
        bool native = !*ntype || in_range(factor, json_integer(factor) && fabs(factor) < 9.2e18, ntype, nfmt);
        if (!native) {
            range_msg(&m, "MultipleOf", ntype, nfmt, path);
            err_plain(c, co_buf_str(&m));
            co_buf_truncate(&m, 0);
        }
        cJSON fac = {.type = cJSON_Number, .valuedouble = factor};
        if (native && vint) {
            long long f = (long long)fmax(fmin(factor, 9.2e18), -9.2e18), x = (long long)v;
            fac.valuedouble = (double)f;
            if (f <= 0) {
                co_buf_printf(&m, "factor MultipleOf declared for %s must be positive: %lld", path, f);
                err_invalid(c, path, "FieldValueInvalid", &fac, NULL, co_buf_str(&m));
            } else if (x % f != 0) {
                co_buf_printf(&m, "%s in body should be a multiple of %lld", path, f);
                err_invalid(c, path, "FieldValueInvalid", d, NULL, co_buf_str(&m));
            }
        } else {
            if (factor <= 0) {
                co_buf_printf(&m, "factor MultipleOf declared for %s must be positive: ", path);
                go_float_v(&m, factor);
                err_invalid(c, path, "FieldValueInvalid", &fac, NULL, co_buf_str(&m));
            } else {
                double mult = factor < 1 ? 1 / factor * v : v / factor;
                if (!json_integer(mult)) {
                    co_buf_printf(&m, "%s in body should be a multiple of ", path);
                    go_float_v(&m, factor);
                    err_invalid(c, path, "FieldValueInvalid", d, NULL, co_buf_str(&m));
                }
            }
        }
        co_buf_truncate(&m, 0);
    }
    for (int which = 0; which < 2; which++) { /* minimum, then maximum */
        bool has = which ? has_max : has_min;
        double bound = which ? max : min;
        if (!has)
            continue;
        bool excl = kw_true(s, which ? "exclusiveMaximum" : "exclusiveMinimum");
        bool native = !*ntype || in_range(bound, json_integer(bound) && fabs(bound) < 9.2e18, ntype, nfmt);
        if (!native) {
            range_msg(&m, which ? "Maximum boundary" : "Minimum boundary", ntype, nfmt, path);
            err_plain(c, co_buf_str(&m));
            co_buf_truncate(&m, 0);
        }
        const char *word = which ? (excl ? "less than" : "less than or equal to")
                                 : (excl ? "greater than" : "greater than or equal to");
        if (native && vint) {
            long long b = (long long)fmax(fmin(bound, 9.2e18), -9.2e18), x = (long long)v;
            bool bad = which ? (excl ? x >= b : x > b) : (excl ? x <= b : x < b);
            if (bad) {
                co_buf_printf(&m, "%s in body should be %s %lld", path, word, b);
                err_invalid(c, path, "FieldValueInvalid", d, NULL, co_buf_str(&m));
            }
        } else {
            bool bad = which ? (excl ? v >= bound : v > bound) : (excl ? v <= bound : v < bound);
            if (bad) {
                co_buf_printf(&m, "%s in body should be %s ", path, word);
                go_float_v(&m, bound);
                err_invalid(c, path, "FieldValueInvalid", d, NULL, co_buf_str(&m));
            }
        }
        co_buf_truncate(&m, 0);
    }
    co_buf_free(&m);
}

static void check_string(vctx *c, const cJSON *s, const char *fmt, const cJSON *d)
{
    const char *path = co_buf_str(&c->path), *str = d->valuestring ? d->valuestring : "";
    long long maxl, minl;
    co_buf m = {0};
    long n = utf8_count(str);
    if (kw_int(s, "maxLength", &maxl) && n > maxl) {
        long long mx = maxl;
        if (mx >= 0)
            co_buf_printf(&m, "Too long: may not be more than %lld %s", mx, mx == 1 ? "byte" : "bytes");
        else
            co_buf_adds(&m, "Too long: value is too long");
        add_error(c->res, err_field(c, path), "FieldValueTooLong", co_buf_take(&m));
    } else if (kw_int(s, "minLength", &minl) && n < minl) {
        co_buf_printf(&m, "%s in body should be at least %lld chars long", path, minl);
        err_invalid(c, path, "FieldValueInvalid", d, NULL, co_buf_str(&m));
    } else if (kw_str(s, "pattern") && *kw_str(s, "pattern")) {
        const char *pat = kw_str(s, "pattern");
        if (!rx_match(pat, str)) {
            co_buf_printf(&m, "%s in body should match '%s'", path, pat);
            err_invalid(c, path, "FieldValueInvalid", d, NULL, co_buf_str(&m));
        }
    }
    co_buf_truncate(&m, 0);
    if (fmt && !format_ok(fmt, str)) {
        co_buf_printf(&m, "%s in body must be of type %s: ", path, fmt);
        go_quote(&m, str);
        err_invalid(c, path, "FieldValueTypeInvalid", d, NULL, co_buf_str(&m));
    }
    co_buf_free(&m);
}

/* reflect's ConvertibleTo + DeepEqual between a decoded value and an enum value. */
static bool enum_equal(const cJSON *d, const cJSON *e, int depth)
{
    if (depth > 32)
        return false;
    if (cJSON_IsNumber(d) && cJSON_IsNumber(e))
        return d->valuedouble == e->valuedouble;
    if (cJSON_IsNumber(d) && is_int(d) && cJSON_IsString(e)) { /* string(rune(n)) */
        long long r = (long long)d->valuedouble;
        char u[8] = {0};
        if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
            r = 0xfffd;
        if (r < 0x80)
            u[0] = (char)r;
        else if (r < 0x800)
            u[0] = (char)(0xc0 | (r >> 6)), u[1] = (char)(0x80 | (r & 0x3f));
        else if (r < 0x10000)
            u[0] = (char)(0xe0 | (r >> 12)), u[1] = (char)(0x80 | ((r >> 6) & 0x3f)), u[2] = (char)(0x80 | (r & 0x3f));
        else
            u[0] = (char)(0xf0 | (r >> 18)), u[1] = (char)(0x80 | ((r >> 12) & 0x3f)),
            u[2] = (char)(0x80 | ((r >> 6) & 0x3f)), u[3] = (char)(0x80 | (r & 0x3f));
        return r != 0 && e->valuestring && !strcmp(u, e->valuestring);
    }
    if (cJSON_IsString(d) && cJSON_IsString(e))
        return !strcmp(d->valuestring ? d->valuestring : "", e->valuestring ? e->valuestring : "");
    if (cJSON_IsBool(d) && cJSON_IsBool(e))
        return cJSON_IsTrue(d) == cJSON_IsTrue(e);
    if (cJSON_IsArray(d) && cJSON_IsArray(e)) {
        const cJSON *x = d->child, *y = e->child;
        for (; x && y; x = x->next, y = y->next)
            if (cJSON_IsNumber(x) != cJSON_IsNumber(y) || !enum_equal(x, y, depth + 1))
                return false;
        return !x && !y;
    }
    if (cJSON_IsObject(d) && cJSON_IsObject(e)) {
        int nd = cJSON_GetArraySize(d), ne = cJSON_GetArraySize(e);
        if (nd != ne)
            return false;
        for (const cJSON *x = d->child; x; x = x->next) {
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(e, x->string);
            if (!y || cJSON_IsNumber(x) != cJSON_IsNumber(y) || !enum_equal(x, y, depth + 1))
                return false;
        }
        return true;
    }
    return false; /* different kinds, and null never equals */
}

static void check_enum(vctx *c, const cJSON *s, const cJSON *d)
{
    const cJSON *en = kw(s, "enum");
    if (!cJSON_IsArray(en) || !en->child)
        return;
    for (const cJSON *e = en->child; e; e = e->next)
        if (!cJSON_IsNull(d) && enum_equal(d, e, 0))
            return;
    const char *path = co_buf_str(&c->path);
    co_buf m = {0};
    co_buf_adds(&m, "Unsupported value: ");
    go_value(&m, d);
    co_buf_adds(&m, ": supported values: ");
    for (const cJSON *e = en->child; e; e = e->next) {
        if (cJSON_IsString(e)) {
            go_quote(&m, e->valuestring);
        } else {
            char *j = fa_schema_go_json(e);
            go_quote(&m, j);
            free(j);
        }
        if (e->next)
            co_buf_adds(&m, ", ");
    }
    add_error(c->res, err_field(c, path), "FieldValueNotSupported", co_buf_take(&m));
}

static void validate(vctx *c, const cJSON *s, const cJSON *d, int depth);

/* minItems/maxItems, minProperties/maxProperties: "should have at least N <what>" (Invalid) and
 * field.TooMany, which says "items" for both. */
static void check_count(vctx *c, const cJSON *s, long long n, const char *min_kw, const char *max_kw,
                        const char *what)
{
    const char *path = co_buf_str(&c->path);
    long long mn, mx;
    co_buf m = {0};
    if (kw_int(s, min_kw, &mn) && n < mn) {
        cJSON size = {.type = cJSON_Number, .valuedouble = (double)n};
        co_buf_printf(&m, "%s in body should have at least %lld %s", path, mn, what);
        err_invalid(c, path, "FieldValueInvalid", &size, NULL, co_buf_str(&m));
        co_buf_truncate(&m, 0);
    }
    if (kw_int(s, max_kw, &mx) && n > mx) {
        if (mx >= 0)
            co_buf_printf(&m, "Too many: %lld: must have at most %lld %s", n, mx, mx == 1 ? "item" : "items");
        else
            co_buf_printf(&m, "Too many: %lld: has too many items", n);
        add_error(c->res, err_field(c, path), "FieldValueTooMany", co_buf_take(&m));
    }
    co_buf_free(&m);
}

static void check_array(vctx *c, const cJSON *s, const cJSON *d, int depth)
{
    const cJSON *is = items_of(s);
    size_t mark = c->path.len;
    long long n = 0;
    for (const cJSON *e = d->child; e; e = e->next, n++) {
        if (!is)
            continue;
        co_buf_printf(&c->path, "[%lld]", n);
        validate(c, is, e, depth + 1);
        co_buf_truncate(&c->path, mark);
    }
    check_count(c, s, n, "minItems", "maxItems", "items");
}

static void check_object(vctx *c, const cJSON *s, const cJSON *d, int depth)
{
    check_count(c, s, cJSON_GetArraySize(d), "minProperties", "maxProperties", "properties");
    const char *path = co_buf_str(&c->path);
    co_buf m = {0};
    const cJSON *ap;
    bool allows;
    bool ap_present = has_ap(s, &ap, &allows);
    if (ap_present && !ap && !allows) {
        for (const cJSON *v = d->child; v; v = v->next) {
            if (prop(s, v->string))
                continue;
            cJSON key = {.type = cJSON_String, .valuestring = v->string ? v->string : ""};
            co_buf_printf(&m, "%s.%s in body is a forbidden property", path, key.valuestring);
            err_invalid(c, path, "FieldValueInvalid", &key, NULL, co_buf_str(&m));
            co_buf_truncate(&m, 0);
        }
    }
    size_t mark = c->path.len;
    for (const cJSON *v = d->child; v; v = v->next) {
        if (depth == 0 && c->part == FA_SCHEMA_SKIP_STATUS && v->string && !strcmp(v->string, "status"))
            continue;
        const cJSON *p = prop(s, v->string);
        if (p) {
            path_key(&c->path, v->string);
            validate(c, p, v, depth + 1);
        } else if (ap) {
            co_buf_printf(&c->path, ".%s", v->string ? v->string : "");
            validate(c, ap, v, depth + 1);
        }
        co_buf_truncate(&c->path, mark);
    }
    path = co_buf_str(&c->path);
    const cJSON *req = kw(s, "required");
    for (const cJSON *r = cJSON_IsArray(req) ? req->child : NULL; r; r = r->next) {
        if (!cJSON_IsString(r) || !r->valuestring || cJSON_GetObjectItemCaseSensitive(d, r->valuestring))
            continue;
        co_buf_printf(&m, "%s.%s", path, r->valuestring);
        add_error(c->res, err_field(c, co_buf_str(&m)), "FieldValueRequired", strdup("Required value"));
        co_buf_truncate(&m, 0);
    }
    co_buf_free(&m);
}

static void validate(vctx *c, const cJSON *s, const cJSON *d, int depth)
{
    if (!cJSON_IsObject(s) || !d || depth > FA_SCHEMA_MAX_DEPTH || c->res->nerrors >= FA_SCHEMA_MAX_ERRORS)
        return;
    types t = {{NULL, NULL}, 0};
    const char *type = kw_str(s, "type");
    if (int_or_string(s))
        t = (types){{"integer", "string"}, 2};
    else if (type && *type)
        t = (types){{type, NULL}, 1};
    const char *fmt = kw(s, "format") ? effective_format(s, t.n == 1 ? t.t[0] : "") : NULL;
    char want[64];
    join_types(&t, want, sizeof want);
    if (cJSON_IsNull(d)) {
        if (t.n > 0 && !nullable(s))
            err_type(c, want, "null");
        check_enum(c, s, d);
        return;
    }
    const char *dt, *df;
    data_type(d, &dt, &df);
    bool str = cJSON_IsString(d), arr = cJSON_IsArray(d);
    if (t.n > 0 || fmt) {
        bool has = has_type(&t, dt);
        bool float_int = !strcmp(dt, "number") && json_integer(d->valuedouble) && has_type(&t, "integer");
        bool int_float = !strcmp(dt, "integer") && has_type(&t, "number");
        /* a string or an array with a format and no numeric type: the format check decides */
        bool by_format = fmt && (str || arr) && !(has_type(&t, "number") || has_type(&t, "integer"));
        if (!str && !arr && fmt && !(has || !strcmp(df, fmt) || float_int || int_float))
            err_type(c, fmt, df);
        else if (!by_format && !(has || float_int || int_float))
            err_type(c, want, dt);
    }
    if (str)
        check_string(c, s, fmt, d);
    else if (cJSON_IsNumber(d))
        check_number(c, s, &t, fmt, d);
    else if (arr)
        check_array(c, s, d, depth);
    check_enum(c, s, d);
    if (cJSON_IsObject(d))
        check_object(c, s, d, depth);
}

/* Embedded resources (apiextensions schema/objectmeta Validate): apiVersion and kind. */
static bool dns1035(const char *s, size_t n)
{
    if (!n || n > 63 || !islower((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-')
            return false;
    return true;
}

static void embedded_checks(fa_schema_result *res, co_buf *fpath, const cJSON *x, const cJSON *s, int depth)
{
    if (!s || depth > FA_SCHEMA_MAX_DEPTH || res->nerrors >= FA_SCHEMA_MAX_ERRORS)
        return;
    size_t mark = fpath->len;
    if (cJSON_IsObject(x)) {
        if (embedded(s)) {
            static const char *const tm[] = {"apiVersion", "kind"};
            for (int i = 0; i < 2; i++) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(x, tm[i]);
                path_key(fpath, tm[i]);
                co_buf d = {0};
                if (!v) {
                    add_error(res, strdup(co_buf_str(fpath)), "FieldValueRequired", strdup("Required value"));
                } else if (!cJSON_IsString(v)) {
                    co_buf_adds(&d, "Invalid value: ");
                    go_value(&d, v);
                    co_buf_adds(&d, ": must be a string");
                    add_error(res, strdup(co_buf_str(fpath)), "FieldValueInvalid", co_buf_take(&d));
                } else if (!*v->valuestring) {
                    add_error(res, strdup(co_buf_str(fpath)), "FieldValueInvalid",
                              strdup("Invalid value: \"\": must not be empty"));
                } else if (i == 0 && strchr(strchr(v->valuestring, '/') ? strchr(v->valuestring, '/') + 1 : "", '/')) {
                    co_buf_adds(&d, "Invalid value: ");
                    go_quote(&d, v->valuestring);
                    co_buf_printf(&d, ": unexpected GroupVersion string: %s", v->valuestring);
                    add_error(res, strdup(co_buf_str(fpath)), "FieldValueInvalid", co_buf_take(&d));
                } else if (i == 1) {
                    char *lower = strdup(v->valuestring);
                    for (char *q = lower; *q; q++)
                        *q = (char)tolower((unsigned char)*q);
                    size_t n = strlen(lower);
                    if (!dns1035(lower, n)) {
                        co_buf_adds(&d, "Invalid value: ");
                        go_quote(&d, v->valuestring);
                        co_buf_adds(&d, ": may have mixed case, but should otherwise match: ");
                        if (n > 63)
                            co_buf_adds(&d, "must be no more than 63 characters");
                        else
                            co_buf_adds(&d, "a DNS-1035 label must consist of lower case alphanumeric characters or "
                                            "'-', start with an alphabetic character, and end with an alphanumeric "
                                            "character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
                                            "'[a-z]([-a-z0-9]*[a-z0-9])?')");
                        add_error(res, strdup(co_buf_str(fpath)), "FieldValueInvalid", co_buf_take(&d));
                    }
                    free(lower);
                }
                co_buf_free(&d);
                co_buf_truncate(fpath, mark);
            }
        }
        for (const cJSON *v = x->child; v; v = v->next) {
            const cJSON *p = prop(s, v->string), *ap;
            if (p) {
                path_key(fpath, v->string);
                embedded_checks(res, fpath, v, p, depth + 1);
            } else if (has_ap(s, &ap, NULL) && ap) {
                co_buf_printf(fpath, "[%s]", v->string ? v->string : "");
                embedded_checks(res, fpath, v, ap, depth + 1);
            }
            co_buf_truncate(fpath, mark);
        }
    } else if (cJSON_IsArray(x)) {
        int i = 0;
        for (const cJSON *v = x->child; v; v = v->next, i++) {
            co_buf_printf(fpath, "[%d]", i);
            embedded_checks(res, fpath, v, items_of(s), depth + 1);
            co_buf_truncate(fpath, mark);
        }
    }
}

void fa_schema_validate(const cJSON *schema, const cJSON *obj, fa_schema_part part, fa_schema_result *res)
{
    if (!cJSON_IsObject(schema) || !cJSON_IsObject(obj))
        return;
    vctx c = {.res = res, .part = part};
    const cJSON *s = schema, *d = obj;
    if (part == FA_SCHEMA_STATUS_ONLY) {
        c.prefix = "status";
        s = prop(schema, "status");
        d = cJSON_GetObjectItemCaseSensitive(obj, "status");
        if (!d)
            return;
    }
    validate(&c, s, d, 0);
    co_buf_free(&c.path);
}

void fa_schema_validate_embedded(const cJSON *schema, const cJSON *obj, fa_schema_part part, fa_schema_result *res)
{
    if (!cJSON_IsObject(schema) || !cJSON_IsObject(obj))
        return;
    const cJSON *s = schema, *d = obj;
    co_buf fp = {0};
    if (part == FA_SCHEMA_SKIP_STATUS) { /* every top-level field but the status the write drops */
        for (const cJSON *v = obj->child; v; v = v->next) {
            const cJSON *ps = strcmp(v->string, "status") ? prop(schema, v->string) : NULL;
            if (!ps)
                continue;
            co_buf_truncate(&fp, 0);
            co_buf_adds(&fp, v->string);
            embedded_checks(res, &fp, v, ps, 1);
        }
        co_buf_free(&fp);
        return;
    }
    if (part == FA_SCHEMA_STATUS_ONLY) {
        s = prop(schema, "status");
        d = cJSON_GetObjectItemCaseSensitive(obj, "status");
        co_buf_adds(&fp, "status");
    }
    if (cJSON_IsObject(s) && d)
        embedded_checks(res, &fp, d, s, 0);
    co_buf_free(&fp);
}

/* ---- the scale subresource's checks (apiextensions registry/customresource/validator.go) ---- */

/* unstructured.NestedInt64 / NestedString at a ".a.b" path: 0 found, 1 absent, -1 error (msg set). */
static int nested(const cJSON *obj, const char *jsonpath, bool want_int, const cJSON **out, co_buf *msg)
{
    const char *p = jsonpath[0] == '.' ? jsonpath + 1 : jsonpath;
    const cJSON *cur = obj;
    co_buf walked = {0};
    *out = NULL;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)(n < 255 ? n : 255), p);
        co_buf_printf(&walked, ".%s", key);
        if (!cJSON_IsObject(cur)) {
            co_buf_printf(msg, "%s accessor error: ", co_buf_str(&walked));
            go_v(msg, cur, 0);
            co_buf_printf(msg, " is of the type %s, expected map[string]interface{}", go_type(cur));
            co_buf_free(&walked);
            return -1;
        }
        cur = cJSON_GetObjectItemCaseSensitive(cur, key);
        if (!cur) {
            co_buf_free(&walked);
            return 1;
        }
        p += n + (dot ? 1 : 0);
        if (!dot)
            break;
    }
    co_buf_free(&walked);
    bool ok = want_int ? (cJSON_IsNumber(cur) && is_int(cur)) : cJSON_IsString(cur);
    if (!ok) {
        co_buf_printf(msg, "%s accessor error: ", jsonpath);
        go_v(msg, cur, 0);
        co_buf_printf(msg, " is of the type %s, expected %s", go_type(cur), want_int ? "int64" : "string");
        return -1;
    }
    *out = cur;
    return 0;
}

static void scale_replicas(const cJSON *obj, const char *path, fa_schema_result *res)
{
    const cJSON *v;
    co_buf m = {0};
    int rc = nested(obj, path, true, &v, &m);
    if (rc < 0) {
        char *msg = co_buf_take(&m);
        co_buf_printf(&m, "Invalid value: 0: %s", msg);
        free(msg);
        add_error(res, strdup(path), "FieldValueInvalid", co_buf_take(&m));
    } else if (rc == 0 && v->valuedouble < 0) {
        co_buf_printf(&m, "Invalid value: %lld: should be a non-negative integer", (long long)v->valuedouble);
        add_error(res, strdup(path), "FieldValueInvalid", co_buf_take(&m));
    } else if (rc == 0 && v->valuedouble > 2147483647.0) {
        co_buf_printf(&m, "Invalid value: %lld: should be less than or equal to 2147483647", (long long)v->valuedouble);
        add_error(res, strdup(path), "FieldValueInvalid", co_buf_take(&m));
    }
    co_buf_free(&m);
}

void fa_schema_validate_scale(const cJSON *obj, const char *spec_path, const char *status_path,
                              const char *selector_path, fa_schema_result *res)
{
    if (!cJSON_IsObject(obj))
        return;
    if (spec_path && *spec_path)
        scale_replicas(obj, spec_path, res);
    if (status_path && *status_path)
        scale_replicas(obj, status_path, res);
    if (selector_path && *selector_path) {
        const cJSON *v;
        co_buf m = {0};
        if (nested(obj, selector_path, false, &v, &m) < 0) {
            char *msg = co_buf_take(&m);
            co_buf_printf(&m, "Invalid value: \"\": %s", msg);
            free(msg);
            add_error(res, strdup(selector_path), "FieldValueInvalid", co_buf_take(&m));
        }
        co_buf_free(&m);
    }
}

/* ---- a CRD's own schema ---- */

/* Decoding into apiextensions/v1 JSONSchemaProps: a keyword of the wrong JSON type is Go's
 * UnmarshalTypeError ("json: cannot unmarshal number into Go struct field JSONSchemaProps.
 * spec.versions.schema.openAPIV3Schema.type of type string": struct fields only in the path). */
static const char *json_kind(const cJSON *v, co_buf *tmp)
{
    if (!tmp || !cJSON_IsNumber(v))
        return cj_go_type(v);
    co_buf_adds(tmp, "number ");
    go_float_v(tmp, v->valuedouble);
    return co_buf_str(tmp);
}

static bool decode_schema(const cJSON *s, const char *gopath, fa_schema_result *res, int depth);

static bool decode_fail(fa_schema_result *res, const cJSON *v, bool num_literal, const char *gopath,
                        const char *key, const char *gotype)
{
    co_buf tmp = {0}, m = {0};
    co_buf_printf(&m, "json: cannot unmarshal %s into Go struct field JSONSchemaProps.%s%s%s of type %s",
                  json_kind(v, num_literal ? &tmp : NULL), gopath, key ? "." : "", key ? key : "", gotype);
    res->decode_error = co_buf_take(&m);
    co_buf_free(&tmp);
    return false;
}

static bool decode_schema(const cJSON *s, const char *gopath, fa_schema_result *res, int depth)
{
    if (depth > FA_SCHEMA_MAX_DEPTH || cJSON_IsNull(s))
        return true;
    if (!cJSON_IsObject(s)) {
        co_buf m = {0};
        co_buf_printf(&m, "json: cannot unmarshal %s into Go struct field %s.%s of type v1.JSONSchemaProps",
                      json_kind(s, NULL), depth ? "JSONSchemaProps" : "CustomResourceValidation", gopath);
        res->decode_error = co_buf_take(&m);
        return false;
    }
    static const struct {
        const char *key;
        char want; /* s string, b bool, n float64, i int64, l []string, m map of schemas, a []schemas,
                      o a schema, e []JSON, p or-bool (additionalProperties), x anything */
        const char *go;
    } kws[] = {
        {"id", 's', "string"}, {"$schema", 's', "string"}, {"$ref", 's', "string"}, {"description", 's', "string"},
        {"type", 's', "string"}, {"format", 's', "string"}, {"title", 's', "string"}, {"pattern", 's', "string"},
        {"x-kubernetes-list-type", 's', "string"}, {"x-kubernetes-map-type", 's', "string"},
        {"maximum", 'n', "float64"}, {"minimum", 'n', "float64"}, {"multipleOf", 'n', "float64"},
        {"exclusiveMaximum", 'b', "bool"}, {"exclusiveMinimum", 'b', "bool"}, {"uniqueItems", 'b', "bool"},
        {"nullable", 'b', "bool"}, {"x-kubernetes-preserve-unknown-fields", 'b', "bool"},
        {"x-kubernetes-embedded-resource", 'b', "bool"}, {"x-kubernetes-int-or-string", 'b', "bool"},
        {"maxLength", 'i', "int64"}, {"minLength", 'i', "int64"}, {"maxItems", 'i', "int64"},
        {"minItems", 'i', "int64"}, {"maxProperties", 'i', "int64"}, {"minProperties", 'i', "int64"},
        {"required", 'l', "[]string"}, {"x-kubernetes-list-map-keys", 'l', "[]string"},
        {"properties", 'm', "map[string]v1.JSONSchemaProps"}, {"patternProperties", 'm', "map[string]v1.JSONSchemaProps"},
        {"definitions", 'm', "v1.JSONSchemaDefinitions"}, {"allOf", 'a', "[]v1.JSONSchemaProps"},
        {"oneOf", 'a', "[]v1.JSONSchemaProps"}, {"anyOf", 'a', "[]v1.JSONSchemaProps"},
        {"not", 'o', "v1.JSONSchemaProps"}, {"enum", 'e', "[]v1.JSON"},
    };
    for (const cJSON *v = s->child; v; v = v->next) {
        if (!v->string || cJSON_IsNull(v))
            continue;
        const char *k = v->string;
        if (!strcmp(k, "items")) { /* JSONSchemaPropsOrArray: an object or an array, else nothing */
            co_buf p = {0};
            co_buf_printf(&p, "%s.items", gopath);
            bool ok = true;
            if (cJSON_IsObject(v))
                ok = decode_schema(v, co_buf_str(&p), res, depth + 1);
            else if (cJSON_IsArray(v))
                for (const cJSON *e = v->child; e && ok; e = e->next)
                    ok = decode_schema(e, co_buf_str(&p), res, depth + 1);
            co_buf_free(&p);
            if (!ok)
                return false;
            continue;
        }
        if (!strcmp(k, "additionalProperties") || !strcmp(k, "additionalItems")) {
            if (cJSON_IsBool(v))
                continue;
            if (!cJSON_IsObject(v)) {
                co_buf m = {0};
                co_buf_printf(&m, "json: cannot unmarshal %s into Go value of type bool", json_kind(v, NULL));
                res->decode_error = co_buf_take(&m);
                return false;
            }
            co_buf p = {0};
            co_buf_printf(&p, "%s.%s", gopath, k);
            bool ok = decode_schema(v, co_buf_str(&p), res, depth + 1);
            co_buf_free(&p);
            if (!ok)
                return false;
            continue;
        }
        for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++) {
            if (strcmp(kws[i].key, k))
                continue;
            bool ok = true;
            co_buf p = {0};
            co_buf_printf(&p, "%s.%s", gopath, k);
            switch (kws[i].want) {
            case 's': ok = cJSON_IsString(v) || decode_fail(res, v, false, gopath, k, kws[i].go); break;
            case 'b': ok = cJSON_IsBool(v) || decode_fail(res, v, false, gopath, k, kws[i].go); break;
            case 'n': ok = cJSON_IsNumber(v) || decode_fail(res, v, false, gopath, k, kws[i].go); break;
            case 'i':
                if (cJSON_IsNumber(v) && !is_int(v))
                    ok = decode_fail(res, v, true, gopath, k, kws[i].go);
                else
                    ok = cJSON_IsNumber(v) || decode_fail(res, v, false, gopath, k, kws[i].go);
                break;
            case 'l':
                if (!cJSON_IsArray(v)) {
                    ok = decode_fail(res, v, false, gopath, k, kws[i].go);
                    break;
                }
                for (const cJSON *e = v->child; e && ok; e = e->next)
                    ok = cJSON_IsString(e) || cJSON_IsNull(e) || decode_fail(res, e, false, gopath, k, "string");
                break;
            case 'm':
                if (!cJSON_IsObject(v)) {
                    ok = decode_fail(res, v, false, gopath, k, kws[i].go);
                    break;
                }
                for (const cJSON *e = v->child; e && ok; e = e->next)
                    ok = decode_schema(e, co_buf_str(&p), res, depth + 1);
                break;
            case 'a':
                if (!cJSON_IsArray(v)) {
                    ok = decode_fail(res, v, false, gopath, k, kws[i].go);
                    break;
                }
                for (const cJSON *e = v->child; e && ok; e = e->next)
                    ok = decode_schema(e, co_buf_str(&p), res, depth + 1);
                break;
            case 'o': ok = decode_schema(v, co_buf_str(&p), res, depth + 1); break;
            case 'e': ok = cJSON_IsArray(v) || decode_fail(res, v, false, gopath, k, kws[i].go); break;
            }
            co_buf_free(&p);
            if (!ok)
                return false;
            break;
        }
    }
    return true;
}

enum level { L_ROOT, L_ITEM, L_FIELD };

typedef struct {
    fa_schema_result *structural; /* ValidateStructural's errors, sorted afterwards */
    fa_schema_result *openapi;    /* ValidateCustomResourceDefinitionOpenAPISchema's */
} crd_ctx;

static void crd_err(fa_schema_result *res, const co_buf *path, const char *child, const char *reason,
                    const char *detail)
{
    co_buf f = {0};
    co_buf_printf(&f, "%s%s%s", co_buf_str(path), child ? "." : "", child ? child : "");
    add_error(res, co_buf_take(&f), reason, strdup(detail));
}

static void crd_err_value(fa_schema_result *res, const co_buf *path, const char *child, const char *value,
                          const char *msg)
{
    co_buf d = {0};
    co_buf_adds(&d, "Invalid value: ");
    go_quote(&d, value);
    co_buf_printf(&d, ": %s", msg);
    co_buf f = {0};
    co_buf_printf(&f, "%s.%s", co_buf_str(path), child);
    add_error(res, co_buf_take(&f), "FieldValueInvalid", co_buf_take(&d));
}

static void crd_walk(crd_ctx *c, const cJSON *s, enum level lvl, co_buf *path, int depth)
{
    if (!cJSON_IsObject(s) || depth > FA_SCHEMA_MAX_DEPTH)
        return;
    size_t mark = path->len;
    const char *type = kw_str(s, "type");
    if (!type)
        type = "";
    bool ios = int_or_string(s), pres = preserves(s), emb = embedded(s);
    const cJSON *items = items_of(s), *props = kw(s, "properties"), *ap;
    bool ap_present = has_ap(s, &ap, NULL);
    bool has_props = cJSON_IsObject(props) && props->child;

    /* structural invariants */
    if (!strcmp(type, "array") && !items)
        crd_err(c->structural, path, "items", "FieldValueRequired", "Required value: must be specified");
    if (ap_present && lvl == L_ROOT)
        crd_err(c->structural, path, "additionalProperties", "FieldValueForbidden", "Forbidden: must not be used at the root");
    if (ios && kw(s, "x-kubernetes-preserve-unknown-fields") && pres)
        crd_err(c->structural, path, "x-kubernetes-preserve-unknown-fields", "FieldValueInvalid",
                "Invalid value: true: must be false if x-kubernetes-int-or-string is true");
    if (ios && emb)
        crd_err(c->structural, path, "x-kubernetes-embedded-resource", "FieldValueInvalid",
                "Invalid value: true: must be false if x-kubernetes-int-or-string is true");
    if (emb && strcmp(type, "object")) {
        if (!*type)
            crd_err(c->structural, path, "type", "FieldValueRequired",
                    "Required value: must be object if x-kubernetes-embedded-resource is true");
        else
            crd_err_value(c->structural, path, "type", type, "must be object if x-kubernetes-embedded-resource is true");
    } else if (!*type && !ios && !pres) {
        static const char *const why[] = {"Required value: must not be empty at the root",
                                          "Required value: must not be empty for specified array items",
                                          "Required value: must not be empty for specified object fields"};
        crd_err(c->structural, path, "type", "FieldValueRequired", why[lvl]);
    }
    if (emb && ap_present)
        crd_err(c->structural, path, "additionalProperties", "FieldValueForbidden",
                "Forbidden: must not be used if x-kubernetes-embedded-resource is set");
    if (lvl == L_ROOT && *type && strcmp(type, "object"))
        crd_err_value(c->structural, path, "type", type, "must be object at the root");
    bool check_meta = lvl == L_ROOT || emb;
    static const char *const tm[] = {"kind", "apiVersion"};
    for (int i = 0; i < 2 && check_meta; i++) {
        const cJSON *p = prop(s, tm[i]);
        const char *pt = kw_str(p, "type");
        if (p && (!pt || strcmp(pt, "string"))) {
            char child[64];
            snprintf(child, sizeof child, "properties[%s].type", tm[i]);
            crd_err_value(c->structural, path, child, pt ? pt : "", "must be string");
        }
    }
    const cJSON *meta = prop(s, "metadata");
    if (meta) {
        const char *mt = kw_str(meta, "type");
        if (check_meta && (!mt || strcmp(mt, "object")))
            crd_err_value(c->structural, path, "properties[metadata].type", mt ? mt : "", "must be object");
        if (lvl == L_ROOT) {
            bool other = false;
            for (const cJSON *k = cJSON_IsObject(meta) ? meta->child : NULL; k; k = k->next) {
                static const char *const ignored[] = {"type", "default", "example", "externalDocs", "id", "$schema", NULL};
                if (!k->string || in_list(ignored, k->string))
                    continue;
                if (!strcmp(k->string, "properties") && cJSON_IsObject(k)) {
                    for (const cJSON *q = k->child; q; q = q->next)
                        other |= !q->string || (strcmp(q->string, "name") && strcmp(q->string, "generateName"));
                    continue;
                }
                other = true;
            }
            if (other)
                crd_err(c->structural, path, "properties[metadata]", "FieldValueForbidden",
                        "Forbidden: must not specify anything other than name and generateName, but metadata is "
                        "implicitly specified");
        }
    }
    if (emb && !pres && !has_props)
        crd_err(c->structural, path, "properties", "FieldValueRequired",
                "Required value: must not be empty if x-kubernetes-embedded-resource is true without "
                "x-kubernetes-preserve-unknown-fields");

    /* OpenAPI schema rules */
    static const char *const known[] = {"array", "boolean", "integer", "number", "object", "string", NULL};
    if (*type && !in_list(known, type)) {
        co_buf d = {0};
        co_buf_adds(&d, "Unsupported value: ");
        go_quote(&d, type);
        co_buf_adds(&d, ": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\"");
        crd_err(c->openapi, path, "type", "FieldValueNotSupported", co_buf_str(&d));
        co_buf_free(&d);
    }
    if (!strcmp(type, "null"))
        crd_err(c->openapi, path, "type", "FieldValueForbidden",
                "Forbidden: type cannot be set to null, use nullable as an alternative");
    if (kw_true(s, "uniqueItems"))
        crd_err(c->openapi, path, "uniqueItems", "FieldValueForbidden",
                "Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic");
    if (ap_present && has_props) {
        bool allows = true;
        has_ap(s, &ap, &allows);
        if (!allows || ap)
            crd_err(c->openapi, path, "additionalProperties", "FieldValueForbidden",
                    "Forbidden: additionalProperties and properties are mutual exclusive");
    }
    if (cJSON_IsArray(kw(s, "items")))
        crd_err(c->openapi, path, "items", "FieldValueForbidden", "Forbidden: items must be a schema object and not an array");
    if (cJSON_IsFalse(kw(s, "x-kubernetes-preserve-unknown-fields")))
        crd_err(c->openapi, path, "x-kubernetes-preserve-unknown-fields", "FieldValueInvalid",
                "Invalid value: false: must be true or undefined");
    if (lvl == L_ROOT && nullable(s))
        crd_err(c->openapi, path, "nullable", "FieldValueForbidden", "Forbidden: nullable cannot be true at the root");

    /* children */
    if (items) {
        co_buf_adds(path, ".items");
        crd_walk(c, items, L_ITEM, path, depth + 1);
        co_buf_truncate(path, mark);
    }
    for (const cJSON *p = cJSON_IsObject(props) ? props->child : NULL; p; p = p->next) {
        co_buf_printf(path, ".properties[%s]", p->string ? p->string : "");
        crd_walk(c, p, L_FIELD, path, depth + 1);
        co_buf_truncate(path, mark);
    }
    if (ap) {
        co_buf_adds(path, ".additionalProperties");
        crd_walk(c, ap, L_FIELD, path, depth + 1);
        co_buf_truncate(path, mark);
    }
}

/* while sorting, detail holds the whole Error() text ("field: detail") */
static int cmp_error(const void *a, const void *b)
{
    const fa_schema_error *x = a, *y = b;
    return strcmp(x->detail, y->detail);
}

void fa_schema_check_crd(const cJSON *schema, const char *path, fa_schema_result *res)
{
    if (!schema || cJSON_IsNull(schema))
        return;
    /* the Go struct path of openAPIV3Schema (fields only, no indexes) */
    co_buf gp = {0};
    for (const char *p = path; *p; p++) {
        if (*p == '[') {
            const char *e = strchr(p, ']');
            if (!e)
                break;
            p = e;
            continue;
        }
        co_buf_addc(&gp, *p);
    }
    bool ok = decode_schema(schema, co_buf_str(&gp), res, 0);
    co_buf_free(&gp);
    if (!ok)
        return;
    fa_schema_result structural = {0}, openapi = {0};
    crd_ctx c = {&structural, &openapi};
    co_buf p = {0};
    co_buf_adds(&p, path);
    crd_walk(&c, schema, L_ROOT, &p, 0);
    co_buf_free(&p);
    /* ValidateStructural sorts its errors by Error() ("field: detail") */
    if (structural.nerrors > 1) {
        for (size_t i = 0; i < structural.nerrors; i++) { /* sort on the full text */
            co_buf t = {0};
            co_buf_printf(&t, "%s: %s", structural.errors[i].field, structural.errors[i].detail);
            char *full = co_buf_take(&t);
            free(structural.errors[i].detail);
            structural.errors[i].detail = full;
        }
        qsort(structural.errors, structural.nerrors, sizeof *structural.errors, cmp_error);
        for (size_t i = 0; i < structural.nerrors; i++) {
            char *full = structural.errors[i].detail;
            structural.errors[i].detail = strdup(full + strlen(structural.errors[i].field) + 2);
            free(full);
        }
    }
    fa_schema_result *parts[] = {&structural, &openapi};
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < parts[k]->nerrors; i++)
            add_error(res, parts[k]->errors[i].field, parts[k]->errors[i].reason, parts[k]->errors[i].detail);
        parts[k]->nerrors = 0;
        fa_schema_result_free(parts[k]);
    }
}

/* ---- the aggregate message ---- */

char *fa_schema_aggregate(const fa_schema_result *res)
{
    co_buf b = {0};
    size_t shown = 0;
    for (size_t i = 0; i < res->nerrors; i++) {
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            dup = !strcmp(res->errors[i].field, res->errors[j].field) &&
                  !strcmp(res->errors[i].detail, res->errors[j].detail);
        if (dup)
            continue;
        if (shown++)
            co_buf_adds(&b, ", ");
        co_buf_printf(&b, "%s: %s", res->errors[i].field, res->errors[i].detail);
    }
    if (shown > 1) {
        co_buf o = {0};
        co_buf_printf(&o, "[%s]", co_buf_str(&b));
        co_buf_free(&b);
        return co_buf_take(&o);
    }
    return co_buf_take(&b);
}
