/* kubelet.c: the simulated node kind-control-plane (hostIP 172.18.0.2): the scheduler's binding of
 * new pods to it, and its kubelet: kwok's pod-ready status after a configurable delay, the
 * per-image behaviours (never ready, crash loop, own ready delay), readinessGates, pod IPs, the
 * kubelet's events, and the end of graceful deletion (the final DELETE with grace 0).
 *
 * The pod itself is the controller's state: every status is computed from the pod (its spec,
 * creationTimestamp, current status) and the clock, so a sync can run any number of times and
 * after any jump of virtual time and still write the same thing, and nothing is written when it
 * would not change. The one exception is the pod IP allocator (see "Pod IPs" below). */
#include "fakeapi/sim/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NODE FA_SIM_NODE
#define HOST_IP FA_SIM_NODE_IP
/* A queue key "!kill/<pod>" means "this pod's graceful deletion just started": pod names are DNS
 * subdomains and can never begin with '!', so the key cannot collide with a pod. It lets the
 * sync (which alone may write) emit the Killing events exactly once, with no state kept here. */
#define KILL_PREFIX "!kill/"
#define BACKOFF_FIRST_MS 10000 /* the kubelet's crash back-off: 10 s, doubling, capped at 300 s */
#define BACKOFF_MAX_MS 300000

/* The scheduler's writes carry its own name as the actor, as a real binding would. */
static const fa_sim_ctl scheduler = {.name = "default-scheduler"};

/* The Node the kubelet registers: kind's single control-plane node, with the label the seed's kind
 * config gives it (ingress-ready=true), Ready, the pod CIDR the pod IPs come from. */
cJSON *fa_sim_node_object(void)
{
    static const char node[] =
        "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" NODE "\",\"labels\":{"
        "\"beta.kubernetes.io/arch\":\"amd64\",\"beta.kubernetes.io/os\":\"linux\",\"ingress-ready\":\"true\","
        "\"kubernetes.io/arch\":\"amd64\",\"kubernetes.io/hostname\":\"" NODE "\",\"kubernetes.io/os\":\"linux\","
        "\"node-role.kubernetes.io/control-plane\":\"\"}},"
        "\"spec\":{\"podCIDR\":\"10.244.0.0/16\",\"podCIDRs\":[\"10.244.0.0/16\"],"
        "\"providerID\":\"kind://docker/kind/" NODE "\"},"
        "\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"" HOST_IP "\"},"
        "{\"type\":\"Hostname\",\"address\":\"" NODE "\"}],"
        "\"capacity\":{\"cpu\":\"2\",\"memory\":\"24Gi\",\"pods\":\"110\"},"
        "\"allocatable\":{\"cpu\":\"2\",\"memory\":\"24Gi\",\"pods\":\"110\"},"
        "\"conditions\":["
        "{\"type\":\"MemoryPressure\",\"status\":\"False\",\"reason\":\"KubeletHasSufficientMemory\","
        "\"message\":\"kubelet has sufficient memory available\"},"
        "{\"type\":\"DiskPressure\",\"status\":\"False\",\"reason\":\"KubeletHasNoDiskPressure\","
        "\"message\":\"kubelet has no disk pressure\"},"
        "{\"type\":\"PIDPressure\",\"status\":\"False\",\"reason\":\"KubeletHasSufficientPID\","
        "\"message\":\"kubelet has sufficient PID available\"},"
        "{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\","
        "\"message\":\"kubelet is posting ready status\"}],"
        "\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":10250}},"
        "\"nodeInfo\":{\"architecture\":\"amd64\",\"containerRuntimeVersion\":\"containerd://2.1.4\","
        "\"kernelVersion\":\"6.1.0\",\"kubeProxyVersion\":\"\",\"kubeletVersion\":\"v1.32.0\","
        "\"operatingSystem\":\"linux\",\"osImage\":\"Debian GNU/Linux 12 (bookworm)\"}}}";
    return cJSON_Parse(node);
}

/* ---- small helpers ---- */


static const cJSON *find_named(const cJSON *arr, const char *field, const char *value)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) if (cj_streq(cj_str(e, field), value)) return e;
    return NULL;
}

static int64_t num_or(const cJSON *o, const char *path, int64_t dflt)
{
    const cJSON *n = cj_get(o, path);
    return cJSON_IsNumber(n) ? (int64_t)n->valuedouble : dflt;
}

/* Deterministic stand-ins for the digests a container runtime reports: 64 hex digits from FNV-1a
 * of the parts, widened with splitmix64. Stable across runs and independent of call order. */
