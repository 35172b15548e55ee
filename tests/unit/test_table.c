/* test_table.c: server-side printing. The printers' columns and cells for every kind the fake
 * server serves (checked against kube-apiserver 1.32's printers), CRD printer columns, the
 * default convertor, apimachinery's HumanDuration; then over HTTP: Accept negotiation,
 * includeObject, v1beta1, 406, PartialObjectMetadata, paging metadata and Table watch events.
 *
 * Objects are written with single quotes for readability; J() turns them into JSON. */
#include "cu.h"
#include "common/buf.h"
#include "common/json.h"
#include "fakeapi/fakeapi.h"
#include "fakeapi/table.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW_S "2024-10-01T12:00:00Z"
#define T17M "2024-10-01T11:43:00Z" /* 17 minutes before NOW */

static fa_registry *reg;
static int64_t now_ms;

/* The text with every ' turned into " (a static buffer per call slot, reused round-robin). */
static const char *J(const char *s)
{
    static char bufs[8][8192];
    static int slot;
    char *b = bufs[slot++ % 8];
    snprintf(b, sizeof bufs[0], "%s", s);
    for (char *p = b; *p; p++)
        if (*p == '\'')
            *p = '"';
    return b;
}

static const fa_resource *res_of(const char *key)
{
    const fa_resource *r = fa_registry_find_key(reg, key);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    return r;
}

/* The Table of one object (single-quoted JSON) of resource key. */
static cJSON *table(const char *key, const char *obj_sq)
{
    cJSON *obj = cJSON_Parse(J(obj_sq));
    CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
    fa_output o = {.as = FA_AS_TABLE, .version = "v1"};
    cJSON *t = fa_table(res_of(key), obj, false, &o, now_ms, true);
    cJSON_Delete(obj);
    return t;
}

/* "Name|Ready|...|*IP" (* marks priority 1, -o wide). */
static const char *headers(const cJSON *t)
{
    static char buf[1024];
    buf[0] = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(t, "columnDefinitions"))
    {
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof buf - n, "%s%s%s", n ? "|" : "", cj_int(c, "priority", 0) ? "*" : "",
                 cj_str(c, "name"));
    }
    return buf;
}

/* Row i's cells as compact JSON, with " shown as ' to compare with J-less literals. */
static const char *cells(const cJSON *t, int i)
{
    static char buf[4096];
    char *s = cJSON_PrintUnformatted(cj_get(cJSON_GetArrayItem(cj_get(t, "rows"), i), "cells"));
    snprintf(buf, sizeof buf, "%s", s ? s : "(none)");
    free(s);
    for (char *p = buf; *p; p++)
        if (*p == '"')
            *p = '\'';
    return buf;
}

/* The cells of key's one object. */
static const char *row_of(const char *key, const char *obj_sq)
{
    cJSON *t = table(key, obj_sq);
    const char *c = cells(t, 0);
    cJSON_Delete(t);
    return c;
}

#define CHECK_ROW(key, obj, want)                                                                                      \
    do {                                                                                                               \
        const char *got_ = row_of(key, obj);                                                                           \
        if (strcmp(got_, want))                                                                                        \
            fprintf(stderr, "\n  %s:%d\n    got:  %s\n    want: %s\n", __FILE__, __LINE__, got_, want);              \
        CU_ASSERT_STRING_EQUAL(got_, want);                                                                            \
    } while (0)

#define CHECK_HEADERS(key, want)                                                                                       \
    do {                                                                                                               \
        cJSON *t_ = table(key, "{'metadata':{'name':'x'}}");                                                           \
        CU_ASSERT_STRING_EQUAL(headers(t_), want);                                                                     \
        cJSON_Delete(t_);                                                                                              \
    } while (0)

/* ---- negotiation ---- */

