import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ENVIRONMENTS, type Environment } from '@gitops/platform';
import { loadEnvironment } from '@gitops/platform/render';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { ADDONS, addonProvides, capabilityProblems, requiredCapabilities, SYSTEM_ADDONS, type AddonDefinition, type PlacedManifest } from './catalog';

/**
 * Proof, over what is committed in dist/, that every object a cluster receives finds on that
 * cluster what it needs: its CRD kind and version, IngressClass, StorageClass, load-balancer
 * controller, metrics API, ClusterIssuer, sidecar injector; provided by Kubernetes itself or by an
 * add-on whose Application dist/<env>/cluster-addons/addons/<cluster>/ holds.
 */

const ADDONS_FOLDER = join('cluster-addons', 'addons');

function readManifests(dir: string, rel: string): PlacedManifest[] {
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f) && statSync(join(dir, f)).isFile())
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => ({ file: `${rel}/${f}`, object: d.toJS() })))
    .filter((m) => m.object);
}

/** The objects of dist/<env>/ synced to `cluster`: each placed system's service folders, and their `<cluster>/` sub-folders. */
function objectsOnCluster(env: Environment, cluster: string): PlacedManifest[] {
  const out: PlacedManifest[] = [];
  for (const [system, placement] of Object.entries(env.systems)) {
    if (!placement.clusters.includes(cluster)) continue;
    const systemDir = join(WORKSPACE_ROOT, 'dist', env.name, system);
    if (!existsSync(systemDir)) continue;
    for (const service of readdirSync(systemDir)) {
      // The add-on Applications go to the management cluster (Argo CD's), not to `cluster`.
      if (join(system, service) === ADDONS_FOLDER) continue;
      const dir = join(systemDir, service);
      const rel = `dist/${env.name}/${system}/${service}`;
      out.push(...readManifests(dir, rel));
      if (existsSync(join(dir, cluster))) out.push(...readManifests(join(dir, cluster), `${rel}/${cluster}`));
    }
  }
  return out;
}

/** The add-ons whose Applications are rendered for `cluster`, recognised by chart and repository as Argo CD installs them. */
function installedOn(env: Environment, cluster: string): { addons: AddonDefinition[]; problems: string[] } {
  const dir = join(WORKSPACE_ROOT, 'dist', env.name, ADDONS_FOLDER, cluster);
  if (!existsSync(dir)) return { addons: [], problems: [] };
  const server = env.clusters.find((c) => c.name === cluster)!.server;
  const addons: AddonDefinition[] = [];
  const problems: string[] = [];
  for (const { file, object } of readManifests(dir, `dist/${env.name}/${ADDONS_FOLDER}/${cluster}`)) {
    const app = object as any;
    const source = app.spec?.source ?? {};
    const addon = Object.values(ADDONS).find((a) => a.repoURL === source.repoURL && a.chart === source.chart);
    if (!addon) problems.push(`${cluster}: ${file}: chart ${source.repoURL} ${source.chart} is no add-on of the catalog`);
    else if (app.spec?.destination?.server !== server) problems.push(`${cluster}: ${file}: installs on ${app.spec?.destination?.server}, not on ${cluster} (${server})`);
    else addons.push(addon);
  }
  return { addons, problems };
}

describe('every object in dist/ finds what it needs on its cluster', () => {
  const cases = ENVIRONMENTS.flatMap((name) => {
    const env = loadEnvironment(name, WORKSPACE_ROOT);
    return env.clusters.map((c) => ({ env, cluster: c.name }));
  });

  it.each(cases.map((c) => [`${c.env.name}/${c.cluster}`, c] as const))('%s', (_label, { env, cluster }) => {
    const manifests = objectsOnCluster(env, cluster);
    const { addons, problems } = installedOn(env, cluster);
    expect(manifests.length).toBeGreaterThan(0);
    expect([...problems, ...capabilityProblems(cluster, manifests, addons)]).toEqual([]);
  });
});

describe('SYSTEM_ADDONS lists no add-on a system does not use', () => {
  /** Every object of a system in every environment's dist/ (the add-on Applications excepted). */
  const objectsOf = (system: string): PlacedManifest[] => ENVIRONMENTS.flatMap((env) => {
    const dir = join(WORKSPACE_ROOT, 'dist', env, system);
    if (!existsSync(dir)) return [];
    const walk = (d: string, rel: string): PlacedManifest[] => [
      ...readManifests(d, rel),
      ...readdirSync(d).filter((f) => statSync(join(d, f)).isDirectory() && join(rel, f) !== `dist/${env}/${ADDONS_FOLDER}`).flatMap((f) => walk(join(d, f), `${rel}/${f}`)),
    ];
    return walk(dir, `dist/${env}/${system}`);
  });

  it.each(Object.keys(SYSTEM_ADDONS))('%s', (system) => {
    const needs = objectsOf(system).flatMap((m) => requiredCapabilities(m.object));
    const listed = SYSTEM_ADDONS[system];
    const stale = listed.filter((name) =>
      !needs.some((c) => addonProvides(ADDONS[name], c)) && !listed.some((other) => ADDONS[other].dependsOn.includes(name)));
    expect(stale, `${system}: listed in SYSTEM_ADDONS but nothing in its dist/ uses them`).toEqual([]);
  });
});
