/* test_canary_math.c: the canary replica math (controller/rollout/canarymath.h), with the cases of
 * Argo's utils/replicaset/canary_test.go, the worked examples of the reference notes (§2.4.1) and
 * the e2e TestCanarySetCanaryScale table. */
#include "common/json.h"
#include "controller/rollout/canarymath.h"
#include "controller/rollout/hash.h"
#include "cu.h"
#include "cu_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- object builders; everything built is freed by cu_drop() at the end of each test ---- */


static cJSON *J(const char *text) { return cu_keep(cJSON_Parse(text)); }

static cJSON *Jf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static cJSON *Jf(const char *fmt, ...)
{
    char buf[4096];
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

/* A Rollout: replicas, the steps array, extra canary members (",\"maxSurge\":1", may be ""), and
   the status members (may be ""). */
static cJSON *ro(int replicas, const char *steps, const char *canary_extra, const char *status)
{
    return Jf("{\"spec\":{\"replicas\":%d,\"strategy\":{\"canary\":{\"steps\":%s%s}}},\"status\":{%s}}", replicas,
              steps, canary_extra, status);
}

/* Argo's newRollout(): one step {setWeight: w, setCanaryScale: scs}, canary maxSurge/maxUnavailable,
   status currentPodHash "canary", stableRS "stable". scs and extra may be "". */
static cJSON *go_ro(int replicas, int weight, const char *surge, const char *unavail, const char *scs,
                    const char *extra, const char *status_extra)
{
    char steps[256], canary[1024], status[512];
    snprintf(steps, sizeof steps, "[{\"setWeight\":%d%s%s}]", weight, *scs ? ",\"setCanaryScale\":" : "", scs);
    snprintf(canary, sizeof canary, ",\"maxSurge\":%s,\"maxUnavailable\":%s%s", surge, unavail, extra);
    snprintf(status, sizeof status, "\"currentPodHash\":\"canary\",\"stableRS\":\"stable\"%s", status_extra);
    return ro(replicas, steps, canary, status);
}

/* Argo's newRS(name, spec, available); the name is also the pod-template hash. */
static cJSON *rs(const char *name, int spec, int avail)
{
    return Jf("{\"metadata\":{\"name\":\"%s\",\"labels\":{\"" RO_POD_TEMPLATE_HASH_LABEL "\":\"%s\"}},"
              "\"spec\":{\"replicas\":%d},\"status\":{\"availableReplicas\":%d}}",
              name, name, spec, avail);
}

/* An RS with status.replicas too. */
static cJSON *rs3(const char *name, int spec, int avail, int status_replicas)
{
    return Jf("{\"metadata\":{\"name\":\"%s\",\"labels\":{\"" RO_POD_TEMPLATE_HASH_LABEL "\":\"%s\"}},"
              "\"spec\":{\"replicas\":%d},\"status\":{\"availableReplicas\":%d,\"replicas\":%d}}",
              name, name, spec, avail, status_replicas);
}

static cJSON *weights(int canary, int stable)
{
    return Jf("{\"canary\":{\"weight\":%d},\"stable\":{\"weight\":%d}}", canary, stable);
}

static void basic(const cJSON *r, const cJSON *n, const cJSON *s, const cJSON *older, int *nc, int *sc)
{
    const cJSON *others[1] = {older};
    ro_canary_basic_counts(r, n, s, others, older ? 1 : 0, nc, sc);
}

/* ---- §2.4.1 worked examples ---- */

static void test_worked_examples(void)
{
    static const struct {
        int replicas, weight;
        const char *unavail, *surge;
        int want_new, want_stable;
    } rows[] = {
        {10, 10, "1", "1", 1, 9},  /* 10 / 10% / maxUnav 1 / surge 1 */
        {10, 30, "0", "3", 3, 10}, /* surge first */
        {10, 30, "5", "0", 0, 7},  /* scale down first */
        /* Argo's doc comment says 1/9 here, but that predates approximateWeighted...: with surge the
           closest split is 1 of 11 (9.1%, vs 10% for 1 of 10), so the stable keeps 10 */
        {10, 5, "1", "1", 1, 10},
        {1, 5, "0", "1", 1, 1},    /* 1 replica, 5% */
        {1, 95, "0", "1", 1, 1},   /* 1 replica, 95% */
        {5, 20, NULL, NULL, 1, 4}, /* defaults 25%/25% */
        {1, 50, NULL, NULL, 1, 1}, /* defaults (TestRolloutAbortRetryPromote) */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char extra[128] = "";
        if (rows[i].surge)
            snprintf(extra, sizeof extra, ",\"maxSurge\":%s,\"maxUnavailable\":%s", rows[i].surge, rows[i].unavail);
        char steps[64];
        snprintf(steps, sizeof steps, "[{\"setWeight\":%d}]", rows[i].weight);
        cJSON *r = ro(rows[i].replicas, steps, extra, "\"currentPodHash\":\"canary\",\"stableRS\":\"stable\"");
        cJSON *n = rs("canary", 0, 0), *s = rs("stable", rows[i].replicas, rows[i].replicas);
        int nc = -9, sc = -9;
        basic(r, n, s, NULL, &nc, &sc);
        if (nc != rows[i].want_new || sc != rows[i].want_stable)
            fprintf(stderr, "worked example %zu: got %d/%d\n", i, nc, sc);
        CU_ASSERT_EQUAL(nc, rows[i].want_new);
        CU_ASSERT_EQUAL(sc, rows[i].want_stable);
    }
    cu_drop();
}

/* ---- TestCalculateReplicaCountsForCanary, the basic-canary rows ---- */

static void test_argo_basic_table(void)
{
    static const struct {
        const char *name;
        int replicas, weight;
        const char *surge, *unavail;
        bool promote_full;
        int stable_spec, stable_avail, canary_spec, canary_avail;
        int want_stable, want_canary;
        int older_spec, older_avail; /* -1: no older RS */
        const char *scs;
    } rows[] = {
        {"Do not add extra RSs in scaleDownCount when .Spec.Replica < AvailableReplicas", 10, 100, "3", "0", false, 7,
         8, 6, 3, 7, 6, -1, -1, ""},
        {"Use max surge int to scale up canary", 10, 20, "2", "0", false, 10, 10, 0, 0, 10, 2, -1, -1, ""},
        {"Use max surge percentage to scale up canary", 10, 20, "\"20%\"", "0", false, 10, 10, 0, 0, 10, 2, -1, -1, ""},
        {"Scale down extra stable replicas", 10, 20, "\"20%\"", "0", false, 10, 10, 2, 2, 8, 2, -1, -1, ""},
        {"Do not go past max surge", 10, 30, "2", "0", false, 10, 10, 0, 0, 10, 2, -1, -1, ""},
        {"Use max unavailable int to scale down stableRS", 10, 20, "0", "2", false, 10, 10, 0, 0, 8, 0, -1, -1, ""},
        {"Use max surge percentage to scale down stableRS", 10, 20, "0", "\"20%\"", false, 10, 10, 0, 0, 8, 0, -1, -1,
         ""},
        {"Do not go past max unavailable", 10, 30, "0", "2", false, 10, 10, 0, 0, 8, 0, -1, -1, ""},
        {"Use Max Surge and Max Unavailable", 10, 50, "2", "1", false, 10, 10, 0, 0, 9, 2, -1, -1, ""},
        {"Scale canaryRS to zero on setWeight of 0%", 10, 0, "1", "1", false, 10, 10, 1, 1, 10, 0, -1, -1, ""},
        {"Scale stable to zero on setWeight of 100%", 10, 100, "1", "1", false, 1, 1, 10, 10, 0, 10, -1, -1, ""},
        {"Do not scale canaryRS down to zero on non-zero weight", 1, 20, "1", "0", false, 1, 1, 0, 0, 1, 1, -1, -1, ""},
        {"Do not scale canaryRS down to zero on non-100 weight", 1, 90, "1", "0", false, 1, 1, 0, 0, 1, 1, -1, -1, ""},
        {"Scale canaryRS to zero on <50 weight without surge", 1, 49, "0", "1", false, 1, 1, 0, 0, 1, 0, -1, -1, ""},
        {"Scale stableRS down to zero on >=50 weight without surge", 1, 51, "0", "1", false, 1, 1, 0, 0, 0, 0, -1, -1,
         ""},
        {"Scale canaryRS to one on >=50 weight without surge and stable replicas", 1, 51, "0", "1", false, 0, 0, 0, 0,
         0, 1, -1, -1, ""},
        {"Scale up Stable before canaryRS", 10, 30, "1", "0", false, 1, 1, 0, 0, 7, 1, 3, 3, ""},
        {"Scale down canaryRS and stable", 10, 30, "0", "3", false, 8, 5, 4, 4, 7, 3, -1, -1, ""},
        {"Scale down stable and canary available", 10, 100, "1", "0", false, 10, 2, 10, 8, 2, 9, -1, -1, ""},
        {"Do not scale down canaryRS or stable when older RS count >= scaleDownCount", 10, 30, "0", "1", false, 8, 6, 4,
         2, 8, 4, 3, 3, ""},
        {"Do not round past maxSurge with uneven setWeight divisor", 10, 5, "0", "1", false, 10, 10, 0, 0, 9, 0, -1, -1,
         ""},
        {"Do not round past maxSurge with uneven setWeight divisor (part 2)", 10, 5, "0", "1", false, 9, 9, 0, 0, 9, 1,
         -1, -1, ""},
        {"Use maxUnavailable of 1 when percentage of maxUnavailable and maxSurge result in 0 replicas", 10, 10,
         "\"0%\"", "\"0%\"", false, 10, 10, 0, 0, 9, 0, -1, -1, ""},
        {"Ignore setCanaryScale when trafficRouting is missing and use setWeight for replicas", 10, 20, "\"20%\"", "0",
         false, 10, 10, 0, 0, 10, 2, -1, -1, "{\"replicas\":9,\"weight\":100}"},
        {"honor maxSurge during scale up when stableRS unavailable", 4, 100, "1", "0", false, 4, 1, 0, 0, 4, 1, -1, -1,
         ""},
        {"scale down to maxunavailable without exceeding maxSurge", 3, 99, "0", "2", false, 3, 3, 0, 0, 1, 0, -1, -1,
         ""},
        {"scale down to maxunavailable without exceeding maxSurge (part 2)", 3, 99, "0", "2", false, 1, 1, 0, 0, 1, 2,
         -1, -1, ""},
        {"honor maxUnavailable during scale down stableRS unavailable", 4, 100, "1", "0", false, 4, 1, 1, 1, 3, 1, -1,
         -1, ""},
        {"honor maxUnavailable when aborting or reducing weight part 1", 4, 0, "1", "0", false, 0, 0, 4, 4, 1, 4, -1,
         -1, ""},
        {"honor maxUnavailable when aborting or reducing weight part 2", 4, 0, "1", "0", false, 1, 0, 4, 4, 1, 4, -1,
         -1, ""},
        {"honor maxUnavailable when aborting or reducing weight part 3", 4, 0, "1", "0", false, 1, 1, 4, 4, 1, 3, -1,
         -1, ""},
        {"promote full does not consider weight", 4, 1, "4", "4", true, 4, 4, 0, 0, 0, 4, -1, -1, ""},
        {"promote full still honors maxSurge/maxUnavailable", 4, 1, "3", "0", true, 4, 4, 0, 0, 4, 3, -1, -1, ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cJSON *r = go_ro(rows[i].replicas, rows[i].weight, rows[i].surge, rows[i].unavail, rows[i].scs, "",
                         rows[i].promote_full ? ",\"promoteFull\":true" : "");
        cJSON *s = rs("stable", rows[i].stable_spec, rows[i].stable_avail);
        cJSON *n = rs("canary", rows[i].canary_spec, rows[i].canary_avail);
        cJSON *older = rows[i].older_spec >= 0 ? rs("older", rows[i].older_spec, rows[i].older_avail) : NULL;
        int nc = -9, sc = -9;
        basic(r, n, s, older, &nc, &sc);
        if (nc != rows[i].want_canary || sc != rows[i].want_stable)
            fprintf(stderr, "%s: got canary %d stable %d\n", rows[i].name, nc, sc);
        CU_ASSERT_EQUAL(nc, rows[i].want_canary);
        CU_ASSERT_EQUAL(sc, rows[i].want_stable);
    }
    cu_drop();
}

/* ---- TestCalculateReplicaCountsForCanary, the trafficRouting rows (called with nil RSs) ---- */

static void test_argo_routed_table(void)
{
    static const struct {
        const char *name;
        int replicas, weight;
        const char *surge, *unavail, *scs, *extra, *status;
        int want_stable, want_canary;
    } rows[] = {
        {"For canary replicas, use setCanaryScale.replicas when specified along with trafficRouting (and ignore "
         "setWeight)",
         1, 100, "0", "0", "{\"replicas\":9}", ",\"trafficRouting\":{}", "", 1, 9},
        {"Use setCanaryScale.weight for canary replicas when specified with trafficRouting (and ignore setWeight)", 4,
         100, "0", "0", "{\"weight\":200}", ",\"trafficRouting\":{}", "", 4, 8},
        {"Ignore setCanaryScale replicas/weight when matchTrafficWeight is true", 10, 20, "\"20%\"", "0",
         "{\"replicas\":9,\"weight\":100,\"matchTrafficWeight\":true}", ",\"trafficRouting\":{}", "", 10, 2},
        {"aborted with abortScaleDownDelaySeconds:0 and setCanaryScale", 1, 0, "0", "0", "{\"replicas\":1}",
         ",\"trafficRouting\":{},\"abortScaleDownDelaySeconds\":0", ",\"abort\":true", 1, 1},
        {"aborted with abortScaleDownDelaySeconds>0 and setCanaryScale", 1, 0, "0", "0", "{\"replicas\":1}",
         ",\"trafficRouting\":{},\"abortScaleDownDelaySeconds\":30", ",\"abort\":true", 1, 0},
        {"Honor MinPodsPerReplicaSet when using trafficRouting and starting canary", 10, 5, "0", "0", "",
         ",\"trafficRouting\":{},\"minPodsPerReplicaSet\":2", "", 10, 2},
        {"Cap MinPodsPerReplicaSet when it exceeds rollout replicas with trafficRouting", 1, 100, "0", "0", "",
         ",\"trafficRouting\":{},\"minPodsPerReplicaSet\":2", ",\"promoteFull\":true", 1, 1},
        /* TestCalculateReplicaCountsForCanaryTrafficRouting */
        {"trafficRouting 10 replicas at 10%", 10, 10, "0", "1", "", ",\"trafficRouting\":{}", "", 10, 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cJSON *r = go_ro(rows[i].replicas, rows[i].weight, rows[i].surge, rows[i].unavail, rows[i].scs, rows[i].extra,
                         rows[i].status);
        int nc = -9, sc = -9;
        ro_canary_routed_counts(r, NULL, NULL, NULL, &nc, &sc);
        if (nc != rows[i].want_canary || sc != rows[i].want_stable)
            fprintf(stderr, "%s: got canary %d stable %d\n", rows[i].name, nc, sc);
        CU_ASSERT_EQUAL(nc, rows[i].want_canary);
        CU_ASSERT_EQUAL(sc, rows[i].want_stable);
    }
    cu_drop();
}

/* ---- e2e TestCanarySetCanaryScale: nginx, 4 replicas ---- */

#define SCALE_STEPS                                                                                                    \
    "[{\"pause\":{}},{\"setCanaryScale\":{\"weight\":25}},{\"pause\":{\"duration\":\"100s\"}},"                        \
    "{\"setWeight\":50},{\"pause\":{\"duration\":\"10s\"}},{\"setCanaryScale\":{\"replicas\":3}},"                     \
    "{\"pause\":{}},{\"setCanaryScale\":{\"matchTrafficWeight\":true}},{\"pause\":{\"duration\":\"5s\"}}]"

static void test_set_canary_scale_e2e(void)
{
    static const struct {
        int index;
        int want_canary;
        int scs_step; /* the step whose setCanaryScale applies, -1 none */
    } rows[] = {{0, 0, -1}, {2, 1, 1}, {4, 1, 1}, {6, 3, 5}, {8, 2, -1}};
    const char *tr = ",\"canaryService\":\"c\",\"stableService\":\"s\","
                     "\"trafficRouting\":{\"nginx\":{\"stableIngress\":\"ing\"}}";
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char st[128];
        snprintf(st, sizeof st, "\"currentStepIndex\":%d,\"currentPodHash\":\"v2\",\"stableRS\":\"v1\"", rows[i].index);
        cJSON *r = ro(4, SCALE_STEPS, tr, st);
        int nc = -9, sc = -9;
        ro_canary_routed_counts(r, NULL, NULL, NULL, &nc, &sc);
        CU_ASSERT_EQUAL(nc, rows[i].want_canary);
        CU_ASSERT_EQUAL(sc, 4);
        const cJSON *scs = ro_canary_current_scale(r);
        const cJSON *want_scs = NULL;
        if (rows[i].scs_step >= 0)
            want_scs =
                cj_get(cJSON_GetArrayItem(cj_get(r, "spec.strategy.canary.steps"), rows[i].scs_step), "setCanaryScale");
        CU_ASSERT_PTR_EQUAL(scs, want_scs);
    }
    /* done: fully promoted (stable == current), past the last step: 4 and 4 */
    cJSON *r = ro(4, SCALE_STEPS, tr, "\"currentStepIndex\":9,\"currentPodHash\":\"v2\",\"stableRS\":\"v2\"");
    int nc = -9, sc = -9;
    ro_canary_routed_counts(r, NULL, NULL, NULL, &nc, &sc);
    CU_ASSERT_EQUAL(nc, 4);
    CU_ASSERT_EQUAL(sc, 4);
    /* §2.4.1: 4 replicas at setWeight 50 give 2 canary + 4 stable pods */
    r = ro(4, "[{\"setWeight\":50},{\"pause\":{}}]", tr, "\"currentPodHash\":\"v2\",\"stableRS\":\"v1\"");
    ro_canary_routed_counts(r, NULL, NULL, NULL, &nc, &sc);
    CU_ASSERT_EQUAL(nc, 2);
    CU_ASSERT_EQUAL(sc, 4);
    cu_drop();
}

/* ---- dynamicStableScale: TestCalculateReplicaCountsForCanaryTrafficRoutingDynamicScale and
   TestGetDesiredCanaryWeightOnAbortWithScaleDownDelay ---- */

static void test_dynamic_stable_scale(void)
{
    static const struct {
        const char *name;
        int replicas, first_weight; /* newRollout's own setWeight step */
        bool abort, extra_step60;
        int canary_weight, stable_weight;
        int canary_rs, stable_rs, stable_avail; /* 0: no RS */
        int want_canary, want_stable;
    } rows[] = {
        {"scale stable up depending on next expected canary downscale step, abort", 10, 20, true, true, 60, 40, 6, 4, 4,
         6, 8},
        {"scale stable up depending on available canary replicas, abort", 10, 20, true, true, 60, 40, 1, 4, 4, 6, 8},
        {"scale stable up depending on available stable replicas, abort", 10, 20, true, true, 60, 40, 2, 8, 4, 6, 8},
        {"scale stable up as if canaries are at 0 without RSs, abort", 10, 20, true, true, 60, 40, 0, 0, 0, 6, 10},
        {"Should scale down stable", 10, 10, false, false, 10, 90, 0, 0, 0, 1, 9},
        {"Should take max of desired canary (20) > actual (10)", 10, 20, false, false, 10, 90, 0, 0, 0, 2, 9},
        {"Should leave canary scaled up if there is still traffic to it on abort", 10, 20, true, false, 20, 80, 0, 0, 0,
         2, 10},
        {"Should reduce canary when there is less traffic to it on abort", 10, 20, true, false, 10, 90, 0, 0, 0, 1, 10},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char steps[128];
        snprintf(steps, sizeof steps, "[{\"setWeight\":%d}%s]", rows[i].first_weight,
                 rows[i].extra_step60 ? ",{\"setWeight\":60}" : "");
        cJSON *r = ro(rows[i].replicas, steps,
                      ",\"maxSurge\":0,\"maxUnavailable\":1,\"trafficRouting\":{},\"dynamicStableScale\":true",
                      rows[i].abort ? "\"currentPodHash\":\"canary\",\"stableRS\":\"stable\",\"abort\":true"
                                    : "\"currentPodHash\":\"canary\",\"stableRS\":\"stable\"");
        cJSON *w = weights(rows[i].canary_weight, rows[i].stable_weight);
        cJSON *s = rows[i].stable_rs ? rs("stable", rows[i].stable_rs, rows[i].stable_avail) : NULL;
        cJSON *n = rows[i].canary_rs ? rs("canary", rows[i].canary_rs, rows[i].canary_rs) : NULL;
        int nc = -9, sc = -9;
        ro_canary_routed_counts(r, n, s, w, &nc, &sc);
        if (nc != rows[i].want_canary || sc != rows[i].want_stable)
            fprintf(stderr, "%s: got canary %d stable %d\n", rows[i].name, nc, sc);
        CU_ASSERT_EQUAL(nc, rows[i].want_canary);
        CU_ASSERT_EQUAL(sc, rows[i].want_stable);
    }

    /* GetDesiredCanaryWeight on abort with an abort scale-down delay (Argo issue #4898) */
    static const struct {
        const char *delay; /* "" = unset */
        int stable_avail, want;
    } ab[] = {{"", 9, 10},
              {",\"abortScaleDownDelaySeconds\":30", 5, 10},
              {",\"abortScaleDownDelaySeconds\":30", 9, 0},
              {",\"abortScaleDownDelaySeconds\":0", 9, 10}};
    for (size_t i = 0; i < sizeof ab / sizeof ab[0]; i++) {
        char extra[256];
        snprintf(extra, sizeof extra,
                 ",\"maxSurge\":1,\"maxUnavailable\":0,\"trafficRouting\":{},\"dynamicStableScale\":true%s",
                 ab[i].delay);
        cJSON *r = ro(10, "[{\"setWeight\":10},{\"setWeight\":50}]", extra,
                      "\"currentPodHash\":\"canary\",\"stableRS\":\"stable\",\"abort\":true");
        cJSON *n = rs("canary", 5, 5), *s = rs("stable", ab[i].stable_avail, ab[i].stable_avail);
        CU_ASSERT_EQUAL(ro_canary_desired_weight(r, n, s), ab[i].want);
        int reps = -9, w = -9;
        ro_canary_replicas_or_weight(r, n, s, &reps, &w);
        CU_ASSERT_EQUAL(reps, -1);
        CU_ASSERT_EQUAL(w, ab[i].want);
        /* without the RSs, the abort weight is plainly 0 */
        CU_ASSERT_EQUAL(ro_canary_desired_weight(r, NULL, NULL), 0);
    }
    /* stable scales to spec.replicas once the weight reaches zero */
    cJSON *r = ro(10, "[{\"setWeight\":10},{\"setWeight\":50}]",
                  ",\"maxSurge\":1,\"maxUnavailable\":0,\"trafficRouting\":{},\"dynamicStableScale\":true,"
                  "\"abortScaleDownDelaySeconds\":30",
                  "\"currentPodHash\":\"canary\",\"stableRS\":\"stable\",\"abort\":true");
    int nc = -9, sc = -9;
    ro_canary_routed_counts(r, rs("canary", 5, 5), rs("stable", 9, 9), weights(10, 90), &nc, &sc);
    CU_ASSERT_EQUAL(sc, 10);
    CU_ASSERT_EQUAL(nc, 1); /* the canary is held at its traffic (10%) until traffic leaves it */
    cu_drop();
}

/* ---- TestApproximateWeightedNewStableReplicaCounts (the whole table) ---- */

static void test_approximate(void)
{
    static const int rows[][6] = {
        /* replicas, weight, maxWeight, maxSurge, canary, stable */
        {0, 0, 100, 0, 0, 0},     {0, 50, 100, 0, 0, 0},  {0, 100, 100, 0, 0, 0},   {0, 0, 100, 1, 0, 0},
        {0, 50, 100, 1, 0, 0},    {0, 100, 100, 1, 0, 0}, {1, 0, 100, 0, 0, 1},     {1, 1, 100, 0, 0, 1},
        {1, 49, 100, 0, 0, 1},    {1, 50, 100, 0, 1, 0},  {1, 99, 100, 0, 1, 0},    {1, 100, 100, 0, 1, 0},
        {1, 0, 100, 1, 0, 1},     {1, 1, 100, 1, 1, 1},   {1, 49, 100, 1, 1, 1},    {1, 50, 100, 1, 1, 1},
        {1, 99, 100, 1, 1, 1},    {1, 100, 100, 1, 1, 0}, {2, 0, 100, 0, 0, 2},     {2, 1, 100, 0, 1, 1},
        {2, 50, 100, 0, 1, 1},    {2, 99, 100, 0, 1, 1},  {2, 100, 100, 0, 2, 0},   {2, 0, 100, 1, 0, 2},
        {2, 1, 100, 1, 1, 2},     {2, 50, 100, 1, 1, 1},  {2, 99, 100, 1, 2, 1},    {2, 100, 100, 1, 2, 0},
        {3, 10, 100, 0, 1, 2},    {3, 25, 100, 0, 1, 2},  {3, 33, 100, 0, 1, 2},    {3, 34, 100, 0, 1, 2},
        {3, 49, 100, 0, 1, 2},    {3, 50, 100, 0, 2, 1},  {3, 10, 100, 1, 1, 3},    {3, 25, 100, 1, 1, 3},
        {3, 33, 100, 1, 1, 2},    {3, 34, 100, 1, 1, 2},  {3, 49, 100, 1, 2, 2},    {3, 50, 100, 1, 2, 2},
        {10, 0, 100, 1, 0, 10},   {10, 1, 100, 0, 1, 9},  {10, 14, 100, 0, 1, 9},   {10, 15, 100, 0, 2, 8},
        {10, 16, 100, 0, 2, 8},   {10, 99, 100, 0, 9, 1}, {10, 100, 100, 1, 10, 0}, {10, 0, 100, 1, 0, 10},
        {10, 1, 100, 1, 1, 10},   {10, 18, 100, 1, 2, 9}, {10, 19, 100, 1, 2, 9},   {10, 20, 100, 1, 2, 8},
        {10, 23, 100, 1, 2, 8},   {10, 24, 100, 1, 3, 8}, {10, 25, 100, 1, 3, 8},   {10, 99, 100, 1, 10, 1},
        {10, 100, 100, 1, 10, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int c = -9, s = -9;
        ro_canary_approximate(rows[i][0], rows[i][1], rows[i][2], rows[i][3], &c, &s);
        if (c != rows[i][4] || s != rows[i][5])
            fprintf(stderr, "approximate(%d,%d,%d,%d) = %d/%d\n", rows[i][0], rows[i][1], rows[i][2], rows[i][3], c, s);
        CU_ASSERT_EQUAL(c, rows[i][4]);
        CU_ASSERT_EQUAL(s, rows[i][5]);
    }
    /* a max weight other than 100: 10 replicas at 250/1000 -> 25% -> 3 of 11 with surge, 2 (or 3) of 10 */
    int c, s;
    ro_canary_approximate(10, 250, 1000, 0, &c, &s);
    CU_ASSERT_EQUAL(c, 3); /* 2.5: tie, the larger canary */
    CU_ASSERT_EQUAL(s, 7);
}

/* ---- without a stable RS (first deploy, or stable == new) ---- */

static void test_no_stable_rs(void)
{
    /* TestCalculateReplicaCountsForCanaryStableRSdEdgeCases: status hashes empty */
    cJSON *r = go_ro(10, 10, "0", "1", "", "", "");
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(r, "status"), "currentPodHash", cJSON_CreateString(""));
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(r, "status"), "stableRS", cJSON_CreateString(""));
    cJSON *n = rs("stable", 9, 9);
    int nc = -9, sc = -9;
    basic(r, n, NULL, NULL, &nc, &sc);
    CU_ASSERT_EQUAL(nc, 10);
    CU_ASSERT_EQUAL(sc, 0);
    basic(r, n, n, NULL, &nc, &sc);
    CU_ASSERT_EQUAL(nc, 10);
    CU_ASSERT_EQUAL(sc, 0);
    /* with stableRS "" the weight is the max weight (GetCanaryReplicasOrWeight) */
    int reps = -9, w = -9;
    ro_canary_replicas_or_weight(r, NULL, NULL, &reps, &w);
    CU_ASSERT_EQUAL(reps, -1);
    CU_ASSERT_EQUAL(w, 100);

    /* TestCalculateReplicaCountsForNewDeployment: two objects with the same name are the same RS */
    r = go_ro(10, 10, "0", "1", "", "", "");
    basic(r, rs("stable", 10, 0), rs("stable", 10, 0), NULL, &nc, &sc);
    CU_ASSERT_EQUAL(nc, 10);
    CU_ASSERT_EQUAL(sc, 0);

    /* no new RS yet, stable at 10: nothing to scale up, the stable keeps its pods */
    basic(r, NULL, rs("stable", 10, 10), NULL, &nc, &sc);
    CU_ASSERT_EQUAL(nc, 0);
    CU_ASSERT_EQUAL(sc, 9); /* desired 1/9, maxUnavailable 1 lets the stable go down to 9 */

    /* an old RS still scaled up: no room to surge (10 + 0 - (2 + 0 + 8) = 0), and no scale-down */
    r = go_ro(10, 50, "0", "1", "", "", "");
    basic(r, rs("canary", 0, 0), rs("stable", 8, 8), rs("older", 2, 2), &nc, &sc);
    CU_ASSERT_EQUAL(nc, 0);
    CU_ASSERT_EQUAL(sc, 8);
    /* old RS scaled to 0 (but pods still available): the new one may now grow */
    basic(r, rs("canary", 0, 0), rs("stable", 8, 8), rs("older", 0, 2), &nc, &sc);
    CU_ASSERT_EQUAL(nc, 2);
    CU_ASSERT_EQUAL(sc, 8);
    cu_drop();
}

/* ---- the weight walk-back, GetCurrentCanaryStep and maxTrafficWeight ---- */

static void test_weight_walk_back(void)
{
    const char *steps = "[{\"setWeight\":10},{\"pause\":{\"duration\":\"1m\"}},{\"setWeight\":30},{\"pause\":{}},"
                        "{\"analysis\":{\"templates\":[{\"templateName\":\"t\"}]}}]";
    static const int want[] = {10, 10, 30, 30, 30, 100, 100};
    for (int i = 0; i < 7; i++) {
        char st[96];
        snprintf(st, sizeof st, "\"currentStepIndex\":%d,\"currentPodHash\":\"b\",\"stableRS\":\"a\"", i);
        cJSON *r = ro(5, steps, "", st);
        CU_ASSERT_EQUAL(ro_canary_current_set_weight(r), want[i]);
        int idx = -9;
        const cJSON *step = ro_canary_current_step(r, &idx);
        CU_ASSERT_EQUAL(idx, i);
        const cJSON *want_step = i < 5 ? cJSON_GetArrayItem(cj_get(r, "spec.strategy.canary.steps"), i) : NULL;
        CU_ASSERT_PTR_EQUAL(step, want_step);
    }
    /* currentStepIndex absent means 0 */
    cJSON *r = ro(5, steps, "", "");
    int idx = -9;
    CU_ASSERT_PTR_NOT_NULL(ro_canary_current_step(r, &idx));
    CU_ASSERT_EQUAL(idx, 0);
    CU_ASSERT_EQUAL(ro_canary_current_set_weight(r), 10);
    /* no setWeight at or before the index: 0 */
    r = ro(5, "[{\"pause\":{}},{\"setWeight\":20}]", "", "\"currentStepIndex\":0");
    CU_ASSERT_EQUAL(ro_canary_current_set_weight(r), 0);
    /* aborted: 0 */
    r = ro(5, steps, "", "\"currentStepIndex\":2,\"abort\":true");
    CU_ASSERT_EQUAL(ro_canary_current_set_weight(r), 0);
    /* no steps: no current step (index -1), weight = max weight */
    r = ro(5, "[]", "", "\"currentStepIndex\":0");
    CU_ASSERT_PTR_NULL(ro_canary_current_step(r, &idx));
    CU_ASSERT_EQUAL(idx, -1);
    CU_ASSERT_EQUAL(ro_canary_current_set_weight(r), 100);
    r = J("{\"spec\":{\"strategy\":{\"canary\":{}}}}");
    CU_ASSERT_PTR_NULL(ro_canary_current_step(r, NULL));
    CU_ASSERT_EQUAL(ro_canary_current_set_weight(r), 100);
    /* Argo's TestGetCurrentSetWeight: one setWeight 10 step; index 1 -> 100, 0 -> 10, aborted -> 0 */
    r = go_ro(10, 10, "0", "1", "", "", ",\"currentStepIndex\":1");
    CU_ASSERT_EQUAL(ro_canary_current_set_weight(r), 100);
    r = go_ro(10, 10, "0", "1", "", "", ",\"currentStepIndex\":0");
    CU_ASSERT_EQUAL(ro_canary_current_set_weight(r), 10);
    r = go_ro(10, 10, "0", "1", "", "", ",\"currentStepIndex\":0,\"abort\":true");
    CU_ASSERT_EQUAL(ro_canary_current_set_weight(r), 0);
    cu_drop();
}

static void test_max_traffic_weight(void)
{
    CU_ASSERT_EQUAL(ro_canary_max_weight(ro(5, "[]", "", "")), 100);
    CU_ASSERT_EQUAL(ro_canary_max_weight(ro(5, "[]", ",\"trafficRouting\":{\"nginx\":{}}", "")), 100);
    CU_ASSERT_EQUAL(ro_canary_max_weight(ro(5, "[]", ",\"trafficRouting\":{\"maxTrafficWeight\":1000}", "")), 1000);
    /* only inside trafficRouting */
    CU_ASSERT_EQUAL(ro_canary_max_weight(ro(5, "[]", ",\"maxTrafficWeight\":1000", "")), 100);
    CU_ASSERT_EQUAL(ro_canary_max_weight(J("{\"spec\":{\"strategy\":{\"blueGreen\":{}}}}")), 100);

    const char *tr = ",\"trafficRouting\":{\"nginx\":{\"stableIngress\":\"i\"},\"maxTrafficWeight\":1000}";
    /* past the last step: the max weight, not 100 */
    cJSON *r =
        ro(10, "[{\"setWeight\":250}]", tr, "\"currentStepIndex\":1,\"currentPodHash\":\"b\",\"stableRS\":\"a\"");
    CU_ASSERT_EQUAL(ro_canary_current_set_weight(r), 1000);
    /* setWeight 250 of 1000 = 25%: ceil(10 * 250 / 1000) = 3 canary pods */
    r = ro(10, "[{\"setWeight\":250}]", tr, "\"currentStepIndex\":0,\"currentPodHash\":\"b\",\"stableRS\":\"a\"");
    int nc = -9, sc = -9;
    ro_canary_routed_counts(r, NULL, NULL, NULL, &nc, &sc);
    CU_ASSERT_EQUAL(nc, 3);
    CU_ASSERT_EQUAL(sc, 10);
    /* fully promoted: the max weight, all replicas */
    r = ro(10, "[{\"setWeight\":250}]", tr, "\"currentStepIndex\":1,\"currentPodHash\":\"a\",\"stableRS\":\"a\"");
    int reps, w;
    ro_canary_replicas_or_weight(r, NULL, NULL, &reps, &w);
    CU_ASSERT_EQUAL(reps, -1);
    CU_ASSERT_EQUAL(w, 1000);
    ro_canary_routed_counts(r, NULL, NULL, NULL, &nc, &sc);
    CU_ASSERT_EQUAL(nc, 10);
    CU_ASSERT_EQUAL(sc, 10);
    /* dynamicStableScale with max weight 1000: stable = ceil(10 * (1000 - 250) / 1000) = 8 */
    r = ro(10, "[{\"setWeight\":250}]",
           ",\"dynamicStableScale\":true,\"trafficRouting\":{\"nginx\":{\"stableIngress\":\"i\"},"
           "\"maxTrafficWeight\":1000}",
           "\"currentStepIndex\":0,\"currentPodHash\":\"b\",\"stableRS\":\"a\"");
    ro_canary_routed_counts(r, NULL, NULL, weights(100, 900), &nc, &sc);
    CU_ASSERT_EQUAL(nc, 3);
    CU_ASSERT_EQUAL(sc, 9); /* the actual stable weight 900/1000 still needs 9 */
    cu_drop();
}

/* ---- TestGetCanaryReplicasOrWeight and UseSetCanaryScale ---- */

static void test_replicas_or_weight(void)
{
    int reps = -9, w = -9;
    /* test full promote rollout */
    ro_canary_replicas_or_weight(J("{\"status\":{\"promoteFull\":true}}"), NULL, NULL, &reps, &w);
    CU_ASSERT_EQUAL(reps, -1);
    CU_ASSERT_EQUAL(w, 100);
    /* test canary step weight */
    const char *steps = "[{\"setWeight\":10},{\"setCanaryScale\":{\"weight\":20}}]";
    ro_canary_replicas_or_weight(
        ro(1, steps, ",\"trafficRouting\":{}", "\"currentStepIndex\":1,\"stableRS\":\"stable-rs\""), NULL, NULL, &reps, &w);
    CU_ASSERT_EQUAL(reps, -1);
    CU_ASSERT_EQUAL(w, 20);
    /* test canary step replicas */
    steps = "[{\"setWeight\":10},{\"setCanaryScale\":{\"replicas\":5}}]";
    ro_canary_replicas_or_weight(
        ro(1, steps, ",\"trafficRouting\":{}", "\"currentStepIndex\":1,\"stableRS\":\"stable-rs\""), NULL, NULL, &reps, &w);
    CU_ASSERT_EQUAL(reps, 5);
    CU_ASSERT_EQUAL(w, 0);
    /* test get current step weight: blueGreen, aborted, no stableRS: the max weight */
    ro_canary_replicas_or_weight(J("{\"spec\":{\"strategy\":{\"blueGreen\":{}}},\"status\":{\"abort\":true}}"), NULL, NULL, &reps,
                                 &w);
    CU_ASSERT_EQUAL(reps, -1);
    CU_ASSERT_EQUAL(w, 100);
    /* replicas wins over weight when both are given */
    steps = "[{\"setCanaryScale\":{\"replicas\":2,\"weight\":75}}]";
    ro_canary_replicas_or_weight(ro(4, steps, ",\"trafficRouting\":{}", "\"stableRS\":\"a\",\"currentPodHash\":\"b\""), NULL, NULL,
                                 &reps, &w);
    CU_ASSERT_EQUAL(reps, 2);
    CU_ASSERT_EQUAL(w, 0);
    cu_drop();
}

static void test_current_scale(void)
{
    const char *st = "\"stableRS\":\"a\",\"currentPodHash\":\"b\",\"currentStepIndex\":";
    const char *steps = "[{\"setCanaryScale\":{\"replicas\":2}},{\"setWeight\":40},{\"setCanaryScale\":{}},"
                        "{\"setWeight\":60},{\"setCanaryScale\":{\"matchTrafficWeight\":true}},{\"pause\":{}}]";
    char status[128];
    int reps, w;
    /* index 1: the replicas:2 of step 0 still applies */
    snprintf(status, sizeof status, "%s1", st);
    cJSON *r = ro(10, steps, ",\"trafficRouting\":{}", status);
    const cJSON *scs = ro_canary_current_scale(r);
    CU_ASSERT_PTR_EQUAL(scs, cj_get(cJSON_GetArrayItem(cj_get(r, "spec.strategy.canary.steps"), 0), "setCanaryScale"));
    ro_canary_replicas_or_weight(r, NULL, NULL, &reps, &w);
    CU_ASSERT_EQUAL(reps, 2);
    /* index 3: an empty setCanaryScale {} shadows step 0, and the weight is the setWeight one */
    snprintf(status, sizeof status, "%s3", st);
    r = ro(10, steps, ",\"trafficRouting\":{}", status);
    scs = ro_canary_current_scale(r);
    CU_ASSERT_PTR_EQUAL(scs, cj_get(cJSON_GetArrayItem(cj_get(r, "spec.strategy.canary.steps"), 2), "setCanaryScale"));
    ro_canary_replicas_or_weight(r, NULL, NULL, &reps, &w);
    CU_ASSERT_EQUAL(reps, -1);
    CU_ASSERT_EQUAL(w, 60);
    /* index 5: matchTrafficWeight cancels */
    snprintf(status, sizeof status, "%s5", st);
    r = ro(10, steps, ",\"trafficRouting\":{}", status);
    CU_ASSERT_PTR_NULL(ro_canary_current_scale(r));
    /* without trafficRouting: never */
    snprintf(status, sizeof status, "%s1", st);
    CU_ASSERT_PTR_NULL(ro_canary_current_scale(ro(10, steps, "", status)));
    /* aborted: ignored, unless abortScaleDownDelaySeconds is 0 */
    snprintf(status, sizeof status, "\"abort\":true,%s1", st);
    CU_ASSERT_PTR_NULL(ro_canary_current_scale(ro(10, steps, ",\"trafficRouting\":{}", status)));
    CU_ASSERT_PTR_NULL(
        ro_canary_current_scale(ro(10, steps, ",\"trafficRouting\":{},\"abortScaleDownDelaySeconds\":10", status)));
    CU_ASSERT_PTR_NOT_NULL(
        ro_canary_current_scale(ro(10, steps, ",\"trafficRouting\":{},\"abortScaleDownDelaySeconds\":0", status)));
    /* past the last step: none */
    snprintf(status, sizeof status, "%s6", st);
    CU_ASSERT_PTR_NULL(ro_canary_current_scale(ro(10, steps, ",\"trafficRouting\":{}", status)));
    cu_drop();
}

/* ---- maxSurge / maxUnavailable (resolveFenceposts), minPodsPerReplicaSet, GetReplicasForScaleDown ---- */

static void test_fenceposts(void)
{
    /* defaults 25%/25%: 5 -> surge ceil(1.25)=2, unavailable floor(1.25)=1 */
    cJSON *r = ro(5, "[]", "", "");
    CU_ASSERT_EQUAL(ro_canary_max_surge(r), 2);
    CU_ASSERT_EQUAL(ro_canary_max_unavailable(r), 1);
    /* 1 replica: 1 and 0 */
    r = ro(1, "[]", "", "");
    CU_ASSERT_EQUAL(ro_canary_max_surge(r), 1);
    CU_ASSERT_EQUAL(ro_canary_max_unavailable(r), 0);
    /* both resolve to 0: maxUnavailable = 1 */
    r = ro(10, "[]", ",\"maxSurge\":\"0%\",\"maxUnavailable\":\"0%\"", "");
    CU_ASSERT_EQUAL(ro_canary_max_surge(r), 0);
    CU_ASSERT_EQUAL(ro_canary_max_unavailable(r), 1);
    r = ro(3, "[]", ",\"maxSurge\":0,\"maxUnavailable\":\"10%\"", "");
    CU_ASSERT_EQUAL(ro_canary_max_surge(r), 0);
    CU_ASSERT_EQUAL(ro_canary_max_unavailable(r), 1);
    /* capped at spec.replicas; 0 replicas -> 0 */
    r = ro(4, "[]", ",\"maxSurge\":20,\"maxUnavailable\":20", "");
    CU_ASSERT_EQUAL(ro_canary_max_surge(r), 20);
    CU_ASSERT_EQUAL(ro_canary_max_unavailable(r), 4);
    r = ro(0, "[]", "", "");
    CU_ASSERT_EQUAL(ro_canary_max_surge(r), 0);
    CU_ASSERT_EQUAL(ro_canary_max_unavailable(r), 0);
    /* a string without '%' is a percentage (Argo's "25") */
    r = ro(10, "[]", ",\"maxSurge\":\"30\",\"maxUnavailable\":\"30\"", "");
    CU_ASSERT_EQUAL(ro_canary_max_surge(r), 3);
    CU_ASSERT_EQUAL(ro_canary_max_unavailable(r), 3);
    /* blueGreen: no surge; maxUnavailable without the fencepost rule */
    r = J("{\"spec\":{\"replicas\":5,\"strategy\":{\"blueGreen\":{\"maxUnavailable\":\"50%\"}}}}");
    CU_ASSERT_EQUAL(ro_canary_max_surge(r), 0);
    CU_ASSERT_EQUAL(ro_canary_max_unavailable(r), 2);
    r = J("{\"spec\":{\"replicas\":5,\"strategy\":{\"blueGreen\":{\"maxUnavailable\":0}}}}");
    CU_ASSERT_EQUAL(ro_canary_max_unavailable(r), 0);

    /* CheckMinPodsPerReplicaSet */
    r = ro(10, "[]", ",\"trafficRouting\":{},\"minPodsPerReplicaSet\":3", "");
    CU_ASSERT_EQUAL(ro_canary_min_pods(r, 0), 0);
    CU_ASSERT_EQUAL(ro_canary_min_pods(r, 1), 3);
    CU_ASSERT_EQUAL(ro_canary_min_pods(r, 5), 5);
    r = ro(2, "[]", ",\"trafficRouting\":{},\"minPodsPerReplicaSet\":3", "");
    CU_ASSERT_EQUAL(ro_canary_min_pods(r, 1), 2); /* capped at spec.replicas */
    r = ro(10, "[]", ",\"minPodsPerReplicaSet\":3", "");
    CU_ASSERT_EQUAL(ro_canary_min_pods(r, 1), 1); /* only with trafficRouting */

    /* TestGetReplicasForScaleDown */
    CU_ASSERT_EQUAL(ro_canary_replicas_for_scale_down(NULL, false), 0);
    CU_ASSERT_EQUAL(ro_canary_replicas_for_scale_down(rs("a", 3, 5), false), 3);
    CU_ASSERT_EQUAL(ro_canary_replicas_for_scale_down(rs("a", 3, 5), true), 3);
    CU_ASSERT_EQUAL(ro_canary_replicas_for_scale_down(rs("a", 5, 3), true), 5);
    CU_ASSERT_EQUAL(ro_canary_replicas_for_scale_down(rs("a", 5, 3), false), 3);
    cu_drop();
}

/* ---- TestAtDesiredReplicaCountsForCanary and TestAllReplicaProgressThresholdMet ---- */

static void test_at_desired_counts(void)
{
    const char *scs22 = "{\"weight\":2,\"replicas\":2}";
    cJSON *w5050 = weights(50, 50), *w7525 = weights(75, 25);
    /* we are at desired replica counts and availability */
    cJSON *r = go_ro(4, 50, "1", "1", scs22, "", "");
    CU_ASSERT_TRUE(ro_canary_at_desired_counts(r, rs3("newRS", 2, 2, 2), rs3("stableRS", 2, 2, 2), NULL, 0, w5050));
    /* new replicaset is not at desired counts or availability */
    CU_ASSERT_FALSE(ro_canary_at_desired_counts(r, rs3("newRS", 2, 1, 2), rs3("stableRS", 2, 2, 2), NULL, 0, w5050));
    /* stable replicaset is not at desired counts */
    cJSON *r75 = go_ro(4, 75, "1", "1", "{}", "", "");
    CU_ASSERT_FALSE(ro_canary_at_desired_counts(r75, rs3("newRS", 3, 3, 3), rs3("stableRS", 2, 2, 2), NULL, 0, w7525));
    /* stable not available but at the right count: only the count is checked for the stable */
    CU_ASSERT_TRUE(ro_canary_at_desired_counts(r75, rs3("newRS", 3, 3, 1), rs3("stableRS", 1, 0, 1), NULL, 0, w7525));
    /* the stable's status.replicas lags behind spec.replicas */
    CU_ASSERT_FALSE(ro_canary_at_desired_counts(r, rs3("newRS", 2, 2, 2), rs3("stableRS", 2, 2, 3), NULL, 0, w5050));
    /* basic canary: an older RS with available pods blocks the step */
    const cJSON *older[2] = {rs3("older", 0, 1, 1), NULL};
    CU_ASSERT_FALSE(ro_canary_at_desired_counts(r, rs3("newRS", 2, 2, 2), rs3("stableRS", 2, 2, 2), older, 2, w5050));
    older[0] = rs3("older", 0, 0, 0);
    CU_ASSERT_TRUE(ro_canary_at_desired_counts(r, rs3("newRS", 2, 2, 2), rs3("stableRS", 2, 2, 2), older, 2, w5050));
    /* no stable RS: never at the desired counts (allDesiredAreCreated(nil)) */
    CU_ASSERT_FALSE(ro_canary_at_desired_counts(r, rs3("newRS", 2, 2, 2), NULL, NULL, 0, NULL));

    /* traffic routed: stable stays at 4, canary ceil(4*50%)=2; older RSs do not matter */
    cJSON *rt = go_ro(4, 50, "1", "1", "", ",\"trafficRouting\":{}", "");
    older[0] = rs3("older", 1, 1, 1);
    CU_ASSERT_TRUE(ro_canary_at_desired_counts(rt, rs3("canary", 2, 2, 2), rs3("stable", 4, 4, 4), older, 1, NULL));
    CU_ASSERT_FALSE(ro_canary_at_desired_counts(rt, rs3("canary", 2, 2, 2), rs3("stable", 2, 2, 2), older, 1, NULL));
    /* ... unless dynamicStableScale, where the stable is not checked at all */
    cJSON *rd = go_ro(4, 50, "1", "1", "", ",\"trafficRouting\":{},\"dynamicStableScale\":true", "");
    CU_ASSERT_TRUE(ro_canary_at_desired_counts(rd, rs3("canary", 2, 2, 2), rs3("stable", 3, 3, 3), NULL, 0, w5050));
    CU_ASSERT_TRUE(ro_canary_at_desired_counts(rd, rs3("canary", 2, 2, 2), NULL, NULL, 0, w5050));

    /* ReplicaProgressThresholdMet */
    static const struct {
        const char *threshold; /* "" = none */
        int spec, avail;       /* spec -1: NULL rs */
        int desired;
        bool want;
    } th[] = {
        {"{\"type\":\"Percent\",\"value\":90}", 10, 9, 10, true},
        {"{\"type\":\"Pods\",\"value\":9}", 10, 9, 10, true},
        {"{\"type\":\"Percent\",\"value\":90}", 10, 8, 10, false},
        {"{\"type\":\"Pods\",\"value\":8}", 10, 7, 10, false},
        {"{\"type\":\"Pods\",\"value\":-100}", 10, 10, 10, true},
        {"", 5, 10, 10, false},
        {"{\"type\":\"Pods\",\"value\":5}", -1, 0, 10, false},
        {"{\"type\":\"Percent\",\"value\":100}", 10, 100, 10, true},
        {"{\"type\":\"Percent\",\"value\":90}", 10, 0, 0, true},
        {"", 10, 10, 10, true},
    };
    for (size_t i = 0; i < sizeof th / sizeof th[0]; i++) {
        char extra[128] = "";
        if (*th[i].threshold)
            snprintf(extra, sizeof extra, ",\"replicaProgressThreshold\":%s", th[i].threshold);
        cJSON *rp = ro(10, "[]", extra, "");
        cJSON *x = th[i].spec >= 0 ? rs("x", th[i].spec, th[i].avail) : NULL;
        CU_ASSERT_EQUAL(ro_canary_progress_threshold_met(rp, x, th[i].desired), th[i].want);
    }
    /* a threshold lets the step complete before every canary pod is available */
    cJSON *rthr = go_ro(10, 50, "1", "1", "",
                        ",\"trafficRouting\":{},\"replicaProgressThreshold\":"
                        "{\"type\":\"Percent\",\"value\":60}",
                        "");
    CU_ASSERT_TRUE(ro_canary_at_desired_counts(rthr, rs3("canary", 5, 3, 5), rs3("stable", 10, 10, 10), NULL, 0, NULL));
    CU_ASSERT_FALSE(
        ro_canary_at_desired_counts(rthr, rs3("canary", 5, 2, 5), rs3("stable", 10, 10, 10), NULL, 0, NULL));
    cu_drop();
}

/* ---- steps and pod template changes ---- */

static void test_steps_changed(void)
{
    const char *steps = "[{\"setWeight\":20},{\"pause\":{}}]";
    char h[16], st[256];
    ro_steps_hash(J(steps), h);
    CU_ASSERT_STRING_EQUAL(h, "54649b9f5c"); /* the value test_rollout_hash pins */
    CU_ASSERT_TRUE(ro_canary_steps_changed(ro(3, steps, "", "")));
    snprintf(st, sizeof st, "\"currentStepHash\":\"%s\"", h);
    CU_ASSERT_FALSE(ro_canary_steps_changed(ro(3, steps, "", st)));
    CU_ASSERT_TRUE(ro_canary_steps_changed(ro(3, "[{\"setWeight\":30},{\"pause\":{}}]", "", st)));

    /* pod template: status.currentPodHash vs the new RS's hash label */
    snprintf(st, sizeof st, "\"currentStepHash\":\"%s\",\"currentPodHash\":\"abc\"", h);
    cJSON *r = ro(3, steps, "", st);
    CU_ASSERT_FALSE(ro_canary_template_or_steps_changed(r, rs("abc", 1, 1)));
    CU_ASSERT_TRUE(ro_canary_template_or_steps_changed(r, rs("def", 1, 1)));
    /* no currentPodHash yet: no template change */
    snprintf(st, sizeof st, "\"currentStepHash\":\"%s\"", h);
    CU_ASSERT_FALSE(ro_canary_template_or_steps_changed(ro(3, steps, "", st), rs("def", 1, 1)));
    /* no new RS: the hash of spec.template */
    r = ro(3, steps, "", st);
    cJSON *tmpl = cJSON_Parse("{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"b\"}]}}");
    cJSON_AddItemToObject(cJSON_GetObjectItem(r, "spec"), "template", tmpl);
    char th[16];
    ro_pod_template_hash(tmpl, NULL, th);
    cJSON_AddStringToObject(cJSON_GetObjectItem(r, "status"), "currentPodHash", th);
    CU_ASSERT_FALSE(ro_canary_template_or_steps_changed(r, NULL));
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(r, "status"), "currentPodHash", cJSON_CreateString("zzz"));
    CU_ASSERT_TRUE(ro_canary_template_or_steps_changed(r, NULL));
    cu_drop();
}

