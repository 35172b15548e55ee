/* test_scenario_replay.c: `cutover replay` (scenarios/runner/replay.c) over recordings made by
 * the fake API server with a file store and keep-all history: the timeline and its change
 * summaries, the state at a sequence number before and after a delete, one object's versions
 * with diffs, JSON lines, and the errors (unknown or ambiguous object, files that are not
 * recordings, malformed rows). */
#include "cu.h"
#include "common/clock.h"
#include "common/json.h"
#include "fakeapi/fakeapi.h"
#include "scenarios/runner/replay.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define CMS "/api/v1/namespaces/default/configmaps"
#define PODS "/api/v1/namespaces/default/pods"
#define MERGE "application/merge-patch+json"

static char dir[] = "/tmp/cutover-replay-XXXXXX";
static char small_db[300];           /* no simulated cluster: a short, predictable log */
static char sim_db[300], sim_db2[300]; /* the simulated cluster acting on a pod, twice with one seed */
static char bad_db[300];             /* hand-made rows: malformed JSON, NULL columns, time going back */

/* the seq of each step of the small recording */
static int64_t seq_cm_add, seq_cm_patch1, seq_cm_patch2, seq_other, seq_cm_del, seq_pod, seq_pod_patch1,
    seq_pod_patch2, seq_last;

static unsigned call(fakeapi *f, const char *method, const char *path, const char *ctype, const char *body)
{
    char *out = NULL;
    unsigned code = fakeapi_call(f, method, path, ctype, body, &out);
    if (code >= 300)
        fprintf(stderr, "%s %s: %u %s\n", method, path, code, out ? out : "");
    free(out);
    return code;
}

/* The next write's seq: one past the server's resourceVersion. */
static int64_t next(fakeapi *f) { return fakeapi_resource_version(f) + 1; }

