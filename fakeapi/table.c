/* table.c: server-side printing, what `kubectl get` shows.
 *
 * kubectl asks for a meta.k8s.io Table in its Accept header and prints the cells the server
 * computed; only the choice of columns (-o wide shows priority 1), the LABELS column and the
 * kind prefix are its own. So the columns, their order and every cell's text are the server's,
 * and they are what this file reproduces:
 *
 *   - built-in kinds: the kube-apiserver 1.32 printers (pkg/printers/internalversion), one row of
 *     the `printers` table per resource: its column definitions and a function computing the cells.
 *     The apiserver always prints wide, so priority 1 cells are always there.
 *   - custom resources: the CRD version's additionalPrinterColumns, a JSONPath each, typed as the
 *     apiextensions-apiserver's tableconvertor types them (date columns become ages); without
 *     any, its default Age column.
 *   - any other kind (Roles, CRDs themselves): the generic convertor's Name and Created At.
 *
 * Ages are measured on the server's clock (virtual time in scenarios). Negotiation follows the
 * apiserver's: the Accept clauses in quality order, the first one this endpoint can serve wins. */
#include "fakeapi/table.h"
#include "fakeapi/schema.h"
#include "fakeapi/selector.h"

#include "common/buf.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- negotiation ---- */

typedef struct {
    char type[64], subtype[128];
    char as[64], group[64], version[16];
    bool convert; /* as, g or v given: a conversion is asked for */
    bool stream;  /* a stream parameter other than watch */
    double q;
} clause;

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    size_t i = 0;
    while (isspace((unsigned char)s[i]))
        i++;
    memmove(s, s + i, n - i + 1);
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* One clause, "type/subtype;k=v;...". Returns false for a clause goautoneg drops (no slash). */
static bool parse_clause(char *part, clause *c)
{
    memset(c, 0, sizeof *c);
    c->q = 1;
    char *save = NULL;
    char *mt = strtok_r(part, ";", &save);
    if (!mt)
        return false;
    trim(mt);
    lower(mt);
    char *slash = strchr(mt, '/');
    if (slash) {
        *slash = 0;
        snprintf(c->type, sizeof c->type, "%s", mt);
        snprintf(c->subtype, sizeof c->subtype, "%s", slash + 1);
    } else if (!strcmp(mt, "*")) {
        strcpy(c->type, "*");
        strcpy(c->subtype, "*");
    } else {
        return false;
    }
    for (char *p = strtok_r(NULL, ";", &save); p; p = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(p, '=');
        char *v = eq ? eq + 1 : (char *)"";
        if (eq)
            *eq = 0;
        trim(p);
        trim(v);
        if (!strcmp(p, "q"))
            c->q = atof(v);
        else if (!strcmp(p, "as"))
            snprintf(c->as, sizeof c->as, "%s", v), c->convert = true;
        else if (!strcmp(p, "g"))
            snprintf(c->group, sizeof c->group, "%s", v), c->convert = true;
        else if (!strcmp(p, "v"))
            snprintf(c->version, sizeof c->version, "%s", v), c->convert = true;
        else if (!strcmp(p, "stream") && *v && strcmp(v, "watch"))
            c->stream = true;
    }
    return true;
}

/* goautoneg's ordering: by quality, then concrete types before wildcards. */
static bool clause_less(const clause *a, const clause *b)
{
    if (a->q > b->q)
        return true;
    if (strcmp(a->type, "*") && !strcmp(b->type, "*"))
        return true;
    return strcmp(a->subtype, "*") && !strcmp(b->subtype, "*");
}

/* The media types the apiserver serves, in its order; only the first two can carry a Table. */
static const char *const served_types[][2] = {
    {"application", "json"}, {"application", "yaml"}, {"application", "vnd.kubernetes.protobuf"}};
#define NOT_ACCEPTABLE_MSG                                                                                             \
    "only the following media types are accepted: application/json, application/yaml, "                               \
    "application/vnd.kubernetes.protobuf"

/* RequestScope.AllowsMediaTypeTransform plus the stream check: can this endpoint answer clause c
 * in served type i? Fills out when it can. */
static bool acceptable(const clause *c, int i, fa_output *out)
{
    if (c->stream && i == 1) /* YAML has no stream serializer */
        return false;
    if (!c->convert) {
        out->as = FA_AS_OBJECT;
        return true;
    }
    if (strcmp(c->group, "meta.k8s.io") || (strcmp(c->version, "v1") && strcmp(c->version, "v1beta1")))
        return false;
    if (!strcmp(c->as, "Table")) {
        if (i > 1) /* Tables come in JSON or YAML, never protobuf */
            return false;
        out->as = FA_AS_TABLE;
    } else if (!strcmp(c->as, "PartialObjectMetadata")) {
        out->as = FA_AS_PARTIAL;
    } else if (!strcmp(c->as, "PartialObjectMetadataList")) {
        out->as = FA_AS_PARTIAL_LIST;
    } else {
        return false;
    }
    strcpy(out->version, strcmp(c->version, "v1") ? "v1beta1" : "v1");
    return true;
}

int fa_output_accept(const char *accept, fa_output *out)
{
    memset(out, 0, sizeof *out);
    strcpy(out->version, "v1");
    if (!accept || !*accept)
        return 0;
    char *copy = strdup(accept);
    clause cs[32];
    int n = 0;
    bool asked_conversion = false;
    char *save = NULL;
    for (char *part = strtok_r(copy, ",", &save); part && n < 32; part = strtok_r(NULL, ",", &save)) {
        if (parse_clause(part, &cs[n])) {
            asked_conversion |= cs[n].convert;
            n++;
        }
    }
    free(copy);
    /* Go's sort.Sort of a short slice is this insertion sort, with goautoneg's (not quite
     * consistent) ordering: the same order as the apiserver, whatever the ordering's quirks */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && clause_less(&cs[j], &cs[j - 1]); j--) {
            clause t = cs[j];
            cs[j] = cs[j - 1];
            cs[j - 1] = t;
        }
    for (int k = 0; k < n; k++) {
        const clause *c = &cs[k];
        for (int i = 0; i < 3; i++) {
            bool match = (!strcmp(c->type, served_types[i][0]) &&
                          (!strcmp(c->subtype, served_types[i][1]) || !strcmp(c->subtype, "*"))) ||
                         (!strcmp(c->type, "*") && !strcmp(c->subtype, "*"));
            if (match && acceptable(c, i, out))
                return 0;
        }
    }
    /* Nothing acceptable. The apiserver answers 406 to that; this server has always answered
     * JSON to media types it does not know, and keeps doing so unless a conversion was asked. */
    out->as = FA_AS_OBJECT;
    return asked_conversion ? -1 : 0;
}

int fa_output_negotiate(fa_req *r, fa_output *out, enum MHD_Result *ret)
{
    const char *accept = r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept") : NULL;
    if (fa_output_accept(accept, out) == 0)
        return 0;
    *ret = fa_error(r, 406, "NotAcceptable", NOT_ACCEPTABLE_MSG);
    return -1;
}

int fa_output_options(fa_req *r, fa_output *o, enum MHD_Result *ret)
{
    const char *inc = fa_arg(r, "includeObject");
    if (!inc || !*inc || !strcmp(inc, "Metadata"))
        o->include = FA_INCLUDE_METADATA;
    else if (!strcmp(inc, "None"))
        o->include = FA_INCLUDE_NONE;
    else if (!strcmp(inc, "Object"))
        o->include = FA_INCLUDE_OBJECT;
    else {
        *ret = fa_error(r, 400, "BadRequest",
                        "Unable to convert to Table as requested: includeObject: Invalid value: \"%s\": must be "
                        "'Metadata', 'Object', 'None', or empty", inc);
        return -1;
    }
    return 0;
}

/* ---- time ---- */

#define TS_ZERO INT64_MIN /* Go's zero time: a missing, null or empty timestamp */

static int64_t ts_of(const cJSON *o, const char *path)
{
    const char *s = cj_str(o, path);
    int64_t ms;
    return s && *s && co_time_parse(s, &ms) == 0 ? ms : TS_ZERO;
}

/* ---- rows and cells ---- */

typedef struct {
    int64_t now;
    cJSON *cells;
    cJSON *conditions; /* the row's conditions, or NULL */
} row;

static void cell_str(row *r, const char *s) { cJSON_AddItemToArray(r->cells, cJSON_CreateString(s ? s : "")); }
static void cell_int(row *r, long long n) { cJSON_AddItemToArray(r->cells, cJSON_CreateNumber((double)n)); }
static void cell_bool(row *r, bool b) { cJSON_AddItemToArray(r->cells, cJSON_CreateBool(b)); }
static void cell_null(row *r) { cJSON_AddItemToArray(r->cells, cJSON_CreateNull()); }

static void __attribute__((format(printf, 2, 3))) cell_fmt(row *r, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *buf = malloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(buf, n > 0 ? (size_t)n + 1 : 1, fmt, again);
    va_end(again);
    cell_str(r, buf);
    free(buf);
}

/* Takes the buffer's text (an empty string when nothing was added). */
static void cell_buf(row *r, co_buf *b)
{
    cell_str(r, co_buf_str(b));
    co_buf_free(b);
}

/* translateTimestampSince: the age of a timestamp, "<unknown>" for none. */
static char *since(const row *r, int64_t t, char buf[32])
{
    if (t == TS_ZERO)
        snprintf(buf, 32, "<unknown>");
    else
        co_human_duration(r->now - t, buf, 32);
    return buf;
}

static void cell_since(row *r, const cJSON *o, const char *path)
{
    char buf[32];
    cell_str(r, since(r, ts_of(o, path), buf));
}

static void cell_age(row *r, const cJSON *o) { cell_since(r, o, "metadata.creationTimestamp"); }

static void cell_name(row *r, const cJSON *o) { cell_str(r, cj_str0(o, "metadata.name")); }

static int count(const cJSON *o, const char *path) { return cJSON_GetArraySize(cj_get(o, path)); }

static long long num(const cJSON *o, const char *path, long long def)
{
    const cJSON *v = cj_get(o, path);
    return cJSON_IsNumber(v) ? (long long)v->valuedouble : def;
}

