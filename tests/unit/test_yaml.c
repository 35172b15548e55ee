/* test_yaml.c: tests for common/yaml (YAML <-> cJSON). */
#include "common/yaml.h"
#include "tests/unit/cu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse YAML and compare with the expected JSON (cJSON_Compare, case-sensitive keys). */
static int yaml_is_json(const char *yaml, const char *json, int all)
{
    char err[256] = "";
    cJSON *got = all ? yaml_parse_all(yaml, strlen(yaml), err, sizeof err)
                     : yaml_parse_one(yaml, strlen(yaml), err, sizeof err);
    cJSON *want = cJSON_Parse(json);
    int ok = got && want && cJSON_Compare(got, want, 1);
    if (!ok) {
        char *g = got ? cJSON_PrintUnformatted(got) : NULL;
        printf("\n  yaml: %s\n  got:  %s %s\n  want: %s\n", yaml, g ? g : "(null)", err, json);
        free(g);
    }
    cJSON_Delete(got);
    cJSON_Delete(want);
    return ok;
}

#define CHECK_ALL(y, j) CU_ASSERT(yaml_is_json((y), (j), 1))
#define CHECK_ONE(y, j) CU_ASSERT(yaml_is_json((y), (j), 0))

/* Expect a parse error whose message starts with `prefix` and contains `needle`. */
static int yaml_fails(const char *yaml, size_t len, const char *prefix, const char *needle)
{
    char err[512] = "";
    cJSON *got = yaml_parse_all(yaml, len, err, sizeof err);
    int ok = got == NULL && strncmp(err, prefix, strlen(prefix)) == 0 && (!needle || strstr(err, needle));
    if (!ok)
        printf("\n  expected error `%s...%s`, got `%s` (result %p)\n", prefix, needle ? needle : "", err, (void *)got);
    cJSON_Delete(got);
    return ok;
}

#define CHECK_FAIL(y, prefix, needle) CU_ASSERT(yaml_fails((y), strlen(y), (prefix), (needle)))

static void test_multi_document(void)
{
    CHECK_ALL("a: 1\n---\nb: 2\n", "[{\"a\":1},{\"b\":2}]");
    CHECK_ALL("---\na: 1\n---\n# only a comment\n---\nb: 2\n---\n", "[{\"a\":1},{\"b\":2}]");
    CHECK_ALL("# leading comment\n\n---\n\n---\n", "[]");
    CHECK_ALL("", "[]");
    CHECK_ALL("   \n\n", "[]");
    CHECK_ALL("--- x\n--- 2\n...\n--- [1]\n", "[\"x\",2,[1]]");
    CHECK_ALL("a: 1 # trailing comment\n#x\nb: 'c # not a comment'\n", "[{\"a\":1,\"b\":\"c # not a comment\"}]");
    CHECK_ALL("--- ~\n", "[null]"); /* an explicit null is a document, only blank ones are skipped */
    CHECK_ALL("--- ''\n", "[\"\"]");
    CHECK_ALL("%YAML 1.1\n---\na: b\n", "[{\"a\":\"b\"}]");
}

typedef struct {
    const char *in;   /* scalar as written after "v: " */
    const char *json; /* expected value */
} scalar_case;

