/* faults.c: fault injection for the fake API server: failing writes (409, 429 or 500, the Nth
 * matching one or a seeded share of them), added latency, closing every watch stream, and
 * compacting the event log. Switched from C (faults.h) or over HTTP at /_cutover/faults:
 * POST a spec to add a rule (or run an action), GET to list the rules, DELETE to clear them.
 *
 * Spec (one or more of the keys):
 *   {"fail": {"resource": "pods" | "rollouts.argoproj.io" | "*", "code": 409 | 429 | 500,
 *             "nth": N | "share": 0..1, "times": N, "methods": ["PATCH", ...], "actor": "glob",
 *             "message": "...", "retryAfterSeconds": N}}
 *   {"latency": {"resource": ..., "ms": N, "times": N, "methods": [...], "actor": "glob"}}
 *   {"closeWatches": true}
 *   {"compact": {"keep": N}}
 * "nth": N fails the Nth matching write and, with "times": T, the T-1 after it (consecutive
 * failures exercise a client's retries); "share" fails each matching write with that probability,
 * drawn from the server's seeded generator (so a run is reproducible), at most "times" times.
 *
 * Whom faults hit: by default the requests of API clients, i.e. those that arrive over HTTP. The
 * simulated cluster's own requests (in-process) are spared, so that "fail the 3rd write to pods"
 * counts the client under test's writes, not the kubelet's. "actor" (a glob on the User-Agent,
 * or on an in-process caller's name such as "kubelet", "garbage-collector" or "cutover-embedder")
 * selects requests of either kind instead.
 *
 * The hook runs after routing, so a rule naming a resource sees every verb on it (r->res).
 *
 * Latency never blocks the server's single thread: the connection is suspended, a clock timer
 * resumes it, and when MHD calls the access handler again for the same request it goes through.
 * In-process requests have no connection to suspend and are never delayed. */
#include "fakeapi/sim/faults.h"
#include "fakeapi/internal.h"

#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LATENCY_MS 600000 /* ten minutes: anything longer is a typo */
#define STALE_MS 10000        /* a resumed request not seen again by then has gone */

enum { M_GET = 1, M_HEAD = 2, M_POST = 4, M_PUT = 8, M_PATCH = 16, M_DELETE = 32, M_OTHER = 64 };
#define M_WRITES (M_POST | M_PUT | M_PATCH | M_DELETE)
static const char *const method_names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};

typedef enum { RULE_FAIL, RULE_LATENCY } rule_kind;

typedef struct rule {
    int id;
    rule_kind kind;
    char *resource; /* storage key or "*" */
    char *actor;    /* glob, or NULL: HTTP requests only */
    char *message;  /* fail: replaces the default message */
    unsigned methods;
    unsigned code;        /* fail */
    int64_t nth;          /* fail: 0 when share is used */
    double share;         /* fail */
    int64_t times;        /* 0: unlimited (share, latency); nth defaults to 1 */
    int64_t retry_after;  /* fail 429 */
    int64_t ms;           /* latency */
    int64_t matched, fired;
    struct rule *next;
} rule;

/* A request held back by injected latency, keyed by its fa_req (which lives as long as the
 * request does) and its connection. */
typedef struct delayed {
    fa_req *r;
    struct MHD_Connection *conn;
    uint64_t timer; /* 0 once fired */
    bool resumed;
    int64_t resumed_at; /* monotonic ms */
    struct delayed *next;
} delayed;

