/* controller.h: the Rollout controller: informers on Rollouts, ReplicaSets, Services and
 * Ingresses, a work queue keyed by rollout, and the reconcile of Argo Rollouts' semantics. It is
 * a pure API client: it reads and writes only through the kube_client it is given, so the same
 * code runs as cutover-controller against any cluster and, stepped, inside the scenario runner. */
#ifndef CUTOVER_CONTROLLER_ROLLOUT_CONTROLLER_H
#define CUTOVER_CONTROLLER_ROLLOUT_CONTROLLER_H

#include <stdint.h>
#include <stdio.h>

#include "common/clock.h"
#include "controller/kube/client.h"
#include "controller/kube/runtime.h"

typedef enum { RO_LOG_DEBUG, RO_LOG_INFO, RO_LOG_WARN, RO_LOG_ERROR, RO_LOG_OFF } ro_log_level;

typedef struct {
    kube_client *client;      /* borrowed; must outlive the controller */
    co_clock *clock;          /* every wait and timestamp; NULL = real time */
    const char *namespace_;   /* watch one namespace; NULL = all */
    const char *instance_id;  /* only rollouts labelled argo-rollouts.argoproj.io/controller-instance-id=ID;
                                 NULL = only rollouts without that label (Argo's default) */
    int64_t resync_ms;        /* informer resync; 0 = 15 min (Argo's) */
    ro_log_level log_level;   /* RO_LOG_OFF = silent */
    FILE *log;                /* NULL = stderr */
} ro_controller_opts;

typedef struct ro_controller ro_controller;

/* NULL with a message when the informers cannot be set up. */
ro_controller *ro_controller_new(const ro_controller_opts *o, char *err, size_t errlen);
void ro_controller_free(ro_controller *rc);
/* The runtime that drives it: kube_controller_step/next_due/caught_up (step mode) or
 * kube_controller_run (blocking). Owned by rc. */
kube_controller *ro_controller_runtime(ro_controller *rc);

#endif
