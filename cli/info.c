/* info.c: the rollout, ReplicaSet and pod information of `get rollout` and `list rollouts`, as
 * Argo's kubectl plugin computes and prints it (see info.h), and a port of Go's text/tabwriter. */
#include "cli/info.h"

#include "common/buf.h"
#include "common/clock.h"
#include "common/json.h"
#include "controller/rollout/canarymath.h"
#include "controller/rollout/hash.h"
#include "controller/rollout/status.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- text/tabwriter ---- */

struct ci_tab {
    co_buf in;
    int minwidth, padding;
};

typedef struct {
    size_t off, size;
    int width;
    bool htab;
} tab_cell;

typedef struct {
    tab_cell *cells;
    int n, cap;
} tab_line;

typedef struct {
    const ci_tab *t;
    const char *text;
    tab_line *lines;
    int nlines;
    int *widths;
    int nwidths;
    FILE *out;
} tab_fmt;

ci_tab *ci_tab_new(int minwidth, int padding)
{
    ci_tab *t = calloc(1, sizeof *t);
    t->minwidth = minwidth;
    t->padding = padding;
    return t;
}

void ci_tab_write(ci_tab *t, const char *text) { co_buf_adds(&t->in, text); }

void ci_tab_printf(ci_tab *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) >= 0) {
        co_buf_adds(&t->in, s);
        free(s);
    }
    va_end(ap);
}

/* Code points, ANSI CSI sequences (ESC [ parameters final-byte) excluded. */
static int text_width(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0x1b && i + 1 < n && s[i + 1] == '[') {
            i += 2;
            while (i < n && !((unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7e))
                i++;
            continue;
        }
        if ((c & 0xc0) != 0x80)
            w++;
    }
    return w;
}

static void add_cell(tab_line *l, const char *text, size_t off, size_t end, bool htab)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->cells = realloc(l->cells, (size_t)l->cap * sizeof *l->cells);
    }
    l->cells[l->n++] = (tab_cell){off, end - off, text_width(text + off, end - off), htab};
}

static void pad(FILE *out, int n)
{
    for (int i = 0; i < n; i++)
        fputc(' ', out);
}

static void write_lines(tab_fmt *f, int line0, int line1)
{
    for (int i = line0; i < line1; i++) {
        const tab_line *l = &f->lines[i];
        for (int j = 0; j < l->n; j++) {
            const tab_cell *c = &l->cells[j];
            fwrite(f->text + c->off, 1, c->size, f->out);
            if (j < f->nwidths)
                pad(f->out, f->widths[j] - c->width);
        }
        if (i + 1 < f->nlines)
            fputc('\n', f->out);
    }
}

/* Go's Writer.format: column blocks, recursively from the left. */
static void format(tab_fmt *f, int line0, int line1)
{
    int column = f->nwidths;
    for (int this = line0; this < line1; this++) {
        if (column >= f->lines[this].n - 1)
            continue;
        write_lines(f, line0, this);
        line0 = this;
        int width = f->t->minwidth;
        for (; this < line1; this++) {
            const tab_line *l = &f->lines[this];
            if (column >= l->n - 1)
                break;
            int w = l->cells[column].width + f->t->padding;
            if (w > width)
                width = w;
        }
        f->widths[f->nwidths++] = width;
        format(f, line0, this);
        f->nwidths--;
        line0 = this;
    }
    write_lines(f, line0, line1);
}

void ci_tab_flush(ci_tab *t, FILE *out)
{
    const char *text = t->in.data ? t->in.data : "";
    size_t len = t->in.len;
    int nlines = 1, maxcells = 1;
    for (size_t i = 0; i < len; i++)
        nlines += text[i] == '\n';
    tab_fmt f = {.t = t, .text = text, .lines = calloc((size_t)nlines, sizeof(tab_line)), .out = out};
    size_t start = 0;
    tab_line *l = &f.lines[0];
    f.nlines = 1;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\t') {
            add_cell(l, text, start, i, true);
            start = i + 1;
        } else if (text[i] == '\n') {
            add_cell(l, text, start, i, false);
            start = i + 1;
            if (l->n > maxcells)
                maxcells = l->n;
            l = &f.lines[f.nlines++];
        }
    }
    if (start < len) /* Flush terminates a non-empty incomplete cell */
        add_cell(l, text, start, len, false);
    if (l->n > maxcells)
        maxcells = l->n;
    f.widths = calloc((size_t)maxcells + 1, sizeof(int));
    format(&f, 0, f.nlines);
    for (int i = 0; i < f.nlines; i++)
        free(f.lines[i].cells);
    free(f.lines);
    free(f.widths);
    co_buf_free(&t->in);
}

void ci_tab_free(ci_tab *t)
{
    if (!t)
        return;
    co_buf_free(&t->in);
    free(t);
}

/* ---- times ---- */


#define GO_MAX_DURATION_MS 9223372036854LL /* time.Duration's maximum: what Sub saturates to */

static void since(const char *ts, int64_t now_ms, char out[32])
{
    int64_t t;
    if (!ts || co_time_parse(ts, &t) != 0) {
        co_human_duration(GO_MAX_DURATION_MS, out, 32); /* Go's zero time */
        return;
    }
    co_human_duration(now_ms - t, out, 32);
}

void ci_age(const cJSON *obj, int64_t now_ms, char out[32])
{
    since(cj_str(obj, "metadata.creationTimestamp"), now_ms, out);
}

