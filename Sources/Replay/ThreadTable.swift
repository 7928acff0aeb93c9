// Dense thread ids for the model, numbered from 1 in the order the trace first names a thread in
// a create, with per-thread bookkeeping for start order. Unlike `IDInterner` it forgets a thread
// the trace has left idle, so a long trace does not keep every thread it ever used.
import RunLifecycle

/// The threads the replay knows, by external id and by dense id.
struct ThreadTable {
    private var byName: [String: ThreadID] = [:]
    private var entries: [ThreadID: Entry] = [:]
    private var nextID: UInt32 = 1

    struct Entry {
        var name: String
        /// Runs on the thread the replay still holds (created in the feed, not yet forgotten).
        var runs = 0
        /// The run that started last on the thread, recorded and simulated (index and name).
        var lastRecordedStart: (index: Int, name: String)?
        var lastModelStart: (index: Int, name: String)?
        /// When the thread's last run was forgotten (trace time), while it has none.
        var idleSince: Timestamp?
    }

    var count: Int { entries.count }
    /// Entries stored, by name or by id (the two agree unless one leaks).
    var storedCount: Int { max(byName.count, entries.count) }

    /// The dense id of `name`, assigning the next one on first sight; counts one more run.
    mutating func intern(_ name: String) -> ThreadID {
        if let id = byName[name] {
            Self.addRun(&entries[id])
            return id
        }
        precondition(nextID < UInt32.max, "more threads than ThreadID can number")
        let id = ThreadID(nextID)
        nextID += 1
        byName[name] = id
        entries[id] = Entry(name: name, runs: 1)
        return id
    }

    private static func addRun(_ entry: inout Entry?) {
        entry?.runs += 1
        entry?.idleSince = nil
    }

    func existing(_ name: String) -> ThreadID? { byName[name] }

    func name(of id: ThreadID) -> String? { entries[id]?.name }

    subscript(id: ThreadID) -> Entry? {
        get { entries[id] }
        set { entries[id] = newValue }
    }

    /// A run of the thread was forgotten. Returns true when the thread has no run left.
    mutating func runForgotten(on id: ThreadID, at time: Timestamp) -> Bool {
        guard var entry = entries[id] else { return false }
        entry.runs -= 1
        if entry.runs == 0 { entry.idleSince = time }
        entries[id] = entry
        return entry.runs == 0
    }

    /// Forgets the thread if it is still idle since `since` and both sides agree on which run
    /// started last on it (so a later run's predecessor would compare the same either way).
    mutating func forgetIfIdle(_ id: ThreadID, since: Timestamp) -> Bool {
        guard let entry = entries[id], entry.runs == 0, entry.idleSince == since,
              entry.lastRecordedStart?.index == entry.lastModelStart?.index
        else { return false }
        entries[id] = nil
        byName[entry.name] = nil
        return true
    }
}
