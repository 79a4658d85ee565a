/**
 * The citizen inbox's own tables. Only the inbox writes them, from the events it consumes; a
 * notification is unique by (event id, subject), so an event delivered twice is stored once, and
 * its primary key is (subject, id): every read names the citizen (migration
 * `20261205_1340_notifications_by_subject`).
 */
export interface NotificationsTable {
  /** Time-ordered (`newId`); unique within a subject, the only way it is ever looked up. */
  id: string;
  /** The consumed event's id (idempotency key with `subject`). */
  event_id: string;
  /** The citizen's pseudonym. */
  subject: string;
  /** `access`, `consent-request`, `consent-change`, `breach`. */
  category: string;
  /** The event type, e.g. `consent.requested`, `access.checked`. */
  type: string;
  /** When the event happened. */
  at: string;
  /** The event's data (pseudonyms only), JSON text. */
  data_json: string;
  created_at: string;
  read_at: string | null;
}

export interface NotificationPreferencesTable {
  subject: string;
  category: string;
  /** 1: tell me live (and count as unread); 0: keep quietly, already read. */
  notify: number;
  updated_at: string;
}

export interface NotifyTables {
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
}
