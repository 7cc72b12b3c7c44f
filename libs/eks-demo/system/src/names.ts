/**
 * Names of EKS demo objects, spelled once.
 */

/** The FastAPI service, as the document's Helm chart names it. */
export const SAMPLE_APP = 'sample-app';

/**
 * Container port. The document names none; 8000 is uvicorn's and the FastAPI images' usual port.
 * The Service exposes it as 80, which the ALB forwards to.
 */
export const CONTAINER_PORT = 8000;
export const SERVICE_PORT = 80;

/** The document's "Health Checks" endpoint (liveness and readiness) and Prometheus endpoint. */
export const HEALTH_PATH = '/health';
export const METRICS_PATH = '/metrics';

/** UID of the document's "Runtime Security" context. */
export const RUN_AS_USER = 1000;

/**
 * The app's secrets, made by External Secrets from `eks-demo/<env>/<remote>` in AWS Secrets
 * Manager. The document keeps them in base64 Kubernetes Secrets and names no keys; `api-key`
 * is the one credential the API reads.
 */
export const SECRET = { name: 'sample-app-secrets', remote: 'sample-app', properties: ['api-key'] } as const;

/** The PrometheusRule and its group, as the document names the group. */
export const ALERTS = 'sample-app-alerts';
