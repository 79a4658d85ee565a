import { type FormEvent, type RefObject, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { addStaffBatch, type StaffEntry } from './lists-api';
import { ListProblem } from './list-problem';
import { StaffProblem } from './soc-api';
import {
  batchReady,
  type LineProblem,
  MAX_STAFF_BATCH,
  parseStaffList,
  type Refusal,
  refusalsOf,
  refuseLostLetters,
  type StaffList,
} from './staff-csv';
import {
  isLegacyEncoding,
  KAZAKH_LETTERS_LACKING,
  LEGACY_ENCODING_NAMES,
  type LegacyEncoding,
  losesKazakhLetters,
} from './cyrillic-encoding';
import { type FileProblem, readStaffFile, type StaffFileEncoding } from './staff-file';

/** Lines of the list shown before sending, and problems or refusals listed before "and N more". */
const PREVIEW_ROWS = 5;
const LISTED = 20;

/** The notice for a file read in a single-byte encoding (`lists.upload.readAs`). */
const READ_AS = {
  'windows-1251': 'windows1251',
  ibm866: 'ibm866',
  'koi8-r': 'koi8r',
  'kz-1048': 'kz1048',
  pt154: 'pt154',
} as const satisfies Record<LegacyEncoding, string>;

type Outcome =
  | { readonly kind: 'refused'; readonly refusals: readonly Refusal[] }
  | { readonly kind: 'failed'; readonly error: unknown };
type FocusTarget = 'preview' | 'outcome' | 'heading' | 'file';

/**
 * The staff register's bulk upload: a CSV file chosen (decoded by `staff-file.ts`: UTF-8, UTF-16
 * with its mark, or Windows-1251, CP866, KOI8-R or a Kazakh code page, KZ-1048 or PT154, with a
 * notice naming which) or a list pasted is read in the browser (`staff-csv.ts`) and previewed —
 * how many, the first lines with only the IIN's last digits, every line that cannot be sent — and
 * only a list the server could take (no bad line, 1 to 1,000 entries) can be sent, in one batch,
 * all or none. Once registered or refused, the list is cleared from the page (file choice, pasted
 * text, what was read), as the single form clears the IIN; a refusal names each refused entry by
 * its line and reason, never by its IIN. A send that got no answer keeps the list, to send again.
 */
export function StaffUpload({
  operatorId,
  members,
  heading,
  onRegistered,
}: {
  readonly operatorId: string;
  /** The register as shown, to name the entry a refused line collides with. */
  readonly members: readonly StaffEntry[] | undefined;
  /** The list's heading: focus goes there once the entries are registered and listed. */
  readonly heading: RefObject<HTMLHeadingElement | null>;
  readonly onRegistered: (count: number) => void;
}) {
  const { t, i18n } = useTranslation('soc');
  const id = useId();
  const [text, setText] = useState('');
  const [list, setList] = useState<StaffList>();
  const [fileProblem, setFileProblem] = useState<FileProblem>();
  // The encoding the chosen file was read in; undefined for a pasted list.
  const [encoding, setEncoding] = useState<StaffFileEncoding>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  // A new key gives a new, empty file input: its value can only be cleared, not set.
  const [fileKey, setFileKey] = useState(0);
  const [focus, setFocus] = useState<FocusTarget>();
  const previewTitle = useRef<HTMLHeadingElement>(null);
  const outcomeBox = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // Focus moves once what it moves to is on screen: the preview once read, the refusal once
  // answered, the list's heading once registered (the send button is gone then).
  useEffect(() => {
    if (!focus) return;
    setFocus(undefined);
    ({ preview: previewTitle, outcome: outcomeBox, heading, file: fileInput })[
      focus
    ].current?.focus();
  }, [focus, heading]);

  const max = new Intl.NumberFormat(i18n.resolvedLanguage).format(MAX_STAFF_BATCH);

  const show = (read: StaffList | undefined, problem?: FileProblem, from?: StaffFileEncoding) => {
    setList(read);
    setFileProblem(problem);
    setEncoding(from);
    setOutcome(undefined);
    setFocus('preview');
  };

  const readFile = async (file: File | undefined) => {
    if (!file) return show(undefined);
    const read = await readStaffFile(file);
    if ('problem' in read) return show(undefined, read.problem);
    const list = parseStaffList(read.text);
    // A "?" is a Kazakh letter lost only in an encoding without them; KZ-1048 and PT154 have them
    // all, so there a "?" is sent as read, as in UTF-8.
    show(
      losesKazakhLetters(read.encoding) ? refuseLostLetters(list) : list,
      undefined,
      read.encoding,
    );
  };

  const clear = () => {
    setList(undefined);
    setFileProblem(undefined);
    setEncoding(undefined);
    setText('');
    setFileKey((k) => k + 1);
  };

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!list || !batchReady(list) || busy) return;
    const sent = list.entries;
    setBusy(true);
    try {
      const added = await addStaffBatch(operatorId, sent);
      clear();
      setOutcome(undefined);
      onRegistered(added.length);
      setFocus('heading');
    } catch (error) {
      const refused =
        error instanceof StaffProblem &&
        error.failure.kind === 'problem' &&
        error.failure.problem.code === 'monitor.batch_refused';
      // Refused, the list is to be corrected at its source and chosen again: it leaves the page.
      // Not answered (the network, the server down), it stays, to be sent again as it is.
      if (refused) clear();
      setOutcome(
        refused
          ? { kind: 'refused', refusals: refusalsOf(error.body, sent) }
          : { kind: 'failed', error },
      );
      setFocus('outcome');
    } finally {
      setBusy(false);
    }
  };

  const lineProblem = (problem: LineProblem): string => {
    switch (problem.reason) {
      case 'iin':
        return t(`lists.iinProblem.${problem.failure}`);
      case 'samePerson':
      case 'sameActor':
        return t(`lists.upload.lineProblem.${problem.reason}`, { first: problem.first });
      case 'unknownColumn':
      case 'duplicateColumn':
        return t(`lists.upload.lineProblem.${problem.reason}`, { column: problem.column });
      case 'iinMissing':
      case 'tooManyFields':
      case 'actorIdTooLong':
      case 'labelTooLong':
      case 'unclosedQuote':
      case 'noIinColumn':
        return t(`lists.upload.lineProblem.${problem.reason}`);
      case 'lostLetter': {
        // Only a list read in an encoding without Kazakh letters has it (`losesKazakhLetters`).
        const legacy = isLegacyEncoding(encoding) ? encoding : 'windows-1251';
        return t('lists.upload.lineProblem.lostLetter', {
          encoding: LEGACY_ENCODING_NAMES[legacy],
          letters: KAZAKH_LETTERS_LACKING[legacy].join(', '),
        });
      }
    }
  };

  const nameOf = (entryId: string | undefined) => {
    const member = members?.find((m) => m.id === entryId);
    return member ? (member.label ?? member.actorId ?? member.subject) : undefined;
  };
  const refusal = ({ reason, code, id: entryId }: Refusal) => {
    const name = nameOf(entryId);
    if ((reason === 'personExists' || reason === 'actorExists') && name)
      return t(`lists.upload.refusal.${reason}As`, { name });
    return t(`lists.upload.refusal.${reason}`, { code });
  };

  const ready = list !== undefined && batchReady(list);
  return (
    <form
      className="soc-upload"
      aria-labelledby={`${id}-title`}
      onSubmit={(event) => void send(event)}
      noValidate
    >
      <h3 id={`${id}-title`}>{t('lists.upload.title')}</h3>
      <p className="small">{t('lists.upload.intro', { max })}</p>
      <div className="soc-upload-sources">
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('lists.upload.file')}</label>
          <input
            key={fileKey}
            ref={fileInput}
            id={`${id}-file`}
            type="file"
            name="staffFile"
            accept=".csv,.txt,.tsv,text/csv,text/plain,text/tab-separated-values"
            aria-describedby={`${id}-file-hint`}
            onChange={(event) => void readFile(event.target.files?.[0])}
          />
          <p id={`${id}-file-hint`} className="muted small">
            {t('lists.upload.fileHint')}
          </p>
        </div>
        <div className="field soc-upload-paste">
          <label htmlFor={`${id}-text`}>{t('lists.upload.paste')}</label>
          <textarea
            id={`${id}-text`}
            name="staffText"
            rows={4}
            spellCheck={false}
            autoComplete="off"
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
          <div>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => {
                // What is previewed (and sent) is the pasted list: no file stays chosen beside it.
                setFileKey((k) => k + 1);
                show(parseStaffList(text));
              }}
            >
              {t('lists.upload.check')}
            </button>
          </div>
        </div>
      </div>

      {(list ?? fileProblem) && (
        <div className="soc-upload-preview" data-preview="">
          <h4 ref={previewTitle} tabIndex={-1}>
            {t('lists.upload.previewTitle')}
          </h4>
          {fileProblem && (
            <p className="notice notice-error" role="alert">
              {t(`lists.upload.${fileProblem}`, { max })}
            </p>
          )}
          {list && isLegacyEncoding(encoding) && (
            // Read, but perhaps not as written: only the analyst can tell from the names.
            <p className="notice" data-encoding={encoding}>
              {t(`lists.upload.readAs.${READ_AS[encoding]}`)}
            </p>
          )}
          {list && (
            <Preview
              list={list}
              max={max}
              lineProblem={lineProblem}
              ready={ready}
              busy={busy}
              onClear={() => {
                clear();
                setFocus('file');
              }}
            />
          )}
        </div>
      )}

      {outcome && (
        <div ref={outcomeBox} tabIndex={-1} data-outcome={outcome.kind}>
          {outcome.kind === 'failed' ? (
            <ListProblem error={outcome.error} />
          ) : (
            <div className="notice notice-error" role="alert">
              <p className="notice-title">
                {t('lists.upload.refused', {
                  count: new Set(outcome.refusals.map((r) => r.line)).size,
                })}
              </p>
              <LineList items={outcome.refusals.map((r) => ({ line: r.line, text: refusal(r) }))} />
            </div>
          )}
        </div>
      )}
    </form>
  );
}

