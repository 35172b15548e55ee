/* sim.c: the simulation's work queue and the helpers its controllers share.
 *
 * The queue is a small in-memory SQLite table keyed by (controller, namespace, name): SQLite
 * already gives us ordered retrieval by (due, seq) and "keep the earlier due time" upserts, so
 * there is no hand-written heap or hash table here. One clock timer always stands for the
 * earliest future item, which is how a virtual-time driver learns when the cluster next acts. */
#include "fakeapi/sim/sim.h"
#include "fakeapi/sim/ingress_nginx.h"

#include <fnmatch.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


struct fa_sim {
    const fa_sim_ctl *ctls[8];
    void *state[8]; /* each controller's own, state_size bytes */
    int nctl;
    sqlite3 *db;
    sqlite3_stmt *put, *next, *del, *min_due;
    int64_t seq;
    uint64_t timer;      /* clock timer standing for the earliest future item */
    int64_t timer_when;
    double pod_ready_seconds;
    fakeapi_image *images;
    size_t nimages;
};

static void nothing(void *ud) { (void)ud; /* the loop runs the queue after running timers */ }

/* Keeps exactly one clock timer at the earliest future due time. */
static void retime(fakeapi *f)
{
    struct fa_sim *s = f->sim;
    sqlite3_reset(s->min_due);
    int64_t when = sqlite3_step(s->min_due) == SQLITE_ROW && sqlite3_column_type(s->min_due, 0) != SQLITE_NULL
                       ? sqlite3_column_int64(s->min_due, 0) : INT64_MAX;
    sqlite3_reset(s->min_due);
    if (when == s->timer_when)
        return;
    if (s->timer)
        co_clock_cancel(f->clock, s->timer);
    s->timer = when == INT64_MAX ? 0 : co_clock_at(f->clock, f, when, nothing, NULL);
    s->timer_when = when;
}

static int ctl_index(struct fa_sim *s, const fa_sim_ctl *ctl)
{
    for (int i = 0; i < s->nctl; i++)
        if (s->ctls[i] == ctl)
            return i;
    return -1;
}

void *fa_sim_state(fakeapi *f, const fa_sim_ctl *ctl)
{
    int i = f->sim ? ctl_index(f->sim, ctl) : -1;
    return i < 0 ? NULL : f->sim->state[i];
}

void fa_sim_enqueue(fakeapi *f, const fa_sim_ctl *ctl, const char *ns, const char *name, int64_t due_ms)
{
    struct fa_sim *s = f->sim;
    int i = s ? ctl_index(s, ctl) : -1;
    if (i < 0)
        return;
    sqlite3_reset(s->put);
    sqlite3_bind_int(s->put, 1, i);
    sqlite3_bind_text(s->put, 2, ns ? ns : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->put, 3, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s->put, 4, due_ms);
    sqlite3_bind_int64(s->put, 5, ++s->seq);
    sqlite3_step(s->put);
    sqlite3_reset(s->put);
    if (due_ms > fa_sim_now(f))
        retime(f);
}

int fa_sim_start(fakeapi *f, const fakeapi_options *o, char *err, size_t errlen)
{
    struct fa_sim *s = calloc(1, sizeof *s);
    const fa_sim_ctl *all[] = {&fa_sim_deployment, &fa_sim_replicaset, &fa_sim_kubelet, &fa_sim_endpoints, &fa_sim_gc,
                               &fa_sim_ingress_nginx};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        s->state[s->nctl] = all[i]->state_size ? calloc(1, all[i]->state_size) : NULL;
        s->ctls[s->nctl++] = all[i];
    }
    s->pod_ready_seconds = o->pod_ready_seconds > 0 ? o->pod_ready_seconds : 2;
    if (o->nimages) {
        s->images = calloc(o->nimages, sizeof *s->images);
        for (size_t i = 0; i < o->nimages; i++) {
            s->images[i] = o->images[i];
            s->images[i].image = strdup(o->images[i].image ? o->images[i].image : "*");
            s->images[i].body = o->images[i].body ? strdup(o->images[i].body) : NULL;
        }
        s->nimages = o->nimages;
    }
    if (sqlite3_open(":memory:", &s->db) != SQLITE_OK ||
        sqlite3_exec(s->db, "CREATE TABLE q(ctl INTEGER, ns TEXT, name TEXT, due INTEGER, seq INTEGER,"
                            " PRIMARY KEY(ctl,ns,name)); CREATE INDEX q_due ON q(due,seq);",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "INSERT INTO q VALUES(?1,?2,?3,?4,?5) ON CONFLICT(ctl,ns,name) DO UPDATE"
                                  " SET due=min(due,excluded.due)", -1, &s->put, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT ctl,ns,name FROM q WHERE due<=?1 ORDER BY due,seq LIMIT 1", -1, &s->next,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "DELETE FROM q WHERE ctl=?1 AND ns=?2 AND name=?3", -1, &s->del, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT min(due) FROM q", -1, &s->min_due, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "simulation queue: %s", sqlite3_errmsg(s->db));
        f->sim = s;
        fa_sim_stop(f);
        return -1;
    }
    s->timer_when = INT64_MAX;
    f->sim = s;
    return 0;
}

