/* protobuf.c: decodes request bodies sent as application/vnd.kubernetes.protobuf into the JSON
 * object the client would have sent as application/json.
 *
 * kubectl's generator commands (create namespace, configmap, secret, serviceaccount, deployment,
 * service, job, cronjob, ingress, role, clusterrole, rolebinding, clusterrolebinding, pdb) send
 * protobuf: the magic "k8s\0", then a runtime.Unknown envelope {1 typeMeta
 * {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType} whose raw bytes are the object's
 * own encoding (k8s.io/api generated.proto). The decoder has two layers:
 *
 *   - the wire layer reads varints, 64-bit, length-delimited and 32-bit values; it checks every
 *     length against what is left of the enclosing message, rejects groups and the undefined wire
 *     types, and limits nesting (PB_MAX_DEPTH);
 *   - the schema layer is one table per message type: {field number, JSON name, kind, Go shape},
 *     written from the field numbers of k8s.io/api and apimachinery's generated.proto and the JSON
 *     tags of their types.go. Field numbers a table does not list are skipped, as protobuf does.
 *
 * The output follows Go's encoding/json over the typed object, not protobuf presence. Go's
 * generated marshallers write every non-pointer field, set or not (an empty name, a zero port, an
 * empty spec), and a pointer field only when it is non-nil; so what a field looks like in JSON
 * depends on its Go shape, which the table records:
 *   - PF_PTR (a Go pointer): present on the wire -> its value, even a zero one; absent -> null,
 *     or omitted with PF_OMIT (omitempty);
 *   - a value scalar: its value, or the zero value when absent; omitted when zero with PF_OMIT;
 *   - a value struct (a message without PF_PTR; also Time, IntOrString, Quantity): always there,
 *     as omitempty never omits a struct: `"spec": {}`, `"creationTimestamp": null`;
 *   - PF_INLINE (an embedded struct, json:""): its members are spliced into the parent's;
 *   - PF_REP slices and maps: absent or empty -> null, or omitted with PF_OMIT. Map keys come out
 *     sorted, as Go prints them; members otherwise come in Go's declaration order.
 * Time is RFC 3339 seconds in UTC, null when its message is empty (the zero time); IntOrString is a
 * number or a string; Quantity is its string, checked against resource.ParseQuantity's grammar but
 * not canonicalised (Go clients already send the canonical form); bytes are standard base64. Go
 * prints invalid UTF-8 in strings as U+FFFD and so does this decoder; a NUL byte in a string is
 * rejected, as the JSON objects of this server are C strings.
 *
 * ObjectMeta.creationTimestamp comes out null when zero, as kubectl up to 1.32 prints it (1.33
 * made the field omitzero); the server sets it on create either way. Numbers are cJSON doubles, so
 * an int64 beyond 2^53 loses precision, as it does in a JSON body.
 *
 * Merging follows gogo-protobuf: a singular scalar field given twice keeps its last value, a
 * singular message field given twice is merged (its payloads are decoded as one), Time and
 * Quantity keep their last. */
#include "fakeapi/protobuf.h"

#include "common/buf.h"
#include "common/json.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than any Kubernetes object the tables describe (a Deployment's probe port is 9 levels). */
#define PB_MAX_DEPTH 32

/* JSON values one body may become. Protobuf is denser than JSON (an empty container is 2 bytes
 * and becomes {"name":"","resources":{}}), so without a bound a 3 MiB body could take seconds and
 * gigabytes; a JSON body of that size holds at most about 1.5 million values. */
#define PB_MAX_VALUES 1500000

/* ---------------------------------------------------------------------------------------------
 * Schema tables: types
 * ------------------------------------------------------------------------------------------- */

enum pb_kind {
    PK_STRING,    /* string */
    PK_BYTES,     /* bytes -> base64 */
    PK_INT32,     /* varint, truncated to 32 bits as Go does */
    PK_INT64,     /* varint */
    PK_BOOL,      /* varint != 0 */
    PK_MSG,       /* a message of type .msg */
    PK_MAP_STR,   /* map<string, string> */
    PK_MAP_BYTES, /* map<string, bytes>: base64 values */
    PK_MAP_QTY,   /* map<string, resource.Quantity> (ResourceList) */
    PK_MAP_TIME,  /* map<string, meta/v1.Time> */
    PK_INTSTR,    /* intstr.IntOrString {1 type, 2 intVal, 3 strVal} -> number or string */
    PK_QTY,       /* resource.Quantity {1 string} -> string */
    PK_TIME,      /* meta/v1.Time {1 seconds, 2 nanos} -> "2024-01-02T03:04:05Z" or null */
    PK_RAWJSON,   /* meta/v1.FieldsV1 {1 raw}: raw holds JSON, embedded as is */
};

enum {
    PF_REP = 1,    /* repeated: a Go slice */
    PF_OMIT = 2,   /* json:",omitempty" */
    PF_PTR = 4,    /* a Go pointer: only what is on the wire is set */
    PF_INLINE = 8, /* an embedded struct (json:""): its members belong to the parent */
};

struct pb_msg;
struct pb_field {
    uint32_t num;
    const char *json;
    uint8_t kind;  /* enum pb_kind */
    uint8_t flags; /* PF_* */
    const struct pb_msg *msg; /* PK_MSG only */
};
struct pb_msg {
    const char *name;
    const struct pb_field *fields;
    size_t nfields;
};

#define F(n, j, k, fl) {n, j, PK_##k, fl, NULL}
#define M(n, j, T, fl) {n, j, PK_MSG, fl, &pb_##T}
#define MSG(T) static const struct pb_msg pb_##T = {#T, T##_f, sizeof T##_f / sizeof T##_f[0]}

/* The envelope and the messages that become JSON scalars: read into slots, never printed as
 * objects. */
static const struct pb_field TypeMeta_f[] = {F(1, "apiVersion", STRING, 0), F(2, "kind", STRING, 0)};
MSG(TypeMeta);
static const struct pb_field Unknown_f[] = {
    M(1, "typeMeta", TypeMeta, 0),
    F(2, "raw", BYTES, 0),
    F(3, "contentEncoding", STRING, 0),
    F(4, "contentType", STRING, 0),
};
MSG(Unknown);
static const struct pb_field IntOrString_f[] = {
    F(1, "type", INT64, 0), F(2, "intVal", INT32, 0), F(3, "strVal", STRING, 0)};
MSG(IntOrString);
static const struct pb_field Quantity_f[] = {F(1, "string", STRING, 0)};
MSG(Quantity);
static const struct pb_field Timestamp_f[] = {F(1, "seconds", INT64, 0), F(2, "nanos", INT32, 0)};
MSG(Timestamp);
static const struct pb_field FieldsV1_f[] = {F(1, "Raw", BYTES, 0)};
MSG(FieldsV1);
static const struct pb_field MapEntry_f[] = {F(1, "key", STRING, 0), F(2, "value", BYTES, 0)};
MSG(MapEntry);

/* The Kubernetes kinds (defined at the end of this file). */
static const struct pb_msg *pb_lookup_kind(const char *api_version, const char *kind);

/* ---------------------------------------------------------------------------------------------
 * Errors: the first one wins, prefixed with the field path it happened at
 * ------------------------------------------------------------------------------------------- */

struct pb_ctx {
    char *err;
    size_t errlen;
    bool failed;
    char path[512]; /* "Deployment.spec.template.spec.containers[0].image" */
    size_t plen;
    size_t values; /* JSON values made so far (PB_MAX_VALUES) */
};

static void pb_fail(struct pb_ctx *c, const char *fmt, ...)
{
    if (c->failed)
        return;
    c->failed = true;
    if (!c->err || !c->errlen)
        return;
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "protobuf: %s: %s", c->path, what);
}

/* Appends ".name" (or "[i]" when name is NULL) to the path; returns the length to restore. It
 * runs for every field of every message, so the common case is a memcpy. */
static size_t pb_push(struct pb_ctx *c, const char *name, size_t index)
{
    size_t was = c->plen, room = sizeof c->path - c->plen, n = name ? strlen(name) : 0;
    if (name && n + 2 <= room) {
        c->path[c->plen] = '.';
        memcpy(c->path + c->plen + 1, name, n + 1);
        c->plen += n + 1;
        return was;
    }
    int w = name ? snprintf(c->path + c->plen, room, ".%s", name) : snprintf(c->path + c->plen, room, "[%zu]", index);
    if (w > 0)
        c->plen += (size_t)w < room ? (size_t)w : room - 1;
    return was;
}

static void pb_pop(struct pb_ctx *c, size_t was)
{
    c->plen = was;
    c->path[was] = '\0';
}

