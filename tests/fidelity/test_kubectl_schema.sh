#!/usr/bin/env bash
# Structural-schema validation seen through real kubectl: Cutover's CRDs installed with
# `kubectl apply -k deploy/crds`, then Rollouts with wrong types, several errors, a missing
# required field, unknown fields (kubectl's default strict field validation; pruned with
# --validate=false), a wrong-typed merge patch and a server-side dry run, each printed as
# kubectl prints a real API server's answer.
source "$(dirname "$0")/../lib.sh"
start_fakeapi
echo "# $(kubectl version --client 2>&1 | head -1) against $URL"
if ! kubectl_at_least 26 "server-side field validation (kubectl --validate=strict)"; then
  finish
  exit
fi

check "apply the CRDs (kustomize)" "customresourcedefinition.apiextensions.k8s.io/rollouts.argoproj.io created" \
  $K apply -k "$SRC/deploy/crds"
check "wait for the CRD to be Established" "condition met" \
  $K wait --for=condition=Established crd/rollouts.argoproj.io --timeout=10s

# rollout NAME SPEC-LINES: a blue/green Rollout manifest with extra spec lines (two-space indented)
rollout() {
  cat <<EOF
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: $1
spec:
  replicas: 2
  selector:
    matchLabels: {app: $1}
  template:
    metadata:
      labels: {app: $1}
    spec:
      containers:
      - name: app
        image: nginx:1.25
$2
EOF
}

rollout typed "  strategy:
    blueGreen:
      activeService: 12" >"$WORK/typed.yaml"
check_fails "a wrong type, the apiserver's words" \
  'The Rollout "typed" is invalid: spec.strategy.blueGreen.activeService: Invalid value: "integer": spec.strategy.blueGreen.activeService in body must be of type string: "integer"' \
  $K apply -f "$WORK/typed.yaml"

rollout several "  paused: \"no\"
  restartAt: tomorrow
  strategy:
    canary:
      maxSurge: 1.5
      steps:
      - setWeight: ten" >"$WORK/several.yaml"
check_fails "several errors at once" 'The Rollout "several" is invalid: 
* spec.paused: Invalid value: "string": spec.paused in body must be of type boolean: "string"
* spec.restartAt: Invalid value: "tomorrow": spec.restartAt in body must be of type date-time: "tomorrow"
* spec.strategy.canary.maxSurge: Invalid value: "number": spec.strategy.canary.maxSurge in body must be of type integer,string: "number"
* spec.strategy.canary.steps[0].setWeight: Invalid value: "string": spec.strategy.canary.steps[0].setWeight in body must be of type integer: "string"' \
  $K apply -f "$WORK/several.yaml"

printf 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: nospec\n' >"$WORK/nospec.yaml"
check_fails "a missing required field" 'The Rollout "nospec" is invalid: spec: Required value' \
  $K apply -f "$WORK/nospec.yaml"
rollout noservice "  strategy:
    blueGreen:
      previewService: p" >"$WORK/noservice.yaml"
check_fails "a missing required nested field" \
  'The Rollout "noservice" is invalid: spec.strategy.blueGreen.activeService: Required value' \
  $K apply -f "$WORK/noservice.yaml"
check_fails "nothing was created" 'rollouts.argoproj.io "typed" not found' $K get ro typed

rollout unknown "  foo: 1
  strategy:
    blueGreen:
      activeService: unknown
      bar: true" >"$WORK/unknown.yaml"
check_fails "unknown fields under kubectl's strict validation" \
  'Error from server (BadRequest): error when creating "'"$WORK/unknown.yaml"'": Rollout in version "v1alpha1" cannot be handled as a Rollout: strict decoding error: unknown field "spec.foo", unknown field "spec.strategy.blueGreen.bar"' \
  $K apply -f "$WORK/unknown.yaml"
check "--validate=false creates it" "rollout.argoproj.io/unknown created" $K apply --validate=false -f "$WORK/unknown.yaml"
check_eq "the unknown fields were pruned" "null null unknown" \
  bash -c "$K get ro unknown -o json | jq -r '\"\(.spec.foo) \(.spec.strategy.blueGreen.bar) \(.spec.strategy.blueGreen.activeService)\"'"
