let lastTime = 0;
let lastTimeText = '';
let counter = 0;

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
const codes = Array.from(alphabet, (char) => char.charCodeAt(0));

/**
 * A 26-character id that sorts by creation time within a process: 10 characters of millisecond time,
 * 4 of a counter for ids made in the same millisecond, 12 random. Lower-case base 32 (Crockford).
 */
export function generateId(): string {
  const now = Date.now();
  if (now === lastTime) counter++;
  else {
    lastTime = now;
    lastTimeText = encode(now, 10);
    counter = 0;
  }
  return lastTimeText + counterAndRandom(counter);
}

function encode(value: number, length: number): string {
  let text = '';
  let remaining = value;
  for (let index = 0; index < length; index++) {
    text = alphabet[remaining % 32]! + text;
    remaining = Math.floor(remaining / 32);
  }
  return text;
}

// one getRandomValues call per 341 ids: each call costs microseconds, which a per-call id would pay every time
const pool = new Uint8Array(4092);
let poolOffset = pool.length;

/** 4 counter characters and 12 random ones, built as one string (16 one-character concatenations cost more). */
function counterAndRandom(count: number): string {
  if (poolOffset + 12 > pool.length) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += 12;
  return String.fromCharCode(
    codes[(count >>> 15) & 31]!,
    codes[(count >>> 10) & 31]!,
    codes[(count >>> 5) & 31]!,
    codes[count & 31]!,
    codes[pool[at]! & 31]!,
    codes[pool[at + 1]! & 31]!,
    codes[pool[at + 2]! & 31]!,
    codes[pool[at + 3]! & 31]!,
    codes[pool[at + 4]! & 31]!,
    codes[pool[at + 5]! & 31]!,
    codes[pool[at + 6]! & 31]!,
    codes[pool[at + 7]! & 31]!,
    codes[pool[at + 8]! & 31]!,
    codes[pool[at + 9]! & 31]!,
    codes[pool[at + 10]! & 31]!,
    codes[pool[at + 11]! & 31]!,
  );
}
