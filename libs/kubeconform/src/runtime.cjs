'use strict';
/**
 * What validators need at run time, in plain CommonJS so that the precompiled (ajv standalone)
 * validators in the cache can require it: Go-regexp translation and the formats.
 */
const { fullFormats } = require('ajv-formats/dist/formats');

/** Go's time.ParseDuration syntax (5m, 1h30m, 1.5s, 300ms): kubeconform's validateDuration tries it first. */
const GO_DURATION = /^[-+]?(0|(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;

/**
 * Schemas written for Kubernetes use Go (RE2) regular expressions: leading inline flags such as
 * `(?i)`, `(?P<name>...)`, `\A`/`\z`. Translate those to JavaScript; a pattern JavaScript still
 * cannot compile constrains nothing rather than breaking validation of the whole kind.
 */
function goSource(pattern) {
  let source = pattern;
  let flags = '';
  // leading flags, also after the anchors that start the pattern (`^(?i)(abort|warn)?$`): the same
  // as flags for the whole pattern
  const inline = /^((?:\^|\\A)*)\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = inline[1] + source.slice(inline[0].length);
    flags = [...inline[2]].filter((f) => f === 'i' || f === 'm' || f === 's').join('');
  }
  source = source.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$');
  return { source, flags };
}

function goRegExp(pattern, flags = 'u') {
  const { source, flags: extra } = goSource(pattern);
  const allFlags = [...new Set([...flags, ...extra])].join('');
  try {
    return new RegExp(source, allFlags);
  } catch {
    try {
      return new RegExp(source, allFlags.replace('u', ''));
    } catch {
      return /[\s\S]*/;
    }
  }
}
goRegExp.code = `require(${JSON.stringify(__filename)}).goRegExp`;

/** Go's time.Parse("2006-01-02", s) error text, or undefined when it parses. */
function goParseDate(s) {
  const layout = [['2006', /^\d{4}/], ['-', /^-/], ['01', /^\d{2}/], ['-', /^-/], ['02', /^\d{2}/]];
  let rest = s;
  const parts = [];
  for (const [elem, re] of layout) {
    const m = re.exec(rest);
    if (!m) return `parsing time ${JSON.stringify(s)} as "2006-01-02": cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(elem)}`;
    parts.push(m[0]);
    rest = rest.slice(m[0].length);
  }
  if (rest) return `parsing time ${JSON.stringify(s)}: extra text: ${JSON.stringify(rest)}`;
  const [y, , mo, , d] = parts.map(Number);
  if (mo < 1 || mo > 12) return `parsing time ${JSON.stringify(s)}: month out of range`;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  if (d < 1 || d > days) return `parsing time ${JSON.stringify(s)}: day out of range`;
  return undefined;
}

/** jsonschema v6 format.go validateTime: the reason a time is not RFC 3339, or undefined. */
function v6TimeReason(str) {
  if (str.length < 9) return 'less than 9 characters long';
  if (str[2] !== ':' || str[5] !== ':') return 'missing colon in correct place';
  const hms = [];
  for (const tok of str.slice(0, 8).split(':')) {
    if (!/^[+-]?\d+$/.test(tok)) return 'invalid hour/min/sec';
    const i = Number(tok);
    if (i < 0) return 'non-positive hour/min/sec';
    hms.push(i);
  }
  let [h, m] = hms;
  const sec = hms[2];
  if (h > 23 || m > 59 || sec > 60) return 'hour/min/sec out of range';
  str = str.slice(8);
  if (str.startsWith('.')) {
    const digits = /^\d*/.exec(str.slice(1))[0].length;
    if (digits === 0) return 'no digits in second fraction';
    str = str.slice(1 + digits);
  }
  if (str !== 'z' && str !== 'Z') {
    if (str.length !== 6) return 'offset must be 6 characters long';
    let sign;
    if (str[0] === '+') sign = -1;
    else if (str[0] === '-') sign = 1;
    else return 'offset must begin with plus/minus';
    str = str.slice(1);
    if (str[2] !== ':') return 'missing colon in offset in correct place';
    const zhm = [];
    for (const tok of str.split(':')) {
      if (!/^[+-]?\d+$/.test(tok)) return 'invalid hour/min in offset';
      const i = Number(tok);
      if (i < 0) return 'non-positive hour/min in offset';
      zhm.push(i);
    }
    if (zhm[0] > 23 || zhm[1] > 59) return 'hour/min in offset out of range';
    let hm = h * 60 + m + sign * (zhm[0] * 60 + zhm[1]);
    if (hm < 0) hm += 24 * 60;
    h = Math.floor(hm / 60);
    m = hm % 60;
  }
  if (sec >= 60 && (h !== 23 || m !== 59)) return 'invalid leap second';
  return undefined;
}

/** jsonschema v6 format.go validateDateTime (the one kubeconform's draft-04 schemas assert). */
function v6DateTimeReason(s) {
  if (s.length < 20) return 'less than 20 characters long';
  if (s[10] !== 't' && s[10] !== 'T') return '11th character must be t or T';
  const date = goParseDate(s.slice(0, 10));
  if (date) return `invalid date element: ${date}`;
  const time = v6TimeReason(s.slice(11));
  if (time) return `invalid time element: ${time}`;
  return undefined;
}

/** kubeconform validator.go validateDuration: Go's time.ParseDuration, else ISO 8601; the reason. */
function kubeconformDurationReason(s) {
  if (GO_DURATION.test(s)) return undefined;
  if (!s.startsWith('P')) return 'must start with P';
  s = s.slice(1);
  if (s === '') return 'nothing after P';
  if (s.endsWith('W')) {
    const w = s.slice(0, -1);
    if (w === '') return 'no number in week';
    return /^\d+$/.test(w) ? undefined : 'invalid week';
  }
  const allUnits = ['YMD', 'HMS'];
  const parts = s.split('T');
  for (let i = 0; i < parts.length; i++) {
    let p = parts[i];
    if (i !== 0 && p === '') return 'no time elements';
    if (i >= allUnits.length) return 'more than one T';
    let units = allUnits[i];
    while (p !== '') {
      const digits = /^\d*/.exec(p)[0].length;
      if (digits === 0) return 'missing number';
      p = p.slice(digits);
      if (p === '') return 'missing unit';
      const unit = p[0];
      const j = units.indexOf(unit);
      if (j === -1) return allUnits[i].includes(unit) ? `unit '${unit}' out of order` : `invalid unit '${unit}'`;
      units = units.slice(j + 1);
      p = p.slice(1);
    }
  }
  return undefined;
}

const formats = {
  ...fullFormats,
  // kubeconform registers its own duration check; date-time as jsonschema v6 asserts it
  duration: (s) => kubeconformDurationReason(s) === undefined,
  'date-time': { ...fullFormats['date-time'], validate: (s) => v6DateTimeReason(s) === undefined },
  // OpenAPI formats that constrain nothing beyond the type
  int32: true, int64: true, float: true, double: true, byte: true, binary: true, password: true,
};

module.exports = { goSource, goRegExp, formats, v6DateTimeReason, kubeconformDurationReason, FORMATS_CODE: `require(${JSON.stringify(__filename)}).formats` };
