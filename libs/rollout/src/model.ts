/**
 * The pieces of Argo CD and Kubernetes the rollout simulation models, each from the program's
 * own source or documentation (paths are in the argo-cd repository, mirrored read-only at
 * /work/.mirror/argoproj+argo-cd/repo; gitops-engine lives in its gitops-engine/ folder).
 */

/** A Kubernetes object as read from a manifest. */
export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: any;
  [key: string]: unknown;
}

export function groupOf(o: K8sObject): string {
  const v = String(o.apiVersion ?? '');
  return v.includes('/') ? v.split('/')[0] : '';
}

export function versionOf(o: K8sObject): string {
  const v = String(o.apiVersion ?? '');
  return v.includes('/') ? v.split('/')[1] : v;
}

/** `Kind namespace/name` for messages. */
export function describe(o: K8sObject): string {
  const ns = o.metadata?.namespace;
  return `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata?.name ?? ''}`;
}

/**
 * Kind order inside one phase and wave: gitops-engine/pkg/sync/sync_tasks.go `kindOrder` (Helm's
 * kind_sorter); kinds not listed (custom resources) sort last, then by name.
 */
export const KIND_ORDER: readonly string[] = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role',
  'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet',
  'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];

export function kindRank(kind: string | undefined): number {
  const i = KIND_ORDER.indexOf(String(kind));
  return i < 0 ? 0 : i - KIND_ORDER.length;
}

/** Sync phases in order: gitops-engine/pkg/sync/sync_tasks.go `syncPhaseOrder`. */
export const PHASES = ['PreSync', 'Sync', 'PostSync'] as const;
export type Phase = (typeof PHASES)[number] | 'SyncFail';

import {
  HOOK_ANNOTATION as ANNOTATION_HOOK,
  HOOK_DELETE_POLICY_ANNOTATION as ANNOTATION_HOOK_DELETE,
  SYNC_OPTIONS_ANNOTATION as ANNOTATION_SYNC_OPTIONS,
  SYNC_WAVE_ANNOTATION as ANNOTATION_WAVE,
} from '@gitops/platform';

// Argo CD's annotation names, spelled once in the platform (libs/platform/src/layout/argocd.ts).
export { ANNOTATION_HOOK, ANNOTATION_HOOK_DELETE, ANNOTATION_SYNC_OPTIONS, ANNOTATION_WAVE };

/** The hook phases an object declares (gitops-engine/pkg/sync/hook/hook.go Types); empty for a plain resource. */
export function hookTypes(o: K8sObject): string[] {
  const v = o.metadata?.annotations?.[ANNOTATION_HOOK];
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/**
 * Delete policies of a hook. With none, Argo CD assumes BeforeHookCreation
 * (docs/user-guide/resource_hooks.md, "Hook deletion policies").
 */
export function hookDeletePolicies(o: K8sObject): string[] {
  const v = o.metadata?.annotations?.[ANNOTATION_HOOK_DELETE];
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : ['BeforeHookCreation'];
}

/** Sync wave (docs/user-guide/sync-waves.md): the annotation, 0 when absent. */
export function waveOf(o: K8sObject): number {
  const v = o.metadata?.annotations?.[ANNOTATION_WAVE];
  const n = v === undefined ? 0 : Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : 0;
}

export function hasSyncOption(o: K8sObject, option: string): boolean {
  const v = o.metadata?.annotations?.[ANNOTATION_SYNC_OPTIONS];
  return !!v && v.split(',').map((s) => s.trim()).includes(option);
}

/** Kinds of the built-in API groups that are cluster-scoped (kubectl api-resources --namespaced=false). */
export const CLUSTER_SCOPED_BUILT_IN: ReadonlySet<string> = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'IngressClass', 'PriorityClass', 'RuntimeClass',
  'APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration',
]);

/**
 * Glob of an AppProject entry (pkg/apis/application/v1alpha1/app_project_types.go globMatch, on
 * github.com/gobwas/glob): `*` any text, `?` one character, a leading `!` negates where allowed.
 */
export function globMatch(pattern: string, value: string, allowNegation = false): boolean {
  if (allowNegation && pattern.startsWith('!')) return !globMatch(pattern.slice(1), value);
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

/** Simple English plural of a kind, as CRDs and the built-in APIs name resources (ingress -> ingresses). */
export function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  if (/(s|x|ch|sh)$/.test(k)) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}
