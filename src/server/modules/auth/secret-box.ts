import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../../config';

/**
 * Seals small secrets (TOTP secrets) before they reach the database: AES-256-GCM under the
 * server's key, bound to the record they belong to, so a copied value opens nowhere else.
 * The key is LUOSHI_SECRET_KEY, or else `secret.key` in the data directory, made on first use
 * (mode 0600). Several processes on several hosts must share LUOSHI_SECRET_KEY.
 */
export interface SecretBox {
  seal(plain: string, boundTo: string): Promise<string>;
  open(sealed: string, boundTo: string): Promise<string>;
}

const FORMAT = 'v1';

async function loadOrCreateKeyFile(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, 'secret.key');
  const read = async () => {
    const text = (await readFile(file, 'utf8')).trim();
    if (!/^[0-9a-f]{64}$/i.test(text)) throw new Error(`${file} does not hold a 256-bit hex key`);
    return Buffer.from(text, 'hex');
  };
  try {
    return await read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Write aside, then link into place: link fails if another process won the race, and then we read theirs.
  await mkdir(dataDir, { recursive: true });
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(draft, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  try {
    await link(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(draft, { force: true });
  }
  return read();
}

export function createSecretBox(config: Pick<AppConfig, 'secretKey' | 'dataDir'>): SecretBox {
  let key: Promise<Buffer> | undefined;
  const theKey = () =>
    (key ??= config.secretKey
      ? Promise.resolve(Buffer.from(config.secretKey, 'hex'))
      : loadOrCreateKeyFile(config.dataDir));

  return {
    async seal(plain, boundTo) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', await theKey(), iv);
      cipher.setAAD(Buffer.from(boundTo));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [
        FORMAT,
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    async open(sealed, boundTo) {
      const [format, iv, tag, body] = sealed.split('.');
      if (format !== FORMAT || !iv || !tag || body === undefined)
        throw new Error('not a sealed secret');
      const decipher = createDecipheriv(
        'aes-256-gcm',
        await theKey(),
        Buffer.from(iv, 'base64url'),
      );
      decipher.setAAD(Buffer.from(boundTo));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}
