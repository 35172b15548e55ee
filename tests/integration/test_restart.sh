#!/usr/bin/env bash
# With --db, every acknowledged write survives kill -9, and the server resumes where it stopped.
source "$(dirname "$0")/../lib.sh"
DB="$WORK/store.db"
start_fakeapi --db "$DB"
P=/api/v1/namespaces/default/configmaps
acked=0
for i in $(seq 1 150); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' "$URL$P" \
    -d "{\"metadata\":{\"name\":\"cm-$i\"},\"data\":{\"i\":\"$i\"}}")
  [[ $code == 201 ]] && acked=$((acked + 1))
done
curl -s -X POST -H 'Content-Type: application/json' "$URL/apis/apiextensions.k8s.io/v1/customresourcedefinitions" -d '{
  "metadata":{"name":"widgets.example.com"},
  "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget","shortNames":["wg"]},
          "versions":[{"name":"v1","served":true,"storage":true}]}}' >/dev/null
curl -s -X POST -H 'Content-Type: application/json' "$URL/apis/example.com/v1/namespaces/default/widgets" \
  -d '{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":1}}' >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H 'Content-Type: application/merge-patch+json' "$URL$P/cm-7" -d '{"data":{"i":"seven"}}')
last_rv=$(curl -s "$URL$P" | jq -r .metadata.resourceVersion)
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""

check_eq "all creates were acknowledged before the kill" "150 200" echo "$acked $code"
start_fakeapi --db "$DB"
check_eq "every acknowledged object is back" "150" bash -c "curl -s '$URL$P' | jq '.items | length'"
check_eq "the last acknowledged patch is back" "seven" bash -c "curl -s '$URL$P/cm-7' | jq -r .data.i"
check_eq "resourceVersion continues from the store" "$last_rv" bash -c "curl -s '$URL$P' | jq -r .metadata.resourceVersion"
check_eq "CRD kinds are served again" "w1" bash -c "curl -s '$URL/apis/example.com/v1/namespaces/default/widgets/w1' | jq -r .metadata.name"
check "CRD kinds are in discovery again" '"widgets"' curl -s "$URL/apis/example.com/v1"
new_rv=$(curl -s -X POST -H 'Content-Type: application/json' "$URL$P" -d '{"metadata":{"name":"after"}}' | jq -r .metadata.resourceVersion)
check_eq "new writes get later resourceVersions" "yes" bash -c "[[ $new_rv -gt $last_rv ]] && echo yes"
check_eq "a watch resumes from before the restart" "MODIFIED cm-7" \
  bash -c "curl -s --max-time 2 '$URL$P?watch=1&resourceVersion=$((last_rv - 1))' | head -1 | jq -r '\"\(.type) \(.object.metadata.name)\"'"
check_eq "no namespace is duplicated by the second boot" "1" \
  bash -c "curl -s '$URL/api/v1/namespaces' | jq '[.items[] | select(.metadata.name == \"default\")] | length'"
finish
