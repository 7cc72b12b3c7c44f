/**
 * PromQL as Prometheus reads it, from the parse tree of the Prometheus project's own grammar
 * (`@prometheus-io/lezer-promql`, the parser of the Prometheus web UI), never from regexes:
 * - `promql-valid`: every expression of a PrometheusRule and every Sloth SLI query parses, and
 *   calls only functions a default Prometheus knows. Prometheus refuses to load a rule file with
 *   a syntax error (prometheus-operator then drops the whole PrometheusRule), and functions
 *   marked `Experimental: true` in prometheus/prometheus promql/parser/functions.go need
 *   `--enable-feature=promql-experimental-functions`, which kube-prometheus-stack does not set.
 * - `promql-vector-matching`: a binary operation between two vectors whose label sets differ
 *   says how to match (`on(...)`/`ignoring(...)`, `group_left`/`group_right`). Without it
 *   Prometheus matches series with exactly the same labels (docs: "Operators", "Vector
 *   matching", https://prometheus.io/docs/prometheus/latest/querying/operators/#vector-matching),
 *   so such an expression returns nothing and its alert never fires.
 * - `sloth-window`: every Sloth SLI query takes its ranges from `{{ .window }}`. Sloth refuses a
 *   query without it ("template must contain the {{ .window }} variable", slok/sloth
 *   internal/.../conventions TplWindowRegex `{{ *\.window *}}`) and renders the template once per
 *   burn-rate window (5m ... 30d); a hard-coded `[5m]` makes every window a 5-minute rate.
 * - `alert-meaning`: an alert means what it says: memory is judged by the working set (what the
 *   kubelet evicts on and the OOM killer counts; `container_memory_usage_bytes` includes page
 *   cache, cAdvisor docs/storage/prometheus.md), and an annotation that counts `{{ $value }}`
 *   ("times", "restarts") shows a count (`increase`, `changes`), not a per-second `rate`.
 * - `alert-name-unique`: alert names are unique per namespace across PrometheusRules and the
 *   alerts Sloth generates from each SLO's `alerting.name`: Alertmanager routes, silences and
 *   inhibits by `alertname`, so two alerts of one name are one alert to it.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { PolicyContext, Violation } from '../context';
import { ns, violation } from '../context';
import type { Manifest } from '../manifests';

type Node = NonNullable<ReturnType<ReturnType<typeof parser.parse>['topNode']['getChild']>>;

/** One PromQL expression of a rendered object, as Prometheus (or Sloth, after templating) reads it. */
export interface PromqlExpression {
  manifest: Manifest;
  /** Field path, e.g. `spec.groups[0].rules[1].expr`. */
  path: string;
  /** The expression as written (a Sloth query still holds `{{ .window }}`). */
  source: string;
  /** What Prometheus parses: Sloth queries with the window filled in. */
  text: string;
  /** A Sloth SLI query. */
  sloth: boolean;
  /** The PrometheusRule rule this expression belongs to (alert rules only). */
  rule?: { alert?: string; record?: string; annotations?: Record<string, string> };
}

/** Sloth's window variable (slok/sloth conventions TplWindowRegex). */
export const SLOTH_WINDOW = /\{\{ *\.window *\}\}/g;
/** What `{{ .window }}` becomes here: a range no one writes by hand, so a literal range stands out. */
const WINDOW_STANDIN = '7777s';

/** Functions of promql/parser/functions.go (prometheus/prometheus) marked `Experimental: true`. */
const EXPERIMENTAL_FUNCTIONS = new Set([
  'double_exponential_smoothing', 'end', 'first_over_time', 'histogram_quantiles', 'info', 'integral', 'mad_over_time',
  'range', 'sort_by_label', 'sort_by_label_desc', 'start', 'step', 'ts_of_first_over_time', 'ts_of_last_over_time',
  'ts_of_max_over_time', 'ts_of_min_over_time',
]);
/** Aggregations behind the same flag (promql/parser/lex.go: limitk, limit_ratio are experimental). */
const EXPERIMENTAL_AGGREGATIONS = new Set(['limitk', 'limit_ratio']);

