// The state digest is stable across processes and platforms, and sensitive to the profile.

import RunLifecycle
import Testing

@Suite struct StateDigestTests {
    // A pinned scenario has a pinned digest: the encoding is canonical FNV-1a, not Hasher, so
    // a journal replayed on another machine or toolchain must reproduce this number.
    @Test func goldenDigest() {
        let state = given(.langgraphInmem, slots: 2, create(1, at: 0), poll(at: 600), step(1, at: 700), create(1, .interrupt, at: 800)).state
        #expect(state.stateDigest == 3_229_214_629_932_850_751)
    }

    // The empty states of the two profiles differ, and FNV-1a of no input is its offset basis.
    @Test func digestCoversProfileAndConfiguration() {
        let documented = State.initial(profile: .documented, slots: 1)
        #expect(documented.stateDigest != State.initial(profile: .langgraphInmem, slots: 1).stateDigest)
        #expect(documented.stateDigest != State.initial(profile: .documented, slots: 2).stateDigest)
        #expect(FNV1a64().value == 0xcbf2_9ce4_8422_2325)
    }
}
