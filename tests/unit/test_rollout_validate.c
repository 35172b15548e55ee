/* test_rollout_validate.c: Rollout spec validation (InvalidSpec): one case per rule with Argo's exact
 * message, valid rollouts modelled on Argo's examples, reference checks through ro_refs, and random
 * type mutations that must never crash. */
#include "cu.h"
#include "common/yaml.h"
#include "controller/rollout/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAD "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: foo\nspec:\n"
#define SELTPL                                                                                                         \
    "  selector:\n    matchLabels:\n      app: foo\n"                                                                \
    "  template:\n    metadata:\n      labels:\n        app: foo\n"                                                  \
    "    spec:\n      containers:\n      - name: c\n        image: nginx\n"
/* body lines are indented 6 spaces (members of canary/blueGreen) */
#define CANARY(body) HEAD SELTPL "  strategy:\n    canary:\n" body
#define BLUEGREEN(body) HEAD SELTPL "  strategy:\n    blueGreen:\n" body
#define NGINX                                                                                                          \
    "      canaryService: foo-canary\n      stableService: foo-stable\n"                                             \
    "      trafficRouting:\n        nginx:\n          stableIngress: foo-ingress\n"
#define INV "The Rollout \"foo\" is invalid: "

static cJSON *parse(const char *yaml)
{
    char err[256];
    cJSON *o = yaml_parse_one(yaml, strlen(yaml), err, sizeof err);
    if (!o)
        fprintf(stderr, "yaml: %s\n", err);
    return o;
}

/* Services/ingresses that exist: a NULL-terminated list of names. */
static const char *known[] = {"foo-active", "foo-preview", "foo-canary", "foo-stable", "foo-ingress", NULL};
static int exists(void *ud, const char *name)
{
    (void)ud;
    for (const char **k = known; *k; k++)
        if (!strcmp(*k, name))
            return 1;
    return 0;
}

static cJSON *svc_other_label, *svc_managed, *ing_other;
static const cJSON *get_service(void *ud, const char *name)
{
    const char *mode = ud;
    if (mode && !strcmp(mode, "labels") && !strcmp(name, "foo-stable"))
        return svc_other_label;
    if (mode && !strcmp(mode, "managed") && !strcmp(name, "foo-canary"))
        return svc_managed;
    return NULL;
}
static const cJSON *get_ingress(void *ud, const char *name)
{
    const char *mode = ud;
    (void)name;
    return (mode && !strcmp(mode, "ingress")) ? ing_other : NULL;
}

typedef struct {
    const char *yaml;
    const char *want; /* exact message; NULL = valid */
} vcase;

static int run_cases(const vcase *cases, const ro_refs *refs)
{
    int bad = 0;
    for (const vcase *c = cases; c->yaml; c++) {
        cJSON *o = parse(c->yaml);
        CU_ASSERT_PTR_NOT_NULL_FATAL(o);
        char msg[2048];
        int rc = ro_validate(o, refs, msg, sizeof msg);
        if (c->want ? (rc != -1 || strcmp(msg, c->want) != 0) : (rc != 0 || msg[0])) {
            fprintf(stderr, "\ncase %d: rc=%d\n  got:  %s\n  want: %s\n", (int)(c - cases), rc, msg, c->want ? c->want : "(valid)");
            bad++;
        }
        cJSON_Delete(o);
    }
    return bad;
}