/* ---- helpers ---- */

static bool present(const cJSON *o, const char *path)
{
    const cJSON *v = cj_get(o, path);
    return v && !cJSON_IsNull(v);
}

/* The revision annotation (Argo's parseRevision: 0 when absent or not an integer). */
static long long revision_of(const cJSON *obj)
{
    int rev = 0;
    const cJSON *rv =
        cJSON_GetObjectItemCaseSensitive(cj_get(obj, "metadata.annotations"), "rollout.argoproj.io/revision");
    return cJSON_IsString(rv) && ro_atoi32(rv->valuestring, &rev) == 0 ? rev : 0;
}

/* ---- icons and colours (info/info.go, cmd/get/get.go) ---- */

#define ICON_WAITING "\xe2\x97\xb7"     /* ◷ */
#define ICON_PROGRESSING "\xe2\x97\x8c" /* ◌ */
#define ICON_WARNING "\xe2\x9a\xa0"     /* ⚠ */
#define ICON_UNKNOWN "?"
#define ICON_OK "\xe2\x9c\x94"      /* ✔ */
#define ICON_BAD "\xe2\x9c\x96"     /* ✖ */
#define ICON_PAUSED "\xe0\xa5\xa5"  /* ॥ */
#define ICON_NEUTRAL "\xe2\x80\xa2" /* • */

#define ICON_ROLLOUT "\xe2\x9f\xb3"    /* ⟳ */
#define ICON_REVISION "#"
#define ICON_REPLICASET "\xe2\xa7\x89" /* ⧉ */
#define ICON_POD "\xe2\x96\xa1"        /* □ */

#define TREE_MID "\xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80"  /* ├── */
#define TREE_LAST "\xe2\x94\x94\xe2\x94\x80\xe2\x94\x80" /* └── */
#define TREE_PIPE "\xe2\x94\x82  "                      /* │   */

static int color_of(const char *s)
{
    static const struct {
        const char *s;
        int code;
    } map[] = {
        {ICON_WAITING, 33}, {ICON_PROGRESSING, 94}, {ICON_WARNING, 31}, {ICON_UNKNOWN, 33}, {ICON_OK, 32},
        {ICON_BAD, 31},     {"canary", 33},         {"stable", 32},     {"active", 32},      {"preview", 94},
        {"ping", 94},       {"pong", 94},           {"Pending", 94},    {"Running", 94},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i].s, s))
            return map[i].code;
    return 0; /* Argo still wraps the text, with code 0 */
}

/* o.colorizeStatus(s, key): s wrapped in the colour of key (appended to b). */
static void colorize_as(co_buf *b, bool color, const char *s, const char *key)
{
    if (!color)
        co_buf_adds(b, s);
    else
        co_buf_printf(b, "\x1b[%dm%s\x1b[0m", color_of(key), s);
}

static char *colorized(bool color, const char *s)
{
    co_buf b = {0};
    colorize_as(&b, color, s, s);
    return co_buf_take(&b);
}

static const char *rollout_icon(const char *status)
{
    if (!strcmp(status, "Progressing"))
        return ICON_PROGRESSING;
    if (!strcmp(status, "Error") || !strcmp(status, "InvalidSpec"))
        return ICON_WARNING;
    if (!strcmp(status, "Paused"))
        return ICON_PAUSED;
    if (!strcmp(status, "Healthy"))
        return ICON_OK;
    if (!strcmp(status, "Degraded"))
        return ICON_BAD;
    if (!strcmp(status, "Unknown"))
        return ICON_UNKNOWN;
    if (!strcmp(status, "ScaledDown"))
        return ICON_NEUTRAL;
    return " ";
}

static const char *replicaset_icon(const char *status)
{
    if (!strcmp(status, "Progressing"))
        return ICON_PROGRESSING;
    if (!strcmp(status, "Healthy"))
        return ICON_OK;
    if (!strcmp(status, "ReplicaFailure"))
        return ICON_BAD;
    if (!strcmp(status, "ScaledDown"))
        return ICON_NEUTRAL;
    return " ";
}

static bool has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static bool has_suffix(const char *s, const char *x)
{
    size_t n = strlen(s), m = strlen(x);
    return n >= m && !strcmp(s + n - m, x);
}

static const char *pod_icon(const char *status)
{
    if (has_prefix(status, "Init:"))
        return ICON_PROGRESSING;
    if (has_prefix(status, "Signal:") || has_prefix(status, "ExitCode:"))
        return ICON_BAD;
    if (has_suffix(status, "Error") || has_prefix(status, "Err"))
        return ICON_WARNING;
    static const struct {
        const char *s, *icon;
    } map[] = {
        {"Pending", ICON_PROGRESSING},
        {"Terminating", ICON_PROGRESSING},
        {"ContainerCreating", ICON_PROGRESSING},
        {"Running", ICON_OK},
        {"Completed", ICON_OK},
        {"Failed", ICON_BAD},
        {"InvalidImageName", ICON_BAD},
        {"CrashLoopBackOff", ICON_BAD},
        {"ImagePullBackOff", ICON_WARNING},
        {"RegistryUnavailable", ICON_WARNING},
        {"Unknown", ICON_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i].s, status))
            return map[i].icon;
    return " ";
}

/* ---- pods (info/pod_info.go newPodInfo) ---- */

typedef struct {
    const cJSON *pod;
    const char *name;
    int64_t created;
    char status[128];
    const char *icon;
    char ready[32];
    int restarts;
} pod_info;

