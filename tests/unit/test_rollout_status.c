/* test_rollout_status.c: Argo's CalculateRolloutPhase / GetRolloutPhase rules
 * and precedence, the condition upsert/transition/no-op rules, and malformed
 * inputs. */
#include "common/clock.h"
#include "common/json.h"
#include "controller/rollout/status.h"
#include "cu.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    const char *rollout; /* {"spec":...} */
    const char *status;
    const char *phase;
    const char *message;
} phase_case;

#define CANARY "\"strategy\":{\"canary\":{}}"
#define BG "\"strategy\":{\"blueGreen\":{\"activeService\":\"a\"}}"
/* a fully rolled-out status with 3 replicas on hash h1 */
#define DONE                                                                                                           \
    "\"replicas\":3,\"updatedReplicas\":3,\"availableReplicas\":3,"                                                    \
    "\"currentPodHash\":\"h1\",\"stableRS\":\"h1\""

static const phase_case phase_cases[] = {
    /* rule 1 */
    {"invalid spec", "{\"spec\":{\"replicas\":3," CANARY "}}",
     "{" DONE ",\"conditions\":[{\"type\":\"InvalidSpec\",\"status\":\"True\","
     "\"reason\":\"InvalidSpec\","
     "\"message\":\"The Rollout \\\"foo\\\" is invalid: spec.replicas: "
     "bad\"}]}",
     "Degraded", "InvalidSpec: The Rollout \"foo\" is invalid: spec.replicas: bad"},
    {"aborted", "{\"spec\":{\"replicas\":3," CANARY "}}",
     "{" DONE ",\"conditions\":[{\"type\":\"Available\",\"status\":\"True\","
     "\"reason\":\"AvailableReason\"},"
     "{\"type\":\"Progressing\",\"status\":\"False\",\"reason\":"
     "\"RolloutAborted\","
     "\"message\":\"Rollout aborted update to revision 2\"}]}",
     "Degraded", "RolloutAborted: Rollout aborted update to revision 2"},
    {"deadline exceeded", "{\"spec\":{\"replicas\":3," CANARY "}}",
     "{" DONE ",\"conditions\":[{\"type\":\"Progressing\",\"status\":\"False\","
     "\"reason\":\"ProgressDeadlineExceeded\","
     "\"message\":\"ReplicaSet \\\"r-h2\\\" has timed out progressing.\"}]}",
     "Degraded",
     "ProgressDeadlineExceeded: ReplicaSet \"r-h2\" has timed out "
     "progressing."},
    {"degraded reason on any condition type, message missing", "{\"spec\":{" CANARY "}}",
     "{\"conditions\":[{\"type\":\"Other\",\"reason\":\"RolloutAborted\"}]}", "Degraded", "RolloutAborted: "},
    {"invalid spec without message", "{\"spec\":{}}", "{\"conditions\":[{\"type\":\"InvalidSpec\"}]}", "Degraded",
     "InvalidSpec: "},
    /* precedence inside rule 1 follows condition order, like Argo's loop */
    {"aborted listed before invalid spec wins", "{\"spec\":{}}",
     "{\"conditions\":[{\"type\":\"Progressing\",\"reason\":\"RolloutAborted\","
     "\"message\":\"m1\"},"
     "{\"type\":\"InvalidSpec\",\"reason\":\"InvalidSpec\",\"message\":\"m2\"}]"
     "}",
     "Degraded", "RolloutAborted: m1"},
    {"invalid spec listed first wins", "{\"spec\":{}}",
     "{\"conditions\":[{\"type\":\"InvalidSpec\",\"reason\":\"InvalidSpec\","
     "\"message\":\"m2\"},"
     "{\"type\":\"Progressing\",\"reason\":\"ProgressDeadlineExceeded\","
     "\"message\":\"m1\"}]}",
     "Degraded", "InvalidSpec: m2"},
    {"invalid spec beats pause and paused", "{\"spec\":{\"paused\":true}}",
     "{\"pauseConditions\":[{\"reason\":\"CanaryPauseStep\"}],"
     "\"conditions\":[{\"type\":\"Paused\",\"status\":\"True\",\"reason\":"
     "\"RolloutPaused\"},"
     "{\"type\":\"InvalidSpec\",\"status\":\"True\",\"message\":\"x\"}]}",
     "Degraded", "InvalidSpec: x"},
    {"aborted beats spec.paused", "{\"spec\":{\"paused\":true," CANARY "}}",
     "{\"conditions\":[{\"type\":\"Progressing\",\"status\":\"False\","
     "\"reason\":\"RolloutAborted\",\"message\":\"a\"}]}",
     "Degraded", "RolloutAborted: a"},
    {"aborted beats pause conditions", "{\"spec\":{" BG "}}",
     "{\"pauseConditions\":[{\"reason\":\"BlueGreenPause\"}],"
     "\"conditions\":[{\"type\":\"Progressing\",\"status\":\"False\","
     "\"reason\":\"RolloutAborted\",\"message\":\"a\"}]}",
     "Degraded", "RolloutAborted: a"},
    {"paused/resumed/retry reasons are not degraded", "{\"spec\":{\"replicas\":3," CANARY "}}",
     "{" DONE ",\"conditions\":[{\"type\":\"Progressing\",\"status\":"
     "\"Unknown\",\"reason\":\"RolloutRetry\"},"
     "{\"type\":\"Healthy\",\"status\":\"False\",\"reason\":\"RolloutHealthy\"}"
     "]}",
     "Healthy", ""},
    /* rule 2 */
    {"manually paused", "{\"spec\":{\"paused\":true,\"replicas\":3," CANARY "}}", "{" DONE "}", "Paused",
     "manually paused"},
    {"manual pause beats pause conditions", "{\"spec\":{\"paused\":true," CANARY "}}",
     "{\"pauseConditions\":[{\"reason\":\"CanaryPauseStep\"}]}", "Paused", "manually paused"},
    /* rule 3 */
    {"canary pause step", "{\"spec\":{\"replicas\":3," CANARY "}}",
     "{" DONE ",\"pauseConditions\":[{\"reason\":\"CanaryPauseStep\","
     "\"startTime\":\"2026-01-01T00:00:10Z\"}]}",
     "Paused", "CanaryPauseStep"},
    {"blue-green pause", "{\"spec\":{" BG "}}", "{\"pauseConditions\":[{\"reason\":\"BlueGreenPause\"}]}", "Paused",
     "BlueGreenPause"},
    {"first pause condition wins", "{\"spec\":{" CANARY "}}",
     "{\"pauseConditions\":[{\"reason\":\"InconclusiveAnalysisRun\"},{"
     "\"reason\":\"CanaryPauseStep\"}]}",
     "Paused", "InconclusiveAnalysisRun"},
    {"pause beats restart and replica counts", "{\"spec\":{\"replicas\":5,\"restartAt\":\"2026-01-01T00:00:00Z\"}}",
     "{\"pauseConditions\":[{\"reason\":\"CanaryPauseStep\"}]}", "Paused", "CanaryPauseStep"},
    {"empty pauseConditions ignored", "{\"spec\":{\"replicas\":3," CANARY "}}", "{" DONE ",\"pauseConditions\":[]}",
     "Healthy", ""},
    /* rule 4 */
    {"restart pending (never restarted)",
     "{\"spec\":{\"replicas\":3,\"restartAt\":\"2026-01-01T00:00:00Z\"," CANARY "}}", "{" DONE "}", "Progressing",
     "rollout is restarting"},
    {"restart pending (older restart)", "{\"spec\":{\"replicas\":3,\"restartAt\":\"2026-01-01T00:00:00Z\"," CANARY "}}",
     "{" DONE ",\"restartedAt\":\"2025-12-31T00:00:00Z\"}", "Progressing", "rollout is restarting"},
    {"restart done (same instant, other spelling)",
     "{\"spec\":{\"replicas\":3,\"restartAt\":\"2026-01-01T01:00:00+01:"
     "00\"," CANARY "}}",
     "{" DONE ",\"restartedAt\":\"2026-01-01T00:00:00Z\"}", "Healthy", ""},
    {"restart beats replica counts", "{\"spec\":{\"replicas\":3,\"restartAt\":\"2026-01-01T00:00:00Z\"}}", "{}",
     "Progressing", "rollout is restarting"},
    {"restartAt null is no restart", "{\"spec\":{\"restartAt\":null,\"replicas\":3," CANARY "}}", "{" DONE "}",
     "Healthy", ""},
    /* rule 5 */
    {"more replicas need to be updated", "{\"spec\":{\"replicas\":3," CANARY "}}",
     "{\"replicas\":4,\"updatedReplicas\":1,\"availableReplicas\":1}", "Progressing",
     "more replicas need to be updated"},
    {"replicas default to 1", "{\"spec\":{" CANARY "}}", "{}", "Progressing", "more replicas need to be updated"},
    {"replicas null defaults to 1", "{\"spec\":{\"replicas\":null," CANARY "}}", "{\"updatedReplicas\":0}",
     "Progressing", "more replicas need to be updated"},
    {"replicas 0 canary without stableRS", "{\"spec\":{\"replicas\":0," CANARY "}}", "{}", "Progressing",
     "waiting for all steps to complete"},
    /* rule 6 */
    {"still becoming available", "{\"spec\":{\"replicas\":3," BG "}}",
     "{\"replicas\":6,\"updatedReplicas\":3,\"availableReplicas\":2}", "Progressing",
     "updated replicas are still becoming available"},
    /* rule 7 */
    {"bg: active selector empty", "{\"spec\":{\"replicas\":3," BG "}}", "{" DONE "}", "Progressing",
     "active service cutover pending"},
    {"bg: active selector on old hash", "{\"spec\":{\"replicas\":3," BG "}}",
     "{\"replicas\":6,\"updatedReplicas\":3,\"availableReplicas\":6,"
     "\"currentPodHash\":\"h2\",\"stableRS\":\"h1\","
     "\"blueGreen\":{\"activeSelector\":\"h1\"}}",
     "Progressing", "active service cutover pending"},
    {"bg: post-promotion verification", "{\"spec\":{\"replicas\":3," BG "}}",
     "{\"replicas\":6,\"updatedReplicas\":3,\"availableReplicas\":6,"
     "\"currentPodHash\":\"h2\",\"stableRS\":\"h1\","
     "\"blueGreen\":{\"activeSelector\":\"h2\"}}",
     "Progressing", "waiting for post-promotion verification to complete"},
    {"bg: stableRS empty", "{\"spec\":{\"replicas\":3," BG "}}",
     "{\"updatedReplicas\":3,\"availableReplicas\":3,\"currentPodHash\":\"h2\","
     "\"blueGreen\":{\"activeSelector\":\"h2\"}}",
     "Progressing", "waiting for post-promotion verification to complete"},
    {"bg: post-promotion analysis not started",
     "{\"spec\":{\"replicas\":3,\"strategy\":{\"blueGreen\":{"
     "\"postPromotionAnalysis\":{\"templates\":[]}}}}}",
     "{\"updatedReplicas\":3,\"availableReplicas\":3,\"currentPodHash\":\"h2\","
     "\"stableRS\":\"h1\","
     "\"blueGreen\":{\"activeSelector\":\"h2\"}}",
     "Progressing", "waiting for analysis to complete"},
    {"bg: post-promotion analysis running",
     "{\"spec\":{\"replicas\":3,\"strategy\":{\"blueGreen\":{"
     "\"postPromotionAnalysis\":{}}}}}",
     "{\"updatedReplicas\":3,\"availableReplicas\":3,\"currentPodHash\":\"h2\","
     "\"stableRS\":\"h1\","
     "\"blueGreen\":{\"activeSelector\":\"h2\","
     "\"postPromotionAnalysisRunStatus\":{\"name\":\"ar\",\"status\":"
     "\"Running\"}}}",
     "Progressing", "waiting for analysis to complete"},
    {"bg: post-promotion analysis completed",
     "{\"spec\":{\"replicas\":3,\"strategy\":{\"blueGreen\":{"
     "\"postPromotionAnalysis\":{}}}}}",
     "{\"updatedReplicas\":3,\"availableReplicas\":3,\"currentPodHash\":\"h2\","
     "\"stableRS\":\"h1\","
     "\"blueGreen\":{\"activeSelector\":\"h2\","
     "\"postPromotionAnalysisRunStatus\":{\"name\":\"ar\",\"status\":"
     "\"Successful\"}}}",
     "Progressing", "waiting for post-promotion verification to complete"},
    {"bg: old replicas do not matter", "{\"spec\":{\"replicas\":3," BG "}}",
     "{\"replicas\":6,\"updatedReplicas\":3,\"availableReplicas\":6,"
     "\"currentPodHash\":\"h1\",\"stableRS\":\"h1\","
     "\"blueGreen\":{\"activeSelector\":\"h1\"}}",
     "Healthy", ""},
    /* rule 8 */
    {"canary: old replicas pending termination", "{\"spec\":{\"replicas\":3," CANARY "}}",
     "{\"replicas\":4,\"updatedReplicas\":3,\"availableReplicas\":3,"
     "\"currentPodHash\":\"h2\",\"stableRS\":\"h1\"}",
     "Progressing", "old replicas are pending termination"},
    {"canary: termination check before stable check", "{\"spec\":{\"replicas\":3," CANARY "}}",
     "{\"replicas\":4," DONE "}", "Progressing", "old replicas are pending termination"},
    {"canary with traffic routing skips termination check",
     "{\"spec\":{\"replicas\":3,\"strategy\":{\"canary\":{\"trafficRouting\":{"
     "\"nginx\":{}}}}}}",
     "{\"replicas\":6,\"updatedReplicas\":3,\"availableReplicas\":6,"
     "\"currentPodHash\":\"h1\",\"stableRS\":\"h1\"}",
     "Healthy", ""},
    {"canary: waiting for all steps", "{\"spec\":{\"replicas\":3," CANARY "}}",
     "{\"replicas\":3,\"updatedReplicas\":3,\"availableReplicas\":3,"
     "\"currentPodHash\":\"h2\",\"stableRS\":\"h1\"}",
     "Progressing", "waiting for all steps to complete"},
    {"canary: stableRS empty", "{\"spec\":{\"replicas\":3," CANARY "}}",
     "{\"replicas\":3,\"updatedReplicas\":3,\"availableReplicas\":3,"
     "\"currentPodHash\":\"h1\"}",
     "Progressing", "waiting for all steps to complete"},
    /* rule 9 */
    {"canary healthy", "{\"spec\":{\"replicas\":3," CANARY "}}", "{" DONE "}", "Healthy", ""},
    {"bg healthy", "{\"spec\":{\"replicas\":3," BG "}}", "{" DONE ",\"blueGreen\":{\"activeSelector\":\"h1\"}}",
     "Healthy", ""},
    {"no strategy is healthy once counts match", "{\"spec\":{\"replicas\":3}}",
     "{\"updatedReplicas\":3,\"availableReplicas\":3}", "Healthy", ""},
    {"blueGreen null is no blue-green", "{\"spec\":{\"replicas\":3,\"strategy\":{\"blueGreen\":null}}}", "{" DONE "}",
     "Healthy", ""},
    /* the generation is not looked at by the controller-side calculation */
    {"generation ignored", "{\"metadata\":{\"generation\":9},\"spec\":{\"replicas\":3," CANARY "}}",
     "{" DONE ",\"observedGeneration\":\"1\"}", "Healthy", ""},
    /* malformed: wrong types read as zero values, never crash */
    {"null rollout and status", NULL, NULL, "Progressing", "more replicas need to be updated"},
    {"status not an object", "{\"spec\":{\"replicas\":0}}", "[1,2]", "Healthy", ""},
    {"spec not an object", "{\"spec\":\"x\"}", "{\"updatedReplicas\":1,\"availableReplicas\":1}", "Healthy", ""},
    {"wrong types everywhere",
     "{\"spec\":{\"replicas\":\"3\",\"paused\":\"true\",\"restartAt\":5,"
     "\"strategy\":{\"canary\":[],\"blueGreen\":7}}}",
     "{\"conditions\":{\"type\":\"InvalidSpec\"},\"pauseConditions\":"
     "\"CanaryPauseStep\",\"updatedReplicas\":\"9\","
     "\"availableReplicas\":null}",
     "Progressing", "more replicas need to be updated"},
    {"condition entries of wrong types", "{\"spec\":{\"replicas\":0}}",
     "{\"conditions\":[1,null,\"x\",{\"type\":5,\"reason\":[],\"message\":{}}]"
     "}",
     "Healthy", ""},
    {"pause condition of wrong type", "{\"spec\":{}}", "{\"pauseConditions\":[7]}", "Paused", ""},
    {"degraded with non-string message", "{\"spec\":{}}",
     "{\"conditions\":[{\"type\":\"Progressing\",\"reason\":\"RolloutAborted\","
     "\"message\":3}]}",
     "Degraded", "RolloutAborted: "},
    {"message with percent signs", "{\"spec\":{}}",
     "{\"conditions\":[{\"type\":\"InvalidSpec\",\"message\":\"100%s %d "
     "%n\"}]}",
     "Degraded", "InvalidSpec: 100%s %d %n"},
    {"huge counts saturate", "{\"spec\":{\"replicas\":1e300," CANARY "}}", "{\"updatedReplicas\":-1e300}",
     "Progressing", "more replicas need to be updated"},
    {NULL, NULL, NULL, NULL, NULL},
};

