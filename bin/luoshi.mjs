#!/usr/bin/env node
// The `luoshi` command: runs the TypeScript CLI through tsx, as `npm start` runs the server.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/luoshi.ts');
