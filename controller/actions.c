/* actions.c: owns the user verbs on a Rollout (promote [--full], abort, retry, pause, resume,
 * set image, undo [--to-revision], restart) as the exact API requests `kubectl argo rollouts`
 * sends (argoproj/argo-rollouts pkg/kubectl-argo-rollouts/cmd/<verb>/<verb>.go): the same
 * verbs, paths, patch types and bodies, in the same order, with the same fallbacks and errors.
 * On success st->message holds the line the CLI prints ("rollout 'x' promoted"). */
#include "controller/actions.h"

#include "controller/rollout/canarymath.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/json.h"

const kube_gvr ro_rollouts_gvr = {"argoproj.io", "v1alpha1", "rollouts", 1};

static const kube_gvr rs_gvr = {"apps", "v1", "replicasets", 1};
static const kube_gvr deploy_gvr = {"apps", "v1", "deployments", 1};
static const kube_gvr podtemplate_gvr = {"", "v1", "podtemplates", 1};

/* v1alpha1.DefaultRolloutUniqueLabelKey and undo.go's revisionAnnotation */
#define HASH_LABEL "rollouts-pod-template-hash"
#define REVISION_ANNOTATION "rollout.argoproj.io/revision"

/* set image retries a Conflict this many times in all (set_image.go maxAttempts) */
#define SET_IMAGE_ATTEMPTS 5

/* ---- status helpers ---- */

/* An error found by the action itself rather than returned by the API server (Argo's
 * fmt.Errorf): code 400, reason BadRequest, Argo's message. */
static int fail(kube_status *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(kube_status *st, const char *fmt, ...)
{
    st->code = 400;
    st->retry_after = 0;
    snprintf(st->reason, sizeof st->reason, "BadRequest");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->message, sizeof st->message, fmt, ap);
    va_end(ap);
    return -1;
}

/* Success: keep the last response's code (2xx, or 200 when no write was needed) and put the
 * CLI's output line in the message. */
static int done(kube_status *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int done(kube_status *st, const char *fmt, ...)
{
    if (st->code < 200 || st->code > 299)
        st->code = 200;
    st->reason[0] = 0;
    st->retry_after = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->message, sizeof st->message, fmt, ap);
    va_end(ap);
    return 0;
}

/* Wraps an API error's message the way Argo's fmt.Errorf("...: %v", err) does; code and
 * reason stay the server's. */
