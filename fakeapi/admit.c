/* admit.c: what happens to an object on its way in: decoding the body, the shape checks a typed
 * decoder would make (400), validation (422), and the defaults a real server fills in. Custom
 * resources are decoded and validated with their CRD version's structural schema (schema.c):
 * unknown fields pruned, refused (?fieldValidation=Strict) or warned about (Warn, the default),
 * wrong values refused with every cause; a CRD's own schemas must be structural. */
#include "fakeapi/protobuf.h"
#include "fakeapi/internal.h"
#include "fakeapi/schema.h"

#include "common/podspec.h"
#include "common/yaml.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>



/* ---- validation ---- */

static bool dns_label(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
        return false;
    for (const char *p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
            return false;
    return true;
}

static bool dns_subdomain(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 253)
        return false;
    char *copy = strdup(s);
    bool ok = true;
    for (char *save = NULL, *t = strtok_r(copy, ".", &save); t && ok; t = strtok_r(NULL, ".", &save))
        ok = dns_label(t, 63);
    ok = ok && s[0] != '.' && s[n - 1] != '.' && !strstr(s, "..");
    free(copy);
    return ok;
}

/* Checks a name against the rule its kind uses; on failure writes the apiserver's detail. */
static bool valid_name(const fa_resource *res, const char *name, char *detail, size_t n)
{
    if (!strcmp(res->key, "namespaces")) {
        if (dns_label(name, 63))
            return true;
        snprintf(detail, n, "Invalid value: \"%s\": a lowercase RFC 1123 label must consist of lower case "
                 "alphanumeric characters or '-', and must start and end with an alphanumeric character "
                 "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')", name);
        return false;
    }
    if (!strcmp(res->key, "services")) {
        if (dns_label(name, 63) && isalpha((unsigned char)name[0]))
            return true;
        snprintf(detail, n, "Invalid value: \"%s\": a DNS-1035 label must consist of lower case alphanumeric "
                 "characters or '-', start with an alphabetic character, and end with an alphanumeric character "
                 "(e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')", name);
        return false;
    }
    if (dns_subdomain(name))
        return true;
    snprintf(detail, n, "Invalid value: \"%s\": a lowercase RFC 1123 subdomain must consist of lower case "
             "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
             "'example.com', regex used for validation is "
             "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", name);
    return false;
}

