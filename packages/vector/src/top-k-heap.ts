/**
 * Keeps the `k` best (highest key) slots seen, in O(log k) per accepted push. Ties are broken by the smaller id,
 * the order of core's reference store, so exact indexes return the same list as `InMemoryVectorStore`.
 */
export class TopKHeap {
  readonly k: number;
  readonly #keys: Float64Array;
  readonly #slots: Int32Array;
  readonly #ids: readonly string[];
  #size = 0;

  constructor(k: number, ids: readonly string[]) {
    this.k = k;
    this.#keys = new Float64Array(k);
    this.#slots = new Int32Array(k);
    this.#ids = ids;
  }

  get size(): number {
    return this.#size;
  }

  /** The worst key kept, or -Infinity while not full: a candidate must beat it. */
  get threshold(): number {
    return this.#size < this.k ? -Infinity : this.#keys[0]!;
  }

  /**
   * Offers kernel output `out[0..count)` (dot products, or squared distances when `squared`, which are negated into
   * keys) for slots `slots[i]`, or slot `i` without `slots`: one loop that reads the threshold only after a push.
   */
  offerAll(out: ArrayLike<number>, count: number, squared: boolean, slots?: ArrayLike<number>): void {
    let threshold = this.threshold;
    for (let index = 0; index < count; index++) {
      const key = squared ? -out[index]! : out[index]!;
      if (key < threshold) continue;
      this.push(slots === undefined ? index : slots[index]!, key);
      threshold = this.threshold;
    }
  }

  #worse(a: number, b: number): boolean {
    const keyA = this.#keys[a]!;
    const keyB = this.#keys[b]!;
    return keyA < keyB || (keyA === keyB && this.#ids[this.#slots[a]!]! > this.#ids[this.#slots[b]!]!);
  }

  push(slot: number, key: number): void {
    const keys = this.#keys;
    const slots = this.#slots;
    if (this.#size < this.k) {
      let index = this.#size++;
      keys[index] = key;
      slots[index] = slot;
      while (index > 0) {
        const parent = (index - 1) >> 1;
        if (!this.#worse(index, parent)) break;
        this.#swap(index, parent);
        index = parent;
      }
      return;
    }
    if (key < keys[0]! || (key === keys[0]! && this.#ids[slot]! > this.#ids[slots[0]!]!)) return;
    keys[0] = key;
    slots[0] = slot;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= this.#size) break;
      const right = left + 1;
      const child = right < this.#size && this.#worse(right, left) ? right : left;
      if (!this.#worse(child, index)) break;
      this.#swap(child, index);
      index = child;
    }
  }

  #swap(a: number, b: number): void {
    const key = this.#keys[a]!;
    this.#keys[a] = this.#keys[b]!;
    this.#keys[b] = key;
    const slot = this.#slots[a]!;
    this.#slots[a] = this.#slots[b]!;
    this.#slots[b] = slot;
  }

  /** The kept slots and keys, best first. */
  sorted(): Array<{ slot: number; key: number }> {
    const items = Array.from({ length: this.#size }, (_, index) => ({ slot: this.#slots[index]!, key: this.#keys[index]! }));
    const ids = this.#ids;
    return items.sort((a, b) => b.key - a.key || (ids[a.slot]! < ids[b.slot]! ? -1 : 1));
  }
}
