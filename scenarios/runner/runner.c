/* runner.c: runs scenarios. In simulation the fake API server is embedded with a virtual clock
 * and the runner is the only thing that moves time: after each step it lets the cluster settle,
 * and a waiting step jumps the clock from one due timer to the next, so a run
 * covers minutes of cluster time in milliseconds and always in the same order. On a real cluster
 * the same steps poll every second and sleep for real; as nothing there says when the cluster is
 * quiet, each check is given time to hold (cluster_timing). Either way the runner is an ordinary
 * API client: every read and write goes over HTTP through libkube. Waits jump to the earliest
 * timer of any component on the clock (co_clock_next_due), so none fires late. */
#include "scenarios/runner/internal.h"

#include "common/buf.h"
#include "common/clock.h"
#include "controller/actions.h"
#include "controller/kube/client.h"
#include "controller/kube/config.h"
#include "controller/rollout/controller.h"
#include "common/yaml.h"
#include "fakeapi/sim/ingress_nginx.h"
#include "scenarios/runner/match.h"

#include <curl/curl.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EPOCH_MS 1767225600000LL /* virtual time starts at 2026-01-01T00:00:00Z */

typedef struct {
    const sc_scenario *s;
    const sc_run_opts *o;
    FILE *out;
    int sim;
    fakeapi *f;
    co_clock *clock;
    int64_t t0;
    kube_client *client;
    kube_client *ctl_client; /* simulation: the in-process controller's own client */
    ro_controller *ctl;
    kube_config ctl_cfg;
    int ctl_writes, ctl_dead, ctl_crashed; /* writes sent; killed, awaiting restart; it happened */
    cJSON *discovery; /* "group/version" -> its resources */
    char ingress[128];
    double scale;   /* cluster: assert timeouts are multiplied by this */
    int64_t settle; /* cluster: every check may take this long to hold (ms) */
    int ns_owned;   /* cluster: the runner made the scenario's namespace and deletes it after */
    co_buf msg;  /* why the current step failed */
    co_buf note; /* what a step found, printed after "ok" (traffic shares) */
} run_ctx;

