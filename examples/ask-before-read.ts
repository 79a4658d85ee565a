/**
 * An operator's service that asks Qalqan before it reads: the clinic's patient-record lookup.
 * Every read of a record first makes an access check with the system's API key; a deny is an
 * ordinary answer (with its reasons in kk / ru / en), and the record is not read.
 *
 * Run against a server (e.g. `npm start`, then the clinic's key from the printed credentials):
 *
 *   QALQAN_URL=http://127.0.0.1:8080 QALQAN_API_KEY=<clinic key> \
 *     npx tsx examples/ask-before-read.ts <patient IIN> <employee id>
 *
 * test/client/example.test.ts runs it against a composed server with the demo world.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { createQalqanClient, ok, type QalqanClient } from '@qalqan/client';

export interface PatientRecord {
  readonly name: string;
  readonly diagnoses: readonly string[];
}

/** Qalqan said no: the check's id (the citizen sees it too) and every reason. */
export class AccessDenied extends Error {
  constructor(
    readonly checkId: string,
    readonly reasons: readonly {
      readonly code: string;
      readonly message: { readonly en: string };
    }[],
  ) {
    super(`access denied (${reasons.map((r) => r.code).join(', ')}), check ${checkId}`);
    this.name = 'AccessDenied';
  }
}

export function patientRecords(qalqan: QalqanClient, records: ReadonlyMap<string, PatientRecord>) {
  return {
    /** The record of the patient `iin`, read by `employeeId` for their treatment. */
    async read(iin: string, employeeId: string): Promise<PatientRecord | undefined> {
      const answer = ok(
        await qalqan.POST('/v1/access-checks', {
          // A retry with the same key returns the first answer and records nothing twice.
          params: { header: { 'idempotency-key': randomUUID() } },
          body: {
            subject: iin,
            categories: ['identity', 'health'],
            purpose: 'health.treatment',
            legalBasis: 'consent',
            actor: { id: employeeId },
            action: 'read',
          },
          // Fail closed: no answer within two seconds is no access.
          signal: AbortSignal.timeout(2000),
        }),
      );
      if (answer.decision === 'deny') throw new AccessDenied(answer.checkId, answer.reasons);
      return records.get(iin);
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [iin, employee = 'dr-example'] = process.argv.slice(2);
  const { QALQAN_URL: baseUrl, QALQAN_API_KEY: apiKey } = process.env;
  if (!iin || !baseUrl || !apiKey) {
    console.error(
      'usage: QALQAN_URL=… QALQAN_API_KEY=… tsx examples/ask-before-read.ts IIN [EMPLOYEE]',
    );
    process.exit(2);
  }
  const records = new Map([[iin, { name: 'the patient', diagnoses: ['J06.9'] }]]);
  try {
    const record = await patientRecords(createQalqanClient({ baseUrl, apiKey }), records).read(
      iin,
      employee,
    );
    console.log('permitted; record:', record);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
