/* bench_kube.c: the benchmark of the Kubernetes client library controller/kube (executable
 * bench_kube; not a ctest test).
 *
 * An in-process fake API server (libfakeapi, in memory, no simulation) holds N = 10,000 plain
 * pods (one container each) in one namespace, created with fakeapi_call before anything is
 * timed. Each figure is printed beside a baseline measured in the same run, on the same server,
 * the same data and the same loopback:
 *
 *   1. Informer initial sync: kube_informer_new until synced with all N pods in the cache (the
 *      first pump: a LIST paged with limit=500, then the watch opened). Baselines: the server's
 *      own LIST of the same pods, paged with limit=500 and following continue tokens exactly as
 *      the informer does, (a) over HTTP with one kept-alive libcurl handle sending the client's
 *      Accept and Accept-Encoding headers, body bytes only; (b) the same plus cJSON_Parse of each
 *      page, the floor for any client that has to read JSON; (c) in-process with fakeapi_call,
 *      the server's own cost without HTTP. The informer does all of (b) and more, so these are
 *      lower bounds it can approach but not beat. One unpaged GET is shown too, only to expose
 *      what the server's paging costs.
 *   2. Watch throughput into the cache: a fresh informer, synced, is pumped in a loop on the
 *      main thread while a writer thread makes M = 20,000 merge patches through fakeapi_call (a
 *      new label value each time: every one is a real change and one MODIFIED event). A second
 *      thread rather than writes between pumps, so that producing and consuming overlap as they
 *      do against a real apiserver and the figure is the pipeline's, not a sum of the two. The
 *      time runs from the first write until the informer's resourceVersion equals
 *      fakeapi_resource_version, and all M events must have reached the cache as updates (no
 *      relist). Baselines: the same number of patches by the same writer code with no watcher
 *      at all (the write rate alone: events cannot arrive faster than they are made), and the
 *      same writer against a bare libcurl watch stream that only counts event lines (the
 *      server's watch serving and the loopback, without client-side decoding or a cache). With
 *      two CPUs for the server, the writer and the reader, elapsed times there move with any
 *      other load, so the CPU time of the thread reading the watch is also shown, beside that
 *      of the bare curl watch's thread: the client's cost per event, whatever the neighbours do.
 *      A last row gives the informer's own capacity: M/4 patches made while it is not pumped,
 *      then the backlog drained, against how long those writes took.
 *   3. Memory of the cache for N pods: the heap the synced informer holds (mallinfo2 in use,
 *      before and after kube_informer_free) and the peak RSS growth during its sync (VmHWM,
 *      reset through /proc/self/clear_refs), measured first, before other phases have grown the
 *      heap; against the size of the same pods as JSON on the wire (what a cache of raw bytes
 *      would hold).
 *
 * The informer's client runs with client-side throttling off (qps < 0, as the tests do), so the
 * rows measure the library's own work; one extra row shows the sync with the default qps 5 /
 * burst 10. Times are medians of REPS runs, interleaved with their baselines so that a noisy
 * neighbour hits both. --quick does a tenth of the work. Any failed request, lost event or cache
 * content different from the server's exits non-zero. */
#include "bench/bench.h"
#include "common/buf.h"
#include "common/json.h"
#include "controller/kube/client.h"
#include "controller/kube/config.h"
#include "controller/kube/informer.h"
#include "fakeapi/fakeapi.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS "bench"
#define PAGE 500 /* the informer's page size (informer.c) */
#define REPS 3

static const kube_gvr PODS = {"", "v1", "pods", 1};
static fakeapi *g_srv;
static long g_npods = 10000, g_writes = 20000;

/* ---- small helpers ---- */



static int64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int64_t median(int64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_i64);
    return v[n / 2];
}

/* A field of /proc/self/status in bytes ("VmRSS", "VmHWM"). */
static long long proc_status_bytes(const char *field)
{
    FILE *fp = fopen("/proc/self/status", "r");
    if (!fp)
        return -1;
    char line[256];
    long long kb = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, fp))
        if (!strncmp(line, field, n) && line[n] == ':') {
            kb = atoll(line + n + 1);
            break;
        }
    fclose(fp);
    return kb < 0 ? -1 : kb * 1024;
}

/* Resets VmHWM to the current RSS (Linux >= 4.0). Returns 0 on success. */
static int reset_peak_rss(void)
{
    FILE *fp = fopen("/proc/self/clear_refs", "w");
    if (!fp)
        return -1;
    int ok = fputs("5", fp) >= 0;
    return fclose(fp) == 0 && ok ? 0 : -1;
}

