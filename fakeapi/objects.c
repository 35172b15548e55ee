/* objects.c: the verbs on resources (get, list, create, update, patch, delete and the status
 * and scale subresources) with the apiserver's rules: system-populated metadata, optimistic
 * concurrency, generation, the status split, finalizers and deletion, no-op writes, dry runs,
 * and the namespace and CRD lifecycles that hang off writes.
 *
 * Every write ends in commit(), the one place that appends to the store and wakes watchers. */
#include "fakeapi/internal.h"
#include "fakeapi/patch.h"
#include "fakeapi/sim/sim.h"
#include "fakeapi/table.h"

#include "common/yaml.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---- */

uint64_t fa_rand(fakeapi *f)
{
    uint64_t z = (f->rng += 0x9e3779b97f4a7c15ull); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void fa_uid(fakeapi *f, char out[37])
{
    uint64_t a = fa_rand(f), b = fa_rand(f);
    snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
             (unsigned)a & 0xfff, (unsigned)((b >> 48) & 0x3fff) | 0x8000,
             (unsigned long long)(b & 0xffffffffffffull));
}

static void name_suffix(fakeapi *f, char out[6])
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789"; /* apimachinery util/rand */
    for (int i = 0; i < 5; i++)
        out[i] = alphabet[fa_rand(f) % (sizeof alphabet - 1)];
    out[5] = 0;
}



static bool dry_run(fa_req *r)
{
    const char *d = fa_arg(r, "dryRun");
    return d && !strcmp(d, "All");
}


/* Is a stored object being deleted? */

static cJSON *get_obj(fakeapi *f, const fa_resource *res, const char *ns, const char *name, char **json_out)
{
    char *json = fa_store_get(f->store, res->key, res->namespaced ? ns : "", name);
    cJSON *obj = json ? cJSON_Parse(json) : NULL;
    if (json_out)
        *json_out = json;
    else
        free(json);
    return obj;
}

/* The stored JSON as served through res's version: objects written through another version of
 * the same kind carry that version's apiVersion, which is rewritten (no schema conversion). */
static bool served_as_is(const fa_resource *res, const char *json)
{
    /* stored objects lead with apiVersion (validate() puts it first) */
    char want[320];
    int n = snprintf(want, sizeof want, "{\"apiVersion\":\"%s%s%s\"", res->group, *res->group ? "/" : "",
                     res->version);
    return !strncmp(json, want, (size_t)n);
}

static char *as_served(const fa_resource *res, char *json)
{
    if (served_as_is(res, json))
        return json;
    cJSON *o = cJSON_Parse(json);
    if (!o)
        return json;
    char gv[256];
    fa_gv(res, gv, sizeof gv);
    cj_set_str(o, "apiVersion", gv);
    free(json);
    json = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return json;
}

/* ---- writing ---- */

static void after_delete(fakeapi *f, const fa_resource *res, const char *ns, const cJSON *obj);

/* Appends one change to the store (ADDED, MODIFIED or DELETED) and wakes the watchers. */
static int64_t commit(fakeapi *f, const fa_resource *res, const char *type, const char *verb, const char *actor,
                      cJSON *obj, const char *old_json)
{
    fa_write w = {.key = res->key, .ns = res->namespaced ? cj_str(obj, "metadata.namespace") : "",
                  .name = cj_str(obj, "metadata.name"), .type = type, .verb = verb, .actor = actor,
                  .old_json = old_json, .now_ms = co_clock_now_ms(f->clock)};
    int64_t rv = fa_store_write(f->store, &w, obj);
    if (rv < 0)
        return rv;
    fa_after_write(f);
    fa_sim_changed(f, res, type, obj, old_json);
    if (!strcmp(type, "DELETED"))
        after_delete(f, res, w.ns, obj);
    return rv;
}

void fa_after_write(fakeapi *f)
{
    if (f->history > 0 && ++f->writes % 1024 == 0)
        fa_store_compact(f->store, f->history);
    fa_watch_notify(f);
}


static void sweep_namespace(fakeapi *f, const char *ns);

/* Deletion as the apiserver does it (registry/store.go Delete): an object with finalizers (or a
 * propagation policy that adds one) only gets a deletionTimestamp; otherwise it goes now.
 * Returns the object as it stands afterwards (caller frees). */
static cJSON *delete_object(fakeapi *f, const fa_resource *res, cJSON *obj, const char *old_json, const char *policy,
                            long grace, bool dry, const char *actor)
{
    cJSON *meta = cj_obj(obj, "metadata");
    char ts[32];
    cJSON *fins = cJSON_GetObjectItemCaseSensitive(meta, "finalizers");
    if (fa_deleting(obj)) {
        /* already going: a DELETE with grace 0 (the kubelet's last word) removes it now unless a
         * finalizer holds it; a shorter grace period brings the deadline forward
         * (registry/store.go: updateForGracefulDeletionAndFinalizers) */
        cJSON *had = cJSON_GetObjectItemCaseSensitive(meta, "deletionGracePeriodSeconds");
        if (grace == 0 && cJSON_GetArraySize(fins) == 0 && strcmp(res->key, "namespaces") && !dry) {
            commit(f, res, "DELETED", "delete", actor, obj, old_json);
        } else if (grace > 0 && cJSON_IsNumber(had) && grace < had->valuedouble && !dry) {
            cj_set_str(meta, "deletionTimestamp", co_time_rfc3339(co_clock_now_ms(f->clock) + grace * 1000, ts));
            cj_set_num(meta, "deletionGracePeriodSeconds", (double)grace);
            commit(f, res, "MODIFIED", "delete", actor, obj, old_json);
        }
        return obj;
    }
    if (!strcmp(res->key, "namespaces")) {
        cj_set_str(meta, "deletionTimestamp", fa_now(f, ts));
        cj_set_num(meta, "deletionGracePeriodSeconds", 0);
        cj_set_str(cj_obj(obj, "status"), "phase", "Terminating");
        if (!dry) {
            commit(f, res, "MODIFIED", "delete", actor, obj, old_json);
            sweep_namespace(f, cj_str(meta, "name"));
        }
        return obj;
    }
    if (!strcmp(res->key, "pods")) {
        const char *phase = cj_str(obj, "status.phase");
        if (grace < 0) {
            cJSON *g = cj_get(obj, "spec.terminationGracePeriodSeconds");
            grace = cJSON_IsNumber(g) ? (long)g->valuedouble : 30;
        }
        if (cj_str(obj, "spec.nodeName") && grace > 0 && !(phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")))) {
            cj_set_str(meta, "deletionTimestamp", co_time_rfc3339(co_clock_now_ms(f->clock) + grace * 1000, ts));
            cj_set_num(meta, "deletionGracePeriodSeconds", (double)grace);
            if (!dry)
                commit(f, res, "MODIFIED", "delete", actor, obj, old_json);
            return obj;
        }
    }
    const char *add = policy && !strcmp(policy, "Foreground") ? "foregroundDeletion"
                    : policy && !strcmp(policy, "Orphan")     ? "orphan" : NULL;
    if (add) {
        if (!cJSON_IsArray(fins))
            cj_set(meta, "finalizers", fins = cJSON_CreateArray());
        bool present = false;
        const cJSON *fin;
        cJSON_ArrayForEach(fin, fins) present |= cJSON_IsString(fin) && !strcmp(fin->valuestring, add);
        if (!present)
            cJSON_AddItemToArray(fins, cJSON_CreateString(add));
    }
    if (cJSON_GetArraySize(fins) > 0) {
        cj_set_str(meta, "deletionTimestamp", fa_now(f, ts));
        cj_set_num(meta, "deletionGracePeriodSeconds", 0);
        if (!dry)
            commit(f, res, "MODIFIED", "delete", actor, obj, old_json);
        return obj;
    }
    if (!dry)
        commit(f, res, "DELETED", "delete", actor, obj, old_json);
    return obj;
}

typedef struct {
    char *key, *name;
} row_ref;

typedef struct {
    row_ref *rows;
    size_t n, cap;
} row_list;

static void row_push(row_list *l, const char *key, const char *name)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->rows = realloc(l->rows, l->cap * sizeof *l->rows);
    }
    l->rows[l->n].key = strdup(key);
    l->rows[l->n++].name = strdup(name);
}

