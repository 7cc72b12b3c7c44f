/**
 * What Argo CD reaches over the network, on loopback: the repository served over HTTPS as git's
 * smart HTTP protocol (`git http-backend`, the CGI program git ships for it), and one HTTP CONNECT
 * proxy that stands for the network. Argo CD's processes get HTTPS_PROXY, so the repository keeps
 * its URL (`https://github.com/...`) and each cluster its `server` URL from environments/; the
 * proxy connects a host it knows to its local port and refuses every other one (no internet here:
 * the add-ons' Helm chart repositories are refused, and the refusal is what their Applications
 * report).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';

export interface Served {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const listen = (server: Server) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
const closer = (server: Server) => () => new Promise<void>((resolve) => {
  server.closeAllConnections?.();
  server.close(() => resolve());
});

/**
 * The commit Argo CD is given: HEAD when the working tree is clean, else a commit of the working
 * tree as it stands (what the pull request would merge), made with a scratch index so neither the
 * index nor HEAD of the checkout changes.
 */
export function commitUnderTest(root: string, scratchIndex: string): { sha: string; describe: string } {
  const git = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const head = git(['rev-parse', 'HEAD']);
  if (git(['status', '--porcelain', '--untracked-files=all']) === '') return { sha: head, describe: `HEAD ${head.slice(0, 12)}` };
  const env = { GIT_INDEX_FILE: scratchIndex };
  git(['read-tree', 'HEAD'], env);
  git(['add', '-A'], env);
  const tree = git(['write-tree'], env);
  const identity = { GIT_AUTHOR_NAME: 'test:argocd', GIT_AUTHOR_EMAIL: 'test-argocd@localhost', GIT_COMMITTER_NAME: 'test:argocd', GIT_COMMITTER_EMAIL: 'test-argocd@localhost' };
  const sha = git(['commit-tree', tree, '-p', head, '-m', 'test:argocd: the working tree under test'], identity);
  return { sha, describe: `the working tree on HEAD ${head.slice(0, 12)} (commit ${sha.slice(0, 12)})` };
}

/**
 * Serves `sha` as branch `branch` of the repository at `repoURL`'s path, over HTTPS with `cert`.
 * Read only: git-receive-pack is not enabled.
 */
export async function startGitServer(options: { root: string; workDir: string; repoURL: string; branch: string; sha: string; cert: string; key: string }): Promise<Served> {
  const repoPath = new URL(options.repoURL).pathname; // /owner/name.git
  const projectRoot = join(options.workDir, 'git');
  const bare = join(projectRoot, repoPath);
  mkdirSync(bare, { recursive: true });
  execFileSync('git', ['init', '--quiet', '--bare', bare]);
  execFileSync('git', ['push', '--quiet', bare, `${options.sha}:refs/heads/${options.branch}`], { cwd: options.root, stdio: ['ignore', 'pipe', 'pipe'] });
  execFileSync('git', ['symbolic-ref', 'HEAD', `refs/heads/${options.branch}`], { cwd: bare }); // the default branch, as on the host
  const server = createHttpsServer({ cert: options.cert, key: options.key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    // git http-backend speaks CGI: the request in environment variables and on stdin
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_ADDR: '127.0.0.1',
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', (code) => {
      if (!headersDone) {
        res.writeHead(500);
        res.end(`git http-backend exited ${code}`);
      } else res.end();
    });
  });
  const port = await listen(server);
  return { url: `https://127.0.0.1:${port}`, port, close: closer(server) };
}

export interface ConnectProxy extends Served {
  /** Hosts (host:port) asked for and refused, with how often. */
  readonly refused: Map<string, number>;
}

/** An HTTP CONNECT proxy that maps each known `host:port` to a loopback port and refuses the rest. */
export async function startConnectProxy(routes: ReadonlyMap<string, number>): Promise<ConnectProxy> {
  const refused = new Map<string, number>();
  const server = createHttpServer((req, res) => {
    // a plain http:// request through the proxy: nothing here is served over plain HTTP
    refused.set(req.headers.host ?? '?', (refused.get(req.headers.host ?? '?') ?? 0) + 1);
    res.writeHead(403).end('no network here\n');
  });
  const tunnels = new Set<Duplex>();
  server.on('connect', (req, socket, head) => {
    tunnels.add(socket);
    socket.on('close', () => tunnels.delete(socket));
    const target = req.url ?? '';
    const port = routes.get(target.toLowerCase());
    if (port === undefined) {
      refused.set(target, (refused.get(target) ?? 0) + 1);
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    const drop = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on('error', drop);
    socket.on('error', drop);
    socket.on('close', () => upstream.destroy());
  });
  const port = await listen(server);
  // a tunnelled socket leaves the HTTP server's books, so close() would wait for it for ever
  const close = async () => {
    for (const s of tunnels) s.destroy();
    await closer(server)();
  };
  return { url: `http://127.0.0.1:${port}`, port, refused, close };
}
