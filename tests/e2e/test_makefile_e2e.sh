#!/usr/bin/env bash
# Makefile.e2e without kind: its targets pointed at a standalone cutover-fakeapi (the cluster, with
# its ingress port and the stand-in images' answers) and a standalone cutover-controller process,
# so the whole real-time path runs here: two processes, real HTTP, real time.
#   - make -n all: the kind, ingress-nginx (pinned), CRD, image, controller, test and demo steps, in order
#   - kind-configs/: the seed's cluster, as YAML with the expected fields
#   - images/: the stand-in server (built and run), stand-ins.yaml against every scenario's images
#   - make cluster/images/controller-in-cluster with docker and kind replaced by recorders: what
#     they would run; deploy/controller really applied (kubectl, --dry-run=server first) and rolled out
#   - the controller's RBAC against every write the controller makes in the scenarios
#   - make crds, controller (twice: idempotent), test, demo, logs, controller-stop for real
# make test runs a representative subset (SCENARIOS=...): the 19 cluster-capable scenarios take
# about 25 minutes in real time. CUTOVER_E2E_ALL=1 runs them all.
source "$(dirname "$0")/../lib.sh"
MAKEFILE="$SRC/Makefile.e2e"
MK=(make --no-print-directory -f "$MAKEFILE" BUILD="$BIN" E2E_DIR="$WORK/e2e")

# ---------------------------------------------------------------------------------------------
# make -n all: every step, in order, with pinned versions
# ---------------------------------------------------------------------------------------------
dry=$("${MK[@]}" -n all 2>&1)
line_of() { grep -nF -- "$1" <<<"$dry" | head -1 | cut -d: -f1; }
prev=0 prev_what=start
for step in \
  "kind create cluster --name cutover --image kindest/node:v1.35.0@sha256:" \
  "kubectl apply -f https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.15.1/deploy/static/provider/kind/deploy.yaml" \
  '{"op": "replace", "path": "/spec/ports/0/nodePort", "value": 30000}' \
  "kubectl rollout status -n ingress-nginx deployment/ingress-nginx-controller" \
  "kubectl apply -k $SRC/deploy/crds" \
  "$SRC/images/stand-ins.sh build" \
  "kind load docker-image --name cutover" \
  "$BIN/cutover-controller --kubeconfig $WORK/e2e/kubeconfig" \
  "$BIN/cutover run --kubeconfig $WORK/e2e/kubeconfig --ingress 127.0.0.1:30000 $SRC/scenarios" \
  "bash $SRC/tests/e2e/demo-seed.sh"; do
  n=$(line_of "$step")
  if [[ -n $n ]] && ((n > prev)); then
    ok "make -n all: ${step:0:90} (line $n)"
    prev=$n prev_what=$step
  else
    bad "make -n all: ${step:0:90}, after ${prev_what:0:60}" "line: ${n:-missing}" "${dry:0:3000}"
  fi
done
check_eq "ingress-nginx is pinned, never master" 0 echo "$(grep -c 'ingress-nginx/master' <<<"$dry")"
check_eq "the HTTPS NodePort is the seed's 30001" 1 \
  echo "$(grep -cF '"path": "/spec/ports/1/nodePort", "value": 30001' <<<"$dry")"
check "versions are variables: INGRESS_NGINX_VERSION" "ingress-nginx/controller-v1.14.5/deploy/static/provider/kind" \
  "${MK[@]}" -n ingress-nginx INGRESS_NGINX_VERSION=controller-v1.14.5
check "versions are variables: KIND_NODE_IMAGE" "--image kindest/node:v1.34.0 " \
  "${MK[@]}" -n cluster KIND_NODE_IMAGE=kindest/node:v1.34.0
check "paths are variables: SCENARIOS" "--ingress 127.0.0.1:30000 a.yaml b.yaml" "${MK[@]}" -n test SCENARIOS="a.yaml b.yaml"
check "KUBECONFIG from the environment does not redirect the targets" "--kubeconfig $WORK/e2e/kubeconfig" \
  env KUBECONFIG=/elsewhere "${MK[@]}" -n test
