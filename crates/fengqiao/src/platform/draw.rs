//! A reproducible random draw (随机抽取): who is drawn follows from the published seed and the
//! published list of candidates alone, so anyone can re-run it. Used for the evaluation
//! module's expert panels (DOMAIN.md §8) and meant for the random inspections of §9 ("record
//! the seed and the lists used so the draw is reproducible").
//!
//! The algorithm, complete enough to reimplement from this text:
//!
//! 1. **Candidates** are strings (a stable key each, e.g. an expert's id), sorted ascending by
//!    their UTF-8 bytes; duplicates are removed. Call the sorted list `a`, of length `n`.
//! 2. **Random words**: block `c` (c = 0, 1, 2, …) is `SHA-256(seed ‖ c)`, `c` as 8 bytes
//!    big-endian; each block gives four 64-bit words, bytes 0–7, 8–15, 16–23, 24–31, each read
//!    big-endian. The words are used in that order, block after block.
//! 3. **A uniform number below `m`** (m ≥ 1): let `r = 2^64 mod m`; take the next word `w`;
//!    if `w ≥ 2^64 − r`, discard it and take the next (rejection sampling: no modulo bias);
//!    the number is `w mod m`.
//! 4. **Fisher–Yates, forward**: for `i = 0 … min(k, n) − 1`: `j = i + uniform(n − i)`; swap
//!    `a[i]` and `a[j]`.
//! 5. The draw is `a[0 … min(k, n) − 1]`, in that order (the first drawn first).
//!
//! Reference implementation in Python (the unit test's expected values come from it):
//!
//! ```text
//! import hashlib
//! def words(seed):
//!     c = 0
//!     while True:
//!         h = hashlib.sha256(seed + c.to_bytes(8, 'big')).digest()
//!         for i in range(4):
//!             yield int.from_bytes(h[8*i:8*i+8], 'big')
//!         c += 1
//! def draw(seed, keys, k):
//!     a = sorted(set(keys), key=lambda s: s.encode())
//!     w = words(seed)
//!     for i in range(min(k, len(a))):
//!         n = len(a) - i
//!         r = (2**64) % n
//!         while True:
//!             x = next(w)
//!             if x < 2**64 - r:
//!                 break
//!         j = i + x % n
//!         a[i], a[j] = a[j], a[i]
//!     return a[:k]
//! ```

use sha2::{Digest, Sha256};

/// The stream of 64-bit words of step 2.
struct Words<'a> {
    seed: &'a [u8],
    counter: u64,
    block: [u8; 32],
    next: usize,
}

impl<'a> Words<'a> {
    fn new(seed: &'a [u8]) -> Words<'a> {
        Words {
            seed,
            counter: 0,
            block: [0; 32],
            next: 4,
        }
    }

    fn word(&mut self) -> u64 {
        if self.next == 4 {
            let mut h = Sha256::new();
            h.update(self.seed);
            h.update(self.counter.to_be_bytes());
            self.block = h.finalize().into();
            self.counter += 1;
            self.next = 0;
        }
        let i = self.next * 8;
        self.next += 1;
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.block[i..i + 8]);
        u64::from_be_bytes(b)
    }

    /// Step 3: a number below `m` (m ≥ 1), without modulo bias.
    fn below(&mut self, m: u64) -> u64 {
        // r = 2^64 mod m, computed in u64.
        let r = (u64::MAX % m + 1) % m;
        loop {
            let w = self.word();
            // Accept w < 2^64 − r (everything when r = 0).
            if r == 0 || w <= u64::MAX - r {
                return w % m;
            }
        }
    }
}

/// Draws `k` of `candidates` with `seed` (steps 1–5 above). Fewer than `k` candidates: all of
/// them, in drawn order.
pub fn draw(seed: &[u8], candidates: &[String], k: usize) -> Vec<String> {
    let mut a: Vec<String> = candidates.to_vec();
    a.sort_by(|x, y| x.as_bytes().cmp(y.as_bytes()));
    a.dedup();
    let n = a.len();
    let mut words = Words::new(seed);
    for i in 0..k.min(n) {
        let j = i + words.below((n - i) as u64) as usize;
        a.swap(i, j);
    }
    a.truncate(k.min(n));
    a
}

/// A fresh seed for a draw: 32 random bytes, as lowercase hex (published with the draw).
pub fn new_seed() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// Expected values computed once with the Python reference in the module's doc comment
    /// (`draw(b"fengqiao-draw-test", ["E01"…"E10"], 3)` → `['E03', 'E05', 'E06']`, and with
    /// k = 10 the whole permutation; the zero seed over five Chinese names, k = 2 →
    /// `['赵六', '钱七']`).
    #[test]
    fn matches_the_reference_implementation() {
        let e: Vec<String> = (1..=10).map(|i| format!("E{i:02}")).collect();
        assert_eq!(
            draw(b"fengqiao-draw-test", &e, 3),
            keys(&["E03", "E05", "E06"])
        );
        assert_eq!(
            draw(b"fengqiao-draw-test", &e, 10),
            keys(&[
                "E03", "E05", "E06", "E09", "E10", "E07", "E08", "E01", "E04", "E02"
            ])
        );
        let names = keys(&["张三", "李四", "王五", "赵六", "钱七"]);
        assert_eq!(draw(&[0u8; 32], &names, 2), keys(&["赵六", "钱七"]));
    }

    #[test]
    fn the_order_of_the_candidates_given_does_not_matter() {
        let mut e: Vec<String> = (1..=10).map(|i| format!("E{i:02}")).collect();
        let first = draw(b"seed", &e, 4);
        e.reverse();
        assert_eq!(draw(b"seed", &e, 4), first);
        assert_ne!(draw(b"other seed", &e, 4), first);
    }

    #[test]
    fn fewer_candidates_than_places_gives_them_all() {
        let e = keys(&["b", "a"]);
        let mut got = draw(b"x", &e, 5);
        got.sort();
        assert_eq!(got, keys(&["a", "b"]));
        assert!(draw(b"x", &[], 3).is_empty());
    }

    #[test]
    fn rejection_keeps_the_number_below_its_bound() {
        let mut w = Words::new(b"bound");
        for m in [1u64, 2, 3, 7, u64::MAX / 2 + 2, u64::MAX] {
            for _ in 0..50 {
                assert!(w.below(m) < m);
            }
        }
    }
}
