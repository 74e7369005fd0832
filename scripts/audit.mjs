// `npm run test:audit`: `npm audit --omit=dev` must report no high or critical advisory for what the
// app ships. Where the registry refuses the audit endpoint (this project's sandbox answers 405: it
// only allows GET), the check cannot run: it says so loudly and passes, unless
// AUSCULT_REQUIRE_AUDIT=1 (set it wherever the audit endpoint is reachable).
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
let report;
try {
  report = JSON.parse(run.stdout || '{}');
} catch {
  report = {};
}
const counts = report.metadata?.vulnerabilities;
if (!counts) {
  const why = report.message ?? report.error?.summary ?? (run.stderr || 'no report').split('\n')[0];
  console.warn(`npm audit could not run here: ${why}`);
  if (process.env.AUSCULT_REQUIRE_AUDIT === '1') process.exit(1);
  console.warn('SKIPPED: the advisory check needs a registry that accepts npm audit (set AUSCULT_REQUIRE_AUDIT=1 there).');
  process.exit(0);
}
const bad = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(`npm audit --omit=dev: ${JSON.stringify(counts)}`);
if (bad > 0) {
  console.error(`${bad} high/critical advisories in production dependencies.`);
  process.exit(1);
}
