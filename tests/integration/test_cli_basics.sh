#!/usr/bin/env bash
# The cutover command's own surface, without a cluster: help for every command, version,
# completion scripts that the shells accept, exit codes of usage errors (2) and of errors (1),
# and the kubectl-cutover name beside the binary for kubectl's plugin mechanism.
source "$(dirname "$0")/../lib.sh"
C="$BIN/cutover"

# rc_is NAME CODE CMD...: CMD exits with CODE.
rc_is() {
  local name=$1 want=$2; shift 2
  local rc=0
  "$@" >"$WORK/out" 2>&1 || rc=$?
  if [[ $rc -eq $want ]]; then ok "$name"; else bad "$name" "wanted exit $want, got $rc" "$(head -c 400 "$WORK/out")"; fi
}

for cmd in get list status promote abort retry pause restart set undo lint version completion run replay; do
  rc_is "help $cmd exits 0" 0 "$C" help "$cmd"
  check "$cmd --help shows its usage" "Usage:" "$C" "$cmd" --help
done
check "help lists every command" "cutover set image ROLLOUT_NAME CONTAINER=IMAGE" "$C" --help
rc_is "no command is a usage error" 2 "$C"
check_fails "an unknown command" 'error: unknown command "frob" for "cutover"' "$C" frob

check "version" "cutover: v" "$C" version
check_eq "version --short is one line" "cutover: v$(sed -n 's/^project(cutover VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")" "$C" version --short
rc_is "version with an extra argument" 2 "$C" version --frob

"$C" completion bash >"$WORK/c.bash"
if bash -n "$WORK/c.bash" && grep -q "complete -F _cutover cutover kubectl-cutover" "$WORK/c.bash"; then
  ok "completion bash is valid bash and completes both names"
else bad "completion bash" "$(head -c 300 "$WORK/c.bash")"; fi
if (source "$WORK/c.bash"; COMP_WORDS=(cutover pro); COMP_CWORD=1; _cutover; [[ ${COMPREPLY[*]} == promote ]]); then
  ok "completion bash completes a subcommand"
else bad "completion bash completes a subcommand"; fi
"$C" completion zsh >"$WORK/c.zsh"
if head -1 "$WORK/c.zsh" | grep -q '^#compdef cutover kubectl-cutover' && grep -q bashcompinit "$WORK/c.zsh"; then
  ok "completion zsh has its #compdef header"
else bad "completion zsh" "$(head -c 300 "$WORK/c.zsh")"; fi
# zsh is among scripts/setup.sh's packages: the script must parse and, loaded with compinit, offer
# the subcommands (zsh itself narrows them to what was typed)
if ! command -v zsh >/dev/null; then
  bad "completion zsh: zsh is not installed (scripts/setup.sh installs it)"
elif ! zsh -n "$WORK/c.zsh"; then
  bad "completion zsh is valid zsh"
else
  ok "completion zsh is valid zsh"
  got=$(zsh -c "autoload -U compinit && compinit -u -d '$WORK/zcompdump'; source '$WORK/c.zsh'; setopt ksharrays
    COMP_WORDS=(cutover pro); COMP_CWORD=1; _cutover; print -r -- \"\${COMPREPLY[*]}\"" 2>&1)
  if [[ " $got " == *" promote "* ]]; then ok "completion zsh offers the subcommands"
  else bad "completion zsh offers the subcommands" "$got"; fi
fi
rc_is "completion of an unknown shell" 2 "$C" completion fish

# usage errors: exit 2 and a pointer to --help
check_fails "promote without a name" "See 'cutover promote --help' for usage." "$C" promote
rc_is "promote without a name exits 2" 2 "$C" promote
rc_is "promote with two names exits 2" 2 "$C" promote a b
rc_is "an unknown flag exits 2" 2 "$C" promote a --frob
rc_is "set image without CONTAINER=IMAGE" 2 "$C" set image a nginx
rc_is "set without image" 2 "$C" set resources a
rc_is "retry without rollout" 2 "$C" retry a
rc_is "undo --to-revision not a number" 2 "$C" undo a --to-revision x
rc_is "a global flag without its value" 2 "$C" promote a -n
check_fails "retry experiment is refused" "experiments are not supported by Cutover yet" "$C" retry experiment e

# errors: one line, exit 1
check_fails "an unreadable kubeconfig" "error: $WORK/none" "$C" promote a --kubeconfig "$WORK/none"
rc_is "an unreadable kubeconfig exits 1" 1 "$C" promote a --kubeconfig "$WORK/none"
cat >"$WORK/dead.kubeconfig" <<EOK
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
users: [{name: u, user: {}}]
current-context: c
EOK
start=$(date +%s)
rc_is "an unreachable API server exits 1" 1 "$C" abort a --kubeconfig "$WORK/dead.kubeconfig"
if [[ $(($(date +%s) - start)) -le 10 ]]; then ok "an unreachable API server fails fast"; else bad "unreachable server took over 10 s"; fi
if [[ $(wc -l <"$WORK/out") -eq 1 ]] && grep -q "^error: " "$WORK/out"; then
  ok "an unreachable API server is one error line"
else bad "an unreachable API server is one error line" "$(cat "$WORK/out")"; fi

# kubectl's plugin mechanism finds kubectl-cutover beside the binary
if [[ -L $BIN/kubectl-cutover && $(readlink "$BIN/kubectl-cutover") == cutover ]]; then ok "kubectl-cutover links to cutover"
else bad "kubectl-cutover links to cutover" "$(ls -l "$BIN/kubectl-cutover" 2>&1)"; fi
check "kubectl-cutover names itself kubectl cutover" "See 'kubectl cutover promote --help'" "$BIN/kubectl-cutover" promote
finish
