/* test_canary_routing.c: the canary traffic-routing decisions of controller/rollout (internal.h),
 * checked against Argo Rollouts' semantics (reference notes §2.4.2 and §2.4.3;
 * rollout/trafficrouting.go reconcileTrafficRouting and calculateDesiredWeightOnAbortOrStableRollback,
 * rollout/trafficrouting/nginx/nginx.go buildCanaryIngress, utils/ingress GetCanaryIngressName):
 * - ro_canary_traffic_weight: every row of the §2.4.2 weight table (fully promoted, aborted, no or
 *   unavailable new RS, promote --full, not yet at the desired counts, at them, past the last
 *   step), including maxTrafficWeight (dynamicStableScale is refused with InvalidSpec, so its
 *   variants of the table are not reachable and not tested);
 * - ro_nginx_canary_ingress: the canary Ingress's name (with the 253-character cut), rules, class,
 *   TLS and annotations, and the "has no rules using service" error.
 * The ro_ctx is built by hand: neither function logs or writes, so x.rc stays NULL. */
#include "common/json.h"
#include "controller/rollout/internal.h"
#include "cu.h"
#include "cu_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- builders; everything built is freed by cu_drop() at the end of each test ---- */


static cJSON *Jf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static cJSON *Jf(const char *fmt, ...)
{
    static char buf[16384];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    CU_ASSERT_FATAL(n > 0 && n < (int)sizeof buf);
    cJSON *o = cJSON_Parse(buf);
    if (!o)
        fprintf(stderr, "bad JSON: %s\n", buf);
    return cu_keep(o);
}

/* A ReplicaSet named and hashed `hash` with spec.replicas, status.availableReplicas and
   status.replicas. */
static cJSON *rs(const char *hash, int spec, int avail, int status_replicas)
{
    return Jf("{\"metadata\":{\"name\":\"app-%s\",\"labels\":{\"app\":\"app\",\"" RO_POD_TEMPLATE_HASH_LABEL
              "\":\"%s\"}},\"spec\":{\"replicas\":%d},\"status\":{\"availableReplicas\":%d,\"replicas\":%d}}",
              hash, hash, spec, avail, status_replicas);
}

/* A nginx-routed canary Rollout "app" in namespace "ns": replicas, the steps (JSON array), extra
   members of spec.strategy.canary (",\"dynamicStableScale\":true", may be ""), extra members of
   trafficRouting (may be ""), extra members of trafficRouting.nginx (may be ""), and the status
   members (may be ""). */
static cJSON *rollout(int replicas, const char *steps, const char *canary_extra, const char *tr_extra,
                      const char *nginx_extra, const char *status)
{
    return Jf("{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\","
              "\"metadata\":{\"name\":\"app\",\"namespace\":\"ns\",\"uid\":\"u-1\"},"
              "\"spec\":{\"replicas\":%d,\"selector\":{\"matchLabels\":{\"app\":\"app\"}},"
              "\"template\":{\"metadata\":{\"labels\":{\"app\":\"app\"}},"
              "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"example/app:v2\"}]}},"
              "\"strategy\":{\"canary\":{\"canaryService\":\"app-canary\",\"stableService\":\"app-stable\","
              "\"trafficRouting\":{\"nginx\":{\"stableIngress\":\"app-ingress\"%s}%s},\"steps\":%s%s}}},"
              "\"status\":{%s}}",
              replicas, nginx_extra, tr_extra, steps, canary_extra, status);
}

/* The context of one reconcile, as controller.c builds it (no controller: x.rc is NULL). */
static ro_ctx ctx(cJSON *ro, cJSON *new_rs, cJSON *stable_rs)
{
    ro_ctx x;
    memset(&x, 0, sizeof x);
    x.ro = ro;
    x.status = cj_get(ro, "status");
    x.name = cj_str(ro, "metadata.name");
    x.ns = cj_str(ro, "metadata.namespace");
    CU_ASSERT_EQUAL_FATAL(ro_defaults(ro, &x.spec), 0);
    x.new_rs = new_rs;
    x.stable_rs = stable_rs;
    x.others = NULL;
    x.nothers = 0;
    if (new_rs)
        snprintf(x.hash, sizeof x.hash, "%s", cj_str0(new_rs, "metadata.labels." RO_POD_TEMPLATE_HASH_LABEL));
    return x;
}

static int weight_of(cJSON *ro, cJSON *new_rs, cJSON *stable_rs)
{
    ro_ctx x = ctx(ro, new_rs, stable_rs);
    return ro_canary_traffic_weight(&x);
}

