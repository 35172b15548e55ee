/* get.c: `get rollout NAME` and `list rollouts`, as Argo's kubectl plugin prints them
 * (pkg/kubectl-argo-rollouts/cmd/get/get_rollout.go, cmd/list/list_rollouts.go); what is shown is
 * computed in info.c.
 *
 * cli_get and cli_list get what follows `get rollout` / `list rollouts` (main.c checks the kind
 * word; a leading kind word is accepted too).
 *
 * get rollout NAME [-w|--watch] [--no-color] [--timeout-seconds N]
 *   Aliases ro, rollouts. The rollout, then every ReplicaSet of the namespace it owns and their
 *   pods. With --watch: redrawn (the screen cleared as Argo clears it) whenever what it shows
 *   changes (the rollout, its ReplicaSets or pods, or an age), until Ctrl-C or the timeout (exit 0).
 * list rollouts [--name N] [-A|--all-namespaces] [-w|--watch] [--timestamps]
 *   Aliases rollout, ro. With --watch, after the table: one row per change of a rollout's row,
 *   until Ctrl-C. */
#include "cli/cli.h"
#include "cli/info.h"

#include "common/clock.h"
#include "common/json.h"
#include "controller/kube/informer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const kube_gvr GET_RO_GVR = {"argoproj.io", "v1alpha1", "rollouts", 1};
static const kube_gvr GET_RS_GVR = {"apps", "v1", "replicasets", 1};
static const kube_gvr GET_POD_GVR = {"", "v1", "pods", 1};
static const kube_gvr GET_AR_GVR = {"argoproj.io", "v1alpha1", "analysisruns", 1};

#define CLEAR_SCREEN "\033[H\033[2J\033[0;0H" /* Argo's GetOptions.Clear */

/* ---- stopping a watch: Ctrl-C, and waking up when a virtual clock moves ---- */

static int g_wake[2] = {-1, -1};
static volatile sig_atomic_t g_interrupted;
static struct sigaction g_old_sigint;

static void wake(void)
{
    if (g_wake[1] >= 0 && write(g_wake[1], "x", 1) < 0) {
        /* full pipe: a wake-up is already pending */
    }
}

static void on_sigint(int sig)
{
    (void)sig;
    g_interrupted = 1;
    wake();
}

static void on_clock_advance(void *ud)
{
    (void)ud;
    wake();
}

static int watch_begin(co_clock *clock)
{
    g_interrupted = 0;
    if (pipe2(g_wake, O_NONBLOCK | O_CLOEXEC) != 0)
        return -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &g_old_sigint);
    co_clock_on_advance(clock, on_clock_advance, NULL);
    return 0;
}

static void watch_end(co_clock *clock)
{
    co_clock_off_advance(clock, on_clock_advance, NULL);
    sigaction(SIGINT, &g_old_sigint, NULL);
    close(g_wake[0]);
    close(g_wake[1]);
    g_wake[0] = g_wake[1] = -1;
}

static void drain_wake(void)
{
    char buf[64];
    while (read(g_wake[0], buf, sizeof buf) > 0) {
    }
}

/* Waits up to timeout_ms for one of fds (-1 entries ignored) or a wake-up. */
static void wait_for(const int *fds, int nfds, int timeout_ms)
{
    struct pollfd p[8];
    int n = 0;
    p[n++] = (struct pollfd){.fd = g_wake[0], .events = POLLIN};
    for (int i = 0; i < nfds && n < 8; i++)
        if (fds[i] >= 0)
            p[n++] = (struct pollfd){.fd = fds[i], .events = POLLIN};
    if (timeout_ms < 0)
        timeout_ms = 0;
    if (poll(p, (nfds_t)n, timeout_ms) > 0 && (p[0].revents & POLLIN))
        drain_wake();
}

/* ---- flags ---- */

/* A boolean flag `name` (and its shorthand, may be NULL) as a, "--name", "--name=BOOL": 1 when
   matched (*out set), 0 when not this flag, -1 when the value is malformed. */
static int bool_flag(const char *a, const char *name, const char *shorthand, bool *out)
{
    size_t n = strlen(name);
    if ((shorthand && !strcmp(a, shorthand)) || !strcmp(a, name)) {
        *out = true;
        return 1;
    }
    if (!strncmp(a, name, n) && a[n] == '=')
        return cli_parse_bool(a + n + 1, out) == 0 ? 1 : -1;
    if (shorthand && !strncmp(a, shorthand, strlen(shorthand)) && a[strlen(shorthand)] == '=')
        return cli_parse_bool(a + strlen(shorthand) + 1, out) == 0 ? 1 : -1;
    return 0;
}

