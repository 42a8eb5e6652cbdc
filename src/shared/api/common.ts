import { z } from 'zod';
import { roles } from '../roles';

/** An instant as the API writes it: ISO 8601 with its offset. */
export const timestampSchema = z.iso.datetime({ offset: true });

export const uuidSchema = z.uuid();
export const roleSchema = z.enum(roles);
