// What happened to a CRM record: creation, important field changes, notes and (archive issue)
// archived e-mails and documents. Record modules write entries; detail pages read them.
export { addNote, listTimeline, NOTE_MAX_LENGTH, recordEvent, type NewTimelineEvent, type TimelineEntry } from './events';
export { recordHref, recordKinds, type RecordKind, type RecordRef } from './record-ref';