static void make_small(void)
{
    char err[256], body[600];
    co_clock *clk = co_clock_virtual(T0);
    fakeapi *f = fakeapi_start(&(fakeapi_options){.db_path = small_db, .history = -1, .clock = clk, .seed = 1,
                                                  .no_sim = 1},
                               err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    seq_cm_add = next(f);
    CU_ASSERT_EQUAL(call(f, "POST", CMS, NULL,
                         "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\","
                         "\"labels\":{\"app.kubernetes.io/name\":\"demo\"}},\"data\":{\"color\":\"red\"}}"),
                    201);
    co_clock_advance(clk, 1500);
    seq_cm_patch1 = next(f);
    CU_ASSERT_EQUAL(call(f, "PATCH", CMS "/cfg", MERGE, "{\"data\":{\"color\":\"blue\",\"size\":\"L\"}}"), 200);
    co_clock_advance(clk, 61000);
    seq_cm_patch2 = next(f);
    char lng[201];
    memset(lng, 'x', 200);
    lng[200] = 0;
    snprintf(body, sizeof body,
             "{\"metadata\":{\"labels\":{\"app.kubernetes.io/name\":\"demo2\",\"tier\":\"web\"}},"
             "\"data\":{\"color\":\"green\",\"size\":null,\"long\":\"%s\",\"z\":\"1\",\"y\":\"2\"}}",
             lng);
    CU_ASSERT_EQUAL(call(f, "PATCH", CMS "/cfg", MERGE, body), 200);
    seq_other = next(f);
    CU_ASSERT_EQUAL(call(f, "POST", "/api/v1/namespaces", NULL, "{\"metadata\":{\"name\":\"other\"}}"), 201);
    CU_ASSERT_EQUAL(call(f, "POST", "/api/v1/namespaces/other/configmaps", NULL,
                         "{\"metadata\":{\"name\":\"cfg\"},\"data\":{\"color\":\"black\"}}"),
                    201);
    co_clock_advance(clk, 3600000);
    seq_cm_del = next(f);
    CU_ASSERT_EQUAL(call(f, "DELETE", CMS "/cfg", NULL, NULL), 200);
    seq_pod = next(f);
    CU_ASSERT_EQUAL(call(f, "POST", PODS, NULL,
                         "{\"metadata\":{\"name\":\"web\",\"finalizers\":[\"example.com/a\"]},"
                         "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"example/app:1\"}]}}"),
                    201);
    co_clock_advance(clk, 250);
    seq_pod_patch1 = next(f);
    CU_ASSERT_EQUAL(call(f, "PATCH", PODS "/web", MERGE,
                         "{\"metadata\":{\"finalizers\":[\"example.com/b\",\"example.com/c\"]}}"),
                    200);
    seq_pod_patch2 = next(f);
    CU_ASSERT_EQUAL(call(f, "PATCH", PODS "/web", MERGE, "{\"metadata\":{\"finalizers\":[\"example.com/c\"]}}"), 200);
    seq_last = fakeapi_resource_version(f);
    CU_ASSERT_EQUAL(seq_last, seq_pod_patch2);
    fakeapi_stop(f);
    co_clock_free(clk);
}

static void make_sim_at(const char *path)
{
    char err[256];
    co_clock *clk = co_clock_virtual(T0);
    fakeapi *f = fakeapi_start(&(fakeapi_options){.db_path = path, .history = -1, .clock = clk, .seed = 1}, err,
                               sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fakeapi_settle(f);
    CU_ASSERT_EQUAL(call(f, "POST", PODS, NULL,
                         "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"containers\":[{\"name\":\"app\","
                         "\"image\":\"example/app:1\"}]}}"),
                    201);
    fakeapi_settle(f);
    for (int i = 0; i < 5; i++) {
        co_clock_advance(clk, 1000);
        fakeapi_settle(f);
    }
    fakeapi_stop(f);
    co_clock_free(clk);
}

static void make_sim(void)
{
    make_sim_at(sim_db);
    make_sim_at(sim_db2);
}

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fprintf(stderr, "%s: %s\n", path, msg);
    CU_ASSERT_PTR_NULL(msg);
    sqlite3_free(msg);
    sqlite3_close(db);
}

#define CM(name, data) "'{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" name "\"}" data "}'"

static void make_bad(void)
{
    exec_sql(bad_db,
             "CREATE TABLE events(rv INTEGER PRIMARY KEY, time INTEGER, verb TEXT, actor TEXT, key TEXT, ns TEXT,"
             " name TEXT, type TEXT, json TEXT, old TEXT);"
             "INSERT INTO events VALUES(1, 1000, 'create', 'me', 'configmaps', 'a', 'x', 'ADDED', "
             CM("x", ",\"data\":{\"k\":\"1\"}") ", NULL);"
             "INSERT INTO events VALUES(2, 2000, 'patch', 'me', 'configmaps', 'a', 'x', 'MODIFIED', '{not json', "
             CM("x", ",\"data\":{\"k\":\"1\"}") ");"
             /* no old version in the row, and the one before is unreadable */
             "INSERT INTO events VALUES(3, 3000, 'patch', NULL, 'configmaps', 'a', 'x', 'MODIFIED', "
             CM("x", ",\"data\":{\"k\":\"3\"}") ", NULL);"
             "INSERT INTO events VALUES(4, 4000, NULL, NULL, 'configmaps', 'a', 'y', 'ADDED', NULL, NULL);"
             "INSERT INTO events VALUES(5, 5000, 'patch', 'me', 'configmaps', 'a', 'y', 'MODIFIED', "
             CM("y", "") ", '[1,2');"
             "INSERT INTO events VALUES(6, 6000, 'create', 'me', 'widgets.example.com', 'a', 'w', 'ADDED',"
             " '\"just a string\"', NULL);"
             /* a clock that went back; a cluster-scoped object; arrays by index */
             "INSERT INTO events VALUES(7, 500, 'update', 'me', 'configmaps', '', 'z', 'MODIFIED', "
             CM("z", ",\"a\":[1,{\"b\":2}]") ", " CM("z", ",\"a\":[1,{\"b\":3},4]") ");");
}

/* Runs sc_replay; returns its output (caller frees) and sets *rc. (Not inlined: gcc then takes the
 * returned text for a pointer to the local it was built in.) */
__attribute__((noinline))
static char *replay(const char *db, sc_replay_opts o, int *rc, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    err[0] = 0;
    *rc = sc_replay(db, &o, out, err, errlen);
    fclose(out);
    return text;
}


static int has(const char *text, const char *needle)
{
    if (text && strstr(text, needle))
        return 1;
    fprintf(stderr, "\nmissing: %s\nin:\n%s\n", needle, text ? text : "(null)");
    return 0;
}
#define HAS(text, needle) CU_ASSERT(has((text), (needle)))
#define LACKS(text, needle) CU_ASSERT_PTR_NULL(strstr((text), (needle)))

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n >= m && !strcmp(s + n - m, suffix))
        return 1;
    fprintf(stderr, "\n\"%s\" does not end in \"%s\"\n", s, suffix);
    return 0;
}

