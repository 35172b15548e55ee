/* test_schema.c: structural schemas (fakeapi/schema.c) case by case with the apiserver's exact
 * messages, then through an in-process server with Cutover's own CRDs: create, update, patch,
 * /status, /scale and dry runs validated; unknown fields pruned, or refused under
 * fieldValidation=Strict; CRDs whose schema is not structural refused. */
#include "cu.h"
#include "cu_json.h"
#include "common/buf.h"
#include "common/json.h"
#include "fakeapi/fakeapi.h"
#include "fakeapi/schema.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the validator, case by case ---- */

/* Every error as "field|reason|detail", one per line. */
static char *errors_text(const fa_schema_result *res)
{
    co_buf b = {0};
    for (size_t i = 0; i < res->nerrors; i++)
        co_buf_printf(&b, "%s%s|%s|%s", i ? "\n" : "", res->errors[i].field, res->errors[i].reason,
                      res->errors[i].detail);
    return co_buf_take(&b);
}

typedef struct {
    const char *name, *schema, *obj;
    fa_schema_part part;
    const char *want; /* errors_text */
} vcase;

static const vcase vcases[] = {
    {"wrong type", "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\"}}}}}",
     "{\"spec\":{\"s\":12}}", FA_SCHEMA_WHOLE,
     "spec.s|FieldValueTypeInvalid|Invalid value: \"integer\": spec.s in body must be of type string: \"integer\""},
    {"required, at the root and nested",
     "{\"type\":\"object\",\"required\":[\"spec\"],\"properties\":{\"spec\":{\"type\":\"object\",\"required\":[\"a\",\"b\"],"
     "\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}}}}}",
     "{\"spec\":{\"a\":\"x\"}}", FA_SCHEMA_WHOLE, "spec.b|FieldValueRequired|Required value"},
    {"missing spec", "{\"type\":\"object\",\"required\":[\"spec\"]}", "{\"metadata\":{}}", FA_SCHEMA_WHOLE,
     "spec|FieldValueRequired|Required value"},
    {"enum", "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\",\"enum\":[\"a\",\"b\"]},\"n\":{\"type\":\"integer\",\"enum\":[1,2.5]}}}",
     "{\"x\":\"y\",\"n\":3}", FA_SCHEMA_WHOLE,
     "x|FieldValueNotSupported|Unsupported value: \"y\": supported values: \"a\", \"b\"\n"
     "n|FieldValueNotSupported|Unsupported value: 3: supported values: \"1\", \"2.5\""},
    {"minimum and maximum", "{\"type\":\"object\",\"properties\":{\"i\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10},"
     "\"j\":{\"type\":\"integer\",\"maximum\":10,\"exclusiveMaximum\":true},\"f\":{\"type\":\"number\",\"minimum\":0.5}}}",
     "{\"i\":0,\"j\":10,\"f\":0.25}", FA_SCHEMA_WHOLE,
     "i|FieldValueInvalid|Invalid value: 0: i in body should be greater than or equal to 1\n"
     "j|FieldValueInvalid|Invalid value: 10: j in body should be less than 10\n"
     "f|FieldValueInvalid|Invalid value: 0.25: f in body should be greater than or equal to 0.5"},
    {"string lengths and pattern",
     "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"maxLength\":3},\"b\":{\"type\":\"string\",\"minLength\":3},"
     "\"c\":{\"type\":\"string\",\"pattern\":\"^[a-z]+\\\\d$\"},\"d\":{\"type\":\"string\",\"pattern\":\"^[a-z]+\\\\d$\"}}}",
     "{\"a\":\"abcd\",\"b\":\"ab\",\"c\":\"abc\",\"d\":\"abc1\"}", FA_SCHEMA_WHOLE,
     "a|FieldValueTooLong|Too long: may not be more than 3 bytes\n"
     "b|FieldValueInvalid|Invalid value: \"ab\": b in body should be at least 3 chars long\n"
     "c|FieldValueInvalid|Invalid value: \"abc\": c in body should match '^[a-z]+\\d$'"},
    {"array sizes and items",
     "{\"type\":\"object\",\"properties\":{\"l\":{\"type\":\"array\",\"minItems\":2,\"items\":{\"type\":\"string\"}},"
     "\"m\":{\"type\":\"array\",\"maxItems\":1,\"items\":{\"type\":\"integer\"}}}}",
     "{\"l\":[1],\"m\":[1,2,\"x\"]}", FA_SCHEMA_WHOLE,
     "l[0]|FieldValueTypeInvalid|Invalid value: \"integer\": l[0] in body must be of type string: \"integer\"\n"
     "l|FieldValueInvalid|Invalid value: 1: l in body should have at least 2 items\n"
     "m[2]|FieldValueTypeInvalid|Invalid value: \"string\": m[2] in body must be of type integer: \"string\"\n"
     "m|FieldValueTooMany|Too many: 3: must have at most 1 item"},
    {"maps (additionalProperties)",
     "{\"type\":\"object\",\"properties\":{\"labels\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}}}",
     "{\"labels\":{\"a\":\"b\",\"c\":true}}", FA_SCHEMA_WHOLE,
     "labels.c|FieldValueTypeInvalid|Invalid value: \"boolean\": labels.c in body must be of type string: \"boolean\""},
    {"int-or-string", "{\"type\":\"object\",\"properties\":{\"a\":{\"x-kubernetes-int-or-string\":true},\"b\":{\"x-kubernetes-int-or-string\":true},"
     "\"c\":{\"x-kubernetes-int-or-string\":true}}}",
     "{\"a\":\"25%\",\"b\":3,\"c\":1.5}", FA_SCHEMA_WHOLE,
     "c|FieldValueTypeInvalid|Invalid value: \"number\": c in body must be of type integer,string: \"number\""},
    {"formats: int32 and date-time",
     "{\"type\":\"object\",\"properties\":{\"r\":{\"type\":\"integer\",\"format\":\"int32\"},\"f\":{\"type\":\"integer\",\"format\":\"int32\"},"
     "\"t\":{\"type\":\"string\",\"format\":\"date-time\"},\"u\":{\"type\":\"string\",\"format\":\"date-time\"},"
     "\"v\":{\"type\":\"string\",\"format\":\"date-time\"}}}",
     "{\"r\":3000000000,\"f\":1.5,\"t\":\"2024-02-30T00:00:00Z\",\"u\":\"2024-02-29T23:59:59.5+01:00\",\"v\":7}", FA_SCHEMA_WHOLE,
     "<nil>|FieldValueInvalid|Invalid value: \"\": Checked value must be of type integer with format int32 in r\n"
     "f|FieldValueTypeInvalid|Invalid value: \"float64\": f in body must be of type int32: \"float64\"\n"
     "<nil>|FieldValueInvalid|Invalid value: \"\": Checked value must be of type integer with format int32 in f\n"
     "t|FieldValueTypeInvalid|Invalid value: \"2024-02-30T00:00:00Z\": t in body must be of type date-time: \"2024-02-30T00:00:00Z\"\n"
     "v|FieldValueTypeInvalid|Invalid value: \"int64\": v in body must be of type date-time: \"int64\""},
    {"a boolean for an int32 names the format (kube-openapi)",
     "{\"type\":\"object\",\"properties\":{\"w\":{\"type\":\"integer\",\"format\":\"int32\"}}}", "{\"w\":true}",
     FA_SCHEMA_WHOLE, "w|FieldValueTypeInvalid|Invalid value: \"\": w in body must be of type int32: \"\""},
    {"nullable", "{\"type\":\"object\",\"properties\":{\"l\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
     "\"n\":{\"type\":\"string\",\"nullable\":true}}}",
     "{\"l\":[null],\"n\":null}", FA_SCHEMA_WHOLE,
     "l[0]|FieldValueTypeInvalid|Invalid value: \"null\": l[0] in body must be of type string: \"null\""},
    {"properties and the status part",
     "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}},"
     "\"status\":{\"type\":\"object\",\"properties\":{\"phase\":{\"type\":\"string\"}}}}}",
     "{\"spec\":{\"a\":1},\"status\":{\"phase\":2}}", FA_SCHEMA_STATUS_ONLY,
     "status.phase|FieldValueTypeInvalid|Invalid value: \"integer\": phase in body must be of type string: \"integer\""},
    {"a main-resource write skips the status",
     "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}},"
     "\"status\":{\"type\":\"object\",\"properties\":{\"phase\":{\"type\":\"string\"}}}}}",
     "{\"spec\":{\"a\":1},\"status\":{\"phase\":2}}", FA_SCHEMA_SKIP_STATUS,
     "spec.a|FieldValueTypeInvalid|Invalid value: \"integer\": spec.a in body must be of type string: \"integer\""},
    {"object counts", "{\"type\":\"object\",\"properties\":{\"o\":{\"type\":\"object\",\"minProperties\":2,"
     "\"additionalProperties\":{\"type\":\"string\"}},\"p\":{\"type\":\"object\",\"maxProperties\":1,\"additionalProperties\":{\"type\":\"string\"}}}}",
     "{\"o\":{\"a\":\"b\"},\"p\":{\"a\":\"b\",\"c\":\"d\"}}", FA_SCHEMA_WHOLE,
     "o|FieldValueInvalid|Invalid value: 1: o in body should have at least 2 properties\n"
     "p|FieldValueTooMany|Too many: 2: must have at most 1 item"},
    {"multipleOf", "{\"type\":\"object\",\"properties\":{\"m\":{\"type\":\"integer\",\"multipleOf\":5}}}", "{\"m\":12}",
     FA_SCHEMA_WHOLE, "m|FieldValueInvalid|Invalid value: 12: m in body should be a multiple of 5"},
    {"a schema of the wrong shape checks nothing", "{\"type\":\"object\",\"properties\":{\"a\":5,\"b\":{\"type\":7,\"required\":3}}}",
     "{\"a\":{\"x\":1},\"b\":\"q\"}", FA_SCHEMA_WHOLE, ""},
    {NULL, NULL, NULL, 0, NULL},
};

