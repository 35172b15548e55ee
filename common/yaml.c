/* yaml.c: owns YAML -> cJSON parsing and cJSON -> YAML emission on top of libyaml.
 *
 * Parsing walks libyaml's event stream with an explicit stack (no recursion on input depth) and
 * builds cJSON directly. Plain scalars are resolved like sigs.k8s.io/yaml (go-yaml v2) does,
 * with the deviations listed at resolve_plain(). Anchors, aliases (deep copies) and merge keys
 * are supported; depth and total node count are capped so hostile input gives an error, not a
 * crash or an explosion. Emission drives libyaml's emitter, choosing quoting so every string
 * reads back as the same string (with this parser and with go-yaml). */
#include "common/yaml.h"

#include <yaml.h>

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * Scalar resolution
 * ------------------------------------------------------------------------------------------- */

static bool eq_n(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

static bool in_list(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (eq_n(s, n, *words))
            return true;
    return false;
}

static const char *const null_words[] = {"", "~", "null", "Null", "NULL", NULL};
static const char *const true_words[] = {"true", "True", "TRUE", NULL};
static const char *const false_words[] = {"false", "False", "FALSE", NULL};
/* YAML 1.1 booleans that go-yaml v2 also accepts. We resolve them as strings when plain (see
 * resolve_plain) but accept them under an explicit !!bool tag and quote them when emitting. */
static const char *const true_words11[] = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", NULL};
static const char *const false_words11[] = {"n", "N", "no", "No", "NO", "off", "Off", "OFF", NULL};
/* Infinity and NaN: cJSON numbers cannot hold them (cJSON prints them as null), so they stay
 * strings even though go-yaml would produce floats. */
static const char *const special_float_words[] = {".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf",
                                                  "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", NULL};

/* Integer syntax of Go's strconv.ParseInt/ParseUint with base 0 (as go-yaml v2 uses): optional
 * sign, then 0x/0o/0b prefixes, a leading 0 meaning octal, or decimal. Magnitude must fit
 * int64 (negative) or uint64 (positive). Values above 2^53 lose precision as doubles. */
static bool parse_int(const char *p, size_t n, double *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (p[i] == '+' || p[i] == '-')) {
        neg = p[i] == '-';
        i++;
    }
    if (i >= n)
        return false;
    unsigned base = 10;
    if (p[i] == '0' && i + 1 < n) {
        char c = p[i + 1];
        if (c == 'x' || c == 'X') {
            base = 16;
            i += 2;
        } else if (c == 'o' || c == 'O') {
            base = 8;
            i += 2;
        } else if (c == 'b' || c == 'B') {
            base = 2;
            i += 2;
        } else {
            base = 8; /* legacy "0644" octal, as in file modes */
            i += 1;
        }
        if (i >= n)
            return false;
    }
    uint64_t v = 0;
    for (; i < n; i++) {
        unsigned d;
        char c = p[i];
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return false;
        if (d >= base || v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1u)
            return false;
        *out = v ? -(double)v : 0.0;
    } else {
        *out = (double)v;
    }
    return true;
}

/* go-yaml's float pattern ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ then strtod;
 * out-of-range values (would be +-Inf) are not floats. p is NUL-terminated at p[n]. */
static bool parse_float(const char *p, size_t n, double *out)
{
    size_t i = 0, d0;
#define DIGITS()                                   \
    do {                                           \
        d0 = i;                                    \
        while (i < n && p[i] >= '0' && p[i] <= '9') \
            i++;                                   \
    } while (0)
    if (i < n && (p[i] == '+' || p[i] == '-'))
        i++;
    if (i < n && p[i] == '.') {
        i++;
        DIGITS();
        if (i == d0)
            return false;
    } else {
        DIGITS();
        if (i == d0)
            return false;
        if (i < n && p[i] == '.') {
            i++;
            DIGITS();
        }
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-'))
            i++;
        DIGITS();
        if (i == d0)
            return false;
    }
#undef DIGITS
    if (i != n)
        return false;
    double v = strtod(p, NULL);
    if (isinf(v) || isnan(v))
        return false;
    *out = v;
    return true;
}

