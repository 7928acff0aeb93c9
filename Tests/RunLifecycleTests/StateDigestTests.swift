// The state digest is stable across processes and platforms, and sensitive to the profile.

import RunLifecycle
import Testing

@Suite struct StateDigestTests {
    // A pinned scenario has a pinned digest: the encoding is canonical FNV-1a, not Hasher, so
    // a journal replayed on another machine or toolchain must reproduce this number. (It changed
    // once, when runs stopped storing their step durations: the digest mixes the step count.)
    @Test func goldenDigest() {
        let state = given(.langgraphInmem, slots: 2, create(1, at: 0), poll(at: 600), step(1, at: 700), create(1, .interrupt, at: 800)).state
        #expect(state.stateDigest == 1_104_656_726_004_372_399)
    }

    // The empty states of the two profiles differ, and FNV-1a of no input is its offset basis.
    @Test func digestCoversProfileAndConfiguration() {
        let documented = State.initial(profile: .documented, slots: 1)
        #expect(documented.stateDigest != State.initial(profile: .langgraphInmem, slots: 1).stateDigest)
        #expect(documented.stateDigest != State.initial(profile: .documented, slots: 2).stateDigest)
        #expect(FNV1a64().value == 0xcbf2_9ce4_8422_2325)
    }
}
