#!/usr/bin/env bash
# kubectl's generator commands (create namespace|configmap|secret|serviceaccount|deployment|service|
# job|cronjob|ingress|role|clusterrole|rolebinding|clusterrolebinding|pdb) send their objects as application/vnd.kubernetes.protobuf: real kubectl against cutover-fakeapi,
# each object read back with get -o json and checked field by field, then compared with the same
# object created from JSON (the stored objects must not differ by how they were sent).
source "$(dirname "$0")/../lib.sh"
start_fakeapi
echo "# $(kubectl version --client 2>&1 | head -1) against $URL"

# jqget KIND NAME NAMESPACE FILTER: one object's JSON through jq -c (namespace "-": cluster-scoped).
# kubectl prints the members of what it reads back sorted by name.
jqget() {
  local ns=(-n "$3")
  [[ $3 == - ]] && ns=()
  $K get "$1" "$2" "${ns[@]}" -o json | jq -c "$4"
}

# the request kubectl makes is protobuf (what this suite is about)
check "create namespace sends protobuf" "Content-Type: application/vnd.kubernetes.protobuf" \
  bash -c "$K create namespace ithome -v=8 2>&1"
check_eq "namespace ithome" '{"name":"ithome","labels":{"kubernetes.io/metadata.name":"ithome"},"uid":true,"rv":true,"created":true,"spec":{"finalizers":["kubernetes"]},"phase":"Active"}' \
  jqget namespace ithome - '{name: .metadata.name, labels: .metadata.labels, uid: (.metadata.uid | length > 0),
    rv: (.metadata.resourceVersion | length > 0), created: (.metadata.creationTimestamp | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")),
    spec, phase: .status.phase}'
check "create namespace argo-rollouts" "namespace/argo-rollouts created" $K create namespace argo-rollouts
check_eq "namespace argo-rollouts" '"argo-rollouts Active"' \
  jqget namespace argo-rollouts - '"\(.metadata.name) \(.status.phase)"'
check_fails "a namespace created twice is AlreadyExists" \
  'Error from server (AlreadyExists): namespaces "ithome" already exists' $K create namespace ithome
check_fails "create in a missing namespace" 'namespaces "nope" not found' \
  $K create configmap x -n nope --from-literal=a=b

# configmap: data from literals and binaryData from a file that is not UTF-8
printf '\x00\x01\xfe\xff' >"$WORK/blob.bin"
check "create configmap --from-literal" "configmap/app-config created" \
  $K create configmap app-config -n ithome --from-literal=GREETING=hello --from-literal=TARGET=world
check_eq "configmap data" '{"name":"app-config","namespace":"ithome","data":{"GREETING":"hello","TARGET":"world"},"binaryData":null}' \
  jqget configmap app-config ithome '{name: .metadata.name, namespace: .metadata.namespace, data, binaryData}'
check "create configmap --from-file (binary)" "configmap/bin-config created" \
  $K create configmap bin-config -n ithome --from-file=blob="$WORK/blob.bin" --from-literal=a=b
check_eq "configmap binaryData is base64" '{"data":{"a":"b"},"binaryData":{"blob":"AAH+/w=="}}' \
  jqget configmap bin-config ithome '{data, binaryData}'

# secret: data arrives as bytes and is stored base64
check "create secret generic --from-literal" "secret/app-secret created" \
  $K create secret generic app-secret -n ithome --from-literal=password=s3cr3t --from-literal=user=admin
check_eq "secret data" '{"name":"app-secret","data":{"password":"czNjcjN0","user":"YWRtaW4="}}' \
  jqget secret app-secret ithome '{name: .metadata.name, data}'
check_eq "secret data decodes" "s3cr3t" \
  bash -c "$K get secret app-secret -n ithome -o jsonpath='{.data.password}' | base64 -d"
check "create secret generic --type" "secret/basic created" \
  $K create secret generic basic -n ithome --type=kubernetes.io/basic-auth --from-literal=username=u --from-literal=password=p
check_eq "secret type" '"kubernetes.io/basic-auth"' jqget secret basic ithome '.type'
check_eq "a secret without a type is Opaque" '"Opaque"' jqget secret app-secret ithome '.type'

# serviceaccount
check "create serviceaccount" "serviceaccount/app-sa created" $K create serviceaccount app-sa -n ithome
check_eq "serviceaccount" '{"name":"app-sa","namespace":"ithome","uid":true}' \
  jqget serviceaccount app-sa ithome '{name: .metadata.name, namespace: .metadata.namespace, uid: (.metadata.uid | length > 0)}'

# deployment: the simulated cluster then makes its pods
check "create deployment --image --replicas" "deployment.apps/app created" \
  $K create deployment app -n ithome --image=nginx --replicas=2
check_eq "deployment metadata" '{"name":"app","labels":{"app":"app"},"generation":1}' \
  jqget deployment app ithome '{name: .metadata.name, labels: .metadata.labels, generation: .metadata.generation}'
