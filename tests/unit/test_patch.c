/* test_patch.c: owns the unit tests of fakeapi/patch.c: RFC 7386 and RFC 6902 example vectors,
 * JSON pointer escapes, atomicity, the 10000-operation limit, the strategic merge patch subset
 * kubectl relies on (ordering vectors mirror apimachinery's own test expectations) and robustness
 * against NULLs, wrong types, deep nesting and large inputs.
 *
 * Cases are tables of JSON strings written with single quotes (turned into double quotes before
 * parsing) so they stay readable; none of the test data needs a literal apostrophe. */
#include "fakeapi/patch.h"
#include "tests/unit/cu.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char failbuf[2048];

/* CU_ASSERT with a formatted message naming the case (CUnit copies the text). */
#define CHECK(cond, ...)                                                                                \
    do {                                                                                                \
        bool ok_ = (cond);                                                                              \
        if (!ok_)                                                                                       \
            snprintf(failbuf, sizeof failbuf, __VA_ARGS__);                                             \
        CU_assertImplementation(ok_, __LINE__, ok_ ? #cond : failbuf, __FILE__, __func__, CU_FALSE);    \
    } while (0)

typedef enum { MERGE, JSONP, SMP } ptype;

typedef struct {
    const char *name;
    const char *doc;
    const char *patch;
    const char *want; /* expected document; NULL when an error is expected */
    int code;
    const char *msg_has; /* optional: substring of the error message */
    const char *kind;    /* strategic merge patch only */
} pcase;

static cJSON *parse_q(const char *s)
{
    char *copy = strdup(s);
    for (char *p = copy; *p; p++)
        if (*p == '\'')
            *p = '"';
    cJSON *v = cJSON_Parse(copy);
    free(copy);
    return v;
}

static int apply(ptype t, const cJSON *doc, const cJSON *patch, const char *kind, cJSON **out, char *msg,
                 size_t msglen)
{
    switch (t) {
    case MERGE:
        return patch_merge(doc, patch, out, msg, msglen);
    case JSONP:
        return patch_json(doc, patch, out, msg, msglen);
    default:
        return patch_strategic(doc, patch, kind, out, msg, msglen);
    }
}

static bool has_dollar_key(const cJSON *v)
{
    for (const cJSON *c = v ? v->child : NULL; c; c = c->next) {
        if (cJSON_IsObject(v) && c->string && c->string[0] == '$')
            return true;
        if (has_dollar_key(c))
            return true;
    }
    return false;
}

static char *print(const cJSON *v)
{
    return v ? cJSON_PrintUnformatted(v) : strdup("(null)");
}

/* Runs one case: checks the code, the result (cJSON_Compare: object order is free, list order is
   not), that *out is NULL and the message is set on failure, and that `doc` was not touched. */
static void run_case(ptype t, const pcase *pc)
{
    cJSON *doc = parse_q(pc->doc), *patch = parse_q(pc->patch), *want = pc->want ? parse_q(pc->want) : NULL;
    CHECK(doc && patch && (want || !pc->want), "%s: test data does not parse", pc->name);
    if (!doc || !patch || (pc->want && !want)) {
        cJSON_Delete(doc);
        cJSON_Delete(patch);
        cJSON_Delete(want);
        return;
    }
    char *before = print(doc);
    cJSON *out = NULL;
    char msg[512];
    memset(msg, 'x', sizeof msg);
    int rc = apply(t, doc, patch, pc->kind, &out, msg, sizeof msg);
    CHECK(memchr(msg, '\0', sizeof msg) != NULL, "%s: message not NUL-terminated", pc->name);
    msg[sizeof msg - 1] = '\0';
    char *got = print(out);
    CHECK(rc == pc->code, "%s: code %d (%s), want %d; result %s", pc->name, rc, msg, pc->code, got);
    if (pc->code == PATCH_OK && rc == PATCH_OK) {
        char *w = print(want);
        CHECK(cJSON_Compare(out, want, true), "%s: got %s, want %s", pc->name, got, w);
        free(w);
        if (t == SMP)
            CHECK(!has_dollar_key(out), "%s: a $ key was stored: %s", pc->name, got);
    } else if (pc->code != PATCH_OK) {
        CHECK(out == NULL, "%s: *out must be NULL on failure", pc->name);
        CHECK(msg[0] != '\0', "%s: empty error message", pc->name);
        if (pc->msg_has)
            CHECK(strstr(msg, pc->msg_has) != NULL, "%s: message \"%s\" lacks \"%s\"", pc->name, msg, pc->msg_has);
    }
    char *after = print(doc);
    CHECK(strcmp(before, after) == 0, "%s: doc changed: %s -> %s", pc->name, before, after);
    free(before);
    free(after);
    free(got);
    cJSON_Delete(out);
    cJSON_Delete(doc);
    cJSON_Delete(patch);
    cJSON_Delete(want);
}

#define RUN_TABLE(type, table)                                                                         \
    for (size_t i_ = 0; i_ < sizeof(table) / sizeof *(table); i_++)                                    \
    run_case(type, &(table)[i_])

/* ---------------------------------------------------------------------------------------------
 * JSON merge patch
 * ------------------------------------------------------------------------------------------- */

static const pcase merge_cases[] = {
    /* RFC 7386 section 3 */
    {"rfc7386 example",
     "{'title':'Goodbye!','author':{'givenName':'John','familyName':'Doe'},'tags':['example','sample'],"
     "'content':'This will be unchanged'}",
     "{'title':'Hello!','phoneNumber':'+01-123-456-7890','author':{'familyName':null},'tags':['example']}",
     "{'title':'Hello!','author':{'givenName':'John'},'tags':['example'],'content':'This will be unchanged',"
     "'phoneNumber':'+01-123-456-7890'}",
     0, NULL, NULL},
    /* RFC 7386 appendix A */
    {"A.1", "{'a':'b'}", "{'a':'c'}", "{'a':'c'}", 0, NULL, NULL},
    {"A.2", "{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}", 0, NULL, NULL},
    {"A.3", "{'a':'b'}", "{'a':null}", "{}", 0, NULL, NULL},
    {"A.4", "{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}", 0, NULL, NULL},
    {"A.5", "{'a':['b']}", "{'a':'c'}", "{'a':'c'}", 0, NULL, NULL},
    {"A.6", "{'a':'c'}", "{'a':['b']}", "{'a':['b']}", 0, NULL, NULL},
    {"A.7", "{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}", 0, NULL, NULL},
    {"A.8", "{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}", 0, NULL, NULL},
    {"A.9", "['a','b']", "['c','d']", "['c','d']", 0, NULL, NULL},
    {"A.10", "{'a':'b'}", "['c']", "['c']", 0, NULL, NULL},
    {"A.11", "{'a':'foo'}", "null", "null", 0, NULL, NULL},
    {"A.12", "{'a':'foo'}", "'bar'", "'bar'", 0, NULL, NULL},
    {"A.13", "{'e':null}", "{'a':1}", "{'e':null,'a':1}", 0, NULL, NULL},
    {"A.14", "[1,2]", "{'a':'b','c':null}", "{'a':'b'}", 0, NULL, NULL},
    {"A.15", "{}", "{'a':{'bb':{'ccc':null}}}", "{'a':{'bb':{}}}", 0, NULL, NULL},
    /* kubectl label / annotate / scale */
    {"label add and remove", "{'metadata':{'name':'p','labels':{'app':'a','tier':'web'}}}",
     "{'metadata':{'labels':{'tier':null,'env':'prod'}}}", "{'metadata':{'name':'p','labels':{'app':'a','env':'prod'}}}",
     0, NULL, NULL},
    {"scale", "{'spec':{'replicas':1,'template':{}}}", "{'spec':{'replicas':3}}",
     "{'spec':{'replicas':3,'template':{}}}", 0, NULL, NULL},
    {"arrays replace whole", "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
     "{'spec':{'containers':[{'name':'c'}]}}", "{'spec':{'containers':[{'name':'c'}]}}", 0, NULL, NULL},
    {"null for missing key is a no-op", "{'a':1}", "{'b':null}", "{'a':1}", 0, NULL, NULL},
    {"$ keys are plain data in merge patch", "{}", "{'$patch':'delete'}", "{'$patch':'delete'}", 0, NULL, NULL},
};

static void test_merge_rfc7386(void)
{
    RUN_TABLE(MERGE, merge_cases);
}

/* ---------------------------------------------------------------------------------------------
 * JSON patch
 * ------------------------------------------------------------------------------------------- */

static const pcase json_rfc_cases[] = {
    {"A.1 add object member", "{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux'}]",
     "{'baz':'qux','foo':'bar'}", 0, NULL, NULL},
    {"A.2 add array element", "{'foo':['bar','baz']}", "[{'op':'add','path':'/foo/1','value':'qux'}]",
     "{'foo':['bar','qux','baz']}", 0, NULL, NULL},
    {"A.3 remove object member", "{'baz':'qux','foo':'bar'}", "[{'op':'remove','path':'/baz'}]", "{'foo':'bar'}", 0,
     NULL, NULL},
    {"A.4 remove array element", "{'foo':['bar','qux','baz']}", "[{'op':'remove','path':'/foo/1'}]",
     "{'foo':['bar','baz']}", 0, NULL, NULL},
    {"A.5 replace", "{'baz':'qux','foo':'bar'}", "[{'op':'replace','path':'/baz','value':'boo'}]",
     "{'baz':'boo','foo':'bar'}", 0, NULL, NULL},
    {"A.6 move value", "{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}",
     "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]",
     "{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}", 0, NULL, NULL},
    {"A.7 move array element", "{'foo':['all','grass','cows','eat']}",
     "[{'op':'move','from':'/foo/1','path':'/foo/3'}]", "{'foo':['all','cows','eat','grass']}", 0, NULL, NULL},
    {"A.8 test success", "{'baz':'qux','foo':['a',2,'c']}",
     "[{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}]",
     "{'baz':'qux','foo':['a',2,'c']}", 0, NULL, NULL},
    {"A.9 test error", "{'baz':'qux'}", "[{'op':'test','path':'/baz','value':'bar'}]", NULL, PATCH_INVALID,
     "testing value /baz failed", NULL},
    {"A.10 add nested member object", "{'foo':'bar'}", "[{'op':'add','path':'/child','value':{'grandchild':{}}}]",
     "{'foo':'bar','child':{'grandchild':{}}}", 0, NULL, NULL},
    {"A.11 ignore unrecognized elements", "{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux','xyz':123}]",
     "{'foo':'bar','baz':'qux'}", 0, NULL, NULL},
    {"A.12 add to nonexistent target", "{'foo':'bar'}", "[{'op':'add','path':'/baz/bat','value':'qux'}]", NULL,
     PATCH_INVALID, "doc is missing path", NULL},
    {"A.13 invalid document (repeated op)", "{'foo':'bar'}",
     "[{'op':'add','path':'/baz','value':'qux','op':'remove'}]", NULL, PATCH_BAD_REQUEST, "\"op\"", NULL},
    {"A.14 ~ escape ordering", "{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':10}]", "{'/':9,'~1':10}", 0,
     NULL, NULL},
    {"A.15 strings and numbers differ", "{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':'10'}]", NULL,
     PATCH_INVALID, "testing value /~01 failed", NULL},
    {"A.16 add array value", "{'foo':['bar']}", "[{'op':'add','path':'/foo/-','value':['abc','def']}]",
     "{'foo':['bar',['abc','def']]}", 0, NULL, NULL},
};

static void test_json_rfc6902_appendix(void)
{
    RUN_TABLE(JSONP, json_rfc_cases);
}

static const pcase json_pointer_cases[] = {
    {"~1 is a slash", "{}", "[{'op':'add','path':'/a~1b','value':1}]", "{'a/b':1}", 0, NULL, NULL},
    {"~0 is a tilde", "{}", "[{'op':'add','path':'/m~0n','value':1}]", "{'m~n':1}", 0, NULL, NULL},
    {"~01 is ~1 not /", "{}", "[{'op':'add','path':'/~01','value':1}]", "{'~1':1}", 0, NULL, NULL},
    {"empty key", "{'a':1}", "[{'op':'add','path':'/','value':2}]", "{'a':1,'':2}", 0, NULL, NULL},
    {"label key with slash",
     "{'metadata':{'labels':{'app.kubernetes.io/name':'x'}}}",
     "[{'op':'replace','path':'/metadata/labels/app.kubernetes.io~1name','value':'y'}]",
     "{'metadata':{'labels':{'app.kubernetes.io/name':'y'}}}", 0, NULL, NULL},
    {"keys are case-sensitive", "{'a':1}", "[{'op':'remove','path':'/A'}]", NULL, PATCH_INVALID, NULL, NULL},
    {"bad escape ~2", "{}", "[{'op':'add','path':'/a~2','value':1}]", NULL, PATCH_BAD_REQUEST, "'~'", NULL},
    {"trailing ~", "{}", "[{'op':'add','path':'/a~','value':1}]", NULL, PATCH_BAD_REQUEST, NULL, NULL},
    {"no leading slash", "{}", "[{'op':'add','path':'a','value':1}]", NULL, PATCH_BAD_REQUEST, "start with '/'",
     NULL},
    {"bad from pointer", "{'a':1}", "[{'op':'copy','from':'a','path':'/b'}]", NULL, PATCH_BAD_REQUEST, NULL, NULL},
    {"leading zero index", "{'a':[1,2]}", "[{'op':'replace','path':'/a/01','value':3}]", NULL, PATCH_INVALID, NULL,
     NULL},
    {"index into scalar", "{'a':1}", "[{'op':'add','path':'/a/b','value':3}]", NULL, PATCH_INVALID, NULL, NULL},
};

static void test_json_pointer(void)
{
    RUN_TABLE(JSONP, json_pointer_cases);
}

static const pcase json_more_cases[] = {
    {"add replaces existing member", "{'a':1}", "[{'op':'add','path':'/a','value':2}]", "{'a':2}", 0, NULL, NULL},
    {"add at array end by index", "{'a':[1]}", "[{'op':'add','path':'/a/1','value':2}]", "{'a':[1,2]}", 0, NULL,
     NULL},
    {"add at array start", "{'a':[1]}", "[{'op':'add','path':'/a/0','value':0}]", "{'a':[0,1]}", 0, NULL, NULL},
    {"add in the middle", "{'a':[1,2,3,4]}", "[{'op':'add','path':'/a/1','value':'x'}]", "{'a':[1,'x',2,3,4]}", 0,
     NULL, NULL},
    {"add to empty array at 0", "{'a':[]}", "[{'op':'add','path':'/a/0','value':1}]", "{'a':[1]}", 0, NULL, NULL},
    {"add to root array", "[1,2]", "[{'op':'add','path':'/0','value':0},{'op':'remove','path':'/2'}]", "[0,1]", 0,
     NULL, NULL},
    {"add null value", "{}", "[{'op':'add','path':'/a','value':null}]", "{'a':null}", 0, NULL, NULL},
    {"add whole document", "{'a':1}", "[{'op':'add','path':'','value':{'b':2}}]", "{'b':2}", 0, NULL, NULL},
    {"replace whole document", "{'a':1}", "[{'op':'replace','path':'','value':[1]}]", "[1]", 0, NULL, NULL},
    {"copy", "{'a':{'x':1}}", "[{'op':'copy','from':'/a','path':'/b'}]", "{'a':{'x':1},'b':{'x':1}}", 0, NULL, NULL},
    {"copy into array", "{'a':[1,2],'b':3}", "[{'op':'copy','from':'/b','path':'/a/1'}]", "{'a':[1,3,2],'b':3}", 0,
     NULL, NULL},
    {"move onto itself", "{'a':1}", "[{'op':'move','from':'/a','path':'/a'}]", "{'a':1}", 0, NULL, NULL},
    {"test object ignores member order", "{'a':{'x':1,'y':[1,{'z':2}]}}",
     "[{'op':'test','path':'/a','value':{'y':[1,{'z':2}],'x':1}}]", "{'a':{'x':1,'y':[1,{'z':2}]}}", 0, NULL, NULL},
    {"test whole document", "{'a':1}", "[{'op':'test','path':'','value':{'a':1}}]", "{'a':1}", 0, NULL, NULL},
    {"test is case-sensitive", "{'a':'X'}", "[{'op':'test','path':'/a','value':'x'}]", NULL, PATCH_INVALID, NULL,
     NULL},
    {"test null vs missing", "{}", "[{'op':'test','path':'/a','value':null}]", NULL, PATCH_INVALID,
     "missing path", NULL},
    {"ops apply in order", "{}",
     "[{'op':'add','path':'/a','value':[]},{'op':'add','path':'/a/-','value':1},"
     "{'op':'add','path':'/a/-','value':2},{'op':'move','from':'/a/0','path':'/a/-'}]",
     "{'a':[2,1]}", 0, NULL, NULL},
    {"empty patch", "{'a':1}", "[]", "{'a':1}", 0, NULL, NULL},
    /* 422: well-formed operations that do not apply */
    {"replace missing key", "{'spec':{}}", "[{'op':'replace','path':'/spec/foo','value':1}]", NULL, PATCH_INVALID,
     "replace operation does not apply: doc is missing key: /spec/foo", NULL},
    {"remove missing key", "{}", "[{'op':'remove','path':'/a'}]", NULL, PATCH_INVALID, "remove operation", NULL},
    {"remove past array end", "{'a':[1]}", "[{'op':'remove','path':'/a/1'}]", NULL, PATCH_INVALID, NULL, NULL},
    {"remove with - index", "{'a':[1]}", "[{'op':'remove','path':'/a/-'}]", NULL, PATCH_INVALID, NULL, NULL},
    {"remove whole document", "{'a':1}", "[{'op':'remove','path':''}]", NULL, PATCH_INVALID, NULL, NULL},
    {"add past array end", "{'a':[1]}", "[{'op':'add','path':'/a/2','value':1}]", NULL, PATCH_INVALID,
     "invalid index", NULL},
    {"move from missing", "{}", "[{'op':'move','from':'/a','path':'/b'}]", NULL, PATCH_INVALID, "from path", NULL},
    {"move into own child", "{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/a/b/c'}]", NULL, PATCH_INVALID,
     "proper prefix", NULL},
    {"copy from missing", "{}", "[{'op':'copy','from':'/a','path':'/b'}]", NULL, PATCH_INVALID, "from path", NULL},
    /* 400: malformed patch documents */
    {"not an array", "{}", "{'op':'add','path':'/a','value':1}", NULL, PATCH_BAD_REQUEST, "invalid JSON Patch",
     NULL},
    {"op not an object", "{}", "['add']", NULL, PATCH_BAD_REQUEST, "not an object", NULL},
    {"unknown op", "{}", "[{'op':'foo','path':'/a'}]", NULL, PATCH_BAD_REQUEST,
     "unexpected kind of operation \"foo\"", NULL},
    {"op is case-sensitive", "{}", "[{'op':'ADD','path':'/a','value':1}]", NULL, PATCH_BAD_REQUEST, NULL, NULL},
    {"missing op", "{}", "[{'path':'/a','value':1}]", NULL, PATCH_BAD_REQUEST, NULL, NULL},
    {"op not a string", "{}", "[{'op':1,'path':'/a','value':1}]", NULL, PATCH_BAD_REQUEST, NULL, NULL},
    {"missing path", "{}", "[{'op':'add','value':1}]", NULL, PATCH_BAD_REQUEST, "\"path\"", NULL},
    {"path not a string", "{}", "[{'op':'add','path':1,'value':1}]", NULL, PATCH_BAD_REQUEST, "\"path\"", NULL},
    {"missing value", "{}", "[{'op':'add','path':'/a'}]", NULL, PATCH_BAD_REQUEST, "\"value\"", NULL},
    {"test missing value", "{}", "[{'op':'test','path':'/a'}]", NULL, PATCH_BAD_REQUEST, "\"value\"", NULL},
    {"move missing from", "{'a':1}", "[{'op':'move','path':'/b'}]", NULL, PATCH_BAD_REQUEST, "\"from\"", NULL},
    {"malformed op after a failing one is still 400", "{}",
     "[{'op':'remove','path':'/nope'},{'op':'bogus','path':'/a'}]", NULL, PATCH_BAD_REQUEST, NULL, NULL},
};

static void test_json_ops_and_errors(void)
{
    RUN_TABLE(JSONP, json_more_cases);
}

/* A failing op after successful ones: the document is untouched and nothing is returned
   (run_case also checks `doc`; here the ops change the root itself before failing). */
static const pcase json_atomic_cases[] = {
    {"root replaced then test fails", "{'a':1}",
     "[{'op':'replace','path':'','value':{'b':2}},{'op':'test','path':'/b','value':3}]", NULL, PATCH_INVALID, NULL,
     NULL},
    {"several edits then missing path", "{'metadata':{'labels':{'a':'1'}},'spec':{'x':[1,2]}}",
     "[{'op':'add','path':'/metadata/labels/b','value':'2'},{'op':'remove','path':'/spec/x/0'},"
     "{'op':'move','from':'/spec/x','path':'/y'},{'op':'replace','path':'/spec/foo','value':1}]",
     NULL, PATCH_INVALID, "/spec/foo", NULL},
};

static void test_json_atomic(void)
{
    RUN_TABLE(JSONP, json_atomic_cases);
}

static cJSON *append_ops(int n)
{
    cJSON *ops = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        cJSON *op = cJSON_CreateObject();
        cJSON_AddStringToObject(op, "op", "add");
        cJSON_AddStringToObject(op, "path", "/a/-");
        cJSON_AddNumberToObject(op, "value", i);
        cJSON_AddItemToArray(ops, op);
    }
    return ops;
}