static int wrap(kube_status *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int wrap(kube_status *st, const char *fmt, ...)
{
    char prefix[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char msg[sizeof prefix + sizeof st->message + 2];
    snprintf(msg, sizeof msg, "%s: %s", prefix, st->message);
    snprintf(st->message, sizeof st->message, "%.*s", (int)sizeof st->message - 1, msg);
    return -1;
}

/* apimachinery's IsNotFound / IsConflict: the Status reason, or the HTTP code when the reason
 * is not one the client knows. */
static bool is_reason(const kube_status *st, const char *reason, int code)
{
    if (!strcmp(st->reason, reason))
        return true;
    return st->code == code && (!st->reason[0] || !strcmp(st->reason, "Unknown"));
}

static bool is_not_found(const kube_status *st) { return is_reason(st, "NotFound", 404); }
static bool is_conflict(const kube_status *st) { return is_reason(st, "Conflict", 409); }

/* One merge patch of the rollout (subresource NULL or "status"). */
static int patch_rollout(kube_client *c, const char *ns, const char *name, const char *body, const char *sub,
                         kube_status *st)
{
    cJSON *out = kube_patch(c, &ro_rollouts_gvr, ns, name, KUBE_PATCH_MERGE, body, sub, st);
    if (!out)
        return -1;
    cJSON_Delete(out);
    return 0;
}

/* Argo's split write (promote.go PromoteRollout): the status patch first, through the status
 * subresource; a NotFound there means a controller without the subresource (Rollouts v0.9), and
 * the unified patch of spec and status replaces the spec patch. Then the spec patch, if any. */
static int apply_split(kube_client *c, const char *ns, const char *name, const char *spec, const char *status,
                       const char *unified, kube_status *st)
{
    if (status && patch_rollout(c, ns, name, status, "status", st) != 0) {
        if (!is_not_found(st))
            return -1;
        spec = unified;
    }
    if (spec && patch_rollout(c, ns, name, spec, NULL, st) != 0)
        return -1;
    return 0;
}

/* ---- reading a Rollout the way Argo's typed client sees it ---- */

static bool is_obj(const cJSON *o) { return cJSON_IsObject(o); }

/* replicasetutil.GetCurrentCanaryStep: the current step index of a canary with steps
 * (status.currentStepIndex, 0 when unset); false for blue-green and step-less canaries. */
static bool canary_step_index(const cJSON *ro, long *index, long *nsteps)
{
    const cJSON *canary = cj_get(ro, "spec.strategy.canary");
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(canary, "steps");
    if (!is_obj(canary) || !cJSON_IsArray(steps) || cJSON_GetArraySize(steps) == 0)
        return false;
    const cJSON *idx = cj_get(ro, "status.currentStepIndex");
    *index = cJSON_IsNumber(idx) ? (long)idx->valuedouble : 0;
    *nsteps = cJSON_GetArraySize(steps);
    return true;
}

/* The index promote moves to: the next step, capped at len(steps) (promote.go getPatches). */
static long next_step(long index, long nsteps) { return index < nsteps ? index + 1 : index; }

/* ---- promote (cmd/promote/promote.go) ---- */

/* getPatches for the default and --full cases (the deprecated -c/-a flags are not offered). */
int ro_promote(kube_client *c, const char *ns, const char *name, int full, kube_status *st)
{
    kube_status local;
    if (!st)
        st = &local;
    cJSON *ro = kube_get(c, &ro_rollouts_gvr, ns, name, st);
    if (!ro)
        return -1;
    bool paused = cJSON_IsTrue(cj_get(ro, "spec.paused"));
    const cJSON *conds = cj_get(ro, "status.pauseConditions");
    int nconds = cJSON_IsArray(conds) ? cJSON_GetArraySize(conds) : 0;
    bool controller_pause = cJSON_IsTrue(cj_get(ro, "status.controllerPause"));
    long index = 0, nsteps = 0;
    bool has_steps = canary_step_index(ro, &index, &nsteps);

    char status_buf[128], unified_buf[160];
    const char *spec = NULL, *status = NULL, *unified = NULL;
    if (full) {
        /* unpause if paused; promoteFull unless the current pods are already stable */
        if (paused)
            spec = "{\"spec\":{\"paused\":false}}";
        if (strcmp(cj_str0(ro, "status.currentPodHash"), cj_str0(ro, "status.stableRS")))
            status = "{\"status\":{\"promoteFull\":true}}";
        unified = "{\"spec\":{\"paused\":false},\"status\":{\"promoteFull\":true}}";
    } else {
        unified = "{\"spec\":{\"paused\":false},\"status\":{\"pauseConditions\":null}}";
        if (paused)
            spec = "{\"spec\":{\"paused\":false}}";
        /* isInconclusive: a canary whose step analysis is Inconclusive */
        bool inconclusive = is_obj(cj_get(ro, "spec.strategy.canary")) &&
                            is_obj(cj_get(ro, "status.canary.currentStepAnalysisRunStatus")) &&
                            !strcmp(cj_str0(ro, "status.canary.currentStepAnalysisRunStatus.status"),
                                    "Inconclusive");
        if (inconclusive && nconds > 0 && controller_pause) {
            /* clear the pause and controllerPause and step past the inconclusive analysis, or the
             * rollout stays stuck when the next step is a pause (the unified patch is unchanged) */
            if (has_steps) {
                snprintf(status_buf, sizeof status_buf,
                         "{\"status\":{\"pauseConditions\":null, \"controllerPause\":false, \"currentStepIndex\":%ld}}",
                         next_step(index, nsteps));
                status = status_buf;
            }
        } else if (nconds > 0) {
            /* a pause step, BlueGreenPause, an inconclusive run...: only clear the conditions; the
             * controller sees controllerPause without a condition and moves on itself */
            status = "{\"status\":{\"pauseConditions\":null}}";
        } else if (is_obj(cj_get(ro, "spec.strategy.canary"))) {
            /* a canary in the middle of a setWeight/analysis/experiment step: skip that step */
            if (has_steps) {
                long next = next_step(index, nsteps);
                snprintf(status_buf, sizeof status_buf, "{\"status\":{\"pauseConditions\":null, \"currentStepIndex\":%ld}}",
                         next);
                snprintf(unified_buf, sizeof unified_buf,
                         "{\"spec\":{\"paused\":false},\"status\":{\"pauseConditions\":null, \"currentStepIndex\":%ld}}",
                         next);
                status = status_buf;
                unified = unified_buf;
            }
        }
    }
    cJSON_Delete(ro);
    if (apply_split(c, ns, name, spec, status, unified, st) != 0)
        return -1;
    return full ? done(st, "rollout '%s' fully promoted", name) : done(st, "rollout '%s' promoted", name);
}

/* ---- abort, retry (cmd/abort/abort.go, cmd/retry/retry.go) ---- */

/* A status merge patch through the status subresource, and on NotFound the same body on the
 * main resource (controllers before v0.10). No GET first. */
static int status_verb(kube_client *c, const char *ns, const char *name, const char *body, kube_status *st)
{
    if (patch_rollout(c, ns, name, body, "status", st) == 0)
        return 0;
    if (!is_not_found(st))
        return -1;
    return patch_rollout(c, ns, name, body, NULL, st);
}

/* abort and retry differ only in the value of status.abort */
static int set_abort(kube_client *c, const char *ns, const char *name, bool abort, kube_status *st)
{
    kube_status local;
    if (!st)
        st = &local;
    if (status_verb(c, ns, name, abort ? "{\"status\":{\"abort\":true}}" : "{\"status\":{\"abort\":false}}", st) != 0)
        return -1;
    return abort ? done(st, "rollout '%s' aborted", name) : done(st, "rollout '%s' retried", name);
}

int ro_abort(kube_client *c, const char *ns, const char *name, kube_status *st) { return set_abort(c, ns, name, true, st); }
int ro_retry(kube_client *c, const char *ns, const char *name, kube_status *st) { return set_abort(c, ns, name, false, st); }

/* ---- pause (cmd/pause/pause.go), resume ---- */

int ro_pause(kube_client *c, const char *ns, const char *name, kube_status *st)
{
    kube_status local;
    if (!st)
        st = &local;
    if (patch_rollout(c, ns, name, "{\"spec\":{\"paused\":true}}", NULL, st) != 0)
        return -1;
    return done(st, "rollout '%s' paused", name);
}

/* Today's CLI has no resume: `resume` (cmd/resume/resume.go) was replaced by promote in v0.6
 * (argo-rollouts#277). It sent one merge patch {"spec":{"paused":false},"status":
 * {"pauseConditions":null}}. With the status subresource that body must be split, so resume is
 * promote's split write of exactly those two parts, each only when it changes something, and
 * never promote's step skipping: it undoes a pause and nothing else. */
int ro_resume(kube_client *c, const char *ns, const char *name, kube_status *st)
{
    kube_status local;
    if (!st)
        st = &local;
    cJSON *ro = kube_get(c, &ro_rollouts_gvr, ns, name, st);
    if (!ro)
        return -1;
    bool paused = cJSON_IsTrue(cj_get(ro, "spec.paused"));
    const cJSON *conds = cj_get(ro, "status.pauseConditions");
    bool has_conds = cJSON_IsArray(conds) && cJSON_GetArraySize(conds) > 0;
    cJSON_Delete(ro);
    if (apply_split(c, ns, name, paused ? "{\"spec\":{\"paused\":false}}" : NULL,
                    has_conds ? "{\"status\":{\"pauseConditions\":null}}" : NULL,
                    "{\"spec\":{\"paused\":false},\"status\":{\"pauseConditions\":null}}", st) != 0)
        return -1;
    return done(st, "rollout '%s' resumed", name);
}

/* ---- restart (cmd/restart/restart.go) ---- */

/* {"spec":{"restartAt":"<now + in, UTC, RFC 3339 to the second>"}} as a merge patch; no GET. */
int ro_restart(kube_client *c, const char *ns, const char *name, co_clock *clock, const char *in, kube_status *st)
{
    kube_status local;
    if (!st)
        st = &local;
    long long secs = 0;
    if (in && *in && (!ro_parse_duration_seconds(in, &secs) || secs < 0))
        return fail(st, "invalid duration %s: expected e.g. 30s, 5m, 1h", in);
    char ts[32], body[96];
    co_time_rfc3339(co_clock_now_ms(clock ? clock : co_clock_real()) + secs * 1000, ts);
    snprintf(body, sizeof body, "{\"spec\":{\"restartAt\":\"%s\"}}", ts);
    if (patch_rollout(c, ns, name, body, NULL, st) != 0)
        return -1;
    return done(st, "rollout '%s' restarts in %s", name, in && *in ? in : "0s");
}

/* ---- set image (cmd/set/set_image.go) ---- */

/* The Go type unstructured JSON decodes a value into, for error messages. */
static const char *go_type(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsBool(v))
        return "bool";
    if (cJSON_IsArray(v))
        return "[]interface {}";
    if (cJSON_IsNumber(v))
        return v->valuedouble == (double)(int64_t)v->valuedouble ? "int64" : "float64";
    return "map[string]interface {}";
}

/* newRolloutSetImage: sets the image of every matching container in initContainers,
 * containers and ephemeralContainers of spec.template.spec; false when none matched. */
static bool set_images(cJSON *obj, const char *container, const char *image)
{
    static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};
    cJSON *pod = cj_get(obj, "spec.template.spec");
    bool found = false;
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        cJSON *list = cJSON_GetObjectItemCaseSensitive(pod, lists[i]), *ctr;
        if (!cJSON_IsArray(list))
            continue;
        cJSON_ArrayForEach(ctr, list)
        {
            if (!is_obj(ctr))
                continue;
            const char *cname = cj_str0(ctr, "name");
            if (!strcmp(container, "*") || !strcmp(cname, container)) {
                cj_set_str(ctr, "image", image);
                found = true;
            }
        }
    }
    return found;
}