check_eq "deployment spec" '{"replicas":2,"selector":{"matchLabels":{"app":"app"}},"labels":{"app":"app"},"containers":[{"name":"nginx","image":"nginx"}]}' \
  jqget deployment app ithome '{replicas: .spec.replicas, selector: .spec.selector, labels: .spec.template.metadata.labels,
    containers: [.spec.template.spec.containers[] | {name, image}]}'
check_eq "deployment defaults as for a JSON create" '{"revisionHistoryLimit":10,"progressDeadlineSeconds":600,"restartPolicy":"Always","dnsPolicy":"ClusterFirst","terminationMessagePath":"/dev/termination-log"}' \
  jqget deployment app ithome '{revisionHistoryLimit: .spec.revisionHistoryLimit, progressDeadlineSeconds: .spec.progressDeadlineSeconds,
    restartPolicy: .spec.template.spec.restartPolicy, dnsPolicy: .spec.template.spec.dnsPolicy,
    terminationMessagePath: .spec.template.spec.containers[0].terminationMessagePath}'
check "the deployment rolls out" "successfully rolled out" \
  $K rollout status deployment/app -n ithome --timeout=60s
check_eq "its two pods are Running" "Running Running" \
  $K get pods -n ithome -l app=app -o 'jsonpath={.items[*].status.phase}'
check_eq "deployment status" '{"replicas":2,"readyReplicas":2,"availableReplicas":2}' \
  jqget deployment app ithome '.status | {replicas, readyReplicas, availableReplicas}'
check "create deployment with a command and a port" "deployment.apps/web created" \
  $K create deployment web -n ithome --image=nginx --port=8080 -- /bin/sh -c 'echo hi'
check_eq "its container" '{"command":["/bin/sh","-c","echo hi"],"ports":[{"containerPort":8080,"protocol":"TCP"}]}' \
  jqget deployment web ithome '.spec.template.spec.containers[0] | {command, ports}'
check_eq "its strategy ({} as sent) defaulted as SetDefaults_Deployment does" \
  '{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"},"type":"RollingUpdate"}' \
  bash -c "$K get deployment web -n ithome -o json | jq -cS .spec.strategy"

# service: the port's targetPort is an IntOrString
check "create service clusterip --tcp" "service/app created" \
  $K create service clusterip app -n ithome --tcp=80:8080
check_eq "service spec" '{"type":"ClusterIP","selector":{"app":"app"},"ports":[{"name":"80-8080","port":80,"protocol":"TCP","targetPort":8080}],"clusterIP":true}' \
  jqget service app ithome '.spec | {type, selector, ports, clusterIP: (.clusterIP | startswith("10.96."))}'
check_eq "service defaults of a single-stack cluster" '{"ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack","internalTrafficPolicy":"Cluster","sessionAffinity":"None"}' \
  jqget service app ithome '.spec | {ipFamilies, ipFamilyPolicy, internalTrafficPolicy, sessionAffinity}'
check "create service nodeport with a named targetPort" "service/np created" \
  $K create service nodeport np -n ithome --tcp=80:http --node-port=30080
check_eq "nodeport spec" '{"type":"NodePort","ports":[{"name":"80-http","nodePort":30080,"port":80,"protocol":"TCP","targetPort":"http"}]}' \
  jqget service np ithome '.spec | {type, ports}'

# job and cronjob: batch/v1, their pod templates decoded as a Deployment's
check "create job with a command" "job.batch/hello created" \
  $K create job hello -n ithome --image=busybox -- echo hi
check_eq "job spec" '{"containers":[{"name":"hello","image":"busybox","command":["echo","hi"]}],"restartPolicy":"Never"}' \
  jqget job hello ithome '.spec.template.spec | {containers: [.containers[] | {name, image, command}], restartPolicy}'
check "create cronjob" "cronjob.batch/tick created" \
  $K create cronjob tick -n ithome --image=busybox --schedule='*/1 * * * *'
check_eq "cronjob spec" '{"schedule":"*/1 * * * *","name":"tick","image":"busybox","restartPolicy":"OnFailure"}' \
  jqget cronjob tick ithome '.spec | {schedule, name: .jobTemplate.metadata.name,
    image: .jobTemplate.spec.template.spec.containers[0].image, restartPolicy: .jobTemplate.spec.template.spec.restartPolicy}'

# ingress: the rule's inlined http value, a class, an annotation, tls
check "create ingress" "ingress.networking.k8s.io/ing created" \
  $K create ingress ing -n ithome --class=nginx --rule='foo.com/=web:80' --annotation a=b
check_eq "ingress" '{"annotations":{"a":"b"},"spec":{"ingressClassName":"nginx","rules":[{"host":"foo.com","http":{"paths":[{"backend":{"service":{"name":"web","port":{"number":80}}},"path":"/","pathType":"Exact"}]}}]}}' \
  jqget ingress ing ithome '{annotations: .metadata.annotations, spec}'
check "create ingress with tls" "ingress.networking.k8s.io/ing-tls created" \
  $K create ingress ing-tls -n ithome --rule='foo.com/*=web:80,tls=secret'
