/**
 * `@gitops/platform`: what services and systems build with - the values they read (values/),
 * the constructs they compose (constructs/) and the repository's layout and Argo CD contract
 * (layout/). The renderer and writer are `@gitops/platform/render`; command helpers are
 * `@gitops/platform/cli`: services never need either.
 */
export * from './values/environment';
export * from './values/schemas';
export * from './values/values';
export * from './values/yaml-safe';
export * from './values/redis';
export * from './values/support-waiver';
export * from './layout/layout';
export * from './layout/argocd';
export * from './layout/appset';
export * from './layout/ownership';
export * from './layout/singletons';
export * from './layout/environment-loss';
export * from './constructs/labels';
export * from './constructs/service';
export * from './constructs/chart';
export * from './constructs/policy-waiver';
export * from './constructs/pod-template';
export * from './constructs/secure-deployment';
export * from './constructs/secure-stateful-set';
export * from './constructs/secure-job';
export * from './constructs/app-service';
export * from './constructs/autoscaler';
export * from './constructs/disruption-budget';
export * from './constructs/irsa-service-account';
export * from './constructs/network-policy';
export * from './constructs/secure-namespace';
export * from './constructs/external-secret';
export * from './constructs/prometheus-alerts';
export * from './constructs/velero-schedule';
export * from './constructs/model-object';
export * from './constructs/alb-ingress';
export * from './constructs/nginx-ingress';
export * from './constructs/service-monitor';
export * from './constructs/istio';
export * from './constructs/sloth-slo';
export * from './constructs/vertical-pod-autoscaler';
export * from './constructs/resource-quota';
export * from './constructs/web-service';
