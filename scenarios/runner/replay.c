/* replay.c: `cutover replay` (replay.h). Reads a recording (the fake API server's SQLite store,
 * whose events table keeps every object version) read-only and prints its timeline, the state of
 * every object right after one event, or one object's versions with the differences between
 * them. Owns the small JSON diff these use (changed, added and removed leaves; arrays compared
 * index by index; metadata.resourceVersion ignored, since it changes with every write). */
#include "scenarios/runner/replay.h"

#include "common/buf.h"
#include "common/clock.h"
#include "common/json.h"

#include <ctype.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
    SUMMARY_PATHS = 3,    /* changed paths named in a timeline line before "+N more" */
    SUMMARY_VALUE = 40,   /* a value in a timeline summary is cut to this many bytes */
    DIFF_VALUE = 120,     /* a value in an --object diff line is cut to this many bytes */
    MAX_ACTOR_W = 28,     /* column widths stop growing here; longer values just overflow */
    MAX_VERB_W = 12,
    MAX_KIND_W = 24,
    MAX_NAME_W = 56,
};

/* ---- small helpers ---------------------------------------------------------------------- */

static const char *nz(const char *s) { return s ? s : ""; }

static void fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* "ns/name", or just "name" for a cluster-scoped object. */
static void obj_ref(co_buf *b, const char *ns, const char *name)
{
    if (ns && *ns)
        co_buf_printf(b, "%s/%s", ns, nz(name));
    else
        co_buf_adds(b, nz(name));
}

/* Offset from the first event as HH:MM:SS.mmm (hours grow past 99 if they must). */
static char *rel_time(int64_t ms, char buf[40])
{
    const char *sign = "";
    uint64_t u = (uint64_t)ms;
    if (ms < 0) {
        sign = "-";
        u = (uint64_t)0 - u;
    }
    snprintf(buf, 40, "%s%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64, sign, u / 3600000,
             u / 60000 % 60, u / 1000 % 60, u % 1000);
    return buf;
}

/* RFC 3339 with milliseconds: "2026-01-01T00:00:01.500Z". */
static char *abs_time(int64_t ms, char buf[40])
{
    char s[32];
    co_time_rfc3339(ms, s);
    size_t n = strlen(s);
    if (n && s[n - 1] == 'Z')
        s[n - 1] = 0;
    snprintf(buf, 40, "%s.%03dZ", s, (int)(((ms % 1000) + 1000) % 1000));
    return buf;
}

/* Cuts s to at most max bytes (at a UTF-8 character boundary), ending in "..." when cut. */
static void add_cut(co_buf *b, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        co_buf_add(b, s, n);
        return;
    }
    n = max > 3 ? max - 3 : 0;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    co_buf_add(b, s, n);
    co_buf_adds(b, "...");
}

/* A value as compact JSON, cut to max bytes. */
static void add_json_cut(co_buf *b, const cJSON *v, size_t max)
{
    char *s = cJSON_PrintUnformatted(v);
    add_cut(b, s ? s : "?", max);
    free(s);
}

/* A value for a one-line summary: strings bare when printable, anything else as JSON. */
static void add_summary_value(co_buf *b, const cJSON *v)
{
    if (!v) {
        co_buf_adds(b, "<none>");
        return;
    }
    if (cJSON_IsString(v) && v->valuestring[0]) {
        bool plain = true;
        for (const unsigned char *p = (const unsigned char *)v->valuestring; *p && plain; p++)
            plain = *p >= 0x20 && *p != 0x7f;
        if (plain) {
            add_cut(b, v->valuestring, SUMMARY_VALUE);
            return;
        }
    }
    add_json_cut(b, v, SUMMARY_VALUE);
}

/* Row text that may not be JSON at all, made printable for a message. */
static void add_raw_cut(co_buf *b, const char *s, size_t max)
{
    co_buf tmp = {0};
    for (const unsigned char *p = (const unsigned char *)nz(s); *p; p++)
        co_buf_add(&tmp, *p < 0x20 || *p == 0x7f ? "?" : (const char *)p, 1);
    add_cut(b, tmp.data ? tmp.data : "", max);
    co_buf_free(&tmp);
}

/* Parses a row's JSON; NULL when missing or malformed. */
static cJSON *parse_row(const char *json)
{
    return json ? cj_parse(json, strlen(json)) : NULL;
}

/* Indented JSON (two spaces a level, every line starting with `base` spaces). */
static void add_indent(co_buf *b, int n)
{
    for (int i = 0; i < n; i++)
        co_buf_add(b, " ", 1);
}

