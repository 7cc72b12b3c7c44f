/**
 * Image sources no longer served (or no longer maintained), the one list the `image-source` rule
 * refuses: a pod pulling from one of them fails with ErrImagePull on its next start (a new node,
 * an eviction), long after the manifest was merged. Each entry says why and where that is stated.
 */

export interface RefusedImageSource {
  /** Registry host, as a pull resolves it (`docker.io` for short names such as `bitnami/kubectl`). */
  readonly registry: string;
  /** Repository path prefix under that registry (`bitnami/` refuses every repository of the namespace). @default every repository of the registry */
  readonly repository?: string;
  readonly reason: string;
  readonly source: string;
}

export const REFUSED_IMAGE_SOURCES: readonly RefusedImageSource[] = [
  {
    registry: 'docker.io', repository: 'bitnami/',
    reason: "Bitnami's 2025 catalog change: the public docker.io/bitnami images (all versioned tags) moved to docker.io/bitnamilegacy from 2025-08-28 and were removed from docker.io/bitnami on 2025-09-29",
    source: 'https://github.com/bitnami/containers/issues/83267',
  },
  {
    registry: 'docker.io', repository: 'bitnamilegacy/',
    reason: 'the Bitnami Legacy repository is a frozen copy: its images receive no updates or security fixes',
    source: 'https://github.com/bitnami/containers/issues/83267',
  },
  {
    registry: 'k8s.gcr.io',
    reason: 'the old Kubernetes registry is frozen since 2023-04-03 (no new images); images moved to registry.k8s.io',
    source: 'https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/',
  },
];

/** An image reference split as a container runtime resolves it. */
export interface ImageReference {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * Splits `image` as the Docker reference grammar does (github.com/distribution/reference):
 * the first component is a registry only if it has a `.` or `:` or is `localhost`; otherwise the
 * image is on docker.io, and a one-component name is under `library/`.
 */
export function parseImage(image: string): ImageReference {
  const [nameTag, digest] = image.split('@');
  const slash = nameTag.indexOf('/');
  const first = slash < 0 ? '' : nameTag.slice(0, slash);
  const hasRegistry = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first : 'docker.io';
  let rest = hasRegistry ? nameTag.slice(slash + 1) : nameTag;
  const colon = rest.lastIndexOf(':');
  const tag = colon > rest.lastIndexOf('/') && colon >= 0 ? rest.slice(colon + 1) : undefined;
  if (tag !== undefined) rest = rest.slice(0, colon);
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  return { registry, repository: rest, ...(tag !== undefined ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** The refused source `image` comes from; undefined when it is still served. */
export function refusedSourceOf(image: string, refused: readonly RefusedImageSource[] = REFUSED_IMAGE_SOURCES): RefusedImageSource | undefined {
  const { registry, repository } = parseImage(image);
  return refused.find((r) => r.registry === registry && (r.repository === undefined || repository.startsWith(r.repository)));
}

/** Why `image` is not pinned (no tag, or `latest` in any case); undefined when a tag or digest pins it. */
export function unpinnedReason(image: string): string | undefined {
  const { tag, digest } = parseImage(image);
  if (digest) return undefined;
  if (tag === undefined || tag === '') return 'has no tag (a pull takes latest)';
  // registries compare tags case-sensitively, so LATEST is as mutable as latest
  if (tag.toLowerCase() === 'latest') return `is tagged ${tag}, which moves`;
  return undefined;
}