static int64_t created_ms(const cJSON *o)
{
    int64_t t;
    const char *ts = cj_str(o, "metadata.creationTimestamp");
    return ts && co_time_parse(ts, &t) == 0 ? t : INT64_MIN;
}

static bool sidecar(const cJSON *pod, const char *name)
{
    const cJSON *c;
    bool always = false;
    cJSON_ArrayForEach(c, cj_get(pod, "spec.initContainers"))
    {
        if (!strcmp(cj_str0(c, "name"), name))
            always = !strcmp(cj_str0(c, "restartPolicy"), "Always"); /* a later duplicate wins, as in a Go map */
    }
    return always;
}

static void pod_info_of(const cJSON *pod, pod_info *pi)
{
    memset(pi, 0, sizeof *pi);
    pi->pod = pod;
    pi->name = cj_str0(pod, "metadata.name");
    pi->created = created_ms(pod);
    int restarts = 0, ready = 0;
    int total = cJSON_GetArraySize(cj_get(pod, "spec.containers"));
    char *reason = pi->status;
    const size_t rn = sizeof pi->status;
    snprintf(reason, rn, "%s", cj_str0(pod, "status.phase"));
    if (cj_str0(pod, "status.reason")[0])
        snprintf(reason, rn, "%s", cj_str0(pod, "status.reason"));

    bool initializing = false;
    const cJSON *ics = cj_get(pod, "status.initContainerStatuses");
    int ninit = cJSON_GetArraySize(cj_get(pod, "spec.initContainers"));
    int i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, ics)
    {
        restarts += cj_int(c, "restartCount", 0);
        const cJSON *term = cj_get(c, "state.terminated");
        bool terminated = term && !cJSON_IsNull(term);
        const char *waiting = cj_str0(c, "state.waiting.reason");
        if (terminated && cj_int(term, "exitCode", 0) == 0) {
            i++;
            continue;
        }
        if (terminated) {
            if (!cj_str0(term, "reason")[0]) {
                if (cj_int(term, "signal", 0) != 0)
                    snprintf(reason, rn, "Init:Signal:%d", cj_int(term, "signal", 0));
                else
                    snprintf(reason, rn, "Init:ExitCode:%d", cj_int(term, "exitCode", 0));
            } else {
                snprintf(reason, rn, "Init:%s", cj_str0(term, "reason"));
            }
            initializing = true;
        } else if (sidecar(pod, cj_str0(c, "name")) && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "started"))) {
            if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "ready"))) {
                i++;
                continue;
            }
        } else if (present(c, "state.waiting") && waiting[0] && strcmp(waiting, "PodInitializing")) {
            snprintf(reason, rn, "Init:%s", waiting);
            initializing = true;
        } else {
            snprintf(reason, rn, "Init:%d/%d", i, ninit);
            initializing = true;
        }
        break;
    }
    if (!initializing) {
        restarts = 0;
        bool has_running = false;
        const cJSON *cs = cj_get(pod, "status.containerStatuses");
        for (int k = cJSON_GetArraySize(cs) - 1; k >= 0; k--) {
            const cJSON *ct = cJSON_GetArrayItem(cs, k);
            restarts += cj_int(ct, "restartCount", 0);
            const cJSON *term = cj_get(ct, "state.terminated");
            bool terminated = term && !cJSON_IsNull(term);
            if (present(ct, "state.waiting") && cj_str0(ct, "state.waiting.reason")[0]) {
                snprintf(reason, rn, "%s", cj_str0(ct, "state.waiting.reason"));
            } else if (terminated && cj_str0(term, "reason")[0]) {
                snprintf(reason, rn, "%s", cj_str0(term, "reason"));
            } else if (terminated) {
                if (cj_int(term, "signal", 0) != 0)
                    snprintf(reason, rn, "Signal:%d", cj_int(term, "signal", 0));
                else
                    snprintf(reason, rn, "ExitCode:%d", cj_int(term, "exitCode", 0));
            } else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ct, "ready")) && present(ct, "state.running")) {
                has_running = true;
                ready++;
            }
        }
        if (!strcmp(reason, "Completed") && has_running)
            snprintf(reason, rn, "Running");
    }
    if (present(pod, "metadata.deletionTimestamp"))
        snprintf(reason, rn, "%s", !strcmp(cj_str0(pod, "status.reason"), "NodeLost") ? "Unknown" : "Terminating");
    pi->icon = pod_icon(reason);
    snprintf(pi->ready, sizeof pi->ready, "%d/%d", ready, total);
    pi->restarts = restarts;
}

/* ---- ReplicaSets (info/replicaset_info.go) ---- */

typedef struct {
    const cJSON *rs;
    const char *name, *uid;
    long long revision;
    char status[32];
    const char *icon;
    int replicas, available;
    bool stable, canary, active, preview, ping, pong;
    const char *deadline; /* the scale-down-deadline annotation, NULL when absent or "" */
    pod_info *pods;
    int npods;
} rs_info;

typedef struct {
    rs_info *rs;
    int n;
} rs_infos;

static const cJSON *owner_ref(const cJSON *obj, const char *const *uids, int nuids)
{
    const cJSON *ref;
    cJSON_ArrayForEach(ref, cj_get(obj, "metadata.ownerReferences"))
    {
        for (int i = 0; i < nuids; i++)
            if (!strcmp(cj_str0(ref, "uid"), uids[i]))
                return ref;
    }
    return NULL;
}

