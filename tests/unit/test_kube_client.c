/* test_kube_client.c: the API client (controller/kube/client.c) against the in-process fake API
 * server (verbs, paging, Status errors, watches, the user agent) and against a tiny scripted
 * libmicrohttpd server (retries, throttling, wire details, TLS, credentials). */
#include "cu.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/json.h"
#include "controller/kube/client.h"
#include "controller/kube/config.h"
#include "fakeapi/fakeapi.h"
#include "fakeapi/sim/faults.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static fakeapi *srv;

static const kube_gvr CM = {"", "v1", "configmaps", 1};
static const kube_gvr SECRETS = {"", "v1", "secrets", 1};
static const kube_gvr NS = {"", "v1", "namespaces", 0};
static const kube_gvr DEPLOY = {"apps", "v1", "deployments", 1};

static const int64_t T0 = 1767225600000; /* 2026-01-01, where virtual clocks start */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static co_clock *vclock_new(void) { return co_clock_virtual(T0); }

/* A client of server url; opts may be NULL. */
static kube_client *client_for(const char *url, const kube_client_opts *opts)
{
    kube_config cfg;
    if (kube_config_for_server(url, "default", &cfg) != 0)
        return NULL;
    char err[256] = "";
    kube_client *c = kube_client_new(&cfg, opts, err, sizeof err);
    if (!c)
        fprintf(stderr, "kube_client_new: %s\n", err);
    kube_config_free(&cfg);
    return c;
}

/* Most tests throttle on a virtual clock: the limiter runs, and never sleeps. */
static co_clock *vclock;

static kube_client *fake_client(void)
{
    kube_client_opts o = {.clock = vclock};
    return client_for(fakeapi_url(srv), &o);
}

static cJSON *parse(const char *s)
{
    return cJSON_Parse(s);
}

static void ensure_ns(kube_client *c, const char *name)
{
    char body[128];
    snprintf(body, sizeof body, "{\"metadata\":{\"name\":\"%s\"}}", name);
    cJSON *o = parse(body);
    kube_status st;
    cJSON_Delete(kube_create(c, &NS, NULL, o, &st));
    cJSON_Delete(o);
}

static cJSON *make_cm(kube_client *c, const char *ns, const char *name, const char *labels_json, kube_status *st)
{
    char body[512];
    snprintf(body, sizeof body, "{\"metadata\":{\"name\":\"%s\",\"labels\":%s},\"data\":{\"k\":\"v\"}}", name,
             labels_json ? labels_json : "{}");
    cJSON *o = parse(body);
    cJSON *out = kube_create(c, &CM, ns, o, st);
    cJSON_Delete(o);
    return out;
}

/* ---- a scripted HTTP(S) server: answers requests from a list of replies, logs what it saw ---- */

typedef struct {
    int code;
    const char *header; /* one "Name: value" or NULL */
    const char *body;
} mock_reply;

typedef struct {
    struct MHD_Daemon *d;
    uint16_t port;
    char url[64];
    pthread_mutex_t mu;
    const mock_reply *script;
    int nscript;
    int requests, connections;
    co_buf log; /* "METHOD /path?decoded args\n" per request */
    char body[2048], ctype[128], auth[256], host[128], ua[128];
} mock;

static enum MHD_Result log_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    co_buf *b = cls;
    co_buf_printf(b, "%c%s=%s", strchr(b->data, '?') ? '&' : '?', key, value ? value : "");
    return MHD_YES;
}

static void copy_header(struct MHD_Connection *conn, const char *name, char *out, size_t n)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
    snprintf(out, n, "%s", v ? v : "");
}

static enum MHD_Result mock_handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    mock *m = cls;
    co_buf *body = *con_cls;
    if (!body) {
        *con_cls = calloc(1, sizeof(co_buf));
        return MHD_YES;
    }
    if (*upload_size) {
        co_buf_add(body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&m->mu);
    co_buf line = {0};
    co_buf_printf(&line, "%s %s", method, url);
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, log_arg, &line);
    co_buf_printf(&m->log, "%s\n", line.data);
    co_buf_free(&line);
    snprintf(m->body, sizeof m->body, "%s", body->data ? body->data : "");
    copy_header(conn, "Content-Type", m->ctype, sizeof m->ctype);
    copy_header(conn, "Authorization", m->auth, sizeof m->auth);
    copy_header(conn, "Host", m->host, sizeof m->host);
    copy_header(conn, "User-Agent", m->ua, sizeof m->ua);
    mock_reply r = {200, NULL, "{}"};
    if (m->nscript)
        r = m->script[m->requests < m->nscript ? m->requests : m->nscript - 1];
    m->requests++;
    pthread_mutex_unlock(&m->mu);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(r.body), (void *)r.body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    if (r.header) {
        char name[64];
        const char *colon = strchr(r.header, ':');
        snprintf(name, sizeof name, "%.*s", (int)(colon - r.header), r.header);
        MHD_add_response_header(resp, name, colon + 2);
    }
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r.code, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void mock_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode t)
{
    (void)cls, (void)conn, (void)t;
    co_buf_free(*con_cls);
    free(*con_cls);
    *con_cls = NULL;
}

static void mock_conn(void *cls, struct MHD_Connection *conn, void **socket_ctx, enum MHD_ConnectionNotificationCode t)
{
    (void)conn, (void)socket_ctx;
    mock *m = cls;
    if (t == MHD_CONNECTION_NOTIFY_STARTED) {
        pthread_mutex_lock(&m->mu);
        m->connections++;
        pthread_mutex_unlock(&m->mu);
    }
}

/* Starts a mock on a free port; with key and cert it speaks HTTPS. */
static mock *mock_start(const char *key, const char *cert)
{
    mock *m = calloc(1, sizeof *m);
    pthread_mutex_init(&m->mu, NULL);
    co_buf_adds(&m->log, "");
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | (key ? MHD_USE_TLS : 0);
    if (key)
        m->d = MHD_start_daemon(flags, 0, NULL, NULL, mock_handler, m, MHD_OPTION_NOTIFY_COMPLETED, mock_completed, m,
                                MHD_OPTION_NOTIFY_CONNECTION, mock_conn, m, MHD_OPTION_HTTPS_MEM_KEY, key,
                                MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_END);
    else
        m->d = MHD_start_daemon(flags, 0, NULL, NULL, mock_handler, m, MHD_OPTION_NOTIFY_COMPLETED, mock_completed, m,
                                MHD_OPTION_NOTIFY_CONNECTION, mock_conn, m, MHD_OPTION_END);
    if (!m->d) {
        free(m);
        return NULL;
    }
    m->port = MHD_get_daemon_info(m->d, MHD_DAEMON_INFO_BIND_PORT)->port;
    snprintf(m->url, sizeof m->url, "%s://127.0.0.1:%u", key ? "https" : "http", m->port);
    return m;
}

/* Replaces the script and forgets what was seen. */
static void mock_script(mock *m, const mock_reply *r, int n)
{
    pthread_mutex_lock(&m->mu);
    m->script = r;
    m->nscript = n;
    m->requests = 0;
    m->log.len = 0;
    m->log.data[0] = 0;
    pthread_mutex_unlock(&m->mu);
}

