/**
 * A small seeded pseudo-random generator, so every run of the benchmark builds the same mailbox and
 * figures from different runs (or machines) compare like with like. Math.random() cannot be seeded.
 * Statistical quality only needs to be good enough to pick words and sizes.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // Any 32-bit value works; zero is nudged so a seed of 0 still produces a varied stream.
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A 32-bit unsigned integer (mulberry32 step: a Weyl sequence scrambled by multiply-xorshift rounds). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let mixed = this.state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return (mixed ^ (mixed >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4_294_967_296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick() from an empty list');
    return item;
  }

  /** Picks an entry with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    const last = entries.at(-1);
    if (!last) throw new Error('weighted() from an empty list');
    return last[0];
  }

  /**
   * Log-uniform between min and max: as many values between 20 KB and 100 KB as between 100 KB and
   * 500 KB, which is how attachment sizes are spread in real mailboxes (many small, a few large).
   */
  logUniform(min: number, max: number): number {
    return Math.round(Math.exp(Math.log(min) + this.next() * (Math.log(max) - Math.log(min))));
  }

  /** Fills the buffer with pseudo-random bytes: incompressible, like the PDFs and JPEGs real attachments are. */
  fillBytes(target: Buffer): Buffer {
    const wholeWords = target.length - (target.length % 4);
    for (let offset = 0; offset < wholeWords; offset += 4) target.writeUInt32LE(this.nextUint32(), offset);
    for (let offset = wholeWords; offset < target.length; offset++) target[offset] = this.nextUint32() & 0xff;
    return target;
  }
}
