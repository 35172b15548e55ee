/* test_controller_rs.c: the Rollout's ReplicaSet lifecycle, function by function (Argo's
 * utils/replicaset NewRSNewReplicas and rollout/sync.go reconcileRevisionHistoryLimit):
 *  - ro_new_rs_replicas, the size of the new ReplicaSet of a blue/green rollout, on a reconcile
 *    context built by hand (no server): the preview count until the scale-up checkpoint or a full
 *    promotion, the full size when there is no active ReplicaSet or it is the new one;
 *  - ro_cleanup_old_rss, revisionHistoryLimit: which old ReplicaSets it deletes, against the
 *    in-process fake API server (no simulation): oldest first, only scaled-down ones;
 *  - the pod-template hashes the scenarios rollout-hash-collision, rollout-adopt-orphan and
 *    rollout-history-limit rely on, computed from their manifests (collisionCount mixed in).
 * The three scenarios themselves run in tests/integration/test_scenarios.sh (every
 * scenarios/ file) and twice each in test_scenario_runner.c (determinism). */
#include "cu.h"

#include "common/buf.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/yaml.h"
#include "controller/kube/client.h"
#include "controller/kube/config.h"
#include "controller/rollout/hash.h"
#include "controller/rollout/internal.h"
#include "fakeapi/fakeapi.h"

#include <curl/curl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char src_dir[1024]; /* the repository, from this file's path */

static cJSON *J(const char *text)
{
    cJSON *o = cJSON_Parse(text);
    if (!o)
        fprintf(stderr, "\n  bad JSON in the test: %s\n", text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    return o;
}

/* ---- ro_new_rs_replicas ---- */

/* A reconcile context over a blue/green rollout: `strategy` is the blueGreen object's extra
   members, `spec_extra` more spec members, `status` the rollout's status. Two ReplicaSets, hashes
   "aaa" (the old one) and "bbb" (the new one, x->new_rs). */
typedef struct {
    ro_ctx x;
} bg_fixture;

static void bg_setup(bg_fixture *f, const char *spec_extra, const char *bg_extra, const char *status)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\","
             "\"metadata\":{\"name\":\"web\",\"namespace\":\"rs\"},"
             "\"spec\":{%s%s\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
             "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
             "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"example/rs:v2\"}]}},"
             "\"strategy\":{\"blueGreen\":{\"activeService\":\"web-active\"%s%s}}},"
             "\"status\":%s}",
             spec_extra, *spec_extra ? "," : "", *bg_extra ? "," : "", bg_extra, status);
    memset(f, 0, sizeof *f);
    f->x.ro = J(text);
    f->x.status = cj_get(f->x.ro, "status");
    f->x.ns = "rs";
    f->x.name = "web";
    CU_ASSERT_EQUAL_FATAL(ro_defaults(f->x.ro, &f->x.spec), 0);
    f->x.rss = J("[{\"metadata\":{\"name\":\"web-aaa\",\"labels\":{\"app\":\"web\",\"rollouts-pod-template-hash\":\"aaa\"},"
                 "\"annotations\":{\"rollout.argoproj.io/revision\":\"1\"}},"
                 "\"spec\":{\"replicas\":3},\"status\":{\"replicas\":3,\"availableReplicas\":3}},"
                 "{\"metadata\":{\"name\":\"web-bbb\",\"labels\":{\"app\":\"web\",\"rollouts-pod-template-hash\":\"bbb\"},"
                 "\"annotations\":{\"rollout.argoproj.io/revision\":\"2\"}},"
                 "\"spec\":{\"replicas\":1},\"status\":{\"replicas\":1,\"availableReplicas\":1}}]");
    f->x.new_rs = ro_rs_by_hash(&f->x, "bbb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f->x.new_rs);
}

static void bg_teardown(bg_fixture *f)
{
    cJSON_Delete(f->x.rss);
    cJSON_Delete(f->x.ro);
}

