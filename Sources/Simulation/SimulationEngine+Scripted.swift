// Scripted mode's engine side: playing the server up to a command's time and deciding it there
// in the simulator's tie order, and keeping scripted commands aside until their agenda item.
import DiscreteEvent
import RunLifecycle

extension SimulationEngine {
    /// Plays the server up to `command.at`, then decides `command` at exactly that time. Items
    /// due at the same instant keep the simulator's tie order: workers report first, then the
    /// client, then the poller.
    mutating func perform(scripted command: Command) {
        let time = SimulatedTime(microsecondsSinceStart: command.at.microsecondsSinceEpoch)
        precondition(time >= kernel.now, "perform(scripted:) at \(time), before now (\(kernel.now))")
        while let entry = kernel.step(before: time) { perform(entry.payload) }
        // Same instant: worker reports (priority 0) go first; the poller's items (priority 2)
        // are put back behind the command, in their order.
        var later: [Action] = []
        while let entry = kernel.step(notAfter: time) {
            if entry.payload.priority < Action.scripted(0).priority {
                perform(entry.payload)
            } else {
                later.append(entry.payload)
            }
        }
        kernel.advance(to: time)
        perform(.scripted(keepScripted(command)))
        for action in later { schedule(action, at: time) }
        if case .idle = poller, !eventDriven { startPollIteration() }
    }

    /// Stores a command for a `.scripted` agenda item. Scripted commands may name any run at
    /// any time, so from now on the state forgets nothing.
    mutating func keepScripted(_ command: Command) -> UInt64 {
        forgetsSettledRuns = false
        // A scripted command may name any thread, even one of a generated run in flight.
        trackThreads()
        let key = nextScriptedCommand
        nextScriptedCommand += 1
        scriptedCommands[key] = command
        return key
    }

    /// Keeps the poller cycling until `time` even when nothing is pending.
    mutating func keepPolling(until time: Timestamp) {
        // `becameDue` only marks the queue as movable; in polling mode it changes nothing else.
        schedule(.becameDue, at: SimulatedTime(microsecondsSinceStart: max(time.microsecondsSinceEpoch, kernel.now.microsecondsSinceStart)))
        if case .idle = poller, !eventDriven { startPollIteration() }
    }
}
