import RunLifecycle

// The paired check: the writer runs it before encoding, the decoder after decoding. An event
// that passes encodes without loss, and one that decodes passes it again. One check per event
// layout that has something to check; the encoder calls the one of the case it is encoding,
// so writing an event dispatches on its kind once.

extension JournalCodec {
    /// Why `event` cannot be journalled, or nil when it can.
    public static func problem(in event: Event) -> String? {
        switch event {
        case let .threadCreated(thread, _, _, _):
            return problem(inCreatedThread: thread)
        case let .created(created):
            return problem(in: created)
        case let .rejected(_, _, .threadBusy(inFlight), _):
            return problem(inRejectedRuns: inFlight)
        case let .checkpointed(checkpointed):
            return problem(in: checkpointed)
        case .rejected, .started, .succeeded, .failed, .timedOut, .retried, .interrupted, .rolledBack,
            .deleted, .workerStopped, .subscribed, .unsubscribed, .joinAnswered, .threadStatusChanged,
            .threadValuesCached, .threadDeleted, .cancelRefused, .commandRefused, .serverRestarted:
            return nil
        }
    }

    @inline(__always)
    static func problem(inCreatedThread thread: ThreadID) -> String? {
        thread.rawValue == 0 ? "thread ids start at 1" : nil
    }

    @inline(__always)
    static func problem(in created: RunCreated) -> String? {
        passesCheck(created) ? nil : describeProblem(in: created)
    }

    /// Whether `created` passes its check (``problem(in:)`` is nil): the encoder's check, the
    /// conditions alone. The message (string building, many blocks) is built out of line, so
    /// that the encoder stays small enough to be inlined into the log's loop.
    /// One test and branch per condition, each almost never taken: folded into one value with
    /// no branch, the conditions cost eight instructions more per event (callgrind, 100k customers).
    @inline(__always)
    static func passesCheck(_ created: RunCreated) -> Bool {
        if created.runID.rawValue == 0 { return false }
        if created.threadID.rawValue == 0 { return false }
        let (sum, overflow) = created.requestedAt.microsecondsSinceEpoch.addingReportingOverflow(created.after.count)
        if overflow { return false }
        if sum != created.createdAt.microsecondsSinceEpoch { return false }
        if created.work.count > JournalFormat.maximumWorkSteps { return false }
        for step in created.work where step.count < 0 { return false }
        return true
    }

    /// Why the event at `event` fails its check, for an event that does. Takes the event's
    /// address: an event passed by value would be copied (its step list retained) every time.
    @inline(never)
    static func problem(ofEventAt event: UnsafePointer<Event>) -> String {
        problem(in: event.pointee) ?? "the event failed its check"
    }

    /// Why `created` fails its check (nil when it passes).
    @inline(never)
    static func describeProblem(in created: RunCreated) -> String? {
        if created.runID.rawValue == 0 { return "run ids start at 1" }
        if created.threadID.rawValue == 0 { return "thread ids start at 1" }
        let (sum, overflow) = created.requestedAt.microsecondsSinceEpoch.addingReportingOverflow(created.after.count)
        if overflow || sum != created.createdAt.microsecondsSinceEpoch {
            return "run \(created.runID.rawValue): createdAt \(created.createdAt) is not requestedAt \(created.requestedAt) + after \(created.after)"
        }
        if created.work.count > JournalFormat.maximumWorkSteps {
            return "run \(created.runID.rawValue) lists \(created.work.count) steps, above \(JournalFormat.maximumWorkSteps)"
        }
        for step in created.work where step.count < 0 {
            return "run \(created.runID.rawValue) has a negative step duration \(step)"
        }
        return nil
    }

    /// The check of a rejection's runs (out of line: rejections are rare, their check loops).
    @inline(never)
    static func problem(inRejectedRuns inFlight: [RunID]) -> String? {
        if inFlight.count > JournalFormat.maximumRejectedRuns {
            return "a rejection lists \(inFlight.count) runs, above \(JournalFormat.maximumRejectedRuns)"
        }
        for (index, run) in inFlight.enumerated() where index > 0 && inFlight[index - 1] >= run {
            return "a rejection's in-flight runs are not strictly ascending"
        }
        return nil
    }

    @inline(__always)
    static func problem(in checkpointed: Checkpointed) -> String? {
        if let step = checkpointed.stepIndex, step < 0 || step >= JournalFormat.maximumWorkSteps {
            return describeProblem(inStep: step, of: checkpointed.runID)
        }
        return nil
    }

    @inline(never)
    static func describeProblem(inStep step: Int, of run: RunID) -> String {
        "run \(run.rawValue): step index \(step) is outside 0..<\(JournalFormat.maximumWorkSteps)"
    }
}
