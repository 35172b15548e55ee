/* test_json.c: the JSON merge-patch diff of common/json.h (RFC 7386), which the controller sends
 * as its status, ReplicaSet and canary-Ingress patches. */
#include "common/json.h"
#include "fakeapi/patch.h"
#include "cu.h"

#include <stdlib.h>
#include <string.h>

/* The diff from a to b, as text ("" for NULL), and a check that applying it to a gives b. */
static void check(const char *a, const char *b, const char *want)
{
    cJSON *from = cJSON_Parse(a), *to = cJSON_Parse(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(from);
    CU_ASSERT_PTR_NOT_NULL_FATAL(to);
    char *text = cj_merge_diff_text(from, to);
    CU_ASSERT_STRING_EQUAL(text ? text : "", want);
    cJSON *patch = cj_merge_diff(from, to);
    CU_ASSERT_EQUAL(patch == NULL, text == NULL);
    if (patch) { /* applied as the API server applies a merge patch, it gives `to` */
        cJSON *merged = NULL;
        char msg[256];
        CU_ASSERT_EQUAL(patch_merge(from, patch, &merged, msg, sizeof msg), 0);
        CU_ASSERT_TRUE(cj_equal(merged, to));
        cJSON_Delete(merged);
    }
    cJSON_Delete(patch);
    free(text);
    cJSON_Delete(from);
    cJSON_Delete(to);
}

static void test_merge_diff(void)
{
    check("{}", "{}", "");
    check("{\"a\":1,\"b\":{\"c\":[1,2]}}", "{\"b\":{\"c\":[1,2]},\"a\":1}", ""); /* member order does not matter */
    check("{\"a\":1}", "{\"a\":2}", "{\"a\":2}");
    check("{\"a\":1,\"b\":2}", "{\"a\":1}", "{\"b\":null}");
    check("{\"a\":1}", "{\"a\":1,\"b\":\"x\"}", "{\"b\":\"x\"}");
    check("{\"s\":{\"x\":1,\"y\":{\"z\":true}}}", "{\"s\":{\"x\":1,\"y\":{\"z\":false}}}", "{\"s\":{\"y\":{\"z\":false}}}");
    check("{\"l\":[1,2,3]}", "{\"l\":[1,3]}", "{\"l\":[1,3]}"); /* arrays are replaced whole */
    check("{\"o\":{\"k\":1}}", "{\"o\":\"now a string\"}", "{\"o\":\"now a string\"}");
    check("{\"o\":\"a string\"}", "{\"o\":{\"k\":1}}", "{\"o\":{\"k\":1}}");
    check("{\"status\":{\"phase\":\"Paused\",\"pauseConditions\":[{\"reason\":\"CanaryPauseStep\"}]}}",
          "{\"status\":{\"phase\":\"Progressing\"}}", "{\"status\":{\"pauseConditions\":null,\"phase\":\"Progressing\"}}"); /* removals first */
}

int main(void)
{
    static const cu_test tests[] = {
        {"merge-patch diff: equal, changed, added, removed, nested, arrays, type changes", test_merge_diff},
        {NULL, NULL},
    };
    return cu_run("json", tests);
}