static void failf(run_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void failf(run_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char line[2048];
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    co_buf_printf(&c->msg, "%s%s", c->msg.len ? "\n" : "", line);
}

static int64_t now_ms(run_ctx *c) { return co_clock_now_ms(c->clock); }

static void elapsed(run_ctx *c, char buf[32])
{
    int64_t s = (now_ms(c) - c->t0) / 1000;
    snprintf(buf, 32, "%02lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60), (long long)(s % 60));
}

/* ---- time ---- */

/* ---- the controller (simulation) ---- */

extern const char *const sc_crd_yaml[]; /* deploy/crds, embedded at build time */
extern const unsigned sc_crd_yaml_count;

/* Simulation: installs Cutover's CRDs and starts the controller in this process, stepped by
 * quiet() on the virtual clock, with its own client (its writes carry its own user agent). */
/* The controller's client counts its writes of state (not Events) and, with crash_before_write,
 * dies at that one. */
static int ctl_intercept(void *ud, const char *method, const char *path)
{
    run_ctx *c = ud;
    if (c->ctl_dead)
        return 1;
    if (!strcmp(method, "GET") || strstr(path, "/events")) /* events are telemetry, not state */
        return 0;
    if (++c->ctl_writes == c->o->crash_before_write && !c->ctl_crashed) {
        c->ctl_dead = c->ctl_crashed = 1;
        c->ctl_writes--; /* never sent */
        return 1;
    }
    return 0;
}

static int new_controller(run_ctx *c, char *err, size_t errlen)
{
    kube_client_opts co = {.clock = c->clock, .qps = -1, .user_agent = "rollouts-controller", .max_retries = -1,
                           .intercept = ctl_intercept, .intercept_ud = c};
    c->ctl_client = kube_client_new(&c->ctl_cfg, &co, err, errlen);
    if (!c->ctl_client)
        return -1;
    ro_controller_opts ro = {.client = c->ctl_client, .clock = c->clock,
                             .log_level = c->o->verbose ? RO_LOG_INFO : RO_LOG_OFF};
    c->ctl = ro_controller_new(&ro, err, errlen);
    return c->ctl ? 0 : -1;
}

static void free_controller(run_ctx *c)
{
    ro_controller_free(c->ctl);
    kube_client_free(c->ctl_client);
    c->ctl = NULL;
    c->ctl_client = NULL;
}

static int start_controller(run_ctx *c, const kube_config *cfg, char *err, size_t errlen)
{
    c->ctl_cfg = *cfg; /* kept for restarts; setup leaves it to teardown */
    static const kube_gvr crds = {"apiextensions.k8s.io", "v1", "customresourcedefinitions", 0};
    for (unsigned i = 0; i < sc_crd_yaml_count; i++) {
        cJSON *docs = yaml_parse_all(sc_crd_yaml[i], strlen(sc_crd_yaml[i]), err, errlen);
        if (!docs)
            return -1;
        const cJSON *d;
        cJSON_ArrayForEach(d, docs)
        {
            kube_status st;
            cJSON *made = kube_create(c->client, &crds, NULL, d, &st);
            if (!made && st.code != 409) {
                snprintf(err, errlen, "installing the CRDs: %s", st.message);
                cJSON_Delete(docs);
                return -1;
            }
            cJSON_Delete(made);
        }
        cJSON_Delete(docs);
    }
    return new_controller(c, err, errlen);
}

/* Waits until every informer of the controller has seen the server's latest write (watches
 * deliver over a socket, so a write may still be in flight). */
static int catch_up(run_ctx *c, kube_controller *kc)
{
    char rv[32];
    snprintf(rv, sizeof rv, "%lld", (long long)fakeapi_resource_version(c->f));
    for (int i = 0; i < 200000; i++) {
        if (kube_controller_pump(kc) >= 0 && kube_controller_caught_up(kc, rv))
            return 0;
        struct timespec ts = {0, 50000};
        nanosleep(&ts, NULL);
    }
    return -1;
}

/* Lets the controller and the simulated cluster act on everything due now, in turns, so the
 * order never depends on timing: the controller reconciles one key at a time, each time with
 * caches holding exactly the server's state; then the simulation settles; until neither has
 * anything left to do. */
static void quiet(run_ctx *c)
{
    if (!c->sim)
        return;
    kube_controller *kc = ro_controller_runtime(c->ctl);
    for (int round = 0; round < 100000; round++) {
        int ran, steps = 0;
        do {
            if (++steps > 2000) { /* a controller that requeues itself forever at one instant */
                failf(c, "the controller did not settle: %d reconciles without the clock moving", steps - 1);
                return;
            }
            if (catch_up(c, kc) != 0) {
                failf(c, "the controller did not catch up with the API server");
                return;
            }
            ran = kube_controller_step_one(kc);
            if (c->ctl_dead) { /* it died mid-reconcile: a fresh controller takes over */
                char err[512];
                free_controller(c);
                c->ctl_dead = 0;
                if (new_controller(c, err, sizeof err) != 0) {
                    failf(c, "restarting the controller: %s", err);
                    return;
                }
                kc = ro_controller_runtime(c->ctl);
                ran = 1;
            }
        } while (ran > 0);
        int64_t before = fakeapi_resource_version(c->f);
        fakeapi_settle(c->f);
        if (fakeapi_resource_version(c->f) == before)
            return;
    }
    failf(c, "the controller and the simulation did not settle");
}

/* Moves time to `when`: in simulation through every timer due before it, in order. */
static void advance_to(run_ctx *c, int64_t when)
{
    if (!c->sim) {
        int64_t wait = when - now_ms(c);
        if (wait > 0) {
            struct timespec ts = {(time_t)(wait / 1000), (long)(wait % 1000) * 1000000};
            nanosleep(&ts, NULL);
        }
        return;
    }
    for (;;) {
        quiet(c);
        int64_t due = co_clock_next_due(c->clock, NULL); /* every component's timers */
        int64_t step = due < when ? due : when;
        if (step > now_ms(c))
            co_clock_advance(c->clock, step - now_ms(c));
        if (step >= when)
            break;
    }
    quiet(c);
}

/* ---- objects ---- */

/* Finds the resource (plural, scope) of apiVersion/kind through discovery, as kubectl does. */
static int resolve(run_ctx *c, const char *api_version, const char *kind, kube_gvr *out, char names[3][128])
{
    for (int attempt = 0; attempt < 2; attempt++) {
        cJSON *list = cJSON_GetObjectItemCaseSensitive(c->discovery, api_version);
        if (!list || attempt == 1) {
            char path[300];
            snprintf(path, sizeof path, strchr(api_version, '/') ? "/apis/%s" : "/api/%s", api_version);
            kube_status st;
            cJSON *fresh = kube_request(c->client, "GET", path, NULL, NULL, &st);
            if (!fresh)
                continue;
            cJSON_DeleteItemFromObjectCaseSensitive(c->discovery, api_version);
            cJSON_AddItemToObject(c->discovery, api_version, fresh);
            list = fresh;
        }
        const cJSON *r;
        cJSON_ArrayForEach(r, cj_get(list, "resources"))
        {
            const char *name = cj_str(r, "name"), *k = cj_str(r, "kind");
            if (name && k && !strchr(name, '/') && !strcmp(k, kind)) {
                const char *slash = strchr(api_version, '/');
                snprintf(names[0], 128, "%.*s", slash ? (int)(slash - api_version) : 0, api_version);
                snprintf(names[1], 128, "%s", slash ? slash + 1 : api_version);
                snprintf(names[2], 128, "%s", name); /* copied: the cache entry may be refreshed */
                out->group = names[0];
                out->version = names[1];
                out->resource = names[2];
                out->namespaced = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "namespaced"));
                return 0;
            }
        }
    }
    failf(c, "the server has no kind %s in %s", kind, api_version);
    return -1;
}

static const char *ns_of(run_ctx *c, const cJSON *obj)
{
    const char *ns = cj_str(obj, "metadata.namespace");
    return ns ? ns : c->s->ns;
}

/* The objects an expectation can match: the named one, or every one of its kind in its namespace.
 * Returns an array (caller frees), or NULL after failf. */
static cJSON *candidates(run_ctx *c, const cJSON *expected)
{
    kube_gvr r;
    char names[3][128];
    if (resolve(c, cj_str(expected, "apiVersion"), cj_str(expected, "kind"), &r, names) != 0)
        return NULL;
    kube_status st;
    const char *name = cj_str(expected, "metadata.name");
    cJSON *arr = cJSON_CreateArray();
    if (name) {
        cJSON *o = kube_get(c->client, &r, ns_of(c, expected), name, &st);
        if (o) {
            cJSON_AddItemToArray(arr, o);
        } else if (st.code != 404) {
            failf(c, "reading %s %s: %s", cj_str(expected, "kind"), name, st.message);
            cJSON_Delete(arr);
            return NULL;
        }
        return arr;
    }
    cJSON *list = kube_list(c->client, &r, r.namespaced ? ns_of(c, expected) : NULL, NULL, &st);
    if (!list) {
        failf(c, "listing %s: %s", cj_str(expected, "kind"), st.message);
        cJSON_Delete(arr);
        return NULL;
    }
    cJSON_Delete(arr);
    arr = cJSON_DetachItemFromObjectCaseSensitive(list, "items");
    cJSON_Delete(list);
    /* a real server leaves apiVersion and kind off the items of built-in lists */
    cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        if (cJSON_IsObject(it) && !cj_str(it, "kind")) {
            cj_set_first(it, "kind", cJSON_CreateString(cj_str(expected, "kind")));
            cj_set_first(it, "apiVersion", cJSON_CreateString(cj_str(expected, "apiVersion")));
        }
    }
    return arr;
}

