/* status.c: `status NAME [-w=true|false] [-t TIMEOUT]`, as `kubectl argo rollouts status`
 * (pkg/kubectl-argo-rollouts/cmd/status/status.go).
 *
 * Without --watch: one line, "Healthy", "Degraded" or "<Status> - <Message>"; exit 1 only for
 * Degraded. With --watch (the default): "<Status>" or "<Status> - <Message>" each time that line
 * changes, until Healthy (exit 0), Degraded (exit 1, "The rollout is in a degraded state with
 * message: <msg>") or the timeout (exit 1, "Rollout status watch exceeded timeout"). The status
 * is Argo's GetRolloutPhase of the Rollout (ro_get_phase), so a spec change the controller has
 * not observed yet reads "Progressing - waiting for rollout spec update to be observed".
 *
 * The watch is a watch on the one Rollout (fieldSelector metadata.name=NAME), resumed from the
 * last resourceVersion seen when the stream ends, and started afresh (the current state arrives
 * as ADDED) when the server answers 410 Gone, as an informer re-lists. */
#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "controller/actions.h"
#include "controller/rollout/status.h"

static int usage_text(const cli_opts *o, FILE *out)
{
    fprintf(out,
            "Watch rollout until it finishes or the timeout is exceeded. Returns success if\n"
            "the rollout is healthy upon completion and an error otherwise.\n"
            "\n"
            "Usage:\n"
            "  %s status ROLLOUT_NAME [flags]\n"
            "\n"
            "Examples:\n"
            "  # Watch the rollout until it succeeds\n"
            "  %s status guestbook\n"
            "\n"
            "  # Show the rollout status\n"
            "  %s status guestbook --watch=false\n"
            "\n"
            "  # Watch the rollout until it succeeds, fail if it takes more than 60 seconds\n"
            "  %s status --timeout 60s guestbook\n"
            "\n"
            "Flags:\n"
            "  -h, --help               help for status\n"
            "  -t, --timeout duration   The length of time to watch before giving up. Non-zero values should\n"
            "                           contain a corresponding time unit (e.g. 1s, 2m, 3h). Zero means wait\n"
            "                           forever\n"
            "  -w, --watch              Watch the status of the rollout until it's done (default true)\n",
            o->prog, o->prog, o->prog, o->prog);
    return 0;
}

static int64_t now_ms(const cli_opts *o)
{
    return co_clock_now_ms(o->clock ? o->clock : co_clock_real());
}

