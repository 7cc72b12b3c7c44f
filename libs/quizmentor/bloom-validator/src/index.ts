import { defineService } from '@gitops/platform';
import { APPS, fromApps, INGRESS_NGINX, POSTGRES_EGRESS, QuizmentorService, quizmentor, SECRETS } from '@gitops/quizmentor-system';

/**
 * The Bloom's-taxonomy validator (gunicorn workers, port 8000): the document's Deployment and its
 * HPA (2–10 pods at 70% CPU / 80% memory; scale up 100% per 30 s, down 50% per minute after 5
 * minutes). Reached by the Ingress at /api/validate and by the orchestrator.
 */
export default defineService({
  system: quizmentor,
  name: 'bloom-validator',
  // where its image tag is in the system's values, for set-image and promote
  imageTags: ['services.bloom-validator.tag'],
  render(chart, ctx) {
    const port = APPS['bloom-validator'].port;
    new QuizmentorService(chart, 'BloomValidator', {
      ctx,
      name: 'bloom-validator',
      component: 'backend',
      values: ctx.values.services['bloom-validator'],
      env: {
        WORKERS: '4',
        MAX_REQUESTS_PER_WORKER: '1000',
        // the document's architecture: the validator reads PostgreSQL
        DATABASE_URL: { secret: SECRETS.database.name, key: 'url' },
      },
      scaling: {
        scaleUp: { stabilizationWindowSeconds: 0, policies: [{ percent: 100, periodSeconds: 30 }] },
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ percent: 50, periodSeconds: 60 }] },
      },
      ingress: [
        { peers: [INGRESS_NGINX], ports: [{ port }] },
        fromApps(['learning-orchestrator'], port),
      ],
      egress: [POSTGRES_EGRESS],
    });
  },
});
