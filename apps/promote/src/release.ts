/**
 * Image promotion and tag bumps on the values files, found through the platform's catalogue:
 * a system's values schema says where its tags are, its services and environments say what exists.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { loadServices, parseValues, synth, systemValuesFile, type EnvironmentName } from '@gitops/platform';
import type { z } from 'zod';
import type { Progress } from '@gitops/platform';
import { tagPaths, valueAt } from './tag-paths';
import { checkTag, setTags, type TagChange } from './values-edit';

export interface SystemInfo {
  name: string;
  schema: z.ZodType;
  environments: readonly EnvironmentName[];
  /** Service name → its project folder. */
  services: Map<string, string>;
}

/** Every system of the catalogue, by name. */
export async function loadSystems(root: string): Promise<Map<string, SystemInfo>> {
  const systems = new Map<string, SystemInfo>();
  for (const { project, service } of await loadServices(root)) {
    const sys = service.system;
    if (!systems.has(sys.name)) systems.set(sys.name, { name: sys.name, schema: sys.values, environments: sys.environments, services: new Map() });
    systems.get(sys.name)!.services.set(service.name, project.root);
  }
  return systems;
}

const list = (names: Iterable<string>) => [...names].sort().join(', ');

function systemNamed(systems: Map<string, SystemInfo>, name: string): SystemInfo {
  const sys = systems.get(name);
  if (!sys) throw new Error(`unknown system '${name}' (systems: ${list(systems.keys())})`);
  return sys;
}

function checkEnv(sys: SystemInfo, env: EnvironmentName): void {
  if (!sys.environments.includes(env)) throw new Error(`system '${sys.name}' does not run in '${env}' (it runs in: ${sys.environments.join(', ')})`);
}

/** The tag paths of `service`: those with the service's name as one of their keys. */
function pathsOf(paths: string[][], service: string): string[][] {
  return paths.filter((p) => p.includes(service));
}

interface ValuesFile {
  path: string;
  file: string;
  text: string;
  data: unknown;
}

function readValues(root: string, sys: SystemInfo, env: EnvironmentName): ValuesFile {
  const path = systemValuesFile(root, env, sys.name);
  const file = relative(root, path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`${file}: cannot read the values of system '${sys.name}' in '${env}'`);
  }
  return { path, file, text, data: parseValues(text, file, sys.schema) };
}

/** Replaces a file in one rename, so a reader never sees half of it. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Writes the new text of a values file; returns what puts the old one back. */
function write(values: ValuesFile, text: string): () => void {
  writeAtomically(values.path, text);
  return () => writeAtomically(values.path, values.text);
}

export interface SetImageOptions {
  readonly root: string;
  readonly env: EnvironmentName;
  readonly service: string;
  readonly tag: string;
  /** Dotted path of the tag to set. @default - the service's main tag (its shortest tag path) */
  readonly path?: string;
  /** Print, do not write. @default false */
  readonly dryRun?: boolean;
}

export interface ReleaseResult {
  system: SystemInfo;
  env: EnvironmentName;
  changes: TagChange[];
  /** Writes back the values file as it was (set when the release wrote it). */
  restore?: () => void;
}

