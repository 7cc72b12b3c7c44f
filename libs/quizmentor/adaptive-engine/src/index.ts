import { defineService } from '@gitops/platform';
import { APPS, fromApps, INGRESS_NGINX, QuizmentorService, quizmentor, REDIS_EGRESS, SECRETS } from '@gitops/quizmentor-system';

/**
 * The adaptive engine: the document only names it (architecture: the orchestrator calls it, it
 * keeps learner state in Redis, the Ingress routes /api/adaptive to it), so it follows the
 * orchestrator's conventions: port 3000, metrics 9090, the same probes and security context.
 */
export default defineService({
  system: quizmentor,
  name: 'adaptive-engine',
  // where its image tag is in the system's values, for set-image and promote
  imageTags: ['services.adaptive-engine.tag'],
  render(chart, ctx) {
    const port = APPS['adaptive-engine'].port;
    new QuizmentorService(chart, 'AdaptiveEngine', {
      ctx,
      name: 'adaptive-engine',
      component: 'backend',
      values: ctx.values.services['adaptive-engine'],
      env: {
        NODE_ENV: ctx.values.nodeEnv,
        REDIS_URL: { secret: SECRETS.redis.name, key: 'url' },
      },
      ingress: [
        { peers: [INGRESS_NGINX], ports: [{ port }] },
        fromApps(['learning-orchestrator'], port),
      ],
      egress: [REDIS_EGRESS],
    });
  },
});
