/**
 * Trace a value (issue 15 item 9): every file in dist/ names, in its first line, the project and
 * the values files it was rendered from, and following that line leads to the value. Checked on
 * today's dist/ (every file) and on a render in a scratch workspace, where a value changed in the
 * named file shows up in the file that names it and nowhere that does not.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { glob } from 'tinyglobby';
import { parseDistFile, renderedLeafOf } from '@gitops/platform';
import { readTree, runCommand, scratchWorkspace, WORKSPACE_ROOT } from '@gitops/platform/testing';

/** `# Rendered from <project> with <values> and <values> for <leaf>. ...` */
const HEADER = /^# Rendered from (\S+) with (\S+(?: and \S+)*) for (\S+)\. Do not edit: /;

describe('every rendered file names where its values come from', () => {
  it('in dist/: the project, its system values file and its environment file, all existing', async () => {
    const files = await glob('dist/**/*.yaml', { cwd: WORKSPACE_ROOT });
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const where = parseDistFile(file);
      expect(where, file).toBeDefined();
      const first = readFileSync(join(WORKSPACE_ROOT, file), 'utf8').split('\n', 1)[0];
      const m = HEADER.exec(first);
      expect(m, `${file}: ${first}`).not.toBeNull();
      const [, project, values, leaf] = m!;
      expect(`dist/${leaf}`).toBe(where!.leaf);
      // the project folder holds the service's code
      expect(existsSync(join(WORKSPACE_ROOT, project, 'src')), `${file}: ${project}`).toBe(true);
      expect(values.split(' and ')).toEqual([`environments/${where!.env}/${where!.system}.yaml`, `environments/${where!.env}/environment.yaml`]);
      for (const v of values.split(' and ')) expect(existsSync(join(WORKSPACE_ROOT, v)), `${file}: ${v}`).toBe(true);
      // the prune recognises it as the renderer's own
      expect(renderedLeafOf(first)).toBe(leaf);
    }
  });

  describe('following a header leads to the value', () => {
    const ws = scratchWorkspace();
    afterAll(() => ws.cleanup());

    it('a value changed in the file the header names changes that file, and only files naming it', async () => {
      const target = 'dist/staging/kiteclass/kiteclass-core/Deployment.kiteclass-core.yaml';
      const first = readFileSync(join(ws.root, target), 'utf8').split('\n', 1)[0];
      const named = HEADER.exec(first)![2].split(' and ')[0];
      const before = readTree(join(ws.root, 'dist'));
      // the root log level, which the Spring services pass on as LOGGING_LEVEL_ROOT
      const valuesPath = join(ws.root, named);
      const text = readFileSync(valuesPath, 'utf8');
      const was = /^\s*logLevelRoot:\s*(\S+)/m.exec(text)![1];
      const now = was === 'DEBUG' ? 'TRACE' : 'DEBUG';
      const changed = text.replace(/^(\s*logLevelRoot:\s*)\S+/m, `$1${now}`);
      writeFileSync(valuesPath, changed);
      const run = await runCommand(process.execPath, ['--import', 'tsx', 'libs/platform/src/cli/synth.ts', '--all'], { cwd: ws.root });
      expect(run.status, run.stderr).toBe(0);
      const after = readTree(join(ws.root, 'dist'));
      const differing = [...after.keys()].filter((f) => before.get(f) !== after.get(f));
      expect(differing).toContain(target.replace(/^dist\//, ''));
      for (const f of differing) expect(after.get(f)!.split('\n', 1)[0], f).toContain(` ${named} `);
      expect(after.get(target.replace(/^dist\//, ''))).toMatch(new RegExp(`name: LOGGING_LEVEL_ROOT\\n\\s+value: ${now}\\n`));
    });
  });
});