static const scalar_case scalar_cases[] = {
    /* null */
    {"", "null"},
    {"~", "null"},
    {"null", "null"},
    {"Null", "null"},
    {"NULL", "null"},
    {"nULL", "\"nULL\""},
    /* bool */
    {"true", "true"},
    {"True", "true"},
    {"TRUE", "true"},
    {"false", "false"},
    {"False", "false"},
    {"FALSE", "false"},
    {"tRUE", "\"tRUE\""},
    {"yes", "\"yes\""}, /* YAML 1.2 core: not a bool (go-yaml v2 deviation, see yaml.c) */
    {"off", "\"off\""},
    /* integers */
    {"0", "0"},
    {"10", "10"},
    {"-10", "-10"},
    {"+10", "10"},
    {"1_000", "1000"},
    {"0x1F", "31"},
    {"0X1f", "31"},
    {"-0x10", "-16"},
    {"0o17", "15"},
    {"0644", "420"}, /* leading zero: octal, as go-yaml (file modes) */
    {"08", "8"},     /* not octal: falls back to float syntax */
    {"0b101", "5"},
    {"0x", "\"0x\""},
    {"0xG", "\"0xG\""},
    {"9223372036854775807", "9223372036854775807"},
    {"18446744073709551615", "18446744073709551615"},
    {"-9223372036854775808", "-9223372036854775808"},
    {"123456789012345678901234567890", "1.2345678901234568e+29"},
    {"0x1FFFFFFFFFFFFFFFF", "\"0x1FFFFFFFFFFFFFFFF\""},
    {"_1", "\"_1\""},
    /* floats */
    {"1.5", "1.5"},
    {"-1.5", "-1.5"},
    {".5", "0.5"},
    {"1.", "1"},
    {"1e3", "1000"},
    {"1.5E-3", "0.0015"},
    {"+12.5e+1", "125"},
    {"1e400", "\"1e400\""}, /* out of range */
    {".inf", "\".inf\""},   /* cJSON cannot hold Inf/NaN: kept as strings */
    {"-.inf", "\"-.inf\""},
    {".nan", "\".nan\""},
    {".", "\".\""},
    {"1.2.3", "\"1.2.3\""},
    {"1e", "\"1e\""},
    /* strings */
    {"hello world", "\"hello world\""},
    {"10.0.0.1", "\"10.0.0.1\""},
    {"2020-01-01", "\"2020-01-01\""},
    {"1:20", "\"1:20\""},
    {"v1.2", "\"v1.2\""},
    {"a:b", "\"a:b\""},
    {"http://x/y?a=b#c", "\"http://x/y?a=b#c\""},
    {"caf\xc3\xa9 \xe2\x9c\x93", "\"caf\xc3\xa9 \xe2\x9c\x93\""},
    /* quoted scalars are always strings */
    {"\"10\"", "\"10\""},
    {"'10'", "\"10\""},
    {"\"true\"", "\"true\""},
    {"'null'", "\"null\""},
    {"''", "\"\""},
    {"\"\"", "\"\""},
    {"'it''s'", "\"it's\""},
    {"\"tab\\there\\u00e9\\n\"", "\"tab\\there\\u00e9\\n\""},
    {"\"x\\/y\"", "\"x/y\""},
    /* tags */
    {"!!str 10", "\"10\""},
    {"!!str true", "\"true\""},
    {"!!str", "\"\""},
    {"!!int \"10\"", "10"},
    {"!!int 0x10", "16"},
    {"!!float 1", "1"},
    {"!!float '2.5'", "2.5"},
    {"!!float .inf", "\".inf\""},
    {"!!bool \"true\"", "true"},
    {"!!bool yes", "true"},
    {"!!bool off", "false"},
    {"!!null ''", "null"},
    {"!!null ~", "null"},
    {"!!binary aGk=", "\"aGk=\""},
    {"!!timestamp 2020-01-01", "\"2020-01-01\""},
    {"! 10", "\"10\""},
    {"!custom 10", "\"10\""},
    {"!<tag:yaml.org,2002:int> 7", "7"},
};

static void test_scalars(void)
{
    for (size_t i = 0; i < sizeof scalar_cases / sizeof scalar_cases[0]; i++) {
        char yaml[256], json[256];
        snprintf(yaml, sizeof yaml, "v: %s\n", scalar_cases[i].in);
        snprintf(json, sizeof json, "{\"v\":%s}", scalar_cases[i].json);
        CHECK_ONE(yaml, json);
    }
    /* the same scalars in flow context */
    CHECK_ONE("[10, '10', \"10\", true, ~, 0x1F, a b, '']", "[10,\"10\",\"10\",true,null,31,\"a b\",\"\"]");
    /* root scalars */
    CHECK_ONE("42", "42");
    CHECK_ONE("\"42\"", "\"42\"");
    CHECK_ONE("hello", "\"hello\"");
}

