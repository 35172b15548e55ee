#!/usr/bin/env bash
# cutover-controller as a process against a standalone cutover-fakeapi: flags and exit statuses,
# /healthz and /readyz, fail-fast start-up on an unreachable server, a clean stop on SIGTERM,
# Lease leader election (acquire, stand by, hand over, lose), and a first reconcile: a blue/green
# Rollout gets its ReplicaSet <rollout>-<pod-template-hash>.
source "$(dirname "$0")/../lib.sh"
CTL="$BIN/cutover-controller"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; stop_fakeapi; rm -rf "$WORK"' EXIT

# start_ctl LOG ARGS...: starts the controller with a free health port; sets CTL_PID and HEALTH
# (host:port, from its "Starting Healthz Server at" line). Returns 1 if that line never comes.
start_ctl() {
  local log=$1; shift
  "$CTL" --kubeconfig "$KUBECONFIG" --healthz-addr 127.0.0.1:0 "$@" >"$log" 2>&1 &
  CTL_PID=$!
  PIDS+=("$CTL_PID")
  HEALTH=""
  for _ in $(seq 100); do
    HEALTH=$(sed -n 's/.*msg="Starting Healthz Server at \(127\.0\.0\.1:[0-9]*\)".*/\1/p' "$log")
    [[ -n $HEALTH ]] && return 0
    kill -0 "$CTL_PID" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}

# stop_ctl PID [SIGNAL]: signals it (TERM) and waits up to 15 s; sets STOP_RC (exit status, or
# "hung" after a SIGKILL).
stop_ctl() {
  kill "-${2:-TERM}" "$1" 2>/dev/null
  wait_exit "$1" 150
}

# wait_exit PID TENTHS: waits for PID to exit by itself; sets STOP_RC ("hung" if it did not).
wait_exit() {
  for _ in $(seq "$2"); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$1" 2>/dev/null; then
    kill -KILL "$1"; wait "$1" 2>/dev/null; STOP_RC=hung; return
  fi
  STOP_RC=0
  wait "$1" || STOP_RC=$?
}

code() { curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://$1"; }

# wait_code ADDR/PATH CODE SECONDS: polls until the path answers CODE.
wait_code() {
  for _ in $(seq $(($3 * 10))); do [[ $(code "$1") == "$2" ]] && return 0; sleep 0.1; done
  return 1
}

lease_holder() {
  $K get lease argo-rollouts-controller-lock -n argo-rollouts -o jsonpath='{.spec.holderIdentity}' 2>/dev/null
}

# wait_holder WANT SECONDS: polls until the Lease's holderIdentity is WANT.
wait_holder() {
  for _ in $(seq $(($2 * 10))); do [[ $(lease_holder) == "$1" ]] && return 0; sleep 0.1; done
  return 1
}

identity() { sed -n 's/.*msg="Leaderelection get id \([^"]*\)".*/\1/p' "$1"; }

# ---- flags: no server needed ----
check "--help prints the usage and exits 0" 'usage: cutover-controller [flags]' "$CTL" --help
check_eq "--version" "cutover-controller 0.1.0" "$CTL" --version
rc=0; out=$("$CTL" --no-such-flag 2>&1) || rc=$?
if [[ $rc -eq 2 && $(head -1 <<<"$out") == "cutover-controller: unknown flag: --no-such-flag" &&
      $out == *"usage: cutover-controller [flags]"* ]]; then
  ok "an unknown flag: one line naming it, then the usage, exit 2"
else bad "an unknown flag: one line naming it, then the usage, exit 2" "rc=$rc" "$out"; fi
for args in "--rollout-threads 0" "--loglevel verbose" "--qps -1" "--healthz-addr 8080" "--kubeconfig" "stray"; do
  rc=0; out=$("$CTL" $args 2>&1) || rc=$?
  if [[ $rc -eq 2 && $out == cutover-controller:* ]]; then ok "bad flag '$args': exit 2"
  else bad "bad flag '$args': exit 2" "rc=$rc" "$out"; fi
done

# ---- configuration errors: exit 1 with a message, never a hang ----
check_fails "a missing kubeconfig file: exit 1 naming it" "$WORK/missing.kubeconfig: No such file" \
  timeout 20 "$CTL" --kubeconfig "$WORK/missing.kubeconfig" --healthz-addr ""
cat >"$WORK/unreachable.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: gone, cluster: {server: "http://127.0.0.1:1"}}]
contexts: [{name: gone, context: {cluster: gone}}]
current-context: gone
EOF
start=$SECONDS; rc=0
timeout 30 "$CTL" --kubeconfig "$WORK/unreachable.kubeconfig" --healthz-addr "" >"$WORK/unreachable.log" 2>&1 || rc=$?
elapsed=$((SECONDS - start))
if [[ $rc -eq 1 && $elapsed -le 15 ]] && grep -q 'level=error msg="cannot reach the API server http://127.0.0.1:1' "$WORK/unreachable.log"; then
  ok "an unreachable API server: a clear error and exit 1 after ${elapsed}s"
else bad "an unreachable API server: a clear error and exit 1 within 15 s" "rc=$rc after ${elapsed}s" "$(cat "$WORK/unreachable.log")"; fi

start_fakeapi
check_fails "a server without the Rollout CRD: exit 1 saying so" "install the CRDs" \
  timeout 20 "$CTL" --kubeconfig "$KUBECONFIG" --healthz-addr ""
check "CRDs applied" 'customresourcedefinition.apiextensions.k8s.io/rollouts.argoproj.io' $K apply $V -k "$SRC/deploy/crds"

# ---- one controller: health, logs, a first reconcile, SIGTERM ----
if ! start_ctl "$WORK/a.log"; then
  bad "cutover-controller starts and serves /healthz" "$(cat "$WORK/a.log")"
  finish; exit
fi
ok "cutover-controller starts; health server on $HEALTH"
check_eq "/healthz answers ok" "ok" curl -s --max-time 5 "http://$HEALTH/healthz"
if wait_code "$HEALTH/readyz" 200 10; then ok "/readyz is 200 once the informers have synced"
else bad "/readyz is 200 once the informers have synced" "$(code "$HEALTH/readyz")" "$(cat "$WORK/a.log")"; fi
check_eq "an unknown path: 404" 404 code "$HEALTH/metrics"
check_eq "a second controller on the same health address: exit 1" 1 \
  bash -c "timeout 20 '$CTL' --kubeconfig '$KUBECONFIG' --healthz-addr '$HEALTH' >'$WORK/inuse.log' 2>&1; echo \$?"
check "... saying why" "cannot listen: Address already in use" cat "$WORK/inuse.log"
check "logs are structured lines on stderr" 'level=info msg="informers synced' cat "$WORK/a.log"

cat >"$WORK/bluegreen.yaml" <<EOF
apiVersion: v1
kind: Namespace
metadata: {name: ctl}
---
apiVersion: v1
kind: Service
metadata: {name: bg-active, namespace: ctl}
spec:
  selector: {app: bg}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: bg, namespace: ctl}
spec:
  replicas: 1
  selector: {matchLabels: {app: bg}}
  template:
    metadata: {labels: {app: bg}}
    spec:
      containers: [{name: app, image: "argoproj/rollouts-demo:blue", ports: [{containerPort: 8080}]}]
  strategy:
    blueGreen: {activeService: bg-active, autoPromotionEnabled: false}
EOF
check "a blue/green Rollout and its active Service applied" 'rollout.argoproj.io/bg created' $K apply $V -f "$WORK/bluegreen.yaml"
rs=""
for _ in $(seq 100); do
  rs=$($K get rs -n ctl -o jsonpath='{range .items[*]}{.metadata.name} {.metadata.labels.rollouts-pod-template-hash} {.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}{"\n"}{end}' 2>/dev/null)
  [[ -n $rs ]] && break
  sleep 0.1
done
read -r rs_name rs_hash rs_owner <<<"$rs"
if [[ -n $rs_hash && $rs_name == "bg-$rs_hash" && $rs_owner == Rollout/bg ]]; then
  ok "the controller created ReplicaSet $rs_name, owned by the Rollout"