/* A flag with a value: "--name V" or "--name=V". 1 when matched (*v set, *i advanced), 0 when not
   this flag, -1 when the value is missing. */
static int value_flag(int argc, char **argv, int *i, const char *name, const char *shorthand, const char **v)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (!strcmp(a, name) || (shorthand && !strcmp(a, shorthand))) {
        if (*i + 1 >= argc)
            return -1;
        *v = argv[++*i];
        return 1;
    }
    if (!strncmp(a, name, n) && a[n] == '=') {
        *v = a + n + 1;
        return 1;
    }
    return 0;
}

static int unknown_flag(cli_opts *o, const char *cmd, const char *a)
{
    if (a[1] != '-')
        return cli_usage(o, cmd, "unknown shorthand flag: '%c' in %s", a[1], a);
    return cli_usage(o, cmd, "unknown flag: %s", a);
}

static const char *const ROLLOUT_KINDS[] = {"rollout", "rollouts", "ro", NULL};

static bool is_kind(const char *s, const char *const *kinds)
{
    for (; *kinds; kinds++)
        if (!strcmp(s, *kinds))
            return true;
    return false;
}

static int64_t now_ms(cli_opts *o) { return co_clock_now_ms(o->clock ? o->clock : co_clock_real()); }

/* ---- get rollout ---- */

static void get_help(cli_opts *o)
{
    fprintf(o->out,
            "Get details about and visual representation of a rollout.\n"
            "\n"
            "Tree view icons: \xe2\x9f\xb3 Rollout, # Revision, \xe2\xa7\x89 ReplicaSet, \xe2\x96\xa1 Pod\n"
            "\n"
            "Usage:\n"
            "  %s get rollout ROLLOUT_NAME [flags]\n"
            "\n"
            "Aliases:\n"
            "  rollout, ro, rollouts\n"
            "\n"
            "Examples:\n"
            "  # Get a rollout\n"
            "  %s get rollout guestbook\n"
            "\n"
            "  # Watch progress of a rollout\n"
            "  %s get rollout guestbook -w\n"
            "\n"
            "  # Watch the rollout, fail if it takes more than 60 seconds\n"
            "  %s get rollout guestbook -w --timeout-seconds 60\n"
            "\n"
            "Flags:\n"
            "      --no-color              Do not colorize output\n"
            "      --timeout-seconds int   Timeout after specified seconds\n"
            "  -w, --watch                 Watch live updates to the rollout\n",
            o->prog, o->prog, o->prog, o->prog);
}

/* The rollout's tree into a string (caller frees). */
static char *render(const cJSON *ro, const cJSON *rss, const cJSON *pods, const cJSON *ars, int64_t now, bool color)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f)
        return NULL;
    ci_print_rollout(f, ro, rss, pods, ars, now, color);
    fclose(f);
    return s;
}

typedef struct {
    cJSON *arr;
} collect_ud;

static void collect(void *ud, const cJSON *obj)
{
    cJSON_AddItemReferenceToArray(((collect_ud *)ud)->arr, (cJSON *)obj);
}

static cJSON *cached(const kube_informer *inf, const char *ns)
{
    collect_ud u = {cJSON_CreateArray()};
    kube_informer_each(inf, ns, collect, &u);
    return u.arr;
}