static int any_match(const cJSON *expected, const cJSON *arr, const cJSON **closest)
{
    int best = -1;
    const cJSON *o;
    cJSON_ArrayForEach(o, arr)
    {
        if (sc_match(expected, o))
            return 1;
        int score = sc_match_score(expected, o);
        if (score > best) {
            best = score;
            *closest = o;
        }
    }
    return 0;
}

/* An occurrence of an Event: the Event and when (firstTimestamp, or lastTimestamp for the last
 * occurrence of a repeated one on a cluster). */
typedef struct {
    const cJSON *e;
    const char *at;
} occurrence;

static int by_time(const void *a, const void *b)
{
    const occurrence *x = a, *y = b;
    int d = strcmp(x->at ? x->at : "", y->at ? y->at : "");
    if (d)
        return d;
    /* the same second: the order the server stored them in (events are rarely rewritten) */
    const char *rx = cj_str(x->e, "metadata.resourceVersion"), *ry = cj_str(y->e, "metadata.resourceVersion");
    long long vx = rx ? atoll(rx) : 0, vy = ry ? atoll(ry) : 0;
    return (vx > vy) - (vx < vy);
}

/* The events about the object ref names (its kind and name), oldest first: an array pointing
 * into *list (free both), or NULL after failf. A repeated event is one Event with a count: in
 * simulation the steps of one virtual instant share its second, and it sorts at its last
 * occurrence; on a cluster, where steps are seconds apart, it is listed at its first occurrence
 * (firstTimestamp) and again at its last (lastTimestamp), the two times it is known to have
 * happened. */
static occurrence *events_of(run_ctx *c, const cJSON *ref, int *n, cJSON **list)
{
    static const kube_gvr events = {"", "v1", "events", 1};
    char sel[600];
    snprintf(sel, sizeof sel, "involvedObject.name=%s,involvedObject.kind=%s",
             cj_str(ref, "metadata.name") ? cj_str(ref, "metadata.name") : "", cj_str(ref, "kind"));
    kube_list_opts lo = {.field_selector = sel};
    kube_status st;
    *n = 0;
    *list = kube_list(c->client, &events, ns_of(c, ref), &lo, &st);
    if (!*list) {
        failf(c, "listing events: %s", st.message);
        return NULL;
    }
    occurrence *ev = calloc(2 * (size_t)cJSON_GetArraySize(cj_get(*list, "items")) + 1, sizeof *ev);
    cJSON *e;
    cJSON_ArrayForEach(e, cj_get(*list, "items"))
    {
        const char *first = cj_str(e, "firstTimestamp"), *last = cj_str(e, "lastTimestamp");
        const cJSON *count = cJSON_GetObjectItemCaseSensitive(e, "count");
        ev[(*n)++] = (occurrence){e, first};
        if (!c->sim && cJSON_IsNumber(count) && count->valuedouble > 1 && first && last && strcmp(first, last))
            ev[(*n)++] = (occurrence){e, last};
    }
    qsort(ev, (size_t)*n, sizeof *ev, by_time);
    return ev;
}

/* The last few events about the object an expectation names, for failure reports. */
static void recent_events(run_ctx *c, const cJSON *expected)
{
    const char *name = cj_str(expected, "metadata.name");
    if (!name)
        return;
    int n;
    cJSON *list;
    occurrence *ev = events_of(c, expected, &n, &list);
    if (!ev)
        return;
    if (n)
        failf(c, "  recent events of %s:", name);
    for (int i = n > 8 ? n - 8 : 0; i < n; i++)
        failf(c, "    %s %s: %s", cj_str(ev[i].e, "type") ? cj_str(ev[i].e, "type") : "",
              cj_str(ev[i].e, "reason") ? cj_str(ev[i].e, "reason") : "",
              cj_str(ev[i].e, "message") ? cj_str(ev[i].e, "message") : "");
    free(ev);
    cJSON_Delete(list);
}

static void report_mismatch(run_ctx *c, const cJSON *expected, const cJSON *closest)
{
    char *want = cJSON_PrintUnformatted(expected);
    failf(c, "  expected: %s", want);
    free(want);
    if (!closest) {
        failf(c, "  actual: no %s%s%s found", cj_str(expected, "kind"), cj_str(expected, "metadata.name") ? " " : "",
              cj_str(expected, "metadata.name") ? cj_str(expected, "metadata.name") : "");
    } else {
        co_buf d = {0};
        sc_diff(expected, closest, &d);
        failf(c, "  closest actual: %s %s; differences:\n%s", cj_str(closest, "kind"), cj_str(closest, "metadata.name"),
              d.data ? d.data : "");
        co_buf_free(&d);
    }
    recent_events(c, expected);
}

/* ---- steps ---- */

static int step_apply(run_ctx *c, const cJSON *objs)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, objs)
    {
        kube_gvr r;
        char names[3][128];
        if (resolve(c, cj_str(o, "apiVersion"), cj_str(o, "kind"), &r, names) != 0)
            return -1;
        const char *ns = r.namespaced ? ns_of(c, o) : NULL, *name = cj_str(o, "metadata.name");
        kube_status st;
        cJSON *have = name ? kube_get(c->client, &r, ns, name, &st) : NULL;
        cJSON *out;
        if (!have) {
            out = kube_create(c->client, &r, ns, o, &st);
        } else {
            /* like kubectl apply for fields the manifest sets: merge them into the live object */
            cJSON *patch = cJSON_Duplicate(o, 1);
            cJSON_DeleteItemFromObjectCaseSensitive(patch, "status");
            char *body = cJSON_PrintUnformatted(patch);
            out = kube_patch(c->client, &r, ns, name, KUBE_PATCH_MERGE, body, NULL, &st);
            free(body);
            cJSON_Delete(patch);
            cJSON_Delete(have);
        }
        if (!out) {
            failf(c, "apply %s %s: %s", cj_str(o, "kind"), name ? name : "", st.message);
            return -1;
        }
        cJSON_Delete(out);
    }
    return 0;
}

