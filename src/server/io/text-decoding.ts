import iconv from 'iconv-lite';
import { AppError } from '../../shared/errors';

/**
 * Text as Chinese offices save it: UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030
 * from older Windows tools; line ends normalised to \n.
 */
export function decodeText(bytes: Buffer): string {
  let text: string;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    text = bytes.subarray(3).toString('utf8');
  else if (bytes[0] === 0xff && bytes[1] === 0xfe)
    text = iconv.decode(bytes.subarray(2), 'utf-16le');
  else if (bytes[0] === 0xfe && bytes[1] === 0xff)
    text = iconv.decode(bytes.subarray(2), 'utf-16be');
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = iconv.decode(bytes, 'gb18030');
    }
  }
  if (looksBinary(text)) throw new AppError('import.not_text');
  return text.replace(/\r\n?/g, '\n');
}

function looksBinary(text: string): boolean {
  if (text.includes('\u0000') || text.includes('\ufffd')) return true;
  const controls = text.match(/[\u0001-\u0008\u000e-\u001f]/g)?.length ?? 0;
  return controls > text.length / 100;
}
