import path from 'node:path';
import { AppError } from '../../shared/errors';
import { decodeText } from './text-decoding';
import { inflateZip, listZipEntries, type ZipLimits } from './zip-guard';
import { isOpenDocument } from './file-sniffing';

/** What an evidence file is, by its content: the media type it is served with and its usual extension. */
export interface EvidenceType {
  kind: 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'png' | 'jpeg' | 'gif' | 'webp' | 'text';
  mediaType: string;
  extension: string;
  /** In words, for messages. */
  description: string;
}

const TYPES = {
  pdf: { kind: 'pdf', mediaType: 'application/pdf', extension: '.pdf', description: 'PDF 文档' },
  docx: {
    kind: 'docx',
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extension: '.docx',
    description: 'Word 文档 (.docx)',
  },
  xlsx: {
    kind: 'xlsx',
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: '.xlsx',
    description: 'Excel 表格 (.xlsx)',
  },
  pptx: {
    kind: 'pptx',
    mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extension: '.pptx',
    description: 'PowerPoint 演示文稿 (.pptx)',
  },
  png: { kind: 'png', mediaType: 'image/png', extension: '.png', description: 'PNG 图片' },
  jpeg: { kind: 'jpeg', mediaType: 'image/jpeg', extension: '.jpg', description: 'JPEG 图片' },
  gif: { kind: 'gif', mediaType: 'image/gif', extension: '.gif', description: 'GIF 图片' },
  webp: { kind: 'webp', mediaType: 'image/webp', extension: '.webp', description: 'WebP 图片' },
  text: {
    kind: 'text',
    mediaType: 'text/plain; charset=utf-8',
    extension: '.txt',
    description: '纯文本',
  },
} as const satisfies { [name in EvidenceType['kind']]: EvidenceType & { kind: name } };
type TypeName = EvidenceType['kind'];

/** The extensions a name may carry for each type; another type's extension on the name is a wrong file. */
const EXTENSIONS: Record<string, TypeName> = {
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.xlsx': 'xlsx',
  '.pptx': 'pptx',
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.gif': 'gif',
  '.webp': 'webp',
  '.txt': 'text',
  '.text': 'text',
  '.md': 'text',
  '.csv': 'text',
};

/** Names that run code when opened, whatever the bytes: never stored. */
const DANGEROUS_EXTENSIONS = new Set([
  '.exe',
  '.com',
  '.bat',
  '.cmd',
  '.scr',
  '.pif',
  '.msi',
  '.msp',
  '.dll',
  '.cpl',
  '.jar',
  '.js',
  '.mjs',
  '.jse',
  '.vbs',
  '.vbe',
  '.wsf',
  '.wsh',
  '.ps1',
  '.psm1',
  '.sh',
  '.bash',
  '.app',
  '.apk',
  '.lnk',
  '.hta',
  '.html',
  '.htm',
  '.xhtml',
  '.shtml',
  '.svg',
  '.svgz',
  '.xml',
  '.xsl',
  '.mht',
  '.mhtml',
  '.php',
  '.asp',
  '.aspx',
  '.jsp',
]);

const startsWith = (bytes: Buffer, signature: readonly number[], offset = 0) =>
  signature.every((byte, index) => bytes[offset + index] === byte);
const ascii = (text: string) => [...text].map((character) => character.charCodeAt(0));

const EXECUTABLES: { bytes: number[]; name: string }[] = [
  { bytes: ascii('MZ'), name: 'Windows 可执行程序' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], name: 'Linux 可执行程序' },
  { bytes: [0xcf, 0xfa, 0xed, 0xfe], name: 'macOS 可执行程序' },
  { bytes: [0xce, 0xfa, 0xed, 0xfe], name: 'macOS 可执行程序' },
  { bytes: [0xca, 0xfe, 0xba, 0xbe], name: '可执行程序' },
  { bytes: ascii('#!'), name: '脚本' },
];
const OTHER_KNOWN: { bytes: number[]; name: string }[] = [
  { bytes: [0x52, 0x61, 0x72, 0x21], name: 'RAR 压缩包' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], name: '7z 压缩包' },
  { bytes: [0x1f, 0x8b], name: 'gzip 压缩包' },
  { bytes: ascii('BM'), name: 'BMP 图片' },
  { bytes: [0x49, 0x49, 0x2a, 0x00], name: 'TIFF 图片' },
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], name: 'TIFF 图片' },
  { bytes: ascii('{\\rtf'), name: 'RTF 文档' },
];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06];

