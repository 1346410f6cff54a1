/** Minimal BER-TLV helpers for the PIV data objects and templates. */

/** BER length octets. */
export function berLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length <= 0xff) return Uint8Array.of(0x81, length);
  if (length <= 0xffff) return Uint8Array.of(0x82, length >> 8, length & 0xff);
  throw new Error(`TLV value too long: ${length}`);
}

/** Encode one TLV; `tag` is the tag bytes as a number (e.g. 0x5fc102) or a byte array. */
export function tlv(tag: number | Uint8Array, ...values: Uint8Array[]): Uint8Array {
  const tagBytes = typeof tag === 'number' ? tagToBytes(tag) : tag;
  const value = Buffer.concat(values);
  return Buffer.concat([tagBytes, berLength(value.length), value]);
}

function tagToBytes(tag: number): Uint8Array {
  const out: number[] = [];
  let t = tag;
  do {
    out.unshift(t & 0xff);
    t = Math.floor(t / 256);
  } while (t > 0);
  return Uint8Array.from(out);
}

export interface Tlv {
  tag: number;
  value: Uint8Array;
}

/** Parse a flat sequence of TLVs (no recursion). Throws on malformed input. */
export function parseTlvs(data: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let i = 0;
  while (i < data.length) {
    let tag = data[i++]!;
    if ((tag & 0x1f) === 0x1f) {
      let b: number;
      do {
        if (i >= data.length) throw new Error('truncated tag');
        b = data[i++]!;
        tag = tag * 256 + b;
      } while (b & 0x80);
    }
    if (i >= data.length) throw new Error('missing length');
    let len = data[i++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3 || i + n > data.length) throw new Error('bad length');
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + data[i++]!;
    }
    if (i + len > data.length) throw new Error('truncated value');
    out.push({ tag, value: data.subarray(i, i + len) });
    i += len;
  }
  return out;
}
