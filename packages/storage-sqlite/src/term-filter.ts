import { searchToken } from './search-tokens.ts';

/**
 * A Bloom filter of keyword-search tokens (`searchToken`: `t` and 16 hex digits of a 64-bit hash): `mayHold` is true
 * for every token added, and for about 1 % of the others while the filter holds at most one token per 10 bits.
 *
 * The token is already a hash, so its two 32-bit halves give the probe positions (double hashing) without hashing
 * again. A string of another shape is made a token first.
 */
export class TermFilter {
  readonly #bits: Uint32Array;
  readonly #mask: number;
  #count = 0;

  /**
   * `capacity`: the tokens it is meant to hold at about 1 % false positives (10 bits each, rounded up to a power of
   * two, from 8 KiB to 16 MiB of bits: `maxTermFilterCapacity` tokens at most).
   */
  constructor(capacity: number) {
    let size = 1 << 16;
    while (size < capacity * 10 && size < maxBits) size *= 2;
    this.#bits = new Uint32Array(size >>> 5);
    this.#mask = size - 1;
  }

  /** Distinct tokens added so far (a token whose bits were all set already is not counted again). */
  get count(): number {
    return this.#count;
  }

  /** Tokens it holds at about 1 % false positives; past it, rebuild it larger. */
  get capacity(): number {
    return Math.floor((this.#mask + 1) / 10);
  }

  /** Bytes its bits take. */
  get bytes(): number {
    return this.#bits.byteLength;
  }

  add(token: string): void {
    const [first, second] = halves(token);
    const bits = this.#bits;
    let fresh = false;
    for (let probe = 0; probe < probes; probe++) {
      const position = (first + Math.imul(probe, second)) & this.#mask;
      const word = position >>> 5;
      const bit = 1 << (position & 31);
      if ((bits[word]! & bit) === 0) {
        bits[word]! |= bit;
        fresh = true;
      }
    }
    if (fresh) this.#count++;
  }

  mayHold(token: string): boolean {
    const [first, second] = halves(token);
    const bits = this.#bits;
    for (let probe = 0; probe < probes; probe++) {
      const position = (first + Math.imul(probe, second)) & this.#mask;
      if ((bits[position >>> 5]! & (1 << (position & 31))) === 0) return false;
    }
    return true;
  }
}

const maxBits = 2 ** 27;

/** The most tokens a `TermFilter` holds at about 1 % false positives (its largest size, 16 MiB). */
export const maxTermFilterCapacity: number = Math.floor(maxBits / 10);

/** Probes per token: about 1 % false positives at 10 bits per token. */
const probes = 7;
const pair: [number, number] = [0, 0];
const hexToken = /^t[0-9a-f]{16}$/;

/** The token's two 32-bit halves (the second odd, so that the probes differ); reuses one pair. */
function halves(token: string): [number, number] {
  // a token of another shape is made one first
  const hex = hexToken.test(token) ? token : searchToken(token);
  pair[0] = Number.parseInt(hex.slice(1, 9), 16) | 0;
  pair[1] = Number.parseInt(hex.slice(9, 17), 16) | 1;
  return pair;
}
