/* patch.c: owns applying PATCH bodies to stored objects: JSON merge patch (RFC 7386), JSON patch
 * (RFC 6902, with the apiserver's 10000-operation limit and evanphx/json-patch error wording) and
 * the subset of apimachinery pkg/util/strategicpatch that kubectl apply/edit/patch/set/rollout send.
 *
 * Every entry point works on a deep copy of the stored document and hands it out only on success,
 * so a failing patch never leaves a half-applied object. Recursion is bounded by MAX_DEPTH, the
 * nesting limit of cJSON's parser, so hostile input is answered with 400 instead of a crash. */
#include "fakeapi/patch.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 1000
#define MAX_JSON_PATCH_OPS 10000 /* apiserver maxJSONPatchOperations */

/* ---------------------------------------------------------------------------------------------
 * Shared helpers
 * ------------------------------------------------------------------------------------------- */

static int vfail(char *msg, size_t msglen, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static int fail(char *msg, size_t msglen, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int vfail(char *msg, size_t msglen, int code, const char *fmt, va_list ap)
{
    if (msg && msglen)
        vsnprintf(msg, msglen, fmt, ap);
    return code;
}

static int fail(char *msg, size_t msglen, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(msg, msglen, code, fmt, ap);
    va_end(ap);
    return code;
}

/* The enum has no 500, and running out of memory is not the client's fault either; 400 at least
   makes the request fail cleanly. */
static int oom(char *msg, size_t msglen)
{
    return fail(msg, msglen, PATCH_BAD_REQUEST, "out of memory while applying patch");
}

/* Common argument checks; clears *out and msg so every failure path starts from a clean state. */
static int check_args(const cJSON *doc, const cJSON *patch, cJSON **out, char *msg, size_t msglen)
{
    if (msg && msglen)
        msg[0] = '\0';
    if (!out)
        return fail(msg, msglen, PATCH_BAD_REQUEST, "no place to store the patched document");
    *out = NULL;
    if (!doc)
        return fail(msg, msglen, PATCH_BAD_REQUEST, "invalid JSON document: no document to patch");
    if (!patch)
        return fail(msg, msglen, PATCH_BAD_REQUEST, "invalid JSON document: empty patch");
    return PATCH_OK;
}

/* Sets obj[key] = v, replacing the first member of that name (keeping its position) or appending.
   Takes ownership of v. */
static bool set_member(cJSON *obj, const char *key, cJSON *v)
{
    bool ok = cJSON_GetObjectItemCaseSensitive(obj, key)
                  ? cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v)
                  : cJSON_AddItemToObject(obj, key, v);
    if (!ok)
        cJSON_Delete(v);
    return ok;
}

/* Inserts `item` before `at`, an element of `arr`, by appending it and rotating the elements from
   `at` on behind it. cJSON_InsertItemInArray is not used: Debian's security backport to 1.7.15
   makes it refuse valid insertions. */
static bool insert_before(cJSON *arr, cJSON *at, cJSON *item)
{
    if (!cJSON_AddItemToArray(arr, item))
        return false;
    for (cJSON *cur = at, *next; cur != item; cur = next) {
        next = cur->next;
        cJSON_AddItemToArray(arr, cJSON_DetachItemViaPointer(arr, cur));
    }
    return true;
}

static void delete_child(cJSON *parent, cJSON *child)
{
    cJSON_Delete(cJSON_DetachItemViaPointer(parent, child));
}

static void delete_children(cJSON *parent)
{
    while (parent->child)
        delete_child(parent, parent->child);
}

static bool has_prefix(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Compact JSON of v for error messages, cut to fit buf. */
static const char *describe(const cJSON *v, char *buf, size_t n)
{
    char *s = v ? cJSON_PrintUnformatted(v) : NULL;
    if (!s)
        snprintf(buf, n, "?");
    else if (strlen(s) < n)
        snprintf(buf, n, "%s", s);
    else
        snprintf(buf, n, "%.*s...", (int)(n - 4), s);
    cJSON_free(s);
    return buf;
}

/* ---------------------------------------------------------------------------------------------
 * JSON merge patch (RFC 7386)
 * ------------------------------------------------------------------------------------------- */

/* MergePatch(target, patch) for an object patch; `target` is an object changed in place. Merging
   into a fresh empty object is how nulls nested in newly added values get dropped. */
static int merge_object(cJSON *target, const cJSON *patch, int depth, char *msg, size_t msglen)
{
    if (depth > MAX_DEPTH)
        return fail(msg, msglen, PATCH_BAD_REQUEST, "merge patch nests deeper than %d levels", MAX_DEPTH);
    for (const cJSON *p = patch->child; p; p = p->next) {
        if (!p->string)
            continue;
        cJSON *cur = cJSON_GetObjectItemCaseSensitive(target, p->string);
        if (cJSON_IsNull(p)) {
            if (cur)
                delete_child(target, cur);
            continue;
        }
        if (cJSON_IsObject(p) && cJSON_IsObject(cur)) {
            int rc = merge_object(cur, p, depth + 1, msg, msglen);
            if (rc)
                return rc;
            continue;
        }
        cJSON *v = cJSON_IsObject(p) ? cJSON_CreateObject() : cJSON_Duplicate(p, true);
        if (!v)
            return oom(msg, msglen);
        if (cJSON_IsObject(p)) {
            int rc = merge_object(v, p, depth + 1, msg, msglen);
            if (rc) {
                cJSON_Delete(v);
                return rc;
            }
        }
        if (!set_member(target, p->string, v))
            return oom(msg, msglen);
    }
    return PATCH_OK;
}

int patch_merge(const cJSON *doc, const cJSON *patch, cJSON **out, char *msg, size_t msglen)
{
    int rc = check_args(doc, patch, out, msg, msglen);
    if (rc)
        return rc;
    if (!cJSON_IsObject(patch)) {
        *out = cJSON_Duplicate(patch, true);
        return *out ? PATCH_OK : oom(msg, msglen);
    }
    cJSON *result = cJSON_IsObject(doc) ? cJSON_Duplicate(doc, true) : cJSON_CreateObject();
    if (!result)
        return oom(msg, msglen);
    rc = merge_object(result, patch, 1, msg, msglen);
    if (rc) {
        cJSON_Delete(result);
        return rc;
    }
    *out = result;
    return PATCH_OK;
}

/* ---------------------------------------------------------------------------------------------
 * JSON patch (RFC 6902) with JSON pointers (RFC 6901)
 * ------------------------------------------------------------------------------------------- */

typedef struct {
    char **tok; /* unescaped reference tokens */
    size_t n;
} jptr;

static void jptr_free(jptr *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->tok[i]);
    free(p->tok);
    p->tok = NULL;
    p->n = 0;
}

/* Splits a pointer into tokens, undoing ~1 -> '/' and ~0 -> '~' (in that order, per RFC 6901, which
   a single left-to-right pass gives: "~01" is "~1", not "/"). Bad syntax is a malformed patch: 400. */
static int jptr_parse(const char *s, jptr *p, char *msg, size_t msglen)
{
    p->tok = NULL;
    p->n = 0;
    if (s[0] == '\0')
        return PATCH_OK;
    if (s[0] != '/')
        return fail(msg, msglen, PATCH_BAD_REQUEST,
                    "invalid JSON pointer \"%s\": it must be empty or start with '/'", s);
    size_t n = 0;
    for (const char *q = s; *q; q++)
        n += (*q == '/');
    p->tok = calloc(n, sizeof *p->tok);
    if (!p->tok)
        return oom(msg, msglen);
    const char *seg = s + 1;
    for (size_t i = 0; i < n; i++) {
        size_t len = strcspn(seg, "/");
        char *t = malloc(len + 1);
        if (!t) {
            jptr_free(p);
            return oom(msg, msglen);
        }
        p->tok[i] = t;
        p->n = i + 1;
        size_t k = 0;
        for (size_t j = 0; j < len; j++) {
            char ch = seg[j];
            if (ch == '~') {
                char next = j + 1 < len ? seg[j + 1] : '\0';
                if (next != '0' && next != '1') {
                    jptr_free(p);
                    return fail(msg, msglen, PATCH_BAD_REQUEST,
                                "invalid JSON pointer \"%s\": '~' must be followed by '0' or '1'", s);
                }
                ch = next == '0' ? '~' : '/';
                j++;
            }
            t[k++] = ch;
        }
        t[k] = '\0';
        seg += len + 1;
    }
    return PATCH_OK;
}

/* An array index token: "0" or digits without a leading zero (RFC 6901 section 4). */
static bool parse_index(const char *t, int *out)
{
    if (t[0] == '\0' || (t[0] == '0' && t[1] != '\0'))
        return false;
    long v = 0;
    for (; *t; t++) {
        if (*t < '0' || *t > '9')
            return false;
        v = v * 10 + (*t - '0');
        if (v > INT_MAX)
            return false;
    }
    *out = (int)v;
    return true;
}

static cJSON *child_at(cJSON *v, const char *tok)
{
    int i;
    if (cJSON_IsObject(v))
        return cJSON_GetObjectItemCaseSensitive(v, tok);
    if (cJSON_IsArray(v) && parse_index(tok, &i))
        return cJSON_GetArrayItem(v, i);
    return NULL;
}

/* The value the first n tokens of p point at, or NULL. */
static cJSON *jptr_get(cJSON *root, const jptr *p, size_t n)
{
    cJSON *cur = root;
    for (size_t i = 0; i < n && cur; i++)
        cur = child_at(cur, p->tok[i]);
    return cur;
}

/* Adds `value` (owned) at p: sets an object member, inserts into an array or replaces the root. */
static int do_add(cJSON **root, const jptr *p, cJSON *value, const char *opname, const char *path,
                  char *msg, size_t msglen)
{
    if (!value)
        return oom(msg, msglen);
    if (p->n == 0) {
        cJSON_Delete(*root);
        *root = value;
        return PATCH_OK;
    }
    cJSON *parent = jptr_get(*root, p, p->n - 1);
    const char *last = p->tok[p->n - 1];
    if (cJSON_IsObject(parent))
        return set_member(parent, last, value) ? PATCH_OK : oom(msg, msglen);
    if (cJSON_IsArray(parent)) {
        /* "-" appends; an index names the element to insert before, or the end (== size). */
        int i = 0;
        cJSON *at = NULL;
        bool append = strcmp(last, "-") == 0;
        if (!append && parse_index(last, &i)) {
            at = cJSON_GetArrayItem(parent, i);
            append = !at && i == cJSON_GetArraySize(parent);
        }
        if (!append && !at) {
            cJSON_Delete(value);
            return fail(msg, msglen, PATCH_INVALID,
                        "error in %s for path: '%s': Unable to access invalid index: %s: invalid index referenced",
                        opname, path, last);
        }
        bool ok = append ? cJSON_AddItemToArray(parent, value) : insert_before(parent, at, value);
        if (!ok)
            cJSON_Delete(value);
        return ok ? PATCH_OK : oom(msg, msglen);
    }
    cJSON_Delete(value);
    return fail(msg, msglen, PATCH_INVALID, "%s operation does not apply: doc is missing path: \"%s\": missing value",
                opname, path);
}

/* Removes the value at p; hands it to *taken when not NULL (move), else frees it. */
static int do_remove(cJSON **root, const jptr *p, cJSON **taken, const char *opname, const char *path,
                     char *msg, size_t msglen)
{
    if (p->n == 0)
        return fail(msg, msglen, PATCH_INVALID, "%s operation does not apply: cannot remove the whole document",
                    opname);
    cJSON *item = jptr_get(*root, p, p->n);
    if (!item)
        return fail(msg, msglen, PATCH_INVALID,
                    "%s operation does not apply: doc is missing path: \"%s\": missing value", opname, path);
    cJSON_DetachItemViaPointer(jptr_get(*root, p, p->n - 1), item);
    if (taken)
        *taken = item;
    else
        cJSON_Delete(item);
    return PATCH_OK;
}

static int do_replace(cJSON **root, const jptr *p, cJSON *value, const char *path, char *msg, size_t msglen)
{
    if (!value)
        return oom(msg, msglen);
    if (p->n == 0) {
        cJSON_Delete(*root);
        *root = value;
        return PATCH_OK;
    }
    cJSON *target = jptr_get(*root, p, p->n);
    if (!target) {
        cJSON_Delete(value);
        return fail(msg, msglen, PATCH_INVALID,
                    "replace operation does not apply: doc is missing key: %s: missing value", path);
    }
    cJSON *parent = jptr_get(*root, p, p->n - 1);
    /* Object members need their key copied onto the replacement; array items do not. */
    bool ok = cJSON_IsObject(parent) ? cJSON_ReplaceItemInObjectCaseSensitive(parent, p->tok[p->n - 1], value)
                                     : cJSON_ReplaceItemViaPointer(parent, target, value);
    if (!ok)
        cJSON_Delete(value);
    return ok ? PATCH_OK : oom(msg, msglen);
}

static bool jptr_is_prefix(const jptr *a, const jptr *b)
{
    if (a->n > b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->tok[i], b->tok[i]) != 0)
            return false;
    return true;
}