static void test_validation_cases(void)
{
    for (const vcase *c = vcases; c->name; c++) {
        cJSON *s = cJSON_Parse(c->schema), *o = cJSON_Parse(c->obj);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        CU_ASSERT_PTR_NOT_NULL_FATAL(o);
        fa_schema_result res = {0};
        fa_schema_decode(s, false, o, &res);
        fa_schema_validate(s, o, c->part, &res);
        char *got = errors_text(&res);
        if (strcmp(got, c->want))
            fprintf(stderr, "\n%s:\n  want: %s\n  got:  %s\n", c->name, c->want, got);
        CU_ASSERT_STRING_EQUAL(got, c->want);
        free(got);
        fa_schema_result_free(&res);
        cJSON_Delete(s);
        cJSON_Delete(o);
    }
}

#define A10 "aaaaaaaaaa"
#define A100 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
#define LONG_A A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 /* 1,000 a's */

/* Go RE2 patterns, run with POSIX regexec after translation; the ones that cannot be translated
 * are not checked (the value passes). */
static void test_patterns(void)
{
    static const struct {
        const char *pattern, *value;
        bool match;
    } cases[] = {
        {"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "my-name", true},
        {"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "-bad", false},
        {"^\\d+(\\.\\d+)?[KMG]i?$", "1.5Gi", true},
        {"^\\d+(\\.\\d+)?[KMG]i?$", "1.5Ti", false},
        {"^[\\w.\\-]+$", "a_b.c-d", true},
        {"^[\\w.\\-]+$", "a b", false},
        {"^[^\\]]*$", "no brackets", true},
        {"^[^\\]]*$", "a]b", false},
        {"(?i)^abc$", "ABC", true},
        {"^a{2,3}$", "aaaa", false},
        {"^(?:ab)+?$", "abab", true},
        {"\\s", "nospace", false},
        {"^(a)\\1$", "ab", true},        /* a backreference: not RE2, not checked */
        {"^a**$", "b", true},             /* a nested repetition: not RE2, not checked */
        {"^((a{1,1000}){1,1000})$", "b", true}, /* too large to compile: not checked */
        {"^(a|b)?c$", "ac", true},
        {"^(a|b)?c$", "abc", false},
        {"^(ab+)?c$", "abbc", true},
        /* a repeated group that repeats: exponential in glibc's regexec, not checked (or the test hangs) */
        {"^((a|b){1,300}){20}x$", LONG_A, true},
        {"^(a+)+x$", LONG_A, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *s = cJSON_CreateObject(), *p = cJSON_AddObjectToObject(cJSON_AddObjectToObject(s, "properties"), "v");
        cJSON_AddStringToObject(s, "type", "object");
        cJSON_AddStringToObject(p, "type", "string");
        cJSON_AddStringToObject(p, "pattern", cases[i].pattern);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "v", cases[i].value);
        fa_schema_result res = {0};
        fa_schema_validate(s, o, FA_SCHEMA_WHOLE, &res);
        if ((res.nerrors == 0) != cases[i].match)
            fprintf(stderr, "\npattern %s on %s: %zu errors\n", cases[i].pattern, cases[i].value, res.nerrors);
        CU_ASSERT_EQUAL(res.nerrors == 0, cases[i].match);
        fa_schema_result_free(&res);
        cJSON_Delete(s);
        cJSON_Delete(o);
    }
}

static void test_pruning(void)
{
    cJSON *s = cJSON_Parse(
        "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{"
        "\"keep\":{\"type\":\"string\"},\"open\":{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true,"
        "\"properties\":{\"typed\":{\"type\":\"object\",\"properties\":{\"t\":{\"type\":\"string\"}}}}},"
        "\"list\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"string\"}}}},"
        "\"emb\":{\"type\":\"object\",\"x-kubernetes-embedded-resource\":true,\"x-kubernetes-preserve-unknown-fields\":true},"
        "\"def\":{\"type\":\"string\",\"default\":\"dflt\"},\"nul\":{\"type\":\"string\"}}}}}");
    cJSON *o = cJSON_Parse(
        "{\"apiVersion\":\"x/v1\",\"kind\":\"K\",\"metadata\":{\"name\":\"n\",\"bogus\":1,\"ownerReferences\":[{\"uid\":\"u\",\"zz\":1}]},"
        "\"spec\":{\"keep\":\"k\",\"zap\":1,\"open\":{\"anything\":{\"deep\":1},\"typed\":{\"t\":\"x\",\"gone\":1}},"
        "\"list\":[{\"n\":\"a\",\"x\":1},{\"y\":2}],\"emb\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"q\":1},\"w\":1},"
        "\"nul\":null},\"extra\":true}");
    fa_schema_result res = {0};
    fa_schema_decode(s, false, o, &res);
    co_buf b = {0};
    for (size_t i = 0; i < res.nunknown; i++)
        co_buf_printf(&b, "%s%s", i ? "," : "", res.unknown[i]);
    /* metadata's first (document order), then the pruned ones sorted, then embedded metadata */
    CU_ASSERT_STRING_EQUAL(co_buf_str(&b), "metadata.bogus,metadata.ownerReferences[0].zz,extra,spec.list[0].x,"
                                           "spec.list[1].y,spec.open.typed.gone,spec.zap,spec.emb.metadata.q");
    co_buf_free(&b);
    char *got = cJSON_PrintUnformatted(o);
    CU_ASSERT_STRING_EQUAL(got,
                           "{\"apiVersion\":\"x/v1\",\"kind\":\"K\",\"metadata\":{\"name\":\"n\",\"ownerReferences\":[{\"uid\":\"u\"}]},"
                           "\"spec\":{\"keep\":\"k\",\"open\":{\"anything\":{\"deep\":1},\"typed\":{\"t\":\"x\"}},"
                           "\"list\":[{\"n\":\"a\"},{}],\"emb\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"w\":1},"
                           "\"def\":\"dflt\"}}");
    free(got);
    CU_ASSERT_EQUAL(res.nerrors, 0);
    fa_schema_result_free(&res);
    /* preserveUnknownFields (the CRD's): nothing pruned but metadata */
    cJSON_Delete(o);
    o = cJSON_Parse("{\"metadata\":{\"x\":1},\"spec\":{\"zap\":1}}");
    fa_schema_decode(s, true, o, &res);
    CU_ASSERT_EQUAL(res.nunknown, 1);
    CU_ASSERT_PTR_NOT_NULL(cj_get(o, "spec.zap"));
    fa_schema_result_free(&res);
    cJSON_Delete(o);
    cJSON_Delete(s);
    /* x-kubernetes-preserve-unknown-fields at the root (controller-gen's PreserveUnknownFields):
     * the root is a resource, its metadata is never pruned */
    s = cJSON_Parse("{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true,"
                    "\"properties\":{\"metadata\":{\"type\":\"object\"}}}");
    o = cJSON_Parse("{\"apiVersion\":\"x/v1\",\"kind\":\"W\",\"metadata\":{\"name\":\"w\",\"labels\":{\"a\":\"b\"}},"
                    "\"spec\":{\"x\":1}}");
    fa_schema_decode(s, false, o, &res);
    CU_ASSERT_EQUAL(res.nunknown, 0);
    CU_ASSERT_STRING_EQUAL(cj_str0(o, "metadata.name"), "w");
    CU_ASSERT_STRING_EQUAL(cj_str0(o, "metadata.labels.a"), "b");
    CU_ASSERT_EQUAL(cj_int(o, "spec.x", 0), 1);
    fa_schema_result_free(&res);
    cJSON_Delete(o);
    cJSON_Delete(s);
}

static void test_embedded_and_scale(void)
{
    cJSON *s = cJSON_Parse("{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{"
                           "\"e\":{\"type\":\"object\",\"x-kubernetes-embedded-resource\":true,\"x-kubernetes-preserve-unknown-fields\":true}}}}}");
    cJSON *o = cJSON_Parse("{\"spec\":{\"e\":{\"kind\":\"My_Kind\"},\"replicas\":-2},\"status\":{\"sel\":{\"a\":1}}}");
    fa_schema_result res = {0};
    fa_schema_validate_scale(o, ".spec.replicas", ".status.n", ".status.sel", &res);
    fa_schema_validate_embedded(s, o, FA_SCHEMA_WHOLE, &res);
    char *got = errors_text(&res);
    CU_ASSERT_STRING_EQUAL(got,
                           ".spec.replicas|FieldValueInvalid|Invalid value: -2: should be a non-negative integer\n"
                           ".status.sel|FieldValueInvalid|Invalid value: \"\": .status.sel accessor error: map[a:1] is of the "
                           "type map[string]interface {}, expected string\n"
                           "spec.e.apiVersion|FieldValueRequired|Required value\n"
                           "spec.e.kind|FieldValueInvalid|Invalid value: \"My_Kind\": may have mixed case, but should otherwise "
                           "match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                           "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex "
                           "used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
    free(got);
    fa_schema_result_free(&res);
    /* a main-resource write checks everything but the status it drops */
    cJSON_Delete(s);
    s = cJSON_Parse("{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{"
                    "\"e\":{\"type\":\"object\",\"x-kubernetes-embedded-resource\":true,\"x-kubernetes-preserve-unknown-fields\":true}}},"
                    "\"status\":{\"type\":\"object\",\"properties\":{"
                    "\"e\":{\"type\":\"object\",\"x-kubernetes-embedded-resource\":true,\"x-kubernetes-preserve-unknown-fields\":true}}}}}");
    cJSON_Delete(o);
    o = cJSON_Parse("{\"spec\":{\"e\":{}},\"status\":{\"e\":{}}}");
    fa_schema_validate_embedded(s, o, FA_SCHEMA_SKIP_STATUS, &res);
    got = errors_text(&res);
    CU_ASSERT_STRING_EQUAL(got, "spec.e.apiVersion|FieldValueRequired|Required value\n"
                                "spec.e.kind|FieldValueRequired|Required value");
    free(got);
    fa_schema_result_free(&res);
    fa_schema_validate_embedded(s, o, FA_SCHEMA_STATUS_ONLY, &res);
    got = errors_text(&res);
    CU_ASSERT_STRING_EQUAL(got, "status.e.apiVersion|FieldValueRequired|Required value\n"
                                "status.e.kind|FieldValueRequired|Required value");
    free(got);
    fa_schema_result_free(&res);
    /* an embedded kind that is not a string is a decoding error */
    cJSON_Delete(o);
    o = cJSON_Parse("{\"spec\":{\"e\":{\"kind\":5}}}");
    fa_schema_decode(s, false, o, &res);
    CU_ASSERT_STRING_EQUAL(res.decode_error ? res.decode_error : "", "spec.e.kind: Invalid value: 5: must be a string");
    fa_schema_result_free(&res);
    cJSON_Delete(o);
    cJSON_Delete(s);
}

static void test_crd_schema_checks(void)
{
    static const struct {
        const char *schema, *want_errors, *want_decode;
    } cases[] = {
        {"{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\"}}}", "", NULL},
        {"{\"properties\":{\"spec\":{\"type\":\"object\"}}}", "p.type|FieldValueRequired|Required value: must not be empty at the root", NULL},
        {"{\"type\":\"array\"}",
         "p.items|FieldValueRequired|Required value: must be specified\n"
         "p.type|FieldValueInvalid|Invalid value: \"array\": must be object at the root", NULL},
        {"{\"type\":\"object\",\"properties\":{\"a\":{\"properties\":{}},\"b\":{\"type\":\"object\",\"uniqueItems\":true,"
         "\"x-kubernetes-preserve-unknown-fields\":false}}}",
         "p.properties[a].type|FieldValueRequired|Required value: must not be empty for specified object fields\n"
         "p.properties[b].uniqueItems|FieldValueForbidden|Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic\n"
         "p.properties[b].x-kubernetes-preserve-unknown-fields|FieldValueInvalid|Invalid value: false: must be true or undefined", NULL},
        {"{\"type\":\"object\",\"properties\":5}", "",
         "json: cannot unmarshal number into Go struct field JSONSchemaProps.p.properties of type map[string]v1.JSONSchemaProps"},
        {"{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"maxLength\":\"x\"}}}", "",
         "json: cannot unmarshal string into Go struct field JSONSchemaProps.p.properties.maxLength of type int64"},
        {"{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true}", "", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *s = cJSON_Parse(cases[i].schema);
        fa_schema_result res = {0};
        fa_schema_check_crd(s, "p", &res);
        char *got = errors_text(&res);
        CU_ASSERT_STRING_EQUAL(got, cases[i].want_errors);
        if (strcmp(got, cases[i].want_errors))
            fprintf(stderr, "\ncase %zu: got %s\n", i, got);
        CU_ASSERT_STRING_EQUAL(res.decode_error ? res.decode_error : "(none)",
                               cases[i].want_decode ? cases[i].want_decode : "(none)");
        free(got);
        fa_schema_result_free(&res);
        cJSON_Delete(s);
    }
}

static void test_go_renderings(void)
{
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"{\"b\":1,\"a\":[true,null,\"<&>\"],\"c\":1.5e-7,\"d\":1e21,\"e\":0.1}",
         "{\"a\":[true,null,\"\\u003c\\u0026\\u003e\"],\"b\":1,\"c\":1.5e-7,\"d\":1e+21,\"e\":0.1}"},
        {"\"tab\\there\"", "\"tab\\there\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *v = cJSON_Parse(cases[i].json);
        char *got = fa_schema_go_json(v);
        CU_ASSERT_STRING_EQUAL(got, cases[i].want);
        free(got);
        cJSON_Delete(v);
    }
    char *q = fa_schema_go_quote("a\"b\\c\n\x01\xff é");
    CU_ASSERT_STRING_EQUAL(q, "\"a\\\"b\\\\c\\n\\x01\\xff é\"");
    free(q);
    /* %v of floats in messages: 'g' with the shortest digits */
    cJSON *s = cJSON_Parse("{\"type\":\"object\",\"properties\":{\"f\":{\"type\":\"number\",\"maximum\":1000000}}}");
    cJSON *o = cJSON_Parse("{\"f\":1234567.5}");
    fa_schema_result res = {0};
    fa_schema_validate(s, o, FA_SCHEMA_WHOLE, &res);
    char *got = errors_text(&res);
    CU_ASSERT_STRING_EQUAL(got, "f|FieldValueInvalid|Invalid value: 1.2345675e+06: f in body should be less than or equal to 1e+06");
    free(got);
    fa_schema_result_free(&res);
    cJSON_Delete(s);
    cJSON_Delete(o);
}

/* ---- through the server, with Cutover's CRDs ---- */

static fakeapi *srv;
static const char *RO = "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts";

static cJSON *call(const char *method, const char *path, const char *ct, const char *body, unsigned *code)
{
    char *out = NULL;
    *code = fakeapi_call(srv, method, path, ct, body, &out);
    cJSON *o = out ? cJSON_Parse(out) : NULL;
    free(out);
    return cu_keep(o ? o : cJSON_CreateNull());
}

static const char *rollout(const char *name, const char *extra_spec)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\",\"metadata\":{\"name\":\"%s\"},"
             "\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"a\"}},\"template\":{\"metadata\":{\"labels\":"
             "{\"app\":\"a\"}},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\"}]}},"
             "\"strategy\":{\"blueGreen\":{\"activeService\":\"a\"}}%s}}",
             name, extra_spec);
    return buf;
}

static void install_crds(void)
{
    static const char *const files[] = {"rollout", "analysis-run", "analysis-template", "cluster-analysis-template",
                                        "experiment"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "deploy/crds/%s-crd.yaml", files[i]);
        cJSON *crd = cu_keep(cu_load_yaml(rel));
        char *body = cJSON_PrintUnformatted(crd);
        unsigned code;
        call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions?fieldValidation=Strict", NULL, body, &code);
        CU_ASSERT_EQUAL(code, 201);
        free(body);
    }
}

