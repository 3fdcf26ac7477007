// The UTF-8 length of a string without encoding it: for size limits on mission text and for
// command-line length limits, both on paths where allocating the bytes would be waste.

/** How many bytes `text` takes in UTF-8. */
export const utf8Length = (text: string): number => {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
};