check "controller-in-cluster: the Dockerfile, kind load, deploy/controller" \
  "kind load docker-image --name cutover cutover/controller:dev" "${MK[@]}" -n controller-in-cluster
check "clean deletes the cluster and the registry" "docker rm -f cutover-registry" "${MK[@]}" -n clean

# `requires: simulation`: checked when the file is loaded; in simulation such a scenario runs
printf 'name: r\nrequires: cluster\nsteps: []\n' >"$WORK/requires-bad.yaml"
check_fails "requires: anything but simulation is a load error naming the file" \
  "requires-bad.yaml: requires: expected \"simulation\"" "$BIN/cutover" run "$WORK/requires-bad.yaml"
check "a scenario that requires the simulation runs in simulation" "1 passed, 0 failed" \
  "$BIN/cutover" run "$SRC/scenarios/canary-timed-pause.yaml"
NSIM=$(grep -lx 'requires: simulation' "$SRC"/scenarios/*.yaml | wc -l)
NALL=$(ls "$SRC"/scenarios/*.yaml | wc -l)
check_eq "some scenarios declare it, not all ($NSIM of $NALL)" yes \
  bash -c "(( $NSIM > 0 && $NSIM < $NALL )) && echo yes || echo no"

# ---------------------------------------------------------------------------------------------
# kind-configs/: the seed's single-node cluster, as YAML with the expected fields
# ---------------------------------------------------------------------------------------------
Y2J="$WORK/yaml2json"
cc -std=c11 -D_GNU_SOURCE -I"$SRC" "$SRC/tests/e2e/yaml2json.c" "$SRC/common/yaml.c" \
  $(pkg-config --cflags --libs yaml-0.1 libcjson) -o "$Y2J" || { bad "yaml2json builds"; finish; exit; }
for cfg in "$SRC"/kind-configs/*.yaml; do
  name=$(basename "$cfg")
  check_eq "$name: kind.x-k8s.io/v1alpha4 Cluster" "kind.x-k8s.io/v1alpha4 Cluster" \
    bash -c "'$Y2J' '$cfg' | jq -r '\"\(.apiVersion) \(.kind)\"'"
  check_eq "$name: one node, the control plane, labelled ingress-ready=true" 'control-plane true' \
    bash -c "'$Y2J' '$cfg' | jq -r '[.nodes[] | \"\(.role) \(.labels[\"ingress-ready\"])\"] | join(\",\")'"
  check_eq "$name: host ports 30000 and 30001 mapped to the same node ports, TCP" '30000:30000/TCP 30001:30001/TCP' \
    bash -c "'$Y2J' '$cfg' | jq -r '[.nodes[0].extraPortMappings[] | \"\(.hostPort):\(.containerPort)/\(.protocol)\"] | join(\" \")'"
  img=$("$Y2J" "$cfg" | jq -r '.nodes[0].image')
  check_eq "$name: the node image pinned by digest" 1 bash -c "grep -cE '^kindest/node:v[0-9.]+@sha256:[0-9a-f]{64}$' <<<'$img'"
  check "$name: the same image as Makefile.e2e's KIND_NODE_IMAGE" "--image $img " "${MK[@]}" -n cluster
done
check_fails "yaml2json rejects what is not YAML" "line" bash -c "printf 'a: [1,\n' >'$WORK/bad.yaml'; '$Y2J' '$WORK/bad.yaml'"

# ---------------------------------------------------------------------------------------------
# images/: the stand-in server and the images it stands in for
# ---------------------------------------------------------------------------------------------
STANDINS="$SRC/images/stand-ins.yaml"
entries=$("$Y2J" "$STANDINS" | jq 'length')
check_eq "stand-ins.sh lists every image of stand-ins.yaml" "$entries" bash -c "'$SRC/images/stand-ins.sh' list | wc -l"
check_eq "stand-ins.sh reads what the fake's --images reads (bodies and readiness)" "" bash -c "diff \
  <('$Y2J' '$STANDINS' | jq -r 'to_entries[] | \"\(.key)\t\(if .value.ready == false then \"false\" else \"true\" end)\t\(.value.body // \"\")\"') \
  <('$SRC/images/stand-ins.sh' list)"
# every image a scenario or its manifests name has a stand-in (or kind could not start its pods) ...
missing=$(grep -rhoE 'image: *"?[a-z][^" ,}]+' "$SRC/scenarios" | sed 's/image: *"\{0,1\}//' | sort -u |
  while read -r i; do "$SRC/images/stand-ins.sh" tags | grep -qxF "$i" || echo "$i"; done)
check_eq "every image the scenarios name has a stand-in" "" echo "$missing"
# ... and answers what every scenario that runs on a cluster says it answers
diffs=""
for f in "$SRC"/scenarios/*.yaml; do
  doc=$("$Y2J" "$f")
  [[ $(jq -r '.requires // ""' <<<"$doc") == simulation ]] && continue
  d=$(jq -r --argjson s "$("$Y2J" "$STANDINS")" '(.cluster.images // {}) | to_entries[]
        | select(.value != $s[.key]) | "\(.key): \(.value) vs stand-in \($s[.key])"' <<<"$doc")
  [[ -n $d ]] && diffs+="$(basename "$f"): $d"$'\n'
done
check_eq "the stand-ins answer what every cluster-capable scenario configures" "" echo "${diffs%$'\n'}"

STANDIN="$WORK/standin"
if cc -O2 -Wall -Wextra -Werror -std=c11 -D_GNU_SOURCE -o "$STANDIN" "$SRC/images/demo-app/standin.c" -pthread; then
  ok "the stand-in builds with the Dockerfile's flags (-Werror)"
  free_port() { local p; for _ in $(seq 50); do p=$((20000 + RANDOM % 20000)); (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }; done; }
  SP=$(free_port)
  STANDIN_PORT=$SP STANDIN_BODY="Hello, welcome to use the container.(Canary version)." "$STANDIN" >"$WORK/standin.out" 2>&1 &
  spid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "127.0.0.1:$SP" && break; sleep 0.1; done
  check_eq "a stand-in answers its body on every path" "Hello, welcome to use the container.(Canary version)." \
    curl -s "127.0.0.1:$SP/any/path?x=1"
  check_eq "the seed's readiness probe path answers UP" '{"status":"UP"}' curl -s "127.0.0.1:$SP/actuator/health/readiness"
  check_eq "and its liveness path" 200 curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$SP/actuator/health/liveness"
  check "the answer names the pod (X-Cutover-Pod, as the simulated ingress)" "X-Cutover-Pod: $(hostname)" \
    curl -s -D - -o /dev/null "127.0.0.1:$SP/"
  kill -TERM $spid
  t0=$(date +%s%N)
  wait $spid
  check_eq "SIGTERM ends it at once (PID 1 in a pod would otherwise wait out the grace period)" fast \
    bash -c "(( ($(date +%s%N) - $t0) / 1000000 < 1000 )) && echo fast || echo slow"
  STANDIN_PORT=$(free_port) "$STANDIN" >"$WORK/standin2.out" 2>&1 &
  spid=$!
  sleep 0.3
  SP2=$(sed -n 's/.*listening on :\([0-9]*\).*/\1/p' "$WORK/standin2.out")
  check_eq "without a body it answers its host name (a pod's name), as a simulated pod" "$(hostname)" curl -s "127.0.0.1:$SP2/"
  kill $spid; wait $spid 2>/dev/null
  check_fails "READY=false: it exits at once, so its pod is never Ready" "never to become ready" \
    env STANDIN_READY=false "$STANDIN"
else
  bad "the stand-in builds with the Dockerfile's flags (-Werror)"
fi

# ---------------------------------------------------------------------------------------------
# the fake cluster; then the targets that need docker and kind, with both replaced by recorders
# ---------------------------------------------------------------------------------------------
start_fakeapi --ingress-listen 127.0.0.1:0 --images "$STANDINS"
INGRESS="127.0.0.1:$INGRESS_PORT"
free_port() { local p; for _ in $(seq 50); do p=$((20000 + RANDOM % 20000)); (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }; done; }
HEALTHZ="127.0.0.1:$(free_port)"
MK+=(KUBECONFIG="$KUBECONFIG" INGRESS="$INGRESS" CONTROLLER_HEALTHZ="$HEALTHZ")
K="$K --request-timeout=20s"

SHIM="$WORK/shim"
mkdir -p "$SHIM"
cat >"$SHIM/docker" <<EOF
#!/usr/bin/env bash
# records every docker command; answers what the Makefile asks of a running registry
echo "docker \$*" >>"$WORK/tools.log"
case "\$*" in
  "inspect -f {{.State.Running}} cutover-registry") echo true ;;
  "inspect -f {{json .NetworkSettings.Networks.kind}} cutover-registry") echo null ;;
  "image inspect -f {{.Id}} "*) echo sha256:0123456789abcdef ;;
  "exec -i "*" cp /dev/stdin "*) cat >"$WORK/hosts.toml" ;;
