// Finds repeated (product_id, fulfillment_node_id) pairs in inputs of millions of rows, exactly and in
// little memory. A Set of `product\u0000node` strings costs ~150 MB of heap for 1M rows (measured: RSS
// ~300 MB with Node 24), which breaks the 300 MB budget of the stock benchmark. Here each key is stored once
// as bytes (the UTF-8 product id, 0xFF, which never occurs in UTF-8, then the node's number in 3 bytes) in
// one growing arena, found through an open-addressing table of Int32 slots: ~45 MB for the same input.
// Nodes are few and numbered by the caller, so only the product's bytes are copied and hashed per row.
// Products come either as bytes straight from the input buffer (the CSV fast path) or as strings; both
// give the same bytes and hash, so a pair is found whichever way it came.

const EMPTY = 0;
const SEPARATOR = 0xff;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

export class PairSet {
  private arena: Uint8Array<ArrayBuffer>;
  private used = 0;
  /** Per entry: where its key starts in the arena; keys end where the next starts. */
  private starts: Int32Array<ArrayBuffer>;
  /** Per entry: the caller's reference (a line number or an index) of its first occurrence. */
  private refs: Int32Array<ArrayBuffer>;
  private entryHashes: Int32Array<ArrayBuffer>;
  private count = 0;
  /** Hash table of entry numbers + 1 (0 = empty), linear probing, at most half full. */
  private slots: Int32Array<ArrayBuffer>;
  private mask: number;

  /** `expected`: about how many pairs will come (sizing up front saves rehashing a big table). */
  constructor(expected = 16_384) {
    const entries = 2 ** Math.ceil(Math.log2(Math.max(1024, Math.min(expected, 1 << 24))));
    this.arena = new Uint8Array(entries * 24);
    this.starts = new Int32Array(entries);
    this.refs = new Int32Array(entries);
    this.entryHashes = new Int32Array(entries);
    this.slots = new Int32Array(entries * 2);
    this.mask = entries * 2 - 1;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Adds the pair (a product id as UTF-8 bytes of `src`, a node number); returns the reference of its first
   * occurrence when it was already there, else -1 (and remembers `ref`, which must be >= 0).
   */
  addBytes(src: Buffer, productStart: number, productEnd: number, node: number, ref: number): number {
    const start = this.used;
    this.ensureArena(start + (productEnd - productStart) + 4);
    const arena = this.arena;
    let at = start;
    let hash = FNV_OFFSET;
    for (let i = productStart; i < productEnd; i++) {
      const b = src[i]!;
      arena[at++] = b;
      hash = Math.imul(hash ^ b, FNV_PRIME);
    }
    return this.finish(start, at, hash, node, ref);
  }

  /** The same with the product id as a string. */
  add(productId: string, node: number, ref: number): number {
    const start = this.used;
    const end = this.writeString(productId, start);
    this.ensureArena(end + 4);
    let hash = FNV_OFFSET;
    const arena = this.arena;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ arena[i]!, FNV_PRIME);
    return this.finish(start, end, hash, node, ref);
  }

  /** Appends the separator and the node number to the key bytes at start..at, then looks the key up. */
  private finish(start: number, at: number, hash: number, node: number, ref: number): number {
    const arena = this.arena;
    arena[at] = SEPARATOR;
    arena[at + 1] = node & 0xff;
    arena[at + 2] = (node >>> 8) & 0xff;
    arena[at + 3] = (node >>> 16) & 0xff;
    hash = Math.imul(hash ^ SEPARATOR, FNV_PRIME);
    hash = Math.imul(hash ^ node, FNV_PRIME);
    return this.commit(start, at + 4, hash, ref);
  }

  /** ASCII (the usual case) byte by byte; anything else through Buffer's UTF-8 encoder. */
  private writeString(text: string, at: number): number {
    let ascii = true;
    for (let i = 0; i < text.length && ascii; i++) ascii = text.charCodeAt(i) < 0x80;
    if (!ascii) {
      const bytes = Buffer.from(text, 'utf8');
      this.ensureArena(at + bytes.length);
      this.arena.set(bytes, at);
      return at + bytes.length;
    }
    this.ensureArena(at + text.length);
    const arena = this.arena;
    for (let i = 0; i < text.length; i++) arena[at + i] = text.charCodeAt(i);
    return at + text.length;
  }

  private commit(start: number, end: number, hash: number, ref: number): number {
    hash ^= hash >>> 15; // spread the high bits into the slot index
    const length = end - start;
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === EMPTY) break;
      const e = entry - 1;
      if (this.entryHashes[e] === hash && this.sameKey(e, start, length)) return this.refs[e]!;
      slot = (slot + 1) & this.mask;
    }
    // A new pair: keep the bytes just written and register the entry.
    if (this.count === this.starts.length) this.growEntries();
    this.starts[this.count] = start;
    this.refs[this.count] = ref;
    this.entryHashes[this.count] = hash;
    this.slots[slot] = ++this.count;
    this.used = end;
    if (this.count * 2 > this.slots.length) this.rehash();
    return -1;
  }

  private sameKey(entry: number, start: number, length: number): boolean {
    const from = this.starts[entry]!;
    const end = entry + 1 < this.count ? this.starts[entry + 1]! : this.used;
    if (end - from !== length) return false;
    const arena = this.arena;
    for (let i = 0; i < length; i++) if (arena[from + i] !== arena[start + i]) return false;
    return true;
  }

  private ensureArena(needed: number): void {
    if (needed <= this.arena.length) return;
    let size = this.arena.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.arena); // all of it: a key being added lies beyond `used` until it is committed
    this.arena = next;
  }

  private growEntries(): void {
    const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const next = new Int32Array(a.length * 2);
      next.set(a);
      return next;
    };
    this.starts = grow(this.starts);
    this.refs = grow(this.refs);
    this.entryHashes = grow(this.entryHashes);
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.count; e++) {
      let slot = this.entryHashes[e]! & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
