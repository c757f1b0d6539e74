"""W4 in SimPy: the court network of benches/workloads/w4-court.toml. New cases arrive as a
Poisson stream at a filing port that calls its whole list once a day (at midnight) and sends
everyone on to the court; the court starts with 3.6 million pending cases, decides 3,450 a
weekday first in, first out, and sends each to one of three outcomes (30/50/20). --scale
multiplies the pending cases, the new cases and the court's capacity (1 is the full model)."""
import argparse
import collections
import random
import resource
import time

import simpy

PENDING = 3_600_000
NEW_PER_DAY = 3561.64
DECIDED_PER_WEEKDAY = 3450
HORIZON_DAYS = 1826
FIRST_WEEKDAY = 2  # 2024-05-01 was a Wednesday (Monday = 0)
SHARES = (0.3, 0.5, 0.2)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    rng = random.Random(args.seed)
    env = simpy.Environment()
    filing = collections.deque()
    court = collections.deque([0.0] * round(PENDING * args.scale))
    outcomes = [0, 0, 0]
    times = []
    arrived = len(court)

    def new_cases():
        nonlocal arrived
        rate = NEW_PER_DAY * args.scale
        while True:
            yield env.timeout(rng.expovariate(rate))
            arrived += 1
            filing.append(env.now)

    def filing_calls():
        while True:
            while filing:
                court.append(filing.popleft())
            yield env.timeout(1.0)

    def court_days():
        capacity = round(DECIDED_PER_WEEKDAY * args.scale)
        day = 0
        while True:
            if (FIRST_WEEKDAY + day) % 7 < 5:
                for _ in range(min(capacity, len(court))):
                    joined = court.popleft()
                    times.append(env.now - joined)
                    draw = rng.random()
                    outcomes[0 if draw < SHARES[0] else 1 if draw < SHARES[0] + SHARES[1] else 2] += 1
            day += 1
            yield env.timeout(1.0)

    env.process(new_cases())
    env.process(filing_calls())
    env.process(court_days())
    env.run(until=HORIZON_DAYS)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"program: w4-court-simpy {simpy.__version__}")
    print(f"arrived: {arrived}")
    print(f"decided: {sum(outcomes)}")
    print(f"pending_at_end: {len(court) + len(filing)}")
    print(f"mean_time_days: {sum(times) / max(len(times), 1):.6f}")
    print(f"seconds: {seconds:.3f}")
    print(f"peak_memory_mb: {peak_mb:.1f}")


if __name__ == "__main__":
    main()
