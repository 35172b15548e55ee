/* buf.h: a growable byte buffer for building responses and messages. */
#ifndef CUTOVER_COMMON_BUF_H
#define CUTOVER_COMMON_BUF_H

#include <stddef.h>

typedef struct {
    char *data; /* always NUL-terminated when non-NULL */
    size_t len, cap;
} co_buf;

void co_buf_add(co_buf *b, const void *p, size_t n);
void co_buf_adds(co_buf *b, const char *s);
void co_buf_printf(co_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void co_buf_addc(co_buf *b, char c);
/* Cuts the text back to its first n bytes (n <= len). */
void co_buf_truncate(co_buf *b, size_t n);
/* The text so far ("" when empty); valid until the next change. */
const char *co_buf_str(const co_buf *b);
/* Appends s as a JSON string literal (quoted and escaped). */
void co_buf_json_str(co_buf *b, const char *s);
/* Appends s as Go's encoding/json writes a string (json.Marshal, what Argo writes and prints):
   HTML-safe (<, > and & as \u003c...), U+2028/U+2029 escaped, invalid UTF-8 as \ufffd. */
void co_buf_go_json_str(co_buf *b, const char *s);
/* Hands the data to the caller (who frees it) and resets the buffer. */
char *co_buf_take(co_buf *b);
/* The length (1..4) of the valid UTF-8 sequence at p, reading at most n bytes (SIZE_MAX for a
 * NUL-terminated string), or 0 when there is none (Go's utf8.DecodeRune's RuneError). */
size_t co_utf8_seq(const void *p, size_t n);
/* Appends n bytes as standard base64 with padding (Go's []byte in JSON, kubeconfig *-data). */
void co_buf_add_base64(co_buf *b, const void *p, size_t n);
void co_buf_free(co_buf *b);

#endif
