/* standin.c: the stand-in demo app for the kind end-to-end run. One tiny HTTP server, built once
 * and tagged as every image the scenarios and the seed demo name (images/stand-ins.yaml), so that
 * the demo works on any architecture and answers exactly what the scenarios expect:
 *
 *   STANDIN_BODY   what every request is answered with (200, text/plain). Empty or unset: the
 *                  host name and a newline (in a pod, the pod's name), as a simulated pod answers.
 *   STANDIN_READY  "false": print why and exit 1 at once, so the pod never becomes Ready (the
 *                  simulation's `ready: false`; the manifests that use it have no readiness
 *                  probe, so only a container that does not run can be unready).
 *   STANDIN_PORT   the port (8080).
 *
 * The seed's probe paths (Spring Boot's /actuator/health, .../liveness, .../readiness, and
 * Quarkus's /q/health/...) answer {"status":"UP"}. Every response names the pod in
 * X-Cutover-Pod, as the simulated ingress does. SIGTERM exits at once: as PID 1 in a container
 * the default action would be ignored and every pod would take its whole grace period to go.
 * One thread per connection, one request per connection (Connection: close). */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char *body;
static size_t body_len;
static char pod[256];

static void on_term(int sig)
{
    (void)sig;
    _exit(0);
}

static int probe_path(const char *path)
{
    static const char *const paths[] = {"/actuator/health",       "/actuator/health/liveness",
                                        "/actuator/health/readiness", "/q/health", "/q/health/live",
                                        "/q/health/ready",        "/q/health/liveness", "/q/health/readiness",
                                        "/healthz",               "/readyz"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
        if (!strcmp(path, paths[i]))
            return 1;
    return 0;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void *serve(void *arg)
{
    int fd = (int)(long)arg;
    struct timeval tv = {5, 0}; /* a client that sends nothing does not hold a thread for long */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char req[8192];
    size_t len = 0;
    while (len < sizeof req - 1) { /* the request head; a body, if any, is not read */
        ssize_t r = read(fd, req + len, sizeof req - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
        req[len] = 0;
        if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
            break;
    }
    req[len] = 0;
    char method[16] = "", path[2048] = "";
    if (sscanf(req, "%15s %2047s", method, path) == 2) {
        char *q = strchr(path, '?');
        if (q)
            *q = 0;
        const char *b = body;
        size_t bl = body_len;
        const char *type = "text/plain; charset=utf-8";
        if (probe_path(path)) {
            b = "{\"status\":\"UP\"}";
            bl = strlen(b);
            type = "application/json";
        }
        char head[1024];
        int hl = snprintf(head, sizeof head,
                          "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\nX-Cutover-Pod: %s\r\n"
                          "Connection: close\r\n\r\n",
                          type, bl, pod);
        write_all(fd, head, (size_t)hl);
        if (strcmp(method, "HEAD"))
            write_all(fd, b, bl);
    }
    close(fd);
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    signal(SIGPIPE, SIG_IGN);
    if (gethostname(pod, sizeof pod - 1) != 0)
        snprintf(pod, sizeof pod, "standin");
    const char *ready = getenv("STANDIN_READY");
    if (ready && !strcmp(ready, "false")) {
        printf("stand-in %s: configured never to become ready (STANDIN_READY=false); exiting\n", pod);
        return 1;
    }
    static char own[300];
    body = getenv("STANDIN_BODY");
    if (!body || !*body) {
        snprintf(own, sizeof own, "%s\n", pod);
        body = own;
    }
    body_len = strlen(body);
    const char *p = getenv("STANDIN_PORT");
    int port = p && *p ? atoi(p) : 8080;
    if (port <= 0 || port > 65535) {
        fprintf(stderr, "stand-in: STANDIN_PORT %s: not a port\n", p);
        return 2;
    }
    int s = socket(AF_INET6, SOCK_STREAM, 0), v6 = 1;
    if (s < 0) { /* no IPv6 in this network namespace */
        s = socket(AF_INET, SOCK_STREAM, 0);
        v6 = 0;
    }
    int one = 1, zero = 0;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int rc;
    if (v6) {
        setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
        struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((unsigned short)port), .sin6_addr = in6addr_any};
        rc = bind(s, (struct sockaddr *)&a, sizeof a);
    } else {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port), .sin_addr = {htonl(INADDR_ANY)}};
        rc = bind(s, (struct sockaddr *)&a, sizeof a);
    }
    if (rc != 0 || listen(s, 128) != 0) {
        fprintf(stderr, "stand-in: port %d: %s\n", port, strerror(errno));
        return 1;
    }
    printf("stand-in %s listening on :%d, answering %zu bytes\n", pod, port, body_len);
    for (;;) {
        int fd = accept(s, NULL, NULL);
        if (fd < 0)
            continue;
        pthread_t t;
        if (pthread_create(&t, NULL, serve, (void *)(long)fd) != 0) {
            serve((void *)(long)fd);
            continue;
        }
        pthread_detach(t);
    }
}
