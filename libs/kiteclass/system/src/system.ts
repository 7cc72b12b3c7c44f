import { defineSystem } from '@gitops/platform';
import { KiteclassValuesSchema } from './values';

/** The KiteClass platform (seed document 000): staging and production on EKS. */
export const kiteclass = defineSystem({
  name: 'kiteclass',
  environments: ['staging', 'production'],
  values: KiteclassValuesSchema,
  namespace: (values) => values.namespace,
});
