/* podspec.h: the defaults the Kubernetes API server gives a PodSpec (k8s.io/api/core/v1
 * SetObjectDefaults_PodSpec, the fields Cutover's objects use). The fake API server applies them
 * on create; the controller applies them to a rollout's template before comparing it with a
 * stored ReplicaSet's (Argo's PodTemplateEqualIgnoreHash does the same with the k8s scheme). */
#ifndef CUTOVER_COMMON_PODSPEC_H
#define CUTOVER_COMMON_PODSPEC_H

#include <cjson/cJSON.h>

/* Fills in what spec (a PodSpec object) leaves unset: restartPolicy, terminationGracePeriodSeconds,
   dnsPolicy, schedulerName, securityContext; per container imagePullPolicy (Always for :latest or
   no tag, else IfNotPresent), terminationMessagePath/Policy, resources, ports' protocol. */
void co_pod_spec_defaults(cJSON *spec);

#endif
