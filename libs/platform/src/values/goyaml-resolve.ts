/**
 * How go-yaml v2 (the YAML library under sigs.k8s.io/yaml, which kubectl, Argo CD's repo server
 * and kubeconform read manifests with) resolves an untagged plain scalar: YAML 1.1 booleans
 * (y, yes, on, off, ...), nulls, 1.1 integers (0x, 0o, 0b, a leading 0 for octal, `_`
 * separators), floats and timestamps (gopkg.in/yaml.v2 resolve.go). Written once: the
 * kubeconform library (libs/kubeconform/src/goyaml.ts) builds its js-yaml schema from it and the
 * platform's YAML reader (yaml-safe.ts, `goYaml`) reads rendered manifests with it.
 */

/** resolve.go resolveMap: YAML 1.1 booleans (y, yes, on, off, ...), nulls, .inf/.nan. */
export const BOOLS: Record<string, boolean> = {};
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) BOOLS[s] = true;
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) BOOLS[s] = false;
export const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
export const SPECIAL_FLOATS: Record<string, number> = {
  '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity,
  '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
};

/** A plain scalar go-yaml resolves to a timestamp; sigs.k8s.io/yaml writes it as RFC 3339 text. */
export class GoTimestamp {
  constructor(readonly text: string) {}
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** strconv.ParseInt(s, 0, 64) / ParseUint: base prefixes 0x, 0o, 0b and a leading 0 for octal. */
export function goParseInt(s: string): number | undefined {
  // the common case: a decimal that a double holds exactly
  if (/^[-+]?(0|[1-9][0-9]{0,14})$/.test(s)) return Number(s);
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2];
  let n: bigint;
  if (/^0[xXoObB]/.test(body)) n = BigInt(body.toLowerCase());
  else if (body.length > 1 && body[0] === '0') n = BigInt(`0o${body.slice(1)}`);
  else n = BigInt(body);
  if (m[1] === '-') n = -n;
  // int64 or (non-negative) uint64, else not an integer for go-yaml
  if (n < -(2n ** 63n) || n > 2n ** 64n - 1n) return undefined;
  return Number(n);
}

/** The value goyaml.v2 resolve() gives an untagged plain scalar. */
export function resolvePlain(s: string): unknown {
  if (s in BOOLS) return BOOLS[s];
  if (NULLS.has(s)) return null;
  if (s in SPECIAL_FLOATS) return SPECIAL_FLOATS[s];
  const c = s[0];
  if (c === '.') {
    const f = goParseFloat(s);
    return f === undefined ? s : f;
  }
  if ((c >= '0' && c <= '9') || c === '+' || c === '-') {
    if (isTimestamp(s)) return new GoTimestamp(s);
    const plain = s.replace(/_/g, '');
    const i = goParseInt(plain);
    if (i !== undefined) return i;
    if (YAML_STYLE_FLOAT.test(plain)) return Number(plain);
    if (plain.startsWith('-0b') && /^-0b[01]+$/.test(plain)) return -parseInt(plain.slice(3), 2);
  }
  return s;
}

/** strconv.ParseFloat for the forms a scalar starting with '.' can take (".5", ".5e3"). */
function goParseFloat(s: string): number | undefined {
  return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s) ? Number(s) : undefined;
}

/** resolve.go allowedTimestampFormats: 2006-1-2, with T/t or space and a time, optional zone. */
const TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[-+]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?))?$/;

export function isTimestamp(s: string): boolean {
  const c = s.charCodeAt(0);
  if (c < 48 || c > 57) return false; // all formats start with a digit
  const m = TIMESTAMP.exec(s);
  if (!m) return false;
  const [month, day] = [Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  const h = Number(m[4] ?? m[9] ?? 0);
  const mi = Number(m[5] ?? m[10] ?? 0);
  const se = Number(m[6] ?? m[11] ?? 0);
  return h < 24 && mi < 60 && se < 60;
}

/** Go's time.Time MarshalJSON (RFC 3339 with nanoseconds, trailing zeros dropped). */
export function goTimestampJson(s: string): string {
  const m = TIMESTAMP.exec(s)!;
  const pad = (v: string | undefined, n = 2) => String(Number(v ?? 0)).padStart(n, '0');
  const frac = (m[7] ?? m[12] ?? '').replace(/0+$/, '');
  const zone = m[8] === undefined || m[8] === 'Z' ? 'Z' : m[8] === '+00:00' ? 'Z' : m[8];
  const date = `${m[1]}-${pad(m[2])}-${pad(m[3])}`;
  return `${date}T${pad(m[4] ?? m[9])}:${pad(m[5] ?? m[10])}:${pad(m[6] ?? m[11])}${frac === '.' ? '' : frac}${zone}`;
}