/* ---- CanaryStepString ---- */

static void step_text_is(const char *step, const char *want)
{
    char out[128];
    ro_canary_step_text(J(step), out, sizeof out);
    if (strcmp(out, want) != 0)
        fprintf(stderr, "step %s: got \"%s\"\n", step, out);
    CU_ASSERT_STRING_EQUAL(out, want);
}

static void test_step_text(void)
{
    step_text_is("{\"setWeight\":20}", "setWeight: 20");
    step_text_is("{\"pause\":{}}", "pause");
    step_text_is("{\"pause\":{\"duration\":30}}", "pause: 30");
    step_text_is("{\"pause\":{\"duration\":\"30s\"}}", "pause: 30s");
    step_text_is("{\"pause\":{\"duration\":\"1h30m\"}}", "pause: 1h30m");
    step_text_is("{\"pause\":{\"duration\":null}}", "pause");
    step_text_is("{\"experiment\":{\"templates\":[]}}", "experiment");
    step_text_is("{\"analysis\":{\"templates\":[{\"templateName\":\"x\"}]}}", "analysis");
    step_text_is("{\"setCanaryScale\":{\"weight\":25}}", "setCanaryScale{weight: 25}");
    step_text_is("{\"setCanaryScale\":{\"replicas\":3}}", "setCanaryScale{replicas: 3}");
    step_text_is("{\"setCanaryScale\":{\"matchTrafficWeight\":true}}", "setCanaryScale{matchTrafficWeight: true}");
    step_text_is("{\"setCanaryScale\":{\"replicas\":3,\"weight\":25}}", "setCanaryScale{weight: 25}");
    step_text_is("{\"setCanaryScale\":{}}", "invalid");
    step_text_is("{\"plugin\":{\"name\":\"my/plugin\",\"config\":{}}}", "plugin: my/plugin");
    step_text_is("{\"setHeaderRoute\":{\"name\":\"hdr\"}}", "setHeaderRoute: hdr");
    step_text_is("{\"setMirrorRoute\":{\"name\":\"mir\",\"percentage\":50}}", "setMirrorRoute: mir");
    step_text_is("{}", "invalid");
    step_text_is("{\"setWeight\":null,\"pause\":{}}", "pause");
    /* setWeight is checked first */
    step_text_is("{\"setWeight\":5,\"pause\":{}}", "setWeight: 5");
    char out[8];
    ro_canary_step_text(NULL, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "invalid");
    ro_canary_step_text(J("{\"setWeight\":100}"), out, sizeof out); /* truncated, terminated */
    CU_ASSERT_STRING_EQUAL(out, "setWeig");
    /* the RolloutStepCompleted message as the controller composes it */
    char step[64], msg[128];
    ro_canary_step_text(J("{\"setWeight\":20}"), step, sizeof step);
    snprintf(msg, sizeof msg, "Rollout step %d/%d completed (%s)", 1, 4, step);
    CU_ASSERT_STRING_EQUAL(msg, "Rollout step 1/4 completed (setWeight: 20)");
    cu_drop();
}