esac
exit 0
EOF
cat >"$SHIM/kind" <<EOF
#!/usr/bin/env bash
echo "kind \$*" >>"$WORK/tools.log"
case "\$1" in
  version) echo "kind v0.31.0 go1.25.5 linux/amd64" ;;
  get) [[ \$2 == clusters ]] && echo cutover; [[ \$2 == nodes ]] && echo cutover-control-plane ;;
esac
exit 0
EOF
chmod +x "$SHIM/docker" "$SHIM/kind"
SHIMS=(DOCKER="$SHIM/docker" KIND="$SHIM/kind")
# the node kind would have made (the fake's kubelet binds pods to kind-control-plane without one)
printf 'apiVersion: v1\nkind: Node\nmetadata: {name: cutover-control-plane, labels: {ingress-ready: "true"}}\n' | $K apply -f - >/dev/null
$K patch node cutover-control-plane --subresource=status --type=merge \
  -p '{"status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady"}]}}' >/dev/null 2>&1

out=$("${MK[@]}" "${SHIMS[@]}" images 2>&1)
rc=$?
check_eq "make images (docker and kind recorded) succeeds" 0 echo "$rc"
[[ $rc -eq 0 ]] || echo "$out" | tail -20
check "make cluster on an existing cluster: left as it is" "kind cluster cutover: exists" echo "$out"
check_eq "one docker build per stand-in" "$entries" bash -c "grep -c '^docker build -q ' '$WORK/tools.log'"
check "the seed's image, its body baked in" \
  "docker build -q --build-arg BODY=Hello, welcome to use the container. --build-arg READY=true -t luciferstut/app-backend-for-ithome2024:latest $SRC/images/demo-app" \
  cat "$WORK/tools.log"
