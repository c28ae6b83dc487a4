// npm audit over what Parley ships (issue 17, point 11): `npm audit --omit=dev` must report no
// high or critical advisory, unless docs/security.md explains it (and it is listed below with
// the same reason). Where the registry's audit endpoint does not answer (an offline mirror or a
// proxy that allows only GET), the test says so and skips: set PARLEY_REQUIRE_AUDIT=true to
// make that a failure where the endpoint must be reachable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Advisories accepted for now, by package name, with the reason (repeated in docs/security.md). */
const EXPLAINED: Record<string, string> = {};

interface AuditReport {
  auditReportVersion?: number;
  vulnerabilities?: Record<string, { name: string; severity: string; via: unknown[]; fixAvailable: unknown }>;
  metadata?: { vulnerabilities: Record<string, number> };
  message?: string;
  statusCode?: number;
  error?: { summary?: string };
}

function npmAudit(): Promise<AuditReport> {
  return new Promise((resolve) => {
    // npm exits non-zero when it finds advisories: read its JSON either way.
    execFile('npm', ['audit', '--omit=dev', '--json'], { cwd: new URL('../..', import.meta.url).pathname, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      try {
        resolve(JSON.parse(stdout) as AuditReport);
      } catch {
        // No JSON at all (no network, a timeout): report it as an unanswered audit.
        resolve({ message: `npm audit printed no JSON (${err?.message ?? 'no error'}): ${stdout.slice(0, 200)}` });
      }
    });
  });
}

/** High and critical advisories that EXPLAINED does not accept, as "name (severity)". */
function unexplainedSerious(report: AuditReport): string[] {
  return Object.values(report.vulnerabilities ?? {})
    .filter((v) => (v.severity === 'high' || v.severity === 'critical') && !EXPLAINED[v.name])
    .map((v) => `${v.name} (${v.severity})`);
}

test('the audit check catches a high or critical advisory, and lets low and moderate ones pass', () => {
  const report: AuditReport = {
    auditReportVersion: 2,
    vulnerabilities: {
      a: { name: 'a', severity: 'critical', via: [], fixAvailable: true },
      b: { name: 'b', severity: 'high', via: [], fixAvailable: false },
      c: { name: 'c', severity: 'moderate', via: [], fixAvailable: true },
      d: { name: 'd', severity: 'low', via: [], fixAvailable: true },
    },
  };
  assert.deepEqual(unexplainedSerious(report), ['a (critical)', 'b (high)']);
});

test('npm audit --omit=dev: no high or critical advisory that docs/security.md does not explain', { timeout: 150_000 }, async (t) => {
  const report = await npmAudit();
  if (report.auditReportVersion === undefined) {
    const why = report.error?.summary || report.message || JSON.stringify(report).slice(0, 200);
    if (process.env.PARLEY_REQUIRE_AUDIT === 'true') assert.fail(`the registry's audit endpoint did not answer: ${why}`);
    return t.skip(`the registry's audit endpoint did not answer here (${why}); see docs/security.md`);
  }
  t.diagnostic(`advisories by severity: ${JSON.stringify(report.metadata?.vulnerabilities ?? {})}`);
  assert.deepEqual(unexplainedSerious(report), [], 'fix these (npm audit fix / a newer version), or explain each in docs/security.md and EXPLAINED above');
  // Every accepted advisory is explained in the document too.
  const doc = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
  for (const name of Object.keys(EXPLAINED)) assert.ok(doc.includes(name), `docs/security.md explains ${name}`);
});