/* The output line that starts with seq (after the padding), copied; NULL when none. */
static char *line_of(const char *text, int64_t seq)
{
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *q = p;
        while (*q == ' ')
            q++;
        char *end;
        long long v = strtoll(q, &end, 10);
        if (end != q && v == seq && *end == ' ')
            return strndup(p, n);
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

static int count_lines(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

/* Parses every line as JSON; returns how many, or -1 when one does not parse. */
static int jsonl_lines(const char *text, cJSON **keep, int64_t keep_seq)
{
    int n = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        cJSON *o = cj_parse(p, len);
        if (!o) {
            fprintf(stderr, "\nnot JSON: %.*s\n", (int)len, p);
            return -1;
        }
        cJSON *seq = cJSON_GetObjectItem(o, "seq");
        if (keep && cJSON_IsNumber(seq) && (int64_t)seq->valuedouble == keep_seq) {
            cJSON_Delete(*keep);
            *keep = o;
        } else {
            cJSON_Delete(o);
        }
        n++;
        p = nl ? nl + 1 : p + len;
    }
    return n;
}

static void test_timeline(void)
{
    char err[512], want[1024];
    int rc;
    char *t = replay(small_db, (sc_replay_opts){0}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    snprintf(want, sizeof want, "# %s: %lld events, seq 1..%lld, starting 2026-01-01T00:00:00.000Z\n", small_db,
             (long long)seq_last, (long long)seq_last);
    CU_ASSERT(strncmp(t, want, strlen(want)) == 0);
    CU_ASSERT_EQUAL(count_lines(t), 1 + seq_last);

    char *l = line_of(t, seq_cm_add);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    HAS(l, " 00:00:00.000 cutover-embedder create ADDED    ConfigMap default/cfg");
    CU_ASSERT(ends_with(l, "default/cfg")); /* no summary, no trailing padding */
    free(l);

    l = line_of(t, seq_cm_patch1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    HAS(l, " 00:00:01.500 cutover-embedder patch  MODIFIED ConfigMap default/cfg");
    CU_ASSERT(ends_with(l, "  data.color: red -> blue, data.size: <none> -> L"));
    free(l);

    /* keys with dots are quoted; three paths, then how many more */
    l = line_of(t, seq_cm_patch2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    HAS(l, " 00:01:02.500 ");
    CU_ASSERT(ends_with(l, "  metadata.labels[\"app.kubernetes.io/name\"]: demo -> demo2,"
                           " metadata.labels.tier: <none> -> web, data.color: blue -> green +4 more"));
    free(l);

    l = line_of(t, seq_cm_del);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    HAS(l, " 01:01:02.500 cutover-embedder delete DELETED  ConfigMap default/cfg");
    free(l);

    /* a cluster-scoped object has no namespace part */
    l = line_of(t, seq_other);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    HAS(l, " create ADDED    Namespace ");
    CU_ASSERT(ends_with(l, " other"));
    free(l);

    l = line_of(t, seq_pod_patch1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    HAS(l, " 01:01:02.750 ");
    CU_ASSERT(ends_with(l, "metadata.finalizers[0]: example.com/a -> example.com/b,"
                           " metadata.finalizers[1]: <none> -> example.com/c"));
    free(l);

    /* every column lines up: the TYPE starts at one offset in every line */
    long col = -1;
    for (int64_t s = 1; s <= seq_last; s++) {
        l = line_of(t, s);
        CU_ASSERT_PTR_NOT_NULL_FATAL(l);
        const char *ty = strstr(l, " ADDED ");
        if (!ty)
            ty = strstr(l, " MODIFIED ");
        if (!ty)
            ty = strstr(l, " DELETED ");
        CU_ASSERT_PTR_NOT_NULL_FATAL(ty);
        if (col < 0)
            col = ty - l;
        CU_ASSERT_EQUAL(ty - l, col);
        CU_ASSERT(l[strlen(l) - 1] != ' ');
        free(l);
    }
    free(t);

    /* no options is the timeline too */
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    CU_ASSERT_EQUAL(sc_replay(small_db, NULL, out, err, sizeof err), 0);
    fclose(out);
    CU_ASSERT_EQUAL(count_lines(text), 1 + seq_last);
    free(text);
}

static void test_timeline_sim(void)
{
    char err[512];
    int rc;
    char *t = replay(sim_db, (sc_replay_opts){0}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    HAS(t, " cutover-embedder  create ADDED    Pod       default/web");
    HAS(t, " default-scheduler patch  MODIFIED Pod       default/web");
    HAS(t, "spec.nodeName: <none> -> kind-control-plane");
    HAS(t, " 00:00:02.000 kubelet ");
    HAS(t, "status.phase: Pending -> Running, ");
    HAS(t, " more\n");
    HAS(t, " event-recorder ");
    /* one seed, one log, one replay (but for the file name in the header) */
    char *t2 = replay(sim_db2, (sc_replay_opts){0}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_STRING_EQUAL(strchr(t, '\n'), strchr(t2, '\n'));
    free(t2);
    free(t);
}

static void test_at(void)
{
    char err[512], want[1024];
    int rc;
    /* just before the delete: both ConfigMaps, the default one at its last version */
    char *t = replay(small_db, (sc_replay_opts){.at = seq_cm_del - 1}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    snprintf(want, sizeof want,
             "# state after seq %lld (00:01:02.500, cutover-embedder create ADDED ConfigMap other/cfg): 7 objects\n",
             (long long)(seq_cm_del - 1));
    CU_ASSERT(strncmp(t, want, strlen(want)) == 0);
    snprintf(want, sizeof want, "--- ConfigMap default/cfg (rv %lld)\n{\n  \"apiVersion\": \"v1\",\n",
             (long long)seq_cm_patch2);
    HAS(t, want);
    HAS(t, "--- ConfigMap other/cfg (rv ");
    HAS(t, "\n  \"data\": {\n    \"color\": \"green\",\n");
    HAS(t, "      \"app.kubernetes.io/name\": \"demo2\",\n");
    HAS(t, "--- Namespace other (rv ");
    HAS(t, "  \"spec\": {\n    \"finalizers\": [\n      \"kubernetes\"\n    ]\n  },\n");
    LACKS(t, "--- Pod");
    free(t);

    /* right after it: gone */
    t = replay(small_db, (sc_replay_opts){.at = seq_cm_del}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    HAS(t, "cutover-embedder delete DELETED ConfigMap default/cfg): 6 objects\n");
    LACKS(t, "--- ConfigMap default/cfg");
    HAS(t, "--- ConfigMap other/cfg (rv ");
    free(t);

    /* at its creation */
    t = replay(small_db, (sc_replay_opts){.at = seq_cm_add}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    snprintf(want, sizeof want, "--- ConfigMap default/cfg (rv %lld)\n", (long long)seq_cm_add);
    HAS(t, want);
    HAS(t, "\"color\": \"red\"");
    LACKS(t, "other");
    free(t);

    /* jsonl: one object per line */
    t = replay(small_db, (sc_replay_opts){.at = seq_last, .jsonl = 1}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(jsonl_lines(t, NULL, 0), 7);
    HAS(t, "\"finalizers\":[\"example.com/c\"]");
    LACKS(t, "\"color\":\"green\"");
    free(t);

    /* past the end */
    t = replay(small_db, (sc_replay_opts){.at = seq_last + 5}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, -1);
    snprintf(want, sizeof want, "%s: no event %lld (the recording ends at seq %lld)", small_db,
             (long long)seq_last + 5, (long long)seq_last);
    CU_ASSERT_STRING_EQUAL(err, want);
    free(t);
}

static void test_object(void)
{
    char err[512], want[1024];
    int rc;
    char *t = replay(small_db, (sc_replay_opts){.object = "configmap/default/cfg"}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    snprintf(want, sizeof want, "# ConfigMap default/cfg in %s: 4 versions, seq %lld..%lld\n", small_db,
             (long long)seq_cm_add, (long long)seq_cm_del);
    CU_ASSERT(strncmp(t, want, strlen(want)) == 0);
    /* the first version in full, then what each one changed */
    HAS(t, "cutover-embedder create ADDED    ConfigMap default/cfg\n  {\n    \"apiVersion\": \"v1\",\n");
    HAS(t, "cutover-embedder patch  MODIFIED ConfigMap default/cfg\n"
           "  ~ data.color: \"red\" -> \"blue\"\n"
           "  + data.size: \"L\"\n");
    HAS(t, "  ~ metadata.labels[\"app.kubernetes.io/name\"]: \"demo\" -> \"demo2\"\n"
           "  + metadata.labels.tier: \"web\"\n"
           "  ~ data.color: \"blue\" -> \"green\"\n"
           "  - data.size\n"
           "  + data.long: \"xxxxxxxxxx");
    HAS(t, "cutover-embedder delete DELETED  ConfigMap default/cfg\n  (deleted; no other changes)\n");
    LACKS(t, "resourceVersion:");
    /* a long value is cut to 120 bytes */
    const char *lg = strstr(t, "  + data.long: ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(lg);
    size_t n = strcspn(lg, "\n");
    CU_ASSERT_EQUAL(n, strlen("  + data.long: ") + 120);
    CU_ASSERT_NSTRING_EQUAL(lg + n - 3, "...", 3);

    /* the kind, its plural, any case, or the whole storage key */
    static const char *const names[] = {"ConfigMap/default/cfg", "CONFIGMAP/default/cfg", "configmaps/default/cfg",
                                        "ConfigMaps/default/cfg"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *t2 = replay(small_db, (sc_replay_opts){.object = names[i]}, &rc, err, sizeof err);
        CU_ASSERT_EQUAL(rc, 0);
        CU_ASSERT_STRING_EQUAL(t2, t);
        free(t2);
    }
    free(t);

    /* lists by index; KIND/NAME when the name is in one namespace only */
    t = replay(small_db, (sc_replay_opts){.object = "pod/web"}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    HAS(t, "3 versions");
    HAS(t, " patch  MODIFIED Pod default/web\n"
           "  ~ metadata.finalizers[0]: \"example.com/a\" -> \"example.com/b\"\n"
           "  + metadata.finalizers[1]: \"example.com/c\"\n");
    HAS(t, " patch  MODIFIED Pod default/web\n"
           "  ~ metadata.finalizers[0]: \"example.com/b\" -> \"example.com/c\"\n"
           "  - metadata.finalizers[1]\n");
    free(t);

    /* a cluster-scoped object */
    t = replay(small_db, (sc_replay_opts){.object = "namespace/other"}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    snprintf(want, sizeof want, "# Namespace other in %s: 1 version, seq %lld..%lld\n", small_db,
             (long long)seq_other, (long long)seq_other);
    HAS(t, want);
    free(t);

    /* with --at: its versions up to there */
    t = replay(small_db, (sc_replay_opts){.object = "ConfigMap/default/cfg", .at = seq_cm_patch1}, &rc, err,
               sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    HAS(t, ": 2 versions, ");
    LACKS(t, "green");
    free(t);

    /* jsonl: the versions, with the changes after the first */
    cJSON *v = NULL;
    t = replay(small_db, (sc_replay_opts){.object = "ConfigMap/default/cfg", .jsonl = 1}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(jsonl_lines(t, &v, seq_cm_patch1), 4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    cJSON *changes = cJSON_GetObjectItem(v, "changes");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(changes), 2);
    cJSON *c0 = cJSON_GetArrayItem(changes, 0), *c1 = cJSON_GetArrayItem(changes, 1);
    CU_ASSERT_STRING_EQUAL(cj_str(c0, "path"), "data.color");
    CU_ASSERT_STRING_EQUAL(cj_str(c0, "old"), "red");
    CU_ASSERT_STRING_EQUAL(cj_str(c0, "new"), "blue");
    CU_ASSERT_STRING_EQUAL(cj_str(c1, "path"), "data.size");
    CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(c1, "old"));
    CU_ASSERT_STRING_EQUAL(cj_str(c1, "new"), "L");
    CU_ASSERT_STRING_EQUAL(cj_str(v, "object.data.color"), "blue");
    cJSON_Delete(v);
    v = NULL;
    CU_ASSERT_EQUAL(jsonl_lines(t, &v, seq_cm_add), 4);
    CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(v, "changes")); /* nothing before the first */
    cJSON_Delete(v);
    free(t);
}

static void test_object_errors(void)
{
    char err[512], want[1024];
    int rc;
    char *t = replay(small_db, (sc_replay_opts){.object = "configmap/nope"}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, -1);
    snprintf(want, sizeof want, "no object configmap/nope in %s", small_db);
    CU_ASSERT_STRING_EQUAL(err, want);
    free(t);

    /* the name exists, but not as that kind, or not in that namespace */
    t = replay(small_db, (sc_replay_opts){.object = "secret/cfg"}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, -1);
    HAS(err, "no object secret/cfg in ");
    free(t);
    t = replay(small_db, (sc_replay_opts){.object = "configmap/kube-system/cfg"}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, -1);
    HAS(err, "no object configmap/kube-system/cfg in ");
    free(t);

    /* in two namespaces: say which */
    t = replay(small_db, (sc_replay_opts){.object = "configmap/cfg"}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, -1);
    snprintf(want, sizeof want,
             "configmap/cfg is ambiguous in %s: ConfigMap cfg exists in namespaces default, other; name one as"
             " configmap/NAMESPACE/cfg",
             small_db);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT(t == NULL || *t == 0);
    free(t);

    static const char *const bad[] = {"cfg", "configmap/", "/cfg", "a/b/c/d", "configmap//cfg"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t = replay(small_db, (sc_replay_opts){.object = bad[i]}, &rc, err, sizeof err);
        CU_ASSERT_EQUAL(rc, -1);
        HAS(err, "expected KIND/NAME or KIND/NAMESPACE/NAME");
        free(t);
    }
}

static void test_jsonl(void)
{
    char err[512];
    int rc;
    cJSON *v = NULL;
    char *t = replay(small_db, (sc_replay_opts){.jsonl = 1}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(jsonl_lines(t, &v, seq_cm_patch1), seq_last);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(v, "seq")->valuedouble, (double)seq_cm_patch1);
    CU_ASSERT_STRING_EQUAL(cj_str(v, "time"), "2026-01-01T00:00:01.500Z");
    CU_ASSERT_STRING_EQUAL(cj_str(v, "actor"), "cutover-embedder");
    CU_ASSERT_STRING_EQUAL(cj_str(v, "verb"), "patch");
    CU_ASSERT_STRING_EQUAL(cj_str(v, "type"), "MODIFIED");
    CU_ASSERT_STRING_EQUAL(cj_str(v, "kind"), "ConfigMap");
    CU_ASSERT_STRING_EQUAL(cj_str(v, "namespace"), "default");
    CU_ASSERT_STRING_EQUAL(cj_str(v, "name"), "cfg");
    CU_ASSERT_STRING_EQUAL(cj_str(v, "object.data.color"), "blue");
    cJSON_Delete(v);
    v = NULL;
    CU_ASSERT_EQUAL(jsonl_lines(t, &v, seq_other), seq_last);
    CU_ASSERT_STRING_EQUAL(cj_str(v, "kind"), "Namespace");
    CU_ASSERT_STRING_EQUAL(cj_str(v, "namespace"), "");
    CU_ASSERT_STRING_EQUAL(cj_str(v, "name"), "other");
    cJSON_Delete(v);
    free(t);
}

static void test_not_a_recording(void)
{
    char err[512], path[320];
    int rc;
    /* missing */
    snprintf(path, sizeof path, "%s/missing.db", dir);
    char *t = replay(path, (sc_replay_opts){0}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, -1);
    HAS(err, path);
    HAS(err, "cannot open");
    free(t);

    /* not SQLite at all */
    snprintf(path, sizeof path, "%s/scenario.yaml", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("name: x\nsteps:\n- apply: {kind: ConfigMap}\n", f);
    fclose(f);
    t = replay(path, (sc_replay_opts){0}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, -1);
    HAS(err, path);
    HAS(err, "not a recording");
    free(t);

    /* SQLite, without an events table, or with some other one */
    snprintf(path, sizeof path, "%s/other.db", dir);
    exec_sql(path, "CREATE TABLE things(a, b);");
    t = replay(path, (sc_replay_opts){.at = 3}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, -1);
    char want[400];
    snprintf(want, sizeof want, "%s: not a recording (no events table", path);
    CU_ASSERT_NSTRING_EQUAL(err, want, strlen(want));
    free(t);
    exec_sql(path, "CREATE TABLE events(id INTEGER PRIMARY KEY, what TEXT);");
    t = replay(path, (sc_replay_opts){.object = "pod/x"}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, -1);
    HAS(err, "not a recording");
    free(t);

    /* a recording of nothing */
    snprintf(path, sizeof path, "%s/empty.db", dir);
    exec_sql(path, "CREATE TABLE events(rv INTEGER PRIMARY KEY, time INTEGER, verb TEXT, actor TEXT, key TEXT,"
                   " ns TEXT, name TEXT, type TEXT, json TEXT, old TEXT);");
    t = replay(path, (sc_replay_opts){0}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    HAS(t, ": no events\n");
    free(t);
    t = replay(path, (sc_replay_opts){.at = 1}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, -1);
    HAS(err, "the recording is empty");
    free(t);
}

static void test_malformed_rows(void)
{
    char err[512];
    int rc;
    char *t = replay(bad_db, (sc_replay_opts){0}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    char *l = line_of(t, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    HAS(l, " patch  MODIFIED ConfigMap           a/x  (malformed JSON in this event)");
    free(l);
    l = line_of(t, 3);
    HAS(l, " - ");
    HAS(l, "(previous version unreadable)");
    free(l);
    l = line_of(t, 4); /* no JSON at all: the kind its resource has elsewhere */
    HAS(l, " 00:00:03.000 -  -      ADDED ");
    HAS(l, "ConfigMap           a/y  (malformed JSON in this event)");
    free(l);
    l = line_of(t, 5);
    HAS(l, "(previous version unreadable)");
    free(l);
    l = line_of(t, 6); /* valid JSON, but no kind: the storage key */
    HAS(l, " ADDED    widgets.example.com a/w");
    free(l);
    l = line_of(t, 7);
    HAS(l, " -00:00:00.500 ");
    CU_ASSERT(ends_with(l, " z    a[1].b: 3 -> 2, a[2]: 4 -> <none>"));
    free(l);
    free(t);

    t = replay(bad_db, (sc_replay_opts){.jsonl = 1}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_EQUAL(jsonl_lines(t, NULL, 0), 7);
    HAS(t, "\"actor\":\"\",\"verb\":\"\",\"type\":\"ADDED\",\"kind\":\"ConfigMap\",\"namespace\":\"a\",\"name\":\"y\","
           "\"object\":null}");
    free(t);

    t = replay(bad_db, (sc_replay_opts){.at = 2}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    HAS(t, "--- ConfigMap a/x (rv 2)\n(malformed JSON: {not json)\n");
    free(t);
    t = replay(bad_db, (sc_replay_opts){.at = 7}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    HAS(t, "--- widgets.example.com a/w (rv 6)\n\"just a string\"\n");
    HAS(t, "--- ConfigMap z (rv 7)\n");
    free(t);
    t = replay(bad_db, (sc_replay_opts){.at = 2, .jsonl = 1}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_EQUAL(jsonl_lines(t, NULL, 0), 1);
    HAS(t, "{\"error\":\"malformed JSON in event 2\",\"resource\":\"configmaps\",\"namespace\":\"a\","
           "\"name\":\"x\"}\n");
    free(t);

    /* a version that cannot be read: the next one is shown in full */
    t = replay(bad_db, (sc_replay_opts){.object = "configmap/x"}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    HAS(t, "MODIFIED ConfigMap a/x\n  (malformed JSON: {not json)\n");
    HAS(t, "MODIFIED ConfigMap a/x\n  {\n    \"kind\": \"ConfigMap\",\n");
    free(t);
    t = replay(bad_db, (sc_replay_opts){.object = "configmap/z"}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    free(t);
    t = replay(bad_db, (sc_replay_opts){.object = "widgets/w"}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    HAS(t, "# widgets.example.com a/w in ");
    free(t);
}

/* A store that kept only recent history: replay says what is missing. */
static void test_compacted(void)
{
    char err[512], path[320];
    int rc;
    snprintf(path, sizeof path, "%s/compacted.db", dir);
    exec_sql(path, "CREATE TABLE events(rv INTEGER PRIMARY KEY, time INTEGER, verb TEXT, actor TEXT, key TEXT,"
                   " ns TEXT, name TEXT, type TEXT, json TEXT, old TEXT);"
                   "CREATE TABLE meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL);"
                   "INSERT INTO meta VALUES('compacted', 3);"
                   "INSERT INTO events VALUES(4, 9000, 'create', 'me', 'configmaps', 'a', 'x', 'ADDED', "
                   CM("x", "") ", NULL);"
                   "INSERT INTO events VALUES(5, 9250, 'delete', 'me', 'configmaps', 'a', 'x', 'DELETED', "
                   CM("x", "") ", NULL);");
    char *t = replay(path, (sc_replay_opts){0}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    HAS(t, ": 2 events, seq 4..5, starting 1970-01-01T00:00:09.000Z\n"
           "# note: events up to seq 3 were compacted away (not recorded with keep-all history)\n"
           "4 00:00:00.000 me create ADDED   ConfigMap a/x\n"
           "5 00:00:00.250 me delete DELETED ConfigMap a/x\n");
    free(t);
    t = replay(path, (sc_replay_opts){.at = 2}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, -1);
    HAS(err, "no event 2 (the recording starts at seq 4; earlier events were compacted away)");
    free(t);
    t = replay(path, (sc_replay_opts){.at = 4}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    HAS(t, "# note: events up to seq 3 were compacted away; objects last written before then are missing\n");
    HAS(t, "--- ConfigMap a/x (rv 4)\n");
    free(t);
}

/* A recording still being written: replay reads alongside the server. */
static void test_live(void)
{
    char err[256], path[320];
    snprintf(path, sizeof path, "%s/live.db", dir);
    co_clock *clk = co_clock_virtual(T0);
    fakeapi *f = fakeapi_start(&(fakeapi_options){.db_path = path, .history = -1, .clock = clk, .seed = 1,
                                                  .no_sim = 1},
                               err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(call(f, "POST", CMS, NULL, "{\"metadata\":{\"name\":\"live\"}}"), 201);
    int rc;
    char *t = replay(path, (sc_replay_opts){.object = "configmap/live"}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    HAS(t, "1 version,");
    free(t);
    CU_ASSERT_EQUAL(call(f, "PATCH", CMS "/live", MERGE, "{\"data\":{\"a\":\"b\"}}"), 200);
    t = replay(path, (sc_replay_opts){.object = "configmap/live"}, &rc, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    HAS(t, "  + data: {\"a\":\"b\"}\n");
    free(t);
    fakeapi_stop(f);
    co_clock_free(clk);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 2;
    snprintf(small_db, sizeof small_db, "%s/small.db", dir);
    snprintf(sim_db, sizeof sim_db, "%s/sim.db", dir);
    snprintf(sim_db2, sizeof sim_db2, "%s/sim2.db", dir);
    snprintf(bad_db, sizeof bad_db, "%s/bad.db", dir);
    static const cu_test tests[] = {
        {"a recording without the simulated cluster", make_small},
        {"two recordings with it, one seed", make_sim},
        {"a hand-made file with bad rows", make_bad},
        {"the timeline: aligned columns, change summaries", test_timeline},
        {"the timeline of the simulated cluster, deterministic", test_timeline_sim},
        {"--at: the state before and after a delete", test_at},
        {"--object: versions with diffs, kind spellings", test_object},
        {"--object: unknown, ambiguous, malformed", test_object_errors},
        {"jsonl timeline", test_jsonl},
        {"files that are not recordings", test_not_a_recording},
        {"malformed rows never crash", test_malformed_rows},
        {"a compacted recording says so", test_compacted},
        {"a recording still being written", test_live},
        {NULL, NULL},
    };
    int rc = cu_run("scenario_replay", tests);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0 && rc == 0)
        rc = 1;
    return rc;
}
