/** Regenerates libs/kubeconform/schemas/generated/*.json from the installed kubernetes-models packages. */
import { writeFileSync, mkdirSync } from 'node:fs';
import { PACKAGES, GENERATED_DIR, bundlePath, generateBundle, serializeBundle } from './schema-bundle.js';

mkdirSync(GENERATED_DIR, { recursive: true });
for (const spec of PACKAGES) {
  const started = Date.now();
  const bundle = await generateBundle(spec);
  writeFileSync(bundlePath(spec), serializeBundle(bundle));
  console.log(
    `${bundle.source}: ${Object.keys(bundle.kinds).length} kinds, ${Object.keys(bundle.definitions).length} definitions (${Date.now() - started} ms)`,
  );
}
