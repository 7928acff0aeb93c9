@testable import EventLog
import PropertyBased
import Testing

/// The writer's pending output: blocks are built in room handed out past the bytes in use, and
/// only the bytes an `extend` takes become output. Growing must keep every byte in use.
@Suite struct BlockOutputTests {
    // Each step asks for room, writes a pattern into all of it, and keeps a prefix; the output
    // must equal the kept prefixes in order, through growth from a tiny capacity and clearing.
    @Test func keptRoomIsTheOutput() async {
        let step = zip(Gen.int(in: 0...300), Gen.int(in: 0...300), Gen.int(in: 0...9))
        await propertyCheck(count: 100, input: step.array(of: 1...40)) { steps in
            var output = BlockOutput(capacity: 1)
            defer { output.deallocate() }
            var model: [UInt8] = []
            for (index, (asked, keptWish, clear)) in steps.enumerated() {
                if clear == 0 {
                    output.removeAll()
                    model.removeAll()
                }
                let kept = min(keptWish, asked)
                let room = output.room(asked)
                let pattern = (0..<asked).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
                for (offset, byte) in pattern.enumerated() { room.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self) }
                output.extend(by: kept)
                model += pattern.prefix(kept)
            }
            #expect(Array(output.bytes) == model)
            #expect(output.count == model.count)
            #expect(output.isEmpty == model.isEmpty)
        }
    }
}
