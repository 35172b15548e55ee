/* config.c: owns kube_config: finding kubeconfig files and merging them as kubectl does,
 * validating them, choosing the context, the in-cluster service account fallback, and the bearer
 * token of the moment (token files re-read, exec credential plugins run and cached).
 *
 * Environment it reads:
 *   KUBECONFIG                   colon-separated kubeconfig files (when --kubeconfig is not given)
 *   HOME                         for ~/.kube/config (when KUBECONFIG is unset or empty)
 *   KUBERNETES_SERVICE_HOST/PORT the in-cluster API server
 *   POD_NAMESPACE                in-cluster namespace override (as client-go)
 *   CUTOVER_SERVICEACCOUNT_DIR   the directory holding the service account's `token`, `ca.crt` and
 *                                `namespace`; default /var/run/secrets/kubernetes.io/serviceaccount.
 *                                Tests point it at a temporary directory to play a pod.
 *
 * Secrets (tokens, passwords, client keys, exec env values) never appear in error messages: every
 * message is built from file paths, field paths and names only. Buffers that held file contents
 * or secrets are wiped before they are freed. */
#include "controller/kube/config.h"

#include "common/buf.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/yaml.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define SA_DIR_DEFAULT "/var/run/secrets/kubernetes.io/serviceaccount"
#define NO_CONFIG "no configuration: set --kubeconfig or KUBECONFIG, or run in a cluster"
#define EXEC_API_V1 "client.authentication.k8s.io/v1"
#define EXEC_API_V1BETA1 "client.authentication.k8s.io/v1beta1"
#define EXEC_INFO_ENV "KUBERNETES_EXEC_INFO"
/* Kubeconfigs, certificates and token files are small; the cap only stops a mistaken path
 * (a device, a huge log) from eating memory. */
#define MAX_FILE_BYTES (16u << 20)
#define MAX_PLUGIN_OUTPUT (1u << 20)

/* ---------------------------------------------------------------------------------------------
 * Small helpers: errors, secrets, files, base64
 * ------------------------------------------------------------------------------------------- */

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static void wipe_free(void *p, size_t n)
{
    if (p) {
        explicit_bzero(p, n);
        free(p);
    }
}

static void wipe_str(char *s)
{
    if (s)
        wipe_free(s, strlen(s));
}

/* cJSON_Delete does not clear memory; kubeconfig documents and plugin output hold secrets. */
static void wipe_json(cJSON *n)
{
    if (!n)
        return;
    for (cJSON *c = n->child; c; c = c->next)
        wipe_json(c);
    if (n->valuestring)
        explicit_bzero(n->valuestring, strlen(n->valuestring));
}

static void wipe_delete(cJSON *n)
{
    wipe_json(n);
    cJSON_Delete(n);
}

static char *dupstr(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Reads a whole file, NUL-terminated. NULL with errno set on failure. Growing the buffer copies
 * through a wiped allocation because the file may be a key. */
static char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        errno = EISDIR;
        return NULL;
    }
    size_t cap = st.st_size > 0 && (uint64_t)st.st_size < MAX_FILE_BYTES ? (size_t)st.st_size + 1 : 4096;
    size_t n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= MAX_FILE_BYTES) {
                wipe_free(buf, n);
                close(fd);
                errno = EFBIG;
                return NULL;
            }
            char *bigger = malloc(cap * 2 + 1);
            if (!bigger) {
                wipe_free(buf, n);
                close(fd);
                errno = ENOMEM;
                return NULL;
            }
            memcpy(bigger, buf, n);
            wipe_free(buf, n);
            buf = bigger;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            wipe_free(buf, n);
            close(fd);
            errno = e;
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = 0;
    *len = n;
    return buf;
}

/* Trims ASCII whitespace in place (tokens in files usually end with a newline), clearing the
 * bytes it drops. */
static void trim(char *s)
{
    size_t len = strlen(s), a = 0, n = len;
    while (a < n && strchr(" \t\r\n", s[a]))
        a++;
    while (n > a && strchr(" \t\r\n", s[n - 1]))
        n--;
    memmove(s, s + a, n - a);
    explicit_bzero(s + (n - a), len - (n - a));
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Decodes standard padded base64 the way Go's encoding/json decodes a []byte field (which is how
 * kubectl reads *-data): \r and \n are skipped, padding is required, anything else outside the
 * alphabet is an error. Returns malloc'd NUL-terminated bytes, or NULL (errno EINVAL or ENOMEM). */
static char *b64_decode(const char *s, size_t *outlen)
{
    size_t n = strlen(s), o = 0, q = 0;
    char *out = malloc(n / 4 * 3 + 4);
    if (!out) {
        errno = ENOMEM;
        return NULL;
    }
    unsigned char quad[4];
    bool done = false; /* a padded quad ends the data */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r' || c == '\n')
            continue;
        if (done || (c != '=' && b64_value(c) < 0) || (c == '=' && q < 2))
            goto bad;
        if (q == 3 && quad[2] == '=' && c != '=')
            goto bad; /* "ab=c" */
        quad[q++] = c;
        if (q < 4)
            continue;
        uint32_t v = (uint32_t)b64_value(quad[0]) << 18 | (uint32_t)b64_value(quad[1]) << 12;
        out[o++] = (char)(v >> 16);
        if (quad[2] != '=') {
            v |= (uint32_t)b64_value(quad[2]) << 6;
            out[o++] = (char)(v >> 8 & 0xff);
            if (quad[3] != '=')
                out[o++] = (char)((v | (uint32_t)b64_value(quad[3])) & 0xff);
            else
                done = true;
        } else {
            done = true;
        }
        q = 0;
    }
    if (q != 0)
        goto bad;
    out[o] = 0;
    *outlen = o;
    return out;
bad:
    wipe_free(out, n / 4 * 3 + 4);
    errno = EINVAL;
    return NULL;
}