#define CHECK_WEIGHT(label, got, want)                                                                           \
    do {                                                                                                         \
        int g_ = (got), w_ = (want);                                                                             \
        if (g_ != w_)                                                                                            \
            fprintf(stderr, "\n    %s: desired weight %d, Argo's is %d\n", label, g_, w_);                       \
        CU_ASSERT_EQUAL(g_, w_);                                                                                 \
    } while (0)

/* Steps of most weight tests: setWeight 10, pause, setWeight 50, pause (4 replicas: 1 then 2
   canary pods). Hashes: "c1" the canary (currentPodHash), "s1" the stable. */
#define STEPS4 "[{\"setWeight\":10},{\"pause\":{}},{\"setWeight\":50},{\"pause\":{}}]"
#define MID(index) "\"stableRS\":\"s1\",\"currentPodHash\":\"c1\",\"currentStepIndex\":" #index

/* ==== §2.4.2 row 1: fully promoted (stableRS == currentPodHash, the initial deploy too) -> 0 ==== */

static void test_weight_fully_promoted(void)
{
    /* steady state after a completed update: index past the last step, stable == current */
    cJSON *ro = rollout(4, STEPS4, "", "", "", "\"stableRS\":\"c1\",\"currentPodHash\":\"c1\",\"currentStepIndex\":4");
    cJSON *cur = rs("c1", 4, 4, 4);
    CHECK_WEIGHT("fully promoted, past the last step", weight_of(ro, cur, cur), 0);
    /* fully promoted wins over everything else: a leftover promoteFull, an index mid-steps */
    ro = rollout(4, STEPS4, "", "", "",
                 "\"stableRS\":\"c1\",\"currentPodHash\":\"c1\",\"currentStepIndex\":2,\"promoteFull\":true,"
                 "\"canary\":{\"weights\":{\"canary\":{\"weight\":50},\"stable\":{\"weight\":50}}}");
    CHECK_WEIGHT("fully promoted, promoteFull left over", weight_of(ro, cur, cur), 0);
    /* with maxTrafficWeight the promoted weight is still 0 (not maxWeight) */
    ro = rollout(4, STEPS4, "", ",\"maxTrafficWeight\":1000", "",
                 "\"stableRS\":\"c1\",\"currentPodHash\":\"c1\",\"currentStepIndex\":4");
    CHECK_WEIGHT("fully promoted, maxTrafficWeight 1000", weight_of(ro, cur, cur), 0);
    cu_drop();
}

/* ==== row 2: aborted -> 0 ==== */

static void test_weight_aborted(void)
{
    cJSON *stable = rs("s1", 4, 4, 4);
    /* aborted while paused at setWeight 10 with the canary pod still up */
    cJSON *ro = rollout(4, STEPS4, "", "", "",
                        MID(1) ",\"abort\":true,\"canary\":{\"weights\":{\"canary\":{\"weight\":10},"
                               "\"stable\":{\"weight\":90}}}");
    CHECK_WEIGHT("aborted at setWeight 10", weight_of(ro, rs("c1", 1, 1, 1), stable), 0);
    /* aborted at setWeight 50, canary at its desired count: still 0 */
    ro = rollout(4, STEPS4, "", "", "", MID(3) ",\"abort\":true");
    CHECK_WEIGHT("aborted at setWeight 50", weight_of(ro, rs("c1", 2, 2, 2), stable), 0);
    /* aborted after the abort's controller reset the index to 0 */
    ro = rollout(4, STEPS4, "", "", "", MID(0) ",\"abort\":true");
    CHECK_WEIGHT("aborted, index 0", weight_of(ro, rs("c1", 1, 1, 1), stable), 0);
    /* aborted with maxTrafficWeight: 0 too */
    ro = rollout(4, STEPS4, "", ",\"maxTrafficWeight\":1000", "", MID(1) ",\"abort\":true");
    CHECK_WEIGHT("aborted, maxTrafficWeight 1000", weight_of(ro, rs("c1", 1, 1, 1), stable), 0);
    cu_drop();
}

/* ==== row 3: no new RS, or a new RS with 0 available pods -> 0 ==== */

