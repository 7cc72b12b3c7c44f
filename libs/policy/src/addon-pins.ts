/**
 * The add-on pins of each environment (`environments/<env>/cluster-addons.yaml`: `addons:` and
 * `supportWaivers:`), as the chart-index and support-window checks read them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENTS, SupportWaiversSchema, type SupportWaiver } from '@gitops/platform';

export interface EnvironmentAddons {
  readonly env: string;
  /** The values file, relative to the root. */
  readonly file: string;
  /** Add-on -> exact chart version. */
  readonly addons: Readonly<Record<string, string>>;
  /** Add-on -> the recorded exception to the support window. */
  readonly waivers: Readonly<Record<string, SupportWaiver>>;
}

/** Every environment's pins; an environment without the file pins nothing. */
export function loadEnvironmentAddons(root: string): EnvironmentAddons[] {
  return ENVIRONMENTS.map((env) => `environments/${env}/cluster-addons.yaml`).filter((file) => existsSync(join(root, file))).map((file) => {
    const data = (parse(readFileSync(join(root, file), 'utf8')) ?? {}) as { addons?: Record<string, unknown>; supportWaivers?: unknown };
    const waivers = SupportWaiversSchema.safeParse(data.supportWaivers ?? {});
    if (!waivers.success) {
      const issue = waivers.error.issues[0];
      throw new Error(`${file}: supportWaivers.${issue.path.join('.')}: ${issue.message}`);
    }
    const addons = Object.fromEntries(Object.entries(data.addons ?? {}).map(([name, version]) => [name, String(version)]));
    return { env: file.split('/')[1], file, addons, waivers: waivers.data };
  });
}
