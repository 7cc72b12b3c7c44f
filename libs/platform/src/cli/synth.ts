#!/usr/bin/env tsx
/**
 * `synth`: renders service projects into dist/. Nx runs the same code per project through the
 * batch executor (tools/nx-synth); `npm run synth:all` runs it bundled, in one process.
 */
import { runSynthCli } from './synth-program';

await runSynthCli(process.argv.slice(2));