static int do_move(cJSON **root, const jptr *from, const jptr *to, const char *fromstr, const char *path,
                   char *msg, size_t msglen)
{
    if (!jptr_get(*root, from, from->n))
        return fail(msg, msglen, PATCH_INVALID,
                    "move operation does not apply: doc is missing from path: %s: missing value", fromstr);
    if (jptr_is_prefix(from, to)) {
        if (from->n == to->n)
            return PATCH_OK; /* moving a value onto itself */
        return fail(msg, msglen, PATCH_INVALID,
                    "move operation does not apply: \"from\" %s is a proper prefix of \"path\" %s", fromstr, path);
    }
    cJSON *moved = NULL;
    int rc = do_remove(root, from, &moved, "move", fromstr, msg, msglen);
    return rc ? rc : do_add(root, to, moved, "move", path, msg, msglen);
}

typedef enum { OP_ADD, OP_REMOVE, OP_REPLACE, OP_MOVE, OP_COPY, OP_TEST, OP_UNKNOWN } op_kind;

static op_kind op_kind_of(const char *s)
{
    static const char *const names[] = {"add", "remove", "replace", "move", "copy", "test"};
    for (int i = 0; i < OP_UNKNOWN; i++)
        if (strcmp(s, names[i]) == 0)
            return (op_kind)i;
    return OP_UNKNOWN;
}