void fa_sim_stop(fakeapi *f)
{
    struct fa_sim *s = f->sim;
    if (!s)
        return;
    co_clock_cancel_owner(f->clock, f);
    sqlite3_finalize(s->put);
    sqlite3_finalize(s->next);
    sqlite3_finalize(s->del);
    sqlite3_finalize(s->min_due);
    sqlite3_close(s->db);
    for (int i = 0; i < s->nctl; i++)
        free(s->state[i]);
    for (size_t i = 0; i < s->nimages; i++) {
        free((char *)s->images[i].image);
        free((char *)s->images[i].body);
    }
    free(s->images);
    free(s);
    f->sim = NULL;
}

void fa_sim_changed(fakeapi *f, const fa_resource *res, const char *type, const cJSON *obj, const char *old_json)
{
    struct fa_sim *s = f->sim;
    if (!s)
        return;
    const char *ns = cj_str(obj, "metadata.namespace");
    fa_change c = {res, type, res->namespaced && ns ? ns : "", cj_str(obj, "metadata.name"), obj, old_json};
    for (int i = 0; i < s->nctl; i++)
        if (s->ctls[i]->on_change)
            s->ctls[i]->on_change(f, &c);
}

typedef struct {
    fakeapi *f;
    cJSON *objs;
} replay_ctx;

static int collect_all(void *ud, const char *key, const char *name, const char *json)
{
    (void)name;
    cJSON *o = cJSON_Parse(json);
    if (o) {
        cJSON_AddItemToObject(((replay_ctx *)ud)->objs, key, o); /* member name = storage key */
    }
    return 0;
}

void fa_sim_replay(fakeapi *f)
{
    if (!f->sim)
        return;
    replay_ctx c = {f, cJSON_CreateObject()};
    fa_store_scan_all(f->store, collect_all, &c); /* collected first: controllers may read the store */
    const cJSON *o;
    cJSON_ArrayForEach(o, c.objs)
    {
        const fa_resource *res = fa_registry_find_key(f->reg, o->string);
        if (res)
            fa_sim_changed(f, res, "ADDED", o, NULL);
    }
    cJSON_Delete(c.objs);
}

int fa_sim_run(fakeapi *f)
{
    struct fa_sim *s = f->sim;
    int ran = 0;
    /* a bound, so that two controllers fighting over an object cannot hang the server */
    while (s && ran < 1000000) {
        sqlite3_reset(s->next);
        sqlite3_bind_int64(s->next, 1, fa_sim_now(f));
        if (sqlite3_step(s->next) != SQLITE_ROW)
            break;
        int ctl = sqlite3_column_int(s->next, 0);
        char *ns = strdup((const char *)sqlite3_column_text(s->next, 1));
        char *name = strdup((const char *)sqlite3_column_text(s->next, 2));
        sqlite3_reset(s->next);
        sqlite3_reset(s->del);
        sqlite3_bind_int(s->del, 1, ctl);
        sqlite3_bind_text(s->del, 2, ns, -1, SQLITE_STATIC);
        sqlite3_bind_text(s->del, 3, name, -1, SQLITE_STATIC);
        sqlite3_step(s->del);
        sqlite3_reset(s->del);
        s->ctls[ctl]->sync(f, ns, name);
        free(ns);
        free(name);
        ran++;
    }
    if (s)
        retime(f);
    return ran;
}

bool fa_sim_idle(fakeapi *f)
{
    struct fa_sim *s = f->sim;
    if (!s)
        return true;
    sqlite3_reset(s->next);
    sqlite3_bind_int64(s->next, 1, fa_sim_now(f));
    bool idle = sqlite3_step(s->next) != SQLITE_ROW;
    sqlite3_reset(s->next);
    return idle;
}

/* ---- image rules ---- */

