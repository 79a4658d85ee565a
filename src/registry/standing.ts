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
  readonly reasons: StandingReason[];
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
  system:
    | (Pick<InformationSystem, 'id' | 'status' | 'suspendedUntil' | 'kind'> &
        Partial<InformationSystem>)
    | undefined,
  operator: Pick<Operator, 'status'> | undefined,
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

/** What a presented API key says about its holder, as the credential store reads it. */
export interface KeyFacts {
  readonly keyId: string;
  readonly keyState: 'active' | 'expiring' | 'expired' | 'revoked';
  readonly system: Pick<InformationSystem, 'id' | 'status' | 'suspendedUntil' | 'kind'>;
  readonly operator: Pick<Operator, 'status'>;
  /** Certificates not withdrawn (only read for biometric systems). */
  readonly certificates: readonly Certificate[];
  /** SHA-256 of the client certificate the system must present, if one is registered. */
  readonly registeredCertSha256: string | null;
  /** SHA-256 of the client certificate presented with this request, if any. */
  readonly presentedCertSha256: string | undefined;
}

export type KeyUse =
  | { readonly outcome: 'admitted'; readonly standing: Standing }
  /** 401: the key may not be used at all, on any route. */
  | { readonly outcome: 'unauthenticated'; readonly detail: string }
  /** 403: the key is good but its system is not in standing, and this route needs standing. */
  | { readonly outcome: 'forbidden'; readonly detail: string; readonly standing: Standing };

/**
 * The standing rule for API keys, the one definition (docs/ARCHITECTURE.md "Standing"):
 * - a revoked or expired key, a revoked system or a revoked operator, or a missing client
 *   certificate that is registered: 401 on every route;
 * - a suspended system or operator: 401 on a route that needs standing;
 * - a biometric system without a certificate in force (missing, expired, withdrawn, not yet
 *   valid): 403 on a route that needs standing;
 * - on a route that accepts systems not in standing (`config.allowNotInStanding`, the access
 *   checks) a suspended or uncertified system is admitted with its standing, so its attempt is
 *   answered with a recorded deny that names the reasons.
 */
export function decideKeyUse(facts: KeyFacts, at: string, acceptsNotInStanding: boolean): KeyUse {
  const { keyId, system } = facts;
  if (facts.keyState === 'revoked')
    return { outcome: 'unauthenticated', detail: `API key ${keyId} was revoked.` };
  if (facts.keyState === 'expired')
    return {
      outcome: 'unauthenticated',
      detail: `API key ${keyId} expired after rotation; use its successor.`,
    };
  if (system.status === 'revoked')
    return {
      outcome: 'unauthenticated',
      detail: `System ${system.id} is revoked; its keys no longer work.`,
    };
  if (facts.operator.status === 'revoked')
    return {
      outcome: 'unauthenticated',
      detail: `The operator of system ${system.id} is revoked; its keys no longer work.`,
    };
  if (
    facts.registeredCertSha256 !== null &&
    facts.presentedCertSha256 !== facts.registeredCertSha256
  ) {
    return {
      outcome: 'unauthenticated',
      detail: `System ${system.id} must also present its registered client certificate.`,
    };
  }
  const standing = evaluateStanding(system, facts.operator, facts.certificates, at);
  if (standing.mayAct || acceptsNotInStanding) return { outcome: 'admitted', standing };
  if (isSuspendedAt(system, at))
    return {
      outcome: 'unauthenticated',
      detail: `System ${system.id} is suspended; its keys do not work while it is.`,
    };
  if (facts.operator.status === 'suspended')
    return {
      outcome: 'unauthenticated',
      detail: `The operator of system ${system.id} is suspended.`,
    };
  return {
    outcome: 'forbidden',
    detail: `System ${system.id} is not in standing: ${standing.reasons.map((r) => r.message.en).join(' ')}`,
    standing,
  };
}
