/* lint.c: `lint -f FILE`, Argo Rollouts' `kubectl argo rollouts lint` (pkg/kubectl-argo-rollouts/cmd/
 * lint/lint.go): offline validation of the Rollouts in a YAML (multi-document) or JSON file, or
 * standard input with `-f -`.
 *
 * As Argo's lint, document by document (an error here stops the lint, as there):
 *   - each document is read as an unstructured object: a document that is not a mapping, or has no
 *     kind, is an error worded as Go's (`Object 'Kind' is missing in '{...}'`);
 *   - Rollouts (group argoproj.io), Services (core) and Ingresses (networking.k8s.io or extensions,
 *     v1 and v1beta1) are decoded strictly, as Go's encoding/json with DisallowUnknownFields: an
 *     unknown field is `error unmarshaling JSON: while decoding JSON: json: unknown field "x"`
 *     (the first one in Go's order: keys sorted, depth first). Go matches field names
 *     case-insensitively, so `Replicas:` is replicas here too (the key is renamed before
 *     validation). Istio VirtualServices are kept as they are (unstructured, as Argo does);
 * then each Rollout is validated:
 *   - by the controller's own rules (ro_validate, offline: no references), which gives Argo's
 *     ValidateRollout message; the controller's "not supported by Cutover yet" steps are not a lint
 *     error (the spec is valid for Argo; the controller says so in its InvalidSpec condition);
 *   - against the other documents of the file, exactly as lint.go pairs them: a Service named by
 *     the Rollout's active/preview/canary/stable/ping/pong field, an Ingress with a rule to the
 *     Rollout's nginx stableService / ALB root-or-stable service / SMI rootService, a
 *     VirtualService named by its Istio config (lint.go stops pairing Ingresses at the first
 *     Rollout without canary traffic routing, VirtualServices at the first without Istio), or any
 *     of these already annotated argo-rollouts.argoproj.io/managed-by-rollouts: NAME (absent
 *     counts as "": a Rollout without a name gets them all). Then Argo's
 *     ValidateRolloutReferencedResources, every error: the Service selector must match the
 *     template labels, the nginx/ALB Ingress must route to the stable (root) Service, the
 *     VirtualService must have the Rollout's routes with its stable and canary destinations.
 *
 * Output: nothing and exit 0 when every Rollout is valid. Otherwise one line per error on stderr,
 * Argo's message prefixed by the file and the line of the field (Cutover's addition):
 *
 *   error: rollout.yaml:12: spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero
 *
 * and exit 1. Argo's field paths are kept as Argo writes them (`spec.strategy.maxSurge`, not
 * `spec.strategy.canary.maxSurge`); the line is the one of that field in the file, or of its
 * nearest parent present (a missing field), `canary`/`blueGreen` being looked into for Argo's short
 * `spec.strategy.X` paths. Decoding errors carry the path of the unknown field before Go's message.
 * YAML syntax errors: `error: FILE:LINE: yaml: <problem>`. Unreadable file: Go's
 * `open FILE: no such file or directory`, exit 1. No -f: usage error, exit 2.
 *
 * Differences from Argo's lint, all deliberate or unavoidable:
 *   - the controller gives only its first static error per Rollout (Argo's lint lists them all);
 *   - wrong JSON types are reported by the controller's validation, in the API server's words,
 *     rather than as Go's `cannot unmarshal string into Go struct field ...` (and only for the
 *     fields the controller reads); duplicate keys are an error (go-yaml would keep the last);
 *   - Cutover-specific rules of the controller apply (blueGreen.activeService required, nginx
 *     stableIngress/stableIngresses exactly one, ...: see validate.h);
 *   - where Argo's lint would crash (nil pointers and indexes: an Ingress paired with a Rollout
 *     without traffic routing, a v1 Ingress path with a resource backend, an Istio Rollout with
 *     neither virtualService nor virtualServices, no tlsRoutes/tcpRoutes in the Rollout and an
 *     empty tls/tcp list in the VirtualService), there is no error;
 *   - Argo ranges over a Service's selector as a Go map (random order); here keys are sorted;
 *   - other referenced kinds Argo's lint collects nothing for (AnalysisTemplates, Ambassador
 *     Mappings, AppMesh routers) are not looked at either: lint.go only reads Services, Ingresses
 *     and VirtualServices;
 *   - the strict schema of the pod template leaves `volumes` and resource quantities open, as
 *     Argo's CRD does (manifests/crds/rollout-crd.yaml, from which the table below is generated).
 */
#include "cli/cli.h"
#include "common/buf.h"
#include "common/file.h"
#include "common/yaml.h"
#include "controller/rollout/validate.h"

#include <cjson/cJSON.h>
#include <yaml.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------------------------------------
 * The strict schema: which fields Go's encoding/json accepts in a Rollout, a Service and an
 * Ingress. Generated from Argo Rollouts' manifests/crds/rollout-crd.yaml (commit 9f8d111, built on
 * k8s.io/api v0.34.5) and from the json tags of k8s.io/api and apimachinery v0.34.5 for ObjectMeta
 * (the CRD leaves `metadata` open), Service, networking/v1 Ingress and extensions/v1beta1 Ingress.
 * Each type is: ANY (a scalar or an open object, e.g. x-kubernetes-preserve-unknown-fields), a
 * STRUCT (fields[a .. a+n), names sorted), a MAP of type a, or an ARRAY of type a. Identical types
 * are shared.
 * ------------------------------------------------------------------------------------------- */

enum { LT_ANY, LT_STRUCT, LT_MAP, LT_ARRAY };
typedef struct {
    const char *name;
    short type;
} lint_field;
typedef struct {
    unsigned char kind;
    short a, n;
} lint_type;