static void digest(char out[65], const char *a, const char *b, long n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    char num[24];
    snprintf(num, sizeof num, "%ld", n);
    const char *parts[] = {a ? a : "", "\x1f", b ? b : "", "\x1f", num};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++)
            h = (h ^ *p) * 0x100000001b3ull;
    for (int i = 0; i < 4; i++) {
        uint64_t z = (h += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        snprintf(out + 16 * i, 17, "%016llx", (unsigned long long)(z ^ (z >> 31)));
    }
}

/* "containerd://<64 hex>" for one run of a container (restart n of container c in pod uid). */
static void container_id(char out[80], const char *uid, const char *c, long n)
{
    char hex[65];
    digest(hex, uid, c, n);
    snprintf(out, 80, "containerd://%s", hex);
}

/* The imageID containerd reports: the fully qualified repository (docker.io/library/ added as
 * the runtime does for short names) with a digest instead of the tag. */
static void image_id(char *out, size_t n, const char *image)
{
    char repo[512], hex[65];
    snprintf(repo, sizeof repo, "%s", image ? image : "");
    char *at = strchr(repo, '@');
    if (at)
        *at = 0;
    char *slash = strrchr(repo, '/'), *colon = strrchr(repo, ':');
    if (colon && (!slash || colon > slash))
        *colon = 0;
    const char *first_end = strchr(repo, '/');
    bool has_host = first_end && (memchr(repo, '.', (size_t)(first_end - repo)) ||
                                  memchr(repo, ':', (size_t)(first_end - repo)) ||
                                  !strncmp(repo, "localhost/", 10));
    const char *prefix = has_host ? "" : first_end ? "docker.io/" : "docker.io/library/";
    digest(hex, image, "image", 0);
    snprintf(out, n, "%s%s@sha256:%s", prefix, repo, hex);
}

static char *ts(int64_t ms, char buf[32]) { return co_time_rfc3339(ms, buf); }

/* ---- Pod IPs ----
 * Pods get 10.244.0.1, 10.244.0.2, ... in the order they start (kind's pod network, widened to
 * the /16 so that a benchmark's ten thousand pods fit), wrapping and skipping addresses in use
 * after 10.244.255.254.
 *
 * The counter is the kubelet's per-server state. It starts at zero when the server starts,
 * and is then rebuilt from the pods in the store (after the highest address in use), so a
 * restart from a database file continues where it stopped and runs stay deterministic. */

#define IP_LAST 65534u /* offsets 1 .. 65534 in 10.244.0.0/16 */

typedef struct {
    uint32_t last; /* offset handed out last; 0 = not known yet */
    bool wrapped;  /* past the end once: every allocation must skip addresses in use */
} ipam;

static uint32_t ip_offset(const char *ip)
{
    unsigned a, b, c, d;
    if (!ip || sscanf(ip, "%u.%u.%u.%u", &a, &b, &c, &d) != 4 || a != 10 || b != 244 || c > 255 || d > 255)
        return 0;
    uint32_t off = c << 8 | d;
    return off <= IP_LAST ? off : 0;
}

static void ip_string(char out[20], uint32_t off) { snprintf(out, 20, "10.244.%u.%u", off >> 8, off & 255); }

/* Offsets in use by pods in the store; *max gets the highest. Caller frees. */
static uint8_t *ips_in_use(fakeapi *f, uint32_t *max)
{
    uint8_t *used = calloc(IP_LAST / 8 + 1, 1);
    cJSON *pods = fa_sim_list(f, "pods", NULL);
    const cJSON *p;
    *max = 0;
    cJSON_ArrayForEach(p, pods)
    {
        uint32_t off = ip_offset(cj_str(p, "status.podIP"));
        if (!off)
            continue;
        used[off / 8] |= (uint8_t)(1u << (off % 8));
        if (off > *max)
            *max = off;
    }
    cJSON_Delete(pods);
    return used;
}

static void allocate_ip(fakeapi *f, char out[20])
{
    ipam *s = fa_sim_state(f, &fa_sim_kubelet);
    if (!s->last)
        free(ips_in_use(f, &s->last)); /* continue after the highest address in use */
    uint32_t off = s->last + 1;
    if (s->wrapped || off > IP_LAST) {
        uint32_t max;
        uint8_t *used = ips_in_use(f, &max);
        s->wrapped = true;
        off = 0;
        for (uint32_t i = 1; i <= IP_LAST && !off; i++) {
            uint32_t cand = (s->last + i - 1) % IP_LAST + 1;
            if (!(used[cand / 8] & (1u << (cand % 8))))
                off = cand;
        }
        free(used);
        if (!off) /* every address taken: a real node would fail the sandbox; share one instead */
            off = s->last % IP_LAST + 1;
    }
    s->last = off;
    ip_string(out, off);
}