static void test_json_operation_limit(void)
{
    cJSON *doc = parse_q("{'a':[]}");
    char msg[256];
    cJSON *out = NULL;

    cJSON *ops = append_ops(10000);
    int rc = patch_json(doc, ops, &out, msg, sizeof msg);
    CHECK(rc == PATCH_OK, "10000 ops must pass, got %d (%s)", rc, msg);
    CHECK(out && cJSON_GetArraySize(cJSON_GetObjectItem(out, "a")) == 10000, "10000 items appended");
    CHECK(out && cJSON_GetArrayItem(cJSON_GetObjectItem(out, "a"), 9999)->valuedouble == 9999, "order kept");
    cJSON_Delete(out);
    cJSON_Delete(ops);

    ops = append_ops(10001);
    out = NULL;
    rc = patch_json(doc, ops, &out, msg, sizeof msg);
    CHECK(rc == PATCH_TOO_LARGE, "10001 ops: got %d, want 413", rc);
    CHECK(out == NULL, "no result for 413");
    CHECK(strstr(msg, "The allowed maximum operations in a JSON patch is 10000, got 10001") != NULL,
          "413 message: %s", msg);
    cJSON_Delete(ops);
    cJSON_Delete(doc);
}

/* ---------------------------------------------------------------------------------------------
 * Strategic merge patch
 * ------------------------------------------------------------------------------------------- */

