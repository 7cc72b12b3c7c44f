/**
 * Who owns what in one environment (one set of clusters). Argo CD tracks each live object to one
 * Application: when two Applications render the same object (same API group, kind, namespace and
 * name) it reports a SharedResourceWarning and they fight over it; with the
 * `FailOnSharedResource=true` sync option (the bootstrap Application's), the sync fails
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#fail-the-sync-if-a-shared-resource-is-found).
 * So each object is rendered by exactly one file, and a namespace belongs to the one system that
 * renders it (its AppProject is the only one granted it). Used by the render (when it sees
 * several systems) and by the policy rules of `validate` (over all of dist/).
 */
import { CLUSTER_NAMESPACES } from '../values/schemas';
import { DIST_DIR } from './layout';


/** An object and the file it is (or would be) written to, relative to the workspace. */
export interface PlacedObject {
  readonly file: string;
  readonly object: { readonly apiVersion?: unknown; readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string } };
}

export interface OwnershipProblem {
  /** Index of the object in the list given. */
  readonly at: number;
  readonly rule: 'unique-object' | 'namespace-one-system';
  readonly message: string;
}

const SHARED = 'Argo CD would apply both (SharedResourceWarning; a sync fails with FailOnSharedResource=true)';

/** `apps/v1` -> `apps`; `v1` -> `` (the core group): objects are identified by group, not version. */
export function groupOf(apiVersion: unknown): string {
  return typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** The system of a `dist/<env>/<system>/...` file; undefined elsewhere. */
export function systemOfFile(file: string): string | undefined {
  const parts = file.split('/');
  return parts[0] === DIST_DIR && parts.length > 3 ? parts[2] : undefined;
}

const isNamespace = (o: PlacedObject['object']) => o.kind === 'Namespace' && groupOf(o.apiVersion) === '';

/** The problems of objects of ONE environment: duplicates, and namespaces shared by systems. */
export function ownershipProblems(objects: readonly PlacedObject[]): OwnershipProblem[] {
  return [...uniqueObjects(objects), ...namespaceOwners(objects)].sort((a, b) => a.at - b.at);
}

function uniqueObjects(objects: readonly PlacedObject[]): OwnershipProblem[] {
  const byId = new Map<string, number[]>();
  objects.forEach(({ object: o }, i) => {
    const id = `${groupOf(o.apiVersion)}|${o.kind}|${o.metadata?.namespace ?? ''}|${o.metadata?.name}`;
    byId.set(id, [...(byId.get(id) ?? []), i]);
  });
  const out: OwnershipProblem[] = [];
  for (const copies of byId.values()) {
    if (copies.length < 2) continue;
    for (const i of copies) {
      const { object: o } = objects[i];
      const others = [...new Set(copies.filter((j) => j !== i).map((j) => objects[j].file))];
      const where = o.metadata.namespace ? `in namespace ${o.metadata.namespace}` : '(cluster-scoped)';
      out.push({ at: i, rule: 'unique-object', message: `${o.kind} ${o.metadata.name} ${where} is also rendered by ${others.join(', ')}: ${SHARED}` });
    }
  }
  return out;
}

function namespaceOwners(objects: readonly PlacedObject[]): OwnershipProblem[] {
  // namespace -> system -> the Namespace files that system renders
  const owners = new Map<string, Map<string, string[]>>();
  // namespaces no system renders -> the systems that put objects in them
  const users = new Map<string, Set<string>>();
  for (const { file, object } of objects) {
    const system = systemOfFile(file);
    if (!system || !isNamespace(object)) continue;
    const bySystem = owners.get(object.metadata.name) ?? new Map<string, string[]>();
    bySystem.set(system, [...(bySystem.get(system) ?? []), file]);
    owners.set(object.metadata.name, bySystem);
  }
  for (const { file, object } of objects) {
    const system = systemOfFile(file);
    const namespace = object.metadata?.namespace;
    if (system && namespace && !owners.has(namespace)) users.set(namespace, (users.get(namespace) ?? new Set()).add(system));
  }
  const out: OwnershipProblem[] = [];
  objects.forEach(({ file, object }, at) => {
    const system = systemOfFile(file);
    if (!system) return;
    if (isNamespace(object)) {
      if (CLUSTER_NAMESPACES.has(object.metadata.name) || object.metadata.name.startsWith('kube-')) {
        out.push({ at, rule: 'namespace-one-system', message: `namespace ${object.metadata.name} is one the cluster or its add-ons provide: a system renders a namespace of its own` });
      }
      const systems = [...(owners.get(object.metadata.name)?.keys() ?? [])].sort();
      if (systems.length > 1) {
        out.push({ at, rule: 'namespace-one-system', message: `namespace ${object.metadata.name} is rendered by systems ${systems.join(', ')}: a namespace belongs to one system` });
      }
      return;
    }
    const namespace = object.metadata.namespace;
    // Namespaces the cluster or its add-ons provide (velero, monitoring) are shared by design.
    if (!namespace || CLUSTER_NAMESPACES.has(namespace)) return;
    const bySystem = owners.get(namespace);
    if (bySystem && !bySystem.has(system)) {
      const [owner, files] = [...bySystem.entries()].sort(([a], [b]) => (a < b ? -1 : 1))[0];
      out.push({ at, rule: 'namespace-one-system', message: `is in namespace ${namespace}, which system ${owner} renders (${files[0]}): a namespace belongs to one system` });
    } else if (!bySystem && (users.get(namespace)?.size ?? 0) > 1) {
      out.push({ at, rule: 'namespace-one-system', message: `is in namespace ${namespace}, which systems ${[...users.get(namespace)!].sort().join(', ')} all use and none renders: a namespace belongs to one system` });
    }
  });
  return out;
}
