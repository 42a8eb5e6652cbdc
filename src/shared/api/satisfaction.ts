import { z } from 'zod';
import { evidenceViewSchema } from './evidence';

export const satisfactionBodySchema = z.object({
  year: z.number().int().min(2000).max(2100),
  itemNo: z.number().int().min(1).max(999),
  value: z.number().min(0).max(100),
  sample: z.number().int().min(1).nullable().default(null),
  source: z.string().trim().min(1).max(200),
  evidenceIds: z.array(z.uuid()).max(20).default([]),
  note: z.string().max(1000).default(''),
});
export const satisfactionViewSchema = satisfactionBodySchema.extend({
  id: z.uuid(),
  evidence: z.array(evidenceViewSchema),
});
export type SatisfactionView = z.infer<typeof satisfactionViewSchema>;
export const satisfactionListSchema = z.object({ results: z.array(satisfactionViewSchema) });
