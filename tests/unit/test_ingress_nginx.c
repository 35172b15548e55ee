/* test_ingress_nginx.c: the simulated ingress-nginx: host and path matching, class filtering, the
 * canary decision (header, cookie, weight and their precedence), canary merging rules, 404/503,
 * round robin over endpoints, weight proportions, determinism for a seed, and the HTTP port.
 *
 * Backends are Services without a selector with hand-written Endpoints and Pods, so the tests
 * depend on no other simulated controller (the endpoints controller leaves such Services alone). */
#include "cu.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/json.h"
#include "fakeapi/fakeapi.h"
#include "fakeapi/sim/ingress_nginx.h"
#include "fakeapi/sim/sim.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EPOCH 1767225600000LL /* 2026-01-01T00:00:00Z */
#define A(k) "\"nginx.ingress.kubernetes.io/" k "\""
#define PATH(p, type, svc)                                                                                            \
    "{\"path\":\"" p "\",\"pathType\":\"" type "\",\"backend\":{\"service\":{\"name\":\"" svc                        \
    "\",\"port\":{\"number\":80}}}}"

static fakeapi *srv;
static co_clock *clk;
static int next_ip = 1;

static const fakeapi_image images[] = {
    {.image = "example/stable:*", .body = "stable version\n"},
    {.image = "example/canary:*", .body = "canary version\n"},
};

/* ---- fixtures ---- */

static unsigned call_on(fakeapi *f, const char *method, const char *path, const char *ctype, const char *body)
{
    char *out = NULL;
    unsigned code = fakeapi_call(f, method, path, ctype, body, &out);
    if (code >= 300)
        fprintf(stderr, "%s %s -> %u %s\n", method, path, code, out ? out : "");
    free(out);
    return code;
}

static unsigned call(const char *method, const char *path, const char *body)
{
    return call_on(srv, method, path, NULL, body);
}

static void namespace_on(fakeapi *f, const char *ns)
{
    char b[256];
    snprintf(b, sizeof b, "{\"metadata\":{\"name\":\"%s\"}}", ns);
    call_on(f, "POST", "/api/v1/namespaces", NULL, b);
}

/* A Service without a selector, npods pods running image, and Endpoints listing them as ready
 * (npods 0: the Endpoints object exists with no addresses). */
static void backend_on(fakeapi *f, const char *ns, const char *svc, int npods, const char *image)
{
    char path[256], b[4096];
    snprintf(path, sizeof path, "/api/v1/namespaces/%s/services", ns);
    snprintf(b, sizeof b, "{\"metadata\":{\"name\":\"%s\"},\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080}]}}", svc);
    CU_ASSERT_EQUAL(call_on(f, "POST", path, NULL, b), 201);
    co_buf addrs = {0};
    for (int i = 0; i < npods; i++) {
        snprintf(path, sizeof path, "/api/v1/namespaces/%s/pods", ns);
        snprintf(b, sizeof b,
                 "{\"metadata\":{\"name\":\"%s-%d\",\"labels\":{\"app\":\"%s\",\"pod-template-hash\":\"h%s\"}},"
                 "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"%s\"}]}}",
                 svc, i, svc, svc, image);
        CU_ASSERT_EQUAL(call_on(f, "POST", path, NULL, b), 201);
        co_buf_printf(&addrs, "%s{\"ip\":\"10.244.%d.%d\",\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"%s\",\"name\":\"%s-%d\"}}",
                      i ? "," : "", next_ip / 250, next_ip % 250 + 1, ns, svc, i);
        next_ip++;
    }
    snprintf(path, sizeof path, "/api/v1/namespaces/%s/endpoints", ns);
    if (npods)
        snprintf(b, sizeof b, "{\"metadata\":{\"name\":\"%s\"},\"subsets\":[{\"addresses\":[%s],\"ports\":[{\"port\":8080,"
                 "\"protocol\":\"TCP\"}]}]}", svc, addrs.data);
    else
        snprintf(b, sizeof b, "{\"metadata\":{\"name\":\"%s\"},\"subsets\":[]}", svc);
    CU_ASSERT_EQUAL(call_on(f, "POST", path, NULL, b), 201);
    co_buf_free(&addrs);
}

static void backend(const char *ns, const char *svc, int npods, const char *image)
{
    backend_on(srv, ns, svc, npods, image);
}

/* An Ingress: annotations is a JSON object's members ("" none), cls its ingressClassName (NULL
 * none), host NULL for a rule without host, paths a JSON array's members. */
static void ingress_on(fakeapi *f, const char *ns, const char *name, const char *annotations, const char *cls,
                       const char *host, const char *paths)
{
    char path[256], hostf[300] = "", clsf[300] = "";
    if (host)
        snprintf(hostf, sizeof hostf, "\"host\":\"%s\",", host);
    if (cls)
        snprintf(clsf, sizeof clsf, "\"ingressClassName\":\"%s\",", cls);
    co_buf b = {0};
    co_buf_printf(&b, "{\"metadata\":{\"name\":\"%s\",\"annotations\":{%s}},\"spec\":{%s\"rules\":[{%s\"http\":"
                  "{\"paths\":[%s]}}]}}", name, annotations, clsf, hostf, paths);
    snprintf(path, sizeof path, "/apis/networking.k8s.io/v1/namespaces/%s/ingresses", ns);
    CU_ASSERT_EQUAL(call_on(f, "POST", path, NULL, b.data), 201);
    co_buf_free(&b);
}

static void ingress(const char *ns, const char *name, const char *annotations, const char *cls, const char *host,
                    const char *paths)
{
    ingress_on(srv, ns, name, annotations, cls, host, paths);
}

/* Replaces an Ingress's annotations with the given members. */
static void annotate(const char *ns, const char *name, const char *annotations)
{
    char path[256];
    co_buf b = {0};
    co_buf_printf(&b, "[{\"op\":\"replace\",\"path\":\"/metadata/annotations\",\"value\":{%s}}]", annotations);
    snprintf(path, sizeof path, "/apis/networking.k8s.io/v1/namespaces/%s/ingresses/%s", ns, name);
    CU_ASSERT_EQUAL(call_on(srv, "PATCH", path, "application/json-patch+json", b.data), 200);
    co_buf_free(&b);
}

