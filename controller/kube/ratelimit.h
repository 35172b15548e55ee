/* ratelimit.h: the API client's token bucket and its way of waiting on a (real or virtual) clock.
 * Internal to libkube. */
#ifndef CUTOVER_KUBE_RATELIMIT_H
#define CUTOVER_KUBE_RATELIMIT_H

#include <pthread.h>
#include <stdint.h>

#include "common/clock.h"

/* A token bucket like client-go's flowcontrol.NewTokenBucketRateLimiter: burst tokens at first,
 * refilled at qps per second. Thread-safe. */
typedef struct {
    pthread_mutex_t mu;
    double qps;     /* <= 0: unlimited */
    double burst;
    double tokens;  /* may go negative: tokens promised to callers still waiting */
    int64_t last_ms;
} kube_ratelimit;

void kube_rl_init(kube_ratelimit *rl, double qps, int burst, int64_t now_ms);
void kube_rl_destroy(kube_ratelimit *rl);
/* Takes one token and returns when it may be used: now_ms when one is available, else the time
 * the bucket will have refilled it (the caller waits until then; the token is already its own). */
int64_t kube_rl_reserve(kube_ratelimit *rl, int64_t now_ms);

/* The default wait: sleeps until when_ms on a real clock; on a virtual clock moves the clock
 * forward to when_ms (the caller owns the virtual clock). */
void kube_wait_default(co_clock *clock, int64_t when_ms);

#endif
