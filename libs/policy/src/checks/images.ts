/**
 * `image-source`: every image a rendered object runs is pulled from a registry and repository
 * still served (libs/policy/src/data/refused-images.ts) and pinned by tag or digest:
 * - the containers and init containers of every workload in dist/;
 * - the images an add-on Application's Helm values set (`spec.source.helm.valuesObject`): an
 *   `image:` string (velero's plugin init container), or a map with `repository` (plus
 *   `registry`, `tag`, `digest`, as the charts split them). A map without a tag takes the chart's
 *   own default tag, which the pinned chart version fixes, so only its source is checked.
 * In dist/production the pin of a workload's image is production-pinned-image's (reported once).
 * The charts' default images that the values do not set are checked for their source too, from
 * the chart version's values.yaml (../shared/addons), except those of a component the values
 * switch off (libs/policy/src/data/chart-values.ts OPTIONAL_IMAGES: velero's kubectl hook).
 */
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';
import type { Manifest } from '../manifests';
import { refusedSourceOf, unpinnedReason } from '../data/refused-images';
import { CHART_INDEX } from '../data/chart-index';
import { OPTIONAL_IMAGES } from '../data/chart-values';
import { chartDefaults, coalesce, type ChartFilesLoader } from './addon-values';

/**
 * @param load the add-on charts' files (../shared/addons), to check the images of their default
 * values too @default - none: only the images the values set
 */
export function checkImages(ctx: PolicyContext, load?: ChartFilesLoader): Violation[] {
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
    // the chart's own default images, where the values leave them and the component runs: their
    // source only (a default tag is usually empty, meaning the chart's appVersion)
    const chart = load ? chartOf(m, load) : undefined;
    if (!chart) continue;
    const given = values && typeof values === 'object' ? values : {};
    const effective = coalesce(chart.defaults, given);
    walk(chart.defaults, '', (where, image) => {
      const path = where.replace(/^\./, '').replace(/\.repository$/, '');
      if (lookup(given, path) !== undefined || lookup(given, where.replace(/^\./, '')) !== undefined) return;
      const optional = OPTIONAL_IMAGES.find((o) => o.addon === chart.addon && o.path === path);
      if (optional && !optional.enabledBy.some((p) => Boolean(lookup(effective, p)))) return;
      const refused = refusedSourceOf(image);
      if (refused) out.push(violation(m, 'image-source', `${chart.addon} ${chart.version}: the chart's default ${where.replace(/^\./, '')} ${image} (not set by the valuesObject) is no longer served: ${refused.reason} (${refused.source}); set another image, or switch off the component that runs it`));
    });
  }
  return out;
}

/** The chart version an Application renders, and its default values (Istio's hidden defaults merged). */
function chartOf(m: Manifest, load: ChartFilesLoader): { addon: string; version: string; defaults: Record<string, unknown> } | undefined {
  const source = m.object.spec?.source;
  const record = CHART_INDEX.find((r) => r.repoURL === source?.repoURL && r.chart === source?.chart && r.version === String(source?.targetRevision));
  const files = record?.sharedValues?.version === record?.version && record?.sharedValues ? load(record.sharedValues.dir) : undefined;
  return record && files ? { addon: record.addon, version: record.version, defaults: chartDefaults(files) } : undefined;
}

const lookup = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined), o);

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