static bool is_true(const cJSON *o, const char *path) { return cJSON_IsTrue(cj_get(o, path)); }

/* A resource.Quantity or IntOrString as text. */
static const char *scalar_text(const cJSON *v, char *buf, size_t n)
{
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsNumber(v)) {
        if (v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 9e18)
            snprintf(buf, n, "%lld", (long long)v->valuedouble);
        else
            snprintf(buf, n, "%g", v->valuedouble);
        return buf;
    }
    return NULL;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Appends strings joined by sep. */
static void join(co_buf *b, char **items, size_t n, const char *sep)
{
    for (size_t i = 0; i < n; i++)
        co_buf_printf(b, "%s%s", i ? sep : "", items[i]);
}

static void free_strs(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

/* labels.FormatLabels: "k=v" sorted, comma-separated; "<none>" for none. */
static void format_labels(co_buf *b, const cJSON *map)
{
    size_t n = 0, cap = (size_t)cJSON_GetArraySize(map);
    char **items = calloc(cap + 1, sizeof *items);
    const cJSON *kv;
    cJSON_ArrayForEach(kv, map)
    {
        if (!cJSON_IsString(kv) || !kv->string || n == cap)
            continue;
        size_t len = strlen(kv->string) + strlen(kv->valuestring) + 2;
        items[n] = malloc(len);
        snprintf(items[n++], len, "%s=%s", kv->string, kv->valuestring);
    }
    qsort(items, n, sizeof *items, cmp_str);
    if (n)
        join(b, items, n, ",");
    else
        co_buf_adds(b, "<none>");
    free_strs(items, n);
}

static void cell_labels(row *r, const cJSON *map)
{
    co_buf b = {0};
    format_labels(&b, map);
    cell_buf(r, &b);
}

/* metav1.FormatLabelSelector: "<none>" when it selects everything or nothing, "<error>" when bad. */
static void cell_selector(row *r, const cJSON *sel)
{
    co_buf b = {0};
    if (labelsel_format(&b, sel) != 0) {
        co_buf_free(&b);
        cell_str(r, "<error>");
        return;
    }
    if (b.len == 0)
        co_buf_adds(&b, "<none>");
    cell_buf(r, &b);
}

/* layoutContainerCells: the containers' names, then their images, comma-separated. */
static void cells_containers(row *r, const cJSON *pod_spec)
{
    co_buf names = {0}, images = {0};
    const cJSON *c;
    int i = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(pod_spec, "containers"))
    {
        co_buf_printf(&names, "%s%s", i ? "," : "", cj_str0(c, "name"));
        co_buf_printf(&images, "%s%s", i ? "," : "", cj_str0(c, "image"));
        i++;
    }
    cell_buf(r, &names);
    cell_buf(r, &images);
}

/* A load balancer status: the ingress points' IPs (or hostnames), sorted, unique. The apiserver
 * prints wide, so it never clips them to 16 characters. */
static void load_balancer(co_buf *b, const cJSON *ingress)
{
    size_t cap = (size_t)cJSON_GetArraySize(ingress), n = 0;
    char **items = calloc(cap + 1, sizeof *items);
    const cJSON *i;
    cJSON_ArrayForEach(i, ingress)
    {
        const char *ip = cj_str0(i, "ip"), *host = cj_str0(i, "hostname");
        const char *v = *ip ? ip : *host ? host : NULL;
        bool dup = false;
        for (size_t k = 0; v && k < n; k++)
            dup |= !strcmp(items[k], v);
        if (v && !dup && n < cap)
            items[n++] = strdup(v);
    }
    qsort(items, n, sizeof *items, cmp_str);
    join(b, items, n, ",");
    free_strs(items, n);
}

/* ---- the printers of built-in kinds ---- */

typedef struct {
    const char *name, *type, *format, *description;
    int priority; /* 1: shown by -o wide only */
} column;

typedef void (*row_fn)(row *r, const cJSON *o);

typedef struct {
    const char *key; /* the resource's storage key */
    const column *columns;
    row_fn cells;
} printer;

#define D_NAME                                                                                                         \
    "Name must be unique within a namespace. Is required when creating resources, although some resources may "      \
    "allow a client to request the generation of an appropriate name automatically. Name is primarily intended for " \
    "creation idempotence and configuration definition. Cannot be updated. More info: "                              \
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
#define D_AGE                                                                                                          \
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not "          \
    "guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It "   \
    "is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More "      \
    "info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
#define D_CONTAINERS "Names of each container in the template."
#define D_IMAGES "Images referenced by each container in the template."

#define NAME_COL {"Name", "string", "name", D_NAME, 0}
#define AGE_COL {"Age", "string", "", D_AGE, 0}
#define STR(n, d) {n, "string", "", d, 0}
#define INT(n, d) {n, "integer", "", d, 0}
#define WIDE(n, d) {n, "string", "", d, 1}
#define END {NULL, NULL, NULL, NULL, 0}

/* -- pods -- */

static const column pod_columns[] = {
    NAME_COL,
    STR("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    STR("Status", "The aggregate status of the containers in this pod."),
    STR("Restarts", "The number of times the containers in this pod have been restarted and when the last "
                    "container in this pod has restarted."),
    AGE_COL,
    WIDE("IP", "IP address allocated to the pod. Routable at least within the cluster."),
    WIDE("Node", "NodeName indicates in which node this pod is scheduled."),
    WIDE("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node."),
    WIDE("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness."),
    END};

static bool has_condition(const cJSON *conds, const char *type, bool first_only)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, conds)
    {
        if (!cj_streq(cj_str(c, "type"), type))
            continue;
        if (cj_streq(cj_str(c, "status"), "True"))
            return true;
        if (first_only)
            return false;
    }
    return false;
}

static bool restartable_init(const cJSON *pod, const char *name)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cj_get(pod, "spec.initContainers"))
    {
        if (cj_streq(cj_str(c, "name"), name))
            return cj_streq(cj_str(c, "restartPolicy"), "Always");
    }
    return false;
}

static void later(int64_t *last, const cJSON *cs)
{
    int64_t t = ts_of(cs, "lastState.terminated.finishedAt");
    if (t != TS_ZERO && (*last == TS_ZERO || *last < t))
        *last = t;
}

/* printPod: READY counts ready containers, STATUS is the most telling reason (an init
 * container's, a waiting or terminated container's, Terminating for a pod being deleted) */
static void pod_row(row *r, const cJSON *pod)
{
    const cJSON *st = cj_get(pod, "status");
    const cJSON *conds = cj_get(st, "conditions");
    int restarts = 0, init_restarts = 0, ready = 0;
    int total = count(pod, "spec.containers");
    int64_t last = TS_ZERO, init_last = TS_ZERO;
    const char *phase = cj_str0(st, "phase");
    char reason[256];
    snprintf(reason, sizeof reason, "%s", *cj_str0(st, "reason") ? cj_str0(st, "reason") : phase);
    const cJSON *c;
    cJSON_ArrayForEach(c, conds)
    {
        if (cj_streq(cj_str(c, "type"), "PodScheduled") && cj_streq(cj_str(c, "reason"), "SchedulingGated"))
            snprintf(reason, sizeof reason, "SchedulingGated");
    }
    if (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")) {
        bool ok = !strcmp(phase, "Succeeded");
        r->conditions = cJSON_CreateArray();
        cJSON *rc = cJSON_CreateObject();
        cJSON_AddStringToObject(rc, "type", "Completed");
        cJSON_AddStringToObject(rc, "status", "True");
        cJSON_AddStringToObject(rc, "reason", phase);
        cJSON_AddStringToObject(rc, "message", ok ? "The pod has completed successfully." : "The pod failed.");
        cJSON_AddItemToArray(r->conditions, rc);
    }
    cJSON_ArrayForEach(c, cj_get(pod, "spec.initContainers")) total += cj_streq(cj_str(c, "restartPolicy"), "Always");

    bool initializing = false;
    int i = 0, ninit = count(pod, "spec.initContainers");
    cJSON_ArrayForEach(c, cj_get(st, "initContainerStatuses"))
    {
        int rc = (int)num(c, "restartCount", 0);
        bool restartable = restartable_init(pod, cj_str0(c, "name"));
        restarts += rc;
        later(&last, c);
        if (restartable) {
            init_restarts += rc;
            later(&init_last, c);
        }
        const cJSON *term = cj_get(c, "state.terminated");
        const char *wait_reason = cj_str0(c, "state.waiting.reason");
        if (term && num(term, "exitCode", 0) == 0) {
            i++;
            continue;
        }
        if (restartable && is_true(c, "started")) {
            ready += is_true(c, "ready");
            i++;
            continue;
        }
        if (term) {
            if (*cj_str0(term, "reason"))
                snprintf(reason, sizeof reason, "Init:%s", cj_str0(term, "reason"));
            else if (num(term, "signal", 0))
                snprintf(reason, sizeof reason, "Init:Signal:%lld", num(term, "signal", 0));
            else
                snprintf(reason, sizeof reason, "Init:ExitCode:%lld", num(term, "exitCode", 0));
        } else if (*wait_reason && strcmp(wait_reason, "PodInitializing")) {
            snprintf(reason, sizeof reason, "Init:%s", wait_reason);
        } else {
            snprintf(reason, sizeof reason, "Init:%d/%d", i, ninit);
        }
        initializing = true;
        break;
    }

    if (!initializing || has_condition(conds, "Initialized", true)) {
        restarts = init_restarts;
        last = init_last;
        bool running = false;
        const cJSON *statuses = cj_get(st, "containerStatuses");
        for (int k = cJSON_GetArraySize(statuses) - 1; k >= 0; k--) {
            const cJSON *cs = cJSON_GetArrayItem(statuses, k);
            const cJSON *term = cj_get(cs, "state.terminated");
            restarts += (int)num(cs, "restartCount", 0);
            later(&last, cs);
            if (*cj_str0(cs, "state.waiting.reason"))
                snprintf(reason, sizeof reason, "%s", cj_str0(cs, "state.waiting.reason"));
            else if (term && *cj_str0(term, "reason"))
                snprintf(reason, sizeof reason, "%s", cj_str0(term, "reason"));
            else if (term && num(term, "signal", 0))
                snprintf(reason, sizeof reason, "Signal:%lld", num(term, "signal", 0));
            else if (term)
                snprintf(reason, sizeof reason, "ExitCode:%lld", num(term, "exitCode", 0));
            else if (is_true(cs, "ready") && cj_get(cs, "state.running")) {
                running = true;
                ready++;
            }
        }
        /* a pod whose containers completed but one still runs is not Completed */
        if (!strcmp(reason, "Completed") && running)
            snprintf(reason, sizeof reason, "%s", has_condition(conds, "Ready", false) ? "Running" : "NotReady");
    }
    if (fa_deleting(pod) && cj_streq(cj_str(st, "reason"), "NodeLost"))
        snprintf(reason, sizeof reason, "Unknown");
    else if (fa_deleting(pod) && strcmp(phase, "Succeeded") && strcmp(phase, "Failed"))
        snprintf(reason, sizeof reason, "Terminating");

    cell_name(r, pod);
    cell_fmt(r, "%d/%d", ready, total);
    cell_str(r, reason);
    char ago[32];
    if (restarts != 0 && last != TS_ZERO)
        cell_fmt(r, "%d (%s ago)", restarts, since(r, last, ago));
    else
        cell_fmt(r, "%d", restarts);
    cell_age(r, pod);

    /* the wide cells; PodIPs[0] is podIP when only that is set (the v1 conversion fills it) */
    const char *ip = cj_str0(cJSON_GetArrayItem(cj_get(st, "podIPs"), 0), "ip");
    if (!*ip)
        ip = cj_str0(st, "podIP");
    const char *node = cj_str0(pod, "spec.nodeName"), *nominated = cj_str0(st, "nominatedNodeName");
    cell_str(r, *ip ? ip : "<none>");
    cell_str(r, *node ? node : "<none>");
    cell_str(r, *nominated ? nominated : "<none>");
    const cJSON *gates = cj_get(pod, "spec.readinessGates");
    if (cJSON_GetArraySize(gates) > 0) {
        int met = 0;
        const cJSON *g;
        cJSON_ArrayForEach(g, gates) met += has_condition(conds, cj_str0(g, "conditionType"), true);
        cell_fmt(r, "%d/%d", met, cJSON_GetArraySize(gates));
    } else {
        cell_str(r, "<none>");
    }
}

