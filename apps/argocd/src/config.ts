/**
 * `environments/argocd.yaml`: where Argo CD reads this repository, and the project roles and sync
 * windows it applies. Typed and checked like every other values file.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { cronSchedule, dnsLabel, ENVIRONMENTS, ENVIRONMENTS_DIR, loadValues } from '@gitops/platform';

export const ARGOCD_CONFIG_FILE = join(ENVIRONMENTS_DIR, 'argocd.yaml');

const environment = z.enum(ENVIRONMENTS);

/** What a project role may be granted on Applications; `logs` stands for the `logs, get` policy. */
export const ROLE_ACTIONS = ['get', 'logs', 'sync', 'update', 'override', 'action/*'] as const;
export type RoleAction = (typeof ROLE_ACTIONS)[number];

export const ArgoCdConfigSchema = z.strictObject({
  /** The Git repository Argo CD clones (https or ssh). */
  repoURL: z.string().regex(/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/, 'must be an https://, ssh:// or git@ repository URL'),
  /** Branch (or tag) Argo CD syncs. */
  targetRevision: z.string().min(1).regex(/^[^\s]+$/, 'must not contain spaces'),
  /** System → namespace its Applications target, for systems that render only cluster-scoped objects. */
  clusterScopedSystems: z.record(dnsLabel, dnsLabel).default({}),
  /**
   * Project roles, added to every system's AppProject. The role's description in Argo CD is its
   * purpose followed by what its policies grant, written from the grants (never by hand).
   */
  roles: z.array(z.strictObject({
    name: dnsLabel,
    /** Why the role exists; the generator appends what it grants. */
    purpose: z.string().min(1),
    /** SSO groups that get the role. */
    groups: z.array(z.string().min(1)).min(1),
    /** Which actions on which environments' Applications. */
    grants: z.array(z.strictObject({
      environments: z.array(environment).min(1),
      /**
       * Argo CD RBAC actions on the Applications (https://argo-cd.readthedocs.io/en/stable/operator-manual/rbac/):
       * `update` confirms a `Prune=confirm` deletion; `logs` is `logs, get` (pod logs; enforced since Argo CD 3.0).
       */
      actions: z.array(z.enum(ROLE_ACTIONS)).min(1),
    })).min(1),
  })).default([]),
  /** Sync windows per environment, applied to that environment's clusters in every project. */
  syncWindows: z.partialRecord(environment, z.array(z.strictObject({
    kind: z.enum(['allow', 'deny']),
    /** Cron schedule of the window's start (Argo CD parses it with robfig/cron). */
    schedule: cronSchedule,
    /** Go duration, e.g. 62h. */
    duration: z.string().regex(/^(\d+h)?(\d+m)?$/, 'must be a duration such as 62h or 30m').refine((d) => d !== '', 'must not be empty'),
    timeZone: z.string().min(1),
    /** Whether a person may still sync by hand during a deny window. */
    manualSync: z.boolean(),
    description: z.string().min(1),
  }))).default({}),
});

export type ArgoCdConfig = z.infer<typeof ArgoCdConfigSchema>;

export function loadArgoCdConfig(root: string): ArgoCdConfig {
  return loadValues(join(root, ARGOCD_CONFIG_FILE), ArgoCdConfigSchema, root);
}
