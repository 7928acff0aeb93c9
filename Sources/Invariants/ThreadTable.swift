// The checker's live threads, indexed by id. Thread ids are dense small numbers (the simulator
// and the importers number them from 1), so a plain array beats a Dictionary: no hashing, no
// rehash on growth, and iteration in id order for free (reports never depend on hash order).
import RunLifecycle

/// Live threads by id: a dense array for ids below ``denseLimit``, a dictionary above.
struct ThreadTable {
    private var dense: [ShadowThread?] = []
    private var sparse: [ThreadID: ShadowThread] = [:]
    /// Ids from here on go to the dictionary, so one huge id cannot allocate a huge array.
    static let denseLimit: UInt32 = 1 << 22

    subscript(id: ThreadID) -> ShadowThread? {
        get {
            let raw = id.rawValue
            if raw < Self.denseLimit { return Int(raw) < dense.count ? dense[Int(raw)] : nil }
            return sparse[id]
        }
        _modify {
            let raw = id.rawValue
            if raw < Self.denseLimit {
                let index = Int(raw)
                if index >= dense.count {
                    dense.append(contentsOf: repeatElement(nil, count: max(index + 1 - dense.count, dense.count)))
                }
                yield &dense[index]
            } else {
                yield &sparse[id]
            }
        }
    }

    /// Every live thread, ascending by id.
    var values: [ShadowThread] {
        dense.compactMap { $0 } + sparse.values.sorted { $0.id < $1.id }
    }
}