static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd; /* arena chunks in use plus mmapped blocks */
}

/* ---- the table ---- */

typedef struct {
    char op[48];
    long count;
    double ours; /* ns, or bytes for memory rows */
    char base[48];
    long base_count;
    double base_v;
    bool memory;
} row;

static row g_rows[24];
static int g_nrows;

static void add_row(const char *op, long count, double ours, const char *base, long base_count, double base_v,
                    bool memory)
{
    if (g_nrows == (int)(sizeof g_rows / sizeof *g_rows))
        die("too many rows");
    row *r = &g_rows[g_nrows++];
    snprintf(r->op, sizeof r->op, "%s", op);
    snprintf(r->base, sizeof r->base, "%s", base);
    r->count = count;
    r->ours = ours;
    r->base_count = base_count;
    r->base_v = base_v;
    r->memory = memory;
    if (memory)
        fprintf(stderr, "  %-46s %10.1f MiB   %-40s %10.1f MiB\n", op, ours / 1048576.0, base, base_v / 1048576.0);
    else
        fprintf(stderr, "  %-46s %10.1f ms    %-40s %10.1f ms\n", op, ours / 1e6, base, base_v / 1e6);
}

static void print_table(void)
{
    printf("\ntimes are medians of %d runs unless the count says otherwise; rate = count / time;\n"
           "ratio = our rate / baseline rate (< 1: slower than the baseline).\n"
           "memory rows: MiB in the time column, bytes per pod in the rate column; ratio = ours / baseline.\n\n",
           REPS);
    printf("%-46s %6s %10s %11s | %-40s %10s %11s %6s\n", "operation", "count", "time ms", "rate /s", "baseline",
           "time ms", "rate /s", "ratio");
    for (int i = 0; i < g_nrows; i++) {
        row *r = &g_rows[i];
        if (r->memory) {
            printf("%-46s %6ld %10.1f %11.0f | %-40s %10.1f %11.0f %6.2f\n", r->op, r->count, r->ours / 1048576.0,
                   r->ours / (double)r->count, r->base, r->base_v / 1048576.0, r->base_v / (double)r->base_count,
                   r->base_v > 0 ? r->ours / r->base_v : 0);
        } else {
            double rate = r->ours > 0 ? (double)r->count * 1e9 / r->ours : 0;
            double brate = r->base_v > 0 ? (double)r->base_count * 1e9 / r->base_v : 0;
            printf("%-46s %6ld %10.1f %11.0f | %-40s %10.1f %11.0f %6.2f\n", r->op, r->count, r->ours / 1e6, rate,
                   r->base, r->base_v / 1e6, brate, brate > 0 ? rate / brate : 0);
        }
    }
}

/* ---- the server's data ---- */

static void call_ok(const char *method, const char *path, const char *ctype, const char *body, unsigned want,
                    char **out)
{
    unsigned code = fakeapi_call(g_srv, method, path, ctype, body, out);
    if (code != want)
        die("%s %s: HTTP %u, expected %u", method, path, code, want);
}

static void pod_name(char *buf, size_t n, long i) { snprintf(buf, n, "pod-%05ld", i); }

/* A plain pod: labels, one container with an image, a port and resource requests. */
static void create_pods(void)
{
    call_ok("POST", "/api/v1/namespaces", NULL,
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" NS "\"}}", 201, NULL);
    char body[1024], name[32];
    for (long i = 0; i < g_npods; i++) {
        pod_name(name, sizeof name, i);
        snprintf(body, sizeof body,
                 "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\",\"namespace\":\"" NS "\","
                 "\"labels\":{\"app\":\"bench\",\"pod-template-hash\":\"5d9f7c6b8\"}},"
                 "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"registry.example/bench/app:1.0.%ld\","
                 "\"ports\":[{\"name\":\"http\",\"containerPort\":8080}],"
                 "\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}}]}}",
                 name, i % 7);
        call_ok("POST", "/api/v1/namespaces/" NS "/pods", NULL, body, 201, NULL);
    }
}

/* The continue token of a list page, without parsing the page (the metadata comes first). */
static char *continue_token(const char *page)
{
    const char *items = strstr(page, "\"items\":");
    const char *c = strstr(page, "\"continue\":\"");
    if (!c || (items && c > items))
        return NULL;
    c += strlen("\"continue\":\"");
    const char *end = strchr(c, '"');
    return end ? strndup(c, (size_t)(end - c)) : NULL;
}