static void rows_free(row_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->rows[i].key);
        free(l->rows[i].name);
    }
    free(l->rows);
}

static int collect_ns(void *ud, const char *key, const char *name, const char *json)
{
    (void)json;
    row_push(ud, key, name);
    return 0;
}

typedef struct {
    row_list *l;
    const char *key;
} collect_key_ctx;

static int collect_key(void *ud, const char *ns, const char *name, const char *json)
{
    (void)json;
    collect_key_ctx *c = ud;
    row_push(c->l, ns, name); /* key slot holds the namespace here */
    return 0;
}

/* The namespace controller: deletes everything in a terminating namespace and, once it is
 * empty, removes the namespace itself. Runs synchronously after the writes that can finish it. */
static void sweep_namespace(fakeapi *f, const char *ns)
{
    /* the deletions below come back here through after_delete: one sweep at a time, which also
     * keeps a namespace of thousands of objects from recursing thousands deep */
    if (f->sweeping)
        return;
    const fa_resource *nsres = fa_registry_find_key(f->reg, "namespaces");
    char *ns_json;
    cJSON *nsobj = get_obj(f, nsres, "", ns, &ns_json);
    if (!nsobj || !fa_deleting(nsobj)) {
        cJSON_Delete(nsobj);
        free(ns_json);
        return;
    }
    row_list rows = {0};
    fa_store_scan_ns(f->store, ns, collect_ns, &rows);
    f->sweeping = true;
    for (size_t i = 0; i < rows.n; i++) {
        const fa_resource *res = fa_registry_find_key(f->reg, rows.rows[i].key);
        char *json;
        cJSON *obj = res ? get_obj(f, res, ns, rows.rows[i].name, &json) : NULL;
        if (obj && !fa_deleting(obj))
            delete_object(f, res, obj, json, "Background", 0, false, "namespace-controller");
        cJSON_Delete(obj);
        if (res)
            free(json);
    }
    f->sweeping = false;
    rows_free(&rows);
    row_list left = {0};
    fa_store_scan_ns(f->store, ns, collect_ns, &left);
    bool empty = left.n == 0;
    rows_free(&left);
    if (empty) {
        cJSON_DeleteItemFromObjectCaseSensitive(cj_obj(nsobj, "spec"), "finalizers");
        commit(f, nsres, "DELETED", "delete", "namespace-controller", nsobj, ns_json);
    }
    cJSON_Delete(nsobj);
    free(ns_json);
}

/* A CRD that goes takes its custom resources with it. */
static void drop_crd(fakeapi *f, const char *crd_name)
{
    const fa_resource *res = NULL;
    char key[256];
    snprintf(key, sizeof key, "%s", crd_name);
    res = fa_registry_find_key(f->reg, key);
    if (res) {
        row_list rows = {0};
        collect_key_ctx c = {&rows, key};
        fa_store_list(f->store, key, NULL, NULL, NULL, collect_key, &c);
        for (size_t i = 0; i < rows.n; i++) {
            char *json;
            cJSON *obj = get_obj(f, res, rows.rows[i].key, rows.rows[i].name, &json);
            if (obj) {
                cJSON_DeleteItemFromObjectCaseSensitive(cj_obj(obj, "metadata"), "finalizers");
                commit(f, res, "DELETED", "delete", "apiextensions-controller", obj, json);
            }
            cJSON_Delete(obj);
            free(json);
        }
        rows_free(&rows);
    }
    fa_registry_remove_crd(f->reg, crd_name);
}

static void after_delete(fakeapi *f, const fa_resource *res, const char *ns, const cJSON *obj)
{
    if (!strcmp(res->key, "customresourcedefinitions.apiextensions.k8s.io"))
        drop_crd(f, cj_str(obj, "metadata.name"));
    else if (res->namespaced && ns && *ns)
        sweep_namespace(f, ns);
}

/* Stores obj (cluster-scoped, owned by the caller) unless an object of that name exists. */
static void bootstrap_one(fakeapi *f, const char *key, cJSON *obj, const char *actor)
{
    const fa_resource *res = fa_registry_find_key(f->reg, key);
    cJSON *meta = cj_obj(obj, "metadata");
    char *existing = fa_store_get(f->store, res->key, "", cj_str(meta, "name"));
    if (existing) {
        free(existing);
        return;
    }
    char uid[37], ts[32];
    fa_uid(f, uid);
    cj_set_str(meta, "uid", uid);
    cj_set_str(meta, "creationTimestamp", fa_now(f, ts));
    fa_defaults(f, res, obj);
    commit(f, res, "ADDED", "create", actor, obj, NULL);
}

/* The namespaces every cluster starts with, and the simulated cluster's node. */
void fa_bootstrap(fakeapi *f)
{
    static const char *const names[] = {"default", "kube-system", "kube-public", "kube-node-lease"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cJSON *ns = cJSON_CreateObject();
        cJSON_AddStringToObject(ns, "apiVersion", "v1");
        cJSON_AddStringToObject(ns, "kind", "Namespace");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(ns, "metadata"), "name", names[i]);
        bootstrap_one(f, "namespaces", ns, "cutover-fakeapi");
        cJSON_Delete(ns);
    }
    if (f->sim) {
        cJSON *node = fa_sim_node_object();
        bootstrap_one(f, "nodes", node, "kubelet");
        cJSON_Delete(node);
    }
}

/* ---- create ---- */

