import { fromByteString } from '../bytes.js';
import { guardKey } from '../mask.js';
import type { JsonString, PathEntry } from './json-tokenizer.js';
import {
  DEFAULT_JSON_WINDOW,
  JsonTokenizer,
  formatPath,
  type JsonWindowOptions,
} from './json-tokenizer.js';
import { TelegramTracker } from './telegram.js';
import type { Mask, Reader, ReaderContext, Unit } from './unit.js';

/**
 * JSON of any shape: every string value, key and number is scanned; findings carry the JSON path.
 * A value is scanned with its key as context («"iin": "900515201238"», «"last_ip": …»). Keys are
 * scanned too (dumps keyed by IIN exist), and a key holding a finding is masked in the path so the
 * path does not echo the value. With `telegram`, the Telegram Desktop export rules apply.
 *
 * @example
 * const reader = createJsonReader(ctx, { telegram: false });
 * reader.push(toByteString('{"users":[{"iin":"900515201238"}]}'));
 * reader.end(); // finding at $.users[0].iin
 */
export function createJsonReader(
  ctx: ReaderContext,
  options: { telegram: boolean; window?: JsonWindowOptions },
): Reader {
  const telegram = options.telegram ? new TelegramTracker(fromByteString) : null;
  /**
   * Keys that held a finding, by their byte string, shown masked in paths. Bounded (a dump keyed
   * by IIN has millions of keys): a key that has left the map is masked by `guardKey` instead.
   */
  const maskedKeys = new Map<string, string>();
  const rememberMaskedKey = (bytes: string, masked: string) => {
    if (maskedKeys.size >= MAX_MASKED_KEYS) maskedKeys.delete(maskedKeys.keys().next().value!);
    maskedKeys.set(bytes, masked);
  };
  const decodeKey = (bytes: string) => maskedKeys.get(bytes) ?? guardKey(fromByteString(bytes));

  function scanValue(value: JsonString, isKey: boolean, path: readonly PathEntry[]): void {
    const top = path[path.length - 1];
    const pathText = () => formatPath(path, decodeKey);
    let prefix = '';
    if (!isKey) {
      const fromChat = telegram?.prefix(path) ?? null;
      if (fromChat !== null) prefix = fromChat;
      else if (top?.kind === 'object' && top.key !== null) prefix = `${top.key}: `;
    }
    const shift = prefix.length;
    const unit: Unit = {
      text: shift === 0 ? value.text : prefix + value.text,
      prefixLength: shift + value.prefixLength,
      limit: shift + value.limit,
      // Telegram groups by message; elsewhere an identifier and a diagnosis sit in sibling values.
      proximity: telegram !== null ? 'unit' : 'distance',
      toSource: (offset) => (offset < shift ? -1 : value.toSource(offset - shift)),
    };
    ctx.scan(unit, () => ({ jsonPath: pathText(), ...telegram?.location() }), {
      accept: (type, hash) => telegram?.accept(type, hash, path) ?? true,
      redactUnit: isKey
        ? (masks) => {
            // Paths name this key masked from now on (its own findings included).
            rememberMaskedKey(value.text, fromByteString(applyMasks(value.text, masks)));
            for (const m of masks)
              ctx.redact(unit.toSource(m.start), unit.toSource(m.end), m.masked);
          }
        : undefined,
    });
    if (!isKey && value.final) telegram?.value(value.text, path);
    if (!isKey && (top?.kind === 'array' || top?.key === 'text')) {
      telegram?.scanned(value.text.slice(value.prefixLength, value.limit), path);
    }
  }

  function scanPrimitive(raw: string, start: number, path: readonly PathEntry[]): void {
    telegram?.value(raw, path);
    if (raw.length < 8 || raw.charCodeAt(0) > 57) return; // true/false/null and short numbers
    const top = path[path.length - 1];
    const prefix = top?.kind === 'object' && top.key !== null ? `${top.key}: ` : '';
    const shift = prefix.length;
    ctx.scan(
      {
        text: prefix + raw,
        prefixLength: shift,
        limit: shift + raw.length,
        proximity: telegram !== null ? 'unit' : 'distance',
        toSource: (offset) => (offset < shift ? -1 : start + offset - shift),
      },
      () => ({ jsonPath: formatPath(path, decodeKey), ...telegram?.location() }),
      {
        accept: (type, hash) => telegram?.accept(type, hash, path) ?? true,
        // A masked number is no longer a number: write it as a string so the JSON stays valid.
        redactUnit: (masks) => {
          const masked = applyMasks(prefix + raw, masks).slice(shift);
          ctx.redact(start, start + raw.length, JSON.stringify(masked));
        },
      },
    );
  }

  const tokenizer = new JsonTokenizer(
    {
      open: (kind, path) => telegram?.open(kind, path),
      close: (kind, path) => telegram?.close(kind, path),
      string: scanValue,
      primitive: scanPrimitive,
    },
    options.window ?? DEFAULT_JSON_WINDOW,
  );
  return {
    push: (chunk) => tokenizer.push(chunk),
    end: () => tokenizer.end(),
    settled: () => tokenizer.settled(),
  };
}

const MAX_MASKED_KEYS = 4096;

/** `text` with each mask written over its span (masks are sorted and do not overlap). */
function applyMasks(text: string, masks: readonly Mask[]): string {
  let out = '';
  let at = 0;
  for (const m of masks) {
    out += text.slice(at, m.start) + m.masked;
    at = m.end;
  }
  return out + text.slice(at);
}
