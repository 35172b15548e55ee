/* test_clock.c: real and virtual clocks, timestamps, and timers. */
#include "cu.h"
#include "common/clock.h"

#include <stdbool.h>
#include <stdio.h>

#include <stdint.h>
#include <string.h>

static char trace[256];

static void mark(void *ud)
{
    strcat(trace, (const char *)ud);
}

static void test_virtual_time_moves_only_when_told(void)
{
    co_clock *c = co_clock_virtual(1767225600000);
    CU_ASSERT_TRUE(co_clock_is_virtual(c));
    CU_ASSERT_EQUAL(co_clock_now_ms(c), 1767225600000);
    co_clock_advance(c, 1500);
    CU_ASSERT_EQUAL(co_clock_now_ms(c), 1767225601500);
    co_clock_advance(c, -5); /* never backwards */
    CU_ASSERT_EQUAL(co_clock_now_ms(c), 1767225601500);
    co_clock_free(c);
    CU_ASSERT_FALSE(co_clock_is_virtual(co_clock_real()));
    CU_ASSERT_TRUE(co_clock_now_ms(co_clock_real()) > 1700000000000);
}

static void test_rfc3339(void)
{
    char buf[32];
    CU_ASSERT_STRING_EQUAL(co_time_rfc3339(1767225600999, buf), "2026-01-01T00:00:00Z");
    int64_t ms;
    CU_ASSERT_EQUAL(co_time_parse("2026-01-01T00:00:01Z", &ms), 0);
    CU_ASSERT_EQUAL(ms, 1767225601000);
    CU_ASSERT_EQUAL(co_time_parse("2026-01-01T02:00:01.250+02:00", &ms), 0);
    CU_ASSERT_EQUAL(ms, 1767225601250);
    CU_ASSERT_EQUAL(co_time_parse("yesterday", &ms), -1);
    CU_ASSERT_EQUAL(co_time_parse(NULL, &ms), -1);
}

static void test_timers_run_in_order_per_owner(void)
{
    co_clock *c = co_clock_virtual(0);
    int a, b;
    trace[0] = 0;
    co_clock_at(c, &a, 300, mark, "3");
    co_clock_at(c, &a, 100, mark, "1");
    co_clock_at(c, &b, 50, mark, "B");
    co_clock_at(c, &a, 100, mark, "2"); /* same time: registration order */
    uint64_t gone = co_clock_at(c, &a, 200, mark, "X");
    co_clock_cancel(c, gone);
    CU_ASSERT_EQUAL(co_clock_next_due(c, NULL), 50);
    CU_ASSERT_EQUAL(co_clock_next_due(c, &a), 100);
    CU_ASSERT_EQUAL(co_clock_run_due(c, &a), 0); /* nothing due at t=0 */
    co_clock_advance(c, 250);
    CU_ASSERT_EQUAL(co_clock_run_due(c, &a), 2);
    CU_ASSERT_STRING_EQUAL(trace, "12");
    CU_ASSERT_EQUAL(co_clock_next_due(c, &a), 300);
    CU_ASSERT_EQUAL(co_clock_run_due(c, &b), 1);
    CU_ASSERT_STRING_EQUAL(trace, "12B");
    co_clock_cancel_owner(c, &a);
    CU_ASSERT_EQUAL(co_clock_next_due(c, NULL), INT64_MAX);
    co_clock_free(c);
}

static co_clock *chain_clock;
static int chain_owner;

static void chain(void *ud)
{
    (void)ud;
    strcat(trace, "c");
    if (strlen(trace) < 3) /* a timer registering one already due runs in the same call */
        co_clock_at(chain_clock, &chain_owner, co_clock_now_ms(chain_clock), chain, NULL);
}

static void test_timer_registering_timers(void)
{
    chain_clock = co_clock_virtual(0);
    trace[0] = 0;
    co_clock_at(chain_clock, &chain_owner, 0, chain, NULL);
    CU_ASSERT_EQUAL(co_clock_run_due(chain_clock, &chain_owner), 3);
    CU_ASSERT_STRING_EQUAL(trace, "ccc");
    co_clock_free(chain_clock);
}

static int woken;
static void on_wake(void *ud) { woken += *(int *)ud; }

static void test_advance_listeners(void)
{
    co_clock *c = co_clock_virtual(0);
    int one = 1;
    woken = 0;
    co_clock_on_advance(c, on_wake, &one);
    co_clock_advance(c, 10);
    co_clock_advance(c, 0); /* not a move */
    CU_ASSERT_EQUAL(woken, 1);
    co_clock_off_advance(c, on_wake, &one);
    co_clock_advance(c, 10);
    CU_ASSERT_EQUAL(woken, 1);
    co_clock_free(c);
}

