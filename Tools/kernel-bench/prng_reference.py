#!/usr/bin/env python3
"""Independent reference for the DiscreteEvent PRNG golden values.

A line-by-line transcription of the public-domain C reference code by Vigna and Blackman
(splitmix64.c and xoshiro256starstar.c at prng.di.unimi.it), plus the draw helpers as the
Swift code defines them (top 53 bits for doubles, Lemire's method for bounded integers).
It shares no code with the Swift implementation, so agreement means both follow the algorithm.
Run: python3 Tools/kernel-bench/prng_reference.py
"""
MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro:
    def __init__(self, s):
        self.s = list(s)

    @classmethod
    def seeded(cls, seed):
        state, out = seed, []
        for _ in range(4):
            state, z = splitmix64(state)
            out.append(z)
        return cls(out)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def _jump_with(self, table):
        acc = [0, 0, 0, 0]
        for word in table:
            for b in range(64):
                if word & (1 << b):
                    for i in range(4):
                        acc[i] ^= self.s[i]
                self.next()
        self.s = acc

    def jump(self):
        self._jump_with([0x180EC6D33CFD0ABA, 0xD5A61266F0C9392C, 0xA9582618E03FC9AA, 0x39ABDC4529B1661C])

    def long_jump(self):
        self._jump_with([0x76E15D3EFEFDCBBF, 0xC5004E441C522FB3, 0x77710069854EE241, 0x39109BB02ACBE635])

    def next_double(self):
        return (self.next() >> 11) * 2.0 ** -53

    def next_int_below(self, bound):
        # Lemire, "Fast Random Integer Generation in an Interval" (2019), 64-bit variant.
        m = self.next() * bound
        low = m & MASK
        if low < bound:
            threshold = ((1 << 64) - bound) % bound
            while low < threshold:
                m = self.next() * bound
                low = m & MASK
        return m >> 64


def main():
    state, outs = 1234567, []
    for _ in range(5):
        state, z = splitmix64(state)
        outs.append(z)
    print("splitmix64 seed 1234567:", outs)
    state, outs = 0, []
    for _ in range(3):
        state, z = splitmix64(state)
        outs.append(z)
    print("splitmix64 seed 0:", outs)

    g = Xoshiro([1, 2, 3, 4])
    print("xoshiro256** state (1,2,3,4):", [g.next() for _ in range(8)])

    g = Xoshiro.seeded(42)
    print("xoshiro256** seeded 42 state:", [hex(x) for x in g.s])
    print("xoshiro256** seeded 42:", [g.next() for _ in range(5)])

    g = Xoshiro([1, 2, 3, 4]); g.jump()
    print("jump from (1,2,3,4):", [hex(x) for x in g.s])
    g = Xoshiro([1, 2, 3, 4]); g.long_jump()
    print("long jump from (1,2,3,4):", [hex(x) for x in g.s])

    g = Xoshiro.seeded(7)
    print("seeded 7 nextDouble:", [repr(g.next_double()) for _ in range(4)])
    g = Xoshiro.seeded(7)
    print("seeded 7 nextInt(below: 10):", [g.next_int_below(10) for _ in range(12)])
    g = Xoshiro.seeded(7)
    print("seeded 7 nextInt(below: 2**62 + 1) (rejects about a quarter of draws):",
          [g.next_int_below(2 ** 62 + 1) for _ in range(8)])
    g = Xoshiro.seeded(7)
    rejections, bound = 0, 2 ** 62 + 1
    threshold = ((1 << 64) - bound) % bound
    for _ in range(8):
        while True:
            m = g.next() * bound
            if (m & MASK) >= threshold or (m & MASK) >= bound:
                break
            rejections += 1
    print("  rejections among those draws:", rejections)


if __name__ == "__main__":
    main()