static enum MHD_Result do_create(fa_req *r, cJSON *obj, unsigned ok_code)
{
    fakeapi *f = r->f;
    const fa_resource *res = r->res;
    enum MHD_Result ret;
    if (fa_validate(r, obj, &ret) != 0) {
        cJSON_Delete(obj);
        return ret;
    }
    cJSON *meta = cj_obj(obj, "metadata");
    const char *body_ns = cj_str(meta, "namespace");
    if (res->namespaced) {
        if (body_ns && *body_ns && strcmp(body_ns, r->ns)) {
            cJSON_Delete(obj);
            return fa_error(r, 400, "BadRequest",
                            "the namespace of the provided object does not match the namespace sent on the request");
        }
        cj_set_str(meta, "namespace", r->ns);
    } else {
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "namespace");
    }
    const char *gen = cj_str(meta, "generateName");
    if (!cj_str(meta, "name") || !*cj_str(meta, "name")) {
        if (!gen || !*gen) {
            cJSON_Delete(obj);
            return fa_invalid(r, "", "metadata.name", "FieldValueRequired",
                              "Required value: name or generateName is required");
        }
    }
    if (res->namespaced) {
        const fa_resource *nsres = fa_registry_find_key(f->reg, "namespaces");
        cJSON *nsobj = get_obj(f, nsres, "", r->ns, NULL);
        if (!nsobj) {
            cJSON_Delete(obj);
            const fa_resource *saved = r->res;
            const char *saved_name = r->name;
            r->res = nsres;
            r->name = r->ns;
            ret = fa_error(r, 404, "NotFound", "namespaces \"%s\" not found", r->ns);
            r->res = saved;
            r->name = saved_name;
            return ret;
        }
        bool terminating = fa_deleting(nsobj);
        cJSON_Delete(nsobj);
        if (terminating) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s \"%s\" is forbidden: unable to create new content in namespace %s because it is being terminated",
                     res->key, cj_str(meta, "name") ? cj_str(meta, "name") : gen, r->ns);
            cJSON_Delete(obj);
            return fa_error(r, 403, "Forbidden", "%s", msg);
        }
    }
    static const char *const wiped[] = {"uid", "resourceVersion", "creationTimestamp", "deletionTimestamp",
                                        "deletionGracePeriodSeconds", "generation", "selfLink", "managedFields"};
    for (size_t i = 0; i < sizeof wiped / sizeof wiped[0]; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(meta, wiped[i]);
    char uid[37], ts[32];
    fa_uid(f, uid);
    cj_set_str(meta, "uid", uid);
    cj_set_str(meta, "creationTimestamp", fa_now(f, ts));
    if (res->has_generation)
        cj_set_num(meta, "generation", 1);
    if (res->has_status)
        cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
    fa_defaults(f, res, obj);
    bool is_crd = !strcmp(res->key, "customresourcedefinitions.apiextensions.k8s.io");
    if (is_crd) {
        char err[512];
        fa_registry *scratch = fa_registry_new(); /* validate without touching the live registry */
        int bad = fa_registry_add_crd(scratch, obj, err, sizeof err);
        fa_registry_free(scratch);
        if (bad) {
            char field[128] = "spec";
            sscanf(err, "%127[^:]", field);
            const char *detail = strchr(err, ':') ? strchr(err, ':') + 2 : err;
            ret = fa_invalid(r, cj_str(meta, "name"), field, "FieldValueInvalid", detail);
            cJSON_Delete(obj);
            return ret;
        }
        fa_crd_status(f, obj);
    }
    /* generateName: the apiserver retries a few times on collision (RetryGenerateName) */
    for (int attempt = 0; attempt < 8; attempt++) {
        if (gen && (!cj_str(meta, "name") || attempt > 0)) {
            char suffix[6], name[300];
            name_suffix(f, suffix);
            snprintf(name, sizeof name, "%.58s%s", gen, suffix);
            cj_set_str(meta, "name", name);
        }
        char *existing = fa_store_get(f->store, res->key, res->namespaced ? r->ns : "", cj_str(meta, "name"));
        free(existing);
        if (!existing)
            break;
        if (!gen || attempt == 7) {
            const char *saved = r->name;
            r->name = cj_str(meta, "name");
            ret = fa_error(r, 409, "AlreadyExists", "%s \"%s\" already exists", res->key, r->name);
            r->name = saved;
            cJSON_Delete(obj);
            return ret;
        }
    }
    if (!dry_run(r)) {
        if (commit(f, res, "ADDED", "create", fa_actor(r), obj, NULL) < 0) {
            cJSON_Delete(obj);
            return fa_error(r, 500, "InternalError", "storage error");
        }
        if (is_crd) {
            char err[256];
            fa_registry_add_crd(f->reg, obj, err, sizeof err);
        }
    }
    ret = fa_reply_json(r, ok_code, obj);
    cJSON_Delete(obj);
    return ret;
}

/* ---- update (PUT, PATCH and the subresources all end here) ---- */

/* Everything but metadata (and status, for kinds with a status subresource): what generation
 * counts changes of. */
static bool spec_changed(const fa_resource *res, const cJSON *a, const cJSON *b)
{
    cJSON *x = cJSON_Duplicate(a, 1), *y = cJSON_Duplicate(b, 1);
    const char *drop[] = {"metadata", res->has_status ? "status" : NULL};
    for (int i = 0; i < 2 && drop[i]; i++) {
        cJSON_DeleteItemFromObjectCaseSensitive(x, drop[i]);
        cJSON_DeleteItemFromObjectCaseSensitive(y, drop[i]);
    }
    bool changed = !cj_equal(x, y);
    if (!changed && res->annotations_bump_generation)
        changed = !cj_equal(cj_get(a, "metadata.annotations"), cj_get(b, "metadata.annotations"));
    cJSON_Delete(x);
    cJSON_Delete(y);
    return changed;
}

static void copy_field(cJSON *dst, const cJSON *src, const char *key)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(src, key);
    if (v)
        cj_set(dst, key, cJSON_Duplicate(v, 1));
    else
        cJSON_DeleteItemFromObjectCaseSensitive(dst, key);
}

/* Applies the server's rules to `in` (the client's new version of `stored`) and commits it.
 * Takes ownership of in and stored. */
static enum MHD_Result update_object(fa_req *r, cJSON *stored, const char *stored_json, cJSON *in, const char *verb,
                                     bool require_rv, bool reply_scale);

static cJSON *scale_of(const fa_resource *res, const cJSON *obj);

