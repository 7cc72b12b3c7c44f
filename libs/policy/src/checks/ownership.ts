/**
 * Who owns what in one environment. Argo CD tracks each live object to one Application: when two
 * Applications render the same object (same API group, kind, namespace and name), it reports a
 * SharedResourceWarning and the two fight over it; with the `FailOnSharedResource=true` sync option
 * our Applications use, the sync fails
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#fail-the-sync-if-a-shared-resource-is-found).
 * So each object is rendered by exactly one file, and a namespace belongs to the one system
 * that renders it: its AppProject is the only one granted it.
 */
import { CLUSTER_NAMESPACES, violation, type PolicyContext, type Violation } from '../context';
import type { Manifest } from '../manifests';

const SHARED = 'Argo CD would apply both (SharedResourceWarning; a sync fails with FailOnSharedResource=true)';

/** `apps/v1` -> `apps`; `v1` -> `` (the core group): objects are identified by group, not version. */
function groupOf(apiVersion: unknown): string {
  return typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** The system of a `dist/<env>/<system>/...` file; undefined elsewhere. */
export function systemOf(file: string): string | undefined {
  const parts = file.split('/');
  return parts[0] === 'dist' && parts.length > 3 ? parts[2] : undefined;
}

export function checkOwnership(ctx: PolicyContext): Violation[] {
  return [...uniqueObjects(ctx.manifests), ...namespaceOwners(ctx.manifests)];
}

function uniqueObjects(manifests: readonly Manifest[]): Violation[] {
  const byId = new Map<string, Manifest[]>();
  for (const m of manifests) {
    const o = m.object;
    const id = `${groupOf(o.apiVersion)}|${o.kind}|${o.metadata?.namespace ?? ''}|${o.metadata?.name}`;
    byId.set(id, [...(byId.get(id) ?? []), m]);
  }
  const out: Violation[] = [];
  for (const copies of byId.values()) {
    if (copies.length < 2) continue;
    for (const m of copies) {
      const others = copies.filter((c) => c !== m).map((c) => c.file);
      const where = m.object.metadata.namespace ? `in namespace ${m.object.metadata.namespace}` : '(cluster-scoped)';
      out.push(violation(m, 'unique-object', `${m.object.kind} ${m.object.metadata.name} ${where} is also rendered by ${[...new Set(others)].join(', ')}: ${SHARED}`));
    }
  }
  return out;
}

function namespaceOwners(manifests: readonly Manifest[]): Violation[] {
  // namespace -> system -> the Namespace files that system renders
  const owners = new Map<string, Map<string, string[]>>();
  for (const m of manifests) {
    const system = systemOf(m.file);
    if (!system || m.object.kind !== 'Namespace' || groupOf(m.object.apiVersion) !== '') continue;
    const bySystem = owners.get(m.object.metadata.name) ?? new Map<string, string[]>();
    bySystem.set(system, [...(bySystem.get(system) ?? []), m.file]);
    owners.set(m.object.metadata.name, bySystem);
  }
  // For namespaces no system renders: the systems that put objects in them.
  const users = new Map<string, Set<string>>();
  for (const m of manifests) {
    const system = systemOf(m.file);
    const namespace = m.object.metadata?.namespace;
    if (system && namespace && !owners.has(namespace)) users.set(namespace, (users.get(namespace) ?? new Set()).add(system));
  }
  const out: Violation[] = [];
  for (const m of manifests) {
    const system = systemOf(m.file);
    if (!system) continue;
    if (m.object.kind === 'Namespace' && groupOf(m.object.apiVersion) === '') {
      const systems = [...(owners.get(m.object.metadata.name)?.keys() ?? [])].sort();
      if (systems.length > 1) {
        out.push(violation(m, 'namespace-one-system', `namespace ${m.object.metadata.name} is rendered by systems ${systems.join(', ')}: a namespace belongs to one system`));
      }
      continue;
    }
    const namespace = m.object.metadata.namespace;
    // Namespaces the cluster or its add-ons provide (velero, monitoring) are shared by design.
    if (!namespace || CLUSTER_NAMESPACES.has(namespace)) continue;
    const bySystem = owners.get(namespace);
    if (bySystem && !bySystem.has(system)) {
      const [owner, files] = [...bySystem.entries()].sort(([a], [b]) => (a < b ? -1 : 1))[0];
      out.push(violation(m, 'namespace-one-system', `is in namespace ${namespace}, which system ${owner} renders (${files[0]}): a namespace belongs to one system`));
    } else if (!bySystem && (users.get(namespace)?.size ?? 0) > 1) {
      out.push(violation(m, 'namespace-one-system', `is in namespace ${namespace}, which systems ${[...users.get(namespace)!].sort().join(', ')} all use and none renders: a namespace belongs to one system`));
    }
  }
  return out;
}
