#!/usr/bin/env bash
# demo-seed.sh: the seed demo's day-25 (blue/green) and day-26 (canary with ingress-nginx)
# walkthroughs, as the blog types them, with Cutover in place of Argo Rollouts: each command is
# printed ("$ ...") with its output. `kubectl edit` becomes `kubectl cutover set image` and
# `kubectl argo rollouts` becomes `kubectl cutover`; waits the blog leaves to the reader are
# `kubectl wait`. Run by `make -f Makefile.e2e demo` against kind (and by
# tests/e2e/test_makefile_e2e.sh against the fake cluster).
#   KUBECTL (kubectl), CUTOVER_BIN_DIR (where kubectl-cutover is; put first on PATH),
#   INGRESS_HOST (127.0.0.1), INGRESS_PORT (30000), MANIFESTS (scenarios/manifests),
#   WAIT (180s: the longest any wait may take), NS (ithome), DEMO_REQUESTS (10)
# Exits non-zero at the first command that fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KUBECTL=${KUBECTL:-kubectl}
[[ -n ${CUTOVER_BIN_DIR:-} ]] && export PATH="$CUTOVER_BIN_DIR:$PATH"
INGRESS_HOST=${INGRESS_HOST:-127.0.0.1}
PORT=${INGRESS_PORT:-30000}
MANIFESTS=${MANIFESTS:-$here/../../scenarios/manifests}
WAIT=${WAIT:-180s}
NS=${NS:-ithome}
N=${DEMO_REQUESTS:-10}
HOST=day24.ithome.com
CANARY_IMAGE=luciferstut/app-backend-for-ithome2024:day-21-canary

# run CMD...: prints the command as typed (an argument with shell characters in single quotes),
# then runs it (its output follows)
run() {
  local a line=""
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_./:=@,+%-]+$ ]]; then line+=" $a"; else line+=" '$a'"; fi
  done
  printf '\n$%s\n' "$line"
  "$@"
}
title() { printf '\n==== %s\n' "$*"; }
kubectl() { command "$KUBECTL" "$@"; }
# the blog's curl, aimed at the ingress-nginx NodePort
call() { curl -s --max-time 10 "$HOST:$PORT" --resolve "$HOST:$PORT:$INGRESS_HOST" "$@"; echo; }
calls() {
  printf '\n$ for i in {1..%s}; do curl %s:%s --resolve %s:%s:%s; echo ""; done\n' "$N" "$HOST" "$PORT" "$HOST" "$PORT" "$INGRESS_HOST"
  for ((i = 1; i <= N; i++)); do curl -s --max-time 10 "$HOST:$PORT" --resolve "$HOST:$PORT:$INGRESS_HOST"; echo; done
}
# the blog's curl, printed as typed
curl_demo() {
  printf '\n$ curl %s:%s --resolve %s:%s:%s%s\n' "$HOST" "$PORT" "$HOST" "$PORT" "$INGRESS_HOST" "${1:+ -H \"$1\"}"
  if [[ -n ${1:-} ]]; then call -H "$1"; else call; fi
}
fresh_namespace() {
  if kubectl get namespace "$NS" >/dev/null 2>&1; then
    run kubectl delete namespace "$NS" --wait=true --timeout="$WAIT"
  fi
  run kubectl create namespace "$NS" # the blog's own command (a protobuf body)
}
wait_phase() { run kubectl wait -n "$NS" rollout/app-backend --for=jsonpath='{.status.phase}'="$1" --timeout="$WAIT"; }
weight() {
  run kubectl get ingress app-backend-primary-ingress-canary -n "$NS" \
    -o jsonpath='{.metadata.annotations.nginx\.ingress\.kubernetes\.io/canary-weight}{"\n"}'
}

title "Day 25: blue/green (Argo Rollouts' blueGreen strategy, Cutover's controller)"
fresh_namespace
run kubectl apply -n "$NS" -f "$MANIFESTS/day25-bluegreen.yaml"
wait_phase Healthy
run kubectl get rollouts.argoproj.io,pod -n "$NS" -o wide
run kubectl cutover get rollout app-backend -n "$NS"
curl_demo
curl_demo "Canary: true"
title "Day 25: the new version (the blog: kubectl edit; image day-21-canary)"
run kubectl cutover set image app-backend -n "$NS" "apps=$CANARY_IMAGE"
wait_phase Paused
run kubectl get pod -n "$NS" --show-labels
run kubectl get svc -n "$NS" -o custom-columns=NAME:.metadata.name,SELECTOR:.spec.selector
curl_demo
curl_demo "Canary: true"
title "Day 25: promote --full (all traffic to the new version)"
run kubectl cutover promote app-backend -n "$NS" --full
wait_phase Healthy
run kubectl cutover get rollout app-backend -n "$NS"
curl_demo

title "Day 26: canary with ingress-nginx traffic routing (setWeight 10, pause, 33, pause)"
fresh_namespace
run kubectl apply -n "$NS" -f "$MANIFESTS/day26-canary.yaml"
wait_phase Healthy
run kubectl get ingress -n "$NS"
weight
title "Day 26: the new version"
run kubectl cutover set image app-backend -n "$NS" "apps=$CANARY_IMAGE"
wait_phase Paused
run kubectl cutover get rollout app-backend -n "$NS"
weight
calls
curl_demo "Canary: true"
title "Day 26: promote (33%)"
run kubectl cutover promote app-backend -n "$NS"
run kubectl wait -n "$NS" rollout/app-backend --for=jsonpath='{.status.currentStepIndex}'=3 --timeout="$WAIT"
weight
calls
title "Day 26: promote again (100%: the new version is stable, the canary weight back to 0)"
run kubectl cutover promote app-backend -n "$NS"
wait_phase Healthy
weight
run kubectl cutover get rollout app-backend -n "$NS"
calls
title "Done"
