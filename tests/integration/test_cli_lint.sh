#!/usr/bin/env bash
# `cutover lint -f FILE` through the real binary (no cluster): the lint test data (tests/data/lint,
# our own manifests for the cases of Argo's lint test data), standard input, exit codes 0 / 1 / 2, stdout kept empty, and the global flags
# main.c strips before the subcommand.
source "$(dirname "$0")/../lib.sh"
C="$BIN/cutover"
DATA="$SRC/tests/data/lint"

# run_lint ARGS...: sets RC, OUT (stdout), ERR (stderr)
run_lint() {
  RC=0
  "$C" lint "$@" >"$WORK/out" 2>"$WORK/err" || RC=$?
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
}

# expect NAME RC STDERR ARGS...: exit code RC, stderr exactly STDERR, nothing on stdout
expect() {
  local name=$1 rc=$2 err=$3; shift 3
  run_lint "$@"
  if [[ $RC -eq $rc && -z $OUT && $ERR == "$err" ]]; then ok "$name"
  else bad "$name" "wanted exit $rc and: $err" "got exit $RC, stdout: ${OUT:0:200}" "stderr: ${ERR:0:600}"; fi
}

n=0
for f in "$DATA"/valid*; do
  expect "valid: $(basename "$f")" 0 "" -f "$f"
  n=$((n + 1))
done
[[ $n -eq 14 ]] && ok "14 valid files" || bad "14 valid files" "found $n"

expect "invalid.yml" 1 \
  "error: $DATA/invalid.yml:12: spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero" \
  -f "$DATA/invalid.yml"
expect "invalid.json" 1 \
  "error: $DATA/invalid.json:13: spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero" \
  -f "$DATA/invalid.json"
expect "invalid-unknown-field.yml" 1 \
  "error: $DATA/invalid-unknown-field.yml:13: spec.strategy.shadow: error unmarshaling JSON: while decoding JSON: json: unknown field \"shadow\"" \
  -f "$DATA/invalid-unknown-field.yml"
expect "invalid-nginx-canary.yml" 1 \
  "error: $DATA/invalid-nginx-canary.yml:100: spec.strategy.steps[1].experiment.templates[0].weight: Invalid value: 15: Experiment template weight is only available for TrafficRouting with SMI, ALB, Istio and Plugins at this time" \
  -f "$DATA/invalid-nginx-canary.yml"
expect "invalid-service-labels.yml: both Services" 1 \
  "error: $DATA/invalid-service-labels.yml:10: spec.strategy.canary.canaryService: Invalid value: \"profiles-canary\": Service \"profiles-canary\" has unmatch label \"app\" in rollout
error: $DATA/invalid-service-labels.yml:11: spec.strategy.canary.stableService: Invalid value: \"profiles-stable\": Service \"profiles-stable\" has unmatch label \"app\" in rollout" \
  -f "$DATA/invalid-service-labels.yml"
for f in "$DATA"/invalid*; do
  run_lint -f "$f"
  [[ $RC -eq 1 && -z $OUT && $ERR == "error: $f:"* ]] && ok "invalid: $(basename "$f") exits 1 naming the file" \
    || bad "invalid: $(basename "$f")" "exit $RC" "${ERR:0:300}"
done

# standard input, and the global flags around the subcommand
RC=0; ERR=$("$C" lint -f - <"$DATA/invalid.yml" 2>&1 >/dev/null) || RC=$?
[[ $RC -eq 1 && $ERR == "error: STDIN:12: spec.strategy.maxSurge: "* ]] && ok "-f - reads standard input" \
  || bad "-f - reads standard input" "exit $RC" "$ERR"
RC=0; cat "$DATA/valid-blue-green.yml" | "$C" lint -f - >"$WORK/out" 2>&1 || RC=$?
[[ $RC -eq 0 && ! -s $WORK/out ]] && ok "a valid file piped in: exit 0, silent" || bad "valid file piped in" "exit $RC" "$(cat "$WORK/out")"
expect "global flags are accepted" 0 "" -n default -f "$DATA/valid.yml" --kubeconfig /nonexistent

# errors
expect "a missing file" 1 "error: open $WORK/none.yml: no such file or directory" -f "$WORK/none.yml"
printf 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: name: x\n' >"$WORK/bad.yml"
expect "a YAML syntax error names the line" 1 "error: $WORK/bad.yml:3: yaml: mapping values are not allowed in this context" \
  -f "$WORK/bad.yml"
expect "no -f is a usage error" 2 "error: required flag(s) \"filename\" not set
See 'cutover lint --help' for usage."
expect "-f without its value" 2 "error: flag needs an argument: 'f' in -f
See 'cutover lint --help' for usage." -f
run_lint --help
[[ $RC -eq 0 && $OUT == *"lint -f FILE"* ]] && ok "lint --help" || bad "lint --help" "exit $RC" "${OUT:0:300}"
finish
