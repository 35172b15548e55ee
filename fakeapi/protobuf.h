/* protobuf.h: decodes request bodies sent as application/vnd.kubernetes.protobuf (kubectl's
 * generator commands: create namespace|configmap|secret|serviceaccount|deployment|service) into
 * the JSON object they stand for, exactly as if the client had sent JSON: Go's encoding/json over
 * the typed object (member order, omitempty, null for nil pointers and slices, sorted map keys).
 * Kinds decoded: v1 Namespace, ConfigMap, Secret, ServiceAccount, Service; apps/v1 Deployment. */
#ifndef CUTOVER_FAKEAPI_PROTOBUF_H
#define CUTOVER_FAKEAPI_PROTOBUF_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The answer of an API server to a create or update body it cannot decode (415 UnsupportedMediaType). */
#define FA_UNKNOWN_FORMAT                                                                          \
    "the body of the request was in an unknown format - accepted media types include: "           \
    "application/json, application/yaml, application/vnd.kubernetes.protobuf"

/* Result of fa_pb_decode. */
enum fa_pb_result {
    FA_PB_OK = 0,        /* *out holds the object (caller frees) */
    FA_PB_UNSUPPORTED,   /* well-formed envelope of a kind this decoder does not know: answer 415 */
    FA_PB_MALFORMED,     /* not a valid Kubernetes protobuf body: answer 400 with err */
};

/* Decodes a whole body: the "k8s\0" magic, the runtime.Unknown envelope and the object inside.
 * Never reads outside [body, body + len). On error *out is NULL and err holds a one-line message:
 * apimachinery's wording for a missing magic, an empty body and a missing kind or apiVersion,
 * "protobuf: <Kind>.<field path>: <what>" for the rest (e.g. "protobuf:
 * Deployment.spec.template.spec.containers[0].image: wrong wire type 0 for a length-delimited
 * field"). */
enum fa_pb_result fa_pb_decode(const void *body, size_t len, cJSON **out, char *err, size_t errlen);

/* Decodes the object alone (the envelope's raw bytes) as apiVersion/kind; the same results and
 * messages as fa_pb_decode. */
enum fa_pb_result fa_pb_decode_object(const char *api_version, const char *kind, const void *raw, size_t len,
                                      cJSON **out, char *err, size_t errlen);

#endif
