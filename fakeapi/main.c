/* main.c: the cutover-fakeapi executable: a standalone fake Kubernetes API server. */
#include "fakeapi/fakeapi.h"

#include "common/file.h"
#include "common/json.h"
#include "common/yaml.h"
#include "fakeapi/sim/ingress_nginx.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static void usage(FILE *out)
{
    fprintf(out, "usage: cutover-fakeapi [--listen HOST:PORT] [--db FILE] [--kubeconfig-out FILE] [--seed N]\n"
                 "                       [--ingress-listen HOST:PORT] [--images FILE] [--pod-ready-seconds S]\n"
                 "                       [--no-sim] [--tls-cert FILE --tls-key FILE [--tls-ca FILE]\n"
                 "                       [--client-ca FILE] [--client-cert FILE --client-key FILE]]\n"
                 "\n"
                 "Serves the Kubernetes API over HTTP (default 127.0.0.1:8001; port 0 picks a free one).\n"
                 "With --tls-cert and --tls-key (PEM) it serves HTTPS instead, as a kind cluster does:\n"
                 "--client-ca makes every client present a certificate that CA signed; --kubeconfig-out\n"
                 "then writes certificate-authority-data from --tls-ca (default: the server certificate\n"
                 "itself) and client-certificate-data and client-key-data from --client-cert and\n"
                 "--client-key.\n"
                 "Without --db the store is in memory; with it, a SQLite file that survives restarts.\n"
                 "It also plays the rest of a cluster (ReplicaSets make pods, pods become Ready, Services\n"
                 "get endpoints, owners' deletion cascades) unless --no-sim; --ingress-listen serves the\n"
                 "simulated ingress-nginx there. --images FILE is YAML mapping image patterns to pod\n"
                 "behaviour, as a scenario's cluster.images: {body: TEXT, ready: false, crashLoop: true,\n"
                 "readyAfterSeconds: N}.\n");
}

/* Reads --images FILE into rules; returns the count, or -1 with a message naming the field. */
static long load_images(const char *path, fakeapi_image **out, char *err, size_t errlen)
{
    size_t len = 0;
    char *text = co_read_file(path, 0, &len);
    if (!text) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char perr[256];
    cJSON *doc = yaml_parse_one(text ? text : "", len, perr, sizeof perr);
    free(text);
    if (!cJSON_IsObject(doc)) {
        snprintf(err, errlen, "%s: %s", path, doc ? "expected a map of image patterns" : perr);
        cJSON_Delete(doc);
        return -1;
    }
    size_t count = 0;
    char ierr[256];
    int rc = fakeapi_images_parse(doc, out, &count, ierr, sizeof ierr);
    cJSON_Delete(doc);
    if (rc != 0) {
        snprintf(err, errlen, "%.200s: %s", path, ierr);
        return -1;
    }
    return (long)count;
}

/* ---- HTTPS: the PEM files the TLS flags name ---- */

typedef struct {
    const char *flag; /* "--tls-cert" */
    const char *path; /* as given; NULL = flag not given */
    bool key;         /* a private key, else certificates */
    char *pem;        /* the file's text (fakeapi_start copies it) */
} pem_arg;

/* Reads a.path into a.pem and checks that it holds what the flag wants, so that a wrong file is
 * named here rather than as a failure to start. Returns 0, or -1 after printing an error naming
 * the flag and the file. */
static int load_pem(pem_arg *a)
{
    size_t len = 0;
    a->pem = co_read_file(a->path, 1u << 20, &len);
    if (!a->pem) {
        fprintf(stderr, "cutover-fakeapi: %s %s: %s\n", a->flag, a->path, strerror(errno));
        return -1;
    }
    gnutls_datum_t d = {.data = (unsigned char *)a->pem, .size = (unsigned)len};
    int rc;
    if (a->key) {
        gnutls_x509_privkey_t k;
        gnutls_x509_privkey_init(&k);
        rc = gnutls_x509_privkey_import2(k, &d, GNUTLS_X509_FMT_PEM, NULL, 0);
        gnutls_x509_privkey_deinit(k);
    } else {
        gnutls_x509_crt_t *crts = NULL;
        unsigned count = 0;
        rc = gnutls_x509_crt_list_import2(&crts, &count, &d, GNUTLS_X509_FMT_PEM, 0);
        for (unsigned i = 0; rc >= 0 && i < count; i++)
            gnutls_x509_crt_deinit(crts[i]);
        if (rc >= 0)
            gnutls_free(crts);
    }
    if (rc < 0) {
        fprintf(stderr, "cutover-fakeapi: %s %s: not %s (GnuTLS: %s)\n", a->flag, a->path,
                a->key ? "an unencrypted PEM private key" : "a PEM certificate", gnutls_strerror(rc));
        return -1;
    }
    return 0;
}

