/**
 * What the consent module needs from others, declared here in its own terms and adapted in
 * `server.ts`: the outbox (ledger record + published event in the caller's transaction), the
 * subjects (pseudonym and birth date of an IIN) and the registry (what a system declared).
 */
import type { Kysely } from 'kysely';
import type { JsonObject } from '../ledger/entry/canonical-json.js';
import type { ConsentTables } from './consent.tables.js';

/** A published event: pseudonyms only; `id` equals the ledger record's id. */
export interface ConsentDomainEvent {
  readonly id: string;
  readonly type: string;
  readonly at: string;
  readonly data: JsonObject;
}

export interface ConsentOutboxItem {
  readonly id: string;
  readonly type: string;
  readonly record: JsonObject;
  readonly event?: ConsentDomainEvent;
}

export interface ConsentOutbox {
  /** Writes the items in the caller's transaction: committed together with the change or not at all. */
  enqueue(trx: Kysely<ConsentTables>, items: readonly ConsentOutboxItem[]): Promise<void>;
  /** After commit: appends (if this instance sequences the ledger) and publishes; id → ledger index. */
  sequence(ids: readonly string[]): Promise<ReadonlyMap<string, number | null>>;
}

export interface ConsentSubjects {
  /**
   * Validates the IIN (`core.invalid_iin` naming `field`, default 'iin', never echoing it);
   * registers it if new.
   */
  subjectOf(
    iin: string,
    field?: string,
  ): Promise<{ readonly pseudonym: string; readonly birthDate: string }>;
  /**
   * The IIN behind a pseudonym (undefined when unknown). Only the last four digits of a child's
   * leave this module, to their guardian, so twins born the same day can be told apart.
   */
  revealIin(pseudonym: string): Promise<string | undefined>;
}

/** What a system declared in the registry, as far as consent requests need it. */
export interface DeclaredSystem {
  readonly id: string;
  readonly operatorId: string;
  readonly name: string;
  readonly operatorName: string;
  readonly purposes: readonly string[];
  readonly categories: readonly string[];
  readonly hostingCountry: string;
}

export interface ConsentRegistry {
  /** null for an unknown system. */
  declaredOf(systemId: string): Promise<DeclaredSystem | null>;
}

/**
 * The part of the registry's `profileOf` answer a consent request needs, typed structurally so
 * this module never imports the registry's types.
 */
export interface ProfileOfSystem {
  readonly system: {
    readonly id: string;
    readonly operatorId: string;
    readonly name: string;
    readonly hostingCountry: string;
    readonly purposes: readonly string[];
    readonly categories: readonly string[];
  };
  readonly operator: { readonly id: string; readonly name?: { readonly en: string } };
}

/** The consent registry port over the registry's read port (`profileOf`), for `server.ts`. */
export function declaredFromProfiles(
  profileOf: (systemId: string, at?: Date) => Promise<ProfileOfSystem | null>,
  clock: () => Date = () => new Date(),
): ConsentRegistry {
  return {
    async declaredOf(systemId) {
      const profile = await profileOf(systemId, clock());
      if (!profile) return null;
      const { system, operator } = profile;
      return {
        id: system.id,
        operatorId: system.operatorId,
        name: system.name,
        operatorName: operator.name?.en ?? system.operatorId,
        purposes: system.purposes,
        categories: system.categories,
        hostingCountry: system.hostingCountry,
      };
    },
  };
}