/* ---- status pieces ---- */

/* A pod condition as the kubelet writes it; lastTransitionTime is kept from the current
 * condition of that type when its status is unchanged. */
static cJSON *condition(const cJSON *old_conds, const char *type, bool status, const char *reason, const char *msg,
                        int64_t now)
{
    const char *st = status ? "True" : "False";
    const cJSON *old = find_named(old_conds, "type", type);
    char buf[32];
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "type", type);
    cJSON_AddStringToObject(c, "status", st);
    cJSON_AddNullToObject(c, "lastProbeTime");
    const char *ltt = old && cj_streq(cj_str(old, "status"), st) ? cj_str(old, "lastTransitionTime") : NULL;
    cJSON_AddStringToObject(c, "lastTransitionTime", ltt ? ltt : ts(now, buf));
    if (reason)
        cJSON_AddStringToObject(c, "reason", reason);
    if (msg)
        cJSON_AddStringToObject(c, "message", msg);
    return c;
}

static bool kubelet_condition(const char *type)
{
    return cj_streq(type, "Initialized") || cj_streq(type, "Ready") || cj_streq(type, "ContainersReady") ||
           cj_streq(type, "PodScheduled");
}

/* The time the pod's containers start (and, for a normal image, it is Ready): creationTimestamp
 * plus the first container's image rule's ready_after, or the cluster's podReadySeconds. */
static int64_t ready_time(fakeapi *f, const cJSON *pod)
{
    const cJSON *c0 = cJSON_GetArrayItem(cj_get(pod, "spec.containers"), 0);
    const fakeapi_image *rule = fa_sim_image(f, cj_str(c0, "image"));
    double secs = rule && rule->ready_after > 0 ? rule->ready_after : fa_sim_pod_ready_seconds(f);
    int64_t created;
    if (co_time_parse(cj_str(pod, "metadata.creationTimestamp"), &created) != 0)
        created = fa_sim_now(f);
    return created + (int64_t)(secs * 1000 + 0.5);
}

static int64_t backoff_ms(long crash)
{
    int64_t d = BACKOFF_FIRST_MS;
    for (long i = 0; i < crash && d < BACKOFF_MAX_MS; i++)
        d *= 2;
    return d < BACKOFF_MAX_MS ? d : BACKOFF_MAX_MS;
}

typedef struct {
    bool ready, terminated;
    int64_t next_due; /* INT64_MAX: nothing scheduled */
} cstate;

/* One containerStatuses entry (fields in the API's order). A crash-looping container's history
 * is a function of time: it first crashes when it starts, at t0, and restart k happens at
 * t0 + 10 s + 20 s + ... (k back-offs), so however far the clock jumped, restartCount is the
 * number of back-offs that have elapsed. */
