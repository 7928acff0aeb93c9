import RunLifecycle

// The journal's first record: enough to rebuild the initial state and the checker's
// configuration from the log alone (`runledger verify`).

/// The header record: format name, codec version, behaviour profile, slots, retries and
/// free-form metadata (seed, workload name...) in the order given.
public struct JournalHeader: Hashable, Sendable {
    /// One metadata entry.
    public struct Entry: Hashable, Sendable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The codec version the journal was written with.
    public internal(set) var codecVersion: UInt64 = JournalFormat.codecVersion
    /// The behaviour profile's name.
    public var profileName: String
    /// The profile's enabled quirks, so a profile unknown to the reader still rebuilds exactly.
    public var quirks: [Quirk]
    /// The worker slot count of the initial state.
    public var slotCount: Int
    /// `BG_JOB_MAX_RETRIES` of the initial state.
    public var maxRetries: UInt32
    /// Free-form key/values in the order given; keys are unique and non-empty.
    public var metadata: [Entry]

    public init(profile: BehaviourProfile, slotCount: Int, maxRetries: UInt32 = 3, metadata: [Entry] = []) {
        profileName = profile.name
        quirks = profile.quirks
        self.slotCount = slotCount
        self.maxRetries = maxRetries
        self.metadata = metadata
    }

    /// The behaviour profile the journal was written under.
    public var profile: BehaviourProfile { BehaviourProfile(name: profileName, quirks: quirks) }

    /// The state the journal's events fold from.
    public func initialState() -> State {
        .initial(profile: profile, slots: slotCount, maxRetries: maxRetries)
    }

    /// The value of metadata `key`, or nil.
    public subscript(metadata key: String) -> String? {
        metadata.first { $0.key == key }?.value
    }

    /// Why the header cannot be encoded (or, after decoding, why it is inconsistent), or nil.
    func problem() -> String? {
        let limit = JournalFormat.maximumHeaderStringBytes
        if profileName.utf8.count > limit { return "the profile name is longer than \(limit) bytes" }
        if slotCount < 0 || slotCount > JournalFormat.maximumSlotCount {
            return "slot count \(slotCount) is outside 0...\(JournalFormat.maximumSlotCount)"
        }
        for (index, quirk) in quirks.enumerated() where index > 0 && quirks[index - 1].rawValue >= quirk.rawValue {
            return "quirks are not strictly ascending"
        }
        if metadata.count > JournalFormat.maximumMetadataEntries {
            return "\(metadata.count) metadata entries, above \(JournalFormat.maximumMetadataEntries)"
        }
        for (index, entry) in metadata.enumerated() {
            if entry.key.isEmpty { return "metadata key \(index) is empty" }
            if entry.key.utf8.count > limit || entry.value.utf8.count > limit {
                return "metadata entry \(entry.key) is longer than \(limit) bytes"
            }
            if metadata[..<index].contains(where: { $0.key == entry.key }) {
                return "metadata key \(entry.key) appears twice"
            }
        }
        return nil
    }
}