static void test_phase_table(void)
{
    for (const phase_case *c = phase_cases; c->name; c++) {
        cJSON *ro = c->rollout ? cJSON_Parse(c->rollout) : NULL;
        cJSON *st = c->status ? cJSON_Parse(c->status) : NULL;
        if ((c->rollout && !ro) || (c->status && !st)) {
            fprintf(stderr, "bad JSON in case %s\n", c->name);
            CU_FAIL("bad test JSON");
        }
        char phase[32], msg[256];
        ro_phase(ro, st, phase, msg, sizeof msg);
        if (strcmp(phase, c->phase) != 0 || strcmp(msg, c->message) != 0)
            fprintf(stderr, "\n  case \"%s\": got %s \"%s\", want %s \"%s\"\n", c->name, phase, msg, c->phase,
                    c->message);
        CU_ASSERT_STRING_EQUAL(phase, c->phase);
        CU_ASSERT_STRING_EQUAL(msg, c->message);
        cJSON_Delete(ro);
        cJSON_Delete(st);
    }
}

static void test_phase_message_buffer(void)
{
    cJSON *ro = cJSON_Parse("{\"spec\":{\"replicas\":3," CANARY "}}");
    cJSON *st = cJSON_Parse("{}");
    char phase[32], small[5];
    memset(small, 'x', sizeof small);
    ro_phase(ro, st, phase, small, sizeof small);
    CU_ASSERT_STRING_EQUAL(phase, "Progressing");
    CU_ASSERT_STRING_EQUAL(small, "more");
    /* a NULL or zero-sized message buffer is allowed */
    ro_phase(ro, st, phase, NULL, 0);
    CU_ASSERT_STRING_EQUAL(phase, "Progressing");
    ro_phase(ro, st, phase, small, 0);
    CU_ASSERT_EQUAL(small[0], 'm');
    cJSON_Delete(ro);
    cJSON_Delete(st);
}

