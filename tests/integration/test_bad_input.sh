#!/usr/bin/env bash
# Bad input gets a Kubernetes Status with the right code and reason, and changes nothing.
source "$(dirname "$0")/../lib.sh"
start_fakeapi
NS=$URL/api/v1/namespaces/default

# req METHOD PATH [CONTENT_TYPE [BODY|@FILE]]: prints "HTTP_CODE REASON" from the Status reply.
req() {
  local method=$1 path=$2 ct=${3:-application/json} body=${4:-}
  local args=(-s -o "$WORK/resp" -w '%{http_code}' -X "$method" -H "Content-Type: $ct")
  [[ -n $body ]] && args+=(--data-binary "$body")
  local code
  code=$(curl "${args[@]}" "$URL$path")
  echo "$code $(jq -r 'if .kind == "Status" then .reason else "-" end' "$WORK/resp" 2>/dev/null || echo notjson)"
}
rv() { curl -s "$URL/api/v1/namespaces/default/configmaps" | jq -r .metadata.resourceVersion; }
# expect NAME "CODE REASON" METHOD PATH [CT [BODY]]: checks the reply and that the store did not move.
expect() {
  local name=$1 want=$2; shift 2
  local before after got
  before=$(rv)
  got=$(req "$@")
  after=$(rv)
  if [[ $got == "$want" && $before == "$after" ]]; then ok "$name"
  else bad "$name" "wanted: $want (store unchanged)" "got: $got, resourceVersion $before -> $after, body: $(head -c 300 "$WORK/resp")"; fi
}

P=/api/v1/namespaces/default/configmaps
curl -s -X POST -H 'Content-Type: application/json' "$URL$P" -d '{"metadata":{"name":"c1"},"data":{"a":"b"}}' >/dev/null
W=/apis/example.com/v1/namespaces/default/widgets
curl -s -X POST -H 'Content-Type: application/json' "$URL/apis/apiextensions.k8s.io/v1/customresourcedefinitions" -d '{
  "metadata":{"name":"widgets.example.com"},
  "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget"},
          "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}}}]}}' >/dev/null
curl -s -X POST -H 'Content-Type: application/json' "$URL$W" -d '{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":1}}' >/dev/null

expect "unknown resource" "404 NotFound" GET /api/v1/namespaces/default/widgets
expect "unknown group" "404 NotFound" GET /apis/example.com/v1/things
expect "missing object" "404 NotFound" GET $P/nope
expect "path traversal" "404 NotFound" GET "/api/v1/namespaces/default/configmaps/../../secrets"
expect "encoded path traversal" "404 NotFound" GET "/api/v1/namespaces/default/configmaps/..%2F..%2Fsecrets"
expect "create in a missing namespace" "404 NotFound" POST /api/v1/namespaces/nope/configmaps application/json '{"metadata":{"name":"x"}}'
expect "already exists" "409 AlreadyExists" POST $P application/json '{"metadata":{"name":"c1"}}'
expect "stale resourceVersion" "409 Conflict" PUT $P/c1 application/json '{"metadata":{"name":"c1","resourceVersion":"1"},"data":{"a":"z"}}'
expect "patch carrying a stale resourceVersion" "409 Conflict" PATCH $P/c1 application/merge-patch+json '{"metadata":{"resourceVersion":"1"},"data":{"a":"z"}}'
expect "delete precondition" "409 Conflict" DELETE $P/c1 application/json '{"preconditions":{"uid":"not-the-uid"}}'
expect "owner reference that is not an object" "422 Invalid" POST $P application/json '{"metadata":{"name":"o","ownerReferences":[1]}}'
expect "owner reference without a uid" "422 Invalid" POST $P application/json '{"metadata":{"name":"o","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"c1"}]}}'
expect "two controller owners" "422 Invalid" POST $P application/json '{"metadata":{"name":"o","ownerReferences":[{"apiVersion":"v1","kind":"A","name":"a","uid":"1","controller":true},{"apiVersion":"v1","kind":"B","name":"b","uid":"2","controller":true}]}}'
expect "patch naming another uid" "409 Conflict" PATCH $P/c1 application/merge-patch+json '{"metadata":{"uid":"someone-else"}}'
expect "JSON patch copies that would blow the object up" "413 RequestEntityTooLarge" PATCH $P/c1 application/json-patch+json \
  "[{\"op\":\"add\",\"path\":\"/data/big\",\"value\":\"$(head -c 2000 /dev/zero | tr '\0' 'x')\"}$(for i in $(seq 20); do printf ',{"op":"copy","from":"/data","path":"/data/c%d"}' "$i"; done)]"
