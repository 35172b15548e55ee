/* http.h: one HTTP request to a test server with libcurl, for the tests that go over the wire. */
#ifndef CUTOVER_TESTS_HTTP_H
#define CUTOVER_TESTS_HTTP_H

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common/buf.h"

typedef struct {
    long code;     /* HTTP status, 0 on a transport error */
    char *body;    /* always set; caller frees (th_free) */
    char *headers; /* the raw response headers */
    double ms;     /* how long it took */
    CURLcode rc;
} th_resp;

static size_t th_sink(char *p, size_t sz, size_t n, void *ud)
{
    co_buf_add(ud, p, sz * n);
    return sz * n;
}

/* method base_url+path with body payload (may be NULL) of type ct (NULL = application/json),
 * on its own connection; user_agent NULL = curl's. */
static inline th_resp th_request(const char *base_url, const char *method, const char *path, const char *ct,
                                 const char *payload, const char *user_agent)
{
    CURL *c = curl_easy_init();
    char url[1024], hdr[128];
    snprintf(url, sizeof url, "%s%s", base_url, path);
    snprintf(hdr, sizeof hdr, "Content-Type: %s", ct ? ct : "application/json");
    struct curl_slist *hdrs = curl_slist_append(NULL, hdr);
    co_buf b = {0}, h = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    if (user_agent)
        curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, th_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, th_sink);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    if (payload)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload);
    th_resp r = {0};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r.rc = curl_easy_perform(c);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r.ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    if (r.rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.code);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    r.body = co_buf_take(&b);
    r.headers = co_buf_take(&h);
    return r;
}

static inline void th_free(th_resp *r)
{
    free(r->body);
    free(r->headers);
}

#endif