else
  bad "the controller creates ReplicaSet bg-<pod-template-hash> owned by Rollout/bg within 10 s" "got: ${rs:-none}" \
    "$(grep -v 'level=debug' "$WORK/a.log" | tail -15)"
fi

stop_ctl "$CTL_PID"
check_eq "SIGTERM: exit 0" 0 echo "$STOP_RC"
check "... after saying so" 'msg="received SIGTERM, shutting down"' cat "$WORK/a.log"
if grep -q 'level=error' "$WORK/a.log"; then bad "no errors logged by a healthy run" "$(grep 'level=error' "$WORK/a.log")"
else ok "no errors logged by a healthy run"; fi

# ---- leader election: acquire, stand by, hand over, lose ----
printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: argo-rollouts}\n' | $K apply $V -f - >/dev/null
start_ctl "$WORK/leader1.log" --leader-elect
P1=$CTL_PID H1=$HEALTH
ID1=$(identity "$WORK/leader1.log")
if [[ $ID1 == "$(hostname)_"* ]] && wait_holder "$ID1" 10; then ok "--leader-elect: Lease argo-rollouts/argo-rollouts-controller-lock held by $ID1"
else bad "--leader-elect creates the Lease held by hostname_<id>" "identity '$ID1', holder '$(lease_holder)'" "$(cat "$WORK/leader1.log")"; fi
if wait_code "$H1/readyz" 200 10; then ok "the leader is ready"; else bad "the leader is ready" "$(code "$H1/readyz")"; fi

start_ctl "$WORK/leader2.log" --leader-elect
P2=$CTL_PID H2=$HEALTH
ID2=$(identity "$WORK/leader2.log")
sleep 2.5 # more than a retry period: it has tried and found the lease held
check_eq "a second replica stands by: /readyz 503" 503 code "$H2/readyz"
check_eq "... /healthz still 200" 200 code "$H2/healthz"
check_eq "... and the Lease still names the first" "$ID1" lease_holder
check "... which says so in its log" 'msg="attempting to acquire leader lease argo-rollouts/argo-rollouts-controller-lock..."' cat "$WORK/leader2.log"

stop_ctl "$P1"
check_eq "the leader on SIGTERM: exit 0" 0 echo "$STOP_RC"
check "... releasing the lease" 'msg="released lease argo-rollouts/argo-rollouts-controller-lock"' cat "$WORK/leader1.log"
if wait_holder "$ID2" 10 && wait_code "$H2/readyz" 200 10; then ok "the second replica takes over at once and becomes ready"
else bad "the second replica takes over within 10 s" "holder '$(lease_holder)', readyz $(code "$H2/readyz")" "$(cat "$WORK/leader2.log")"; fi

# another holder takes the lease (as an expired renewal would let it): the leader must stop
$K patch lease argo-rollouts-controller-lock -n argo-rollouts --type=merge -p '{"spec":{"holderIdentity":"intruder"}}' >/dev/null
wait_exit "$P2" 100
check_eq "leadership lost: the leader exits 1 by itself" 1 echo "$STOP_RC"
check "... saying so" 'level=error msg="leader election lost: argo-rollouts/argo-rollouts-controller-lock"' cat "$WORK/leader2.log"
check_eq "... and leaves the lease to its new holder" intruder lease_holder

# --leader-election-namespace defaults to --namespace
start_ctl "$WORK/leader3.log" --leader-elect --namespace ctl
if wait_code "$HEALTH/readyz" 200 10 &&
   [[ $($K get lease argo-rollouts-controller-lock -n ctl -o jsonpath='{.spec.holderIdentity}') == "$(identity "$WORK/leader3.log")" ]]; then
  ok "with --namespace ctl the Lease is in ctl"
else bad "with --namespace ctl the Lease is in ctl" "$($K get lease -A 2>&1)" "$(cat "$WORK/leader3.log")"; fi
stop_ctl "$CTL_PID" INT
check_eq "SIGINT: exit 0" 0 echo "$STOP_RC"
finish
