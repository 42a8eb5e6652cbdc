import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, withLibpqSslModes } from '../../src/server/db/client';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * Issue 19 point 2: DATABASE_URL's sslmode as libpq means it. A PostgreSQL server behind TLS with
 * a self-signed certificate (a campus CA's would be the same): the real test server, fronted by a
 * proxy that answers the SSLRequest and terminates TLS with a certificate made here for localhost.
 */
let database: TestDatabase;
let proxy: Server;
let port = 0;
let directory = '';
let certificate = '';

beforeAll(async () => {
  database = await createTestDatabase();
  directory = mkdtempSync(path.join(tmpdir(), 'luoshi-tls-'));
  certificate = path.join(directory, 'server.crt');
  const key = path.join(directory, 'server.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
      '-keyout',
      key,
      '-out',
      certificate,
    ],
    { stdio: 'ignore' },
  );
  const target = new URL(database.url);
  const tlsOptions = { key: readFileSync(key), cert: readFileSync(certificate) };
  proxy = createServer((client: Socket) => {
    client.once('data', (first) => {
      // SSLRequest: length 8, code 80877103.
      if (first.length !== 8 || first.readUInt32BE(4) !== 80877103) return client.destroy();
      client.write('S');
      const secure = new TLSSocket(client, { isServer: true, ...tlsOptions });
      const upstream = connect(Number(target.port), target.hostname);
      secure.pipe(upstream).pipe(secure);
      const end = () => {
        secure.destroy();
        upstream.destroy();
      };
      secure.on('error', end);
      upstream.on('error', end);
    });
    client.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  port = (proxy.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await database?.destroy();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

function urlThrough(host: string, query: string): string {
  const url = new URL(database.url);
  url.hostname = host;
  url.port = String(port);
  return `${url.toString()}?${query}`;
}

async function connects(url: string): Promise<true | string> {
  const handle = connectDatabase(url, { maxConnections: 1 });
  try {
    const result = await handle.pool.query(
      'select ssl from pg_stat_ssl where pid = pg_backend_pid()',
    );
    return result.rows.length >= 0 ? true : 'no row';
  } catch (error) {
    return (error as Error).message;
  } finally {
    await handle.close();
  }
}

describe('DATABASE_URL with sslmode, as libpq means it', () => {
  it('require encrypts without verifying: a self-signed certificate connects', async () => {
    expect(await connects(urlThrough('127.0.0.1', 'sslmode=require'))).toBe(true);
  });

  it('verify-full verifies the chain and the host name against sslrootcert', async () => {
    expect(
      await connects(urlThrough('localhost', `sslmode=verify-full&sslrootcert=${certificate}`)),
    ).toBe(true);
    // Without the CA, the self-signed certificate is refused.
    expect(await connects(urlThrough('localhost', 'sslmode=verify-full'))).toMatch(
      /self[- ]signed|certificate/i,
    );
    // With the CA but another host name than the certificate's.
    expect(
      await connects(urlThrough('127.0.0.1', `sslmode=verify-full&sslrootcert=${certificate}`)),
    ).toMatch(/IP|altnames|host/i);
  });

  it('verify-ca verifies the chain only; without sslrootcert it is refused', async () => {
    expect(
      await connects(urlThrough('127.0.0.1', `sslmode=verify-ca&sslrootcert=${certificate}`)),
    ).toBe(true);
    expect(await connects(urlThrough('127.0.0.1', 'sslmode=verify-ca'))).toMatch(/sslrootcert/);
  });

  it('leaves a URL without sslmode, or one that chose uselibpqcompat itself, as it is', () => {
    expect(withLibpqSslModes('postgres://a@h/db')).toBe('postgres://a@h/db');
    expect(withLibpqSslModes('postgres://a@h/db?sslmode=require&uselibpqcompat=false')).toBe(
      'postgres://a@h/db?sslmode=require&uselibpqcompat=false',
    );
    expect(withLibpqSslModes('postgres://a@h/db?sslmode=require')).toBe(
      'postgres://a@h/db?sslmode=require&uselibpqcompat=true',
    );
  });
});
