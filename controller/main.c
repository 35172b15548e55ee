/* main.c: the cutover-controller executable, the counterpart of Argo's rollouts-controller. It
 * owns what a process needs around the reconcile (librollouts, controller/rollout/controller.h):
 * the flags, the kubeconfig and the API clients, a fail-fast probe of the API server, Lease leader
 * election, the /healthz and /readyz server, structured logs on stderr, and a clean stop on
 * SIGINT/SIGTERM.
 *
 * Threads: main parses, probes, then loops on signals (sigtimedwait; SIGINT and SIGTERM are
 * blocked in every thread, so no handler runs anywhere) and ticks the leader election. One
 * controller thread syncs the informers (kube_controller_pump until every informer has listed)
 * and then runs kube_controller_run with --rollout-threads workers until the stop flag is set.
 * libmicrohttpd's own thread answers the health checks from two atomics. The leader election
 * and the probe use their own clients, so a lease renewal never queues behind the workers'
 * requests on the shared client's one connection. */
#include "controller/kube/client.h"
#include "controller/kube/config.h"
#include "controller/kube/leader.h"
#include "controller/kube/runtime.h"
#include "controller/rollout/controller.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef CUTOVER_VERSION
#define CUTOVER_VERSION "0.1.0"
#endif

#define PROG "cutover-controller"
#define LEASE_NAME "argo-rollouts-controller-lock" /* Argo's defaultLeaderElectionLeaseLockName */
#define DEFAULT_LEADER_NS "argo-rollouts"
#define STARTUP_DEADLINE_MS 10000 /* the first list must reach the server within this */

/* ---------------------------------------------------------------------------------------------
 * Flags
 * ------------------------------------------------------------------------------------------- */

typedef struct {
    const char *kubeconfig, *context, *namespace_, *instance_id;
    bool leader_elect;
    const char *leader_ns;
    const char *healthz_addr;
    ro_log_level log_level;
    int threads;
    double qps;
    int burst;
    long resync_s;
} flags;

static int split_addr(const char *addr, char host[256], long *port);
static bool health_disabled(const char *addr);

static void usage(FILE *out)
{
    fprintf(out,
            "usage: " PROG " [flags]\n"
            "\n"
            "Reconciles argoproj.io/v1alpha1 Rollouts (blue/green and canary) on the cluster the\n"
            "kubeconfig names, as Argo Rollouts' rollouts-controller does.\n"
            "\n"
            "Flags:\n"
            "  --kubeconfig FILE                  kubeconfig to use (default: $KUBECONFIG, ~/.kube/config,\n"
            "                                     then the in-cluster service account)\n"
            "  --context NAME                     kubeconfig context (default: the current context)\n"
            "  --namespace NS                     watch only this namespace (default: all namespaces)\n"
            "  --instance-id ID                   only rollouts labelled\n"
            "                                     argo-rollouts.argoproj.io/controller-instance-id=ID\n"
            "  --leader-elect[=true|false]        act only while holding the Lease " LEASE_NAME "\n"
            "                                     (default false)\n"
            "  --leader-election-namespace NS     the Lease's namespace (default: --namespace, else\n"
            "                                     " DEFAULT_LEADER_NS ")\n"
            "  --healthz-addr HOST:PORT           serve /healthz and /readyz here (default 127.0.0.1:8080;\n"
            "                                     \"\" or 0 disables)\n"
            "  --loglevel LEVEL                   debug, info, warn or error (default info)\n"
            "  --rollout-threads N                reconcile workers (default 10)\n"
            "  --rollout-resync SECONDS           informer resync period (default 900)\n"
            "  --qps Q                            client-side rate limit to the API server (default 40)\n"
            "  --burst B                          client-side burst (default 80)\n"
            "  --version                          print the version and exit\n"
            "  -h, --help                         print this help and exit\n"
            "\n"
            "Exit status: 0 after SIGINT or SIGTERM, 1 when the API server cannot be used or\n"
            "leadership is lost, 2 on bad flags.\n");
}

/* Prints one line naming what is wrong, then the usage, on stderr, and exits 2. */
static void bad_flag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(PROG ": ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n\n", stderr);
    usage(stderr);
    exit(2);
}

static long parse_long(const char *flag, const char *v, long min, long max)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (!*v || *end || errno || n < min || n > max)
        bad_flag("%s %s: expected an integer from %ld to %ld", flag, v, min, max);
    return n;
}