static void test_server_create(void)
{
    unsigned code;
    install_crds();
    /* one wrong type: the message kubectl prints */
    cJSON *o = call("POST", RO, NULL,
             "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\",\"metadata\":{\"name\":\"bad\"},\"spec\":{"
             "\"strategy\":{\"blueGreen\":{\"activeService\":12}}}}",
             &code);
    CU_ASSERT_EQUAL(code, 422);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "message"),
                           "Rollout.argoproj.io \"bad\" is invalid: spec.strategy.blueGreen.activeService: Invalid value: "
                           "\"integer\": spec.strategy.blueGreen.activeService in body must be of type string: \"integer\"");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "reason"), "Invalid");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "details.kind"), "Rollout");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "details.group"), "argoproj.io");
    cJSON *cause = cJSON_GetArrayItem(cj_get(o, "details.causes"), 0);
    CU_ASSERT_STRING_EQUAL(cj_str(cause, "reason"), "FieldValueTypeInvalid");
    CU_ASSERT_STRING_EQUAL(cj_str(cause, "field"), "spec.strategy.blueGreen.activeService");
    /* several at once, in brackets */
    o = call("POST", RO, NULL, rollout("bad", ",\"paused\":\"yes\",\"minReadySeconds\":\"10\""), &code);
    CU_ASSERT_EQUAL(code, 422);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "message"),
                           "Rollout.argoproj.io \"bad\" is invalid: [spec.paused: Invalid value: \"string\": spec.paused in body "
                           "must be of type boolean: \"string\", spec.minReadySeconds: Invalid value: \"string\": "
                           "spec.minReadySeconds in body must be of type integer: \"string\"]");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(o, "details.causes")), 2);
    /* a missing required field */
    o = call("POST", RO, NULL, "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\",\"metadata\":{\"name\":\"bad\"}}", &code);
    CU_ASSERT_EQUAL(code, 422);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "message"), "Rollout.argoproj.io \"bad\" is invalid: spec: Required value");
    /* nothing was written */
    call("GET", "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/bad", NULL, NULL, &code);
    CU_ASSERT_EQUAL(code, 404);
    /* unknown fields: Strict refuses them all, in the apiserver's order */
    o = call("POST", "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts?fieldValidation=Strict", NULL,
             rollout("strict", ",\"foo\":1,\"bar\":{\"x\":1}"), &code);
    CU_ASSERT_EQUAL(code, 400);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "message"), "Rollout in version \"v1alpha1\" cannot be handled as a Rollout: strict "
                                                 "decoding error: unknown field \"spec.bar\", unknown field \"spec.foo\"");
    /* Warn (the default) and Ignore prune them */
    o = call("POST", RO, NULL, rollout("warned", ",\"foo\":1"), &code);
    CU_ASSERT_EQUAL(code, 201);
    CU_ASSERT_PTR_NULL(cj_get(o, "spec.foo"));
    o = call("POST", "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts?fieldValidation=Ignore", NULL,
             rollout("ignored", ",\"foo\":1"), &code);
    CU_ASSERT_EQUAL(code, 201);
    CU_ASSERT_PTR_NULL(cj_get(o, "spec.foo"));
    /* what the controller does not read is kept as it is */
    o = call("POST", "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts?fieldValidation=Strict", NULL,
             "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\",\"metadata\":{\"name\":\"kept\"},\"spec\":{"
             "\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"i\","
             "\"resources\":{\"limits\":{\"cpu\":\"1\"}}}],\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}}]}},"
             "\"strategy\":{\"canary\":{\"steps\":[{\"analysis\":{\"templates\":[{\"templateName\":\"t\"}]}},"
             "{\"experiment\":{\"templates\":[{\"name\":\"e\",\"specRef\":\"canary\"}]}}],"
             "\"trafficRouting\":{\"istio\":{\"virtualService\":{\"name\":\"vs\"}}}}}}}",
             &code);
    CU_ASSERT_EQUAL(code, 201);
    char *kept = cJSON_PrintUnformatted(o);
    CU_ASSERT_PTR_NOT_NULL(strstr(kept, "\"limits\":{\"cpu\":\"1\"}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(kept, "\"emptyDir\":{}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(kept, "\"templateName\":\"t\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(kept, "\"specRef\":\"canary\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(kept, "\"virtualService\":{\"name\":\"vs\"}"));
    free(kept);
    /* dry runs are validated too */
    o = call("POST", "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts?dryRun=All", NULL,
             rollout("dry", ",\"replicas\":\"x\""), &code);
    CU_ASSERT_EQUAL(code, 422);
    /* a bad fieldValidation */
    o = call("POST", "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts?fieldValidation=Loose", NULL,
             rollout("x", ""), &code);
    CU_ASSERT_EQUAL(code, 422);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "message"), "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported "
                                                 "value: \"Loose\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
    cu_drop();
}

