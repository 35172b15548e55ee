/* ingress_nginx.h: the simulated ingress-nginx controller: which pod answers a request.
 *
 * The router reads the Ingresses, Services, Endpoints and Pods in the store and decides, for one
 * request (host, path, headers, cookies), what ingress-nginx would do: the server and location
 * that match, the main backend, and whether its canary ("alternative backend") takes the request
 * (header, then cookie, then weight, with the server's seeded random numbers). The chosen
 * Service's ready endpoints are served round robin; the pod answers with the body configured for
 * its image (fakeapi_image.body) or with its name.
 *
 * fa_ingress_route runs on the server's loop thread or with f->mu held; fakeapi_ingress_request
 * takes the lock itself. The HTTP port (fakeapi_options.ingress_listen) calls the same router. */
#ifndef CUTOVER_FAKEAPI_SIM_INGRESS_NGINX_H
#define CUTOVER_FAKEAPI_SIM_INGRESS_NGINX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fakeapi/fakeapi.h"

/* The annotation prefix ingress-nginx reads by default (its --annotations-prefix). */
#define FA_INGRESS_DEFAULT_PREFIX "nginx.ingress.kubernetes.io"

/* What one request got. The strings are empty when they do not apply (e.g. no pod for a 404). */
typedef struct {
    int status;                /* 200; 404 no rule (default backend); 502 endpoint without pod; 503 no ready endpoint */
    bool canary;               /* the canary (alternative) backend took the request */
    char ingress_ns[64];       /* the Ingress whose backend served it (the canary Ingress when canary) */
    char ingress[256];
    char service[256];         /* the backend Service (in ingress_ns) */
    char pod[256];             /* the pod that answered */
    char pod_ip[64];
    char pod_template_hash[64]; /* its rollouts-pod-template-hash label, else pod-template-hash, else "" */
    char *body;                /* the response body (malloc'd, NUL-terminated); free with fa_ingress_result_free */
    size_t body_len;
} fa_ingress_result;

/* Routes one request. host may carry a port (stripped) or be NULL/"" (matches only rules without a
 * host); path may carry a query string (ignored); headers are name, value, ..., NULL (names
 * case-insensitive; may be NULL); cookie_header is the Cookie header's value or NULL. Fills *out
 * (caller calls fa_ingress_result_free) and returns out->status. Call with f->mu held or on the
 * server's loop thread. */
int fa_ingress_route(fakeapi *f, const char *host, const char *path, const char *const *headers,
                     const char *cookie_header, fa_ingress_result *out);
void fa_ingress_result_free(fa_ingress_result *r);

/* The same, taking the server's lock: for embedders and the scenario runner. */
int fakeapi_ingress_request(fakeapi *f, const char *host, const char *path, const char *const *headers,
                            const char *cookie_header, fa_ingress_result *out);

/* The port the simulated ingress listens on (the actual one when ingress_listen asked for port 0),
 * or 0 when it is not serving. */
uint16_t fakeapi_ingress_port(fakeapi *f);

/* ingress-nginx's --annotations-prefix (default FA_INGRESS_DEFAULT_PREFIX; NULL restores it).
 * Takes the server's lock. */
void fakeapi_ingress_set_annotation_prefix(fakeapi *f, const char *prefix);

/* The controller's status writes as a simulated controller (fakeapi/sim/sim.h): every Ingress it
 * serves gets status.loadBalancer.ingress [{hostname: localhost}], as the kind deployment of
 * ingress-nginx publishes. Runs when the simulation registers it. */
struct fa_sim_ctl;
extern const struct fa_sim_ctl fa_sim_ingress_nginx;

#endif
