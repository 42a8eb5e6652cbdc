import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTarWriter, readTar, TarError } from '../../src/server/io/tar';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'luoshi-tar-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const mtime = new Date('2024-04-22T02:00:00Z');
const fileName = () => path.join(scratch, `archive-${randomUUID()}.tar`);

async function writeArchive(entries: { name: string; data: Buffer }[]): Promise<string> {
  const file = fileName();
  const writer = await createTarWriter(file, mtime);
  for (const entry of entries) await writer.add(entry.name, entry.data);
  await writer.finish();
  return file;
}

async function readAll(file: string, maxEntryBytes = 1024 * 1024 * 1024) {
  const entries: { name: string; data: Buffer }[] = [];
  for await (const entry of readTar(file, { maxEntryBytes })) entries.push(entry);
  return entries;
}

async function refusal(file: string, maxEntryBytes?: number): Promise<TarError> {
  const error = await readAll(file, maxEntryBytes).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TarError);
  return error as TarError;
}

// 78 characters of three bytes each: 234 bytes in UTF-8, with no slash to split it at.
const chineseName = `${'关于落实立德树人根本任务的实施方案'.repeat(4)}（2024年第一季度会议纪要）终稿.pdf`;
const entries = [
  { name: 'manifest-first.json', data: Buffer.from('{"a":1}\n') },
  { name: `evidence/${chineseName}`, data: Buffer.from('%PDF-1.4 会议纪要') },
  // Over 100 bytes, and its last part alone over 100: ustar's prefix/name split cannot hold it.
  { name: `evidence/${'a'.repeat(40)}/${'b'.repeat(120)}.txt`, data: Buffer.alloc(0) },
  // Over 255 bytes: more than ustar's prefix and name together.
  { name: `tables/${'长路径/'.repeat(30)}000001.jsonl`, data: randomBytes(512) },
  { name: 'evidence/现场照片.png', data: randomBytes(700_001) },
  { name: 'plain/ascii.txt', data: Buffer.from('ascii\n') },
];

describe('io/tar', () => {
  it('round-trips long and non-ASCII names and every size exactly, in order', async () => {
    expect(Buffer.byteLength(chineseName)).toBeGreaterThan(200);
    const file = await writeArchive(entries);
    const read = await readAll(file);
    expect(read.map((entry) => entry.name)).toEqual(entries.map((entry) => entry.name));
    for (const [index, entry] of read.entries())
      expect(entry.data.equals(entries[index]!.data), entry.name).toBe(true);
  });

  it('writes a tar that GNU tar lists with the same names (pax headers)', async () => {
    const file = await writeArchive(entries);
    const { execFile } = await import('node:child_process');
    const listed = await new Promise<string>((resolve, reject) =>
      execFile('tar', ['-tf', file], { encoding: 'utf8' }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );
    expect(listed.split('\n').filter(Boolean)).toEqual(entries.map((entry) => entry.name));
  });

  it('reads what GNU tar writes: ustar with a prefix (as earlier Luoshi versions wrote), GNU long names, pax', async () => {
    const dir = await mkdtemp(path.join(scratch, 'gnu-'));
    const names = [
      `evidence/${'1'.repeat(36)}/${'a'.repeat(64)}`,
      'tables/public.plans/000001.jsonl',
      `${'长'.repeat(20)}/${'名'.repeat(30)}.txt`,
    ];
    for (const [index, name] of names.entries()) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), `第 ${index} 个文件\n`);
    }
    const run = async (format: string, members: string[]) => {
      const file = fileName();
      const { execFile } = await import('node:child_process');
      await new Promise<void>((resolve, reject) =>
        execFile(
          'tar',
          [`--format=${format}`, '--no-recursion', '-cf', file, '-C', dir, ...members],
          (error) => (error ? reject(error) : resolve()),
        ),
      );
      return (await readAll(file)).map((entry) => [entry.name, entry.data.toString('utf8')]);
    };
    const expected = (members: string[]) =>
      members.map((name) => [name, `第 ${names.indexOf(name)} 个文件\n`]);
    expect(await run('ustar', names.slice(0, 2))).toEqual(expected(names.slice(0, 2)));
    expect(await run('gnu', names)).toEqual(expected(names));
    expect(await run('pax', names)).toEqual(expected(names));
  });

  it('refuses a damaged header, a cut-short archive and an oversized entry', async () => {
    const file = await writeArchive(entries);
    const bytes = await readFile(file);

    const damaged = Buffer.from(bytes);
    damaged[3] = damaged[3]! ^ 0x01; // inside the first header's name
    await writeFile(`${file}.damaged`, damaged);
    expect((await refusal(`${file}.damaged`)).kind).toBe('corrupt');

    // Cut inside the large entry's data.
    await writeFile(`${file}.cut`, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    expect((await refusal(`${file}.cut`)).kind).toBe('truncated');

    // Cut exactly after an entry: the end-of-archive blocks are missing.
    const first = await writeArchive(entries.slice(0, 1));
    const firstBytes = await readFile(first);
    await writeFile(`${file}.boundary`, bytes.subarray(0, firstBytes.length - 1024));
    expect((await refusal(`${file}.boundary`)).kind).toBe('truncated');

    await writeFile(`${file}.empty`, Buffer.alloc(0));
    expect((await refusal(`${file}.empty`)).kind).toBe('truncated');

    await writeFile(`${file}.foreign`, Buffer.from('PK\u0003\u0004'.padEnd(2048, 'x')));
    expect((await refusal(`${file}.foreign`)).kind).toBe('corrupt');

    const oversized = await refusal(file, 100_000);
    expect(oversized.kind).toBe('corrupt');
    expect(oversized.message).toContain('现场照片.png');
  });

  it('never replaces an existing file', async () => {
    const file = await writeArchive(entries.slice(0, 1));
    await expect(createTarWriter(file, mtime)).rejects.toThrow(/EEXIST/);
  });
});
