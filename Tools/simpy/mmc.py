#!/usr/bin/env python3
"""The M/M/c queue in SimPy, as the yardstick for RunLedger's simulator speed and accuracy.

Poisson arrivals at rate lambda, c servers, exponential service with mean 1/mu; customers are
served FIFO. Prints one JSON object: customers, simulated mean wait, P(wait > 0), Erlang C's
values for the same queue, and the wall-clock customers per second.

Usage: mmc.py --servers 10 --rho 0.8 --customers 1000000 --seed 1
(Tools/bench sim runs it beside `runledger simulate` on the same model and reports the ratio.)
"""
import argparse, json, math, random, time

import simpy


def erlang_c(servers, offered):
    """Probability that an arrival waits, for offered load a = lambda/mu Erlangs."""
    term, total = 1.0, 1.0
    for k in range(1, servers):
        term *= offered / k
        total += term
    term *= offered / servers
    last = term * servers / (servers - offered)
    return last / (total + last)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", type=int, default=10)
    parser.add_argument("--rho", type=float, default=0.8)
    parser.add_argument("--service-mean-ms", type=float, default=1000.0)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    mu = 1.0 / args.service_mean_ms
    lam = args.rho * args.servers * mu
    rng = random.Random(args.seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=args.servers)
    waits = {"sum": 0.0, "positive": 0, "served": 0}

    def customer(env):
        arrived = env.now
        with servers.request() as request:
            yield request
            wait = env.now - arrived
            waits["sum"] += wait
            waits["positive"] += wait > 0
            waits["served"] += 1
            yield env.timeout(rng.expovariate(mu))

    def arrivals(env):
        for _ in range(args.customers):
            yield env.timeout(rng.expovariate(lam))
            env.process(customer(env))

    started = time.perf_counter()
    env.process(arrivals(env))
    env.run()
    seconds = time.perf_counter() - started

    offered = lam / mu
    probability_wait = erlang_c(args.servers, offered)
    print(json.dumps({
        "model": f"M/M/{args.servers}", "rho": args.rho, "customers": waits["served"],
        "mean_wait_ms": waits["sum"] / waits["served"],
        "probability_wait": waits["positive"] / waits["served"],
        "erlang_c_mean_wait_ms": probability_wait / (args.servers * mu - lam),
        "erlang_c_probability_wait": probability_wait,
        "seconds": seconds, "customers_per_second": waits["served"] / seconds,
        "simpy": simpy.__version__,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
