import { defineService } from '@gitops/platform';
import { KiteclassService, kiteclass } from '@gitops/kiteclass-system';

/** KiteClass web front end (Next.js), behind CloudFront and the ALB. Port 3000. */
export default defineService({
  system: kiteclass,
  name: 'kiteclass-frontend',
  // where its image tag is in the system's values, for set-image and promote
  imageTags: ['services.kiteclass-frontend.tag'],
  render(chart, ctx) {
    new KiteclassService(chart, 'KiteclassFrontend', {
      ctx,
      name: 'kiteclass-frontend',
      component: 'frontend',
      springBoot: false,
      env: { NODE_ENV: 'production', PORT: '3000' },
      probes: {
        liveness: { path: '/', initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 },
        readiness: { path: '/', initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3 },
      },
      // Next.js writes its image and page cache under .next/cache
      writableDirs: ['/tmp', '/app/.next/cache'],
    });
  },
});
