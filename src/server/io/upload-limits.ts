import { AppError, formatBytes } from '../../shared/errors';
import { checkFileName } from './file-sniffing';

/**
 * What an upload may be, and the checks made before it waits for a reader. Apart from the
 * readers (document-blocks-reader.ts), so that the server's main thread, which only checks and
 * hands the bytes to a worker, never loads exceljs, SheetJS and the other readers' libraries.
 */
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

/** The cheap checks, made before a document waits for a reader: name, emptiness, size. */
export function checkUpload(input: { bytes: Uint8Array; fileName: string }, limits: ImportLimits) {
  checkFileName(input.fileName);
  if (input.bytes.length === 0) throw new AppError('import.empty_file');
  if (input.bytes.length > limits.maxFileBytes) {
    throw new AppError('import.too_large', {
      size: formatBytes(input.bytes.length),
      limit: formatBytes(limits.maxFileBytes),
    });
  }
}
