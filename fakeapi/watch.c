/* watch.c: watch streams, served from the store's event log.
 *
 * A watch is a chunked HTTP response whose content callback pulls events newer than its cursor
 * from the log, filters them, and writes one JSON line each. When it has nothing to send it
 * suspends its connection; every committed write resumes all suspended watches (they are few,
 * and a bookmark is owed to each anyway). Serving from the log rather than from in-memory queues
 * means a slow watcher costs nothing but its cursor, and resumption at any retained
 * resourceVersion is the same code path as live streaming.
 *
 * After a write, a watch that asked for bookmarks and saw no event of its own kind gets a
 * BOOKMARK with the store's latest resourceVersion: "every informer has caught up with the
 * store" is then a simple comparison for whoever drives a simulation. */
#include "fakeapi/internal.h"
#include "fakeapi/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct fa_watch {
    fakeapi *f;
    struct MHD_Connection *conn;
    const fa_resource *res;
    char *ns, *name; /* filters; NULL = any */
    labelsel *ls;
    fieldsel *fs;
    bool selective; /* selectors need the objects parsed */
    int64_t cursor;
    bool bookmarks, suspended, finished;
    fa_output output;  /* the objects as they are, or as Tables (kubectl get -w) or partial metadata */
    bool headers_sent; /* a Table watch sends its column definitions with the first event only */
    int64_t deadline; /* monotonic ms */
    co_buf out;
    size_t off;
    fa_watch *next, **pprev;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


/* One event line. Every object, a bookmark's too, goes through the conversion the watch asked
 * for, as the apiserver's watch encoder does; only the first Table carries column definitions. */
static void emit(fa_watch *w, const char *type, const char *json)
{
    char *converted = NULL;
    if (w->output.as != FA_AS_OBJECT) {
        converted = fa_output_event(w->res, &w->output, json, co_clock_now_ms(w->f->clock), !w->headers_sent);
        w->headers_sent |= converted && w->output.as == FA_AS_TABLE;
    }
    co_buf_printf(&w->out, "{\"type\":\"%s\",\"object\":%s}\n", type, converted ? converted : json);
    free(converted);
}

static void emit_bookmark(fa_watch *w, int64_t rv, bool initial_end)
{
    char v[256], obj[640];
    fa_gv(w->res, v, sizeof v);
    snprintf(obj, sizeof obj, "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"%lld\"%s}}",
             w->res->kind, v, (long long)rv,
             initial_end ? ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}" : "");
    emit(w, "BOOKMARK", obj);
}

/* The in-stream 410 a watch gets when the events it needs are compacted away; the stream ends. */
static void emit_expired(fa_watch *w, long long rv)
{
    co_buf_printf(&w->out, "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                           "\"status\":\"Failure\",\"message\":\"too old resource version: %lld (%lld)\","
                           "\"reason\":\"Expired\",\"code\":410}}\n",
                  rv, (long long)fa_store_compacted(w->f->store) + 1);
    w->finished = true;
}

static bool passes(fa_watch *w, const cJSON *obj)
{
    if (w->name && strcmp(cj_str(obj, "metadata.name") ? cj_str(obj, "metadata.name") : "", w->name))
        return false;
    return fa_obj_matches(w->res, NULL, w->ls, w->fs, obj);
}

/* Emits one logged change as this watcher must see it: a MODIFIED that enters the selector is
 * ADDED, one that leaves it is DELETED carrying the previous state (apiserver cacher rules). */
static int on_event(void *ud, int64_t rv, const char *type, const char *ns, const char *name, const char *json,
                    const char *old_json)
{
    fa_watch *w = ud;
    w->cursor = rv;
    if (w->ns && strcmp(ns, w->ns))
        return 0;
    if (w->name && strcmp(name, w->name))
        return 0;
    if (!w->selective) {
        emit(w, type, json);
        return 0;
    }
    cJSON *cur = cJSON_Parse(json);
    cJSON *old = old_json ? cJSON_Parse(old_json) : NULL;
    bool now = cur && passes(w, cur) && strcmp(type, "DELETED");
    bool before = !strcmp(type, "DELETED") ? (cur && passes(w, cur)) : (old && passes(w, old));
    if (now && !before)
        emit(w, "ADDED", json);
    else if (now)
        emit(w, "MODIFIED", json);
    else if (before && !strcmp(type, "DELETED"))
        emit(w, "DELETED", json);
    else if (before) {
        char rvs[24];
        snprintf(rvs, sizeof rvs, "%lld", (long long)rv);
        cj_set_str(cj_obj(old, "metadata"), "resourceVersion", rvs);
        char *s = cJSON_PrintUnformatted(old);
        emit(w, "DELETED", s);
        free(s);
    }
    cJSON_Delete(cur);
    cJSON_Delete(old);
    return 0;
}

static int on_initial(void *ud, const char *ns, const char *name, const char *json)
{
    (void)ns;
    fa_watch *w = ud;
    if (w->name && strcmp(name, w->name))
        return 0;
    if (w->selective) {
        cJSON *o = cJSON_Parse(json);
        bool ok = o && passes(w, o);
        cJSON_Delete(o);
        if (!ok)
            return 0;
    }
    emit(w, "ADDED", json);
    return 0;
}