/* The new RS's size for that rollout (3 replicas unless spec_extra says otherwise). */
static int new_size(const char *spec_extra, const char *bg_extra, const char *status)
{
    bg_fixture f;
    bg_setup(&f, spec_extra, bg_extra, status);
    int n = ro_new_rs_replicas(&f.x);
    bg_teardown(&f);
    return n;
}

#define R3 "\"replicas\":3"
#define PREVIEW1 "\"previewReplicaCount\":1"
/* an update under way: the active Service on the old RS, the new RS recorded as current */
#define UPDATING "\"currentPodHash\":\"bbb\",\"stableRS\":\"aaa\""

static void test_no_preview_replica_count_is_full_size(void)
{
    /* without previewReplicaCount the new RS is always spec.replicas */
    CU_ASSERT_EQUAL(new_size(R3, "", "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"aaa\"}}"), 3);
    CU_ASSERT_EQUAL(new_size(R3, "", "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"aaa\"},\"pauseConditions\":"
                                     "[{\"reason\":\"BlueGreenPause\",\"startTime\":\"2026-01-01T00:00:00Z\"}]}"),
                    3);
    CU_ASSERT_EQUAL(new_size(R3 ",\"paused\":true", "", "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"aaa\"}}"), 3);
    /* spec.replicas unset: 1 (GetReplicasOrDefault) */
    CU_ASSERT_EQUAL(new_size("", "", "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"aaa\"}}"), 1);
}

static void test_no_active_rs_is_full_size(void)
{
    /* no active selector yet (initial deploy) */
    CU_ASSERT_EQUAL(new_size(R3, PREVIEW1, "{}"), 3);
    CU_ASSERT_EQUAL(new_size(R3, PREVIEW1, "{\"currentPodHash\":\"bbb\",\"blueGreen\":{}}"), 3);
    /* the active selector names a hash no ReplicaSet of this rollout has */
    CU_ASSERT_EQUAL(new_size(R3, PREVIEW1, "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"zzz\"}}"), 3);
    /* even while paused */
    CU_ASSERT_EQUAL(new_size(R3 ",\"paused\":true", PREVIEW1, "{\"blueGreen\":{}}"), 3);
}

static void test_active_is_new_is_full_size(void)
{
    /* past the switch: the active RS is the new one */
    CU_ASSERT_EQUAL(new_size(R3, PREVIEW1, "{\"currentPodHash\":\"bbb\",\"stableRS\":\"bbb\","
                                           "\"blueGreen\":{\"activeSelector\":\"bbb\"}}"),
                    3);
    CU_ASSERT_EQUAL(new_size(R3, PREVIEW1, "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"bbb\"}}"), 3);
    CU_ASSERT_EQUAL(new_size(R3 ",\"paused\":true", PREVIEW1,
                             "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"bbb\"}}"),
                    3);
}

static void test_preview_count_until_checkpoint(void)
{
    /* before promotion: the preview count, paused (BlueGreenPause) or not */
    CU_ASSERT_EQUAL(new_size(R3, PREVIEW1, "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"aaa\"}}"), 1);
    CU_ASSERT_EQUAL(new_size(R3, PREVIEW1,
                             "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"aaa\"},\"controllerPause\":true,"
                             "\"pauseConditions\":[{\"reason\":\"BlueGreenPause\",\"startTime\":\"2026-01-01T00:00:00Z\"}]}"),
                    1);
    /* promoted (the pause cleared) but the checkpoint not yet computed: still the preview count */
    CU_ASSERT_EQUAL(new_size(R3, PREVIEW1,
                             "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"aaa\"},\"controllerPause\":true}"),
                    1);
    CU_ASSERT_EQUAL(new_size(R3, PREVIEW1,
                             "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"aaa\",\"scaleUpPreviewCheckPoint\":false}}"),
                    1);
    /* previewReplicaCount 0 is a count like any other */
    CU_ASSERT_EQUAL(new_size(R3, "\"previewReplicaCount\":0", "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"aaa\"}}"),
                    0);
    CU_ASSERT_EQUAL(new_size(R3, "\"previewReplicaCount\":0", "{}"), 3);
    /* a preview count larger than spec.replicas is returned as is */
    CU_ASSERT_EQUAL(new_size(R3, "\"previewReplicaCount\":5", "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"aaa\"}}"),
                    5);
}

