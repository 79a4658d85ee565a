/**
 * "May this system act now, and if not, why?" — the registry's answer to every access check.
 * Pure: the caller loads the system, its operator and certificates and passes the clock.
 */
import type { Labels } from '../core/taxonomy.js';
import type { Certificate, InformationSystem, Operator } from './registry.model.js';

export type StandingReasonCode =
  | 'system.unknown'
  | 'system.suspended'
  | 'system.revoked'
  | 'operator.suspended'
  | 'operator.revoked'
  | 'biometric.certificate_missing'
  | 'biometric.certificate_expired'
  | 'biometric.certificate_not_yet_valid';

export interface StandingReason {
  readonly code: StandingReasonCode;
  readonly message: Labels;
}

export interface Standing {
  readonly systemId: string;
  readonly mayAct: boolean;
  readonly reasons: readonly StandingReason[];
  /** For biometric systems: whether a certificate valid at `at` exists, and which. */
  readonly certified: boolean | null;
  readonly certificate: Pick<Certificate, 'id' | 'number' | 'issuer' | 'validUntil'> | null;
  readonly at: string;
}

const REASON_TEXT: Record<StandingReasonCode, Labels> = {
  'system.unknown': {
    en: 'The information system is not in the registry.',
    ru: 'Информационная система не зарегистрирована в реестре.',
    kk: 'Ақпараттық жүйе тізілімде тіркелмеген.',
  },
  'system.suspended': {
    en: 'The information system is suspended.',
    ru: 'Работа информационной системы приостановлена.',
    kk: 'Ақпараттық жүйенің жұмысы тоқтатылған.',
  },
  'system.revoked': {
    en: 'The information system has been removed from the registry.',
    ru: 'Информационная система исключена из реестра.',
    kk: 'Ақпараттық жүйе тізілімнен шығарылған.',
  },
  'operator.suspended': {
    en: 'The operator of this system is suspended.',
    ru: 'Деятельность оператора этой системы приостановлена.',
    kk: 'Осы жүйе операторының қызметі тоқтатылған.',
  },
  'operator.revoked': {
    en: 'The operator of this system has been removed from the registry.',
    ru: 'Оператор этой системы исключён из реестра.',
    kk: 'Осы жүйенің операторы тізілімнен шығарылған.',
  },
  'biometric.certificate_missing': {
    en: 'This biometric system has no certificate: it is not certified.',
    ru: 'У биометрической системы нет сертификата: она не сертифицирована.',
    kk: 'Биометриялық жүйенің сертификаты жоқ: ол сертификатталмаған.',
  },
  'biometric.certificate_expired': {
    en: 'The certificate of this biometric system has expired: it is not certified.',
    ru: 'Срок сертификата биометрической системы истёк: она не сертифицирована.',
    kk: 'Биометриялық жүйе сертификатының мерзімі өтті: ол сертификатталмаған.',
  },
  'biometric.certificate_not_yet_valid': {
    en: 'The certificate of this biometric system is not valid yet.',
    ru: 'Сертификат биометрической системы ещё не вступил в силу.',
    kk: 'Биометриялық жүйенің сертификаты әлі күшіне енбеген.',
  },
};

const reason = (code: StandingReasonCode): StandingReason => ({ code, message: REASON_TEXT[code] });

/** A suspension with an end date lapses by itself at that date. */
export function isSuspendedAt(
  system: Pick<InformationSystem, 'status' | 'suspendedUntil'>,
  at: string,
): boolean {
  return (
    system.status === 'suspended' && (system.suspendedUntil === null || system.suspendedUntil > at)
  );
}

/** The certificate in force at `at`: not withdrawn, `validFrom <= at < validUntil`; latest first. */
export function certificateInForce(
  certificates: readonly Certificate[],
  at: string,
): Certificate | undefined {
  return certificates
    .filter((c) => c.withdrawnAt === null && c.validFrom <= at && at < c.validUntil)
    .sort((a, b) => (a.validUntil < b.validUntil ? 1 : -1))[0];
}

export function evaluateStanding(
  system: InformationSystem | undefined,
  operator: Operator | undefined,
  certificates: readonly Certificate[],
  at: string,
  systemId: string = system?.id ?? '',
): Standing {
  if (!system || !operator) {
    return {
      systemId,
      mayAct: false,
      reasons: [reason('system.unknown')],
      certified: null,
      certificate: null,
      at,
    };
  }
  const reasons: StandingReason[] = [];
  if (system.status === 'revoked') reasons.push(reason('system.revoked'));
  else if (isSuspendedAt(system, at)) reasons.push(reason('system.suspended'));
  if (operator.status === 'revoked') reasons.push(reason('operator.revoked'));
  else if (operator.status === 'suspended') reasons.push(reason('operator.suspended'));

  let certified: boolean | null = null;
  let certificate: Standing['certificate'] = null;
  if (system.kind === 'biometric') {
    const current = certificateInForce(certificates, at);
    certified = current !== undefined;
    if (current) {
      certificate = {
        id: current.id,
        number: current.number,
        issuer: current.issuer,
        validUntil: current.validUntil,
      };
    } else {
      const live = certificates.filter((c) => c.withdrawnAt === null);
      if (live.some((c) => c.validFrom > at))
        reasons.push(reason('biometric.certificate_not_yet_valid'));
      else if (live.some((c) => c.validUntil <= at))
        reasons.push(reason('biometric.certificate_expired'));
      else reasons.push(reason('biometric.certificate_missing'));
    }
  }
  return { systemId: system.id, mayAct: reasons.length === 0, reasons, certified, certificate, at };
}
