#!/usr/bin/env bash
# The seed demo: day 24 of the user's blog (iThome 2024, deployment strategies with ingress-nginx).
# Two Deployments (stable, canary) behind two Services and two Ingresses for day24.ithome.com, the
# canary one chosen by the header "Canary: true"; then a 50% weight. Every request goes through the
# simulated ingress-nginx port with the blog's own curl command line.
source "$(dirname "$0")/../lib.sh"
M="$SRC/scenarios/manifests"
NS=ithome
STABLE="Hello, welcome to use the container."
CANARY="Hello, welcome to use the container.(Canary version)"

# what the blog's two images answer (days 25-26)
cat >"$WORK/images.yaml" <<EOF
"luciferstut/app-backend-for-ithome2024:latest":
  body: "$STABLE"
"luciferstut/app-backend-for-ithome2024:day-21-canary":
  body: "$CANARY"
EOF
# the blog's kind cluster maps port 30000; here any free port will do
start_fakeapi --ingress-listen 127.0.0.1:0 --images "$WORK/images.yaml" --seed 24
PORT=$INGRESS_PORT

# curl day24.ithome.com:30000 --resolve day24.ithome.com:30000:127.0.0.1 [-H "Canary: true"]
day24() { curl -s --max-time 5 "day24.ithome.com:$PORT" --resolve "day24.ithome.com:$PORT:127.0.0.1" "$@"; }
code() { curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$1:$PORT" --resolve "$1:$PORT:127.0.0.1"; }

# ---- Services and Ingresses first: the ingress answers, but nothing is behind it yet ----
check "namespace, ConfigMap and Services applied" 'service/app-backend-canary created' $K apply $V -f "$M/day24-1-base.yaml"
check "stable and canary Ingresses applied" 'ingress.networking.k8s.io/canary-ingress created' \
  $K apply $V -f "$M/day24-2-ingress.yaml"
check_eq "both Ingresses are for day24.ithome.com" $'canary-ingress day24.ithome.com\nstable-ingress day24.ithome.com' \
  $K get ingress -n $NS -o jsonpath='{range .items[*]}{.metadata.name} {.spec.rules[0].host}{"\n"}{end}'
check_eq "no ready endpoint yet: 503" 503 code day24.ithome.com
check_eq "a host no Ingress names: 404" 404 code day25.ithome.com
check "the 404 is nginx's page" '<center>nginx</center>' curl -s "other.ithome.com:$PORT" --resolve "other.ithome.com:$PORT:127.0.0.1"

# ---- the two Deployments; wait until both Services have two ready endpoints ----
check "Deployments applied" 'deployment.apps/app-backend-canary created' $K apply $V -f "$M/day24-3-apps.yaml"
ready_endpoints() { $K get endpoints -n $NS "$1" -o jsonpath='{.subsets[*].addresses[*].ip}' 2>/dev/null | wc -w; }
ready=no
for _ in $(seq 120); do
  if [[ $(ready_endpoints app-backend) -eq 2 && $(ready_endpoints app-backend-canary) -eq 2 ]]; then ready=yes; break; fi
  sleep 0.5
done
if [[ $ready != yes ]]; then
  bad "both Deployments' pods ready behind their Services within 60s" \
    "needs the simulated Deployment and ReplicaSet controllers, kubelet and endpoints controller" \
    "$($K get deployments,replicasets,pods,endpoints -n $NS 2>&1 | head -30)"
  finish
  exit
fi
ok "both Deployments' pods ready behind their Services"
check "kubectl rollout status: stable" 'successfully rolled out' $K rollout status deployment/app-backend -n $NS --timeout=30s
check "kubectl rollout status: canary" 'successfully rolled out' $K rollout status deployment/app-backend-canary -n $NS --timeout=30s

# ---- day 24, blue/green by header ----
check_eq "call stable version" "$STABLE" day24
check_eq "call canary version (Canary: true)" "$CANARY" day24 -H "Canary: true"
check_eq "Canary: false is the stable version" "$STABLE" day24 -H "Canary: false"
check "the answering pod is named in X-Cutover-Pod" 'X-Cutover-Pod: app-backend-canary-' \
  bash -c "curl -s -D - -o /dev/null 'day24.ithome.com:$PORT' --resolve 'day24.ithome.com:$PORT:127.0.0.1' -H 'Canary: true'"
check_eq "requests spread over both stable pods" 2 \
  bash -c "for i in 1 2 3 4; do curl -s -D - -o /dev/null 'day24.ithome.com:$PORT' --resolve 'day24.ithome.com:$PORT:127.0.0.1'; done \
    | tr -d '\r' | sed -n 's/^X-Cutover-Pod: //p' | sort -u | wc -l"

# ---- day 24, canary by weight ----
check "canary-weight=50 annotated" 'ingress.networking.k8s.io/canary-ingress annotated' \
  $K annotate ingress canary-ingress -n $NS nginx.ingress.kubernetes.io/canary-weight=50 --overwrite
# the blog's loop: for i in {1..10}; do curl ...; echo ""; done
check_eq "the blog's 10-request loop answers only the two versions" 0 \
  bash -c "for i in {1..10}; do curl -s 'day24.ithome.com:$PORT' --resolve 'day24.ithome.com:$PORT:127.0.0.1'; echo ''; done \
    | grep -cvxF -e '$STABLE' -e '$CANARY'"
# 1,000 requests without the header, on one connection (curl's URL globbing)
curl -s --max-time 60 "day24.ithome.com:$PORT/?[1-1000]" --resolve "day24.ithome.com:$PORT:127.0.0.1" -w '\n' >"$WORK/weighted"
n_canary=$(grep -cxF "$CANARY" "$WORK/weighted")
n_stable=$(grep -cxF "$STABLE" "$WORK/weighted")
if ((n_canary + n_stable == 1000 && n_canary >= 450 && n_canary <= 550)); then
  ok "weight 50: $n_canary of 1000 requests reached the canary"
else
  bad "weight 50: 45-55% of 1000 requests reach the canary" "canary $n_canary, stable $n_stable"
fi
check_eq "the header still decides: 20 of 20 with Canary: true" 20 \
  bash -c "curl -s 'day24.ithome.com:$PORT/?[1-20]' --resolve 'day24.ithome.com:$PORT:127.0.0.1' -H 'Canary: true' -w '\n' \
    | grep -cxF '$CANARY'"

# ---- day 24, switching all traffic: point stable-ingress at the new version's Service ----
# The blog says this alone moves all traffic. In ingress-nginx it does not while canary-ingress
# exists: a Service a canary Ingress named first is a canary-only upstream, and a main Ingress
# naming it gets no location (kubernetes/ingress-nginx#8004, #11563: "returns 404 for any
# request"). So the switch is the patch plus removing the canary Ingress.
check "stable-ingress now routes to app-backend-canary" 'patched' \
  $K patch ingress stable-ingress -n $NS --type=json \
  -p '[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/name","value":"app-backend-canary"}]'
check_eq "while canary-ingress names the same Service: 404, as in ingress-nginx" 404 code day24.ithome.com
check "canary-ingress deleted" 'deleted' $K delete ingress canary-ingress -n $NS
check_eq "every request answers the new version" 50 \
  bash -c "curl -s 'day24.ithome.com:$PORT/?[1-50]' --resolve 'day24.ithome.com:$PORT:127.0.0.1' -w '\n' | grep -cxF '$CANARY'"
finish
