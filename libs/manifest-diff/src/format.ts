/**
 * The manifest diff as text for a terminal and as Markdown for a pull-request comment. Every
 * object and field line names its object in full, so a line read alone (or grepped) says where it is.
 */
import pc from 'picocolors';
import { describeRef, formatField } from './fields';
import type { ManifestDiff, Risk } from './model';

export interface FormatOptions {
  /** What was compared with what, for the heading, e.g. `HEAD~3 -> working tree`. */
  readonly title: string;
  /** Colour the text output. @default false */
  readonly color?: boolean;
  /** Longest value shown on a field line before it is shortened. @default 100 */
  readonly maxValue?: number;
}

/** The lines of one service folder: added, removed, then every changed field. */
export interface LeafLines {
  env: string;
  leaf: string;
  added: number;
  removed: number;
  changed: number;
  lines: { sign: '+' | '-' | '~'; text: string }[];
}

export function leafLines(diff: ManifestDiff, maxValue = 100): LeafLines[] {
  const leaves = new Map<string, LeafLines>();
  const get = (env: string, leaf: string) => {
    if (!leaves.has(leaf)) leaves.set(leaf, { env, leaf, added: 0, removed: 0, changed: 0, lines: [] });
    return leaves.get(leaf)!;
  };
  for (const a of diff.added) {
    const l = get(a.env, a.leaf);
    l.added++;
    l.lines.push({ sign: '+', text: `${describeRef(a)} added` });
  }
  for (const r of diff.removed) {
    const l = get(r.env, r.leaf);
    l.removed++;
    l.lines.push({ sign: '-', text: `${describeRef(r)} removed` });
  }
  for (const c of diff.changed) {
    const l = get(c.env, c.leaf);
    l.changed++;
    for (const f of c.fields) l.lines.push({ sign: '~', text: `${describeRef(c)}: ${formatField(f, maxValue)}` });
  }
  return [...leaves.values()].sort((a, b) => (a.leaf < b.leaf ? -1 : a.leaf > b.leaf ? 1 : 0));
}

const isEmpty = (d: ManifestDiff) => d.added.length + d.removed.length + d.changed.length === 0;
const riskLine = (r: Risk) => `${r.where}: ${r.message}`;

export function formatText(diff: ManifestDiff, opts: FormatOptions): string {
  const c = pc.createColors(opts.color ?? false);
  const out: string[] = [c.bold(`Manifest diff: ${opts.title}`)];
  if (isEmpty(diff)) {
    out.push('No changes.');
    return `${out.join('\n')}\n`;
  }
  if (diff.risks.length > 0) {
    out.push('', c.bold(c.red(`Risky changes (${diff.risks.length}):`)));
    for (const r of diff.risks) out.push(c.red(`  ! ${riskLine(r)}`));
  }
  const leaves = leafLines(diff, opts.maxValue);
  for (const e of diff.envs) {
    if (e.added + e.removed + e.changed === 0) continue;
    out.push('', c.bold(`${e.env}: +${e.added} -${e.removed} ~${e.changed} objects (${e.before} -> ${e.after})`));
    for (const leaf of leaves.filter((l) => l.env === e.env)) {
      for (const line of leaf.lines) {
        const colour = line.sign === '+' ? c.green : line.sign === '-' ? c.red : c.yellow;
        out.push(`  ${colour(line.sign)} ${line.text}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

const cell = (s: string | number) => String(s).replace(/\|/g, '\\|');

/** A code fence longer than any run of backticks in `body`. */
function fence(body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

export function formatMarkdown(diff: ManifestDiff, opts: FormatOptions): string {
  const out: string[] = [`## Manifest diff: ${opts.title}`, ''];
  if (isEmpty(diff)) {
    out.push('No changes to `dist/`.');
    return `${out.join('\n')}\n`;
  }
  out.push('| environment | objects | added | removed | changed | risky |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const e of diff.envs) {
    const risky = diff.risks.filter((r) => r.where === e.env || r.where.startsWith(`${e.env}/`)).length;
    out.push(`| ${cell(e.env)} | ${e.before} → ${e.after} | ${e.added} | ${e.removed} | ${e.changed} | ${risky ? `**${risky}**` : 0} |`);
  }
  out.push('');
  if (diff.risks.length > 0) {
    out.push(`### ⚠️ Risky changes (${diff.risks.length})`, '');
    for (const r of diff.risks) out.push(`- \`${r.where}\`: ${r.message.replace(/[<>]/g, (ch) => (ch === '<' ? '&lt;' : '&gt;'))}`);
    out.push('');
  }
  out.push('### Changes by service', '');
  for (const leaf of leafLines(diff, opts.maxValue)) {
    const body = leaf.lines.map((l) => `${l.sign} ${l.text}`).join('\n');
    const f = fence(body);
    out.push(
      '<details>',
      `<summary><code>${leaf.leaf}</code>: +${leaf.added} -${leaf.removed} ~${leaf.changed}</summary>`,
      '',
      `${f}text`,
      body,
      f,
      '',
      '</details>',
      '',
    );
  }
  return `${out.join('\n')}`;
}

