import { z } from 'zod';

const timestampSchema = z.iso.datetime({ offset: true });

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