static bool label_value_ok(const char *v)
{
    size_t n = strlen(v);
    if (n == 0)
        return true;
    if (n > 63 || !isalnum((unsigned char)v[0]) || !isalnum((unsigned char)v[n - 1]))
        return false;
    for (const char *p = v; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
            return false;
    return true;
}

static bool label_key_ok(const char *k)
{
    const char *slash = strrchr(k, '/');
    const char *name = slash ? slash + 1 : k;
    if (slash) {
        char prefix[256];
        size_t n = (size_t)(slash - k);
        if (n == 0 || n >= sizeof prefix)
            return false;
        memcpy(prefix, k, n);
        prefix[n] = 0;
        if (!dns_subdomain(prefix))
            return false;
    }
    return *name && label_value_ok(name);
}

/* ---- custom resources: the structural schema ---- */

void fa_warn(fa_req *r, const char *text)
{
    co_buf b = {0};
    co_buf_adds(&b, "299 - \""); /* apimachinery net.NewWarningHeader: code, agent "-", quoted text */
    for (const char *p = text; *p; p++) {
        if (*p == '"' || *p == '\\')
            co_buf_addc(&b, '\\');
        co_buf_addc(&b, *p == '\n' ? ' ' : *p);
    }
    co_buf_addc(&b, '"');
    const char *w = co_buf_str(&b);
    size_t have = strlen(r->warnings), n = strlen(w);
    bool seen = false; /* the apiserver sends a warning once */
    for (const char *line = r->warnings; *line && !seen;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        seen = len == n && !strncmp(line, w, n);
        line += len + (nl ? 1 : 0);
    }
    if (!seen && have + n + 2 <= sizeof r->warnings) {
        if (have)
            r->warnings[have++] = '\n';
        memcpy(r->warnings + have, w, n + 1);
    }
    co_buf_free(&b);
}

/* 422 Invalid with every cause (apimachinery errors.NewInvalid): "<qualified kind> \"name\" is
 * invalid: <aggregate>", details {name, group, kind, causes}. group/kind "" for a GroupKind{}. */
static enum MHD_Result invalid_causes(fa_req *r, const char *group, const char *kind, const char *name,
                                      const fa_schema_result *res)
{
    co_buf m = {0};
    char *agg = fa_schema_aggregate(res);
    co_buf_printf(&m, "%s%s%s \"%s\" is invalid: %s", kind, *group ? "." : "", group, name ? name : "", agg);
    free(agg);
    cJSON *d = cJSON_CreateObject();
    if (name && *name)
        cJSON_AddStringToObject(d, "name", name);
    if (*group)
        cJSON_AddStringToObject(d, "group", group);
    if (*kind)
        cJSON_AddStringToObject(d, "kind", kind);
    cJSON *causes = cJSON_AddArrayToObject(d, "causes");
    for (size_t i = 0; i < res->nerrors; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "reason", res->errors[i].reason);
        cJSON_AddStringToObject(c, "message", res->errors[i].detail);
        cJSON_AddStringToObject(c, "field", res->errors[i].field);
        cJSON_AddItemToArray(causes, c);
    }
    cJSON *s = fa_status(422, "Invalid", co_buf_str(&m), d);
    co_buf_free(&m);
    enum MHD_Result ret = fa_reply_json(r, 422, s);
    cJSON_Delete(s);
    return ret;
}

/* 422 Invalid with one cause (field, reason and detail as given; detail is taken). */
static enum MHD_Result invalid_one(fa_req *r, const char *group, const char *kind, const char *field,
                                   const char *reason, char *detail)
{
    fa_schema_result one = {0};
    one.errors = calloc(1, sizeof *one.errors);
    if (!one.errors)
        abort();
    one.nerrors = one.errcap = 1;
    one.errors[0] = (fa_schema_error){strdup(field), reason, detail};
    enum MHD_Result ret = invalid_causes(r, group, kind, "", &one);
    fa_schema_result_free(&one);
    return ret;
}

/* A decoding failure: 400 "<Kind> in version ... cannot be handled as a <Kind>: <err>" for a
 * create or update; for a patch the apiserver decodes the patched object and answers 422 with
 * field "patch" and the patched JSON as the value (handlers/patch.go applyPatchToCurrentObject). */
static enum MHD_Result decode_failure(fa_req *r, const char *kind, const char *version, const cJSON *patched,
                                      const char *err)
{
    if (!strcmp(r->method, "PATCH")) {
        co_buf d = {0};
        char *json = patched ? fa_schema_go_json(patched) : NULL;
        char *q = fa_schema_go_quote(json ? json : "");
        co_buf_printf(&d, "Invalid value: %s: %s", q, err);
        free(q);
        free(json);
        return invalid_one(r, "", "", "patch", "FieldValueInvalid", co_buf_take(&d));
    }
    return fa_error(r, 400, "BadRequest", "%s in version \"%s\" cannot be handled as a %s: %s", kind, version, kind, err);
}

/* Decodes a custom resource with its version's schema (unknown fields: pruned, or an error with
 * fieldValidation=Strict, or warnings with Warn, the default). 0, or -1 with the response queued. */
