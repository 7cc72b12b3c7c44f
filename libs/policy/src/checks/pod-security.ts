/**
 * `injected-pod-security` (issue 22): Pod Security admission judges the pod the API server is
 * asked to create, which is the pod after the mutating webhooks, so a pod that meets its
 * namespace's enforced level as rendered can still be refused once Istio's injector has added its
 * containers (https://kubernetes.io/docs/concepts/security/pod-security-admission/: admission runs
 * after mutation). For each workload in a namespace that Istio injects (`istio-injection:
 * enabled`, or `istio.io/rev` without it; not opted out with `sidecar.istio.io/inject: "false"`,
 * label first; not on the host network) the check adds the containers istiod 1.26.0 injects, with
 * the security contexts of its injection template as the cluster's istiod Application configures
 * it (manifests/charts/istio-control/istio-discovery/files/injection-template.yaml at 1.26.0):
 * - `pilot.cni.enabled` (or `cni.enabled`): init container `istio-validation`, UID 1337, non-root,
 *   no capabilities; otherwise `istio-init`: UID 0, `runAsNonRoot: false`, adds NET_ADMIN and
 *   NET_RAW, which neither `restricted` nor `baseline` allows;
 * - sidecar `istio-proxy`: UID 1337, non-root, read-only root, no capabilities;
 * - `global.proxy.privileged`: both run privileged and may escalate.
 * libs/cluster-test's istiod stand-in models the whole injection (test:cluster runs the real
 * PodSecurity admission on its output), and a test there holds this table to it.
 * The level checks are the Pod Security Standards' for the fields these containers set
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/).
 */
import type { Environment } from '@gitops/platform';
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';
import type { Workload } from '../workloads';
import { addonApplications } from './runtime';

const ISTIO_INJECT = 'sidecar.istio.io/inject';
/** The user istiod's injected containers run as (template: `.ProxyUID`, 1337 by default). */
const PROXY_UID = 1337;
/** Capabilities `baseline` allows to be added ("Capabilities" of the baseline profile). */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/** One container istiod adds: its name, whether it is an init container, and its security context. */
export interface InjectedContainer {
  readonly name: string;
  readonly init: boolean;
  readonly securityContext: Record<string, unknown>;
}

/** The containers istiod 1.26.0 injects into a pod (default proxy ports and annotations), by its chart values. */
export function injectedContainers(options: { readonly cniEnabled: boolean; readonly privileged?: boolean }): InjectedContainer[] {
  const privileged = options.privileged ?? false;
  const proxy = { allowPrivilegeEscalation: privileged, capabilities: { drop: ['ALL'] }, privileged, readOnlyRootFilesystem: true, runAsGroup: PROXY_UID, runAsNonRoot: true, runAsUser: PROXY_UID };
  const init = options.cniEnabled
    ? { name: 'istio-validation', securityContext: { ...proxy } }
    : { name: 'istio-init', securityContext: { allowPrivilegeEscalation: privileged, capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] }, privileged, readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 } };
  return [{ ...init, init: true }, { name: 'istio-proxy', init: false, securityContext: proxy }];
}

export function checkPodSecurity(ctx: PolicyContext, env: Environment | undefined): Violation[] {
  const out: Violation[] = [];
  for (const w of ctx.workloads) {
    const ns = ctx.ofKind('Namespace').find((n) => n.object.metadata.name === w.namespace)?.object.metadata.labels ?? {};
    const level = ns['pod-security.kubernetes.io/enforce'];
    if ((level !== 'restricted' && level !== 'baseline') || !injected(ns, w)) continue;
    const istiod = addonApplications(ctx, env, w.manifest.file, 'istiod');
    for (const app of istiod) {
      const v = app.values ?? {};
      const cniEnabled = v.pilot?.cni?.enabled === true || v.cni?.enabled === true;
      for (const c of injectedContainers({ cniEnabled, privileged: v.global?.proxy?.privileged === true })) {
        const problems = levelProblems(level, c.securityContext, w.pod.securityContext ?? {});
        if (problems.length > 0) {
          out.push(violation(w.manifest, 'injected-pod-security', `${w.namespace} enforces Pod Security ${level} and is Istio-injected: ${app.m.object.metadata.name} (${cniEnabled ? 'Istio CNI' : 'no Istio CNI'}) adds ${c.init ? 'init container' : 'container'} ${c.name}, which ${problems.join('; ')}: the API server refuses every pod`));
        }
      }
    }
  }
  return out;
}

/** Whether Istio's injector gives the workload's pods a sidecar (Istio docs, "Controlling the injection policy"). */
function injected(namespaceLabels: Record<string, string>, w: Workload): boolean {
  const on = namespaceLabels['istio-injection'] !== undefined ? namespaceLabels['istio-injection'] === 'enabled' : namespaceLabels['istio.io/rev'] !== undefined;
  if (!on || w.pod.hostNetwork === true) return false;
  const template = w.object.kind === 'Pod' ? w.object : w.object.kind === 'CronJob' ? w.object.spec?.jobTemplate?.spec?.template : w.object.spec?.template;
  const optOut = template?.metadata?.labels?.[ISTIO_INJECT] ?? template?.metadata?.annotations?.[ISTIO_INJECT];
  return optOut !== 'false';
}

/** What of `sc` (with the pod's `podSc` inherited) the Pod Security `level` refuses. */
function levelProblems(level: 'restricted' | 'baseline', sc: any, podSc: any): string[] {
  const out: string[] = [];
  if (sc.privileged === true) out.push('runs privileged');
  const added: string[] = sc.capabilities?.add ?? [];
  const allowed = level === 'restricted' ? new Set(['NET_BIND_SERVICE']) : BASELINE_CAPABILITIES;
  const refused = added.filter((c) => !allowed.has(c));
  if (refused.length > 0) out.push(`adds capabilities ${refused.join(', ')}`);
  if (level === 'baseline') return out;
  if (sc.allowPrivilegeEscalation !== false) out.push('may escalate privileges');
  if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push('does not drop ALL capabilities');
  if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) out.push(`runs with runAsNonRoot ${sc.runAsNonRoot ?? podSc.runAsNonRoot ?? 'unset'}`);
  if ((sc.runAsUser ?? podSc.runAsUser) === 0) out.push('runs as UID 0');
  const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push('has no RuntimeDefault or Localhost seccomp profile (nor its pod)');
  return out;
}