static void test_accept_negotiation(void)
{
    static const char kubectl[] = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
                                  "g=meta.k8s.io,application/json";
    static const struct {
        const char *accept;
        int rc;
        fa_as as;
        const char *version;
    } cases[] = {
        {kubectl, 0, FA_AS_TABLE, "v1"},
        {"application/json;as=Table;v=v1beta1;g=meta.k8s.io", 0, FA_AS_TABLE, "v1beta1"},
        {"application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json", 0, FA_AS_TABLE, "v1beta1"},
        {NULL, 0, FA_AS_OBJECT, "v1"},
        {"", 0, FA_AS_OBJECT, "v1"},
        {"application/json", 0, FA_AS_OBJECT, "v1"},
        {"*/*", 0, FA_AS_OBJECT, "v1"},
        {"application/vnd.kubernetes.protobuf,application/json", 0, FA_AS_OBJECT, "v1"},
        {"application/yaml;as=Table;v=v1;g=meta.k8s.io", 0, FA_AS_TABLE, "v1"},
        {"*/*;as=Table;v=v1;g=meta.k8s.io", 0, FA_AS_TABLE, "v1"},
        /* versions, groups and kinds the apiserver cannot convert to are skipped */
        {"application/json;as=Table;v=v2;g=meta.k8s.io", -1, FA_AS_OBJECT, "v1"},
        {"application/json;as=Table;v=v1;g=example.com", -1, FA_AS_OBJECT, "v1"},
        {"application/json;as=Graph;v=v1;g=meta.k8s.io", -1, FA_AS_OBJECT, "v1"},
        {"application/json;as=Table;v=v2;g=meta.k8s.io,application/json", 0, FA_AS_OBJECT, "v1"},
        /* a Table is never protobuf */
        {"application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io", -1, FA_AS_OBJECT, "v1"},
        {"application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json", 0, FA_AS_OBJECT, "v1"},
        /* a media type this server does not know still gets JSON */
        {"text/html", 0, FA_AS_OBJECT, "v1"},
        /* quality first */
        {"application/json;q=0.5,application/json;as=Table;v=v1;g=meta.k8s.io", 0, FA_AS_TABLE, "v1"},
        {"application/json;as=Table;v=v1;g=meta.k8s.io;q=0.1,application/json", 0, FA_AS_OBJECT, "v1"},
        /* client-go's metadata client */
        {"application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;"
         "as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json",
         0, FA_AS_PARTIAL_LIST, "v1"},
        {"application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1", 0, FA_AS_PARTIAL, "v1beta1"},
        {" Application/JSON ; as=Table ; v=v1 ; g=meta.k8s.io ", 0, FA_AS_TABLE, "v1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fa_output o;
        int rc = fa_output_accept(cases[i].accept, &o);
        if (rc != cases[i].rc || (rc == 0 && (o.as != cases[i].as || strcmp(o.version, cases[i].version))))
            fprintf(stderr, "\n  Accept %s: rc %d as %d %s\n", cases[i].accept ? cases[i].accept : "(none)", rc, o.as,
                    o.version);
        CU_ASSERT_EQUAL(rc, cases[i].rc);
        if (rc == 0) {
            CU_ASSERT_EQUAL(o.as, cases[i].as);
            CU_ASSERT_STRING_EQUAL(o.version, cases[i].version);
        }
    }
}

/* ---- pods ---- */

#define POD_META "'metadata':{'name':'p','creationTimestamp':'" T17M "'}"
#define ONE_CONTAINER "'containers':[{'name':'c','image':'i'}]"

static void test_pod_printer(void)
{
    CHECK_HEADERS("pods", "Name|Ready|Status|Restarts|Age|*IP|*Node|*Nominated Node|*Readiness Gates");
    /* the blog's `kubectl get pod -o wide` */
    CHECK_ROW("pods",
              "{'metadata':{'name':'app-backend-6c8c946c5-6dlvx','creationTimestamp':'" T17M "'},'spec':{'nodeName':"
              "'kind-control-plane'," ONE_CONTAINER "},'status':{'phase':'Running','podIP':'10.244.0.41','podIPs':"
              "[{'ip':'10.244.0.41'}],'conditions':[{'type':'Ready','status':'True'}],'containerStatuses':[{'name':"
              "'c','ready':true,'restartCount':0,'state':{'running':{'startedAt':'" T17M "'}}}]}}",
              "['app-backend-6c8c946c5-6dlvx','1/1','Running','0','17m','10.244.0.41','kind-control-plane','<none>',"
              "'<none>']");
    /* podIP alone is PodIPs[0] (the v1 conversion) */
    CHECK_ROW("pods", "{" POD_META ",'spec':{" ONE_CONTAINER "},'status':{'phase':'Running','podIP':'10.0.0.1'}}",
              "['p','0/1','Running','0','17m','10.0.0.1','<none>','<none>','<none>']");
    CHECK_ROW("pods", "{" POD_META ",'spec':{" ONE_CONTAINER "},'status':{'phase':'Pending'}}",
              "['p','0/1','Pending','0','17m','<none>','<none>','<none>','<none>']");
    CHECK_ROW("pods",
              "{" POD_META ",'spec':{'nodeName':'n'," ONE_CONTAINER "},'status':{'phase':'Pending','nominatedNodeName':"
              "'m','containerStatuses':[{'name':'c','ready':false,'restartCount':0,'state':{'waiting':{'reason':"
              "'ContainerCreating'}}}]}}",
              "['p','0/1','ContainerCreating','0','17m','<none>','n','m','<none>']");
    /* restarts with the age of the last termination */
    CHECK_ROW("pods",
              "{" POD_META ",'spec':{" ONE_CONTAINER "},'status':{'phase':'Running','containerStatuses':[{'name':'c',"
              "'ready':false,'restartCount':3,'state':{'waiting':{'reason':'CrashLoopBackOff'}},'lastState':"
              "{'terminated':{'exitCode':1,'reason':'Error','finishedAt':'2024-10-01T11:58:42Z'}}}]}}",
              "['p','0/1','CrashLoopBackOff','3 (78s ago)','17m','<none>','<none>','<none>','<none>']");
    CHECK_ROW("pods",
              "{" POD_META ",'spec':{" ONE_CONTAINER "},'status':{'phase':'Running','containerStatuses':[{'name':'c',"
              "'ready':true,'restartCount':2,'state':{'running':{}}}]}}",
              "['p','1/1','Running','2','17m','<none>','<none>','<none>','<none>']");
    /* a terminated container: its reason, or its exit code or signal */
    CHECK_ROW("pods",
              "{" POD_META ",'spec':{" ONE_CONTAINER "},'status':{'phase':'Failed','containerStatuses':[{'name':'c',"
              "'state':{'terminated':{'exitCode':2}}}]}}",
              "['p','0/1','ExitCode:2','0','17m','<none>','<none>','<none>','<none>']");
    CHECK_ROW("pods",
              "{" POD_META ",'spec':{" ONE_CONTAINER "},'status':{'phase':'Failed','containerStatuses':[{'name':'c',"
              "'state':{'terminated':{'exitCode':137,'signal':9}}}]}}",
              "['p','0/1','Signal:9','0','17m','<none>','<none>','<none>','<none>']");
    /* Completed, with the row condition */
    cJSON *t = table("pods", "{" POD_META ",'spec':{" ONE_CONTAINER "},'status':{'phase':'Succeeded',"
                             "'containerStatuses':[{'name':'c','state':{'terminated':{'exitCode':0,'reason':"
                             "'Completed'}}}]}}");
    CU_ASSERT_STRING_EQUAL(cells(t, 0), "['p','0/1','Completed','0','17m','<none>','<none>','<none>','<none>']");
    char *conds = cJSON_PrintUnformatted(cj_get(cJSON_GetArrayItem(cj_get(t, "rows"), 0), "conditions"));
    CU_ASSERT_STRING_EQUAL(conds, J("[{'type':'Completed','status':'True','reason':'Succeeded','message':"
                                    "'The pod has completed successfully.'}]"));
    free(conds);
    cJSON_Delete(t);
    /* one container completed, another still running: Running or NotReady by the Ready condition */
    CHECK_ROW("pods",
              "{" POD_META ",'spec':{'containers':[{'name':'a'},{'name':'b'}]},'status':{'phase':'Running',"
              "'containerStatuses':[{'name':'a','state':{'terminated':{'exitCode':0,'reason':'Completed'}}},"
              "{'name':'b','ready':true,'state':{'running':{}}}]}}",
              "['p','1/2','NotReady','0','17m','<none>','<none>','<none>','<none>']");
    CHECK_ROW("pods",
              "{" POD_META ",'spec':{'containers':[{'name':'a'},{'name':'b'}]},'status':{'phase':'Running',"
              "'conditions':[{'type':'Ready','status':'True'}],'containerStatuses':[{'name':'a','state':{'terminated':"
              "{'exitCode':0,'reason':'Completed'}}},{'name':'b','ready':true,'state':{'running':{}}}]}}",
              "['p','1/2','Running','0','17m','<none>','<none>','<none>','<none>']");
    /* being deleted */
    CHECK_ROW("pods",
              "{'metadata':{'name':'p','creationTimestamp':'" T17M "','deletionTimestamp':'" NOW_S "'},'spec':{"
              ONE_CONTAINER "},'status':{'phase':'Running','containerStatuses':[{'name':'c','ready':true,'state':"
              "{'running':{}}}]}}",
              "['p','1/1','Terminating','0','17m','<none>','<none>','<none>','<none>']");
    CHECK_ROW("pods",
              "{'metadata':{'name':'p','creationTimestamp':'" T17M "','deletionTimestamp':'" NOW_S "'},'spec':{"
              ONE_CONTAINER "},'status':{'phase':'Running','reason':'NodeLost'}}",
              "['p','0/1','Unknown','0','17m','<none>','<none>','<none>','<none>']");
    CHECK_ROW("pods",
              "{'metadata':{'name':'p','creationTimestamp':'" T17M "','deletionTimestamp':'" NOW_S "'},'spec':{"
              ONE_CONTAINER "},'status':{'phase':'Succeeded'}}",
              "['p','0/1','Succeeded','0','17m','<none>','<none>','<none>','<none>']");
    /* init containers */
    CHECK_ROW("pods",
              "{" POD_META ",'spec':{'initContainers':[{'name':'i1'},{'name':'i2'}]," ONE_CONTAINER "},'status':"
              "{'phase':'Pending','initContainerStatuses':[{'name':'i1','state':{'terminated':{'exitCode':0}}},"
              "{'name':'i2','state':{'waiting':{'reason':'PodInitializing'}}}],'containerStatuses':[{'name':'c',"
              "'state':{'waiting':{'reason':'PodInitializing'}}}]}}",
              "['p','0/1','Init:1/2','0','17m','<none>','<none>','<none>','<none>']");
    CHECK_ROW("pods",
              "{" POD_META ",'spec':{'initContainers':[{'name':'i1'}]," ONE_CONTAINER "},'status':{'phase':'Pending',"
              "'initContainerStatuses':[{'name':'i1','restartCount':4,'state':{'waiting':{'reason':"
              "'CrashLoopBackOff'}},"
              "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-10-01T11:55:00Z'}}}]}}",
              "['p','0/1','Init:CrashLoopBackOff','4 (5m ago)','17m','<none>','<none>','<none>','<none>']");
    CHECK_ROW("pods",
              "{" POD_META ",'spec':{'initContainers':[{'name':'i1'}]," ONE_CONTAINER "},'status':{'phase':'Failed',"
              "'initContainerStatuses':[{'name':'i1','state':{'terminated':{'exitCode':1,'reason':'Error'}}}]}}",
              "['p','0/1','Init:Error','0','17m','<none>','<none>','<none>','<none>']");
    CHECK_ROW("pods",
              "{" POD_META ",'spec':{'initContainers':[{'name':'i1'}]," ONE_CONTAINER "},'status':{'phase':'Pending',"
              "'initContainerStatuses':[{'name':'i1','state':{'terminated':{'exitCode':3}}}]}}",
              "['p','0/1','Init:ExitCode:3','0','17m','<none>','<none>','<none>','<none>']");
    /* a sidecar (restartable init container) counts as a container */
    CHECK_ROW("pods",
              "{" POD_META ",'spec':{'initContainers':[{'name':'side','restartPolicy':'Always'}]," ONE_CONTAINER "},"
              "'status':{'phase':'Running','conditions':[{'type':'Initialized','status':'True'}],"
              "'initContainerStatuses':[{'name':'side','started':true,'ready':true,'restartCount':1,'state':"
              "{'running':{}}}],'containerStatuses':[{'name':'c','ready':true,'state':{'running':{}}}]}}",
              "['p','2/2','Running','1','17m','<none>','<none>','<none>','<none>']");
    /* scheduling gates and readiness gates */
    CHECK_ROW("pods",
              "{" POD_META ",'spec':{" ONE_CONTAINER ",'readinessGates':[{'conditionType':'a'},{'conditionType':'b'}]},"
              "'status':{'phase':'Pending','conditions':[{'type':'PodScheduled','status':'False','reason':"
              "'SchedulingGated'},{'type':'a','status':'True'},{'type':'b','status':'False'}]}}",
              "['p','0/1','SchedulingGated','0','17m','<none>','<none>','<none>','1/2']");
    CHECK_ROW("pods", "{'metadata':{'name':'p'}}",
              "['p','0/0','','0','<unknown>','<none>','<none>','<none>','<none>']");
}

/* ---- services, endpoints, ingresses ---- */

#define META(n) "'metadata':{'name':'" n "','creationTimestamp':'" T17M "'}"

static void test_service_printer(void)
{
    CHECK_HEADERS("services", "Name|Type|Cluster-IP|External-IP|Port(s)|Age|*Selector");
    /* the blog's `kubectl get svc -o wide` */
    CHECK_ROW("services",
              "{" META("app-backend-preview") ",'spec':{'type':'ClusterIP','clusterIP':'10.96.132.143','clusterIPs':"
              "['10.96.132.143'],'ports':[{'port':80,'protocol':'TCP','targetPort':8080}],'selector':{"
              "'rollouts-pod-template-hash':'5cccbf7f97','app':'app-backend'}}}",
              "['app-backend-preview','ClusterIP','10.96.132.143','<none>','80/TCP','17m',"
              "'app=app-backend,rollouts-pod-template-hash=5cccbf7f97']");
    CHECK_ROW("services",
              "{" META("np") ",'spec':{'type':'NodePort','clusterIPs':['10.96.0.2'],'ports':[{'port':80,'protocol':"
              "'TCP','nodePort':30000},{'port':53,'protocol':'UDP'}]}}",
              "['np','NodePort','10.96.0.2','<none>','80:30000/TCP,53/UDP','17m','<none>']");
    CHECK_ROW("services",
              "{" META("ext") ",'spec':{'type':'ClusterIP','clusterIPs':['10.96.0.3'],'externalIPs':['1.2.3.4',"
              "'5.6.7.8'],'ports':[{'port':443,'protocol':'TCP'}]}}",
              "['ext','ClusterIP','10.96.0.3','1.2.3.4,5.6.7.8','443/TCP','17m','<none>']");
    CHECK_ROW("services",
              "{" META("lb") ",'spec':{'type':'LoadBalancer','clusterIPs':['10.96.0.4'],'ports':[{'port':80,"
              "'protocol':'TCP','nodePort':31000}]}}",
              "['lb','LoadBalancer','10.96.0.4','<pending>','80:31000/TCP','17m','<none>']");
    /* the apiserver prints wide: load balancer addresses are never clipped */
    CHECK_ROW("services",
              "{" META("lb") ",'spec':{'type':'LoadBalancer','clusterIPs':['10.96.0.4'],'externalIPs':['9.9.9.9']},"
              "'status':{'loadBalancer':{'ingress':[{'ip':'172.18.255.200'},{'hostname':'a-very-long-name.example'},"
              "{'ip':'172.18.255.200'}]}}}",
              "['lb','LoadBalancer','10.96.0.4','172.18.255.200,a-very-long-name.example,9.9.9.9','<none>','17m',"
              "'<none>']");
    CHECK_ROW("services", "{" META("en") ",'spec':{'type':'ExternalName','externalName':'db.example.com'}}",
              "['en','ExternalName','<none>','db.example.com','<none>','17m','<none>']");
    CHECK_ROW("services", "{" META("hl") ",'spec':{'type':'ClusterIP','clusterIP':'None','clusterIPs':['None']}}",
              "['hl','ClusterIP','None','<none>','<none>','17m','<none>']");
}

static void test_endpoints_printer(void)
{
    CHECK_HEADERS("endpoints", "Name|Endpoints|Age");
    CHECK_ROW("endpoints",
              "{" META("app-backend") ",'subsets':[{'addresses':[{'ip':'10.244.0.34'},{'ip':'10.244.0.35'}],'ports':"
              "[{'port':8080,'protocol':'TCP'}]}]}",
              "['app-backend','10.244.0.34:8080,10.244.0.35:8080','17m']");
    CHECK_ROW("endpoints", "{" META("none") "}", "['none','<none>','17m']");
    CHECK_ROW("endpoints", "{" META("notready") ",'subsets':[{'notReadyAddresses':[{'ip':'10.0.0.1'}],'ports':"
                           "[{'port':80}]}]}",
              "['notready','','17m']");
    CHECK_ROW("endpoints",
              "{" META("many") ",'subsets':[{'addresses':[{'ip':'10.0.0.1'},{'ip':'10.0.0.2'}],'ports':[{'port':80},"
              "{'port':443}]},{'addresses':[{'ip':'10.0.0.3'}],'ports':[{'port':80}]}]}",
              "['many','10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...','17m']");
    CHECK_ROW("endpoints", "{" META("headless") ",'subsets':[{'addresses':[{'ip':'10.0.0.1'},{'ip':'fd00::1'}]}]}",
              "['headless','10.0.0.1,fd00::1','17m']");
    CHECK_ROW("endpoints", "{" META("v6") ",'subsets':[{'addresses':[{'ip':'fd00::1'}],'ports':[{'port':80}]}]}",
              "['v6','[fd00::1]:80','17m']");
}

static void test_endpointslice_printer(void)
{
    CHECK_HEADERS("endpointslices.discovery.k8s.io", "Name|AddressType|Ports|Endpoints|Age");
    CHECK_ROW("endpointslices.discovery.k8s.io",
              "{" META("s") ",'addressType':'IPv4','ports':[{'port':8080},{'name':'http'},{},{'port':1}],'endpoints':"
              "[{'addresses':['10.0.0.1']},{'addresses':['10.0.0.2','10.0.0.3']}]}",
              "['s','IPv4','8080,http,* + 1 more...','10.0.0.1,10.0.0.2,10.0.0.3','17m']");
    CHECK_ROW("endpointslices.discovery.k8s.io", "{" META("e") ",'addressType':'IPv6'}",
              "['e','IPv6','<unset>','<unset>','17m']");
}

static void test_ingress_printer(void)
{
    CHECK_HEADERS("ingresses.networking.k8s.io", "Name|Class|Hosts|Address|Ports|Age");
    /* the blog's `kubectl get ingress` */
    CHECK_ROW("ingresses.networking.k8s.io",
              "{" META("app-backend-primary-ingress-canary") ",'spec':{'rules':[{'host':'day24.ithome.com'}]},"
              "'status':{'loadBalancer':{'ingress':[{'hostname':'localhost'}]}}}",
              "['app-backend-primary-ingress-canary','<none>','day24.ithome.com','localhost','80','17m']");
    CHECK_ROW("ingresses.networking.k8s.io",
              "{" META("i") ",'spec':{'ingressClassName':'nginx','tls':[{'hosts':['a.b']}],'rules':[{'host':'a.b'},"
              "{'host':'c.d'}]},'status':{'loadBalancer':{'ingress':[{'ip':'10.1.1.1'},{'hostname':'lb'}]}}}",
              "['i','nginx','a.b,c.d','10.1.1.1,lb','80, 443','17m']");
    CHECK_ROW("ingresses.networking.k8s.io", "{" META("star") ",'spec':{'defaultBackend':{},'rules':[{}]}}",
              "['star','<none>','*','','80','17m']");
    CHECK_ROW("ingresses.networking.k8s.io",
              "{" META("many") ",'spec':{'rules':[{'host':'a'},{'host':'b'},{},{'host':'c'},{'host':'d'},"
              "{'host':'e'}]}}",
              "['many','<none>','a,b,c + 3 more...','','80','17m']");
    CHECK_HEADERS("ingressclasses.networking.k8s.io", "Name|Controller|Parameters|Age");
    CHECK_ROW("ingressclasses.networking.k8s.io", "{" META("nginx") ",'spec':{'controller':'k8s.io/ingress-nginx'}}",
              "['nginx','k8s.io/ingress-nginx','<none>','17m']");
    CHECK_ROW("ingressclasses.networking.k8s.io",
              "{" META("c") ",'spec':{'controller':'x/y','parameters':{'apiGroup':'k8s.example.com','kind':'Params',"
              "'name':'p'}}}",
              "['c','x/y','Params.k8s.example.com/p','17m']");
    CHECK_HEADERS("networkpolicies.networking.k8s.io", "Name|Pod-Selector|Age");
    CHECK_ROW("networkpolicies.networking.k8s.io", "{" META("all") ",'spec':{'podSelector':{}}}",
              "['all','<none>','17m']");
    CHECK_ROW("networkpolicies.networking.k8s.io",
              "{" META("db") ",'spec':{'podSelector':{'matchLabels':{'role':'db'},'matchExpressions':[{'key':'env',"
              "'operator':'In','values':['prod','dev']},{'key':'x','operator':'DoesNotExist'}]}}}",
              "['db','env in (dev,prod),role=db,!x','17m']");
}

/* ---- workloads ---- */

#define TEMPLATE                                                                                                       \
    "'template':{'metadata':{'labels':{'app':'a'}},'spec':{'containers':[{'name':'apps','image':'x:1'},{'name':"     \
    "'side','image':'y:2'}]}}"

static void test_workload_printers(void)
{
    CHECK_HEADERS("deployments.apps", "Name|Ready|Up-to-date|Available|Age|*Containers|*Images|*Selector");
    /* the blog's `kubectl get deploy` */
    CHECK_ROW("deployments.apps",
              "{" META("app-backend") ",'spec':{'replicas':2,'selector':{'matchLabels':{'app':'app-backend'}},"
              TEMPLATE "},'status':{'replicas':2,'readyReplicas':2,'updatedReplicas':2,'availableReplicas':2}}",
              "['app-backend','2/2',2,2,'17m','apps,side','x:1,y:2','app=app-backend']");
    CHECK_ROW("deployments.apps", "{" META("d") ",'spec':{'selector':{}," TEMPLATE "}}",
              "['d','0/1',0,0,'17m','apps,side','x:1,y:2','']");
    CHECK_ROW("deployments.apps",
              "{" META("bad") ",'spec':{'replicas':3,'selector':{'matchExpressions':[{'key':'a','operator':'Near'}]}}}",
              "['bad','0/3',0,0,'17m','','','<invalid>']");
    CHECK_HEADERS("replicasets.apps", "Name|Desired|Current|Ready|Age|*Containers|*Images|*Selector");
    CHECK_ROW("replicasets.apps",
              "{" META("rs") ",'spec':{'replicas':3,'selector':{'matchLabels':{'app':'a','pod-template-hash':'abc'}},"
              TEMPLATE "},'status':{'replicas':3,'readyReplicas':1}}",
              "['rs',3,3,1,'17m','apps,side','x:1,y:2','app=a,pod-template-hash=abc']");
    CHECK_ROW("replicasets.apps", "{" META("rs0") ",'spec':{'replicas':0}}", "['rs0',0,0,0,'17m','','','<none>']");
    CHECK_HEADERS("statefulsets.apps", "Name|Ready|Age|*Containers|*Images");
    CHECK_ROW("statefulsets.apps", "{" META("web") ",'spec':{'replicas':3," TEMPLATE "},'status':{'readyReplicas':2}}",
              "['web','2/3','17m','apps,side','x:1,y:2']");
    CHECK_HEADERS("daemonsets.apps",
                  "Name|Desired|Current|Ready|Up-to-date|Available|Node Selector|Age|*Containers|*Images|*Selector");
    CHECK_ROW("daemonsets.apps",
              "{" META("ds") ",'spec':{'selector':{'matchLabels':{'k':'v'}},'template':{'spec':{'nodeSelector':{"
              "'os':'linux','arch':'amd64'},'containers':[{'name':'c','image':'i'}]}}},'status':{"
              "'desiredNumberScheduled':3,'currentNumberScheduled':3,'numberReady':2,'updatedNumberScheduled':1,"
              "'numberAvailable':2}}",
              "['ds',3,3,2,1,2,'arch=amd64,os=linux','17m','c','i','k=v']");
    CHECK_HEADERS("jobs.batch", "Name|Status|Completions|Duration|Age|*Containers|*Images|*Selector");
    CHECK_ROW("jobs.batch",
              "{" META("done") ",'spec':{'completions':1,'parallelism':1,'selector':{'matchLabels':{"
              "'batch.kubernetes.io/controller-uid':'u'}}," TEMPLATE "},'status':{'succeeded':1,'startTime':'" T17M
              "','completionTime':'2024-10-01T11:44:05Z','conditions':[{'type':'Complete','status':'True'}]}}",
              "['done','Complete','1/1','65s','17m','apps,side','x:1,y:2','batch.kubernetes.io/controller-uid=u']");
    CHECK_ROW("jobs.batch", "{" META("run") ",'spec':{'parallelism':3},'status':{'startTime':'2024-10-01T11:57:00Z'}}",
              "['run','Running','0/1 of 3','3m','17m','','','<none>']");
    CHECK_ROW("jobs.batch", "{" META("new") ",'spec':{}}", "['new','Running','0/1','','17m','','','<none>']");
    CHECK_ROW("jobs.batch",
              "{" META("f") ",'spec':{'completions':5},'status':{'succeeded':2,'conditions':[{'type':'Complete',"
              "'status':'False'},{'type':'Failed','status':'True'}]}}",
              "['f','Failed','2/5','','17m','','','<none>']");
    CHECK_ROW("jobs.batch", "{" META("s") ",'spec':{'completions':2},'status':{'conditions':[{'type':'Suspended',"
                            "'status':'True'}]}}",
              "['s','Suspended','0/2','','17m','','','<none>']");
    CHECK_HEADERS("cronjobs.batch",
                  "Name|Schedule|Timezone|Suspend|Active|Last Schedule|Age|*Containers|*Images|*Selector");
    CHECK_ROW("cronjobs.batch",
              "{" META("cj") ",'spec':{'schedule':'*/5 * * * *','timeZone':'Asia/Taipei','suspend':true,"
              "'jobTemplate':{'spec':{" TEMPLATE "}}},'status':{'active':[{'name':'j1'}],'lastScheduleTime':"
              "'2024-10-01T11:55:00Z'}}",
              "['cj','*/5 * * * *','Asia/Taipei','True',1,'5m','17m','apps,side','x:1,y:2','<none>']");
    CHECK_ROW("cronjobs.batch", "{" META("c2") ",'spec':{'schedule':'@hourly'}}",
              "['c2','@hourly','<none>','False',0,'<none>','17m','','','<none>']");
    CHECK_HEADERS("horizontalpodautoscalers.autoscaling", "Name|Reference|Targets|MinPods|MaxPods|Replicas|Age");
    CHECK_ROW("horizontalpodautoscalers.autoscaling",
              "{" META("h") ",'spec':{'scaleTargetRef':{'kind':'Deployment','name':'web'},'minReplicas':2,"
              "'maxReplicas':10,'metrics':[{'type':'Resource','resource':{'name':'cpu','target':{'type':"
              "'Utilization','averageUtilization':80}}},{'type':'Resource','resource':{'name':'memory','target':"
              "{'type':'AverageValue','averageValue':'500Mi'}}},{'type':'Pods','pods':{'target':{'averageValue':"
              "'1k'}}}]},'status':{'currentReplicas':3,'currentMetrics':[{'type':'Resource','resource':{'name':"
              "'cpu','current':{'averageUtilization':41}}}]}}",
              "['h','Deployment/web','cpu: 41%/80%, memory: <unknown>/500Mi + 1 more...','2',10,3,'17m']");
    CHECK_ROW("horizontalpodautoscalers.autoscaling",
              "{" META("v1") ",'spec':{'scaleTargetRef':{'kind':'Rollout','name':'r'},'maxReplicas':4,"
              "'targetCPUUtilizationPercentage':50}}",
              "['v1','Rollout/r','cpu: <unknown>/50%','<unset>',4,0,'17m']");
    CHECK_ROW("horizontalpodautoscalers.autoscaling",
              "{" META("none") ",'spec':{'scaleTargetRef':{'kind':'Deployment','name':'d'},'maxReplicas':1}}",
              "['none','Deployment/d','<none>','<unset>',1,0,'17m']");
    CHECK_HEADERS("poddisruptionbudgets.policy", "Name|Min Available|Max Unavailable|Allowed Disruptions|Age");
    CHECK_ROW("poddisruptionbudgets.policy",
              "{" META("p") ",'spec':{'minAvailable':2},'status':{'disruptionsAllowed':1}}",
              "['p','2','N/A',1,'17m']");
    CHECK_ROW("poddisruptionbudgets.policy", "{" META("q") ",'spec':{'maxUnavailable':'25%'}}",
              "['q','N/A','25%',0,'17m']");
}

/* ---- the rest of the built-in kinds ---- */

static void test_other_printers(void)
{
    CHECK_HEADERS("namespaces", "Name|Status|Age");
    CHECK_ROW("namespaces", "{" META("ithome") ",'status':{'phase':'Active'}}", "['ithome','Active','17m']");
    CHECK_HEADERS("configmaps", "Name|Data|Age");
    CHECK_ROW("configmaps", "{" META("demo-config") ",'data':{'a':'1','b':'2'},'binaryData':{'c':'AA=='}}",
              "['demo-config',3,'17m']");
    CHECK_ROW("configmaps", "{" META("empty") "}", "['empty',0,'17m']");
    CHECK_HEADERS("secrets", "Name|Type|Data|Age");
    CHECK_ROW("secrets", "{" META("s") ",'type':'kubernetes.io/tls','data':{'tls.crt':'','tls.key':''}}",
              "['s','kubernetes.io/tls',2,'17m']");
    CHECK_ROW("secrets", "{" META("o") "}", "['o','Opaque',0,'17m']");
    CHECK_HEADERS("serviceaccounts", "Name|Secrets|Age");
    CHECK_ROW("serviceaccounts", "{" META("default") "}", "['default',0,'17m']");
    CHECK_HEADERS("leases.coordination.k8s.io", "Name|Holder|Age");
    CHECK_ROW("leases.coordination.k8s.io", "{" META("cutover") ",'spec':{'holderIdentity':'ctl-1'}}",
              "['cutover','ctl-1','17m']");
    CHECK_HEADERS("nodes", "Name|Status|Roles|Age|Version|*Internal-IP|*External-IP|*OS-Image|*Kernel-Version|"
                           "*Container-Runtime");
    CHECK_ROW("nodes",
              "{'metadata':{'name':'kind-control-plane','creationTimestamp':'" T17M "','labels':{"
              "'node-role.kubernetes.io/control-plane':'','kubernetes.io/role':'master','other':'x'}},'status':{"
              "'conditions':[{'type':'MemoryPressure','status':'False'},{'type':'Ready','status':'True'}],"
              "'addresses':[{'type':'InternalIP','address':'172.18.0.2'},{'type':'Hostname','address':'k'}],"
              "'nodeInfo':{'kubeletVersion':'v1.32.0','osImage':'Debian GNU/Linux 12 (bookworm)','kernelVersion':"
              "'6.1.0','containerRuntimeVersion':'containerd://1.7.18'}}}",
              "['kind-control-plane','Ready','control-plane,master','17m','v1.32.0','172.18.0.2','<none>',"
              "'Debian GNU/Linux 12 (bookworm)','6.1.0','containerd://1.7.18']");
    CHECK_ROW("nodes",
              "{" META("n") ",'spec':{'unschedulable':true},'status':{'conditions':[{'type':'Ready','status':"
              "'Unknown'}]}}",
              "['n','NotReady,SchedulingDisabled','<none>','17m','','<none>','<none>','<unknown>','<unknown>',"
              "'<unknown>']");
    CHECK_ROW("nodes", "{" META("u") "}",
              "['u','Unknown','<none>','17m','','<none>','<none>','<unknown>','<unknown>','<unknown>']");
    CHECK_HEADERS("persistentvolumeclaims",
                  "Name|Status|Volume|Capacity|Access Modes|StorageClass|VolumeAttributesClass|Age|*VolumeMode");
    CHECK_ROW("persistentvolumeclaims",
              "{" META("data") ",'spec':{'volumeName':'pv-1','storageClassName':'standard','volumeMode':'Filesystem',"
              "'resources':{'requests':{'storage':'1Gi'}}},'status':{'phase':'Bound','capacity':{'storage':'2Gi'},"
              "'accessModes':['ReadWriteMany','ReadWriteOnce','ReadWriteOnce']}}",
              "['data','Bound','pv-1','2Gi','RWO,RWX','standard','<unset>','17m','Filesystem']");
    CHECK_ROW("persistentvolumeclaims",
              "{'metadata':{'name':'old','creationTimestamp':'" T17M "','deletionTimestamp':'" NOW_S "',"
              "'annotations':{'volume.beta.kubernetes.io/storage-class':'slow'}},'spec':{'storageClassName':'fast'},"
              "'status':{'phase':'Pending'}}",
              "['old','Terminating','','','','slow','<unset>','17m','<unset>']");
    CHECK_HEADERS("rolebindings.rbac.authorization.k8s.io", "Name|Role|Age|*Users|*Groups|*ServiceAccounts");
    CHECK_ROW("rolebindings.rbac.authorization.k8s.io",
              "{" META("rb") ",'roleRef':{'kind':'ClusterRole','name':'view'},'subjects':[{'kind':'User','name':"
              "'alice'},{'kind':'ServiceAccount','namespace':'ns','name':'sa'},{'kind':'User','name':'bob'},"
              "{'kind':'Group','name':'devs'}]}",
              "['rb','ClusterRole/view','17m','alice, bob','devs','ns/sa']");
    CHECK_HEADERS("clusterrolebindings.rbac.authorization.k8s.io", "Name|Role|Age|*Users|*Groups|*ServiceAccounts");
    /* kinds without a printer: the generic convertor */
    CHECK_HEADERS("roles.rbac.authorization.k8s.io", "Name|Created At");
    CHECK_ROW("roles.rbac.authorization.k8s.io", "{" META("reader") "}", "['reader','" T17M "']");
    CHECK_ROW("clusterroles.rbac.authorization.k8s.io",
              "{'metadata':{'name':'offset','creationTimestamp':'2024-10-01T13:43:00.5+02:00'}}",
              "['offset','" T17M "']");
    CHECK_ROW("customresourcedefinitions.apiextensions.k8s.io", "{'metadata':{'name':'x.y.z'}}",
              "['x.y.z','0001-01-01T00:00:00Z']");
    cJSON *t = table("roles.rbac.authorization.k8s.io", "{" META("r") "}");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(t, "columnDefinitions"), 1), "type"), "date");
    cJSON_Delete(t);
}

