/* test_protobuf.c: fakeapi/protobuf (application/vnd.kubernetes.protobuf request bodies).
 *
 * Two kinds of cases. Fixtures: tests/unit/data/protobuf/NAME.pb is a body kubectl v1.32.4 sent
 * for a generator command and NAME.json what the same command prints with --dry-run=client -o json
 * (see the README there); the decoded object must print exactly as that JSON, member order
 * included. No normalisation is needed for kubectl 1.32: its dry run prints the object through the
 * same Go encoding/json the decoder follows (`"creationTimestamp": null`, `"spec": {}`,
 * `"status": {}`, `"resources": {}`, `"strategy": {}`). A kubectl of 1.33 or later prints no
 * creationTimestamp at all (the field became omitzero); if the fixtures are recorded again with
 * one, compare after dropping null creationTimestamps (norm_creation_timestamp below does).
 *
 * Hand-made bodies: a small encoder below writes the fields kubectl's generators never send
 * (probes, env sources, resources, strategy, timestamps, owner references, ...) and the malformed
 * bodies. */
#include "fakeapi/protobuf.h"
#include "common/file.h"
#include "common/json.h"
#include "tests/unit/cu.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fixtures ---- */

static char *fixture(const char *name, size_t *len)
{
    char path[1024];
    const char *here = __FILE__, *slash = strrchr(here, '/');
    snprintf(path, sizeof path, "%.*s/data/protobuf/%s", slash ? (int)(slash - here) : 1, slash ? here : ".", name);
    char *text = co_read_file(path, 0, len);
    if (!text)
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
    return text;
}

/* Drops metadata.creationTimestamp and spec.template.metadata.creationTimestamp when null. */
static void norm_creation_timestamp(cJSON *o)
{
    const char *paths[] = {"metadata", "spec.template.metadata"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        cJSON *m = cj_get(o, paths[i]);
        if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(m, "creationTimestamp")))
            cJSON_DeleteItemFromObjectCaseSensitive(m, "creationTimestamp");
    }
}

