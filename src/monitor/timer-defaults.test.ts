/**
 * docs/MONITOR.md states the monitoring centre's default intervals, windows and timeouts as
 * numbers; each is held here to the constant the code uses, so neither can change alone.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACK_WAIT_MS, DUPLICATE_WINDOW_MS, STREAM_MAX_AGE_MS } from '../events/jetstream.js';
import { LIVE_POLL_MS } from './alerts.service.js';
import { JURISDICTIONS } from './breach-clock.js';
import { DEFAULT_LIMITS } from './engine.js';
import { RULES_POLL_MS, STANDBY_RETRY_MS } from './evaluator.js';
import { RETENTION_MARGIN_MS } from './event-retention.js';
import { CASE_LOOKBACK_MS } from './incidents.js';
import { HEARTBEAT_MS } from './leader-lock.js';
import { LIVE_BATCH, LOG_POLL_MS } from './log-feed.js';
import { PRUNE_EVERY_MS } from './monitor.module.js';
import { STREAM_KEEP_ALIVE_MS } from './monitor.routes.js';
import { SWEEP_EVERY_MS } from './response.module.js';
import { DEFAULT_THROTTLE_LIMIT, RESPONSES_CACHE_MS } from './responses.js';
import { SLICES_PER_HORIZON } from './seen-ids.js';

const doc = readFileSync(new URL('../../docs/MONITOR.md', import.meta.url), 'utf8').replace(
  /\s+/g,
  ' ',
);

const MS = 1;
const S = 1_000;
const MIN = 60 * S;
const H = 60 * MIN;
const DAY = 24 * H;

const gdpr = JURISDICTIONS.GDPR?.clock;

/** The phrase (its number in the one group), the number's unit, and the code's value. */
const DOCUMENTED: readonly (readonly [string, RegExp, number, number])[] = [
  ['log feed poll', /polling every (\d+) ms for other instances' rows/, MS, LOG_POLL_MS],
  ['live batch', /live in batches of at most (\d+) events/, 1, LIVE_BATCH],
  ['standby retry', /the others stand by and ask again every (\d+) ms/, MS, STANDBY_RETRY_MS],
  ['rule-change poll', /reads the counter every (\d+) ms \(`rulesPollMs`\)/, MS, RULES_POLL_MS],
  [
    'live feed poll',
    /looks every (\d+) ms for alerts stored or changed by other instances/,
    MS,
    LIVE_POLL_MS,
  ],
  ['retention timer', /On a timer \(every (\d+) minutes; `pruneEveryMs`\)/, MIN, PRUNE_EVERY_MS],
  [
    'retention margin',
    /the longest window of the rules in force plus (one) day/,
    DAY,
    RETENTION_MARGIN_MS,
  ],
  [
    'dedup horizon',
    /within `dedupHorizonMs` \(default (\d+) h\)/,
    H,
    DEFAULT_LIMITS.dedupHorizonMs,
  ],
  [
    'late events',
    /more than the dedup horizon \((\d+) h\) behind/,
    H,
    DEFAULT_LIMITS.dedupHorizonMs,
  ],
  ['seen-id slices', /a ([\d,]+)th of the horizon/, 1, SLICES_PER_HORIZON],
  ['reference re-read', /the leader re-reads them every (\d+) s/, S, SWEEP_EVERY_MS],
  ['response sweep', /the sweep \(every (\d+) s on the leader\)/, S, SWEEP_EVERY_MS],
  ['responses snapshot', /at most (\d+) s old otherwise/, S, RESPONSES_CACHE_MS],
  ["a rule's throttle", /a rule's throttle: (\d+)\/minute/, 1, DEFAULT_THROTTLE_LIMIT],
  [
    'GDPR breach clock',
    /\*\*GDPR\*\*: (\d+) calendar hours/,
    H,
    gdpr?.kind === 'hours' ? gdpr.hours * H : NaN,
  ],
  [
    'incident window from a case',
    /its window runs from a (day) before the case's earliest alert/,
    DAY,
    CASE_LOOKBACK_MS,
  ],
  ['stream retention', /(\d+) days, `Nats-Msg-Id`/, DAY, STREAM_MAX_AGE_MS],
  [
    'stream duplicate window',
    /within the stream's (\d+)-minute duplicate window/,
    MIN,
    DUPLICATE_WINDOW_MS,
  ],
  ['ack wait', /explicit acks, (\d+) s ack wait/, S, ACK_WAIT_MS],
  ['leader heartbeat', /a heartbeat \(`select 1` every (\d+) s/, S, HEARTBEAT_MS],
  ['alert stream keep-alive', /writes a comment line every (\d+) s/, S, STREAM_KEEP_ALIVE_MS],
];

const WORDS: Readonly<Record<string, number>> = { one: 1, day: 1 };

describe('the defaults docs/MONITOR.md states', () => {
  it.each(DOCUMENTED)('%s: as the code has it', (_name, phrase, unit, code) => {
    const found = [...doc.matchAll(new RegExp(phrase, 'g'))];
    expect(found, `docs/MONITOR.md should say ${String(phrase)} once`).toHaveLength(1);
    const text = found[0]![1]!;
    const number = WORDS[text] ?? Number(text.replaceAll(',', ''));
    expect(number * unit).toBe(code);
  });
});