static ssize_t drain(fa_watch *w, char *buf, size_t max)
{
    size_t n = w->out.len - w->off;
    if (n > max)
        n = max;
    memcpy(buf, w->out.data + w->off, n);
    w->off += n;
    if (w->off == w->out.len) {
        w->out.len = 0;
        w->off = 0;
    }
    return (ssize_t)n;
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    fa_watch *w = cls;
    if (w->out.len > w->off)
        return drain(w, buf, max);
    if (w->finished || w->f->stopping || mono_ms() >= w->deadline)
        return MHD_CONTENT_READER_END_OF_STREAM;
    fa_store *s = w->f->store;
    if (w->cursor < fa_store_compacted(s)) { /* fell behind a compaction: events are lost */
        emit_expired(w, w->cursor);
        return drain(w, buf, max);
    }
    /* events of this kind in batches, until something passes the filters or the log is read */
    int got;
    do
        got = fa_store_events(s, w->res->key, w->cursor, 256, on_event, w);
    while (w->out.len == 0 && got == 256);
    if (w->out.len == 0 && w->cursor < fa_store_rv(s)) {
        int64_t latest = fa_store_rv(s);
        if (w->bookmarks)
            emit_bookmark(w, latest, false);
        w->cursor = latest;
    }
    if (w->out.len > w->off)
        return drain(w, buf, max);
    w->suspended = true;
    MHD_suspend_connection(w->conn);
    return 0;
}

static void free_watch(fa_watch *w)
{
    labelsel_free(w->ls);
    fieldsel_free(w->fs);
    free(w->ns);
    free(w->name);
    co_buf_free(&w->out);
    free(w);
}

/* MHD destroys the response when the connection ends: the watch goes with it. */
static void unlink_watch(void *cls)
{
    fa_watch *w = cls;
    *w->pprev = w->next;
    if (w->next)
        w->next->pprev = w->pprev;
    free_watch(w);
}

static void resume(fa_watch *w)
{
    if (w->suspended) {
        w->suspended = false;
        MHD_resume_connection(w->conn);
    }
}

void fa_watch_notify(fakeapi *f)
{
    bool any = false;
    for (fa_watch *w = f->watches; w; w = w->next) {
        any |= w->suspended;
        resume(w);
    }
    /* In external-loop mode MHD only serves resumed connections on its next run: wake the loop
     * now rather than at its poll timeout. */
    if (any && write(f->wake[1], "w", 1) < 0) {
        /* the pipe is full, so the loop is already due to wake */
    }
}

void fa_watch_tick(fakeapi *f)
{
    int64_t now = mono_ms();
    for (fa_watch *w = f->watches; w; w = w->next)
        if (now >= w->deadline)
            resume(w);
}

void fa_watch_close_all(fakeapi *f)
{
    for (fa_watch *w = f->watches; w; w = w->next) {
        w->finished = true;
        resume(w);
    }
}

enum MHD_Result fa_watch_start(fa_req *r, labelsel *ls, fieldsel *fs)
{
    fakeapi *f = r->f;
    if (!r->conn) {
        labelsel_free(ls);
        fieldsel_free(fs);
        return fa_error(r, 405, "MethodNotAllowed", "watch needs an HTTP connection");
    }
    fa_output output;
    enum MHD_Result err;
    if (fa_output_negotiate(r, &output, &err) != 0 ||
        (output.as == FA_AS_TABLE && fa_output_options(r, &output, &err) != 0)) {
        labelsel_free(ls);
        fieldsel_free(fs);
        return err;
    }
    const char *rvs = fa_arg(r, "resourceVersion");
    bool initial_events = fa_arg_true(r, "sendInitialEvents");
    bool bookmarks = fa_arg_true(r, "allowWatchBookmarks");
    if (initial_events) {
        const char *match = fa_arg(r, "resourceVersionMatch");
        const char *problem = !match || strcmp(match, "NotOlderThan")
                                  ? "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"
                              : !bookmarks ? "sendInitialEvents requires setting allowWatchBookmarks to true" : NULL;
        if (problem) {
            labelsel_free(ls);
            fieldsel_free(fs);
            return fa_invalid(r, "", "sendInitialEvents", "FieldValueForbidden", problem);
        }
    }
    fa_watch *w = calloc(1, sizeof *w);
    w->f = f;
    w->conn = r->conn;
    w->res = r->res;
    w->ns = r->ns && r->res->namespaced ? strdup(r->ns) : NULL;
    w->name = r->name ? strdup(r->name) : NULL;
    w->ls = ls;
    w->fs = fs;
    w->selective = !labelsel_empty(ls) || !fieldsel_empty(fs);
    if (!w->name && fieldsel_name(fs) && fieldsel_empty(fs) == false) {
        /* metadata.name=X alone (kubectl wait/delete): filter cheaply without parsing */
        w->name = strdup(fieldsel_name(fs));
        w->selective = !labelsel_empty(ls);
    }
    w->bookmarks = bookmarks;
    w->output = output;
    const char *ts = fa_arg(r, "timeoutSeconds");
    long timeout = ts ? atol(ts) : 1800;
    w->deadline = mono_ms() + (timeout > 0 ? timeout : 1800) * 1000;

    long long rv = 0;
    if (rvs && *rvs) {
        char *end;
        rv = strtoll(rvs, &end, 10);
        if (*end || rv < 0) {
            free_watch(w);
            return fa_error(r, 400, "BadRequest", "invalid resource version: %s", rvs);
        }
    }
    int64_t latest = fa_store_rv(f->store);
    if (initial_events || rv == 0) {
        /* "start at most recent": the current state as ADDED events, then changes after it */
        fa_store_list(f->store, w->res->key, w->ns, NULL, NULL, on_initial, w);
        w->cursor = latest;
        if (initial_events)
            emit_bookmark(w, latest, true);
    } else if (rv < fa_store_compacted(f->store)) {
        emit_expired(w, rv);
    } else {
        w->cursor = rv;
    }
    w->next = f->watches;
    w->pprev = &f->watches;
    if (f->watches)
        f->watches->pprev = &w->next;
    f->watches = w;
    struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, reader, w, unlink_watch);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-cache, private");
    enum MHD_Result ret = MHD_queue_response(r->conn, 200, resp);
    MHD_destroy_response(resp);
    return ret;
}
