/* test_rollout_hash.c: pod-template and steps hashes, Rollout defaults, int-or-percent scaling. */
#include "cu.h"
#include "common/json.h"
#include "controller/rollout/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *J(const char *text)
{
    cJSON *o = cJSON_Parse(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    return o;
}

/* The hash of a template given as JSON text (collisionCount given as JSON text, or NULL). */
static void th(const char *tmpl, const char *cc, char out[16])
{
    cJSON *t = J(tmpl), *c = cc ? J(cc) : NULL;
    ro_pod_template_hash(t, c, out);
    cJSON_Delete(t);
    cJSON_Delete(c);
}

static void sh(const char *steps, char out[16])
{
    cJSON *s = J(steps);
    ro_steps_hash(s, out);
    cJSON_Delete(s);
}

static void assert_alphabet(const char *h)
{
    size_t n = strlen(h);
    CU_ASSERT(n >= 1 && n <= 10);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_PTR_NOT_NULL(strchr(RO_HASH_ALPHABET, h[i]));
}

#define TMPL                                                                                                 \
    "{\"metadata\":{\"labels\":{\"app\":\"demo\",\"tier\":\"web\"}},"                                       \
    "\"spec\":{\"containers\":[{\"name\":\"demo\",\"image\":\"nginx:1.25\",\"ports\":[{\"containerPort\":80}]}]}}"
#define TMPL_REORDERED                                                                                       \
    "{ \"spec\" : { \"containers\" : [ { \"ports\":[{\"containerPort\":80}], \"image\":\"nginx:1.25\",\n"   \
    "   \"name\":\"demo\" } ] },\n  \"metadata\": {\"creationTimestamp\": null,\n"                          \
    "  \"labels\": {\"tier\":\"web\", \"app\":\"demo\"}, \"annotations\": {} } }"

static void test_hash_stable_across_order_and_whitespace(void)
{
    char a[16], b[16], c[16];
    th(TMPL, NULL, a);
    th(TMPL_REORDERED, NULL, b);
    CU_ASSERT_STRING_EQUAL(a, b);
    /* and calling again gives the same */
    th(TMPL, NULL, c);
    CU_ASSERT_STRING_EQUAL(a, c);
    /* env: [] and a missing env are the same; so are 80 and 80.0 */
    th("{\"spec\":{\"containers\":[{\"name\":\"a\",\"env\":[],\"ports\":[{\"containerPort\":80.0}]}]}}", NULL, a);
    th("{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":80}]}]}}", NULL, b);
    CU_ASSERT_STRING_EQUAL(a, b);
    /* the input is not modified */
    cJSON *t = J(TMPL_REORDERED);
    char *before = cJSON_PrintUnformatted(t);
    ro_pod_template_hash(t, NULL, a);
    char *after = cJSON_PrintUnformatted(t);
    CU_ASSERT_STRING_EQUAL(before, after);
    free(before);
    free(after);
    cJSON_Delete(t);
}

static void test_hash_different_templates_differ(void)
{
    char a[16], b[16], c[16], d[16];
    th(TMPL, NULL, a);
    th("{\"metadata\":{\"labels\":{\"app\":\"demo\",\"tier\":\"web\"}},"
       "\"spec\":{\"containers\":[{\"name\":\"demo\",\"image\":\"nginx:1.26\",\"ports\":[{\"containerPort\":80}]}]}}",
       NULL, b);
    th("{\"metadata\":{\"labels\":{\"app\":\"demo\",\"tier\":\"api\"}},"
       "\"spec\":{\"containers\":[{\"name\":\"demo\",\"image\":\"nginx:1.25\",\"ports\":[{\"containerPort\":80}]}]}}",
       NULL, c);
    /* array order matters: two containers swapped */
    th("{\"spec\":{\"containers\":[{\"name\":\"x\"},{\"name\":\"y\"}]}}", NULL, d);
    CU_ASSERT_STRING_NOT_EQUAL(a, b);
    CU_ASSERT_STRING_NOT_EQUAL(a, c);
    CU_ASSERT_STRING_NOT_EQUAL(b, c);
    th("{\"spec\":{\"containers\":[{\"name\":\"y\"},{\"name\":\"x\"}]}}", NULL, a);
    CU_ASSERT_STRING_NOT_EQUAL(a, d);
    /* a string "80" is not the number 80 */
    th("{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":80}]}]}}", NULL, a);
    th("{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":\"80\"}]}]}}", NULL, b);
    CU_ASSERT_STRING_NOT_EQUAL(a, b);
}