static cJSON *container_status(fakeapi *f, const cJSON *pod, const cJSON *c, const cJSON *old, int64_t now,
                               int64_t t0, cstate *cs)
{
    const char *cname = cj_str(c, "name"), *image = cj_str(c, "image");
    const char *uid = cj_str(pod, "metadata.uid");
    const char *policy = cj_str(pod, "spec.restartPolicy");
    const fakeapi_image *rule = fa_sim_image(f, image);
    char buf[32], buf2[32], cid[80], iid[640];
    image_id(iid, sizeof iid, image);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", cname ? cname : "");
    cJSON *state = cJSON_AddObjectToObject(o, "state");
    cJSON *last = cJSON_AddObjectToObject(o, "lastState");
    long restarts = 0;
    bool ready = false, started = false;
    if (rule && rule->crash_loop && cj_streq(policy, "Never")) {
        /* runs once, exits 1, is never restarted */
        container_id(cid, uid, cname, 0);
        cJSON *t = cJSON_AddObjectToObject(state, "terminated");
        cJSON_AddNumberToObject(t, "exitCode", 1);
        cJSON_AddStringToObject(t, "reason", "Error");
        cJSON_AddStringToObject(t, "startedAt", ts(t0, buf));
        cJSON_AddStringToObject(t, "finishedAt", ts(t0, buf));
        cJSON_AddStringToObject(t, "containerID", cid);
        cs->terminated = true;
    } else if (rule && rule->crash_loop) {
        int64_t crash_at = t0;
        while (crash_at + backoff_ms(restarts) <= now)
            crash_at += backoff_ms(restarts++);
        int64_t wait = backoff_ms(restarts);
        if (crash_at + wait < cs->next_due)
            cs->next_due = crash_at + wait;
        container_id(cid, uid, cname, restarts);
        char msg[640], dur[32];
        if (wait >= 60000) /* Go's time.Duration format, as the kubelet prints it: 10s, 1m20s, 5m0s */
            snprintf(dur, sizeof dur, "%lldm%llds", (long long)(wait / 60000), (long long)(wait % 60000 / 1000));
        else
            snprintf(dur, sizeof dur, "%llds", (long long)(wait / 1000));
        snprintf(msg, sizeof msg, "back-off %s restarting failed container=%s pod=%s_%s(%s)", dur,
                 cname ? cname : "", cj_str(pod, "metadata.name"),
                 cj_str(pod, "metadata.namespace"), uid ? uid : "");
        cJSON *w = cJSON_AddObjectToObject(state, "waiting");
        cJSON_AddStringToObject(w, "reason", "CrashLoopBackOff");
        cJSON_AddStringToObject(w, "message", msg);
        cJSON *t = cJSON_AddObjectToObject(last, "terminated");
        cJSON_AddNumberToObject(t, "exitCode", 1);
        cJSON_AddStringToObject(t, "reason", "Error");
        cJSON_AddStringToObject(t, "startedAt", ts(crash_at, buf));
        cJSON_AddStringToObject(t, "finishedAt", ts(crash_at, buf2));
        cJSON_AddStringToObject(t, "containerID", cid);
    } else {
        restarts = num_or(old, "restartCount", 0);
        container_id(cid, uid, cname, restarts);
        const char *since = cj_str(old, "state.running.startedAt");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(state, "running"), "startedAt", since ? since : ts(now, buf));
        ready = !(rule && rule->never_ready);
        started = true;
    }
    cJSON_AddBoolToObject(o, "ready", ready);
    cJSON_AddNumberToObject(o, "restartCount", (double)restarts);
    cJSON_AddStringToObject(o, "image", image ? image : "");
    cJSON_AddStringToObject(o, "imageID", iid);
    cJSON_AddStringToObject(o, "containerID", cid);
    cJSON_AddBoolToObject(o, "started", started);
    cs->ready = ready;
    return o;
}

/* Init containers have all run to completion by the time the pod starts (kwok's shape); a
 * sidecar (restartPolicy Always) keeps running. */
static cJSON *init_status(const cJSON *pod, const cJSON *c, const cJSON *old, int64_t now)
{
    const char *cname = cj_str(c, "name"), *image = cj_str(c, "image");
    char buf[32], cid[80], iid[640];
    container_id(cid, cj_str(pod, "metadata.uid"), cname, 0);
    image_id(iid, sizeof iid, image);
    bool sidecar = cj_streq(cj_str(c, "restartPolicy"), "Always");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", cname ? cname : "");
    cJSON *state = cJSON_AddObjectToObject(o, "state");
    if (sidecar) {
        const char *since = cj_str(old, "state.running.startedAt");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(state, "running"), "startedAt", since ? since : ts(now, buf));
    } else {
        cJSON *t = cJSON_AddObjectToObject(state, "terminated");
        const char *at = cj_str(old, "state.terminated.finishedAt");
        cJSON_AddNumberToObject(t, "exitCode", 0);
        cJSON_AddStringToObject(t, "reason", "Completed");
        cJSON_AddStringToObject(t, "startedAt", at ? at : ts(now, buf));
        cJSON_AddStringToObject(t, "finishedAt", at ? at : ts(now, buf));
        cJSON_AddStringToObject(t, "containerID", cid);
    }
    cJSON_AddObjectToObject(o, "lastState");
    cJSON_AddBoolToObject(o, "ready", true);
    cJSON_AddNumberToObject(o, "restartCount", 0);
    cJSON_AddStringToObject(o, "image", image ? image : "");
    cJSON_AddStringToObject(o, "imageID", iid);
    cJSON_AddStringToObject(o, "containerID", cid);
    cJSON_AddBoolToObject(o, "started", sidecar);
    return o;
}

/* The status of a started pod: kwok's pod-ready shape, adjusted for the image rules and the
 * readinessGates. Fields the kubelet does not own (qosClass, conditions set by others) are kept.
 * *next_due gets the next time the status changes by itself (a crash-loop restart). */
