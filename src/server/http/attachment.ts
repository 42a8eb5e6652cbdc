import { create, parse } from 'content-disposition';

/**
 * The Content-Disposition of every download (RFC 6266, by the `content-disposition` package):
 * the real name (Chinese, or with characters such as `'()*`) in filename*, and an ASCII
 * stand-in in filename for clients that do not read filename*.
 */
export function attachment(fileName: string, fallback: string): string {
  return create(fileName, { type: 'attachment', fallback });
}

/** The file name a Content-Disposition header names, or null. */
export function attachmentFileName(header: string): string | null {
  if (!header) return null;
  try {
    return parse(header).parameters.filename ?? null;
  } catch {
    return null;
  }
}