/* Number resolution in go-yaml v2 order: only for scalars starting with a sign, digit or '.';
 * underscores are dropped first (except after a leading '.', where go-yaml calls ParseFloat
 * directly); integer syntax, then float. *is_int tells which matched. */
static bool parse_number(const char *s, size_t n, double *out, bool *is_int)
{
    if (n == 0 || !strchr("+-.0123456789", s[0]))
        return false;
    char small[64];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf)
        return false;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_' || s[0] == '.')
            buf[m++] = s[i];
    buf[m] = '\0';
    bool ok = false;
    if (parse_int(buf, m, out)) {
        ok = true;
        *is_int = true;
    } else if (parse_float(buf, m, out)) {
        ok = true;
        *is_int = false;
    }
    if (buf != small)
        free(buf);
    return ok;
}

/* Resolve a plain (unquoted, untagged) scalar. As sigs.k8s.io/yaml/go-yaml v2 except:
 *  - only true/True/TRUE/false/False/FALSE are booleans (YAML 1.2 core, as the brief asks);
 *    go-yaml v2 also turns y/yes/on/n/no/off into booleans.
 *  - .inf/.nan stay strings (cJSON numbers cannot represent them).
 *  - timestamps stay strings (go-yaml v2 would reformat them as RFC 3339).
 *  - integers beyond 2^53 become the nearest double. */
static cJSON *resolve_plain(const char *s, size_t n)
{
    if (in_list(s, n, null_words))
        return cJSON_CreateNull();
    if (in_list(s, n, true_words))
        return cJSON_CreateTrue();
    if (in_list(s, n, false_words))
        return cJSON_CreateFalse();
    double d;
    bool is_int;
    if (parse_number(s, n, &d, &is_int))
        return cJSON_CreateNumber(d);
    return cJSON_CreateString(s);
}

/* Short tag of what a plain scalar resolves to, for error messages like go-yaml's. */
static const char *plain_kind(const char *s, size_t n)
{
    double d;
    bool is_int;
    if (in_list(s, n, null_words))
        return "!!null";
    if (in_list(s, n, true_words) || in_list(s, n, false_words))
        return "!!bool";
    if (parse_number(s, n, &d, &is_int))
        return is_int ? "!!int" : "!!float";
    return "!!str";
}

/* Render a double so that it reads back as the same number: integers without exponent (up to
 * 1e21), everything else with the shortest %g precision that round-trips. */
static void fmt_double(double d, char *buf, size_t len)
{
    if (isnan(d)) {
        snprintf(buf, len, ".nan");
    } else if (isinf(d)) {
        snprintf(buf, len, d > 0 ? ".inf" : "-.inf");
    } else if (d == 0 && signbit(d)) {
        snprintf(buf, len, "-0.0");
    } else if ((d < 0 ? -d : d) < 1e21 && ((d < 0 ? -d : d) >= 9007199254740992.0 || d == (double)(long long)d)) {
        /* integral (every double from 2^53 up is): plain digits. Written without floor()/fabs()
         * so the module needs no libm. */
        snprintf(buf, len, "%.0f", d);
    } else {
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, len, "%.*g", prec, d);
            if (strtod(buf, NULL) == d)
                break;
        }
    }
}

/* ---------------------------------------------------------------------------------------------
 * Parser state
 * ------------------------------------------------------------------------------------------- */

/* Open-addressing set of the keys already in a mapping (pointers to the cJSON children's own
 * key strings), so duplicate detection and merging stay linear on large maps. */
typedef struct {
    const char **slot;
    size_t cap, n;
} keyset;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static bool keyset_has(const keyset *ks, const char *k)
{
    if (!ks->cap)
        return false;
    for (size_t i = hash_str(k) & (ks->cap - 1);; i = (i + 1) & (ks->cap - 1)) {
        if (!ks->slot[i])
            return false;
        if (strcmp(ks->slot[i], k) == 0)
            return true;
    }
}

