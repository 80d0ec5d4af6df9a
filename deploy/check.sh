#!/usr/bin/env bash
# Checks of the deployment files against real tools and a running server (called by .ci/run after Maven).
# Needs: server/target/qimen-server.jar and examples/wms-handler/target/wms-handler.jar (mvn package/verify).
# Installs what it needs from Debian's packages (promtool, prometheus, nginx, systemd-analyze, openssl, curl).
# No Docker engine and no cluster here: the image is not built and the manifests are not applied; what can be
# checked without them is. Loopback only; every process it starts is stopped on exit; each server keeps its inbox in
# a data directory under the temporary work directory, never data/ here. Exit 1 on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

JAR=server/target/qimen-server.jar
PLUGINS=examples/wms-handler/target
BODY=protocol/src/test/resources/samples/deliveryorder.create.request.xml
METHOD=taobao.qimen.deliveryorder.create
APP_KEY=12345678
SECRET="ci-secret-$(printf %05d%05d%05d $RANDOM $RANDOM $RANDOM)" # 25 characters: 16 at least

pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*" >&2; exit 1; }
step() { echo "----  $*"; }

WORK=$(mktemp -d /tmp/qimen-deploy-check.XXXXXX)
chmod 0755 "$WORK" # nginx workers (nobody) read below it
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

[[ -f $JAR && -d $PLUGINS ]] || fail "build first: mvn -B verify (needs $JAR and $PLUGINS)"
[[ -e data ]] && had_data=yes || had_data=no

# ---- tools --------------------------------------------------------------------------------------------------------
step "tools"
PY=python3
command -v "$PY" >/dev/null && "$PY" -c 'import yaml' 2>/dev/null || PY=/usr/bin/python3
need_tools promtool=prometheus prometheus=prometheus nginx=nginx systemd-analyze=systemd openssl=openssl curl=curl
[[ -x $PY ]] || command -v "$PY" >/dev/null || need_packages python3
"$PY" -c 'import yaml' 2>/dev/null || need_packages python3-yaml
promtool_version=$(promtool --version 2>&1); systemd_version=$(systemd-analyze --version)
pass "tools: $(first_line "$promtool_version"); $(nginx -v 2>&1); $(first_line "$systemd_version")"

# free_port and await: .ci/lib.sh

# start_server NAME PORT ADMIN_PORT [VAR=value...]: the built jar in the background, log in $WORK/NAME.log, inbox in
# $WORK/data-NAME; with SERVE_CONFIG=FILE set, started with --config FILE
start_server() {
    local name=$1 port=$2 admin=$3; shift 3
    env QIMEN_BIND=127.0.0.1 QIMEN_PORT="$port" QIMEN_ADMIN_PORT="$admin" QIMEN_PLUGINS_DIR="$PLUGINS" \
        QIMEN_DATA_DIR="$WORK/data-$name" "$@" \
        java -jar "$JAR" ${SERVE_CONFIG:+--config "$SERVE_CONFIG"} > "$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    eval "PID_$name=$!"
    await 30 curl --max-time 10 -fsS "http://127.0.0.1:$admin/health/ready" || { cat "$WORK/$name.log"; fail "$name server never ready"; }
}

# send URL [options...]: one signed call with the jar's send command; prints its output
send() {
    local url=$1; shift
    java -jar "$JAR" send "$url" --method "$METHOD" --app-key "$APP_KEY" --customer-id CUST001 --body "$BODY" "$@"
}

# ---- files that need no server --------------------------------------------------------------------------------------
step "static checks"
"$PY" deploy/check/manifests.py static || fail "Kubernetes, compose, Grafana, systemd and Dockerfile files (parse and cross-check)"
pass "Kubernetes manifests, docker-compose.yml, Grafana provisioning and dashboard JSON parse and agree with each other"