static void test_event_printers(void)
{
    const char *want_headers = "Last Seen|Type|Reason|Object|*Subobject|*Source|Message|*First Seen|*Count|*Name";
    CHECK_HEADERS("events", want_headers);
    CHECK_HEADERS("events.events.k8s.io", want_headers);
    CHECK_ROW("events",
              "{" META("app.17f") ",'involvedObject':{'kind':'Pod','name':'app','fieldPath':'spec.containers{apps}'},"
              "'reason':'BackOff','message':'  Back-off restarting failed container\\n','type':'Warning','source':"
              "{'component':'kubelet','host':'kind-control-plane'},'firstTimestamp':'" T17M "','lastTimestamp':"
              "'2024-10-01T11:58:42Z','count':7}",
              "['78s','Warning','BackOff','pod/app','spec.containers{apps}','kubelet, kind-control-plane',"
              "'Back-off restarting failed container','17m',7,'app.17f']");
    /* the new API's fields: eventTime, series, reportingComponent; a count of 0 is 1 */
    CHECK_ROW("events",
              "{" META("e2") ",'involvedObject':{'kind':'Rollout'},'reason':'RolloutUpdated','message':'m','type':"
              "'Normal','eventTime':'2024-10-01T11:49:59.500000Z','reportingComponent':'rollouts-controller',"
              "'reportingInstance':'ctl-1'}",
              "['10m','Normal','RolloutUpdated','rollout','','rollouts-controller, ctl-1','m','10m',1,'e2']");
    CHECK_ROW("events",
              "{" META("e3") ",'involvedObject':{'kind':'Pod','name':'p'},'reason':'R','type':'Normal','eventTime':"
              "'2024-10-01T11:50:00.000000Z','series':{'count':4,'lastObservedTime':'2024-10-01T11:59:00.000000Z'},"
              "'reportingComponent':'c'}",
              "['60s','Normal','R','pod/p','','c','','10m',4,'e3']");
    CHECK_ROW("events", "{'metadata':{'name':'bare'}}", "['<unknown>','','','','','','','<unknown>',1,'bare']");
    CHECK_ROW("events.events.k8s.io",
              "{" META("ev") ",'regarding':{'kind':'Deployment','name':'web','namespace':'default'},'note':'Scaled up',"
              "'reason':'ScalingReplicaSet','type':'Normal','eventTime':'2024-10-01T11:55:00.000000Z',"
              "'reportingController':'deployment-controller','deprecatedSource':{'component':'dc'},"
              "'deprecatedCount':2,'deprecatedFirstTimestamp':'" T17M "'}",
              "['17m','Normal','ScalingReplicaSet','deployment/web','','dc','Scaled up','17m',2,'ev']");
}

