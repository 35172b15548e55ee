#!/usr/bin/env bash
# The kubectl fidelity suite: real kubectl against cutover-fakeapi, checking what it prints.
source "$(dirname "$0")/../lib.sh"
M="$SRC/tests/fidelity/manifests"
start_fakeapi
echo "# $(kubectl version --client 2>&1 | head -1) against $URL"

# discovery
check "version reports the server" "v1.32.0-cutover" $K version
check "api-resources lists the built-in kinds" "pods" \
  bash -c "$K api-resources | grep -E '^pods +po +v1 +true +Pod'"
check "get on an empty namespace" "No resources found in default namespace." $K get pods

# apply: namespace, services, configmap, then our CRDs, then a Rollout using them
check "apply multi-document YAML" "service/app-canary created" $K apply $V -f "$M/app.yaml"
check "apply the CRDs (kustomize)" "customresourcedefinition.apiextensions.k8s.io/rollouts.argoproj.io created" \
  $K apply $V -k "$SRC/deploy/crds"
check "wait for the CRD to be Established" "condition met" \
  $K wait --for=condition=Established crd/rollouts.argoproj.io --timeout=10s
check "apply a Rollout" "rollout.argoproj.io/app created" $K apply $V -f "$M/rollout.yaml"
check "apply again is unchanged" "rollout.argoproj.io/app unchanged" $K apply $V -f "$M/rollout.yaml"
check "api-resources shows rollouts with short name ro" "argoproj.io/v1alpha1" \
  bash -c "$K api-resources | grep -E '^rollouts +ro +argoproj.io/v1alpha1 +true +Rollout'"
check "api-resources: namespaces are cluster-scoped" "ns" \
  bash -c "$K api-resources | grep -E '^namespaces +ns +v1 +false +Namespace'"

# get in every output
check "get rollouts" "app" $K get rollouts -n fidelity
check "get ro (short name)" "app" $K get ro -n fidelity
check_eq "get -o jsonpath" "3" $K get ro app -n fidelity -o 'jsonpath={.spec.replicas}'
check_eq "get -o json has server fields" "1 true" \
  bash -c "$K get ro app -n fidelity -o json | jq -r '\"\(.metadata.generation) \(.metadata.uid != null and .metadata.resourceVersion != null)\"'"
check "get -o yaml" "kind: Rollout" $K get ro app -n fidelity -o yaml
check "get configmap yaml keeps data" "GREETING: Hello from the fidelity suite" $K get cm app-config -n fidelity -o yaml
check "get svc allocates a ClusterIP" "10.96." $K get svc app-stable -n fidelity -o 'jsonpath={.spec.clusterIP}'
check "get across namespaces" "fidelity" $K get cm -A
check "get by label" "app-config" $K get cm -n fidelity -l 'app in (app,web)'
check_fails "get a missing object" 'Error from server (NotFound): rollouts.argoproj.io "nope" not found' \
  $K get ro nope -n fidelity
check_fails "create in a missing namespace" 'error when creating "STDIN": namespaces "missing" not found' \
  $K create $V -n missing -f - <<<'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}'

# describe
check "describe a rollout" "Name:         app" $K describe ro app -n fidelity
check "describe a service" "IP:" $K describe svc app-stable -n fidelity

# patches: merge on a custom resource bumps generation
check "patch --type merge" "rollout.argoproj.io/app patched" \
  $K patch ro app -n fidelity --type merge -p '{"spec":{"replicas":5}}'
check_eq "merge patch bumped generation" "5 2" $K get ro app -n fidelity -o 'jsonpath={.spec.replicas} {.metadata.generation}'
check "patch on main resource ignores status" "patched (no change)" \
  $K patch ro app -n fidelity --type merge -p '{"status":{"phase":"X"}}'
if kubectl_at_least 24 "patch --subresource=status"; then
  check "patch the status subresource" "patched" \
    $K patch ro app -n fidelity --subresource=status --type merge -p '{"status":{"phase":"Healthy"}}'
  check_eq "status patch kept generation" "Healthy 2" $K get ro app -n fidelity -o 'jsonpath={.status.phase} {.metadata.generation}'
fi
check_fails "strategic patch on a custom resource is 415" "the body of the request was in an unknown format" \
  $K patch ro app -n fidelity -p '{"metadata":{"labels":{"x":"1"}}}'
check "patch --type json" "patched" \
  $K patch ro app -n fidelity --type json -p '[{"op":"replace","path":"/spec/replicas","value":4},{"op":"add","path":"/metadata/labels/track","value":"json"}]'
check_eq "json patch applied" "4 json" $K get ro app -n fidelity -o 'jsonpath={.spec.replicas} {.metadata.labels.track}'
check_fails "json patch test op fails with 422" 'The Rollout "app" is invalid' \
  $K patch ro app -n fidelity --type json -p '[{"op":"test","path":"/spec/replicas","value":99}]'