out=$(promtool check config deploy/prometheus/prometheus.yml 2>&1) || { echo "$out"; fail "promtool check config"; }
pass "promtool check config deploy/prometheus/prometheus.yml"
out=$(promtool check rules deploy/prometheus/alerts.yml 2>&1) || { echo "$out"; fail "promtool check rules"; }
pass "promtool check rules deploy/prometheus/alerts.yml"
out=$(cd deploy/prometheus && promtool test rules alerts.test.yml 2>&1) || { echo "$out"; fail "promtool test rules"; }
pass "promtool test rules: every alert fires on its test series and stays quiet on the others"

cp deploy/systemd/qimen-server.service "$WORK/"
out=$(systemd-analyze verify "$WORK/qimen-server.service" 2>&1) && [[ -z $out ]] || { echo "$out"; fail "systemd-analyze verify"; }
pass "systemd-analyze verify deploy/systemd/qimen-server.service"
out=$(systemd-analyze security --offline=yes --threshold=20 "$WORK/qimen-server.service" 2>&1) \
    || { echo "$out"; fail "systemd-analyze security: exposure above 2.0"; }
pass "systemd-analyze security --offline: $(grep -o 'Overall exposure level.*' <<<"$out")"

# ---- a running server, scraped by a real Prometheus ---------------------------------------------------------------
step "server + Prometheus"
PORT=$(free_port); ADMIN=$(free_port)
# an HTTP target, so that the target alerts' metrics are on /metrics (its series exist from the start); nothing
# listens at its URL and no call is routed to it here
cat > "$WORK/plain.yml" <<EOF
targets:
  erp: {type: http, url: "http://127.0.0.1:$(free_port)/qimen", secret: "ci-forward-$SECRET"}
EOF
SERVE_CONFIG="$WORK/plain.yml" start_server plain "$PORT" "$ADMIN" QIMEN_APPS="$APP_KEY:$SECRET"
out=$(send "http://127.0.0.1:$PORT/qimen" --secret "$SECRET") || { echo "$out"; fail "signed call to the server"; }
pass "signed call answered: $(grep -o '<flag>[a-z]*</flag><code>[^<]*</code>' <<<"$out")"
QIMEN_ADMIN_PORT=$ADMIN deploy/docker/healthcheck.sh || fail "the image's health check script against /health/ready"
pass "deploy/docker/healthcheck.sh reports the running server healthy"

curl --max-time 10 -fsS "http://127.0.0.1:$ADMIN/metrics" > "$WORK/metrics.txt"
# promtool's style findings on three names that Micrometer's standard JVM/Netty binders export (kept as they are, so
# that common JVM dashboards work) are listed here; any other finding, and any parse error, fails the check.
KNOWN_LINT='^(netty_allocator_memory_used no help text|process_cpu_time_ns_total metric names should not contain abbreviated units|system_cpu_count non-histogram and non-summary metrics should not have "_count" suffix)$'
out=$(promtool check metrics < "$WORK/metrics.txt" 2>&1) || true
grep -q '^qimen_requests_seconds_bucket' "$WORK/metrics.txt" || fail "no qimen_requests_seconds_bucket on /metrics"
unexpected=$(grep -Ev "$KNOWN_LINT" <<<"$out" || true)
[[ -z $unexpected ]] || { echo "$unexpected"; fail "promtool check metrics"; }
pass "promtool check metrics on the server's /metrics: parses; no finding but $(grep -cE "$KNOWN_LINT" <<<"$out") known ones on Micrometer binder names"

PROM=$(free_port)
mkdir -p "$WORK/prometheus"
cat > "$WORK/prometheus/prometheus.yml" <<EOF
# deploy/prometheus/prometheus.yml with the target on loopback and a 1 s scrape, and the shipped alert rules
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [$PWD/deploy/prometheus/alerts.yml]
scrape_configs:
  - job_name: qimen
    metrics_path: /metrics
    static_configs: [{targets: ["127.0.0.1:$ADMIN"]}]
EOF
prometheus --config.file="$WORK/prometheus/prometheus.yml" --storage.tsdb.path="$WORK/prometheus/data" \
    --web.listen-address="127.0.0.1:$PROM" > "$WORK/prometheus.log" 2>&1 &
