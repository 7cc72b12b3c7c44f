/**
 * Names of Django objects that more than one service refers to, spelled once.
 */

/** The Deployment, its Service and its ECR repository. */
export const APP = 'django-app';

/** The hook Job that runs `manage.py migrate` before the new version is applied (`<name>-<template hash>`; its pods' `app` label). */
export const MIGRATE = 'django-migrate';

/** Gunicorn's port (the document's Service forwards 80 to it). */
export const GUNICORN_PORT = 8000;
export const HTTP_PORT = 80;
export const HTTPS_PORT = 443;

/** Health endpoint of the app (liveness and readiness; the document lists health checks, no path). */
export const HEALTH_PATH = '/health/';

/** The ConfigMap of non-secret settings, and its keys (each is also the variable's name in the pods). */
export const CONFIG_MAP = 'django-config';
export const CONFIG_KEYS = {
  debug: 'DJANGO_DEBUG',
  allowedHosts: 'DJANGO_ALLOWED_HOSTS',
  databaseHost: 'DATABASE_HOST',
  databasePort: 'DATABASE_PORT',
  databaseName: 'DATABASE_NAME',
} as const;

/**
 * Secrets made by External Secrets from `django/<env>/<remote>` in AWS Secrets Manager (the
 * document lists hardcoded secrets as a flaw). `database` has the shape of an RDS-managed secret.
 */
export const SECRETS = {
  database: { name: 'django-db-secret', remote: 'database', properties: ['username', 'password'] },
  app: { name: 'django-app-secret', remote: 'app', properties: ['secret-key', 'api-key'] },
} as const;

