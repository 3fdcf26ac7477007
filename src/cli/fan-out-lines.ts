// `missionkit plan`'s lines for a fanned-out step: how it fans out, and every matrix instance.
import type { FanOutView } from '../runtime/fan-out-view.js';
import type { Style } from './style.js';
import { plainText } from './terminal-text.js';

/** The rows of a fanned-out step: a summary, then one line per matrix instance. */
export const fanOutRows = (
  f: FanOutView,
  style: Style,
  row: (label: string, value: string) => string,
): string[] => {
  const group = [
    f.max_parallel !== null ? `at most ${f.max_parallel} at once` : '',
    `fail_fast ${f.fail_fast ? 'on' : 'off'}`,
  ].filter((p) => p !== '');
  if (f.kind === 'for_each')
    return [
      row(
        'for_each',
        `one instance per item of ${plainText(f.for_each ?? '')} (at most ${f.max_items ?? 0}), ${group.join(', ')}`,
      ),
    ];
  return [
    row(
      'matrix',
      `${f.instances.length} instance${f.instances.length === 1 ? '' : 's'}, ${group.join(', ')}`,
    ),
    ...f.instances.map((i) => row('', `${style.dim('└')} ${plainText(i.id)}`)),
  ];
};