static void test_keys(void)
{
    /* scalar keys become strings the way sigs.k8s.io/yaml converts them */
    CHECK_ONE("1: a\ntrue: b\n0x10: c\n1.5: e\nx y: f\n'~': g\n",
              "{\"1\":\"a\",\"true\":\"b\",\"16\":\"c\",\"1.5\":\"e\",\"x y\":\"f\",\"~\":\"g\"}");
    CHECK_ONE("? complex\n: value\n", "{\"complex\":\"value\"}");
    CHECK_ONE("{a: 1, b: {c: [d, {e: f}]}}", "{\"a\":1,\"b\":{\"c\":[\"d\",{\"e\":\"f\"}]}}");
    CHECK_FAIL("a: 1\nb: 2\na: 3\n", "line 3, column 1: ", "key \"a\" already set in map");
    CHECK_FAIL("1: a\n\"1\": b\n", "line 2, column 1: ", "already set in map");
    CHECK_FAIL("? [a, b]\n: c\n", "line 1, column 3: ", "invalid map key");
    CHECK_FAIL("{a: 1}: x\n", "line 1, column 1: ", "invalid map key");
    CHECK_FAIL("~: x\n", "line 1, column 1: ", "invalid map key: null");
    /* many keys: duplicate detection stays correct past the hash-set growth */
    char big[20000];
    size_t o = 0;
    for (int i = 0; i < 1000; i++)
        o += (size_t)snprintf(big + o, sizeof big - o, "k%d: %d\n", i, i);
    char err[128];
    cJSON *d = yaml_parse_one(big, o, err, sizeof err);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(d), 1000);
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(d, "k777")->valueint, 777);
    cJSON_Delete(d);
    snprintf(big + o, sizeof big - o, "k500: dup\n");
    CU_ASSERT(yaml_fails(big, strlen(big), "line 1001, column 1: ", "key \"k500\" already set"));
}

static void test_block_scalars(void)
{
    CHECK_ONE("a: |\n  line1\n  line2\n", "{\"a\":\"line1\\nline2\\n\"}");
    CHECK_ONE("a: |-\n  line1\n  line2\n", "{\"a\":\"line1\\nline2\"}");
    CHECK_ONE("a: |+\n  line1\n\n\nb: x\n", "{\"a\":\"line1\\n\\n\\n\",\"b\":\"x\"}");
    CHECK_ONE("a: >\n  folded\n  text\n\n  para\n", "{\"a\":\"folded text\\npara\\n\"}");
    CHECK_ONE("a: >-\n  10\n", "{\"a\":\"10\"}");
    CHECK_ONE("a: |\n  true\n", "{\"a\":\"true\\n\"}");
    CHECK_ONE("a: |2\n    indented\n  less\n", "{\"a\":\"  indented\\nless\\n\"}");
    CHECK_ONE("a: |\n  #!/bin/sh\n  echo \"hi\" # x\n", "{\"a\":\"#!/bin/sh\\necho \\\"hi\\\" # x\\n\"}");
    CHECK_ONE("a: plain\n  continued\n  lines\n", "{\"a\":\"plain continued lines\"}");
}

static void test_anchors_aliases_merge(void)
{
    CHECK_ONE("a: &x 10\nb: *x\nc: &l [1, 2]\nd: *l\n", "{\"a\":10,\"b\":10,\"c\":[1,2],\"d\":[1,2]}");
    CHECK_ONE("a: &x {k: v}\nb: *x\n", "{\"a\":{\"k\":\"v\"},\"b\":{\"k\":\"v\"}}");
    /* redefinition: later anchor wins from there on */
    CHECK_ONE("- &a 1\n- *a\n- &a 2\n- *a\n", "[1,1,2,2]");
    /* quoted anchored string stays a string through the alias */
    CHECK_ONE("a: &s '10'\nb: *s\n", "{\"a\":\"10\",\"b\":\"10\"}");
    /* an anchored key */
    CHECK_ONE("&k name: 1\nother: *k\n", "{\"name\":1,\"other\":\"name\"}");
    /* merge keys: explicit keys win regardless of position, earlier merged maps win */
    CHECK_ONE("base: &b {x: 1, y: 2}\nd:\n  y: 3\n  <<: *b\n",
              "{\"base\":{\"x\":1,\"y\":2},\"d\":{\"y\":3,\"x\":1}}");
    CHECK_ONE("p: &p {a: 1, b: 1}\nq: &q {b: 2, c: 2}\nr:\n  <<: [*p, *q]\n  c: 3\n",
              "{\"p\":{\"a\":1,\"b\":1},\"q\":{\"b\":2,\"c\":2},\"r\":{\"a\":1,\"b\":1,\"c\":3}}");
    CHECK_ONE("r:\n  <<: {a: 1}\n  b: 2\n", "{\"r\":{\"b\":2,\"a\":1}}");
    /* nested merge: merged map itself built with a merge */
    CHECK_ONE("a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3}\n",
              "{\"a\":{\"x\":1},\"b\":{\"x\":1,\"y\":2},\"c\":{\"z\":3,\"x\":1,\"y\":2}}");
    /* anchor inside a merge source remains usable */
    CHECK_ONE("r:\n  <<: {a: &in 5}\nq: *in\n", "{\"r\":{\"a\":5},\"q\":5}");
    /* a quoted "<<" is an ordinary key */
    CHECK_ONE("'<<': x\n", "{\"<<\":\"x\"}");
    /* Kubernetes-style usage */
    CHECK_ALL("x-labels: &labels\n  app: web\n  tier: fe\n---\nmetadata:\n  labels: {a: 1}\n",
              "[{\"x-labels\":{\"app\":\"web\",\"tier\":\"fe\"}},{\"metadata\":{\"labels\":{\"a\":1}}}]");
    /* errors */
    CHECK_FAIL("a: *nope\n", "line 1, column 4: ", "unknown anchor 'nope' referenced");
    CHECK_FAIL("a: &x 1\n---\nb: *x\n", "line 3, column 4: ", "unknown anchor 'x'"); /* per document */
    CHECK_FAIL("a: &r [1, *r]\n", "line 1, column 11: ", "anchor 'r' value contains itself");
    CHECK_FAIL("a:\n  <<: 5\n", "line 2, column 7: ", "map merge requires map or sequence of maps");
    CHECK_FAIL("a:\n  <<: [{a: 1}, 2]\n", "line 2, column 7: ", "map merge requires");
}

