/**
 * The repository layout, spelled once (as argocd-autopilot's store.go does): every other module
 * asks here where things are.
 */
import { join } from 'node:path';
import type { EnvironmentName } from './environment';

export const ENVIRONMENTS_DIR = 'environments';
export const DIST_DIR = 'dist';
export const ARGOCD_DIR = 'argocd';

export function environmentFile(root: string, env: EnvironmentName): string {
  return join(root, ENVIRONMENTS_DIR, env, 'environment.yaml');
}

export function systemValuesFile(root: string, env: EnvironmentName, system: string): string {
  return join(root, ENVIRONMENTS_DIR, env, `${system}.yaml`);
}

/** `dist/<env>/<system>/<service>` relative to the output folder. */
export function leafPath(env: EnvironmentName, system: string, service: string): string {
  return join(env, system, service);
}