static bool keyset_add(keyset *ks, const char *k)
{
    if ((ks->n + 1) * 2 > ks->cap) {
        size_t ncap = ks->cap ? ks->cap * 2 : 16;
        const char **ns = calloc(ncap, sizeof *ns);
        if (!ns)
            return false;
        for (size_t j = 0; j < ks->cap; j++) {
            if (!ks->slot[j])
                continue;
            size_t i = hash_str(ks->slot[j]) & (ncap - 1);
            while (ns[i])
                i = (i + 1) & (ncap - 1);
            ns[i] = ks->slot[j];
        }
        free(ks->slot);
        ks->slot = ns;
        ks->cap = ncap;
    }
    size_t i = hash_str(k) & (ks->cap - 1);
    while (ks->slot[i])
        i = (i + 1) & (ks->cap - 1);
    ks->slot[i] = k;
    ks->n++;
    return true;
}

typedef struct {
    cJSON *node; /* the array or object being filled; owned until the frame is popped */
    bool is_map;
    char *anchor;
    yaml_mark_t mark;
    /* mappings only */
    char *key;          /* key waiting for its value, NULL when a key is expected next */
    bool merge_pending; /* the pending key was the merge key "<<" */
    cJSON *merges;      /* values of "<<" keys, merged when the mapping ends */
    keyset keys;
} frame;

typedef struct {
    char *name;
    cJSON *node; /* not owned: lives in the tree, in limbo, or in the document root */
} anchor;

typedef struct {
    frame *st;
    size_t depth, stcap;
    anchor *anchors;
    size_t nanchors, anchcap;
    /* Nodes that left the tree but may still be referenced by an anchor (anchored keys,
     * merge sources); freed at the end of the document. */
    cJSON *limbo;
    cJSON *root;
    bool root_blank; /* root is a bare empty plain scalar: an empty document */
    size_t nodes;    /* nodes created for the current document, copies included */
    cJSON *docs;
    char *err;
    size_t errlen;
} builder;