#define POD2 "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','annotations':{'kubectl.kubernetes.io/" \
             "last-applied-configuration':'old'}},'spec':{'containers':[{'name':'app','image':'app:1',"        \
             "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},{'name':'side','image':'side:1'}]}}"

static const pcase smp_apply_cases[] = {
    /* What `kubectl apply` sends after editing one container image of a two-container Pod. */
    {"kubectl apply: one image changed", POD2,
     "{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'new'}},"
     "'spec':{'$setElementOrder/containers':[{'name':'app'},{'name':'side'}],"
     "'containers':[{'image':'app:2','name':'app'}]}}",
     "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','annotations':{'kubectl.kubernetes.io/"
     "last-applied-configuration':'new'}},'spec':{'containers':[{'name':'app','image':'app:2',"
     "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},{'name':'side','image':'side:1'}]}}",
     0, NULL, "Pod"},
    {"kubectl apply: reorder only", POD2,
     "{'spec':{'$setElementOrder/containers':[{'name':'side'},{'name':'app'}]}}",
     "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','annotations':{'kubectl.kubernetes.io/"
     "last-applied-configuration':'old'}},'spec':{'containers':[{'name':'side','image':'side:1'},"
     "{'name':'app','image':'app:1','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]}]}}",
     0, NULL, "Pod"},
    {"env merged by name", POD2,
     "{'spec':{'containers':[{'name':'app','env':[{'name':'B','value':'3'},{'name':'C','value':'4'}]}]}}",
     "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','annotations':{'kubectl.kubernetes.io/"
     "last-applied-configuration':'old'}},'spec':{'containers':[{'name':'app','image':'app:1',"
     "'env':[{'name':'A','value':'1'},{'name':'B','value':'3'},{'name':'C','value':'4'}]},"
     "{'name':'side','image':'side:1'}]}}",
     0, NULL, "Pod"},
    {"env value deleted with null, $setElementOrder/env", POD2,
     "{'spec':{'$setElementOrder/containers':[{'name':'app'},{'name':'side'}],'containers':[{'name':'app',"
     "'$setElementOrder/env':[{'name':'B'},{'name':'A'}],'env':[{'name':'A','value':null,"
     "'valueFrom':{'fieldRef':{'fieldPath':'metadata.name'}}}]}]}}",
     "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','annotations':{'kubectl.kubernetes.io/"
     "last-applied-configuration':'old'}},'spec':{'containers':[{'name':'app','image':'app:1',"
     "'env':[{'name':'B','value':'2'},{'name':'A','valueFrom':{'fieldRef':{'fieldPath':'metadata.name'}}}]},"
     "{'name':'side','image':'side:1'}]}}",
     0, NULL, "Pod"},
    {"$patch: delete removes a container", POD2, "{'spec':{'containers':[{'name':'side','$patch':'delete'}]}}",
     "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','annotations':{'kubectl.kubernetes.io/"
     "last-applied-configuration':'old'}},'spec':{'containers':[{'name':'app','image':'app:1',"
     "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]}]}}",
     0, NULL, "Pod"},
    {"kubectl apply deleting a container", POD2,
     "{'spec':{'$setElementOrder/containers':[{'name':'app'}],'containers':[{'$patch':'delete','name':'side'}]}}",
     "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','annotations':{'kubectl.kubernetes.io/"
     "last-applied-configuration':'old'}},'spec':{'containers':[{'name':'app','image':'app:1',"
     "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]}]}}",
     0, NULL, "Pod"},
    {"$patch: replace on a list", POD2,
     "{'spec':{'containers':[{'$patch':'replace'},{'name':'new','image':'n:1'}]}}",
     "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','annotations':{'kubectl.kubernetes.io/"
     "last-applied-configuration':'old'}},'spec':{'containers':[{'name':'new','image':'n:1'}]}}",
     0, NULL, "Pod"},
    {"$patch: replace on a map", "{'metadata':{'labels':{'a':'1','b':'2'}}}",
     "{'metadata':{'labels':{'$patch':'replace','c':'3'}}}", "{'metadata':{'labels':{'c':'3'}}}", 0, NULL, "Pod"},
    {"$patch: replace on an empty map clears it", "{'metadata':{'labels':{'a':'1'}}}",
     "{'metadata':{'labels':{'$patch':'replace'}}}", "{'metadata':{'labels':{}}}", 0, NULL, "Pod"},
    {"$patch: delete on a map removes it", "{'metadata':{'name':'p','labels':{'a':'1'}}}",
     "{'metadata':{'labels':{'$patch':'delete'}}}", "{'metadata':{'name':'p'}}", 0, NULL, "Pod"},
    {"top-level $patch: delete gives {}", "{'metadata':{'name':'p'}}", "{'$patch':'delete'}", "{}", 0, NULL, "Pod"},
    {"new container added by kubectl patch goes first (apimachinery order)", POD2,
     "{'spec':{'containers':[{'name':'extra','image':'e:1'}]}}",
     "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','annotations':{'kubectl.kubernetes.io/"
     "last-applied-configuration':'old'}},'spec':{'containers':[{'name':'extra','image':'e:1'},"
     "{'name':'app','image':'app:1','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},"
     "{'name':'side','image':'side:1'}]}}",
     0, NULL, "Pod"},
    {"kubectl set image", POD2, "{'spec':{'containers':[{'name':'side','image':'side:2'}]}}",
     "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','annotations':{'kubectl.kubernetes.io/"
     "last-applied-configuration':'old'}},'spec':{'containers':[{'name':'app','image':'app:1',"
     "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},{'name':'side','image':'side:2'}]}}",
     0, NULL, "Pod"},
};

