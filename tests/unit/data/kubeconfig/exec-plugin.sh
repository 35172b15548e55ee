#!/bin/sh
# A stand-in exec credential plugin for test_kube_config. $1 picks the behaviour. The tests set
# PLUGIN_COUNT_FILE (one line appended per run), PLUGIN_INFO_FILE (where KUBERNETES_EXEC_INFO is
# copied) and PLUGIN_EXPIRY (the expirationTimestamp; empty = none).
if read -r line; then
    echo "exec-plugin.sh: stdin is not empty" >&2
    exit 9
fi
[ -n "$PLUGIN_INFO_FILE" ] && printf '%s' "$KUBERNETES_EXEC_INFO" > "$PLUGIN_INFO_FILE"
api=$(printf '%s' "$KUBERNETES_EXEC_INFO" | sed -n 's/.*"apiVersion":"\([^"]*\)".*/\1/p')
n=1
if [ -n "$PLUGIN_COUNT_FILE" ]; then
    echo run >> "$PLUGIN_COUNT_FILE"
    n=$(wc -l < "$PLUGIN_COUNT_FILE" | tr -d ' ')
fi
case "$1" in
ok)
    exp=""
    [ -n "$PLUGIN_EXPIRY" ] && exp=",\"expirationTimestamp\":\"$PLUGIN_EXPIRY\""
    printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"exec-SECRET-%s-%s"%s}}\n' \
        "$api" "${PLUGIN_GREETING:-none}" "$n" "$exp"
    ;;
fail)
    echo "exec-plugin.sh: failing on purpose (test_kube_config expects this line)" >&2
    exit 3
    ;;
badjson)
    echo '{"apiVersion": "'"$api"'", "status": {"token": "exec-SECRET-badjson"'
    ;;
notoken)
    printf '{"apiVersion":"%s","kind":"ExecCredential","status":{}}\n' "$api"
    ;;
wrongapi)
    printf '{"apiVersion":"client.authentication.k8s.io/v1alpha1","kind":"ExecCredential","status":{"token":"exec-SECRET-x"}}\n'
    ;;
*)
    exit 2
    ;;
esac