static enum MHD_Result update_object(fa_req *r, cJSON *stored, const char *stored_json, cJSON *in, const char *verb,
                                     bool require_rv, bool reply_scale)
{
    fakeapi *f = r->f;
    const fa_resource *res = r->res;
    enum MHD_Result ret;
    const char *name = r->name;
    if (fa_validate(r, in, &ret) != 0)
        goto out;
    cJSON *meta = cj_obj(in, "metadata");
    const cJSON *smeta = cJSON_GetObjectItemCaseSensitive(stored, "metadata");
    const char *in_name = cj_str(meta, "name");
    if (!in_name || strcmp(in_name, name)) {
        ret = fa_error(r, 400, "BadRequest", "the name of the object (%s) does not match the name on the URL (%s)",
                       in_name ? in_name : "", name);
        goto out;
    }
    const char *in_ns = cj_str(meta, "namespace");
    if (res->namespaced && in_ns && *in_ns && strcmp(in_ns, r->ns)) {
        ret = fa_error(r, 400, "BadRequest",
                       "the namespace of the provided object does not match the namespace sent on the request");
        goto out;
    }
    const char *in_rv = cj_str(meta, "resourceVersion");
    const char *cur_rv = cj_str(smeta, "resourceVersion");
    if (in_rv && *in_rv) {
        if (strcmp(in_rv, cur_rv)) {
            ret = fa_error(r, 409, "Conflict", "Operation cannot be fulfilled on %s \"%s\": the object has been "
                           "modified; please apply your changes to the latest version and try again", res->key, name);
            goto out;
        }
    } else if (require_rv) {
        ret = fa_invalid(r, name, "metadata.resourceVersion", "FieldValueInvalid",
                         "Invalid value: 0x0: must be specified for an update");
        goto out;
    }
    const char *in_uid = cj_str(meta, "uid"), *cur_uid = cj_str(smeta, "uid");
    if (in_uid && *in_uid && cur_uid && strcmp(in_uid, cur_uid)) {
        ret = fa_error(r, 409, "Conflict", "Operation cannot be fulfilled on %s \"%s\": Precondition failed: UID in "
                       "precondition: %s, UID in object meta: %s", res->key, name, in_uid, cur_uid);
        goto out;
    }
    cJSON *result;
    bool status_write = r->sub && !strcmp(r->sub, "status");
    if (status_write) {
        /* /status changes status only (plus, for built-ins, the annotations a kubelet or
         * controller may set alongside; kube-api.md 3.3) */
        result = cJSON_Duplicate(stored, 1);
        copy_field(result, in, "status");
        if (res->builtin)
            copy_field(cj_obj(result, "metadata"), meta, "annotations");
        if (!strcmp(res->key, "pods"))
            copy_field(cj_obj(result, "metadata"), meta, "labels");
    } else {
        result = cJSON_Duplicate(in, 1);
        cJSON *rmeta = cj_obj(result, "metadata");
        static const char *const kept[] = {"uid", "creationTimestamp", "namespace", "name", "generation",
                                           "deletionTimestamp", "deletionGracePeriodSeconds"};
        for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
            copy_field(rmeta, smeta, kept[i]);
        cJSON_DeleteItemFromObjectCaseSensitive(rmeta, "selfLink");
        if (res->has_status)
            copy_field(result, stored, "status");
        if (!strcmp(res->key, "namespaces"))
            copy_field(result, stored, "spec"); /* spec.finalizers changes only through /finalize */
        if (r->sub && !strcmp(r->sub, "finalize"))
            copy_field(result, in, "spec");
    }
    cJSON *rmeta = cj_obj(result, "metadata");
    cj_set_str(rmeta, "resourceVersion", cur_rv);
    /* a deleting object may lose finalizers but never gain one */
    if (fa_deleting(stored)) {
        const cJSON *fin;
        cJSON_ArrayForEach(fin, cJSON_GetObjectItemCaseSensitive(rmeta, "finalizers"))
        {
            bool known = false;
            const cJSON *old;
            cJSON_ArrayForEach(old, cJSON_GetObjectItemCaseSensitive(smeta, "finalizers"))
                known |= cJSON_IsString(old) && !strcmp(old->valuestring, fin->valuestring);
            if (!known) {
                char detail[512];
                snprintf(detail, sizeof detail, "Forbidden: no new finalizers can be added if the object is being "
                         "deleted, found new finalizers []string{\"%s\"}", fin->valuestring);
                ret = fa_invalid(r, name, "metadata.finalizers", "FieldValueForbidden", detail);
                cJSON_Delete(result);
                goto out;
            }
        }
    }
    if (res->has_generation && !status_write && spec_changed(res, stored, result)) {
        cJSON *g = cJSON_GetObjectItemCaseSensitive(smeta, "generation");
        cj_set_num(rmeta, "generation", (cJSON_IsNumber(g) ? g->valuedouble : 0) + 1);
    }
    bool is_crd = !strcmp(res->key, "customresourcedefinitions.apiextensions.k8s.io");
    if (is_crd && !status_write) {
        char err[512];
        fa_registry *scratch = fa_registry_new();
        int bad = fa_registry_add_crd(scratch, result, err, sizeof err);
        fa_registry_free(scratch);
        if (bad) {
            ret = fa_invalid(r, name, "spec", "FieldValueInvalid", err);
            cJSON_Delete(result);
            goto out;
        }
    }
    /* no-op writes neither bump the resourceVersion nor emit an event */
    bool noop = cj_equal(result, stored);
    /* the last finalizer of an object whose grace period is over (0) removes it; a pod in its
     * grace period stays until the kubelet's final DELETE */
    cJSON *grace = cJSON_GetObjectItemCaseSensitive(rmeta, "deletionGracePeriodSeconds");
    bool finished = fa_deleting(result) && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rmeta, "finalizers")) == 0 &&
                    strcmp(res->key, "namespaces") && (!cJSON_IsNumber(grace) || grace->valuedouble == 0);
    if (!strcmp(res->key, "namespaces") && fa_deleting(result) &&
        cJSON_GetArraySize(cj_get(result, "spec.finalizers")) == 0)
        finished = true;
    if (!noop && !dry_run(r)) {
        if (commit(f, res, finished ? "DELETED" : "MODIFIED", verb, fa_actor(r), result, stored_json) < 0) {
            cJSON_Delete(result);
            ret = fa_error(r, 500, "InternalError", "storage error");
            goto out;
        }
        if (is_crd && !finished) {
            char err[256];
            fa_registry_add_crd(f->reg, result, err, sizeof err);
        }
    }
    if (reply_scale) {
        cJSON *scale = scale_of(res, result);
        ret = fa_reply_json(r, 200, scale);
        cJSON_Delete(scale);
    } else {
        ret = fa_reply_json(r, 200, result);
    }
    cJSON_Delete(result);
out:
    cJSON_Delete(in);
    cJSON_Delete(stored);
    return ret;
}

/* ---- scale subresource: an autoscaling/v1 Scale view of spec.replicas ---- */

static cJSON *path_get(const cJSON *obj, const char *jsonpath)
{
    return jsonpath ? cj_get(obj, jsonpath[0] == '.' ? jsonpath + 1 : jsonpath) : NULL;
}

static cJSON *scale_of(const fa_resource *res, const cJSON *obj)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "kind", "Scale");
    cJSON_AddStringToObject(s, "apiVersion", "autoscaling/v1");
    cJSON *m = cJSON_AddObjectToObject(s, "metadata");
    const char *keys[] = {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"};
    for (int i = 0; i < 5; i++)
        copy_field(m, cJSON_GetObjectItemCaseSensitive(obj, "metadata"), keys[i]);
    cJSON *spec = cJSON_AddObjectToObject(s, "spec");
    cJSON *want = path_get(obj, res->scale_spec);
    cJSON_AddNumberToObject(spec, "replicas", cJSON_IsNumber(want) ? want->valuedouble : 0);
    cJSON *st = cJSON_AddObjectToObject(s, "status");
    cJSON *have = path_get(obj, res->scale_status);
    cJSON_AddNumberToObject(st, "replicas", cJSON_IsNumber(have) ? have->valuedouble : 0);
    cJSON *sel = path_get(obj, res->scale_selector);
    if (cJSON_IsString(sel)) {
        cJSON_AddStringToObject(st, "selector", sel->valuestring);
    } else if (cJSON_IsObject(sel)) {
        char *str = labelsel_string(sel);
        if (str)
            cJSON_AddStringToObject(st, "selector", str);
        free(str);
    }
    return s;
}