static void test_server_update_patch_status(void)
{
    unsigned code;
    const char *W = "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/warned";
    cJSON *before = call("GET", W, NULL, NULL, &code);
    const char *rv = cj_str(before, "metadata.resourceVersion");
    /* a merge patch to a wrong type: refused, nothing written */
    cJSON *o = call("PATCH", W, "application/merge-patch+json", "{\"spec\":{\"replicas\":\"three\"}}", &code);
    CU_ASSERT_EQUAL(code, 422);
    CU_ASSERT_STRING_EQUAL(cJSON_GetArrayItem(cj_get(o, "details.causes"), 0) ?
                               cj_str(cJSON_GetArrayItem(cj_get(o, "details.causes"), 0), "field") : "",
                           "spec.replicas");
    o = call("GET", W, NULL, NULL, &code);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "metadata.resourceVersion"), rv);
    /* JSON patch, and PUT, likewise */
    call("PATCH", W, "application/json-patch+json", "[{\"op\":\"replace\",\"path\":\"/spec/paused\",\"value\":\"no\"}]", &code);
    CU_ASSERT_EQUAL(code, 422);
    cJSON *put = cJSON_Duplicate(before, 1);
    cj_set(cj_obj(put, "spec"), "revisionHistoryLimit", cJSON_CreateString("ten"));
    char *body = cJSON_PrintUnformatted(put);
    call("PUT", W, NULL, body, &code);
    CU_ASSERT_EQUAL(code, 422);
    free(body);
    cJSON_Delete(put);
    /* a patch bringing an unknown field under Strict: 422 on "patch" with the patched object */
    o = call("PATCH", "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/warned?fieldValidation=Strict",
             "application/merge-patch+json", "{\"spec\":{\"foo\":1}}", &code);
    CU_ASSERT_EQUAL(code, 422);
    const char *msg = cj_str(o, "message");
    CU_ASSERT_EQUAL(strncmp(msg ? msg : "", " \"\" is invalid: patch: Invalid value: \"{\\\"apiVersion\\\":", 52), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg ? msg : "", "}\": strict decoding error: unknown field \"spec.foo\""));
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(o, "details.causes"), 0), "field"), "patch");
    /* without Strict the patch is pruned to a no-op */
    o = call("PATCH", W, "application/merge-patch+json", "{\"spec\":{\"foo\":1}}", &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "metadata.resourceVersion"), rv);
    /* a dry-run patch is validated */
    call("PATCH", "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/warned?dryRun=All",
         "application/merge-patch+json", "{\"spec\":{\"paused\":3}}", &code);
    CU_ASSERT_EQUAL(code, 422);
    /* /status: checked against the status schema, the apiserver's own paths */
    const char *WS = "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/warned/status";
    o = call("PATCH", WS, "application/merge-patch+json", "{\"status\":{\"phase\":5,\"observedGeneration\":2}}", &code);
    CU_ASSERT_EQUAL(code, 422);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "message"),
                           "Rollout.argoproj.io \"warned\" is invalid: [status.phase: Invalid value: \"integer\": phase in body "
                           "must be of type string: \"integer\", status.observedGeneration: Invalid value: \"integer\": "
                           "observedGeneration in body must be of type string: \"integer\"]");
    o = call("PATCH", WS, "application/merge-patch+json",
             "{\"status\":{\"phase\":\"Healthy\",\"observedGeneration\":\"1\",\"HPAReplicas\":2,\"selector\":\"app=a\","
             "\"conditions\":[{\"type\":\"Available\",\"status\":\"True\",\"reason\":\"r\",\"message\":\"m\","
             "\"lastUpdateTime\":\"2024-01-01T00:00:00Z\",\"lastTransitionTime\":\"2024-01-01T00:00:00Z\"}]}}",
             &code);
    CU_ASSERT_EQUAL(code, 200);
    o = call("PATCH", WS, "application/merge-patch+json",
             "{\"status\":{\"conditions\":[{\"type\":\"Available\",\"status\":\"True\"}]}}", &code);
    CU_ASSERT_EQUAL(code, 422);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(o, "details.causes")), 4);
    /* a main-resource write ignores the status it carries: no error from a bad one */
    o = call("PATCH", W, "application/merge-patch+json", "{\"status\":{\"phase\":7},\"spec\":{\"paused\":true}}", &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "status.phase"), "Healthy");
    /* /scale */
    o = call("PATCH", "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/warned/scale", "application/merge-patch+json",
             "{\"spec\":{\"replicas\":4}}", &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_EQUAL(cj_int(o, "spec.replicas", -1), 4);
    cu_drop();
}