static int watch_rollout(cli_opts *o, kube_client *c, const char *ns, const char *name, int timeout_seconds,
                         bool color)
{
    co_clock *clock = o->clock ? o->clock : co_clock_real();
    enum { NINF = 4 };
    kube_informer *inf[NINF];
    const kube_gvr *gvrs[NINF] = {&GET_RO_GVR, &GET_RS_GVR, &GET_POD_GVR, &GET_AR_GVR};
    for (int i = 0; i < NINF; i++)
        inf[i] = kube_informer_new(c, &(kube_informer_opts){.resource = gvrs[i], .namespace_ = ns});
    kube_status st;
    int ninf = NINF;
    for (int i = 0; i < NINF; i++) {
        if (kube_informer_pump(inf[i], 0, &st) < 0) {
            if (i == NINF - 1 && st.code == 404) { /* no AnalysisRun kind on this server */
                ninf--;
                break;
            }
            for (int k = 0; k < NINF; k++)
                kube_informer_free(inf[k]);
            return cli_fail(o, "%s", cli_status_text(&st));
        }
    }
    if (watch_begin(clock) != 0) {
        for (int k = 0; k < NINF; k++)
            kube_informer_free(inf[k]);
        return cli_fail(o, "%s", strerror(errno));
    }
    int64_t deadline = timeout_seconds > 0 ? co_clock_now_ms(clock) + (int64_t)timeout_seconds * 1000 : INT64_MAX;
    char *last = NULL;
    while (!g_interrupted) {
        const cJSON *ro = kube_informer_get(inf[0], ns, name);
        if (ro) { /* a deleted rollout leaves its last picture, as Argo's view */
            cJSON *rss = cached(inf[1], ns), *pods = cached(inf[2], ns);
            cJSON *ars = ninf == NINF ? cached(inf[3], ns) : NULL;
            char *frame = render(ro, rss, pods, ars, co_clock_now_ms(clock), color);
            cJSON_Delete(rss);
            cJSON_Delete(pods);
            cJSON_Delete(ars);
            if (frame && (!last || strcmp(frame, last))) {
                fputs(CLEAR_SCREEN, o->out);
                fputs(frame, o->out);
                fflush(o->out);
                free(last);
                last = frame;
            } else {
                free(frame);
            }
        }
        int64_t now = co_clock_now_ms(clock);
        if (now >= deadline)
            break;
        int fds[NINF];
        for (int i = 0; i < ninf; i++)
            fds[i] = kube_informer_fd(inf[i]);
        int64_t left = deadline - now;
        /* ages move with time: look again within a second, as Argo's ticker does */
        wait_for(fds, ninf, left < 1000 ? (int)left : 1000);
        for (int i = 0; i < ninf && !g_interrupted; i++)
            kube_informer_pump(inf[i], 0, &st); /* an unreachable server is retried on the next turn */
    }
    watch_end(clock);
    free(last);
    for (int k = 0; k < NINF; k++)
        kube_informer_free(inf[k]);
    return 0;
}

int cli_get(cli_opts *o, int argc, char **argv)
{
    bool watch = false, no_color = false;
    long timeout_seconds = 0;
    const char *pos[3];
    int npos = 0;
    bool dashdash = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        int r;
        if (dashdash || a[0] != '-' || !a[1]) {
            if (npos < 3)
                pos[npos] = a;
            npos++;
        } else if (!strcmp(a, "--")) {
            dashdash = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            get_help(o);
            return 0;
        } else if ((r = bool_flag(a, "--watch", "-w", &watch)) != 0) {
            if (r < 0)
                return cli_usage(o, "get rollout", "invalid argument \"%s\" for \"-w, --watch\" flag",
                                 strchr(a, '=') + 1);
        } else if ((r = bool_flag(a, "--no-color", NULL, &no_color)) != 0) {
            if (r < 0)
                return cli_usage(o, "get rollout", "invalid argument \"%s\" for \"--no-color\" flag",
                                 strchr(a, '=') + 1);
        } else if ((r = value_flag(argc, argv, &i, "--timeout-seconds", NULL, &v)) != 0) {
            if (r < 0)
                return cli_usage(o, "get rollout", "flag needs an argument: --timeout-seconds");
            char *end;
            errno = 0;
            timeout_seconds = strtol(v, &end, 10);
            if (!*v || *end || errno || timeout_seconds < INT32_MIN || timeout_seconds > INT32_MAX)
                return cli_usage(o, "get rollout", "invalid argument \"%s\" for \"--timeout-seconds\" flag", v);
        } else {
            return unknown_flag(o, "get rollout", a);
        }
    }
    /* main.c has checked and removed the kind; a leading one is still accepted (`rollout NAME`) */
    int first = npos == 2 && is_kind(pos[0], ROLLOUT_KINDS) ? 1 : 0;
    if (npos - first != 1 || !pos[first][0])
        return cli_usage(o, "get rollout", "expected exactly one rollout name, got %d", npos - first);
    if (o->all_namespaces)
        return cli_usage(o, "get rollout", "--all-namespaces is not supported by get rollout");
    const char *name = pos[first];
    const char *term = getenv("TERM");
    bool color = o->color && !no_color && !(term && !strcmp(term, "dumb"));

    kube_client *c;
    const char *ns;
    if (cli_connect(o, &c, &ns) != 0)
        return 1;
    kube_status st;
    cJSON *ro = kube_get(c, &GET_RO_GVR, ns, name, &st);
    if (!ro) {
        int rc = cli_fail(o, "%s", cli_status_text(&st));
        kube_client_free(c);
        return rc;
    }
    int rc = 0;
    if (watch) {
        rc = watch_rollout(o, c, ns, name, (int)timeout_seconds, color);
    } else {
        cJSON *rss = kube_list(c, &GET_RS_GVR, ns, &(kube_list_opts){0}, &st);
        cJSON *pods = rss ? kube_list(c, &GET_POD_GVR, ns, &(kube_list_opts){0}, &st) : NULL;
        cJSON *ars = pods ? kube_list(c, &GET_AR_GVR, ns, &(kube_list_opts){0}, &st) : NULL;
        if (!rss || !pods || (!ars && st.code != 404)) /* a server without the AnalysisRun kind has none */
            rc = cli_fail(o, "%s", cli_status_text(&st));
        else
            ci_print_rollout(o->out, ro, cj_get(rss, "items"), cj_get(pods, "items"), cj_get(ars, "items"), now_ms(o),
                             color);
        cJSON_Delete(rss);
        cJSON_Delete(pods);
        cJSON_Delete(ars);
    }
    cJSON_Delete(ro);
    kube_client_free(c);
    return rc;
}

