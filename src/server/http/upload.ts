import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors';

/** A file uploaded to Luoshi: its name as the client gave it, and its bytes. */
export interface Upload {
  fileName: string;
  bytes: Buffer;
}

/** The uploaded file of a multipart request (field "file"), read whole; the size cap is @fastify/multipart's. */
export async function readUpload(request: FastifyRequest): Promise<Upload> {
  const file = request.isMultipart() ? await request.file() : undefined;
  if (!file)
    throw new AppError('request.invalid', {}, [
      { path: 'file', message: 'a file is required (multipart field "file")' },
    ]);
  const bytes = await file.toBuffer();
  return { fileName: file.filename, bytes };
}