static bool fail_at(builder *b, yaml_mark_t m, const char *fmt, ...)
{
    if (!b->err || !b->errlen)
        return false;
    int w = snprintf(b->err, b->errlen, "line %zu, column %zu: ", m.line + 1, m.column + 1);
    if (w >= 0 && (size_t)w < b->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(b->err + w, b->errlen - (size_t)w, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool oom(builder *b, yaml_mark_t m) { return fail_at(b, m, "out of memory"); }

/* Count nodes and collection nesting of a subtree, stopping once the count exceeds limit.
 * Recursion is bounded: every tree we hold is at most YAML_MAX_DEPTH deep. */
static size_t measure(const cJSON *n, size_t limit, size_t *depth)
{
    size_t count = 1, maxd = 0;
    if (cJSON_IsArray(n) || cJSON_IsObject(n)) {
        for (const cJSON *c = n->child; c && count <= limit; c = c->next) {
            size_t d = 0;
            count += measure(c, limit - count, &d);
            if (d > maxd)
                maxd = d;
        }
        maxd++;
    }
    *depth = maxd;
    return count;
}

static bool charge(builder *b, size_t n, yaml_mark_t m)
{
    if (n > YAML_MAX_NODES - b->nodes)
        return fail_at(b, m, "document expands to more than %d nodes (alias bomb?)", YAML_MAX_NODES);
    b->nodes += n;
    return true;
}

static bool limbo_add(builder *b, cJSON *n, yaml_mark_t m)
{
    if (!b->limbo && !(b->limbo = cJSON_CreateArray())) {
        cJSON_Delete(n);
        return oom(b, m);
    }
    cJSON_AddItemToArray(b->limbo, n);
    return true;
}

/* Discard a node that is not part of the result; anchored ones must outlive their aliases. */
static bool dispose(builder *b, cJSON *n, bool anchored, yaml_mark_t m)
{
    if (anchored)
        return limbo_add(b, n, m);
    cJSON_Delete(n);
    return true;
}

static bool add_anchor(builder *b, const char *name, cJSON *node, yaml_mark_t m)
{
    if (b->nanchors == b->anchcap) {
        size_t ncap = b->anchcap ? b->anchcap * 2 : 8;
        anchor *na = realloc(b->anchors, ncap * sizeof *na);
        if (!na)
            return oom(b, m);
        b->anchors = na;
        b->anchcap = ncap;
    }
    char *copy = strdup(name);
    if (!copy)
        return oom(b, m);
    b->anchors[b->nanchors].name = copy;
    b->anchors[b->nanchors].node = node;
    b->nanchors++;
    return true;
}

static void clear_document(builder *b)
{
    for (size_t i = 0; i < b->nanchors; i++)
        free(b->anchors[i].name);
    b->nanchors = 0;
    cJSON_Delete(b->limbo);
    b->limbo = NULL;
    cJSON_Delete(b->root);
    b->root = NULL;
    b->root_blank = false;
    b->nodes = 0;
}

static void frame_release(frame *f)
{
    cJSON_Delete(f->node);
    cJSON_Delete(f->merges);
    free(f->anchor);
    free(f->key);
    free(f->keys.slot);
    memset(f, 0, sizeof *f);
}

/* JSON object keys are strings; scalar keys are converted like sigs.k8s.io/yaml does (numbers
 * in decimal, booleans as true/false). A null key has no string form: error. */
static char *key_string(const cJSON *n)
{
    char buf[64];
    if (cJSON_IsString(n))
        return strdup(n->valuestring ? n->valuestring : "");
    if (cJSON_IsTrue(n))
        return strdup("true");
    if (cJSON_IsFalse(n))
        return strdup("false");
    if (cJSON_IsNumber(n)) {
        fmt_double(n->valuedouble, buf, sizeof buf);
        return strdup(buf);
    }
    return NULL;
}

/* A finished node goes to its parent: the document root, the current sequence, or the current
 * mapping as key or value. */
static bool deliver(builder *b, cJSON *node, bool anchored, yaml_mark_t m, bool merge_key)
{
    if (b->depth == 0) {
        b->root = node;
        return true;
    }
    frame *f = &b->st[b->depth - 1];
    if (!f->is_map) {
        cJSON_AddItemToArray(f->node, node);
        return true;
    }
    if (!f->key && !f->merge_pending) {
        /* this node is a key */
        if (merge_key) {
            f->merge_pending = true;
            return dispose(b, node, anchored, m);
        }
        if (cJSON_IsArray(node) || cJSON_IsObject(node)) {
            bool seq = cJSON_IsArray(node);
            cJSON_Delete(node);
            return fail_at(b, m, "invalid map key: keys must be scalars, not a %s", seq ? "sequence" : "mapping");
        }
        if (cJSON_IsNull(node)) {
            cJSON_Delete(node);
            return fail_at(b, m, "invalid map key: null");
        }
        char *k = key_string(node);
        if (!dispose(b, node, anchored, m)) {
            free(k);
            return false;
        }
        if (!k)
            return oom(b, m);
        if (keyset_has(&f->keys, k)) {
            /* go-yaml v2 (strict) behaviour; being quiet about a silent overwrite would hide
             * mistakes in manifests. */
            bool r = fail_at(b, m, "key \"%s\" already set in map", k);
            free(k);
            return r;
        }
        f->key = k;
        return true;
    }
    if (f->merge_pending) {
        f->merge_pending = false;
        bool ok = cJSON_IsObject(node);
        if (cJSON_IsArray(node)) {
            ok = true;
            for (const cJSON *c = node->child; c; c = c->next)
                ok = ok && cJSON_IsObject(c);
        }
        if (!ok) {
            dispose(b, node, anchored, m);
            return fail_at(b, m, "map merge requires map or sequence of maps as the value");
        }
        if (!f->merges && !(f->merges = cJSON_CreateArray())) {
            dispose(b, node, anchored, m);
            return oom(b, m);
        }
        cJSON_AddItemToArray(f->merges, node);
        return true;
    }
    /* a value */
    if (!cJSON_AddItemToObject(f->node, f->key, node)) {
        cJSON_Delete(node);
        return oom(b, m);
    }
    free(f->key);
    f->key = NULL;
    if (!keyset_add(&f->keys, node->string))
        return oom(b, m);
    return true;
}

/* Explicit tags on scalars: the core-schema ones convert (with an error when the text does not
 * fit the tag), every other tag (!!binary, !!timestamp, "!", local tags) gives a string. */
static cJSON *tagged_scalar(builder *b, const char *tag, const char *v, size_t n, yaml_mark_t m, bool *bad)
{
    static const char pfx[] = "tag:yaml.org,2002:";
    const char *t = strncmp(tag, pfx, sizeof pfx - 1) == 0 ? tag + sizeof pfx - 1 : NULL;
    double d;
    bool is_int;
    if (t && strcmp(t, "null") == 0) {
        if (in_list(v, n, null_words))
            return cJSON_CreateNull();
    } else if (t && strcmp(t, "bool") == 0) {
        if (in_list(v, n, true_words) || in_list(v, n, true_words11))
            return cJSON_CreateTrue();
        if (in_list(v, n, false_words) || in_list(v, n, false_words11))
            return cJSON_CreateFalse();
    } else if (t && strcmp(t, "int") == 0) {
        if (parse_number(v, n, &d, &is_int) && is_int)
            return cJSON_CreateNumber(d);
    } else if (t && strcmp(t, "float") == 0) {
        if (parse_number(v, n, &d, &is_int))
            return cJSON_CreateNumber(d);
        if (in_list(v, n, special_float_words))
            return cJSON_CreateString(v); /* not representable in cJSON */
    } else {
        return cJSON_CreateString(v);
    }
    *bad = true;
    fail_at(b, m, "cannot decode %s `%.200s` as a !!%s", plain_kind(v, n), v, t);
    return NULL;
}

static bool on_scalar(builder *b, const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    const char *anch = (const char *)ev->data.scalar.anchor;
    bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    yaml_mark_t m = ev->start_mark;
    if (!charge(b, 1, m))
        return false;
    cJSON *node;
    bool bad = false;
    /* Note: a "\0" escape inside a quoted scalar truncates the cJSON string there. */
    if (tag)
        node = tagged_scalar(b, tag, v, n, m, &bad);
    else if (plain)
        node = resolve_plain(v, n);
    else
        node = cJSON_CreateString(v);
    if (!node)
        return bad ? false : oom(b, m);
    if (b->depth == 0 && plain && n == 0 && !tag && !anch)
        b->root_blank = true;
    if (anch && !add_anchor(b, anch, node, m)) {
        cJSON_Delete(node);
        return false;
    }
    return deliver(b, node, anch != NULL, m, plain && !tag && eq_n(v, n, "<<"));
}

static bool on_alias(builder *b, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    yaml_mark_t m = ev->start_mark;
    for (size_t i = 0; i < b->depth; i++)
        if (b->st[i].anchor && strcmp(b->st[i].anchor, name) == 0)
            return fail_at(b, m, "anchor '%s' value contains itself", name);
    const anchor *a = NULL;
    for (size_t i = b->nanchors; i-- > 0;)
        if (strcmp(b->anchors[i].name, name) == 0) {
            a = &b->anchors[i];
            break;
        }
    if (!a)
        return fail_at(b, m, "unknown anchor '%s' referenced", name);
    size_t depth;
    size_t cost = measure(a->node, YAML_MAX_NODES - b->nodes, &depth);
    if (!charge(b, cost, m))
        return false;
    if (b->depth + depth > YAML_MAX_DEPTH)
        return fail_at(b, m, "exceeded max depth of %d", YAML_MAX_DEPTH);
    cJSON *copy = cJSON_Duplicate(a->node, 1);
    if (!copy)
        return oom(b, m);
    return deliver(b, copy, false, m, false);
}

static bool on_start(builder *b, const yaml_event_t *ev, bool is_map)
{
    yaml_mark_t m = ev->start_mark;
    if (b->depth >= YAML_MAX_DEPTH)
        return fail_at(b, m, "exceeded max depth of %d", YAML_MAX_DEPTH);
    if (!charge(b, 1, m))
        return false;
    if (b->depth == b->stcap) {
        size_t ncap = b->stcap ? b->stcap * 2 : 16;
        frame *ns = realloc(b->st, ncap * sizeof *ns);
        if (!ns)
            return oom(b, m);
        b->st = ns;
        b->stcap = ncap;
    }
    frame *f = &b->st[b->depth];
    memset(f, 0, sizeof *f);
    const char *anch = (const char *)(is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor);
    f->is_map = is_map;
    f->mark = m;
    f->node = is_map ? cJSON_CreateObject() : cJSON_CreateArray();
    if (!f->node || (anch && !(f->anchor = strdup(anch)))) {
        frame_release(f);
        return oom(b, m);
    }
    b->depth++;
    return true;
}

/* Merge keys (https://yaml.org/type/merge.html): keys of the merged maps are added unless the
 * mapping has them explicitly; among several merged maps the earlier one wins. */
static bool merge_one(builder *b, frame *f, const cJSON *src)
{
    for (const cJSON *c = src->child; c; c = c->next) {
        if (!c->string || keyset_has(&f->keys, c->string))
            continue;
        size_t depth;
        if (!charge(b, measure(c, YAML_MAX_NODES - b->nodes, &depth), f->mark))
            return false;
        cJSON *copy = cJSON_Duplicate(c, 1);
        if (!copy)
            return oom(b, f->mark);
        if (!cJSON_AddItemToObject(f->node, c->string, copy)) {
            cJSON_Delete(copy);
            return oom(b, f->mark);
        }
        if (!keyset_add(&f->keys, copy->string))
            return oom(b, f->mark);
    }
    return true;
}

static bool on_end(builder *b, const yaml_event_t *ev)
{
    if (b->depth == 0) /* cannot happen with libyaml's well-formed event stream */
        return fail_at(b, ev->start_mark, "unbalanced end of collection");
    frame *f = &b->st[b->depth - 1];
    bool ok = true;
    if (f->merges) {
        for (const cJSON *src = f->merges->child; src && ok; src = src->next) {
            if (cJSON_IsObject(src))
                ok = merge_one(b, f, src);
            else
                for (const cJSON *e = src->child; e && ok; e = e->next)
                    ok = merge_one(b, f, e);
        }
        /* merge sources may contain anchored nodes: keep them until the document ends */
        cJSON *merges = f->merges;
        f->merges = NULL;
        if (!limbo_add(b, merges, f->mark))
            ok = false;
    }
    if (!ok)
        return false; /* frame still on the stack; the caller's cleanup frees it */
    cJSON *node = f->node;
    char *anch = f->anchor;
    yaml_mark_t m = f->mark;
    f->node = NULL;
    f->anchor = NULL;
    frame_release(f);
    b->depth--;
    bool anchored = anch != NULL;
    if (anch) {
        ok = add_anchor(b, anch, node, m);
        free(anch);
        if (!ok) {
            cJSON_Delete(node);
            return false;
        }
    }
    return deliver(b, node, anchored, m, false);
}

static void builder_free(builder *b)
{
    while (b->depth > 0)
        frame_release(&b->st[--b->depth]);
    free(b->st);
    clear_document(b);
    free(b->anchors);
    cJSON_Delete(b->docs);
}

/* libyaml reports reader errors (bad UTF-8, control characters) by byte offset only. */
static void offset_to_mark(const char *text, size_t len, size_t off, yaml_mark_t *m)
{
    m->line = 0;
    m->column = 0;
    for (size_t i = 0; i < off && i < len; i++) {
        if (text[i] == '\n') {
            m->line++;
            m->column = 0;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            m->column++;
        }
    }
}

static void parser_error(builder *b, const yaml_parser_t *p, const char *text, size_t len)
{
    yaml_mark_t m = p->problem_mark;
    const char *problem = p->problem ? p->problem : "unknown error";
    switch (p->error) {
    case YAML_MEMORY_ERROR:
        fail_at(b, m, "out of memory");
        return;
    case YAML_READER_ERROR:
        offset_to_mark(text, len, p->problem_offset, &m);
        if (p->problem_value != -1)
            fail_at(b, m, "%s (byte #x%02X)", problem, (unsigned)p->problem_value & 0xFFu);
        else
            fail_at(b, m, "%s", problem);
        return;
    default:
        if (p->context)
            fail_at(b, m, "%s (%s at line %zu, column %zu)", problem, p->context, p->context_mark.line + 1,
                    p->context_mark.column + 1);
        else
            fail_at(b, m, "%s", problem);
    }
}

cJSON *yaml_parse_all(const char *text, size_t len, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    builder b = {.err = err, .errlen = errlen};
    yaml_mark_t zero = {0, 0, 0};
    if (!(b.docs = cJSON_CreateArray())) {
        oom(&b, zero);
        return NULL;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        oom(&b, zero);
        cJSON_Delete(b.docs);
        return NULL;
    }
    if (!text)
        len = 0;
    yaml_parser_set_input_string(&parser, (const unsigned char *)(text ? text : ""), len);

    bool ok = true, done = false;
    while (ok && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            parser_error(&b, &parser, text, len);
            ok = false;
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            clear_document(&b);
            break;
        case YAML_DOCUMENT_END_EVENT:
            if (b.root && !b.root_blank) {
                cJSON_AddItemToArray(b.docs, b.root);
                b.root = NULL;
            }
            clear_document(&b);
            break;
        case YAML_SCALAR_EVENT:
            ok = on_scalar(&b, &ev);
            break;
        case YAML_ALIAS_EVENT:
            ok = on_alias(&b, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
            ok = on_start(&b, &ev, false);
            break;
        case YAML_MAPPING_START_EVENT:
            ok = on_start(&b, &ev, true);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            ok = on_end(&b, &ev);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    cJSON *docs = NULL;
    if (ok) {
        docs = b.docs;
        b.docs = NULL;
    }
    builder_free(&b);
    return docs;
}

cJSON *yaml_parse_one(const char *text, size_t len, char *err, size_t errlen)
{
    cJSON *docs = yaml_parse_all(text, len, err, errlen);
    if (!docs)
        return NULL;
    int n = cJSON_GetArraySize(docs);
    cJSON *doc = NULL;
    if (n == 1)
        doc = cJSON_DetachItemFromArray(docs, 0);
    else if (err && errlen)
        snprintf(err, errlen, n == 0 ? "empty document" : "expected a single document, found %d", n);
    cJSON_Delete(docs);
    return doc;
}

/* ---------------------------------------------------------------------------------------------
 * Emitter
 * ------------------------------------------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t len, cap;
} outbuf;

static int write_cb(void *data, unsigned char *chunk, size_t size)
{
    outbuf *o = data;
    if (o->len + size + 1 > o->cap) {
        size_t ncap = o->cap ? o->cap : 256;
        while (o->len + size + 1 > ncap)
            ncap *= 2;
        char *nb = realloc(o->buf, ncap);
        if (!nb)
            return 0;
        o->buf = nb;
        o->cap = ncap;
    }
    memcpy(o->buf + o->len, chunk, size);
    o->len += size;
    o->buf[o->len] = '\0';
    return 1;
}

/* Length of the valid UTF-8 sequence at s (as strict as libyaml's emitter), 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

/* libyaml refuses to emit invalid UTF-8; such bytes become U+FFFD (go-yaml would switch to
 * !!binary instead). Returns NULL when s is already valid. */
static char *utf8_fix(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        size_t l = utf8_len(p + i);
        if (!l)
            break;
        i += l;
    }
    if (i == n)
        return NULL;
    char *out = malloc(n * 3 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (i = 0; i < n;) {
        size_t l = utf8_len(p + i);
        if (l) {
            memcpy(out + o, p + i, l);
            o += l;
            i += l;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    out[o] = '\0';
    return out;
}

/* Would a plain scalar with this text read back as something other than this string, here or
 * in another YAML 1.1/1.2 reader (go-yaml v2 in kubectl)? Then it gets double quotes. */
static bool needs_quotes(const char *s)
{
    size_t n = strlen(s);
    cJSON *r = resolve_plain(s, n);
    bool str = cJSON_IsString(r);
    cJSON_Delete(r);
    if (!str || eq_n(s, n, "<<") || in_list(s, n, true_words11) || in_list(s, n, false_words11) ||
        in_list(s, n, special_float_words) || eq_n(s, n, "="))
        return true;
    /* timestamps (YYYY-...) and YAML 1.1 sexagesimal numbers (1:20, -3:25:45.5) */
    if (n >= 5 && s[4] == '-' && strspn(s, "0123456789") == 4)
        return true;
    const char *d = s + (s[0] == '+' || s[0] == '-');
    if (*d >= '0' && *d <= '9' && strchr(d, ':') && strspn(d, "0123456789_:.") == strlen(d))
        return true;
    return false;
}

static bool emit_scalar(yaml_emitter_t *e, const char *s, int plain_implicit, yaml_scalar_style_t style)
{
    size_t n = strlen(s);
    if (n > INT32_MAX)
        return false;
    yaml_event_t ev;
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)s, (int)n, plain_implicit, 1,
                                      style))
        return false;
    return yaml_emitter_emit(e, &ev) != 0;
}

static bool emit_string(yaml_emitter_t *e, const char *s)
{
    char *fixed = utf8_fix(s);
    const char *v = fixed ? fixed : s;
    bool ok;
    if (needs_quotes(v) || strchr(v, '\r') || strstr(v, "\xC2\x85") || strstr(v, "\xE2\x80\xA8") ||
        strstr(v, "\xE2\x80\xA9")) {
        /* Also double quotes for line breaks other than \n, which a block scalar would
         * normalise to \n; double quotes escape them. */
        ok = emit_scalar(e, v, 0, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
    } else if (strchr(v, '\n')) {
        /* multi-line: literal block (libyaml falls back to double quotes where a block
         * scalar cannot represent the text, e.g. trailing spaces) */
        ok = emit_scalar(e, v, 0, YAML_LITERAL_SCALAR_STYLE);
    } else {
        /* plain if libyaml deems it safe, otherwise it picks single or double quotes itself
         * (": x", "- x", "#c", leading/trailing spaces, ...) */
        ok = emit_scalar(e, v, 1, YAML_PLAIN_SCALAR_STYLE);
    }
    free(fixed);
    return ok;
}

static bool emit_node(yaml_emitter_t *e, const cJSON *item, int depth)
{
    yaml_event_t ev;
    char buf[64];
    if (cJSON_IsArray(item) || cJSON_IsObject(item)) {
        if (depth >= YAML_MAX_DEPTH)
            return false;
        bool map = cJSON_IsObject(item);
        /* empty collections in flow style ({} / []) as kubectl prints them */
        int style = item->child ? 0 : 1;
        if (map)
            yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                                style ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
        else
            yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                                 style ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
        if (!yaml_emitter_emit(e, &ev))
            return false;
        for (const cJSON *c = item->child; c; c = c->next) {
            if (map && !emit_string(e, c->string ? c->string : ""))
                return false;
            if (!emit_node(e, c, depth + 1))
                return false;
        }
        if (map)
            yaml_mapping_end_event_initialize(&ev);
        else
            yaml_sequence_end_event_initialize(&ev);
        return yaml_emitter_emit(e, &ev) != 0;
    }
    if (cJSON_IsString(item) || cJSON_IsRaw(item))
        return emit_string(e, item->valuestring ? item->valuestring : "");
    if (cJSON_IsTrue(item))
        return emit_scalar(e, "true", 1, YAML_PLAIN_SCALAR_STYLE);
    if (cJSON_IsFalse(item))
        return emit_scalar(e, "false", 1, YAML_PLAIN_SCALAR_STYLE);
    if (cJSON_IsNumber(item)) {
        fmt_double(item->valuedouble, buf, sizeof buf);
        return emit_scalar(e, buf, 1, YAML_PLAIN_SCALAR_STYLE);
    }
    return emit_scalar(e, "null", 1, YAML_PLAIN_SCALAR_STYLE); /* null, invalid, NULL */
}

char *yaml_emit(const cJSON *doc)
{
    yaml_emitter_t e;
    yaml_event_t ev;
    outbuf out = {0};
    if (!yaml_emitter_initialize(&e))
        return NULL;
    yaml_emitter_set_output(&e, write_cb, &out);
    yaml_emitter_set_indent(&e, 2);
    yaml_emitter_set_width(&e, -1); /* never fold long lines */
    yaml_emitter_set_unicode(&e, 1);
    yaml_emitter_set_break(&e, YAML_LN_BREAK);
    bool ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) && yaml_emitter_emit(&e, &ev) &&
              yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) && yaml_emitter_emit(&e, &ev) &&
              emit_node(&e, doc, 0) && yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&e, &ev) &&
              yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&e, &ev) && yaml_emitter_flush(&e);
    yaml_emitter_delete(&e);
    if (!ok || !out.buf) {
        free(out.buf);
        return NULL;
    }
    return out.buf;
}
