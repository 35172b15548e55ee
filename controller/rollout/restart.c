/* restart.c: spec.restartAt (Argo's rollout/restart.go): once restartAt has passed, the pods of
 * the rollout's ReplicaSets created before it are evicted through the Eviction API (so
 * PodDisruptionBudgets are honoured), at most max(maxUnavailable, 1) unavailable at a time and
 * one ReplicaSet at a time, waiting for each to be fully available again; when none is left,
 * status.restartedAt = spec.restartAt. */
#include "controller/rollout/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const kube_gvr pods_gvr = {"", "v1", "pods", 1};

static bool pod_ready(const cJSON *pod)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cj_get(pod, "status.conditions"))
    {
        if (cj_streq(cj_str(c, "type"), "Ready"))
            return cj_streq(cj_str(c, "status"), "True");
    }
    return false;
}

static bool created_before(const cJSON *pod, int64_t at)
{
    int64_t created;
    const char *ct = cj_str(pod, "metadata.creationTimestamp");
    return ct && co_time_parse(ct, &created) == 0 && created < at;
}

/* The pods of rs (caller frees), or NULL on an error. */
static cJSON *pods_of(ro_ctx *x, const cJSON *rs)
{
    char sel[128];
    snprintf(sel, sizeof sel, "%s=%s", RO_POD_TEMPLATE_HASH_LABEL, ro_rs_hash(rs));
    kube_list_opts lo = {.label_selector = sel};
    kube_status st;
    return kube_list(x->rc->client, &pods_gvr, x->ns, &lo, &st);
}

/* Unavailable pods of an RS, from the pods themselves (the RS status lags behind evictions):
   live ones not Ready, and the replacements not created yet (terminating pods are gone as far
   as the RS is concerned). */
static int unavailable(const cJSON *rs, const cJSON *pods)
{
    int alive = 0, bad = 0;
    const cJSON *pod;
    cJSON_ArrayForEach(pod, cj_get(pods, "items"))
    {
        if (cj_get(pod, "metadata.deletionTimestamp"))
            continue;
        alive++;
        if (!pod_ready(pod))
            bad++;
    }
    int missing = ro_rs_replicas(rs) - alive;
    return bad + (missing > 0 ? missing : 0);
}

static int evict(ro_ctx *x, const cJSON *pod, kube_status *st)
{
    const char *name = cj_str(pod, "metadata.name");
    char path[768], body[768];
    snprintf(path, sizeof path, "/api/v1/namespaces/%s/pods/%s/eviction", x->ns, name);
    snprintf(body, sizeof body,
             "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"%s\",\"namespace\":\"%s\"}}",
             name, x->ns);
    cJSON *out = kube_request(x->rc->client, "POST", path, "application/json", body, st);
    if (!out) {
        ro_log(x->rc, RO_LOG_WARN, x->ns, x->name, "Failed to evict pod '%s': %s", name, st->message);
        return -1;
    }
    cJSON_Delete(out);
    ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "Evicted pod '%s' (restartAt %s)", name, cj_str(x->ro, "spec.restartAt"));
    return 0;
}

int ro_restart_pods(ro_ctx *x)
{
    const char *spec_at = cj_str(x->ro, "spec.restartAt");
    int64_t at;
    if (!spec_at || co_time_parse(spec_at, &at) != 0 || cj_streq(cj_str(x->status, "restartedAt"), spec_at))
        return 0;
    if (at > x->now) {
        ro_requeue_after(x, at - x->now);
        return 0;
    }
    /* new RS first, then stable, then the rest */
    int cap = x->nothers + 2, n = 0;
    const cJSON **rs = calloc((size_t)cap, sizeof *rs);
    cJSON **pods = calloc((size_t)cap, sizeof *pods);
    if (x->new_rs)
        rs[n++] = x->new_rs;
    if (x->stable_rs && x->stable_rs != x->new_rs)
        rs[n++] = x->stable_rs;
    for (int i = 0; i < x->nothers; i++)
        rs[n++] = x->others[i];
    int rc = 0, down = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (!(pods[i] = pods_of(x, rs[i])))
            rc = -1;
        else
            down += unavailable(rs[i], pods[i]);
    }
    int max_unavailable = 0;
    ro_intstr_scaled(x->spec.max_unavailable, x->spec.replicas, 0, &max_unavailable);
    int budget = (max_unavailable < 1 ? 1 : max_unavailable) - down;
    int pending = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        bool whole = unavailable(rs[i], pods[i]) == 0; /* one RS at a time, each fully available */
        const cJSON *pod;
        cJSON_ArrayForEach(pod, cj_get(pods[i], "items"))
        {
            if (!created_before(pod, at) || cj_get(pod, "metadata.deletionTimestamp"))
                continue;
            pending++;
            if (budget <= 0 || !whole)
                continue;
            kube_status st;
            if (evict(x, pod, &st) == 0)
                budget--;
            else if (st.code == 429) /* a disruption budget says not now */
                budget = 0;
            else if (st.code != 404)
                rc = -1;
        }
        if (pending)
            break;
    }
    for (int i = 0; i < n; i++)
        cJSON_Delete(pods[i]);
    free(pods);
    free(rs);
    if (rc == 0 && pending == 0) {
        ro_log(x->rc, RO_LOG_INFO, x->ns, x->name, "All pods restarted after %s", spec_at);
        x->restarted = true;
    }
    return rc;
}
