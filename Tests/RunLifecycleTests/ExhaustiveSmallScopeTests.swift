// Small-scope hypothesis: every strategy × in-flight state at arrival × 1-3 threads, followed
// by every command sequence up to a bound over a small alphabet, explored breadth-first with
// states deduplicated by digest.

import RunLifecycle
import Testing

enum ArrivalSetup: CaseIterable, Sendable { case none, pending, delayedPending, running, severalPending }

struct ExhaustiveSmallScopeTests {
    /// The state before the arrival: the setup on T1, plus one pending run on each extra thread.
    func setupState(_ profile: BehaviourProfile, _ setup: ArrivalSetup, threads: Int) -> State {
        var state = State.initial(profile: profile, slots: 2)
        var commands: [Command] = []
        switch setup {
        case .none: break
        case .pending: commands = [create(1, at: 0, steps: 1)]
        case .delayedPending: commands = [create(1, at: 0, steps: 1, after: 50)]
        case .running: commands = [create(1, at: 0, steps: 1), poll(at: 1)]
        case .severalPending: commands = [create(1, at: 0, steps: 1), create(1, at: 1, steps: 1)]
        }
        for thread in UInt32(2)...UInt32(max(2, threads)) where thread <= threads {
            commands.append(create(thread, at: 2, steps: 1))
        }
        for command in commands { Decider.handle(command, &state) }
        return state
    }

    /// The alphabet at time `now`: every command kind against every run id the state may know.
    func alphabet(_ state: State, now: Int64) -> [Command] {
        let runIDs = (1..<state.nextRunID.rawValue).map(RunID.init)
        var commands: [Command] = [
            poll(at: now, limit: 2), .serverRestart(at: ms(now)),
            create(1, .rollback, at: now, steps: 1), create(1, .interrupt, at: now, steps: 1),
        ]
        for runID in runIDs {
            let run = runID.rawValue
            commands += [
                step(run, at: now), finish(run, at: now), finish(run, .error, at: now), .retry(run: runID, at: ms(now)),
                cancel(run, .interrupt, at: now), cancel(run, .rollback, at: now), cancel(run, .rollback, wait: true, at: now),
                stopped(run, at: now), join(run, at: now), .subscribe(run: runID, at: ms(now)), delete(run, at: now),
            ]
        }
        return commands
    }

    /// Structural properties every reachable state must have, plus the decider's contract.
    func checkStep(_ command: Command, from state: State, events: [Event], to next: State) {
        #expect(next.structuralViolations() == [], "after \(command) from digest \(state.stateDigest)")
        for event in events where event.isRefusal {
            var copy = state
            copy.evolve(event)
            #expect(copy == state, "refusal \(event) changed the state")
        }
        #expect(Decider.decide(command, state) == events, "decide is not deterministic")
        if state.profile == .documented {
            #expect(next.documentedConsistencyViolations() == [], "documented promise broken by \(command)")
        }
    }

    // Every strategy arriving on every in-flight setup with 1-3 threads, then every sequence of
    // up to 3 further commands: invariants hold, evolve never traps, rejects change nothing,
    // and (documented) the thread status always agrees with its runs.
    @Test(arguments: bothProfiles) func exploreSmallScope(profile: BehaviourProfile) {
        var visited = Set<UInt64>()
        var statesChecked = 0
        var inmemInconsistencies = 0
        for setup in ArrivalSetup.allCases {
            for threads in 1...3 {
                for strategy in MultitaskStrategy.allCases {
                    let base = setupState(profile, setup, threads: threads)
                    let arrival = create(1, strategy, at: 10, steps: 1)
                    let arrivalEvents = Decider.decide(arrival, base)
                    var state = base
                    for event in arrivalEvents { state.evolve(event) }
                    checkStep(arrival, from: base, events: arrivalEvents, to: state)
                    if strategy == .reject, case .rejected = arrivalEvents.last {
                        #expect(profile.has(.busyBeforeRejectCheck) || state == base)
                    }
                    var frontier = [state]
                    for depth in 1...2 {
                        var nextFrontier: [State] = []
                        for current in frontier {
                            for command in alphabet(current, now: 10 + Int64(depth) * 100) {
                                let events = Decider.decide(command, current)
                                var next = current
                                for event in events { next.evolve(event) }
                                checkStep(command, from: current, events: events, to: next)
                                statesChecked += 1
                                if !next.documentedConsistencyViolations().isEmpty { inmemInconsistencies += 1 }
                                if visited.insert(next.stateDigest).inserted { nextFrontier.append(next) }
                            }
                        }
                        frontier = nextFrontier
                    }
                }
            }
        }
        #expect(statesChecked > 10_000)
        // The quirks are reachable in this scope: the exploration can tell the profiles apart.
        if profile == .langgraphInmem { #expect(inmemInconsistencies > 0) }
    }
}
