/* leader.c: Lease-based leader election, after client-go's tryAcquireOrRenew.
 *
 * The decision whether another holder's lease has expired uses the time *we* last saw the
 * Lease record change, not the renewTime written in it, so clock skew between replicas cannot
 * make two of them lead at once (client-go's observedTime). Writes carry the resourceVersion we
 * read, so of two replicas racing for an expired lease only one update succeeds. */
#include "controller/kube/leader.h"

#include "common/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kube_leader {
    kube_client *client;
    char *ns, *name, *identity;
    int64_t lease_ms, renew_deadline_ms, retry_ms;
    co_clock *clock;
    int leading;
    int64_t last_renew;   /* when we last renewed successfully */
    int64_t next_try;
    char observed_rv[32]; /* the Lease as we last saw it ... */
    int64_t observed_at;  /* ... and when it last changed */
};

static const kube_gvr lease_gvr = {"coordination.k8s.io", "v1", "leases", 1};

kube_leader *kube_leader_new(kube_client *c, const kube_leader_opts *o)
{
    kube_leader *l = calloc(1, sizeof *l);
    l->client = c;
    l->ns = strdup(o->namespace_);
    l->name = strdup(o->name);
    l->identity = strdup(o->identity);
    l->lease_ms = o->lease_ms > 0 ? o->lease_ms : 15000;
    l->renew_deadline_ms = o->renew_deadline_ms > 0 ? o->renew_deadline_ms : 10000;
    l->retry_ms = o->retry_ms > 0 ? o->retry_ms : 2000;
    l->clock = o->clock ? o->clock : co_clock_real();
    return l;
}

void kube_leader_free(kube_leader *l)
{
    if (!l)
        return;
    free(l->ns);
    free(l->name);
    free(l->identity);
    free(l);
}

/* Lease times are MicroTime: RFC 3339 with microseconds. */
static void micro_time(int64_t ms, char buf[48])
{
    char base[32];
    co_time_rfc3339(ms, base);
    base[strlen(base) - 1] = 0; /* drop the Z */
    snprintf(buf, 48, "%s.%03d000Z", base, (int)(ms % 1000));
}

static cJSON *lease_body(const kube_leader *l, const cJSON *current, int64_t now)
{
    cJSON *lease = current ? cJSON_Duplicate(current, 1) : cJSON_CreateObject();
    if (!current) {
        cJSON_AddStringToObject(lease, "apiVersion", "coordination.k8s.io/v1");
        cJSON_AddStringToObject(lease, "kind", "Lease");
        cJSON *m = cJSON_AddObjectToObject(lease, "metadata");
        cJSON_AddStringToObject(m, "name", l->name);
        cJSON_AddStringToObject(m, "namespace", l->ns);
    }
    cJSON *spec = cj_obj(lease, "spec");
    const char *holder = cj_str(spec, "holderIdentity");
    int changing_hands = !holder || strcmp(holder, l->identity);
    char t[48];
    micro_time(now, t);
    if (changing_hands) {
        cJSON *tr = cJSON_GetObjectItemCaseSensitive(spec, "leaseTransitions");
        cj_set_num(spec, "leaseTransitions", current && holder && *holder ? (cJSON_IsNumber(tr) ? tr->valuedouble : 0) + 1
                                                                          : (cJSON_IsNumber(tr) ? tr->valuedouble : 0));
        cj_set_str(spec, "acquireTime", t);
    }
    cj_set_str(spec, "holderIdentity", l->identity);
    cj_set_num(spec, "leaseDurationSeconds", (double)(l->lease_ms / 1000));
    cj_set_str(spec, "renewTime", t);
    return lease;
}

static int try_acquire_or_renew(kube_leader *l, kube_status *st)
{
    int64_t now = co_clock_now_ms(l->clock);
    cJSON *cur = kube_get(l->client, &lease_gvr, l->ns, l->name, st);
    if (!cur) {
        if (st->code != 404)
            return 0;
        cJSON *lease = lease_body(l, NULL, now);
        cJSON *made = kube_create(l->client, &lease_gvr, l->ns, lease, st);
        cJSON_Delete(lease);
        if (!made)
            return 0;
        snprintf(l->observed_rv, sizeof l->observed_rv, "%s", cj_str(made, "metadata.resourceVersion"));
        l->observed_at = now;
        cJSON_Delete(made);
        return 1;
    }
    const char *rv = cj_str(cur, "metadata.resourceVersion");
    if (rv && strcmp(rv, l->observed_rv)) {
        snprintf(l->observed_rv, sizeof l->observed_rv, "%s", rv);
        l->observed_at = now;
    }
    const char *holder = cj_str(cur, "spec.holderIdentity");
    cJSON *dur = cj_get(cur, "spec.leaseDurationSeconds");
    int64_t lease_ms = cJSON_IsNumber(dur) ? (int64_t)dur->valuedouble * 1000 : l->lease_ms;
    int ours = holder && !strcmp(holder, l->identity);
    if (holder && *holder && !ours && now < l->observed_at + lease_ms) {
        cJSON_Delete(cur);
        l->leading = 0; /* someone else holds a live lease: whatever we thought, we do not lead */
        return 0;
    }
    cJSON *lease = lease_body(l, cur, now);
    cJSON *updated = kube_update(l->client, &lease_gvr, l->ns, lease, st);
    cJSON_Delete(lease);
    cJSON_Delete(cur);
    if (!updated)
        return 0; /* e.g. 409: another replica won the race */
    snprintf(l->observed_rv, sizeof l->observed_rv, "%s", cj_str(updated, "metadata.resourceVersion"));
    l->observed_at = now;
    cJSON_Delete(updated);
    return 1;
}

int kube_leader_tick(kube_leader *l, kube_status *st)
{
    kube_status local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    int64_t now = co_clock_now_ms(l->clock);
    if (now < l->next_try)
        return l->leading;
    l->next_try = now + l->retry_ms;
    if (try_acquire_or_renew(l, st)) {
        l->leading = 1;
        l->last_renew = now;
    } else if (l->leading && now - l->last_renew >= l->renew_deadline_ms) {
        l->leading = 0; /* could not renew in time: stop acting before someone else starts */
    }
    return l->leading;
}

int kube_leader_is_leader(const kube_leader *l)
{
    /* a leader that has not renewed within the renew deadline must assume it has lost the lease */
    return l->leading && co_clock_now_ms(l->clock) - l->last_renew < l->renew_deadline_ms;
}
int64_t kube_leader_next_due(const kube_leader *l) { return l->next_try; }

void kube_leader_release(kube_leader *l)
{
    if (!l->leading)
        return;
    kube_status st;
    cJSON *cur = kube_get(l->client, &lease_gvr, l->ns, l->name, &st);
    if (cur && cj_str(cur, "spec.holderIdentity") && !strcmp(cj_str(cur, "spec.holderIdentity"), l->identity)) {
        cj_set_str(cj_obj(cur, "spec"), "holderIdentity", "");
        cj_set_num(cj_obj(cur, "spec"), "leaseDurationSeconds", 1);
        cJSON *out = kube_update(l->client, &lease_gvr, l->ns, cur, &st);
        cJSON_Delete(out);
    }
    cJSON_Delete(cur);
    l->leading = 0;
}
