// Child process of render-faults.integration.test.ts: one write (a render and a prune, in one transaction,
// as synth() and the Nx batch executor apply them) or one recovery (what the next render does
// first), through the platform's writer. The test bundles it with esbuild so each run is a plain
// `node` process, and kills it with SYNTH_TEST_KILL_AT_STEP (writer.ts).
import { readFileSync } from 'node:fs';
import { recoverTransactions, writeLeaves, type InputFingerprint } from '../../../libs/platform/src/render/writer';

interface Job {
  readonly out: string;
  /** Leaf path to [file name, content] pairs. */
  readonly leaves: Record<string, [string, string][]>;
  readonly deletes: string[];
  /** What this render was made from. */
  readonly inputs: InputFingerprint;
  /** The inputs as they are now (a recovery compares a left-over transaction with them). */
  readonly current: InputFingerprint;
  /** Only recover left-over transactions. */
  readonly recoverOnly?: boolean;
}

const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Job;
const staleInputs = (recorded: InputFingerprint) => Object.keys({ ...recorded, ...job.current }).filter((k) => recorded[k] !== job.current[k]);
const onNote = () => undefined;
if (job.recoverOnly) {
  recoverTransactions(job.out, { staleInputs, onNote });
} else {
  const leaves = Object.entries(job.leaves).map(([path, files]) => ({ path, files: new Map(files) }));
  await writeLeaves(job.out, leaves, { deletes: job.deletes, inputs: job.inputs, staleInputs, onNote });
}
