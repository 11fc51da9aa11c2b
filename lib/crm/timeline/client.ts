// Browser-safe: what the timeline filter and the note form share with the server.
import { z } from 'zod';

/** The kinds of timeline entry (the same list as the timeline_event_kind enum; a unit test keeps them equal). */
export const timelineKinds = ['created', 'updated', 'stage_changed', 'owner_changed', 'note_added', 'email_archived', 'document_added'] as const;
export type TimelineKind = (typeof timelineKinds)[number];

export const noteSchema = z.object({
  recordKind: z.enum(['company', 'contact', 'project', 'sale'], 'invalidValue'),
  recordId: z.uuid('crm.notFound'),
  body: z.string('crm.noteRequired').trim().min(1, 'crm.noteRequired').max(10_000, 'crm.noteTooLong'),
});
