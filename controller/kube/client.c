/* client.c: the Kubernetes API client over libcurl (client.h): the client and its one reused
 * easy handle, TLS and credentials, Status errors, client-side rate limiting, retries and every
 * request verb, and watches (which share the handle setup and the Status parsing). The token
 * bucket and the default wait are in ratelimit.c.
 *
 * Threads: a client may be shared. Its one CURL easy handle (one kept-alive connection) is
 * guarded by a mutex, so concurrent requests from several threads serialize on it; throttling
 * and retry waits happen outside that lock. Workers that want parallel requests give each
 * thread its own client. A watch is used by one thread at a time, and the client must outlive
 * its watches.
 *
 * Namespaces: list and watch take ns NULL or "" as "all namespaces"; get, patch and delete take
 * NULL or "" as the client's namespace; create and update take the object's metadata.namespace,
 * then the client's. Cluster-scoped resources ignore ns. */
#include "controller/kube/client.h"

#include "common/buf.h"
#include "common/json.h"
#include "controller/kube/ratelimit.h"

#include <curl/curl.h>
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* The one definition of the version the User-Agent carries (CMake may override it). */
#ifndef CUTOVER_VERSION
#define CUTOVER_VERSION "0.1.0"
#endif
#define KUBE_USER_AGENT "cutover/" CUTOVER_VERSION

struct kube_client {
    pthread_mutex_t mu; /* guards easy, errbuf, rng and cfg (kube_config_token refreshes it) */
    CURL *easy;
    char errbuf[CURL_ERROR_SIZE];
    kube_config cfg;
    char *base;                    /* URL prefix of every request, no trailing slash */
    struct curl_slist *connect_to; /* tls_server_name: "sni:port:host:port" */
    char *host_header;             /* tls_server_name: "Host: <configured host>" */
    char *user_agent;
    long timeout_ms;
    int max_retries;
    co_clock *clock;
    void (*wait_until)(void *ud, int64_t when_ms);
    void *wait_ud;
    int verbose;
    int (*intercept)(void *ud, const char *method, const char *path);
    void *intercept_ud;
    kube_ratelimit rl;
    uint64_t rng; /* watch timeouts */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int64_t kube_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- kube_status ---- */

static void kube_status_set(kube_status *st, int code, const char *reason, const char *fmt, ...)
{
    st->code = code;
    st->retry_after = 0;
    snprintf(st->reason, sizeof st->reason, "%s", reason ? reason : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->message, sizeof st->message, fmt, ap);
    va_end(ap);
}

/* The reason an apiserver would have given for a bare HTTP code (apimachinery's
 * NewGenericServerResponse): used when the body is not a Status (a proxy's HTML page...). */
static const char *reason_for_code(int code)
{
    switch (code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 406: return "NotAcceptable";
    case 409: return "Conflict";
    case 410: return "Expired";
    case 413: return "RequestEntityTooLarge";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return code >= 500 ? "InternalError" : "Unknown";
    }
}

static void kube_status_from_response(kube_status *st, int code, const char *body, size_t len, int retry_after)
{
    st->code = code;
    st->retry_after = retry_after;
    cJSON *o = body && len ? cj_parse(body, len) : NULL;
    const char *kind = cj_str(o, "kind");
    if (kind && !strcmp(kind, "Status")) {
        const char *reason = cj_str(o, "reason"), *message = cj_str(o, "message");
        snprintf(st->reason, sizeof st->reason, "%s", reason && *reason ? reason : reason_for_code(code));
        snprintf(st->message, sizeof st->message, "%s", message ? message : "");
        cJSON *ra = cj_get(o, "details.retryAfterSeconds");
        if (!st->retry_after && cJSON_IsNumber(ra) && ra->valuedouble > 0)
            st->retry_after = ra->valuedouble > 86400 ? 86400 : (int)ra->valuedouble;
    } else {
        /* Not a Status: keep the start of the body, printable, so the message says something. */
        char start[201];
        size_t n = 0;
        for (size_t i = 0; body && i < len && n < sizeof start - 1; i++)
            start[n++] = isprint((unsigned char)body[i]) ? body[i] : ' ';
        size_t shown = n;
        while (n && start[n - 1] == ' ')
            n--;
        start[n] = 0;
        snprintf(st->reason, sizeof st->reason, "%s", reason_for_code(code));
        if (n)
            snprintf(st->message, sizeof st->message, "the server responded with HTTP %d: %s%s", code, start,
                     len > shown ? "..." : "");
        else
            snprintf(st->message, sizeof st->message, "the server responded with HTTP %d and no body", code);
    }
    cJSON_Delete(o);
}

/* ---- configuration ---- */

static char *dup_str(const char *s)
{
    return s ? strdup(s) : NULL;
}

static char *dup_blob(const char *p, size_t *len)
{
    if (!p)
        return NULL;
    if (!*len)
        *len = strlen(p);
    char *d = malloc(*len + 1);
    memcpy(d, p, *len);
    d[*len] = 0;
    return d;
}

static char **dup_argv(char *const *v)
{
    if (!v)
        return NULL;
    size_t n = 0;
    while (v[n])
        n++;
    char **d = calloc(n + 1, sizeof *d);
    for (size_t i = 0; i < n; i++)
        d[i] = strdup(v[i]);
    return d;
}

/* A deep copy with malloc'd members, so kube_config_free releases it like a loaded one. */
static void config_copy(kube_config *d, const kube_config *s)
{
    memset(d, 0, sizeof *d);
    d->server = dup_str(s->server);
    d->context = dup_str(s->context);
    d->namespace_ = dup_str(s->namespace_);
    d->insecure = s->insecure;
    d->tls_server_name = dup_str(s->tls_server_name);
    d->ca_len = s->ca_len;
    d->ca_pem = dup_blob(s->ca_pem, &d->ca_len);
    d->cert_len = s->cert_len;
    d->cert_pem = dup_blob(s->cert_pem, &d->cert_len);
    d->key_len = s->key_len;
    d->key_pem = dup_blob(s->key_pem, &d->key_len);
    d->token = dup_str(s->token);
    d->token_file = dup_str(s->token_file);
    d->username = dup_str(s->username);
    d->password = dup_str(s->password);
    d->exec_argv = dup_argv(s->exec_argv);
    d->exec_env = dup_argv(s->exec_env);
    d->token_expiry = s->token_expiry;
}

/* Applies the TLS settings to a handle. The PEM blobs are copied by libcurl (CURL_BLOB_COPY) and
 * never touch the disk. With a CA given, only that CA is trusted, as client-go does: the built-in
 * system bundle is switched off. tls_server_name is handled by the URL (see resolve_server). */
static CURLcode apply_tls(kube_client *c, CURL *h)
{
    const kube_config *k = &c->cfg;
    CURLcode rc = CURLE_OK;
    if (k->ca_pem) {
        struct curl_blob b = {.data = k->ca_pem, .len = k->ca_len, .flags = CURL_BLOB_COPY};
        curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
        curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
        if ((rc = curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &b)) != CURLE_OK)
            return rc;
    }
    if (k->cert_pem) {
        struct curl_blob b = {.data = k->cert_pem, .len = k->cert_len, .flags = CURL_BLOB_COPY};
        if ((rc = curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &b)) != CURLE_OK)
            return rc;
        curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
    }
    if (k->key_pem) {
        struct curl_blob b = {.data = k->key_pem, .len = k->key_len, .flags = CURL_BLOB_COPY};
        if ((rc = curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &b)) != CURLE_OK)
            return rc;
        curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
    }
    if (k->insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    return rc;
}

