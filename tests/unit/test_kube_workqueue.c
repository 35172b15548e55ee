/* test_kube_workqueue.c: de-duplication, one worker per key, delays and backoff in virtual time,
 * and the blocking mode. */
#include "cu.h"
#include "controller/kube/workqueue.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void expect_next(kube_queue *q, const char *want)
{
    char *k = kube_queue_try_get(q);
    if (!want) {
        CU_ASSERT_PTR_NULL(k);
    } else {
        CU_ASSERT_PTR_NOT_NULL_FATAL(k);
        CU_ASSERT_STRING_EQUAL(k, want);
        kube_queue_done(q, k);
    }
    free(k);
}

static void test_dedup_and_fifo(void)
{
    co_clock *c = co_clock_virtual(0);
    kube_queue *q = kube_queue_new(c, 0, 0);
    kube_queue_add(q, "ns/a");
    kube_queue_add(q, "ns/b");
    kube_queue_add(q, "ns/a");
    CU_ASSERT_EQUAL(kube_queue_len(q), 2);
    expect_next(q, "ns/a");
    expect_next(q, "ns/b");
    expect_next(q, NULL);
    kube_queue_free(q);
    co_clock_free(c);
}

static void test_one_worker_per_key(void)
{
    co_clock *c = co_clock_virtual(0);
    kube_queue *q = kube_queue_new(c, 0, 0);
    kube_queue_add(q, "k");
    char *k = kube_queue_try_get(q);
    kube_queue_add(q, "k"); /* changed while being processed */
    CU_ASSERT_PTR_NULL(kube_queue_try_get(q)); /* not handed to a second worker */
    kube_queue_done(q, k);
    free(k);
    expect_next(q, "k"); /* processed again after done */
    expect_next(q, NULL);
    kube_queue_free(q);
    co_clock_free(c);
}

static void test_delays_follow_the_clock(void)
{
    co_clock *c = co_clock_virtual(0);
    kube_queue *q = kube_queue_new(c, 0, 0);
    kube_queue_add_after(q, "late", 30000);
    kube_queue_add_after(q, "soon", 1000);
    CU_ASSERT_EQUAL(kube_queue_next_due(q), 1000);
    expect_next(q, NULL);
    co_clock_advance(c, 999);
    expect_next(q, NULL);
    co_clock_advance(c, 1);
    expect_next(q, "soon");
    co_clock_advance(c, 29000);
    expect_next(q, "late");
    CU_ASSERT_EQUAL(kube_queue_next_due(q), INT64_MAX);
    kube_queue_free(q);
    co_clock_free(c);
}

static void test_backoff(void)
{
    co_clock *c = co_clock_virtual(0);
    kube_queue *q = kube_queue_new(c, 5, 40);
    int64_t want[] = {5, 10, 20, 40, 40};
    for (int i = 0; i < 5; i++) {
        kube_queue_add_rate_limited(q, "k");
        CU_ASSERT_EQUAL(kube_queue_next_due(q) - co_clock_now_ms(c), want[i]);
        co_clock_advance(c, want[i]);
        expect_next(q, "k");
    }
    CU_ASSERT_EQUAL(kube_queue_requeues(q, "k"), 5);
    kube_queue_forget(q, "k");
    CU_ASSERT_EQUAL(kube_queue_requeues(q, "k"), 0);
    kube_queue_add_rate_limited(q, "k");
    CU_ASSERT_EQUAL(kube_queue_next_due(q) - co_clock_now_ms(c), 5);
    kube_queue_free(q);
    co_clock_free(c);
}

static void *shut_later(void *arg)
{
    struct timespec ts = {0, 50 * 1000000};
    nanosleep(&ts, NULL);
    kube_queue_shutdown(arg);
    return NULL;
}

static void test_blocking_mode(void)
{
    kube_queue *q = kube_queue_new(NULL, 0, 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    kube_queue_add_after(q, "k", 60);
    char *k = NULL;
    CU_ASSERT_EQUAL(kube_queue_get(q, &k), 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CU_ASSERT_TRUE(ms >= 55 && ms < 2000);
    CU_ASSERT_STRING_EQUAL(k, "k");
    kube_queue_done(q, k);
    free(k);
    pthread_t t;
    pthread_create(&t, NULL, shut_later, q);
    CU_ASSERT_EQUAL(kube_queue_get(q, &k), 0); /* shutdown wakes a blocked worker */
    pthread_join(t, NULL);
    kube_queue_free(q);
}

int main(void)
{
    static const cu_test tests[] = {
        {"keys are de-duplicated, first in first out", test_dedup_and_fifo},
        {"a key is held by one worker at a time", test_one_worker_per_key},
        {"delayed adds fire when the clock reaches them", test_delays_follow_the_clock},
        {"per-key exponential backoff, capped, forgotten", test_backoff},
        {"blocking mode: delays in real time, shutdown", test_blocking_mode},
        {NULL, NULL},
    };
    return cu_run("workqueue", tests);
}
