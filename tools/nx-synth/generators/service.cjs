// `nx g @gitops/nx-synth:service --name <name> --system <system> [--create-system] [--environments a,b]`
// (npm run new-service). Writes the service library, its values in every environment it runs in,
// and a test; Argo CD picks the new dist/ folder up from the layout when argocd/ is re-rendered.
// Every check runs, and every values file edit is computed, before anything is written (Nx
// flushes the tree only on success); npm run new-service rolls back everything if the render fails.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { getProjects, updateJson } = require('nx/src/devkit-exports');
const { isMap, isScalar, parse, parseDocument, stringify } = require('yaml');

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** The environments as the platform defines them (libs/platform/src/values/environment.ts ENVIRONMENTS), loaded through tsx's CommonJS API. */
let platformEnvironments;
function environments() {
  platformEnvironments ??= require('tsx/cjs/api').require(join(__dirname, '../../../libs/platform/src/values/environment.ts'), __filename).ENVIRONMENTS;
  return platformEnvironments;
}
/** Environments of a system made with --create-system when --environments is not given. */
const DEFAULT_ENVIRONMENTS = 'staging,production';

async function serviceGenerator(tree, options) {
  const { name, system } = options;
  const createSystem = Boolean(options.createSystem);
  check(DNS_LABEL.test(name) && name.length <= 63, `--name '${name}' is not a DNS-1123 label (lower-case letters, digits and -, at most 63)`);
  check(DNS_LABEL.test(system) && system.length <= 63, `--system '${system}' is not a DNS-1123 label (lower-case letters, digits and -, at most 63)`);

  const systems = findSystems(tree.root);
  const projects = getProjects(tree);
  let envs;
  let systemImport;
  if (createSystem) {
    check(!systems.has(system) && !tree.exists(`libs/${system}`), `--system '${system}' exists already; leave out --create-system to add a service to it`);
    envs = environmentList(options.environments ?? DEFAULT_ENVIRONMENTS);
    for (const env of envs) {
      check(environments().includes(env), `--environments: '${env}' is not one of ${environments().join(', ')}`);
      check(tree.exists(`environments/${env}/environment.yaml`), `--environments: environments/${env}/environment.yaml does not exist`);
    }
    check(!projects.has(`${system}-system`) && !projects.has(`${system}-shared`), `--system '${system}': projects ${system}-system or ${system}-shared exist already`);
    systemImport = { export: camel(system), import: `@gitops/${system}-system` };
  } else {
    const known = [...systems.keys()].sort().join(', ');
    const sys = systems.get(system);
    check(sys, `unknown system '${system}' (known: ${known}); pass --create-system to make a new one`);
    // Argo CD targets a cluster-scoped system's Applications at a namespace it may not put
    // namespaced objects in (apps/argocd: clusterScopedSystems), and a web service is namespaced
    const clusterScoped = parse(tree.read('environments/argocd.yaml', 'utf-8') ?? '')?.clusterScopedSystems?.[system];
    check(!clusterScoped, `system '${system}' renders only cluster-scoped objects (environments/argocd.yaml: clusterScopedSystems.${system}); a web service is namespaced, so it cannot join it. Add it to another system, or make one with --create-system`);
    // a service may import its system's library, never another service (module boundaries)
    check(sys.library, `system '${system}' has no system library exporting its defineSystem (it is defined inside a service: ${sys.services.join(', ')}); move it to libs/${system}/system first`);
    check(sys.webServices, `system '${system}': its values schema (${sys.library.root}) has no webServices field; add \`webServices: WebServicesSchema\` from @gitops/platform first`);
    systemImport = sys.library;
    if (options.environments === undefined) {
      envs = sys.environments;
    } else {
      // only environments the system runs in; the service then declares them (defineService environments)
      envs = environmentList(options.environments);
      for (const env of envs) check(sys.environments.includes(env), `--environments: system '${system}' does not run in '${env}' (it runs in: ${sys.environments.join(', ')})`);
    }
    for (const env of envs) check(tree.exists(`environments/${env}/${system}.yaml`), `environments/${env}/${system}.yaml does not exist`);
  }
  check(!projects.has(name), `--name '${name}' is taken: an Nx project of that name exists (${projects.get(name)?.root})`);
  check(!tree.exists(`libs/${system}/${name}`), `--name '${name}' is taken: libs/${system}/${name} exists`);
  for (const env of envs) check(!tree.exists(`dist/${env}/${system}/${name}`), `--name '${name}' is taken: dist/${env}/${system}/${name} exists`);
  // Argo CD names an Application <system>-<service>-<cluster>; it must stay a valid name.
  const short = name.startsWith(`${system}-`) ? name.slice(system.length + 1) : name;
  for (const cluster of envs.flatMap((env) => clusterNames(tree, env))) {
    const app = `${system}-${short}-${cluster}`;
    check(app.length <= 63, `--name '${name}' is too long: its Argo CD Application ${app} would have ${app.length} characters (at most 63)`);
  }
  // the values edits, computed (and checked) before anything is written
  const values = createSystem ? [] : envs.map((env) => {
    const file = `environments/${env}/${system}.yaml`;
    return [file, addWebService(tree.read(file, 'utf-8'), file, name, env === 'production')];
  });

  if (createSystem) writeSystem(tree, system, systemImport.export, envs);
  const ownEnvironments = !createSystem && options.environments !== undefined;
  writeService(tree, { name, system, systemImport, envs, ownEnvironments });
  if (createSystem) for (const env of envs) tree.write(`environments/${env}/${system}.yaml`, addWebService(tree.read(`environments/${env}/${system}.yaml`, 'utf-8'), `environments/${env}/${system}.yaml`, name, env === 'production'));
  // a new system runs on its environment's first cluster until someone places it elsewhere (environment.yaml systems)
  if (createSystem) for (const env of envs) tree.write(`environments/${env}/environment.yaml`, placeSystem(tree.read(`environments/${env}/environment.yaml`, 'utf-8'), system, clusterNames(tree, env)[0]));
  for (const [file, text] of values) tree.write(file, text);
};