/* generated: 203 types, 653 fields */
static const lint_field lint_fields[] = {
    {"apiVersion", 0}, {"blockOwnerDeletion", 0}, {"controller", 0}, {"kind", 0}, {"name", 0}, {"uid", 0},
    {"apiVersion", 0}, {"fieldsType", 0}, {"fieldsV1", 0}, {"manager", 0}, {"operation", 0}, {"subresource", 0},
    {"time", 0}, {"annotations", 1}, {"creationTimestamp", 0}, {"deletionGracePeriodSeconds", 0},
    {"deletionTimestamp", 0}, {"finalizers", 5}, {"generateName", 0}, {"generation", 0}, {"labels", 1},
    {"managedFields", 6}, {"name", 0}, {"namespace", 0}, {"ownerReferences", 4}, {"resourceVersion", 0},
    {"selfLink", 0}, {"uid", 0}, {"lastTransitionTime", 0}, {"message", 0}, {"observedGeneration", 0}, {"reason", 0},
    {"status", 0}, {"type", 0}, {"error", 0}, {"port", 0}, {"protocol", 0}, {"appProtocol", 0}, {"name", 0},
    {"nodePort", 0}, {"port", 0}, {"protocol", 0}, {"targetPort", 0}, {"timeoutSeconds", 0}, {"clientIP", 12},
    {"allocateLoadBalancerNodePorts", 0}, {"clusterIP", 0}, {"clusterIPs", 5}, {"externalIPs", 5},
    {"externalName", 0}, {"externalTrafficPolicy", 0}, {"healthCheckNodePort", 0}, {"internalTrafficPolicy", 0},
    {"ipFamilies", 5}, {"ipFamilyPolicy", 0}, {"loadBalancerClass", 0}, {"loadBalancerIP", 0},
    {"loadBalancerSourceRanges", 5}, {"ports", 11}, {"publishNotReadyAddresses", 0}, {"selector", 1},
    {"sessionAffinity", 0}, {"sessionAffinityConfig", 13}, {"trafficDistribution", 0}, {"type", 0}, {"hostname", 0},
    {"ip", 0}, {"ipMode", 0}, {"ports", 15}, {"ingress", 17}, {"conditions", 19}, {"loadBalancer", 18},
    {"apiVersion", 0}, {"kind", 0}, {"metadata", 7}, {"spec", 14}, {"status", 20}, {"apiGroup", 0}, {"kind", 0},
    {"name", 0}, {"hostname", 0}, {"ip", 0}, {"ports", 15}, {"ingress", 24}, {"loadBalancer", 25}, {"hosts", 5},
    {"secretName", 0}, {"name", 0}, {"number", 0}, {"name", 0}, {"port", 28}, {"resource", 22}, {"service", 29},
    {"backend", 30}, {"path", 0}, {"pathType", 0}, {"paths", 33}, {"host", 0}, {"http", 34}, {"defaultBackend", 30},
    {"ingressClassName", 0}, {"rules", 36}, {"tls", 31}, {"apiVersion", 0}, {"kind", 0}, {"metadata", 7},
    {"spec", 37}, {"status", 26}, {"resource", 22}, {"serviceName", 0}, {"servicePort", 0}, {"backend", 39},
    {"path", 0}, {"pathType", 0}, {"paths", 41}, {"host", 0}, {"http", 42}, {"backend", 39}, {"ingressClassName", 0},
    {"rules", 44}, {"tls", 31}, {"apiVersion", 0}, {"kind", 0}, {"metadata", 7}, {"spec", 45}, {"status", 26},
    {"successfulRunHistoryLimit", 0}, {"unsuccessfulRunHistoryLimit", 0}, {"revisions", 0}, {"key", 0},
    {"operator", 0}, {"values", 5}, {"matchExpressions", 50}, {"matchLabels", 1}, {"annotations", 1}, {"labels", 1},
    {"weight", 0}, {"preferredDuringSchedulingIgnoredDuringExecution", 53},
    {"requiredDuringSchedulingIgnoredDuringExecution", 54}, {"fieldPath", 0}, {"fieldRef", 56},
    {"podTemplateHashValue", 0}, {"name", 0}, {"value", 0}, {"valueFrom", 57}, {"metricName", 0}, {"limit", 0},
    {"metricName", 0}, {"clusterScope", 0}, {"templateName", 0}, {"analysisRunMetadata", 52}, {"args", 59},
    {"dryRun", 61}, {"measurementRetention", 63}, {"templates", 65}, {"abortScaleDownDelaySeconds", 0},
    {"activeMetadata", 52}, {"activeService", 0}, {"antiAffinity", 55}, {"autoPromotionEnabled", 0},
    {"autoPromotionSeconds", 0}, {"maxUnavailable", 0}, {"postPromotionAnalysis", 66}, {"prePromotionAnalysis", 66},
    {"previewMetadata", 52}, {"previewReplicaCount", 0}, {"previewService", 0}, {"scaleDownDelayRevisionLimit", 0},
    {"scaleDownDelaySeconds", 0}, {"analysisRunMetadata", 52}, {"args", 59}, {"dryRun", 61},
    {"measurementRetention", 63}, {"startingStep", 0}, {"templates", 65}, {"pingService", 0}, {"pongService", 0},
    {"type", 0}, {"value", 0}, {"args", 59}, {"clusterScope", 0}, {"name", 0}, {"requiredForCompletion", 0},
    {"templateName", 0}, {"name", 0}, {"metadata", 52}, {"name", 0}, {"replicas", 0}, {"selector", 51},
    {"service", 73}, {"specRef", 0}, {"weight", 0}, {"analyses", 72}, {"analysisRunMetadata", 52}, {"dryRun", 61},
    {"duration", 0}, {"scaleDownDelaySeconds", 0}, {"templates", 75}, {"duration", 0}, {"config", 0}, {"name", 0},
    {"matchTrafficWeight", 0}, {"replicas", 0}, {"weight", 0}, {"exact", 0}, {"prefix", 0}, {"regex", 0},
    {"headerName", 0}, {"headerValue", 80}, {"match", 82}, {"name", 0}, {"headers", 84}, {"method", 80},
    {"path", 80}, {"match", 86}, {"name", 0}, {"percentage", 0}, {"analysis", 66}, {"experiment", 76}, {"pause", 77},
    {"plugin", 78}, {"setCanaryScale", 79}, {"setHeaderRoute", 83}, {"setMirrorRoute", 87}, {"setWeight", 0},
    {"durationSeconds", 0}, {"enabled", 0}, {"annotationPrefix", 0}, {"ingress", 0}, {"ingresses", 5},
    {"rootService", 0}, {"servicePort", 0}, {"stickinessConfig", 90}, {"mappings", 5}, {"name", 0}, {"rules", 5},
    {"route", 93}, {"canaryVirtualNodeRef", 73}, {"stableVirtualNodeRef", 73}, {"name", 0}, {"routes", 5},
    {"virtualNodeGroup", 95}, {"virtualService", 96}, {"additionalSubsetNames", 5}, {"canarySubsetName", 0},
    {"name", 0}, {"stableSubsetName", 0}, {"port", 0}, {"port", 0}, {"sniHosts", 5}, {"name", 0}, {"routes", 5},
    {"tcpRoutes", 100}, {"tlsRoutes", 102}, {"destinationRule", 98}, {"virtualService", 103},
    {"virtualServices", 104}, {"additionalIngressAnnotations", 1}, {"annotationPrefix", 0},
    {"canaryIngressAnnotations", 1}, {"stableIngress", 0}, {"stableIngresses", 5}, {"rootService", 0},
    {"trafficSplitName", 0}, {"weightedTraefikServiceName", 0}, {"alb", 91}, {"ambassador", 92}, {"apisix", 94},
    {"appMesh", 97}, {"istio", 105}, {"managedRoutes", 106}, {"maxTrafficWeight", 0}, {"nginx", 107}, {"plugins", 0},
    {"smi", 108}, {"traefik", 109}, {"abortScaleDownDelaySeconds", 0}, {"analysis", 68}, {"antiAffinity", 55},
    {"canaryMetadata", 52}, {"canaryService", 0}, {"dynamicStableScale", 0}, {"maxSurge", 0}, {"maxUnavailable", 0},
    {"minPodsPerReplicaSet", 0}, {"pingPong", 69}, {"replicaProgressThreshold", 70},
    {"scaleDownDelayRevisionLimit", 0}, {"scaleDownDelaySeconds", 0}, {"stableMetadata", 52}, {"stableService", 0},
    {"steps", 89}, {"trafficRouting", 110}, {"blueGreen", 67}, {"canary", 111}, {"matchExpressions", 50},
    {"matchFields", 50}, {"preference", 113}, {"weight", 0}, {"nodeSelectorTerms", 116},
    {"preferredDuringSchedulingIgnoredDuringExecution", 115},
    {"requiredDuringSchedulingIgnoredDuringExecution", 117}, {"labelSelector", 51}, {"matchLabelKeys", 5},
    {"mismatchLabelKeys", 5}, {"namespaceSelector", 51}, {"namespaces", 5}, {"topologyKey", 0},
    {"podAffinityTerm", 119}, {"weight", 0}, {"preferredDuringSchedulingIgnoredDuringExecution", 121},
    {"requiredDuringSchedulingIgnoredDuringExecution", 122}, {"nodeAffinity", 118}, {"podAffinity", 123},
    {"podAntiAffinity", 123}, {"key", 0}, {"name", 0}, {"optional", 0}, {"apiVersion", 0}, {"fieldPath", 0},
    {"key", 0}, {"optional", 0}, {"path", 0}, {"volumeName", 0}, {"containerName", 0}, {"divisor", 0},
    {"resource", 0}, {"configMapKeyRef", 125}, {"fieldRef", 126}, {"fileKeyRef", 127}, {"resourceFieldRef", 128},
    {"secretKeyRef", 125}, {"name", 0}, {"value", 0}, {"valueFrom", 129}, {"name", 0}, {"optional", 0},
    {"configMapRef", 132}, {"prefix", 0}, {"secretRef", 132}, {"command", 5}, {"name", 0}, {"value", 0}, {"host", 0},
    {"httpHeaders", 137}, {"path", 0}, {"port", 0}, {"scheme", 0}, {"seconds", 0}, {"host", 0}, {"port", 0},
    {"exec", 135}, {"httpGet", 138}, {"sleep", 139}, {"tcpSocket", 140}, {"postStart", 141}, {"preStop", 141},
    {"stopSignal", 0}, {"port", 0}, {"service", 0}, {"exec", 135}, {"failureThreshold", 0}, {"grpc", 143},
    {"httpGet", 138}, {"initialDelaySeconds", 0}, {"periodSeconds", 0}, {"successThreshold", 0}, {"tcpSocket", 140},
    {"terminationGracePeriodSeconds", 0}, {"timeoutSeconds", 0}, {"containerPort", 0}, {"hostIP", 0},
    {"hostPort", 0}, {"name", 0}, {"protocol", 0}, {"resourceName", 0}, {"restartPolicy", 0}, {"name", 0},
    {"request", 0}, {"claims", 150}, {"limits", 0}, {"requests", 0}, {"operator", 0}, {"values", 5}, {"action", 0},
    {"exitCodes", 152}, {"localhostProfile", 0}, {"type", 0}, {"add", 5}, {"drop", 5}, {"level", 0}, {"role", 0},
    {"type", 0}, {"user", 0}, {"gmsaCredentialSpec", 0}, {"gmsaCredentialSpecName", 0}, {"hostProcess", 0},
    {"runAsUserName", 0}, {"allowPrivilegeEscalation", 0}, {"appArmorProfile", 155}, {"capabilities", 156},
    {"privileged", 0}, {"procMount", 0}, {"readOnlyRootFilesystem", 0}, {"runAsGroup", 0}, {"runAsNonRoot", 0},
    {"runAsUser", 0}, {"seLinuxOptions", 157}, {"seccompProfile", 155}, {"windowsOptions", 158}, {"devicePath", 0},
    {"name", 0}, {"mountPath", 0}, {"mountPropagation", 0}, {"name", 0}, {"readOnly", 0}, {"recursiveReadOnly", 0},
    {"subPath", 0}, {"subPathExpr", 0}, {"args", 5}, {"command", 5}, {"env", 131}, {"envFrom", 134}, {"image", 0},
    {"imagePullPolicy", 0}, {"lifecycle", 142}, {"livenessProbe", 144}, {"name", 0}, {"ports", 146},
    {"readinessProbe", 144}, {"resizePolicy", 148}, {"resources", 151}, {"restartPolicy", 0},
    {"restartPolicyRules", 154}, {"securityContext", 159}, {"startupProbe", 144}, {"stdin", 0}, {"stdinOnce", 0},
    {"terminationMessagePath", 0}, {"terminationMessagePolicy", 0}, {"tty", 0}, {"volumeDevices", 161},
    {"volumeMounts", 163}, {"workingDir", 0}, {"nameservers", 5}, {"options", 137}, {"searches", 5}, {"args", 5},
    {"command", 5}, {"env", 131}, {"envFrom", 134}, {"image", 0}, {"imagePullPolicy", 0}, {"lifecycle", 142},
    {"livenessProbe", 144}, {"name", 0}, {"ports", 146}, {"readinessProbe", 144}, {"resizePolicy", 148},
    {"resources", 151}, {"restartPolicy", 0}, {"restartPolicyRules", 154}, {"securityContext", 159},
    {"startupProbe", 144}, {"stdin", 0}, {"stdinOnce", 0}, {"targetContainerName", 0}, {"terminationMessagePath", 0},
    {"terminationMessagePolicy", 0}, {"tty", 0}, {"volumeDevices", 161}, {"volumeMounts", 163}, {"workingDir", 0},
    {"hostnames", 5}, {"ip", 0}, {"conditionType", 0}, {"name", 0}, {"resourceClaimName", 0},
    {"resourceClaimTemplateName", 0}, {"claims", 150}, {"limits", 1}, {"requests", 1}, {"appArmorProfile", 155},
    {"fsGroup", 0}, {"fsGroupChangePolicy", 0}, {"runAsGroup", 0}, {"runAsNonRoot", 0}, {"runAsUser", 0},
    {"seLinuxChangePolicy", 0}, {"seLinuxOptions", 157}, {"seccompProfile", 155}, {"supplementalGroups", 5},
    {"supplementalGroupsPolicy", 0}, {"sysctls", 137}, {"windowsOptions", 158}, {"effect", 0}, {"key", 0},
    {"operator", 0}, {"tolerationSeconds", 0}, {"value", 0}, {"labelSelector", 51}, {"matchLabelKeys", 5},
    {"maxSkew", 0}, {"minDomains", 0}, {"nodeAffinityPolicy", 0}, {"nodeTaintsPolicy", 0}, {"topologyKey", 0},
    {"whenUnsatisfiable", 0}, {"activeDeadlineSeconds", 0}, {"affinity", 124}, {"automountServiceAccountToken", 0},
    {"containers", 165}, {"dnsConfig", 166}, {"dnsPolicy", 0}, {"enableServiceLinks", 0},
    {"ephemeralContainers", 168}, {"hostAliases", 170}, {"hostIPC", 0}, {"hostNetwork", 0}, {"hostPID", 0},
    {"hostUsers", 0}, {"hostname", 0}, {"hostnameOverride", 0}, {"imagePullSecrets", 106}, {"initContainers", 165},
    {"nodeName", 0}, {"nodeSelector", 1}, {"os", 73}, {"overhead", 1}, {"preemptionPolicy", 0}, {"priority", 0},
    {"priorityClassName", 0}, {"readinessGates", 172}, {"resourceClaims", 174}, {"resources", 175},
    {"restartPolicy", 0}, {"runtimeClassName", 0}, {"schedulerName", 0}, {"schedulingGates", 106},
    {"securityContext", 176}, {"serviceAccount", 0}, {"serviceAccountName", 0}, {"setHostnameAsFQDN", 0},
    {"shareProcessNamespace", 0}, {"subdomain", 0}, {"terminationGracePeriodSeconds", 0}, {"tolerations", 178},
    {"topologySpreadConstraints", 180}, {"volumes", 0}, {"metadata", 7}, {"spec", 181}, {"apiVersion", 0},
    {"kind", 0}, {"name", 0}, {"scaleDown", 0}, {"analysis", 47}, {"minReadySeconds", 0}, {"paused", 0},
    {"progressDeadlineAbort", 0}, {"progressDeadlineSeconds", 0}, {"replicas", 0}, {"restartAt", 0},
    {"revisionHistoryLimit", 0}, {"rollbackWindow", 48}, {"selector", 51}, {"strategy", 112}, {"template", 182},
    {"workloadRef", 183}, {"arn", 0}, {"fullName", 0}, {"name", 0}, {"canaryTargetGroup", 185}, {"ingress", 0},
    {"loadBalancer", 185}, {"stableTargetGroup", 185}, {"message", 0}, {"name", 0}, {"status", 0},
    {"activeSelector", 0}, {"postPromotionAnalysisRunStatus", 188}, {"prePromotionAnalysisRunStatus", 188},
    {"previewSelector", 0}, {"scaleUpPreviewCheckPoint", 0}, {"backoff", 0}, {"disabled", 0}, {"executions", 0},
    {"finishedAt", 0}, {"index", 0}, {"message", 0}, {"name", 0}, {"operation", 0}, {"phase", 0}, {"startedAt", 0},
    {"status", 0}, {"updatedAt", 0}, {"podTemplateHash", 0}, {"serviceName", 0}, {"weight", 0}, {"additional", 193},
    {"canary", 192}, {"stable", 192}, {"verified", 0}, {"currentBackgroundAnalysisRunStatus", 188},
    {"currentExperiment", 0}, {"currentStepAnalysisRunStatus", 188}, {"stablePingPong", 0},
    {"stepPluginStatuses", 191}, {"weights", 194}, {"lastTransitionTime", 0}, {"lastUpdateTime", 0}, {"message", 0},
    {"reason", 0}, {"status", 0}, {"type", 0}, {"completionStatus", 0}, {"finishedAt", 0},
    {"manualPauseStartedAt", 0}, {"rolloutStartedAt", 0}, {"totalManualPauseDurationSeconds", 0}, {"reason", 0},
    {"startTime", 0}, {"HPAReplicas", 0}, {"abort", 0}, {"abortedAt", 0}, {"alb", 186}, {"albs", 187},
    {"availableReplicas", 0}, {"blueGreen", 189}, {"canary", 195}, {"collisionCount", 0}, {"conditions", 197},
    {"controllerPause", 0}, {"currentPodHash", 0}, {"currentStepHash", 0}, {"currentStepIndex", 0},
    {"duration", 198}, {"message", 0}, {"observedGeneration", 0}, {"pauseConditions", 200}, {"phase", 0},
    {"promoteFull", 0}, {"readyReplicas", 0}, {"replicas", 0}, {"restartedAt", 0}, {"selector", 0}, {"stableRS", 0},
    {"updatedReplicas", 0}, {"workloadObservedGeneration", 0}, {"apiVersion", 0}, {"kind", 0}, {"metadata", 7},
    {"spec", 184}, {"status", 201},
};
static const lint_type lint_types[] = {
    {LT_ANY, 0, 0}, {LT_MAP, 0, 0}, {LT_STRUCT, 0, 6}, {LT_STRUCT, 6, 7}, {LT_ARRAY, 2, 0}, {LT_ARRAY, 0, 0},
    {LT_ARRAY, 3, 0}, {LT_STRUCT, 13, 15}, {LT_STRUCT, 28, 6}, {LT_STRUCT, 34, 3}, {LT_STRUCT, 37, 6},
    {LT_ARRAY, 10, 0}, {LT_STRUCT, 43, 1}, {LT_STRUCT, 44, 1}, {LT_STRUCT, 45, 20}, {LT_ARRAY, 9, 0},
    {LT_STRUCT, 65, 4}, {LT_ARRAY, 16, 0}, {LT_STRUCT, 69, 1}, {LT_ARRAY, 8, 0}, {LT_STRUCT, 70, 2},
    {LT_STRUCT, 72, 5}, {LT_STRUCT, 77, 3}, {LT_STRUCT, 80, 3}, {LT_ARRAY, 23, 0}, {LT_STRUCT, 83, 1},
    {LT_STRUCT, 84, 1}, {LT_STRUCT, 85, 2}, {LT_STRUCT, 87, 2}, {LT_STRUCT, 89, 2}, {LT_STRUCT, 91, 2},
    {LT_ARRAY, 27, 0}, {LT_STRUCT, 93, 3}, {LT_ARRAY, 32, 0}, {LT_STRUCT, 96, 1}, {LT_STRUCT, 97, 2},
    {LT_ARRAY, 35, 0}, {LT_STRUCT, 99, 4}, {LT_STRUCT, 103, 5}, {LT_STRUCT, 108, 3}, {LT_STRUCT, 111, 3},
    {LT_ARRAY, 40, 0}, {LT_STRUCT, 114, 1}, {LT_STRUCT, 115, 2}, {LT_ARRAY, 43, 0}, {LT_STRUCT, 117, 4},
    {LT_STRUCT, 121, 5}, {LT_STRUCT, 126, 2}, {LT_STRUCT, 128, 1}, {LT_STRUCT, 129, 3}, {LT_ARRAY, 49, 0},
    {LT_STRUCT, 132, 2}, {LT_STRUCT, 134, 2}, {LT_STRUCT, 136, 1}, {LT_STRUCT, 137, 0}, {LT_STRUCT, 137, 2},
    {LT_STRUCT, 139, 1}, {LT_STRUCT, 140, 2}, {LT_STRUCT, 142, 3}, {LT_ARRAY, 58, 0}, {LT_STRUCT, 145, 1},
    {LT_ARRAY, 60, 0}, {LT_STRUCT, 146, 2}, {LT_ARRAY, 62, 0}, {LT_STRUCT, 148, 2}, {LT_ARRAY, 64, 0},
    {LT_STRUCT, 150, 5}, {LT_STRUCT, 155, 14}, {LT_STRUCT, 169, 6}, {LT_STRUCT, 175, 2}, {LT_STRUCT, 177, 2},
    {LT_STRUCT, 179, 5}, {LT_ARRAY, 71, 0}, {LT_STRUCT, 184, 1}, {LT_STRUCT, 185, 7}, {LT_ARRAY, 74, 0},
    {LT_STRUCT, 192, 6}, {LT_STRUCT, 198, 1}, {LT_STRUCT, 199, 2}, {LT_STRUCT, 201, 3}, {LT_STRUCT, 204, 3},
    {LT_STRUCT, 207, 2}, {LT_ARRAY, 81, 0}, {LT_STRUCT, 209, 2}, {LT_MAP, 80, 0}, {LT_STRUCT, 211, 3},
    {LT_ARRAY, 85, 0}, {LT_STRUCT, 214, 3}, {LT_STRUCT, 217, 8}, {LT_ARRAY, 88, 0}, {LT_STRUCT, 225, 2},
    {LT_STRUCT, 227, 6}, {LT_STRUCT, 233, 1}, {LT_STRUCT, 234, 2}, {LT_STRUCT, 236, 1}, {LT_STRUCT, 237, 2},
    {LT_STRUCT, 239, 2}, {LT_STRUCT, 241, 2}, {LT_STRUCT, 243, 4}, {LT_STRUCT, 247, 1}, {LT_ARRAY, 99, 0},
    {LT_STRUCT, 248, 2}, {LT_ARRAY, 101, 0}, {LT_STRUCT, 250, 4}, {LT_ARRAY, 103, 0}, {LT_STRUCT, 254, 3},
    {LT_ARRAY, 73, 0}, {LT_STRUCT, 257, 5}, {LT_STRUCT, 262, 2}, {LT_STRUCT, 264, 1}, {LT_STRUCT, 265, 11},
    {LT_STRUCT, 276, 17}, {LT_STRUCT, 293, 2}, {LT_STRUCT, 295, 2}, {LT_STRUCT, 297, 2}, {LT_ARRAY, 114, 0},
    {LT_ARRAY, 113, 0}, {LT_STRUCT, 299, 1}, {LT_STRUCT, 300, 2}, {LT_STRUCT, 302, 6}, {LT_STRUCT, 308, 2},
    {LT_ARRAY, 120, 0}, {LT_ARRAY, 119, 0}, {LT_STRUCT, 310, 2}, {LT_STRUCT, 312, 3}, {LT_STRUCT, 315, 3},
    {LT_STRUCT, 318, 2}, {LT_STRUCT, 320, 4}, {LT_STRUCT, 324, 3}, {LT_STRUCT, 327, 5}, {LT_STRUCT, 332, 3},
    {LT_ARRAY, 130, 0}, {LT_STRUCT, 335, 2}, {LT_STRUCT, 337, 3}, {LT_ARRAY, 133, 0}, {LT_STRUCT, 340, 1},
    {LT_STRUCT, 341, 2}, {LT_ARRAY, 136, 0}, {LT_STRUCT, 343, 5}, {LT_STRUCT, 348, 1}, {LT_STRUCT, 349, 2},
    {LT_STRUCT, 351, 4}, {LT_STRUCT, 355, 3}, {LT_STRUCT, 358, 2}, {LT_STRUCT, 360, 10}, {LT_STRUCT, 370, 5},
    {LT_ARRAY, 145, 0}, {LT_STRUCT, 375, 2}, {LT_ARRAY, 147, 0}, {LT_STRUCT, 377, 2}, {LT_ARRAY, 149, 0},
    {LT_STRUCT, 379, 3}, {LT_STRUCT, 382, 2}, {LT_STRUCT, 384, 2}, {LT_ARRAY, 153, 0}, {LT_STRUCT, 386, 2},
    {LT_STRUCT, 388, 2}, {LT_STRUCT, 390, 4}, {LT_STRUCT, 394, 4}, {LT_STRUCT, 398, 12}, {LT_STRUCT, 410, 2},
    {LT_ARRAY, 160, 0}, {LT_STRUCT, 412, 7}, {LT_ARRAY, 162, 0}, {LT_STRUCT, 419, 25}, {LT_ARRAY, 164, 0},
    {LT_STRUCT, 444, 3}, {LT_STRUCT, 447, 26}, {LT_ARRAY, 167, 0}, {LT_STRUCT, 473, 2}, {LT_ARRAY, 169, 0},
    {LT_STRUCT, 475, 1}, {LT_ARRAY, 171, 0}, {LT_STRUCT, 476, 3}, {LT_ARRAY, 173, 0}, {LT_STRUCT, 479, 3},
    {LT_STRUCT, 482, 13}, {LT_STRUCT, 495, 5}, {LT_ARRAY, 177, 0}, {LT_STRUCT, 500, 8}, {LT_ARRAY, 179, 0},
    {LT_STRUCT, 508, 41}, {LT_STRUCT, 549, 2}, {LT_STRUCT, 551, 4}, {LT_STRUCT, 555, 13}, {LT_STRUCT, 568, 3},
    {LT_STRUCT, 571, 4}, {LT_ARRAY, 186, 0}, {LT_STRUCT, 575, 3}, {LT_STRUCT, 578, 5}, {LT_STRUCT, 583, 12},
    {LT_ARRAY, 190, 0}, {LT_STRUCT, 595, 3}, {LT_ARRAY, 192, 0}, {LT_STRUCT, 598, 4}, {LT_STRUCT, 602, 6},
    {LT_STRUCT, 608, 6}, {LT_ARRAY, 196, 0}, {LT_STRUCT, 614, 5}, {LT_STRUCT, 619, 2}, {LT_ARRAY, 199, 0},
    {LT_STRUCT, 621, 27}, {LT_STRUCT, 648, 5},
};
#define LT_ROOT_ROLLOUT 202
#define LT_ROOT_SERVICE 21
#define LT_ROOT_INGRESS_V1 38
#define LT_ROOT_INGRESS_V1BETA1 46

