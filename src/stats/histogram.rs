//! A log-linear histogram of non-negative integers with three significant digits.
//!
//! The layout is the one HdrHistogram uses at three significant digits (2,048 linear
//! sub-buckets, then a doubling of the bucket width every 1,024 counts), so quantiles carry
//! the same precision: every value is recorded in a bin no wider than 1/1,024 of it. Written
//! out here because recording sits on the engine's hot path: a record is a leading-zero
//! count, a shift and an add, where the general-purpose crate spent about 120 instructions.
//! Counts are integers, so merging is exact and order-independent.

/// Sub-buckets per bucket: 2^11 = 2,048 gives three significant digits.
const SUB_BUCKET_BITS: u32 = 11;
const SUB_BUCKET_MASK: u64 = (1 << SUB_BUCKET_BITS) - 1;
const HALF_BITS: u32 = SUB_BUCKET_BITS - 1;
const HALF_COUNT: usize = 1 << HALF_BITS;
/// `64 - SUB_BUCKET_BITS`: a value's bucket is this minus its leading zeros (masked).
const LEADING_ZERO_BASE: u32 = 64 - SUB_BUCKET_BITS;

/// Counts of values in log-linear bins (serialised as they are, for shards).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct LogHistogram {
    /// Counts by bin; grows to the largest bin recorded.
    counts: Vec<u64>,
    /// Sum of all counts.
    total: u64,
}

/// Equal when every bin holds the same count (however far each has grown).
impl PartialEq for LogHistogram {
    fn eq(&self, other: &Self) -> bool {
        let (short, long) = if self.counts.len() <= other.counts.len() {
            (&self.counts, &other.counts)
        } else {
            (&other.counts, &self.counts)
        };
        self.total == other.total
            && long[..short.len()] == short[..]
            && long[short.len()..].iter().all(|&count| count == 0)
    }
}

impl Eq for LogHistogram {}

#[inline]
fn bucket_of(value: u64) -> u32 {
    LEADING_ZERO_BASE - (value | SUB_BUCKET_MASK).leading_zeros()
}

/// The bin of `value`.
/// Bins a histogram needs to hold values up to `max`.
pub(crate) fn bins_up_to(max: u64) -> usize {
    index_of(max) + 1
}

#[inline]
fn index_of(value: u64) -> usize {
    let bucket = bucket_of(value);
    let sub_bucket = (value >> bucket) as usize;
    ((bucket as usize + 1) << HALF_BITS) + sub_bucket - HALF_COUNT
}

/// The smallest and largest value of bin `index`.
fn bin_range(index: usize) -> (u64, u64) {
    let (bucket, sub_bucket) = match (index >> HALF_BITS).checked_sub(1) {
        Some(bucket) => (bucket as u32, (index & (HALF_COUNT - 1)) + HALF_COUNT),
        None => (0, index & (HALF_COUNT - 1)),
    };
    let low = (sub_bucket as u64) << bucket;
    (low, low + ((1u64 << bucket) - 1))
}

impl LogHistogram {
    /// Adds `count` copies of `value`.
    #[inline]
    pub(crate) fn record_n(&mut self, value: u64, count: u64) {
        let index = index_of(value);
        // One bounds check: a bin past the end is added to once grown.
        match self.counts.get_mut(index) {
            Some(bin) => *bin += count,
            None => self.grow_to_add(index, count),
        }
        self.total += count;
    }

    /// Grows to hold bin `index`, and adds `count` to it.
    #[cold]
    fn grow_to_add(&mut self, index: usize, count: u64) {
        // Whole buckets at a time, so a run of growing waits resizes rarely.
        let length = (index | (HALF_COUNT - 1)) + 1;
        self.counts.resize(length, 0);
        self.counts[index] += count;
    }