static void replicaset_health(const cJSON *rs, char out[32])
{
    double gen = cJSON_IsNumber(cj_get(rs, "metadata.generation")) ? cj_get(rs, "metadata.generation")->valuedouble : 0;
    double obs = cJSON_IsNumber(cj_get(rs, "status.observedGeneration"))
                     ? cj_get(rs, "status.observedGeneration")->valuedouble
                     : 0;
    const cJSON *spec_replicas = cj_get(rs, "spec.replicas");
    bool has_replicas = cJSON_IsNumber(spec_replicas);
    int replicas = has_replicas ? (int)spec_replicas->valuedouble : 0;
    if (gen <= obs) {
        const cJSON *cond, *failure = NULL;
        cJSON_ArrayForEach(cond, cj_get(rs, "status.conditions"))
        {
            if (!strcmp(cj_str0(cond, "type"), "ReplicaFailure")) {
                failure = cond;
                break;
            }
        }
        if (failure && !strcmp(cj_str0(failure, "status"), "True")) {
            snprintf(out, 32, "ReplicaFailure");
            return;
        }
        if (has_replicas && cj_int(rs, "status.availableReplicas", 0) < replicas) {
            snprintf(out, 32, "Progressing");
            return;
        }
    } else {
        snprintf(out, 32, "Progressing");
        return;
    }
    snprintf(out, 32, "%s", has_replicas && replicas == 0 ? "ScaledDown" : "Healthy");
}

static int cmp_rs(const void *a, const void *b)
{
    const rs_info *x = a, *y = b;
    if (x->revision != y->revision)
        return x->revision > y->revision ? -1 : 1;
    return strcmp(x->name, y->name); /* Argo's creationTimestamp comparison has no effect */
}

static int cmp_pod(const void *a, const void *b)
{
    const pod_info *x = a, *y = b;
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    return strcmp(x->name, y->name);
}

static rs_infos replicaset_infos(const cJSON *ro, const cJSON *rss, const cJSON *pods)
{
    rs_infos r = {calloc((size_t)cJSON_GetArraySize(rss) + 1, sizeof(rs_info)), 0};
    const char *ro_uid = cj_str0(ro, "metadata.uid");
    bool canary = present(ro, "spec.strategy.canary"), bluegreen = present(ro, "spec.strategy.blueGreen");
    bool pingpong = canary && present(ro, "spec.strategy.canary.pingPong");
    bool stable_ping = !strcmp(cj_str0(ro, "status.canary.stablePingPong"), "ping");
    const char *stable_rs = cj_str0(ro, "status.stableRS"), *current = cj_str0(ro, "status.currentPodHash");
    const char *active = cj_str0(ro, "status.blueGreen.activeSelector"),
               *preview = cj_str0(ro, "status.blueGreen.previewSelector");
    const cJSON *rs;
    cJSON_ArrayForEach(rs, rss)
    {
        if (!owner_ref(rs, &ro_uid, 1))
            continue;
        rs_info *i = &r.rs[r.n++];
        i->rs = rs;
        i->name = cj_str0(rs, "metadata.name");
        i->uid = cj_str0(rs, "metadata.uid");
        replicaset_health(rs, i->status);
        i->icon = replicaset_icon(i->status);
        i->replicas = cj_int(rs, "status.replicas", 0);
        i->available = cj_int(rs, "status.availableReplicas", 0);
        i->revision = revision_of(rs);
        const cJSON *ann = cj_get(rs, "metadata.annotations");
        const cJSON *dl = cJSON_GetObjectItemCaseSensitive(ann, "scale-down-deadline");
        i->deadline = cJSON_IsString(dl) && dl->valuestring[0] ? dl->valuestring : NULL;
        const cJSON *hl = cJSON_GetObjectItemCaseSensitive(cj_get(rs, "metadata.labels"), "rollouts-pod-template-hash");
        const char *hash = cJSON_IsString(hl) ? hl->valuestring : "";
        if (canary) {
            if (!strcmp(stable_rs, hash)) {
                i->stable = true;
                if (pingpong) {
                    i->ping = stable_ping;
                    i->pong = !stable_ping;
                }
            } else if (!strcmp(current, hash)) {
                i->canary = true;
                if (pingpong) {
                    i->ping = !stable_ping;
                    i->pong = stable_ping;
                }
            }
        }
        if (bluegreen) {
            if (!strcmp(stable_rs, hash))
                i->stable = true;
            if (!strcmp(active, hash))
                i->active = true;
            else if (!strcmp(preview, hash))
                i->preview = true;
        }
    }
    qsort(r.rs, (size_t)r.n, sizeof *r.rs, cmp_rs);

    /* addPodInfos */
    const char **uids = calloc((size_t)r.n + 1, sizeof *uids);
    for (int k = 0; k < r.n; k++)
        uids[k] = r.rs[k].uid;
    const cJSON *pod;
    cJSON_ArrayForEach(pod, pods)
    {
        const cJSON *ref = owner_ref(pod, uids, r.n);
        if (!ref)
            continue;
        for (int k = 0; k < r.n; k++) {
            if (strcmp(r.rs[k].uid, cj_str0(ref, "uid")))
                continue;
            rs_info *i = &r.rs[k];
            i->pods = realloc(i->pods, (size_t)(i->npods + 1) * sizeof *i->pods);
            pod_info_of(pod, &i->pods[i->npods++]);
            break;
        }
    }
    free(uids);
    for (int k = 0; k < r.n; k++)
        if (r.rs[k].npods > 1)
            qsort(r.rs[k].pods, (size_t)r.rs[k].npods, sizeof(pod_info), cmp_pod);
    return r;
}