/* ---- custom resources ---- */

static const char rollout_crd[] =
    "{'apiVersion':'apiextensions.k8s.io/v1','kind':'CustomResourceDefinition','metadata':{'name':"
    "'rollouts.argoproj.io'},'spec':{'group':'argoproj.io','scope':'Namespaced','names':{'kind':'Rollout',"
    "'plural':'rollouts'},'versions':[{'name':'v1alpha1','served':true,'storage':true,"
    "'subresources':{'status':{},'scale':{'specReplicasPath':'.spec.replicas','statusReplicasPath':"
    "'.status.HPAReplicas'}},'additionalPrinterColumns':["
    "{'name':'Desired','type':'integer','description':'Number of desired pods','jsonPath':'.spec.replicas'},"
    "{'name':'Current','type':'integer','jsonPath':'.status.replicas'},"
    "{'name':'Up-to-date','type':'integer','jsonPath':'.status.updatedReplicas'},"
    "{'name':'Available','type':'integer','jsonPath':'.status.availableReplicas'},"
    "{'name':'Age','type':'date','jsonPath':'.metadata.creationTimestamp'}]}]}}";

static const char widgets_crd[] =
    "{'metadata':{'name':'widgets.example.com'},'spec':{'group':'example.com','scope':'Cluster','names':{'kind':"
    "'Widget','plural':'widgets'},'versions':[{'name':'v1','served':true,'storage':true,'additionalPrinterColumns':["
    "{'name':'Ready','type':'string','jsonPath':'.status.conditions[?(@.type==\\'Ready\\')].status'},"
    "{'name':'Reason','type':'string','priority':1,'jsonPath':'.status.conditions[?(@.status!=\\'True\\')].reason'},"
    "{'name':'Size','type':'number','format':'float','jsonPath':'.spec.size'},"
    "{'name':'On','type':'boolean','jsonPath':'.spec.on'},"
    "{'name':'Count','type':'integer','jsonPath':'.spec.size'},"
    "{'name':'Labels','type':'string','jsonPath':'.spec.labels'},"
    "{'name':'Ports','type':'string','jsonPath':'.spec.ports[*].port'},"
    "{'name':'Last','type':'string','jsonPath':'.spec.ports[-1].name'},"
    "{'name':'Dotted','type':'string','jsonPath':'.metadata.annotations[\\'example.com/note\\']'},"
    "{'name':'Seen','type':'date','jsonPath':'.status.seen'},"
    "{'name':'Missing','type':'string','jsonPath':'.spec.nothing.here'},"
    "{'name':'Typed','type':'integer','jsonPath':'.spec.on'},"
    "{'name':'Escaped','type':'string','jsonPath':'.metadata.labels.app\\\\.kubernetes\\\\.io/name'}]},"
    "{'name':'v2','served':true,'storage':false}]}}";

