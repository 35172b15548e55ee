/* store.h: SQLite storage for the fake API server: current objects plus an append-only event
 * log whose sequence number is the global resourceVersion. */
#ifndef CUTOVER_FAKEAPI_STORE_H
#define CUTOVER_FAKEAPI_STORE_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stddef.h>

typedef struct fa_store fa_store;

/* Opens a store: path NULL = in memory; else a SQLite file in WAL mode with synchronous=FULL so
 * an acknowledged write survives a crash. NULL with a message on failure. */
fa_store *fa_store_open(const char *path, char *err, size_t errlen);
void fa_store_close(fa_store *s);

int64_t fa_store_rv(const fa_store *s);        /* latest resourceVersion */
int64_t fa_store_compacted(const fa_store *s); /* highest resourceVersion dropped from the log (0: none) */

/* The stored JSON of one object, or NULL when absent. Caller frees. */
char *fa_store_get(fa_store *s, const char *key, const char *ns, const char *name);

/* Calls cb for every object of `key` (in namespace ns, or all when ns is NULL) whose
 * (namespace, name) sorts after (after_ns, after_name) when those are given, in that order.
 * cb returns non-zero to stop. */
typedef int (*fa_store_row_cb)(void *ud, const char *ns, const char *name, const char *json);
int fa_store_list(fa_store *s, const char *key, const char *ns, const char *after_ns, const char *after_name,
                  fa_store_row_cb cb, void *ud);

/* One write: assigns the next resourceVersion into obj's metadata, then stores the object (ADDED,
 * MODIFIED) or removes it (DELETED) and appends the event row, in one transaction. */
typedef struct {
    const char *key, *ns, *name;
    const char *type;     /* ADDED, MODIFIED, DELETED */
    const char *verb;     /* create, update, patch, delete, ... */
    const char *actor;    /* who wrote it (the client's user agent, or a simulator) */
    const char *old_json; /* previous version, for watchers whose selectors the change enters or leaves */
    int64_t now_ms;
} fa_write;
/* Returns the new resourceVersion, or -1 on a storage error (nothing is written then). */
int64_t fa_store_write(fa_store *s, const fa_write *w, cJSON *obj);

/* Events of `key` (all kinds when NULL) with resourceVersion > after, oldest first, at most limit.
 * cb returns non-zero to stop. */
typedef int (*fa_store_event_cb)(void *ud, int64_t rv, const char *type, const char *ns, const char *name,
                                 const char *json, const char *old_json);
int fa_store_events(fa_store *s, const char *key, int64_t after, int limit, fa_store_event_cb cb, void *ud);

/* One row of the event log, everything it records. */
typedef struct {
    int64_t rv, time_ms;
    const char *verb, *actor, *key, *ns, *name, *type, *json;
} fa_log_row;
/* Calls cb for every retained log row with resourceVersion > after, oldest first. */
int fa_store_log(fa_store *s, int64_t after, int (*cb)(void *ud, const fa_log_row *row), void *ud);

/* Is there an event of `key` (in ns, or any when NULL) newer than rv? */
int fa_store_changed_since(fa_store *s, const char *key, const char *ns, int64_t rv);

/* Calls cb(ud, key, name, json) for every object stored in namespace ns, whatever its kind. */
int fa_store_scan_ns(fa_store *s, const char *ns, fa_store_row_cb cb, void *ud);

/* Calls cb(ud, key, ns, name) for every object with an ownerReference to owner_uid. */
int fa_store_dependents(fa_store *s, const char *owner_uid, fa_store_row_cb cb, void *ud);

/* Calls cb(ud, key, name, json) for every stored object. */
int fa_store_scan_all(fa_store *s, fa_store_row_cb cb, void *ud);

/* Calls cb(ud, ns, name, json) for every object of key in ns that has no ownerReferences. */
int fa_store_orphans(fa_store *s, const char *key, const char *ns, fa_store_row_cb cb, void *ud);

/* Drops log rows so that at most `keep` remain. */
void fa_store_compact(fa_store *s, int64_t keep);

#endif
