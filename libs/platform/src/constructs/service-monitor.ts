import { ServiceMonitor as ServiceMonitorModel } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Construct } from 'constructs';
import { prometheusSelectorLabels, type Cluster } from '../values/environment';
import { selectorLabels } from './labels';
import { addModel } from './model-object';

/**
 * Annotation in which a ServiceMonitor names the metric families its targets expose (family
 * names such as `http_request_duration_seconds`, or prefixes ending in `_` such as `pg_`). The
 * policy rule `metrics-scraped` holds every alert and SLO to them; Prometheus ignores it.
 */
export const METRICS_ANNOTATION = 'monitoring.gitops-manifests/metrics';

/** One scrape endpoint of a ServiceMonitor. */
export interface ScrapeEndpoint {
  /**
   * Name of the Service port to scrape. By name, not number: the Service owns the number, and a
   * renumbered port keeps being scraped.
   */
  readonly port: string;
  /** HTTP path of the metrics. @default '/metrics' */
  readonly path?: string;
  /** Scrape interval. @default '30s' (prometheus-operator's own default is the Prometheus global, often 1m) */
  readonly interval?: string;
  /** Scrape timeout; must not exceed `interval`. @default - Prometheus' global scrape timeout */
  readonly scrapeTimeout?: string;
  /** @default 'http' */
  readonly scheme?: 'http' | 'https';
}

export interface ServiceMonitorProps {
  /** `metadata.name` of the ServiceMonitor. */
  readonly name: string;
  /**
   * The `app` label of the Service(s) to scrape. Services carry the same `app` label as their
   * pods (see AppService), so one label names both.
   * @default - same as `name`
   */
  readonly app?: string;
  /** Endpoints to scrape. */
  readonly endpoints: readonly ScrapeEndpoint[];
  /**
   * The cluster whose Prometheus scrapes it: the ServiceMonitor carries that Prometheus's selector
   * labels (environment.yaml `clusters[].monitoring.selectorLabels`), without which
   * kube-prometheus-stack ignores it.
   */
  readonly cluster: Cluster;
  /**
   * The metric families the endpoints expose that alerts or SLOs read (family names, or prefixes
   * ending in `_`), written to the METRICS_ANNOTATION for the `metrics-scraped` rule.
   */
  readonly metrics: readonly string[];
}

/**
 * A prometheus-operator ServiceMonitor that scrapes the Services of one app in the chart's own
 * namespace. No `namespaceSelector`: a ServiceMonitor reaching into other namespaces would let one
 * system scrape another's Services.
 */
export class ServiceMonitor extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ServiceMonitorProps) {
    super(scope, id);
    if (props.endpoints.length === 0) throw new Error(`ServiceMonitor ${props.name}: 'endpoints' must name at least one endpoint`);
    if (props.metrics.length === 0) throw new Error(`ServiceMonitor ${props.name}: 'metrics' must name the metric families it scrapes`);
    this.name = props.name;
    addModel(this, 'Resource', new ServiceMonitorModel({
      metadata: {
        name: props.name,
        labels: { ...prometheusSelectorLabels(props.cluster) },
        annotations: { [METRICS_ANNOTATION]: [...props.metrics].sort().join(' ') },
      },
      spec: {
        selector: { matchLabels: selectorLabels(props.app ?? props.name) },
        endpoints: props.endpoints.map((e) => ({
          port: e.port,
          path: e.path ?? '/metrics',
          interval: e.interval ?? '30s',
          ...(e.scrapeTimeout ? { scrapeTimeout: e.scrapeTimeout } : {}),
          scheme: e.scheme ?? 'http',
        })),
      },
    }));
  }
}
