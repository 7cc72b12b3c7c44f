/**
 * A minimal Kubernetes REST client for the harness: discovery, get/list, and server-side apply
 * (PATCH with application/apply-patch+yaml, optionally ?dryRun=All), as kubectl does
 * (`kubectl apply --server-side [--dry-run=server]`). The API server's own message is kept as is.
 */
import { request } from 'node:https';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [k: string]: any;
}

export interface ApiResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/** A refusal by the API server: its HTTP status and its own message (Status.message). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly reason: string, message: string) {
    super(message);
  }
}

export class KubeClient {
  private resources?: Map<string, ApiResource>;

  constructor(readonly server: string, private readonly token: string, private readonly ca: string) {}

  async request<T = any>(method: string, path: string, body?: string, contentType = 'application/json'): Promise<T> {
    const url = new URL(path, this.server);
    return new Promise<T>((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          ca: this.ca,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: 'application/json',
            ...(body !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } : {}),
          },
          timeout: 60_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: any = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // a plain-text answer (e.g. /readyz)
            }
            if ((res.statusCode ?? 500) >= 400) {
              reject(new ApiError(res.statusCode ?? 500, parsed?.reason ?? '', parsed?.message ?? String(text).trim()));
            } else resolve(parsed as T);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /** Discovery: every resource the server serves now (CRDs included), by "group/Kind". */
  async discover(): Promise<Map<string, ApiResource>> {
    const map = new Map<string, ApiResource>();
    const add = (group: string, version: string, list: any) => {
      for (const r of list?.resources ?? []) {
        if (String(r.name).includes('/')) continue; // subresources
        const key = `${group}/${r.kind}`;
        if (!map.has(key)) map.set(key, { group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced });
      }
    };
    add('', 'v1', await this.request('GET', '/api/v1'));
    const groups = await this.request('GET', '/apis');
    for (const g of groups.groups ?? []) {
      // the preferred version first, so a kind is addressed as the server prefers
      const versions = [g.preferredVersion, ...g.versions.filter((v: any) => v.version !== g.preferredVersion?.version)];
      for (const v of versions) add(g.name, v.version, await this.request('GET', `/apis/${g.name}/${v.version}`));
    }
    this.resources = map;
    return map;
  }

  /** The REST path of an object (or of its collection when `name` is omitted). */
  async pathOf(apiVersion: string, kind: string, namespace?: string, name?: string, refresh = false): Promise<string> {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    let resource = (refresh ? undefined : this.resources)?.get(`${group}/${kind}`);
    if (!resource) resource = (await this.discover()).get(`${group}/${kind}`);
    if (!resource) throw new ApiError(404, 'NotFound', `the server doesn't have a resource type for ${kind} in ${apiVersion} (no matches for kind "${kind}" in version "${apiVersion}")`);
    const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const ns = resource.namespaced ? `/namespaces/${namespace ?? 'default'}` : '';
    return `${base}${ns}/${resource.plural}${name ? `/${name}` : ''}`;
  }

  /** Server-side apply, as `kubectl apply --server-side --force-conflicts [--dry-run=server]`. */
  async apply(object: KubeObject, options: { dryRun?: boolean; fieldManager?: string } = {}): Promise<KubeObject> {
    const path = await this.pathOf(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
    const query = new URLSearchParams({ fieldManager: options.fieldManager ?? 'argocd-controller', force: 'true' });
    if (options.dryRun) query.set('dryRun', 'All');
    return this.request('PATCH', `${path}?${query}`, JSON.stringify(object), 'application/apply-patch+yaml');
  }

  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.request('GET', await this.pathOf(apiVersion, kind, namespace, name));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  async list(apiVersion: string, kind: string, namespace?: string): Promise<KubeObject[]> {
    const path = await this.pathOf(apiVersion, kind, namespace);
    const all = namespace === undefined ? path.replace(/\/namespaces\/default\//, '/') : path;
    return (await this.request('GET', all)).items ?? [];
  }

  async create(object: KubeObject): Promise<KubeObject> {
    const path = await this.pathOf(object.apiVersion, object.kind, object.metadata.namespace);
    return this.request('POST', path, JSON.stringify(object));
  }
}