/* ---- RolloutPause.DurationSeconds ---- */

static long pause_secs(const char *pause) { return ro_pause_duration_seconds(J(pause)); }

static void test_pause_duration(void)
{
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":30}"), 30);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"30\"}"), 30);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"30s\"}"), 30);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"1m\"}"), 60);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"1h\"}"), 3600);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"1h30m\"}"), 5400);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"1m30.5s\"}"), 90);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"1.5s\"}"), 1);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\".5m\"}"), 30);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"1.s\"}"), 1);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"500ms\"}"), 0);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"2000000us\"}"), 2);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"3000000\xc2\xb5s\"}"), 3);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"+30\"}"), 30);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"0\"}"), 0);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":0}"), 0);
    /* no duration: indefinite */
    CU_ASSERT_EQUAL(pause_secs("{}"), -1);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":null}"), -1);
    CU_ASSERT_EQUAL(ro_pause_duration_seconds(NULL), -1);
    /* malformed */
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"\"}"), -2);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"x\"}"), -2);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"30x\"}"), -2);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"s\"}"), -2);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\".\"}"), -2);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"1h 30m\"}"), -2);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"-5\"}"), -2);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"-5s\"}"), -2);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":-5}"), -2);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":1.5}"), -2);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":true}"), -2);
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"99999999999\"}"), -2); /* not int32, and no unit */
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"3000000000s\"}"), -2); /* past int32 seconds */
    CU_ASSERT_EQUAL(pause_secs("{\"duration\":\"9999999999h\"}"), -2); /* past Go's Duration */
    CU_ASSERT_EQUAL(pause_secs("\"30s\""), -2);                        /* pause not an object */
    cu_drop();
}