static void delete_ingress(const char *ns, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "/apis/networking.k8s.io/v1/namespaces/%s/ingresses/%s", ns, name);
    CU_ASSERT_EQUAL(call("DELETE", path, NULL), 200);
}

/* ---- requests ---- */

static fa_ingress_result R;

/* One request with at most one header; returns the Service that answered, or "404"/"502"/"503". */
static const char *route_on(fakeapi *f, const char *host, const char *path, const char *hname, const char *hval,
                            const char *cookie)
{
    fa_ingress_result_free(&R);
    const char *hdrs[] = {hname, hval, NULL};
    int code = fakeapi_ingress_request(f, host, path, hname ? hdrs : NULL, cookie, &R);
    static char codes[8];
    if (code == 200)
        return R.service;
    snprintf(codes, sizeof codes, "%d", code);
    return codes;
}

static const char *route(const char *host, const char *path, const char *hname, const char *hval, const char *cookie)
{
    return route_on(srv, host, path, hname, hval, cookie);
}

/* How many of n requests the canary took. */
static int canaries(const char *host, const char *hname, const char *hval, const char *cookie, int n)
{
    int c = 0;
    for (int i = 0; i < n; i++) {
        route(host, "/", hname, hval, cookie);
        CU_ASSERT_EQUAL(R.status, 200);
        c += R.canary;
    }
    return c;
}

/* ---- tests ---- */

static void test_host_and_path_matching(void)
{
    namespace_on(srv, "match");
    const char *svcs[] = {"root", "api", "login", "static", "exact", "exactp", "wild", "any", "v1"};
    for (size_t i = 0; i < sizeof svcs / sizeof svcs[0]; i++)
        backend("match", svcs[i], 1, "example/other:1");
    ingress("match", "shop", "", NULL, "shop.example.com",
            PATH("/", "Prefix", "root") "," PATH("/api", "Prefix", "api") "," PATH("/api/v1/login", "Exact", "login")
            "," PATH("/static/", "ImplementationSpecific", "static") "," PATH("/exact", "Exact", "exact") ","
            PATH("/exact", "Prefix", "exactp"));
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/", NULL, NULL, NULL), "root");
    CU_ASSERT_STRING_EQUAL(R.ingress, "shop");
    CU_ASSERT_STRING_EQUAL(R.ingress_ns, "match");
    CU_ASSERT_FALSE(R.canary);
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/index.html", NULL, NULL, NULL), "root");
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/api", NULL, NULL, NULL), "api");
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/api/", NULL, NULL, NULL), "api");
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/api/v1", NULL, NULL, NULL), "api");
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/api?x=1", NULL, NULL, NULL), "api");
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/apix", NULL, NULL, NULL), "root"); /* whole elements */
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/api/v1/login", NULL, NULL, NULL), "login");
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/api/v1/login/", NULL, NULL, NULL), "api"); /* Exact */
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/static", NULL, NULL, NULL), "static");
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/static/app.css", NULL, NULL, NULL), "static");
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/exact", NULL, NULL, NULL), "exact"); /* Exact beats Prefix */
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/exact/x", NULL, NULL, NULL), "exactp");
    CU_ASSERT_STRING_EQUAL(route("SHOP.Example.com:8080", "//api//v1", NULL, NULL, NULL), "api");
    CU_ASSERT_STRING_EQUAL(route("shop.example.com.", "/api", NULL, NULL, NULL), "api");

    /* another host, a wildcard host: one label only */
    CU_ASSERT_STRING_EQUAL(route("other.example.com", "/", NULL, NULL, NULL), "404");
    ingress("match", "wild", "", NULL, "*.example.com", PATH("/", "Prefix", "wild"));
    CU_ASSERT_STRING_EQUAL(route("other.example.com", "/", NULL, NULL, NULL), "wild");
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/", NULL, NULL, NULL), "root"); /* exact host first */
    CU_ASSERT_STRING_EQUAL(route("a.b.example.com", "/", NULL, NULL, NULL), "404");
    CU_ASSERT_STRING_EQUAL(route("example.com", "/", NULL, NULL, NULL), "404");

    /* a rule without host catches every other host; a host with rules does not fall back to it */
    ingress("match", "v1only", "", NULL, "v1.example.net", PATH("/v1", "Prefix", "v1"));
    CU_ASSERT_STRING_EQUAL(route("anything.test", "/", NULL, NULL, NULL), "404");
    CU_ASSERT_STRING_EQUAL(route(NULL, "/", NULL, NULL, NULL), "404");
    ingress("match", "catchall", "", NULL, NULL, PATH("/", "Prefix", "any"));
    CU_ASSERT_STRING_EQUAL(route("anything.test", "/x", NULL, NULL, NULL), "any");
    CU_ASSERT_STRING_EQUAL(route(NULL, "/", NULL, NULL, NULL), "any");
    CU_ASSERT_STRING_EQUAL(route("v1.example.net", "/v1/a", NULL, NULL, NULL), "v1");
    CU_ASSERT_STRING_EQUAL(route("v1.example.net", "/v2", NULL, NULL, NULL), "404");
    CU_ASSERT_STRING_EQUAL(route("other.example.com", "/", NULL, NULL, NULL), "wild");

    /* the first Ingress to claim a host/path/pathType keeps it */
    ingress("match", "zz-late", "", NULL, "shop.example.com", PATH("/api", "Prefix", "any"));
    CU_ASSERT_STRING_EQUAL(route("shop.example.com", "/api", NULL, NULL, NULL), "api");
    delete_ingress("match", "catchall");
    delete_ingress("match", "zz-late");
    CU_ASSERT_STRING_EQUAL(route("anything.test", "/x", NULL, NULL, NULL), "404");
}