static void test_weight_no_available_canary(void)
{
    cJSON *stable = rs("s1", 4, 4, 4);
    cJSON *ro = rollout(4, STEPS4, "", "", "", MID(0));
    CHECK_WEIGHT("no new RS", weight_of(ro, NULL, stable), 0);
    CHECK_WEIGHT("new RS created, 0 pods", weight_of(ro, rs("c1", 0, 0, 0), stable), 0);
    CHECK_WEIGHT("new RS scaled to 1, not yet available", weight_of(ro, rs("c1", 1, 0, 1), stable), 0);
    /* even at a later step (a retry after the canary was scaled down, or a V3 over a V2) */
    ro = rollout(4, STEPS4, "", "", "", MID(2));
    CHECK_WEIGHT("index 2, canary 0 available", weight_of(ro, rs("c1", 2, 0, 2), stable), 0);
    /* and with promoteFull: the availability check comes first */
    ro = rollout(4, STEPS4, "", "", "",
                 MID(2) ",\"promoteFull\":true,\"canary\":{\"weights\":{\"canary\":{\"weight\":50},"
                        "\"stable\":{\"weight\":50}}}");
    CHECK_WEIGHT("promoteFull, canary 0 available", weight_of(ro, rs("c1", 4, 0, 4), stable), 0);
    cu_drop();
}

/* ==== row 4: promote --full keeps the current weight ==== */

static void test_weight_promote_full(void)
{
    cJSON *stable = rs("s1", 4, 4, 4);
    /* promoted --full at setWeight 10: the weight stays 10 while the canary scales to 4 */
    cJSON *ro = rollout(4, STEPS4, "", "", "",
                        MID(1) ",\"promoteFull\":true,\"canary\":{\"weights\":{\"canary\":{\"weight\":10},"
                               "\"stable\":{\"weight\":90}}}");
    CHECK_WEIGHT("promoteFull, canary 1 of 4", weight_of(ro, rs("c1", 4, 1, 4), stable), 10);
    CHECK_WEIGHT("promoteFull, canary 3 of 4", weight_of(ro, rs("c1", 4, 3, 4), stable), 10);
    /* not 100 even once the canary is complete: the weight moves only at promotion */
    CHECK_WEIGHT("promoteFull, canary 4 of 4", weight_of(ro, rs("c1", 4, 4, 4), stable), 10);
    /* no recorded weights: 0 */
    ro = rollout(4, STEPS4, "", "", "", MID(1) ",\"promoteFull\":true");
    CHECK_WEIGHT("promoteFull, no weights recorded", weight_of(ro, rs("c1", 4, 2, 4), stable), 0);
    cu_drop();
}

/* ==== row 5: in steps, the canary not yet at its desired counts -> the previous setWeight ==== */

static void test_weight_not_at_desired_counts(void)
{
    cJSON *stable = rs("s1", 4, 4, 4);
    /* index 2 (setWeight 50 wants 2 canary pods), the canary has 1: the previous setWeight, 10 */
    cJSON *ro = rollout(4, STEPS4, "", "", "", MID(2));
    CHECK_WEIGHT("setWeight 50, canary spec 1", weight_of(ro, rs("c1", 1, 1, 1), stable), 10);
    CHECK_WEIGHT("setWeight 50, canary spec 2 available 1", weight_of(ro, rs("c1", 2, 1, 2), stable), 10);
    /* the stable is not at its count (traffic routing keeps it at spec.replicas) */
    CHECK_WEIGHT("setWeight 50, stable 3 of 4", weight_of(ro, rs("c1", 2, 2, 2), rs("s1", 3, 3, 3)), 10);
    /* no stable RS: never at the desired counts */
    CHECK_WEIGHT("setWeight 50, no stable RS", weight_of(ro, rs("c1", 2, 2, 2), NULL), 10);
    /* no setWeight before the current step: 0 */
    ro = rollout(4, "[{\"pause\":{}},{\"setWeight\":50},{\"pause\":{}}]", "", "", "", MID(1));
    CHECK_WEIGHT("first setWeight, canary 1 of 2", weight_of(ro, rs("c1", 2, 1, 2), stable), 0);
    /* past the last step but the canary is not at 100% yet: the last setWeight, not 100 */
    ro = rollout(4, STEPS4, "", "", "", MID(4));
    CHECK_WEIGHT("past the last step, canary 2 of 4", weight_of(ro, rs("c1", 2, 2, 2), stable), 50);
    CHECK_WEIGHT("past the last step, canary 4 of 4 spec, 3 available", weight_of(ro, rs("c1", 4, 3, 4), stable),
                 50);
    /* the walk back skips non-setWeight steps (setCanaryScale is not a setWeight) */
    ro = rollout(4, "[{\"setWeight\":20},{\"setCanaryScale\":{\"replicas\":3}},{\"setWeight\":60}]", "", "", "",
                 MID(2));
    CHECK_WEIGHT("walk back over setCanaryScale", weight_of(ro, rs("c1", 1, 1, 1), stable), 20);
    cu_drop();
}