int fakeapi_images_parse(const cJSON *map, fakeapi_image **out, size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    if (!cJSON_IsObject(map)) {
        snprintf(err, errlen, "images: expected a map of image patterns");
        return -1;
    }
    fakeapi_image *rules = calloc((size_t)cJSON_GetArraySize(map) + 1, sizeof *rules);
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, map)
    {
        fakeapi_image *r = &rules[i++];
        r->image = strdup(e->string);
        if (!cJSON_IsObject(e)) {
            snprintf(err, errlen, "images.\"%s\": expected a map", e->string);
            fakeapi_images_free(rules, i);
            return -1;
        }
        const cJSON *v;
        cJSON_ArrayForEach(v, e)
        {
            if (!strcmp(v->string, "body") && cJSON_IsString(v))
                r->body = strdup(v->valuestring);
            else if (!strcmp(v->string, "ready") && cJSON_IsBool(v))
                r->never_ready = cJSON_IsFalse(v);
            else if (!strcmp(v->string, "crashLoop") && cJSON_IsBool(v))
                r->crash_loop = cJSON_IsTrue(v);
            else if (!strcmp(v->string, "readyAfterSeconds") && cJSON_IsNumber(v) && v->valuedouble >= 0)
                r->ready_after = v->valuedouble;
            else {
                snprintf(err, errlen, "images.\"%s\".%s: unknown field or wrong type", e->string, v->string);
                fakeapi_images_free(rules, i);
                return -1;
            }
        }
    }
    *out = rules;
    *n = i;
    return 0;
}

void fakeapi_images_free(fakeapi_image *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)rules[i].image);
        free((char *)rules[i].body);
    }
    free(rules);
}

/* ---- helpers ---- */

int64_t fa_sim_now(fakeapi *f) { return co_clock_now_ms(f->clock); }
double fa_sim_pod_ready_seconds(fakeapi *f) { return f->sim ? f->sim->pod_ready_seconds : 2; }
uint64_t fa_sim_rand(fakeapi *f) { return fa_rand(f); }

const fakeapi_image *fa_sim_image(fakeapi *f, const char *image)
{
    for (size_t i = 0; image && f->sim && i < f->sim->nimages; i++)
        if (!fnmatch(f->sim->images[i].image, image, 0))
            return &f->sim->images[i];
    return NULL;
}

cJSON *fa_sim_get(fakeapi *f, const char *key, const char *ns, const char *name)
{
    char *json = fa_store_get(f->store, key, ns ? ns : "", name);
    cJSON *o = json ? cJSON_Parse(json) : NULL;
    free(json);
    return o;
}

static int add_parsed(void *ud, const char *a, const char *b, const char *json)
{
    (void)a, (void)b;
    cJSON *o = cJSON_Parse(json);
    if (o)
        cJSON_AddItemToArray(ud, o);
    return 0;
}

cJSON *fa_sim_list(fakeapi *f, const char *key, const char *ns)
{
    cJSON *arr = cJSON_CreateArray();
    fa_store_list(f->store, key, ns, NULL, NULL, add_parsed, arr);
    return arr;
}

cJSON *fa_sim_orphans(fakeapi *f, const char *key, const char *ns)
{
    cJSON *arr = cJSON_CreateArray();
    fa_store_orphans(f->store, key, ns, add_parsed, arr);
    return arr;
}

typedef struct {
    fakeapi *f;
    const char *key;
    cJSON *arr;
} deps_ctx;

static int add_dependent(void *ud, const char *key, const char *ns, const char *name)
{
    deps_ctx *c = ud;
    if (c->key && strcmp(key, c->key))
        return 0;
    cJSON *o = fa_sim_get(c->f, key, ns, name);
    if (o)
        cJSON_AddItemToArray(c->arr, o);
    return 0;
}

cJSON *fa_sim_dependents(fakeapi *f, const char *owner_uid, const char *key)
{
    deps_ctx c = {f, key, cJSON_CreateArray()};
    fa_store_dependents(f->store, owner_uid, add_dependent, &c);
    return c.arr;
}

