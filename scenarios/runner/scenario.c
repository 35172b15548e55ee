/* scenario.c: loading and validating scenario files (SCENARIOS.md). Everything a run needs is
 * checked here, before anything runs: step kinds, their fields and types, durations, and the
 * manifests `apply` names (read now, so a missing file fails the load, not step 7). */
#include "scenarios/runner/internal.h"

#include "common/file.h"
#include "common/yaml.h"
#include "scenarios/runner/match.h"

#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T_STR = 1, T_NUM = 2, T_BOOL = 4, T_OBJ = 8, T_LIST = 16, T_ANY = 31 };

typedef struct {
    const char *name;
    int types;
    int required;
} field;

/* The fields of each step kind whose value is a map. */
static const struct {
    const char *kind;
    field fields[8];
} step_maps[] = {
    {"assert", {{"object", T_OBJ, 1}, {"timeout", T_STR | T_NUM, 0}}},
    {"refute", {{"object", T_OBJ, 1}}},
    {"setImage", {{"rollout", T_STR, 1}, {"container", T_STR, 1}, {"image", T_STR, 1}}},
    {"traffic", {{"url", T_STR, 1}, {"headers", T_OBJ, 0}, {"requests", T_NUM, 0}, {"expect", T_OBJ, 1},
                 {"tolerance", T_NUM, 0}}},
    {"promote", {{"rollout", T_STR, 1}, {"full", T_BOOL, 0}}},
    {"abort", {{"rollout", T_STR, 1}}},
    {"retry", {{"rollout", T_STR, 1}}},
    {"pause", {{"rollout", T_STR, 1}}},
    {"resume", {{"rollout", T_STR, 1}}},
    {"undo", {{"rollout", T_STR, 1}, {"toRevision", T_NUM, 0}}},
    {"restart", {{"rollout", T_STR, 1}}},
    {"patch", {{"object", T_OBJ, 1}, {"type", T_STR, 0}, {"patch", T_OBJ | T_LIST, 1}}},
    {"delete", {{"object", T_OBJ, 1}}},
    {"events", {{"object", T_OBJ, 1}, {"reasons", T_LIST, 1}}},
    {"expectError", {{"contains", T_STR, 1}, {"step", T_OBJ, 1}}},
};

static int typeof_json(const cJSON *v)
{
    return cJSON_IsString(v) ? T_STR : cJSON_IsNumber(v) ? T_NUM : cJSON_IsBool(v) ? T_BOOL
         : cJSON_IsObject(v) ? T_OBJ : cJSON_IsArray(v) ? T_LIST : 0;
}

static const char *type_names(int t)
{
    static char buf[64];
    buf[0] = 0;
    const char *names[] = {"a string", "a number", "a boolean", "a map", "a list"};
    for (int i = 0; i < 5; i++)
        if (t & (1 << i))
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", buf[0] ? " or " : "", names[i]);
    return buf;
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Checks that every object to apply names itself. */
static int check_objects(const char *where, const cJSON *objs, char *err, size_t errlen)
{
    int i = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, objs)
    {
        if (!cJSON_IsObject(o) || !cj_str(o, "apiVersion") || !cj_str(o, "kind") ||
            (!cj_str(o, "metadata.name") && !cj_str(o, "metadata.generateName")))
            return fail(err, errlen, "%s[%d]: an object needs apiVersion, kind and metadata.name", where, i);
        i++;
    }
    return 0;
}