static void rs_infos_free(rs_infos *r)
{
    for (int k = 0; k < r->n; k++)
        free(r->rs[k].pods);
    free(r->rs);
}

/* The tree characters before a child: getPrefixes. */
static void prefixes(bool last, const char *sub, co_buf *prefix, co_buf *subprefix)
{
    co_buf_adds(prefix, sub);
    co_buf_adds(prefix, last ? TREE_LAST : TREE_MID);
    if (subprefix) {
        co_buf_adds(subprefix, sub);
        co_buf_adds(subprefix, last ? "   " : TREE_PIPE);
    }
}

/* ---- AnalysisRuns (info/analysisrun_info.go) ---- */

#define ICON_ANALYSIS "\xce\xb1" /* α */
#define ICON_JOB "\xe2\x8a\x9e"      /* ⊞ */

static const char *analysis_icon(const char *phase)
{
    if (!strcmp(phase, "Successful"))
        return ICON_OK;
    if (!strcmp(phase, "Inconclusive"))
        return ICON_UNKNOWN;
    if (!strcmp(phase, "Failed"))
        return ICON_BAD;
    if (!strcmp(phase, "Error"))
        return ICON_WARNING;
    if (!strcmp(phase, "Running"))
        return ICON_PROGRESSING;
    if (!strcmp(phase, "Pending"))
        return ICON_WAITING;
    return " ";
}

typedef struct {
    const cJSON *run;
    const char *name, *status, *icon;
    int64_t created;
    long long revision;
    int successful, failed, inconclusive, error;
} ar_info;

typedef struct {
    ar_info *ar;
    int n;
} ar_infos;

static int cmp_ar(const void *a, const void *b)
{
    const ar_info *x = a, *y = b;
    if (x->revision != y->revision)
        return x->revision > y->revision ? -1 : 1;
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    return strcmp(y->name, x->name); /* Argo: name descending */
}

static ar_infos analysisrun_infos(const cJSON *ro, const cJSON *ars)
{
    ar_infos r = {calloc((size_t)cJSON_GetArraySize(ars) + 1, sizeof(ar_info)), 0};
    const char *ro_uid = cj_str0(ro, "metadata.uid");
    const cJSON *run;
    cJSON_ArrayForEach(run, ars)
    {
        if (!owner_ref(run, &ro_uid, 1))
            continue;
        ar_info *i = &r.ar[r.n++];
        i->run = run;
        i->name = cj_str0(run, "metadata.name");
        i->created = created_ms(run);
        i->status = cj_str0(run, "status.phase");
        i->icon = analysis_icon(i->status);
        i->revision = revision_of(run);
        const cJSON *mr;
        cJSON_ArrayForEach(mr, cj_get(run, "status.metricResults"))
        {
            i->successful += cj_int(mr, "successful", 0);
            i->failed += cj_int(mr, "failed", 0);
            i->inconclusive += cj_int(mr, "inconclusive", 0);
            i->error += cj_int(mr, "error", 0);
        }
    }
    qsort(r.ar, (size_t)r.n, sizeof *r.ar, cmp_ar);
    return r;
}

static void print_analysisrun(ci_tab *w, const ar_info *ar, const char *prefix, const char *subprefix, int64_t now_ms,
                              bool color)
{
    co_buf name = {0}, infos = {0};
    colorize_as(&name, color, ar->name, ar->status);
    const struct {
        int n;
        const char *icon;
    } counts[] = {
        {ar->successful, ICON_OK}, {ar->failed, ICON_BAD}, {ar->inconclusive, ICON_UNKNOWN}, {ar->error, ICON_WARNING}};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        if (counts[k].n <= 0)
            continue;
        if (infos.len)
            co_buf_adds(&infos, ",");
        colorize_as(&infos, color, counts[k].icon, counts[k].icon);
        co_buf_printf(&infos, " %d", counts[k].n);
    }
    char age[32];
    ci_age(ar->run, now_ms, age);
    char *icon = colorized(color, ar->icon);
    ci_tab_printf(w, "%s%s %s\t%s\t%s %s\t%s\t%s\n", prefix, ICON_ANALYSIS, name.data, "AnalysisRun", icon, ar->status,
                  age, infos.data ? infos.data : "");
    free(icon);
    /* the Job measurements (metadata job-name), metric by metric */
    int njobs = 0, k = 0;
    const cJSON *mr, *m;
    cJSON_ArrayForEach(mr, cj_get(ar->run, "status.metricResults"))
    {
        cJSON_ArrayForEach(m, cj_get(mr, "measurements"))
        {
            njobs += cJSON_IsString(cJSON_GetObjectItemCaseSensitive(cj_get(m, "metadata"), "job-name"));
        }
    }
    cJSON_ArrayForEach(mr, cj_get(ar->run, "status.metricResults"))
    {
        cJSON_ArrayForEach(m, cj_get(mr, "measurements"))
        {
            const cJSON *job = cJSON_GetObjectItemCaseSensitive(cj_get(m, "metadata"), "job-name");
            if (!cJSON_IsString(job))
                continue;
            co_buf jp = {0}, jname = {0};
            prefixes(++k == njobs, subprefix, &jp, NULL);
            const char *phase = cj_str0(m, "phase");
            colorize_as(&jname, color, job->valuestring, phase);
            since(cj_str(m, "startedAt"), now_ms, age);
            char *jicon = colorized(color, analysis_icon(phase));
            ci_tab_printf(w, "%s%s %s\t%s\t%s %s\t%s\t%s\n", jp.data, ICON_JOB, jname.data, "Job", jicon, phase, age,
                          "");
            free(jicon);
            co_buf_free(&jp);
            co_buf_free(&jname);
        }
    }
    co_buf_free(&name);
    co_buf_free(&infos);
}

