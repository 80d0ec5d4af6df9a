// Validates Kubernetes objects against the Kubernetes OpenAPI schema, with the validators that the npm package
// kubernetes-models compiles from it (and @kubernetes-models/prometheus-operator for the ServiceMonitor CRD):
// types, required fields, enums and formats. Usage: node validate.mjs OBJECTS.json (a JSON array; kube.py renders it).
// Each object is also validated once broken (metadata.name a number): that copy must be refused, or the validator
// is not looking. Exit 1 on any problem.
import { readFileSync } from "node:fs";

const objects = JSON.parse(readFileSync(process.argv[2], "utf8"));
const problems = [];
for (const obj of objects) {
    const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : ["", obj.apiVersion];
    const module = group === "monitoring.coreos.com"
        ? `@kubernetes-models/prometheus-operator/${group}/${version}/${obj.kind}`
        : `kubernetes-models/${group ? group + "/" : ""}${version}/${obj.kind}`;
    const name = `${obj.kind} ${obj.metadata?.name}`;
    let Model;
    try {
        Model = (await import(module))[obj.kind];
    } catch (e) {
        problems.push(`${name}: no schema for ${obj.apiVersion} ${obj.kind} (${e.code ?? e.message})`);
        continue;
    }
    try {
        new Model(obj).validate();
    } catch (e) {
        problems.push(`${name}: ${e.message}`);
        continue;
    }
    let refused = false;
    try {
        new Model({ ...obj, metadata: { ...obj.metadata, name: 42 } }).validate();
    } catch (e) {
        refused = true;
    }
    if (!refused) problems.push(`${name}: a copy with metadata.name 42 was accepted: the validator does not validate`);
    console.log(`  valid: ${obj.apiVersion} ${name}`);
}
for (const p of problems) console.log(`  problem: ${p}`);
process.exit(problems.length ? 1 : 0);