static cJSON *started_status(fakeapi *f, const cJSON *pod, int64_t now, int64_t t0, int64_t *next_due)
{
    const cJSON *old = cj_get(pod, "status");
    const cJSON *old_conds = cj_get(old, "conditions");
    char buf[32], ip[20];
    cstate cs = {.next_due = INT64_MAX};

    cJSON *cstats = cJSON_CreateArray();
    bool all_ready = true, all_terminated = true, any = false;
    char unready[1024] = "";
    const cJSON *c;
    cJSON_ArrayForEach(c, cj_get(pod, "spec.containers"))
    {
        const cJSON *prev = find_named(cj_get(old, "containerStatuses"), "name", cj_str(c, "name"));
        cs.ready = cs.terminated = false;
        cJSON_AddItemToArray(cstats, container_status(f, pod, c, prev, now, t0, &cs));
        any = true;
        all_terminated &= cs.terminated;
        if (!cs.ready) {
            all_ready = false;
            size_t n = strlen(unready);
            snprintf(unready + n, sizeof unready - n, "%s%s", n ? " " : "", cj_str(c, "name") ? cj_str(c, "name") : "");
        }
    }
    cJSON *istats = NULL;
    if (cJSON_GetArraySize(cj_get(pod, "spec.initContainers")) > 0) {
        istats = cJSON_CreateArray();
        cJSON_ArrayForEach(c, cj_get(pod, "spec.initContainers"))
            cJSON_AddItemToArray(istats, init_status(pod, c, find_named(cj_get(old, "initContainerStatuses"), "name",
                                                                        cj_str(c, "name")), now));
    }
    bool failed = any && all_terminated;
    *next_due = cs.next_due;

    /* Ready = containers ready and every readiness gate's condition True (set by others) */
    char gates_msg[1024] = "";
    const cJSON *g;
    cJSON_ArrayForEach(g, cj_get(pod, "spec.readinessGates"))
    {
        const char *type = cj_str(g, "conditionType");
        const cJSON *gc = find_named(old_conds, "type", type);
        if (gc && cj_streq(cj_str(gc, "status"), "True"))
            continue;
        size_t n = strlen(gates_msg);
        if (gc)
            snprintf(gates_msg + n, sizeof gates_msg - n,
                     "%sthe status of pod readiness gate \"%s\" is not \"True\", but %s", n ? ", " : "",
                     type ? type : "", cj_str(gc, "status") ? cj_str(gc, "status") : "");
        else
            snprintf(gates_msg + n, sizeof gates_msg - n,
                     "%scorresponding condition of pod readiness gate \"%s\" does not exist.", n ? ", " : "",
                     type ? type : "");
    }
    char cmsg[1100];
    snprintf(cmsg, sizeof cmsg, "containers with unready status: [%s]", unready);
    const char *creason = failed ? "PodCompleted" : "ContainersNotReady";
    cJSON *conds = cJSON_CreateArray();
    cJSON_AddItemToArray(conds, condition(old_conds, "Initialized", true, NULL, NULL, now));
    if (!all_ready)
        cJSON_AddItemToArray(conds, condition(old_conds, "Ready", false, creason, failed ? NULL : cmsg, now));
    else if (*gates_msg)
        cJSON_AddItemToArray(conds, condition(old_conds, "Ready", false, "ReadinessGatesNotReady", gates_msg, now));
    else
        cJSON_AddItemToArray(conds, condition(old_conds, "Ready", true, NULL, NULL, now));
    cJSON_AddItemToArray(conds, condition(old_conds, "ContainersReady", all_ready, all_ready ? NULL : creason,
                                          all_ready || failed ? NULL : cmsg, now));
    const cJSON *sched = find_named(old_conds, "type", "PodScheduled");
    cJSON_AddItemToArray(conds, sched ? cJSON_Duplicate(sched, 1)
                                      : condition(NULL, "PodScheduled", true, NULL, NULL, now));
    cJSON_ArrayForEach(c, old_conds) if (!kubelet_condition(cj_str(c, "type")))
        cJSON_AddItemToArray(conds, cJSON_Duplicate(c, 1));

    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "phase", failed ? "Failed" : "Running");
    cJSON_AddItemToObject(st, "conditions", conds);
    cJSON_AddStringToObject(st, "hostIP", HOST_IP);
    cJSON *hip = cJSON_CreateObject();
    cJSON_AddStringToObject(hip, "ip", HOST_IP);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(st, "hostIPs"), hip);
    const char *pod_ip = cj_str(old, "podIP");
    if (!pod_ip)
        allocate_ip(f, ip);
    cJSON_AddStringToObject(st, "podIP", pod_ip ? pod_ip : ip);
    cJSON *pip = cJSON_CreateObject();
    cJSON_AddStringToObject(pip, "ip", pod_ip ? pod_ip : ip);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(st, "podIPs"), pip);
    const char *start = cj_str(old, "startTime");
    cJSON_AddStringToObject(st, "startTime", start ? start : ts(now, buf));
    if (istats)
        cJSON_AddItemToObject(st, "initContainerStatuses", istats);
    cJSON_AddItemToObject(st, "containerStatuses", cstats);
    /* whatever else the status held (qosClass, ...) stays */
    cJSON_ArrayForEach(c, old) if (c->string && !cJSON_GetObjectItemCaseSensitive(st, c->string))
        cJSON_AddItemToObject(st, c->string, cJSON_Duplicate(c, 1));
    return st;
}