PIDS+=($!)
await 30 curl --max-time 10 -fsS "http://127.0.0.1:$PROM/-/ready" || { tail -20 "$WORK/prometheus.log"; fail "Prometheus never ready"; }
query="qimen_requests_seconds_count{job=\"qimen\",method=\"deliveryorder.create\",outcome=\"success\"}"
counted() {
    curl --max-time 10 -fsS "http://127.0.0.1:$PROM/api/v1/query" --data-urlencode "query=$query" \
        | "$PY" -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; sys.exit(0 if r and float(r[0]["value"][1]) >= 1 else 1)'
}
await 30 counted || fail "Prometheus never returned $query >= 1"
pass "Prometheus scraped the server: $query >= 1 through the HTTP API"
RULES=$(grep -c '^ *- alert: ' deploy/prometheus/alerts.yml)
rules_ok() {
    curl --max-time 10 -fsS "http://127.0.0.1:$PROM/api/v1/rules" | "$PY" -c '
import json, sys
rules = [r for g in json.load(sys.stdin)["data"]["groups"] for r in g["rules"]]
sys.exit(0 if len(rules) == int(sys.argv[1]) and all(r["health"] == "ok" for r in rules) else 1)' "$RULES"
}
await 15 rules_ok || fail "Prometheus did not evaluate the $RULES alert rules with health ok"
pass "Prometheus loaded and evaluated the $RULES alert rules (health ok)"
curl --max-time 10 -fsS "http://127.0.0.1:$ADMIN/metrics" > "$WORK/metrics.txt"
"$PY" deploy/check/manifests.py live "$WORK/metrics.txt" "http://127.0.0.1:$PROM" \
    || fail "dashboard and alert queries against the live /metrics and Prometheus"
pass "every metric of the dashboard and the alert rules is on the live /metrics; every query runs on Prometheus"

# ---- the inbox, end to end ----------------------------------------------------------------------------------------
step "inbox (SQLite in a temporary QIMEN_DATA_DIR)"
# No plugin: deliveryorder.create has no synchronous handler, so a verified call is stored and answered success.
# java.io.tmpdir is a directory of its own, to see sqlite-jdbc extract its native library there.
IPORT=$(free_port); IADMIN=$(free_port)
IDATA="$WORK/inbox-data"
mkdir -p "$WORK/no-plugins" "$WORK/inbox-tmp"
start_server inbox "$IPORT" "$IADMIN" QIMEN_APPS="$APP_KEY:$SECRET" QIMEN_PLUGINS_DIR="$WORK/no-plugins" \
    QIMEN_DATA_DIR="$IDATA" JAVA_TOOL_OPTIONS="-Djava.io.tmpdir=$WORK/inbox-tmp"
out=$(send "http://127.0.0.1:$IPORT/qimen" --secret "$SECRET") || { echo "$out"; fail "signed call to the inbox server"; }
grep -q '<flag>success</flag>.*stored as inbox entry' <<<"$out" || { echo "$out"; fail "call not stored in the inbox"; }
[[ -f $IDATA/inbox.db ]] || fail "no inbox.db in QIMEN_DATA_DIR $IDATA"
compgen -G "$WORK/inbox-tmp/sqlite-*" >/dev/null || fail "sqlite-jdbc's native library is not in java.io.tmpdir"
pass "signed call answered $(grep -o '<flag>[a-z]*</flag>' <<<"$out") \"$(grep -o 'stored as inbox entry [0-9]*' <<<"$out")\"; $IDATA/inbox.db written, native library extracted to java.io.tmpdir"
out=$(QIMEN_DATA_DIR="$IDATA" java -Djava.io.tmpdir="$WORK/inbox-tmp" -jar "$JAR" inbox list 2>&1) \
    || { echo "$out"; fail "inbox list"; }
grep -Eq '^1 +[0-9T:.-]+Z +deliveryorder\.create +CUST001 +DO20240520000123 +api +new ' <<<"$out" \
    || { echo "$out"; fail "inbox list does not show entry 1 (deliveryorder.create, CUST001, new)"; }
