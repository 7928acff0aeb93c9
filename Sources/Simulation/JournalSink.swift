// Journals every simulated event. The simulator's ids are dense numbers with no external
// names, so the journal needs no definitions: the header says how to rebuild the initial
// state and the checker, the events follow in order.
import Journal
import RunLifecycle

/// Appends every event to a ``JournalWriter``. A sink cannot throw from inside the simulation
/// loop, so the first error is kept, later events are dropped, and the caller checks ``error``
/// once the simulation stops.
public struct JournalSink: EventSink {
    /// The writer; closed by ``finish(drained:)``.
    public let writer: JournalWriter
    /// The first error the writer threw, if any.
    public private(set) var error: (any Error)?

    public init(writer: JournalWriter) {
        self.writer = writer
    }

    public mutating func receive(_ event: Event, sequence: UInt64) {
        guard error == nil else { return }
        do { try writer.append(event) } catch { self.error = error }
    }

    /// The whole batch in one call: the writer encodes it in one loop.
    public mutating func receive(contentsOf events: UnsafeMutableBufferPointer<Event>, firstSequence: UInt64) {
        guard error == nil else { return }
        do { try writer.append(contentsOf: UnsafeBufferPointer(events)) } catch { self.error = error }
    }

    /// Flushes and closes the log.
    public mutating func finish(drained: Bool) {
        do { try writer.close() } catch { if self.error == nil { self.error = error } }
    }
}

extension WorkloadSpec {
    /// The journal header of a simulation of this spec: enough for `runledger verify` to
    /// rebuild the initial state and the checker, and for a reader to rerun the simulation.
    public func journalHeader(seed: UInt64, workloadName: String) -> JournalHeader {
        var metadata: [JournalHeader.Entry] = [
            .init(key: "generator", value: "runledger simulate"),
            .init(key: "workload", value: String(workloadName.prefix(256))),
            .init(key: "seed", value: String(seed)),
            .init(key: "poll_interval_us", value: String(server.pollIntervalMilliseconds * 1_000)),
        ]
        if let restarts = server.restarts {
            metadata.append(.init(key: "restart_downtime_us", value: String(restarts.downtimeMicroseconds)))
        }
        switch length {
        case .runs(let count): metadata.append(.init(key: "runs", value: String(count)))
        case .durationMilliseconds(let duration): metadata.append(.init(key: "duration_ms", value: String(duration)))
        }
        return JournalHeader(
            profile: server.profile, slotCount: server.slots, maxRetries: server.maxRetries, metadata: metadata)
    }
}