static void kube_setup_handle(kube_client *c, CURL *h, struct curl_slist *headers, char *errbuf)
{
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS timeouts */
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 15L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    errbuf[0] = 0;
    if (c->connect_to)
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, c->connect_to);
    apply_tls(c, h);
    if (c->cfg.username && !c->cfg.token && !c->cfg.token_file && !c->cfg.exec_argv) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC); /* sent up front, no 401 round */
        curl_easy_setopt(h, CURLOPT_USERNAME, c->cfg.username);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->cfg.password ? c->cfg.password : "");
    }
}

static int kube_build_headers(kube_client *c, const char *content_type, struct curl_slist **out, kube_status *st)
{
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "Accept: application/json");
    h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip for large bodies */
    if (content_type) {
        char ct[128];
        snprintf(ct, sizeof ct, "Content-Type: %s", content_type);
        h = curl_slist_append(h, ct);
    }
    if (c->host_header)
        h = curl_slist_append(h, c->host_header);
    /* Asked for on every request: a token file or an exec plugin's token may have rotated. */
    const char *token = NULL;
    char err[512] = "";
    if (kube_config_token(&c->cfg, &token, err, sizeof err) != 0) {
        curl_slist_free_all(h);
        kube_status_set(st, 0, "Unauthorized", "getting credentials: %s", err);
        return -1;
    }
    if (token && *token) {
        size_t n = strlen(token) + 32;
        char *auth = malloc(n);
        snprintf(auth, n, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
        /* curl copied it: wipe our copy of the secret before freeing */
        memset(auth, 0, n);
        free(auth);
    }
    *out = h;
    return 0;
}

/* Frees a header list, wiping it first: one of its lines may hold the bearer token. */
static void free_headers(struct curl_slist *h)
{
    for (struct curl_slist *l = h; l; l = l->next)
        if (l->data)
            memset(l->data, 0, strlen(l->data));
    curl_slist_free_all(h);
}

/* Picks the URL prefix requests go to. With tls_server_name the URL names that host, so SNI and
 * certificate verification use it, and CURLOPT_CONNECT_TO sends the connection to the real
 * address; the Host header keeps the configured host, as Go's tls.Config.ServerName would. */
