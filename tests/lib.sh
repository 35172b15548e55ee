# lib.sh: shared helpers for the shell-driven integration and fidelity tests.
# Tests source it, call start_fakeapi, then use check/expect_* helpers; finish prints a summary.
set -u
BIN=${CUTOVER_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build}
SRC=${CUTOVER_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
WORK=$(mktemp -d)
PASS=0
FAIL=0
SERVER_PID=""
trap 'stop_fakeapi; rm -rf "$WORK"' EXIT

# start_fakeapi [extra args...]: starts cutover-fakeapi on a free port; sets URL, KUBECONFIG, K.
start_fakeapi() {
  "$BIN/cutover-fakeapi" --listen 127.0.0.1:0 --kubeconfig-out "$WORK/kubeconfig" "$@" >"$WORK/server.out" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do
    URL=$(sed -n 's/^cutover-fakeapi serving \(http:[^ ]*\).*/\1/p' "$WORK/server.out")
    [[ -n $URL ]] && break
    sleep 0.05
  done
  if [[ -z $URL ]]; then echo "cutover-fakeapi did not start:"; cat "$WORK/server.out"; exit 1; fi
  INGRESS_PORT=$(sed -n 's/^cutover-fakeapi ingress-nginx on http:.*:\([0-9]*\)$/\1/p' "$WORK/server.out")
  export KUBECONFIG="$WORK/kubeconfig"
  K="kubectl --cache-dir=$WORK/kcache"
  # Debian's kubernetes-client (where no newer kubectl is installed) is 1.20: it validates
  # against protobuf OpenAPI v2, which this server does not serve, and lacks --subresource.
  KMINOR=$(kubectl version --client -o json 2>/dev/null | jq -r '.clientVersion.minor' | tr -dc 0-9)
  V=""
  ((KMINOR >= 26)) || V="--validate=false"
}

# kubectl_at_least MINOR WHAT: says whether this kubectl has a feature; prints a skip line if not.
kubectl_at_least() {
  ((KMINOR >= $1)) && return 0
  echo "skip - $2 (needs kubectl 1.$1, this is 1.$KMINOR)"
  return 1
}

stop_fakeapi() {
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  SERVER_PID=""
}

ok() { PASS=$((PASS + 1)); echo "ok   - $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $1"; shift; printf '       %s\n' "$@"; }

# check NAME EXPECTED_SUBSTRING CMD...: runs CMD (stdout+stderr), passes when output contains it.
check() {
  local name=$1 want=$2; shift 2
  local out
  out=$("$@" 2>&1)
  if [[ $out == *"$want"* ]]; then ok "$name"; else bad "$name" "wanted: $want" "got: ${out:0:600}"; fi
}

# check_eq NAME EXPECTED CMD...: passes when the trimmed output equals EXPECTED.
check_eq() {
  local name=$1 want=$2; shift 2
  local out
  out=$("$@" 2>&1)
  if [[ $out == "$want" ]]; then ok "$name"; else bad "$name" "wanted: $want" "got: ${out:0:600}"; fi
}

# check_fails NAME EXPECTED_SUBSTRING CMD...: CMD must exit non-zero and print the substring.
check_fails() {
  local name=$1 want=$2; shift 2
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  if [[ $rc -ne 0 && $out == *"$want"* ]]; then ok "$name"; else bad "$name" "wanted failure with: $want" "rc=$rc got: ${out:0:600}"; fi
}

finish() {
  echo "# $PASS passed, $FAIL failed"
  [[ $FAIL -eq 0 ]]
}
