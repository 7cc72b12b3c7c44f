import { defineService, vpcOutsidePods } from '@gitops/platform';
import { APPS, fromApps, QuizmentorService, quizmentor } from '@gitops/quizmentor-system';

/**
 * The analytics service: the document only names it (architecture: the orchestrator calls it; it
 * writes to Elasticsearch and Kafka, both managed in the VPC), so it follows the orchestrator's
 * conventions. Not on the Ingress: only the orchestrator reaches it.
 */
export default defineService({
  system: quizmentor,
  name: 'analytics-service',
  // where its image tag is in the system's values, for set-image and promote
  imageTags: ['services.analytics-service.tag'],
  render(chart, ctx) {
    const values = ctx.values.services['analytics-service'];
    const port = APPS['analytics-service'].port;
    new QuizmentorService(chart, 'AnalyticsService', {
      ctx,
      name: 'analytics-service',
      component: 'backend',
      values,
      env: {
        NODE_ENV: ctx.values.nodeEnv,
        ELASTICSEARCH_URL: values.elasticsearchUrl,
        KAFKA_BROKERS: values.kafkaBrokers,
      },
      ingress: [fromApps(['learning-orchestrator'], port)],
      // Amazon OpenSearch (HTTPS) and MSK (TLS 9094) in the VPC, outside the pods' subnets
      egress: [{ peers: [vpcOutsidePods(ctx.cluster)], ports: [{ port: 443 }, { port: 9094 }] }],
    });
  },
});
