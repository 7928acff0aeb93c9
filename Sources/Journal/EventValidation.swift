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

    @inline(__always)
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
            return "run \(checkpointed.runID.rawValue): step index \(step) is outside 0..<\(JournalFormat.maximumWorkSteps)"
        }
        return nil
    }
}
