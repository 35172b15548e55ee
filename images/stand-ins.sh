#!/usr/bin/env bash
# stand-ins.sh: the stand-in demo app images of images/stand-ins.yaml, for Makefile.e2e.
#   stand-ins.sh list              one line per image: TAG<tab>READY<tab>BODY (true/false; "" = pod name)
#   stand-ins.sh tags              the tags, one a line
#   stand-ins.sh build             docker build images/demo-app once per tag, its answer baked in
#   stand-ins.sh push REGISTRY     tag each as REGISTRY/TAG and push it there (the kind node's
#                                  docker.io mirror: pods whose imagePullPolicy is Always, as in
#                                  the seed's manifests, get the stand-in too)
# Environment: DOCKER (docker), STANDINS (images/stand-ins.yaml), DEMO_APP (images/demo-app).
# stand-ins.yaml is read line by line: one `"TAG": {body: "TEXT"}`, `{ready: false}` or `{}` per
# line (the format cutover-fakeapi --images also reads); anything else is an error.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
DOCKER=${DOCKER:-docker}
STANDINS=${STANDINS:-$here/stand-ins.yaml}
DEMO_APP=${DEMO_APP:-$here/demo-app}

list() {
  local line n=0 tag rest ready body
  while IFS= read -r line || [[ -n $line ]]; do
    n=$((n + 1))
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ ! $line =~ ^\"([^\"]+)\":[[:space:]]*\{(.*)\}[[:space:]]*$ ]]; then
      echo "stand-ins.sh: $STANDINS:$n: expected \"IMAGE\": {body: \"TEXT\"}, {ready: false} or {}" >&2
      return 1
    fi
    tag=${BASH_REMATCH[1]} rest=${BASH_REMATCH[2]} ready=true body=""
    [[ $rest =~ ready:[[:space:]]*false ]] && ready=false
    [[ $rest =~ body:[[:space:]]*\"([^\"]*)\" ]] && body=${BASH_REMATCH[1]}
    printf '%s\t%s\t%s\n' "$tag" "$ready" "$body"
  done <"$STANDINS"
}

case ${1:-} in
list) list ;;
tags) list | cut -f1 ;;
build)
  list | while IFS=$'\t' read -r tag ready body; do
    echo "stand-in $tag: ${body:+answers \"$body\"}${body:-answers its pod name}$([[ $ready == false ]] && echo ', never ready')"
    $DOCKER build -q --build-arg "BODY=$body" --build-arg "READY=$ready" -t "$tag" "$DEMO_APP" >/dev/null
  done
  ;;
push)
  registry=${2:?usage: stand-ins.sh push REGISTRY}
  list | while IFS=$'\t' read -r tag _ _; do
    $DOCKER tag "$tag" "$registry/$tag"
    $DOCKER push -q "$registry/$tag" >/dev/null
  done
  echo "stand-ins pushed to $registry"
  ;;
*)
  sed -n '2,11s/^# \{0,1\}//p' "$0" >&2
  exit 2
  ;;
esac
