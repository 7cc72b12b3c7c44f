/**
 * The shared value types refuse what the API server or the consuming controller would refuse
 * (issue 10 item 9), and quantities written as YAML numbers are accepted as the API server does.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EnvironmentSchema } from './environment';
import {
  cidr, cpuQuantity, cronSchedule, dnsHostName, dnsLabel, hostName, imageTag, ingressHost, labelKey, memoryQuantity, nodeSelector, ResourcesSchema, s3BucketName,
  systemNamespace,
} from './schemas';
import { parseValues, ValuesError } from './values';

/** The reasons `schema` gives for `value`; [] when it is accepted. */
function reasons(schema: z.ZodType, value: unknown): string[] {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => i.message);
}
const accepts = (schema: z.ZodType, value: unknown) => expect(reasons(schema, value), JSON.stringify(value)).toEqual([]);
const refuses = (schema: z.ZodType, value: unknown, reason: string) => expect(reasons(schema, value).join('; '), JSON.stringify(value)).toContain(reason);

describe('DNS names', () => {
  it('refuses a 64-character label, in a DNS label and inside a host name', () => {
    const label63 = 'a'.repeat(63);
    accepts(dnsLabel, label63);
    refuses(dnsLabel, `${label63}a`, 'at most 63');
    accepts(hostName, `${label63}.example.com`);
    refuses(hostName, `${label63}a.example.com`, 'at most 63 characters');
    refuses(ingressHost, `${label63}a.example.com`, 'at most 63 characters');
  });

  it('refuses a host name longer than 253 characters', () => {
    const long = `${Array.from({ length: 4 }, () => 'a'.repeat(63)).join('.')}.com`; // 259
    refuses(hostName, long, 'at most 253');
  });

  it('refuses an IP address as an Ingress host, and allows one leading wildcard label', () => {
    refuses(ingressHost, '10.0.0.1', 'must be a DNS name, not an IP address');
    refuses(ingressHost, '192.168.001.001', 'must be a DNS name, not an IP address');
    refuses(ingressHost, '::1', 'DNS');
    accepts(ingressHost, '*.kiteclass.com');
    accepts(ingressHost, 'api.kiteclass.com');
    refuses(ingressHost, '*.*.kiteclass.com', 'DNS');
    refuses(ingressHost, 'api.*.kiteclass.com', 'DNS');
    refuses(ingressHost, 'API.kiteclass.com', 'DNS');
  });

  it('refuses an IP address and a wildcard where a host one connects to is meant', () => {
    refuses(hostName, '10.0.0.1', 'not an IP address');
    refuses(dnsHostName, '10.0.0.1', 'not an IP address');
    refuses(dnsHostName, '*.kiteclass.com', 'no wildcard');
    accepts(dnsHostName, 'kiteclass-production.xxxxx.cache.amazonaws.com');
  });
});

describe('system namespaces', () => {
  it('refuses the namespaces the cluster and its add-ons provide, and the reserved kube- prefix', () => {
    for (const ns of ['kube-system', 'kube-node-lease', 'kube-anything', 'default', 'velero', 'argocd']) refuses(systemNamespace, ns, 'a system renders a namespace of its own');
    refuses(systemNamespace, 'Shop', 'DNS-1123 label');
    accepts(systemNamespace, 'quizmentor-prod');
  });
});

describe('CIDR', () => {
  it('refuses octets above 255, prefixes above 32 and malformed addresses', () => {
    refuses(cidr, '999.20.0.0/99', 'IPv4 CIDR');
    refuses(cidr, '10.0.0.0/33', 'IPv4 CIDR');
    refuses(cidr, '10.0.0/16', 'IPv4 CIDR');
    refuses(cidr, '10.0.0.0', 'IPv4 CIDR');
    accepts(cidr, '10.0.0.0/16');
    accepts(cidr, '0.0.0.0/0');
    accepts(cidr, '10.0.4.0/24');
  });

  it('refuses host bits set below the prefix (the API server warns and a reader misreads it)', () => {
    refuses(cidr, '10.0.0.1/16', 'the network address of 10.0.0.1/16 is 10.0.0.0');
  });
});

describe('cron schedules (robfig/cron v3 standard parser)', () => {
  it('refuses fields out of range', () => {
    refuses(cronSchedule, '99 99 99 99 99', 'cron');
    refuses(cronSchedule, '60 * * * *', 'cron');
    refuses(cronSchedule, '0 24 * * *', 'cron');
    refuses(cronSchedule, '0 0 32 * *', 'cron');
    refuses(cronSchedule, '0 0 * 13 *', 'cron');
    refuses(cronSchedule, '0 0 * * 8', 'cron');
    // robfig's day-of-week is 0-6 (Sunday is 0 or SUN); Vixie cron and cron-parser also take 7
    refuses(cronSchedule, '0 0 * * 7', 'day-of-week');
    refuses(cronSchedule, '0 0 * * 5-7', 'day-of-week');
  });

  it('refuses a seconds field and the Quartz extensions robfig does not parse', () => {
    refuses(cronSchedule, '0 0 2 * * *', 'five fields');
    refuses(cronSchedule, '0 2 L * *', 'cron');
    refuses(cronSchedule, '0 2 * * 1#2', 'cron');
    refuses(cronSchedule, '@reboot', 'cron');
  });

  it('accepts the standard forms and descriptors', () => {
    for (const s of ['0 2 * * *', '*/15 * * * *', '0 0 1,15 * MON-FRI', '0 22 * * 5', '30 4 ? * SUN', '@daily', '@hourly', '@every 1h30m', '0 0 * * 0', '0 0 * * 1-6/2', '0 0 * JAN,jul *']) accepts(cronSchedule, s);
  });
});

