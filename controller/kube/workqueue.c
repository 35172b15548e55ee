/* workqueue.c: the rate-limited work queue.
 *
 * Three sets make the guarantees, as in client-go: `ready` (FIFO, what workers take), `dirty`
 * (keys that need processing: each key at most once in ready) and `busy` (keys a worker holds).
 * A key added while busy stays dirty and goes back to ready when its worker calls done, so no
 * key is ever processed by two workers at once. Controllers queue tens to hundreds of keys, so
 * the sets are plain arrays searched linearly. Delays are clock timers owned by the queue. */
#include "controller/kube/workqueue.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    char **v;
    size_t n, cap;
} strset;

typedef struct {
    char *key;
    int failures;
} failure;

/* A delayed add waiting on a clock timer; kept in a list so freeing the queue frees them. */
typedef struct delayed {
    struct kube_queue *q;
    char *key;
    struct delayed *next, **pprev;
} delayed;

struct kube_queue {
    co_clock *clock;
    int64_t base_ms, max_ms;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    strset ready, dirty, busy;
    failure *fails;
    size_t nfails, capfails;
    delayed *waiting;
    int shutting_down;
};

static long find(const strset *s, const char *key)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], key))
            return (long)i;
    return -1;
}

static void push(strset *s, const char *key)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (!s->v)
            abort();
    }
    s->v[s->n++] = strdup(key);
}

/* Removes entry i keeping the order of the rest (ready is FIFO). */
static void remove_at(strset *s, size_t i)
{
    free(s->v[i]);
    memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof *s->v);
    s->n--;
}

static void clear(strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

static void wake(void *ud)
{
    kube_queue *q = ud;
    pthread_mutex_lock(&q->mu);
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->mu);
}

kube_queue *kube_queue_new(co_clock *clock, int64_t base_ms, int64_t max_ms)
{
    kube_queue *q = calloc(1, sizeof *q);
    q->clock = clock ? clock : co_clock_real();
    q->base_ms = base_ms > 0 ? base_ms : 5;
    q->max_ms = max_ms > 0 ? max_ms : 1000 * 1000;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cond, NULL);
    co_clock_on_advance(q->clock, wake, q);
    return q;
}

void kube_queue_free(kube_queue *q)
{
    if (!q)
        return;
    co_clock_off_advance(q->clock, wake, q);
    co_clock_cancel_owner(q->clock, q);
    while (q->waiting) {
        delayed *d = q->waiting;
        q->waiting = d->next;
        free(d->key);
        free(d);
    }
    clear(&q->ready);
    clear(&q->dirty);
    clear(&q->busy);
    for (size_t i = 0; i < q->nfails; i++)
        free(q->fails[i].key);
    free(q->fails);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cond);
    free(q);
}

/* caller holds mu */
static void add_locked(kube_queue *q, const char *key)
{
    if (q->shutting_down || find(&q->dirty, key) >= 0)
        return;
    push(&q->dirty, key);
    if (find(&q->busy, key) >= 0)
        return; /* re-queued by done() */
    push(&q->ready, key);
    pthread_cond_signal(&q->cond);
}

void kube_queue_add(kube_queue *q, const char *key)
{
    pthread_mutex_lock(&q->mu);
    add_locked(q, key);
    pthread_mutex_unlock(&q->mu);
}

static void fire(void *ud)
{
    delayed *d = ud;
    kube_queue *q = d->q;
    pthread_mutex_lock(&q->mu);
    *d->pprev = d->next;
    if (d->next)
        d->next->pprev = d->pprev;
    add_locked(q, d->key);
    pthread_mutex_unlock(&q->mu);
    free(d->key);
    free(d);
}

void kube_queue_add_after(kube_queue *q, const char *key, int64_t delay_ms)
{
    if (delay_ms <= 0) {
        kube_queue_add(q, key);
        return;
    }
    delayed *d = malloc(sizeof *d);
    d->q = q;
    d->key = strdup(key);
    pthread_mutex_lock(&q->mu);
    d->next = q->waiting;
    d->pprev = &q->waiting;
    if (q->waiting)
        q->waiting->pprev = &d->next;
    q->waiting = d;
    pthread_mutex_unlock(&q->mu);
    co_clock_at(q->clock, q, co_clock_now_ms(q->clock) + delay_ms, fire, d);
    wake(q); /* a blocked get must wait for this deadline now */
}

