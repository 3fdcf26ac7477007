// How a status looks on the page: the terminal's symbol and words beside the colour, so status is
// never told by colour alone (and survives printing in black and white).
import { statusSymbol, statusWords } from '../cli/format.js';
import type { MissionStatus, StepStatus } from '../scheduler/step-status.js';
import { unreachable } from '../unreachable.js';

/** The icon, the words and the CSS class of a status. */
export interface StatusLook {
  readonly icon: string;
  readonly label: string;
  readonly css: 'ok' | 'warn' | 'fail' | 'skip';
}

const cssOf = (status: StepStatus): StatusLook['css'] => {
  switch (status) {
    case 'succeeded':
      return 'ok';
    case 'succeeded_with_warnings':
    case 'partial':
    case 'running':
      return 'warn';
    case 'failed':
    case 'timed_out':
    case 'resource_exceeded':
      return 'fail';
    case 'skipped':
    case 'cancelled':
    case 'pending':
      return 'skip';
    default:
      return unreachable(status);
  }
};

/** The look of a step's or a mission's status. */
export const statusLook = (status: StepStatus | MissionStatus): StatusLook => ({
  icon: statusSymbol(status),
  label: statusWords(status),
  css: cssOf(status),
});