/* -- services, endpoints, endpoint slices, ingresses -- */

static const column service_columns[] = {
    NAME_COL,
    STR("Type", "type determines how the Service is exposed."),
    STR("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
    STR("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept "
                       "traffic for this service."),
    STR("Port(s)", "The list of ports that are exposed by this service."),
    AGE_COL,
    WIDE("Selector", "Route service traffic to pods with label keys and values matching this selector."),
    END};

static void join_strings(co_buf *b, const cJSON *arr, const char *sep)
{
    int i = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, arr) if (cJSON_IsString(s)) co_buf_printf(b, "%s%s", i++ ? sep : "", s->valuestring);
}

static void service_row(row *r, const cJSON *svc)
{
    const cJSON *spec = cj_get(svc, "spec");
    const char *type = *cj_str0(spec, "type") ? cj_str0(spec, "type") : "ClusterIP";
    const char *ip = cJSON_IsString(cJSON_GetArrayItem(cj_get(spec, "clusterIPs"), 0))
                         ? cJSON_GetArrayItem(cj_get(spec, "clusterIPs"), 0)->valuestring
                         : cj_str0(spec, "clusterIP");
    const cJSON *external = cj_get(spec, "externalIPs");
    co_buf ext = {0};
    if (!strcmp(type, "ClusterIP") || !strcmp(type, "NodePort")) {
        join_strings(&ext, external, ",");
        if (!ext.len)
            co_buf_adds(&ext, "<none>");
    } else if (!strcmp(type, "LoadBalancer")) {
        load_balancer(&ext, cj_get(svc, "status.loadBalancer.ingress"));
        if (cJSON_GetArraySize(external) > 0) {
            if (ext.len)
                co_buf_addc(&ext, ',');
            join_strings(&ext, external, ",");
        } else if (!ext.len) {
            co_buf_adds(&ext, "<pending>");
        }
    } else if (!strcmp(type, "ExternalName")) {
        co_buf_adds(&ext, cj_str0(spec, "externalName"));
    } else {
        co_buf_adds(&ext, "<unknown>");
    }
    co_buf ports = {0};
    const cJSON *p;
    int i = 0;
    cJSON_ArrayForEach(p, cj_get(spec, "ports"))
    {
        const char *proto = *cj_str0(p, "protocol") ? cj_str0(p, "protocol") : "TCP";
        co_buf_adds(&ports, i++ ? "," : "");
        if (num(p, "nodePort", 0) > 0)
            co_buf_printf(&ports, "%lld:%lld/%s", num(p, "port", 0), num(p, "nodePort", 0), proto);
        else
            co_buf_printf(&ports, "%lld/%s", num(p, "port", 0), proto);
    }
    if (!ports.len)
        co_buf_adds(&ports, "<none>");
    cell_name(r, svc);
    cell_str(r, type);
    cell_str(r, *ip ? ip : "<none>");
    cell_buf(r, &ext);
    cell_buf(r, &ports);
    cell_age(r, svc);
    cell_labels(r, cj_get(spec, "selector"));
}

static const column endpoints_columns[] = {
    NAME_COL, STR("Endpoints", "The set of all endpoints is the union of all subsets."), AGE_COL, END};

/* formatEndpoints: at most three ip:port, then " + N more..." */
static void endpoints_row(row *r, const cJSON *ep)
{
    enum { MAX = 3 };
    const cJSON *subsets = cj_get(ep, "subsets");
    cell_name(r, ep);
    if (cJSON_GetArraySize(subsets) == 0) {
        cell_str(r, "<none>");
        cell_age(r, ep);
        return;
    }
    co_buf b = {0};
    int listed = 0, total = 0;
    bool more = false;
    const cJSON *ss;
    cJSON_ArrayForEach(ss, subsets)
    {
        const cJSON *addrs = cj_get(ss, "addresses"), *ports = cj_get(ss, "ports"), *a;
        int nports = cJSON_GetArraySize(ports);
        for (int k = 0; k < (nports ? nports : 1); k++) {
            total += cJSON_GetArraySize(addrs);
            cJSON_ArrayForEach(a, addrs)
            {
                if (listed == MAX) {
                    more = true;
                    break;
                }
                const char *ip = cj_str0(a, "ip");
                co_buf_adds(&b, listed++ ? "," : "");
                if (!nports)
                    co_buf_adds(&b, ip); /* a headless service without ports */
                else if (strchr(ip, ':'))
                    co_buf_printf(&b, "[%s]:%lld", ip, num(cJSON_GetArrayItem(ports, k), "port", 0));
                else
                    co_buf_printf(&b, "%s:%lld", ip, num(cJSON_GetArrayItem(ports, k), "port", 0));
            }
        }
    }
    if (more)
        co_buf_printf(&b, " + %d more...", total - MAX);
    cell_buf(r, &b);
    cell_age(r, ep);
}

static const column endpointslice_columns[] = {
    NAME_COL,
    STR("AddressType", "addressType specifies the type of address carried by this EndpointSlice."),
    STR("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice."),
    STR("Endpoints", "endpoints is a list of unique endpoints in this slice."),
    AGE_COL,
    END};

/* listWithMoreString: at most three, " + N more...", "<unset>" for none */
static void list_with_more(row *r, co_buf *b, int total)
{
    if (total > 3)
        co_buf_printf(b, " + %d more...", total - 3);
    else if (!b->len)
        co_buf_adds(b, "<unset>");
    cell_buf(r, b);
}

static void endpointslice_row(row *r, const cJSON *es)
{
    co_buf ports = {0}, eps = {0};
    int n = 0;
    const cJSON *p, *e, *a;
    cJSON_ArrayForEach(p, cj_get(es, "ports"))
    {
        if (n < 3) {
            char buf[32];
            const char *v = cJSON_IsNumber(cj_get(p, "port")) ? scalar_text(cj_get(p, "port"), buf, sizeof buf)
                            : cj_str(p, "name")                ? cj_str(p, "name")
                                                               : "*";
            co_buf_printf(&ports, "%s%s", n ? "," : "", v);
        }
        n++;
    }
    int ports_total = n;
    n = 0;
    cJSON_ArrayForEach(e, cj_get(es, "endpoints"))
    {
        cJSON_ArrayForEach(a, cj_get(e, "addresses"))
        {
            if (n < 3 && cJSON_IsString(a))
                co_buf_printf(&eps, "%s%s", n ? "," : "", a->valuestring);
            n++;
        }
    }
    cell_name(r, es);
    cell_str(r, cj_str0(es, "addressType"));
    list_with_more(r, &ports, ports_total);
    list_with_more(r, &eps, n);
    cell_age(r, es);
}

