/* clock.h: the one source of time for every component (real or virtual). */
#ifndef CUTOVER_COMMON_CLOCK_H
#define CUTOVER_COMMON_CLOCK_H

#include <stddef.h>
#include <stdint.h>

typedef struct co_clock co_clock;

/* The process-wide real clock (wall time). Never freed. */
co_clock *co_clock_real(void);
/* A virtual clock starting at epoch_ms (Unix ms) that moves only through co_clock_advance().
 * Caller frees with co_clock_free(). */
co_clock *co_clock_virtual(int64_t epoch_ms);
void co_clock_free(co_clock *c);
int co_clock_is_virtual(const co_clock *c);

/* Milliseconds since the Unix epoch. Thread-safe. */
int64_t co_clock_now_ms(co_clock *c);
/* Moves a virtual clock forward by ms (no-op on the real clock). */
void co_clock_advance(co_clock *c, int64_t ms);

/* Formats ms as RFC 3339 with second precision ("2026-01-01T00:00:00Z"), as Kubernetes does
 * for creationTimestamp. buf must hold 32 bytes. Returns buf. */
char *co_time_rfc3339(int64_t ms, char buf[32]);
/* Parses RFC 3339 ("...Z" or with an offset, optional fraction); returns 0 and sets *ms, or -1. */
int co_time_parse(const char *s, int64_t *ms);

#endif