static void test_class_filtering(void)
{
    namespace_on(srv, "cls");
    backend("cls", "web", 1, "example/other:1");
    char b[512];
    snprintf(b, sizeof b, "{\"metadata\":{\"name\":\"mine\"},\"spec\":{\"controller\":\"k8s.io/ingress-nginx\"}}");
    CU_ASSERT_EQUAL(call("POST", "/apis/networking.k8s.io/v1/ingressclasses", b), 201);
    snprintf(b, sizeof b, "{\"metadata\":{\"name\":\"theirs\"},\"spec\":{\"controller\":\"example.com/other\"}}");
    CU_ASSERT_EQUAL(call("POST", "/apis/networking.k8s.io/v1/ingressclasses", b), 201);
    ingress("cls", "none", "", NULL, "none.cls.test", PATH("/", "Prefix", "web"));
    ingress("cls", "nginx", "", "nginx", "nginx.cls.test", PATH("/", "Prefix", "web"));
    ingress("cls", "other", "", "traefik", "other.cls.test", PATH("/", "Prefix", "web"));
    ingress("cls", "mine", "", "mine", "mine.cls.test", PATH("/", "Prefix", "web"));
    ingress("cls", "theirs", "", "theirs", "theirs.cls.test", PATH("/", "Prefix", "web"));
    ingress("cls", "ann-nginx", "\"kubernetes.io/ingress.class\":\"nginx\"", "traefik", "ann1.cls.test",
            PATH("/", "Prefix", "web"));
    ingress("cls", "ann-other", "\"kubernetes.io/ingress.class\":\"traefik\"", "nginx", "ann2.cls.test",
            PATH("/", "Prefix", "web"));
    CU_ASSERT_STRING_EQUAL(route("none.cls.test", "/", NULL, NULL, NULL), "web");
    CU_ASSERT_STRING_EQUAL(route("nginx.cls.test", "/", NULL, NULL, NULL), "web");
    CU_ASSERT_STRING_EQUAL(route("other.cls.test", "/", NULL, NULL, NULL), "404");
    CU_ASSERT_STRING_EQUAL(route("mine.cls.test", "/", NULL, NULL, NULL), "web");
    CU_ASSERT_STRING_EQUAL(route("theirs.cls.test", "/", NULL, NULL, NULL), "404");
    CU_ASSERT_STRING_EQUAL(route("ann1.cls.test", "/", NULL, NULL, NULL), "web"); /* the annotation wins */
    CU_ASSERT_STRING_EQUAL(route("ann2.cls.test", "/", NULL, NULL, NULL), "404");
}

/* Namespace "can": main Ingress "main" (stable) and canary Ingress "canary" (canary) on
 * canary.test "/". */
static void canary_fixture(void)
{
    static int done;
    if (done++)
        return;
    namespace_on(srv, "can");
    backend("can", "stable", 2, "example/stable:1");
    backend("can", "canary", 2, "example/canary:1");
    ingress("can", "main", "", NULL, "canary.test", PATH("/", "ImplementationSpecific", "stable"));
    ingress("can", "canary", A("canary") ":\"true\"", NULL, "canary.test", PATH("/", "ImplementationSpecific", "canary"));
}

#define C(host, hname, hval, cookie) (route(host, "/", hname, hval, cookie), R.canary)

static void test_header(void)
{
    canary_fixture();
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-by-header") ":\"X-Canary\"");
    CU_ASSERT_TRUE(C("canary.test", "X-Canary", "always", NULL));
    CU_ASSERT_STRING_EQUAL(R.service, "canary");
    CU_ASSERT_STRING_EQUAL(R.ingress, "canary");
    CU_ASSERT_STRING_EQUAL(R.body, "canary version\n");
    CU_ASSERT_TRUE(C("canary.test", "x_canary", "always", NULL)); /* case and '-'/'_' */
    CU_ASSERT_TRUE(C("canary.test", "X-CANARY", "always", NULL));
    CU_ASSERT_FALSE(C("canary.test", "X-Canary", "never", NULL));
    CU_ASSERT_STRING_EQUAL(R.service, "stable");
    CU_ASSERT_STRING_EQUAL(R.ingress, "main");
    CU_ASSERT_STRING_EQUAL(R.body, "stable version\n");
    CU_ASSERT_FALSE(C("canary.test", "X-Canary", "Always", NULL)); /* falls through to weight 0 */
    CU_ASSERT_FALSE(C("canary.test", "X-Other", "always", NULL));
    CU_ASSERT_FALSE(C("canary.test", NULL, NULL, NULL));
    /* with weight 100, anything but "never" ends on the canary */
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-by-header") ":\"X-Canary\"," A("canary-weight") ":\"100\"");
    CU_ASSERT_TRUE(C("canary.test", "X-Canary", "maybe", NULL));
    CU_ASSERT_TRUE(C("canary.test", NULL, NULL, NULL));
    CU_ASSERT_FALSE(C("canary.test", "X-Canary", "never", NULL));

    /* by value: exact, case-sensitive; "always"/"never" are ordinary values; others fall through */
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-by-header") ":\"X-Canary\"," A("canary-by-header-value") ":\"v2\"");
    CU_ASSERT_TRUE(C("canary.test", "X-Canary", "v2", NULL));
    CU_ASSERT_FALSE(C("canary.test", "X-Canary", "V2", NULL));
    CU_ASSERT_FALSE(C("canary.test", "X-Canary", "always", NULL));
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-by-header") ":\"X-Canary\"," A("canary-by-header-value")
             ":\"v2\"," A("canary-weight") ":\"100\"");
    CU_ASSERT_TRUE(C("canary.test", "X-Canary", "never", NULL)); /* not special with -value: weight decides */
    CU_ASSERT_TRUE(C("canary.test", "X-Canary", "v3", NULL));

    /* by pattern: match -> canary, no match falls through, a regex error -> main */
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-by-header") ":\"X-Canary\"," A("canary-by-header-pattern")
             ":\"^(v2|v3)$\"");
    CU_ASSERT_TRUE(C("canary.test", "X-Canary", "v3", NULL));
    CU_ASSERT_FALSE(C("canary.test", "X-Canary", "v4", NULL));
    CU_ASSERT_FALSE(C("canary.test", "X-Canary", "always", NULL)); /* not special with -pattern */
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-by-header") ":\"X-Canary\"," A("canary-by-header-pattern")
             ":\"^(v2|v3)$\"," A("canary-weight") ":\"100\"");
    CU_ASSERT_TRUE(C("canary.test", "X-Canary", "v4", NULL));
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-by-header") ":\"X-Canary\"," A("canary-by-header-pattern")
             ":\"(unclosed\"," A("canary-weight") ":\"100\"");
    CU_ASSERT_FALSE(C("canary.test", "X-Canary", "v2", NULL));
    CU_ASSERT_TRUE(C("canary.test", NULL, NULL, NULL)); /* no header: the pattern never runs */
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-by-header") ":\"X-Canary\"," A("canary-by-header-pattern")
             ":\"^v\\\\d+$\"");
    CU_ASSERT_TRUE(C("canary.test", "X-Canary", "v12", NULL)); /* PCRE \d */
    CU_ASSERT_FALSE(C("canary.test", "X-Canary", "vx", NULL));
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-by-header") ":\"X-Canary\"," A("canary-by-header-pattern")
             ":\"(?i)^beta\"");
    CU_ASSERT_TRUE(C("canary.test", "X-Canary", "BETA-1", NULL));
    /* -value wins over -pattern */
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-by-header") ":\"X-Canary\"," A("canary-by-header-value")
             ":\"v2\"," A("canary-by-header-pattern") ":\".*\"");
    CU_ASSERT_FALSE(C("canary.test", "X-Canary", "v9", NULL));
    CU_ASSERT_TRUE(C("canary.test", "X-Canary", "v2", NULL));
}

