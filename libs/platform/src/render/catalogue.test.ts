/**
 * The catalogue reads systems and services from their source's syntax tree (what Nx's plugin
 * infers projects from), and refuses what it cannot read with the file, line and column.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLoaded, findServiceProjects, findSystems, serviceDistFolders } from './catalogue';

const SYSTEM = `import { defineSystem } from '@gitops/platform';
/** The shop. */
export const shop = defineSystem({ name: 'shop', environments: ['staging', 'production'], values: schema, namespace: (v) => v.namespace });
`;
const service = (body: string) => `import { defineService } from '@gitops/platform';
import { shop } from '@gitops/shop-system';
// a comment before it
export default defineService({
  system: shop,
  ${body}
  render() {},
});
`;

let roots: string[] = [];
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'catalogue-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

describe('the catalogue', () => {
  it('finds systems and their services, with the environments each renders in', () => {
    const root = tree({
      'libs/shop/system/src/index.ts': "export * from './system';\n",
      'libs/shop/system/src/system.ts': SYSTEM,
      'libs/shop/api/src/index.ts': service("name: 'api',"),
      'libs/shop/reports/src/index.ts': service("name: 'reports',\n  environments: ['staging'],"),
      'libs/shop/shared-code/src/index.ts': 'export const x = 1;\n', // a library, not a service
    });
    expect(findSystems(root)).toEqual([{ name: 'shop', root: 'libs/shop/system', environments: ['staging', 'production'], library: { import: '@gitops/shop-system', export: 'shop' } }]);
    const services = findServiceProjects(root);
    expect(services).toEqual([
      { name: 'api', root: 'libs/shop/api', system: 'shop', environments: ['staging', 'production'] },
      { name: 'reports', root: 'libs/shop/reports', system: 'shop', environments: ['staging'] },
    ]);
    expect(serviceDistFolders(services[1])).toEqual(['dist/staging/shop/reports']);
  });

  it.each([
    ['a name that is not a literal', 'name: NAME,', /^libs\/shop\/api\/src\/index\.ts:6:9: 'name' must be a string literal/],
    ['a name other than its folder', "name: 'payments',", /^libs\/shop\/api\/src\/index\.ts:4:16: defineService's name 'payments' must equal its folder libs\/shop\/api$/],
    ['environments that are not a list of strings', "name: 'api',\n  environments: ENVS,", /^libs\/shop\/api\/src\/index\.ts:7:17: 'environments' must be a list of string literals/],
    ['an unknown environment', "name: 'api',\n  environments: ['qa'],", /^libs\/shop\/api\/src\/index\.ts:7:17: unknown environment 'qa'/],
  ])('refuses %s, naming file, line and column', (_, body, message) => {
    const root = tree({ 'libs/shop/system/src/index.ts': SYSTEM, 'libs/shop/api/src/index.ts': service(body) });
    expect(() => findServiceProjects(root)).toThrow(message);
  });

  it('refuses a service without its system library', () => {
    const root = tree({ 'libs/shop/api/src/index.ts': service("name: 'api',") });
    expect(() => findServiceProjects(root)).toThrow("libs/shop/api/src/index.ts: a service under libs/shop/ needs its system: libs/shop/system calling defineSystem({ name: 'shop', ... })");
  });

  it('refuses a system whose name is not its folder', () => {
    const root = tree({ 'libs/store/system/src/index.ts': SYSTEM });
    expect(() => findSystems(root)).toThrow(/^libs\/store\/system\/src\/index\.ts:3:21: defineSystem's name 'shop' must equal its folder libs\/store$/);
  });

  it('checks that the running code says what it read', () => {
    const project = { name: 'api', root: 'libs/shop/api', system: 'shop', environments: ['staging'] as const };
    const system = { name: 'shop', environments: ['staging', 'production'] } as never;
    const render = () => undefined;
    expect(() => checkLoaded('f.ts', project, { name: 'api', system, render } as never)).toThrow("f.ts: service api runs in staging, production but its source reads as staging; write 'environments' as a list of strings");
    expect(() => checkLoaded('f.ts', project, undefined)).toThrow('f.ts: must default-export defineService({...})');
    expect(checkLoaded('f.ts', project, { name: 'api', system, environments: ['staging'], render } as never).name).toBe('api');
  });
});