/** Every PromQL expression of a PrometheusRule (`expr`) or a Sloth PrometheusServiceLevel (SLI queries). */
export function promqlExpressions(m: Manifest): PromqlExpression[] {
  const o = m.object;
  const out: PromqlExpression[] = [];
  if (o.kind === 'PrometheusRule') {
    (o.spec?.groups ?? []).forEach((g: any, i: number) => (g?.rules ?? []).forEach((r: any, j: number) => {
      if (typeof r?.expr !== 'string') return;
      out.push({ manifest: m, path: `spec.groups[${i}].rules[${j}].expr`, source: r.expr, text: r.expr, sloth: false, rule: { alert: r.alert, record: r.record, annotations: r.annotations } });
    }));
  }
  if (o.kind === 'PrometheusServiceLevel') {
    // pkg/kubernetes/api/sloth/v1/types.go: sli.events.{errorQuery,totalQuery}, sli.raw.errorRatioQuery
    (o.spec?.slos ?? []).forEach((slo: any, i: number) => {
      const queries: [string, unknown][] = [
        [`spec.slos[${i}].sli.events.errorQuery`, slo?.sli?.events?.errorQuery],
        [`spec.slos[${i}].sli.events.totalQuery`, slo?.sli?.events?.totalQuery],
        [`spec.slos[${i}].sli.raw.errorRatioQuery`, slo?.sli?.raw?.errorRatioQuery],
      ];
      for (const [path, q] of queries) {
        if (typeof q === 'string') out.push({ manifest: m, path, source: q, text: q.replace(SLOTH_WINDOW, WINDOW_STANDIN), sloth: true });
      }
    });
  }
  return out;
}

