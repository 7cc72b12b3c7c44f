/**
 * Names, labels and annotations as the API server validates them (k8s.io/apimachinery
 * pkg/api/validation ValidateObjectMeta and pkg/util/validation): kubeconform's schemas type them
 * only as strings, so a bad one would pass validate and fail at sync.
 * - names: a DNS-1123 subdomain for most kinds (custom resources too); a DNS-1123 label for a
 *   Namespace (ValidateNamespaceName); a DNS-1035 label for a Service (ValidateServiceName);
 * - label keys and annotation keys: qualified names (IsQualifiedName); label values: IsValidLabelValue;
 * - a pod's nodeSelector and its template's labels: labels (ValidateLabels).
 */
import { labelKey, labelValue } from '@gitops/platform';
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';
import type { Manifest } from '../manifests';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function nameProblem(kind: string, name: unknown): string | undefined {
  const n = String(name ?? '');
  if (kind === 'Service') {
    return n.length <= 63 && DNS1035_LABEL.test(n) ? undefined : 'must be a DNS-1035 label (a lower-case letter, then lower-case letters, digits and -, at most 63)';
  }
  if (kind === 'Namespace') {
    return n.length <= 63 && DNS1123_LABEL.test(n) ? undefined : 'must be a DNS-1123 label (lower-case letters, digits and -, at most 63)';
  }
  const ok = n.length > 0 && n.length <= 253 && n.split('.').every((l) => l.length <= 63 && DNS1123_LABEL.test(l));
  return ok ? undefined : 'must be a DNS-1123 subdomain (lower-case letters, digits, - and ., at most 253)';
}

export function checkMetadata(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const m of ctx.manifests) {
    const md = m.object.metadata ?? ({} as Manifest['object']['metadata']);
    const bad = nameProblem(m.object.kind, md.name);
    if (bad) out.push(violation(m, 'valid-metadata', `metadata.name ${md.name}: ${bad}`));
    labels(out, m, 'metadata.labels', md.labels);
    keys(out, m, 'metadata.annotations', md.annotations);
  }
  for (const w of ctx.workloads) {
    if (w.object.kind !== 'Pod') labels(out, w.manifest, `${w.podPath.replace(/\.spec$/, '')}.metadata.labels`, w.podLabels);
    labels(out, w.manifest, `${w.podPath}.nodeSelector`, w.pod.nodeSelector);
  }
  return out;
}

function keys(out: Violation[], m: Manifest, where: string, map: Record<string, unknown> | undefined): void {
  for (const key of Object.keys(map ?? {})) {
    const r = labelKey.safeParse(key);
    if (!r.success) out.push(violation(m, 'valid-metadata', `${where}: key ${JSON.stringify(key)}: ${r.error.issues[0].message}`));
  }
}

function labels(out: Violation[], m: Manifest, where: string, map: Record<string, unknown> | undefined): void {
  keys(out, m, where, map);
  for (const [key, value] of Object.entries(map ?? {})) {
    const r = labelValue.safeParse(value);
    if (!r.success) out.push(violation(m, 'valid-metadata', `${where}.${key}: value ${JSON.stringify(value)}: ${r.error.issues[0].message}`));
  }
}
