/* match.c: the scenario format's matching rules (SCENARIOS.md "Matching"): partial matching of an
 * expected object against an actual one, the closeness score used to pick the closest actual
 * object, the field-by-field difference printed on failure, and duration parsing.
 *
 * Lists are the hard part: every expected element must match a DISTINCT actual element, in any
 * order. A greedy scan is wrong (expected [{a:1},{a:1,b:2}] against actual [{a:1,b:2},{a:1}]
 * would spend the first actual element on the first expected one), so all three entry points
 * solve an assignment problem over an expected x actual weight matrix with the Hungarian
 * algorithm: O(k^3) for k = max(#expected, #actual), exact, and independent of how the
 * elements happen to be ordered. Scenario lists are small, so the matrix is cheap. */
#include "scenarios/runner/match.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"

/* Longest value shown in a difference line; longer ones end in "...". */
#define DIFF_VALUE_MAX 200

/* Allocation failure aborts, as in common/buf.c: nothing useful can follow it. */
static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

/* The elements of a cJSON array as a vector, for O(1) indexing (cJSON arrays are linked lists). */
static const cJSON **elements(const cJSON *arr, int *n)
{
    *n = cJSON_GetArraySize(arr);
    const cJSON **v = xcalloc((size_t)*n, sizeof *v);
    int i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, arr) v[i++] = c;
    return v;
}

/* Maximum-weight assignment of n rows (expected elements) to m columns (actual elements), each
 * column used at most once; w is n*m, row-major, weights >= 0. Sets assign[i] to the column of
 * row i, or -1 when the row got none (possible only when n > m). Returns the total weight.
 * The Hungarian algorithm (potentials form) minimises cost, so cost = -weight; when n > m the
 * matrix is padded with zero-weight dummy columns, which stand for "unassigned". */
