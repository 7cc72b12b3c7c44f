#!/usr/bin/env tsx
/**
 * `synth`: renders service projects into dist/. Nx runs the same code per project through the
 * executor (tools/nx-synth); `npm run synth` runs it bundled, in one process, with argocd/.
 */
import { runSynthCli } from './synth-program';

await runSynthCli(process.argv.slice(2));
