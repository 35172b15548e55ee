/* bench_fakeapi.c: the benchmark of libfakeapi (executable bench_fakeapi; not a ctest test).
 *
 * Drives an in-process fake API server over loopback with libcurl and prints each figure beside
 * a ceiling measured in the same run by the same client code:
 *   GET, LIST     a bare libmicrohttpd server in this process answering a fixed body of the
 *                 same byte size (the HTTP and loopback cost alone);
 *   CREATE, PATCH raw SQLite, one transaction per INSERT/UPDATE of the same JSON, in the same
 *                 durability mode as the store;
 *   as Table      the same GET answered as JSON by the same server;
 *   PATCH rollout the same patches on a server whose Rollout CRD's schema prunes and validates
 *                 nothing (x-kubernetes-preserve-unknown-fields);
 *   WATCH         a bare libmicrohttpd fan-out server: the same POSTs append an event line of the
 *                 same size to an in-memory log and resume every suspended chunked response.
 *
 * The client is one thread: sequential requests on one reused connection (curl easy), and for
 * the fan-out a curl multi handle driven by epoll (curl_multi_socket_action), so that a hundred
 * idle streams cost nothing while one of them is busy. */
#include "bench/bench.h"
#include "common/buf.h"
#include "common/file.h"
#include "common/json.h"
#include "common/yaml.h"
#include "fakeapi/fakeapi.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define NS "bench"
#define WATCHERS 100
#define LIST_ITEMS 100
#define TMPFS_MAGIC_NUMBER 0x01021994

/* What kubectl get sends to be answered meta.k8s.io Tables. */
#define KUBECTL_TABLE_ACCEPT                                                                                          \
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

/* 64 bytes: every benchmark ConfigMap carries four of these as data values. */
#define PAYLOAD "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* ---- small helpers ---- */

static char g_tmpdir[4096]; /* removed at exit when set */



static void buf_reset(co_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = 0;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        die("out of memory");
    return p;
}

/* A ConfigMap of about 450 bytes: two labels and four 64-byte data values. */
static void configmap_json(co_buf *b, const char *name)
{
    co_buf_printf(b,
                  "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\",\"namespace\":\"" NS
                  "\",\"labels\":{\"app\":\"bench\",\"tier\":\"backend\"}},\"data\":{",
                  name);
    for (int k = 0; k < 4; k++)
        co_buf_printf(b, "%s\"key%d\":\"" PAYLOAD "\"", k ? "," : "", k);
    co_buf_adds(b, "}}");
}

/* ---- latency samples and results ---- */

typedef struct {
    int64_t *v; /* ns */
    size_t n, cap;
    bool sorted;
} samples;

static void samples_add(samples *s, int64_t x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 1024;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (!s->v)
            die("out of memory");
    }
    s->v[s->n++] = x;
    s->sorted = false;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The p-quantile (0..1) in microseconds, nearest rank. */
static double samples_us(samples *s, double p)
{
    if (!s->n)
        return 0;
    if (!s->sorted) {
        qsort(s->v, s->n, sizeof *s->v, cmp_i64);
        s->sorted = true;
    }
    size_t i = (size_t)(p * (double)(s->n - 1) + 0.5);
    return (double)s->v[i] / 1000.0;
}

/* One measured run: `count` operations over `wall_ns`, with per-operation latencies. */
typedef struct {
    long count;
    int64_t wall_ns;
    samples lat;
} measure;

static void measure_free(measure *m) { free(m->lat.v); }

static double measure_rate(const measure *m) { return m->wall_ns > 0 ? (double)m->count * 1e9 / (double)m->wall_ns : 0; }

typedef struct {
    char op[64];
    measure ours, ceil;
} row;

static row g_rows[16];
static int g_nrows;

static void add_row(const measure *ours, const measure *ceil, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add_row(const measure *ours, const measure *ceil, const char *fmt, ...)
{
    row *r = &g_rows[g_nrows++];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->op, sizeof r->op, fmt, ap);
    va_end(ap);
    r->ours = *ours;
    r->ceil = *ceil;
    fprintf(stderr, "  %-46s %9.0f/s   ceiling %9.0f/s\n", r->op, measure_rate(ours), measure_rate(ceil));
}

static void print_table(void)
{
    printf("\nlatencies in µs; ratio = ops/s / ceiling ops/s\n");
    printf("%-46s %7s %9s %9s %9s %11s %6s %9s %9s\n", "operation", "count", "ops/s", "p50", "p99", "ceiling/s",
           "ratio", "ceil p50", "ceil p99");
    for (int i = 0; i < g_nrows; i++) {
        row *r = &g_rows[i];
        double ours = measure_rate(&r->ours), ceil = measure_rate(&r->ceil);
        printf("%-46s %7ld %9.0f %9.1f %9.1f %11.0f %6.2f %9.1f %9.1f\n", r->op, r->ours.count, ours,
               samples_us(&r->ours.lat, 0.50), samples_us(&r->ours.lat, 0.99), ceil, ceil > 0 ? ours / ceil : 0,
               samples_us(&r->ceil.lat, 0.50), samples_us(&r->ceil.lat, 0.99));
    }
}

/* ---- sequential HTTP client: one easy handle, one reused connection ---- */

typedef struct {
    CURL *h;
    co_buf resp;
    struct curl_slist *json, *merge, *table;
    char err[CURL_ERROR_SIZE];
} client;

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
    co_buf_add(ud, p, size * n);
    return size * n;
}

static struct curl_slist *headers(const char *header)
{
    /* "Expect:" stops curl from waiting for 100-continue before larger bodies */
    struct curl_slist *h = curl_slist_append(NULL, header);
    return curl_slist_append(h, "Expect:");
}

static void client_init(client *c)
{
    memset(c, 0, sizeof *c);
    c->h = curl_easy_init();
    if (!c->h)
        die("curl_easy_init");
    c->json = headers("Content-Type: application/json");
    c->merge = headers("Content-Type: application/merge-patch+json");
    c->table = headers("Accept: " KUBECTL_TABLE_ACCEPT);
    curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c->h, CURLOPT_WRITEDATA, &c->resp);
    curl_easy_setopt(c->h, CURLOPT_ERRORBUFFER, c->err);
    curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->h, CURLOPT_TCP_NODELAY, 1L);
}

