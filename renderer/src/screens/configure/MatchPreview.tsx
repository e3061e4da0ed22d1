import type { ConditionTest } from './use-condition-test';

/** "N devices match" under a condition box, or its error in place; announced politely as it changes. */
export function MatchPreview({ test, id }: { test: ConditionTest; id: string }) {
  let text: string;
  let cls = 'cfg-match';
  if (test.state === 'empty') text = 'Enter a condition to see how many devices it matches.';
  else if (test.state === 'checking')
    text = test.count === undefined ? 'Checking…' : `${matchText(test.count)} (checking…)`;
  else if (test.state === 'error') {
    text = `The condition is not valid: ${test.error ?? 'unknown error'}`;
    cls += ' cfg-match-error';
  } else text = matchText(test.count ?? 0);
  return (
    <div id={id} className={cls} role="status" aria-live="polite">
      {text}
    </div>
  );
}

function matchText(n: number): string {
  return n === 1 ? '1 device matches now' : `${n.toLocaleString()} devices match now`;
}
