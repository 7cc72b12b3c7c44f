/**
 * Names, ports and labels of QuizMentor objects that more than one service refers to, spelled once.
 */

/** The stateless services: container name and port as the document gives them (or, where it
 * names none, the port the service's runtime listens on by default). */
export const APPS = {
  'learning-orchestrator': { container: 'orchestrator', port: 3000 },
  // gunicorn workers (WORKERS, MAX_REQUESTS_PER_WORKER): gunicorn's conventional port
  'bloom-validator': { container: 'validator', port: 8000 },
  // the document names no container or port for the next three: the orchestrator's conventions
  'adaptive-engine': { container: 'adaptive-engine', port: 3000 },
  'analytics-service': { container: 'analytics-service', port: 3000 },
  'batch-processor': { container: 'batch-processor', port: 3000 },
} as const;
export type AppName = keyof typeof APPS;

/** Every service listens for Prometheus on this port (the orchestrator's documented `metrics` port). */
export const METRICS_PORT = 9090;
/** Port of the services' ClusterIP Services (the Ingress and the mesh talk to port 80). */
export const SERVICE_PORT = 80;

/** The Istio canary of learning-orchestrator: subsets by `version` label, forced by a header. */
export const CANARY = { stable: 'v1', canary: 'v2', header: 'canary', headerValue: 'true', deployment: 'learning-orchestrator-v2' } as const;

/** PostgreSQL: the pods are `app: postgres` with a `role`, as the document labels them. */
export const POSTGRES = {
  statefulSet: 'postgres-primary',
  app: 'postgres',
  primaryService: 'postgres-primary',
  config: 'postgres-config',
  port: 5432,
  // the `postgres` user of the official alpine image
  uid: 70,
  /** Where the data volume is mounted, and PGDATA's directory inside it (the official image's convention). */
  dataMount: '/var/lib/postgresql/data',
  dataDir: 'postgres',
  database: 'quizmentor',
} as const;

/** Redis: pods are `app: redis-cluster` (the document's NetworkPolicy said `app: redis`). */
export const REDIS = {
  statefulSet: 'redis-cluster',
  app: 'redis-cluster',
  service: 'redis-cluster',
  config: 'redis-config',
  port: 6379,
  busPort: 16379,
  // the `redis` user of the official alpine image
  uid: 999,
} as const;

/** The learning orchestrator's database migrations: a hook Job per release (`<name>-<hash>`), its pods' `app` label and NetworkPolicy. */
export const MIGRATIONS = 'learning-orchestrator-migrations';

/** Secrets made by External Secrets from `quizmentor/<env>/<name>` in AWS Secrets Manager. */
export const SECRETS = {
  database: { name: 'database-credentials', properties: ['url', 'username', 'password'] },
  redis: { name: 'redis-credentials', properties: ['url'] },
  jwt: { name: 'jwt-secret', properties: ['secret'] },
  postgres: { name: 'postgres-secret', properties: ['username', 'password'] },
} as const;

export const INGRESS = 'quizmentor-ingress';
export const TLS_SECRET = 'quizmentor-tls';
