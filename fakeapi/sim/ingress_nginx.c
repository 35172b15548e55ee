/* ingress_nginx.c: the simulated ingress-nginx: the routing table built from the store's
 * Ingresses, the per-request canary decision, endpoint selection, and the HTTP port that serves it.
 *
 * The table mirrors how the controller (internal/ingress/controller/controller.go) turns Ingresses
 * into nginx servers, locations and upstreams: upstreams are keyed by namespace/service/port and
 * created in Ingress order (creationTimestamp, then namespace/name); an upstream first referenced by
 * a canary Ingress is an alternative only ("NoServer") and carries that Ingress's traffic-shaping
 * policy; every host gets a server with an implicit root location on the default backend; the first
 * Ingress to claim a (host, path, pathType) keeps it; canary paths are merged into the primary
 * upstream of the location with the same host, path and pathType, and only the first alternative of
 * an upstream is ever used. The request-time decision is a transcription of balancer.lua
 * (route_to_alternative_balancer, get_balancer), see kube-api.md section 5.
 *
 * The table is rebuilt only when an Ingress or IngressClass changed; Services, Endpoints and Pods
 * are read for every request, as nginx's balancers see endpoint changes within a second (the real
 * controller reads EndpointSlices; the simulated cluster keeps core/v1 Endpoints). The file also
 * holds the controller's Ingress status writes (fa_sim_ingress_nginx). */
#include "fakeapi/sim/ingress_nginx.h"

#include "fakeapi/sim/sim.h"

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define ING_KEY "ingresses.networking.k8s.io"
#define CLASS_KEY "ingressclasses.networking.k8s.io"
#define NGINX_CLASS "nginx"                  /* ingress-nginx's default --ingress-class */
#define NGINX_CONTROLLER "k8s.io/ingress-nginx" /* and its default --controller-class */

enum { PT_EXACT, PT_PREFIX, PT_IMPL };

/* The canary annotations of one Ingress (canary/main.go), already defaulted. */
typedef struct {
    const char *header, *value, *pattern, *cookie; /* point into the Ingress object; "" when unset */
    long weight, total;
    regex_t re;
    int re_state; /* 0 not compiled yet, 1 compiled, -1 does not compile (a runtime error: main) */
} policy_t;

typedef struct {
    const cJSON *obj; /* in the table's list */
    const char *ns, *name;
    int64_t created;
    bool canary;
    policy_t pol;
} ing_t;

/* An nginx upstream: one Service port of one namespace. */
typedef struct {
    const char *ns, *svc;
    char port[64];   /* the backend port as the Ingress gives it: a number or a name */
    bool noserver;   /* first referenced by a canary Ingress: only ever an alternative */
    bool deleted;    /* a canary backend that found no primary ("unable to find real backend") */
    int policy_ing;  /* the canary Ingress whose traffic-shaping policy it carries, -1 none */
    int alt;         /* its first alternative upstream, -1 none */
    int alt_ing;     /* the canary Ingress that merged that alternative */
} ups_t;

typedef struct {
    int server;
    const char *path; /* "/" for an empty rule path */
    int type;
    int ups;          /* -1: the default backend (404) */
    bool defbackend;  /* the server's implicit root location, which a rule for "/" replaces */
    int ing;          /* the Ingress that configured it, -1 for the default server's root */
} loc_t;

typedef struct {
    char *key; /* namespace/service/port */
    uint64_t next;
} rr_t;

struct fa_ingress {
    char *prefix; /* --annotations-prefix */
    uint16_t port;
    /* the routing table and the resourceVersion it reflects */
    bool built;
    int64_t rv;
    cJSON *list;
    ing_t *ings;
    int ning, ing_cap;
    ups_t *ups;
    int nups, ups_cap;
    loc_t *locs;
    int nloc, loc_cap;
    const char **servers; /* host names; [0] is "_", the default server */
    int nserv, serv_cap;
    /* round robin position per upstream; survives table rebuilds, as nginx's balancers do */
    rr_t *rr;
    int nrr, rr_cap;
};

/* Makes room for one more element in a dynamic array. */
static void *grow(void *arr, int n, int *cap, size_t size)
{
    if (n == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        arr = realloc(arr, (size_t)*cap * size);
    }
    return arr;
}

/* Appends a zeroed element to the array arr (n elements, room for cap); evaluates to a pointer to it. */
#define PUSH(arr, n, cap) \
    ((arr) = grow((arr), (n), &(cap), sizeof *(arr)), memset(&(arr)[(n)], 0, sizeof *(arr)), &(arr)[(n)++])

static struct fa_ingress *state(fakeapi *f)
{
    if (!f->ingress_state) {
        f->ingress_state = calloc(1, sizeof *f->ingress_state);
        f->ingress_state->prefix = strdup(FA_INGRESS_DEFAULT_PREFIX);
    }
    return f->ingress_state;
}

static void table_free(struct fa_ingress *st)
{
    for (int i = 0; i < st->ning; i++)
        if (st->ings[i].pol.re_state == 1)
            regfree(&st->ings[i].pol.re);
    cJSON_Delete(st->list);
    free(st->ings);
    free(st->ups);
    free(st->locs);
    free(st->servers);
    st->list = NULL;
    st->ings = NULL;
    st->ups = NULL;
    st->locs = NULL;
    st->servers = NULL;
    st->ning = st->ing_cap = st->nups = st->ups_cap = st->nloc = st->loc_cap = st->nserv = st->serv_cap = 0;
    st->built = false;
}