static void parse_flags(int argc, char **argv, flags *f)
{
    *f = (flags){.healthz_addr = "127.0.0.1:8080", .log_level = RO_LOG_INFO, .threads = 10, .qps = 40, .burst = 80,
                 .resync_s = 15 * 60};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        }
        if (!strcmp(a, "--version")) {
            printf(PROG " %s\n", CUTOVER_VERSION);
            exit(0);
        }
        if (strncmp(a, "--", 2) || !a[2])
            bad_flag("unexpected argument \"%s\"", a);
        /* --name=value or --name value */
        char name[64];
        const char *eq = strchr(a, '='), *v = NULL;
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
        if (nlen >= sizeof name)
            bad_flag("unknown flag: %s", a);
        memcpy(name, a, nlen);
        name[nlen] = 0;
        if (!strcmp(name, "--leader-elect")) { /* a boolean: only --leader-elect=false takes a value */
            if (!eq || !strcmp(eq + 1, "true"))
                f->leader_elect = true;
            else if (!strcmp(eq + 1, "false"))
                f->leader_elect = false;
            else
                bad_flag("--leader-elect=%s: expected true or false", eq + 1);
            continue;
        }
        static const char *const with_value[] = {
            "--kubeconfig", "--context",         "--namespace",      "--instance-id", "--leader-election-namespace",
            "--healthz-addr", "--loglevel",      "--rollout-threads", "--qps",        "--burst",
            "--rollout-resync",
        };
        bool known = false;
        for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
            known |= !strcmp(name, with_value[k]);
        if (!known)
            bad_flag("unknown flag: %s", name);
        if (eq)
            v = eq + 1;
        else if (i + 1 < argc)
            v = argv[++i];
        else
            bad_flag("flag needs an argument: %s", name);

        if (!strcmp(name, "--kubeconfig"))
            f->kubeconfig = v;
        else if (!strcmp(name, "--context"))
            f->context = v;
        else if (!strcmp(name, "--namespace"))
            f->namespace_ = v;
        else if (!strcmp(name, "--instance-id"))
            f->instance_id = v;
        else if (!strcmp(name, "--leader-election-namespace"))
            f->leader_ns = v;
        else if (!strcmp(name, "--healthz-addr"))
            f->healthz_addr = v;
        else if (!strcmp(name, "--loglevel")) {
            if (!strcmp(v, "debug"))
                f->log_level = RO_LOG_DEBUG;
            else if (!strcmp(v, "info"))
                f->log_level = RO_LOG_INFO;
            else if (!strcmp(v, "warn") || !strcmp(v, "warning"))
                f->log_level = RO_LOG_WARN;
            else if (!strcmp(v, "error"))
                f->log_level = RO_LOG_ERROR;
            else
                bad_flag("--loglevel %s: expected debug, info, warn or error", v);
        } else if (!strcmp(name, "--rollout-threads"))
            f->threads = (int)parse_long(name, v, 1, 1000);
        else if (!strcmp(name, "--burst"))
            f->burst = (int)parse_long(name, v, 1, 1000000);
        else if (!strcmp(name, "--rollout-resync"))
            f->resync_s = parse_long(name, v, 1, 365L * 24 * 3600);
        else if (!strcmp(name, "--qps")) {
            char *end;
            errno = 0;
            f->qps = strtod(v, &end);
            if (!*v || *end || errno || !(f->qps > 0) || f->qps > 1e6)
                bad_flag("--qps %s: expected a positive number of requests per second", v);
        }
    }
    if (f->namespace_ && !*f->namespace_)
        f->namespace_ = NULL;
    if (f->instance_id && !*f->instance_id)
        f->instance_id = NULL;
    char host[256];
    long port;
    if (!health_disabled(f->healthz_addr) && split_addr(f->healthz_addr, host, &port) != 0)
        bad_flag("--healthz-addr %s: expected HOST:PORT (e.g. 127.0.0.1:8080, :8080, [::1]:8080), or \"\" to disable",
                 f->healthz_addr);
    if (!f->leader_ns || !*f->leader_ns)
        f->leader_ns = f->namespace_ ? f->namespace_ : DEFAULT_LEADER_NS;
}

/* ---------------------------------------------------------------------------------------------
 * Logs: logrus's text format, as the library's per-rollout lines (controller/rollout/sync.c)
 * ------------------------------------------------------------------------------------------- */

