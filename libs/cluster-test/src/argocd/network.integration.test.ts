/**
 * The network test:argocd gives Argo CD (network.ts): the repository under its own https URL
 * through the CONNECT proxy, read by the git command line as Argo CD's repo server runs it
 * (https_proxy, GIT_SSL_CAINFO), and every other host refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, WORKSPACE_ROOT } from '@gitops/platform/testing';
import { commitUnderTest, startConnectProxy, startGitServer, type ConnectProxy, type Served } from './network';

const REPO = 'https://github.com/gitops-manifests/gitops-manifests.git';
let dir: string;
let git: Served;
let proxy: ConnectProxy;
let caFile: string;
let sha: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'argocd-network-'));
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'github.com' }], {
    keySize: 2048,
    extensions: [{ name: 'basicConstraints', cA: true }, { name: 'subjectAltName', altNames: [{ type: 2, value: 'github.com' }] }],
  });
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, pems.cert);
  sha = commitUnderTest(WORKSPACE_ROOT, join(dir, 'index')).sha;
  git = await startGitServer({ root: WORKSPACE_ROOT, workDir: dir, repoURL: REPO, branch: 'main', sha, cert: pems.cert, key: pems.private });
  proxy = await startConnectProxy(new Map([['github.com:443', git.port]]));
}, 60_000);

afterAll(async () => {
  await git?.close();
  await proxy?.close();
  rmSync(dir, { recursive: true, force: true });
});

// asynchronous: the servers answer from this process's event loop
const gitThroughProxy = (args: string[], trust = true) =>
  runCommand('git', args, { cwd: dir, env: { PATH: process.env.PATH, HOME: '/dev/null', https_proxy: proxy.url, GIT_TERMINAL_PROMPT: 'false', ...(trust ? { GIT_SSL_CAINFO: caFile } : {}) } });

describe('the network Argo CD is given', () => {
  it('serves the commit under test as branch main of the repository URL, through the proxy, with TLS verified', async () => {
    const r = await gitThroughProxy(['ls-remote', REPO]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${sha}\trefs/heads/main`);
    const clone = await gitThroughProxy(['clone', '--quiet', '--depth', '1', REPO, 'clone']);
    expect(clone.status, clone.stderr).toBe(0);
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: join(dir, 'clone'), encoding: 'utf8' }).trim()).toBe(sha);
  });

  it('refuses a host it does not know, and remembers it (an add-on chart repository)', async () => {
    const r = await gitThroughProxy(['ls-remote', 'https://charts.jetstack.io/repo.git']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/CONNECT|403|proxy/i);
    expect(proxy.refused.get('charts.jetstack.io:443')).toBeGreaterThan(0);
  });

  it('closes while a tunnel is open (test:argocd ends with Argo CD still connected)', async () => {
    const second = await startConnectProxy(new Map([['github.com:443', git.port]]));
    const tunnel = connect(second.port, '127.0.0.1');
    await new Promise<void>((resolve) => tunnel.once('connect', () => resolve()));
    tunnel.write('CONNECT github.com:443 HTTP/1.1\r\nhost: github.com:443\r\n\r\n');
    const answer = await new Promise<string>((resolve) => tunnel.once('data', (d) => resolve(String(d))));
    expect(answer).toContain('200 Connection Established');
    await second.close(); // resolves (the test would time out otherwise)
    await new Promise<void>((resolve) => (tunnel.destroyed ? resolve() : tunnel.once('close', () => resolve())));
  });

  it('fails TLS for a client that does not trust the certificate (a repository Argo CD cannot read)', async () => {
    const r = await gitThroughProxy(['ls-remote', REPO], false);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/certificate|SSL/i);
  });
});
