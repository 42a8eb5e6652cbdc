import { AppError } from '../../shared/errors';
import type { DocumentBlocks } from '../../shared/plan-import/document-blocks';
import { readDocDocument } from './doc-reader';
import { readDocxDocument } from './docx-reader';
import { detectKind } from './file-sniffing';
import { decodeText } from './text-decoding';
import { readTextDocument } from './text-reader';
import { readXlsDocument } from './xls-reader';
import { readXlsxDocument } from './xlsx-reader';
import { checkUpload, type ImportLimits } from './upload-limits';
import { inflateZip } from './zip-guard';

/**
 * The document read in the calling thread: sniffed, zip-guarded, read by its format. This is what
 * the document workers run (`document-worker.mjs`); the server reaches it through the pool.
 */
export async function readDocumentBlocksHere(
  input: { bytes: Buffer; fileName: string },
  limits: ImportLimits,
): Promise<DocumentBlocks> {
  checkUpload(input, limits);
  const { bytes, fileName } = input;
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
