/* clock.c: real and virtual clocks. Virtual time moves only when a driver advances it, which
 * is what makes simulated runs fast and repeatable; every timestamp written into an object
 * comes from one of these clocks. */
#include "common/clock.h"

#include <ctype.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    int64_t when;
    uint64_t id;
    const void *owner;
    co_timer_fn fn;
    void *ud;
} timer;

typedef struct {
    co_timer_fn fn;
    void *ud;
} listener;

/* Timers live in one array kept as a binary min-heap on (when, id). Cancelling marks the entry
 * (fn = NULL) rather than searching the heap; dead entries drop out when they reach the top. */
struct co_clock {
    int is_virtual;
    pthread_mutex_t mu;
    int64_t now_ms; /* virtual only */
    timer *heap;
    size_t n, cap;
    uint64_t next_id;
    listener *listeners;
    size_t nlisteners;
};

static co_clock real_clock = {.mu = PTHREAD_MUTEX_INITIALIZER};

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
        free(c->heap);
        free(c->listeners);
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
    size_t n = c->nlisteners;
    listener copy[16];
    if (n > 16)
        n = 16;
    if (n)
        memcpy(copy, c->listeners, n * sizeof *copy);
    pthread_mutex_unlock(&c->mu);
    for (size_t i = 0; i < n; i++)
        copy[i].fn(copy[i].ud);
}

static int before(const timer *a, const timer *b) { return a->when < b->when || (a->when == b->when && a->id < b->id); }

static void sift_up(co_clock *c, size_t i)
{
    while (i > 0 && before(&c->heap[i], &c->heap[(i - 1) / 2])) {
        timer t = c->heap[i];
        c->heap[i] = c->heap[(i - 1) / 2];
        c->heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static void sift_down(co_clock *c, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < c->n && before(&c->heap[l], &c->heap[m]))
            m = l;
        if (r < c->n && before(&c->heap[r], &c->heap[m]))
            m = r;
        if (m == i)
            return;
        timer t = c->heap[i];
        c->heap[i] = c->heap[m];
        c->heap[m] = t;
        i = m;
    }
}

static void pop_top(co_clock *c)
{
    c->heap[0] = c->heap[--c->n];
    sift_down(c, 0);
}

uint64_t co_clock_at(co_clock *c, const void *owner, int64_t when_ms, co_timer_fn fn, void *ud)
{
    pthread_mutex_lock(&c->mu);
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        timer *h = realloc(c->heap, c->cap * sizeof *h);
        if (!h)
            abort();
        c->heap = h;
    }
    uint64_t id = ++c->next_id;
    c->heap[c->n] = (timer){when_ms, id, owner, fn, ud};
    sift_up(c, c->n++);
    pthread_mutex_unlock(&c->mu);
    return id;
}

void co_clock_cancel(co_clock *c, uint64_t id)
{
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < c->n; i++)
        if (c->heap[i].id == id)
            c->heap[i].fn = NULL;
    pthread_mutex_unlock(&c->mu);
}

void co_clock_cancel_owner(co_clock *c, const void *owner)
{
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < c->n; i++)
        if (c->heap[i].owner == owner)
            c->heap[i].fn = NULL;
    pthread_mutex_unlock(&c->mu);
}

/* Removes cancelled timers from the top so the top is live (caller holds mu). */
static void drop_dead(co_clock *c)
{
    while (c->n && !c->heap[0].fn)
        pop_top(c);
}

/* Finds the earliest live timer of owner; the heap is only ordered globally, so for one owner
 * this is a scan: components have few timers each, and the scan avoids a heap per owner. */
static long earliest_of(co_clock *c, const void *owner)
{
    long best = -1;
    for (size_t i = 0; i < c->n; i++)
        if (c->heap[i].fn && (!owner || c->heap[i].owner == owner) && (best < 0 || before(&c->heap[i], &c->heap[best])))
            best = (long)i;
    return best;
}

int co_clock_run_due(co_clock *c, const void *owner)
{
    int ran = 0;
    for (;;) {
        int64_t now = co_clock_now_ms(c);
        pthread_mutex_lock(&c->mu);
        drop_dead(c);
        long i = earliest_of(c, owner);
        if (i < 0 || c->heap[i].when > now) {
            pthread_mutex_unlock(&c->mu);
            return ran;
        }
        timer t = c->heap[i];
        c->heap[i].fn = NULL; /* consumed; dropped when it reaches the top */
        pthread_mutex_unlock(&c->mu);
        t.fn(t.ud);
        ran++;
    }
}

int64_t co_clock_next_due(co_clock *c, const void *owner)
{
    pthread_mutex_lock(&c->mu);
    drop_dead(c);
    long i = earliest_of(c, owner);
    int64_t when = i < 0 ? INT64_MAX : c->heap[i].when;
    pthread_mutex_unlock(&c->mu);
    return when;
}

