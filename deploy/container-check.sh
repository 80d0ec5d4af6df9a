#!/usr/bin/env bash
# The container image and the Kubernetes pod, built and run for real (called by .ci/run after deploy/check.sh).
# No Docker engine on this machine kind, so podman (daemonless, from Debian) with runc builds deploy/Dockerfile on
# stand-in base images made here from Debian's packages (the public maven/temurin images cannot be pulled), then:
#   image: runs it read-only, non-root, no capabilities; health check, a signed call, the inbox on a volume, SIGTERM
#          drain with exit 0, no secret in any layer or the history, the small-heap CLI wrapper;
#   pod:   `podman kube play` on the pod that deploy/kubernetes renders to (ConfigMap, Secret, Deployment): probes,
#          env, the mounted secrets file, the security context, a signed call.
# The stand-in bases are cached in podman's image store (tagged by a hash of their recipe) between runs on the same
# machine. Where podman cannot run, the check is skipped with a message, unless QIMEN_REQUIRE_CONTAINER is set (CI
# sets it): then that is a failure. Loopback only (host network, servers bound to 127.0.0.1 on free ports); every
# container, pod, volume and secret it makes is removed on exit. Exit 1 on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

APP_KEY=12345678
SECRET="ci-secret-$RANDOM$RANDOM"
CANARY="ci-canary-$RANDOM$RANDOM$RANDOM"
METHOD=taobao.qimen.deliveryorder.create
BODY=protocol/src/test/resources/samples/deliveryorder.create.request.xml
JAR=server/target/qimen-server.jar
IMAGE=localhost/qimen-server:ci
NAME=qimen-ci-$$
had_secrets_dir=no

pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*" >&2; exit 1; }
step() { echo "----  $*"; }
skip() {
    if [[ -n ${QIMEN_REQUIRE_CONTAINER:-} ]]; then fail "$* (QIMEN_REQUIRE_CONTAINER is set: the container checks must run)"; fi
    echo "SKIP  container checks: $* (set QIMEN_REQUIRE_CONTAINER=1 to make this a failure)"
    exit 0
}

[[ -f $JAR ]] || fail "build first: mvn -B verify (needs $JAR)"

# ---- podman -------------------------------------------------------------------------------------------------------
step "podman"
if [[ $(id -u) != 0 ]] && ! command -v podman >/dev/null; then skip "not root and no podman"; fi
# catatonit: the pause process of the pods that `podman kube play` makes
need_packages podman runc debootstrap catatonit python3 || skip "podman, runc, debootstrap or catatonit cannot be installed"
PY=/usr/bin/python3
"$PY" -c 'import yaml' 2>/dev/null || need_packages python3-yaml

WORK=$(mktemp -d /tmp/qimen-container-check.XXXXXX)
# A containers.conf of this script's own (CONTAINERS_CONF replaces the system's): crun refuses this host's hybrid
# cgroups, and podman's default rlimits are higher than this sandbox lets a process set.
nofile=$(ulimit -Hn)
cat > "$WORK/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=32768:32768"]
[engine]
runtime = "runc"
EOF
export CONTAINERS_CONF=$WORK/containers.conf
out=$(podman info --format '{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}} cgroups {{.Host.CgroupsVersion}}' 2>&1) \
    || { echo "$out"; skip "podman info fails here"; }
version=$(podman --version)
pass "$version; $out"

