import RunLifecycle

// The paired check: the writer runs it before encoding, the decoder after decoding. An event
// that passes encodes without loss, and one that decodes passes it again.

extension JournalCodec {
    /// Why `event` cannot be journalled, or nil when it can.
    public static func problem(in event: Event) -> String? {
        switch event {
        case let .threadCreated(thread, _, _, _):
            if thread.rawValue == 0 { return "thread ids start at 1" }
        case let .created(created):
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
        case let .rejected(_, _, .threadBusy(inFlight), _):
            if inFlight.count > JournalFormat.maximumRejectedRuns {
                return "a rejection lists \(inFlight.count) runs, above \(JournalFormat.maximumRejectedRuns)"
            }
            for (index, run) in inFlight.enumerated() where index > 0 && inFlight[index - 1] >= run {
                return "a rejection's in-flight runs are not strictly ascending"
            }
        case let .checkpointed(checkpointed):
            if let step = checkpointed.stepIndex, step < 0 || step >= JournalFormat.maximumWorkSteps {
                return "run \(checkpointed.runID.rawValue): step index \(step) is outside 0..<\(JournalFormat.maximumWorkSteps)"
            }
        case .rejected, .started, .succeeded, .failed, .timedOut, .retried, .interrupted, .rolledBack,
            .deleted, .workerStopped, .subscribed, .unsubscribed, .joinAnswered, .threadStatusChanged,
            .threadValuesCached, .threadDeleted, .cancelRefused, .commandRefused, .serverRestarted:
            break
        }
        return nil
    }
}
