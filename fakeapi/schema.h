/* schema.h: structural schemas (a CRD version's schema.openAPIV3Schema) and what the API server
 * does with them: the decoding of a custom resource (unknown fields pruned or reported, ObjectMeta
 * coerced, non-nullable nulls dropped, defaults), its validation (the 422 causes, worded as
 * k8s.io/apiextensions-apiserver and kube-openapi word them), and the checks a CRD's own schema
 * must pass. Works on cJSON values as they come; never fails on a malformed schema or object. */
#ifndef CUTOVER_FAKEAPI_SCHEMA_H
#define CUTOVER_FAKEAPI_SCHEMA_H

#include "common/buf.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#define FA_SCHEMA_MAX_DEPTH 128   /* deeper values are neither pruned nor validated */
#define FA_SCHEMA_MAX_ERRORS 1000 /* causes kept per request (the apiserver keeps them all) */

/* One field error, as a Status cause. */
typedef struct {
    char *field;        /* "spec.replicas"; "<nil>" where the apiserver has no path either */
    const char *reason; /* "FieldValueInvalid", "FieldValueRequired", ... (static) */
    char *detail;       /* field.Error.ErrorBody(): "Required value", "Invalid value: ...: ..." */
} fa_schema_error;

/* What decoding and validation found. Zero-initialize; free with fa_schema_result_free. */
typedef struct {
    fa_schema_error *errors;
    size_t nerrors, errcap;
    char **unknown; /* unknown field paths, in the apiserver's order ("spec.foo", "metadata.bar") */
    size_t nunknown, unkcap;
    char *decode_error; /* a decoding failure (400 BadRequest): the text after "cannot be handled as ..." */
} fa_schema_result;

void fa_schema_result_free(fa_schema_result *res);

/* Decodes a whole custom resource in place as the apiserver's schema-coercing decoder does:
 * unknown metadata fields (ObjectMeta) are recorded and dropped; with a schema, fields it does not
 * know are pruned (unless preserve_unknown: the CRD's spec.preserveUnknownFields) and recorded,
 * nulls the schema does not allow are dropped, embedded resources' metadata is coerced, and
 * defaults are filled in. schema may be NULL (no pruning, metadata only). */
void fa_schema_decode(const cJSON *schema, bool preserve_unknown, cJSON *obj, fa_schema_result *res);

typedef enum {
    FA_SCHEMA_WHOLE,       /* the whole object (create/update of a kind without a status subresource) */
    FA_SCHEMA_SKIP_STATUS, /* everything but .status (main resource of a kind with a status subresource) */
    FA_SCHEMA_STATUS_ONLY, /* .status against properties.status, as the /status subresource does */
} fa_schema_part;

/* Validates obj against schema, appending the errors in res. */
void fa_schema_validate(const cJSON *schema, const cJSON *obj, fa_schema_part part, fa_schema_result *res);

/* The checks on embedded resources (x-kubernetes-embedded-resource: apiVersion and kind), which
 * the apiserver appends after the schema's and the scale subresource's. */
void fa_schema_validate_embedded(const cJSON *schema, const cJSON *obj, fa_schema_part part, fa_schema_result *res);

/* The scale subresource's checks on a custom resource (apiextensions' ValidateScaleSpec and
 * ValidateScaleStatus): paths like ".spec.replicas"; spec_path NULL skips the spec check. */
void fa_schema_validate_scale(const cJSON *obj, const char *spec_path, const char *status_path,
                              const char *selector_path, fa_schema_result *res);

/* Checks a CRD version's openAPIV3Schema (at field path `path`, e.g.
 * "spec.versions[0].schema.openAPIV3Schema"): decoding errors (a keyword of the wrong JSON type)
 * go to res->decode_error, structural-schema violations to res->errors. */
void fa_schema_check_crd(const cJSON *schema, const char *path, fa_schema_result *res);

/* "[e1, e2]" or "e1": apimachinery's aggregate of the errors' "field: detail" texts (duplicates
 * once). Caller frees. */
char *fa_schema_aggregate(const fa_schema_result *res);

/* fmt.Fprint of a JSON number as the apiserver decodes it: an int64 in full, else a float64's %v
 * ("2.5", "1.2345675e+06"). */
void fa_schema_go_number(co_buf *b, const cJSON *v);

/* Go's json.Marshal of v (keys sorted, <>& escaped); caller frees. */
char *fa_schema_go_json(const cJSON *v);

/* Go's strconv.Quote of s; caller frees. */
char *fa_schema_go_quote(const char *s);

#endif