unsigned fa_sim_write(fakeapi *f, const fa_sim_ctl *ctl, const char *method, const char *key, const char *ns,
                      const char *name, const char *sub, const char *ctype, const cJSON *body, char **out)
{
    const fa_resource *res = fa_registry_find_key(f->reg, key);
    if (!res)
        return 404;
    char path[1024];
    int n = *res->group ? snprintf(path, sizeof path, "/apis/%s/%s", res->group, res->version)
                        : snprintf(path, sizeof path, "/api/%s", res->version);
    if (res->namespaced && ns && *ns)
        n += snprintf(path + n, sizeof path - (size_t)n, "/namespaces/%s", ns);
    n += snprintf(path + n, sizeof path - (size_t)n, "/%s", res->plural);
    if (name)
        n += snprintf(path + n, sizeof path - (size_t)n, "/%s", name);
    if (sub)
        snprintf(path + n, sizeof path - (size_t)n, "/%s", sub);
    char *json = body ? cJSON_PrintUnformatted(body) : NULL;
    unsigned code = fa_call(f, method, path, ctype, json, ctl->name, out);
    free(json);
    return code;
}

static void event_v(fakeapi *f, const char *component, const cJSON *obj, const char *field_path, const char *type,
                    const char *reason, const char *fmt, va_list ap)
{
    char msg[1024], ts[32], name[320];
    vsnprintf(msg, sizeof msg, fmt, ap);
    const char *ns = cj_str(obj, "metadata.namespace");
    const char *objname = cj_str(obj, "metadata.name");
    snprintf(name, sizeof name, "%.240s.%016llx", objname ? objname : "object", (unsigned long long)fa_rand(f));
    fa_now(f, ts);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "apiVersion", "v1");
    cJSON_AddStringToObject(e, "kind", "Event");
    cJSON *m = cJSON_AddObjectToObject(e, "metadata");
    cJSON_AddStringToObject(m, "name", name);
    cJSON_AddStringToObject(m, "namespace", ns ? ns : "default");
    cJSON *io = cJSON_AddObjectToObject(e, "involvedObject");
    static const char *const from_top[] = {"apiVersion", "kind"};
    static const char *const from_meta[] = {"name", "namespace", "uid", "resourceVersion"};
    for (int i = 0; i < 2; i++)
        if (cj_str(obj, from_top[i]))
            cJSON_AddStringToObject(io, from_top[i], cj_str(obj, from_top[i]));
    for (int i = 0; i < 4; i++)
        if (cj_str(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), from_meta[i]))
            cJSON_AddStringToObject(io, from_meta[i], cj_str(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), from_meta[i]));
    if (field_path)
        cJSON_AddStringToObject(io, "fieldPath", field_path);
    cJSON_AddStringToObject(e, "reason", reason);
    cJSON_AddStringToObject(e, "message", msg);
    cJSON_AddStringToObject(e, "type", type);
    /* node components (the kubelet) name their node, as a real kubelet does */
    const char *host = !strcmp(component, "kubelet") ? FA_SIM_NODE : NULL;
    cJSON *src = cJSON_AddObjectToObject(e, "source");
    cJSON_AddStringToObject(src, "component", component);
    if (host)
        cJSON_AddStringToObject(src, "host", host);
    cJSON_AddStringToObject(e, "firstTimestamp", ts);
    cJSON_AddStringToObject(e, "lastTimestamp", ts);
    cJSON_AddNumberToObject(e, "count", 1);
    cJSON_AddStringToObject(e, "reportingComponent", component);
    cJSON_AddStringToObject(e, "reportingInstance", host ? host : "");
    static const fa_sim_ctl eventer = {.name = "event-recorder"};
    fa_sim_write(f, &eventer, "POST", "events", ns ? ns : "default", NULL, NULL, NULL, e, NULL);
    cJSON_Delete(e);
}

void fa_sim_event(fakeapi *f, const char *component, const cJSON *obj, const char *type, const char *reason,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    event_v(f, component, obj, NULL, type, reason, fmt, ap);
    va_end(ap);
}

void fa_sim_event_at(fakeapi *f, const char *component, const cJSON *obj, const char *field_path, const char *type,
                     const char *reason, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    event_v(f, component, obj, field_path, type, reason, fmt, ap);
    va_end(ap);
}

bool fa_sim_controlled_by(const cJSON *obj, const char *uid)
{
    const cJSON *ref;
    cJSON_ArrayForEach(ref, cj_get(obj, "metadata.ownerReferences"))
    {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref, "controller")))
            return cj_str(ref, "uid") && !strcmp(cj_str(ref, "uid"), uid);
    }
    return false;
}

bool fa_sim_pod_ready(const cJSON *pod)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cj_get(pod, "status.conditions"))
    {
        const char *t = cj_str(c, "type");
        if (t && !strcmp(t, "Ready"))
            return cj_str(c, "status") && !strcmp(cj_str(c, "status"), "True");
    }
    return false;
}
