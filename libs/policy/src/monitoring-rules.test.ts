/**
 * The monitoring rules of issue 13 items 12-16 (checks/promql.ts, checks/monitoring.ts) on
 * fixtures of their own: each rule is shown failing on the class of mistake (the seed documents'
 * cases among them) and passing on the correct form.
 */
import { describe, expect, it } from 'vitest';
import { EnvironmentSchema, METRICS_ANNOTATION, type Environment } from '@gitops/platform';
import type { Manifest } from './manifests';
import { checkPolicies } from './policy';

const NS = 'shop-prod';
const DIR = 'dist/production/shop/shop-web';
const at = (file: string, object: any): Manifest => ({ file: `${DIR}/${file}`, env: 'production', object });

const alerts = (rules: { alert?: string; record?: string; expr: string; annotations?: Record<string, string> }[], labels: Record<string, string> = {}) =>
  at('PrometheusRule.alerts.yaml', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'alerts', namespace: NS, labels }, spec: { groups: [{ name: 'g', rules }] } });
const slo = (errorQuery: string, totalQuery: string, alertName = 'ShopBudgetBurn', labels: Record<string, string> = {}) =>
  at('PrometheusServiceLevel.slos.yaml', {
    apiVersion: 'sloth.slok.dev/v1', kind: 'PrometheusServiceLevel', metadata: { name: 'slos', namespace: NS, labels },
    spec: { service: 'shop', slos: [{ name: 'availability', objective: 99.9, sli: { events: { errorQuery, totalQuery } }, alerting: { name: alertName, pageAlert: {}, ticketAlert: {} } }] },
  });

/** A scraped app: pods, a Service with a named metrics port, and a ServiceMonitor declaring `metrics`. */
function scrapedApp(metrics: string[], opts: { servicePort?: string; monitorPort?: string; labels?: Record<string, string> } = {}): Manifest[] {
  const app = 'web';
  return [
    at('Deployment.web.yaml', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app, namespace: NS },
      spec: { replicas: 2, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: app, image: 'r/web:1', ports: [{ name: 'metrics', containerPort: 9090 }] }] } } },
    }),
    at('Service.web.yaml', { apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: NS, labels: { app } }, spec: { selector: { app }, ports: [{ name: opts.servicePort ?? 'metrics', port: 9090 }] } }),
    at('ServiceMonitor.web.yaml', {
      apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor',
      metadata: { name: app, namespace: NS, labels: opts.labels ?? {}, annotations: { [METRICS_ANNOTATION]: metrics.join(' ') } },
      spec: { selector: { matchLabels: { app } }, endpoints: [{ port: opts.monitorPort ?? 'metrics' }] },
    }),
  ];
}

/** The fleet of one cluster `shop-prod` running the system `shop`, with the given monitoring fact. */
const fleet = (monitoring?: { selectorLabels: Record<string, string>; namespace?: string }) => new Map([['production', EnvironmentSchema.parse({
  name: 'production', awsAccountId: '111122223333', awsRegion: 'eu-west-1',
  clusters: [{
    name: 'shop-prod', server: 'https://shop.example.com', accountId: '111122223333', region: 'eu-west-1', kubernetesVersion: '1.32',
    network: { vpcId: 'vpc-0123456789abcdef0', vpcCidr: '10.9.0.0/16', loadBalancerSubnets: ['10.9.1.0/24'] }, ...(monitoring ? { monitoring } : {}),
  }],
  systems: { shop: { clusters: ['shop-prod'] } },
})]]);

function violations(manifests: Manifest[], rule: string, fleet?: ReadonlyMap<string, Environment>): string[] {
  return checkPolicies(manifests, fleet).violations.filter((v) => v.rule === rule).map((v) => `${v.kind} ${v.name}: ${v.message}`);
}

describe('promql-valid: every expression parses as Prometheus parses it', () => {
  const bad = (expr: string) => violations([alerts([{ alert: 'A', expr }])], 'promql-valid');
  it('reports syntax errors, unknown functions and experimental functions, one line each', () => {
    expect(bad('sum(rate(http_requests_total[5m])')).toEqual([expect.stringMatching(/^PrometheusRule alerts: spec.groups\[0\].rules\[0\].expr: syntax error at character/)]);
    expect(bad('a +')).toHaveLength(1);
    expect(bad('rates(http_requests_total[5m]) > 1')).toEqual(['PrometheusRule alerts: spec.groups[0].rules[0].expr: unknown function rates()']);
    expect(bad('mad_over_time(up[5m]) > 1')).toEqual([expect.stringContaining('mad_over_time() is experimental')]);
    expect(bad('limitk(2, up)')).toEqual([expect.stringContaining('limitk is experimental')]);
  });
  it('accepts the expressions Prometheus accepts', () => {
    for (const expr of ['up == 0', 'histogram_quantile(0.99, sum(rate(x_bucket[5m])) by (le)) > 2', 'sum by (pod) (rate(x[5m] offset 1h)) > 0', 'max_over_time(up[1h:5m]) < 1']) {
      expect(bad(expr), expr).toEqual([]);
    }
  });
  it('parses Sloth queries with their window filled in', () => {
    expect(violations([slo('sum(rate(x{code=~"5.."}[{{.window}}])', 'sum(rate(x[{{.window}}]))')], 'promql-valid')).toEqual([
      expect.stringMatching(/^PrometheusServiceLevel slos: spec.slos\[0\].sli.events.errorQuery: syntax error/),
    ]);
  });
});

