/**
 * Names of KiteClass objects that more than one service refers to, spelled once.
 */

/** The system's ConfigMap (non-secret settings per environment). */
export const CONFIG_MAP = 'kiteclass-config';

/** Secrets made by External Secrets from `kiteclass/<env>/<remote>` in AWS Secrets Manager. */
export const SECRETS = {
  database: { name: 'kiteclass-db-secret', remote: 'database', properties: ['url', 'username', 'password'] },
  redis: { name: 'kiteclass-redis-secret', remote: 'redis', properties: ['password'] },
  jwt: { name: 'kiteclass-jwt-secret', remote: 'jwt', properties: ['secret'] },
  externalServices: { name: 'kiteclass-external-services-secret', remote: 'external-services', properties: ['zalo-api-key', 'vnpay-tmn-code', 'vnpay-hash-secret'] },
  oauth: { name: 'kiteclass-oauth-secret', remote: 'oauth', properties: ['google-client-id', 'google-client-secret'] },
} as const;

/** Container ports, as the document gives them. */
export const PORTS = {
  'kitehub-backend': 8080,
  'kiteclass-gateway': 8080,
  'kiteclass-core': 8081,
  // Next.js' default port; the document names no port for the frontend.
  'kiteclass-frontend': 3000,
} as const;

/**
 * Spring Boot Actuator's management port (`management.server.port`): Prometheus scrapes it, no
 * Ingress routes to it, so /actuator/* is never public (issue 13 item 4).
 */
export const MANAGEMENT_PORT = 9090;

/** Ingress and Service names. */
export const INGRESS = 'kiteclass-ingress';
export const CORE_INGRESS = 'kiteclass-core-ingress';
export const CORE_CANARY = 'kiteclass-core-canary';
