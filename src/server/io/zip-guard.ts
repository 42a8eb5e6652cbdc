import yauzl from 'yauzl';
import { AppError, formatBytes } from '../../shared/errors';

export interface ZipLimits {
  maxEntries: number;
  maxInflatedBytes: number;
}

export const defaultZipLimits: ZipLimits = { maxEntries: 2000, maxInflatedBytes: 50 * 1024 * 1024 };

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      bytes,
      // Sizes are not taken on trust: what every entry really inflates to is counted below, so an
      // entry that lies about its size is stopped at the cap, and the refusal says how far it got.
      { lazyEntries: true, validateEntrySizes: false, strictFileNames: false },
      (error, zip) => {
        if (error || !zip)
          reject(new AppError('import.corrupt_file', { detail: error?.message ?? 'zip' }));
        else resolve(zip);
      },
    );
  });
}

/**
 * Inflates every entry of an Office file, refusing archives that would grow past the limit:
 * first by their declared sizes, then by the bytes actually inflated (a declared size can lie).
 * Only what `keep` selects is returned.
 */
export async function inflateZip(
  bytes: Buffer,
  keep: (name: string) => boolean,
  limits: ZipLimits = defaultZipLimits,
): Promise<Map<string, Buffer>> {
  const zip = await openZip(bytes);
  const kept = new Map<string, Buffer>();
  let declared = 0;
  let inflated = 0;
  let entries = 0;
  const tooMuch = (size: number) =>
    new AppError('import.zip_bomb', {
      size: formatBytes(size),
      limit: formatBytes(limits.maxInflatedBytes),
    });

  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (error: Error) => reject(error));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        entries += 1;
        declared += entry.uncompressedSize;
        if (entries > limits.maxEntries)
          return reject(
            new AppError('import.corrupt_file', {
              detail: `more than ${limits.maxEntries} entries`,
            }),
          );
        if (declared > limits.maxInflatedBytes) return reject(tooMuch(declared));
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (error, stream) => {
          if (error || !stream) return reject(error ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => {
            inflated += chunk.length;
            if (inflated > limits.maxInflatedBytes) {
              stream.destroy();
              reject(tooMuch(inflated));
              return;
            }
            if (keep(entry.fileName)) chunks.push(chunk);
          });
          stream.on('error', reject);
          stream.on('end', () => {
            if (keep(entry.fileName)) kept.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = (error as Error).message ?? 'zip';
    if (/too many bytes/i.test(message)) throw tooMuch(inflated);
    throw new AppError('import.corrupt_file', { detail: message.slice(0, 120) });
  } finally {
    zip.close();
  }
  return kept;
}

/** The names inside a zip, without inflating anything. */
export async function listZipEntries(bytes: Buffer): Promise<string[]> {
  const zip = await openZip(bytes);
  const names: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        if (names.length > defaultZipLimits.maxEntries)
          return reject(new AppError('import.corrupt_file', { detail: 'too many entries' }));
        zip.readEntry();
      });
      zip.readEntry();
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('import.corrupt_file', {
      detail: ((error as Error).message ?? 'zip').slice(0, 120),
    });
  } finally {
    zip.close();
  }
  return names;
}