static void test_alias_bomb(void)
{
    const char *bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
                       "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                       "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                       "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                       "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
                       "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                       "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
                       "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
                       "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    CHECK_FAIL(bomb, "line ", "alias bomb");
    /* merge keys are charged too */
    size_t cap = 32768;
    char *mb = malloc(cap);
    size_t o = (size_t)snprintf(mb, cap, "a: &a {");
    for (int i = 0; i < 200; i++)
        o += (size_t)snprintf(mb + o, cap - o, "k%d: [1,2,3,4,5,6,7,8,9,10],", i);
    o += (size_t)snprintf(mb + o, cap - o, "z: 0}\nl:\n");
    for (int i = 0; i < 600; i++) /* 600 merges of ~2400 nodes each */
        o += (size_t)snprintf(mb + o, cap - o, "- {<<: *a}\n");
    CU_ASSERT(o < cap);
    CU_ASSERT(yaml_fails(mb, o, "line ", "alias bomb"));
    free(mb);
    /* a modest, legitimate amount of aliasing is fine */
    CHECK_ONE("a: &a [1,2,3]\nb: [*a,*a,*a]\n", "{\"a\":[1,2,3],\"b\":[[1,2,3],[1,2,3],[1,2,3]]}");
}

static char *repeat(const char *open, int n, const char *mid, const char *close)
{
    size_t lo = strlen(open), lc = strlen(close), lm = strlen(mid);
    char *s = malloc((lo + lc) * (size_t)n + lm + 1);
    size_t o = 0;
    for (int i = 0; i < n; i++, o += lo)
        memcpy(s + o, open, lo);
    memcpy(s + o, mid, lm);
    o += lm;
    for (int i = 0; i < n; i++, o += lc)
        memcpy(s + o, close, lc);
    s[o] = '\0';
    return s;
}

