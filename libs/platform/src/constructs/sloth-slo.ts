import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { prometheusSelectorLabels, type Cluster } from '../values/environment';

/** Sloth's window variable in SLI queries (slok/sloth conventions TplWindowRegex `{{ *\.window *}}`). */
const SLOTH_WINDOW = /\{\{ *\.window *\}\}/;

/** One SLO of a Sloth service level, measured as bad events over all events. */
export interface SlothObjective {
  /** SLO name, unique within the service. */
  readonly name: string;
  /** Target, percent of good events (e.g. 99.9). */
  readonly objective: number;
  readonly description: string;
  /**
   * PromQL counting bad events: a rate over `{{.window}}`, which Sloth fills in once per
   * burn-rate window (5m to 30d); Sloth refuses a query without it.
   */
  readonly errorQuery: string;
  /** PromQL counting all events: a rate over `{{.window}}` too. */
  readonly totalQuery: string;
  /** Name of the generated multi-window, multi-burn-rate alert. */
  readonly alertName: string;
  /** Labels of the page (fast burn) alert. @default - none */
  readonly pageAlertLabels?: Readonly<Record<string, string>>;
  /** Labels of the ticket (slow burn) alert. @default - none */
  readonly ticketAlertLabels?: Readonly<Record<string, string>>;
}

export interface SlothServiceLevelProps {
  /** `metadata.name`. */
  readonly name: string;
  /** The service the SLOs belong to (the `sloth_service` label of the generated rules). */
  readonly service: string;
  /** Labels added to every generated rule. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * The cluster whose Prometheus evaluates the generated rules. Sloth gives the PrometheusRule it
   * generates the labels of this object (slok/sloth internal/k8sprometheus/prometheusoperator/
   * storage.go), so this object carries that Prometheus's ruleSelector labels.
   */
  readonly cluster: Cluster;
  readonly slos: readonly SlothObjective[];
}

/**
 * A Sloth `PrometheusServiceLevel` (sloth.slok.dev/v1; no npm package models it: fields from
 * sloth.dev/specs/kubernetes and pkg/kubernetes/api/sloth/v1/types.go). The Kubernetes CRD spells
 * its fields in camelCase (`errorQuery`, `pageAlert`), unlike Sloth's file format
 * (`error_query`, `page_alert`).
 */
export class SlothServiceLevel extends Construct {
  constructor(scope: Construct, id: string, props: SlothServiceLevelProps) {
    super(scope, id);
    if (props.slos.length === 0) throw new Error(`SlothServiceLevel ${props.name}: 'slos' must name at least one SLO`);
    for (const s of props.slos) {
      if (!(s.objective > 0 && s.objective < 100)) {
        throw new Error(`SlothServiceLevel ${props.name}: SLO '${s.name}' 'objective' must be above 0 and below 100 (got ${s.objective})`);
      }
      for (const [field, query] of [['errorQuery', s.errorQuery], ['totalQuery', s.totalQuery]] as const) {
        if (!SLOTH_WINDOW.test(query)) throw new Error(`SlothServiceLevel ${props.name}: SLO '${s.name}' '${field}' must take its range from {{.window}} (Sloth refuses it otherwise)`);
      }
    }
    new ApiObject(this, 'Resource', {
      apiVersion: 'sloth.slok.dev/v1',
      kind: 'PrometheusServiceLevel',
      metadata: { name: props.name, labels: { ...prometheusSelectorLabels(props.cluster) } },
      spec: {
        service: props.service,
        ...(props.labels ? { labels: { ...props.labels } } : {}),
        slos: props.slos.map((s) => ({
          name: s.name,
          objective: s.objective,
          description: s.description,
          sli: { events: { errorQuery: s.errorQuery, totalQuery: s.totalQuery } },
          alerting: {
            name: s.alertName,
            pageAlert: { labels: { ...s.pageAlertLabels } },
            ticketAlert: { labels: { ...s.ticketAlertLabels } },
          },
        })),
      },
    });
  }
}
