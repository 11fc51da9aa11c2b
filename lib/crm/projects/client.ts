// Browser-safe: the project form's rules, shared by the form and the server actions.
import { z } from 'zod';
import { listOf, optionalDate, optionalId, optionalText } from '@/lib/crm/shared/client';

/** The same list as the project_status enum (a unit test keeps them equal). */
export const projectStatuses = ['planned', 'in_progress', 'completed', 'stopped'] as const;

export const projectFieldsSchema = z
  .object({
    name: z.string('crm.nameRequired').trim().min(1, 'crm.nameRequired').max(200, 'crm.tooLong'),
    status: z.enum(projectStatuses, 'invalidValue').default('planned'),
    ownerId: optionalId,
    startDate: optionalDate,
    endDate: optionalDate,
    notes: optionalText(10_000),
    companyIds: listOf(z.uuid('invalidValue')).transform((ids) => [...new Set(ids)]),
    contactIds: listOf(z.uuid('invalidValue')).transform((ids) => [...new Set(ids)]),
  })
  .refine((value) => !value.startDate || !value.endDate || value.endDate >= value.startDate, { path: ['endDate'], message: 'crm.endBeforeStart' });
export type ProjectFields = z.output<typeof projectFieldsSchema>;
