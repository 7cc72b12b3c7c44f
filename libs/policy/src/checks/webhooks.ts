/**
 * `webhook-before-objects` (issue 22): with `failurePolicy: Fail` the API server refuses every
 * request a webhook intercepts while it cannot call it, that is until its server runs and trusts
 * its CA (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy).
 * Argo CD applies one Application's objects in phases (PreSync, Sync, PostSync) and waves, and a
 * failed Sync never reaches PostSync: an object intercepted by such a webhook must come after the
 * webhook's server and CA, or the sync deadlocks (as kube-prometheus-stack's first sync did with
 * its PrometheusRules, issue 22 blocker 3). Checked two ways:
 *
 * - rendered webhook configurations (Validating/MutatingWebhookConfiguration in a dist/ folder,
 *   one Application): the webhook is ready at the latest of its configuration, the workload behind
 *   its `clientConfig.service`, and the Certificate its `cert-manager.io/inject-ca-from` names;
 *   each object of the folder it intercepts (CREATE of its group and resource) that is applied
 *   after the configuration and before that point is refused;
 * - add-on charts (rendered only as Applications): CHART_WEBHOOKS says which webhooks a chart
 *   registers, how its values set their failure policy, when they are ready, what they intercept
 *   and what the chart itself creates in the same sync; items of `extraObjects` that a Fail
 *   webhook of their chart intercepts must be in a later wave than the webhook's server (wave 0).
 */
import { parseAllDocuments } from 'yaml';
import type { PolicyContext, Violation } from '../context';
import { ns, violation } from '../context';
import type { K8sObject, Manifest } from '../manifests';
import { matches } from '../selectors';
import { syncPosition } from './hooks';

type Position = { phase: number; wave: number };
const PHASE_NAMES = ['PreSync', 'Sync', 'PostSync', 'SyncFail'];
const describe = (p: Position) => `${PHASE_NAMES[p.phase]} wave ${p.wave}`;
const later = (a: Position, b: Position) => a.phase > b.phase || (a.phase === b.phase && a.wave > b.wave);

/** A webhook a chart registers, as its values configure it (charts at the versions pinned in environments/). */
interface ChartWebhook {
  readonly chart: string;
  readonly webhook: string;
  /** Its failure policy on the first sync, from the Application's values; undefined when the chart renders no such webhook. */
  readonly failurePolicy: (values: any) => string | undefined;
  /** When it can answer, and why. */
  readonly ready: { readonly at: Position; readonly why: string };
  /** API groups it intercepts (`*`: any resource of the group). */
  readonly groups: readonly string[];
  /** What the chart itself creates in the Sync phase that the webhook intercepts. */
  readonly chartObjects: (values: any) => string[];
}

const SYNC_WAVE_0: Position = { phase: 1, wave: 0 };
const POST_SYNC: Position = { phase: 2, wave: 0 };

export const CHART_WEBHOOKS: readonly ChartWebhook[] = [
  {
    // templates/prometheus-operator/admission-webhooks at 67.8.0: failurePolicy "" means Fail;
    // IgnoreOnInstallOnly is Ignore on the first install; the caBundle is patched by job-patch, a
    // helm post-install hook, which Argo CD runs as a PostSync hook
    chart: 'kube-prometheus-stack', webhook: 'kube-prometheus-stack-admission',
    failurePolicy: (v) => {
      const w = v.prometheusOperator?.admissionWebhooks ?? {};
      if (w.enabled === false || v.prometheusOperator?.enabled === false) return undefined;
      return w.failurePolicy === 'IgnoreOnInstallOnly' ? 'Ignore' : w.failurePolicy || 'Fail';
    },
    ready: { at: POST_SYNC, why: 'its caBundle is patched by the chart\'s post-install hook Job (PostSync)' },
    groups: ['monitoring.coreos.com'],
    chartObjects: (v) => (v.defaultRules?.create === false ? [] : ['its default PrometheusRules (defaultRules.create)']),
  },
  {
    // ingress-nginx 4.12.1 values.yaml controller.admissionWebhooks.failurePolicy: Fail; the
    // caBundle is patched by the post-install hook Job admission-patch (PostSync)
    chart: 'ingress-nginx', webhook: 'ingress-nginx-admission',
    failurePolicy: (v) => (v.controller?.admissionWebhooks?.enabled === false ? undefined : v.controller?.admissionWebhooks?.failurePolicy ?? 'Fail'),
    ready: { at: POST_SYNC, why: 'its caBundle is patched by the chart\'s post-install hook Job admission-patch (PostSync)' },
    groups: ['networking.k8s.io'],
    // the chart renders no Ingress of its own
    chartObjects: () => [],
  },
  {
    // cert-manager v1.17.2: webhook failurePolicy Fail, served by the webhook Deployment (Sync,
    // wave 0) with the CA cainjector writes; the chart's own objects are not cert-manager kinds
    chart: 'cert-manager', webhook: 'cert-manager-webhook',
    failurePolicy: () => 'Fail',
    ready: { at: SYNC_WAVE_0, why: 'its server is the chart\'s webhook Deployment (Sync wave 0)' },
    groups: ['cert-manager.io', 'acme.cert-manager.io'],
    chartObjects: () => [],
  },
];