/* ---- parsing Ingresses ---- */

static const char *annotation(const cJSON *obj, const char *prefix, const char *name)
{
    char key[512];
    if (prefix)
        snprintf(key, sizeof key, "%s/%s", prefix, name);
    else
        snprintf(key, sizeof key, "%s", name);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cj_get(obj, "metadata.annotations"), key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Go's strconv.ParseBool: 1 true, 0 false, -1 not a bool. */
static int parse_bool(const char *s)
{
    static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"},
                             *const fl[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (int i = 0; s && i < 6; i++) {
        if (!strcmp(s, t[i]))
            return 1;
        if (!strcmp(s, fl[i]))
            return 0;
    }
    return -1;
}

/* Go's strconv.Atoi (an optional sign, then digits only); false when s is not an int. */
static bool parse_int(const char *s, long *out)
{
    if (!s || !*s)
        return false;
    const char *p = s + (*s == '+' || *s == '-');
    if (!*p)
        return false;
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q))
            return false;
    errno = 0;
    long v = strtol(s, NULL, 10);
    if (errno)
        return false;
    *out = v;
    return true;
}

/* The canary annotations (canary/main.go). Invalid values take the defaults; canary-* annotations
 * on an Ingress that is not canary: "true" make the set invalid, and the Ingress is a plain main. */
static void parse_canary(ing_t *in, const char *prefix)
{
    const cJSON *o = in->obj;
    policy_t *p = &in->pol;
    bool enabled = parse_bool(annotation(o, prefix, "canary")) == 1;
    if (!parse_int(annotation(o, prefix, "canary-weight"), &p->weight))
        p->weight = 0;
    if (!parse_int(annotation(o, prefix, "canary-weight-total"), &p->total))
        p->total = 100;
    const char *h = annotation(o, prefix, "canary-by-header"), *hv = annotation(o, prefix, "canary-by-header-value"),
               *hp = annotation(o, prefix, "canary-by-header-pattern"), *c = annotation(o, prefix, "canary-by-cookie");
    p->header = h ? h : "";
    p->value = hv ? hv : "";
    p->pattern = hp ? hp : "";
    p->cookie = c ? c : "";
    in->canary = enabled;
    if (!enabled) /* "configured but not enabled", or simply not a canary: no policy at all */
        *p = (policy_t){.header = "", .value = "", .pattern = "", .cookie = "", .weight = 0, .total = 100};
}

/* Does ingress-nginx (class "nginx", controller k8s.io/ingress-nginx) own this Ingress? The legacy
 * annotation wins over spec.ingressClassName; an Ingress without either is served too, as by the
 * kind deployment the blog uses, whose IngressClass is the cluster default. */
static bool class_ok(const cJSON *ing, const cJSON *classes)
{
    const char *ann = annotation(ing, NULL, "kubernetes.io/ingress.class");
    if (ann)
        return !strcmp(ann, NGINX_CLASS);
    const char *cn = cj_str(ing, "spec.ingressClassName");
    if (!cn || !strcmp(cn, NGINX_CLASS))
        return true;
    const cJSON *c;
    cJSON_ArrayForEach(c, classes)
    {
        const char *name = cj_str(c, "metadata.name"), *ctl = cj_str(c, "spec.controller");
        if (name && !strcmp(name, cn))
            return ctl && !strcmp(ctl, NGINX_CONTROLLER);
    }
    return false;
}

static int cmp_ing(const void *a, const void *b)
{
    const ing_t *x = a, *y = b;
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    int c = strcmp(x->ns, y->ns);
    return c ? c : strcmp(x->name, y->name);
}

static int path_type(const cJSON *path)
{
    const char *t = cj_str(path, "pathType");
    if (t && !strcmp(t, "Exact"))
        return PT_EXACT;
    if (t && !strcmp(t, "ImplementationSpecific"))
        return PT_IMPL;
    return PT_PREFIX; /* Prefix, and ingress-nginx's default for a missing pathType */
}

/* The backend port of an IngressServiceBackend as text: its number or its name. */
static void backend_port(const cJSON *svc, char *out, size_t n)
{
    const cJSON *num = cj_get(svc, "port.number");
    const char *name = cj_str(svc, "port.name");
    if (cJSON_IsNumber(num))
        snprintf(out, n, "%d", num->valueint);
    else
        snprintf(out, n, "%s", name ? name : "");
}

/* The upstream for (ns, backend.service), created on first use by Ingress i. */
static int upstream(struct fa_ingress *st, int i, const cJSON *svc)
{
    const char *ns = st->ings[i].ns, *name = cj_str(svc, "name");
    if (!name)
        return -1;
    char port[64];
    backend_port(svc, port, sizeof port);
    for (int u = 0; u < st->nups; u++)
        if (!strcmp(st->ups[u].ns, ns) && !strcmp(st->ups[u].svc, name) && !strcmp(st->ups[u].port, port))
            return u;
    ups_t *u = PUSH(st->ups, st->nups, st->ups_cap);
    u->ns = ns;
    u->svc = name;
    snprintf(u->port, sizeof u->port, "%s", port);
    u->policy_ing = u->alt = u->alt_ing = -1;
    if (st->ings[i].canary) {
        u->noserver = true;
        u->policy_ing = i;
    }
    return st->nups - 1;
}

static int find_server(struct fa_ingress *st, const char *host)
{
    for (int s = 0; s < st->nserv; s++)
        if (!strcasecmp(st->servers[s], host))
            return s;
    return -1;
}