void co_clock_on_advance(co_clock *c, co_timer_fn fn, void *ud)
{
    pthread_mutex_lock(&c->mu);
    listener *l = realloc(c->listeners, (c->nlisteners + 1) * sizeof *l);
    if (!l)
        abort();
    c->listeners = l;
    c->listeners[c->nlisteners++] = (listener){fn, ud};
    pthread_mutex_unlock(&c->mu);
}

void co_clock_off_advance(co_clock *c, co_timer_fn fn, void *ud)
{
    pthread_mutex_lock(&c->mu);
    size_t j = 0;
    for (size_t i = 0; i < c->nlisteners; i++)
        if (c->listeners[i].fn != fn || c->listeners[i].ud != ud)
            c->listeners[j++] = c->listeners[i];
    c->nlisteners = j;
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

int co_parse_go_duration(const char *s, int64_t *out_ns, bool *missing_unit)
{
    if (missing_unit)
        *missing_unit = false;
    const uint64_t lim = (uint64_t)1 << 63;
    static const struct {
        const char *name;
        uint64_t ns;
    } units[] = {
        {"ns", 1},           {"us", 1000},         {"\xc2\xb5s", 1000}, /* U+00B5 micro sign */
        {"\xce\xbcs", 1000},                                            /* U+03BC Greek mu */
        {"ms", 1000000},     {"s", 1000000000ULL}, {"m", 60ULL * 1000000000ULL}, {"h", 3600ULL * 1000000000ULL},
    };
    uint64_t d = 0;
    bool neg = false;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    if (strcmp(s, "0") == 0) {
        *out_ns = 0;
        return 0;
    }
    if (!*s)
        return -1;
    while (*s) {
        uint64_t v = 0, f = 0;
        double scale = 1;
        if (!(*s == '.' || isdigit((unsigned char)*s)))
            return -1;
        const char *start = s;
        for (; isdigit((unsigned char)*s); s++) {
            if (v > lim / 10)
                return -1;
            v = v * 10 + (uint64_t)(*s - '0');
            if (v > lim)
                return -1;
        }
        bool pre = s != start, post = false;
        if (*s == '.') {
            s++;
            start = s;
            bool overflow = false;
            for (; isdigit((unsigned char)*s); s++) {
                if (overflow)
                    continue;
                if (f > (lim - 1) / 10) {
                    overflow = true;
                    continue;
                }
                uint64_t y = f * 10 + (uint64_t)(*s - '0');
                if (y > lim) {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10;
            }
            post = s != start;
        }
        if (!pre && !post)
            return -1;
        start = s;
        while (*s && *s != '.' && !isdigit((unsigned char)*s))
            s++;
        size_t ulen = (size_t)(s - start);
        if (ulen == 0)
            {
            if (missing_unit)
                *missing_unit = true;
            return -1;
        }
        uint64_t unit = 0;
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
            if (strlen(units[i].name) == ulen && memcmp(units[i].name, start, ulen) == 0)
                unit = units[i].ns;
        if (!unit)
            return -1; /* unknown unit */
        if (v > lim / unit)
            return -1;
        v *= unit;
        if (f > 0) {
            v += (uint64_t)((double)f * ((double)unit / scale));
            if (v > lim)
                return -1;
        }
        d += v;
        if (d > lim)
            return -1;
    }
    if (neg) {
        *out_ns = d == lim ? INT64_MIN : -(int64_t)d;
        return 0;
    }
    if (d > lim - 1)
        return -1;
    *out_ns = (int64_t)d;
    return 0;
}

char *co_human_duration(int64_t ms, char *buf, size_t n)
{
    int64_t s = ms / 1000; /* truncated toward zero, as Go's int(d.Seconds()) */
    if (s < -1) {
        snprintf(buf, n, "<invalid>");
        return buf;
    }
    if (s < 0)
        s = 0;
    if (s < 120) {
        snprintf(buf, n, "%llds", (long long)s);
        return buf;
    }
    long long minutes = ms / 60000, hours = ms / 3600000, days = hours / 24;
    if (minutes < 10) {
        long long sec = s % 60;
        if (sec)
            snprintf(buf, n, "%lldm%llds", minutes, sec);
        else
            snprintf(buf, n, "%lldm", minutes);
    } else if (minutes < 60 * 3) {
        snprintf(buf, n, "%lldm", minutes);
    } else if (hours < 8) {
        if (minutes % 60)
            snprintf(buf, n, "%lldh%lldm", hours, minutes % 60);
        else
            snprintf(buf, n, "%lldh", hours);
    } else if (hours < 48) {
        snprintf(buf, n, "%lldh", hours);
    } else if (hours < 24 * 8) {
        if (hours % 24)
            snprintf(buf, n, "%lldd%lldh", days, hours % 24);
        else
            snprintf(buf, n, "%lldd", days);
    } else if (hours < 24 * 365 * 2) {
        snprintf(buf, n, "%lldd", days);
    } else if (hours < 24 * 365 * 8) {
        if (days % 365)
            snprintf(buf, n, "%lldy%lldd", days / 365, days % 365);
        else
            snprintf(buf, n, "%lldy", days / 365);
    } else {
        snprintf(buf, n, "%lldy", days / 365);
    }
    return buf;
}
