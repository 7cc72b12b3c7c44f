/** DESIGN.md principle 5 on every workload: the secure defaults. */
import type { PolicyRule } from '@gitops/platform';
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';
import { isEmptySelector, matches } from '../selectors';
import type { Workload } from '../workloads';

/**
 * The rules checkWorkloads holds each workload's own pod spec to (`network-policy`, which it also
 * reports, needs another object). The platform's workload constructs are tested against them.
 */
export const SECURE_DEFAULT_RULES = [
  'run-as-non-root', 'read-only-root-filesystem', 'no-privilege-escalation', 'drop-all-capabilities',
  'seccomp-runtime-default', 'resources', 'probes', 'no-host-access',
] as const satisfies readonly PolicyRule[];

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
      // Pod Security restricted, "Capabilities": only NET_BIND_SERVICE may be added back.
      const added = (sc.capabilities?.add ?? []).filter((c: unknown) => c !== 'NET_BIND_SERVICE');
      if (added.length > 0) v('drop-all-capabilities', `${where}: add no capability but NET_BIND_SERVICE (adds ${added.join(', ')})`);
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
 * Namespaces", "HostPath Volumes", "Host Ports", "/proc Mount Type", "Sysctls", "HostProcess"), and
 * restricted's "Volume Types". Privileged containers are no-privilege-escalation's; capabilities
 * drop-all-capabilities'.
 */
function hostAccess(w: Workload, report: (message: string) => void): void {
  const shared = (['hostIPC', 'hostNetwork', 'hostPID'] as const).filter((k) => w.pod[k] === true);
  if (shared.length > 0) report(`${w.podPath}: set ${shared.map((k) => `${k}: false`).join(', ')} (Pod Security baseline/restricted "Host Namespaces")`);
  for (const vol of w.pod.volumes ?? []) {
    const type = Object.keys(vol ?? {}).find((k) => k !== 'name');
    if (vol?.hostPath) report(`${w.podPath}: volume ${vol.name} is a hostPath volume (Pod Security baseline/restricted "HostPath Volumes")`);
    else if (type && !RESTRICTED_VOLUMES.includes(type)) {
      report(`${w.podPath}: volume ${vol.name} is of type ${type}; Pod Security restricted allows ${RESTRICTED_VOLUMES.slice(0, -1).join(', ')} and ${RESTRICTED_VOLUMES.at(-1)} volumes`);
    }
  }
  for (const sysctl of w.pod.securityContext?.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(sysctl?.name)) report(`${w.podPath}: sysctl ${sysctl?.name} is not in the safe set Pod Security baseline allows`);
  }
  for (const { c, path } of w.containers) {
    for (const p of c.ports ?? []) {
      if (p?.hostPort) report(`${path} (${c.name}): port ${p.name ?? p.containerPort} has hostPort ${p.hostPort} (Pod Security baseline/restricted "Host Ports")`);
    }
    const sc = c.securityContext ?? {};
    if (sc.procMount !== undefined && sc.procMount !== 'Default') report(`${path} (${c.name}): set securityContext.procMount: Default (Pod Security baseline "/proc Mount Type")`);
    if ((sc.windowsOptions ?? w.pod.securityContext?.windowsOptions)?.hostProcess === true) {
      report(`${path} (${c.name}): do not run as a Windows HostProcess container (Pod Security baseline "HostProcess")`);
    }
  }
}

/** Pod Security restricted, "Volume Types". */
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** Pod Security baseline, "Sysctls": the safe set (Kubernetes 1.29+). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);

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
