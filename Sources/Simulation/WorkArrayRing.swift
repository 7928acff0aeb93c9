// The step-duration arrays of create requests, reused. Every create request carries its steps
// in a fresh `[Microseconds]` (the command and the `created` event hold it), so each run cost a
// heap allocation and, once its event batch was handed to the sinks, a deallocation. The ring
// keeps a reference to each array it hands out; by the time it comes round to the same slot the
// batch that carried it is long gone, so the array is uniquely referenced again and is
// overwritten in place. If anything still holds it, copy-on-write makes a fresh one, as before:
// the values handed out are the same either way.

import RunLifecycle

/// Round-robin pool of step arrays for ``SimulationEngine/drawWork()``.
struct WorkArrayRing {
    /// Far more slots than runs created between two deliveries to the sinks (a batch of 256
    /// events spans about 30 runs), so a slot's previous array is normally free again.
    private static var size: Int { 256 }
    private var arrays = ContiguousArray<[Microseconds]>(repeating: [], count: Self.size)
    private var next = 0

    /// `total` split into `steps` durations, evenly, the remainder going to the last.
    // Inlined, with the one-step case: the call alone cost a quarter of the ring's work.
    @inline(__always)
    mutating func work(total: Int64, steps: Int) -> [Microseconds] {
        steps == 1 ? single(total) : split(total: total, steps: steps)
    }

    /// ``work(total:steps:)`` for several steps.
    @inline(never)
    private mutating func split(total: Int64, steps: Int) -> [Microseconds] {
        let each = total / Int64(steps)
        let last = Microseconds(total - each * Int64(steps - 1))
        let slot = next
        next = (next + 1) & (Self.size - 1)
        return arrays.withUnsafeMutableBufferPointer { ring in
            if ring[slot].count != steps {
                ring[slot] = [Microseconds](repeating: Microseconds(each), count: steps)
            }
            // Writes in place when unique; copies (allocates) first while something holds it.
            ring[slot].withUnsafeMutableBufferPointer { work in
                for index in 0..<(steps - 1) { work[index] = Microseconds(each) }
                work[steps - 1] = last
            }
            return ring[slot]
        }
    }

    /// ``work(total:steps:)`` for one step, the usual case: the slot's one-element array is
    /// written through the ring's own subscript, with no division, loop or buffer closure
    /// (about half the ring's cost per run).
    @inline(__always)
    private mutating func single(_ total: Int64) -> [Microseconds] {
        let slot = next
        next = (next + 1) & (Self.size - 1)
        if arrays[slot].count == 1 {
            // Writes in place when unique; copies (allocates) first while something holds it.
            arrays[slot][0] = Microseconds(total)
        } else {
            arrays[slot] = [Microseconds(total)]
        }
        return arrays[slot]
    }
}