cleanup() {
    podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
    if [[ -f $WORK/pod.yaml ]]; then
        podman kube down "$WORK/pod.yaml" >/dev/null 2>&1 || true
        podman volume rm -f qimen-apps tmp >/dev/null 2>&1 || true
        podman secret rm qimen-apps qimen-apps-env >/dev/null 2>&1 || true
    fi
    [[ -n ${SCHEMA:-} ]] && psql -h 127.0.0.1 -U postgres -d test -qc "drop schema if exists $SCHEMA cascade" >/dev/null 2>&1
    podman volume rm -f "$NAME-data" >/dev/null 2>&1 || true
    rm -f "deploy/secrets/$CANARY.txt"
    [[ $had_secrets_dir == yes ]] || rmdir deploy/secrets 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# free_port and await: .ci/lib.sh
send() {
    local url=$1; shift
    java -jar "$JAR" send "$url" --method "$METHOD" --app-key "$APP_KEY" --customer-id CUST001 --body "$BODY" "$@"
}

# ---- stand-in base images -------------------------------------------------------------------------------------------
step "stand-in base images (Debian bookworm packages)"
# The host's extra CA certificates (installed with update-ca-certificates): without them Maven inside the build cannot
# reach Maven Central from this machine kind. They go into the builder stand-in only, never into the runtime image.
mkdir -p "$WORK/ca"
compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null && cp /usr/local/share/ca-certificates/*.crt "$WORK/ca/"
SOURCES='deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main'
cat > "$WORK/Containerfile.build" <<'EOF'
ARG BASE
FROM ${BASE}
COPY ca/ /usr/local/share/ca-certificates/
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        openjdk-17-jdk-headless maven ca-certificates ca-certificates-java >/dev/null \
 && update-ca-certificates >/dev/null && rm -rf /var/lib/apt/lists/*
EOF
cat > "$WORK/Containerfile.run" <<'EOF'
ARG BASE
FROM ${BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null \
 && rm -rf /var/lib/apt/lists/*
EOF
recipe_hash() { cat "$@" | sha256sum | cut -c1-12; }
base_tag=localhost/qimen-standin/debian:bookworm-$(printf '%s' "$SOURCES" | recipe_hash -)
if podman image exists "$base_tag"; then
    pass "cached: $base_tag"
else
    started=$SECONDS
    debootstrap --variant=minbase bookworm "$WORK/rootfs" http://deb.debian.org/debian > "$WORK/debootstrap.log" 2>&1 \
        || { tail -20 "$WORK/debootstrap.log"; fail "debootstrap --variant=minbase bookworm"; }
    printf '%s\n' "$SOURCES" > "$WORK/rootfs/etc/apt/sources.list"
    tar -C "$WORK/rootfs" -c . | podman import --quiet - "$base_tag" >/dev/null || fail "podman import of the bookworm rootfs"
    rm -rf "$WORK/rootfs"
    pass "made $base_tag (debootstrap --variant=minbase, podman import) in $((SECONDS - started)) s"
fi
# the builder's tag also covers the CA certificates it holds: new ones make a new builder
build_tag=localhost/qimen-standin/maven:jdk17-$( (echo "$base_tag"; cat "$WORK/Containerfile.build" "$WORK"/ca/*) | recipe_hash -)
run_tag=localhost/qimen-standin/jre:17-$( (echo "$base_tag"; cat "$WORK/Containerfile.run") | recipe_hash -)
for pair in "$build_tag|$WORK/Containerfile.build" "$run_tag|$WORK/Containerfile.run"; do
    tag=${pair%%|*} file=${pair#*|}
    if podman image exists "$tag"; then
        pass "cached: $tag"
        continue
    fi
    started=$SECONDS
    out=$(podman build --quiet --network=host --pull=never --build-arg BASE="$base_tag" -f "$file" -t "$tag" "$WORK" 2>&1) \
        || { echo "$out"; fail "stand-in $tag"; }
    pass "made $tag ($(basename "$file")) in $((SECONDS - started)) s"
done

# ---- the image ------------------------------------------------------------------------------------------------------
step "podman build -f deploy/Dockerfile"
# A canary where the docs put real secrets: it must not reach the image (.dockerignore)
[[ -d deploy/secrets ]] && had_secrets_dir=yes
mkdir -p deploy/secrets
printf '%s:%s\n' "$APP_KEY" "$CANARY" > "deploy/secrets/$CANARY.txt"
previous=$(podman image inspect "$IMAGE" --format '{{.Id}}' 2>/dev/null || true)
started=$SECONDS
# --format docker: with the default OCI format podman drops HEALTHCHECK without a word
podman build --format docker --network=host --pull=never --build-arg BUILD_IMAGE="$build_tag" \
    --build-arg RUNTIME_IMAGE="$run_tag" -f deploy/Dockerfile -t "$IMAGE" . > "$WORK/build.log" 2>&1 \
    || { tail -40 "$WORK/build.log"; fail "podman build -f deploy/Dockerfile"; }
rm -f "deploy/secrets/$CANARY.txt"
# the image of the previous run, untagged now: removed, so that runs on one machine do not pile up images
current=$(podman image inspect "$IMAGE" --format '{{.Id}}')
if [[ -n $previous && $previous != "$current" ]]; then podman rmi "$previous" >/dev/null 2>&1 || true; fi
size=$(podman image inspect "$IMAGE" --format '{{.Size}}')
pass "built $IMAGE in $((SECONDS - started)) s ($((size / 1024 / 1024)) MiB)"

user=$(podman image inspect "$IMAGE" --format '{{.Config.User}}')
[[ $user == 10001:10001 ]] || fail "image user is '$user', not 10001:10001"
health=$(podman image inspect "$IMAGE" --format '{{.Config.Healthcheck.Test}}')
[[ $health == *healthcheck.sh* ]] || fail "image has no HEALTHCHECK (got '$health')"
pass "image config: USER $user, HEALTHCHECK $health"

podman save --quiet --format docker-archive -o "$WORK/image.tar" "$IMAGE" >/dev/null || fail "podman save"
mkdir -p "$WORK/layers"
tar -C "$WORK/layers" -xf "$WORK/image.tar"
found=no layers=0 ca=0
for layer in "$WORK"/layers/*/layer.tar "$WORK"/layers/*.tar; do
    [[ -f $layer ]] || continue
    layers=$((layers + 1))
    listing=$(tar -tf "$layer")
    [[ $listing == *"deploy/secrets"* || $listing == *"$CANARY"* ]] && found=yes
    grep -qaF -e "$CANARY" -e "$SECRET" "$layer" && found=yes
    for cert in "$WORK"/ca/*.crt; do
        [[ -f $cert ]] || continue
        mapfile -t lines < "$cert" # a line of the certificate's base64 body: in no layer of the runtime image
        grep -qaF -e "${lines[2]}" "$layer" && ca=$((ca + 1))
    done
done
((layers > 0)) || fail "no layer found in the saved image"
history=$(podman history --no-trunc --format '{{.CreatedBy}}' "$IMAGE")
[[ $history == *"$CANARY"* || $history == *"$SECRET"* || $history == *deploy/secrets* ]] && found=yes
[[ $found == no ]] || fail "a secret (the canary in deploy/secrets/) is in the image's layers or history"
((ca == 0)) || fail "the host's CA certificates reached the runtime image"
rm -rf "$WORK/layers" "$WORK/image.tar"
pass "no secret in the image: the canary put in deploy/secrets/ is in none of its $layers layers nor its history; the builder's CA certificates are not in it"

# ---- the container: read-only, non-root, no capabilities ----------------------------------------------------------
step "podman run (read-only, uid 10001, --cap-drop ALL)"
PORT=$(free_port); ADMIN=$(free_port)
# the secrets file as the pod gets it (/etc/qimen/secrets/apps.txt, readable by uid 10001 only). A bind mount, not
# `podman secret`: podman 4.3 cannot mount a secret under a read-only root.
mkdir -p "$WORK/secrets"
printf '# CI\n%s:%s\n' "$APP_KEY" "$SECRET" > "$WORK/secrets/apps.txt"
chown -R 10001:10001 "$WORK/secrets" && chmod 0500 "$WORK/secrets" && chmod 0400 "$WORK/secrets/apps.txt"
podman volume create "$NAME-data" >/dev/null
# host network (the sandbox has no bridge for podman), so both ports are bound to loopback only
podman run -d --name "$NAME" --network=host --pull=never --read-only --tmpfs /tmp:rw,exec,nosuid,nodev,size=64m \
    --cap-drop ALL --security-opt no-new-privileges \
    -v "$WORK/secrets:/etc/qimen/secrets:ro" \
    -v "$NAME-data:/data" \
    -e QIMEN_BIND=127.0.0.1 -e QIMEN_ADMIN_BIND=127.0.0.1 -e QIMEN_PORT="$PORT" -e QIMEN_ADMIN_PORT="$ADMIN" \
    -e QIMEN_APPS_FILE=/etc/qimen/secrets/apps.txt -e QIMEN_SHUTDOWN_GRACE_SECONDS=5 \
    "$IMAGE" > "$WORK/run.log" 2>&1 || { cat "$WORK/run.log"; fail "podman run"; }
started=$SECONDS
ready() { curl --max-time 5 -fsS "http://127.0.0.1:$ADMIN/health/ready"; }
await 60 ready || { podman logs "$NAME" 2>&1 | tail -30; fail "the container never answered /health/ready"; }
pass "ready: /health/ready answered 200 $((SECONDS - started)) s after podman run"
uid=$(podman exec "$NAME" id -u); gid=$(podman exec "$NAME" id -g)
[[ $uid == 10001 && $gid == 10001 ]] || fail "runs as $uid:$gid"
if podman exec "$NAME" touch /opt/qimen/x 2>/dev/null; then fail "the root filesystem is writable"; fi
caps=$(podman exec "$NAME" grep CapEff /proc/1/status)
[[ $caps == *0000000000000000 ]] || fail "capabilities left: $caps"
pass "uid:gid $uid:$gid; root filesystem read-only; no effective capability ($caps)"
out=$(podman healthcheck run "$NAME" 2>&1) || { echo "$out"; fail "podman healthcheck run"; }
pass "podman healthcheck run: ${out:-healthy} (the image's HEALTHCHECK, deploy/docker/healthcheck.sh)"

out=$(send "http://127.0.0.1:$PORT/qimen" --secret "$SECRET") || { echo "$out"; fail "signed call to the container"; }
grep -q '<flag>success</flag>.*stored as inbox entry' <<<"$out" || { echo "$out"; fail "the call was not stored in the inbox"; }
pass "signed call answered $(grep -o '<flag>[a-z]*</flag>' <<<"$out") \"$(grep -o 'stored as inbox entry [0-9]*' <<<"$out")\""
out=$(send "http://127.0.0.1:$PORT/qimen" --secret "wrong-$SECRET") && fail "a wrong secret was accepted"
grep -q sign-check-failure <<<"$out" || { echo "$out"; fail "wrong secret: expected sign-check-failure"; }
pass "a call signed with another secret is refused sign-check-failure"
mount=$(podman volume inspect "$NAME-data" --format '{{.Mountpoint}}')
owner=$(stat -c '%u:%g %a' "$mount/inbox.db" 2>/dev/null) || fail "no inbox.db on the volume ($mount)"
pass "inbox.db on the volume $NAME-data, owned $owner"
out=$(podman exec "$NAME" /opt/qimen/qimen inbox list 2>&1) || { echo "$out"; fail "/opt/qimen/qimen inbox list in the container"; }
grep -Eq '^1 +[0-9T:.-]+Z +deliveryorder\.create +CUST001 ' <<<"$out" || { echo "$out"; fail "inbox list lacks entry 1"; }
pass "podman exec … /opt/qimen/qimen inbox list (a 64 MiB-heap JVM beside the server) shows entry 1"

# ---- memory under load (deploy/README.md, "Memory") ----------------------------------------------------------------
step "memory under load"
# the container's cgroup: peak memory (RSS + page cache the kernel charges to it) while 8 concurrent senders call it
cid=$(podman inspect "$NAME" --format '{{.Id}}')
cg=$(compgen -G "/sys/fs/cgroup/memory/**/*$cid*" || true)
[[ -z $cg ]] && cg=$(find /sys/fs/cgroup/memory -maxdepth 4 -type d -name "*$cid*" -print -quit 2>/dev/null || true)
rss_kib() { local pid; pid=$(podman inspect "$NAME" --format '{{.State.Pid}}'); awk '/^VmRSS|^VmHWM/ {printf "%s ", $2}' "/proc/$pid/status"; }
CALLS=${QIMEN_CONTAINER_LOAD_CALLS:-4000}
"$PY" - "$PORT" "$APP_KEY" "$SECRET" "$BODY" "$CALLS" > "$WORK/load.txt" <<'PYEOF' || fail "load"
import hashlib, sys, threading, time, urllib.parse, urllib.request, datetime
port, app_key, secret, body_file, calls = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
body = open(body_file, "rb").read()
ts = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")
params = {"method": "taobao.qimen.deliveryorder.create", "app_key": app_key, "customerId": "CUST001", "format": "xml",
          "sign_method": "md5", "v": "2.0", "timestamp": ts}
plain = secret + "".join(k + params[k] for k in sorted(params)) + body.decode("utf-8") + secret
params["sign"] = hashlib.md5(plain.encode("utf-8")).hexdigest().upper()
url = "http://127.0.0.1:%s/qimen?%s" % (port, urllib.parse.urlencode(params))
ok = [0]; lock = threading.Lock()
def worker(n):
    for _ in range(n):
        req = urllib.request.Request(url, data=body, headers={"Content-Type": "text/xml;charset=utf-8"})
        with urllib.request.urlopen(req, timeout=10) as r:
            if b"<flag>success</flag>" in r.read():
                with lock: ok[0] += 1
start = time.time()
threads = [threading.Thread(target=worker, args=(calls // 8,)) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
print("%d/%d success in %.1f s" % (ok[0], calls // 8 * 8, time.time() - start))
sys.exit(0 if ok[0] == calls // 8 * 8 else 1)
PYEOF
read -r hwm rss <<<"$(rss_kib)"
curl --max-time 5 -fsS "http://127.0.0.1:$ADMIN/metrics" > "$WORK/metrics.txt"
heap=$(awk '/^jvm_memory_used_bytes\{.*area="heap"/ {s+=$NF} END {printf "%d", s/1048576}' "$WORK/metrics.txt")
nonheap=$(awk '/^jvm_memory_used_bytes\{.*area="nonheap"/ {s+=$NF} END {printf "%d", s/1048576}' "$WORK/metrics.txt")
direct=$(awk '/^jvm_buffer_memory_used_bytes\{.*id="direct"/ {s+=$NF} END {printf "%d", s/1048576}' "$WORK/metrics.txt")
peak=""
[[ -n $cg && -r $cg/memory.max_usage_in_bytes ]] && peak="; cgroup peak $(($(cat "$cg/memory.max_usage_in_bytes") / 1048576)) MiB"
pass "load: $(cat "$WORK/load.txt"); JVM RSS $((rss / 1024)) MiB, peak RSS $((hwm / 1024)) MiB; heap used ${heap} MiB, non-heap ${nonheap} MiB, direct buffers ${direct} MiB$peak"

# ---- drain on SIGTERM, the inbox outlives the container -----------------------------------------------------------
step "podman stop (SIGTERM drain) and the inbox on the volume"
# (podman without systemd says on stderr that it cannot remove the health check's timer: noise, kept out)
podman stop -t 30 "$NAME" >/dev/null 2>"$WORK/stop.log" || { cat "$WORK/stop.log"; fail "podman stop"; }
code=$(podman inspect "$NAME" --format '{{.State.ExitCode}}')
logs=$(podman logs "$NAME" 2>&1)
[[ $code == 0 ]] || { echo "$logs" | tail -20; fail "exit code $code after SIGTERM, not 0"; }
[[ $logs == *"draining:"* && $logs == *stopped* ]] || { echo "$logs" | tail -20; fail "no drain in the log"; }
if grep -qF -e "$SECRET" -e "$CANARY" <<<"$logs"; then fail "a secret appears in the container's log"; fi
pass "podman stop: SIGTERM, 'draining' then 'stopped' logged, exit code 0; no secret in the log"
podman rm "$NAME" >/dev/null 2>&1
# (no secrets in this container: loopback bind, as the server's demo rule asks, though no server starts here)
out=$(podman run --rm --network=none -e QIMEN_BIND=127.0.0.1 --pull=never --read-only --tmpfs /tmp:rw,exec --cap-drop ALL -v "$NAME-data:/data" \
    --entrypoint /opt/qimen/qimen "$IMAGE" inbox list 2>"$WORK/list.log") || { cat "$WORK/list.log"; echo "$out"; fail "inbox list in a new container"; }
grep -Eq '^1 +[0-9T:.-]+Z +deliveryorder\.create +CUST001 ' <<<"$out" || { echo "$out"; fail "entry 1 lost with the container"; }
pass "a new container on the same volume lists entry 1: the inbox outlived the container"

# ---- the Kubernetes manifests: schema, then the Deployment's pod with podman kube play ------------------------------
step "Kubernetes manifests against the OpenAPI schema"
need_tools node=nodejs npm=npm
VALIDATOR=/var/cache/qimen-ci/k8s-validate # npm packages kept between runs on this machine (package-lock.json pins them)
mkdir -p "$VALIDATOR"
if ! cmp -s deploy/check/k8s-validate/package-lock.json "$VALIDATOR/package-lock.json" || [[ ! -d $VALIDATOR/node_modules ]]; then
    cp deploy/check/k8s-validate/package.json deploy/check/k8s-validate/package-lock.json "$VALIDATOR/"
    (cd "$VALIDATOR" && npm ci --no-audit --no-fund --loglevel=error > npm.log 2>&1) || { cat "$VALIDATOR/npm.log"; fail "npm ci (kubernetes-models)"; }
fi
cp deploy/check/k8s-validate/validate.mjs "$VALIDATOR/"
for dir in deploy/kubernetes deploy/kubernetes-prometheus-operator; do
    "$PY" deploy/check/kube.py render "$dir" > "$WORK/rendered.json" || fail "render $dir"
    if command -v kubectl >/dev/null; then # where kubectl is installed, its kustomize must agree with kube.py
        kubectl kustomize "$dir" > "$WORK/kustomized.yaml" 2>&1 || { cat "$WORK/kustomized.yaml"; fail "kubectl kustomize $dir"; }
        "$PY" - "$WORK/rendered.json" "$WORK/kustomized.yaml" <<'PYEOF' || fail "kube.py render $dir differs from kubectl kustomize $dir"
import json, sys, yaml
key = lambda d: (d["kind"], d["metadata"]["name"])
sys.exit(0 if sorted(json.load(open(sys.argv[1])), key=key) == sorted(yaml.safe_load_all(open(sys.argv[2])), key=key) else 1)
PYEOF
    fi
    # the example Secret too, as it would be applied
    "$PY" -c 'import json, sys, yaml; d = json.load(open(sys.argv[1])); d.append(yaml.safe_load(open(sys.argv[2]))); json.dump(d, open(sys.argv[1], "w"))' \
        "$WORK/rendered.json" deploy/kubernetes/secret.example.yaml
    out=$(cd "$VALIDATOR" && node validate.mjs "$WORK/rendered.json" 2>&1) || { echo "$out"; fail "$dir: not valid against the Kubernetes schema"; }
    pass "$dir (kustomize) + secret.example.yaml: $(grep -c 'valid:' <<<"$out") objects valid against the Kubernetes OpenAPI schema (npm kubernetes-models)$(command -v kubectl >/dev/null && echo '; render = kubectl kustomize')"
done
"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
for o in d:
    if o["kind"] == "Deployment": o["spec"]["replicas"] = "3"
json.dump([o for o in d if o["kind"] == "Deployment"], open(sys.argv[1], "w"))' "$WORK/rendered.json"
if (cd "$VALIDATOR" && node validate.mjs "$WORK/rendered.json" >/dev/null 2>&1); then fail "the validator accepted replicas: \"3\""; fi
pass "control: the same Deployment with replicas: \"3\" is refused"

step "podman kube play: the Deployment's pod with its ConfigMap and Secret"
# The inbox: the Deployment requires QIMEN_INBOX_URL (PostgreSQL); a schema of this run's own in the local database
need_postgres
SCHEMA=qimen_ci_$$
psql -h 127.0.0.1 -U postgres -d test -qc "create schema $SCHEMA" >/dev/null || fail "create schema $SCHEMA"
KPORT=$(free_port); KADMIN=$(free_port)
KSECRET="ci-pod-secret-$RANDOM$RANDOM"
printf '%s:%s\n' "$APP_KEY" "$KSECRET" > "$WORK/pod-apps.txt"
"$PY" deploy/check/kube.py play deploy/kubernetes "$WORK/pod.yaml" "$WORK/secret.yaml" "$IMAGE" "$KPORT" "$KADMIN" \
    "$WORK/pod-apps.txt" "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=$SCHEMA" || fail "kube.py play"
# what a run that was killed may have left (the names are the Deployment's, as podman derives them)
podman pod rm -f qimen-server-pod-0 >/dev/null 2>&1 || true
podman secret rm qimen-apps qimen-apps-env >/dev/null 2>&1 || true
podman volume rm -f qimen-apps tmp >/dev/null 2>&1 || true
podman secret create qimen-apps "$WORK/secret.yaml" >/dev/null && podman secret create qimen-apps-env "$WORK/secret.yaml.env" >/dev/null \
    || fail "podman secret create"
podman kube play "$WORK/pod.yaml" > "$WORK/play.log" 2>&1 || { cat "$WORK/play.log"; fail "podman kube play"; }
C=qimen-server-pod-0-qimen-server
started=$SECONDS
kready() { curl --max-time 5 -fsS "http://127.0.0.1:$KADMIN/health/ready"; }
await 60 kready || { podman logs "$C" 2>&1 | tail -20; fail "the pod never answered its readinessProbe"; }
pass "pod $C ready $((SECONDS - started)) s after podman kube play"
# the probes as the Deployment declares them (podman turns the livenessProbe into a health check of its own)
"$PY" - "$WORK/pod.yaml" "$KADMIN" <<'PYEOF' || fail "a probe does not answer 200"
import sys, urllib.request, yaml
dep = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d["kind"] == "Deployment"][0]
c = dep["spec"]["template"]["spec"]["containers"][0]
for probe in ("readinessProbe", "livenessProbe"):
    g = c[probe]["httpGet"]
    assert str(g["port"]) == sys.argv[2], (probe, g)
    with urllib.request.urlopen("http://127.0.0.1:%s%s" % (g["port"], g["path"]), timeout=5) as r:
        assert r.status == 200, (probe, r.status)
    print("  %s %s: 200" % (probe, g["path"]))
PYEOF
pass "readinessProbe /health/ready and livenessProbe /health/live answer 200 on the admin port"
env=$(podman exec "$C" env)
for want in QIMEN_PATH=/qimen QIMEN_APPS_FILE=/etc/qimen/secrets/apps.txt QIMEN_SHUTDOWN_GRACE_SECONDS=20 \
            "QIMEN_INBOX_URL=jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=$SCHEMA"; do
    [[ $'\n'$env$'\n' == *$'\n'"$want"$'\n'* ]] || fail "the pod's env lacks $want"
done
pass "env: the ConfigMap's settings (envFrom) and QIMEN_INBOX_URL from the Secret's key inbox-url (secretKeyRef)"
apps=$(podman exec "$C" cat /etc/qimen/secrets/apps.txt)
[[ $apps == "$APP_KEY:$KSECRET" ]] || fail "the mounted /etc/qimen/secrets/apps.txt is not the Secret's apps.txt"
if podman exec "$C" touch /etc/qimen/x 2>/dev/null || podman exec "$C" touch /opt/qimen/x 2>/dev/null; then fail "the pod's root is writable"; fi
podman exec "$C" touch /tmp/x || fail "the emptyDir /tmp is not writable"
read -r uid gid <<<"$(podman exec "$C" sh -c 'echo $(id -u) $(id -g)')"
ro=$(podman inspect "$C" --format '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.SecurityOpt}}')
caps=$(podman exec "$C" grep CapEff /proc/1/status)
[[ $uid:$gid == 10001:10001 && $ro == "true "*no-new-privileges* && $caps == *0000000000000000 ]] \
    || fail "security context: uid:gid $uid:$gid, read-only/no-new-privileges '$ro', $caps"
pass "secret file mounted at QIMEN_APPS_FILE; securityContext: uid:gid 10001:10001, readOnlyRootFilesystem, no privilege escalation, capabilities dropped ($caps); /tmp (emptyDir) writable"
out=$(send "http://127.0.0.1:$KPORT/qimen" --secret "$KSECRET") || { echo "$out"; fail "signed call to the pod"; }
grep -q '<flag>success</flag>.*stored as inbox entry' <<<"$out" || { echo "$out"; fail "the pod did not store the call"; }
rows=$(psql -h 127.0.0.1 -U postgres -d test -tAc "select count(*) from $SCHEMA.qimen_inbox") || fail "no inbox table in $SCHEMA"
((rows == 1)) || fail "$rows inbox rows in PostgreSQL, not 1"
pass "signed call answered $(grep -o '<flag>[a-z]*</flag>' <<<"$out"), stored in the PostgreSQL inbox of QIMEN_INBOX_URL (1 row in $SCHEMA.qimen_inbox)"
logs=$(podman logs "$C" 2>&1)
if grep -qF "$KSECRET" <<<"$logs"; then fail "the pod's log shows the secret"; fi
podman kube down "$WORK/pod.yaml" > /dev/null 2>&1 || fail "podman kube down"
echo "all container checks passed"