static failure *failures_of(kube_queue *q, const char *key, int create)
{
    for (size_t i = 0; i < q->nfails; i++)
        if (!strcmp(q->fails[i].key, key))
            return &q->fails[i];
    if (!create)
        return NULL;
    if (q->nfails == q->capfails) {
        q->capfails = q->capfails ? 2 * q->capfails : 16;
        q->fails = realloc(q->fails, q->capfails * sizeof *q->fails);
        if (!q->fails)
            abort();
    }
    q->fails[q->nfails] = (failure){strdup(key), 0};
    return &q->fails[q->nfails++];
}

void kube_queue_add_rate_limited(kube_queue *q, const char *key)
{
    pthread_mutex_lock(&q->mu);
    failure *fl = failures_of(q, key, 1);
    int64_t delay = q->base_ms;
    for (int i = 0; i < fl->failures && delay < q->max_ms; i++)
        delay *= 2;
    if (delay > q->max_ms)
        delay = q->max_ms;
    fl->failures++;
    pthread_mutex_unlock(&q->mu);
    kube_queue_add_after(q, key, delay);
}

void kube_queue_forget(kube_queue *q, const char *key)
{
    pthread_mutex_lock(&q->mu);
    failure *fl = failures_of(q, key, 0);
    if (fl) {
        free(fl->key);
        *fl = q->fails[--q->nfails];
    }
    pthread_mutex_unlock(&q->mu);
}

int kube_queue_requeues(kube_queue *q, const char *key)
{
    pthread_mutex_lock(&q->mu);
    failure *fl = failures_of(q, key, 0);
    int n = fl ? fl->failures : 0;
    pthread_mutex_unlock(&q->mu);
    return n;
}

/* caller holds mu; ready must be non-empty */
static char *take_locked(kube_queue *q)
{
    char *key = strdup(q->ready.v[0]);
    remove_at(&q->ready, 0);
    remove_at(&q->dirty, (size_t)find(&q->dirty, key));
    push(&q->busy, key);
    return key;
}

char *kube_queue_try_get(kube_queue *q)
{
    co_clock_run_due(q->clock, q);
    pthread_mutex_lock(&q->mu);
    char *key = q->ready.n && !q->shutting_down ? take_locked(q) : NULL;
    pthread_mutex_unlock(&q->mu);
    return key;
}

int kube_queue_get(kube_queue *q, char **key)
{
    for (;;) {
        co_clock_run_due(q->clock, q);
        pthread_mutex_lock(&q->mu);
        if (q->shutting_down) {
            pthread_mutex_unlock(&q->mu);
            return 0;
        }
        if (q->ready.n) {
            *key = take_locked(q);
            pthread_mutex_unlock(&q->mu);
            return 1;
        }
        /* sleep until an add, a shutdown, the next delayed add (real time), or a clock move; a
         * delay that fell due since run_due above (the clock moved) means go round again */
        int64_t due = co_clock_next_due(q->clock, q);
        if (due <= co_clock_now_ms(q->clock)) {
            pthread_mutex_unlock(&q->mu);
            continue;
        }
        if (due == INT64_MAX || co_clock_is_virtual(q->clock)) {
            pthread_cond_wait(&q->cond, &q->mu);
        } else {
            struct timespec ts = {.tv_sec = (time_t)(due / 1000), .tv_nsec = (long)(due % 1000) * 1000000};
            pthread_cond_timedwait(&q->cond, &q->mu, &ts); /* the condvar uses CLOCK_REALTIME, as the real clock */
        }
        pthread_mutex_unlock(&q->mu);
    }
}

void kube_queue_done(kube_queue *q, const char *key)
{
    pthread_mutex_lock(&q->mu);
    long i = find(&q->busy, key);
    if (i >= 0)
        remove_at(&q->busy, (size_t)i);
    if (find(&q->dirty, key) >= 0 && find(&q->ready, key) < 0) {
        push(&q->ready, key);
        pthread_cond_signal(&q->cond);
    }
    pthread_mutex_unlock(&q->mu);
}

void kube_queue_shutdown(kube_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->shutting_down = 1;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->mu);
}

size_t kube_queue_len(kube_queue *q)
{
    pthread_mutex_lock(&q->mu);
    size_t n = q->ready.n;
    pthread_mutex_unlock(&q->mu);
    return n;
}

int64_t kube_queue_next_due(kube_queue *q) { return co_clock_next_due(q->clock, q); }