/* Turns `apply: PATH | object | [objects]` into a list of objects (files read now). */
static int normalize_apply(sc_scenario *s, const char *where, cJSON *step, char *err, size_t errlen)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(step, "apply");
    cJSON *objs;
    if (cJSON_IsString(v)) {
        char path[4096];
        snprintf(path, sizeof path, "%s%s%s", v->valuestring[0] == '/' ? "" : s->dir, v->valuestring[0] == '/' ? "" : "/",
                 v->valuestring);
        size_t len;
        char *text = co_read_file(path, 0, &len);
        if (!text)
            return fail(err, errlen, "%s.apply: %s: %s", where, v->valuestring, strerror(errno));
        char perr[512];
        objs = yaml_parse_all(text, len, perr, sizeof perr);
        free(text);
        if (!objs)
            return fail(err, errlen, "%s.apply: %s: %s", where, v->valuestring, perr);
    } else if (cJSON_IsObject(v)) {
        objs = cJSON_CreateArray();
        cJSON_AddItemToArray(objs, cJSON_Duplicate(v, 1));
    } else if (cJSON_IsArray(v)) {
        objs = cJSON_Duplicate(v, 1);
    } else {
        return fail(err, errlen, "%s.apply: expected a file path, an object or a list of objects", where);
    }
    char at[512];
    snprintf(at, sizeof at, "%s.apply", where);
    if (check_objects(at, objs, err, errlen) != 0) {
        cJSON_Delete(objs);
        return -1;
    }
    cJSON_ReplaceItemInObjectCaseSensitive(step, "apply", objs);
    return 0;
}

/* An object reference: apiVersion and kind, and a name when the step acts on one object. */
static int check_object_ref(const char *where, const cJSON *o, int name_required, char *err, size_t errlen)
{
    if (!cj_str(o, "apiVersion") || !cj_str(o, "kind"))
        return fail(err, errlen, "%s.object: apiVersion and kind are required", where);
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(o, "metadata");
    if (meta && !cJSON_IsObject(meta))
        return fail(err, errlen, "%s.object.metadata: expected a map", where);
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(meta, "name"), *ns = cJSON_GetObjectItemCaseSensitive(meta, "namespace");
    if ((name && !cJSON_IsString(name)) || (ns && !cJSON_IsString(ns)))
        return fail(err, errlen, "%s.object.metadata: name and namespace must be strings", where);
    if (name_required && !name)
        return fail(err, errlen, "%s.object.metadata.name: required (this step acts on one object)", where);
    return 0;
}

/* A whole number in [lo, hi]. */
static int check_int(const char *where, const cJSON *v, double lo, double hi, char *err, size_t errlen)
{
    if (v && (!cJSON_IsNumber(v) || v->valuedouble != (double)(long long)v->valuedouble || v->valuedouble < lo ||
              v->valuedouble > hi))
        return fail(err, errlen, "%s: expected a whole number from %.0f to %.0f", where, lo, hi);
    return 0;
}