static void test_cookie(void)
{
    canary_fixture();
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-by-cookie") ":\"use_canary\"");
    CU_ASSERT_TRUE(C("canary.test", NULL, NULL, "use_canary=always"));
    CU_ASSERT_TRUE(C("canary.test", NULL, NULL, "a=1; Use_Canary=always; b=2"));
    CU_ASSERT_FALSE(C("canary.test", NULL, NULL, "use_canary=never"));
    CU_ASSERT_FALSE(C("canary.test", NULL, NULL, "use_canary=yes"));
    CU_ASSERT_FALSE(C("canary.test", NULL, NULL, "x_use_canary=always"));
    CU_ASSERT_FALSE(C("canary.test", "Cookie", "use_canary=always", NULL)); /* only the Cookie header given */
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-by-cookie") ":\"use_canary\"," A("canary-weight") ":\"100\"");
    CU_ASSERT_FALSE(C("canary.test", NULL, NULL, "use_canary=never"));
    CU_ASSERT_TRUE(C("canary.test", NULL, NULL, "use_canary=other"));
}

static void test_weight(void)
{
    canary_fixture();
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-weight") ":\"0\"");
    CU_ASSERT_EQUAL(canaries("canary.test", NULL, NULL, NULL, 1000), 0);
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-weight") ":\"100\"");
    CU_ASSERT_EQUAL(canaries("canary.test", NULL, NULL, NULL, 1000), 1000);
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-weight") ":\"100\"," A("canary-weight-total") ":\"1000\"");
    int c = canaries("canary.test", NULL, NULL, NULL, 10000);
    CU_ASSERT(c >= 800 && c <= 1200);
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-weight") ":\"1500\"," A("canary-weight-total") ":\"1000\"");
    CU_ASSERT_EQUAL(canaries("canary.test", NULL, NULL, NULL, 500), 500);
    /* a total of 100 or less is ignored: 100 it is */
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-weight") ":\"50\"," A("canary-weight-total") ":\"50\"");
    c = canaries("canary.test", NULL, NULL, NULL, 10000);
    CU_ASSERT(c >= 4800 && c <= 5200);
    /* an invalid weight is 0 */
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-weight") ":\"fifty\"");
    CU_ASSERT_EQUAL(canaries("canary.test", NULL, NULL, NULL, 500), 0);
    /* weight 20 over 10,000 requests: 20% within 2 points */
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-weight") ":\"20\"");
    c = canaries("canary.test", NULL, NULL, NULL, 10000);
    CU_ASSERT(c >= 1800 && c <= 2200);
    printf("\n    weight 20: %d of 10000 to the canary\n", c);
}

static void test_precedence(void)
{
    canary_fixture();
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-by-header") ":\"X-Canary\"," A("canary-by-cookie")
             ":\"use_canary\"," A("canary-weight") ":\"100\"");
    CU_ASSERT_FALSE(C("canary.test", "X-Canary", "never", "use_canary=always"));  /* header first */
    CU_ASSERT_TRUE(C("canary.test", "X-Canary", "always", "use_canary=never"));
    CU_ASSERT_FALSE(C("canary.test", "X-Canary", "other", "use_canary=never"));   /* then cookie */
    CU_ASSERT_FALSE(C("canary.test", NULL, NULL, "use_canary=never"));
    CU_ASSERT_TRUE(C("canary.test", "X-Canary", "other", "use_canary=other"));    /* then weight */
    annotate("can", "canary", A("canary") ":\"true\"," A("canary-by-header") ":\"X-Canary\"," A("canary-by-cookie")
             ":\"use_canary\"," A("canary-weight") ":\"0\"");
    CU_ASSERT_TRUE(C("canary.test", "X-Canary", "other", "use_canary=always"));
    CU_ASSERT_FALSE(C("canary.test", "X-Canary", "other", "use_canary=other"));
}