/* ---- the rollout (info/rollout_info.go) ---- */

void ci_rollout_phase(const cJSON *ro, char phase[32], char *message, size_t n) { ro_get_phase(ro, phase, message, n); }

void ci_rollout_step(const cJSON *ro, char out[32])
{
    out[0] = 0;
    const cJSON *idx = cj_get(ro, "status.currentStepIndex");
    int nsteps = cJSON_GetArraySize(cj_get(ro, "spec.strategy.canary.steps"));
    if (cJSON_IsNumber(idx) && nsteps > 0)
        snprintf(out, 32, "%d/%d", (int)idx->valuedouble, nsteps);
}

static void weights(const cJSON *ro, const rs_infos *infos, char set_weight[16], char actual[16])
{
    set_weight[0] = actual[0] = 0;
    if (!present(ro, "spec.strategy.canary"))
        return;
    snprintf(set_weight, 16, "%d", ro_canary_current_set_weight(ro));
    snprintf(actual, 16, "0");
    int max = ro_canary_max_weight(ro);
    int avail = cj_int(ro, "status.availableReplicas", 0);
    if (!ro_canary_current_step(ro, NULL)) {
        snprintf(actual, 16, "%d", max);
    } else if (avail > 0) {
        if (!present(ro, "spec.strategy.canary.trafficRouting")) {
            for (int k = 0; k < infos->n; k++)
                if (infos->rs[k].canary)
                    snprintf(actual, 16, "%d", infos->rs[k].available * max / avail);
        } else if (present(ro, "status.canary.weights")) {
            snprintf(actual, 16, "%d", cj_int(ro, "status.canary.weights.canary.weight", 0));
        } else {
            snprintf(actual, 16, "%s", set_weight);
        }
    }
}

/* info.Images: the images of the ReplicaSets with pods, with their roles, sorted by image. */
#define MAX_TAGS 6
typedef struct {
    const char *image;
    const char *tags[MAX_TAGS];
    int ntags;
} image_info;

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static int cmp_image(const void *a, const void *b)
{
    return strcmp(((const image_info *)a)->image, ((const image_info *)b)->image);
}

static void merge_image(image_info *images, int *n, const image_info *img)
{
    int found = -1;
    for (int k = 0; k < *n; k++)
        if (!strcmp(images[k].image, img->image)) {
            found = k;
            break;
        }
    if (found < 0) {
        images[(*n)++] = *img;
    } else { /* mergeTags: the union, sorted */
        image_info *e = &images[found];
        for (int t = 0; t < img->ntags; t++) {
            bool have = false;
            for (int u = 0; u < e->ntags; u++)
                have |= !strcmp(e->tags[u], img->tags[t]);
            if (!have && e->ntags < MAX_TAGS)
                e->tags[e->ntags++] = img->tags[t];
        }
        qsort(e->tags, (size_t)e->ntags, sizeof e->tags[0], cmp_str);
    }
    qsort(images, (size_t)*n, sizeof *images, cmp_image);
}

static void print_field(FILE *out, const char *key, const char *value) { fprintf(out, "%-17s%s\n", key, value); }

static void print_image(FILE *out, const char *key, const image_info *img, bool color)
{
    co_buf b = {0};
    co_buf_adds(&b, img->image);
    if (img->ntags > 0) {
        co_buf_adds(&b, " (");
        for (int t = 0; t < img->ntags; t++) {
            if (t)
                co_buf_adds(&b, ", ");
            colorize_as(&b, color, img->tags[t], img->tags[t]);
        }
        co_buf_adds(&b, ")");
    }
    print_field(out, key, b.data);
    co_buf_free(&b);
}

