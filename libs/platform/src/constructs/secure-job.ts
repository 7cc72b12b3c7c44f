import { createHash } from 'node:crypto';
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeJob } from 'cdk8s-plus-27/lib/imports/k8s';
import { HOOK_ANNOTATION, HOOK_DELETE_POLICY_ANNOTATION, SYNC_WAVE_ANNOTATION } from '../layout/argocd';
import { SecurePodTemplate, type IWorkload, type SecureWorkloadProps } from './pod-template';
import { WorkloadNetworkPolicy, type NetworkRule } from './network-policy';

/** Argo CD resource hook phases (https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/). */
export type ArgoHookPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail' | 'Skip';
/** When Argo CD deletes a hook object. */
export type ArgoHookDeletePolicy = 'BeforeHookCreation' | 'HookSucceeded' | 'HookFailed';

/** How Argo CD runs the Job as a resource hook. */
export interface ArgoHook {
  /** Sync phase the Job runs in; `PreSync` runs and waits for it before anything else is applied. */
  readonly phase: ArgoHookPhase;
  /**
   * When Argo CD deletes the Job. @default 'BeforeHookCreation' (the finished Job and its logs stay
   * for release managers; a re-sync of the same release replaces it)
   */
  readonly deletePolicy?: ArgoHookDeletePolicy;
}

/**
 * Seconds a finished hook Job (and its pod's logs) stays before the TTL controller deletes it:
 * each release's hook has its own name, so `BeforeHookCreation` never meets the old ones.
 */
export const HOOK_TTL_SECONDS = 7 * 24 * 3600;

export interface SecureJobProps extends SecureWorkloadProps {
  /** Retries before the Job fails. @default 1 (a task that failed twice needs a person, not a loop) */
  readonly backoffLimit?: number;
  /** Seconds after which the Job is stopped and failed. @default 600 */
  readonly activeDeadlineSeconds?: number;
  /**
   * Run as an Argo CD resource hook. The Job's name then ends in a hash of its pod template
   * (`<name>-<8 hex>`): a Job's template is immutable, and Argo CD under ServerSideApply does not
   * always delete the previous hook first (argoproj/argo-cd issues on BeforeHookCreation with SSA),
   * so a fixed name fails the next release with "spec.template: field is immutable". A new
   * template (image, command, env) gets a new Job; the same template re-syncs the same one.
   * @default - an ordinary Job, applied with the rest
   */
  readonly argoHook?: ArgoHook;
  /** Argo CD sync wave (ordering among hooks of the same phase). @default - none (wave 0) */
  readonly syncWave?: number;
}

/**
 * A batch/v1 Job with the secure defaults of SecureDeployment (DESIGN.md principle 5): non-root,
 * read-only root, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault,
 * requests and limits, no API token; pods never restart in place (the Job retries instead).
 * Built on the raw KubeJob: cdk8s-plus's Job has no seccomp field and labels pods by address.
 */
export class SecureJob extends Construct implements IWorkload {
  /** `metadata.name` (for a hook: the base name plus the template's hash). */
  public readonly name: string;
  /** The `app` label of its pods. */
  public readonly app: string;
  public readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: SecureJobProps) {
    super(scope, id);
    const backoffLimit = props.backoffLimit ?? 1;
    const activeDeadlineSeconds = props.activeDeadlineSeconds ?? 600;
    if (backoffLimit < 0) throw new Error(`SecureJob ${props.name}: 'backoffLimit' (${backoffLimit}) must not be negative`);
    if (activeDeadlineSeconds <= 0) throw new Error(`SecureJob ${props.name}: 'activeDeadlineSeconds' (${activeDeadlineSeconds}) must be positive`);
    // pods never restart in place: the Job retries instead; and a batch pod need not spread
    const pod = new SecurePodTemplate(props, { restartPolicy: 'Never' }, { spreadOverNodes: false });
    this.labels = pod.labels;
    this.app = pod.app;
    const template = pod.spec;

    const annotations: Record<string, string> = {};
    if (props.argoHook) {
      annotations[HOOK_ANNOTATION] = props.argoHook.phase;
      annotations[HOOK_DELETE_POLICY_ANNOTATION] = props.argoHook.deletePolicy ?? 'BeforeHookCreation';
    }
    if (props.syncWave !== undefined) annotations[SYNC_WAVE_ANNOTATION] = String(props.syncWave);

    const job = new KubeJob(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: this.labels,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: {
        backoffLimit,
        activeDeadlineSeconds,
        // hook Jobs are named per release, so the old ones are cleaned up by time
        ...(props.argoHook ? { ttlSecondsAfterFinished: HOOK_TTL_SECONDS } : {}),
        template,
      },
    });
    // the hash of the template exactly as rendered, so the policy check can recompute it from dist/
    this.name = props.argoHook ? hookJobName(props.name, job.toJson().spec.template) : props.name;
    if (this.name !== props.name) job.addJsonPatch(JsonPatch.replace('/metadata/name', this.name));
    if (this.name.length > 63) throw new Error(`SecureJob ${props.name}: name ${this.name} is longer than 63 characters (the Job's pods are labelled with it)`);
    pod.applyWaivers(ApiObject.of(job));
  }
}

/**
 * The name of a hook Job: `<base>-` and the first 8 hex digits of the SHA-256 of its pod template
 * as rendered (`spec.template`, keys sorted). The policy check recomputes it from dist/.
 */
export function hookJobName(base: string, templateJson: unknown): string {
  return `${base}-${createHash('sha256').update(stableJson(templateJson)).digest('hex').slice(0, 8)}`;
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Sync waves of a migration hook and its NetworkPolicy, before every ordinary object (wave 0).
 * Argo CD applies a phase's objects wave by wave, hooks included, and starts the next wave only
 * once the previous one is healthy ("Sync Phases and Waves",
 * https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/): the policy exists before the
 * Job's pod starts, and the new Deployment is applied only after the Job completed.
 */
export const MIGRATION_WAVES = { networkPolicy: -2, job: -1 } as const;

export interface MigrationHookProps extends Omit<SecureJobProps, 'argoHook' | 'syncWave' | 'component'> {
  /** Where the migration connects (the database), besides DNS. */
  readonly egress: readonly NetworkRule[];
  /** `app.kubernetes.io/component`. @default 'migration' */
  readonly component?: string;
}

/**
 * A database migration run once per release, before the new version is applied: a Sync-phase
 * Argo CD hook Job (wave -1, named per pod template) and the NetworkPolicy that lets its pod
 * reach the database (wave -2, so it is in place under the namespace's default-deny before the
 * pod starts). Not a PreSync hook: PreSync runs before any Sync-phase object exists, so a policy
 * in the same Application could never precede it. Not an init container: that runs in every pod,
 * concurrently, on every scale-out and in every canary.
 */
export class MigrationHook extends Construct {
  public readonly job: SecureJob;

  constructor(scope: Construct, id: string, props: MigrationHookProps) {
    super(scope, id);
    this.job = new SecureJob(this, 'Job', {
      ...props,
      component: props.component ?? 'migration',
      argoHook: { phase: 'Sync', deletePolicy: 'BeforeHookCreation' },
      syncWave: MIGRATION_WAVES.job,
    });
    const policy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', { target: this.job, egress: props.egress });
    ApiObject.of(policy.node.defaultChild ?? policy.node.children[0]).metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(MIGRATION_WAVES.networkPolicy));
  }
}
