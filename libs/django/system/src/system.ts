import { defineSystem } from '@gitops/platform';
import { DjangoValuesSchema } from './values';

/** Django on EKS (seed document 003): the Gunicorn app against RDS PostgreSQL. */
export const django = defineSystem({
  name: 'django',
  environments: ['development', 'staging', 'production'],
  values: DjangoValuesSchema,
  namespace: (values) => values.namespace,
});
