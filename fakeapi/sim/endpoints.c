/* endpoints.c: the simulated endpoints and endpointslice controllers. For every Service with a
 * selector they keep a core/v1 Endpoints object of the same name and discovery.k8s.io/v1
 * EndpointSlices labelled kubernetes.io/service-name listing the selected pods' IPs: ready pods
 * under addresses, the others under notReadyAddresses, ports resolved from each service port's
 * targetPort against the pod. Services without a selector are left alone (their Endpoints
 * belong to whoever wrote them), and a deleted Service takes its Endpoints and slices with it.
 *
 * Like every simulated controller it keeps no state: a sync recomputes everything from the
 * store and writes only what differs. */
#include "fakeapi/sim/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MANAGED_BY "endpointslice.kubernetes.io/managed-by"
#define SLICE_CONTROLLER "endpointslice-controller.k8s.io"
#define SERVICE_NAME "kubernetes.io/service-name"

/* EndpointSlice writes carry the slice controller's own name as the actor. */
static const fa_sim_ctl slicer = {.name = "endpointslice-controller"};


/* A selector (map of label = value) with at least one entry; NULL otherwise. */
static const cJSON *selector_of(const cJSON *svc)
{
    const cJSON *sel = cj_get(svc, "spec.selector");
    return cJSON_IsObject(sel) && sel->child ? sel : NULL;
}

static bool selects(const cJSON *sel, const cJSON *labels)
{
    const cJSON *kv;
    cJSON_ArrayForEach(kv, sel)
    {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(labels, kv->string);
        if (!cJSON_IsString(v) || !cJSON_IsString(kv) || strcmp(v->valuestring, kv->valuestring))
            return false;
    }
    return true;
}

/* ---- what the pods say ---- */

/* The port a service port reaches on this pod: targetPort as a number, or a name looked up among
 * the pod's container ports of the same protocol (podutil.FindPort). -1 when it does not resolve. */
static int target_port(const cJSON *svc_port, const cJSON *pod)
{
    const cJSON *tp = cJSON_GetObjectItemCaseSensitive(svc_port, "targetPort");
    if (cJSON_IsNumber(tp))
        return (int)tp->valuedouble;
    if (!cJSON_IsString(tp)) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(svc_port, "port");
        return cJSON_IsNumber(p) ? (int)p->valuedouble : -1;
    }
    const char *proto = cj_str(svc_port, "protocol") ? cj_str(svc_port, "protocol") : "TCP";
    const cJSON *c, *p;
    cJSON_ArrayForEach(c, cj_get(pod, "spec.containers"))
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(c, "ports"))
    {
        const char *pp = cj_str(p, "protocol") ? cj_str(p, "protocol") : "TCP";
        const cJSON *num = cJSON_GetObjectItemCaseSensitive(p, "containerPort");
        if (cj_streq(cj_str(p, "name"), tp->valuestring) && cj_streq(pp, proto) && cJSON_IsNumber(num))
            return (int)num->valuedouble;
    }
    return -1;
}

/* The pod's ports for the service, as an EndpointPort array; slice = EndpointSlice form (the
 * name is always present there, possibly empty). NULL when the service has ports and none
 * resolves on this pod (the real controllers then leave the pod out). */
static cJSON *pod_ports(const cJSON *svc, const cJSON *pod, bool slice)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *sp;
    int n = 0;
    cJSON_ArrayForEach(sp, cj_get(svc, "spec.ports"))
    {
        n++;
        int port = target_port(sp, pod);
        if (port < 0)
            continue;
        cJSON *p = cJSON_CreateObject();
        const char *name = cj_str(sp, "name");
        if (slice || (name && *name))
            cJSON_AddStringToObject(p, "name", name ? name : "");
        cJSON_AddNumberToObject(p, "port", port);
        cJSON_AddStringToObject(p, "protocol", cj_str(sp, "protocol") ? cj_str(sp, "protocol") : "TCP");
        const char *app = cj_str(sp, "appProtocol");
        if (app)
            cJSON_AddStringToObject(p, "appProtocol", app);
        cJSON_AddItemToArray(out, p);
    }
    if (n > 0 && cJSON_GetArraySize(out) == 0) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

/* One selected pod with an IP. */
typedef struct {
    const cJSON *pod;
    const char *ip;
    bool ready, terminating;
} member;