/* SetImage: GET the rollout; with spec.workloadRef GET and PUT the Deployment it names (whatever
 * its kind says, as Argo does), else PUT the rollout. The caller retries on Conflict. */
static int set_image_once(kube_client *c, const char *ns, const char *name, const char *container, const char *image,
                          char kind[32], char objname[256], kube_status *st)
{
    cJSON *ro = kube_get(c, &ro_rollouts_gvr, ns, name, st);
    if (!ro)
        return -1;
    const cJSON *ref = cj_get(ro, "spec.workloadRef");
    const kube_gvr *gvr = &ro_rollouts_gvr;
    cJSON *obj = ro;
    if (ref && !cJSON_IsNull(ref)) {
        if (!is_obj(ref)) {
            /* unstructured.NestedMap's error for a field that is not a map */
            char *printed = cJSON_PrintUnformatted(ref);
            fail(st, ".spec.workloadRef accessor error: %s is of the type %s, expected map[string]interface{}",
                 printed ? printed : "", go_type(ref));
            free(printed);
            cJSON_Delete(ro);
            return -1;
        }
        const cJSON *ref_name = cJSON_GetObjectItemCaseSensitive(ref, "name");
        if (!cJSON_IsString(ref_name)) {
            char *printed = ref_name ? cJSON_PrintUnformatted(ref_name) : NULL;
            fail(st, "spec.workloadRef.name is not a string: %s", printed ? printed : "<nil>");
            free(printed);
            cJSON_Delete(ro);
            return -1;
        }
        gvr = &deploy_gvr;
        obj = kube_get(c, &deploy_gvr, ns, ref_name->valuestring, st);
        cJSON_Delete(ro);
        if (!obj)
            return -1;
    }
    if (!set_images(obj, container, image)) {
        cJSON_Delete(obj);
        return fail(st, "unable to find container named \"%s\"", container);
    }
    cJSON *out = kube_update(c, gvr, ns, obj, st);
    cJSON_Delete(obj);
    if (!out)
        return -1;
    /* the CLI prints strings.ToLower(kind) "name" image updated */
    snprintf(kind, 32, "%s", cj_str0(out, "kind"));
    for (char *p = kind; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    snprintf(objname, 256, "%s", cj_str0(out, "metadata.name"));
    cJSON_Delete(out);
    return 0;
}

/* NewCmdSetImage: up to maxAttempts (5) tries while the PUT conflicts. (Argo then falls through
 * with a nil object; here the last Conflict is returned.) */
int ro_set_image(kube_client *c, const char *ns, const char *name, const char *container, const char *image,
                 kube_status *st)
{
    kube_status local;
    if (!st)
        st = &local;
    if (!container || !image)
        return fail(st, "set image needs CONTAINER=IMAGE");
    char kind[32] = "", objname[256] = "";
    for (int attempt = 0; attempt < SET_IMAGE_ATTEMPTS; attempt++) {
        if (set_image_once(c, ns, name, container, image, kind, objname, st) == 0)
            return done(st, "%s \"%s\" image updated", kind, objname);
        if (!is_conflict(st))
            return -1;
    }
    return -1;
}

/* ---- undo (cmd/undo/undo.go) ---- */

typedef struct {
    const char *key;
    const char *op; /* "=", "in", "notin", "exists", "!" */
    char **values;  /* sorted */
    int nvalues;
} requirement;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void free_reqs(requirement *r, int n)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < r[i].nvalues; j++)
            free(r[i].values[j]);
        free(r[i].values);
    }
    free(r);
}