/* Writes a Scale's spec.replicas into its parent and commits the parent. */
static enum MHD_Result update_scale(fa_req *r, cJSON *stored, const char *stored_json, cJSON *scale)
{
    cJSON *replicas = cj_get(scale, "spec.replicas");
    const char *rv = cj_str(scale, "metadata.resourceVersion");
    if (!cJSON_IsNumber(replicas) || replicas->valuedouble < 0) {
        enum MHD_Result ret = fa_invalid(r, r->name, "spec.replicas", "FieldValueInvalid",
                                         "Invalid value: must be greater than or equal to 0");
        cJSON_Delete(scale);
        cJSON_Delete(stored);
        return ret;
    }
    cJSON *in = cJSON_Duplicate(stored, 1);
    if (rv && *rv)
        cj_set_str(cj_obj(in, "metadata"), "resourceVersion", rv);
    /* walk the spec path, creating objects on the way (".spec.replicas") */
    const char *path = r->res->scale_spec[0] == '.' ? r->res->scale_spec + 1 : r->res->scale_spec;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    cJSON *o = in;
    char *save = NULL, *tok = strtok_r(buf, ".", &save);
    while (tok) {
        char *next = strtok_r(NULL, ".", &save);
        if (!next)
            cj_set_num(o, tok, replicas->valuedouble);
        else
            o = cj_obj(o, tok);
        tok = next;
    }
    cJSON_Delete(scale);
    const char *sub = r->sub;
    r->sub = NULL; /* the parent's main resource is what changes */
    enum MHD_Result ret = update_object(r, stored, stored_json, in, "update", false, true);
    r->sub = sub;
    return ret;
}

/* ---- patch ---- */

static enum MHD_Result do_patch(fa_req *r)
{
    fakeapi *f = r->f;
    const fa_resource *res = r->res;
    char ct[128];
    fa_content_type(r, ct, sizeof ct);
    bool merge = !strcmp(ct, "application/merge-patch+json"), json = !strcmp(ct, "application/json-patch+json"),
         smp = !strcmp(ct, "application/strategic-merge-patch+json"), apply = !strcmp(ct, "application/apply-patch+yaml");
    bool scale = r->sub && !strcmp(r->sub, "scale");
    if (smp && !res->builtin && !scale)
        return fa_error(r, 415, "UnsupportedMediaType",
                        "the body of the request was in an unknown format - accepted media types include: "
                        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
    if (!merge && !json && !smp && !apply)
        return fa_error(r, 415, "UnsupportedMediaType",
                        "the body of the request was in an unknown format - accepted media types include: "
                        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml%s",
                        res->builtin ? ", application/strategic-merge-patch+json" : "");
    char err[1024] = "";
    cJSON *patch = apply ? yaml_parse_one(r->body.data ? r->body.data : "", r->body.len, err, sizeof err)
                         : (r->body.len ? cj_parse(r->body.data, r->body.len) : NULL);
    if (!patch)
        return fa_error(r, 400, "BadRequest", "error decoding patch: %s", *err ? err : "invalid JSON");
    if (apply && !fa_arg(r, "fieldManager")) {
        cJSON_Delete(patch);
        return fa_invalid(r, "", "fieldManager", "FieldValueRequired", "Required value: is required for apply patch");
    }
    char *stored_json;
    cJSON *stored = get_obj(f, res, r->ns, r->name, &stored_json);
    if (!stored) {
        free(stored_json);
        if (apply && !r->sub) { /* server-side apply creates */
            if (!cJSON_IsObject(patch)) {
                cJSON_Delete(patch);
                return fa_error(r, 400, "BadRequest", "error decoding patch: not an object");
            }
            cJSON *meta = cj_obj(patch, "metadata");
            if (!cj_str(meta, "name"))
                cj_set_str(meta, "name", r->name);
            return do_create(r, patch, 201);
        }
        cJSON_Delete(patch);
        return fa_error(r, 404, "NotFound", "%s \"%s\" not found", res->key, r->name);
    }
    cJSON *target = scale ? scale_of(res, stored) : stored;
    cJSON *out = NULL;
    int rc;
    if (json)
        rc = patch_json(target, patch, &out, err, sizeof err);
    else if (smp || (apply && (res->builtin || scale)))
        rc = patch_strategic(target, patch, scale ? "Scale" : res->kind, &out, err, sizeof err);
    else
        rc = patch_merge(target, patch, &out, err, sizeof err);
    cJSON_Delete(patch);
    if (scale)
        cJSON_Delete(target);
    if (rc != PATCH_OK) {
        cJSON_Delete(stored);
        free(stored_json);
        if (rc == PATCH_INVALID)
            return fa_invalid(r, r->name, "patch", "FieldValueInvalid", err);
        if (rc == PATCH_TOO_LARGE)
            return fa_error(r, 413, "RequestEntityTooLarge", "%s", err);
        return fa_error(r, 400, "BadRequest", "%s", err);
    }
    if (!cJSON_IsObject(out)) {
        cJSON_Delete(out);
        cJSON_Delete(stored);
        free(stored_json);
        return fa_error(r, 400, "BadRequest", "the patch does not result in an object");
    }
    enum MHD_Result ret = scale ? update_scale(r, stored, stored_json, out)
                                : update_object(r, stored, stored_json, out, "patch", false, false);
    free(stored_json);
    return ret;
}

/* ---- delete ---- */

typedef struct {
    const char *policy;
    long grace;
    const char *pre_uid, *pre_rv;
    bool dry;
    cJSON *body;
} delete_opts;

static int check_delete_body(fa_req *r, delete_opts *o, enum MHD_Result *ret);

static int parse_delete_opts(fa_req *r, delete_opts *o, enum MHD_Result *ret)
{
    memset(o, 0, sizeof *o);
    o->grace = -1;
    o->dry = dry_run(r);
    o->policy = fa_arg(r, "propagationPolicy");
    const char *g = fa_arg(r, "gracePeriodSeconds");
    if (g)
        o->grace = atol(g);
    if (r->body.len) {
        o->body = cj_parse(r->body.data, r->body.len);
        if (!cJSON_IsObject(o->body)) {
            cJSON_Delete(o->body);
            o->body = NULL;
            *ret = fa_error(r, 400, "BadRequest", "couldn't decode DeleteOptions: invalid JSON");
            return -1;
        }
    }
    return check_delete_body(r, o, ret);
}

/* Takes the DeleteOptions in o->body (if any) into o and checks the policy; on an error the
 * response is queued in *ret and o->body is freed. */
static int check_delete_body(fa_req *r, delete_opts *o, enum MHD_Result *ret)
{
    if (o->body) {
        const char *p = cj_str(o->body, "propagationPolicy");
        if (p)
            o->policy = p;
        cJSON *gs = cJSON_GetObjectItemCaseSensitive(o->body, "gracePeriodSeconds");
        if (cJSON_IsNumber(gs))
            o->grace = (long)gs->valuedouble;
        o->pre_uid = cj_str(o->body, "preconditions.uid");
        o->pre_rv = cj_str(o->body, "preconditions.resourceVersion");
        const cJSON *d;
        cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(o->body, "dryRun"))
            o->dry |= cJSON_IsString(d) && !strcmp(d->valuestring, "All");
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o->body, "orphanDependents")))
            o->policy = "Orphan";
    }
    if (o->policy && strcmp(o->policy, "Foreground") && strcmp(o->policy, "Background") && strcmp(o->policy, "Orphan")) {
        char detail[256];
        snprintf(detail, sizeof detail, "Unsupported value: \"%s\": supported values: \"Foreground\", \"Background\", \"Orphan\"",
                 o->policy);
        *ret = fa_invalid(r, r->name, "propagationPolicy", "FieldValueNotSupported", detail);
        cJSON_Delete(o->body);
        return -1;
    }
    return 0;
}

/* DeleteOptions.preconditions against the object: true (with the 409 sent into *ret) when one
   fails. */
