/* resources.c: the resource registry and the discovery documents built from it.
 *
 * Built-in kinds come from one table (adding a kind is adding a row); CRDs add rows at run
 * time. A kind served at several versions has one row per version sharing one storage key,
 * so objects are stored once whichever version wrote them. */
#include "fakeapi/resources.h"

#include "common/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_NS = 1, F_STATUS = 2, F_SCALE = 4, F_ALL = 8, F_ANNOTGEN = 16, F_GEN = 32 };

static const char *const fields_basic[] = {"metadata.name", "metadata.namespace", NULL};
static const char *const fields_pod[] = {"metadata.name", "metadata.namespace", "spec.nodeName",
    "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
    "status.phase", "status.podIP", "status.nominatedNodeName", NULL};
static const char *const fields_event[] = {"metadata.name", "metadata.namespace", "involvedObject.kind",
    "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
    "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "type",
    "regarding.kind", "regarding.name", "regarding.namespace", "regarding.uid", NULL};
static const char *const fields_namespace[] = {"metadata.name", "status.phase", NULL};
static const char *const fields_secret[] = {"metadata.name", "metadata.namespace", "type", NULL};
static const char *const fields_node[] = {"metadata.name", "spec.unschedulable", NULL};
static const char *const fields_rs[] = {"metadata.name", "metadata.namespace", "status.replicas", NULL};

static const struct builtin {
    const char *group, *version, *plural, *singular, *kind, *shorts;
    int flags;
    const char *const *fields;
} builtins[] = {
    {"", "v1", "namespaces", "namespace", "Namespace", "ns", F_STATUS, fields_namespace},
    {"", "v1", "pods", "pod", "Pod", "po", F_NS | F_STATUS | F_ALL, fields_pod},
    {"", "v1", "services", "service", "Service", "svc", F_NS | F_STATUS | F_ALL, fields_basic},
    {"", "v1", "endpoints", "endpoints", "Endpoints", "ep", F_NS, fields_basic},
    {"", "v1", "configmaps", "configmap", "ConfigMap", "cm", F_NS, fields_basic},
    {"", "v1", "secrets", "secret", "Secret", "", F_NS, fields_secret},
    {"", "v1", "events", "event", "Event", "ev", F_NS, fields_event},
    {"", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", "sa", F_NS, fields_basic},
    {"", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", "pvc",
     F_NS | F_STATUS, fields_basic},
    {"", "v1", "nodes", "node", "Node", "no", F_STATUS, fields_node},
    {"apps", "v1", "deployments", "deployment", "Deployment", "deploy",
     F_GEN | F_NS | F_STATUS | F_SCALE | F_ALL | F_ANNOTGEN, fields_basic},
    {"apps", "v1", "replicasets", "replicaset", "ReplicaSet", "rs", F_GEN | F_NS | F_STATUS | F_SCALE | F_ALL, fields_rs},
    {"apps", "v1", "statefulsets", "statefulset", "StatefulSet", "sts", F_GEN | F_NS | F_STATUS | F_SCALE | F_ALL,
     fields_basic},
    {"apps", "v1", "daemonsets", "daemonset", "DaemonSet", "ds", F_GEN | F_NS | F_STATUS | F_ALL, fields_basic},
    {"batch", "v1", "jobs", "job", "Job", "", F_GEN | F_NS | F_STATUS | F_ALL, fields_basic},
    {"batch", "v1", "cronjobs", "cronjob", "CronJob", "cj", F_GEN | F_NS | F_STATUS | F_ALL, fields_basic},
    {"networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", "ing", F_GEN | F_NS | F_STATUS, fields_basic},
    {"networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", "", 0, fields_basic},
    {"networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", "netpol", F_GEN | F_NS, fields_basic},
    {"discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", "", F_NS, fields_basic},
    {"coordination.k8s.io", "v1", "leases", "lease", "Lease", "", F_NS, fields_basic},
    {"events.k8s.io", "v1", "events", "event", "Event", "ev", F_NS, fields_event},
    {"autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler",
     "hpa", F_GEN | F_NS | F_STATUS | F_ALL, fields_basic},
    {"autoscaling", "v1", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler",
     "hpa", F_GEN | F_NS | F_STATUS | F_ALL, fields_basic},
    {"policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", "pdb",
     F_GEN | F_NS | F_STATUS, fields_basic},
    {"rbac.authorization.k8s.io", "v1", "roles", "role", "Role", "", F_NS, fields_basic},
    {"rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", "", F_NS, fields_basic},
    {"rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", "", 0, fields_basic},
    {"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", "",
     0, fields_basic},
    {"apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
     "CustomResourceDefinition", "crd,crds", F_GEN | F_STATUS, fields_basic},
};

void fa_gv(const fa_resource *res, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s%s", res->group, *res->group ? "/" : "", res->version);
}

struct fa_registry {
    fa_resource **items;
    size_t n, cap;
    /* entries of re-registered or deleted CRDs: open watches may still point at them, so they
     * live until the registry goes */
    fa_resource **retired;
    size_t nretired;
};

static char *xstrdup(const char *s) { return s ? strdup(s) : NULL; }

static char **split_list(const char *csv)
{
    size_t n = 1;
    for (const char *p = csv; *p; p++)
        n += *p == ',';
    char **out = calloc(n + 1, sizeof *out);
    size_t i = 0;
    const char *p = csv;
    while (*p) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        out[i++] = strndup(p, len);
        p += len + (c ? 1 : 0);
    }
    return out;
}

