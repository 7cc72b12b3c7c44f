/**
 * The manifest diff's data: what a diff of two dist/ trees is made of. Its own module, so the
 * diff, the risk rules and the formatters all depend on it and not on each other.
 */

/** A dist/ tree: path relative to dist/ → file content. */
export type DistTree = ReadonlyMap<string, string>;

/** Where an object is: its leaf folder and identity. */
export interface ObjectRef {
  env: string;
  system: string;
  service: string;
  /** `<env>/<system>/<service>`, or `<env>/<system>/<service>/<cluster>` for a per-cluster folder. */
  leaf: string;
  kind: string;
  name: string;
  /** Path relative to dist/. */
  file: string;
}

/** One changed field of an object. */
export interface FieldChange {
  /** `spec.template.spec.containers[0].image`. */
  path: string;
  /** The raw path, as microdiff gives it. */
  segments: (string | number)[];
  type: 'CREATE' | 'REMOVE' | 'CHANGE';
  before?: unknown;
  after?: unknown;
}

export interface AddedObject extends ObjectRef {
  object: unknown;
}
export interface RemovedObject extends ObjectRef {
  object: unknown;
}
export interface ChangedObject extends ObjectRef {
  before: unknown;
  after: unknown;
  fields: FieldChange[];
}

/** Objects before and after, per environment. */
export interface EnvSummary {
  env: string;
  before: number;
  after: number;
  added: number;
  removed: number;
  changed: number;
}

export interface ManifestDiff {
  added: AddedObject[];
  removed: RemovedObject[];
  changed: ChangedObject[];
  envs: EnvSummary[];
  risks: Risk[];
}

export type RiskKind = 'production-deletion' | 'replicas-lowered' | 'image-changed' | 'network-policy-widened' | 'rbac-widened' | 'env-loss' | 'yaml-1.1-meaning';

export interface Risk {
  kind: RiskKind;
  /** The object, or the environment for `env-loss`. */
  where: string;
  message: string;
}
