/* store.c: SQLite storage. Two tables: `objects` holds the current state, `events` is the
 * append-only log (rv INTEGER PRIMARY KEY is the global resourceVersion). Every write is one
 * transaction over both, so the log order is exactly the commit order and watches served from
 * the log never see a state the objects table did not have. */
#include "fakeapi/store.h"

#include "common/json.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { Q_GET, Q_INSERT, Q_UPDATE, Q_DELETE, Q_EVENT, Q_LIST_NS, Q_LIST_ALL, Q_EVENTS_KEY, Q_EVENTS_ALL,
       Q_CHANGED_NS, Q_CHANGED, Q_SCAN_NS, Q_OWNERS_DEL, Q_OWNERS_ADD, Q_DEPENDENTS, Q_ORPHANS, Q_ALL, Q_LOG, Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_COUNT };

static const char *const queries[Q_COUNT] = {
    [Q_GET] = "SELECT json FROM objects WHERE key=?1 AND ns=?2 AND name=?3",
    [Q_INSERT] = "INSERT INTO objects(key,ns,name,rv,json) VALUES(?1,?2,?3,?4,?5)",
    [Q_UPDATE] = "UPDATE objects SET rv=?4, json=?5 WHERE key=?1 AND ns=?2 AND name=?3",
    [Q_DELETE] = "DELETE FROM objects WHERE key=?1 AND ns=?2 AND name=?3",
    [Q_EVENT] = "INSERT INTO events(rv,time,verb,actor,key,ns,name,type,json,old) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
    /* written so SQLite walks the primary key in order: no sort, whatever the page */
    [Q_LIST_NS] = "SELECT ns,name,json FROM objects WHERE key=?1 AND ns=?2 AND name>?4 ORDER BY name",
    [Q_LIST_ALL] = "SELECT ns,name,json FROM objects WHERE key=?1 AND (ns>?3 OR (ns=?3 AND name>?4)) ORDER BY ns,name",
    [Q_EVENTS_KEY] = "SELECT rv,type,ns,name,json,old FROM events WHERE key=?1 AND rv>?2 ORDER BY rv LIMIT ?3",
    [Q_EVENTS_ALL] = "SELECT rv,type,ns,name,json,old FROM events WHERE rv>?2 ORDER BY rv LIMIT ?3",
    [Q_CHANGED_NS] = "SELECT 1 FROM events WHERE key=?1 AND rv>?2 AND ns=?3 LIMIT 1",
    [Q_CHANGED] = "SELECT 1 FROM events WHERE key=?1 AND rv>?2 LIMIT 1",
    [Q_SCAN_NS] = "SELECT key,name,json FROM objects WHERE ns=?1 ORDER BY key,name",
    [Q_OWNERS_DEL] = "DELETE FROM owners WHERE key=?1 AND ns=?2 AND name=?3",
    [Q_OWNERS_ADD] = "INSERT OR IGNORE INTO owners(owner,key,ns,name) VALUES(?4,?1,?2,?3)",
    [Q_DEPENDENTS] = "SELECT key,ns,name FROM owners WHERE owner=?1 ORDER BY key,ns,name",
    [Q_ORPHANS] = ("SELECT ns,name,json FROM objects o WHERE key=?1 AND ns=?2 AND NOT EXISTS"
                   " (SELECT 1 FROM owners w WHERE w.key=o.key AND w.ns=o.ns AND w.name=o.name) ORDER BY name"),
    [Q_ALL] = "SELECT key,name,json FROM objects ORDER BY key,ns,name",
    [Q_LOG] = "SELECT rv,time,verb,actor,key,ns,name,type,json FROM events WHERE rv>?1 ORDER BY rv",
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS objects(key TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL,"
    " rv INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY(key,ns,name)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS events(rv INTEGER PRIMARY KEY, time INTEGER NOT NULL, verb TEXT, actor TEXT,"
    " key TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, json TEXT NOT NULL, old TEXT);"
    "CREATE INDEX IF NOT EXISTS events_by_key ON events(key,rv);"
    "CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL);"
    /* who owns what (metadata.ownerReferences uids), for the garbage collector and the
     * controllers that look for their dependents */
    "CREATE TABLE IF NOT EXISTS owners(owner TEXT NOT NULL, key TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL,"
    " PRIMARY KEY(owner,key,ns,name)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS owners_by_object ON owners(key,ns,name);";

struct fa_store {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    int64_t rv, compacted;
};

static int64_t scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

fa_store *fa_store_open(const char *path, char *err, size_t errlen)
{
    fa_store *s = calloc(1, sizeof *s);
    if (sqlite3_open_v2(path ? path : ":memory:", &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK)
        goto fail;
    const char *pragmas = path ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                               : "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;";
    if (sqlite3_exec(s->db, pragmas, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    for (int i = 0; i < Q_COUNT; i++)
        if (sqlite3_prepare_v3(s->db, queries[i], -1, SQLITE_PREPARE_PERSISTENT, &s->q[i], NULL) != SQLITE_OK)
            goto fail;
    s->rv = scalar(s->db, "SELECT max(coalesce((SELECT max(rv) FROM events),0),"
                          " coalesce((SELECT max(rv) FROM objects),0),"
                          " coalesce((SELECT v FROM meta WHERE k='compacted'),0))");
    s->compacted = scalar(s->db, "SELECT v FROM meta WHERE k='compacted'");
    return s;
fail:
    snprintf(err, errlen, "%s: %s", path ? path : ":memory:", s->db ? sqlite3_errmsg(s->db) : "out of memory");
    fa_store_close(s);
    return NULL;
}

void fa_store_close(fa_store *s)
{
    if (!s)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->q[i]);
    sqlite3_close(s->db);
    free(s);
}

int64_t fa_store_rv(const fa_store *s) { return s->rv; }
int64_t fa_store_compacted(const fa_store *s) { return s->compacted; }

static sqlite3_stmt *stmt(fa_store *s, int which)
{
    sqlite3_stmt *st = s->q[which];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

char *fa_store_get(fa_store *s, const char *key, const char *ns, const char *name)
{
    sqlite3_stmt *st = stmt(s, Q_GET);
    bind_text(st, 1, key);
    bind_text(st, 2, ns ? ns : "");
    bind_text(st, 3, name);
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW)
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return out;
}

/* Steps a statement whose rows are three text columns, handing each to cb until it says stop. */
static int each_row(sqlite3_stmt *st, fa_store_row_cb cb, void *ud)
{
    int rc = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (cb(ud, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
               (const char *)sqlite3_column_text(st, 2))) {
            rc = 1;
            break;
        }
    }
    sqlite3_reset(st);
    return rc;
}

int fa_store_list(fa_store *s, const char *key, const char *ns, const char *after_ns, const char *after_name,
                  fa_store_row_cb cb, void *ud)
{
    sqlite3_stmt *st = stmt(s, ns ? Q_LIST_NS : Q_LIST_ALL);
    bind_text(st, 1, key);
    if (ns)
        bind_text(st, 2, ns);
    bind_text(st, 3, after_ns ? after_ns : "");
    bind_text(st, 4, after_name ? after_name : "");
    return each_row(st, cb, ud);
}

static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Keeps the owners table in step with the object's ownerReferences (none once deleted). */
static int index_owners(fa_store *s, const fa_write *w, const cJSON *obj)
{
    const char *ns = w->ns ? w->ns : "";
    sqlite3_stmt *st = stmt(s, Q_OWNERS_DEL);
    bind_text(st, 1, w->key);
    bind_text(st, 2, ns);
    bind_text(st, 3, w->name);
    if (step_done(st) != 0)
        return -1;
    const cJSON *ref;
    cJSON_ArrayForEach(ref, cj_get(obj, "metadata.ownerReferences"))
    {
        const char *uid = cj_str(ref, "uid");
        if (!uid)
            continue;
        st = stmt(s, Q_OWNERS_ADD);
        bind_text(st, 1, w->key);
        bind_text(st, 2, ns);
        bind_text(st, 3, w->name);
        bind_text(st, 4, uid);
        if (step_done(st) != 0)
            return -1;
    }
    return 0;
}

int64_t fa_store_write(fa_store *s, const fa_write *w, cJSON *obj)
{
    int64_t rv = s->rv + 1;
    char rvs[24];
    snprintf(rvs, sizeof rvs, "%lld", (long long)rv);
    cj_set_str(cj_obj(obj, "metadata"), "resourceVersion", rvs);
    char *json = cJSON_PrintUnformatted(obj);
    const char *ns = w->ns ? w->ns : "";
    if (!json || step_done(stmt(s, Q_BEGIN)) != 0) {
        free(json);
        return -1;
    }
    int which = !strcmp(w->type, "ADDED") ? Q_INSERT : !strcmp(w->type, "DELETED") ? Q_DELETE : Q_UPDATE;
    sqlite3_stmt *st = stmt(s, which);
    bind_text(st, 1, w->key);
    bind_text(st, 2, ns);
    bind_text(st, 3, w->name);
    if (which != Q_DELETE) {
        sqlite3_bind_int64(st, 4, rv);
        bind_text(st, 5, json);
    }
    int ok = step_done(st) == 0 && sqlite3_changes(s->db) == 1;
    if (ok)
        ok = index_owners(s, w, which == Q_DELETE ? NULL : obj) == 0;
    if (ok) {
        st = stmt(s, Q_EVENT);
        sqlite3_bind_int64(st, 1, rv);
        sqlite3_bind_int64(st, 2, w->now_ms);
        bind_text(st, 3, w->verb);
        bind_text(st, 4, w->actor);
        bind_text(st, 5, w->key);
        bind_text(st, 6, ns);
        bind_text(st, 7, w->name);
        bind_text(st, 8, w->type);
        bind_text(st, 9, json);
        bind_text(st, 10, w->old_json);
        ok = step_done(st) == 0;
    }
    free(json);
    if (!ok || step_done(stmt(s, Q_COMMIT)) != 0) {
        step_done(stmt(s, Q_ROLLBACK));
        return -1;
    }
    s->rv = rv;
    return rv;
}

int fa_store_events(fa_store *s, const char *key, int64_t after, int limit, fa_store_event_cb cb, void *ud)
{
    sqlite3_stmt *st = stmt(s, key ? Q_EVENTS_KEY : Q_EVENTS_ALL);
    bind_text(st, 1, key);
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int(st, 3, limit);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        n++;
        if (cb(ud, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
               (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
               (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5)))
            break;
    }
    sqlite3_reset(st);
    return n;
}

int fa_store_log(fa_store *s, int64_t after, int (*cb)(void *ud, const fa_log_row *row), void *ud)
{
    sqlite3_stmt *st = stmt(s, Q_LOG);
    sqlite3_bind_int64(st, 1, after);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t[9];
        for (int i = 2; i < 9; i++)
            t[i] = (const char *)sqlite3_column_text(st, i);
        fa_log_row row = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), t[2], t[3], t[4], t[5], t[6],
                          t[7], t[8]};
        n++;
        if (cb(ud, &row))
            break;
    }
    sqlite3_reset(st);
    return n;
}