static bool precondition_failed(fa_req *r, const delete_opts *o, const cJSON *obj, enum MHD_Result *ret)
{
    const char *uid = cj_str(obj, "metadata.uid"), *rv = cj_str(obj, "metadata.resourceVersion");
    if (o->pre_uid && strcmp(o->pre_uid, uid))
        *ret = fa_error(r, 409, "Conflict", "Operation cannot be fulfilled on %s \"%s\": Precondition failed: UID in "
                        "precondition: %s, UID in object meta: %s", r->res->key, r->name, o->pre_uid, uid);
    else if (o->pre_rv && strcmp(o->pre_rv, rv))
        *ret = fa_error(r, 409, "Conflict", "Operation cannot be fulfilled on %s \"%s\": Precondition failed: "
                        "ResourceVersion in precondition: %s, ResourceVersion in object meta: %s", r->res->key,
                        r->name, o->pre_rv, rv);
    else
        return false;
    return true;
}

static enum MHD_Result do_delete(fa_req *r)
{
    fakeapi *f = r->f;
    delete_opts o;
    enum MHD_Result ret;
    if (parse_delete_opts(r, &o, &ret) != 0)
        return ret;
    char *json;
    cJSON *obj = get_obj(f, r->res, r->ns, r->name, &json);
    if (!obj) {
        free(json);
        cJSON_Delete(o.body);
        return fa_error(r, 404, "NotFound", "%s \"%s\" not found", r->res->key, r->name);
    }
    if (!precondition_failed(r, &o, obj, &ret)) {
        delete_object(f, r->res, obj, json, o.policy, o.grace, o.dry, fa_actor(r));
        ret = fa_reply_json(r, 200, obj);
    }
    cJSON_Delete(obj);
    cJSON_Delete(o.body);
    free(json);
    return ret;
}

/* ---- eviction (registry/core/pod/storage/eviction.go) ---- */

typedef struct {
    const cJSON *labels;
    int n;
    char *json; /* the first match */
} pdb_match;

static int match_pdb(void *ud, const char *ns, const char *name, const char *json)
{
    (void)ns, (void)name;
    pdb_match *m = ud;
    cJSON *pdb = cJSON_Parse(json);
    const cJSON *sel = cj_get(pdb, "spec.selector");
    if (cJSON_IsObject(sel)) { /* a nil selector selects nothing, an empty one everything */
        char *str = labelsel_string(sel), err[256];
        labelsel *ls = str ? labelsel_parse(str, err, sizeof err) : NULL;
        if (ls && labelsel_matches(ls, m->labels) && m->n++ == 0)
            m->json = strdup(json);
        labelsel_free(ls);
        free(str);
    }
    cJSON_Delete(pdb);
    return 0;
}

/* 429 TooManyRequests with one DisruptionBudget cause, as checkAndDecrement answers. */
static enum MHD_Result too_many(fa_req *r, const char *cause)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "reason", "DisruptionBudget");
    cJSON_AddStringToObject(c, "message", cause);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(d, "causes"), c);
    cJSON *s = fa_status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", d);
    enum MHD_Result ret = fa_reply_json(r, 429, s);
    cJSON_Delete(s);
    return ret;
}

/* Checks the one PDB covering the pod and, unless dry, takes one disruption from it (its
 * status.disruptionsAllowed, recording the pod in status.disruptedPods). 0 to go on, else the
 * refusal is queued in *ret. */
static int pdb_take(fa_req *r, const cJSON *pod, bool dry, enum MHD_Result *ret)
{
    fakeapi *f = r->f;
    const fa_resource *pres = fa_registry_find(f->reg, "policy", "v1", "poddisruptionbudgets");
    if (!pres)
        return 0;
    pdb_match m = {.labels = cj_get(pod, "metadata.labels")};
    fa_store_list(f->store, pres->key, r->ns, NULL, NULL, match_pdb, &m);
    if (m.n == 0)
        return 0;
    int rc = -1;
    if (m.n > 1) {
        *ret = fa_error(r, 500, "InternalError",
                        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
        free(m.json);
        return -1;
    }
    cJSON *pdb = cJSON_Parse(m.json);
    const char *pname = cj_str(pdb, "metadata.name");
    const cJSON *gen = cj_get(pdb, "metadata.generation"), *og = cj_get(pdb, "status.observedGeneration");
    const cJSON *allowed = cj_get(pdb, "status.disruptionsAllowed");
    double n = cJSON_IsNumber(allowed) ? allowed->valuedouble : 0;
    char cause[512];
    if ((cJSON_IsNumber(og) ? og->valuedouble : 0) < (cJSON_IsNumber(gen) ? gen->valuedouble : 0)) {
        snprintf(cause, sizeof cause, "The disruption budget %s is still being processed by the server.", pname);
        *ret = too_many(r, cause);
    } else if (n < 0) {
        *ret = fa_error(r, 403, "Forbidden", "pdb disruptions allowed is negative");
    } else if (n == 0) {
        const cJSON *want = cj_get(pdb, "status.desiredHealthy"), *have = cj_get(pdb, "status.currentHealthy");
        snprintf(cause, sizeof cause, "The disruption budget %s needs %d healthy pods and has %d currently", pname,
                 cJSON_IsNumber(want) ? (int)want->valuedouble : 0, cJSON_IsNumber(have) ? (int)have->valuedouble : 0);
        *ret = too_many(r, cause);
    } else {
        rc = 0;
        if (!dry) {
            char ts[32];
            cJSON *st = cj_obj(pdb, "status");
            cj_set_num(st, "disruptionsAllowed", n - 1);
            cj_set_str(cj_obj(st, "disruptedPods"), cj_str(pod, "metadata.name"), fa_now(f, ts));
            if (commit(f, pres, "MODIFIED", "update", fa_actor(r), pdb, m.json) < 0) {
                *ret = fa_error(r, 500, "InternalError", "storage error");
                rc = -1;
            }
        }
    }
    cJSON_Delete(pdb);
    free(m.json);
    return rc;
}

static enum MHD_Result do_evict(fa_req *r)
{
    fakeapi *f = r->f;
    cJSON *ev = r->body.len ? cj_parse(r->body.data, r->body.len) : NULL;
    if (!cJSON_IsObject(ev)) {
        cJSON_Delete(ev);
        return fa_error(r, 400, "BadRequest", "couldn't decode Eviction: invalid JSON");
    }
    const char *av = cj_str(ev, "apiVersion"), *kind = cj_str(ev, "kind");
    if ((av && strcmp(av, "policy/v1") && strcmp(av, "policy/v1beta1")) || (kind && strcmp(kind, "Eviction"))) {
        enum MHD_Result ret = fa_error(r, 400, "BadRequest", "%s/%s is not an Eviction (policy/v1 or policy/v1beta1)",
                                       av ? av : "", kind ? kind : "");
        cJSON_Delete(ev);
        return ret;
    }
    const char *ename = cj_str(ev, "metadata.name");
    if (!ename || strcmp(ename, r->name)) {
        cJSON_Delete(ev);
        return fa_error(r, 400, "BadRequest", "name in URL does not match name in Eviction object");
    }
    /* the Eviction's deleteOptions, with the request's dryRun carried into them */
    delete_opts o;
    memset(&o, 0, sizeof o);
    o.grace = -1;
    o.dry = dry_run(r);
    cJSON *dopts = cJSON_GetObjectItemCaseSensitive(ev, "deleteOptions");
    if (cJSON_IsObject(dopts))
        o.body = cJSON_Duplicate(dopts, 1);
    cJSON_Delete(ev);
    enum MHD_Result ret;
    if (check_delete_body(r, &o, &ret) != 0)
        return ret;
    char *json;
    cJSON *pod = get_obj(f, r->res, r->ns, r->name, &json);
    if (!pod) {
        free(json);
        cJSON_Delete(o.body);
        return fa_error(r, 404, "NotFound", "%s \"%s\" not found", r->res->key, r->name);
    }
    const char *phase = cj_str(pod, "status.phase");
    /* a pod that is terminal, pending or already terminating may always go (canIgnorePDB) */
    bool ignore_pdb = fa_deleting(pod) || !phase || !strcmp(phase, "Succeeded") || !strcmp(phase, "Failed") ||
                      !strcmp(phase, "Pending");
    if (!precondition_failed(r, &o, pod, &ret) && (ignore_pdb || pdb_take(r, pod, o.dry, &ret) == 0)) {
        /* exactly what DELETE with these options does: graceful for a running pod */
        delete_object(f, r->res, pod, json, o.policy, o.grace, o.dry, fa_actor(r));
        ret = fa_reply(r, 201, strdup("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                                      "\"status\":\"Success\",\"code\":201}"));
    }
    cJSON_Delete(pod);
    cJSON_Delete(o.body);
    free(json);
    return ret;
}

/* ---- list, get and deletecollection ---- */

bool fa_obj_matches(const fa_resource *res, const char *ns_filter, const labelsel *ls, const fieldsel *fs,
                    const cJSON *obj)
{
    if (ns_filter && res->namespaced) {
        const char *ns = cj_str(obj, "metadata.namespace");
        if (!ns || strcmp(ns, ns_filter))
            return false;
    }
    if (ls && !labelsel_matches(ls, cj_get(obj, "metadata.labels")))
        return false;
    return !fs || fieldsel_matches(fs, obj);
}

typedef struct {
    const fa_resource *res;
    labelsel *ls;
    fieldsel *fs;
    long limit;
    long count, remaining;
    co_buf items;
    char *last_ns, *last_name;
    bool more;
    row_list *collect; /* deletecollection: gather names instead of items */
} list_ctx;

static int list_row(void *ud, const char *ns, const char *name, const char *json)
{
    list_ctx *c = ud;
    bool filtered = (c->ls && !labelsel_empty(c->ls)) || (c->fs && !fieldsel_empty(c->fs));
    if (filtered) {
        cJSON *o = cJSON_Parse(json);
        bool ok = o && fa_obj_matches(c->res, NULL, c->ls, c->fs, o);
        cJSON_Delete(o);
        if (!ok)
            return 0;
    }
    if (c->limit > 0 && c->count >= c->limit) {
        c->more = true;
        c->remaining++;
        return 0;
    }
    if (c->collect) {
        row_push(c->collect, ns, name);
        c->count++;
        return 0;
    }
    co_buf_adds(&c->items, c->items.len ? "," : "");
    if (served_as_is(c->res, json)) {
        co_buf_adds(&c->items, json);
    } else {
        char *served = as_served(c->res, strdup(json));
        co_buf_adds(&c->items, served);
        free(served);
    }
    if (++c->count == c->limit) { /* the continue token starts after the last item of the page */
        c->last_ns = strdup(ns);
        c->last_name = strdup(name);
    }
    return 0;
}

static char *hex_encode(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", (unsigned char)s[i]);
    out[2 * n] = 0;
    return out;
}

static char *hex_decode(const char *s)
{
    size_t n = strlen(s);
    if (n % 2)
        return NULL;
    char *out = malloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (!isxdigit((unsigned char)s[2 * i]) || !isxdigit((unsigned char)s[2 * i + 1]) ||
            sscanf(s + 2 * i, "%2x", &v) != 1 || v == 0) {
            free(out);
            return NULL;
        }
        out[i] = (char)v;
    }
    out[n / 2] = 0;
    return out;
}