static void check_fixture(const char *name)
{
    char pb[128], js[128];
    snprintf(pb, sizeof pb, "%s.pb", name);
    snprintf(js, sizeof js, "%s.json", name);
    size_t len, jlen;
    char *body = fixture(pb, &len), *text = fixture(js, &jlen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(body);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    cJSON *got = NULL, *want = cj_parse(text, jlen);
    char err[512];
    enum fa_pb_result r = fa_pb_decode(body, len, &got, err, sizeof err);
    if (r != FA_PB_OK)
        fprintf(stderr, "%s: %s\n", name, err);
    CU_ASSERT_EQUAL(r, FA_PB_OK);
    CU_ASSERT_PTR_NOT_NULL(want);
    if (got && want) {
        char *a = cJSON_PrintUnformatted(got), *b = cJSON_PrintUnformatted(want);
        if (strcmp(a, b)) { /* tell a member-order difference from a value difference */
            fprintf(stderr, "%s:\n  got  %s\n  want %s\n", name, a, b);
            norm_creation_timestamp(got);
            norm_creation_timestamp(want);
            CU_ASSERT(cj_equal(got, want));
        }
        CU_ASSERT_STRING_EQUAL(a, b);
        free(a);
        free(b);
    }
    cJSON_Delete(got);
    cJSON_Delete(want);
    free(body);
    free(text);
}

static void test_fixture_namespace(void) { check_fixture("namespace"); check_fixture("namespace-argo-rollouts"); }
static void test_fixture_configmap(void) { check_fixture("configmap"); check_fixture("configmap-binary"); }
static void test_fixture_secret(void) { check_fixture("secret"); check_fixture("secret-typed"); }
static void test_fixture_serviceaccount(void) { check_fixture("serviceaccount"); }
static void test_fixture_deployment(void) { check_fixture("deployment"); check_fixture("deployment-command"); }
static void test_fixture_service(void) { check_fixture("service"); check_fixture("service-nodeport"); }

static void test_fixture_job(void) { check_fixture("job"); check_fixture("job-command"); }
static void test_fixture_cronjob(void) { check_fixture("cronjob"); }
static void test_fixture_ingress(void) { check_fixture("ingress"); check_fixture("ingress-tls"); }
static void test_fixture_rbac(void)
{
    check_fixture("role");
    check_fixture("clusterrole");
    check_fixture("rolebinding");
    check_fixture("clusterrolebinding");
}
static void test_fixture_pdb(void) { check_fixture("pdb"); }

/* autoscaling/v1 HorizontalPodAutoscaler (kubectl autoscale) is a well-formed body of a kind the
 * decoder does not cover: the server's 415. */
static void test_fixture_unsupported_kind(void)
{
    size_t len;
    char *body = fixture("autoscale.pb", &len), err[512];
    CU_ASSERT_PTR_NOT_NULL_FATAL(body);
    cJSON *o = (cJSON *)1;
    CU_ASSERT_EQUAL(fa_pb_decode(body, len, &o, err, sizeof err), FA_PB_UNSUPPORTED);
    CU_ASSERT_PTR_NULL(o);
    CU_ASSERT_STRING_EQUAL(err, "the body of the request was in an unknown format - accepted media types include: "
                                "application/json, application/yaml, application/vnd.kubernetes.protobuf");
    free(body);
}

/* Every prefix of every fixture: decoded or refused, never read past its end (ASan watches). */
static void test_fixture_prefixes(void)
{
    const char *names[] = {"namespace.pb", "configmap-binary.pb", "secret.pb", "serviceaccount.pb",
                           "deployment-command.pb", "service-nodeport.pb", "job-command.pb", "cronjob.pb",
                           "ingress.pb", "ingress-tls.pb", "clusterrole.pb", "rolebinding.pb", "pdb.pb",
                           "autoscale.pb"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t len;
        char *body = fixture(names[i], &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(body);
        for (size_t n = 0; n < len; n++) {
            char *copy = malloc(n ? n : 1), err[512] = "";
            memcpy(copy, body, n);
            cJSON *o = NULL;
            enum fa_pb_result r = fa_pb_decode(copy, n, &o, err, sizeof err);
            CU_ASSERT(r == FA_PB_OK || r == FA_PB_MALFORMED || (r == FA_PB_UNSUPPORTED && !strcmp(names[i], "autoscale.pb")));
            CU_ASSERT((r == FA_PB_OK) == (o != NULL));
            if (r != FA_PB_OK)
                CU_ASSERT(err[0] != '\0');
            cJSON_Delete(o);
            free(copy);
        }
        free(body);
    }
}

/* ---- a small protobuf encoder for hand-made bodies ---- */

typedef struct {
    uint8_t b[4096];
    size_t n;
} enc;

static void e_raw(enc *e, const void *p, size_t n)
{
    CU_ASSERT_FATAL(e->n + n <= sizeof e->b);
    memcpy(e->b + e->n, p, n);
    e->n += n;
}

static void e_varint(enc *e, uint64_t v)
{
    do {
        uint8_t b = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            b |= 0x80;
        e_raw(e, &b, 1);
    } while (v);
}

static void e_tag(enc *e, uint32_t num, unsigned wt) { e_varint(e, (uint64_t)num << 3 | wt); }
static void e_int(enc *e, uint32_t num, int64_t v) { e_tag(e, num, 0), e_varint(e, (uint64_t)v); }
static void e_bytes(enc *e, uint32_t num, const void *p, size_t n) { e_tag(e, num, 2), e_varint(e, n), e_raw(e, p, n); }
static void e_str(enc *e, uint32_t num, const char *s) { e_bytes(e, num, s, strlen(s)); }
static void e_msg(enc *e, uint32_t num, const enc *sub) { e_bytes(e, num, sub->b, sub->n); }
static void e_clear(enc *e) { e->n = 0; }

/* map<string, string> entry */
static void e_kv(enc *e, uint32_t num, const char *k, const char *v)
{
    enc en = {0};
    e_str(&en, 1, k);
    e_str(&en, 2, v);
    e_msg(e, num, &en);
}

/* map<string, Quantity> entry */
static void e_kq(enc *e, uint32_t num, const char *k, const char *q)
{
    enc qv = {0}, en = {0};
    e_str(&qv, 1, q);
    e_str(&en, 1, k);
    e_msg(&en, 2, &qv);
    e_msg(e, num, &en);
}

/* IntOrString field: an int or (s != NULL) a string */
static void e_intstr(enc *e, uint32_t num, int32_t i, const char *s)
{
    enc v = {0};
    e_int(&v, 1, s ? 1 : 0);
    e_int(&v, 2, s ? 0 : i);
    e_str(&v, 3, s ? s : "");
    e_msg(e, num, &v);
}

/* The whole body: magic, runtime.Unknown {typeMeta, raw, contentEncoding, contentType}. */
static size_t body_of(uint8_t *out, size_t cap, const char *api_version, const char *kind, const enc *raw)
{
    enc env = {0}, tm = {0};
    e_str(&tm, 1, api_version);
    e_str(&tm, 2, kind);
    e_msg(&env, 1, &tm);
    e_msg(&env, 2, raw);
    e_str(&env, 3, "");
    e_str(&env, 4, "");
    CU_ASSERT_FATAL(env.n + 4 <= cap);
    memcpy(out, "k8s\0", 4);
    memcpy(out + 4, env.b, env.n);
    return env.n + 4;
}

static uint8_t body[16384];
static char errbuf[512];

/* Decodes a hand-made object; returns its JSON printed (caller frees) or NULL with errbuf set. */
static char *decode(const char *api_version, const char *kind, const enc *raw, enum fa_pb_result *res)
{
    size_t n = body_of(body, sizeof body, api_version, kind, raw);
    cJSON *o = NULL;
    errbuf[0] = '\0';
    enum fa_pb_result r = fa_pb_decode(body, n, &o, errbuf, sizeof errbuf);
    if (res)
        *res = r;
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return text;
}

static void expect_json(const char *api_version, const char *kind, const enc *raw, const char *want)
{
    char *got = decode(api_version, kind, raw, NULL);
    if (!got || strcmp(got, want))
        fprintf(stderr, "\n  got  %s\n  want %s\n  err  %s\n", got ? got : "(null)", want, errbuf);
    CU_ASSERT_PTR_NOT_NULL(got);
    if (got)
        CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
}

static void expect_error(const char *api_version, const char *kind, const enc *raw, const char *want_substring)
{
    enum fa_pb_result r;
    char *got = decode(api_version, kind, raw, &r);
    CU_ASSERT_PTR_NULL(got);
    CU_ASSERT_EQUAL(r, FA_PB_MALFORMED);
    if (!strstr(errbuf, want_substring))
        fprintf(stderr, "\n  error %s\n  wanted %s\n", errbuf, want_substring);
    CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, want_substring));
    free(got);
}

/* ObjectMeta with only a name, as Go writes it (every non-pointer field, empty). */
static void e_meta(enc *e, const char *name)
{
    enc m = {0};
    e_str(&m, 1, name);
    e_str(&m, 2, "");
    e_str(&m, 3, "");
    e_bytes(&m, 8, "", 0); /* the zero creationTimestamp */
    e_msg(e, 1, &m);
}

/* ---- hand-made cases ---- */

static void test_object_meta(void)
{
    enc m = {0}, t = {0}, own = {0}, mf = {0}, fields = {0}, raw = {0};
    e_str(&m, 1, "app");
    e_str(&m, 2, "app-");
    e_str(&m, 3, "ithome");
    e_str(&m, 5, "3f2a-uid");
    e_str(&m, 6, "42");
    e_int(&m, 7, 3);
    e_int(&t, 1, 1704164645); /* 2024-01-02T03:04:05Z */
    e_int(&t, 2, 999);        /* nanos: dropped, as metav1.Time does */
    e_msg(&m, 8, &t);
    e_kv(&m, 11, "tier", "web");
    e_kv(&m, 11, "app", "x");
    e_kv(&m, 11, "app", "app"); /* a repeated key: the last value wins */
    e_kv(&m, 12, "note", "hi");
    e_str(&own, 1, "ReplicaSet");
    e_str(&own, 3, "rs");
    e_str(&own, 4, "u1");
    e_str(&own, 5, "apps/v1");
    e_int(&own, 6, 1);
    e_int(&own, 7, 0);
    e_msg(&m, 13, &own);
    e_str(&m, 14, "kubernetes");
    e_str(&m, 14, "example.com/x");
    e_str(&mf, 1, "kubectl");
    e_str(&mf, 2, "Update");
    e_str(&mf, 6, "FieldsV1");
    e_str(&fields, 1, "{\"f:metadata\":{}}");
    e_msg(&mf, 7, &fields);
    e_msg(&m, 17, &mf);
    e_msg(&raw, 1, &m);
    expect_json("v1", "Namespace", &raw,
                "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"app\",\"generateName\":\"app-\","
                "\"namespace\":\"ithome\",\"uid\":\"3f2a-uid\",\"resourceVersion\":\"42\",\"generation\":3,"
                "\"creationTimestamp\":\"2024-01-02T03:04:05Z\",\"labels\":{\"app\":\"app\",\"tier\":\"web\"},"
                "\"annotations\":{\"note\":\"hi\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":"
                "\"ReplicaSet\",\"name\":\"rs\",\"uid\":\"u1\",\"controller\":true,\"blockOwnerDeletion\":false}],"
                "\"finalizers\":[\"kubernetes\",\"example.com/x\"],\"managedFields\":[{\"manager\":\"kubectl\","
                "\"operation\":\"Update\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{}}}]},"
                "\"spec\":{},\"status\":{}}");
}

