/* server.c: the HTTP side of the fake API server: libmicrohttpd in an event loop we own,
 * request bodies, routing, discovery, and the Status error objects every client parses.
 *
 * One thread serves everything. The loop polls MHD's epoll descriptor plus a wake pipe, runs
 * MHD, then ends overdue watches. Because a single thread owns the store, a write and the watch
 * notifications it triggers are naturally ordered, and no handler needs a lock of its own. */
#include "fakeapi/internal.h"
#include "fakeapi/sim/sim.h"

#include "common/buf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


/* ---- responses ---- */

enum MHD_Result fa_reply(fa_req *r, unsigned code, char *json_owned)
{
    if (!r->conn) {
        free(r->out_body);
        r->out_code = code;
        r->out_body = json_owned;
        return MHD_YES;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(json_owned), json_owned, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-cache, private");
    /* one Warning header per line admission recorded (fa_warn) */
    for (const char *w = r->warnings; *w;) {
        const char *nl = strchr(w, '\n');
        size_t n = nl ? (size_t)(nl - w) : strlen(w);
        char line[sizeof r->warnings];
        memcpy(line, w, n);
        line[n] = 0;
        MHD_add_response_header(resp, "Warning", line);
        w += n + (nl ? 1 : 0);
    }
    enum MHD_Result ret = MHD_queue_response(r->conn, code, resp);
    MHD_destroy_response(resp);
    return ret;
}

enum MHD_Result fa_reply_json(fa_req *r, unsigned code, const cJSON *doc)
{
    return fa_reply(r, code, cJSON_PrintUnformatted(doc));
}

cJSON *fa_status(unsigned code, const char *reason, const char *msg, cJSON *details)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "kind", "Status");
    cJSON_AddStringToObject(s, "apiVersion", "v1");
    cJSON_AddObjectToObject(s, "metadata");
    cJSON_AddStringToObject(s, "status", "Failure");
    cJSON_AddStringToObject(s, "message", msg);
    cJSON_AddStringToObject(s, "reason", reason);
    if (details && details->child)
        cJSON_AddItemToObject(s, "details", details);
    else
        cJSON_Delete(details);
    cJSON_AddNumberToObject(s, "code", code);
    return s;
}

enum MHD_Result fa_error(fa_req *r, unsigned code, const char *reason, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* details name the object for the errors about one object, as the apiserver does */
    cJSON *d = NULL;
    if (r->res && (code == 404 || code == 409 || code == 403) && r->name) {
        d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "name", r->name);
        if (*r->res->group)
            cJSON_AddStringToObject(d, "group", r->res->group);
        cJSON_AddStringToObject(d, "kind", r->res->plural);
    }
    cJSON *s = fa_status(code, reason, msg, d);
    enum MHD_Result ret = fa_reply_json(r, code, s);
    cJSON_Delete(s);
    return ret;
}

enum MHD_Result fa_invalid(fa_req *r, const char *name, const char *field, const char *cause_reason,
                           const char *detail)
{
    char msg[2048], qkind[256];
    const fa_resource *res = r->res;
    if (res && *res->group)
        snprintf(qkind, sizeof qkind, "%s.%s", res->kind, res->group);
    else
        snprintf(qkind, sizeof qkind, "%s", res ? res->kind : "Object");
    snprintf(msg, sizeof msg, "%s \"%s\" is invalid: %s: %s", qkind, name ? name : "", field, detail);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", name ? name : "");
    if (res && *res->group)
        cJSON_AddStringToObject(d, "group", res->group);
    cJSON_AddStringToObject(d, "kind", res ? res->kind : "");
    cJSON *cause = cJSON_CreateObject();
    cJSON_AddStringToObject(cause, "reason", cause_reason);
    cJSON_AddStringToObject(cause, "message", detail);
    cJSON_AddStringToObject(cause, "field", field);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(d, "causes"), cause);
    cJSON *s = fa_status(422, "Invalid", msg, d);
    enum MHD_Result ret = fa_reply_json(r, 422, s);
    cJSON_Delete(s);
    return ret;
}

const char *fa_arg(fa_req *r, const char *key)
{
    if (r->conn)
        return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
    for (const char *const *a = r->args; a && a[0] && a[1]; a += 2)
        if (!strcmp(a[0], key))
            return a[1];
    return NULL;
}

const char *fa_actor(fa_req *r)
{
    const char *ua = r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "User-Agent") : r->actor;
    return ua ? ua : "unknown";
}