static const column ingress_columns[] = {
    NAME_COL,
    STR("Class", "The name of the IngressClass resource that should be used for additional configuration"),
    STR("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
    STR("Address", "Address is a list containing ingress points for the load-balancer"),
    STR("Ports", "Ports of TLS configurations that open"),
    AGE_COL,
    END};

static void ingress_row(row *r, const cJSON *ing)
{
    const char *cls = cj_str(ing, "spec.ingressClassName");
    /* formatHosts: up to three hosts, "*" when no rule names one */
    const cJSON *rules = cj_get(ing, "spec.rules"), *rule;
    co_buf hosts = {0};
    int listed = 0;
    bool more = false;
    cJSON_ArrayForEach(rule, rules)
    {
        if (listed == 3)
            more = true;
        if (!more && *cj_str0(rule, "host"))
            co_buf_printf(&hosts, "%s%s", listed++ ? "," : "", cj_str0(rule, "host"));
    }
    if (!listed)
        co_buf_adds(&hosts, "*");
    else if (more)
        co_buf_printf(&hosts, " + %d more...", cJSON_GetArraySize(rules) - 3);
    co_buf addr = {0};
    load_balancer(&addr, cj_get(ing, "status.loadBalancer.ingress"));
    cell_name(r, ing);
    cell_str(r, cls ? cls : "<none>");
    cell_buf(r, &hosts);
    cell_buf(r, &addr);
    cell_str(r, cJSON_GetArraySize(cj_get(ing, "spec.tls")) ? "80, 443" : "80");
    cell_age(r, ing);
}

static const column ingressclass_columns[] = {
    NAME_COL,
    STR("Controller", "Controller that is responsible for handling this class"),
    STR("Parameters", "A reference to a resource with additional parameters"),
    AGE_COL,
    END};

static void ingressclass_row(row *r, const cJSON *ic)
{
    const cJSON *params = cj_get(ic, "spec.parameters");
    cell_name(r, ic);
    cell_str(r, cj_str0(ic, "spec.controller"));
    if (params) {
        const char *group = cj_str(params, "apiGroup");
        cell_fmt(r, "%s%s%s/%s", cj_str0(params, "kind"), group ? "." : "", group ? group : "",
                 cj_str0(params, "name"));
    } else {
        cell_str(r, "<none>");
    }
    cell_age(r, ic);
}

static const column networkpolicy_columns[] = {
    NAME_COL, STR("Pod-Selector", "Selects the pods to which this NetworkPolicy object applies."), AGE_COL, END};

static void networkpolicy_row(row *r, const cJSON *np)
{
    static const cJSON empty = {.type = cJSON_Object}; /* podSelector is a value, never nil */
    const cJSON *sel = cj_get(np, "spec.podSelector");
    cell_name(r, np);
    cell_selector(r, sel ? sel : &empty);
    cell_age(r, np);
}

/* -- workloads -- */

static const column deployment_columns[] = {
    NAME_COL,
    STR("Ready", "Number of the pod with ready state"),
    STR("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired "
                      "template spec."),
    STR("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this "
                     "deployment."),
    AGE_COL,
    WIDE("Containers", D_CONTAINERS),
    WIDE("Images", D_IMAGES),
    WIDE("Selector", "Label selector for pods."),
    END};

static void deployment_row(row *r, const cJSON *d)
{
    cell_name(r, d);
    cell_fmt(r, "%lld/%lld", num(d, "status.readyReplicas", 0), num(d, "spec.replicas", 1));
    cell_int(r, num(d, "status.updatedReplicas", 0));
    cell_int(r, num(d, "status.availableReplicas", 0));
    cell_age(r, d);
    cells_containers(r, cj_get(d, "spec.template.spec"));
    co_buf sel = {0}; /* selector.String(): no "<none>" here */
    if (labelsel_format(&sel, cj_get(d, "spec.selector")) != 0) {
        co_buf_free(&sel);
        co_buf_adds(&sel, "<invalid>");
    }
    cell_buf(r, &sel);
}

static const column replicaset_columns[] = {
    NAME_COL,
    INT("Desired", "Replicas is the number of desired replicas."),
    INT("Current", "Replicas is the most recently observed number of replicas."),
    INT("Ready", "readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition."),
    AGE_COL,
    WIDE("Containers", D_CONTAINERS),
    WIDE("Images", D_IMAGES),
    WIDE("Selector", "Selector is a label query over pods that should match the replica count."),
    END};

static void replicaset_row(row *r, const cJSON *rs)
{
    cell_name(r, rs);
    cell_int(r, num(rs, "spec.replicas", 1));
    cell_int(r, num(rs, "status.replicas", 0));
    cell_int(r, num(rs, "status.readyReplicas", 0));
    cell_age(r, rs);
    cells_containers(r, cj_get(rs, "spec.template.spec"));
    cell_selector(r, cj_get(rs, "spec.selector"));
}

static const column statefulset_columns[] = {
    NAME_COL,
    STR("Ready", "Number of the pod with ready state"),
    AGE_COL,
    WIDE("Containers", D_CONTAINERS),
    WIDE("Images", D_IMAGES),
    END};

static void statefulset_row(row *r, const cJSON *s)
{
    cell_name(r, s);
    cell_fmt(r, "%lld/%lld", num(s, "status.readyReplicas", 0), num(s, "spec.replicas", 1));
    cell_age(r, s);
    cells_containers(r, cj_get(s, "spec.template.spec"));
}

static const column daemonset_columns[] = {
    NAME_COL,
    INT("Desired", "The total number of nodes that should be running the daemon pod."),
    INT("Current", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon "
                   "pod."),
    INT("Ready", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod "
                 "running and ready."),
    INT("Up-to-date", "The total number of nodes that are running updated daemon pod"),
    INT("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon "
                     "pod running and available."),
    STR("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
    AGE_COL,
    WIDE("Containers", D_CONTAINERS),
    WIDE("Images", D_IMAGES),
    WIDE("Selector", "A label query over pods that are managed by the daemon set."),
    END};

static void daemonset_row(row *r, const cJSON *ds)
{
    cell_name(r, ds);
    cell_int(r, num(ds, "status.desiredNumberScheduled", 0));
    cell_int(r, num(ds, "status.currentNumberScheduled", 0));
    cell_int(r, num(ds, "status.numberReady", 0));
    cell_int(r, num(ds, "status.updatedNumberScheduled", 0));
    cell_int(r, num(ds, "status.numberAvailable", 0));
    cell_labels(r, cj_get(ds, "spec.template.spec.nodeSelector"));
    cell_age(r, ds);
    cells_containers(r, cj_get(ds, "spec.template.spec"));
    cell_selector(r, cj_get(ds, "spec.selector"));
}

static const column job_columns[] = {
    NAME_COL,
    STR("Status", "Status of the job."),
    STR("Completions", "The number of pods which reached phase Succeeded."),
    STR("Duration", "Time required to complete the job."),
    AGE_COL,
    WIDE("Containers", D_CONTAINERS),
    WIDE("Images", D_IMAGES),
    WIDE("Selector", "A label query over pods that should match the pod count."),
    END};

static void job_row(row *r, const cJSON *job)
{
    const cJSON *conds = cj_get(job, "status.conditions");
    long long ok = num(job, "status.succeeded", 0);
    /* v1 defaulting: neither completions nor parallelism set means one of each */
    const cJSON *comp = cj_get(job, "spec.completions"), *par = cj_get(job, "spec.parallelism");
    long long completions = cJSON_IsNumber(comp) ? (long long)comp->valuedouble : !comp && !par ? 1 : -1;
    long long parallelism = cJSON_IsNumber(par) ? (long long)par->valuedouble : 1;
    char done[64];
    if (completions >= 0)
        snprintf(done, sizeof done, "%lld/%lld", ok, completions);
    else if (parallelism > 1)
        snprintf(done, sizeof done, "%lld/1 of %lld", ok, parallelism);
    else
        snprintf(done, sizeof done, "%lld/1", ok);
    char dur[32] = "";
    int64_t start = ts_of(job, "status.startTime"), end = ts_of(job, "status.completionTime");
    if (start != TS_ZERO)
        co_human_duration((end == TS_ZERO ? r->now : end) - start, dur, sizeof dur);
    const char *status = has_condition(conds, "Complete", true)        ? "Complete"
                         : has_condition(conds, "Failed", true)        ? "Failed"
                         : fa_deleting(job)                            ? "Terminating"
                         : has_condition(conds, "Suspended", true)     ? "Suspended"
                         : has_condition(conds, "FailureTarget", true) ? "FailureTarget"
                                                                       : "Running";
    cell_name(r, job);
    cell_str(r, status);
    cell_str(r, done);
    cell_str(r, dur);
    cell_age(r, job);
    cells_containers(r, cj_get(job, "spec.template.spec"));
    cell_selector(r, cj_get(job, "spec.selector"));
}

static const column cronjob_columns[] = {
    NAME_COL,
    STR("Schedule", "The schedule in Cron format."),
    STR("Timezone", "The time zone name for the given schedule."),
    {"Suspend", "boolean", "", "This flag tells the controller to suspend subsequent executions.", 0},
    INT("Active", "A list of pointers to currently running jobs."),
    STR("Last Schedule", "Information when was the last time the job was successfully scheduled."),
    AGE_COL,
    WIDE("Containers", D_CONTAINERS),
    WIDE("Images", D_IMAGES),
    WIDE("Selector", "A label query over pods that should match the pod count."),
    END};

static void cronjob_row(row *r, const cJSON *cj)
{
    const char *tz = cj_str(cj, "spec.timeZone");
    char last[32] = "<none>";
    if (cj_str(cj, "status.lastScheduleTime"))
        since(r, ts_of(cj, "status.lastScheduleTime"), last);
    cell_name(r, cj);
    cell_str(r, cj_str0(cj, "spec.schedule"));
    cell_str(r, tz ? tz : "<none>");
    cell_str(r, is_true(cj, "spec.suspend") ? "True" : "False"); /* defaulted to false */
    cell_int(r, count(cj, "status.active"));
    cell_str(r, last);
    cell_age(r, cj);
    cells_containers(r, cj_get(cj, "spec.jobTemplate.spec.template.spec"));
    cell_selector(r, cj_get(cj, "spec.jobTemplate.spec.selector"));
}

static const column hpa_columns[] = {
    NAME_COL,
    STR("Reference", "reference to scaled resource; horizontal pod autoscaler will learn the current resource "
                     "consumption and will set the desired number of pods by using its Scale subresource."),
    STR("Targets", "metrics contains the specifications for which to use to calculate the desired replica count."),
    STR("MinPods", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale "
                   "down."),
    STR("MaxPods", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
    STR("Replicas", "currentReplicas is current number of replicas of pods managed by this autoscaler."),
    AGE_COL,
    END};

/* One metric of formatHPAMetrics: "cpu: 40%/80%", "<unknown>/100m (avg)", ... */
static void hpa_metric(co_buf *b, const cJSON *spec, const cJSON *status)
{
    char b1[64], b2[64];
    const char *type = cj_str0(spec, "type");
    const char *unknown = "<unknown>";
    if (!strcmp(type, "External") || !strcmp(type, "Object")) {
        const char *k = !strcmp(type, "External") ? "external" : "object";
        const cJSON *target = cj_get(cJSON_GetObjectItemCaseSensitive(spec, k), "target");
        const cJSON *cur = cj_get(cJSON_GetObjectItemCaseSensitive(status, k), "current");
        const char *avg = scalar_text(cj_get(target, "averageValue"), b1, sizeof b1);
        if (avg) {
            const char *c = scalar_text(cj_get(cur, "averageValue"), b2, sizeof b2);
            co_buf_printf(b, "%s/%s (avg)", c ? c : unknown, avg);
        } else {
            const char *c = scalar_text(cj_get(cur, "value"), b2, sizeof b2);
            const char *t = scalar_text(cj_get(target, "value"), b1, sizeof b1);
            co_buf_printf(b, "%s/%s", c ? c : unknown, t ? t : "");
        }
    } else if (!strcmp(type, "Pods")) {
        const char *c = scalar_text(cj_get(status, "pods.current.averageValue"), b2, sizeof b2);
        const char *t = scalar_text(cj_get(spec, "pods.target.averageValue"), b1, sizeof b1);
        co_buf_printf(b, "%s/%s", c ? c : unknown, t ? t : "");
    } else if (!strcmp(type, "Resource") || !strcmp(type, "ContainerResource")) {
        const char *k = !strcmp(type, "Resource") ? "resource" : "containerResource";
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(spec, k);
        const cJSON *cur = cj_get(cJSON_GetObjectItemCaseSensitive(status, k), "current");
        const char *avg = scalar_text(cj_get(s, "target.averageValue"), b1, sizeof b1);
        if (avg) {
            const char *c = scalar_text(cj_get(cur, "averageValue"), b2, sizeof b2);
            co_buf_printf(b, "%s: %s/%s", cj_str0(s, "name"), c ? c : unknown, avg);
        } else {
            char c[32] = "<unknown>", t[32] = "<auto>";
            if (cJSON_IsNumber(cj_get(cur, "averageUtilization")))
                snprintf(c, sizeof c, "%lld%%", num(cur, "averageUtilization", 0));
            if (cJSON_IsNumber(cj_get(s, "target.averageUtilization")))
                snprintf(t, sizeof t, "%lld%%", num(s, "target.averageUtilization", 0));
            co_buf_printf(b, "%s: %s/%s", cj_str0(s, "name"), c, t);
        }
    } else {
        co_buf_adds(b, "<unknown type>");
    }
}

static void hpa_row(row *r, const cJSON *hpa)
{
    /* an autoscaling/v1 object carries its one CPU metric in its own fields */
    cJSON *specs = cJSON_Duplicate(cj_get(hpa, "spec.metrics"), 1);
    cJSON *statuses = cJSON_Duplicate(cj_get(hpa, "status.currentMetrics"), 1);
    if (!specs && cj_get(hpa, "spec.targetCPUUtilizationPercentage")) {
        char m[160];
        snprintf(m, sizeof m,
                 "[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\","
                 "\"averageUtilization\":%lld}}}]",
                 num(hpa, "spec.targetCPUUtilizationPercentage", 0));
        specs = cJSON_Parse(m);
        if (!statuses && cj_get(hpa, "status.currentCPUUtilizationPercentage")) {
            snprintf(m, sizeof m, "[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"current\":"
                     "{\"averageUtilization\":%lld}}}]", num(hpa, "status.currentCPUUtilizationPercentage", 0));
            statuses = cJSON_Parse(m);
        }
    }
    co_buf t = {0};
    int n = cJSON_GetArraySize(specs);
    for (int i = 0; i < n && i < 2; i++) {
        co_buf_adds(&t, i ? ", " : "");
        hpa_metric(&t, cJSON_GetArrayItem(specs, i), cJSON_GetArrayItem(statuses, i));
    }
    if (n == 0)
        co_buf_adds(&t, "<none>");
    else if (n > 2)
        co_buf_printf(&t, " + %d more...", n - 2);
    cJSON_Delete(specs);
    cJSON_Delete(statuses);
    cell_name(r, hpa);
    cell_fmt(r, "%s/%s", cj_str0(hpa, "spec.scaleTargetRef.kind"), cj_str0(hpa, "spec.scaleTargetRef.name"));
    cell_buf(r, &t);
    if (cJSON_IsNumber(cj_get(hpa, "spec.minReplicas")))
        cell_fmt(r, "%lld", num(hpa, "spec.minReplicas", 0));
    else
        cell_str(r, "<unset>");
    cell_int(r, num(hpa, "spec.maxReplicas", 0));
    cell_int(r, num(hpa, "status.currentReplicas", 0));
    cell_age(r, hpa);
}

static const column pdb_columns[] = {
    NAME_COL,
    STR("Min Available", "The minimum number of pods that must be available."),
    STR("Max Unavailable", "The maximum number of pods that may be unavailable."),
    INT("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
    AGE_COL,
    END};

static void pdb_row(row *r, const cJSON *pdb)
{
    char b1[32], b2[32];
    const char *min = scalar_text(cj_get(pdb, "spec.minAvailable"), b1, sizeof b1);
    const char *max = scalar_text(cj_get(pdb, "spec.maxUnavailable"), b2, sizeof b2);
    cell_name(r, pdb);
    cell_str(r, min ? min : "N/A");
    cell_str(r, max ? max : "N/A");
    cell_int(r, num(pdb, "status.disruptionsAllowed", 0));
    cell_age(r, pdb);
}

/* -- configuration, namespaces, nodes, storage, coordination -- */

static const column namespace_columns[] = {NAME_COL, STR("Status", "The status of the namespace"), AGE_COL, END};

static void namespace_row(row *r, const cJSON *ns)
{
    cell_name(r, ns);
    cell_str(r, cj_str0(ns, "status.phase"));
    cell_age(r, ns);
}

static const column configmap_columns[] = {
    NAME_COL, STR("Data", "Data contains the configuration data."), AGE_COL, END};

static void configmap_row(row *r, const cJSON *cm)
{
    cell_name(r, cm);
    cell_int(r, cJSON_GetArraySize(cj_get(cm, "data")) + cJSON_GetArraySize(cj_get(cm, "binaryData")));
    cell_age(r, cm);
}

static const column secret_columns[] = {
    NAME_COL,
    STR("Type", "Used to facilitate programmatic handling of secret data."),
    STR("Data", "Data contains the secret data."),
    AGE_COL,
    END};

static void secret_row(row *r, const cJSON *s)
{
    cell_name(r, s);
    cell_str(r, *cj_str0(s, "type") ? cj_str0(s, "type") : "Opaque");
    cell_int(r, cJSON_GetArraySize(cj_get(s, "data")));
    cell_age(r, s);
}

static const column serviceaccount_columns[] = {
    NAME_COL, STR("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this "
                             "ServiceAccount are allowed to use."), AGE_COL, END};

static void serviceaccount_row(row *r, const cJSON *sa)
{
    cell_name(r, sa);
    cell_int(r, count(sa, "secrets"));
    cell_age(r, sa);
}

static const column node_columns[] = {
    NAME_COL,
    STR("Status", "The status of the node"),
    STR("Roles", "The roles of the node"),
    AGE_COL,
    STR("Version", "Kubelet Version reported by the node."),
    WIDE("Internal-IP", "List of addresses reachable to the node."),
    WIDE("External-IP", "List of addresses reachable to the node."),
    WIDE("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
    WIDE("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
    WIDE("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. "
                              "containerd://1.4.2)."),
    END};

static const char *node_address(const cJSON *node, const char *type)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, cj_get(node, "status.addresses"))
    {
        if (cj_streq(cj_str(a, "type"), type))
            return cj_str0(a, "address");
    }
    return "<none>";
}

static void node_row(row *r, const cJSON *node)
{
    co_buf status = {0};
    const cJSON *c, *ready = NULL;
    cJSON_ArrayForEach(c, cj_get(node, "status.conditions")) if (cj_streq(cj_str(c, "type"), "Ready")) ready = c;
    if (ready)
        co_buf_adds(&status, cj_streq(cj_str(ready, "status"), "True") ? "Ready" : "NotReady");
    else
        co_buf_adds(&status, "Unknown");
    if (is_true(node, "spec.unschedulable"))
        co_buf_adds(&status, ",SchedulingDisabled");
    /* roles: node-role.kubernetes.io/<role> labels and kubernetes.io/role=<role>, sorted, unique */
    const cJSON *labels = cj_get(node, "metadata.labels"), *l;
    size_t cap = (size_t)cJSON_GetArraySize(labels), n = 0;
    char **roles = calloc(cap + 1, sizeof *roles);
    static const char prefix[] = "node-role.kubernetes.io/";
    cJSON_ArrayForEach(l, labels)
    {
        if (!l->string)
            continue;
        const char *role = !strncmp(l->string, prefix, sizeof prefix - 1) ? l->string + sizeof prefix - 1
                           : !strcmp(l->string, "kubernetes.io/role") && cJSON_IsString(l) ? l->valuestring
                                                                                            : "";
        bool dup = false;
        for (size_t k = 0; k < n; k++)
            dup |= !strcmp(roles[k], role);
        if (*role && !dup && n < cap)
            roles[n++] = strdup(role);
    }
    qsort(roles, n, sizeof *roles, cmp_str);
    co_buf rb = {0};
    join(&rb, roles, n, ",");
    if (!n)
        co_buf_adds(&rb, "<none>");
    free_strs(roles, n);
    const cJSON *info = cj_get(node, "status.nodeInfo");
    cell_name(r, node);
    cell_buf(r, &status);
    cell_buf(r, &rb);
    cell_age(r, node);
    cell_str(r, cj_str0(info, "kubeletVersion"));
    cell_str(r, node_address(node, "InternalIP"));
    cell_str(r, node_address(node, "ExternalIP"));
    static const char *const fields[] = {"osImage", "kernelVersion", "containerRuntimeVersion"};
    for (int i = 0; i < 3; i++)
        cell_str(r, *cj_str0(info, fields[i]) ? cj_str0(info, fields[i]) : "<unknown>");
}

static const column pvc_columns[] = {
    NAME_COL,
    STR("Status", "phase represents the current phase of PersistentVolumeClaim."),
    STR("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
    STR("Capacity", "capacity represents the actual resources of the underlying volume."),
    STR("Access Modes", "accessModes contains the actual access modes the volume backing the PVC has."),
    STR("StorageClass", "StorageClass of the pvc"),
    STR("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
    AGE_COL,
    WIDE("VolumeMode", "volumeMode defines what type of volume is required by the claim."),
    END};

/* helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, each once */
static void access_modes(co_buf *b, const cJSON *modes)
{
    static const char *const names[][2] = {{"ReadWriteOnce", "RWO"}, {"ReadOnlyMany", "ROX"},
                                           {"ReadWriteMany", "RWX"}, {"ReadWriteOncePod", "RWOP"}};
    int n = 0;
    for (int i = 0; i < 4; i++) {
        bool has = false;
        const cJSON *m;
        cJSON_ArrayForEach(m, modes) has |= cJSON_IsString(m) && !strcmp(m->valuestring, names[i][0]);
        if (has)
            co_buf_printf(b, "%s%s", n++ ? "," : "", names[i][1]);
    }
}

static void pvc_row(row *r, const cJSON *pvc)
{
    const char *volume = cj_str0(pvc, "spec.volumeName");
    co_buf cap = {0}, modes = {0};
    if (*volume) {
        char buf[64];
        const char *q = scalar_text(cj_get(pvc, "status.capacity.storage"), buf, sizeof buf);
        co_buf_adds(&cap, q ? q : "0");
        access_modes(&modes, cj_get(pvc, "status.accessModes"));
    }
    /* GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName */
    const cJSON *beta = cJSON_GetObjectItemCaseSensitive(cj_get(pvc, "metadata.annotations"),
                                                         "volume.beta.kubernetes.io/storage-class");
    const char *cls = cJSON_IsString(beta) ? beta->valuestring : cj_str0(pvc, "spec.storageClassName");
    const char *vac = cj_str(pvc, "spec.volumeAttributesClassName"), *mode = cj_str(pvc, "spec.volumeMode");
    cell_name(r, pvc);
    cell_str(r, fa_deleting(pvc) ? "Terminating" : cj_str0(pvc, "status.phase"));
    cell_str(r, volume);
    cell_buf(r, &cap);
    cell_buf(r, &modes);
    cell_str(r, cls);
    cell_str(r, vac ? vac : "<unset>");
    cell_age(r, pvc);
    cell_str(r, mode ? mode : "<unset>");
}

static const column lease_columns[] = {
    NAME_COL, STR("Holder", "holderIdentity contains the identity of the holder of a current lease."), AGE_COL, END};

static void lease_row(row *r, const cJSON *l)
{
    cell_name(r, l);
    cell_str(r, cj_str0(l, "spec.holderIdentity"));
    cell_age(r, l);
}

/* -- RBAC -- */

static const column binding_columns[] = {
    NAME_COL,
    STR("Role", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
    AGE_COL,
    WIDE("Users", "Users in the roleBinding"),
    WIDE("Groups", "Groups in the roleBinding"),
    WIDE("ServiceAccounts", "ServiceAccounts in the roleBinding"),
    END};

static const column clusterbinding_columns[] = {
    NAME_COL,
    STR("Role", "RoleRef can only reference a ClusterRole in the global namespace."),
    AGE_COL,
    WIDE("Users", "Users in the clusterRoleBinding"),
    WIDE("Groups", "Groups in the clusterRoleBinding"),
    WIDE("ServiceAccounts", "ServiceAccounts in the clusterRoleBinding"),
    END};

static void binding_row(row *r, const cJSON *b)
{
    co_buf users = {0}, groups = {0}, sas = {0};
    const cJSON *s;
    cJSON_ArrayForEach(s, cj_get(b, "subjects"))
    {
        const char *kind = cj_str0(s, "kind"), *name = cj_str0(s, "name");
        if (!strcmp(kind, "ServiceAccount"))
            co_buf_printf(&sas, "%s%s/%s", sas.len ? ", " : "", cj_str0(s, "namespace"), name);
        else if (!strcmp(kind, "User"))
            co_buf_printf(&users, "%s%s", users.len ? ", " : "", name);
        else if (!strcmp(kind, "Group"))
            co_buf_printf(&groups, "%s%s", groups.len ? ", " : "", name);
    }
    cell_name(r, b);
    cell_fmt(r, "%s/%s", cj_str0(b, "roleRef.kind"), cj_str0(b, "roleRef.name"));
    cell_age(r, b);
    cell_buf(r, &users);
    cell_buf(r, &groups);
    cell_buf(r, &sas);
}

/* -- events: core/v1 and events.k8s.io/v1 (the same printer after conversion) -- */

static const column event_columns[] = {
    STR("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
    STR("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
    STR("Reason", "This should be a short, machine understandable string that gives the reason for the transition "
                  "into the object's current status."),
    STR("Object", "The object that this event is about."),
    WIDE("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain "
                      "a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]."),
    WIDE("Source", "The component reporting this event. Should be a short machine understandable string."),
    STR("Message", "A human-readable description of the status of this operation."),
    WIDE("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
    WIDE("Count", "The number of times this event has occurred."),
    {"Name", "string", "name", D_NAME, 1},
    END};

/* Where each field of the internal Event lives in the two served versions. */
typedef struct {
    const char *involved, *message, *source, *first, *last, *count, *controller;
} event_fields;

static const event_fields core_event = {"involvedObject", "message", "source", "firstTimestamp", "lastTimestamp",
                                        "count", "reportingComponent"};
static const event_fields events_event = {"regarding", "note", "deprecatedSource", "deprecatedFirstTimestamp",
                                          "deprecatedLastTimestamp", "deprecatedCount", "reportingController"};

static void event_cells(row *r, const cJSON *ev, const event_fields *f)
{
    char first[32], last[32];
    int64_t t = ts_of(ev, f->first);
    since(r, t != TS_ZERO ? t : ts_of(ev, "eventTime"), first);
    t = ts_of(ev, f->last);
    if (t != TS_ZERO)
        since(r, t, last);
    else
        snprintf(last, sizeof last, "%s", first);
    long long n = num(ev, f->count, 0);
    const cJSON *series = cj_get(ev, "series");
    if (series) {
        since(r, ts_of(series, "lastObservedTime"), last);
        n = num(series, "count", 0);
    } else if (n == 0) {
        n = 1; /* singleton events of the new API have no count */
    }
    const cJSON *obj = cj_get(ev, f->involved);
    char kind[256];
    snprintf(kind, sizeof kind, "%s", cj_str0(obj, "kind"));
    for (char *p = kind; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    const cJSON *src = cj_get(ev, f->source);
    const char *component = *cj_str0(src, "component") ? cj_str0(src, "component") : cj_str0(ev, f->controller);
    const char *instance = *cj_str0(src, "host") ? cj_str0(src, "host") : cj_str0(ev, "reportingInstance");
    /* strings.TrimSpace of the message */
    const char *msg = cj_str0(ev, f->message);
    while (isspace((unsigned char)*msg))
        msg++;
    size_t len = strlen(msg);
    while (len && isspace((unsigned char)msg[len - 1]))
        len--;
    cell_str(r, last);
    cell_str(r, cj_str0(ev, "type"));
    cell_str(r, cj_str0(ev, "reason"));
    if (*cj_str0(obj, "name"))
        cell_fmt(r, "%s/%s", kind, cj_str0(obj, "name"));
    else
        cell_str(r, kind);
    cell_str(r, cj_str0(obj, "fieldPath"));
    if (*instance)
        cell_fmt(r, "%s, %s", component, instance);
    else
        cell_str(r, component);
    cell_fmt(r, "%.*s", (int)len, msg);
    cell_str(r, first);
    cell_int(r, n);
    cell_name(r, ev);
}

static void event_row(row *r, const cJSON *ev) { event_cells(r, ev, &core_event); }
static void events_event_row(row *r, const cJSON *ev) { event_cells(r, ev, &events_event); }

/* -- the generic convertor (pkg/registry/rest/table.go) and Scale -- */

static const column default_columns[] = {
    NAME_COL, {"Created At", "date", "", D_AGE, 0}, END};

static void default_row(row *r, const cJSON *o)
{
    int64_t t = ts_of(o, "metadata.creationTimestamp");
    char buf[32];
    cell_name(r, o);
    cell_str(r, t == TS_ZERO ? "0001-01-01T00:00:00Z" : co_time_rfc3339(t, buf));
}

static const column scale_columns[] = {
    {"Name", "string", "", D_NAME, 0},
    INT("Desired", "desired number of instances for the scaled object."),
    INT("Available", "actual number of observed instances of the scaled object."),
    AGE_COL,
    END};

static void scale_row(row *r, const cJSON *s)
{
    cell_name(r, s);
    cell_int(r, num(s, "spec.replicas", 0));
    cell_int(r, num(s, "status.replicas", 0));
    cell_age(r, s);
}

static const printer printers[] = {
    {"pods", pod_columns, pod_row},
    {"services", service_columns, service_row},
    {"endpoints", endpoints_columns, endpoints_row},
    {"namespaces", namespace_columns, namespace_row},
    {"configmaps", configmap_columns, configmap_row},
    {"secrets", secret_columns, secret_row},
    {"serviceaccounts", serviceaccount_columns, serviceaccount_row},
    {"events", event_columns, event_row},
    {"events.events.k8s.io", event_columns, events_event_row},
    {"nodes", node_columns, node_row},
    {"persistentvolumeclaims", pvc_columns, pvc_row},
    {"deployments.apps", deployment_columns, deployment_row},
    {"replicasets.apps", replicaset_columns, replicaset_row},
    {"statefulsets.apps", statefulset_columns, statefulset_row},
    {"daemonsets.apps", daemonset_columns, daemonset_row},
    {"jobs.batch", job_columns, job_row},
    {"cronjobs.batch", cronjob_columns, cronjob_row},
    {"ingresses.networking.k8s.io", ingress_columns, ingress_row},
    {"ingressclasses.networking.k8s.io", ingressclass_columns, ingressclass_row},
    {"networkpolicies.networking.k8s.io", networkpolicy_columns, networkpolicy_row},
    {"endpointslices.discovery.k8s.io", endpointslice_columns, endpointslice_row},
    {"leases.coordination.k8s.io", lease_columns, lease_row},
    {"horizontalpodautoscalers.autoscaling", hpa_columns, hpa_row},
    {"poddisruptionbudgets.policy", pdb_columns, pdb_row},
    {"rolebindings.rbac.authorization.k8s.io", binding_columns, binding_row},
    {"clusterrolebindings.rbac.authorization.k8s.io", clusterbinding_columns, binding_row},
    /* roles, clusterroles and customresourcedefinitions: the generic convertor */
};

static const printer default_printer = {NULL, default_columns, default_row};
static const printer scale_printer = {NULL, scale_columns, scale_row};

/* ---- custom resources: additionalPrinterColumns and their JSONPaths ---- */

/* The JSONPath subset CRD columns use, evaluated to the first value it selects (the
 * tableconvertor prints only that one): .field, ['field'], [n], [-n], [a:b], [*], .*, and filters
 * [?(@.path OP literal)] with == != < > <= >= or [?(@.path)]. NULL when nothing matches or the
 * path is beyond this subset. */
static const cJSON *jp_eval(const cJSON *node, const char *p, int depth);

static const char *bracket_end(const char *p)
{
    /* p is at '['; the matching ']' outside quotes and parentheses */
    char quote = 0;
    int parens = 0;
    for (p++; *p; p++) {
        if (quote) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '(') {
            parens++;
        } else if (*p == ')') {
            parens--;
        } else if (*p == ']' && parens <= 0) {
            return p;
        }
    }
    return NULL;
}

static const cJSON *jp_each(const cJSON *node, const char *rest, int depth)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, node)
    {
        const cJSON *v = jp_eval(c, rest, depth + 1);
        if (v)
            return v;
    }
    return NULL;
}

/* A filter literal: a quoted string or a number. */
static bool jp_literal(const char *s, size_t n, cJSON **out)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
        char *v = strndup(s + 1, n - 2);
        *out = cJSON_CreateString(v);
        free(v);
        return true;
    }
    char *num_s = strndup(s, n), *end;
    double d = strtod(num_s, &end);
    bool ok = n && *end == 0;
    free(num_s);
    if (ok)
        *out = cJSON_CreateNumber(d);
    return ok;
}

static bool jp_filter_match(const cJSON *item, const char *expr, size_t n, int depth)
{
    static const char *const ops[] = {"==", "!=", "<=", ">=", "<", ">"};
    const char *op = NULL;
    size_t at = 0;
    char quote = 0;
    for (size_t i = 0; i < n && !op; i++) {
        if (quote) {
            quote = expr[i] == quote ? 0 : quote;
            continue;
        }
        if (expr[i] == '"' || expr[i] == '\'') {
            quote = expr[i];
            continue;
        }
        for (int k = 0; k < 6; k++)
            if (!strncmp(expr + i, ops[k], strlen(ops[k]))) {
                op = ops[k];
                at = i;
                break;
            }
    }
    size_t lhs_len = op ? at : n;
    while (lhs_len && isspace((unsigned char)expr[lhs_len - 1]))
        lhs_len--;
    const char *lhs = expr;
    while (isspace((unsigned char)*lhs))
        lhs++, lhs_len--;
    if (lhs_len < 1 || *lhs != '@')
        return false;
    char *path = strndup(lhs + 1, lhs_len - 1);
    const cJSON *v = jp_eval(item, path, depth + 1);
    free(path);
    if (!op)
        return v != NULL;
    cJSON *lit = NULL;
    if (!v || !jp_literal(expr + at + strlen(op), n - at - strlen(op), &lit))
        return false;
    int cmp;
    bool comparable = true;
    if (cJSON_IsString(lit) && cJSON_IsString(v))
        cmp = strcmp(v->valuestring, lit->valuestring);
    else if (cJSON_IsNumber(lit) && cJSON_IsNumber(v))
        cmp = (v->valuedouble > lit->valuedouble) - (v->valuedouble < lit->valuedouble);
    else
        comparable = false, cmp = 1;
    cJSON_Delete(lit);
    if (!comparable)
        return !strcmp(op, "!=");
    return !strcmp(op, "==") ? cmp == 0 : !strcmp(op, "!=") ? cmp != 0 : !strcmp(op, "<") ? cmp < 0
         : !strcmp(op, ">")  ? cmp > 0  : !strcmp(op, "<=") ? cmp <= 0 : cmp >= 0;
}

static const cJSON *jp_eval(const cJSON *node, const char *p, int depth)
{
    if (!node || depth > 64)
        return NULL;
    while (*p == ' ')
        p++;
    if (!*p)
        return node;
    if (p[0] == '.' && p[1] == '.')
        return NULL; /* recursive descent: not in this subset */
    if (*p == '.') {
        p++;
        if (*p == '*')
            return cJSON_IsObject(node) || cJSON_IsArray(node) ? jp_each(node, p + 1, depth) : NULL;
        /* a key runs to the next unescaped '.', '[' or ' ' (`labels.app\.kubernetes\.io/name`) */
        size_t n = 0;
        while (p[n] && !strchr(".[ ", p[n]))
            n += p[n] == '\\' && p[n + 1] ? 2 : 1;
        if (n == 0)
            return jp_eval(node, p, depth + 1);
        char *key = malloc(n + 1), *k = key;
        for (size_t i = 0; i < n; i++)
            if (p[i] != '\\' || ++i < n)
                *k++ = p[i];
        *k = 0;
        const cJSON *child = cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, key) : NULL;
        free(key);
        return jp_eval(child, p + n, depth + 1);
    }
    if (*p != '[')
        return NULL;
    const char *end = bracket_end(p);
    if (!end)
        return NULL;
    const char *in = p + 1, *rest = end + 1;
    size_t n = (size_t)(end - in);
    while (n && isspace((unsigned char)*in))
        in++, n--;
    if (n == 1 && *in == '*')
        return cJSON_IsObject(node) || cJSON_IsArray(node) ? jp_each(node, rest, depth) : NULL;
    if (n >= 2 && (*in == '\'' || *in == '"')) {
        char *key = strndup(in + 1, n - 2);
        const cJSON *child = cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, key) : NULL;
        free(key);
        return jp_eval(child, rest, depth + 1);
    }
    if (n >= 4 && in[0] == '?' && in[1] == '(' && in[n - 1] == ')') {
        if (!cJSON_IsArray(node))
            return NULL;
        const cJSON *item;
        cJSON_ArrayForEach(item, node)
        {
            if (jp_filter_match(item, in + 2, n - 3, depth)) {
                const cJSON *v = jp_eval(item, rest, depth + 1);
                if (v)
                    return v;
            }
        }
        return NULL;
    }
    /* an index or a slice: the first element it selects */
    if (!cJSON_IsArray(node))
        return NULL;
    char *spec = strndup(in, n), *colon = strchr(spec, ':');
    int size = cJSON_GetArraySize(node);
    long idx = strtol(spec, NULL, 10);
    if (colon && colon == spec)
        idx = 0;
    free(spec);
    if (idx < 0)
        idx += size;
    if (idx < 0 || idx >= size)
        return NULL;
    return jp_eval(cJSON_GetArrayItem(node, (int)idx), rest, depth + 1);
}

/* cellForJSONValue, and for string columns the JSONPath printer's text. */
static void custom_cell(row *r, const char *type, const cJSON *v)
{
    if (!v || cJSON_IsNull(v)) {
        cell_null(r);
    } else if (!strcmp(type, "string")) {
        co_buf b = {0};
        if (cJSON_IsString(v))
            co_buf_adds(&b, v->valuestring);
        else if (cJSON_IsNumber(v))
            fa_schema_go_number(&b, v);
        else if (cJSON_IsBool(v))
            co_buf_adds(&b, cJSON_IsTrue(v) ? "true" : "false");
        else {
            char *json = fa_schema_go_json(v);
            co_buf_adds(&b, json);
            free(json);
        }
        cell_buf(r, &b);
    } else if (!strcmp(type, "integer") && cJSON_IsNumber(v)) {
        cell_int(r, (long long)v->valuedouble);
    } else if (!strcmp(type, "number") && cJSON_IsNumber(v)) {
        cJSON_AddItemToArray(r->cells, cJSON_CreateNumber(v->valuedouble));
    } else if (!strcmp(type, "boolean") && cJSON_IsBool(v)) {
        cell_bool(r, cJSON_IsTrue(v));
    } else if (!strcmp(type, "date") && cJSON_IsString(v)) {
        /* metav1.Time's query-parameter form, then its age (metatable.ConvertToHumanReadableDateType) */
        int64_t t;
        char buf[32];
        if (!*v->valuestring || !strcmp(v->valuestring, "null"))
            cell_str(r, "<unknown>");
        else if (co_time_parse(v->valuestring, &t) != 0)
            cell_str(r, "<invalid>");
        else
            cell_str(r, co_human_duration(r->now - t, buf, sizeof buf));
    } else {
        cell_null(r);
    }
}

static const char *column_path(const cJSON *col)
{
    const char *p = cj_str(col, "jsonPath");
    return p ? p : cj_str0(col, "JSONPath"); /* apiextensions/v1beta1 spelling */
}

/* ---- conversion ---- */

/* How one resource's rows are made: a printer, or a CRD's columns (owned). */
typedef struct {
    const printer *p;
    cJSON *custom; /* custom resources: the column definitions with their jsonPath */
} convertor;

static cJSON *custom_column(const char *name, const char *type, const char *desc, const char *path)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "name", name);
    cJSON_AddStringToObject(c, "type", type);
    cJSON_AddStringToObject(c, "description", desc);
    cJSON_AddStringToObject(c, "jsonPath", path);
    return c;
}

static void convertor_for(const fa_resource *res, bool scale, convertor *cv)
{
    memset(cv, 0, sizeof *cv);
    if (res->crd_name) {
        cv->custom = cJSON_CreateArray();
        if (scale) { /* getScaleColumnsForVersion */
            if (res->scale_spec)
                cJSON_AddItemToArray(cv->custom, custom_column("Desired", "integer", "Number of desired replicas",
                                                               ".spec.replicas"));
            if (res->scale_status)
                cJSON_AddItemToArray(cv->custom, custom_column("Available", "integer", "Number of actual replicas",
                                                               ".status.replicas"));
        } else if (cJSON_GetArraySize(res->printer_columns) > 0) {
            const cJSON *c;
            cJSON_ArrayForEach(c, res->printer_columns) cJSON_AddItemToArray(cv->custom, cJSON_Duplicate(c, 1));
        }
        if (scale || cJSON_GetArraySize(cv->custom) == 0) /* serveDefaultColumnsIfEmpty */
            cJSON_AddItemToArray(cv->custom, custom_column("Age", "date", D_AGE, ".metadata.creationTimestamp"));
        return;
    }
    if (scale) {
        cv->p = &scale_printer;
        return;
    }
    cv->p = &default_printer;
    for (size_t i = 0; i < sizeof printers / sizeof printers[0]; i++)
        if (!strcmp(printers[i].key, res->key))
            cv->p = &printers[i];
}

static cJSON *column_json(const char *name, const char *type, const char *format, const char *desc, int priority)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "name", name);
    cJSON_AddStringToObject(c, "type", type);
    cJSON_AddStringToObject(c, "format", format ? format : "");
    cJSON_AddStringToObject(c, "description", desc ? desc : "");
    cJSON_AddNumberToObject(c, "priority", priority);
    return c;
}

