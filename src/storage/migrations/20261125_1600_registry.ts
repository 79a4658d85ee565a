import type { Kysely } from 'kysely';

/** Operators, their information systems, certificates, credentials, staff tokens and history. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('operators')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('identifier_kind', 'varchar(8)', (col) => col.notNull())
    .addColumn('identifier_lookup', 'varchar(64)', (col) => col.notNull().unique())
    .addColumn('identifier_sealed', 'text')
    .addColumn('identifier_display', 'varchar(16)', (col) => col.notNull())
    .addColumn('name_kk', 'text', (col) => col.notNull())
    .addColumn('name_ru', 'text', (col) => col.notNull())
    .addColumn('name_en', 'text', (col) => col.notNull())
    .addColumn('sector', 'varchar(32)', (col) => col.notNull())
    .addColumn('contact_json', 'text', (col) => col.notNull())
    .addColumn('search_text', 'text', (col) => col.notNull())
    .addColumn('status', 'varchar(16)', (col) => col.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('operators_sector_status')
    .on('operators')
    .columns(['sector', 'status'])
    .execute();

  await db.schema
    .createTable('systems')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('operator_id', 'varchar(40)', (col) => col.notNull().references('operators.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('kind', 'varchar(16)', (col) => col.notNull())
    .addColumn('purposes_json', 'text', (col) => col.notNull())
    .addColumn('categories_json', 'text', (col) => col.notNull())
    .addColumn('legal_grounds_json', 'text', (col) => col.notNull())
    .addColumn('hosting_country', 'varchar(2)', (col) => col.notNull())
    .addColumn('data_centre', 'text', (col) => col.notNull())
    .addColumn('on_national_platform', 'integer', (col) => col.notNull())
    .addColumn('access_control_connected_on', 'varchar(10)')
    .addColumn('soc_connected_on', 'varchar(10)')
    .addColumn('trust_status', 'varchar(16)', (col) => col.notNull())
    .addColumn('biometric_json', 'text')
    .addColumn('client_cert_sha256', 'varchar(64)')
    .addColumn('search_text', 'text', (col) => col.notNull())
    .addColumn('status', 'varchar(16)', (col) => col.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('suspended_until', 'varchar(32)')
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .addUniqueConstraint('systems_operator_name', ['operator_id', 'name'])
    .execute();
  await db.schema.createIndex('systems_operator').on('systems').column('operator_id').execute();
  await db.schema
    .createIndex('systems_kind_status')
    .on('systems')
    .columns(['kind', 'status'])
    .execute();

  await db.schema
    .createTable('system_certificates')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('system_id', 'varchar(40)', (col) => col.notNull().references('systems.id'))
    .addColumn('number', 'varchar(100)', (col) => col.notNull())
    .addColumn('issuer', 'text', (col) => col.notNull())
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('valid_from', 'varchar(32)', (col) => col.notNull())
    .addColumn('valid_until', 'varchar(32)', (col) => col.notNull())
    .addColumn('recorded_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('recorded_by', 'text', (col) => col.notNull())
    .addColumn('withdrawn_at', 'varchar(32)')
    .addColumn('withdrawn_reason', 'text')
    .addUniqueConstraint('system_certificates_issuer_number', ['issuer', 'number'])
    .execute();
  await db.schema
    .createIndex('system_certificates_system')
    .on('system_certificates')
    .column('system_id')
    .execute();

  await db.schema
    .createTable('system_credentials')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('system_id', 'varchar(40)', (col) => col.notNull().references('systems.id'))
    .addColumn('display_prefix', 'varchar(64)', (col) => col.notNull())
    .addColumn('secret_hash', 'varchar(64)', (col) => col.notNull())
    .addColumn('label', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'varchar(32)')
    .addColumn('revoked_at', 'varchar(32)')
    .addColumn('revoked_reason', 'text')
    .addColumn('last_used_at', 'varchar(32)')
    .addColumn('replaced_by', 'varchar(40)')
    .execute();
  await db.schema
    .createIndex('system_credentials_system')
    .on('system_credentials')
    .column('system_id')
    .execute();

  await db.schema
    .createTable('staff_tokens')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('role', 'varchar(16)', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('secret_hash', 'varchar(64)', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('expires_at', 'varchar(32)')
    .addColumn('revoked_at', 'varchar(32)')
    .execute();

  await db.schema
    .createTable('registry_history')
    .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('entity', 'varchar(16)', (col) => col.notNull())
    .addColumn('entity_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('subject_id', 'varchar(40)', (col) => col.notNull())
    .addColumn('action', 'varchar(40)', (col) => col.notNull())
    .addColumn('version', 'integer')
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('reason', 'text')
    .addColumn('snapshot_json', 'text', (col) => col.notNull())
    .addColumn('at', 'varchar(32)', (col) => col.notNull())
    .addColumn('ledger_index', 'bigint')
    .execute();
  await db.schema
    .createIndex('registry_history_subject')
    .on('registry_history')
    .columns(['subject_id', 'id'])
    .execute();
  await db.schema
    .createIndex('registry_history_pending')
    .on('registry_history')
    .column('ledger_index')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'registry_history',
    'staff_tokens',
    'system_credentials',
    'system_certificates',
    'systems',
    'operators',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