/* ---- list rollouts ---- */

static void list_help(cli_opts *o)
{
    fprintf(o->out,
            "This command lists all of the rollouts for a specified namespace (uses current namespace context if "
            "namespace not specified).\n"
            "\n"
            "Usage:\n"
            "  %s list rollouts [flags]\n"
            "\n"
            "Aliases:\n"
            "  rollouts, ro, rollout\n"
            "\n"
            "Examples:\n"
            "  # List rollouts\n"
            "  %s list rollouts\n"
            "\n"
            "  # List rollouts with a specific name\n"
            "  %s list rollouts --name my-rollout\n"
            "\n"
            "  # List rollouts from all namespaces\n"
            "  %s list rollouts --all-namespaces\n"
            "\n"
            "  # List rollouts and watch for changes\n"
            "  %s list rollouts --watch\n"
            "\n"
            "Flags:\n"
            "  -A, --all-namespaces   Include all namespaces\n"
            "      --name string      Only show rollout with specified name\n"
            "      --timestamps       Print timestamps on updates\n"
            "  -w, --watch            Watch for changes\n",
            o->prog, o->prog, o->prog, o->prog, o->prog);
}

typedef struct {
    char *ns, *name;
    ci_list_row row;
} seen_row;

typedef struct {
    seen_row *rows;
    size_t n;
} seen_rows;

/* Remembers row (copying its key); true when it is new or differs from the last one seen. */
static bool remember(seen_rows *s, const ci_list_row *row)
{
    for (size_t i = 0; i < s->n; i++) {
        seen_row *e = &s->rows[i];
        if (strcmp(e->ns, row->ns) || strcmp(e->name, row->name))
            continue;
        if (ci_list_row_equal(&e->row, row))
            return false;
        e->row = *row;
        e->row.ns = e->ns;
        e->row.name = e->name;
        return true;
    }
    s->rows = realloc(s->rows, (s->n + 1) * sizeof *s->rows);
    seen_row *e = &s->rows[s->n++];
    e->ns = strdup(row->ns);
    e->name = strdup(row->name);
    e->row = *row;
    e->row.ns = e->ns;
    e->row.name = e->name;
    return true;
}

static void seen_free(seen_rows *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->rows[i].ns);
        free(s->rows[i].name);
    }
    free(s->rows);
}

static const char *timestamp_now(cli_opts *o, char buf[32], bool timestamps)
{
    return timestamps ? co_time_rfc3339(now_ms(o), buf) : NULL;
}