/* ---- valid rollouts, in the spirit of Argo's examples/ ---- */
static const vcase valid_cases[] = {
    /* basic canary with setWeight/pause steps (rollout-canary.yaml) */
    {CANARY("      steps:\n      - setWeight: 20\n      - pause: {}\n      - setWeight: 40\n      - pause: {duration: 10}\n"
            "      - setWeight: 60\n      - pause: {duration: \"20\"}\n      - setWeight: 80\n      - pause: {duration: 30s}\n"
            "      - pause: {duration: 1m}\n      - pause: {duration: 1h}\n      - pause: {duration: 1h30m}\n"),
     NULL},
    /* canary without steps, explicit surge */
    {CANARY("      maxSurge: \"25%\"\n      maxUnavailable: 0\n"), NULL},
    {CANARY("      maxSurge: 0\n      maxUnavailable: 1\n"), NULL},
    /* blue-green (rollout-bluegreen.yaml) */
    {BLUEGREEN("      activeService: foo-active\n      previewService: foo-preview\n      autoPromotionEnabled: false\n"), NULL},
    {BLUEGREEN("      activeService: foo-active\n      autoPromotionSeconds: 30\n      scaleDownDelayRevisionLimit: 2\n"
               "      antiAffinity:\n        preferredDuringSchedulingIgnoredDuringExecution:\n          weight: 50\n"),
     NULL},
    /* nginx traffic routing with setCanaryScale and maxTrafficWeight (nginx examples) */
    {CANARY(NGINX "        maxTrafficWeight: 1000\n      steps:\n      - setCanaryScale: {replicas: 2}\n      - setWeight: 500\n"
                  "      - setCanaryScale: {matchTrafficWeight: true}\n      - pause: {}\n"),
     NULL},
    {CANARY("      canaryService: foo-canary\n      stableService: foo-stable\n      trafficRouting:\n        nginx:\n"
            "          stableIngresses: [foo-ingress]\n          additionalIngressAnnotations:\n            canary-by-header: X-Canary\n"
            "      steps:\n      - setWeight: 10\n"),
     NULL},
    /* selector with matchExpressions */
    {HEAD "  replicas: 0\n  selector:\n    matchExpressions:\n    - {key: app, operator: In, values: [foo]}\n"
          "    - {key: tier, operator: DoesNotExist}\n"
          "  template:\n    metadata:\n      labels: {app: foo}\n    spec:\n      containers: [{name: c, image: x}]\n"
          "  strategy:\n    canary: {}\n",
     NULL},
    {NULL, NULL},
};

static void test_valid_examples(void)
{
    ro_refs refs = {.service_exists = exists, .ingress_exists = exists};
    CU_ASSERT_EQUAL(run_cases(valid_cases, &refs), 0);
    CU_ASSERT_EQUAL(run_cases(valid_cases, NULL), 0);
}