static void test_smp_kubectl_pod(void)
{
    RUN_TABLE(SMP, smp_apply_cases);
}

#define DEPLOY "{'kind':'Deployment','spec':{'replicas':1,'strategy':{'type':'RollingUpdate'," \
               "'rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'}},'template':{'metadata':{'labels':"  \
               "{'app':'a'}},'spec':{'containers':[{'name':'app','image':'a:1','ports':[{'containerPort':80,"  \
               "'protocol':'TCP'}],'volumeMounts':[{'name':'v','mountPath':'/data'}]}],"                       \
               "'volumes':[{'name':'v','emptyDir':{}}]}}}}"

static const pcase smp_list_cases[] = {
    {"retainKeys: RollingUpdate to Recreate (kubectl form)", DEPLOY,
     "{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':null,'type':'Recreate'}}}",
     "{'kind':'Deployment','spec':{'replicas':1,'strategy':{'type':'Recreate'},'template':{'metadata':{'labels':"
     "{'app':'a'}},'spec':{'containers':[{'name':'app','image':'a:1','ports':[{'containerPort':80,"
     "'protocol':'TCP'}],'volumeMounts':[{'name':'v','mountPath':'/data'}]}],'volumes':[{'name':'v','emptyDir':{}}]}}}}",
     0, NULL, "Deployment"},
    {"retainKeys alone drops unlisted fields", DEPLOY, "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}",
     "{'kind':'Deployment','spec':{'replicas':1,'strategy':{'type':'Recreate'},'template':{'metadata':{'labels':"
     "{'app':'a'}},'spec':{'containers':[{'name':'app','image':'a:1','ports':[{'containerPort':80,"
     "'protocol':'TCP'}],'volumeMounts':[{'name':'v','mountPath':'/data'}]}],'volumes':[{'name':'v','emptyDir':{}}]}}}}",
     0, NULL, "Deployment"},
    {"template containers, ports by containerPort, mounts by mountPath, volumes by name", DEPLOY,
     "{'spec':{'template':{'spec':{'containers':[{'name':'app','ports':[{'containerPort':80,'name':'http'}],"
     "'volumeMounts':[{'mountPath':'/data','readOnly':true}]}],'volumes':[{'name':'w','emptyDir':{}}]}}}}",
     "{'kind':'Deployment','spec':{'replicas':1,'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%',"
     "'maxUnavailable':'25%'}},'template':{'metadata':{'labels':{'app':'a'}},'spec':{'containers':[{'name':'app',"
     "'image':'a:1','ports':[{'containerPort':80,'protocol':'TCP','name':'http'}],'volumeMounts':[{'name':'v',"
     "'mountPath':'/data','readOnly':true}]}],'volumes':[{'name':'w','emptyDir':{}},{'name':'v','emptyDir':{}}]}}}}",
     0, NULL, "Deployment"},
    {"kubectl rollout restart", DEPLOY,
     "{'spec':{'template':{'metadata':{'annotations':{'kubectl.kubernetes.io/restartedAt':'2024-01-01T00:00:00Z'}}}}}",
     "{'kind':'Deployment','spec':{'replicas':1,'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%',"
     "'maxUnavailable':'25%'}},'template':{'metadata':{'labels':{'app':'a'},'annotations':{'kubectl.kubernetes.io/"
     "restartedAt':'2024-01-01T00:00:00Z'}},'spec':{'containers':[{'name':'app','image':'a:1','ports':[{"
     "'containerPort':80,'protocol':'TCP'}],'volumeMounts':[{'name':'v','mountPath':'/data'}]}],'volumes':[{'name':"
     "'v','emptyDir':{}}]}}}}",
     0, NULL, "Deployment"},
    {"CronJob pod template containers merge by name",
     "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'a:1'},{'name':'b'}]}}}}}}",
     "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'b','image':'b:2'}]}}}}}}",
     "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'a:1'},"
     "{'name':'b','image':'b:2'}]}}}}}}",
     0, NULL, "CronJob"},
    {"same path in an unknown kind replaces",
     "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'a:1'},{'name':'b'}]}}}}",
     "{'spec':{'template':{'spec':{'containers':[{'name':'b','image':'b:2'}]}}}}",
     "{'spec':{'template':{'spec':{'containers':[{'name':'b','image':'b:2'}]}}}}", 0, NULL, "Widget"},
    {"Service ports merged by port",
     "{'kind':'Service','spec':{'ports':[{'name':'http','port':80,'targetPort':8080},{'name':'https','port':443}]}}",
     "{'spec':{'ports':[{'port':443,'targetPort':8443}]}}",
     "{'kind':'Service','spec':{'ports':[{'name':'http','port':80,'targetPort':8080},"
     "{'name':'https','port':443,'targetPort':8443}]}}",
     0, NULL, "Service"},
    {"Service port added and deleted",
     "{'spec':{'ports':[{'port':80},{'port':443}]}}",
     "{'spec':{'$setElementOrder/ports':[{'port':443},{'port':8443}],'ports':[{'port':8443},{'$patch':'delete',"
     "'port':80}]}}",
     "{'spec':{'ports':[{'port':443},{'port':8443}]}}", 0, NULL, "Service"},
    {"conditions merged by type",
     "{'status':{'phase':'Pending','conditions':[{'type':'Ready','status':'False'},{'type':'PodScheduled',"
     "'status':'True'}]}}",
     "{'status':{'phase':'Running','conditions':[{'type':'Ready','status':'True'}]}}",
     "{'status':{'phase':'Running','conditions':[{'type':'Ready','status':'True'},{'type':'PodScheduled',"
     "'status':'True'}]}}",
     0, NULL, "Pod"},
    {"conditions merge in any kind", "{'status':{'conditions':[{'type':'A','status':'True'}]}}",
     "{'status':{'conditions':[{'type':'A','reason':'R'}]}}",
     "{'status':{'conditions':[{'type':'A','status':'True','reason':'R'}]}}", 0, NULL, "Rollout"},
    {"Node podCIDRs is a merged list of values", "{'spec':{'podCIDRs':['10.0.0.0/24']}}",
     "{'spec':{'podCIDRs':['10.0.0.0/24','fd00::/64']}}", "{'spec':{'podCIDRs':['10.0.0.0/24','fd00::/64']}}", 0,
     NULL, "Node"},
    {"podIPs by ip", "{'status':{'podIPs':[{'ip':'10.0.0.1'}]}}", "{'status':{'podIPs':[{'ip':'fd00::1'}]}}",
     "{'status':{'podIPs':[{'ip':'fd00::1'},{'ip':'10.0.0.1'}]}}", 0, NULL, "Pod"},
    {"ownerReferences by uid",
     "{'metadata':{'ownerReferences':[{'uid':'u1','name':'a','controller':true},{'uid':'u2','name':'b'}]}}",
     "{'metadata':{'ownerReferences':[{'uid':'u1','controller':null}]}}",
     "{'metadata':{'ownerReferences':[{'uid':'u1','name':'a'},{'uid':'u2','name':'b'}]}}", 0, NULL, "ReplicaSet"},
    {"finalizers union keeps live order", "{'metadata':{'finalizers':['a','b']}}",
     "{'metadata':{'finalizers':['b','c']}}", "{'metadata':{'finalizers':['a','b','c']}}", 0, NULL, "Pod"},
    {"finalizer new to the list goes first (apimachinery order)", "{'metadata':{'finalizers':['a','b']}}",
     "{'metadata':{'finalizers':['c']}}", "{'metadata':{'finalizers':['c','a','b']}}", 0, NULL, "Pod"},
    {"finalizers with $setElementOrder (kubectl apply)", "{'metadata':{'finalizers':['a','b']}}",
     "{'metadata':{'$setElementOrder/finalizers':['a','b','c'],'finalizers':['c']}}",
     "{'metadata':{'finalizers':['a','b','c']}}", 0, NULL, "Pod"},
    {"finalizers deduplicated", "{'metadata':{'finalizers':['a','a','b']}}", "{'metadata':{'finalizers':['b']}}",
     "{'metadata':{'finalizers':['a','b']}}", 0, NULL, "Pod"},
    {"$deleteFromPrimitiveList/finalizers", "{'metadata':{'finalizers':['a','b','c']}}",
     "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a','c','zzz']}}", "{'metadata':{'finalizers':['b']}}",
     0, NULL, "Pod"},
    {"$deleteFromPrimitiveList on a missing list adds nothing", "{'metadata':{'name':'x'}}",
     "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a']}}", "{'metadata':{'name':'x'}}", 0, NULL, "Pod"},
    {"$setElementOrder with $deleteFromPrimitiveList", "{'metadata':{'finalizers':['a','b','c']}}",
     "{'metadata':{'$setElementOrder/finalizers':['b','a'],'$deleteFromPrimitiveList/finalizers':['c']}}",
     "{'metadata':{'finalizers':['b','a']}}", 0, NULL, "Pod"},
    {"$patch: replace on a primitive list", "{'metadata':{'finalizers':['a','b']}}",
     "{'metadata':{'finalizers':[{'$patch':'replace'},'c']}}", "{'metadata':{'finalizers':['c']}}", 0, NULL, "Pod"},
    {"non-merge lists replace (args, tolerations)",
     "{'spec':{'containers':[{'name':'a','args':['x','y']}],'tolerations':[{'key':'k1'},{'key':'k2'}]}}",
     "{'spec':{'containers':[{'name':'a','args':['z']}],'tolerations':[{'key':'k3'}]}}",
     "{'spec':{'containers':[{'name':'a','args':['z']}],'tolerations':[{'key':'k3'}]}}", 0, NULL, "Pod"},
    {"duplicate entries all deleted",
     "{'spec':{'volumes':[{'name':'1'},{'name':'1'},{'name':'2','x':'a'},{'name':'3'},{'name':'3'}]}}",
     "{'spec':{'volumes':[{'name':'1','$patch':'delete'},{'name':'3','$patch':'delete'}]}}",
     "{'spec':{'volumes':[{'name':'2','x':'a'}]}}", 0, NULL, "Pod"},
    {"imagePullSecrets, hostAliases, topologySpreadConstraints, initContainers merge",
     "{'spec':{'imagePullSecrets':[{'name':'s1'}],'hostAliases':[{'ip':'1.1.1.1','hostnames':['a']}],"
     "'topologySpreadConstraints':[{'topologyKey':'zone','maxSkew':1}],'initContainers':[{'name':'i','image':'i:1'}]}}",
     "{'spec':{'imagePullSecrets':[{'name':'s2'}],'hostAliases':[{'ip':'1.1.1.1','hostnames':['b']}],"
     "'topologySpreadConstraints':[{'topologyKey':'zone','maxSkew':2}],'initContainers':[{'name':'i','image':'i:2'}]}}",
     "{'spec':{'imagePullSecrets':[{'name':'s2'},{'name':'s1'}],'hostAliases':[{'ip':'1.1.1.1','hostnames':['b']}],"
     "'topologySpreadConstraints':[{'topologyKey':'zone','maxSkew':2}],'initContainers':[{'name':'i','image':'i:2'}]}}",
     0, NULL, "Pod"},
    {"null deletes, nested nulls of new values dropped", "{'metadata':{'labels':{'app':'a','x':'y'}},'spec':{}}",
     "{'metadata':{'labels':{'app':null,'zzz':null}},'spec':{'newMap':{'a':null,'b':{'c':null,'d':1}}}}",
     "{'metadata':{'labels':{'x':'y'}},'spec':{'newMap':{'b':{'d':1}}}}", 0, NULL, "Pod"},
    {"type change replaces", "{'spec':{'a':{'b':1},'c':[1],'d':'s'}}", "{'spec':{'a':'x','c':{'k':null,'v':1},'d':[1]}}",
     "{'spec':{'a':'x','c':{'v':1},'d':[1]}}", 0, NULL, "Pod"},
    {"directives inside new values are applied, not stored", "{'spec':{'containers':[{'name':'a'}]}}",
     "{'spec':{'containers':[{'name':'b','$setElementOrder/env':[{'name':'X'}],'env':[{'name':'X','value':'1'},"
     "{'name':'Y','$patch':'delete'}],'resources':{'$patch':'replace','limits':{'cpu':'1'}}}],"
     "'volumes':[{'$patch':'replace'},{'name':'v','configMap':{'$retainKeys':['name'],'name':'c'}}],"
     "'affinity':{'$patch':'delete'}},'metadata':{'$setElementOrder/finalizers':['f'],'finalizers':['f']}}",
     "{'spec':{'containers':[{'name':'b','env':[{'name':'X','value':'1'}],'resources':{'limits':{'cpu':'1'}}},"
     "{'name':'a'}],'volumes':[{'name':'v','configMap':{'name':'c'}}]},'metadata':{'finalizers':['f']}}",
     0, NULL, "Pod"},
    {"nil kind: only generic lists merge", "{'metadata':{'finalizers':['a']},'spec':{'containers':[{'name':'a'}]}}",
     "{'metadata':{'finalizers':['b']},'spec':{'containers':[{'name':'b'}]}}",
     "{'metadata':{'finalizers':['b','a']},'spec':{'containers':[{'name':'b'}]}}", 0, NULL, NULL},
};