static int step_assert(run_ctx *c, const cJSON *body)
{
    const cJSON *expected = cJSON_GetObjectItemCaseSensitive(body, "object");
    int64_t timeout = 30000;
    char derr[128];
    if (cJSON_GetObjectItemCaseSensitive(body, "timeout"))
        sc_parse_duration(cJSON_GetObjectItemCaseSensitive(body, "timeout"), &timeout, derr, sizeof derr);
    if (!c->sim) { /* real time: see cluster_timing */
        timeout = (int64_t)((double)timeout * c->scale);
        if (timeout < c->settle)
            timeout = c->settle;
    }
    int64_t deadline = now_ms(c) + timeout;
    for (;;) {
        quiet(c);
        cJSON *arr = candidates(c, expected);
        if (!arr)
            return -1;
        const cJSON *closest = NULL;
        if (any_match(expected, arr, &closest)) {
            cJSON_Delete(arr);
            return 0;
        }
        if (now_ms(c) >= deadline) {
            failf(c, "not matched within %.1fs", timeout / 1000.0);
            report_mismatch(c, expected, closest);
            cJSON_Delete(arr);
            return -1;
        }
        cJSON_Delete(arr);
        /* simulation: wake at the cluster's next timer; a real cluster: poll every second */
        int64_t next = c->sim ? co_clock_next_due(c->clock, NULL) : now_ms(c) + 1000;
        advance_to(c, next < deadline ? next : deadline);
    }
}

static int step_refute(run_ctx *c, const cJSON *body)
{
    const cJSON *expected = cJSON_GetObjectItemCaseSensitive(body, "object");
    quiet(c);
    cJSON *arr = candidates(c, expected);
    if (!arr)
        return -1;
    const cJSON *closest = NULL;
    int matched = any_match(expected, arr, &closest);
    if (matched) {
        char *want = cJSON_PrintUnformatted(expected);
        failf(c, "an object matches what must not: %s", want);
        free(want);
    }
    cJSON_Delete(arr);
    return matched ? -1 : 0;
}

static int step_events(run_ctx *c, const cJSON *body)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(body, "object");
    quiet(c);
    int n;
    cJSON *list;
    occurrence *ev = events_of(c, ref, &n, &list);
    if (!ev)
        return -1;
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(body, "reasons");
    int k = 0, total = cJSON_GetArraySize(want);
    for (int i = 0; i < n && k < total; i++)
        if (cj_str(ev[i].e, "reason") && !strcmp(cj_str(ev[i].e, "reason"), cJSON_GetArrayItem(want, k)->valuestring))
            k++;
    int ok = k == total;
    if (!ok) {
        co_buf seen = {0};
        for (int i = 0; i < n; i++)
            co_buf_printf(&seen, "%s%s", i ? ", " : "", cj_str(ev[i].e, "reason") ? cj_str(ev[i].e, "reason") : "?");
        failf(c, "reason %s not found in order; the events were: %s", cJSON_GetArrayItem(want, k)->valuestring,
              seen.data ? seen.data : "(none)");
        co_buf_free(&seen);
    }
    free(ev);
    cJSON_Delete(list);
    return ok ? 0 : -1;
}

static size_t collect(char *p, size_t sz, size_t n, void *ud)
{
    co_buf_add(ud, p, sz * n);
    return sz * n;
}

static int step_traffic(run_ctx *c, const cJSON *body)
{
    quiet(c);
    const char *url = cj_str(body, "url");
    const cJSON *rq = cJSON_GetObjectItemCaseSensitive(body, "requests");
    int requests = rq ? rq->valueint : 100;
    /* send to the ingress whatever the URL's host is, as curl --resolve does */
    char host[256] = "";
    int port = 80;
    if (sscanf(url, "http://%255[^:/]:%d", host, &port) < 1) {
        failf(c, "traffic.url: %s: expected http://HOST[:PORT]/PATH", url);
        return -1;
    }
    char connect_to[512];
    snprintf(connect_to, sizeof connect_to, "%s:%d:%s", host, port, c->ingress);
    struct curl_slist *to = curl_slist_append(NULL, connect_to), *headers = NULL;
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(body, "headers"))
    {
        char line[1024];
        snprintf(line, sizeof line, "%s: %s", h->string, h->valuestring);
        headers = curl_slist_append(headers, line);
    }
    cJSON *counts = cJSON_CreateObject();
    CURL *curl = curl_easy_init();
    int failed = 0;
    for (int i = 0; i < requests; i++) {
        co_buf b = {0};
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_CONNECT_TO, to);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
        CURLcode rc = curl_easy_perform(curl);
        long code = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
        char key[512];
        if (rc != CURLE_OK) {
            snprintf(key, sizeof key, "(no answer: %s)", curl_easy_strerror(rc));
            failed = 1;
        } else {
            size_t len = b.len;
            while (len && (b.data[len - 1] == '\n' || b.data[len - 1] == '\r'))
                len--;
            if (code == 200)
                snprintf(key, sizeof key, "%.*s", (int)len, b.data ? b.data : "");
            else
                snprintf(key, sizeof key, "(HTTP %ld)", code);
        }
        co_buf_free(&b);
        cJSON *n = cJSON_GetObjectItemCaseSensitive(counts, key);
        if (n)
            cJSON_SetNumberValue(n, n->valuedouble + 1);
        else
            cJSON_AddNumberToObject(counts, key, 1);
        if (failed)
            break;
    }
    curl_easy_cleanup(curl);
    curl_slist_free_all(to);
    curl_slist_free_all(headers);
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(body, "expect");
    int all_extreme = 1;
    const cJSON *e;
    cJSON_ArrayForEach(e, expect) all_extreme &= e->valuedouble == 0 || e->valuedouble == 100;
    const cJSON *tol = cJSON_GetObjectItemCaseSensitive(body, "tolerance");
    double tolerance = tol ? tol->valuedouble : all_extreme ? 0 : 10;
    int ok = !failed;
    const cJSON *n;
    cJSON_ArrayForEach(n, counts) /* the shares seen, for the step's line */
        co_buf_printf(&c->note, "%s%.0f%% \"%.64s\"", c->note.len ? ", " : "", 100.0 * n->valuedouble / requests, n->string);
    cJSON_ArrayForEach(e, expect)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(counts, e->string);
        double share = 100.0 * (n ? n->valuedouble : 0) / requests;
        if (share < e->valuedouble - tolerance - 1e-9 || share > e->valuedouble + tolerance + 1e-9)
            ok = 0;
    }
    if (!ok) {
        co_buf got = {0};
        cJSON_ArrayForEach(n, counts)
            co_buf_printf(&got, "\n    %5.1f%%  %s", 100.0 * n->valuedouble / requests, n->string);
        char *want = cJSON_PrintUnformatted(expect);
        failf(c, "expected shares %s (tolerance %g points); got:%s", want, tolerance, got.data ? got.data : " nothing");
        free(want);
        co_buf_free(&got);
    }
    cJSON_Delete(counts);
    return ok ? 0 : -1;
}