static int resolve_server(kube_client *c, char *err, size_t errlen)
{
    const char *server = c->cfg.server;
    if (!server || !*server) {
        snprintf(err, errlen, "kube client: no server URL in the configuration");
        return -1;
    }
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *url = NULL;
    int ret = -1;
    if (curl_url_set(u, CURLUPART_URL, server, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        snprintf(err, errlen, "kube client: invalid server URL \"%s\"", server);
        goto out;
    }
    if (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")) {
        snprintf(err, errlen, "kube client: server URL \"%s\" is not http or https", server);
        goto out;
    }
    const char *sni = c->cfg.tls_server_name;
    if (sni && *sni && !strcasecmp(scheme, "https")) {
        char *explicit_port = NULL;
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
        int has_port = curl_url_get(u, CURLUPART_PORT, &explicit_port, 0) == CURLUE_OK;
        curl_free(explicit_port);
        char line[600];
        snprintf(line, sizeof line, "%s:%s:%s:%s", sni, port, host, port);
        c->connect_to = curl_slist_append(NULL, line);
        snprintf(line, sizeof line, "Host: %s%s%s", host, has_port ? ":" : "", has_port ? port : "");
        c->host_header = strdup(line);
        if (curl_url_set(u, CURLUPART_HOST, sni, 0) != CURLUE_OK) {
            snprintf(err, errlen, "kube client: invalid tls-server-name \"%s\"", sni);
            goto out;
        }
    }
    /* the path prefix (a proxy's /k8s/clusters/x) stays; query and fragment do not belong */
    curl_url_set(u, CURLUPART_QUERY, NULL, 0);
    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    curl_url_get(u, CURLUPART_URL, &url, 0);
    size_t n = strlen(url);
    while (n && url[n - 1] == '/')
        n--;
    c->base = strndup(url, n);
    ret = 0;
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(url);
    curl_url_cleanup(u);
    return ret;
}

/* Cheap checks of the PEM blobs: libcurl reads them only when it first connects, and a bad
 * configuration should fail here, with a message, rather than on every request. */
static int check_pem(const kube_config *k, char *err, size_t errlen)
{
    if (k->ca_pem && !memmem(k->ca_pem, k->ca_len, "-----BEGIN CERTIFICATE-----", 27)) {
        snprintf(err, errlen, "kube client: the certificate-authority data holds no PEM certificate");
        return -1;
    }
    if (k->cert_pem && !memmem(k->cert_pem, k->cert_len, "-----BEGIN CERTIFICATE-----", 27)) {
        snprintf(err, errlen, "kube client: the client-certificate data holds no PEM certificate");
        return -1;
    }
    if (k->key_pem && !memmem(k->key_pem, k->key_len, "PRIVATE KEY-----", 16)) {
        snprintf(err, errlen, "kube client: the client-key data holds no PEM private key");
        return -1;
    }
    if (!k->cert_pem != !k->key_pem) {
        snprintf(err, errlen, "kube client: a client certificate needs its key and a key its certificate");
        return -1;
    }
    return 0;
}

kube_client *kube_client_new(const kube_config *cfg, const kube_client_opts *opts, char *err, size_t errlen)
{
    pthread_once(&curl_once, curl_init_once);
    if (!cfg) {
        snprintf(err, errlen, "kube client: no configuration");
        return NULL;
    }
    kube_client_opts none = {0};
    if (!opts)
        opts = &none;
    kube_client *c = calloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    config_copy(&c->cfg, cfg);
    c->clock = opts->clock ? opts->clock : co_clock_real();
    /* qps 0 = client-go's 5; a negative qps (beyond the header's contract) turns throttling off */
    kube_rl_init(&c->rl, opts->qps ? opts->qps : 5, opts->burst > 0 ? opts->burst : 10, co_clock_now_ms(c->clock));
    if (check_pem(&c->cfg, err, errlen) != 0 || resolve_server(c, err, errlen) != 0)
        goto fail;
    c->user_agent = strdup(opts->user_agent && *opts->user_agent ? opts->user_agent : KUBE_USER_AGENT);
    c->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 30000;
    c->max_retries = opts->max_retries == 0 ? 5 : opts->max_retries < 0 ? 0 : opts->max_retries;
    c->wait_until = opts->wait_until;
    c->wait_ud = opts->wait_ud;
    c->verbose = opts->verbose;
    c->intercept = opts->intercept;
    c->intercept_ud = opts->intercept_ud;
    /* Seeded from the clock: a virtual-time run picks the same watch timeouts every time. */
    c->rng = (uint64_t)co_clock_now_ms(c->clock) * 0x9E3779B97F4A7C15ull + 1;
    c->easy = curl_easy_init();
    if (!c->easy) {
        snprintf(err, errlen, "kube client: curl_easy_init failed");
        goto fail;
    }
    CURLcode rc = apply_tls(c, c->easy);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "kube client: libcurl cannot take in-memory TLS credentials: %s",
                 curl_easy_strerror(rc));
        goto fail;
    }
    return c;
fail:
    kube_client_free(c);
    return NULL;
}

void kube_client_free(kube_client *c)
{
    if (!c)
        return;
    if (c->easy)
        curl_easy_cleanup(c->easy);
    curl_slist_free_all(c->connect_to);
    free(c->host_header);
    free(c->base);
    free(c->user_agent);
    kube_config_free(&c->cfg); /* wipes the key, token and password */
    kube_rl_destroy(&c->rl);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

void kube_client_set_user_agent(kube_client *c, const char *user_agent)
{
    pthread_mutex_lock(&c->mu);
    free(c->user_agent);
    c->user_agent = strdup(user_agent && *user_agent ? user_agent : KUBE_USER_AGENT);
    pthread_mutex_unlock(&c->mu);
}

const char *kube_client_namespace(const kube_client *c)
{
    return c->cfg.namespace_ && *c->cfg.namespace_ ? c->cfg.namespace_ : "default";
}

/* ---- waiting: rate limit and backoff ---- */

static void kube_wait(kube_client *c, int64_t when_ms)
{
    if (c->wait_until)
        c->wait_until(c->wait_ud, when_ms);
    else
        kube_wait_default(c->clock, when_ms);
}

static void kube_throttle(kube_client *c, const char *method, const char *path)
{
    int64_t now = co_clock_now_ms(c->clock);
    int64_t due = kube_rl_reserve(&c->rl, now);
    if (due <= now)
        return;
    if (c->verbose && due - now >= 1000)
        fprintf(stderr, "kube: waited %lldms for client-side throttling: %s %s\n", (long long)(due - now), method,
                path);
    kube_wait(c, due);
}

static long kube_watch_timeout_seconds(kube_client *c)
{
    pthread_mutex_lock(&c->mu);
    c->rng ^= c->rng << 13;
    c->rng ^= c->rng >> 7;
    c->rng ^= c->rng << 17;
    long s = 300 + (long)(c->rng % 301);
    pthread_mutex_unlock(&c->mu);
    return s;
}

/* ---- one request ---- */

typedef struct {
    co_buf body;
    int retry_after;
} response;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    response *r = ud;
    co_buf_add(&r->body, p, sz * n);
    return sz * n;
}