struct fa_faults {
    rule *rules;
    int next_id;
    delayed *delayed;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned method_bit(const char *m)
{
    for (size_t i = 0; m && i < sizeof method_names / sizeof method_names[0]; i++)
        if (!strcmp(m, method_names[i]))
            return 1u << i;
    return M_OTHER;
}

static void rule_free(rule *ru)
{
    free(ru->resource);
    free(ru->actor);
    free(ru->message);
    free(ru);
}

/* ---- held-back requests ---- */

static void resume_delayed(void *ud)
{
    delayed *d = ud;
    d->timer = 0;
    d->resumed = true;
    d->resumed_at = mono_ms();
    MHD_resume_connection(d->conn);
}

/* Releases every held-back request now and forgets them all. A request already resumed is only
 * forgotten: it goes through when MHD calls the handler again. */
static void release_all(fakeapi *f, struct fa_faults *F)
{
    while (F->delayed) {
        delayed *d = F->delayed;
        F->delayed = d->next;
        if (!d->resumed) {
            co_clock_cancel(f->clock, d->timer);
            MHD_resume_connection(d->conn);
        }
        free(d);
    }
}

/* Was this request held back and is it now coming through? Also drops entries for requests
 * that were resumed but never came back (the client went away while it waited). */
static bool take_resumed(struct fa_faults *F, fa_req *r)
{
    int64_t now = mono_ms();
    bool found = false;
    for (delayed **p = &F->delayed; *p;) {
        delayed *d = *p;
        bool mine = d->resumed && d->r == r && d->conn == r->conn;
        if (mine || (d->resumed && now - d->resumed_at > STALE_MS)) {
            found |= mine;
            *p = d->next;
            free(d);
        } else {
            p = &d->next;
        }
    }
    return found;
}

static void hold_back(fakeapi *f, struct fa_faults *F, fa_req *r, int64_t ms)
{
    delayed *d = calloc(1, sizeof *d);
    d->r = r;
    d->conn = r->conn;
    d->next = F->delayed;
    F->delayed = d;
    MHD_suspend_connection(r->conn);
    d->timer = co_clock_at(f->clock, f, co_clock_now_ms(f->clock) + ms, resume_delayed, d);
    /* On resume MHD calls the access handler again, whose dispatch copies the path anew: let go
     * of this copy now (and of the pointers into it, in case the route was resolved). */
    free(r->path);
    r->path = NULL;
    r->ns = r->name = r->sub = NULL;
}

/* ---- matching ---- */

/* What a rule may need to know about a request, worked out at most once. */
typedef struct {
    fa_req *r;
    bool looked;
    cJSON *body;
} req_view;

/* The request's resource (the hook runs after routing). */
static const fa_resource *view_res(req_view *v) { return v->r->res; }

/* The object's name: from the URL, or for a create from its body. */
static const char *view_name(req_view *v)
{
    if (v->r->name)
        return v->r->name;
    if (!v->looked) {
        v->looked = true;
        if (v->r->body.len)
            v->body = cj_parse(v->r->body.data, v->r->body.len);
    }
    return cj_str(v->body, "metadata.name");
}

static bool matches(const rule *ru, req_view *v, unsigned mbit)
{
    unsigned methods = ru->methods ? ru->methods : ru->kind == RULE_FAIL ? M_WRITES : ~0u;
    if (!(methods & mbit))
        return false;
    if (ru->actor ? fnmatch(ru->actor, fa_actor(v->r), 0) != 0 : v->r->conn == NULL)
        return false;
    if (!strcmp(ru->resource, "*"))
        return true;
    const fa_resource *res = view_res(v);
    return res && !strcmp(res->key, ru->resource);
}

/* Does this matching write (already counted in ru->matched) fail? */
static bool decide(fakeapi *f, rule *ru)
{
    if (ru->nth)
        return ru->matched >= ru->nth && ru->matched < ru->nth + (ru->times ? ru->times : 1);
    if (ru->times && ru->fired >= ru->times)
        return false;
    double u = (double)(fa_rand(f) >> 11) * (1.0 / 9007199254740992.0); /* [0, 1) from 53 bits */
    return u < ru->share;
}

/* The Status an injected failure answers with, as the apiserver words these errors. */
static enum MHD_Result reply_fault(fa_req *r, const rule *ru, req_view *v)
{
    const fa_resource *res = view_res(v);
    const char *name = view_name(v);
    char msg[1024];
    const char *reason;
    cJSON *details = cJSON_CreateObject();
    if (ru->code == 409) {
        reason = "Conflict";
        if (res && name)
            snprintf(msg, sizeof msg, "Operation cannot be fulfilled on %s \"%s\": the object has been modified; "
                     "please apply your changes to the latest version and try again", res->key, name);
        else
            snprintf(msg, sizeof msg, "Operation cannot be fulfilled: the object has been modified; please apply "
                     "your changes to the latest version and try again");
        if (name)
            cJSON_AddStringToObject(details, "name", name);
        if (res && *res->group)
            cJSON_AddStringToObject(details, "group", res->group);
        if (res)
            cJSON_AddStringToObject(details, "kind", res->plural);
    } else if (ru->code == 429) {
        reason = "TooManyRequests";
        snprintf(msg, sizeof msg, "Too many requests, please try again later.");
        cJSON_AddNumberToObject(details, "retryAfterSeconds", (double)ru->retry_after);
    } else {
        reason = "InternalError";
        snprintf(msg, sizeof msg, "Internal error occurred: %s", ru->message ? ru->message : "injected fault");
        cJSON *cause = cJSON_CreateObject();
        cJSON_AddStringToObject(cause, "message", ru->message ? ru->message : "injected fault");
        cJSON_AddItemToArray(cJSON_AddArrayToObject(details, "causes"), cause);
    }
    if (ru->message && ru->code != 500)
        snprintf(msg, sizeof msg, "%s", ru->message);
    cJSON *s = fa_status(ru->code, reason, msg, details);
    char *json = cJSON_PrintUnformatted(s);
    cJSON_Delete(s);
    if (!r->conn)
        return fa_reply(r, ru->code, json);
    /* over HTTP by hand: fa_reply cannot add Retry-After */
    struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(json), json, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-cache, private");
    char val[32];
    snprintf(val, sizeof val, "%d", ru->id);
    MHD_add_response_header(resp, "X-Cutover-Fault", val);
    if (ru->code == 429) {
        snprintf(val, sizeof val, "%lld", (long long)ru->retry_after);
        MHD_add_response_header(resp, "Retry-After", val);
    }
    enum MHD_Result ret = MHD_queue_response(r->conn, ru->code, resp);
    MHD_destroy_response(resp);
    return ret;
}

int fa_faults_intercept(fa_req *r, enum MHD_Result *ret)
{
    fakeapi *f = r->f;
    struct fa_faults *F = f->faults;
    if (!F)
        return 0;
    bool came_back = r->conn && take_resumed(F, r);
    unsigned mbit = method_bit(r->method);
    req_view v = {.r = r};
    int handled = 0;
    if (r->conn && !came_back) {
        /* latency first: a request that is delayed meets the failure rules when it comes back,
         * so each request is counted by them exactly once */
        int64_t ms = 0;
        for (rule *ru = F->rules; ru; ru = ru->next) {
            if (ru->kind != RULE_LATENCY || !matches(ru, &v, mbit))
                continue;
            ru->matched++;
            if (!ru->times || ru->fired < ru->times) {
                ru->fired++;
                ms += ru->ms;
            }
        }
        if (ms > 0) {
            hold_back(f, F, r, ms);
            *ret = MHD_YES;
            handled = 1;
        }
    }
    if (!handled && (mbit & M_WRITES)) {
        rule *hit = NULL;
        for (rule *ru = F->rules; ru; ru = ru->next) {
            if (ru->kind != RULE_FAIL || !matches(ru, &v, mbit))
                continue;
            ru->matched++;
            /* the first rule that fails the write answers; the others only count it */
            if (!hit && decide(f, ru)) {
                ru->fired++;
                hit = ru;
            }
        }
        if (hit) {
            *ret = reply_fault(r, hit, &v);
            handled = 1;
        }
    }
    cJSON_Delete(v.body);
    return handled;
}

/* ---- specs ---- */

static cJSON *rule_doc(const rule *ru)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddNumberToObject(d, "id", ru->id);
    cJSON *s = cJSON_AddObjectToObject(d, ru->kind == RULE_FAIL ? "fail" : "latency");
    cJSON_AddStringToObject(s, "resource", ru->resource);
    if (ru->kind == RULE_FAIL) {
        cJSON_AddNumberToObject(s, "code", ru->code);
        if (ru->nth)
            cJSON_AddNumberToObject(s, "nth", (double)ru->nth);
        else
            cJSON_AddNumberToObject(s, "share", ru->share);
        if (ru->code == 429)
            cJSON_AddNumberToObject(s, "retryAfterSeconds", (double)ru->retry_after);
    } else {
        cJSON_AddNumberToObject(s, "ms", (double)ru->ms);
    }
    if (ru->times)
        cJSON_AddNumberToObject(s, "times", (double)ru->times);
    if (ru->methods) {
        cJSON *m = cJSON_AddArrayToObject(s, "methods");
        for (size_t i = 0; i < sizeof method_names / sizeof method_names[0]; i++)
            if (ru->methods & (1u << i))
                cJSON_AddItemToArray(m, cJSON_CreateString(method_names[i]));
    }
    if (ru->actor)
        cJSON_AddStringToObject(s, "actor", ru->actor);
    if (ru->message)
        cJSON_AddStringToObject(s, "message", ru->message);
    cJSON_AddNumberToObject(d, "matched", (double)ru->matched);
    cJSON_AddNumberToObject(d, "fired", (double)ru->fired);
    return d;
}