static void test_canary_merging(void)
{
    namespace_on(srv, "merge");
    backend("merge", "main", 1, "example/stable:1");
    backend("merge", "c1", 1, "example/canary:1");
    backend("merge", "c2", 1, "example/canary:2");
    backend("merge", "lonely", 1, "example/canary:3");
    ingress("merge", "main", "", NULL, "merge.test", PATH("/", "Prefix", "main") "," PATH("/api", "Prefix", "main"));
    /* one canary per host/path: the first by creationTimestamp (then name) wins */
    ingress("merge", "zz-first", A("canary") ":\"true\"," A("canary-weight") ":\"100\"", NULL, "merge.test",
            PATH("/", "Prefix", "c1"));
    co_clock_advance(clk, 1000);
    ingress("merge", "aa-second", A("canary") ":\"true\"," A("canary-weight") ":\"0\"", NULL, "merge.test",
            PATH("/", "Prefix", "c2"));
    CU_ASSERT_STRING_EQUAL(route("merge.test", "/", NULL, NULL, NULL), "c1");
    CU_ASSERT_STRING_EQUAL(R.ingress, "zz-first");
    CU_ASSERT_TRUE(R.canary);
    /* the alternative hangs on the main upstream, so every location of that Service splits */
    CU_ASSERT_STRING_EQUAL(route("merge.test", "/api/x", NULL, NULL, NULL), "c1");

    /* a canary whose host/path/pathType matches no main location does nothing */
    backend("merge", "main2", 1, "example/stable:2");
    ingress("merge", "main2", "", NULL, "merge2.test", PATH("/", "Prefix", "main2"));
    ingress("merge", "path-mismatch", A("canary") ":\"true\"," A("canary-weight") ":\"100\"", NULL, "merge2.test",
            PATH("/", "Exact", "lonely"));
    CU_ASSERT_STRING_EQUAL(route("merge2.test", "/", NULL, NULL, NULL), "main2");
    ingress("merge", "host-mismatch", A("canary") ":\"true\"," A("canary-weight") ":\"100\"", NULL, "lonely.test",
            PATH("/", "Prefix", "lonely"));
    CU_ASSERT_STRING_EQUAL(route("lonely.test", "/", NULL, NULL, NULL), "404");

    /* canary-* annotations without canary: "true" are invalid: a plain main Ingress, which here
     * only duplicates merge2.test "/" and loses to the first */
    ingress("merge", "not-enabled", A("canary-weight") ":\"100\"", NULL, "merge2.test", PATH("/", "Prefix", "c2"));
    CU_ASSERT_STRING_EQUAL(route("merge2.test", "/", NULL, NULL, NULL), "main2");
    backend("merge", "own", 1, "example/other:1");
    ingress("merge", "not-enabled-own-host", A("canary-weight") ":\"100\"," A("canary") ":\"yes\"", NULL,
            "own.test", PATH("/", "Prefix", "own"));
    CU_ASSERT_STRING_EQUAL(route("own.test", "/", NULL, NULL, NULL), "own");
    CU_ASSERT_FALSE(R.canary);
    /* a Service first referenced by a canary is an alternative only ("NoServer"): a later main
     * Ingress on it gets no location */
    ingress("merge", "uses-c2", "", NULL, "c2.test", PATH("/", "Prefix", "c2"));
    CU_ASSERT_STRING_EQUAL(route("c2.test", "/", NULL, NULL, NULL), "404");

    /* deleting the first canary hands the location to the next one */
    delete_ingress("merge", "zz-first");
    CU_ASSERT_STRING_EQUAL(route("merge.test", "/", NULL, NULL, NULL), "main");
    annotate("merge", "aa-second", A("canary") ":\"true\"," A("canary-weight") ":\"100\"");
    CU_ASSERT_STRING_EQUAL(route("merge.test", "/", NULL, NULL, NULL), "c2");

    /* a canary whose Service is a main backend elsewhere is refused */
    ingress("merge", "self", A("canary") ":\"true\"," A("canary-weight") ":\"100\"", NULL, "merge2.test",
            PATH("/", "Prefix", "main2"));
    CU_ASSERT_STRING_EQUAL(route("merge2.test", "/", NULL, NULL, NULL), "main2");
    CU_ASSERT_FALSE(R.canary);
}

