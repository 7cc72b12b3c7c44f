/**
 * What an add-on's chart brings that the systems' objects need, installed without the chart (its
 * repository and images cannot be reached here): the chart's upstream CRDs at the pinned version
 * (../shared/addons/<add-on>/crds, with their sources in SOURCES.md), and the StorageClasses and
 * IngressClasses its templates create from the Application's values. A chart is never counted as
 * installed: its controllers do not run, and the stand-ins in this folder do only the one thing the
 * systems rely on.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '@gitops/platform';
import type { KubeObject } from '../kube-client';
import type { PlannedAddon } from '../plan';

/** The folder of ../shared/addons holding an add-on's upstream files (by chart name). */
const SHARED_FOLDER: Readonly<Record<string, string>> = { vpa: 'vpa', base: 'istio-base' };

export function sharedFolderOf(addon: PlannedAddon): string {
  return SHARED_FOLDER[addon.chart] ?? addon.chart;
}

/**
 * Whether the chart installs its CRDs with these values: cert-manager only with crds.enabled (or the
 * older installCRDs), external-secrets unless installCRDs is false, kube-prometheus-stack unless
 * crds.enabled is false (each chart's values.yaml at the pinned version); the others always do.
 */
export function chartInstallsCrds(addon: PlannedAddon): boolean {
  const v = addon.values;
  switch (addon.chart) {
    case 'cert-manager':
      return v.crds?.enabled === true || v.installCRDs === true;
    case 'external-secrets':
      return v.installCRDs !== false;
    case 'kube-prometheus-stack':
      return v.crds?.enabled !== false;
    default:
      return true;
  }
}

/** The upstream CRDs of an add-on (none when its folder has none, e.g. istiod, ingress-nginx). */
export function addonCrds(sharedDir: string, addon: PlannedAddon): KubeObject[] {
  const dir = join(sharedDir, 'addons', sharedFolderOf(addon), 'crds');
  if (!existsSync(dir) || !chartInstallsCrds(addon)) return [];
  const out: KubeObject[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const parsed = parseYaml(readFileSync(join(dir, file), 'utf8'), join(dir, file), { multi: true, goYaml: true });
    for (const doc of parsed.documents) {
      const o = doc.value as KubeObject;
      if (o?.kind === 'CustomResourceDefinition') out.push(renderChartLabels(o, addon));
    }
  }
  return out;
}

/**
 * cert-manager keeps its CRDs as chart templates (deploy/charts/cert-manager/templates/crd-*.yaml):
 * their labels are `{{ template "cert-manager.name" . }}` (the chart's name) and `{{ .Release.Name }}`.
 * Those two are rendered as Helm would with this Application's release; any other template
 * expression in a label or annotation is refused rather than guessed.
 */
function renderChartLabels(crd: KubeObject, addon: PlannedAddon): KubeObject {
  const release = addon.application.spec?.source?.helm?.releaseName ?? addon.name;
  const render = (value: string) => {
    const out = value.replace(/\{\{ template "[a-z-]+\.name" \. \}\}/g, addon.chart).replace(/\{\{ \.Release\.Name \}\}/g, release);
    if (out.includes('{{')) throw new Error(`${crd.metadata.name}: chart template expression not modelled: ${value}`);
    return out;
  };
  const map = (m?: Record<string, string>) => m && Object.fromEntries(Object.entries(m).map(([k, v]) => [k, render(String(v))]));
  return { ...crd, metadata: { ...crd.metadata, labels: map(crd.metadata.labels), annotations: map(crd.metadata.annotations) } };
}

/**
 * StorageClasses and IngressClasses the chart's templates create from its values:
 * aws-ebs-csi-driver templates/storageclass.yaml (one per `storageClasses` entry, provisioner
 * ebs.csi.aws.com, volumeBindingMode defaulting to WaitForFirstConsumer), aws-load-balancer-controller
 * templates/ingressclass.yaml (`alb`, controller ingress.k8s.aws/alb, unless createIngressClassResource
 * is false), ingress-nginx templates/controller-ingressclass.yaml (controller.ingressClassResource).
 */
export function addonClasses(addon: PlannedAddon): KubeObject[] {
  const v = addon.values;
  switch (addon.chart) {
    case 'aws-ebs-csi-driver':
      return (v.storageClasses ?? []).map((sc: any) => ({
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: sc.name, annotations: sc.annotations, labels: sc.labels },
        provisioner: 'ebs.csi.aws.com',
        volumeBindingMode: sc.volumeBindingMode ?? 'WaitForFirstConsumer',
        ...(sc.reclaimPolicy ? { reclaimPolicy: sc.reclaimPolicy } : {}),
        ...(sc.allowVolumeExpansion !== undefined ? { allowVolumeExpansion: sc.allowVolumeExpansion } : {}),
        ...(sc.parameters ? { parameters: sc.parameters } : {}),
      }));
    case 'aws-load-balancer-controller':
      if (v.createIngressClassResource === false) return [];
      return [{ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: v.ingressClass ?? 'alb' }, spec: { controller: 'ingress.k8s.aws/alb' } }];
    case 'ingress-nginx': {
      const icr = v.controller?.ingressClassResource ?? {};
      if (icr.enabled === false) return [];
      return [{
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: icr.name ?? 'nginx', ...(icr.default ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}) },
        spec: { controller: icr.controllerValue ?? 'k8s.io/ingress-nginx' },
      }];
    }
    default:
      return [];
  }
}