static int kube_parse_retry_after(const char *line, size_t len)
{
    if (len < 12 || strncasecmp(line, "Retry-After:", 12))
        return -1;
    /* delta-seconds only; an HTTP-date (which apiservers never send) counts as absent */
    long v = 0;
    size_t i = 12;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i >= len || !isdigit((unsigned char)line[i]))
        return 0;
    for (; i < len && isdigit((unsigned char)line[i]) && v < 86400; i++)
        v = v * 10 + (line[i] - '0');
    return (int)v;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    response *r = ud;
    size_t len = sz * n;
    if (len > 5 && !strncmp(p, "HTTP/", 5))
        r->retry_after = 0; /* a new response (after a 100 Continue): forget the last one's */
    int ra = kube_parse_retry_after(p, len);
    if (ra >= 0)
        r->retry_after = ra;
    return len;
}

static bool method_is(const char *m, const char *x)
{
    return !strcmp(m, x);
}

/* The transport errors worth another try: the server was unreachable or the connection broke.
 * Certificate and configuration errors would fail the same way again. */
static bool transport_retriable(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR: /* also a server restarting mid-handshake; a bad certificate has
                                     codes of its own (CURLE_PEER_FAILED_VERIFICATION...) */
        return true;
    default:
        return false;
    }
}

/* Performs one request on the client's handle. Returns the parsed body on 2xx, else NULL with st
 * filled; *retriable_transport says whether a transport error may be retried. */
static cJSON *perform(kube_client *c, const char *method, const char *path, const char *content_type,
                      const char *body, kube_status *st, bool *retriable_transport)
{
    memset(st, 0, sizeof *st);
    *retriable_transport = false;
    if (body && !content_type)
        content_type = "application/json";
    response resp = {0};
    int64_t t0 = kube_mono_ms();
    size_t ulen = strlen(c->base) + strlen(path) + 1;
    char *url = malloc(ulen);
    snprintf(url, ulen, "%s%s", c->base, path);

    pthread_mutex_lock(&c->mu);
    struct curl_slist *headers = NULL;
    if (kube_build_headers(c, content_type, &headers, st) != 0) {
        pthread_mutex_unlock(&c->mu);
        free(url);
        return NULL;
    }
    CURL *h = c->easy;
    /* Reset, then set everything again: no option of the previous request (a body, a method)
     * can leak into this one. Live connections, TLS sessions and DNS survive a reset. */
    curl_easy_reset(h);
    kube_setup_handle(c, h, headers, c->errbuf);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* gzip for large lists, like client-go */
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &resp);
    bool sends_body = body || method_is(method, "POST") || method_is(method, "PUT") || method_is(method, "PATCH");
    if (method_is(method, "GET")) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (method_is(method, "HEAD")) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
        if (sends_body) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? strlen(body) : 0));
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
        }
        if (!method_is(method, "POST"))
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    }
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK)
        kube_status_set(st, 0, "TransportError", "%s %s: %s", method, url,
                        c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
    /* drop the pointers into this call's memory (headers, body) before letting go of the handle */
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
    pthread_mutex_unlock(&c->mu);
    free_headers(headers);

    cJSON *out = NULL;
    if (rc != CURLE_OK) {
        *retriable_transport = transport_retriable(rc);
    } else if (code >= 200 && code < 300) {
        st->code = (int)code;
        out = resp.body.len ? cj_parse(resp.body.data, resp.body.len) : cJSON_CreateObject();
        if (!out) {
            kube_status_set(st, 0, "InvalidResponse", "%s %s: HTTP %ld with a body that is not JSON", method, url,
                            code);
            *retriable_transport = true;
        }
    } else {
        kube_status_from_response(st, (int)code, resp.body.data, resp.body.len, resp.retry_after);
    }
    if (c->verbose) {
        if (st->code)
            fprintf(stderr, "kube: %s %s %d%s%s %lldms\n", method, url, st->code, out ? "" : " ", out ? "" : st->reason,
                    (long long)(kube_mono_ms() - t0));
        else
            fprintf(stderr, "kube: %s %s failed: %s %lldms\n", method, url, st->message,
                    (long long)(kube_mono_ms() - t0));
    }
    co_buf_free(&resp.body);
    free(url);
    return out;
}

/* 429 always: the server promises it did nothing. 5xx and broken connections only for verbs
 * that are safe to repeat; a POST or PATCH might have been applied before the failure. */
static bool retriable(const char *method, const kube_status *st, bool transport)
{
    if (st->code == 429)
        return true;
    bool idempotent = method_is(method, "GET") || method_is(method, "HEAD") || method_is(method, "PUT") ||
                      method_is(method, "DELETE");
    if (!idempotent)
        return false;
    if (st->code == 0)
        return transport;
    return st->code == 500 || st->code == 502 || st->code == 503 || st->code == 504;
}

cJSON *kube_request(kube_client *c, const char *method, const char *path, const char *content_type,
                    const char *body, kube_status *st)
{
    if (c->intercept && c->intercept(c->intercept_ud, method, path)) {
        memset(st, 0, sizeof *st);
        snprintf(st->message, sizeof st->message, "%s %s: refused before sending", method, path);
        return NULL;
    }
    for (int attempt = 0;; attempt++) {
        kube_throttle(c, method, path);
        bool transport;
        cJSON *o = perform(c, method, path, content_type, body, st, &transport);
        if (o)
            return o;
        if (attempt >= c->max_retries || !retriable(method, st, transport))
            return NULL;
        /* Retry-After when the server gave one, else 1 s doubling to 30 s */
        int64_t delay = st->retry_after > 0 ? (int64_t)st->retry_after * 1000
                                            : (attempt < 5 ? 1000LL << attempt : 30000);
        if (delay > 30000 && st->retry_after <= 0)
            delay = 30000;
        if (c->verbose)
            fprintf(stderr, "kube: retrying %s %s in %lldms (attempt %d of %d): %d %s\n", method, path,
                    (long long)delay, attempt + 2, c->max_retries + 1, st->code, st->reason);
        kube_wait(c, co_clock_now_ms(c->clock) + delay);
    }
}

