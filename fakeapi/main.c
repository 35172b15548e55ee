/* main.c: the cutover-fakeapi executable: a standalone fake Kubernetes API server. */
#include "fakeapi/fakeapi.h"

#include "common/json.h"
#include "common/yaml.h"
#include "fakeapi/sim/ingress_nginx.h"

#include <signal.h>
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
                 "                       [--no-sim]\n"
                 "\n"
                 "Serves the Kubernetes API over HTTP (default 127.0.0.1:8001; port 0 picks a free one).\n"
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
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "%s: cannot read", path);
        return -1;
    }
    char *text = NULL;
    size_t cap = 0, len = 0, n;
    char buf[4096];
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
        if (len + n + 1 > cap)
            text = realloc(text, cap = 2 * (len + n + 1));
        memcpy(text + len, buf, n);
        len += n;
    }
    fclose(fp);
    char perr[256];
    cJSON *doc = yaml_parse_one(text ? text : "", len, perr, sizeof perr);
    free(text);
    if (!cJSON_IsObject(doc)) {
        snprintf(err, errlen, "%s: %s", path, doc ? "expected a map of image patterns" : perr);
        cJSON_Delete(doc);
        return -1;
    }
    long count = cJSON_GetArraySize(doc), i = 0;
    fakeapi_image *rules = calloc((size_t)count + 1, sizeof *rules);
    const cJSON *e;
    cJSON_ArrayForEach(e, doc)
    {
        fakeapi_image *r = &rules[i++];
        r->image = strdup(e->string);
        const cJSON *v;
        cJSON_ArrayForEach(v, e)
        {
            if (!strcmp(v->string, "body") && cJSON_IsString(v))
                r->body = strdup(v->valuestring);
            else if (!strcmp(v->string, "ready") && cJSON_IsBool(v))
                r->never_ready = cJSON_IsFalse(v);
            else if (!strcmp(v->string, "crashLoop") && cJSON_IsBool(v))
                r->crash_loop = cJSON_IsTrue(v);
            else if (!strcmp(v->string, "readyAfterSeconds") && cJSON_IsNumber(v) && v->valuedouble >= 0)
                r->ready_after = v->valuedouble;
            else {
                snprintf(err, errlen, "%s: images.\"%s\".%s: unknown field or wrong type", path, e->string, v->string);
                cJSON_Delete(doc);
                *out = rules;
                return -1;
            }
        }
    }
    cJSON_Delete(doc);
    *out = rules;
    return count;
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
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
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
    char err[512];
    fakeapi *f = fakeapi_start(&o, err, sizeof err);
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
    for (size_t i = 0; i < o.nimages; i++) {
        free((char *)o.images[i].image);
        free((char *)o.images[i].body);
    }
    free((void *)o.images);
    return 0;
}