static int by_ip(const void *a, const void *b)
{
    const member *x = a, *y = b;
    int c = strcmp(x->ip, y->ip); /* kube compares the strings, then the uids */
    return c ? c : strcmp(cj_str(x->pod, "metadata.uid") ? cj_str(x->pod, "metadata.uid") : "",
                          cj_str(y->pod, "metadata.uid") ? cj_str(y->pod, "metadata.uid") : "");
}

/* The selected pods that can be endpoints (an IP, not finished), sorted by IP. */
static member *members_of(const cJSON *svc, const cJSON *pods, size_t *n)
{
    const cJSON *sel = selector_of(svc), *p;
    bool publish = cJSON_IsTrue(cj_get(svc, "spec.publishNotReadyAddresses"));
    member *m = calloc((size_t)cJSON_GetArraySize(pods) + 1, sizeof *m);
    *n = 0;
    cJSON_ArrayForEach(p, pods)
    {
        const char *ip = cj_str(p, "status.podIP"), *phase = cj_str(p, "status.phase");
        if (!ip || !*ip || cj_streq(phase, "Succeeded") || cj_streq(phase, "Failed") ||
            !selects(sel, cj_get(p, "metadata.labels")))
            continue;
        m[*n] = (member){p, ip, publish || fa_sim_pod_ready(p), cj_get(p, "metadata.deletionTimestamp") != NULL};
        (*n)++;
    }
    qsort(m, *n, sizeof *m, by_ip);
    return m;
}

static cJSON *target_ref(const cJSON *pod)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "kind", "Pod");
    static const char *const fields[] = {"namespace", "name", "uid"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = cj_str(cJSON_GetObjectItemCaseSensitive(pod, "metadata"), fields[i]);
        if (v)
            cJSON_AddStringToObject(r, fields[i], v);
    }
    return r;
}

/* Pods whose ports resolve the same way share a subset (or a slice). */
typedef struct {
    cJSON *ports;
    cJSON *items; /* Endpoints: {addresses, notReadyAddresses}; slices: the endpoints array */
} group;

static group *group_for(group *groups, size_t *ngroups, cJSON *ports, bool slice)
{
    for (size_t i = 0; i < *ngroups; i++)
        if (cj_equal(groups[i].ports, ports)) {
            cJSON_Delete(ports);
            return &groups[i];
        }
    group *g = &groups[(*ngroups)++];
    g->ports = ports;
    g->items = slice ? cJSON_CreateArray() : cJSON_CreateObject();
    if (!slice) {
        cJSON_AddArrayToObject(g->items, "addresses");
        cJSON_AddArrayToObject(g->items, "notReadyAddresses");
    }
    return g;
}

static void groups_free(group *groups, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cJSON_Delete(groups[i].ports);
        cJSON_Delete(groups[i].items);
    }
    free(groups);
}

/* ---- Endpoints ---- */

/* subsets as the endpoints controller computes them; NULL when there are none (kube then writes
 * an Endpoints object without subsets). */
static cJSON *subsets_for(const cJSON *svc, const member *m, size_t n)
{
    group *groups = calloc(n + 1, sizeof *groups);
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        if (m[i].terminating) /* Endpoints never list terminating pods */
            continue;
        cJSON *ports = pod_ports(svc, m[i].pod, false);
        if (!ports)
            continue;
        group *g = group_for(groups, &ng, ports, false);
        cJSON *a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "ip", m[i].ip);
        const char *node = cj_str(m[i].pod, "spec.nodeName");
        if (node)
            cJSON_AddStringToObject(a, "nodeName", node);
        cJSON_AddItemToObject(a, "targetRef", target_ref(m[i].pod));
        const char *kind = m[i].ready ? "addresses" : "notReadyAddresses";
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(g->items, kind), a);
    }
    cJSON *subsets = ng ? cJSON_CreateArray() : NULL;
    for (size_t i = 0; i < ng; i++) {
        cJSON *s = cJSON_CreateObject();
        static const char *const kinds[] = {"addresses", "notReadyAddresses"};
        for (int k = 0; k < 2; k++) {
            cJSON *list = cJSON_DetachItemFromObjectCaseSensitive(groups[i].items, kinds[k]);
            if (cJSON_GetArraySize(list) > 0)
                cJSON_AddItemToObject(s, kinds[k], list);
            else
                cJSON_Delete(list);
        }
        if (cJSON_GetArraySize(groups[i].ports) > 0) {
            cJSON_AddItemToObject(s, "ports", groups[i].ports);
            groups[i].ports = NULL;
        }
        cJSON_AddItemToArray(subsets, s);
    }
    groups_free(groups, ng);
    return subsets;
}