/* Items in a list body: one "resourceVersion" each plus the list's own. */
static long count_items(const char *page)
{
    long n = -1;
    for (const char *p = page; (p = strstr(p, "\"resourceVersion\":")); p++)
        n++;
    return n;
}

/* ---- baseline: LIST in-process ---- */

/* The whole paged LIST through fakeapi_call. Only the calls and the continue-token scan are
 * timed; the items are counted (to check the list is whole) with the clock stopped. */
static int64_t list_inprocess(void)
{
    long items = 0;
    char *cont = NULL;
    int64_t t = 0;
    do {
        char path[1024];
        snprintf(path, sizeof path, "/api/v1/namespaces/" NS "/pods?limit=%d%s%s", PAGE, cont ? "&continue=" : "",
                 cont ? cont : "");
        free(cont);
        char *out = NULL;
        int64_t t0 = now_ns();
        call_ok("GET", path, NULL, NULL, 200, &out);
        cont = continue_token(out);
        t += now_ns() - t0;
        items += count_items(out);
        free(out);
    } while (cont);
    if (items != g_npods)
        die("in-process LIST: %ld items, expected %ld", items, g_npods);
    return t;
}

/* ---- baseline: LIST over HTTP with libcurl ---- */

typedef struct {
    CURL *h;
    struct curl_slist *hdr;
    co_buf body;
} http;

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
    co_buf_add(ud, p, size * n);
    return size * n;
}

/* One easy handle (one kept-alive connection, as the kube client has) sending the kube client's
 * Accept and Accept-Encoding headers. */
static void http_init(http *c)
{
    memset(c, 0, sizeof *c);
    c->h = curl_easy_init();
    if (!c->h)
        die("curl_easy_init");
    c->hdr = curl_slist_append(NULL, "Accept: application/json");
    curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, c->hdr);
    curl_easy_setopt(c->h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c->h, CURLOPT_WRITEDATA, &c->body);
}

static void http_free(http *c)
{
    curl_easy_cleanup(c->h);
    curl_slist_free_all(c->hdr);
    co_buf_free(&c->body);
}

/* GET path into c->body. */
static void http_get(http *c, const char *path)
{
    char url[2048];
    snprintf(url, sizeof url, "%s%s", fakeapi_url(g_srv), path);
    c->body.len = 0;
    if (c->body.data)
        c->body.data[0] = 0;
    curl_easy_setopt(c->h, CURLOPT_URL, url);
    CURLcode rc = curl_easy_perform(c->h);
    long code = 0;
    curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK || code != 200)
        die("GET %s: %s, HTTP %ld", url, curl_easy_strerror(rc), code);
}

/* A whole LIST over HTTP: paged with limit=PAGE following continue tokens, or one unpaged GET.
 * parse: cJSON_Parse each page (and free it) inside the timing. The items are counted with the
 * clock stopped. *bytes (may be NULL) gets the body bytes received. */
static int64_t list_http(http *c, bool paged, bool parse, size_t *bytes)
{
    long items = 0;
    size_t total = 0;
    char *cont = NULL;
    int64_t t = 0;
    do {
        char path[1024];
        if (paged)
            snprintf(path, sizeof path, "/api/v1/namespaces/" NS "/pods?limit=%d%s%s", PAGE,
                     cont ? "&continue=" : "", cont ? cont : "");
        else
            snprintf(path, sizeof path, "/api/v1/namespaces/" NS "/pods");
        free(cont);
        int64_t t0 = now_ns();
        http_get(c, path);
        cont = paged ? continue_token(c->body.data) : NULL;
        if (parse) {
            cJSON *page = cJSON_ParseWithLength(c->body.data, c->body.len);
            if (!page)
                die("a LIST page is not JSON");
            cJSON_Delete(page);
        }
        t += now_ns() - t0;
        total += c->body.len;
        items += count_items(c->body.data);
    } while (cont);
    if (items != g_npods)
        die("LIST over HTTP: %ld items, expected %ld", items, g_npods);
    if (bytes)
        *bytes = total;
    return t;
}

/* ---- the informer ---- */

typedef struct {
    long adds, updates, deletes;
} counts;

