/**
 * Builds the real Kubernetes components (src/components.ts) from their Go modules with the
 * ordinary `go build`, into the version-keyed cache; a component already there is not built again.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMPONENTS, goModuleDir, resolveComponent, type ResolvedComponent } from './components';

/** The Go toolchain's version (`go env GOVERSION`), or an error saying what to install. */
export function goVersion(): string {
  const go = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new Error('go is not installed (or not on PATH): install Go 1.24 or later, then run npm run k8s:build again');
  }
  return go.stdout.trim();
}

/** Every component, resolved to its version and cache path (with the installed Go). */
export function resolveComponents(workspaceRoot: string, names?: readonly string[]): ResolvedComponent[] {
  const unknown = (names ?? []).filter((n) => !COMPONENTS.some((c) => c.name === n));
  if (unknown.length) throw new Error(`unknown component ${unknown.join(', ')} (known: ${COMPONENTS.map((c) => c.name).join(', ')})`);
  const version = goVersion();
  return COMPONENTS.filter((c) => !names?.length || names.includes(c.name)).map((c) => resolveComponent(workspaceRoot, c, version));
}

export interface BuildOptions {
  readonly workspaceRoot: string;
  /** Only these components (default: all). */
  readonly only?: readonly string[];
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
}

/** Builds what is missing; returns every component with its binary's path. */
export async function buildComponents(options: BuildOptions): Promise<ResolvedComponent[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const components = resolveComponents(options.workspaceRoot, options.only);
  const missing = components.filter((c) => !existsSync(c.binary));
  for (const c of components.filter((c) => existsSync(c.binary))) log(`k8s:build: ${c.name} ${c.version}: cached (${c.binary})`);
  for (const [i, c] of missing.entries()) {
    const started = Date.now();
    log(`k8s:build: [${i + 1}/${missing.length}] building ${c.name} ${c.version} (go build ${c.pkg}) ...`);
    await goBuild(options.workspaceRoot, c);
    log(`k8s:build: [${i + 1}/${missing.length}] ${c.name} ${c.version} built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  return components;
}

async function goBuild(workspaceRoot: string, c: ResolvedComponent): Promise<void> {
  const folder = dirname(c.binary);
  mkdirSync(dirname(folder), { recursive: true });
  // build beside the cache folder, then rename: a killed build never leaves a binary in place
  const staging = mkdtempSync(`${folder}.building-`);
  const ldflags = ['-s', '-w'];
  if (c.stamp === 'kubernetes') {
    // what Kubernetes' own build (hack/lib/version.sh) stamps, so /version answers the real version
    const [major, minor] = c.version.replace(/^v/, '').split('.');
    for (const [key, value] of Object.entries({ gitVersion: c.version, gitMajor: major, gitMinor: minor, gitTreeState: 'clean' })) {
      ldflags.push('-X', `k8s.io/component-base/version.${key}=${value}`, '-X', `k8s.io/client-go/pkg/version.${key}=${value}`);
    }
  } else if (c.stamp === 'argo-cd') {
    // Argo CD's Makefile: -X ${PACKAGE}.version=$(cat VERSION) with PACKAGE its common package
    ldflags.push('-X', `github.com/argoproj/argo-cd/v3/common.version=${c.version.replace(/^v/, '')}`, '-X', 'github.com/argoproj/argo-cd/v3/common.gitTreeState=clean');
  }
  const args = ['build', '-mod=readonly', '-trimpath', '-ldflags', ldflags.join(' '), '-o', join(staging, c.name), c.pkg];
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('go', args, { cwd: goModuleDir(workspaceRoot, c.module), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CGO_ENABLED: '0' } });
    child.stdout.on('data', (d) => output.push(String(d)));
    child.stderr.on('data', (d) => output.push(String(d)));
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`k8s:build: go build ${c.pkg} failed (exit ${code}) in tools/k8s/${c.module}:\n${output.join('').trim()}`);
  }
  rmSync(folder, { recursive: true, force: true });
  renameSync(staging, folder);
}