check_eq "ingress tls" '{"tls":[{"hosts":["foo.com"],"secretName":"secret"}],"pathType":"Prefix"}' \
  jqget ingress ing-tls ithome '{tls: .spec.tls, pathType: .spec.rules[0].http.paths[0].pathType}'

# rbac: rules, subjects, roleRef
check "create role" "role.rbac.authorization.k8s.io/r created" \
  $K create role r -n ithome --verb=get --resource=pods
check_eq "role rules" '[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]' jqget role r ithome '.rules'
check "create clusterrole" "clusterrole.rbac.authorization.k8s.io/cr created" \
  $K create clusterrole cr --verb=get,list --resource=deployments.apps
check_eq "clusterrole rules" '[{"apiGroups":["apps"],"resources":["deployments"],"verbs":["get","list"]}]' \
  jqget clusterrole cr - '.rules'
check "create rolebinding" "rolebinding.rbac.authorization.k8s.io/rb created" \
  $K create rolebinding rb -n ithome --role=r --user=u --serviceaccount=ns:sa
check_eq "rolebinding" '{"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"u"},{"kind":"ServiceAccount","name":"sa","namespace":"ns"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"}}' \
  jqget rolebinding rb ithome '{subjects, roleRef}'
check "create clusterrolebinding" "clusterrolebinding.rbac.authorization.k8s.io/crb created" \
  $K create clusterrolebinding crb --clusterrole=cr --group=g
check_eq "clusterrolebinding" '{"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"g"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cr"}}' \
  jqget clusterrolebinding crb - '{subjects, roleRef}'

# pdb: an IntOrString and a selector
check "create pdb" "poddisruptionbudget.policy/p created" \
  $K create pdb p -n ithome --selector=app=x --min-available=1
check_eq "pdb spec" '{"minAvailable":1,"selector":{"matchLabels":{"app":"x"}}}' jqget pdb p ithome '.spec'
check "create pdb with a percentage" "poddisruptionbudget.policy/q created" \
  $K create pdb q -n ithome --selector=app=y --max-unavailable=50%
check_eq "pdb maxUnavailable" '"50%"' jqget pdb q ithome '.spec.maxUnavailable'

# the same objects created from JSON (kubectl create -f sends JSON) are stored alike
strip='del(.metadata.uid, .metadata.resourceVersion, .metadata.creationTimestamp, .metadata.namespace,
  .metadata.managedFields, .metadata.annotations, .status, .spec.clusterIP, .spec.clusterIPs)'
same_as_json() { # KIND NAME GENERATOR-ARGS...
  local kind=$1 name=$2; shift 2
  # the flags go first: after a "--" they would be arguments of the command
  $K create -n argo-rollouts --dry-run=client -o json "$@" | $K create $V -n argo-rollouts -f - >/dev/null || return 1
  diff <($K get "$kind" "$name" -n ithome -o json | jq -S "$strip") \
       <($K get "$kind" "$name" -n argo-rollouts -o json | jq -S "$strip") && echo same
}
check_eq "configmap: protobuf and JSON creates store the same" same \
  same_as_json configmap app-config configmap app-config --from-literal=GREETING=hello --from-literal=TARGET=world
check_eq "secret: protobuf and JSON creates store the same" same \
  same_as_json secret app-secret secret generic app-secret --from-literal=password=s3cr3t --from-literal=user=admin
check_eq "serviceaccount: protobuf and JSON creates store the same" same \
  same_as_json serviceaccount app-sa serviceaccount app-sa
check_eq "deployment: protobuf and JSON creates store the same" same \
  same_as_json deployment app deployment app --image=nginx --replicas=2
check_eq "service: protobuf and JSON creates store the same" same \
  same_as_json service app service clusterip app --tcp=80:8080

check_eq "job: protobuf and JSON creates store the same" same \
  same_as_json job hello job hello --image=busybox -- echo hi
check_eq "ingress: protobuf and JSON creates store the same" same \
  same_as_json ingress ing ingress ing --class=nginx --rule='foo.com/=web:80' --annotation a=b
check_eq "rolebinding: protobuf and JSON creates store the same" same \
  same_as_json rolebinding rb rolebinding rb --role=r --user=u --serviceaccount=ns:sa
check_eq "pdb: protobuf and JSON creates store the same" same \
  same_as_json pdb p pdb p --selector=app=x --min-available=1

# kinds the decoder does not cover get the server's 415, and nothing is stored: kubectl autoscale
# sends an autoscaling/v1 HorizontalPodAutoscaler as protobuf
check_fails "autoscale (not decoded) is a clean 415" \
  "Error from server (UnsupportedMediaType): the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf" \
  $K autoscale deployment app -n ithome --max=3
check "the 415 is the HTTP status" "415 Unsupported Media Type" \
  bash -c "$K autoscale deployment web -n ithome --max=3 -v=6 2>&1"
check "nothing was stored" "No resources found in ithome namespace." $K get horizontalpodautoscalers -n ithome

finish
