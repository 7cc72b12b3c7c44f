/** DESIGN.md principle 5 on every workload: the secure defaults. */
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';
import { isEmptySelector, matches } from '../selectors';
import { LONG_RUNNING, type Workload } from '../workloads';

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
      if (!init && LONG_RUNNING.has(w.object.kind)) {
        const probes = ['livenessProbe', 'readinessProbe'].filter((p) => !c[p]);
        if (probes.length > 0) v('probes', `${where}: add ${probes.join(' and ')}`);
      }
    }

    if (!hasNetworkPolicy(ctx, w)) {
      v('network-policy', `no NetworkPolicy in ${w.namespace} selects its pods (${labelText(w.podLabels)}); add one that states what it may talk to`);
    }
  }
  return out;
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