static void client_free(client *c)
{
    curl_easy_cleanup(c->h);
    curl_slist_free_all(c->json);
    curl_slist_free_all(c->merge);
    curl_slist_free_all(c->table);
    co_buf_free(&c->resp);
}

/* Sends one request (a body makes it a POST, or `method`; else a GET) with the headers `hdr`
 * (may be NULL); dies unless it is answered `want`. The response is in c->resp. Returns how long
 * the exchange took, in ns. */
static int64_t request(client *c, const char *method, const char *url, struct curl_slist *hdr, const char *body,
                       long want)
{
    CURL *h = c->h;
    buf_reset(&c->resp);
    c->err[0] = 0;
    curl_easy_setopt(h, CURLOPT_URL, url);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, strcmp(method, "POST") ? method : (const char *)NULL);
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, (const char *)NULL);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    int64_t t0 = now_ns();
    CURLcode rc = curl_easy_perform(h);
    int64_t dt = now_ns() - t0;
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK)
        die("%s %s: %s", method, url, c->err[0] ? c->err : curl_easy_strerror(rc));
    if (code != want)
        die("%s %s: HTTP %ld, expected %ld: %.400s", method, url, code, want, c->resp.data ? c->resp.data : "");
    return dt;
}

typedef void (*body_fn)(co_buf *out, long i);

/* Up to n requests in a row on c's connection, stopping early once budget_ns has passed;
 * body(i) builds each body (NULL: a GET). */
static measure run_requests(client *c, const char *method, const char *url, struct curl_slist *hdr, body_fn body,
                            long n, int64_t budget_ns, long want)
{
    measure m = {0};
    co_buf b = {0};
    int64_t t0 = now_ns();
    for (long i = 0; i < n && now_ns() - t0 < budget_ns; i++, m.count++) {
        if (body) {
            buf_reset(&b);
            body(&b, i);
        }
        samples_add(&m.lat, request(c, method, url, hdr, body ? b.data : NULL, want));
    }
    m.wall_ns = now_ns() - t0;
    co_buf_free(&b);
    return m;
}

static void create_body(co_buf *out, long i)
{
    char name[32];
    snprintf(name, sizeof name, "c-%06ld", i);
    configmap_json(out, name);
}

static void patch_body(co_buf *out, long i) { co_buf_printf(out, "{\"metadata\":{\"labels\":{\"seq\":\"%ld\"}}}", i); }

/* ---- the servers under test ---- */

static fakeapi *start_fakeapi(client *c, const char *db_path)
{
    fakeapi_options o = {.db_path = db_path, .seed = 42};
    char err[512];
    fakeapi *f = fakeapi_start(&o, err, sizeof err);
    if (!f)
        die("fakeapi_start: %s", err);
    char url[256];
    snprintf(url, sizeof url, "%s/api/v1/namespaces", fakeapi_url(f));
    request(c, "POST", url, c->json, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" NS "\"}}",
            201);
    return f;
}

/* ---- the bare libmicrohttpd ceiling ----
 * GET <anything>   200 with the fixed body;
 * POST /end        ends every watch stream;
 * POST <anything>  appends {"type":"ADDED","object":<request body>} padded to event_len bytes to the
 *                  event log, resumes every suspended watch, answers 201 with the fixed body;
 * GET /watch       a chunked stream of the log from its current end, suspended while idle. */

typedef struct bare_watch bare_watch;

typedef struct {
    struct MHD_Daemon *d;
    char url[64];
    const char *body;
    size_t body_len, event_len;
    char **ev;
    size_t *ev_len, nev, cap;
    bare_watch *watches;
    bool ending;
} bare;

struct bare_watch {
    bare *b;
    struct MHD_Connection *conn;
    size_t next, off; /* the next event to send and how much of it went already */
    bool suspended;
    bare_watch *link, **pprev;
};

static enum MHD_Result bare_reply(struct MHD_Connection *conn, unsigned code, const char *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Cache-Control", "no-cache, private");
    enum MHD_Result ret = MHD_queue_response(conn, code, r);
    MHD_destroy_response(r);
    return ret;
}

static ssize_t bare_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    bare_watch *w = cls;
    bare *b = w->b;
    size_t n = 0;
    while (n < max && w->next < b->nev) {
        size_t k = b->ev_len[w->next] - w->off;
        if (k > max - n)
            k = max - n;
        memcpy(buf + n, b->ev[w->next] + w->off, k);
        n += k;
        w->off += k;
        if (w->off == b->ev_len[w->next]) {
            w->next++;
            w->off = 0;
        }
    }
    if (n)
        return (ssize_t)n;
    if (b->ending)
        return MHD_CONTENT_READER_END_OF_STREAM;
    w->suspended = true;
    MHD_suspend_connection(w->conn);
    return 0;
}

static void bare_unlink(void *cls)
{
    bare_watch *w = cls;
    *w->pprev = w->link;
    if (w->link)
        w->link->pprev = w->pprev;
    free(w);
}

static void bare_resume_all(bare *b)
{
    for (bare_watch *w = b->watches; w; w = w->link)
        if (w->suspended) {
            w->suspended = false;
            MHD_resume_connection(w->conn);
        }
}

static enum MHD_Result bare_watch_start(bare *b, struct MHD_Connection *conn)
{
    bare_watch *w = xcalloc(1, sizeof *w);
    w->b = b;
    w->conn = conn;
    w->next = b->nev;
    w->link = b->watches;
    w->pprev = &b->watches;
    if (b->watches)
        b->watches->pprev = &w->link;
    b->watches = w;
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, bare_reader, w, bare_unlink);
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Cache-Control", "no-cache, private");
    enum MHD_Result ret = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static void bare_append_event(bare *b, const co_buf *posted)
{
    static const char spaces[256] = {[0 ... 255] = ' '};
    co_buf line = {0};
    co_buf_adds(&line, "{\"type\":\"ADDED\",\"object\":");
    if (posted->len)
        co_buf_add(&line, posted->data, posted->len);
    co_buf_adds(&line, "}");
    while (line.len + 1 < b->event_len) {
        size_t pad = b->event_len - 1 - line.len;
        co_buf_add(&line, spaces, pad < sizeof spaces ? pad : sizeof spaces);
    }
    co_buf_add(&line, "\n", 1);
    if (b->nev == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 1024;
        b->ev = realloc(b->ev, b->cap * sizeof *b->ev);
        b->ev_len = realloc(b->ev_len, b->cap * sizeof *b->ev_len);
        if (!b->ev || !b->ev_len)
            die("out of memory");
    }
    b->ev_len[b->nev] = line.len;
    b->ev[b->nev++] = co_buf_take(&line);
}