/* ---- one case per static rule, Argo's exact message ---- */
static const vcase invalid_cases[] = {
    /* top level */
    {HEAD "  replicas: -1\n" SELTPL "  strategy:\n    canary: {}\n", INV "spec.replicas: Invalid value: -1: must be greater than or equal to 0"},
    {HEAD "  template:\n    metadata:\n      labels: {app: foo}\n  strategy:\n    canary: {}\n",
     INV "spec.selector: Required value: Rollout has missing field '.spec.selector'"},
    {HEAD "  selector: {}\n  template:\n    metadata:\n      labels: {app: foo}\n  strategy:\n    canary: {}\n",
     INV "spec.selector: Invalid value: &LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}: "
         "empty selector is invalid for deployment"},
    {HEAD "  selector:\n    matchExpressions:\n    - {key: app, operator: Like, values: [x]}\n  strategy:\n    canary: {}\n",
     INV "spec.selector.matchExpressions[0].operator: Invalid value: \"Like\": not a valid selector operator"},
    {HEAD "  selector:\n    matchExpressions:\n    - {key: app, operator: In}\n  strategy:\n    canary: {}\n",
     INV "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"},
    /* missing template: nil labels cannot match */
    {HEAD "  selector:\n    matchLabels: {app: foo}\n  strategy:\n    canary: {}\n",
     INV "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`"},
    {HEAD "  selector:\n    matchLabels: {app: foo}\n  template:\n    metadata:\n      labels: {tier: web, app: doesnt-match}\n"
          "  strategy:\n    canary: {}\n",
     INV "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"doesnt-match\", \"tier\":\"web\"}: "
         "`selector` does not match template `labels`"},
    {HEAD "  selector:\n    matchLabels: {app: foo}\n  template:\n    metadata:\n      labels: {app: foo}\n  strategy:\n    canary: {}\n",
     INV "spec.template.spec.containers: Required value"},
    {HEAD "  selector:\n    matchLabels: {app: foo}\n  template:\n    metadata:\n      labels: {app: foo}\n"
          "    spec:\n      containers: [{name: c}, {name: c}]\n  strategy:\n    canary: {}\n",
     INV "spec.template.spec.containers[1].name: Duplicate value: \"c\""},
    {HEAD "  selector:\n    matchLabels: {app: foo}\n  template:\n    metadata:\n      labels: {app: foo}\n"
          "    spec:\n      restartPolicy: Never\n      containers: [{name: c}]\n  strategy:\n    canary: {}\n",
     INV "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""},
    {HEAD "  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: d}\n" SELTPL "  strategy:\n    canary: {}\n",
     INV "spec.template: Internal error: template must be empty for workload reference rollout"},
    {HEAD "  minReadySeconds: -5\n" SELTPL "  strategy:\n    canary: {}\n",
     INV "spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0"},
    {HEAD "  revisionHistoryLimit: -1\n" SELTPL "  strategy:\n    canary: {}\n",
     INV "spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"},
    {HEAD "  minReadySeconds: 600\n" SELTPL "  strategy:\n    canary: {}\n",
     INV "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"},
    {HEAD "  minReadySeconds: 30\n  progressDeadlineSeconds: 10\n" SELTPL "  strategy:\n    canary: {}\n",
     INV "spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds"},
    /* strategy */
    {HEAD SELTPL, INV "spec.strategy.strategy: Required value: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'"},
    {HEAD SELTPL "  strategy:\n    canary: {}\n    blueGreen: {activeService: a}\n",
     INV "spec.strategy.strategy: Invalid value: \"blueGreen: true canary: true\": Multiple Strategies can not be listed"},
    /* blueGreen */
    {BLUEGREEN("      previewService: foo-preview\n"), INV "spec.strategy.blueGreen.activeService: Required value"},
    {BLUEGREEN("      activeService: foo-active\n      previewService: foo-active\n"),
     INV "spec.strategy.activeService: Invalid value: \"foo-active\": This rollout uses the same service for the active and "
         "preview services, but two different services are required."},
    {BLUEGREEN("      activeService: foo-active\n      scaleDownDelayRevisionLimit: -1\n"),
     INV "spec.strategy.blueGreen.scaleDownDelayRevisionLimit: Invalid value: -1: must be greater than or equal to 0"},
    {BLUEGREEN("      activeService: foo-active\n      scaleDownDelayRevisionLimit: 11\n"),
     INV "spec.strategy.scaleDownDelayRevisionLimit: Invalid value: 11: This rollout's revision history limit can not be "
         "smaller than the rollout's scale down limit"},
    {BLUEGREEN("      activeService: foo-active\n      antiAffinity: {}\n"),
     INV "spec.strategy.antiAffinity: Invalid value: \"antiAffinity.PreferredDuringSchedulingIgnoredDuringExecution: false "
         "antiAffinity.RequiredDuringSchedulingIgnoredDuringExecution: false\": AntiAffinity must have exactly one strategy listed"},
    {BLUEGREEN("      activeService: foo-active\n      antiAffinity:\n        preferredDuringSchedulingIgnoredDuringExecution:\n"
               "          weight: 101\n"),
     INV "spec.strategy.antiAffinity.weight: Invalid value: 101: AntiAffinity weight must be between 1-100"},
    /* canary */
    {CANARY("      maxSurge: 0\n      maxUnavailable: 0\n"),
     INV "spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero"},
    {CANARY("      maxSurge: \"0%\"\n      maxUnavailable: 0\n"),
     INV "spec.strategy.maxSurge: Invalid value: 0%: MaxSurge and MaxUnavailable both can not be zero"},
    {CANARY("      canaryService: foo-stable\n      stableService: foo-stable\n"),
     INV "spec.strategy.stableService: Invalid value: \"foo-stable\": This rollout uses the same service for the stable and "
         "canary services, but two different services are required."},
    {CANARY("      canaryService: foo-canary\n      trafficRouting:\n        nginx: {stableIngress: foo-ingress}\n"),
     INV "spec.strategy.stableService: Invalid value: \"\": Canary service and Stable service must to be set to use Traffic Routing"},
    {CANARY("      stableService: foo-stable\n      trafficRouting:\n        nginx: {stableIngress: foo-ingress}\n"),
     INV "spec.strategy.canaryService: Invalid value: \"\": Canary service and Stable service must to be set to use Traffic Routing"},
    {CANARY("      canaryService: foo-canary\n      stableService: foo-stable\n      trafficRouting:\n        nginx: {}\n"),
     INV "spec.strategy.canary.trafficRouting.nginx: Internal error: Either StableIngress or StableIngresses must be configured. "
         "Neither are configured."},
    {CANARY("      canaryService: foo-canary\n      stableService: foo-stable\n      trafficRouting:\n        nginx:\n"
            "          stableIngress: foo-ingress\n          stableIngresses: [foo-ingress]\n"),
     INV "spec.strategy.canary.trafficRouting.nginx: Internal error: Either StableIngress or StableIngresses must be configured. "
         "Both are configured."},
    {CANARY("      scaleDownDelaySeconds: 30\n"),
     INV "spec.strategy.scaleDownDelaySeconds: Invalid value: 30: Canary scaleDownDelaySeconds can only be used with traffic routing"},
    {CANARY("      dynamicStableScale: true\n"),
     INV "spec.strategy.dynamicStableScale: Invalid value: true: Canary dynamicStableScale can only be used with traffic routing"},
    {CANARY(NGINX "      scaleDownDelaySeconds: 30\n      dynamicStableScale: true\n"),
     INV "spec.strategy.dynamicStableScale: Invalid value: true: Canary dynamicStableScale cannot be used with scaleDownDelaySeconds"},
    {CANARY("      canaryService: foo-canary\n      stableService: foo-stable\n      trafficRouting:\n"
            "        smi: {}\n        maxTrafficWeight: 1000\n"),
     INV "spec.strategy.trafficRouting.maxTrafficWeight: Invalid value: 1000: Canary maxTrafficWeight in traffic routing only "
         "supported in Nginx and Plugins"},
    {CANARY("      scaleDownDelayRevisionLimit: -2\n"),
     INV "spec.strategy.canary.scaleDownDelayRevisionLimit: Invalid value: -2: must be greater than or equal to 0"},
    /* steps */
    {CANARY("      steps:\n      - setWeight: 10\n      - {}\n"),
     INV "spec.strategy.steps[1]: Invalid value: \"step.Experiment: true step.Pause: true step.SetWeight: true step.Analysis: true "
         "step.SetCanaryScale: true step.SetHeaderRoute: true step.SetMirrorRoute: true step.Plugin: true\": Step must have one of "
         "the following set: experiment, setWeight, setCanaryScale, plugin or pause"},
    {CANARY("      steps:\n      - setWeight: 10\n        pause: {}\n"),
     INV "spec.strategy.steps[0]: Invalid value: \"step.Experiment: false step.Pause: true step.SetWeight: true step.Analysis: false\": "
         "Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause"},
    {CANARY("      steps:\n      - setWeight: 101\n"),
     INV "spec.strategy.steps[0].setWeight: Invalid value: 101: SetWeight needs to be between 0 and 100"},
    {CANARY("      steps:\n      - setWeight: -1\n"),
     INV "spec.strategy.steps[0].setWeight: Invalid value: -1: SetWeight needs to be between 0 and 100"},
    {CANARY(NGINX "        maxTrafficWeight: 1000\n      steps:\n      - setWeight: 1001\n"),
     INV "spec.strategy.steps[0].setWeight: Invalid value: 1001: SetWeight needs to be between 0 and 1000"},
    {CANARY("      steps:\n      - pause: {duration: 5x}\n"),
     INV "spec.strategy.steps[0].pause.duration: Invalid value: -1: Duration needs to be greater than 0"},
    {CANARY("      steps:\n      - pause: {duration: \"\"}\n"),
     INV "spec.strategy.steps[0].pause.duration: Invalid value: -1: Duration needs to be greater than 0"},
    {CANARY("      steps:\n      - pause: {duration: -10}\n"),
     INV "spec.strategy.steps[0].pause.duration: Invalid value: -10: Duration needs to be greater than 0"},
    {CANARY("      steps:\n      - pause: {duration: \"-1m\"}\n"),
     INV "spec.strategy.steps[0].pause.duration: Invalid value: -60: Duration needs to be greater than 0"},
    {CANARY("      steps:\n      - setCanaryScale: {replicas: 1}\n"),
     INV "spec.strategy.trafficRouting: Required value: SetCanaryScale requires TrafficRouting to be set"},
    {CANARY(NGINX "      steps:\n      - setCanaryScale: {replicas: 1, weight: 20}\n"),
     INV "spec.strategy.canary.steps[0].setCanaryScale: Invalid value: \"replicas: true weight: true matchTrafficWeight: false\": "
         "SetCanaryScale must have exactly one of the following set: replicas, weight or matchTrafficWeight"},
    {CANARY(NGINX "      steps:\n      - setHeaderRoute:\n          name: h\n          match:\n          - headerName: X\n"
                  "            headerValue: {exact: y}\n"),
     INV "spec.strategy.steps[0].setHeaderRoute: Invalid value: v1alpha1.SetHeaderRoute{Name:\"h\", "
         "Match:[]v1alpha1.HeaderRoutingMatch{...}}: SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix"},
    {CANARY(NGINX "      steps:\n      - setMirrorRoute: {name: m, percentage: 10}\n"),
     INV "spec.strategy.steps[0].setMirrorRoute: Invalid value: v1alpha1.SetMirrorRoute{Name:\"m\", Match:[]v1alpha1.RouteMatch(nil)}: "
         "SetMirrorRoute requires TrafficRouting, supports Istio and Plugins"},
    {CANARY("      canaryService: foo-canary\n      stableService: foo-stable\n      trafficRouting:\n"
            "        istio: {virtualService: {name: vs}}\n      steps:\n      - setHeaderRoute: {name: h}\n"),
     INV "spec.strategy.trafficRouting.managedRoutes: Required value: Rollout has missing field "
         "'spec.strategy.canary.trafficRouting.managedRoutes'"},
    {CANARY("      canaryService: foo-canary\n      stableService: foo-stable\n      trafficRouting:\n"
            "        istio: {virtualService: {name: vs}}\n        managedRoutes: [{name: other}]\n"
            "      steps:\n      - setHeaderRoute: {name: h}\n"),
     INV "spec.strategy.steps[0].setHeaderRoute: Invalid value: \"h\": Steps define a route that does not exist in "
         "spec.strategy.canary.trafficRouting.managedRoutes"},
    {CANARY("      canaryService: foo-canary\n      stableService: foo-stable\n      trafficRouting:\n"
            "        istio: {virtualService: {name: vs}}\n        managedRoutes: [{name: h}]\n"
            "      steps:\n      - setHeaderRoute:\n          name: h\n          match:\n          - headerName: X\n"
            "            headerValue: {exact: a, prefix: b}\n"),
     INV "spec.strategy.steps[0].setHeaderRoute.match[0]: Invalid value: v1alpha1.StringMatch{Exact:\"a\", Prefix:\"b\", Regex:\"\"}: "
         "StringMatch match value must have exactly one of the following: exact, regex, prefix"},
    /* lint-testdata/invalid-nginx-canary.yml: experiment weight with nginx */
    {CANARY(NGINX "      steps:\n      - setWeight: 10\n      - experiment:\n          templates:\n"
                  "          - {name: experiment-nginx, specRef: canary, weight: 20}\n"),
     INV "spec.strategy.steps[1].experiment.templates[0].weight: Invalid value: 20: Experiment template weight is only available "
         "for TrafficRouting with SMI, ALB, Istio and Plugins at this time"},
    {CANARY("      steps:\n      - experiment:\n          templates:\n          - {name: e, specRef: canary, weight: 20}\n"),
     INV "spec.strategy.steps[0].experiment.templates[0].weight: Invalid value: 20: Experiment template weight cannot be set "
         "unless TrafficRouting is enabled"},
    /* Cutover-specific: analysis/experiment/plugin steps are not supported yet (analysis comes later) */
    {CANARY("      steps:\n      - setWeight: 10\n      - analysis:\n          templates: [{templateName: success-rate}]\n"),
     INV "spec.strategy.canary.steps[1].analysis: Forbidden: analysis steps are not supported by Cutover yet"},
    {CANARY("      steps:\n      - experiment:\n          templates: [{name: e, specRef: canary}]\n"),
     INV "spec.strategy.canary.steps[0].experiment: Forbidden: experiment steps are not supported by Cutover yet"},
    {CANARY("      steps:\n      - plugin: {name: p}\n"),
     INV "spec.strategy.canary.steps[0].plugin: Forbidden: plugin steps are not supported by Cutover yet"},
    /* lint-testdata/invalid.yml */
    {HEAD "  revisionHistoryLimit: 1\n  replicas: 1\n" SELTPL "  strategy:\n    canary:\n      maxUnavailable: 0\n      maxSurge: 0\n"
          "      steps:\n      - setWeight: 10\n",
     INV "spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero"},
    {NULL, NULL},
};

static void test_static_rules(void)
{
    CU_ASSERT_EQUAL(run_cases(invalid_cases, NULL), 0);
}

/* ---- wrong JSON types: Cutover-specific messages, never a crash ---- */
static const vcase type_cases[] = {
    {HEAD "  replicas: three\n" SELTPL "  strategy:\n    canary: {}\n",
     INV "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\""},
    {HEAD "  replicas: 1.5\n" SELTPL "  strategy:\n    canary: {}\n",
     INV "spec.replicas: Invalid value: \"number\": spec.replicas in body must be of type integer: \"number\""},
    {CANARY("      steps: {}\n"),
     INV "spec.strategy.canary.steps: Invalid value: \"object\": spec.strategy.canary.steps in body must be of type array: \"object\""},
    {CANARY("      steps: [5]\n"),
     INV "spec.strategy.canary.steps[0]: Invalid value: \"integer\": spec.strategy.canary.steps[0] in body must be of type object: \"integer\""},
    {CANARY("      steps:\n      - setWeight: \"10\"\n"),
     INV "spec.strategy.canary.steps[0].setWeight: Invalid value: \"string\": spec.strategy.canary.steps[0].setWeight in body must "
         "be of type integer: \"string\""},
    {CANARY("      steps:\n      - pause: {duration: true}\n"),
     INV "spec.strategy.canary.steps[0].pause.duration: Invalid value: \"boolean\": spec.strategy.canary.steps[0].pause.duration "
         "in body must be of type integer,string: \"boolean\""},
    {CANARY("      maxSurge: [1]\n"),
     INV "spec.strategy.canary.maxSurge: Invalid value: \"array\": spec.strategy.canary.maxSurge in body must be of type "
         "integer,string: \"array\""},
    {HEAD "  selector:\n    matchLabels: {app: 1}\n  strategy:\n    canary: {}\n",
     INV "spec.selector.matchLabels.app: Invalid value: \"integer\": spec.selector.matchLabels.app in body must be of type string: \"integer\""},
    {HEAD SELTPL "  strategy: canary\n", INV "spec.strategy: Invalid value: \"string\": spec.strategy in body must be of type object: \"string\""},
    {BLUEGREEN("      activeService: 7\n"),
     INV "spec.strategy.blueGreen.activeService: Invalid value: \"integer\": spec.strategy.blueGreen.activeService in body must be "
         "of type string: \"integer\""},
    {NULL, NULL},
};

static void test_wrong_types(void)
{
    CU_ASSERT_EQUAL(run_cases(type_cases, NULL), 0);
    char msg[256];
    CU_ASSERT_EQUAL(ro_validate(NULL, NULL, msg, sizeof msg), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "must be of type object"));
    cJSON *arr = cJSON_CreateArray();
    CU_ASSERT_EQUAL(ro_validate(arr, NULL, msg, sizeof msg), -1);
    cJSON_Delete(arr);
    /* a tiny buffer truncates, NUL-terminated; n == 0 writes nothing */
    cJSON *o = parse(HEAD "  replicas: -1\n");
    char tiny[8] = "xxxxxxx";
    CU_ASSERT_EQUAL(ro_validate(o, NULL, tiny, sizeof tiny), -1);
    CU_ASSERT_STRING_EQUAL(tiny, "The Rol");
    CU_ASSERT_EQUAL(ro_validate(o, NULL, NULL, 0), -1);
    cJSON_Delete(o);
}

