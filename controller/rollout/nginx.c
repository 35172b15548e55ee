/* nginx.c: ingress-nginx traffic routing (Argo's rollout/trafficrouting/nginx/nginx.go). For each
 * stable Ingress the rollout names, a canary Ingress `<rollout>-<stableIngress>-canary` owned by
 * the rollout carries the stable Ingress's rules that use the stable Service (pointed at the
 * canary Service instead), its class and TLS, and the `canary`/`canary-weight` annotations that
 * make ingress-nginx split traffic. The canary Ingress is created once and then patched only
 * when something changed; it is never deleted (weight 0 when idle). */
#include "controller/rollout/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_PREFIX "nginx.ingress.kubernetes.io"

static const cJSON *nginx_spec(const ro_ctx *x) { return cj_get(x->ro, "spec.strategy.canary.trafficRouting.nginx"); }

/* GetCanaryIngressName: "<rollout>-<stable>" cut to 253-7 characters, then "-canary". */
static void canary_name(const char *rollout, const char *stable, char *out, size_t n)
{
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s-%s", rollout, stable);
    if (strlen(prefix) > 253 - strlen("-canary"))
        prefix[253 - strlen("-canary")] = 0;
    snprintf(out, n, "%s-canary", prefix);
}

/* The rules of the stable Ingress that use the stable Service, renamed to the canary Service. */
static cJSON *canary_rules(const cJSON *stable, const char *stable_svc, const char *canary_svc)
{
    cJSON *rules = cJSON_CreateArray();
    const cJSON *rule;
    cJSON_ArrayForEach(rule, cj_get(stable, "spec.rules"))
    {
        bool uses = false;
        cJSON *copy = cJSON_Duplicate(rule, 1);
        cJSON *path;
        cJSON_ArrayForEach(path, cj_get(copy, "http.paths"))
        {
            cJSON *svc = cj_get(path, "backend.service");
            if (cj_streq(cj_str(svc, "name"), stable_svc)) {
                cj_set_str(svc, "name", canary_svc);
                uses = true;
            }
        }
        if (uses)
            cJSON_AddItemToArray(rules, copy);
        else
            cJSON_Delete(copy);
    }
    return rules;
}

cJSON *ro_nginx_canary_ingress(ro_ctx *x, const cJSON *stable, int weight, char *err, size_t n)
{
    char name[300];
    canary_name(x->name, cj_str0(stable, "metadata.name"), name, sizeof name);
    const cJSON *ng = nginx_spec(x);
    const char *prefix = cj_str(ng, "annotationPrefix");
    if (!prefix || !*prefix)
        prefix = DEFAULT_PREFIX;
    cJSON *rules = canary_rules(stable, x->spec.canary.stable_service, x->spec.canary.canary_service);
    if (cJSON_GetArraySize(rules) == 0) {
        cJSON_Delete(rules);
        snprintf(err, n, "ingress `%s` has no rules using service %s backend", cj_str0(stable, "metadata.name"),
                 x->spec.canary.stable_service);
        return NULL;
    }
    cJSON *ing = cJSON_CreateObject();
    cJSON_AddStringToObject(ing, "apiVersion", "networking.k8s.io/v1");
    cJSON_AddStringToObject(ing, "kind", "Ingress");
    cJSON *meta = cJSON_AddObjectToObject(ing, "metadata");
    cJSON_AddStringToObject(meta, "name", name);
    cJSON_AddStringToObject(meta, "namespace", x->ns);
    cJSON *ann = cJSON_AddObjectToObject(meta, "annotations");
    const char *cls = ro_annotation(stable, "kubernetes.io/ingress.class");
    if (cls)
        cJSON_AddStringToObject(ann, "kubernetes.io/ingress.class", cls);
    char key[512], val[32];
    const cJSON *a;
    cJSON_ArrayForEach(a, cj_get(ng, "additionalIngressAnnotations"))
    {
        if (!cJSON_IsString(a))
            continue;
        if (!strncmp(a->string, prefix, strlen(prefix)))
            snprintf(key, sizeof key, "%s", a->string);
        else
            snprintf(key, sizeof key, "%s/%s", prefix, a->string);
        cj_set_str(ann, key, a->valuestring);
    }
    cJSON_ArrayForEach(a, cj_get(ng, "canaryIngressAnnotations"))
    {
        if (cJSON_IsString(a))
            cj_set_str(ann, a->string, a->valuestring);
    }
    snprintf(key, sizeof key, "%s/canary", prefix);
    cj_set_str(ann, key, "true");
    snprintf(key, sizeof key, "%s/canary-weight", prefix);
    snprintf(val, sizeof val, "%d", weight);
    cj_set_str(ann, key, val);
    const cJSON *total = cj_get(x->ro, "spec.strategy.canary.trafficRouting.maxTrafficWeight");
    if (cJSON_IsNumber(total)) {
        snprintf(key, sizeof key, "%s/canary-weight-total", prefix);
        snprintf(val, sizeof val, "%d", total->valueint);
        cj_set_str(ann, key, val);
    }
    cJSON *spec = cJSON_AddObjectToObject(ing, "spec");
    const cJSON *icn = cj_get(stable, "spec.ingressClassName");
    if (cJSON_IsString(icn))
        cJSON_AddStringToObject(spec, "ingressClassName", icn->valuestring);
    cJSON_AddItemToObject(spec, "rules", rules);
    const cJSON *tls = cj_get(stable, "spec.tls");
    if (cJSON_IsArray(tls) && cJSON_GetArraySize(tls) > 0)
        cJSON_AddItemToObject(spec, "tls", cJSON_Duplicate(tls, 1));
    return ing;
}

