#!/usr/bin/env bash
# cutover run and cutover replay: the scenarios pass in simulation and on a running cluster (a
# standalone cutover-fakeapi in real time), failures read well, runs are recorded and replayed.
source "$(dirname "$0")/../lib.sh"
CUTOVER="$BIN/cutover"

N=$(ls "$SRC"/scenarios/*.yaml | wc -l)
check "cutover run scenarios/ passes in simulation" "$N passed, 0 failed" "$CUTOVER" run "$SRC/scenarios"

# a scenario that fails: a readable difference, the object's events, exit status 1
cat >"$WORK/failing.yaml" <<'YAML'
name: failing
namespace: fail
steps:
- apply:
    apiVersion: apps/v1
    kind: ReplicaSet
    metadata: {name: web}
    spec:
      replicas: 3
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec: {containers: [{name: web, image: example/web:1}]}
- assert:
    timeout: 20s
    object:
      apiVersion: apps/v1
      kind: ReplicaSet
      metadata: {name: web}
      status: {readyReplicas: 4}
YAML
rc=0
"$CUTOVER" run "$WORK/failing.yaml" >"$WORK/failing.out" 2>&1 || rc=$?
check_eq "a failing scenario exits 1" "1" echo "$rc"
check "it says which step failed, at what virtual time" "[ 1] 00:00:20  assert ReplicaSet web" cat "$WORK/failing.out"
check "with a field-by-field difference" "status.readyReplicas: expected 4, got 3" cat "$WORK/failing.out"
check "and the object's recent events" "SuccessfulCreate" cat "$WORK/failing.out"
check "and the summary line" "0 passed, 1 failed" cat "$WORK/failing.out"

printf 'name: bad\nsteps:\n- apply: {kind: ConfigMap}\n- frobnicate: {}\n' >"$WORK/bad.yaml"
rc=0
"$CUTOVER" run "$WORK/bad.yaml" >"$WORK/bad.out" 2>&1 || rc=$?
check_eq "format errors stop the run before it starts (exit 2)" "2" echo "$rc"
check "naming the file, the step and the field" "bad.yaml: steps[0].apply[0]: an object needs apiVersion, kind and metadata.name" cat "$WORK/bad.out"

# recording and replay
check "a recorded run" "1 passed, 0 failed" "$CUTOVER" run --db "$WORK/run.db" "$SRC/scenarios/replicaset-scale.yaml"
check "replay prints the timeline with actors" "scenario/step-0" "$CUTOVER" replay "$WORK/run.db"
check "the simulated controllers appear as actors" "replicaset-controller" "$CUTOVER" replay "$WORK/run.db"
check "one object's history with diffs" "status.readyReplicas" "$CUTOVER" replay "$WORK/run.db" --object ReplicaSet/web
check "the state at a sequence number" "ReplicaSet" "$CUTOVER" replay "$WORK/run.db" --at 12
check "jsonl for tools" "ReplicaSet" bash -c "'$CUTOVER' replay '$WORK/run.db' --format jsonl | jq -r .kind | sort -u"
check_fails "replay of something that is not a recording" "$WORK/bad.yaml" "$CUTOVER" replay "$WORK/bad.yaml"

# the same scenarios on a running cluster, in real time: a standalone server with its ingress
start_fakeapi --ingress-listen 127.0.0.1:0 --images "$SRC/examples/seed-images.yaml" --pod-ready-seconds 3
check "cutover run --kubeconfig runs them on a cluster" "2 passed, 0 failed" \
  "$CUTOVER" run --kubeconfig "$KUBECONFIG" --ingress "127.0.0.1:$INGRESS_PORT" \
  "$SRC/scenarios/replicaset-scale.yaml" "$SRC/scenarios/seed-day24-manual.yaml"
finish