/** The parse tree's top expression, or the first problem as Prometheus would word it. */
export function parsePromql(text: string): { top?: Node; problem?: string } {
  const tree = parser.parse(text);
  let problem: string | undefined;
  // An identifier followed by "(" is a call of a function the grammar does not know: say so
  // rather than report the syntax error it causes.
  tree.iterate({
    enter: (n) => {
      if (!problem && n.name === 'Identifier' && n.node.parent?.name === 'VectorSelector' && /^\s*\(/.test(text.slice(n.to))) {
        problem = `unknown function ${text.slice(n.from, n.to)}()`;
      }
    },
  });
  tree.iterate({
    enter: (n) => {
      if (problem) return false;
      if (n.type.isError) {
        problem = `syntax error at character ${n.from + 1} (${JSON.stringify(text.slice(Math.max(0, n.from - 10), n.from + 10).trim())})`;
        return false;
      }
      if (n.name === 'FunctionIdentifier' && EXPERIMENTAL_FUNCTIONS.has(text.slice(n.from, n.to))) {
        problem = `${text.slice(n.from, n.to)}() is experimental: Prometheus refuses it without --enable-feature=promql-experimental-functions`;
        return false;
      }
      if (n.name === 'AggregateOp' && EXPERIMENTAL_AGGREGATIONS.has(text.slice(n.from, n.to))) {
        problem = `${text.slice(n.from, n.to)} is experimental: Prometheus refuses it without --enable-feature=promql-experimental-functions`;
        return false;
      }
      return undefined;
    },
  });
  if (problem) return { problem };
  const top = tree.topNode.firstChild ?? undefined;
  return top ? { top } : { problem: 'empty expression' };
}

/** The metric names an expression reads (selector names and `__name__="..."` matchers). */
export function metricNames(top: Node, text: string): string[] {
  const out = new Set<string>();
  walk(top, (n) => {
    if (n.name !== 'VectorSelector') return;
    const id = n.getChild('Identifier');
    if (id) out.add(text.slice(id.from, id.to));
    for (const m of matchers(n, text)) if (m.label === '__name__' && m.op === '=') out.add(m.value);
  });
  return [...out];
}

function walk(n: Node, visit: (n: Node) => void): void {
  visit(n);
  for (let c = n.firstChild; c; c = c.nextSibling) walk(c, visit);
}

function matchers(selector: Node, text: string): { label: string; op: string; value: string }[] {
  const list = selector.getChild('LabelMatchers');
  if (!list) return [];
  const out: { label: string; op: string; value: string }[] = [];
  for (let c = list.firstChild; c; c = c.nextSibling) {
    if (c.name !== 'UnquotedLabelMatcher' && c.name !== 'QuotedLabelMatcher') continue;
    const name = c.getChild('LabelName') ?? c.getChild('QuotedLabelName');
    const op = c.getChild('MatchOp');
    const value = c.getChild('StringLiteral');
    if (!name || !op || !value) continue;
    out.push({ label: unquote(text.slice(name.from, name.to)), op: text.slice(op.from, op.to), value: unquote(text.slice(value.from, value.to)) });
  }
  return out;
}

function unquote(s: string): string {
  return /^["'`]/.test(s) ? s.slice(1, -1) : s;
}

/**
 * The labels an expression's result carries, as far as the parse tree tells:
 * - `scalar`: a number (no matching needed);
 * - `exact`: exactly these labels (an aggregation `by (...)`, or without grouping: none);
 * - `series`: raw series (of a selector, through functions that keep labels): the labels their
 *   matchers name for sure, plus whatever the target and exporter attach (job, instance, ...).
 */
type Labels = { kind: 'scalar' } | { kind: 'exact'; labels: Set<string> } | { kind: 'series'; labels: Set<string> } | { kind: 'unknown' };

const SCALAR_FUNCTIONS = new Set(['scalar', 'time', 'pi', 'start', 'end', 'range', 'step']);
const AGG_KEEPING_LABELS = new Set(['topk', 'bottomk', 'limitk', 'limit_ratio']);

/** Label set of `n`, reporting binary operations that cannot match through `report`. */
function labelsOf(n: Node, text: string, report: (at: Node, left: Labels, right: Labels) => void): Labels {
  switch (n.name) {
    case 'NumberDurationLiteral':
    case 'StringLiteral':
      return { kind: 'scalar' };
    case 'VectorSelector': {
      // A matcher that cannot match the empty string proves the label is there (= "x", =~ "5..").
      const sure = matchers(n, text).filter((m) => m.label !== '__name__' && ((m.op === '=' && m.value !== '') || (m.op === '=~' && !safeRegex(m.value)?.test(''))));
      return { kind: 'series', labels: new Set(sure.map((m) => m.label)) };
    }
    case 'MatrixSelector':
    case 'SubqueryExpr':
    case 'OffsetExpr':
    case 'StepInvariantExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'AnchoredExpr':
    case 'SmoothedExpr': {
      const inner = exprChildren(n)[0];
      return inner ? labelsOf(inner, text, report) : { kind: 'unknown' };
    }
    case 'FunctionCall': {
      const name = text.slice(n.firstChild!.from, n.firstChild!.to);
      const args = exprChildren(n.getChild('FunctionCallBody')!);
      const argLabels = args.map((a) => labelsOf(a, text, report));
      if (SCALAR_FUNCTIONS.has(name)) return { kind: 'scalar' };
      if (name === 'vector') return { kind: 'exact', labels: new Set() };
      if (name === 'absent' || name === 'absent_over_time') return { kind: 'unknown' };
      const vector = argLabels.find((l) => l.kind !== 'scalar') ?? { kind: 'unknown' };
      if (name === 'histogram_quantile' && (vector.kind === 'exact' || vector.kind === 'series')) {
        const labels = new Set(vector.labels);
        labels.delete('le');
        return { ...vector, labels };
      }
      if ((name === 'label_replace' || name === 'label_join') && (vector.kind === 'exact' || vector.kind === 'series')) {
        const dst = args[1] ? unquote(text.slice(args[1].from, args[1].to)) : undefined;
        return dst ? { ...vector, labels: new Set([...vector.labels, dst]) } : { kind: 'unknown' };
      }
      return vector;
    }
    case 'AggregateExpr': {
      const op = text.slice(n.firstChild!.from, n.firstChild!.to);
      const args = exprChildren(n.getChild('FunctionCallBody')!);
      const argLabels = args.map((a) => labelsOf(a, text, report));
      const vector = argLabels[argLabels.length - 1] ?? { kind: 'unknown' };
      const modifier = n.getChild('AggregateModifier');
      if (AGG_KEEPING_LABELS.has(op)) return vector;
      if (!modifier) return { kind: 'exact', labels: new Set() };
      const grouping = groupingLabels(modifier.getChild('GroupingLabels'), text);
      if (modifier.getChild('By')) return { kind: 'exact', labels: new Set(grouping) };
      return { kind: 'unknown' };
    }
    case 'BinaryExpr': {
      const [l, r] = exprChildren(n);
      const left = labelsOf(l, text, report);
      const right = labelsOf(r, text, report);
      const modifier = n.getChild('MatchingModifierClause');
      // `or` unions series of different label sets by design (operators docs, "Logical/set binary operators")
      if (n.getChild('Or')) return { kind: 'unknown' };
      if (left.kind === 'scalar' && right.kind === 'scalar') return left;
      if (left.kind === 'scalar') return right;
      if (right.kind === 'scalar') return left;
      if (modifier) {
        if (modifier.getChild('GroupRight')) return right;
        return left.kind === 'unknown' ? left : { kind: 'unknown' };
      }
      if (!sameLabels(left, right)) report(n, left, right);
      return left;
    }
    default:
      return { kind: 'unknown' };
  }
}

/** Whether two sides match one-to-one on all their labels, as the parse tree shows them. */
function sameLabels(a: Labels, b: Labels): boolean {
  if (a.kind === 'unknown' || b.kind === 'unknown') return true; // nothing to prove either way
  if (a.kind !== b.kind) return false; // an aggregation dropped target labels the raw series keep
  if (a.kind === 'scalar' || b.kind === 'scalar') return true;
  return a.labels.size === b.labels.size && [...a.labels].every((l) => b.labels.has(l));
}

function describe(l: Labels): string {
  if (l.kind === 'exact') return l.labels.size === 0 ? 'no labels' : `exactly {${[...l.labels].sort().join(', ')}}`;
  if (l.kind === 'series') return l.labels.size === 0 ? 'the labels of raw series' : `raw series with {${[...l.labels].sort().join(', ')}}`;
  return l.kind;
}

function groupingLabels(n: Node | null, text: string): string[] {
  const out: string[] = [];
  for (let c = n?.firstChild; c; c = c.nextSibling) if (c.name === 'LabelName' || c.name === 'QuotedLabelName') out.push(unquote(text.slice(c.from, c.to)));
  return out;
}

/** The expression children of a node (skipping punctuation, operators, modifiers). */
function exprChildren(n: Node): Node[] {
  const out: Node[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) if (c.type.is('Expr')) out.push(c);
  return out;
}

function safeRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch {
    return undefined;
  }
}

/** The outermost function that decides what an alert's value is, looking through aggregations and comparisons. */
function valueFunction(n: Node, text: string): string | undefined {
  switch (n.name) {
    case 'FunctionCall':
      return text.slice(n.firstChild!.from, n.firstChild!.to);
    case 'AggregateExpr': {
      const op = text.slice(n.firstChild!.from, n.firstChild!.to);
      if (op === 'count' || op === 'count_values') return op;
      const args = exprChildren(n.getChild('FunctionCallBody')!);
      return args.length ? valueFunction(args[args.length - 1], text) : undefined;
    }
    case 'ParenExpr':
      return exprChildren(n)[0] ? valueFunction(exprChildren(n)[0], text) : undefined;
    case 'BinaryExpr': {
      // a comparison filters: the alert's value is its left side's
      const [l] = exprChildren(n);
      const comparison = ['Gtr', 'Gte', 'Lss', 'Lte', 'Eql', 'Neq'].some((op) => n.getChild(op));
      return comparison && l ? valueFunction(l, text) : undefined;
    }
    default:
      return undefined;
  }
}

/** Metrics that read as something they are not, and what to use instead. */
const MISLEADING_METRICS: Record<string, string> = {
  container_memory_usage_bytes: 'counts page cache the kernel reclaims under pressure; the kubelet evicts and the OOM killer acts on the working set: use container_memory_working_set_bytes',
};

export function checkPromql(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const m of [...ctx.ofKind('PrometheusRule'), ...ctx.ofKind('PrometheusServiceLevel')]) {
    for (const e of promqlExpressions(m)) {
      if (e.sloth) {
        if (!new RegExp(SLOTH_WINDOW.source).test(e.source)) {
          out.push(violation(m, 'sloth-window', `${e.path}: no {{ .window }}: Sloth refuses the SLO ("template must contain the {{ .window }} variable")`));
        }
      }
      const { top, problem } = parsePromql(e.text);
      if (!top) {
        out.push(violation(m, 'promql-valid', `${e.path}: ${problem}`));
        continue;
      }
      walk(top, (n) => {
        if (e.sloth && (n.name === 'MatrixSelector' || n.name === 'SubqueryExpr')) {
          const range = n.getChild('DurationExpr');
          const written = range ? e.text.slice(range.from, range.to) : '';
          if (written !== WINDOW_STANDIN) {
            out.push(violation(m, 'sloth-window', `${e.path}: range [${written}] is hard-coded: write [{{ .window }}] so each burn-rate window (5m to 30d) measures its own window`));
          }
        }
        if (n.name === 'VectorSelector') {
          const id = n.getChild('Identifier');
          const metric = id ? e.text.slice(id.from, id.to) : '';
          if (e.rule?.alert && MISLEADING_METRICS[metric]) out.push(violation(m, 'alert-meaning', `${e.path}: ${metric} ${MISLEADING_METRICS[metric]}`));
        }
      });
      labelsOf(top, e.text, (at, left, right) => {
        const snippet = e.text.slice(at.from, at.to).replace(/\s+/g, ' ').trim();
        out.push(violation(m, 'promql-vector-matching', `${e.path}: "${snippet.length > 90 ? `${snippet.slice(0, 87)}...` : snippet}" joins ${describe(left)} with ${describe(right)} without on(...)/ignoring(...): Prometheus matches only series with identical labels, so it returns nothing`));
      });
      const fn = e.rule?.alert ? valueFunction(top, e.text) : undefined;
      if (fn === 'rate' || fn === 'irate') {
        for (const [key, value] of Object.entries(e.rule?.annotations ?? {})) {
          if (/\{\{\s*\$value[^}]*\}\}\s*(times|restarts|errors|requests|failures)\b/i.test(value)) {
            out.push(violation(m, 'alert-meaning', `${e.path}: annotations.${key} counts {{ $value }} ("${value}"), but the value is ${fn}(), a per-second rate: alert on increase() for a count, or word it per second`));
          }
        }
      }
    }
  }
  out.push(...checkAlertNames(ctx));
  return out;
}

