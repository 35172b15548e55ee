/* gc.c: the simulated garbage collector (kube-controller-manager's garbagecollector). It deletes
 * dependents none of whose owners exists any more (background cascade, generic over kinds),
 * carries out foreground deletion (dependents first, then the owner's foregroundDeletion
 * finalizer) and orphaning (owner references removed from the dependents, then the orphan
 * finalizer). Rules: kube-api.md 3.6; the decisions follow garbagecollector.go's
 * attemptToDeleteItem / processDeletingDependentsItem / orphanDependents.
 *
 * Queue keys (namespace is "" for cluster-scoped objects):
 *   (ns, "<storage key>/<name>")  look at one object, as a dependent (are its owners still there?)
 *                                 and as an owner (is it being deleted in foreground or orphan mode?)
 *   (ns, "~<uid>")                the object with this uid was deleted: look at its dependents.
 * The second kind exists because by the time it is synced the deleted owner's kind may no longer
 * be resolvable (a CRD that goes takes its kind with it), while its uid is known to be gone.
 *
 * Every write goes through the API (fa_sim_write) with preconditions or a resourceVersion, so a
 * write that fails (a conflict, an injected fault) is simply retried a little later. */
#include "fakeapi/sim/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RETRY_MS 1000 /* after a failed write; in the future, so a failing write cannot spin */

static const char FOREGROUND[] = "foregroundDeletion", ORPHAN[] = "orphan";

/* One owner reference's owner, as the real GC classifies it. */
typedef enum {
    OWNER_ABSENT,  /* no object of that kind, name and uid: "dangling" */
    OWNER_SOLID,   /* exists and is not waiting for its dependents */
    OWNER_WAITING, /* exists, being deleted in foreground: waits for its dependents */
} owner_state;


static bool has_finalizer(const cJSON *o, const char *fin)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, cj_get(o, "metadata.finalizers"))
    {
        if (cJSON_IsString(x) && !strcmp(x->valuestring, fin))
            return true;
    }
    return false;
}

static bool write_ok(unsigned code) { return (code >= 200 && code < 300) || code == 404; /* gone: nothing to do */ }

/* ---- queueing ---- */

static void enqueue_obj(fakeapi *f, const char *key, const char *ns, const char *name)
{
    char k[1024];
    snprintf(k, sizeof k, "%s/%s", key, name);
    fa_sim_enqueue(f, &fa_sim_gc, ns, k, fa_sim_now(f));
}

/* The kind an owner reference names, or NULL when the registry does not know it. */
static const fa_resource *ref_kind(fakeapi *f, const cJSON *ref)
{
    const char *av = cj_str(ref, "apiVersion"), *kind = cj_str(ref, "kind");
    return av && kind ? fa_registry_find_kind(f->reg, av, kind) : NULL;
}

/* Queues the owner a reference of a dependent in dep_ns names (when its kind is known). */
static void enqueue_owner(fakeapi *f, const char *dep_ns, const cJSON *ref)
{
    const fa_resource *res = ref_kind(f, ref);
    const char *name = cj_str(ref, "name");
    if (!res || !name || (res->namespaced && !*dep_ns))
        return;
    enqueue_obj(f, res->key, res->namespaced ? dep_ns : "", name);
}

static int note_any(void *ud, const char *key, const char *ns, const char *name)
{
    (void)key, (void)ns, (void)name;
    *(bool *)ud = true;
    return 1;
}

static bool refs_name_uid(const cJSON *refs, const char *uid)
{
    const cJSON *ref;
    cJSON_ArrayForEach(ref, refs)
    {
        const char *u = cj_str(ref, "uid");
        if (u && uid && !strcmp(u, uid))
            return true;
    }
    return false;
}