static void mock_stop(mock *m)
{
    MHD_stop_daemon(m->d);
    co_buf_free(&m->log);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

/* A port nothing listens on. */
static uint16_t closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    bind(fd, (struct sockaddr *)&a, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

/* ---- paths ---- */

static void test_paths(void)
{
    char b[256];
    CU_ASSERT_STRING_EQUAL(kube_path(&CM, "default", NULL, NULL, b, sizeof b), "/api/v1/namespaces/default/configmaps");
    CU_ASSERT_STRING_EQUAL(kube_path(&CM, "ns", "x", NULL, b, sizeof b), "/api/v1/namespaces/ns/configmaps/x");
    CU_ASSERT_STRING_EQUAL(kube_path(&CM, NULL, NULL, NULL, b, sizeof b), "/api/v1/configmaps"); /* all namespaces */
    CU_ASSERT_STRING_EQUAL(kube_path(&DEPLOY, "ns", "d", "status", b, sizeof b),
                           "/apis/apps/v1/namespaces/ns/deployments/d/status");
    CU_ASSERT_STRING_EQUAL(kube_path(&NS, "ignored", "pg", NULL, b, sizeof b), "/api/v1/namespaces/pg");
    kube_gvr ro = {"argoproj.io", "v1alpha1", "rollouts", 1};
    CU_ASSERT_STRING_EQUAL(kube_path(&ro, "a", "r", "scale", b, sizeof b),
                           "/apis/argoproj.io/v1alpha1/namespaces/a/rollouts/r/scale");
    kube_gvr nodes = {NULL, "v1", "nodes", 0};
    CU_ASSERT_STRING_EQUAL(kube_path(&nodes, NULL, "n1", NULL, b, sizeof b), "/api/v1/nodes/n1");
    char tiny[8];
    kube_path(&DEPLOY, "ns", "d", NULL, tiny, sizeof tiny); /* truncated, still terminated */
    CU_ASSERT_EQUAL(strlen(tiny), 7);
}

/* ---- verbs against the fake server ---- */

static void test_create_get_update(void)
{
    kube_client *c = fake_client();
    CU_ASSERT_STRING_EQUAL(kube_client_namespace(c), "default");
    kube_status st;
    ensure_ns(c, "cgu");
    cJSON *o = make_cm(c, "cgu", "a", NULL, &st);
    CU_ASSERT_EQUAL(st.code, 201);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "metadata.namespace"), "cgu");
    cJSON_Delete(o);
    /* AlreadyExists */
    CU_ASSERT_PTR_NULL(make_cm(c, "cgu", "a", NULL, &st));
    CU_ASSERT_EQUAL(st.code, 409);
    CU_ASSERT_STRING_EQUAL(st.reason, "AlreadyExists");
    CU_ASSERT_STRING_EQUAL(st.message, "configmaps \"a\" already exists");
    /* NotFound */
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "cgu", "nope", &st));
    CU_ASSERT_EQUAL(st.code, 404);
    CU_ASSERT_STRING_EQUAL(st.reason, "NotFound");
    CU_ASSERT_STRING_EQUAL(st.message, "configmaps \"nope\" not found");
    /* Invalid, with the server's message */
    cJSON *noname = parse("{\"metadata\":{}}");
    CU_ASSERT_PTR_NULL(kube_create(c, &CM, "cgu", noname, &st));
    cJSON_Delete(noname);
    CU_ASSERT_EQUAL(st.code, 422);
    CU_ASSERT_STRING_EQUAL(st.reason, "Invalid");
    CU_ASSERT_PTR_NOT_NULL(strstr(st.message, "name or generateName is required"));
    /* the object's own namespace is used when ns is NULL */
    cJSON *own = parse("{\"metadata\":{\"name\":\"own\",\"namespace\":\"cgu\"}}");
    o = kube_create(c, &CM, NULL, own, &st);
    CU_ASSERT_EQUAL(st.code, 201);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "metadata.namespace"), "cgu");
    cJSON_Delete(o);
    cJSON_Delete(own);

    /* update: a new resourceVersion; a stale one conflicts */
    cJSON *cur = kube_get(c, &CM, "cgu", "a", &st);
    CU_ASSERT_EQUAL(st.code, 200);
    cj_set_str(cj_obj(cur, "data"), "k", "v2");
    cJSON *upd = kube_update(c, &CM, "cgu", cur, &st);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(upd, "data.k"), "v2");
    CU_ASSERT_STRING_NOT_EQUAL(cj_str(upd, "metadata.resourceVersion"), cj_str(cur, "metadata.resourceVersion"));
    cj_set_str(cj_obj(cur, "data"), "k", "v3");
    CU_ASSERT_PTR_NULL(kube_update(c, &CM, "cgu", cur, &st));
    CU_ASSERT_EQUAL(st.code, 409);
    CU_ASSERT_STRING_EQUAL(st.reason, "Conflict");
    CU_ASSERT_PTR_NOT_NULL(strstr(st.message, "the object has been modified"));
    cJSON_Delete(upd);
    /* no name: refused before sending */
    cJSON_DeleteItemFromObject(cj_obj(cur, "metadata"), "name");
    CU_ASSERT_PTR_NULL(kube_update(c, &CM, "cgu", cur, &st));
    CU_ASSERT_EQUAL(st.code, 0);
    CU_ASSERT_STRING_EQUAL(st.reason, "Invalid");
    cJSON_Delete(cur);

    /* update_status: only the status changes */
    cJSON *d = parse("{\"metadata\":{\"name\":\"d1\"},\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"d1\"}},"
                     "\"template\":{\"metadata\":{\"labels\":{\"app\":\"d1\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
                     "\"image\":\"x:1\"}]}}}}");
    cJSON *made = kube_create(c, &DEPLOY, "cgu", d, &st);
    CU_ASSERT_EQUAL(st.code, 201);
    cJSON_Delete(d);
    cj_set_num(cj_obj(made, "status"), "observedGeneration", 1);
    cj_set_num(cj_obj(made, "spec"), "replicas", 9);
    cJSON *sd = kube_update_status(c, &DEPLOY, "cgu", made, &st);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_EQUAL(cj_get(sd, "status.observedGeneration")->valuedouble, 1);
    CU_ASSERT_EQUAL(cj_get(sd, "spec.replicas")->valuedouble, 2); /* /status ignores spec */
    cJSON_Delete(sd);
    cJSON_Delete(made);
    kube_client_free(c);
}

static void test_patch(void)
{
    kube_client *c = fake_client();
    kube_status st;
    ensure_ns(c, "pt");
    cJSON_Delete(make_cm(c, "pt", "p", NULL, &st));
    cJSON *o = kube_patch(c, &CM, "pt", "p", KUBE_PATCH_MERGE, "{\"data\":{\"m\":\"1\",\"k\":null}}", NULL, &st);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "data.m"), "1");
    CU_ASSERT_PTR_NULL(cj_get(o, "data.k"));
    cJSON_Delete(o);
    o = kube_patch(c, &CM, "pt", "p", KUBE_PATCH_JSON, "[{\"op\":\"add\",\"path\":\"/data/j\",\"value\":\"2\"}]", NULL, &st);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "data.j"), "2");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "data.m"), "1");
    cJSON_Delete(o);
    /* a failed JSON patch test is Invalid */
    CU_ASSERT_PTR_NULL(kube_patch(c, &CM, "pt", "p", KUBE_PATCH_JSON,
                                  "[{\"op\":\"test\",\"path\":\"/data/j\",\"value\":\"nope\"}]", NULL, &st));
    CU_ASSERT_EQUAL(st.code, 422);
    CU_ASSERT_STRING_EQUAL(st.reason, "Invalid");
    CU_ASSERT_NOT_EQUAL(st.message[0], 0);
    /* strategic merge: containers merge by name */
    cJSON *d = parse("{\"metadata\":{\"name\":\"sd\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"sd\"}},"
                     "\"template\":{\"metadata\":{\"labels\":{\"app\":\"sd\"}},\"spec\":{\"containers\":[{\"name\":\"a\","
                     "\"image\":\"a:1\"},{\"name\":\"b\",\"image\":\"b:1\"}]}}}}");
    cJSON_Delete(kube_create(c, &DEPLOY, "pt", d, &st));
    cJSON_Delete(d);
    o = kube_patch(c, &DEPLOY, "pt", "sd", KUBE_PATCH_STRATEGIC,
                   "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"b\",\"image\":\"b:2\"}]}}}}", NULL, &st);
    CU_ASSERT_EQUAL(st.code, 200);
    cJSON *cs = cj_get(o, "spec.template.spec.containers");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cs), 2);
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cs, 0), "image"), "a:1");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cs, 1), "image"), "b:2");
    cJSON_Delete(o);
    /* the status subresource */
    o = kube_patch(c, &DEPLOY, "pt", "sd", KUBE_PATCH_MERGE, "{\"status\":{\"replicas\":3}}", "status", &st);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_EQUAL(cj_get(o, "status.replicas")->valuedouble, 3);
    cJSON_Delete(o);
    /* the scale subresource answers with a Scale */
    o = kube_patch(c, &DEPLOY, "pt", "sd", KUBE_PATCH_MERGE, "{\"spec\":{\"replicas\":4}}", "scale", &st);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "kind"), "Scale");
    cJSON_Delete(o);
    kube_client_free(c);
}

static void test_delete(void)
{
    kube_client *c = fake_client();
    kube_status st;
    ensure_ns(c, "del");
    /* background (the default): gone at once */
    cJSON_Delete(make_cm(c, "del", "bg", NULL, &st));
    kube_delete_opts bg = {.propagation = "Background"};
    cJSON *o = kube_delete(c, &CM, "del", "bg", &bg, &st);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_PTR_NOT_NULL(o);
    cJSON_Delete(o);
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "del", "bg", &st));
    CU_ASSERT_EQUAL(st.code, 404);
    CU_ASSERT_PTR_NULL(kube_delete(c, &CM, "del", "bg", NULL, &st));
    CU_ASSERT_STRING_EQUAL(st.reason, "NotFound");
    /* foreground and orphan keep the object with the finalizer that does the work */
    cJSON_Delete(make_cm(c, "del", "fg", NULL, &st));
    kube_delete_opts fg = {.propagation = "Foreground"};
    o = kube_delete(c, &CM, "del", "fg", &fg, &st);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_STRING_EQUAL(cJSON_GetArrayItem(cj_get(o, "metadata.finalizers"), 0)->valuestring, "foregroundDeletion");
    CU_ASSERT_PTR_NOT_NULL(cj_str(o, "metadata.deletionTimestamp"));
    cJSON_Delete(o);
    cJSON_Delete(make_cm(c, "del", "or", NULL, &st));
    kube_delete_opts orphan = {.propagation = "Orphan"};
    o = kube_delete(c, &CM, "del", "or", &orphan, &st);
    CU_ASSERT_STRING_EQUAL(cJSON_GetArrayItem(cj_get(o, "metadata.finalizers"), 0)->valuestring, "orphan");
    cJSON_Delete(o);
    kube_delete_opts bad = {.propagation = "Sideways"};
    cJSON_Delete(make_cm(c, "del", "pc", NULL, &st));
    CU_ASSERT_PTR_NULL(kube_delete(c, &CM, "del", "pc", &bad, &st));
    CU_ASSERT_EQUAL(st.code, 422);
    /* preconditions: a wrong uid or resourceVersion is a Conflict; the right ones delete */
    cJSON *cur = kube_get(c, &CM, "del", "pc", &st);
    kube_delete_opts wrong = {.precondition_uid = "not-the-uid"};
    CU_ASSERT_PTR_NULL(kube_delete(c, &CM, "del", "pc", &wrong, &st));
    CU_ASSERT_EQUAL(st.code, 409);
    CU_ASSERT_STRING_EQUAL(st.reason, "Conflict");
    kube_delete_opts stale = {.precondition_rv = "1"};
    CU_ASSERT_PTR_NULL(kube_delete(c, &CM, "del", "pc", &stale, &st));
    CU_ASSERT_EQUAL(st.code, 409);
    kube_delete_opts right = {.precondition_uid = cj_str(cur, "metadata.uid"),
                              .precondition_rv = cj_str(cur, "metadata.resourceVersion"), .grace_period_seconds = &(long){0}};
    o = kube_delete(c, &CM, "del", "pc", &right, &st);
    CU_ASSERT_EQUAL(st.code, 200);
    cJSON_Delete(o);
    cJSON_Delete(cur);
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "del", "pc", &st));
    CU_ASSERT_EQUAL(st.code, 404);
    kube_client_free(c);
}

static int item_count(const cJSON *list)
{
    return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(list, "items"));
}