describe('Kubernetes label keys', () => {
  it('refuses a key with spaces or punctuation, an overlong name and a bad prefix', () => {
    refuses(labelKey, 'bad key!', 'label key');
    refuses(labelKey, `${'a'.repeat(64)}`, 'label key');
    refuses(labelKey, 'Example.com/tier', 'label key');
    refuses(labelKey, 'example.com/', 'label key');
    refuses(labelKey, '-tier', 'label key');
    accepts(labelKey, 'eks.amazonaws.com/capacityType');
    accepts(labelKey, 'node_role.x-1');
    accepts(labelKey, `${'a'.repeat(63)}`);
  });

  it('checks the keys and values of a node selector', () => {
    refuses(nodeSelector, { 'bad key!': 'x' }, 'label key');
    refuses(nodeSelector, { tier: 'not ok' }, 'label value');
    refuses(nodeSelector, {}, 'at least one');
    accepts(nodeSelector, { 'eks.amazonaws.com/capacityType': 'SPOT' });
  });
});

describe('S3 bucket names (AWS general purpose bucket naming rules)', () => {
  it('refuses what AWS refuses', () => {
    for (const bad of ['a..b', 'ab', 'a'.repeat(64), 'Upper-case', '-leading', 'trailing-', '192.168.5.4', 'xn--bucket', 'sthree-bucket', 'amzn-s3-demo-bucket', 'bucket-s3alias', 'bucket--ol-s3', 'bucket.mrap', 'bucket--x-s3', 'bucket--table-s3', 'a_b']) {
      refuses(s3BucketName, bad, 'S3 bucket name');
    }
    accepts(s3BucketName, 'kiteclass-production-uploads');
    accepts(s3BucketName, 'abc');
    accepts(s3BucketName, 'my.bucket.name');
  });
});

describe('image tags', () => {
  it('refuses latest in any case, and what the OCI tag grammar refuses', () => {
    refuses(imageTag, 'LATEST', 'must be pinned');
    refuses(imageTag, 'Latest', 'must be pinned');
    refuses(imageTag, '.hidden', 'OCI image tag');
    refuses(imageTag, 'a'.repeat(129), 'OCI image tag');
    accepts(imageTag, 'v1.2.3_rc-1');
    accepts(imageTag, '_underscore');
  });
});

describe('cluster servers', () => {
  const env = (...servers: string[]) => ({
    name: 'production', awsAccountId: '111122223333', awsRegion: 'ap-southeast-1',
    clusters: servers.map((server, i) => ({
      name: `production-${i}`, server, accountId: '111122223333', region: 'ap-southeast-1', kubernetesVersion: '1.32',
      network: { vpcId: 'vpc-0123456789abcdef0', vpcCidr: '10.0.0.0/16', loadBalancerSubnets: ['10.0.1.0/24'] },
    })),
    systems: {},
  });

  it('refuses two spellings of one server: a trailing slash or a different case', () => {
    refuses(EnvironmentSchema, env('https://a.example.com', 'https://a.example.com/'), 'https://a.example.com/ is the same server as clusters[0] (https://a.example.com)');
    refuses(EnvironmentSchema, env('https://a.example.com', 'HTTPS://A.Example.COM'), 'the same server as clusters[0]');
    refuses(EnvironmentSchema, env('https://a.example.com:443', 'https://a.example.com'), 'the same server as clusters[0]');
  });

  it('accepts different servers', () => {
    accepts(EnvironmentSchema, env('https://a.example.com', 'https://b.example.com'));
  });
});

describe('quantities written as YAML numbers', () => {
  it('are accepted, as the API server accepts a number for a resource.Quantity, and become its canonical string', () => {
    expect(cpuQuantity.parse(0.25)).toBe('250m');
    expect(cpuQuantity.parse(1)).toBe('1');
    expect(cpuQuantity.parse(1.5)).toBe('1500m');
    expect(memoryQuantity.parse(512)).toBe('512');
    expect(cpuQuantity.parse('250m')).toBe('250m');
  });

  it('compare by value against string quantities', () => {
    const r = ResourcesSchema.safeParse({ requests: { cpu: 0.5, memory: '256Mi' }, limits: { cpu: '250m', memory: 536870912 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['limits.cpu: must not be below requests.cpu (500m)']);
  });

  it('are refused with a hint that is true when they cannot be a quantity', () => {
    refuses(cpuQuantity, -1, 'must not be negative');
    refuses(cpuQuantity, 0.0001, 'finer than 1m');
    refuses(cpuQuantity, Infinity, 'must be a Kubernetes CPU quantity such as 250m or 1');
    refuses(cpuQuantity, '250 m', 'such as 250m or 1');
  });

  it('reach the values of a file, with the number read from YAML', () => {
    const Schema = z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity });
    expect(parseValues('cpu: 0.25\nmemory: 512\n', 'x.yaml', Schema)).toEqual({ cpu: '250m', memory: '512' });
    expect(() => parseValues('cpu: -0.5\nmemory: 512\n', 'x.yaml', Schema)).toThrow(ValuesError);
    expect(() => parseValues('cpu: -0.5\nmemory: 512\n', 'x.yaml', Schema)).toThrow('x.yaml:1:6: cpu: must not be negative');
  });
});