static int parse_selectors(fa_req *r, labelsel **ls, fieldsel **fs, enum MHD_Result *ret)
{
    char err[512];
    *ls = NULL;
    *fs = NULL;
    *ls = labelsel_parse(fa_arg(r, "labelSelector"), err, sizeof err);
    if (!*ls) {
        *ret = fa_error(r, 400, "BadRequest", "unable to parse requirement: %s", err);
        return -1;
    }
    *fs = fieldsel_parse(fa_arg(r, "fieldSelector"), r->res->fields, err, sizeof err);
    if (!*fs) {
        labelsel_free(*ls);
        *ls = NULL;
        *ret = fa_error(r, 400, "BadRequest", "%s", err);
        return -1;
    }
    return 0;
}

/* Parses a resourceVersion parameter: 0 when unset or "0", -1 when malformed. */
static long long parse_rv(const char *s)
{
    if (!s || !*s)
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    return (*end || v < 0) ? -1 : v;
}

/* Sends body (a JSON document owned by the caller) as the negotiated output asks: as it is, or
 * converted to a Table or PartialObjectMetadata. */
static enum MHD_Result reply_as(fa_req *r, const fa_output *o, char *body, fa_shape shape)
{
    if (o->as == FA_AS_OBJECT)
        return fa_reply(r, 200, body);
    enum MHD_Result ret = MHD_NO;
    cJSON *doc = cJSON_Parse(body);
    free(body);
    if (!doc)
        return fa_error(r, 500, "InternalError", "stored object is not valid JSON");
    char *out = fa_output_render(r, o, doc, shape, &ret);
    cJSON_Delete(doc);
    return out ? fa_reply(r, 200, out) : ret;
}