/* Wraps every cJSON value made: NULL means out of memory, or over PB_MAX_VALUES. */
static cJSON *pb_new(struct pb_ctx *c, cJSON *v)
{
    if (!v) {
        pb_fail(c, "out of memory");
        return NULL;
    }
    if (++c->values > PB_MAX_VALUES) {
        pb_fail(c, "the object has more than %d values", PB_MAX_VALUES);
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

/* ---------------------------------------------------------------------------------------------
 * Wire layer
 * ------------------------------------------------------------------------------------------- */

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_SGROUP = 3, WT_EGROUP = 4, WT_I32 = 5 };

struct pb_rd {
    const uint8_t *p, *end;
};

static bool rd_varint(struct pb_ctx *c, struct pb_rd *r, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (r->p >= r->end) {
            pb_fail(c, "unexpected end of data inside a varint");
            return false;
        }
        uint8_t b = *r->p++;
        if (shift == 63 && b > 1) { /* a tenth byte may only hold bit 63 */
            pb_fail(c, "varint overflows 64 bits");
            return false;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
    }
    *out = v;
    return true;
}

static bool rd_fixed(struct pb_ctx *c, struct pb_rd *r, unsigned size, uint64_t *out)
{
    if ((size_t)(r->end - r->p) < size) {
        pb_fail(c, "unexpected end of data: a %u-byte value needs more than the %zu bytes left", size,
                (size_t)(r->end - r->p));
        return false;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += size;
    *out = v;
    return true;
}

/* A length-delimited payload: its length is checked against the rest of the enclosing message. */
static bool rd_bytes(struct pb_ctx *c, struct pb_rd *r, const uint8_t **p, size_t *n)
{
    uint64_t len;
    if (!rd_varint(c, r, &len))
        return false;
    size_t left = (size_t)(r->end - r->p);
    if (len > left) {
        pb_fail(c, "unexpected end of data: length %llu exceeds the %zu bytes left", (unsigned long long)len,
                left);
        return false;
    }
    *p = r->p;
    *n = (size_t)len;
    r->p += len;
    return true;
}

static bool rd_tag(struct pb_ctx *c, struct pb_rd *r, uint32_t *num, unsigned *wt)
{
    uint64_t tag;
    if (!rd_varint(c, r, &tag))
        return false;
    *wt = (unsigned)(tag & 7);
    if (tag >> 3 == 0 || tag >> 3 > 0x1fffffff) {
        pb_fail(c, "invalid field number %llu", (unsigned long long)(tag >> 3));
        return false;
    }
    *num = (uint32_t)(tag >> 3);
    if (*wt == WT_SGROUP || *wt == WT_EGROUP) {
        pb_fail(c, "field %u: groups (wire type %u) are not supported", *num, *wt);
        return false;
    }
    if (*wt > WT_I32) {
        pb_fail(c, "field %u: invalid wire type %u", *num, *wt);
        return false;
    }
    return true;
}

/* Skips the value of a field no table lists. */
static bool rd_skip(struct pb_ctx *c, struct pb_rd *r, unsigned wt)
{
    uint64_t v;
    const uint8_t *p;
    size_t n;
    switch (wt) {
    case WT_VARINT: return rd_varint(c, r, &v);
    case WT_I64: return rd_fixed(c, r, 8, &v);
    case WT_LEN: return rd_bytes(c, r, &p, &n);
    default: return rd_fixed(c, r, 4, &v); /* WT_I32: rd_tag refused the others */
    }
}

/* ---------------------------------------------------------------------------------------------
 * Scalars as Go's encoding/json prints them
 * ------------------------------------------------------------------------------------------- */

/* A protobuf string as a NUL-terminated UTF-8 string (caller frees); NULL after an error. */
static char *pb_cstr(struct pb_ctx *c, const uint8_t *p, size_t n)
{
    if (n > (SIZE_MAX - 1) / 3) {
        pb_fail(c, "string too long");
        return NULL;
    }
    char *s = malloc(3 * n + 1), *o = s;
    if (!s) {
        pb_fail(c, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n;) {
        if (p[i] == 0) {
            pb_fail(c, "string contains a NUL byte at offset %zu", i);
            free(s);
            return NULL;
        }
        size_t l = co_utf8_seq(p + i, n - i);
        if (l) {
            memcpy(o, p + i, l);
            o += l;
            i += l;
        } else { /* one invalid byte -> U+FFFD, as Go's encoding/json does */
            memcpy(o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        }
    }
    *o = '\0';
    return s;
}

static cJSON *pb_string(struct pb_ctx *c, const uint8_t *p, size_t n)
{
    char *s = pb_cstr(c, p, n);
    if (!s)
        return NULL;
    cJSON *v = pb_new(c, cJSON_CreateString(s));
    free(s);
    return v;
}

/* bytes -> standard base64 with padding, as Go prints a []byte. */
static cJSON *pb_base64(struct pb_ctx *c, const uint8_t *p, size_t n)
{
    co_buf b = {0};
    co_buf_add_base64(&b, p, n);
    cJSON *v = pb_new(c, cJSON_CreateString(co_buf_str(&b)));
    co_buf_free(&b);
    return v;
}

/* resource.ParseQuantity's grammar: [+-] digits [. digits] then a suffix that is empty, a binary
 * SI suffix (Ki..Ei), a decimal one (n u m k M G T P E) or an exponent (e|E [+-] digits). Returns
 * Go's error text, or NULL when s is a quantity. */
static const char *qty_error(const char *s)
{
    static const char *format = "quantities must match the regular expression "
                                "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    if (!*s)
        return format;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    const char *suffix = p;
    while (*p && strchr("eEinumkKMGTP", *p))
        p++;
    size_t letters = (size_t)(p - suffix);
    if (*p == '+' || *p == '-')
        p++;
    const char *digits = p;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p)
        return format;
    static const char *const si[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E"};
    size_t slen = strlen(suffix);
    for (size_t i = 0; i < sizeof si / sizeof si[0]; i++)
        if (slen == strlen(si[i]) && !memcmp(suffix, si[i], slen))
            return NULL;
    /* an exponent: exactly one e/E, then an optionally signed non-empty integer */
    if (letters == 1 && (*suffix == 'e' || *suffix == 'E') && *digits)
        return NULL;
    return "unable to parse quantity's suffix";
}

/* 2024-01-02T03:04:05Z for seconds since the epoch (years 1-9999, as metav1.Timestamp allows). */
static bool format_time(int64_t secs, char out[80])
{
    if (secs < -62135596800LL || secs > 253402300799LL)
        return false;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400;
    /* civil-from-days over 400-year eras (Howard Hinnant's algorithm) */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    snprintf(out, 80, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, (int)m, (int)d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60));
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * Schema layer
 * ------------------------------------------------------------------------------------------- */

/* Every payload of a singular message field, in wire order: protobuf merges them. */
struct pb_seg {
    const uint8_t *p;
    size_t n;
    struct pb_seg *next;
};

/* What one scan found for one field of a table. */
struct pb_slot {
    bool present;
    uint64_t u;                 /* the last varint */
    const uint8_t *p;           /* the last length-delimited payload */
    size_t n;
    struct pb_seg *segs, *tail; /* PK_MSG and PK_INTSTR: every payload */
    cJSON *vals;                /* PF_REP: the elements; maps: the entries, in wire order */
    size_t count;               /* members of vals */
};

static void slots_free(struct pb_slot *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (struct pb_seg *g = s[i].segs, *next; g; g = next) {
            next = g->next;
            free(g);
        }
        cJSON_Delete(s[i].vals);
    }
    free(s);
}

static cJSON *pb_message(struct pb_ctx *c, const struct pb_msg *m, const struct pb_seg *segs, int depth);
static bool pb_scan(struct pb_ctx *c, const struct pb_msg *m, const struct pb_seg *segs, struct pb_slot *slots,
                    int depth);

/* Scans one payload of a small fixed message (Time, Quantity, a map entry, ...) into slots
 * (caller frees with slots_free). */
static struct pb_slot *pb_scan1(struct pb_ctx *c, const struct pb_msg *m, const uint8_t *p, size_t n, int depth)
{
    struct pb_slot *slots = calloc(m->nfields, sizeof *slots);
    if (!slots) {
        pb_fail(c, "out of memory");
        return NULL;
    }
    struct pb_seg seg = {p, n, NULL};
    if (!pb_scan(c, m, &seg, slots, depth)) {
        slots_free(slots, m->nfields);
        return NULL;
    }
    return slots;
}

/* IntOrString: a number (type 0) or a string (type 1). */
static cJSON *pb_intstr(struct pb_ctx *c, const struct pb_seg *segs, int depth)
{
    struct pb_slot *s = calloc(pb_IntOrString.nfields, sizeof *s);
    if (!s) {
        pb_fail(c, "out of memory");
        return NULL;
    }
    cJSON *v = NULL;
    if (pb_scan(c, &pb_IntOrString, segs, s, depth)) {
        int64_t type = (int64_t)s[0].u;
        if (type == 0)
            v = pb_new(c, cJSON_CreateNumber((int32_t)(uint32_t)s[1].u));
        else if (type == 1)
            v = pb_string(c, s[2].p, s[2].n);
        else
            pb_fail(c, "IntOrString type %lld is neither 0 (int) nor 1 (string)", (long long)type);
    }
    slots_free(s, pb_IntOrString.nfields);
    return v;
}

static cJSON *pb_quantity(struct pb_ctx *c, const uint8_t *p, size_t n, int depth)
{
    struct pb_slot *s = pb_scan1(c, &pb_Quantity, p, n, depth);
    if (!s)
        return NULL;
    cJSON *v = NULL;
    char *str = s[0].present ? pb_cstr(c, s[0].p, s[0].n) : NULL;
    if (!s[0].present)
        v = pb_new(c, cJSON_CreateString("0")); /* the zero Quantity */
    else if (str) {
        const char *e = qty_error(str);
        if (e)
            pb_fail(c, "%s", e);
        else
            v = pb_new(c, cJSON_CreateString(str));
    }
    free(str);
    slots_free(s, pb_Quantity.nfields);
    return v;
}

/* Time: an empty message is the zero time (null); otherwise its seconds (nanos are dropped, as
 * metav1.Time does). */
static cJSON *pb_time(struct pb_ctx *c, const uint8_t *p, size_t n, int depth)
{
    if (n == 0)
        return pb_new(c, cJSON_CreateNull());
    struct pb_slot *s = pb_scan1(c, &pb_Timestamp, p, n, depth);
    if (!s)
        return NULL;
    cJSON *v = NULL;
    char text[80]; /* room for what gcc cannot bound; 20 used */
    if (format_time((int64_t)s[0].u, text))
        v = pb_new(c, cJSON_CreateString(text));
    else
        pb_fail(c, "time %lld seconds is outside years 1-9999", (long long)(int64_t)s[0].u);
    slots_free(s, pb_Timestamp.nfields);
    return v;
}

/* FieldsV1: its raw bytes are JSON. */
static cJSON *pb_rawjson(struct pb_ctx *c, const uint8_t *p, size_t n, int depth)
{
    struct pb_slot *s = pb_scan1(c, &pb_FieldsV1, p, n, depth);
    if (!s)
        return NULL;
    cJSON *v = NULL;
    if (!s[0].n)
        v = pb_new(c, cJSON_CreateNull());
    else if (memchr(s[0].p, 0, s[0].n) || !(v = cj_parse((const char *)s[0].p, s[0].n)))
        pb_fail(c, "raw is not JSON");
    slots_free(s, pb_FieldsV1.nfields);
    return v;
}

/* One element of a repeated length-delimited field. */
static cJSON *pb_element(struct pb_ctx *c, const struct pb_field *f, const uint8_t *p, size_t n, int depth)
{
    struct pb_seg seg = {p, n, NULL};
    switch (f->kind) {
    case PK_STRING: return pb_string(c, p, n);
    case PK_BYTES: return pb_base64(c, p, n);
    case PK_MSG: return pb_message(c, f->msg, &seg, depth + 1);
    case PK_INTSTR: return pb_intstr(c, &seg, depth + 1);
    case PK_QTY: return pb_quantity(c, p, n, depth + 1);
    case PK_TIME: return pb_time(c, p, n, depth + 1);
    default: return pb_rawjson(c, p, n, depth + 1);
    }
}

/* One map entry {1 key, 2 value}, appended to the object `map` (pb_sort_map drops the values of a
 * key given again: looking each key up here would be quadratic). */
static bool pb_map_entry(struct pb_ctx *c, const struct pb_field *f, cJSON *map, const uint8_t *p, size_t n,
                         int depth)
{
    struct pb_slot *s = pb_scan1(c, &pb_MapEntry, p, n, depth + 1);
    if (!s)
        return false;
    char *key = pb_cstr(c, s[0].p, s[0].n);
    cJSON *v = NULL;
    if (key) {
        size_t was = pb_push(c, key, 0);
        if (f->kind == PK_MAP_STR)
            v = pb_string(c, s[1].p, s[1].n);
        else if (f->kind == PK_MAP_BYTES)
            v = pb_base64(c, s[1].p, s[1].n);
        else if (f->kind == PK_MAP_TIME)
            v = pb_time(c, s[1].p, s[1].n, depth + 1);
        else
            v = pb_quantity(c, s[1].p, s[1].n, depth + 1);
        pb_pop(c, was);
    }
    bool ok = false;
    if (v && !(ok = cJSON_AddItemToObject(map, key, v))) {
        pb_fail(c, "out of memory");
        cJSON_Delete(v);
    }
    free(key);
    slots_free(s, pb_MapEntry.nfields);
    return ok;
}

static const struct pb_field *pb_find(const struct pb_msg *m, uint32_t num, size_t *index)
{
    for (size_t i = 0; i < m->nfields; i++)
        if (m->fields[i].num == num) {
            *index = i;
            return &m->fields[i];
        }
    return NULL;
}

static bool is_varint_kind(uint8_t kind) { return kind == PK_INT32 || kind == PK_INT64 || kind == PK_BOOL; }

static bool is_map_kind(uint8_t kind)
{
    return kind == PK_MAP_STR || kind == PK_MAP_BYTES || kind == PK_MAP_QTY || kind == PK_MAP_TIME;
}

static cJSON *pb_varint_json(struct pb_ctx *c, uint8_t kind, uint64_t u)
{
    if (kind == PK_BOOL)
        return pb_new(c, cJSON_CreateBool(u != 0));
    if (kind == PK_INT32)
        return pb_new(c, cJSON_CreateNumber((int32_t)(uint32_t)u));
    return pb_new(c, cJSON_CreateNumber((double)(int64_t)u));
}

/* Appends a value to the array of a repeated field (created on first use). */
static bool pb_append(struct pb_ctx *c, struct pb_slot *s, cJSON *v)
{
    if (!v)
        return false;
    if (!s->vals && !(s->vals = pb_new(c, cJSON_CreateArray()))) {
        cJSON_Delete(v);
        return false;
    }
    cJSON_AddItemToArray(s->vals, v);
    s->count++;
    return true;
}

/* One field's value at r into its slot. */
static bool pb_scan_field(struct pb_ctx *c, const struct pb_field *f, unsigned wt, struct pb_rd *r,
                          struct pb_slot *s, int depth)
{
    uint64_t u;
    const uint8_t *p;
    size_t n;
    bool rep = f->flags & PF_REP;
    if (is_varint_kind(f->kind)) {
        if (wt == WT_VARINT) {
            if (!rd_varint(c, r, &u))
                return false;
            if (rep)
                return pb_append(c, s, pb_varint_json(c, f->kind, u));
            s->present = true;
            s->u = u;
            return true;
        }
        if (wt == WT_LEN && rep) { /* packed */
            if (!rd_bytes(c, r, &p, &n))
                return false;
            struct pb_rd in = {p, p + n};
            while (in.p < in.end)
                if (!rd_varint(c, &in, &u) || !pb_append(c, s, pb_varint_json(c, f->kind, u)))
                    return false;
            return true;
        }
        pb_fail(c, "wrong wire type %u for a varint field", wt);
        return false;
    }
    if (wt != WT_LEN) {
        pb_fail(c, "wrong wire type %u for a length-delimited field", wt);
        return false;
    }
    if (!rd_bytes(c, r, &p, &n))
        return false;
    if (is_map_kind(f->kind)) {
        if (!s->vals && !(s->vals = pb_new(c, cJSON_CreateObject())))
            return false;
        if (!pb_map_entry(c, f, s->vals, p, n, depth))
            return false;
        s->count++;
        return true;
    }
    if (rep) {
        size_t was = pb_push(c, NULL, s->count);
        bool ok = pb_append(c, s, pb_element(c, f, p, n, depth));
        pb_pop(c, was);
        return ok;
    }
    s->present = true;
    s->p = p;
    s->n = n;
    if (f->kind == PK_MSG || f->kind == PK_INTSTR) {
        struct pb_seg *g = malloc(sizeof *g);
        if (!g) {
            pb_fail(c, "out of memory");
            return false;
        }
        *g = (struct pb_seg){p, n, NULL};
        if (s->tail)
            s->tail->next = g;
        else
            s->segs = g;
        s->tail = g;
    }
    return true;
}

/* Reads every payload of a message into one slot per table field; unknown fields are skipped. */
static bool pb_scan(struct pb_ctx *c, const struct pb_msg *m, const struct pb_seg *segs, struct pb_slot *slots,
                    int depth)
{
    if (depth > PB_MAX_DEPTH) {
        pb_fail(c, "messages nested deeper than %d levels", PB_MAX_DEPTH);
        return false;
    }
    for (const struct pb_seg *g = segs; g; g = g->next) {
        if (!g->n)
            continue; /* p may be NULL: an absent payload */
        struct pb_rd r = {g->p, g->p + g->n};
        while (r.p < r.end) {
            uint32_t num;
            unsigned wt;
            size_t i;
            if (!rd_tag(c, &r, &num, &wt))
                return false;
            const struct pb_field *f = pb_find(m, num, &i);
            if (!f) {
                if (!rd_skip(c, &r, wt))
                    return false;
                continue;
            }
            size_t was = pb_push(c, f->json, 0);
            bool ok = pb_scan_field(c, f, wt, &r, &slots[i], depth);
            pb_pop(c, was);
            if (!ok)
                return false;
        }
    }
    return true;
}

struct pb_entry {
    cJSON *item;
    size_t order; /* on the wire */
};

static int entry_cmp(const void *a, const void *b)
{
    const struct pb_entry *x = a, *y = b;
    int c = strcmp(x->item->string, y->item->string);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* A map's n members sorted by key, as Go prints maps; of a key given more than once, the last
 * value stays, as in a Go map filled in wire order. */
static bool pb_sort_map(struct pb_ctx *c, cJSON *map, size_t n)
{
    struct pb_entry *e = malloc(n * sizeof *e);
    if (!e) {
        pb_fail(c, "out of memory");
        return false;
    }
    size_t i = 0;
    for (cJSON *m = map->child; m && i < n; m = m->next, i++)
        e[i] = (struct pb_entry){m, i};
    n = i;
    qsort(e, n, sizeof *e, entry_cmp);
    for (i = 0; i < n; i++)
        cJSON_DetachItemViaPointer(map, e[i].item);
    for (i = 0; i < n; i++) {
        if (i + 1 < n && !strcmp(e[i].item->string, e[i + 1].item->string))
            cJSON_Delete(e[i].item); /* a later value of the same key follows */
        else
            cJSON_AddItemToArray(map, e[i].item); /* keeps the member's name */
    }
    free(e);
    return true;
}

/* Adds field f's JSON to out, as Go's encoding/json prints the field (see the top of the file). */
static bool pb_emit(struct pb_ctx *c, cJSON *out, const struct pb_field *f, struct pb_slot *s, int depth)
{
    bool omit = f->flags & PF_OMIT;
    cJSON *v = NULL;
    bool container = (f->flags & PF_REP) || is_map_kind(f->kind);
    if (container) {
        if (s->vals && s->vals->child) {
            if (!(f->flags & PF_REP) && !pb_sort_map(c, s->vals, s->count))
                return false;
            v = s->vals;
            s->vals = NULL;
        } else if (omit)
            return true;
        else
            v = pb_new(c, cJSON_CreateNull());
    } else if ((f->flags & PF_PTR) && !s->present) {
        if (omit)
            return true;
        v = pb_new(c, cJSON_CreateNull());
    } else {
        bool ptr = f->flags & PF_PTR;
        switch (f->kind) {
        case PK_STRING:
            if (omit && !ptr && s->n == 0)
                return true;
            v = pb_string(c, s->p, s->n);
            break;
        case PK_BYTES: /* a []byte: nil when absent */
            if (omit && s->n == 0)
                return true;
            v = s->present ? pb_base64(c, s->p, s->n) : pb_new(c, cJSON_CreateNull());
            break;
        case PK_INT32:
        case PK_INT64:
        case PK_BOOL: {
            uint64_t u = f->kind == PK_INT32 ? (uint32_t)s->u : s->u;
            if (omit && !ptr && u == 0)
                return true;
            v = pb_varint_json(c, f->kind, s->u);
            break;
        }
        case PK_MSG:
            if (!(v = pb_message(c, f->msg, s->segs, depth + 1)))
                return false;
            if (f->flags & PF_INLINE) {
                while (v->child)
                    cJSON_AddItemToArray(out, cJSON_DetachItemViaPointer(v, v->child));
                cJSON_Delete(v);
                return true;
            }
            break;
        case PK_INTSTR:
            v = s->present ? pb_intstr(c, s->segs, depth + 1) : pb_new(c, cJSON_CreateNumber(0));
            break;
        case PK_QTY:
            v = s->present ? pb_quantity(c, s->p, s->n, depth + 1) : pb_new(c, cJSON_CreateString("0"));
            break;
        case PK_TIME:
            v = pb_time(c, s->p, s->n, depth + 1); /* absent: n == 0, the zero time */
            break;
        default: /* PK_RAWJSON */
            v = s->present ? pb_rawjson(c, s->p, s->n, depth + 1) : pb_new(c, cJSON_CreateNull());
            break;
        }
    }
    if (!v)
        return false;
    if (!cJSON_AddItemToObjectCS(out, f->json, v)) { /* the tables' names are static */
        pb_fail(c, "out of memory");
        cJSON_Delete(v);
        return false;
    }
    return true;
}

/* A message's JSON object: every payload in segs merged (none: the zero value). NULL after an
 * error. Caller frees. */
static cJSON *pb_message(struct pb_ctx *c, const struct pb_msg *m, const struct pb_seg *segs, int depth)
{
    struct pb_slot *slots = calloc(m->nfields, sizeof *slots);
    cJSON *out = pb_new(c, cJSON_CreateObject());
    if (!slots || !out) {
        pb_fail(c, "out of memory");
        goto fail;
    }
    if (!pb_scan(c, m, segs, slots, depth))
        goto fail;
    for (size_t i = 0; i < m->nfields; i++) {
        const struct pb_field *f = &m->fields[i];
        size_t was = (f->flags & PF_INLINE) ? c->plen : pb_push(c, f->json, 0);
        bool ok = pb_emit(c, out, f, &slots[i], depth);
        pb_pop(c, was);
        if (!ok)
            goto fail;
    }
    slots_free(slots, m->nfields);
    return out;
fail:
    if (slots)
        slots_free(slots, m->nfields);
    cJSON_Delete(out);
    return NULL;
}

/* ---------------------------------------------------------------------------------------------
 * The body: magic, envelope, object
 * ------------------------------------------------------------------------------------------- */

/* Go's %#v of a runtime.TypeMeta, for apimachinery's "is missing in" errors. */
static void typemeta_text(char *out, size_t len, const char *api_version, const char *kind)
{
    snprintf(out, len, "runtime.TypeMeta{APIVersion:\"%s\", Kind:\"%s\"}", api_version, kind);
}

enum fa_pb_result fa_pb_decode_object(const char *api_version, const char *kind, const void *raw, size_t len,
                                      cJSON **out, char *err, size_t errlen)
{
    struct pb_ctx c = {.err = err, .errlen = errlen};
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    const struct pb_msg *m = pb_lookup_kind(api_version, kind);
    if (!m) {
        snprintf(err, errlen, "%s", FA_UNKNOWN_FORMAT);
        return FA_PB_UNSUPPORTED;
    }
    snprintf(c.path, sizeof c.path, "%s", kind);
    c.plen = strlen(c.path);
    struct pb_seg seg = {raw, len, NULL};
    cJSON *obj = pb_message(&c, m, &seg, 1), *head = NULL;
    if (!obj)
        return FA_PB_MALFORMED;
    /* kind and apiVersion lead, as TypeMeta leads every Kubernetes object */
    if (!(head = cJSON_CreateObject()) || !cJSON_AddStringToObject(head, "kind", kind) ||
        !cJSON_AddStringToObject(head, "apiVersion", api_version)) {
        pb_fail(&c, "out of memory");
        cJSON_Delete(obj);
        cJSON_Delete(head);
        return FA_PB_MALFORMED;
    }
    while (obj->child)
        cJSON_AddItemToArray(head, cJSON_DetachItemViaPointer(obj, obj->child));
    cJSON_Delete(obj);
    *out = head;
    return FA_PB_OK;
}

enum fa_pb_result fa_pb_decode(const void *body, size_t len, cJSON **out, char *err, size_t errlen)
{
    static const uint8_t magic[4] = {'k', '8', 's', 0};
    struct pb_ctx c = {.err = err, .errlen = errlen};
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    /* apimachinery's protobuf serializer words these three */
    if (len == 0) {
        snprintf(err, errlen, "empty data");
        return FA_PB_MALFORMED;
    }
    if (len < sizeof magic || memcmp(body, magic, sizeof magic)) {
        snprintf(err, errlen, "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
        return FA_PB_MALFORMED;
    }
    if (len == sizeof magic) {
        snprintf(err, errlen, "empty body");
        return FA_PB_MALFORMED;
    }

    snprintf(c.path, sizeof c.path, "runtime.Unknown");
    c.plen = strlen(c.path);
    enum fa_pb_result res = FA_PB_MALFORMED;
    char *api_version = NULL, *kind = NULL;
    struct pb_slot *tm = NULL;
    struct pb_slot *env = pb_scan1(&c, &pb_Unknown, (const uint8_t *)body + sizeof magic, len - sizeof magic, 0);
    if (!env)
        return FA_PB_MALFORMED;
    if (!(tm = calloc(pb_TypeMeta.nfields, sizeof *tm))) {
        pb_fail(&c, "out of memory");
        goto done;
    }
    size_t was = pb_push(&c, "typeMeta", 0);
    if (pb_scan(&c, &pb_TypeMeta, env[0].segs, tm, 1)) {
        size_t w = pb_push(&c, "apiVersion", 0);
        api_version = pb_cstr(&c, tm[0].p, tm[0].n);
        pb_pop(&c, w);
        w = pb_push(&c, "kind", 0);
        kind = api_version ? pb_cstr(&c, tm[1].p, tm[1].n) : NULL;
        pb_pop(&c, w);
    }
    pb_pop(&c, was);
    if (!kind)
        goto done;
    char tmtext[256];
    typemeta_text(tmtext, sizeof tmtext, api_version, kind);
    if (!*kind)
        snprintf(err, errlen, "Object 'Kind' is missing in '%s'", tmtext);
    else if (!*api_version)
        snprintf(err, errlen, "Object 'apiVersion' is missing in '%s'", tmtext);
    else
        res = fa_pb_decode_object(api_version, kind, env[1].p, env[1].n, out, err, errlen);
done:
    slots_free(env, pb_Unknown.nfields);
    if (tm)
        slots_free(tm, pb_TypeMeta.nfields);
    free(api_version);
    free(kind);
    return res;
}

/* ---------------------------------------------------------------------------------------------
 * Kubernetes messages: k8s.io/apimachinery pkg/apis/meta/v1 (members in Go declaration order)
 * ------------------------------------------------------------------------------------------- */


static const struct pb_field OwnerReference_f[] = {
    F(5, "apiVersion", STRING, 0),
    F(1, "kind", STRING, 0),
    F(3, "name", STRING, 0),
    F(4, "uid", STRING, 0),
    F(6, "controller", BOOL, PF_OMIT|PF_PTR),
    F(7, "blockOwnerDeletion", BOOL, PF_OMIT|PF_PTR),
};
MSG(OwnerReference);

static const struct pb_field ManagedFieldsEntry_f[] = {
    F(1, "manager", STRING, PF_OMIT),
    F(2, "operation", STRING, PF_OMIT),
    F(3, "apiVersion", STRING, PF_OMIT),
    F(4, "time", TIME, PF_OMIT|PF_PTR),
    F(6, "fieldsType", STRING, PF_OMIT),
    F(7, "fieldsV1", RAWJSON, PF_OMIT|PF_PTR),
    F(8, "subresource", STRING, PF_OMIT),
};
MSG(ManagedFieldsEntry);

static const struct pb_field LabelSelectorRequirement_f[] = {
    F(1, "key", STRING, 0),
    F(2, "operator", STRING, 0),
    F(3, "values", STRING, PF_REP|PF_OMIT),
};
MSG(LabelSelectorRequirement);

static const struct pb_field LabelSelector_f[] = {
    F(1, "matchLabels", MAP_STR, PF_OMIT),
    M(2, "matchExpressions", LabelSelectorRequirement, PF_REP|PF_OMIT),
};
MSG(LabelSelector);

static const struct pb_field ObjectMeta_f[] = {
    F(1, "name", STRING, PF_OMIT),
    F(2, "generateName", STRING, PF_OMIT),
    F(3, "namespace", STRING, PF_OMIT),
    F(4, "selfLink", STRING, PF_OMIT),
    F(5, "uid", STRING, PF_OMIT),
    F(6, "resourceVersion", STRING, PF_OMIT),
    F(7, "generation", INT64, PF_OMIT),
    F(8, "creationTimestamp", TIME, PF_OMIT),
    F(9, "deletionTimestamp", TIME, PF_OMIT|PF_PTR),
    F(10, "deletionGracePeriodSeconds", INT64, PF_OMIT|PF_PTR),
    F(11, "labels", MAP_STR, PF_OMIT),
    F(12, "annotations", MAP_STR, PF_OMIT),
    M(13, "ownerReferences", OwnerReference, PF_REP|PF_OMIT),
    F(14, "finalizers", STRING, PF_REP|PF_OMIT),
    M(17, "managedFields", ManagedFieldsEntry, PF_REP|PF_OMIT),
};
MSG(ObjectMeta);

static const struct pb_field Condition_f[] = {
    F(1, "type", STRING, 0),
    F(2, "status", STRING, 0),
    F(3, "observedGeneration", INT64, PF_OMIT),
    F(4, "lastTransitionTime", TIME, 0),
    F(5, "reason", STRING, 0),
    F(6, "message", STRING, 0),
};
MSG(Condition);

/* ---------------------------------------------------------------------------------------------
 * k8s.io/api core/v1: Namespace, ConfigMap, Secret, ServiceAccount, Service
 * ------------------------------------------------------------------------------------------- */


static const struct pb_field NamespaceCondition_f[] = {
    F(1, "type", STRING, 0),
    F(2, "status", STRING, 0),
    F(4, "lastTransitionTime", TIME, PF_OMIT),
    F(5, "reason", STRING, PF_OMIT),
    F(6, "message", STRING, PF_OMIT),
};
MSG(NamespaceCondition);

static const struct pb_field NamespaceSpec_f[] = {
    F(1, "finalizers", STRING, PF_REP|PF_OMIT),
};
MSG(NamespaceSpec);

static const struct pb_field NamespaceStatus_f[] = {
    F(1, "phase", STRING, PF_OMIT),
    M(2, "conditions", NamespaceCondition, PF_REP|PF_OMIT),
};
MSG(NamespaceStatus);

static const struct pb_field Namespace_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    M(2, "spec", NamespaceSpec, PF_OMIT),
    M(3, "status", NamespaceStatus, PF_OMIT),
};
MSG(Namespace);

static const struct pb_field ConfigMap_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    F(4, "immutable", BOOL, PF_OMIT|PF_PTR),
    F(2, "data", MAP_STR, PF_OMIT),
    F(3, "binaryData", MAP_BYTES, PF_OMIT),
};
MSG(ConfigMap);

static const struct pb_field Secret_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    F(5, "immutable", BOOL, PF_OMIT|PF_PTR),
    F(2, "data", MAP_BYTES, PF_OMIT),
    F(4, "stringData", MAP_STR, PF_OMIT),
    F(3, "type", STRING, PF_OMIT),
};
MSG(Secret);

static const struct pb_field ObjectReference_f[] = {
    F(1, "kind", STRING, PF_OMIT),
    F(2, "namespace", STRING, PF_OMIT),
    F(3, "name", STRING, PF_OMIT),
    F(4, "uid", STRING, PF_OMIT),
    F(5, "apiVersion", STRING, PF_OMIT),
    F(6, "resourceVersion", STRING, PF_OMIT),
    F(7, "fieldPath", STRING, PF_OMIT),
};
MSG(ObjectReference);

static const struct pb_field LocalObjectReference_f[] = {
    F(1, "name", STRING, PF_OMIT),
};
MSG(LocalObjectReference);

static const struct pb_field ServiceAccount_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    M(2, "secrets", ObjectReference, PF_REP|PF_OMIT),
    M(3, "imagePullSecrets", LocalObjectReference, PF_REP|PF_OMIT),
    F(4, "automountServiceAccountToken", BOOL, PF_OMIT|PF_PTR),
};
MSG(ServiceAccount);

static const struct pb_field ClientIPConfig_f[] = {
    F(1, "timeoutSeconds", INT32, PF_OMIT|PF_PTR),
};
MSG(ClientIPConfig);

static const struct pb_field SessionAffinityConfig_f[] = {
    M(1, "clientIP", ClientIPConfig, PF_OMIT|PF_PTR),
};
MSG(SessionAffinityConfig);

static const struct pb_field ServicePort_f[] = {
    F(1, "name", STRING, PF_OMIT),
    F(2, "protocol", STRING, PF_OMIT),
    F(6, "appProtocol", STRING, PF_OMIT|PF_PTR),
    F(3, "port", INT32, 0),
    F(4, "targetPort", INTSTR, PF_OMIT),
    F(5, "nodePort", INT32, PF_OMIT),
};
MSG(ServicePort);

static const struct pb_field ServiceSpec_f[] = {
    M(1, "ports", ServicePort, PF_REP|PF_OMIT),
    F(2, "selector", MAP_STR, PF_OMIT),
    F(3, "clusterIP", STRING, PF_OMIT),
    F(18, "clusterIPs", STRING, PF_REP|PF_OMIT),
    F(4, "type", STRING, PF_OMIT),
    F(5, "externalIPs", STRING, PF_REP|PF_OMIT),
    F(7, "sessionAffinity", STRING, PF_OMIT),
    F(8, "loadBalancerIP", STRING, PF_OMIT),
    F(9, "loadBalancerSourceRanges", STRING, PF_REP|PF_OMIT),
    F(10, "externalName", STRING, PF_OMIT),
    F(11, "externalTrafficPolicy", STRING, PF_OMIT),
    F(12, "healthCheckNodePort", INT32, PF_OMIT),
    F(13, "publishNotReadyAddresses", BOOL, PF_OMIT),
    M(14, "sessionAffinityConfig", SessionAffinityConfig, PF_OMIT|PF_PTR),
    F(19, "ipFamilies", STRING, PF_REP|PF_OMIT),
    F(17, "ipFamilyPolicy", STRING, PF_OMIT|PF_PTR),
    F(20, "allocateLoadBalancerNodePorts", BOOL, PF_OMIT|PF_PTR),
    F(21, "loadBalancerClass", STRING, PF_OMIT|PF_PTR),
    F(22, "internalTrafficPolicy", STRING, PF_OMIT|PF_PTR),
    F(23, "trafficDistribution", STRING, PF_OMIT|PF_PTR),
};
MSG(ServiceSpec);

static const struct pb_field PortStatus_f[] = {
    F(1, "port", INT32, 0),
    F(2, "protocol", STRING, 0),
    F(3, "error", STRING, PF_OMIT|PF_PTR),
};
MSG(PortStatus);

static const struct pb_field LoadBalancerIngress_f[] = {
    F(1, "ip", STRING, PF_OMIT),
    F(2, "hostname", STRING, PF_OMIT),
    F(3, "ipMode", STRING, PF_OMIT|PF_PTR),
    M(4, "ports", PortStatus, PF_REP|PF_OMIT),
};
MSG(LoadBalancerIngress);

static const struct pb_field LoadBalancerStatus_f[] = {
    M(1, "ingress", LoadBalancerIngress, PF_REP|PF_OMIT),
};
MSG(LoadBalancerStatus);

static const struct pb_field ServiceStatus_f[] = {
    M(1, "loadBalancer", LoadBalancerStatus, PF_OMIT),
    M(2, "conditions", Condition, PF_REP|PF_OMIT),
};
MSG(ServiceStatus);

static const struct pb_field Service_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    M(2, "spec", ServiceSpec, PF_OMIT),
    M(3, "status", ServiceStatus, PF_OMIT),
};
MSG(Service);

