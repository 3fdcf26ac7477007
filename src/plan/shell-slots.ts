// What a shell scanner says about each template position in a script: which lexical context it
// stands in (so the right reference to an environment variable can be written there), or why no
// reference can keep a value data there. Shared by the sh, fish and PowerShell scanners.

/** The quoting a template position stands in; decides how a reference is written there. */
export type SlotContext =
  'unquoted' | 'double_quoted' | 'single_quoted' | 'ansi_c_quoted' | 'heredoc' | 'pattern' | 'comment';

/** The verdict on one template position. */
export type SlotVerdict =
  | {
      readonly _tag: 'reference';
      readonly context: SlotContext;
      /** The shell evaluates the text there as arithmetic: only a value that is a plain integer is safe. */
      readonly arithmetic: boolean;
    }
  | {
      readonly _tag: 'refused';
      /** Where the template stands, in words (`inside the script of \`sh -c\``). */
      readonly where: string;
      /** What to write instead. */
      readonly hint: string;
    };

/** A script as the scanners read it: the author's text, with the template positions marked. */
export interface MarkedScript {
  /** The text, each template replaced by one character. */
  readonly text: string;
  /** The offsets in `text` of the template positions, ascending. */
  readonly slots: ReadonlyArray<number>;
}

/** A reference verdict. */
export const reference = (context: SlotContext, arithmetic = false): SlotVerdict => ({
  _tag: 'reference',
  context,
  arithmetic,
});

/** A refusal. */
export const refused = (where: string, hint: string): SlotVerdict => ({ _tag: 'refused', where, hint });

/** The rewrite that works in every context: the value in the step's `env:`, read by name in the script. */
export const ENV_HINT =
  'put the template in the step\'s `env:` (`env: { VALUE: "{{ … }}" }`) and read `$VALUE` in the command';

/** The character that stands for a template in a marked script (a private-use code point). */
export const SLOT_CHAR = '\uE000';