static long long best_assignment(int n, int m, const long long *w, int *assign)
{
    int k = n > m ? n : m; /* columns, dummies included; rows <= columns as the algorithm needs */
    /* 1-based as in the textbook formulation: p[j] is the row owning column j, p[0] the row
     * being inserted; way[] remembers the alternating path. */
    long long *u = xcalloc((size_t)n + 1, sizeof *u), *v = xcalloc((size_t)k + 1, sizeof *v);
    long long *minv = xcalloc((size_t)k + 1, sizeof *minv);
    int *p = xcalloc((size_t)k + 1, sizeof *p), *way = xcalloc((size_t)k + 1, sizeof *way);
    char *used = xcalloc((size_t)k + 1, 1);
    for (int i = 1; i <= n; i++) {
        p[0] = i;
        int j0 = 0;
        for (int j = 0; j <= k; j++) {
            minv[j] = LLONG_MAX;
            used[j] = 0;
        }
        do {
            used[j0] = 1;
            int i0 = p[j0], j1 = 0;
            long long delta = LLONG_MAX;
            for (int j = 1; j <= k; j++) {
                if (used[j])
                    continue;
                long long cost = j <= m ? -w[(size_t)(i0 - 1) * (size_t)m + (size_t)(j - 1)] : 0;
                long long cur = cost - u[i0] - v[j];
                if (cur < minv[j]) {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if (minv[j] < delta) {
                    delta = minv[j];
                    j1 = j;
                }
            }
            for (int j = 0; j <= k; j++) {
                if (used[j]) {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
        } while (p[j0] != 0);
        do {
            int j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0);
    }
    long long total = 0;
    for (int i = 0; i < n; i++)
        assign[i] = -1;
    for (int j = 1; j <= m; j++) {
        if (p[j] > 0) {
            assign[p[j] - 1] = j - 1;
            total += w[(size_t)(p[j] - 1) * (size_t)m + (size_t)(j - 1)];
        }
    }
    free(u);
    free(v);
    free(minv);
    free(p);
    free(way);
    free(used);
    return total;
}

/* ---- matching ---- */

static bool match_list(const cJSON *expected, const cJSON *actual)
{
    int n, m;
    const cJSON **e = elements(expected, &n), **a = elements(actual, &m);
    bool ok = n <= m; /* each expected element needs its own actual element */
    if (ok && n > 0) {
        long long *w = xcalloc((size_t)n * (size_t)m, sizeof *w);
        int *assign = xcalloc((size_t)n, sizeof *assign);
        for (int i = 0; i < n && ok; i++) {
            bool any = false;
            for (int j = 0; j < m; j++) {
                w[(size_t)i * (size_t)m + (size_t)j] = sc_match(e[i], a[j]);
                any |= w[(size_t)i * (size_t)m + (size_t)j] != 0;
            }
            ok = any; /* an element that matches nothing fails the list without the assignment */
        }
        /* A perfect matching exists exactly when the maximum 0/1 assignment covers every row. */
        if (ok)
            ok = best_assignment(n, m, w, assign) == n;
        free(w);
        free(assign);
    }
    free(e);
    free(a);
    return ok;
}

bool sc_match(const cJSON *expected, const cJSON *actual)
{
    if (!expected) /* nothing expected */
        return true;
    if (cJSON_IsNull(expected))
        return !actual || cJSON_IsNull(actual);
    if (!actual)
        return false;
    if (cJSON_IsObject(expected)) {
        /* Per the contract an expected map needs an actual map, even when all its values are
         * null: {annotations: {x: null}} does not match an object without annotations. */
        if (!cJSON_IsObject(actual))
            return false;
        const cJSON *c;
        cJSON_ArrayForEach(c, expected)
        {
            if (!sc_match(c, cJSON_GetObjectItemCaseSensitive(actual, c->string)))
                return false;
        }
        return true;
    }
    if (cJSON_IsArray(expected))
        return cJSON_IsArray(actual) && match_list(expected, actual);
    /* Scalars: same JSON type and equal value; no coercion. Numbers compare as doubles, so
     * YAML 1 and 1.0 are equal. */
    if (cJSON_IsNumber(expected))
        return cJSON_IsNumber(actual) && expected->valuedouble == actual->valuedouble;
    if (cJSON_IsBool(expected))
        return cJSON_IsBool(actual) && cJSON_IsTrue(expected) == cJSON_IsTrue(actual);
    if (cJSON_IsString(expected))
        return cJSON_IsString(actual) && expected->valuestring && actual->valuestring &&
               strcmp(expected->valuestring, actual->valuestring) == 0;
    return cJSON_Compare(expected, actual, true); /* raw values: never produced by our parsers */
}

/* ---- score ---- */

static int list_score(const cJSON *expected, const cJSON *actual)
{
    int n, m;
    const cJSON **e = elements(expected, &n), **a = elements(actual, &m);
    long long total = 0;
    if (n > 0 && m > 0) {
        long long *w = xcalloc((size_t)n * (size_t)m, sizeof *w);
        int *assign = xcalloc((size_t)n, sizeof *assign);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                w[(size_t)i * (size_t)m + (size_t)j] = sc_match_score(e[i], a[j]);
        total = best_assignment(n, m, w, assign);
        free(w);
        free(assign);
    }
    free(e);
    free(a);
    return (int)total;
}

/* Scores mirror sc_match: a leaf scores 1 where sc_match would accept it, and a container whose
 * actual counterpart has the wrong shape scores 0 (its leaves cannot match there). So a match
 * scores every leaf, and a nearer miss scores more than a farther one. */
int sc_match_score(const cJSON *expected, const cJSON *actual)
{
    if (!expected)
        return 0;
    if (cJSON_IsObject(expected)) {
        if (!cJSON_IsObject(actual))
            return 0;
        int s = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, expected) s += sc_match_score(c, cJSON_GetObjectItemCaseSensitive(actual, c->string));
        return s;
    }
    if (cJSON_IsArray(expected))
        return cJSON_IsArray(actual) ? list_score(expected, actual) : 0;
    return sc_match(expected, actual) ? 1 : 0;
}

/* ---- difference ---- */

static int count_leaves(const cJSON *v)
{
    if (!v)
        return 0;
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        int n = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, v) n += count_leaves(c);
        return n;
    }
    return 1;
}

/* Appends v as compact JSON, cut to DIFF_VALUE_MAX bytes (at a UTF-8 character boundary). */
static void add_value(co_buf *out, const cJSON *v)
{
    char *s = cJSON_PrintUnformatted(v);
    if (!s) {
        co_buf_adds(out, "?");
        return;
    }
    size_t len = strlen(s);
    if (len > DIFF_VALUE_MAX) {
        size_t cut = DIFF_VALUE_MAX - 3;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) /* inside a multi-byte char */
            cut--;
        co_buf_add(out, s, cut);
        co_buf_adds(out, "...");
    } else {
        co_buf_add(out, s, len);
    }
    free(s);
}

/* "  <path>: " — or just "  " at the top level, where there is no path to name. */
static void line_start(co_buf *out, const co_buf *path)
{
    if (path->len)
        co_buf_printf(out, "  %s: ", path->data);
    else
        co_buf_adds(out, "  ");
}

/* One "expected X, got Y" line; got "nothing" when the actual value is absent. */
static int mismatch(co_buf *out, const co_buf *path, const cJSON *expected, const cJSON *actual)
{
    if (!out)
        return 1;
    line_start(out, path);
    co_buf_adds(out, "expected ");
    add_value(out, expected);
    co_buf_adds(out, ", got ");
    if (actual)
        add_value(out, actual);
    else
        co_buf_adds(out, "nothing");
    co_buf_adds(out, "\n");
    return 1;
}