expect "replicas that are not a number" "400 BadRequest" POST /apis/apps/v1/namespaces/default/replicasets application/json '{"metadata":{"name":"r"},"spec":{"replicas":"3"}}'
expect "invalid name" "422 Invalid" POST $P application/json '{"metadata":{"name":"Not_Valid"}}'
expect "no name" "422 Invalid" POST $P application/json '{"metadata":{}}'
expect "invalid label value" "422 Invalid" POST $P application/json '{"metadata":{"name":"x","labels":{"a":"not valid!"}}}'
expect "pod without containers" "422 Invalid" POST /api/v1/namespaces/default/pods application/json '{"metadata":{"name":"p"},"spec":{}}'
expect "failing json-patch test" "422 Invalid" PATCH $P/c1 application/json-patch+json '[{"op":"test","path":"/data/a","value":"nope"}]'
expect "json-patch on a missing path" "422 Invalid" PATCH $P/c1 application/json-patch+json '[{"op":"replace","path":"/data/zzz","value":"x"}]'
expect "json-patch that is not a list" "400 BadRequest" PATCH $P/c1 application/json-patch+json '{"op":"add"}'
expect "json-patch with an unknown op" "400 BadRequest" PATCH $P/c1 application/json-patch+json '[{"op":"frobnicate","path":"/data"}]'
expect "custom resource PUT without resourceVersion" "422 Invalid" PUT $W/w1 application/json '{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":2}}'
expect "malformed JSON" "400 BadRequest" POST $P application/json '{"metadata":{"name":'
expect "trailing garbage" "400 BadRequest" POST $P application/json '{"metadata":{"name":"x"}} xyz'
expect "malformed YAML" "400 BadRequest" POST $P application/yaml $'metadata:\n  name: [x\n'
expect "a list instead of an object" "400 BadRequest" POST $P application/json '[1,2]'
expect "labels of the wrong type" "400 BadRequest" POST $P application/json '{"metadata":{"name":"x","labels":{"a":1}}}'
expect "metadata of the wrong type" "400 BadRequest" POST $P application/json '{"metadata":"x"}'
expect "kind mismatch" "400 BadRequest" POST $P application/json '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}'
expect "apiVersion mismatch" "400 BadRequest" POST $P application/json '{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"x"}}'
expect "name differs from the URL" "400 BadRequest" PUT $P/c1 application/json '{"metadata":{"name":"c2"}}'
expect "namespace differs from the URL" "400 BadRequest" POST $P application/json '{"metadata":{"name":"x","namespace":"kube-system"}}'
expect "bad label selector" "400 BadRequest" GET "$P?labelSelector=a%20in%20(b"
expect "unsupported field selector" "400 BadRequest" GET "$P?fieldSelector=spec.foo%3Dx"
expect "bad continue token" "400 BadRequest" GET "$P?limit=1&continue=zz"
expect "bad resourceVersion" "400 BadRequest" GET "$P?resourceVersion=abc"
expect "resourceVersion from the future" "504 Timeout" GET "$P?resourceVersion=999999"
expect "resourceVersionMatch without resourceVersion" "422 Invalid" GET "$P?resourceVersionMatch=NotOlderThan"
expect "sendInitialEvents without resourceVersionMatch" "422 Invalid" GET "$P?watch=1&sendInitialEvents=true&allowWatchBookmarks=true"
expect "POST to an object" "405 MethodNotAllowed" POST $P/c1 application/json '{}'
expect "PATCH a collection" "405 MethodNotAllowed" PATCH $P application/merge-patch+json '{}'
expect "unknown subresource" "404 NotFound" GET $P/c1/status
expect "protobuf body without the k8s magic" "400 BadRequest" POST $P application/vnd.kubernetes.protobuf 'k8s'
expect "truncated protobuf body" "400 BadRequest" POST $P application/vnd.kubernetes.protobuf 'k8sx'
# (an unknown kind in a well-formed envelope is a 415: unit test_protobuf, fidelity test_kubectl_create)
expect "CBOR body" "415 UnsupportedMediaType" POST $P application/cbor 'x'
expect "unknown patch type" "415 UnsupportedMediaType" PATCH $P/c1 text/plain 'x'
expect "strategic merge patch on a custom resource" "415 UnsupportedMediaType" PATCH $W/w1 application/strategic-merge-patch+json '{"spec":{"size":3}}'
expect "apply patch without fieldManager" "422 Invalid" PATCH $P/c1 application/apply-patch+yaml '{"data":{"a":"b"}}'
expect "unknown strategic directive" "400 BadRequest" PATCH $P/c1 application/strategic-merge-patch+json '{"data":{"$frob":"x"}}'
expect "bad propagationPolicy" "422 Invalid" DELETE $P/c1 application/json '{"propagationPolicy":"Sideways"}'
expect "malformed DeleteOptions" "400 BadRequest" DELETE $P/c1 application/json '{'
head -c $((3 * 1024 * 1024 + 10)) /dev/zero | tr '\0' 'a' | sed 's/^/{"metadata":{"name":"big"},"data":{"a":"/; s/$/"}}/' >"$WORK/big.json"
expect "body over 3 MiB" "413 RequestEntityTooLarge" POST $P application/json "@$WORK/big.json"
expect "invalid CRD" "422 Invalid" POST /apis/apiextensions.k8s.io/v1/customresourcedefinitions application/json \
  '{"metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","names":{"plural":"gadgets","kind":"Gadget"},"scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true}]}}'