pass "inbox list with the same QIMEN_DATA_DIR, beside the running server: $(grep -o 'in SQLite.*' <<<"$out")"
out=$(send "http://127.0.0.1:$IPORT/qimen" --secret "$SECRET") || { echo "$out"; fail "redelivered call to the inbox server"; }
grep -q '<flag>success</flag>' <<<"$out" || { echo "$out"; fail "a redelivered call was not answered success"; }
curl --max-time 10 -fsS "http://127.0.0.1:$IADMIN/metrics" > "$WORK/inbox-metrics.txt"
for line in 'qimen_inbox_appended_total 1.0' 'qimen_inbox_duplicates_total 1.0' 'qimen_inbox_append_failures_total 0.0'; do
    grep -qx "$line" "$WORK/inbox-metrics.txt" || { grep '^qimen_inbox' "$WORK/inbox-metrics.txt"; fail "/metrics lacks '$line'"; }
done
pass "/metrics: qimen_inbox_appended_total 1.0; the same call again is a duplicate (qimen_inbox_duplicates_total 1.0), answered success, not stored twice"

# ---- TLS: a test certificate for 127.0.0.1 ------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null || fail "openssl could not make a test certificate"

step "in-process TLS + secret rotation with SIGHUP"
TPORT=$(free_port); TADMIN=$(free_port)
printf '# rotation test\n%s:%s\n' "$APP_KEY" "$SECRET" > "$WORK/apps.txt"
start_server tls "$TPORT" "$TADMIN" QIMEN_APPS_FILE="$WORK/apps.txt" \
    QIMEN_TLS_CERT_FILE="$WORK/tls.crt" QIMEN_TLS_KEY_FILE="$WORK/tls.key"
HTTPS="https://127.0.0.1:$TPORT/qimen"
out=$(send "$HTTPS" --secret "$SECRET" --cacert "$WORK/tls.crt") || { echo "$out"; fail "signed call over HTTPS"; }
pass "in-process HTTPS: signed call answered $(grep -o '<flag>[a-z]*</flag>' <<<"$out") (send --cacert)"
if curl --max-time 10 -fsS -o /dev/null "http://127.0.0.1:$TPORT/qimen" 2>/dev/null; then fail "the TLS port answered plain HTTP"; fi
pass "the TLS port does not answer plain HTTP"

NEW_SECRET="ci-rotated-$(printf %05d%05d%05d $RANDOM $RANDOM $RANDOM)"
# reloaded N: the log shows at least N reloads (a function, so that await counts again on every try)
reloaded() { (($(grep -c 'secrets reloaded' "$WORK/tls.log" || true) >= $1)); }
printf '%s:%s\n%s:%s\n' "$APP_KEY" "$NEW_SECRET" "$APP_KEY" "$SECRET" > "$WORK/apps.txt.new" && mv "$WORK/apps.txt.new" "$WORK/apps.txt"
kill -HUP "$PID_tls"
await 10 reloaded 1 || { tail -20 "$WORK/tls.log"; fail "no 'secrets reloaded' after SIGHUP"; }
send "$HTTPS" --secret "$NEW_SECRET" --cacert "$WORK/tls.crt" >/dev/null || fail "new secret refused after SIGHUP"
send "$HTTPS" --secret "$SECRET" --cacert "$WORK/tls.crt" >/dev/null || fail "old secret refused while still in the file"
printf '%s:%s\n' "$APP_KEY" "$NEW_SECRET" > "$WORK/apps.txt.new" && mv "$WORK/apps.txt.new" "$WORK/apps.txt"
kill -HUP "$PID_tls"
await 10 reloaded 2 || fail "no second 'secrets reloaded' after SIGHUP"
out=$(send "$HTTPS" --secret "$SECRET" --cacert "$WORK/tls.crt") && fail "removed secret still accepted"
grep -q sign-check-failure <<<"$out" || { echo "$out"; fail "removed secret: expected sign-check-failure"; }
if grep -qF -e "$SECRET" -e "$NEW_SECRET" "$WORK/tls.log"; then fail "a secret appears in the server log"; fi
pass "SIGHUP: new secret accepted, old one accepted until removed from the file, then refused; no secret in the log"