function check(ok, message) {
  if (!ok) throw new Error(message);
}

function environmentList(text) {
  const envs = String(text).split(',').map((e) => e.trim());
  check(envs.length > 0 && envs.every(Boolean), `--environments '${text}': give environment names separated by commas, e.g. staging,production`);
  check(new Set(envs).size === envs.length, `--environments '${text}': an environment is named twice`);
  return envs;
}

/**
 * The systems as the renderer finds them (the services' defineService({ system })), by name:
 * systems.mts, run with tsx, since this CommonJS generator cannot import TypeScript.
 */
function findSystems(root) {
  let out;
  try {
    out = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'systems.mts'), root], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`cannot read the catalogue's systems: ${String(e.stderr || e.message).trim().split('\n')[0]}`);
  }
  return new Map(JSON.parse(out).map((s) => [s.name, s]));
}

/** environment.yaml with `systems.<system>: { clusters: [<cluster>] }` added, the rest of the text as it was. */
function placeSystem(text, system, cluster) {
  const doc = parseDocument(text);
  doc.setIn(['systems', system], doc.createNode({ clusters: [cluster] }, { flow: true }));
  return doc.toString();
}

function clusterNames(tree, env) {
  const text = tree.read(`environments/${env}/environment.yaml`, 'utf-8') ?? '';
  return [...text.matchAll(/^\s*- name: (\S+)/gm)].map((m) => m[1]);
}

function camel(s) {
  return s.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
}

function projectJson(root, name, tags, system, envs) {
  return {
    name,
    $schema: `../../../node_modules/nx/schemas/project-schema.json`,
    projectType: 'library',
    sourceRoot: `${root}/src`,
    tags,
    ...(envs
      ? {
          namedInputs: {
            values: [`{workspaceRoot}/environments/*/${system}.yaml`],
            rendered: [`{workspaceRoot}/dist/*/${system}/**/*`],
          },
          targets: { synth: { outputs: envs.map((env) => `{workspaceRoot}/dist/${env}/${system}/${name}`) }, validate: {}, test: {} },
        }
      : { targets: { test: {} } }),
  };
}

