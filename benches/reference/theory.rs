//! Closed forms the references are checked against: Erlang C (M/M/c), Erlang A (M/M/c+M) and
//! non-preemptive priority classes in M/M/c, all with service rate 1 a day.

/// Erlang C: the probability that an arrival waits in M/M/c with `rate_per_day` arrivals.
pub(crate) fn erlang_c_wait_probability(officers: u32, rate_per_day: f64) -> f64 {
    let c = f64::from(officers);
    let mut term = 1.0; // a^k / k!
    let mut below = 0.0;
    for k in 0..officers {
        below += term;
        term *= rate_per_day / f64::from(k + 1);
    }
    let top = term / (1.0 - rate_per_day / c);
    top / (below + top)
}

/// Erlang C: the mean wait in days.
pub(crate) fn erlang_c_mean_wait_days(officers: u32, rate_per_day: f64) -> f64 {
    erlang_c_wait_probability(officers, rate_per_day) / (f64::from(officers) - rate_per_day)
}

/// Mean waits in days of the high and the low class in M/M/c with non-preemptive priority:
/// W_k = W0 / ((1 - σ_{k-1})(1 - σ_k)), W0 = P(wait) / c, σ_k the load of classes up to k.
pub(crate) fn priority_mean_waits_days(officers: u32, rate_per_day: f64, high_share: f64) -> [f64; 2] {
    let c = f64::from(officers);
    let w0 = erlang_c_wait_probability(officers, rate_per_day) / c;
    let sigma_high = high_share * rate_per_day / c;
    let sigma_all = rate_per_day / c;
    [w0 / (1.0 - sigma_high), w0 / ((1.0 - sigma_high) * (1.0 - sigma_all))]
}

/// Erlang A (M/M/c+M, exponential patience with mean `patience_mean_days`): the share of
/// arrivals who leave unserved, the mean wait in days of those served, and the share by
/// Little's law (θ E[queue] / λ), which must agree with the first.
pub(crate) fn erlang_a(officers: u32, rate_per_day: f64, patience_mean_days: f64) -> (f64, f64, f64) {
    let theta = 1.0 / patience_mean_days;
    let c = f64::from(officers);
    // Stationary distribution of the number present, truncated far in the tail.
    let states = officers as usize + 1_000;
    let mut pi = vec![1.0_f64; states];
    for n in 1..states {
        let queued = (n as f64 - c).max(0.0);
        pi[n] = pi[n - 1] * rate_per_day / ((n as f64).min(c) + queued * theta);
    }
    let total: f64 = pi.iter().sum();
    pi.iter_mut().for_each(|p| *p /= total);
    // An arrival that finds n >= c present joins at position j = n - c + 1. From position j it
    // moves up at rate c + (j - 1)θ and leaves at rate θ: served with probability P_j, and
    // E[wait; served] = M_j = P_j / r_j + q_j M_{j-1}.
    let (mut served, mut waited) = (pi[..officers as usize].iter().sum::<f64>(), 0.0);
    let (mut p, mut m) = (1.0, 0.0);
    for (j, &pi_n) in pi[officers as usize..].iter().enumerate() {
        let up = c + j as f64 * theta;
        let rate = up + theta;
        p *= up / rate;
        m = p / rate + up / rate * m;
        served += pi_n * p;
        waited += pi_n * m;
    }
    let queue: f64 = pi.iter().enumerate().map(|(n, p)| (n as f64 - c).max(0.0) * p).sum();
    (1.0 - served, waited / served, theta * queue / rate_per_day)
}
