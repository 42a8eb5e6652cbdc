import CFB from 'cfb';
import { AppError } from '../../shared/errors';

/** An OLE compound file (the container of Word 97–2003 .doc and Excel 97–2003 .xls). */
export interface OleContainer {
  /** The content of a stream at the top of the container, by name; null when absent. */
  stream(name: string): Buffer | null;
  /** The names of the streams and storages at the top of the container. */
  names: string[];
}

/**
 * Opens an OLE compound file (signature D0 CF 11 E0). A file cut short, or whose sector chains do
 * not hold together, is refused as damaged. An OLE file is not compressed: what it holds is no
 * larger than the file, which the size limit already caps.
 */
export function openOleContainer(bytes: Buffer): OleContainer {
  let container: CFB.CFB$Container;
  try {
    container = CFB.read(bytes, { type: 'buffer' });
  } catch (error) {
    throw new AppError('import.corrupt_file', {
      detail: `OLE: ${((error as Error).message ?? '').slice(0, 80)}`,
    });
  }
  const top = new Map<string, CFB.CFB$Entry>();
  container.FullPaths.forEach((fullPath, index) => {
    const parts = fullPath.split('/').filter(Boolean);
    // "Root Entry/WordDocument": the root first, then one name at the top level.
    if (parts.length === 2) top.set(parts[1]!, container.FileIndex[index]!);
  });
  return {
    names: [...top.keys()],
    stream(name) {
      const entry = top.get(name);
      if (entry?.type !== 2) return null;
      const content = entry.content;
      return Buffer.isBuffer(content) ? content : Buffer.from(content as Uint8Array);
    },
  };
}

export type OleKind = 'doc' | 'xls' | 'encrypted' | 'other';

/** What an OLE compound file holds, by its streams. */
export function oleKind(container: OleContainer): OleKind {
  const names = new Set(container.names);
  // A password-protected .docx/.xlsx is an OLE file holding the encrypted package.
  if (names.has('EncryptedPackage')) return 'encrypted';
  if (names.has('WordDocument')) return 'doc';
  if (names.has('Workbook') || names.has('Book')) return 'xls';
  return 'other';
}
