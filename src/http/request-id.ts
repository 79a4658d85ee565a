/**
 * Request ids. A caller's id is kept when it is well-formed, so traces join across services; it is
 * echoed in every answer and log line, so one that holds an IIN/BIN-shaped run is replaced.
 */
import { randomUUID } from 'node:crypto';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const IDENTIFIER_RUN = /\d{12}/;

/** The caller's request id when it is well-formed and holds no identifier; otherwise a new one. */
export function requestIdFor(given: unknown): string {
  return typeof given === 'string' && REQUEST_ID.test(given) && !IDENTIFIER_RUN.test(given)
    ? given
    : newRequestId();
}

/**
 * A random UUID without a 12-digit run (about 1 in 280 has one, in its last group): such an id
 * would be redacted from every log line as if it were an IIN, and could not be traced.
 */
export function newRequestId(): string {
  for (;;) {
    const id = randomUUID();
    if (!IDENTIFIER_RUN.test(id)) return id;
  }
}
