import { defineService, vpcOutsidePods } from '@gitops/platform';
import { CONFIG_MAP, HTTPS_EGRESS, KiteclassService, kiteclass, SECRETS } from '@gitops/kiteclass-system';

/** KiteClass instance API gateway (`*.kiteclass.com/api`): checks JWTs, routes to kiteclass-core. Port 8080. */
export default defineService({
  system: kiteclass,
  name: 'kiteclass-gateway',
  // where its image tag is in the system's values, for set-image and promote
  imageTags: ['services.kiteclass-gateway.tag'],
  render(chart, ctx) {
    new KiteclassService(chart, 'KiteclassGateway', {
      ctx,
      name: 'kiteclass-gateway',
      component: 'gateway',
      env: {
        // through the internal ALB, which splits traffic between kiteclass-core and its canary
        KITECLASS_CORE_URL: `https://${ctx.values.ingress.coreHost}`,
        SPRING_REDIS_HOST: { configMap: CONFIG_MAP, key: 'redis-host' },
        SPRING_REDIS_PASSWORD: { secret: SECRETS.redis.name, key: 'password' },
        JWT_SECRET: { secret: SECRETS.jwt.name, key: 'secret' },
      },
      egress: [
        // the internal ALB's addresses and ElastiCache are in the VPC, outside the pods' subnets
        { peers: [vpcOutsidePods(ctx.cluster)], ports: [{ port: 443 }, { port: 6379 }] },
        HTTPS_EGRESS,
      ],
    });
  },
});