expect "dry-run create stores nothing" "201 -" POST "$P?dryRun=All" application/json '{"metadata":{"name":"dry"}}'
check_eq "dry-run object is absent" "404" curl -s -o /dev/null -w '%{http_code}' "$URL$P/dry"

# expired watch position: an in-stream ERROR 410 after compaction, the stream then ends
for i in 1 2 3; do curl -s -X PATCH -H 'Content-Type: application/merge-patch+json' "$URL$P/c1" -d "{\"data\":{\"n\":\"$i\"}}" >/dev/null; done
curl -s -X POST "$URL/_cutover/compact?keep=1" >/dev/null
check_eq "watch from a compacted resourceVersion" '{"type":"ERROR","code":410,"reason":"Expired"}' \
  bash -c "curl -s --max-time 5 '$URL$P?watch=1&resourceVersion=1' | jq -c '{type, code: .object.code, reason: .object.reason}'"
curl -s -X POST -H 'Content-Type: application/json' "$URL$P" -d '{"metadata":{"name":"c2"}}' >/dev/null
first=$(curl -s "$URL$P?limit=1" | jq -r .metadata.continue)
check_eq "a fresh continue token pages on" "c2" bash -c "curl -s '$URL$P?limit=1&continue=$first' | jq -r '.items[0].metadata.name'"
curl -s -X POST -H 'Content-Type: application/json' "$URL$P" -d '{"metadata":{"name":"c3"}}' >/dev/null
expect "continue token made stale by a write" "410 Expired" GET "$P?limit=1&continue=$first"

# the server survived all of it
check "still healthy" "ok" curl -s "$URL/healthz"
check_eq "c1 is intact" "b" bash -c "curl -s '$URL$P/c1' | jq -r .data.a"
finish
