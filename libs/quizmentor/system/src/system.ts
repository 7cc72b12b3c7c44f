import { defineSystem } from '@gitops/platform';
import { QuizmentorValuesSchema } from './values';

/** The QuizMentor self-learning system (seed document 001): staging and production, with Istio. */
export const quizmentor = defineSystem({
  name: 'quizmentor',
  environments: ['staging', 'production'],
  values: QuizmentorValuesSchema,
  namespace: (values) => values.namespace,
});