/* ---------------------------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------------------------- */

/* A member that is present and not null. */
static cJSON *jget(const cJSON *o, const char *key)
{
    if (!cJSON_IsObject(o))
        return NULL;
    cJSON *c = cJSON_GetObjectItemCaseSensitive(o, key);
    return (c && !cJSON_IsNull(c)) ? c : NULL;
}

/* A string member, "" when absent or not a string (Go's zero value). */
static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *c = jget(o, key);
    return cJSON_IsString(c) && c->valuestring ? c->valuestring : "";
}

static bool str_in(const cJSON *arr, const char *s)
{
    for (const cJSON *e = cJSON_IsArray(arr) ? arr->child : NULL; e; e = e->next)
        if (cJSON_IsString(e) && !strcmp(e->valuestring, s))
            return true;
    return false;
}

/* Go's %q of a string (strconv.Quote; bytes >= 0x80 are kept as they are). */
static void go_quote(co_buf *b, const char *s)
{
    co_buf_adds(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            co_buf_printf(b, "\\%c", *p);
        else if (*p == '\n')
            co_buf_adds(b, "\\n");
        else if (*p == '\t')
            co_buf_adds(b, "\\t");
        else if (*p == '\r')
            co_buf_adds(b, "\\r");
        else if (*p < 0x20 || *p == 0x7f)
            co_buf_printf(b, "\\x%02x", *p);
        else
            co_buf_add(b, (const char *)p, 1);
    }
    co_buf_adds(b, "\"");
}

