/* events.c: the event recorder.
 *
 * client-go folds identical events (same object, type, reason and message) into one Event and
 * bumps its count; we keep the name of the Event we created for each such identity, PATCH its
 * count and lastTimestamp on a repeat, and create a new one if the server lost it. */
#include "controller/kube/events.h"

#include "common/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *identity; /* uid|type|reason|message */
    char *ns, *name;
    int count;
} seen;

struct kube_recorder {
    kube_client *client;
    char *component;
    co_clock *clock;
    seen *s;
    size_t n, cap;
    unsigned long long serial;
};

static const kube_gvr events_gvr = {"", "v1", "events", 1};

kube_recorder *kube_recorder_new(kube_client *c, const char *component, co_clock *clock)
{
    kube_recorder *r = calloc(1, sizeof *r);
    r->client = c;
    r->component = strdup(component);
    r->clock = clock ? clock : co_clock_real();
    return r;
}

void kube_recorder_free(kube_recorder *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->s[i].identity);
        free(r->s[i].ns);
        free(r->s[i].name);
    }
    free(r->s);
    free(r->component);
    free(r);
}

static seen *lookup(kube_recorder *r, const char *identity)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->s[i].identity, identity))
            return &r->s[i];
    return NULL;
}

static int create(kube_recorder *r, const cJSON *obj, const char *type, const char *reason, const char *message,
                  const char *identity, const char *ts, kube_status *st)
{
    const char *ns = cj_str(obj, "metadata.namespace");
    char name[320];
    /* client-go names events <object>.<unix nanoseconds in hex>; a clock-derived serial keeps
     * the names unique and deterministic in virtual time */
    snprintf(name, sizeof name, "%.240s.%llx%04llx", cj_str(obj, "metadata.name") ? cj_str(obj, "metadata.name") : "object",
             (unsigned long long)co_clock_now_ms(r->clock), ++r->serial & 0xffff);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "apiVersion", "v1");
    cJSON_AddStringToObject(e, "kind", "Event");
    cJSON *m = cJSON_AddObjectToObject(e, "metadata");
    cJSON_AddStringToObject(m, "name", name);
    cJSON_AddStringToObject(m, "namespace", ns ? ns : "default");
    cJSON *io = cJSON_AddObjectToObject(e, "involvedObject");
    const char *top[] = {"apiVersion", "kind"}, *meta[] = {"name", "namespace", "uid", "resourceVersion"};
    for (int i = 0; i < 2; i++)
        if (cj_str(obj, top[i]))
            cJSON_AddStringToObject(io, top[i], cj_str(obj, top[i]));
    for (int i = 0; i < 4; i++) {
        const char *v = cj_str(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), meta[i]);
        if (v)
            cJSON_AddStringToObject(io, meta[i], v);
    }
    cJSON_AddStringToObject(e, "reason", reason);
    cJSON_AddStringToObject(e, "message", message);
    cJSON_AddStringToObject(e, "type", type);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(e, "source"), "component", r->component);
    cJSON_AddStringToObject(e, "firstTimestamp", ts);
    cJSON_AddStringToObject(e, "lastTimestamp", ts);
    cJSON_AddNumberToObject(e, "count", 1);
    cJSON_AddStringToObject(e, "reportingComponent", r->component);
    cJSON_AddStringToObject(e, "reportingInstance", "");
    cJSON *out = kube_create(r->client, &events_gvr, ns ? ns : "default", e, st);
    /* the name is taken (another recorder, e.g. a previous controller process, at the same
       clock reading): the next serial, as a new nanosecond would be for client-go */
    for (int tries = 0; !out && st->code == 409 && tries < 64; tries++) {
        snprintf(name, sizeof name, "%.240s.%llx%04llx",
                 cj_str(obj, "metadata.name") ? cj_str(obj, "metadata.name") : "object",
                 (unsigned long long)co_clock_now_ms(r->clock), ++r->serial & 0xffff);
        cj_set_str(m, "name", name);
        out = kube_create(r->client, &events_gvr, ns ? ns : "default", e, st);
    }
    cJSON_Delete(e);
    if (!out)
        return -1;
    cJSON_Delete(out);
    seen *s = lookup(r, identity);
    if (!s && r->n == 4096) { /* bounded, as client-go's cache: forget the oldest identity */
        free(r->s[0].identity);
        free(r->s[0].ns);
        free(r->s[0].name);
        memmove(&r->s[0], &r->s[1], (r->n - 1) * sizeof *r->s);
        r->n--;
    }
    if (!s) {
        if (r->n == r->cap) {
            r->cap = r->cap ? 2 * r->cap : 32;
            r->s = realloc(r->s, r->cap * sizeof *r->s);
        }
        s = &r->s[r->n++];
        s->identity = strdup(identity);
        s->ns = s->name = NULL;
    }
    free(s->ns);
    free(s->name);
    s->ns = strdup(ns ? ns : "default");
    s->name = strdup(name);
    s->count = 1;
    return 0;
}

int kube_event(kube_recorder *r, const cJSON *obj, const char *type, const char *reason, const char *message,
               kube_status *st)
{
    kube_status local;
    if (!st)
        st = &local;
    char ts[32], *identity;
    co_time_rfc3339(co_clock_now_ms(r->clock), ts);
    const char *uid = cj_str(obj, "metadata.uid");
    size_t n = strlen(uid ? uid : "") + strlen(type) + strlen(reason) + strlen(message) + 4;
    identity = malloc(n);
    snprintf(identity, n, "%s|%s|%s|%s", uid ? uid : "", type, reason, message);
    seen *s = lookup(r, identity);
    int rc;
    if (s) {
        char patch[128];
        snprintf(patch, sizeof patch, "{\"count\":%d,\"lastTimestamp\":\"%s\"}", s->count + 1, ts);
        cJSON *out = kube_patch(r->client, &events_gvr, s->ns, s->name, KUBE_PATCH_MERGE, patch, NULL, st);
        if (out) {
            s->count++;
            cJSON_Delete(out);
            rc = 0;
        } else {
            rc = st->code == 404 ? create(r, obj, type, reason, message, identity, ts, st) : -1;
        }
    } else {
        rc = create(r, obj, type, reason, message, identity, ts, st);
    }
    free(identity);
    return rc;
}