static void test_checkpoint_is_full_size(void)
{
    CU_ASSERT_EQUAL(new_size(R3, PREVIEW1,
                             "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"aaa\",\"scaleUpPreviewCheckPoint\":true}}"),
                    3);
    /* with autoPromotionEnabled false, once promoted (controllerPause without conditions) */
    CU_ASSERT_EQUAL(new_size(R3, PREVIEW1 ",\"autoPromotionEnabled\":false",
                             "{" UPDATING ",\"controllerPause\":true,"
                             "\"blueGreen\":{\"activeSelector\":\"aaa\",\"scaleUpPreviewCheckPoint\":true}}"),
                    3);
}

static void test_checkpoint_while_paused_is_preview(void)
{
    /* spec.paused (kubectl argo rollouts pause) holds the preview count even past the checkpoint */
    CU_ASSERT_EQUAL(new_size(R3 ",\"paused\":true", PREVIEW1,
                             "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"aaa\",\"scaleUpPreviewCheckPoint\":true}}"),
                    1);
    CU_ASSERT_EQUAL(new_size(R3 ",\"paused\":true", PREVIEW1, "{" UPDATING ",\"blueGreen\":{\"activeSelector\":\"aaa\"}}"),
                    1);
}

static void test_promote_full_is_full_size(void)
{
    CU_ASSERT_EQUAL(new_size(R3, PREVIEW1, "{" UPDATING ",\"promoteFull\":true,\"blueGreen\":{\"activeSelector\":\"aaa\"}}"),
                    3);
    CU_ASSERT_EQUAL(new_size(R3, PREVIEW1,
                             "{" UPDATING ",\"promoteFull\":true,\"controllerPause\":true,"
                             "\"blueGreen\":{\"activeSelector\":\"aaa\"}}"),
                    3);
}

/* Argo checks status.promoteFull before anything about pausing (replicaset.go NewRSNewReplicas:
   activeRS nil or new -> full; promoteFull -> full; new RS hash != currentPodHash -> preview;
   !spec.paused && no pauseConditions && checkpoint -> full; else preview). */
static void test_promote_full_ignores_spec_paused(void)
{
    int n = new_size(R3 ",\"paused\":true", PREVIEW1,
                     "{" UPDATING ",\"promoteFull\":true,\"blueGreen\":{\"activeSelector\":\"aaa\"}}");
    if (n != 3)
        fprintf(stderr, "\n  spec.paused with status.promoteFull: new RS size %d, Argo's NewRSNewReplicas gives 3\n", n);
    CU_ASSERT_EQUAL(n, 3);
}

static void test_checkpoint_with_pause_conditions_is_preview(void)
{
    /* isNotPaused := !spec.Paused && len(status.PauseConditions) == 0 */
    int n = new_size(R3, PREVIEW1,
                     "{" UPDATING ",\"controllerPause\":true,"
                     "\"pauseConditions\":[{\"reason\":\"BlueGreenPause\",\"startTime\":\"2026-01-01T00:00:00Z\"}],"
                     "\"blueGreen\":{\"activeSelector\":\"aaa\",\"scaleUpPreviewCheckPoint\":true}}");
    if (n != 1)
        fprintf(stderr, "\n  checkpoint with a pause condition: new RS size %d, Argo's NewRSNewReplicas gives 1\n", n);
    CU_ASSERT_EQUAL(n, 1);
}

