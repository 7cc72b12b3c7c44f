/**
 * The packages Nx target inputs name (`externalDependencies`, in nx.json and the projects'
 * project.json) are installed packages of the lockfile, where Nx's project graph finds them: Nx
 * refuses the whole run otherwise ("The externalDependency 'cron-parser' for 'sample-app:validate'
 * could not be found", when cron-parser left package.json but not nx.json), which fails
 * `nx affected -t synth validate test` in CI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';

const read = (file: string) => JSON.parse(readFileSync(join(WORKSPACE_ROOT, file), 'utf8')) as Record<string, unknown>;

/** Every `externalDependencies` entry anywhere in a JSON value, with where it is. */
function externalDependencies(value: unknown, at: string): { at: string; name: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => externalDependencies(v, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === 'externalDependencies' && Array.isArray(v) ? v.map((name) => ({ at, name: String(name) })) : externalDependencies(v, `${at}.${key}`),
  );
}

describe('Nx inputs', () => {
  it('name only packages that package-lock.json installs', () => {
    const lock = read('package-lock.json') as { packages: Record<string, unknown> };
    const declared = new Set(Object.keys(lock.packages).filter((p) => p.startsWith('node_modules/')).map((p) => p.slice('node_modules/'.length)));
    const files = ['nx.json', ...globSync(['{apps,libs,tools}/**/project.json'], { cwd: WORKSPACE_ROOT, ignore: ['**/node_modules/**'] }).sort()];
    const named = files.flatMap((file) => externalDependencies(read(file), file));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((d) => !declared.has(d.name)).map((d) => `${d.at}: ${d.name}`)).toEqual([]);
  });
});
