/**
 * Waiving a policy rule for one object, in code: the waiver is an annotation the policy check
 * (libs/policy) honours, so the reason is in the service's code review and in dist/.
 */
import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';

/** Every rule `npm run validate` checks. */
export const POLICY_RULES = {
  'run-as-non-root': 'pods run as a non-root user',
  'read-only-root-filesystem': 'containers have a read-only root filesystem',
  'no-privilege-escalation': 'containers are not privileged and cannot escalate privileges',
  'drop-all-capabilities': 'containers drop ALL capabilities',
  'seccomp-runtime-default': 'pods use the RuntimeDefault (or a Localhost) seccomp profile',
  resources: 'containers request and limit CPU and memory',
  probes: 'long-running containers have liveness and readiness probes',
  'network-policy': 'a NetworkPolicy selects the pods of every workload',
  'namespace-pod-security': 'namespaces carry a Pod Security Admission enforce label',
  'no-plaintext-secret': 'no Secret objects: secrets come from External Secrets',
  'no-credentials': 'no credential-looking literal values in env or ConfigMaps',
  'production-replicas': 'production workloads run at least 2 replicas (or an HPA minimum of 2)',
  'production-pdb': 'production workloads have a PodDisruptionBudget',
  'production-pinned-image': 'production images have a pinned tag or digest (never latest)',
  'production-ingress-tls': 'production ingresses terminate TLS',
  'service-selects-workload': 'every Service selects pods of a rendered workload',
  'service-target-port': "every Service targetPort exists on the selected pods' containers",
  'ingress-backend': 'every Ingress backend names an existing Service and port',
  'hpa-target': 'every HPA targets an existing workload',
  'pdb-target': 'every PodDisruptionBudget selects pods of a rendered workload',
  'network-policy-selects': 'every NetworkPolicy pod and peer selector matches rendered pods or an existing namespace',
  'no-host-access': 'pods use no host namespaces, host paths or ports, unsafe sysctls, unmasked /proc or volume types beyond Pod Security restricted',
  'unique-object': 'each object (API group, kind, namespace, name) is rendered once per environment',
  'namespace-one-system': 'a namespace belongs to one system: only that system renders it and objects in it',
  'valid-metadata': 'names, label keys and values, annotation keys and node selectors are what the API server accepts',
  'valid-values': 'Ingress hosts, NetworkPolicy CIDRs and cron schedules are what the API server and controllers accept',
  'regional-arn': 'ARNs are in the region (when they have one) and account of every cluster their folder is synced to',
  'singleton-one-cluster': 'stateful singletons (volume-claiming StatefulSets, hook Jobs, backup Schedules) reach one cluster per environment',
  'no-vpc-ingress': "no NetworkPolicy admits a whole VPC of its clusters",
  'promql-valid': 'every PromQL expression (PrometheusRule, Sloth SLI) parses with the Prometheus parser and calls only functions a default Prometheus knows',
  'promql-vector-matching': 'a binary operation between vectors of different label sets says how to match (on/ignoring, group_left/group_right)',
  'sloth-window': 'Sloth SLI queries take every range from {{ .window }}',
  'alert-meaning': 'alerts judge memory by the working set and count with increase(), not rate()',
  'alert-name-unique': 'alert names are unique per namespace across PrometheusRules and Sloth-generated alerts',
  'metrics-scraped': 'every metric an alert or SLO reads is scraped: a ServiceMonitor/PodMonitor of a rendered target declares it, or the stack exports it',
  'monitoring-selector-labels': "ServiceMonitors, PodMonitors, PrometheusRules and Sloth SLOs carry their clusters' Prometheus selector labels",
  // workloads that start, become Ready and can be drained (issue 13 items 5-10, 20; libs/policy/src/checks/budgets.ts, workload-runtime.ts)
  'budget-allows-eviction': "a PodDisruptionBudget allows an eviction at its workloads' minimum size, and no pod is under two budgets",
  'lb-health-check': 'AWS Load Balancer Controller health-check annotations come with the ones they depend on',
  'subpath-ownership': 'no writable subPath mount of a data volume by a non-root container (the kubelet creates the directory as root)',
  'redis-maxmemory': "Redis maxmemory leaves headroom under the container's memory limit",
  'redis-cluster-readiness': 'a cluster-enabled Redis is Ready only when its cluster is (cluster_state:ok)',
  'no-init-migrations': 'no migration command in an init container of a workload that scales',
  'hook-egress-order': "an Argo CD hook's pods get their egress from a NetworkPolicy of their Application applied in an earlier phase or wave",
  'hook-job-per-template': 'an Argo CD hook Job is named after its pod template (or uses generateName), so a new release never updates an immutable Job',
  'replicas-one-owner': "a Deployment's spec.replicas has one owner in every environment: an HPA everywhere, or a fixed count everywhere",
  'argocd-sync-converges': 'an automated Argo CD Application retries a failed sync without limit and with a capped backoff, and never fails on shared resources after a rename',
  // traffic: what the load balancer controllers and the mesh make of Ingresses (issue 13 items 1-4, 11; libs/policy/src/checks/traffic.ts)
  'alb-action-backend': 'every AWS Load Balancer Controller action forwards to a rendered Service and a port it has, by type (a number is a port, a string a port name), and every use-annotation backend names a defined action',
  'alb-health-check': 'ALB health checks are per backend Service, on a path its pods answer on that port (one of their HTTP probes)',
  'no-public-metrics': 'no internet-facing Ingress routes a metrics or Actuator path to a port that serves it',
  'mesh-routed-ingress': 'an NGINX Ingress to a Service an Istio VirtualService routes goes through the mesh (service-upstream, upstream-vhost), one Service per Ingress',
  'irsa-egress': 'pods with an IRSA role may reach STS (TCP 443 outside the cluster); otherwise the role is dropped',
  // the add-ons' charts and everything's images (issue 22; libs/policy/src/checks/addon-*.ts, images.ts, support.ts)
  'addon-chart-published': "every pinned add-on chart version is recorded as published in its chart repository's index (libs/policy/src/data/chart-index.ts)",
  'addon-values-known': "every key of an add-on Application's valuesObject is one its chart version reads (values.yaml, values.schema.json or a documented allow-list), in the shape its templates take",
  'image-source': 'every image comes from a registry and repository still served (libs/policy/src/data/refused-images.ts) and is pinned by tag or digest (never latest)',
  'support-window': 'every pinned add-on version and cluster Kubernetes version is inside its upstream support window (warned 90 days before the end), or past it under a dated, unexpired waiver',
  // what the cluster's controllers do with rendered objects (issue 22 majors 6-12; libs/policy/src/checks/runtime.ts, data-stores.ts, fleet.ts)
  'acme-solver-reachable': "cert-manager's HTTP-01 solver pods (created in an Ingress's namespace) are admitted from the ingress controller on 8089 and are not Istio-injected",
  'client-address-visible': 'an NGINX Ingress with per-client limits sees the client address through its load balancer (client-IP preservation or proxy protocol on both sides)',
  'one-csi-installer': 'a CSI driver has one installer per cluster: the EKS-managed add-on (a fleet fact) or a chart, never both',
  'data-store-budget': 'a cache or database whose budget allows a disruption keeps its data and availability through it (replicas per shard, or a standby)',
  'production-real-host': 'production hosts are real domains, not RFC 2606/6761 placeholders (example.com/.net/.org, .test, .example, .invalid, .localhost)',
  'no-node-pod-ipblock': "no NetworkPolicy ipBlock admits its clusters' node or pod subnets (every pod has an address there)",
  'lb-subnets': "every ALB and load-balancer Service has subnets of its cluster for its scheme (loadBalancerSubnets, internalLoadBalancerSubnets), and the pods behind it admit them",
  'injected-pod-security': "each pod, as its namespace's sidecar injector would mutate it, meets the namespace's enforced Pod Security level",
  // the pods' data plane, ported from the rollout simulator (libs/policy/src/checks/egress.ts)
  'egress-reaches-dependencies': "pods selected by an egress NetworkPolicy may reach DNS, the backing services their env names, istiod when injected; the External Secrets Operator may reach DNS and AWS Secrets Manager",
  'webhook-before-objects': 'no failurePolicy Fail webhook is served or trusted only later in a sync (later wave, PostSync hook) than objects it intercepts',
} as const;

export type PolicyRule = keyof typeof POLICY_RULES;

/** `policy.gitops-manifests/waive-<rule>: <reason>` */
export const WAIVER_PREFIX = 'policy.gitops-manifests/waive-';

/**
 * Waives `rule` for the object behind `construct` (a cdk8s ApiObject, or a construct whose
 * default child is one). The reason is required and shows in review and in the validate report.
 */
export function waivePolicy(construct: IConstruct, rule: PolicyRule, reason: string): void {
  if (!(rule in POLICY_RULES)) throw new Error(`waivePolicy: unknown rule '${rule}'`);
  if (reason.trim().length < 10) throw new Error(`waivePolicy(${rule}): give a reason a reviewer can judge (at least 10 characters)`);
  const obj = construct instanceof ApiObject ? construct : ApiObject.of(findApiObject(construct));
  obj.metadata.addAnnotation(`${WAIVER_PREFIX}${rule}`, reason);
}

function findApiObject(c: IConstruct): IConstruct {
  const found = c.node.findAll().find((n) => n instanceof ApiObject);
  if (!found) throw new Error(`waivePolicy: ${c.node.path} renders no Kubernetes object`);
  return found;
}