/* extractLabelSelector + metav1.LabelSelectorAsSelector + Selector.String(): spec.selector as
 * a label selector query ("" selects everything). matchLabels are ignored when any value is not
 * a string (NestedStringMap fails and Argo drops the error). Returns 0, or -1 with err set. */
static int selector_query(const cJSON *ro, co_buf *out, char *err, size_t errlen)
{
    const cJSON *labels = cj_get(ro, "spec.selector.matchLabels");
    const cJSON *exprs = cj_get(ro, "spec.selector.matchExpressions");
    int cap = (is_obj(labels) ? cJSON_GetArraySize(labels) : 0) + (cJSON_IsArray(exprs) ? cJSON_GetArraySize(exprs) : 0);
    requirement *reqs = calloc((size_t)cap + 1, sizeof *reqs);
    int n = 0;
    const cJSON *it;
    if (!is_obj(labels))
        labels = NULL;
    if (!cJSON_IsArray(exprs))
        exprs = NULL;
    bool labels_ok = labels != NULL;
    cJSON_ArrayForEach(it, labels) labels_ok &= cJSON_IsString(it);
    if (labels_ok) {
        cJSON_ArrayForEach(it, labels)
        {
            requirement *r = &reqs[n++];
            r->key = it->string;
            r->op = "=";
            r->values = malloc(sizeof *r->values);
            r->values[0] = strdup(it->valuestring);
            r->nvalues = 1;
        }
    }
    cJSON_ArrayForEach(it, exprs)
    {
        if (!is_obj(it)) {
            char *p = cJSON_PrintUnformatted(it);
            snprintf(err, errlen, "unable to retrieve matchExpressions for object, item %s is not a map", p ? p : "");
            free(p);
            goto bad;
        }
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(it, "key");
        const cJSON *op = cJSON_GetObjectItemCaseSensitive(it, "operator");
        const cJSON *vals = cJSON_GetObjectItemCaseSensitive(it, "values");
        if ((key && !cJSON_IsString(key)) || (op && !cJSON_IsString(op)) || (vals && !cJSON_IsNull(vals) && !cJSON_IsArray(vals))) {
            snprintf(err, errlen, "unable to retrieve matchExpressions for object: invalid LabelSelectorRequirement");
            goto bad;
        }
        requirement *r = &reqs[n++];
        r->key = key ? key->valuestring : "";
        const char *o = op ? op->valuestring : "";
        r->op = !strcmp(o, "In")             ? "in"
                : !strcmp(o, "NotIn")        ? "notin"
                : !strcmp(o, "Exists")       ? "exists"
                : !strcmp(o, "DoesNotExist") ? "!"
                                             : NULL;
        if (!r->op) {
            snprintf(err, errlen, "\"%s\" is not a valid label selector operator", o);
            goto bad;
        }
        int nv = cJSON_IsArray(vals) ? cJSON_GetArraySize(vals) : 0;
        r->values = calloc((size_t)nv + 1, sizeof *r->values);
        const cJSON *v, *varr = cJSON_IsArray(vals) ? vals : NULL;
        cJSON_ArrayForEach(v, varr)
        {
            if (!cJSON_IsString(v)) {
                snprintf(err, errlen, "unable to retrieve matchExpressions for object: invalid LabelSelectorRequirement");
                goto bad;
            }
            r->values[r->nvalues++] = strdup(v->valuestring);
        }
        bool set_op = r->op[0] == 'i' || r->op[0] == 'n';
        if (set_op && r->nvalues == 0) {
            snprintf(err, errlen, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty");
            goto bad;
        }
        if (!set_op && r->nvalues > 0) {
            snprintf(err, errlen, "values: Invalid value: values set must be empty for exists and does not exist");
            goto bad;
        }
        qsort(r->values, (size_t)r->nvalues, sizeof *r->values, cmp_str);
    }
    /* internalSelector.Add sorts the requirements by key (stable here) */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(reqs[j - 1].key, reqs[j].key) > 0; j--) {
            requirement t = reqs[j];
            reqs[j] = reqs[j - 1];
            reqs[j - 1] = t;
        }
    for (int i = 0; i < n; i++) {
        const requirement *r = &reqs[i];
        if (i)
            co_buf_adds(out, ",");
        if (!strcmp(r->op, "!"))
            co_buf_printf(out, "!%s", r->key);
        else if (!strcmp(r->op, "exists"))
            co_buf_adds(out, r->key);
        else if (!strcmp(r->op, "="))
            co_buf_printf(out, "%s=%s", r->key, r->values[0]);
        else {
            co_buf_printf(out, "%s %s (", r->key, r->op);
            for (int j = 0; j < r->nvalues; j++)
                co_buf_printf(out, "%s%s", j ? "," : "", r->values[j]);
            co_buf_adds(out, ")");
        }
    }
    free_reqs(reqs, n);
    return 0;
bad:
    free_reqs(reqs, n);
    return -1;
}

