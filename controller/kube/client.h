/* client.h: a Kubernetes API client over libcurl: every verb, watches, Status errors,
 * client-side rate limiting and retries. It knows nothing of any particular server. */
#ifndef CUTOVER_KUBE_CLIENT_H
#define CUTOVER_KUBE_CLIENT_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "common/clock.h"
#include "controller/kube/config.h"

/* A resource as the API names it: ("", "v1", "pods"), ("argoproj.io", "v1alpha1", "rollouts"). */
typedef struct {
    const char *group, *version, *resource;
    int namespaced;
} kube_gvr;

/* The outcome of a call: code is the HTTP status (200..299 success), or 0 for a transport error
 * (connection refused, TLS failure, timeout) with the reason in message. For API errors reason
 * and message come from the server's Status object ("NotFound", "Conflict", ...). */
typedef struct {
    int code;
    char reason[64];
    char message[1024];
    int retry_after; /* seconds, from Retry-After or details.retryAfterSeconds */
} kube_status;

typedef struct {
    double qps;            /* client-side rate limit; 0 = 5 (client-go's default) */
    int burst;             /* 0 = 10 */
    const char *user_agent; /* NULL = "cutover/<version>" */
    long timeout_ms;       /* per request (not watches); 0 = 30 s */
    int max_retries;       /* for 429 and 5xx and transport errors on idempotent verbs; 0 = 5; < 0 = none */
    co_clock *clock;       /* rate limiting and retry backoff wait on this clock; NULL = real time */
    /* How to wait until a time on that clock. NULL = sleep for a real clock; for a virtual clock
     * the default moves the clock forward itself (a single-threaded driver owns the clock). */
    void (*wait_until)(void *ud, int64_t when_ms);
    void *wait_ud;
    int verbose;           /* log each request (method, URL, status, duration) to stderr; never secrets */
    /* Called before each request (not watches); non-zero refuses it as a transport error (code 0)
     * without sending anything. For tests that kill a client mid-work. NULL = none. */
    int (*intercept)(void *ud, const char *method, const char *path);
    void *intercept_ud;
} kube_client_opts;

typedef struct kube_client kube_client;

/* cfg is copied. NULL with a message on bad configuration (unreadable CA, bad key...). */
kube_client *kube_client_new(const kube_config *cfg, const kube_client_opts *opts, char *err, size_t errlen);
void kube_client_free(kube_client *c);
const char *kube_client_namespace(const kube_client *c);
/* Changes the User-Agent of later requests (the fake API server records it as the actor: the
 * scenario runner tags each step's writes this way). NULL = the default. */
void kube_client_set_user_agent(kube_client *c, const char *user_agent);

/* The raw call: path with query, body (may be NULL). Returns the parsed response object (caller
 * frees) on success, else NULL with st filled. st may not be NULL. */
cJSON *kube_request(kube_client *c, const char *method, const char *path, const char *content_type,
                    const char *body, kube_status *st);

typedef struct {
    const char *label_selector, *field_selector;
    long limit;                /* 0 = no paging; kube_list follows continue tokens itself */
    const char *resource_version;
} kube_list_opts;

/* GET one object. */
cJSON *kube_get(kube_client *c, const kube_gvr *r, const char *ns, const char *name, kube_status *st);
/* LIST, following every continue token: returns the List object with all items. */
cJSON *kube_list(kube_client *c, const kube_gvr *r, const char *ns, const kube_list_opts *o, kube_status *st);
cJSON *kube_create(kube_client *c, const kube_gvr *r, const char *ns, const cJSON *obj, kube_status *st);
/* PUT the object (its metadata.name and resourceVersion decide what and which version). */
cJSON *kube_update(kube_client *c, const kube_gvr *r, const char *ns, const cJSON *obj, kube_status *st);
cJSON *kube_update_status(kube_client *c, const kube_gvr *r, const char *ns, const cJSON *obj, kube_status *st);

typedef enum { KUBE_PATCH_MERGE, KUBE_PATCH_JSON, KUBE_PATCH_STRATEGIC } kube_patch_type;
/* PATCH name (subresource: NULL, "status", "scale"). */
cJSON *kube_patch(kube_client *c, const kube_gvr *r, const char *ns, const char *name, kube_patch_type type,
                  const char *patch, const char *subresource, kube_status *st);

typedef struct {
    const char *propagation;     /* "Background", "Foreground", "Orphan" or NULL */
    const char *precondition_uid, *precondition_rv;
    const long *grace_period_seconds; /* NULL = the server's default (a zeroed struct is safe) */
} kube_delete_opts;
/* DELETE; returns the server's response (the object, or a Success Status). */
cJSON *kube_delete(kube_client *c, const kube_gvr *r, const char *ns, const char *name, const kube_delete_opts *o,
                   kube_status *st);

/* ---- watch ---- */

typedef struct {
    const char *resource_version; /* NULL or "" = from now with the current state as ADDED */
    const char *label_selector, *field_selector;
    int bookmarks;                /* allowWatchBookmarks */
    long timeout_seconds;         /* server-side timeout; 0 = a random 300-600 s like client-go */
} kube_watch_opts;

typedef struct kube_watch kube_watch;
kube_watch *kube_watch_open(kube_client *c, const kube_gvr *r, const char *ns, const kube_watch_opts *o,
                            kube_status *st);
/* Waits up to timeout_ms (real time; 0 = just poll) for the next event. Returns 1 with *type
 * ("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR") and *obj (caller frees), 0 on timeout,
 * -1 when the stream has ended (closed by the server or broken; st says which). */
int kube_watch_next(kube_watch *w, int timeout_ms, char type[16], cJSON **obj, kube_status *st);
/* The file descriptor to poll for readability, or -1 (lets a driver wait on many watches). */
int kube_watch_fd(kube_watch *w);
void kube_watch_close(kube_watch *w);

/* A path for a resource: "/apis/apps/v1/namespaces/ns/replicasets/name/status" (name and sub
 * may be NULL; ns ignored for cluster-scoped kinds). Writes at most n bytes; returns buf. */
char *kube_path(const kube_gvr *r, const char *ns, const char *name, const char *sub, char *buf, size_t n);

#endif