/* ==== row 6: in steps, at the desired counts -> GetCurrentSetWeight ==== */

static void test_weight_at_desired_counts(void)
{
    cJSON *stable = rs("s1", 4, 4, 4);
    cJSON *ro = rollout(4, STEPS4, "", "", "", MID(0));
    CHECK_WEIGHT("setWeight 10, canary 1 of 1", weight_of(ro, rs("c1", 1, 1, 1), stable), 10);
    ro = rollout(4, STEPS4, "", "", "", MID(1));
    CHECK_WEIGHT("pause after setWeight 10", weight_of(ro, rs("c1", 1, 1, 1), stable), 10);
    ro = rollout(4, STEPS4, "", "", "", MID(2));
    CHECK_WEIGHT("setWeight 50, canary 2 of 2", weight_of(ro, rs("c1", 2, 2, 2), stable), 50);
    ro = rollout(4, STEPS4, "", "", "", MID(3));
    CHECK_WEIGHT("pause after setWeight 50", weight_of(ro, rs("c1", 2, 2, 2), stable), 50);
    /* a setWeight 0 step */
    ro = rollout(4, "[{\"setWeight\":0},{\"pause\":{}}]", "", "", "", MID(1));
    CHECK_WEIGHT("setWeight 0", weight_of(ro, rs("c1", 0, 0, 0), stable), 0);
    /* maxTrafficWeight 1000: setWeight 250 of 4 replicas = ceil(1) canary pod */
    ro = rollout(4, "[{\"setWeight\":250},{\"pause\":{}}]", "", ",\"maxTrafficWeight\":1000", "", MID(1));
    CHECK_WEIGHT("setWeight 250 of 1000", weight_of(ro, rs("c1", 1, 1, 1), stable), 250);
    /* no steps at all: the weight stays 0 until promotion (GetCurrentCanaryStep has no index) */
    ro = rollout(4, "[]", "", "", "", "\"stableRS\":\"s1\",\"currentPodHash\":\"c1\"");
    CHECK_WEIGHT("no steps", weight_of(ro, rs("c1", 4, 4, 4), stable), 0);
    cu_drop();
}

/* ==== row 7: index == len(steps) (and at the desired counts) -> maxWeight ==== */

static void test_weight_past_last_step(void)
{
    cJSON *stable = rs("s1", 4, 4, 4);
    cJSON *ro = rollout(4, STEPS4, "", "", "", MID(4));
    CHECK_WEIGHT("past the last step, canary 4 of 4", weight_of(ro, rs("c1", 4, 4, 4), stable), 100);
    /* maxWeight is maxTrafficWeight when set (weightutil.MaxTrafficWeight) */
    ro = rollout(4, "[{\"setWeight\":250},{\"pause\":{}}]", "", ",\"maxTrafficWeight\":1000", "", MID(2));
    CHECK_WEIGHT("past the last step of 1000", weight_of(ro, rs("c1", 4, 4, 4), stable), 1000);
    cu_drop();
}

/* ==== §2.4.3 the canary Ingress ==== */

/* A networking/v1 stable Ingress: name, metadata extra members (",\"annotations\":{...}", may be
   ""), and the spec members. */
static cJSON *ingress(const char *name, const char *meta_extra, const char *spec)
{
    return Jf("{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"%s\","
              "\"namespace\":\"ns\"%s},\"spec\":{%s}}",
              name, meta_extra, spec);
}

static const char *path_backend(const char *path, const char *svc, int port)
{
    static char buf[8][256];
    static int i;
    char *b = buf[i++ % 8];
    snprintf(b, 256,
             "{\"path\":\"%s\",\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"%s\","
             "\"port\":{\"number\":%d}}}}",
             path, svc, port);
    return b;
}

#define ONE_RULE "\"rules\":[{\"host\":\"a.example\",\"http\":{\"paths\":[%s]}}]"

static cJSON *simple_stable(const char *meta_extra)
{
    return Jf("{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"app-ingress\","
              "\"namespace\":\"ns\"%s},\"spec\":{" ONE_RULE "}}",
              meta_extra, path_backend("/", "app-stable", 80));
}

