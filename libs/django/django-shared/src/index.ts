import * as kplus from 'cdk8s-plus-27';
import { defineService, externalSecretsFor, SecureNamespace, waivePolicy } from '@gitops/platform';
import { CONFIG_KEYS, CONFIG_MAP, django, SECRETS } from '@gitops/django-system';

/**
 * What django-app and its migration Job read, in their own Argo CD Application: the namespace,
 * `django-config` and the ExternalSecrets. Kept apart from django-app because its migration
 * hook runs before django-app's ordinary objects (wave -1, platform MigrationHook), so the
 * settings it reads must already exist when that Application syncs.
 */
export default defineService({
  system: django,
  name: 'django-shared',
  render(chart, ctx) {
    const v = ctx.values;
    new SecureNamespace(chart, 'Namespace', { name: ctx.namespace });

    // Non-secret settings only; the document's "Secrets у Kubernetes secrets (не в ConfigMaps)".
    const config = new kplus.ConfigMap(chart, 'Config', {
      metadata: { name: CONFIG_MAP },
      data: {
        [CONFIG_KEYS.debug]: v.settings.debug ? 'True' : 'False',
        [CONFIG_KEYS.allowedHosts]: v.settings.allowedHosts.join(','),
        [CONFIG_KEYS.databaseHost]: v.database.host,
        [CONFIG_KEYS.databasePort]: String(v.database.port),
        [CONFIG_KEYS.databaseName]: v.database.name,
      },
    });

    if (v.settings.placeholderHostReason) waivePolicy(config, 'production-real-host', v.settings.placeholderHostReason);

    // the document hardcodes these (its own list of limitations says so); they come from AWS Secrets Manager
    externalSecretsFor(chart, ctx, SECRETS);
  },
});
