/**
 * Redis memory settings, read as Redis reads them, for the values schema and the policy check.
 */

/**
 * Bytes of a redis.conf memory size: "1k => 1000 bytes, 1kb => 1024 bytes, 1m => 1000000 bytes,
 * 1mb => 1024*1024 bytes, 1g => 1000000000 bytes, 1gb => 1024*1024*1024 bytes; units are case
 * insensitive" (redis.conf, "Note on units"; https://redis.io/docs/latest/operate/oss_and_stack/management/config-file/).
 * @returns undefined for text Redis would refuse
 */
export function redisMemoryBytes(size: string): number | undefined {
  const m = /^(\d+)(k|kb|m|mb|g|gb)?$/i.exec(size.trim());
  if (!m) return undefined;
  const unit: Record<string, number> = { '': 1, k: 1e3, kb: 2 ** 10, m: 1e6, mb: 2 ** 20, g: 1e9, gb: 2 ** 30 };
  return Number(m[1]) * unit[(m[2] ?? '').toLowerCase()];
}

/**
 * The largest share of a Redis container's memory limit `maxmemory` may take. maxmemory counts
 * the dataset only: client and replication buffers, the AOF buffer, allocator fragmentation and
 * the copy-on-write pages of a background save or AOF rewrite come on top ("a background save
 * can use up to 2 times the memory normally used", Redis administration tips,
 * https://redis.io/docs/latest/operate/oss_and_stack/management/admin/), and past the limit
 * the kernel's OOM killer ends the pod instead of Redis evicting keys.
 */
export const REDIS_MAXMEMORY_SHARE = 0.75;
