#!/usr/bin/env tsx
/**
 * Validates argocd/ against the upstream Argo CD CRDs (../shared/conformance/crds/argo-cd, converted
 * like kubeconform's openapi2jsonschema.py), strictly, instead of the schemas generated from
 * @kubernetes-models/argo-cd. Prints kubeconform's summary and exits non-zero on any failure.
 *
 *   npx tsx apps/argocd/scripts/check-upstream-crds.ts [crd folder] [paths...]
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatReport, hasFailures, summarize, summaryLine, validateDocuments, validateFiles } from '@gitops/kubeconform';
import { generatedApplications } from '../src/coverage';

const crds = resolve(process.argv[2] ?? '../shared/conformance/crds/argo-cd');
const paths = process.argv.slice(3).length ? process.argv.slice(3) : ['argocd/'];
if (!existsSync(crds)) {
  console.error(`no CRD folder at ${crds}`);
  process.exit(2);
}
// Only the CRDs: a kind they do not define is an error, never a silent fallback to other schemas.
const report = validateFiles(paths, { strict: true, schemaLocations: [crds] });
const s = summarize(report);
const kinds = new Map<string, number>();
for (const r of report.results) kinds.set(`${r.kind} ${r.status}`, (kinds.get(`${r.kind} ${r.status}`) ?? 0) + 1);
console.log(`upstream Argo CD CRDs: ${crds}`);
for (const [k, n] of [...kinds].sort()) console.log(`  ${k}: ${n}`);
process.stdout.write(`${formatReport(report, 'text', { verbose: false, summary: true }).trimEnd()}\n`);
// The Applications the ApplicationSets generate over this repository, checked against the Application CRD too.
const apps = generatedApplications(process.cwd()).flatMap(({ app }) =>
  validateDocuments(JSON.stringify(app), `generated:${app.metadata.name}`, { strict: true, schemaLocations: [crds] }));
for (const r of apps.filter((r) => r.status !== 'valid')) console.log(r.message);
console.log(`generated Applications: ${summaryLine(summarize(apps))}`);
process.exit(hasFailures(report) || s.resources === 0 || apps.some((r) => r.status !== 'valid') || apps.length === 0 ? 1 : 0);