static void test_checkpoint_of_previous_update_is_preview(void)
{
    /* the recorded current hash is not the new RS's: a new update, whatever the old checkpoint */
    int n = new_size(R3, PREVIEW1,
                     "{\"currentPodHash\":\"ccc\",\"stableRS\":\"aaa\","
                     "\"blueGreen\":{\"activeSelector\":\"aaa\",\"scaleUpPreviewCheckPoint\":true}}");
    if (n != 1)
        fprintf(stderr, "\n  a new update with a stale checkpoint: new RS size %d, Argo's NewRSNewReplicas gives 1\n", n);
    CU_ASSERT_EQUAL(n, 1);
}

/* ---- ro_cleanup_old_rss (revisionHistoryLimit) ---- */

static fakeapi *srv;
static co_clock *vclock;
static kube_client *client;

#define RS_PATH "/apis/apps/v1/namespaces/rs/replicasets"

static int srv_call(const char *method, const char *path, const char *body)
{
    char *out = NULL;
    unsigned code = fakeapi_call(srv, method, path, body ? "application/json" : NULL, body, &out);
    if (code >= 300 && !(code == 404 && !strcmp(method, "GET")))
        fprintf(stderr, "\n  %s %s: %u %s\n", method, path, code, out ? out : "");
    free(out);
    return (int)code;
}

static void create_rs(const char *name)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"%s\",\"labels\":{\"app\":\"web\"}},"
             "\"spec\":{\"replicas\":0,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
             "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
             "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"example/rs:v1\"}]}}}}",
             name);
    CU_ASSERT_EQUAL(srv_call("POST", RS_PATH, body), 201);
}

static int exists(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, RS_PATH "/%s", name);
    return srv_call("GET", path, NULL) == 200;
}

/* One old ReplicaSet as the reconcile sees it: created at second `created` of 2026-01-01, with
   spec.replicas, status.replicas, metadata.generation, status.observedGeneration; `deleting`
   gives it a deletionTimestamp. */
typedef struct {
    const char *name;
    int created;
    int spec_replicas, status_replicas, generation, observed;
    int deleting;
} old_rs;

#define DOWN(n, t) {n, t, 0, 0, 1, 1, 0}

/* Runs ro_cleanup_old_rss with revisionHistoryLimit `limit` over `olds` (in that order in
   x->others), each of which exists on the server first; returns its result. */
static int cleanup(int limit, const old_rs *olds, int n)
{
    ro_controller rc = {.o = {.client = client, .clock = vclock, .log_level = RO_LOG_OFF}, .clock = vclock, .client = client};
    char text[1024];
    snprintf(text, sizeof text,
             "{\"metadata\":{\"name\":\"web\",\"namespace\":\"rs\"},\"spec\":{\"replicas\":2,\"revisionHistoryLimit\":%d,"
             "\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"strategy\":{\"blueGreen\":{\"activeService\":\"a\"}}}}",
             limit);
    ro_ctx x = {.rc = &rc, .now = co_clock_now_ms(vclock), .ns = "rs", .name = "web"};
    x.ro = J(text);
    CU_ASSERT_EQUAL_FATAL(ro_defaults(x.ro, &x.spec), 0);
    CU_ASSERT_EQUAL(x.spec.revision_history_limit, limit);
    x.rss = cJSON_CreateArray();
    x.others = calloc((size_t)n + 1, sizeof *x.others);
    for (int i = 0; i < n; i++) {
        create_rs(olds[i].name);
        snprintf(text, sizeof text,
                 "{\"metadata\":{\"name\":\"%s\",\"namespace\":\"rs\",\"creationTimestamp\":\"2026-01-01T00:00:%02dZ\","
                 "\"generation\":%d%s,\"labels\":{\"app\":\"web\",\"rollouts-pod-template-hash\":\"h%d\"}},"
                 "\"spec\":{\"replicas\":%d},\"status\":{\"replicas\":%d,\"observedGeneration\":%d}}",
                 olds[i].name, olds[i].created, olds[i].generation,
                 olds[i].deleting ? ",\"deletionTimestamp\":\"2026-01-01T00:00:59Z\"" : "", i, olds[i].spec_replicas,
                 olds[i].status_replicas, olds[i].observed);
        cJSON *rs = J(text);
        cJSON_AddItemToArray(x.rss, rs);
        x.others[x.nothers++] = rs;
    }
    int r = ro_cleanup_old_rss(&x);
    free(x.others);
    cJSON_Delete(x.rss);
    cJSON_Delete(x.ro);
    return r;
}