static const char *rule_host(const cJSON *rule)
{
    const char *h = cj_str(rule, "host");
    return h && *h ? h : "_";
}

static void add_loc(struct fa_ingress *st, int server, const char *path, int type, int ups, bool defbackend, int ing)
{
    loc_t *l = PUSH(st->locs, st->nloc, st->loc_cap);
    *l = (loc_t){server, path, type, ups, defbackend, ing};
}

/* Canary merging (mergeAlternativeBackends): alt becomes an alternative of the primary upstream of
 * each location of server s with this path and pathType (any location when any_path: a canary's
 * spec.defaultBackend on the default server). A canary that finds no primary is removed. */
static void merge_into_server(struct fa_ingress *st, int ci, int alt, int s, const char *path, int type, bool any_path)
{
    bool merged = false, alt_is_primary = false;
    for (int l = 0; l < st->nloc; l++) {
        loc_t *loc = &st->locs[l];
        if (loc->server != s)
            continue;
        if (loc->ups == alt) {
            /* "alternative upstream ... is primary upstream in Other Ingress": refused, kept */
            alt_is_primary = true;
            break;
        }
        if (loc->ups < 0 || st->ups[loc->ups].noserver)
            continue; /* the default backend, or another alternative, takes no canary */
        if (!any_path && (strcmp(loc->path, path) || loc->type != type))
            continue;
        ups_t *pri = &st->ups[loc->ups];
        if (pri->alt < 0) {
            pri->alt = alt;
            pri->alt_ing = ci;
        }
        /* a later alternative is appended after the first, and never used at request time */
        merged = true;
    }
    if (!alt_is_primary && !merged)
        st->ups[alt].deleted = true; /* "unable to find real backend for alternative backend" */
}

static void table_build(fakeapi *f, struct fa_ingress *st)
{
    table_free(st);
    cJSON *classes = fa_sim_list(f, CLASS_KEY, NULL);
    st->list = fa_sim_list(f, ING_KEY, NULL);
    const cJSON *o;
    cJSON_ArrayForEach(o, st->list)
    {
        if (!class_ok(o, classes))
            continue;
        ing_t *in = PUSH(st->ings, st->ning, st->ing_cap);
        in->obj = o;
        in->ns = cj_str(o, "metadata.namespace") ? cj_str(o, "metadata.namespace") : "";
        in->name = cj_str(o, "metadata.name") ? cj_str(o, "metadata.name") : "";
        const char *ts = cj_str(o, "metadata.creationTimestamp");
        if (!ts || co_time_parse(ts, &in->created) != 0)
            in->created = 0;
        parse_canary(in, st->prefix);
    }
    cJSON_Delete(classes);
    qsort(st->ings, (size_t)st->ning, sizeof *st->ings, cmp_ing);

    /* upstreams, in Ingress order (createUpstreams) */
    for (int i = 0; i < st->ning; i++) {
        const cJSON *spec = cj_get(st->ings[i].obj, "spec"), *rule, *path;
        if (cj_get(spec, "defaultBackend.service"))
            upstream(st, i, cj_get(spec, "defaultBackend.service"));
        cJSON_ArrayForEach(rule, cj_get(spec, "rules"))
        {
            cJSON_ArrayForEach(path, cj_get(rule, "http.paths"))
            {
                if (cj_get(path, "backend.service"))
                    upstream(st, i, cj_get(path, "backend.service"));
            }
        }
    }

    /* servers, each with its root location on the default backend or on the Ingress's
     * spec.defaultBackend (createServers); an Ingress with a defaultBackend and no rules takes the
     * default server's root */
    *PUSH(st->servers, st->nserv, st->serv_cap) = "_";
    add_loc(st, 0, "/", PT_PREFIX, -1, true, -1);
    for (int i = 0; i < st->ning; i++) {
        if (st->ings[i].canary)
            continue;
        const cJSON *spec = cj_get(st->ings[i].obj, "spec"), *rule;
        int un = -1;
        if (cj_get(spec, "defaultBackend.service")) {
            un = upstream(st, i, cj_get(spec, "defaultBackend.service"));
            loc_t *root = &st->locs[0];
            if (root->defbackend && root->ups < 0 && cJSON_GetArraySize(cj_get(spec, "rules")) == 0) {
                root->ups = un;
                root->defbackend = false;
                root->ing = i;
            }
        }
        cJSON_ArrayForEach(rule, cj_get(spec, "rules"))
        {
            const char *host = rule_host(rule);
            if (find_server(st, host) >= 0)
                continue;
            *PUSH(st->servers, st->nserv, st->serv_cap) = host;
            add_loc(st, st->nserv - 1, "/", PT_PREFIX, un, true, un >= 0 ? i : -1);
        }
    }

    /* locations: the first Ingress to claim (host, path, pathType) keeps it (getBackendServers) */
    for (int i = 0; i < st->ning; i++) {
        const cJSON *rule, *path;
        cJSON_ArrayForEach(rule, cj_get(st->ings[i].obj, "spec.rules"))
        {
            int s = find_server(st, rule_host(rule));
            if (s < 0)
                s = 0;
            cJSON_ArrayForEach(path, cj_get(rule, "http.paths"))
            {
                const cJSON *svc = cj_get(path, "backend.service");
                int u = svc ? upstream(st, i, svc) : -1;
                if (u < 0 || st->ups[u].noserver)
                    continue;
                const char *p = cj_str(path, "path");
                p = p && *p ? p : "/";
                int type = path_type(path);
                bool add = true;
                for (int l = 0; l < st->nloc && add; l++) {
                    loc_t *loc = &st->locs[l];
                    /* the implicit root is replaced by any rule for "/" but an Exact one; the
                     * controller compares pathTypes here, but the blog's ImplementationSpecific
                     * "/" demonstrably takes over the root in a real cluster */
                    if (loc->server != s || strcmp(loc->path, p) ||
                        !(loc->type == type || (loc->defbackend && type != PT_EXACT)))
                        continue;
                    add = false;
                    if (loc->defbackend)
                        *loc = (loc_t){s, p, type, u, false, i};
                }
                if (add)
                    add_loc(st, s, p, type, u, false, i);
            }
        }
    }

    /* canaries, merged only when there is at least one main Ingress */
    bool any_main = false;
    for (int i = 0; i < st->ning; i++)
        any_main |= !st->ings[i].canary;
    for (int i = 0; any_main && i < st->ning; i++) {
        if (!st->ings[i].canary)
            continue;
        const cJSON *spec = cj_get(st->ings[i].obj, "spec"), *rule, *path;
        if (cj_get(spec, "defaultBackend.service")) {
            int alt = upstream(st, i, cj_get(spec, "defaultBackend.service"));
            if (alt >= 0 && !st->ups[alt].deleted)
                merge_into_server(st, i, alt, 0, NULL, 0, true);
        }
        cJSON_ArrayForEach(rule, cj_get(spec, "rules"))
        {
            int s = find_server(st, rule_host(rule));
            cJSON_ArrayForEach(path, cj_get(rule, "http.paths"))
            {
                const cJSON *svc = cj_get(path, "backend.service");
                int alt = svc ? upstream(st, i, svc) : -1;
                if (alt < 0 || st->ups[alt].deleted || s < 0)
                    continue; /* already removed, or a host no main Ingress serves */
                const char *p = cj_str(path, "path");
                merge_into_server(st, i, alt, s, p && *p ? p : "/", path_type(path), false);
            }
        }
    }
    st->built = true;
}

