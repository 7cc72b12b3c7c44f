/**
 * `addon-chart-published`: every pinned add-on chart version has a record that its chart
 * repository published it (libs/policy/src/data/chart-index.ts): a version the index does not
 * list never syncs, and nothing before the sync says so.
 */
import type { EnvironmentAddons } from '../addon-pins';
import type { Violation } from '../context';
import { CHART_INDEX, type ChartIndexRecord } from '../data/chart-index';

const RECORDS_FILE = 'libs/policy/src/data/chart-index.ts';

export function checkChartPins(envs: readonly EnvironmentAddons[], records: readonly ChartIndexRecord[] = CHART_INDEX): Violation[] {
  const out: Violation[] = [];
  for (const { env, file, addons } of envs) {
    for (const [addon, version] of Object.entries(addons).sort(([a], [b]) => a.localeCompare(b))) {
      if (records.some((r) => r.addon === addon && r.version === version)) continue;
      const known = records.filter((r) => r.addon === addon);
      const where = known.length > 0 ? `${known[0].repoURL} (chart ${known[0].chart})` : 'its chart repository';
      const recorded = known.length > 0 ? `; recorded versions: ${known.map((r) => r.version).join(', ')}` : '';
      out.push({
        rule: 'addon-chart-published', file, kind: 'add-on', name: addon,
        message: `${addon} ${version} (environment ${env}): no record that ${where} published this version${recorded}; check the repository's index.yaml and add its record to ${RECORDS_FILE}, or pin a published version`,
      });
    }
  }
  return out;
}
