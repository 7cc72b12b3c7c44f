/**
 * Values checks on large files (issue 10 item 17): the duplicate-key check and the per-problem
 * messages must grow linearly (the yaml package's own check compared each key with every earlier
 * one: 40k keys took 11.7 s; messages converted the document again per problem: 3,000 took 209 s).
 */
import { z } from 'zod';
import { parseValues, ValuesError } from '../libs/platform/src/values/values';

const Counts = z.strictObject({ counts: z.record(z.string(), z.number().int().min(0, 'must not be negative')) });

/** ms to refuse a file of `n` entries: one key given twice, or every entry bad. */
export function valuesCheckMs(n: number, kind: 'duplicate' | 'bad'): number {
  const entries = Array.from({ length: n }, (_, i) => `  k${i}: ${kind === 'bad' ? -1 : 1}`);
  const text = `counts:\n${entries.join('\n')}\n${kind === 'duplicate' ? '  k0: 2\n' : ''}`;
  const started = performance.now();
  try {
    parseValues(text, 'bench.yaml', Counts);
  } catch (e) {
    if (!(e instanceof ValuesError)) throw e;
    return performance.now() - started;
  }
  throw new Error('bench: the values were expected to be refused');
}
