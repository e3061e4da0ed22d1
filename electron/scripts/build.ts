// Bundles the main process (main.js, ESM) and the preload (preload.cjs, CommonJS, as sandboxed
// preloads must be) into electron/dist. The workspace packages are TypeScript sources that
// Electron cannot load, so they are bundled in; every other package stays in node_modules,
// packaged beside. `tsx electron/scripts/build.ts [outDir]`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Bare imports stay external (node builtins, electron, npm packages), except the workspace's own. */
function isExternal(id: string): boolean {
  if (id.startsWith('.') || id.startsWith('\0') || path.isAbsolute(id)) return false;
  return !id.startsWith('@outpost/');
}

function bundle(entry: string, outDir: string, format: 'es' | 'cjs', fileName: string): InlineConfig {
  return {
    configFile: false,
    root,
    logLevel: 'warn',
    ssr: { target: 'node', noExternal: [/^@outpost\//] },
    build: {
      ssr: entry,
      outDir,
      // The second bundle goes beside the first.
      emptyOutDir: format === 'es',
      // Electron 45 ships Node 22.
      target: 'node22',
      sourcemap: true,
      minify: false,
      rolldownOptions: { external: isExternal, output: { format, entryFileNames: fileName } },
    },
  };
}

/** Builds `main.js` and `preload.cjs` into `outDir` (default electron/dist). */
export async function buildElectron(outDir = path.join(root, 'dist')): Promise<void> {
  await build(bundle('src/main.ts', outDir, 'es', 'main.js'));
  await build(bundle('src/preload.ts', outDir, 'cjs', 'preload.cjs'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const outDir = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
  await buildElectron(outDir);
  console.log(`electron: built ${path.relative(process.cwd(), outDir) || '.'}/main.js and preload.cjs`);
}