sed 's/name: unknown/name: warned/; s/activeService: unknown/activeService: warned/' "$WORK/unknown.yaml" >"$WORK/warned.yaml"
out=$($K apply --validate=warn -f "$WORK/warned.yaml" 2>&1)
if [[ $out == *"rollout.argoproj.io/warned created"* ]]; then ok "--validate=warn creates it"; else bad "--validate=warn creates it" "got: $out"; fi
if [[ $out == *'Warning: unknown field "spec.foo"'* && $out == *'Warning: unknown field "spec.strategy.blueGreen.bar"'* ]]; then
  ok "--validate=warn prints the server's warnings"
else
  bad "--validate=warn prints the server's warnings" "got: $out"
fi

check "a valid Rollout (the seed's day 26) applies" "rollout.argoproj.io/app-backend created" \
  $K apply -f "$SRC/scenarios/manifests/day26-canary.yaml"
check "applied again: unchanged" "rollout.argoproj.io/app-backend unchanged" \
  $K apply -f "$SRC/scenarios/manifests/day26-canary.yaml"
rv=$($K get ro app-backend -o 'jsonpath={.metadata.resourceVersion}')
# (the scale subresource's own check, on .spec.replicas, comes second, as in the apiserver)
check_fails "a merge patch to a wrong type" 'The Rollout "app-backend" is invalid: 
* spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"
* .spec.replicas: Invalid value: 0: .spec.replicas accessor error: four is of the type string, expected int64' \
  $K patch ro app-backend --type merge -p '{"spec":{"replicas":"four"}}'
check_eq "the object is unchanged" "$rv" $K get ro app-backend -o 'jsonpath={.metadata.resourceVersion}'
check_fails "a json patch to a wrong type" \
  'The Rollout "app-backend" is invalid: spec.strategy.canary.steps[0].setWeight: Invalid value: "string": spec.strategy.canary.steps[0].setWeight in body must be of type integer: "string"' \
  $K patch ro app-backend --type json -p '[{"op":"replace","path":"/spec/strategy/canary/steps/0/setWeight","value":"ten"}]'
# kube-openapi's quirk, kept: a boolean where an int32 is expected names the format
check_fails "a boolean for an int32" \
  'spec.strategy.canary.steps[0].setWeight: Invalid value: "": spec.strategy.canary.steps[0].setWeight in body must be of type int32: ""' \
  $K patch ro app-backend --type json -p '[{"op":"replace","path":"/spec/strategy/canary/steps/0/setWeight","value":true}]'
check_fails "--dry-run=server is validated too" \
  'The Rollout "typed" is invalid: spec.strategy.blueGreen.activeService: Invalid value: "integer"' \
  $K apply --dry-run=server -f "$WORK/typed.yaml"
check_fails "a server-side dry-run patch too" 'spec.paused in body must be of type boolean: "integer"' \
  $K patch ro app-backend --type merge --dry-run=server -p '{"spec":{"paused":1}}'
check_eq "and neither wrote anything" "$rv" $K get ro app-backend -o 'jsonpath={.metadata.resourceVersion}'
sed '/^  selector:$/i\  bogus: 1' "$SRC/scenarios/manifests/day26-canary.yaml" >"$WORK/day26-bogus.yaml"
# the apiserver decodes the patched object: a 422 on "patch" carrying it, which kubectl prints whole
check_fails "apply of an update with an unknown field (strict merge patch)" \
  'The request is invalid: patch: Invalid value: "{\"apiVersion\":\"argoproj.io/v1alpha1\",' $K apply -f "$WORK/day26-bogus.yaml"
check_fails "... ending with the strict decoding error" \
  '}": strict decoding error: unknown field "spec.bogus"' $K apply -f "$WORK/day26-bogus.yaml"
check_fails "the status subresource checks the status schema" \
  'The Rollout "app-backend" is invalid: status.phase: Invalid value: "integer": phase in body must be of type string: "integer"' \
  $K patch ro app-backend --subresource=status --type merge -p '{"status":{"phase":3}}'
check "scale still works" "rollout.argoproj.io/app-backend scaled" $K scale ro app-backend --replicas=4

finish