/* The labels the controllers put on what they write: the service's, plus the headless marker. */
static cJSON *labels_for(const cJSON *svc)
{
    const cJSON *l = cj_get(svc, "metadata.labels");
    cJSON *out = cJSON_IsObject(l) ? cJSON_Duplicate(l, 1) : cJSON_CreateObject();
    if (cj_streq(cj_str(svc, "spec.clusterIP"), "None"))
        cj_set_str(out, "service.kubernetes.io/headless", "");
    return out;
}

static bool same_or_empty(const cJSON *a, const cJSON *b)
{
    bool ea = !a || cJSON_IsNull(a) || ((cJSON_IsArray(a) || cJSON_IsObject(a)) && !a->child);
    bool eb = !b || cJSON_IsNull(b) || ((cJSON_IsArray(b) || cJSON_IsObject(b)) && !b->child);
    return (ea && eb) || cj_equal(a, b);
}

static void sync_endpoints(fakeapi *f, const cJSON *svc, const member *m, size_t n)
{
    const char *ns = cj_str(svc, "metadata.namespace"), *name = cj_str(svc, "metadata.name");
    cJSON *subsets = subsets_for(svc, m, n), *labels = labels_for(svc);
    cJSON *cur = fa_sim_get(f, "endpoints", ns, name);
    if (cur && same_or_empty(cj_get(cur, "subsets"), subsets) &&
        same_or_empty(cj_get(cur, "metadata.labels"), labels)) {
        cJSON_Delete(subsets);
        cJSON_Delete(labels);
        cJSON_Delete(cur);
        return;
    }
    cJSON *ep = cur;
    if (!ep) {
        ep = cJSON_CreateObject();
        cJSON_AddStringToObject(ep, "apiVersion", "v1");
        cJSON_AddStringToObject(ep, "kind", "Endpoints");
        cJSON *meta = cJSON_AddObjectToObject(ep, "metadata");
        cJSON_AddStringToObject(meta, "name", name);
        cJSON_AddStringToObject(meta, "namespace", ns);
    }
    cJSON *meta = cj_obj(ep, "metadata");
    if (labels->child)
        cj_set(meta, "labels", labels);
    else {
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "labels");
        cJSON_Delete(labels);
    }
    if (subsets)
        cj_set(ep, "subsets", subsets);
    else
        cJSON_DeleteItemFromObjectCaseSensitive(ep, "subsets");
    /* PUT carries the resourceVersion just read: a conflict means someone else wrote it, and the
     * change that write causes brings the service back here */
    fa_sim_write(f, &fa_sim_endpoints, cur ? "PUT" : "POST", "endpoints", ns, cur ? name : NULL, NULL, NULL, ep, NULL);
    cJSON_Delete(ep);
}

/* ---- EndpointSlices ---- */