/* Brings the existing canary Ingress `have` to `want` with one merge patch (annotations it has
   beyond the desired ones are kept). */
static int patch_canary(ro_ctx *x, const cJSON *have, cJSON *want, int weight, char *err, size_t n)
{
    const char *name = cj_str(want, "metadata.name");
    if (!ro_controlled_by(have, x->ro)) {
        snprintf(err, n, "canary ingress `%s` controlled by different object", name);
        return -1;
    }
    cJSON *from = cJSON_CreateObject(), *to = cJSON_CreateObject();
    cJSON *fm = cJSON_AddObjectToObject(from, "metadata"), *tm = cJSON_AddObjectToObject(to, "metadata");
    const cJSON *ann = cj_get(have, "metadata.annotations");
    cJSON_AddItemToObject(fm, "annotations", cJSON_IsObject(ann) ? cJSON_Duplicate(ann, 1) : cJSON_CreateObject());
    cJSON *merged = cJSON_IsObject(ann) ? cJSON_Duplicate(ann, 1) : cJSON_CreateObject();
    const cJSON *a;
    cJSON_ArrayForEach(a, cj_get(want, "metadata.annotations")) cj_set_str(merged, a->string, a->valuestring);
    cJSON_AddItemToObject(tm, "annotations", merged);
    const cJSON *spec = cj_get(have, "spec");
    cJSON_AddItemToObject(from, "spec", cJSON_IsObject(spec) ? cJSON_Duplicate(spec, 1) : cJSON_CreateObject());
    cJSON_AddItemToObject(to, "spec", cJSON_Duplicate(cj_get(want, "spec"), 1));
    char *body = cj_merge_diff_text(from, to);
    cJSON_Delete(from);
    cJSON_Delete(to);
    if (!body)
        return 0;
    ro_event(x, "Normal", "PatchingCanaryIngress", "Updating Ingress `%s` to desiredWeight '%d'", name, weight);
    kube_status st;
    cJSON *out = kube_patch(x->rc->client, &ro_ing_gvr, x->ns, name, KUBE_PATCH_MERGE, body, NULL, &st);
    free(body);
    if (!out) {
        snprintf(err, n, "error patching canary ingress `%s`: %s", name, st.message);
        return -1;
    }
    cJSON_Delete(out);
    return 0;
}

/* SetWeightPerIngress */
static int set_weight_one(ro_ctx *x, const char *stable_name, int weight, char *err, size_t n)
{
    const cJSON *stable = kube_informer_get(x->rc->ingresses, x->ns, stable_name);
    if (!stable) {
        snprintf(err, n, "ingress.networking.k8s.io \"%s\" not found", stable_name);
        return -1;
    }
    cJSON *want = ro_nginx_canary_ingress(x, stable, weight, err, n);
    if (!want)
        return -1;
    const char *name = cj_str(want, "metadata.name");
    int rc = 0;
    const cJSON *cached = kube_informer_get(x->rc->ingresses, x->ns, name);
    if (cached) {
        rc = patch_canary(x, cached, want, weight, err, n);
    } else {
        cJSON_AddItemToArray(cJSON_AddArrayToObject(cj_get(want, "metadata"), "ownerReferences"), ro_owner_ref(x));
        ro_event(x, "Normal", "CreatingCanaryIngress", "Creating canary ingress `%s` with weight `%d`", name, weight);
        kube_status st;
        cJSON *out = kube_create(x->rc->client, &ro_ing_gvr, x->ns, want, &st);
        if (out) {
            cJSON_Delete(out);
        } else if (st.code == 409) {
            cJSON *have = kube_get(x->rc->client, &ro_ing_gvr, x->ns, name, &st);
            if (have)
                rc = patch_canary(x, have, want, weight, err, n);
            else {
                snprintf(err, n, "error retrieving canary ingress `%s`: %s", name, st.message);
                rc = -1;
            }
            cJSON_Delete(have);
        } else {
            snprintf(err, n, "error creating canary ingress `%s`: %s", name, st.message);
            rc = -1;
        }
    }
    cJSON_Delete(want);
    return rc;
}

int ro_nginx_set_weight(ro_ctx *x, int weight, char *err, size_t n)
{
    const cJSON *ng = nginx_spec(x);
    const char *single = cj_str(ng, "stableIngress");
    if (single && *single && set_weight_one(x, single, weight, err, n) < 0)
        return -1;
    const cJSON *s;
    cJSON_ArrayForEach(s, cj_get(ng, "stableIngresses"))
    {
        if (cJSON_IsString(s) && set_weight_one(x, s->valuestring, weight, err, n) < 0)
            return -1;
    }
    return 0;
}