static void gc_on_change(fakeapi *f, const fa_change *c)
{
    const cJSON *refs = cj_get(c->obj, "metadata.ownerReferences"), *ref;
    if (!strcmp(c->type, "DELETED")) {
        /* its dependents may have lost their last owner */
        const char *uid = cj_str(c->obj, "metadata.uid");
        bool any = false;
        if (uid)
            fa_store_dependents(f->store, uid, note_any, &any);
        if (any) {
            char k[128];
            snprintf(k, sizeof k, "~%s", uid);
            fa_sim_enqueue(f, &fa_sim_gc, c->ns, k, fa_sim_now(f));
        }
        /* and an owner deleting in foreground may have been waiting for it */
        cJSON_ArrayForEach(ref, refs) enqueue_owner(f, c->ns, ref);
        return;
    }
    if (fa_deleting(c->obj) && (has_finalizer(c->obj, FOREGROUND) || has_finalizer(c->obj, ORPHAN)))
        enqueue_obj(f, c->res->key, c->ns, c->name);
    if (!strcmp(c->type, "ADDED")) {
        /* a new dependent: its owners must exist (a reference with a stale uid counts as absent) */
        if (cJSON_GetArraySize(refs) > 0)
            enqueue_obj(f, c->res->key, c->ns, c->name);
        return;
    }
    /* MODIFIED: only a change of ownerReferences concerns the dependent side. Most updates
     * (status, labels) carry the same references, so avoid parsing the old state when neither
     * version has any. */
    if (!refs && (!c->old_json || !strstr(c->old_json, "\"ownerReferences\"")))
        return;
    cJSON *old = c->old_json ? cJSON_Parse(c->old_json) : NULL;
    const cJSON *old_refs = cj_get(old, "metadata.ownerReferences");
    if (!cj_equal(refs, old_refs)) {
        if (cJSON_GetArraySize(refs) > 0)
            enqueue_obj(f, c->res->key, c->ns, c->name);
        /* owners it stopped naming, or whose blockOwnerDeletion changed, may be waiting for it */
        cJSON_ArrayForEach(ref, old_refs) enqueue_owner(f, c->ns, ref);
        cJSON_ArrayForEach(ref, refs)
        {
            if (!refs_name_uid(old_refs, cj_str(ref, "uid")))
                enqueue_owner(f, c->ns, ref);
        }
    }
    cJSON_Delete(old);
}

/* ---- reading ---- */

typedef struct {
    char *key, *ns, *name;
} dep_ref;

typedef struct {
    dep_ref *v;
    size_t n, cap;
} dep_list;

static int collect_dep(void *ud, const char *key, const char *ns, const char *name)
{
    dep_list *l = ud;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = (dep_ref){strdup(key), strdup(ns), strdup(name)};
    return 0;
}

/* The dependents of owner_uid as (key, namespace, name): the objects themselves are read one at a
 * time, just before acting on each, since acting on one can change the others. */
static dep_list dependents_of(fakeapi *f, const char *owner_uid)
{
    dep_list l = {0};
    fa_store_dependents(f->store, owner_uid, collect_dep, &l);
    return l;
}

static void deps_free(dep_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].key);
        free(l->v[i].ns);
        free(l->v[i].name);
    }
    free(l->v);
}

static bool has_dependents(fakeapi *f, const char *uid)
{
    bool any = false;
    if (uid)
        fa_store_dependents(f->store, uid, note_any, &any);
    return any;
}

/* Does an object of the kind, name and uid a reference of a dependent in dep_ns names exist?
 * gone_uid is an owner known to be deleted. An owner reference whose kind the registry does not
 * know is taken as present: the real GC cannot map it either and retries rather than collect on
 * a guess (a deleted custom resource still counts as gone through gone_uid). */
static owner_state owner_of(fakeapi *f, const char *dep_ns, const cJSON *ref, const char *gone_uid)
{
    const char *uid = cj_str(ref, "uid"), *name = cj_str(ref, "name");
    if (!uid || !name || (gone_uid && !strcmp(uid, gone_uid)))
        return OWNER_ABSENT;
    const fa_resource *res = ref_kind(f, ref);
    if (!res)
        return OWNER_SOLID;
    if (res->namespaced && !*dep_ns) /* a cluster-scoped object cannot have a namespaced owner */
        return OWNER_ABSENT;
    /* namespaced owners are looked up in the dependent's namespace: cross-namespace references
     * therefore count as absent, as in Kubernetes */
    cJSON *o = fa_sim_get(f, res->key, res->namespaced ? dep_ns : "", name);
    const char *ouid = cj_str(o, "metadata.uid");
    owner_state st = !ouid || strcmp(ouid, uid)                            ? OWNER_ABSENT
                     : fa_deleting(o) && has_finalizer(o, FOREGROUND) ? OWNER_WAITING
                                                                            : OWNER_SOLID;
    cJSON_Delete(o);
    return st;
}

/* ---- writing ---- */

/* Removes the references to the given owner uids from obj (a JSON merge patch carrying the
 * resourceVersion read, so a concurrent change makes it fail and be retried). */
static bool remove_refs(fakeapi *f, const char *key, const char *ns, const cJSON *obj, const cJSON *uids)
{
    cJSON *keep = cJSON_CreateArray();
    const cJSON *ref;
    cJSON_ArrayForEach(ref, cj_get(obj, "metadata.ownerReferences"))
    {
        const cJSON *u;
        bool drop = false;
        cJSON_ArrayForEach(u, uids) drop |= cj_str(ref, "uid") && !strcmp(cj_str(ref, "uid"), u->valuestring);
        if (!drop)
            cJSON_AddItemToArray(keep, cJSON_Duplicate(ref, 1));
    }
    cJSON *patch = cJSON_CreateObject();
    cJSON *meta = cJSON_AddObjectToObject(patch, "metadata");
    if (cJSON_GetArraySize(keep) > 0) {
        cJSON_AddItemToObject(meta, "ownerReferences", keep);
    } else {
        cJSON_Delete(keep);
        cJSON_AddNullToObject(meta, "ownerReferences"); /* none left: drop the field */
    }
    cJSON_AddStringToObject(meta, "resourceVersion", cj_str(obj, "metadata.resourceVersion"));
    unsigned code = fa_sim_write(f, &fa_sim_gc, "PATCH", key, ns, cj_str(obj, "metadata.name"), NULL,
                                 "application/merge-patch+json", patch, NULL);
    cJSON_Delete(patch);
    return write_ok(code);
}