static bool has_pem(const char *s, size_t n)
{
    return memmem(s, n, "-----BEGIN ", 11) != NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Kubeconfig files: reading and validating
 * ------------------------------------------------------------------------------------------- */

typedef struct {
    char *path;
    char *dir; /* absolute directory of path: relative paths inside the file resolve against it */
    cJSON *doc; /* NULL for an empty file */
} kc_file;

typedef struct {
    kc_file *v;
    size_t n;
} kc_set;

static void set_free(kc_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].path);
        free(s->v[i].dir);
        wipe_delete(s->v[i].doc);
    }
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

/* The absolute directory of path, lexically (as Go's filepath.Abs: symlinks are not resolved). */
static char *abs_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!dir || dir[0] == '/')
        return dir;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        return dir; /* keep it relative; still right while the cwd does not change */
    char *abs = NULL;
    if (asprintf(&abs, "%s/%s", cwd, dir) < 0)
        abs = NULL;
    free(dir);
    return abs;
}

static char *resolve(const kc_file *f, const char *p)
{
    if (p[0] == '/')
        return strdup(p);
    char *out = NULL;
    if (asprintf(&out, "%s/%s", f->dir, p) < 0)
        return NULL;
    return out;
}

static const char *kind_of(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsArray(v))
        return "a list";
    if (cJSON_IsObject(v))
        return "a mapping";
    return "null";
}

typedef enum { F_STR, F_BOOL, F_B64, F_LIST, F_STRLIST, F_MAP } ftype;

typedef struct {
    const char *key;
    ftype type;
} field;

/* The fields of client-go's clientcmd v1 types that we check the type of. Unknown fields are
 * ignored, as kubectl ignores them. */
static const field cluster_fields[] = {
    {"server", F_STR},          {"certificate-authority", F_STR}, {"certificate-authority-data", F_B64},
    {"insecure-skip-tls-verify", F_BOOL}, {"tls-server-name", F_STR}, {"proxy-url", F_STR},
    {"disable-compression", F_BOOL}, {"extensions", F_LIST},     {NULL, F_STR}};
static const field user_fields[] = {
    {"client-certificate", F_STR}, {"client-certificate-data", F_B64}, {"client-key", F_STR},
    {"client-key-data", F_B64},    {"token", F_STR},                   {"tokenFile", F_STR},
    {"as", F_STR},                 {"as-uid", F_STR},                  {"as-groups", F_STRLIST},
    {"as-user-extra", F_MAP},      {"username", F_STR},                {"password", F_STR},
    {"auth-provider", F_MAP},      {"exec", F_MAP},                    {"extensions", F_LIST},
    {NULL, F_STR}};
static const field context_fields[] = {
    {"cluster", F_STR}, {"user", F_STR}, {"namespace", F_STR}, {"extensions", F_LIST}, {NULL, F_STR}};
static const field exec_fields[] = {
    {"apiVersion", F_STR}, {"command", F_STR},           {"args", F_STRLIST},        {"env", F_LIST},
    {"installHint", F_STR}, {"provideClusterInfo", F_BOOL}, {"interactiveMode", F_STR}, {NULL, F_STR}};

static const char *type_problem(const cJSON *v, ftype t)
{
    if (cJSON_IsNull(v))
        return NULL; /* null is the zero value, as in Go */
    switch (t) {
    case F_STR:
    case F_B64:
        return cJSON_IsString(v) ? NULL : "expected a string";
    case F_BOOL:
        return cJSON_IsBool(v) ? NULL : "expected a boolean";
    case F_LIST:
    case F_STRLIST:
        return cJSON_IsArray(v) ? NULL : "expected a list";
    case F_MAP:
        return cJSON_IsObject(v) ? NULL : "expected a mapping";
    }
    return NULL;
}

/* Checks the types of obj's known fields; *-data fields must be valid base64. */
static int check_fields(const kc_file *f, const char *at, const cJSON *obj, const field *fields, char *err,
                        size_t errlen)
{
    for (const field *fd = fields; fd->key; fd++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, fd->key);
        if (!v)
            continue;
        const char *problem = type_problem(v, fd->type);
        if (problem)
            return fail(err, errlen, "%s: %s.%s: %s, found %s", f->path, at, fd->key, problem, kind_of(v));
        if (fd->type == F_B64 && cJSON_IsString(v)) {
            size_t n;
            char *bytes = b64_decode(v->valuestring, &n);
            if (!bytes)
                return fail(err, errlen, "%s: %s.%s: %s", f->path, at, fd->key,
                            errno == ENOMEM ? "out of memory" : "invalid base64");
            wipe_free(bytes, n);
        }
        if (fd->type == F_STRLIST && cJSON_IsArray(v)) {
            int i = 0;
            for (const cJSON *e = v->child; e; e = e->next, i++)
                if (!cJSON_IsString(e))
                    return fail(err, errlen, "%s: %s.%s[%d]: expected a string, found %s", f->path, at, fd->key, i,
                                kind_of(e));
        }
    }
    return 0;
}

static int check_exec(const kc_file *f, const char *at, const cJSON *ex, char *err, size_t errlen)
{
    if (check_fields(f, at, ex, exec_fields, err, errlen) != 0)
        return -1;
    const cJSON *env = cJSON_GetObjectItemCaseSensitive(ex, "env");
    int i = 0;
    for (const cJSON *e = cJSON_IsArray(env) ? env->child : NULL; e; e = e->next, i++) {
        if (!cJSON_IsObject(e))
            return fail(err, errlen, "%s: %s.env[%d]: expected a mapping, found %s", f->path, at, i, kind_of(e));
        const char *keys[] = {"name", "value"};
        for (int k = 0; k < 2; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, keys[k]);
            if (v && !cJSON_IsNull(v) && !cJSON_IsString(v))
                return fail(err, errlen, "%s: %s.env[%d].%s: expected a string, found %s", f->path, at, i, keys[k],
                            kind_of(v));
        }
    }
    return 0;
}

/* The structure of one named list ("clusters" with inner "cluster", ...), and each entry's fields.
 * client-go decodes a whole file before using any of it, so a type error anywhere in a file is
 * an error even if the broken entry would not be used. */