/** Markup a browser would run: refused even as "text". */
const ACTIVE_MARKUP =
  /<!doctype\s+html|<\s*(?:html|head|body|script|svg|iframe|object|embed|meta|link|style)\b|<\?xml[^>]*>\s*(?:<!--[\s\S]*?-->\s*)*<\s*svg\b/i;

async function detectOfficeType(bytes: Buffer, limits: ZipLimits): Promise<TypeName> {
  const listed = await listZipEntries(bytes);
  if (isOpenDocument(listed)) throw new AppError('import.open_document');
  const names = new Set(listed);
  const main = names.has('word/document.xml')
    ? 'docx'
    : names.has('xl/workbook.xml')
      ? 'xlsx'
      : names.has('ppt/presentation.xml')
        ? 'pptx'
        : null;
  if (!main || !names.has('[Content_Types].xml'))
    throw new AppError('evidence.unsupported_type', { detected: 'zip 压缩包' });
  // Inflates every part under the cap (a zip bomb is refused here), keeping only the content types.
  const parts = await inflateZip(bytes, (name) => name === '[Content_Types].xml', limits);
  const contentTypes = parts.get('[Content_Types].xml')?.toString('utf8') ?? '';
  if (
    /macroEnabled/i.test(contentTypes) ||
    names.has('word/vbaProject.bin') ||
    names.has('xl/vbaProject.bin') ||
    names.has('ppt/vbaProject.bin')
  ) {
    throw new AppError('evidence.unsupported_type', { detected: '含宏的 Office 文件' });
  }
  return main;
}

async function detectByContent(bytes: Buffer, limits: ZipLimits): Promise<TypeName> {
  const executable = EXECUTABLES.find((signature) => startsWith(bytes, signature.bytes));
  if (executable) throw new AppError('evidence.executable', { detected: executable.name });
  if (startsWith(bytes, OLE2)) throw new AppError('import.legacy_office');
  if (startsWith(bytes, ascii('%PDF-'))) return 'pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, EMPTY_ZIP))
    throw new AppError('import.corrupt_file', { detail: 'empty zip' });
  if (startsWith(bytes, ZIP)) return detectOfficeType(bytes, limits);
  const other = OTHER_KNOWN.find((signature) => startsWith(bytes, signature.bytes));
  if (other) throw new AppError('evidence.unsupported_type', { detected: other.name });
  let text: string;
  try {
    text = decodeText(bytes);
  } catch {
    throw new AppError('evidence.unsupported_type', { detected: '无法识别的二进制文件' });
  }
  if (ACTIVE_MARKUP.test(text.slice(0, 64 * 1024))) throw new AppError('evidence.active_content');
  return 'text';
}

/** The charset text is served with, as decodeText read it. */
function textCharset(bytes: Buffer): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return 'utf-16';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/**
 * What an uploaded evidence file is, from its bytes: PDF, .docx/.xlsx/.pptx, JPEG/PNG/GIF/WebP or
 * plain text. Executables, web pages and SVG (they can run script), legacy Office files and
 * anything else are refused, as is a name that claims another of these types or runs code.
 */
export async function detectEvidenceType(
  bytes: Buffer,
  fileName: string,
  limits: ZipLimits,
): Promise<EvidenceType> {
  const extension = path.extname(fileName).toLowerCase();
  if (DANGEROUS_EXTENSIONS.has(extension)) {
    throw new AppError(
      extension === '.svg' ||
        extension === '.svgz' ||
        extension.includes('htm') ||
        extension === '.xml'
        ? 'evidence.active_content'
        : 'evidence.executable',
      { detected: extension },
    );
  }
  const detected = await detectByContent(bytes, limits);
  const claimed = EXTENSIONS[extension];
  if (claimed && claimed !== detected)
    throw new AppError('evidence.type_mismatch', {
      extension,
      detected: TYPES[detected].description,
    });
  return detected === 'text'
    ? { ...TYPES.text, mediaType: `text/plain; charset=${textCharset(bytes)}` }
    : TYPES[detected];
}

/**
 * A file name fit to show and to send back: the last path segment, without control or
 * reserved characters, at most 120 characters, ending in the extension of what the file is.
 */
export function sanitizeFileName(fileName: string, type: EvidenceType): string {
  const base = (fileName.split(/[/\\]/).pop() ?? '')
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  const extension = path.extname(base).toLowerCase();
  const fits = EXTENSIONS[extension] === type.kind;
  const stem = (fits ? base.slice(0, base.length - extension.length) : base) || '佐证材料';
  return `${[...stem].slice(0, 120).join('')}${fits ? base.slice(base.length - extension.length) : type.extension}`;
}