/* ---------------------------------------------------------------------------------------------
 * k8s.io/api core/v1: PodTemplateSpec and PodSpec.
 * Not decoded (skipped as unknown fields): ephemeralContainers, schedulingGroup,
 * evictionResponders, containers' restartPolicyRules, env fileKeyRef, the cloud and legacy volume
 * sources (gcePersistentDisk ... storageos, ephemeral) and the clusterTrustBundle and podCertificate
 * projections.
 * ------------------------------------------------------------------------------------------- */


static const struct pb_field ObjectFieldSelector_f[] = {
    F(1, "apiVersion", STRING, PF_OMIT),
    F(2, "fieldPath", STRING, 0),
};
MSG(ObjectFieldSelector);

static const struct pb_field ResourceFieldSelector_f[] = {
    F(1, "containerName", STRING, PF_OMIT),
    F(2, "resource", STRING, 0),
    F(3, "divisor", QTY, PF_OMIT),
};
MSG(ResourceFieldSelector);

static const struct pb_field ConfigMapKeySelector_f[] = {
    M(1, "localObjectReference", LocalObjectReference, PF_INLINE),
    F(2, "key", STRING, 0),
    F(3, "optional", BOOL, PF_OMIT|PF_PTR),
};
MSG(ConfigMapKeySelector);