int main(void)
{
    static const cu_test tests[] = {
        {"worked examples (reference 2.4.1)", test_worked_examples},
        {"TestCalculateReplicaCountsForCanary: basic canary rows", test_argo_basic_table},
        {"TestCalculateReplicaCountsForCanary: trafficRouting rows", test_argo_routed_table},
        {"e2e TestCanarySetCanaryScale (4 replicas)", test_set_canary_scale_e2e},
        {"dynamicStableScale and the abort weight step-down", test_dynamic_stable_scale},
        {"TestApproximateWeightedNewStableReplicaCounts", test_approximate},
        {"no stable RS / stable == new / older RSs", test_no_stable_rs},
        {"setWeight walk-back and GetCurrentCanaryStep", test_weight_walk_back},
        {"maxTrafficWeight", test_max_traffic_weight},
        {"GetCanaryReplicasOrWeight", test_replicas_or_weight},
        {"UseSetCanaryScale", test_current_scale},
        {"maxSurge/maxUnavailable fenceposts, minPods, replicas for scale-down", test_fenceposts},
        {"AtDesiredReplicaCountsForCanary and replicaProgressThreshold", test_at_desired_counts},
        {"steps and pod template changes", test_steps_changed},
        {"CanaryStepString", test_step_text},
        {"RolloutPause.DurationSeconds", test_pause_duration},
        {NULL, NULL},
    };
    return cu_run("canary_math", tests);
}
