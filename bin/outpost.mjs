#!/usr/bin/env node
// The `outpost` command. The sources are TypeScript run through tsx, so a fresh clone needs
// no build step between `npm install` and `npx outpost start`.
import { register } from 'tsx/esm/api';

register();
await import('../edge-runtime/src/main.ts');