static void test_hash_collision_count(void)
{
    char h0[16], none[16], c0[16], c1[16], c2[16], cs[16];
    th(TMPL, NULL, none);
    th(TMPL, "0", c0);
    th(TMPL, "1", c1);
    th(TMPL, "2", c2);
    CU_ASSERT_STRING_NOT_EQUAL(none, c0); /* a zero count still mixes in 8 bytes, like Argo */
    CU_ASSERT_STRING_NOT_EQUAL(c0, c1);
    CU_ASSERT_STRING_NOT_EQUAL(c1, c2);
    CU_ASSERT_STRING_NOT_EQUAL(none, c1);
    /* a non-number collisionCount is "none" */
    th(TMPL, "\"1\"", cs);
    CU_ASSERT_STRING_EQUAL(cs, none);
    th(TMPL, "null", h0);
    CU_ASSERT_STRING_EQUAL(h0, none);
}

/* Known values, computed independently (Python):
 *   A = "bcdfghjklmnpqrstvwxz2456789"
 *   def fnv(b, h=2166136261):
 *       for c in b: h = ((h ^ c) * 16777619) & 0xffffffff
 *       return h
 *   enc = lambda h: ''.join(A[ord(c) % 27] for c in str(h))
 * Canonical JSON is cJSON's unformatted print with sorted keys and (template) empties dropped.
 *   fnv(b'{}') = 1415952421                                    -> "5859f96865"
 *   fnv(b'{}', then bytes [1,0,0,0,0,0,0,0]) = 2048268452        -> "648d6bd896"
 *   fnv(b'{}', then 8 zero bytes) = 3614930885                   -> "7b58f74dd9"
 *   fnv(b'{"spec":{"containers":[{"image":"b","name":"a"}]}}') = 63343259 -> "b778769f"
 *   same, then bytes [2,1,0,0,0,0,0,0] (count 258) = 246040510   -> "68b484954"
 *   fnv(b'[{"setWeight":20},{"pause":{}}]') = 1020565917         -> "54649b9f5c"
 *   fnv(b'null') = 1996966820 -> "5ffbfbbd64";  fnv(b'[]') = 1947613349 -> "5f8cb5778f"
 * By hand for the digit map: '0' is 48, 48 % 27 = 21, A[21] = '5'; '9' is 57, 57 % 27 = 3, A[3] = 'f'. */
static void test_hash_known_values(void)
{
    char h[16];
    th("{}", NULL, h);
    CU_ASSERT_STRING_EQUAL(h, "5859f96865");
    /* creationTimestamp: null and an emptied metadata normalise to {} */
    th("{\"metadata\":{\"creationTimestamp\":null,\"labels\":{}}}", NULL, h);
    CU_ASSERT_STRING_EQUAL(h, "5859f96865");
    ro_pod_template_hash(NULL, NULL, h);
    CU_ASSERT_STRING_EQUAL(h, "5859f96865");
    th("{}", "1", h);
    CU_ASSERT_STRING_EQUAL(h, "648d6bd896");
    th("{}", "0", h);
    CU_ASSERT_STRING_EQUAL(h, "7b58f74dd9");
    th("{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"b\"}]}}", NULL, h);
    CU_ASSERT_STRING_EQUAL(h, "b778769f");
    th("{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"b\"}]}}", "258", h);
    CU_ASSERT_STRING_EQUAL(h, "68b484954");
}

static void test_hash_alphabet_only(void)
{
    char h[16], buf[256];
    for (int i = 0; i < 200; i++) {
        snprintf(buf, sizeof buf, "{\"spec\":{\"containers\":[{\"name\":\"c%d\",\"image\":\"img:%d\"}]}}", i, i * 7);
        th(buf, (i % 3) ? NULL : "3", h);
        assert_alphabet(h);
        snprintf(buf, sizeof buf, "[{\"setWeight\":%d},{\"pause\":{\"duration\":%d}}]", i % 101, i);
        sh(buf, h);
        assert_alphabet(h);
    }
}

