/* sim.h: the simulated rest of the cluster. Each simulated controller (ReplicaSet controller,
 * kubelet, endpoints, garbage collector, ...) sees every committed change, queues keys, and
 * later syncs them by reading the store and writing through the same request path as any API
 * client (fa_call), so its writes obey every apiserver rule and reach every watcher.
 *
 * Everything runs on the server's loop thread (or with f->mu held). Work is processed in
 * (due time, enqueue order) order and times come from the server's clock, so with a virtual
 * clock and a fixed seed a run is deterministic. */
#ifndef CUTOVER_FAKEAPI_SIM_H
#define CUTOVER_FAKEAPI_SIM_H

#include "fakeapi/internal.h"

/* A change just committed to the store. */
typedef struct {
    const fa_resource *res;
    const char *type; /* ADDED, MODIFIED, DELETED */
    const char *ns;   /* "" for cluster-scoped objects */
    const char *name;
    const cJSON *obj;     /* the new state (for DELETED, the last one) */
    const char *old_json; /* the previous state for MODIFIED, else NULL */
} fa_change;

typedef struct fa_sim_ctl {
    const char *name; /* also the actor of its writes: "replicaset-controller" */
    /* Sees every change; queues work with fa_sim_enqueue. Must not write. */
    void (*on_change)(fakeapi *f, const fa_change *c);
    /* Brings one queued key (namespace, name) to its desired state. */
    void (*sync)(fakeapi *f, const char *ns, const char *name);
    /* Bytes of per-server state the controller keeps (fa_sim_state); 0 = none. */
    size_t state_size;
} fa_sim_ctl;

/* The controller's own state on this server: state_size zeroed bytes when the server starts
 * (also after a restart from a file: rebuild from the store what must survive). */
void *fa_sim_state(fakeapi *f, const fa_sim_ctl *ctl);

/* Queues (ctl, ns, name) to sync at due_ms (<= now: as soon as possible). A key already queued
 * keeps the earlier of the two times, so a sync must re-queue any later work it still has (name
 * sync functions sync_x: plain `sync` clashes with unistd.h). */
void fa_sim_enqueue(fakeapi *f, const fa_sim_ctl *ctl, const char *ns, const char *name, int64_t due_ms);

/* ---- what the server calls ---- */
int fa_sim_start(fakeapi *f, const fakeapi_options *o, char *err, size_t errlen);
void fa_sim_stop(fakeapi *f);
void fa_sim_changed(fakeapi *f, const fa_resource *res, const char *type, const cJSON *obj, const char *old_json);
/* Shows every stored object to the controllers as ADDED (after a restart from a file). */
void fa_sim_replay(fakeapi *f);
/* Runs every queued sync that is due; returns how many ran. */
int fa_sim_run(fakeapi *f);
bool fa_sim_idle(fakeapi *f);

/* ---- helpers for the controllers ---- */
int64_t fa_sim_now(fakeapi *f);
double fa_sim_pod_ready_seconds(fakeapi *f);
/* The behaviour configured for an image (first matching rule), or NULL. */
const fakeapi_image *fa_sim_image(fakeapi *f, const char *image);
/* The stored object, parsed (caller frees), or NULL. key as in fa_resource (e.g. "pods"). */
cJSON *fa_sim_get(fakeapi *f, const char *key, const char *ns, const char *name);
/* Every object of key in ns (all namespaces when ns is NULL), parsed, as a cJSON array (caller frees). */
cJSON *fa_sim_list(fakeapi *f, const char *key, const char *ns);
/* Every object of key (NULL = any kind) with an ownerReference to owner_uid, as a cJSON array. */
cJSON *fa_sim_dependents(fakeapi *f, const char *owner_uid, const char *key);
/* Every object of key in ns without any ownerReference (adoption candidates), as a cJSON array. */
cJSON *fa_sim_orphans(fakeapi *f, const char *key, const char *ns);
/* Sends a write as ctl: method on the object (name NULL = the collection), sub = "status",
 * "scale" or NULL, ctype NULL = application/json. Returns the HTTP code; *out as fa_call. */
unsigned fa_sim_write(fakeapi *f, const fa_sim_ctl *ctl, const char *method, const char *key, const char *ns,
                      const char *name, const char *sub, const char *ctype, const cJSON *body, char **out);
/* The simulated node, as kind names it, and its address. */
#define FA_SIM_NODE "kind-control-plane"
#define FA_SIM_NODE_IP "172.18.0.2"
/* The Node object the kubelet registers (no uid, resourceVersion or creationTimestamp yet). */
cJSON *fa_sim_node_object(void);
/* Records a core/v1 Event about obj, as the component would. type "Normal" or "Warning". */
void fa_sim_event(fakeapi *f, const char *component, const cJSON *obj, const char *type, const char *reason,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The same about one part of obj: involvedObject.fieldPath, e.g. "spec.containers{app}". */
void fa_sim_event_at(fakeapi *f, const char *component, const cJSON *obj, const char *field_path, const char *type,
                     const char *reason, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* A deterministic random number from the server's seeded generator. */
uint64_t fa_sim_rand(fakeapi *f);
/* Is this object's controller (the ownerReference with controller: true) the given uid? */
bool fa_sim_controlled_by(const cJSON *obj, const char *uid);
/* The Ready condition of a pod is True. */
bool fa_sim_pod_ready(const cJSON *pod);

/* The controllers (one file each). */
extern const fa_sim_ctl fa_sim_replicaset, fa_sim_deployment, fa_sim_kubelet, fa_sim_endpoints, fa_sim_gc;

#endif