static void on_add(void *ud, const cJSON *o)
{
    (void)o;
    ((counts *)ud)->adds++;
}
static void on_update(void *ud, const cJSON *old, const cJSON *o)
{
    (void)old, (void)o;
    ((counts *)ud)->updates++;
}
static void on_delete(void *ud, const cJSON *o)
{
    (void)o;
    ((counts *)ud)->deletes++;
}

static kube_client *new_client(bool throttled)
{
    kube_config cfg;
    if (kube_config_for_server(fakeapi_url(g_srv), NS, &cfg) != 0)
        die("kube_config_for_server");
    char err[256];
    kube_client_opts o = {.qps = throttled ? 0 : -1};
    kube_client *c = kube_client_new(&cfg, &o, err, sizeof err);
    kube_config_free(&cfg);
    if (!c)
        die("kube_client_new: %s", err);
    return c;
}

/* Creates an informer on the pods of NS and pumps it until it is synced with every pod.
 * Returns the time taken; *out gets the informer. */
static int64_t informer_sync(kube_client *c, counts *n, kube_informer **out)
{
    kube_informer_opts o = {.resource = &PODS, .namespace_ = NS, .handlers = {on_add, on_update, on_delete, n}};
    int64_t t0 = now_ns();
    kube_informer *inf = kube_informer_new(c, &o);
    kube_status st = {0};
    for (int tries = 0; !(kube_informer_synced(inf) && kube_informer_count(inf) == (size_t)g_npods); tries++) {
        if (tries > 100 || kube_informer_pump(inf, 0, &st) < 0)
            die("informer sync: %d %s %s (%zu pods cached)", st.code, st.reason, st.message,
                kube_informer_count(inf));
    }
    int64_t t = now_ns() - t0;
    *out = inf;
    return t;
}

/* The cache agrees with the server on a sample of pods (and their resourceVersions). */
static void check_cache(kube_informer *inf)
{
    if (kube_informer_count(inf) != (size_t)g_npods)
        die("informer holds %zu pods, expected %ld", kube_informer_count(inf), g_npods);
    for (long i = 0; i < g_npods; i += g_npods / 50 + 1) {
        char name[32], path[128];
        pod_name(name, sizeof name, i);
        snprintf(path, sizeof path, "/api/v1/namespaces/" NS "/pods/%s", name);
        char *out = NULL;
        call_ok("GET", path, NULL, NULL, 200, &out);
        cJSON *srv = cJSON_Parse(out);
        free(out);
        const cJSON *cached = kube_informer_get(inf, NS, name);
        const char *a = cj_str(srv, "metadata.resourceVersion");
        const char *b = cached ? cj_str(cached, "metadata.resourceVersion") : NULL;
        if (!a || !b || strcmp(a, b))
            die("pod %s: cache has resourceVersion %s, server %s", name, b ? b : "(none)", a ? a : "(none)");
        cJSON_Delete(srv);
    }
}

static bool caught_up(kube_informer *inf)
{
    char rv[32];
    snprintf(rv, sizeof rv, "%lld", (long long)fakeapi_resource_version(g_srv));
    return !strcmp(kube_informer_resource_version(inf), rv);
}

/* ---- the writer ---- */

typedef struct {
    long first, count; /* write sequence numbers first .. first+count-1 */
    int64_t t0, t1;    /* when the first write started and the last one returned */
    atomic_bool done;
} writer;

/* Write k: a merge patch giving pod k % N the label seq=k (a new value: always a real change). */
static void *writer_run(void *arg)
{
    writer *w = arg;
    char path[128], body[128], name[32];
    w->t0 = now_ns();
    for (long k = w->first; k < w->first + w->count; k++) {
        pod_name(name, sizeof name, k % g_npods);
        snprintf(path, sizeof path, "/api/v1/namespaces/" NS "/pods/%s", name);
        snprintf(body, sizeof body, "{\"metadata\":{\"labels\":{\"seq\":\"%ld\"}}}", k);
        call_ok("PATCH", path, "application/merge-patch+json", body, 200, NULL);
    }
    w->t1 = now_ns();
    atomic_store(&w->done, true);
    return NULL;
}

/* ---- baseline: a raw watch stream ---- */

/* A watch read by libcurl on its own thread with no work beyond counting event lines: what the
 * server's watch serving and the loopback cost, without any client-side decoding or cache. */