static void test_server_crds(void)
{
    unsigned code;
    const char *C = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    char body[2048];
    const char *tmpl = "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"metadata\":"
                       "{\"name\":\"%s.example.com\"},\"spec\":{\"group\":\"example.com\",\"names\":{\"plural\":\"%s\","
                       "\"kind\":\"%s\"},\"scope\":\"Namespaced\",\"versions\":[{\"name\":\"v1\",\"served\":true,"
                       "\"storage\":true%s}]}}";
    /* not structural */
    snprintf(body, sizeof body, tmpl, "widgets", "widgets", "Widget",
             ",\"schema\":{\"openAPIV3Schema\":{\"properties\":{\"spec\":{\"type\":\"object\"}}}}");
    cJSON *o = call("POST", C, NULL, body, &code);
    CU_ASSERT_EQUAL(code, 422);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "message"), "CustomResourceDefinition.apiextensions.k8s.io \"widgets.example.com\" is "
                                                 "invalid: spec.versions[0].schema.openAPIV3Schema.type: Required value: must "
                                                 "not be empty at the root");
    snprintf(body, sizeof body, tmpl, "widgets", "widgets", "Widget",
             ",\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\",\"properties\":[]}}");
    o = call("POST", C, NULL, body, &code);
    CU_ASSERT_EQUAL(code, 400);
    /* no schema: nothing is validated or pruned */
    snprintf(body, sizeof body, tmpl, "gadgets", "gadgets", "Gadget", "");
    call("POST", C, NULL, body, &code);
    CU_ASSERT_EQUAL(code, 201);
    o = call("POST", "/apis/example.com/v1/namespaces/default/gadgets?fieldValidation=Strict", NULL,
             "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Gadget\",\"metadata\":{\"name\":\"g\"},\"spec\":{\"any\":[1,\"x\"]},\"top\":1}",
             &code);
    CU_ASSERT_EQUAL(code, 201);
    CU_ASSERT_PTR_NOT_NULL(cj_get(o, "top"));
    /* preserve-unknown-fields at the root: kept, the declared fields still checked */
    snprintf(body, sizeof body, tmpl, "gizmos", "gizmos", "Gizmo",
             ",\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true,"
             "\"properties\":{\"size\":{\"type\":\"integer\"}}}}");
    call("POST", C, NULL, body, &code);
    CU_ASSERT_EQUAL(code, 201);
    o = call("POST", "/apis/example.com/v1/namespaces/default/gizmos?fieldValidation=Strict", NULL,
             "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"g\"},\"spec\":{\"x\":1}}", &code);
    CU_ASSERT_EQUAL(code, 201);
    o = call("POST", "/apis/example.com/v1/namespaces/default/gizmos", NULL,
             "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"h\"},\"size\":\"big\"}", &code);
    CU_ASSERT_EQUAL(code, 422);
    cu_drop();
}