static cJSON *list_doc(fakeapi *f)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "kind", "FaultList");
    cJSON *items = cJSON_AddArrayToObject(d, "items");
    int held = 0;
    if (f->faults) {
        for (rule *ru = f->faults->rules; ru; ru = ru->next)
            cJSON_AddItemToArray(items, rule_doc(ru));
        for (delayed *x = f->faults->delayed; x; x = x->next)
            held += !x->resumed;
    }
    cJSON_AddNumberToObject(d, "delayed", held); /* requests held back right now */
    return d;
}

static bool get_int(const cJSON *v, int64_t lo, int64_t hi, int64_t *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble < (double)lo || v->valuedouble > (double)hi ||
        (double)(int64_t)v->valuedouble != v->valuedouble)
        return false;
    *out = (int64_t)v->valuedouble;
    return true;
}

#define BAD(...) (snprintf(err, errlen, __VA_ARGS__), -1)

/* Parses the object under "fail" or "latency" into a rule. Every field is checked and unknown
 * ones are refused, so a typo ("nht") is an error rather than a rule that never fires. */
static int parse_rule(const char *what, const cJSON *o, rule_kind kind, rule **out, char *err, size_t errlen)
{
    if (!cJSON_IsObject(o))
        return BAD("%s: Invalid value: an object is expected", what);
    rule *ru = calloc(1, sizeof *ru);
    ru->kind = kind;
    ru->retry_after = 1;
    bool has_code = false, has_ms = false, has_share = false;
    int rc = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, o)
    {
        const char *k = x->string;
        if (!strcmp(k, "resource")) {
            if (!cJSON_IsString(x) || !*x->valuestring) {
                rc = BAD("%s.resource: Invalid value: a storage key (\"pods\", \"rollouts.argoproj.io\") or \"*\" is expected", what);
                break;
            }
            ru->resource = strdup(x->valuestring);
        } else if (!strcmp(k, "actor")) {
            if (!cJSON_IsString(x) || !*x->valuestring) {
                rc = BAD("%s.actor: Invalid value: a non-empty glob is expected", what);
                break;
            }
            ru->actor = strdup(x->valuestring);
        } else if (!strcmp(k, "times")) {
            if (!get_int(x, 1, INT64_MAX / 2, &ru->times)) {
                rc = BAD("%s.times: Invalid value: a positive integer is expected", what);
                break;
            }
        } else if (!strcmp(k, "methods")) {
            unsigned allowed = kind == RULE_FAIL ? M_WRITES : (M_WRITES | M_GET | M_HEAD);
            const cJSON *m;
            if (!cJSON_IsArray(x) || cJSON_GetArraySize(x) == 0) {
                rc = BAD("%s.methods: Invalid value: a non-empty list of HTTP methods is expected", what);
                break;
            }
            cJSON_ArrayForEach(m, x)
            {
                unsigned bit = cJSON_IsString(m) ? method_bit(m->valuestring) : 0;
                if (!(bit & allowed)) {
                    rc = BAD("%s.methods: Unsupported value: %s: supported values: %s", what,
                             cJSON_IsString(m) ? m->valuestring : "(not a string)",
                             kind == RULE_FAIL ? "POST, PUT, PATCH, DELETE" : "GET, HEAD, POST, PUT, PATCH, DELETE");
                    break;
                }
                ru->methods |= bit;
            }
            if (rc)
                break;
        } else if (kind == RULE_FAIL && !strcmp(k, "code")) {
            int64_t c;
            if (!get_int(x, 0, 999, &c) || (c != 409 && c != 429 && c != 500)) {
                char *s = cJSON_PrintUnformatted(x);
                rc = BAD("%s.code: Unsupported value: %s: supported values: 409, 429, 500", what, s);
                free(s);
                break;
            }
            ru->code = (unsigned)c;
            has_code = true;
        } else if (kind == RULE_FAIL && !strcmp(k, "nth")) {
            if (!get_int(x, 1, INT64_MAX / 2, &ru->nth)) {
                rc = BAD("%s.nth: Invalid value: a positive integer is expected", what);
                break;
            }
        } else if (kind == RULE_FAIL && !strcmp(k, "share")) {
            if (!cJSON_IsNumber(x) || !(x->valuedouble > 0 && x->valuedouble <= 1)) {
                rc = BAD("%s.share: Invalid value: a number in (0, 1] is expected", what);
                break;
            }
            ru->share = x->valuedouble;
            has_share = true;
        } else if (kind == RULE_FAIL && !strcmp(k, "message")) {
            if (!cJSON_IsString(x)) {
                rc = BAD("%s.message: Invalid value: a string is expected", what);
                break;
            }
            ru->message = strdup(x->valuestring);
        } else if (kind == RULE_FAIL && !strcmp(k, "retryAfterSeconds")) {
            if (!get_int(x, 0, 86400, &ru->retry_after)) {
                rc = BAD("%s.retryAfterSeconds: Invalid value: an integer from 0 to 86400 is expected", what);
                break;
            }
        } else if (kind == RULE_LATENCY && !strcmp(k, "ms")) {
            if (!get_int(x, 0, MAX_LATENCY_MS, &ru->ms)) {
                rc = BAD("%s.ms: Invalid value: an integer from 0 to %d is expected", what, MAX_LATENCY_MS);
                break;
            }
            has_ms = true;
        } else {
            rc = BAD("%s.%s: unknown field", what, k);
            break;
        }
    }
    if (!rc && !ru->resource)
        rc = BAD("%s.resource: Required value: a storage key (\"pods\", \"rollouts.argoproj.io\") or \"*\"", what);
    if (!rc && kind == RULE_FAIL && !has_code)
        rc = BAD("%s.code: Required value: 409, 429 or 500", what);
    if (!rc && kind == RULE_FAIL && (ru->nth != 0) == has_share)
        rc = BAD("%s.nth: Invalid value: exactly one of nth and share is required", what);
    if (!rc && kind == RULE_LATENCY && !has_ms)
        rc = BAD("%s.ms: Required value", what);
    if (rc) {
        rule_free(ru);
        return -1;
    }
    *out = ru;
    return 0;
}

