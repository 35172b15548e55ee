/* test_kube_tls.c: the fake API server over HTTPS with client certificates, as a kind cluster's
 * apiserver serves it, and the client (controller/kube) reaching it through the kind-style
 * kubeconfig the server writes: verbs and a watch, a wrong CA, a missing or foreign client
 * certificate, the TLS options' checks, real kubectl when there is one, and cutover-fakeapi's
 * TLS flags. The certificates are throwaway fixtures in data/tls (see its README). */
#include "cu.h"
#include "common/json.h"
#include "controller/kube/client.h"
#include "controller/kube/config.h"
#include "fakeapi/fakeapi.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const kube_gvr NS = {"", "v1", "namespaces", 0};
static const kube_gvr CM = {"", "v1", "configmaps", 1};

static char data_dir[PATH_MAX]; /* tests/unit/data/tls, found from __FILE__ */
static char tmp_dir[512];       /* this run's scratch directory, removed at the end */

/* the fixtures' text */
static char *CA, *SRV_CRT, *SRV_KEY, *CLI_CRT, *CLI_KEY, *OTHER_CA, *OTHER_CLI_CRT, *OTHER_CLI_KEY;

/* The server every test but the options' shares: HTTPS, client certificates required. */
static fakeapi *srv;
static char srv_kubeconfig[PATH_MAX];

static char *read_text(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    size_t cap = 4096, len = 0, n;
    char *s = malloc(cap);
    while ((n = fread(s + len, 1, cap - len - 1, fp)) > 0)
        if ((len += n) + 1 == cap)
            s = realloc(s, cap *= 2);
    fclose(fp);
    s[len] = 0;
    return s;
}

static char *fixture(const char *name)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", data_dir, name);
    char *s = read_text(path);
    if (!s)
        fprintf(stderr, "test_kube_tls: cannot read fixture %s: %s\n", path, strerror(errno));
    return s;
}

static void scratch(const char *name, char out[PATH_MAX])
{
    snprintf(out, PATH_MAX, "%s/%s", tmp_dir, name);
}

/* An HTTPS server (no simulated cluster: these tests need only the API). */
static fakeapi *start_tls(const char *client_ca, const char *ca, const char *client_cert, const char *client_key)
{
    fakeapi_options o = {.no_sim = 1,
                         .tls_cert_pem = SRV_CRT,
                         .tls_key_pem = SRV_KEY,
                         .tls_client_ca_pem = client_ca,
                         .tls_ca_pem = ca,
                         .tls_client_cert_pem = client_cert,
                         .tls_client_key_pem = client_key};
    char err[512] = "";
    fakeapi *f = fakeapi_start(&o, err, sizeof err);
    if (!f)
        fprintf(stderr, "fakeapi_start: %s\n", err);
    return f;
}

/* Replaces one of cfg's PEM blobs (a copy of pem, or none). */
static void set_pem(char **blob, size_t *len, const char *pem)
{
    free(*blob);
    *blob = pem ? strdup(pem) : NULL;
    *len = pem ? strlen(pem) : 0;
}

typedef struct {
    int set;                     /* replace the client certificate and key with these */
    const char *cert, *key;      /* NULL, NULL = present none */
} cert_override;

/* A client built from the kubeconfig at path, the way a controller builds one; retries off, so
 * that a refused connection fails at once. NULL (with the reason printed) when it cannot. */
static kube_client *client_from(const char *path, const cert_override *ov)
{
    kube_config cfg;
    char err[512] = "";
    if (kube_config_load(&(kube_config_opts){.kubeconfig = path}, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "kube_config_load: %s\n", err);
        return NULL;
    }
    if (ov && ov->set) {
        set_pem(&cfg.cert_pem, &cfg.cert_len, ov->cert);
        set_pem(&cfg.key_pem, &cfg.key_len, ov->key);
    }
    kube_client *c = kube_client_new(&cfg, &(kube_client_opts){.max_retries = -1, .qps = 1000, .burst = 1000}, err,
                                     sizeof err);
    if (!c)
        fprintf(stderr, "kube_client_new: %s\n", err);
    kube_config_free(&cfg);
    return c;
}

