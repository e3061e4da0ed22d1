import * as fsp from 'node:fs/promises';
import type { StoreFs } from '../../../edge-runtime/src/store';

/** A real file system with switches: fail or hold the calls whose path matches. */
export interface FaultFs extends StoreFs {
  /** Calls to `open` on matching paths throw EIO while set. */
  failOpen: RegExp | null;
  /** fsync of matching paths waits for `release()` while set; `reached` resolves at the first such wait. */
  holdSync: RegExp | null;
  reached: Promise<string>;
  release(): void;
}

/** Creates a fault-injecting file system over node:fs/promises. */
export function createFaultFs(): FaultFs {
  let markReached: (path: string) => void = () => undefined;
  let releaseHeld: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    releaseHeld = resolve;
  });
  const faults: FaultFs = {
    ...(fsp as StoreFs),
    failOpen: null,
    holdSync: null,
    reached: new Promise((resolve) => {
      markReached = resolve;
    }),
    release: () => releaseHeld(),
    async open(path, flags) {
      if (faults.failOpen?.test(path)) {
        throw Object.assign(new Error(`EIO: injected failure, open '${path}'`), { code: 'EIO' });
      }
      const handle = await fsp.open(path, flags);
      if (!faults.holdSync?.test(path)) return handle;
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        markReached(path);
        await released;
        return sync();
      };
      return handle;
    },
  };
  return faults;
}
