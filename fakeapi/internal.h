/* internal.h: what the fake API server's modules share (not part of the public API). */
#ifndef CUTOVER_FAKEAPI_INTERNAL_H
#define CUTOVER_FAKEAPI_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>

#include "common/buf.h"
#include "common/json.h"
#include "fakeapi/fakeapi.h"
#include "fakeapi/resources.h"
#include "fakeapi/selector.h"
#include "fakeapi/store.h"

#define FA_MAX_BODY (3 * 1024 * 1024) /* the apiserver's request body limit */

typedef struct fa_watch fa_watch;

/* HTTPS settings (tls.c): copies of the PEM text; https false for a plain HTTP server. */
typedef struct {
    bool https;
    char *cert, *key, *client_ca;        /* for MHD */
    char *ca, *client_cert, *client_key; /* for the kubeconfig */
} fa_tls;
/* Checks o's TLS options and keeps them; NULL with a message naming the option. */
fa_tls *fa_tls_new(const fakeapi_options *o, char *err, size_t errlen);
void fa_tls_free(fa_tls *t);
/* Fills opts (room for 5) with the daemon's TLS options, ending with MHD_OPTION_END. */
void fa_tls_mhd_options(const fa_tls *t, struct MHD_OptionItem *opts);

struct fakeapi {
    struct MHD_Daemon *mhd;
    fa_store *store;
    fa_registry *reg;
    co_clock *clock;
    pthread_t thread;
    pthread_mutex_t mu; /* held while the loop thread serves requests */
    int wake[2];
    volatile int stopping;
    uint16_t port;
    char url[64], addr[48];
    uint64_t rng;
    uint32_t next_ip;
    int64_t history, writes;
    fa_watch *watches;
    struct fa_sim *sim; /* the simulated cluster (sim/sim.c), NULL when off */
    struct MHD_Daemon *ingress;  /* the simulated ingress-nginx port (sim/ingress_nginx.c), or NULL */
    struct fa_ingress *ingress_state;
    struct fa_faults *faults;    /* injected faults (sim/faults.c), NULL when none */
    fa_tls *tls;
    bool sweeping; /* the namespace controller is deleting a namespace's contents */
};

/* One request: the route it resolved to and its accumulated body. A request made in-process
 * (fa_call) has no connection: its arguments, media type and actor are given directly and the
 * response is captured instead of sent. */
typedef struct {
    fakeapi *f;
    struct MHD_Connection *conn; /* NULL in-process */
    const char *const *args;     /* in-process: key, value, ..., NULL */
    const char *ctype, *actor;   /* in-process */
    unsigned out_code;           /* in-process: the response */
    char *out_body;
    const char *method;
    co_buf body;
    bool too_large;
    const fa_resource *res;
    const char *ns, *name, *sub; /* point into path */
    char *path;
    bool watch_path; /* legacy /watch/ prefix */
    /* Warning response headers (RFC 7234 warn-values: `299 - "text"`), one per line; fa_reply
     * sends each as a Warning header (admission adds them: unknown fields under
     * fieldValidation=Warn) */
    char warnings[4096];
} fa_req;

/* Responses (server.c). Each returns an MHD result for the access handler. */
enum MHD_Result fa_reply(fa_req *r, unsigned code, char *json_owned);
enum MHD_Result fa_reply_json(fa_req *r, unsigned code, const cJSON *doc);
/* A Status object (kind, apiVersion, metadata, status, message, reason, details, code: the
 * apiserver's field order). details is taken; NULL or empty leaves it out. */
cJSON *fa_status(unsigned code, const char *reason, const char *msg, cJSON *details);
enum MHD_Result fa_error(fa_req *r, unsigned code, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* 422 Invalid: "<Kind> \"name\" is invalid: <field>: <detail>" with one cause. */
enum MHD_Result fa_invalid(fa_req *r, const char *name, const char *field, const char *cause_reason,
                           const char *detail);
const char *fa_arg(fa_req *r, const char *key);
/* Adds a Warning header to r's response (admit.c): text as the apiserver's warning.AddWarning. */
void fa_warn(fa_req *r, const char *text);
/* The request's media type, lower-cased and without parameters ("application/json" if none). */
const char *fa_content_type(fa_req *r, char *buf, size_t n);
/* The server clock's now as RFC 3339 (buf holds 32 bytes). */
char *fa_now(fakeapi *f, char buf[32]);

/* Admission (admit.c): decoding, validation and defaults of incoming objects. */
cJSON *fa_parse_object(fa_req *r, enum MHD_Result *ret);
/* Shape checks (400) and validation (422); puts apiVersion and kind first. 0 when acceptable,
 * otherwise the error response is queued in *ret. */
int fa_validate(fa_req *r, cJSON *obj, enum MHD_Result *ret);
void fa_defaults(fakeapi *f, const fa_resource *res, cJSON *obj);
void fa_crd_status(fakeapi *f, cJSON *crd);
bool fa_arg_true(fa_req *r, const char *key);

/* An in-process request through the same routing and handlers as HTTP. Call it on the loop
 * thread or with f->mu held. path may carry a query string. Returns the HTTP status code; the
 * response body goes to *out (caller frees) when out is not NULL. */
unsigned fa_call(fakeapi *f, const char *method, const char *path, const char *ctype, const char *body,
                 const char *actor, char **out);
const char *fa_actor(fa_req *r);

/* Objects (objects.c): the verbs on one resource. */
enum MHD_Result fa_handle_resource(fa_req *r);
/* Creates the namespaces every cluster starts with (objects.c). */
void fa_bootstrap(fakeapi *f);
/* Server-side notifications after every committed write. */
void fa_after_write(fakeapi *f);
/* Random helpers (objects.c): uid v4 and the apiserver's 5-char name suffix. */
void fa_uid(fakeapi *f, char out[37]);
uint64_t fa_rand(fakeapi *f);

/* The simulated ingress-nginx (sim/ingress_nginx.c): opens o->ingress_listen when set. */
int fa_ingress_start(fakeapi *f, const fakeapi_options *o, char *err, size_t errlen);
void fa_ingress_stop(fakeapi *f);

/* Fault injection (sim/faults.c). fa_faults_intercept runs before every API request is routed:
 * it returns 1 when it has answered the request itself (an injected error) or put it off
 * (injected latency: the connection is suspended and resumed later), else 0. fa_faults_admin
 * serves /_cutover/faults. */
int fa_faults_intercept(fa_req *r, enum MHD_Result *ret);
enum MHD_Result fa_faults_admin(fa_req *r);
void fa_faults_free(fakeapi *f);

/* Watches (watch.c). */
/* Starts a watch stream on r's resource; takes ownership of the selectors. */
enum MHD_Result fa_watch_start(fa_req *r, labelsel *ls, fieldsel *fs);
void fa_watch_notify(fakeapi *f); /* resume suspended watchers after a write */
void fa_watch_tick(fakeapi *f);   /* end watches past their deadline */
void fa_watch_close_all(fakeapi *f);

/* Has deletion begun (metadata.deletionTimestamp set)? */
static inline bool fa_deleting(const cJSON *obj) { return cj_get(obj, "metadata.deletionTimestamp") != NULL; }

/* Does obj pass a namespace filter (NULL = any) and the selectors (NULL = everything)? */
bool fa_obj_matches(const fa_resource *res, const char *ns_filter, const labelsel *ls, const fieldsel *fs,
                   const cJSON *obj);

#endif