static int decode_custom(fa_req *r, cJSON *obj, const char *directive, enum MHD_Result *ret)
{
    const fa_resource *res = r->res;
    bool report = strcmp(directive, "Ignore") != 0;
    /* a refused patch quotes the patched object as it was before pruning: kept, printed if needed */
    cJSON *before = report && !strcmp(r->method, "PATCH") ? cJSON_Duplicate(obj, 1) : NULL;
    const char *av = cj_str(obj, "apiVersion"), *slash = av ? strrchr(av, '/') : NULL;
    char version[128];
    snprintf(version, sizeof version, "%s", slash ? slash + 1 : res->version);
    fa_schema_result dec = {0};
    fa_schema_decode(res->schema, res->preserve_unknown, obj, &dec);
    int rc = 0;
    if (dec.decode_error) {
        *ret = decode_failure(r, res->kind, version, before, dec.decode_error);
        rc = -1;
    } else if (report && dec.nunknown) {
        co_buf e = {0};
        for (size_t i = 0; i < dec.nunknown; i++) {
            if (!strcmp(directive, "Warn")) {
                co_buf w = {0};
                co_buf_printf(&w, "unknown field \"%s\"", dec.unknown[i]);
                fa_warn(r, co_buf_str(&w));
                co_buf_free(&w);
            } else {
                co_buf_printf(&e, "%sunknown field \"%s\"", i ? ", " : "strict decoding error: ", dec.unknown[i]);
            }
        }
        if (e.len) {
            *ret = decode_failure(r, res->kind, version, before, co_buf_str(&e));
            rc = -1;
        }
        co_buf_free(&e);
    }
    cJSON_Delete(before);
    fa_schema_result_free(&dec);
    return rc;
}

/* Validates a custom resource against its schema and the scale subresource's rules (422). */
static int validate_custom(fa_req *r, const cJSON *obj, const char *name, enum MHD_Result *ret)
{
    const fa_resource *res = r->res;
    bool status_write = r->sub && !strcmp(r->sub, "status");
    fa_schema_part part = status_write ? FA_SCHEMA_STATUS_ONLY : res->has_status ? FA_SCHEMA_SKIP_STATUS : FA_SCHEMA_WHOLE;
    fa_schema_result v = {0};
    if (res->schema)
        fa_schema_validate(res->schema, obj, part, &v);
    if (res->has_scale) {
        /* the status paths are checked on the status the write leaves (a main-resource write keeps
         * the stored one, already checked when it was written) */
        bool status_paths = part != FA_SCHEMA_SKIP_STATUS;
        fa_schema_validate_scale(obj, status_write ? NULL : res->scale_spec, status_paths ? res->scale_status : NULL,
                                 status_paths ? res->scale_selector : NULL, &v);
    }
    if (res->schema)
        fa_schema_validate_embedded(res->schema, obj, part, &v);
    int rc = 0;
    if (v.nerrors) {
        *ret = invalid_causes(r, res->group, res->kind, name, &v);
        rc = -1;
    }
    fa_schema_result_free(&v);
    return rc;
}

/* A CRD's own schemas must be structural (the part of apiextensions' CRD validation that looks
 * at spec.versions[*].schema.openAPIV3Schema). */
static int validate_crd_schemas(fa_req *r, const cJSON *crd, const char *name, enum MHD_Result *ret)
{
    fa_schema_result v = {0};
    int i = 0;
    const cJSON *ver;
    cJSON_ArrayForEach(ver, cj_get(crd, "spec.versions"))
    {
        const cJSON *sch = cJSON_IsObject(ver) ? cJSON_GetObjectItemCaseSensitive(ver, "schema") : NULL;
        const cJSON *oa = cJSON_IsObject(sch) ? cJSON_GetObjectItemCaseSensitive(sch, "openAPIV3Schema") : NULL;
        char path[96];
        snprintf(path, sizeof path, "spec.versions[%d].schema.openAPIV3Schema", i++);
        if (oa && !v.decode_error)
            fa_schema_check_crd(oa, path, &v);
    }
    int rc = 0;
    if (v.decode_error) {
        *ret = decode_failure(r, "CustomResourceDefinition", "v1", NULL, v.decode_error);
        rc = -1;
    } else if (v.nerrors) {
        *ret = invalid_causes(r, "apiextensions.k8s.io", "CustomResourceDefinition", name, &v);
        rc = -1;
    }
    fa_schema_result_free(&v);
    return rc;
}