static void test_canary_only_without_main(void)
{
    /* canaries are merged only when some main Ingress exists: in a fresh cluster with nothing
     * else, a canary serves nothing */
    char err[256];
    fakeapi_options o = {.seed = 7, .clock = clk};
    fakeapi *f = fakeapi_start(&o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    backend_on(f, "default", "c", 1, "example/canary:1");
    ingress_on(f, "default", "only", A("canary") ":\"true\"," A("canary-weight") ":\"100\"", NULL, "only.test",
               PATH("/", "Prefix", "c"));
    CU_ASSERT_STRING_EQUAL(route_on(f, "only.test", "/", NULL, NULL, NULL), "404");
    fa_ingress_result_free(&R);
    fakeapi_stop(f);
}

static void test_errors(void)
{
    namespace_on(srv, "err");
    backend("err", "empty", 0, "example/stable:1");
    backend("err", "full", 1, "example/canary:1");
    backend("err", "c-empty", 0, "example/canary:1");
    backend("err", "full2", 1, "example/canary:1");
    ingress("err", "no-eps", "", NULL, "noeps.test", PATH("/", "Prefix", "empty"));
    ingress("err", "no-svc", "", NULL, "nosvc.test", PATH("/", "Prefix", "missing"));
    ingress("err", "bad-port", "", NULL, "badport.test",
            "{\"path\":\"/\",\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"full\",\"port\":{\"number\":81}}}}");
    ingress("err", "by-name", "", NULL, "byname.test",
            "{\"path\":\"/\",\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"full\",\"port\":{\"name\":\"nope\"}}}}");
    ingress("err", "target", "", NULL, "target.test",
            "{\"path\":\"/\",\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"full\",\"port\":{\"number\":8080}}}}");
    CU_ASSERT_STRING_EQUAL(route("nothing.test", "/", NULL, NULL, NULL), "404");
    CU_ASSERT_PTR_NOT_NULL(strstr(R.body, "<html>\r\n<head><title>404 Not Found</title></head>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(R.body, "<center>nginx</center>"));
    CU_ASSERT_STRING_EQUAL(R.pod, "");
    CU_ASSERT_STRING_EQUAL(route("noeps.test", "/", NULL, NULL, NULL), "503");
    CU_ASSERT_PTR_NOT_NULL(strstr(R.body, "<title>503 Service Temporarily Unavailable</title>"));
    CU_ASSERT_STRING_EQUAL(R.ingress, "no-eps");
    CU_ASSERT_STRING_EQUAL(route("nosvc.test", "/", NULL, NULL, NULL), "503");
    CU_ASSERT_STRING_EQUAL(route("badport.test", "/", NULL, NULL, NULL), "503");
    CU_ASSERT_STRING_EQUAL(route("byname.test", "/", NULL, NULL, NULL), "503");
    CU_ASSERT_STRING_EQUAL(route("target.test", "/", NULL, NULL, NULL), "full"); /* the targetPort matches too */

    /* a main backend without endpoints is a 503 even when its canary would have taken it */
    ingress("err", "c-full", A("canary") ":\"true\"," A("canary-by-header") ":\"C\"", NULL, "noeps.test",
            PATH("/", "Prefix", "full2"));
    CU_ASSERT_STRING_EQUAL(route("noeps.test", "/", "C", "always", NULL), "503");
    /* a canary without endpoints has no balancer: the main backend answers */
    ingress("err", "main-full", "", NULL, "cempty.test", PATH("/", "Prefix", "full"));
    ingress("err", "c-none", A("canary") ":\"true\"," A("canary-by-header") ":\"C\"", NULL, "cempty.test",
            PATH("/", "Prefix", "c-empty"));
    CU_ASSERT_STRING_EQUAL(route("cempty.test", "/", "C", "always", NULL), "full");
    CU_ASSERT_FALSE(R.canary);

    /* an address whose pod is gone: nothing listens there */
    CU_ASSERT_EQUAL(call("DELETE", "/api/v1/namespaces/err/pods/full-0?gracePeriodSeconds=0", NULL), 200);
    CU_ASSERT_STRING_EQUAL(route("cempty.test", "/", NULL, NULL, NULL), "502");
    CU_ASSERT_PTR_NOT_NULL(strstr(R.body, "502 Bad Gateway"));
}

static void test_round_robin(void)
{
    namespace_on(srv, "rr");
    backend("rr", "three", 3, "example/other:1");
    ingress("rr", "rr", "", NULL, "rr.test", PATH("/", "Prefix", "three"));
    const char *want[] = {"three-0", "three-1", "three-2", "three-0", "three-1", "three-2", "three-0"};
    for (int i = 0; i < 7; i++) {
        route("rr.test", "/", NULL, NULL, NULL);
        CU_ASSERT_STRING_EQUAL(R.pod, want[i]);
    }
    CU_ASSERT_STRING_EQUAL(R.pod_template_hash, "hthree");
    CU_ASSERT_STRING_EQUAL(R.body, "three-0\n"); /* no image rule: the pod's name */
    CU_ASSERT_PTR_NOT_NULL(strstr(R.pod_ip, "10.244."));
    /* an address without targetRef is found by the pod's IP */
    CU_ASSERT_EQUAL(call("POST", "/api/v1/namespaces/rr/services",
                         "{\"metadata\":{\"name\":\"byip\"},\"spec\":{\"ports\":[{\"port\":80}]}}"), 201);
    CU_ASSERT_EQUAL(call("POST", "/api/v1/namespaces/rr/endpoints",
                         "{\"metadata\":{\"name\":\"byip\"},\"subsets\":[{\"addresses\":[{\"ip\":\"10.9.9.9\"}],"
                         "\"ports\":[{\"port\":80}]}]}"), 201);
    CU_ASSERT_EQUAL(call("POST", "/api/v1/namespaces/rr/pods",
                         "{\"metadata\":{\"name\":\"ip-pod\",\"labels\":{\"rollouts-pod-template-hash\":\"abc\","
                         "\"pod-template-hash\":\"def\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}"), 201);
    CU_ASSERT_EQUAL(fakeapi_call(srv, "PATCH", "/api/v1/namespaces/rr/pods/ip-pod/status", "application/merge-patch+json",
                                 "{\"status\":{\"podIP\":\"10.9.9.9\"}}", NULL), 200);
    ingress("rr", "byip", "", NULL, "byip.test", PATH("/", "Prefix", "byip"));
    route("byip.test", "/", NULL, NULL, NULL);
    /* the kubelet, when it runs, may give the pod an IP of its own; then nothing is at 10.9.9.9 */
    if (R.status == 200) {
        CU_ASSERT_STRING_EQUAL(R.pod, "ip-pod");
        CU_ASSERT_STRING_EQUAL(R.pod_template_hash, "abc"); /* the Rollouts label first */
    } else {
        CU_ASSERT_EQUAL(R.status, 502);
    }
}

static void test_annotation_prefix_and_default_backend(void)
{
    namespace_on(srv, "pfx");
    backend("pfx", "s", 1, "example/stable:1");
    backend("pfx", "c", 1, "example/canary:1");
    ingress("pfx", "main", "", NULL, "pfx.test", PATH("/", "Prefix", "s"));
    ingress("pfx", "zcanary", "\"custom.io/canary\":\"true\",\"custom.io/canary-weight\":\"100\"", NULL, "pfx.test",
            PATH("/", "Prefix", "c"));
    /* with the default prefix that canary is a duplicate main, ignored */
    CU_ASSERT_STRING_EQUAL(route("pfx.test", "/", NULL, NULL, NULL), "s");
    fakeapi_ingress_set_annotation_prefix(srv, "custom.io");
    CU_ASSERT_STRING_EQUAL(route("pfx.test", "/", NULL, NULL, NULL), "c");
    fakeapi_ingress_set_annotation_prefix(srv, NULL);
    CU_ASSERT_STRING_EQUAL(route("pfx.test", "/", NULL, NULL, NULL), "s");

    /* spec.defaultBackend: the root of the Ingress's hosts, and the catch-all without rules */
    CU_ASSERT_EQUAL(call("POST", "/apis/networking.k8s.io/v1/namespaces/pfx/ingresses",
                         "{\"metadata\":{\"name\":\"dflt\"},\"spec\":{\"defaultBackend\":{\"service\":{\"name\":\"s\","
                         "\"port\":{\"number\":80}}},\"rules\":[{\"host\":\"dflt.test\",\"http\":{\"paths\":["
                         PATH("/only", "Exact", "c") "]}}]}}"), 201);
    CU_ASSERT_STRING_EQUAL(route("dflt.test", "/only", NULL, NULL, NULL), "c");
    CU_ASSERT_STRING_EQUAL(route("dflt.test", "/else", NULL, NULL, NULL), "s");
    CU_ASSERT_STRING_EQUAL(route("unclaimed.test", "/", NULL, NULL, NULL), "404");
    CU_ASSERT_EQUAL(call("POST", "/apis/networking.k8s.io/v1/namespaces/pfx/ingresses",
                         "{\"metadata\":{\"name\":\"catchall\"},\"spec\":{\"defaultBackend\":{\"service\":{\"name\":\"c\","
                         "\"port\":{\"number\":80}}}}}"), 201);
    CU_ASSERT_STRING_EQUAL(route("unclaimed.test", "/", NULL, NULL, NULL), "c");
    delete_ingress("pfx", "catchall");
}

/* The same seed and the same cluster give the same decisions; another seed does not. The
 * servers run without the simulation so nothing else draws from the generator meanwhile. */
static void decisions(uint64_t seed, char out[201])
{
    char err[256];
    fakeapi_options o = {.seed = seed, .clock = clk, .no_sim = 1};
    fakeapi *f = fakeapi_start(&o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    backend_on(f, "default", "s", 2, "x:1");
    backend_on(f, "default", "c", 2, "x:2");
    ingress_on(f, "default", "main", "", NULL, "det.test", PATH("/", "Prefix", "s"));
    ingress_on(f, "default", "canary", A("canary") ":\"true\"," A("canary-weight") ":\"30\"", NULL, "det.test",
               PATH("/", "Prefix", "c"));
    for (int i = 0; i < 200; i++) {
        route_on(f, "det.test", "/", NULL, NULL, NULL);
        out[i] = R.canary ? 'C' : R.pod[strlen(R.pod) - 1];
    }
    out[200] = 0;
    fa_ingress_result_free(&R);
    fakeapi_stop(f);
}

static void test_determinism(void)
{
    char a[201], b[201], c[201];
    decisions(1234, a);
    decisions(1234, b);
    decisions(999, c);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT_STRING_NOT_EQUAL(a, c);
    CU_ASSERT_PTR_NOT_NULL(strchr(a, 'C'));
}

/* The controller's status writes (run directly: the simulation may not have them registered). */
static void test_status(void)
{
    namespace_on(srv, "stat");
    backend("stat", "web", 1, "example/other:1");
    ingress("stat", "ours", "", NULL, "ours.test", PATH("/", "Prefix", "web"));
    ingress("stat", "theirs", "", "traefik", "theirs.test", PATH("/", "Prefix", "web"));
    pthread_mutex_lock(&srv->mu);
    fa_sim_ingress_nginx.sync(srv, "stat", "ours");
    fa_sim_ingress_nginx.sync(srv, "stat", "theirs");
    fa_sim_ingress_nginx.sync(srv, "stat", "missing");
    pthread_mutex_unlock(&srv->mu);
    char *out = NULL;
    CU_ASSERT_EQUAL(fakeapi_call(srv, "GET", "/apis/networking.k8s.io/v1/namespaces/stat/ingresses/ours", NULL, NULL, &out), 200);
    cJSON *o = cJSON_Parse(out);
    const char *h = cj_str(cJSON_GetArrayItem(cj_get(o, "status.loadBalancer.ingress"), 0), "hostname");
    CU_ASSERT_STRING_EQUAL(h ? h : "(none)", "localhost");
    cJSON_Delete(o);
    free(out);
    CU_ASSERT_EQUAL(fakeapi_call(srv, "GET", "/apis/networking.k8s.io/v1/namespaces/stat/ingresses/theirs", NULL, NULL, &out), 200);
    o = cJSON_Parse(out);
    CU_ASSERT_PTR_NULL(cj_get(o, "status.loadBalancer.ingress"));
    cJSON_Delete(o);
    free(out);
    CU_ASSERT_STRING_EQUAL(fa_sim_ingress_nginx.name, "ingress-nginx");
    CU_ASSERT_PTR_NOT_NULL(fa_sim_ingress_nginx.on_change);
}

/* ---- the HTTP port ---- */

typedef struct {
    co_buf body;
    char pod[256], hash[64], ctype[128];
} http_resp;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    co_buf_add(&((http_resp *)ud)->body, p, sz * n);
    return sz * n;
}

static void header_field(const char *line, size_t len, const char *name, char *out, size_t outn)
{
    size_t nl = strlen(name);
    if (len > nl + 1 && !strncasecmp(line, name, nl) && line[nl] == ':') {
        const char *v = line + nl + 1;
        while (*v == ' ')
            v++;
        size_t vl = len - (size_t)(v - line);
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
            vl--;
        snprintf(out, outn, "%.*s", (int)vl, v);
    }
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    http_resp *r = ud;
    header_field(p, sz * n, "X-Cutover-Pod", r->pod, sizeof r->pod);
    header_field(p, sz * n, "X-Cutover-Pod-Template-Hash", r->hash, sizeof r->hash);
    header_field(p, sz * n, "Content-Type", r->ctype, sizeof r->ctype);
    return sz * n;
}

/* GET http://host:PORT/path resolved to 127.0.0.1 (curl --resolve, as the blog does). */
static long http_get(const char *host, const char *path, const char *header, const char *cookie, http_resp *r)
{
    memset(r, 0, sizeof *r);
    unsigned port = fakeapi_ingress_port(srv);
    char url[512], resolve[300];
    snprintf(url, sizeof url, "http://%s:%u%s", host, port, path);
    snprintf(resolve, sizeof resolve, "%s:%u:127.0.0.1", host, port);
    struct curl_slist *res = curl_slist_append(NULL, resolve), *hdrs = header ? curl_slist_append(NULL, header) : NULL;
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_RESOLVE, res);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    if (cookie)
        curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    long code = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(c);
    curl_slist_free_all(res);
    curl_slist_free_all(hdrs);
    if (!r->body.data)
        co_buf_adds(&r->body, "");
    return code;
}

static void test_http_port(void)
{
    CU_ASSERT(fakeapi_ingress_port(srv) > 0);
    namespace_on(srv, "http");
    backend("http", "app-backend", 2, "example/stable:1");
    backend("http", "app-backend-canary", 1, "example/canary:1");
    ingress("http", "stable-ingress", "", NULL, "day24.ithome.com",
            PATH("/", "ImplementationSpecific", "app-backend"));
    ingress("http", "canary-ingress", A("canary") ":\"true\"," A("canary-by-header") ":\"Canary\","
            A("canary-by-header-value") ":\"true\"," A("canary-by-cookie") ":\"canary\"", NULL, "day24.ithome.com",
            PATH("/", "ImplementationSpecific", "app-backend-canary"));
    http_resp r;
    CU_ASSERT_EQUAL(http_get("day24.ithome.com", "/", NULL, NULL, &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body.data, "stable version\n");
    CU_ASSERT_STRING_EQUAL(r.pod, "app-backend-0");
    CU_ASSERT_STRING_EQUAL(r.hash, "happ-backend");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.ctype, "text/plain"));
    co_buf_free(&r.body);
    CU_ASSERT_EQUAL(http_get("day24.ithome.com", "/", NULL, NULL, &r), 200);
    CU_ASSERT_STRING_EQUAL(r.pod, "app-backend-1");
    co_buf_free(&r.body);
    CU_ASSERT_EQUAL(http_get("day24.ithome.com", "/", "Canary: true", NULL, &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body.data, "canary version\n");
    CU_ASSERT_STRING_EQUAL(r.pod, "app-backend-canary-0");
    co_buf_free(&r.body);
    CU_ASSERT_EQUAL(http_get("day24.ithome.com", "/some/path?q=1", NULL, "a=b; canary=always", &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body.data, "canary version\n");
    co_buf_free(&r.body);
    CU_ASSERT_EQUAL(http_get("unknown.ithome.com", "/", NULL, NULL, &r), 404);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.body.data, "<title>404 Not Found</title>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.ctype, "text/html"));
    CU_ASSERT_STRING_EQUAL(r.pod, "");
    co_buf_free(&r.body);
    /* the Host header decides, whatever address the connection went to */
    CU_ASSERT_EQUAL(http_get("localhost", "/", "Host: day24.ithome.com", NULL, &r), 200);
    CU_ASSERT_STRING_EQUAL(r.body.data, "stable version\n");
    co_buf_free(&r.body);
    backend("http", "gone", 0, "x");
    ingress("http", "gone", "", NULL, "gone.ithome.com", PATH("/", "Prefix", "gone"));
    CU_ASSERT_EQUAL(http_get("gone.ithome.com", "/", NULL, NULL, &r), 503);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.body.data, "503 Service Temporarily Unavailable"));
    co_buf_free(&r.body);
}

static void test_listen_errors(void)
{
    char err[256];
    const char *bad[] = {"127.0.0.1", "127.0.0.1:99999", ":80", "no.such.host.invalid:30000"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fakeapi_options o = {.clock = clk, .ingress_listen = bad[i]};
        err[0] = 0;
        fakeapi *f = fakeapi_start(&o, err, sizeof err);
        CU_ASSERT_PTR_NULL(f);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "ingress") ? err : strstr(err, "listen"));
        if (f)
            fakeapi_stop(f);
    }
    /* the port that is already ours */
    char taken[64];
    snprintf(taken, sizeof taken, "127.0.0.1:%u", fakeapi_ingress_port(srv));
    fakeapi_options o = {.clock = clk, .ingress_listen = taken};
    fakeapi *f = fakeapi_start(&o, err, sizeof err);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot listen"));
    if (f)
        fakeapi_stop(f);
}

