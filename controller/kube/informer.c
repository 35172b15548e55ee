/* informer.c: list-then-watch caches.
 *
 * The cache is an array of entries sorted by "namespace/name" (binary search for lookups,
 * ordered iteration for free) plus a second sorted array of (owner uid, key) pairs: the owner
 * index controllers use to find a Rollout's ReplicaSets or a ReplicaSet's pods. Both are rebuilt
 * wholesale after a list and edited in place for single watch events.
 *
 * Reconnection follows client-go's reflector: a watch that ends normally is reopened from the
 * last resourceVersion seen (bookmarks count); an ERROR 410 or a watch that cannot be opened
 * from that version leads to a fresh list, whose differences from the cache are delivered as
 * adds, updates and deletes. */
#include "controller/kube/informer.h"

#include "common/json.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *key; /* "ns/name" ("/name" for cluster-scoped objects) */
    cJSON *obj;
} entry;

typedef struct {
    char *uid;
    char *key;
} owned;

struct kube_informer {
    kube_client *client;
    kube_gvr gvr;
    char *ns, *labels;
    kube_handlers h;
    co_clock *clock;
    int64_t resync_ms, next_resync;
    entry *e;
    size_t n, cap;
    owned *o;
    size_t no, capo;
    char rv[32];
    int synced, need_list;
    kube_watch *watch;
};

/* ---- the cache ---- */

static char *key_of(const cJSON *obj)
{
    const char *ns = cj_str(obj, "metadata.namespace"), *name = cj_str(obj, "metadata.name");
    size_t n = (ns ? strlen(ns) : 0) + (name ? strlen(name) : 0) + 2;
    char *k = malloc(n);
    snprintf(k, n, "%s/%s", ns ? ns : "", name ? name : "");
    return k;
}