static const struct pb_field SecretKeySelector_f[] = {
    M(1, "localObjectReference", LocalObjectReference, PF_INLINE),
    F(2, "key", STRING, 0),
    F(3, "optional", BOOL, PF_OMIT|PF_PTR),
};
MSG(SecretKeySelector);

static const struct pb_field EnvVarSource_f[] = {
    M(1, "fieldRef", ObjectFieldSelector, PF_OMIT|PF_PTR),
    M(2, "resourceFieldRef", ResourceFieldSelector, PF_OMIT|PF_PTR),
    M(3, "configMapKeyRef", ConfigMapKeySelector, PF_OMIT|PF_PTR),
    M(4, "secretKeyRef", SecretKeySelector, PF_OMIT|PF_PTR),
};
MSG(EnvVarSource);

static const struct pb_field EnvVar_f[] = {
    F(1, "name", STRING, 0),
    F(2, "value", STRING, PF_OMIT),
    M(3, "valueFrom", EnvVarSource, PF_OMIT|PF_PTR),
};
MSG(EnvVar);

static const struct pb_field ConfigMapEnvSource_f[] = {
    M(1, "localObjectReference", LocalObjectReference, PF_INLINE),
    F(2, "optional", BOOL, PF_OMIT|PF_PTR),
};
MSG(ConfigMapEnvSource);

