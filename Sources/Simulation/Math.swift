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

/// `Int64(x.rounded())` (halves away from zero) without libm's `round`, a call of about 20
/// instructions made twice per customer: `x - trunc(x)` is exact for every double, so
/// correcting the truncation by that fraction gives the same integer for every `x` whose
/// rounding fits in `Int64`, and traps (in the conversion) for exactly the others.
@usableFromInline @inline(__always)
func roundedToInt64(_ x: Double) -> Int64 {
    let truncated = Int64(x)
    let fraction = x - Double(truncated)
    if fraction >= 0.5 { return truncated + 1 }
    if fraction <= -0.5 { return truncated - 1 }
    return truncated
}