static void test_steps_hash(void)
{
    char a[16], b[16], c[16];
    sh("[{\"setWeight\":20},{\"pause\":{}}]", a);
    CU_ASSERT_STRING_EQUAL(a, "54649b9f5c");
    /* whitespace, key order and nulls do not matter */
    sh("[ {\"setWeight\": 20, \"pause\": null},\n { \"pause\": { \"duration\": null } } ]", b);
    CU_ASSERT_STRING_EQUAL(a, b);
    sh("[{\"setWeight\":20},{\"pause\":{\"duration\":\"10s\"}}]", c);
    CU_ASSERT_STRING_NOT_EQUAL(a, c);
    /* empty objects are kept in steps: pause: {} and analysis: {} differ */
    sh("[{\"setWeight\":20},{\"analysis\":{}}]", c);
    CU_ASSERT_STRING_NOT_EQUAL(a, c);
    /* step order matters */
    sh("[{\"pause\":{}},{\"setWeight\":20}]", c);
    CU_ASSERT_STRING_NOT_EQUAL(a, c);
    /* no steps (nil) vs [] */
    ro_steps_hash(NULL, a);
    CU_ASSERT_STRING_EQUAL(a, "5ffbfbbd64");
    sh("[]", b);
    CU_ASSERT_STRING_EQUAL(b, "5f8cb5778f");
    /* the steps hash of the same JSON is not the template hash's scheme with empties dropped */
    sh("{}", a);
    CU_ASSERT_STRING_EQUAL(a, "5859f96865");
}

static int defaults_of(const char *json, ro_spec *s)
{
    cJSON *o = J(json);
    int rc = ro_defaults(o, s);
    cJSON_Delete(o);
    return rc;
}

static void test_defaults_empty(void)
{
    ro_spec s;
    CU_ASSERT_EQUAL(defaults_of("{}", &s), 0);
    CU_ASSERT_EQUAL(s.replicas, 1);
    CU_ASSERT_EQUAL(s.revision_history_limit, 10);
    CU_ASSERT_EQUAL(s.progress_deadline_seconds, 600);
    CU_ASSERT_FALSE(s.progress_deadline_abort);
    CU_ASSERT_EQUAL(s.min_ready_seconds, 0);
    CU_ASSERT_FALSE(s.paused);
    CU_ASSERT_EQUAL(s.strategy, RO_STRATEGY_NONE);
    CU_ASSERT_TRUE(s.max_surge.percent);
    CU_ASSERT_EQUAL(s.max_surge.value, 25);
    CU_ASSERT_TRUE(s.max_unavailable.percent);
    CU_ASSERT_EQUAL(s.max_unavailable.value, 25);
    CU_ASSERT_EQUAL(s.scale_down_delay_seconds, 0);
    CU_ASSERT_EQUAL(s.abort_scale_down_delay_seconds, 0);
    CU_ASSERT_EQUAL(s.scale_down_delay_revision_limit, -1);
    CU_ASSERT_TRUE(s.bg.auto_promotion_enabled);
    CU_ASSERT_EQUAL(s.bg.preview_replica_count, -1);
    CU_ASSERT_PTR_NULL(s.bg.active_service);
    CU_ASSERT_PTR_NULL(s.canary.stable_service);

    /* empty blueGreen: Argo's defaults */
    CU_ASSERT_EQUAL(defaults_of("{\"spec\":{\"replicas\":null,\"strategy\":{\"blueGreen\":{}}}}", &s), 0);
    CU_ASSERT_EQUAL(s.replicas, 1);
    CU_ASSERT_EQUAL(s.strategy, RO_STRATEGY_BLUEGREEN);
    CU_ASSERT_TRUE(s.bg.auto_promotion_enabled);
    CU_ASSERT_EQUAL(s.bg.auto_promotion_seconds, 0);
    CU_ASSERT_EQUAL(s.bg.preview_replica_count, -1);
    CU_ASSERT_EQUAL(s.scale_down_delay_seconds, 30);
    CU_ASSERT_EQUAL(s.scale_down_delay_revision_limit, -1);
    CU_ASSERT_EQUAL(s.abort_scale_down_delay_seconds, 30);
    CU_ASSERT_FALSE(s.abort_scale_down_delay_set);

    /* empty (basic) canary: no delays */
    CU_ASSERT_EQUAL(defaults_of("{\"spec\":{\"strategy\":{\"canary\":{}}}}", &s), 0);
    CU_ASSERT_EQUAL(s.strategy, RO_STRATEGY_CANARY);
    CU_ASSERT_EQUAL(s.scale_down_delay_seconds, 0);
    CU_ASSERT_EQUAL(s.abort_scale_down_delay_seconds, 0);
    CU_ASSERT_FALSE(s.canary.traffic_routing);
    CU_ASSERT_EQUAL(s.canary.steps, 0);
    CU_ASSERT_EQUAL(s.max_surge.value, 25);
    CU_ASSERT_TRUE(s.max_surge.percent);
    /* the default "25" is 25%: surge rounds up, unavailable down */
    int n;
    CU_ASSERT_EQUAL(ro_intstr_scaled(s.max_surge, 3, 1, &n), 0);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(ro_intstr_scaled(s.max_unavailable, 3, 0, &n), 0);
    CU_ASSERT_EQUAL(n, 0);

    /* traffic-routed canary: 30/30 */
    CU_ASSERT_EQUAL(defaults_of("{\"spec\":{\"strategy\":{\"canary\":{\"trafficRouting\":{\"nginx\":{}}}}}}", &s), 0);
    CU_ASSERT_TRUE(s.canary.traffic_routing);
    CU_ASSERT_EQUAL(s.scale_down_delay_seconds, 30);
    CU_ASSERT_EQUAL(s.abort_scale_down_delay_seconds, 30);
}