static void add_pretty(co_buf *b, const cJSON *v, int base, int depth)
{
    bool obj = cJSON_IsObject(v);
    if ((obj || cJSON_IsArray(v)) && v->child) {
        co_buf_adds(b, obj ? "{\n" : "[\n");
        for (const cJSON *c = v->child; c; c = c->next) {
            add_indent(b, base + 2 * (depth + 1));
            if (obj) {
                co_buf_json_str(b, nz(c->string));
                co_buf_adds(b, ": ");
            }
            add_pretty(b, c, base, depth + 1);
            co_buf_adds(b, c->next ? ",\n" : "\n");
        }
        add_indent(b, base + 2 * depth);
        co_buf_adds(b, obj ? "}" : "]");
        return;
    }
    char *s = cJSON_PrintUnformatted(v);
    co_buf_adds(b, s ? s : "null");
    free(s);
}

/* ---- the JSON diff ---------------------------------------------------------------------- */

typedef struct {
    char *path;
    const cJSON *old, *new; /* old NULL: added; new NULL: removed; both: changed */
} change;

typedef struct {
    change *v;
    size_t n, cap;
} changes;

static void changes_free(changes *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].path);
    free(c->v);
    memset(c, 0, sizeof *c);
}

static void note(changes *c, const co_buf *path, const cJSON *old, const cJSON *new)
{
    const char *p = path->data ? path->data : "";
    if (!strcmp(p, "metadata.resourceVersion")) /* every write bumps it; the seq says as much */
        return;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        change *v = realloc(c->v, c->cap * sizeof *v);
        if (!v)
            abort();
        c->v = v;
    }
    c->v[c->n++] = (change){strdup(*p ? p : "(root)"), old, new};
}

static bool plain_key(const char *k)
{
    if (!*k)
        return false;
    for (const unsigned char *p = (const unsigned char *)k; *p; p++)
        if (!isalnum(*p) && !strchr("_-/:$@", *p))
            return false;
    return true;
}

/* Appends a member to a path: .key, or ["key"] when the key has dots or other punctuation. */
static void path_key(co_buf *path, const char *k)
{
    if (plain_key(k)) {
        if (path->len)
            co_buf_add(path, ".", 1);
        co_buf_adds(path, k);
    } else {
        co_buf_add(path, "[", 1);
        co_buf_json_str(path, k);
        co_buf_add(path, "]", 1);
    }
}

static void path_cut(co_buf *path, size_t len)
{
    path->len = len;
    if (path->data)
        path->data[len] = 0;
}

static void diff(const cJSON *a, const cJSON *b, co_buf *path, changes *out)
{
    size_t len = path->len;
    if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
        for (const cJSON *x = a->child; x; x = x->next) {
            const char *k = nz(x->string);
            path_key(path, k);
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, k);
            if (y)
                diff(x, y, path, out);
            else
                note(out, path, x, NULL);
            path_cut(path, len);
        }
        for (const cJSON *y = b->child; y; y = y->next) {
            const char *k = nz(y->string);
            if (cJSON_GetObjectItemCaseSensitive(a, k))
                continue;
            path_key(path, k);
            note(out, path, NULL, y);
            path_cut(path, len);
        }
    } else if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
        const cJSON *x = a->child, *y = b->child;
        for (int i = 0; x || y; i++) {
            co_buf_printf(path, "[%d]", i);
            if (x && y)
                diff(x, y, path, out);
            else
                note(out, path, x, y);
            path_cut(path, len);
            x = x ? x->next : NULL;
            y = y ? y->next : NULL;
        }
    } else if (!cJSON_Compare(a, b, 1)) {
        note(out, path, a, b);
    }
}

static void diff_objects(const cJSON *a, const cJSON *b, changes *out)
{
    co_buf path = {0};
    diff(a, b, &path, out);
    co_buf_free(&path);
}

/* "status.phase: Progressing -> Healthy, spec.replicas: 3 -> 5 +2 more" */
static void add_summary(co_buf *b, const changes *c)
{
    if (!c->n) {
        co_buf_adds(b, "no changes");
        return;
    }
    for (size_t i = 0; i < c->n && i < SUMMARY_PATHS; i++) {
        co_buf_printf(b, "%s%s: ", i ? ", " : "", c->v[i].path);
        add_summary_value(b, c->v[i].old);
        co_buf_adds(b, " -> ");
        add_summary_value(b, c->v[i].new);
    }
    if (c->n > SUMMARY_PATHS)
        co_buf_printf(b, " +%zu more", c->n - SUMMARY_PATHS);
}