/* Shape checks a typed decoder would make (400), then value checks (422). Returns 0 when the
 * object is acceptable; otherwise the error response has been queued in *ret. */
int fa_validate(fa_req *r, cJSON *obj, enum MHD_Result *ret)
{
    const fa_resource *res = r->res;
    char gv[256], detail[1024];
    fa_gv(res, gv, sizeof gv);
    const char *av = cj_str(obj, "apiVersion"), *kind = cj_str(obj, "kind");
    if (av && strcmp(av, gv) && !(fa_registry_find_kind(r->f->reg, av, res->kind) &&
                                 !strcmp(fa_registry_find_kind(r->f->reg, av, res->kind)->key, res->key))) {
        *ret = fa_error(r, 400, "BadRequest", "the API version in the data (%s) does not match the expected API version (%s)",
                        av, gv);
        return -1;
    }
    if (kind && strcmp(kind, res->kind)) {
        *ret = fa_error(r, 400, "BadRequest", "the kind in the data (%s) does not match the expected kind (%s)",
                        kind, res->kind);
        return -1;
    }
    /* apiVersion and kind first, as every Kubernetes object prints */
    cJSON *apiversion = cJSON_CreateString(av ? av : gv); /* av dies with the old member */
    cj_set_first(obj, "kind", cJSON_CreateString(res->kind));
    cj_set_first(obj, "apiVersion", apiversion);

    /* ?fieldValidation: Strict, Warn (the default since it went GA) or Ignore */
    const char *directive = fa_arg(r, "fieldValidation");
    if (directive && *directive && strcmp(directive, "Ignore") && strcmp(directive, "Warn") &&
        strcmp(directive, "Strict")) {
        co_buf d = {0};
        char *q = fa_schema_go_quote(directive);
        co_buf_printf(&d, "Unsupported value: %s: supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"", q);
        free(q);
        const char *opts = !strcmp(r->method, "POST") ? "CreateOptions" : !strcmp(r->method, "PUT") ? "UpdateOptions"
                                                                                                     : "PatchOptions";
        *ret = invalid_one(r, "meta.k8s.io", opts, "fieldValidation", "FieldValueNotSupported", co_buf_take(&d));
        return -1;
    }
    if (!directive || !*directive)
        directive = "Warn";
    /* a custom resource with a schema: spec and status are checked by the schema (422), not by
     * a typed decoder */
    bool schema_checked = !res->builtin && res->schema;

    static const struct { const char *path; int type; const char *go; } shapes[] = {
        {"metadata", cJSON_Object, "v1.ObjectMeta"},
        {"metadata.name", cJSON_String, "string"},
        {"metadata.generateName", cJSON_String, "string"},
        {"metadata.namespace", cJSON_String, "string"},
        {"metadata.resourceVersion", cJSON_String, "string"},
        {"metadata.labels", cJSON_Object, "map[string]string"},
        {"metadata.annotations", cJSON_Object, "map[string]string"},
        {"metadata.finalizers", cJSON_Array, "[]string"},
        {"metadata.ownerReferences", cJSON_Array, "[]v1.OwnerReference"},
        {"spec", cJSON_Object, "spec"},
        {"spec.replicas", cJSON_Number, "int32"},
        {"status", cJSON_Object, "status"},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        if (schema_checked && strncmp(shapes[i].path, "metadata", 8))
            continue;
        cJSON *v = cj_get(obj, shapes[i].path);
        if (v && !cJSON_IsNull(v) && !(v->type & shapes[i].type)) {
            *ret = fa_error(r, 400, "BadRequest",
                            "%s in version \"%s\" cannot be handled as a %s: json: cannot unmarshal %s into Go "
                            "struct field %s.%s of type %s",
                            res->kind, res->version, res->kind, cj_go_type(v), res->kind, shapes[i].path, shapes[i].go);
            return -1;
        }
    }
    const char *maps[] = {"metadata.labels", "metadata.annotations", "metadata.finalizers"};
    for (int m = 0; m < 3; m++) {
        const cJSON *e;
        cJSON_ArrayForEach(e, cj_get(obj, maps[m]))
        {
            if (!cJSON_IsString(e)) {
                *ret = fa_error(r, 400, "BadRequest",
                                "%s in version \"%s\" cannot be handled as a %s: json: cannot unmarshal %s into Go "
                                "struct field %s.%s of type string",
                                res->kind, res->version, res->kind, cj_go_type(e), res->kind, maps[m]);
                return -1;
            }
        }
    }
    if (!res->builtin && decode_custom(r, obj, directive, ret) != 0)
        return -1;
    const char *name = cj_str(obj, "metadata.name");
    if (name && !valid_name(res, name, detail, sizeof detail)) {
        *ret = fa_invalid(r, name, "metadata.name", "FieldValueInvalid", detail);
        return -1;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, cj_get(obj, "metadata.labels"))
    {
        if (!label_key_ok(e->string) || !label_value_ok(e->valuestring)) {
            snprintf(detail, sizeof detail,
                     "Invalid value: \"%s\": a valid label must be an empty string or consist of alphanumeric "
                     "characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                     label_key_ok(e->string) ? e->valuestring : e->string);
            *ret = fa_invalid(r, name, "metadata.labels", "FieldValueInvalid", detail);
            return -1;
        }
    }
    /* owner references: the garbage collector acts on them, so they must be whole
     * (apimachinery validation.ValidateOwnerReferences) */
    int controllers = 0;
    cJSON_ArrayForEach(e, cj_get(obj, "metadata.ownerReferences"))
    {
        static const char *const required[][2] = {{"apiVersion", "version must not be empty"},
                                                  {"kind", "kind must not be empty"},
                                                  {"name", "name must not be empty"},
                                                  {"uid", "uid must not be empty"}};
        for (int k = 0; k < 4; k++) {
            const char *v = cJSON_IsObject(e) ? cj_str(e, required[k][0]) : NULL;
            if (!v || !*v) {
                char field[64];
                snprintf(field, sizeof field, "metadata.ownerReferences.%s", required[k][0]);
                snprintf(detail, sizeof detail, "Invalid value: \"\": %s", required[k][1]);
                *ret = fa_invalid(r, name, field, "FieldValueInvalid", detail);
                return -1;
            }
        }
        controllers += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "controller"));
    }
    if (controllers > 1) {
        *ret = fa_invalid(r, name, "metadata.ownerReferences", "FieldValueInvalid",
                          "Invalid value: []v1.OwnerReference: Only one reference can have Controller set to true");
        return -1;
    }
    if (!strcmp(res->key, "pods") && !cJSON_IsArray(cj_get(obj, "spec.containers"))) {
        *ret = fa_invalid(r, name, "spec.containers", "FieldValueRequired", "Required value");
        return -1;
    }
    if (!res->builtin && validate_custom(r, obj, name ? name : (r->name ? r->name : ""), ret) != 0)
        return -1;
    if (!strcmp(res->key, "customresourcedefinitions.apiextensions.k8s.io") && !(r->sub && !strcmp(r->sub, "status")) &&
        validate_crd_schemas(r, obj, name ? name : "", ret) != 0)
        return -1;
    return 0;
}