static void add_crd(const char *sq)
{
    char err[256];
    cJSON *crd = cJSON_Parse(J(sq));
    CU_ASSERT_PTR_NOT_NULL_FATAL(crd);
    int rc = fa_registry_add_crd(reg, crd, err, sizeof err);
    if (rc)
        fprintf(stderr, "\n  CRD: %s\n", err);
    CU_ASSERT_EQUAL(rc, 0);
    cJSON_Delete(crd);
}

static void test_crd_columns(void)
{
    add_crd(rollout_crd);
    add_crd(widgets_crd);
    CHECK_HEADERS("rollouts.argoproj.io", "Name|Desired|Current|Up-to-date|Available|Age");
    /* the blog's `kubectl get rollouts.argoproj.io` */
    CHECK_ROW("rollouts.argoproj.io",
              "{'apiVersion':'argoproj.io/v1alpha1','kind':'Rollout'," META("app-backend") ",'spec':{'replicas':1},"
              "'status':{'replicas':1,'updatedReplicas':1,'availableReplicas':1}}",
              "['app-backend',1,1,1,1,'17m']");
    CHECK_ROW("rollouts.argoproj.io", "{" META("new") ",'spec':{'replicas':3}}", "['new',3,null,null,null,'17m']");
    cJSON *t = table("rollouts.argoproj.io", "{" META("r") "}");
    const cJSON *cols = cj_get(t, "columnDefinitions");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cols, 0), "format"), "name");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cols, 1), "description"), "Number of desired pods");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cols, 2), "description"),
                           "Custom resource definition column (in JSONPath format): .status.replicas");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cols, 5), "type"), "date");
    cJSON_Delete(t);

    CHECK_HEADERS("widgets.example.com",
                  "Name|Ready|*Reason|Size|On|Count|Labels|Ports|Last|Dotted|Seen|Missing|Typed|Escaped");
    CHECK_ROW("widgets.example.com",
              "{'metadata':{'name':'w','annotations':{'example.com/note':'hi'},'labels':{'app.kubernetes.io/name':'foo'}},"
              "'spec':{'size':2.5,'on':true,"
              "'labels':{'z':1,'a':[true,'x<y']},'ports':[{'port':80,'name':'http'},{'port':443,'name':'https'}]},"
              "'status':{'seen':'2024-10-01T09:30:00Z','conditions':[{'type':'Synced','status':'True'},{'type':"
              "'Ready','status':'False','reason':'Waiting'}]}}",
              "['w','False','Waiting',2.5,true,2,'{\\'a\\':[true,\\'x\\\\u003cy\\'],\\'z\\':1}','80','https','hi',"
              "'150m',null,null,'foo']");
    /* a string column prints a number as Go's fmt does: %v of a float64, an int64 in full */
    CHECK_ROW("widgets.example.com", "{'metadata':{'name':'f'},'spec':{'labels':1234567.5,'ports':[{'port':8080}]}}",
              "['f',null,null,null,null,null,'1.2345675e+06','8080',null,null,null,null,null,null]");
    CHECK_ROW("widgets.example.com", "{'metadata':{'name':'bad'},'status':{'seen':'yesterday'}}",
              "['bad',null,null,null,null,null,null,null,null,null,'<invalid>',null,null,null]");
    /* a version without columns: the default Age column */
    const fa_resource *v2 = fa_registry_find(reg, "example.com", "v2", "widgets");
    CU_ASSERT_PTR_NOT_NULL_FATAL(v2);
    cJSON *obj = cJSON_Parse(J("{" META("w2") "}"));
    fa_output o = {.as = FA_AS_TABLE, .version = "v1"};
    t = fa_table(v2, obj, false, &o, now_ms, true);
    CU_ASSERT_STRING_EQUAL(headers(t), "Name|Age");
    CU_ASSERT_STRING_EQUAL(cells(t, 0), "['w2','17m']");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(t, "columnDefinitions"), 1), "type"), "date");
    cJSON_Delete(t);
    cJSON_Delete(obj);
}