typedef struct {
    const char *name;
    const char *rollout; /* whole object, status included */
    const char *phase;
    const char *message;
} get_case;

static const get_case get_cases[] = {
    {"spec update not observed",
     "{\"metadata\":{\"generation\":3},\"status\":{\"observedGeneration\":"
     "\"2\",\"phase\":\"Healthy\"}}",
     "Progressing", "waiting for rollout spec update to be observed"},
    {"observed",
     "{\"metadata\":{\"generation\":3},\"status\":{\"observedGeneration\":"
     "\"3\",\"phase\":\"Paused\","
     "\"message\":\"CanaryPauseStep\",\"pauseConditions\":[{\"reason\":"
     "\"CanaryPauseStep\"}]}}",
     "Paused", "CanaryPauseStep"},
    {"observed generation ahead counts as observed",
     "{\"metadata\":{\"generation\":3},\"status\":{\"observedGeneration\":"
     "\"7\",\"phase\":\"Healthy\"}}",
     "Healthy", ""},
    {"non-numeric observedGeneration (v0.9 hash) counts as observed",
     "{\"metadata\":{\"generation\":3},\"status\":{\"observedGeneration\":"
     "\"5f7c9\",\"phase\":\"Healthy\"}}",
     "Healthy", ""},
    {"unpausing",
     "{\"metadata\":{\"generation\":1},\"status\":{\"observedGeneration\":"
     "\"1\",\"controllerPause\":true,"
     "\"phase\":\"Paused\",\"message\":\"BlueGreenPause\"}}",
     "Progressing", "waiting for rollout to unpause"},
    {"not observed beats unpausing",
     "{\"metadata\":{\"generation\":2},\"status\":{\"observedGeneration\":"
     "\"1\",\"controllerPause\":true}}",
     "Progressing", "waiting for rollout spec update to be observed"},
    {"no status.phase falls back to the calculation",
     "{\"metadata\":{\"generation\":1},\"spec\":{\"replicas\":2},\"status\":{"
     "\"observedGeneration\":\"1\"}}",
     "Progressing", "more replicas need to be updated"},
    {"degraded phase is passed through", "{\"status\":{\"phase\":\"Degraded\",\"message\":\"RolloutAborted: x\"}}",
     "Degraded", "RolloutAborted: x"},
    {"malformed",
     "{\"metadata\":[],\"status\":{\"observedGeneration\":2,\"phase\":7,"
     "\"controllerPause\":\"yes\"}}",
     "Progressing", "more replicas need to be updated"},
    {NULL, NULL, NULL, NULL},
};

