/* buf.c: growable byte buffer. Allocation failure aborts: a server that cannot allocate a few
 * bytes for a response cannot do anything useful either. */
#include "common/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(co_buf *b, size_t need)
{
    if (b->len + need + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + need + 1)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d)
        abort();
    b->data = d;
    b->cap = cap;
}

void co_buf_add(co_buf *b, const void *p, size_t n)
{
    grow(b, n);
    if (n) /* p may be NULL for an empty append */
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void co_buf_adds(co_buf *b, const char *s) { co_buf_add(b, s, strlen(s)); }

void co_buf_printf(co_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void co_buf_json_str(co_buf *b, const char *s)
{
    co_buf_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': co_buf_add(b, "\\\"", 2); break;
        case '\\': co_buf_add(b, "\\\\", 2); break;
        case '\n': co_buf_add(b, "\\n", 2); break;
        case '\r': co_buf_add(b, "\\r", 2); break;
        case '\t': co_buf_add(b, "\\t", 2); break;
        default:
            if (*p < 0x20)
                co_buf_printf(b, "\\u%04x", *p);
            else
                co_buf_add(b, p, 1);
        }
    }
    co_buf_add(b, "\"", 1);
}

void co_buf_addc(co_buf *b, char c) { co_buf_add(b, &c, 1); }

void co_buf_truncate(co_buf *b, size_t n)
{
    if (b->data && n <= b->len) {
        b->len = n;
        b->data[n] = 0;
    }
}

const char *co_buf_str(const co_buf *b) { return b->data ? b->data : ""; }

size_t co_utf8_seq(const void *p, size_t n)
{
    const unsigned char *s = p;
    if (n == 0)
        return 0;
    if (s[0] < 0x80)
        return 1;
    size_t len = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) /* stops at a NUL too */
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((len == 3 && s[0] == 0xe0 && s[1] < 0xa0) || (len == 3 && s[0] == 0xed && s[1] >= 0xa0) ||
        (len == 4 && s[0] == 0xf0 && s[1] < 0x90) || (len == 4 && s[0] == 0xf4 && s[1] >= 0x90))
        return 0; /* overlong, surrogate, above U+10FFFF */
    return len;
}

void co_buf_go_json_str(co_buf *b, const char *str)
{
    static const char esc[] = {['"'] = '"', ['\\'] = '\\', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't', ['\b'] = 'b', ['\f'] = 'f'};
    const unsigned char *s = (const unsigned char *)str;
    co_buf_addc(b, '"');
    while (*s) {
        unsigned char c = *s;
        int n = (int)co_utf8_seq(s, SIZE_MAX);
        if (c < sizeof esc && esc[c]) {
            co_buf_addc(b, '\\');
            co_buf_addc(b, esc[c]);
        } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            co_buf_printf(b, "\\u%04x", c);
        } else if (n == 0) {
            co_buf_adds(b, "\\ufffd");
        } else if (n == 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9)) {
            co_buf_adds(b, s[2] == 0xa8 ? "\\u2028" : "\\u2029");
        } else {
            co_buf_add(b, s, (size_t)n);
        }
        s += n ? n : 1;
    }
    co_buf_addc(b, '"');
}

char *co_buf_take(co_buf *b)
{
    if (!b->data)
        co_buf_add(b, "", 0);
    char *d = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

void co_buf_free(co_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void co_buf_add_base64(co_buf *b, const void *data, size_t n)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {abc[v >> 18 & 63], abc[v >> 12 & 63], i + 1 < n ? abc[v >> 6 & 63] : '=',
                     i + 2 < n ? abc[v & 63] : '='};
        co_buf_add(b, q, 4);
    }
}