static char **json_list(const cJSON *arr)
{
    int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
    char **out = calloc((size_t)n + 1, sizeof *out);
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) if (cJSON_IsString(e)) out[i++] = strdup(e->valuestring);
    return out;
}

static void free_list(char **l)
{
    for (char **p = l; p && *p; p++)
        free(*p);
    free(l);
}

static void resource_free(fa_resource *r)
{
    free(r->group);
    free(r->version);
    free(r->plural);
    free(r->singular);
    free(r->kind);
    free(r->list_kind);
    free(r->key);
    free(r->scale_spec);
    free(r->scale_status);
    free(r->scale_selector);
    free_list(r->short_names);
    free_list(r->categories);
    cJSON_Delete(r->printer_columns);
    cJSON_Delete(r->schema);
    free(r->crd_name);
    free(r);
}

static char *make_key(const char *group, const char *plural)
{
    size_t n = strlen(group) + strlen(plural) + 2;
    char *k = malloc(n);
    snprintf(k, n, "%s%s%s", plural, *group ? "." : "", group);
    return k;
}

static void push(fa_registry *r, fa_resource *res)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->items = realloc(r->items, r->cap * sizeof *r->items);
    }
    r->items[r->n++] = res;
}

fa_registry *fa_registry_new(void)
{
    fa_registry *r = calloc(1, sizeof *r);
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        const struct builtin *b = &builtins[i];
        fa_resource *res = calloc(1, sizeof *res);
        res->group = strdup(b->group);
        res->version = strdup(b->version);
        res->plural = strdup(b->plural);
        res->singular = strdup(b->singular);
        res->kind = strdup(b->kind);
        size_t n = strlen(b->kind) + 5;
        res->list_kind = malloc(n);
        snprintf(res->list_kind, n, "%sList", b->kind);
        res->key = make_key(b->group, b->plural);
        res->namespaced = b->flags & F_NS;
        res->builtin = true;
        res->has_status = b->flags & F_STATUS;
        res->has_scale = b->flags & F_SCALE;
        if (res->has_scale) {
            res->scale_spec = strdup(".spec.replicas");
            res->scale_status = strdup(".status.replicas");
            res->scale_selector = strdup(".spec.selector"); /* built-ins: from the label selector */
        }
        res->annotations_bump_generation = b->flags & F_ANNOTGEN;
        res->has_generation = b->flags & F_GEN;
        res->short_names = split_list(b->shorts);
        res->categories = split_list(b->flags & F_ALL ? "all" : "");
        res->fields = b->fields;
        push(r, res);
    }
    return r;
}

void fa_registry_free(fa_registry *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        resource_free(r->items[i]);
    for (size_t i = 0; i < r->nretired; i++)
        resource_free(r->retired[i]);
    free(r->retired);
    free(r->items);
    free(r);
}

