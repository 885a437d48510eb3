/**
 * UTF-8 encoding and decoding. Process realms have only the ECMAScript built-ins
 * (no TextEncoder/TextDecoder), so the file library and the terminal driver use
 * these. Malformed input decodes to U+FFFD, as TextDecoder does; a lone surrogate
 * in a string encodes as U+FFFD.
 */
const REPLACEMENT = 0xfffd;

/** The UTF-8 bytes of `text`. */
export function encodeUtf8(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = REPLACEMENT;
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    } else {
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 0x3f);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    }
  }
  return out.slice(0, n);
}

/**
 * The text `bytes` encode. Each malformed sequence (as far as it goes before it
 * fails) becomes one U+FFFD, exactly as the WHATWG decoder does.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  const units: number[] = [];
  let text = "";
  let cp = 0;
  let needed = 0; // continuation bytes still to come
  let lower = 0x80; // the range the next continuation byte must be in (narrower after some leads)
  let upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (needed === 0) {
      if (b < 0x80) {
        units.push(b);
      } else if (b >= 0xc2 && b <= 0xdf) {
        needed = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0; // no overlong forms
        if (b === 0xed) upper = 0x9f; // no surrogates
        needed = 2;
        cp = b & 0x0f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f; // nothing past U+10FFFF
        needed = 3;
        cp = b & 0x07;
      } else {
        units.push(REPLACEMENT);
      }
    } else if (b < lower || b > upper) {
      // The sequence breaks off: replace what there was, and look at this byte afresh.
      needed = 0;
      lower = 0x80;
      upper = 0xbf;
      units.push(REPLACEMENT);
      i--;
    } else {
      lower = 0x80;
      upper = 0xbf;
      cp = (cp << 6) | (b & 0x3f);
      if (--needed === 0) {
        if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
        else units.push(cp);
      }
    }
    if (units.length >= 4096) text += String.fromCharCode(...units.splice(0));
  }
  if (needed > 0) units.push(REPLACEMENT);
  return text + String.fromCharCode(...units);
}

/** Length of the sequence a lead byte starts, or 0 if it cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * How many bytes at the end of `bytes` begin a sequence that is not complete yet
 * (0 to 3): a stream decoder keeps them for the next chunk.
 */
export function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const len = sequenceLength(b);
    return len > back ? back : 0;
  }
  return 0;
}
