#!/usr/bin/env bash
# The cutover CLI end to end, with real processes and real time: a standalone cutover-fakeapi
# (simulated cluster and ingress-nginx), cutover-controller against it, and the seed's day-26
# canary Rollout driven by `cutover status`, the rollout verbs and `kubectl cutover` (the kubectl
# plugin mechanism). Each verb's request is checked on the server; the output lines and exit codes
# are those of `kubectl argo rollouts`.
source "$(dirname "$0")/../lib.sh"
CUT="$BIN/cutover"
CTL="$BIN/cutover-controller"
NS=cli
RO=app-backend
IMG_STABLE=luciferstut/app-backend-for-ithome2024:latest
IMG_CANARY=luciferstut/app-backend-for-ithome2024:day-21-canary
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; stop_fakeapi; rm -rf "$WORK"' EXIT

# kubectl: Debian's kubernetes-client where none is installed (as scripts/setup.sh does)
if ! command -v kubectl >/dev/null 2>&1; then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "# installing kubernetes-client for kubectl"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq kubernetes-client >/dev/null
  command -v kubectl >/dev/null 2>&1 || { echo "FAIL - kubectl is not installed and could not be"; exit 1; }
fi

# run CMD...: runs it with stdout in OUT, stderr in ERR, the exit status in RC, the time in SECS.
run() {
  local start=$(date +%s%N)
  RC=0
  "$@" >"$WORK/run.out" 2>"$WORK/run.err" || RC=$?
  OUT=$(cat "$WORK/run.out")
  ERR=$(cat "$WORK/run.err")
  MS=$((($(date +%s%N) - start) / 1000000))
  SECS=$(printf '%d.%03d' $((MS / 1000)) $((MS % 1000)))
}
# expect NAME RC STDOUT STDERR: the last run exited RC and printed exactly that ("*" = anything).
expect() {
  local name=$1 rc=$2 out=$3 err=$4
  if [[ $RC == "$rc" && ($out == "*" || $OUT == "$out") && ($err == "*" || $ERR == "$err") ]]; then ok "$name"
  else bad "$name" "wanted rc=$rc stdout=[$out] stderr=[$err]" "got rc=$RC stdout=[$OUT] stderr=[$ERR]"; fi
}
# wait_for SECONDS CMD...: polls CMD until it succeeds; 1 if it never does.
wait_for() {
  local n=$(($1 * 10)); shift
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}
# ro JQ: a field of the Rollout as the server has it (curl, so no client cache or kubectl version
# is involved).
ro() { curl -s --max-time 5 "$URL/apis/argoproj.io/v1alpha1/namespaces/$NS/rollouts/$RO" | jq -c "$1"; }
ro_raw() { curl -s --max-time 5 "$URL/apis/argoproj.io/v1alpha1/namespaces/$NS/rollouts/$RO" | jq -r "$1"; }
ro_is() { [[ $(ro "$1") == "$2" ]]; }
status_is() { [[ $("$CUT" status $RO -n $NS --watch=false 2>/dev/null) == "$1" ]]; }
# check_ro NAME JQ WANT: the server's Rollout has WANT at JQ.
check_ro() {
  local got; got=$(ro "$2")
  if [[ $got == "$3" ]]; then ok "$1"; else bad "$1" "wanted $2 = $3" "got $got"; fi
}

# start_ctl / stop_ctl: the controller as a process (health server off); its log in ctl.log.
start_ctl() {
  "$CTL" --kubeconfig "$KUBECONFIG" --healthz-addr "" >>"$WORK/ctl.log" 2>&1 &
  CTL_PID=$!
  PIDS+=("$CTL_PID")
}
stop_ctl() { kill -TERM "$CTL_PID"; wait "$CTL_PID" 2>/dev/null; }

start_fakeapi --ingress-listen 127.0.0.1:0 --images "$SRC/examples/seed-images.yaml" --pod-ready-seconds 1
echo "# cutover-fakeapi at $URL, $(kubectl version --client 2>&1 | head -1)"
check "CRDs applied" 'customresourcedefinition.apiextensions.k8s.io/rollouts.argoproj.io' $K apply $V -k "$SRC/deploy/crds"
check "the Rollout CRD is Established" "condition met" \
  $K wait --for=condition=Established crd/rollouts.argoproj.io --timeout=10s
printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n' $NS >"$WORK/ns.yaml"
check "namespace $NS from a manifest" "namespace/$NS created" $K apply $V -f "$WORK/ns.yaml"

start_ctl
if wait_for 15 grep -q 'informers synced' "$WORK/ctl.log"; then ok "cutover-controller started"
else bad "cutover-controller started" "$(cat "$WORK/ctl.log")"; finish; exit; fi

check "apply the day-26 canary Rollout" "rollout.argoproj.io/$RO created" \
  $K apply $V -n $NS -f "$SRC/scenarios/manifests/day26-canary.yaml"

# ---- status: watch to Healthy, print once ----
run timeout 30 "$CUT" status $RO -n $NS
if [[ $RC == 0 && $(tail -1 <<<"$OUT") == Healthy && $(head -1 <<<"$OUT") == "Progressing - "* &&
      $(grep -vc '^Progressing - ' <<<"$OUT") == 1 && -z $ERR ]]; then
  ok "status watches to Healthy: $(tr '\n' '|' <<<"$OUT")exit 0"
else bad "status watches to Healthy (Progressing lines, then Healthy, exit 0)" "rc=$RC" "stdout: $OUT" "stderr: $ERR"; fi
if [[ $(uniq -d <<<"$OUT") == "" ]]; then ok "status prints a line only when it changes"
else bad "status prints a line only when it changes" "$OUT"; fi
run "$CUT" status $RO -n $NS --watch=false
expect "status --watch=false prints once" 0 Healthy ""
run "$CUT" status -w=false -n $NS $RO
expect "status -w=false, flags before the name" 0 Healthy ""
run "$CUT" status $RO -n $NS
expect "status of a Healthy rollout (watch) returns at once" 0 Healthy ""
run "$CUT" -n $NS status $RO --watch=false
expect "global flags before the command: cutover -n NS status NAME" 0 Healthy ""
run "$CUT" --kubeconfig "$KUBECONFIG" --namespace=$NS status $RO --watch=false
expect "global flags before the command: cutover --kubeconfig F --namespace=NS status NAME" 0 Healthy ""

# ---- set image: the canary pauses at its first pause step ----
run "$CUT" set image $RO apps=$IMG_CANARY -n $NS
expect "set image NAME apps=IMAGE" 0 "rollout \"$RO\" image updated" ""
check_ro "... the image is updated on the server" '.spec.template.spec.containers[0].image' "\"$IMG_CANARY\""
if wait_for 20 status_is "Paused - CanaryPauseStep"; then ok "the canary reaches its pause step"
else bad "the canary reaches its pause step" "$("$CUT" status $RO -n $NS --watch=false 2>&1)"; fi
run "$CUT" status $RO -n $NS --watch=false
expect "status --watch=false: Paused - CanaryPauseStep (exit 0: Paused is not terminal)" 0 "Paused - CanaryPauseStep" ""
run "$CUT" status $RO -n $NS -t 3s
expect "status -t 3s while paused: the timeout error, exit 1" 1 "Paused - CanaryPauseStep" \
  "error: Rollout status watch exceeded timeout"
if ((MS >= 2900 && MS < 6000)); then ok "... after ${SECS}s"
else bad "... after about 3 s" "took ${SECS}s"; fi
run "$CUT" status $RO -n $NS --timeout=1500ms
expect "status --timeout=1500ms (a Go duration)" 1 "Paused - CanaryPauseStep" "error: Rollout status watch exceeded timeout"

# ---- promote: on to the next pause, weight 33 ----
run "$CUT" promote $RO -n $NS
expect "promote" 0 "rollout '$RO' promoted" ""
if wait_for 20 ro_is '[.status.currentStepIndex, (.status.pauseConditions|length)]' '[3,1]'; then
  ok "... the controller moves to the second pause step"