/* The labels of a slice: service-name and managed-by are dotted keys, so looked up directly. */
static const char *label(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cj_get(obj, "metadata.labels"), key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool ours(const cJSON *slice, const char *svc_name)
{
    return cj_streq(label(slice, SERVICE_NAME), svc_name) && cj_streq(label(slice, MANAGED_BY), SLICE_CONTROLLER);
}

/* The slices the service should have: one per distinct port set (with its endpoints sorted by
 * IP), or one empty placeholder. Terminating pods are listed with their conditions. */
static group *slices_for(const cJSON *svc, const member *m, size_t n, size_t *ng)
{
    group *groups = calloc(n + 1, sizeof *groups);
    *ng = 0;
    for (size_t i = 0; i < n; i++) {
        cJSON *ports = pod_ports(svc, m[i].pod, true);
        if (!ports)
            continue;
        group *g = group_for(groups, ng, ports, true);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToArray(cJSON_AddArrayToObject(e, "addresses"), cJSON_CreateString(m[i].ip));
        cJSON *cond = cJSON_AddObjectToObject(e, "conditions");
        cJSON_AddBoolToObject(cond, "ready", m[i].ready && !m[i].terminating);
        cJSON_AddBoolToObject(cond, "serving", m[i].ready);
        cJSON_AddBoolToObject(cond, "terminating", m[i].terminating);
        const char *node = cj_str(m[i].pod, "spec.nodeName");
        if (node)
            cJSON_AddStringToObject(e, "nodeName", node);
        cJSON_AddItemToObject(e, "targetRef", target_ref(m[i].pod));
        cJSON_AddItemToArray(g->items, e);
    }
    if (*ng == 0) { /* kube keeps a placeholder slice with no endpoints and no ports */
        groups[0].ports = cJSON_CreateArray();
        groups[0].items = cJSON_CreateArray();
        *ng = 1;
    }
    return groups;
}

static void sync_slices(fakeapi *f, const cJSON *svc, const member *m, size_t n)
{
    const char *ns = cj_str(svc, "metadata.namespace"), *name = cj_str(svc, "metadata.name");
    const char *uid = cj_str(svc, "metadata.uid");
    size_t ng;
    group *want = slices_for(svc, m, n, &ng);
    cJSON *all = fa_sim_list(f, "endpointslices.discovery.k8s.io", ns);
    size_t nall = (size_t)cJSON_GetArraySize(all);
    bool *used = calloc(nall + 1, 1);
    cJSON *labels = labels_for(svc);
    cj_set_str(labels, SERVICE_NAME, name);
    cj_set_str(labels, MANAGED_BY, SLICE_CONTROLLER);

    /* slices of an older service of the same name (another uid) go; GC would take them too */
    const cJSON *s;
    size_t i = 0;
    cJSON_ArrayForEach(s, all)
    {
        if (!ours(s, name) || !fa_sim_controlled_by(s, uid))
            used[i] = true;
        i++;
    }
    for (size_t g = 0; g < ng; g++) {
        /* reuse a slice with the same ports, else any spare one, else create */
        const cJSON *pick = NULL;
        size_t at = 0;
        for (int pass = 0; pass < 2 && !pick; pass++) {
            i = 0;
            cJSON_ArrayForEach(s, all)
            {
                if (!used[i] && (pass || same_or_empty(cJSON_GetObjectItemCaseSensitive(s, "ports"), want[g].ports))) {
                    pick = s;
                    at = i;
                    break;
                }
                i++;
            }
        }
        if (pick && cj_streq(cj_str(pick, "addressType"), "IPv4") &&
            same_or_empty(cJSON_GetObjectItemCaseSensitive(pick, "ports"), want[g].ports) &&
            same_or_empty(cJSON_GetObjectItemCaseSensitive(pick, "endpoints"), want[g].items) &&
            cj_equal(cj_get(pick, "metadata.labels"), labels)) {
            used[at] = true;
            continue;
        }
        cJSON *slice;
        if (pick) {
            used[at] = true;
            slice = cJSON_Duplicate(pick, 1);
        } else {
            slice = cJSON_CreateObject();
            cJSON_AddStringToObject(slice, "apiVersion", "discovery.k8s.io/v1");
            cJSON_AddStringToObject(slice, "kind", "EndpointSlice");
            cJSON *meta = cJSON_AddObjectToObject(slice, "metadata");
            char gen[300];
            snprintf(gen, sizeof gen, "%s-", name);
            cJSON_AddStringToObject(meta, "generateName", gen);
            cJSON_AddStringToObject(meta, "namespace", ns);
            cJSON *ref = cJSON_CreateObject();
            cJSON_AddStringToObject(ref, "apiVersion", "v1");
            cJSON_AddStringToObject(ref, "kind", "Service");
            cJSON_AddStringToObject(ref, "name", name);
            cJSON_AddStringToObject(ref, "uid", uid ? uid : "");
            cJSON_AddBoolToObject(ref, "controller", true);
            cJSON_AddBoolToObject(ref, "blockOwnerDeletion", true);
            cJSON_AddItemToArray(cJSON_AddArrayToObject(meta, "ownerReferences"), ref);
        }
        cj_set(cj_obj(slice, "metadata"), "labels", cJSON_Duplicate(labels, 1));
        cj_set_str(slice, "addressType", "IPv4");
        cj_set(slice, "endpoints", cJSON_Duplicate(want[g].items, 1));
        cj_set(slice, "ports", cJSON_Duplicate(want[g].ports, 1));
        fa_sim_write(f, &slicer, pick ? "PUT" : "POST", "endpointslices.discovery.k8s.io", ns,
                     pick ? cj_str(pick, "metadata.name") : NULL, NULL, NULL, slice, NULL);
        cJSON_Delete(slice);
    }
    /* what is left over: stale slices of this service */
    i = 0;
    cJSON_ArrayForEach(s, all)
    {
        if (cj_streq(label(s, SERVICE_NAME), name) && cj_streq(label(s, MANAGED_BY), SLICE_CONTROLLER) &&
            (!used[i] || !fa_sim_controlled_by(s, uid)))
            fa_sim_write(f, &slicer, "DELETE", "endpointslices.discovery.k8s.io", ns, cj_str(s, "metadata.name"),
                         NULL, NULL, NULL, NULL);
        i++;
    }
    cJSON_Delete(labels);
    free(used);
    cJSON_Delete(all);
    groups_free(want, ng);
}

/* A service is gone: its Endpoints and slices go with it. */
static void service_gone(fakeapi *f, const char *ns, const char *name)
{
    cJSON *ep = fa_sim_get(f, "endpoints", ns, name);
    if (ep)
        fa_sim_write(f, &fa_sim_endpoints, "DELETE", "endpoints", ns, name, NULL, NULL, NULL, NULL);
    cJSON_Delete(ep);
    cJSON *all = fa_sim_list(f, "endpointslices.discovery.k8s.io", ns);
    const cJSON *s;
    cJSON_ArrayForEach(s, all) if (ours(s, name))
        fa_sim_write(f, &slicer, "DELETE", "endpointslices.discovery.k8s.io", ns, cj_str(s, "metadata.name"), NULL,
                     NULL, NULL, NULL);
    cJSON_Delete(all);
}

/* ---- the controller ---- */

static void endpoints_on_change(fakeapi *f, const fa_change *c)
{
    const char *key = c->res->key;
    if (!strcmp(key, "services") || (!strcmp(key, "endpoints") && !strcmp(c->type, "DELETED"))) {
        fa_sim_enqueue(f, &fa_sim_endpoints, c->ns, c->name, fa_sim_now(f));
    } else if (!strcmp(key, "endpointslices.discovery.k8s.io") && !strcmp(c->type, "DELETED")) {
        const char *svc = label(c->obj, SERVICE_NAME);
        if (svc && cj_streq(label(c->obj, MANAGED_BY), SLICE_CONTROLLER))
            fa_sim_enqueue(f, &fa_sim_endpoints, c->ns, svc, fa_sim_now(f));
    } else if (!strcmp(key, "pods")) {
        /* every service in the namespace selecting the pod before or after the change */
        cJSON *svcs = fa_sim_list(f, "services", c->ns);
        cJSON *old = NULL;
        bool parsed = false;
        const cJSON *s;
        cJSON_ArrayForEach(s, svcs)
        {
            const cJSON *sel = selector_of(s);
            if (!sel)
                continue;
            bool hit = selects(sel, cj_get(c->obj, "metadata.labels"));
            if (!hit && c->old_json) {
                if (!parsed) {
                    old = cJSON_Parse(c->old_json);
                    parsed = true;
                }
                hit = selects(sel, cj_get(old, "metadata.labels"));
            }
            if (hit)
                fa_sim_enqueue(f, &fa_sim_endpoints, c->ns, cj_str(s, "metadata.name"), fa_sim_now(f));
        }
        cJSON_Delete(old);
        cJSON_Delete(svcs);
    }
}

static void endpoints_sync(fakeapi *f, const char *ns, const char *name)
{
    cJSON *svc = fa_sim_get(f, "services", ns, name);
    if (!svc) {
        service_gone(f, ns, name);
        return;
    }
    if (selector_of(svc) && !cj_streq(cj_str(svc, "spec.type"), "ExternalName")) {
        cJSON *pods = fa_sim_list(f, "pods", ns);
        size_t n;
        member *m = members_of(svc, pods, &n);
        sync_endpoints(f, svc, m, n);
        sync_slices(f, svc, m, n);
        free(m);
        cJSON_Delete(pods);
    }
    cJSON_Delete(svc);
}

const fa_sim_ctl fa_sim_endpoints = {.name = "endpoint-controller", .on_change = endpoints_on_change, .sync = endpoints_sync};
