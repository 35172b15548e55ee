/* buf.c: growable byte buffer. Allocation failure aborts: a server that cannot allocate a few
 * bytes for a response cannot do anything useful either. */
#include "common/buf.h"

#include <stdarg.h>
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