static void test_smp_lists(void)
{
    RUN_TABLE(SMP, smp_list_cases);
}

/* Ordering vectors from apimachinery's strategicpatch tests ("set elements order in a list with
   server-only items", "preserve the order from the patch"), expressed on Pod containers. */
static const pcase smp_order_cases[] = {
    {"server-only items 1",
     "{'spec':{'containers':[{'name':'1','o':'a'},{'name':'3'},{'name':'4'},{'name':'2'},{'name':'9'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'4'},{'name':'2'},{'name':'3'},{'name':'1'}]}}",
     "{'spec':{'containers':[{'name':'4'},{'name':'2'},{'name':'3'},{'name':'1','o':'a'},{'name':'9'}]}}", 0, NULL,
     "Pod"},
    {"server-only items 2",
     "{'spec':{'containers':[{'name':'1'},{'name':'2'},{'name':'9'},{'name':'3'},{'name':'4'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'2'},{'name':'1'},{'name':'4'},{'name':'3'}]}}",
     "{'spec':{'containers':[{'name':'2'},{'name':'1'},{'name':'9'},{'name':'4'},{'name':'3'}]}}", 0, NULL, "Pod"},
    {"server-only items 3",
     "{'spec':{'containers':[{'name':'1'},{'name':'2'},{'name':'7'},{'name':'9'},{'name':'8'},{'name':'3'},"
     "{'name':'4'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'2'},{'name':'1'},{'name':'4'},{'name':'3'}]}}",
     "{'spec':{'containers':[{'name':'2'},{'name':'1'},{'name':'7'},{'name':'9'},{'name':'8'},{'name':'4'},"
     "{'name':'3'}]}}",
     0, NULL, "Pod"},
    {"patch order wins", "{'spec':{'containers':[{'name':'1'},{'name':'2','v':'b'},{'name':'3'}]}}",
     "{'spec':{'containers':[{'name':'3','v':'c'},{'name':'1','v':'a'}]}}",
     "{'spec':{'containers':[{'name':'2','v':'b'},{'name':'3','v':'c'},{'name':'1','v':'a'}]}}", 0, NULL, "Pod"},
    {"order list naming absent items", "{'metadata':{'finalizers':['1','3']}}",
     "{'metadata':{'$setElementOrder/finalizers':['3','2','1']}}", "{'metadata':{'finalizers':['3','1']}}", 0, NULL,
     "Pod"},
    {"primitive add with order and server-only item", "{'metadata':{'finalizers':['1','4','2']}}",
     "{'metadata':{'$setElementOrder/finalizers':['3','1','2'],'finalizers':['3']}}",
     "{'metadata':{'finalizers':['3','1','4','2']}}", 0, NULL, "Pod"},
    {"list created with $setElementOrder", "{'spec':{}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'a'}],'containers':[{'name':'b'},{'name':'a'}]}}",
     "{'spec':{'containers':[{'name':'b'},{'name':'a'}]}}", 0, NULL, "Pod"},
    {"$setElementOrder on a non-merge list is ignored", "{'spec':{'tolerations':[{'key':'a'}]}}",
     "{'spec':{'$setElementOrder/tolerations':[{'key':'b'}],'tolerations':[{'key':'b'}]}}",
     "{'spec':{'tolerations':[{'key':'b'}]}}", 0, NULL, "Pod"},
    {"order mismatch", "{'spec':{'containers':[{'name':'1'},{'name':'3'},{'name':'2'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'1'},{'name':'2'},{'name':'3'}],'containers':[{'name':'3'},"
     "{'name':'1'}]}}",
     NULL, PATCH_BAD_REQUEST, "doesn't match", "Pod"},
    {"order mismatch, primitives", "{'metadata':{'finalizers':['1','3','2']}}",
     "{'metadata':{'$setElementOrder/finalizers':['1','2','3'],'finalizers':['3','1']}}", NULL, PATCH_BAD_REQUEST,
     "doesn't match", "Pod"},
};

