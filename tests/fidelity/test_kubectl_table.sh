#!/usr/bin/env bash
# What real kubectl prints from cutover-fakeapi's Tables (server-side printing): the columns and
# cells of the seed demo's own commands (iThome 2024, days 24-26), -o wide, --show-labels, events,
# get -w, and several kinds in one command. kubectl pads columns with spaces, so lines are compared
# with runs of spaces squeezed to one; values that vary (ages, IPs, hashes) are regular expressions.
source "$(dirname "$0")/../lib.sh"
M="$SRC/scenarios/manifests"
CTL_PID=""
trap '[[ -n $CTL_PID ]] && kill "$CTL_PID" 2>/dev/null; stop_fakeapi; rm -rf "$WORK"' EXIT
cat >"$WORK/images.yaml" <<'EOF'
"luciferstut/app-backend-for-ithome2024:latest":
  body: "Hello, welcome to use the container."
"luciferstut/app-backend-for-ithome2024:day-21-canary":
  body: "Hello, welcome to use the container.(Canary version)."
EOF
start_fakeapi --ingress-listen 127.0.0.1:0 --images "$WORK/images.yaml" --seed 25
echo "# $(kubectl version --client 2>&1 | head -1) against $URL"

AGE='[0-9]+(s|m|m[0-9]+s|h|h[0-9]+m|d|d[0-9]+h|y|y[0-9]+d)'
IP='10\.244\.[0-9]+\.[0-9]+'
CIP='10\.96\.[0-9]+\.[0-9]+'
HASH='[a-z0-9]{8,10}'
POD="[a-z0-9]{8,10}-[a-z0-9]{5}"

# squeezed CMD...: CMD's output (and errors) with runs of spaces squeezed to one, no trailing space
squeezed() { "$@" 2>&1 | tr -s ' ' | sed 's/ $//'; }

# check_line NAME REGEX CMD...: passes when some line of CMD's squeezed output matches REGEX whole.
check_line() {
  local name=$1 re=$2; shift 2
  local out
  out=$(squeezed "$@")
  if grep -Eqx -- "$re" <<<"$out"; then ok "$name"; else bad "$name" "wanted a line: $re" "got: ${out:0:1200}"; fi
}

# wait_line REGEX SECONDS CMD...: polls until some squeezed line of CMD's output matches REGEX.
wait_line() {
  local re=$1 secs=$2; shift 2
  for _ in $(seq $((secs * 4))); do
    squeezed "$@" | grep -Eqx -- "$re" && return 0
    sleep 0.25
  done
  return 1
}

# ---- day 24: Deployments, Services, Endpoints, Ingresses in namespace ithome ----
$K apply $V -f "$M/day24-1-base.yaml" -f "$M/day24-2-ingress.yaml" -f "$M/day24-3-apps.yaml" >/dev/null
ready=yes
for want in "endpoints/app-backend $IP:8080,$IP:8080 $AGE" "endpoints/app-backend-canary $IP:8080,$IP:8080 $AGE" \
  "deployment.apps/app-backend 2/2 2 2 $AGE" "deployment.apps/app-backend-canary 2/2 2 2 $AGE"; do
  wait_line "$want" 60 $K get deploy,ep -n ithome || ready=no
done
if [[ $ready != yes ]]; then
  bad "day 24's pods ready behind their Services" "$($K get deploy,rs,pods,ep -n ithome 2>&1 | head -30)"
  finish
  exit
fi
NS="-n ithome"

# kubectl get deployments.apps,service,ep (the blog's three tables)
check_line "deployments header" "NAME READY UP-TO-DATE AVAILABLE AGE" $K get deployments.apps,service,ep $NS
check_line "deployment row: READY 2/2, UP-TO-DATE 2, AVAILABLE 2" "deployment.apps/app-backend 2/2 2 2 $AGE" \
  $K get deployments.apps,service,ep $NS
