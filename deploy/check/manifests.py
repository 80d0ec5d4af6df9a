#!/usr/bin/env python3
"""Checks of the deployment files that need no cluster and no Docker engine (called by deploy/check.sh).

  manifests.py static                      parse every YAML/JSON file; cross-check names, ports, settings, timeouts
  manifests.py live METRICS_FILE PROM_URL  every metric the dashboard and the alert rules use is on a live /metrics,
                                           and every dashboard query runs without error on a live Prometheus
Exit status 1 and a message per problem when a check fails.
"""
import json
import re
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kube  # noqa: E402 (deploy/check/kube.py: the manifests as kustomize renders them)

DEPLOY = Path(__file__).resolve().parent.parent
ROOT = DEPLOY.parent
problems = []


def check(ok, message):
    if not ok:
        problems.append(message)
    return ok


def settings():
    """QIMEN_* names the server knows: the README's configuration table, plus the two logging variables."""
    names = set(re.findall(r"^\| `(QIMEN_[A-Z_]+)` \|", (ROOT / "README.md").read_text(), re.M))
    check(len(names) > 10, "README configuration table not found")
    return names | {"QIMEN_LOG_LEVEL", "QIMEN_ACCESS_LOG_LEVEL"}


def env_file(path):
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if line and not line.startswith("#"))


def seconds(text):
    m = re.fullmatch(r"(\d+)(s?)", str(text))
    return int(m.group(1)) if m else None


def matches_all(selector, labels):
    return all(labels.get(k) == v for k, v in selector.items())


