// The journal's text form, shared by every journal that stores text: the inputs as one JSON
// object, then one JSON line per entry. Reading is strict in the middle and lenient at the end:
// a crash mid-write can only cut the last line short.
import {
  JOURNAL_FORMAT,
  JournalRefusal,
  type JournalEntry,
  type RecordedRun,
  type RunInputs,
} from '../ports/journal.js';

/** One entry as a line, newline included. An event's wrapper is written by hand: the same text, one object less per event. */
export const entryLine = (entry: JournalEntry): string =>
  entry._tag === 'event'
    ? `{"_tag":"event","event":${JSON.stringify(entry.event)}}\n`
    : `${JSON.stringify(entry)}\n`;

/** The inputs as text. */
export const inputsText = (inputs: RunInputs): string => `${JSON.stringify(inputs)}\n`;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isEntry = (v: unknown): v is JournalEntry =>
  isObject(v) &&
  ((v._tag === 'event' &&
    isObject(v.event) &&
    typeof v.event._tag === 'string' &&
    typeof v.event.at === 'number') ||
    (v._tag === 'process' &&
      typeof v.step === 'number' &&
      typeof v.attempt === 'number' &&
      typeof v.pid === 'number'));

/** Reads a run back; a `JournalRefusal` says what is damaged and where. */
export const readRun = (where: string, inputs: string, log: string): RecordedRun => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(inputs);
  } catch {
    throw new JournalRefusal(
      'corrupt',
      `${where}: the run's inputs are not valid JSON`,
      'the run cannot be resumed; start the mission again',
    );
  }
  if (!isObject(parsed) || parsed.format !== JOURNAL_FORMAT) {
    const found = isObject(parsed) && typeof parsed.format === 'string' ? parsed.format : 'no format';
    throw new JournalRefusal(
      'version',
      `${where}: the journal's format is ${found}, this missionkit reads ${JOURNAL_FORMAT}`,
      'resume it with the missionkit version that recorded it, or start the mission again',
    );
  }
  const lines = log.split('\n');
  // A complete log ends with a newline, so its last piece is empty; anything else there was cut short.
  const last = lines.pop() ?? '';
  const entries: JournalEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = undefined;
    }
    if (!isEntry(entry))
      throw new JournalRefusal(
        'corrupt',
        `${where}: line ${i + 1} of ${lines.length} is damaged (${JSON.stringify(line.slice(0, 60))}); only the last line may be cut short by a crash`,
        'the run cannot be resumed faithfully; inspect the file, or start the mission again',
      );
    entries.push(entry);
  }
  return { inputs: parsed as unknown as RunInputs, entries, truncatedTail: last !== '' };
};