/* Checks that a JSON pointer member exists, is a string and parses. */
static int check_pointer_member(const cJSON *op, const char *name, int idx, char *msg, size_t msglen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(op, name);
    if (!v)
        return fail(msg, msglen, PATCH_BAD_REQUEST, "invalid JSON Patch: operation %d is missing \"%s\"", idx, name);
    if (!cJSON_IsString(v) || !v->valuestring)
        return fail(msg, msglen, PATCH_BAD_REQUEST, "invalid JSON Patch: \"%s\" of operation %d must be a string",
                    name, idx);
    jptr p;
    int rc = jptr_parse(v->valuestring, &p, msg, msglen);
    jptr_free(&p);
    return rc;
}

/* Everything that makes the patch document malformed (400) is found here, before any op runs,
   so a 400 never depends on how far application got. */
static int validate_op(const cJSON *op, int idx, char *msg, size_t msglen)
{
    static const char *const members[] = {"op", "path", "from", "value"};
    if (!cJSON_IsObject(op))
        return fail(msg, msglen, PATCH_BAD_REQUEST, "invalid JSON Patch: operation %d is not an object", idx);
    /* RFC 6902 A.13: an operation repeating a member is invalid, whichever copy a parser keeps. */
    for (size_t i = 0; i < sizeof members / sizeof *members; i++) {
        int seen = 0;
        for (const cJSON *m = op->child; m; m = m->next)
            seen += m->string && strcmp(m->string, members[i]) == 0;
        if (seen > 1)
            return fail(msg, msglen, PATCH_BAD_REQUEST, "invalid JSON Patch: operation %d repeats member \"%s\"",
                        idx, members[i]);
    }
    const cJSON *kindv = cJSON_GetObjectItemCaseSensitive(op, "op");
    if (!kindv)
        return fail(msg, msglen, PATCH_BAD_REQUEST, "invalid JSON Patch: operation %d is missing \"op\"", idx);
    if (!cJSON_IsString(kindv) || !kindv->valuestring)
        return fail(msg, msglen, PATCH_BAD_REQUEST, "invalid JSON Patch: \"op\" of operation %d must be a string", idx);
    op_kind kind = op_kind_of(kindv->valuestring);
    if (kind == OP_UNKNOWN)
        return fail(msg, msglen, PATCH_BAD_REQUEST, "unexpected kind of operation \"%s\"", kindv->valuestring);
    int rc = check_pointer_member(op, "path", idx, msg, msglen);
    if (rc == PATCH_OK && (kind == OP_MOVE || kind == OP_COPY))
        rc = check_pointer_member(op, "from", idx, msg, msglen);
    if (rc)
        return rc;
    if ((kind == OP_ADD || kind == OP_REPLACE || kind == OP_TEST) && !cJSON_GetObjectItemCaseSensitive(op, "value"))
        return fail(msg, msglen, PATCH_BAD_REQUEST, "invalid JSON Patch: %s operation %d is missing \"value\"",
                    kindv->valuestring, idx);
    return PATCH_OK;
}

/* Applies one validated operation to *root. */
/* Objects the apiserver accepts are at most 1.5 MB; a patch may not make one past 16 MB. */
#define PATCH_MAX_BYTES (16L << 20)

/* Roughly how many bytes v takes as JSON (keys and strings, plus a little per value). */
static long json_bytes(const cJSON *v)
{
    long n = 8 + (v->string ? (long)strlen(v->string) : 0) + (cJSON_IsString(v) ? (long)strlen(v->valuestring) : 0);
    for (const cJSON *c = v->child; c; c = c->next)
        n += json_bytes(c);
    return n;
}