check "the never-ready image" "--build-arg BODY= --build-arg READY=false -t example/web:broken" cat "$WORK/tools.log"
check_eq "kind load docker-image: every stand-in, in one command" "$entries" \
  bash -c "grep '^kind load docker-image --name cutover ' '$WORK/tools.log' | head -1 | wc -w | awk '{print \$1 - 5}'"
check "pushed to the registry, under docker.io's names" "docker push -q localhost:5001/luciferstut/app-backend-for-ithome2024:latest" \
  cat "$WORK/tools.log"
check "the registry joins the kind network" "docker network connect kind cutover-registry" cat "$WORK/tools.log"
check_eq "the node's containerd tries the registry first for docker.io" \
  $'server = "https://registry-1.docker.io"\n\n[host."http://cutover-registry:5000"]\n  capabilities = ["pull", "resolve"]' \
  cat "$WORK/hosts.toml"
check_eq "no registry started when one runs" 0 bash -c "grep -c '^docker run ' '$WORK/tools.log' || true"

# deploy/: every manifest through the API server: --dry-run=server first, then for real
check "deploy/crds: server dry run" "customresourcedefinition.apiextensions.k8s.io/rollouts.argoproj.io created (server dry run)" \
  $K apply --dry-run=server -k "$SRC/deploy/crds"