static enum MHD_Result bare_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    bare *b = cls;
    co_buf *posted = *con_cls;
    if (!posted) {
        *con_cls = xcalloc(1, sizeof(co_buf));
        return MHD_YES;
    }
    if (*upload_size) {
        co_buf_add(posted, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    bool post = !strcmp(method, "POST");
    if (!post && !strcmp(url, "/watch"))
        return bare_watch_start(b, conn);
    if (post && !strcmp(url, "/end")) {
        b->ending = true;
        bare_resume_all(b);
        return bare_reply(conn, 200, "{}", 2);
    }
    if (post) {
        bare_append_event(b, posted);
        bare_resume_all(b);
        return bare_reply(conn, 201, b->body, b->body_len);
    }
    return bare_reply(conn, 200, b->body, b->body_len);
}

static void bare_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    co_buf *posted = *con_cls;
    if (posted) {
        co_buf_free(posted);
        free(posted);
        *con_cls = NULL;
    }
}

/* Starts a bare server answering `body` (borrowed: must outlive it); event_len pads watch events. */
static bare *bare_start(const char *body, size_t body_len, size_t event_len)
{
    bare *b = xcalloc(1, sizeof *b);
    b->body = body;
    b->body_len = body_len;
    b->event_len = event_len;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    b->d = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
                            bare_request, b, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, bare_completed, b,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)0, MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000,
                            MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
    if (!b->d)
        die("cannot start the bare libmicrohttpd server: %s", strerror(errno));
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(b->d, MHD_DAEMON_INFO_BIND_PORT);
    if (!info || !info->port)
        die("bare libmicrohttpd server: no port");
    snprintf(b->url, sizeof b->url, "http://127.0.0.1:%u", info->port);
    return b;
}

/* Ends the watch streams (MHD refuses to stop with suspended connections), then stops. */
static void bare_stop(bare *b, client *c)
{
    char url[128];
    snprintf(url, sizeof url, "%s/end", b->url);
    request(c, "POST", url, c->json, "{}", 200);
    MHD_stop_daemon(b->d);
    for (size_t i = 0; i < b->nev; i++)
        free(b->ev[i]);
    free(b->ev);
    free(b->ev_len);
    free(b);
}

/* ---- the raw SQLite ceiling ---- */

static void sql_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        die("sqlite: %s: %s", sql, msg ? msg : sqlite3_errmsg(db));
}

static sqlite3_stmt *sql_prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        die("sqlite: %s: %s", sql, sqlite3_errmsg(db));
    return st;
}

static void sql_step(sqlite3 *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        die("sqlite: %s: %s", sqlite3_sql(st), sqlite3_errmsg(db));
}

/* Up to n transactions (BEGIN IMMEDIATE; one INSERT, or one UPDATE of a single row; COMMIT)
 * writing `json` into one table, stopping early once budget_ns has passed, with the store's
 * pragmas: path NULL = ":memory:" (journal in memory, synchronous off), else a file in WAL mode
 * with synchronous=FULL. */
static measure sqlite_ceiling(const char *path, const char *json, long n, int64_t budget_ns, bool update)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path ? path : ":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        die("sqlite: cannot open %s: %s", path ? path : ":memory:", db ? sqlite3_errmsg(db) : "out of memory");
    sql_exec(db, path ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                      : "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;");
    sql_exec(db, "CREATE TABLE objects(ns TEXT NOT NULL, name TEXT NOT NULL, json TEXT NOT NULL,"
                 " PRIMARY KEY(ns, name)) WITHOUT ROWID");
    sqlite3_stmt *begin = sql_prepare(db, "BEGIN IMMEDIATE"), *commit = sql_prepare(db, "COMMIT");
    sqlite3_stmt *write = sql_prepare(db, update ? "UPDATE objects SET json=?3 WHERE ns=?1 AND name=?2"
                                                 : "INSERT INTO objects(ns, name, json) VALUES(?1, ?2, ?3)");
    if (update) {
        sqlite3_stmt *ins = sql_prepare(db, "INSERT INTO objects(ns, name, json) VALUES('" NS "', 'cm-000', ?1)");
        sqlite3_bind_text(ins, 1, json, -1, SQLITE_STATIC);
        sql_step(db, ins);
        sqlite3_finalize(ins);
    }
    measure m = {0};
    int64_t t0 = now_ns();
    for (long i = 0; i < n && now_ns() - t0 < budget_ns; i++, m.count++) {
        char name[32];
        snprintf(name, sizeof name, update ? "cm-000" : "c-%06ld", i);
        int64_t t = now_ns();
        sql_step(db, begin);
        sqlite3_bind_text(write, 1, NS, -1, SQLITE_STATIC);
        sqlite3_bind_text(write, 2, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(write, 3, json, -1, SQLITE_STATIC);
        sql_step(db, write);
        if (sqlite3_changes(db) != 1)
            die("sqlite: %s changed %d rows", sqlite3_sql(write), sqlite3_changes(db));
        sql_step(db, commit);
        samples_add(&m.lat, now_ns() - t);
    }
    m.wall_ns = now_ns() - t0;
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_finalize(write);
    sqlite3_close(db);
    return m;
}

/* ---- watch fan-out: curl multi driven by epoll ---- */

typedef struct {
    CURLM *multi;
    int ep;
    int64_t timer; /* when curl wants its timeout action (monotonic ns), or -1 */
} driver;

static int on_socket(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
    (void)e, (void)socketp;
    driver *d = userp;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(d->ep, EPOLL_CTL_DEL, s, NULL); /* may be closed already: nothing to undo then */
        return 0;
    }
    struct epoll_event ev = {.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u),
                             .data.fd = s};
    if (epoll_ctl(d->ep, EPOLL_CTL_MOD, s, &ev) != 0 && (errno != ENOENT || epoll_ctl(d->ep, EPOLL_CTL_ADD, s, &ev) != 0))
        die("epoll_ctl: %s", strerror(errno));
    return 0;
}

