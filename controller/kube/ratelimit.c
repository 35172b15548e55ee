/* ratelimit.c: the API client's token bucket (QPS/burst) and the default wait on a clock. */
#include "controller/kube/ratelimit.h"

#include <errno.h>
#include <math.h>
#include <time.h>

void kube_rl_init(kube_ratelimit *rl, double qps, int burst, int64_t now_ms)
{
    pthread_mutex_init(&rl->mu, NULL);
    rl->qps = qps;
    rl->burst = burst > 0 ? burst : 1;
    rl->tokens = rl->burst; /* a fresh client may send a burst at once, as client-go's does */
    rl->last_ms = now_ms;
}

void kube_rl_destroy(kube_ratelimit *rl)
{
    pthread_mutex_destroy(&rl->mu);
}

int64_t kube_rl_reserve(kube_ratelimit *rl, int64_t now_ms)
{
    if (rl->qps <= 0)
        return now_ms;
    pthread_mutex_lock(&rl->mu);
    /* Refill for the time passed. A clock that went backwards (wall time adjusted) refills
     * nothing rather than draining the bucket. */
    if (now_ms > rl->last_ms) {
        rl->tokens += (double)(now_ms - rl->last_ms) * rl->qps / 1000.0;
        if (rl->tokens > rl->burst)
            rl->tokens = rl->burst;
        rl->last_ms = now_ms;
    }
    /* Reserve the token even when the bucket is empty: callers queue up in arrival order, each
     * waiting until the refill reaches its own token (golang.org/x/time/rate's Reserve). */
    rl->tokens -= 1.0;
    int64_t due = now_ms;
    if (rl->tokens < 0) {
        /* The small epsilon keeps float error (0.99999... tokens) from adding a millisecond. */
        due = rl->last_ms + (int64_t)ceil(-rl->tokens * 1000.0 / rl->qps - 1e-6);
        if (due < now_ms)
            due = now_ms;
    }
    pthread_mutex_unlock(&rl->mu);
    return due;
}

void kube_wait_default(co_clock *clock, int64_t when_ms)
{
    if (co_clock_is_virtual(clock)) {
        int64_t now = co_clock_now_ms(clock);
        if (when_ms > now)
            co_clock_advance(clock, when_ms - now);
        return;
    }
    /* Real time: sleep in steps measured against the clock itself, so a wall-clock step or an
     * interrupted nanosleep never cuts the wait short or stretches it much. */
    for (;;) {
        int64_t left = when_ms - co_clock_now_ms(clock);
        if (left <= 0)
            return;
        struct timespec ts = {.tv_sec = left / 1000, .tv_nsec = (left % 1000) * 1000000L};
        if (nanosleep(&ts, NULL) != 0 && errno != EINTR)
            return;
    }
}
