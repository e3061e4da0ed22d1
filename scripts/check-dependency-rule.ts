// The dependency rule of architecture.md, as a check that fails: run by `npm run lint`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One import that breaks the rule. */
export interface Violation {
  file: string;
  line: number;
  specifier: string;
  reason: string;
}

const PACKAGES = ['core', 'edge-runtime', 'electron', 'renderer', 'test'] as const;
type Pkg = (typeof PACKAGES)[number];

// What each package may depend on among the workspace packages (architecture.md "Dependency rule").
const ALLOWED: Record<Pkg, readonly Pkg[]> = {
  core: ['core'],
  'edge-runtime': ['core', 'edge-runtime'],
  electron: ['core', 'edge-runtime', 'electron'],
  renderer: ['renderer'],
  test: ['core', 'edge-runtime', 'electron', 'renderer', 'test'],
};

// core owns no I/O: the platform reaches it only through ports.
const CORE_FORBIDDEN = [
  'aedes',
  'mqtt',
  'express',
  'electron',
  'react',
  'react-dom',
  'lowdb',
  'commander',
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'dgram',
  'fs',
  'fs/promises',
  'child_process',
  'cluster',
  'worker_threads',
];

const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(sourceFiles(full));
    else if (/\.(ts|tsx|mts|js|mjs|jsx)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function packageOf(root: string, file: string): Pkg | undefined {
  const first = path.relative(root, file).split(path.sep)[0];
  return PACKAGES.find((p) => p === first);
}

function check(
  root: string,
  pkg: Pkg,
  file: string,
  specifier: string,
  isTypeOnly: boolean,
): string | undefined {
  // Tests may import anything (architecture.md), the repo's scripts and any package's internals included.
  if (pkg === 'test') return undefined;
  if (specifier.startsWith('.')) {
    const target = packageOf(root, path.resolve(path.dirname(file), specifier));
    if (target === undefined) return 'reaches outside the workspace packages by a relative path';
    if (target !== pkg) return `reaches into ${target} by a relative path`;
    return undefined;
  }
  const ws = /^@outpost\/([^/]+)(\/.*)?$/.exec(specifier);
  if (ws) {
    const target = ws[1] as Pkg;
    if (pkg === 'renderer' && target === 'core') {
      // The renderer gets core's contracts (types and schemas), never core's runtime.
      return ws[2] === '/contracts' || isTypeOnly
        ? undefined
        : 'renderer may import only @outpost/core/contracts';
    }
    return ALLOWED[pkg].includes(target) ? undefined : `${pkg} must not depend on ${target}`;
  }
  if (pkg === 'core') {
    const bare = specifier.replace(/^node:/, '');
    if (CORE_FORBIDDEN.includes(bare) || CORE_FORBIDDEN.includes(bare.split('/')[0]!)) {
      return `core owns no I/O: ${specifier} belongs behind a port`;
    }
  }
  if (
    (pkg === 'renderer' && specifier.startsWith('node:')) ||
    (pkg === 'renderer' && specifier === 'electron')
  ) {
    return 'the renderer runs in a browser sandbox';
  }
  return undefined;
}

/**
 * The text that says whether an import is type-only: for `… from 'x'` the whole statement from its
 * `import`/`export` keyword (a formatter splits `import type { A, B } from 'x'` over several lines,
 * and `type` is on the first), otherwise the line of the `import`/`require` call.
 */
export function statementOf(text: string, matchAt: number): string {
  const before = text.slice(0, matchAt);
  const lineStart = before.lastIndexOf('\n') + 1;
  if (!text.startsWith('from', matchAt)) return text.slice(lineStart, matchAt + 8);
  const start = Math.max(before.lastIndexOf('\nimport'), before.lastIndexOf('\nexport'), -1) + 1;
  return text.slice(start, matchAt);
}

/** Every import in the workspace packages under `root` that breaks the dependency rule. */
export function findViolations(root: string): Violation[] {
  const violations: Violation[] = [];
  for (const pkg of PACKAGES) {
    for (const file of sourceFiles(path.join(root, pkg))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT_RE)) {
        const specifier = m[1]!;
        const isTypeOnly = /^\s*(import|export)\s+type\b/.test(statementOf(text, m.index));
        const reason = check(root, pkg, file, specifier, isTypeOnly);
        if (!reason) continue;
        const line = text.slice(0, m.index).split('\n').length;
        violations.push({ file: path.relative(root, file), line, specifier, reason });
      }
    }
  }
  return violations;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const violations = findViolations(root);
  for (const v of violations) console.error(`${v.file}:${v.line}  '${v.specifier}'  ${v.reason}`);
  if (violations.length) {
    console.error(
      `dependency rule: ${violations.length} violation(s); see architecture.md "Dependency rule".`,
    );
    process.exit(1);
  }
  console.log('dependency rule: ok');
}