static void path_truncate(co_buf *path, size_t len)
{
    path->len = len;
    if (path->data)
        path->data[len] = 0;
}

/* Map keys join with '.', except keys that would make the path ambiguous or unreadable (the
 * dots of annotation names such as nginx.ingress.kubernetes.io/canary-weight, brackets,
 * spaces, the empty key): those are written as ["key"]. */
static void path_add_key(co_buf *path, const char *key)
{
    bool plain = *key && !strpbrk(key, ".[]\" \t\n");
    if (plain) {
        if (path->len)
            co_buf_adds(path, ".");
        co_buf_adds(path, key);
    } else {
        co_buf_adds(path, "[");
        co_buf_json_str(path, key);
        co_buf_adds(path, "]");
    }
}

/* The key that names a list element the way Kubernetes lists are keyed: conditions by "type",
 * containers, ports, env and volumes by "name". NULL when the element has neither as a string. */
static const char *identity_key(const cJSON *e)
{
    if (!cJSON_IsObject(e))
        return NULL;
    if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "type")))
        return "type";
    if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "name")))
        return "name";
    return NULL;
}

static int diff_at(const cJSON *expected, const cJSON *actual, co_buf *path, co_buf *out);

/* Pairs expected with actual elements so that (1) as many expected elements as possible match
 * fully — whatever sc_match accepts is never reported — and then (2) the remaining ones sit on
 * their closest actual element. One weighted assignment does both: a full match weighs
 * `bonus` (more than all partial scores together) plus its score; a partial match weighs its
 * score. An actual element whose identity key differs (another condition type, another
 * container name) weighs 0: showing "type: expected Paused, got Available" would only mislead.
 * An expected element with no actual element of positive weight at all is reported as "no
 * element matches". */
static int diff_list(const cJSON *expected, const cJSON *actual, co_buf *path, co_buf *out)
{
    int n, m, count = 0;
    const cJSON **e = elements(expected, &n), **a = elements(actual, &m);
    long long *w = xcalloc((size_t)n * (size_t)(m ? m : 1), sizeof *w);
    bool *full = xcalloc((size_t)n * (size_t)(m ? m : 1), sizeof *full);
    int *assign = xcalloc((size_t)n, sizeof *assign);
    long long bonus = (long long)count_leaves(expected) + 1;
    for (int i = 0; i < n; i++) {
        const char *key = identity_key(e[i]);
        for (int j = 0; j < m; j++) {
            size_t at = (size_t)i * (size_t)m + (size_t)j;
            full[at] = sc_match(e[i], a[j]);
            if (full[at])
                w[at] = bonus + sc_match_score(e[i], a[j]);
            else if (key && !sc_match(cJSON_GetObjectItemCaseSensitive(e[i], key),
                                      cJSON_GetObjectItemCaseSensitive(a[j], key)))
                w[at] = 0;
            else
                w[at] = sc_match_score(e[i], a[j]);
        }
    }
    if (m > 0)
        best_assignment(n, m, w, assign);
    else
        for (int i = 0; i < n; i++)
            assign[i] = -1;
    size_t base = path->len;
    for (int i = 0; i < n; i++) {
        int j = assign[i];
        size_t row = (size_t)i * (size_t)m;
        if (j >= 0 && full[row + (size_t)j])
            continue;
        if (j < 0 || w[row + (size_t)j] == 0) {
            /* Nothing close was left for this element: every close actual element serves
             * another expected one. Compare with the closest of them anyway (one that does not
             * match this element fully, or the comparison would print nothing): "c: expected 3,
             * got 4" says more than "no element matches". */
            j = -1;
            for (int k = 0; k < m; k++) {
                long long wk = w[row + (size_t)k];
                if (!full[row + (size_t)k] && wk > 0 && (j < 0 || wk > w[row + (size_t)j]))
                    j = k;
            }
        }
        if (j >= 0) {
            /* Name the element by its identity when it has one, else by its expected index. */
            const char *key = identity_key(e[i]);
            if (key)
                co_buf_printf(path, "[%s=%s]", key, cJSON_GetObjectItemCaseSensitive(e[i], key)->valuestring);
            else
                co_buf_printf(path, "[%d]", i);
            count += diff_at(e[i], a[j], path, out);
            path_truncate(path, base);
        } else {
            /* The list's own path: the element is shown whole, so a label would repeat it. */
            count++;
            if (out) {
                line_start(out, path);
                co_buf_adds(out, "no element matches ");
                add_value(out, e[i]);
                co_buf_adds(out, "\n");
            }
        }
    }
    free(e);
    free(a);
    free(w);
    free(full);
    free(assign);
    return count;
}