static int blob_is(const char *blob, size_t len, const char *text)
{
    return blob && text && len == strlen(text) && !memcmp(blob, text, len);
}

/* Does a namespace list hold one named name? */
static int lists_name(const cJSON *list, const char *name)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(list, "items"))
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(item, "metadata"), "name");
        if (cJSON_IsString(n) && !strcmp(n->valuestring, name))
            return 1;
    }
    return 0;
}

/* ---- the kubeconfig ---- */

static void test_kubeconfig_is_kind_style(void)
{
    char *text = read_text(srv_kubeconfig);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(strncmp(fakeapi_url(srv), "https://127.0.0.1:", 18), 0);
    char line[128];
    snprintf(line, sizeof line, "    server: %s\n", fakeapi_url(srv));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, line));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "    certificate-authority-data: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "    client-certificate-data: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "    client-key-data: "));
    CU_ASSERT_PTR_NULL(strstr(text, "BEGIN")); /* everything inline is base64, as kind writes it */
    free(text);
    /* it holds a private key: for its owner only */
    struct stat sb;
    CU_ASSERT_EQUAL_FATAL(stat(srv_kubeconfig, &sb), 0);
    CU_ASSERT_EQUAL(sb.st_mode & 0777, 0600);
    /* the kubeconfig loader reads back exactly what the server was given */
    kube_config cfg;
    char err[512] = "";
    kube_config_opts load = {.kubeconfig = srv_kubeconfig};
    CU_ASSERT_EQUAL_FATAL(kube_config_load(&load, &cfg, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(cfg.server, fakeapi_url(srv));
    CU_ASSERT_STRING_EQUAL(cfg.namespace_, "default");
    CU_ASSERT_TRUE(blob_is(cfg.ca_pem, cfg.ca_len, CA));
    CU_ASSERT_TRUE(blob_is(cfg.cert_pem, cfg.cert_len, CLI_CRT));
    CU_ASSERT_TRUE(blob_is(cfg.key_pem, cfg.key_len, CLI_KEY));
    CU_ASSERT_FALSE(cfg.insecure);
    kube_config_free(&cfg);
}

/* ---- the client over HTTPS ---- */

static void test_list_create_get_watch(void)
{
    kube_client *c = client_from(srv_kubeconfig, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    kube_status st;
    cJSON *list = kube_list(c, &NS, NULL, NULL, &st);
    CU_ASSERT_EQUAL(st.code, 200);
    if (st.code != 200)
        fprintf(stderr, "list namespaces: %d %s\n", st.code, st.message);
    CU_ASSERT_TRUE(lists_name(list, "default"));
    CU_ASSERT_TRUE(lists_name(list, "kube-system"));
    cJSON_Delete(list);

    cJSON *cm = cJSON_Parse("{\"metadata\":{\"name\":\"over-tls\"},\"data\":{\"k\":\"v\"}}");
    cJSON *made = kube_create(c, &CM, "default", cm, &st);
    CU_ASSERT_EQUAL(st.code, 201);
    cJSON_Delete(made);
    cJSON_Delete(cm);
    cJSON *got = kube_get(c, &CM, "default", "over-tls", &st);
    CU_ASSERT_EQUAL(st.code, 200);
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(got, "data"), "k");
    CU_ASSERT_TRUE(cJSON_IsString(k) && !strcmp(k->valuestring, "v"));
    cJSON_Delete(got);
    cJSON_Delete(kube_get(c, &CM, "default", "absent", &st));
    CU_ASSERT_EQUAL(st.code, 404); /* API errors still come back as Status objects */
    CU_ASSERT_STRING_EQUAL(st.reason, "NotFound");

    /* a watch: a long response the server suspends and resumes, over TLS */
    kube_watch *w = kube_watch_open(c, &CM, "default", &(kube_watch_opts){.timeout_seconds = 30}, &st);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    char type[16];
    cJSON *obj = NULL;
    CU_ASSERT_EQUAL(kube_watch_next(w, 5000, type, &obj, &st), 1); /* the current state */
    CU_ASSERT_STRING_EQUAL(type, "ADDED");
    cJSON_Delete(obj);
    obj = NULL;
    cm = cJSON_Parse("{\"metadata\":{\"name\":\"watched\"}}");
    cJSON_Delete(kube_create(c, &CM, "default", cm, &st));
    cJSON_Delete(cm);
    CU_ASSERT_EQUAL(kube_watch_next(w, 5000, type, &obj, &st), 1);
    CU_ASSERT_STRING_EQUAL(type, "ADDED");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "name");
    CU_ASSERT_TRUE(cJSON_IsString(name) && !strcmp(name->valuestring, "watched"));
    cJSON_Delete(obj);
    kube_watch_close(w);
    kube_client_free(c);
}