/* ---- referenced Services and Ingresses ---- */
static void test_references(void)
{
    ro_refs refs = {.service_exists = exists, .ingress_exists = exists};
    static const vcase ref_cases[] = {
        {BLUEGREEN("      activeService: active-svc\n"),
         INV "spec.strategy.blueGreen.activeService: Invalid value: \"active-svc\": service \"active-svc\" not found"},
        {BLUEGREEN("      activeService: foo-active\n      previewService: preview-svc\n"),
         INV "spec.strategy.blueGreen.previewService: Invalid value: \"preview-svc\": service \"preview-svc\" not found"},
        {CANARY("      canaryService: invalid-canary\n      stableService: invalid-stable\n"),
         INV "spec.strategy.canary.stableService: Invalid value: \"invalid-stable\": service \"invalid-stable\" not found"},
        {CANARY("      canaryService: invalid-canary\n      stableService: foo-stable\n"),
         INV "spec.strategy.canary.canaryService: Invalid value: \"invalid-canary\": service \"invalid-canary\" not found"},
        {CANARY("      canaryService: foo-canary\n      stableService: foo-stable\n      trafficRouting:\n        nginx:\n"
                "          stableIngress: missing\n"),
         INV "spec.strategy.canary.trafficRouting.nginx.stableIngress: Invalid value: \"missing\": ingress.networking.k8s.io "
             "\"missing\" not found"},
        {CANARY("      canaryService: foo-canary\n      stableService: foo-stable\n      trafficRouting:\n        nginx:\n"
                "          stableIngresses: [foo-ingress, missing]\n"),
         INV "spec.strategy.canary.trafficRouting.nginx.StableIngresses: Invalid value: []string{\"foo-ingress\", \"missing\"}: "
             "ingress.networking.k8s.io \"missing\" not found"},
        {NULL, NULL},
    };
    CU_ASSERT_EQUAL(run_cases(ref_cases, &refs), 0);
    /* without refs the same rollouts are valid */
    for (const vcase *c = ref_cases; c->yaml; c++) {
        cJSON *o = parse(c->yaml);
        char msg[512];
        CU_ASSERT_EQUAL(ro_validate(o, NULL, msg, sizeof msg), 0);
        cJSON_Delete(o);
    }

    svc_other_label = parse("metadata: {name: foo-stable}\nspec:\n  selector: {app: bar, rollouts-pod-template-hash: abc}\n");
    svc_managed = parse("metadata:\n  name: foo-canary\n  annotations:\n    argo-rollouts.argoproj.io/managed-by-rollouts: other\n"
                        "spec:\n  selector: {app: foo}\n");
    ing_other = parse("metadata: {name: foo-ingress}\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n"
                      "        backend:\n          service: {name: foo-root, port: {number: 80}}\n");
    const char *y = CANARY(NGINX);
    cJSON *o = parse(y);
    char msg[1024];
    ro_refs r2 = {.service_exists = exists, .get_service = get_service, .get_ingress = get_ingress, .ud = "labels"};
    CU_ASSERT_EQUAL(ro_validate(o, &r2, msg, sizeof msg), -1);
    CU_ASSERT_STRING_EQUAL(msg, INV "spec.strategy.canary.stableService: Invalid value: \"foo-stable\": Service \"foo-stable\" "
                                    "has unmatch label \"app\" in rollout");
    r2.ud = "managed";
    CU_ASSERT_EQUAL(ro_validate(o, &r2, msg, sizeof msg), -1);
    CU_ASSERT_STRING_EQUAL(msg, INV "spec.strategy.canary.canaryService: Invalid value: \"foo-canary\": Service \"foo-canary\" "
                                    "is managed by another Rollout");
    r2.ud = "ingress";
    CU_ASSERT_EQUAL(ro_validate(o, &r2, msg, sizeof msg), -1);
    CU_ASSERT_STRING_EQUAL(msg, INV "spec.strategy.canary.trafficRouting.nginx.stableIngress: Invalid value: \"foo-ingress\": "
                                    "ingress `foo-ingress` has no rules using service foo-stable backend");
    r2.ud = NULL;
    CU_ASSERT_EQUAL(ro_validate(o, &r2, msg, sizeof msg), 0);
    CU_ASSERT_STRING_EQUAL(msg, "");
    cJSON_Delete(o);
    cJSON_Delete(svc_other_label);
    cJSON_Delete(svc_managed);
    cJSON_Delete(ing_other);
}