/** "Line N: why", the first `LISTED` of them, then how many more. */
function LineList({ items }: { readonly items: readonly { line: number; text: string }[] }) {
  const { t } = useTranslation('soc');
  return (
    <ul data-lines="">
      {items.slice(0, LISTED).map((item, i) => (
        <li key={i} data-line={item.line}>
          {t('lists.upload.atLine', { line: item.line, reason: item.text })}
        </li>
      ))}
      {items.length > LISTED && <li>{t('lists.upload.more', { count: items.length - LISTED })}</li>}
    </ul>
  );
}

function Preview({
  list,
  max,
  lineProblem,
  ready,
  busy,
  onClear,
}: {
  readonly list: StaffList;
  readonly max: string;
  readonly lineProblem: (problem: LineProblem) => string;
  readonly ready: boolean;
  readonly busy: boolean;
  readonly onClear: () => void;
}) {
  const { t } = useTranslation('soc');
  const { entries, problems } = list;
  const count = entries.length;
  return (
    <>
      <p data-found={count}>
        {t('lists.upload.found', { count })}
        {list.header && <> {t('lists.upload.header')}</>}
      </p>
      {count === 0 && problems.length === 0 && <p className="muted">{t('lists.upload.empty')}</p>}
      {count > MAX_STAFF_BATCH && (
        <p className="notice notice-error" role="alert" data-too-many="">
          {t('lists.upload.tooMany', { max })}
        </p>
      )}
      {problems.length > 0 && (
        <div className="notice notice-error" role="alert" data-problems="">
          <p className="notice-title">
            {t('lists.upload.problems', { count: new Set(problems.map((p) => p.line)).size })}
          </p>
          <LineList items={problems.map((p) => ({ line: p.line, text: lineProblem(p) }))} />
        </div>
      )}
      {count > 0 && (
        <div className="soc-upload-table">
          <table>
            <caption>{t('lists.upload.firstRows')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('lists.upload.line')}</th>
                <th scope="col">{t('lists.upload.lastDigits')}</th>
                <th scope="col">{t('lists.upload.actorId')}</th>
                <th scope="col">{t('lists.upload.label')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.slice(0, PREVIEW_ROWS).map((entry) => (
                <tr key={entry.line} data-row={entry.line}>
                  <td>{entry.line}</td>
                  <td>
                    {/* Enough to find the line in the file; the number itself is never shown. */}
                    <span aria-hidden="true">••••</span>
                    <code>{entry.iin.slice(-4)}</code>
                  </td>
                  <td>{entry.actorId && <code>{entry.actorId}</code>}</td>
                  <td>{entry.label}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="actions">
        {ready && (
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('lists.sending') : t('lists.upload.send', { count })}
          </button>
        )}
        <button type="button" className="button button-secondary" onClick={onClear}>
          {t('lists.upload.clear')}
        </button>
      </div>
    </>
  );
}
