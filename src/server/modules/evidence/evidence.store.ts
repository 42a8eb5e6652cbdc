import { randomBytes } from 'node:crypto';
import { mkdir, open as openFile, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where the bytes of evidence files live, addressed by organization and sha256. The local-disk
 * store is the default; the S3-compatible one (`evidence.s3-store.ts`) is chosen by LUOSHI_EVIDENCE_STORE=s3,
 * and any store can be injected through buildApp's dependencies.
 */
export interface EvidenceStore {
  /** Stores the bytes under their sha256; a second put of the same content changes nothing. */
  put(organizationId: string, sha256: string, bytes: Buffer): Promise<void>;
  /** The bytes, or null when the store has none under that address. */
  get(organizationId: string, sha256: string): Promise<Buffer | null>;
  /** The bytes as a stream and their size, for sending a download on without holding it; null when none. */
  open(
    organizationId: string,
    sha256: string,
  ): Promise<{ body: Readable; sizeBytes: number } | null>;
  exists(organizationId: string, sha256: string): Promise<boolean>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256 = /^[0-9a-f]{64}$/;

/** `<organization>/<sha[0:2]>/<sha256>`: where a blob lives in every store (a path on disk, an object key in S3). */
export function evidenceAddress(organizationId: string, sha256: string): [string, string, string] {
  // Both parts come from the database, but a path or key is built from them: keep them to their shapes.
  if (!UUID.test(organizationId) || !SHA256.test(sha256))
    throw new Error('invalid evidence address');
  return [organizationId.toLowerCase(), sha256.slice(0, 2), sha256];
}

/**
 * Files under `<root>/<organization>/<sha[0:2]>/<sha256>`, outside the web root, written to a
 * temporary file and renamed into place, so that a reader never sees half a file.
 */
export function createLocalEvidenceStore(root: string): EvidenceStore {
  const pathOf = (organizationId: string, sha256: string) =>
    path.join(root, ...evidenceAddress(organizationId, sha256));

  async function exists(organizationId: string, sha256: string): Promise<boolean> {
    try {
      return (await stat(pathOf(organizationId, sha256))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  return {
    exists,
    async put(organizationId, sha256, bytes) {
      const target = pathOf(organizationId, sha256);
      if (await exists(organizationId, sha256)) return;
      await mkdir(path.dirname(target), { recursive: true, mode: 0o750 });
      const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(temporary, bytes, { mode: 0o640, flag: 'wx', flush: true });
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async get(organizationId, sha256) {
      try {
        return await readFile(pathOf(organizationId, sha256));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async open(organizationId, sha256) {
      let handle;
      try {
        handle = await openFile(pathOf(organizationId, sha256));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      try {
        const { size } = await handle.stat();
        // The stream owns the handle from here and closes it when done or destroyed.
        return { body: handle.createReadStream(), sizeBytes: size };
      } catch (error) {
        await handle.close();
        throw error;
      }
    },
  };
}