/* Builds the canary Ingress for `stable` with ro; NULL expected iff want_err != NULL. */
static cJSON *build(cJSON *ro, const cJSON *stable, int weight)
{
    ro_ctx x = ctx(ro, NULL, NULL);
    char err[512] = "";
    cJSON *ing = ro_nginx_canary_ingress(&x, stable, weight, err, sizeof err);
    if (!ing)
        fprintf(stderr, "\n    unexpected error: %s\n", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ing);
    return cu_keep(ing);
}

static const char *ann(const cJSON *ing, const char *key)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(cj_get(ing, "metadata.annotations"), key);
    return cJSON_IsString(a) ? a->valuestring : NULL;
}

static int nann(const cJSON *ing) { return cJSON_GetArraySize(cj_get(ing, "metadata.annotations")); }

#define CHECK_ANN(ing, key, want)                                                                                \
    do {                                                                                                         \
        const char *g_ = ann((ing), (key)), *w_ = (want);                                                        \
        if (!cj_streq(g_, w_) && !(g_ == NULL && w_ == NULL))                                                    \
            fprintf(stderr, "\n    annotation %s: \"%s\", want \"%s\"\n", (key), g_ ? g_ : "(absent)",           \
                    w_ ? w_ : "(absent)");                                                                       \
        if (w_ == NULL) {                                                                                        \
            CU_ASSERT_PTR_NULL(g_);                                                                              \
        } else {                                                                                                 \
            CU_ASSERT_STRING_EQUAL(g_ ? g_ : "(absent)", w_);                                                    \
        }                                                                                                        \
    } while (0)

static void test_ingress_name(void)
{
    cJSON *ro = rollout(1, STEPS4, "", "", "", "");
    cJSON *ing = build(ro, simple_stable(""), 0);
    CU_ASSERT_STRING_EQUAL(cj_str0(ing, "metadata.name"), "app-app-ingress-canary");
    CU_ASSERT_STRING_EQUAL(cj_str0(ing, "metadata.namespace"), "ns");
    CU_ASSERT_STRING_EQUAL(cj_str0(ing, "apiVersion"), "networking.k8s.io/v1");
    CU_ASSERT_STRING_EQUAL(cj_str0(ing, "kind"), "Ingress");
    cu_drop();
}

/* GetCanaryIngressName: "<rollout>-<stable>" cut to 253-7 = 246 characters, then "-canary". */
static void test_ingress_name_truncation(void)
{
    static const struct {
        int rollout_len, stable_len;
    } rows[] = {
        {100, 145}, /* prefix 246: kept whole, the name is 253 */
        {100, 146}, /* prefix 247: cut to 246 */
        {200, 100}, /* prefix 301 */
        {253, 253}, /* both at the maximum: prefix 507 */
        {10, 250},  /* the cut falls inside the stable Ingress's name */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char rname[300], sname[300], prefix[700], want[800];
        memset(rname, 'r', (size_t)rows[i].rollout_len);
        rname[rows[i].rollout_len] = 0;
        memset(sname, 's', (size_t)rows[i].stable_len);
        sname[rows[i].stable_len] = 0;
        snprintf(prefix, sizeof prefix, "%s-%s", rname, sname);
        if (strlen(prefix) > 246)
            prefix[246] = 0;
        snprintf(want, sizeof want, "%s-canary", prefix);
        cJSON *ro = rollout(1, STEPS4, "", "", "", "");
        cj_set_str(cj_get(ro, "metadata"), "name", rname);
        cj_set_str(cj_get(ro, "spec.strategy.canary.trafficRouting.nginx"), "stableIngress", sname);
        cJSON *stable = Jf("{\"metadata\":{\"name\":\"%s\",\"namespace\":\"ns\"},\"spec\":{" ONE_RULE "}}", sname,
                           path_backend("/", "app-stable", 80));
        cJSON *ing = build(ro, stable, 0);
        const char *got = cj_str0(ing, "metadata.name");
        if (strcmp(got, want))
            fprintf(stderr, "\n    row %zu: name of %zu characters, want %zu\n", i, strlen(got), strlen(want));
        CU_ASSERT_STRING_EQUAL(got, want);
        CU_ASSERT(strlen(got) <= 253);
        cu_drop();
    }
}

/* Only the rules with a path to the stable Service are copied; in them the stable backends are
   renamed and the other paths are kept as they are. */
