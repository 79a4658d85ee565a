/**
 * Says once, at the top of the run, which external-service suites run and which are skipped, so a
 * newcomer without PostgreSQL or NATS sees why fewer tests ran and CI sees that they did run.
 */
export default function announceSuites(): void {
  const lines = [
    process.env.DATABASE_URL
      ? 'PostgreSQL suites: running against DATABASE_URL'
      : 'PostgreSQL suites: SKIPPED (set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them)',
    process.env.NATS_URL
      ? 'NATS suites: running against NATS_URL'
      : 'NATS suites: SKIPPED (set NATS_URL=nats://127.0.0.1:4222 to run them)',
  ];
  console.log(`\n${lines.join('\n')}\n`);
}
