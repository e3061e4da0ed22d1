/**
 * Saved views of the Fleet screen: a name, the query text and the group-by path, kept in this
 * browser's localStorage per hub (they are the operator's own shortcuts, not hub data, so a viewer
 * may keep them too).
 */

/** One saved view. */
export interface SavedView {
  name: string;
  query: string;
  groupBy: string;
}

const PREFIX = 'outpost.fleet.views.';

/** The storage key of a hub's views: its origin, so two hubs never share a list. */
export function viewsKey(hubUrl: string): string {
  return `${PREFIX}${hubUrl || window.location.origin}`;
}

function isView(v: unknown): v is SavedView {
  const o = v as SavedView;
  return !!o && typeof o.name === 'string' && typeof o.query === 'string' && typeof o.groupBy === 'string';
}

/** The views stored under `key`; damaged storage reads as none. */
export function readViews(key: string): SavedView[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isView) : [];
  } catch {
    return [];
  }
}

/** Stores the views; a full or blocked storage throws, and the caller says so. */
export function writeViews(key: string, views: readonly SavedView[]): void {
  localStorage.setItem(key, JSON.stringify(views));
}

/** The list with `view` added, or replacing the view of the same name. */
export function upsertView(views: readonly SavedView[], view: SavedView): SavedView[] {
  const rest = views.filter((v) => v.name !== view.name);
  return [...rest, view].sort((a, b) => a.name.localeCompare(b.name));
}
