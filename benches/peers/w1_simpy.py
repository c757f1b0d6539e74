"""W1 in SimPy: M/M/5, 4.5 arrivals a day, exponential service with mean 1 day, until the
horizon (222,222 days: about a million arrivals), as benches/workloads/w1-mmc.toml."""
import random

import simpy

from common import (OFFICERS, RATE_PER_DAY, Clock, arguments, erlang_c_mean_wait, report)


def main():
    args = arguments(__doc__)
    clock = Clock()
    rng = random.Random(args.seed)
    env = simpy.Environment()
    officers = simpy.Resource(env, capacity=OFFICERS)
    waits = []
    arrived = 0

    def customer():
        now = env.now
        with officers.request() as request:
            yield request
            waits.append(env.now - now)
            yield env.timeout(rng.expovariate(1.0))

    def arrivals():
        nonlocal arrived
        while True:
            yield env.timeout(rng.expovariate(RATE_PER_DAY))
            arrived += 1
            env.process(customer())

    env.process(arrivals())
    env.run(until=args.horizon_days)
    report("w1-simpy " + simpy.__version__, clock, arrived, waits, len(officers.queue),
           extra=[("theory_mean_wait_days", f"{erlang_c_mean_wait():.6f}")])


if __name__ == "__main__":
    main()