check_line "services header" "NAME TYPE CLUSTER-IP EXTERNAL-IP PORT\(S\) AGE" $K get deployments.apps,service,ep $NS
check_line "service row: ClusterIP 10.96.x.y <none> 80/TCP" "service/app-backend-canary ClusterIP $CIP <none> 80/TCP $AGE" \
  $K get deployments.apps,service,ep $NS
check_line "endpoints header" "NAME ENDPOINTS AGE" $K get deployments.apps,service,ep $NS
check_line "endpoints row: two pod IPs on 8080" "endpoints/app-backend $IP:8080,$IP:8080 $AGE" \
  $K get deployments.apps,service,ep $NS
# kubectl get ingress
check_line "ingress header" "NAME CLASS HOSTS ADDRESS PORTS AGE" $K get ingress $NS
check_line "ingress row: CLASS <none>, HOSTS, ADDRESS localhost, PORTS 80" \
  "canary-ingress <none> day24\.ithome\.com localhost 80 $AGE" $K get ingress $NS
# -o wide adds the priority 1 columns
check_line "deployments -o wide header" "NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR" \
  $K get deploy $NS -o wide
check_line "deployments -o wide row" \
  "app-backend 2/2 2 2 $AGE apps luciferstut/app-backend-for-ithome2024:latest app=app-backend,version=stable" \
  $K get deploy $NS -o wide
check_line "replicasets -o wide header" "NAME DESIRED CURRENT READY AGE CONTAINERS IMAGES SELECTOR" \
  $K get rs $NS -o wide
check_line "replicasets -o wide row" \
  "app-backend-canary-$HASH 2 2 2 $AGE apps luciferstut/app-backend-for-ithome2024:day-21-canary app=app-backend,pod-template-hash=$HASH,version=canary" \
  $K get rs $NS -o wide
check_line "services -o wide: SELECTOR" "app-backend ClusterIP $CIP <none> 80/TCP $AGE app=app-backend,version=stable" \
  $K get svc $NS -o wide
check_line "pods header" "NAME READY STATUS RESTARTS AGE" $K get pods $NS
check_line "pod row" "app-backend-$POD 1/1 Running 0 $AGE" $K get pods $NS
check_line "pods -o wide --show-labels header" \
  "NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES LABELS" $K get pods $NS -o wide --show-labels
check_line "pods -o wide --show-labels row" \
  "app-backend-$POD 1/1 Running 0 $AGE $IP kind-control-plane <none> <none> app=app-backend,pod-template-hash=$HASH,version=stable" \
  $K get pods $NS -o wide --show-labels
check_line "get one pod by name" "app-backend-$POD 1/1 Running 0 $AGE" \
  bash -c "$K get pod $NS \$($K get pods $NS -l version=stable -o jsonpath='{.items[0].metadata.name}')"
check_line "--sort-by (the whole objects, includeObject=Object)" "app-backend-canary-$POD 1/1 Running 0 $AGE" \
  bash -c "$K get pods $NS --sort-by=.spec.containers[0].image | sed -n 2p"
check_line "--no-headers" "app-backend-$POD 1/1 Running 0 $AGE" bash -c "$K get pods $NS --no-headers | head -1"
check_line "namespaces" "ithome Active $AGE" $K get ns
check_line "namespaces header" "NAME STATUS AGE" $K get ns
check_line "configmaps: DATA" "demo-config 2 $AGE" $K get cm $NS
check_line "across namespaces: NAMESPACE first" "ithome app-backend $IP:8080,$IP:8080 $AGE" $K get ep -A
check_line "kubectl get all: pods, services, deployments, replicasets" \
  "replicaset.apps/app-backend-$HASH 2 2 2 $AGE" $K get all $NS
# events: the printer's columns, and -o wide's
check_line "events header" "LAST SEEN TYPE REASON OBJECT MESSAGE" $K get events $NS
check_line "events row" \
  "$AGE Normal Scheduled pod/app-backend-$POD Successfully assigned ithome/app-backend-$POD to kind-control-plane" \
  $K get events $NS
