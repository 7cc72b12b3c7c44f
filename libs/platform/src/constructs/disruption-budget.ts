import { Construct } from 'constructs';
import { IntOrString, KubePodDisruptionBudget } from 'cdk8s-plus-27/lib/imports/k8s';
import { selectorLabels } from '../labels';

export interface DisruptionBudgetProps {
  /** The `app` label of the pods it protects. */
  readonly app: string;
  /** `metadata.name`. @default - `<app>-pdb` */
  readonly name?: string;
  /** Pods that must stay up during voluntary disruptions (node drains). @default 1 */
  readonly minAvailable?: number;
}

/** A PodDisruptionBudget (production requires one per workload, DESIGN.md principle 6). */
export class DisruptionBudget extends Construct {
  constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, id);
    new KubePodDisruptionBudget(this, 'Resource', {
      metadata: { name: props.name ?? `${props.app}-pdb` },
      spec: {
        minAvailable: IntOrString.fromNumber(props.minAvailable ?? 1),
        selector: { matchLabels: selectorLabels(props.app) },
      },
    });
  }
}
