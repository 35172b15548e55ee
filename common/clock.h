/* clock.h: the one source of time for every component (real or virtual). */
#ifndef CUTOVER_COMMON_CLOCK_H
#define CUTOVER_COMMON_CLOCK_H

#include <stddef.h>
#include <stdbool.h>
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

/* Timers. fn(ud) runs at when_ms on whichever thread calls co_clock_run_due() for its owner, so
 * each component runs its own timers on its own thread while a driver can see every component's
 * next deadline (co_clock_next_due with owner NULL) and jump virtual time to it. */
typedef void (*co_timer_fn)(void *ud);
/* Returns a timer id (never 0). */
uint64_t co_clock_at(co_clock *c, const void *owner, int64_t when_ms, co_timer_fn fn, void *ud);
void co_clock_cancel(co_clock *c, uint64_t id);
/* Runs the owner's due timers, earliest first, ties in registration order; returns how many ran.
 * A timer may register new timers; those due already run in the same call. */
int co_clock_run_due(co_clock *c, const void *owner);
/* The earliest pending timer of owner (of every owner when owner is NULL); INT64_MAX when none. */
int64_t co_clock_next_due(co_clock *c, const void *owner);
/* Drops every timer of owner (a component shutting down). */
void co_clock_cancel_owner(co_clock *c, const void *owner);
/* Calls fn(ud) whenever a virtual clock moves, so components can wake and run their timers. */
void co_clock_on_advance(co_clock *c, co_timer_fn fn, void *ud);
void co_clock_off_advance(co_clock *c, co_timer_fn fn, void *ud);

/* Formats ms as RFC 3339 with second precision ("2026-01-01T00:00:00Z"), as Kubernetes does
 * for creationTimestamp. buf must hold 32 bytes. Returns buf. */
char *co_time_rfc3339(int64_t ms, char buf[32]);
/* Parses RFC 3339 ("...Z" or with an offset, optional fraction); returns 0 and sets *ms, or -1. */
int co_time_parse(const char *s, int64_t *ms);
/* Go's time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?unit)+ or "0", units ns us µs μs ms s m h;
   overflow past 1<<63 ns is an error. 0 with *ns, or -1; *missing_unit (may be NULL) is set when
   a number has no unit (Go's "missing unit in duration"). */
int co_parse_go_duration(const char *s, int64_t *ns, bool *missing_unit);

/* apimachinery's duration.HumanDuration of ms milliseconds ("78s", "6m5s", "65m", "3h46m",
 * "2d3h", "<invalid>" below -1 s) into buf. Returns buf. */
char *co_human_duration(int64_t ms, char *buf, size_t n);

#endif