function writeService(tree, { name, system, systemImport, envs, ownEnvironments }) {
  const root = `libs/${system}/${name}`;
  const systemVar = systemImport.export;
  tree.write(`${root}/project.json`, JSON.stringify(projectJson(root, name, ['type:service', `scope:${system}`], system, envs), null, 2) + '\n');
  const environments = ownEnvironments ? `\n  // only these of the system's environments (npm run new-service --environments)\n  environments: ${quoteList(envs)},` : '';
  tree.write(`${root}/src/index.ts`, `import { defineService, WebService } from '@gitops/platform';
import { ${systemVar} } from '${systemImport.import}';

/**
 * ${name}: made by \`npm run new-service\`. Its values are \`webServices.${name}\` in
 * environments/<env>/${system}.yaml; the objects are the platform's WebService.
 */
export default defineService({
  system: ${systemVar},
  name: '${name}',${environments}
  // where its image tag is in the system's values, for set-image and promote
  imageTags: ['webServices.${name}.tag'],
  render(chart, ctx) {
    new WebService(chart, 'Service', { ctx, name: '${name}' });
  },
});
`);
  const production = envs.includes('production');
  tree.write(`${root}/src/${name}.test.ts`, `import { describe, expect, it } from 'vitest';
import { loadValues, systemValuesFile, type EnvironmentName } from '@gitops/platform';
import { findObject, mainContainer, renderLeaf, WORKSPACE_ROOT } from '@gitops/platform/testing';
import service from './index';

/** Its values in an environment (the tag changes with every release, so it is read, never pinned). */
const values = (env: EnvironmentName) =>
  loadValues(systemValuesFile(WORKSPACE_ROOT, env, service.system.name), service.system.values, WORKSPACE_ROOT).webServices?.['${name}'];

describe('${name}', () => {
  it.each(${JSON.stringify(envs)} as const)('runs its pinned image with liveness and readiness probes in %s', (env) => {
    const objects = renderLeaf(service, env).objects;
    const container = mainContainer(findObject(objects, 'Deployment', '${name}'));
    expect(container.image.endsWith(\`/${name}:\${values(env)?.tag}\`)).toBe(true);
    expect(container.livenessProbe.httpGet).toMatchObject({ path: values(env)?.livenessPath, port: values(env)?.port });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: values(env)?.readinessPath, port: values(env)?.port });
    expect(findObject(objects, 'Service', '${name}').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: values(env)?.port, protocol: 'TCP' }]);
  });
${production ? `
  it('runs at least two pods in production, under a PodDisruptionBudget', () => {
    const objects = renderLeaf(service, 'production').objects;
    expect(findObject(objects, 'HorizontalPodAutoscaler', '${name}-hpa').spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(findObject(objects, 'PodDisruptionBudget', '${name}-pdb').spec.minAvailable).toBe(1);
  });
` : ''}});
`);
}

const quoteList = (items) => `[${items.map((i) => `'${i}'`).join(', ')}]`;

/** The values a generated service starts with (`webServices.<name>`). */
function webServiceValues(production) {
  return {
    tag: '0.1.0',
    port: 8080,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    ...(production ? { autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 } } : { replicas: 1 }),
    livenessPath: '/healthz',
    readinessPath: '/readyz',
  };
}

/** Their YAML lines: the name at column `base`, its fields one `unit` deeper (no final newline). */
function webServiceLines(name, production, base, unit) {
  const at = (depth, line) => ' '.repeat(base + depth * unit) + line;
  return [
    at(0, `${name}:`),
    at(1, 'tag: "0.1.0"'),
    at(1, 'port: 8080'),
    at(1, 'resources:'),
    at(2, 'requests: { cpu: 100m, memory: 128Mi }'),
    at(2, 'limits: { cpu: 500m, memory: 256Mi }'),
    at(1, production ? 'autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 }' : 'replicas: 1'),
    at(1, 'livenessPath: /healthz'),
    at(1, 'readinessPath: /readyz'),
  ].join('\n');
}

const columnOf = (text, pos) => pos - (text.lastIndexOf('\n', pos - 1) + 1);
const lineEnd = (text, pos) => {
  const at = text.indexOf('\n', pos);
  return at === -1 ? text.length : at;
};

