/* fuzz_schema.c: fuzzes fakeapi/schema. The input is a schema and an object, as JSON, split at
 * the first NUL byte (without one, the same text is both). The schema is checked as a CRD's,
 * then the object is decoded (pruning; with preserveUnknownFields when the input's size is odd)
 * and validated in every part, as the API server does on a write. Beyond the sanitizers, it checks the contract:
 * the object stays an object that prints, every error has a field, a reason and a detail, and
 * every unknown-field path is set. */
#include "fakeapi/schema.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_result(const fa_schema_result *res)
{
    for (size_t i = 0; i < res->nerrors; i++)
        if (!res->errors[i].field || !res->errors[i].reason || !res->errors[i].detail)
            abort();
    for (size_t i = 0; i < res->nunknown; i++)
        if (!res->unknown[i])
            abort();
    char *agg = fa_schema_aggregate(res);
    if (!agg)
        abort();
    free(agg);
}

static void admit(const cJSON *schema, const cJSON *obj, bool preserve)
{
    static const fa_schema_part parts[] = {FA_SCHEMA_WHOLE, FA_SCHEMA_SKIP_STATUS, FA_SCHEMA_STATUS_ONLY};
    cJSON *o = cJSON_Duplicate(obj, 1);
    if (!o)
        return;
    fa_schema_result res = {0};
    fa_schema_decode(schema, preserve, o, &res);
    if (cJSON_IsObject(obj) && !cJSON_IsObject(o))
        abort();
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        fa_schema_validate(schema, o, parts[i], &res);
        fa_schema_validate_embedded(schema, o, parts[i], &res);
    }
    fa_schema_validate_scale(o, ".spec.replicas", ".status.replicas", ".status.selector", &res);
    fa_schema_validate_scale(o, "spec", "", ".a.b.c.d", &res);
    check_result(&res);
    char *text = cJSON_PrintUnformatted(o), *go = fa_schema_go_json(o);
    if (!text || !go)
        abort();
    free(text);
    free(go);
    fa_schema_result_free(&res);
    cJSON_Delete(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t slen = nul ? (size_t)(nul - data) : size;
    const uint8_t *odata = nul ? nul + 1 : data;
    size_t olen = nul ? size - slen - 1 : size;
    cJSON *schema = cJSON_ParseWithLength((const char *)data, slen);
    cJSON *obj = cJSON_ParseWithLength((const char *)odata, olen);
    if (schema) {
        fa_schema_result res = {0};
        fa_schema_check_crd(schema, "spec.versions[0].schema.openAPIV3Schema", &res);
        check_result(&res);
        fa_schema_result_free(&res);
    }
    if (obj) {
        admit(schema, obj, size & 1);
        char *q = fa_schema_go_quote(cJSON_IsString(obj) ? obj->valuestring : "");
        free(q);
    }
    cJSON_Delete(schema);
    cJSON_Delete(obj);
    return 0;
}