static void test_times(void)
{
    static const struct {
        int64_t secs;
        const char *want;
    } cases[] = {
        {0, "1970-01-01T00:00:00Z"}, /* a non-empty Timestamp of 0 s is the epoch, not the zero time */
        {-1, "1969-12-31T23:59:59Z"},
        {951782400, "2000-02-29T00:00:00Z"},
        {253402300799LL, "9999-12-31T23:59:59Z"},
        {-62135596800LL, "0001-01-01T00:00:00Z"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enc m = {0}, t = {0}, raw = {0};
        e_int(&t, 1, cases[i].secs);
        e_msg(&m, 8, &t);
        e_msg(&raw, 1, &m);
        char want[256];
        snprintf(want, sizeof want,
                 "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"creationTimestamp\":\"%s\"},\"spec\":{},"
                 "\"status\":{}}",
                 cases[i].want);
        expect_json("v1", "Namespace", &raw, want);
    }
    enc m = {0}, t = {0}, raw = {0};
    e_int(&t, 1, 253402300800LL);
    e_msg(&m, 8, &t);
    e_msg(&raw, 1, &m);
    expect_error("v1", "Namespace", &raw, "Namespace.metadata.creationTimestamp: time 253402300800 seconds is outside");
    /* a deletionTimestamp (a pointer) present but empty is the zero time: null */
    e_clear(&m), e_clear(&raw);
    e_bytes(&m, 9, "", 0);
    e_msg(&raw, 1, &m);
    expect_json("v1", "Namespace", &raw,
                "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"creationTimestamp\":null,"
                "\"deletionTimestamp\":null},\"spec\":{},\"status\":{}}");
}

/* The Deployment a manifest would hold: what `kubectl create deployment` leaves out. */
static void test_deployment_full(void)
{
    enc raw = {0}, spec = {0}, sel = {0}, req = {0}, tpl = {0}, tmeta = {0}, pod = {0}, c = {0}, port = {0},
        env = {0}, src = {0}, ref = {0}, lor = {0}, res = {0}, probe = {0}, get = {0}, live = {0}, tcp = {0},
        strat = {0}, ru = {0}, psc = {0};
    e_meta(&raw, "app");
    e_int(&spec, 1, 0); /* replicas: a pointer, so 0 is kept */
    e_kv(&sel, 1, "app", "app");
    e_str(&req, 1, "tier");
    e_str(&req, 2, "In");
    e_str(&req, 3, "web");
    e_str(&req, 3, "api");
    e_msg(&sel, 2, &req);
    e_msg(&spec, 2, &sel);
    e_kv(&tmeta, 11, "app", "app");
    e_msg(&tpl, 1, &tmeta);
    e_str(&c, 1, "app");
    e_str(&c, 2, "nginx:1.25");
    e_str(&c, 4, "--port=8080");
    e_str(&port, 1, "http");
    e_int(&port, 3, 8080);
    e_str(&port, 4, "TCP");
    e_msg(&c, 6, &port);
    /* env: a value, then fieldRef, configMapKeyRef and secretKeyRef */
    e_str(&env, 1, "MODE");
    e_str(&env, 2, "prod");
    e_msg(&c, 7, &env);
    e_clear(&env), e_clear(&src), e_clear(&ref);
    e_str(&env, 1, "POD_IP");
    e_str(&ref, 1, "v1");
    e_str(&ref, 2, "status.podIP");
    e_msg(&src, 1, &ref);
    e_msg(&env, 3, &src);
    e_msg(&c, 7, &env);
    e_clear(&env), e_clear(&src), e_clear(&ref);
    e_str(&env, 1, "GREETING");
    e_str(&lor, 1, "app-config");
    e_msg(&ref, 1, &lor); /* the embedded LocalObjectReference: its name is inlined */
    e_str(&ref, 2, "GREETING");
    e_msg(&src, 3, &ref);
    e_msg(&env, 3, &src);
    e_msg(&c, 7, &env);
    e_clear(&env), e_clear(&src), e_clear(&ref), e_clear(&lor);
    e_str(&env, 1, "PASSWORD");
    e_str(&lor, 1, "app-secret");
    e_msg(&ref, 1, &lor);
    e_str(&ref, 2, "password");
    e_int(&ref, 3, 1);
    e_msg(&src, 4, &ref);
    e_msg(&env, 3, &src);
    e_msg(&c, 7, &env);
    e_kq(&res, 1, "memory", "128Mi");
    e_kq(&res, 1, "cpu", "500m");
    e_kq(&res, 2, "cpu", "250m");
    e_msg(&c, 8, &res);
    e_str(&get, 1, "/healthz");
    e_intstr(&get, 2, 0, "http");
    e_str(&get, 4, "HTTP");
    enc handler = {0}; /* Probe field 1 is the embedded ProbeHandler; httpGet is its field 2 */
    e_msg(&handler, 2, &get);
    e_msg(&probe, 1, &handler);
    e_int(&probe, 2, 5);
    e_int(&probe, 4, 10);
    e_int(&probe, 3, 1);
    e_msg(&c, 11, &probe);
    e_intstr(&tcp, 1, 8080, NULL);
    e_clear(&handler);
    e_msg(&handler, 3, &tcp);
    e_msg(&live, 1, &handler);
    e_msg(&c, 10, &live);
    e_str(&c, 13, "/dev/termination-log");
    e_str(&c, 20, "File");
    e_str(&c, 14, "IfNotPresent");
    e_int(&c, 16, 0); /* stdin false: omitempty */
    e_msg(&pod, 2, &c);
    e_str(&pod, 3, "Always");
    e_int(&pod, 4, 30);
    e_str(&pod, 6, "ClusterFirst");
    e_kv(&pod, 7, "zone", "a");
    e_kv(&pod, 7, "disk", "ssd");
    e_str(&pod, 8, "app-sa");
    e_msg(&pod, 14, &psc); /* securityContext: present and empty */
    e_str(&pod, 19, "default-scheduler");
    e_msg(&tpl, 2, &pod);
    e_msg(&spec, 3, &tpl);
    e_str(&strat, 1, "RollingUpdate");
    e_intstr(&ru, 1, 1, NULL);
    e_intstr(&ru, 2, 0, "25%");
    e_msg(&strat, 2, &ru);
    e_msg(&spec, 4, &strat);
    e_int(&spec, 5, 5);
    e_int(&spec, 6, 10);
    e_int(&spec, 7, 1);
    e_int(&spec, 9, 600);
    e_msg(&raw, 2, &spec);
    expect_json(
        "apps/v1", "Deployment", &raw,
        "{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"app\",\"creationTimestamp\":null},"
        "\"spec\":{\"replicas\":0,\"selector\":{\"matchLabels\":{\"app\":\"app\"},\"matchExpressions\":[{\"key\":\"tier\","
        "\"operator\":\"In\",\"values\":[\"web\",\"api\"]}]},\"template\":{\"metadata\":{\"creationTimestamp\":null,"
        "\"labels\":{\"app\":\"app\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.25\",\"args\":"
        "[\"--port=8080\"],\"ports\":[{\"name\":\"http\",\"containerPort\":8080,\"protocol\":\"TCP\"}],\"env\":["
        "{\"name\":\"MODE\",\"value\":\"prod\"},{\"name\":\"POD_IP\",\"valueFrom\":{\"fieldRef\":{\"apiVersion\":\"v1\","
        "\"fieldPath\":\"status.podIP\"}}},{\"name\":\"GREETING\",\"valueFrom\":{\"configMapKeyRef\":{\"name\":"
        "\"app-config\",\"key\":\"GREETING\"}}},{\"name\":\"PASSWORD\",\"valueFrom\":{\"secretKeyRef\":{\"name\":"
        "\"app-secret\",\"key\":\"password\",\"optional\":true}}}],\"resources\":{\"limits\":{\"cpu\":\"500m\","
        "\"memory\":\"128Mi\"},\"requests\":{\"cpu\":\"250m\"}},\"livenessProbe\":{\"tcpSocket\":{\"port\":8080}},"
        "\"readinessProbe\":{\"httpGet\":{\"path\":\"/healthz\",\"port\":\"http\",\"scheme\":\"HTTP\"},"
        "\"initialDelaySeconds\":5,\"timeoutSeconds\":1,\"periodSeconds\":10},\"terminationMessagePath\":"
        "\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\"}],"
        "\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\","
        "\"nodeSelector\":{\"disk\":\"ssd\",\"zone\":\"a\"},\"serviceAccountName\":\"app-sa\",\"securityContext\":{},"
        "\"schedulerName\":\"default-scheduler\"}},\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":"
        "{\"maxUnavailable\":1,\"maxSurge\":\"25%\"}},\"minReadySeconds\":5,\"revisionHistoryLimit\":10,\"paused\":true,"
        "\"progressDeadlineSeconds\":600},\"status\":{}}");
}

static void test_service_full(void)
{
    enc raw = {0}, spec = {0}, port = {0}, sac = {0}, cip = {0};
    e_meta(&raw, "app");
    e_str(&port, 1, "http");
    e_str(&port, 2, "TCP");
    e_int(&port, 3, 80);
    e_intstr(&port, 4, 0, "http");
    e_int(&port, 5, 30080);
    e_msg(&spec, 1, &port);
    e_clear(&port);
    e_int(&port, 3, 443); /* targetPort absent: the zero IntOrString, 0 */
    e_msg(&spec, 1, &port);
    e_kv(&spec, 2, "app", "app");
    e_str(&spec, 3, "10.96.0.10");
    e_str(&spec, 18, "10.96.0.10");
    e_str(&spec, 4, "NodePort");
    e_str(&spec, 7, "ClientIP");
    e_str(&spec, 11, "Cluster");
    e_int(&cip, 1, 10800);
    e_msg(&sac, 1, &cip);
    e_msg(&spec, 14, &sac);
    e_str(&spec, 19, "IPv4");
    e_str(&spec, 17, "SingleStack");
    e_int(&spec, 20, 1);
    e_str(&spec, 22, "Cluster");
    e_msg(&raw, 2, &spec);
    expect_json("v1", "Service", &raw,
                "{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"app\",\"creationTimestamp\":null},"
                "\"spec\":{\"ports\":[{\"name\":\"http\",\"protocol\":\"TCP\",\"port\":80,\"targetPort\":\"http\","
                "\"nodePort\":30080},{\"port\":443,\"targetPort\":0}],\"selector\":{\"app\":\"app\"},\"clusterIP\":"
                "\"10.96.0.10\",\"clusterIPs\":[\"10.96.0.10\"],\"type\":\"NodePort\",\"sessionAffinity\":\"ClientIP\","
                "\"externalTrafficPolicy\":\"Cluster\",\"sessionAffinityConfig\":{\"clientIP\":{\"timeoutSeconds\":10800}},"
                "\"ipFamilies\":[\"IPv4\"],\"ipFamilyPolicy\":\"SingleStack\",\"allocateLoadBalancerNodePorts\":true,"
                "\"internalTrafficPolicy\":\"Cluster\"},\"status\":{\"loadBalancer\":{}}}");
}

static void test_secret_and_configmap(void)
{
    enc raw = {0}, en = {0};
    e_meta(&raw, "s");
    e_int(&raw, 5, 0); /* immutable: a pointer, false is kept */
    const struct {
        const char *k;
        const char *v;
        size_t n;
    } data[] = {{"one", "a", 1}, {"two", "ab", 2}, {"three", "abc", 3}, {"empty", "", 0}, {"bin", "\0\xff", 2}};
    for (size_t i = 0; i < sizeof data / sizeof data[0]; i++) {
        e_clear(&en);
        e_str(&en, 1, data[i].k);
        e_bytes(&en, 2, data[i].v, data[i].n);
        e_msg(&raw, 2, &en);
    }
    e_kv(&raw, 4, "plain", "text");
    e_str(&raw, 3, "Opaque");
    expect_json("v1", "Secret", &raw,
                "{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"s\",\"creationTimestamp\":null},"
                "\"immutable\":false,\"data\":{\"bin\":\"AP8=\",\"empty\":\"\",\"one\":\"YQ==\",\"three\":\"YWJj\","
                "\"two\":\"YWI=\"},\"stringData\":{\"plain\":\"text\"},\"type\":\"Opaque\"}");
    /* a ConfigMap with no data at all: data and binaryData are omitempty */
    e_clear(&raw);
    e_meta(&raw, "empty");
    expect_json("v1", "ConfigMap", &raw,
                "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"empty\",\"creationTimestamp\":null}}");
}

static void test_serviceaccount_full(void)
{
    enc raw = {0}, ref = {0};
    e_meta(&raw, "sa");
    e_str(&ref, 1, "Secret");
    e_str(&ref, 3, "sa-token");
    e_msg(&raw, 2, &ref);
    e_clear(&ref);
    e_str(&ref, 1, "regcred");
    e_msg(&raw, 3, &ref);
    e_int(&raw, 4, 0);
    expect_json("v1", "ServiceAccount", &raw,
                "{\"kind\":\"ServiceAccount\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"sa\",\"creationTimestamp\":"
                "null},\"secrets\":[{\"kind\":\"Secret\",\"name\":\"sa-token\"}],\"imagePullSecrets\":[{\"name\":"
                "\"regcred\"}],\"automountServiceAccountToken\":false}");
}

/* Job fields kubectl does not send: pointers set to zero, packed int32s, a status. */
static void test_job_full(void)
{
    enc raw = {0}, spec = {0}, pfp = {0}, rule = {0}, m = {0}, status = {0}, t = {0};
    e_meta(&raw, "j");
    e_str(&rule, 1, "FailJob");
    e_str(&m, 2, "In");
    e_bytes(&m, 3, "\x01\x02", 2); /* values, packed */
    e_msg(&rule, 2, &m);
    e_clear(&m);
    e_str(&m, 1, "DisruptionTarget");
    e_str(&m, 2, "True");
    e_msg(&rule, 3, &m);
    e_msg(&pfp, 1, &rule);
    e_msg(&spec, 11, &pfp);
    e_int(&spec, 7, 0);  /* backoffLimit */
    e_int(&spec, 10, 0); /* suspend */
    e_str(&spec, 9, "Indexed");
    e_clear(&m);
    e_msg(&spec, 16, &m); /* successPolicy {} */
    e_msg(&raw, 2, &spec);
    e_int(&t, 1, 1704164645);
    e_msg(&status, 2, &t);
    e_int(&status, 5, 3);
    e_clear(&m);
    e_str(&m, 2, "uid-1");
    e_msg(&status, 8, &m);
    e_msg(&raw, 3, &status);
    expect_json("batch/v1", "Job", &raw,
                "{\"kind\":\"Job\",\"apiVersion\":\"batch/v1\",\"metadata\":{\"name\":\"j\",\"creationTimestamp\":null},"
                "\"spec\":{\"podFailurePolicy\":{\"rules\":[{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"In\","
                "\"values\":[1,2]},\"onPodConditions\":[{\"type\":\"DisruptionTarget\",\"status\":\"True\"}]}]},"
                "\"successPolicy\":{\"rules\":null},\"backoffLimit\":0,\"template\":{\"metadata\":{\"creationTimestamp\":"
                "null},\"spec\":{\"containers\":null}},\"completionMode\":\"Indexed\",\"suspend\":false},\"status\":{"
                "\"startTime\":\"2024-01-02T03:04:05Z\",\"succeeded\":3,\"uncountedTerminatedPods\":{\"failed\":"
                "[\"uid-1\"]}}}");
}

/* CronJob: an empty body still has its value structs. */
static void test_cronjob_full(void)
{
    enc raw = {0}, spec = {0}, st = {0}, t = {0};
    e_str(&spec, 8, "Etc/UTC");
    e_int(&spec, 2, 30);
    e_str(&spec, 3, "Forbid");
    e_int(&spec, 6, 0);
    e_msg(&raw, 2, &spec);
    e_int(&t, 1, 1704164645);
    e_msg(&st, 4, &t);
    e_msg(&raw, 3, &st);
    expect_json("batch/v1", "CronJob", &raw,
                "{\"kind\":\"CronJob\",\"apiVersion\":\"batch/v1\",\"metadata\":{\"creationTimestamp\":null},\"spec\":{"
                "\"schedule\":\"\",\"timeZone\":\"Etc/UTC\",\"startingDeadlineSeconds\":30,\"concurrencyPolicy\":"
                "\"Forbid\",\"jobTemplate\":{\"metadata\":{\"creationTimestamp\":null},\"spec\":{\"template\":{"
                "\"metadata\":{\"creationTimestamp\":null},\"spec\":{\"containers\":null}}}},"
                "\"successfulJobsHistoryLimit\":0},\"status\":{\"lastScheduleTime\":\"2024-01-02T03:04:05Z\"}}");
}

/* Ingress: a default backend to a resource, a rule without http (the inlined IngressRuleValue adds
 * nothing), a path without pathType (a pointer without omitempty: null), a named port. */
static void test_ingress_full(void)
{
    enc raw = {0}, spec = {0}, be = {0}, ref = {0}, rule = {0}, rv = {0}, http = {0}, path = {0}, svc = {0},
        port = {0};
    e_str(&ref, 2, "StorageBucket");
    e_str(&ref, 3, "static");
    e_msg(&be, 3, &ref);
    e_msg(&spec, 1, &be);
    e_str(&rule, 1, "a.example");
    e_msg(&spec, 3, &rule);
    e_clear(&rule);
    e_str(&port, 1, "http");
    e_str(&svc, 1, "web");
    e_msg(&svc, 2, &port);
    e_clear(&be);
    e_msg(&be, 4, &svc);
    e_msg(&path, 2, &be);
    e_msg(&http, 1, &path);
    e_msg(&rv, 1, &http);
    e_msg(&rule, 2, &rv);
    e_msg(&spec, 3, &rule);
    e_msg(&raw, 2, &spec);
    expect_json("networking.k8s.io/v1", "Ingress", &raw,
                "{\"kind\":\"Ingress\",\"apiVersion\":\"networking.k8s.io/v1\",\"metadata\":{\"creationTimestamp\":"
                "null},\"spec\":{\"defaultBackend\":{\"resource\":{\"apiGroup\":null,\"kind\":\"StorageBucket\","
                "\"name\":\"static\"}},\"rules\":[{\"host\":\"a.example\"},{\"http\":{\"paths\":[{\"pathType\":null,"
                "\"backend\":{\"service\":{\"name\":\"web\",\"port\":{\"name\":\"http\"}}}}]}}]},\"status\":{"
                "\"loadBalancer\":{}}}");
}

/* RBAC: verbs and rules have no omitempty (null when absent); a binding's roleRef is a struct. */
static void test_rbac_full(void)
{
    enc raw = {0}, rule = {0}, agg = {0}, sel = {0};
    e_meta(&raw, "cr");
    e_str(&rule, 5, "/healthz");
    e_msg(&raw, 2, &rule);
    e_kv(&sel, 1, "rbac.example.com/aggregate", "true");
    e_msg(&agg, 1, &sel);
    e_msg(&raw, 3, &agg);
    expect_json("rbac.authorization.k8s.io/v1", "ClusterRole", &raw,
                "{\"kind\":\"ClusterRole\",\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"metadata\":{\"name\":"
                "\"cr\",\"creationTimestamp\":null},\"rules\":[{\"verbs\":null,\"nonResourceURLs\":[\"/healthz\"]}],"
                "\"aggregationRule\":{\"clusterRoleSelectors\":[{\"matchLabels\":{\"rbac.example.com/aggregate\":"
                "\"true\"}}]}}");
    e_clear(&raw);
    expect_json("rbac.authorization.k8s.io/v1", "Role", &raw,
                "{\"kind\":\"Role\",\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"metadata\":{\"creationTimestamp\":"
                "null},\"rules\":null}");
    expect_json("rbac.authorization.k8s.io/v1", "RoleBinding", &raw,
                "{\"kind\":\"RoleBinding\",\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"metadata\":{"
                "\"creationTimestamp\":null},\"roleRef\":{\"apiGroup\":\"\",\"kind\":\"\",\"name\":\"\"}}");
}

/* PodDisruptionBudget: a string maxUnavailable, and the status's map of Times (sorted by key). */
static void test_pdb_full(void)
{
    enc raw = {0}, spec = {0}, st = {0}, en = {0}, t = {0};
    e_intstr(&spec, 3, 0, "25%");
    e_str(&spec, 4, "AlwaysAllow");
    e_msg(&raw, 2, &spec);
    e_int(&st, 1, 2);
    e_int(&t, 1, 1704164645);
    e_str(&en, 1, "web-b");
    e_msg(&en, 2, &t);
    e_msg(&st, 2, &en);
    e_clear(&en);
    e_str(&en, 1, "web-a");
    e_msg(&st, 2, &en); /* an empty Time: null */
    e_int(&st, 3, 1);
    e_msg(&raw, 3, &st);
    expect_json("policy/v1", "PodDisruptionBudget", &raw,
                "{\"kind\":\"PodDisruptionBudget\",\"apiVersion\":\"policy/v1\",\"metadata\":{\"creationTimestamp\":"
                "null},\"spec\":{\"maxUnavailable\":\"25%\",\"unhealthyPodEvictionPolicy\":\"AlwaysAllow\"},"
                "\"status\":{\"observedGeneration\":2,\"disruptedPods\":{\"web-a\":null,\"web-b\":"
                "\"2024-01-02T03:04:05Z\"},\"disruptionsAllowed\":1,\"currentHealthy\":0,\"desiredHealthy\":0,"
                "\"expectedPods\":0}}");
}

/* Unknown field numbers of every wire type are skipped, in the envelope and in objects. */
static void test_unknown_fields_skipped(void)
{
    enc raw = {0}, m = {0};
    e_int(&m, 99, 7);
    e_tag(&m, 98, 1);
    e_raw(&m, "12345678", 8);
    e_tag(&m, 97, 5);
    e_raw(&m, "1234", 4);
    e_str(&m, 96, "skipped");
    e_str(&m, 1, "x");
    e_msg(&raw, 1, &m);
    e_int(&raw, 50, 1);
    expect_json("v1", "Namespace", &raw,
                "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\",\"creationTimestamp\":null},"
                "\"spec\":{},\"status\":{}}");

    /* and in the envelope */
    enc env = {0}, tm = {0};
    e_int(&env, 9, 1);
    e_str(&tm, 1, "v1");
    e_str(&tm, 7, "ignored");
    e_str(&tm, 2, "Namespace");
    e_msg(&env, 1, &tm);
    e_msg(&env, 2, &raw);
    uint8_t b[512] = "k8s";
    memcpy(b + 4, env.b, env.n);
    cJSON *o = NULL;
    CU_ASSERT_EQUAL(fa_pb_decode(b, env.n + 4, &o, errbuf, sizeof errbuf), FA_PB_OK);
    CU_ASSERT_STRING_EQUAL(cj_str(o, "metadata.name"), "x");
    cJSON_Delete(o);
}

/* A singular message given twice is merged; a scalar given twice keeps the last value. */
static void test_merging(void)
{
    enc raw = {0}, m = {0};
    e_str(&m, 1, "first");
    e_kv(&m, 11, "a", "1");
    e_msg(&raw, 1, &m);
    e_clear(&m);
    e_str(&m, 1, "second");
    e_kv(&m, 11, "b", "2");
    e_msg(&raw, 1, &m);
    expect_json("v1", "Namespace", &raw,
                "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"second\",\"creationTimestamp\":"
                "null,\"labels\":{\"a\":\"1\",\"b\":\"2\"}},\"spec\":{},\"status\":{}}");
}

/* Repeated varints, packed or not; a negative int32 is a 10-byte varint. */
static void test_varints(void)
{
    enc raw = {0}, spec = {0}, tpl = {0}, pod = {0}, psc = {0}, packed = {0};
    e_meta(&raw, "d");
    e_int(&spec, 1, -1);
    e_int(&psc, 4, 1000);
    e_varint(&packed, 2000);
    e_varint(&packed, 3000);
    e_bytes(&psc, 4, packed.b, packed.n);
    e_int(&psc, 2, 0); /* runAsUser 0: a pointer */
    e_msg(&pod, 14, &psc);
    e_msg(&tpl, 2, &pod);
    e_msg(&spec, 3, &tpl);
    e_msg(&raw, 2, &spec);
    expect_json("apps/v1", "Deployment", &raw,
                "{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"d\",\"creationTimestamp\":"
                "null},\"spec\":{\"replicas\":-1,\"selector\":null,\"template\":{\"metadata\":{\"creationTimestamp\":null},"
                "\"spec\":{\"containers\":null,\"securityContext\":{\"runAsUser\":0,\"supplementalGroups\":[1000,2000,3000]}}},"
                "\"strategy\":{}},\"status\":{}}");
}

static void test_strings(void)
{
    enc raw = {0}, m = {0};
    e_bytes(&m, 1, "a\xff" "b\xc3\xa9\xed\xa0\x80", 8); /* invalid byte, é, a surrogate */
    e_msg(&raw, 1, &m);
    expect_json("v1", "Namespace", &raw,
                "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\xef\xbf\xbd"
                "b\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\",\"creationTimestamp\":null},\"spec\":{},\"status\":{}}");
    e_clear(&m), e_clear(&raw);
    e_bytes(&m, 1, "a\0b", 3);
    e_msg(&raw, 1, &m);
    expect_error("v1", "Namespace", &raw, "protobuf: Namespace.metadata.name: string contains a NUL byte at offset 1");
}

static void test_quantities(void)
{
    static const struct {
        const char *q;
        const char *err; /* NULL: valid */
    } cases[] = {
        {"1", NULL}, {"500m", NULL}, {"128Mi", NULL}, {"1.5", NULL}, {"1e3", NULL}, {"2E-2", NULL}, {"-1k", NULL},
        {"", "quantities must match"}, {"1.5.5", "quantities must match"}, {"abc", "quantities must match"},
        {"1Kb", "quantities must match"}, {"1e", "unable to parse quantity's suffix"},
        {"1mi", "unable to parse quantity's suffix"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enc raw = {0}, spec = {0}, tpl = {0}, pod = {0}, c = {0}, res = {0};
        e_meta(&raw, "d");
        e_str(&c, 1, "c");
        e_kq(&res, 1, "cpu", cases[i].q);
        e_msg(&c, 8, &res);
        e_msg(&pod, 2, &c);
        e_msg(&tpl, 2, &pod);
        e_msg(&spec, 3, &tpl);
        e_msg(&raw, 2, &spec);
        enum fa_pb_result r;
        char *got = decode("apps/v1", "Deployment", &raw, &r);
        if (!cases[i].err) {
            char want[64];
            snprintf(want, sizeof want, "\"limits\":{\"cpu\":\"%s\"}", cases[i].q);
            CU_ASSERT(got && strstr(got, want));
        } else {
            CU_ASSERT_EQUAL(r, FA_PB_MALFORMED);
            CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "Deployment.spec.template.spec.containers[0].resources.limits.cpu: "));
            CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, cases[i].err));
        }
        free(got);
    }
}