/* Every Rollout of the scenarios' manifests passes, under kubectl's strict validation. */
static void test_manifests_are_valid(void)
{
    const char *here = __FILE__, *slash = strrchr(here, '/');
    char dir[1024];
    snprintf(dir, sizeof dir, "%.*s/../../scenarios/manifests", (int)(slash - here), here);
    DIR *d = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    int checked = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strstr(e->d_name, ".yaml"))
            continue;
        char path[1400], err[256];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        char *text = co_read_file(path, 0, &len);
        cJSON *docs = text ? yaml_parse_all(text, len, err, sizeof err) : NULL;
        free(text);
        cJSON *doc;
        cJSON_ArrayForEach(doc, docs)
        {
            if (!cj_streq(cj_str(doc, "kind"), "Rollout"))
                continue;
            char *body = cJSON_PrintUnformatted(doc);
            unsigned code;
            cJSON *o = call("POST", "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts?dryRun=All&fieldValidation=Strict",
                            NULL, body, &code);
            if (code != 201)
                fprintf(stderr, "\n%s: %u %s\n", e->d_name, code, cj_str(o, "message"));
            CU_ASSERT_EQUAL(code, 201);
            free(body);
            checked++;
        }
        cJSON_Delete(docs);
    }
    closedir(d);
    CU_ASSERT(checked > 20);
    cu_drop();
}

int main(void)
{
    char err[256];
    fakeapi_options opts = {.seed = 7, .no_sim = 1};
    srv = fakeapi_start(&opts, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "cannot start the server: %s\n", err);
        return 1;
    }
    static const cu_test tests[] = {
        {"validation errors, as the apiserver words them", test_validation_cases},
        {"patterns (RE2, run as POSIX)", test_patterns},
        {"pruning, ObjectMeta, nulls and defaults", test_pruning},
        {"embedded resources and the scale subresource", test_embedded_and_scale},
        {"a CRD's schema must be structural", test_crd_schema_checks},
        {"values rendered as Go renders them", test_go_renderings},
        {"create: 422 causes, strict decoding, pruning, dry run", test_server_create},
        {"update, patch, /status and /scale are validated", test_server_update_patch_status},
        {"CRDs: not structural, no schema, preserve-unknown-fields", test_server_crds},
        {"the scenarios' Rollouts are valid", test_manifests_are_valid},
        {NULL, NULL},
    };
    int rc = cu_run("schema", tests);
    fakeapi_stop(srv);
    return rc;
}
