import {
  type FormEvent,
  type ReactNode,
  type RefObject,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { useLoad } from '../../hooks/use-load';
import { ConfirmDialog } from './confirm-dialog';
import { useBy, useWhen } from './format';
import { iinProblem } from './iin';
import {
  addDestination,
  addStaff,
  addTerminated,
  addWatched,
  fetchDestinations,
  fetchOperators,
  fetchStaff,
  fetchSystemsOf,
  fetchTerminated,
  fetchWatched,
  fetchWorkingHours,
  removeDestination,
  removeStaff,
  removeTerminated,
  removeWatched,
  setWorkingHours,
  type WatchList,
} from './lists-api';
import {
  compactIin,
  countryCode,
  mayWrite,
  type ReferenceList,
  WEEKDAYS,
  weekdayName,
  workingDays,
} from './lists-model';
import { ListProblem } from './list-problem';
import { type Labels, Named } from './names';
import { useStaff } from './soc-session';
import { StaffUpload } from './staff-upload';
import { useListSection } from './use-list-section';
import { useConsoleTitle } from './console-title';

/**
 * The reference data the rules read: the centre's honeytoken subjects and protected persons, and,
 * once an operator is chosen, its working hours, terminated actors and staff register, and the
 * destinations each of its systems declares. Each list can be changed here by the role the API
 * lets change it (the others read it); the API decides, and a refusal is shown in words. People
 * are entered by IIN, which is checked here, sent once and cleared: lists show pseudonyms.
 */
export function ListsPage() {
  const { t } = useTranslation('soc');
  useConsoleTitle('lists');
  const { view } = useStaff();
  const roles = view.status === 'ready' && view.signedIn ? view.session.roles : [];
  const [done, setDone] = useState('');
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('lists.title')}
      </h1>
      <p>{t('lists.intro')}</p>
      <p role="status" className={done ? 'notice notice-ok' : 'visually-hidden'}>
        {done}
      </p>
      <div className="soc-lists">
        <WatchSection list="honeytokens" roles={roles} onDone={setDone} />
        <WatchSection list="protected-persons" roles={roles} onDone={setDone} />
      </div>
      <OperatorLists roles={roles} onDone={setDone} />
    </>
  );
}

interface SectionProps {
  readonly roles: readonly string[];
  readonly onDone: (message: string) => void;
}

/** Who may change a list, for those who may only read it. */
function ReadOnlyNote({ list }: { readonly list: ReferenceList }) {
  const { t } = useTranslation('soc');
  const who = list === 'honeytokens' || list === 'protected-persons' ? 'soc' : 'regulator';
  return (
    <p className="muted small" data-read-only="">
      {t('lists.readOnly', { role: t(`role.${who}`) })}
    </p>
  );
}

interface Entry {
  readonly key: string;
  readonly main: ReactNode;
  readonly details: ReactNode;
  /** What the removal dialog names (never an IIN: a pseudonym, a label, an actor id, a country). */
  readonly name: string;
}

/**
 * A list's entries, each with a remove button for those who may change it: a confirmation dialog
 * first, then focus moves to the list's heading, as the button is gone.
 */
