/* runtime.c: the controller loop.
 *
 * Informers are not thread-safe, so the caches are guarded by one read-write lock: a pump takes
 * it for writing, each reconcile for reading. The blocking loop waits for watch data outside the
 * lock and only then pumps; a relist (rare: start-up, 410) does hold it across its LIST. The
 * lock prefers writers so busy workers cannot starve the pump. Keys flow through the
 * rate-limited work queue, which guarantees one worker per key. In step mode everything happens
 * on the caller's thread in a fixed order: pump every informer, then reconcile the keys in
 * queue order; the driver steps until the informers have caught up with the server's latest
 * resourceVersion (kube_controller_caught_up), since a watch event may still be in flight. */
#include "controller/kube/runtime.h"

#include "common/json.h"

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    kube_controller *c;
    kube_informer *inf;
    kube_map_fn map;
} source;

struct kube_controller {
    co_clock *clock;
    kube_reconcile_fn reconcile;
    void *ud;
    kube_queue *queue;
    source *src[16];
    int nsrc;
    pthread_rwlock_t caches;
};

static void enqueue(source *s, const cJSON *obj)
{
    if (s->map) {
        s->map(s->c->ud, obj, s->c->queue);
        return;
    }
    const char *ns = cj_str(obj, "metadata.namespace"), *name = cj_str(obj, "metadata.name");
    char key[512];
    snprintf(key, sizeof key, "%s/%s", ns ? ns : "", name ? name : "");
    kube_queue_add(s->c->queue, key);
}

static void on_add(void *ud, const cJSON *obj) { enqueue(ud, obj); }
static void on_update(void *ud, const cJSON *old, const cJSON *obj)
{
    (void)old;
    enqueue(ud, obj);
}
static void on_delete(void *ud, const cJSON *obj) { enqueue(ud, obj); }

kube_controller *kube_controller_new(co_clock *clock, kube_reconcile_fn reconcile, void *ud)
{
    kube_controller *c = calloc(1, sizeof *c);
    c->clock = clock ? clock : co_clock_real();
    c->reconcile = reconcile;
    c->ud = ud;
    c->queue = kube_queue_new(c->clock, 0, 0);
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&c->caches, &attr);
    pthread_rwlockattr_destroy(&attr);
    return c;
}

void kube_controller_free(kube_controller *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->nsrc; i++) {
        kube_informer_free(c->src[i]->inf);
        free(c->src[i]);
    }
    kube_queue_free(c->queue);
    pthread_rwlock_destroy(&c->caches);
    free(c);
}

kube_informer *kube_controller_informer(kube_controller *c, kube_client *client, const kube_gvr *resource,
                                        const char *namespace_, const char *label_selector, kube_map_fn map,
                                        int64_t resync_ms)
{
    if (c->nsrc == (int)(sizeof c->src / sizeof c->src[0]))
        return NULL;
    source *s = calloc(1, sizeof *s);
    s->c = c;
    s->map = map;
    kube_informer_opts o = {.resource = resource, .namespace_ = namespace_, .label_selector = label_selector,
                            .handlers = {on_add, on_update, on_delete, s}, .clock = c->clock, .resync_ms = resync_ms};
    s->inf = kube_informer_new(client, &o);
    c->src[c->nsrc++] = s;
    return s->inf;
}

kube_queue *kube_controller_queue(kube_controller *c) { return c->queue; }

/* Applies the events each informer has received (lists first when it must). */
static int pump_all(kube_controller *c)
{
    int failed = 0;
    pthread_rwlock_wrlock(&c->caches);
    for (int i = 0; i < c->nsrc; i++)
        failed |= kube_informer_pump(c->src[i]->inf, 0, NULL) < 0;
    pthread_rwlock_unlock(&c->caches);
    return failed ? -1 : 0;
}

static void reconcile_one(kube_controller *c, char *key)
{
    int64_t after = 0;
    pthread_rwlock_rdlock(&c->caches);
    int rc = c->reconcile(c->ud, key, &after);
    pthread_rwlock_unlock(&c->caches);
    if (rc < 0) {
        kube_queue_add_rate_limited(c->queue, key);
    } else {
        kube_queue_forget(c->queue, key);
        if (after > 0)
            kube_queue_add_after(c->queue, key, after);
    }
    kube_queue_done(c->queue, key);
    free(key);
}

int kube_controller_step(kube_controller *c)
{
    int ran = 0;
    if (pump_all(c) < 0)
        return -1;
    for (char *key; (key = kube_queue_try_get(c->queue));) {
        reconcile_one(c, key);
        ran++;
        pump_all(c); /* what has arrived of the reconcile's own writes, before the next key */
    }
    return ran;
}

int kube_controller_pump(kube_controller *c) { return pump_all(c); }

static int cmp_key(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int kube_controller_step_one(kube_controller *c)
{
    if (pump_all(c) < 0)
        return -1;
    /* the smallest ready key, so the order never depends on how events interleaved on the wire */
    size_t n = 0, cap = 0;
    char **keys = NULL;
    for (char *key; (key = kube_queue_try_get(c->queue));) {
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            keys = realloc(keys, cap * sizeof *keys);
        }
        keys[n++] = key;
    }
    if (!n)
        return 0;
    qsort(keys, n, sizeof *keys, cmp_key);
    for (size_t i = 1; i < n; i++) { /* back in the queue, in key order */
        kube_queue_add(c->queue, keys[i]);
        kube_queue_done(c->queue, keys[i]);
        free(keys[i]);
    }
    reconcile_one(c, keys[0]);
    free(keys);
    return 1;
}

int64_t kube_controller_next_due(kube_controller *c) { return kube_queue_next_due(c->queue); }

int kube_controller_caught_up(kube_controller *c, const char *rv)
{
    long long want = atoll(rv);
    for (int i = 0; i < c->nsrc; i++) {
        if (!kube_informer_synced(c->src[i]->inf) || atoll(kube_informer_resource_version(c->src[i]->inf)) < want)
            return 0;
    }
    return 1;
}

static void *worker(void *arg)
{
    kube_controller *c = arg;
    for (char *key; kube_queue_get(c->queue, &key);)
        reconcile_one(c, key);
    return NULL;
}

int kube_controller_run(kube_controller *c, int workers, volatile int *stop)
{
    if (workers < 1)
        workers = 1;
    pthread_t *t = calloc((size_t)workers, sizeof *t);
    for (int i = 0; i < workers; i++)
        pthread_create(&t[i], NULL, worker, c);
    while (!*stop) {
        /* wait for any watch to have data (or 200 ms, for relists and reconnects), then apply */
        struct pollfd p[16];
        int n = 0;
        for (int i = 0; i < c->nsrc; i++) {
            int fd = kube_informer_fd(c->src[i]->inf);
            if (fd >= 0)
                p[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
        }
        if (n == c->nsrc)
            poll(p, (nfds_t)n, 200);
        else
            poll(NULL, 0, 200);
        pump_all(c);
    }
    kube_queue_shutdown(c->queue);
    for (int i = 0; i < workers; i++)
        pthread_join(t[i], NULL);
    free(t);
    return 0;
}
