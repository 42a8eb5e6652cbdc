import path from 'node:path';
import { AppError } from '../../shared/errors';
import { oleKind, openOleContainer, type OleContainer } from './ole-container';
import { listZipEntries } from './zip-guard';

export type DetectedKind = 'docx' | 'xlsx' | 'doc' | 'xls' | 'text';

const SIGNATURES: { name: string; bytes: number[] }[] = [
  { name: 'PNG 图片', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'JPEG 图片', bytes: [0xff, 0xd8, 0xff] },
  { name: 'GIF 图片', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'PDF 文档', bytes: [0x25, 0x50, 0x44, 0x46] },
  { name: 'RAR 压缩包', bytes: [0x52, 0x61, 0x72, 0x21] },
  { name: '7z 压缩包', bytes: [0x37, 0x7a, 0xbc, 0xaf] },
  { name: 'gzip 压缩包', bytes: [0x1f, 0x8b] },
];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0];

const startsWith = (bytes: Buffer, signature: number[]) =>
  signature.every((byte, index) => bytes[index] === byte);

const EXTENSIONS: Record<string, DetectedKind> = {
  '.docx': 'docx',
  '.xlsx': 'xlsx',
  '.doc': 'doc',
  '.xls': 'xls',
  '.txt': 'text',
  '.text': 'text',
};
const DESCRIPTIONS: Record<DetectedKind, string> = {
  docx: 'Word 文档 (.docx)',
  xlsx: 'Excel 表格 (.xlsx)',
  doc: 'Word 97–2003 文档 (.doc)',
  xls: 'Excel 97–2003 表格 (.xls)',
  text: '纯文本',
};
/** The old and the new format of one program: a .xls saved as .xlsx (or back) is read as what it is. */
const FAMILY: Record<DetectedKind, string> = {
  docx: 'word',
  doc: 'word',
  xlsx: 'excel',
  xls: 'excel',
  text: 'text',
};

/** A bare file name: no directories, no parent references, no control characters. */
export function checkFileName(fileName: string): void {
  const bad =
    fileName.length === 0 ||
    fileName.length > 255 ||
    /[/\\]/.test(fileName) ||
    fileName === '.' ||
    fileName === '..' ||
    /[\u0000-\u001f\u007f]/.test(fileName) ||
    path.basename(fileName) !== fileName;
  if (bad)
    throw new AppError('import.bad_file_name', {
      name: fileName.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 80),
    });
}

export interface Detected {
  kind: DetectedKind;
  /** The opened compound file of a .doc or .xls. */
  ole?: OleContainer;
}

/**
 * What the bytes are, checked against what the name says. A Word file named .doc or .docx (and an
 * Excel file named .xls or .xlsx) is read as what its bytes are: programs and WPS save one under
 * the other's name.
 */
export async function detectKind(bytes: Buffer, fileName: string): Promise<Detected> {
  const extension = path.extname(fileName).toLowerCase();
  const claimed = EXTENSIONS[extension];
  const detected = await detectByContent(bytes, extension);
  if (claimed && FAMILY[claimed] !== FAMILY[detected.kind]) {
    throw new AppError('import.type_mismatch', {
      extension,
      detected: DESCRIPTIONS[detected.kind],
    });
  }
  return detected;
}

function detectOle(bytes: Buffer, extension: string): Detected {
  const ole = openOleContainer(bytes);
  const kind = oleKind(ole);
  if (kind === 'doc' || kind === 'xls') return { kind, ole };
  if (kind === 'encrypted') throw new AppError('import.encrypted_file');
  const detected = 'OLE 复合文档（不是 Word 或 Excel）';
  if (EXTENSIONS[extension]) throw new AppError('import.type_mismatch', { extension, detected });
  throw new AppError('import.unsupported_type', { detected });
}

async function detectByContent(bytes: Buffer, extension: string): Promise<Detected> {
  if (startsWith(bytes, OLE2)) return detectOle(bytes, extension);
  const known = SIGNATURES.find((signature) => startsWith(bytes, signature.bytes));
  if (known) {
    if (EXTENSIONS[extension])
      throw new AppError('import.type_mismatch', { extension, detected: known.name });
    throw new AppError('import.unsupported_type', { detected: known.name });
  }
  if (startsWith(bytes, EMPTY_ZIP))
    throw new AppError('import.corrupt_file', { detail: 'empty zip' });
  if (startsWith(bytes, ZIP)) {
    const names = await listZipEntries(bytes);
    if (isOpenDocument(names)) throw new AppError('import.open_document');
    if (names.includes('word/document.xml')) return { kind: 'docx' };
    if (names.includes('xl/workbook.xml')) return { kind: 'xlsx' };
    if (EXTENSIONS[extension] && EXTENSIONS[extension] !== 'text')
      throw new AppError('import.corrupt_file', { detail: 'not an Office Open XML package' });
    throw new AppError('import.unsupported_type', { detected: 'zip 压缩包' });
  }
  return { kind: 'text' };
}

/** An OpenDocument package (.ods/.odt/.odp): a `mimetype` entry and `content.xml`, no Office Open XML parts. */
export function isOpenDocument(names: readonly string[]): boolean {
  return names.includes('mimetype') && names.includes('content.xml');
}