/* Deletes obj with a propagation policy, on the condition that it is still the object read. */
static bool delete_obj(fakeapi *f, const char *key, const char *ns, const cJSON *obj, const char *policy)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "propagationPolicy", policy);
    cJSON *pre = cJSON_AddObjectToObject(body, "preconditions");
    cJSON_AddStringToObject(pre, "uid", cj_str(obj, "metadata.uid"));
    cJSON_AddStringToObject(pre, "resourceVersion", cj_str(obj, "metadata.resourceVersion"));
    unsigned code = fa_sim_write(f, &fa_sim_gc, "DELETE", key, ns, cj_str(obj, "metadata.name"), NULL, NULL, body, NULL);
    cJSON_Delete(body);
    return write_ok(code);
}

/* Removes one finalizer from the object as it is stored now. */
static bool remove_finalizer(fakeapi *f, const char *key, const char *ns, const char *name, const char *fin)
{
    cJSON *obj = fa_sim_get(f, key, ns, name);
    if (!obj || !has_finalizer(obj, fin)) {
        cJSON_Delete(obj);
        return true;
    }
    cJSON *rest = cJSON_CreateArray();
    const cJSON *x;
    cJSON_ArrayForEach(x, cj_get(obj, "metadata.finalizers"))
    {
        if (!cJSON_IsString(x) || strcmp(x->valuestring, fin))
            cJSON_AddItemToArray(rest, cJSON_Duplicate(x, 1));
    }
    cJSON *patch = cJSON_CreateObject();
    cJSON *meta = cJSON_AddObjectToObject(patch, "metadata");
    if (cJSON_GetArraySize(rest) > 0) {
        cJSON_AddItemToObject(meta, "finalizers", rest);
    } else {
        cJSON_Delete(rest);
        cJSON_AddNullToObject(meta, "finalizers");
    }
    cJSON_AddStringToObject(meta, "resourceVersion", cj_str(obj, "metadata.resourceVersion"));
    unsigned code = fa_sim_write(f, &fa_sim_gc, "PATCH", key, ns, name, NULL, "application/merge-patch+json", patch, NULL);
    cJSON_Delete(patch);
    cJSON_Delete(obj);
    return write_ok(code);
}

/* ---- the decisions ---- */

/* A dependent that is not being deleted: if no owner is solid it is collected, otherwise it only
 * loses its references to owners that are gone or waiting for their dependents (so that a
 * foreground owner does not wait for an object another owner keeps). Returns false when a write
 * failed. */
static bool attempt_to_delete(fakeapi *f, const char *key, const char *ns, const cJSON *obj, const char *gone_uid)
{
    const cJSON *ref;
    int nrefs = 0, nsolid = 0, nwaiting = 0;
    cJSON *unlink = cJSON_CreateArray();
    cJSON_ArrayForEach(ref, cj_get(obj, "metadata.ownerReferences"))
    {
        nrefs++;
        owner_state st = owner_of(f, ns, ref, gone_uid);
        if (st == OWNER_SOLID) {
            nsolid++;
            continue;
        }
        nwaiting += st == OWNER_WAITING;
        if (cj_str(ref, "uid"))
            cJSON_AddItemToArray(unlink, cJSON_CreateString(cj_str(ref, "uid")));
    }
    bool ok = true;
    if (nrefs == 0) {
        /* nothing owns it */
    } else if (nsolid > 0) {
        if (cJSON_GetArraySize(unlink) > 0)
            ok = remove_refs(f, key, ns, obj, unlink);
    } else {
        /* collectable. A dependent of a foreground owner that has dependents of its own goes in
         * foreground too, so the owner waits for the whole subtree; otherwise the object's own
         * finalizers decide, and background is the default (garbagecollector.go). */
        const char *policy = nwaiting > 0 && has_dependents(f, cj_str(obj, "metadata.uid")) ? "Foreground"
                             : has_finalizer(obj, ORPHAN)                                   ? "Orphan"
                             : has_finalizer(obj, FOREGROUND)                               ? "Foreground"
                                                                                            : "Background";
        ok = delete_obj(f, key, ns, obj, policy);
    }
    cJSON_Delete(unlink);
    return ok;
}