static cJSON *columns_json(const convertor *cv)
{
    cJSON *cols = cJSON_CreateArray();
    if (cv->p) {
        for (const column *c = cv->p->columns; c->name; c++)
            cJSON_AddItemToArray(cols, column_json(c->name, c->type, c->format, c->description, c->priority));
        return cols;
    }
    cJSON_AddItemToArray(cols, column_json("Name", "string", "name", D_NAME, 0));
    const cJSON *c;
    cJSON_ArrayForEach(c, cv->custom)
    {
        co_buf desc = {0};
        if (*cj_str0(c, "description"))
            co_buf_adds(&desc, cj_str0(c, "description"));
        else
            co_buf_printf(&desc, "Custom resource definition column (in JSONPath format): %s", column_path(c));
        cJSON_AddItemToArray(cols, column_json(cj_str0(c, "name"), cj_str0(c, "type"), cj_str0(c, "format"),
                                               co_buf_str(&desc), (int)num(c, "priority", 0)));
        co_buf_free(&desc);
    }
    return cols;
}

static void row_cells(const convertor *cv, row *r, const cJSON *obj)
{
    if (cv->p) {
        cv->p->cells(r, obj);
        return;
    }
    cell_name(r, obj);
    const cJSON *c;
    cJSON_ArrayForEach(c, cv->custom) custom_cell(r, cj_str0(c, "type"), jp_eval(obj, column_path(c), 0));
}

