import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import { Construct } from 'constructs';
import { addModel } from './model-object';

export interface CanaryVirtualServiceProps {
  /** `metadata.name`. @default - same as `host` */
  readonly name?: string;
  /** The Service host the routes apply to (a Service name in the namespace). */
  readonly host: string;
  /** Subset that takes the stable share. @default 'v1' */
  readonly stableSubset?: string;
  /** Subset of the canary. @default 'v2' */
  readonly canarySubset?: string;
  /** Percent of the remaining traffic sent to the canary subset (0–100). */
  readonly canaryWeight: number;
  /**
   * A request header that sends a request to the canary whatever the weights, so testers can
   * reach it on purpose.
   * @default - no header route
   */
  readonly canaryHeader?: { readonly name: string; readonly exact: string };
}

/**
 * An Istio VirtualService (networking.istio.io/v1; v1beta1 is still served but v1 is the stable
 * API since Istio 1.22) splitting one host between a stable and a canary subset by weight, with
 * an optional header that forces the canary.
 */
export class CanaryVirtualService extends Construct {
  constructor(scope: Construct, id: string, props: CanaryVirtualServiceProps) {
    super(scope, id);
    if (!Number.isInteger(props.canaryWeight) || props.canaryWeight < 0 || props.canaryWeight > 100) {
      throw new Error(`CanaryVirtualService ${props.host}: 'canaryWeight' must be a whole number from 0 to 100 (got ${props.canaryWeight})`);
    }
    const stable = props.stableSubset ?? 'v1';
    const canary = props.canarySubset ?? 'v2';
    const http = [];
    if (props.canaryHeader) {
      http.push({
        match: [{ headers: { [props.canaryHeader.name]: { exact: props.canaryHeader.exact } } }],
        route: [{ destination: { host: props.host, subset: canary }, weight: 100 }],
      });
    }
    http.push({
      route: [
        { destination: { host: props.host, subset: stable }, weight: 100 - props.canaryWeight },
        { destination: { host: props.host, subset: canary }, weight: props.canaryWeight },
      ],
    });
    addModel(this, 'Resource', new VirtualService({
      metadata: { name: props.name ?? props.host },
      spec: { hosts: [props.host], http },
    }));
  }
}

/** Istio outlier detection: hosts that keep failing are ejected from the pool for a while. */
export interface OutlierDetection {
  /** Consecutive 5xx answers (or connection failures) before a host is ejected. */
  readonly consecutive5xxErrors: number;
  /** Time between ejection sweeps, e.g. `30s`. */
  readonly interval: string;
  /** Minimum ejection duration, e.g. `30s`. */
  readonly baseEjectionTime: string;
  /** Most hosts (percent) ejected at once. */
  readonly maxEjectionPercent: number;
  /** Outlier detection is off while fewer than this percent of hosts are healthy. */
  readonly minHealthPercent: number;
}

export interface VersionedDestinationRuleProps {
  /** `metadata.name`. @default - same as `host` */
  readonly name?: string;
  /** The Service host. */
  readonly host: string;
  /** Subsets, each selecting pods by their `version` label of the same name (`v1`, `v2`). */
  readonly versions: readonly string[];
  /** TCP and HTTP connection limits. @default - Istio's defaults (unlimited) */
  readonly connectionPool?: {
    readonly maxConnections: number;
    readonly http1MaxPendingRequests: number;
    readonly http2MaxRequests: number;
    readonly maxRequestsPerConnection: number;
  };
  /** @default - Istio's default (LEAST_REQUEST) */
  readonly loadBalancer?: 'LEAST_REQUEST' | 'ROUND_ROBIN' | 'RANDOM' | 'PASSTHROUGH';
  /** @default - no outlier detection */
  readonly outlierDetection?: OutlierDetection;
}

/**
 * An Istio DestinationRule (networking.istio.io/v1) whose subsets select pods by `version`
 * label. Outlier detection uses `consecutive5xxErrors`: `consecutiveErrors` is deprecated.
 */
export class VersionedDestinationRule extends Construct {
  constructor(scope: Construct, id: string, props: VersionedDestinationRuleProps) {
    super(scope, id);
    if (props.versions.length === 0) throw new Error(`VersionedDestinationRule ${props.host}: 'versions' must name at least one subset`);
    const trafficPolicy: Record<string, unknown> = {};
    if (props.connectionPool) {
      const c = props.connectionPool;
      trafficPolicy.connectionPool = {
        tcp: { maxConnections: c.maxConnections },
        http: { http1MaxPendingRequests: c.http1MaxPendingRequests, http2MaxRequests: c.http2MaxRequests, maxRequestsPerConnection: c.maxRequestsPerConnection },
      };
    }
    if (props.loadBalancer) trafficPolicy.loadBalancer = { simple: props.loadBalancer };
    if (props.outlierDetection) trafficPolicy.outlierDetection = { ...props.outlierDetection };
    addModel(this, 'Resource', new DestinationRule({
      metadata: { name: props.name ?? props.host },
      spec: {
        host: props.host,
        ...(Object.keys(trafficPolicy).length > 0 ? { trafficPolicy } : {}),
        subsets: props.versions.map((v) => ({ name: v, labels: { version: v } })),
      },
    }));
  }
}
