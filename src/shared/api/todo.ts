import { z } from 'zod';
import { isoDateSchema } from '../plan-import/contract';
import { workingRoles } from '../access';
import { defineOperation } from './operation';

/**
 * 我的待办: what is the caller's to do now, by deadline. Computed from the records each time, so
 * what is done leaves the list by itself.
 */
export const todoKinds = [
  /** a liaison's */
  'breakdown',
  'progress',
  'measure',
  'obligation',
  'rectification',
  'summary',
  /** 督办通知单 to answer */
  'notice',
  /** the office's */
  'breakdown_review',
  'verification',
  /** a reviewer's */
  'report_review',
] as const;
export type TodoKind = (typeof todoKinds)[number];

export const todoItemSchema = z.object({
  key: z.string(),
  kind: z.enum(todoKinds),
  title: z.string(),
  detail: z.string().nullable(),
  departmentName: z.string().nullable(),
  dueOn: isoDateSchema.nullable(),
  overdue: z.boolean(),
  /** The exact page, inside the web app. */
  link: z.string(),
});
export type TodoItem = z.infer<typeof todoItemSchema>;

export const todoViewSchema = z.object({
  plan: z.object({ id: z.uuid(), title: z.string() }).nullable(),
  today: isoDateSchema,
  total: z.number().int(),
  overdue: z.number().int(),
  /** The earliest deadline among the items. */
  nextDueOn: isoDateSchema.nullable(),
  groups: z.array(
    z.object({
      kind: z.enum(todoKinds),
      count: z.number().int(),
      overdue: z.number().int(),
      nextDueOn: isoDateSchema.nullable(),
      link: z.string(),
    }),
  ),
  items: z.array(todoItemSchema),
});
export type TodoView = z.infer<typeof todoViewSchema>;

export const todoQuerySchema = z.object({ planId: z.uuid().optional() });

export const todoApi = {
  mine: defineOperation({
    id: 'todo.mine',
    method: 'GET',
    path: '/api/v1/todo',
    tags: ['todo'],
    description:
      '我的待办: what is the caller’s to do in the plan (default: the newest), by deadline, with counts per kind.',
    query: todoQuerySchema,
    response: todoViewSchema,
    access: workingRoles,
  }),
};
