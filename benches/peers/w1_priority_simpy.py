"""W1 with two priority classes in SimPy: 30% of customers are high and served before any low
one, FIFO within a class, non-preemptive, as benches/workloads/w1-priority.toml."""
import random

import simpy

from common import (HIGH_SHARE, OFFICERS, RATE_PER_DAY, Clock, arguments, priority_mean_waits,
                    report)


def main():
    args = arguments(__doc__)
    clock = Clock()
    rng = random.Random(args.seed)
    env = simpy.Environment()
    officers = simpy.PriorityResource(env, capacity=OFFICERS)
    waits, by_class = [], ([], [])
    arrived = 0

    def customer(cls):
        now = env.now
        with officers.request(priority=cls) as request:
            yield request
            wait = env.now - now
            waits.append(wait)
            by_class[cls].append(wait)
            yield env.timeout(rng.expovariate(1.0))

    def arrivals():
        nonlocal arrived
        while True:
            yield env.timeout(rng.expovariate(RATE_PER_DAY))
            arrived += 1
            env.process(customer(0 if rng.random() < HIGH_SHARE else 1))

    env.process(arrivals())
    env.run(until=args.horizon_days)
    extra = []
    for cls, (name, theory) in enumerate(zip(("high", "low"), priority_mean_waits())):
        extra += [(f"served_{name}", len(by_class[cls])),
                  (f"mean_wait_{name}_days", f"{sum(by_class[cls]) / len(by_class[cls]):.6f}"),
                  (f"theory_mean_wait_{name}_days", f"{theory:.6f}")]
    report("w1-priority-simpy " + simpy.__version__, clock, arrived, waits, len(officers.queue),
           extra=extra)


if __name__ == "__main__":
    main()
