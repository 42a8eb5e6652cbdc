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
