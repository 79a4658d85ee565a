/**
 * The registry service: operators, information systems and their certification, composed from
 * the per-entity services, plus the all-or-nothing bulk import. Each change is validated, written
 * with its history row in one transaction, then sequenced into the transparency log before the
 * caller is answered (see changes.ts).
 */
import type { Kysely } from 'kysely';
import { idCursor } from '../core/cursors.js';
import { DomainError } from '../core/errors.js';
import type { TaxonomyIndex } from '../core/taxonomy.js';
import type { Secrets } from '../secrets/secrets.js';
import type { RegistryDatabase } from './registry.tables.js';
import { type ChangeDeps, createChangeRunner } from './changes.js';
import { listHistory } from './history.js';
import { createOperatorService, type OperatorInput } from './operators.service.js';
import type { Actor, SystemProfile } from './registry.model.js';
import { createVersionedCache, type RegistryVersion } from './registry-cache.js';
import {
  findProfile,
  loadProfile,
  operatorExists,
  searchOperators,
  searchSystems,
  type OperatorFilter,
  type SystemFilter,
} from './registry.store.js';
import type { SystemInput } from './system-rules.js';
import { createSystemService } from './systems.service.js';

export type { Changed } from './changes.js';
export type { OperatorInput, OperatorPatch } from './operators.service.js';
export type { CertificateInput } from './systems.service.js';

export interface RegistryDeps extends ChangeDeps {
  readonly db: Kysely<RegistryDatabase>;
  readonly secrets: Pick<Secrets, 'lookupKey' | 'fields'>;
  readonly taxonomy: TaxonomyIndex;
}

/** One operator of an import file with its systems, and where each came from (for the report). */
export interface ImportItem {
  readonly source: string;
  readonly operator: OperatorInput;
  readonly systems: readonly {
    readonly source: string;
    readonly system: Omit<SystemInput, 'operatorId'>;
  }[];
}

export interface ImportProblem {
  readonly source: string;
  readonly code: string;
  readonly message: string;
}

export interface ImportReport {
  readonly operators: number;
  readonly systems: number;
  readonly problems: readonly ImportProblem[];
  /** True only when every row was valid and this was not a dry run. */
  readonly committed: boolean;
}

/** Thrown inside the import transaction to roll it back after a dry run or any row error. */
class RollBack extends Error {}

export function createRegistryService(deps: RegistryDeps) {
  const runner = createChangeRunner(deps);
  const operators = createOperatorService(deps, runner);
  const systems = createSystemService(deps, runner);

  return {
    ...operators.api,
    ...systems.api,

    /**
     * Imports operators and their systems all or nothing: every row is validated and written in
     * one transaction; if any row fails (or this is a dry run) the transaction is rolled back
     * and the report lists every failing row.
     */
    async importRecords(
      items: readonly ImportItem[],
      options: { dryRun: boolean },
      actor: Actor,
    ): Promise<ImportReport> {
      const problems: ImportProblem[] = [];
      let operatorCount = 0;
      let systemCount = 0;
      const problem = (source: string, error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
        problems.push({ source, code: error.code, message: error.detail });
      };
      try {
        await deps.db.transaction().execute(async (trx) => {
          const at = runner.now();
          for (const item of items) {
            let operatorId: string;
            try {
              operatorId = (await operators.createOperatorIn(trx, item.operator, actor, at)).record
                .id;
              operatorCount++;
            } catch (error) {
              problem(item.source, error);
              continue;
            }
            for (const { source, system } of item.systems) {
              try {
                await systems.createSystemIn(trx, { ...system, operatorId }, actor, at);
                systemCount++;
              } catch (error) {
                problem(source, error);
              }
            }
          }
          if (problems.length > 0 || options.dryRun) throw new RollBack();
        });
      } catch (error) {
        if (!(error instanceof RollBack)) throw error;
      }
      const committed = problems.length === 0 && !options.dryRun;
      if (committed) await runner.sequence();
      return { operators: operatorCount, systems: systemCount, problems, committed };
    },
  };
}

export type RegistryService = ReturnType<typeof createRegistryService>;

/** A list's cursor, the last record's id: exactly an id of the list's kind (else a 400), or none. */
const cursorOf = (cursor: string | undefined, prefix: string) =>
  cursor === undefined ? undefined : idCursor(cursor, prefix);

/** The registry's read queries, bound to its storage: what routes and the read port need. */
export function createRegistryReads(
  db: Kysely<RegistryDatabase>,
  clock: () => Date,
  version?: RegistryVersion,
) {
  // Profiles kept while the registry version holds (registry-cache.ts); standing at each instant.
  const profiles = version
    ? createVersionedCache(version, (systemId) => loadProfile(db, systemId))
    : undefined;
  return {
    searchOperators: (filter: OperatorFilter) =>
      searchOperators(db, { ...filter, cursor: cursorOf(filter.cursor, 'op') }),
    /** Whether the registry holds an operator with this id, whatever its status. */
    operatorExists: (operatorId: string): Promise<boolean> => operatorExists(db, operatorId),
    searchSystems: (filter: SystemFilter) =>
      searchSystems(db, { ...filter, cursor: cursorOf(filter.cursor, 'sys') }),
    /** Every change to an operator or system (with its certificates and keys), paged. */
    historyOf: (subjectId: string, paging: { cursor?: string | undefined; limit: number }) =>
      listHistory(db, subjectId, { ...paging, cursor: cursorOf(paging.cursor, 'chg') }),
    /** The read port: one query (none while cached); null for an unknown system. */
    profileOf: async (systemId: string, at: Date = clock()): Promise<SystemProfile | null> =>
      profiles
        ? ((await profiles.get(systemId))?.(at.toISOString()) ?? null)
        : findProfile(db, systemId, at.toISOString()),
  };
}

export type RegistryReads = ReturnType<typeof createRegistryReads>;