# ---- nginx terminating TLS in front of the server -----------------------------------------------------------------
step "nginx reverse proxy"
# The client connects from 127.0.0.2, nginx (and any direct caller) from 127.0.0.1. The server trusts 127.0.0.1 as a
# proxy and allows only 127.0.0.2: a call succeeds only if the X-Forwarded-For that nginx set is believed.
NPORT=$(free_port); NADMIN=$(free_port); NGINX=$(free_port)
start_server proxied "$NPORT" "$NADMIN" QIMEN_APPS="$APP_KEY:$SECRET" \
    QIMEN_TRUSTED_PROXIES=127.0.0.1/32 QIMEN_ALLOWED_SOURCES=127.0.0.2/32
# the shipped file with only its addresses and file names changed; each change must apply exactly
site=$(cat deploy/nginx/qimen.conf)
for pair in "server 127.0.0.1:8080;|server 127.0.0.1:$NPORT;" "listen 443 ssl;|listen 127.0.0.1:$NGINX ssl;" \
            "listen [::]:443 ssl;|" "/etc/nginx/tls/qimen.crt|$WORK/tls.crt" "/etc/nginx/tls/qimen.key|$WORK/tls.key"; do
    from=${pair%%|*} to=${pair#*|}
    [[ $site == *"$from"* ]] || fail "deploy/nginx/qimen.conf no longer contains '$from'"
    site=${site//"$from"/"$to"}
done
printf '%s\n' "$site" > "$WORK/qimen.conf"
mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<EOF
# a minimal main configuration around the shipped site file
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 64; }
http {
    access_log $WORK/nginx/logs/access.log;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    include $WORK/qimen.conf;
}
EOF
out=$(nginx -t -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>&1) || { echo "$out"; fail "nginx -t"; }
pass "nginx -t on deploy/nginx/qimen.conf (loopback port and test certificate substituted)"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' > "$WORK/nginx.log" 2>&1 &
PIDS+=($!)
await 10 curl --max-time 10 -sS -o /dev/null --cacert "$WORK/tls.crt" "https://127.0.0.1:$NGINX/" || fail "nginx never listened"

# A signed call with curl from 127.0.0.2 (the jar's send cannot choose its source address): sign, then post.
ts=$(TZ=Asia/Shanghai date '+%Y-%m-%d %H:%M:%S')
params=(method="$METHOD" app_key="$APP_KEY" customerId=CUST001 format=xml sign_method=md5 v=2.0 timestamp="$ts")
sign=$(java -jar "$JAR" sign --secret "$SECRET" "${params[@]/#/--param=}" --body "$BODY")
sign=$(first_line "$sign")
query=$(printf '%s&' "${params[@]/timestamp=$ts/timestamp=${ts/ /%20}}")sign=$sign
out=$(curl --max-time 10 -sS --interface 127.0.0.2 --cacert "$WORK/tls.crt" -H 'Content-Type: text/xml;charset=utf-8' \
    --data-binary @"$BODY" "https://127.0.0.1:$NGINX/qimen?$query") || fail "no answer through nginx"
grep -q '<flag>success</flag>' <<<"$out" || { echo "$out"; fail "signed call through nginx from 127.0.0.2 not accepted"; }
await 5 grep -q 'client=127.0.0.2' "$WORK/proxied.log" || fail "the access log does not show client=127.0.0.2"
pass "signed call through nginx (TLS terminated) accepted; the server saw client=127.0.0.2 from X-Forwarded-For"
out=$(send "http://127.0.0.1:$NPORT/qimen" --secret "$SECRET") && fail "a direct call from 127.0.0.1 was accepted"
grep -q ip-not-allowed <<<"$out" || { echo "$out"; fail "direct call: expected ip-not-allowed"; }
pass "control: the same call straight to the server from 127.0.0.1 is refused ip-not-allowed"

if [[ $had_data == no && -e data ]]; then fail "a server wrote data/ into the repository"; fi
echo "all deployment checks passed"
