/* json.h: small cJSON helpers shared by every module (paths, replace-or-add). */
#ifndef CUTOVER_COMMON_JSON_H
#define CUTOVER_COMMON_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* Follows a dotted path of object keys ("metadata.name"); NULL when any step is missing. */
cJSON *cj_get(const cJSON *o, const char *dotted);
/* The string at a dotted path, or NULL when missing or not a string. */
const char *cj_str(const cJSON *o, const char *dotted);
/* cj_str, but "" when missing or not a string (Go's zero value, for code that mirrors Go). */
const char *cj_str0(const cJSON *o, const char *dotted);
/* The object child `key` of o, created (or replacing a non-object) when needed. */
cJSON *cj_obj(cJSON *o, const char *key);
/* Sets o[key] = v, replacing any existing value; takes ownership of v. */
void cj_set(cJSON *o, const char *key, cJSON *v);
/* Like cj_set, but v becomes the first member (apiVersion and kind lead every object). */
void cj_set_first(cJSON *o, const char *key, cJSON *v);
void cj_set_str(cJSON *o, const char *key, const char *v);
void cj_set_num(cJSON *o, const char *key, double v);
/* The number at a dotted path as an int, or def when missing or not a number. */
int cj_int(const cJSON *o, const char *dotted, int def);
/* NULL-safe string equality. */
bool cj_streq(const char *a, const char *b);
/* Deep equality (case-sensitive keys, key order ignored); two NULLs are equal. */
bool cj_equal(const cJSON *a, const cJSON *b);
/* The JSON merge patch (RFC 7386) that turns object `from` into object `to`: changed members
 * recursively for objects, whole values otherwise, null for members `to` lacks. NULL when they are
 * equal. Caller frees. */
cJSON *cj_merge_diff(const cJSON *from, const cJSON *to);
/* cj_merge_diff printed (unformatted): the body of a merge-patch request. NULL when equal. */
char *cj_merge_diff_text(const cJSON *from, const cJSON *to);
/* Parses exactly len bytes; NULL on malformed JSON or trailing garbage. */
cJSON *cj_parse(const char *text, size_t len);

/* What Go's encoding/json calls v's JSON type in its errors: "string", "number", "bool",
 * "array", "object" or "null". */
const char *cj_go_type(const cJSON *v);

#endif
