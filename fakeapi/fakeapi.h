/* fakeapi.h: the embeddable fake Kubernetes API server (public API of libfakeapi). */
#ifndef CUTOVER_FAKEAPI_H
#define CUTOVER_FAKEAPI_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/clock.h"

typedef struct fakeapi fakeapi;

/* How pods running an image behave in the simulated cluster (matched in order, '*' globs). */
typedef struct {
    const char *image;   /* an image reference; "*" globs, e.g. example/app:* */
    const char *body;    /* what the pod answers through the simulated ingress; NULL = its name */
    int never_ready;     /* runs but never becomes Ready */
    int crash_loop;      /* keeps restarting (restartCount grows), never Ready */
    double ready_after;  /* seconds from creation to Ready; 0 = the cluster's podReadySeconds */
} fakeapi_image;

/* Parses image rules from their YAML/JSON form, a map of image pattern to {body, ready,
 * crashLoop, readyAfterSeconds} (a scenario's cluster.images, cutover-fakeapi --images). On
 * success *out holds *n rules (free with fakeapi_images_free); on error returns -1 with a message
 * naming the field, "images.\"x:1\".bodyy: unknown field or wrong type". */
int fakeapi_images_parse(const cJSON *map, fakeapi_image **out, size_t *n, char *err, size_t errlen);
void fakeapi_images_free(fakeapi_image *rules, size_t n);

typedef struct {
    const char *host;    /* listen address; NULL = "127.0.0.1" */
    uint16_t port;       /* 0 = any free port */
    const char *db_path; /* NULL = in memory; else a SQLite file that survives restarts */
    co_clock *clock;     /* NULL = real time; borrowed, must outlive the server */
    uint64_t seed;       /* uids, generated names, routing; 0 = 1 in virtual time, else from the wall clock */
    int64_t history;     /* watch events kept for resumption; 0 = 10000; < 0 = keep all */
    /* the simulated cluster (fakeapi/sim) */
    int no_sim;                  /* store objects only: no ReplicaSets making pods, no kubelet, ... */
    double pod_ready_seconds;    /* a new pod is Ready this long after creation; 0 = 2 */
    const fakeapi_image *images; /* borrowed; must outlive the server */
    size_t nimages;
    const char *ingress_listen;  /* "127.0.0.1:30000": serve the simulated ingress-nginx there */
    /* HTTPS, as a kind cluster's apiserver. All PEM text, copied at start. With tls_cert_pem and
     * tls_key_pem (both or neither) the server speaks only HTTPS and fakeapi_url is https://...;
     * with neither, plain HTTP as before and the other tls_* must be NULL. */
    const char *tls_cert_pem, *tls_key_pem; /* the server's certificate (chain) and its key */
    const char *tls_client_ca_pem; /* set = every client must present a certificate this CA signed,
                                      or its TLS handshake fails (no HTTP answer at all) */
    /* Used only by fakeapi_write_kubeconfig. tls_ca_pem: the CA that signed tls_cert_pem
     * (certificate-authority-data; NULL = tls_cert_pem itself, for a self-signed certificate).
     * tls_client_cert_pem and tls_client_key_pem (both or neither): the client certificate and key
     * the kubeconfig presents (client-certificate-data, client-key-data). */
    const char *tls_ca_pem;
    const char *tls_client_cert_pem, *tls_client_key_pem;
} fakeapi_options;

/* Starts serving on its own thread. NULL with a message in err on failure. */
fakeapi *fakeapi_start(const fakeapi_options *opts, char *err, size_t errlen);
/* Stops serving, closes every connection and the store, frees the server. */
void fakeapi_stop(fakeapi *f);

const char *fakeapi_url(const fakeapi *f); /* "http://127.0.0.1:PORT", "https://..." with TLS */
uint16_t fakeapi_port(const fakeapi *f);
int64_t fakeapi_resource_version(fakeapi *f);

/* An in-process API request, exactly as if sent over HTTP (no watches). path may carry a query
 * string. Returns the HTTP status; *out (caller frees) gets the response body when out != NULL. */
unsigned fakeapi_call(fakeapi *f, const char *method, const char *path, const char *content_type,
                      const char *body, char **out);

/* Virtual time: is the simulation idle now (no work due), and when is its next timer?
 * (INT64_MAX when none). A driver advances the clock to the earliest due time of every
 * component; the server wakes on its own when the clock moves. */
int fakeapi_idle(fakeapi *f);
int64_t fakeapi_next_due(fakeapi *f);
/* Runs the simulation until nothing is due at the current time, on the caller's thread. */
void fakeapi_settle(fakeapi *f);

/* The event log (every committed change) as newline-delimited JSON, one
 * {"rv","time","verb","actor","resource","namespace","name","type","object"} per line, oldest
 * first. Caller frees. Two runs of one scenario with one seed give identical logs. */
char *fakeapi_event_log(fakeapi *f);

/* Writes a kubeconfig (cluster, user, context "cutover", namespace "default") for this server.
 * Over HTTPS it is kind-style: certificate-authority-data, and client-certificate-data and
 * client-key-data when given (an error when the server requires client certificates and none
 * were given). Returns 0, or -1 with a message. */
int fakeapi_write_kubeconfig(const fakeapi *f, const char *path, char *err, size_t errlen);

#endif