/* "  ~ path: old -> new", "  + path: value", "  - path", one line each. */
static void add_diff_lines(co_buf *b, const changes *c, bool deleted)
{
    if (!c->n)
        co_buf_adds(b, deleted ? "  (deleted; no other changes)\n" : "  (no changes)\n");
    for (size_t i = 0; i < c->n; i++) {
        const change *d = &c->v[i];
        if (d->old && d->new) {
            co_buf_printf(b, "  ~ %s: ", d->path);
            add_json_cut(b, d->old, DIFF_VALUE);
            co_buf_adds(b, " -> ");
            add_json_cut(b, d->new, DIFF_VALUE);
        } else if (d->new) {
            co_buf_printf(b, "  + %s: ", d->path);
            add_json_cut(b, d->new, DIFF_VALUE);
        } else {
            co_buf_printf(b, "  - %s", d->path);
        }
        co_buf_add(b, "\n", 1);
    }
}

/* [{"path","old","new"}], old missing for an addition, new missing for a removal. */
static cJSON *changes_json(const changes *c)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < c->n; i++) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "path", c->v[i].path);
        if (c->v[i].old)
            cJSON_AddItemToObject(d, "old", cJSON_Duplicate(c->v[i].old, 1));
        if (c->v[i].new)
            cJSON_AddItemToObject(d, "new", cJSON_Duplicate(c->v[i].new, 1));
        cJSON_AddItemToArray(arr, d);
    }
    return arr;
}

/* ---- the recording ---------------------------------------------------------------------- */

typedef struct {
    char *key, *kind;
} key_kind;

typedef struct {
    sqlite3 *db;
    const char *path;
    FILE *out;
    char *err;
    size_t errlen;
    int64_t count, first, last, t0, compacted;
    key_kind *kinds; /* each storage key's kind, from its latest version (NULL: that has none) */
    size_t nkinds;
} recording;

/* One row of the events table; the strings belong to the statement (or to a copy). */
typedef struct {
    int64_t seq, time;
    const char *verb, *actor, *key, *ns, *name, *type, *json, *old;
} ev;

typedef struct {
    int seq, actor, verb, type, kind, name;
} widths;

#define EV_COLUMNS "rv,time,verb,actor,key,ns,name,type,json,old"

static ev ev_read(sqlite3_stmt *st)
{
    const char *t[10];
    for (int i = 2; i < 10; i++)
        t[i] = (const char *)sqlite3_column_text(st, i);
    return (ev){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), t[2], t[3], t[4], t[5], t[6], t[7], t[8],
                t[9]};
}

static int db_fail(recording *r, const char *what)
{
    fail(r->err, r->errlen, "%s: %s: %s", r->path, what, sqlite3_errmsg(r->db));
    return -1;
}

static sqlite3_stmt *prepare(recording *r, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_fail(r, "cannot read the events");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* Steps to the next row: 1 a row, 0 done, -1 an error (with the message set). */
static int step(recording *r, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return db_fail(r, "reading the events");
}

static const char *kind_of_key(const recording *r, const char *key)
{
    for (size_t i = 0; i < r->nkinds; i++)
        if (!strcmp(r->kinds[i].key, key))
            return r->kinds[i].kind;
    return NULL;
}

/* The kind to show for a row: the object's own, else the one its storage key usually has, else
 * the storage key itself. */
static const char *row_kind(const recording *r, const cJSON *obj, const char *key)
{
    const char *k = cj_str(obj, "kind");
    if (k && *k)
        return k;
    k = kind_of_key(r, nz(key));
    return k ? k : nz(key);
}

static void close_recording(recording *r)
{
    for (size_t i = 0; i < r->nkinds; i++) {
        free(r->kinds[i].key);
        free(r->kinds[i].kind);
    }
    free(r->kinds);
    sqlite3_close(r->db);
}

static int open_recording(recording *r)
{
    if (sqlite3_open_v2(r->path, &r->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fail(r->err, r->errlen, "%s: cannot open: %s", r->path, r->db ? sqlite3_errmsg(r->db) : "out of memory");
        return -1;
    }
    sqlite3_busy_timeout(r->db, 2000); /* a run still writing to it */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='events'", -1, &st,
                           NULL) != SQLITE_OK) {
        fail(r->err, r->errlen, "%s: not a recording (%s)", r->path, sqlite3_errmsg(r->db));
        sqlite3_finalize(st);
        return -1;
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_DONE)
            fail(r->err, r->errlen, "%s: not a recording (no events table; record one with `cutover run --db FILE`)",
                 r->path);
        else
            fail(r->err, r->errlen, "%s: not a recording (%s)", r->path, sqlite3_errmsg(r->db));
        return -1;
    }
    /* every column replay reads must be there */
    if (sqlite3_prepare_v2(r->db, "SELECT " EV_COLUMNS " FROM events LIMIT 0", -1, &st, NULL) != SQLITE_OK) {
        fail(r->err, r->errlen, "%s: not a recording (the events table is not the fake API server's: %s)", r->path,
             sqlite3_errmsg(r->db));
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);

    if (!(st = prepare(r, "SELECT count(*), min(rv), max(rv),"
                          " (SELECT time FROM events ORDER BY rv LIMIT 1) FROM events")))
        return -1;
    if (step(r, st) == 1) {
        r->count = sqlite3_column_int64(st, 0);
        r->first = sqlite3_column_int64(st, 1);
        r->last = sqlite3_column_int64(st, 2);
        r->t0 = sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);
    /* a store that kept only recent history says how far it compacted (no meta table: none) */
    if (sqlite3_prepare_v2(r->db, "SELECT v FROM meta WHERE k='compacted'", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        r->compacted = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);

    /* the kind of each storage key, from the latest version of its objects that says */
    if (!(st = prepare(r, "SELECT key, json FROM events"
                          " WHERE rv IN (SELECT max(rv) FROM events GROUP BY key) ORDER BY key")))
        return -1;
    while ((rc = step(r, st)) == 1) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        cJSON *o = parse_row((const char *)sqlite3_column_text(st, 1));
        const char *kind = cj_str(o, "kind");
        if (key) { /* kind NULL: rows of this key show the key itself */
            key_kind *v = realloc(r->kinds, (r->nkinds + 1) * sizeof *v);
            if (!v)
                abort();
            r->kinds = v;
            r->kinds[r->nkinds++] = (key_kind){strdup(key), kind && *kind ? strdup(kind) : NULL};
        }
        cJSON_Delete(o);
    }
    sqlite3_finalize(st);
    return rc;
}

