// `nx g @gitops/nx-synth:service --name <name> --system <system> [--create-system]`
// (npm run new-service). Writes the service library, its values in every environment the system
// runs in, and a test; Argo CD picks the new dist/ folder up from the layout when argocd/ is
// re-rendered. Every check runs before anything is written (Nx flushes the tree only on success).
const { getProjects, readJson, updateJson } = require('nx/src/devkit-exports');

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENVIRONMENTS = ['development', 'staging', 'production'];

module.exports = async function serviceGenerator(tree, options) {
  const { name, system } = options;
  const createSystem = Boolean(options.createSystem);
  check(DNS_LABEL.test(name) && name.length <= 63, `--name '${name}' is not a DNS-1123 label (lower-case letters, digits and -, at most 63)`);
  check(DNS_LABEL.test(system) && system.length <= 63, `--system '${system}' is not a DNS-1123 label (lower-case letters, digits and -, at most 63)`);

  const systems = knownSystems(tree);
  const projects = getProjects(tree);
  let envs;
  if (createSystem) {
    check(!systems.has(system) && !tree.exists(`libs/${system}`), `--system '${system}' exists already; leave out --create-system to add a service to it`);
    envs = options.environments.split(',').map((e) => e.trim());
    for (const env of envs) {
      check(ENVIRONMENTS.includes(env), `--environments: '${env}' is not one of ${ENVIRONMENTS.join(', ')}`);
      check(tree.exists(`environments/${env}/environment.yaml`), `--environments: environments/${env}/environment.yaml does not exist`);
    }
    check(!projects.has(`${system}-system`) && !projects.has(`${system}-shared`), `--system '${system}': projects ${system}-system or ${system}-shared exist already`);
  } else {
    check(systems.has(system), `unknown system '${system}' (known: ${[...systems.keys()].sort().join(', ')}); pass --create-system to make a new one`);
    envs = ENVIRONMENTS.filter((env) => tree.exists(`environments/${env}/${system}.yaml`));
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

  const systemVar = createSystem ? camel(system) : systems.get(system);
  if (createSystem) writeSystem(tree, system, systemVar, envs);
  writeService(tree, { name, system, systemVar, envs });
  for (const env of envs) addValues(tree, env, system, name);
};

function check(ok, message) {
  if (!ok) throw new Error(message);
}

/** Systems with a system library: name → the exported defineSystem variable. */
function knownSystems(tree) {
  const out = new Map();
  for (const dir of tree.children('libs')) {
    const file = `libs/${dir}/system/src/system.ts`;
    if (!tree.exists(file)) continue;
    const m = /export const (\w+) = defineSystem\(\{\s*name: '([^']+)'/.exec(tree.read(file, 'utf-8'));
    if (m) out.set(m[2], m[1]);
  }
  return out;
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

function writeService(tree, { name, system, systemVar, envs }) {
  const root = `libs/${system}/${name}`;
  tree.write(`${root}/project.json`, JSON.stringify(projectJson(root, name, ['type:service', `scope:${system}`], system, envs), null, 2) + '\n');
  tree.write(`${root}/src/index.ts`, `import { defineService, WebService } from '@gitops/platform';
import { ${systemVar} } from '@gitops/${system}-system';

/**
 * ${name}: made by \`npm run new-service\`. Its values are \`webServices.${name}\` in
 * environments/<env>/${system}.yaml; the objects are the platform's WebService.
 */
export default defineService({
  system: ${systemVar},
  name: '${name}',
  render(chart, ctx) {
    new WebService(chart, 'Service', { ctx, name: '${name}' });
  },
});
`);
  const production = envs.includes('production');
  tree.write(`${root}/src/${name}.test.ts`, `import { describe, expect, it } from 'vitest';
import { findObject, mainContainer, renderLeaf } from '@gitops/platform/testing';
import service from './index';

describe('${name}', () => {
  it.each(${JSON.stringify(envs)} as const)('runs its pinned image with liveness and readiness probes in %s', (env) => {
    const objects = renderLeaf(service, env).objects;
    const container = mainContainer(findObject(objects, 'Deployment', '${name}'));
    expect(container.image).toMatch(/\\/${name}:0\\.1\\.0$/);
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 8080 });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 8080 });
    expect(findObject(objects, 'Service', '${name}').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
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

/** `webServices.<name>` in one environment's values file, as text so comments and layout stay. */
function addValues(tree, env, system, name) {
  const file = `environments/${env}/${system}.yaml`;
  const size = env === 'production'
    ? '    autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 }'
    : '    replicas: 1';
  const entry = [
    `  ${name}:`,
    '    tag: "0.1.0"',
    '    port: 8080',
    '    resources:',
    '      requests: { cpu: 100m, memory: 128Mi }',
    '      limits: { cpu: 500m, memory: 256Mi }',
    size,
    '    livenessPath: /healthz',
    '    readinessPath: /readyz',
  ].join('\n');
  const text = tree.read(file, 'utf-8');
  const lines = text.split('\n');
  const at = lines.findIndex((l) => /^webServices:\s*(#.*)?$/.test(l));
  if (at >= 0) {
    check(!/\{\s*\}/.test(lines[at]), `${file}: webServices is written inline; make it a block map first`);
    lines.splice(at + 1, 0, entry);
    tree.write(file, lines.join('\n'));
  } else {
    tree.write(file, `${text.replace(/\n*$/, '\n')}\n# Services made by npm run new-service (platform WebService).\nwebServices:\n${entry}\n`);
  }
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
