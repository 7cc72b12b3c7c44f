/**
 * test:argocd installs Argo CD as README.md tells a user to: the argocd-cm block of "Installing on a
 * cluster that runs Argo CD" is exactly what the harness puts in argocd-cm.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { README_ARGOCD_CM } from './run';

describe("Argo CD's install settings", () => {
  it("the README's argocd-cm block is the harness's argocd-cm", () => {
    const readme = readFileSync(join(WORKSPACE_ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => b.includes('argocd-cm'));
    expect(blocks).toHaveLength(1);
    expect(parse(blocks[0]).data).toEqual(README_ARGOCD_CM);
  });
});
