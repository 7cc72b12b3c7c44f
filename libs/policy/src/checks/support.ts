/**
 * `support-window`: each pinned add-on version and each cluster's Kubernetes version against its
 * upstream end of support (libs/policy/src/data/support-dates.ts), on a given day:
 * - past the end: a violation, unless `supportWaivers.<add-on>` in the environment's
 *   cluster-addons.yaml excuses that exact version and has not expired (then it is listed as
 *   waived, with its reason and expiry, in every validate run);
 * - within SUPPORT_WARNING_DAYS of the end, in EKS extended support, or with no published end:
 *   a warning;
 * - a version with no record at all: a violation (its support was never looked up).
 * Kubernetes versions have no waiver: after extended support EKS upgrades the cluster itself.
 */
import type { Environment } from '@gitops/platform';
import type { EnvironmentAddons } from '../addon-pins';
import type { Violation } from '../context';
import { ADDON_SUPPORT, KUBERNETES_SUPPORT, SUPPORT_WARNING_DAYS, type AddonSupportRecord, type KubernetesSupportRecord } from '../data/support-dates';

const RECORDS_FILE = 'libs/policy/src/data/support-dates.ts';

export interface SupportFindings {
  violations: Violation[];
  warnings: Violation[];
  waived: (Violation & { reason: string })[];
}

export interface SupportData {
  readonly addons: readonly AddonSupportRecord[];
  readonly kubernetes: readonly KubernetesSupportRecord[];
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * @param on the day support is judged at (YYYY-MM-DD)
 * @param fleet each environment's clusters, for their Kubernetes versions
 */
export function checkSupport(envs: readonly EnvironmentAddons[], fleet: ReadonlyMap<string, Environment>, on: string, data: SupportData = { addons: ADDON_SUPPORT, kubernetes: KUBERNETES_SUPPORT }): SupportFindings {
  const found: SupportFindings = { violations: [], warnings: [], waived: [] };
  for (const { env, file, addons, waivers } of envs) {
    for (const [addon, version] of Object.entries(addons).sort(([a], [b]) => a.localeCompare(b))) {
      const at = (message: string): Violation => ({ rule: 'support-window', file, kind: 'add-on', name: addon, message: `${addon} ${version} (environment ${env}): ${message}` });
      const record = data.addons.find((r) => r.addon === addon && r.version === version);
      if (!record) {
        found.violations.push(at(`no support record; read its upstream support page and add the end of support (or the policy, where none is published) to ${RECORDS_FILE}`));
        continue;
      }
      if (!record.endOfSupport) {
        found.warnings.push(at(`${record.release}: upstream publishes no end-of-support date (${record.policy}; ${record.source})`));
        continue;
      }
      const left = daysBetween(on, record.endOfSupport);
      if (left >= 0) {
        if (left <= SUPPORT_WARNING_DAYS) found.warnings.push(at(`${record.release} reaches its end of support on ${record.endOfSupport}, in ${left} days (${record.source}): upgrade before then`));
        continue;
      }
      const past = at(`${record.release} is past its end of support since ${record.endOfSupport} (${record.policy}; ${record.source})`);
      const waiver = waivers[addon];
      if (waiver && waiver.version === version && daysBetween(on, waiver.expires) >= 0) {
        found.waived.push({ ...past, reason: `${waiver.reason} (decided by ${waiver.decidedBy} on ${waiver.recorded}; expires ${waiver.expires}, in ${daysBetween(on, waiver.expires)} days)` });
        continue;
      }
      const why = !waiver ? 'upgrade it, or record a dated, reasoned exception with an expiry under supportWaivers.' + addon + ' in ' + file
        : waiver.version !== version ? `the waiver in ${file} is for version ${waiver.version}, not ${version}`
          : `the waiver in ${file} expired on ${waiver.expires}`;
      found.violations.push({ ...past, message: `${past.message}: ${why}` });
    }
    // a waiver that excuses nothing pinned misleads a reader: said, not failed
    for (const [addon, waiver] of Object.entries(waivers)) {
      if (addons[addon] !== waiver.version) {
        found.warnings.push({ rule: 'support-window', file, kind: 'add-on', name: addon, message: `supportWaivers.${addon} is for version ${waiver.version}, but ${addons[addon] ? `${addons[addon]} is pinned` : 'the add-on is not pinned'}: remove it` });
      }
    }
  }
  for (const [env, environment] of [...fleet].sort(([a], [b]) => a.localeCompare(b))) {
    const file = `environments/${env}/environment.yaml`;
    // one finding per version and environment, naming its clusters
    for (const version of [...new Set(environment.clusters.map((c) => c.kubernetesVersion))].sort()) {
      const clusters = environment.clusters.filter((c) => c.kubernetesVersion === version).map((c) => c.name);
      const at = (message: string): Violation => ({ rule: 'support-window', file, kind: 'clusters', name: clusters.join(', '), message: `Kubernetes ${version} (environment ${env}): ${message}` });
      const record = data.kubernetes.find((r) => r.version === version);
      if (!record) {
        found.violations.push(at(`no support record; add its EKS end of standard and extended support to ${RECORDS_FILE}`));
        continue;
      }
      const left = daysBetween(on, record.endOfSupport);
      if (left < 0) found.violations.push(at(`past the end of EKS extended support since ${record.endOfSupport} (${record.source}): EKS upgrades the clusters itself; upgrade them first`));
      else if (left <= SUPPORT_WARNING_DAYS) found.warnings.push(at(`EKS extended support ends on ${record.endOfSupport}, in ${left} days (${record.source}): upgrade before then`));
      else if (daysBetween(on, record.standardSupportEnds) < 0) found.warnings.push(at(`in EKS extended support (extra cost per cluster hour) since ${record.standardSupportEnds}; it ends on ${record.endOfSupport}, in ${left} days (${record.source})`));
    }
  }
  return found;
}
