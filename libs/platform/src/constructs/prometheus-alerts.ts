import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { Construct } from 'constructs';
import { prometheusSelectorLabels, type Cluster } from '../values/environment';
import { addModel } from './model-object';

export interface AlertRule {
  /** Alert name. */
  readonly alert: string;
  /** PromQL expression. */
  readonly expr: string;
  /** How long the expression must hold, e.g. `5m`. */
  readonly for: string;
  readonly severity: 'critical' | 'warning' | 'info';
  readonly summary: string;
  readonly description: string;
}

export interface PrometheusAlertsProps {
  /** `metadata.name` of the PrometheusRule. */
  readonly name: string;
  /** Rule group name. @default - same as `name` */
  readonly group?: string;
  /** How often the group is evaluated. @default - Prometheus's global evaluation interval */
  readonly interval?: string;
  /** Labels every alert carries besides `severity`, e.g. the owning team. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * The cluster whose Prometheus evaluates the rules: the PrometheusRule carries that
   * Prometheus's ruleSelector labels (environment.yaml `clusters[].monitoring.selectorLabels`),
   * without which kube-prometheus-stack never loads it.
   */
  readonly cluster: Cluster;
  readonly rules: readonly AlertRule[];
}

/** A prometheus-operator PrometheusRule holding one group of alerts. */
export class PrometheusAlerts extends Construct {
  constructor(scope: Construct, id: string, props: PrometheusAlertsProps) {
    super(scope, id);
    addModel(this, 'Resource', new PrometheusRule({
      metadata: { name: props.name, labels: { ...prometheusSelectorLabels(props.cluster) } },
      spec: {
        groups: [{
          name: props.group ?? props.name,
          interval: props.interval,
          rules: props.rules.map((r) => ({
            alert: r.alert,
            expr: r.expr,
            for: r.for,
            labels: { severity: r.severity, ...props.labels },
            annotations: { summary: r.summary, description: r.description },
          })),
        }],
      },
    }));
  }
}