typedef struct {
    long want, got;
    int64_t t_done, cpu0, cpu_done; /* this thread's CPU time at the start and when done */
    atomic_bool connected;
    char rv[32];
} rawwatch;

static size_t raw_header(char *p, size_t size, size_t n, void *ud)
{
    rawwatch *w = ud;
    if (size * n <= 2 && (p[0] == '\r' || p[0] == '\n'))
        atomic_store(&w->connected, true);
    return size * n;
}

static size_t raw_body(char *p, size_t size, size_t n, void *ud)
{
    rawwatch *w = ud;
    for (size_t i = 0; i < size * n; i++)
        w->got += p[i] == '\n';
    if (w->got >= w->want) {
        w->t_done = now_ns();
        w->cpu_done = thread_cpu_ns();
        return 0; /* enough: abort the transfer */
    }
    return size * n;
}

static void *rawwatch_run(void *arg)
{
    rawwatch *w = arg;
    w->cpu0 = thread_cpu_ns();
    char url[512];
    snprintf(url, sizeof url, "%s/api/v1/namespaces/" NS "/pods?watch=1&resourceVersion=%s&timeoutSeconds=300",
             fakeapi_url(g_srv), w->rv);
    CURL *h = curl_easy_init();
    if (!h)
        die("curl_easy_init");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, raw_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, w);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, raw_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, w);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
    CURLcode rc = curl_easy_perform(h);
    curl_easy_cleanup(h);
    if (w->got < w->want)
        die("raw watch: %ld events of %ld (%s)", w->got, w->want, curl_easy_strerror(rc));
    return NULL;
}

/* ---- main ---- */

/* Pumps until the informer has the server's latest resourceVersion; dies after 120 s. */
static void pump_until_caught_up(kube_informer *inf, const writer *w)
{
    int64_t t0 = now_ns();
    for (;;) {
        kube_status st;
        if (kube_informer_pump(inf, 5, &st) < 0)
            die("informer pump: %d %s %s", st.code, st.reason, st.message);
        if ((!w || atomic_load(&w->done)) && caught_up(inf))
            return;
        if (now_ns() - t0 > 120LL * 1000000000)
            die("the informer did not catch up within 120 s (at resourceVersion %s, the server at %lld)",
                kube_informer_resource_version(inf), (long long)fakeapi_resource_version(g_srv));
    }
}

static void check_events(const counts *c, long adds, long updates, const char *what)
{
    if (c->adds != adds || c->updates != updates || c->deletes)
        die("%s: the handlers saw %ld adds, %ld updates, %ld deletes; expected %ld adds, %ld updates, no deletes "
            "(a relist after a 410?)",
            what, c->adds, c->updates, c->deletes, adds, updates);
}

/* The label the last write gave a pod is in the cache. */
static void check_label(kube_informer *inf, long last_write)
{
    char name[32], want[24];
    pod_name(name, sizeof name, last_write % g_npods);
    snprintf(want, sizeof want, "%ld", last_write);
    const char *got = cj_str(kube_informer_get(inf, NS, name), "metadata.labels.seq");
    if (!got || strcmp(got, want))
        die("pod %s: cached label seq=%s, the last write set %s", name, got ? got : "(none)", want);
}