static void test_smp_element_order(void)
{
    RUN_TABLE(SMP, smp_order_cases);
}

static const pcase smp_error_cases[] = {
    {"unknown $foo", "{'metadata':{}}", "{'metadata':{'$foo':1}}", NULL, PATCH_BAD_REQUEST, "$foo", "Pod"},
    {"unknown $ key at top level", "{}", "{'$bar':[1]}", NULL, PATCH_BAD_REQUEST, "$bar", "Pod"},
    {"unknown $ key inside a new value", "{}", "{'spec':{'x':{'$nope':1}}}", NULL, PATCH_BAD_REQUEST, "$nope", "Pod"},
    {"unknown $ key in a list element", "{'spec':{'containers':[{'name':'a'}]}}",
     "{'spec':{'containers':[{'name':'a','$x':1}]}}", NULL, PATCH_BAD_REQUEST, "$x", "Pod"},
    {"$setElementOrder without a field", "{}", "{'$setElementOrder/':[]}", NULL, PATCH_BAD_REQUEST,
     "setElementOrder", "Pod"},
    {"$setElementOrder not a list", "{}", "{'$setElementOrder/x':{}}", NULL, PATCH_BAD_REQUEST, "setElementOrder",
     "Pod"},
    {"$deleteFromPrimitiveList not a list", "{'metadata':{'finalizers':['a']}}",
     "{'metadata':{'$deleteFromPrimitiveList/finalizers':'a'}}", NULL, PATCH_BAD_REQUEST, "primitive list", "Pod"},
    {"bad $patch value in a map", "{'spec':{}}", "{'spec':{'$patch':'bogus'}}", NULL, PATCH_BAD_REQUEST,
     "unknown patch type", "Pod"},
    {"$patch merge in a map", "{'spec':{}}", "{'spec':{'$patch':'merge'}}", NULL, PATCH_BAD_REQUEST,
     "unknown patch type", "Pod"},
    {"$patch not a string", "{'spec':{}}", "{'spec':{'$patch':1}}", NULL, PATCH_BAD_REQUEST, "unknown patch type",
     "Pod"},
    {"bad $patch in a merge list", "{'spec':{'containers':[{'name':'a'}]}}",
     "{'spec':{'containers':[{'name':'a','$patch':'bogus'}]}}", NULL, PATCH_BAD_REQUEST, "unknown patch type", "Pod"},
    {"$patch merge in a merge list", "{'spec':{'containers':[{'name':'a'}]}}",
     "{'spec':{'containers':[{'$patch':'merge'}]}}", NULL, PATCH_BAD_REQUEST, "cannot yet", "Pod"},
    {"missing merge key", "{'spec':{'containers':[{'name':'a','image':'x'}]}}",
     "{'spec':{'containers':[{'image':'y'}]}}", NULL, PATCH_BAD_REQUEST, "does not contain declared merge key: name",
     "Pod"},
    {"delete directive without merge key", "{'spec':{'containers':[{'name':'a'}]}}",
     "{'spec':{'containers':[{'$patch':'delete'}]}}", NULL, PATCH_BAD_REQUEST, "merge key", "Pod"},
    {"scalar in a list of maps", "{'spec':{'containers':[{'name':'a'}]}}", "{'spec':{'containers':['a']}}", NULL,
     PATCH_BAD_REQUEST, NULL, "Pod"},
    {"map in a primitive merge list", "{'metadata':{'finalizers':['a']}}", "{'metadata':{'finalizers':[{'a':1}]}}",
     NULL, PATCH_BAD_REQUEST, NULL, "Pod"},
    {"$retainKeys not a list", "{'spec':{'strategy':{}}}", "{'spec':{'strategy':{'$retainKeys':'type'}}}", NULL,
     PATCH_BAD_REQUEST, "retainKeys", "Deployment"},
    {"field missing from $retainKeys", "{'spec':{'strategy':{}}}",
     "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate','rollingUpdate':{}}}}", NULL, PATCH_BAD_REQUEST,
     "retainKeys", "Deployment"},
    {"patch not an object", "{}", "[]", NULL, PATCH_BAD_REQUEST, NULL, "Pod"},
    {"document not an object", "[]", "{}", NULL, PATCH_BAD_REQUEST, NULL, "Pod"},
    {"error deep inside leaves doc untouched", POD2,
     "{'metadata':{'labels':{'new':'x'}},'spec':{'containers':[{'name':'app','image':'app:9','env':[{'value':'1'}]}]}}",
     NULL, PATCH_BAD_REQUEST, "merge key: name", "Pod"},
};

