import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedAncestors, startEmbeddedPostgres } from '../../src/server/db/embedded';

/** Issue 19 point 1: started as root in a folder others cannot enter, the embedded server says what to do. */
describe('the embedded server started as root in a 700 folder', () => {
  it('finds the folders the postgres user cannot pass through', async () => {
    const closed = await mkdtemp(path.join(os.tmpdir(), 'luoshi-700-'));
    try {
      expect(closedAncestors(path.join(closed, 'data'))).toEqual([closed]);
      expect(closedAncestors(os.tmpdir())).toEqual([]);
    } finally {
      await rm(closed, { recursive: true, force: true });
    }
  });

  it.runIf(process.getuid?.() === 0)(
    'refuses in one line that names the folder and the three ways out, instead of an EACCES stack',
    async () => {
      const closed = await mkdtemp(path.join(os.tmpdir(), 'luoshi-700-'));
      try {
        const failure = await startEmbeddedPostgres(path.join(closed, 'data')).then(
          () => 'started',
          (error: Error) => error.message,
        );
        expect(failure).toContain(`cannot enter ${closed}`);
        expect(failure).toMatch(/ordinary user.*DATABASE_URL.*chmod o\+x/);
        expect(failure.split('\n')).toHaveLength(1);
      } finally {
        await rm(closed, { recursive: true, force: true });
      }
    },
  );
});
