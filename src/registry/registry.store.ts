/**
 * Operators, systems and certificates in storage. Rows become domain objects here and nowhere
 * else; every function takes the `db` or transaction it should run on.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { CategoryCode, Labels } from '../core/taxonomy.js';
import { fromFlag } from '../storage/dialect-types.js';
import type {
  BiometricProfile,
  Certificate,
  Contact,
  InformationSystem,
  LegalGround,
  Operator,
  RecordStatus,
  Sector,
  SystemKind,
  SystemProfile,
} from './registry.model.js';
import type {
  CertificatesTable,
  OperatorsTable,
  RegistryTables,
  SystemsTable,
} from './registry.tables.js';
import { evaluateStanding } from './standing.js';

/**
 * What the registry's stores may run queries on: the registry's own tables only, so a query on
 * another module's table fails to compile. A Pick (not `Kysely<RegistryTables>` itself) so that a
 * transaction over the composed Database is accepted too.
 */
export type Db = Pick<
  Kysely<RegistryTables>,
  'selectFrom' | 'insertInto' | 'updateTable' | 'deleteFrom'
>;

export function toOperator(row: Selectable<OperatorsTable>): Operator {
  return {
    id: row.id,
    identifierKind: row.identifier_kind,
    identifier: row.identifier_display,
    name: { kk: row.name_kk, ru: row.name_ru, en: row.name_en },
    sector: row.sector as Sector,
    contact: JSON.parse(row.contact_json) as Contact,
    status: row.status,
    statusReason: row.status_reason,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toSystem(row: Selectable<SystemsTable>): InformationSystem {
  return {
    id: row.id,
    operatorId: row.operator_id,
    name: row.name,
    description: row.description,
    kind: row.kind as SystemKind,
    purposes: JSON.parse(row.purposes_json) as string[],
    categories: JSON.parse(row.categories_json) as CategoryCode[],
    legalGrounds: JSON.parse(row.legal_grounds_json) as LegalGround[],
    hosting: {
      country: row.hosting_country,
      dataCentre: row.data_centre,
      onNationalPlatform: fromFlag(row.on_national_platform),
    },
    connections: {
      accessControlSince: row.access_control_connected_on,
      socSince: row.soc_connected_on,
    },
    trustStatus: row.trust_status,
    biometric:
      row.biometric_json === null ? null : (JSON.parse(row.biometric_json) as BiometricProfile),
    clientCertSha256: row.client_cert_sha256,
    status: row.status,
    statusReason: row.status_reason,
    suspendedUntil: row.suspended_until,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toCertificate(row: Selectable<CertificatesTable>): Certificate {
  return {
    id: row.id,
    systemId: row.system_id,
    number: row.number,
    issuer: row.issuer,
    scope: row.scope,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    recordedAt: row.recorded_at,
    withdrawnAt: row.withdrawn_at,
    withdrawnReason: row.withdrawn_reason,
  };
}

/**
 * The read port's answer, in one query: the system joined to its operator and, for a biometric
 * system, to each of its certificates not withdrawn (a left join: one row per certificate, or one
 * row without). Null for an unknown system.
 */
export async function findProfile(
  db: Db,
  systemId: string,
  at: string,
): Promise<SystemProfile | null> {
  return (await loadProfile(db, systemId))?.(at) ?? null;
}

/**
 * What `findProfile` reads, as a function of the instant: the rows are read once and standing is
 * evaluated at each `at` (a suspension's end or a certificate's validity counts at that instant),
 * so the function may be kept while the registry does not change. Null for an unknown system.
 */
export async function loadProfile(
  db: Db,
  systemId: string,
): Promise<((at: string) => SystemProfile) | null> {
  const rows = await db
    .selectFrom('systems')
    .innerJoin('operators', 'operators.id', 'systems.operator_id')
    .leftJoin('system_certificates', (join) =>
      join
        .onRef('system_certificates.system_id', '=', 'systems.id')
        .on('system_certificates.withdrawn_at', 'is', null)
        .on('systems.kind', '=', 'biometric'),
    )
    .selectAll('systems')
    .select([
      'operators.status as operator_status',
      'operators.name_kk as operator_name_kk',
      'operators.name_ru as operator_name_ru',
      'operators.name_en as operator_name_en',
      'system_certificates.id as cert_id',
      'system_certificates.number as cert_number',
      'system_certificates.issuer as cert_issuer',
      'system_certificates.scope as cert_scope',
      'system_certificates.valid_from as cert_valid_from',
      'system_certificates.valid_until as cert_valid_until',
      'system_certificates.recorded_at as cert_recorded_at',
    ])
    .where('systems.id', '=', systemId)
    .orderBy('system_certificates.id')
    .execute();
  const first = rows[0];
  if (!first) return null;
  const system = toSystem(first);
  const certificates: Certificate[] = rows.flatMap((row) =>
    row.cert_id === null
      ? []
      : [
          {
            id: row.cert_id,
            systemId: system.id,
            number: row.cert_number ?? '',
            issuer: row.cert_issuer ?? '',
            scope: row.cert_scope ?? '',
            validFrom: row.cert_valid_from ?? '',
            validUntil: row.cert_valid_until ?? '',
            recordedAt: row.cert_recorded_at ?? '',
            withdrawnAt: null,
            withdrawnReason: null,
          },
        ],
  );
  const grounds = system.legalGrounds.flatMap((ground) =>
    ground.purposes.map((purpose) => ({
      kind: ground.basis,
      purpose,
      reference: ground.reference,
      validFrom: ground.validFrom ?? null,
      validTo: ground.validUntil,
      ...(ground.recipients ? { recipients: ground.recipients } : {}),
    })),
  );
  return (at) => {
    const standing = evaluateStanding(system, { status: first.operator_status }, certificates, at);
    return {
      system: {
        id: system.id,
        operatorId: system.operatorId,
        name: system.name,
        kind: system.kind,
        status: system.status,
        hostingCountry: system.hosting.country,
        purposes: system.purposes,
        categories: system.categories,
      },
      operator: {
        id: system.operatorId,
        status: first.operator_status,
        name: {
          kk: first.operator_name_kk,
          ru: first.operator_name_ru,
          en: first.operator_name_en,
        },
      },
      standing: { ok: standing.mayAct, reasons: standing.reasons },
      grounds,
    };
  };
}

export function searchTextOf(...parts: readonly string[]): string {
  return parts.join('\n').toLowerCase();
}

export function operatorSearchText(name: Labels, identifier: string): string {
  return searchTextOf(name.kk, name.ru, name.en, identifier);
}

/** `%text%` with LIKE's wildcards escaped, to be used with `escape '\'`. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function findOperator(db: Db, id: string): Promise<Operator | undefined> {
  const row = await db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toOperator(row);
}

/** Whether an operator with this id is registered (its id only: nothing decoded). */
export async function operatorExists(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('operators').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

export async function findOperatorByLookup(db: Db, lookup: string): Promise<Operator | undefined> {
  const row = await db
    .selectFrom('operators')
    .selectAll()
    .where('identifier_lookup', '=', lookup)
    .executeTakeFirst();
  return row && toOperator(row);
}

export async function findSystem(db: Db, id: string): Promise<InformationSystem | undefined> {
  const row = await db.selectFrom('systems').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSystem(row);
}

export async function listCertificates(db: Db, systemId: string): Promise<Certificate[]> {
  const rows = await db
    .selectFrom('system_certificates')
    .selectAll()
    .where('system_id', '=', systemId)
    .orderBy('id')
    .execute();
  return rows.map(toCertificate);
}

export interface Page<T> {
  readonly items: T[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  readonly nextCursor?: string;
}

export interface OperatorFilter {
  readonly q?: string | undefined;
  readonly sector?: Sector | undefined;
  readonly status?: RecordStatus | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

export async function searchOperators(db: Db, filter: OperatorFilter): Promise<Page<Operator>> {
  let query = db
    .selectFrom('operators')
    .selectAll()
    .orderBy('id')
    .limit(filter.limit + 1);
  if (filter.q)
    query = query.where(sql<boolean>`search_text like ${containsPattern(filter.q)} escape '\\'`);
  if (filter.sector) query = query.where('sector', '=', filter.sector);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.cursor) query = query.where('id', '>', filter.cursor);
  return page((await query.execute()).map(toOperator), filter.limit);
}

export interface SystemFilter {
  readonly q?: string | undefined;
  readonly operatorId?: string | undefined;
  readonly kind?: SystemKind | undefined;
  readonly status?: RecordStatus | undefined;
  readonly trustStatus?: InformationSystem['trustStatus'] | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

export async function searchSystems(
  db: Db,
  filter: SystemFilter,
): Promise<Page<InformationSystem>> {
  let query = db
    .selectFrom('systems')
    .selectAll()
    .orderBy('id')
    .limit(filter.limit + 1);
  if (filter.q)
    query = query.where(sql<boolean>`search_text like ${containsPattern(filter.q)} escape '\\'`);
  if (filter.operatorId) query = query.where('operator_id', '=', filter.operatorId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.trustStatus) query = query.where('trust_status', '=', filter.trustStatus);
  if (filter.cursor) query = query.where('id', '>', filter.cursor);
  return page((await query.execute()).map(toSystem), filter.limit);
}

function page<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, nextCursor: items[items.length - 1]!.id };
}

/** Every operator with its systems, for export (ordered by id). */
export async function listOperatorsWithSystems(
  db: Db,
): Promise<(Operator & { systems: InformationSystem[] })[]> {
  const operators = (await db.selectFrom('operators').selectAll().orderBy('id').execute()).map(
    toOperator,
  );
  const systems = (await db.selectFrom('systems').selectAll().orderBy('id').execute()).map(
    toSystem,
  );
  return operators.map((operator) => ({
    ...operator,
    systems: systems.filter((system) => system.operatorId === operator.id),
  }));
}
