/**
 * The citizen inbox's own tables. Only the inbox writes them, from the events it consumes; a
 * notification is keyed by (event id, subject), so an event delivered twice is stored once.
 */
export interface NotificationsTable {
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