static void test_list_paging_and_selectors(void)
{
    kube_client *c = fake_client();
    kube_status st;
    ensure_ns(c, "pg");
    for (int i = 0; i < 5; i++) {
        char name[8];
        snprintf(name, sizeof name, "cm%d", i);
        cJSON_Delete(make_cm(c, "pg", name, i % 2 ? "{\"app\":\"a\"}" : "{\"app\":\"b\",\"tier\":\"x\"}", &st));
    }
    cJSON *all = kube_list(c, &CM, "pg", NULL, &st);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_EQUAL(item_count(all), 5);
    kube_list_opts paged = {.limit = 2};
    cJSON *l = kube_list(c, &CM, "pg", &paged, &st);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_EQUAL(item_count(l), 5);
    CU_ASSERT_STRING_EQUAL(cj_str(l, "kind"), "ConfigMapList");
    CU_ASSERT_STRING_EQUAL(cj_str(l, "metadata.resourceVersion"), cj_str(all, "metadata.resourceVersion"));
    CU_ASSERT_PTR_NULL(cj_get(l, "metadata.continue"));
    CU_ASSERT_PTR_NULL(cj_get(l, "metadata.remainingItemCount"));
    for (int i = 0; i < 5; i++) {
        char name[8];
        snprintf(name, sizeof name, "cm%d", i);
        CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cJSON_GetObjectItem(l, "items"), i), "metadata.name"), name);
    }
    cJSON_Delete(l);
    cJSON_Delete(all);
    /* selectors travel URL-encoded (spaces, parentheses, '!') */
    kube_list_opts sel = {.label_selector = "app in (a, c)", .limit = 1};
    l = kube_list(c, &CM, "pg", &sel, &st);
    CU_ASSERT_EQUAL(item_count(l), 2);
    cJSON_Delete(l);
    kube_list_opts notin = {.label_selector = "app,!tier"};
    l = kube_list(c, &CM, "pg", &notin, &st);
    CU_ASSERT_EQUAL(item_count(l), 2);
    cJSON_Delete(l);
    kube_list_opts field = {.field_selector = "metadata.name=cm3", .label_selector = "app=a"};
    l = kube_list(c, &CM, "pg", &field, &st);
    CU_ASSERT_EQUAL(item_count(l), 1);
    cJSON_Delete(l);
    kube_list_opts badsel = {.field_selector = "spec.nothing=x"};
    CU_ASSERT_PTR_NULL(kube_list(c, &CM, "pg", &badsel, &st));
    CU_ASSERT_EQUAL(st.code, 400);
    CU_ASSERT_STRING_EQUAL(st.reason, "BadRequest");
    /* every namespace */
    l = kube_list(c, &CM, NULL, &paged, &st);
    CU_ASSERT_TRUE(item_count(l) >= 5);
    cJSON_Delete(l);
    /* an empty list still has items */
    kube_list_opts none = {.label_selector = "app=zzz"};
    l = kube_list(c, &CM, "pg", &none, &st);
    CU_ASSERT_TRUE(cJSON_IsArray(cJSON_GetObjectItem(l, "items")));
    CU_ASSERT_EQUAL(item_count(l), 0);
    cJSON_Delete(l);
    kube_client_free(c);
}

static void test_user_agent_recorded(void)
{
    kube_client *c = fake_client();
    kube_status st;
    ensure_ns(c, "ua");
    cJSON_Delete(make_cm(c, "ua", "who", NULL, &st));
    kube_client_free(c);
    kube_client_opts o = {.clock = vclock, .user_agent = "rollouts-test/9"};
    c = client_for(fakeapi_url(srv), &o);
    cJSON_Delete(make_cm(c, "ua", "who2", NULL, &st));
    kube_client_free(c);
    char *log = fakeapi_event_log(srv);
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "\"actor\":\"cutover/0.1.0\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "\"actor\":\"rollouts-test/9\""));
    free(log);
}

/* One client shared by several threads: requests serialize on its handle and all succeed. */
typedef struct {
    kube_client *c;
    int ok;
} share_arg;

static void *share_worker(void *p)
{
    share_arg *a = p;
    for (int i = 0; i < 25; i++) {
        kube_status st;
        cJSON *o = kube_get(a->c, &CM, "cgu", "a", &st);
        a->ok += o && st.code == 200;
        cJSON_Delete(o);
    }
    return NULL;
}

static void test_shared_between_threads(void)
{
    kube_client_opts o = {.qps = 10000, .burst = 10000};
    kube_client *c = client_for(fakeapi_url(srv), &o);
    pthread_t t[4];
    share_arg a[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (share_arg){c, 0};
        pthread_create(&t[i], NULL, share_worker, &a[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CU_ASSERT_EQUAL(a[i].ok, 25);
    }
    kube_client_free(c);
}

/* ---- watches against the fake server ---- */

static char *list_rv(kube_client *c, const kube_gvr *r, const char *ns)
{
    kube_status st;
    cJSON *l = kube_list(c, r, ns, NULL, &st);
    char *rv = strdup(cj_str(l, "metadata.resourceVersion"));
    cJSON_Delete(l);
    return rv;
}

/* Waits up to 5 s for the next event; returns "TYPE:name" (or "TYPE:rv" for bookmarks). */
static int next_event(kube_watch *w, char *out, size_t n, cJSON **objp, kube_status *st)
{
    char type[16];
    cJSON *obj = NULL;
    int r = kube_watch_next(w, 5000, type, &obj, st);
    if (r == 1) {
        const char *name = cj_str(obj, "metadata.name");
        snprintf(out, n, "%s:%s", type, name ? name : cj_str(obj, "metadata.resourceVersion"));
    } else
        snprintf(out, n, "%d", r);
    if (objp)
        *objp = obj;
    else
        cJSON_Delete(obj);
    return r;
}

static void test_watch_events_in_order(void)
{
    kube_client *c = fake_client();
    kube_status st;
    char ev[128];
    ensure_ns(c, "ww");
    cJSON_Delete(make_cm(c, "ww", "before", "{\"app\":\"w\"}", &st));
    char *rv = list_rv(c, &CM, "ww");
    kube_watch_opts wo = {.resource_version = rv};
    kube_watch *w = kube_watch_open(c, &CM, "ww", &wo, &st);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(st.code, 200);
    cJSON_Delete(make_cm(c, "ww", "x", "{\"app\":\"w\"}", &st));
    cJSON_Delete(kube_patch(c, &CM, "ww", "x", KUBE_PATCH_MERGE, "{\"data\":{\"k\":\"2\"}}", NULL, &st));
    kube_delete_opts d = {0};
    cJSON_Delete(kube_delete(c, &CM, "ww", "x", &d, &st));
    cJSON *obj;
    next_event(w, ev, sizeof ev, &obj, &st);
    CU_ASSERT_STRING_EQUAL(ev, "ADDED:x");
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(obj, "kind"), "ConfigMap");
    cJSON_Delete(obj);
    next_event(w, ev, sizeof ev, &obj, &st);
    CU_ASSERT_STRING_EQUAL(ev, "MODIFIED:x");
    CU_ASSERT_STRING_EQUAL(cj_str(obj, "data.k"), "2");
    cJSON_Delete(obj);
    next_event(w, ev, sizeof ev, NULL, &st);
    CU_ASSERT_STRING_EQUAL(ev, "DELETED:x");
    kube_watch_close(w);

    /* no resourceVersion: the current state first, as ADDED; selectors filter */
    kube_watch_opts now = {.label_selector = "app=w", .field_selector = "metadata.name!=zzz"};
    w = kube_watch_open(c, &CM, "ww", &now, &st);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    next_event(w, ev, sizeof ev, NULL, &st);
    CU_ASSERT_STRING_EQUAL(ev, "ADDED:before");
    cJSON_Delete(make_cm(c, "ww", "other", "{\"app\":\"nope\"}", &st));
    cJSON_Delete(make_cm(c, "ww", "match", "{\"app\":\"w\"}", &st));
    next_event(w, ev, sizeof ev, NULL, &st);
    CU_ASSERT_STRING_EQUAL(ev, "ADDED:match");
    kube_watch_close(w);
    free(rv);
    kube_client_free(c);
}

static void test_watch_poll_and_fd(void)
{
    kube_client *c = fake_client();
    kube_status st;
    ensure_ns(c, "wp");
    char *rv = list_rv(c, &CM, "wp");
    kube_watch_opts wo = {.resource_version = rv};
    kube_watch *w = kube_watch_open(c, &CM, "wp", &wo, &st);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    char type[16];
    cJSON *obj = NULL;
    int64_t t = mono_ms();
    CU_ASSERT_EQUAL(kube_watch_next(w, 0, type, &obj, &st), 0); /* nothing yet: returns at once */
    CU_ASSERT_EQUAL(kube_watch_next(w, 0, type, &obj, &st), 0);
    CU_ASSERT_EQUAL(kube_watch_next(w, 200, type, &obj, &st), 0); /* waits, then times out */
    int64_t took = mono_ms() - t;
    CU_ASSERT_TRUE(took >= 190 && took < 1500);
    CU_ASSERT_PTR_NULL(obj);
    int fd = kube_watch_fd(w);
    CU_ASSERT_TRUE(fd >= 0);
    cJSON_Delete(make_cm(c, "wp", "p1", NULL, &st));
    cJSON_Delete(make_cm(c, "wp", "p2", NULL, &st));
    /* a driver waits on the descriptor, then drains with timeout 0 */
    int got = 0;
    for (int round = 0; round < 20 && got < 2; round++) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        CU_ASSERT_TRUE(poll(&p, 1, 5000) > 0);
        while (kube_watch_next(w, 0, type, &obj, &st) == 1) {
            CU_ASSERT_STRING_EQUAL(type, "ADDED");
            CU_ASSERT_STRING_EQUAL(cj_str(obj, "metadata.name"), got ? "p2" : "p1");
            cJSON_Delete(obj);
            got++;
        }
    }
    CU_ASSERT_EQUAL(got, 2);
    kube_watch_close(w);
    free(rv);
    kube_client_free(c);
}