/* Index of key, or -(insertion point) - 1. */
static long search(const kube_informer *inf, const char *key)
{
    long lo = 0, hi = (long)inf->n - 1;
    while (lo <= hi) {
        long mid = (lo + hi) / 2;
        int c = strcmp(inf->e[mid].key, key);
        if (!c)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -lo - 1;
}

static int cmp_owned(const owned *a, const char *uid, const char *key)
{
    int c = strcmp(a->uid, uid);
    return c ? c : strcmp(a->key, key);
}

static long search_owned(const kube_informer *inf, const char *uid, const char *key)
{
    long lo = 0, hi = (long)inf->no - 1;
    while (lo <= hi) {
        long mid = (lo + hi) / 2;
        int c = cmp_owned(&inf->o[mid], uid, key);
        if (!c)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -lo - 1;
}

static void index_owners(kube_informer *inf, const char *key, const cJSON *obj, int add)
{
    const cJSON *ref;
    cJSON_ArrayForEach(ref, cj_get(obj, "metadata.ownerReferences"))
    {
        const char *uid = cj_str(ref, "uid");
        if (!uid)
            continue;
        long i = search_owned(inf, uid, key);
        if (add && i < 0) {
            size_t at = (size_t)(-i - 1);
            if (inf->no == inf->capo) {
                inf->capo = inf->capo ? 2 * inf->capo : 64;
                inf->o = realloc(inf->o, inf->capo * sizeof *inf->o);
            }
            memmove(&inf->o[at + 1], &inf->o[at], (inf->no - at) * sizeof *inf->o);
            inf->o[at] = (owned){strdup(uid), strdup(key)};
            inf->no++;
        } else if (!add && i >= 0) {
            free(inf->o[i].uid);
            free(inf->o[i].key);
            memmove(&inf->o[i], &inf->o[i + 1], (inf->no - (size_t)i - 1) * sizeof *inf->o);
            inf->no--;
        }
    }
}

/* Puts obj (taking ownership) in the cache; returns the previous object (caller frees) or NULL. */
static cJSON *cache_put(kube_informer *inf, cJSON *obj)
{
    char *key = key_of(obj);
    long i = search(inf, key);
    if (i >= 0) {
        cJSON *old = inf->e[i].obj;
        index_owners(inf, key, old, 0);
        inf->e[i].obj = obj;
        index_owners(inf, key, obj, 1);
        free(key);
        return old;
    }
    size_t at = (size_t)(-i - 1);
    if (inf->n == inf->cap) {
        inf->cap = inf->cap ? 2 * inf->cap : 64;
        inf->e = realloc(inf->e, inf->cap * sizeof *inf->e);
    }
    memmove(&inf->e[at + 1], &inf->e[at], (inf->n - at) * sizeof *inf->e);
    inf->e[at] = (entry){key, obj};
    inf->n++;
    index_owners(inf, key, obj, 1);
    return NULL;
}

/* Removes the object with obj's key; returns the cached one (caller frees) or NULL. */
static cJSON *cache_remove(kube_informer *inf, const cJSON *obj)
{
    char *key = key_of(obj);
    long i = search(inf, key);
    free(key);
    if (i < 0)
        return NULL;
    cJSON *old = inf->e[i].obj;
    index_owners(inf, inf->e[i].key, old, 0);
    free(inf->e[i].key);
    memmove(&inf->e[i], &inf->e[i + 1], (inf->n - (size_t)i - 1) * sizeof *inf->e);
    inf->n--;
    return old;
}

/* ---- events ---- */

static void set_rv(kube_informer *inf, const cJSON *obj)
{
    const char *rv = cj_str(obj, "metadata.resourceVersion");
    if (rv)
        snprintf(inf->rv, sizeof inf->rv, "%s", rv);
}

static void deliver_put(kube_informer *inf, cJSON *obj)
{
    cJSON *old = cache_put(inf, obj);
    if (old && inf->h.on_update)
        inf->h.on_update(inf->h.ud, old, obj);
    else if (!old && inf->h.on_add)
        inf->h.on_add(inf->h.ud, obj);
    cJSON_Delete(old);
}

static void deliver_delete(kube_informer *inf, const cJSON *obj)
{
    cJSON *old = cache_remove(inf, obj);
    if (old && inf->h.on_delete)
        inf->h.on_delete(inf->h.ud, obj);
    cJSON_Delete(old);
}

static int cmp_keys(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Replaces the cache with a fresh list, delivering only the differences. */
static int relist(kube_informer *inf, kube_status *st)
{
    kube_list_opts lo = {.label_selector = inf->labels, .limit = 500};
    cJSON *list = kube_list(inf->client, &inf->gvr, inf->ns, &lo, st);
    if (!list)
        return -1;
    int changes = 0;
    cJSON *items = cJSON_DetachItemFromObjectCaseSensitive(list, "items");
    /* deletions first: cached keys absent from the list */
    char **present = calloc((size_t)cJSON_GetArraySize(items) + 1, sizeof *present);
    size_t np = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, items) present[np++] = key_of(it);
    qsort(present, np, sizeof *present, cmp_keys);
    for (size_t i = inf->n; i-- > 0;) {
        const char *k = inf->e[i].key;
        if (!bsearch(&k, present, np, sizeof *present, cmp_keys)) {
            cJSON *gone = cJSON_Duplicate(inf->e[i].obj, 1);
            deliver_delete(inf, gone);
            cJSON_Delete(gone);
            changes++;
        }
    }
    for (size_t j = 0; j < np; j++)
        free(present[j]);
    free(present);
    for (cJSON *obj; (obj = cJSON_DetachItemFromArray(items, 0));) { /* O(1) per item */
        char *key = key_of(obj);
        long i = search(inf, key);
        free(key);
        const char *rv = cj_str(obj, "metadata.resourceVersion");
        if (i >= 0 && rv && cj_str(inf->e[i].obj, "metadata.resourceVersion") &&
            !strcmp(rv, cj_str(inf->e[i].obj, "metadata.resourceVersion"))) {
            cJSON_Delete(obj); /* unchanged */
            continue;
        }
        deliver_put(inf, obj);
        changes++;
    }
    cJSON_Delete(items);
    set_rv(inf, list);
    cJSON_Delete(list);
    inf->synced = 1;
    inf->need_list = 0;
    return changes;
}

static int open_watch(kube_informer *inf, kube_status *st)
{
    kube_watch_opts wo = {.resource_version = inf->rv, .label_selector = inf->labels, .bookmarks = 1};
    inf->watch = kube_watch_open(inf->client, &inf->gvr, inf->ns, &wo, st);
    if (!inf->watch && st->code == 410)
        inf->need_list = 1;
    return inf->watch ? 0 : -1;
}

static void resync(kube_informer *inf)
{
    if (!inf->resync_ms || !inf->h.on_update)
        return;
    int64_t now = co_clock_now_ms(inf->clock);
    if (now < inf->next_resync)
        return;
    inf->next_resync = now + inf->resync_ms;
    for (size_t i = 0; i < inf->n; i++)
        inf->h.on_update(inf->h.ud, inf->e[i].obj, inf->e[i].obj);
}

int kube_informer_pump(kube_informer *inf, int timeout_ms, kube_status *st)
{
    kube_status local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    int changes = 0;
    if (inf->need_list) {
        if (inf->watch) {
            kube_watch_close(inf->watch);
            inf->watch = NULL;
        }
        int n = relist(inf, st);
        if (n < 0)
            return -1;
        changes += n;
    }
    if (!inf->watch && open_watch(inf, st) != 0)
        return changes ? changes : -1;
    for (int first = 1;; first = 0) {
        char type[16];
        cJSON *obj = NULL;
        int r = kube_watch_next(inf->watch, first ? timeout_ms : 0, type, &obj, st);
        if (r == 0)
            break;
        if (r < 0) { /* closed: reopen from the last resourceVersion on the next pump */
            kube_watch_close(inf->watch);
            inf->watch = NULL;
            break;
        }
        if (!strcmp(type, "ERROR")) {
            cJSON *code = cJSON_GetObjectItemCaseSensitive(obj, "code");
            inf->need_list = cJSON_IsNumber(code) && code->valueint == 410;
            cJSON_Delete(obj);
            kube_watch_close(inf->watch);
            inf->watch = NULL;
            if (inf->need_list) {
                int n = relist(inf, st);
                if (n > 0)
                    changes += n;
            }
            break;
        }
        set_rv(inf, obj);
        bool known = !strcmp(type, "ADDED") || !strcmp(type, "MODIFIED") || !strcmp(type, "DELETED");
        if (strcmp(type, "BOOKMARK") && (!known || !cJSON_IsObject(obj) || !cj_str(obj, "metadata.name"))) {
            cJSON_Delete(obj); /* not an object event we can cache: skip it rather than cache junk */
            continue;
        }
        if (!strcmp(type, "BOOKMARK")) {
            cJSON_Delete(obj);
        } else if (!strcmp(type, "DELETED")) {
            deliver_delete(inf, obj);
            cJSON_Delete(obj);
            changes++;
        } else {
            deliver_put(inf, obj);
            changes++;
        }
    }
    resync(inf);
    return changes;
}

kube_informer *kube_informer_new(kube_client *c, const kube_informer_opts *o)
{
    kube_informer *inf = calloc(1, sizeof *inf);
    inf->client = c;
    inf->gvr = *o->resource;
    inf->ns = o->namespace_ ? strdup(o->namespace_) : NULL;
    inf->labels = o->label_selector ? strdup(o->label_selector) : NULL;
    inf->h = o->handlers;
    inf->clock = o->clock ? o->clock : co_clock_real();
    inf->resync_ms = o->resync_ms;
    inf->next_resync = co_clock_now_ms(inf->clock) + o->resync_ms;
    inf->need_list = 1;
    return inf;
}

void kube_informer_free(kube_informer *inf)
{
    if (!inf)
        return;
    if (inf->watch)
        kube_watch_close(inf->watch);
    for (size_t i = 0; i < inf->n; i++) {
        free(inf->e[i].key);
        cJSON_Delete(inf->e[i].obj);
    }
    for (size_t i = 0; i < inf->no; i++) {
        free(inf->o[i].uid);
        free(inf->o[i].key);
    }
    free(inf->e);
    free(inf->o);
    free(inf->ns);
    free(inf->labels);
    free(inf);
}

int kube_informer_synced(const kube_informer *inf) { return inf->synced; }
const char *kube_informer_resource_version(const kube_informer *inf) { return inf->rv; }
int kube_informer_fd(kube_informer *inf) { return inf->watch ? kube_watch_fd(inf->watch) : -1; }
size_t kube_informer_count(const kube_informer *inf) { return inf->n; }

const cJSON *kube_informer_get(const kube_informer *inf, const char *ns, const char *name)
{
    char key[512];
    snprintf(key, sizeof key, "%s/%s", ns ? ns : "", name);
    long i = search(inf, key);
    return i >= 0 ? inf->e[i].obj : NULL;
}

void kube_informer_each(const kube_informer *inf, const char *ns, void (*fn)(void *ud, const cJSON *obj), void *ud)
{
    size_t plen = ns ? strlen(ns) : 0;
    for (size_t i = 0; i < inf->n; i++)
        if (!ns || (!strncmp(inf->e[i].key, ns, plen) && inf->e[i].key[plen] == '/'))
            fn(ud, inf->e[i].obj);
}

void kube_informer_each_owned(const kube_informer *inf, const char *owner_uid, void (*fn)(void *ud, const cJSON *obj),
                              void *ud)
{
    long i = search_owned(inf, owner_uid, "");
    for (size_t j = (size_t)(i < 0 ? -i - 1 : i); j < inf->no && !strcmp(inf->o[j].uid, owner_uid); j++) {
        long k = search(inf, inf->o[j].key);
        if (k >= 0)
            fn(ud, inf->e[k].obj);
    }
}
