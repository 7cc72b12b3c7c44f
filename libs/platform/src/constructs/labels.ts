/**
 * Label conventions, spelled once. Selectors use only `app` (immutable on Deployments, and the
 * label the systems' documents use); the recommended `app.kubernetes.io/*` labels describe.
 */

/** `app.kubernetes.io/managed-by` on everything this repository renders. */
export const MANAGED_BY = 'gitops-manifests';

/** Label keys more than one module writes. */
export const LABEL_KEYS = {
  name: 'app.kubernetes.io/name',
  version: 'app.kubernetes.io/version',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

export interface WorkloadLabelsProps {
  /** The `app` label and `app.kubernetes.io/name`: the workload's name as the documents spell it. */
  readonly app: string;
  /** The system, as `app.kubernetes.io/part-of`. */
  readonly system: string;
  /** The image tag, as `app.kubernetes.io/version`. */
  readonly imageTag: string;
  /** The `version` label the documents use for routing (canary vs stable). @default 'v1' */
  readonly version?: string;
  /** `app.kubernetes.io/component`, e.g. backend, frontend, database. */
  readonly component: string;
}

/** Labels to select a workload's pods by. */
export function selectorLabels(app: string): Record<string, string> {
  return { app };
}

/** Every label a workload's pods carry. */
export function podLabels(p: WorkloadLabelsProps): Record<string, string> {
  return {
    ...selectorLabels(p.app),
    version: p.version ?? 'v1',
    [LABEL_KEYS.name]: p.app,
    [LABEL_KEYS.version]: p.imageTag,
    [LABEL_KEYS.component]: p.component,
    [LABEL_KEYS.partOf]: p.system,
  };
}

/** Labels on every object of a system (set by ServiceChart). */
export function systemLabels(system: string): Record<string, string> {
  return {
    [LABEL_KEYS.partOf]: system,
    [LABEL_KEYS.managedBy]: MANAGED_BY,
  };
}
