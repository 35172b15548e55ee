/* actions.h: what the kubectl argo rollouts verbs do to a Rollout, as the exact API requests
 * Argo's CLI sends. One implementation shared by the cutover CLI, the scenario runner and
 * anything else that acts on rollouts, so each path exercises what a user would type. */
#ifndef CUTOVER_CONTROLLER_ACTIONS_H
#define CUTOVER_CONTROLLER_ACTIONS_H

#include <stdint.h>

#include "controller/kube/client.h"

/* Each returns 0, or -1 with st filled (NotFound, Conflict, ... or a message about the rollout's
 * state, e.g. promote --full of a rollout that is not paused is still allowed, as in Argo). */
int ro_promote(kube_client *c, const char *ns, const char *name, int full, kube_status *st);
int ro_abort(kube_client *c, const char *ns, const char *name, kube_status *st);
int ro_retry(kube_client *c, const char *ns, const char *name, kube_status *st);
int ro_pause(kube_client *c, const char *ns, const char *name, kube_status *st);
int ro_resume(kube_client *c, const char *ns, const char *name, kube_status *st);
/* container "*" sets every container (and init container) image, as Argo's set image does. */
int ro_set_image(kube_client *c, const char *ns, const char *name, const char *container, const char *image,
                 kube_status *st);
/* to_revision 0 = the previous revision. */
int ro_undo(kube_client *c, const char *ns, const char *name, int64_t to_revision, kube_status *st);
/* restartAt = now on clock (NULL = real time) plus `in` (a duration such as "30s"; NULL or "" =
   now), as `kubectl argo rollouts restart [--in]`. */
int ro_restart(kube_client *c, const char *ns, const char *name, co_clock *clock, const char *in, kube_status *st);

extern const kube_gvr ro_rollouts_gvr; /* argoproj.io/v1alpha1 rollouts */

#endif