/* Parses the request body as the object of a create or update (JSON or YAML). */
cJSON *fa_parse_object(fa_req *r, enum MHD_Result *ret)
{
    char ct[128];
    fa_content_type(r, ct, sizeof ct);
    cJSON *obj = NULL;
    char err[512] = "";
    if (!strcmp(ct, "application/json") || !strcmp(ct, "*/*")) {
        obj = r->body.len ? cj_parse(r->body.data, r->body.len) : NULL;
        if (!obj)
            snprintf(err, sizeof err, "json parse error: invalid JSON%s", r->body.len ? "" : " (empty body)");
    } else if (!strcmp(ct, "application/yaml")) {
        obj = yaml_parse_one(r->body.data ? r->body.data : "", r->body.len, err, sizeof err);
    } else if (!strcmp(ct, "application/vnd.kubernetes.protobuf")) {
        enum fa_pb_result pr = fa_pb_decode(r->body.data, r->body.len, &obj, err, sizeof err);
        if (pr == FA_PB_UNSUPPORTED) {
            *ret = fa_error(r, 415, "UnsupportedMediaType", "%s", err);
            return NULL;
        }
    } else {
        *ret = fa_error(r, 415, "UnsupportedMediaType", FA_UNKNOWN_FORMAT);
        return NULL;
    }
    if (!obj) {
        *ret = fa_error(r, 400, "BadRequest", "couldn't get version/kind; %s", err);
        return NULL;
    }
    if (!cJSON_IsObject(obj)) {
        *ret = fa_error(r, 400, "BadRequest", "couldn't get version/kind; json parse error: json: cannot unmarshal %s "
                        "into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind "
                        "string \"json:\\\"kind,omitempty\\\"\" }", cj_go_type(obj));
        cJSON_Delete(obj);
        return NULL;
    }
    return obj;
}