static int cmp_key(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(x->string ? x->string : "", y->string ? y->string : "");
}

/* The members of an object sorted by key (Go's json.Marshal order); NULL when it has none. */
static cJSON **sorted_members(const cJSON *o, int *n)
{
    *n = 0;
    for (const cJSON *c = o->child; c; c = c->next)
        (*n)++;
    if (!*n)
        return NULL;
    cJSON **v = malloc((size_t)*n * sizeof *v);
    if (!v) {
        *n = 0;
        return NULL;
    }
    int i = 0;
    for (cJSON *c = o->child; c; c = c->next)
        v[i++] = c;
    qsort(v, (size_t)*n, sizeof *v, cmp_key);
    return v;
}

/* A value as Go's encoding/json writes it (keys sorted, <>& escaped): what Go prints in
   "Object 'Kind' is missing in '...'". */
static void go_json(co_buf *b, const cJSON *j, int depth)
{
    if (depth > YAML_MAX_DEPTH) {
        co_buf_adds(b, "null");
        return;
    }
    if (cJSON_IsObject(j)) {
        int n;
        cJSON **m = sorted_members(j, &n);
        co_buf_adds(b, "{");
        for (int i = 0; i < n; i++) {
            if (i)
                co_buf_adds(b, ",");
            cJSON key = {.type = cJSON_String, .valuestring = m[i]->string ? m[i]->string : ""};
            go_json(b, &key, depth + 1);
            co_buf_adds(b, ":");
            go_json(b, m[i], depth + 1);
        }
        co_buf_adds(b, "}");
        free(m);
    } else if (cJSON_IsArray(j)) {
        co_buf_adds(b, "[");
        for (const cJSON *c = j->child; c; c = c->next) {
            go_json(b, c, depth + 1);
            if (c->next)
                co_buf_adds(b, ",");
        }
        co_buf_adds(b, "]");
    } else if (cJSON_IsString(j)) {
        co_buf_go_json_str(b, j->valuestring);
    } else if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        if (d == floor(d) && fabs(d) < 1e21) {
            co_buf_printf(b, "%.0f", d);
        } else {
            char t[64];
            for (int p = 1; p <= 17; p++) {
                snprintf(t, sizeof t, "%.*g", p, d);
                if (strtod(t, NULL) == d)
                    break;
            }
            co_buf_adds(b, t);
        }
    } else if (cJSON_IsBool(j)) {
        co_buf_adds(b, cJSON_IsTrue(j) ? "true" : "false");
    } else {
        co_buf_adds(b, "null");
    }
}

/* ---------------------------------------------------------------------------------------------
 * Lines: where each field of each document is, for the messages. A second pass of libyaml's
 * event stream (the text already parsed without error by yaml_parse_all), numbering documents as
 * yaml_parse_all does (a blank document is skipped).
 * ------------------------------------------------------------------------------------------- */

#define LINE_PATH_MAX 2048

typedef struct {
    char *path;
    int line;
} lentry;

typedef struct {
    lentry *e;
    size_t n, cap;
} ldoc;

typedef struct {
    ldoc *d;
    size_t n, cap;
} linemap;

static void ldoc_add(ldoc *d, const char *path, size_t plen, int line)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        lentry *ne = realloc(d->e, cap * sizeof *ne);
        if (!ne)
            return;
        d->e = ne;
        d->cap = cap;
    }
    char *p = malloc(plen + 1);
    if (!p)
        return;
    memcpy(p, path, plen);
    p[plen] = '\0';
    d->e[d->n++] = (lentry){p, line};
}

static void ldoc_free(ldoc *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->e[i].path);
    free(d->e);
    *d = (ldoc){0};
}

static void linemap_free(linemap *lm)
{
    for (size_t i = 0; i < lm->n; i++)
        ldoc_free(&lm->d[i]);
    free(lm->d);
    *lm = (linemap){0};
}

typedef struct {
    bool map;
    size_t base; /* length of this collection's path */
    bool norec;  /* path too long: children not recorded */
    int idx;     /* sequences: next index */
    bool have_key, merge;
    char *key;
    int key_line;
} lframe;

static void linemap_build(linemap *lm, const char *text, size_t len)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    lframe *st = NULL;
    size_t depth = 0, stcap = 0;
    char path[LINE_PATH_MAX];
    ldoc cur = {0};
    bool blank = false, done = false;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev))
            break;
        int line = (int)ev.start_mark.line + 1;
        bool container = ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_SEQUENCE_START_EVENT;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            ldoc_free(&cur);
            blank = false;
            break;
        case YAML_DOCUMENT_END_EVENT:
            if (!blank && cur.n) {
                if (lm->n == lm->cap) {
                    size_t cap = lm->cap ? lm->cap * 2 : 8;
                    ldoc *nd = realloc(lm->d, cap * sizeof *nd);
                    if (nd) {
                        lm->d = nd;
                        lm->cap = cap;
                    }
                }
                if (lm->n < lm->cap) {
                    lm->d[lm->n++] = cur;
                    cur = (ldoc){0};
                }
            }
            ldoc_free(&cur);
            break;
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
            if (depth) {
                depth--;
                free(st[depth].key);
            }
            break;
        case YAML_SCALAR_EVENT:
        case YAML_ALIAS_EVENT:
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT: {
            lframe *top = depth ? &st[depth - 1] : NULL;
            if (top && top->map && !top->have_key) { /* a key */
                free(top->key);
                top->key = NULL;
                top->merge = false;
                if (ev.type == YAML_SCALAR_EVENT) {
                    top->key = strdup((const char *)ev.data.scalar.value);
                    top->merge = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev.data.scalar.tag &&
                                 !strcmp((const char *)ev.data.scalar.value, "<<");
                }
                top->have_key = true;
                top->key_line = line;
                if (!container)
                    break;
                /* a collection as a key: yaml_parse_all refused it, not reached */
            }
            size_t plen = 0;
            bool rec = true, norec = false;
            if (!top) {
                blank = ev.type == YAML_SCALAR_EVENT && ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                        ev.data.scalar.length == 0 && !ev.data.scalar.tag && !ev.data.scalar.anchor;
            } else {
                norec = top->norec;
                plen = top->base;
                if (top->map) {
                    top->have_key = false;
                    if (top->merge) {
                        rec = false; /* `<<: {...}`: its keys count as the parent's */
                    } else if (!norec) {
                        const char *k = top->key ? top->key : "";
                        size_t kl = strlen(k);
                        if (plen + 1 + kl < sizeof path) {
                            if (plen)
                                path[plen++] = '.';
                            memcpy(path + plen, k, kl);
                            plen += kl;
                        } else
                            norec = true;
                    }
                    line = top->key_line;
                } else {
                    int w = norec ? -1 : snprintf(path + plen, sizeof path - plen, "[%d]", top->idx);
                    top->idx++;
                    if (w < 0 || plen + (size_t)w >= sizeof path)
                        norec = true;
                    else
                        plen += (size_t)w;
                }
            }
            if (rec && !norec)
                ldoc_add(&cur, path, plen, line);
            if (container) {
                if (depth == stcap) {
                    size_t cap = stcap ? stcap * 2 : 32;
                    lframe *ns = realloc(st, cap * sizeof *ns);
                    if (!ns) {
                        done = true;
                        break;
                    }
                    st = ns;
                    stcap = cap;
                }
                st[depth++] = (lframe){.map = ev.type == YAML_MAPPING_START_EVENT, .base = plen, .norec = norec};
            }
            break;
        }
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    while (depth)
        free(st[--depth].key);
    free(st);
    ldoc_free(&cur);
    yaml_parser_delete(&p);
}