const char *fa_content_type(fa_req *r, char *buf, size_t n)
{
    const char *ct = r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type") : r->ctype;
    snprintf(buf, n, "%s", ct ? ct : "application/json");
    char *semi = strchr(buf, ';');
    if (semi)
        *semi = 0;
    for (char *p = buf; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return buf;
}

char *fa_now(fakeapi *f, char buf[32]) { return co_time_rfc3339(co_clock_now_ms(f->clock), buf); }

bool fa_arg_true(fa_req *r, const char *key)
{
    const char *v = fa_arg(r, key);
    return v && (!strcmp(v, "true") || !strcmp(v, "1"));
}

/* ---- discovery and health ---- */

static enum MHD_Result reply_owned(fa_req *r, cJSON *doc)
{
    if (!doc)
        return fa_error(r, 404, "NotFound", "the server could not find the requested resource");
    enum MHD_Result ret = fa_reply_json(r, 200, doc);
    cJSON_Delete(doc);
    return ret;
}

static enum MHD_Result reply_text(fa_req *r, const char *text)
{
    if (!r->conn) /* in-process: captured like any other reply */
        return fa_reply(r, 200, strdup(text));
    struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
    enum MHD_Result ret = MHD_queue_response(r->conn, 200, resp);
    MHD_destroy_response(resp);
    return ret;
}

static const char version_doc[] =
    "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-cutover\",\"gitCommit\":\"cutover\","
    "\"gitTreeState\":\"clean\",\"buildDate\":\"2026-01-01T00:00:00Z\",\"goVersion\":\"go1.23\","
    "\"compiler\":\"gc\",\"platform\":\"linux/amd64\"}";

/* Routes a request that is not a resource path: returns 0 with the reply queued in *ret, or -1
 * when it is a resource path (seg[0] = "api" or "apis" with enough segments). */
static int route_meta(fa_req *r, char **seg, int n, enum MHD_Result *ret)
{
    fakeapi *f = r->f;
    bool get = !strcmp(r->method, "GET");
    if (n == 1 && (!strcmp(seg[0], "healthz") || !strcmp(seg[0], "readyz") || !strcmp(seg[0], "livez"))) {
        *ret = reply_text(r, "ok");
        return 0;
    }
    if (n == 1 && !strcmp(seg[0], "version")) {
        *ret = fa_reply(r, 200, strdup(version_doc));
        return 0;
    }
    if (n == 2 && !strcmp(seg[0], "_cutover") && !strcmp(seg[1], "faults")) {
        *ret = fa_faults_admin(r);
        return 0;
    }
    if (n >= 2 && !strcmp(seg[0], "_cutover") && !strcmp(seg[1], "compact") && !strcmp(r->method, "POST")) {
        const char *keep = fa_arg(r, "keep");
        fa_store_compact(f->store, keep ? atoll(keep) : 0);
        char *out = malloc(64);
        snprintf(out, 64, "{\"compacted\":%lld}", (long long)fa_store_compacted(f->store));
        *ret = fa_reply(r, 200, out);
        return 0;
    }
    if (n >= 2 && !strcmp(seg[0], "openapi") && !strcmp(seg[1], "v3")) {
        if (n == 2)
            *ret = reply_owned(r, fa_openapi_root(f->reg));
        else if (n == 4 && !strcmp(seg[2], "api"))
            *ret = reply_owned(r, fa_openapi_gv(f->reg, "", seg[3]));
        else if (n == 5 && !strcmp(seg[2], "apis"))
            *ret = reply_owned(r, fa_openapi_gv(f->reg, seg[3], seg[4]));
        else
            *ret = reply_owned(r, NULL);
        return 0;
    }
    bool api = n >= 1 && !strcmp(seg[0], "api"), apis = n >= 1 && !strcmp(seg[0], "apis");
    if ((api && n <= 2) || (apis && n <= 3)) {
        if (!get) {
            *ret = fa_error(r, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
            return 0;
        }
        if (api && n == 1)
            *ret = reply_owned(r, fa_discovery_api(f->addr));
        else if (api)
            *ret = reply_owned(r, fa_discovery_resources(f->reg, "", seg[1]));
        else if (n == 1)
            *ret = reply_owned(r, fa_discovery_apis(f->reg));
        else if (n == 2)
            *ret = reply_owned(r, fa_discovery_group(f->reg, seg[1]));
        else
            *ret = reply_owned(r, fa_discovery_resources(f->reg, seg[1], seg[2]));
        return 0;
    }
    if (api || apis)
        return -1;
    if (n == 0 && get) {
        *ret = fa_reply(r, 200, strdup("{\"paths\":[\"/api\",\"/api/v1\",\"/apis\",\"/healthz\",\"/livez\","
                                       "\"/openapi/v3\",\"/readyz\",\"/version\"]}"));
        return 0;
    }
    *ret = reply_owned(r, NULL);
    return 0;
}

/* Resolves /api/v1/... and /apis/G/V/... into resource, namespace, name and subresource. */
static enum MHD_Result route_resource(fa_req *r, char **seg, int n)
{
    const char *group = "", *version;
    int i;
    if (!strcmp(seg[0], "api")) {
        version = seg[1];
        i = 2;
    } else {
        group = seg[1];
        version = seg[2];
        i = 3;
    }
    if (i < n && !strcmp(seg[i], "watch")) {
        r->watch_path = true;
        i++;
    }
    /* namespaces/NS/<resource>... (but namespaces/NS and namespaces/NS/status|finalize are the
     * Namespace object itself) */
    if (n - i >= 3 && !strcmp(seg[i], "namespaces") && strcmp(seg[i + 2], "status") &&
        strcmp(seg[i + 2], "finalize")) {
        r->ns = seg[i + 1];
        i += 2;
    }
    int rest = n - i;
    if (rest < 1 || rest > 3)
        return fa_error(r, 404, "NotFound", "the server could not find the requested resource");
    r->res = fa_registry_find(r->f->reg, group, version, seg[i]);
    if (!r->res || (r->ns && !r->res->namespaced))
        return fa_error(r, 404, "NotFound", "the server could not find the requested resource");
    r->name = rest >= 2 ? seg[i + 1] : NULL;
    r->sub = rest == 3 ? seg[i + 2] : NULL;
    if (r->sub) {
        bool ok = (!strcmp(r->sub, "status") && r->res->has_status) ||
                  (!strcmp(r->sub, "scale") && r->res->has_scale) ||
                  (!strcmp(r->sub, "finalize") && !strcmp(r->res->key, "namespaces")) ||
                  (!strcmp(r->sub, "eviction") && !strcmp(r->res->key, "pods"));
        if (!ok)
            return fa_error(r, 404, "NotFound", "the server could not find the requested resource");
    }
    if (r->res->namespaced && !r->ns && r->name)
        return fa_error(r, 404, "NotFound", "the server could not find the requested resource");
    enum MHD_Result ret;
    if (fa_faults_intercept(r, &ret)) /* an injected error or delay (sim/faults.c) */
        return ret;
    return fa_handle_resource(r);
}

static enum MHD_Result dispatch(fa_req *r, const char *url)
{
    if (r->too_large)
        return fa_error(r, 413, "RequestEntityTooLarge", "Request entity too large: limit is %d", FA_MAX_BODY);
    free(r->path); /* a request resumed after an injected delay is routed again */
    r->path = strdup(url);
    char *seg[16];
    int n = 0;
    for (char *save = NULL, *t = strtok_r(r->path, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        /* "." and ".." never name anything: refuse them rather than normalising the path */
        if (n == 16 || !strcmp(t, ".") || !strcmp(t, ".."))
            return fa_error(r, 404, "NotFound", "the server could not find the requested resource");
        seg[n++] = t;
    }
    enum MHD_Result ret;
    if (route_meta(r, seg, n, &ret) == 0)
        return ret;
    return route_resource(r, seg, n);
}

static int hexval(char c) { return c >= '0' && c <= '9' ? c - '0' : (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10 : -1; }

/* Decodes %XX and '+' in place (query strings of in-process calls). */
static void url_decode(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
            *o++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
            p += 2;
        } else {
            *o++ = *p == '+' ? ' ' : *p;
        }
    }
    *o = 0;
}

unsigned fa_call(fakeapi *f, const char *method, const char *path, const char *ctype, const char *body,
                 const char *actor, char **out)
{
    char *copy = strdup(path);
    char *query = strchr(copy, '?');
    const char *args[34] = {NULL};
    if (query) {
        *query++ = 0;
        int n = 0;
        for (char *save = NULL, *kv = strtok_r(query, "&", &save); kv && n < 32; kv = strtok_r(NULL, "&", &save)) {
            char *eq = strchr(kv, '=');
            if (eq)
                *eq++ = 0;
            url_decode(kv);
            if (eq)
                url_decode(eq);
            args[n++] = kv;
            args[n++] = eq ? eq : "";
        }
    }
    fa_req r = {.f = f, .args = args, .ctype = ctype ? ctype : "application/json", .actor = actor, .method = method};
    if (body)
        co_buf_add(&r.body, body, strlen(body));
    dispatch(&r, copy);
    unsigned code = r.out_code;
    if (out)
        *out = r.out_body;
    else
        free(r.out_body);
    co_buf_free(&r.body);
    free(r.path);
    free(copy);
    return code;
}

unsigned fakeapi_call(fakeapi *f, const char *method, const char *path, const char *ctype, const char *body,
                      char **out)
{
    pthread_mutex_lock(&f->mu);
    unsigned code = fa_call(f, method, path, ctype, body, "cutover-embedder", out);
    pthread_mutex_unlock(&f->mu);
    return code;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    fa_req *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        r->f = cls;
        r->conn = conn;
        r->method = method;
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_size) {
        if (r->body.len + *upload_size > FA_MAX_BODY)
            r->too_large = true;
        else
            co_buf_add(&r->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    return dispatch(r, url);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    fa_req *r = *con_cls;
    if (r) {
        co_buf_free(&r->body);
        free(r->path);
        free(r);
        *con_cls = NULL;
    }
}

/* ---- the loop ---- */

static void *loop(void *arg)
{
    fakeapi *f = arg;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(f->mhd, MHD_DAEMON_INFO_EPOLL_FD);
    int epfd = info ? info->epoll_fd : -1;
    const union MHD_DaemonInfo *iinfo = f->ingress ? MHD_get_daemon_info(f->ingress, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
    int ingress_fd = iinfo ? iinfo->epoll_fd : -1;
    while (!f->stopping) {
        struct pollfd p[3] = {{.fd = epfd, .events = POLLIN}, {.fd = f->wake[0], .events = POLLIN},
                              {.fd = ingress_fd, .events = POLLIN}};
        MHD_UNSIGNED_LONG_LONG to;
        int ms = 250;
        if (MHD_get_timeout(f->mhd, &to) == MHD_YES && to < (MHD_UNSIGNED_LONG_LONG)ms)
            ms = (int)to;
        if (!co_clock_is_virtual(f->clock)) { /* real time: wake for the simulation's next timer */
            int64_t wait = co_clock_next_due(f->clock, f) - co_clock_now_ms(f->clock);
            if (wait < ms)
                ms = wait < 0 ? 0 : (int)wait;
        }
        if (poll(p, ingress_fd >= 0 ? 3 : 2, ms) > 0 && (p[1].revents & POLLIN)) {
            char b[64];
            while (read(f->wake[0], b, sizeof b) > 0) {
            }
        }
        pthread_mutex_lock(&f->mu);
        MHD_run(f->mhd);
        if (f->ingress)
            MHD_run(f->ingress);
        if (!co_clock_is_virtual(f->clock)) {
            /* in virtual time only the driver runs the simulation (fakeapi_settle), so that its
             * writes interleave with the driver's in one order, run after run */
            co_clock_run_due(f->clock, f);
            fa_sim_run(f);
        }
        fa_watch_tick(f);
        pthread_mutex_unlock(&f->mu);
    }
    return NULL;
}

static uint64_t seed_from_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32);
}

/* Loads what a persistent store already holds that the registry must know: CRD kinds. */
static int restore_crd(void *ud, const char *ns, const char *name, const char *json)
{
    (void)ns, (void)name;
    fakeapi *f = ud;
    cJSON *crd = cJSON_Parse(json);
    char err[256];
    if (crd)
        fa_registry_add_crd(f->reg, crd, err, sizeof err);
    cJSON_Delete(crd);
    return 0;
}

static void wake(void *ud)
{
    fakeapi *f = ud;
    if (write(f->wake[1], "t", 1) < 0) {
        /* the pipe is full: the loop is already due to wake */
    }
}

fakeapi *fakeapi_start(const fakeapi_options *o, char *err, size_t errlen)
{
    fakeapi_options defaults = {0};
    if (!o)
        o = &defaults;
    fa_tls *tls = fa_tls_new(o, err, errlen);
    if (!tls)
        return NULL;
    fakeapi *f = calloc(1, sizeof *f);
    f->tls = tls;
    f->clock = o->clock ? o->clock : co_clock_real();
    /* virtual time means a reproducible run: without a seed, seed 1 */
    f->rng = o->seed ? o->seed : co_clock_is_virtual(f->clock) ? 1 : seed_from_time();
    f->history = o->history ? o->history : 10000; /* like a watch cache ring of 10,000 events */
    f->next_ip = (10u << 24) | (96u << 16) | 10; /* 10.96.0.10: Service ClusterIPs */
    f->wake[0] = f->wake[1] = -1;
    pthread_mutex_init(&f->mu, NULL);
    f->reg = fa_registry_new();
    f->store = fa_store_open(o->db_path, err, errlen);
    if (!f->store)
        goto fail;
    fa_store_list(f->store, "customresourcedefinitions.apiextensions.k8s.io", NULL, NULL, NULL, restore_crd, f);
    if (!o->no_sim && fa_sim_start(f, o, err, errlen) != 0)
        goto fail;
    fa_bootstrap(f);
    fa_sim_replay(f); /* a store reopened from disk: the controllers pick up where it stopped */

    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(o->port)};
    if (inet_pton(AF_INET, o->host ? o->host : "127.0.0.1", &sa.sin_addr) != 1) {
        snprintf(err, errlen, "invalid listen address %s (an IPv4 address is expected)", o->host);
        goto fail;
    }
    if (pipe2(f->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        goto fail;
    }
    /* the TLS options go in an array, empty over HTTP: a plain HTTP daemon starts as it always has */
    struct MHD_OptionItem tls_opts[5];
    fa_tls_mhd_options(tls, tls_opts);
    f->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | (tls->https ? MHD_USE_TLS : 0), 0, NULL,
                              NULL, on_request, f, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED,
                              on_completed, f, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)0,
                              MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000, MHD_OPTION_LISTEN_BACKLOG_SIZE,
                              (unsigned)1024, MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
    if (!f->mhd) {
        snprintf(err, errlen, "cannot listen on %s:%u: %s", o->host ? o->host : "127.0.0.1", o->port,
                 errno ? strerror(errno) : "address in use or not available");
        goto fail;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(f->mhd, MHD_DAEMON_INFO_BIND_PORT);
    f->port = info ? info->port : o->port;
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host);
    snprintf(f->addr, sizeof f->addr, "%s:%u", strcmp(host, "0.0.0.0") ? host : "127.0.0.1", f->port);
    snprintf(f->url, sizeof f->url, "%s://%s", tls->https ? "https" : "http", f->addr);
    if (o->ingress_listen && fa_ingress_start(f, o, err, errlen) != 0)
        goto fail;
    co_clock_on_advance(f->clock, wake, f);
    if (pthread_create(&f->thread, NULL, loop, f) != 0) {
        snprintf(err, errlen, "cannot start the server thread");
        goto fail;
    }
    return f;
fail:
    co_clock_off_advance(f->clock, wake, f);
    fa_ingress_stop(f);
    fa_sim_stop(f);
    if (f->mhd)
        MHD_stop_daemon(f->mhd);
    if (f->wake[0] >= 0) {
        close(f->wake[0]);
        close(f->wake[1]);
    }
    fa_store_close(f->store);
    fa_registry_free(f->reg);
    fa_tls_free(f->tls);
    pthread_mutex_destroy(&f->mu);
    free(f);
    return NULL;
}

void fakeapi_stop(fakeapi *f)
{
    if (!f)
        return;
    f->stopping = 1;
    if (write(f->wake[1], "x", 1) < 0) {
        /* the loop wakes at its next poll timeout anyway */
    }
    pthread_join(f->thread, NULL);
    /* MHD refuses to stop with suspended connections: end every watch, release delayed
     * requests, and let MHD flush them */
    fa_watch_close_all(f);
    fa_faults_free(f);
    for (int i = 0; i < 3; i++)
        MHD_run(f->mhd);
    MHD_stop_daemon(f->mhd);
    co_clock_off_advance(f->clock, wake, f);
    fa_ingress_stop(f);
    fa_sim_stop(f);
    close(f->wake[0]);
    close(f->wake[1]);
    fa_store_close(f->store);
    fa_registry_free(f->reg);
    fa_tls_free(f->tls);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

const char *fakeapi_url(const fakeapi *f) { return f->url; }
uint16_t fakeapi_port(const fakeapi *f) { return f->port; }

int64_t fakeapi_resource_version(fakeapi *f)
{
    pthread_mutex_lock(&f->mu);
    int64_t rv = fa_store_rv(f->store);
    pthread_mutex_unlock(&f->mu);
    return rv;
}

int fakeapi_idle(fakeapi *f)
{
    pthread_mutex_lock(&f->mu);
    int idle = fa_sim_idle(f);
    pthread_mutex_unlock(&f->mu);
    return idle;
}

int64_t fakeapi_next_due(fakeapi *f) { return co_clock_next_due(f->clock, f); }

void fakeapi_settle(fakeapi *f)
{
    pthread_mutex_lock(&f->mu);
    while (co_clock_run_due(f->clock, f) + fa_sim_run(f) > 0) {
    }
    pthread_mutex_unlock(&f->mu);
}

static int log_line(void *ud, const fa_log_row *row)
{
    co_buf *b = ud;
    char ts[32];
    co_buf_printf(b, "{\"rv\":%lld,\"time\":\"%s\",\"verb\":", (long long)row->rv, co_time_rfc3339(row->time_ms, ts));
    co_buf_json_str(b, row->verb ? row->verb : "");
    co_buf_adds(b, ",\"actor\":");
    co_buf_json_str(b, row->actor ? row->actor : "");
    co_buf_adds(b, ",\"resource\":");
    co_buf_json_str(b, row->key);
    co_buf_adds(b, ",\"namespace\":");
    co_buf_json_str(b, row->ns);
    co_buf_adds(b, ",\"name\":");
    co_buf_json_str(b, row->name);
    co_buf_printf(b, ",\"type\":\"%s\",\"object\":%s}\n", row->type, row->json);
    return 0;
}

char *fakeapi_event_log(fakeapi *f)
{
    co_buf b = {0};
    pthread_mutex_lock(&f->mu);
    fa_store_log(f->store, 0, log_line, &b);
    pthread_mutex_unlock(&f->mu);
    return co_buf_take(&b);
}

/* Writes s base64-encoded on one line, as kubeconfig *-data fields are. */
static void put_base64(FILE *fp, const char *s)
{
    co_buf b = {0};
    co_buf_add_base64(&b, s, strlen(s));
    fputs(co_buf_str(&b), fp);
    co_buf_free(&b);
}

int fakeapi_write_kubeconfig(const fakeapi *f, const char *path, char *err, size_t errlen)
{
    const fa_tls *tls = f->tls;
    if (tls->client_ca && !tls->client_cert) {
        /* a kubeconfig the server would refuse is better not written */
        snprintf(err, errlen, "%s: the server requires client certificates (tls_client_ca_pem) but has no "
                 "tls_client_cert_pem and tls_client_key_pem to put in the kubeconfig", path);
        return -1;
    }
    FILE *fp = fopen(path, "w");
    if (!fp) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    /* kind-style over HTTPS: everything inline, base64-encoded, as `kind get kubeconfig` writes
     * it; over HTTP the same text as ever. A kubeconfig holding a client key is for its owner
     * only, as kind's is (a regular file: not /dev/stdout or a pipe someone else owns). */
    struct stat sb;
    if (tls->client_key && fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode))
        fchmod(fileno(fp), 0600);
    fprintf(fp,
            "apiVersion: v1\n"
            "kind: Config\n"
            "clusters:\n"
            "- name: cutover\n"
            "  cluster:\n");
    if (tls->https) {
        /* no CA given: trust the server's own certificate (right for a self-signed one) */
        fputs("    certificate-authority-data: ", fp);
        put_base64(fp, tls->ca ? tls->ca : tls->cert);
        fputc('\n', fp);
    }
    fprintf(fp,
            "    server: %s\n"
            "users:\n"
            "- name: cutover\n",
            f->url);
    if (tls->client_cert) {
        fputs("  user:\n    client-certificate-data: ", fp);
        put_base64(fp, tls->client_cert);
        fputs("\n    client-key-data: ", fp);
        put_base64(fp, tls->client_key);
        fputc('\n', fp);
    } else {
        fputs("  user: {}\n", fp);
    }
    fprintf(fp,
            "contexts:\n"
            "- name: cutover\n"
            "  context:\n"
            "    cluster: cutover\n"
            "    user: cutover\n"
            "    namespace: default\n"
            "current-context: cutover\n"
            "preferences: {}\n");
    int write_failed = ferror(fp);
    if (fclose(fp) != 0 || write_failed) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
