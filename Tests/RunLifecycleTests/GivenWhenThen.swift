// A tiny given/when/then harness for decider specs: given commands (or events), when one
// command, then exactly these events, and optionally checks on the resulting state.

import RunLifecycle
import Testing

/// A state reached by applying commands through `decide` + `evolve`.
struct Given {
    var state: State

    /// Decides `command` in this state and applies its events.
    func when(_ command: Command) -> When {
        let events = Decider.decide(command, state)
        var after = state
        for event in events { after.evolve(event) }
        return When(before: state, events: events, after: after)
    }

    /// Continues the setup with more commands.
    func and(_ commands: Command..., sourceLocation: SourceLocation = #_sourceLocation) -> Given {
        var given = self
        given.apply(commands, sourceLocation: sourceLocation)
        return given
    }

    fileprivate mutating func apply(_ commands: [Command], sourceLocation: SourceLocation) {
        for command in commands {
            let events = Decider.handle(command, &state)
            // A refused setup command is a mistake in the test, not a fact under test.
            #expect(
                !events.contains(where: { $0.isRefusal }), "setup command \(command) was refused: \(events)",
                sourceLocation: sourceLocation)
        }
    }
}

/// The outcome of the `when` command.
struct When {
    let before: State
    let events: [Event]
    let after: State

    /// Expects exactly `expected`, in order.
    @discardableResult
    func then(_ expected: [Event], sourceLocation: SourceLocation = #_sourceLocation) -> When {
        #expect(events == expected, sourceLocation: sourceLocation)
        return self
    }

    /// Runs checks on the state after the events.
    @discardableResult
    func thenState(sourceLocation: SourceLocation = #_sourceLocation, _ check: (State) -> Void) -> When {
        check(after)
        #expect(after.structuralViolations() == [], sourceLocation: sourceLocation)
        return self
    }

    /// Continues from the resulting state.
    var given: Given { Given(state: after) }
}

/// A setup: a fresh server under `profile` with `slots` workers, then `commands`.
func given(
    _ profile: BehaviourProfile, slots: Int = 1, _ commands: Command...,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Given {
    var given = Given(state: .initial(profile: profile, slots: slots))
    given.apply(commands, sourceLocation: sourceLocation)
    return given
}

/// A setup from raw events (as a journal would hold them).
func given(_ profile: BehaviourProfile, slots: Int = 1, events: [Event]) -> Given {
    Given(state: Decider.fold(events, from: .initial(profile: profile, slots: slots)))
}
