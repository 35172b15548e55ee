/* informer.h: a local, always-current copy of one kind of object, as client-go's informers:
 * LIST, then WATCH from the list's resourceVersion, re-watch on a closed stream, relist on 410,
 * handlers for adds, updates and deletes, and a periodic resync.
 *
 * An informer is not thread-safe: one thread pumps it and reads its cache (the controller's
 * loop does both, which also makes step mode deterministic). */
#ifndef CUTOVER_KUBE_INFORMER_H
#define CUTOVER_KUBE_INFORMER_H

#include <cjson/cJSON.h>

#include "common/clock.h"
#include "controller/kube/client.h"

typedef struct {
    void (*on_add)(void *ud, const cJSON *obj);
    void (*on_update)(void *ud, const cJSON *old, const cJSON *obj); /* resyncs pass old == obj */
    void (*on_delete)(void *ud, const cJSON *obj);
    void *ud;
} kube_handlers;

typedef struct {
    const kube_gvr *resource;
    const char *namespace_;     /* NULL = all namespaces */
    const char *label_selector; /* NULL = everything */
    kube_handlers handlers;
    co_clock *clock;            /* resync timing; NULL = real time */
    int64_t resync_ms;          /* 0 = never */
} kube_informer_opts;

typedef struct kube_informer kube_informer;

/* The client is borrowed and must outlive the informer. */
kube_informer *kube_informer_new(kube_client *c, const kube_informer_opts *o);
void kube_informer_free(kube_informer *inf);

/* Makes progress: (re)lists when needed, then handles the watch events that arrive within
 * timeout_ms (0 = only those already there). Returns the number of changes delivered, or -1 when
 * the server could not be reached (st says why; the next pump retries). */
int kube_informer_pump(kube_informer *inf, int timeout_ms, kube_status *st);
/* Has the initial list completed? */
int kube_informer_synced(const kube_informer *inf);
/* The last resourceVersion seen (list, event or bookmark); "" before the first list. */
const char *kube_informer_resource_version(const kube_informer *inf);
/* The watch's file descriptor to poll, or -1. */
int kube_informer_fd(kube_informer *inf);

/* Cached objects are owned by the cache and valid until the next pump. */
const cJSON *kube_informer_get(const kube_informer *inf, const char *ns, const char *name);
size_t kube_informer_count(const kube_informer *inf);
/* fn for each cached object (in ns, or all when NULL), in namespace/name order. */
void kube_informer_each(const kube_informer *inf, const char *ns, void (*fn)(void *ud, const cJSON *obj), void *ud);
/* fn for each cached object with an ownerReference to owner_uid, in namespace/name order. */
void kube_informer_each_owned(const kube_informer *inf, const char *owner_uid, void (*fn)(void *ud, const cJSON *obj),
                              void *ud);

#endif