export function checkWebhooks(ctx: PolicyContext): Violation[] {
  return [...renderedWebhooks(ctx), ...chartWebhooks(ctx)];
}

function chartWebhooks(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const m of ctx.ofKind('Application')) {
    const chart = m.object.spec?.source?.chart;
    const values = m.object.spec?.source?.helm?.valuesObject ?? {};
    for (const w of CHART_WEBHOOKS.filter((x) => x.chart === chart)) {
      if (w.failurePolicy(values) !== 'Fail') continue;
      for (const what of w.chartObjects(values)) {
        out.push(violation(m, 'webhook-before-objects', `webhook ${w.webhook} has failurePolicy Fail, but ${w.ready.why}, after ${what} (Sync): the API server refuses them and the sync never reaches the hook; set its failure policy to Ignore or create them after it`));
      }
      const items: unknown[] = values.extraObjects ?? [];
      items.flatMap((item) => (typeof item === 'string' ? parseAllDocuments(item).map((d) => d.toJS()) : [item])).forEach((o: any) => {
        const group = String(o?.apiVersion ?? '').includes('/') ? String(o.apiVersion).split('/')[0] : '';
        if (!w.groups.includes(group)) return;
        const at = syncPosition(o as K8sObject) ?? SYNC_WAVE_0;
        if (!later(at, w.ready.at)) {
          out.push(violation(m, 'webhook-before-objects', `extraObjects ${o.kind} ${o.metadata?.name}: applied at ${describe(at)}, but webhook ${w.webhook} (failurePolicy Fail) intercepts it and ${w.ready.why}: give it a later sync wave`));
        }
      });
    }
  }
  return out;
}

function renderedWebhooks(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  const folders = new Map<string, Manifest[]>();
  for (const m of ctx.manifests) {
    const dir = m.file.slice(0, m.file.lastIndexOf('/'));
    folders.set(dir, [...(folders.get(dir) ?? []), m]);
  }
  for (const group of folders.values()) {
    for (const config of group.filter((m) => m.object.kind === 'ValidatingWebhookConfiguration' || m.object.kind === 'MutatingWebhookConfiguration')) {
      const registered = syncPosition(config.object);
      if (!registered) continue;
      for (const hook of (config.object as any).webhooks ?? []) {
        if ((hook.failurePolicy ?? 'Fail') !== 'Fail') continue;
        const ready: { at: Position; why: string }[] = [{ at: registered, why: `its configuration is applied at ${describe(registered)}` }];
        const svc = hook.clientConfig?.service;
        if (svc) {
          const service = group.find((m) => m.object.kind === 'Service' && m.object.metadata.name === svc.name && ns(m.object) === svc.namespace);
          const selector = service?.object.spec?.selector;
          const workloads = selector ? ctx.workloads.filter((w) => group.includes(w.manifest) && w.namespace === svc.namespace && matches({ matchLabels: selector }, w.podLabels)) : [];
          for (const w of workloads) {
            const at = syncPosition(w.object);
            if (at) ready.push({ at, why: `its server ${w.object.kind} ${w.object.metadata.name} is applied at ${describe(at)}` });
          }
        }
        const caFrom = config.object.metadata.annotations?.['cert-manager.io/inject-ca-from'];
        if (caFrom) {
          const [caNs, caName] = caFrom.split('/');
          const cert = group.find((m) => m.object.kind === 'Certificate' && m.object.metadata.name === caName && ns(m.object) === caNs);
          const at = cert && syncPosition(cert.object);
          if (at) ready.push({ at, why: `its CA comes from Certificate ${caName}, applied at ${describe(at)}` });
        }
        const last = ready.reduce((a, b) => (later(b.at, a.at) ? b : a));
        for (const m of group) {
          const at = syncPosition(m.object);
          if (!at || m === config || !later(last.at, at) || later(registered, at) || !intercepts(hook, m.object)) continue;
          out.push(violation(m, 'webhook-before-objects', `applied at ${describe(at)}, but webhook ${hook.name} of ${config.object.kind} ${config.object.metadata.name} (failurePolicy Fail) intercepts it and ${last.why}: the API server refuses it until then`));
        }
      }
    }
  }
  return out;
}

/** Whether a webhook's rules take the CREATE of `o` (resource as the kind's lower-case plural). */
function intercepts(hook: any, o: K8sObject): boolean {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  const kind = o.kind.toLowerCase();
  const resource = kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : kind.endsWith('s') ? `${kind}es` : `${kind}s`;
  const any = (list: string[] | undefined, v: string) => (list ?? []).some((x) => x === '*' || x === v);
  return (hook.rules ?? []).some((r: any) => any(r.apiGroups, group) && any(r.apiVersions, version) && any(r.resources, resource)
    && any(r.operations, 'CREATE'));
}
