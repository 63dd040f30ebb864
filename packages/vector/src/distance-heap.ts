/** A binary heap of (slot, distance) pairs in growable typed arrays; `max` selects a max-heap (worst on top). */
export class DistanceHeap {
  readonly max: boolean;
  #distances: Float64Array = new Float64Array(64);
  #slots: Int32Array = new Int32Array(64);
  size = 0;

  constructor(max: boolean) {
    this.max = max;
  }

  clear(): void {
    this.size = 0;
  }

  get topSlot(): number {
    return this.#slots[0]!;
  }

  get topDistance(): number {
    return this.#distances[0]!;
  }

  #above(a: number, b: number): boolean {
    return this.max ? a > b : a < b;
  }

  push(slot: number, distance: number): void {
    if (this.size === this.#slots.length) {
      const distances = new Float64Array(this.size * 2);
      distances.set(this.#distances);
      this.#distances = distances;
      const slots = new Int32Array(this.size * 2);
      slots.set(this.#slots);
      this.#slots = slots;
    }
    const distances = this.#distances;
    const slots = this.#slots;
    let index = this.size++;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#above(distance, distances[parent]!)) break;
      distances[index] = distances[parent]!;
      slots[index] = slots[parent]!;
      index = parent;
    }
    distances[index] = distance;
    slots[index] = slot;
  }

  pop(): void {
    const size = --this.size;
    if (size === 0) return;
    const distances = this.#distances;
    const slots = this.#slots;
    const distance = distances[size]!;
    const slot = slots[size]!;
    let index = 0;
    for (;;) {
      let child = index * 2 + 1;
      if (child >= size) break;
      if (child + 1 < size && this.#above(distances[child + 1]!, distances[child]!)) child++;
      if (!this.#above(distances[child]!, distance)) break;
      distances[index] = distances[child]!;
      slots[index] = slots[child]!;
      index = child;
    }
    distances[index] = distance;
    slots[index] = slot;
  }

  /** Contents as parallel arrays sorted by ascending distance (the heap is left empty). */
  drainAscending(): { slots: number[]; distances: number[] } {
    const count = this.size;
    const slots = new Array<number>(count);
    const distances = new Array<number>(count);
    for (let index = 0; index < count; index++) {
      const target = this.max ? count - 1 - index : index;
      slots[target] = this.topSlot;
      distances[target] = this.topDistance;
      this.pop();
    }
    return { slots, distances };
  }
}
