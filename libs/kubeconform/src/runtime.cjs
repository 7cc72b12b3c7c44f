'use strict';
/**
 * What validators need at run time, in plain CommonJS so that the precompiled (ajv standalone)
 * validators in the cache can require it: Go-regexp translation and the formats.
 */
const { fullFormats } = require('ajv-formats/dist/formats');

/** ISO 8601 durations (P1DT2H, PT5M). */
const ISO_DURATION = /^P(?!$)((\d+Y)?(\d+M)?(\d+W)?(\d+D)?)(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
/** Go's time.ParseDuration syntax (5m, 1h30m, 1.5s, 300ms): kubeconform's validateDuration tries it first. */
const GO_DURATION = /^[-+]?(0|(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;

/**
 * Schemas written for Kubernetes use Go (RE2) regular expressions: leading inline flags such as
 * `(?i)`, `(?P<name>...)`, `\A`/`\z`. Translate those to JavaScript; a pattern JavaScript still
 * cannot compile constrains nothing rather than breaking validation of the whole kind.
 */
function goRegExp(pattern, flags = 'u') {
  let source = pattern;
  let extra = '';
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    extra = [...inline[1]].filter((f) => f === 'i' || f === 'm' || f === 's').join('');
  }
  source = source.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$');
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

const formats = {
  ...fullFormats,
  duration: (s) => ISO_DURATION.test(s) || GO_DURATION.test(s),
  // OpenAPI formats that constrain nothing beyond the type
  int32: true, int64: true, float: true, double: true, byte: true, binary: true, password: true,
};

module.exports = { goRegExp, formats, FORMATS_CODE: `require(${JSON.stringify(__filename)}).formats` };
