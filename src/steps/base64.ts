// Bytes as base64 text, for outputs that must be JSON but hold binary content (btoa takes a
// "binary string"; building it in slices keeps the argument list of fromCharCode bounded).

/** The base64 encoding of `bytes`. */
export const toBase64 = (bytes: Uint8Array): string => {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
};