int main(void)
{
    char err[256];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    clk = co_clock_virtual(EPOCH);
    fakeapi_options opts = {.seed = 42, .clock = clk, .images = images, .nimages = 2,
                            .ingress_listen = "127.0.0.1:0"};
    srv = fakeapi_start(&opts, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "cannot start the server: %s\n", err);
        return 1;
    }
    static const cu_test tests[] = {
        {"host and path matching: exact/wildcard/no host, pathType, longest path", test_host_and_path_matching},
        {"ingress class: nginx, none, IngressClass controller, annotation", test_class_filtering},
        {"canary by header: always/never, value, pattern, fall-through", test_header},
        {"canary by cookie", test_cookie},
        {"canary by weight: 0, 100, total above 100, 20% of 10,000", test_weight},
        {"precedence: header, then cookie, then weight", test_precedence},
        {"canary merging: one per host/path, no main, not enabled, self", test_canary_merging},
        {"a canary alone in a cluster serves nothing", test_canary_only_without_main},
        {"404 no rule, 503 no endpoints, 502 no pod", test_errors},
        {"round robin over ready endpoints; pod by IP", test_round_robin},
        {"annotation prefix; spec.defaultBackend", test_annotation_prefix_and_default_backend},
        {"the same seed gives the same decisions", test_determinism},
        {"status.loadBalancer for the Ingresses it serves", test_status},
        {"the HTTP port: Host header, Canary header, cookie, 404, 503", test_http_port},
        {"bad or taken listen addresses are refused", test_listen_errors},
        {NULL, NULL},
    };
    int rc = cu_run("ingress_nginx", tests);
    fa_ingress_result_free(&R);
    fakeapi_stop(srv);
    co_clock_free(clk);
    curl_global_cleanup();
    return rc;
}