check "strategic patch on a Service merges ports by port" "service/app-stable patched" \
  $K patch svc app-stable -n fidelity -p '{"spec":{"ports":[{"port":443,"targetPort":8443,"name":"https"}]}}'
# apimachinery's mergeSortedSlice puts a patch item the live list lacks before the server-only items
check_eq "service has both ports, the new one first" "443 80" $K get svc app-stable -n fidelity -o 'jsonpath={.spec.ports[*].port}'

# label and annotate
check "label" "configmap/app-config labeled" $K label cm app-config -n fidelity tier=web
check "annotate" "configmap/app-config annotated" $K annotate cm app-config -n fidelity note=hi
check_eq "label and annotation stored" "web hi" $K get cm app-config -n fidelity -o 'jsonpath={.metadata.labels.tier} {.metadata.annotations.note}'
check "label selector with !=" "app-config" $K get cm -n fidelity -l 'tier!=db,app'
check "field selector" "app-config" $K get cm -n fidelity --field-selector metadata.name=app-config
check_fails "unsupported field selector" "field label not supported: spec.foo" \
  $K get cm -n fidelity --field-selector spec.foo=x

# pods: apply with strategic merge and $setElementOrder, then kubectl's conflict detection
check "apply a pod" "pod/web-1 created" $K apply $V -f "$M/pod.yaml"
sed 's/nginx:1.25/nginx:1.26/' "$M/pod.yaml" >"$WORK/pod2.yaml"
check "apply a changed pod" "pod/web-1 configured" $K apply $V -f "$WORK/pod2.yaml"
check_eq "no directive stored, one container" "nginx:1.26 1 false" \
  bash -c "$K get pod web-1 -n fidelity -o json | jq -r '\"\(.spec.containers[0].image) \(.spec.containers|length) \(tostring|contains(\"\$setElementOrder\"))\"'"
check "pod defaults" "Always ClusterFirst" $K get pod web-1 -n fidelity -o 'jsonpath={.spec.restartPolicy} {.spec.dnsPolicy}'
$K get pod web-1 -n fidelity -o json >"$WORK/pod.json"
$K label pod web-1 -n fidelity bump=1 >/dev/null
check_fails "replace with a stale resourceVersion" "the object has been modified; please apply your changes to the latest version and try again" \
  $K replace $V -f "$WORK/pod.json"
check_fails "create an existing object" 'pods "web-1" already exists' $K create $V -f "$M/pod.yaml"

# edit through a non-interactive editor
printf '#!/bin/sh\nsed -i "s/tier: fe/tier: edited/" "$1"\n' >"$WORK/editor.sh"
chmod +x "$WORK/editor.sh"
check "edit" "pod/web-1 edited" env KUBE_EDITOR="$WORK/editor.sh" $K edit $V pod web-1 -n fidelity
check_eq "edit applied" "edited" $K get pod web-1 -n fidelity -o 'jsonpath={.metadata.labels.tier}'
printf '#!/bin/sh\nsed -i "s/replicas: 4/replicas: 6/" "$1"\n' >"$WORK/editor2.sh"
chmod +x "$WORK/editor2.sh"
check "edit a custom resource" "rollout.argoproj.io/app edited" env KUBE_EDITOR="$WORK/editor2.sh" $K edit $V ro app -n fidelity
check_eq "custom resource edit applied" "6" $K get ro app -n fidelity -o 'jsonpath={.spec.replicas}'

# scale through the scale subresource
check "apply a replicaset" "replicaset.apps/rs1 created" $K apply $V -f "$M/replicaset.yaml"
check "scale a replicaset" "replicaset.apps/rs1 scaled" $K scale rs rs1 -n fidelity --replicas=5
check_eq "scale changed spec.replicas and generation" "5 2" $K get rs rs1 -n fidelity -o 'jsonpath={.spec.replicas} {.metadata.generation}'
# the simulated cluster: the ReplicaSet makes pods, the kubelet makes them Ready, endpoints follow
check "the ReplicaSet's pods become Ready" "condition met" \
  $K wait --for=condition=Ready pod -l app=rs1 -n fidelity --timeout=30s
check_eq "five pods, each owned by the ReplicaSet" "5 5" \
  bash -c "$K get pods -n fidelity -l app=rs1 -o json | jq -r '\"\(.items|length) \([.items[] | select(.metadata.ownerReferences[0].kind == \"ReplicaSet\" and .metadata.ownerReferences[0].controller)] | length)\"'"
check_eq "ReplicaSet status counts ready pods" "5 5" $K get rs rs1 -n fidelity -o 'jsonpath={.status.readyReplicas} {.status.availableReplicas}'
$K apply $V -f - >/dev/null <<<'{"apiVersion":"v1","kind":"Service","metadata":{"name":"rs1","namespace":"fidelity"},"spec":{"selector":{"app":"rs1"},"ports":[{"port":80,"targetPort":"http"}]}}'
check_eq "endpoints list the ready pods, named port resolved" "5 80" \
  bash -c "sleep 1; $K get endpoints rs1 -n fidelity -o json | jq -r '\"\(.subsets[0].addresses|length) \(.subsets[0].ports[0].port)\"'"