check "deploy/controller/namespace.yaml: server dry run" "namespace/cutover created (server dry run)" \
  $K apply --dry-run=server -f "$SRC/deploy/controller/namespace.yaml"
check "deploy/controller/rbac.yaml: the ClusterRole and its binding, server dry run" \
  "clusterrolebinding.rbac.authorization.k8s.io/cutover-controller created (server dry run)" \
  bash -c "'$Y2J' '$SRC/deploy/controller/rbac.yaml' | jq -c 'select(.kind | startswith(\"Cluster\"))' | $K apply --dry-run=server -f -"
out=$("${MK[@]}" "${SHIMS[@]}" controller-in-cluster 2>&1)
rc=$?
check_eq "make controller-in-cluster (docker and kind recorded, deploy/controller applied and rolled out)" 0 echo "$rc"
[[ $rc -eq 0 ]] || echo "$out" | tail -20
check "it builds the controller image from deploy/controller/Dockerfile, with the repo as context" \
  "docker build --build-arg DEBIAN_IMAGE=debian:bookworm -f $SRC/deploy/controller/Dockerfile -t cutover/controller:dev $SRC" cat "$WORK/tools.log"
check "and loads it into kind" "kind load docker-image --name cutover cutover/controller:dev" cat "$WORK/tools.log"
check "every object of deploy/controller exists" "deployment.apps/cutover-controller" \
  $K get namespace/cutover serviceaccount/cutover-controller clusterrole/cutover-controller clusterrolebinding/cutover-controller \
  role/cutover-controller-leader-election rolebinding/cutover-controller-leader-election deployment/cutover-controller -n cutover -o name
check "deploy/controller again: server dry run, nothing to change" "deployment.apps/cutover-controller unchanged (server dry run)" \
  $K apply --dry-run=server -k "$SRC/deploy/controller"
check_eq "the Deployment: the README's flags, leader election in its namespace, health on :8080" \
  "--healthz-addr=:8080 --leader-elect --leader-election-namespace=\$(POD_NAMESPACE) --loglevel=info|cutover-controller" \
  bash -c "$K get deployment cutover-controller -n cutover -o json \
    | jq -r '(.spec.template.spec.containers[0].args | join(\" \")) + \"|\" + .spec.template.spec.serviceAccountName'"
check_eq "probes: liveness /healthz and readiness /readyz on 8080" "/healthz healthz /readyz healthz 8080" \
  $K get deployment cutover-controller -n cutover -o jsonpath='{.spec.template.spec.containers[0].livenessProbe.httpGet.path} {.spec.template.spec.containers[0].livenessProbe.httpGet.port} {.spec.template.spec.containers[0].readinessProbe.httpGet.path} {.spec.template.spec.containers[0].readinessProbe.httpGet.port} {.spec.template.spec.containers[0].ports[0].containerPort}'
check_eq "the pod template carries the image's id (a rebuilt image rolls the Deployment)" "sha256:0123456789abcdef" \
  $K get deployment cutover-controller -n cutover -o jsonpath='{.spec.template.metadata.annotations.cutover\.dev/image-id}'

# RBAC: every write the controller makes in the scenarios is allowed, and nothing else is granted
rbac=$("$Y2J" "$SRC/deploy/controller/rbac.yaml" | jq -s -c '[.[] | select(.kind == "ClusterRole" or .kind == "Role") | .rules[]
  | . as $r | $r.resources[] as $res | $r.verbs[] as $v | "\($v) \($res)"] | unique')