describe('promql-vector-matching: a binary operation between different label sets says how to match', () => {
  const matching = (expr: string) => violations([alerts([{ alert: 'A', expr }])], 'promql-vector-matching');
  it('reports the seed document\'s DatabaseConnectionPoolExhausted (a label only one side has)', () => {
    expect(matching('pg_stat_database_numbackends{datname="quizmentor"}\n/ pg_settings_max_connections > 0.9')).toEqual([
      expect.stringContaining('joins raw series with {datname} with the labels of raw series without on(...)/ignoring(...)'),
    ]);
  });
  it('reports raw series against an aggregation, and aggregations to different labels', () => {
    expect(matching('rate(http_requests_total[5m]) / sum(rate(http_requests_total[5m])) > 0.5')).toHaveLength(1);
    expect(matching('sum by (service) (rate(a[5m])) / sum by (le, service) (rate(b[5m]))')).toHaveLength(1);
    expect(matching('rate(x{code=~"5.."}[5m]) / rate(x[5m]) > 0.1')).toHaveLength(1);
    expect(matching('(sum by (pod) (a) > 1) and on(pod) b > 1 and c')).toHaveLength(0);
    expect(matching('sum by (pod) (a) and sum(b)')).toHaveLength(1);
  });
  it('accepts sides of the same shape, scalars, and explicit matching', () => {
    for (const expr of [
      'hikaricp_connections_active / hikaricp_connections_max > 0.9',
      'sum(rate(a{code=~"5.."}[5m])) by (service) / sum(rate(a[5m])) by (service) > 0.01',
      'sum by (instance) (pg_stat_database_numbackends) / on(instance) max by (instance) (pg_settings_max_connections) > 0.9',
      'rate(a[5m]) / on() group_left sum(rate(a[5m])) > 0.5',
      'histogram_quantile(0.95, sum(rate(b_bucket[5m])) by (le, service)) > 0.5',
      'sum(container_memory_working_set_bytes{namespace="x",container!=""}) by (pod) / sum(container_spec_memory_limit_bytes{namespace="x",container!=""}) by (pod) > 0.9',
      'up == 0', '1 - avg(up)',
      // `or` unions different label sets on purpose
      'rate(http_requests_total[5m]) or vector(0)',
    ]) expect(matching(expr), expr).toEqual([]);
  });
});

describe('sloth-window: SLI ranges come from {{ .window }}', () => {
  it('reports the seed document\'s hard-coded [5m], a query without the window, and a hard-coded subquery', () => {
    expect(violations([slo('sum(rate(x{code=~"5.."}[5m]))', 'sum(rate(x[{{.window}}]))')], 'sloth-window')).toEqual([
      expect.stringContaining('errorQuery: no {{ .window }}: Sloth refuses the SLO'),
      expect.stringContaining('errorQuery: range [5m] is hard-coded'),
    ]);
    expect(violations([slo('sum(rate(x{code=~"5.."}[{{.window}}])) + sum(max_over_time(y[1h:5m]))', 'sum(rate(x[{{ .window }}]))')], 'sloth-window')).toEqual([
      expect.stringContaining('errorQuery: range [1h] is hard-coded'),
    ]);
  });
  it('accepts {{.window}} and Sloth\'s spaced form {{ .window }}', () => {
    expect(violations([slo('sum(rate(x{code=~"5.."}[{{.window}}]))', 'sum(rate(x[{{ .window }}]))')], 'sloth-window')).toEqual([]);
  });
});