check "scale a rollout (CRD scale subresource)" "rollout.argoproj.io/app scaled" $K scale ro app -n fidelity --replicas=2
check_eq "rollout scaled" "2" $K get ro app -n fidelity -o 'jsonpath={.spec.replicas}'

# wait for a condition set while waiting (as a kubelet would, through pods/status)
$K wait --for=condition=Ready pod/web-1 -n fidelity --timeout=20s >"$WORK/wait.out" 2>&1 &
waiter=$!
sleep 1
# the kubelet's part, through pods/status
curl -s -X PATCH -H 'Content-Type: application/merge-patch+json' "$URL/api/v1/namespaces/fidelity/pods/web-1/status" \
  -d '{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}' >/dev/null
wait $waiter
check "wait --for=condition=Ready" "pod/web-1 condition met" cat "$WORK/wait.out"
check "wait with the WatchList client (sendInitialEvents)" "condition met" \
  env KUBE_FEATURE_WatchListClient=true $K wait --for=condition=Ready pod/web-1 -n fidelity --timeout=10s
check "field selector on status.phase" "web-1" $K get pods -n fidelity --field-selector status.phase=Running

# get -w sees ADDED, MODIFIED and DELETED
$K get cm -n fidelity -w --output-watch-events >"$WORK/watch.out" 2>&1 &
watcher=$!
sleep 1
$K create $V -f - <<<'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"watched","namespace":"fidelity"}}' >/dev/null
$K label cm watched -n fidelity x=1 >/dev/null
$K delete cm watched -n fidelity >/dev/null
sleep 1
kill $watcher 2>/dev/null
wait $watcher 2>/dev/null
check_eq "get -w prints ADDED, MODIFIED, DELETED in order" "ADDED watched
MODIFIED watched
DELETED watched" awk '$2 == "watched" {print $1, $2}' "$WORK/watch.out"

# finalizers and wait --for=delete
$K create $V -f - <<<'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","namespace":"fidelity","finalizers":["example.com/hold"]}}' >/dev/null
check "delete --wait=false with a finalizer" 'configmap "held" deleted' $K delete cm held -n fidelity --wait=false
check "object stays with a deletionTimestamp" "T" $K get cm held -n fidelity -o 'jsonpath={.metadata.deletionTimestamp}'
$K wait --for=delete cm/held -n fidelity --timeout=20s >"$WORK/waitdel.out" 2>&1 &
waiter=$!
sleep 1
$K patch cm held -n fidelity --type json -p '[{"op":"remove","path":"/metadata/finalizers"}]' >/dev/null
wait $waiter
check "wait --for=delete" "condition met" cat "$WORK/waitdel.out"
check_fails "removed once the last finalizer goes" "NotFound" $K get cm held -n fidelity

# delete and dry runs
check "delete a running pod gracefully" 'pod "web-1" deleted' $K delete pod web-1 -n fidelity --grace-period=2 --wait=false
check "it stays Terminating with a deletionTimestamp" "T" $K get pod web-1 -n fidelity -o 'jsonpath={.metadata.deletionTimestamp}'
check "the kubelet removes it after its grace period" "condition met" $K wait --for=delete pod/web-1 -n fidelity --timeout=20s
check_fails "deleted pod is gone" 'pods "web-1" not found' $K get pod web-1 -n fidelity
check "deleting a ReplicaSet" 'replicaset.apps "rs1" deleted' $K delete rs rs1 -n fidelity
check_eq "garbage-collects its pods" "" \
  bash -c "$K wait --for=delete pod -l app=rs1 -n fidelity --timeout=30s >/dev/null 2>&1; $K get pods -n fidelity -l app=rs1 -o name 2>/dev/null"
if kubectl_at_least 26 "server-side dry run without OpenAPI v2"; then
  check "server-side dry run" "pod/dry" $K run dry --image=nginx -n fidelity --dry-run=server -o name
  check_fails "dry run stored nothing" 'pods "dry" not found' $K get pod dry -n fidelity
fi
# kubectl >= 1.32 sends protobuf for generator commands (kube-api.md 0.7): decoded as JSON would be
# (test_kubectl_create.sh checks every generator command)
check "a generator command (protobuf body)" "configmap/gen created" $K create configmap gen -n fidelity --from-literal=a=b
check_eq "its object reads back" "b" $K get cm gen -n fidelity -o 'jsonpath={.data.a}'
check "delete a rollout" 'rollout.argoproj.io "app" deleted' $K delete ro app -n fidelity
check "delete a namespace" 'namespace "fidelity" deleted' $K delete ns fidelity --timeout=20s
check_fails "namespace contents are gone" "NotFound" $K get cm app-config -n fidelity
finish
