// Builds the operator UI (renderer/dist) when its build tools are installed: `npm install` and
// `npm ci` run this as postinstall. A production install (--omit=dev) has no vite: it says so and
// succeeds, and the hub then serves a page saying how to build the UI.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const renderer = path.join(root, 'renderer');
try {
  createRequire(path.join(renderer, 'package.json')).resolve('vite/package.json');
} catch {
  console.log('outpost: vite is not installed (a production install?): the operator UI is not built.');
  console.log('outpost: run `npm install` (with dev dependencies), then `npm run build`, to build it.');
  process.exit(0);
}
const run = spawnSync('npm', ['run', 'build', '--workspace', '@outpost/renderer', '--silent'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
