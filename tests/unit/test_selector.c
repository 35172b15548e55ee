/* test_selector.c: table-driven tests for fakeapi/selector (label and field selectors). */
#include "fakeapi/selector.h"
#include "tests/unit/cu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NOMATCH = 0, MATCH = 1, PARSE_ERR = -1 };

typedef struct {
    const char *sel;
    const char *labels; /* JSON object, or NULL for "no labels" */
    int want;
} label_case;

static const label_case label_cases[] = {
    /* everything */
    {"", "{}", MATCH},
    {"", NULL, MATCH},
    {"   ", "{\"a\":\"b\"}", MATCH},
    /* equality */
    {"a=b", "{\"a\":\"b\"}", MATCH},
    {"a=b", "{\"a\":\"c\"}", NOMATCH},
    {"a=b", "{}", NOMATCH},
    {"a=b", NULL, NOMATCH},
    {"a==b", "{\"a\":\"b\"}", MATCH},
    {"a==b", "{\"a\":\"bb\"}", NOMATCH},
    {"a!=b", "{\"a\":\"b\"}", NOMATCH},
    {"a!=b", "{\"a\":\"c\"}", MATCH},
    {"a!=b", "{}", MATCH}, /* absent key satisfies != */
    {"a!=b", NULL, MATCH},
    {"A=b", "{\"a\":\"b\"}", NOMATCH}, /* keys are case sensitive */
    /* empty values */
    {"a=", "{\"a\":\"\"}", MATCH},
    {"a=", "{\"a\":\"x\"}", NOMATCH},
    {"a=", "{}", NOMATCH},
    {"a==", "{\"a\":\"\"}", MATCH}, /* apimachinery: a missing exact value is "" */
    {"a!=", "{\"a\":\"\"}", NOMATCH},
    {"a!=", "{\"a\":\"x\"}", MATCH},
    {"a=,b=c", "{\"a\":\"\",\"b\":\"c\"}", MATCH},
    /* AND */
    {"a=b,c=d", "{\"a\":\"b\",\"c\":\"d\"}", MATCH},
    {"a=b,c=d", "{\"a\":\"b\",\"c\":\"x\"}", NOMATCH},
    {"a=b,c!=d", "{\"a\":\"b\"}", MATCH},
    /* whitespace around tokens */
    {"  a = b  ,  c  !=  d ", "{\"a\":\"b\",\"c\":\"e\"}", MATCH},
    {"a\t==\tb", "{\"a\":\"b\"}", MATCH},
    {"a\n=\r\nb", "{\"a\":\"b\"}", MATCH},
    /* exists / does not exist */
    {"a", "{\"a\":\"\"}", MATCH},
    {"a", "{\"b\":\"x\"}", NOMATCH},
    {"a", NULL, NOMATCH},
    {"!a", "{\"b\":\"x\"}", MATCH},
    {"!a", "{\"a\":\"x\"}", NOMATCH},
    {"!a", NULL, MATCH},
    {" ! a ", "{}", MATCH},
    {"a,!b", "{\"a\":\"1\"}", MATCH},
    {"a,!b", "{\"a\":\"1\",\"b\":\"2\"}", NOMATCH},
    /* set based */
    {"env in (prod,dev)", "{\"env\":\"dev\"}", MATCH},
    {"env in (prod,dev)", "{\"env\":\"qa\"}", NOMATCH},
    {"env in (prod,dev)", "{}", NOMATCH},
    {"env in ( prod , dev )", "{\"env\":\"prod\"}", MATCH},
    {"env in(prod)", "{\"env\":\"prod\"}", MATCH},
    {"env in (prod)", "{\"env\":\"prod\"}", MATCH},
    {"env notin (prod,dev)", "{\"env\":\"qa\"}", MATCH},
    {"env notin (prod,dev)", "{\"env\":\"prod\"}", NOMATCH},
    {"env notin (prod,dev)", "{}", MATCH}, /* absent key satisfies notin */
    {"env notin (prod,dev)", NULL, MATCH},
    {"env in ()", "{\"env\":\"\"}", MATCH}, /* "()" is {""} */
    {"env in ()", "{\"env\":\"x\"}", NOMATCH},
    {"env in (a,)", "{\"env\":\"\"}", MATCH},
    {"env in (,a)", "{\"env\":\"\"}", MATCH},
    {"env in (a,,b)", "{\"env\":\"\"}", MATCH},
    {"env in (a,,b)", "{\"env\":\"b\"}", MATCH},
    {"env in (a,b)", "{\"env\":\"\"}", NOMATCH},
    {"x in (foo,,baz),y,z notin ()", "{\"x\":\"baz\",\"y\":\"1\",\"z\":\"q\"}", MATCH},
    {"x in (foo,,baz),y,z notin ()", "{\"x\":\"baz\",\"y\":\"1\",\"z\":\"\"}", NOMATCH},
    {"env in (in,notin)", "{\"env\":\"notin\"}", MATCH}, /* keywords are values in a set */
    {"a=in", "{\"a\":\"in\"}", MATCH},
    {"in", "{\"in\":\"x\"}", MATCH}, /* apimachinery: a lone keyword is an identifier (exists) */
    {"notin in (in)", "{\"notin\":\"in\"}", MATCH},
    {"env in (prod),tier notin (cache)", "{\"env\":\"prod\",\"tier\":\"web\"}", MATCH},
    {"env in (prod),tier notin (cache)", "{\"env\":\"prod\",\"tier\":\"cache\"}", NOMATCH},
    /* gt / lt */
    {"n>5", "{\"n\":\"6\"}", MATCH},
    {"n>5", "{\"n\":\"5\"}", NOMATCH},
    {"n>5", "{\"n\":\"x\"}", NOMATCH},
    {"n>5", "{}", NOMATCH},
    {"n<5", "{\"n\":\"4\"}", MATCH},
    {"n<5", "{\"n\":\"-4\"}", MATCH},
    {"n<5", "{\"n\":\"5\"}", NOMATCH},
    {"n < 10 , n > 2", "{\"n\":\"7\"}", MATCH},
    {"n>99999999999999999999", "{}", PARSE_ERR}, /* operand must fit int64 */
    {"n>x", "{}", PARSE_ERR},
    {"n>-1", "{}", PARSE_ERR}, /* "-1" is not a valid label value */
    /* keys with prefixes, values with all allowed characters */
    {"app.kubernetes.io/name=web", "{\"app.kubernetes.io/name\":\"web\"}", MATCH},
    {"example.com/a-b_c.d=V-1_2.3", "{\"example.com/a-b_c.d\":\"V-1_2.3\"}", MATCH},
    {"k=0123456789012345678901234567890123456789012345678901234567890ab", "{}", NOMATCH}, /* 63 chars */
    {"k=0123456789012345678901234567890123456789012345678901234567890abc", "{}", PARSE_ERR}, /* 64 */
    {"a23456789012345678901234567890123456789012345678901234567890123", "{}", NOMATCH},
    {"a234567890123456789012345678901234567890123456789012345678901234", "{}", PARSE_ERR},
    /* syntax errors */
    {"a in (b", "{}", PARSE_ERR},
    {"a in b", "{}", PARSE_ERR},
    {"a in", "{}", PARSE_ERR},
    {"a notin (b c)", "{}", PARSE_ERR},
    {"a in (b,", "{}", PARSE_ERR},
    {"a in (=)", "{}", PARSE_ERR},
    {"=x", "{}", PARSE_ERR},
    {"==", "{}", PARSE_ERR},
    {"a=b=c", "{}", PARSE_ERR},
    {"a=b,", "{}", PARSE_ERR},
    {",a=b", "{}", PARSE_ERR},
    {"a=b,,c=d", "{}", PARSE_ERR},
    {"a b", "{}", PARSE_ERR},
    {"a=b c", "{}", PARSE_ERR},
    {"!a=b", "{}", PARSE_ERR},
    {"!", "{}", PARSE_ERR},
    {"!!a", "{}", PARSE_ERR},
    {"a=(", "{}", PARSE_ERR},
    {"a in (b))", "{}", PARSE_ERR},
    {"(", "{}", PARSE_ERR},
    {")", "{}", PARSE_ERR},
    {"a<>b", "{}", PARSE_ERR},
    {"a=>b", "{}", PARSE_ERR},
    {"a===b", "{}", PARSE_ERR},
    {"a!b", "{}", PARSE_ERR},
    /* invalid keys / values */
    {"-a=b", "{}", PARSE_ERR},
    {"a-=b", "{}", PARSE_ERR},
    {"a=-b", "{}", PARSE_ERR},
    {"a=b-", "{}", PARSE_ERR},
    {"a=b/c", "{}", PARSE_ERR},
    {"a b=c", "{}", PARSE_ERR},
    {"/a=b", "{}", PARSE_ERR},
    {"a/=b", "{}", PARSE_ERR},
    {"a/b/c=d", "{}", PARSE_ERR},
    {"Example.com/a=b", "{}", PARSE_ERR}, /* prefix must be lower case */
    {"ex_ample.com/a=b", "{}", PARSE_ERR},
    {"a=caf\xc3\xa9", "{}", PARSE_ERR},
    {"\xff\xfe=1", "{}", PARSE_ERR},
    {"a in (b,-c)", "{}", PARSE_ERR},
    /* non-string label values are rendered rather than crashing */
    {"a=1", "{\"a\":1}", MATCH},
    {"a=true", "{\"a\":true}", MATCH},
    {"a", "{\"a\":null}", MATCH},
    {"a=b", "[\"a\"]", NOMATCH}, /* labels not an object */
};

