/**
 * The lines the global setup prints at the top of a run: for each kind of suite that needs
 * something outside Node — an environment variable naming a service, Go, Chromium — whether it
 * runs or is skipped, and how to enable it. test/architecture/optional-suites.test.ts holds that
 * every variable a suite is skipped without has its line here.
 */
export interface OptionalSuiteInputs {
  /** The environment the suites read (`process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Why the Go interoperability suite cannot run, or undefined when it can. */
  readonly goUnavailable: string | undefined;
  readonly chromium: boolean;
}

export function optionalSuiteLines({
  env,
  goUnavailable,
  chromium,
}: OptionalSuiteInputs): string[] {
  return [
    env.DATABASE_URL
      ? 'PostgreSQL suites: running against DATABASE_URL'
      : 'PostgreSQL suites: SKIPPED (set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them)',
    env.NATS_URL
      ? 'NATS JetStream suites: running against NATS_URL'
      : 'NATS JetStream suites: SKIPPED (set NATS_URL=nats://127.0.0.1:4222 to run them)',
    goUnavailable === undefined
      ? 'Go tlog/note interoperability: running'
      : `Go tlog/note interoperability: SKIPPED (${goUnavailable})`,
    chromium
      ? 'Browser tests: running in /usr/bin/chromium'
      : 'Browser tests: SKIPPED (apt-get install chromium)',
  ];
}
