// The few libm functions the client model needs, behind names that say what they compute.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `log(1 - u)`, accurate for small `u`; finite for `u` in [0, 1).
@inline(__always) func log1pNegative(_ uniform: Double) -> Double { log1p(-uniform) }

/// `sin(x)`.
@inline(__always) func sine(_ x: Double) -> Double { sin(x) }

/// `exp(x)`.
@inline(__always) func exponential(_ x: Double) -> Double { exp(x) }