static void test_get_phase_table(void)
{
    for (const get_case *c = get_cases; c->name; c++) {
        cJSON *ro = cJSON_Parse(c->rollout);
        CU_ASSERT_PTR_NOT_NULL(ro);
        char phase[32], msg[256];
        ro_get_phase(ro, phase, msg, sizeof msg);
        if (strcmp(phase, c->phase) != 0 || strcmp(msg, c->message) != 0)
            fprintf(stderr, "\n  case \"%s\": got %s \"%s\", want %s \"%s\"\n", c->name, phase, msg, c->phase,
                    c->message);
        CU_ASSERT_STRING_EQUAL(phase, c->phase);
        CU_ASSERT_STRING_EQUAL(msg, c->message);
        cJSON_Delete(ro);
    }
    char phase[32], msg[64];
    ro_get_phase(NULL, phase, msg, sizeof msg);
    CU_ASSERT_STRING_EQUAL(phase, "Progressing");
}

/* ---- conditions ---- */

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define S(ms) ((int64_t)(ms)*1000)

static const char *cond_field(const cJSON *status, const char *type, const char *field)
{
    return cj_str(ro_condition(status, type), field);
}

static void test_set_condition_new(void)
{
    cJSON *st = cJSON_CreateObject();
    CU_ASSERT_TRUE(ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_TRUE, RO_REASON_NEW_REPLICASET,
                                    "Created new replica set \"r-h1\"", T0));
    cJSON *c = ro_condition(st, RO_COND_PROGRESSING);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    char *txt = cJSON_PrintUnformatted(c);
    CU_ASSERT_STRING_EQUAL(txt, "{\"type\":\"Progressing\",\"status\":\"True\",\"lastUpdateTime\":"
                                "\"2026-01-01T00:00:00Z\","
                                "\"lastTransitionTime\":\"2026-01-01T00:00:00Z\",\"reason\":"
                                "\"NewReplicaSetCreated\","
                                "\"message\":\"Created new replica set \\\"r-h1\\\"\"}");
    cJSON_free(txt);
    CU_ASSERT_PTR_NULL(ro_condition(st, RO_COND_AVAILABLE));
    cJSON_Delete(st);
}