static int list_watch(cli_opts *o, kube_client *c, const char *ns, const char *field_selector, const char *rv,
                      bool all_ns, bool timestamps, seen_rows *seen)
{
    co_clock *clock = o->clock ? o->clock : co_clock_real();
    char *last_rv = strdup(rv ? rv : "");
    kube_status st;
    kube_watch *w = NULL;
    int retries = 0, rc = 0;
    if (watch_begin(clock) != 0) {
        free(last_rv);
        return cli_fail(o, "%s", strerror(errno));
    }
    while (!g_interrupted) {
        if (!w) {
            kube_watch_opts wo = {.resource_version = last_rv, .field_selector = field_selector};
            w = kube_watch_open(c, &GET_RO_GVR, ns, &wo, &st);
            if (!w) {
                if (st.code == 410) { /* too old: start again from now, unchanged rows stay silent */
                    free(last_rv);
                    last_rv = strdup("");
                    continue;
                }
                if (++retries > 5) {
                    rc = cli_fail(o, "%s", cli_status_text(&st));
                    break;
                }
                wait_for(NULL, 0, 1000);
                continue;
            }
            retries = 0;
        }
        int fd = kube_watch_fd(w);
        wait_for(&fd, 1, 500);
        ci_tab *t = ci_tab_new(0, 2);
        bool any = false;
        for (;;) {
            char type[16];
            cJSON *obj = NULL;
            int r = kube_watch_next(w, 0, type, &obj, &st);
            if (r < 0) { /* the stream ended: watch again from the last version seen */
                kube_watch_close(w);
                w = NULL;
                break;
            }
            if (r == 0)
                break;
            if (strcmp(type, "ERROR") && strcmp(type, "BOOKMARK") && obj) {
                const char *orv = cj_str(obj, "metadata.resourceVersion");
                if (orv) {
                    free(last_rv);
                    last_rv = strdup(orv);
                }
                ci_list_row row;
                ci_list_row_of(obj, &row);
                if (remember(seen, &row)) {
                    char ts[32];
                    ci_list_row_write(t, &row, all_ns, timestamp_now(o, ts, timestamps));
                    any = true;
                }
            } else if (!strcmp(type, "BOOKMARK") && cj_str(obj, "metadata.resourceVersion")) {
                free(last_rv);
                last_rv = strdup(cj_str(obj, "metadata.resourceVersion"));
            }
            cJSON_Delete(obj);
        }
        if (any) {
            ci_tab_flush(t, o->out);
            fflush(o->out);
        }
        ci_tab_free(t);
    }
    if (w)
        kube_watch_close(w);
    watch_end(clock);
    free(last_rv);
    return rc;
}

int cli_list(cli_opts *o, int argc, char **argv)
{
    bool watch = false, all_ns = o->all_namespaces, timestamps = false;
    const char *name = NULL;
    const char *pos[2];
    int npos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        int r;
        if (a[0] != '-' || !a[1]) {
            if (npos < 2)
                pos[npos] = a;
            npos++;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            list_help(o);
            return 0;
        } else if ((r = bool_flag(a, "--watch", "-w", &watch)) != 0 ||
                   (r = bool_flag(a, "--all-namespaces", "-A", &all_ns)) != 0 ||
                   (r = bool_flag(a, "--timestamps", NULL, &timestamps)) != 0) {
            if (r < 0)
                return cli_usage(o, "list rollouts", "invalid argument \"%s\" for %s", strchr(a, '=') + 1, a);
        } else if ((r = value_flag(argc, argv, &i, "--name", NULL, &v)) != 0) {
            if (r < 0)
                return cli_usage(o, "list rollouts", "flag needs an argument: --name");
            name = v;
        } else {
            return unknown_flag(o, "list rollouts", a);
        }
    }
    /* main.c has checked and removed the kind; a leading one is still accepted (`rollouts --name N`) */
    int first = npos >= 1 && is_kind(pos[0], ROLLOUT_KINDS) ? 1 : 0;
    if (npos > first)
        return cli_usage(o, "list rollouts", "unexpected argument \"%s\"", pos[first]);

    kube_client *c;
    const char *ns;
    if (cli_connect(o, &c, &ns) != 0)
        return 1;
    if (all_ns)
        ns = NULL;
    char selector[512];
    const char *field_selector = NULL;
    if (name && *name) {
        snprintf(selector, sizeof selector, "metadata.name=%s", name);
        field_selector = selector;
    }
    kube_status st;
    cJSON *list = kube_list(c, &GET_RO_GVR, ns, &(kube_list_opts){.field_selector = field_selector}, &st);
    if (!list) {
        int rc = cli_fail(o, "%s", cli_status_text(&st));
        kube_client_free(c);
        return rc;
    }
    const cJSON *items = cj_get(list, "items");
    int rc = 0;
    seen_rows seen = {0};
    if (cJSON_GetArraySize(items) == 0 && !watch) {
        fputs("No resources found.\n", o->err);
    } else {
        ci_tab *t = ci_tab_new(0, 2);
        ci_list_header(t, all_ns, timestamps);
        const cJSON *ro;
        cJSON_ArrayForEach(ro, items)
        {
            ci_list_row row;
            ci_list_row_of(ro, &row);
            remember(&seen, &row);
            char ts[32];
            ci_list_row_write(t, &row, all_ns, timestamp_now(o, ts, timestamps));
        }
        ci_tab_flush(t, o->out);
        ci_tab_free(t);
        fflush(o->out);
        if (watch)
            rc = list_watch(o, c, ns, field_selector, cj_str(list, "metadata.resourceVersion"), all_ns, timestamps,
                            &seen);
    }
    seen_free(&seen);
    cJSON_Delete(list);
    kube_client_free(c);
    return rc;
}