/* PartialObjectMetadata of obj in meta.k8s.io/<version>. It borrows obj's metadata (a cJSON
 * reference, no copy): print and free it before obj. */
static cJSON *partial_of(const cJSON *obj, const char *version)
{
    char av[32];
    snprintf(av, sizeof av, "meta.k8s.io/%s", version);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "kind", "PartialObjectMetadata");
    cJSON_AddStringToObject(p, "apiVersion", av);
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (cJSON_IsObject(m))
        cJSON_AddItemReferenceToObject(p, "metadata", (cJSON *)m);
    else
        cJSON_AddObjectToObject(p, "metadata");
    return p;
}

/* A list's metadata as the Table's (and PartialObjectMetadataList's): the list's ListMeta, or for
 * one object its resourceVersion. */
static cJSON *list_meta(const cJSON *obj, bool list)
{
    cJSON *m = cJSON_CreateObject();
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (*cj_str0(src, "resourceVersion"))
        cJSON_AddStringToObject(m, "resourceVersion", cj_str0(src, "resourceVersion"));
    if (list && *cj_str0(src, "continue"))
        cJSON_AddStringToObject(m, "continue", cj_str0(src, "continue"));
    if (list && cJSON_IsNumber(cj_get(src, "remainingItemCount")))
        cJSON_AddNumberToObject(m, "remainingItemCount", cj_get(src, "remainingItemCount")->valuedouble);
    return m;
}