const fa_resource *fa_registry_find(const fa_registry *r, const char *group, const char *version,
                                    const char *plural)
{
    for (size_t i = 0; i < r->n; i++) {
        const fa_resource *x = r->items[i];
        if (!strcmp(x->group, group) && !strcmp(x->version, version) && !strcmp(x->plural, plural))
            return x;
    }
    return NULL;
}

const fa_resource *fa_registry_find_kind(const fa_registry *r, const char *api_version, const char *kind)
{
    const char *slash = strchr(api_version, '/');
    size_t glen = slash ? (size_t)(slash - api_version) : 0;
    const char *version = slash ? slash + 1 : api_version;
    for (size_t i = 0; i < r->n; i++) {
        const fa_resource *x = r->items[i];
        if (strlen(x->group) == glen && !strncmp(x->group, api_version, glen) && !strcmp(x->version, version) &&
            !strcmp(x->kind, kind))
            return x;
    }
    return NULL;
}

const fa_resource *fa_registry_find_key(const fa_registry *r, const char *key)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->items[i]->key, key))
            return r->items[i];
    return NULL;
}

void fa_registry_remove_crd(fa_registry *r, const char *crd_name)
{
    size_t j = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->items[i]->crd_name && !strcmp(r->items[i]->crd_name, crd_name)) {
            r->retired = realloc(r->retired, (r->nretired + 1) * sizeof *r->retired);
            r->retired[r->nretired++] = r->items[i];
        } else {
            r->items[j++] = r->items[i];
        }
    }
    r->n = j;
}

static int fail(char *err, size_t errlen, const char *fmt, const char *arg)
{
    snprintf(err, errlen, fmt, arg);
    return -1;
}