/* Waits ms of real time (the watch itself waits in real time too). */
static void nap(int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

typedef struct {
    cli_opts *o;
    char line[1200]; /* the last line printed (watch) */
    char phase[32];
    char message[1024];
} status_state;

/* Computes the rollout's status; with watch, prints the line when it changed. Returns 1 when the
   status is terminal (Healthy or Degraded). */
static int observe(status_state *s, const cJSON *ro, bool watch)
{
    ro_get_phase(ro, s->phase, s->message, sizeof s->message);
    if (watch) {
        char line[sizeof s->line];
        if (s->message[0])
            snprintf(line, sizeof line, "%s - %s", s->phase, s->message);
        else
            snprintf(line, sizeof line, "%s", s->phase);
        if (strcmp(line, s->line)) {
            fprintf(s->o->out, "%s\n", line);
            fflush(s->o->out);
            snprintf(s->line, sizeof s->line, "%s", line);
        }
    }
    return !strcmp(s->phase, RO_PHASE_HEALTHY) || !strcmp(s->phase, RO_PHASE_DEGRADED);
}

static const char *rv_of(const cJSON *obj)
{
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *rv = cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");
    return cJSON_IsString(rv) ? rv->valuestring : NULL;
}

/* The end of a watch: Argo checks the final status again (Degraded first), else the timeout. */
static int finish(status_state *s, bool deleted, const char *name)
{
    if (deleted)
        return cli_fail(s->o, "rollouts.argoproj.io \"%s\" not found", name);
    if (!strcmp(s->phase, RO_PHASE_DEGRADED))
        return cli_fail(s->o, "The rollout is in a degraded state with message: %s", s->message);
    if (strcmp(s->phase, RO_PHASE_HEALTHY))
        return cli_fail(s->o, "Rollout status watch exceeded timeout");
    return 0;
}

static int watch_status(status_state *s, kube_client *c, const char *ns, const char *name, const char *rv0,
                        int64_t deadline)
{
    cli_opts *o = s->o;
    char rv[64];
    snprintf(rv, sizeof rv, "%s", rv0 ? rv0 : "");
    char selector[300];
    snprintf(selector, sizeof selector, "metadata.name=%s", name);
    bool deleted = false;
    int failures = 0; /* consecutive failed (re)connections, for the backoff */
    kube_watch *w = NULL;
    for (;;) {
        int64_t left = deadline - now_ms(o);
        if (left <= 0)
            break;
        if (!w) {
            kube_status st;
            kube_watch_opts wo = {.resource_version = rv, .field_selector = selector, .bookmarks = 1};
            w = kube_watch_open(c, &ro_rollouts_gvr, ns, &wo, &st);
            if (!w) {
                if (st.code == 410) {
                    rv[0] = 0; /* too old: start again from the current state (a re-list) */
                    continue;
                }
                if (o->verbose)
                    fprintf(o->err, "status: watch failed (%s), retrying\n", cli_status_text(&st));
                /* as an informer: keep trying, backing off to 5 s between attempts */
                int64_t wait = failures < 4 ? 250LL << failures : 5000;
                failures++;
                left = deadline - now_ms(o);
                nap(wait < left ? wait : left);
                continue;
            }
        }
        char type[16];
        cJSON *obj = NULL;
        kube_status st;
        int r = kube_watch_next(w, (int)(left < 1000 ? left : 1000), type, &obj, &st);
        if (r == 0)
            continue;
        if (r < 0) {
            /* the stream ended (server timeout, restart, dropped connection): resume from rv */
            kube_watch_close(w);
            w = NULL;
            if (o->verbose)
                fprintf(o->err, "status: watch ended (%s), reconnecting\n", cli_status_text(&st));
            if (st.code != 200) { /* not a clean close: do not spin */
                int64_t wait = failures < 4 ? 250LL << failures : 5000;
                failures++;
                left = deadline - now_ms(o);
                nap(wait < left ? wait : left);
            }
            continue;
        }
        failures = 0;
        int done = 0;
        if (!strcmp(type, "ERROR")) {
            kube_watch_close(w);
            w = NULL;
            if (st.code == 410)
                rv[0] = 0; /* expired: re-list */
            else {
                if (o->verbose)
                    fprintf(o->err, "status: watch error (%s), reconnecting\n", cli_status_text(&st));
                nap(250 < left ? 250 : left);
            }
        } else {
            const char *orv = rv_of(obj);
            if (orv)
                snprintf(rv, sizeof rv, "%s", orv);
            if (!strcmp(type, "DELETED"))
                deleted = true; /* Argo keeps waiting: it may come back */
            else if (!strcmp(type, "ADDED") || !strcmp(type, "MODIFIED")) {
                deleted = false;
                done = observe(s, obj, true);
            }
        }
        cJSON_Delete(obj);
        if (done)
            break;
    }
    kube_watch_close(w);
    return finish(s, deleted, name);
}

int cli_status(cli_opts *o, int argc, char **argv)
{
    bool watch = true;
    int64_t timeout_ns = 0;
    const char *name = NULL;
    int npos = 0;
    bool flags_done = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (flags_done || a[0] != '-' || !a[1]) {
            if (!npos++)
                name = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            flags_done = true;
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            return usage_text(o, o->out);
        /* -w / --watch[=BOOL] / -w=BOOL */
        if (!strcmp(a, "-w") || !strcmp(a, "--watch")) {
            watch = true;
            continue;
        }
        if (!strncmp(a, "--watch=", 8) || !strncmp(a, "-w=", 3)) {
            const char *v = strchr(a, '=') + 1;
            if (cli_parse_bool(v, &watch) != 0)
                return cli_usage(o, "status",
                                 "invalid argument \"%s\" for \"-w, --watch\" flag: strconv.ParseBool: parsing \"%s\": "
                                 "invalid syntax",
                                 v, v);
            continue;
        }
        /* -t DUR / -tDUR / -t=DUR / --timeout DUR / --timeout=DUR */
        const char *v = NULL;
        if (!strcmp(a, "-t") || !strcmp(a, "--timeout")) {
            if (i + 1 >= argc)
                return !strcmp(a, "-t") ? cli_usage(o, "status", "flag needs an argument: 't' in -t")
                                        : cli_usage(o, "status", "flag needs an argument: --timeout");
            v = argv[++i];
        } else if (!strncmp(a, "--timeout=", 10))
            v = a + 10;
        else if (!strncmp(a, "-t", 2))
            v = a[2] == '=' ? a + 3 : a + 2;
        if (v) {
            bool missing_unit;
            if (co_parse_go_duration(v, &timeout_ns, &missing_unit) != 0)
                return cli_usage(o, "status", "invalid argument \"%s\" for \"-t, --timeout\" flag: time: %s \"%s\"", v,
                                 missing_unit ? "missing unit in duration" : "invalid duration", v);
            continue;
        }
        if (a[1] == '-')
            return cli_usage(o, "status", "unknown flag: %s", a);
        return cli_usage(o, "status", "unknown shorthand flag: '%c' in %s", a[1], a);
    }
    if (npos == 0)
        return cli_usage(o, "status", "status needs a rollout name");
    if (npos > 1)
        return cli_usage(o, "status", "status takes exactly one rollout name, got %d arguments", npos);

    kube_client *c;
    const char *ns;
    if (cli_connect(o, &c, &ns) != 0)
        return 1;
    kube_status st;
    cJSON *ro = kube_get(c, &ro_rollouts_gvr, ns, name, &st);
    if (!ro) {
        int rc = cli_fail(o, "%s", cli_status_text(&st));
        kube_client_free(c);
        return rc;
    }
    status_state s = {.o = o};
    int rc;
    if (!watch) {
        observe(&s, ro, false);
        if (!strcmp(s.phase, RO_PHASE_HEALTHY) || !strcmp(s.phase, RO_PHASE_DEGRADED))
            fprintf(o->out, "%s\n", s.phase);
        else
            fprintf(o->out, "%s - %s\n", s.phase, s.message);
        fflush(o->out);
        rc = !strcmp(s.phase, RO_PHASE_DEGRADED)
                 ? cli_fail(o, "The rollout is in a degraded state with message: %s", s.message)
                 : 0;
    } else {
        /* 0 = forever; a negative timeout has already passed (Go's time.Sleep returns at once) */
        int64_t deadline = INT64_MAX;
        if (timeout_ns != 0) {
            int64_t ms = timeout_ns / 1000000;
            if (timeout_ns > 0 && ms == 0)
                ms = 1;
            deadline = now_ms(o) + ms;
        }
        if (observe(&s, ro, true))
            rc = finish(&s, false, name);
        else
            rc = watch_status(&s, c, ns, name, rv_of(ro), deadline);
    }
    cJSON_Delete(ro);
    kube_client_free(c);
    return rc;
}
