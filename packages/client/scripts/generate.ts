/**
 * `npm run generate -w packages/client`: rewrites src/schema.d.ts from the OpenAPI document the
 * server serves now. Commit the result with the route change that caused it.
 */
import { writeFileSync } from 'node:fs';
import { renderSchema, SCHEMA_FILE, serverOpenApi } from './openapi.js';

const text = await renderSchema(await serverOpenApi());
writeFileSync(SCHEMA_FILE, text);
console.log(`wrote ${SCHEMA_FILE} (${text.length} characters)`);
