#!/usr/bin/env python3
"""The Kubernetes manifests as a cluster gets them, without a cluster (deploy/check/manifests.py, container-check.sh).

  kube.py render DIR               what `kubectl kustomize DIR` prints, as a JSON array (the subset of kustomize that
                                   deploy/kubernetes* use: namespace and resources, files or directories; any other
                                   key is refused rather than ignored)
  kube.py play DIR OUT SECRET_OUT IMAGE PORT ADMIN_PORT APPS_FILE INBOX_URL
                                   a `podman kube play` file OUT from DIR's Deployment and ConfigMap, and in SECRET_OUT
                                   the Secret made as secret.example.yaml says (keys apps.txt, inbox-url), for
                                   `podman secret create`: one replica, IMAGE, host network on loopback with the
                                   ports moved to free ones (and the podman 4.3 workarounds below)
"""
import base64
import copy
import json
import sys
from pathlib import Path

import yaml

SUPPORTED = {"apiVersion", "kind", "namespace", "resources"}


def render(directory):
    directory = Path(directory)
    kust = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(kust) - SUPPORTED
    if unknown:
        raise SystemExit(f"{directory}/kustomization.yaml uses {sorted(unknown)}: kube.py renders only {sorted(SUPPORTED)}")
    docs = []
    for entry in kust.get("resources", []):
        path = directory / entry
        if path.is_dir():
            docs.extend(render(path))
        else:
            docs.extend(d for d in yaml.safe_load_all(path.read_text()) if d)
    if "namespace" in kust:
        for d in docs:
            if d["kind"] != "Namespace":
                d.setdefault("metadata", {})["namespace"] = kust["namespace"]
    return docs


def play(directory, image, port, admin, apps_file, inbox_url):
    docs = {d["kind"]: d for d in render(directory)}
    dep, cm = copy.deepcopy(docs["Deployment"]), copy.deepcopy(docs["ConfigMap"])
    secret_name = next(v["secret"]["secretName"] for v in dep["spec"]["template"]["spec"]["volumes"] if "secret" in v)
    # made by hand, as secret.example.yaml tells (kubectl create secret generic ... --from-file): base64 data
    values = {"apps.txt": Path(apps_file).read_text(), "inbox-url": inbox_url}
    secret = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
              "metadata": {"name": secret_name, "namespace": cm["metadata"].get("namespace")},
              "data": {k: base64.b64encode(v.encode()).decode() for k, v in values.items()}}
    dep["spec"]["replicas"] = 1
    pod = dep["spec"]["template"]["spec"]
    pod["hostNetwork"] = True  # this sandbox has no bridge network for podman
    c = pod["containers"][0]
    c["image"] = image
    c["imagePullPolicy"] = "Never"
    # podman 4.3 publishes containerPorts, which a host-network pod cannot: the ports go, and the probes name the
    # (moved) port numbers instead of the port names
    moved = {"http": int(port), "admin": int(admin)}
    names = {p["name"] for p in c.pop("ports")}
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        if probe in c and "httpGet" in c[probe]:
            c[probe]["httpGet"]["port"] = moved[c[probe]["httpGet"]["port"]]
    assert names == set(moved), f"container ports {names}"
    # podman 4.3 reads a secret for env (secretKeyRef) as a JSON map of base64 values, and one for a volume as a
    # Secret object: two podman secrets made from the one Secret; the env refers to the second (NAME-env)
    for e in c.get("env", []):
        ref = e.get("valueFrom", {}).get("secretKeyRef")
        if ref and ref["name"] == secret_name:
            ref["name"] = secret_name + "-env"
    # podman 4.3 dereferences an absent secret volume 'optional' (false is Kubernetes' default)
    for v in pod["volumes"]:
        if "secret" in v:
            v["secret"].setdefault("optional", False)
    # loopback only, on the free ports (the shipped env sets QIMEN_ADMIN_BIND=0.0.0.0 for the kubelet's probes)
    c["env"] = [e for e in c.get("env", []) if e["name"] != "QIMEN_ADMIN_BIND"] + [
        {"name": "QIMEN_BIND", "value": "127.0.0.1"}, {"name": "QIMEN_ADMIN_BIND", "value": "127.0.0.1"},
        {"name": "QIMEN_PORT", "value": str(port)}, {"name": "QIMEN_ADMIN_PORT", "value": str(admin)}]
    return [cm, dep], secret


def main():
    if sys.argv[1:2] == ["render"] and len(sys.argv) == 3:
        print(json.dumps(render(sys.argv[2]), indent=1))
    elif sys.argv[1:2] == ["play"] and len(sys.argv) == 10:
        _, _, directory, out, secret_out, image, port, admin, apps_file, inbox_url = sys.argv
        docs, secret = play(directory, image, port, admin, apps_file, inbox_url)
        Path(out).write_text(yaml.safe_dump_all(docs, sort_keys=False))
        # for `podman secret create NAME SECRET_OUT` (the volume) and `... NAME-env SECRET_OUT.env` (the env)
        # podman 4.3 writes a volume secret's data values into the files as they are (no base64 decoding), and
        # ignores the volume's items and defaultMode
        plain = dict(secret, data={k: base64.b64decode(v).decode() for k, v in secret["data"].items()})
        Path(secret_out).write_text(yaml.safe_dump(plain, sort_keys=False))
        Path(secret_out + ".env").write_text(json.dumps(secret["data"]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