for s in bluegreen-ephemeral-metadata bluegreen-restart canary-seed-day26 rollout-history-limit; do
  "$BIN/cutover" run --db "$WORK/rbac-$s.db" "$SRC/scenarios/$s.yaml" >/dev/null
  "$BIN/cutover" replay "$WORK/rbac-$s.db" --format jsonl | jq -r 'select(.actor == "rollouts-controller") | "\(.verb) \(.kind)"'
done | sort -u >"$WORK/writes"
# the kind in the log is the object's; an eviction shows as the pod's deletion
granted_for() {
  case "$1" in
    "patch Rollout") printf '%s\n' "patch rollouts" "patch rollouts/status" ;;
    "delete Pod") echo "create pods/eviction" ;;
    *) read -r v k <<<"$1"; echo "$v $(tr 'A-Z' 'a-z' <<<"$k" | sed 's/s$/se/')s" ;;
  esac
}
missing="" used=""
while read -r w; do
  while read -r g; do
    used+="$g"$'\n'
    jq -e --arg g "$g" 'index($g)' <<<"$rbac" >/dev/null || missing+="$w (needs $g); "
  done < <(granted_for "$w")
done <"$WORK/writes"
check_eq "the ClusterRole allows every write the controller made ($(wc -l <"$WORK/writes") kinds of write)" "" echo "$missing"
unused=$(jq -r '.[]' <<<"$rbac" | grep -vE '^(get|list|watch) ' | grep -v ' leases$' | grep -vxF -f <(sort -u <<<"$used"))
check_eq "and no write it never makes (leases aside: leader election)" "" echo "$unused"
check_eq "reads: only what the informers and the controller read" \
  "get ingresses,get replicasets,get rollouts,get services,list ingresses,list pods,list replicasets,list rollouts,list services,watch ingresses,watch replicasets,watch rollouts,watch services" \
  bash -c "jq -r '.[]' <<<'$rbac' | grep -E '^(get|list|watch) ' | grep -v ' leases$' | sort | paste -sd,"

# ---------------------------------------------------------------------------------------------
# the real-time path: CRDs, the controller out of cluster, the scenarios, the demo
# ---------------------------------------------------------------------------------------------
check "make crds: applied and Established" "customresourcedefinition.apiextensions.k8s.io/rollouts.argoproj.io condition met" \
  "${MK[@]}" crds
check "make controller: started in the background, ready" "cutover-controller: ready" "${MK[@]}" controller
pid=$(cat "$WORK/e2e/controller.pid" 2>/dev/null)
check "its pid file names a running cutover-controller" "cutover-controller" ps -p "${pid:-0}" -o args=
check "make controller again: the same process" "cutover-controller: running (pid $pid" "${MK[@]}" controller
check_eq "it scaled the in-cluster controller to 0 (one controller at a time)" 0 \
  $K get deployment cutover-controller -n cutover -o jsonpath='{.spec.replicas}'
check "its log file" 'level=info msg=' cat "$WORK/e2e/controller.log"

if [[ -n ${CUTOVER_E2E_ALL:-} ]]; then
  SUBSET="$SRC/scenarios"
  want="$((NALL - NSIM)) passed, 0 failed, $NSIM skipped"
else
  # one of each: the seed's day 24 and day 25, a canary with ingress-nginx, ReplicaSets and
  # endpoints, anti-affinity, an InvalidSpec, day 26; and a timed pause, which needs the
  # simulation's virtual clock (skipped)
  SUBSET=""
  for s in bluegreen-anti-affinity bluegreen-seed-day25 canary-rolling-update canary-seed-day26 canary-timed-pause \
           canary-unsupported replicaset-scale seed-day24-manual; do SUBSET+="$SRC/scenarios/$s.yaml "; done
  want="7 passed, 0 failed, 1 skipped"
fi
"${MK[@]}" test SCENARIOS="$SUBSET" >"$WORK/test.out" 2>&1
rc=$?
check_eq "make test: exit status 0" 0 echo "$rc"
check "make test: $want" "$want" tail -1 "$WORK/test.out"
check "cluster mode says how time is scaled" "cluster mode, real time: assert timeouts x1, every check may take 10.0 s to hold" \
  cat "$WORK/test.out"