static void test_set_condition_noop(void)
{
    cJSON *st = cJSON_CreateObject();
    ro_set_condition(st, RO_COND_AVAILABLE, RO_COND_FALSE, RO_REASON_AVAILABLE, RO_MSG_NOT_AVAILABLE, T0);
    char *before = cJSON_PrintUnformatted(st);
    /* identical → false, nothing touched */
    CU_ASSERT_FALSE(
        ro_set_condition(st, RO_COND_AVAILABLE, RO_COND_FALSE, RO_REASON_AVAILABLE, RO_MSG_NOT_AVAILABLE, T0 + S(60)));
    /* Argo's SetRolloutCondition: same status and reason with another message is
     * also a no-op */
    CU_ASSERT_FALSE(ro_set_condition(st, RO_COND_AVAILABLE, RO_COND_FALSE, RO_REASON_AVAILABLE, "other", T0 + S(60)));
    char *after = cJSON_PrintUnformatted(st);
    CU_ASSERT_STRING_EQUAL(before, after);
    cJSON_free(before);
    cJSON_free(after);
    cJSON_Delete(st);
}

static void test_set_condition_transition(void)
{
    cJSON *st = cJSON_CreateObject();
    ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_TRUE, RO_REASON_NEW_REPLICASET, "a", T0);
    /* same status, new reason: lastUpdateTime moves, lastTransitionTime kept */
    CU_ASSERT_TRUE(
        ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_TRUE, RO_REASON_REPLICASET_UPDATED, "b", T0 + S(10)));
    CU_ASSERT_STRING_EQUAL(cond_field(st, "Progressing", "lastUpdateTime"), "2026-01-01T00:00:10Z");
    CU_ASSERT_STRING_EQUAL(cond_field(st, "Progressing", "lastTransitionTime"), "2026-01-01T00:00:00Z");
    CU_ASSERT_STRING_EQUAL(cond_field(st, "Progressing", "reason"), "ReplicaSetUpdated");
    CU_ASSERT_STRING_EQUAL(cond_field(st, "Progressing", "message"), "b");
    /* status flips True → Unknown: both times move */
    CU_ASSERT_TRUE(
        ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_UNKNOWN, RO_REASON_PAUSED, RO_MSG_PAUSED, T0 + S(20)));
    CU_ASSERT_STRING_EQUAL(cond_field(st, "Progressing", "lastUpdateTime"), "2026-01-01T00:00:20Z");
    CU_ASSERT_STRING_EQUAL(cond_field(st, "Progressing", "lastTransitionTime"), "2026-01-01T00:00:20Z");
    /* Unknown → Unknown with a new reason keeps the transition */
    CU_ASSERT_TRUE(
        ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_UNKNOWN, RO_REASON_RESUMED, RO_MSG_RESUMED, T0 + S(30)));
    CU_ASSERT_STRING_EQUAL(cond_field(st, "Progressing", "lastTransitionTime"), "2026-01-01T00:00:20Z");
    /* → False */
    CU_ASSERT_TRUE(ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_FALSE, RO_REASON_ABORTED,
                                    "Rollout aborted update to revision 2", T0 + S(40)));
    CU_ASSERT_STRING_EQUAL(cond_field(st, "Progressing", "lastTransitionTime"), "2026-01-01T00:00:40Z");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(st, "conditions")), 1);
    char phase[32], msg[128];
    ro_phase(NULL, st, phase, msg, sizeof msg);
    CU_ASSERT_STRING_EQUAL(phase, "Degraded");
    CU_ASSERT_STRING_EQUAL(msg, "RolloutAborted: Rollout aborted update to revision 2");
    cJSON_Delete(st);
}