/* Rebuilds the table when an Ingress or IngressClass changed since it was built. The event log
 * answers that cheaply unless compaction dropped events we have not seen. */
static void table_refresh(fakeapi *f, struct fa_ingress *st)
{
    int64_t rv = fa_store_rv(f->store);
    if (st->built && rv == st->rv)
        return;
    if (!st->built || fa_store_compacted(f->store) > st->rv ||
        fa_store_changed_since(f->store, ING_KEY, NULL, st->rv) || fa_store_changed_since(f->store, CLASS_KEY, NULL, st->rv))
        table_build(f, st);
    st->rv = rv;
}

/* ---- matching a request ---- */

/* Lower-cases host, drops a port and a trailing dot (as nginx does). */
static void normalize_host(const char *in, char *out, size_t n)
{
    in = in ? in : "";
    size_t len = strlen(in);
    if (*in == '[') { /* [v6]:port */
        const char *end = strchr(in, ']');
        len = end ? (size_t)(end - in) + 1 : len;
    } else if (strchr(in, ':') && strchr(in, ':') == strrchr(in, ':')) {
        len = (size_t)(strchr(in, ':') - in);
    }
    if (len >= n)
        len = n - 1;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)in[i]);
    out[len] = 0;
    if (len && out[len - 1] == '.')
        out[len - 1] = 0;
}

/* Exact host first, then a wildcard rule ("*.example.com" covers exactly one more label), then the
 * default server, as nginx picks a server block. */
static int pick_server(struct fa_ingress *st, const char *host)
{
    if (!*host)
        return 0;
    for (int s = 1; s < st->nserv; s++)
        if (st->servers[s][0] != '*' && !strcasecmp(st->servers[s], host))
            return s;
    const char *dot = strchr(host, '.');
    for (int s = 1; dot && dot != host && s < st->nserv; s++)
        if (!strncmp(st->servers[s], "*.", 2) && !strcasecmp(st->servers[s] + 1, dot))
            return s;
    return 0;
}

/* How well a location's path matches the request path: -1 no match, else a rank where higher
 * wins. Exact matches beat everything (nginx "location ="); prefixes match whole '/'-separated
 * elements ("/foo" covers "/foo" and "/foo/bar", not "/foobar"; a trailing '/' in the rule is
 * ignored) and the longest wins. ImplementationSpecific is treated as Prefix. */
static long path_rank(const loc_t *l, const char *req)
{
    if (l->type == PT_EXACT)
        return strcmp(l->path, req) ? -1 : (long)1 << 40;
    size_t n = strlen(l->path);
    while (n && l->path[n - 1] == '/')
        n--;
    if (strncmp(l->path, req, n) || (req[n] && req[n] != '/'))
        return -1;
    return (long)n;
}

/* The first value of a request header; names match case-insensitively with '-' and '_' equal,
 * as nginx's $http_<name> variables do. */
static const char *header_value(const char *const *headers, const char *name)
{
    for (int i = 0; headers && headers[i] && headers[i + 1]; i += 2) {
        const char *a = headers[i], *b = name;
        for (; *a && *b; a++, b++) {
            char x = (char)tolower((unsigned char)*a), y = (char)tolower((unsigned char)*b);
            if (x == '_')
                x = '-';
            if (y == '_')
                y = '-';
            if (x != y)
                break;
        }
        if (!*a && !*b)
            return headers[i + 1];
    }
    return NULL;
}

