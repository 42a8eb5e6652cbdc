#!/usr/bin/env node
// Builds the web app with Vite. With --if-stale, only when a source file is newer than the
// last build, so that a second `npm start` does not wait for a rebuild.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const builtIndex = path.join(root, 'dist/web/index.html');
const sources = ['src/web', 'src/shared', 'vite.config.ts', 'package-lock.json'].map((entry) =>
  path.join(root, entry),
);

function newestModification(entry) {
  if (!existsSync(entry)) return 0;
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(entry).reduce(
    (newest, name) => Math.max(newest, newestModification(path.join(entry, name))),
    stats.mtimeMs,
  );
}

if (process.argv.includes('--if-stale') && existsSync(builtIndex)) {
  const builtAt = statSync(builtIndex).mtimeMs;
  if (sources.every((entry) => newestModification(entry) <= builtAt)) process.exit(0);
}
console.log('Building the web app…');
const result = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
