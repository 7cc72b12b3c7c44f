import { AlbIngress, clusterCertificate, defineService } from '@gitops/platform';
import { CONFIG_MAP, DATASOURCE_ENV, CORE_INGRESS, dataLayerEgress, HTTPS_EGRESS, KiteclassService, kiteclass, PORTS, SECRETS } from '@gitops/kiteclass-system';

/** The gateway reaches kiteclass-core inside the VPC only. */
const SCHEME = 'internal';

/**
 * KiteClass core (Spring Boot, port 8081): the document's Deployment, with its canary in
 * production. The gateway reaches it through an internal ALB, where the canary's share of
 * traffic is set by weighted target groups.
 */
export default defineService({
  system: kiteclass,
  name: 'kiteclass-core',
  // where its image tags are in the system's values (the first is the main one), for set-image and promote
  imageTags: ['services.kiteclass-core.tag', 'services.kiteclass-core.canary.tag'],
  render(chart, ctx) {
    const values = ctx.values.services['kiteclass-core'];
    const port = PORTS['kiteclass-core'];
    const core = new KiteclassService(chart, 'KiteclassCore', {
      ctx,
      name: 'kiteclass-core',
      component: 'backend',
      env: {
        ...DATASOURCE_ENV,
        SPRING_REDIS_HOST: { configMap: CONFIG_MAP, key: 'redis-host' },
        JWT_SECRET: { secret: SECRETS.jwt.name, key: 'secret' },
      },
      egress: [dataLayerEgress(ctx.cluster), HTTPS_EGRESS],
      canary: values.canary && { tag: values.canary.tag, replicas: values.canary.replicas },
      // its only load balancer is the internal ALB below: its pods admit the internal subnets
      loadBalancerScheme: SCHEME,
    });

    new AlbIngress(chart, 'Ingress', {
      name: CORE_INGRESS,
      scheme: SCHEME,
      certificateArn: clusterCertificate(ctx.env, ctx.cluster, ctx.system),
      // no Ingress-wide health check: each backend Service carries its own (issue 13 item 2)
      rules: [{
        host: ctx.values.ingress.coreHost,
        paths: [values.canary
          ? {
              path: '/',
              weighted: [
                { service: core.service, port, weight: 100 - values.canary.weight },
                { service: core.canaryService!, port, weight: values.canary.weight },
              ],
            }
          : { path: '/', service: core.service, port }],
      }],
    });
  },
});