/* metav1.IsControlledBy: the RS's controller ownerReference carries the rollout's uid. */
static bool controlled_by(const cJSON *rs, const char *uid)
{
    const cJSON *ref;
    cJSON_ArrayForEach(ref, cj_get(rs, "metadata.ownerReferences"))
    {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref, "controller")))
            return uid && !strcmp(cj_str0(ref, "uid"), uid);
    }
    return false;
}

/* undo.go revision(): the revision annotation as int64, 0 when absent; false when it does not
 * parse (strconv.ParseInt: optional sign, decimal digits, in range). */
static bool rs_revision(const cJSON *rs, int64_t *rev)
{
    const cJSON *anns = cj_get(rs, "metadata.annotations");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(anns, REVISION_ANNOTATION);
    if (!v) {
        *rev = 0;
        return true;
    }
    if (!cJSON_IsString(v))
        return false;
    const char *s = v->valuestring, *d = s + (*s == '+' || *s == '-');
    if (*d < '0' || *d > '9')
        return false;
    errno = 0;
    char *end;
    long long x = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *rev = x;
    return true;
}

/* rolloutRevision: the owned RS with revision to_revision; for 0 the one with the second
 * highest revision ("previous"). Returns a copy, or NULL with st set. */
static cJSON *revision_rs(kube_client *c, const cJSON *ro, const char *ns, int64_t to_revision, kube_status *st)
{
    const char *name = cj_str0(ro, "metadata.name");
    co_buf sel = {0};
    co_buf_adds(&sel, "");
    char err[512];
    if (selector_query(ro, &sel, err, sizeof err) != 0) {
        co_buf_free(&sel);
        fail(st, "failed to retrieve replica sets from rollout %s: %s", name, err);
        return NULL;
    }
    kube_list_opts lo = {.label_selector = sel.data};
    cJSON *list = kube_list(c, &rs_gvr, ns, &lo, st);
    co_buf_free(&sel);
    if (!list) {
        wrap(st, "failed to retrieve replica sets from rollout %s", name);
        return NULL;
    }
    const char *uid = cj_str(ro, "metadata.uid");
    const cJSON *latest = NULL, *previous = NULL, *match = NULL, *rs;
    int64_t latest_rev = -1, previous_rev = -1;
    cJSON_ArrayForEach(rs, cj_get(list, "items"))
    {
        int64_t v;
        if (!controlled_by(rs, uid) || !rs_revision(rs, &v))
            continue;
        if (to_revision == 0) {
            if (latest_rev < v) {
                previous_rev = latest_rev;
                previous = latest;
                latest_rev = v;
                latest = rs;
            } else if (previous_rev < v) {
                previous_rev = v;
                previous = rs;
            }
        } else if (to_revision == v) {
            match = rs;
            break;
        }
    }
    cJSON *found = NULL;
    if (match)
        found = cJSON_Duplicate(match, 1);
    else if (to_revision > 0)
        fail(st, "unable to find specified revision %lld in history", (long long)to_revision);
    else if (!previous)
        fail(st, "no revision found for rollout \"%s\"", name);
    else
        found = cJSON_Duplicate(previous, 1);
    cJSON_Delete(list);
    return found;
}