static int step_patch(run_ctx *c, const cJSON *body)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(body, "object");
    kube_gvr r;
    char names[3][128];
    if (resolve(c, cj_str(ref, "apiVersion"), cj_str(ref, "kind"), &r, names) != 0)
        return -1;
    const char *type = cj_str(body, "type");
    kube_patch_type t = !type || !strcmp(type, "merge") ? KUBE_PATCH_MERGE : !strcmp(type, "json") ? KUBE_PATCH_JSON
                                                                                                  : KUBE_PATCH_STRATEGIC;
    char *patch = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(body, "patch"));
    kube_status st;
    cJSON *out = kube_patch(c->client, &r, r.namespaced ? ns_of(c, ref) : NULL, cj_str(ref, "metadata.name"), t, patch,
                            NULL, &st);
    free(patch);
    if (!out) {
        failf(c, "patch %s %s: %s", cj_str(ref, "kind"), cj_str(ref, "metadata.name"), st.message);
        return -1;
    }
    cJSON_Delete(out);
    return 0;
}

static int step_delete(run_ctx *c, const cJSON *body)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(body, "object");
    kube_gvr r;
    char names[3][128];
    if (resolve(c, cj_str(ref, "apiVersion"), cj_str(ref, "kind"), &r, names) != 0)
        return -1;
    kube_status st;
    cJSON *out = kube_delete(c->client, &r, r.namespaced ? ns_of(c, ref) : NULL, cj_str(ref, "metadata.name"), NULL, &st);
    if (!out) {
        failf(c, "delete %s %s: %s", cj_str(ref, "kind"), cj_str(ref, "metadata.name"), st.message);
        return -1;
    }
    cJSON_Delete(out);
    return 0;
}

/* promote, abort, ... : the same requests the CLI sends (controller/actions.c). */
static int step_action(run_ctx *c, const char *kind, const cJSON *body)
{
    const char *ro = cj_str(body, "rollout"), *ns = c->s->ns;
    kube_status st = {0};
    int rc;
    if (!strcmp(kind, "promote"))
        rc = ro_promote(c->client, ns, ro, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "full")), &st);
    else if (!strcmp(kind, "abort"))
        rc = ro_abort(c->client, ns, ro, &st);
    else if (!strcmp(kind, "retry"))
        rc = ro_retry(c->client, ns, ro, &st);
    else if (!strcmp(kind, "pause"))
        rc = ro_pause(c->client, ns, ro, &st);
    else if (!strcmp(kind, "resume"))
        rc = ro_resume(c->client, ns, ro, &st);
    else if (!strcmp(kind, "restart"))
        rc = ro_restart(c->client, ns, ro, c->clock, NULL, &st);
    else if (!strcmp(kind, "undo")) {
        const cJSON *to = cJSON_GetObjectItemCaseSensitive(body, "toRevision");
        rc = ro_undo(c->client, ns, ro, to ? (int64_t)to->valuedouble : 0, &st);
    } else
        rc = ro_set_image(c->client, ns, ro, cj_str(body, "container"), cj_str(body, "image"), &st);
    if (rc != 0)
        failf(c, "%s %s: %s", kind, ro, st.message);
    return rc;
}

static int run_step(run_ctx *c, const cJSON *step);

/* On a cluster, a check that runs at once in simulation (refute, events, traffic) is retried
 * every second until it holds, for up to the settle time: the step before it may still be
 * propagating (the controller's reconcile, the kubelet, ingress-nginx's configuration sync). */
static int until_settled(run_ctx *c, int (*check)(run_ctx *, const cJSON *), const cJSON *body)
{
    int64_t deadline = now_ms(c) + c->settle;
    for (;;) {
        int rc = check(c, body);
        if (rc == 0 || c->sim || now_ms(c) >= deadline)
            return rc;
        co_buf_free(&c->msg);
        co_buf_free(&c->note);
        advance_to(c, now_ms(c) + 1000 < deadline ? now_ms(c) + 1000 : deadline);
    }
}