/* ---- writes ---- */

/* Replaces the pod's status through pods/<name>/status (PUT with the resourceVersion read, so
 * a concurrent change is a conflict, and the pod is synced again). Returns the HTTP code. */
static unsigned put_status(fakeapi *f, const fa_sim_ctl *as, const cJSON *pod)
{
    const char *ns = cj_str(pod, "metadata.namespace"), *name = cj_str(pod, "metadata.name");
    unsigned code = fa_sim_write(f, as, "PUT", "pods", ns, name, "status", NULL, pod, NULL);
    if (code == 409)
        fa_sim_enqueue(f, &fa_sim_kubelet, ns, name, fa_sim_now(f));
    return code;
}

/* The scheduler: binds the pod to the node (spec.nodeName, then PodScheduled=True through the
 * status; a real binding does both in one write, the fake server has no pods/binding). */
static void bind_pod(fakeapi *f, const cJSON *pod)
{
    const char *ns = cj_str(pod, "metadata.namespace"), *name = cj_str(pod, "metadata.name");
    cJSON *patch = cJSON_CreateObject();
    cj_set_str(cj_obj(patch, "spec"), "nodeName", NODE);
    char *out = NULL;
    unsigned code =
        fa_sim_write(f, &scheduler, "PATCH", "pods", ns, name, NULL, "application/merge-patch+json", patch, &out);
    cJSON_Delete(patch);
    cJSON *bound = code == 200 && out ? cJSON_Parse(out) : NULL;
    free(out);
    if (!bound)
        return;
    cJSON *st = cj_obj(bound, "status");
    cJSON *old = cJSON_GetObjectItemCaseSensitive(st, "conditions");
    cJSON *conds = cJSON_CreateArray();
    const cJSON *c;
    cJSON_ArrayForEach(c, old) if (!cj_streq(cj_str(c, "type"), "PodScheduled"))
        cJSON_AddItemToArray(conds, cJSON_Duplicate(c, 1));
    cJSON_AddItemToArray(conds, condition(NULL, "PodScheduled", true, NULL, NULL, fa_sim_now(f)));
    cj_set(st, "conditions", conds);
    if (!cJSON_GetObjectItemCaseSensitive(st, "phase"))
        cj_set_str(st, "phase", "Pending");
    if (put_status(f, &scheduler, bound) == 200)
        fa_sim_event(f, "default-scheduler", bound, "Normal", "Scheduled", "Successfully assigned %s/%s to %s", ns,
                     name, NODE);
    fa_sim_enqueue(f, &fa_sim_kubelet, ns, name, ready_time(f, bound));
    cJSON_Delete(bound);
}

/* The events a kubelet records for one container whose status went from prev to cur: a new
 * containerID is a (re)start, a new crash record is a back-off. */
static void container_events(fakeapi *f, const cJSON *pod, const cJSON *spec, const cJSON *prev, const cJSON *cur)
{
    const char *cname = cj_str(spec, "name"), *image = cj_str(spec, "image");
    const char *cid = cj_str(cur, "containerID");
    char at[300];
    snprintf(at, sizeof at, "spec.containers{%.250s}", cname ? cname : "");
    bool ran = cj_get(cur, "state.running") || cj_get(cur, "state.terminated") || cj_get(cur, "lastState.terminated");
    if (ran && !cj_streq(cj_str(prev, "containerID"), cid)) {
        if (cj_streq(cj_str(spec, "imagePullPolicy"), "Always")) {
            fa_sim_event_at(f, "kubelet", pod, at, "Normal", "Pulling", "Pulling image \"%s\"", image ? image : "");
            fa_sim_event_at(f, "kubelet", pod, at, "Normal", "Pulled",
                         "Successfully pulled image \"%s\" in 0s (0s including waiting)", image ? image : "");
        } else {
            fa_sim_event_at(f, "kubelet", pod, at, "Normal", "Pulled", "Container image \"%s\" already present on machine",
                         image ? image : "");
        }
        fa_sim_event_at(f, "kubelet", pod, at, "Normal", "Created", "Created container: %s", cname ? cname : "");
        fa_sim_event_at(f, "kubelet", pod, at, "Normal", "Started", "Started container %s", cname ? cname : "");
    }
    const char *crashed = cj_str(cur, "lastState.terminated.finishedAt");
    if (crashed && cj_get(cur, "state.waiting") && !cj_streq(cj_str(prev, "lastState.terminated.containerID"), cid))
        fa_sim_event_at(f, "kubelet", pod, at, "Warning", "BackOff",
                     "Back-off restarting failed container %s in pod %s_%s(%s)", cname ? cname : "",
                     cj_str(pod, "metadata.name"), cj_str(pod, "metadata.namespace"),
                     cj_str(pod, "metadata.uid") ? cj_str(pod, "metadata.uid") : "");
}

