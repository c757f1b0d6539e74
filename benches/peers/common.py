"""What the SimPy scripts of W1 and its variants share: the model's constants, the closed forms
and the output (the `key: value` lines of benches/reference, so the two read alike)."""
import argparse
import math
import resource
import time

OFFICERS = 5
RATE_PER_DAY = 4.5
HORIZON_DAYS = 222_222.0
PATIENCE_MEAN_DAYS = 2.0
HIGH_SHARE = 0.3


def arguments(description):
    """The scripts' common flags: --horizon-days and --seed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--horizon-days", type=float, default=HORIZON_DAYS)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def erlang_c_wait_probability(c=OFFICERS, rate=RATE_PER_DAY):
    """P(an arrival waits) in M/M/c with service rate 1."""
    top = rate ** c / math.factorial(c) / (1.0 - rate / c)
    return top / (sum(rate ** k / math.factorial(k) for k in range(c)) + top)


def erlang_c_mean_wait(c=OFFICERS, rate=RATE_PER_DAY):
    """Mean wait in days in M/M/c with service rate 1."""
    return erlang_c_wait_probability(c, rate) / (c - rate)


def priority_mean_waits(c=OFFICERS, rate=RATE_PER_DAY, high_share=HIGH_SHARE):
    """Mean waits (high, low) in M/M/c with two non-preemptive priority classes."""
    w0 = erlang_c_wait_probability(c, rate) / c
    sigma_high = high_share * rate / c
    return w0 / (1.0 - sigma_high), w0 / ((1.0 - sigma_high) * (1.0 - rate / c))


def erlang_a(c=OFFICERS, rate=RATE_PER_DAY, patience_mean=PATIENCE_MEAN_DAYS):
    """M/M/c+M: (share of arrivals leaving unserved, mean wait in days of those served)."""
    theta = 1.0 / patience_mean
    pi = [1.0]
    for n in range(1, c + 1000):
        pi.append(pi[-1] * rate / (min(n, c) + max(n - c, 0) * theta))
    total = sum(pi)
    pi = [p / total for p in pi]
    served, waited, p, m = sum(pi[:c]), 0.0, 1.0, 0.0
    for j, pi_n in enumerate(pi[c:]):
        # an arrival finding n >= c present joins at position j + 1
        up = c + j * theta
        out = up + theta
        p *= up / out
        m = p / out + up / out * m
        served += pi_n * p
        waited += pi_n * m
    return 1.0 - served, waited / served


class Clock:
    """Wall time inside the process, from the start of the script."""

    def __init__(self):
        self.start = time.perf_counter()

    def seconds(self):
        return time.perf_counter() - self.start


def report(model, clock, arrived, waits, waiting_at_end, abandoned=0, extra=()):
    """Prints the run as `key: value` lines."""
    seconds = clock.seconds()
    lines = [("model", model), ("arrived", arrived), ("served", len(waits)),
             ("abandoned", abandoned), ("waiting_at_end", waiting_at_end),
             ("mean_wait_days", f"{sum(waits) / len(waits):.6f}"), *extra,
             ("wall_s_inside", f"{seconds:.3f}"),
             ("people_per_s_inside", f"{arrived / seconds:.0f}"),
             ("peak_rss_mib", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")]
    for key, value in lines:
        print(f"{key}: {value}")