/* The value of a cookie (case-insensitive name, as nginx's $cookie_<name>) in buf, or NULL. */
static const char *cookie_value(const char *cookies, const char *name, char *buf, size_t n)
{
    size_t nl = strlen(name);
    for (const char *p = cookies; p && *p;) {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        if (!end)
            end = p + strlen(p);
        if (!strncasecmp(p, name, nl) && p[nl] == '=') {
            size_t vl = (size_t)(end - (p + nl + 1));
            if (vl >= n)
                vl = n - 1;
            memcpy(buf, p + nl + 1, vl);
            buf[vl] = 0;
            return buf;
        }
        p = end;
    }
    return NULL;
}

/* canary-by-header-pattern is a PCRE for ngx.re.match; <regex.h> has POSIX extended regular
 * expressions, so the common PCRE escapes \d \w \s (and their negations) are spelled out and a
 * leading (?i) becomes REG_ICASE. Anything else PCRE-only is a compile error: main, as a runtime
 * regex error is in Lua. */
static int compile_pattern(policy_t *p)
{
    const char *src = p->pattern;
    int flags = REG_EXTENDED | REG_NOSUB;
    if (!strncmp(src, "(?i)", 4)) {
        flags |= REG_ICASE;
        src += 4;
    }
    co_buf b = {0};
    bool in_class = false;
    for (const char *s = src; *s; s++) {
        if (*s == '\\' && s[1] && strchr("dDwWsS", s[1])) {
            static const char *const cls[] = {"0-9", "[:alnum:]_", "[:space:]"};
            int k = s[1] == 'd' || s[1] == 'D' ? 0 : s[1] == 'w' || s[1] == 'W' ? 1 : 2;
            bool neg = isupper((unsigned char)s[1]);
            if (in_class && !neg)
                co_buf_adds(&b, cls[k]);
            else if (!in_class)
                co_buf_printf(&b, "[%s%s]", neg ? "^" : "", cls[k]);
            else {
                co_buf_free(&b); /* a negated class inside a bracket: no POSIX spelling */
                return -1;
            }
            s++;
            continue;
        }
        if (*s == '\\' && s[1]) {
            co_buf_add(&b, s, 2);
            s++;
            continue;
        }
        if (*s == '[' && !in_class) {
            in_class = true;
            co_buf_add(&b, s, 1);
            if (s[1] == '^')
                co_buf_add(&b, ++s, 1);
            if (s[1] == ']')
                co_buf_add(&b, ++s, 1);
            continue;
        }
        if (*s == ']' && in_class)
            in_class = false;
        co_buf_add(&b, s, 1);
    }
    int rc = regcomp(&p->re, b.data ? b.data : "", flags);
    co_buf_free(&b);
    return rc == 0 ? 1 : -1;
}

/* route_to_alternative_balancer, from the point where the request has no session affinity:
 * header, then cookie, then weight. */
static bool to_canary(fakeapi *f, policy_t *p, const char *const *headers, const char *cookies)
{
    const char *h = *p->header ? header_value(headers, p->header) : NULL;
    if (h) {
        if (*p->value) {
            if (!strcmp(h, p->value))
                return true;
        } else if (*p->pattern) {
            if (p->re_state == 0)
                p->re_state = compile_pattern(p);
            if (p->re_state < 0)
                return false; /* a regex error routes to the main backend, no fall-through */
            if (regexec(&p->re, h, 0, NULL, 0) == 0)
                return true;
        } else if (!strcmp(h, "always")) {
            return true;
        } else if (!strcmp(h, "never")) {
            return false;
        }
    }
    char buf[4096];
    const char *c = *p->cookie ? cookie_value(cookies, p->cookie, buf, sizeof buf) : NULL;
    if (c && !strcmp(c, "always"))
        return true;
    if (c && !strcmp(c, "never"))
        return false;
    long total = p->total > 100 ? p->total : 100;
    long r = 1 + (long)(fa_sim_rand(f) % (uint64_t)total); /* math.random(total) */
    return r <= p->weight;
}

/* ---- endpoints and pods ---- */

typedef struct {
    const char *ip, *pod, *pod_ns; /* point into the Endpoints object */
} ep_t;

/* Does a subset serve this Service port? Ports match by name (both empty for a single unnamed
 * port) and are TCP; a subset without ports (hand-written Endpoints) is taken as serving it. */
static bool subset_serves(const cJSON *subset, const char *port_name)
{
    const cJSON *ports = cj_get(subset, "ports"), *p;
    if (cJSON_GetArraySize(ports) == 0)
        return true;
    cJSON_ArrayForEach(p, ports)
    {
        const char *name = cj_str(p, "name"), *proto = cj_str(p, "protocol");
        if (!strcmp(name ? name : "", port_name) && (!proto || !strcmp(proto, "TCP")))
            return true;
    }
    return false;
}

/* The ready endpoints of upstream u (serviceEndpoints: the Service port whose number, targetPort or
 * name is the backend port, then the Endpoints addresses for it). *eps_obj owns the strings. */
