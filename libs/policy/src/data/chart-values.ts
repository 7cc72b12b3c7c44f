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

export const VALUES_ALLOW_LIST: Readonly<Record<string, readonly AllowedValue[]>> = {};

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