static int validate_step(sc_scenario *s, const char *where, cJSON *step, char *err, size_t errlen)
{
    if (!cJSON_IsObject(step) || cJSON_GetArraySize(step) != 1)
        return fail(err, errlen, "%s: a step is a map with exactly one step kind (apply, assert, ...)", where);
    cJSON *body = step->child;
    const char *kind = body->string;
    char at[512];
    snprintf(at, sizeof at, "%s.%s", where, kind);
    if (!strcmp(kind, "apply"))
        return normalize_apply(s, where, step, err, errlen);
    if (!strcmp(kind, "sleep")) {
        int64_t ms;
        char derr[256];
        if (sc_parse_duration(body, &ms, derr, sizeof derr) != 0)
            return fail(err, errlen, "%s: %s", at, derr);
        return 0;
    }
    for (size_t k = 0; k < sizeof step_maps / sizeof step_maps[0]; k++) {
        if (strcmp(kind, step_maps[k].kind))
            continue;
        if (!cJSON_IsObject(body))
            return fail(err, errlen, "%s: expected a map", at);
        const cJSON *f;
        cJSON_ArrayForEach(f, body)
        {
            const field *known = NULL;
            for (const field *d = step_maps[k].fields; d->name; d++)
                if (!strcmp(d->name, f->string))
                    known = d;
            if (!known)
                return fail(err, errlen, "%s.%s: unknown field", at, f->string);
            if (!(typeof_json(f) & known->types))
                return fail(err, errlen, "%s.%s: expected %s", at, f->string, type_names(known->types));
        }
        for (const field *d = step_maps[k].fields; d->name; d++)
            if (d->required && !cJSON_GetObjectItemCaseSensitive(body, d->name))
                return fail(err, errlen, "%s.%s: required", at, d->name);
        const cJSON *obj = cJSON_GetObjectItemCaseSensitive(body, "object");
        int acts_on_one = !strcmp(kind, "patch") || !strcmp(kind, "delete") || !strcmp(kind, "events");
        if (obj && check_object_ref(at, obj, acts_on_one, err, errlen) != 0)
            return -1;
        char num[600];
        snprintf(num, sizeof num, "%s.requests", at);
        if (check_int(num, cJSON_GetObjectItemCaseSensitive(body, "requests"), 1, 100000, err, errlen) != 0)
            return -1;
        snprintf(num, sizeof num, "%s.toRevision", at);
        if (check_int(num, cJSON_GetObjectItemCaseSensitive(body, "toRevision"), 0, 1e15, err, errlen) != 0)
            return -1;
        const cJSON *tol = cJSON_GetObjectItemCaseSensitive(body, "tolerance");
        if (tol && (tol->valuedouble < 0 || tol->valuedouble > 100))
            return fail(err, errlen, "%s.tolerance: expected percentage points from 0 to 100", at);
        const cJSON *timeout = cJSON_GetObjectItemCaseSensitive(body, "timeout");
        int64_t ms;
        char derr[256];
        if (timeout && sc_parse_duration(timeout, &ms, derr, sizeof derr) != 0)
            return fail(err, errlen, "%s.timeout: %s", at, derr);
        const char *ptype = cj_str(body, "type");
        if (ptype && strcmp(ptype, "merge") && strcmp(ptype, "json") && strcmp(ptype, "strategic"))
            return fail(err, errlen, "%s.type: %s: expected merge, json or strategic", at, ptype);
        const cJSON *e;
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(body, "expect"))
            if (!cJSON_IsNumber(e)) return fail(err, errlen, "%s.expect.\"%s\": expected a percentage", at, e->string);
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(body, "headers"))
            if (!cJSON_IsString(e)) return fail(err, errlen, "%s.headers.%s: expected a string", at, e->string);
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(body, "reasons"))
            if (!cJSON_IsString(e)) return fail(err, errlen, "%s.reasons: expected a list of strings", at);
        if (!strcmp(kind, "expectError")) {
            char inner[600];
            snprintf(inner, sizeof inner, "%s.step", at);
            return validate_step(s, inner, cJSON_GetObjectItemCaseSensitive(body, "step"), err, errlen);
        }
        return 0;
    }
    return fail(err, errlen, "%s: unknown step kind \"%s\"", where, kind);
}

static int validate_cluster(sc_scenario *s, const cJSON *c, char *err, size_t errlen)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, c)
    {
        if (!strcmp(f->string, "podReadySeconds") && cJSON_IsNumber(f) && f->valuedouble > 0)
            s->pod_ready_seconds = f->valuedouble;
        else if (!strcmp(f->string, "podReadySeconds"))
            return fail(err, errlen, "%s: cluster.podReadySeconds: expected a number of seconds above 0", s->path);
        else if (!strcmp(f->string, "seed")) {
            char at[600];
            snprintf(at, sizeof at, "%s: cluster.seed", s->path);
            if (check_int(at, f, 1, 9007199254740992.0, err, errlen) != 0)
                return -1;
            s->seed = (uint64_t)f->valuedouble;
        }
        else if (!strcmp(f->string, "ingress") && cJSON_IsObject(f)) {
            const cJSON *g;
            cJSON_ArrayForEach(g, f)
            {
                if (strcmp(g->string, "port") || !cJSON_IsNumber(g) || g->valuedouble < 0 || g->valuedouble > 65535)
                    return fail(err, errlen, "%s: cluster.ingress.%s: unknown field or not a port number", s->path, g->string);
                s->ingress_port = (int)g->valuedouble;
            }
        } else if (!strcmp(f->string, "images")) {
            char ierr[512];
            if (fakeapi_images_parse(f, &s->images, &s->nimages, ierr, sizeof ierr) != 0)
                return fail(err, errlen, "%s: cluster.%s", s->path, ierr);
        } else {
            return fail(err, errlen, "%s: cluster.%s: unknown field or wrong type", s->path, f->string);
        }
    }
    return 0;
}