static int ready_endpoints(fakeapi *f, const ups_t *u, ep_t **out, cJSON **eps_obj)
{
    *out = NULL;
    *eps_obj = NULL;
    cJSON *svc = fa_sim_get(f, "services", u->ns, u->svc);
    const char *type = cj_str(svc, "spec.type");
    const cJSON *sp = NULL, *p;
    /* an ExternalName Service has no endpoints to balance over */
    const cJSON *ports = type && !strcmp(type, "ExternalName") ? NULL : cj_get(svc, "spec.ports");
    cJSON_ArrayForEach(p, ports)
    {
        char num[32] = "", target[64] = "";
        const cJSON *tp = cj_get(p, "targetPort");
        if (cJSON_IsNumber(cj_get(p, "port")))
            snprintf(num, sizeof num, "%d", cj_get(p, "port")->valueint);
        if (cJSON_IsNumber(tp))
            snprintf(target, sizeof target, "%d", tp->valueint);
        else if (cJSON_IsString(tp))
            snprintf(target, sizeof target, "%s", tp->valuestring);
        const char *name = cj_str(p, "name");
        if (!strcmp(num, u->port) || !strcmp(target, u->port) || (name && !strcmp(name, u->port))) {
            sp = p;
            break;
        }
    }
    int n = 0, cap = 0;
    if (sp) {
        const char *port_name = cj_str(sp, "name") ? cj_str(sp, "name") : "";
        *eps_obj = fa_sim_get(f, "endpoints", u->ns, u->svc);
        const cJSON *subset, *a;
        cJSON_ArrayForEach(subset, cj_get(*eps_obj, "subsets"))
        {
            if (!subset_serves(subset, port_name))
                continue;
            cJSON_ArrayForEach(a, cj_get(subset, "addresses"))
            {
                if (!cj_str(a, "ip"))
                    continue;
                const char *kind = cj_str(a, "targetRef.kind");
                ep_t *e = PUSH(*out, n, cap);
                e->ip = cj_str(a, "ip");
                e->pod = !kind || !strcmp(kind, "Pod") ? cj_str(a, "targetRef.name") : NULL;
                e->pod_ns = cj_str(a, "targetRef.namespace") ? cj_str(a, "targetRef.namespace") : u->ns;
            }
        }
    }
    cJSON_Delete(svc);
    return n;
}

/* The pod behind an endpoint: its targetRef, else the pod with that IP. Caller frees. */
static cJSON *endpoint_pod(fakeapi *f, const ep_t *e)
{
    if (e->pod)
        return fa_sim_get(f, "pods", e->pod_ns, e->pod);
    cJSON *pods = fa_sim_list(f, "pods", e->pod_ns), *p, *found = NULL;
    cJSON_ArrayForEach(p, pods)
    {
        const char *ip = cj_str(p, "status.podIP");
        if (ip && !strcmp(ip, e->ip)) {
            found = cJSON_DetachItemViaPointer(pods, p);
            break;
        }
    }
    cJSON_Delete(pods);
    return found;
}

/* Round robin over an upstream's endpoints: one position per upstream, kept across calls. */
static size_t rr_next(struct fa_ingress *st, const ups_t *u, int n)
{
    char key[600];
    snprintf(key, sizeof key, "%s/%s/%s", u->ns, u->svc, u->port);
    rr_t *r = NULL;
    for (int i = 0; i < st->nrr && !r; i++)
        if (!strcmp(st->rr[i].key, key))
            r = &st->rr[i];
    if (!r) {
        r = PUSH(st->rr, st->nrr, st->rr_cap);
        r->key = strdup(key);
    }
    return (size_t)(r->next++ % (uint64_t)n);
}