static cJSON *parse_json_or_null(const char *s)
{
    if (!s)
        return NULL;
    cJSON *j = cJSON_Parse(s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    return j;
}

static void test_label_table(void)
{
    size_t n = sizeof label_cases / sizeof label_cases[0];
    for (size_t i = 0; i < n; i++) {
        const label_case *c = &label_cases[i];
        char err[512] = "";
        labelsel *sel = labelsel_parse(c->sel, err, sizeof err);
        int got;
        if (!sel) {
            got = PARSE_ERR;
            if (err[0] == '\0')
                printf("\n  case %zu `%s`: error without message\n", i, c->sel);
            CU_ASSERT(err[0] != '\0');
        } else {
            cJSON *labels = parse_json_or_null(c->labels);
            got = labelsel_matches(sel, labels) ? MATCH : NOMATCH;
            cJSON_Delete(labels);
            labelsel_free(sel);
        }
        if (got != c->want)
            printf("\n  case %zu `%s` on %s: got %d want %d (%s)\n", i, c->sel, c->labels ? c->labels : "NULL",
                   got, c->want, err);
        CU_ASSERT_EQUAL(got, c->want);
    }
}

typedef struct {
    const char *sel;
    const char *msg; /* exact error message */
} err_case;

static const err_case label_errs[] = {
    {"a in (b", "unable to parse requirement: found '', expected: ',' or ')'"},
    {"=x", "found '=', expected: !, identifier, or 'end of string'"},
    {"a=b,", "found '', expected: identifier after ','"},
    {"a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"},
    {"!a=b", "found '=', expected: ',' or 'end of string'"},
    {"a in b", "unable to parse requirement: found 'b' expected: '('"},
    {"a in (b,", "unable to parse requirement: found '', expected: ',', or identifier"},
    {"a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"},
    {"a=(", "unable to parse requirement: found '(', expected: identifier"},
    {"!", "unable to parse requirement: found '', expected: identifier"},
    {"n>x", "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"},
    {"a=-b",
     "unable to parse requirement: values[0][a]: Invalid value: \"-b\": a valid label must be an empty string or consist "
     "of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
     "'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
    {"-a",
     "unable to parse requirement: <nil>: Invalid value: \"-a\": name part must consist of alphanumeric characters, "
     "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
     "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"},
    {"/a", "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty"},
};

static void test_label_errors(void)
{
    for (size_t i = 0; i < sizeof label_errs / sizeof label_errs[0]; i++) {
        char err[1024] = "";
        labelsel *sel = labelsel_parse(label_errs[i].sel, err, sizeof err);
        CU_ASSERT_PTR_NULL(sel);
        labelsel_free(sel);
        if (strcmp(err, label_errs[i].msg) != 0)
            printf("\n  `%s`:\n   got  %s\n   want %s\n", label_errs[i].sel, err, label_errs[i].msg);
        CU_ASSERT_STRING_EQUAL(err, label_errs[i].msg);
    }
    /* a tiny or absent error buffer is fine */
    char small[4];
    CU_ASSERT_PTR_NULL(labelsel_parse("a in (", small, sizeof small));
    CU_ASSERT_EQUAL(strlen(small), 3);
    CU_ASSERT_PTR_NULL(labelsel_parse("a in (", NULL, 0));
}

static void test_label_empty_and_null(void)
{
    char err[256];
    labelsel *sel = labelsel_parse(NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sel);
    CU_ASSERT_TRUE(labelsel_empty(sel));
    CU_ASSERT_TRUE(labelsel_matches(sel, NULL));
    labelsel_free(sel);
    sel = labelsel_parse(" \t ", err, sizeof err);
    CU_ASSERT_TRUE(labelsel_empty(sel));
    labelsel_free(sel);
    sel = labelsel_parse("a", err, sizeof err);
    CU_ASSERT_FALSE(labelsel_empty(sel));
    labelsel_free(sel);
    CU_ASSERT_TRUE(labelsel_empty(NULL));
    CU_ASSERT_TRUE(labelsel_matches(NULL, NULL));
    labelsel_free(NULL);
}

/* Arbitrary bytes must never crash either parser (ASan/UBSan watch this). */
static void test_fuzz_no_crash(void)
{
    static const char alphabet[] = "ab=!(),<> \t\\in notin/.-_\xff\x01" "0123456789";
    unsigned seed = 12345;
    char buf[64];
    const char *const allowed[] = {"metadata.name", "a", NULL};
    cJSON *labels = cJSON_Parse("{\"a\":\"b\",\"in\":\"1\",\"b\":\"\"}");
    for (int iter = 0; iter < 20000; iter++) {
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 16) % (sizeof buf);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        buf[len] = '\0';
        char err[128] = "";
        labelsel *ls = labelsel_parse(buf, err, sizeof err);
        if (ls)
            (void)labelsel_matches(ls, labels);
        else if (!err[0]) /* a refusal always says why */
            CU_FAIL("labelsel_parse refused without a message");
        labelsel_free(ls);
        err[0] = 0;
        fieldsel *fs = fieldsel_parse(buf, allowed, err, sizeof err);
        if (fs) {
            (void)fieldsel_matches(fs, labels);
            (void)fieldsel_name(fs);
        } else if (!err[0]) {
            CU_FAIL("fieldsel_parse refused without a message");
        }
        fieldsel_free(fs);
    }
    cJSON_Delete(labels);
}

/* ------------------------------------------------------------------------------------------ */

static const char *const pod_fields[] = {"metadata.name", "metadata.namespace", "status.phase", "spec.nodeName",
                                         "spec.hostNetwork", "spec.priority", "status.podIPs", "spec", NULL};

static const char *pod_json =
    "{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"default\",\"labels\":{\"app\":\"web\"}},"
    "\"spec\":{\"nodeName\":\"node-a\",\"hostNetwork\":false,\"priority\":100},"
    "\"status\":{\"phase\":\"Running\",\"podIPs\":[\"10.0.0.1\",\"fd00::1\"]}}";

typedef struct {
    const char *sel;
    int want;
} field_case;

static const field_case field_cases[] = {
    {"", MATCH},
    {",", MATCH},
    {"metadata.name=web-1", MATCH},
    {"metadata.name==web-1", MATCH},
    {"metadata.name=web-2", NOMATCH},
    {"metadata.name!=web-2", MATCH},
    {"metadata.name!=web-1", NOMATCH},
    {"metadata.name=web-1,metadata.namespace=default", MATCH},
    {"metadata.name=web-1,metadata.namespace=kube-system", NOMATCH},
    {"metadata.name=web-1,status.phase!=Pending", MATCH},
    {"status.phase=Running", MATCH},
    {"spec.nodeName=", NOMATCH},
    {"spec.nodeName!=", MATCH},
    {"spec.hostNetwork=false", MATCH},
    {"spec.hostNetwork=true", NOMATCH},
    {"spec.priority=100", MATCH},
    {"spec.priority=100.0", NOMATCH},
    {"status.podIPs=10.0.0.1\\,fd00::1", MATCH}, /* arrays of scalars compare comma-joined */
    {"status.podIPs=10.0.0.1", NOMATCH},
    {"spec=", MATCH},                            /* objects compare as "" */
    {"metadata.namespace=default,", MATCH},
    /* missing values are "" */
    {"metadata.name=", NOMATCH},
    /* unsupported / malformed */
    {"metadata.uid=x", PARSE_ERR},
    {"status.phase in (Running)", PARSE_ERR},
    {"metadata.name", PARSE_ERR},
    {"metadata.name=a=b", PARSE_ERR},
    {"metadata.name=a\\", PARSE_ERR},
    {"metadata.name=a\\x", PARSE_ERR},
    {" metadata.name=web-1", PARSE_ERR}, /* no trimming: " metadata.name" is not a field */
    {"=x", PARSE_ERR},
};

static void test_field_table(void)
{
    cJSON *pod = cJSON_Parse(pod_json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pod);
    for (size_t i = 0; i < sizeof field_cases / sizeof field_cases[0]; i++) {
        char err[256] = "";
        fieldsel *sel = fieldsel_parse(field_cases[i].sel, pod_fields, err, sizeof err);
        int got = sel ? (fieldsel_matches(sel, pod) ? MATCH : NOMATCH) : PARSE_ERR;
        if (!sel) {
            CU_ASSERT(err[0] != '\0');
        }
        if (got != field_cases[i].want)
            printf("\n  field case `%s`: got %d want %d (%s)\n", field_cases[i].sel, got, field_cases[i].want, err);
        CU_ASSERT_EQUAL(got, field_cases[i].want);
        fieldsel_free(sel);
    }
    cJSON_Delete(pod);
}

static void test_field_missing_is_empty(void)
{
    const char *const f[] = {"spec.nodeName", "status.phase", NULL};
    cJSON *obj = cJSON_Parse("{\"metadata\":{\"name\":\"x\"},\"status\":\"notanobject\"}");
    char err[128];
    fieldsel *s = fieldsel_parse("spec.nodeName=", f, err, sizeof err);
    CU_ASSERT_TRUE(fieldsel_matches(s, obj));
    fieldsel_free(s);
    s = fieldsel_parse("status.phase==", f, err, sizeof err);
    CU_ASSERT_TRUE(fieldsel_matches(s, obj)); /* path through a non-object is missing */
    fieldsel_free(s);
    s = fieldsel_parse("spec.nodeName!=", f, err, sizeof err);
    CU_ASSERT_FALSE(fieldsel_matches(s, obj));
    CU_ASSERT_FALSE(fieldsel_matches(s, NULL));
    fieldsel_free(s);
    cJSON_Delete(obj);
}

static void test_field_escapes(void)
{
    const char *const f[] = {"metadata.name", "reason", NULL};
    cJSON *obj = cJSON_Parse("{\"metadata\":{\"name\":\"a,b=c\\\\d\"},\"reason\":\"x\"}");
    char err[128];
    fieldsel *s = fieldsel_parse("metadata.name=a\\,b\\=c\\\\d,reason=x", f, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_TRUE(fieldsel_matches(s, obj));
    CU_ASSERT_PTR_NULL(fieldsel_name(s)); /* two requirements */
    fieldsel_free(s);
    s = fieldsel_parse("metadata.name==a\\,b\\=c\\\\d", f, err, sizeof err);
    CU_ASSERT_STRING_EQUAL(fieldsel_name(s), "a,b=c\\d");
    CU_ASSERT_TRUE(fieldsel_matches(s, obj));
    fieldsel_free(s);
    cJSON_Delete(obj);
}

static void test_field_errors(void)
{
    static const struct {
        const char *sel, *msg;
    } cases[] = {
        {"metadata.uid=x", "field label not supported: metadata.uid"},
        {"spec.nodeName=n", "field label not supported: spec.nodeName"},
        {"metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'"},
        {"a=b,metadata.name", "invalid selector: 'a=b,metadata.name'; can't understand 'metadata.name'"},
        {"metadata.name=a=b", "invalid field selector: unescaped character in value: ="},
        {"metadata.name=a\\", "invalid field selector: invalid escape sequence: \\"},
        {"metadata.name=a\\n", "invalid field selector: invalid escape sequence: \\n"},
    };
    const char *const f[] = {"metadata.name", "metadata.namespace", NULL};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[256] = "";
        fieldsel *s = fieldsel_parse(cases[i].sel, f, err, sizeof err);
        CU_ASSERT_PTR_NULL(s);
        fieldsel_free(s);
        if (strcmp(err, cases[i].msg) != 0)
            printf("\n  `%s`: got `%s` want `%s`\n", cases[i].sel, err, cases[i].msg);
        CU_ASSERT_STRING_EQUAL(err, cases[i].msg);
    }
}

static void test_field_name_fast_path(void)
{
    static const struct {
        const char *sel, *name;
    } cases[] = {
        {"metadata.name=web", "web"},
        {"metadata.name==web", "web"},
        {"metadata.name=", ""},
        {"metadata.name=web,", "web"},
        {"metadata.name!=web", NULL},
        {"metadata.name=web,metadata.namespace=default", NULL},
        {"metadata.namespace=default", NULL},
        {"", NULL},
    };
    const char *const f[] = {"metadata.name", "metadata.namespace", NULL};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[128];
        fieldsel *s = fieldsel_parse(cases[i].sel, f, err, sizeof err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        const char *got = fieldsel_name(s);
        if (cases[i].name) {
            CU_ASSERT(got && strcmp(got, cases[i].name) == 0);
        } else {
            CU_ASSERT_PTR_NULL(got);
        }
        fieldsel_free(s);
    }
    CU_ASSERT_PTR_NULL(fieldsel_name(NULL));
}

static void test_field_empty_and_null(void)
{
    char err[64];
    fieldsel *s = fieldsel_parse(NULL, NULL, err, sizeof err);
    CU_ASSERT_TRUE(fieldsel_empty(s));
    CU_ASSERT_TRUE(fieldsel_matches(s, NULL));
    fieldsel_free(s);
    s = fieldsel_parse("anything.at.all=1", NULL, err, sizeof err); /* NULL allowed list = any field */
    CU_ASSERT_PTR_NOT_NULL(s);
    CU_ASSERT_FALSE(fieldsel_empty(s));
    fieldsel_free(s);
    CU_ASSERT_TRUE(fieldsel_empty(NULL));
    CU_ASSERT_TRUE(fieldsel_matches(NULL, NULL));
}

/* LabelSelector objects printed as metav1.LabelSelectorAsSelector(sel).String() does. */
static void test_label_selector_string(void)
{
    static const struct {
        const char *sel, *want; /* want NULL: not convertible */
    } cases[] = {
        {"{}", ""},
        {"{\"matchLabels\":{\"z\":\"1\",\"a\":\"2\"},\"matchExpressions\":[{\"key\":\"m\",\"operator\":\"In\","
         "\"values\":[\"y\",\"x\"]}]}",
         "a=2,m in (x,y),z=1"},
        {"{\"matchExpressions\":[{\"key\":\"k\",\"operator\":\"DoesNotExist\"},{\"key\":\"e\",\"operator\":"
         "\"Exists\"},{\"key\":\"n\",\"operator\":\"NotIn\",\"values\":[\"b\"]}]}",
         "e,!k,n notin (b)"},
        {"{\"matchExpressions\":[{\"key\":\"k\",\"operator\":\"Sideways\"}]}", NULL},
        {"{\"matchExpressions\":[{\"key\":\"k\",\"operator\":\"In\",\"values\":[]}]}", NULL},
        {"{\"matchExpressions\":[{\"key\":\"k\",\"operator\":\"Exists\",\"values\":[\"x\"]}]}", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *sel = cJSON_Parse(cases[i].sel);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sel);
        char *got = labelsel_string(sel);
        if (cases[i].want) {
            CU_ASSERT_PTR_NOT_NULL(got);
            CU_ASSERT_STRING_EQUAL(got ? got : "(null)", cases[i].want);
        } else {
            CU_ASSERT_PTR_NULL(got);
        }
        free(got);
        cJSON_Delete(sel);
    }
}

int main(void)
{
    static const cu_test tests[] = {
        {"label table", test_label_table},
        {"label error messages", test_label_errors},
        {"label empty and NULL", test_label_empty_and_null},
        {"LabelSelector objects as strings", test_label_selector_string},
        {"field table", test_field_table},
        {"field missing values are empty", test_field_missing_is_empty},
        {"field escapes", test_field_escapes},
        {"field error messages", test_field_errors},
        {"field name fast path", test_field_name_fast_path},
        {"field empty and NULL", test_field_empty_and_null},
        {"random input never crashes", test_fuzz_no_crash},
        {NULL, NULL},
    };
    return cu_run("selector", tests);
}