int fa_store_changed_since(fa_store *s, const char *key, const char *ns, int64_t rv)
{
    sqlite3_stmt *st = stmt(s, ns ? Q_CHANGED_NS : Q_CHANGED);
    bind_text(st, 1, key);
    sqlite3_bind_int64(st, 2, rv);
    if (ns)
        bind_text(st, 3, ns);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return found;
}

int fa_store_scan_ns(fa_store *s, const char *ns, fa_store_row_cb cb, void *ud)
{
    sqlite3_stmt *st = stmt(s, Q_SCAN_NS);
    bind_text(st, 1, ns);
    return each_row(st, cb, ud);
}

int fa_store_dependents(fa_store *s, const char *owner_uid, fa_store_row_cb cb, void *ud)
{
    sqlite3_stmt *st = stmt(s, Q_DEPENDENTS);
    bind_text(st, 1, owner_uid);
    return each_row(st, cb, ud);
}

int fa_store_scan_all(fa_store *s, fa_store_row_cb cb, void *ud) { return each_row(stmt(s, Q_ALL), cb, ud); }

int fa_store_orphans(fa_store *s, const char *key, const char *ns, fa_store_row_cb cb, void *ud)
{
    sqlite3_stmt *st = stmt(s, Q_ORPHANS);
    bind_text(st, 1, key);
    bind_text(st, 2, ns ? ns : "");
    return each_row(st, cb, ud);
}

void fa_store_compact(fa_store *s, int64_t keep)
{
    if (keep < 0)
        keep = 0;
    int64_t upto = s->rv - keep;
    if (upto <= s->compacted)
        return;
    char sql[160];
    snprintf(sql, sizeof sql,
             "BEGIN; DELETE FROM events WHERE rv<=%lld; INSERT OR REPLACE INTO meta(k,v) VALUES('compacted',%lld); COMMIT;",
             (long long)upto, (long long)upto);
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK)
        s->compacted = upto;
    else
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