/* nginx's built-in error page for a status. */
static void error_page(fa_ingress_result *out, int code)
{
    const char *text = code == 404 ? "Not Found" : code == 502 ? "Bad Gateway" : "Service Temporarily Unavailable";
    co_buf b = {0};
    co_buf_printf(&b,
                  "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n"
                  "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                  code, text, code, text);
    out->status = code;
    out->body_len = b.len;
    out->body = co_buf_take(&b);
}

/* Serves the request from upstream u: a pod picked round robin answers. */
static void serve(fakeapi *f, struct fa_ingress *st, const ups_t *u, ep_t *eps, int n, fa_ingress_result *out)
{
    snprintf(out->service, sizeof out->service, "%s", u->svc);
    const ep_t *e = &eps[rr_next(st, u, n)];
    snprintf(out->pod_ip, sizeof out->pod_ip, "%s", e->ip);
    cJSON *pod = endpoint_pod(f, e);
    if (!pod) { /* an address nothing listens on: nginx's upstream connect fails */
        error_page(out, 502);
        return;
    }
    const char *name = cj_str(pod, "metadata.name") ? cj_str(pod, "metadata.name") : "";
    snprintf(out->pod, sizeof out->pod, "%s", name);
    const char *hash = cj_str(pod, "metadata.labels.rollouts-pod-template-hash");
    if (!hash)
        hash = cj_str(pod, "metadata.labels.pod-template-hash");
    snprintf(out->pod_template_hash, sizeof out->pod_template_hash, "%s", hash ? hash : "");
    const cJSON *c0 = cJSON_GetArrayItem(cj_get(pod, "spec.containers"), 0);
    const fakeapi_image *img = fa_sim_image(f, cj_str(c0, "image"));
    co_buf b = {0};
    if (img && img->body)
        co_buf_adds(&b, img->body);
    else
        co_buf_printf(&b, "%s\n", name);
    out->status = 200;
    out->body_len = b.len;
    out->body = b.data ? co_buf_take(&b) : strdup(""); /* an image configured to answer nothing */
    cJSON_Delete(pod);
}

static void set_ingress(struct fa_ingress *st, int i, fa_ingress_result *out)
{
    if (i < 0)
        return;
    snprintf(out->ingress_ns, sizeof out->ingress_ns, "%s", st->ings[i].ns);
    snprintf(out->ingress, sizeof out->ingress, "%s", st->ings[i].name);
}

int fa_ingress_route(fakeapi *f, const char *host, const char *path, const char *const *headers,
                     const char *cookie_header, fa_ingress_result *out)
{
    memset(out, 0, sizeof *out);
    struct fa_ingress *st = state(f);
    table_refresh(f, st);

    char h[256];
    normalize_host(host, h, sizeof h);
    /* the path without its query, with repeated slashes merged (nginx merge_slashes) */
    co_buf pb = {0};
    const char *src = path && *path == '/' ? path : "/";
    for (const char *s = src; *s && *s != '?' && *s != '#'; s++)
        if (!(*s == '/' && pb.len && pb.data[pb.len - 1] == '/'))
            co_buf_add(&pb, s, 1);
    if (!pb.len)
        co_buf_adds(&pb, "/");

    int s = pick_server(st, h), best = -1;
    long best_rank = -1;
    for (int l = 0; l < st->nloc; l++) {
        if (st->locs[l].server != s)
            continue;
        long r = path_rank(&st->locs[l], pb.data);
        if (r > best_rank) {
            best_rank = r;
            best = l;
        }
    }
    co_buf_free(&pb);
    const loc_t *loc = best >= 0 ? &st->locs[best] : NULL;
    if (!loc || loc->ups < 0) { /* the default backend */
        error_page(out, 404);
        return out->status;
    }

    /* get_balancer: no endpoints for the main backend is a 503 before any canary decision */
    ups_t *main = &st->ups[loc->ups];
    set_ingress(st, loc->ing, out);
    ep_t *eps;
    cJSON *eps_obj;
    int n = ready_endpoints(f, main, &eps, &eps_obj);
    if (n == 0) {
        snprintf(out->service, sizeof out->service, "%s", main->svc);
        error_page(out, 503);
        free(eps);
        cJSON_Delete(eps_obj);
        return out->status;
    }
    /* route_to_alternative_balancer: the first alternative, if it still exists, has endpoints (a
     * balancer) and a traffic-shaping policy */
    if (main->alt >= 0 && !st->ups[main->alt].deleted && st->ups[main->alt].policy_ing >= 0) {
        ups_t *alt = &st->ups[main->alt];
        ep_t *aeps;
        cJSON *aeps_obj;
        int an = ready_endpoints(f, alt, &aeps, &aeps_obj);
        if (an > 0 && to_canary(f, &st->ings[alt->policy_ing].pol, headers, cookie_header)) {
            out->canary = true;
            memset(out->ingress_ns, 0, sizeof out->ingress_ns);
            memset(out->ingress, 0, sizeof out->ingress);
            set_ingress(st, main->alt_ing, out);
            serve(f, st, alt, aeps, an, out);
        }
        free(aeps);
        cJSON_Delete(aeps_obj);
    }
    if (!out->canary)
        serve(f, st, main, eps, n, out);
    free(eps);
    cJSON_Delete(eps_obj);
    return out->status;
}

void fa_ingress_result_free(fa_ingress_result *r)
{
    if (!r)
        return;
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
}

int fakeapi_ingress_request(fakeapi *f, const char *host, const char *path, const char *const *headers,
                            const char *cookie_header, fa_ingress_result *out)
{
    pthread_mutex_lock(&f->mu);
    int code = fa_ingress_route(f, host, path, headers, cookie_header, out);
    pthread_mutex_unlock(&f->mu);
    return code;
}

void fakeapi_ingress_set_annotation_prefix(fakeapi *f, const char *prefix)
{
    pthread_mutex_lock(&f->mu);
    struct fa_ingress *st = state(f);
    free(st->prefix);
    st->prefix = strdup(prefix && *prefix ? prefix : FA_INGRESS_DEFAULT_PREFIX);
    table_free(st); /* the canary annotations read differently now */
    pthread_mutex_unlock(&f->mu);
}

uint16_t fakeapi_ingress_port(fakeapi *f)
{
    pthread_mutex_lock(&f->mu);
    uint16_t port = f->ingress_state ? f->ingress_state->port : 0;
    pthread_mutex_unlock(&f->mu);
    return port;
}

/* ---- the controller's status writes ----
 * ingress-nginx publishes where it serves each Ingress it owns in status.loadBalancer; the kind
 * deployment the blog uses runs with --publish-status-address=localhost, hence "ADDRESS localhost"
 * in its kubectl get ingress. Ingresses of other classes are left alone. */

static void status_on_change(fakeapi *f, const fa_change *c)
{
    if (!strcmp(c->res->key, ING_KEY) && strcmp(c->type, "DELETED")) {
        fa_sim_enqueue(f, &fa_sim_ingress_nginx, c->ns, c->name, 0);
    } else if (!strcmp(c->res->key, CLASS_KEY)) { /* which Ingresses are ours may have changed */
        cJSON *all = fa_sim_list(f, ING_KEY, NULL);
        const cJSON *o;
        cJSON_ArrayForEach(o, all)
        {
            fa_sim_enqueue(f, &fa_sim_ingress_nginx, cj_str(o, "metadata.namespace"), cj_str(o, "metadata.name"), 0);
        }
        cJSON_Delete(all);
    }
}

static void status_sync(fakeapi *f, const char *ns, const char *name)
{
    cJSON *ing = fa_sim_get(f, ING_KEY, ns, name), *classes = fa_sim_list(f, CLASS_KEY, NULL);
    cJSON *want = cJSON_Parse("[{\"hostname\":\"localhost\"}]");
    if (ing && !cj_str(ing, "metadata.deletionTimestamp") && class_ok(ing, classes) &&
        !cj_equal(cj_get(ing, "status.loadBalancer.ingress"), want)) {
        cJSON *patch = cJSON_CreateObject();
        cJSON *lb = cJSON_AddObjectToObject(cJSON_AddObjectToObject(patch, "status"), "loadBalancer");
        cJSON_AddItemToObject(lb, "ingress", cJSON_Duplicate(want, true));
        fa_sim_write(f, &fa_sim_ingress_nginx, "PATCH", ING_KEY, ns, name, "status", "application/merge-patch+json",
                     patch, NULL);
        cJSON_Delete(patch);
    }
    cJSON_Delete(want);
    cJSON_Delete(classes);
    cJSON_Delete(ing);
}

const fa_sim_ctl fa_sim_ingress_nginx = {.name = "ingress-nginx", .on_change = status_on_change, .sync = status_sync};

/* ---- the HTTP port ---- */

typedef struct {
    const char **kv; /* name, value, ..., NULL */
    int n, cap;
    co_buf cookie;   /* every Cookie header, joined with "; " as nginx's $http_cookie */
} req_headers;

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    req_headers *h = cls;
    *PUSH(h->kv, h->n, h->cap) = key;
    *PUSH(h->kv, h->n, h->cap) = value ? value : "";
    if (!strcasecmp(key, "Cookie") && value) {
        if (h->cookie.len)
            co_buf_adds(&h->cookie, "; ");
        co_buf_adds(&h->cookie, value);
    }
    return MHD_YES;
}