static void test_deep_nesting(void)
{
    char err[256];
    char *ok = repeat("[", YAML_MAX_DEPTH, "1", "]");
    cJSON *d = yaml_parse_one(ok, strlen(ok), err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL(d);
    char *y = d ? yaml_emit(d) : NULL; /* the emitter handles the maximum depth too */
    CU_ASSERT_PTR_NOT_NULL(y);
    if (y) {
        cJSON *back = yaml_parse_one(y, strlen(y), err, sizeof err);
        CU_ASSERT(back && cJSON_Compare(back, d, 1));
        cJSON_Delete(back);
    }
    free(y);
    cJSON_Delete(d);
    free(ok);

    char *deep = repeat("[", YAML_MAX_DEPTH + 1, "1", "]");
    CU_ASSERT(yaml_fails(deep, strlen(deep), "line 1, column 1001: ", "exceeded max depth of 1000"));
    free(deep);
    char *huge = repeat("{a: ", 200000, "1", "}"); /* far beyond: still a clean error */
    CU_ASSERT(yaml_fails(huge, strlen(huge), "line 1, column ", "exceeded max depth"));
    free(huge);
    char *block = repeat("- ", 5000, "x", "");
    CU_ASSERT(yaml_fails(block, strlen(block), "line 1, column ", "exceeded max depth"));
    free(block);
    /* aliases cannot be used to build something deeper than the limit */
    char *half = repeat("[", 600, "1", "]");
    char *inner = repeat("[", 400, "*a", "]"); /* 400 + 600 levels from the alias > 1000 */
    size_t n = strlen(half) + strlen(inner) + 64;
    char *two = malloc(n);
    snprintf(two, n, "a: &a %s\nb: [[[[[[[[[[*a]]]]]]]]]]\nc: %s\n", half, inner);
    CU_ASSERT(yaml_fails(two, strlen(two), "line 3, column 404: ", "exceeded max depth"));
    free(two);
    free(inner);
    free(half);
}

static void test_json_input(void)
{
    CHECK_ONE("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},"
              "\"data\":{\"n\":\"10\",\"b\":\"true\",\"e\":\"\",\"u\":\"\\u00e9\\n\",\"s\":\"a\\/b\"}}",
              "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},"
              "\"data\":{\"n\":\"10\",\"b\":\"true\",\"e\":\"\",\"u\":\"\\u00e9\\n\",\"s\":\"a/b\"}}");
    CHECK_ONE("{\n\t\"a\": [1, 2.5, -3e2, true, false, null],\n\t\"b\": {}\n}\n",
              "{\"a\":[1,2.5,-300,true,false,null],\"b\":{}}");
    CHECK_ONE("[]", "[]");
    CHECK_ONE("\"just a string\"", "\"just a string\"");
    CHECK_ALL("{\"a\":1}\n---\n{\"b\":2}\n", "[{\"a\":1},{\"b\":2}]");
}

static void test_errors(void)
{
    /* bad indentation */
    CHECK_FAIL("a:\n  b: 1\n c: 2\n", "line 3, column 2: ", "did not find expected key");
    CHECK_FAIL("a: 1\n  b: 2\n", "line 2, column 4: ", "mapping values are not allowed");
    /* unclosed quotes / brackets */
    CHECK_FAIL("a: \"unclosed\nb: 2\n", "line 3, column 1: ", "found unexpected end of stream");
    CHECK_FAIL("a: \"unclosed\n", "line 2, column 1: ", "while scanning a quoted scalar at line 1, column 4");
    CHECK_FAIL("a: 'x\n", "line 2, column 1: ", "found unexpected end of stream");
    CHECK_FAIL("a: [1, 2\n", "line 2, column 1: ", NULL);
    CHECK_FAIL("a: {b: 1\n", "line 2, column 1: ", NULL);
    /* misc syntax */
    CHECK_FAIL("- a\nb: c\n", "line 2, column 1: ", NULL);
    CHECK_FAIL("a: b: c\n", "line 1, column 5: ", "mapping values are not allowed");
    CHECK_FAIL("\ta: 1\n", "line 1, column 1: ", "found character that cannot start any token");
    CHECK_FAIL("a: @x\n", "line 1, column 4: ", NULL);
    /* tags that do not fit */
    CHECK_FAIL("a: !!int abc\n", "line 1, column 4: ", "cannot decode !!str `abc` as a !!int");
    CHECK_FAIL("a: !!int 1.5\n", "line 1, column 4: ", "cannot decode !!float `1.5` as a !!int");
    CHECK_FAIL("a: !!bool 1\n", "line 1, column 4: ", "cannot decode !!int `1` as a !!bool");
    CHECK_FAIL("a: !!null x\n", "line 1, column 4: ", "as a !!null");
    CHECK_FAIL("a: !!float x\n", "line 1, column 4: ", "as a !!float");
    /* bytes libyaml refuses */
    CHECK_FAIL("a: \xff\n", "line 1, column 4: ", "invalid leading UTF-8 octet");
    CHECK_FAIL("a: b\nc: \xc3\n", "line 2, column 5: ", "invalid trailing UTF-8 octet");
    CHECK_FAIL("a: \xc3", "line 1, column 4: ", "incomplete UTF-8 octet sequence");
    CHECK_FAIL("a: \x01\n", "line 1, column 4: ", "control characters are not allowed");
    CU_ASSERT(yaml_fails("a: b\0c\n", 7, "line 1, column 5: ", "control characters"));
    /* errors after a good document: nothing is returned */
    CHECK_FAIL("a: 1\n---\nb: [\n", "line 4, column 1: ", NULL);
    /* parse_one */
    char err[128];
    CU_ASSERT_PTR_NULL(yaml_parse_one("# nothing\n", 10, err, sizeof err));
    CU_ASSERT_STRING_EQUAL(err, "empty document");
    CU_ASSERT_PTR_NULL(yaml_parse_one("", 0, err, sizeof err));
    CU_ASSERT_STRING_EQUAL(err, "empty document");
    CU_ASSERT_PTR_NULL(yaml_parse_one("a: 1\n---\nb: 2\n", 14, err, sizeof err));
    CU_ASSERT_STRING_EQUAL(err, "expected a single document, found 2");
    CU_ASSERT_PTR_NULL(yaml_parse_one("a: [", 4, NULL, 0)); /* no error buffer is fine */
    cJSON *d = yaml_parse_all(NULL, 0, err, sizeof err);
    CU_ASSERT(d && cJSON_GetArraySize(d) == 0);
    cJSON_Delete(d);
    /* input is bounded by len, not by a NUL */
    d = yaml_parse_one("a: 1\nb: 2\n", 5, err, sizeof err);
    CU_ASSERT(d && cJSON_GetArraySize(d) == 1);
    cJSON_Delete(d);
}

/* ---- emission ---------------------------------------------------------------------------- */

static const char *deployment_json =
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
    "\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"labels\":{\"app\":\"web\",\"version\":\"10\","
    "\"enabled\":\"true\",\"empty\":\"\",\"on\":\"yes\"},"
    "\"annotations\":{\"note\":\"a: b\",\"dash\":\"- x\",\"hash\":\"#c\",\"multi\":\"line1\\nline2\\n\","
    "\"multi-nonl\":\"x\\ny\",\"lead\":\"  two spaces\",\"trail\":\"trail \",\"null\":\"null\",\"tilde\":\"~\","
    "\"float\":\"1.5\",\"hex\":\"0x1F\",\"octal\":\"0644\",\"date\":\"2024-01-02\",\"sexa\":\"1:30\",\"inf\":\".inf\","
    "\"merge\":\"<<\",\"quote\":\"it's \\\"q\\\"\",\"backslash\":\"C:\\\\path\",\"tab\":\"a\\tb\",\"cr\":\"a\\r\\nb\","
    "\"unicode\":\"caf\\u00e9 \\u2713\",\"star\":\"*ref\",\"amp\":\"&anchor\",\"bang\":\"!tag\",\"pct\":\"%x\","
    "\"brace\":\"{a}\",\"bracket\":\"[a]\",\"comma\":\"a, b\",\"colon-end\":\"x:\",\"q\":\"?\",\"pipe\":\"|\","
    "\"gt\":\">\",\"at\":\"@x\",\"tick\":\"`x\",\"docstart\":\"---\",\"docend\":\"...\",\"lead-nl\":\"\\nx\","
    "\"only-nl\":\"\\n\",\"nls\":\"a\\n\\n\\n\",\"space-nl\":\"a \\nb\",\"indented-block\":\"  x\\ny\\n\","
    "\"json\":\"{\\\"k\\\": [1, 2]}\",\"long\":\"" 
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"}},"
    "\"spec\":{\"replicas\":3,\"paused\":false,\"progressDeadlineSeconds\":600,\"ratio\":0.25,\"big\":1e+300,"
    "\"neg\":-7,\"small\":1.5e-7,\"nothing\":null,"
    "\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
    "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"web\","
    "\"image\":\"nginx:1.25\",\"args\":[\"--port\",\"8080\",\"true\",\"\",\"-\",\"- x\"],"
    "\"ports\":[{\"containerPort\":8080,\"protocol\":\"TCP\"}],"
    "\"env\":[{\"name\":\"A\",\"value\":\"10\"},{\"name\":\"B\",\"value\":\"off\"},{\"name\":\"C\"}],"
    "\"resources\":{},\"volumeMounts\":[]}],\"volumes\":[{\"name\":\"v\",\"configMap\":{\"name\":\"c\","
    "\"defaultMode\":420}}]}}},"
    "\"status\":{\"conditions\":[[1,[2,[]]],{}]},"
    "\"weird keys\":{\"10\":1,\"true\":2,\"\":3,\"a: b\":4,\"- k\":5,\"multi\\nline\":6,\"y\":7,\"<<\":8}}";

static void test_emit_round_trip(void)
{
    cJSON *orig = cJSON_Parse(deployment_json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(orig);
    char *y = yaml_emit(orig);
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    char err[256] = "";
    cJSON *back = yaml_parse_one(y, strlen(y), err, sizeof err);
    int same = back && cJSON_Compare(orig, back, 1);
    if (!same) {
        char *b = back ? cJSON_Print(back) : NULL;
        printf("\n--- emitted ---\n%s\n--- reparsed (%s) ---\n%s\n", y, err, b ? b : "(null)");
        free(b);
    }
    CU_ASSERT(same);
    /* emission is stable: emit(parse(emit(x))) == emit(x) */
    char *y2 = back ? yaml_emit(back) : NULL;
    CU_ASSERT(y2 && strcmp(y, y2) == 0);
    free(y2);
    cJSON_Delete(back);
    free(y);
    cJSON_Delete(orig);
}

static void test_emit_style(void)
{
    cJSON *o = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"labels\":"
                           "{\"v\":\"10\",\"e\":\"\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"args\":"
                           "[\"true\",\"a: b\"],\"ports\":[{\"containerPort\":80}]}],\"volumes\":[],"
                           "\"script\":\"echo 1\\necho 2\\n\",\"tolerations\":[{}]}}");
    char *y = yaml_emit(o);
    const char *want = "apiVersion: v1\n"
                       "kind: Pod\n"
                       "metadata:\n"
                       "  name: p\n"
                       "  labels:\n"
                       "    v: \"10\"\n"
                       "    e: \"\"\n"
                       "spec:\n"
                       "  containers:\n"
                       "  - name: c\n"
                       "    args:\n"
                       "    - \"true\"\n"
                       "    - 'a: b'\n"
                       "    ports:\n"
                       "    - containerPort: 80\n"
                       "  volumes: []\n"
                       "  script: |\n"
                       "    echo 1\n"
                       "    echo 2\n"
                       "  tolerations:\n"
                       "  - {}\n";
    if (!y || strcmp(y, want) != 0)
        printf("\n--- got ---\n%s--- want ---\n%s", y ? y : "(null)", want);
    CU_ASSERT(y && strcmp(y, want) == 0);
    free(y);
    cJSON_Delete(o);

    /* scalars and empty containers at the root */
    static const struct {
        const char *json, *yaml;
    } roots[] = {
        {"{}", "{}\n"}, {"[]", "[]\n"}, {"null", "null\n"}, {"\"10\"", "\"10\"\n"}, {"3.5", "3.5\n"},
    };
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        cJSON *j = cJSON_Parse(roots[i].json);
        char *t = yaml_emit(j);
        CU_ASSERT(t && strncmp(t, roots[i].yaml, strlen(roots[i].yaml)) == 0);
        free(t);
        cJSON_Delete(j);
    }
    /* NULL and invalid UTF-8 are survivable; too deep is refused */
    char *t = yaml_emit(NULL);
    CU_ASSERT(t && strncmp(t, "null", 4) == 0);
    free(t);
    cJSON *bad = cJSON_CreateString("ok\xff\xfe" "end");
    t = yaml_emit(bad);
    CU_ASSERT(t && strstr(t, "ok\xEF\xBF\xBD\xEF\xBF\xBD" "end"));
    free(t);
    cJSON_Delete(bad);
    cJSON *deep = cJSON_CreateArray(), *cur = deep;
    for (int i = 0; i < YAML_MAX_DEPTH; i++) {
        cJSON *n = cJSON_CreateArray();
        cJSON_AddItemToArray(cur, n);
        cur = n;
    }
    CU_ASSERT_PTR_NULL(yaml_emit(deep));
    cJSON_Delete(deep);
}