/* The line of the longest prefix of path (cut before a '.' or '[') present in document doc; 0 when
   unknown. */
static int prefix_line(const ldoc *d, const char *path, size_t *matched)
{
    size_t len = strlen(path);
    for (;;) {
        for (size_t i = 0; i < d->n; i++)
            if (strlen(d->e[i].path) == len && !strncasecmp(d->e[i].path, path, len)) {
                *matched = len;
                return d->e[i].line;
            }
        if (!len)
            return 0;
        size_t cut = len;
        while (cut > 0 && path[cut - 1] != '.' && path[cut - 1] != '[')
            cut--;
        len = cut ? cut - 1 : 0;
    }
}

/* The line of a field given as Argo writes its path. Argo's static strategy rules say
   `spec.strategy.X` for `spec.strategy.canary.X` or `spec.strategy.blueGreen.X`, and
   `spec.strategy.strategy` for the strategy itself. */
static int linemap_find(const linemap *lm, int doc, const char *path)
{
    if (doc < 0 || (size_t)doc >= lm->n)
        return 0;
    const ldoc *d = &lm->d[doc];
    char cand[3][LINE_PATH_MAX];
    int nc = 0;
    snprintf(cand[nc++], LINE_PATH_MAX, "%s", path);
    const char *pre = "spec.strategy.";
    if (!strncmp(path, pre, strlen(pre))) {
        const char *rest = path + strlen(pre);
        size_t seg = strcspn(rest, ".[");
        if (!(seg == 6 && !strncmp(rest, "canary", 6)) && !(seg == 9 && !strncmp(rest, "blueGreen", 9))) {
            snprintf(cand[nc++], LINE_PATH_MAX, "%scanary.%s", pre, rest);
            snprintf(cand[nc++], LINE_PATH_MAX, "%sblueGreen.%s", pre, rest);
        }
    }
    int best = 0;
    size_t best_len = 0;
    for (int i = 0; i < nc; i++) {
        size_t m = 0;
        int line = prefix_line(d, cand[i], &m);
        if (line && (!best || m > best_len)) {
            best = line;
            best_len = m;
        }
    }
    return best;
}

/* ---------------------------------------------------------------------------------------------
 * The lint
 * ------------------------------------------------------------------------------------------- */

typedef struct {
    const cli_opts *o;
    const char *file; /* as named in messages */
    linemap lm;
    int errors;
} lctx;

/* One error line: "error: FILE:LINE: MESSAGE" (without :LINE when unknown). The line is the one of
   `field` in document doc. */
static void report(lctx *c, int doc, const char *field, const char *msg)
{
    int line = linemap_find(&c->lm, doc, field ? field : "");
    if (line)
        fprintf(c->o->err, "error: %s:%d: %s\n", c->file, line, msg);
    else
        fprintf(c->o->err, "error: %s: %s\n", c->file, msg);
    c->errors++;
}

/* field.Invalid(path, "value", detail).Error() */
static void report_invalid(lctx *c, int doc, const char *path, const char *value, const char *detail)
{
    co_buf m = {0};
    co_buf_printf(&m, "%s: Invalid value: ", path);
    go_quote(&m, value);
    co_buf_printf(&m, ": %s", detail);
    report(c, doc, path, co_buf_str(&m));
    co_buf_free(&m);
}

/* ---- strict decoding ---- */

/* The field of a STRUCT type that Go's encoding/json decodes key into: the exact name, else one
   equal ignoring case; -1 when there is none (an unknown field). */
static int find_field(const lint_type *t, const char *key)
{
    for (int i = t->a; i < t->a + t->n; i++)
        if (!strcmp(lint_fields[i].name, key))
            return i;
    for (int i = t->a; i < t->a + t->n; i++)
        if (!strcasecmp(lint_fields[i].name, key))
            return i;
    return -1;
}

/* Walks node as Go decodes it into type `type`. On the first unknown field (Go's order) returns -1
   with *bad its key and path (the node's path, `plen` bytes in) extended to it. Keys matching a
   field only ignoring case are renamed to it (when several keys land on one field, the last in
   Go's order wins, as there). */
static int strict_walk(cJSON *node, int type, co_buf *path, const char **bad)
{
    const lint_type *t = &lint_types[type];
    size_t plen = path->len;
    if (t->kind == LT_ANY)
        return 0;
    if (t->kind == LT_ARRAY) {
        if (!cJSON_IsArray(node))
            return 0;
        int i = 0;
        for (cJSON *c = node->child; c; c = c->next, i++) {
            co_buf_printf(path, "[%d]", i);
            if (strict_walk(c, t->a, path, bad) < 0)
                return -1;
            co_buf_truncate(path, plen);
        }
        return 0;
    }
    if (!cJSON_IsObject(node))
        return 0; /* a type error for Go: not reported here */
    int n;
    cJSON **m = sorted_members(node, &n);
    int *fld = n ? malloc((size_t)n * sizeof *fld) : NULL;
    if (n && !fld) {
        free(m);
        return 0;
    }
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        const char *key = m[i]->string ? m[i]->string : "";
        if (plen)
            co_buf_adds(path, ".");
        co_buf_adds(path, key);
        int sub = t->a;
        fld[i] = -1;
        if (t->kind == LT_STRUCT) {
            fld[i] = find_field(t, key);
            if (fld[i] < 0) {
                *bad = m[i]->string;
                rc = -1;
                break;
            }
            sub = lint_fields[fld[i]].type;
        }
        if (strict_walk(m[i], sub, path, bad) < 0) {
            rc = -1;
            break;
        }
        co_buf_truncate(path, plen);
    }
    if (rc == 0 && t->kind == LT_STRUCT) {
        for (int i = 0; i < n; i++) {
            bool later = false;
            for (int j = i + 1; j < n; j++)
                later = later || fld[j] == fld[i];
            if (later) {
                cJSON_Delete(cJSON_DetachItemViaPointer(node, m[i]));
            } else if (strcmp(m[i]->string, lint_fields[fld[i]].name) != 0) {
                cJSON_DetachItemViaPointer(node, m[i]);
                if (!cJSON_AddItemToObject(node, lint_fields[fld[i]].name, m[i]))
                    cJSON_Delete(m[i]);
            }
        }
    }
    free(fld);
    free(m);
    return rc;
}

/* sigs.k8s.io/yaml.UnmarshalStrict into the typed object: 0, or -1 after reporting. */
static int strict_decode(lctx *c, int doc, cJSON *obj, int root)
{
    co_buf path = {0}, msg = {0};
    const char *bad = NULL;
    int rc = strict_walk(obj, root, &path, &bad);
    if (rc < 0) {
        co_buf_printf(&msg, "%s: error unmarshaling JSON: while decoding JSON: json: unknown field ", co_buf_str(&path));
        go_quote(&msg, bad ? bad : "");
        report(c, doc, co_buf_str(&path), co_buf_str(&msg));
    }
    co_buf_free(&path);
    co_buf_free(&msg);
    return rc;
}

/* ---- the documents ---- */

enum { SVC_NONE, SVC_ACTIVE, SVC_PREVIEW, SVC_CANARY, SVC_STABLE, SVC_PING, SVC_PONG };

typedef struct {
    cJSON *obj;
    int doc;
    const char *name;
    const char *managed; /* the managed-by-rollouts annotation, or NULL */
    int type;            /* services: SVC_* */
    bool legacy;         /* ingresses: extensions/v1beta1 shape */
} lobj;

typedef struct {
    lobj *v;
    int n, cap;
} lobjs;

static lobj *lobjs_add(lobjs *l, cJSON *obj, int doc)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 8;
        lobj *nv = realloc(l->v, (size_t)cap * sizeof *nv);
        if (!nv)
            return NULL;
        l->v = nv;
        l->cap = cap;
    }
    const cJSON *meta = jget(obj, "metadata");
    const cJSON *mb = jget(jget(meta, "annotations"), "argo-rollouts.argoproj.io/managed-by-rollouts");
    lobj *x = &l->v[l->n++];
    *x = (lobj){.obj = obj, .doc = doc, .name = jstr(meta, "name"), .managed = cJSON_IsString(mb) ? mb->valuestring : NULL};
    return x;
}

/* The objects of the file, as lint.go sorts them. */
typedef struct {
    lobjs rollouts, services, ingresses, vsvcs;
} lfile;

/* Reads one document as lint.go does: the unstructured object, then the typed decoding of the
   kinds it knows. 0, or -1 after reporting (the lint stops there, as Argo's). */
static int take_document(lctx *c, lfile *f, cJSON *doc, int i)
{
    if (cJSON_IsNull(doc))
        return 0; /* lint.go skips nil documents */
    if (!cJSON_IsObject(doc)) {
        const char *what = cJSON_IsArray(doc) ? "array" : cJSON_IsString(doc) ? "string" : cJSON_IsBool(doc) ? "bool" : "number";
        co_buf m = {0};
        co_buf_printf(&m, "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go value of type "
                      "map[string]interface {}",
                  what);
        report(c, i, "", co_buf_str(&m));
        co_buf_free(&m);
        return -1;
    }
    /* Unstructured: apiVersion "group/version" or "version"; more than one '/' leaves no kind */
    const char *api = jstr(doc, "apiVersion"), *kind = jstr(doc, "kind");
    char group[256] = "", version[256] = "";
    const char *slash = strchr(api, '/');
    if (!slash || !strcmp(api, "/")) {
        snprintf(version, sizeof version, "%s", strcmp(api, "/") ? api : "");
    } else if (!strchr(slash + 1, '/')) {
        snprintf(group, sizeof group, "%.*s", (int)(slash - api), api);
        snprintf(version, sizeof version, "%s", slash + 1);
    } else {
        kind = "";
    }
    if (!*kind) {
        co_buf m = {0};
        co_buf_adds(&m, "error unmarshaling JSON: while decoding JSON: Object 'Kind' is missing in '");
        go_json(&m, doc, 0);
        co_buf_adds(&m, "'");
        report(c, i, "", co_buf_str(&m));
        co_buf_free(&m);
        return -1;
    }
    if (!strcmp(group, "argoproj.io") && !strcmp(kind, "Rollout")) {
        if (strict_decode(c, i, doc, LT_ROOT_ROLLOUT) < 0)
            return -1;
        lobjs_add(&f->rollouts, doc, i);
    } else if (!*group && !strcmp(kind, "Service")) {
        if (strict_decode(c, i, doc, LT_ROOT_SERVICE) < 0)
            return -1;
        lobjs_add(&f->services, doc, i);
    } else if (!strcmp(group, "networking.istio.io") && !strcmp(kind, "VirtualService")) {
        lobjs_add(&f->vsvcs, doc, i);
    } else if ((!strcmp(group, "networking.k8s.io") || !strcmp(group, "extensions")) && !strcmp(kind, "Ingress") &&
               (!strcmp(version, "v1") || !strcmp(version, "v1beta1"))) {
        bool legacy = !strcmp(version, "v1beta1");
        if (strict_decode(c, i, doc, legacy ? LT_ROOT_INGRESS_V1BETA1 : LT_ROOT_INGRESS_V1) < 0)
            return -1;
        lobj *x = lobjs_add(&f->ingresses, doc, i);
        if (x)
            x->legacy = legacy;
    }
    return 0;
}

