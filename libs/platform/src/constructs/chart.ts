import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { PRUNE_CONFIRM, SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION, syncWaveOf } from '../layout/argocd';
import { systemLabels } from './labels';

export interface ServiceChartProps {
  /** Namespace of every namespaced object in the chart. */
  readonly namespace: string;
  /** System the objects belong to (`app.kubernetes.io/part-of`). */
  readonly system: string;
}

/** Kinds that live outside namespaces; cdk8s would otherwise stamp the chart's namespace on them. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterSecretStore', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass', 'PriorityClass']);

/**
 * One service in one environment. Names are never hashed: in GitOps a renamed object is a
 * delete plus a create in production, so every object carries the name its document gives it.
 */
export class ServiceChart extends Chart {
  public readonly system: string;

  constructor(scope: Construct, id: string, props: ServiceChartProps) {
    super(scope, id, {
      namespace: props.namespace,
      labels: systemLabels(props.system),
      disableResourceNameHashes: true,
    });
    this.system = props.system;
  }

  public override toJson(): any[] {
    return super.toJson().map((obj) => {
      if (CLUSTER_SCOPED.has(obj.kind)) delete obj.metadata.namespace;
      stampArgoCdAnnotations(obj);
      return obj;
    });
  }
}

/**
 * The Argo CD annotations every rendered object gets from its kind: its sync wave (kinds at the
 * default wave 0 carry none; a wave set in code wins), and `Prune=confirm` on a StatefulSet with
 * volume claims, whose data a prune would orphan.
 */
function stampArgoCdAnnotations(obj: any): void {
  const annotations: Record<string, string> = { ...obj.metadata.annotations };
  const wave = syncWaveOf(obj.kind);
  if (wave !== 0 && annotations[SYNC_WAVE_ANNOTATION] === undefined) annotations[SYNC_WAVE_ANNOTATION] = String(wave);
  if (obj.kind === 'StatefulSet' && (obj.spec?.volumeClaimTemplates ?? []).length > 0) {
    const options = (annotations[SYNC_OPTIONS_ANNOTATION] ?? '').split(',').map((o) => o.trim()).filter(Boolean);
    if (!options.some((o) => o.startsWith('Prune='))) annotations[SYNC_OPTIONS_ANNOTATION] = [...options, PRUNE_CONFIRM].join(',');
  }
  if (Object.keys(annotations).length > 0) obj.metadata.annotations = annotations;
}