static void test_wrong_ca(void)
{
    /* a second server with the same certificate whose kubeconfig names another CA */
    fakeapi *f = start_tls(CA, OTHER_CA, CLI_CRT, CLI_KEY);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char path[PATH_MAX], err[512] = "";
    scratch("wrong-ca.kubeconfig", path);
    CU_ASSERT_EQUAL_FATAL(fakeapi_write_kubeconfig(f, path, err, sizeof err), 0);
    kube_client *c = client_from(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    kube_status st;
    CU_ASSERT_PTR_NULL(kube_list(c, &NS, NULL, NULL, &st));
    CU_ASSERT_EQUAL(st.code, 0);
    CU_ASSERT_STRING_EQUAL(st.reason, "TransportError");
    CU_ASSERT_PTR_NOT_NULL(strstr(st.message, "certificate"));
    printf("\n    wrong CA: %s\n", st.message);
    kube_client_free(c);
    fakeapi_stop(f);
}

static void test_client_certificate_required(void)
{
    kube_status st;
    /* no client certificate at all */
    kube_client *c = client_from(srv_kubeconfig, &(cert_override){.set = 1});
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_NULL(kube_list(c, &NS, NULL, NULL, &st));
    CU_ASSERT_EQUAL(st.code, 0); /* refused during the handshake: no HTTP answer */
    printf("\n    no client certificate: %s\n", st.message);
    kube_client_free(c);
    /* a certificate, but signed by a CA the server does not trust */
    c = client_from(srv_kubeconfig, &(cert_override){.set = 1, .cert = OTHER_CLI_CRT, .key = OTHER_CLI_KEY});
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_NULL(kube_list(c, &NS, NULL, NULL, &st));
    CU_ASSERT_EQUAL(st.code, 0);
    printf("    foreign client certificate: %s\n", st.message);
    kube_client_free(c);
    /* signed by the right CA, but for a server (extended key usage serverAuth only) */
    c = client_from(srv_kubeconfig, &(cert_override){.set = 1, .cert = SRV_CRT, .key = SRV_KEY});
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_NULL(kube_list(c, &NS, NULL, NULL, &st));
    CU_ASSERT_EQUAL(st.code, 0);
    printf("    a server's certificate as a client's: %s\n", st.message);
    kube_client_free(c);
    /* and the server goes on serving the right one */
    c = client_from(srv_kubeconfig, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    cJSON_Delete(kube_list(c, &NS, NULL, NULL, &st));
    CU_ASSERT_EQUAL(st.code, 200);
    kube_client_free(c);
}

/* ---- options ---- */

static void test_options(void)
{
    char err[512], path[PATH_MAX];
    /* half a key pair, a key that is not the certificate's, TLS extras without HTTPS */
    fakeapi_options half = {.no_sim = 1, .tls_cert_pem = SRV_CRT};
    CU_ASSERT_PTR_NULL(fakeapi_start(&half, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tls_key_pem"));
    fakeapi_options mismatch = {.no_sim = 1, .tls_cert_pem = SRV_CRT, .tls_key_pem = CLI_KEY};
    CU_ASSERT_PTR_NULL(fakeapi_start(&mismatch, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tls_cert_pem, tls_key_pem: "));
    fakeapi_options garbage = {.no_sim = 1, .tls_cert_pem = SRV_CRT, .tls_key_pem = SRV_KEY,
                               .tls_client_ca_pem = "not a certificate"};
    CU_ASSERT_PTR_NULL(fakeapi_start(&garbage, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tls_client_ca_pem"));
    fakeapi_options no_https = {.no_sim = 1, .tls_client_ca_pem = CA};
    CU_ASSERT_PTR_NULL(fakeapi_start(&no_https, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tls_client_ca_pem"));
    fakeapi_options half_client = {.no_sim = 1, .tls_cert_pem = SRV_CRT, .tls_key_pem = SRV_KEY,
                                   .tls_client_cert_pem = CLI_CRT};
    CU_ASSERT_PTR_NULL(fakeapi_start(&half_client, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tls_client_key_pem"));

    /* client certificates required but none to give: no kubeconfig the server would refuse */
    fakeapi *f = start_tls(CA, CA, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    scratch("no-user.kubeconfig", path);
    CU_ASSERT_EQUAL(fakeapi_write_kubeconfig(f, path, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tls_client_cert_pem"));
    fakeapi_stop(f);

    /* HTTPS without client certificates and without a CA: the kubeconfig trusts the server's
     * certificate itself, and a client with no certificate of its own gets in */
    f = start_tls(NULL, NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    scratch("server-only.kubeconfig", path);
    CU_ASSERT_EQUAL_FATAL(fakeapi_write_kubeconfig(f, path, err, sizeof err), 0);
    kube_config cfg;
    CU_ASSERT_EQUAL_FATAL(kube_config_load(&(kube_config_opts){.kubeconfig = path}, &cfg, err, sizeof err), 0);
    CU_ASSERT_TRUE(blob_is(cfg.ca_pem, cfg.ca_len, SRV_CRT));
    CU_ASSERT_PTR_NULL(cfg.cert_pem);
    kube_config_free(&cfg);
    kube_client *c = client_from(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    kube_status st;
    cJSON_Delete(kube_list(c, &NS, NULL, NULL, &st));
    CU_ASSERT_EQUAL(st.code, 200);
    kube_client_free(c);
    fakeapi_stop(f);

    /* no TLS options: plain HTTP and the kubeconfig exactly as before */
    f = fakeapi_start(&(fakeapi_options){.no_sim = 1}, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(strncmp(fakeapi_url(f), "http://127.0.0.1:", 17), 0);
    scratch("http.kubeconfig", path);
    CU_ASSERT_EQUAL_FATAL(fakeapi_write_kubeconfig(f, path, err, sizeof err), 0);
    char want[1024];
    snprintf(want, sizeof want,
             "apiVersion: v1\nkind: Config\nclusters:\n- name: cutover\n  cluster:\n    server: %s\nusers:\n"
             "- name: cutover\n  user: {}\ncontexts:\n- name: cutover\n  context:\n    cluster: cutover\n"
             "    user: cutover\n    namespace: default\ncurrent-context: cutover\npreferences: {}\n",
             fakeapi_url(f));
    char *text = read_text(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_STRING_EQUAL(text, want);
    free(text);
    fakeapi_stop(f);
}

/* ---- kubectl ---- */

static int on_path(const char *prog)
{
    const char *path = getenv("PATH");
    char buf[PATH_MAX];
    for (const char *p = path ? path : ""; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, prog);
        if (n && access(buf, X_OK) == 0)
            return 1;
        p += n + (p[n] == ':');
    }
    return 0;
}

static void test_kubectl(void)
{
    if (!on_path("kubectl")) {
        printf("\n    note: kubectl is not on PATH: skipping `kubectl get ns` over HTTPS\n");
        return;
    }
    char cache[PATH_MAX], cmd[3 * PATH_MAX];
    scratch("kubectl-cache", cache);
    snprintf(cmd, sizeof cmd, "kubectl --kubeconfig '%s' --cache-dir '%s' --request-timeout=20s get ns 2>&1",
             srv_kubeconfig, cache);
    FILE *p = popen(cmd, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    char out[8192];
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = 0;
    int status = pclose(p);
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\ndefault "));
    if (!strstr(out, "\ndefault "))
        fprintf(stderr, "kubectl get ns:\n%s\n", out);
}

/* ---- cutover-fakeapi's TLS flags ---- */

/* The cutover-fakeapi built with this test: the build directory's top, one up from tests/. */
static int find_fakeapi(char out[PATH_MAX])
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return -1;
    self[n] = 0;
    char *slash = strrchr(self, '/');
    if (!slash)
        return -1;
    *slash = 0;
    snprintf(out, PATH_MAX, "%.*s/../cutover-fakeapi", PATH_MAX - 32, self);
    return access(out, X_OK);
}

/* Runs cutover-fakeapi with args (a shell fragment) to completion; returns its exit status, with
 * what it printed in out. */
static int run_fakeapi(const char *bin, const char *args, char *out, size_t n)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' --listen 127.0.0.1:0 --no-sim %s 2>&1", data_dir, bin, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t len = fread(out, 1, n - 1, p);
    out[len] = 0;
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_cli_flags(void)
{
    char bin[PATH_MAX];
    if (find_fakeapi(bin) != 0) {
        printf("\n    note: no cutover-fakeapi next to this test: skipping its flags\n");
        return;
    }
    char out[4096];
    /* mistakes name the flag and the file */
    CU_ASSERT_EQUAL(run_fakeapi(bin, "--tls-cert server.crt", out, sizeof out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--tls-cert and --tls-key go together"));
    CU_ASSERT_EQUAL(run_fakeapi(bin, "--tls-cert absent.crt --tls-key server.key", out, sizeof out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--tls-cert absent.crt: No such file"));
    CU_ASSERT_EQUAL(run_fakeapi(bin, "--tls-cert server.key --tls-key server.key", out, sizeof out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--tls-cert server.key: not a PEM certificate"));
    CU_ASSERT_EQUAL(run_fakeapi(bin, "--tls-cert server.crt --tls-key server.crt", out, sizeof out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--tls-key server.crt: not an unencrypted PEM private key"));
    CU_ASSERT_EQUAL(run_fakeapi(bin, "--tls-cert server.crt --tls-key client.key", out, sizeof out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--tls-cert server.crt, --tls-key client.key: "));
    CU_ASSERT_EQUAL(run_fakeapi(bin, "--client-ca ca.crt", out, sizeof out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--client-ca ca.crt: only for HTTPS"));
    CU_ASSERT_EQUAL(run_fakeapi(bin, "--tls-cert server.crt --tls-key server.key --client-ca ca.crt "
                                     "--kubeconfig-out /dev/null", out, sizeof out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "needs --client-cert and --client-key"));
    CU_ASSERT_EQUAL(run_fakeapi(bin, "--tls-cert server.crt --tls-key server.key --client-cert client.crt",
                                out, sizeof out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--client-cert and --client-key go together"));

    /* serving: HTTPS with client certificates, and the kubeconfig it writes works */
    char kubeconfig[PATH_MAX];
    scratch("cli.kubeconfig", kubeconfig);
    int fds[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
    pid_t pid = fork();
    CU_ASSERT_NOT_EQUAL_FATAL(pid, -1);
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        if (chdir(data_dir) == 0)
            execl(bin, bin, "--listen", "127.0.0.1:0", "--no-sim", "--tls-cert", "server.crt", "--tls-key",
                  "server.key", "--tls-ca", "ca.crt", "--client-ca", "ca.crt", "--client-cert", "client.crt",
                  "--client-key", "client.key", "--kubeconfig-out", kubeconfig, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    /* "cutover-fakeapi serving https://127.0.0.1:PORT (store: memory)" once it listens */
    char line[256] = "";
    size_t len = 0;
    struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
    while (len < sizeof line - 1 && !strchr(line, '\n') && poll(&pfd, 1, 10000) > 0) {
        ssize_t n = read(fds[0], line + len, sizeof line - 1 - len);
        if (n <= 0)
            break;
        line[len += (size_t)n] = 0;
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(line, "serving https://127.0.0.1:"));
    kube_client *c = client_from(kubeconfig, NULL);
    CU_ASSERT_PTR_NOT_NULL(c);
    if (c) {
        kube_status st;
        cJSON *list = kube_list(c, &NS, NULL, NULL, &st);
        CU_ASSERT_EQUAL(st.code, 200);
        CU_ASSERT_TRUE(lists_name(list, "default"));
        cJSON_Delete(list);
        kube_client_free(c);
    }
    kill(pid, SIGTERM);
    int status;
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fds[0]);
}

/* ---- setup ---- */

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

int main(void)
{
    /* the fixtures sit next to this source file */
    const char *src = __FILE__, *slash = strrchr(src, '/');
    snprintf(data_dir, sizeof data_dir, "%.*s/data/tls", slash ? (int)(slash - src) : 1, slash ? src : ".");
    CA = fixture("ca.crt");
    SRV_CRT = fixture("server.crt");
    SRV_KEY = fixture("server.key");
    CLI_CRT = fixture("client.crt");
    CLI_KEY = fixture("client.key");
    OTHER_CA = fixture("other-ca.crt");
    OTHER_CLI_CRT = fixture("other-client.crt");
    OTHER_CLI_KEY = fixture("other-client.key");
    if (!CA || !SRV_CRT || !SRV_KEY || !CLI_CRT || !CLI_KEY || !OTHER_CA || !OTHER_CLI_CRT || !OTHER_CLI_KEY)
        return 2;
    const char *tmp = getenv("TMPDIR");
    snprintf(tmp_dir, sizeof tmp_dir, "%s/cutover-tls-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(tmp_dir)) {
        fprintf(stderr, "test_kube_tls: mkdtemp %s: %s\n", tmp_dir, strerror(errno));
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    /* kind's apiserver: its CA signed the server's certificate and the admin's */
    srv = start_tls(CA, CA, CLI_CRT, CLI_KEY);
    char err[512] = "";
    scratch("kind.kubeconfig", srv_kubeconfig);
    if (!srv || fakeapi_write_kubeconfig(srv, srv_kubeconfig, err, sizeof err) != 0) {
        fprintf(stderr, "test_kube_tls: cannot start the HTTPS server: %s\n", err);
        return 2;
    }
    static const cu_test tests[] = {
        {"kubeconfig: kind-style, certificates inline, loaded back as given", test_kubeconfig_is_kind_style},
        {"HTTPS with a client certificate: list, create, get, watch", test_list_create_get_watch},
        {"a kubeconfig with the wrong CA: a transport error about the certificate", test_wrong_ca},
        {"no client certificate, a foreign one or a server's: refused", test_client_certificate_required},
        {"TLS options: checks, server-only TLS, plain HTTP unchanged", test_options},
        {"kubectl get ns over HTTPS", test_kubectl},
        {"cutover-fakeapi TLS flags", test_cli_flags},
        {NULL, NULL},
    };
    int rc = cu_run("kube_tls", tests);
    fakeapi_stop(srv);
    nftw(tmp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    char *all[] = {CA, SRV_CRT, SRV_KEY, CLI_CRT, CLI_KEY, OTHER_CA, OTHER_CLI_CRT, OTHER_CLI_KEY};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        free(all[i]);
    return rc;
}