/* apiequality.Semantic.DeepDerivative on JSON: every field set in a must be equal in b; unset
 * fields of a (null, "", empty list or map) are ignored, a list or map of a may be a prefix or
 * subset of b's. A null in a matches a missing key of b too: Argo compares against the RS
 * template after a typed round trip, which carries those nulls (creationTimestamp). */
static bool derives(const cJSON *a, const cJSON *b)
{
    if (!a || cJSON_IsNull(a))
        return true;
    if (!b)
        return false;
    if (cJSON_IsBool(a) || cJSON_IsBool(b))
        return cJSON_IsBool(a) && cJSON_IsBool(b) && cJSON_IsTrue(a) == cJSON_IsTrue(b);
    if ((a->type & 0xFF) != (b->type & 0xFF))
        return false;
    if (cJSON_IsString(a))
        return !a->valuestring[0] || !strcmp(a->valuestring, b->valuestring);
    if (cJSON_IsNumber(a))
        return a->valuedouble == b->valuedouble;
    if (cJSON_IsArray(a) || cJSON_IsObject(a)) {
        int na = cJSON_GetArraySize(a);
        if (na == 0)
            return true;
        if (na > cJSON_GetArraySize(b))
            return false;
        const cJSON *x, *y = b->child;
        cJSON_ArrayForEach(x, a)
        {
            if (cJSON_IsArray(a)) {
                if (!derives(x, y))
                    return false;
                y = y->next;
            } else if (!derives(x, cJSON_GetObjectItemCaseSensitive(b, x->string))) {
                return false;
            }
        }
        return true;
    }
    return true;
}

