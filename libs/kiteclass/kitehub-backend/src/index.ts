import { defineService } from '@gitops/platform';
import { CONFIG_MAP, DATASOURCE_ENV, dataLayerEgress, HTTPS_EGRESS, KiteclassService, kiteclass, SECRETS } from '@gitops/kiteclass-system';

/** KiteHub API (api.kiteclass.com): accounts, schools, billing. Port 8080. */
export default defineService({
  system: kiteclass,
  name: 'kitehub-backend',
  // where its image tag is in the system's values, for set-image and promote
  imageTags: ['services.kitehub-backend.tag'],
  render(chart, ctx) {
    new KiteclassService(chart, 'KitehubBackend', {
      ctx,
      name: 'kitehub-backend',
      component: 'backend',
      env: {
        ...DATASOURCE_ENV,
        SPRING_REDIS_HOST: { configMap: CONFIG_MAP, key: 'redis-host' },
        SPRING_REDIS_PASSWORD: { secret: SECRETS.redis.name, key: 'password' },
        SPRING_RABBITMQ_HOST: { configMap: CONFIG_MAP, key: 'rabbitmq-host' },
        // Amazon MQ for RabbitMQ listens on AMQPS 5671 only; Spring Boot connects to 5672 unless SSL
        // is on (RabbitProperties.determinePort), which the NetworkPolicy (dataLayerEgress) denies.
        SPRING_RABBITMQ_SSL_ENABLED: 'true',
        JWT_SECRET: { secret: SECRETS.jwt.name, key: 'secret' },
        GOOGLE_CLIENT_ID: { secret: SECRETS.oauth.name, key: 'google-client-id' },
        GOOGLE_CLIENT_SECRET: { secret: SECRETS.oauth.name, key: 'google-client-secret' },
        ZALO_API_KEY: { secret: SECRETS.externalServices.name, key: 'zalo-api-key' },
        VNPAY_TMN_CODE: { secret: SECRETS.externalServices.name, key: 'vnpay-tmn-code' },
        VNPAY_HASH_SECRET: { secret: SECRETS.externalServices.name, key: 'vnpay-hash-secret' },
        S3_BUCKET: { configMap: CONFIG_MAP, key: 's3-bucket' },
      },
      // RDS, ElastiCache, Amazon MQ; HTTPS for S3, STS (IRSA), Google OAuth, Zalo and VNPay
      egress: [dataLayerEgress(ctx.cluster), HTTPS_EGRESS],
    });
  },
});