static ro_log_level log_level = RO_LOG_INFO;

static void logm(ro_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logm(ro_log_level lvl, const char *fmt, ...)
{
    if (lvl < log_level || log_level == RO_LOG_OFF)
        return;
    static const char *const names[] = {"debug", "info", "warning", "error"};
    char msg[2048], line[4400], ts[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int n = snprintf(line, sizeof line, "time=\"%s\" level=%s msg=\"", co_time_rfc3339(co_clock_now_ms(co_clock_real()), ts),
                     names[lvl]);
    for (const char *p = msg; *p && n < (int)sizeof line - 4; p++) {
        if (*p == '"' || *p == '\\')
            line[n++] = '\\';
        line[n++] = *p == '\n' ? ' ' : *p;
    }
    line[n++] = '"';
    line[n++] = '\n';
    fwrite(line, 1, (size_t)n, stderr); /* one write: lines from several threads never interleave */
    fflush(stderr);
}

/* ---------------------------------------------------------------------------------------------
 * Process state shared between threads
 * ------------------------------------------------------------------------------------------- */

static volatile int stop_flag; /* kube_controller_run's stop; set only by main */
static atomic_int synced;      /* the controller thread's informers have listed */
static atomic_int leading;     /* 1 without --leader-elect */
static atomic_int failed;      /* the controller thread gave up (message already logged) */
static atomic_int worker_done; /* the controller thread has returned */

/* ---------------------------------------------------------------------------------------------
 * /healthz and /readyz
 * ------------------------------------------------------------------------------------------- */

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned code, const char *body)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, "Allow", "GET, HEAD");
    enum MHD_Result ret = MHD_queue_response(conn, code, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_health(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                 const char *version, const char *upload, size_t *upload_size, void **state)
{
    (void)cls, (void)version, (void)upload, (void)upload_size, (void)state;
    bool healthz = !strcmp(url, "/healthz"), readyz = !strcmp(url, "/readyz");
    if (!healthz && !readyz)
        return reply(conn, MHD_HTTP_NOT_FOUND, "404 page not found\n");
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
    if (healthz)
        return reply(conn, MHD_HTTP_OK, "ok");
    if (!atomic_load(&leading))
        return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "not leading\n");
    if (!atomic_load(&synced))
        return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "informers not synced\n");
    return reply(conn, MHD_HTTP_OK, "ok");
}

/* Health server addresses are HOST:PORT, [V6]:PORT or :PORT (every interface); "" and "0" turn
 * it off. Splits addr into host (size 256; "" = any) and port; -1 if malformed. */
static int split_addr(const char *addr, char host[256], long *port)
{
    const char *colon = strrchr(addr, ':');
    char *end;
    long p = colon && colon[1] ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || !colon[1] || *end || p < 0 || p > 65535 || colon - addr >= 256)
        return -1;
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = 0;
    size_t n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') { /* [::1]:8080 */
        memmove(host, host + 1, n - 2);
        host[n - 2] = 0;
    } else if (strchr(host, ':') || strchr(host, '[') || strchr(host, ']')) {
        return -1; /* an IPv6 literal needs its brackets */
    }
    *port = p;
    return 0;
}

static bool health_disabled(const char *addr) { return !*addr || !strcmp(addr, "0"); }

/* Starts the health server on addr (checked by split_addr). NULL with a message when it cannot
 * listen there. */
static struct MHD_Daemon *health_start(const char *addr, char *err, size_t errlen)
{
    char host[256], port[16];
    long p = 0;
    split_addr(addr, host, &p);
    const unsigned base = MHD_USE_INTERNAL_POLLING_THREAD;
    struct MHD_Daemon *d = NULL;
    int e = 0;
    if (!host[0]) {
        /* :PORT, as Go's net.Listen: every interface, IPv6 and IPv4, or IPv4 alone without IPv6 */
        errno = 0;
        d = MHD_start_daemon(base | MHD_USE_DUAL_STACK, (uint16_t)p, NULL, NULL, on_health, NULL,
                             MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
        if (!d) {
            errno = 0;
            d = MHD_start_daemon(base, (uint16_t)p, NULL, NULL, on_health, NULL, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
                                 MHD_OPTION_END);
        }
        e = errno;
    } else {
        snprintf(port, sizeof port, "%ld", p);
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                                 .ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_ADDRCONFIG},
                        *ai = NULL;
        int gai = getaddrinfo(host, port, &hints, &ai);
        if (gai != 0) {
            snprintf(err, errlen, "--healthz-addr %s: %s", addr, gai_strerror(gai));
            return NULL;
        }
        errno = 0;
        d = MHD_start_daemon(base | (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0), (uint16_t)p, NULL, NULL, on_health,
                             NULL, MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
                             MHD_OPTION_END);
        e = errno;
        freeaddrinfo(ai);
    }
    if (!d)
        snprintf(err, errlen, "--healthz-addr %s: cannot listen%s%s", addr, e ? ": " : "", e ? strerror(e) : "");
    return d;
}

