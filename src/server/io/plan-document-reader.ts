import type { HeaderMapping } from '../../shared/plan-import/table-header';
import { AppError } from '../../shared/errors';
import type { ParsedPlan } from '../../shared/plan-import/contract';
import type { DocumentBlocks } from '../../shared/plan-import/document-blocks';
import { parsePlanDocument } from '../../shared/plan-import/parse-plan';
import { readInWorker } from './document-pool';
import { defaultImportLimits, type ImportLimits } from './upload-limits';

export { defaultImportLimits, type ImportLimits } from './upload-limits';

export interface ReadPlanOptions {
  limits?: Partial<ImportLimits>;
  /** The organization's department names, so that the document's names are matched to them. */
  knownDepartments?: readonly string[];
  /** alias → department name, from the organization's departments. */
  aliases?: Readonly<Record<string, string>>;
  /** The header row and column meanings the office chose (`--columns`, the API's `columns`). */
  mapping?: HeaderMapping;
}

/**
 * An uploaded document as neutral blocks, whatever its format: the name, the size, the content
 * (sniffed, never trusted from the name) and the inflated size are checked first. Every refusal
 * is an AppError of the import.* family. The reading happens in a worker thread of the pool
 * (`document-pool.ts`), so that no document stalls the server's other requests.
 */
export async function readDocumentBlocks(
  input: { bytes: Buffer; fileName: string },
  limits: ImportLimits = defaultImportLimits,
): Promise<DocumentBlocks> {
  return readInWorker(input, limits);
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