static int step_expect_error(run_ctx *c, const cJSON *body)
{
    co_buf saved = c->msg;
    c->msg = (co_buf){0};
    int rc = run_step(c, cJSON_GetObjectItemCaseSensitive(body, "step"));
    const char *want = cj_str(body, "contains");
    int ok = rc != 0 && c->msg.data && strstr(c->msg.data, want);
    char *got = co_buf_take(&c->msg);
    c->msg = saved;
    if (!ok) {
        if (rc == 0)
            failf(c, "the step succeeded; expected an error containing \"%s\"", want);
        else
            failf(c, "the step failed, but its error does not contain \"%s\":\n  %s", want, got);
    }
    free(got);
    return ok ? 0 : -1;
}

static int run_step(run_ctx *c, const cJSON *step)
{
    const cJSON *body = step->child;
    const char *kind = body->string;
    if (!strcmp(kind, "apply"))
        return step_apply(c, body);
    if (!strcmp(kind, "assert"))
        return step_assert(c, body);
    if (!strcmp(kind, "refute"))
        return until_settled(c, step_refute, body);
    if (!strcmp(kind, "events"))
        return until_settled(c, step_events, body);
    if (!strcmp(kind, "traffic"))
        return until_settled(c, step_traffic, body);
    if (!strcmp(kind, "patch"))
        return step_patch(c, body);
    if (!strcmp(kind, "delete"))
        return step_delete(c, body);
    if (!strcmp(kind, "expectError"))
        return step_expect_error(c, body);
    if (!strcmp(kind, "sleep")) {
        int64_t ms;
        char err[128];
        sc_parse_duration(body, &ms, err, sizeof err);
        advance_to(c, now_ms(c) + ms);
        return 0;
    }
    return step_action(c, kind, body);
}

/* One line saying what a step does. */
static void describe(const cJSON *step, char *buf, size_t n)
{
    const cJSON *body = step->child;
    const char *kind = body->string;
    const cJSON *obj = cJSON_GetObjectItemCaseSensitive(body, "object");
    if (!strcmp(kind, "apply"))
        snprintf(buf, n, "apply %d object%s", cJSON_GetArraySize(body), cJSON_GetArraySize(body) == 1 ? "" : "s");
    else if (obj)
        snprintf(buf, n, "%s %s%s%s", kind, cj_str(obj, "kind"), cj_str(obj, "metadata.name") ? " " : "",
                 cj_str(obj, "metadata.name") ? cj_str(obj, "metadata.name") : "");
    else if (!strcmp(kind, "traffic")) {
        int k = snprintf(buf, n, "traffic %s", cj_str(body, "url"));
        const cJSON *h;
        cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(body, "headers"))
            if (k > 0 && (size_t)k < n) k += snprintf(buf + k, n - (size_t)k, " %s: %s", h->string, h->valuestring);
    }
    else if (!strcmp(kind, "sleep")) {
        char *v = cJSON_PrintUnformatted(body);
        snprintf(buf, n, "sleep %s", v);
        free(v);
    } else if (cj_str(body, "rollout"))
        snprintf(buf, n, "%s %s", kind, cj_str(body, "rollout"));
    else
        snprintf(buf, n, "%s", kind);
}

/* ---- the scenario's namespace on a cluster ----
 * A cluster outlives a run: a scenario must not meet the objects of an earlier run of itself, nor
 * another scenario the Ingresses of this one (scenarios share hosts such as web.example.com, and
 * ingress-nginx serves a host's path from the oldest Ingress that has it). So on a cluster each
 * scenario gets a fresh namespace, labelled as the runner's (one left by an earlier run is
 * deleted first, and waited for), and deletes it when it ends, waiting until its Ingresses are
 * gone; its pods may take their grace period in the background. A namespace the runner did not
 * make is used as it is, never deleted. */

#define NS_LABEL "cutover.dev/scenario-namespace"
#define NS_GONE_MS 120000 /* how long a namespace may take to go, before time_scale */

static const kube_gvr ns_gvr = {"", "v1", "namespaces", 0};

/* Waits until the namespace is gone: 0, or -1 at the deadline. */
static int ns_wait_gone(run_ctx *c, const char *ns)
{
    int64_t deadline = now_ms(c) + (int64_t)(NS_GONE_MS * c->scale);
    for (;;) {
        kube_status st;
        cJSON *o = kube_get(c->client, &ns_gvr, NULL, ns, &st);
        cJSON_Delete(o);
        if (!o && st.code == 404)
            return 0;
        if (now_ms(c) >= deadline)
            return -1;
        advance_to(c, now_ms(c) + 500);
    }
}

static int fresh_namespace(run_ctx *c, char *err, size_t errlen)
{
    const char *ns = c->s->ns;
    kube_status st;
    cJSON *have = kube_get(c->client, &ns_gvr, NULL, ns, &st);
    if (!have && st.code != 404) {
        snprintf(err, errlen, "reading namespace %s: %s", ns, st.message);
        return -1;
    }
    if (have) {
        int ours = cJSON_GetObjectItemCaseSensitive(cj_get(have, "metadata.labels"), NS_LABEL) != NULL;
        int terminating = cj_str(have, "metadata.deletionTimestamp") != NULL;
        cJSON_Delete(have);
        if (!ours && !terminating) {
            fprintf(c->out, "  note: namespace %s was not made by cutover run: the scenario runs in it as it is\n", ns);
            return 0;
        }
        if (!terminating) { /* an earlier run's */
            cJSON_Delete(kube_delete(c->client, &ns_gvr, NULL, ns, NULL, &st));
        }
        if (ns_wait_gone(c, ns) != 0) {
            snprintf(err, errlen, "namespace %s (of an earlier run) is still terminating after %.0f s", ns,
                     NS_GONE_MS * c->scale / 1000);
            return -1;
        }
    }
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "apiVersion", "v1");
    cJSON_AddStringToObject(obj, "kind", "Namespace");
    cJSON *meta = cJSON_AddObjectToObject(obj, "metadata");
    cJSON_AddStringToObject(meta, "name", ns);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(meta, "labels"), NS_LABEL, "true");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(meta, "annotations"), "cutover.dev/scenario", c->s->name);
    cJSON *made = kube_create(c->client, &ns_gvr, NULL, obj, &st);
    cJSON_Delete(obj);
    if (!made) {
        snprintf(err, errlen, "creating namespace %s: %s", ns, st.message);
        return -1;
    }
    cJSON_Delete(made);
    c->ns_owned = 1;
    return 0;
}

