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
    mutating func work(total: Int64, steps: Int) -> [Microseconds] {
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
}
