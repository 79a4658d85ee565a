/**
 * The typed client is only as good as its types: they are generated from the OpenAPI document the
 * server serves, and this test fails as soon as the committed `packages/client/src/schema.d.ts`
 * differs from what the server serves now (a route, a body or an answer changed).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GENERATE_COMMAND,
  renderSchema,
  SCHEMA_FILE,
  serverOpenApi,
} from '../../packages/client/scripts/openapi.js';

describe('the typed client (packages/client)', () => {
  it('has the types of the OpenAPI document the server serves now', async () => {
    const document = await serverOpenApi();
    expect(Object.keys(document.paths ?? {})).toContain('/v1/access-checks');
    const expected = await renderSchema(document);
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    if (committed !== expected) {
      const lines = committed.split('\n');
      const at = expected.split('\n').findIndex((line, i) => line !== lines[i]);
      expect.fail(
        `packages/client/src/schema.d.ts is out of date with the server's OpenAPI document ` +
          `(first difference at line ${at + 1}); run \`${GENERATE_COMMAND}\` and commit the result.`,
      );
    }
    expect(committed).toContain("'/v1/access-checks'");
    // Composing a server, generating and formatting 180 kB of types: seconds, more under load.
  }, 120_000);
});