static int max_int(int a, int b) { return a > b ? a : b; }
static int min_int(int a, int b) { return a < b ? a : b; }

static int digits(int64_t v)
{
    int n = 1;
    for (; v >= 10; v /= 10)
        n++;
    return n;
}

static void widen(widths *w, const ev *e, const char *kind)
{
    w->seq = max_int(w->seq, digits(e->seq));
    w->actor = min_int(max_int(w->actor, (int)strlen(e->actor ? e->actor : "-")), MAX_ACTOR_W);
    w->verb = min_int(max_int(w->verb, (int)strlen(e->verb ? e->verb : "-")), MAX_VERB_W);
    w->type = max_int(w->type, (int)strlen(nz(e->type)));
    w->kind = min_int(max_int(w->kind, (int)strlen(kind)), MAX_KIND_W);
    int name = (int)strlen(nz(e->name)) + (e->ns && *e->ns ? (int)strlen(e->ns) + 1 : 0);
    w->name = min_int(max_int(w->name, name), MAX_NAME_W);
}

/* The timeline's widths, from the whole log without reading every object. */
static int timeline_widths(recording *r, widths *w)
{
    sqlite3_stmt *st = prepare(r, "SELECT max(length(actor)), max(length(verb)), max(length(type)),"
                                  " max(length(name) + CASE WHEN ns = '' THEN 0 ELSE length(ns) + 1 END) FROM events");
    if (!st)
        return -1;
    int rc = step(r, st);
    if (rc == 1) {
        w->seq = digits(r->last);
        w->actor = min_int(max_int(1, sqlite3_column_int(st, 0)), MAX_ACTOR_W);
        w->verb = min_int(max_int(1, sqlite3_column_int(st, 1)), MAX_VERB_W);
        w->type = sqlite3_column_int(st, 2);
        w->name = min_int(sqlite3_column_int(st, 3), MAX_NAME_W);
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < r->nkinds; i++) {
        const char *k = r->kinds[i].kind ? r->kinds[i].kind : r->kinds[i].key;
        w->kind = min_int(max_int(w->kind, (int)strlen(k)), MAX_KIND_W);
    }
    return rc < 0 ? -1 : 0;
}

/* "<seq> <time> <actor> <verb> <TYPE> <Kind> <ns>/<name>[  <summary>]" */
static void add_line(co_buf *b, const recording *r, const widths *w, const ev *e, const char *kind,
                     const char *summary)
{
    char t[40];
    co_buf ref = {0};
    obj_ref(&ref, e->ns, e->name);
    bool more = summary && *summary;
    co_buf_printf(b, "%*" PRId64 " %s %-*s %-*s %-*s %-*s %-*s%s%s\n", w->seq, e->seq, rel_time(e->time - r->t0, t),
                  w->actor, e->actor ? e->actor : "-", w->verb, e->verb ? e->verb : "-", w->type, nz(e->type), w->kind,
                  kind, more ? w->name : 0, ref.data ? ref.data : "", more ? "  " : "", more ? summary : "");
    co_buf_free(&ref);
}

