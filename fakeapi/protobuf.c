/* protobuf.c: placeholder until the decoder lands; every protobuf body keeps the 415. */
#include "fakeapi/protobuf.h"

#include <stdio.h>

enum fa_pb_result fa_pb_decode(const void *body, size_t len, cJSON **out, char *err, size_t errlen)
{
    (void)body;
    (void)len;
    *out = NULL;
    snprintf(err, errlen, "the body of the request was in an unknown format - accepted media types include: "
             "application/json, application/yaml, application/vnd.kubernetes.protobuf");
    return FA_PB_UNSUPPORTED;
}