/* ---- paths and queries ---- */

static void path_add(char *buf, size_t n, size_t *len, const char *fmt, const char *s)
{
    if (*len >= n)
        return;
    int k = snprintf(buf + *len, n - *len, fmt, s);
    if (k > 0)
        *len += (size_t)k;
}

char *kube_path(const kube_gvr *r, const char *ns, const char *name, const char *sub, char *buf, size_t n)
{
    size_t len = 0;
    if (!n)
        return buf;
    buf[0] = 0;
    const char *version = r->version && *r->version ? r->version : "v1";
    if (!r->group || !*r->group)
        path_add(buf, n, &len, "/api/%s", version);
    else {
        path_add(buf, n, &len, "/apis/%s", r->group);
        path_add(buf, n, &len, "/%s", version);
    }
    /* namespaces and names are escaped: a '/' or '?' in one must not address another URL */
    if (r->namespaced && ns && *ns) {
        char *e = curl_easy_escape(NULL, ns, 0);
        path_add(buf, n, &len, "/namespaces/%s", e ? e : "");
        curl_free(e);
    }
    path_add(buf, n, &len, "/%s", r->resource);
    if (name && *name) {
        char *e = curl_easy_escape(NULL, name, 0);
        path_add(buf, n, &len, "/%s", e ? e : "");
        curl_free(e);
    }
    if (sub && *sub)
        path_add(buf, n, &len, "/%s", sub);
    return buf;
}

static void kube_query_add(co_buf *q, const char *key, const char *value)
{
    if (!value)
        return;
    char *e = curl_easy_escape(NULL, value, 0);
    co_buf_printf(q, "%c%s=%s", strchr(q->data ? q->data : "", '?') ? '&' : '?', key, e ? e : "");
    curl_free(e);
}

static const char *object_ns(kube_client *c, const char *ns, const cJSON *obj)
{
    if (ns && *ns)
        return ns;
    const char *m = cj_str(obj, "metadata.namespace");
    return m && *m ? m : kube_client_namespace(c);
}

static const char *named_ns(kube_client *c, const char *ns)
{
    return ns && *ns ? ns : kube_client_namespace(c);
}

/* ---- verbs ---- */

cJSON *kube_get(kube_client *c, const kube_gvr *r, const char *ns, const char *name, kube_status *st)
{
    char path[1024];
    kube_path(r, named_ns(c, ns), name, NULL, path, sizeof path);
    return kube_request(c, "GET", path, NULL, NULL, st);
}

cJSON *kube_list(kube_client *c, const kube_gvr *r, const char *ns, const kube_list_opts *o, kube_status *st)
{
    kube_list_opts none = {0};
    if (!o)
        o = &none;
    char base[1024];
    kube_path(r, ns, NULL, NULL, base, sizeof base);
    long limit = o->limit;
    bool restarted = false;
    for (;;) {
        cJSON *list = NULL;
        char *cont = NULL;
        bool expired = false;
        for (;;) {
            co_buf q = {0};
            co_buf_adds(&q, base);
            kube_query_add(&q, "labelSelector", o->label_selector && *o->label_selector ? o->label_selector : NULL);
            kube_query_add(&q, "fieldSelector", o->field_selector && *o->field_selector ? o->field_selector : NULL);
            if (limit > 0) {
                char l[24];
                snprintf(l, sizeof l, "%ld", limit);
                kube_query_add(&q, "limit", l);
            }
            /* continue pages carry no resourceVersion: the token pins the snapshot (and the
             * apiserver rejects both together) */
            if (cont)
                kube_query_add(&q, "continue", cont);
            else if (o->resource_version && *o->resource_version)
                kube_query_add(&q, "resourceVersion", o->resource_version);
            cJSON *page = kube_request(c, "GET", q.data, NULL, NULL, st);
            co_buf_free(&q);
            if (page && !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(page, "items"))) {
                /* a list always carries items, [] when empty: anything else is not a list */
                cJSON_Delete(page);
                page = NULL;
                st->code = 0;
                snprintf(st->reason, sizeof st->reason, "InvalidResponse");
                snprintf(st->message, sizeof st->message, "the list response has no items array");
            }
            if (!page) {
                expired = cont && st->code == 410;
                free(cont);
                cJSON_Delete(list);
                list = NULL;
                break;
            }
            const char *next = cj_str(page, "metadata.continue");
            bool same = cont && next && !strcmp(cont, next); /* a server repeating itself: stop */
            free(cont);
            cont = next && *next && !same ? strdup(next) : NULL;
            if (!list) {
                list = page;
            } else {
                cJSON *dst = cJSON_GetObjectItemCaseSensitive(list, "items");
                cJSON *src = cJSON_GetObjectItemCaseSensitive(page, "items"), *it;
                while (cJSON_IsArray(src) && (it = cJSON_DetachItemFromArray(src, 0)))
                    cJSON_AddItemToArray(dst, it);
                cJSON_Delete(page);
            }
            if (!cont)
                break;
        }
        if (list) {
            /* one list now: the paging fields describe nothing; the first page's RV stays */
            cJSON *md = cJSON_GetObjectItemCaseSensitive(list, "metadata");
            cJSON_DeleteItemFromObjectCaseSensitive(md, "continue");
            cJSON_DeleteItemFromObjectCaseSensitive(md, "remainingItemCount");
            return list;
        }
        /* The snapshot behind a continue token expired: start over once, unpaged, which the
         * server answers from one consistent read. */
        if (!expired || restarted)
            return NULL;
        if (c->verbose)
            fprintf(stderr, "kube: list %s: continue token expired, listing again without paging\n", base);
        restarted = true;
        limit = 0;
    }
}