/* ---- pairing, as lint.go's set*ManagedAnnotation and matchRolloutToReferences ---- */

static const cJSON *ro_canary(const cJSON *ro) { return jget(jget(jget(ro, "spec"), "strategy"), "canary"); }
static const cJSON *ro_bluegreen(const cJSON *ro) { return jget(jget(jget(ro, "spec"), "strategy"), "blueGreen"); }

static void pair_services(lfile *f)
{
    for (int r = 0; r < f->rollouts.n; r++) {
        const lobj *ro = &f->rollouts.v[r];
        const cJSON *canary = ro_canary(ro->obj), *bg = ro_bluegreen(ro->obj);
        for (int s = 0; s < f->services.n; s++) {
            lobj *svc = &f->services.v[s];
            struct {
                const cJSON *in;
                const char *field;
                int type;
            } refs[] = {
                {canary, "canaryService", SVC_CANARY},
                {canary, "stableService", SVC_STABLE},
                {jget(canary, "pingPong"), "pingService", SVC_PING},
                {jget(canary, "pingPong"), "pongService", SVC_PONG},
                {bg, "activeService", SVC_ACTIVE},
                {bg, "previewService", SVC_PREVIEW},
            };
            for (size_t k = 0; k < sizeof refs / sizeof *refs; k++) {
                if (refs[k].in && !strcmp(jstr(refs[k].in, refs[k].field), svc->name)) {
                    svc->type = refs[k].type;
                    svc->managed = ro->name;
                }
            }
        }
    }
}

/* ingressutil.HasRuleWithService */
static bool ingress_has_service(const lobj *ing, const char *svc)
{
    const cJSON *rules = jget(jget(ing->obj, "spec"), "rules");
    for (const cJSON *r = cJSON_IsArray(rules) ? rules->child : NULL; r; r = r->next) {
        const cJSON *paths = jget(jget(r, "http"), "paths");
        for (const cJSON *p = cJSON_IsArray(paths) ? paths->child : NULL; p; p = p->next) {
            const cJSON *be = jget(p, "backend");
            if (ing->legacy) {
                if (!strcmp(jstr(be, "serviceName"), svc))
                    return true;
            } else if (jget(be, "service") && !strcmp(jstr(jget(be, "service"), "name"), svc)) {
                return true; /* (Argo dereferences a nil service: a resource backend never matches here) */
            }
        }
    }
    return false;
}

static void pair_ingresses(lfile *f)
{
    for (int r = 0; r < f->rollouts.n; r++) {
        const lobj *ro = &f->rollouts.v[r];
        const cJSON *canary = ro_canary(ro->obj), *tr = jget(canary, "trafficRouting");
        for (int i = 0; i < f->ingresses.n; i++) {
            if (!canary || !tr)
                return; /* lint.go returns here, for every later Rollout too */
            const char *svc = "";
            if (jget(tr, "nginx"))
                svc = jstr(canary, "stableService");
            else if (jget(tr, "alb"))
                svc = *jstr(jget(tr, "alb"), "rootService") ? jstr(jget(tr, "alb"), "rootService") : jstr(canary, "stableService");
            else if (jget(tr, "smi"))
                svc = jstr(jget(tr, "smi"), "rootService");
            if (ingress_has_service(&f->ingresses.v[i], svc))
                f->ingresses.v[i].managed = ro->name;
        }
    }
}

static void pair_virtualservices(lfile *f)
{
    for (int r = 0; r < f->rollouts.n; r++) {
        const lobj *ro = &f->rollouts.v[r];
        const cJSON *istio = jget(jget(ro_canary(ro->obj), "trafficRouting"), "istio");
        for (int v = 0; v < f->vsvcs.n; v++) {
            lobj *vs = &f->vsvcs.v[v];
            if (!istio)
                return; /* as lint.go */
            const cJSON *one = jget(istio, "virtualService"), *many = jget(istio, "virtualServices");
            if (one && !strcmp(jstr(one, "name"), vs->name))
                vs->managed = ro->name;
            for (const cJSON *e = cJSON_IsArray(many) ? many->child : NULL; e; e = e->next)
                if (!strcmp(jstr(e, "name"), vs->name))
                    vs->managed = ro->name;
        }
    }
}

static bool managed_by(const lobj *x, const char *rollout) { return !strcmp(x->managed ? x->managed : "", rollout); }

/* ---- ValidateRolloutReferencedResources ---- */

static const char *svc_path(int type)
{
    switch (type) {
    case SVC_ACTIVE:
        return "spec.strategy.blueGreen.activeService";
    case SVC_PREVIEW:
        return "spec.strategy.blueGreen.previewService";
    case SVC_CANARY:
        return "spec.strategy.canary.canaryService";
    case SVC_STABLE:
        return "spec.strategy.canary.stableService";
    case SVC_PING:
        return "spec.strategy.canary.pingPong.pingService";
    case SVC_PONG:
        return "spec.strategy.canary.pingPong.pongService";
    default:
        return NULL;
    }
}

/* ValidateService: every selector key but the pod-template hash matches a template label (Argo
   ranges over a Go map; here in key order). The managed-by rule cannot fire in a lint: lint.go
   pairs a Service with a Rollout by that very annotation. */
static void validate_service(lctx *c, const lobj *ro, const lobj *svc)
{
    const char *path = svc_path(svc->type);
    const cJSON *sel = jget(jget(svc->obj, "spec"), "selector");
    if (!path || !cJSON_IsObject(sel))
        return;
    const cJSON *labels = jget(jget(jget(jget(ro->obj, "spec"), "template"), "metadata"), "labels");
    int n;
    cJSON **keys = sorted_members(sel, &n);
    for (int i = 0; i < n; i++) {
        const char *k = keys[i]->string;
        if (!strcmp(k, "rollouts-pod-template-hash"))
            continue;
        const cJSON *have = jget(labels, k);
        if (cJSON_IsString(have) && cJSON_IsString(keys[i]) && !strcmp(have->valuestring, keys[i]->valuestring))
            continue;
        co_buf d = {0};
        co_buf_adds(&d, "Service ");
        go_quote(&d, svc->name);
        co_buf_adds(&d, " has unmatch label ");
        go_quote(&d, k);
        co_buf_adds(&d, " in rollout");
        report_invalid(c, ro->doc, path, svc->name, co_buf_str(&d));
        co_buf_free(&d);
    }
    free(keys);
}

/* ValidateIngress: the nginx stable Ingress (or the ALB one) routes to the stable (or root)
   Service. */
static void validate_ingress(lctx *c, const lobj *ro, const lobj *ing)
{
    const cJSON *canary = ro_canary(ro->obj), *tr = jget(canary, "trafficRouting");
    if (!canary || !tr)
        return; /* Argo dereferences nil here */
    const cJSON *nginx = jget(tr, "nginx"), *alb = jget(tr, "alb");
    const char *field = NULL, *ing_name = NULL, *svc = jstr(canary, "stableService");
    char path[128];
    if (nginx && (!strcmp(jstr(nginx, "stableIngress"), ing->name) || str_in(jget(nginx, "stableIngresses"), ing->name))) {
        bool multi = str_in(jget(nginx, "stableIngresses"), ing->name);
        field = multi ? "nginx.stableIngresses" : "nginx.stableIngress";
        ing_name = multi ? ing->name : jstr(nginx, "stableIngress");
    } else if (alb && (!strcmp(jstr(alb, "ingress"), ing->name) || str_in(jget(alb, "ingresses"), ing->name))) {
        bool multi = str_in(jget(alb, "ingresses"), ing->name);
        field = multi ? "alb.ingresses" : "alb.ingress";
        ing_name = multi ? ing->name : jstr(alb, "ingress");
        if (*jstr(alb, "rootService"))
            svc = jstr(alb, "rootService");
    } else {
        return;
    }
    if (ingress_has_service(ing, svc))
        return;
    snprintf(path, sizeof path, "spec.strategy.canary.trafficRouting.%s", field);
    co_buf d = {0};
    co_buf_printf(&d, "ingress `%s` has no rules using service %s backend", ing->name, svc);
    report_invalid(c, ro->doc, path, ing_name, co_buf_str(&d));
    co_buf_free(&d);
}

/* -- Istio VirtualService (rollout/trafficrouting/istio: GetHttpRoutes, ValidateHTTPRoutes, ...) -- */

/* A member as Go's encoding/json finds it for a struct field: the exact key, else one equal
   ignoring case. */
static const cJSON *ci_get(const cJSON *o, const char *key)
{
    if (!cJSON_IsObject(o))
        return NULL;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!c)
        for (const cJSON *e = o->child; e && !c; e = e->next)
            if (e->string && !strcasecmp(e->string, key))
                c = e;
    return (c && !cJSON_IsNull(c)) ? c : NULL;
}

static const char *ci_str(const cJSON *o, const char *key)
{
    const cJSON *c = ci_get(o, key);
    return cJSON_IsString(c) ? c->valuestring : "";
}

/* Whether a value decodes into a Go type without error (json.Unmarshal is not strict: unknown
   fields are ignored, null is always fine). */
