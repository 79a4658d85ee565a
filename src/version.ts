/**
 * The release version, read once from package.json. Its own module so that the CLI (`--version`)
 * and the server (OpenAPI `info.version`) share it without the CLI importing the server.
 */
import { createRequire } from 'node:module';

export const version: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;