static enum MHD_Result on_ingress_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                          const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)method, (void)version, (void)upload;
    static char seen;
    fakeapi *f = cls;
    if (!*con_cls) { /* headers only so far: come back for the body */
        *con_cls = &seen;
        return MHD_YES;
    }
    if (*upload_size) { /* request bodies go nowhere: the pods are simulated */
        *upload_size = 0;
        return MHD_YES;
    }
    req_headers h = {0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &h);
    *PUSH(h.kv, h.n, h.cap) = NULL;
    fa_ingress_result res;
    fa_ingress_route(f, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST), url, h.kv,
                     h.cookie.data, &res);
    free(h.kv);
    co_buf_free(&h.cookie);
    struct MHD_Response *resp = MHD_create_response_from_buffer(res.body_len, res.body, MHD_RESPMEM_MUST_FREE);
    res.body = NULL;
    MHD_add_response_header(resp, "Server", "nginx");
    MHD_add_response_header(resp, "Content-Type", res.status == 200 ? "text/plain; charset=utf-8" : "text/html");
    if (*res.pod && res.status == 200) {
        MHD_add_response_header(resp, "X-Cutover-Pod", res.pod);
        if (*res.pod_template_hash)
            MHD_add_response_header(resp, "X-Cutover-Pod-Template-Hash", res.pod_template_hash);
    }
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)res.status, resp);
    MHD_destroy_response(resp);
    fa_ingress_result_free(&res);
    return ret;
}

int fa_ingress_start(fakeapi *f, const fakeapi_options *o, char *err, size_t errlen)
{
    const char *v = o->ingress_listen;
    const char *colon = v ? strrchr(v, ':') : NULL;
    char host[256], *end;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || colon == v || !colon[1] || *end || port < 0 || port > 65535 || (size_t)(colon - v) >= sizeof host) {
        snprintf(err, errlen, "ingress listen address %s: expected HOST:PORT, e.g. 127.0.0.1:30000", v ? v : "(none)");
        return -1;
    }
    snprintf(host, sizeof host, "%.*s", (int)(colon - v), v);
    if (host[0] == '[' && host[strlen(host) - 1] == ']') { /* [::1]:30000 */
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = 0;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *ai = NULL;
    int gai = getaddrinfo(host, NULL, &hints, &ai);
    if (gai != 0 || !ai) {
        snprintf(err, errlen, "ingress listen address %s: %s", v, gai_strerror(gai));
        return -1;
    }
    struct sockaddr_storage sa;
    memcpy(&sa, ai->ai_addr, ai->ai_addrlen);
    bool v6 = ai->ai_family == AF_INET6;
    freeaddrinfo(ai);
    if (v6)
        ((struct sockaddr_in6 *)&sa)->sin6_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)port);
    /* external epoll mode like the API daemon: the server loop polls it and runs it with f->mu
     * held, so the handler may read the store */
    f->ingress = MHD_start_daemon(MHD_USE_EPOLL | (v6 ? MHD_USE_IPv6 : 0), (uint16_t)port, NULL, NULL,
                                  on_ingress_request, f, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                                  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_LIMIT,
                                  (unsigned)1024, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
    if (!f->ingress) {
        snprintf(err, errlen, "cannot listen on %s for the simulated ingress: %s", v,
                 errno ? strerror(errno) : "address in use or not available");
        return -1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(f->ingress, MHD_DAEMON_INFO_BIND_PORT);
    state(f)->port = info ? info->port : (uint16_t)port;
    return 0;
}

void fa_ingress_stop(fakeapi *f)
{
    if (f->ingress)
        MHD_stop_daemon(f->ingress);
    f->ingress = NULL;
    struct fa_ingress *st = f->ingress_state;
    if (!st)
        return;
    table_free(st);
    for (int i = 0; i < st->nrr; i++)
        free(st->rr[i].key);
    free(st->rr);
    free(st->prefix);
    free(st);
    f->ingress_state = NULL;
}
