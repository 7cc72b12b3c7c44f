/**
 * `production-real-host` (issue 22 major 10): in dist/production, the host names clients use are
 * real domains. RFC 2606 reserves `example.com`, `example.net`, `example.org` (and their
 * subdomains) and the TLDs `.test`, `.example`, `.invalid`, `.localhost` as names that never
 * resolve to a service (RFC 6761 §6 for their DNS behaviour): a production Ingress, TLS host or
 * `ALLOWED_HOSTS` naming one serves nobody, and cert-manager or ACM never validates it. A
 * placeholder kept by decision is waived on the object, with the reason, and so listed by validate.
 *
 * Hosts are read where clients' names are configured: Ingress `spec.rules[].host` and
 * `spec.tls[].hosts[]`, Istio VirtualService and Gateway `hosts`, and ConfigMap data and literal
 * container env values whose key names hosts or domains (`*_HOST`, `*_HOSTS`, `*_DOMAIN(S)`,
 * comma or space separated).
 */
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';
import type { Manifest } from '../manifests';

const RESERVED_DOMAINS = ['example.com', 'example.net', 'example.org'];
const RESERVED_TLDS = ['test', 'example', 'invalid', 'localhost'];
const HOST_KEY = /(^|_)(HOSTS?|DOMAINS?)$/i;

/** Why `host` is a placeholder (RFC 2606), or undefined for a real name. */
export function placeholderHost(host: string): string | undefined {
  const h = host.trim().toLowerCase().replace(/^\*\./, '').replace(/\.$/, '');
  const domain = RESERVED_DOMAINS.find((d) => h === d || h.endsWith(`.${d}`));
  if (domain) return `${domain} is reserved for documentation (RFC 2606 §3)`;
  const tld = RESERVED_TLDS.find((t) => h === t || h.endsWith(`.${t}`));
  if (tld) return `.${tld} is a reserved top-level domain (RFC 2606 §2)`;
  return undefined;
}

export function checkHosts(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const m of ctx.manifests) {
    if (m.env !== 'production') continue;
    for (const { where, host } of hostsOf(m)) {
      const why = placeholderHost(host);
      if (why) out.push(violation(m, 'production-real-host', `${where}: ${host} is a placeholder: ${why}; give the real host, or waive with the decision's reason`));
    }
  }
  return out;
}

function hostsOf(m: Manifest): { where: string; host: string }[] {
  const o = m.object;
  const out: { where: string; host: string }[] = [];
  const words = (where: string, value: unknown) => {
    if (typeof value !== 'string') return;
    for (const host of value.split(/[\s,]+/).filter((w) => /^[a-z0-9*.-]+$/i.test(w) && w.includes('.'))) out.push({ where, host });
  };
  if (o.kind === 'Ingress') {
    (o.spec?.rules ?? []).forEach((r: any, i: number) => words(`spec.rules[${i}].host`, r?.host));
    (o.spec?.tls ?? []).forEach((t: any, i: number) => (t?.hosts ?? []).forEach((h: any, j: number) => words(`spec.tls[${i}].hosts[${j}]`, h)));
  }
  if ((o.kind === 'VirtualService' || o.kind === 'Gateway') && o.apiVersion.startsWith('networking.istio.io/')) {
    const hosts: unknown[] = o.kind === 'VirtualService' ? o.spec?.hosts ?? [] : (o.spec?.servers ?? []).flatMap((s: any) => s?.hosts ?? []);
    hosts.forEach((h, i) => words(`hosts[${i}]`, h));
  }
  if (o.kind === 'ConfigMap') {
    for (const [key, value] of Object.entries(o.data ?? {})) if (HOST_KEY.test(key)) words(`data.${key}`, value);
  }
  const template = o.kind === 'Pod' ? o : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
  for (const c of [...(template?.spec?.initContainers ?? []), ...(template?.spec?.containers ?? [])]) {
    for (const e of c?.env ?? []) if (HOST_KEY.test(e?.name ?? '')) words(`container ${c.name} env ${e.name}`, e.value);
  }
  return out;
}
