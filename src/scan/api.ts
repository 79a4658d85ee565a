import { toByteString, utf16Offset } from './bytes.js';
import { createEngine, type DetectOptions, type Engine } from './engine.js';
import { createValueHasher, type ValueHasher } from './mask.js';
import { buildFinding } from './pipeline.js';
import { LineCounter } from './readers/text.js';
import { RiskTracker, type RiskCase } from './report/risk.js';
import type { Finding, PiiType } from './types.js';

/** A finding in an in-memory text, with its span in UTF-16 code units (JavaScript offsets). */
export interface TextFinding extends Finding {
  readonly start: number;
  readonly end: number;
}

export interface ScanTextOptions extends DetectOptions {
  /** Key for the value hashes; without one a random key is drawn per call. */
  readonly key?: string | Uint8Array;
  /** A prepared engine and hasher (build once, scan many messages). */
  readonly engine?: Engine;
  readonly hasher?: ValueHasher;
  /** Label for `location.source` (default `<text>`). */
  readonly source?: string;
}

export interface ScanTextResult {
  readonly findings: readonly TextFinding[];
  /** Identifiers with health data within ~300 characters. */
  readonly worstCases: readonly RiskCase[];
}

/**
 * Scans a string held in memory. Pure apart from drawing a random key when none is given.
 *
 * @example
 * const { findings } = scanText('ИИН 900515201238', { key: 'k' });
 * findings[0]; // { type: 'iin', masked: '9005********', hash: '…', start: 4, end: 16, score: 1, … }
 */
export function scanText(text: string, options: ScanTextOptions = {}): ScanTextResult {
  const engine = options.engine ?? createEngine(options);
  const hasher = options.hasher ?? createValueHasher(options.key);
  const source = options.source ?? '<text>';
  const bytes = toByteString(text);
  const lines = new LineCounter();
  const findings: TextFinding[] = [];
  const worstCases: RiskCase[] = [];
  const risk = new RiskTracker((c) => worstCases.push(c));
  for (const c of engine.detect(bytes)) {
    const { line, column } = lines.locate(bytes, 0, c.start);
    const finding = buildFinding(c, bytes, hasher, { source, line, column, offset: c.start });
    risk.add(finding, { group: null, offset: c.start });
    findings.push({
      ...finding,
      start: utf16Offset(bytes, c.start),
      end: utf16Offset(bytes, c.end),
    });
  }
  return { findings, worstCases };
}

/** How bad a message is, from harmless to the worst case. */
export type MessageRisk = 'none' | 'personal-data' | 'special-category' | 'identifier-with-health';

export interface Suggestion {
  readonly kk: string;
  readonly ru: string;
  readonly en: string;
}

export interface MessageCheck extends ScanTextResult {
  readonly risk: MessageRisk;
  /** What to do instead of sending, in Kazakh, Russian and English; absent when nothing was found. */
  readonly suggestion?: Suggestion;
}

const NAMES: Readonly<Record<PiiType, Suggestion>> = {
  iin: { kk: 'ЖСН', ru: 'ИИН', en: 'IIN' },
  bin: { kk: 'БСН', ru: 'БИН', en: 'BIN' },
  phone: { kk: 'телефон нөмірі', ru: 'номер телефона', en: 'phone number' },
  iban: { kk: 'шот нөмірі (IBAN)', ru: 'номер счёта (IBAN)', en: 'bank account (IBAN)' },
  card: { kk: 'банк картасы', ru: 'номер банковской карты', en: 'bank card number' },
  'id-card': { kk: 'жеке куәлік нөмірі', ru: 'номер удостоверения личности', en: 'ID card number' },
  passport: { kk: 'төлқұжат нөмірі', ru: 'номер паспорта', en: 'passport number' },
  mrz: {
    kk: 'құжаттың машинамен оқылатын аймағы',
    ru: 'машиночитаемая зона документа',
    en: 'document machine-readable zone',
  },
  plate: { kk: 'көлік нөмірі', ru: 'госномер автомобиля', en: 'car plate' },
  vin: { kk: 'VIN', ru: 'VIN', en: 'VIN' },
  email: { kk: 'электрондық пошта', ru: 'электронная почта', en: 'e-mail address' },
  ip: { kk: 'IP мекенжайы', ru: 'IP-адрес', en: 'IP address' },
  health: {
    kk: 'денсаулық туралы мәліметтер',
    ru: 'сведения о здоровье',
    en: 'health information',
  },
};

function suggestionFor(types: readonly PiiType[], risk: MessageRisk): Suggestion {
  const list = (lang: keyof Suggestion) => types.map((t) => NAMES[t][lang]).join(', ');
  const worst = risk === 'identifier-with-health';
  return {
    kk:
      `Хабарламада дербес деректер бар: ${list('kk')}.` +
      (worst
        ? ' Денсаулық туралы мәліметтер адамды анықтайтын нөмірмен бірге тұр — бұл ең қауіпті жағдай.'
        : '') +
      ' Оларды мессенджер арқылы жібермеңіз: Qalqan-да келісім сұрауын жасаңыз — адам деректерді кім, не үшін және қанша мерзімге сұрайтынын көріп, келісім береді немесе бас тартады.',
    ru:
      `Сообщение содержит персональные данные: ${list('ru')}.` +
      (worst
        ? ' Сведения о здоровье стоят рядом с идентификатором человека — это самый опасный случай.'
        : '') +
      ' Не пересылайте их через мессенджер: отправьте запрос согласия в Qalqan — человек увидит, кто, зачем и на какой срок просит данные, и даст или не даст согласие.',
    en:
      `The message contains personal data: ${list('en')}.` +
      (worst
        ? ' Health information sits next to an identifier of the person — the worst case.'
        : '') +
      " Don't send it through a messenger: send a consent request in Qalqan instead — the person sees who asks for which data, why and for how long, and gives or refuses consent.",
  };
}

/**
 * Checks a message before it is sent (the `POST /v1/scan` route answers this): the findings,
 * how risky the message is, and a suggestion to use a consent request, in kk / ru / en.
 *
 * @example
 * const check = checkMessage('Пришлите ИИН 900515201238 и справку 086/у', { engine, hasher });
 * check.risk; // 'identifier-with-health'
 * check.suggestion?.ru; // 'Сообщение содержит персональные данные: ИИН, сведения о здоровье. …'
 */
export function checkMessage(text: string, options: ScanTextOptions = {}): MessageCheck {
  const result = scanText(text, options);
  if (result.findings.length === 0) return { ...result, risk: 'none' };
  const types = [...new Set(result.findings.map((f) => f.type))];
  const risk: MessageRisk =
    result.worstCases.length > 0
      ? 'identifier-with-health'
      : types.includes('health')
        ? 'special-category'
        : 'personal-data';
  return { ...result, risk, suggestion: suggestionFor(types, risk) };
}