else bad "... the controller moves to the second pause step" "$(ro .status)"; fi
canary_weight() {
  curl -s "$URL/apis/networking.k8s.io/v1/namespaces/$NS/ingresses/$RO-primary-ingress-canary" |
    jq -r '.metadata.annotations["nginx.ingress.kubernetes.io/canary-weight"]'
}
if wait_for 10 test "$(canary_weight)" = 33; then ok "... and the canary Ingress weight is 33"
else bad "... and the canary Ingress weight is 33" "got $(canary_weight)"; fi

# ---- abort: Degraded ----
run "$CUT" abort $RO -n $NS
expect "abort" 0 "rollout '$RO' aborted" ""
run timeout 20 "$CUT" status $RO -n $NS
DEGRADED="RolloutAborted: Rollout aborted update to revision 2"
if [[ $RC == 1 && $(tail -1 <<<"$OUT") == "Degraded - $DEGRADED" &&
      $ERR == "error: The rollout is in a degraded state with message: $DEGRADED" ]]; then
  ok "status of an aborted rollout (watch): Degraded, exit 1"
else bad "status of an aborted rollout (watch): Degraded, exit 1" "rc=$RC" "stdout: $OUT" "stderr: $ERR"; fi
run "$CUT" status $RO -n $NS --watch=false
expect "status --watch=false of a Degraded rollout: exit 1" 1 "Degraded" \
  "error: The rollout is in a degraded state with message: $DEGRADED"

# ---- retry: back to the first pause ----
run "$CUT" retry rollout $RO -n $NS
expect "retry rollout" 0 "rollout '$RO' retried" ""
if wait_for 20 status_is "Paused - CanaryPauseStep"; then ok "... the canary starts again and pauses"
else bad "... the canary starts again and pauses" "$("$CUT" status $RO -n $NS --watch=false 2>&1)"; fi

# ---- each verb's request on the server, with the controller stopped so nothing moves ----
stop_ctl
check_ro "(paused at the first pause step, mid-update)" \
  '[.status.pauseConditions[0].reason, .status.currentPodHash != .status.stableRS]' '["CanaryPauseStep",true]'
run "$CUT" promote $RO -n $NS
expect "promote (controller stopped)" 0 "rollout '$RO' promoted" ""
check_ro "... pauseConditions cleared" '.status.pauseConditions' null
run "$CUT" status $RO -n $NS --watch=false
expect "status after promote, before the controller acts: Argo's IsUnpausing" 0 \
  "Progressing - waiting for rollout to unpause" ""
run "$CUT" promote $RO --full -n $NS
expect "promote --full (controller stopped)" 0 "rollout '$RO' fully promoted" ""
check_ro "... status.promoteFull is true" '.status.promoteFull' true
run "$CUT" abort $RO -n $NS
expect "abort (controller stopped)" 0 "rollout '$RO' aborted" ""
check_ro "... status.abort is true" '.status.abort' true
run "$CUT" retry rollout $RO -n $NS
expect "retry rollout (controller stopped)" 0 "rollout '$RO' retried" ""
check_ro "... status.abort is false" '.status.abort' false

# ---- the full promotion, watched through a dropped watch and a compacted log (410 Gone) ----
"$CUT" status $RO -n $NS -t 40s -v >"$WORK/bg.out" 2>"$WORK/bg.err" &
BG=$!
PIDS+=("$BG")
wait_for 10 grep -q . "$WORK/bg.out"
wait_for 5 grep -q 'kube: WATCH' "$WORK/bg.err"
curl -s -X POST "$URL/_cutover/faults" -d '{"compact":{"keep":0}}' >/dev/null
curl -s -X POST "$URL/_cutover/faults" -d '{"closeWatches":true}' >/dev/null
start_ctl
BG_RC=0
for _ in $(seq 300); do kill -0 $BG 2>/dev/null || break; sleep 0.1; done
wait $BG || BG_RC=$?
watches=$(grep -c 'kube: WATCH .* 200 ' "$WORK/bg.err")
if [[ $BG_RC == 0 && $(head -1 "$WORK/bg.out") == "Progressing - waiting for rollout to unpause" &&
      $(tail -1 "$WORK/bg.out") == Healthy && $watches -ge 2 ]]; then
  ok "status watches the full promotion to Healthy through a closed watch and a 410 ($watches watches): $(tr '\n' '|' <"$WORK/bg.out")"