/* The kubelet proper for a pod bound here: starts it when due, then keeps its status current. */
static void run_pod(fakeapi *f, cJSON *pod)
{
    const char *ns = cj_str(pod, "metadata.namespace"), *name = cj_str(pod, "metadata.name");
    const char *phase = cj_str(pod, "status.phase");
    if (cj_streq(phase, "Succeeded") || cj_streq(phase, "Failed"))
        return;
    int64_t now = fa_sim_now(f), t0 = ready_time(f, pod);
    if (now < t0) {
        fa_sim_enqueue(f, &fa_sim_kubelet, ns, name, t0);
        return;
    }
    int64_t next_due;
    cJSON *st = started_status(f, pod, now, t0, &next_due);
    cJSON *old = cJSON_DetachItemFromObjectCaseSensitive(pod, "status");
    if (next_due != INT64_MAX)
        fa_sim_enqueue(f, &fa_sim_kubelet, ns, name, next_due);
    if (cj_equal(st, old)) { /* nothing changed: no write (rule 4) */
        cJSON_Delete(st);
        cJSON_Delete(old);
        return;
    }
    cJSON_AddItemToObject(pod, "status", st);
    if (put_status(f, &fa_sim_kubelet, pod) == 200) {
        const cJSON *c;
        int i = 0;
        cJSON_ArrayForEach(c, cj_get(pod, "spec.containers"))
            container_events(f, pod, c, find_named(cj_get(old, "containerStatuses"), "name", cj_str(c, "name")),
                             cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(st, "containerStatuses"), i++));
    }
    cJSON_Delete(old);
}

/* The end of a graceful deletion: at deletionTimestamp the containers are gone and the kubelet
 * removes the pod for good (DELETE, grace 0, uid precondition), as a real kubelet's status
 * manager does. Nothing is written to the pod before then. */
static void finish_deletion(fakeapi *f, const cJSON *pod)
{
    const char *ns = cj_str(pod, "metadata.namespace"), *name = cj_str(pod, "metadata.name");
    const char *uid = cj_str(pod, "metadata.uid");
    int64_t due;
    if (co_time_parse(cj_str(pod, "metadata.deletionTimestamp"), &due) != 0)
        due = fa_sim_now(f);
    if (fa_sim_now(f) < due) {
        fa_sim_enqueue(f, &fa_sim_kubelet, ns, name, due);
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddNumberToObject(body, "gracePeriodSeconds", 0);
    if (uid)
        cJSON_AddStringToObject(cJSON_AddObjectToObject(body, "preconditions"), "uid", uid);
    fa_sim_write(f, &fa_sim_kubelet, "DELETE", "pods", ns, name, NULL, NULL, body, NULL);
    cJSON_Delete(body);

    /* Workaround: a server that ignores a shorter grace period on an object already being
     * deleted keeps the pod. Such a server does finish a deletion on the next update of a
     * deleting object without finalizers, so the kubelet writes the final status it would
     * report anyway (containers terminated, not ready). Nothing happens here when the DELETE
     * worked, or when finalizers rightly keep the pod. */
    cJSON *left = fa_sim_get(f, "pods", ns, name);
    if (left && cj_streq(cj_str(left, "metadata.uid"), uid) &&
        cJSON_GetArraySize(cj_get(left, "metadata.finalizers")) == 0 &&
        num_or(left, "metadata.deletionGracePeriodSeconds", 0) != 0) {
        char buf[32], cid[80];
        cJSON *st = cj_obj(left, "status");
        cJSON *cstats = cJSON_CreateArray();
        const cJSON *c;
        cJSON_ArrayForEach(c, cj_get(left, "spec.containers"))
        {
            const cJSON *prev = find_named(cJSON_GetObjectItemCaseSensitive(st, "containerStatuses"), "name",
                                           cj_str(c, "name"));
            cJSON *cs = prev ? cJSON_Duplicate(prev, 1) : cJSON_CreateObject();
            if (!prev)
                cj_set_str(cs, "name", cj_str(c, "name") ? cj_str(c, "name") : "");
            /* a container that already ended keeps how it ended (a crash-looping one, waiting,
             * ended with its last crash); a running one stops now */
            const cJSON *ended = cj_get(prev, "state.terminated");
            if (!ended && cj_get(prev, "state.waiting") && cj_get(prev, "lastState.terminated")) {
                ended = cj_get(prev, "lastState.terminated");
                cj_set(cs, "lastState", cJSON_CreateObject());
            }
            cJSON *t = ended ? cJSON_Duplicate(ended, 1) : cJSON_CreateObject();
            if (!ended) {
                const char *since = cj_str(prev, "state.running.startedAt");
                const char *prev_id = cj_str(prev, "containerID");
                container_id(cid, uid, cj_str(c, "name"), num_or(prev, "restartCount", 0));
                cJSON_AddNumberToObject(t, "exitCode", 0);
                cJSON_AddStringToObject(t, "reason", "Completed");
                cJSON_AddStringToObject(t, "startedAt", since ? since : ts(due, buf));
                cJSON_AddStringToObject(t, "finishedAt", ts(due, buf));
                cJSON_AddStringToObject(t, "containerID", prev_id ? prev_id : cid);
            }
            cJSON *state = cJSON_CreateObject();
            cJSON_AddItemToObject(state, "terminated", t);
            cj_set(cs, "state", state);
            cj_set(cs, "ready", cJSON_CreateFalse());
            cj_set(cs, "started", cJSON_CreateFalse());
            cJSON_AddItemToArray(cstats, cs);
        }
        cj_set(st, "containerStatuses", cstats);
        cJSON *conds = cJSON_CreateArray();
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(st, "conditions"))
        {
            const char *type = cj_str(c, "type");
            bool down = cj_streq(type, "Ready") || cj_streq(type, "ContainersReady");
            cJSON_AddItemToArray(conds, down ? condition(c, type, false, "PodCompleted", NULL, due)
                                             : cJSON_Duplicate(c, 1));
        }
        cj_set(st, "conditions", conds);
        fa_sim_write(f, &fa_sim_kubelet, "PUT", "pods", ns, name, "status", NULL, left, NULL);
    }
    cJSON_Delete(left);
}