/* Is key's file the private key of cert's certificate? Prints an error naming both if not. */
static int check_pair(const pem_arg *cert, const pem_arg *key)
{
    gnutls_certificate_credentials_t cred;
    gnutls_certificate_allocate_credentials(&cred);
    gnutls_datum_t c = {.data = (unsigned char *)cert->pem, .size = (unsigned)strlen(cert->pem)};
    gnutls_datum_t k = {.data = (unsigned char *)key->pem, .size = (unsigned)strlen(key->pem)};
    int rc = gnutls_certificate_set_x509_key_mem(cred, &c, &k, GNUTLS_X509_FMT_PEM);
    gnutls_certificate_free_credentials(cred);
    if (rc < 0) {
        fprintf(stderr, "cutover-fakeapi: %s %s, %s %s: %s\n", cert->flag, cert->path, key->flag, key->path,
                gnutls_strerror(rc));
        return -1;
    }
    return 0;
}

enum { TLS_CERT, TLS_KEY, TLS_CA, CLIENT_CA, CLIENT_CERT, CLIENT_KEY, NPEM }; /* pem_arg indexes */

static void free_pems(pem_arg *pems)
{
    for (int p = 0; p < NPEM; p++) {
        free(pems[p].pem);
        pems[p].pem = NULL;
    }
}

/* Applies the TLS flags to o: which go together, then the files, read and checked. Returns 0, or
 * -1 after printing an error naming the flags and files. */
static int tls_flags(pem_arg *pems, bool kubeconfig_out, fakeapi_options *o)
{
    const char *bad = !pems[TLS_CERT].path != !pems[TLS_KEY].path         ? "--tls-cert and --tls-key go together"
                      : !pems[CLIENT_CERT].path != !pems[CLIENT_KEY].path ? "--client-cert and --client-key go together"
                      : NULL;
    for (int p = 0; !bad && !pems[TLS_CERT].path && p < NPEM; p++)
        if (pems[p].path) {
            fprintf(stderr, "cutover-fakeapi: %s %s: only for HTTPS, which needs --tls-cert and --tls-key\n",
                    pems[p].flag, pems[p].path);
            return -1;
        }
    /* a kubeconfig without a client certificate would be refused by this very server */
    if (!bad && pems[CLIENT_CA].path && kubeconfig_out && !pems[CLIENT_CERT].path)
        bad = "--client-ca with --kubeconfig-out needs --client-cert and --client-key (the kubeconfig's user)";
    if (bad) {
        fprintf(stderr, "cutover-fakeapi: %s\n", bad);
        return -1;
    }
    for (int p = 0; p < NPEM; p++)
        if (pems[p].path && load_pem(&pems[p]) != 0) {
            free_pems(pems);
            return -1;
        }
    if ((pems[TLS_CERT].pem && check_pair(&pems[TLS_CERT], &pems[TLS_KEY]) != 0) ||
        (pems[CLIENT_CERT].pem && check_pair(&pems[CLIENT_CERT], &pems[CLIENT_KEY]) != 0)) {
        free_pems(pems);
        return -1;
    }
    o->tls_cert_pem = pems[TLS_CERT].pem;
    o->tls_key_pem = pems[TLS_KEY].pem;
    o->tls_ca_pem = pems[TLS_CA].pem;
    o->tls_client_ca_pem = pems[CLIENT_CA].pem;
    o->tls_client_cert_pem = pems[CLIENT_CERT].pem;
    o->tls_client_key_pem = pems[CLIENT_KEY].pem;
    return 0;
}

/* Parses HOST:PORT into host (size hostlen) and *port. */
static int parse_hostport(const char *v, char *host, size_t hostlen, uint16_t *port)
{
    const char *colon = strrchr(v, ':');
    char *end;
    long p = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || *end || colon == v || p < 0 || p > 65535 || (size_t)(colon - v) >= hostlen)
        return -1;
    snprintf(host, hostlen, "%.*s", (int)(colon - v), v);
    *port = (uint16_t)p;
    return 0;
}

