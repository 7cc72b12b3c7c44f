/** DESIGN.md principle 6: what production objects must also be. */
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';
import { matches } from '../selectors';
import { unpinnedReason } from '../data/refused-images';

export function checkProduction(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  const prod = (file: string) => /^dist\/production\//.test(file);

  for (const w of ctx.workloads.filter((w) => prod(w.manifest.file))) {
    const o = w.object;
    if (o.kind === 'Deployment' || o.kind === 'StatefulSet') {
      const hpa = ctx.ofKind('HorizontalPodAutoscaler', w.namespace).find(
        (h) => h.object.spec?.scaleTargetRef?.kind === o.kind && h.object.spec?.scaleTargetRef?.name === o.metadata.name,
      );
      const count = hpa ? hpa.object.spec.minReplicas ?? 1 : o.spec?.replicas ?? 1;
      if (count < 2) {
        out.push(violation(w.manifest, 'production-replicas', hpa
          ? `HPA ${hpa.object.metadata.name} has minReplicas ${count}; production needs at least 2`
          : `spec.replicas is ${o.spec?.replicas ?? 'unset (1)'}; production needs at least 2`));
      }
      const pdb = ctx.ofKind('PodDisruptionBudget', w.namespace).some((p) => matches(p.object.spec?.selector, w.podLabels));
      if (!pdb) out.push(violation(w.manifest, 'production-pdb', 'no PodDisruptionBudget selects its pods'));
    }
    for (const { c, path } of w.containers) {
      if (!pinned(c.image)) {
        out.push(violation(w.manifest, 'production-pinned-image', `${path}.image ${c.image}: pin a tag or digest (not latest)`));
      }
    }
  }

  for (const m of ctx.ofKind('Ingress').filter((m) => prod(m.file))) {
    const a = m.object.metadata.annotations ?? {};
    const tls = (m.object.spec?.tls ?? []).length > 0;
    const albTls = Boolean(a['alb.ingress.kubernetes.io/certificate-arn']) && /HTTPS/.test(a['alb.ingress.kubernetes.io/listen-ports'] ?? '');
    if (!tls && !albTls) {
      out.push(violation(m, 'production-ingress-tls', 'no TLS: set spec.tls (with a certificate) or, for an ALB, certificate-arn and an HTTPS listen port'));
    }
  }
  return out;
}

function pinned(image: string | undefined): boolean {
  return image !== undefined && unpinnedReason(image) === undefined;
}