int fa_registry_add_crd(fa_registry *r, const cJSON *crd, char *err, size_t errlen)
{
    const char *name = cj_str(crd, "metadata.name");
    const char *group = cj_str(crd, "spec.group");
    const char *plural = cj_str(crd, "spec.names.plural");
    const char *kind = cj_str(crd, "spec.names.kind");
    const char *scope = cj_str(crd, "spec.scope");
    const cJSON *versions = cj_get(crd, "spec.versions");
    if (!group || !*group)
        return fail(err, errlen, "spec.group: Required value%s", "");
    if (!plural || !*plural)
        return fail(err, errlen, "spec.names.plural: Required value%s", "");
    if (!kind || !*kind)
        return fail(err, errlen, "spec.names.kind: Required value%s", "");
    if (!scope || (strcmp(scope, "Namespaced") && strcmp(scope, "Cluster")))
        return fail(err, errlen, "spec.scope: Unsupported value: \"%s\": supported values: \"Cluster\", \"Namespaced\"",
                    scope ? scope : "");
    if (!cJSON_IsArray(versions) || cJSON_GetArraySize(versions) == 0)
        return fail(err, errlen, "spec.versions: Invalid value: null: must have exactly one version marked as storage version%s", "");
    char *want = make_key(group, plural);
    if (!name || strcmp(name, want)) {
        snprintf(err, errlen, "metadata.name: Invalid value: \"%s\": must be spec.names.plural+\".\"+spec.group",
                 name ? name : "");
        free(want);
        return -1;
    }
    const cJSON *v;
    cJSON_ArrayForEach(v, versions)
    {
        if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(v, "name"))) {
            free(want);
            return fail(err, errlen, "spec.versions[].name: Required value%s", "");
        }
    }
    fa_registry_remove_crd(r, name);
    const char *singular = cj_str(crd, "spec.names.singular");
    const char *list_kind = cj_str(crd, "spec.names.listKind");
    cJSON_ArrayForEach(v, versions)
    {
        const cJSON *served = cJSON_GetObjectItemCaseSensitive(v, "served");
        if (cJSON_IsFalse(served))
            continue;
        fa_resource *res = calloc(1, sizeof *res);
        res->group = strdup(group);
        res->version = strdup(cj_str(v, "name"));
        res->plural = strdup(plural);
        res->kind = strdup(kind);
        if (singular)
            res->singular = strdup(singular);
        else {
            res->singular = strdup(kind);
            for (char *p = res->singular; *p; p++)
                *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        }
        if (list_kind)
            res->list_kind = strdup(list_kind);
        else {
            size_t n = strlen(kind) + 5;
            res->list_kind = malloc(n);
            snprintf(res->list_kind, n, "%sList", kind);
        }
        res->key = strdup(want);
        res->namespaced = !strcmp(scope, "Namespaced");
        res->has_generation = true;
        res->has_status = cj_get(v, "subresources.status") != NULL;
        const cJSON *scale = cj_get(v, "subresources.scale");
        if (cJSON_IsObject(scale)) {
            res->has_scale = true;
            res->scale_spec = xstrdup(cj_str(scale, "specReplicasPath"));
            res->scale_status = xstrdup(cj_str(scale, "statusReplicasPath"));
            res->scale_selector = xstrdup(cj_str(scale, "labelSelectorPath"));
            if (!res->scale_spec)
                res->scale_spec = strdup(".spec.replicas");
        }
        res->short_names = json_list(cj_get(crd, "spec.names.shortNames"));
        res->categories = json_list(cj_get(crd, "spec.names.categories"));
        res->fields = res->namespaced ? fields_basic : fields_namespace;
        const cJSON *cols = cJSON_GetObjectItemCaseSensitive(v, "additionalPrinterColumns");
        res->printer_columns = cJSON_IsArray(cols) ? cJSON_Duplicate(cols, 1) : NULL;
        /* the structural schema the API server validates and prunes this version with (the
         * per-version one, or v1beta1's spec.validation for all versions) */
        const cJSON *schema = cj_get(v, "schema");
        schema = cJSON_IsObject(schema) ? cJSON_GetObjectItemCaseSensitive(schema, "openAPIV3Schema") : NULL;
        if (!cJSON_IsObject(schema)) {
            schema = cj_get(crd, "spec.validation");
            schema = cJSON_IsObject(schema) ? cJSON_GetObjectItemCaseSensitive(schema, "openAPIV3Schema") : NULL;
        }
        res->schema = cJSON_IsObject(schema) ? cJSON_Duplicate(schema, 1) : NULL;
        res->preserve_unknown = cJSON_IsTrue(cj_get(crd, "spec.preserveUnknownFields"));
        res->crd_name = strdup(name);
        push(r, res);
    }
    free(want);
    return 0;
}

/* ---- discovery ---- */

static cJSON *str_array(char **l)
{
    cJSON *a = cJSON_CreateArray();
    for (char **p = l; p && *p; p++)
        cJSON_AddItemToArray(a, cJSON_CreateString(*p));
    return a;
}

cJSON *fa_discovery_api(const char *server_addr)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "kind", "APIVersions");
    cJSON *vs = cJSON_AddArrayToObject(d, "versions");
    cJSON_AddItemToArray(vs, cJSON_CreateString("v1"));
    cJSON *addrs = cJSON_AddArrayToObject(d, "serverAddressByClientCIDRs");
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "clientCIDR", "0.0.0.0/0");
    cJSON_AddStringToObject(a, "serverAddress", server_addr);
    cJSON_AddItemToArray(addrs, a);
    return d;
}

static cJSON *group_doc(const fa_registry *r, const char *group)
{
    cJSON *g = NULL, *versions = NULL;
    for (size_t i = 0; i < r->n; i++) {
        const fa_resource *x = r->items[i];
        if (strcmp(x->group, group))
            continue;
        if (!g) {
            g = cJSON_CreateObject();
            cJSON_AddStringToObject(g, "name", group);
            versions = cJSON_AddArrayToObject(g, "versions");
        }
        bool seen = false;
        const cJSON *v;
        cJSON_ArrayForEach(v, versions) seen |= !strcmp(cj_str(v, "version"), x->version);
        if (seen)
            continue;
        char gv[256];
        snprintf(gv, sizeof gv, "%s/%s", group, x->version);
        cJSON *ver = cJSON_CreateObject();
        cJSON_AddStringToObject(ver, "groupVersion", gv);
        cJSON_AddStringToObject(ver, "version", x->version);
        cJSON_AddItemToArray(versions, ver);
    }
    if (g) /* the first version registered is the preferred one (v2 before v1 for autoscaling) */
        cJSON_AddItemToObject(g, "preferredVersion", cJSON_Duplicate(cJSON_GetArrayItem(versions, 0), 1));
    return g;
}