static void test_ingress_rules(void)
{
    cJSON *ro = rollout(1, STEPS4, "", "", "", "");
    char spec[4096];
    snprintf(spec, sizeof spec,
             "\"rules\":["
             "{\"host\":\"a.example\",\"http\":{\"paths\":[%s,%s]}},"
             "{\"host\":\"b.example\",\"http\":{\"paths\":[%s]}},"
             "{\"host\":\"c.example\",\"http\":{\"paths\":[%s,%s]}},"
             "{\"http\":{\"paths\":[%s]}}]",
             path_backend("/", "app-stable", 80), path_backend("/api", "api", 8080), /* a: renamed + kept */
             path_backend("/", "other", 80),                                         /* b: dropped */
             path_backend("/x", "app-stable", 80), path_backend("/y", "app-stable", 81), /* c: both renamed */
             path_backend("/hostless", "app-stable", 80));                              /* no host: copied */
    cJSON *stable = ingress("app-ingress", "", spec);
    cJSON *stable_before = cu_keep(cJSON_Duplicate(stable, 1));
    cJSON *ing = build(ro, stable, 0);
    cJSON *want = Jf("[{\"host\":\"a.example\",\"http\":{\"paths\":[%s,%s]}},"
                     "{\"host\":\"c.example\",\"http\":{\"paths\":[%s,%s]}},"
                     "{\"http\":{\"paths\":[%s]}}]",
                     path_backend("/", "app-canary", 80), path_backend("/api", "api", 8080),
                     path_backend("/x", "app-canary", 80), path_backend("/y", "app-canary", 81),
                     path_backend("/hostless", "app-canary", 80));
    const cJSON *rules = cj_get(ing, "spec.rules");
    if (!cj_equal(rules, want)) {
        char *s = cJSON_PrintUnformatted(rules);
        fprintf(stderr, "\n    rules: %s\n", s);
        free(s);
    }
    CU_ASSERT(cj_equal(rules, want));
    /* the stable Ingress is not modified */
    CU_ASSERT(cj_equal(stable, stable_before));
    /* nothing else of the stable spec: no defaultBackend, and no ingressClassName/tls when absent */
    cu_drop();

    ro = rollout(1, STEPS4, "", "", "", "");
    snprintf(spec, sizeof spec,
             "\"defaultBackend\":{\"service\":{\"name\":\"app-stable\",\"port\":{\"number\":80}}}," ONE_RULE,
             path_backend("/", "app-stable", 80));
    ing = build(ro, ingress("app-ingress", ",\"labels\":{\"team\":\"web\"}", spec), 0);
    CU_ASSERT_PTR_NULL(cj_get(ing, "spec.defaultBackend"));
    CU_ASSERT_PTR_NULL(cj_get(ing, "spec.ingressClassName"));
    CU_ASSERT_PTR_NULL(cj_get(ing, "spec.tls"));
    CU_ASSERT_PTR_NULL(cj_get(ing, "metadata.labels.team")); /* the stable's labels are not copied */
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(ing, "spec.rules")), 1);
    cu_drop();
}

/* No rule uses the stable Service: Argo's error, no object. */
static void test_ingress_no_rules_error(void)
{
    char one_other[1024];
    snprintf(one_other, sizeof one_other, ONE_RULE, path_backend("/", "other", 80));
    const char *specs[] = {one_other, "\"rules\":[]", ""};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        cJSON *ro = rollout(1, STEPS4, "", "", "", "");
        cJSON *stable = ingress("app-ingress", "", specs[i]);
        ro_ctx x = ctx(ro, NULL, NULL);
        char err[512] = "";
        cJSON *ing = ro_nginx_canary_ingress(&x, stable, 10, err, sizeof err);
        CU_ASSERT_PTR_NULL(ing);
        cJSON_Delete(ing);
        CU_ASSERT_STRING_EQUAL(err, "ingress `app-ingress` has no rules using service app-stable backend");
        cu_drop();
    }
    /* a backend named like the canary Service does not count */
    cJSON *ro = rollout(1, STEPS4, "", "", "", "");
    char spec[1024];
    snprintf(spec, sizeof spec, ONE_RULE, path_backend("/", "app-canary", 80));
    ro_ctx x = ctx(ro, NULL, NULL);
    char err[512] = "";
    cJSON *ing = ro_nginx_canary_ingress(&x, ingress("app-ingress", "", spec), 10, err, sizeof err);
    CU_ASSERT_PTR_NULL(ing);
    cJSON_Delete(ing);
    CU_ASSERT_STRING_EQUAL(err, "ingress `app-ingress` has no rules using service app-stable backend");
    cu_drop();
}

