/* runtime.h: a controller's loop, as controller-runtime's: informers feed a work queue of keys,
 * and a reconcile function brings each key's object to its desired state. It runs two ways:
 * blocking, with N workers, against any API server; or stepped by a driver (the scenario runner)
 * that decides when time moves, for deterministic simulation. */
#ifndef CUTOVER_KUBE_RUNTIME_H
#define CUTOVER_KUBE_RUNTIME_H

#include <stdint.h>

#include "common/clock.h"
#include "controller/kube/client.h"
#include "controller/kube/informer.h"
#include "controller/kube/workqueue.h"

/* Reconciles one key ("namespace/name"). Returns 0 when done (set *requeue_after_ms > 0 to look
 * again later), or -1 on an error: the key is retried with per-key exponential backoff. Caches
 * may be read freely: no informer changes while a reconcile runs. */
typedef int (*kube_reconcile_fn)(void *ud, const char *key, int64_t *requeue_after_ms);
/* Maps a changed object to the keys to reconcile (its own, its owner's, ...) with kube_queue_add. */
typedef void (*kube_map_fn)(void *ud, const cJSON *obj, kube_queue *q);

typedef struct kube_controller kube_controller;

kube_controller *kube_controller_new(co_clock *clock, kube_reconcile_fn reconcile, void *ud);
/* Frees the controller and its informers (not the client). */
void kube_controller_free(kube_controller *c);

/* Adds an informer on resource whose adds, updates and deletes go through map (NULL = the
 * object's own namespace/name). Returns it, owned by the controller, for cache reads. */
kube_informer *kube_controller_informer(kube_controller *c, kube_client *client, const kube_gvr *resource,
                                        const char *namespace_, const char *label_selector, kube_map_fn map,
                                        int64_t resync_ms);
kube_queue *kube_controller_queue(kube_controller *c);

/* Step mode: delivers every watch event already available, then reconciles every key due now,
 * in queue order, repeating until nothing is left. Returns the number of reconciles, or -1 when
 * an informer could not reach the server. */
int kube_controller_step(kube_controller *c);
/* Deterministic step mode, for a driver that first waits (kube_controller_pump until
 * kube_controller_caught_up) so every cache holds exactly the server's state: delivers what has
 * arrived, then reconciles the smallest ready key only. Returns 1, 0 when no key was ready, or -1
 * when an informer could not reach the server. */
int kube_controller_step_one(kube_controller *c);
/* Delivers the watch events already available, reconciling nothing. Returns the number of
 * changes, or -1 when an informer could not reach the server. */
int kube_controller_pump(kube_controller *c);
/* The earliest delayed reconcile (requeue-after, backoff), INT64_MAX when none. */
int64_t kube_controller_next_due(kube_controller *c);
/* Has every informer listed and seen at least resource version rv (a decimal string)? */
int kube_controller_caught_up(kube_controller *c, const char *rv);

/* Blocking mode: pumps the informers and runs `workers` reconcile threads until *stop becomes
 * non-zero. Returns 0. */
int kube_controller_run(kube_controller *c, int workers, volatile int *stop);

#endif