/* Strings built from an alphabet of YAML-significant characters must all survive emit+parse. */
static void test_emit_random_strings(void)
{
    static const char *const atoms[] = {"a", "1", "0", " ", "  ", ":", ": ", "-", "- ", "#", " #", "'", "\"",
                                        "\\", "\n", "\r", "\t", "{", "}", "[", "]", ",", "?", "|", ">", "*",
                                        "&", "!", "%", "@", "`", "~", "true", "null", "yes", ".", "e", "x",
                                        "\xc3\xa9", "\xe2\x80\xa8", "\xc2\x85", "---", "...", "<<", "0x", "_",
                                        "+", "=", "\xef\xbb\xbf", "\x7f"};
    unsigned seed = 4242;
    int failures = 0;
    for (int iter = 0; iter < 3000; iter++) {
        char s[128];
        size_t o = 0;
        seed = seed * 1103515245u + 12345u;
        int parts = (int)((seed >> 16) % 7);
        for (int p = 0; p < parts; p++) {
            seed = seed * 1103515245u + 12345u;
            const char *a = atoms[(seed >> 16) % (sizeof atoms / sizeof atoms[0])];
            size_t l = strlen(a);
            if (o + l >= sizeof s)
                break;
            memcpy(s + o, a, l);
            o += l;
        }
        s[o] = '\0';
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddStringToObject(doc, s, s);
        cJSON *list = cJSON_AddArrayToObject(doc, "l");
        cJSON_AddItemToArray(list, cJSON_CreateString(s));
        char *y = yaml_emit(doc);
        char err[256] = "";
        cJSON *back = y ? yaml_parse_one(y, strlen(y), err, sizeof err) : NULL;
        if (!back || !cJSON_Compare(doc, back, 1)) {
            if (failures++ < 5) {
                char *b = back ? cJSON_PrintUnformatted(back) : NULL;
                char *j = cJSON_PrintUnformatted(doc);
                printf("\n  round trip failed for %s\n  yaml:\n%s  back: %s %s\n", j, y ? y : "(null)",
                       b ? b : "(null)", err);
                free(b);
                free(j);
            }
        }
        cJSON_Delete(back);
        free(y);
        cJSON_Delete(doc);
    }
    CU_ASSERT_EQUAL(failures, 0);
}

