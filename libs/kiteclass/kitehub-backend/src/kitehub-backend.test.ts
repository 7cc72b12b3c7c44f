/**
 * kitehub-backend: the KiteHub API (api.kiteclass.com) - accounts, schools, billing. The shared
 * Spring Boot conventions, and what is its own.
 */
import { describe, expect, it } from 'vitest';
import { envVar, findObject, mainContainer, renderLeaf } from '@gitops/platform/testing';
import { SECRETS } from '@gitops/kiteclass-system';
import { itFollowsSpringServiceConventions } from '@gitops/kiteclass-system/testing';
import service from './index';

itFollowsSpringServiceConventions('kitehub-backend', service);

describe('kitehub-backend', () => {
  const container = mainContainer(findObject(renderLeaf(service, 'production').objects, 'Deployment', 'kitehub-backend'));

  it('reads the database settings from kiteclass-db-secret', () => {
    for (const [name, key] of [['SPRING_DATASOURCE_URL', 'url'], ['SPRING_DATASOURCE_USERNAME', 'username'], ['SPRING_DATASOURCE_PASSWORD', 'password']]) {
      expect(envVar(container, name).valueFrom, name).toEqual({ secretKeyRef: { name: SECRETS.database.name, key } });
    }
  });

  it('speaks AMQPS to Amazon MQ (port 5671, the only one its NetworkPolicy allows) and reads OAuth and payment keys from their secrets', () => {
    expect(envVar(container, 'SPRING_RABBITMQ_SSL_ENABLED').value).toBe('true');
    expect(envVar(container, 'GOOGLE_CLIENT_ID').valueFrom).toEqual({ secretKeyRef: { name: SECRETS.oauth.name, key: 'google-client-id' } });
    expect(envVar(container, 'VNPAY_HASH_SECRET').valueFrom).toEqual({ secretKeyRef: { name: SECRETS.externalServices.name, key: 'vnpay-hash-secret' } });
  });
});