static cJSON *send_object(kube_client *c, const char *method, const kube_gvr *r, const char *ns, const cJSON *obj,
                          bool named, const char *sub, kube_status *st)
{
    const char *name = cj_str(obj, "metadata.name");
    if (named && (!name || !*name)) {
        kube_status_set(st, 0, "Invalid", "%s %s: the object has no metadata.name", method, r->resource);
        return NULL;
    }
    char path[1024];
    kube_path(r, object_ns(c, ns, obj), named ? name : NULL, sub, path, sizeof path);
    char *body = cJSON_PrintUnformatted(obj);
    cJSON *out = kube_request(c, method, path, "application/json", body, st);
    free(body);
    return out;
}

cJSON *kube_create(kube_client *c, const kube_gvr *r, const char *ns, const cJSON *obj, kube_status *st)
{
    return send_object(c, "POST", r, ns, obj, false, NULL, st);
}

cJSON *kube_update(kube_client *c, const kube_gvr *r, const char *ns, const cJSON *obj, kube_status *st)
{
    return send_object(c, "PUT", r, ns, obj, true, NULL, st);
}

cJSON *kube_update_status(kube_client *c, const kube_gvr *r, const char *ns, const cJSON *obj, kube_status *st)
{
    return send_object(c, "PUT", r, ns, obj, true, "status", st);
}

/* Without a name, a path addresses the whole collection: a patch or delete must never do that
 * by accident. */
static bool refuse_unnamed(const char *name, const char *verb, kube_status *st)
{
    if (name && *name)
        return false;
    memset(st, 0, sizeof *st);
    st->code = 400;
    snprintf(st->reason, sizeof st->reason, "BadRequest");
    snprintf(st->message, sizeof st->message, "%s needs an object name", verb);
    return true;
}

cJSON *kube_patch(kube_client *c, const kube_gvr *r, const char *ns, const char *name, kube_patch_type type,
                  const char *patch, const char *subresource, kube_status *st)
{
    const char *ct = type == KUBE_PATCH_JSON        ? "application/json-patch+json"
                     : type == KUBE_PATCH_STRATEGIC ? "application/strategic-merge-patch+json"
                                                    : "application/merge-patch+json";
    if (refuse_unnamed(name, "patch", st))
        return NULL;
    char path[1024];
    kube_path(r, named_ns(c, ns), name, subresource, path, sizeof path);
    return kube_request(c, "PATCH", path, ct, patch ? patch : "{}", st);
}

cJSON *kube_delete(kube_client *c, const kube_gvr *r, const char *ns, const char *name, const kube_delete_opts *o,
                   kube_status *st)
{
    if (refuse_unnamed(name, "delete", st))
        return NULL;
    char path[1024];
    kube_path(r, named_ns(c, ns), name, NULL, path, sizeof path);
    /* DeleteOptions in the body, as kubectl and client-go send them */
    co_buf b = {0};
    co_buf_adds(&b, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\"");
    if (o && o->propagation && *o->propagation) {
        co_buf_adds(&b, ",\"propagationPolicy\":");
        co_buf_json_str(&b, o->propagation);
    }
    /* client.h: NULL is the server's default */
    if (o && o->grace_period_seconds)
        co_buf_printf(&b, ",\"gracePeriodSeconds\":%ld", *o->grace_period_seconds);
    bool uid = o && o->precondition_uid && *o->precondition_uid, rv = o && o->precondition_rv && *o->precondition_rv;
    if (uid || rv) {
        co_buf_adds(&b, ",\"preconditions\":{");
        if (uid) {
            co_buf_adds(&b, "\"uid\":");
            co_buf_json_str(&b, o->precondition_uid);
        }
        if (rv) {
            co_buf_adds(&b, uid ? ",\"resourceVersion\":" : "\"resourceVersion\":");
            co_buf_json_str(&b, o->precondition_rv);
        }
        co_buf_adds(&b, "}");
    }
    co_buf_adds(&b, "}");
    cJSON *out = kube_request(c, "DELETE", path, "application/json", b.data, st);
    co_buf_free(&b);
    return out;
}

/* ---- watches ----
 *
 * Each watch has its own easy handle (its own connection: a watch holds it for minutes) driven
 * by its own multi handle, so kube_watch_next can wait with a timeout rather than block in
 * curl_easy_perform. The body is newline-delimited JSON; the write callback appends to a buffer
 * and events are cut from it one line at a time.
 *
 * kube_watch_fd: the watch records the sockets libcurl opens and closes for it (sockopt and
 * closesocket callbacks); once connected exactly one remains, and that is the descriptor. It is
 * -1 before the connection exists or while happy eyeballs still races two. Readable means "call
 * kube_watch_next": after a wakeup a driver calls kube_watch_next(w, 0, ...) until it returns 0,
 * because one read may bring several events (and TLS may buffer more than the socket shows). */

#define WATCH_MAX_SOCKS 4

struct kube_watch {
    kube_client *c;
    CURLM *multi;
    CURL *easy;
    struct curl_slist *headers;
    char *url;
    char errbuf[CURL_ERROR_SIZE];
    co_buf buf;
    size_t off;         /* start of the unread part of buf */
    long code;          /* HTTP status of the response */
    int retry_after;
    bool headers_done;  /* a final (non-1xx) response's headers have all arrived */
    bool done;          /* the transfer has ended; result says how */
    CURLcode result;
    bool ended;         /* -1 was returned: the stream is over, for the reason in end */
    kube_status end;
    int socks[WATCH_MAX_SOCKS];
    int nsocks;
    int64_t opened_ms;
};

/* No watch event comes near this (objects are at most 1.5 MB): a server sending more without a
 * newline is broken or hostile, and the stream is cut rather than grown without end. */