static void test_numbers_round_trip(void)
{
    static const double vals[] = {0, 1, -1, 0.1, 1.0 / 3, 1e21, 1e22, -1e-300, 123456789012345678.0, 9007199254740993.0,
                                  1.7976931348623157e308, 5e-324, 2.5e-7, 420};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        cJSON *n = cJSON_CreateNumber(vals[i]);
        char *y = yaml_emit(n);
        char err[128];
        cJSON *back = y ? yaml_parse_one(y, strlen(y), err, sizeof err) : NULL;
        CU_ASSERT(back && cJSON_IsNumber(back) && back->valuedouble == vals[i]);
        if (!back || back->valuedouble != vals[i])
            printf("\n  number %.17g -> %s", vals[i], y ? y : "(null)");
        cJSON_Delete(back);
        free(y);
        cJSON_Delete(n);
    }
}

/* Arbitrary bytes and mutated YAML must never crash (ASan/UBSan watch this). */
static void test_fuzz_no_crash(void)
{
    static const char seed_doc[] = "a: &x [1, {b: \"c\\u00e9\", <<: {d: *x}}]\n- |\n  txt\n? k\n: !!int 5\n"
                                   "---\nq: 'z''y'\nr: >-\n  f\n...\n";
    unsigned seed = 99;
    char buf[256];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len;
        seed = seed * 1103515245u + 12345u;
        if (iter % 2) {
            /* mutate the seed document */
            len = sizeof seed_doc - 1;
            memcpy(buf, seed_doc, len);
            for (int k = 0; k < 4; k++) {
                seed = seed * 1103515245u + 12345u;
                size_t pos = (seed >> 8) % len;
                seed = seed * 1103515245u + 12345u;
                buf[pos] = (char)(seed >> 16);
            }
        } else {
            len = (seed >> 16) % sizeof buf;
            for (size_t i = 0; i < len; i++) {
                seed = seed * 1103515245u + 12345u;
                buf[i] = (char)(seed >> 16);
            }
        }
        char err[128] = "";
        cJSON *d = yaml_parse_all(buf, len, err, sizeof err);
        if (d) {
            /* whatever parses, emits, and reads back the same */
            const cJSON *doc;
            cJSON_ArrayForEach(doc, d)
            {
                char *y = yaml_emit(doc);
                if (!y)
                    continue; /* deeper than yaml_emit goes */
                cJSON *again = yaml_parse_one(y, strlen(y), err, sizeof err);
                if (!again || !cJSON_Compare(doc, again, 1))
                    fprintf(stderr, "\n  did not round-trip: %s\n", y);
                CU_ASSERT_TRUE(again && cJSON_Compare(doc, again, 1));
                cJSON_Delete(again);
                free(y);
            }
        } else if (!err[0]) {
            CU_FAIL("yaml_parse_all refused without a message");
        }
        cJSON_Delete(d);
    }
}

int main(void)
{
    static const cu_test tests[] = {
        {"multi-document streams", test_multi_document},
        {"scalar resolution", test_scalars},
        {"map keys", test_keys},
        {"block scalars", test_block_scalars},
        {"anchors, aliases, merge keys", test_anchors_aliases_merge},
        {"alias bomb rejected", test_alias_bomb},
        {"deep nesting rejected", test_deep_nesting},
        {"JSON input", test_json_input},
        {"errors with positions", test_errors},
        {"emit round trip (Deployment)", test_emit_round_trip},
        {"emit style", test_emit_style},
        {"emit random strings round trip", test_emit_random_strings},
        {"numbers round trip", test_numbers_round_trip},
        {"random input never crashes", test_fuzz_no_crash},
        {NULL, NULL},
    };
    return cu_run("yaml", tests);
}
