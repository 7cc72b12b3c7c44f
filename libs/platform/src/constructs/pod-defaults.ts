/**
 * The secure defaults of DESIGN.md principle 5 as raw Kubernetes fields, spelled once for the
 * constructs built on the API types (SecureStatefulSet, SecureJob); SecureDeployment gets the same
 * through cdk8s-plus.
 */
import { Quantity, type EnvVar, type PodSecurityContext, type ResourceRequirements, type SecurityContext } from 'cdk8s-plus-27/lib/imports/k8s';
import type { Resources } from '../values/schemas';
import type { EnvSource } from './secure-deployment';

/** UID (and GID) a container runs as unless its image needs its own. */
export const DEFAULT_UID = 10001;

/** Non-root with `uid`, seccomp RuntimeDefault; volumes group-owned by `uid`. */
export function podSecurityContext(uid: number): PodSecurityContext {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}

/** Non-root, read-only root (unless waived), no escalation, not privileged, no capabilities. */
export function containerSecurityContext(uid: number, opts: { writableRoot?: boolean } = {}): SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    readOnlyRootFilesystem: !opts.writableRoot,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
  };
}

/** Requests and limits, with the quantities kept as written. */
export function resourceRequirements(r: Resources): ResourceRequirements {
  const q = (v: string) => Quantity.fromString(v);
  return {
    requests: { cpu: q(r.requests.cpu), memory: q(r.requests.memory) },
    limits: { cpu: q(r.limits.cpu), memory: q(r.limits.memory) },
  };
}

/** Environment variables in the order given; secrets and config by reference. */
export function envVars(env: Readonly<Record<string, EnvSource>>): EnvVar[] | undefined {
  const out = Object.entries(env).map(([name, source]): EnvVar => {
    if (typeof source === 'string') return { name, value: source };
    // by reference: the Secret is made in the cluster by External Secrets, never declared here
    if ('secret' in source) return { name, valueFrom: { secretKeyRef: { name: source.secret, key: source.key } } };
    return { name, valueFrom: { configMapKeyRef: { name: source.configMap, key: source.key } } };
  });
  return out.length > 0 ? out : undefined;
}
