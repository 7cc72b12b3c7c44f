/**
 * Issue 22 majors 6 and 7 (checks/runtime.ts): what cert-manager and ingress-nginx, as the
 * environment's add-on Applications install them, do with a system's Ingress. Before the fix
 * dist/production/quizmentor broke both rules in the forms the failing fixtures below show.
 */
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Manifest } from './manifests';
import { checkPolicies } from './policy';

const NS = 'shop';
const at = (file: string, object: any): Manifest => ({ file: `dist/production/${file}`, env: 'production', object });

const namespace = (labels: Record<string, string>) => at(`shop/shop-shared/Namespace.${NS}.yaml`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels } });
const defaultDeny = at('shop/shop-shared/NetworkPolicy.default-deny.yaml', {
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: NS }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
});
const solverPolicy = (port = 8089, from: any = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }) =>
  at('shop/shop-shared/NetworkPolicy.acme-http01-solver.yaml', {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'acme-http01-solver', namespace: NS },
    spec: { podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } }, policyTypes: ['Ingress'], ingress: [{ from: [from], ports: [{ port, protocol: 'TCP' }] }] },
  });
const ingress = (annotations: Record<string, string>) => at('shop/shop-shared/Ingress.shop.yaml', {
  apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'shop', namespace: NS, annotations },
  spec: { ingressClassName: 'nginx', rules: [{ host: 'shop.io', http: { paths: [] } }], tls: [{ hosts: ['shop.io'], secretName: 'shop-tls' }] },
});
const application = (chart: string, namespace: string, valuesObject: any) => at(`cluster-addons/addons/c1/Application.${chart}-c1.yaml`, {
  apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: `${chart}-c1`, namespace: 'argocd' },
  spec: { source: { chart, repoURL: 'https://charts.example', targetRevision: '1.0.0', helm: { releaseName: chart, valuesObject } }, destination: { server: 'https://c1.eks', namespace } },
});
const certManager = (podTemplate?: any) => application('cert-manager', 'cert-manager', {
  extraObjects: [stringify({
    apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt-prod' },
    spec: { acme: { server: 'https://acme', solvers: [{ http01: { ingress: { ingressClassName: 'nginx', ...(podTemplate ? { podTemplate } : {}) } } }] } },
  })],
});
const nginx = (annotations: Record<string, string>, config?: Record<string, string>) => application('ingress-nginx', 'ingress-nginx', {
  controller: { service: { annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'external', 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip', ...annotations } }, ...(config ? { config } : {}) },
});

const found = (rule: string, manifests: Manifest[]) => checkPolicies(manifests).violations.filter((v) => v.rule === rule).map((v) => `${v.kind} ${v.name}: ${v.message}`);
const NOT_INJECTED = { metadata: { annotations: { 'sidecar.istio.io/inject': 'false' } } };
const ISSUER = { 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' };

describe('acme-solver-reachable: the HTTP-01 solver in a default-deny, injected namespace (issue 22 major 6)', () => {
  it('refuses a default-deny namespace with no policy admitting the ingress controller to the solver on 8089, and an injected solver', () => {
    // GIVEN quizmentor-prod as it was: injected, default-deny, the ClusterIssuer without a podTemplate
    const manifests = [namespace({ 'istio-injection': 'enabled' }), defaultDeny, ingress(ISSUER), certManager(), nginx({})];
    // THEN
    expect(found('acme-solver-reachable', manifests)).toEqual([
      "Ingress shop: cert-manager's HTTP-01 solver pods for letsencrypt-prod run in shop (acme.cert-manager.io/http01-solver=true, port 8089), and its NetworkPolicies admit no traffic to them from the ingress controller (namespace ingress-nginx): the challenge times out and no certificate is issued",
      `Ingress shop: shop is labelled istio-injection=enabled and ClusterIssuer letsencrypt-prod's solvers[].http01.ingress.podTemplate.metadata does not set sidecar.istio.io/inject: "false": the solver pod would get a sidecar`,
    ]);
  });

  it('refuses a policy on another port or from another namespace', () => {
    expect(found('acme-solver-reachable', [namespace({}), defaultDeny, ingress(ISSUER), certManager(), nginx({}), solverPolicy(8080)])).toHaveLength(1);
    expect(found('acme-solver-reachable', [namespace({}), defaultDeny, ingress(ISSUER), certManager(), nginx({}),
      solverPolicy(8089, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } })])).toHaveLength(1);
  });

  it('accepts the policy admitting the controller on 8089 and a solver kept out of the mesh, and a namespace without default-deny', () => {
    expect(found('acme-solver-reachable', [namespace({ 'istio-injection': 'enabled' }), defaultDeny, ingress(ISSUER), certManager(NOT_INJECTED), nginx({}), solverPolicy()])).toEqual([]);
    expect(found('acme-solver-reachable', [namespace({}), ingress(ISSUER), certManager(), nginx({})])).toEqual([]);
  });

  it('counts the solver pods cert-manager creates as pods a NetworkPolicy may select (network-policy-selects)', () => {
    expect(found('network-policy-selects', [namespace({}), defaultDeny, ingress(ISSUER), solverPolicy()])).toEqual([]);
    expect(found('network-policy-selects', [namespace({}), defaultDeny, ingress({}), solverPolicy()])).toEqual([
      'NetworkPolicy acme-http01-solver: spec.podSelector acme.cert-manager.io/http01-solver=true matches no pods rendered in shop: the policy protects nothing',
    ]);
  });
});

describe('client-address-visible: per-client limits behind an NLB (issue 22 major 7)', () => {
  const limited = ingress({ 'nginx.ingress.kubernetes.io/limit-rps': '10' });

  it('refuses ip targets without client-IP preservation or proxy protocol (the NLB is every client)', () => {
    expect(found('client-address-visible', [limited, nginx({})])).toEqual([
      "Ingress shop: limit-rps are per client address, but ingress-nginx-c1's controller sees the NLB's own addresses (ip targets, preserve_client_ip.enabled=false, no proxy protocol): one limit applies to every client together",
    ]);
  });

  it('refuses proxy protocol on one side only', () => {
    expect(found('client-address-visible', [limited, nginx({ 'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*' })])[0]).toContain('without use-proxy-protocol');
    expect(found('client-address-visible', [limited, nginx({}, { 'use-proxy-protocol': 'true' })])[0]).toContain('without aws-load-balancer-proxy-protocol');
  });

  it('accepts client-IP preservation, or proxy protocol on both sides, or an Ingress without per-client limits', () => {
    expect(found('client-address-visible', [limited, nginx({ 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=true' })])).toEqual([]);
    expect(found('client-address-visible', [limited, nginx({ 'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*' }, { 'use-proxy-protocol': 'true' })])).toEqual([]);
    expect(found('client-address-visible', [ingress({}), nginx({})])).toEqual([]);
  });
});