/** Alert names per namespace: a PrometheusRule's `alert`s and each Sloth SLO's `alerting.name`. */
function checkAlertNames(ctx: PolicyContext): Violation[] {
  const seen = new Map<string, { m: Manifest; where: string }[]>();
  const add = (m: Manifest, name: unknown, where: string) => {
    if (typeof name !== 'string' || name === '') return;
    const key = `${ns(m.object)}/${name}`;
    seen.set(key, [...(seen.get(key) ?? []), { m, where }]);
  };
  for (const m of ctx.ofKind('PrometheusRule')) {
    (m.object.spec?.groups ?? []).forEach((g: any, i: number) => (g?.rules ?? []).forEach((r: any, j: number) => add(m, r?.alert, `spec.groups[${i}].rules[${j}].alert`)));
  }
  for (const m of ctx.ofKind('PrometheusServiceLevel')) {
    // Sloth names both its page and ticket alert `alerting.name` (told apart by sloth_severity)
    (m.object.spec?.slos ?? []).forEach((s: any, i: number) => {
      if (!s?.alerting?.pageAlert?.disable || !s?.alerting?.ticketAlert?.disable) add(m, s?.alerting?.name, `spec.slos[${i}].alerting.name`);
    });
  }
  const out: Violation[] = [];
  for (const [key, uses] of seen) {
    if (uses.length < 2) continue;
    const [namespace, name] = key.split('/');
    for (const u of uses) {
      const others = uses.filter((o) => o !== u).map((o) => `${o.m.object.kind} ${o.m.object.metadata.name} ${o.where}`);
      out.push(violation(u.m, 'alert-name-unique', `${u.where}: alert ${name} is also defined in namespace ${namespace} by ${others.join(', ')}: Alertmanager groups, silences and inhibits by alertname, so name each alert once`));
    }
  }
  return out;
}
