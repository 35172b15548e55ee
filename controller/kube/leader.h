/* leader.h: leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection:
 * at most one of several controller replicas acts at a time. */
#ifndef CUTOVER_KUBE_LEADER_H
#define CUTOVER_KUBE_LEADER_H

#include <stdint.h>

#include "common/clock.h"
#include "controller/kube/client.h"

typedef struct {
    const char *namespace_, *name; /* the Lease */
    const char *identity;          /* this replica (hostname plus something unique) */
    int64_t lease_ms;              /* 0 = 15 s (client-go's LeaseDuration) */
    int64_t renew_deadline_ms;     /* 0 = 10 s */
    int64_t retry_ms;              /* 0 = 2 s */
    co_clock *clock;               /* NULL = real time */
} kube_leader_opts;

typedef struct kube_leader kube_leader;

kube_leader *kube_leader_new(kube_client *c, const kube_leader_opts *o);
void kube_leader_free(kube_leader *l);

/* Tries to acquire or renew the lease if a retry period has passed since the last try; never
 * blocks. Returns 1 while this replica leads, else 0. A leader that cannot renew within the
 * renew deadline stops leading. */
int kube_leader_tick(kube_leader *l, kube_status *st);
int kube_leader_is_leader(const kube_leader *l);
/* When the next tick is due (for drivers that sleep or jump virtual time). */
int64_t kube_leader_next_due(const kube_leader *l);
/* Gives the lease up (holderIdentity cleared) so another replica can take over at once. */
void kube_leader_release(kube_leader *l);

#endif