static int on_timer(CURLM *multi, long ms, void *userp)
{
    (void)multi;
    driver *d = userp;
    d->timer = ms < 0 ? -1 : now_ns() + (int64_t)ms * 1000000;
    return 0;
}

static void driver_init(driver *d)
{
    d->multi = curl_multi_init();
    d->ep = epoll_create1(EPOLL_CLOEXEC);
    d->timer = -1;
    if (!d->multi || d->ep < 0)
        die("curl_multi_init/epoll_create1");
    curl_multi_setopt(d->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(d->multi, CURLMOPT_SOCKETDATA, d);
    curl_multi_setopt(d->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(d->multi, CURLMOPT_TIMERDATA, d);
}

static void driver_free(driver *d)
{
    curl_multi_cleanup(d->multi);
    close(d->ep);
}

/* Waits up to max_ms for socket activity or curl's timer and lets curl act on it. */
static void driver_step(driver *d, int max_ms)
{
    int wait = max_ms;
    if (d->timer >= 0) {
        int64_t left = (d->timer - now_ns() + 999999) / 1000000;
        if (left < wait)
            wait = left > 0 ? (int)left : 0;
    }
    struct epoll_event ev[128];
    int n = epoll_wait(d->ep, ev, 128, wait);
    int running;
    for (int i = 0; i < n; i++) {
        int flags = (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) | (ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                    (ev[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(d->multi, ev[i].data.fd, flags, &running);
    }
    if (d->timer >= 0 && now_ns() >= d->timer) {
        d->timer = -1;
        curl_multi_socket_action(d->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
}

typedef struct fanout fanout;

typedef struct {
    fanout *fo;
    CURL *h;
    co_buf line; /* the incomplete event line received so far */
    long code;
    bool connected;
} watcher;

struct fanout {
    char needle[32]; /* "name":"w-  : what precedes a write's index in its event */
    long m;          /* writes */
    int64_t *issued, *last;
    int *seen;       /* per write: watchers that have its event */
    long complete;   /* writes that every watcher has */
    long events, stray;
    size_t line_bytes;
    int connected;
};

static size_t watch_header(char *p, size_t size, size_t n, void *ud)
{
    watcher *w = ud;
    size_t len = size * n;
    if (len > 9 && !memcmp(p, "HTTP/", 5)) {
        const char *sp = memchr(p, ' ', len);
        w->code = sp ? strtol(sp + 1, NULL, 10) : 0;
    } else if (len <= 2 && !w->connected) {
        if (w->code != 200)
            die("watch: HTTP %ld, expected 200", w->code);
        w->connected = true;
        w->fo->connected++;
    }
    return len;
}

/* Counts newline-terminated events; the one for write i completes when the last watcher has it. */
static size_t watch_body(char *p, size_t size, size_t n, void *ud)
{
    watcher *w = ud;
    fanout *fo = w->fo;
    size_t len = size * n;
    if (!len)
        return 0;
    int64_t t = now_ns();
    co_buf_add(&w->line, p, len);
    char *start = w->line.data, *end = start + w->line.len, *nl;
    size_t needle_len = strlen(fo->needle);
    while ((nl = memchr(start, '\n', (size_t)(end - start)))) {
        *nl = 0;
        fo->events++;
        fo->line_bytes += (size_t)(nl - start) + 1;
        const char *at = strstr(start, fo->needle);
        long i = at ? strtol(at + needle_len, NULL, 10) : -1;
        if (i < 0 || i >= fo->m) {
            if (fo->stray++ == 0)
                fprintf(stderr, "bench_fakeapi: unexpected watch event: %.300s\n", start);
        } else if (++fo->seen[i] == WATCHERS) {
            fo->last[i] = t;
            fo->complete++;
        }
        start = nl + 1;
    }
    size_t rest = (size_t)(end - start);
    memmove(w->line.data, start, rest);
    w->line.len = rest;
    w->line.data[rest] = 0;
    return len;
}

/* WATCHERS streams on watch_url, then up to m ConfigMap creates POSTed to write_url (none issued
 * once budget_ns has passed): back to back (the next as soon as the previous is answered) or paced
 * (the next once every watcher has the last). ops = events delivered; latency = from issuing write
 * i to the last watcher having its event. *writes receives how many writes were issued, *avg_line
 * the mean event line length. */
static measure run_fanout(const char *watch_url, const char *write_url, long m, bool paced, int64_t budget_ns,
                          long *writes, size_t *avg_line)
{
    fanout fo = {.m = m};
    snprintf(fo.needle, sizeof fo.needle, "\"name\":\"w-");
    fo.issued = xcalloc((size_t)m, sizeof *fo.issued);
    fo.last = xcalloc((size_t)m, sizeof *fo.last);
    fo.seen = xcalloc((size_t)m, sizeof *fo.seen);
    driver d;
    driver_init(&d);
    watcher *ws = xcalloc(WATCHERS, sizeof *ws);
    for (int i = 0; i < WATCHERS; i++) {
        watcher *w = &ws[i];
        w->fo = &fo;
        w->h = curl_easy_init();
        curl_easy_setopt(w->h, CURLOPT_URL, watch_url);
        curl_easy_setopt(w->h, CURLOPT_WRITEFUNCTION, watch_body);
        curl_easy_setopt(w->h, CURLOPT_WRITEDATA, w);
        curl_easy_setopt(w->h, CURLOPT_HEADERFUNCTION, watch_header);
        curl_easy_setopt(w->h, CURLOPT_HEADERDATA, w);
        curl_easy_setopt(w->h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(w->h, CURLOPT_TCP_NODELAY, 1L);
        curl_multi_add_handle(d.multi, w->h);
    }
    int64_t deadline = now_ns() + 10 * (int64_t)1000000000;
    while (fo.connected < WATCHERS) {
        driver_step(&d, 50);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(d.multi, &left)))
            if (msg->msg == CURLMSG_DONE)
                die("watch %s ended before any write: %s", watch_url, curl_easy_strerror(msg->data.result));
        if (now_ns() > deadline)
            die("only %d of %d watchers connected to %s", fo.connected, WATCHERS, watch_url);
    }

    CURL *wr = curl_easy_init();
    co_buf resp = {0}, body = {0};
    char err[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdr = headers("Content-Type: application/json");
    curl_easy_setopt(wr, CURLOPT_URL, write_url);
    curl_easy_setopt(wr, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(wr, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(wr, CURLOPT_WRITEDATA, &resp);
    curl_easy_setopt(wr, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(wr, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(wr, CURLOPT_TCP_NODELAY, 1L);
    long issued = 0, limit = m;
    bool busy = false;
    int64_t t0 = now_ns();
    deadline = t0 + budget_ns + 30 * (int64_t)1000000000;
    while (fo.complete < limit || busy) {
        if (!busy && issued < limit && (!paced || fo.complete == issued)) {
            if (issued > 0 && now_ns() - t0 >= budget_ns) {
                limit = issued;
                continue;
            }
            char name[32];
            snprintf(name, sizeof name, "w-%05ld", issued);
            buf_reset(&body);
            configmap_json(&body, name);
            buf_reset(&resp);
            curl_easy_setopt(wr, CURLOPT_POSTFIELDSIZE, (long)body.len);
            curl_easy_setopt(wr, CURLOPT_COPYPOSTFIELDS, body.data);
            fo.issued[issued++] = now_ns();
            curl_multi_add_handle(d.multi, wr);
            busy = true;
        }
        driver_step(&d, 10);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(d.multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            if (msg->easy_handle != wr)
                die("a watch stream on %s ended: %s", watch_url, curl_easy_strerror(msg->data.result));
            long code = 0;
            curl_easy_getinfo(wr, CURLINFO_RESPONSE_CODE, &code);
            if (msg->data.result != CURLE_OK || code != 201)
                die("POST %s: %s (HTTP %ld, expected 201): %.300s", write_url,
                    err[0] ? err : curl_easy_strerror(msg->data.result), code, resp.data ? resp.data : "");
            curl_multi_remove_handle(d.multi, wr);
            busy = false;
        }
        if (fo.stray)
            die("%ld watch events on %s did not name a benchmark write", fo.stray, watch_url);
        if (now_ns() > deadline)
            die("fan-out on %s timed out: %ld of %ld writes reached all %d watchers", watch_url, fo.complete, issued,
                WATCHERS);
    }

    measure r = {.count = fo.events};
    int64_t end = fo.issued[0];
    for (long i = 0; i < limit; i++) {
        samples_add(&r.lat, fo.last[i] - fo.issued[i]);
        if (fo.last[i] > end)
            end = fo.last[i];
    }
    r.wall_ns = end - fo.issued[0];
    if (fo.events != limit * WATCHERS)
        die("fan-out on %s: %ld events, expected %ld", watch_url, fo.events, limit * WATCHERS);
    *writes = limit;
    *avg_line = fo.events ? fo.line_bytes / (size_t)fo.events : 0;

    for (int i = 0; i < WATCHERS; i++) {
        curl_multi_remove_handle(d.multi, ws[i].h);
        curl_easy_cleanup(ws[i].h);
        co_buf_free(&ws[i].line);
    }
    curl_easy_cleanup(wr);
    curl_slist_free_all(hdr);
    co_buf_free(&resp);
    co_buf_free(&body);
    driver_free(&d);
    free(ws);
    free(fo.issued);
    free(fo.last);
    free(fo.seen);
    return r;
}

/* ---- the benchmark ---- */

/* Maximum operations per run (writes for the fan-out rows), and the time after which a run stops
 * early; a ceiling runs as many operations as the run it is set against. */
typedef struct {
    long get, list, create_mem, create_file, patch, rollout, fan_b2b, fan_paced;
    int64_t budget_ns;
} plan;

static void cleanup_tmpdir(void)
{
    if (!*g_tmpdir)
        return;
    static const char *const files[] = {"fakeapi.db", "fakeapi.db-wal", "fakeapi.db-shm", "fakeapi.db-journal",
                                        "raw.db",     "raw.db-wal",     "raw.db-shm",     "raw.db-journal"};
    char path[4200];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", g_tmpdir, files[i]);
        unlink(path);
    }
    rmdir(g_tmpdir);
    g_tmpdir[0] = 0;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: bench_fakeapi [--quick] [--dir DIR]\n"
                 "  --quick    a tenth of the default counts and time budget (~4 s instead of ~40 s)\n"
                 "  --dir DIR  where the file-store runs put their databases (default $TMPDIR or /tmp)\n");
}

static void print_header(const plan *p, const char *dir)
{
    struct statfs fs;
    bool tmpfs = statfs(dir, &fs) == 0 && fs.f_type == TMPFS_MAGIC_NUMBER;
    printf("bench_fakeapi: libfakeapi over loopback; libcurl %s, libmicrohttpd %s, SQLite %s, %ld CPUs\n",
           curl_version_info(CURLVERSION_NOW)->version, MHD_get_version(), sqlite3_libversion(),
           sysconf(_SC_NPROCESSORS_ONLN));
    printf("client: one thread; sequential requests on one reused connection; ConfigMaps of ~450 B (4 x 64 B data);\n"
           "each run stops at its count or after %.1f s, whichever comes first; its ceiling runs as many operations.\n"
           "Each figure is set beside a ceiling measured in this run by the same client code:\n"
           "  GET, LIST  bare libmicrohttpd in this process (epoll, internal thread) answering a fixed body of the\n"
           "             same byte size with the same headers: what HTTP over loopback costs by itself.\n"
           "  CREATE     raw SQLite: BEGIN IMMEDIATE; INSERT of the same JSON into one table; COMMIT, per object, in\n"
           "             the store's durability mode (memory: \":memory:\", journal in memory, synchronous=OFF;\n"
           "             file: WAL + synchronous=FULL, in %s%s).\n"
           "             The store writes two rows (object, event log) per commit.\n"
           "  PATCH      raw SQLite UPDATE of the same JSON in one row, one transaction each, \":memory:\".\n"
           "  as Table   the same GET with kubectl's Accept header (a meta.k8s.io/v1 Table), set against the GET\n"
           "             as JSON on the same server: what server-side printing costs.\n"
           "  PATCH rollout\n"
           "             merge patches of a canary Rollout (spec: a pod template annotation; status: the\n"
           "             controller's status through /status), Cutover's Rollout CRD installed (deploy/crds).\n"
           "             Ceiling: the same patches on a server whose CRD's schema is {type: object,\n"
           "             x-kubernetes-preserve-unknown-fields: true}: what pruning and validation cost.\n"
           "  WATCH      %d watchers stream ?watch=1 from the current resourceVersion; the writer POSTs ConfigMaps\n"
           "             back to back (next write once the last is answered) or paced (next write once every\n"
           "             watcher has the last). ops/s = events delivered per second (count = events);\n"
           "             p50/p99 = from issuing a write to the last watcher having its event.\n"
           "             Ceiling: bare libmicrohttpd fan-out fed by the same POSTs: each appends an event line of\n"
           "             the same length to an in-memory log and resumes every suspended chunked stream (fakeapi's\n"
           "             scheme without store, JSON or routing). Chosen over \"1 watcher x %d\", which assumes\n"
           "             fan-out is free, and over the raw write rate, which ignores delivery: it prices the same\n"
           "             delivery path with nothing else on it.\n",
           (double)p->budget_ns / 1e9, dir, tmpfs ? " (tmpfs: fsync costs nothing there)" : "", WATCHERS, WATCHERS);
    fflush(stdout);
}

static char *dup_resp(const client *c)
{
    char *s = strdup(c->resp.data ? c->resp.data : "");
    if (!s)
        die("out of memory");
    return s;
}

/* A twentieth of a run of GETs, not measured. */
static void warm_up(client *c, const char *url, struct curl_slist *hdr, long n, int64_t budget_ns)
{
    measure warm = run_requests(c, "GET", url, hdr, NULL, n / 20, budget_ns / 20, 200);
    measure_free(&warm);
}

/* GET `url` on fakeapi, then the same on a bare server answering its body. */
static void bench_read(client *c, const char *url, long n, int64_t budget_ns, const char *what)
{
    request(c, "GET", url, NULL, NULL, 200);
    char *body = dup_resp(c);
    size_t len = strlen(body);
    warm_up(c, url, NULL, n, budget_ns);
    measure ours = run_requests(c, "GET", url, NULL, NULL, n, budget_ns, 200);
    bare *b = bare_start(body, len, 0);
    char bare_url[128];
    snprintf(bare_url, sizeof bare_url, "%s/read", b->url);
    warm_up(c, bare_url, NULL, n, budget_ns);
    measure ceil = run_requests(c, "GET", bare_url, NULL, NULL, ours.count, budget_ns, 200);
    if (c->resp.len != len)
        die("the bare server answered %zu bytes, expected %zu", c->resp.len, len);
    bare_stop(b, c);
    free(body);
    add_row(&ours, &ceil, "%s (%zu B)", what, len);
}

/* GET `url` on fakeapi with kubectl's Accept header (a meta.k8s.io Table), then the same GET as
 * JSON. */
static void bench_table(client *c, const char *url, long n, int64_t budget_ns, const char *what)
{
    request(c, "GET", url, c->table, NULL, 200);
    if (!strstr(c->resp.data, "\"kind\":\"Table\""))
        die("GET %s as Table: %.300s", url, c->resp.data);
    size_t len = c->resp.len;
    warm_up(c, url, c->table, n, budget_ns);
    measure ours = run_requests(c, "GET", url, c->table, NULL, n, budget_ns, 200);
    warm_up(c, url, NULL, n, budget_ns);
    measure ceil = run_requests(c, "GET", url, NULL, NULL, ours.count, budget_ns, 200);
    add_row(&ours, &ceil, "%s as Table (%zu B)", what, len);
}

static void bench_reads(client *c, const char *base, const plan *p)
{
    char url[512];
    snprintf(url, sizeof url, "%s/api/v1/namespaces/" NS "/configmaps", base);
    for (long i = 0; i < LIST_ITEMS; i++) {
        co_buf b = {0};
        char name[32];
        snprintf(name, sizeof name, "cm-%03ld", i);
        configmap_json(&b, name);
        request(c, "POST", url, c->json, b.data, 201);
        co_buf_free(&b);
    }
    request(c, "GET", url, NULL, NULL, 200);
    cJSON *list = cJSON_Parse(c->resp.data);
    int items = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(list, "items"));
    cJSON_Delete(list);
    if (items != LIST_ITEMS)
        die("LIST %s: %d items, expected %d", url, items, LIST_ITEMS);

    char get_url[512];
    snprintf(get_url, sizeof get_url, "%s/api/v1/namespaces/" NS "/configmaps/cm-000", base);
    bench_read(c, get_url, p->get, p->budget_ns, "GET configmap");
    char what[64];
    snprintf(what, sizeof what, "LIST %d configmaps", LIST_ITEMS);
    bench_read(c, url, p->list, p->budget_ns, what);
    bench_table(c, get_url, p->get, p->budget_ns, "GET configmap");
    bench_table(c, url, p->list, p->budget_ns, what);
}

/* CREATE ConfigMaps; the ceiling inserts the last created object's JSON as stored. */
static void bench_create(client *c, const char *base, long n, int64_t budget_ns, const char *raw_db,
                         const char *label)
{
    char url[512];
    snprintf(url, sizeof url, "%s/api/v1/namespaces/" NS "/configmaps", base);
    measure ours = run_requests(c, "POST", url, c->json, create_body, n, budget_ns, 201);
    char *stored = dup_resp(c);
    measure ceil = sqlite_ceiling(raw_db, stored, ours.count, budget_ns, false);
    free(stored);
    add_row(&ours, &ceil, "CREATE configmap, %s", label);
}

/* PATCH one label of one ConfigMap; the ceiling rewrites the patched object's JSON as stored. */
static void bench_patch(client *c, const char *base, long n, int64_t budget_ns)
{
    char url[512];
    snprintf(url, sizeof url, "%s/api/v1/namespaces/" NS "/configmaps/cm-000", base);
    measure ours = run_requests(c, "PATCH", url, c->merge, patch_body, n, budget_ns, 200);
    char *stored = dup_resp(c);
    measure ceil = sqlite_ceiling(NULL, stored, ours.count, budget_ns, true);
    free(stored);
    add_row(&ours, &ceil, "PATCH merge label, memory store");
}

/* ---- custom resources: Cutover's Rollout CRD, with and without its schema ---- */

/* The Rollout of scenarios/manifests/day26-canary.yaml (canary, ingress-nginx traffic routing),
 * with three replicas. */
static const char ROLLOUT[] =
    "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\",\"metadata\":{\"name\":\"app-backend\","
    "\"labels\":{\"app\":\"app-backend\"},\"annotations\":{\"argocd.argoproj.io/sync-wave\":\"0\"}},"
    "\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"app-backend\"}},"
    "\"template\":{\"metadata\":{\"labels\":{\"app\":\"app-backend\"}},\"spec\":{\"containers\":[{"
    "\"name\":\"apps\",\"image\":\"luciferstut/app-backend-for-ithome2024:latest\",\"imagePullPolicy\":\"Always\","
    "\"ports\":[{\"containerPort\":8080}],"
    "\"resources\":{\"requests\":{\"cpu\":\"300m\",\"memory\":\"512Mi\"},\"limits\":{\"cpu\":\"1000m\","
    "\"memory\":\"768Mi\"}},"
    "\"startupProbe\":{\"httpGet\":{\"path\":\"/actuator/health/liveness\",\"port\":8080},\"failureThreshold\":6,"
    "\"periodSeconds\":10},"
    "\"livenessProbe\":{\"httpGet\":{\"path\":\"/actuator/health/liveness\",\"port\":8080},\"failureThreshold\":3,"
    "\"periodSeconds\":10},"
    "\"readinessProbe\":{\"httpGet\":{\"path\":\"/actuator/health/readiness\",\"port\":8080},\"failureThreshold\":3,"
    "\"periodSeconds\":10}}]}},"
    "\"strategy\":{\"canary\":{\"canaryService\":\"app-backend-preview\",\"stableService\":\"app-backend-stable\","
    "\"trafficRouting\":{\"nginx\":{\"stableIngress\":\"primary-ingress\",\"additionalIngressAnnotations\":{"
    "\"canary-by-header\":\"Canary\",\"canary-by-header-value\":\"true\"}}},"
    "\"steps\":[{\"setWeight\":10},{\"pause\":{}},{\"setWeight\":33},{\"pause\":{}}]}}}}";

/* A new pod template annotation each time, so that every patch changes the object. */
static void rollout_patch_body(co_buf *out, long i)
{
    co_buf_printf(out, "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"bench/seq\":\"%ld\"}}}}}", i);
}

/* The status the controller writes while the canary pauses at a step: alternately at step 1
 * (weight 10) and step 3 (weight 33). */
static void rollout_status_body(co_buf *out, long i)
{
    int step = i % 2 ? 3 : 1, weight = i % 2 ? 33 : 10;
    co_buf_printf(
        out,
        "{\"status\":{\"HPAReplicas\":3,\"replicas\":3,\"updatedReplicas\":1,\"readyReplicas\":3,"
        "\"availableReplicas\":3,\"currentPodHash\":\"6d4b8f7c9\",\"currentStepHash\":\"5f8d9c7b6\","
        "\"currentStepIndex\":%d,\"stableRS\":\"7c9f6d5b8\",\"observedGeneration\":\"2\",\"phase\":\"Paused\","
        "\"message\":\"CanaryPauseStep\",\"selector\":\"app=app-backend\",\"controllerPause\":true,"
        "\"canary\":{\"weights\":{"
        "\"canary\":{\"podTemplateHash\":\"6d4b8f7c9\",\"serviceName\":\"app-backend-preview\",\"weight\":%d},"
        "\"stable\":{\"podTemplateHash\":\"7c9f6d5b8\",\"serviceName\":\"app-backend-stable\",\"weight\":%d}}},"
        "\"pauseConditions\":[{\"reason\":\"CanaryPauseStep\",\"startTime\":\"2024-10-01T10:00:0%dZ\"}],"
        "\"conditions\":["
        "{\"type\":\"Progressing\",\"status\":\"True\",\"reason\":\"ReplicaSetUpdated\","
        "\"message\":\"ReplicaSet \\\"app-backend-6d4b8f7c9\\\" is progressing.\","
        "\"lastTransitionTime\":\"2024-10-01T09:59:50Z\",\"lastUpdateTime\":\"2024-10-01T10:00:0%dZ\"},"
        "{\"type\":\"Available\",\"status\":\"True\",\"reason\":\"AvailableReason\","
        "\"message\":\"Rollout has minimum availability\","
        "\"lastTransitionTime\":\"2024-10-01T09:00:00Z\",\"lastUpdateTime\":\"2024-10-01T09:00:00Z\"},"
        "{\"type\":\"Paused\",\"status\":\"True\",\"reason\":\"RolloutPaused\",\"message\":\"Rollout is paused\","
        "\"lastTransitionTime\":\"2024-10-01T10:00:0%dZ\",\"lastUpdateTime\":\"2024-10-01T10:00:0%dZ\"}]}}",
        step, weight, 100 - weight, step, step, step, step);
}

#define PRESERVE_UNKNOWN_SCHEMA "{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true}"

/* Cutover's Rollout CRD (deploy/crds/rollout-crd.yaml, read from the source tree) as JSON; without
 * `schema`, every version's openAPIV3Schema is {type: object, x-kubernetes-preserve-unknown-fields:
 * true}, which neither prunes nor validates anything. Caller frees. */
static char *rollout_crd_json(bool schema)
{
    char err[256];
    size_t len;
    char *yaml = co_read_file(BENCH_ROLLOUT_CRD, 0, &len);
    if (!yaml)
        die("%s: %s", BENCH_ROLLOUT_CRD, strerror(errno));
    cJSON *crd = yaml_parse_one(yaml, len, err, sizeof err);
    if (!crd)
        die("%s: %s", BENCH_ROLLOUT_CRD, err);
    free(yaml);
    const cJSON *ver;
    cJSON_ArrayForEach(ver, cj_get(crd, "spec.versions"))
    {
        cJSON *sch = cJSON_GetObjectItemCaseSensitive(ver, "schema");
        if (!cJSON_GetObjectItemCaseSensitive(sch, "openAPIV3Schema"))
            die("%s: a version without schema.openAPIV3Schema", BENCH_ROLLOUT_CRD);
        if (!schema)
            cJSON_ReplaceItemInObjectCaseSensitive(sch, "openAPIV3Schema", cJSON_Parse(PRESERVE_UNKNOWN_SCHEMA));
    }
    char *json = cJSON_PrintUnformatted(crd);
    cJSON_Delete(crd);
    if (!json)
        die("out of memory");
    return json;
}

/* Merge patches of the Rollout's spec, then of its status through /status, on a fresh fakeapi
 * with the Rollout CRD installed, with or without its schema. Up to n of each (n_status: of the
 * status patches); a patch with a field the schema does not know first checks that the server
 * prunes it (schema) or keeps it (no schema). */
static void rollout_patches(client *c, bool schema, long n, long n_status, int64_t budget_ns, measure *spec,
                            measure *status)
{
    fakeapi *f = start_fakeapi(c, NULL);
    char url[512], status_url[600];
    snprintf(url, sizeof url, "%s/apis/apiextensions.k8s.io/v1/customresourcedefinitions", fakeapi_url(f));
    char *crd = rollout_crd_json(schema);
    request(c, "POST", url, c->json, crd, 201);
    free(crd);
    snprintf(url, sizeof url, "%s/apis/argoproj.io/v1alpha1/namespaces/" NS "/rollouts", fakeapi_url(f));
    request(c, "POST", url, c->json, ROLLOUT, 201);
    snprintf(url, sizeof url, "%s/apis/argoproj.io/v1alpha1/namespaces/" NS "/rollouts/app-backend", fakeapi_url(f));
    snprintf(status_url, sizeof status_url, "%s/status", url);
    request(c, "PATCH", url, c->merge, "{\"spec\":{\"benchUnknown\":1}}", 200);
    if (!strstr(c->resp.data, "benchUnknown") != schema)
        die("PATCH %s: the unknown field spec.benchUnknown was %s", url, schema ? "kept" : "pruned");
    request(c, "PATCH", url, c->merge, "{\"spec\":{\"benchUnknown\":null}}", 200);
    *spec = run_requests(c, "PATCH", url, c->merge, rollout_patch_body, n, budget_ns, 200);
    *status = run_requests(c, "PATCH", status_url, c->merge, rollout_status_body, n_status, budget_ns, 200);
    fakeapi_stop(f);
}

static void bench_rollout(client *c, long n, int64_t budget_ns)
{
    measure spec, status, ceil_spec, ceil_status;
    rollout_patches(c, true, n, n, budget_ns, &spec, &status);
    rollout_patches(c, false, spec.count, status.count, budget_ns, &ceil_spec, &ceil_status);
    add_row(&spec, &ceil_spec, "PATCH rollout spec, CRD schema");
    add_row(&status, &ceil_status, "PATCH rollout status, CRD schema");
}

/* The fan-out on a fresh fakeapi, then on a bare server whose events are as long and whose
 * answer to a POST is as long as fakeapi's. */
static void bench_fanout(client *c, long m, int64_t budget_ns, bool paced)
{
    fakeapi *f = start_fakeapi(c, NULL);
    char watch_url[640], write_url[512];
    snprintf(write_url, sizeof write_url, "%s/api/v1/namespaces/" NS "/configmaps", fakeapi_url(f));
    /* one create before the watches start: its answer sizes the bare server's */
    co_buf b = {0};
    configmap_json(&b, "probe");
    request(c, "POST", write_url, c->json, b.data, 201);
    co_buf_free(&b);
    char *created = dup_resp(c);
    snprintf(watch_url, sizeof watch_url, "%s?watch=1&resourceVersion=%lld", write_url,
             (long long)fakeapi_resource_version(f));
    size_t line = 0, bare_line = 0;
    long writes = 0, bare_writes = 0;
    measure ours = run_fanout(watch_url, write_url, m, paced, budget_ns, &writes, &line);
    fakeapi_stop(f);

    bare *bs = bare_start(created, strlen(created), line);
    snprintf(watch_url, sizeof watch_url, "%s/watch", bs->url);
    snprintf(write_url, sizeof write_url, "%s/api/v1/namespaces/" NS "/configmaps", bs->url);
    measure ceil = run_fanout(watch_url, write_url, writes, paced, budget_ns, &bare_writes, &bare_line);
    bare_stop(bs, c);
    free(created);
    add_row(&ours, &ceil, "WATCH x%d, %s, %ld writes", WATCHERS, paced ? "paced" : "back to back", writes);
}

int main(int argc, char **argv)
{
    bench_name = "bench_fakeapi";
    bool quick = false;
    const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick"))
            quick = true;
        else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    plan p = {.get = 20000, .list = 2000, .create_mem = 10000, .create_file = 2000, .patch = 10000,
              .rollout = 5000, .fan_b2b = 1000, .fan_paced = 500, .budget_ns = 3 * (int64_t)1000000000};
    if (quick)
        p = (plan){.get = 2000, .list = 200, .create_mem = 1000, .create_file = 200, .patch = 1000,
                   .rollout = 500, .fan_b2b = 50, .fan_paced = 20, .budget_ns = 300 * (int64_t)1000000};

    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        die("curl_global_init");
    snprintf(g_tmpdir, sizeof g_tmpdir, "%s/bench_fakeapi.XXXXXX", dir);
    if (!mkdtemp(g_tmpdir)) {
        g_tmpdir[0] = 0;
        die("mkdtemp in %s: %s", dir, strerror(errno));
    }
    atexit(cleanup_tmpdir);
    print_header(&p, g_tmpdir);
    int64_t t0 = now_ns();
    client c;
    client_init(&c);

    fakeapi *f = start_fakeapi(&c, NULL);
    bench_reads(&c, fakeapi_url(f), &p);
    bench_create(&c, fakeapi_url(f), p.create_mem, p.budget_ns, NULL, "memory store");
    bench_patch(&c, fakeapi_url(f), p.patch, p.budget_ns);
    fakeapi_stop(f);
    bench_rollout(&c, p.rollout, p.budget_ns);

    char db[4200], raw[4200];
    snprintf(db, sizeof db, "%s/fakeapi.db", g_tmpdir);
    snprintf(raw, sizeof raw, "%s/raw.db", g_tmpdir);
    f = start_fakeapi(&c, db);
    bench_create(&c, fakeapi_url(f), p.create_file, p.budget_ns, raw, "file store (WAL, FULL)");
    fakeapi_stop(f);

    bench_fanout(&c, p.fan_b2b, p.budget_ns, false);
    bench_fanout(&c, p.fan_paced, p.budget_ns, true);

    print_table();
    printf("\ntotal %.1f s\n", (double)(now_ns() - t0) / 1e9);
    client_free(&c);
    for (int i = 0; i < g_nrows; i++) {
        measure_free(&g_rows[i].ours);
        measure_free(&g_rows[i].ceil);
    }
    curl_global_cleanup();
    return 0;
}