static bool go_str(const cJSON *j) { return !j || cJSON_IsNull(j) || cJSON_IsString(j); }
static bool go_num(const cJSON *j) { return !j || cJSON_IsNull(j) || cJSON_IsNumber(j); }
static bool go_int(const cJSON *j, double lo, double hi)
{
    return !j || cJSON_IsNull(j) ||
           (cJSON_IsNumber(j) && j->valuedouble == floor(j->valuedouble) && j->valuedouble >= lo && j->valuedouble <= hi);
}
static bool go_obj(const cJSON *j) { return !j || cJSON_IsNull(j) || cJSON_IsObject(j); }
static bool go_arr_of(const cJSON *j, bool (*elem)(const cJSON *))
{
    if (!j || cJSON_IsNull(j))
        return true;
    if (!cJSON_IsArray(j))
        return false;
    for (const cJSON *e = j->child; e; e = e->next)
        if (!elem(e))
            return false;
    return true;
}
static bool go_map_of(const cJSON *j, bool (*elem)(const cJSON *))
{
    if (!j || cJSON_IsNull(j))
        return true;
    if (!cJSON_IsObject(j))
        return false;
    for (const cJSON *e = j->child; e; e = e->next)
        if (!elem(e))
            return false;
    return true;
}
static bool go_int64(const cJSON *j) { return go_int(j, -9223372036854775808.0, 9223372036854775807.0); }
static bool go_strmatch(const cJSON *j)
{
    return go_obj(j) && go_str(ci_get(j, "exact")) && go_str(ci_get(j, "prefix")) && go_str(ci_get(j, "regex"));
}
static bool go_dest(const cJSON *j)
{
    const cJSON *port = ci_get(j, "port");
    return go_obj(j) && go_str(ci_get(j, "host")) && go_str(ci_get(j, "subset")) && go_obj(port) &&
           go_int(ci_get(port, "number"), 0, 4294967295.0);
}
static bool go_routedest(const cJSON *j)
{
    return go_obj(j) && go_dest(ci_get(j, "destination")) && go_int64(ci_get(j, "weight"));
}
static bool go_routematch(const cJSON *j)
{
    return go_obj(j) && go_strmatch(ci_get(j, "method")) && go_strmatch(ci_get(j, "uri")) &&
           go_map_of(ci_get(j, "headers"), go_strmatch);
}
static bool go_http_route(const cJSON *j)
{
    const cJSON *mp = ci_get(j, "mirrorPercentage");
    return go_obj(j) && go_str(ci_get(j, "name")) && go_arr_of(ci_get(j, "match"), go_routematch) &&
           go_arr_of(ci_get(j, "route"), go_routedest) && go_dest(ci_get(j, "mirror")) && go_obj(mp) &&
           go_num(ci_get(mp, "value"));
}
static bool go_l4match(const cJSON *j)
{
    return go_obj(j) && go_arr_of(ci_get(j, "destinationSubnets"), go_str) && go_int64(ci_get(j, "port")) &&
           go_map_of(ci_get(j, "sourceLabels"), go_str) && go_arr_of(ci_get(j, "gateways"), go_str) &&
           go_str(ci_get(j, "sourceNamespace"));
}
static bool go_tlsmatch(const cJSON *j) { return go_l4match(j) && go_arr_of(ci_get(j, "sniHosts"), go_str); }
static bool go_tls_route(const cJSON *j)
{
    return go_obj(j) && go_arr_of(ci_get(j, "match"), go_tlsmatch) && go_arr_of(ci_get(j, "route"), go_routedest);
}
static bool go_tcp_route(const cJSON *j)
{
    return go_obj(j) && go_arr_of(ci_get(j, "match"), go_l4match) && go_arr_of(ci_get(j, "route"), go_routedest);
}

static int arr_len(const cJSON *a) { return cJSON_IsArray(a) ? cJSON_GetArraySize(a) : 0; }

/* getHost: the host up to its first '.'; "" when it starts with one. */
static void dest_host(const cJSON *rd, char *out, size_t cap)
{
    const char *h = ci_str(ci_get(rd, "destination"), "host");
    const char *dot = strchr(h, '.');
    if (dot == h)
        out[0] = '\0';
    else
        snprintf(out, cap, "%.*s", dot ? (int)(dot - h) : (int)strlen(h), h);
}

/* validateVirtualServiceRouteDestinations + validateDestinationRule: NULL or the error. */
static const char *check_destinations(const cJSON *route, const char *stable, const char *canary, const cJSON *drule,
                                      char *err, size_t cap)
{
    bool hs = false, hc = false, hss = false, hcs = false;
    const cJSON *rds = ci_get(route, "route");
    for (const cJSON *rd = cJSON_IsArray(rds) ? rds->child : NULL; rd; rd = rd->next) {
        char host[512];
        dest_host(rd, host, sizeof host);
        hs = hs || (*stable && !strcmp(host, stable));
        hc = hc || (*canary && !strcmp(host, canary));
        if (drule) {
            const char *subset = ci_str(ci_get(rd, "destination"), "subset");
            hss = hss || (*jstr(drule, "stableSubsetName") && !strcmp(subset, jstr(drule, "stableSubsetName")));
            hcs = hcs || (*jstr(drule, "canarySubsetName") && !strcmp(subset, jstr(drule, "canarySubsetName")));
        }
    }
    if (drule) {
        if (!hcs)
            snprintf(err, cap, "Canary DestinationRule subset '%s' not found in route", jstr(drule, "canarySubsetName"));
        else if (!hss)
            snprintf(err, cap, "Stable DestinationRule subset '%s' not found in route", jstr(drule, "stableSubsetName"));
        else
            return NULL;
    } else {
        if (!hc)
            snprintf(err, cap, "Canary Service '%s' not found in route", canary);
        else if (!hs)
            snprintf(err, cap, "Stable Service '%s' not found in route", stable);
        else
            return NULL;
    }
    return err;
}

static double num_or0(const cJSON *j) { return cJSON_IsNumber(j) ? j->valuedouble : 0; }

/* ValidateHTTPRoutes / ValidateTlsRoutes / ValidateTcpRoutes: NULL or the error. */
static const char *check_http(const cJSON *ro, const cJSON *vsref, const cJSON *routes, const char *stable,
                              const char *canary, const cJSON *drule, char *err, size_t cap)
{
    const cJSON *names = jget(vsref, "routes");
    int nnames = arr_len(names), nroutes = arr_len(routes);
    int idx[256], nidx = 0;
    if (nnames == 0) {
        if (nroutes == 1) {
            idx[nidx++] = 0;
        } else {
            int i = 0;
            for (const cJSON *r = routes->child; r; r = r->next, i++)
                if (!*ci_str(r, "name")) {
                    idx[nidx++] = i;
                    break;
                }
        }
    }
    for (const cJSON *n = nnames ? names->child : NULL; n; n = n->next) {
        const char *want = cJSON_IsString(n) ? n->valuestring : "";
        int i = 0, found = -1;
        for (const cJSON *r = routes->child; r && found < 0; r = r->next, i++)
            if (!strcmp(ci_str(r, "name"), want))
                found = i;
        if (found < 0) {
            snprintf(err, cap, "HTTP Route '%s' is not found in the defined Virtual Service.", want);
            return err;
        }
        if (nidx < (int)(sizeof idx / sizeof *idx))
            idx[nidx++] = found;
    }
    for (int k = 0; k < nidx; k++)
        if (check_destinations(cJSON_GetArrayItem(routes, idx[k]), stable, canary, drule, err, cap))
            return err;
    if (nnames == 0) {
        const cJSON *managed = jget(jget(ro_canary(ro), "trafficRouting"), "managedRoutes");
        int unmanaged = 0;
        for (const cJSON *r = routes->child; r; r = r->next) {
            const cJSON *nm = cJSON_GetObjectItemCaseSensitive(r, "name");
            const char *name = cJSON_IsString(nm) ? nm->valuestring : "";
            bool in = false;
            for (const cJSON *m = cJSON_IsArray(managed) ? managed->child : NULL; m && !in; m = m->next)
                in = !strcmp(name, jstr(m, "name"));
            unmanaged += !in;
        }
        if (unmanaged > 1) {
            snprintf(err, cap, "spec.http[] should be set in VirtualService and it must have exactly one route when "
                               "omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes");
            return err;
        }
    }
    return NULL;
}

/* searchTlsRoute / searchTcpRoute: whether VirtualService route r matches the Rollout's route want
   (one port over all its matches, the same port, and for TLS the same SNI hosts). */
static bool l4_route_matches(const cJSON *r, const cJSON *want, bool tls)
{
    const cJSON *matches = ci_get(r, "match");
    double port = 0;
    int nports = 0;
    const char *hosts[256];
    int nhosts = 0;
    for (const cJSON *m = cJSON_IsArray(matches) ? matches->child : NULL; m; m = m->next) {
        double p = num_or0(ci_get(m, "port"));
        if (!nports || p != port) {
            if (nports)
                return false; /* several ports: never matches */
            port = p;
            nports = 1;
        }
        const cJSON *sni = ci_get(m, "sniHosts");
        for (const cJSON *h = cJSON_IsArray(sni) ? sni->child : NULL; h; h = h->next) {
            const char *s = cJSON_IsString(h) ? h->valuestring : "";
            bool dup = false;
            for (int i = 0; i < nhosts && !dup; i++)
                dup = !strcmp(hosts[i], s);
            if (!dup && nhosts < (int)(sizeof hosts / sizeof *hosts))
                hosts[nhosts++] = s;
        }
    }
    if (port != num_or0(jget(want, "port")))
        return false;
    if (!tls)
        return true;
    /* evaluate.Equal(want.sniHosts, hosts): same length, every host among the wanted ones */
    const cJSON *wh = jget(want, "sniHosts");
    if (arr_len(wh) != nhosts)
        return false;
    for (int i = 0; i < nhosts; i++)
        if (!str_in(wh, hosts[i]))
            return false;
    return true;
}

static const char *check_l4(const cJSON *vsref, const cJSON *routes, bool tls, const char *stable, const char *canary,
                            const cJSON *drule, char *err, size_t cap)
{
    const cJSON *wanted = jget(vsref, tls ? "tlsRoutes" : "tcpRoutes");
    int nroutes = arr_len(routes);
    if (arr_len(wanted) == 0) {
        if (nroutes == 0)
            return NULL; /* Argo indexes route 0 of none (a crash) */
        if (check_destinations(routes->child, stable, canary, drule, err, cap))
            return err;
        if (nroutes > 1) {
            snprintf(err, cap,
                     "spec.%s[] should be set in VirtualService and it must have exactly one route when omitting "
                     "spec.strategy.canary.trafficRouting.istio.virtualService.%s",
                     tls ? "tls" : "tcp", tls ? "tlsRoutes" : "tcpRoutes");
            return err;
        }
        return NULL;
    }
    for (const cJSON *w = wanted->child; w; w = w->next) {
        bool any = false;
        for (const cJSON *r = routes->child; r; r = r->next)
            any = any || l4_route_matches(r, w, tls);
        if (!any) {
            snprintf(err, cap, "No matching %s routes found in the defined Virtual Service.", tls ? "TLS" : "TCP");
            return err;
        }
    }
    for (const cJSON *w = wanted->child; w; w = w->next)
        for (const cJSON *r = routes->child; r; r = r->next)
            if (l4_route_matches(r, w, tls) && check_destinations(r, stable, canary, drule, err, cap))
                return err;
    return NULL;
}