sc_scenario *sc_load(const char *path, char *err, size_t errlen)
{
    size_t len;
    char *text = co_read_file(path, 0, &len);
    if (!text) {
        fail(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char perr[512];
    cJSON *doc = yaml_parse_one(text, len, perr, sizeof perr);
    free(text);
    if (!doc) {
        fail(err, errlen, "%s: %s", path, perr);
        return NULL;
    }
    sc_scenario *s = calloc(1, sizeof *s);
    s->doc = doc;
    s->path = strdup(path);
    char *copy = strdup(path);
    s->dir = strdup(dirname(copy));
    free(copy);
    s->ns = "default";
    if (!cJSON_IsObject(doc)) {
        fail(err, errlen, "%s: a scenario is a map (name, steps, ...)", path);
        goto bad;
    }
    const cJSON *f;
    cJSON_ArrayForEach(f, doc)
    {
        int ok = (!strcmp(f->string, "name") && cJSON_IsString(f)) || (!strcmp(f->string, "description") && cJSON_IsString(f)) ||
                 (!strcmp(f->string, "namespace") && cJSON_IsString(f)) || (!strcmp(f->string, "cluster") && cJSON_IsObject(f)) ||
                 (!strcmp(f->string, "steps") && cJSON_IsArray(f)) || !strcmp(f->string, "requires");
        if (!ok) {
            fail(err, errlen, "%s: %s: unknown field or wrong type", path, f->string);
            goto bad;
        }
    }
    /* requires: simulation: the scenario asserts what only the simulation makes exact (virtual
     * timestamps, timings to the second) or needs what only it has (per-scenario image behaviour,
     * cluster settings); `cutover run --kubeconfig` skips it with a note */
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(doc, "requires");
    if (req && (!cJSON_IsString(req) || strcmp(req->valuestring, "simulation"))) {
        fail(err, errlen, "%s: requires: expected \"simulation\" (the only requirement there is)", path);
        goto bad;
    }
    s->requires_simulation = req != NULL;
    s->name = cj_str(doc, "name");
    if (!s->name || !*s->name) {
        fail(err, errlen, "%s: name: required", path);
        goto bad;
    }
    if (cj_str(doc, "namespace"))
        s->ns = cj_str(doc, "namespace");
    s->steps = cJSON_GetObjectItemCaseSensitive(doc, "steps");
    if (!s->steps) {
        fail(err, errlen, "%s: steps: required", path);
        goto bad;
    }
    if (validate_cluster(s, cJSON_GetObjectItemCaseSensitive(doc, "cluster"), err, errlen) != 0)
        goto bad;
    int i = 0;
    cJSON *step;
    cJSON_ArrayForEach(step, s->steps)
    {
        char where[600];
        snprintf(where, sizeof where, "%s: steps[%d]", path, i++);
        if (validate_step(s, where, step, err, errlen) != 0)
            goto bad;
    }
    return s;
bad:
    sc_free(s);
    return NULL;
}

void sc_free(sc_scenario *s)
{
    if (!s)
        return;
    fakeapi_images_free(s->images, s->nimages);
    cJSON_Delete(s->doc);
    free(s->path);
    free(s->dir);
    free(s);
}

const char *sc_name(const sc_scenario *s) { return s->name; }