#define WATCH_MAX_PENDING (64u << 20)

static size_t on_watch_body(char *p, size_t sz, size_t n, void *ud)
{
    kube_watch *w = ud;
    if (w->buf.len - w->off + sz * n > WATCH_MAX_PENDING)
        return 0; /* curl ends the transfer with a write error: the stream is over */
    co_buf_add(&w->buf, p, sz * n);
    return sz * n;
}

static size_t on_watch_header(char *p, size_t sz, size_t n, void *ud)
{
    kube_watch *w = ud;
    size_t len = sz * n;
    if (len > 5 && !strncmp(p, "HTTP/", 5)) {
        /* "HTTP/1.1 200 OK" or "HTTP/2 200": the code follows the first space */
        const char *sp = memchr(p, ' ', len);
        w->code = sp ? strtol(sp + 1, NULL, 10) : 0;
        w->retry_after = 0;
    } else if ((len == 2 && p[0] == '\r') || (len == 1 && p[0] == '\n')) {
        if (w->code >= 200)
            w->headers_done = true;
    } else {
        int ra = kube_parse_retry_after(p, len);
        if (ra >= 0)
            w->retry_after = ra;
    }
    return len;
}

static int on_watch_sockopt(void *ud, curl_socket_t fd, curlsocktype purpose)
{
    kube_watch *w = ud;
    if (purpose == CURLSOCKTYPE_IPCXN && w->nsocks < WATCH_MAX_SOCKS)
        w->socks[w->nsocks++] = fd;
    return CURL_SOCKOPT_OK;
}

static int on_watch_closesocket(void *ud, curl_socket_t fd)
{
    kube_watch *w = ud;
    for (int i = 0; i < w->nsocks; i++)
        if (w->socks[i] == fd) {
            w->socks[i] = w->socks[--w->nsocks];
            break;
        }
    return close(fd);
}

/* Runs the transfer: waits up to wait_ms for activity first when wait_ms > 0. */
static void watch_drive(kube_watch *w, int wait_ms)
{
    int running = 0;
    if (wait_ms > 0)
        curl_multi_poll(w->multi, NULL, 0, wait_ms, NULL);
    curl_multi_perform(w->multi, &running);
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(w->multi, &left)))
        if (m->msg == CURLMSG_DONE && m->easy_handle == w->easy) {
            w->done = true;
            w->result = m->data.result;
        }
}

static void watch_free(kube_watch *w)
{
    if (w->multi && w->easy)
        curl_multi_remove_handle(w->multi, w->easy);
    if (w->easy)
        curl_easy_cleanup(w->easy);
    /* the multi's connection cache closes the socket through on_watch_closesocket: w lives on */
    if (w->multi)
        curl_multi_cleanup(w->multi);
    free_headers(w->headers);
    co_buf_free(&w->buf);
    free(w->url);
    free(w);
}

kube_watch *kube_watch_open(kube_client *c, const kube_gvr *r, const char *ns, const kube_watch_opts *o,
                            kube_status *st)
{
    memset(st, 0, sizeof *st);
    kube_watch_opts none = {0};
    if (!o)
        o = &none;
    char path[1024];
    kube_path(r, ns, NULL, NULL, path, sizeof path);
    co_buf q = {0};
    co_buf_adds(&q, path);
    kube_query_add(&q, "watch", "1");
    if (o->resource_version && *o->resource_version)
        kube_query_add(&q, "resourceVersion", o->resource_version);
    if (o->bookmarks)
        kube_query_add(&q, "allowWatchBookmarks", "true");
    char ts[24];
    snprintf(ts, sizeof ts, "%ld", o->timeout_seconds > 0 ? o->timeout_seconds : kube_watch_timeout_seconds(c));
    kube_query_add(&q, "timeoutSeconds", ts);
    kube_query_add(&q, "labelSelector", o->label_selector && *o->label_selector ? o->label_selector : NULL);
    kube_query_add(&q, "fieldSelector", o->field_selector && *o->field_selector ? o->field_selector : NULL);

    kube_throttle(c, "WATCH", q.data);
    kube_watch *w = calloc(1, sizeof *w);
    w->c = c;
    size_t ulen = strlen(c->base) + q.len + 1;
    w->url = malloc(ulen);
    snprintf(w->url, ulen, "%s%s", c->base, q.data);
    co_buf_free(&q);
    w->opened_ms = kube_mono_ms();

    pthread_mutex_lock(&c->mu);
    int hrc = kube_build_headers(c, NULL, &w->headers, st);
    if (hrc == 0) {
        w->easy = curl_easy_init();
        kube_setup_handle(c, w->easy, w->headers, w->errbuf);
    }
    pthread_mutex_unlock(&c->mu);
    if (hrc != 0 || !w->easy) {
        if (hrc == 0)
            kube_status_set(st, 0, "TransportError", "watch %s: curl_easy_init failed", w->url);
        watch_free(w);
        return NULL;
    }
    CURL *h = w->easy;
    curl_easy_setopt(h, CURLOPT_URL, w->url);
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_watch_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, w);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_watch_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, w);
    curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, on_watch_sockopt);
    curl_easy_setopt(h, CURLOPT_SOCKOPTDATA, w);
    curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, on_watch_closesocket);
    curl_easy_setopt(h, CURLOPT_CLOSESOCKETDATA, w);
    /* The server ends the stream at timeoutSeconds; a minute past that the connection is
     * presumed dead (TCP keepalive catches most of those sooner). */
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (atol(ts) + 60) * 1000L);
    w->multi = curl_multi_init();
    curl_multi_add_handle(w->multi, h);

    /* Wait for the response headers (the apiserver flushes them at once), then for an error's
     * whole body: an HTTP error (403, 410...) means no watch, with the Status in st. */
    int64_t deadline = w->opened_ms + c->timeout_ms;
    bool first = true;
    while (!w->done && (!w->headers_done || w->code < 200 || w->code >= 300)) {
        int64_t left = deadline - kube_mono_ms();
        if (left <= 0)
            break;
        watch_drive(w, first ? 0 : (int)(left < 1000 ? left : 1000));
        first = false;
    }
    if (w->headers_done && w->code >= 200 && w->code < 300) {
        st->code = (int)w->code;
        if (c->verbose)
            fprintf(stderr, "kube: WATCH %s %ld %lldms\n", w->url, w->code, (long long)(kube_mono_ms() - w->opened_ms));
        return w;
    }
    if (w->headers_done && w->done && w->result == CURLE_OK)
        kube_status_from_response(st, (int)w->code, w->buf.data, w->buf.len, w->retry_after);
    else if (w->done)
        kube_status_set(st, 0, "TransportError", "watch %s: %s", w->url,
                        w->errbuf[0] ? w->errbuf : curl_easy_strerror(w->result));
    else
        kube_status_set(st, 0, "TransportError", "watch %s: no response within %ld ms", w->url, c->timeout_ms);
    if (c->verbose)
        fprintf(stderr, "kube: WATCH %s failed: %d %s %s\n", w->url, st->code, st->reason, st->message);
    watch_free(w);
    return NULL;
}

