/**
 * Values in rendered objects that the API server or a controller refuses, although kubeconform's
 * schemas type them only as strings. Each uses the platform's value type of the same name, which
 * cites its consumer:
 * - an Ingress rule or TLS host: a DNS name, never an IP (ValidateIngressRules);
 * - a NetworkPolicy ipBlock cidr and except: a CIDR (ValidateCIDR; IPv6 taken as Kubernetes does);
 * - the schedule of a CronJob and of a Velero Schedule: robfig/cron's standard syntax, which both
 *   the CronJob controller and Velero parse it with.
 */
import ipaddr from 'ipaddr.js';
import { cidr, cronSchedule, ingressHost } from '@gitops/platform';
import type { z } from 'zod';
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';
import type { Manifest } from '../manifests';

export function checkValues(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  const check = (m: Manifest, where: string, type: z.ZodType, value: unknown) => {
    if (value === undefined) return;
    const r = type.safeParse(value);
    if (!r.success) out.push(violation(m, 'valid-values', `${where} ${String(value)}: ${r.error.issues[0].message}`));
  };
  for (const m of ctx.ofKind('Ingress')) {
    (m.object.spec?.rules ?? []).forEach((r: any, i: number) => check(m, `spec.rules[${i}].host`, ingressHost, r?.host));
    (m.object.spec?.tls ?? []).forEach((t: any, i: number) => (t?.hosts ?? []).forEach((h: unknown, j: number) => check(m, `spec.tls[${i}].hosts[${j}]`, ingressHost, h)));
  }
  for (const m of ctx.ofKind('NetworkPolicy')) {
    for (const [dir, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
      (m.object.spec?.[dir] ?? []).forEach((rule: any, i: number) => (rule?.[peers] ?? []).forEach((peer: any, j: number) => {
        const where = `spec.${dir}[${i}].${peers}[${j}].ipBlock`;
        const block = peer?.ipBlock;
        if (!block) return;
        checkCidr(m, `${where}.cidr`, block.cidr);
        (block.except ?? []).forEach((e: unknown, k: number) => checkCidr(m, `${where}.except[${k}]`, e));
      }));
    }
  }
  for (const m of ctx.manifests) {
    const scheduled = (m.object.kind === 'CronJob' && /^batch\//.test(m.object.apiVersion)) || (m.object.kind === 'Schedule' && /^velero\.io\//.test(m.object.apiVersion));
    if (scheduled) check(m, 'spec.schedule', cronSchedule, m.object.spec?.schedule);
  }
  return out;

  function checkCidr(m: Manifest, where: string, value: unknown): void {
    if (typeof value === 'string' && value.includes(':')) {
      if (!ipaddr.IPv6.isValidCIDR(value)) out.push(violation(m, 'valid-values', `${where} ${value}: must be an IPv6 CIDR such as fd00::/8`));
      return;
    }
    check(m, where, cidr, value);
  }
}