/* ---- defaults a real server applies on create ---- */

static void set_default(cJSON *o, const char *key, cJSON *v)
{
    if (!cJSON_GetObjectItemCaseSensitive(o, key))
        cJSON_AddItemToObject(o, key, v);
    else
        cJSON_Delete(v);
}

void fa_defaults(fakeapi *f, const fa_resource *res, cJSON *obj)
{
    cJSON *meta = cj_obj(obj, "metadata");
    const char *k = res->key;
    if (!strcmp(k, "namespaces")) {
        cJSON *labels = cj_obj(meta, "labels");
        cj_set_str(labels, "kubernetes.io/metadata.name", cj_str(meta, "name"));
        cJSON *fins = cJSON_CreateArray();
        cJSON_AddItemToArray(fins, cJSON_CreateString("kubernetes"));
        cj_set(cj_obj(obj, "spec"), "finalizers", fins);
        cJSON *st = cJSON_CreateObject();
        cJSON_AddStringToObject(st, "phase", "Active");
        cj_set(obj, "status", st);
    } else if (!strcmp(k, "pods")) {
        cJSON *spec = cj_obj(obj, "spec");
        co_pod_spec_defaults(spec);
        set_default(spec, "serviceAccountName", cJSON_CreateString("default"));
        cJSON *st = cJSON_CreateObject();
        cJSON_AddStringToObject(st, "phase", "Pending");
        cJSON_AddStringToObject(st, "qosClass", "BestEffort");
        cj_set(obj, "status", st);
    } else if (!strcmp(k, "services")) {
        cJSON *spec = cj_obj(obj, "spec");
        set_default(spec, "type", cJSON_CreateString("ClusterIP"));
        set_default(spec, "sessionAffinity", cJSON_CreateString("None"));
        const char *type = cj_str(spec, "type");
        if (!cJSON_GetObjectItemCaseSensitive(spec, "clusterIP") && type && strcmp(type, "ExternalName")) {
            uint32_t ip = f->next_ip++;
            char buf[20];
            snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
            cj_set_str(spec, "clusterIP", buf);
            cJSON *ips = cJSON_CreateArray();
            cJSON_AddItemToArray(ips, cJSON_CreateString(buf));
            cj_set(spec, "clusterIPs", ips);
        }
        if (type && strcmp(type, "ExternalName")) { /* a single-stack IPv4 cluster, as kind's */
            cJSON *fams = cJSON_CreateArray();
            cJSON_AddItemToArray(fams, cJSON_CreateString("IPv4"));
            set_default(spec, "ipFamilies", fams);
            set_default(spec, "ipFamilyPolicy", cJSON_CreateString("SingleStack"));
            set_default(spec, "internalTrafficPolicy", cJSON_CreateString("Cluster"));
        }
        bool node_port = type && (!strcmp(type, "NodePort") || !strcmp(type, "LoadBalancer"));
        int port_index = 0;
        cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(spec, "ports"))
        {
            if (!cJSON_IsObject(p))
                continue;
            set_default(p, "protocol", cJSON_CreateString("TCP"));
            cJSON *port = cJSON_GetObjectItemCaseSensitive(p, "port");
            if (port)
                set_default(p, "targetPort", cJSON_Duplicate(port, 1));
            if (node_port)
                set_default(p, "nodePort", cJSON_CreateNumber(30000 + (double)((f->next_ip * 7 + port_index) % 2768)));
            port_index++;
        }
        cJSON *st = cJSON_CreateObject();
        cJSON_AddObjectToObject(st, "loadBalancer");
        cj_set(obj, "status", st);
    } else if (!strcmp(k, "secrets")) {
        set_default(obj, "type", cJSON_CreateString("Opaque"));
    } else if (!strcmp(k, "deployments.apps")) {
        cJSON *spec = cj_obj(obj, "spec");
        set_default(spec, "replicas", cJSON_CreateNumber(1));
        set_default(spec, "revisionHistoryLimit", cJSON_CreateNumber(10));
        set_default(spec, "progressDeadlineSeconds", cJSON_CreateNumber(600));
        cJSON *strategy = cj_obj(spec, "strategy"); /* SetDefaults_Deployment: "strategy": {} too */
        set_default(strategy, "type", cJSON_CreateString("RollingUpdate"));
        if (cj_streq(cj_str(strategy, "type"), "RollingUpdate")) {
            cJSON *ru = cj_obj(strategy, "rollingUpdate");
            set_default(ru, "maxSurge", cJSON_CreateString("25%"));
            set_default(ru, "maxUnavailable", cJSON_CreateString("25%"));
        }
        cJSON *tspec = cj_get(obj, "spec.template.spec");
        if (cJSON_IsObject(tspec))
            co_pod_spec_defaults(tspec);
    } else if (!strcmp(k, "replicasets.apps") || !strcmp(k, "statefulsets.apps")) {
        cJSON *spec = cj_obj(obj, "spec");
        set_default(spec, "replicas", cJSON_CreateNumber(1));
        cJSON *tspec = cj_get(obj, "spec.template.spec");
        if (cJSON_IsObject(tspec))
            co_pod_spec_defaults(tspec);
    }
}

