import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeUtf8, encodeUtf8, incompleteTail } from "../../../os/lib/utf8.js";

/** The UTF-8 code in os/lib runs where there is no TextEncoder; here the host's is the reference. */
describe("UTF-8 for processes", () => {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  it("encodes any string as TextEncoder does, lone surrogates included", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => {
      expect(encodeUtf8(s)).toEqual(encoder.encode(s));
    }), { numRuns: 500 });
  });

  it("decodes what it encodes", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (s) => {
      expect(decodeUtf8(encodeUtf8(s))).toBe(s);
    }), { numRuns: 500 });
  });

  it("decodes any bytes as TextDecoder does, malformed ones included", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      expect(decodeUtf8(bytes)).toBe(decoder.decode(bytes));
    }), { numRuns: 2000 });
    for (const bad of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x9c], [0xff], [0x80]]) {
      expect(decodeUtf8(new Uint8Array(bad))).toBe(decoder.decode(new Uint8Array(bad)));
    }
  });

  it("decodes long texts", () => {
    const s = "abc✓😀".repeat(10_000);
    expect(decodeUtf8(encodeUtf8(s))).toBe(s);
  });

  it("finds a character cut off at the end of a chunk", () => {
    const check = encodeUtf8("a✓"); // 61 e2 9c 93
    expect(incompleteTail(check)).toBe(0);
    expect(incompleteTail(check.subarray(0, 3))).toBe(2);
    expect(incompleteTail(check.subarray(0, 2))).toBe(1);
    expect(incompleteTail(encodeUtf8("😀").subarray(0, 3))).toBe(3);
    expect(incompleteTail(new Uint8Array([0x80, 0x80, 0x80, 0x80]))).toBe(0);
    expect(incompleteTail(new Uint8Array(0))).toBe(0);
  });
});
