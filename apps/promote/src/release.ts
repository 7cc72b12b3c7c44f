/**
 * Image promotion and tag bumps on the values files, found through the platform's catalogue:
 * a system's values schema says where its tags are, its services and environments say what exists.
 */
import { chmodSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, basename } from 'node:path';
import { parseValues, readUtf8File, systemValuesFile, type EnvironmentName } from '@gitops/platform';
import { allOrNothing, holdBeforeCommitForTests, loadServices, synth, withWorkspaceLock } from '@gitops/platform/render';
import type { z } from 'zod';
import type { Progress } from '@gitops/platform/render';
import { declaredTagPaths, tagPaths, valueAt } from './tag-paths';
import { checkTag, setTags, type TagChange } from './values-edit';

export interface ServiceInfo {
  /** Project folder, e.g. `libs/kiteclass/kiteclass-core`. */
  root: string;
  /** Its `src/index.ts`, where its `imageTags` are declared. */
  file: string;
  /** Its image tags (its `imageTags`, checked against the schema), the main one first. */
  imageTags: string[][];
}

export interface SystemInfo {
  name: string;
  schema: z.ZodType;
  environments: readonly EnvironmentName[];
  /** Service name → its project and image tags. */
  services: Map<string, ServiceInfo>;
}

/** Every system of the catalogue, by name; fails on a service whose `imageTags` are not image tag fields, or are another's. */
export async function loadSystems(root: string): Promise<Map<string, SystemInfo>> {
  const systems = new Map<string, SystemInfo>();
  const owner = new Map<string, string>();
  for (const { project, service } of await loadServices(root)) {
    const sys = service.system;
    if (!systems.has(sys.name)) systems.set(sys.name, { name: sys.name, schema: sys.values, environments: sys.environments, services: new Map() });
    const file = `${project.root}/src/index.ts`;
    const imageTags = declaredTagPaths(service, file);
    for (const path of imageTags) {
      const key = `${sys.name}\0${path.join('.')}`;
      const other = owner.get(key);
      if (other) throw new Error(`${file}: imageTags: '${path.join('.')}' is the image tag of service '${other}' already; a tag belongs to one service`);
      owner.set(key, service.name);
    }
    systems.get(sys.name)!.services.set(service.name, { root: project.root, file, imageTags });
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

const key = (path: readonly string[]) => path.join('\0');

/** The paths of `paths` that are among `declared`, in the order of `paths`. */
function among(paths: string[][], declared: readonly string[][]): string[][] {
  const wanted = new Set(declared.map(key));
  return paths.filter((p) => wanted.has(key(p)));
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
  // strict UTF-8: a stray byte is reported, never written back as U+FFFD
  const text = readUtf8File(path, file);
  return { path, file, text, data: parseValues(text, file, sys.schema) };
}

/**
 * Replaces a file in one rename, so a reader never sees half of it. A symlinked values file stays
 * a link: the new text goes to the link's real target (written beside it, then renamed onto it),
 * with the target's permissions.
 */
export function writeAtomically(path: string, text: string): void {
  const target = realpathSync(path);
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
  writeFileSync(tmp, text);
  chmodSync(tmp, statSync(target).mode & 0o7777);
  renameSync(tmp, target);
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
  /** What else the edit changed in the text, one line each (a tag that took over a YAML anchor, keeping its value). */
  notes: string[];
  /** Writes back the values file as it was (set when the release wrote it). */
  restore?: () => void;
}

/**
 * Sets one tag of a service in one environment's values file (under the workspace lock, so a
 * concurrent set-image or promote never overwrites it with what it read before).
 */
export async function setImage(opts: SetImageOptions): Promise<ReleaseResult> {
  checkTag(opts.tag);
  // the catalogue too: a service being generated is not read half-written
  return withWorkspaceLock(opts.root, 'set-image', () => setImageLocked(opts));
}

async function setImageLocked(opts: SetImageOptions): Promise<ReleaseResult> {
  const systems = await loadSystems(opts.root);
  const sys = [...systems.values()].find((s) => s.services.has(opts.service));
  if (!sys) throw new Error(`unknown service '${opts.service}' (services: ${list([...systems.values()].flatMap((s) => [...s.services.keys()]))})`);
  const service = sys.services.get(opts.service)!;
  checkEnv(sys, opts.env);
  if (service.imageTags.length === 0) throw new Error(`service '${opts.service}' has no image tag (${service.file} declares no imageTags)`);
  const values = readValues(opts.root, sys, opts.env);
  const present = among(tagPaths(sys.schema, values.data), service.imageTags);
  const declared = service.imageTags.map((p) => p.join('.')).join(', ');
  let path: string[];
  if (opts.path) {
    if (!service.imageTags.some((p) => p.join('.') === opts.path)) {
      throw new Error(`${values.file}: '${opts.path}' is not an image tag of service '${opts.service}' (its tags: ${declared})`);
    }
    const named = present.find((p) => p.join('.') === opts.path);
    if (!named) throw new Error(`${values.file}: ${opts.path} is not set in this file; add it by hand first`);
    path = named;
  } else {
    path = service.imageTags[0];
    if (!present.some((p) => key(p) === key(path))) throw new Error(`${values.file}: ${path.join('.')} (the main image tag of service '${opts.service}') is not set in this file`);
  }
  const from = valueAt(values.data, path) as string;
  const changes = from === opts.tag ? [] : [{ file: values.file, path, from, to: opts.tag }];
  const notes: string[] = [];
  if (changes.length > 0) {
    const text = setTags(values.text, values.file, sys.schema, [{ path, tag: opts.tag }], (n) => notes.push(n));
    if (!opts.dryRun) return { system: sys, env: opts.env, changes, notes, restore: write(values, text) };
  }
  return { system: sys, env: opts.env, changes, notes };
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
  // the catalogue too: a service being generated is not read half-written
  return withWorkspaceLock(opts.root, 'promote', () => promoteLocked(opts));
}

async function promoteLocked(opts: PromoteOptions): Promise<ReleaseResult> {
  const sys = systemNamed(await loadSystems(opts.root), opts.system);
  if (opts.service && !sys.services.has(opts.service)) {
    throw new Error(`unknown service '${opts.service}' in system '${sys.name}' (services: ${list(sys.services.keys())})`);
  }
  checkEnv(sys, opts.from);
  checkEnv(sys, opts.to);
  // the tags the services declare: all of the system's, or the one service's
  const declared = [...sys.services].filter(([name]) => !opts.service || name === opts.service).flatMap(([, s]) => s.imageTags);
  const source = readValues(opts.root, sys, opts.from);
  const target = readValues(opts.root, sys, opts.to);
  const targetPaths = new Set(tagPaths(sys.schema, target.data).map(key));
  const paths = among(tagPaths(sys.schema, source.data), declared).filter((p) => targetPaths.has(key(p)));
  if (opts.service && paths.length === 0) throw new Error(`no image tag of service '${opts.service}' in both ${source.file} and ${target.file}`);
  const changes: TagChange[] = paths
    .map((path) => ({ file: target.file, path, from: valueAt(target.data, path) as string, to: valueAt(source.data, path) as string }))
    .filter((c) => c.from !== c.to);
  const notes: string[] = [];
  if (changes.length > 0) {
    const text = setTags(target.text, target.file, sys.schema, changes.map((c) => ({ path: c.path, tag: c.to })), (n) => notes.push(n));
    if (!opts.dryRun) return { system: sys, env: opts.to, changes, notes, restore: write(target, text) };
  }
  return { system: sys, env: opts.to, changes, notes };
}

/**
 * Re-renders a system's projects in one environment in one transaction: dist/ is wholly old or
 * wholly new, also when the process is killed. Until that transaction is committed, SIGINT or
 * SIGTERM puts the values back (`restore`) before the process exits, and a render that fails does
 * too, so an interrupted or failed release leaves environments/ and dist/ both as they were
 * (`allOrNothing`, which new-service uses too).
 */
export async function rerender(root: string, sys: SystemInfo, env: EnvironmentName, opts: { progress?: Progress; restore?: () => void } = {}): Promise<number> {
  // re-entrant: a command holding the lock since it wrote the values keeps it through the render
  return withWorkspaceLock(root, 'render', () => rerenderLocked(root, sys, env, opts));
}

async function rerenderLocked(root: string, sys: SystemInfo, env: EnvironmentName, opts: { progress?: Progress; restore?: () => void }): Promise<number> {
  const projects = [...sys.services.values()].map((s) => s.root).sort();
  opts.progress?.step(1, 1, `rendering ${projects.length} project(s) of ${sys.name} in ${env}`);
  const restore = { command: 'render', restore: opts.restore ?? (() => undefined), restored: 'the values were put back; dist/ is unchanged' };
  return allOrNothing(restore, async (onCommit) =>
    (await synth({ root, projects, environments: [env], holdBeforeCommit: holdBeforeCommitForTests(), onCommit })).leaves.length);
}
