import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** ../shared beside the repository, unless --shared or GITOPS_SHARED_DIR says where. */
export function sharedDirOf(root: string, given?: string): string {
  const dir = resolve(given ?? process.env.GITOPS_SHARED_DIR ?? resolve(root, '../shared'));
  if (!existsSync(resolve(dir, 'addons'))) {
    throw new Error(`the add-ons' upstream CRDs are not in ${dir}/addons (pass --shared <dir> or set GITOPS_SHARED_DIR)`);
  }
  return dir;
}