/* ---- fuzz-ish: replace random nodes of valid rollouts with values of other types ---- */
static unsigned rng_state = 12345;
static unsigned rnd(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 16) & 0x7fff;
}

static int count_nodes(const cJSON *j)
{
    int n = 1;
    for (const cJSON *c = j->child; c; c = c->next)
        n += count_nodes(c);
    return n;
}

static cJSON *nth_node(cJSON *j, int *k)
{
    if ((*k)-- == 0)
        return j;
    for (cJSON *c = j->child; c; c = c->next) {
        cJSON *r = nth_node(c, k);
        if (r)
            return r;
    }
    return NULL;
}

static cJSON *random_value(void)
{
    switch (rnd() % 9) {
    case 0: return cJSON_CreateString("three");
    case 1: return cJSON_CreateNumber((double)(rnd() % 300) - 100);
    case 2: return cJSON_CreateNumber(1.5);
    case 3: return cJSON_CreateBool(rnd() % 2);
    case 4: return cJSON_CreateNull();
    case 5: return cJSON_CreateObject();
    case 6: return cJSON_CreateArray();
    case 7: {
        cJSON *a = cJSON_CreateArray();
        cJSON_AddItemToArray(a, cJSON_CreateString("x"));
        cJSON_AddItemToArray(a, cJSON_CreateObject());
        return a;
    }
    default: return cJSON_CreateString("1h");
    }
}

