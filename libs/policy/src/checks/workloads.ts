/** DESIGN.md principle 5 on every workload: the secure defaults. */
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';
import { isEmptySelector, matches } from '../selectors';
import type { Workload } from '../workloads';

export function checkWorkloads(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const w of ctx.workloads) {
    const v = (rule: Parameters<typeof violation>[1], message: string) => out.push(violation(w.manifest, rule, message));
    const podSc = w.pod.securityContext ?? {};

    for (const { c, path, init } of w.containers) {
      const sc = c.securityContext ?? {};
      const where = `${path} (${c.name})`;
      if (!(sc.runAsNonRoot ?? podSc.runAsNonRoot) || (sc.runAsUser ?? podSc.runAsUser) === 0) {
        v('run-as-non-root', `${where}: set securityContext.runAsNonRoot: true (and a non-zero runAsUser)`);
      }
      if (sc.readOnlyRootFilesystem !== true) v('read-only-root-filesystem', `${where}: set securityContext.readOnlyRootFilesystem: true`);
      if (sc.allowPrivilegeEscalation !== false || sc.privileged === true) {
        v('no-privilege-escalation', `${where}: set securityContext.allowPrivilegeEscalation: false and do not run privileged`);
      }
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) v('drop-all-capabilities', `${where}: set securityContext.capabilities.drop: [ALL]`);
      const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
        v('seccomp-runtime-default', `${where}: set seccompProfile.type: RuntimeDefault (pod or container)`);
      }
      const r = c.resources ?? {};
      const missing = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'].filter((k) => {
        const [a, b] = k.split('.');
        return r[a]?.[b] === undefined;
      });
      if (missing.length > 0) v('resources', `${where}: set resources ${missing.join(', ')}`);
      if (!init && w.longRunning) {
        const probes = ['livenessProbe', 'readinessProbe'].filter((p) => !c[p]);
        if (probes.length > 0) v('probes', `${where}: add ${probes.join(' and ')}`);
      }
    }

    hostAccess(w, (message) => v('no-host-access', message));

    if (!hasNetworkPolicy(ctx, w)) {
      v('network-policy', `no NetworkPolicy in ${w.namespace} selects its pods (${labelText(w.podLabels)}); add one that states what it may talk to`);
    }
  }
  return out;
}

/**
 * The host isolation the Pod Security Standards require at baseline (and so at restricted):
 * no host namespaces, no hostPath volumes, no host ports
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline: "Host
 * Namespaces", "HostPath Volumes", "Host Ports"). Privileged containers are no-privilege-escalation's.
 */
function hostAccess(w: Workload, report: (message: string) => void): void {
  const shared = (['hostIPC', 'hostNetwork', 'hostPID'] as const).filter((k) => w.pod[k] === true);
  if (shared.length > 0) report(`${w.podPath}: set ${shared.map((k) => `${k}: false`).join(', ')} (Pod Security baseline/restricted "Host Namespaces")`);
  for (const vol of w.pod.volumes ?? []) {
    if (vol?.hostPath) report(`${w.podPath}: volume ${vol.name} is a hostPath volume (Pod Security baseline/restricted "HostPath Volumes")`);
  }
  for (const { c, path } of w.containers) {
    for (const p of c.ports ?? []) {
      if (p?.hostPort) report(`${path} (${c.name}): port ${p.name ?? p.containerPort} has hostPort ${p.hostPort} (Pod Security baseline/restricted "Host Ports")`);
    }
  }
}

function hasNetworkPolicy(ctx: PolicyContext, w: Workload): boolean {
  return ctx.ofKind('NetworkPolicy', w.namespace).some((p) => {
    const sel = p.object.spec?.podSelector;
    // A namespace-wide default-deny protects but says nothing of what the workload needs.
    return !isEmptySelector(sel) && matches(sel, w.podLabels);
  });
}

export function labelText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') || 'no labels';
}
