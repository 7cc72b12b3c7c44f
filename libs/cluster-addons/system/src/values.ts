import { dnsLabel, SupportWaiversSchema } from '@gitops/platform';
import { z } from 'zod';

/**
 * The cluster add-ons this repository installs (libs/cluster-addons/addons/src/catalog.ts holds
 * each one's chart, namespace, values and what it provides). Listed here because the values
 * schema refuses any other name.
 */
export const ADDON_NAMES = [
  'aws-ebs-csi-driver',
  'aws-load-balancer-controller',
  'cert-manager',
  'external-secrets',
  'ingress-nginx',
  'istio-base',
  'istio-cni',
  'istiod',
  'kube-prometheus-stack',
  'metrics-server',
  'sloth',
  'velero',
  'vertical-pod-autoscaler',
] as const;
export type AddonName = (typeof ADDON_NAMES)[number];

/**
 * An exact Helm chart version (SemVer 2.0, with the `v` some charts such as cert-manager put in
 * their versions). Argo CD passes a chart `targetRevision` that is a range (`^1.2`, `1.x`,
 * `>=1.0`, `*`) to Helm's constraint resolver and installs the newest match
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/helm/ "targetRevision ... semver
 * constraint"), so a range would upgrade production without a commit.
 */
export const exactChartVersion = z
  .string()
  .regex(
    /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/,
    'must be an exact chart version such as 1.17.2 (a range like ^1.2, 1.x or >=1.0 lets Argo CD install whatever is newest, unreviewed)',
  );

/** `addons:` one exact chart version per add-on; an add-on not listed is not installed. */
const AddonVersionsSchema = z.strictObject(
  Object.fromEntries(ADDON_NAMES.map((name) => [name, exactChartVersion.optional()])) as Record<AddonName, z.ZodOptional<typeof exactChartVersion>>,
);

/** `environments/<env>/cluster-addons.yaml`. */
export const ClusterAddonsValuesSchema = z
  .strictObject({
    externalSecrets: z.strictObject({
      /** Namespace the External Secrets Operator is installed in (by its Helm chart, the `external-secrets` add-on). */
      namespace: dnsLabel,
      /** The operator's service account, annotated with the IAM role (IRSA) that may read AWS Secrets Manager. */
      serviceAccount: dnsLabel,
    }),
    /**
     * Chart version of each add-on in this environment. An upgrade is a change here, promoted
     * development -> staging -> production like an image tag. @default none: an add-on a system
     * placed on a cluster needs must be listed (the render says which)
     */
    addons: AddonVersionsSchema.default({}),
    /**
     * Add-on versions kept past their upstream end of support, each with who decided, why, when and
     * until when (`npm run validate`, rule support-window; libs/policy/src/data/support-dates.ts).
     * @default none: a version past its end of support fails validate
     */
    supportWaivers: SupportWaiversSchema.optional(),
    /** Let's Encrypt account of cert-manager's ClusterIssuer `letsencrypt-prod`. @default none (required where cert-manager is installed) */
    letsEncrypt: z.strictObject({
      /** Where Let's Encrypt sends expiry notices. */
      email: z.email('must be an e-mail address'),
    }).optional(),
  })
  .superRefine((values, ctx) => {
    // istiod's chart and the base chart (its CRDs and default validator) are released together and
    // must be one Istio version (https://istio.io/latest/docs/setup/install/helm/).
    // The CNI node agent's chart is part of the same release (https://istio.io/latest/docs/setup/additional-setup/cni/).
    for (const addon of Object.keys(values.supportWaivers ?? {})) {
      if (!(addon in values.addons)) ctx.addIssue({ code: 'custom', path: ['supportWaivers', addon], message: 'waives the support window of an add-on this file does not pin', input: addon });
    }
    const { 'istio-base': base, istiod, 'istio-cni': cni } = values.addons;
    if (base && istiod && base !== istiod) {
      ctx.addIssue({ code: 'custom', path: ['addons', 'istiod'], message: `must equal addons.istio-base (${base}): Istio's base and istiod charts are one release`, input: istiod });
    }
    if (istiod && cni && cni !== istiod) {
      ctx.addIssue({ code: 'custom', path: ['addons', 'istio-cni'], message: `must equal addons.istiod (${istiod}): Istio's cni and istiod charts are one release`, input: cni });
    }
  });
export type ClusterAddonsValues = z.infer<typeof ClusterAddonsValuesSchema>;