static void test_watch_bookmarks(void)
{
    kube_client *c = fake_client();
    kube_status st;
    ensure_ns(c, "wb");
    char *rv = list_rv(c, &CM, "wb");
    kube_watch_opts wo = {.resource_version = rv, .bookmarks = 1};
    kube_watch *w = kube_watch_open(c, &CM, "wb", &wo, &st);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    /* a write to another kind: the configmap watcher learns the new resourceVersion */
    cJSON *s = parse("{\"metadata\":{\"name\":\"s\"}}");
    cJSON *made = kube_create(c, &SECRETS, "wb", s, &st);
    cJSON_Delete(s);
    char ev[128], want[128];
    cJSON *obj;
    next_event(w, ev, sizeof ev, &obj, &st);
    snprintf(want, sizeof want, "BOOKMARK:%s", cj_str(made, "metadata.resourceVersion"));
    CU_ASSERT_STRING_EQUAL(ev, want);
    CU_ASSERT_STRING_EQUAL(cj_str(obj, "kind"), "ConfigMap");
    cJSON_Delete(obj);
    cJSON_Delete(made);
    kube_watch_close(w);
    free(rv);
    kube_client_free(c);
}

static void test_watch_closed_by_server(void)
{
    kube_client *c = fake_client();
    kube_status st;
    char *rv = list_rv(c, &CM, "default");
    kube_watch_opts wo = {.resource_version = rv, .timeout_seconds = 1};
    kube_watch *w = kube_watch_open(c, &CM, "default", &wo, &st);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    int64_t t = mono_ms();
    char type[16];
    cJSON *obj;
    int r;
    while ((r = kube_watch_next(w, 5000, type, &obj, &st)) == 1)
        cJSON_Delete(obj);
    CU_ASSERT_EQUAL(r, -1);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_STRING_EQUAL(st.reason, "Closed");
    CU_ASSERT_TRUE(mono_ms() - t < 4000);
    CU_ASSERT_EQUAL(kube_watch_next(w, 0, type, &obj, &st), -1); /* stays ended */
    kube_watch_close(w);
    free(rv);
    kube_client_free(c);
}

static void test_watch_expired_and_open_errors(void)
{
    kube_client *c = fake_client();
    kube_status st;
    ensure_ns(c, "wx");
    cJSON_Delete(make_cm(c, "wx", "a", NULL, &st));
    char *old = list_rv(c, &CM, "wx");
    cJSON_Delete(make_cm(c, "wx", "b", NULL, &st));
    cJSON_Delete(make_cm(c, "wx", "c", NULL, &st));
    /* the raw call reaches the fake server's admin endpoint */
    cJSON *r = kube_request(c, "POST", "/_cutover/compact?keep=1", NULL, NULL, &st);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_PTR_NOT_NULL(cj_get(r, "compacted"));
    cJSON_Delete(r);
    kube_watch_opts wo = {.resource_version = old};
    kube_watch *w = kube_watch_open(c, &CM, "wx", &wo, &st);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w); /* HTTP 200: the error comes in the stream */
    char type[16];
    cJSON *obj = NULL;
    CU_ASSERT_EQUAL(kube_watch_next(w, 5000, type, &obj, &st), 1);
    CU_ASSERT_STRING_EQUAL(type, "ERROR");
    CU_ASSERT_EQUAL(cj_get(obj, "code")->valuedouble, 410);
    CU_ASSERT_STRING_EQUAL(cj_str(obj, "reason"), "Expired");
    CU_ASSERT_EQUAL(st.code, 410);
    CU_ASSERT_STRING_EQUAL(st.reason, "Expired");
    CU_ASSERT_PTR_NOT_NULL(strstr(st.message, "too old resource version"));
    cJSON_Delete(obj);
    CU_ASSERT_EQUAL(kube_watch_next(w, 5000, type, &obj, &st), -1);
    CU_ASSERT_STRING_EQUAL(st.reason, "Closed");
    kube_watch_close(w);
    free(old);
    /* HTTP errors when opening: no watch, the Status in st */
    kube_gvr nothing = {"", "v1", "nosuchthings", 1};
    CU_ASSERT_PTR_NULL(kube_watch_open(c, &nothing, "wx", NULL, &st));
    CU_ASSERT_EQUAL(st.code, 404);
    CU_ASSERT_STRING_EQUAL(st.reason, "NotFound");
    kube_watch_opts bad = {.resource_version = "abc"};
    CU_ASSERT_PTR_NULL(kube_watch_open(c, &CM, "wx", &bad, &st));
    CU_ASSERT_EQUAL(st.code, 400);
    CU_ASSERT_STRING_EQUAL(st.reason, "BadRequest");
    kube_client_free(c);
}

/* A watch on a closed port fails to open with a transport error. */
static void test_watch_transport_error(void)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", closed_port());
    kube_client_opts o = {.clock = vclock};
    kube_client *c = client_for(url, &o);
    kube_status st;
    CU_ASSERT_PTR_NULL(kube_watch_open(c, &CM, NULL, NULL, &st));
    CU_ASSERT_EQUAL(st.code, 0);
    CU_ASSERT_NOT_EQUAL(st.message[0], 0);
    kube_client_free(c);
}

/* ---- rate limiting ---- */

static void test_rate_limit_virtual_clock(void)
{
    co_clock *v = vclock_new();
    kube_client_opts o = {.clock = v, .qps = 5, .burst = 10};
    kube_client *c = client_for(fakeapi_url(srv), &o);
    int64_t t = mono_ms();
    int ok = 0;
    for (int i = 0; i < 30; i++) {
        kube_status st;
        cJSON *r = kube_request(c, "GET", "/version", NULL, NULL, &st);
        ok += r != NULL;
        cJSON_Delete(r);
        if (i == 9) /* the burst costs nothing */
            CU_ASSERT_EQUAL(co_clock_now_ms(v), T0);
    }
    CU_ASSERT_EQUAL(ok, 30);
    /* 20 requests past the burst at 5 per second: 4 s of virtual time, almost none of real time */
    int64_t moved = co_clock_now_ms(v) - T0;
    CU_ASSERT_TRUE(moved >= 3900 && moved <= 4100);
    CU_ASSERT_TRUE(mono_ms() - t < 2000);
    kube_client_free(c);
    co_clock_free(v);
}

/* A caller's own wait hook replaces the default. */
typedef struct {
    co_clock *clock;
    int calls;
    int64_t last;
} hook_state;

static void hook_wait(void *ud, int64_t when)
{
    hook_state *h = ud;
    h->calls++;
    h->last = when;
    co_clock_advance(h->clock, when - co_clock_now_ms(h->clock));
}

static void test_rate_limit_hook_and_real_clock(void)
{
    co_clock *v = vclock_new();
    hook_state h = {.clock = v};
    kube_client_opts o = {.clock = v, .qps = 2, .burst = 1, .wait_until = hook_wait, .wait_ud = &h};
    kube_client *c = client_for(fakeapi_url(srv), &o);
    kube_status st;
    for (int i = 0; i < 3; i++)
        cJSON_Delete(kube_request(c, "GET", "/version", NULL, NULL, &st));
    CU_ASSERT_EQUAL(h.calls, 2);
    CU_ASSERT_EQUAL(h.last, T0 + 1000);
    kube_client_free(c);
    co_clock_free(v);
    /* the real clock sleeps: burst 1 at 20 qps, 3 requests take about 100 ms */
    kube_client_opts r = {.qps = 20, .burst = 1};
    c = client_for(fakeapi_url(srv), &r);
    int64_t t = mono_ms();
    for (int i = 0; i < 3; i++)
        cJSON_Delete(kube_request(c, "GET", "/version", NULL, NULL, &st));
    int64_t took = mono_ms() - t;
    CU_ASSERT_TRUE(took >= 90 && took < 1500);
    kube_client_free(c);
}

/* ---- retries, Status parsing and wire details against the scripted server ---- */

static mock *mk;

static kube_client *mock_client(co_clock *clock, int max_retries)
{
    kube_client_opts o = {.clock = clock, .max_retries = max_retries, .qps = 1000, .burst = 1000};
    return client_for(mk->url, &o);
}

#define STATUS(code, reason, extra) \
    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"" reason \
    " happened\",\"reason\":\"" reason "\"" extra ",\"code\":" #code "}"