/* ---- the controller ---- */

static void kubelet_on_change(fakeapi *f, const fa_change *c)
{
    if (strcmp(c->res->key, "pods") || !strcmp(c->type, "DELETED"))
        return;
    fa_sim_enqueue(f, &fa_sim_kubelet, c->ns, c->name, fa_sim_now(f));
    /* a graceful deletion starting: the string test on the old state is only a fast path, the
     * parse settles it */
    if (!strcmp(c->type, "MODIFIED") && cj_get(c->obj, "metadata.deletionTimestamp") &&
        cj_str(c->obj, "spec.nodeName")) {
        bool was = false;
        if (c->old_json && strstr(c->old_json, "\"deletionTimestamp\"")) {
            cJSON *old = cJSON_Parse(c->old_json);
            was = cj_get(old, "metadata.deletionTimestamp") != NULL;
            cJSON_Delete(old);
        }
        if (!was) {
            char key[300];
            snprintf(key, sizeof key, KILL_PREFIX "%s", c->name);
            fa_sim_enqueue(f, &fa_sim_kubelet, c->ns, key, fa_sim_now(f));
        }
    }
}

static void kubelet_sync(fakeapi *f, const char *ns, const char *key)
{
    bool kill = !strncmp(key, KILL_PREFIX, strlen(KILL_PREFIX));
    const char *name = kill ? key + strlen(KILL_PREFIX) : key;
    cJSON *pod = fa_sim_get(f, "pods", ns, name);
    if (!pod)
        return;
    const char *node = cj_str(pod, "spec.nodeName");
    if (cj_get(pod, "metadata.deletionTimestamp")) {
        if (cj_streq(node, NODE)) {
            if (kill) { /* only containers that run have something to stop */
                const cJSON *c;
                cJSON_ArrayForEach(c, cj_get(pod, "status.containerStatuses")) if (cj_get(c, "state.running"))
                {
                    const char *cname = cj_str(c, "name") ? cj_str(c, "name") : "";
                    char at[300];
                    snprintf(at, sizeof at, "spec.containers{%.250s}", cname);
                    fa_sim_event_at(f, "kubelet", pod, at, "Normal", "Killing", "Stopping container %s", cname);
                }
            }
            finish_deletion(f, pod);
        }
    } else if (!node) {
        bind_pod(f, pod);
    } else if (cj_streq(node, NODE)) {
        run_pod(f, pod);
    } /* bound to a node nobody simulates: stays as it is, as on a cluster without that node */
    cJSON_Delete(pod);
}

const fa_sim_ctl fa_sim_kubelet = {.name = "kubelet", .on_change = kubelet_on_change, .sync = kubelet_sync, .state_size = sizeof(ipam)};
