/**
 * Every migration, in order. Names are timestamps so modules developed in parallel never collide;
 * Kysely applies them sorted by name and refuses to start on a database that has a migration
 * this build does not know (a newer version wrote it).
 */
import type { Migration } from 'kysely';
import * as subjects from './20261125_1500_subjects.js';
import * as registry from './20261125_1600_registry.js';
import * as ledger from './20261125_1700_ledger.js';
import * as consent from './20261126_1210_consent.js';
import * as ledgerKeys from './20261204_1230_ledger_keys.js';
import * as outbox from './20261204_1231_outbox.js';
import * as registryOutbox from './20261204_1232_registry_outbox.js';
import * as subjectsBirthDate from './20261204_1233_subjects_birth_date.js';
import * as portal from './20261204_1240_portal.js';
import * as notify from './20261204_1241_notify.js';
import * as access from './20261204_1245_access.js';
import * as monitor from './20261204_1515_monitor.js';
import * as staffSessions from './20261204_1520_staff_sessions.js';
import * as monitorResponse from './20261204_1525_monitor_response.js';
import * as registryVersion from './20261204_1550_registry_version.js';
import * as monitorReference from './20261204_1830_monitor_reference.js';
import * as monitorRuleVersions from './20261204_1835_monitor_rule_versions.js';
import * as outboxUnsequenced from './20261204_2245_outbox_unsequenced.js';
import * as outboxFinished from './20261204_2350_outbox_finished.js';
import * as notificationsBySubject from './20261205_1340_notifications_by_subject.js';
import * as ledgerCheckpointsRowid from './20261205_1400_ledger_checkpoints_rowid.js';
import * as outboxEvents from './20261205_1400_outbox_events.js';
import * as monitorHistoryEventId from './20261205_1430_monitor_history_event_id.js';
import * as outboxRequeued from './20261205_1600_outbox_requeued.js';
import * as canonicalInstants from './20261205_1700_canonical_instants.js';
import * as monitorResponseIds from './20261205_1710_monitor_response_ids.js';
import * as accessIdempotencyKeyHash from './20261205_1730_access_idempotency_key_hash.js';
import * as binaryTextKeys from './20261205_1900_binary_text_keys.js';
import * as dedupeLegalGrounds from './20261205_2000_dedupe_legal_grounds.js';
import * as monitorIncidentTitleComposed from './20261206_1000_monitor_incident_title_composed.js';

export const migrations: Readonly<Record<string, Migration>> = {
  '20261125_1500_subjects': subjects,
  '20261125_1600_registry': registry,
  '20261125_1700_ledger': ledger,
  '20261126_1210_consent': consent,
  '20261204_1230_ledger_keys': ledgerKeys,
  '20261204_1231_outbox': outbox,
  '20261204_1232_registry_outbox': registryOutbox,
  '20261204_1233_subjects_birth_date': subjectsBirthDate,
  '20261204_1240_portal': portal,
  '20261204_1241_notify': notify,
  '20261204_1245_access': access,
  '20261204_1515_monitor': monitor,
  '20261204_1520_staff_sessions': staffSessions,
  '20261204_1525_monitor_response': monitorResponse,
  '20261204_1550_registry_version': registryVersion,
  '20261204_1830_monitor_reference': monitorReference,
  '20261204_1835_monitor_rule_versions': monitorRuleVersions,
  '20261204_2245_outbox_unsequenced': outboxUnsequenced,
  '20261204_2350_outbox_finished': outboxFinished,
  '20261205_1340_notifications_by_subject': notificationsBySubject,
  '20261205_1400_ledger_checkpoints_rowid': ledgerCheckpointsRowid,
  '20261205_1400_outbox_events': outboxEvents,
  '20261205_1430_monitor_history_event_id': monitorHistoryEventId,
  '20261205_1600_outbox_requeued': outboxRequeued,
  '20261205_1700_canonical_instants': canonicalInstants,
  '20261205_1710_monitor_response_ids': monitorResponseIds,
  '20261205_1730_access_idempotency_key_hash': accessIdempotencyKeyHash,
  '20261205_1900_binary_text_keys': binaryTextKeys,
  '20261205_2000_dedupe_legal_grounds': dedupeLegalGrounds,
  '20261206_1000_monitor_incident_title_composed': monitorIncidentTitleComposed,
};