/* Is any dependent still holding owner_uid with blockOwnerDeletion: true? */
static bool blocked(fakeapi *f, const char *owner_uid)
{
    dep_list deps = dependents_of(f, owner_uid);
    bool any = false;
    for (size_t i = 0; i < deps.n && !any; i++) {
        cJSON *d = fa_sim_get(f, deps.v[i].key, deps.v[i].ns, deps.v[i].name);
        const cJSON *ref;
        cJSON_ArrayForEach(ref, cj_get(d, "metadata.ownerReferences"))
        {
            const char *u = cj_str(ref, "uid");
            if (u && !strcmp(u, owner_uid) && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref, "blockOwnerDeletion")))
                any = true;
        }
        cJSON_Delete(d);
    }
    deps_free(&deps);
    return any;
}

/* Foreground deletion of owner: delete (or unlink) every dependent, and once none that blocks
 * is left, remove the foregroundDeletion finalizer (which lets the server delete the owner).
 * Dependents being deleted are waited for: their deletion queues the owner again. */
static bool process_foreground(fakeapi *f, const char *key, const char *ns, const cJSON *owner)
{
    const char *uid = cj_str(owner, "metadata.uid");
    if (!uid)
        return true;
    dep_list deps = dependents_of(f, uid);
    bool ok = true;
    for (size_t i = 0; i < deps.n; i++) {
        cJSON *d = fa_sim_get(f, deps.v[i].key, deps.v[i].ns, deps.v[i].name);
        if (d && !fa_deleting(d))
            ok &= attempt_to_delete(f, deps.v[i].key, deps.v[i].ns, d, NULL);
        cJSON_Delete(d);
    }
    deps_free(&deps);
    if (!ok)
        return false;
    if (blocked(f, uid))
        return true;
    return remove_finalizer(f, key, ns, cj_str(owner, "metadata.name"), FOREGROUND);
}

/* Orphan deletion of owner: every dependent loses its reference to it, then the orphan
 * finalizer goes. */
static bool process_orphan(fakeapi *f, const char *key, const char *ns, const cJSON *owner)
{
    const char *uid = cj_str(owner, "metadata.uid");
    if (!uid)
        return true;
    cJSON *uids = cJSON_CreateArray();
    cJSON_AddItemToArray(uids, cJSON_CreateString(uid));
    dep_list deps = dependents_of(f, uid);
    bool ok = true;
    for (size_t i = 0; i < deps.n; i++) {
        cJSON *d = fa_sim_get(f, deps.v[i].key, deps.v[i].ns, deps.v[i].name);
        if (d)
            ok &= remove_refs(f, deps.v[i].key, deps.v[i].ns, d, uids);
        cJSON_Delete(d);
    }
    deps_free(&deps);
    cJSON_Delete(uids);
    return ok && remove_finalizer(f, key, ns, cj_str(owner, "metadata.name"), ORPHAN);
}

/* The owner with this uid was deleted: look at each of its dependents. */
static bool sync_gone(fakeapi *f, const char *uid)
{
    dep_list deps = dependents_of(f, uid);
    bool ok = true;
    for (size_t i = 0; i < deps.n; i++) {
        cJSON *d = fa_sim_get(f, deps.v[i].key, deps.v[i].ns, deps.v[i].name);
        /* one being deleted already goes (in foreground it is handled as an owner) */
        if (d && !fa_deleting(d))
            ok &= attempt_to_delete(f, deps.v[i].key, deps.v[i].ns, d, uid);
        cJSON_Delete(d);
    }
    deps_free(&deps);
    return ok;
}

static void gc_sync(fakeapi *f, const char *ns, const char *name)
{
    bool ok = true;
    if (name[0] == '~') {
        ok = sync_gone(f, name + 1);
    } else {
        const char *slash = strchr(name, '/');
        if (!slash)
            return;
        char key[512];
        snprintf(key, sizeof key, "%.*s", (int)(slash - name), name);
        cJSON *obj = fa_sim_get(f, key, ns, slash + 1);
        if (obj && fa_deleting(obj)) {
            /* orphan first: afterwards nothing is left for a foreground finalizer to wait for */
            if (has_finalizer(obj, ORPHAN))
                ok = process_orphan(f, key, ns, obj);
            else if (has_finalizer(obj, FOREGROUND))
                ok = process_foreground(f, key, ns, obj);
        } else if (obj && cJSON_GetArraySize(cj_get(obj, "metadata.ownerReferences")) > 0) {
            ok = attempt_to_delete(f, key, ns, obj, NULL);
        }
        cJSON_Delete(obj);
    }
    if (!ok)
        fa_sim_enqueue(f, &fa_sim_gc, ns, name, fa_sim_now(f) + RETRY_MS);
}

const fa_sim_ctl fa_sim_gc = {.name = "garbage-collector", .on_change = gc_on_change, .sync = gc_sync};