/* Objects of the wrong shape (anything a custom resource or a lax client may store) print
 * something and never crash. */
static void test_malformed_objects(void)
{
    static const char *const keys[] = {"pods", "services", "endpoints", "namespaces", "configmaps", "secrets",
        "serviceaccounts", "events", "events.events.k8s.io", "nodes", "persistentvolumeclaims", "deployments.apps",
        "replicasets.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch", "cronjobs.batch",
        "ingresses.networking.k8s.io", "ingressclasses.networking.k8s.io", "networkpolicies.networking.k8s.io",
        "endpointslices.discovery.k8s.io", "leases.coordination.k8s.io", "horizontalpodautoscalers.autoscaling",
        "poddisruptionbudgets.policy", "rolebindings.rbac.authorization.k8s.io", "roles.rbac.authorization.k8s.io",
        "rollouts.argoproj.io", "widgets.example.com"};
    static const char *const objs[] = {
        "{}", "[]", "'x'", "null", "7",
        "{'metadata':'x','spec':[1,2],'status':7,'subsets':'s','data':3}",
        "{'metadata':{'name':5,'labels':['a'],'creationTimestamp':'yesterday','deletionTimestamp':3},"
        "'spec':{'selector':{'matchLabels':['x',1],'matchExpressions':[{'operator':'In'},7]},'containers':'c',"
        "'ports':{'a':1},'rules':[1,{'host':2}],'metrics':[{'type':'Resource'},{'type':'External'},{'type':'Pods'}],"
        "'template':{'spec':{'containers':[1,{'name':[]}],'nodeSelector':['x']}},'readinessGates':[1],"
        "'initContainers':'x','tls':3,'parameters':[],'scaleTargetRef':1},'status':{'conditions':'x',"
        "'containerStatuses':[{'state':'x','lastState':{'terminated':{'finishedAt':1}}},2],'podIPs':[{'ip':1}],"
        "'initContainerStatuses':[{'state':{'terminated':{}}}],'loadBalancer':{'ingress':[1,{'ip':2}]},"
        "'addresses':'a','capacity':[]},'subsets':[{'addresses':[1,{'ip':3}],'ports':[{'port':'x'}]}],"
        "'endpoints':[{'addresses':[1,'a']}],'involvedObject':'o','series':[],'subjects':[1,{'kind':2}],"
        "'roleRef':[]}",
    };
    fa_output o = {.as = FA_AS_TABLE, .version = "v1", .include = FA_INCLUDE_OBJECT};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++) {
            cJSON *obj = cJSON_Parse(J(objs[i]));
            CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
            cJSON *t = fa_table(res_of(keys[k]), obj, false, &o, now_ms, true);
            CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(cJSON_GetArrayItem(cj_get(t, "rows"), 0), "cells")),
                            cJSON_GetArraySize(cj_get(t, "columnDefinitions")));
            cJSON_Delete(t);
            t = fa_table(res_of(keys[k]), obj, true, &o, now_ms, false); /* not a list: no rows */
            CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(t, "rows")), 0);
            cJSON_Delete(t);
            cJSON_Delete(obj);
        }
    }
}

/* A list's Table: the list's metadata, one row per item, the objects as asked. */
static void test_list_tables(void)
{
    cJSON *list = cJSON_Parse(J("{'kind':'ConfigMapList','apiVersion':'v1','metadata':{'resourceVersion':'42',"
                                "'continue':'abc','remainingItemCount':3},'items':[{'metadata':{'name':'a','labels':"
                                "{'k':'v'},'resourceVersion':'7'},'data':{'x':'1'}},{'metadata':{'name':'b'}}]}"));
    fa_output o = {.as = FA_AS_TABLE, .version = "v1beta1", .include = FA_INCLUDE_METADATA};
    cJSON *t = fa_table(res_of("configmaps"), list, true, &o, now_ms, true);
    CU_ASSERT_STRING_EQUAL(cj_str(t, "kind"), "Table");
    CU_ASSERT_STRING_EQUAL(cj_str(t, "apiVersion"), "meta.k8s.io/v1beta1");
    char *meta = cJSON_PrintUnformatted(cj_get(t, "metadata"));
    CU_ASSERT_STRING_EQUAL(meta, J("{'resourceVersion':'42','continue':'abc','remainingItemCount':3}"));
    free(meta);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(t, "rows")), 2);
    CU_ASSERT_STRING_EQUAL(cells(t, 1), "['b',0,'<unknown>']");
    const cJSON *obj = cj_get(cJSON_GetArrayItem(cj_get(t, "rows"), 0), "object");
    CU_ASSERT_STRING_EQUAL(cj_str(obj, "kind"), "PartialObjectMetadata");
    CU_ASSERT_STRING_EQUAL(cj_str(obj, "apiVersion"), "meta.k8s.io/v1beta1");
    CU_ASSERT_STRING_EQUAL(cj_str(obj, "metadata.labels.k"), "v");
    CU_ASSERT_PTR_NULL(cj_get(obj, "data"));
    cJSON_Delete(t);
    o.include = FA_INCLUDE_OBJECT;
    t = fa_table(res_of("configmaps"), list, true, &o, now_ms, false);
    CU_ASSERT_TRUE(cJSON_IsNull(cj_get(t, "columnDefinitions")));
    obj = cj_get(cJSON_GetArrayItem(cj_get(t, "rows"), 0), "object");
    CU_ASSERT_STRING_EQUAL(cj_str(obj, "apiVersion"), "v1");
    CU_ASSERT_STRING_EQUAL(cj_str(obj, "data.x"), "1");
    cJSON_Delete(t);
    o.include = FA_INCLUDE_NONE;
    t = fa_table(res_of("configmaps"), list, true, &o, now_ms, true);
    CU_ASSERT_TRUE(cJSON_IsNull(cj_get(cJSON_GetArrayItem(cj_get(t, "rows"), 0), "object")));
    cJSON_Delete(t);
    cJSON_Delete(list);
    /* an empty list: rows [] */
    list = cJSON_Parse(J("{'metadata':{'resourceVersion':'5'},'items':[]}"));
    t = fa_table(res_of("pods"), list, true, &o, now_ms, true);
    char *rows = cJSON_PrintUnformatted(cj_get(t, "rows"));
    CU_ASSERT_STRING_EQUAL(rows, "[]");
    free(rows);
    cJSON_Delete(t);
    cJSON_Delete(list);
}

/* ---- over HTTP ---- */

static fakeapi *srv;
static co_clock *clk;

#define KUBECTL_ACCEPT                                                                                                 \
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

static size_t sink(char *p, size_t sz, size_t n, void *ud)
{
    co_buf_add(ud, p, sz * n);
    return sz * n;
}

/* method path with an Accept header (NULL: none) and a JSON body; the body comes back in *out. */
static long request(const char *method, const char *path, const char *accept, const char *body, char **out)
{
    CURL *c = curl_easy_init();
    char url[1024], hdr[512];
    snprintf(url, sizeof url, "%s%s", fakeapi_url(srv), path);
    struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    if (accept) {
        snprintf(hdr, sizeof hdr, "Accept: %s", accept);
        hdrs = curl_slist_append(hdrs, hdr);
    }
    co_buf b = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    long code = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    char *text = co_buf_take(&b);
    if (out)
        *out = text ? text : strdup("");
    else
        free(text);
    return code;
}

static cJSON *get_json(const char *path, const char *accept, long *code)
{
    char *body;
    *code = request("GET", path, accept, NULL, &body);
    cJSON *o = cJSON_Parse(body);
    if (!o)
        fprintf(stderr, "\n  %s: not JSON: %.300s\n", path, body);
    free(body);
    return o;
}