else bad "status watches the full promotion to Healthy through a closed watch and a 410" "rc=$BG_RC watches=$watches" \
  "stdout: $(cat "$WORK/bg.out")" "stderr: $(grep -v '^kube: \(GET\|PATCH\)' "$WORK/bg.err" | tail -5)"; fi
wait_for 20 ro_is '.status.stableRS == .status.currentPodHash' true
check_ro "... the canary image is now stable" \
  '[.status.stableRS == .status.currentPodHash, .spec.template.spec.containers[0].image]' "[true,\"$IMG_CANARY\"]"
stop_ctl

run "$CUT" pause $RO -n $NS
expect "pause" 0 "rollout '$RO' paused" ""
check_ro "... spec.paused is true" '.spec.paused' true
run "$CUT" status $RO -n $NS --watch=false
expect "status of a spec change not yet observed (Argo's GetRolloutPhase)" 0 \
  "Progressing - waiting for rollout spec update to be observed" ""
run "$CUT" status $RO -n $NS -t 1s
expect "... watched: the same line, then the timeout" 1 \
  "Progressing - waiting for rollout spec update to be observed" "error: Rollout status watch exceeded timeout"

now=$(date +%s)
run "$CUT" restart $RO -n $NS
expect "restart" 0 "rollout '$RO' restarts in 0s" ""
at=$(date -d "$(ro_raw .spec.restartAt)" +%s 2>/dev/null || echo 0)
if ((at >= now - 1 && at <= now + 3)); then ok "... spec.restartAt is now ($(ro_raw .spec.restartAt))"
else bad "... spec.restartAt is now" "got $(ro .spec.restartAt), now $(date -u -d @$now +%FT%TZ)"; fi
now=$(date +%s)
run "$CUT" restart $RO --in 30s -n $NS
expect "restart --in 30s" 0 "rollout '$RO' restarts in 30s" ""
at=$(date -d "$(ro_raw .spec.restartAt)" +%s 2>/dev/null || echo 0)
if ((at >= now + 29 && at <= now + 33)); then ok "... spec.restartAt is 30 s from now ($(ro_raw .spec.restartAt))"
else bad "... spec.restartAt is 30 s from now" "got $(ro .spec.restartAt), now $(date -u -d @$now +%FT%TZ)"; fi

run "$CUT" set image $RO apps=example/app:v2 -n $NS
expect "set image NAME apps=IMAGE (controller stopped)" 0 "rollout \"$RO\" image updated" ""
check_ro "... spec.template's container image" '.spec.template.spec.containers[0].image' '"example/app:v2"'
run "$CUT" set image $RO '*=example/app:v3' -n $NS
expect "set image NAME '*=IMAGE'" 0 "rollout \"$RO\" image updated" ""
check_ro "... every container's image" '[.spec.template.spec.containers[].image]' '["example/app:v3"]'
run "$CUT" undo $RO --to-revision 1 -n $NS
expect "undo --to-revision 1" 0 "rollout '$RO' undo" ""
check_ro "... revision 1's template restored" '.spec.template.spec.containers[0].image' "\"$IMG_STABLE\""
run "$CUT" set image $RO apps=example/app:v4 -n $NS
run "$CUT" undo $RO -n $NS
expect "undo (the previous revision)" 0 "rollout '$RO' undo" ""
check_ro "... the previous revision's template (revision 1) restored" '.spec.template.spec.containers[0].image' \
  "\"$IMG_STABLE\""
check_ro "... without the pod-template-hash label" '.spec.template.metadata.labels' '{"app":"app-backend"}'