static int check_list(const kc_file *f, const char *list, const char *inner, const field *fields, char *err,
                      size_t errlen)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(f->doc, list);
    if (!l || cJSON_IsNull(l))
        return 0;
    if (!cJSON_IsArray(l))
        return fail(err, errlen, "%s: %s: expected a list, found %s", f->path, list, kind_of(l));
    int i = 0;
    for (const cJSON *e = l->child; e; e = e->next, i++) {
        if (cJSON_IsNull(e))
            continue;
        if (!cJSON_IsObject(e))
            return fail(err, errlen, "%s: %s[%d]: expected a mapping, found %s", f->path, list, i, kind_of(e));
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
        if (name && !cJSON_IsNull(name) && !cJSON_IsString(name))
            return fail(err, errlen, "%s: %s[%d].name: expected a string, found %s", f->path, list, i,
                        kind_of(name));
        /* client-go refuses duplicate names within one file */
        const char *nm = cJSON_IsString(name) ? name->valuestring : "";
        int j = 0;
        for (const cJSON *p = l->child; p != e; p = p->next, j++) {
            const char *pn = cJSON_IsObject(p) ? cj_str(p, "name") : NULL;
            if (cJSON_IsObject(p) && !strcmp(pn ? pn : "", nm))
                return fail(err, errlen, "%s: %s[%d].name: duplicate name \"%s\" (also %s[%d])", f->path, list, i, nm,
                            list, j);
        }
        const cJSON *body = cJSON_GetObjectItemCaseSensitive(e, inner);
        if (!body || cJSON_IsNull(body))
            continue;
        char at[96];
        snprintf(at, sizeof at, "%s[%d].%s", list, i, inner);
        if (!cJSON_IsObject(body))
            return fail(err, errlen, "%s: %s: expected a mapping, found %s", f->path, at, kind_of(body));
        if (check_fields(f, at, body, fields, err, errlen) != 0)
            return -1;
        const cJSON *ex = cJSON_GetObjectItemCaseSensitive(body, "exec");
        if (fields == user_fields && cJSON_IsObject(ex)) {
            char exat[112];
            snprintf(exat, sizeof exat, "%s.exec", at);
            if (check_exec(f, exat, ex, err, errlen) != 0)
                return -1;
        }
    }
    return 0;
}

static int check_file(const kc_file *f, char *err, size_t errlen)
{
    if (!f->doc || cJSON_IsNull(f->doc))
        return 0;
    if (!cJSON_IsObject(f->doc))
        return fail(err, errlen, "%s: expected a kubeconfig mapping, found %s", f->path, kind_of(f->doc));
    const cJSON *cc = cJSON_GetObjectItemCaseSensitive(f->doc, "current-context");
    if (cc && !cJSON_IsNull(cc) && !cJSON_IsString(cc))
        return fail(err, errlen, "%s: current-context: expected a string, found %s", f->path, kind_of(cc));
    if (check_list(f, "clusters", "cluster", cluster_fields, err, errlen) != 0 ||
        check_list(f, "users", "user", user_fields, err, errlen) != 0 ||
        check_list(f, "contexts", "context", context_fields, err, errlen) != 0)
        return -1;
    return 0;
}

/* libyaml's problems are fixed strings, but common/yaml.c quotes an offending scalar between
 * backquotes ("cannot decode ... `value` as a !!int"), and that scalar may be a token: copy msg
 * with every backquoted span replaced by `...`. */
static void redact_backquoted(const char *msg, char *out, size_t len)
{
    size_t o = 0;
    bool in = false;
    for (const char *r = msg; *r && o + 5 < len; r++) {
        if (*r == '`') {
            in = !in;
            if (in) {
                memcpy(out + o, "`...`", 5);
                o += 5;
            }
        } else if (!in) {
            out[o++] = *r;
        }
    }
    out[o] = 0;
}

/* Reads and checks one kubeconfig. A missing file is skipped unless must_exist (client-go skips
 * missing KUBECONFIG entries but not other read errors). Returns 0 (maybe appending), or -1. */
static int add_file(kc_set *s, const char *path, bool must_exist, char *err, size_t errlen)
{
    size_t len;
    char *text = slurp(path, &len);
    if (!text) {
        if (errno == ENOENT && !must_exist)
            return 0;
        return fail(err, errlen, "%s: %s", path, strerror(errno));
    }
    char perr[256];
    cJSON *docs = yaml_parse_all(text, len, perr, sizeof perr);
    wipe_free(text, len);
    if (!docs) {
        char red[sizeof perr + 64];
        redact_backquoted(perr, red, sizeof red);
        return fail(err, errlen, "%s: %s", path, red);
    }
    int ndocs = cJSON_GetArraySize(docs);
    if (ndocs > 1) {
        wipe_delete(docs);
        return fail(err, errlen, "%s: expected one YAML document, found %d", path, ndocs);
    }
    cJSON *doc = ndocs ? cJSON_DetachItemFromArray(docs, 0) : NULL;
    cJSON_Delete(docs);
    kc_file *v = realloc(s->v, (s->n + 1) * sizeof *v);
    if (!v) {
        wipe_delete(doc);
        return fail(err, errlen, "%s: out of memory", path);
    }
    s->v = v;
    kc_file *f = &s->v[s->n];
    f->path = strdup(path);
    f->dir = abs_dir(path);
    f->doc = doc;
    s->n++;
    if (!f->path || !f->dir)
        return fail(err, errlen, "%s: out of memory", path);
    return check_file(f, err, errlen);
}

/* "a, b, c" for messages. */
static void file_list(const kc_set *s, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < s->n && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", s->v[i].path);
}

/* ---------------------------------------------------------------------------------------------
 * Merging: the first file that defines a name wins
 * ------------------------------------------------------------------------------------------- */

typedef struct {
    const kc_file *file;
    int index;
    const cJSON *body; /* the "cluster"/"user"/"context" mapping; NULL when absent */
    char at[64];       /* "clusters[2].cluster" for messages */
} kc_ref;