/* Go's time.ParseDuration (status --timeout, pause durations, restart --in) */
static void test_go_durations(void)
{
    static const struct {
        const char *s;
        int64_t ns;
    } good[] = {{"0", 0},       {"30s", 30000000000LL}, {"5m", 300000000000LL}, {"1h", 3600000000000LL},
                {"1.5h", 5400000000000LL}, {"2h45m", 9900000000000LL}, {"300ms", 300000000LL}, {"-1s", -1000000000LL},
                {"+2s", 2000000000LL}, {"1us", 1000}, {"1\xc2\xb5s", 1000}, {"10ns", 10}, {".5s", 500000000LL},
                {"1m30s", 90000000000LL}};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        int64_t ns = -42;
        bool mu;
        int rc = co_parse_go_duration(good[i].s, &ns, &mu);
        CU_ASSERT_EQUAL(rc, 0);
        CU_ASSERT_EQUAL(ns, good[i].ns);
        if (rc || ns != good[i].ns)
            fprintf(stderr, "\n%s: rc %d, %lld ns\n", good[i].s, rc, (long long)ns);
    }
    static const char *const bad[] = {"", "-", "s", "1x", "1.s.", "1s5", ".s", "1 s", "1sm", "99999999999h"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t ns;
        bool mu;
        CU_ASSERT_EQUAL(co_parse_go_duration(bad[i], &ns, &mu), -1);
    }
    int64_t ns;
    bool mu = false;
    CU_ASSERT_EQUAL(co_parse_go_duration("5", &ns, &mu), -1);
    CU_ASSERT_TRUE(mu);
}

/* apimachinery's duration.HumanDuration (the ages of kubectl get and of kubectl cutover get). */
static void test_human_duration(void)
{
    static const struct {
        int64_t ms;
        const char *want;
    } cases[] = {
        {0, "0s"}, {-1500, "0s"}, {-2500, "<invalid>"}, {999, "0s"}, {78000, "78s"}, {119999, "119s"},
        {120000, "2m"}, {125000, "2m5s"}, {599000, "9m59s"}, {600000, "10m"}, {65 * 60000, "65m"},
        {179 * 60000 + 59000, "179m"}, {180 * 60000, "3h"}, {(3 * 60 + 46) * 60000LL, "3h46m"},
        {(7 * 60 + 59) * 60000LL, "7h59m"}, {8 * 3600000LL, "8h"}, {47 * 3600000LL, "47h"}, {48 * 3600000LL, "2d"},
        {51 * 3600000LL, "2d3h"}, {8 * 86400000LL, "8d"}, {729 * 86400000LL, "729d"}, {730 * 86400000LL, "2y"},
        {731 * 86400000LL, "2y1d"}, {8 * 365 * 86400000LL, "8y"}, {20 * 365 * 86400000LL, "20y"},

        {-5000, "<invalid>"},  {-1500, "0s"},          {0, "0s"},           {999, "0s"},
        {119999, "119s"},      {120000, "2m"},         {330000, "5m30s"},   {599999, "9m59s"},
        {600000, "10m"},       {10799999, "179m"},     {10800000, "3h"},    {14340000, "3h59m"},
        {28800000, "8h"},      {172799999, "47h"},     {172800000, "2d"},   {530000000, "6d3h"},
        {691200000, "8d"},     {63071999999, "729d"},  {63072000000, "2y"}, {95000000000, "3y4d"},
        {252288000000, "8y"},  {9223372036854, "292y"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        co_human_duration(cases[i].ms, buf, sizeof buf);
        if (strcmp(buf, cases[i].want))
            fprintf(stderr, "\n  %lld ms: got %s want %s\n", (long long)cases[i].ms, buf, cases[i].want);
        CU_ASSERT_STRING_EQUAL(buf, cases[i].want);
    }
}

int main(void)
{
    static const cu_test tests[] = {
        {"virtual time moves only when told", test_virtual_time_moves_only_when_told},
        {"RFC 3339 formatting and parsing", test_rfc3339},
        {"timers run in (time, registration) order per owner", test_timers_run_in_order_per_owner},
        {"a timer may register timers", test_timer_registering_timers},
        {"advance listeners", test_advance_listeners},
        {"Go durations", test_go_durations},
        {"HumanDuration", test_human_duration},
        {NULL, NULL},
    };
    return cu_run("clock", tests);
}