static int apply_op(cJSON **root, const cJSON *op, char *msg, size_t msglen)
{
    op_kind kind = op_kind_of(cJSON_GetObjectItemCaseSensitive(op, "op")->valuestring);
    const char *path = cJSON_GetObjectItemCaseSensitive(op, "path")->valuestring;
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(op, "value");
    const cJSON *fromv = cJSON_GetObjectItemCaseSensitive(op, "from");
    const char *fromstr = (kind == OP_MOVE || kind == OP_COPY) ? fromv->valuestring : "";
    jptr p, from;
    int rc = jptr_parse(path, &p, msg, msglen);
    if (rc)
        return rc;
    rc = jptr_parse(fromstr, &from, msg, msglen);
    if (rc) {
        jptr_free(&p);
        return rc;
    }
    cJSON *target;
    switch (kind) {
    case OP_ADD:
        rc = do_add(root, &p, cJSON_Duplicate(value, true), "add", path, msg, msglen);
        break;
    case OP_REMOVE:
        rc = do_remove(root, &p, NULL, "remove", path, msg, msglen);
        break;
    case OP_REPLACE:
        rc = do_replace(root, &p, cJSON_Duplicate(value, true), path, msg, msglen);
        break;
    case OP_MOVE:
        rc = do_move(root, &from, &p, fromstr, path, msg, msglen);
        break;
    case OP_COPY:
        target = jptr_get(*root, &from, from.n);
        /* copies double a document each time they copy it into itself: cap what may grow */
        if (target && json_bytes(*root) + json_bytes(target) > PATCH_MAX_BYTES) {
            rc = fail(msg, msglen, PATCH_TOO_LARGE, "copy operation would make the object larger than %ld bytes",
                      PATCH_MAX_BYTES);
            break;
        }
        rc = target ? do_add(root, &p, cJSON_Duplicate(target, true), "copy", path, msg, msglen)
                    : fail(msg, msglen, PATCH_INVALID,
                           "copy operation does not apply: doc is missing from path: %s: missing value", fromstr);
        break;
    case OP_TEST:
        target = jptr_get(*root, &p, p.n);
        if (!target)
            rc = fail(msg, msglen, PATCH_INVALID, "test operation does not apply: is missing path: %s: missing value",
                      path);
        else if (!cJSON_Compare(target, value, true))
            rc = fail(msg, msglen, PATCH_INVALID, "testing value %s failed: test failed", path);
        break;
    default:
        rc = fail(msg, msglen, PATCH_BAD_REQUEST, "unexpected kind of operation");
        break;
    }
    jptr_free(&p);
    jptr_free(&from);
    return rc;
}

