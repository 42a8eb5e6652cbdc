import { z } from 'zod';
import { timestampSchema } from './common';
import { defineOperation, fileResponse } from './operation';
import { departmentEditors } from '../access';
import { idParamsSchema } from './contracts';

/** Evidence (佐证材料) as every page and module shows it: a file or a link. */
export const evidenceViewSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['file', 'link']),
  /** The file's name (sanitized) or the link's title. */
  title: z.string(),
  departmentId: z.uuid().nullable(),
  /** For a file: what its content is, its size, and where to download it. */
  mediaType: z.string().nullable(),
  sizeBytes: z.number().int().nullable(),
  contentUrl: z.string().nullable(),
  /** For a link: the http(s) address. */
  url: z.string().nullable(),
  uploadedBy: z.string(),
  createdAt: timestampSchema,
});
export type EvidenceView = z.infer<typeof evidenceViewSchema>;

/** What records that cite evidence carry in their requests: at most 50 ids, no repeats. */
export const evidenceIdsSchema = z
  .array(z.uuid())
  .max(50)
  .default([])
  .transform((ids) => [...new Set(ids)]);

export const evidenceUploadQuerySchema = z.object({
  /** The department the file is evidence of; a liaison's uploads are always their own department's. */
  departmentId: z.uuid().optional(),
});

export const evidenceLinkBodySchema = z.object({
  title: z.string().trim().min(1).max(200),
  /** Only http:// and https:// addresses are kept. */
  url: z.string().trim().min(1).max(2000),
  departmentId: z.uuid().optional(),
});

export const evidenceListQuerySchema = z.object({
  /** Comma-separated evidence ids. */
  ids: z
    .string()
    .max(50 * 37)
    .transform((value) => [
      ...new Set(
        value
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(z.uuid()).min(1).max(50)),
});

export const evidenceListSchema = z.object({ items: z.array(evidenceViewSchema) });

/** Where a piece of evidence is downloaded. */
export const evidenceContentUrl = (id: string) => `/api/v1/evidence/${id}/content`;

/** The evidence operations: what the server serves and the web calls. */
export const evidenceApi = {
  upload: defineOperation({
    id: 'evidence.upload',
    method: 'POST',
    path: '/api/v1/evidence',
    tags: ['evidence'],
    description:
      'Upload one evidence file (multipart field "file"): PDF, .docx/.xlsx/.pptx, JPEG/PNG/GIF/WebP or plain text, checked by content.',
    query: evidenceUploadQuerySchema,
    upload: true,
    response: evidenceViewSchema,
    status: 201,
    access: departmentEditors,
  }),
  createLink: defineOperation({
    id: 'evidence.createLink',
    method: 'POST',
    path: '/api/v1/evidence/links',
    tags: ['evidence'],
    body: evidenceLinkBodySchema,
    response: evidenceViewSchema,
    status: 201,
    access: departmentEditors,
  }),
  list: defineOperation({
    id: 'evidence.list',
    method: 'GET',
    path: '/api/v1/evidence',
    tags: ['evidence'],
    query: evidenceListQuerySchema,
    response: evidenceListSchema,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
  content: defineOperation({
    id: 'evidence.content',
    method: 'GET',
    path: '/api/v1/evidence/:id/content',
    tags: ['evidence'],
    description: 'The file, always as an attachment, sandboxed.',
    params: idParamsSchema,
    response: fileResponse,
    access: ['admin', 'coordinator', 'leader', 'liaison'],
  }),
} as const;