static void drop_hash_label(cJSON *tpl)
{
    cJSON *labels = cj_get(tpl, "metadata.labels");
    cJSON_DeleteItemFromObjectCaseSensitive(labels, HASH_LABEL);
}

/* equalIgnoreHash: the rollout's template, hash label aside, derives from the RS's. */
static bool same_template(const cJSON *ro, const cJSON *rs)
{
    const cJSON *ro_tpl = cj_get(ro, "spec.template");
    if (!ro_tpl)
        return false;
    cJSON *a = cJSON_Duplicate(ro_tpl, 1);
    cJSON *b = cJSON_Duplicate(cj_get(rs, "spec.template"), 1);
    if (!b)
        b = cJSON_CreateObject();
    drop_hash_label(a);
    drop_hash_label(b);
    bool eq = derives(a, b);
    cJSON_Delete(a);
    cJSON_Delete(b);
    return eq;
}

/* RunUndoRollout: GET the rollout, LIST the ReplicaSets matching its selector (kept: those it
 * controls), pick the revision, and unless the template already matches send a JSON patch
 * [{"op":"replace","path":"/spec/template","value":<RS template minus the hash label>}] to the
 * rollout, or to its workloadRef (Deployment, ReplicaSet or PodTemplate). */
int ro_undo(kube_client *c, const char *ns, const char *name, int64_t to_revision, kube_status *st)
{
    kube_status local;
    if (!st)
        st = &local;
    cJSON *ro = kube_get(c, &ro_rollouts_gvr, ns, name, st);
    if (!ro)
        return -1;
    const char *ro_ns = cj_str(ro, "metadata.namespace");
    if (!ro_ns || !*ro_ns)
        ro_ns = ns;
    cJSON *rs = revision_rs(c, ro, ro_ns, to_revision, st);
    if (!rs) {
        cJSON_Delete(ro);
        return -1;
    }
    if (same_template(ro, rs)) {
        cJSON_Delete(rs);
        cJSON_Delete(ro);
        st->code = 200;
        return done(st, "skipped rollback (current template already matches revision %lld)", (long long)to_revision);
    }
    cJSON *tpl = cJSON_DetachItemFromObjectCaseSensitive(cj_get(rs, "spec"), "template");
    if (!tpl)
        tpl = cJSON_CreateObject();
    drop_hash_label(tpl);
    /* an emptied label map is omitted, as Go's omitempty does */
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(tpl, "metadata");
    cJSON *labels = cJSON_GetObjectItemCaseSensitive(meta, "labels");
    if (is_obj(labels) && !labels->child)
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "labels");
    cJSON_Delete(rs);

    cJSON *ops = cJSON_CreateArray(), *op = cJSON_CreateObject();
    cJSON_AddStringToObject(op, "op", "replace");
    cJSON_AddStringToObject(op, "path", "/spec/template");
    cJSON_AddItemToObject(op, "value", tpl);
    cJSON_AddItemToArray(ops, op);
    char *patch = cJSON_PrintUnformatted(ops);
    cJSON_Delete(ops);

    const cJSON *ref = cj_get(ro, "spec.workloadRef");
    const kube_gvr *gvr = &ro_rollouts_gvr;
    const char *target = name;
    int rc = 0;
    if (is_obj(ref)) {
        const char *kind = cj_str0(ref, "kind");
        target = cj_str0(ref, "name");
        gvr = !strcmp(kind, "Deployment")    ? &deploy_gvr
              : !strcmp(kind, "ReplicaSet")  ? &rs_gvr
              : !strcmp(kind, "PodTemplate") ? &podtemplate_gvr
                                             : NULL;
        if (!gvr)
            rc = fail(st, "failed restoring revision %lld: workload of type %s is not supported",
                      (long long)to_revision, kind);
    }
    if (rc == 0) {
        cJSON *out = kube_patch(c, gvr, gvr == &ro_rollouts_gvr ? ns : ro_ns, target, KUBE_PATCH_JSON, patch, NULL, st);
        if (out)
            cJSON_Delete(out);
        else
            rc = wrap(st, "failed restoring revision %lld", (long long)to_revision);
    }
    free(patch);
    cJSON_Delete(ro);
    if (rc != 0)
        return -1;
    return done(st, "rollout '%s' undo", name);
}