static void test_intorstring_type(void)
{
    enc raw = {0}, spec = {0}, port = {0}, v = {0};
    e_meta(&raw, "s");
    e_int(&v, 1, 2);
    e_msg(&port, 4, &v);
    e_msg(&spec, 1, &port);
    e_msg(&raw, 2, &spec);
    expect_error("v1", "Service", &raw, "Service.spec.ports[0].targetPort: IntOrString type 2 is neither");
}

/* ---- malformed bodies ---- */

static void expect_body_error(const void *b, size_t n, const char *want)
{
    cJSON *o = (cJSON *)1;
    char err[512] = "";
    CU_ASSERT_EQUAL(fa_pb_decode(b, n, &o, err, sizeof err), FA_PB_MALFORMED);
    CU_ASSERT_PTR_NULL(o);
    if (!strstr(err, want))
        fprintf(stderr, "\n  error %s\n  wanted %s\n", err, want);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
}

static void test_envelope_errors(void)
{
    expect_body_error("", 0, "empty data");
    expect_body_error("{\"kind\":\"Namespace\"}", 20,
                      "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
    expect_body_error("k8s", 3, "expected prefix");
    expect_body_error("k8s\0", 4, "empty body");
    /* no typeMeta at all, then an empty kind, then an empty apiVersion */
    expect_body_error("k8s\0\x12\x00", 6, "Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:\"\", Kind:\"\"}'");
    expect_body_error("k8s\0\x0a\x04\x0a\x02v1", 10,
                      "Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:\"v1\", Kind:\"\"}'");
    expect_body_error("k8s\0\x0a\x05\x12\x03Pod", 11,
                      "Object 'apiVersion' is missing in 'runtime.TypeMeta{APIVersion:\"\", Kind:\"Pod\"}'");
    /* typeMeta's length runs past the end */
    expect_body_error("k8s\0\x0a\x09\x0a\x02v1", 10,
                      "protobuf: runtime.Unknown.typeMeta: unexpected end of data: length 9 exceeds the 4 bytes left");
    /* a varint cut short, one of 11 bytes, and field number 0 */
    expect_body_error("k8s\0\x48\xff", 6, "protobuf: runtime.Unknown: unexpected end of data inside a varint");
    expect_body_error("k8s\0\x48\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 15, "varint overflows 64 bits");
    expect_body_error("k8s\0\x00\x00", 6, "invalid field number 0");
    /* groups and the undefined wire types */
    expect_body_error("k8s\0\x4b\x4c", 6, "field 9: groups (wire type 3) are not supported");
    expect_body_error("k8s\0\x4c", 5, "field 9: groups (wire type 4) are not supported");
    expect_body_error("k8s\0\x4e", 5, "field 9: invalid wire type 6");
    expect_body_error("k8s\0\x4f", 5, "field 9: invalid wire type 7");
    /* fixed values cut short */
    expect_body_error("k8s\0\x49\x01\x02", 7, "a 8-byte value needs more than the 2 bytes left");
    expect_body_error("k8s\0\x4d\x01", 6, "a 4-byte value needs more than the 1 bytes left");
    /* a known field with the wrong wire type */
    expect_body_error("k8s\0\x08\x01", 6, "protobuf: runtime.Unknown.typeMeta: wrong wire type 0 for a length-delimited field");
}

static void test_object_errors(void)
{
    enc raw = {0}, m = {0};
    e_int(&m, 1, 5);
    e_msg(&raw, 1, &m);
    expect_error("v1", "Namespace", &raw, "protobuf: Namespace.metadata.name: wrong wire type 0 for a length-delimited field");
    e_clear(&raw), e_clear(&m);
    e_str(&m, 7, "x");
    e_msg(&raw, 1, &m);
    expect_error("v1", "Namespace", &raw, "protobuf: Namespace.metadata.generation: wrong wire type 2 for a varint field");
    /* a message whose declared length overruns its parent */
    e_clear(&raw);
    e_tag(&raw, 1, 2);
    e_varint(&raw, 3);
    e_raw(&raw, "\x0a\x05" "a", 3); /* metadata of 3 bytes holding a name of 5 */
    expect_error("v1", "Namespace", &raw, "protobuf: Namespace.metadata.name: unexpected end of data: length 5 exceeds the 1 bytes left");
    /* an element of a repeated field names its index */
    enc spec = {0}, tpl = {0}, pod = {0}, c = {0};
    e_clear(&raw);
    e_str(&c, 1, "ok");
    e_msg(&pod, 2, &c);
    e_clear(&c);
    e_int(&c, 2, 1);
    e_msg(&pod, 2, &c);
    e_msg(&tpl, 2, &pod);
    e_msg(&spec, 3, &tpl);
    e_msg(&raw, 2, &spec);
    expect_error("apps/v1", "Deployment", &raw, "protobuf: Deployment.spec.template.spec.containers[1].image: wrong wire type 0");
}

/* Protobuf is denser than JSON: 2 bytes make a Volume {"name":""}. The values one body may become
 * are bounded, so that a body within the 3 MiB limit cannot take gigabytes. */
static void test_value_budget(void)
{
    size_t n = 800000, len = 0;
    uint8_t *pod = malloc(2 * n), *b = malloc(2 * n + 64);
    CU_ASSERT_FATAL(pod && b);
    for (size_t i = 0; i < n; i++)
        pod[2 * i] = 0x0a, pod[2 * i + 1] = 0x00; /* PodSpec.volumes: an empty Volume */
    /* k8s\0, typeMeta, then raw = Deployment{spec{template{spec: pod}}}, lengths as varints */
    static const char head[] = "k8s\0\x0a\x15\x0a\x07" "apps/v1" "\x12\x0a" "Deployment";
    memcpy(b, head, sizeof head - 1);
    len = sizeof head - 1;
    size_t lens[4] = {2 * n, 0, 0, 0}; /* PodSpec, PodTemplateSpec, DeploymentSpec, Deployment */
    uint8_t tags[4] = {0x12, 0x1a, 0x12, 0x12}; /* template.spec (2), spec.template (3), spec (2), raw (2) */
    uint8_t hdr[4][6];
    size_t hlen[4];
    for (int k = 0; k < 4; k++) {
        hlen[k] = 0;
        hdr[k][hlen[k]++] = tags[k];
        for (uint64_t v = lens[k]; ; v >>= 7) {
            hdr[k][hlen[k]++] = (uint8_t)((v & 0x7f) | (v >> 7 ? 0x80 : 0));
            if (!(v >> 7))
                break;
        }
        if (k < 3)
            lens[k + 1] = lens[k] + hlen[k];
    }
    for (int k = 3; k >= 0; k--) {
        memcpy(b + len, hdr[k], hlen[k]);
        len += hlen[k];
    }
    memcpy(b + len, pod, 2 * n);
    len += 2 * n;
    cJSON *o = NULL;
    char err[512];
    CU_ASSERT_EQUAL(fa_pb_decode(b, len, &o, err, sizeof err), FA_PB_MALFORMED);
    CU_ASSERT_PTR_NULL(o);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "protobuf: Deployment.spec.template.spec.volumes["));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "the object has more than 1500000 values"));
    free(pod);
    free(b);
}