function Entries({
  listName,
  entries,
  heading,
  onRemove,
  onDone,
}: {
  readonly listName: string;
  readonly entries: readonly Entry[] | undefined;
  readonly heading: RefObject<HTMLHeadingElement | null>;
  readonly onRemove: ((key: string) => Promise<unknown>) | undefined;
  readonly onDone: (message: string) => void;
}) {
  const { t } = useTranslation('soc');
  const [removing, setRemoving] = useState<Entry>();
  // The entry removed, until the reloaded list no longer shows it: then its button is gone and
  // focus (which the dialog gave back to that button) moves to the list's heading.
  const [gone, setGone] = useState<string>();
  useEffect(() => {
    if (gone === undefined || !entries || entries.some((entry) => entry.key === gone)) return;
    setGone(undefined);
    heading.current?.focus();
  }, [entries, gone, heading]);
  if (!entries) return null;
  return (
    <>
      {entries.length === 0 ? (
        <p className="muted">{t('lists.empty')}</p>
      ) : (
        <ul className="soc-entries">
          {entries.map((entry) => (
            <li key={entry.key} data-entry={entry.key}>
              <div className="soc-entry-text">
                <div>{entry.main}</div>
                <div className="muted small">{entry.details}</div>
              </div>
              {onRemove && (
                <button
                  type="button"
                  className="button button-secondary"
                  aria-label={t('lists.removeNamed', { name: entry.name })}
                  onClick={() => setRemoving(entry)}
                >
                  {t('lists.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {removing && onRemove && (
        <ConfirmDialog
          title={t('lists.removeTitle', { name: removing.name, list: listName })}
          confirmLabel={t('lists.remove')}
          danger
          renderError={(error) => <ListProblem error={error} />}
          onConfirm={async () => {
            await onRemove(removing.key);
            setGone(removing.key);
            onDone(t('lists.removed', { name: removing.name, list: listName }));
          }}
          onClose={() => setRemoving(undefined)}
        >
          <p>{t('lists.removeBody')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** A labelled text input with its hint and its own error, described to assistive technology. */
function Field({
  label,
  hint,
  error,
  value,
  onChange,
  ...input
}: {
  readonly label: string;
  readonly hint?: string;
  readonly error?: string | undefined;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly name: string;
  readonly type?: string;
  readonly inputMode?: 'numeric' | 'text';
  readonly maxLength?: number;
  readonly autoCapitalize?: string;
}) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        autoComplete="off"
        spellCheck={false}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={described.length > 0 ? described.join(' ') : undefined}
        onChange={(event) => onChange(event.target.value)}
        {...input}
      />
      {hint && (
        <p id={`${id}-hint`} className="muted small">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * An add form: checks its fields, sends, announces the entry added and reloads the list; a
 * refusal stays under the form. `send` returns false when a field is wrong (nothing sent).
 */
function AddForm({
  title,
  submitLabel,
  children,
  send,
}: {
  readonly title: string;
  readonly submitLabel?: string;
  readonly children: ReactNode;
  readonly send: () => Promise<boolean> | false;
}) {
  const { t } = useTranslation('soc');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const sending = send();
    if (sending === false) return;
    setBusy(true);
    try {
      await sending;
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="soc-add"
      aria-label={title}
      onSubmit={(event) => void submit(event)}
      noValidate
    >
      <div className="soc-add-fields">{children}</div>
      {error !== undefined && <ListProblem error={error} />}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('lists.sending') : (submitLabel ?? t('lists.add'))}
        </button>
      </div>
    </form>
  );
}

/**
 * An IIN field's state: `take()` checks the number and, when it is valid, clears the field and
 * hands the number over once, so it is not kept in the page (nor shown) after it is sent.
 */
function useIinField() {
  const { t } = useTranslation('soc');
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string>();
  const take = (): string | undefined => {
    const iin = compactIin(value);
    const reason = iinProblem(iin);
    if (reason) {
      setProblem(t(`lists.iinProblem.${reason}`));
      return undefined;
    }
    setProblem(undefined);
    setValue('');
    return iin;
  };
  const field = (
    <Field
      label={t('lists.iin')}
      hint={t('lists.iinHint')}
      error={problem}
      name="iin"
      inputMode="numeric"
      maxLength={20}
      value={value}
      onChange={(next) => {
        setValue(next);
        if (problem) setProblem(undefined);
      }}
    />
  );
  return { field, take };
}

function Section({
  list,
  heading,
  children,
}: {
  readonly list: ReferenceList;
  readonly heading: RefObject<HTMLHeadingElement | null>;
  readonly children: ReactNode;
}) {
  const { t } = useTranslation('soc');
  return (
    <section className="panel soc-list" data-list={list} aria-labelledby={`list-${list}`}>
      <h2 id={`list-${list}`} ref={heading} tabIndex={-1}>
        {t(`lists.name.${list}`)}
      </h2>
      <p className="small">{t(`lists.about.${list}`)}</p>
      {children}
    </section>
  );
}

function WatchSection({ list, roles, onDone }: SectionProps & { readonly list: WatchList }) {
  const { t } = useTranslation('soc');
  const when = useWhen();
  const by = useBy();
  const heading = useRef<HTMLHeadingElement>(null);
  const writable = mayWrite(list, roles);
  const { value: items, changed, status } = useListSection(fetchWatched, list, onDone);
  const iin = useIinField();
  const [label, setLabel] = useState('');
  const listName = t(`lists.name.${list}`);
  return (
    <Section list={list} heading={heading}>
      {status}
      <Entries
        listName={listName}
        heading={heading}
        entries={items?.map((entry) => ({
          key: entry.id,
          name: entry.label ?? entry.subject,
          main: (
            <>
              {entry.label && <span className="soc-name">{entry.label}</span>}{' '}
              <code title={t('lists.pseudonym')}>{entry.subject}</code>
            </>
          ),
          details: t('lists.addedAt', { time: when(entry.addedAt), by: by(entry.addedBy) }),
        }))}
        onRemove={writable ? (key) => removeWatched(list, key) : undefined}
        onDone={changed}
      />
      {writable ? (
        <AddForm
          title={t('lists.addTo', { list: listName })}
          send={() => {
            const number = iin.take();
            if (!number) return false;
            const note = label.trim();
            return addWatched(list, number, note).then(() => {
              setLabel('');
              changed(t('lists.added', { list: listName }));
              return true;
            });
          }}
        >
          {iin.field}
          <Field
            label={t('lists.label')}
            hint={t('lists.labelHint')}
            name="label"
            maxLength={200}
            value={label}
            onChange={setLabel}
          />
        </AddForm>
      ) : (
        <ReadOnlyNote list={list} />
      )}
    </Section>
  );
}

const labelIn = (name: Labels, language: string | undefined) =>
  language === 'kk' || language === 'ru' ? name[language] : name.en;

/** Choose an operator, then see its lists and choose one of its systems for its destinations. */
function OperatorLists({ roles, onDone }: SectionProps) {
  const { t, i18n } = useTranslation('soc');
  const operators = useLoad(fetchOperators);
  const [operatorId, setOperatorId] = useState('');
  const [systemId, setSystemId] = useState('');
  const pickerId = useId();
  const operator =
    operators.state === 'done' ? operators.value.find((o) => o.id === operatorId) : undefined;
  return (
    <section className="soc-operator-lists" aria-labelledby={`${pickerId}-title`}>
      <h2 id={`${pickerId}-title`}>{t('lists.operatorLists')}</h2>
      {operators.state === 'loading' && <p>{t('loading')}</p>}
      {operators.state === 'failed' && <ListProblem error={operators.error} />}
      {operators.state === 'done' && (
        <div className="field soc-field">
          <label htmlFor={pickerId}>{t('lists.operator')}</label>
          <select
            id={pickerId}
            name="operator"
            value={operatorId}
            onChange={(event) => {
              setOperatorId(event.target.value);
              setSystemId('');
            }}
          >
            <option value="">{t('lists.chooseOperator')}</option>
            {[...operators.value]
              .sort((a, b) =>
                labelIn(a.name, i18n.resolvedLanguage).localeCompare(
                  labelIn(b.name, i18n.resolvedLanguage),
                ),
              )
              .map((o) => (
                <option key={o.id} value={o.id}>
                  {labelIn(o.name, i18n.resolvedLanguage)} ({o.id})
                </option>
              ))}
          </select>
        </div>
      )}
      {operator && (
        <div key={operator.id} className="soc-lists">
          <p className="small">
            <Named name={operator.name} id={operator.id} />
          </p>
          <WorkingHoursSection operatorId={operator.id} roles={roles} onDone={onDone} />
          <TerminatedSection operatorId={operator.id} roles={roles} onDone={onDone} />
          <StaffSection operatorId={operator.id} roles={roles} onDone={onDone} />
          <DestinationsSection
            operatorId={operator.id}
            systemId={systemId}
            onSystem={setSystemId}
            roles={roles}
            onDone={onDone}
          />
        </div>
      )}
    </section>
  );
}

interface OperatorProps extends SectionProps {
  readonly operatorId: string;
}

function WorkingHoursSection({ operatorId, roles, onDone }: OperatorProps) {
  const { t, i18n } = useTranslation('soc');
  const when = useWhen();
  const by = useBy();
  const heading = useRef<HTMLHeadingElement>(null);
  const writable = mayWrite('working-hours', roles);
  const { value: hours, changed, status } = useListSection(fetchWorkingHours, operatorId, onDone);
  const language = i18n.resolvedLanguage;
  const [zone, setZone] = useState('Asia/Almaty');
  const [days, setDays] = useState<readonly number[]>([1, 2, 3, 4, 5]);
  const [start, setStart] = useState('09:00');
  const [end, setEnd] = useState('18:00');
  const [missing, setMissing] = useState<string>();
  const daysId = useId();
  return (
    <Section list="working-hours" heading={heading}>
      {status}
      {hours === null && <p className="muted">{t('lists.hours.none')}</p>}
      {hours && (
        <p data-entry="working-hours">
          {t('lists.hours.shown', {
            days: hours.days.map((day) => weekdayName(day, language)).join(', '),
            start: hours.start,
            end: hours.end,
            zone: hours.timeZone,
          })}
          <br />
          <span className="muted small">
            {t('lists.hours.updated', { time: when(hours.updatedAt), by: by(hours.updatedBy) })}
          </span>
        </p>
      )}
      {writable ? (
        <AddForm
          title={t('lists.hours.formTitle')}
          submitLabel={t('lists.hours.save')}
          send={() => {
            if (days.length === 0) {
              setMissing(t('lists.hours.daysMissing'));
              return false;
            }
            if (!start || !end) {
              setMissing(t('lists.hours.timeMissing'));
              return false;
            }
            setMissing(undefined);
            const body = { timeZone: zone.trim(), days: workingDays(days), start, end };
            return setWorkingHours(operatorId, body).then(() => {
              changed(t('lists.hours.saved'));
              return true;
            });
          }}
        >
          <Field
            label={t('lists.hours.timeZone')}
            hint={t('lists.hours.timeZoneHint')}
            name="timeZone"
            maxLength={64}
            value={zone}
            onChange={setZone}
          />
          <fieldset className="soc-days" aria-describedby={missing ? `${daysId}-error` : undefined}>
            <legend>{t('lists.hours.days')}</legend>
            {WEEKDAYS.map((day) => (
              <label key={day} className="checkbox">
                <input
                  type="checkbox"
                  name="days"
                  value={day}
                  checked={days.includes(day)}
                  onChange={(event) => {
                    const checked = event.target.checked;
                    setDays((chosen) =>
                      checked ? workingDays([...chosen, day]) : chosen.filter((d) => d !== day),
                    );
                  }}
                />
                {weekdayName(day, language)}
              </label>
            ))}
          </fieldset>
          <Field
            label={t('lists.hours.start')}
            name="start"
            type="time"
            value={start}
            onChange={setStart}
          />
          <Field
            label={t('lists.hours.end')}
            name="end"
            type="time"
            value={end}
            onChange={setEnd}
          />
          {missing && (
            <p id={`${daysId}-error`} className="field-error">
              {missing}
            </p>
          )}
        </AddForm>
      ) : (
        <ReadOnlyNote list="working-hours" />
      )}
    </Section>
  );
}

function TerminatedSection({ operatorId, roles, onDone }: OperatorProps) {
  const { t } = useTranslation('soc');
  const when = useWhen();
  const by = useBy();
  const heading = useRef<HTMLHeadingElement>(null);
  const writable = mayWrite('terminated-actors', roles);
  const { value: items, changed, status } = useListSection(fetchTerminated, operatorId, onDone);
  const [actorId, setActorId] = useState('');
  const [at, setAt] = useState('');
  const [missing, setMissing] = useState(false);
  const listName = t('lists.name.terminated-actors');
  return (
    <Section list="terminated-actors" heading={heading}>
      {status}
      <Entries
        listName={listName}
        heading={heading}
        entries={items?.map((entry) => ({
          key: entry.actorId,
          name: entry.actorId,
          main: <code className="soc-name">{entry.actorId}</code>,
          details: (
            <>
              {t('lists.terminated.since', { time: when(entry.terminatedAt) })} ·{' '}
              {t('lists.addedAt', { time: when(entry.addedAt), by: by(entry.addedBy) })}
            </>
          ),
        }))}
        onRemove={writable ? (key) => removeTerminated(operatorId, key) : undefined}
        onDone={changed}
      />
      {writable ? (
        <AddForm
          title={t('lists.addTo', { list: listName })}
          send={() => {
            const actor = actorId.trim();
            if (!actor) {
              setMissing(true);
              return false;
            }
            setMissing(false);
            // The browser's local time, as typed; the API takes an instant.
            const instant = at ? new Date(at).toISOString() : undefined;
            return addTerminated(operatorId, actor, instant).then(() => {
              setActorId('');
              setAt('');
              changed(t('lists.added', { list: listName }));
              return true;
            });
          }}
        >
          <Field
            label={t('lists.actorId')}
            hint={t('lists.actorIdHint')}
            error={missing ? t('lists.terminated.actorMissing') : undefined}
            name="actorId"
            maxLength={128}
            value={actorId}
            onChange={setActorId}
          />
          <Field
            label={t('lists.terminated.at')}
            hint={t('lists.terminated.atHint')}
            name="terminatedAt"
            type="datetime-local"
            value={at}
            onChange={setAt}
          />
        </AddForm>
      ) : (
        <ReadOnlyNote list="terminated-actors" />
      )}
    </Section>
  );
}

function StaffSection({ operatorId, roles, onDone }: OperatorProps) {
  const { t } = useTranslation('soc');
  const when = useWhen();
  const by = useBy();
  const heading = useRef<HTMLHeadingElement>(null);
  const writable = mayWrite('staff', roles);
  const { value: items, changed, status } = useListSection(fetchStaff, operatorId, onDone);
  const iin = useIinField();
  const [actorId, setActorId] = useState('');
  const [label, setLabel] = useState('');
  const listName = t('lists.name.staff');
  return (
    <Section list="staff" heading={heading}>
      {status}
      <Entries
        listName={listName}
        heading={heading}
        entries={items?.map((entry) => ({
          key: entry.id,
          name: entry.label ?? entry.actorId ?? entry.subject,
          main: (
            <>
              {entry.label && <span className="soc-name">{entry.label}</span>}{' '}
              <code title={t('lists.pseudonym')}>{entry.subject}</code>
            </>
          ),
          details: (
            <>
              {entry.actorId && (
                <>
                  {t('lists.actor')}: <code>{entry.actorId}</code> ·{' '}
                </>
              )}
              {t('lists.addedAt', { time: when(entry.addedAt), by: by(entry.addedBy) })}
            </>
          ),
        }))}
        onRemove={writable ? (key) => removeStaff(operatorId, key) : undefined}
        onDone={changed}
      />
      {writable ? (
        <AddForm
          title={t('lists.addTo', { list: listName })}
          send={() => {
            const number = iin.take();
            if (!number) return false;
            return addStaff(operatorId, number, actorId.trim(), label.trim()).then(() => {
              setActorId('');
              setLabel('');
              changed(t('lists.added', { list: listName }));
              return true;
            });
          }}
        >
          {iin.field}
          <Field
            label={t('lists.staffActorId')}
            hint={t('lists.actorIdHint')}
            name="actorId"
            maxLength={128}
            value={actorId}
            onChange={setActorId}
          />
          <Field
            label={t('lists.label')}
            hint={t('lists.labelHint')}
            name="label"
            maxLength={200}
            value={label}
            onChange={setLabel}
          />
        </AddForm>
      ) : (
        <ReadOnlyNote list="staff" />
      )}
      {writable && (
        <StaffUpload
          operatorId={operatorId}
          members={items}
          heading={heading}
          onRegistered={(count) => changed(t('lists.upload.registered', { count, list: listName }))}
        />
      )}
    </Section>
  );
}

function DestinationsSection({
  operatorId,
  systemId,
  onSystem,
  roles,
  onDone,
}: OperatorProps & { readonly systemId: string; readonly onSystem: (id: string) => void }) {
  const { t } = useTranslation('soc');
  const heading = useRef<HTMLHeadingElement>(null);
  const pickerId = useId();
  const { value: systems, status } = useListSection(fetchSystemsOf, operatorId);
  const system = systems?.find((s) => s.id === systemId);
  return (
    <Section list="destinations" heading={heading}>
      {status}
      {systems?.length === 0 && <p className="muted">{t('lists.noSystems')}</p>}
      {systems && systems.length > 0 && (
        <div className="field soc-field">
          <label htmlFor={pickerId}>{t('lists.system')}</label>
          <select
            id={pickerId}
            name="system"
            value={systemId}
            onChange={(event) => onSystem(event.target.value)}
          >
            <option value="">{t('lists.chooseSystem')}</option>
            {systems.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.id})
              </option>
            ))}
          </select>
        </div>
      )}
      {system && (
        <SystemDestinations
          key={system.id}
          systemId={system.id}
          heading={heading}
          roles={roles}
          onDone={onDone}
        />
      )}
      {!mayWrite('destinations', roles) && <ReadOnlyNote list="destinations" />}
    </Section>
  );
}

function SystemDestinations({
  systemId,
  heading,
  roles,
  onDone,
}: SectionProps & {
  readonly systemId: string;
  readonly heading: RefObject<HTMLHeadingElement | null>;
}) {
  const { t } = useTranslation('soc');
  const when = useWhen();
  const by = useBy();
  const writable = mayWrite('destinations', roles);
  const { value: items, changed, status } = useListSection(fetchDestinations, systemId, onDone);
  const [country, setCountry] = useState('');
  const [note, setNote] = useState('');
  const [invalid, setInvalid] = useState(false);
  const listName = t('lists.name.destinations');
  return (
    <div data-system={systemId}>
      {status}
      <Entries
        listName={listName}
        heading={heading}
        entries={items?.map((entry) => ({
          key: entry.country,
          name: entry.country,
          main: (
            <>
              <code className="soc-name">{entry.country}</code>
              {entry.note && <> {entry.note}</>}
            </>
          ),
          details: t('lists.addedAt', { time: when(entry.addedAt), by: by(entry.addedBy) }),
        }))}
        onRemove={writable ? (key) => removeDestination(systemId, key) : undefined}
        onDone={changed}
      />
      {writable && (
        <AddForm
          title={t('lists.addTo', { list: listName })}
          send={() => {
            const code = countryCode(country);
            if (!code) {
              setInvalid(true);
              return false;
            }
            setInvalid(false);
            return addDestination(systemId, code, note.trim()).then(() => {
              setCountry('');
              setNote('');
              changed(t('lists.added', { list: listName }));
              return true;
            });
          }}
        >
          <Field
            label={t('lists.destination.country')}
            hint={t('lists.destination.countryHint')}
            error={invalid ? t('lists.destination.countryInvalid') : undefined}
            name="country"
            maxLength={2}
            autoCapitalize="characters"
            value={country}
            onChange={setCountry}
          />
          <Field
            label={t('lists.destination.note')}
            hint={t('lists.labelHint')}
            name="note"
            maxLength={500}
            value={note}
            onChange={setNote}
          />
        </AddForm>
      )}
    </div>
  );
}
