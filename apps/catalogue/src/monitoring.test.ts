/**
 * Issue 13 items 12-16 on a fresh render of the whole catalogue (every system, every environment,
 * with the fleet): the monitoring rules pass, and they catch the defects of the review when the
 * fix is taken out again (no KiteClass ServiceMonitors; no postgres exporter; a scrape blocked by
 * a NetworkPolicy). Names are read from the render, never written out.
 */
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS, type Environment } from '@gitops/platform';
import { loadEnvironment, loadServices, renderServices } from '@gitops/platform/render';
import { checkPolicies, type Manifest } from '@gitops/policy';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';

const MONITORING_RULES = new Set(['promql-valid', 'promql-vector-matching', 'sloth-window', 'alert-meaning', 'alert-name-unique', 'metrics-scraped', 'monitoring-selector-labels']);

const fleet = new Map<string, Environment>(ENVIRONMENTS.map((env) => [env, loadEnvironment(env, WORKSPACE_ROOT)]));
const services = (await loadServices(WORKSPACE_ROOT)).map((l) => l.service);
const RENDER: Manifest[] = renderServices(services, { root: WORKSPACE_ROOT }).flatMap((leaf) =>
  leaf.objects.map((object) => ({ file: `dist/${leaf.path}/${object.kind}.${object.metadata.name}.yaml`, env: leaf.env, object: object as any })));

const monitoringViolations = (manifests: Manifest[]) =>
  checkPolicies(manifests, fleet).violations.filter((v) => MONITORING_RULES.has(v.rule)).map((v) => `${v.file}: [${v.rule}] ${v.message}`);
const without = (drop: (m: Manifest) => boolean) => RENDER.filter((m) => !drop(m));

describe('monitoring of the whole catalogue', () => {
  it('renders alerts and SLOs whose every metric is scraped, parsed and matched as Prometheus does, for the cluster\'s Prometheus', () => {
    expect(RENDER.some((m) => m.object.kind === 'PrometheusRule')).toBe(true);
    expect(monitoringViolations(RENDER)).toEqual([]);
  });

  it('would miss every KiteClass application metric without its ServiceMonitors (item 12: annotations alone are ignored)', () => {
    const kiteclassMonitor = (m: Manifest) => m.object.kind === 'ServiceMonitor' && m.file.includes('/kiteclass/');
    expect(RENDER.filter(kiteclassMonitor).length).toBeGreaterThan(0);
    const found = monitoringViolations(without(kiteclassMonitor));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.includes('[metrics-scraped]') && f.includes('/kiteclass/'))).toBe(true);
  });

  it('would miss pg_* without the postgres exporter (item 13)', () => {
    const exporter = (m: Manifest) => m.file.includes('/postgres-exporter/');
    expect(RENDER.filter(exporter).length).toBeGreaterThan(0);
    const found = monitoringViolations(without(exporter));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => /\[metrics-scraped\] .*exports pg_/.test(f))).toBe(true);
  });

  it('would not scrape a target whose NetworkPolicy stops admitting Prometheus', () => {
    const closed = RENDER.map((m) => (m.object.kind === 'NetworkPolicy' && m.file.includes('/postgres-exporter/') && m.object.spec?.podSelector?.matchLabels?.app === 'postgres-exporter'
      ? { ...m, object: { ...m.object, spec: { ...m.object.spec, ingress: [] } } }
      : m));
    const found = monitoringViolations(closed);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.includes('admit no traffic from namespace'))).toBe(true);
  });

  it('would ignore every monitoring object without the cluster\'s selector labels (item 16)', () => {
    const kinds = new Set(['ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'PrometheusServiceLevel']);
    const unlabelled = RENDER.map((m) => (kinds.has(m.object.kind) ? { ...m, object: { ...m.object, metadata: { ...m.object.metadata, labels: {} } } } : m));
    const found = monitoringViolations(unlabelled).filter((f) => f.includes('[monitoring-selector-labels]'));
    expect(found).toHaveLength(RENDER.filter((m) => kinds.has(m.object.kind)).length);
  });
});