/* Validates the whole spec first and only then applies it, so a spec with one bad part changes
 * nothing. *result describes what was done; *created says whether a rule was added. */
static int apply_spec(fakeapi *f, const char *text, size_t len, cJSON **result, bool *created, char *err,
                      size_t errlen)
{
    *result = NULL;
    *created = false;
    cJSON *spec = text ? cj_parse(text, len) : NULL;
    if (!cJSON_IsObject(spec)) {
        cJSON_Delete(spec);
        return BAD("spec: Invalid value: a JSON object is expected");
    }
    rule *added[2] = {NULL, NULL};
    bool close = false;
    int64_t keep = -1;
    int rc = 0, n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, spec)
    {
        const char *k = x->string;
        n++;
        if (!strcmp(k, "fail") || !strcmp(k, "latency")) {
            int slot = !strcmp(k, "latency");
            if (added[slot]) {
                rc = BAD("%s: Duplicate value", k);
                break;
            }
            if ((rc = parse_rule(k, x, slot ? RULE_LATENCY : RULE_FAIL, &added[slot], err, errlen)) != 0)
                break;
        } else if (!strcmp(k, "closeWatches")) {
            if (!cJSON_IsBool(x)) {
                rc = BAD("closeWatches: Invalid value: true or false is expected");
                break;
            }
            close = cJSON_IsTrue(x);
        } else if (!strcmp(k, "compact")) {
            if (!cJSON_IsObject(x)) {
                rc = BAD("compact: Invalid value: an object is expected");
                break;
            }
            const cJSON *y;
            cJSON_ArrayForEach(y, x)
            {
                if (strcmp(y->string, "keep")) {
                    rc = BAD("compact.%s: unknown field", y->string);
                    break;
                }
            }
            if (rc)
                break;
            const cJSON *kp = cJSON_GetObjectItemCaseSensitive(x, "keep");
            if (!kp) {
                rc = BAD("compact.keep: Required value");
                break;
            }
            if (!get_int(kp, 0, INT64_MAX / 2, &keep)) {
                rc = BAD("compact.keep: Invalid value: a non-negative integer is expected");
                break;
            }
        } else {
            rc = BAD("%s: unknown field: expected fail, latency, closeWatches or compact", k);
            break;
        }
    }
    if (!rc && n == 0)
        rc = BAD("spec: Required value: one of fail, latency, closeWatches or compact");
    cJSON_Delete(spec);
    if (rc) {
        for (int i = 0; i < 2; i++)
            if (added[i])
                rule_free(added[i]);
        return -1;
    }
    cJSON *res = cJSON_CreateObject();
    for (int i = 0; i < 2; i++) {
        if (!added[i])
            continue;
        if (!f->faults)
            f->faults = calloc(1, sizeof *f->faults);
        rule **tail = &f->faults->rules;
        while (*tail)
            tail = &(*tail)->next;
        added[i]->id = ++f->faults->next_id;
        *tail = added[i];
        if (!cJSON_GetObjectItemCaseSensitive(res, "added"))
            cJSON_AddArrayToObject(res, "added");
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(res, "added"), rule_doc(added[i]));
        *created = true;
    }
    if (close) {
        /* the streams end once what they have buffered is sent; clients see a normal end */
        fa_watch_close_all(f);
        cJSON_AddTrueToObject(res, "closedWatches");
    }
    if (keep >= 0) {
        fa_store_compact(f->store, keep);
        cJSON_AddNumberToObject(res, "compacted", (double)fa_store_compacted(f->store));
    }
    *result = res;
    return 0;
}

