/**
 * The one Kysely `Database` interface: each module declares its own tables beside its code and
 * they are composed here, so a store sees every table it may join but owns only its own.
 */
import type { AccessTables } from '../access/access.tables.js';
import type { ConsentTables } from '../consent/consent.tables.js';
import type { LedgerTables } from '../ledger/ledger.tables.js';
import type { MonitorResponseTables } from '../monitor/response.tables.js';
import type { MonitorTables } from '../monitor/monitor.tables.js';
import type { OutboxTables } from '../outbox/outbox.tables.js';
import type { NotifyTables } from '../notify/notify.tables.js';
import type { PortalTables } from '../portal/portal.tables.js';
import type { RegistryTables } from '../registry/registry.tables.js';
import type { SubjectTables } from '../subjects/subjects.tables.js';

export interface Database
  extends
    SubjectTables,
    RegistryTables,
    LedgerTables,
    ConsentTables,
    PortalTables,
    NotifyTables,
    OutboxTables,
    AccessTables,
    MonitorTables,
    MonitorResponseTables {}