static void print_replicaset(ci_tab *w, const rs_info *rs, const char *prefix, const char *subprefix, int64_t now_ms,
                             bool color)
{
    co_buf infos = {0}, name = {0};
    char *n = strdup(rs->name);
    const char *tags[4];
    int ntags = 0;
    if (rs->stable)
        tags[ntags++] = "stable";
    if (rs->canary)
        tags[ntags++] = "canary";
    else if (rs->active)
        tags[ntags++] = "active";
    else if (rs->preview)
        tags[ntags++] = "preview";
    if (rs->ping)
        tags[ntags++] = "ping";
    if (rs->pong)
        tags[ntags++] = "pong";
    for (int t = 0; t < ntags; t++) {
        if (infos.len)
            co_buf_adds(&infos, ",");
        colorize_as(&infos, color, tags[t], tags[t]);
        co_buf wrapped = {0};
        colorize_as(&wrapped, color, n, tags[t]); /* the name takes each role's colour in turn */
        free(n);
        n = co_buf_take(&wrapped);
    }
    co_buf_adds(&name, n);
    free(n);
    if (rs->deadline) {
        int64_t deadline;
        char delay[32] = "";
        if (co_time_parse(rs->deadline, &deadline) == 0) {
            if (deadline < now_ms)
                snprintf(delay, sizeof delay, "passed");
            else
                co_human_duration(deadline - now_ms, delay, 32);
        }
        if (infos.len)
            co_buf_adds(&infos, ",");
        co_buf_printf(&infos, "delay:%s", delay);
    }
    char age[32];
    ci_age(rs->rs, now_ms, age);
    char *icon = colorized(color, rs->icon);
    ci_tab_printf(w, "%s%s %s\t%s\t%s %s\t%s\t%s\n", prefix, ICON_REPLICASET, name.data, "ReplicaSet", icon, rs->status,
                  age, infos.data ? infos.data : "");
    free(icon);
    for (int p = 0; p < rs->npods; p++) {
        const pod_info *pi = &rs->pods[p];
        co_buf pp = {0};
        prefixes(p == rs->npods - 1, subprefix, &pp, NULL);
        char pinfo[96];
        if (pi->restarts > 0)
            snprintf(pinfo, sizeof pinfo, "ready:%s,restarts:%d", pi->ready, pi->restarts);
        else
            snprintf(pinfo, sizeof pinfo, "ready:%s", pi->ready);
        ci_age(pi->pod, now_ms, age);
        char *picon = colorized(color, pi->icon);
        ci_tab_printf(w, "%s%s %s\t%s\t%s %s\t%s\t%s\n", pp.data, ICON_POD, pi->name, "Pod", picon, pi->status, age,
                      pinfo);
        free(picon);
        co_buf_free(&pp);
    }
    co_buf_free(&infos);
    co_buf_free(&name);
}

static int cmp_rev_desc(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x > y ? -1 : x < y;
}

void ci_print_rollout(FILE *out, const cJSON *ro, const cJSON *rss, const cJSON *pods, const cJSON *ars, int64_t now_ms,
                      bool color)
{
    rs_infos infos = replicaset_infos(ro, rss, pods);
    ar_infos runs = analysisrun_infos(ro, ars);
    char phase[32], message[4096], step[32], set_weight[16], actual[16];
    ci_rollout_phase(ro, phase, message, sizeof message);
    const char *icon = rollout_icon(phase);
    const char *strategy = present(ro, "spec.strategy.canary")      ? "Canary"
                           : present(ro, "spec.strategy.blueGreen") ? "BlueGreen"
                                                                    : "";

    print_field(out, "Name:", cj_str0(ro, "metadata.name"));
    print_field(out, "Namespace:", cj_str0(ro, "metadata.namespace"));
    char *cicon = colorized(color, icon);
    fprintf(out, "%-17s%s %s\n", "Status:", cicon, phase);
    free(cicon);
    if (message[0])
        print_field(out, "Message:", message);
    print_field(out, "Strategy:", strategy);
    if (!strcmp(strategy, "Canary")) {
        ci_rollout_step(ro, step);
        weights(ro, &infos, set_weight, actual);
        print_field(out, "  Step:", step);
        print_field(out, "  SetWeight:", set_weight);
        print_field(out, "  ActualWeight:", actual);
    }

    image_info images[64];
    int nimages = 0;
    for (int k = 0; k < infos.n; k++) {
        const rs_info *rs = &infos.rs[k];
        if (rs->replicas <= 0)
            continue;
        const cJSON *c;
        cJSON_ArrayForEach(c, cj_get(rs->rs, "spec.template.spec.containers"))
        {
            image_info img = {.image = cj_str0(c, "image")};
            if (rs->canary)
                img.tags[img.ntags++] = "canary";
            if (rs->stable)
                img.tags[img.ntags++] = "stable";
            if (rs->active)
                img.tags[img.ntags++] = "active";
            if (rs->preview)
                img.tags[img.ntags++] = "preview";
            if (rs->ping)
                img.tags[img.ntags++] = "ping";
            if (rs->pong)
                img.tags[img.ntags++] = "pong";
            if (nimages < (int)(sizeof images / sizeof images[0]))
                merge_image(images, &nimages, &img);
        }
    }
    for (int k = 0; k < nimages; k++)
        print_image(out, k == 0 ? "Images:" : "", &images[k], color);

    char num[16];
    fputs("Replicas:\n", out);
    const cJSON *replicas = cj_get(ro, "spec.replicas");
    snprintf(num, sizeof num, "%d", cJSON_IsNumber(replicas) ? (int)replicas->valuedouble : 1);
    print_field(out, "  Desired:", num);
    snprintf(num, sizeof num, "%d", cj_int(ro, "status.replicas", 0));
    print_field(out, "  Current:", num);
    snprintf(num, sizeof num, "%d", cj_int(ro, "status.updatedReplicas", 0));
    print_field(out, "  Updated:", num);
    snprintf(num, sizeof num, "%d", cj_int(ro, "status.readyReplicas", 0));
    print_field(out, "  Ready:", num);
    snprintf(num, sizeof num, "%d", cj_int(ro, "status.availableReplicas", 0));
    print_field(out, "  Available:", num);
    fputs("\n", out);

    /* the tree */
    ci_tab *w = ci_tab_new(0, 2);
    ci_tab_printf(w, "%s\t%s\t%s\t%s\t%s\n", "NAME", "KIND", "STATUS", "AGE", "INFO");
    char age[32];
    ci_age(ro, now_ms, age);
    cicon = colorized(color, icon);
    ci_tab_printf(w, "%s %s\t%s\t%s %s\t%s\t%s\n", ICON_ROLLOUT, cj_str0(ro, "metadata.name"), "Rollout", cicon, phase,
                  age, "");
    free(cicon);
    long long *revs = calloc((size_t)(infos.n + runs.n) + 1, sizeof *revs);
    int nrevs = 0;
    for (int k = 0; k < infos.n + runs.n; k++) {
        long long rev = k < infos.n ? infos.rs[k].revision : runs.ar[k - infos.n].revision;
        bool seen = false;
        for (int r = 0; r < nrevs; r++)
            seen |= revs[r] == rev;
        if (!seen)
            revs[nrevs++] = rev;
    }
    qsort(revs, (size_t)nrevs, sizeof *revs, cmp_rev_desc);
    for (int r = 0; r < nrevs; r++) {
        co_buf prefix = {0}, sub = {0};
        prefixes(r == nrevs - 1, "", &prefix, &sub);
        ci_tab_printf(w, "%s%s revision:%lld\t\t \t\t\n", prefix.data, ICON_REVISION, revs[r]);
        int total = 0, curr = 0;
        for (int k = 0; k < infos.n; k++)
            total += infos.rs[k].revision == revs[r];
        for (int k = 0; k < runs.n; k++)
            total += runs.ar[k].revision == revs[r];
        for (int k = 0; k < infos.n; k++) {
            if (infos.rs[k].revision != revs[r])
                continue;
            co_buf cp = {0}, cs = {0};
            prefixes(curr == total - 1, sub.data, &cp, &cs);
            print_replicaset(w, &infos.rs[k], cp.data, cs.data, now_ms, color);
            co_buf_free(&cp);
            co_buf_free(&cs);
            curr++;
        }
        for (int k = 0; k < runs.n; k++) {
            if (runs.ar[k].revision != revs[r])
                continue;
            co_buf cp = {0}, cs = {0};
            prefixes(curr == total - 1, sub.data, &cp, &cs);
            print_analysisrun(w, &runs.ar[k], cp.data, cs.data, now_ms, color);
            co_buf_free(&cp);
            co_buf_free(&cs);
            curr++;
        }
        co_buf_free(&prefix);
        co_buf_free(&sub);
    }
    free(revs);
    ci_tab_flush(w, out);
    ci_tab_free(w);
    rs_infos_free(&infos);
    free(runs.ar);
}