check_line "events -o wide header" \
  "LAST SEEN TYPE REASON OBJECT SUBOBJECT SOURCE MESSAGE FIRST SEEN COUNT NAME" $K get events $NS -o wide
check_line "events -o wide row" \
  "$AGE Normal Scheduled pod/app-backend-$POD default-scheduler Successfully assigned ithome/app-backend-$POD to kind-control-plane $AGE 1 app-backend-$POD\.[0-9a-f]+" \
  $K get events $NS -o wide
check_line "events -o wide: the kubelet's events name the container and the node" \
  "$AGE Normal Started pod/app-backend-$POD spec.containers\{apps\} kubelet, kind-control-plane Started container apps $AGE 1 app-backend-$POD\.[0-9a-f]+" \
  $K get events $NS -o wide
# the simulated node, as kind's
check_line "nodes: kind's control-plane node, Ready" "kind-control-plane Ready control-plane $AGE v1.32.0" $K get nodes
check_line "nodes -o wide: its internal IP" \
  "kind-control-plane Ready control-plane $AGE v1.32.0 172.18.0.2 <none> Debian GNU/Linux 12 \(bookworm\) [^ ]+ containerd://[0-9.]+" \
  $K get nodes -o wide
check_eq "the node carries the seed's ingress-ready label" "true" $K get node kind-control-plane -o 'jsonpath={.metadata.labels.ingress-ready}'

# get -w: the table, then one row per change, the header once
$K get deploy app-backend $NS -w >"$WORK/watch.out" 2>&1 &
watcher=$!
sleep 1
$K scale deploy app-backend $NS --replicas=3 >/dev/null
for _ in $(seq 40); do grep -Eq 'app-backend +3/3' "$WORK/watch.out" && break; sleep 0.25; done
kill "$watcher" 2>/dev/null
wait "$watcher" 2>/dev/null
check_line "get -w prints a row per change" "app-backend 3/3 3 3 $AGE" cat "$WORK/watch.out"
check_line "get -w: rows in between" "app-backend 2/3 [0-9] [0-9] $AGE" cat "$WORK/watch.out"
check_eq "get -w prints the header once" 1 bash -c "grep -c '^NAME' '$WORK/watch.out'"
$K delete ns ithome --wait=false >/dev/null

# ---- day 25: a blue/green Rollout in the default namespace, driven by cutover-controller ----
$K apply $V -k "$SRC/deploy/crds" >/dev/null
$K wait --for=condition=Established crd/rollouts.argoproj.io --timeout=10s >/dev/null
check_line "CRDs: NAME and CREATED AT" "rollouts\.argoproj\.io [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z" \
  $K get crd
check_line "CRDs header" "NAME CREATED AT" $K get crd
"$BIN/cutover-controller" --kubeconfig "$KUBECONFIG" --healthz-addr 127.0.0.1:0 >"$WORK/controller.out" 2>&1 &
CTL_PID=$!
$K apply $V -f "$M/day25-bluegreen.yaml" >/dev/null
if ! wait_line "rollout\.argoproj\.io/app-backend 1 1 1 1 $AGE" 60 $K get rollouts.argoproj.io,pod -o wide; then
  bad "the Rollout's pod ready" "$($K get rollouts.argoproj.io,rs,pods 2>&1 | head -20)" "$(tail -5 "$WORK/controller.out")"
  finish
  exit
fi
# kubectl get rollouts.argoproj.io,pod -o wide: a custom resource's columns and a pod's, in one command
check_line "rollout header (additionalPrinterColumns)" "NAME DESIRED CURRENT UP-TO-DATE AVAILABLE AGE" \
  $K get rollouts.argoproj.io,pod -o wide
check_line "rollout row" "rollout\.argoproj\.io/app-backend 1 1 1 1 $AGE" $K get rollouts.argoproj.io,pod -o wide
check_line "pod header, wide" "NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES" \
  $K get rollouts.argoproj.io,pod -o wide