/* kubernetes.io/ingress.class is the only stable annotation copied. */
static void test_ingress_class_annotation(void)
{
    cJSON *ro = rollout(1, STEPS4, "", "", "", "");
    cJSON *ing = build(ro,
                       simple_stable(",\"annotations\":{\"kubernetes.io/ingress.class\":\"nginx-internal\","
                                     "\"nginx.ingress.kubernetes.io/ssl-redirect\":\"false\","
                                     "\"nginx.ingress.kubernetes.io/canary-by-header\":\"X-Stable\","
                                     "\"example.com/owner\":\"web\"}"),
                       5);
    CHECK_ANN(ing, "kubernetes.io/ingress.class", "nginx-internal");
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/ssl-redirect", NULL);
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-by-header", NULL);
    CHECK_ANN(ing, "example.com/owner", NULL);
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary", "true");
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-weight", "5");
    CU_ASSERT_EQUAL(nann(ing), 3);
    cu_drop();
    /* without it on the stable: absent (not invented) */
    ro = rollout(1, STEPS4, "", "", "", "");
    ing = build(ro, simple_stable(""), 5);
    CHECK_ANN(ing, "kubernetes.io/ingress.class", NULL);
    CU_ASSERT_EQUAL(nann(ing), 2);
    cu_drop();
}

/* additionalIngressAnnotations: prefixed with the annotation prefix unless the key already starts
   with it (Go's strings.HasPrefix(k, prefix): no "/" required). */
static void test_ingress_additional_annotations(void)
{
    cJSON *ro = rollout(1, STEPS4, "", "", ",\"additionalIngressAnnotations\":{"
                                           "\"canary-by-header\":\"X-Canary\","
                                           "\"nginx.ingress.kubernetes.io/canary-by-header-value\":\"yes\","
                                           "\"load-balance\":\"ewma\"}",
                        "");
    cJSON *ing = build(ro, simple_stable(""), 20);
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-by-header", "X-Canary");
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-by-header-value", "yes");
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/load-balance", "ewma");
    CHECK_ANN(ing, "canary-by-header", NULL);
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/nginx.ingress.kubernetes.io/canary-by-header-value", NULL);
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary", "true");
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-weight", "20");
    CU_ASSERT_EQUAL(nann(ing), 5);
    cu_drop();

    /* a custom annotationPrefix: used for the additional keys and for canary/canary-weight; a key
       with the default prefix is not "already prefixed" any more */
    ro = rollout(1, STEPS4, "", "",
                 ",\"annotationPrefix\":\"custom.io\",\"additionalIngressAnnotations\":{"
                 "\"canary-by-cookie\":\"c\",\"custom.io/canary-by-header\":\"X-C\","
                 "\"nginx.ingress.kubernetes.io/canary-by-header-value\":\"v\",\"custom.io-raw\":\"r\"}",
                 "");
    ing = build(ro, simple_stable(""), 30);
    CHECK_ANN(ing, "custom.io/canary-by-cookie", "c");
    CHECK_ANN(ing, "custom.io/canary-by-header", "X-C");
    CHECK_ANN(ing, "custom.io/nginx.ingress.kubernetes.io/canary-by-header-value", "v");
    CHECK_ANN(ing, "custom.io-raw", "r"); /* HasPrefix("custom.io-raw", "custom.io") */
    CHECK_ANN(ing, "custom.io/canary", "true");
    CHECK_ANN(ing, "custom.io/canary-weight", "30");
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary", NULL);
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-weight", NULL);
    CU_ASSERT_EQUAL(nann(ing), 6);
    cu_drop();
}

/* canaryIngressAnnotations: verbatim keys, win over additionalIngressAnnotations; canary and
   canary-weight are set last and win over both. */
static void test_ingress_canary_annotations(void)
{
    cJSON *ro = rollout(1, STEPS4, "", "",
                        ",\"additionalIngressAnnotations\":{\"canary-by-header\":\"X-Additional\","
                        "\"canary-weight\":\"55\",\"canary\":\"false\"},"
                        "\"canaryIngressAnnotations\":{\"nginx.ingress.kubernetes.io/canary-by-header\":\"X-Full\","
                        "\"team\":\"web\",\"nginx.ingress.kubernetes.io/canary-weight\":\"77\"}",
                        "");
    cJSON *ing = build(ro, simple_stable(""), 15);
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-by-header", "X-Full");
    CHECK_ANN(ing, "team", "web"); /* not prefixed */
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/team", NULL);
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary", "true");
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-weight", "15");
    CU_ASSERT_EQUAL(nann(ing), 4);
    cu_drop();
}

