// The fenced code blocks of the README and docs/*.md, as a reader copies them. A block that is
// not meant to work on its own says so: the line before its fence is `<!-- fragment -->` (a reason
// may follow: `<!-- fragment: the steps of the mission above -->`), or its info string has the
// word `fragment` (```yaml fragment). A block that goes on from the one before it on its page says
// `<!-- continues the block above -->`, and is checked as the two together. Every other TypeScript
// block and YAML block is complete on its own.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');

/** The pages a user reads: the README and every page under docs/ (not the generated API reference). */
export const docPages = (): ReadonlyArray<string> => [
  'README.md',
  ...fs
    .readdirSync(path.join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

export type BlockKind = 'typescript' | 'yaml' | 'other';

export interface DocBlock {
  readonly page: string;
  /** The line of the opening fence, 1-based. */
  readonly line: number;
  readonly kind: BlockKind;
  readonly text: string;
  /** Marked as a part of something larger, so not checked on its own. */
  readonly fragment: boolean;
  /** Marked as going on from the previous block of its kind on the page. */
  readonly continues: boolean;
}

const KINDS: Readonly<Record<string, BlockKind>> = {
  ts: 'typescript',
  typescript: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  yaml: 'yaml',
  yml: 'yaml',
};

const FRAGMENT_COMMENT = /^<!--\s*fragment\b[^>]*-->$/;
const CONTINUES_COMMENT = /^<!--\s*continues\b[^>]*-->$/;
const FENCE = /^```(\S*)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;

/** Every fenced block of `page`, in order. */
export const docBlocks = (page: string): ReadonlyArray<DocBlock> => {
  const source = fs.readFileSync(path.join(REPO, page), 'utf8');
  return [...source.matchAll(FENCE)].map((m) => {
    const before = source.slice(0, m.index).split('\n');
    // `before` ends with the empty text after the last newline; the line above the fence precedes it.
    const above =
      before
        .slice(0, -1)
        .reverse()
        .find((l) => l.trim() !== '') ?? '';
    const info = `${m[1]!} ${m[2]!}`;
    return {
      page,
      line: before.length,
      kind: KINDS[m[1]!.toLowerCase()] ?? 'other',
      text: m[3]!,
      fragment: /\bfragment\b/.test(info) || FRAGMENT_COMMENT.test(above.trim()),
      continues: CONTINUES_COMMENT.test(above.trim()),
    };
  });
};

/** Where a block is, as a reader finds it. */
export const where = (b: DocBlock): string => `${b.page}:${b.line}`;
