/**
 * How a system and its services are declared. A service library's `src/index.ts` default-exports
 * one `defineService(...)`; the renderer needs nothing else to find and render it.
 */
import type { z } from 'zod';
import type { Cluster, Environment, EnvironmentName } from '../values/environment';
import type { ServiceChart } from './chart';

export interface SystemDefinition<S extends z.ZodType = z.ZodType> {
  /** Folder name under `dist/<env>/` and the values file name `environments/<env>/<name>.yaml`. */
  readonly name: string;
  /** Environments this system runs in. */
  readonly environments: readonly EnvironmentName[];
  /** Schema of `environments/<env>/<name>.yaml`. */
  readonly values: S;
  /** The namespace of the system in an environment, from its values. */
  readonly namespace: (values: z.infer<S>, env: Environment) => string;
}

export function defineSystem<S extends z.ZodType>(def: SystemDefinition<S>): SystemDefinition<S> {
  return def;
}

/** What a service's render function gets for one environment and cluster. */
export interface RenderContext<V> {
  readonly env: Environment;
  /**
   * The cluster this render is for: its region, account, network and region-bound ARNs. Objects
   * that use it differ per cluster, so a system on several clusters gets a folder per cluster.
   */
  readonly cluster: Cluster;
  readonly values: V;
  readonly namespace: string;
  readonly system: string;
  readonly service: string;
}

export interface ServiceDefinition<S extends z.ZodType = z.ZodType> {
  readonly system: SystemDefinition<S>;
  /** Folder name under `dist/<env>/<system>/`; also the Nx project name. */
  readonly name: string;
  /** Environments the service runs in. @default - the system's environments */
  readonly environments?: readonly EnvironmentName[];
  /**
   * Where the service's image tags are in its system's values: dotted paths such as
   * `services.kiteclass-core.tag`, each an `imageTag` field of the system's values schema. The
   * first is its main tag (what `set-image` sets unless given `--path`); `promote` copies them all.
   * Tools read this instead of guessing from the service's name.
   * @default - none: the service runs no image of its own (set-image and promote refuse it)
   */
  readonly imageTags?: readonly string[];
  /** Adds the service's objects to `chart` (its namespace and labels are already set). */
  readonly render: (chart: ServiceChart, ctx: RenderContext<z.infer<S>>) => void;
}

export function defineService<S extends z.ZodType>(def: ServiceDefinition<S>): ServiceDefinition<S> {
  return def;
}

export function serviceEnvironments(s: ServiceDefinition): readonly EnvironmentName[] {
  return s.environments ?? s.system.environments;
}
