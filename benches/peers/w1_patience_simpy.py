"""W1 with patience in SimPy (M/M/5+M, Erlang A): each customer leaves if no officer has started
on them within an exponential patience of mean 2 days, as benches/workloads/w1-patience.toml."""
import random

import simpy

from common import (OFFICERS, PATIENCE_MEAN_DAYS, RATE_PER_DAY, Clock, arguments, erlang_a,
                    report)


def main():
    args = arguments(__doc__)
    clock = Clock()
    rng = random.Random(args.seed)
    env = simpy.Environment()
    officers = simpy.Resource(env, capacity=OFFICERS)
    waits = []
    arrived = abandoned = 0

    def customer():
        nonlocal abandoned
        now = env.now
        patience = rng.expovariate(1.0 / PATIENCE_MEAN_DAYS)
        with officers.request() as request:
            got = yield request | env.timeout(patience)
            if request not in got:
                abandoned += 1
                return
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
    share, served_wait = erlang_a()
    report("w1-patience-simpy " + simpy.__version__, clock, arrived, waits, len(officers.queue),
           abandoned, extra=[("abandoned_share", f"{abandoned / arrived:.6f}"),
                             ("theory_abandoned_share", f"{share:.6f}"),
                             ("theory_mean_wait_days", f"{served_wait:.6f}")])


if __name__ == "__main__":
    main()