static void test_history_oldest_first(void)
{
    /* limit 2, four scaled-down old ReplicaSets (listed out of order): the two oldest go */
    const old_rs olds[] = {DOWN("ho-c", 3), DOWN("ho-a", 1), DOWN("ho-d", 4), DOWN("ho-b", 2)};
    CU_ASSERT_EQUAL(cleanup(2, olds, 4), 0);
    CU_ASSERT_FALSE(exists("ho-a"));
    CU_ASSERT_FALSE(exists("ho-b"));
    CU_ASSERT_TRUE(exists("ho-c"));
    CU_ASSERT_TRUE(exists("ho-d"));
}

static void test_history_same_second_by_name(void)
{
    /* creationTimestamp ties are broken by name (controller.ReplicaSetsByCreationTimestamp) */
    const old_rs olds[] = {DOWN("ht-y", 5), DOWN("ht-x", 5), DOWN("ht-w", 6)};
    CU_ASSERT_EQUAL(cleanup(2, olds, 3), 0);
    CU_ASSERT_FALSE(exists("ht-x"));
    CU_ASSERT_TRUE(exists("ht-y"));
    CU_ASSERT_TRUE(exists("ht-w"));
}

static void test_history_only_scaled_down(void)
{
    /* limit 1 of five: the four oldest are candidates; those not fully scaled down are skipped
       (spec.replicas, status.replicas, an unobserved generation) and nothing newer is deleted in
       their place */
    const old_rs olds[] = {
        {"hs-p", 1, 2, 2, 1, 1, 0}, /* still scaled up */
        {"hs-q", 2, 0, 1, 2, 2, 0}, /* spec 0, a pod still there */
        {"hs-r", 3, 0, 0, 3, 2, 0}, /* its scale-down not yet observed */
        DOWN("hs-s", 4),
        DOWN("hs-t", 5),
    };
    CU_ASSERT_EQUAL(cleanup(1, olds, 5), 0);
    CU_ASSERT_TRUE(exists("hs-p"));
    CU_ASSERT_TRUE(exists("hs-q"));
    CU_ASSERT_TRUE(exists("hs-r"));
    CU_ASSERT_FALSE(exists("hs-s"));
    CU_ASSERT_TRUE(exists("hs-t"));
}

static void test_history_deleting_not_counted(void)
{
    /* one already being deleted is neither counted nor deleted again */
    const old_rs olds[] = {{"hd-e", 1, 0, 0, 1, 1, 1}, DOWN("hd-f", 2), DOWN("hd-g", 3)};
    CU_ASSERT_EQUAL(cleanup(1, olds, 3), 0);
    CU_ASSERT_TRUE(exists("hd-e"));
    CU_ASSERT_FALSE(exists("hd-f"));
    CU_ASSERT_TRUE(exists("hd-g"));
    /* limit 2 with one deleting among three: two alive, nothing to do */
    const old_rs more[] = {{"hd-h", 1, 0, 0, 1, 1, 1}, DOWN("hd-i", 2), DOWN("hd-j", 3)};
    CU_ASSERT_EQUAL(cleanup(2, more, 3), 0);
    CU_ASSERT_TRUE(exists("hd-h"));
    CU_ASSERT_TRUE(exists("hd-i"));
    CU_ASSERT_TRUE(exists("hd-j"));
}