# ---- the kubectl plugin mechanism ----
mkdir -p "$WORK/plugins"
ln -s "$CUT" "$WORK/plugins/kubectl-cutover"
run env PATH="$WORK/plugins:$PATH" kubectl plugin list
if [[ $OUT == *"$WORK/plugins/kubectl-cutover"* ]]; then ok "kubectl plugin list shows kubectl-cutover"
else bad "kubectl plugin list shows kubectl-cutover" "rc=$RC" "$OUT" "$ERR"; fi
run "$CUT" abort $RO -n $NS # something for promote to clear again
curl -s -X PATCH -H 'Content-Type: application/merge-patch+json' \
  "$URL/apis/argoproj.io/v1alpha1/namespaces/$NS/rollouts/$RO/status" \
  -d '{"status":{"pauseConditions":[{"reason":"CanaryPauseStep","startTime":"2026-01-01T00:00:00Z"}]}}' >/dev/null
run env PATH="$WORK/plugins:$PATH" kubectl cutover promote $RO -n $NS
expect "kubectl cutover promote NAME -n NS" 0 "rollout '$RO' promoted" ""
check_ro "... pauseConditions cleared" '.status.pauseConditions' null
run env PATH="$WORK/plugins:$PATH" kubectl cutover status $RO -n $NS --watch=false
expect "kubectl cutover status NAME -n NS --watch=false" 0 \
  "Progressing - waiting for rollout spec update to be observed" ""

# ---- errors ----
run "$CUT" status nope -n $NS
expect "status of an unknown rollout: exit 1" 1 "" 'error: rollouts.argoproj.io "nope" not found'
run "$CUT" status nope -n $NS --watch=false
expect "status --watch=false of an unknown rollout: exit 1" 1 "" 'error: rollouts.argoproj.io "nope" not found'
run "$CUT" promote nope -n $NS
expect "promote an unknown rollout: exit 1" 1 "" 'error: rollouts.argoproj.io "nope" not found'
run "$CUT" status $RO -n default
expect "status in the wrong namespace: exit 1" 1 "" "error: rollouts.argoproj.io \"$RO\" not found"
run "$CUT" pause $RO -n default
expect "pause in the wrong namespace: exit 1" 1 "" "error: rollouts.argoproj.io \"$RO\" not found"
cat >"$WORK/unreachable.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: gone, cluster: {server: "http://127.0.0.1:1"}}]
contexts: [{name: gone, context: {cluster: gone, namespace: $NS}}]
current-context: gone
EOF
for cmd in "status $RO" "promote $RO"; do
  run timeout 20 "$CUT" $cmd --kubeconfig "$WORK/unreachable.kubeconfig"
  if [[ $RC == 1 && -z $OUT && $(wc -l <<<"$ERR") == 1 && $ERR == "error: "* ]] && ((MS < 5000)); then
    ok "$cmd: an unreachable API server: one line, exit 1, after ${SECS}s"
  else bad "$cmd: an unreachable API server: one line, exit 1, fast" "rc=$RC after ${SECS}s" "stdout: $OUT" "stderr: $ERR"; fi
done
run "$CUT" status $RO -n $NS --bogus
if [[ $RC == 2 && $ERR == "error: unknown flag: --bogus"* ]]; then ok "status with an unknown flag: exit 2"
else bad "status with an unknown flag: exit 2" "rc=$RC" "$ERR"; fi
run "$CUT" promote $RO -n $NS --bogus
if [[ $RC == 2 && $ERR == *"unknown flag: --bogus"* ]]; then ok "promote with an unknown flag: exit 2"
else bad "promote with an unknown flag: exit 2" "rc=$RC" "$ERR"; fi
run "$CUT" status -n $NS
if [[ $RC == 2 && $ERR == error:* ]]; then ok "status without a name: exit 2"; else bad "status without a name: exit 2" "rc=$RC" "$ERR"; fi
run "$CUT" status $RO -n $NS -t 5
if [[ $RC == 2 && $ERR == *'time: missing unit in duration "5"'* ]]; then ok "status -t 5 (no unit): exit 2"
else bad "status -t 5 (no unit): exit 2" "rc=$RC" "$ERR"; fi
run "$CUT" status $RO -n $NS --watch=maybe
if [[ $RC == 2 && $ERR == *'invalid argument "maybe"'* ]]; then ok "status --watch=maybe: exit 2"
else bad "status --watch=maybe: exit 2" "rc=$RC" "$ERR"; fi

finish