static void test_unsupported_kinds(void)
{
    const char *kinds[][2] = {{"v1", "Pod"}, {"autoscaling/v1", "HorizontalPodAutoscaler"}, {"batch/v1beta1", "CronJob"},
                              {"apps/v1", "Namespace"}, {"v2", "Namespace"}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        enc raw = {0};
        enum fa_pb_result r;
        char *got = decode(kinds[i][0], kinds[i][1], &raw, &r);
        CU_ASSERT_PTR_NULL(got);
        CU_ASSERT_EQUAL(r, FA_PB_UNSUPPORTED);
        CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "the body of the request was in an unknown format"));
        free(got);
    }
}

int main(void)
{
    static const cu_test tests[] = {
        {"fixture: create namespace", test_fixture_namespace},
        {"fixture: create configmap", test_fixture_configmap},
        {"fixture: create secret generic", test_fixture_secret},
        {"fixture: create serviceaccount", test_fixture_serviceaccount},
        {"fixture: create deployment", test_fixture_deployment},
        {"fixture: create service", test_fixture_service},
        {"fixture: create job", test_fixture_job},
        {"fixture: create cronjob", test_fixture_cronjob},
        {"fixture: create ingress", test_fixture_ingress},
        {"fixture: create role, clusterrole, rolebinding, clusterrolebinding", test_fixture_rbac},
        {"fixture: create pdb", test_fixture_pdb},
        {"fixture: autoscale is a kind not decoded (415)", test_fixture_unsupported_kind},
        {"fixture prefixes never crash", test_fixture_prefixes},
        {"ObjectMeta: every field", test_object_meta},
        {"Time: RFC 3339 seconds, null when empty", test_times},
        {"Deployment: a full manifest", test_deployment_full},
        {"Service: every spec field kubectl sees", test_service_full},
        {"Secret and ConfigMap: base64, omitempty, pointers", test_secret_and_configmap},
        {"ServiceAccount: references", test_serviceaccount_full},
        {"Job: pointers, packed int32s, status", test_job_full},
        {"CronJob: value structs and pointers", test_cronjob_full},
        {"Ingress: backends and the inlined rule value", test_ingress_full},
        {"RBAC: rules, aggregation, roleRef", test_rbac_full},
        {"PodDisruptionBudget: IntOrString and a map of Times", test_pdb_full},
        {"unknown fields are skipped", test_unknown_fields_skipped},
        {"repeated singular fields merge", test_merging},
        {"varints: packed, negative, pointer zeroes", test_varints},
        {"strings: invalid UTF-8 and NUL", test_strings},
        {"Quantity: ParseQuantity's grammar", test_quantities},
        {"IntOrString: unknown type", test_intorstring_type},
        {"envelope errors", test_envelope_errors},
        {"object errors name the field", test_object_errors},
        {"kinds not decoded answer 415", test_unsupported_kinds},
        {"the values one body may become are bounded", test_value_budget},
        {NULL, NULL},
    };
    return cu_run("protobuf", tests);
}
