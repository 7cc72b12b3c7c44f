/**
 * Writes libs/kubeconform/data/api-availability.json: the first Kubernetes minor release serving
 * each GA built-in API (apiVersion/kind), from FairwindsOps/pluto's versions.yaml (the Kubernetes
 * deprecated-API data: `replacement-api` is available from `replacement-available-in`).
 *
 *   npx tsx libs/kubeconform/scripts/api-availability.ts <path to pluto's versions.yaml> <pluto commit>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const [source, commit] = process.argv.slice(2);
if (!source || !commit) throw new Error('usage: api-availability.ts <versions.yaml> <pluto commit>');
interface Entry {
  kind: string;
  component?: string;
  'replacement-api'?: string | null;
  'replacement-available-in'?: string | null;
}
const data = parse(readFileSync(source, 'utf8')) as { 'deprecated-versions': Entry[] };
const minor = (v: string) => Number(/^v?1\.(\d+)\./.exec(v)?.[1]);
const since: Record<string, number> = {};
for (const e of data['deprecated-versions']) {
  const api = e['replacement-api'];
  const from = e['replacement-available-in'];
  if (e.component !== 'k8s' || !api || !from) continue;
  for (const kind of [e.kind, `${e.kind}List`]) {
    const key = `${api}/${kind}`;
    since[key] = Math.min(since[key] ?? Infinity, minor(from));
  }
}
const out = {
  $comment: `First Kubernetes 1.x minor serving each GA API, from FairwindsOps/pluto versions.yaml at ${commit} (replacement-api / replacement-available-in). APIs not listed are taken as served by every supported minor.`,
  since: Object.fromEntries(Object.entries(since).sort(([a], [b]) => (a < b ? -1 : 1))),
};
const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../data/api-availability.json');
writeFileSync(target, `${JSON.stringify(out, null, 2)}\n`);