int patch_json(const cJSON *doc, const cJSON *ops, cJSON **out, char *msg, size_t msglen)
{
    int rc = check_args(doc, ops, out, msg, msglen);
    if (rc)
        return rc;
    if (!cJSON_IsArray(ops))
        return fail(msg, msglen, PATCH_BAD_REQUEST, "invalid JSON Patch: the patch must be an array of operations");
    /* Count without cJSON_GetArraySize's int so absurd sizes still compare correctly. */
    size_t count = 0;
    for (const cJSON *op = ops->child; op; op = op->next)
        count++;
    if (count > MAX_JSON_PATCH_OPS)
        return fail(msg, msglen, PATCH_TOO_LARGE, "The allowed maximum operations in a JSON patch is %d, got %zu",
                    MAX_JSON_PATCH_OPS, count);
    int idx = 0;
    for (const cJSON *op = ops->child; op; op = op->next, idx++) {
        rc = validate_op(op, idx, msg, msglen);
        if (rc)
            return rc;
    }
    cJSON *root = cJSON_Duplicate(doc, true);
    if (!root)
        return oom(msg, msglen);
    for (const cJSON *op = ops->child; op; op = op->next) {
        rc = apply_op(&root, op, msg, msglen);
        if (rc) {
            cJSON_Delete(root);
            return rc;
        }
    }
    *out = root;
    return PATCH_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Strategic merge patch (subset of apimachinery pkg/util/strategicpatch)
 *
 * apimachinery reads patchStrategy/patchMergeKey from Go struct tags; we have no types, so
 * list_strategy() knows the merge lists of the built-in kinds by their path in the object.
 * Unlike apimachinery, values taken from the patch as a whole (new keys, replaced lists) are
 * "merged into nothing", so directives inside them are applied rather than stored: the fake
 * server stores JSON, not typed objects, and must never keep a `$` key.
 * ------------------------------------------------------------------------------------------- */

static const char SET_ORDER[] = "$setElementOrder/";
static const char DELETE_FROM[] = "$deleteFromPrimitiveList/";
#define SET_ORDER_LEN (sizeof SET_ORDER - 1)
#define DELETE_FROM_LEN (sizeof DELETE_FROM - 1)

typedef enum { LIST_REPLACE, LIST_MERGE_MAPS, LIST_MERGE_SCALARS } list_kind;

typedef struct {
    const char *kind;
    const char *path[MAX_DEPTH + 1]; /* field names from the root; list indexes are not recorded */
    int npath;
    int depth;
    char *msg;
    size_t msglen;
} smp;

static bool seg_is(const smp *c, int i, const char *name)
{
    return i >= 0 && i < c->npath && strcmp(c->path[i], name) == 0;
}

static bool kind_is(const smp *c, const char *kind)
{
    return c->kind && strcmp(c->kind, kind) == 0;
}

/* Number of leading path segments that lead to the kind's PodSpec, or -1 if the path is not under it. */
static int pod_spec_prefix(const smp *c)
{
    static const char *const in_pod[] = {"spec", NULL};
    static const char *const in_template[] = {"spec", "template", "spec", NULL};
    static const char *const in_podtemplate[] = {"template", "spec", NULL};
    static const char *const in_cronjob[] = {"spec", "jobTemplate", "spec", "template", "spec", NULL};
    static const struct {
        const char *kind;
        const char *const *prefix;
    } table[] = {
        {"Pod", in_pod},
        {"PodTemplate", in_podtemplate},
        {"Deployment", in_template},
        {"ReplicaSet", in_template},
        {"StatefulSet", in_template},
        {"DaemonSet", in_template},
        {"Job", in_template},
        {"ReplicationController", in_template},
        {"CronJob", in_cronjob},
    };
    for (size_t t = 0; t < sizeof table / sizeof *table; t++) {
        if (!kind_is(c, table[t].kind))
            continue;
        int n = 0;
        for (; table[t].prefix[n]; n++)
            if (!seg_is(c, n, table[t].prefix[n]))
                return -1;
        return n;
    }
    return -1;
}

static bool is_container_list(const char *name)
{
    return strcmp(name, "containers") == 0 || strcmp(name, "initContainers") == 0 ||
           strcmp(name, "ephemeralContainers") == 0;
}

/* patchStrategy/patchMergeKey of the list at c->path (its last segment is the list's field name),
   from the k8s.io/api struct tags of the lists kubectl and controllers actually patch. */
static list_kind list_strategy(const smp *c, const char **key)
{
    typedef struct {
        const char *field, *key;
    } merge_list;
    static const merge_list pod_lists[] = { /* PodSpec fields */
        {"containers", "name"},
        {"initContainers", "name"},
        {"ephemeralContainers", "name"},
        {"volumes", "name"},
        {"imagePullSecrets", "name"},
        {"schedulingGates", "name"},
        {"resourceClaims", "name"},
        {"hostAliases", "ip"},
        {"topologySpreadConstraints", "topologyKey"},
    };
    static const merge_list container_lists[] = { /* fields of each kind of container */
        {"env", "name"},
        {"ports", "containerPort"},
        {"volumeMounts", "mountPath"},
        {"volumeDevices", "devicePath"},
    };
    /* Merge lists directly under spec/status of one kind (any kind when NULL); a NULL key marks a
       list of values. */
    static const struct {
        const char *kind, *parent, *field, *key;
    } top_lists[] = {
        {"Service", "spec", "ports", "port"},
        {"Node", "status", "addresses", "type"},
        {"Node", "spec", "podCIDRs", NULL},
        {NULL, "status", "podIPs", "ip"},
        {NULL, "status", "hostIPs", "ip"},
    };
    int n = c->npath;
    *key = NULL;
    if (n == 0)
        return LIST_REPLACE;
    const char *name = c->path[n - 1];
    if (strcmp(name, "conditions") == 0) {
        *key = "type";
        return LIST_MERGE_MAPS;
    }
    if (seg_is(c, n - 2, "metadata")) { /* ObjectMeta, at the root or in a template */
        if (strcmp(name, "finalizers") == 0)
            return LIST_MERGE_SCALARS;
        if (strcmp(name, "ownerReferences") == 0) {
            *key = "uid";
            return LIST_MERGE_MAPS;
        }
    }
    for (size_t i = 0; n == 2 && i < sizeof top_lists / sizeof *top_lists; i++)
        if ((!top_lists[i].kind || kind_is(c, top_lists[i].kind)) && seg_is(c, 0, top_lists[i].parent) &&
            strcmp(name, top_lists[i].field) == 0) {
            *key = top_lists[i].key;
            return *key ? LIST_MERGE_MAPS : LIST_MERGE_SCALARS;
        }
    int base = pod_spec_prefix(c);
    if (base >= 0 && n - base == 1) {
        for (size_t i = 0; i < sizeof pod_lists / sizeof *pod_lists; i++)
            if (strcmp(name, pod_lists[i].field) == 0) {
                *key = pod_lists[i].key;
                return LIST_MERGE_MAPS;
            }
    }
    if (base >= 0 && n - base == 2 && is_container_list(c->path[base])) {
        for (size_t i = 0; i < sizeof container_lists / sizeof *container_lists; i++)
            if (strcmp(name, container_lists[i].field) == 0) {
                *key = container_lists[i].key;
                return LIST_MERGE_MAPS;
            }
    }
    return LIST_REPLACE;
}

static int smp_fail(smp *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Every strategic merge patch error is a malformed patch: 400. */
static int smp_fail(smp *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c->msg, c->msglen, PATCH_BAD_REQUEST, fmt, ap);
    va_end(ap);
    return PATCH_BAD_REQUEST;
}

static void push(smp *c, const char *field)
{
    if (c->npath < MAX_DEPTH + 1) /* always true: each push sits inside a depth-checked smp_map */
        c->path[c->npath++] = field;
}

static void pop(smp *c)
{
    c->npath--;
}

static int enter(smp *c)
{
    if (++c->depth > MAX_DEPTH)
        return smp_fail(c, "strategic merge patch nests deeper than %d levels", MAX_DEPTH);
    return PATCH_OK;
}

/* The value an element is matched by: its merge key in a list of maps, itself in a primitive list. */
static const cJSON *match_value(const cJSON *item, const char *key)
{
    if (!key)
        return item;
    return cJSON_IsObject(item) ? cJSON_GetObjectItemCaseSensitive(item, key) : NULL;
}

/* Position of the first element of `list` matching `want`, or -1. */
static int index_in(const cJSON *list, const cJSON *want, const char *key)
{
    if (!list || !want)
        return -1;
    int i = 0;
    for (const cJSON *e = list->child; e; e = e->next, i++) {
        const cJSON *v = match_value(e, key);
        if (v && cJSON_Compare(v, want, true))
            return i;
    }
    return -1;
}

static int no_merge_key(smp *c, const cJSON *elem, const char *key)
{
    char buf[256];
    return smp_fail(c, "map: %s does not contain declared merge key: %s", describe(elem, buf, sizeof buf), key);
}

static int bad_patch_type(smp *c, const cJSON *directive, const cJSON *map)
{
    char d[64], m[256];
    return smp_fail(c, "unknown patch type: %s in map: %s", describe(directive, d, sizeof d),
                    describe(map, m, sizeof m));
}

static const char *directive_of(const cJSON *elem)
{
    const cJSON *d = cJSON_IsObject(elem) ? cJSON_GetObjectItemCaseSensitive(elem, "$patch") : NULL;
    if (!d)
        return NULL;
    return cJSON_IsString(d) && d->valuestring ? d->valuestring : "";
}

static int smp_map(smp *c, cJSON *obj, const cJSON *patch, bool *drop);
static int smp_list(smp *c, cJSON *list, bool existed, list_kind lk, const char *key, const cJSON *patch,
                    const cJSON *order);

/* A patch value taken as a whole (new key, changed type, replaced list) merged into nothing, so its
   nulls and directives are applied, not stored. *out is NULL when the value deletes itself. */
static int smp_clean(smp *c, const cJSON *patch, cJSON **out)
{
    *out = NULL;
    int rc = PATCH_OK;
    cJSON *v;
    if (cJSON_IsObject(patch)) {
        bool drop = false;
        v = cJSON_CreateObject();
        if (v)
            rc = smp_map(c, v, patch, &drop);
        if (rc || drop) {
            cJSON_Delete(v);
            return rc;
        }
    } else if (cJSON_IsArray(patch)) {
        const char *key;
        list_kind lk = list_strategy(c, &key);
        v = cJSON_CreateArray();
        if (v)
            rc = smp_list(c, v, false, lk, key, patch, NULL);
        if (rc) {
            cJSON_Delete(v);
            return rc;
        }
    } else {
        v = cJSON_Duplicate(patch, true);
    }
    if (!v)
        return oom(c->msg, c->msglen);
    *out = v;
    return PATCH_OK;
}

static int append_clean(smp *c, cJSON *list, const cJSON *elem)
{
    cJSON *v;
    int rc = smp_clean(c, elem, &v);
    if (rc == PATCH_OK && v && !cJSON_AddItemToArray(list, v)) {
        cJSON_Delete(v);
        return oom(c->msg, c->msglen);
    }
    return rc;
}

/* apimachinery validatePatchWithSetOrderList: the patch list's items must appear in the
   $setElementOrder list, in the same relative order. */
static int check_order(smp *c, const cJSON *patch, const cJSON *order, const char *key)
{
    for (const cJSON *o = order->child; o; o = o->next)
        if (key && !match_value(o, key))
            return no_merge_key(c, o, key);
    const cJSON *p = patch ? patch->child : NULL;
    for (const cJSON *o = order->child; p && o;) {
        if (directive_of(p)) {
            p = p->next;
            continue;
        }
        const cJSON *pv = match_value(p, key);
        if (pv && cJSON_Compare(pv, match_value(o, key), true))
            p = p->next;
        o = o->next;
    }
    while (p && directive_of(p))
        p = p->next;
    if (p) {
        char a[200], b[200];
        return smp_fail(c, "The order in patch list: %s doesn't match $setElementOrder list: %s",
                        describe(patch, a, sizeof a), describe(order, b, sizeof b));
    }
    return PATCH_OK;
}

typedef struct {
    cJSON *item;
    int oidx; /* position in the wanted order (patch list or $setElementOrder), -1 if absent */
    int sidx; /* position in the live list before the patch, -1 if absent */
    int pos;
} slot;

static int by_order(const void *a, const void *b)
{
    const slot *x = a, *y = b;
    if (x->oidx != y->oidx)
        return x->oidx < y->oidx ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* apimachinery normalizeElementOrder + mergeSortedSlice: items named in `order` are put in that
   order; the other (server-only) items keep their relative order and are interleaved, each going
   before the next ordered item only when both were in the live list and it came first there.
   A consequence kept on purpose: an item new to the list lands before the server-only items. */
static int reorder(smp *c, cJSON *list, const cJSON *order, const cJSON *server, const char *key)
{
    int n = cJSON_GetArraySize(list);
    if (n < 2)
        return PATCH_OK;
    slot *left = malloc(sizeof(slot) * (size_t)n * 2);
    cJSON **result = malloc(sizeof(cJSON *) * (size_t)n);
    if (!left || !result) {
        free(left);
        free(result);
        return oom(c->msg, c->msglen);
    }
    slot *right = left + n;
    int nl = 0, nr = 0, i = 0;
    for (cJSON *it = list->child; it; it = it->next, i++) {
        const cJSON *v = match_value(it, key);
        slot s = {it, index_in(order, v, key), index_in(server, v, key), i};
        if (s.oidx >= 0)
            right[nr++] = s;
        else
            left[nl++] = s;
    }
    qsort(right, (size_t)nr, sizeof *right, by_order);
    int a = 0, b = 0, k = 0;
    while (a < nl || b < nr) {
        bool take_left =
            b >= nr || (a < nl && left[a].sidx >= 0 && right[b].sidx >= 0 && left[a].sidx < right[b].sidx);
        result[k++] = take_left ? left[a++].item : right[b++].item;
    }
    for (k = 0; k < n; k++)
        cJSON_DetachItemViaPointer(list, result[k]);
    for (k = 0; k < n; k++)
        cJSON_AddItemToArray(list, result[k]);
    free(left);
    free(result);
    return PATCH_OK;
}

/* Union of a primitive list with the patch values (apimachinery deduplicates the union). */
static int merge_scalars(smp *c, cJSON *list, const cJSON *patch)
{
    for (cJSON *it = list->child, *next; it; it = next) {
        next = it->next;
        for (const cJSON *prev = list->child; prev != it; prev = prev->next)
            if (cJSON_Compare(prev, it, true)) {
                delete_child(list, it);
                break;
            }
    }
    for (const cJSON *e = patch ? patch->child : NULL; e; e = e->next) {
        if (cJSON_IsObject(e) || cJSON_IsArray(e))
            return smp_fail(c, "invalid patch: list %s holds values, not %s", c->path[c->npath - 1],
                            cJSON_IsObject(e) ? "maps" : "lists");
        if (index_in(list, e, NULL) >= 0)
            continue;
        cJSON *v = cJSON_Duplicate(e, true);
        if (!v || !cJSON_AddItemToArray(list, v)) {
            cJSON_Delete(v);
            return oom(c->msg, c->msglen);
        }
    }
    return PATCH_OK;
}

/* Merge by key: first every `$patch: delete` element removes the matching items, then each other
   element is merged into the item with the same key or appended. */
static int merge_maps(smp *c, cJSON *list, bool existed, const char *key, const cJSON *patch)
{
    for (const cJSON *e = patch ? patch->child : NULL; e; e = e->next) {
        if (!cJSON_IsObject(e))
            return smp_fail(c, "invalid patch: list %s holds maps merged by %s, got %s", c->path[c->npath - 1],
                            key, cJSON_IsArray(e) ? "a list" : "a value");
        const char *d = directive_of(e);
        if (!d)
            continue;
        if (strcmp(d, "merge") == 0)
            return smp_fail(c, "merging lists cannot yet be specified in the patch");
        if (strcmp(d, "delete") != 0)
            return bad_patch_type(c, cJSON_GetObjectItemCaseSensitive(e, "$patch"), e);
        const cJSON *kv = cJSON_GetObjectItemCaseSensitive(e, key);
        if (!kv)
            return no_merge_key(c, e, key);
        for (cJSON *it = list->child, *next; it; it = next) {
            next = it->next;
            const cJSON *v = match_value(it, key);
            if (v && cJSON_Compare(v, kv, true))
                delete_child(list, it);
        }
    }
    for (const cJSON *e = patch ? patch->child : NULL; e; e = e->next) {
        if (directive_of(e))
            continue;
        const cJSON *kv = cJSON_GetObjectItemCaseSensitive(e, key);
        /* A list that did not exist is taken as sent, as apimachinery does; merging into a live
           list needs the key. */
        if (!kv && existed)
            return no_merge_key(c, e, key);
        int at = index_in(list, kv, key);
        int rc;
        if (at >= 0) {
            bool drop = false;
            rc = smp_map(c, cJSON_GetArrayItem(list, at), e, &drop);
        } else {
            rc = append_clean(c, list, e);
        }
        if (rc)
            return rc;
    }
    return PATCH_OK;
}

static bool has_replace_marker(const cJSON *patch)
{
    for (const cJSON *e = patch ? patch->child : NULL; e; e = e->next) {
        const char *d = directive_of(e);
        if (d && strcmp(d, "replace") == 0)
            return true;
    }
    return false;
}

static int list_body(smp *c, cJSON *list, bool existed, list_kind lk, const char *key, const cJSON *patch,
                     const cJSON *order)
{
    /* `{"$patch":"replace"}` anywhere in the list: the other non-directive elements become the list. */
    if (has_replace_marker(patch)) {
        delete_children(list);
        for (const cJSON *e = patch->child; e; e = e->next) {
            int rc = directive_of(e) ? PATCH_OK : append_clean(c, list, e);
            if (rc)
                return rc;
        }
        return PATCH_OK;
    }
    if (lk == LIST_REPLACE) {
        delete_children(list);
        for (const cJSON *e = patch ? patch->child : NULL; e; e = e->next) {
            int rc = append_clean(c, list, e);
            if (rc)
                return rc;
        }
        return PATCH_OK;
    }
    if (order) {
        int rc = check_order(c, patch, order, key);
        if (rc)
            return rc;
    }
    cJSON *server = cJSON_Duplicate(list, true); /* the live order, before merging */
    if (!server)
        return oom(c->msg, c->msglen);
    int rc = lk == LIST_MERGE_SCALARS ? merge_scalars(c, list, patch) : merge_maps(c, list, existed, key, patch);
    if (rc == PATCH_OK)
        rc = reorder(c, list, order ? order : patch, server, key);
    cJSON_Delete(server);
    return rc;
}

/* Merges patch list `patch` (may be NULL when only a $setElementOrder list is given) into the array
   `list` in place. `existed` tells whether the list was in the live object. */
static int smp_list(smp *c, cJSON *list, bool existed, list_kind lk, const char *key, const cJSON *patch,
                    const cJSON *order)
{
    int rc = enter(c);
    if (rc == PATCH_OK)
        rc = list_body(c, list, existed, lk, key, patch, order);
    c->depth--;
    return rc;
}

/* The `$setElementOrder/<field>` list consumed together with `field`, or NULL when there is none or
   it does not apply: the field is not a merge list (order is meaningless then) or the patch sets
   the field to something other than a list. */
static const cJSON *element_order_for(const cJSON *patch, const char *field, list_kind lk)
{
    if (lk == LIST_REPLACE)
        return NULL;
    const cJSON *order = NULL;
    for (const cJSON *m = patch->child; m && !order; m = m->next)
        if (has_prefix(m->string, SET_ORDER) && strcmp(m->string + SET_ORDER_LEN, field) == 0)
            order = m;
    const cJSON *pl = cJSON_GetObjectItemCaseSensitive(patch, field);
    if (!cJSON_IsArray(order) || (pl && !cJSON_IsArray(pl)))
        return NULL;
    return order;
}

/* Checks every `$` key: only the four apimachinery directives are known. */
static int check_directive_keys(smp *c, const cJSON *patch)
{
    for (const cJSON *m = patch->child; m; m = m->next) {
        const char *k = m->string;
        if (!k || k[0] != '$' || strcmp(k, "$patch") == 0 || strcmp(k, "$retainKeys") == 0)
            continue;
        if (has_prefix(k, SET_ORDER)) {
            if (k[SET_ORDER_LEN] == '\0' || !cJSON_IsArray(m))
                return smp_fail(c, "invalid patch format of setElementOrder list: %s", k);
            continue;
        }
        if (has_prefix(k, DELETE_FROM)) {
            if (k[DELETE_FROM_LEN] == '\0' || !cJSON_IsArray(m))
                return smp_fail(c, "invalid patch format of primitive list: %s", k);
            continue;
        }
        return smp_fail(c, "invalid strategic merge patch: unknown directive \"%s\"", k);
    }
    return PATCH_OK;
}

static bool in_string_list(const cJSON *list, const char *s)
{
    for (const cJSON *e = list->child; e; e = e->next)
        if (cJSON_IsString(e) && e->valuestring && strcmp(e->valuestring, s) == 0)
            return true;
    return false;
}

/* `$retainKeys`: every field the patch sets must be listed; live fields not listed are cleared
   before merging (apimachinery applyRetainKeysDirective). */
static int retain_keys(smp *c, cJSON *obj, const cJSON *patch)
{
    const cJSON *keep = cJSON_GetObjectItemCaseSensitive(patch, "$retainKeys");
    if (!keep)
        return PATCH_OK;
    if (!cJSON_IsArray(keep))
        return smp_fail(c, "invalid patch format of retainKeys");
    for (const cJSON *m = patch->child; m; m = m->next)
        if (m->string && m->string[0] != '$' && !cJSON_IsNull(m) && !in_string_list(keep, m->string))
            return smp_fail(c, "invalid patch format of retainKeys: %s is not in the $retainKeys list", m->string);
    for (cJSON *it = obj->child, *next; it; it = next) {
        next = it->next;
        if (!it->string || !in_string_list(keep, it->string))
            delete_child(obj, it);
    }
    return PATCH_OK;
}

/* `$setElementOrder/<field>`: merge the field's patch list (if any) and impose the order. */
static int set_element_order(smp *c, cJSON *obj, const cJSON *patch, const cJSON *directive)
{
    const char *field = directive->string + SET_ORDER_LEN;
    const char *key;
    list_kind lk = list_strategy(c, &key);
    if (element_order_for(patch, field, lk) != directive)
        return PATCH_OK; /* not applicable (field handled as usual) or a repeated directive */
    const cJSON *pl = cJSON_GetObjectItemCaseSensitive(patch, field);
    cJSON *cur = cJSON_GetObjectItemCaseSensitive(obj, field);
    if (cJSON_IsArray(cur))
        return smp_list(c, cur, true, lk, key, pl, directive);
    if (!pl)
        return PATCH_OK; /* nothing to order */
    /* A new list (or one replacing a value of another type) */
    cJSON *list = cJSON_CreateArray();
    if (!list)
        return oom(c->msg, c->msglen);
    int rc = smp_list(c, list, false, lk, key, pl, directive);
    if (rc) {
        cJSON_Delete(list);
        return rc;
    }
    return set_member(obj, field, list) ? PATCH_OK : oom(c->msg, c->msglen);
}

static int delete_from_primitive_list(cJSON *obj, const cJSON *directive)
{
    cJSON *cur = cJSON_GetObjectItemCaseSensitive(obj, directive->string + DELETE_FROM_LEN);
    if (!cJSON_IsArray(cur))
        return PATCH_OK;
    for (cJSON *it = cur->child, *next; it; it = next) {
        next = it->next;
        if (index_in(directive, it, NULL) >= 0)
            delete_child(cur, it);
    }
    return PATCH_OK;
}

/* One ordinary field of a patch map (c->path ends with it). */
static int merge_field(smp *c, cJSON *obj, const cJSON *patch, const cJSON *m)
{
    cJSON *cur = cJSON_GetObjectItemCaseSensitive(obj, m->string);
    if (cJSON_IsObject(m) && cJSON_IsObject(cur)) {
        bool drop = false;
        int rc = smp_map(c, cur, m, &drop);
        if (rc == PATCH_OK && drop)
            delete_child(obj, cur);
        return rc;
    }
    if (cJSON_IsArray(m)) {
        const char *key;
        list_kind lk = list_strategy(c, &key);
        if (element_order_for(patch, m->string, lk))
            return PATCH_OK; /* already merged with its $setElementOrder list */
        if (cJSON_IsArray(cur) && lk != LIST_REPLACE)
            return smp_list(c, cur, true, lk, key, m, NULL);
    }
    cJSON *v;
    int rc = smp_clean(c, m, &v);
    if (rc)
        return rc;
    if (!v) {
        if (cur)
            delete_child(obj, cur);
        return PATCH_OK;
    }
    return set_member(obj, m->string, v) ? PATCH_OK : oom(c->msg, c->msglen);
}

static int map_body(smp *c, cJSON *obj, const cJSON *patch, bool *drop)
{
    int rc = check_directive_keys(c, patch);
    if (rc)
        return rc;
    const char *d = directive_of(patch);
    if (d && strcmp(d, "delete") == 0) {
        *drop = true;
        return PATCH_OK;
    }
    if (d && strcmp(d, "replace") == 0)
        delete_children(obj); /* then merging the rest of the patch into {} gives the replacement */
    else if (d)
        return bad_patch_type(c, cJSON_GetObjectItemCaseSensitive(patch, "$patch"), patch);

    rc = retain_keys(c, obj, patch);
    /* Lists with a $setElementOrder go first, as in apimachinery mergePatchIntoOriginal. */
    for (const cJSON *m = patch->child; m && rc == PATCH_OK; m = m->next) {
        if (!has_prefix(m->string, SET_ORDER))
            continue;
        push(c, m->string + SET_ORDER_LEN);
        rc = set_element_order(c, obj, patch, m);
        pop(c);
    }
    for (const cJSON *m = patch->child; m && rc == PATCH_OK; m = m->next) {
        if (!m->string)
            continue;
        if (has_prefix(m->string, DELETE_FROM)) {
            rc = delete_from_primitive_list(obj, m);
            continue;
        }
        if (m->string[0] == '$') /* the other directives were handled above */
            continue;
        if (cJSON_IsNull(m)) {
            cJSON *cur = cJSON_GetObjectItemCaseSensitive(obj, m->string);
            if (cur)
                delete_child(obj, cur);
            continue;
        }
        push(c, m->string);
        rc = merge_field(c, obj, patch, m);
        pop(c);
    }
    return rc;
}

/* Merges patch map `patch` into object `obj` in place (apimachinery mergeMap). *drop is set when
   the patch is `{"$patch":"delete"}`: the caller removes the map. */
static int smp_map(smp *c, cJSON *obj, const cJSON *patch, bool *drop)
{
    *drop = false;
    int rc = enter(c);
    if (rc == PATCH_OK)
        rc = map_body(c, obj, patch, drop);
    c->depth--;
    return rc;
}

int patch_strategic(const cJSON *doc, const cJSON *patch, const char *kind, cJSON **out, char *msg, size_t msglen)
{
    int rc = check_args(doc, patch, out, msg, msglen);
    if (rc)
        return rc;
    if (!cJSON_IsObject(doc) || !cJSON_IsObject(patch))
        return fail(msg, msglen, PATCH_BAD_REQUEST, "invalid JSON document: %s must be a JSON object",
                    cJSON_IsObject(doc) ? "a strategic merge patch" : "the patched object");
    smp *c = calloc(1, sizeof *c); /* the path stack is ~8 KiB: keep it off the caller's stack */
    cJSON *result = cJSON_Duplicate(doc, true);
    if (!c || !result) {
        free(c);
        cJSON_Delete(result);
        return oom(msg, msglen);
    }
    c->kind = kind;
    c->msg = msg;
    c->msglen = msglen;
    bool drop = false;
    rc = smp_map(c, result, patch, &drop);
    free(c);
    if (rc) {
        cJSON_Delete(result);
        return rc;
    }
    if (drop) /* apimachinery answers a top-level `$patch: delete` with an empty object */
        delete_children(result);
    *out = result;
    return PATCH_OK;
}