check "a scenario that needs the simulation is skipped with a note" \
  $'scenario canary-timed-pause (cluster)\n  skipped: requires: simulation' cat "$WORK/test.out"
check "day 26 on the cluster: 10% of the traffic to the canary, then all of it after promote --full" \
  'traffic http://day24.ithome.com/ Canary: true    ok  100% "Hello, welcome to use the container.(Canary version)."' \
  bash -c "sed -n '/^scenario canary-seed-day26/,/^scenario /p' '$WORK/test.out'"
check "day 25 on the cluster: the canary header reaches the preview" \
  'traffic http://day24.ithome.com/ Canary: true    ok  100% "Hello, welcome to use the container.(Canary version)."' cat "$WORK/test.out"
check_eq "each scenario's namespace is deleted after it (its pods may still be terminating)" "" \
  bash -c "$K get namespaces -l cutover.dev/scenario-namespace -o json | jq -r '.items[] | select(.metadata.deletionTimestamp == null) | .metadata.name'"
check_eq "and no Ingress of a scenario is left to take its host from the next" "" \
  bash -c "$K get ingresses -A -o json | jq -r '.items[] | .metadata.namespace + \"/\" + .metadata.name'"
[[ $rc -eq 0 ]] || tail -60 "$WORK/test.out"

"${MK[@]}" demo >"$WORK/demo.out" 2>&1
rc=$?
check_eq "make demo: exit status 0" 0 echo "$rc"
[[ $rc -eq 0 ]] || tail -40 "$WORK/demo.out"
P=$INGRESS_PORT
check "demo creates the namespace with the blog's command" $'$ kubectl create namespace ithome\nnamespace/ithome created' \
  cat "$WORK/demo.out"
check "demo prints the blog's curl and its answer" \
  $'$ curl day24.ithome.com:'"$P"' --resolve day24.ithome.com:'"$P"$':127.0.0.1\nHello, welcome to use the container.' cat "$WORK/demo.out"
check "day 25: after set image, Canary: true reaches the preview" \
  $'--resolve day24.ithome.com:'"$P"$':127.0.0.1 -H "Canary: true"\nHello, welcome to use the container.(Canary version).' \
  cat "$WORK/demo.out"
check "day 25: promote --full is printed and run" "$ kubectl cutover promote app-backend -n ithome --full" cat "$WORK/demo.out"
check "day 26: the canary Ingress at weight 10, then 33, then 0" "10 33 0" \
  bash -c "grep -A1 'canary-weight}' '$WORK/demo.out' | grep -xE '[0-9]+' | tail -3 | paste -sd' '"
check "day 26: kubectl cutover get rollout is run" "$ kubectl cutover get rollout app-backend -n ithome" cat "$WORK/demo.out"
check_eq "day 26: after the last promote every request reaches the new version" 10 \
  bash -c "sed -n '/promote again/,\$p' '$WORK/demo.out' | grep -cxF 'Hello, welcome to use the container.(Canary version).'"

check "make logs: the controller's log" "== $WORK/e2e/controller.log" "${MK[@]}" logs
check "make controller-stop" "cutover-controller: stopped (pid $pid)" "${MK[@]}" controller-stop
check_fails "the controller is gone" "" ps -p "$pid"
check_eq "and its log has no sanitizer report" 0 echo "$(grep -c 'Sanitizer' "$WORK/e2e/controller.log")"
"${MK[@]}" "${SHIMS[@]}" clean >/dev/null 2>&1
check "make clean: the kind cluster deleted" "kind delete cluster --name cutover" cat "$WORK/tools.log"
check "make clean: the registry removed" "docker rm -f cutover-registry" cat "$WORK/tools.log"
check_fails "make clean: the e2e directory (kubeconfig, log, pid file) removed" "" ls "$WORK/e2e"
finish
