/**
 * npm run rollout [-- --root <repo>]: simulates installing argocd/bootstrap on empty clusters and
 * prints every Application's outcome per cluster; exits 1 when any is stuck.
 */
import { Command, InvalidArgumentError } from 'commander';
import { formatOutcomes, simulateRollout } from '../simulate';

const program = new Command('rollout')
  .description('Simulate Argo CD rolling out argocd/bootstrap on empty clusters')
  .option('--root <dir>', 'repository root holding argocd/ and dist/', process.cwd())
  .option('--max-seconds <n>', 'simulated time limit in seconds (a positive whole number)', (v) => {
    // a limit that is not a positive number would simulate nothing and report "0 of 0 converged"
    if (!/^\d+$/.test(v) || Number(v) <= 0) throw new InvalidArgumentError(`'${v}' is not a positive whole number of seconds`);
    return v;
  }, '7200')
  .option('--start <iso>', 'wall-clock time of the bootstrap, for sync windows (default: now)')
  .parse();
const opts = program.opts<{ root: string; maxSeconds: string; start?: string }>();
const started = Date.now();
const start = opts.start ? new Date(opts.start) : undefined;
if (start && Number.isNaN(start.getTime())) {
  console.error(`--start ${opts.start}: not a date (ISO 8601, e.g. 2026-11-25T02:00:00Z)`);
  process.exit(2);
}
let result;
try {
  result = simulateRollout({ root: opts.root, maxSeconds: Number(opts.maxSeconds), start });
} catch (e) {
  // An unreadable bootstrap: one line naming the file and the reason.
  console.error((e as Error).message);
  process.exit(2);
}
console.log(formatOutcomes(result));
const stuck = result.outcomes.filter((o) => !o.converged).length;
console.log(`\n${result.outcomes.length - stuck} of ${result.outcomes.length} Applications converged, ${stuck} stuck; ${result.rounds} rounds simulated in ${Date.now() - started} ms`);
process.exit(stuck || result.errors.length ? 1 : 0);