static void test_set_condition_order(void)
{
    cJSON *st = cJSON_CreateObject();
    ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_TRUE, RO_REASON_NEW_REPLICASET, "", T0);
    ro_set_condition(st, RO_COND_AVAILABLE, RO_COND_FALSE, RO_REASON_AVAILABLE, RO_MSG_NOT_AVAILABLE, T0);
    ro_set_condition(st, RO_COND_COMPLETED, RO_COND_FALSE, RO_REASON_COMPLETED, RO_REASON_COMPLETED, T0);
    /* an update moves the condition to the end (Argo filters it out, then
     * appends) */
    ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_TRUE, RO_REASON_REPLICASET_UPDATED, "", T0 + S(1));
    const cJSON *conds = cj_get(st, "conditions");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(conds), 3);
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(conds, 0), "type"), "Available");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(conds, 1), "type"), "Completed");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(conds, 2), "type"), "Progressing");
    /* a no-op keeps the order */
    ro_set_condition(st, RO_COND_AVAILABLE, RO_COND_FALSE, RO_REASON_AVAILABLE, RO_MSG_NOT_AVAILABLE, T0 + S(2));
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(conds, 0), "type"), "Available");
    cJSON_Delete(st);
}

static void test_set_condition_duplicates_and_malformed(void)
{
    /* duplicates of a type are all replaced by one; junk entries are kept
     * untouched */
    cJSON *st = cJSON_Parse("{\"conditions\":[{\"type\":\"Paused\",\"status\":"
                            "\"True\",\"reason\":\"RolloutPaused\","
                            "\"lastTransitionTime\":\"2025-01-01T00:00:00Z\"},7,{"
                            "\"type\":\"Paused\",\"status\":\"False\"}]}");
    CU_ASSERT_FALSE(ro_set_condition(st, RO_COND_PAUSED, RO_COND_TRUE, RO_REASON_PAUSED, RO_MSG_PAUSED, T0));
    /* the first one matched (status+reason) → no-op, like Argo's
     * GetRolloutCondition */
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(st, "conditions")), 3);
    CU_ASSERT_TRUE(ro_set_condition(st, RO_COND_PAUSED, RO_COND_FALSE, RO_REASON_PAUSED, RO_MSG_PAUSED, T0));
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(st, "conditions")), 2);
    CU_ASSERT_STRING_EQUAL(cond_field(st, "Paused", "status"), "False");
    cJSON_Delete(st);

    /* missing lastTransitionTime on a kept transition stays a Go zero time (null)
     */
    st = cJSON_Parse("{\"conditions\":[{\"type\":\"Healthy\",\"status\":"
                     "\"False\",\"reason\":\"x\"}]}");
    CU_ASSERT_TRUE(ro_set_condition(st, RO_COND_HEALTHY, RO_COND_FALSE, RO_REASON_HEALTHY, RO_MSG_NOT_HEALTHY, T0));
    CU_ASSERT_TRUE(cJSON_IsNull(cj_get(ro_condition(st, "Healthy"), "lastTransitionTime")));
    cJSON_Delete(st);

    /* conditions of a wrong type are replaced by an array */
    st = cJSON_Parse("{\"conditions\":\"nope\"}");
    CU_ASSERT_PTR_NULL(ro_condition(st, "Healthy"));
    CU_ASSERT_TRUE(ro_set_condition(st, RO_COND_HEALTHY, RO_COND_TRUE, RO_REASON_HEALTHY, RO_MSG_HEALTHY, T0));
    CU_ASSERT_TRUE(cJSON_IsArray(cj_get(st, "conditions")));
    CU_ASSERT_STRING_EQUAL(cond_field(st, "Healthy", "reason"), "RolloutHealthy");
    /* NULL reason/message are written as "" */
    CU_ASSERT_TRUE(ro_set_condition(st, RO_COND_REPLICA_FAILURE, RO_COND_TRUE, NULL, NULL, T0));
    CU_ASSERT_STRING_EQUAL(cond_field(st, "ReplicaFailure", "reason"), "");
    CU_ASSERT_STRING_EQUAL(cond_field(st, "ReplicaFailure", "message"), "");
    cJSON_Delete(st);

    /* bad arguments never crash and change nothing */
    cJSON *arr = cJSON_CreateArray();
    CU_ASSERT_FALSE(ro_set_condition(NULL, "Healthy", "True", "r", "m", T0));
    CU_ASSERT_FALSE(ro_set_condition(arr, "Healthy", "True", "r", "m", T0));
    CU_ASSERT_FALSE(ro_replace_condition(arr, "Healthy", "True", "r", "m", T0, true));
    st = cJSON_CreateObject();
    CU_ASSERT_FALSE(ro_set_condition(st, NULL, "True", "r", "m", T0));
    CU_ASSERT_FALSE(ro_set_condition(st, "Healthy", NULL, "r", "m", T0));
    CU_ASSERT_FALSE(ro_set_condition(st, "", "True", "r", "m", T0));
    CU_ASSERT_PTR_NULL(cj_get(st, "conditions"));
    CU_ASSERT_PTR_NULL(ro_condition(NULL, "Healthy"));
    CU_ASSERT_PTR_NULL(ro_condition(st, NULL));
    CU_ASSERT_PTR_NULL(ro_condition(arr, "Healthy"));
    ro_remove_condition(NULL, "Healthy");
    ro_remove_condition(arr, "Healthy");
    ro_remove_condition(st, NULL);
    ro_remove_condition(st, "Healthy");
    cJSON_Delete(arr);
    cJSON_Delete(st);
}

