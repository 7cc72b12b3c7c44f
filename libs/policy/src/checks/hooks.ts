/**
 * Argo CD resource hooks as Argo CD runs them (issue 13 item 20, issue 12 "Sync order").
 * - Order: an Application syncs PreSync, Sync, PostSync; inside a phase, wave by wave (hooks
 *   included), and the next wave starts only once the previous one is healthy; a failing hook
 *   fails the sync ("Sync Phases and Waves", https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/;
 *   "Resource Hooks", https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/).
 *   Ordinary objects are in the Sync phase, wave 0 unless annotated. Nothing orders objects of
 *   different Applications.
 * - Names: a Job's `spec.template` is immutable; under ServerSideApply Argo CD does not always
 *   delete the previous hook before creating the new one (argoproj/argo-cd#14929, #7430), so a
 *   hook Job keeps one name per pod template (or uses generateName).
 */
import { HOOK_ANNOTATION, hookJobName, SYNC_WAVE_ANNOTATION } from '@gitops/platform';
import { dirname } from 'node:path';
import type { PolicyContext, Violation } from '../context';
import { ns, violation } from '../context';
import type { K8sObject, Manifest } from '../manifests';
import { isEmptySelector, matches } from '../selectors';

const HOOK = HOOK_ANNOTATION;
const WAVE = SYNC_WAVE_ANNOTATION;
const PHASES = ['PreSync', 'Sync', 'PostSync', 'SyncFail'];

/** When Argo CD applies an object: its phase index and wave (undefined: never, e.g. Skip). */
export function syncPosition(o: K8sObject): { phase: number; wave: number } | undefined {
  const a = o.metadata.annotations ?? {};
  const wave = Number(a[WAVE] ?? 0) || 0;
  if (a[HOOK] === undefined) return { phase: PHASES.indexOf('Sync'), wave };
  // a hook may name several phases ("PreSync,PostSync"): the first is when it first runs
  const phases = a[HOOK].split(',').map((p) => PHASES.indexOf(p.trim())).filter((i) => i >= 0);
  return phases.length === 0 ? undefined : { phase: Math.min(...phases), wave };
}

function before(a: { phase: number; wave: number }, b: { phase: number; wave: number }): boolean {
  return a.phase < b.phase || (a.phase === b.phase && a.wave < b.wave);
}

function egressPolicy(p: Manifest): boolean {
  const types: string[] = p.object.spec?.policyTypes ?? (p.object.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  return types.includes('Egress');
}

export function checkHooks(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const w of ctx.workloads) {
    const o = w.object;
    const at = o.metadata.annotations?.[HOOK] === undefined ? undefined : syncPosition(o);
    if (!at) continue;

    if (o.kind === 'Job' && o.metadata.name) {
      const base = /^(.*)-[0-9a-f]{8}$/.exec(o.metadata.name)?.[1];
      if (!base || hookJobName(base, o.spec?.template ?? {}) !== o.metadata.name) {
        out.push(violation(w.manifest, 'hook-job-per-template',
          `hook Job ${o.metadata.name} keeps its name when its pod template changes: the next release updates an immutable spec.template ("field is immutable") whenever Argo CD has not deleted the old Job (BeforeHookCreation under ServerSideApply, argoproj/argo-cd#14929); name it <name>-<hash of spec.template> (platform hookJobName) or use generateName`));
      }
    }

    // egress under a default-deny: only a policy already applied lets the hook's pod connect
    const policies = ctx.ofKind('NetworkPolicy', w.namespace);
    const denied = policies.some((p) => isEmptySelector(p.object.spec?.podSelector) && egressPolicy(p));
    if (!denied) continue;
    const mine = policies.filter((p) => !isEmptySelector(p.object.spec?.podSelector) && egressPolicy(p) && matches(p.object.spec?.podSelector, w.podLabels));
    const folder = dirname(w.manifest.file);
    const earlier = mine.filter((p) => {
      const pos = syncPosition(p.object);
      return dirname(p.file) === folder && pos !== undefined && before(pos, at);
    });
    if (earlier.length === 0) {
      const where = mine.length === 0
        ? `no NetworkPolicy selects its pods (${ns(o)} denies egress by default)`
        : `its NetworkPolicy ${mine.map((p) => `${p.object.metadata.name} (${dirname(p.file) === folder ? describe(syncPosition(p.object)) : `another Application: ${dirname(p.file)}`})`).join(', ')} is not applied before it`;
      out.push(violation(w.manifest, 'hook-egress-order',
        `hook ${describe(at)}: ${where}; its pod cannot reach DNS or its database, the hook fails and the sync stops: give it an egress NetworkPolicy in its own Application, in an earlier phase or wave`));
    }
  }
  return out;
}

function describe(p: { phase: number; wave: number } | undefined): string {
  return p ? `phase ${PHASES[p.phase]}, wave ${p.wave}` : 'never applied';
}