static bool find_entry(const kc_set *s, const char *list, const char *inner, const char *name, kc_ref *r)
{
    for (size_t i = 0; i < s->n; i++) {
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(s->v[i].doc, list);
        int k = 0;
        for (const cJSON *e = cJSON_IsArray(l) ? l->child : NULL; e; e = e->next, k++) {
            const char *nm = cj_str(e, "name");
            if (cJSON_IsObject(e) && !strcmp(nm ? nm : "", name)) {
                r->file = &s->v[i];
                r->index = k;
                const cJSON *b = cJSON_GetObjectItemCaseSensitive(e, inner);
                r->body = cJSON_IsObject(b) ? b : NULL;
                snprintf(r->at, sizeof r->at, "%s[%d].%s", list, k, inner);
                return true;
            }
        }
    }
    return false;
}

/* A string field; "" counts as unset, as Go's zero value does. */
static const char *get_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static bool get_bool(const cJSON *o, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* A PEM blob from `pathkey` (a file, relative to the kubeconfig) or `datakey` (base64). When both
 * are set, data wins if data_wins (client-go: CAData over CAFile), else it is an error (client-go's
 * validation for client certificates and keys). */
static int load_pem(const kc_ref *r, const char *pathkey, const char *datakey, bool data_wins, char **pem,
                    size_t *len, char *err, size_t errlen)
{
    const char *data = get_str(r->body, datakey), *path = get_str(r->body, pathkey);
    const char *fp = r->file->path;
    if (data && path && !data_wins)
        return fail(err, errlen, "%s: %s: %s and %s are both set; set only one", fp, r->at, pathkey, datakey);
    if (data) {
        *pem = b64_decode(data, len);
        if (!*pem)
            return fail(err, errlen, "%s: %s.%s: %s", fp, r->at, datakey,
                        errno == ENOMEM ? "out of memory" : "invalid base64");
        if (!has_pem(*pem, *len))
            return fail(err, errlen, "%s: %s.%s: no PEM data", fp, r->at, datakey);
        return 0;
    }
    if (!path)
        return 0;
    char *abs = resolve(r->file, path);
    if (!abs)
        return fail(err, errlen, "%s: out of memory", fp);
    *pem = slurp(abs, len);
    int rc = 0;
    if (!*pem)
        rc = fail(err, errlen, "%s: %s.%s: %s: %s", fp, r->at, pathkey, abs, strerror(errno));
    else if (!has_pem(*pem, *len))
        rc = fail(err, errlen, "%s: %s.%s: %s: no PEM data", fp, r->at, pathkey, abs);
    free(abs);
    return rc;
}

/* The ExecCredential given to a plugin in KUBERNETES_EXEC_INFO. The contract has no field for
 * the exec apiVersion or provideClusterInfo, so the whole variable is built here and carried as
 * one more exec_env entry; kube_config_token reads the apiVersion back from it. */
static char *exec_info(const char *api, bool cluster_info, const kube_config *out, const cJSON *cluster)
{
    cJSON *o = cJSON_CreateObject(), *spec = cJSON_AddObjectToObject(o, "spec");
    cJSON_AddStringToObject(o, "apiVersion", api);
    cJSON_AddStringToObject(o, "kind", "ExecCredential");
    if (cluster_info) {
        cJSON *c = cJSON_AddObjectToObject(spec, "cluster");
        cJSON_AddStringToObject(c, "server", out->server);
        if (out->tls_server_name)
            cJSON_AddStringToObject(c, "tls-server-name", out->tls_server_name);
        if (out->insecure)
            cJSON_AddTrueToObject(c, "insecure-skip-tls-verify");
        if (out->ca_pem) {
            co_buf b = {0};
            co_buf_add_base64(&b, out->ca_pem, out->ca_len);
            cJSON_AddStringToObject(c, "certificate-authority-data", co_buf_str(&b));
            co_buf_free(&b);
        }
        /* the cluster's extension for exec plugins, as client-go passes it */
        const cJSON *exts = cJSON_GetObjectItemCaseSensitive(cluster, "extensions");
        for (const cJSON *e = cJSON_IsArray(exts) ? exts->child : NULL; e; e = e->next) {
            const char *nm = cj_str(e, "name");
            const cJSON *x = cJSON_GetObjectItemCaseSensitive(e, "extension");
            if (nm && !strcmp(nm, "client.authentication.k8s.io/exec") && x)
                cJSON_AddItemToObject(c, "config", cJSON_Duplicate(x, 1));
        }
    }
    cJSON_AddFalseToObject(spec, "interactive");
    char *json = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!json)
        return NULL;
    char *entry = NULL;
    if (asprintf(&entry, EXEC_INFO_ENV "=%s", json) < 0)
        entry = NULL;
    free(json);
    return entry;
}