check_line "pod row, wide" "pod/app-backend-$POD 1/1 Running 0 $AGE $IP kind-control-plane <none> <none>" \
  $K get rollouts.argoproj.io,pod -o wide
check_line "rollouts by short name" "app-backend 1 1 1 1 $AGE" $K get ro
OLD=$($K get rs -l app=app-backend -o jsonpath='{.items[0].metadata.labels.rollouts-pod-template-hash}')
"$BIN/kubectl-cutover" set image app-backend apps=luciferstut/app-backend-for-ithome2024:day-21-canary >/dev/null
# the preview Service moves to the new version's hash, whose pod comes up beside the old one
NEW=""
for _ in $(seq 240); do
  NEW=$($K get svc app-backend-preview -o jsonpath='{.spec.selector.rollouts-pod-template-hash}' 2>/dev/null)
  running=$($K get pods -l app=app-backend --no-headers 2>/dev/null | grep -c ' 1/1 *Running')
  [[ -n $NEW && $NEW != "$OLD" && $running -eq 2 ]] && break
  sleep 0.25
done
if [[ -z $NEW || $NEW == "$OLD" ]]; then
  bad "the preview Service selects the new version" "old $OLD new $NEW" \
    "$($K get rollouts.argoproj.io,rs,pods,svc -o wide 2>&1)" "$(tail -5 "$WORK/controller.out")"
fi
# kubectl get pod --show-labels -o wide (two versions side by side)
check_line "--show-labels -o wide header" \
  "NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES LABELS" $K get pod --show-labels -o wide
check_line "--show-labels: the new version's pod" \
  "app-backend-$NEW-[a-z0-9]{5} 1/1 Running 0 $AGE $IP kind-control-plane <none> <none> app=app-backend,rollouts-pod-template-hash=$NEW" \
  $K get pod --show-labels -o wide
check_line "--show-labels: the old version's pod" \
  "app-backend-$OLD-[a-z0-9]{5} 1/1 Running 0 $AGE $IP kind-control-plane <none> <none> app=app-backend,rollouts-pod-template-hash=$OLD" \
  $K get pod --show-labels -o wide
# kubectl get svc,ep -o wide
check_line "svc -o wide header" "NAME TYPE CLUSTER-IP EXTERNAL-IP PORT\(S\) AGE SELECTOR" $K get svc,ep -o wide
check_line "preview Service selects the new hash" \
  "service/app-backend-preview ClusterIP $CIP <none> 80/TCP $AGE app=app-backend,rollouts-pod-template-hash=$NEW" \
  $K get svc,ep -o wide
check_line "stable Service selects the old hash" \
  "service/app-backend-stable ClusterIP $CIP <none> 80/TCP $AGE app=app-backend,rollouts-pod-template-hash=$OLD" \
  $K get svc,ep -o wide
check_line "endpoints -o wide header" "NAME ENDPOINTS AGE" $K get svc,ep -o wide
check_line "preview endpoints: one pod on 8080" "endpoints/app-backend-preview $IP:8080 $AGE" $K get svc,ep -o wide
check_line "stable endpoints: one pod on 8080" "endpoints/app-backend-stable $IP:8080 $AGE" $K get svc,ep -o wide
check_line "the Rollout while the preview runs" "app-backend 1 [0-9] [0-9] [0-9] $AGE" $K get ro

# ---- day 26: the canary Ingress the controller creates ----
$K create ns day26 >/dev/null
$K apply $V -n day26 -f "$M/day26-canary.yaml" >/dev/null
if wait_line "app-backend-primary-ingress-canary <none> day24\.ithome\.com localhost 80 $AGE" 60 $K get ingress -n day26; then
  ok "the canary Ingress as the blog prints it"
else
  bad "the canary Ingress as the blog prints it" "$($K get ingress -n day26 2>&1)" "$(tail -5 "$WORK/controller.out")"
fi
check_line "the stable Ingress" "primary-ingress <none> day24\.ithome\.com localhost 80 $AGE" $K get ingress -n day26
finish