/* Deletes the namespace the runner made, and waits until no Ingress of it is left. */
static void drop_namespace(run_ctx *c)
{
    static const kube_gvr ing = {"networking.k8s.io", "v1", "ingresses", 1};
    kube_status st;
    cJSON *out = kube_delete(c->client, &ns_gvr, NULL, c->s->ns, NULL, &st);
    if (!out && st.code != 404) {
        fprintf(c->out, "  note: deleting namespace %s: %s\n", c->s->ns, st.message);
        return;
    }
    cJSON_Delete(out);
    int64_t deadline = now_ms(c) + (int64_t)(NS_GONE_MS * c->scale);
    for (;;) {
        cJSON *list = kube_list(c->client, &ing, c->s->ns, NULL, &st);
        int left = list ? cJSON_GetArraySize(cj_get(list, "items")) : st.code == 404 ? 0 : -1;
        cJSON_Delete(list);
        if (left == 0)
            return;
        if (now_ms(c) >= deadline) {
            fprintf(c->out, "  note: namespace %s still has Ingresses after %.0f s\n", c->s->ns, NS_GONE_MS * c->scale / 1000);
            return;
        }
        advance_to(c, now_ms(c) + 500);
    }
}

/* Cluster mode's timing (sc_run_opts): the options, else the environment, else x1 and 10 s. */
static void cluster_timing(const sc_run_opts *o, double *scale, int64_t *settle)
{
    *scale = o->time_scale > 0 ? o->time_scale : 1;
    *settle = o->settle_ms > 0 ? o->settle_ms : 10000;
    const char *v;
    char *end;
    if (o->time_scale <= 0 && (v = getenv("CUTOVER_TIME_SCALE")) && *v) {
        double x = strtod(v, &end);
        if (!*end && x > 0)
            *scale = x;
    }
    if (o->settle_ms <= 0 && (v = getenv("CUTOVER_SETTLE_SECONDS")) && *v) {
        double x = strtod(v, &end);
        if (!*end && x >= 0)
            *settle = (int64_t)(x * 1000);
    }
    *settle = (int64_t)((double)*settle * *scale);
}

/* ---- a scenario ---- */

static int setup(run_ctx *c, char *err, size_t errlen)
{
    const sc_scenario *s = c->s;
    kube_config cfg;
    if (c->sim) {
        c->clock = co_clock_virtual(EPOCH_MS);
        char listen[32];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", s->ingress_port);
        if (c->o->db) { /* a fresh recording, every version kept */
            char p[4200];
            unlink(c->o->db);
            snprintf(p, sizeof p, "%s-wal", c->o->db);
            unlink(p);
            snprintf(p, sizeof p, "%s-shm", c->o->db);
            unlink(p);
        }
        fakeapi_options fo = {.clock = c->clock, .seed = c->o->seed ? c->o->seed : s->seed ? s->seed : 1,
                              .pod_ready_seconds = s->pod_ready_seconds, .images = s->images, .nimages = s->nimages,
                              .ingress_listen = listen, .db_path = c->o->db, .history = c->o->db ? -1 : 0};
        c->f = fakeapi_start(&fo, err, errlen);
        if (!c->f)
            return -1;
        snprintf(c->ingress, sizeof c->ingress, "127.0.0.1:%u", fakeapi_ingress_port(c->f));
        kube_config_for_server(fakeapi_url(c->f), s->ns, &cfg);
    } else {
        c->clock = co_clock_real();
        kube_config_opts ko = {.kubeconfig = c->o->kubeconfig, .context = c->o->context, .namespace_ = s->ns};
        if (kube_config_load(&ko, &cfg, err, errlen) != 0)
            return -1;
        snprintf(c->ingress, sizeof c->ingress, "%s", c->o->ingress ? c->o->ingress : "127.0.0.1:30000");
        cluster_timing(c->o, &c->scale, &c->settle);
    }
    /* in simulation nothing fails transiently, and a retry's backoff would move virtual time
     * behind the runner's back: no retries there */
    kube_client_opts co = {.clock = c->clock, .qps = -1, .user_agent = "cutover-scenario", .verbose = c->o->verbose,
                           .max_retries = c->sim ? -1 : 0};
    c->client = kube_client_new(&cfg, &co, err, errlen);
    if (!c->client) {
        kube_config_free(&cfg);
        return -1;
    }
    if (c->sim) {
        if (start_controller(c, &cfg, err, errlen) != 0)
            return -1;
    } else {
        kube_config_free(&cfg);
    }
    c->t0 = now_ms(c);
    c->discovery = cJSON_CreateObject();
    if (!c->sim) {
        int rc = fresh_namespace(c, err, errlen);
        c->t0 = now_ms(c); /* the scenario's time starts once its namespace is there */
        return rc;
    }
    /* the scenario's namespace exists before the first step */
    static const kube_gvr nsr = {"", "v1", "namespaces", 0};
    cJSON *ns = cJSON_CreateObject();
    cJSON_AddStringToObject(ns, "apiVersion", "v1");
    cJSON_AddStringToObject(ns, "kind", "Namespace");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(ns, "metadata"), "name", s->ns);
    kube_status st;
    cJSON *made = kube_create(c->client, &nsr, NULL, ns, &st);
    cJSON_Delete(ns);
    cJSON_Delete(made);
    if (!made && st.code != 409) {
        snprintf(err, errlen, "creating namespace %s: %s", s->ns, st.message);
        return -1;
    }
    return 0;
}