int main(int argc, char **argv)
{
    bench_name = "bench_kube";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) {
            g_npods /= 10;
            g_writes /= 10;
        } else {
            fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
            return 2;
        }
    }
    int64_t bench_t0 = now_ns();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char err[256];
    g_srv = fakeapi_start(&(fakeapi_options){.seed = 1, .no_sim = 1}, err, sizeof err);
    if (!g_srv)
        die("fakeapi_start: %s", err);

    fprintf(stderr, "creating %ld pods in namespace " NS " (in-process)...\n", g_npods);
    int64_t t = now_ns();
    create_pods();
    int64_t create_ns = now_ns() - t;
    fprintf(stderr, "  %ld pods in %.1f ms\n", g_npods, create_ns / 1e6);

    /* the pods' size as JSON on the wire: one unpaged GET (the memory rows' baseline) */
    http hc;
    http_init(&hc);
    size_t wire_bytes = 0;
    list_http(&hc, false, false, &wire_bytes);

    /* 3. memory first, while the heap holds nothing an earlier informer left behind */
    fprintf(stderr, "memory of the cache...\n");
    kube_client *client = new_client(false);
    malloc_trim(0);
    long long rss0 = proc_status_bytes("VmRSS");
    bool have_hwm = rss0 > 0 && reset_peak_rss() == 0;
    counts n = {0};
    kube_informer *inf;
    int64_t cold_sync = informer_sync(client, &n, &inf);
    long long hwm = proc_status_bytes("VmHWM");
    size_t heap_synced = heap_in_use();
    check_cache(inf);
    check_events(&n, g_npods, 0, "initial sync");
    kube_informer_free(inf);
    size_t heap_freed = heap_in_use();

    /* 1. initial sync against the LIST baselines, interleaved run by run */
    fprintf(stderr, "initial sync of %ld pods, %d runs each...\n", g_npods, REPS);
    int64_t s_inproc[REPS], s_curl[REPS], s_parse[REPS], s_unpaged[REPS], s_inf[REPS];
    for (int r = 0; r < REPS; r++) {
        s_inproc[r] = list_inprocess();
        s_curl[r] = list_http(&hc, true, false, NULL);
        s_parse[r] = list_http(&hc, true, true, NULL);
        s_unpaged[r] = list_http(&hc, false, false, NULL);
        counts c = {0};
        s_inf[r] = informer_sync(client, &c, &inf);
        check_cache(inf);
        check_events(&c, g_npods, 0, "initial sync");
        kube_informer_free(inf);
        fprintf(stderr,
                "  run %d: informer %.1f ms; LIST: curl %.1f ms, curl + parse %.1f ms, in-process %.1f ms, curl "
                "unpaged %.1f ms\n",
                r + 1, s_inf[r] / 1e6, s_curl[r] / 1e6, s_parse[r] / 1e6, s_inproc[r] / 1e6, s_unpaged[r] / 1e6);
    }
    double m_inf = (double)median(s_inf, REPS);
    add_row("informer sync (LIST limit=500, watch open)", g_npods, m_inf, "curl LIST limit=500, bytes only", g_npods,
            (double)median(s_curl, REPS), false);
    add_row("  \"", g_npods, m_inf, "curl LIST limit=500 + cJSON_Parse", g_npods, (double)median(s_parse, REPS), false);
    add_row("  \"", g_npods, m_inf, "fakeapi_call LIST limit=500, in-process", g_npods,
            (double)median(s_inproc, REPS), false);
    add_row("  \"", g_npods, m_inf, "curl LIST unpaged (server paging cost)", g_npods,
            (double)median(s_unpaged, REPS), false);
    add_row("informer sync, first in the process (1 run)", g_npods, (double)cold_sync,
            "curl LIST limit=500, bytes only", g_npods, (double)median(s_curl, REPS), false);

    kube_client *throttled = new_client(true);
    counts c = {0};
    int64_t t_thr = informer_sync(throttled, &c, &inf);
    check_cache(inf);
    check_events(&c, g_npods, 0, "initial sync, throttled client");
    kube_informer_free(inf);
    kube_client_free(throttled);
    add_row("informer sync, default qps 5/burst 10 (1 run)", g_npods, (double)t_thr, "curl LIST limit=500, bytes only",
            g_npods, (double)median(s_curl, REPS), false);

    add_row("cache for the pods: heap held (mallinfo2)", g_npods, (double)(heap_synced - heap_freed),
            "the pods as JSON on the wire", g_npods, (double)wire_bytes, true);
    if (have_hwm && hwm > rss0)
        add_row("cache for the pods: peak RSS growth in sync", g_npods, (double)(hwm - rss0),
                "the pods as JSON on the wire", g_npods, (double)wire_bytes, true);
    else
        fprintf(stderr, "  (no peak RSS figure: /proc/self/clear_refs is not writable here)\n");

    /* 2. watch throughput, REPS rounds. Each: the baseline (the writer alone, no informer
     * attached), then a fresh informer synced and pumped on this thread while the writer thread
     * makes the same number of patches, then a backlog made while the informer is not pumped
     * and drained. A backlog of M/4 stays well inside the server's 10,000 retained events, so
     * the watch cannot fall behind a compaction (which would show as a relist in the counts). */
    fprintf(stderr, "watch throughput, %ld writes, %d rounds...\n", g_writes, REPS);
    long seq = 0, backlog = g_writes / 4;
    int64_t c_raw[REPS], c_inf[REPS];
    int64_t w_alone[REPS], w_raw[REPS], w_cache[REPS], w_during[REPS], w_backlog[REPS], w_drain[REPS];
    for (int r = 0; r < REPS; r++) {
        writer base = {.first = seq, .count = g_writes};
        seq += g_writes;
        pthread_t th;
        if (pthread_create(&th, NULL, writer_run, &base) != 0)
            die("pthread_create");
        pthread_join(th, NULL);
        w_alone[r] = base.t1 - base.t0;

        rawwatch rw = {.want = g_writes};
        snprintf(rw.rv, sizeof rw.rv, "%lld", (long long)fakeapi_resource_version(g_srv));
        pthread_t wth;
        if (pthread_create(&wth, NULL, rawwatch_run, &rw) != 0)
            die("pthread_create");
        for (int64_t t0 = now_ns(); !atomic_load(&rw.connected);) {
            if (now_ns() - t0 > 10LL * 1000000000)
                die("raw watch: no response headers within 10 s");
            struct timespec ms = {0, 1000000};
            nanosleep(&ms, NULL);
        }
        writer ww = {.first = seq, .count = g_writes};
        seq += g_writes;
        if (pthread_create(&th, NULL, writer_run, &ww) != 0)
            die("pthread_create");
        pthread_join(th, NULL);
        pthread_join(wth, NULL);
        w_raw[r] = rw.t_done - ww.t0;
        c_raw[r] = rw.cpu_done - rw.cpu0;

        counts wc = {0};
        informer_sync(client, &wc, &inf);
        writer wr = {.first = seq, .count = g_writes};
        seq += g_writes;
        int64_t cpu0 = thread_cpu_ns();
        if (pthread_create(&th, NULL, writer_run, &wr) != 0)
            die("pthread_create");
        pump_until_caught_up(inf, &wr);
        w_cache[r] = now_ns() - wr.t0;
        c_inf[r] = thread_cpu_ns() - cpu0;
        pthread_join(th, NULL);
        w_during[r] = wr.t1 - wr.t0;
        check_cache(inf);
        check_events(&wc, g_npods, g_writes, "watch");
        check_label(inf, seq - 1);

        writer bw = {.first = seq, .count = backlog};
        seq += backlog;
        writer_run(&bw);
        w_backlog[r] = bw.t1 - bw.t0;
        int64_t d0 = now_ns();
        pump_until_caught_up(inf, NULL);
        w_drain[r] = now_ns() - d0;
        check_cache(inf);
        check_events(&wc, g_npods, g_writes + backlog, "watch backlog");
        check_label(inf, seq - 1);
        kube_informer_free(inf);
        fprintf(stderr,
                "  round %d: writes alone %.1f ms | bare watch: done at %.1f ms, its thread's CPU %.1f ms | informer: "
                "writes %.1f ms, caught up at %.1f ms, pumping thread's CPU %.1f ms | backlog of %ld written in %.1f "
                "ms, drained in %.1f ms\n",
                r + 1, w_alone[r] / 1e6, w_raw[r] / 1e6, c_raw[r] / 1e6, w_during[r] / 1e6, w_cache[r] / 1e6,
                c_inf[r] / 1e6, backlog, w_backlog[r] / 1e6, w_drain[r] / 1e6);
    }
    double m_alone = (double)median(w_alone, REPS);
    add_row("watch -> cache, concurrent writer thread", g_writes, (double)median(w_cache, REPS),
            "the same patches, no informer", g_writes, m_alone, false);
    add_row("  \"", g_writes, (double)median(w_cache, REPS), "curl watch, bytes only, same writer", g_writes,
            (double)median(w_raw, REPS), false);
    add_row("  CPU time of the thread reading the watch", g_writes, (double)median(c_inf, REPS),
            "CPU of that bare curl watch thread", g_writes, (double)median(c_raw, REPS), false);
    add_row("  the writes themselves during that run", g_writes, (double)median(w_during, REPS),
            "the same patches, no informer", g_writes, m_alone, false);
    add_row("watch -> cache, backlog drained after writes", backlog, (double)median(w_drain, REPS),
            "those writes (informer idle)", backlog, (double)median(w_backlog, REPS), false);

    http_free(&hc);
    kube_client_free(client);
    fakeapi_stop(g_srv);
    curl_global_cleanup();
    print_table();
    printf("\n%ld pods (%.0f bytes each as JSON) created in-process beforehand in %.1f ms; whole run %.1f s\n",
           g_npods, (double)wire_bytes / (double)g_npods, create_ns / 1e6, (now_ns() - bench_t0) / 1e9);
    return 0;
}
