import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineService, defineSystem, imageTag, loadValues, systemValuesFile, type EnvironmentName } from '@gitops/platform';
import { loadServices } from '@gitops/platform/render';
import { scratchWorkspace, WORKSPACE_ROOT } from '@gitops/platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadSystems, promote, setImage } from './release';
import { declaredTagPaths, tagPaths, valueAt } from './tag-paths';
import { formatChange } from './values-edit';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = scratchWorkspace()));
afterEach(() => cleanup());

/** The current value at a dotted path of a system's values file, read through its schema. */
async function valueIn(system: string, env: EnvironmentName, dotted: string): Promise<string> {
  const sys = (await loadSystems(root)).get(system)!;
  return valueAt(loadValues(systemValuesFile(root, env, system), sys.schema, root), dotted.split('.')) as string;
}

/** The lines that differ between two texts with the same number of lines. */
function changedLines(before: string, after: string): [string, string][] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i]] as [string, string]]));
}

describe('services declare where their image tags are (imageTags)', () => {
  it.each([
    ['sample-app', 'eks-demo', 'sampleApp.tag'],
    ['django-app', 'django', 'app.tag'],
  ])('set-image sets the tag of %s (values of %s at %s), one line', async (service, system, dotted) => {
    const file = `environments/production/${system}.yaml`;
    const before = readFileSync(join(root, file), 'utf8');
    const from = await valueIn(system, 'production', dotted);
    const result = await setImage({ root, env: 'production', service, tag: 'fixture-7d3c' });
    expect(result.changes.map(formatChange)).toEqual([`${file}: ${dotted} ${from} -> fixture-7d3c`]);
    const after = readFileSync(join(root, file), 'utf8');
    expect(changedLines(before, after)).toHaveLength(1);
    expect(await valueIn(system, 'production', dotted)).toBe('fixture-7d3c');
  });

  it('promote --service copies the tag of sample-app from staging to production', async () => {
    // GIVEN production runs a tag of this test's own, staging whatever its file says
    await setImage({ root, env: 'production', service: 'sample-app', tag: 'fixture-prod-1' });
    const staging = await valueIn('eks-demo', 'staging', 'sampleApp.tag');
    // WHEN
    const result = await promote({ root, system: 'eks-demo', service: 'sample-app', from: 'staging', to: 'production' });
    // THEN
    expect(result.changes.map(formatChange)).toEqual([`environments/production/eks-demo.yaml: sampleApp.tag fixture-prod-1 -> ${staging}`]);
    expect(await valueIn('eks-demo', 'production', 'sampleApp.tag')).toBe(staging);
  });

  it('every image tag of every values file belongs to exactly one service, and every service with an image declares it', async () => {
    const loaded = await loadServices(WORKSPACE_ROOT);
    const owners = new Map<string, string[]>();
    for (const { project, service } of loaded) {
      for (const path of declaredTagPaths(service, `${project.root}/src/index.ts`)) {
        const key = `${service.system.name}:${path.join('.')}`;
        owners.set(key, [...(owners.get(key) ?? []), service.name]);
      }
    }
    const systems = new Map(loaded.map(({ service }) => [service.system.name, service.system]));
    const problems: string[] = [];
    for (const sys of systems.values()) {
      for (const env of sys.environments) {
        const values = loadValues(systemValuesFile(WORKSPACE_ROOT, env, sys.name), sys.values, WORKSPACE_ROOT);
        for (const path of tagPaths(sys.values, values)) {
          const who = owners.get(`${sys.name}:${path.join('.')}`) ?? [];
          if (who.length !== 1) problems.push(`${env}/${sys.name}.yaml ${path.join('.')}: declared by ${who.length} services (${who.join(', ')})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  describe('a declaration is checked against the system schema, naming the service file', () => {
    const system = defineSystem({
      name: 'fixture',
      environments: ['staging'],
      values: z.strictObject({ app: z.strictObject({ tag: imageTag, note: z.string() }), jobs: z.record(z.string(), z.strictObject({ tag: imageTag })) }),
      namespace: () => 'fixture',
    });
    const service = (imageTags: string[]) => defineService({ system, name: 'api', imageTags, render: () => undefined });
    const FILE = 'libs/fixture/api/src/index.ts';

    it('accepts imageTag fields, records by any key', () => {
      expect(declaredTagPaths(service(['app.tag', 'jobs.migrate.tag']), FILE)).toEqual([['app', 'tag'], ['jobs', 'migrate', 'tag']]);
      expect(declaredTagPaths(defineService({ system, name: 'none', render: () => undefined }), FILE)).toEqual([]);
    });

    it.each([['app.note'], ['app.tagg'], ['app'], ['jobs..tag']])('refuses %s', (dotted) => {
      expect(() => declaredTagPaths(service([dotted]), FILE)).toThrow(
        `${FILE}: imageTags: '${dotted}' is not an image tag field of the fixture values schema (its image tag fields: app.tag, jobs.*.tag)`,
      );
    });

    it('refuses a path listed twice', () => {
      expect(() => declaredTagPaths(service(['app.tag', 'app.tag']), FILE)).toThrow(`${FILE}: imageTags: 'app.tag' is listed twice`);
    });
  });
});