static cJSON *table_of(const fa_resource *res, const cJSON *obj, bool list, bool scale, const fa_output *o,
                       int64_t now_ms, bool headers)
{
    convertor cv;
    convertor_for(res, scale, &cv);
    char av[32], gv[256];
    snprintf(av, sizeof av, "meta.k8s.io/%s", o->version);
    fa_gv(res, gv, sizeof gv);
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "kind", "Table");
    cJSON_AddStringToObject(t, "apiVersion", av);
    cJSON_AddItemToObject(t, "metadata", list_meta(obj, list));
    /* later watch events leave the headers out (NoHeaders): null, as Go encodes a nil slice */
    cJSON_AddItemToObject(t, "columnDefinitions", headers ? columns_json(&cv) : cJSON_CreateNull());
    cJSON *rows = cJSON_AddArrayToObject(t, "rows");
    const cJSON *items = list ? cJSON_GetObjectItemCaseSensitive(obj, "items") : NULL, *item;
    for (item = list ? (items ? items->child : NULL) : obj; item; item = list ? item->next : NULL) {
        row r = {.now = now_ms, .cells = cJSON_CreateArray()};
        row_cells(&cv, &r, item);
        cJSON *ro = cJSON_CreateObject();
        cJSON_AddItemToObject(ro, "cells", r.cells);
        if (r.conditions)
            cJSON_AddItemToObject(ro, "conditions", r.conditions);
        if (o->include == FA_INCLUDE_NONE) {
            cJSON_AddNullToObject(ro, "object");
        } else if (o->include == FA_INCLUDE_OBJECT) {
            cJSON *full = cJSON_Duplicate(item, 1);
            if (!scale) /* the object as served at the requested version (no schema conversion) */
                cj_set_first(full, "apiVersion", cJSON_CreateString(gv));
            cJSON_AddItemToObject(ro, "object", full);
        } else {
            cJSON_AddItemToObject(ro, "object", partial_of(item, o->version));
        }
        cJSON_AddItemToArray(rows, ro);
    }
    cJSON_Delete(cv.custom);
    return t;
}

