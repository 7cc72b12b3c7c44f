/**
 * What the values check (`addon-values-known`) cannot read from a chart's values.yaml, per add-on,
 * each with its reason: keys a chart's templates read although values.yaml does not list them
 * (commented-out examples, subchart values), and list items a template renders with `tpl`.
 */

export interface AllowedValue {
  /** Key path below valuesObject, dots between keys; everything below it is allowed too. */
  readonly path: string;
  readonly reason: string;
}

export const VALUES_ALLOW_LIST: Readonly<Record<string, readonly AllowedValue[]>> = {
  'kube-prometheus-stack': [
    {
      path: 'grafana.admin',
      reason: "values of the grafana subchart (kube-prometheus-stack 67.8.0 Chart.yaml dependency grafana, condition grafana.enabled); its values.yaml reads admin.existingSecret, admin.userKey and admin.passwordKey, which kube-prometheus-stack's values.yaml does not repeat",
    },
  ],
};

export interface TplStringList {
  readonly addon: string;
  /** Key path of the list whose items the template passes to `tpl`. */
  readonly path: string;
  /** The template, file and tag, that does so. */
  readonly source: string;
}

export const TPL_STRING_LISTS: readonly TplStringList[] = [
  { addon: 'cert-manager', path: 'extraObjects', source: 'deploy/charts/cert-manager/templates/extras-objects.yaml at v1.17.2: {{ tpl . $ }} for each item' },
];

/** A key whose contents the chart moves to the top level before its templates read them. */
export interface ValuesAlias {
  readonly addon: string;
  /** The top-level key; what is below it is checked as if it were at the top. */
  readonly path: string;
  readonly source: string;
}

export const VALUES_ALIASES: readonly ValuesAlias[] = [
  // `pilot.autoscaleMin` is `autoscaleMin` to the istiod chart (the istioctl-era prefix)
  { addon: 'istiod', path: 'pilot', source: 'manifests/charts/istio-control/istio-discovery/templates/zzy_descope_legacy.yaml: "Copy anything under .pilot to ."' },
];

/**
 * Images in a chart's default values that only a component the values can switch off uses: the
 * image-source check reads a chart's default images too, and skips these while every value in
 * `enabledBy` is off (false or unset) in the values Helm uses. An empty `enabledBy`: never run.
 */
export interface OptionalImage {
  readonly addon: string;
  /** Where the image is in values.yaml (a map with `repository`, or an `image` string). */
  readonly path: string;
  /** Value paths that turn the component on; any of them on runs the image. */
  readonly enabledBy: readonly string[];
  readonly reason: string;
}

export const OPTIONAL_IMAGES: readonly OptionalImage[] = [
  {
    addon: 'velero', path: 'kubectl.image', enabledBy: ['upgradeCRDs', 'cleanUpCRDs'],
    reason: "charts/velero at velero-10.0.8 runs kubectl only in its CRD-upgrade hook Job (templates/upgrade-crds/, if .Values.upgradeCRDs) and its CRD clean-up Job (if .Values.cleanUpCRDs)",
  },
  {
    addon: 'vertical-pod-autoscaler', path: 'tests.image', enabledBy: [],
    reason: "stable/vpa at 4.5.0 uses it only in its Helm test hooks (values.yaml: 'the containers run as helm hook tests'), which Argo CD does not run (https://argo-cd.readthedocs.io/en/stable/user-guide/helm/#helm-hooks)",
  },
];
