/* workqueue.h: the controller's queue of keys ("namespace/name"), as client-go's rate-limited
 * work queue: a key is queued at most once, handed to one worker at a time, retried with
 * per-key exponential backoff, and may be added after a delay. Every delay goes through the
 * clock, so in virtual time a driver fires them by moving the clock. */
#ifndef CUTOVER_KUBE_WORKQUEUE_H
#define CUTOVER_KUBE_WORKQUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "common/clock.h"

typedef struct kube_queue kube_queue;

/* clock NULL = real time. Backoff per key: base_ms * 2^failures, capped at max_ms (client-go:
 * 5 ms and 1000 s; 0 picks those). */
kube_queue *kube_queue_new(co_clock *clock, int64_t base_ms, int64_t max_ms);
void kube_queue_free(kube_queue *q);

void kube_queue_add(kube_queue *q, const char *key);
void kube_queue_add_after(kube_queue *q, const char *key, int64_t delay_ms);
/* Adds after the key's backoff and counts one more failure for it. */
void kube_queue_add_rate_limited(kube_queue *q, const char *key);
/* Forgets a key's failures (call after a successful sync). */
void kube_queue_forget(kube_queue *q, const char *key);
int kube_queue_requeues(kube_queue *q, const char *key);

/* Blocking mode: waits for a key; returns 1 with *key (caller frees after kube_queue_done), or 0
 * once the queue is shut down. Delayed adds fire while waiting. */
int kube_queue_get(kube_queue *q, char **key);
/* Step mode: fires due delayed adds and returns the next ready key without waiting, or NULL. */
char *kube_queue_try_get(kube_queue *q);
/* A worker has finished with key: if it was added again meanwhile, it is queued again. */
void kube_queue_done(kube_queue *q, const char *key);
void kube_queue_shutdown(kube_queue *q);

/* Keys ready now (not counting ones being processed or waiting on a delay). */
size_t kube_queue_len(kube_queue *q);
/* The earliest delayed add, INT64_MAX when none. */
int64_t kube_queue_next_due(kube_queue *q);

#endif