describe('alert-meaning', () => {
  it('reports memory judged with page cache and a rate shown as a count', () => {
    expect(violations([alerts([
      { alert: 'Mem', expr: 'sum(container_memory_usage_bytes{namespace="x"}) by (pod) / sum(container_spec_memory_limit_bytes{namespace="x"}) by (pod) > 0.9' },
      { alert: 'Crash', expr: 'rate(kube_pod_container_status_restarts_total[15m]) > 0', annotations: { description: 'restarted {{ $value }} times in 15 minutes' } },
      { alert: 'Crash2', expr: 'sum by (pod) (irate(kube_pod_container_status_restarts_total[15m])) > 0', annotations: { summary: '{{ $value | humanize }} restarts' } },
    ])], 'alert-meaning')).toEqual([
      expect.stringContaining('rules[0].expr: container_memory_usage_bytes counts page cache'),
      expect.stringContaining('rules[1].expr: annotations.description counts {{ $value }}'),
      expect.stringContaining('rules[2].expr: annotations.summary counts {{ $value }}'),
    ]);
  });
  it('accepts the working set, counts from increase() and rates worded per second', () => {
    expect(violations([alerts([
      { alert: 'Mem', expr: 'container_memory_working_set_bytes / container_spec_memory_limit_bytes > 0.9' },
      { alert: 'Crash', expr: 'increase(kube_pod_container_status_restarts_total[15m]) > 0', annotations: { description: 'restarted {{ $value }} times' } },
      { alert: 'Errors', expr: 'rate(http_requests_total[5m]) > 0.05', annotations: { description: '{{ $value }} 5xx responses per second' } },
    ])], 'alert-meaning')).toEqual([]);
  });
});

describe('alert-name-unique: one alert name per namespace', () => {
  it('reports a PrometheusRule alert and a Sloth SLO alert of one name (the seed\'s HighErrorRate), on both', () => {
    expect(violations([alerts([{ alert: 'HighErrorRate', expr: 'up == 0' }]), slo('sum(rate(x[{{.window}}]))', 'sum(rate(x[{{.window}}]))', 'HighErrorRate')], 'alert-name-unique')).toEqual([
      expect.stringMatching(/^PrometheusRule alerts: spec.groups\[0\].rules\[0\].alert: alert HighErrorRate is also defined in namespace shop-prod by PrometheusServiceLevel slos/),
      expect.stringMatching(/^PrometheusServiceLevel slos: spec.slos\[0\].alerting.name: alert HighErrorRate is also defined/),
    ]);
  });
  it('allows one name in two namespaces, and distinct names in one', () => {
    const other = { ...alerts([{ alert: 'HighErrorRate', expr: 'up == 0' }]), file: 'dist/production/shop/other/PrometheusRule.alerts.yaml' };
    other.object = { ...other.object, metadata: { ...other.object.metadata, namespace: 'other-prod' } };
    expect(violations([alerts([{ alert: 'HighErrorRate', expr: 'up == 0' }, { alert: 'HighLatency', expr: 'up == 0' }]), other], 'alert-name-unique')).toEqual([]);
  });
});

