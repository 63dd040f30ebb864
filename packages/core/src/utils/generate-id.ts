let lastTime = 0;
let lastTimeText = '';
let counter = 0;

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
  return lastTimeText + encode(counter, 4) + randomPart();
}

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

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

function randomPart(): string {
  if (poolOffset + 12 > pool.length) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  let text = '';
  for (let index = poolOffset; index < poolOffset + 12; index++) text += alphabet[pool[index]! & 31];
  poolOffset += 12;
  return text;
}