static int load_exec(const kc_ref *r, const cJSON *ex, kube_config *out, char *err, size_t errlen)
{
    const char *fp = r->file->path, *at = r->at;
    const char *api = get_str(ex, "apiVersion"), *cmd = get_str(ex, "command");
    const char *mode = get_str(ex, "interactiveMode");
    if (!api)
        return fail(err, errlen, "%s: %s.exec.apiVersion: missing", fp, at);
    if (strcmp(api, EXEC_API_V1) && strcmp(api, EXEC_API_V1BETA1))
        return fail(err, errlen, "%s: %s.exec.apiVersion: \"%s\" is not supported (use %s or %s)", fp, at, api,
                    EXEC_API_V1, EXEC_API_V1BETA1);
    if (!cmd)
        return fail(err, errlen, "%s: %s.exec.command: missing", fp, at);
    /* client-go: v1 must say; v1beta1 defaults to IfAvailable */
    if (!mode && !strcmp(api, EXEC_API_V1))
        return fail(err, errlen, "%s: %s.exec.interactiveMode: missing (required by %s)", fp, at, api);
    if (mode && strcmp(mode, "Never") && strcmp(mode, "IfAvailable") && strcmp(mode, "Always"))
        return fail(err, errlen, "%s: %s.exec.interactiveMode: invalid value \"%s\"", fp, at, mode);
    /* The plugin always runs with stdin from /dev/null, so one that insists on a terminal cannot
     * work; say so now rather than at the first request. */
    if (mode && !strcmp(mode, "Always"))
        return fail(err, errlen,
                    "%s: %s.exec.interactiveMode: Always is not supported (plugins run without a terminal)", fp, at);

    const cJSON *args = cJSON_GetObjectItemCaseSensitive(ex, "args");
    const cJSON *env = cJSON_GetObjectItemCaseSensitive(ex, "env");
    int nargs = cJSON_IsArray(args) ? cJSON_GetArraySize(args) : 0;
    int nenv = cJSON_IsArray(env) ? cJSON_GetArraySize(env) : 0;
    out->exec_argv = calloc((size_t)nargs + 2, sizeof(char *));
    out->exec_env = calloc((size_t)nenv + 2, sizeof(char *));
    if (!out->exec_argv || !out->exec_env)
        return fail(err, errlen, "out of memory");
    /* client-go resolves the command against the kubeconfig's directory only when it has a path
     * separator; a bare name is looked up in PATH */
    out->exec_argv[0] = strchr(cmd, '/') ? resolve(r->file, cmd) : strdup(cmd);
    if (!out->exec_argv[0])
        return fail(err, errlen, "out of memory");
    int i = 1;
    for (const cJSON *a = cJSON_IsArray(args) ? args->child : NULL; a; a = a->next)
        if (!(out->exec_argv[i++] = strdup(a->valuestring)))
            return fail(err, errlen, "out of memory");
    int k = 0, j = 0;
    for (const cJSON *e = cJSON_IsArray(env) ? env->child : NULL; e; e = e->next, j++) {
        const char *name = get_str(e, "name"), *value = cj_str(e, "value");
        if (!name || strchr(name, '='))
            return fail(err, errlen, "%s: %s.exec.env[%d].name: %s", fp, at, j,
                        name ? "must not contain '='" : "missing");
        if (asprintf(&out->exec_env[k], "%s=%s", name, value ? value : "") < 0) {
            out->exec_env[k] = NULL;
            return fail(err, errlen, "out of memory");
        }
        k++;
    }
    /* the last slot is left for KUBERNETES_EXEC_INFO, built once the server URL is final */
    return 0;
}

static int load_cluster(const kc_ref *r, kube_config *out, char *err, size_t errlen)
{
    const char *fp = r->file->path;
    const char *server = get_str(r->body, "server");
    if (!server)
        return fail(err, errlen, "%s: %s.server: missing", fp, r->at);
    if (!(out->server = strdup(server)))
        return fail(err, errlen, "out of memory");
    size_t n = strlen(out->server);
    while (n > 0 && out->server[n - 1] == '/')
        out->server[--n] = 0;
    out->insecure = get_bool(r->body, "insecure-skip-tls-verify");
    const char *sni = get_str(r->body, "tls-server-name");
    if (sni && !(out->tls_server_name = strdup(sni)))
        return fail(err, errlen, "out of memory");
    if (load_pem(r, "certificate-authority", "certificate-authority-data", true, &out->ca_pem, &out->ca_len, err,
                 errlen) != 0)
        return -1;
    /* kubectl refuses this combination rather than guess which one was meant */
    if (out->insecure && out->ca_pem)
        return fail(err, errlen, "%s: %s.insecure-skip-tls-verify: cannot be combined with a certificate authority", fp,
                    r->at);
    return 0;
}

/* The server URL once TLS settings are known: client-go's DefaultServerURL adds https:// to a
 * bare host:port when TLS is configured, http:// otherwise. */
static int finish_server(const kc_ref *cl, kube_config *out, char *err, size_t errlen)
{
    const char *p = strstr(out->server, "://");
    if (p) {
        size_t sl = (size_t)(p - out->server);
        if (!((sl == 5 && !strncasecmp(out->server, "https", 5)) || (sl == 4 && !strncasecmp(out->server, "http", 4))))
            return fail(err, errlen, "%s: %s.server: unsupported scheme (use https:// or http://)", cl->file->path,
                        cl->at);
        if (!p[3])
            return fail(err, errlen, "%s: %s.server: no host", cl->file->path, cl->at);
        return 0;
    }
    bool tls = out->ca_pem || out->cert_pem || out->insecure || out->tls_server_name;
    char *full = NULL;
    if (asprintf(&full, "%s://%s", tls ? "https" : "http", out->server) < 0)
        return fail(err, errlen, "out of memory");
    free(out->server);
    out->server = full;
    return 0;
}

static int load_user(const kc_ref *r, kube_config *out, char *err, size_t errlen)
{
    const char *fp = r->file->path, *at = r->at;
    const cJSON *b = r->body;
    if (cJSON_GetObjectItemCaseSensitive(b, "auth-provider") &&
        !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(b, "auth-provider")))
        return fail(err, errlen, "%s: %s.auth-provider: auth-provider is not supported; use an exec plugin", fp, at);
    /* Impersonation changes who the requests act as; ignoring it would silently run with the
     * impersonator's own (usually broader) rights, so refuse. */
    static const char *const imp[] = {"as", "as-uid", "as-groups", "as-user-extra"};
    for (size_t i = 0; i < sizeof imp / sizeof *imp; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(b, imp[i]);
        if ((cJSON_IsString(v) && v->valuestring[0]) || (cJSON_IsArray(v) && v->child) ||
            (cJSON_IsObject(v) && v->child))
            return fail(err, errlen, "%s: %s.%s: impersonation is not supported", fp, at, imp[i]);
    }
    const char *token = get_str(b, "token"), *token_file = get_str(b, "tokenFile");
    const char *user = get_str(b, "username"), *pass = get_str(b, "password");
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(b, "exec");
    bool has_exec = cJSON_IsObject(ex);
    /* client-go allows one of token and basic auth. An exec plugin beside either is refused too:
     * here the exec plugin owns `token`, so a static one could not coexist with it. */
    const char *methods[3];
    int nm = 0;
    if (token || token_file)
        methods[nm++] = "token";
    if (user || pass)
        methods[nm++] = "basic auth";
    if (has_exec)
        methods[nm++] = "exec";
    if (nm > 1)
        return fail(err, errlen, "%s: %s: more than one authentication method (%s, %s%s%s); only one is allowed", fp,
                    at, methods[0], methods[1], nm > 2 ? ", " : "", nm > 2 ? methods[2] : "");

    if (load_pem(r, "client-certificate", "client-certificate-data", false, &out->cert_pem, &out->cert_len, err,
                 errlen) != 0 ||
        load_pem(r, "client-key", "client-key-data", false, &out->key_pem, &out->key_len, err, errlen) != 0)
        return -1;
    if (out->cert_pem && !out->key_pem)
        return fail(err, errlen, "%s: %s: client-certificate without client-key", fp, at);
    if (out->key_pem && !out->cert_pem)
        return fail(err, errlen, "%s: %s: client-key without client-certificate", fp, at);

    if (token && !(out->token = strdup(token)))
        return fail(err, errlen, "out of memory");
    if (token_file) {
        if (!(out->token_file = resolve(r->file, token_file)))
            return fail(err, errlen, "out of memory");
        /* client-go reads it now (and fails now) unless a static token is also given */
        if (!out->token) {
            size_t n;
            char *t = slurp(out->token_file, &n);
            if (!t)
                return fail(err, errlen, "%s: %s.tokenFile: %s: %s", fp, at, out->token_file, strerror(errno));
            trim(t);
            if (!t[0]) {
                free(t);
                return fail(err, errlen, "%s: %s.tokenFile: %s: empty", fp, at, out->token_file);
            }
            out->token = t;
        }
    }
    if ((user && !(out->username = strdup(user))) || (pass && !(out->password = strdup(pass))))
        return fail(err, errlen, "out of memory");
    if (has_exec)
        return load_exec(r, ex, out, err, errlen);
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * In-cluster
 * ------------------------------------------------------------------------------------------- */