static const struct pb_field SecretEnvSource_f[] = {
    M(1, "localObjectReference", LocalObjectReference, PF_INLINE),
    F(2, "optional", BOOL, PF_OMIT|PF_PTR),
};
MSG(SecretEnvSource);

static const struct pb_field EnvFromSource_f[] = {
    F(1, "prefix", STRING, PF_OMIT),
    M(2, "configMapRef", ConfigMapEnvSource, PF_OMIT|PF_PTR),
    M(3, "secretRef", SecretEnvSource, PF_OMIT|PF_PTR),
};
MSG(EnvFromSource);

static const struct pb_field ContainerPort_f[] = {
    F(1, "name", STRING, PF_OMIT),
    F(2, "hostPort", INT32, PF_OMIT),
    F(3, "containerPort", INT32, 0),
    F(4, "protocol", STRING, PF_OMIT),
    F(5, "hostIP", STRING, PF_OMIT),
};
MSG(ContainerPort);

static const struct pb_field ResourceClaim_f[] = {
    F(1, "name", STRING, 0),
    F(2, "request", STRING, PF_OMIT),
};
MSG(ResourceClaim);

static const struct pb_field ResourceRequirements_f[] = {
    F(1, "limits", MAP_QTY, PF_OMIT),
    F(2, "requests", MAP_QTY, PF_OMIT),
    M(3, "claims", ResourceClaim, PF_REP|PF_OMIT),
};
MSG(ResourceRequirements);

static const struct pb_field ContainerResizePolicy_f[] = {
    F(1, "resourceName", STRING, 0),
    F(2, "restartPolicy", STRING, 0),
};
MSG(ContainerResizePolicy);

static const struct pb_field VolumeMount_f[] = {
    F(1, "name", STRING, 0),
    F(2, "readOnly", BOOL, PF_OMIT),
    F(7, "recursiveReadOnly", STRING, PF_OMIT|PF_PTR),
    F(3, "mountPath", STRING, 0),
    F(4, "subPath", STRING, PF_OMIT),
    F(5, "mountPropagation", STRING, PF_OMIT|PF_PTR),
    F(6, "subPathExpr", STRING, PF_OMIT),
    F(8, "bindMountOptions", STRING, PF_REP|PF_OMIT),
};
MSG(VolumeMount);

static const struct pb_field VolumeDevice_f[] = {
    F(1, "name", STRING, 0),
    F(2, "devicePath", STRING, 0),
};
MSG(VolumeDevice);

static const struct pb_field ExecAction_f[] = {
    F(1, "command", STRING, PF_REP|PF_OMIT),
};
MSG(ExecAction);

static const struct pb_field HTTPHeader_f[] = {
    F(1, "name", STRING, 0),
    F(2, "value", STRING, 0),
};
MSG(HTTPHeader);

static const struct pb_field HTTPGetAction_f[] = {
    F(1, "path", STRING, PF_OMIT),
    F(2, "port", INTSTR, 0),
    F(3, "host", STRING, PF_OMIT),
    F(4, "scheme", STRING, PF_OMIT),
    M(5, "httpHeaders", HTTPHeader, PF_REP|PF_OMIT),
    F(6, "protocol", STRING, PF_OMIT|PF_PTR),
};
MSG(HTTPGetAction);

static const struct pb_field TCPSocketAction_f[] = {
    F(1, "port", INTSTR, 0),
    F(2, "host", STRING, PF_OMIT),
};
MSG(TCPSocketAction);

static const struct pb_field GRPCAction_f[] = {
    F(1, "port", INT32, 0),
    F(2, "service", STRING, PF_PTR),
    F(3, "mode", STRING, PF_OMIT|PF_PTR),
};
MSG(GRPCAction);

static const struct pb_field ProbeHandler_f[] = {
    M(1, "exec", ExecAction, PF_OMIT|PF_PTR),
    M(2, "httpGet", HTTPGetAction, PF_OMIT|PF_PTR),
    M(3, "tcpSocket", TCPSocketAction, PF_OMIT|PF_PTR),
    M(4, "grpc", GRPCAction, PF_OMIT|PF_PTR),
};
MSG(ProbeHandler);

static const struct pb_field Probe_f[] = {
    M(1, "handler", ProbeHandler, PF_INLINE),
    F(2, "initialDelaySeconds", INT32, PF_OMIT),
    F(3, "timeoutSeconds", INT32, PF_OMIT),
    F(4, "periodSeconds", INT32, PF_OMIT),
    F(5, "successThreshold", INT32, PF_OMIT),
    F(6, "failureThreshold", INT32, PF_OMIT),
    F(7, "terminationGracePeriodSeconds", INT64, PF_OMIT|PF_PTR),
};
MSG(Probe);

static const struct pb_field SleepAction_f[] = {
    F(1, "seconds", INT64, 0),
};
MSG(SleepAction);

static const struct pb_field LifecycleHandler_f[] = {
    M(1, "exec", ExecAction, PF_OMIT|PF_PTR),
    M(2, "httpGet", HTTPGetAction, PF_OMIT|PF_PTR),
    M(3, "tcpSocket", TCPSocketAction, PF_OMIT|PF_PTR),
    M(4, "sleep", SleepAction, PF_OMIT|PF_PTR),
};
MSG(LifecycleHandler);

static const struct pb_field Lifecycle_f[] = {
    M(1, "postStart", LifecycleHandler, PF_OMIT|PF_PTR),
    M(2, "preStop", LifecycleHandler, PF_OMIT|PF_PTR),
    F(3, "stopSignal", STRING, PF_OMIT|PF_PTR),
};
MSG(Lifecycle);

static const struct pb_field Capabilities_f[] = {
    F(1, "add", STRING, PF_REP|PF_OMIT),
    F(2, "drop", STRING, PF_REP|PF_OMIT),
};
MSG(Capabilities);

static const struct pb_field SELinuxOptions_f[] = {
    F(1, "user", STRING, PF_OMIT),
    F(2, "role", STRING, PF_OMIT),
    F(3, "type", STRING, PF_OMIT),
    F(4, "level", STRING, PF_OMIT),
};
MSG(SELinuxOptions);

static const struct pb_field SeccompProfile_f[] = {
    F(1, "type", STRING, 0),
    F(2, "localhostProfile", STRING, PF_OMIT|PF_PTR),
};
MSG(SeccompProfile);

static const struct pb_field AppArmorProfile_f[] = {
    F(1, "type", STRING, 0),
    F(2, "localhostProfile", STRING, PF_OMIT|PF_PTR),
};
MSG(AppArmorProfile);

static const struct pb_field WindowsSecurityContextOptions_f[] = {
    F(1, "gmsaCredentialSpecName", STRING, PF_OMIT|PF_PTR),
    F(2, "gmsaCredentialSpec", STRING, PF_OMIT|PF_PTR),
    F(3, "runAsUserName", STRING, PF_OMIT|PF_PTR),
    F(4, "hostProcess", BOOL, PF_OMIT|PF_PTR),
};
MSG(WindowsSecurityContextOptions);

static const struct pb_field SecurityContext_f[] = {
    M(1, "capabilities", Capabilities, PF_OMIT|PF_PTR),
    F(2, "privileged", BOOL, PF_OMIT|PF_PTR),
    M(3, "seLinuxOptions", SELinuxOptions, PF_OMIT|PF_PTR),
    M(10, "windowsOptions", WindowsSecurityContextOptions, PF_OMIT|PF_PTR),
    F(4, "runAsUser", INT64, PF_OMIT|PF_PTR),
    F(8, "runAsGroup", INT64, PF_OMIT|PF_PTR),
    F(5, "runAsNonRoot", BOOL, PF_OMIT|PF_PTR),
    F(6, "readOnlyRootFilesystem", BOOL, PF_OMIT|PF_PTR),
    F(7, "allowPrivilegeEscalation", BOOL, PF_OMIT|PF_PTR),
    F(9, "procMount", STRING, PF_OMIT|PF_PTR),
    M(11, "seccompProfile", SeccompProfile, PF_OMIT|PF_PTR),
    M(12, "appArmorProfile", AppArmorProfile, PF_OMIT|PF_PTR),
};
MSG(SecurityContext);

static const struct pb_field Container_f[] = {
    F(1, "name", STRING, 0),
    F(2, "image", STRING, PF_OMIT),
    F(3, "command", STRING, PF_REP|PF_OMIT),
    F(4, "args", STRING, PF_REP|PF_OMIT),
    F(5, "workingDir", STRING, PF_OMIT),
    M(6, "ports", ContainerPort, PF_REP|PF_OMIT),
    M(19, "envFrom", EnvFromSource, PF_REP|PF_OMIT),
    M(7, "env", EnvVar, PF_REP|PF_OMIT),
    M(8, "resources", ResourceRequirements, PF_OMIT),
    M(23, "resizePolicy", ContainerResizePolicy, PF_REP|PF_OMIT),
    F(24, "restartPolicy", STRING, PF_OMIT|PF_PTR),
    M(9, "volumeMounts", VolumeMount, PF_REP|PF_OMIT),
    M(21, "volumeDevices", VolumeDevice, PF_REP|PF_OMIT),
    M(10, "livenessProbe", Probe, PF_OMIT|PF_PTR),
    M(11, "readinessProbe", Probe, PF_OMIT|PF_PTR),
    M(22, "startupProbe", Probe, PF_OMIT|PF_PTR),
    M(12, "lifecycle", Lifecycle, PF_OMIT|PF_PTR),
    F(13, "terminationMessagePath", STRING, PF_OMIT),
    F(20, "terminationMessagePolicy", STRING, PF_OMIT),
    F(14, "imagePullPolicy", STRING, PF_OMIT),
    M(15, "securityContext", SecurityContext, PF_OMIT|PF_PTR),
    F(16, "stdin", BOOL, PF_OMIT),
    F(17, "stdinOnce", BOOL, PF_OMIT),
    F(18, "tty", BOOL, PF_OMIT),
};
MSG(Container);

