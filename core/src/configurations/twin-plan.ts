/**
 * What the configurations targeting one twin make of it: per desired path, the highest-priority
 * configuration wins (on a tie the newest); the content of configurations that no longer win is
 * removed; the twin's markers say which configurations target it and which are applied.
 */
import { diffSections } from '../gateway/desired-sync';
import type { TwinConfigurationState } from '../registry/device-record';
import { cloneJson } from '../twins/json-merge';
import { type ContentEntry, deleteAt, isAtOrBelow, setAt } from './desired-content';

/** A configuration as the evaluator sees it. */
export interface ActiveConfiguration {
  id: string;
  priority: number;
  createdSeq: number;
  entries: readonly ContentEntry[];
  /** True when the target condition selects the twin document. */
  matches(twin: Record<string, unknown>): boolean;
}

/** Twin markers by configuration id. */
export type TwinMarkers = Record<string, TwinConfigurationState>;

/** The outcome for one twin. */
export interface TwinPlan {
  /** The desired merge patch to commit; absent when desired already holds what the configurations want. */
  desiredPatch?: Record<string, unknown>;
  /** The twin's new markers (empty when no configuration targets it). */
  markers: TwinMarkers;
  /** The configuration the desired write is attributed to. */
  actorId?: string;
}

/** Orders configurations highest priority first; on a tie, the most recently created first. */
export function byPrecedence(a: ActiveConfiguration, b: ActiveConfiguration): number {
  return b.priority - a.priority || b.createdSeq - a.createdSeq;
}

/**
 * Plans one twin. `matching` are the configurations whose condition selects it, in precedence
 * order; `previous` are its current markers, whose paths say what configurations wrote before.
 * An entry loses when a configuration ahead of it sets the same path or one of its ancestors.
 * [LOCAL] A configuration is `Applied` when it wins at least one of its paths (or has none).
 */
export function planTwin(input: {
  desired: Readonly<Record<string, unknown>>;
  previous: Readonly<TwinMarkers> | undefined;
  matching: readonly ActiveConfiguration[];
}): TwinPlan {
  const { desired, previous = {}, matching } = input;
  const claimed: string[] = [];
  const wins = new Map<string, ContentEntry[]>();
  for (const cfg of matching) {
    wins.set(
      cfg.id,
      cfg.entries.filter((e) => !claimed.some((c) => isAtOrBelow(e.path, c))),
    );
    for (const e of cfg.entries) claimed.push(e.path);
  }

  const target = cloneJson(desired) as Record<string, unknown>;
  // What configurations wrote before goes first, so that a path no configuration wins any more
  // disappears, while one that is still won is written again below.
  for (const state of Object.values(previous)) {
    for (const path of state.paths ?? []) deleteAt(target, path.split('.'));
  }
  // Lowest precedence first: a winner's write lands last, over any ancestor a lower one set.
  for (const cfg of [...matching].reverse()) {
    for (const e of wins.get(cfg.id) ?? []) {
      if (e.value === null) deleteAt(target, e.segments);
      else setAt(target, e.segments, e.value);
    }
  }
  const patch = diffSections(desired as Record<string, unknown>, target);

  // Object.fromEntries makes own members, so an id such as `__proto__` stays an ordinary key.
  const markers: TwinMarkers = Object.fromEntries(
    matching.map((cfg): [string, TwinConfigurationState] => {
      const won = wins.get(cfg.id) ?? [];
      const status = won.length > 0 || cfg.entries.length === 0 ? 'Applied' : 'Targeted';
      // A removal (null) owns nothing: undoing it later must not delete what someone else wrote.
      const paths = won.filter((e) => e.value !== null).map((e) => e.path);
      return [cfg.id, paths.length ? { status, paths } : { status }];
    }),
  );
  const actorId =
    matching.find((c) => (wins.get(c.id) ?? []).length > 0)?.id ??
    Object.keys(previous).find((id) => !Object.hasOwn(markers, id));
  return {
    ...(Object.keys(patch).length ? { desiredPatch: patch } : {}),
    markers,
    ...(actorId !== undefined ? { actorId } : {}),
  };
}