static void teardown(run_ctx *c)
{
    if (c->ns_owned)
        drop_namespace(c);
    free_controller(c);
    if (c->sim)
        kube_config_free(&c->ctl_cfg);
    if (c->o->controller_writes)
        *c->o->controller_writes = c->ctl_writes;
    kube_client_free(c->client);
    cJSON_Delete(c->discovery);
    if (c->f)
        fakeapi_stop(c->f);
    if (c->sim)
        co_clock_free(c->clock);
    co_buf_free(&c->msg);
    co_buf_free(&c->note);
}

int sc_run_one(const sc_scenario *s, const sc_run_opts *o, char **log, int64_t *virtual_ms)
{
    run_ctx c = {.s = s, .o = o, .out = o->out ? o->out : stdout, .sim = !o->kubeconfig};
    char err[2048];
    fprintf(c.out, "scenario %s (%s)\n", s->name, c.sim ? "simulation" : "cluster");
    if (!c.sim && s->requires_simulation) {
        fprintf(c.out, "  skipped: requires: simulation (it needs what only the simulation has; see its file)\n");
        return 2;
    }
    if (!c.sim && cJSON_GetObjectItemCaseSensitive(s->doc, "cluster"))
        fprintf(c.out, "  note: cluster settings apply to simulations only; ignored here\n");
    if (setup(&c, err, sizeof err) != 0) {
        fprintf(c.out, "  FAILED to start: %s\n", err);
        teardown(&c);
        return 1;
    }
    int failed = 0, i = 0;
    const cJSON *step;
    cJSON_ArrayForEach(step, s->steps)
    {
        char what[256], t[32], ua[64];
        describe(step, what, sizeof what);
        snprintf(ua, sizeof ua, "scenario/step-%d", i);
        kube_client_set_user_agent(c.client, ua);
        int rc = run_step(&c, step);
        quiet(&c);
        elapsed(&c, t);
        fprintf(c.out, "  [%2d] %s  %-48s %s%s%s\n", i, t, what, rc == 0 ? "ok" : "FAILED", c.note.len ? "  " : "",
                c.note.len ? c.note.data : "");
        co_buf_free(&c.note);
        if (rc != 0) {
            fprintf(c.out, "%s\n", c.msg.data ? c.msg.data : "");
            failed = 1;
            break;
        }
        co_buf_free(&c.msg);
        i++;
    }
    if (virtual_ms)
        *virtual_ms = now_ms(&c) - c.t0;
    if (log)
        *log = c.f ? fakeapi_event_log(c.f) : NULL;
    teardown(&c);
    return failed;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int sc_run_paths(const char *const *paths, int n, const sc_run_opts *o)
{
    FILE *out = o->out ? o->out : stdout;
    char **files = NULL;
    size_t nf = 0;
    int bad_dirs = 0;
    for (int i = 0; i < n; i++) {
        DIR *d = opendir(paths[i]);
        if (!d) {
            files = realloc(files, (nf + 1) * sizeof *files);
            files[nf++] = strdup(paths[i]);
            continue;
        }
        size_t first = nf;
        for (struct dirent *e; (e = readdir(d));) {
            size_t len = strlen(e->d_name);
            if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml")) {
                files = realloc(files, (nf + 1) * sizeof *files);
                size_t plen = strlen(paths[i]) + len + 2;
                files[nf] = malloc(plen);
                snprintf(files[nf++], plen, "%s/%s", paths[i], e->d_name);
            }
        }
        closedir(d);
        if (nf == first) {
            fprintf(stderr, "cutover run: %s: no *.yaml scenario files\n", paths[i]);
            bad_dirs = 1;
        } else {
            qsort(files + first, nf - first, sizeof *files, cmp_str);
        }
    }
    sc_scenario **all = calloc(nf + 1, sizeof *all);
    int bad = bad_dirs;
    for (size_t i = 0; i < nf; i++) {
        char err[2048];
        all[i] = sc_load(files[i], err, sizeof err);
        if (!all[i]) {
            fprintf(stderr, "cutover run: %s\n", err);
            bad = 1;
        }
    }
    for (size_t i = 0; !bad && i < nf; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(sc_name(all[i]), sc_name(all[j]))) {
                fprintf(stderr, "cutover run: %s: name: \"%s\" is also the name of %s\n", files[i], sc_name(all[i]), files[j]);
                bad = 1;
            }
    if (!bad && o->db && nf != 1) {
        fprintf(stderr, "cutover run: --db records one scenario: give exactly one file\n");
        bad = 1;
    }
    int passed = 0, failed = 0, skipped = 0;
    if (!bad && o->kubeconfig) {
        double scale;
        int64_t settle;
        cluster_timing(o, &scale, &settle);
        fprintf(out, "cluster mode, real time: assert timeouts x%g, every check may take %.1f s to hold\n", scale,
                (double)settle / 1000);
    }
    for (size_t i = 0; !bad && i < nf; i++) {
        int rc = sc_run_one(all[i], o, NULL, NULL);
        if (rc == 0)
            passed++;
        else if (rc == 2)
            skipped++;
        else
            failed++;
    }
    for (size_t i = 0; i < nf; i++) {
        sc_free(all[i]);
        free(files[i]);
    }
    free(all);
    free(files);
    if (bad)
        return -1;
    if (skipped)
        fprintf(out, "%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    else
        fprintf(out, "%d passed, %d failed\n", passed, failed);
    return failed;
}