static const struct pb_field Sysctl_f[] = {
    F(1, "name", STRING, 0),
    F(2, "value", STRING, 0),
};
MSG(Sysctl);

static const struct pb_field PodSecurityContext_f[] = {
    M(1, "seLinuxOptions", SELinuxOptions, PF_OMIT|PF_PTR),
    M(8, "windowsOptions", WindowsSecurityContextOptions, PF_OMIT|PF_PTR),
    F(2, "runAsUser", INT64, PF_OMIT|PF_PTR),
    F(6, "runAsGroup", INT64, PF_OMIT|PF_PTR),
    F(3, "runAsNonRoot", BOOL, PF_OMIT|PF_PTR),
    F(4, "supplementalGroups", INT64, PF_REP|PF_OMIT),
    F(12, "supplementalGroupsPolicy", STRING, PF_OMIT|PF_PTR),
    F(5, "fsGroup", INT64, PF_OMIT|PF_PTR),
    M(7, "sysctls", Sysctl, PF_REP|PF_OMIT),
    F(9, "fsGroupChangePolicy", STRING, PF_OMIT|PF_PTR),
    M(10, "seccompProfile", SeccompProfile, PF_OMIT|PF_PTR),
    M(11, "appArmorProfile", AppArmorProfile, PF_OMIT|PF_PTR),
    F(13, "seLinuxChangePolicy", STRING, PF_OMIT|PF_PTR),
};
MSG(PodSecurityContext);

static const struct pb_field KeyToPath_f[] = {
    F(1, "key", STRING, 0),
    F(2, "path", STRING, 0),
    F(3, "mode", INT32, PF_OMIT|PF_PTR),
    F(4, "user", INT64, PF_OMIT|PF_PTR),
};
MSG(KeyToPath);

static const struct pb_field HostPathVolumeSource_f[] = {
    F(1, "path", STRING, 0),
    F(2, "type", STRING, PF_OMIT|PF_PTR),
};
MSG(HostPathVolumeSource);

static const struct pb_field EmptyDirVolumeSource_f[] = {
    F(1, "medium", STRING, PF_OMIT),
    F(2, "sizeLimit", QTY, PF_OMIT|PF_PTR),
    F(3, "mode", INT32, PF_OMIT|PF_PTR),
};
MSG(EmptyDirVolumeSource);

static const struct pb_field SecretVolumeSource_f[] = {
    F(1, "secretName", STRING, PF_OMIT),
    M(2, "items", KeyToPath, PF_REP|PF_OMIT),
    F(3, "defaultMode", INT32, PF_OMIT|PF_PTR),
    F(4, "optional", BOOL, PF_OMIT|PF_PTR),
    F(5, "defaultUser", INT64, PF_OMIT|PF_PTR),
};
MSG(SecretVolumeSource);

static const struct pb_field NFSVolumeSource_f[] = {
    F(1, "server", STRING, 0),
    F(2, "path", STRING, 0),
    F(3, "readOnly", BOOL, PF_OMIT),
};
MSG(NFSVolumeSource);

static const struct pb_field PersistentVolumeClaimVolumeSource_f[] = {
    F(1, "claimName", STRING, 0),
    F(2, "readOnly", BOOL, PF_OMIT),
};
MSG(PersistentVolumeClaimVolumeSource);

static const struct pb_field DownwardAPIVolumeFile_f[] = {
    F(1, "path", STRING, 0),
    M(2, "fieldRef", ObjectFieldSelector, PF_OMIT|PF_PTR),
    M(3, "resourceFieldRef", ResourceFieldSelector, PF_OMIT|PF_PTR),
    F(4, "mode", INT32, PF_OMIT|PF_PTR),
    F(5, "user", INT64, PF_OMIT|PF_PTR),
};
MSG(DownwardAPIVolumeFile);

static const struct pb_field DownwardAPIVolumeSource_f[] = {
    M(1, "items", DownwardAPIVolumeFile, PF_REP|PF_OMIT),
    F(2, "defaultMode", INT32, PF_OMIT|PF_PTR),
    F(3, "defaultUser", INT64, PF_OMIT|PF_PTR),
};
MSG(DownwardAPIVolumeSource);

static const struct pb_field ConfigMapVolumeSource_f[] = {
    M(1, "localObjectReference", LocalObjectReference, PF_INLINE),
    M(2, "items", KeyToPath, PF_REP|PF_OMIT),
    F(3, "defaultMode", INT32, PF_OMIT|PF_PTR),
    F(4, "optional", BOOL, PF_OMIT|PF_PTR),
    F(5, "defaultUser", INT64, PF_OMIT|PF_PTR),
};
MSG(ConfigMapVolumeSource);

static const struct pb_field CSIVolumeSource_f[] = {
    F(1, "driver", STRING, 0),
    F(2, "readOnly", BOOL, PF_OMIT|PF_PTR),
    F(3, "fsType", STRING, PF_OMIT|PF_PTR),
    F(4, "volumeAttributes", MAP_STR, PF_OMIT),
    M(5, "nodePublishSecretRef", LocalObjectReference, PF_OMIT|PF_PTR),
};
MSG(CSIVolumeSource);

static const struct pb_field ImageVolumeSource_f[] = {
    F(1, "reference", STRING, PF_OMIT),
    F(2, "pullPolicy", STRING, PF_OMIT),
};
MSG(ImageVolumeSource);

static const struct pb_field ConfigMapProjection_f[] = {
    M(1, "localObjectReference", LocalObjectReference, PF_INLINE),
    M(2, "items", KeyToPath, PF_REP|PF_OMIT),
    F(4, "optional", BOOL, PF_OMIT|PF_PTR),
};
MSG(ConfigMapProjection);

static const struct pb_field SecretProjection_f[] = {
    M(1, "localObjectReference", LocalObjectReference, PF_INLINE),
    M(2, "items", KeyToPath, PF_REP|PF_OMIT),
    F(4, "optional", BOOL, PF_OMIT|PF_PTR),
};
MSG(SecretProjection);

static const struct pb_field DownwardAPIProjection_f[] = {
    M(1, "items", DownwardAPIVolumeFile, PF_REP|PF_OMIT),
};
MSG(DownwardAPIProjection);

static const struct pb_field ServiceAccountTokenProjection_f[] = {
    F(1, "audience", STRING, PF_OMIT),
    F(2, "expirationSeconds", INT64, PF_OMIT|PF_PTR),
    F(3, "path", STRING, 0),
    F(4, "user", INT64, PF_OMIT|PF_PTR),
};
MSG(ServiceAccountTokenProjection);

static const struct pb_field VolumeProjection_f[] = {
    M(1, "secret", SecretProjection, PF_OMIT|PF_PTR),
    M(2, "downwardAPI", DownwardAPIProjection, PF_OMIT|PF_PTR),
    M(3, "configMap", ConfigMapProjection, PF_OMIT|PF_PTR),
    M(4, "serviceAccountToken", ServiceAccountTokenProjection, PF_OMIT|PF_PTR),
};
MSG(VolumeProjection);

static const struct pb_field ProjectedVolumeSource_f[] = {
    M(1, "sources", VolumeProjection, PF_REP),
    F(2, "defaultMode", INT32, PF_OMIT|PF_PTR),
    F(3, "defaultUser", INT64, PF_OMIT|PF_PTR),
};
MSG(ProjectedVolumeSource);

static const struct pb_field VolumeSource_f[] = {
    M(1, "hostPath", HostPathVolumeSource, PF_OMIT|PF_PTR),
    M(2, "emptyDir", EmptyDirVolumeSource, PF_OMIT|PF_PTR),
    M(6, "secret", SecretVolumeSource, PF_OMIT|PF_PTR),
    M(7, "nfs", NFSVolumeSource, PF_OMIT|PF_PTR),
    M(10, "persistentVolumeClaim", PersistentVolumeClaimVolumeSource, PF_OMIT|PF_PTR),
    M(16, "downwardAPI", DownwardAPIVolumeSource, PF_OMIT|PF_PTR),
    M(19, "configMap", ConfigMapVolumeSource, PF_OMIT|PF_PTR),
    M(26, "projected", ProjectedVolumeSource, PF_OMIT|PF_PTR),
    M(28, "csi", CSIVolumeSource, PF_OMIT|PF_PTR),
    M(30, "image", ImageVolumeSource, PF_OMIT|PF_PTR),
};
MSG(VolumeSource);

static const struct pb_field Volume_f[] = {
    F(1, "name", STRING, 0),
    M(2, "volumeSource", VolumeSource, PF_INLINE),
};
MSG(Volume);

static const struct pb_field Toleration_f[] = {
    F(1, "key", STRING, PF_OMIT),
    F(2, "operator", STRING, PF_OMIT),
    F(3, "value", STRING, PF_OMIT),
    F(4, "effect", STRING, PF_OMIT),
    F(5, "tolerationSeconds", INT64, PF_OMIT|PF_PTR),
};
MSG(Toleration);

static const struct pb_field NodeSelectorRequirement_f[] = {
    F(1, "key", STRING, 0),
    F(2, "operator", STRING, 0),
    F(3, "values", STRING, PF_REP|PF_OMIT),
};
MSG(NodeSelectorRequirement);

static const struct pb_field NodeSelectorTerm_f[] = {
    M(1, "matchExpressions", NodeSelectorRequirement, PF_REP|PF_OMIT),
    M(2, "matchFields", NodeSelectorRequirement, PF_REP|PF_OMIT),
};
MSG(NodeSelectorTerm);

static const struct pb_field NodeSelector_f[] = {
    M(1, "nodeSelectorTerms", NodeSelectorTerm, PF_REP),
};
MSG(NodeSelector);

static const struct pb_field PreferredSchedulingTerm_f[] = {
    F(1, "weight", INT32, 0),
    M(2, "preference", NodeSelectorTerm, 0),
};
MSG(PreferredSchedulingTerm);

static const struct pb_field NodeAffinity_f[] = {
    M(1, "requiredDuringSchedulingIgnoredDuringExecution", NodeSelector, PF_OMIT|PF_PTR),
    M(2, "preferredDuringSchedulingIgnoredDuringExecution", PreferredSchedulingTerm, PF_REP|PF_OMIT),
};
MSG(NodeAffinity);

static const struct pb_field PodAffinityTerm_f[] = {
    M(1, "labelSelector", LabelSelector, PF_OMIT|PF_PTR),
    F(2, "namespaces", STRING, PF_REP|PF_OMIT),
    F(3, "topologyKey", STRING, 0),
    M(4, "namespaceSelector", LabelSelector, PF_OMIT|PF_PTR),
    F(5, "matchLabelKeys", STRING, PF_REP|PF_OMIT),
    F(6, "mismatchLabelKeys", STRING, PF_REP|PF_OMIT),
};
MSG(PodAffinityTerm);

static const struct pb_field WeightedPodAffinityTerm_f[] = {
    F(1, "weight", INT32, 0),
    M(2, "podAffinityTerm", PodAffinityTerm, 0),
};
MSG(WeightedPodAffinityTerm);

static const struct pb_field PodAffinity_f[] = {
    M(1, "requiredDuringSchedulingIgnoredDuringExecution", PodAffinityTerm, PF_REP|PF_OMIT),
    M(2, "preferredDuringSchedulingIgnoredDuringExecution", WeightedPodAffinityTerm, PF_REP|PF_OMIT),
};
MSG(PodAffinity);

static const struct pb_field PodAntiAffinity_f[] = {
    M(1, "requiredDuringSchedulingIgnoredDuringExecution", PodAffinityTerm, PF_REP|PF_OMIT),
    M(2, "preferredDuringSchedulingIgnoredDuringExecution", WeightedPodAffinityTerm, PF_REP|PF_OMIT),
};
MSG(PodAntiAffinity);

