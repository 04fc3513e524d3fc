/**
 * `npm run audit:verify -- --export <file> --checkpoint <file> --log-key <vkey> [--witness-key <vkey>]`:
 * checks an export of the audit log against a checkpoint, with no server. The checkpoint is best
 * the witness's (GET /api/v1/audit/checkpoint?witnessed=true, its `note`), and the keys are the
 * ones published for the log and for the witness (the same answer's `logKey` and `witnessKey`),
 * obtained once and kept, not taken from the export being checked.
 *
 * Prints a report (`--json` for the report as JSON) and exits 0 when everything verifies, 1 when
 * something does not (naming the first bad entry), 2 on bad arguments.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ExportVerifier, type VerificationReport } from './domain/audit-export';
import { NoteVerifier } from './domain/note';

export interface VerifyOptions {
  exportFile: string;
  checkpoint: string;
  logKey: string;
  witnessKey?: string;
}

export async function verifyExportFile(options: VerifyOptions): Promise<VerificationReport> {
  const verifier = new ExportVerifier(
    { log: NoteVerifier.fromVkey(options.logKey), ...(options.witnessKey ? { witness: NoteVerifier.fromVkey(options.witnessKey) } : {}) },
    options.checkpoint,
  );
  const lines = createInterface({ input: createReadStream(options.exportFile, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) verifier.line(line);
  return verifier.finish();
}

export function describeReport(report: VerificationReport): string {
  const lines = [
    `log ${report.origin || '(unknown)'} (${report.hash || '?'}): entries ${report.start}…${report.end - 1}`,
    `trusted checkpoint: ${report.trusted.size} entries, root ${report.trusted.root}, signed by ${report.trusted.signedBy.join(', ')}`,
    `checkpoints of the export reproduced: ${report.checkpointsVerified}`,
  ];
  if (report.ok) lines.push('OK: every entry is the one the log signed');
  else {
    if (report.firstBadEntry !== undefined) lines.push(`FAILED: the first bad entry is ${report.firstBadEntry}`);
    else lines.push('FAILED');
    for (const problem of report.problems) lines.push(`  - ${problem.message}`);
  }
  return `${lines.join('\n')}\n`;
}

const usage = 'usage: npm run audit:verify -- --export <file> --checkpoint <file> --log-key <vkey> [--witness-key <vkey>] [--json]\n';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        export: { type: 'string' },
        checkpoint: { type: 'string' },
        'log-key': { type: 'string' },
        'witness-key': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  const missing = (['export', 'checkpoint', 'log-key'] as const).filter((name) => !values[name]);
  if (missing.length) {
    process.stderr.write(`missing ${missing.map((m) => `--${m}`).join(', ')}\n${usage}`);
    return 2;
  }
  let report: VerificationReport;
  try {
    report = await verifyExportFile({
      exportFile: values.export!,
      checkpoint: readFileSync(values.checkpoint!, 'utf8'),
      logKey: values['log-key']!,
      ...(values['witness-key'] ? { witnessKey: values['witness-key'] } : {}),
    });
  } catch (err) {
    // The trusted checkpoint or a key is unusable: nothing can be verified against it.
    process.stderr.write(`audit:verify: ${(err as Error).message}\n`);
    return 2;
  }
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : describeReport(report));
  return report.ok ? 0 : 1;
}

if (require.main === module) void main().then((code) => process.exit(code));