static enum MHD_Result do_list(fa_req *r)
{
    fakeapi *f = r->f;
    const fa_resource *res = r->res;
    enum MHD_Result ret;
    fa_output output;
    if (fa_output_negotiate(r, &output, &ret) != 0)
        return ret;
    const char *rvs = fa_arg(r, "resourceVersion"), *match = fa_arg(r, "resourceVersionMatch");
    long long rv = parse_rv(rvs);
    if (rv < 0)
        return fa_error(r, 400, "BadRequest", "invalid resource version: %s", rvs);
    bool watch = r->watch_path || fa_arg_true(r, "watch");
    if (match && (!rvs || !*rvs) && !(watch && fa_arg_true(r, "sendInitialEvents")))
        return fa_invalid(r, "", "resourceVersionMatch", "FieldValueForbidden",
                          "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
    if (match && strcmp(match, "NotOlderThan") && strcmp(match, "Exact"))
        return fa_invalid(r, "", "resourceVersionMatch", "FieldValueNotSupported",
                          "Unsupported value: supported values: \"Exact\", \"NotOlderThan\"");
    labelsel *ls;
    fieldsel *fs;
    if (parse_selectors(r, &ls, &fs, &ret) != 0)
        return ret;
    if (watch)
        return fa_watch_start(r, ls, fs);
    if (rv > fa_store_rv(f->store)) {
        labelsel_free(ls);
        fieldsel_free(fs);
        return fa_error(r, 504, "Timeout", "Too large resource version: %lld, current: %lld", rv,
                        (long long)fa_store_rv(f->store));
    }
    list_ctx c = {.res = res, .ls = ls, .fs = fs};
    const char *limit = fa_arg(r, "limit"), *cont = fa_arg(r, "continue");
    c.limit = limit ? atol(limit) : 0;
    long long list_rv = fa_store_rv(f->store);
    char *after_ns = NULL, *after_name = NULL;
    if (cont && *cont) {
        char *tok = hex_decode(cont);
        long long trv = 0;
        char ns[256] = "", name[256] = "";
        if (!tok || sscanf(tok, "%lld|%255[^|]|%255[^|]", &trv, ns, name) < 2) {
            free(tok);
            labelsel_free(ls);
            fieldsel_free(fs);
            return fa_error(r, 400, "BadRequest", "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
        free(tok);
        if (!strcmp(ns, "-"))
            ns[0] = 0;
        /* a page is consistent with the first one only if nothing of this kind changed since */
        if (trv < fa_store_compacted(f->store) || fa_store_changed_since(f->store, res->key, r->ns, trv)) {
            labelsel_free(ls);
            fieldsel_free(fs);
            return fa_error(r, 410, "Expired", "The provided continue parameter is too old to display a consistent "
                            "list result. You can start a new list without the continue parameter.");
        }
        list_rv = trv;
        after_ns = strdup(ns);
        after_name = strdup(name);
    }
    fa_store_list(f->store, res->key, res->namespaced ? r->ns : NULL, after_ns, after_name, list_row, &c);
    char gv[256];
    fa_gv(res, gv, sizeof gv);
    co_buf out = {0};
    co_buf_printf(&out, "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"%lld\"",
                  res->list_kind, gv, list_rv);
    if (c.more) {
        char raw[600];
        snprintf(raw, sizeof raw, "%lld|%s|%s", list_rv, *c.last_ns ? c.last_ns : "-", c.last_name);
        char *tok = hex_encode(raw);
        co_buf_printf(&out, ",\"continue\":\"%s\",\"remainingItemCount\":%ld", tok, c.remaining);
        free(tok);
    }
    co_buf_adds(&out, "},\"items\":[");
    co_buf_add(&out, c.items.data, c.items.len);
    co_buf_adds(&out, "]}");
    co_buf_free(&c.items);
    free(c.last_ns);
    free(c.last_name);
    free(after_ns);
    free(after_name);
    labelsel_free(ls);
    fieldsel_free(fs);
    return reply_as(r, &output, co_buf_take(&out), FA_SHAPE_LIST);
}

static enum MHD_Result do_delete_collection(fa_req *r)
{
    fakeapi *f = r->f;
    enum MHD_Result ret;
    delete_opts o;
    labelsel *ls;
    fieldsel *fs;
    if (parse_selectors(r, &ls, &fs, &ret) != 0)
        return ret;
    if (parse_delete_opts(r, &o, &ret) != 0) {
        labelsel_free(ls);
        fieldsel_free(fs);
        return ret;
    }
    row_list rows = {0};
    list_ctx c = {.res = r->res, .ls = ls, .fs = fs, .collect = &rows};
    fa_store_list(f->store, r->res->key, r->res->namespaced ? r->ns : NULL, NULL, NULL, list_row, &c);
    char gv[256];
    fa_gv(r->res, gv, sizeof gv);
    co_buf out = {0};
    co_buf_printf(&out, "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":{},\"items\":[", r->res->list_kind, gv);
    for (size_t i = 0; i < rows.n; i++) {
        char *json;
        cJSON *obj = get_obj(f, r->res, rows.rows[i].key, rows.rows[i].name, &json);
        if (obj) {
            delete_object(f, r->res, obj, json, o.policy, o.grace, o.dry, fa_actor(r));
            char *s = cJSON_PrintUnformatted(obj);
            co_buf_printf(&out, "%s%s", i ? "," : "", s);
            free(s);
        }
        cJSON_Delete(obj);
        free(json);
    }
    co_buf_adds(&out, "]}");
    rows_free(&rows);
    cJSON_Delete(o.body);
    labelsel_free(ls);
    fieldsel_free(fs);
    return fa_reply(r, 200, co_buf_take(&out));
}

static enum MHD_Result do_get(fa_req *r)
{
    fa_output output;
    enum MHD_Result ret;
    if (fa_output_negotiate(r, &output, &ret) != 0) /* the apiserver negotiates before it reads */
        return ret;
    char *json = fa_store_get(r->f->store, r->res->key, r->res->namespaced ? r->ns : "", r->name);
    if (!json)
        return fa_error(r, 404, "NotFound", "%s \"%s\" not found", r->res->key, r->name);
    if (r->sub && !strcmp(r->sub, "scale")) {
        cJSON *obj = cJSON_Parse(json);
        cJSON *scale = scale_of(r->res, obj);
        char *text = cJSON_PrintUnformatted(scale);
        cJSON_Delete(scale);
        cJSON_Delete(obj);
        free(json);
        return reply_as(r, &output, text, FA_SHAPE_SCALE);
    }
    return reply_as(r, &output, as_served(r->res, json), FA_SHAPE_OBJECT);
}

static enum MHD_Result do_put(fa_req *r)
{
    enum MHD_Result ret;
    cJSON *in = fa_parse_object(r, &ret);
    if (!in)
        return ret;
    char *json;
    cJSON *stored = get_obj(r->f, r->res, r->ns, r->name, &json);
    if (!stored) {
        free(json);
        cJSON_Delete(in);
        return fa_error(r, 404, "NotFound", "%s \"%s\" not found", r->res->key, r->name);
    }
    if (r->sub && !strcmp(r->sub, "scale")) {
        const char *kind = cj_str(in, "kind");
        if (kind && strcmp(kind, "Scale")) {
            cJSON_Delete(in);
            cJSON_Delete(stored);
            free(json);
            return fa_error(r, 400, "BadRequest", "the kind in the data (%s) does not match the expected kind (Scale)", kind);
        }
        ret = update_scale(r, stored, json, in);
    } else {
        ret = update_object(r, stored, json, in, "update", !r->res->builtin, false);
    }
    free(json);
    return ret;
}

static enum MHD_Result not_allowed(fa_req *r)
{
    return fa_error(r, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

enum MHD_Result fa_handle_resource(fa_req *r)
{
    const char *m = r->method;
    bool get = !strcmp(m, "GET");
    if (!r->name) {
        if (get)
            return do_list(r);
        if (!strcmp(m, "POST")) {
            if (r->res->namespaced && !r->ns)
                return fa_error(r, 404, "NotFound", "the server could not find the requested resource");
            enum MHD_Result ret;
            cJSON *obj = fa_parse_object(r, &ret);
            return obj ? do_create(r, obj, 201) : ret;
        }
        if (!strcmp(m, "DELETE") && (!r->res->namespaced || r->ns))
            return do_delete_collection(r);
        return not_allowed(r);
    }
    if (r->watch_path)
        return get ? do_list(r) : not_allowed(r);
    if (r->sub && !strcmp(r->sub, "eviction"))
        return !strcmp(m, "POST") ? do_evict(r) : not_allowed(r);
    if (get)
        return do_get(r);
    if (!strcmp(m, "PUT"))
        return do_put(r);
    if (!strcmp(m, "PATCH") && !(r->sub && !strcmp(r->sub, "finalize")))
        return do_patch(r);
    if (!strcmp(m, "DELETE") && !r->sub)
        return do_delete(r);
    return not_allowed(r);
}
