/* selector.c: owns label selector parsing/matching (the grammar of apimachinery
 * pkg/labels/selector.go, including its key/value validation and error wording) and field
 * selector parsing/matching (pkg/fields/selector.go, including backslash escapes).
 *
 * Both parsers work on arbitrary bytes: they only index inside the NUL-terminated input and
 * every allocation failure is reported as an error, never a crash. */
#include "fakeapi/selector.h"

#include "common/buf.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------------------------- */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Append a Go-%q-like rendering of s (quotes, backslash escapes for '"', '\\' and non-printable
 * bytes) to buf; used for the `Invalid value: "..."` part of validation errors. */
static void quote_into(char *buf, size_t buflen, const char *s)
{
    size_t o = 0;
    if (buflen == 0)
        return;
#define PUT(c)                         \
    do {                               \
        if (o + 1 < buflen)            \
            buf[o++] = (char)(c);      \
    } while (0)
    PUT('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            PUT('\\');
            PUT(*p);
        } else if (*p < 0x20 || *p == 0x7f) {
            static const char hex[] = "0123456789abcdef";
            PUT('\\');
            PUT('x');
            PUT(hex[*p >> 4]);
            PUT(hex[*p & 15]);
        } else {
            PUT(*p);
        }
    }
    PUT('"');
#undef PUT
    buf[o] = '\0';
}

/* strconv.ParseInt(s, 10, 64): optional sign, at least one decimal digit, no overflow. */
static bool parse_int64(const char *s, long long *out)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return false;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno == ERANGE || *end)
        return false;
    *out = v;
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * Label key / value validation (k8s.io/apimachinery/pkg/util/validation), error texts as there.
 * ------------------------------------------------------------------------------------------- */

#define QNAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define QNAME_MSG                                                                                  \
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "   \
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "        \
    "validation is '" QNAME_FMT "')"
#define DNS1123_MSG                                                                                \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "  \
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used " \
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define LABELVAL_MSG                                                                               \
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "   \
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "            \
    "'my_value',  or '12345', regex used for validation is '(" QNAME_FMT ")?')"

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] over s[0..n): non-empty, alnum at both ends. The
 * brief only mentions the leading character; apimachinery also requires an alphanumeric last
 * character (e.g. "a-" is rejected), which is what we implement. */