cJSON *fa_discovery_apis(const fa_registry *r)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "kind", "APIGroupList");
    cJSON_AddStringToObject(d, "apiVersion", "v1");
    cJSON *groups = cJSON_AddArrayToObject(d, "groups");
    for (size_t i = 0; i < r->n; i++) {
        const char *group = r->items[i]->group;
        if (!*group)
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(r->items[j]->group, group);
        if (!seen)
            cJSON_AddItemToArray(groups, group_doc(r, group));
    }
    return d;
}

cJSON *fa_discovery_group(const fa_registry *r, const char *group)
{
    if (!*group)
        return NULL;
    cJSON *g = group_doc(r, group);
    if (g) {
        cJSON_AddStringToObject(g, "kind", "APIGroup");
        cJSON_AddStringToObject(g, "apiVersion", "v1");
    }
    return g;
}

static const char *const verbs_all[] = {"create", "delete", "deletecollection", "get", "list", "patch",
                                        "update", "watch", NULL};
static const char *const verbs_sub[] = {"get", "patch", "update", NULL};
static const char *const verbs_create[] = {"create", NULL};

static cJSON *verbs(const char *const *v)
{
    cJSON *a = cJSON_CreateArray();
    for (; *v; v++)
        cJSON_AddItemToArray(a, cJSON_CreateString(*v));
    return a;
}

static cJSON *sub_entry_verbs(const fa_resource *x, const char *sub, const char *group, const char *version,
                              const char *kind, const char *const *v)
{
    char name[256];
    snprintf(name, sizeof name, "%s/%s", x->plural, sub);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", name);
    cJSON_AddStringToObject(e, "singularName", "");
    cJSON_AddBoolToObject(e, "namespaced", x->namespaced);
    if (group) {
        cJSON_AddStringToObject(e, "group", group);
        cJSON_AddStringToObject(e, "version", version);
    }
    cJSON_AddStringToObject(e, "kind", kind);
    cJSON_AddItemToObject(e, "verbs", verbs(v));
    return e;
}

static cJSON *sub_entry(const fa_resource *x, const char *sub, const char *group, const char *version,
                        const char *kind)
{
    return sub_entry_verbs(x, sub, group, version, kind, verbs_sub);
}

cJSON *fa_discovery_resources(const fa_registry *r, const char *group, const char *version)
{
    cJSON *list = NULL;
    for (size_t i = 0; i < r->n; i++) {
        const fa_resource *x = r->items[i];
        if (strcmp(x->group, group) || strcmp(x->version, version))
            continue;
        if (!list) {
            list = cJSON_CreateObject();
            cJSON_AddStringToObject(list, "kind", "APIResourceList");
            cJSON_AddStringToObject(list, "apiVersion", "v1");
            char gv[256];
            snprintf(gv, sizeof gv, "%s%s%s", group, *group ? "/" : "", version);
            cJSON_AddStringToObject(list, "groupVersion", gv);
            cJSON_AddArrayToObject(list, "resources");
        }
        cJSON *res = cJSON_GetObjectItemCaseSensitive(list, "resources");
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", x->plural);
        cJSON_AddStringToObject(e, "singularName", x->singular);
        cJSON_AddBoolToObject(e, "namespaced", x->namespaced);
        cJSON_AddStringToObject(e, "kind", x->kind);
        cJSON_AddItemToObject(e, "verbs", verbs(verbs_all));
        if (x->short_names && x->short_names[0])
            cJSON_AddItemToObject(e, "shortNames", str_array(x->short_names));
        if (x->categories && x->categories[0])
            cJSON_AddItemToObject(e, "categories", str_array(x->categories));
        cJSON_AddItemToArray(res, e);
        if (x->has_scale)
            cJSON_AddItemToArray(res, sub_entry(x, "scale", "autoscaling", "v1", "Scale"));
        if (x->has_status)
            cJSON_AddItemToArray(res, sub_entry(x, "status", NULL, NULL, x->kind));
        if (!strcmp(x->key, "namespaces"))
            cJSON_AddItemToArray(res, sub_entry(x, "finalize", NULL, NULL, x->kind));
        if (!strcmp(x->key, "pods")) /* the Eviction subresource (policy/v1 Eviction, create only) */
            cJSON_AddItemToArray(res, sub_entry_verbs(x, "eviction", "policy", "v1", "Eviction", verbs_create));
    }
    return list;
}

