import { z } from 'zod';
import { evidenceViewSchema } from './evidence';
import { organizationStaff } from '../access';
import { idParamsSchema } from './contracts';
import { defineOperation, fileResponse } from './operation';

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

export const satisfactionApi = {
  list: defineOperation({
    id: 'satisfaction.list',
    method: 'GET',
    path: '/api/v1/satisfaction-results',
    tags: ['satisfaction'],
    response: satisfactionListSchema,
    access: ['admin', 'coordinator', 'leader'],
  }),
  record: defineOperation({
    id: 'satisfaction.record',
    method: 'POST',
    path: '/api/v1/satisfaction-results',
    tags: ['satisfaction'],
    description:
      "A third party's satisfaction result for a year (items 27, 28): value, sample, source and its document as evidence.",
    body: satisfactionBodySchema,
    response: z.object({ id: z.uuid() }),
    status: 201,
    access: organizationStaff,
  }),
  update: defineOperation({
    id: 'satisfaction.update',
    method: 'PUT',
    path: '/api/v1/satisfaction-results/:id',
    tags: ['satisfaction'],
    description: 'Corrects a third-party result: every field, and its evidence.',
    params: idParamsSchema,
    body: satisfactionBodySchema,
    response: satisfactionViewSchema,
    access: organizationStaff,
  }),
  import: defineOperation({
    id: 'satisfaction.import',
    method: 'POST',
    path: '/api/v1/satisfaction-results/import',
    tags: ['satisfaction'],
    description:
      'A results sheet (.xlsx, multipart field "file": 年度, 指标, 满意度, 样本量, 测评机构, 备注), all rows or none; a row for a year, item and source already recorded updates it. Attach the source document to each result afterwards.',
    upload: true,
    response: z.object({ imported: z.number().int(), updated: z.number().int() }),
    status: 201,
    access: organizationStaff,
  }),
  template: defineOperation({
    id: 'satisfaction.template',
    method: 'GET',
    path: '/api/v1/satisfaction-results/template.xlsx',
    tags: ['satisfaction'],
    description:
      'The results sheet to fill in (年度 指标 满意度 样本量 测评机构 备注), with how to fill it in.',
    response: fileResponse,
    produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    access: organizationStaff,
  }),
  delete: defineOperation({
    id: 'satisfaction.delete',
    method: 'DELETE',
    path: '/api/v1/satisfaction-results/:id',
    tags: ['satisfaction'],
    params: idParamsSchema,
    response: z.null(),
    status: 204,
    access: organizationStaff,
  }),
};