/** Sets one tag of a service in one environment's values file. */
export async function setImage(opts: SetImageOptions): Promise<ReleaseResult> {
  checkTag(opts.tag);
  const systems = await loadSystems(opts.root);
  const sys = [...systems.values()].find((s) => s.services.has(opts.service));
  if (!sys) throw new Error(`unknown service '${opts.service}' (services: ${list([...systems.values()].flatMap((s) => [...s.services.keys()]))})`);
  checkEnv(sys, opts.env);
  const values = readValues(opts.root, sys, opts.env);
  const candidates = pathsOf(tagPaths(sys.schema, values.data), opts.service);
  if (candidates.length === 0) throw new Error(`${values.file}: no image tag of service '${opts.service}'`);
  let path: string[];
  if (opts.path) {
    const named = candidates.find((p) => p.join('.') === opts.path);
    if (!named) throw new Error(`${values.file}: '${opts.path}' is not an image tag of service '${opts.service}' (its tags: ${candidates.map((p) => p.join('.')).join(', ')})`);
    path = named;
  } else {
    const shortest = Math.min(...candidates.map((p) => p.length));
    const main = candidates.filter((p) => p.length === shortest);
    if (main.length > 1) throw new Error(`${values.file}: service '${opts.service}' has several image tags (${main.map((p) => p.join('.')).join(', ')}); name one with --path`);
    path = main[0];
  }
  const from = valueAt(values.data, path) as string;
  const changes = from === opts.tag ? [] : [{ file: values.file, path, from, to: opts.tag }];
  if (changes.length > 0) {
    const text = setTags(values.text, values.file, sys.schema, [{ path, tag: opts.tag }]);
    if (!opts.dryRun) return { system: sys, env: opts.env, changes, restore: write(values, text) };
  }
  return { system: sys, env: opts.env, changes };
}

export interface PromoteOptions {
  readonly root: string;
  readonly system: string;
  /** Only the tags of this service. @default - every tag of the system */
  readonly service?: string;
  readonly from: EnvironmentName;
  readonly to: EnvironmentName;
  readonly dryRun?: boolean;
}

/** Copies the tags (and only those) of `from`'s values file to `to`'s, where both have them and they differ. */
export async function promote(opts: PromoteOptions): Promise<ReleaseResult> {
  if (opts.from === opts.to) throw new Error(`--from and --to are both '${opts.from}'; promote copies tags from one environment to another`);
  const sys = systemNamed(await loadSystems(opts.root), opts.system);
  if (opts.service && !sys.services.has(opts.service)) {
    throw new Error(`unknown service '${opts.service}' in system '${sys.name}' (services: ${list(sys.services.keys())})`);
  }
  checkEnv(sys, opts.from);
  checkEnv(sys, opts.to);
  const source = readValues(opts.root, sys, opts.from);
  const target = readValues(opts.root, sys, opts.to);
  const targetPaths = new Set(tagPaths(sys.schema, target.data).map((p) => p.join('\0')));
  let paths = tagPaths(sys.schema, source.data).filter((p) => targetPaths.has(p.join('\0')));
  if (opts.service) {
    paths = pathsOf(paths, opts.service);
    if (paths.length === 0) throw new Error(`no image tag of service '${opts.service}' in both ${source.file} and ${target.file}`);
  }
  const changes: TagChange[] = paths
    .map((path) => ({ file: target.file, path, from: valueAt(target.data, path) as string, to: valueAt(source.data, path) as string }))
    .filter((c) => c.from !== c.to);
  if (changes.length > 0) {
    const text = setTags(target.text, target.file, sys.schema, changes.map((c) => ({ path: c.path, tag: c.to })));
    if (!opts.dryRun) return { system: sys, env: opts.to, changes, restore: write(target, text) };
  }
  return { system: sys, env: opts.to, changes };
}

/**
 * Re-renders a system's projects in one environment, one project at a time (for progress). If a
 * render fails, `restore` puts the values back and the projects already rendered are rendered again
 * from them, so a failed release leaves environments/ and dist/ as they were.
 */
export async function rerender(root: string, sys: SystemInfo, env: EnvironmentName, opts: { progress?: Progress; restore?: () => void } = {}): Promise<number> {
  const projects = [...sys.services.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const done: string[] = [];
  let folders = 0;
  for (const [i, [name, projectRoot]] of projects.entries()) {
    opts.progress?.step(i + 1, projects.length, `rendering ${name}`);
    try {
      folders += (await synth({ root, projects: [projectRoot], environments: [env] })).leaves.length;
    } catch (e) {
      if (opts.restore) {
        opts.restore();
        if (done.length > 0) await synth({ root, projects: done, environments: [env] });
      }
      throw e;
    }
    done.push(projectRoot);
  }
  return folders;
}