describe('metrics-scraped: every metric an alert or SLO reads is scraped', () => {
  const rule = alerts([{ alert: 'Errors', expr: 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.01' }]);
  it('reports a metric that only prometheus.io annotations would expose (the KiteClass case)', () => {
    const [deployment, service] = scrapedApp(['http_requests_total']);
    const annotated = { ...deployment, object: { ...deployment.object, spec: { ...deployment.object.spec, template: { ...deployment.object.spec.template, metadata: { labels: { app: 'web' }, annotations: { 'prometheus.io/scrape': 'true' } } } } } };
    expect(violations([rule, annotated, service], 'metrics-scraped')).toEqual([expect.stringContaining('nothing in namespace shop-prod exports http_requests_total')]);
  });
  it('reports a ServiceMonitor whose port the Service does not name, and one that does not declare the metric', () => {
    expect(violations([rule, ...scrapedApp(['http_requests_total'], { servicePort: 'http' })], 'metrics-scraped')).toEqual([
      expect.stringContaining('not scraping: ServiceMonitor web (selects no Service with port metrics in front of rendered pods)'),
    ]);
    // a Service whose (plain map) selector picks no rendered pods has no endpoints to scrape
    const [deployment, service, monitor] = scrapedApp(['http_requests_total']);
    const elsewhere = { ...service, object: { ...service.object, spec: { ...service.object.spec, selector: { app: 'gone' } } } };
    expect(violations([rule, deployment, elsewhere, monitor], 'metrics-scraped')).toEqual([expect.stringContaining('not scraping: ServiceMonitor web (selects no Service with port metrics in front of rendered pods)')]);
    expect(violations([rule, ...scrapedApp(['http_request_duration_seconds'])], 'metrics-scraped')).toEqual([
      expect.stringContaining('scraped here: ServiceMonitor web (http_request_duration_seconds)'),
    ]);
  });
  it('reports pg_* with no postgres exporter (the QuizMentor case)', () => {
    expect(violations([alerts([{ alert: 'Db', expr: 'sum by (instance) (pg_stat_database_numbackends) / on(instance) max by (instance) (pg_settings_max_connections) > 0.9' }]), ...scrapedApp(['http_requests_total'])], 'metrics-scraped')).toHaveLength(2);
    expect(violations([alerts([{ alert: 'Db', expr: 'sum by (instance) (pg_stat_database_numbackends) / on(instance) max by (instance) (pg_settings_max_connections) > 0.9' }]), ...scrapedApp(['pg_'])], 'metrics-scraped')).toEqual([]);
  });
  it('reports targets whose NetworkPolicies keep Prometheus out (the scrape never happens), reading its namespace from the cluster', () => {
    const netpol = (ingress: any[]) => at('NetworkPolicy.web.yaml', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web-netpol', namespace: NS },
      spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress },
    });
    const fromNs = (name: string, port: number | string) => ({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } }], ports: [{ port }] });
    const app = scrapedApp(['http_requests_total']);
    expect(violations([rule, ...app, netpol([])], 'metrics-scraped')).toEqual([
      expect.stringContaining('not scraping: ServiceMonitor web (NetworkPolicies web-netpol admit no traffic from namespace monitoring to port 9090 of web)'),
    ]);
    expect(violations([rule, ...app, netpol([fromNs('monitoring', 8080)])], 'metrics-scraped')).toHaveLength(1);
    expect(violations([rule, ...app, netpol([fromNs('ingress-nginx', 9090)])], 'metrics-scraped')).toHaveLength(1);
    expect(violations([rule, ...app, netpol([fromNs('monitoring', 9090)])], 'metrics-scraped')).toEqual([]);
    expect(violations([rule, ...app, netpol([fromNs('monitoring', 'metrics')])], 'metrics-scraped')).toEqual([]);
    // a cluster whose Prometheus runs elsewhere
    const observability = fleet({ selectorLabels: { release: 'kube-prometheus-stack' }, namespace: 'observability' });
    expect(violations([rule, ...app, netpol([fromNs('monitoring', 9090)])], 'metrics-scraped', observability)).toHaveLength(1);
    expect(violations([rule, ...app, netpol([fromNs('observability', 9090)])], 'metrics-scraped', observability)).toEqual([]);
  });
  it('accepts declared families (with their _bucket/_count/_sum series), the stack\'s exporters and recording rules', () => {
    expect(violations([
      alerts([
        { alert: 'Errors', expr: 'sum(rate(http_requests_total[5m])) > 1' },
        { alert: 'Latency', expr: 'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 1' },
        { alert: 'NotReady', expr: 'kube_pod_status_ready{condition="true"} == 0' },
        { alert: 'Memory', expr: 'container_memory_working_set_bytes / container_spec_memory_limit_bytes > 0.9' },
        { alert: 'Node', expr: 'node_load1 > 10' },
        { alert: 'Down', expr: 'up == 0' },
        { record: 'job:errors:rate5m', expr: 'sum by (job) (rate(http_requests_total[5m]))' },
        { alert: 'Recorded', expr: 'job:errors:rate5m > 1' },
      ]),
      ...scrapedApp(['http_requests_total', 'http_request_duration_seconds']),
    ], 'metrics-scraped')).toEqual([]);
  });
});

describe('monitoring-selector-labels: objects carry the selector labels of their clusters\' Prometheus', () => {
  const objects = (labels: Record<string, string>) => [alerts([{ alert: 'Down', expr: 'up == 0' }], labels), slo('sum(rate(x[{{.window}}]))', 'sum(rate(x[{{.window}}]))', 'B', labels), ...scrapedApp(['x'], { labels })];

  it('reports every ServiceMonitor, PrometheusRule and Sloth SLO without the cluster\'s labels (the seed systems had none)', () => {
    const found = violations(objects({}), 'monitoring-selector-labels', fleet({ selectorLabels: { release: 'kube-prometheus-stack' } }));
    expect(found.map((f) => f.split(':')[0]).sort()).toEqual(['PrometheusRule alerts', 'PrometheusServiceLevel slos', 'ServiceMonitor web']);
    expect(found[0]).toContain('metadata.labels lacks release: kube-prometheus-stack: the Prometheus of shop-prod selects');
  });
  it('reads the labels from the cluster (another release name is another label), defaulting to kube-prometheus-stack', () => {
    expect(violations(objects({ release: 'kube-prometheus-stack' }), 'monitoring-selector-labels', fleet({ selectorLabels: { release: 'monitoring' } }))).toHaveLength(3);
    expect(violations(objects({ release: 'monitoring' }), 'monitoring-selector-labels', fleet({ selectorLabels: { release: 'monitoring' } }))).toEqual([]);
    expect(violations(objects({ release: 'kube-prometheus-stack' }), 'monitoring-selector-labels', fleet())).toEqual([]);
  });
  it('refuses a cluster that names no selector label', () => {
    expect(() => fleet({ selectorLabels: {} })).toThrow(/name at least one label/);
  });
});