static bool qname_ok(const char *s, size_t n)
{
    if (n == 0 || !is_alnum((unsigned char)s[0]) || !is_alnum((unsigned char)s[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!is_alnum(c) && c != '-' && c != '_' && c != '.')
            return false;
    }
    return true;
}

/* The RFC 1123 subdomain pattern (length is checked separately): dot-separated labels of
 * [a-z0-9-], each starting and ending with [a-z0-9]. */
static bool dns1123_subdomain_ok(const char *s, size_t n)
{
    if (n == 0)
        return false;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (i == start)
                return false;
            unsigned char a = (unsigned char)s[start], b = (unsigned char)s[i - 1];
            bool lo_a = (a >= 'a' && a <= 'z') || (a >= '0' && a <= '9');
            bool lo_b = (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9');
            if (!lo_a || !lo_b)
                return false;
            start = i + 1;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

/* IsQualifiedName: appends "; "-joined problems to msg; returns false if any. */
static bool validate_key(const char *k, char *msg, size_t msglen)
{
    size_t o = 0;
    msg[0] = '\0';
#define ADD(text)                                                                         \
    do {                                                                                  \
        int w_ = snprintf(msg + o, msglen - o, "%s%s", o ? "; " : "", (text));            \
        if (w_ > 0)                                                                       \
            o = (o + (size_t)w_ < msglen) ? o + (size_t)w_ : msglen - 1;                  \
    } while (0)
    const char *slash = strchr(k, '/');
    const char *name = k;
    if (slash) {
        if (strchr(slash + 1, '/')) {
            ADD("a qualified name " QNAME_MSG
                " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
            return false;
        }
        size_t plen = (size_t)(slash - k);
        if (plen == 0) {
            ADD("prefix part must be non-empty");
        } else {
            if (plen > 253)
                ADD("prefix part must be no more than 253 characters");
            if (!dns1123_subdomain_ok(k, plen))
                ADD("prefix part " DNS1123_MSG);
        }
        name = slash + 1;
    }
    size_t nlen = strlen(name);
    if (nlen == 0)
        ADD("name part must be non-empty");
    else if (nlen > 63)
        ADD("name part must be no more than 63 characters");
    if (!qname_ok(name, nlen))
        ADD("name part " QNAME_MSG);
#undef ADD
    return o == 0;
}

/* IsValidLabelValue. */
static bool validate_value(const char *v, char *msg, size_t msglen)
{
    size_t n = strlen(v);
    msg[0] = '\0';
    bool toolong = n > 63, bad = n > 0 && !qname_ok(v, n);
    if (toolong && bad)
        snprintf(msg, msglen, "must be no more than 63 characters; " LABELVAL_MSG);
    else if (toolong)
        snprintf(msg, msglen, "must be no more than 63 characters");
    else if (bad)
        snprintf(msg, msglen, "%s", LABELVAL_MSG);
    return !toolong && !bad;
}

/* ---------------------------------------------------------------------------------------------
 * Label selector lexer: the whole input is tokenised up front (as apimachinery does), so the
 * parser can look ahead freely. Token literals point into the input.
 * ------------------------------------------------------------------------------------------- */

typedef enum {
    T_END,
    T_CLOSE,
    T_COMMA,
    T_NOT,   /* !  */
    T_DEQ,   /* == */
    T_EQ,    /* =  */
    T_GT,    /* >  */
    T_ID,
    T_IN,    /* in (keyword; an identifier in value context) */
    T_LT,    /* <  */
    T_NE,    /* != */
    T_NOTIN, /* notin */
    T_OPEN,
} tok_kind;

typedef struct {
    tok_kind kind;
    const char *lit;
    size_t len;
} token;

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static bool is_special(char c)
{
    return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

static token lex_one(const char **pp)
{
    const char *p = *pp;
    while (is_ws(*p))
        p++;
    token t = {T_END, p, 0};
    if (*p == '\0') {
        *pp = p;
        return t;
    }
    if (is_special(*p)) {
        /* Longest match among the operator spellings; every single special character is a
         * token by itself, so only "!=" and "==" can extend. */
        if ((p[0] == '!' || p[0] == '=') && p[1] == '=') {
            t.kind = p[0] == '!' ? T_NE : T_DEQ;
            t.len = 2;
        } else {
            switch (p[0]) {
            case '=': t.kind = T_EQ; break;
            case '!': t.kind = T_NOT; break;
            case '(': t.kind = T_OPEN; break;
            case ')': t.kind = T_CLOSE; break;
            case ',': t.kind = T_COMMA; break;
            case '>': t.kind = T_GT; break;
            default: t.kind = T_LT; break;
            }
            t.len = 1;
        }
        *pp = p + t.len;
        return t;
    }
    const char *q = p;
    while (*q && !is_special(*q) && !is_ws(*q))
        q++;
    t.len = (size_t)(q - p);
    t.kind = T_ID;
    if (t.len == 2 && memcmp(p, "in", 2) == 0)
        t.kind = T_IN;
    else if (t.len == 5 && memcmp(p, "notin", 5) == 0)
        t.kind = T_NOTIN;
    *pp = q;
    return t;
}

/* ---------------------------------------------------------------------------------------------
 * Label selector parser
 * ------------------------------------------------------------------------------------------- */

typedef enum { OP_EXISTS, OP_NOT_EXISTS, OP_EQ, OP_NE, OP_IN, OP_NOTIN, OP_GT, OP_LT } label_op;

typedef struct {
    char *key;
    label_op op;
    char **vals; /* for EQ/NE exactly one; for IN/NOTIN one or more (duplicates removed) */
    size_t nvals;
    long long num; /* GT/LT operand */
} label_req;

struct labelsel {
    label_req *reqs;
    size_t n;
};

typedef struct {
    token *toks;
    size_t ntok, pos;
    char *err;
    size_t errlen;
} lparser;

/* In "values" context the keywords in/notin are plain identifiers (apimachinery's lookahead
 * and consume with ParserContext Values); in "operator" context they are operators. */
static tok_kind kind_in(const token *t, bool values)
{
    if (values && (t->kind == T_IN || t->kind == T_NOTIN))
        return T_ID;
    return t->kind;
}

static const token *peek(lparser *p) { return &p->toks[p->pos]; }

static const token *take(lparser *p)
{
    const token *t = &p->toks[p->pos];
    if (t->kind != T_END) /* T_END is sticky: the parser never reads past the end */
        p->pos++;
    return t;
}

static void req_free(label_req *r)
{
    free(r->key);
    for (size_t i = 0; i < r->nvals; i++)
        free(r->vals[i]);
    free(r->vals);
}

/* Add a value to a set-based requirement, ignoring duplicates (apimachinery uses a set). */
static bool req_add_val(label_req *r, const char *v, size_t n)
{
    for (size_t i = 0; i < r->nvals; i++)
        if (strlen(r->vals[i]) == n && memcmp(r->vals[i], v, n) == 0)
            return true;
    char **nv = realloc(r->vals, (r->nvals + 1) * sizeof *nv);
    if (!nv)
        return false;
    r->vals = nv;
    if (!(r->vals[r->nvals] = dup_n(v, n)))
        return false;
    r->nvals++;
    return true;
}

/* Error helper for the "found 'X', expected: ..." family. */
static void found_err(lparser *p, bool in_req, const token *t, const char *expected)
{
    set_err(p->err, p->errlen, "%sfound '%.*s', expected: %s", in_req ? "unable to parse requirement: " : "",
            (int)(t->len > INT_MAX ? INT_MAX : t->len), t->lit, expected);
}

/* NewRequirement's checks on the values (Gt/Lt integer operand, label value syntax). Several
 * problems are aggregated like utilerrors.Aggregate: one message plain, more as "[a, b]". */
static bool check_values(lparser *p, label_req *r)
{
    char msgs[4][1600];
    int nm = 0;
    char q[300], detail[900];
    for (size_t i = 0; i < r->nvals && nm < 4; i++) {
        quote_into(q, sizeof q, r->vals[i]);
        if (r->op == OP_GT || r->op == OP_LT) {
            if (!parse_int64(r->vals[i], &r->num))
                snprintf(msgs[nm++], sizeof msgs[0],
                         "values[%zu]: Invalid value: %s: for 'Gt', 'Lt' operators, the value must be an integer", i, q);
        }
        if (nm < 4 && !validate_value(r->vals[i], detail, sizeof detail)) {
            char kq[128];
            snprintf(kq, sizeof kq, "%.100s", r->key);
            snprintf(msgs[nm++], sizeof msgs[0], "values[%zu][%s]: Invalid value: %s: %s", i, kq, q, detail);
        }
    }
    if (nm == 0)
        return true;
    if (nm == 1) {
        set_err(p->err, p->errlen, "unable to parse requirement: %s", msgs[0]);
    } else {
        char all[6500];
        size_t o = 0;
        all[0] = '\0';
        for (int i = 0; i < nm; i++) {
            int w = snprintf(all + o, sizeof all - o, "%s%s", i ? ", " : "", msgs[i]);
            if (w > 0)
                o = (o + (size_t)w < sizeof all) ? o + (size_t)w : sizeof all - 1;
        }
        set_err(p->err, p->errlen, "unable to parse requirement: [%s]", all);
    }
    return false;
}

/* One requirement: [!] KEY [ op VALUE | (in|notin) ( VALUES ) ]. Fills r (caller frees). */
static bool parse_requirement(lparser *p, label_req *r)
{
    const token *t = take(p);
    bool negated = false;
    if (t->kind == T_NOT) {
        negated = true;
        t = take(p);
    }
    if (kind_in(t, true) != T_ID) {
        found_err(p, true, t, "identifier");
        return false;
    }
    if (!(r->key = dup_n(t->lit, t->len))) {
        set_err(p->err, p->errlen, "out of memory");
        return false;
    }
    char detail[2048];
    if (!validate_key(r->key, detail, sizeof detail)) {
        char q[300];
        quote_into(q, sizeof q, r->key);
        /* apimachinery validates the key with a nil field path, hence "<nil>". */
        set_err(p->err, p->errlen, "unable to parse requirement: <nil>: Invalid value: %s: %s", q, detail);
        return false;
    }
    tok_kind next = kind_in(peek(p), true);
    if (negated) {
        /* "!key" takes nothing more; anything else is reported by the caller as
         * "expected: ',' or 'end of string'". */
        r->op = OP_NOT_EXISTS;
        return true;
    }
    if (next == T_END || next == T_COMMA) {
        r->op = OP_EXISTS;
        return true;
    }
    t = take(p);
    switch (t->kind) {
    case T_IN: r->op = OP_IN; break;
    case T_NOTIN: r->op = OP_NOTIN; break;
    case T_EQ:
    case T_DEQ: r->op = OP_EQ; break;
    case T_NE: r->op = OP_NE; break;
    case T_GT: r->op = OP_GT; break;
    case T_LT: r->op = OP_LT; break;
    default:
        found_err(p, true, t, "in, notin, =, ==, !=, gt, lt");
        return false;
    }
    if (r->op == OP_IN || r->op == OP_NOTIN) {
        t = take(p);
        if (t->kind != T_OPEN) {
            set_err(p->err, p->errlen, "unable to parse requirement: found '%.*s' expected: '('",
                    (int)(t->len > INT_MAX ? INT_MAX : t->len), t->lit);
            return false;
        }
        tok_kind k = kind_in(peek(p), true);
        if (k == T_CLOSE) { /* "()" is the set {""} */
            take(p);
            if (!req_add_val(r, "", 0))
                goto oom;
        } else if (k == T_ID || k == T_COMMA) {
            /* Comma-separated, possibly empty, identifiers: "(,a)", "(a,,b)" and "(a,)" all
             * contribute "" to the set. */
            for (;;) {
                t = take(p);
                tok_kind tk = kind_in(t, true);
                if (tk == T_ID) {
                    if (!req_add_val(r, t->lit, t->len))
                        goto oom;
                    tok_kind n2 = kind_in(peek(p), true);
                    if (n2 == T_COMMA)
                        continue; /* the comma is consumed as the next loop item */
                    if (n2 == T_CLOSE)
                        break;
                    found_err(p, true, peek(p), "',' or ')'");
                    return false;
                } else if (tk == T_COMMA) {
                    if (r->nvals == 0 && !req_add_val(r, "", 0))
                        goto oom;
                    tok_kind n2 = kind_in(peek(p), true);
                    if (n2 == T_CLOSE) {
                        if (!req_add_val(r, "", 0))
                            goto oom;
                        break;
                    }
                    if (n2 == T_COMMA) {
                        take(p);
                        if (!req_add_val(r, "", 0))
                            goto oom;
                    }
                } else {
                    found_err(p, true, t, "',', or identifier");
                    return false;
                }
            }
            t = take(p);
            if (t->kind != T_CLOSE) { /* unreachable: the loop only breaks before ')' */
                found_err(p, true, t, "')'");
                return false;
            }
        } else {
            found_err(p, true, peek(p), "',', ')' or identifier");
            return false;
        }
    } else {
        /* Exact value; an absent value ("k=" followed by ',' or the end) is "". */
        tok_kind k = kind_in(peek(p), true);
        if (k == T_END || k == T_COMMA) {
            if (!req_add_val(r, "", 0))
                goto oom;
        } else {
            t = take(p);
            if (kind_in(t, true) != T_ID) {
                found_err(p, true, t, "identifier");
                return false;
            }
            if (!req_add_val(r, t->lit, t->len))
                goto oom;
        }
    }
    return check_values(p, r);
oom:
    set_err(p->err, p->errlen, "out of memory");
    return false;
}

labelsel *labelsel_parse(const char *s, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    labelsel *sel = calloc(1, sizeof *sel);
    if (!sel) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    if (!s)
        return sel;
    /* Tokenise. Every token but the last consumes at least one byte, so strlen+1 is enough. */
    size_t cap = strlen(s) + 1;
    lparser p = {.toks = malloc(cap * sizeof(token)), .err = err, .errlen = errlen};
    if (!p.toks) {
        free(sel);
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    const char *cur = s;
    do {
        p.toks[p.ntok] = lex_one(&cur);
    } while (p.toks[p.ntok++].kind != T_END && p.ntok < cap);
    p.toks[p.ntok - 1].kind = T_END; /* already so by construction; keeps take() in bounds */

    for (;;) {
        const token *t = peek(&p);
        tok_kind k = kind_in(t, true);
        if (k == T_END)
            break;
        if (k != T_ID && k != T_NOT) {
            found_err(&p, false, t, "!, identifier, or 'end of string'");
            goto fail;
        }
        label_req *nr = realloc(sel->reqs, (sel->n + 1) * sizeof *nr);
        if (!nr) {
            set_err(err, errlen, "out of memory");
            goto fail;
        }
        sel->reqs = nr;
        memset(&sel->reqs[sel->n], 0, sizeof(label_req));
        sel->n++;
        if (!parse_requirement(&p, &sel->reqs[sel->n - 1]))
            goto fail;
        t = take(&p);
        if (t->kind == T_END)
            break;
        if (t->kind != T_COMMA) {
            found_err(&p, false, t, "',' or 'end of string'");
            goto fail;
        }
        k = kind_in(peek(&p), true);
        if (k != T_ID && k != T_NOT) {
            found_err(&p, false, peek(&p), "identifier after ','");
            goto fail;
        }
    }
    free(p.toks);
    return sel;
fail:
    free(p.toks);
    labelsel_free(sel);
    return NULL;
}

/* The string value of a label; non-string JSON values (which a real object never has) are
 * rendered rather than rejected so matching stays total. */
static const char *label_str(const cJSON *v, char *buf, size_t buflen)
{
    if (cJSON_IsString(v) && v->valuestring)
        return v->valuestring;
    if (cJSON_IsTrue(v))
        return "true";
    if (cJSON_IsFalse(v))
        return "false";
    if (cJSON_IsNumber(v)) {
        snprintf(buf, buflen, "%.17g", v->valuedouble);
        return buf;
    }
    return "";
}

static bool req_matches(const label_req *r, const cJSON *labels)
{
    const cJSON *item = cJSON_IsObject(labels) ? cJSON_GetObjectItemCaseSensitive(labels, r->key) : NULL;
    char buf[64];
    const char *v = item ? label_str(item, buf, sizeof buf) : NULL;
    bool has = false;
    switch (r->op) {
    case OP_EXISTS: return item != NULL;
    case OP_NOT_EXISTS: return item == NULL;
    case OP_EQ:
    case OP_IN:
    case OP_NE:
    case OP_NOTIN:
        if (v)
            for (size_t i = 0; i < r->nvals && !has; i++)
                has = strcmp(r->vals[i], v) == 0;
        if (r->op == OP_EQ || r->op == OP_IN)
            return v && has;
        return !v || !has;
    case OP_GT:
    case OP_LT: {
        long long lv;
        if (!v || !parse_int64(v, &lv))
            return false;
        return r->op == OP_GT ? lv > r->num : lv < r->num;
    }
    }
    return false;
}

bool labelsel_matches(const labelsel *sel, const cJSON *labels)
{
    if (!sel)
        return true;
    for (size_t i = 0; i < sel->n; i++)
        if (!req_matches(&sel->reqs[i], labels))
            return false;
    return true;
}

bool labelsel_empty(const labelsel *sel) { return !sel || sel->n == 0; }

void labelsel_free(labelsel *sel)
{
    if (!sel)
        return;
    for (size_t i = 0; i < sel->n; i++)
        req_free(&sel->reqs[i]);
    free(sel->reqs);
    free(sel);
}

/* ---------------------------------------------------------------------------------------------
 * Field selectors
 * ------------------------------------------------------------------------------------------- */

typedef struct {
    char *field;
    char *value; /* unescaped */
    bool neg;    /* != */
} field_req;

struct fieldsel {
    field_req *reqs;
    size_t n;
};

/* fields.UnescapeValue: "\\" "\," "\=" are the only escapes; a bare ',' or '=' or any other
 * escape (or a trailing backslash) is an error. */
static char *unescape_value(const char *s, size_t n, char *err, size_t errlen)
{
    char *out = malloc(n + 1);
    if (!out) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\') {
            if (i + 1 == n) {
                set_err(err, errlen, "invalid field selector: invalid escape sequence: \\");
                free(out);
                return NULL;
            }
            char e = s[++i];
            if (e != '\\' && e != ',' && e != '=') {
                set_err(err, errlen, "invalid field selector: invalid escape sequence: \\%c", e);
                free(out);
                return NULL;
            }
            out[o++] = e;
        } else if (c == ',' || c == '=') {
            set_err(err, errlen, "invalid field selector: unescaped character in value: %c", c);
            free(out);
            return NULL;
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    return out;
}

/* One term: the first "!=", "==" or "=" (in that order of preference at each position) splits
 * it; the left side has no escaping and is not trimmed (as in apimachinery). */
static bool parse_field_term(const char *s, const char *term, size_t n, field_req *r, char *err,
                             size_t errlen)
{
    size_t i, oplen = 0;
    bool neg = false;
    for (i = 0; i < n; i++) {
        if (term[i] == '!' && i + 1 < n && term[i + 1] == '=') {
            oplen = 2;
            neg = true;
            break;
        }
        if (term[i] == '=') {
            oplen = (i + 1 < n && term[i + 1] == '=') ? 2 : 1;
            break;
        }
    }
    if (oplen == 0) {
        set_err(err, errlen, "invalid selector: '%s'; can't understand '%.*s'", s,
                (int)(n > INT_MAX ? INT_MAX : n), term);
        return false;
    }
    if (!(r->field = dup_n(term, i))) {
        set_err(err, errlen, "out of memory");
        return false;
    }
    r->neg = neg;
    if (!(r->value = unescape_value(term + i + oplen, n - i - oplen, err, errlen)))
        return false;
    return true;
}

static void field_req_free(field_req *r)
{
    free(r->field);
    free(r->value);
}

fieldsel *fieldsel_parse(const char *s, const char *const *allowed, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    fieldsel *sel = calloc(1, sizeof *sel);
    if (!sel) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    if (!s)
        return sel;
    /* Split on commas not preceded by an escaping backslash; the backslash stays in the term
     * and unescape_value removes it. Empty terms are skipped. */
    const char *start = s;
    bool in_slash = false;
    for (const char *c = s;; c++) {
        if (*c != '\0') {
            if (in_slash) {
                in_slash = false;
                continue;
            }
            if (*c == '\\') {
                in_slash = true;
                continue;
            }
            if (*c != ',')
                continue;
        }
        size_t n = (size_t)(c - start);
        if (n > 0) {
            field_req *nr = realloc(sel->reqs, (sel->n + 1) * sizeof *nr);
            if (!nr) {
                set_err(err, errlen, "out of memory");
                goto fail;
            }
            sel->reqs = nr;
            memset(&sel->reqs[sel->n], 0, sizeof(field_req));
            sel->n++;
            if (!parse_field_term(s, start, n, &sel->reqs[sel->n - 1], err, errlen))
                goto fail;
        }
        if (*c == '\0')
            break;
        start = c + 1;
    }
    /* Field support is checked only once the whole selector parsed, as the apiserver converts
     * field labels after fields.ParseSelector succeeded: syntax errors win. */
    for (size_t i = 0; allowed && i < sel->n; i++) {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, sel->reqs[i].field) == 0;
        if (!ok) {
            set_err(err, errlen, "field label not supported: %s", sel->reqs[i].field);
            goto fail;
        }
    }
    return sel;
fail:
    fieldsel_free(sel);
    return NULL;
}

/* Render a scalar the way the apiserver's field sets do: strings as-is, bools as
 * "true"/"false", numbers in decimal (integers without a fraction). */
static void scalar_str(const cJSON *v, char *buf, size_t buflen, const char **out)
{
    if (cJSON_IsString(v) && v->valuestring) {
        *out = v->valuestring;
    } else if (cJSON_IsTrue(v)) {
        *out = "true";
    } else if (cJSON_IsFalse(v)) {
        *out = "false";
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == (double)(long long)d && d > -9.2e18 && d < 9.2e18)
            snprintf(buf, buflen, "%lld", (long long)d);
        else
            snprintf(buf, buflen, "%.17g", d);
        *out = buf;
    } else {
        *out = ""; /* null, object */
    }
}

/* Compare the value at dotted `path` in obj with want. Arrays of scalars are compared as their
 * comma-joined rendering (e.g. status.podIPs-style fields); objects compare as "". */
static bool field_equals(const cJSON *obj, const char *path, const char *want)
{
    const cJSON *cur = obj;
    const char *p = path;
    while (cur) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        const cJSON *next = NULL;
        if (cJSON_IsObject(cur))
            for (const cJSON *c = cur->child; c; c = c->next)
                if (c->string && strlen(c->string) == n && memcmp(c->string, p, n) == 0) {
                    next = c;
                    break;
                }
        cur = next;
        if (!dot)
            break;
        p = dot + 1;
    }
    char buf[64];
    const char *s = "";
    if (cJSON_IsArray(cur)) {
        /* Compare piecewise against want without building the joined string. */
        size_t off = 0, wlen = strlen(want);
        bool first = true;
        for (const cJSON *e = cur->child; e; e = e->next) {
            if (cJSON_IsObject(e) || cJSON_IsArray(e))
                continue;
            scalar_str(e, buf, sizeof buf, &s);
            size_t sl = strlen(s);
            if (!first) {
                if (off >= wlen || want[off] != ',')
                    return false;
                off++;
            }
            if (sl > wlen - off || memcmp(want + off, s, sl) != 0)
                return false;
            off += sl;
            first = false;
        }
        return off == wlen;
    }
    if (cur)
        scalar_str(cur, buf, sizeof buf, &s);
    return strcmp(s, want) == 0;
}

bool fieldsel_matches(const fieldsel *sel, const cJSON *obj)
{
    if (!sel)
        return true;
    for (size_t i = 0; i < sel->n; i++) {
        bool eq = field_equals(obj, sel->reqs[i].field, sel->reqs[i].value);
        if (eq == sel->reqs[i].neg)
            return false;
    }
    return true;
}

bool fieldsel_empty(const fieldsel *sel) { return !sel || sel->n == 0; }

const char *fieldsel_name(const fieldsel *sel)
{
    if (sel && sel->n == 1 && !sel->reqs[0].neg && strcmp(sel->reqs[0].field, "metadata.name") == 0)
        return sel->reqs[0].value;
    return NULL;
}

void fieldsel_free(fieldsel *sel)
{
    if (!sel)
        return;
    for (size_t i = 0; i < sel->n; i++)
        field_req_free(&sel->reqs[i]);
    free(sel->reqs);
    free(sel);
}

typedef struct {
    const char *key;
    char *text;
    size_t order;
} sel_requirement;

static int cmp_value(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int cmp_req(const void *a, const void *b)
{
    const sel_requirement *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* metav1.LabelSelectorAsSelector(sel).String(): requirements sorted by key, "k=v", "k in (a,b)",
 * "k notin (a)", "k", "!k". A missing selector selects nothing and prints as "". Returns -1 for a
 * selector the apiserver cannot convert (an unknown operator, values where none belong). */
int labelsel_format(co_buf *b, const cJSON *sel)
{
    const cJSON *ml = cJSON_GetObjectItemCaseSensitive(sel, "matchLabels");
    const cJSON *me = cJSON_GetObjectItemCaseSensitive(sel, "matchExpressions");
    size_t cap = (size_t)(cJSON_GetArraySize(ml) + cJSON_GetArraySize(me)), n = 0;
    sel_requirement *reqs = calloc(cap + 1, sizeof *reqs);
    int rc = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, ml)
    {
        if (!cJSON_IsString(e) || !e->string || n == cap)
            continue;
        co_buf t = {0};
        co_buf_printf(&t, "%s=%s", e->string, e->valuestring);
        reqs[n] = (sel_requirement){e->string, co_buf_take(&t), n};
        n++;
    }
    cJSON_ArrayForEach(e, me)
    {
        const cJSON *jk = cJSON_GetObjectItemCaseSensitive(e, "key"), *jo = cJSON_GetObjectItemCaseSensitive(e, "operator");
        const char *key = cJSON_IsString(jk) ? jk->valuestring : "", *op = cJSON_IsString(jo) ? jo->valuestring : "";
        const cJSON *vals = cJSON_GetObjectItemCaseSensitive(e, "values");
        size_t nv = (size_t)cJSON_GetArraySize(vals), k = 0;
        bool set = !strcmp(op, "In") || !strcmp(op, "NotIn");
        bool exists = !strcmp(op, "Exists") || !strcmp(op, "DoesNotExist");
        if ((!set && !exists) || (set && nv == 0) || (exists && nv > 0) || n == cap) {
            rc = -1;
            break;
        }
        co_buf t = {0};
        if (exists) {
            co_buf_printf(&t, "%s%s", !strcmp(op, "DoesNotExist") ? "!" : "", key);
        } else {
            char **v = calloc(nv, sizeof *v);
            const cJSON *x;
            cJSON_ArrayForEach(x, vals) if (k < nv) v[k++] = strdup(cJSON_IsString(x) ? x->valuestring : "");
            qsort(v, k, sizeof *v, cmp_value);
            co_buf_printf(&t, "%s %s (", key, !strcmp(op, "In") ? "in" : "notin");
            for (size_t j = 0; j < k; j++) {
                co_buf_printf(&t, "%s%s", j ? "," : "", v[j]);
                free(v[j]);
            }
            free(v);
            co_buf_addc(&t, ')');
        }
        reqs[n] = (sel_requirement){key, co_buf_take(&t), n};
        n++;
    }
    if (rc == 0) {
        qsort(reqs, n, sizeof *reqs, cmp_req);
        for (size_t i = 0; i < n; i++)
            co_buf_printf(b, "%s%s", i ? "," : "", reqs[i].text);
    }
    for (size_t i = 0; i < n; i++)
        free(reqs[i].text);
    free(reqs);
    return rc;
}


char *labelsel_string(const cJSON *sel)
{
    co_buf b = {0};
    if (labelsel_format(&b, sel) != 0) {
        co_buf_free(&b);
        return NULL;
    }
    return co_buf_take(&b);
}
