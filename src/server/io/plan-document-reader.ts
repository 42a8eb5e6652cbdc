import type { HeaderMapping } from '../../shared/plan-import/table-header';
import { AppError, formatBytes } from '../../shared/errors';
import type { ParsedPlan } from '../../shared/plan-import/contract';
import type { DocumentBlocks } from '../../shared/plan-import/document-blocks';
import { parsePlanDocument } from '../../shared/plan-import/parse-plan';
import { readDocDocument } from './doc-reader';
import { readDocxDocument } from './docx-reader';
import { checkFileName, detectKind } from './file-sniffing';
import { decodeText } from './text-decoding';
import { readTextDocument } from './text-reader';
import { readXlsDocument } from './xls-reader';
import { readXlsxDocument } from './xlsx-reader';
import { inflateZip } from './zip-guard';

export interface ImportLimits {
  maxFileBytes: number;
  maxInflatedBytes: number;
  maxRows: number;
  maxColumns: number;
}

export const defaultImportLimits: ImportLimits = {
  maxFileBytes: 10 * 1024 * 1024,
  maxInflatedBytes: 50 * 1024 * 1024,
  maxRows: 5000,
  maxColumns: 50,
};

export interface ReadPlanOptions {
  limits?: Partial<ImportLimits>;
  /** The organization's department names, so that the document's names are matched to them. */
  knownDepartments?: readonly string[];
  /** alias → department name, from the organization's departments. */
  aliases?: Readonly<Record<string, string>>;
  /** The header row and column meanings the office chose (`--columns`, the API's `columns`). */
  mapping?: HeaderMapping;
}

async function readBlocks(
  bytes: Buffer,
  fileName: string,
  limits: ImportLimits,
): Promise<DocumentBlocks> {
  const { kind, ole } = await detectKind(bytes, fileName);
  const zipLimits = { maxEntries: 2000, maxInflatedBytes: limits.maxInflatedBytes };
  switch (kind) {
    // An OLE compound file is not compressed: what it holds is no larger than the file itself.
    case 'doc':
      return readDocDocument(ole!, limits);
    case 'xls':
      return readXlsDocument(bytes, limits);
    case 'text':
      return readTextDocument(decodeText(bytes));
    case 'docx': {
      const parts = await inflateZip(bytes, (name) => name === 'word/document.xml', zipLimits);
      return readDocxDocument(parts.get('word/document.xml')!);
    }
    case 'xlsx':
      // exceljs inflates on its own and without limits: the guard inflates (and caps) first.
      await inflateZip(bytes, () => false, zipLimits);
      return readXlsxDocument(bytes, limits);
  }
}

/**
 * An uploaded document as neutral blocks, whatever its format: the name, the size, the content
 * (sniffed, never trusted from the name) and the inflated size are checked first. Every refusal
 * is an AppError of the import.* family.
 */
export async function readDocumentBlocks(
  input: { bytes: Buffer; fileName: string },
  limits: ImportLimits = defaultImportLimits,
): Promise<DocumentBlocks> {
  checkFileName(input.fileName);
  if (input.bytes.length === 0) throw new AppError('import.empty_file');
  if (input.bytes.length > limits.maxFileBytes) {
    throw new AppError('import.too_large', {
      size: formatBytes(input.bytes.length),
      limit: formatBytes(limits.maxFileBytes),
    });
  }
  return readBlocks(input.bytes, input.fileName, limits);
}

/**
 * An uploaded spreadsheet (.xlsx, or .xls as Excel 97–2003, WPS and most HR systems export it) as
 * neutral blocks, through the same guards as a plan document: name, size, sniffed content and the
 * inflated size capped before exceljs inflates anything. Anything else is refused with
 * `upload.not_spreadsheet`. `limits` are the upload kind's own: what such a sheet can need.
 */
export async function readSpreadsheet(
  input: { bytes: Buffer; fileName: string },
  limits: Partial<ImportLimits> = {},
): Promise<DocumentBlocks> {
  const blocks = await readDocumentBlocks(input, { ...defaultImportLimits, ...limits });
  if (blocks.format !== 'xlsx' && blocks.format !== 'xls')
    throw new AppError('upload.not_spreadsheet');
  return blocks;
}

/**
 * The one way into Luoshi for a plan document, whatever its format: checks the name and the
 * size, reads the bytes by what they are, and parses the result. Every refusal is an AppError.
 */
export async function readPlanDocument(
  input: { bytes: Buffer; fileName: string },
  options: ReadPlanOptions = {},
): Promise<ParsedPlan> {
  const limits = { ...defaultImportLimits, ...options.limits };
  const blocks = await readDocumentBlocks(input, limits);
  return parsePlanDocument(blocks, {
    maxRows: limits.maxRows,
    ...(options.knownDepartments ? { knownDepartments: options.knownDepartments } : {}),
    ...(options.aliases ? { aliases: options.aliases } : {}),
    ...(options.mapping ? { mapping: options.mapping } : {}),
  });
}
