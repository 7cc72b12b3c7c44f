import type { NetworkPeer, NetworkRule } from '@gitops/platform';
import { APPS, POSTGRES, REDIS, type AppName } from './names';


/**
 * The ingress-nginx controller pods. The document's `podSelector: {app: nginx-ingress}` had no
 * namespaceSelector, so it matched only pods in QuizMentor's own namespace, never the controller.
 */
export const INGRESS_NGINX: NetworkPeer = { namespace: 'ingress-nginx', pods: { 'app.kubernetes.io/name': 'ingress-nginx' } };

/** Sidecars fetch their config and certificates from istiod (xDS over TLS on 15012). */
export const ISTIOD_EGRESS: NetworkRule = {
  peers: [{ namespace: 'istio-system', pods: { app: 'istiod' } }],
  ports: [{ port: 15012 }],
};


/** To the PostgreSQL pods, by the labels they carry (`app: postgres`). */
export const POSTGRES_EGRESS: NetworkRule = { peers: [{ app: POSTGRES.app }], ports: [{ port: POSTGRES.port }] };

/** To the Redis pods, by the labels they carry: `app: redis-cluster` (the document said `app: redis`). */
export const REDIS_EGRESS: NetworkRule = { peers: [{ app: REDIS.app }], ports: [{ port: REDIS.port }] };

/** To another QuizMentor service's pods on its container port. */
export function appEgress(app: AppName): NetworkRule {
  return { peers: [{ app }], ports: [{ port: APPS[app].port }] };
}

/** From other QuizMentor services' pods to this service's port. */
export function fromApps(apps: readonly string[], port: number): NetworkRule {
  return { peers: apps.map((app) => ({ app })), ports: [{ port }] };
}
