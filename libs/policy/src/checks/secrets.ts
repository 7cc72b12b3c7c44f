/** No secret material in git: no Secret objects, no credential-looking literals. */
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';
import type { Manifest } from '../manifests';

const CREDENTIAL_VALUES: [RegExp, string][] = [
  [/AKIA[0-9A-Z]{16}/, 'an AWS access key id'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, 'a URL with a password in it'],
  [/\b(ghp|gho|github_pat)_[A-Za-z0-9_]{20,}/, 'a GitHub token'],
  [/\bxox[baprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
];
/** Names whose literal value would be a secret (values from secretKeyRef are fine). */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;

export function checkSecrets(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const m of ctx.manifests) {
    if (m.object.kind === 'Secret') {
      out.push(violation(m, 'no-plaintext-secret', 'a Secret in git is plaintext (base64 is not encryption): render an ExternalSecret instead'));
    }
    if (m.object.kind === 'ConfigMap') {
      for (const [key, value] of Object.entries(m.object.data ?? {})) check(out, m, `data.${key}`, key, value);
    }
  }
  for (const w of ctx.workloads) {
    for (const { c, path } of w.containers) {
      for (const [i, e] of (c.env ?? []).entries()) {
        if (typeof e.value === 'string') check(out, w.manifest, `${path}.env[${i}] (${e.name})`, e.name, e.value);
      }
    }
  }
  return out;
}

function check(out: Violation[], m: Manifest, where: string, name: string, value: string): void {
  for (const [pattern, what] of CREDENTIAL_VALUES) {
    if (pattern.test(value)) out.push(violation(m, 'no-credentials', `${where} looks like ${what}: read it from a secret`));
  }
  if (SECRET_NAME.test(name) && value.length > 0) {
    out.push(violation(m, 'no-credentials', `${where} is named like a secret but holds a literal value: use secretKeyRef to an ExternalSecret`));
  }
}