static const char *sa_dir(void)
{
    const char *d = getenv("CUTOVER_SERVICEACCOUNT_DIR");
    return d && *d ? d : SA_DIR_DEFAULT;
}

/* client-go's inClusterClientConfig.Possible: both variables set and the token file present. */
static bool in_cluster_possible(char *why, size_t whylen)
{
    const char *host = getenv("KUBERNETES_SERVICE_HOST"), *port = getenv("KUBERNETES_SERVICE_PORT");
    why[0] = 0;
    if (!host || !*host || !port || !*port)
        return false;
    char path[4096];
    snprintf(path, sizeof path, "%s/token", sa_dir());
    struct stat st;
    if (stat(path, &st) != 0 || S_ISDIR(st.st_mode)) {
        snprintf(why, whylen, " (KUBERNETES_SERVICE_HOST is set but %s: %s)", path,
                 S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno));
        return false;
    }
    return true;
}

static int load_in_cluster(const kube_config_opts *opts, kube_config *out, char *err, size_t errlen)
{
    const char *host = getenv("KUBERNETES_SERVICE_HOST"), *port = getenv("KUBERNETES_SERVICE_PORT");
    const char *dir = sa_dir();
    /* net.JoinHostPort: an IPv6 literal gets brackets */
    bool v6 = strchr(host, ':') && host[0] != '[';
    if (asprintf(&out->server, "https://%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "", port) < 0) {
        out->server = NULL;
        return fail(err, errlen, "out of memory");
    }
    if (asprintf(&out->token_file, "%s/token", dir) < 0) {
        out->token_file = NULL;
        return fail(err, errlen, "out of memory");
    }
    size_t n;
    out->token = slurp(out->token_file, &n);
    if (!out->token)
        return fail(err, errlen, "in-cluster: %s: %s", out->token_file, strerror(errno));
    trim(out->token);
    if (!out->token[0])
        return fail(err, errlen, "in-cluster: %s: empty", out->token_file);
    /* client-go logs and carries on without a CA it cannot read; so do we (the TLS handshake
     * will then say what is wrong) */
    char path[4096];
    snprintf(path, sizeof path, "%s/ca.crt", dir);
    out->ca_pem = slurp(path, &out->ca_len);
    const char *ns = opts && opts->namespace_ && *opts->namespace_ ? opts->namespace_ : getenv("POD_NAMESPACE");
    char *file_ns = NULL;
    if (!ns || !*ns) {
        snprintf(path, sizeof path, "%s/namespace", dir);
        if ((file_ns = slurp(path, &n)))
            trim(file_ns);
        ns = file_ns && file_ns[0] ? file_ns : "default";
    }
    out->namespace_ = strdup(ns);
    free(file_ns);
    out->context = strdup("");
    if (!out->namespace_ || !out->context)
        return fail(err, errlen, "out of memory");
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Loading
 * ------------------------------------------------------------------------------------------- */

/* Which files: --kubeconfig alone; else every KUBECONFIG entry (deduplicated, missing ones
 * skipped); else ~/.kube/config if present. */
static int gather(const kube_config_opts *opts, kc_set *s, char *err, size_t errlen)
{
    if (opts && opts->kubeconfig && *opts->kubeconfig)
        return add_file(s, opts->kubeconfig, true, err, errlen);
    const char *env = getenv("KUBECONFIG");
    if (env && *env) {
        char *copy = strdup(env), *save = NULL;
        if (!copy)
            return fail(err, errlen, "out of memory");
        int rc = 0;
        for (char *p = strtok_r(copy, ":", &save); p && rc == 0; p = strtok_r(NULL, ":", &save)) {
            bool seen = false;
            for (size_t i = 0; i < s->n && !seen; i++)
                seen = !strcmp(s->v[i].path, p);
            /* a duplicate that was missing the first time is still missing; re-trying is harmless */
            if (!seen)
                rc = add_file(s, p, false, err, errlen);
        }
        free(copy);
        return rc;
    }
    const char *home = getenv("HOME");
    if (home && *home) {
        char path[4096];
        snprintf(path, sizeof path, "%s/.kube/config", home);
        return add_file(s, path, false, err, errlen);
    }
    return 0;
}

static int from_files(const kube_config_opts *opts, const kc_set *s, const char *ctx, kube_config *out, char *err,
                      size_t errlen)
{
    char files[1024];
    file_list(s, files, sizeof files);
    kc_ref cr, cl, us;
    if (!find_entry(s, "contexts", "context", ctx, &cr))
        return fail(err, errlen, "context \"%s\" not found in %s", ctx, files);
    const char *cname = get_str(cr.body, "cluster"), *uname = get_str(cr.body, "user");
    if (!cname)
        return fail(err, errlen, "%s: %s.cluster: missing", cr.file->path, cr.at);
    if (!find_entry(s, "clusters", "cluster", cname, &cl))
        return fail(err, errlen, "%s: %s.cluster: cluster \"%s\" not found in %s", cr.file->path, cr.at, cname, files);
    if (uname && !find_entry(s, "users", "user", uname, &us))
        return fail(err, errlen, "%s: %s.user: user \"%s\" not found in %s", cr.file->path, cr.at, uname, files);
    if (!(out->context = strdup(ctx)))
        return fail(err, errlen, "out of memory");
    const char *ns = opts && opts->namespace_ && *opts->namespace_ ? opts->namespace_ : get_str(cr.body, "namespace");
    if (!(out->namespace_ = strdup(ns ? ns : "default")))
        return fail(err, errlen, "out of memory");
    if (load_cluster(&cl, out, err, errlen) != 0)
        return -1;
    if (uname && load_user(&us, out, err, errlen) != 0)
        return -1;
    if (finish_server(&cl, out, err, errlen) != 0)
        return -1;
    if (out->exec_argv) {
        const cJSON *ex = cJSON_GetObjectItemCaseSensitive(us.body, "exec");
        size_t k = 0;
        while (out->exec_env[k])
            k++;
        out->exec_env[k] = exec_info(get_str(ex, "apiVersion"), get_bool(ex, "provideClusterInfo"), out, cl.body);
        if (!out->exec_env[k])
            return fail(err, errlen, "out of memory");
    }
    return 0;
}

int kube_config_load(const kube_config_opts *opts, kube_config *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    kc_set s = {0};
    if (gather(opts, &s, err, errlen) != 0) {
        set_free(&s);
        return -1;
    }
    const char *ctx = opts && opts->context && *opts->context ? opts->context : NULL;
    for (size_t i = 0; i < s.n && !ctx; i++)
        ctx = get_str(s.v[i].doc, "current-context");
    char why[4200];
    int rc;
    if (ctx && s.n) {
        rc = from_files(opts, &s, ctx, out, err, errlen);
    } else if (ctx) {
        rc = fail(err, errlen, "context \"%s\" not found: no kubeconfig file found", ctx);
    } else if (in_cluster_possible(why, sizeof why)) {
        /* no context chosen: client-go treats that as an empty configuration and falls back to
         * the service account too */
        rc = load_in_cluster(opts, out, err, errlen);
    } else if (s.n) {
        char files[1024];
        file_list(&s, files, sizeof files);
        rc = fail(err, errlen, "%s: current-context is not set; choose a context with --context", files);
    } else {
        rc = fail(err, errlen, NO_CONFIG "%s", why);
    }
    set_free(&s);
    if (rc != 0)
        kube_config_free(out);
    return rc;
}

int kube_config_for_server(const char *server, const char *namespace_, kube_config *out)
{
    memset(out, 0, sizeof *out);
    if (!server || !*server)
        return -1;
    out->server = strdup(server);
    out->context = strdup("");
    out->namespace_ = strdup(namespace_ && *namespace_ ? namespace_ : "default");
    if (!out->server || !out->context || !out->namespace_) {
        kube_config_free(out);
        return -1;
    }
    size_t n = strlen(out->server);
    while (n > 0 && out->server[n - 1] == '/')
        out->server[--n] = 0;
    return 0;
}

static void free_vec(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        wipe_str(v[i]); /* exec env values may be secrets */
    free(v);
}

void kube_config_free(kube_config *c)
{
    if (!c)
        return;
    free(c->server);
    free(c->context);
    free(c->namespace_);
    free(c->tls_server_name);
    free(c->ca_pem);
    free(c->cert_pem);
    wipe_free(c->key_pem, c->key_len);
    wipe_str(c->token);
    free(c->token_file);
    free(c->username);
    wipe_str(c->password);
    free_vec(c->exec_argv);
    free_vec(c->exec_env);
    memset(c, 0, sizeof *c);
}

/* ---------------------------------------------------------------------------------------------
 * Tokens
 * ------------------------------------------------------------------------------------------- */

/* Runs the exec plugin: stdin /dev/null, stdout captured, stderr inherited (plugins print their
 * prompts and complaints there, and kubectl shows them the same way). posix_spawnp is fork+exec
 * without the hazards of fork in a threaded process, and it reports an exec failure (no such
 * command) directly. The environment is ours plus exec_env, exec_env winning. */
static int run_plugin(const kube_config *c, char **outp, size_t *outlen, char *err, size_t errlen)
{
    const char *cmd = c->exec_argv[0];
    size_t nenv = 0, nours = 0;
    while (environ && environ[nenv])
        nenv++;
    while (c->exec_env && c->exec_env[nours])
        nours++;
    char **envp = calloc(nenv + nours + 2, sizeof *envp);
    if (!envp)
        return fail(err, errlen, "exec plugin \"%s\": out of memory", cmd);
    size_t k = 0;
    bool has_info = false;
    for (size_t i = 0; i < nenv; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t nl = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        bool overridden = false;
        for (size_t j = 0; j < nours && !overridden; j++)
            overridden = !strncmp(c->exec_env[j], environ[i], nl) && c->exec_env[j][nl] == '=';
        /* an inherited KUBERNETES_EXEC_INFO would describe some other client's request */
        if (!overridden && !(nl == strlen(EXEC_INFO_ENV) && !strncmp(environ[i], EXEC_INFO_ENV, nl)))
            envp[k++] = environ[i];
    }
    for (size_t j = 0; j < nours; j++) {
        envp[k++] = c->exec_env[j];
        has_info |= !strncmp(c->exec_env[j], EXEC_INFO_ENV "=", strlen(EXEC_INFO_ENV) + 1);
    }
    /* a configuration built by hand (not by kube_config_load) may lack it */
    static char default_info[] = EXEC_INFO_ENV "={\"apiVersion\":\"" EXEC_API_V1 "\",\"kind\":\"ExecCredential\","
                                               "\"spec\":{\"interactive\":false}}";
    if (!has_info)
        envp[k++] = default_info;

    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        free(envp);
        return fail(err, errlen, "exec plugin \"%s\": pipe: %s", cmd, strerror(errno));
    }
    /* With our stdout closed the pipe could land on fd 1, and dup2(1, 1) would keep its
     * close-on-exec flag: move the write end out of the way. */
    if (pfd[1] < 3) {
        int moved = fcntl(pfd[1], F_DUPFD_CLOEXEC, 3);
        if (moved >= 0) {
            close(pfd[1]);
            pfd[1] = moved;
        }
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    pid_t pid;
    int rc = posix_spawnp(&pid, cmd, &fa, NULL, c->exec_argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    free(envp);
    close(pfd[1]);
    if (rc != 0) {
        close(pfd[0]);
        return fail(err, errlen, "exec plugin \"%s\": %s", cmd, strerror(rc));
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    bool too_big = false, oom = !buf;
    for (;;) {
        char chunk[4096];
        ssize_t r = read(pfd[0], chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        /* keep draining past the limit so the plugin is not killed by SIGPIPE mid-write */
        if (oom || too_big || n + (size_t)r > MAX_PLUGIN_OUTPUT) {
            too_big = !oom;
            continue;
        }
        if (n + (size_t)r > cap) {
            char *bigger = malloc(cap * 2 + 1);
            if (!bigger) {
                oom = true;
                continue;
            }
            memcpy(bigger, buf, n);
            wipe_free(buf, n);
            buf = bigger;
            cap *= 2;
        }
        memcpy(buf + n, chunk, (size_t)r);
        n += (size_t)r;
    }
    close(pfd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int res = 0;
    if (WIFSIGNALED(status))
        res = fail(err, errlen, "exec plugin \"%s\" was killed by signal %d", cmd, WTERMSIG(status));
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        res = fail(err, errlen, "exec plugin \"%s\" failed with exit status %d", cmd, WEXITSTATUS(status));
    else if (oom)
        res = fail(err, errlen, "exec plugin \"%s\": out of memory", cmd);
    else if (too_big)
        res = fail(err, errlen, "exec plugin \"%s\" printed more than %u bytes", cmd, MAX_PLUGIN_OUTPUT);
    if (res != 0) {
        if (buf)
            wipe_free(buf, n);
        return -1;
    }
    buf[n] = 0;
    *outp = buf;
    *outlen = n;
    return 0;
}

/* The apiVersion the plugin was asked for, read back from KUBERNETES_EXEC_INFO. */
static char *asked_api(const kube_config *c)
{
    for (size_t j = 0; c->exec_env && c->exec_env[j]; j++) {
        const char *e = c->exec_env[j];
        if (strncmp(e, EXEC_INFO_ENV "=", strlen(EXEC_INFO_ENV) + 1))
            continue;
        cJSON *o = cJSON_Parse(e + strlen(EXEC_INFO_ENV) + 1);
        char *api = dupstr(cj_str(o, "apiVersion"));
        cJSON_Delete(o);
        return api;
    }
    return NULL;
}

static int exec_token(kube_config *c, char *err, size_t errlen)
{
    const char *cmd = c->exec_argv[0];
    char *text;
    size_t len;
    if (run_plugin(c, &text, &len, err, errlen) != 0)
        return -1;
    char perr[256];
    cJSON *o = yaml_parse_one(text, len, perr, sizeof perr);
    wipe_free(text, len);
    char *api = asked_api(c);
    const char *got_api = cj_str(o, "apiVersion"), *kind = cj_str(o, "kind");
    const char *token = cj_str(o, "status.token"), *exp = cj_str(o, "status.expirationTimestamp");
    int64_t expiry = 0;
    int rc = 0;
    /* Messages never quote the output: it is where the token is. */
    if (!cJSON_IsObject(o) || !kind || strcmp(kind, "ExecCredential"))
        rc = fail(err, errlen, "exec plugin \"%s\" did not print an ExecCredential", cmd);
    else if (api && (!got_api || strcmp(got_api, api)))
        rc = fail(err, errlen, "exec plugin \"%s\" returned an ExecCredential of another apiVersion (expected %s)",
                  cmd, api);
    else if (!token || !*token)
        rc = fail(err, errlen, "exec plugin \"%s\" returned no token%s", cmd,
                  cj_get(o, "status.clientCertificateData") ? " (client certificates from plugins are not supported)"
                                                            : "");
    else if (exp && co_time_parse(exp, &expiry) != 0)
        rc = fail(err, errlen, "exec plugin \"%s\": status.expirationTimestamp is not an RFC 3339 time", cmd);
    if (rc == 0) {
        char *t = strdup(token);
        if (!t) {
            rc = fail(err, errlen, "exec plugin \"%s\": out of memory", cmd);
        } else {
            wipe_str(c->token);
            c->token = t;
            c->token_expiry = exp ? expiry : 0;
        }
    }
    free(api);
    wipe_delete(o);
    return rc;
}

int kube_config_token(kube_config *c, const char **token, char *err, size_t errlen)
{
    *token = NULL;
    if (c->exec_argv && c->exec_argv[0]) {
        /* cached until expiry (client-go: expired once now is past it); no expiry = for good */
        bool fresh = c->token && (c->token_expiry == 0 || co_clock_now_ms(co_clock_real()) < c->token_expiry);
        if (!fresh && exec_token(c, err, errlen) != 0)
            return -1;
    } else if (c->token_file) {
        /* Re-read on every call: the file is tiny, and comparing stat() results would need state
         * the contract has no room for and can miss a rewrite within one timestamp tick. A read
         * that fails or finds the file empty (a writer mid-rewrite) keeps the last good token, as
         * client-go's cached file token source does. */
        size_t n;
        char *t = slurp(c->token_file, &n);
        if (t)
            trim(t);
        if (t && t[0] && (!c->token || strcmp(t, c->token))) {
            wipe_str(c->token);
            c->token = t;
        } else {
            if (t)
                wipe_free(t, n);
            if (!c->token)
                return fail(err, errlen, "%s: %s", c->token_file, t ? "empty" : strerror(errno));
        }
    }
    *token = c->token;
    return 0;
}
