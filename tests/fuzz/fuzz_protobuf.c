/* fuzz_protobuf.c: fuzzes fakeapi/protobuf. Each input is decoded twice over: as a whole request
 * body (magic, envelope, object), and as the bare object of every kind the decoder knows, so the
 * schema layer sees arbitrary bytes without the fuzzer first having to find a valid envelope.
 * Beyond the sanitizers, it checks the contract: an object exactly when the result is FA_PB_OK,
 * a message otherwise, and an object that prints. */
#include "fakeapi/protobuf.h"

#include <stdint.h>
#include <stdlib.h>

static void check(enum fa_pb_result r, cJSON *o, const char *err)
{
    if ((r == FA_PB_OK) != (o != NULL))
        abort();
    if (r != FA_PB_OK && !err[0])
        abort();
    if (o) {
        if (!cJSON_IsObject(o))
            abort();
        char *text = cJSON_PrintUnformatted(o);
        if (!text)
            abort();
        free(text);
    }
    cJSON_Delete(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const kinds[][2] = {
        {"v1", "Namespace"}, {"v1", "ConfigMap"}, {"v1", "Secret"},
        {"v1", "ServiceAccount"}, {"v1", "Service"}, {"apps/v1", "Deployment"},
        {"batch/v1", "Job"}, {"batch/v1", "CronJob"}, {"networking.k8s.io/v1", "Ingress"},
        {"rbac.authorization.k8s.io/v1", "Role"}, {"rbac.authorization.k8s.io/v1", "ClusterRole"},
        {"rbac.authorization.k8s.io/v1", "RoleBinding"}, {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding"},
        {"policy/v1", "PodDisruptionBudget"},
    };
    char err[512];
    cJSON *o = NULL;
    enum fa_pb_result r = fa_pb_decode(data, size, &o, err, sizeof err);
    check(r, o, err);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        o = NULL;
        r = fa_pb_decode_object(kinds[i][0], kinds[i][1], data, size, &o, err, sizeof err);
        if (r == FA_PB_UNSUPPORTED)
            abort();
        check(r, o, err);
    }
    return 0;
}
