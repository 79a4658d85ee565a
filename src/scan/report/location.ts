import type { FindingLocation } from '../types.js';

/** `file:line:column`, `file $.path`, `file row 3 (iin)`, `file › chat #12 (2024-03-01T10:00:00, Author)`. */
export function describeLocation(location: FindingLocation): string {
  let out = location.source;
  if (location.line !== undefined)
    out += `:${location.line}${location.column !== undefined ? `:${location.column}` : ''}`;
  if (location.row !== undefined)
    out += ` row ${location.row}${location.field !== undefined ? ` (${location.field})` : ''}`;
  if (location.chat !== undefined) out += ` › ${location.chat}`;
  if (location.messageId !== undefined) out += ` #${location.messageId}`;
  const who = [location.date, location.author].filter((x) => x !== undefined && x !== '');
  if (who.length > 0) out += ` (${who.join(', ')})`;
  if (location.jsonPath !== undefined && location.messageId === undefined)
    out += ` ${location.jsonPath}`;
  return out;
}