static void test_defaults_full(void)
{
    ro_spec s;
    cJSON *o = J("{\"metadata\":{\"name\":\"r\"},\"spec\":{\"replicas\":5,\"revisionHistoryLimit\":3,"
                 "\"progressDeadlineSeconds\":120,\"progressDeadlineAbort\":true,\"minReadySeconds\":7,\"paused\":true,"
                 "\"strategy\":{\"blueGreen\":{\"activeService\":\"act\",\"previewService\":\"prev\","
                 "\"autoPromotionEnabled\":false,\"autoPromotionSeconds\":40,\"previewReplicaCount\":2,"
                 "\"scaleDownDelaySeconds\":11,\"scaleDownDelayRevisionLimit\":2,\"abortScaleDownDelaySeconds\":0,"
                 "\"maxUnavailable\":1}}}}");
    CU_ASSERT_EQUAL_FATAL(ro_defaults(o, &s), 0);
    CU_ASSERT_EQUAL(s.replicas, 5);
    CU_ASSERT_EQUAL(s.revision_history_limit, 3);
    CU_ASSERT_EQUAL(s.progress_deadline_seconds, 120);
    CU_ASSERT_TRUE(s.progress_deadline_abort);
    CU_ASSERT_EQUAL(s.min_ready_seconds, 7);
    CU_ASSERT_TRUE(s.paused);
    CU_ASSERT_EQUAL(s.strategy, RO_STRATEGY_BLUEGREEN);
    CU_ASSERT_STRING_EQUAL(s.bg.active_service, "act");
    CU_ASSERT_STRING_EQUAL(s.bg.preview_service, "prev");
    CU_ASSERT_FALSE(s.bg.auto_promotion_enabled);
    CU_ASSERT_EQUAL(s.bg.auto_promotion_seconds, 40);
    CU_ASSERT_EQUAL(s.bg.preview_replica_count, 2);
    CU_ASSERT_EQUAL(s.scale_down_delay_seconds, 11);
    CU_ASSERT_EQUAL(s.scale_down_delay_revision_limit, 2);
    CU_ASSERT_EQUAL(s.abort_scale_down_delay_seconds, -1); /* explicit 0: never scale down */
    CU_ASSERT_TRUE(s.abort_scale_down_delay_set);
    CU_ASSERT_FALSE(s.max_unavailable.percent);
    CU_ASSERT_EQUAL(s.max_unavailable.value, 1);
    cJSON_Delete(o);

    o = J("{\"spec\":{\"replicas\":4,\"strategy\":{\"canary\":{\"canaryService\":\"c\",\"stableService\":\"s\","
          "\"maxSurge\":\"50%\",\"maxUnavailable\":0,\"scaleDownDelaySeconds\":5,\"abortScaleDownDelaySeconds\":9,"
          "\"dynamicStableScale\":true,\"trafficRouting\":{\"nginx\":{\"stableIngress\":\"i\"}},"
          "\"steps\":[{\"setWeight\":20},{\"pause\":{}}]}}}}");
    CU_ASSERT_EQUAL_FATAL(ro_defaults(o, &s), 0);
    CU_ASSERT_EQUAL(s.strategy, RO_STRATEGY_CANARY);
    CU_ASSERT_STRING_EQUAL(s.canary.canary_service, "c");
    CU_ASSERT_STRING_EQUAL(s.canary.stable_service, "s");
    CU_ASSERT_TRUE(s.max_surge.percent);
    CU_ASSERT_EQUAL(s.max_surge.value, 50);
    CU_ASSERT_FALSE(s.max_unavailable.percent);
    CU_ASSERT_EQUAL(s.max_unavailable.value, 0);
    CU_ASSERT_EQUAL(s.scale_down_delay_seconds, 5);
    CU_ASSERT_EQUAL(s.abort_scale_down_delay_seconds, 9);
    CU_ASSERT_TRUE(s.canary.dynamic_stable_scale);
    CU_ASSERT_TRUE(s.canary.traffic_routing);
    CU_ASSERT_EQUAL(s.canary.steps, 2);
    cJSON_Delete(o);

    /* basic canary ignores the delays (Argo scales the canary down at once on abort) */
    CU_ASSERT_EQUAL(defaults_of("{\"spec\":{\"strategy\":{\"canary\":{\"scaleDownDelaySeconds\":5,"
                                "\"abortScaleDownDelaySeconds\":9}}}}",
                                &s),
                    0);
    CU_ASSERT_EQUAL(s.scale_down_delay_seconds, 0);
    CU_ASSERT_EQUAL(s.abort_scale_down_delay_seconds, 0);
    CU_ASSERT_FALSE(s.abort_scale_down_delay_set);

    /* both strategies: blueGreen wins */
    CU_ASSERT_EQUAL(defaults_of("{\"spec\":{\"strategy\":{\"canary\":{},\"blueGreen\":{\"activeService\":\"a\"}}}}", &s),
                    0);
    CU_ASSERT_EQUAL(s.strategy, RO_STRATEGY_BLUEGREEN);
}

