/**
 * The MinHash minimum loop (minhash.ts) as a tiny WebAssembly module with 128-bit SIMD: four of
 * the 64 hash functions per instruction, about five times faster than the same loop in
 * JavaScript (it was the analyzer's largest cost after jieba). The module is written out here
 * byte by byte, with the WebAssembly text of each part beside it, so no toolchain is needed.
 *
 * Memory layout (one 64 KiB page, grown for long posts): [0, 256) the 64 seeds, [256, 512) the
 * signature written by `minhash(n)`, [512, …) the n feature hashes. For each group of four
 * seeds s and each feature x: h = (x ^ s) * 0x9e3779b1; h ^= h >>> 15; min_u over the features.
 */
const SEEDS_AT = 0;
const SIG_AT = 256;
const FEATURES_AT = 512;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
const MUL = [0xb1, 0x79, 0x37, 0x9e]; // 0x9e3779b1, little-endian

// (func $minhash (param $n i32) (local $b i32) (local $j i32) (local $end i32) (local $seed v128) (local $acc v128) (local $h v128)
const BODY = [
  0x02, 0x03, 0x7f, 0x03, 0x7b, // locals: 3 × i32, 3 × v128
  0x20, 0x00, 0x41, 0x02, 0x74, 0x41, ...leb(FEATURES_AT), 0x6a, 0x21, 0x03, // $end = ($n << 2) + FEATURES_AT
  0x03, 0x40, // loop $groups
  0x20, 0x01, 0xfd, 0x00, 0x00, ...leb(SEEDS_AT), 0x21, 0x04, //   $seed = v128.load($b)
  0xfd, 0x0c, ...new Array<number>(16).fill(0xff), 0x21, 0x05, //   $acc = all ones
  0x41, ...leb(FEATURES_AT), 0x21, 0x02, //   $j = FEATURES_AT
  0x02, 0x40, 0x03, 0x40, //   block $done  loop $features
  0x20, 0x02, 0x20, 0x03, 0x4f, 0x0d, 0x01, //     br_if $done ($j >= $end)
  0x20, 0x02, 0x28, 0x02, 0x00, 0xfd, 0x11, //     i32x4.splat(i32.load($j))
  0x20, 0x04, 0xfd, 0x51, //     v128.xor $seed
  0xfd, 0x0c, ...MUL, ...MUL, ...MUL, ...MUL, 0xfd, 0xb5, 0x01, //     i32x4.mul (i32x4 0x9e3779b1 ×4)
  0x22, 0x06, 0x20, 0x06, 0x41, 0x0f, 0xfd, 0xad, 0x01, 0xfd, 0x51, //     $h ^ i32x4.shr_u($h, 15)
  0x20, 0x05, 0xfd, 0xb7, 0x01, 0x21, 0x05, //     $acc = i32x4.min_u(…, $acc)
  0x20, 0x02, 0x41, 0x04, 0x6a, 0x21, 0x02, //     $j += 4
  0x0c, 0x00, 0x0b, 0x0b, //     br $features  end  end
  0x20, 0x01, 0x20, 0x05, 0xfd, 0x0b, 0x00, ...leb(SIG_AT), //   v128.store offset=SIG_AT ($b, $acc)
  0x20, 0x01, 0x41, 0x10, 0x6a, 0x22, 0x01, 0x41, 0x80, 0x02, 0x49, 0x0d, 0x00, //   br_if $groups (($b += 16) < 256)
  0x0b, 0x0b, // end loop, end func
];

const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // \0asm, version 1
  ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x00]), // type 0: (i32) → ()
  ...section(3, [0x01, 0x00]), // func 0 has type 0
  ...section(5, [0x01, 0x00, 0x01]), // memory: 1 page
  ...section(7, [0x02, ...name('memory'), 0x02, 0x00, ...name('minhash'), 0x00, 0x00]),
  ...section(10, [0x01, ...leb(BODY.length), ...BODY]),
]);

export interface SimdMinhash {
  /** The signature (a fresh array) of the first `n` hashes. */
  signature(hashes: Int32Array, n: number): Uint32Array;
}

/** The SIMD MinHash over these 64 seeds, or null where WebAssembly SIMD is unavailable. */
export function simdMinhash(seeds: Uint32Array): SimdMinhash | null {
  if (seeds.length !== 64 || typeof WebAssembly !== 'object' || !WebAssembly.validate(MODULE)) return null;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(MODULE));
  const memory = instance.exports.memory as WebAssembly.Memory;
  const run = instance.exports.minhash as (n: number) => void;
  let words = new Int32Array(memory.buffer);
  new Uint32Array(memory.buffer).set(seeds, SEEDS_AT / 4);
  return {
    signature(hashes, n) {
      const need = FEATURES_AT + n * 4;
      if (need > memory.buffer.byteLength) {
        memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
        words = new Int32Array(memory.buffer);
      }
      words.set(n === hashes.length ? hashes : hashes.subarray(0, n), FEATURES_AT / 4);
      run(n);
      return new Uint32Array(memory.buffer.slice(SIG_AT, SIG_AT + 256));
    },
  };
}