cJSON *fa_table(const fa_resource *res, const cJSON *obj, bool list, const fa_output *o, int64_t now_ms,
                bool headers)
{
    return table_of(res, obj, list, false, o, now_ms, headers);
}

/* The Go type the apiserver names in a PartialObjectMetadata mismatch: "*core.Pod",
 * "*apps.DeploymentList", "*unstructured.Unstructured". */
static void go_type(const fa_resource *res, bool list, char *buf, size_t n)
{
    if (res->crd_name) {
        snprintf(buf, n, "*unstructured.Unstructured%s", list ? "List" : "");
        return;
    }
    char pkg[64];
    const char *g = !*res->group || !strcmp(res->group, "events.k8s.io") ? "core" : res->group;
    snprintf(pkg, sizeof pkg, "%.*s", (int)strcspn(g, "."), g);
    snprintf(buf, n, "*%s.%s%s", pkg, res->kind, list ? "List" : "");
}

char *fa_output_render(fa_req *r, const fa_output *o, const cJSON *doc, fa_shape shape, enum MHD_Result *ret)
{
    fa_output opts = *o;
    cJSON *out = NULL;
    char type[160];
    switch (o->as) {
    case FA_AS_OBJECT:
        return cJSON_PrintUnformatted(doc);
    case FA_AS_PARTIAL:
        if (shape == FA_SHAPE_LIST) {
            go_type(r->res, true, type, sizeof type);
            *ret = fa_error(r, 406, "NotAcceptable",
                            "you requested PartialObjectMetadata, but the requested object is a list (%s)", type);
            return NULL;
        }
        out = partial_of(doc, o->version);
        break;
    case FA_AS_PARTIAL_LIST: {
        if (shape != FA_SHAPE_LIST) {
            go_type(r->res, false, type, sizeof type);
            if (shape == FA_SHAPE_SCALE)
                snprintf(type, sizeof type, "*autoscaling.Scale");
            *ret = fa_error(r, 406, "NotAcceptable",
                            "you requested PartialObjectMetadataList, but the requested object is not a list (%s)",
                            type);
            return NULL;
        }
        char av[32];
        snprintf(av, sizeof av, "meta.k8s.io/%s", o->version);
        out = cJSON_CreateObject();
        cJSON_AddStringToObject(out, "kind", "PartialObjectMetadataList");
        cJSON_AddStringToObject(out, "apiVersion", av);
        cJSON_AddItemToObject(out, "metadata", list_meta(doc, true));
        cJSON *items = cJSON_AddArrayToObject(out, "items");
        const cJSON *item;
        cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(doc, "items"))
            cJSON_AddItemToArray(items, partial_of(item, o->version));
        break;
    }
    case FA_AS_TABLE:
        if (fa_output_options(r, &opts, ret) != 0)
            return NULL;
        out = table_of(r->res, doc, shape == FA_SHAPE_LIST, shape == FA_SHAPE_SCALE, &opts,
                       co_clock_now_ms(r->f->clock), true);
        break;
    }
    char *text = cJSON_PrintUnformatted(out);
    cJSON_Delete(out);
    return text;
}

char *fa_output_event(const fa_resource *res, const fa_output *o, const char *json, int64_t now_ms, bool headers)
{
    if (o->as == FA_AS_OBJECT || o->as == FA_AS_PARTIAL_LIST)
        return NULL;
    cJSON *obj = cJSON_Parse(json);
    if (!obj || cj_streq(cj_str(obj, "kind"), "Status")) {
        cJSON_Delete(obj);
        return NULL;
    }
    cJSON *out = o->as == FA_AS_TABLE ? table_of(res, obj, false, false, o, now_ms, headers)
                                      : partial_of(obj, o->version);
    char *text = cJSON_PrintUnformatted(out);
    cJSON_Delete(out);
    cJSON_Delete(obj);
    return text;
}
