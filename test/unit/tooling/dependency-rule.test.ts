import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findViolations } from '../../../scripts/check-dependency-rule';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let tmp: string | undefined;
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

function tree(files: Record<string, string>): string {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'deprule-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    writeFileSync(path.join(tmp, rel), text);
  }
  return tmp;
}

describe('dependency rule check', () => {
  it('passes on this repository', () => {
    expect(findViolations(repoRoot)).toEqual([]);
  });

  it.each([
    ['core/src/a.ts', "import express from 'express';", 'core owns no I/O'],
    ['core/src/a.ts', "import net from 'node:net';", 'core owns no I/O'],
    ['core/src/a.ts', "import { x } from '@outpost/edge-runtime';", 'core must not depend on edge-runtime'],
    ['core/src/a.ts', "export { y } from '../../edge-runtime/src/y';", 'reaches into edge-runtime'],
    ['edge-runtime/src/a.ts', "import { z } from '@outpost/electron';", 'must not depend on electron'],
    ['renderer/src/a.ts', "import { createHub } from '@outpost/core';", 'only @outpost/core/contracts'],
    ['core/src/a.ts', "const m = await import('aedes');", 'core owns no I/O'],
  ])('flags %s importing %s', (file, source, reason) => {
    const root = tree({ [file]: `${source}\n` });
    const found = findViolations(root);
    expect(found).toHaveLength(1);
    expect(found[0]!.reason).toContain(reason);
  });

  it('allows what the rule allows', () => {
    const root = tree({
      'core/src/a.ts': "import { randomBytes } from 'node:crypto';\nimport { b } from './b';\n",
      'edge-runtime/src/a.ts': "import { createHub } from '@outpost/core';\nimport express from 'express';\n",
      'renderer/src/a.ts':
        "import type { Change } from '@outpost/core';\nimport { z } from '@outpost/core/contracts';\n",
      'test/x.test.ts': "import { a } from '../core/src/a';\n",
    });
    expect(findViolations(root)).toEqual([]);
  });

  it('reads `import type` of a statement split over lines, and flags a value import after it', () => {
    const root = tree({
      'renderer/src/a.ts':
        "import type {\n  Change,\n  Hub,\n} from '@outpost/core';\nimport {\n  createHub,\n} from '@outpost/core';\n",
    });
    const found = findViolations(root);
    expect(found.map((v) => v.line)).toEqual([7]);
  });
});
