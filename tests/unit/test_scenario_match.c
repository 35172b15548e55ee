/* test_scenario_match.c: the scenario matching rules (scenarios/runner/match.h, SCENARIOS.md
 * "Matching"): partial maps, lists as distinct-element matching in any order, scalars without
 * coercion, null; the closeness score; the difference text; durations. */
#include "cu.h"
#include "common/buf.h"
#include "scenarios/runner/match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JSON text to cJSON; NULL text stands for an absent value. */
static cJSON *J(const char *text)
{
    if (!text)
        return NULL;
    cJSON *v = cJSON_Parse(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    return v;
}

typedef struct {
    const char *expected, *actual; /* JSON; actual NULL = absent */
    bool match;
} match_case;

/* Shared by the match test and the diff/score consistency test. */
static const match_case match_cases[] = {
    /* maps: partial, nested, missing keys */
    {"{\"a\":1}", "{\"a\":1,\"b\":2}", true},
    {"{}", "{\"a\":1}", true},
    {"{\"a\":1,\"b\":2}", "{\"a\":1}", false},
    {"{\"a\":{\"b\":{\"c\":\"x\"}}}", "{\"a\":{\"b\":{\"c\":\"x\",\"d\":1},\"e\":2}}", true},
    {"{\"a\":{\"b\":{\"c\":\"x\"}}}", "{\"a\":{\"b\":{\"c\":\"y\"}}}", false},
    {"{\"a\":{\"b\":{\"c\":\"x\"}}}", "{\"a\":{}}", false},
    {"{\"a\":{\"b\":1}}", "{\"a\":5}", false},
    {"{\"a\":{}}", "{}", false},
    {"{\"a\":{}}", "{\"a\":{\"z\":1}}", true},
    {"{\"A\":1}", "{\"a\":1}", false},
    {"{\"a\":1}", "[{\"a\":1}]", false},
    {"{\"a\":1}", NULL, false},
    /* lists: any order, subsets, distinct elements, the greedy trap */
    {"[1,2,3]", "[3,2,1]", true},
    {"[2]", "[1,2,3]", true},
    {"[]", "[1]", true},
    {"[]", "[]", true},
    {"[]", "{}", false},
    {"[1]", "1", false},
    {"[1]", "{\"0\":1}", false},
    {"{\"a\":[1]}", "{}", false},
    {"[1,1]", "[1]", false},
    {"[1]", "[1,1]", true},
    {"[1,1]", "[1,2,1]", true},
    {"[1,2]", "[2,3]", false},
    {"[{\"a\":1},{\"a\":1,\"b\":2}]", "[{\"a\":1,\"b\":2},{\"a\":1}]", true},
    {"[{\"a\":1},{\"b\":2}]", "[{\"a\":1,\"b\":2},{\"a\":1}]", true},
    {"[{\"a\":1},{\"a\":1}]", "[{\"a\":1,\"b\":2}]", false},
    {"[{\"a\":1},{\"a\":1},{\"b\":2}]", "[{\"a\":1,\"b\":2},{\"a\":1},{\"c\":3}]", false},
    {"[{\"a\":2}]", "[{\"a\":1}]", false},
    {"[[1,2]]", "[[2,1,3]]", true},
    {"[[1,2]]", "[[1],[2]]", false},
    /* scalars: no coercion between types; numbers as numbers */
    {"\"10\"", "10", false},
    {"10", "\"10\"", false},
    {"true", "\"true\"", false},
    {"\"true\"", "true", false},
    {"1", "1.0", true},
    {"2.5", "2.50", true},
    {"1", "true", false},
    {"0", "false", false},
    {"false", "false", true},
    {"true", "false", false},
    {"\"\"", "\"\"", true},
    {"\"a\"", "\"A\"", false},
    {"\"a\"", "null", false},
    {"1", NULL, false},
    /* null: absent or explicit null, nothing else */
    {"null", NULL, true},
    {"null", "null", true},
    {"null", "0", false},
    {"{\"a\":null}", "{}", true},
    {"{\"a\":null}", "{\"a\":null}", true},
    {"{\"a\":null}", "{\"a\":0}", false},
    {"{\"a\":null}", "{\"a\":\"\"}", false},
    {"{\"a\":null}", "{\"a\":{}}", false},
    {"{\"a\":null}", "{\"a\":false}", false},
    {"[null]", "[1,null]", true},
    {"[null]", "[1]", false},
    /* the SCENARIOS.md conditions example */
    {"{\"status\":{\"conditions\":[{\"type\":\"Paused\",\"status\":\"True\"}]}}",
     "{\"status\":{\"phase\":\"Paused\",\"conditions\":["
     "{\"type\":\"Progressing\",\"status\":\"True\",\"reason\":\"ReplicaSetUpdated\"},"
     "{\"type\":\"Paused\",\"status\":\"True\",\"reason\":\"BlueGreenPause\","
     "\"lastTransitionTime\":\"2024-01-01T00:00:00Z\"}]}}",
     true},
    {"{\"status\":{\"conditions\":[{\"type\":\"Paused\",\"status\":\"True\"}]}}",
     "{\"status\":{\"conditions\":[{\"type\":\"Paused\",\"status\":\"False\"},{\"type\":\"Available\",\"status\":"
     "\"True\"}]}}",
     false},
    {"{\"status\":{\"conditions\":[{\"type\":\"Paused\",\"status\":\"True\"}]}}", "{\"status\":{}}", false},
    /* the SCENARIOS.md assert and refute objects */
    {"{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\",\"metadata\":{\"name\":\"app-backend\"},"
     "\"status\":{\"phase\":\"Healthy\"}}",
     "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\",\"metadata\":{\"name\":\"app-backend\","
     "\"namespace\":\"ithome\",\"generation\":3},\"spec\":{\"replicas\":3},"
     "\"status\":{\"phase\":\"Healthy\",\"readyReplicas\":3}}",
     true},
    {"{\"metadata\":{\"name\":\"c\",\"annotations\":{\"nginx.ingress.kubernetes.io/canary-weight\":\"10\"}}}",
     "{\"metadata\":{\"name\":\"c\",\"annotations\":{\"nginx.ingress.kubernetes.io/canary\":\"true\","
     "\"nginx.ingress.kubernetes.io/canary-weight\":\"10\"}}}",
     true},
    {"{\"metadata\":{\"name\":\"c\",\"annotations\":{\"nginx.ingress.kubernetes.io/canary-weight\":\"10\"}}}",
     "{\"metadata\":{\"name\":\"c\",\"annotations\":{\"nginx.ingress.kubernetes.io/canary-weight\":10}}}",
     false},
};
#define N_MATCH_CASES (sizeof match_cases / sizeof match_cases[0])

static void test_match_table(void)
{
    for (size_t i = 0; i < N_MATCH_CASES; i++) {
        const match_case *c = &match_cases[i];
        cJSON *e = J(c->expected), *a = J(c->actual);
        bool got = sc_match(e, a);
        if (got != c->match)
            fprintf(stderr, "\n  case %zu: %s vs %s: expected %s\n", i, c->expected, c->actual ? c->actual : "(absent)",
                    c->match ? "match" : "no match");
        CU_ASSERT_EQUAL(got, c->match);
        cJSON_Delete(e);
        cJSON_Delete(a);
    }
}

static void test_match_nothing_expected(void)
{
    cJSON *a = J("{\"a\":1}");
    CU_ASSERT_TRUE(sc_match(NULL, a));
    CU_ASSERT_TRUE(sc_match(NULL, NULL));
    cJSON_Delete(a);
}

/* Larger lists where only one assignment works: expected element i matches actual elements i
 * and i+1 (mod n) except that the last expected element matches only actual 0, so every
 * first-fit choice from the front is wrong. */
static void test_match_needs_backtracking_at_size(void)
{
    enum { N = 12 };
    cJSON *e = cJSON_CreateArray(), *a = cJSON_CreateArray();
    for (int i = 0; i < N; i++) {
        char k[16];
        cJSON *el = cJSON_CreateObject();
        snprintf(k, sizeof k, "k%d", i);
        cJSON_AddNumberToObject(el, k, 1);
        cJSON_AddItemToArray(e, el);
    }
    /* actual j carries keys k(j) and k(j-1); actual 0 carries k0 and k(N-1). */
    for (int j = 0; j < N; j++) {
        char k1[16], k2[16];
        cJSON *el = cJSON_CreateObject();
        snprintf(k1, sizeof k1, "k%d", j);
        snprintf(k2, sizeof k2, "k%d", (j + N - 1) % N);
        cJSON_AddNumberToObject(el, k1, 1);
        cJSON_AddNumberToObject(el, k2, 1);
        cJSON_AddItemToArray(a, el);
    }
    CU_ASSERT_TRUE(sc_match(e, a));
    CU_ASSERT_EQUAL(sc_diff(e, a, NULL), 0);
    CU_ASSERT_EQUAL(sc_match_score(e, a), N);
    /* one more expected element than there are actual ones: no match, one line */
    cJSON_AddItemToArray(e, cJSON_CreateNumber(7));
    CU_ASSERT_FALSE(sc_match(e, a));
    CU_ASSERT_EQUAL(sc_diff(e, a, NULL), 1);
    cJSON_Delete(e);
    cJSON_Delete(a);
}

static int leaves(const cJSON *v)
{
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        int n = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, v) n += leaves(c);
        return n;
    }
    return 1;
}