static void test_retries(void)
{
    co_clock *v = vclock_new();
    kube_client *c = mock_client(v, 0);
    kube_status st;
    /* 429 with Retry-After: waited on the clock, then retried */
    static const mock_reply r429[] = {{429, "Retry-After: 1", STATUS(429, "TooManyRequests", "")}, {200, NULL, "{\"ok\":1}"}};
    mock_script(mk, r429, 2);
    cJSON *o = kube_request(c, "GET", "/api/v1/namespaces/default/configmaps/x", NULL, NULL, &st);
    CU_ASSERT_PTR_NOT_NULL(o);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_EQUAL(mk->requests, 2);
    CU_ASSERT_EQUAL(co_clock_now_ms(v), T0 + 1000);
    cJSON_Delete(o);
    /* 500 without Retry-After: 1 s backoff */
    static const mock_reply r500[] = {{500, NULL, STATUS(500, "InternalError", "")}, {200, NULL, "{}"}};
    mock_script(mk, r500, 2);
    int64_t t = co_clock_now_ms(v);
    o = kube_get(c, &CM, "default", "x", &st);
    CU_ASSERT_PTR_NOT_NULL(o);
    CU_ASSERT_EQUAL(mk->requests, 2);
    CU_ASSERT_EQUAL(co_clock_now_ms(v), t + 1000);
    cJSON_Delete(o);
    /* PUT and DELETE retry 5xx too */
    mock_script(mk, r500, 2);
    o = kube_delete(c, &CM, "default", "x", NULL, &st);
    CU_ASSERT_PTR_NOT_NULL(o);
    CU_ASSERT_EQUAL(mk->requests, 2);
    cJSON_Delete(o);
    /* PATCH and POST: never retried on 5xx (they may have been applied)... */
    mock_script(mk, r500, 2);
    t = co_clock_now_ms(v);
    CU_ASSERT_PTR_NULL(kube_patch(c, &CM, "default", "x", KUBE_PATCH_MERGE, "{}", NULL, &st));
    CU_ASSERT_EQUAL(st.code, 500);
    CU_ASSERT_STRING_EQUAL(st.reason, "InternalError");
    CU_ASSERT_EQUAL(mk->requests, 1);
    CU_ASSERT_EQUAL(co_clock_now_ms(v), t);
    /* ...but on 429, which promises nothing was done */
    static const mock_reply p429[] = {{429, NULL, STATUS(429, "TooManyRequests", "")}, {201, NULL, "{}"}};
    mock_script(mk, p429, 2);
    cJSON *body = parse("{\"metadata\":{\"name\":\"y\"}}");
    o = kube_create(c, &CM, "default", body, &st);
    CU_ASSERT_PTR_NOT_NULL(o);
    CU_ASSERT_EQUAL(st.code, 201);
    CU_ASSERT_EQUAL(mk->requests, 2);
    cJSON_Delete(o);
    /* details.retryAfterSeconds counts as Retry-After */
    static const mock_reply r504[] = {{504, NULL, STATUS(504, "Timeout", ",\"details\":{\"retryAfterSeconds\":3}")},
                                      {200, NULL, "{}"}};
    mock_script(mk, r504, 2);
    t = co_clock_now_ms(v);
    cJSON_Delete(kube_get(c, &CM, "default", "x", &st));
    CU_ASSERT_EQUAL(mk->requests, 2);
    CU_ASSERT_EQUAL(co_clock_now_ms(v), t + 3000);
    /* giving up: 1 + 5 attempts, backoff 1+2+4+8+16 s */
    static const mock_reply r503[] = {{503, NULL, STATUS(503, "ServiceUnavailable", "")}};
    mock_script(mk, r503, 1);
    t = co_clock_now_ms(v);
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "default", "x", &st));
    CU_ASSERT_EQUAL(st.code, 503);
    CU_ASSERT_STRING_EQUAL(st.reason, "ServiceUnavailable");
    CU_ASSERT_EQUAL(mk->requests, 6);
    CU_ASSERT_EQUAL(co_clock_now_ms(v), t + 31000);
    /* 4xx other than 429: no retry */
    static const mock_reply r409[] = {{409, NULL, STATUS(409, "Conflict", "")}, {200, NULL, "{}"}};
    mock_script(mk, r409, 2);
    CU_ASSERT_PTR_NULL(kube_update(c, &CM, "default", body, &st));
    CU_ASSERT_EQUAL(mk->requests, 1);
    cJSON_Delete(body);
    kube_client_free(c);
    /* retries off */
    c = mock_client(v, -1);
    mock_script(mk, r500, 2);
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "default", "x", &st));
    CU_ASSERT_EQUAL(mk->requests, 1);
    kube_client_free(c);
    /* the backoff is capped at 30 s */
    c = mock_client(v, 7);
    mock_script(mk, r503, 1);
    t = co_clock_now_ms(v);
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "default", "x", &st));
    CU_ASSERT_EQUAL(mk->requests, 8);
    CU_ASSERT_EQUAL(co_clock_now_ms(v), t + 1000 + 2000 + 4000 + 8000 + 16000 + 30000 + 30000);
    kube_client_free(c);
    co_clock_free(v);
}

static void test_status_parsing(void)
{
    co_clock *v = vclock_new();
    kube_client *c = mock_client(v, -1);
    kube_status st;
    /* not a Status: the reason comes from the code, the message shows the body's start */
    static const mock_reply html[] = {{502, NULL, "<html><body>Bad Gateway</body></html>"}};
    mock_script(mk, html, 1);
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "default", "x", &st));
    CU_ASSERT_EQUAL(st.code, 502);
    CU_ASSERT_STRING_EQUAL(st.reason, "InternalError");
    CU_ASSERT_PTR_NOT_NULL(strstr(st.message, "Bad Gateway"));
    static const mock_reply text404[] = {{404, NULL, "404 page not found\n"}};
    mock_script(mk, text404, 1);
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "default", "x", &st));
    CU_ASSERT_EQUAL(st.code, 404);
    CU_ASSERT_STRING_EQUAL(st.reason, "NotFound");
    CU_ASSERT_PTR_NOT_NULL(strstr(st.message, "404 page not found"));
    static const struct {
        int code;
        const char *reason;
    } synth[] = {{409, "Conflict"}, {422, "Invalid"}, {429, "TooManyRequests"}, {500, "InternalError"},
                 {503, "ServiceUnavailable"}, {504, "Timeout"}, {403, "Forbidden"}};
    for (size_t i = 0; i < sizeof synth / sizeof *synth; i++) {
        mock_reply one[] = {{synth[i].code, NULL, ""}};
        mock_script(mk, one, 1);
        CU_ASSERT_PTR_NULL(kube_get(c, &CM, "default", "x", &st));
        CU_ASSERT_EQUAL(st.code, synth[i].code);
        CU_ASSERT_STRING_EQUAL(st.reason, synth[i].reason);
        CU_ASSERT_PTR_NOT_NULL(strstr(st.message, "no body"));
    }
    /* a Status: reason, message, Retry-After */
    static const mock_reply busy[] = {{429, "Retry-After: 7", STATUS(429, "TooManyRequests", "")}};
    mock_script(mk, busy, 1);
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "default", "x", &st));
    CU_ASSERT_EQUAL(st.retry_after, 7);
    CU_ASSERT_STRING_EQUAL(st.message, "TooManyRequests happened");
    /* a 2xx that is not JSON is an error, not an object */
    static const mock_reply junk[] = {{200, NULL, "this is not json"}};
    mock_script(mk, junk, 1);
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "default", "x", &st));
    CU_ASSERT_EQUAL(st.code, 0);
    CU_ASSERT_STRING_EQUAL(st.reason, "InvalidResponse");
    /* an empty 2xx body is an empty object */
    static const mock_reply empty[] = {{200, NULL, ""}};
    mock_script(mk, empty, 1);
    cJSON *o = kube_get(c, &CM, "default", "x", &st);
    CU_ASSERT_TRUE(cJSON_IsObject(o));
    cJSON_Delete(o);
    kube_client_free(c);
    co_clock_free(v);
}

static void test_transport_error(void)
{
    co_clock *v = vclock_new();
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", closed_port());
    kube_client_opts o = {.clock = v};
    kube_client *c = client_for(url, &o);
    kube_status st;
    int64_t t = mono_ms();
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "default", "x", &st));
    CU_ASSERT_EQUAL(st.code, 0);
    CU_ASSERT_STRING_EQUAL(st.reason, "TransportError");
    CU_ASSERT_PTR_NOT_NULL(strstr(st.message, "onnect")); /* curl: "Failed to connect ... Connection refused" */
    CU_ASSERT_EQUAL(co_clock_now_ms(v), T0 + 31000); /* a GET retries connection failures */
    CU_ASSERT_TRUE(mono_ms() - t < 2000);
    cJSON *body = parse("{\"metadata\":{\"name\":\"y\"}}");
    CU_ASSERT_PTR_NULL(kube_create(c, &CM, "default", body, &st));
    CU_ASSERT_EQUAL(st.code, 0);
    CU_ASSERT_EQUAL(co_clock_now_ms(v), T0 + 31000); /* a POST does not */
    cJSON_Delete(body);
    kube_client_free(c);
    co_clock_free(v);
}

static void test_list_protocol(void)
{
    co_clock *v = vclock_new();
    kube_client *c = mock_client(v, -1);
    kube_status st;
    static const mock_reply pages[] = {
        {200, NULL, "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\",\"continue\":\"c1\","
                    "\"remainingItemCount\":3},\"items\":[{\"metadata\":{\"name\":\"a\"}},{\"metadata\":{\"name\":\"b\"}}]}"},
        {200, NULL, "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\",\"continue\":\"c2\"},"
                    "\"items\":[{\"metadata\":{\"name\":\"c\"}},{\"metadata\":{\"name\":\"d\"}}]}"},
        {200, NULL, "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"8\"},"
                    "\"items\":[{\"metadata\":{\"name\":\"e\"}}]}"},
    };
    mock_script(mk, pages, 3);
    kube_list_opts lo = {.limit = 2, .label_selector = "app in (a,b)", .field_selector = "metadata.name!=z",
                         .resource_version = "0"};
    cJSON *l = kube_list(c, &CM, "ns", &lo, &st);
    CU_ASSERT_EQUAL(item_count(l), 5);
    CU_ASSERT_STRING_EQUAL(cj_str(l, "metadata.resourceVersion"), "7"); /* the first page's */
    CU_ASSERT_PTR_NULL(cj_get(l, "metadata.continue"));
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cJSON_GetObjectItem(l, "items"), 4), "metadata.name"), "e");
    cJSON_Delete(l);
    CU_ASSERT_STRING_EQUAL(
        mk->log.data,
        "GET /api/v1/namespaces/ns/configmaps?labelSelector=app in (a,b)&fieldSelector=metadata.name!=z&limit=2&resourceVersion=0\n"
        "GET /api/v1/namespaces/ns/configmaps?labelSelector=app in (a,b)&fieldSelector=metadata.name!=z&limit=2&continue=c1\n"
        "GET /api/v1/namespaces/ns/configmaps?labelSelector=app in (a,b)&fieldSelector=metadata.name!=z&limit=2&continue=c2\n");
    /* a continue token that expired: one fresh list, unpaged */
    static const mock_reply expired[] = {
        {200, NULL, "{\"kind\":\"ConfigMapList\",\"metadata\":{\"resourceVersion\":\"7\",\"continue\":\"c1\"},\"items\":[{}]}"},
        {410, NULL, STATUS(410, "Expired", "")},
        {200, NULL, "{\"kind\":\"ConfigMapList\",\"metadata\":{\"resourceVersion\":\"9\"},\"items\":[{},{},{}]}"},
    };
    mock_script(mk, expired, 3);
    kube_list_opts small = {.limit = 1};
    l = kube_list(c, &CM, "ns", &small, &st);
    CU_ASSERT_EQUAL(item_count(l), 3);
    CU_ASSERT_STRING_EQUAL(cj_str(l, "metadata.resourceVersion"), "9");
    cJSON_Delete(l);
    CU_ASSERT_STRING_EQUAL(mk->log.data, "GET /api/v1/namespaces/ns/configmaps?limit=1\n"
                                         "GET /api/v1/namespaces/ns/configmaps?limit=1&continue=c1\n"
                                         "GET /api/v1/namespaces/ns/configmaps\n");
    /* only once: expiring again is the caller's problem */
    static const mock_reply again[] = {
        {200, NULL, "{\"metadata\":{\"continue\":\"c1\"},\"items\":[]}"},
        {410, NULL, STATUS(410, "Expired", "")},
        {200, NULL, "{\"metadata\":{\"continue\":\"c1\"},\"items\":[]}"},
        {410, NULL, STATUS(410, "Expired", "")},
    };
    mock_script(mk, again, 4);
    CU_ASSERT_PTR_NULL(kube_list(c, &CM, "ns", &small, &st));
    CU_ASSERT_EQUAL(st.code, 410);
    CU_ASSERT_EQUAL(mk->requests, 4);
    kube_client_free(c);
    co_clock_free(v);
}