/* ValidateVirtualService */
static void validate_virtualservice(lctx *c, const lobj *ro, const lobj *vs)
{
    const cJSON *canary = ro_canary(ro->obj);
    const cJSON *istio = jget(jget(canary, "trafficRouting"), "istio");
    if (!istio) {
        report_invalid(c, ro->doc, "spec.strategy.canary.trafficRouting.istio", ro->name,
                       "Rollout object is not configured with Istio traffic routing");
        return;
    }
    const cJSON *many = jget(istio, "virtualServices"), *one = jget(istio, "virtualService");
    const char *path = many ? "spec.strategy.canary.trafficRouting.istio.virtualServices.name"
                            : "spec.strategy.canary.trafficRouting.istio.virtualService.name";
    if (!many && !one)
        return; /* Argo dereferences nil here */
    /* GetStableAndCanaryServices(ro, false) */
    const char *stable = jstr(canary, "stableService"), *canary_svc = jstr(canary, "canaryService");
    const cJSON *pp = jget(canary, "pingPong");
    if (pp && !*stable && !*canary_svc) {
        bool ping = !strcmp(jstr(jget(jget(ro->obj, "status"), "canary"), "stablePingPong"), "ping");
        stable = jstr(pp, ping ? "pingService" : "pongService");
        canary_svc = jstr(pp, ping ? "pongService" : "pingService");
    }
    const cJSON *drule = jget(istio, "destinationRule");
    const cJSON *first = many ? (cJSON_IsArray(many) ? many->child : NULL) : one;
    for (const cJSON *ref = first; ref; ref = many ? ref->next : NULL) {
        /* GetVirtualServiceNamespaceName: "name[.namespace][.cluster.local]" */
        char name[512];
        snprintf(name, sizeof name, "%s", jstr(ref, "name"));
        size_t nl = strlen(name), sl = strlen(".cluster.local");
        if (nl >= sl && !strcmp(name + nl - sl, ".cluster.local"))
            name[nl - sl] = '\0';
        char *dot = strrchr(name, '.');
        if (dot)
            *dot = '\0';
        if (strcmp(name, vs->name))
            continue;
        const cJSON *spec = jget(vs->obj, "spec");
        const cJSON *http = cJSON_GetObjectItemCaseSensitive(spec, "http"),
                    *tls = cJSON_GetObjectItemCaseSensitive(spec, "tls"),
                    *tcp = cJSON_GetObjectItemCaseSensitive(spec, "tcp");
        bool has_http = cJSON_IsArray(http), has_tls = cJSON_IsArray(tls), has_tcp = cJSON_IsArray(tcp);
        char err[1024], msg[1200];
        if (!has_http && !has_tls && !has_tcp)
            report_invalid(c, ro->doc, path, name, "Unable to get any of the HTTP, TCP or TLS routes for the Istio VirtualService");
        struct {
            bool has;
            const cJSON *routes;
            const char *what;
            bool (*decodes)(const cJSON *);
        } kinds[] = {{has_http, http, "HTTP", go_http_route}, {has_tls, tls, "TLS", go_tls_route}, {has_tcp, tcp, "TCP", go_tcp_route}};
        for (int k = 0; k < 3; k++) {
            if (!kinds[k].has)
                continue;
            if (!go_arr_of(kinds[k].routes, kinds[k].decodes)) {
                snprintf(msg, sizeof msg, "Unable to get %s routes for Istio VirtualService", kinds[k].what);
                report_invalid(c, ro->doc, path, name, msg);
                continue;
            }
            const char *e = k == 0 ? check_http(ro->obj, ref, kinds[k].routes, stable, canary_svc, drule, err, sizeof err)
                                   : check_l4(ref, kinds[k].routes, k == 1, stable, canary_svc, drule, err, sizeof err);
            if (e) {
                snprintf(msg, sizeof msg, "Istio VirtualService has invalid %s routes. Error: %s", kinds[k].what, e);
                report_invalid(c, ro->doc, path, name, msg);
            }
        }
        break;
    }
}

/* ---- static validation: the controller's rules ---- */

/* The Rollout's static validation: ro_validate without references (its nginx/ALB stable-ingress
   configuration rules still run), Argo's rules only. */
static void validate_static(lctx *c, const lobj *ro)
{
    char msg[8192], prefix[1024];
    snprintf(prefix, sizeof prefix, "The Rollout \"%s\" is invalid: ", ro->name);
    ro_refs argo = {.argo_only = 1};
    if (ro_validate(ro->obj, &argo, msg, sizeof msg) == 0)
        return;
    const char *m = !strncmp(msg, prefix, strlen(prefix)) ? msg + strlen(prefix) : msg;
    /* the field path is the message up to its first ": " */
    const char *colon = strstr(m, ": ");
    char field[LINE_PATH_MAX];
    snprintf(field, sizeof field, "%.*s", colon ? (int)(colon - m) : 0, m);
    report(c, ro->doc, field, m);
}

/* ---- the whole file ---- */

/* Lints text (named `file` in messages): 0 when valid, 1 after printing the errors. */
static int lint_text(const cli_opts *o, const char *file, const char *text, size_t len)
{
    char err[1024];
    cJSON *docs = yaml_parse_all(text, len, err, sizeof err);
    if (!docs) {
        size_t line = 0, col = 0;
        int off = 0;
        if (sscanf(err, "line %zu, column %zu: %n", &line, &col, &off) == 2 && off > 0)
            cli_fail(o, "%s:%zu: yaml: %s", file, line, err + off);
        else
            cli_fail(o, "%s: yaml: %s", file, err);
        return 1;
    }
    lctx c = {.o = o, .file = file};
    linemap_build(&c.lm, text, len);
    lfile f = {0};
    int i = 0, rc = 0;
    for (cJSON *d = docs->child; d; d = d->next, i++)
        if ((rc = take_document(&c, &f, d, i)) < 0)
            break;
    if (rc == 0) {
        pair_services(&f);
        pair_ingresses(&f);
        pair_virtualservices(&f);
        for (int r = 0; r < f.rollouts.n; r++) {
            const lobj *ro = &f.rollouts.v[r];
            validate_static(&c, ro);
            for (int s = 0; s < f.services.n; s++)
                if (managed_by(&f.services.v[s], ro->name))
                    validate_service(&c, ro, &f.services.v[s]);
            for (int k = 0; k < f.ingresses.n; k++)
                if (managed_by(&f.ingresses.v[k], ro->name))
                    validate_ingress(&c, ro, &f.ingresses.v[k]);
            for (int v = 0; v < f.vsvcs.n; v++)
                if (managed_by(&f.vsvcs.v[v], ro->name))
                    validate_virtualservice(&c, ro, &f.vsvcs.v[v]);
        }
    }
    free(f.rollouts.v);
    free(f.services.v);
    free(f.ingresses.v);
    free(f.vsvcs.v);
    linemap_free(&c.lm);
    cJSON_Delete(docs);
    return c.errors ? 1 : 0;
}

/* Go's os.ReadFile, with its error wording: "open F: no such file or directory", "read F: is a
   directory". "-" is standard input. */
static char *read_all(const cli_opts *o, const char *path, size_t *len)
{
    char *text;
    if (!strcmp(path, "-")) {
        co_buf b = {0};
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
            co_buf_add(&b, chunk, n);
        if (ferror(stdin)) {
            co_buf_free(&b);
            cli_fail(o, "read STDIN: %s", strerror(EIO));
            return NULL;
        }
        *len = b.len;
        return co_buf_take(&b);
    }
    if (!(text = co_read_file(path, 0, len))) {
        char e[128];
        snprintf(e, sizeof e, "%s", strerror(errno));
        e[0] = (char)tolower((unsigned char)e[0]);
        cli_fail(o, "%s %s: %s", errno == EISDIR || errno == EFBIG ? "read" : "open", path, e);
    }
    return text;
}

static int usage_text(const cli_opts *o)
{
    fprintf(o->out,
            "This command lints and validates a new Rollout resource from a file.\n"
            "\n"
            "Usage:\n"
            "  %s lint [flags]\n"
            "\n"
            "Examples:\n"
            "  # Lint a rollout\n"
            "  %s lint -f my-rollout.yaml\n"
            "\n"
            "  # Lint from standard input\n"
            "  cat my-rollout.yaml | %s lint -f -\n"
            "\n"
            "Flags:\n"
            "  -f, --filename string   File to lint (- for standard input)\n"
            "  -h, --help              help for lint\n",
            o->prog, o->prog, o->prog);
    return 0;
}

int cli_lint(cli_opts *o, int argc, char **argv)
{
    const char *file = NULL;
    bool flags_done = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (flags_done || a[0] != '-' || !a[1])
            return cli_usage(o, "lint", "lint takes no arguments (the file is -f FILE), got \"%s\"", a);
        if (!strcmp(a, "--")) {
            flags_done = true;
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            return usage_text(o);
        if (!strcmp(a, "-f") || !strcmp(a, "--filename")) {
            if (i + 1 >= argc)
                return !strcmp(a, "-f") ? cli_usage(o, "lint", "flag needs an argument: 'f' in -f")
                                        : cli_usage(o, "lint", "flag needs an argument: --filename");
            file = argv[++i];
        } else if (!strncmp(a, "--filename=", 11)) {
            file = a + 11;
        } else if (!strncmp(a, "-f", 2)) {
            file = a[2] == '=' ? a + 3 : a + 2;
        } else if (a[1] == '-') {
            return cli_usage(o, "lint", "unknown flag: %s", a);
        } else {
            return cli_usage(o, "lint", "unknown shorthand flag: '%c' in %s", a[1], a);
        }
    }
    if (!file || !*file)
        return cli_usage(o, "lint", "required flag(s) \"filename\" not set");
    size_t len = 0;
    char *text = read_all(o, file, &len);
    if (!text)
        return 1;
    int rc = lint_text(o, !strcmp(file, "-") ? "STDIN" : file, text, len);
    free(text);
    return rc;
}
