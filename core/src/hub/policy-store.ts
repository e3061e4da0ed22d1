import type { SharedAccessPolicy } from '../auth';
import type { Actor } from '../contracts/change';
import { HubError } from '../errors';
import type { ChangeFeed } from '../feed/change-feed';
import type { StorePort } from '../ports/store';

/** The hub's shared access policies (service-api.md §1.1), persisted in the `policies` collection. */
export interface PolicyStore {
  list(): SharedAccessPolicy[];
  get(name: string): SharedAccessPolicy | undefined;
  /** Sets a policy's keys (rotation); the change feed records that it happened, never the keys. */
  setKeys(
    name: string,
    keys: { primaryKey: string; secondaryKey: string },
    actor: Actor,
  ): Promise<SharedAccessPolicy>;
}

const POLICIES = 'policies';

/** Creates the policy store; on a new hub it persists the initial policies first. */
export async function createPolicyStore(deps: {
  store: StorePort;
  feed: ChangeFeed;
  initial: SharedAccessPolicy[];
  isNew: boolean;
}): Promise<PolicyStore> {
  const byName = new Map(deps.initial.map((p) => [p.name, p]));
  if (deps.isNew) {
    await deps.store.commit({
      writes: deps.initial.map((p) => ({ collection: POLICIES, id: p.name, doc: p })),
    });
  }
  return {
    list: () => [...byName.values()],
    get: (name) => byName.get(name),
    async setKeys(name, keys, actor) {
      const old = byName.get(name);
      if (!old) throw new HubError('NOT_FOUND', `No shared access policy named ${name}.`);
      const next = { ...old, primaryKey: keys.primaryKey, secondaryKey: keys.secondaryKey };
      byName.set(name, next);
      await deps.feed.append({
        kind: 'policyKeysChanged',
        actor,
        id: name,
        patch: { keysRotated: true },
        writes: [{ collection: POLICIES, id: name, doc: next }],
      });
      return next;
    },
  };
}