static void test_wire_details(void)
{
    co_clock *v = vclock_new();
    kube_client *c = mock_client(v, -1);
    kube_status st;
    mock_script(mk, NULL, 0);
    /* DeleteOptions in the body */
    kube_delete_opts d = {.propagation = "Foreground", .precondition_uid = "u-1", .precondition_rv = "5",
                          .grace_period_seconds = &(long){0}};
    cJSON_Delete(kube_delete(c, &DEPLOY, "ns", "d", &d, &st));
    CU_ASSERT_STRING_EQUAL(mk->log.data, "DELETE /apis/apps/v1/namespaces/ns/deployments/d\n");
    CU_ASSERT_STRING_EQUAL(mk->ctype, "application/json");
    cJSON *body = parse(mk->body), *want = parse("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":"
                                                 "\"Foreground\",\"gracePeriodSeconds\":0,\"preconditions\":{\"uid\":\"u-1\","
                                                 "\"resourceVersion\":\"5\"}}");
    CU_ASSERT_TRUE(cj_equal(body, want));
    cJSON_Delete(body);
    cJSON_Delete(want);
    cJSON_Delete(kube_delete(c, &CM, NULL, "x", NULL, &st)); /* ns NULL: the client's namespace */
    CU_ASSERT_PTR_NOT_NULL(strstr(mk->log.data, "DELETE /api/v1/namespaces/default/configmaps/x\n"));
    CU_ASSERT_STRING_EQUAL(mk->body, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\"}");
    /* patch content types and subresources */
    static const struct {
        kube_patch_type t;
        const char *ct;
    } types[] = {{KUBE_PATCH_MERGE, "application/merge-patch+json"},
                 {KUBE_PATCH_JSON, "application/json-patch+json"},
                 {KUBE_PATCH_STRATEGIC, "application/strategic-merge-patch+json"}};
    for (int i = 0; i < 3; i++) {
        mock_script(mk, NULL, 0);
        cJSON_Delete(kube_patch(c, &DEPLOY, "ns", "d", types[i].t, "{\"a\":1}", "scale", &st));
        CU_ASSERT_STRING_EQUAL(mk->ctype, types[i].ct);
        CU_ASSERT_STRING_EQUAL(mk->body, "{\"a\":1}");
        CU_ASSERT_STRING_EQUAL(mk->log.data, "PATCH /apis/apps/v1/namespaces/ns/deployments/d/scale\n");
    }
    /* create POSTs to the collection, update PUTs to the object */
    cJSON *obj = parse("{\"metadata\":{\"name\":\"n\",\"namespace\":\"objns\"}}");
    mock_script(mk, NULL, 0);
    cJSON_Delete(kube_create(c, &CM, NULL, obj, &st));
    cJSON_Delete(kube_update(c, &CM, NULL, obj, &st));
    cJSON_Delete(kube_update_status(c, &CM, "given", obj, &st));
    CU_ASSERT_STRING_EQUAL(mk->log.data, "POST /api/v1/namespaces/objns/configmaps\n"
                                         "PUT /api/v1/namespaces/objns/configmaps/n\n"
                                         "PUT /api/v1/namespaces/given/configmaps/n/status\n");
    cJSON *sent = parse(mk->body);
    CU_ASSERT_TRUE(cj_equal(sent, obj));
    cJSON_Delete(sent);
    cJSON_Delete(obj);
    /* watch query */
    mock_script(mk, NULL, 0);
    kube_watch_opts wo = {.resource_version = "12", .bookmarks = 1, .label_selector = "a=b", .field_selector = "x!=y"};
    kube_watch *w = kube_watch_open(c, &CM, "ns", &wo, &st);
    CU_ASSERT_PTR_NOT_NULL(w);
    kube_watch_close(w);
    const char *wq = "GET /api/v1/namespaces/ns/configmaps?watch=1&resourceVersion=12&allowWatchBookmarks=true&"
                     "timeoutSeconds=";
    CU_ASSERT_EQUAL(strncmp(mk->log.data, wq, strlen(wq)), 0);
    int secs = 0;
    const char *ts = strstr(mk->log.data, "timeoutSeconds=");
    if (ts)
        secs = atoi(ts + 15);
    CU_ASSERT_TRUE(secs >= 300 && secs <= 600);
    CU_ASSERT_PTR_NOT_NULL(strstr(mk->log.data, "&labelSelector=a=b&fieldSelector=x!=y\n"));
    /* headers: user agent, and no Authorization without credentials */
    CU_ASSERT_STRING_EQUAL(mk->ua, "cutover/0.1.0");
    CU_ASSERT_STRING_EQUAL(mk->auth, "");
    /* one connection for many requests */
    kube_client_free(c);
    pthread_mutex_lock(&mk->mu);
    int before = mk->connections;
    pthread_mutex_unlock(&mk->mu);
    c = mock_client(v, -1);
    for (int i = 0; i < 10; i++)
        cJSON_Delete(kube_get(c, &CM, "ns", "x", &st));
    pthread_mutex_lock(&mk->mu);
    CU_ASSERT_EQUAL(mk->connections - before, 1);
    pthread_mutex_unlock(&mk->mu);
    kube_client_free(c);
    co_clock_free(v);
}

/* ---- credentials, logging, TLS ---- */

static kube_client *client_with(const char *url, kube_config *tweak, char *err, size_t n)
{
    kube_config cfg;
    kube_config_for_server(url, "default", &cfg);
    if (tweak) {
        /* move the tweak's fields in; cfg owns them from here */
        if (tweak->token)
            cfg.token = strdup(tweak->token);
        if (tweak->username)
            cfg.username = strdup(tweak->username);
        if (tweak->password)
            cfg.password = strdup(tweak->password);
        if (tweak->tls_server_name)
            cfg.tls_server_name = strdup(tweak->tls_server_name);
        cfg.insecure = tweak->insecure;
        if (tweak->ca_pem) {
            cfg.ca_pem = strdup(tweak->ca_pem);
            cfg.ca_len = strlen(tweak->ca_pem);
        }
        if (tweak->cert_pem) {
            cfg.cert_pem = strdup(tweak->cert_pem);
            cfg.cert_len = strlen(tweak->cert_pem);
        }
        if (tweak->key_pem) {
            cfg.key_pem = strdup(tweak->key_pem);
            cfg.key_len = strlen(tweak->key_pem);
        }
    }
    kube_client_opts o = {.clock = vclock, .qps = 1000, .burst = 1000};
    err[0] = 0;
    kube_client *c = kube_client_new(&cfg, &o, err, n);
    kube_config_free(&cfg);
    return c;
}

static void test_credentials_and_verbose_log(void)
{
    char err[256];
    kube_status st;
    kube_config t = {.token = "sekret-token"};
    kube_client *c = client_with(mk->url, &t, err, sizeof err);
    mock_script(mk, NULL, 0);
    cJSON_Delete(kube_get(c, &CM, "ns", "x", &st));
    CU_ASSERT_STRING_EQUAL(mk->auth, "Bearer sekret-token");
    kube_client_free(c);
    kube_config b = {.username = "u", .password = "p"};
    c = client_with(mk->url, &b, err, sizeof err);
    cJSON_Delete(kube_get(c, &CM, "ns", "x", &st));
    CU_ASSERT_STRING_EQUAL(mk->auth, "Basic dTpw");
    kube_client_free(c);
    /* a token file is read on every request: a rotated token is used at once */
    char path[] = "/tmp/kube-client-token-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_EQUAL(write(fd, "first\n", 6), 6);
    close(fd);
    kube_config cfg;
    kube_config_for_server(mk->url, "default", &cfg);
    cfg.token_file = strdup(path);
    kube_client_opts o = {.clock = vclock, .qps = 1000, .burst = 1000};
    c = kube_client_new(&cfg, &o, err, sizeof err);
    kube_config_free(&cfg);
    cJSON_Delete(kube_get(c, &CM, "ns", "x", &st));
    CU_ASSERT_STRING_EQUAL(mk->auth, "Bearer first");
    FILE *f = fopen(path, "w");
    fputs("second", f);
    fclose(f);
    cJSON_Delete(kube_get(c, &CM, "ns", "x", &st));
    CU_ASSERT_STRING_EQUAL(mk->auth, "Bearer second");
    kube_client_free(c);
    unlink(path);

    /* verbose: method, URL, status and duration; never the token */
    kube_config_for_server(mk->url, "default", &cfg);
    cfg.token = strdup("sekret-token");
    kube_client_opts vo = {.clock = vclock, .verbose = 1, .max_retries = 1, .qps = 1000, .burst = 1000};
    c = kube_client_new(&cfg, &vo, err, sizeof err);
    kube_config_free(&cfg);
    fflush(stderr);
    int saved = dup(2);
    FILE *cap = tmpfile();
    dup2(fileno(cap), 2);
    static const mock_reply r[] = {{500, NULL, "{}"}, {200, NULL, "{}"}};
    mock_script(mk, r, 2);
    cJSON_Delete(kube_get(c, &CM, "ns", "x", &st));
    kube_watch *w = kube_watch_open(c, &CM, "ns", NULL, &st);
    kube_watch_close(w);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char logbuf[4096] = "";
    rewind(cap);
    size_t n = fread(logbuf, 1, sizeof logbuf - 1, cap);
    logbuf[n] = 0;
    fclose(cap);
    char want[256];
    snprintf(want, sizeof want, "GET %s/api/v1/namespaces/ns/configmaps/x 500", mk->url);
    CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, want));
    snprintf(want, sizeof want, "GET %s/api/v1/namespaces/ns/configmaps/x 200", mk->url);
    CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "retrying"));
    CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "ms\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "WATCH"));
    CU_ASSERT_PTR_NULL(strstr(logbuf, "sekret"));
    CU_ASSERT_PTR_NULL(strstr(logbuf, "Bearer"));
    kube_client_free(c);
}