static void create(const char *path, const char *sq)
{
    CU_ASSERT_EQUAL(request("POST", path, NULL, J(sq), NULL), 201);
}

static void test_http_get_and_list(void)
{
    const char *CM = "/api/v1/namespaces/default/configmaps";
    create(CM, "{'metadata':{'name':'one','labels':{'app':'app-backend','tier':'web'}},'data':{'a':'1'}}");
    create(CM, "{'metadata':{'name':'two'}}");
    create(CM, "{'metadata':{'name':'three'}}");
    co_clock_advance(clk, 17 * 60 * 1000);
    long code;
    /* one object */
    cJSON *obj = get_json("/api/v1/namespaces/default/configmaps/one", NULL, &code);
    cJSON *t = get_json("/api/v1/namespaces/default/configmaps/one", KUBECTL_ACCEPT, &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(t, "kind"), "Table");
    CU_ASSERT_STRING_EQUAL(cj_str(t, "apiVersion"), "meta.k8s.io/v1");
    CU_ASSERT_STRING_EQUAL(cj_str(t, "metadata.resourceVersion"), cj_str(obj, "metadata.resourceVersion"));
    CU_ASSERT_STRING_EQUAL(headers(t), "Name|Data|Age");
    CU_ASSERT_STRING_EQUAL(cells(t, 0), "['one',1,'17m']");
    const cJSON *ro = cj_get(cJSON_GetArrayItem(cj_get(t, "rows"), 0), "object");
    CU_ASSERT_STRING_EQUAL(cj_str(ro, "kind"), "PartialObjectMetadata");
    CU_ASSERT_STRING_EQUAL(cj_str(ro, "metadata.labels.app"), "app-backend"); /* what --show-labels prints */
    CU_ASSERT_STRING_EQUAL(cj_str(ro, "metadata.uid"), cj_str(obj, "metadata.uid"));
    cJSON_Delete(t);
    cJSON_Delete(obj);
    /* a page of a list: resourceVersion, continue and remainingItemCount copied */
    cJSON *list = get_json("/api/v1/namespaces/default/configmaps?limit=2", NULL, &code);
    t = get_json("/api/v1/namespaces/default/configmaps?limit=2", KUBECTL_ACCEPT, &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(t, "metadata.resourceVersion"), cj_str(list, "metadata.resourceVersion"));
    CU_ASSERT_STRING_EQUAL(cj_str(t, "metadata.continue"), cj_str(list, "metadata.continue"));
    CU_ASSERT_EQUAL(cj_int(t, "metadata.remainingItemCount", -1), 1);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(t, "rows")), 2);
    char path[1024];
    snprintf(path, sizeof path, "/api/v1/namespaces/default/configmaps?limit=2&continue=%s",
             cj_str(list, "metadata.continue"));
    cJSON_Delete(t);
    t = get_json(path, KUBECTL_ACCEPT, &code);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(t, "rows")), 1);
    CU_ASSERT_PTR_NULL(cj_get(t, "metadata.continue"));
    CU_ASSERT_PTR_NULL(cj_get(t, "metadata.remainingItemCount"));
    cJSON_Delete(t);
    cJSON_Delete(list);
    /* selectors apply before printing */
    t = get_json("/api/v1/namespaces/default/configmaps?labelSelector=tier%3Dweb", KUBECTL_ACCEPT, &code);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cj_get(t, "rows")), 1);
    cJSON_Delete(t);
    /* a cluster-scoped kind */
    t = get_json("/api/v1/namespaces", KUBECTL_ACCEPT, &code);
    CU_ASSERT_STRING_EQUAL(headers(t), "Name|Status|Age");
    CU_ASSERT_STRING_EQUAL(cells(t, 0), "['default','Active','17m']");
    cJSON_Delete(t);
    /* no Accept, application/json, a media type this server does not know: the object */
    t = get_json("/api/v1/namespaces/default/configmaps/one", "application/json", &code);
    CU_ASSERT_STRING_EQUAL(cj_str(t, "kind"), "ConfigMap");
    cJSON_Delete(t);
    t = get_json("/api/v1/namespaces/default/configmaps/one", "text/plain", &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(t, "kind"), "ConfigMap");
    cJSON_Delete(t);
    /* errors stay Status objects */
    t = get_json("/api/v1/namespaces/default/configmaps/nope", KUBECTL_ACCEPT, &code);
    CU_ASSERT_EQUAL(code, 404);
    CU_ASSERT_STRING_EQUAL(cj_str(t, "kind"), "Status");
    cJSON_Delete(t);
}

static void test_http_include_object_and_versions(void)
{
    long code;
    const char *P = "/api/v1/namespaces/default/configmaps/one";
    char path[256];
    snprintf(path, sizeof path, "%s?includeObject=None", P);
    cJSON *t = get_json(path, KUBECTL_ACCEPT, &code);
    CU_ASSERT_TRUE(cJSON_IsNull(cj_get(cJSON_GetArrayItem(cj_get(t, "rows"), 0), "object")));
    cJSON_Delete(t);
    snprintf(path, sizeof path, "%s?includeObject=Object", P);
    t = get_json(path, KUBECTL_ACCEPT, &code);
    const cJSON *o = cj_get(cJSON_GetArrayItem(cj_get(t, "rows"), 0), "object");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "kind"), "ConfigMap");
    CU_ASSERT_STRING_EQUAL(cj_str(o, "data.a"), "1");
    cJSON_Delete(t);
    snprintf(path, sizeof path, "%s?includeObject=Metadata", P);
    t = get_json(path, KUBECTL_ACCEPT, &code);
    CU_ASSERT_STRING_EQUAL(cj_str(cj_get(cJSON_GetArrayItem(cj_get(t, "rows"), 0), "object"), "kind"),
                           "PartialObjectMetadata");
    cJSON_Delete(t);
    t = get_json("/api/v1/namespaces/default/configmaps?includeObject=Everything", KUBECTL_ACCEPT, &code);
    CU_ASSERT_EQUAL(code, 400);
    CU_ASSERT_STRING_EQUAL(cj_str(t, "message"),
                           "Unable to convert to Table as requested: includeObject: Invalid value: \"Everything\": "
                           "must be 'Metadata', 'Object', 'None', or empty");
    cJSON_Delete(t);
    /* includeObject means nothing without a Table */
    t = get_json("/api/v1/namespaces/default/configmaps?includeObject=Everything", NULL, &code);
    CU_ASSERT_EQUAL(code, 200);
    cJSON_Delete(t);
    /* only v1beta1 asked */
    t = get_json(P, "application/json;as=Table;v=v1beta1;g=meta.k8s.io", &code);
    CU_ASSERT_STRING_EQUAL(cj_str(t, "apiVersion"), "meta.k8s.io/v1beta1");
    CU_ASSERT_STRING_EQUAL(cj_str(cj_get(cJSON_GetArrayItem(cj_get(t, "rows"), 0), "object"), "apiVersion"),
                           "meta.k8s.io/v1beta1");
    cJSON_Delete(t);
    /* a Table in a version that does not exist, and nothing else: 406 */
    t = get_json(P, "application/json;as=Table;v=v2;g=meta.k8s.io", &code);
    CU_ASSERT_EQUAL(code, 406);
    CU_ASSERT_STRING_EQUAL(cj_str(t, "reason"), "NotAcceptable");
    CU_ASSERT_STRING_EQUAL(cj_str(t, "message"), "only the following media types are accepted: application/json, "
                                                 "application/yaml, application/vnd.kubernetes.protobuf");
    cJSON_Delete(t);
    t = get_json("/api/v1/namespaces/default/configmaps/nope", "application/json;as=Table;v=v2;g=meta.k8s.io", &code);
    CU_ASSERT_EQUAL(code, 406); /* negotiated before the object is read */
    cJSON_Delete(t);
    t = get_json("/api/v1/namespaces/default/configmaps", "application/json;as=Table;v=v2;g=meta.k8s.io", &code);
    CU_ASSERT_EQUAL(code, 406);
    cJSON_Delete(t);
    t = get_json("/api/v1/namespaces/default/configmaps?watch=1", "application/json;as=Table;v=v2;g=meta.k8s.io",
                 &code);
    CU_ASSERT_EQUAL(code, 406);
    cJSON_Delete(t);
    /* PartialObjectMetadata and PartialObjectMetadataList */
    t = get_json(P, "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1", &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_STRING_EQUAL(cj_str(t, "kind"), "PartialObjectMetadata");
    CU_ASSERT_STRING_EQUAL(cj_str(t, "metadata.name"), "one");
    CU_ASSERT_PTR_NULL(cj_get(t, "data"));
    cJSON_Delete(t);
    t = get_json("/api/v1/namespaces/default/configmaps?limit=1",
                 "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json", &code);
    CU_ASSERT_STRING_EQUAL(cj_str(t, "kind"), "PartialObjectMetadataList");
    CU_ASSERT_PTR_NOT_NULL(cj_str(t, "metadata.continue"));
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(t, "items"), 0), "kind"), "PartialObjectMetadata");
    cJSON_Delete(t);
    t = get_json("/api/v1/namespaces/default/configmaps",
                 "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1", &code);
    CU_ASSERT_EQUAL(code, 406);
    CU_ASSERT_STRING_EQUAL(cj_str(t, "message"), "you requested PartialObjectMetadata, but the requested object is a "
                                                 "list (*core.ConfigMapList)");
    cJSON_Delete(t);
}