/* Cuts the next line from the buffer and decodes it: 1 with an event, 0 when no whole line is
 * buffered, -1 on a line that is not a watch event. */
static int watch_pop(kube_watch *w, char type[16], cJSON **obj, kube_status *st)
{
    for (;;) {
        char *start = w->buf.data ? w->buf.data + w->off : NULL;
        size_t avail = w->buf.len - w->off;
        char *nl = avail ? memchr(start, '\n', avail) : NULL;
        if (!nl) {
            /* keep the buffer from growing: move the partial line to the front */
            if (w->off && w->off == w->buf.len) {
                w->buf.len = w->off = 0;
                w->buf.data[0] = 0;
            } else if (w->off > 65536 && w->off > w->buf.len / 2) {
                memmove(w->buf.data, start, avail);
                w->buf.len = avail;
                w->buf.data[avail] = 0;
                w->off = 0;
            }
            return 0;
        }
        size_t len = (size_t)(nl - start);
        w->off += len + 1;
        while (len && isspace((unsigned char)*start))
            start++, len--;
        while (len && isspace((unsigned char)start[len - 1]))
            len--;
        if (!len)
            continue; /* blank lines between events are harmless */
        cJSON *ev = cj_parse(start, len);
        const char *t = cj_str(ev, "type");
        if (!t || !*t || strlen(t) >= 16) {
            kube_status_set(st, 0, "InvalidResponse", "watch %s: not a watch event: %.200s", w->url, start);
            cJSON_Delete(ev);
            return -1;
        }
        snprintf(type, 16, "%s", t);
        *obj = cJSON_DetachItemFromObjectCaseSensitive(ev, "object");
        if (!*obj)
            *obj = cJSON_CreateObject();
        cJSON_Delete(ev);
        if (!strcmp(type, "ERROR")) {
            /* the object is a Status (410 Expired after compaction...): st carries it too */
            cJSON *code = cJSON_GetObjectItemCaseSensitive(*obj, "code");
            char *s = cJSON_PrintUnformatted(*obj);
            kube_status_from_response(st, cJSON_IsNumber(code) ? (int)code->valuedouble : 500, s, strlen(s), 0);
            free(s);
        } else {
            memset(st, 0, sizeof *st);
            st->code = 200;
        }
        return 1;
    }
}

int kube_watch_next(kube_watch *w, int timeout_ms, char type[16], cJSON **obj, kube_status *st)
{
    *obj = NULL;
    type[0] = 0;
    if (w->ended) {
        *st = w->end;
        return -1;
    }
    int64_t deadline = kube_mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    bool first = true;
    for (;;) {
        int r = watch_pop(w, type, obj, st);
        if (r > 0)
            return 1;
        if (r < 0) {
            w->ended = true;
            w->end = *st;
            return -1;
        }
        if (w->done) {
            /* a last event without its newline still counts */
            if (w->buf.len > w->off) {
                co_buf_add(&w->buf, "\n", 1);
                continue;
            }
            w->ended = true;
            if (w->result == CURLE_OK)
                kube_status_set(st, 200, "Closed", "watch %s: the server closed the stream", w->url);
            else
                kube_status_set(st, 0, "TransportError", "watch %s: %s", w->url,
                                w->errbuf[0] ? w->errbuf : curl_easy_strerror(w->result));
            w->end = *st;
            if (w->c->verbose)
                fprintf(stderr, "kube: WATCH %s ended: %d %s after %lldms\n", w->url, st->code, st->reason,
                        (long long)(kube_mono_ms() - w->opened_ms));
            return -1;
        }
        int64_t left = deadline - kube_mono_ms();
        if (!first && left <= 0) {
            memset(st, 0, sizeof *st);
            return 0;
        }
        /* the first round only reads what has arrived; later ones wait for more */
        watch_drive(w, first ? 0 : (int)(left > INT32_MAX ? INT32_MAX : left));
        first = false;
    }
}

int kube_watch_fd(kube_watch *w)
{
    return w->nsocks == 1 ? w->socks[0] : -1;
}

void kube_watch_close(kube_watch *w)
{
    if (!w)
        return;
    if (w->c->verbose && !w->ended)
        fprintf(stderr, "kube: WATCH %s closed by the client after %lldms\n", w->url,
                (long long)(kube_mono_ms() - w->opened_ms));
    watch_free(w);
}
