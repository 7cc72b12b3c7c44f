import { ServiceMonitor as ServiceMonitorModel } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Construct } from 'constructs';
import { selectorLabels } from '../labels';
import { addModel } from './model-object';

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
   * Extra labels on the ServiceMonitor itself, e.g. `release: kube-prometheus-stack` when the
   * cluster's Prometheus selects ServiceMonitors by label.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
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
    this.name = props.name;
    addModel(this, 'Resource', new ServiceMonitorModel({
      metadata: { name: props.name, ...(props.labels && Object.keys(props.labels).length > 0 ? { labels: { ...props.labels } } : {}) },
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
