/**
 * Label conventions, spelled once. Selectors use only `app` (immutable on Deployments, and the
 * label the systems' documents use); the recommended `app.kubernetes.io/*` labels describe.
 */

/** `app.kubernetes.io/managed-by` on everything this repository renders. */
export const MANAGED_BY = 'gitops-manifests';

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
    'app.kubernetes.io/name': p.app,
    'app.kubernetes.io/version': p.imageTag,
    'app.kubernetes.io/component': p.component,
    'app.kubernetes.io/part-of': p.system,
  };
}

/** Labels on every object of a system (set by ServiceChart). */
export function systemLabels(system: string): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': system,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}