static void test_defaults_wrong_types(void)
{
    static const char *bad[] = {
        "[]",
        "{\"spec\":[]}",
        "{\"spec\":{\"replicas\":\"three\"}}",
        "{\"spec\":{\"replicas\":1.5}}",
        "{\"spec\":{\"replicas\":1e12}}",
        "{\"spec\":{\"progressDeadlineAbort\":\"yes\"}}",
        "{\"spec\":{\"paused\":1}}",
        "{\"spec\":{\"strategy\":\"canary\"}}",
        "{\"spec\":{\"strategy\":{\"blueGreen\":true}}}",
        "{\"spec\":{\"strategy\":{\"blueGreen\":{\"activeService\":5}}}}",
        "{\"spec\":{\"strategy\":{\"blueGreen\":{\"autoPromotionEnabled\":\"false\"}}}}",
        "{\"spec\":{\"strategy\":{\"blueGreen\":{\"maxUnavailable\":\"x%\"}}}}",
        "{\"spec\":{\"strategy\":{\"canary\":{\"steps\":{}}}}}",
        "{\"spec\":{\"strategy\":{\"canary\":{\"maxSurge\":\"lots\"}}}}",
        "{\"spec\":{\"strategy\":{\"canary\":{\"maxUnavailable\":true}}}}",
        "{\"spec\":{\"strategy\":{\"canary\":{\"trafficRouting\":[]}}}}",
        "{\"spec\":{\"strategy\":{\"canary\":{\"stableService\":{}}}}}",
        /* the unused strategy is type-checked too */
        "{\"spec\":{\"strategy\":{\"blueGreen\":{},\"canary\":{\"scaleDownDelaySeconds\":\"30\"}}}}",
        NULL,
    };
    for (int i = 0; bad[i]; i++) {
        ro_spec s;
        memset(&s, 0x5a, sizeof s);
        ro_spec before = s;
        int rc = defaults_of(bad[i], &s);
        if (rc != -1)
            fprintf(stderr, "accepted: %s\n", bad[i]);
        CU_ASSERT_EQUAL(rc, -1);
        CU_ASSERT_EQUAL(memcmp(&s, &before, sizeof s), 0); /* nothing written */
    }
    ro_spec s;
    CU_ASSERT_EQUAL(ro_defaults(NULL, &s), -1);
}

