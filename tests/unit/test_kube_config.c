/* test_kube_config.c: the configuration loader: kubeconfig files (kind-shaped, tokens, token
 * files, basic auth, exec plugins), KUBECONFIG merging, contexts and namespaces, relative paths,
 * the in-cluster service account and its token rotation, bad files and their messages, and that
 * no message ever carries a secret. Fixtures live in tests/unit/data/kubeconfig; every secret in
 * them contains "SECRET". */
#include "cu.h"
#include "common/clock.h"
#include "controller/kube/config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char data_dir[2048];   /* <this file's directory>/data/kubeconfig */
static char tmp_dir[1024];     /* a scratch directory for this run; HOME points inside it */
static char key_line[32];       /* a piece of client.key's body: must never reach a message */

/* Paths into the fixture and scratch directories; a few rotating buffers so calls can nest. */
static const char *fx(const char *name)
{
    static char bufs[8][PATH_MAX];
    static int i;
    char *b = bufs[i++ % 8];
    snprintf(b, PATH_MAX, "%s/%s", data_dir, name);
    return b;
}

static const char *tmp(const char *name)
{
    static char bufs[8][PATH_MAX];
    static int i;
    char *b = bufs[i++ % 8];
    snprintf(b, PATH_MAX, "%s/%s", tmp_dir, name);
    return b;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    fclose(f);
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

/* Every variable the loader (or the plugin fixture) reads, reset before each test. */
static void env_clean(void)
{
    static const char *const vars[] = {"KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT",
                                       "CUTOVER_SERVICEACCOUNT_DIR", "POD_NAMESPACE", "PLUGIN_COUNT_FILE",
                                       "PLUGIN_INFO_FILE", "PLUGIN_EXPIRY", "KUBERNETES_EXEC_INFO", NULL};
    for (const char *const *v = vars; *v; v++)
        unsetenv(*v);
    setenv("HOME", tmp("home"), 1);
}

static void assert_no_secret(const char *msg)
{
    CU_ASSERT_PTR_NULL(strstr(msg, "SECRET"));
    CU_ASSERT_PTR_NULL(strstr(msg, key_line));
    CU_ASSERT_PTR_NULL(strstr(msg, "PRIVATE KEY"));
    CU_ASSERT_PTR_NULL(strstr(msg, "LS0tLS1CRUdJTi")); /* base64 of "-----BEGIN" */
}

static int load(const char *file, const char *ctx, const char *ns, kube_config *c, char *err, size_t errlen)
{
    kube_config_opts o = {.kubeconfig = file, .context = ctx, .namespace_ = ns};
    err[0] = 0;
    int rc = kube_config_load(&o, c, err, errlen);
    if (rc != 0)
        assert_no_secret(err);
    return rc;
}

/* Loading fails with a message containing want (and no secret). */
static void expect_fail(const char *file, const char *ctx, const char *want)
{
    kube_config c;
    char err[1024];
    CU_ASSERT_EQUAL(load(file, ctx, NULL, &c, err, sizeof err), -1);
    if (!strstr(err, want))
        fprintf(stderr, "\n  expected \"%s\" in: %s\n", want, err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
    CU_ASSERT_PTR_NULL(c.server); /* nothing half-loaded is left behind */
    kube_config_free(&c);
}

static void assert_same_file(const char *pem, size_t len, const char *fixture)
{
    size_t n;
    char *want = read_all(fx(fixture), &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pem);
    CU_ASSERT_EQUAL(len, n);
    CU_ASSERT(len == n && memcmp(pem, want, n) == 0);
    CU_ASSERT_EQUAL(pem[len], 0);
    free(want);
}

static int count_lines(const char *path)
{
    char *s = read_all(path, NULL);
    int n = 0;
    for (char *p = s; p && *p; p++)
        n += *p == '\n';
    free(s);
    return n;
}

/* ---------------------------------------------------------------------------------------------
 * kubeconfig contents
 * ------------------------------------------------------------------------------------------- */

static void test_kind_kubeconfig(void)
{
    env_clean();
    kube_config c;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load(fx("kind.yaml"), NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.server, "https://127.0.0.1:40123"); /* trailing slash stripped */
    CU_ASSERT_STRING_EQUAL(c.context, "kind-kind");
    CU_ASSERT_STRING_EQUAL(c.namespace_, "default");
    CU_ASSERT_FALSE(c.insecure);
    CU_ASSERT_PTR_NULL(c.tls_server_name);
    assert_same_file(c.ca_pem, c.ca_len, "ca.crt");
    assert_same_file(c.cert_pem, c.cert_len, "client.crt");
    assert_same_file(c.key_pem, c.key_len, "client.key");
    CU_ASSERT_PTR_NULL(c.token);
    CU_ASSERT_PTR_NULL(c.token_file);
    CU_ASSERT_PTR_NULL(c.username);
    CU_ASSERT_PTR_NULL(c.exec_argv);
    const char *tok = "x";
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_PTR_NULL(tok);
    kube_config_free(&c);
    CU_ASSERT_PTR_NULL(c.server);
    kube_config_free(&c); /* twice is harmless */
}

static void test_wrapped_base64(void)
{
    env_clean();
    kube_config c;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load(fx("wrapped.yaml"), NULL, NULL, &c, err, sizeof err), 0);
    assert_same_file(c.ca_pem, c.ca_len, "ca.crt");
    CU_ASSERT_STRING_EQUAL(c.server, "https://10.0.0.1:6443");
    kube_config_free(&c);
}

static void test_token_user(void)
{
    env_clean();
    kube_config c;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load(fx("users.yaml"), NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.context, "tok");
    CU_ASSERT_STRING_EQUAL(c.server, "https://api.example.test:6443");
    CU_ASSERT_STRING_EQUAL(c.tls_server_name, "kubernetes.default");
    CU_ASSERT_STRING_EQUAL(c.namespace_, "team-a");
    CU_ASSERT_STRING_EQUAL(c.token, "tok-SECRET-0123456789");
    CU_ASSERT_PTR_NULL(c.ca_pem);
    const char *tok = NULL;
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(tok, "tok-SECRET-0123456789");
    kube_config_free(&c);
}

static void test_token_file_user(void)
{
    env_clean();
    kube_config c;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load(fx("users.yaml"), "tokfile", NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.token, "tokfile-SECRET-42"); /* newline trimmed */
    CU_ASSERT_STRING_EQUAL(c.token_file, fx("token.txt"));
    const char *tok = NULL;
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(tok, "tokfile-SECRET-42");
    kube_config_free(&c);
}

static void test_basic_auth_user(void)
{
    env_clean();
    kube_config c;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load(fx("users.yaml"), "basic", NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.username, "admin");
    CU_ASSERT_STRING_EQUAL(c.password, "pw-SECRET-hunter2");
    CU_ASSERT_STRING_EQUAL(c.namespace_, "default"); /* namespace: "" counts as unset */
    const char *tok = "x";
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_PTR_NULL(tok);
    kube_config_free(&c);
}

static void test_server_without_scheme(void)
{
    env_clean();
    kube_config c;
    char err[512];
    /* client-go's DefaultServerURL: http:// without TLS settings, https:// with them */
    CU_ASSERT_EQUAL_FATAL(load(fx("users.yaml"), "nouser", NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.server, "http://127.0.0.1:8001");
    CU_ASSERT_PTR_NULL(c.token);
    kube_config_free(&c);
    CU_ASSERT_EQUAL_FATAL(load(fx("users.yaml"), "nouser-tls", NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.server, "https://127.0.0.1:6443");
    CU_ASSERT_TRUE(c.insecure);
    kube_config_free(&c);
}

static void test_namespace_precedence(void)
{
    env_clean();
    kube_config c;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load(fx("users.yaml"), "tok", "explicit", &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.namespace_, "explicit");
    kube_config_free(&c);
    CU_ASSERT_EQUAL_FATAL(load(fx("users.yaml"), "tok", NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.namespace_, "team-a");
    kube_config_free(&c);
    CU_ASSERT_EQUAL_FATAL(load(fx("users.yaml"), "tokfile", NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.namespace_, "default");
    kube_config_free(&c);
}

static void test_relative_paths(void)
{
    env_clean();
    kube_config c;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load(fx("sub/relative.yaml"), NULL, NULL, &c, err, sizeof err), 0);
    assert_same_file(c.ca_pem, c.ca_len, "ca.crt");
    assert_same_file(c.cert_pem, c.cert_len, "client.crt");
    assert_same_file(c.key_pem, c.key_len, "client.key");
    CU_ASSERT_STRING_EQUAL(c.token, "tokfile-SECRET-42");
    CU_ASSERT_STRING_EQUAL(c.namespace_, "rel-ns");
    kube_config_free(&c);

    /* a relative kubeconfig path: its directory is made absolute, so the token file still
     * resolves after the working directory changes */
    char cwd[PATH_MAX];
    CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof cwd));
    CU_ASSERT_EQUAL_FATAL(chdir(data_dir), 0);
    int rc = load("sub/relative.yaml", NULL, NULL, &c, err, sizeof err);
    CU_ASSERT_EQUAL(chdir("/"), 0);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(c.token_file[0], '/');
    assert_same_file(c.ca_pem, c.ca_len, "ca.crt");
    const char *tok = NULL;
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(tok, "tokfile-SECRET-42");
    CU_ASSERT_EQUAL(chdir(cwd), 0);
    kube_config_free(&c);
}

static void test_for_server(void)
{
    kube_config c;
    CU_ASSERT_EQUAL_FATAL(kube_config_for_server("http://127.0.0.1:8001/", NULL, &c), 0);
    CU_ASSERT_STRING_EQUAL(c.server, "http://127.0.0.1:8001");
    CU_ASSERT_STRING_EQUAL(c.namespace_, "default");
    CU_ASSERT_STRING_EQUAL(c.context, "");
    CU_ASSERT_PTR_NULL(c.ca_pem);
    CU_ASSERT_PTR_NULL(c.exec_argv);
    char err[128];
    const char *tok = "x";
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_PTR_NULL(tok);
    kube_config_free(&c);
    CU_ASSERT_EQUAL_FATAL(kube_config_for_server("http://h:1", "ns1", &c), 0);
    CU_ASSERT_STRING_EQUAL(c.namespace_, "ns1");
    kube_config_free(&c);
    CU_ASSERT_EQUAL(kube_config_for_server(NULL, "ns1", &c), -1);
    CU_ASSERT_EQUAL(kube_config_for_server("", NULL, &c), -1);
}

/* ---------------------------------------------------------------------------------------------
 * Sources, merging, contexts
 * ------------------------------------------------------------------------------------------- */

static void set_kubeconfig(const char *a, const char *b, const char *c)
{
    char v[3 * PATH_MAX + 4];
    snprintf(v, sizeof v, "%s%s%s%s%s", a, b ? ":" : "", b ? b : "", c ? ":" : "", c ? c : "");
    setenv("KUBECONFIG", v, 1);
}

static void test_kubeconfig_merge(void)
{
    env_clean();
    kube_config c;
    char err[1024];
    /* a first: its current-context and its definitions of shared names win; a missing file and
     * an empty entry in the list are skipped */
    char list[3 * PATH_MAX];
    snprintf(list, sizeof list, "%s::%s:%s", tmp("no-such-file"), fx("merge-a.yaml"), fx("merge-b.yaml"));
    setenv("KUBECONFIG", list, 1);
    CU_ASSERT_EQUAL_FATAL(load(NULL, NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.context, "a-ctx");
    CU_ASSERT_STRING_EQUAL(c.server, "https://a.example.test:6443");
    CU_ASSERT_STRING_EQUAL(c.token, "a-SECRET-token");
    CU_ASSERT_STRING_EQUAL(c.namespace_, "from-a");
    kube_config_free(&c);

    /* a context only b defines still resolves its cluster by name across the merge: "shared"
     * is a's */
    CU_ASSERT_EQUAL_FATAL(load(NULL, "b-ctx", NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.server, "https://a.example.test:6443");
    CU_ASSERT_STRING_EQUAL(c.username, "bob");
    CU_ASSERT_STRING_EQUAL(c.namespace_, "default");
    kube_config_free(&c);
    /* both define shared-ctx: a's wins */
    CU_ASSERT_EQUAL_FATAL(load(NULL, "shared-ctx", NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.server, "https://a-only.example.test");
    CU_ASSERT_STRING_EQUAL(c.namespace_, "shared-from-a");
    CU_ASSERT_STRING_EQUAL(c.token, "a-SECRET-token");
    kube_config_free(&c);
    /* b's own cluster with a's user */
    CU_ASSERT_EQUAL_FATAL(load(NULL, "b-only-ctx", NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.server, "https://b-only.example.test");
    CU_ASSERT_STRING_EQUAL(c.token, "a-SECRET-token");
    kube_config_free(&c);

    /* the other order: b wins everything it defines */
    set_kubeconfig(fx("merge-b.yaml"), fx("merge-a.yaml"), NULL);
    CU_ASSERT_EQUAL_FATAL(load(NULL, NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.context, "b-ctx");
    CU_ASSERT_STRING_EQUAL(c.server, "https://b.example.test:6443");
    kube_config_free(&c);
    CU_ASSERT_EQUAL_FATAL(load(NULL, "a-ctx", NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.server, "https://b.example.test:6443");
    CU_ASSERT_STRING_EQUAL(c.token, "b-SECRET-token");
    kube_config_free(&c);

    /* the unknown-context message names every file read */
    CU_ASSERT_EQUAL(load(NULL, "nope", NULL, &c, err, sizeof err), -1);
    char want[3 * PATH_MAX];
    snprintf(want, sizeof want, "context \"nope\" not found in %s, %s", fx("merge-b.yaml"), fx("merge-a.yaml"));
    CU_ASSERT_STRING_EQUAL(err, want);
    kube_config_free(&c);

    /* a broken file anywhere in the list is an error, even if another file would do */
    set_kubeconfig(fx("merge-a.yaml"), fx("bad/clusters-number.yaml"), NULL);
    CU_ASSERT_EQUAL(load(NULL, NULL, NULL, &c, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "clusters-number.yaml: clusters: expected a list"));
}

static void test_context_selection(void)
{
    env_clean();
    kube_config c;
    char err[1024];
    CU_ASSERT_EQUAL_FATAL(load(fx("users.yaml"), "basic", NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.context, "basic");
    kube_config_free(&c);
    CU_ASSERT_EQUAL(load(fx("users.yaml"), "nope", NULL, &c, err, sizeof err), -1);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "context \"nope\" not found in %s", fx("users.yaml"));
    CU_ASSERT_STRING_EQUAL(err, want);
    /* a file without current-context needs --context */
    expect_fail(fx("bad/empty.yaml"), NULL, "current-context is not set");
    expect_fail(fx("bad/semantic.yaml"), NULL, "current-context is not set");
}

static void test_source_order(void)
{
    env_clean();
    kube_config c;
    char err[1024];
    /* nothing at all */
    CU_ASSERT_EQUAL(load(NULL, NULL, NULL, &c, err, sizeof err), -1);
    CU_ASSERT_STRING_EQUAL(err, "no configuration: set --kubeconfig or KUBECONFIG, or run in a cluster");
    /* --kubeconfig must exist */
    CU_ASSERT_EQUAL(load(tmp("missing.yaml"), NULL, NULL, &c, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, tmp("missing.yaml")));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));

    /* ~/.kube/config */
    char *text = read_all(fx("merge-a.yaml"), NULL);
    write_file(tmp("home/.kube/config"), text);
    free(text);
    CU_ASSERT_EQUAL_FATAL(load(NULL, NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.context, "a-ctx");
    kube_config_free(&c);
    /* an empty KUBECONFIG counts as unset */
    setenv("KUBECONFIG", "", 1);
    CU_ASSERT_EQUAL_FATAL(load(NULL, NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.context, "a-ctx");
    kube_config_free(&c);
    /* KUBECONFIG beats ~/.kube/config */
    setenv("KUBECONFIG", fx("merge-b.yaml"), 1);
    CU_ASSERT_EQUAL_FATAL(load(NULL, NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.context, "b-ctx");
    kube_config_free(&c);
    /* --kubeconfig beats KUBECONFIG */
    CU_ASSERT_EQUAL_FATAL(load(fx("users.yaml"), NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.context, "tok");
    kube_config_free(&c);
    /* KUBECONFIG naming only missing files does not fall back to ~/.kube/config */
    setenv("KUBECONFIG", tmp("nothing-here"), 1);
    CU_ASSERT_EQUAL(load(NULL, NULL, NULL, &c, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no configuration"));
    CU_ASSERT_EQUAL(load(NULL, "a-ctx", NULL, &c, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "context \"a-ctx\" not found"));
    unlink(tmp("home/.kube/config"));
}

/* ---------------------------------------------------------------------------------------------
 * In-cluster
 * ------------------------------------------------------------------------------------------- */

static void make_sa(const char *token, const char *ns)
{
    mkdir(tmp("sa"), 0700);
    write_file(tmp("sa/token"), token);
    char *ca = read_all(fx("ca.crt"), NULL);
    write_file(tmp("sa/ca.crt"), ca);
    free(ca);
    if (ns)
        write_file(tmp("sa/namespace"), ns);
    else
        unlink(tmp("sa/namespace"));
    setenv("CUTOVER_SERVICEACCOUNT_DIR", tmp("sa"), 1);
    setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
    setenv("KUBERNETES_SERVICE_PORT", "443", 1);
}

static void test_in_cluster(void)
{
    env_clean();
    make_sa("sa-SECRET-one\n", "ns-from-file\n");
    kube_config c;
    char err[1024];
    CU_ASSERT_EQUAL_FATAL(load(NULL, NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.server, "https://10.96.0.1:443");
    CU_ASSERT_STRING_EQUAL(c.context, "");
    CU_ASSERT_STRING_EQUAL(c.namespace_, "ns-from-file");
    CU_ASSERT_STRING_EQUAL(c.token, "sa-SECRET-one");
    CU_ASSERT_STRING_EQUAL(c.token_file, tmp("sa/token"));
    assert_same_file(c.ca_pem, c.ca_len, "ca.crt");

    /* rotation: rewritten in place (same length, within the same timestamp tick) */
    const char *tok = NULL;
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(tok, "sa-SECRET-one");
    write_file(tmp("sa/token"), "sa-SECRET-two\n");
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(tok, "sa-SECRET-two");
    /* rotation as the kubelet does it: a new file renamed over the old one */
    write_file(tmp("sa/token.new"), "sa-SECRET-three-longer");
    CU_ASSERT_EQUAL_FATAL(rename(tmp("sa/token.new"), tmp("sa/token")), 0);
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(tok, "sa-SECRET-three-longer");
    /* caught mid-rewrite (empty) or gone: the last good token stays */
    write_file(tmp("sa/token"), "");
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(tok, "sa-SECRET-three-longer");
    unlink(tmp("sa/token"));
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(tok, "sa-SECRET-three-longer");
    kube_config_free(&c);
}

static void test_in_cluster_details(void)
{
    env_clean();
    kube_config c;
    char err[1024];
    /* IPv6 host bracketed; no namespace file: default; no CA: carry on without */
    make_sa("sa-SECRET-v6", NULL);
    unlink(tmp("sa/ca.crt"));
    setenv("KUBERNETES_SERVICE_HOST", "fd00:10:96::1", 1);
    setenv("KUBERNETES_SERVICE_PORT", "6443", 1);
    CU_ASSERT_EQUAL_FATAL(load(NULL, NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.server, "https://[fd00:10:96::1]:6443");
    CU_ASSERT_STRING_EQUAL(c.namespace_, "default");
    CU_ASSERT_PTR_NULL(c.ca_pem);
    kube_config_free(&c);
    /* namespace: --namespace, then POD_NAMESPACE, then the file */
    make_sa("sa-SECRET-ns", "from-file");
    setenv("POD_NAMESPACE", "from-env", 1);
    CU_ASSERT_EQUAL_FATAL(load(NULL, NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.namespace_, "from-env");
    kube_config_free(&c);
    CU_ASSERT_EQUAL_FATAL(load(NULL, NULL, "from-flag", &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.namespace_, "from-flag");
    kube_config_free(&c);
    unsetenv("POD_NAMESPACE");
    /* KUBECONFIG whose files are all missing still falls back to the service account */
    setenv("KUBECONFIG", tmp("nothing-here"), 1);
    CU_ASSERT_EQUAL_FATAL(load(NULL, NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.namespace_, "from-file");
    kube_config_free(&c);
    /* a kubeconfig with a current context beats the service account */
    setenv("KUBECONFIG", fx("merge-a.yaml"), 1);
    CU_ASSERT_EQUAL_FATAL(load(NULL, NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(c.context, "a-ctx");
    kube_config_free(&c);
    unsetenv("KUBECONFIG");
    /* the host is set but there is no token: say which file is missing */
    unlink(tmp("sa/token"));
    CU_ASSERT_EQUAL(load(NULL, NULL, NULL, &c, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no configuration: set --kubeconfig or KUBECONFIG, or run in a cluster"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, tmp("sa/token")));
    /* an empty token file is an error, not an empty bearer token */
    write_file(tmp("sa/token"), "\n");
    CU_ASSERT_EQUAL(load(NULL, NULL, NULL, &c, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "empty"));
}

/* ---------------------------------------------------------------------------------------------
 * Exec plugins
 * ------------------------------------------------------------------------------------------- */

static void exec_env(const char *expiry)
{
    env_clean();
    unlink(tmp("count"));
    unlink(tmp("info"));
    setenv("PLUGIN_COUNT_FILE", tmp("count"), 1);
    setenv("PLUGIN_INFO_FILE", tmp("info"), 1);
    if (expiry)
        setenv("PLUGIN_EXPIRY", expiry, 1);
    /* an inherited KUBERNETES_EXEC_INFO must not reach the plugin */
    setenv("KUBERNETES_EXEC_INFO", "{\"apiVersion\":\"stale\"}", 1);
}

static void test_exec_plugin(void)
{
    exec_env("2999-01-01T00:00:00Z");
    kube_config c;
    char err[1024];
    CU_ASSERT_EQUAL_FATAL(load(fx("exec.yaml"), NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c.exec_argv);
    CU_ASSERT_STRING_EQUAL(c.exec_argv[0], fx("./exec-plugin.sh")); /* resolved against the file */
    CU_ASSERT_STRING_EQUAL(c.exec_argv[1], "ok");
    CU_ASSERT_PTR_NULL(c.exec_argv[2]);
    CU_ASSERT_STRING_EQUAL(c.exec_env[0], "PLUGIN_GREETING=hello");
    CU_ASSERT_EQUAL(strncmp(c.exec_env[1], "KUBERNETES_EXEC_INFO=", 21), 0);
    CU_ASSERT_PTR_NULL(c.exec_env[2]);
    CU_ASSERT_PTR_NULL(c.token); /* the plugin runs on first use, not at load */
    CU_ASSERT_FALSE(access(tmp("count"), F_OK) == 0);

    const char *tok = NULL;
    CU_ASSERT_EQUAL_FATAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(tok, "exec-SECRET-hello-1");
    int64_t want;
    co_time_parse("2999-01-01T00:00:00Z", &want);
    CU_ASSERT_EQUAL(c.token_expiry, want);
    /* cached until it expires */
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(tok, "exec-SECRET-hello-1");
    CU_ASSERT_EQUAL(count_lines(tmp("count")), 1);
    /* what the plugin was told */
    char *info = read_all(tmp("info"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(info);
    CU_ASSERT_PTR_NOT_NULL(strstr(info, "\"apiVersion\":\"client.authentication.k8s.io/v1\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(info, "\"kind\":\"ExecCredential\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(info, "\"interactive\":false"));
    CU_ASSERT_PTR_NULL(strstr(info, "cluster")); /* provideClusterInfo is off */
    free(info);
    kube_config_free(&c);
}

static void test_exec_expiry(void)
{
    kube_config c;
    char err[1024];
    const char *tok = NULL;
    /* already expired: every call runs the plugin again */
    exec_env("2001-01-01T00:00:00Z");
    CU_ASSERT_EQUAL_FATAL(load(fx("exec.yaml"), NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(tok, "exec-SECRET-hello-1");
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(tok, "exec-SECRET-hello-2");
    kube_config_free(&c);
    /* no expirationTimestamp: kept for good */
    exec_env(NULL);
    CU_ASSERT_EQUAL_FATAL(load(fx("exec.yaml"), NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(tok, "exec-SECRET-hello-1");
    CU_ASSERT_EQUAL(c.token_expiry, 0);
    kube_config_free(&c);
    /* a timestamp that is not RFC 3339 */
    exec_env("tomorrow");
    CU_ASSERT_EQUAL_FATAL(load(fx("exec.yaml"), NULL, NULL, &c, err, sizeof err), 0);
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "expirationTimestamp"));
    assert_no_secret(err);
    kube_config_free(&c);
}

static void test_exec_v1beta1_cluster_info(void)
{
    exec_env(NULL);
    kube_config c;
    char err[1024];
    CU_ASSERT_EQUAL_FATAL(load(fx("exec.yaml"), "exec-v1beta1", NULL, &c, err, sizeof err), 0);
    const char *tok = NULL;
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(tok, "exec-SECRET-none-1");
    char *info = read_all(tmp("info"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(info);
    CU_ASSERT_PTR_NOT_NULL(strstr(info, "\"apiVersion\":\"client.authentication.k8s.io/v1beta1\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(info, "\"server\":\"https://127.0.0.1:6443\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(info, "\"insecure-skip-tls-verify\":true"));
    CU_ASSERT_PTR_NOT_NULL(strstr(info, "\"config\":{\"audience\":\"cutover-tests\"}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(info, "\"interactive\":false"));
    free(info);
    kube_config_free(&c);
}

static void expect_exec_fail(const char *ctx, const char *want)
{
    exec_env(NULL);
    kube_config c;
    char err[1024];
    CU_ASSERT_EQUAL_FATAL(load(fx("exec.yaml"), ctx, NULL, &c, err, sizeof err), 0);
    const char *tok = "x";
    CU_ASSERT_EQUAL(kube_config_token(&c, &tok, err, sizeof err), -1);
    CU_ASSERT_PTR_NULL(tok);
    if (!strstr(err, want))
        fprintf(stderr, "\n  expected \"%s\" in: %s\n", want, err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, c.exec_argv[0])); /* names the command */
    assert_no_secret(err);
    kube_config_free(&c);
}

static void test_exec_failures(void)
{
    expect_exec_fail("exec-fail", "failed with exit status 3");
    expect_exec_fail("exec-badjson", "did not print an ExecCredential");
    expect_exec_fail("exec-notoken", "returned no token");
    expect_exec_fail("exec-wrongapi", "another apiVersion (expected client.authentication.k8s.io/v1)");
    expect_exec_fail("exec-missing", "exec plugin \"cutover-no-such-plugin\": No such file or directory");
    /* configuration errors show at load */
    expect_fail(fx("exec.yaml"), "exec-no-mode", "users[7].user.exec.interactiveMode: missing");
    expect_fail(fx("exec.yaml"), "exec-always", "users[8].user.exec.interactiveMode: Always is not supported");
    expect_fail(fx("exec.yaml"), "exec-alpha",
                "users[9].user.exec.apiVersion: \"client.authentication.k8s.io/v1alpha1\" is not supported");
}

/* ---------------------------------------------------------------------------------------------
 * Bad files
 * ------------------------------------------------------------------------------------------- */

static void expect_fail_at(const char *fixture, const char *ctx, const char *msg)
{
    char want[PATH_MAX + 256];
    snprintf(want, sizeof want, "%s: %s", fx(fixture), msg);
    expect_fail(fx(fixture), ctx, want);
}

static void test_bad_files(void)
{
    env_clean();
    expect_fail_at("bad/malformed.yaml", NULL, "line 7, column 4: ");
    expect_fail_at("bad/tagged.yaml", NULL, "line 5, column 12: cannot decode !!str `...` as a !!int");
    expect_fail_at("bad/clusters-number.yaml", NULL, "clusters: expected a list, found a number");
    expect_fail_at("bad/top-list.yaml", NULL, "expected a kubeconfig mapping, found a list");
    expect_fail_at("bad/token-list.yaml", NULL, "users[0].user.token: expected a string, found a list");
    expect_fail_at("bad/insecure-string.yaml", NULL,
                   "clusters[0].cluster.insecure-skip-tls-verify: expected a boolean, found a string");
    expect_fail_at("bad/ca-base64.yaml", NULL, "clusters[0].cluster.certificate-authority-data: invalid base64");
    expect_fail_at("bad/key-base64.yaml", NULL, "users[0].user.client-key-data: invalid base64");
    expect_fail_at("bad/duplicate.yaml", NULL, "clusters[1].name: duplicate name \"c\"");
    expect_fail_at("bad/two-docs.yaml", NULL, "expected one YAML document, found 2");
}

/* Padding and the characters Go's decoder accepts, through a kubeconfig written per case. */
static int load_ca_data(const char *b64, kube_config *c, char *err, size_t errlen)
{
    char text[512];
    snprintf(text, sizeof text,
             "current-context: x\ncontexts: [{name: x, context: {cluster: x}}]\n"
             "clusters: [{name: x, cluster: {server: \"https://h\", certificate-authority-data: \"%s\"}}]\n",
             b64);
    write_file(tmp("b64.yaml"), text);
    return load(tmp("b64.yaml"), NULL, NULL, c, err, errlen);
}

static void test_base64_edges(void)
{
    env_clean();
    static const struct {
        const char *b64, *want; /* want NULL = invalid base64 */
    } cases[] = {
        {"LS0tLS1CRUdJTiBBLS0tLS0KeA==", "-----BEGIN A-----\nx"},
        {"LS0tLS1CRUdJTiBBLS0tLS0KeHk=", "-----BEGIN A-----\nxy"},
        {"LS0tLS1CRUdJTiBBLS0t\\r\\nLS0KeHk=\\n", "-----BEGIN A-----\nxy"}, /* \r\n skipped */
        {"LS0tLS1CRUdJTiBBLS0tLS0KeA", NULL},         /* padding is required */
        {"LS0tLS1CRUdJTiBBLS0tLS0KeA=", NULL},        /* short padding */
        {"LS0tLS1CRUdJTiBBLS0tLS0KeA==LS0t", NULL},   /* data after padding */
        {"LS0tLS1CRUdJTiBBLS0tLS0Ke=A", NULL},        /* '=' inside a quad */
        {"LS0tLS1CRUdJTiBB LS0tLS0KeHk=", NULL},      /* spaces are not skipped */
        {"LS0tLS1CRUdJTiBBLS0tLS0KeHk-", NULL},       /* URL alphabet */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        kube_config c;
        char err[1024];
        int rc = load_ca_data(cases[i].b64, &c, err, sizeof err);
        if (cases[i].want) {
            CU_ASSERT_EQUAL(rc, 0);
            if (rc == 0) {
                CU_ASSERT_EQUAL(c.ca_len, strlen(cases[i].want));
                CU_ASSERT_STRING_EQUAL(c.ca_pem, cases[i].want);
            }
        } else {
            CU_ASSERT_EQUAL(rc, -1);
            CU_ASSERT_PTR_NOT_NULL(strstr(err, "clusters[0].cluster.certificate-authority-data: invalid base64"));
        }
        kube_config_free(&c);
    }
    /* valid base64 of something that is not PEM */
    kube_config c;
    char err[1024];
    CU_ASSERT_EQUAL(load_ca_data("aGVsbG8=", &c, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "clusters[0].cluster.certificate-authority-data: no PEM data"));
}

static void test_unusable_contexts(void)
{
    env_clean();
    const char *f = "bad/semantic.yaml";
    expect_fail_at(f, "no-server", "clusters[1].cluster.server: missing");
    expect_fail_at(f, "insecure-ca", "clusters[2].cluster.insecure-skip-tls-verify: cannot be combined");
    expect_fail_at(f, "ca-missing", "clusters[3].cluster.certificate-authority: ");
    expect_fail(fx(f), "ca-missing", "bad/no-such-ca.crt: No such file or directory");
    expect_fail_at(f, "ftp", "clusters[4].cluster.server: unsupported scheme");
    expect_fail_at(f, "no-cluster", "contexts[4].context.cluster: missing");
    expect_fail_at(f, "ghost-cluster", "contexts[5].context.cluster: cluster \"ghost\" not found in");
    expect_fail_at(f, "ghost-user", "contexts[6].context.user: user \"ghost\" not found in");
    expect_fail_at(f, "auth-provider",
                   "users[0].user.auth-provider: auth-provider is not supported; use an exec plugin");
    expect_fail_at(f, "two-methods", "users[1].user: more than one authentication method (token, basic auth)");
    expect_fail_at(f, "impersonate", "users[2].user.as: impersonation is not supported");
    expect_fail_at(f, "cert-no-key", "users[3].user: client-certificate without client-key");
    expect_fail_at(f, "cert-twice",
                   "users[4].user: client-certificate and client-certificate-data are both set; set only one");
    expect_fail_at(f, "token-file-missing", "users[5].user.tokenFile: ");
}

/* Every failure above also ran assert_no_secret; this one puts secrets right at the failure
 * points and reads the messages whole. */
static void test_no_secret_in_messages(void)
{
    env_clean();
    static const char *const cases[][2] = {
        {"bad/malformed.yaml", NULL},    {"bad/tagged.yaml", NULL},       {"bad/token-list.yaml", NULL},
        {"bad/key-base64.yaml", NULL},   {"bad/semantic.yaml", "two-methods"},
        {"bad/semantic.yaml", "auth-provider"}, {"bad/semantic.yaml", "impersonate"},
        {"bad/semantic.yaml", "cert-no-key"}, {"users.yaml", "nope"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        kube_config c;
        char err[2048];
        CU_ASSERT_EQUAL(load(fx(cases[i][0]), cases[i][1], NULL, &c, err, sizeof err), -1);
        CU_ASSERT_TRUE(err[0] != 0);
        assert_no_secret(err);
    }
    /* the tagged token's scalar was quoted by the parser and must come out redacted */
    kube_config c;
    char err[1024];
    load(fx("bad/tagged.yaml"), NULL, NULL, &c, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "`...`"));
}

int main(void)
{
    /* The fixtures sit beside this file. __FILE__ is absolute under CMake; a relative one
     * (a hand-run compiler) is taken from the working directory, then made absolute because
     * one test changes directory. */
    const char *file = __FILE__;
    const char *slash = strrchr(file, '/');
    char cwd[1024] = "";
    if (file[0] != '/' && !getcwd(cwd, sizeof cwd))
        return 2;
    snprintf(data_dir, sizeof data_dir, "%s%s%.*s/data/kubeconfig", cwd, cwd[0] ? "/" : "",
             slash ? (int)(slash - file) : 1, slash ? file : ".");
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/test_kube_config.XXXXXX");
    if (!mkdtemp(tmp_dir))
        return 2;
    mkdir(tmp("home"), 0700);
    mkdir(tmp("home/.kube"), 0700);
    /* git may not keep the fixture's execute bit (a patch, an archive) */
    chmod(fx("exec-plugin.sh"), 0755);
    char *key = read_all(fx("client.key"), NULL);
    if (!key)
        return 2;
    const char *nl = strchr(key, '\n');
    snprintf(key_line, sizeof key_line, "%.20s", nl ? nl + 1 : key);
    free(key);

    static const cu_test tests[] = {
        {"kind kubeconfig: CA, client certificate and key data", test_kind_kubeconfig},
        {"base64 wrapped over lines", test_wrapped_base64},
        {"token user", test_token_user},
        {"tokenFile user", test_token_file_user},
        {"basic auth user", test_basic_auth_user},
        {"server without a scheme", test_server_without_scheme},
        {"namespace precedence", test_namespace_precedence},
        {"relative paths resolve against the kubeconfig", test_relative_paths},
        {"kube_config_for_server", test_for_server},
        {"KUBECONFIG merge: first file wins", test_kubeconfig_merge},
        {"--context selection and unknown context", test_context_selection},
        {"source order: --kubeconfig, KUBECONFIG, ~/.kube/config", test_source_order},
        {"in-cluster with token rotation", test_in_cluster},
        {"in-cluster: IPv6, namespace, fallbacks", test_in_cluster_details},
        {"exec plugin: token, caching, ExecCredential input", test_exec_plugin},
        {"exec plugin: expiry", test_exec_expiry},
        {"exec plugin: v1beta1 with provideClusterInfo", test_exec_v1beta1_cluster_info},
        {"exec plugin failures", test_exec_failures},
        {"bad files", test_bad_files},
        {"base64 padding and alphabet", test_base64_edges},
        {"unusable contexts", test_unusable_contexts},
        {"no secret in any message", test_no_secret_in_messages},
        {NULL, NULL},
    };
    int rc = cu_run("kube_config", tests);
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp_dir);
    return rc;
}