/* ---- OpenAPI v3: the minimal documents kubectl's field-validation probe needs ---- */

static void gv_path(const fa_resource *x, char *buf, size_t n)
{
    if (*x->group)
        snprintf(buf, n, "apis/%s/%s", x->group, x->version);
    else
        snprintf(buf, n, "api/%s", x->version);
}

cJSON *fa_openapi_root(const fa_registry *r)
{
    cJSON *d = cJSON_CreateObject();
    cJSON *paths = cJSON_AddObjectToObject(d, "paths");
    for (size_t i = 0; i < r->n; i++) {
        char gv[256], url[320];
        gv_path(r->items[i], gv, sizeof gv);
        if (cJSON_GetObjectItemCaseSensitive(paths, gv))
            continue;
        snprintf(url, sizeof url, "/openapi/v3/%s?hash=0000000000000000", gv);
        cJSON *e = cJSON_AddObjectToObject(paths, gv);
        cJSON_AddStringToObject(e, "serverRelativeURL", url);
    }
    return d;
}

cJSON *fa_openapi_gv(const fa_registry *r, const char *group, const char *version)
{
    cJSON *d = NULL, *paths = NULL;
    for (size_t i = 0; i < r->n; i++) {
        const fa_resource *x = r->items[i];
        if (strcmp(x->group, group) || strcmp(x->version, version))
            continue;
        if (!d) {
            d = cJSON_CreateObject();
            cJSON_AddStringToObject(d, "openapi", "3.0.0");
            cJSON *info = cJSON_AddObjectToObject(d, "info");
            cJSON_AddStringToObject(info, "title", "Kubernetes");
            cJSON_AddStringToObject(info, "version", "v1.32.0");
            cJSON_AddObjectToObject(cJSON_AddObjectToObject(d, "components"), "schemas");
            paths = cJSON_AddObjectToObject(d, "paths");
        }
        char gv[256], path[512];
        gv_path(x, gv, sizeof gv);
        snprintf(path, sizeof path, "/%s/%s%s/{name}", gv, x->namespaced ? "namespaces/{namespace}/" : "", x->plural);
        cJSON *patch = cJSON_AddObjectToObject(cJSON_AddObjectToObject(paths, path), "patch");
        cJSON *gvk = cJSON_AddObjectToObject(patch, "x-kubernetes-group-version-kind");
        cJSON_AddStringToObject(gvk, "group", x->group);
        cJSON_AddStringToObject(gvk, "version", x->version);
        cJSON_AddStringToObject(gvk, "kind", x->kind);
        cJSON *param = cJSON_CreateObject();
        cJSON_AddStringToObject(param, "name", "fieldValidation");
        cJSON_AddStringToObject(param, "in", "query");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(param, "schema"), "type", "string");
        cJSON_AddItemToArray(cJSON_AddArrayToObject(patch, "parameters"), param);
        /* strategic-merge-patch is deliberately absent: with it kubectl would try to compute the
         * patch from OpenAPI schemas this stub does not have (kube-api.md 1.3). */
        cJSON *content = cJSON_AddObjectToObject(cJSON_AddObjectToObject(patch, "requestBody"), "content");
        cJSON_AddObjectToObject(content, "application/json-patch+json");
        cJSON_AddObjectToObject(content, "application/merge-patch+json");
        cJSON_AddObjectToObject(content, "application/apply-patch+yaml");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(cJSON_AddObjectToObject(patch, "responses"), "200"),
                                "description", "OK");
    }
    return d;
}
