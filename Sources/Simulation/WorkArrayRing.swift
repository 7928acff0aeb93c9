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
    fileprivate static var size: Int { 256 }
    // The slots live in a buffer the ring owns (see ``WorkArraySlots``): kept in an array, each
    // run paid that array's uniqueness check, bounds check and end of mutation (about 20
    // instructions) before the slot's own array was even reached.
    private let slots = WorkArraySlots()
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
        let slot = slots.base + next
        next = (next + 1) & (Self.size - 1)
        if slot.pointee.count != steps {
            slot.pointee = [Microseconds](repeating: Microseconds(each), count: steps)
        }
        // Writes in place when unique; copies (allocates) first while something holds it.
        slot.pointee.withUnsafeMutableBufferPointer { work in
            for index in 0..<(steps - 1) { work[index] = Microseconds(each) }
            work[steps - 1] = last
        }
        return slot.pointee
    }

    /// ``work(total:steps:)`` for one step, the usual case: the slot's one-element array is
    /// written through its own subscript, with no division, loop or buffer closure (about half
    /// the ring's cost per run).
    @inline(__always)
    private mutating func single(_ total: Int64) -> [Microseconds] {
        let slot = slots.base + next
        next = (next + 1) & (Self.size - 1)
        if slot.pointee.count == 1 {
            // Writes in place when unique; copies (allocates) first while something holds it.
            slot.pointee[0] = Microseconds(total)
        } else {
            slot.pointee = [Microseconds(total)]
        }
        return slot.pointee
    }
}

/// The ring's slots: a fixed buffer of arrays, allocated and freed with its owner. A class, so
/// that the buffer is freed once; copies of a ring share it, which changes no value handed out
/// (each call writes its slot's array, copy-on-write, before handing it out).
private final class WorkArraySlots {
    let base: UnsafeMutablePointer<[Microseconds]>

    init() {
        base = .allocate(capacity: WorkArrayRing.size)
        base.initialize(repeating: [], count: WorkArrayRing.size)
    }

    deinit {
        base.deinitialize(count: WorkArrayRing.size)
        base.deallocate()
    }
}