static void test_fuzz_types(void)
{
    const char *seeds[] = {
        valid_cases[0].yaml, valid_cases[3].yaml, valid_cases[4].yaml, valid_cases[5].yaml, valid_cases[6].yaml, valid_cases[7].yaml,
        invalid_cases[46].yaml, invalid_cases[49].yaml, invalid_cases[52].yaml,
    };
    ro_refs refs = {.service_exists = exists, .ingress_exists = exists};
    int invalid = 0, total = 0;
    for (size_t s = 0; s < sizeof seeds / sizeof *seeds; s++) {
        cJSON *base = parse(seeds[s]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(base);
        for (int iter = 0; iter < 400; iter++) {
            cJSON *o = cJSON_Duplicate(base, 1);
            int muts = 1 + (int)(rnd() % 3);
            for (int m = 0; m < muts; m++) {
                int n = count_nodes(o);
                int k = 1 + (int)(rnd() % (unsigned)(n - 1)); /* never the root */
                cJSON *node = nth_node(o, &k);
                if (!node)
                    continue;
                cJSON *rep = random_value();
                /* find the parent and swap */
                cJSON *stack[256];
                int sp = 0;
                stack[sp++] = o;
                cJSON *parent = NULL;
                while (sp && !parent) {
                    cJSON *p = stack[--sp];
                    for (cJSON *c = p->child; c; c = c->next) {
                        if (c == node) {
                            parent = p;
                            break;
                        }
                        if (c->child && sp < 256)
                            stack[sp++] = c;
                    }
                }
                if (parent)
                    cJSON_ReplaceItemViaPointer(parent, node, rep);
                else
                    cJSON_Delete(rep);
            }
            char msg[512];
            msg[0] = 'x';
            int rc = ro_validate(o, &refs, msg, sizeof msg);
            CU_ASSERT(rc == 0 || rc == -1);
            CU_ASSERT(rc == 0 ? msg[0] == '\0' : strncmp(msg, "The Rollout \"", 13) == 0);
            invalid += rc != 0;
            total++;
            cJSON_Delete(o);
        }
        cJSON_Delete(base);
    }
    CU_ASSERT(invalid > total / 4); /* most mutations are caught */
}

int main(void)
{
    static const cu_test tests[] = {
        {"valid_examples", test_valid_examples},
        {"static_rules", test_static_rules},
        {"wrong_types", test_wrong_types},
        {"references", test_references},
        {"fuzz_types", test_fuzz_types},
        {NULL, NULL},
    };
    return cu_run("rollout_validate", tests);
}
