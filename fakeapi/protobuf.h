/* protobuf.h: decodes request bodies sent as application/vnd.kubernetes.protobuf (kubectl's
 * generator commands: create namespace|configmap|secret|serviceaccount|deployment|service) into
 * the JSON object they stand for, exactly as if the client had sent JSON. */
#ifndef CUTOVER_FAKEAPI_PROTOBUF_H
#define CUTOVER_FAKEAPI_PROTOBUF_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Result of fa_pb_decode. */
enum fa_pb_result {
    FA_PB_OK = 0,        /* *out holds the object (caller frees) */
    FA_PB_UNSUPPORTED,   /* well-formed envelope of a kind this decoder does not know: answer 415 */
    FA_PB_MALFORMED,     /* not a valid Kubernetes protobuf body: answer 400 with err */
};

/* Decodes a whole body: the "k8s\0" magic, the runtime.Unknown envelope and the object inside.
 * Never reads outside [body, body + len). On error err holds a one-line message. */
enum fa_pb_result fa_pb_decode(const void *body, size_t len, cJSON **out, char *err, size_t errlen);

#endif