static void test_remove_condition(void)
{
    cJSON *st = cJSON_CreateObject();
    ro_set_condition(st, RO_COND_INVALID_SPEC, RO_COND_TRUE, RO_REASON_INVALID_SPEC, "bad", T0);
    ro_set_condition(st, RO_COND_AVAILABLE, RO_COND_TRUE, RO_REASON_AVAILABLE, RO_MSG_AVAILABLE, T0);
    char phase[32], msg[64];
    ro_phase(NULL, st, phase, msg, sizeof msg);
    CU_ASSERT_STRING_EQUAL(msg, "InvalidSpec: bad");
    ro_remove_condition(st, RO_COND_INVALID_SPEC);
    CU_ASSERT_PTR_NULL(ro_condition(st, RO_COND_INVALID_SPEC));
    CU_ASSERT_PTR_NOT_NULL(ro_condition(st, RO_COND_AVAILABLE));
    ro_remove_condition(st, RO_COND_INVALID_SPEC); /* absent: no-op */
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(st, "conditions")), 1);
    ro_remove_condition(st, RO_COND_AVAILABLE);
    CU_ASSERT_TRUE(cJSON_IsArray(cj_get(st, "conditions")));
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(st, "conditions")), 0);
    cJSON_Delete(st);
}

static void test_replace_condition(void)
{
    cJSON *st = cJSON_CreateObject();
    ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_TRUE, RO_REASON_REPLICASET_UPDATED,
                     "ReplicaSet \"r-h2\" is progressing.", T0);
    ro_set_condition(st, RO_COND_AVAILABLE, RO_COND_FALSE, RO_REASON_AVAILABLE, RO_MSG_NOT_AVAILABLE, T0);
    /* Progressing refresh on progress: same reason/message, new lastUpdateTime,
     * transition kept */
    CU_ASSERT_TRUE(ro_replace_condition(st, RO_COND_PROGRESSING, RO_COND_TRUE, RO_REASON_REPLICASET_UPDATED,
                                        "ReplicaSet \"r-h2\" is progressing.", T0 + S(30), true));
    CU_ASSERT_STRING_EQUAL(cond_field(st, "Progressing", "lastUpdateTime"), "2026-01-01T00:00:30Z");
    CU_ASSERT_STRING_EQUAL(cond_field(st, "Progressing", "lastTransitionTime"), "2026-01-01T00:00:00Z");
    const cJSON *conds = cj_get(st, "conditions");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(conds, 1), "type"), "Progressing");
    /* the very same refresh again (same second) changes nothing */
    CU_ASSERT_FALSE(ro_replace_condition(st, RO_COND_PROGRESSING, RO_COND_TRUE, RO_REASON_REPLICASET_UPDATED,
                                         "ReplicaSet \"r-h2\" is progressing.", T0 + S(30), true));
    /* from Unknown (paused) to True: a real transition */
    ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_UNKNOWN, RO_REASON_RESUMED, RO_MSG_RESUMED, T0 + S(40));
    CU_ASSERT_TRUE(ro_replace_condition(st, RO_COND_PROGRESSING, RO_COND_TRUE, RO_REASON_REPLICASET_UPDATED, "p",
                                        T0 + S(50), true));
    CU_ASSERT_STRING_EQUAL(cond_field(st, "Progressing", "lastTransitionTime"), "2026-01-01T00:00:50Z");
    /* InvalidSpec with a new message: Argo removes and re-adds, so both times
     * move */
    ro_set_condition(st, RO_COND_INVALID_SPEC, RO_COND_TRUE, RO_REASON_INVALID_SPEC, "old", T0);
    CU_ASSERT_FALSE(ro_set_condition(st, RO_COND_INVALID_SPEC, RO_COND_TRUE, RO_REASON_INVALID_SPEC, "new", T0 + S(5)));
    CU_ASSERT_STRING_EQUAL(cond_field(st, "InvalidSpec", "message"), "old");
    CU_ASSERT_TRUE(
        ro_replace_condition(st, RO_COND_INVALID_SPEC, RO_COND_TRUE, RO_REASON_INVALID_SPEC, "new", T0 + S(5), false));
    CU_ASSERT_STRING_EQUAL(cond_field(st, "InvalidSpec", "message"), "new");
    CU_ASSERT_STRING_EQUAL(cond_field(st, "InvalidSpec", "lastTransitionTime"), "2026-01-01T00:00:05Z");
    /* replace on an empty status adds */
    cJSON_Delete(st);
    st = cJSON_CreateObject();
    CU_ASSERT_TRUE(
        ro_replace_condition(st, RO_COND_HEALTHY, RO_COND_TRUE, RO_REASON_HEALTHY, RO_MSG_HEALTHY, T0, true));
    CU_ASSERT_STRING_EQUAL(cond_field(st, "Healthy", "lastTransitionTime"), "2026-01-01T00:00:00Z");
    cJSON_Delete(st);
}