static void test_smp_errors(void)
{
    RUN_TABLE(SMP, smp_error_cases);
}

/* A long primitive list and a long keyed list still merge correctly. */
static void test_smp_large_lists(void)
{
    enum { N = 3000 };
    cJSON *doc = cJSON_CreateObject(), *patch = cJSON_CreateObject();
    cJSON *fin = cJSON_AddArrayToObject(cJSON_AddObjectToObject(doc, "metadata"), "finalizers");
    cJSON *pfin = cJSON_AddArrayToObject(cJSON_AddObjectToObject(patch, "metadata"), "finalizers");
    cJSON *cs = cJSON_AddArrayToObject(cJSON_AddObjectToObject(doc, "spec"), "containers");
    cJSON *pcs = cJSON_AddArrayToObject(cJSON_AddObjectToObject(patch, "spec"), "containers");
    char name[32];
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "f%d", i);
        cJSON_AddItemToArray(fin, cJSON_CreateString(name));
        snprintf(name, sizeof name, "f%d", i + N / 2);
        cJSON_AddItemToArray(pfin, cJSON_CreateString(name));
        cJSON *c = cJSON_CreateObject();
        snprintf(name, sizeof name, "c%d", i);
        cJSON_AddStringToObject(c, "name", name);
        cJSON_AddItemToArray(cs, c);
        if (i % 2 == 0) {
            cJSON *pc = cJSON_CreateObject();
            cJSON_AddStringToObject(pc, "name", name);
            cJSON_AddStringToObject(pc, "image", "x");
            cJSON_AddItemToArray(pcs, pc);
        }
    }
    cJSON *out = NULL;
    char msg[256];
    int rc = patch_strategic(doc, patch, "Pod", &out, msg, sizeof msg);
    CHECK(rc == PATCH_OK, "large lists: %d %s", rc, msg);
    const cJSON *ofin = cJSON_GetObjectItem(cJSON_GetObjectItem(out, "metadata"), "finalizers");
    const cJSON *ocs = cJSON_GetObjectItem(cJSON_GetObjectItem(out, "spec"), "containers");
    CHECK(cJSON_GetArraySize(ofin) == N + N / 2, "union size %d", cJSON_GetArraySize(ofin));
    CHECK(cJSON_GetArraySize(ocs) == N, "containers size %d", cJSON_GetArraySize(ocs));
    CHECK(cJSON_GetObjectItem(cJSON_GetArrayItem(ocs, N - 2), "image") != NULL, "merged container has image");
    cJSON_Delete(out);
    cJSON_Delete(doc);
    cJSON_Delete(patch);
}