static int scaled(const char *json, int total, int up, int *out)
{
    cJSON *v = J(json);
    int rc = ro_scaled_value(v, total, up, out);
    cJSON_Delete(v);
    return rc;
}

static void test_scaled_value_table(void)
{
    static const struct {
        const char *v;
        int total, up, rc, want;
    } rows[] = {
        {"\"25%\"", 3, 1, 0, 1},   {"\"25%\"", 3, 0, 0, 0},   {"\"25%\"", 4, 1, 0, 1},    {"\"25%\"", 4, 0, 0, 1},
        {"\"25%\"", 10, 1, 0, 3},  {"\"25%\"", 10, 0, 0, 2},  {"\"0%\"", 7, 1, 0, 0},     {"\"0%\"", 7, 0, 0, 0},
        {"\"100%\"", 7, 1, 0, 7},  {"\"100%\"", 7, 0, 0, 7},  {"\"50%\"", 5, 1, 0, 3},    {"\"50%\"", 5, 0, 0, 2},
        {"\"1%\"", 1, 1, 0, 1},    {"\"1%\"", 1, 0, 0, 0},    {"\"200%\"", 3, 0, 0, 6},   {"\"25%\"", 0, 1, 0, 0},
        {"5", 3, 1, 0, 5},         {"5", 3, 0, 0, 5},         {"0", 3, 1, 0, 0},          {"-2", 3, 1, 0, -2},
        /* Argo's legacy parser: any string is a percentage, '%' removed wherever it is */
        {"\"25\"", 3, 1, 0, 1},    {"\"25\"", 3, 0, 0, 0},    {"\"+50%\"", 4, 0, 0, 2},   {"\"-10%\"", 10, 0, 0, -1},
        {"\"%25\"", 4, 0, 0, 1},
        /* malformed */
        {"\"x%\"", 3, 1, -1, 0},   {"\"%\"", 3, 1, -1, 0},    {"\"\"", 3, 1, -1, 0},      {"\" 5%\"", 3, 1, -1, 0},
        {"\"5.5%\"", 3, 1, -1, 0}, {"\"1e2%\"", 3, 1, -1, 0}, {"1.5", 3, 1, -1, 0},       {"true", 3, 1, -1, 0},
        {"null", 3, 1, -1, 0},     {"[]", 3, 1, -1, 0},       {"\"99999999999%\"", 3, 1, -1, 0},
        {"4294967296", 3, 1, -1, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int out = -777;
        int rc = scaled(rows[i].v, rows[i].total, rows[i].up, &out);
        if (rc != rows[i].rc || (rc == 0 && out != rows[i].want))
            fprintf(stderr, "row %zu: %s of %d up=%d: rc %d out %d\n", i, rows[i].v, rows[i].total, rows[i].up, rc, out);
        CU_ASSERT_EQUAL(rc, rows[i].rc);
        if (rc == 0) {
            CU_ASSERT_EQUAL(out, rows[i].want);
        } else {
            CU_ASSERT_EQUAL(out, -777); /* untouched */
        }
    }
    int out = -777;
    CU_ASSERT_EQUAL(ro_scaled_value(NULL, 3, 1, &out), -1);
    CU_ASSERT_EQUAL(out, -777);
    /* a percentage of a huge total that overflows int */
    ro_intstr big = {.percent = true, .value = 2000000000};
    CU_ASSERT_EQUAL(ro_intstr_scaled(big, 2000000000, 1, &out), -1);
}

int main(void)
{
    static const cu_test tests[] = {
        {"hash stable across key order and whitespace", test_hash_stable_across_order_and_whitespace},
        {"different templates differ", test_hash_different_templates_differ},
        {"collisionCount changes the hash", test_hash_collision_count},
        {"known hash values", test_hash_known_values},
        {"hash alphabet only", test_hash_alphabet_only},
        {"steps hash", test_steps_hash},
        {"defaults from empty specs", test_defaults_empty},
        {"defaults from full specs", test_defaults_full},
        {"defaults reject wrong types", test_defaults_wrong_types},
        {"int-or-percent scaling table", test_scaled_value_table},
        {NULL, NULL},
    };
    return cu_run("rollout_hash", tests);
}
