import { defineSystem } from '@gitops/platform';
import { EksDemoValuesSchema } from './values';

/** The EKS DevOps demo (seed document 002): the FastAPI `sample-app` in dev, stage and prod. */
export const eksDemo = defineSystem({
  name: 'eks-demo',
  environments: ['development', 'staging', 'production'],
  values: EksDemoValuesSchema,
  namespace: (values) => values.namespace,
});