    /// Adds every count of `other`.
    pub(crate) fn add(&mut self, other: &LogHistogram) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
    }

    /// The largest value equivalent to the q-quantile: the top of the bin holding the
    /// `ceil(q · n)`-th smallest value (at least the first). 0 when empty.
    pub(crate) fn value_at_quantile(&self, q: f64) -> u64 {
        let rank = ((q.min(1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0u64;
        for (index, &count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                let (low, high) = bin_range(index);
                return if q <= 0.0 { low } else { high };
            }
        }
        0
    }

    /// [`LogHistogram::value_at_quantile`] of each of `qs`, in one pass over the bins.
    pub(crate) fn values_at_quantiles<const N: usize>(&self, qs: [f64; N]) -> [u64; N] {
        /// Bins summed at a time while no rank is reached (the sum vectorises).
        const CHUNK: usize = 16;
        let ranks = qs.map(|q| ((q.min(1.0) * self.total as f64).ceil() as u64).max(1));
        let mut order: [usize; N] = std::array::from_fn(|i| i);
        order.sort_by_key(|&i| ranks[i]);
        let mut values = [0; N];
        let mut found = 0;
        let mut seen = 0u64;
        let counts = &self.counts;
        let mut index = 0;
        while let Some(&next_rank) = order.get(found).map(|&i| &ranks[i]) {
            // Whole chunks that do not reach the next rank are skipped (the first bin to
            // reach it is never in one, as the running sum only grows).
            while let Some(chunk) = counts.get(index..index + CHUNK) {
                let sum: u64 = chunk.iter().sum();
                if seen + sum >= next_rank {
                    break;
                }
                seen += sum;
                index += CHUNK;
            }
            let Some(&count) = counts.get(index) else {
                break;
            };
            seen += count;
            while let Some(&i) = order.get(found) {
                if seen < ranks[i] {
                    break;
                }
                let (low, high) = bin_range(index);
                values[i] = if qs[i] <= 0.0 { low } else { high };
                found += 1;
            }
            index += 1;
        }
        values
    }

    /// Values recorded in the bins from the one holding `low` to the one holding `high`.
    pub(crate) fn count_between(&self, low: u64, high: u64) -> u64 {
        let last = self.counts.len();
        let from = index_of(low).min(last);
        let to = index_of(high).saturating_add(1).min(last);
        self.counts.get(from..to).map_or(0, |bins| bins.iter().sum())
    }

    /// Whether recording could have made it: no bin beyond the largest value's, and a total
    /// that is the sum of the counts (read from a file, it may be neither).
    pub(crate) fn is_consistent(&self) -> bool {
        self.counts.len() <= bins_up_to(u64::MAX)
            && self.counts.iter().try_fold(0u64, |sum, &count| sum.checked_add(count)) == Some(self.total)
    }

    /// Values recorded.
    pub(crate) fn total(&self) -> u64 {
        self.total
    }

    /// The top of the bin holding the largest value recorded (0 when empty).
    pub(crate) fn max(&self) -> u64 {
        self.counts
            .iter()
            .rposition(|&count| count > 0)
            .map_or(0, |index| bin_range(index).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_contiguous_and_three_digits_wide() {
        let mut next = 0u64;
        for index in 0..40_000 {
            let (low, high) = bin_range(index);
            assert_eq!(low, next, "bin {index} starts where the previous ended");
            assert!(high >= low);
            assert_eq!(index_of(low), index);
            assert_eq!(index_of(high), index);
            // Width at most 1/1024 of the value: three significant digits.
            assert!((high - low) * 1024 <= low.max(1023), "bin {index}: {low}..={high}");
            next = high + 1;
        }
        assert_eq!(index_of(u64::MAX), bin_range_index_of_max());
    }

    fn bin_range_index_of_max() -> usize {
        // The last bucket holds values with the top bit set.
        ((LEADING_ZERO_BASE as usize + 1) << HALF_BITS) + (1 << SUB_BUCKET_BITS) - 1 - HALF_COUNT
    }

    #[test]
    fn quantiles_and_counts() {
        let mut histogram = LogHistogram::default();
        for value in 1..=1000u64 {
            histogram.record_n(value * 1000, 1);
        }
        assert_eq!(histogram.total(), 1000);
        let median = histogram.value_at_quantile(0.5);
        assert!((500_000..=500_000 + 500).contains(&median), "{median}");
        let p99 = histogram.value_at_quantile(0.99);
        assert!((990_000..=990_000 + 990).contains(&p99), "{p99}");
        assert_eq!(histogram.count_between(0, 100_500), 100);
        assert!(histogram.max() >= 1_000_000 && histogram.max() <= 1_000_000 + 1000);
        assert_eq!(LogHistogram::default().value_at_quantile(0.5), 0);
        let qs = [0.99, 0.0, 0.5, 1.0, 0.9, 0.5, 1e-9, 0.501, 0.999];
        assert_eq!(
            histogram.values_at_quantiles(qs),
            qs.map(|q| histogram.value_at_quantile(q))
        );
        // Counts bunched in a few bins, and spread thinly over many.
        let mut lumpy = LogHistogram::default();
        for (value, count) in [
            (0u64, 5u64),
            (17, 1),
            (18, 1),
            (4_000, 90),
            (4_001, 3),
            (86_400 * 300, 1),
        ] {
            lumpy.record_n(value, count);
        }
        for value in (0..50_000u64).step_by(7) {
            lumpy.record_n(value * 31, 1);
        }
        for histogram in [&lumpy, &histogram] {
            let qs: [f64; 12] =
                std::array::from_fn(|i| [0.0, 1e-6, 0.03, 0.05, 0.051, 0.1, 0.5, 0.9, 0.95, 0.99, 0.9999, 1.0][i]);
            assert_eq!(
                histogram.values_at_quantiles(qs),
                qs.map(|q| histogram.value_at_quantile(q))
            );
        }
        assert_eq!(LogHistogram::default().values_at_quantiles(qs), [0; 9]);
        assert_eq!(LogHistogram::default().count_between(5, 10), 0);
    }

    #[test]
    fn merging_equals_recording_together() {
        let mut a = LogHistogram::default();
        let mut b = LogHistogram::default();
        let mut both = LogHistogram::default();
        for value in [0u64, 7, 2048, 5_000_000, 86_400 * 400] {
            a.record_n(value, 3);
            both.record_n(value, 3);
        }
        for value in [1u64, 2047, 86_400 * 9_000] {
            b.record_n(value, 2);
            both.record_n(value, 2);
        }
        a.add(&b);
        assert_eq!(a.total(), both.total());
        for q in [0.0, 0.1, 0.5, 0.9, 1.0] {
            assert_eq!(a.value_at_quantile(q), both.value_at_quantile(q));
        }
        assert_eq!(a.count_between(0, u64::MAX), 21);
    }
}