int main(int argc, char **argv)
{
    fakeapi_options o = {.port = 8001};
    const char *kubeconfig = NULL;
    char host[64] = "127.0.0.1";
    pem_arg pems[NPEM] = {
        [TLS_CERT] = {.flag = "--tls-cert"},       [TLS_KEY] = {.flag = "--tls-key", .key = true},
        [TLS_CA] = {.flag = "--tls-ca"},           [CLIENT_CA] = {.flag = "--client-ca"},
        [CLIENT_CERT] = {.flag = "--client-cert"}, [CLIENT_KEY] = {.flag = "--client-key", .key = true},
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int pem = -1;
        for (int p = 0; p < NPEM; p++)
            if (!strcmp(a, pems[p].flag))
                pem = p;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (pem >= 0 && v) {
            pems[pem].path = v;
            i++;
        } else if (!strcmp(a, "--listen") && v) {
            if (parse_hostport(v, host, sizeof host, &o.port) != 0) {
                fprintf(stderr, "cutover-fakeapi: --listen %s: expected HOST:PORT, e.g. 127.0.0.1:8001\n", v);
                return 2;
            }
            i++;
        } else if (!strcmp(a, "--ingress-listen") && v) {
            char ihost[64];
            uint16_t iport;
            if (parse_hostport(v, ihost, sizeof ihost, &iport) != 0) {
                fprintf(stderr, "cutover-fakeapi: --ingress-listen %s: expected HOST:PORT, e.g. 127.0.0.1:30000\n", v);
                return 2;
            }
            o.ingress_listen = v;
            i++;
        } else if (!strcmp(a, "--images") && v) {
            char ierr[512];
            fakeapi_image *rules = NULL;
            long n = load_images(v, &rules, ierr, sizeof ierr);
            if (n < 0) {
                fprintf(stderr, "cutover-fakeapi: --images %s\n", ierr);
                return 2;
            }
            o.images = rules; /* kept for the life of the process */
            o.nimages = (size_t)n;
            i++;
        } else if (!strcmp(a, "--pod-ready-seconds") && v) {
            char *end;
            o.pod_ready_seconds = strtod(v, &end);
            if (*end || o.pod_ready_seconds < 0) {
                fprintf(stderr, "cutover-fakeapi: --pod-ready-seconds %s: expected a number of seconds\n", v);
                return 2;
            }
            i++;
        } else if (!strcmp(a, "--no-sim")) {
            o.no_sim = 1;
        } else if (!strcmp(a, "--db") && v) {
            o.db_path = v;
            i++;
        } else if (!strcmp(a, "--kubeconfig-out") && v) {
            kubeconfig = v;
            i++;
        } else if (!strcmp(a, "--seed") && v) {
            o.seed = strtoull(v, NULL, 10);
            i++;
        } else {
            fprintf(stderr, "cutover-fakeapi: unknown or incomplete argument: %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    o.host = host;
    if (tls_flags(pems, kubeconfig != NULL, &o) != 0)
        return 2;
    char err[512];
    fakeapi *f = fakeapi_start(&o, err, sizeof err);
    free_pems(pems); /* the server has its copies */
    if (!f) {
        fprintf(stderr, "cutover-fakeapi: %s\n", err);
        return 1;
    }
    if (kubeconfig && fakeapi_write_kubeconfig(f, kubeconfig, err, sizeof err) != 0) {
        fprintf(stderr, "cutover-fakeapi: --kubeconfig-out %s\n", err);
        fakeapi_stop(f);
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    printf("cutover-fakeapi serving %s%s%s%s\n", fakeapi_url(f), o.db_path ? " (store: " : " (store: memory)",
           o.db_path ? o.db_path : "", o.db_path ? ")" : "");
    if (o.ingress_listen) /* the host as given, the port as bound (0 picks one) */
        printf("cutover-fakeapi ingress-nginx on http://%.*s:%u\n",
               (int)(strrchr(o.ingress_listen, ':') - o.ingress_listen), o.ingress_listen, fakeapi_ingress_port(f));
    fflush(stdout);
    while (!stop)
        pause();
    fakeapi_stop(f);
    fakeapi_images_free((fakeapi_image *)o.images, o.nimages);
    return 0;
}
