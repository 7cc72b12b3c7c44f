/**
 * The real Kubernetes programs the cluster tests run, built from their Go modules by
 * `npm run k8s:build` (tools/k8s/<module>/go.mod pins each at an exact version; go.sum is committed).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Component {
  /** The binary's name, as the harness starts it. */
  readonly name: string;
  /** The folder under tools/k8s/ whose go.mod pins it. */
  readonly module: string;
  /** The main package `go build` builds inside that module. */
  readonly pkg: string;
  /** The Go module whose required version is the component's version. */
  readonly versionOf: string;
  /**
   * The version stamped in at link time, as the project's own build does: Kubernetes binaries into
   * k8s.io/component-base (so /version answers it), Argo CD into its common package.
   */
  readonly stamp?: 'kubernetes' | 'argo-cd';
}

export const COMPONENTS: readonly Component[] = [
  { name: 'etcd', module: 'kubernetes', pkg: './etcd', versionOf: 'go.etcd.io/etcd/server/v3' },
  { name: 'kube-apiserver', module: 'kubernetes', pkg: 'k8s.io/kubernetes/cmd/kube-apiserver', versionOf: 'k8s.io/kubernetes', stamp: 'kubernetes' },
  { name: 'kube-controller-manager', module: 'kubernetes', pkg: 'k8s.io/kubernetes/cmd/kube-controller-manager', versionOf: 'k8s.io/kubernetes', stamp: 'kubernetes' },
  { name: 'kube-scheduler', module: 'kubernetes', pkg: 'k8s.io/kubernetes/cmd/kube-scheduler', versionOf: 'k8s.io/kubernetes', stamp: 'kubernetes' },
  { name: 'kwok', module: 'kwok', pkg: 'sigs.k8s.io/kwok/cmd/kwok', versionOf: 'sigs.k8s.io/kwok' },
  { name: 'kubeconform', module: 'kubeconform', pkg: 'github.com/yannh/kubeconform/cmd/kubeconform', versionOf: 'github.com/yannh/kubeconform' },
  { name: 'kubectl-validate', module: 'kubectl-validate', pkg: 'sigs.k8s.io/kubectl-validate', versionOf: 'sigs.k8s.io/kubectl-validate' },
  // the cron parser the API server validates CronJob schedules with: the oracle for the values' cronSchedule
  { name: 'robfig-cron', module: 'robfig-cron', pkg: './parse-standard', versionOf: 'github.com/robfig/cron/v3' },
  // one multi-call binary, as upstream builds it (the component is chosen by ARGOCD_BINARY_NAME)
  { name: 'argocd', module: 'argocd', pkg: 'github.com/argoproj/argo-cd/v3/cmd', versionOf: 'github.com/argoproj/argo-cd/v3', stamp: 'argo-cd' },
];

export type ComponentName = (typeof COMPONENTS)[number]['name'];

/** tools/k8s/<module>: the Go modules of ours that pin the components. */
export const goModuleDir = (workspaceRoot: string, module: string) => join(workspaceRoot, 'tools/k8s', module);

/** The version a module requires of `path` (its go.mod's require line). */
export function requiredVersion(goMod: string, path: string): string {
  const escaped = path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(goMod);
  if (!match) throw new Error(`go.mod does not require ${path}`);
  return match[1];
}

/**
 * Where the built binaries live: outside the work tree so clones share them, in a folder per
 * component whose name carries its version and a hash of everything that decides the build (the
 * module's go.mod, go.sum and Go files, and the Go toolchain), so a pin change builds anew and never
 * reuses a stale binary. GITOPS_K8S_CACHE moves it.
 */
export function cacheRoot(): string {
  return process.env.GITOPS_K8S_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gitops-manifests', 'k8s');
}

export interface ResolvedComponent extends Component {
  readonly version: string;
  /** The binary's path in the cache (it may not exist yet). */
  readonly binary: string;
}

export function resolveComponent(workspaceRoot: string, component: Component, goVersion: string): ResolvedComponent {
  const dir = goModuleDir(workspaceRoot, component.module);
  const goMod = readFileSync(join(dir, 'go.mod'), 'utf8');
  const version = requiredVersion(goMod, component.versionOf);
  const hash = createHash('sha256');
  hash.update(`${goVersion}\0${component.name}\0${component.pkg}\0`);
  for (const file of moduleFiles(dir)) hash.update(`${file}\0`).update(readFileSync(join(dir, file)));
  const key = `${component.name}-${version}-${hash.digest('hex').slice(0, 12)}`;
  return { ...component, version, binary: join(cacheRoot(), key, component.name) };
}

/** go.mod, go.sum and the module's own Go files: what decides what `go build` makes. */
function moduleFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (/^go\.(mod|sum)$|\.go$/.test(entry.name)) files.push(path);
    }
  };
  walk('');
  return files.sort();
}

/** The binary of a built component, or an error that says how to build it. */
export function builtBinary(component: ResolvedComponent): string {
  if (!existsSync(component.binary)) {
    throw new Error(`${component.name} ${component.version} is not built (${component.binary}); run npm run k8s:build`);
  }
  return component.binary;
}