/* The conditions the controller writes drive the phase end to end. */
static void test_conditions_drive_phase(void)
{
    cJSON *ro = cJSON_Parse("{\"metadata\":{\"name\":\"r\",\"generation\":2},"
                            "\"spec\":{\"replicas\":1," CANARY "}}");
    cJSON *st = cJSON_Parse("{\"replicas\":1,\"updatedReplicas\":1,"
                            "\"availableReplicas\":1,\"currentPodHash\":\"h2\","
                            "\"stableRS\":\"h1\",\"observedGeneration\":\"2\"}");
    char phase[32], msg[128], buf[128];
    snprintf(buf, sizeof buf, RO_MSG_REPLICASET_TIMED_OUT_FMT, "r-h2");
    ro_set_condition(st, RO_COND_PROGRESSING, RO_COND_FALSE, RO_REASON_TIMED_OUT, buf, T0);
    ro_phase(ro, st, phase, msg, sizeof msg);
    CU_ASSERT_STRING_EQUAL(phase, "Degraded");
    CU_ASSERT_STRING_EQUAL(msg, "ProgressDeadlineExceeded: ReplicaSet \"r-h2\" "
                                "has timed out progressing.");
    snprintf(buf, sizeof buf, RO_MSG_REPLICASET_PROGRESSING_FMT, "r-h2");
    ro_replace_condition(st, RO_COND_PROGRESSING, RO_COND_TRUE, RO_REASON_REPLICASET_UPDATED, buf, T0 + S(1), true);
    ro_phase(ro, st, phase, msg, sizeof msg);
    CU_ASSERT_STRING_EQUAL(phase, "Progressing");
    CU_ASSERT_STRING_EQUAL(msg, "waiting for all steps to complete");
    cj_set_str(st, "stableRS", "h2");
    ro_phase(ro, st, phase, msg, sizeof msg);
    CU_ASSERT_STRING_EQUAL(phase, "Healthy");
    CU_ASSERT_STRING_EQUAL(msg, "");
    cJSON_Delete(ro);
    cJSON_Delete(st);
}

int main(void)
{
    static const cu_test tests[] = {
        {"phase table (CalculateRolloutPhase)", test_phase_table},
        {"phase message buffer", test_phase_message_buffer},
        {"client phase (GetRolloutPhase)", test_get_phase_table},
        {"set condition: new", test_set_condition_new},
        {"set condition: no-op", test_set_condition_noop},
        {"set condition: transitions", test_set_condition_transition},
        {"set condition: order", test_set_condition_order},
        {"set condition: duplicates and malformed", test_set_condition_duplicates_and_malformed},
        {"remove condition", test_remove_condition},
        {"replace condition", test_replace_condition},
        {"conditions drive the phase", test_conditions_drive_phase},
        {NULL, NULL},
    };
    return cu_run("rollout_status", tests);
}