/* ---- list rollouts (cmd/list/rollloutinfo.go) ---- */

void ci_list_row_of(const cJSON *ro, ci_list_row *r)
{
    memset(r, 0, sizeof *r);
    r->ns = cj_str0(ro, "metadata.namespace");
    r->name = cj_str0(ro, "metadata.name");
    snprintf(r->strategy, sizeof r->strategy, "unknown");
    snprintf(r->step, sizeof r->step, "-");
    snprintf(r->set_weight, sizeof r->set_weight, "-");
    if (present(ro, "spec.strategy.canary")) {
        snprintf(r->strategy, sizeof r->strategy, "Canary");
        char step[32];
        ci_rollout_step(ro, step);
        if (step[0])
            snprintf(r->step, sizeof r->step, "%s", step);
        snprintf(r->set_weight, sizeof r->set_weight, "%d", ro_canary_current_set_weight(ro));
    } else if (present(ro, "spec.strategy.blueGreen")) {
        snprintf(r->strategy, sizeof r->strategy, "BlueGreen");
    }
    char message[8];
    ci_rollout_phase(ro, r->status, message, sizeof message);
    const cJSON *replicas = cj_get(ro, "spec.replicas");
    r->desired = cJSON_IsNumber(replicas) ? (int)replicas->valuedouble : 1;
    snprintf(r->ready, sizeof r->ready, "%d/%d", cj_int(ro, "status.readyReplicas", 0), cj_int(ro, "status.replicas", 0));
    r->up_to_date = cj_int(ro, "status.updatedReplicas", 0);
    r->available = cj_int(ro, "status.availableReplicas", 0);
}

bool ci_list_row_equal(const ci_list_row *a, const ci_list_row *b)
{
    return !strcmp(a->ns, b->ns) && !strcmp(a->name, b->name) && !strcmp(a->strategy, b->strategy) &&
           !strcmp(a->status, b->status) && !strcmp(a->step, b->step) && !strcmp(a->set_weight, b->set_weight) &&
           !strcmp(a->ready, b->ready) && a->desired == b->desired && a->up_to_date == b->up_to_date &&
           a->available == b->available;
}

void ci_list_header(ci_tab *t, bool all_ns, bool timestamps)
{
    ci_tab_printf(t, "%s%s%s", timestamps ? "TIMESTAMP\t" : "", all_ns ? "NAMESPACE\t" : "",
                  "NAME\tSTRATEGY\tSTATUS\tSTEP\tSET-WEIGHT\tREADY\tDESIRED\tUP-TO-DATE\tAVAILABLE\n");
}

void ci_list_row_write(ci_tab *t, const ci_list_row *r, bool all_ns, const char *timestamp)
{
    if (timestamp)
        ci_tab_printf(t, "%-20s\t", timestamp);
    if (all_ns)
        ci_tab_printf(t, "%-9s\t", r->ns);
    ci_tab_printf(t, "%-10s\t%-9s\t%-12s\t%-4s\t%-10s\t%-5s\t%-7d\t%-10d\t%-9d\n", r->name, r->strategy, r->status,
                  r->step, r->set_weight, r->ready, r->desired, r->up_to_date, r->available);
}
