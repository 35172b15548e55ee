/* test_store.c: the SQLite store: resourceVersions, the event log, listing, compaction, durability. */
#include "cu.h"
#include "common/json.h"
#include "fakeapi/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int64_t put(fa_store *s, const char *type, const char *ns, const char *name, const char *json, const char *old)
{
    cJSON *o = cJSON_Parse(json);
    fa_write w = {.key = "configmaps", .ns = ns, .name = name, .type = type, .verb = "test", .actor = "unit",
                  .old_json = old, .now_ms = 1000};
    int64_t rv = fa_store_write(s, &w, o);
    cJSON_Delete(o);
    return rv;
}

static void test_rv_sequence(void)
{
    char err[256];
    fa_store *s = fa_store_open(NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(fa_store_rv(s), 0);
    CU_ASSERT_EQUAL(put(s, "ADDED", "a", "x", "{\"metadata\":{\"name\":\"x\"}}", NULL), 1);
    CU_ASSERT_EQUAL(put(s, "ADDED", "a", "y", "{\"metadata\":{\"name\":\"y\"}}", NULL), 2);
    char *got = fa_store_get(s, "configmaps", "a", "x");
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    cJSON *o = cJSON_Parse(got);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "metadata.resourceVersion"), "1");
    cJSON_Delete(o);
    free(got);
    /* inserting an existing key fails and writes nothing */
    CU_ASSERT_EQUAL(put(s, "ADDED", "a", "x", "{}", NULL), -1);
    CU_ASSERT_EQUAL(fa_store_rv(s), 2);
    /* modifying a missing key fails too */
    CU_ASSERT_EQUAL(put(s, "MODIFIED", "a", "zz", "{}", NULL), -1);
    CU_ASSERT_EQUAL(put(s, "DELETED", "a", "x", "{\"metadata\":{\"name\":\"x\"}}", NULL), 3);
    CU_ASSERT_PTR_NULL(fa_store_get(s, "configmaps", "a", "x"));
    fa_store_close(s);
}

static int count_row(void *ud, const char *ns, const char *name, const char *json)
{
    (void)json;
    char *acc = ud;
    strcat(acc, ns);
    strcat(acc, "/");
    strcat(acc, name);
    strcat(acc, " ");
    return 0;
}

static void test_list_order_and_paging(void)
{
    char err[256], acc[256] = "";
    fa_store *s = fa_store_open(NULL, err, sizeof err);
    put(s, "ADDED", "b", "m", "{}", NULL);
    put(s, "ADDED", "a", "z", "{}", NULL);
    put(s, "ADDED", "a", "c", "{}", NULL);
    fa_store_list(s, "configmaps", NULL, NULL, NULL, count_row, acc);
    CU_ASSERT_STRING_EQUAL(acc, "a/c a/z b/m ");
    acc[0] = 0;
    fa_store_list(s, "configmaps", "a", NULL, NULL, count_row, acc);
    CU_ASSERT_STRING_EQUAL(acc, "a/c a/z ");
    acc[0] = 0;
    fa_store_list(s, "configmaps", NULL, "a", "c", count_row, acc);
    CU_ASSERT_STRING_EQUAL(acc, "a/z b/m ");
    acc[0] = 0;
    fa_store_list(s, "secrets", NULL, NULL, NULL, count_row, acc);
    CU_ASSERT_STRING_EQUAL(acc, "");
    fa_store_close(s);
}

static int log_event(void *ud, int64_t rv, const char *type, const char *ns, const char *name, const char *json,
                     const char *old)
{
    (void)ns, (void)json;
    char *acc = ud;
    char line[128];
    snprintf(line, sizeof line, "%lld:%s:%s:%s ", (long long)rv, type, name, old ? "old" : "-");
    strcat(acc, line);
    return 0;
}

static void test_event_log(void)
{
    char err[256], acc[512] = "";
    fa_store *s = fa_store_open(NULL, err, sizeof err);
    put(s, "ADDED", "a", "x", "{}", NULL);
    put(s, "MODIFIED", "a", "x", "{\"data\":{}}", "{}");
    put(s, "DELETED", "a", "x", "{}", NULL);
    fa_store_events(s, "configmaps", 0, 100, log_event, acc);
    CU_ASSERT_STRING_EQUAL(acc, "1:ADDED:x:- 2:MODIFIED:x:old 3:DELETED:x:- ");
    acc[0] = 0;
    CU_ASSERT_EQUAL(fa_store_events(s, "configmaps", 1, 1, log_event, acc), 1);
    CU_ASSERT_STRING_EQUAL(acc, "2:MODIFIED:x:old ");
    CU_ASSERT_TRUE(fa_store_changed_since(s, "configmaps", "a", 2));
    CU_ASSERT_FALSE(fa_store_changed_since(s, "configmaps", "a", 3));
    CU_ASSERT_FALSE(fa_store_changed_since(s, "configmaps", "b", 0));
    fa_store_compact(s, 1);
    CU_ASSERT_EQUAL(fa_store_compacted(s), 2);
    acc[0] = 0;
    fa_store_events(s, NULL, 0, 100, log_event, acc);
    CU_ASSERT_STRING_EQUAL(acc, "3:DELETED:x:- ");
    fa_store_close(s);
}

static int scan_row(void *ud, const char *key, const char *name, const char *json)
{
    (void)json;
    strcat(ud, key);
    strcat(ud, ":");
    strcat(ud, name);
    strcat(ud, " ");
    return 0;
}

static void test_scan_namespace(void)
{
    char err[256], acc[256] = "";
    fa_store *s = fa_store_open(NULL, err, sizeof err);
    put(s, "ADDED", "a", "x", "{}", NULL);
    put(s, "ADDED", "b", "y", "{}", NULL);
    fa_store_scan_ns(s, "a", scan_row, acc);
    CU_ASSERT_STRING_EQUAL(acc, "configmaps:x ");
    fa_store_close(s);
}

static void test_file_store_survives_reopen(void)
{
    char path[] = "/tmp/cutover-store-XXXXXX", err[256];
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    fa_store *s = fa_store_open(path, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    put(s, "ADDED", "a", "x", "{}", NULL);
    put(s, "ADDED", "a", "y", "{}", NULL);
    fa_store_compact(s, 1);
    fa_store_close(s);
    s = fa_store_open(path, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(fa_store_rv(s), 2);
    CU_ASSERT_EQUAL(fa_store_compacted(s), 1);
    char *x = fa_store_get(s, "configmaps", "a", "x");
    CU_ASSERT_PTR_NOT_NULL(x);
    free(x);
    CU_ASSERT_EQUAL(put(s, "ADDED", "a", "z", "{}", NULL), 3);
    fa_store_close(s);
    char aux[300];
    unlink(path);
    snprintf(aux, sizeof aux, "%s-wal", path);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", path);
    unlink(aux);
}

static void test_open_failure_is_reported(void)
{
    char err[256] = "";
    CU_ASSERT_PTR_NULL(fa_store_open("/nonexistent-dir/x.db", err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent-dir/x.db"));
}

int main(void)
{
    static const cu_test tests[] = {
        {"resourceVersions are one global sequence", test_rv_sequence},
        {"list order and paging keys", test_list_order_and_paging},
        {"event log, changed_since and compaction", test_event_log},
        {"scan a namespace across kinds", test_scan_namespace},
        {"a file store survives reopening", test_file_store_survives_reopen},
        {"an unopenable store is reported", test_open_failure_is_reported},
        {NULL, NULL},
    };
    return cu_run("store", tests);
}