/* canary-weight always; canary-weight-total only with trafficRouting.maxTrafficWeight. */
static void test_ingress_weight_annotations(void)
{
    cJSON *ro = rollout(1, STEPS4, "", "", "", "");
    cJSON *ing = build(ro, simple_stable(""), 0);
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary", "true");
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-weight", "0");
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-weight-total", NULL);
    ing = build(ro, simple_stable(""), 100);
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-weight", "100");
    cu_drop();

    ro = rollout(1, "[{\"setWeight\":250}]", "", ",\"maxTrafficWeight\":1000", "", "");
    ing = build(ro, simple_stable(""), 250);
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-weight", "250");
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-weight-total", "1000");
    cu_drop();

    /* maxTrafficWeight set to 100 explicitly: still written */
    ro = rollout(1, STEPS4, "", ",\"maxTrafficWeight\":100", "", "");
    ing = build(ro, simple_stable(""), 10);
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-weight-total", "100");
    cu_drop();

    /* with a custom prefix, and over a canaryIngressAnnotations value */
    ro = rollout(1, "[{\"setWeight\":5}]", "", ",\"maxTrafficWeight\":10",
                 ",\"annotationPrefix\":\"custom.io\",\"canaryIngressAnnotations\":"
                 "{\"custom.io/canary-weight-total\":\"500\"}",
                 "");
    ing = build(ro, simple_stable(""), 5);
    CHECK_ANN(ing, "custom.io/canary-weight", "5");
    CHECK_ANN(ing, "custom.io/canary-weight-total", "10");
    CHECK_ANN(ing, "nginx.ingress.kubernetes.io/canary-weight-total", NULL);
    cu_drop();
}

/* spec.ingressClassName and spec.tls are copied from the stable Ingress. */
static void test_ingress_class_name_and_tls(void)
{
    cJSON *ro = rollout(1, STEPS4, "", "", "", "");
    char spec[2048];
    snprintf(spec, sizeof spec,
             "\"ingressClassName\":\"nginx\","
             "\"tls\":[{\"hosts\":[\"a.example\",\"www.a.example\"],\"secretName\":\"a-tls\"},"
             "{\"hosts\":[\"b.example\"]}]," ONE_RULE,
             path_backend("/", "app-stable", 80));
    cJSON *stable = ingress("app-ingress", "", spec);
    cJSON *ing = build(ro, stable, 0);
    CU_ASSERT_STRING_EQUAL(cj_str0(ing, "spec.ingressClassName"), "nginx");
    CU_ASSERT(cj_equal(cj_get(ing, "spec.tls"), cj_get(stable, "spec.tls")));
    CU_ASSERT_PTR_NOT_EQUAL(cj_get(ing, "spec.tls"), cj_get(stable, "spec.tls")); /* a copy */
    /* ingressClassName does not turn into the legacy annotation */
    CHECK_ANN(ing, "kubernetes.io/ingress.class", NULL);
    cu_drop();
}

int main(void)
{
    static const cu_test tests[] = {
        {"weight: fully promoted -> 0", test_weight_fully_promoted},
        {"weight: aborted -> 0", test_weight_aborted},
        {"weight: no new RS or none available -> 0", test_weight_no_available_canary},
        {"weight: promoteFull keeps the current weight", test_weight_promote_full},
        {"weight: not at the desired counts -> previous setWeight", test_weight_not_at_desired_counts},
        {"weight: at the desired counts -> current setWeight", test_weight_at_desired_counts},
        {"weight: past the last step -> maxWeight", test_weight_past_last_step},
        {"ingress: name", test_ingress_name},
        {"ingress: name cut at 253 characters", test_ingress_name_truncation},
        {"ingress: rules using the stable Service, renamed", test_ingress_rules},
        {"ingress: no rule using the stable Service", test_ingress_no_rules_error},
        {"ingress: kubernetes.io/ingress.class copied", test_ingress_class_annotation},
        {"ingress: additionalIngressAnnotations prefixed", test_ingress_additional_annotations},
        {"ingress: canaryIngressAnnotations verbatim, winning", test_ingress_canary_annotations},
        {"ingress: canary-weight, canary-weight-total", test_ingress_weight_annotations},
        {"ingress: ingressClassName and tls copied", test_ingress_class_name_and_tls},
        {NULL, NULL},
    };
    return cu_run("canary_routing", tests);
}
