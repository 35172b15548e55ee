/* patch.h: the three PATCH flavours of the fake API server: JSON merge patch (RFC 7386),
 * JSON patch (RFC 6902) and the strategic merge patch subset kubectl sends for built-in kinds. */
#ifndef CUTOVER_FAKEAPI_PATCH_H
#define CUTOVER_FAKEAPI_PATCH_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Result codes map to HTTP: PATCH_OK=0, PATCH_BAD_REQUEST=400 (malformed patch document),
   PATCH_INVALID=422 (a well-formed op that cannot apply: test mismatch, missing path),
   PATCH_TOO_LARGE=413 (> 10000 JSON patch operations). */
enum { PATCH_OK = 0, PATCH_BAD_REQUEST = 400, PATCH_INVALID = 422, PATCH_TOO_LARGE = 413 };

/* Each function applies `patch` to a deep copy of `doc` and, on success, stores the new document
   in *out (caller frees with cJSON_Delete). On failure *out is NULL, `doc` is untouched, and
   msg (size msglen) receives a human-readable message like the real apiserver's. */
int patch_merge(const cJSON *doc, const cJSON *patch, cJSON **out, char *msg, size_t msglen);      /* RFC 7386 */
int patch_json(const cJSON *doc, const cJSON *ops, cJSON **out, char *msg, size_t msglen);         /* RFC 6902 */
/* Strategic merge patch subset for built-in kinds; `kind` is the object's Kind ("Pod", "Service", "Deployment", ...). */
int patch_strategic(const cJSON *doc, const cJSON *patch, const char *kind, cJSON **out, char *msg, size_t msglen);

#endif