/* ---------------------------------------------------------------------------------------------
 * Signals: blocked everywhere, taken synchronously by main
 * ------------------------------------------------------------------------------------------- */

static sigset_t stop_signals;

/* Waits up to ms for SIGINT or SIGTERM; returns the signal or 0. */
static int wait_signal(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    int sig = sigtimedwait(&stop_signals, NULL, &ts);
    return sig > 0 ? sig : 0;
}

/* ---------------------------------------------------------------------------------------------
 * Start-up: the first list
 * ------------------------------------------------------------------------------------------- */

static const kube_gvr rollout_gvr = {"argoproj.io", "v1alpha1", "rollouts", 1};

/* Lists one Rollout, as the informer's first LIST will, retrying transport errors and 5xx until
 * STARTUP_DEADLINE_MS. Returns 0 when the server answers, 1 on a signal, -1 after logging why
 * the server cannot be used. */
static int probe(const kube_config *cfg, const char *ns)
{
    char err[512];
    kube_client_opts o = {.timeout_ms = 3000, .max_retries = -1};
    kube_client *c = kube_client_new(cfg, &o, err, sizeof err);
    if (!c) {
        logm(RO_LOG_ERROR, "cannot use the API server %s: %s", cfg->server, err);
        return -1;
    }
    char path[512];
    kube_path(&rollout_gvr, ns, NULL, NULL, path, sizeof path - 16);
    strcat(path, "?limit=1");
    int64_t deadline = co_clock_now_ms(co_clock_real()) + STARTUP_DEADLINE_MS;
    int rc = -1;
    for (int attempt = 0;; attempt++) {
        kube_status st;
        cJSON *list = kube_request(c, "GET", path, NULL, NULL, &st);
        if (list) {
            cJSON_Delete(list);
            rc = 0;
            break;
        }
        if (st.code == 404) {
            logm(RO_LOG_ERROR,
                 "the API server %s does not serve rollouts.argoproj.io/v1alpha1: install the CRDs "
                 "(kubectl apply -k deploy/crds)", cfg->server);
            break;
        }
        if (st.code == 401 || st.code == 403) {
            logm(RO_LOG_ERROR, "the API server %s refused to list rollouts (%d %s): %s", cfg->server, st.code, st.reason,
                 st.message);
            break;
        }
        bool transient = st.code == 0 || st.code == 429 || st.code >= 500;
        int64_t now = co_clock_now_ms(co_clock_real());
        if (!transient || now >= deadline) {
            if (transient)
                logm(RO_LOG_ERROR, "cannot reach the API server %s within %d s: %s%s%s", cfg->server,
                     STARTUP_DEADLINE_MS / 1000, st.code ? st.reason : "", st.code ? ": " : "", st.message);
            else
                logm(RO_LOG_ERROR, "the API server %s answered %d %s: %s", cfg->server, st.code, st.reason, st.message);
            break;
        }
        if (attempt == 0)
            logm(RO_LOG_WARN, "waiting for the API server %s: %s", cfg->server, st.message);
        int sig = wait_signal(deadline - now < 1000 ? (long)(deadline - now) : 1000);
        if (sig) {
            logm(RO_LOG_INFO, "received %s, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
            rc = 1;
            break;
        }
    }
    kube_client_free(c);
    return rc;
}

/* ---------------------------------------------------------------------------------------------
 * The controller thread
 * ------------------------------------------------------------------------------------------- */

typedef struct {
    kube_controller *rt;
    int workers;
} worker_args;

static void *controller_thread(void *arg)
{
    worker_args *w = arg;
    /* The informers' first lists, on this thread, reconciling nothing yet (the keys they queue
     * go to the workers), bounded like the probe: a server that answered the probe but fails
     * the lists (a missing kind, RBAC) is reported, not waited on forever. */
    int64_t deadline = co_clock_now_ms(co_clock_real()) + STARTUP_DEADLINE_MS;
    while (!stop_flag) {
        int n = kube_controller_pump(w->rt);
        if (n >= 0 && kube_controller_caught_up(w->rt, "0"))
            break;
        if (co_clock_now_ms(co_clock_real()) >= deadline) {
            logm(RO_LOG_ERROR, "the rollout controller's informers could not complete their first list within %d s",
                 STARTUP_DEADLINE_MS / 1000);
            atomic_store(&failed, 1);
            atomic_store(&worker_done, 1);
            return NULL;
        }
        struct timespec ts = {0, 200 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (!stop_flag) {
        atomic_store(&synced, 1);
        logm(RO_LOG_INFO, "informers synced; starting %d rollout workers", w->workers);
        kube_controller_run(w->rt, w->workers, &stop_flag);
    }
    atomic_store(&worker_done, 1);
    return NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Leader identity: hostname_uuid, as client-go's examples and Argo's
 * ------------------------------------------------------------------------------------------- */

static void make_identity(char *buf, size_t n)
{
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0 || !host[0])
        snprintf(host, sizeof host, "localhost");
    unsigned char r[16] = {0};
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, r, sizeof r) != (ssize_t)sizeof r) {
        /* never seen on Linux; still, identities must differ between replicas */
        uint64_t x = (uint64_t)co_clock_now_ms(co_clock_real()) ^ ((uint64_t)getpid() << 32);
        for (size_t i = 0; i < sizeof r; i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
            r[i] = (unsigned char)(x >> 56);
    }
    if (fd >= 0)
        close(fd);
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40); /* UUID version 4 */
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
    snprintf(buf, n, "%s_%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", host, r[0], r[1], r[2],
             r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

/* ---------------------------------------------------------------------------------------------
 * main
 * ------------------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    flags f;
    parse_flags(argc, argv, &f);
    log_level = f.log_level;

    /* before any thread exists, so every thread inherits the mask */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    logm(RO_LOG_INFO, "Cutover controller %s starting", CUTOVER_VERSION);
    char err[1024];
    kube_config cfg;
    kube_config_opts copts = {.kubeconfig = f.kubeconfig, .context = f.context};
    if (kube_config_load(&copts, &cfg, err, sizeof err) != 0) {
        logm(RO_LOG_ERROR, "cannot load the Kubernetes configuration: %s", err);
        return 1;
    }
    logm(RO_LOG_INFO, "API server %s (context \"%s\"), watching %s%s", cfg.server, cfg.context,
         f.namespace_ ? "namespace " : "all namespaces", f.namespace_ ? f.namespace_ : "");
    if (f.instance_id)
        logm(RO_LOG_INFO, "instance id %s", f.instance_id);

    kube_client_opts kopts = {.qps = f.qps, .burst = f.burst};
    kube_client *client = kube_client_new(&cfg, &kopts, err, sizeof err);
    if (!client) {
        logm(RO_LOG_ERROR, "cannot use the API server %s: %s", cfg.server, err);
        kube_config_free(&cfg);
        return 1;
    }

    atomic_store(&leading, !f.leader_elect);
    bool health_off = health_disabled(f.healthz_addr);
    struct MHD_Daemon *health = health_off ? NULL : health_start(f.healthz_addr, err, sizeof err);
    if (!health && !health_off) {
        logm(RO_LOG_ERROR, "%s", err);
        kube_client_free(client);
        kube_config_free(&cfg);
        return 1;
    }
    if (health) {
        const union MHD_DaemonInfo *di = MHD_get_daemon_info(health, MHD_DAEMON_INFO_BIND_PORT);
        const char *colon = strrchr(f.healthz_addr, ':');
        logm(RO_LOG_INFO, "Starting Healthz Server at %.*s:%u", (int)(colon - f.healthz_addr), f.healthz_addr,
             di ? (unsigned)di->port : 0u);
    }

    int exit_code = 0;
    kube_client *lclient = NULL;
    kube_leader *leader = NULL;
    ro_controller *rc = NULL;
    worker_args wargs = {0};
    char identity[512] = "", last_err[1024] = "";
    pthread_t thread;
    bool thread_started = false;

    int pr = probe(&cfg, f.namespace_);
    if (pr != 0) {
        exit_code = pr < 0 ? 1 : 0;
        goto out;
    }

    ro_controller_opts ropts = {.client = client, .namespace_ = f.namespace_, .instance_id = f.instance_id,
                                .resync_ms = (int64_t)f.resync_s * 1000, .log_level = f.log_level, .log = stderr};
    rc = ro_controller_new(&ropts, err, sizeof err);
    if (!rc) {
        logm(RO_LOG_ERROR, "cannot start the rollout controller: %s", err);
        exit_code = 1;
        goto out;
    }
    wargs = (worker_args){ro_controller_runtime(rc), f.threads};

    if (f.leader_elect) {
        make_identity(identity, sizeof identity);
        /* its own connection, one attempt per tick and short timeouts: a renewal must not wait
         * behind the workers' requests, and a stuck one must end well within the renew deadline */
        kube_client_opts lo = {.timeout_ms = 4000, .max_retries = -1};
        lclient = kube_client_new(&cfg, &lo, err, sizeof err);
        if (!lclient) {
            logm(RO_LOG_ERROR, "leader election: %s", err);
            exit_code = 1;
            goto out;
        }
        leader = kube_leader_new(lclient, &(kube_leader_opts){.namespace_ = f.leader_ns, .name = LEASE_NAME,
                                                              .identity = identity});
        logm(RO_LOG_INFO, "Leaderelection get id %s", identity);
        logm(RO_LOG_INFO, "attempting to acquire leader lease %s/%s...", f.leader_ns, LEASE_NAME);
    }

    for (;;) {
        if (atomic_load(&failed)) {
            exit_code = 1;
            break;
        }
        if (leader) {
            kube_status st;
            int was = atomic_load(&leading);
            int now = kube_leader_tick(leader, &st) && kube_leader_is_leader(leader);
            /* client-go logs every failed try; once per distinct error is enough to diagnose */
            if (!now && st.message[0] && (st.code == 0 || st.code >= 300) && strcmp(st.message, last_err)) {
                logm(RO_LOG_ERROR, "cannot acquire or renew lease %s/%s: %s", f.leader_ns, LEASE_NAME, st.message);
                snprintf(last_err, sizeof last_err, "%s", st.message);
            }
            if (now && !was) {
                last_err[0] = 0;
                logm(RO_LOG_INFO, "successfully acquired lease %s/%s", f.leader_ns, LEASE_NAME);
                logm(RO_LOG_INFO, "I am the new leader: %s", identity);
                atomic_store(&leading, 1);
            } else if (!now && was) {
                /* client-go's OnStoppedLeading: stop acting at once and exit, so that a restart
                 * starts from a clean slate as a candidate */
                logm(RO_LOG_ERROR, "leader election lost: %s/%s", f.leader_ns, LEASE_NAME);
                atomic_store(&leading, 0);
                exit_code = 1;
                break;
            }
        }
        if (atomic_load(&leading) && !thread_started) {
            int e = pthread_create(&thread, NULL, controller_thread, &wargs);
            if (e != 0) {
                logm(RO_LOG_ERROR, "cannot start the controller thread: %s", strerror(e));
                exit_code = 1;
                break;
            }
            thread_started = true;
        }
        /* the leader ticks often (kube_leader_tick itself waits out the retry period) */
        int sig = wait_signal(leader ? 200 : 500);
        if (sig) {
            logm(RO_LOG_INFO, "received %s, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
            break;
        }
    }

    /* stop: the workers finish the reconcile they are in; a second signal does not wait for that */
    stop_flag = 1;
    atomic_store(&synced, 0);
    while (thread_started && !atomic_load(&worker_done)) {
        int sig = wait_signal(100);
        if (sig) {
            logm(RO_LOG_WARN, "received a second signal, exiting without waiting for the workers");
            _exit(1);
        }
    }
    if (thread_started)
        pthread_join(thread, NULL);
    if (leader && kube_leader_is_leader(leader)) { /* let another replica take over at once */
        kube_leader_release(leader);
        logm(RO_LOG_INFO, "released lease %s/%s", f.leader_ns, LEASE_NAME);
    }
out:
    if (rc)
        ro_controller_free(rc);
    kube_leader_free(leader);
    if (lclient)
        kube_client_free(lclient);
    if (health)
        MHD_stop_daemon(health);
    kube_client_free(client);
    kube_config_free(&cfg);
    logm(exit_code ? RO_LOG_ERROR : RO_LOG_INFO, "stopped%s", exit_code ? " (exit status 1)" : "");
    return exit_code;
}
