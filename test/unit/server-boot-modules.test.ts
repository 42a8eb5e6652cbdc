import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * What the server's own thread loads with the app, before any request: the export writers'
 * libraries belong to the writer thread (io/document-writer-pool.ts), and a library only a few
 * routes use is loaded when one is asked. Loading exceljs and docx on the main thread for one
 * constant cost 20 MB of its heap and 45 MB of RSS; this keeps them out.
 */
const heavy = ['exceljs', 'docx', 'nodemailer', 'qrcode', '@e965/xlsx', 'jszip'];

const projectRoot = path.resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'luoshi-boot-modules-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every module URL resolved while app.ts is imported (a resolve hook writing them to a file). */
function modulesLoadedByApp(): string[] {
  const list = path.join(scratch, 'resolved.txt');
  const hook = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const found = await next(specifier, context);
  appendFileSync(${JSON.stringify(list)}, found.url + '\\n');
  return found;
}`;
  const script = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
await import(${JSON.stringify(pathToFileURL(path.join(projectRoot, 'src/server/app.ts')).href)});`;
  execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: projectRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return readFileSync(list, 'utf8').split('\n').filter(Boolean);
}

describe("the server's thread at boot", () => {
  it('loads none of the writers’ libraries nor those of a few routes', () => {
    const loaded = modulesLoadedByApp();
    expect(loaded.some((url) => url.includes('/fastify/'))).toBe(true);
    const packages = heavy.filter((name) =>
      loaded.some((url) => url.includes(`/node_modules/${name}/`)),
    );
    expect(packages).toEqual([]);
  }, 60_000);
});
