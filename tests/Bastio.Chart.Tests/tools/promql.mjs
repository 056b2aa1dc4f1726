// Parses PromQL expressions with Prometheus's own parser for its web UI (npm
// @prometheus-io/lezer-promql). Usage:
//   node promql.mjs <node_modules dir> < expressions.json
// Input: a JSON array of expressions. Output: a JSON array of {errors, metrics} in the same order,
// where errors are the offsets of syntax errors and metrics the metric names the selectors read.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.argv[2];
if (!modules) {
  console.error("usage: promql.mjs <node_modules dir> < expressions.json");
  process.exit(2);
}

const { parser } = await import(pathToFileURL(join(modules, "@prometheus-io/lezer-promql/dist/index.es.js")).href);

const results = JSON.parse(readFileSync(0, "utf8")).map((expression) => {
  const errors = [];
  const metrics = new Set();
  parser.parse(expression).iterate({
    enter(node) {
      if (node.type.isError) {
        errors.push(node.from);
      } else if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") {
        metrics.add(expression.slice(node.from, node.to));
      }
    },
  });
  return { errors, metrics: [...metrics] };
});
console.log(JSON.stringify(results));
