import { create, parse } from 'content-disposition';

/**
 * The Content-Disposition of every download (RFC 6266, by the `content-disposition` package):
 * the real name (Chinese, or with characters such as `'()*`) in filename*, and an ASCII
 * stand-in in filename for clients that do not read filename*.
 */
export function attachment(fileName: string, fallback: string): string {
  return create(fileName, { type: 'attachment', fallback });
}

/**
 * The ASCII stand-in for a file someone uploaded: the name itself when it is plain ASCII, else
 * `stem` with the name's extension (`evidence.pdf`), so that even an old client saves it as what it is.
 */
export function asciiStandIn(fileName: string, stem: string): string {
  const extension = /\.[A-Za-z0-9]{1,5}$/.exec(fileName)?.[0] ?? '';
  const own = fileName.slice(0, fileName.length - extension.length);
  return `${/^[A-Za-z0-9._ -]{1,100}$/.test(own) ? own : stem}${extension}`;
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
