import { once } from 'node:events';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { unzipSync, Zip, type ZipInputFile } from 'fflate';

const deflateRaw = promisify(zlib.deflateRaw);

/**
 * The files of an .xlsx or .docx, packed again with Node's own zlib. exceljs and docx pack through
 * JSZip, whose pure-JavaScript deflate (pako) took 150 ms of a year's ledger (13 MB of XML) at
 * level 1 and JSZip's byte copying as much again; zlib deflates the same in 24 ms, off the thread.
 * fflate writes the archive around the deflated bytes (its `Zip` takes a file already compressed,
 * with its CRC), so no zip format is written by hand here.
 */

/** The files of a zip, by name in their order, without the folders' own entries. */
export function readZipEntries(zip: Uint8Array): Map<string, Uint8Array> {
  const files = unzipSync(zip);
  return new Map(Object.entries(files).filter(([name]) => !name.endsWith('/')));
}

/** The files as a zip, each deflated at level 1 (every suite inflates any level alike). */
export async function zipEntries(files: ReadonlyMap<string, Uint8Array | string>): Promise<Buffer> {
  const deflated = await Promise.all(
    [...files].map(async ([name, content]) => {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      return { name, bytes, deflated: await deflateRaw(bytes, { level: 1 }) };
    }),
  );
  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else chunks.push(chunk);
  });
  for (const { name, bytes, deflated: data } of deflated) {
    const file: ZipInputFile = {
      filename: name,
      size: bytes.length,
      crc: zlib.crc32(bytes),
      compression: 8,
    };
    zip.add(file);
    file.ondata!(null, data, true);
  }
  zip.end();
  if (failure) throw failure;
  return Buffer.concat(chunks);
}

/**
 * A file's content for `zipStream`: bytes or text, or text made piece by piece (a sheet of tens
 * of thousands of rows, never whole in memory), or a function giving either when its turn comes
 * (the shared strings, known only once the sheet before them has been written).
 */
export type StreamedContent =
  | Uint8Array
  | string
  | Iterable<string>
  | (() => Uint8Array | string | Iterable<string>);

/**
 * The files as a zip, chunk by chunk as they are deflated (at level 1, by zlib): the first bytes
 * of a large export go out while the rest is being written. Each file's size and CRC are counted
 * as its pieces pass, and written after its data (fflate's data descriptors).
 */
export async function* zipStream(
  files: ReadonlyMap<string, StreamedContent>,
): AsyncGenerator<Uint8Array> {
  const ready: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else ready.push(chunk);
  });
  for (const [name, given] of files) {
    const content = typeof given === 'function' ? given() : given;
    const file: ZipInputFile = { filename: name, size: 0, crc: 0, compression: 8 };
    zip.add(file);
    if (typeof content === 'string' || content instanceof Uint8Array) {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      file.size = bytes.length;
      file.crc = zlib.crc32(bytes);
      file.ondata!(null, await deflateRaw(bytes, { level: 1 }), true);
    } else {
      const deflate = zlib.createDeflateRaw({ level: 1 });
      // zlib's chunks are never on a SharedArrayBuffer.
      deflate.on('data', (chunk: Buffer) =>
        file.ondata!(null, chunk as Uint8Array<ArrayBuffer>, false),
      );
      const ended = once(deflate, 'end');
      let crc = 0;
      let size = 0;
      for (const piece of content) {
        const bytes = Buffer.from(piece);
        crc = zlib.crc32(bytes, crc);
        size += bytes.length;
        if (!deflate.write(bytes)) await once(deflate, 'drain');
        if (failure) throw failure;
        yield* ready.splice(0);
      }
      deflate.end();
      await ended;
      file.size = size;
      file.crc = crc;
      file.ondata!(null, new Uint8Array(0), true);
    }
    if (failure) throw failure;
    yield* ready.splice(0);
  }
  zip.end();
  if (failure) throw failure;
  yield* ready.splice(0);
}