/* Test PKI (EC P-256, valid until 2126): a CA, a server certificate for DNS:kube.test only, a
 * client certificate from the same CA, an unrelated key and an unrelated CA. */
static const char CA_CRT[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBjDCCATGgAwIBAgIUIj+wxp6yxPKFYow5ebtwJKdhXwUwCgYIKoZIzj0EAwIw\n"
    "GjEYMBYGA1UEAwwPY3V0b3Zlci10ZXN0LWNhMCAXDTI2MTEyNjA2MjMyMloYDzIx\n"
    "MjYxMTAyMDYyMzIyWjAaMRgwFgYDVQQDDA9jdXRvdmVyLXRlc3QtY2EwWTATBgcq\n"
    "hkjOPQIBBggqhkjOPQMBBwNCAAQUi3W8iDwz6bppscHJ1TLB3BvvfLo4BKtIlvxG\n"
    "neWQWTrVCJjFZYinnC15ZUTBC5a3PMXHC0eG3MmsSAmlDoPxo1MwUTAdBgNVHQ4E\n"
    "FgQUmOmQubRUpsRkrlVttpVC1HmEA+0wHwYDVR0jBBgwFoAUmOmQubRUpsRkrlVt\n"
    "tpVC1HmEA+0wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEA1mco\n"
    "uDCl1kJkL24DMe8SoorTkumghTeOhMZjqsM5U6sCIQDh+O5pdc5ylOBGO6SFAn4O\n"
    "HEByhd3sUUvMGiOhbYFMEA==\n"
    "-----END CERTIFICATE-----\n"
    ;
static const char SRV_CRT[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBuTCCAV+gAwIBAgIUNvxUyMe2Xy6diTH/k/c8KSi3bzQwCgYIKoZIzj0EAwIw\n"
    "GjEYMBYGA1UEAwwPY3V0b3Zlci10ZXN0LWNhMCAXDTI2MTEyNjA2MjMyMloYDzIx\n"
    "MjYxMTAyMDYyMzIyWjAUMRIwEAYDVQQDDAlrdWJlLnRlc3QwWTATBgcqhkjOPQIB\n"
    "BggqhkjOPQMBBwNCAASjVWqCiaSVlReI0Vw86RSJbbXBkv4Xf5NzHswqbMGmBNij\n"
    "/Tu4J3zGFmDjmEcn2v6z1Z1HYGyHhjGeUCxIP5AHo4GGMIGDMBQGA1UdEQQNMAuC\n"
    "CWt1YmUudGVzdDAJBgNVHRMEAjAAMAsGA1UdDwQEAwIHgDATBgNVHSUEDDAKBggr\n"
    "BgEFBQcDATAdBgNVHQ4EFgQUkSs7Snjl8Is0m+BjPL1BoevBfAQwHwYDVR0jBBgw\n"
    "FoAUmOmQubRUpsRkrlVttpVC1HmEA+0wCgYIKoZIzj0EAwIDSAAwRQIgaXSwUMNX\n"
    "dJ5aFdYSHX0qTyQu2FWvt24oBJR1cCG5/DQCIQDqaDKSjmybpLHpAL6J0HTpm1XA\n"
    "5srEplehdUFX374iwQ==\n"
    "-----END CERTIFICATE-----\n"
    ;
static const char SRV_KEY[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgCQRP23tADwio0g3E\n"
    "wqP2/M4n9sStyHM8IqygkxFWvgChRANCAASjVWqCiaSVlReI0Vw86RSJbbXBkv4X\n"
    "f5NzHswqbMGmBNij/Tu4J3zGFmDjmEcn2v6z1Z1HYGyHhjGeUCxIP5AH\n"
    "-----END PRIVATE KEY-----\n"
    ;
static const char CLI_CRT[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBqDCCAU+gAwIBAgIUNvxUyMe2Xy6diTH/k/c8KSi3bzUwCgYIKoZIzj0EAwIw\n"
    "GjEYMBYGA1UEAwwPY3V0b3Zlci10ZXN0LWNhMCAXDTI2MTEyNjA2MjMyMloYDzIx\n"
    "MjYxMTAyMDYyMzIyWjAcMRowGAYDVQQDDBFjdXRvdmVyLXRlc3QtdXNlcjBZMBMG\n"
    "ByqGSM49AgEGCCqGSM49AwEHA0IABOoIqpAEWKATT9vZBsI2ZiQ8O/OwUAXT+nwg\n"
    "KS9M97gAzF8hfb2v+Dekrhxr4uQIBLz4O713ZU0XlgEkk506exajbzBtMAkGA1Ud\n"
    "EwQCMAAwCwYDVR0PBAQDAgeAMBMGA1UdJQQMMAoGCCsGAQUFBwMCMB0GA1UdDgQW\n"
    "BBRWAEYZTwQyraii5B5Gt95XwYCMSTAfBgNVHSMEGDAWgBSY6ZC5tFSmxGSuVW22\n"
    "lULUeYQD7TAKBggqhkjOPQQDAgNHADBEAiAAr/Rop2R7zN6cF+KeO3tqFNrnM1J1\n"
    "1sG1qatiF0QiQwIgCk7Ti9R5Jh/Nwoxi+HBLXky22T2BmcAXdTmfhf7dyd0=\n"
    "-----END CERTIFICATE-----\n"
    ;
static const char CLI_KEY[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgayxZjbV/pcOhI2BR\n"
    "hJyDAbTGAtolFJ6/VmLTdNcqnaShRANCAATqCKqQBFigE0/b2QbCNmYkPDvzsFAF\n"
    "0/p8ICkvTPe4AMxfIX29r/g3pK4ca+LkCAS8+Du9d2VNF5YBJJOdOnsW\n"
    "-----END PRIVATE KEY-----\n"
    ;
static const char OTHER_KEY[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgJ0d5HeYKTRS1RBht\n"
    "owBhBFGVGaYV8H3HnuimVSrfDcqhRANCAAR2IIvGHd1aZDolFuX87blB6yo15u0/\n"
    "q1a8esR0U32v7d9HuRYLqeHSoHcNTBr/5v03/wMWHj2wRJ+UFNkcS7S9\n"
    "-----END PRIVATE KEY-----\n"
    ;
static const char CA2_CRT[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBfDCCASOgAwIBAgIUMFJ2gTPGevjTxPCv/YhYKP9Ofz0wCgYIKoZIzj0EAwIw\n"
    "EzERMA8GA1UEAwwIb3RoZXItY2EwIBcNMjYxMTI2MDYyMzIyWhgPMjEyNjExMDIw\n"
    "NjIzMjJaMBMxETAPBgNVBAMMCG90aGVyLWNhMFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
    "AQcDQgAEcqKxCbXan9VFwhf0a2F0bHr6sAfkFw9iEU42Az8crpiMRAADZMutmdLB\n"
    "JizXaNsa4W/YeNxnLQEwXAXUGIaEsaNTMFEwHQYDVR0OBBYEFIZWbztkbsR3Ocsz\n"
    "DFzCJoXBFjjpMB8GA1UdIwQYMBaAFIZWbztkbsR3OcszDFzCJoXBFjjpMA8GA1Ud\n"
    "EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgcikzNaGvLhAv4th18uaMZ2Dg\n"
    "DQR++BJU+xtIYmEhrKYCIEYGIQItswE2HketUObVg3WLleQKTQs6x2+KaZ8rP5+a\n"
    "-----END CERTIFICATE-----\n"
    ;

static void test_tls(void)
{
    mock *tm = mock_start(SRV_KEY, SRV_CRT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tm);
    char err[256];
    kube_status st;
    int64_t t0 = co_clock_now_ms(vclock);
    /* our CA, verified against tls-server-name while connecting to 127.0.0.1 */
    kube_config ok = {.ca_pem = (char *)CA_CRT, .tls_server_name = "kube.test"};
    kube_client *c = client_with(tm->url, &ok, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    cJSON *o = kube_get(c, &CM, "ns", "x", &st);
    CU_ASSERT_EQUAL(st.code, 200);
    cJSON_Delete(o);
    char host[64];
    snprintf(host, sizeof host, "127.0.0.1:%u", tm->port);
    CU_ASSERT_STRING_EQUAL(tm->host, host); /* the Host header keeps the configured address */
    kube_watch *w = kube_watch_open(c, &CM, "ns", NULL, &st); /* watches use the same TLS setup */
    CU_ASSERT_PTR_NOT_NULL(w);
    kube_watch_close(w);
    kube_client_free(c);
    /* with a client certificate and its key */
    kube_config mtls = {.ca_pem = (char *)CA_CRT, .tls_server_name = "kube.test", .cert_pem = (char *)CLI_CRT,
                        .key_pem = (char *)CLI_KEY};
    c = client_with(tm->url, &mtls, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    cJSON_Delete(kube_get(c, &CM, "ns", "x", &st));
    CU_ASSERT_EQUAL(st.code, 200);
    kube_client_free(c);
    /* a key that is not the certificate's: a TLS error */
    kube_config wrongkey = mtls;
    wrongkey.key_pem = (char *)OTHER_KEY;
    c = client_with(tm->url, &wrongkey, err, sizeof err);
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "ns", "x", &st));
    CU_ASSERT_EQUAL(st.code, 0);
    kube_client_free(c);
    /* the certificate does not name 127.0.0.1 */
    kube_config noname = {.ca_pem = (char *)CA_CRT};
    c = client_with(tm->url, &noname, err, sizeof err);
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "ns", "x", &st));
    CU_ASSERT_EQUAL(st.code, 0);
    CU_ASSERT_STRING_EQUAL(st.reason, "TransportError");
    kube_client_free(c);
    /* another CA, or none (the system bundle does not know ours) */
    kube_config otherca = {.ca_pem = (char *)CA2_CRT, .tls_server_name = "kube.test"};
    c = client_with(tm->url, &otherca, err, sizeof err);
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "ns", "x", &st));
    CU_ASSERT_EQUAL(st.code, 0);
    kube_client_free(c);
    kube_config noca = {.tls_server_name = "kube.test"};
    c = client_with(tm->url, &noca, err, sizeof err);
    CU_ASSERT_PTR_NULL(kube_get(c, &CM, "ns", "x", &st));
    CU_ASSERT_EQUAL(st.code, 0);
    kube_client_free(c);
    /* insecure-skip-tls-verify */
    kube_config insecure = {.insecure = 1};
    c = client_with(tm->url, &insecure, err, sizeof err);
    cJSON_Delete(kube_get(c, &CM, "ns", "x", &st));
    CU_ASSERT_EQUAL(st.code, 200);
    kube_client_free(c);
    /* certificate failures are not retried */
    CU_ASSERT_EQUAL(co_clock_now_ms(vclock), t0);
    mock_stop(tm);
}

static void test_bad_configuration(void)
{
    char err[256];
    kube_config garbage = {.ca_pem = "not a certificate"};
    CU_ASSERT_PTR_NULL(client_with("https://127.0.0.1:6443", &garbage, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "certificate-authority"));
    kube_config half = {.cert_pem = (char *)CLI_CRT};
    CU_ASSERT_PTR_NULL(client_with("https://127.0.0.1:6443", &half, err, sizeof err));
    CU_ASSERT_NOT_EQUAL(err[0], 0);
    CU_ASSERT_PTR_NULL(client_with("ftp://example.com", NULL, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "http"));
    kube_config empty = {0};
    CU_ASSERT_PTR_NULL(kube_client_new(&empty, NULL, err, sizeof err));
    CU_ASSERT_NOT_EQUAL(err[0], 0);
    /* a path prefix on the server (a proxy) is kept */
    kube_client *c = client_with("http://127.0.0.1:1/prefix/", NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL(c);
    kube_client_free(c);
}

/* The whole path a controller takes: the fake server's kubeconfig, loaded by config.c. */
static void test_from_kubeconfig(void)
{
    char path[] = "/tmp/kube-client-kubeconfig-XXXXXX", err[256];
    int fd = mkstemp(path);
    close(fd);
    CU_ASSERT_EQUAL_FATAL(fakeapi_write_kubeconfig(srv, path, err, sizeof err), 0);
    kube_config cfg;
    CU_ASSERT_EQUAL_FATAL(kube_config_load(&(kube_config_opts){.kubeconfig = path}, &cfg, err, sizeof err), 0);
    kube_client *c = kube_client_new(&cfg, &(kube_client_opts){.clock = vclock}, err, sizeof err);
    kube_config_free(&cfg); /* the client keeps its own copy */
    unlink(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(kube_client_namespace(c), "default");
    kube_status st;
    cJSON *o = kube_get(c, &NS, NULL, "default", &st);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "metadata.name"), "default");
    cJSON_Delete(o);
    kube_client_free(c);
}

/* Injected faults on the fake server (POST /_cutover/faults; they fail writes). */
static int inject(kube_client *admin, const char *spec)
{
    kube_status st;
    cJSON *r = kube_request(admin, "POST", "/_cutover/faults", "application/json", spec, &st);
    cJSON_Delete(r);
    return r ? 0 : -1;
}

static void test_fake_server_faults(void)
{
    co_clock *v = vclock_new();
    kube_client_opts o = {.clock = v, .max_retries = -1};
    kube_client *admin = client_for(fakeapi_url(srv), &o);
    kube_client *c = client_for(fakeapi_url(srv), &(kube_client_opts){.clock = v});
    kube_status st;
    if (inject(admin, "{\"fail\":{\"resource\":\"configmaps\",\"code\":500,\"nth\":1}}") != 0) {
        fprintf(stderr, "\n    (no /_cutover/faults on the fake server: skipped) ");
        goto out;
    }
    /* PUT: a 500 is retried after 1 s of backoff */
    cJSON *cur = kube_get(c, &CM, "cgu", "a", &st);
    cj_set_str(cj_obj(cur, "data"), "fault", "500");
    cJSON *got = kube_update(c, &CM, "cgu", cur, &st);
    CU_ASSERT_PTR_NOT_NULL(got);
    CU_ASSERT_EQUAL(st.code, 200);
    CU_ASSERT_EQUAL(co_clock_now_ms(v), T0 + 1000);
    cJSON_Delete(got);
    cJSON_Delete(cur);
    /* PATCH: a 500 is returned as it is. (Rules for a named resource only see writes whose
     * body names its kind, so the rest of this test fails any write: "*".) */
    CU_ASSERT_EQUAL(inject(admin, "{\"fail\":{\"resource\":\"*\",\"code\":500,\"nth\":1}}"), 0);
    CU_ASSERT_PTR_NULL(kube_patch(c, &CM, "cgu", "a", KUBE_PATCH_MERGE, "{\"data\":{\"p\":\"1\"}}", NULL, &st));
    CU_ASSERT_EQUAL(st.code, 500);
    CU_ASSERT_STRING_EQUAL(st.reason, "InternalError");
    CU_ASSERT_EQUAL(co_clock_now_ms(v), T0 + 1000);
    /* POST: a 429 is retried after its Retry-After */
    CU_ASSERT_EQUAL(inject(admin, "{\"fail\":{\"resource\":\"*\",\"code\":429,\"nth\":1,"
                                  "\"retryAfterSeconds\":2}}"), 0);
    cJSON *body = parse("{\"metadata\":{\"name\":\"after-429\"}}");
    got = kube_create(c, &CM, "cgu", body, &st);
    CU_ASSERT_PTR_NOT_NULL(got);
    CU_ASSERT_EQUAL(st.code, 201);
    CU_ASSERT_EQUAL(co_clock_now_ms(v), T0 + 3000);
    cJSON_Delete(got);
    cJSON_Delete(body);
    /* two 500s in a row on DELETE: 1 s then 2 s */
    CU_ASSERT_EQUAL(inject(admin, "{\"fail\":{\"resource\":\"*\",\"code\":500,\"nth\":1,\"times\":2}}"), 0);
    got = kube_delete(c, &CM, "cgu", "after-429", NULL, &st);
    CU_ASSERT_PTR_NOT_NULL(got);
    CU_ASSERT_EQUAL(co_clock_now_ms(v), T0 + 6000);
    cJSON_Delete(got);
    cJSON_Delete(kube_request(admin, "DELETE", "/_cutover/faults", NULL, NULL, &st));
out:
    /* Also the strong reference that links sim/faults.c into this executable: the server only
     * refers to it weakly, and a weak reference pulls nothing out of a static library. */
    fakeapi_fault_clear(srv);
    kube_client_free(admin);
    kube_client_free(c);
    co_clock_free(v);
}

int main(void)
{
    char err[256];
    srv = fakeapi_start(&(fakeapi_options){.seed = 1, .no_sim = 1}, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "cannot start the fake API server: %s\n", err);
        return 1;
    }
    mk = mock_start(NULL, NULL);
    if (!mk) {
        fprintf(stderr, "cannot start the scripted server\n");
        return 1;
    }
    vclock = vclock_new();
    static const cu_test tests[] = {
        {"paths", test_paths},
        {"create, get, update, update_status; Status errors", test_create_get_update},
        {"patch: merge, JSON, strategic, subresources", test_patch},
        {"delete: propagation and preconditions", test_delete},
        {"list: paging and selectors", test_list_paging_and_selectors},
        {"the user agent is the actor", test_user_agent_recorded},
        {"one client shared by threads", test_shared_between_threads},
        {"watch: ADDED, MODIFIED, DELETED in order; initial state; selectors", test_watch_events_in_order},
        {"watch: timeout 0 polls; the descriptor", test_watch_poll_and_fd},
        {"watch: bookmarks", test_watch_bookmarks},
        {"watch: closed by the server", test_watch_closed_by_server},
        {"watch: 410 in the stream; HTTP errors on open", test_watch_expired_and_open_errors},
        {"watch: transport error", test_watch_transport_error},
        {"rate limit on a virtual clock", test_rate_limit_virtual_clock},
        {"rate limit: wait hook, real clock", test_rate_limit_hook_and_real_clock},
        {"retries: 429, 5xx, Retry-After, backoff, verbs", test_retries},
        {"Status parsing and synthesized reasons", test_status_parsing},
        {"transport errors", test_transport_error},
        {"list: continue tokens, 410 restart", test_list_protocol},
        {"wire details: DeleteOptions, patch types, paths, watch query, reuse", test_wire_details},
        {"credentials and the verbose log", test_credentials_and_verbose_log},
        {"TLS: CA, server name, client certificate, insecure", test_tls},
        {"bad configuration", test_bad_configuration},
        {"from the fake server's kubeconfig", test_from_kubeconfig},
        {"fake server fault injection", test_fake_server_faults},
        {NULL, NULL},
    };
    int rc = cu_run("kube_client", tests);
    mock_stop(mk);
    fakeapi_stop(srv);
    co_clock_free(vclock);
    return rc;
}