static const struct pb_field Affinity_f[] = {
    M(1, "nodeAffinity", NodeAffinity, PF_OMIT|PF_PTR),
    M(2, "podAffinity", PodAffinity, PF_OMIT|PF_PTR),
    M(3, "podAntiAffinity", PodAntiAffinity, PF_OMIT|PF_PTR),
};
MSG(Affinity);

static const struct pb_field HostAlias_f[] = {
    F(1, "ip", STRING, 0),
    F(2, "hostnames", STRING, PF_REP|PF_OMIT),
};
MSG(HostAlias);

static const struct pb_field PodDNSConfigOption_f[] = {
    F(1, "name", STRING, PF_OMIT),
    F(2, "value", STRING, PF_OMIT|PF_PTR),
};
MSG(PodDNSConfigOption);

static const struct pb_field PodDNSConfig_f[] = {
    F(1, "nameservers", STRING, PF_REP|PF_OMIT),
    F(2, "searches", STRING, PF_REP|PF_OMIT),
    M(3, "options", PodDNSConfigOption, PF_REP|PF_OMIT),
};
MSG(PodDNSConfig);

static const struct pb_field PodReadinessGate_f[] = {
    F(1, "conditionType", STRING, 0),
};
MSG(PodReadinessGate);

static const struct pb_field TopologySpreadConstraint_f[] = {
    F(1, "maxSkew", INT32, 0),
    F(2, "topologyKey", STRING, 0),
    F(3, "whenUnsatisfiable", STRING, 0),
    M(4, "labelSelector", LabelSelector, PF_OMIT|PF_PTR),
    F(5, "minDomains", INT32, PF_OMIT|PF_PTR),
    F(6, "nodeAffinityPolicy", STRING, PF_OMIT|PF_PTR),
    F(7, "nodeTaintsPolicy", STRING, PF_OMIT|PF_PTR),
    F(8, "matchLabelKeys", STRING, PF_REP|PF_OMIT),
};
MSG(TopologySpreadConstraint);

static const struct pb_field PodOS_f[] = {
    F(1, "name", STRING, 0),
};
MSG(PodOS);

static const struct pb_field PodSchedulingGate_f[] = {
    F(1, "name", STRING, 0),
};
MSG(PodSchedulingGate);

static const struct pb_field PodResourceClaim_f[] = {
    F(1, "name", STRING, 0),
    F(3, "resourceClaimName", STRING, PF_OMIT|PF_PTR),
    F(4, "resourceClaimTemplateName", STRING, PF_OMIT|PF_PTR),
};
MSG(PodResourceClaim);

static const struct pb_field PodSpec_f[] = {
    M(1, "volumes", Volume, PF_REP|PF_OMIT),
    M(20, "initContainers", Container, PF_REP|PF_OMIT),
    M(2, "containers", Container, PF_REP),
    F(3, "restartPolicy", STRING, PF_OMIT),
    F(4, "terminationGracePeriodSeconds", INT64, PF_OMIT|PF_PTR),
    F(5, "activeDeadlineSeconds", INT64, PF_OMIT|PF_PTR),
    F(6, "dnsPolicy", STRING, PF_OMIT),
    F(7, "nodeSelector", MAP_STR, PF_OMIT),
    F(8, "serviceAccountName", STRING, PF_OMIT),
    F(9, "serviceAccount", STRING, PF_OMIT),
    F(21, "automountServiceAccountToken", BOOL, PF_OMIT|PF_PTR),
    F(10, "nodeName", STRING, PF_OMIT),
    F(11, "hostNetwork", BOOL, PF_OMIT),
    F(12, "hostPID", BOOL, PF_OMIT),
    F(13, "hostIPC", BOOL, PF_OMIT),
    F(27, "shareProcessNamespace", BOOL, PF_OMIT|PF_PTR),
    M(14, "securityContext", PodSecurityContext, PF_OMIT|PF_PTR),
    M(15, "imagePullSecrets", LocalObjectReference, PF_REP|PF_OMIT),
    F(16, "hostname", STRING, PF_OMIT),
    F(17, "subdomain", STRING, PF_OMIT),
    M(18, "affinity", Affinity, PF_OMIT|PF_PTR),
    F(19, "schedulerName", STRING, PF_OMIT),
    M(22, "tolerations", Toleration, PF_REP|PF_OMIT),
    M(23, "hostAliases", HostAlias, PF_REP|PF_OMIT),
    F(24, "priorityClassName", STRING, PF_OMIT),
    F(25, "priority", INT32, PF_OMIT|PF_PTR),
    M(26, "dnsConfig", PodDNSConfig, PF_OMIT|PF_PTR),
    M(28, "readinessGates", PodReadinessGate, PF_REP|PF_OMIT),
    F(29, "runtimeClassName", STRING, PF_OMIT|PF_PTR),
    F(30, "enableServiceLinks", BOOL, PF_OMIT|PF_PTR),
    F(31, "preemptionPolicy", STRING, PF_OMIT|PF_PTR),
    F(32, "overhead", MAP_QTY, PF_OMIT),
    M(33, "topologySpreadConstraints", TopologySpreadConstraint, PF_REP|PF_OMIT),
    F(35, "setHostnameAsFQDN", BOOL, PF_OMIT|PF_PTR),
    M(36, "os", PodOS, PF_OMIT|PF_PTR),
    F(37, "hostUsers", BOOL, PF_OMIT|PF_PTR),
    M(38, "schedulingGates", PodSchedulingGate, PF_REP|PF_OMIT),
    M(39, "resourceClaims", PodResourceClaim, PF_REP|PF_OMIT),
    M(40, "resources", ResourceRequirements, PF_OMIT|PF_PTR),
    F(41, "hostnameOverride", STRING, PF_OMIT|PF_PTR),
};
MSG(PodSpec);

static const struct pb_field PodTemplateSpec_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    M(2, "spec", PodSpec, PF_OMIT),
};
MSG(PodTemplateSpec);

/* ---------------------------------------------------------------------------------------------
 * k8s.io/api apps/v1: Deployment
 * ------------------------------------------------------------------------------------------- */


static const struct pb_field RollingUpdateDeployment_f[] = {
    F(1, "maxUnavailable", INTSTR, PF_OMIT|PF_PTR),
    F(2, "maxSurge", INTSTR, PF_OMIT|PF_PTR),
};
MSG(RollingUpdateDeployment);

static const struct pb_field DeploymentStrategy_f[] = {
    F(1, "type", STRING, PF_OMIT),
    M(2, "rollingUpdate", RollingUpdateDeployment, PF_OMIT|PF_PTR),
};
MSG(DeploymentStrategy);

static const struct pb_field DeploymentSpec_f[] = {
    F(1, "replicas", INT32, PF_OMIT|PF_PTR),
    M(2, "selector", LabelSelector, PF_PTR),
    M(3, "template", PodTemplateSpec, 0),
    M(4, "strategy", DeploymentStrategy, PF_OMIT),
    F(5, "minReadySeconds", INT32, PF_OMIT),
    F(6, "revisionHistoryLimit", INT32, PF_OMIT|PF_PTR),
    F(7, "paused", BOOL, PF_OMIT),
    F(9, "progressDeadlineSeconds", INT32, PF_OMIT|PF_PTR),
};
MSG(DeploymentSpec);

static const struct pb_field DeploymentCondition_f[] = {
    F(1, "type", STRING, 0),
    F(2, "status", STRING, 0),
    F(6, "lastUpdateTime", TIME, PF_OMIT),
    F(7, "lastTransitionTime", TIME, PF_OMIT),
    F(4, "reason", STRING, PF_OMIT),
    F(5, "message", STRING, PF_OMIT),
};
MSG(DeploymentCondition);

static const struct pb_field DeploymentStatus_f[] = {
    F(1, "observedGeneration", INT64, PF_OMIT),
    F(2, "replicas", INT32, PF_OMIT),
    F(3, "updatedReplicas", INT32, PF_OMIT),
    F(7, "readyReplicas", INT32, PF_OMIT),
    F(4, "availableReplicas", INT32, PF_OMIT),
    F(5, "unavailableReplicas", INT32, PF_OMIT),
    F(9, "terminatingReplicas", INT32, PF_OMIT|PF_PTR),
    M(6, "conditions", DeploymentCondition, PF_REP|PF_OMIT),
    F(8, "collisionCount", INT32, PF_OMIT|PF_PTR),
};
MSG(DeploymentStatus);

static const struct pb_field Deployment_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    M(2, "spec", DeploymentSpec, PF_OMIT),
    M(3, "status", DeploymentStatus, PF_OMIT),
};
MSG(Deployment);

/* ---------------------------------------------------------------------------------------------
 * k8s.io/api batch/v1: Job, CronJob.
 * Not decoded (skipped as unknown fields): JobSpec's scheduling (an alpha API's types).
 * ------------------------------------------------------------------------------------------- */


static const struct pb_field PodFailurePolicyOnExitCodesRequirement_f[] = {
    F(1, "containerName", STRING, PF_OMIT|PF_PTR),
    F(2, "operator", STRING, 0),
    F(3, "values", INT32, PF_REP),
};
MSG(PodFailurePolicyOnExitCodesRequirement);

static const struct pb_field PodFailurePolicyOnPodConditionsPattern_f[] = {
    F(1, "type", STRING, 0),
    F(2, "status", STRING, 0),
};
MSG(PodFailurePolicyOnPodConditionsPattern);

static const struct pb_field PodFailurePolicyRule_f[] = {
    F(1, "action", STRING, 0),
    M(2, "onExitCodes", PodFailurePolicyOnExitCodesRequirement, PF_OMIT|PF_PTR),
    M(3, "onPodConditions", PodFailurePolicyOnPodConditionsPattern, PF_REP|PF_OMIT),
};
MSG(PodFailurePolicyRule);

static const struct pb_field PodFailurePolicy_f[] = {
    M(1, "rules", PodFailurePolicyRule, PF_REP),
};
MSG(PodFailurePolicy);

static const struct pb_field SuccessPolicyRule_f[] = {
    F(1, "succeededIndexes", STRING, PF_OMIT|PF_PTR),
    F(2, "succeededCount", INT32, PF_OMIT|PF_PTR),
};
MSG(SuccessPolicyRule);

static const struct pb_field SuccessPolicy_f[] = {
    M(1, "rules", SuccessPolicyRule, PF_REP),
};
MSG(SuccessPolicy);

static const struct pb_field JobSpec_f[] = {
    F(1, "parallelism", INT32, PF_OMIT|PF_PTR),
    F(2, "completions", INT32, PF_OMIT|PF_PTR),
    F(3, "activeDeadlineSeconds", INT64, PF_OMIT|PF_PTR),
    M(11, "podFailurePolicy", PodFailurePolicy, PF_OMIT|PF_PTR),
    M(16, "successPolicy", SuccessPolicy, PF_OMIT|PF_PTR),
    F(7, "backoffLimit", INT32, PF_OMIT|PF_PTR),
    F(12, "backoffLimitPerIndex", INT32, PF_OMIT|PF_PTR),
    F(13, "maxFailedIndexes", INT32, PF_OMIT|PF_PTR),
    M(4, "selector", LabelSelector, PF_OMIT|PF_PTR),
    F(5, "manualSelector", BOOL, PF_OMIT|PF_PTR),
    M(6, "template", PodTemplateSpec, 0),
    F(8, "ttlSecondsAfterFinished", INT32, PF_OMIT|PF_PTR),
    F(9, "completionMode", STRING, PF_OMIT|PF_PTR),
    F(10, "suspend", BOOL, PF_OMIT|PF_PTR),
    F(14, "podReplacementPolicy", STRING, PF_OMIT|PF_PTR),
    F(15, "managedBy", STRING, PF_OMIT|PF_PTR),
};
MSG(JobSpec);