static void test_http_custom_resources_and_scale(void)
{
    long code;
    CU_ASSERT_EQUAL(request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", NULL, J(rollout_crd),
                            NULL), 201);
    create("/apis/argoproj.io/v1alpha1/namespaces/default/rollouts",
           "{'apiVersion':'argoproj.io/v1alpha1','kind':'Rollout','metadata':{'name':'app-backend'},'spec':{"
           "'replicas':1}}");
    CURL *c = curl_easy_init();
    char url[512];
    snprintf(url, sizeof url, "%s/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/app-backend/status",
             fakeapi_url(srv));
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/merge-patch+json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PATCH");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS,
                     J("{'status':{'replicas':1,'updatedReplicas':1,'availableReplicas':1,'HPAReplicas':1}}"));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    co_buf ignored = {0};
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &ignored);
    CU_ASSERT_EQUAL(curl_easy_perform(c), CURLE_OK);
    co_buf_free(&ignored);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    co_clock_advance(clk, 17 * 60 * 1000);
    cJSON *t = get_json("/apis/argoproj.io/v1alpha1/namespaces/default/rollouts", KUBECTL_ACCEPT, &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_STRING_EQUAL(headers(t), "Name|Desired|Current|Up-to-date|Available|Age");
    CU_ASSERT_STRING_EQUAL(cells(t, 0), "['app-backend',1,1,1,1,'17m']");
    cJSON_Delete(t);
    /* the scale subresource: the CRD's scale columns */
    t = get_json("/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/app-backend/scale", KUBECTL_ACCEPT, &code);
    CU_ASSERT_EQUAL(code, 200);
    CU_ASSERT_STRING_EQUAL(headers(t), "Name|Desired|Available|Age");
    CU_ASSERT_STRING_EQUAL(cells(t, 0), "['app-backend',1,1,'17m']");
    cJSON_Delete(t);
    /* and a built-in kind's (printScale: its Name column has no name format) */
    create("/apis/apps/v1/namespaces/default/replicasets",
           "{'metadata':{'name':'rs'},'spec':{'replicas':2,'selector':{'matchLabels':{'a':'b'}},'template':{"
           "'metadata':{'labels':{'a':'b'}},'spec':{'containers':[{'name':'c','image':'i'}]}}}}");
    t = get_json("/apis/apps/v1/namespaces/default/replicasets/rs/scale", KUBECTL_ACCEPT, &code);
    CU_ASSERT_STRING_EQUAL(headers(t), "Name|Desired|Available|Age");
    CU_ASSERT_STRING_EQUAL(cells(t, 0), "['rs',2,0,'0s']");
    CU_ASSERT_STRING_EQUAL(cj_str(cJSON_GetArrayItem(cj_get(t, "columnDefinitions"), 0), "format"), "");
    cJSON_Delete(t);
    /* CRDs themselves and Roles: Name and Created At */
    t = get_json("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", KUBECTL_ACCEPT, &code);
    CU_ASSERT_STRING_EQUAL(headers(t), "Name|Created At");
    CU_ASSERT_STRING_EQUAL(cells(t, 0), "['rollouts.argoproj.io','2024-10-01T12:00:00Z']");
    cJSON_Delete(t);
}

/* A Table watch: one Table per event, column definitions in the first only. */
static void test_http_watch_tables(void)
{
    long code;
    const char *CM = "/api/v1/namespaces/watched/configmaps";
    create("/api/v1/namespaces", "{'metadata':{'name':'watched'}}");
    create(CM, "{'metadata':{'name':'a'},'data':{'x':'1'}}");
    cJSON *a = get_json("/api/v1/namespaces/watched/configmaps/a", NULL, &code);
    create(CM, "{'metadata':{'name':'b'}}");
    CU_ASSERT_EQUAL(request("DELETE", "/api/v1/namespaces/watched/configmaps/a", NULL, NULL, NULL), 200);
    char path[256], *body;
    snprintf(path, sizeof path, "%s?watch=1&timeoutSeconds=1&resourceVersion=%s", CM,
             cj_str(a, "metadata.resourceVersion"));
    code = request("GET", path, KUBECTL_ACCEPT, NULL, &body);
    CU_ASSERT_EQUAL(code, 200);
    /* ADDED b, DELETED a */
    char *line2 = strchr(body, '\n');
    CU_ASSERT_PTR_NOT_NULL_FATAL(line2);
    *line2++ = 0;
    cJSON *e1 = cJSON_Parse(body), *e2 = cJSON_Parse(line2);
    CU_ASSERT_STRING_EQUAL(cj_str(e1, "type"), "ADDED");
    CU_ASSERT_STRING_EQUAL(cj_str(e1, "object.kind"), "Table");
    CU_ASSERT_STRING_EQUAL(headers(cj_get(e1, "object")), "Name|Data|Age");
    CU_ASSERT_STRING_EQUAL(cells(cj_get(e1, "object"), 0), "['b',0,'0s']");
    CU_ASSERT_STRING_EQUAL(cj_str(e2, "type"), "DELETED");
    CU_ASSERT_TRUE(cJSON_IsNull(cj_get(e2, "object.columnDefinitions")));
    CU_ASSERT_STRING_EQUAL(cells(cj_get(e2, "object"), 0), "['a',1,'0s']");
    CU_ASSERT_PTR_NOT_NULL(cj_str(e2, "object.metadata.resourceVersion"));
    cJSON_Delete(e1);
    cJSON_Delete(e2);
    free(body);
    /* from "now" (resourceVersion 0): the current objects as ADDED Tables; bookmarks are converted too */
    snprintf(path, sizeof path, "%s?watch=1&timeoutSeconds=1&allowWatchBookmarks=true&sendInitialEvents=true&"
                                "resourceVersionMatch=NotOlderThan&includeObject=None", CM);
    code = request("GET", path, KUBECTL_ACCEPT, NULL, &body);
    line2 = strchr(body, '\n');
    CU_ASSERT_PTR_NOT_NULL_FATAL(line2);
    *line2++ = 0;
    e1 = cJSON_Parse(body);
    e2 = cJSON_Parse(line2);
    CU_ASSERT_STRING_EQUAL(cells(cj_get(e1, "object"), 0), "['b',0,'0s']");
    CU_ASSERT_TRUE(cJSON_IsNull(cj_get(cJSON_GetArrayItem(cj_get(e1, "object.rows"), 0), "object")));
    CU_ASSERT_STRING_EQUAL(cj_str(e2, "type"), "BOOKMARK");
    CU_ASSERT_STRING_EQUAL(cj_str(e2, "object.kind"), "Table");
    CU_ASSERT_TRUE(cJSON_IsNull(cj_get(e2, "object.columnDefinitions")));
    cJSON_Delete(e1);
    cJSON_Delete(e2);
    free(body);
    /* a bad includeObject is refused before the stream starts */
    snprintf(path, sizeof path, "%s?watch=1&includeObject=All", CM);
    CU_ASSERT_EQUAL(request("GET", path, KUBECTL_ACCEPT, NULL, NULL), 400);
    /* PartialObjectMetadata events */
    snprintf(path, sizeof path, "%s?watch=1&timeoutSeconds=1", CM);
    code = request("GET", path, "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1", NULL, &body);
    e1 = cJSON_Parse(body);
    CU_ASSERT_STRING_EQUAL(cj_str(e1, "object.kind"), "PartialObjectMetadata");
    CU_ASSERT_STRING_EQUAL(cj_str(e1, "object.metadata.name"), "b");
    cJSON_Delete(e1);
    free(body);
    cJSON_Delete(a);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    co_time_parse(NOW_S, &now_ms);
    reg = fa_registry_new();
    int64_t t0;
    co_time_parse(T17M, &t0);
    clk = co_clock_virtual(t0);
    char err[256];
    fakeapi_options opts = {.seed = 7, .no_sim = 1, .clock = clk};
    srv = fakeapi_start(&opts, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "cannot start the server: %s\n", err);
        return 1;
    }
    static const cu_test tests[] = {
        {"Accept negotiation", test_accept_negotiation},
        {"pods: READY, STATUS reasons, RESTARTS (ago), wide columns", test_pod_printer},
        {"services", test_service_printer},
        {"endpoints", test_endpoints_printer},
        {"endpoint slices", test_endpointslice_printer},
        {"ingresses, ingress classes, network policies", test_ingress_printer},
        {"deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs, HPAs, PDBs", test_workload_printers},
        {"namespaces, configmaps, secrets, nodes, PVCs, RBAC, the default convertor", test_other_printers},
        {"events, core and events.k8s.io", test_event_printers},
        {"CRD printer columns and JSONPath", test_crd_columns},
        {"objects of the wrong shape", test_malformed_objects},
        {"list Tables: metadata, includeObject, no headers", test_list_tables},
        {"HTTP: get and list Tables", test_http_get_and_list},
        {"HTTP: includeObject, v1beta1, 406, PartialObjectMetadata", test_http_include_object_and_versions},
        {"HTTP: custom resources, scale, CRDs", test_http_custom_resources_and_scale},
        {"HTTP: watch Tables", test_http_watch_tables},
        {NULL, NULL},
    };
    int rc = cu_run("table", tests);
    fakeapi_stop(srv);
    co_clock_free(clk);
    fa_registry_free(reg);
    curl_global_cleanup();
    return rc;
}