/* ---------------------------------------------------------------------------------------------
 * Robustness
 * ------------------------------------------------------------------------------------------- */

static void test_null_arguments(void)
{
    cJSON *doc = parse_q("{'a':1}"), *mp = parse_q("{'a':2}"), *jp = parse_q("[]");
    cJSON *out = doc; /* must be reset to NULL */
    char msg[64];
    for (int t = MERGE; t <= SMP; t++) {
        const cJSON *patch = t == JSONP ? jp : mp;
        out = doc;
        CHECK(apply((ptype)t, NULL, patch, "Pod", &out, msg, sizeof msg) == PATCH_BAD_REQUEST && !out,
              "type %d: NULL doc", t);
        out = doc;
        CHECK(apply((ptype)t, doc, NULL, "Pod", &out, msg, sizeof msg) == PATCH_BAD_REQUEST && !out,
              "type %d: NULL patch", t);
        CHECK(apply((ptype)t, doc, patch, "Pod", NULL, msg, sizeof msg) == PATCH_BAD_REQUEST, "type %d: NULL out", t);
        out = NULL;
        CHECK(apply((ptype)t, doc, patch, NULL, &out, NULL, 0) == PATCH_OK && out, "type %d: NULL msg and kind", t);
        cJSON_Delete(out);
    }
    /* Wrong JSON types where objects or arrays are expected. */
    cJSON *num = cJSON_CreateNumber(1), *str = cJSON_CreateString("x");
    out = NULL;
    CHECK(patch_json(doc, num, &out, msg, sizeof msg) == PATCH_BAD_REQUEST && !out, "json patch: number");
    CHECK(patch_strategic(str, mp, "Pod", &out, msg, sizeof msg) == PATCH_BAD_REQUEST && !out, "smp: string doc");
    CHECK(patch_strategic(doc, str, "Pod", &out, msg, sizeof msg) == PATCH_BAD_REQUEST && !out, "smp: string patch");
    CHECK(patch_merge(str, mp, &out, msg, sizeof msg) == PATCH_OK && cJSON_IsObject(out), "merge into a string");
    cJSON_Delete(out);
    cJSON_Delete(num);
    cJSON_Delete(str);
    cJSON_Delete(doc);
    cJSON_Delete(mp);
    cJSON_Delete(jp);
}

static void test_message_buffer(void)
{
    cJSON *doc = parse_q("{}"), *bad = parse_q("[{'op':'foo','path':'/a'}]");
    cJSON *out = NULL;
    char msg[8];
    memset(msg, 'x', sizeof msg);
    CHECK(patch_json(doc, bad, &out, msg, sizeof msg) == PATCH_BAD_REQUEST, "short buffer: code");
    CHECK(msg[sizeof msg - 1] == '\0' && strlen(msg) == sizeof msg - 1, "short buffer truncated: %.8s", msg);
    msg[0] = 'x';
    CHECK(patch_json(doc, bad, &out, msg, 1) == PATCH_BAD_REQUEST && msg[0] == '\0', "1-byte buffer");
    msg[0] = 'x';
    CHECK(patch_json(doc, bad, &out, msg, 0) == PATCH_BAD_REQUEST && msg[0] == 'x', "0-byte buffer not written");
    cJSON *good = parse_q("[]");
    memset(msg, 'x', sizeof msg);
    CHECK(patch_json(doc, good, &out, msg, sizeof msg) == PATCH_OK && msg[0] == '\0', "message cleared on success");
    cJSON_Delete(out);
    cJSON_Delete(good);
    cJSON_Delete(bad);
    cJSON_Delete(doc);
}

/* Builds {"a":{"a":...}} nested `depth` levels (deeper than cJSON_Parse would accept). */
static cJSON *nested_object(int depth)
{
    cJSON *v = cJSON_CreateString("leaf");
    for (int i = 0; i < depth; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "a", v);
        v = o;
    }
    return v;
}

static void test_deep_nesting(void)
{
    cJSON *doc = nested_object(5000), *patch = nested_object(5000), *out = NULL;
    char msg[128];
    CHECK(patch_merge(doc, patch, &out, msg, sizeof msg) == PATCH_BAD_REQUEST && !out, "merge: too deep");
    CHECK(patch_strategic(doc, patch, "Pod", &out, msg, sizeof msg) == PATCH_BAD_REQUEST && !out, "smp: too deep");

    /* Deep but within cJSON's parse limit works. */
    cJSON *d2 = nested_object(900), *p2 = nested_object(900);
    CHECK(patch_merge(d2, p2, &out, msg, sizeof msg) == PATCH_OK, "merge at depth 900: %s", msg);
    cJSON_Delete(out);
    out = NULL;
    CHECK(patch_strategic(d2, p2, "Pod", &out, msg, sizeof msg) == PATCH_OK, "smp at depth 900: %s", msg);
    cJSON_Delete(out);
    out = NULL;

    /* JSON patch does not recurse over values; a deep pointer and value are fine. */
    cJSON *ops = cJSON_CreateArray(), *op = cJSON_CreateObject();
    char *path = malloc(2 * 900 + 1);
    for (int i = 0; i < 900; i++)
        memcpy(path + 2 * i, "/a", 2);
    path[2 * 900] = '\0';
    cJSON_AddStringToObject(op, "op", "replace");
    cJSON_AddStringToObject(op, "path", path);
    cJSON_AddItemToObject(op, "value", nested_object(100));
    cJSON_AddItemToArray(ops, op);
    CHECK(patch_json(d2, ops, &out, msg, sizeof msg) == PATCH_OK, "json patch deep path: %s", msg);
    free(path);
    cJSON_Delete(out);
    cJSON_Delete(ops);
    cJSON_Delete(d2);
    cJSON_Delete(p2);
    cJSON_Delete(doc);
    cJSON_Delete(patch);
}

int main(void)
{
    static const cu_test tests[] = {
        {"merge: RFC 7386 example and appendix vectors", test_merge_rfc7386},
        {"json: RFC 6902 appendix A", test_json_rfc6902_appendix},
        {"json: pointer escapes and syntax", test_json_pointer},
        {"json: operations and error codes", test_json_ops_and_errors},
        {"json: atomic on failure", test_json_atomic},
        {"json: 10000 operation limit", test_json_operation_limit},
        {"smp: kubectl apply/patch on a Pod", test_smp_kubectl_pod},
        {"smp: merge keys, directives, retainKeys", test_smp_lists},
        {"smp: $setElementOrder and list order", test_smp_element_order},
        {"smp: errors", test_smp_errors},
        {"smp: large lists", test_smp_large_lists},
        {"robustness: NULL and wrong-typed arguments", test_null_arguments},
        {"robustness: message buffer", test_message_buffer},
        {"robustness: deep nesting", test_deep_nesting},
        {NULL, NULL},
    };
    return cu_run("patch", tests);
}
