import DiscreteEvent

/// One step of a random agenda workout. Small time and priority ranges force many ties, which
/// is where an ordering bug would hide.
enum AgendaOperation: CustomStringConvertible {
    case insert(time: Int64, priority: Int)
    /// ``Agenda/insertAside(_:at:priority:)``: beside the heap if nothing is there, else in it.
    case insertAside(time: Int64, priority: Int)
    case pop
    /// Cancels the pending item at this index (modulo the pending count) of the model's list.
    case cancel(pick: Int)

    /// Decodes a generated triple; opcodes 0–4 insert, 5–7 pop, 8–9 cancel, 10 inserts aside.
    init(opcode: Int, a: Int, b: Int) {
        switch opcode {
        case 0...4: self = .insert(time: Int64(a), priority: b)
        case 5...7: self = .pop
        case 8...9: self = .cancel(pick: a * 3 + b)
        default: self = .insertAside(time: Int64(a), priority: b)
        }
    }

    var description: String {
        switch self {
        case .insert(let time, let priority): "insert(t\(time), p\(priority))"
        case .insertAside(let time, let priority): "insertAside(t\(time), p\(priority))"
        case .pop: "pop"
        case .cancel(let pick): "cancel(\(pick))"
        }
    }
}

/// Runs `operations` on an Agenda and on a sorted-array model that shares none of its logic,
/// checking the agenda's invariants after every operation.
///
/// - Returns: nil when the two agree throughout, else a description of the first divergence.
func replayAgainstSortedModel(_ operations: [AgendaOperation]) -> String? {
    var agenda = Agenda<Int>()
    // The model: pending items as (time, priority, sequence, payload), kept sorted by the same
    // lexicographic key through the standard library's sort, never through the heap.
    var model: [(time: Int64, priority: Int, sequence: UInt64, payload: Int)] = []
    var handles: [UInt64: AgendaHandle] = [:]
    var nextSequence: UInt64 = 0
    for (step, operation) in operations.enumerated() {
        switch operation {
        case .insert(let time, let priority), .insertAside(let time, let priority):
            let payload = step
            let at = SimulatedTime(microsecondsSinceStart: time)
            let handle: AgendaHandle
            if case .insertAside = operation {
                handle = agenda.insertAside(payload, at: at, priority: priority)
            } else {
                handle = agenda.insert(payload, at: at, priority: priority)
            }
            if handle.sequence != nextSequence {
                return "step \(step) \(operation): handle \(handle) but model expected #\(nextSequence)"
            }
            handles[nextSequence] = handle
            model.append((time, priority, nextSequence, payload))
            model.sort { ($0.time, $0.priority, $0.sequence) < ($1.time, $1.priority, $1.sequence) }
            nextSequence += 1
        case .pop:
            let popped = agenda.popFirst()
            let expected = model.isEmpty ? nil : model.removeFirst()
            switch (popped, expected) {
            case (nil, nil):
                break
            case (let popped?, let expected?):
                if popped.time.microsecondsSinceStart != expected.time || popped.priority != expected.priority
                    || popped.handle.sequence != expected.sequence || popped.payload != expected.payload
                {
                    return "step \(step) pop: got (t\(popped.time), p\(popped.priority), \(popped.handle))"
                        + " but model expected (t\(expected.time), p\(expected.priority), #\(expected.sequence))"
                }
            case (let popped?, nil):
                return "step \(step) pop: got \(popped.handle) from an agenda the model says is empty"
            case (nil, let expected?):
                return "step \(step) pop: got nil but model expected #\(expected.sequence)"
            }
        case .cancel(let pick):
            guard !model.isEmpty else { continue }
            let victim = model.remove(at: pick % model.count)
            agenda.cancel(handles[victim.sequence]!)
        }
        agenda.checkInvariants()
        if agenda.count != model.count {
            return "step \(step) \(operation): count \(agenda.count) but model has \(model.count)"
        }
        if agenda.peek()?.handle.sequence != model.first?.sequence {
            return "step \(step) \(operation): peek \(String(describing: agenda.peek()?.handle))"
                + " but model expects \(String(describing: model.first?.sequence))"
        }
    }
    return nil
}
