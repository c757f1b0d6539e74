//! Random streams keyed by name, so that a stream sees the same numbers in replication r
//! of any scenario that has a stream of that name (common random numbers).

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used everywhere in the engine.
pub(crate) type SimRng = Xoshiro256PlusPlus;

/// FNV-1a over bytes: a stable hash (unlike `std`'s `DefaultHasher`, it never changes).
fn fnv1a(bytes: &[u8], mut hash: u64) -> u64 {
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// SplitMix64 finaliser: spreads every input bit over the output.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The random stream for (seed, replication, role, name, part).
///
/// `role` separates uses ("stream", "port", …); `part` separates sub-streams of one name.
pub(crate) fn keyed_rng(seed: u64, replication: u32, role: &str, name: &str, part: u64) -> SimRng {
    let mut key = fnv1a(role.as_bytes(), 0xcbf2_9ce4_8422_2325);
    key = fnv1a(&[0xff], key);
    key = fnv1a(name.as_bytes(), key);
    let key = mix(key ^ mix(seed) ^ mix(u64::from(replication).wrapping_add(0x9e37_79b9_7f4a_7c15)))
        ^ mix(part.wrapping_mul(0x2545_f491_4f6c_dd1d));
    SimRng::seed_from_u64(mix(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn keys_separate_streams_and_repeat_exactly() {
        let draw = |rng: &mut SimRng| -> u64 { rng.random() };
        let a = draw(&mut keyed_rng(1, 0, "stream", "caravan", 0));
        assert_eq!(a, draw(&mut keyed_rng(1, 0, "stream", "caravan", 0)));
        assert_ne!(a, draw(&mut keyed_rng(1, 1, "stream", "caravan", 0)));
        assert_ne!(a, draw(&mut keyed_rng(2, 0, "stream", "caravan", 0)));
        assert_ne!(a, draw(&mut keyed_rng(1, 0, "port", "caravan", 0)));
        assert_ne!(a, draw(&mut keyed_rng(1, 0, "stream", "caravan", 1)));
        assert_ne!(a, draw(&mut keyed_rng(1, 0, "stream", "caravans", 0)));
    }

    /// A chi-square test of uniformity on one keyed stream (nexosim-style sanity check).
    #[test]
    fn keyed_stream_is_uniform() {
        let mut rng = keyed_rng(42, 3, "stream", "x", 0);
        let bins = 64usize;
        let n = 640_000usize;
        let mut counts = vec![0u64; bins];
        for _ in 0..n {
            counts[rng.random_range(0..bins)] += 1;
        }
        let expected = (n / bins) as f64;
        let chi2: f64 = counts.iter().map(|&c| (c as f64 - expected).powi(2) / expected).sum();
        // 63 degrees of freedom: the 99.9% quantile is about 103.4.
        assert!(chi2 < 103.4, "chi-square {chi2}");
    }
}
