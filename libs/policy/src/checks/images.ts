/**
 * `image-source`: every image a rendered object runs is pulled from a registry and repository
 * still served (libs/policy/src/data/refused-images.ts) and pinned by tag or digest:
 * - the containers and init containers of every workload in dist/;
 * - the images an add-on Application's Helm values set (`spec.source.helm.valuesObject`): an
 *   `image:` string (velero's plugin init container), or a map with `repository` (plus
 *   `registry`, `tag`, `digest`, as the charts split them). A map without a tag takes the chart's
 *   own default tag, which the pinned chart version fixes, so only its source is checked.
 * In dist/production the pin of a workload's image is production-pinned-image's (reported once).
 * The charts' default images that the values do not touch are the chart version's (see the
 * chart index); a component they switch off (velero's kubectl hook) never runs its image.
 */
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';
import type { Manifest } from '../manifests';
import { refusedSourceOf, unpinnedReason } from '../data/refused-images';

export function checkImages(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  const check = (m: Manifest, where: string, image: string, mustPin: boolean) => {
    const refused = refusedSourceOf(image);
    if (refused) out.push(violation(m, 'image-source', `${where} ${image}: ${refused.registry}/${refused.repository ?? ''}* is no longer served: ${refused.reason} (${refused.source})`));
    const unpinned = mustPin ? unpinnedReason(image) : undefined;
    if (unpinned) out.push(violation(m, 'image-source', `${where} ${image} ${unpinned}: pin a tag or digest`));
  };
  for (const w of ctx.workloads) {
    // in production the pin is production-pinned-image's to report (checks/production.ts): once is enough
    const mustPin = !/^dist\/production\//.test(w.manifest.file);
    for (const { c, path } of w.containers) {
      if (typeof c?.image === 'string') check(w.manifest, `${path}.image`, c.image, mustPin);
      else out.push(violation(w.manifest, 'image-source', `${path}: no image`));
    }
  }
  for (const m of ctx.ofKind('Application')) {
    const values = m.object.spec?.source?.helm?.valuesObject;
    if (values && typeof values === 'object') walk(values, 'spec.source.helm.valuesObject', (where, image, pinned) => check(m, where, image, pinned));
  }
  return out;
}

/** Calls `found` for each image in Helm values: `image: <ref>` strings and `repository` maps. */
function walk(node: unknown, path: string, found: (where: string, image: string, mustPin: boolean) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, `${path}[${i}]`, found));
    return;
  }
  if (!node || typeof node !== 'object') return;
  const map = node as Record<string, unknown>;
  if (typeof map.repository === 'string' && map.repository !== '') {
    const registry = typeof map.registry === 'string' && map.registry !== '' ? `${map.registry}/` : '';
    const tag = typeof map.tag === 'string' && map.tag !== '' ? `:${map.tag}` : '';
    const digest = typeof map.digest === 'string' && map.digest !== '' ? `@${map.digest}` : '';
    // no tag: the chart's default tag, fixed by the pinned chart version
    found(`${path}.repository`, `${registry}${map.repository}${tag}${digest}`, tag !== '' || digest !== '');
  }
  for (const [key, value] of Object.entries(map)) {
    if (key === 'image' && typeof value === 'string') found(`${path}.image`, value, true);
    else walk(value, `${path}.${key}`, found);
  }
}
