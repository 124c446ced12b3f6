/** The first 64 primes: SHA-256's constants are the fractional parts of their cube roots (square roots for H0). */
function primes(count: number): number[] {
  const found: number[] = []
  for (let n = 2; found.length < count; n++) {
    if (found.every(p => n % p !== 0))
      found.push(n)
  }
  return found
}

function fraction(value: number): number {
  return ((value - Math.floor(value)) * 0x100000000) >>> 0
}

let constants: { k: Uint32Array, h0: Uint32Array } | undefined

function rotr(value: number, bits: number): number {
  return (value >>> bits) | (value << (32 - bits))
}

/**
 * SHA-256 in plain JavaScript (FIPS 180-4), for pages where `crypto.subtle` is missing: it exists only in secure
 * contexts, and an app served over plain http on a LAN address still needs keys that hold no token in clear.
 */
export function sha256Fallback(bytes: Uint8Array): Uint8Array {
  const padded = new Uint8Array(Math.ceil((bytes.length + 9) / 64) * 64)
  padded.set(bytes)
  padded[bytes.length] = 0x80
  const view = new DataView(padded.buffer)
  // The bit length, as two 32-bit words: no input here comes near 2^53 bits.
  view.setUint32(padded.length - 8, Math.floor(bytes.length / 0x20000000))
  view.setUint32(padded.length - 4, (bytes.length * 8) >>> 0)
  constants ??= { k: Uint32Array.from(primes(64), p => fraction(Math.cbrt(p))), h0: Uint32Array.from(primes(8), p => fraction(Math.sqrt(p))) }
  const { k } = constants
  const hash = constants.h0.slice()
  const w = new Uint32Array(64)
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4)
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!
      const b = w[i - 2]!
      w[i] = (rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)) + w[i - 16]! + (rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10)) + w[i - 7]!
    }
    let [a, b, c, d, e, f, g, h] = hash as unknown as [number, number, number, number, number, number, number, number]
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i]! + w[i]!) >>> 0
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0
      h = g
      g = f
      f = e
      e = (d + t1) >>> 0
      d = c
      c = b
      b = a
      a = (t1 + t2) >>> 0
    }
    // Uint32Array stores each sum modulo 2^32.
    ;[a, b, c, d, e, f, g, h].forEach((value, i) => hash[i] = hash[i]! + value)
  }
  const out = new Uint8Array(32)
  const outView = new DataView(out.buffer)
  hash.forEach((word, i) => outView.setUint32(i * 4, word))
  return out
}

function hex(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0')
  return text
}

/** SHA-256 of the UTF-8 text, in hex: `crypto.subtle` where the page has it, else the same digest in JavaScript. */
export async function digest(text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text)
  const subtle = typeof crypto === 'object' ? crypto.subtle : undefined
  if (subtle)
    return hex(new Uint8Array(await subtle.digest('SHA-256', bytes)))
  return hex(sha256Fallback(bytes))
}
