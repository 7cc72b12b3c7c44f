/**
 * environment.yaml as every reader loads it (`loadEnvironment`: the renderer, validate, the Argo CD
 * generator): a fleet that cannot be right is refused at the value to fix, file:line:col (issue 23
 * item 3).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '../testing';
import { findSystems } from './catalogue';
import { loadEnvironment } from './render';

const FILE = 'environments/staging/environment.yaml';
let cleanup = () => undefined as void;
afterEach(() => cleanup());

/** A workspace of this repository's libs/ (linked) and environments/ (copied), staging's environment.yaml `edit`ed; its text after the edit. */
function workspace(edit: (text: string) => string = (t) => t): { root: string; text: string } {
  const root = mkdtempSync(join(tmpdir(), 'environment-file-'));
  cleanup = () => rmSync(root, { recursive: true, force: true });
  symlinkSync(join(WORKSPACE_ROOT, 'libs'), join(root, 'libs'));
  cpSync(join(WORKSPACE_ROOT, 'environments'), join(root, 'environments'), { recursive: true });
  const text = edit(readFileSync(join(root, FILE), 'utf8'));
  writeFileSync(join(root, FILE), text);
  return { root, text };
}

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('loadEnvironment refuses a fleet that cannot be right', () => {
  it('a placement for a system the catalogue does not have, at its key, naming the systems there are', () => {
    // GIVEN staging places "quizmenter" (a typo of quizmentor)
    const { root, text } = workspace((t) => `${t.trimEnd()}\n  quizmenter: { clusters: [quizmentor-staging] }\n`);
    const systems = findSystems(root).map((s) => s.name).sort().join(', ');
    // THEN loading it fails with one line at that key
    expect(() => loadEnvironment('staging', root)).toThrow(
      new RegExp(`^${FILE}:${lineOf(text, 'quizmenter')}:\\d+: systems\\.quizmenter: no system quizmenter in the catalogue \\(systems: ${systems}\\)$`),
    );
  });

  it('a load-balancer subnet outside its cluster\'s VPC, at the subnet', () => {
    const { root, text } = workspace((t) => t.replace('loadBalancerSubnets: [10.10.1.0/24', 'loadBalancerSubnets: [192.168.77.0/24'));
    expect(() => loadEnvironment('staging', root)).toThrow(
      new RegExp(`^${FILE}:${lineOf(text, '192.168.77.0/24')}:\\d+: clusters\\.0\\.network\\.loadBalancerSubnets\\.0: 192\\.168\\.77\\.0/24 is not inside the cluster's VPC 10\\.10\\.0\\.0/16 \\(got "192\\.168\\.77\\.0/24"\\)$`),
    );
  });

  it("a cluster without its VPC id, saying what it is and why (issue 22 minor: the load-balancer controller's vpcId)", () => {
    // GIVEN kiteclass-staging's network without vpcId
    const { root } = workspace((t) => t.replace('      vpcId: vpc-0123456789abc0011\n', ''));
    // THEN the message names the field and where its value comes from
    expect(() => loadEnvironment('staging', root)).toThrow(
      new RegExp(`^${FILE}:\\d+:\\d+: clusters\\.0\\.network\\.vpcId: required, but missing: the cluster's VPC id \\(vpc-\\.\\.\\., Terraform's vpc_id output\\), which the AWS Load Balancer Controller needs: its pods cannot read it from the instance metadata \\(IMDSv2 hop limit 1\\)$`),
    );
  });

  it('a malformed VPC id, at the value', () => {
    const { root, text } = workspace((t) => t.replace('vpcId: vpc-0123456789abc0011', 'vpcId: vpc-123'));
    expect(() => loadEnvironment('staging', root)).toThrow(
      new RegExp(`^${FILE}:${lineOf(text, 'vpc-123')}:\\d+: clusters\\.0\\.network\\.vpcId: must be a VPC id such as vpc-0a1b2c3d4e5f60718 \\(vpc- and 8 or 17 hex digits\\) \\(got "vpc-123"\\)$`),
    );
  });

  it('the environment file of this repository loads', () => {
    expect(loadEnvironment('staging', workspace().root).name).toBe('staging');
  });
});