/* {"seq","time","actor","verb","type","kind","namespace","name","object"[, ...]} without the
 * closing brace, so a caller can add members. */
static void add_json_head(co_buf *b, const ev *e, const char *kind, const cJSON *obj)
{
    char t[40];
    co_buf_printf(b, "{\"seq\":%" PRId64 ",\"time\":\"%s\",\"actor\":", e->seq, abs_time(e->time, t));
    co_buf_json_str(b, nz(e->actor));
    co_buf_adds(b, ",\"verb\":");
    co_buf_json_str(b, nz(e->verb));
    co_buf_adds(b, ",\"type\":");
    co_buf_json_str(b, nz(e->type));
    co_buf_adds(b, ",\"kind\":");
    co_buf_json_str(b, kind);
    co_buf_adds(b, ",\"namespace\":");
    co_buf_json_str(b, nz(e->ns));
    co_buf_adds(b, ",\"name\":");
    co_buf_json_str(b, nz(e->name));
    co_buf_adds(b, ",\"object\":");
    char *s = obj ? cJSON_PrintUnformatted(obj) : NULL;
    co_buf_adds(b, s ? s : "null");
    free(s);
}

static int flush(recording *r, co_buf *b)
{
    if (b->len && fwrite(b->data, 1, b->len, r->out) != b->len) {
        fail(r->err, r->errlen, "%s: cannot write the output", r->path);
        return -1;
    }
    path_cut(b, 0);
    return 0;
}

