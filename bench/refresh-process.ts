/**
 * One job process of a pass over institutions' snapshots, forked by `timeRefreshProcesses`
 * (bench/oversight.ts): it connects to the database of its own accord (a pool of its own, as an
 * app process has), refreshes one institution as warm-up, says it is ready, and on "go" refreshes
 * its share of the institutions `concurrency` at a time, `rounds` times, each round with a new
 * service (no view kept, as on a new day), then answers every refresh's time.
 */
import { performance } from 'node:perf_hooks';
import { ManualClock } from '../src/server/clock';
import { loadConfig } from '../src/server/config';
import { connectDatabase } from '../src/server/db/client';
import { projectRoot } from './dataset';
import { createBenchOversightService } from './oversight';

export interface RefreshProcessSpec {
  databaseUrl: string;
  institutionIds: string[];
  rounds: number;
  concurrency: number;
  today: string;
}

export type RefreshProcessMessage =
  | { kind: 'ready' }
  | { kind: 'done'; refreshMs: number[]; cpuMs: number };

const spec = JSON.parse(process.argv[2]!) as RefreshProcessSpec;
const send = (message: RefreshProcessMessage) => process.send!(message);
const handle = connectDatabase(spec.databaseUrl, { maxConnections: 10 });
const config = loadConfig({ LOG_LEVEL: 'silent' }, projectRoot);
const newService = () =>
  createBenchOversightService(handle.db, new ManualClock(spec.today), config);
await newService().refreshSnapshot(spec.institutionIds[0]!);
process.once('message', async () => {
  const refreshMs: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let round = 0; round < spec.rounds; round += 1) {
    const oversight = newService();
    const queue = [...spec.institutionIds];
    await Promise.all(
      Array.from({ length: spec.concurrency }, async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
          const t0 = performance.now();
          await oversight.refreshSnapshot(next);
          refreshMs.push(performance.now() - t0);
        }
      }),
    );
  }
  const cpu = process.cpuUsage(cpu0);
  send({ kind: 'done', refreshMs, cpuMs: (cpu.user + cpu.system) / 1000 });
  await handle.close();
  process.disconnect();
});
send({ kind: 'ready' });