static const struct pb_field JobCondition_f[] = {
    F(1, "type", STRING, 0),
    F(2, "status", STRING, 0),
    F(3, "lastProbeTime", TIME, PF_OMIT),
    F(4, "lastTransitionTime", TIME, PF_OMIT),
    F(5, "reason", STRING, PF_OMIT),
    F(6, "message", STRING, PF_OMIT),
};
MSG(JobCondition);

static const struct pb_field UncountedTerminatedPods_f[] = {
    F(1, "succeeded", STRING, PF_REP|PF_OMIT),
    F(2, "failed", STRING, PF_REP|PF_OMIT),
};
MSG(UncountedTerminatedPods);

static const struct pb_field JobStatus_f[] = {
    M(1, "conditions", JobCondition, PF_REP|PF_OMIT),
    F(2, "startTime", TIME, PF_OMIT|PF_PTR),
    F(3, "completionTime", TIME, PF_OMIT|PF_PTR),
    F(4, "active", INT32, PF_OMIT),
    F(5, "succeeded", INT32, PF_OMIT),
    F(6, "failed", INT32, PF_OMIT),
    F(11, "terminating", INT32, PF_OMIT|PF_PTR),
    F(7, "completedIndexes", STRING, PF_OMIT),
    F(10, "failedIndexes", STRING, PF_OMIT|PF_PTR),
    M(8, "uncountedTerminatedPods", UncountedTerminatedPods, PF_OMIT|PF_PTR),
    F(9, "ready", INT32, PF_OMIT|PF_PTR),
};
MSG(JobStatus);

static const struct pb_field Job_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    M(2, "spec", JobSpec, PF_OMIT),
    M(3, "status", JobStatus, PF_OMIT),
};
MSG(Job);

static const struct pb_field JobTemplateSpec_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    M(2, "spec", JobSpec, PF_OMIT),
};
MSG(JobTemplateSpec);

static const struct pb_field CronJobSpec_f[] = {
    F(1, "schedule", STRING, 0),
    F(8, "timeZone", STRING, PF_OMIT|PF_PTR),
    F(2, "startingDeadlineSeconds", INT64, PF_OMIT|PF_PTR),
    F(3, "concurrencyPolicy", STRING, PF_OMIT),
    F(4, "suspend", BOOL, PF_OMIT|PF_PTR),
    M(5, "jobTemplate", JobTemplateSpec, 0),
    F(6, "successfulJobsHistoryLimit", INT32, PF_OMIT|PF_PTR),
    F(7, "failedJobsHistoryLimit", INT32, PF_OMIT|PF_PTR),
};
MSG(CronJobSpec);

static const struct pb_field CronJobStatus_f[] = {
    M(1, "active", ObjectReference, PF_REP|PF_OMIT),
    F(4, "lastScheduleTime", TIME, PF_OMIT|PF_PTR),
    F(5, "lastSuccessfulTime", TIME, PF_OMIT|PF_PTR),
};
MSG(CronJobStatus);

static const struct pb_field CronJob_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    M(2, "spec", CronJobSpec, PF_OMIT),
    M(3, "status", CronJobStatus, PF_OMIT),
};
MSG(CronJob);

/* ---------------------------------------------------------------------------------------------
 * k8s.io/api networking.k8s.io/v1: Ingress
 * ------------------------------------------------------------------------------------------- */


static const struct pb_field TypedLocalObjectReference_f[] = {
    F(1, "apiGroup", STRING, PF_PTR),
    F(2, "kind", STRING, 0),
    F(3, "name", STRING, 0),
};
MSG(TypedLocalObjectReference);

static const struct pb_field ServiceBackendPort_f[] = {
    F(1, "name", STRING, PF_OMIT),
    F(2, "number", INT32, PF_OMIT),
};
MSG(ServiceBackendPort);

static const struct pb_field IngressServiceBackend_f[] = {
    F(1, "name", STRING, 0),
    M(2, "port", ServiceBackendPort, PF_OMIT),
};
MSG(IngressServiceBackend);

static const struct pb_field IngressBackend_f[] = {
    M(4, "service", IngressServiceBackend, PF_OMIT|PF_PTR),
    M(3, "resource", TypedLocalObjectReference, PF_OMIT|PF_PTR),
};
MSG(IngressBackend);

static const struct pb_field HTTPIngressPath_f[] = {
    F(1, "path", STRING, PF_OMIT),
    F(3, "pathType", STRING, PF_PTR),
    M(2, "backend", IngressBackend, 0),
};
MSG(HTTPIngressPath);

static const struct pb_field HTTPIngressRuleValue_f[] = {
    M(1, "paths", HTTPIngressPath, PF_REP),
};
MSG(HTTPIngressRuleValue);

static const struct pb_field IngressRuleValue_f[] = {
    M(1, "http", HTTPIngressRuleValue, PF_OMIT|PF_PTR),
};
MSG(IngressRuleValue);

static const struct pb_field IngressRule_f[] = {
    F(1, "host", STRING, PF_OMIT),
    M(2, "ingressRuleValue", IngressRuleValue, PF_INLINE),
};
MSG(IngressRule);

static const struct pb_field IngressTLS_f[] = {
    F(1, "hosts", STRING, PF_REP|PF_OMIT),
    F(2, "secretName", STRING, PF_OMIT),
};
MSG(IngressTLS);

static const struct pb_field IngressSpec_f[] = {
    F(4, "ingressClassName", STRING, PF_OMIT|PF_PTR),
    M(1, "defaultBackend", IngressBackend, PF_OMIT|PF_PTR),
    M(2, "tls", IngressTLS, PF_REP|PF_OMIT),
    M(3, "rules", IngressRule, PF_REP|PF_OMIT),
};
MSG(IngressSpec);

static const struct pb_field IngressPortStatus_f[] = {
    F(1, "port", INT32, 0),
    F(2, "protocol", STRING, 0),
    F(3, "error", STRING, PF_OMIT|PF_PTR),
};
MSG(IngressPortStatus);

static const struct pb_field IngressLoadBalancerIngress_f[] = {
    F(1, "ip", STRING, PF_OMIT),
    F(2, "hostname", STRING, PF_OMIT),
    M(4, "ports", IngressPortStatus, PF_REP|PF_OMIT),
};
MSG(IngressLoadBalancerIngress);

static const struct pb_field IngressLoadBalancerStatus_f[] = {
    M(1, "ingress", IngressLoadBalancerIngress, PF_REP|PF_OMIT),
};
MSG(IngressLoadBalancerStatus);

static const struct pb_field IngressStatus_f[] = {
    M(1, "loadBalancer", IngressLoadBalancerStatus, PF_OMIT),
};
MSG(IngressStatus);

static const struct pb_field Ingress_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    M(2, "spec", IngressSpec, PF_OMIT),
    M(3, "status", IngressStatus, PF_OMIT),
};
MSG(Ingress);

/* ---------------------------------------------------------------------------------------------
 * k8s.io/api rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding
 * ------------------------------------------------------------------------------------------- */


static const struct pb_field PolicyRule_f[] = {
    F(1, "verbs", STRING, PF_REP),
    F(2, "apiGroups", STRING, PF_REP|PF_OMIT),
    F(3, "resources", STRING, PF_REP|PF_OMIT),
    F(4, "resourceNames", STRING, PF_REP|PF_OMIT),
    F(5, "nonResourceURLs", STRING, PF_REP|PF_OMIT),
};
MSG(PolicyRule);

static const struct pb_field Role_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    M(2, "rules", PolicyRule, PF_REP),
};
MSG(Role);

static const struct pb_field AggregationRule_f[] = {
    M(1, "clusterRoleSelectors", LabelSelector, PF_REP|PF_OMIT),
};
MSG(AggregationRule);

static const struct pb_field ClusterRole_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    M(2, "rules", PolicyRule, PF_REP),
    M(3, "aggregationRule", AggregationRule, PF_OMIT|PF_PTR),
};
MSG(ClusterRole);

static const struct pb_field Subject_f[] = {
    F(1, "kind", STRING, 0),
    F(2, "apiGroup", STRING, PF_OMIT),
    F(3, "name", STRING, 0),
    F(4, "namespace", STRING, PF_OMIT),
};
MSG(Subject);

static const struct pb_field RoleRef_f[] = {
    F(1, "apiGroup", STRING, 0),
    F(2, "kind", STRING, 0),
    F(3, "name", STRING, 0),
};
MSG(RoleRef);

/* RoleBinding and ClusterRoleBinding share their shape. */
static const struct pb_field RoleBinding_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    M(2, "subjects", Subject, PF_REP|PF_OMIT),
    M(3, "roleRef", RoleRef, 0),
};
MSG(RoleBinding);

/* ---------------------------------------------------------------------------------------------
 * k8s.io/api policy/v1: PodDisruptionBudget
 * ------------------------------------------------------------------------------------------- */


static const struct pb_field PodDisruptionBudgetSpec_f[] = {
    F(1, "minAvailable", INTSTR, PF_OMIT|PF_PTR),
    M(2, "selector", LabelSelector, PF_OMIT|PF_PTR),
    F(3, "maxUnavailable", INTSTR, PF_OMIT|PF_PTR),
    F(4, "unhealthyPodEvictionPolicy", STRING, PF_OMIT|PF_PTR),
};
MSG(PodDisruptionBudgetSpec);

static const struct pb_field PodDisruptionBudgetStatus_f[] = {
    F(1, "observedGeneration", INT64, PF_OMIT),
    F(2, "disruptedPods", MAP_TIME, PF_OMIT),
    F(3, "disruptionsAllowed", INT32, 0),
    F(4, "currentHealthy", INT32, 0),
    F(5, "desiredHealthy", INT32, 0),
    F(6, "expectedPods", INT32, 0),
    M(7, "conditions", Condition, PF_REP|PF_OMIT),
};
MSG(PodDisruptionBudgetStatus);

static const struct pb_field PodDisruptionBudget_f[] = {
    M(1, "metadata", ObjectMeta, PF_OMIT),
    M(2, "spec", PodDisruptionBudgetSpec, PF_OMIT),
    M(3, "status", PodDisruptionBudgetStatus, PF_OMIT),
};
MSG(PodDisruptionBudget);

/* The kinds a body may carry, by the envelope's apiVersion and kind. Anything else is answered
 * 415, as for a kind this server could not decode. */
static const struct {
    const char *api_version, *kind;
    const struct pb_msg *msg;
} pb_kinds[] = {
    {"v1", "Namespace", &pb_Namespace},
    {"v1", "ConfigMap", &pb_ConfigMap},
    {"v1", "Secret", &pb_Secret},
    {"v1", "ServiceAccount", &pb_ServiceAccount},
    {"v1", "Service", &pb_Service},
    {"apps/v1", "Deployment", &pb_Deployment},
    {"batch/v1", "Job", &pb_Job},
    {"batch/v1", "CronJob", &pb_CronJob},
    {"networking.k8s.io/v1", "Ingress", &pb_Ingress},
    {"rbac.authorization.k8s.io/v1", "Role", &pb_Role},
    {"rbac.authorization.k8s.io/v1", "ClusterRole", &pb_ClusterRole},
    {"rbac.authorization.k8s.io/v1", "RoleBinding", &pb_RoleBinding},
    {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", &pb_RoleBinding},
    {"policy/v1", "PodDisruptionBudget", &pb_PodDisruptionBudget},
};

static const struct pb_msg *pb_lookup_kind(const char *api_version, const char *kind)
{
    for (size_t i = 0; i < sizeof pb_kinds / sizeof pb_kinds[0]; i++)
        if (!strcmp(pb_kinds[i].api_version, api_version) && !strcmp(pb_kinds[i].kind, kind))
            return pb_kinds[i].msg;
    return NULL;
}
