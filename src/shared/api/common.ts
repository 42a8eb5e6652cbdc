import { z } from 'zod';

/** An instant as the API writes it: ISO 8601 with its offset. */
export const timestampSchema = z.iso.datetime({ offset: true });
