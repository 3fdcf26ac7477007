// Where the CLI sends people for documentation: the page installed with the package when there is
// one (readable offline, and for exactly the installed version), the published page otherwise.

/** The published documentation, for a copy of missionkit that has no docs/ beside it. */
export const PUBLISHED_DOCS = 'https://github.com/missionkit/missionkit/blob/main/docs';

/** A documentation page: its installed path under `installed`, or its published address. */
export const docsPage = (
  installed: string | undefined,
  page: string,
  join: (dir: string, file: string) => string,
): string => (installed !== undefined ? join(installed, page) : `${PUBLISHED_DOCS}/${page}`);
