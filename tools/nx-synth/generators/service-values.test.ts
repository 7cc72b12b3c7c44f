// The service generator's values edit reads the file with the workspace's linear reader
// (libs/platform/src/values/yaml-safe.ts parseYaml) instead of the yaml package's quadratic `uniqueKeys`:
// a key given twice is refused at its line and column, and nothing is returned to write.
import { describe, expect, it } from 'vitest';
import { addWebService } from './service';
const FILE = 'environments/staging/shop.yaml';

describe('addWebService', () => {
  it('refuses a values file with a key given twice, naming file, line, column and the first occurrence', () => {
    const text = 'namespace: shop\nwebServices:\n  api:\n    tag: "1"\n  api:\n    tag: "2"\n';
    expect(() => addWebService(text, FILE, 'notify', false)).toThrow(`${FILE}:5:3: webServices.api: YAML syntax error: Map keys must be unique; "api" is already set at 3:3\n${FILE}: fix it first`);
  });

  it('adds the entry and changes no other value', () => {
    const out = addWebService('namespace: shop # ours\nwebServices:\n  api:\n    tag: "1"\n', FILE, 'notify', false);
    expect(out.startsWith('namespace: shop # ours\nwebServices:\n  api:\n    tag: "1"\n  notify:\n')).toBe(true);
  });
});
