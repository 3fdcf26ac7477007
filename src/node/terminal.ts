// The CLI's view of its standard streams: whether a person is watching (a TTY), how wide and tall
// the terminal is right now, and how to write. Kept here so src/cli/ never touches Node's streams
// directly and its renderers can be driven by a fake terminal in tests.

/** An output stream as the CLI sees it. */
export interface Terminal {
  /** Whether the stream is a terminal a person reads (live view, colour) rather than a pipe or file. */
  readonly isTTY: boolean;
  /** The terminal's width in columns now (it can be resized during a run); 80 when unknown. */
  columns(): number;
  /** The terminal's height in rows now; 24 when unknown. */
  rows(): number;
  /** Writes text as it is (no newline added). */
  write(text: string): void;
}

/** A Node write stream with the TTY fields it may have. */
interface NodeStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
  write(text: string): boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

// A pseudo-terminal created without a size reports 0 columns; treat that as unknown.
const positive = (n: number | undefined, fallback: number): number =>
  n !== undefined && Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;

const terminalOf = (stream: NodeStream): Terminal => {
  // A reader that went away (`missionkit run … | head`, a closed terminal window) makes writes
  // fail with EPIPE or EIO. That must not crash the run halfway and orphan its process trees:
  // later output is dropped, and the run still ends, stops its steps and writes its reports.
  let broken = false;
  stream.on('error', () => {
    broken = true;
  });
  return {
    isTTY: stream.isTTY === true,
    columns: () => positive(stream.columns, 80),
    rows: () => positive(stream.rows, 24),
    write: (text) => {
      if (!broken) stream.write(text);
    },
  };
};

/** The process's standard output. */
export const stdoutTerminal = (): Terminal => terminalOf(process.stdout);

/** The process's standard error. */
export const stderrTerminal = (): Terminal => terminalOf(process.stderr);
