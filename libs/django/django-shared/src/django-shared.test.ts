import { describe, expect, it } from 'vitest';
import { findObject, objectsOfKind, renderLeaf } from '@gitops/platform/testing';
import djangoShared from './index';

const ALL = {
  development: renderLeaf(djangoShared, 'development').objects,
  staging: renderLeaf(djangoShared, 'staging').objects,
  production: renderLeaf(djangoShared, 'production').objects,
} as const;

describe('django-shared', () => {
  it('holds the RDS endpoint and non-secret settings of each environment in django-config', () => {
    expect(findObject(ALL.production, 'ConfigMap', 'django-config').data).toEqual({
      DJANGO_DEBUG: 'False',
      DJANGO_ALLOWED_HOSTS: 'django.example.com',
      DATABASE_HOST: 'django-production.c7x2kq9wz1ab.ap-southeast-1.rds.amazonaws.com',
      DATABASE_PORT: '5432',
      DATABASE_NAME: 'django',
    });
    expect(findObject(ALL.development, 'ConfigMap', 'django-config').data).toMatchObject({
      DJANGO_DEBUG: 'True',
      DATABASE_HOST: 'django-development.c7x2kq9wz1ab.ap-southeast-1.rds.amazonaws.com',
    });
  });

  it('keeps passwords and keys out of the ConfigMap', () => {
    for (const objects of Object.values(ALL)) {
      const data = findObject(objects, 'ConfigMap', 'django-config').data;
      expect(Object.keys(data).filter((k) => /PASSWORD|SECRET|KEY|USER/.test(k))).toEqual([]);
    }
  });

  it('gets the database password and API keys from AWS Secrets Manager, never from a plain Secret', () => {
    for (const [env, objects] of Object.entries(ALL)) {
      expect(objectsOfKind(objects, 'Secret')).toEqual([]);
      const db = findObject(objects, 'ExternalSecret', 'django-db-secret');
      expect(db.apiVersion).toBe('external-secrets.io/v1');
      expect(db.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'aws-secrets-manager' });
      expect(db.spec.data).toEqual(['username', 'password'].map((p) => ({ secretKey: p, remoteRef: { key: `django/${env}/database`, property: p } })));
      const app = findObject(objects, 'ExternalSecret', 'django-app-secret');
      expect(app.spec.data).toEqual(['secret-key', 'api-key'].map((p) => ({ secretKey: p, remoteRef: { key: `django/${env}/app`, property: p } })));
    }
  });

  it('renders the namespace per environment with Pod Security Admission and a default-deny policy', () => {
    for (const [env, objects] of Object.entries(ALL)) {
      expect(findObject(objects, 'Namespace', `django-${env}`).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
      expect(findObject(objects, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
  });
});