/* sc_diff reports nothing exactly when sc_match holds, and a match scores every leaf. */
static void test_diff_and_score_agree_with_match(void)
{
    for (size_t i = 0; i < N_MATCH_CASES; i++) {
        const match_case *c = &match_cases[i];
        cJSON *e = J(c->expected), *a = J(c->actual);
        co_buf out = {0};
        int n = sc_diff(e, a, &out);
        CU_ASSERT_EQUAL(n == 0, c->match);
        CU_ASSERT_EQUAL(n == 0, out.len == 0);
        /* one line per counted mismatch */
        int lines = 0;
        for (size_t k = 0; k < out.len; k++)
            lines += out.data[k] == '\n';
        CU_ASSERT_EQUAL(lines, n);
        if (c->match)
            CU_ASSERT_EQUAL(sc_match_score(e, a), leaves(e));
        co_buf_free(&out);
        cJSON_Delete(e);
        cJSON_Delete(a);
    }
}

static void test_score_ordering(void)
{
    cJSON *e = J("{\"status\":{\"phase\":\"Healthy\",\"replicas\":3,"
                 "\"conditions\":[{\"type\":\"Paused\",\"status\":\"True\"}]}}");
    cJSON *full = J("{\"status\":{\"phase\":\"Healthy\",\"replicas\":3,\"readyReplicas\":3,"
                    "\"conditions\":[{\"type\":\"Available\",\"status\":\"True\"},"
                    "{\"type\":\"Paused\",\"status\":\"True\"}]}}");
    cJSON *phase = J("{\"status\":{\"phase\":\"Progressing\",\"replicas\":3,"
                     "\"conditions\":[{\"type\":\"Paused\",\"status\":\"True\"}]}}");
    cJSON *two = J("{\"status\":{\"phase\":\"Progressing\",\"replicas\":3,"
                   "\"conditions\":[{\"type\":\"Paused\",\"status\":\"False\"}]}}");
    cJSON *shape = J("{\"status\":{\"phase\":\"Progressing\",\"replicas\":\"3\",\"conditions\":{}}}");
    cJSON *empty = J("{}");
    CU_ASSERT_EQUAL(sc_match_score(e, full), 4);
    CU_ASSERT_EQUAL(sc_match_score(e, phase), 3);
    CU_ASSERT_EQUAL(sc_match_score(e, two), 2);
    CU_ASSERT_EQUAL(sc_match_score(e, shape), 0);
    CU_ASSERT_EQUAL(sc_match_score(e, empty), 0);
    CU_ASSERT_EQUAL(sc_match_score(e, NULL), 0);
    cJSON_Delete(e);
    cJSON_Delete(full);
    cJSON_Delete(phase);
    cJSON_Delete(two);
    cJSON_Delete(shape);
    cJSON_Delete(empty);

    struct {
        const char *e, *a;
        int score;
    } cases[] = {
        {"[{\"a\":1,\"b\":2},{\"a\":1}]", "[{\"a\":1},{\"a\":1,\"b\":2}]", 3},
        /* the best assignment, not the first fit: e0 takes a1 (2 leaves), e1 takes a0 */
        {"[{\"a\":1,\"b\":2},{\"a\":1,\"c\":3}]", "[{\"a\":1,\"c\":3},{\"a\":1,\"b\":2}]", 4},
        /* distinct elements: one actual element serves one expected element */
        {"[{\"a\":1},{\"a\":1}]", "[{\"a\":1}]", 1},
        {"[1,1]", "[1]", 1},
        {"[1,2]", "[1,2,3]", 2},
        {"[1,2]", "{\"x\":1}", 0},
        {"{\"a\":null,\"b\":null}", "{\"b\":1}", 1},
        {"{\"a\":\"10\"}", "{\"a\":10}", 0},
        {"{}", "{\"a\":1}", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *x = J(cases[i].e), *y = J(cases[i].a);
        int s = sc_match_score(x, y);
        if (s != cases[i].score)
            fprintf(stderr, "\n  score case %zu: got %d, want %d\n", i, s, cases[i].score);
        CU_ASSERT_EQUAL(s, cases[i].score);
        cJSON_Delete(x);
        cJSON_Delete(y);
    }
}

typedef struct {
    const char *expected, *actual;
    const char *text; /* the exact sc_diff output */
} diff_case;

static void test_diff_text(void)
{
    static const diff_case cases[] = {
        /* a Rollout status: wrong phase, and the Paused condition has the wrong status; the
         * Available condition matches although it sits at another index */
        {"{\"kind\":\"Rollout\",\"status\":{\"phase\":\"Healthy\",\"conditions\":["
         "{\"type\":\"Paused\",\"status\":\"True\"},{\"type\":\"Available\",\"status\":\"True\"}]}}",
         "{\"kind\":\"Rollout\",\"status\":{\"phase\":\"Paused\",\"conditions\":["
         "{\"type\":\"Available\",\"status\":\"True\",\"reason\":\"AvailableReason\"},"
         "{\"type\":\"Paused\",\"status\":\"False\",\"reason\":\"BlueGreenPause\"}]}}",
         "  status.phase: expected \"Healthy\", got \"Paused\"\n"
         "  status.conditions[type=Paused].status: expected \"True\", got \"False\"\n"},
        /* a condition type that is not there at all; another type with the same status is not
         * "close" (it would print type: expected Completed, got Available) */
        {"{\"status\":{\"conditions\":[{\"type\":\"Completed\",\"status\":\"True\"}]}}",
         "{\"status\":{\"conditions\":[{\"type\":\"Available\",\"status\":\"True\"}]}}",
         "  status.conditions: no element matches {\"type\":\"Completed\",\"status\":\"True\"}\n"},
        /* containers are named by name; the other container is ignored */
        {"{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"x:2\"}]}}}}",
         "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"y:1\"},"
         "{\"name\":\"app\",\"image\":\"x:1\",\"ports\":[]}]}}}}",
         "  spec.template.spec.containers[name=app].image: expected \"x:2\", got \"x:1\"\n"},
        /* elements without type or name are named by their expected index */
        {"{\"spec\":{\"ports\":[{\"port\":80,\"protocol\":\"TCP\"},{\"port\":443,\"protocol\":\"TCP\"}]}}",
         "{\"spec\":{\"ports\":[{\"port\":80,\"protocol\":\"TCP\"},{\"port\":443,\"protocol\":\"UDP\"}]}}",
         "  spec.ports[1].protocol: expected \"TCP\", got \"UDP\"\n"},
        {"{\"x\":[{\"a\":1},{\"b\":{\"c\":2,\"d\":1}}]}", "{\"x\":[{\"b\":{\"c\":3,\"d\":1}},{\"a\":1}]}",
         "  x[1].b.c: expected 2, got 3\n"},
        /* scalars in lists: nothing is "close" */
        {"{\"a\":[1,2]}", "{\"a\":[1,3]}", "  a: no element matches 2\n"},
        {"{\"a\":[1,1]}", "{\"a\":[1]}", "  a: no element matches 1\n"},
        {"{\"a\":[{\"k\":1}]}", "{\"a\":[{\"j\":1}]}", "  a: no element matches {\"k\":1}\n"},
        {"{\"a\":[1]}", "{\"a\":\"1\"}", "  a: expected [1], got \"1\"\n"},
        /* absent values, whole maps and single fields */
        {"{\"status\":{\"phase\":\"Healthy\"}}", "{}", "  status: expected {\"phase\":\"Healthy\"}, got nothing\n"},
        {"{\"status\":{\"phase\":\"Healthy\"}}", "{\"status\":{}}",
         "  status.phase: expected \"Healthy\", got nothing\n"},
        {"{\"status\":{\"phase\":\"Healthy\"}}", "{\"status\":null}",
         "  status: expected {\"phase\":\"Healthy\"}, got null\n"},
        /* null expected, type mismatches, a dotted annotation key */
        {"{\"metadata\":{\"annotations\":{\"x\":null}}}", "{\"metadata\":{\"annotations\":{\"x\":\"1\"}}}",
         "  metadata.annotations.x: expected null, got \"1\"\n"},
        {"{\"a\":\"10\",\"b\":true}", "{\"a\":10,\"b\":\"true\"}",
         "  a: expected \"10\", got 10\n  b: expected true, got \"true\"\n"},
        {"{\"metadata\":{\"annotations\":{\"nginx.ingress.kubernetes.io/canary-weight\":\"10\"}}}",
         "{\"metadata\":{\"annotations\":{\"nginx.ingress.kubernetes.io/canary-weight\":\"20\"}}}",
         "  metadata.annotations[\"nginx.ingress.kubernetes.io/canary-weight\"]: expected \"10\", got \"20\"\n"},
        /* the top level has no path */
        {"{\"a\":1}", NULL, "  expected {\"a\":1}, got nothing\n"},
        {"[{\"a\":1,\"b\":1}]", "[{\"a\":2,\"b\":1}]", "  [0].a: expected 1, got 2\n"},
        {"[{\"a\":1}]", "[{\"a\":2}]", "  no element matches {\"a\":1}\n"},
        /* matches print nothing, the greedy trap included */
        {"[{\"a\":1},{\"a\":1,\"b\":2}]", "[{\"a\":1,\"b\":2},{\"a\":1}]", ""},
        /* a full match is never broken up to place a near miss (e0 keeps a0, the only element
         * it matches), but the near miss is still shown against the closest element, a0 */
        {"{\"x\":[{\"a\":1},{\"a\":1,\"b\":2,\"c\":3}]}", "{\"x\":[{\"a\":1,\"b\":2,\"c\":4},{\"z\":0}]}",
         "  x[1].c: expected 3, got 4\n"},
        /* duplicates: the second 1 has no element of its own, and comparing it with the 1 that
         * matches would show nothing */
        {"{\"x\":[{\"type\":\"P\"},{\"type\":\"P\"}]}", "{\"x\":[{\"type\":\"P\",\"status\":\"True\"}]}",
         "  x: no element matches {\"type\":\"P\"}\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *e = J(cases[i].expected), *a = J(cases[i].actual);
        co_buf out = {0};
        co_buf_adds(&out, "");
        int n = sc_diff(e, a, &out);
        if (strcmp(out.data, cases[i].text))
            fprintf(stderr, "\n  diff case %zu:\n got: [%s]\nwant: [%s]\n", i, out.data, cases[i].text);
        CU_ASSERT_STRING_EQUAL(out.data, cases[i].text);
        int lines = 0;
        for (const char *p = cases[i].text; *p; p++)
            lines += *p == '\n';
        CU_ASSERT_EQUAL(n, lines);
        co_buf_free(&out);
        cJSON_Delete(e);
        cJSON_Delete(a);
    }
}

static void test_diff_appends_and_truncates(void)
{
    /* sc_diff appends to what the buffer already holds */
    cJSON *e = J("{\"a\":1}"), *a = J("{\"a\":2}");
    co_buf out = {0};
    co_buf_adds(&out, "step 3 assert failed:\n");
    CU_ASSERT_EQUAL(sc_diff(e, a, &out), 1);
    CU_ASSERT_STRING_EQUAL(out.data, "step 3 assert failed:\n  a: expected 1, got 2\n");
    co_buf_free(&out);
    cJSON_Delete(e);
    cJSON_Delete(a);

    /* a long value is cut to about 200 characters */
    char big[1001];
    memset(big, 'x', 1000);
    big[1000] = 0;
    e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "a", "short");
    a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "a", big);
    CU_ASSERT_EQUAL(sc_diff(e, a, &out), 1);
    const char *got = strstr(out.data, ", got ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    size_t shown = strlen(got + 6) - 1; /* without the newline */
    CU_ASSERT(shown <= 200 && shown >= 190);
    CU_ASSERT_EQUAL(strncmp(got + 6 + shown - 3, "...", 3), 0);
    CU_ASSERT_EQUAL(strncmp(out.data, "  a: expected \"short\", got \"xxx", 31), 0);
    co_buf_free(&out);
    cJSON_Delete(e);
    cJSON_Delete(a);

    /* the cut never splits a UTF-8 character */
    char wide[1200] = "";
    for (int i = 0; i < 300; i++)
        strcat(wide, "\xc3\xa9"); /* é */
    e = J("{\"a\":1}");
    a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "a", wide);
    sc_diff(e, a, &out);
    got = strstr(out.data, ", got \"");
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    const char *dots = strstr(got, "...");
    CU_ASSERT_PTR_NOT_NULL_FATAL(dots);
    CU_ASSERT_EQUAL((size_t)(dots - (got + 7)) % 2, 0); /* whole two-byte characters only */
    co_buf_free(&out);
    cJSON_Delete(e);
    cJSON_Delete(a);
}