def kubernetes(known):
    kdir = DEPLOY / "kubernetes"
    kust = yaml.safe_load((kdir / "kustomization.yaml").read_text())
    docs = {}
    # the base, the Prometheus Operator overlay (the ServiceMonitor) and the example Secret, made by hand from it
    rendered = kube.render(DEPLOY / "kubernetes-prometheus-operator")
    for doc in rendered + [yaml.safe_load((kdir / "secret.example.yaml").read_text())]:
        check(doc.get("apiVersion") and doc.get("kind") and doc.get("metadata", {}).get("name"),
              f"a document without apiVersion, kind or metadata.name: {doc}")
        docs[doc["kind"]] = doc
    listed = {p.name for p in kdir.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    check(listed == set(kust["resources"]), f"kustomization.yaml resources {sorted(kust['resources'])} != files {sorted(listed)}")
    check("secret.example.yaml" not in kust["resources"], "apply -k must not apply the example Secret over the real one")
    check(all(d["kind"] != "ServiceMonitor" for d in kube.render(kdir)),
          "the base has a ServiceMonitor: apply -k fails on a cluster without the Prometheus Operator")
    pol = docs["NetworkPolicy"]["spec"]
    check(matches_all(pol["podSelector"]["matchLabels"], docs["Deployment"]["spec"]["template"]["metadata"]["labels"]),
          "the NetworkPolicy does not select the pods")
    admin_from = [r["from"] for r in pol["ingress"] if any(p["port"] in ("admin", 9090) for p in r["ports"])]
    check(len(admin_from) == 1 and all("namespaceSelector" in f and "podSelector" in f for f in admin_from[0]),
          "the admin port must be open only to Prometheus pods in a monitoring namespace")
    dep, svc, cm, sec = docs["Deployment"], docs["Service"], docs["ConfigMap"], docs["Secret"]
    labels = dep["spec"]["template"]["metadata"]["labels"]
    pod = dep["spec"]["template"]["spec"]
    c = pod["containers"][0]
    matches = lambda sel: all(labels.get(k) == v for k, v in sel.items())
    check(matches(dep["spec"]["selector"]["matchLabels"]), "Deployment selector does not match its pods")
    check(matches(svc["spec"]["selector"]), "Service selector does not match the pods")
    check(matches(docs["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"]), "PDB selector does not match the pods")
    svc_labels = svc["metadata"]["labels"]
    sm = docs["ServiceMonitor"]["spec"]
    check(all(svc_labels.get(k) == v for k, v in sm["selector"]["matchLabels"].items()), "ServiceMonitor does not select the Service")
    svc_ports = {p["name"] for p in svc["spec"]["ports"]}
    check(all(e["port"] in svc_ports for e in sm["endpoints"]), "ServiceMonitor port is not a Service port")
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    check(all(p["targetPort"] in ports for p in svc["spec"]["ports"]), "Service targetPort is not a container port")
    hpa = docs["HorizontalPodAutoscaler"]["spec"]
    check(hpa["scaleTargetRef"]["name"] == dep["metadata"]["name"], "HPA does not target the Deployment")
    backend = docs["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    check(backend["name"] == svc["metadata"]["name"] and backend["port"]["name"] in svc_ports, "Ingress backend is not the Service")
    check(docs["Ingress"]["spec"].get("tls"), "Ingress does not terminate TLS")
    check(docs["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["path"] == cm["data"]["QIMEN_PATH"], "Ingress path != QIMEN_PATH")

    for probe, path in (("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live")):
        check(c[probe]["httpGet"]["path"] == path and c[probe]["httpGet"]["port"] in ports, f"{probe} is not {path} on a container port")
    check(ports.get("admin") == 9090 and ports.get("http") == 8080, "container ports are not the image's 8080/9090")
    check("requests" in c["resources"] and "memory" in c["resources"].get("limits", {}), "resources: requests and a memory limit")
    replicas, pdb_min = dep["spec"]["replicas"], docs["PodDisruptionBudget"]["spec"]["minAvailable"]
    check(replicas >= 2 and pdb_min < replicas and hpa["minReplicas"] >= replicas, "replicas / PDB / HPA minimum disagree")
    grace = int(cm["data"]["QIMEN_SHUTDOWN_GRACE_SECONDS"])
    pre_stop = int(c["lifecycle"]["preStop"]["exec"]["command"][-1])
    check(pod["terminationGracePeriodSeconds"] > grace + pre_stop,
          f"terminationGracePeriodSeconds {pod['terminationGracePeriodSeconds']} <= drain {grace} + preStop {pre_stop}")
    check(pod["securityContext"].get("runAsNonRoot") and c["securityContext"].get("readOnlyRootFilesystem")
          and c["securityContext"].get("allowPrivilegeEscalation") is False, "pod is not non-root with a read-only root")
    check(c["envFrom"][0]["configMapRef"]["name"] == cm["metadata"]["name"], "envFrom does not name the ConfigMap")
    env = set(cm["data"]) | {e["name"] for e in c.get("env", [])}
    check(env <= known, f"unknown settings in the Deployment/ConfigMap: {sorted(env - known)}")
    mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
    vols = {v["name"]: v for v in pod["volumes"]}
    secret_vol = next(n for n, v in vols.items() if "secret" in v)
    check(vols[secret_vol]["secret"]["secretName"] == sec["metadata"]["name"], "the secret volume does not name the Secret")
    items = {i["key"]: i["path"] for i in vols[secret_vol]["secret"].get("items", [])}
    check(items == {"apps.txt": "apps.txt"}, f"the secret volume should mount apps.txt alone, not {items or 'every key'}")
    check(cm["data"]["QIMEN_APPS_FILE"].rsplit("/", 1) == [mounts[secret_vol], "apps.txt"] and "apps.txt" in sec["stringData"],
          "QIMEN_APPS_FILE is not the Secret's key apps.txt in its mount")
    tmp = next((n for n, path in mounts.items() if path == "/tmp"), None)
    check(tmp and "emptyDir" in vols.get(tmp, {}), "no writable emptyDir /tmp (java.io.tmpdir) for a read-only root")
    # The inbox: replicas with only emptyDir storage must share a PostgreSQL inbox, or a replaced pod takes calls
    # already answered success with it. Fail closed: the URL comes from the Secret, not optional, shipped absent.
    check("QIMEN_INBOX_URL" not in cm["data"] and "QIMEN_DATA_DIR" not in cm["data"],
          "configmap.yaml sets the inbox store: QIMEN_INBOX_URL belongs in the Secret, and a per-pod SQLite inbox is wrong")
    check(cm["data"].get("QIMEN_INBOX", "on") == "on", "the ConfigMap switches the inbox off")
    inbox = next((e for e in c.get("env", []) if e["name"] == "QIMEN_INBOX_URL"), {})
    ref = inbox.get("valueFrom", {}).get("secretKeyRef", {})
    check(ref.get("name") == sec["metadata"]["name"] and ref.get("key") == "inbox-url" and not ref.get("optional", False)
          and "value" not in inbox,
          "the Deployment does not take QIMEN_INBOX_URL from the Secret's key inbox-url (not optional)")
    check("inbox-url" not in sec.get("stringData", {}) and "inbox-url" not in sec.get("data", {}),
          "secret.example.yaml ships an inbox-url: it must be absent so that pods do not start without a real shared inbox")
    return grace


def compose(known):
    doc = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    q = doc["services"]["qimen"]
    check(set(q["environment"]) <= known, f"unknown settings in docker-compose.yml: {sorted(set(q['environment']) - known)}")
    check(seconds(q["stop_grace_period"]) > int(q["environment"]["QIMEN_SHUTDOWN_GRACE_SECONDS"]), "stop_grace_period <= drain")
    check(q["read_only"] is True and "ALL" in q["cap_drop"], "qimen service is not read-only with all capabilities dropped")
    check(q["environment"]["QIMEN_APPS_FILE"] == "/run/secrets/" + q["secrets"][0], "QIMEN_APPS_FILE is not the compose secret")
    # the inbox: a named volume at the image's QIMEN_DATA_DIR; /tmp (java.io.tmpdir) exec for sqlite-jdbc's library
    data_dir = q["environment"].get("QIMEN_DATA_DIR") or image_env().get("QIMEN_DATA_DIR")
    named = {v.split(":")[0]: v.split(":")[1] for v in q.get("volumes", []) if not v.startswith((".", "/"))}
    check(data_dir in named.values() and all(n in (doc.get("volumes") or {}) for n in named),
          f"qimen service: no named volume at QIMEN_DATA_DIR {data_dir} (the inbox)")
    tmpfs = {m.split(":")[0]: m.split(":")[1].split(",") if ":" in m else [] for m in q.get("tmpfs", [])}
    check("exec" in tmpfs.get("/tmp", []),
          "qimen service: /tmp is not a tmpfs mounted exec (Docker's default noexec stops the SQLite native library)")
    for name, svc in doc["services"].items():
        for v in svc.get("volumes", []):
            src = v.split(":")[0]
            if src.startswith("."):
                check((DEPLOY / src).exists(), f"docker-compose.yml: {name} mounts missing {src}")
    ds = yaml.safe_load((DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text())["datasources"][0]
    prov = yaml.safe_load((DEPLOY / "grafana/provisioning/dashboards/qimen.yml").read_text())["providers"][0]
    grafana_mounts = dict(v.split(":")[:2] for v in doc["services"]["grafana"]["volumes"])
    check(grafana_mounts.get("./grafana/dashboards") == prov["options"]["path"], "dashboard provider path is not the mounted folder")
    dash = json.loads((DEPLOY / "grafana/dashboards/qimen.json").read_text())
    for p in dash["panels"]:
        if p["type"] == "row":
            continue
        check(p["datasource"]["uid"] == ds["uid"] and p["targets"] and all(t.get("expr") for t in p["targets"]),
              f"dashboard panel '{p['title']}' has no query on the provisioned datasource")
    check(ds["url"].split("//")[1].split(":")[0] in doc["services"], "datasource URL is not a compose service")


def systemd(known):
    env = env_file(DEPLOY / "systemd/qimen.env")
    check(set(env) <= known, f"unknown settings in qimen.env: {sorted(set(env) - known)}")
    unit = (DEPLOY / "systemd/qimen-server.service").read_text()
    stop = int(re.search(r"^TimeoutStopSec=(\d+)", unit, re.M).group(1))
    check(stop > int(env["QIMEN_SHUTDOWN_GRACE_SECONDS"]), "TimeoutStopSec <= QIMEN_SHUTDOWN_GRACE_SECONDS")
    for key in ("User=qimen", "ProtectSystem=strict", "PrivateTmp=yes", "NoNewPrivileges=yes", "Restart=on-failure",
                "StateDirectory=qimen", "StateDirectoryMode=0700"):
        check(re.search("^" + re.escape(key) + "$", unit, re.M), f"unit lacks {key}")
    # ProtectSystem=strict leaves the StateDirectory alone writable: the inbox must be there
    check(env.get("QIMEN_DATA_DIR") == "/var/lib/qimen", "qimen.env: QIMEN_DATA_DIR is not the StateDirectory /var/lib/qimen")
    check(not re.search(r"^(NoExecPaths|InaccessiblePaths)=.*/tmp", unit, re.M), "the unit makes /tmp unusable for sqlite-jdbc")


def image_env():
    """The run stage's ENV settings (the last FROM onwards), continuation lines joined."""
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    stage = text[text.rindex("\nFROM "):]
    env = {}
    for line in re.findall(r"^ENV (.+)$", stage, re.M):
        env.update(re.findall(r'(\w+)=("[^"]*"|\S+)', line))
    return env


def dockerfile():
    text = (DEPLOY / "Dockerfile").read_text()
    for line in re.findall(r"^COPY (?!--from)(.+)$", text, re.M):
        for src in line.split()[:-1]:
            check((ROOT / src).exists(), f"Dockerfile copies missing {src}")
    copied = {src for line in re.findall(r"^COPY (?!--from)(.+)$", text, re.M) for src in line.split()[:-1]}
    # Maven reads every module the root pom lists, built or not: a module added without its pom breaks the image
    for module in re.findall(r"<module>([^<]+)</module>", (ROOT / "pom.xml").read_text()):
        check(f"{module}/pom.xml" in copied, f"Dockerfile does not copy {module}/pom.xml (a module of the root pom)")
    check(re.search(r"^USER 10001", text, re.M), "Dockerfile does not run as the non-root user")
    # the inbox: QIMEN_DATA_DIR=/data, owned by the user, a volume declared after the ownership is set
    check(image_env().get("QIMEN_DATA_DIR") == "/data", "the image does not set QIMEN_DATA_DIR=/data")
    volume = re.search(r"^VOLUME (?:\[\s*\"/data\"\s*\]|/data)\s*$", text, re.M)
    owned = re.search(r"(install -d [^\n]*-o 10001 [^\n]*/data\b|chown [^\n]*10001[^\n]* /data\b)", text)
    check(volume, "the Dockerfile does not declare VOLUME /data (the inbox)")
    check(owned and volume and owned.start() < volume.start(), "/data is not owned by uid 10001 before VOLUME /data")
    check("/health/ready" in (DEPLOY / "docker/healthcheck.sh").read_text(), "health check is not /health/ready")


def queries():
    """(origin, PromQL) of the dashboard (template variables filled in) and of the alert rules."""
    dash = json.loads((DEPLOY / "grafana/dashboards/qimen.json").read_text())
    out = []
    for p in dash["panels"]:
        for t in p.get("targets", []):
            expr = t["expr"].replace("$__rate_interval", "1m").replace("$job", ".*").replace("$instance", ".*")
            out.append((f"dashboard '{p['title']}'", expr))
    for v in dash["templating"]["list"]:
        inner = re.fullmatch(r"label_values\((.+), \w+\)", v["query"]["query"]).group(1)
        out.append((f"dashboard variable {v['name']}", inner.replace("$job", ".*")))
    rules = yaml.safe_load((DEPLOY / "prometheus/alerts.yml").read_text())
    for g in rules["groups"]:
        for r in g["rules"]:
            out.append((f"alert {r['alert']}", r["expr"]))
    return out


def renamed():
    """Gauges renamed for what they mean: the old names must be gone from the dashboard, alerts and README."""
    old = "qimen_executor_capacity"
    for f in (DEPLOY / "grafana/dashboards/qimen.json", DEPLOY / "prometheus/alerts.yml", ROOT / "README.md"):
        check(old not in f.read_text(), f"{f.name} still uses {old} (now qimen_executor_queue_free)")
    check(any("qimen_build_info" in e for _, e in queries()), "the dashboard does not show qimen_build_info")


def live(metrics_file, prometheus):
    exposed = {line.split("{")[0].split(" ")[0] for line in Path(metrics_file).read_text().splitlines()
               if line and not line.startswith("#")}
    used = set()
    for origin, expr in queries():
        names = set(re.findall(r"\b(qimen_[a-z0-9_]+|jvm_[a-z0-9_]+|process_[a-z0-9_]+)\b", expr))
        used |= names
        check(names <= exposed, f"{origin}: not on /metrics: {sorted(names - exposed)}")
        url = prometheus + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                answer = json.load(r)
            check(answer["status"] == "success", f"{origin}: Prometheus says {answer}")
        except Exception as e:  # HTTP 400 = a query Prometheus cannot parse
            check(False, f"{origin}: query failed: {e}")
    print(f"  {len(queries())} queries ran; metrics used: {', '.join(sorted(used))}")


def main():
    if sys.argv[1:2] == ["static"]:
        known = settings()
        kubernetes(known)
        compose(known)
        systemd(known)
        dockerfile()
        renamed()
    elif sys.argv[1:2] == ["live"] and len(sys.argv) == 4:
        live(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
    for p in problems:
        print("  problem: " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