/* Forgets every rule and releases held-back requests. Returns how many rules there were. */
static int clear(fakeapi *f)
{
    struct fa_faults *F = f->faults;
    int n = 0;
    if (!F)
        return 0;
    release_all(f, F);
    while (F->rules) {
        rule *ru = F->rules;
        F->rules = ru->next;
        rule_free(ru);
        n++;
    }
    free(F);
    f->faults = NULL;
    return n;
}

enum MHD_Result fa_faults_admin(fa_req *r)
{
    fakeapi *f = r->f;
    if (!strcmp(r->method, "GET")) {
        cJSON *d = list_doc(f);
        enum MHD_Result ret = fa_reply_json(r, 200, d);
        cJSON_Delete(d);
        return ret;
    }
    if (!strcmp(r->method, "DELETE")) {
        char *out = malloc(48);
        snprintf(out, 48, "{\"cleared\":%d}", clear(f));
        return fa_reply(r, 200, out);
    }
    if (!strcmp(r->method, "POST")) {
        char err[512];
        cJSON *res;
        bool created;
        if (apply_spec(f, r->body.data, r->body.len, &res, &created, err, sizeof err) != 0)
            return fa_error(r, 400, "BadRequest", "%s", err);
        enum MHD_Result ret = fa_reply_json(r, created ? 201 : 200, res);
        cJSON_Delete(res);
        return ret;
    }
    return fa_error(r, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

void fa_faults_free(fakeapi *f) { clear(f); }

/* ---- the C API ---- */

int fakeapi_fault_set(fakeapi *f, const char *json_spec, char *err, size_t errlen)
{
    cJSON *res;
    bool created;
    pthread_mutex_lock(&f->mu);
    int rc = apply_spec(f, json_spec, json_spec ? strlen(json_spec) : 0, &res, &created, err, errlen);
    pthread_mutex_unlock(&f->mu);
    cJSON_Delete(res);
    return rc;
}

void fakeapi_fault_clear(fakeapi *f)
{
    pthread_mutex_lock(&f->mu);
    clear(f);
    pthread_mutex_unlock(&f->mu);
}

char *fakeapi_fault_list(fakeapi *f)
{
    pthread_mutex_lock(&f->mu);
    cJSON *d = list_doc(f);
    pthread_mutex_unlock(&f->mu);
    char *s = cJSON_PrintUnformatted(d);
    cJSON_Delete(d);
    return s;
}