/** Keys sorted at every level: two documents with the same values compare equal whatever their layout. */
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  return value;
}

/**
 * The workspace's YAML reader (libs/platform/src/values/yaml-safe.ts): its duplicate-key check is linear,
 * where the yaml package's `uniqueKeys` compares each key with every earlier one. Loaded through
 * tsx's CommonJS API, since this CommonJS generator cannot import TypeScript.
 */
let yamlSafe;
function parseValues(text, file) {
  yamlSafe ??= require('tsx/cjs/api').require(join(__dirname, '../../../libs/platform/src/values/yaml-safe.ts'), __filename);
  return yamlSafe.parseYaml(text, file);
}

/**
 * `text` with `webServices.<name>` added. The yaml Document API finds where; the new lines are
 * spliced into the text, so every other byte (comments, quoting, indentation, flow maps) stays.
 * Handles no `webServices` key, `webServices:` / `webServices: {}` (empty), a flow map, and a
 * block map at any indentation. The result must parse (unique keys) to exactly the old values
 * plus the new entry, or the edit is refused and nothing is written.
 */
function addWebService(text, file, name, production) {
  const parsed = parseValues(text, file);
  check(parsed.problems.length === 0, `${parsed.problems.map(yamlSafe.formatFileProblem).join('\n')}\n${file}: fix it first`);
  const doc = parsed.documents[0].doc;
  const root = doc.contents;
  check(root === null || isMap(root), `${file}: the values are not a map of keys`);
  const before = parsed.documents[0].value ?? {};
  // the file's indentation step: from its first nested block map (2 if it has none)
  let unit = 2;
  for (const p of root?.items ?? []) {
    if (isMap(p.value) && !p.value.flow && p.value.items.length > 0 && p.key?.range) {
      unit = columnOf(text, p.value.items[0].key.range[0]) - columnOf(text, p.key.range[0]);
      break;
    }
  }
  const pair = root?.items.find((p) => isScalar(p.key) && p.key.value === 'webServices');
  const value = pair?.value;
  let out;
  if (!pair) {
    out = `${text.replace(/\n*$/, '\n')}\n# Services made by npm run new-service (platform WebService).\nwebServices:\n${webServiceLines(name, production, unit, unit)}\n`;
  } else if (isMap(value) && !value.flow && value.items.length > 0) {
    // a block map: the entry goes after its last line, at the column of its keys
    check(!value.items.some((p) => isScalar(p.key) && p.key.value === name), `${file}: webServices.${name} exists already`);
    const base = columnOf(text, value.items[0].key.range[0]);
    const first = value.items[0].value;
    const inner = isMap(first) && !first.flow && first.items.length > 0 ? columnOf(text, first.items[0].key.range[0]) - base : unit;
    const end = lineEnd(text, value.range[1] - 1);
    out = `${text.slice(0, end)}\n${webServiceLines(name, production, base, inner)}${text.slice(end)}`;
  } else if (value === null || value === undefined || (isScalar(value) && value.value === null) || (isMap(value) && value.flow)) {
    // `webServices:`, `webServices: ~` or a flow map: from the key to the end of that value's line
    // becomes a block map of the entries there were and the new one (a comment there is kept)
    const existing = isMap(value) ? value.toJSON() ?? {} : {};
    check(!Object.prototype.hasOwnProperty.call(existing, name), `${file}: webServices.${name} exists already`);
    const source = isMap(value) ? text.slice(value.range[0], value.range[1]) : '';
    check(!source.includes('#'), `${file}: webServices is a flow map with comments in it; make it a block map first`);
    const base = columnOf(text, pair.key.range[0]) + unit;
    const from = pair.key.range[1];
    const to = lineEnd(text, value?.range ? Math.max(value.range[1] - 1, from) : from);
    const comment = /(^|\s)(#.*)$/.exec(text.slice(from, to).replace(source, ''))?.[2];
    const kept = Object.entries(existing).map(([k, v]) => blockYaml({ [k]: v }, base, unit)).join('');
    out = `${text.slice(0, from)}:${comment ? ` ${comment}` : ''}\n${kept}${webServiceLines(name, production, base, unit)}${text.slice(to)}`;
  } else {
    throw new Error(`${file}: webServices is not a map of services; fix it first`);
  }
  const after = parseValues(out, file);
  const expected = { ...before, webServices: { ...(before.webServices ?? {}), [name]: webServiceValues(production) } };
  check(
    after.problems.length === 0 && JSON.stringify(canonical(after.documents[0].value)) === JSON.stringify(canonical(expected)),
    `${file}: cannot add webServices.${name} without changing other values; add it by hand`,
  );
  return out;
}

/** `value` as block YAML, every line indented by `base`. */
function blockYaml(value, base, unit) {
  return stringify(value, { indent: unit }).split('\n').filter(Boolean).map((l) => ' '.repeat(base) + l).join('\n') + '\n';
}

function writeSystem(tree, system, systemVar, envs) {
  const lib = `libs/${system}/system`;
  tree.write(`${lib}/project.json`, JSON.stringify(projectJson(lib, `${system}-system`, ['type:system', `scope:${system}`]), null, 2) + '\n');
  tree.write(`${lib}/src/values.ts`, `import { dnsLabel, WebServicesSchema } from '@gitops/platform';
import { z } from 'zod';

/** Schema of \`environments/<env>/${system}.yaml\`. */
export const ValuesSchema = z.strictObject({
  /** Namespace of every ${system} object in the environment. */
  namespace: dnsLabel,
  /** Services made by \`npm run new-service\` (the platform's WebService pattern), by name. */
  webServices: WebServicesSchema,
});
export type Values = z.infer<typeof ValuesSchema>;
`);
  tree.write(`${lib}/src/system.ts`, `import { defineSystem } from '@gitops/platform';
import { ValuesSchema } from './values';

/** The ${system} system (made by \`npm run new-service -- --create-system\`). */
export const ${systemVar} = defineSystem({
  name: '${system}',
  environments: ${JSON.stringify(envs).replace(/"/g, "'").replace(/,/g, ', ')},
  values: ValuesSchema,
  namespace: (values) => values.namespace,
});
`);
  tree.write(`${lib}/src/index.ts`, "export * from './values';\nexport * from './system';\n");
  tree.write(`${lib}/README.md`, `# ${system}-system\n\nThe ${system} system: its values schema (\`environments/<env>/${system}.yaml\`) and definition.\n`);
  updateJson(tree, 'tsconfig.base.json', (json) => {
    json.compilerOptions.paths[`@gitops/${system}-system`] = [`${lib}/src/index.ts`];
    return json;
  });

  const shared = `${system}-shared`;
  const sharedRoot = `libs/${system}/${shared}`;
  tree.write(`${sharedRoot}/project.json`, JSON.stringify(projectJson(sharedRoot, shared, ['type:service', `scope:${system}`], system, envs), null, 2) + '\n');
  tree.write(`${sharedRoot}/src/index.ts`, `import { defineService, SecureNamespace } from '@gitops/platform';
import { ${systemVar} } from '@gitops/${system}-system';

/** The ${system} namespace: Pod Security Admission labels and a default-deny NetworkPolicy. */
export default defineService({
  system: ${systemVar},
  name: '${shared}',
  render(chart, ctx) {
    new SecureNamespace(chart, 'Namespace', { name: ctx.namespace });
  },
});
`);
  tree.write(`${sharedRoot}/src/${shared}.test.ts`, `import { describe, expect, it } from 'vitest';
import { findObject, renderLeaf } from '@gitops/platform/testing';
import service from './index';

describe('${shared}', () => {
  it.each(${JSON.stringify(envs)} as const)('creates the ${system}-%s namespace with restricted Pod Security', (env) => {
    const ns = findObject(renderLeaf(service, env).objects, 'Namespace', \`${system}-\${env}\`);
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});
`);
  for (const env of envs) {
    tree.write(`environments/${env}/${system}.yaml`, `# ${system}, ${env}. Schema: libs/${system}/system/src/values.ts\nnamespace: ${system}-${env}\n`);
  }
}

module.exports = serviceGenerator;
// for tests: the values file edit on its own
module.exports.addWebService = addWebService;