/* Mirrors sc_match: every place sc_match rejects gives at least one line, and nothing else does. */
static int diff_at(const cJSON *expected, const cJSON *actual, co_buf *path, co_buf *out)
{
    if (!expected)
        return 0;
    if (cJSON_IsObject(expected)) {
        /* A missing or non-map counterpart is one line for the whole map, not one per key. */
        if (!cJSON_IsObject(actual))
            return mismatch(out, path, expected, actual);
        int count = 0;
        size_t base = path->len;
        const cJSON *c;
        cJSON_ArrayForEach(c, expected)
        {
            path_add_key(path, c->string);
            count += diff_at(c, cJSON_GetObjectItemCaseSensitive(actual, c->string), path, out);
            path_truncate(path, base);
        }
        return count;
    }
    if (cJSON_IsArray(expected)) {
        if (!cJSON_IsArray(actual))
            return mismatch(out, path, expected, actual);
        return diff_list(expected, actual, path, out);
    }
    return sc_match(expected, actual) ? 0 : mismatch(out, path, expected, actual);
}

int sc_diff(const cJSON *expected, const cJSON *actual, co_buf *out)
{
    co_buf path = {0};
    co_buf_adds(&path, ""); /* path.data is never NULL below */
    int count = diff_at(expected, actual, &path, out);
    co_buf_free(&path);
    return count;
}

/* ---- durations ---- */

static int duration_error(const cJSON *v, char *err, size_t errlen, const char *why)
{
    if (!err || !errlen)
        return -1;
    co_buf b = {0};
    co_buf_adds(&b, "invalid duration ");
    if (v)
        add_value(&b, v);
    else
        co_buf_adds(&b, "(missing)");
    if (why)
        co_buf_printf(&b, ": %s", why);
    snprintf(err, errlen, "%s", b.data);
    co_buf_free(&b);
    return -1;
}

/* Seconds (possibly fractional, never negative) to whole milliseconds, rounded to nearest. */
static int seconds_to_ms(double seconds, int64_t *ms)
{
    double v = seconds * 1000.0;
    if (!isfinite(v) || v < 0 || v >= 9.2e18) /* 9.2e18 < INT64_MAX: the cast stays defined */
        return -1;
    *ms = (int64_t)(v + 0.5); /* v >= 0: round half up without libm */
    return 0;
}

/* A decimal number without sign or exponent: digits, optionally '.', optionally digits, with at
 * least one digit ("5", "1.5", ".5", "5."). Sets *end past it; 0 on success. strtod alone would
 * also take signs, exponents, hex, "inf" and "nan". */
static int parse_decimal(const char *s, const char **end, double *out)
{
    const char *p = s;
    int digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
    }
    if (!digits)
        return -1;
    char num[64];
    size_t n = (size_t)(p - s);
    if (n >= sizeof num) /* far beyond any representable duration */
        return -1;
    memcpy(num, s, n);
    num[n] = 0;
    *out = strtod(num, NULL);
    *end = p;
    return 0;
}

int sc_parse_duration(const cJSON *v, int64_t *ms, char *err, size_t errlen)
{
    if (cJSON_IsNumber(v)) {
        if (v->valuedouble < 0)
            return duration_error(v, err, errlen, "negative");
        if (seconds_to_ms(v->valuedouble, ms) != 0)
            return duration_error(v, err, errlen, "out of range");
        return 0;
    }
    if (!cJSON_IsString(v) || !v->valuestring)
        return duration_error(v, err, errlen, "expected a number of seconds or a string like \"30s\"");
    const char *s = v->valuestring;
    if (*s == '-')
        return duration_error(v, err, errlen, "negative");
    /* A bare number string is seconds, as a bare number is. */
    const char *p;
    double num;
    if (parse_decimal(s, &p, &num) == 0 && *p == 0) {
        if (seconds_to_ms(num, ms) != 0)
            return duration_error(v, err, errlen, "out of range");
        return 0;
    }
    /* Otherwise Go's time.ParseDuration syntax restricted to ms, s, m and h: one or more
     * <decimal><unit> pairs, in any order as Go allows. Summed in seconds, rounded once. */
    double seconds = 0;
    p = s;
    if (!*p)
        return duration_error(v, err, errlen, NULL);
    while (*p) {
        if (parse_decimal(p, &p, &num) != 0)
            return duration_error(v, err, errlen, NULL);
        double unit;
        if (p[0] == 'm' && p[1] == 's') /* before "m": "5ms" is milliseconds, not minutes */
            unit = 0.001, p += 2;
        else if (*p == 's')
            unit = 1, p++;
        else if (*p == 'm')
            unit = 60, p++;
        else if (*p == 'h')
            unit = 3600, p++;
        else
            return duration_error(v, err, errlen, *p ? "unknown unit (use ms, s, m or h)" : "missing unit");
        seconds += num * unit;
    }
    if (seconds_to_ms(seconds, ms) != 0)
        return duration_error(v, err, errlen, "out of range");
    return 0;
}
