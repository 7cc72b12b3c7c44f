import { defineService } from '@gitops/platform';
import { POSTGRES_EGRESS, QuizmentorService, quizmentor, REDIS_EGRESS, SECRETS } from '@gitops/quizmentor-system';

/**
 * The batch processor on spot capacity (the document's cost section): interruptible work, so it
 * tolerates the `spot=true:NoSchedule` taint and is pinned to spot nodes. Nothing calls it; it
 * works on PostgreSQL and Redis and is scraped by Prometheus.
 */
export default defineService({
  system: quizmentor,
  name: 'batch-processor',
  // where its image tag is in the system's values, for set-image and promote
  imageTags: ['services.batch-processor.tag'],
  render(chart, ctx) {
    const values = ctx.values.services['batch-processor'];
    new QuizmentorService(chart, 'BatchProcessor', {
      ctx,
      name: 'batch-processor',
      component: 'worker',
      values,
      env: {
        NODE_ENV: ctx.values.nodeEnv,
        DATABASE_URL: { secret: SECRETS.database.name, key: 'url' },
        REDIS_URL: { secret: SECRETS.redis.name, key: 'url' },
      },
      // the document selected node.kubernetes.io/instance-type: spot, which is the EC2 type label and never "spot"
      nodeSelector: values.spotNodeSelector,
      tolerations: [{ key: 'spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
      egress: [POSTGRES_EGRESS, REDIS_EGRESS],
    });
  },
});
