// Escaping for HTML text and attribute values: every string from a report (step names, output,
// messages) passes through here before it reaches the page, so none of it can become markup.

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// C0 controls other than tab and newline (and DEL) are not allowed in HTML text: terminal escapes
// in a step's output are shown as the replacement character instead.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** Text made safe for an HTML element's content or a quoted attribute value. */
export const esc = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c).replace(CONTROL, '\ufffd');