/* The version before a MODIFIED event whose row lacks it (a hand-made or older recording). */
static cJSON *previous_version(recording *r, const ev *e)
{
    sqlite3_stmt *st = NULL;
    cJSON *o = NULL;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT json FROM events WHERE key=?1 AND ns=?2 AND name=?3 AND rv<?4"
                           " ORDER BY rv DESC LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, nz(e->key), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, nz(e->ns), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, nz(e->name), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, e->seq);
        if (sqlite3_step(st) == SQLITE_ROW)
            o = parse_row((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return o;
}

/* What a MODIFIED event changed, in a few words. */
static void modified_summary(recording *r, const ev *e, const cJSON *obj, co_buf *b)
{
    cJSON *old = e->old ? parse_row(e->old) : previous_version(r, e);
    if (!obj || !old) {
        co_buf_adds(b, !obj ? "(malformed JSON in this event)" : "(previous version unreadable)");
    } else {
        changes c = {0};
        diff_objects(old, obj, &c);
        add_summary(b, &c);
        changes_free(&c);
    }
    cJSON_Delete(old);
}

/* ---- the three views -------------------------------------------------------------------- */

static int timeline(recording *r, bool jsonl)
{
    widths w = {0};
    co_buf b = {0}, summary = {0};
    if (!jsonl) {
        if (timeline_widths(r, &w) < 0)
            return -1;
        char t[40];
        if (r->count)
            co_buf_printf(&b, "# %s: %" PRId64 " events, seq %" PRId64 "..%" PRId64 ", starting %s\n", r->path,
                          r->count, r->first, r->last, abs_time(r->t0, t));
        else
            co_buf_printf(&b, "# %s: no events\n", r->path);
        if (r->compacted)
            co_buf_printf(&b,
                          "# note: events up to seq %" PRId64 " were compacted away"
                          " (not recorded with keep-all history)\n",
                          r->compacted);
    }
    sqlite3_stmt *st = prepare(r, "SELECT " EV_COLUMNS " FROM events ORDER BY rv");
    int rc = st ? 0 : -1;
    while (st && (rc = step(r, st)) == 1) {
        ev e = ev_read(st);
        cJSON *obj = parse_row(e.json);
        const char *kind = row_kind(r, obj, e.key);
        if (jsonl) {
            add_json_head(&b, &e, kind, obj);
            co_buf_adds(&b, "}\n");
        } else {
            path_cut(&summary, 0);
            if (!obj)
                co_buf_adds(&summary, "(malformed JSON in this event)");
            else if (e.type && !strcmp(e.type, "MODIFIED"))
                modified_summary(r, &e, obj, &summary);
            add_line(&b, r, &w, &e, kind, summary.data);
        }
        cJSON_Delete(obj);
        if (b.len > 65536 && flush(r, &b) < 0)
            rc = -1;
        if (rc < 0)
            break;
    }
    sqlite3_finalize(st);
    if (rc == 0)
        rc = flush(r, &b);
    co_buf_free(&b);
    co_buf_free(&summary);
    return rc;
}

static int state_at(recording *r, int64_t at, bool jsonl)
{
    if (!r->count) {
        fail(r->err, r->errlen, "%s: no event %" PRId64 " (the recording is empty)", r->path, at);
        return -1;
    }
    if (at > r->last) {
        fail(r->err, r->errlen, "%s: no event %" PRId64 " (the recording ends at seq %" PRId64 ")", r->path, at,
             r->last);
        return -1;
    }
    if (at < r->first) {
        fail(r->err, r->errlen, "%s: no event %" PRId64 " (the recording starts at seq %" PRId64 "%s)", r->path, at,
             r->first, r->compacted ? "; earlier events were compacted away" : "");
        return -1;
    }
    co_buf head = {0}, body = {0};
    int count = 0, rc = 0;
    if (!jsonl) {
        /* which event this is the state after */
        sqlite3_stmt *st = prepare(r, "SELECT " EV_COLUMNS " FROM events WHERE rv<=?1 ORDER BY rv DESC LIMIT 1");
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, at);
        if ((rc = step(r, st)) == 1) {
            ev e = ev_read(st);
            cJSON *obj = parse_row(e.json);
            char t[40];
            co_buf_printf(&head, "# state after seq %" PRId64 " (%s, %s %s %s %s ", e.seq, rel_time(e.time - r->t0, t),
                          e.actor ? e.actor : "-", e.verb ? e.verb : "-", nz(e.type), row_kind(r, obj, e.key));
            obj_ref(&head, e.ns, e.name);
            co_buf_adds(&head, ")");
            cJSON_Delete(obj);
        }
        sqlite3_finalize(st);
        if (rc < 0) {
            co_buf_free(&head);
            return -1;
        }
        if (r->compacted)
            co_buf_printf(&body, "# note: events up to seq %" PRId64 " were compacted away; objects last written"
                                 " before then are missing\n", r->compacted);
    }
    sqlite3_stmt *st = prepare(r, "SELECT e.rv, e.key, e.ns, e.name, e.json FROM events e"
                                  " JOIN (SELECT max(rv) AS m FROM events WHERE rv<=?1 GROUP BY key, ns, name) l"
                                  " ON e.rv=l.m"
                                  " WHERE e.type<>'DELETED' ORDER BY e.key, e.ns, e.name");
    if (st)
        sqlite3_bind_int64(st, 1, at);
    else
        rc = -1;
    while (st && (rc = step(r, st)) == 1) {
        int64_t rv = sqlite3_column_int64(st, 0);
        const char *key = (const char *)sqlite3_column_text(st, 1), *ns = (const char *)sqlite3_column_text(st, 2),
                   *name = (const char *)sqlite3_column_text(st, 3), *json = (const char *)sqlite3_column_text(st, 4);
        cJSON *obj = parse_row(json);
        count++;
        if (jsonl) {
            if (obj) {
                char *s = cJSON_PrintUnformatted(obj);
                co_buf_adds(&body, s ? s : "null");
                free(s);
            } else {
                co_buf_printf(&body, "{\"error\":\"malformed JSON in event %" PRId64 "\",\"resource\":", rv);
                co_buf_json_str(&body, nz(key));
                co_buf_adds(&body, ",\"namespace\":");
                co_buf_json_str(&body, nz(ns));
                co_buf_adds(&body, ",\"name\":");
                co_buf_json_str(&body, nz(name));
                co_buf_adds(&body, "}");
            }
            co_buf_add(&body, "\n", 1);
        } else {
            co_buf_printf(&body, "--- %s ", row_kind(r, obj, key));
            obj_ref(&body, ns, name);
            co_buf_printf(&body, " (rv %" PRId64 ")\n", rv);
            if (obj) {
                add_pretty(&body, obj, 0, 0);
            } else {
                co_buf_adds(&body, "(malformed JSON: ");
                add_raw_cut(&body, json, DIFF_VALUE);
                co_buf_adds(&body, ")");
            }
            co_buf_add(&body, "\n", 1);
        }
        cJSON_Delete(obj);
    }
    sqlite3_finalize(st);
    if (rc == 0) {
        if (!jsonl)
            co_buf_printf(&head, ": %d object%s\n", count, count == 1 ? "" : "s");
        co_buf_add(&head, body.data, body.len);
        rc = flush(r, &head);
    }
    co_buf_free(&head);
    co_buf_free(&body);
    return rc;
}

/* One version of the followed object, its strings copied out of the statement. */
typedef struct {
    ev e;
    char *s[8];
    cJSON *obj;
} version;

static void version_free(version *v)
{
    for (int i = 0; i < 8; i++)
        free(v->s[i]);
    cJSON_Delete(v->obj);
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* Does KIND name this object: its kind (any case), its resource ("pods" of "pods", "replicasets"
 * of "replicasets.apps") or its whole storage key? */
static bool kind_matches(const recording *r, const char *want, const char *key, const cJSON *obj)
{
    size_t plural = strcspn(key, ".");
    if ((strlen(want) == plural && !strncasecmp(want, key, plural)) || !strcasecmp(want, key))
        return true;
    const char *kind = cj_str(obj, "kind");
    if (!kind)
        kind = kind_of_key(r, key);
    return kind && !strcasecmp(want, kind);
}

typedef struct {
    char *key, *ns, *kind;
} candidate;

static int follow(recording *r, const char *spec, int64_t upto, bool jsonl)
{
    /* KIND/NAME or KIND/NAMESPACE/NAME */
    char *copy = strdup(spec), *parts[3] = {NULL, NULL, NULL};
    int n = 0;
    for (char *p = copy, *slash; p && n < 4; p = slash ? slash + 1 : NULL, n++) {
        slash = strchr(p, '/');
        if (slash)
            *slash = 0;
        if (n < 3)
            parts[n] = p;
    }
    if ((n != 2 && n != 3) || !*parts[0] || !*parts[1] || (n == 3 && !*parts[2])) {
        fail(r->err, r->errlen, "bad object \"%s\": expected KIND/NAME or KIND/NAMESPACE/NAME", spec);
        free(copy);
        return -1;
    }
    const char *want = parts[0], *ns = n == 3 ? parts[1] : NULL, *name = n == 3 ? parts[2] : parts[1];

    /* every (key, namespace) with an object of that name, with its latest version's kind */
    candidate *cands = NULL;
    size_t ncands = 0;
    int rc = 0;
    sqlite3_stmt *st = prepare(r, "SELECT key, ns, json FROM events WHERE rv IN"
                                  " (SELECT max(rv) FROM events WHERE name=?1 AND (?2 IS NULL OR ns=?2)"
                                  " GROUP BY key, ns)"
                                  " ORDER BY key, ns");
    if (!st)
        rc = -1;
    else {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        if (ns)
            sqlite3_bind_text(st, 2, ns, -1, SQLITE_STATIC);
    }
    while (st && (rc = step(r, st)) == 1) {
        const char *key = nz((const char *)sqlite3_column_text(st, 0));
        cJSON *obj = parse_row((const char *)sqlite3_column_text(st, 2));
        if (kind_matches(r, want, key, obj)) {
            candidate *c = realloc(cands, (ncands + 1) * sizeof *c);
            if (!c)
                abort();
            cands = c;
            cands[ncands++] = (candidate){strdup(key), strdup(nz((const char *)sqlite3_column_text(st, 1))),
                                          strdup(row_kind(r, obj, key))};
        }
        cJSON_Delete(obj);
    }
    sqlite3_finalize(st);

    if (rc == 0 && ncands == 0) {
        fail(r->err, r->errlen, "no object %s in %s", spec, r->path);
        rc = -1;
    } else if (rc == 0 && ncands > 1) {
        co_buf m = {0};
        bool same_key = true;
        for (size_t i = 1; i < ncands; i++)
            same_key = same_key && !strcmp(cands[i].key, cands[0].key);
        if (same_key) {
            co_buf_printf(&m, "%s is ambiguous in %s: %s %s exists in namespaces ", spec, r->path, cands[0].kind, name);
            for (size_t i = 0; i < ncands; i++)
                co_buf_printf(&m, "%s%s", i ? ", " : "", *cands[i].ns ? cands[i].ns : "(cluster)");
            co_buf_printf(&m, "; name one as %s/NAMESPACE/%s", want, name);
        } else {
            co_buf_printf(&m, "%s is ambiguous in %s: it matches ", spec, r->path);
            for (size_t i = 0; i < ncands; i++) {
                co_buf_printf(&m, "%s%s ", i ? ", " : "", cands[i].key);
                obj_ref(&m, cands[i].ns, name);
            }
            co_buf_adds(&m, "; name the resource in full, as RESOURCE.GROUP/NAMESPACE/NAME");
        }
        fail(r->err, r->errlen, "%s", m.data);
        co_buf_free(&m);
        rc = -1;
    }

    /* its versions, in order */
    version *vs = NULL;
    size_t nvs = 0;
    if (rc == 0) {
        st = prepare(r, "SELECT " EV_COLUMNS " FROM events WHERE key=?1 AND ns=?2 AND name=?3 AND rv<=?4 ORDER BY rv");
        if (!st)
            rc = -1;
        else {
            sqlite3_bind_text(st, 1, cands[0].key, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, cands[0].ns, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 4, upto);
        }
        while (st && (rc = step(r, st)) == 1) {
            version *v = realloc(vs, (nvs + 1) * sizeof *v);
            if (!v)
                abort();
            vs = v;
            v = &vs[nvs++];
            ev e = ev_read(st);
            const char *src[8] = {e.verb, e.actor, e.key, e.ns, e.name, e.type, e.json, e.old};
            for (int i = 0; i < 8; i++)
                v->s[i] = dup_or_null(src[i]);
            v->e = (ev){e.seq, e.time, v->s[0], v->s[1], v->s[2], v->s[3], v->s[4], v->s[5], v->s[6], v->s[7]};
            v->obj = parse_row(v->e.json);
        }
        sqlite3_finalize(st);
        if (rc == 0 && nvs == 0) {
            fail(r->err, r->errlen, "no object %s in %s up to seq %" PRId64, spec, r->path, upto);
            rc = -1;
        }
    }

    if (rc == 0) {
        co_buf b = {0};
        widths w = {0};
        for (size_t i = 0; i < nvs; i++)
            widen(&w, &vs[i].e, row_kind(r, vs[i].obj, vs[i].e.key));
        if (!jsonl) {
            co_buf_printf(&b, "# %s ", cands[0].kind);
            obj_ref(&b, cands[0].ns, name);
            co_buf_printf(&b, " in %s: %zu version%s, seq %" PRId64 "..%" PRId64 "\n", r->path, nvs,
                          nvs == 1 ? "" : "s", vs[0].e.seq, vs[nvs - 1].e.seq);
        }
        const cJSON *prev = NULL;
        for (size_t i = 0; i < nvs; i++) {
            const version *v = &vs[i];
            const char *kind = row_kind(r, v->obj, v->e.key);
            changes c = {0};
            if (prev && v->obj)
                diff_objects(prev, v->obj, &c);
            if (jsonl) {
                add_json_head(&b, &v->e, kind, v->obj);
                if (prev && v->obj) {
                    cJSON *d = changes_json(&c);
                    char *s = cJSON_PrintUnformatted(d);
                    co_buf_adds(&b, ",\"changes\":");
                    co_buf_adds(&b, s ? s : "[]");
                    free(s);
                    cJSON_Delete(d);
                }
                co_buf_adds(&b, "}\n");
            } else {
                add_line(&b, r, &w, &v->e, kind, NULL);
                if (!v->obj) {
                    co_buf_adds(&b, "  (malformed JSON: ");
                    add_raw_cut(&b, v->e.json, DIFF_VALUE);
                    co_buf_adds(&b, ")\n");
                } else if (!prev) {
                    add_indent(&b, 2);
                    add_pretty(&b, v->obj, 2, 0);
                    co_buf_add(&b, "\n", 1);
                } else {
                    add_diff_lines(&b, &c, v->e.type && !strcmp(v->e.type, "DELETED"));
                }
            }
            changes_free(&c);
            prev = v->obj;
        }
        rc = flush(r, &b);
        co_buf_free(&b);
    }

    for (size_t i = 0; i < nvs; i++)
        version_free(&vs[i]);
    free(vs);
    for (size_t i = 0; i < ncands; i++) {
        free(cands[i].key);
        free(cands[i].ns);
        free(cands[i].kind);
    }
    free(cands);
    free(copy);
    return rc;
}

int sc_replay(const char *db_path, const sc_replay_opts *o, FILE *out, char *err, size_t errlen)
{
    static const sc_replay_opts none = {0};
    if (!o)
        o = &none;
    if (!db_path || !*db_path || !out) {
        fail(err, errlen, "replay: %s", !out ? "no output" : "no recording given");
        return -1;
    }
    recording r = {.path = db_path, .out = out, .err = err, .errlen = errlen};
    int rc = open_recording(&r);
    if (rc == 0) {
        if (o->object)
            rc = follow(&r, o->object, o->at > 0 ? o->at : INT64_MAX, o->jsonl != 0);
        else if (o->at > 0)
            rc = state_at(&r, o->at, o->jsonl != 0);
        else
            rc = timeline(&r, o->jsonl != 0);
    }
    if (rc == 0 && fflush(out) != 0) {
        fail(err, errlen, "%s: cannot write the output", db_path);
        rc = -1;
    }
    close_recording(&r);
    return rc < 0 ? -1 : 0;
}