static void test_history_within_limit_and_zero(void)
{
    const old_rs two[] = {DOWN("hw-a", 1), DOWN("hw-b", 2)};
    CU_ASSERT_EQUAL(cleanup(2, two, 2), 0);
    CU_ASSERT_TRUE(exists("hw-a"));
    CU_ASSERT_TRUE(exists("hw-b"));
    /* revisionHistoryLimit 0: every scaled-down old ReplicaSet goes, a scaled-up one stays */
    const old_rs zero[] = {DOWN("hz-a", 1), DOWN("hz-b", 2), {"hz-c", 3, 2, 2, 1, 1, 0}};
    CU_ASSERT_EQUAL(cleanup(0, zero, 3), 0);
    CU_ASSERT_FALSE(exists("hz-a"));
    CU_ASSERT_FALSE(exists("hz-b"));
    CU_ASSERT_TRUE(exists("hz-c"));
}

static void test_history_already_gone(void)
{
    /* a ReplicaSet someone else deleted meanwhile (404) is not an error */
    const old_rs olds[] = {DOWN("hg-a", 1), DOWN("hg-b", 2)};
    ro_controller rc = {.o = {.client = client, .clock = vclock, .log_level = RO_LOG_OFF}, .clock = vclock, .client = client};
    ro_ctx x = {.rc = &rc, .now = co_clock_now_ms(vclock), .ns = "rs", .name = "web"};
    x.ro = J("{\"spec\":{\"replicas\":1,\"revisionHistoryLimit\":0,\"strategy\":{\"blueGreen\":{\"activeService\":\"a\"}}}}");
    CU_ASSERT_EQUAL_FATAL(ro_defaults(x.ro, &x.spec), 0);
    x.rss = cJSON_CreateArray();
    x.others = calloc(3, sizeof *x.others);
    create_rs("hg-b");
    for (int i = 0; i < 2; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "{\"metadata\":{\"name\":\"%s\",\"creationTimestamp\":\"2026-01-01T00:00:%02dZ\",\"generation\":1},"
                 "\"spec\":{\"replicas\":0},\"status\":{\"replicas\":0,\"observedGeneration\":1}}",
                 olds[i].name, olds[i].created);
        cJSON *rs = J(text);
        cJSON_AddItemToArray(x.rss, rs);
        x.others[x.nothers++] = rs;
    }
    CU_ASSERT_EQUAL(ro_cleanup_old_rss(&x), 0);
    CU_ASSERT_FALSE(exists("hg-b"));
    free(x.others);
    cJSON_Delete(x.rss);
    cJSON_Delete(x.ro);
}

/* ---- the scenarios' hashes ---- */

