#!/usr/bin/env bash
# The archetype end to end, as a newcomer would use it: generate a plugin project with `mvn archetype:generate`, build
# it (its tests run against qimen-testkit), put its jar in a real server's plugins_dir, and call it with `send`.
# The generated project needs this project's artifacts in a repository, and nothing may be installed into ~/.m2: they
# go into a TEMPORARY local repository, which reads everything else from ~/.m2 as a file repository (copied, never
# written; central only for what ~/.m2 lacks; MAVEN_OFFLINE=1: never). Every process it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*" >&2; exit 1; }
step() { echo "----  $*"; }

VERSION=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml)
ARCHETYPE_PLUGIN=org.apache.maven.plugins:maven-archetype-plugin:$(sed -n 's:.*<archetype-plugin.version>\(.*\)</archetype-plugin.version>.*:\1:p' pom.xml)
SEED=${QIMEN_SEED_REPO:-$HOME/.m2/repository}
JAR=$PWD/server/target/qimen-server.jar

WORK=$(mktemp -d /tmp/qimen-archetype-check.XXXXXX)
REPO=$WORK/repo
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

cat > "$WORK/settings.xml" <<XML
<settings>
  <profiles>
    <profile>
      <id>seed</id>
      <repositories><repository><id>seed</id><url>file://$SEED</url></repository></repositories>
      <pluginRepositories><pluginRepository><id>seed</id><url>file://$SEED</url></pluginRepository></pluginRepositories>
    </profile>
  </profiles>
  <activeProfiles><activeProfile>seed</activeProfile></activeProfiles>
</settings>
XML
MVN=(mvn -B -ntp -s "$WORK/settings.xml" "-Dmaven.repo.local=$REPO")
if [[ ${MAVEN_OFFLINE:-0} == 1 ]]; then MVN+=(-o -Daether.offline.protocols=file); fi

t0=$SECONDS
step "install the project's artifacts into $REPO"
"${MVN[@]}" -q install -DskipTests -pl bom,protocol,server,testkit,archetype -am > "$WORK/install.log" 2>&1 \
    || { tail -50 "$WORK/install.log"; fail "mvn install into the temporary repository"; }
pass "qimen-bom, qimen-protocol, qimen-server, qimen-testkit, qimen-handler-archetype $VERSION installed ($((SECONDS - t0)) s)"

t1=$SECONDS
step "mvn archetype:generate"
mkdir "$WORK/gen"
(cd "$WORK/gen" && "${MVN[@]}" -q "$ARCHETYPE_PLUGIN:generate" -DarchetypeCatalog=local \
    -DarchetypeGroupId=io.qimencallback -DarchetypeArtifactId=qimen-handler-archetype -DarchetypeVersion="$VERSION" \
    -DgroupId=com.example.erp -DartifactId=my-erp-plugin -Dversion=1.0.0 -Dpackage=com.example.erp) \
    > "$WORK/generate.log" 2>&1 || { tail -50 "$WORK/generate.log"; fail "archetype:generate"; }
PROJECT=$WORK/gen/my-erp-plugin
for f in pom.xml qimen.yml src/main/java/com/example/erp/DeliveryOrderHandler.java \
        src/test/java/com/example/erp/DeliveryOrderHandlerTest.java \
        src/main/resources/META-INF/services/io.qimencallback.protocol.handler.QimenHandler; do
    [[ -f $PROJECT/$f ]] || fail "the generated project has no $f"
done
grep -qx 'com.example.erp.DeliveryOrderHandler' \
    "$PROJECT/src/main/resources/META-INF/services/io.qimencallback.protocol.handler.QimenHandler" \
    || fail "the ServiceLoader file does not name the handler"
pass "generated com.example.erp:my-erp-plugin ($((SECONDS - t1)) s)"

t2=$SECONDS
step "mvn verify in the generated project"
(cd "$PROJECT" && "${MVN[@]}" verify) > "$WORK/build.log" 2>&1 || { tail -80 "$WORK/build.log"; fail "the generated project's build"; }
grep -q 'Tests run: 3, Failures: 0, Errors: 0, Skipped: 0' "$WORK/build.log" || { tail -40 "$WORK/build.log"; fail "its 3 tests did not all run"; }
[[ -f $PROJECT/target/my-erp-plugin.jar ]] || fail "no target/my-erp-plugin.jar"
# not `unzip -l | grep -q`: under pipefail grep's early exit can kill unzip and hide a match
if [[ $(unzip -l "$PROJECT/target/my-erp-plugin.jar") == *io/qimencallback/* ]]; then
    fail "the plugin jar carries qimen classes (they must be provided)"
fi
pass "built: its tests passed against qimen-testkit, target/my-erp-plugin.jar holds the plugin only ($((SECONDS - t2)) s)"

t3=$SECONDS
step "the jar in a real server's plugins_dir, called with send"
mkdir "$WORK/plugins"
cp "$PROJECT/target/my-erp-plugin.jar" "$WORK/plugins/"
PORT=$(free_port); ADMIN=$(free_port)
APP_KEY=12345678
SECRET="ci-archetype-$(printf %05d%05d%05d $RANDOM $RANDOM $RANDOM)"
(cd "$PROJECT" && exec env QIMEN_BIND=127.0.0.1 QIMEN_PORT="$PORT" QIMEN_ADMIN_PORT="$ADMIN" \
    QIMEN_PLUGINS_DIR="$WORK/plugins" QIMEN_DATA_DIR="$WORK/data" QIMEN_APPS="$APP_KEY:$SECRET" \
    QIMEN_PLUGINS_ERP_ID_PREFIX=CI java -jar "$JAR" serve --config qimen.yml) > "$WORK/server.log" 2>&1 &
PIDS+=($!)
java -jar "$JAR" wait-ready "http://127.0.0.1:$ADMIN/health/ready" --timeout 60s > /dev/null \
    || { cat "$WORK/server.log"; fail "server never ready"; }
out=$(QIMEN_SECRET=$SECRET java -jar "$JAR" send "http://127.0.0.1:$PORT/qimen" --api deliveryorder.create \
    --app-key "$APP_KEY" --customer-id OWNER1 2>&1) || { echo "$out"; cat "$WORK/server.log"; fail "send"; }
grep -q '<flag>success</flag>' <<<"$out" || { echo "$out"; fail "the plugin did not answer success"; }
# the prefix comes from QIMEN_PLUGINS_ERP_ID_PREFIX: the plugin read its settings section in start
grep -q '<deliveryOrderId>CI-DO' <<<"$out" || { echo "$out"; fail "the answer is not the plugin's (deliveryOrderId CI-DO...)"; }
grep -q 'deliveryorder.create: handler com.example.erp.DeliveryOrderHandler' "$WORK/server.log" \
    || { cat "$WORK/server.log"; fail "the server's route table does not show the plugin"; }
pass "the server loaded plugins/my-erp-plugin.jar and it answered deliveryorder.create with its setting ($((SECONDS - t3)) s)"
pass "archetype end to end in $((SECONDS - t0)) s"