/* The status the API server itself reports for a CRD once its names are accepted. */
void fa_crd_status(fakeapi *f, cJSON *crd)
{
    char ts[32];
    fa_now(f, ts);
    cJSON *st = cJSON_CreateObject();
    cJSON *conds = cJSON_AddArrayToObject(st, "conditions");
    const char *types[][3] = {{"NamesAccepted", "NoConflicts", "no conflicts found"},
                              {"Established", "InitialNamesAccepted", "the initial names have been accepted"}};
    for (int i = 0; i < 2; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "type", types[i][0]);
        cJSON_AddStringToObject(c, "status", "True");
        cJSON_AddStringToObject(c, "lastTransitionTime", ts);
        cJSON_AddStringToObject(c, "reason", types[i][1]);
        cJSON_AddStringToObject(c, "message", types[i][2]);
        cJSON_AddItemToArray(conds, c);
    }
    cJSON *names = cj_get(crd, "spec.names");
    cJSON_AddItemToObject(st, "acceptedNames", names ? cJSON_Duplicate(names, 1) : cJSON_CreateObject());
    cJSON *stored = cJSON_AddArrayToObject(st, "storedVersions");
    const cJSON *v;
    cJSON_ArrayForEach(v, cj_get(crd, "spec.versions")) if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "storage")))
        cJSON_AddItemToArray(stored, cJSON_CreateString(cj_str(v, "name")));
    cj_set(crd, "status", st);
}