typedef struct {
    const char *json;
    int ok;
    int64_t ms;
    const char *err; /* expected substring of the message */
} dur_case;

static void test_durations(void)
{
    static const dur_case cases[] = {
        {"30", 1, 30000, NULL},
        {"1.5", 1, 1500, NULL},
        {"0", 1, 0, NULL},
        {"0.25", 1, 250, NULL},
        {"\"30\"", 1, 30000, NULL},
        {"\"1.5\"", 1, 1500, NULL},
        {"\"0\"", 1, 0, NULL},
        {"\"30s\"", 1, 30000, NULL},
        {"\"0s\"", 1, 0, NULL},
        {"\"1m\"", 1, 60000, NULL},
        {"\"1h\"", 1, 3600000, NULL},
        {"\"500ms\"", 1, 500, NULL},
        {"\"1m30s\"", 1, 90000, NULL},
        {"\"1.5s\"", 1, 1500, NULL},
        {"\".5s\"", 1, 500, NULL},
        {"\"1h2m3.5s\"", 1, 3723500, NULL},
        {"\"2h45m\"", 1, 9900000, NULL},
        {"\"1s500ms\"", 1, 1500, NULL},
        {"\"1.5m\"", 1, 90000, NULL},
        {"\"0.1s\"", 1, 100, NULL},
        {"\"3x\"", 0, 0, "invalid duration \"3x\""},
        {"\"\"", 0, 0, "invalid duration \"\""},
        {"\"-5s\"", 0, 0, "invalid duration \"-5s\""},
        {"\"-5\"", 0, 0, "invalid duration \"-5\""},
        {"-1", 0, 0, "invalid duration -1"},
        {"-0.5", 0, 0, "invalid duration -0.5"},
        {"\"s\"", 0, 0, "invalid duration \"s\""},
        {"\"ms\"", 0, 0, "invalid duration \"ms\""},
        {"\"1m30\"", 0, 0, "invalid duration \"1m30\""},
        {"\"1.2.3s\"", 0, 0, "invalid duration \"1.2.3s\""},
        {"\"1e3s\"", 0, 0, "invalid duration \"1e3s\""},
        {"\"1e3\"", 0, 0, "invalid duration \"1e3\""},
        {"\"5 s\"", 0, 0, "invalid duration \"5 s\""},
        {"\" 5s\"", 0, 0, "invalid duration \" 5s\""},
        {"\"5s \"", 0, 0, "invalid duration \"5s \""},
        {"\"+5s\"", 0, 0, "invalid duration \"+5s\""},
        {"\"1us\"", 0, 0, "invalid duration \"1us\""},
        {"\"1d\"", 0, 0, "invalid duration \"1d\""},
        {"\"1h-5m\"", 0, 0, "invalid duration \"1h-5m\""},
        {"\"inf\"", 0, 0, "invalid duration \"inf\""},
        {"\"nan\"", 0, 0, "invalid duration \"nan\""},
        {"\"0x10s\"", 0, 0, "invalid duration \"0x10s\""},
        {"\".s\"", 0, 0, "invalid duration \".s\""},
        {"\"99999999999999999999h\"", 0, 0, "invalid duration \"99999999999999999999h\""},
        {"1e300", 0, 0, "invalid duration 1e+300"},
        {"true", 0, 0, "invalid duration true"},
        {"null", 0, 0, "invalid duration null"},
        {"{\"s\":1}", 0, 0, "invalid duration {\"s\":1}"},
        {"[30]", 0, 0, "invalid duration [30]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const dur_case *c = &cases[i];
        cJSON *v = J(c->json);
        int64_t ms = -42;
        char err[256] = "";
        int rc = sc_parse_duration(v, &ms, err, sizeof err);
        if ((rc == 0) != c->ok || (c->ok && ms != c->ms) || (!c->ok && !strstr(err, c->err)))
            fprintf(stderr, "\n  duration case %zu %s: rc %d ms %lld err [%s]\n", i, c->json, rc, (long long)ms, err);
        if (c->ok) {
            CU_ASSERT_EQUAL(rc, 0);
            CU_ASSERT_EQUAL(ms, c->ms);
        } else {
            CU_ASSERT_EQUAL(rc, -1);
            CU_ASSERT_EQUAL(ms, -42); /* untouched on error */
            CU_ASSERT_PTR_NOT_NULL(strstr(err, c->err));
        }
        cJSON_Delete(v);
    }
}

static void test_duration_edge_arguments(void)
{
    int64_t ms = -42;
    char err[64] = "";
    /* an absent value is an error too, and a tiny or missing message buffer is safe */
    CU_ASSERT_EQUAL(sc_parse_duration(NULL, &ms, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "invalid duration"));
    cJSON *v = J("\"3x\"");
    char tiny[8] = "";
    CU_ASSERT_EQUAL(sc_parse_duration(v, &ms, tiny, sizeof tiny), -1);
    CU_ASSERT_STRING_EQUAL(tiny, "invalid");
    CU_ASSERT_EQUAL(sc_parse_duration(v, &ms, NULL, 0), -1);
    CU_ASSERT_EQUAL(ms, -42);
    cJSON_Delete(v);
}

int main(void)
{
    static const cu_test tests[] = {
        {"match: maps, lists, scalars and null (table)", test_match_table},
        {"match: nothing expected matches anything", test_match_nothing_expected},
        {"match: a list only one assignment satisfies", test_match_needs_backtracking_at_size},
        {"diff and score agree with match", test_diff_and_score_agree_with_match},
        {"score orders near misses", test_score_ordering},
        {"diff text", test_diff_text},
        {"diff appends and truncates long values", test_diff_appends_and_truncates},
        {"durations (table)", test_durations},
        {"durations: missing value and small buffers", test_duration_edge_arguments},
        {NULL, NULL},
    };
    return cu_run("scenario_match", tests);
}
