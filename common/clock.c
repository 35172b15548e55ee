/* clock.c: real and virtual clocks. Virtual time moves only when a driver advances it, which
 * is what makes simulated runs fast and repeatable; every timestamp written into an object
 * comes from one of these clocks. */
#include "common/clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct co_clock {
    int is_virtual;
    pthread_mutex_t mu;
    int64_t now_ms; /* virtual only */
};

static co_clock real_clock = {0, PTHREAD_MUTEX_INITIALIZER, 0};

co_clock *co_clock_real(void) { return &real_clock; }

co_clock *co_clock_virtual(int64_t epoch_ms)
{
    co_clock *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->is_virtual = 1;
    pthread_mutex_init(&c->mu, NULL);
    c->now_ms = epoch_ms;
    return c;
}

void co_clock_free(co_clock *c)
{
    if (c && c != &real_clock) {
        pthread_mutex_destroy(&c->mu);
        free(c);
    }
}

int co_clock_is_virtual(const co_clock *c) { return c->is_virtual; }

int64_t co_clock_now_ms(co_clock *c)
{
    if (!c->is_virtual) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    }
    pthread_mutex_lock(&c->mu);
    int64_t v = c->now_ms;
    pthread_mutex_unlock(&c->mu);
    return v;
}

void co_clock_advance(co_clock *c, int64_t ms)
{
    if (!c->is_virtual || ms <= 0)
        return;
    pthread_mutex_lock(&c->mu);
    c->now_ms += ms;
    pthread_mutex_unlock(&c->mu);
}

char *co_time_rfc3339(int64_t ms, char buf[32])
{
    time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

int co_time_parse(const char *s, int64_t *ms)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!s)
        return -1;
    const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p)
        return -1;
    int64_t frac = 0;
    if (*p == '.') {
        int64_t scale = 100;
        for (p++; *p >= '0' && *p <= '9'; p++) {
            frac += (*p - '0') * scale;
            scale /= 10;
        }
    }
    int64_t off = 0;
    if (*p == '+' || *p == '-') {
        int hh, mm;
        if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
            return -1;
        off = (int64_t)(hh * 3600 + mm * 60) * (*p == '+' ? 1 : -1);
    } else if (*p != 'Z' && *p != 'z') {
        return -1;
    }
    *ms = ((int64_t)timegm(&tm) - off) * 1000 + frac;
    return 0;
}