/* The documents of a manifest under scenarios/manifests (caller frees). */
static cJSON *manifest(const char *file)
{
    char path[1400], err[512] = "";
    snprintf(path, sizeof path, "%s/scenarios/manifests/%s", src_dir, file);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fprintf(stderr, "\n  cannot open %s\n", path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    co_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        co_buf_add(&b, chunk, n);
    fclose(fp);
    cJSON *docs = yaml_parse_all(b.data, b.len, err, sizeof err);
    co_buf_free(&b);
    if (!docs)
        fprintf(stderr, "\n  %s: %s\n", path, err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(docs);
    return docs;
}

static const cJSON *doc_named(const cJSON *docs, const char *kind, const char *name)
{
    const cJSON *d;
    cJSON_ArrayForEach(d, docs)
    {
        if (cj_streq(cj_str(d, "kind"), kind) && cj_streq(cj_str(d, "metadata.name"), name))
            return d;
    }
    fprintf(stderr, "\n  no %s %s in the manifest\n", kind, name);
    CU_FAIL_FATAL("document missing");
    return NULL;
}

/* The hash of a template with its first container's image replaced (image NULL: as is) and
   collisionCount cc (< 0: none). */
static void hash_of(const cJSON *tmpl, const char *image, int cc, char out[16])
{
    cJSON *t = cJSON_Duplicate(tmpl, 1);
    if (image)
        cj_set_str(cJSON_GetArrayItem(cj_get(t, "spec.containers"), 0), "image", image);
    cJSON *count = cc >= 0 ? cJSON_CreateNumber(cc) : NULL;
    ro_pod_template_hash(t, count, out);
    cJSON_Delete(count);
    cJSON_Delete(t);
}

#define ASSERT_HASH(tmpl, image, cc, want)                                                                  \
    do {                                                                                                     \
        char h_[16];                                                                                         \
        hash_of(tmpl, image, cc, h_);                                                                        \
        if (strcmp(h_, want))                                                                                \
            fprintf(stderr, "\n  hash of %s (collisionCount %d): %s, the scenarios use %s\n",                \
                    image ? image : "the template", cc, h_, want);                                           \
        CU_ASSERT_STRING_EQUAL(h_, want);                                                                    \
    } while (0)

static void test_scenario_hashes(void)
{
    cJSON *web = manifest("rs-rollout.yaml"), *api = manifest("rs-collision-api.yaml");
    cJSON *hist = manifest("rs-rollout-history-limit.yaml");
    const cJSON *wt = cj_get(doc_named(web, "Rollout", "web"), "spec.template");
    const cJSON *at = cj_get(doc_named(api, "Rollout", "api"), "spec.template");
    const cJSON *ht = cj_get(doc_named(hist, "Rollout", "web"), "spec.template");
    /* rollout-hash-collision: without and with collisionCount 1, and the next template with it */
    ASSERT_HASH(wt, NULL, -1, "6474dbb565");
    ASSERT_HASH(wt, NULL, 1, "f478f956");
    ASSERT_HASH(wt, "example/rs:v2", 1, "c66b6647");
    ASSERT_HASH(at, NULL, -1, "54cd458f7b");
    ASSERT_HASH(at, NULL, 1, "854d647957");
    /* collisionCount 0 is not "none" (Argo hashes a non-nil pointer's 8 bytes) */
    char none[16], zero[16];
    hash_of(wt, NULL, -1, none);
    hash_of(wt, NULL, 0, zero);
    CU_ASSERT_STRING_NOT_EQUAL(none, zero);
    /* rollout-history-limit: the same template as rs-rollout.yaml, four images */
    CU_ASSERT_TRUE(cj_equal(wt, ht));
    ASSERT_HASH(ht, NULL, -1, "6474dbb565");
    ASSERT_HASH(ht, "example/rs:v2", -1, "7b65c68b78");
    ASSERT_HASH(ht, "example/rs:v3", -1, "6d46c679f5");
    ASSERT_HASH(ht, "example/rs:v4", -1, "c47b68d4");
    cJSON_Delete(web);
    cJSON_Delete(api);
    cJSON_Delete(hist);
}

/* rollout-adopt-orphan's orphans: web-6474dbb565 is the rollout's template with its own hash
   label; api-5f9d8c7b6 is the api rollout's template with another hash label (equal to it once
   the label is ignored, before the server's defaults). */
static void test_orphan_templates(void)
{
    cJSON *web = manifest("rs-rollout.yaml"), *api = manifest("rs-collision-api.yaml");
    cJSON *orphans = manifest("rs-orphans.yaml"), *api_orphan = manifest("rs-adopt-api.yaml");
    const cJSON *wt = cj_get(doc_named(web, "Rollout", "web"), "spec.template");
    const cJSON *at = cj_get(doc_named(api, "Rollout", "api"), "spec.template");
    static const struct {
        const char *name, *hash;
    } cases[] = {{"web-6474dbb565", "6474dbb565"}, {"api-5f9d8c7b6", "5f9d8c7b6"}, {"web-5c4b7d9f8", "5c4b7d9f8"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const cJSON *rs = doc_named(i == 1 ? api_orphan : orphans, "ReplicaSet", cases[i].name);
        CU_ASSERT_STRING_EQUAL(cj_str0(rs, "metadata.labels.rollouts-pod-template-hash"), cases[i].hash);
        CU_ASSERT_STRING_EQUAL(cj_str0(cj_get(rs, "spec.template.metadata.labels"), "rollouts-pod-template-hash"),
                               cases[i].hash);
        CU_ASSERT_STRING_EQUAL(cj_str0(rs, "spec.selector.matchLabels.rollouts-pod-template-hash"), cases[i].hash);
        cJSON *t = cJSON_Duplicate(cj_get(rs, "spec.template"), 1);
        cJSON_DeleteItemFromObjectCaseSensitive(cj_get(t, "metadata.labels"), RO_POD_TEMPLATE_HASH_LABEL);
        bool equal = cj_equal(t, i == 1 ? at : wt);
        CU_ASSERT_EQUAL(equal, i != 2); /* the v0 orphan is an older template */
        cJSON_Delete(t);
    }
    cJSON_Delete(web);
    cJSON_Delete(api);
    cJSON_Delete(orphans);
    cJSON_Delete(api_orphan);
}

int main(void)
{
    char here[1024], err[256] = "";
    snprintf(here, sizeof here, "%s", __FILE__);
    snprintf(src_dir, sizeof src_dir, "%s/../..", dirname(here));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    vclock = co_clock_virtual(1767225600000); /* 2026-01-01T00:00:00Z */
    srv = fakeapi_start(&(fakeapi_options){.seed = 1, .no_sim = 1, .clock = vclock}, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "cannot start the fake API server: %s\n", err);
        return 1;
    }
    if (srv_call("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"rs\"}}") != 201)
        return 1;
    kube_config cfg;
    if (kube_config_for_server(fakeapi_url(srv), "rs", &cfg) != 0)
        return 1;
    kube_client_opts co = {.clock = vclock, .user_agent = "test-controller-rs"};
    client = kube_client_new(&cfg, &co, err, sizeof err);
    kube_config_free(&cfg);
    if (!client) {
        fprintf(stderr, "kube_client_new: %s\n", err);
        return 1;
    }
    static const cu_test tests[] = {
        {"new RS size: no previewReplicaCount, spec.replicas", test_no_preview_replica_count_is_full_size},
        {"new RS size: no active RS, full size", test_no_active_rs_is_full_size},
        {"new RS size: the active RS is the new one, full size", test_active_is_new_is_full_size},
        {"new RS size: previewReplicaCount until the scale-up checkpoint", test_preview_count_until_checkpoint},
        {"new RS size: past the checkpoint, full size", test_checkpoint_is_full_size},
        {"new RS size: spec.paused keeps the preview count", test_checkpoint_while_paused_is_preview},
        {"new RS size: promoteFull, full size", test_promote_full_is_full_size},
        {"new RS size: promoteFull wins over spec.paused (Argo's order)", test_promote_full_ignores_spec_paused},
        {"new RS size: pause conditions keep the preview count past the checkpoint",
         test_checkpoint_with_pause_conditions_is_preview},
        {"new RS size: a new update ignores the previous update's checkpoint",
         test_checkpoint_of_previous_update_is_preview},
        {"revisionHistoryLimit: oldest first, the newest kept", test_history_oldest_first},
        {"revisionHistoryLimit: same creation second, by name", test_history_same_second_by_name},
        {"revisionHistoryLimit: only scaled-down ones, none in their place", test_history_only_scaled_down},
        {"revisionHistoryLimit: ReplicaSets being deleted do not count", test_history_deleting_not_counted},
        {"revisionHistoryLimit: within the limit, and limit 0", test_history_within_limit_and_zero},
        {"revisionHistoryLimit: already deleted (404) is fine", test_history_already_gone},
        {"scenario hashes: collisionCount mixed in, four images", test_scenario_hashes},
        {"scenario orphans: templates and hash labels", test_orphan_templates},
        {NULL, NULL},
    };
    int rc = cu_run("controller ReplicaSets", tests);
    kube_client_free(client);
    fakeapi_stop(srv);
    co_clock_free(vclock);
    curl_global_cleanup();
    return rc;
}
