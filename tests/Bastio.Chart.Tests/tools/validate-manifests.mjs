// Validates multi-document Kubernetes YAML (stdin) against the OpenAPI-derived JSON schemas that
// the npm packages kubernetes-models and @kubernetes-models/prometheus-operator ship. Usage:
//   node validate-manifests.mjs <node_modules dir> < manifests.yaml
// Prints one line per object and exits 1 when any object is invalid or of a kind no package covers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.argv[2];
if (!modules) {
  console.error("usage: validate-manifests.mjs <node_modules dir> < manifests.yaml");
  process.exit(2);
}

const load = (path) => import(pathToFileURL(join(modules, path)).href);
const { parseAllDocuments } = await load("yaml/dist/index.js");

function modulePath(apiVersion) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/${group}/${version}/index.js`;
  return group === "" ? `kubernetes-models/${version}/index.js` : `kubernetes-models/${group}/${version}/index.js`;
}

let failed = 0;
for (const doc of parseAllDocuments(readFileSync(0, "utf8"))) {
  if (doc.errors.length) {
    console.log(`invalid YAML: ${doc.errors[0].message}`);
    failed++;
    continue;
  }
  const object = doc.toJS();
  if (object === null) continue;
  const name = `${object.apiVersion} ${object.kind} ${object.metadata?.namespace ?? ""}/${object.metadata?.name}`;
  let Model;
  try {
    Model = (await load(modulePath(object.apiVersion)))[object.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) {
    console.log(`unknown ${name}: no schema for this kind`);
    failed++;
    continue;
  }
  try {
    new Model(object).validate();
    console.log(`valid ${name}`);
  } catch (error) {
    console.log(`invalid ${name}: ${error.message}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
