import Foundation
import Testing
import TestSupport

/// The architecture's rules, checked on the source text: layers import only downwards, the pure
/// modules touch no clock, no ambient randomness and no terminal, and only `LZ4` sees liblz4.
@Suite struct TidyTests {
    /// Each module's layer (ARCHITECTURE.md). A module may import only modules of lower layers.
    static let layers: [String: Int] = [
        "CLZ4": 0, "RunLifecycle": 0, "DiscreteEvent": 0,
        "LZ4": 1,
        "EventLog": 2, "Invariants": 2, "Traces": 2,
        "Journal": 3,
        "Simulation": 4,
        "Replay": 5, "Capacity": 5,
        "runledger": 6,
    ]

    /// Modules that must stay pure: no wall clock, no ambient randomness, no printing.
    static let pureModules: Set<String> = ["RunLifecycle", "DiscreteEvent", "Invariants", "Simulation", "Journal", "Traces", "Replay", "Capacity"]

    static func sources(of module: String) -> [(path: String, text: String)] {
        let directory = ExternalCommand.packageRoot + "/Sources/" + module
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var files: [(String, String)] = []
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let path = directory + "/" + relative
            files.append((path, (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    /// Lines of code with comments and string literals of a line removed, so prose does not count.
    static func codeLines(_ text: String) -> [(number: Int, code: String)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            var code = String(line)
            if let comment = code.range(of: "//") { code = String(code[..<comment.lowerBound]) }
            let trimmed = code.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("*") || trimmed.hasPrefix("///") { return nil }
            return (index + 1, code)
        }
    }

    /// Every `import` of a project module points to a lower layer.
    @Test(arguments: Array(layers.keys).filter { $0 != "CLZ4" }.sorted())
    func importsPointDownwards(module: String) {
        let layer = Self.layers[module]!
        for (path, text) in Self.sources(of: module) {
            for (number, code) in Self.codeLines(text) {
                let words = code.split(separator: " ").map(String.init)
                guard let importIndex = words.firstIndex(of: "import"), importIndex + 1 < words.count else { continue }
                let imported = words[importIndex + 1]
                guard let importedLayer = Self.layers[imported] else { continue }
                #expect(importedLayer < layer, "\(path):\(number): \(module) (layer \(layer)) imports \(imported) (layer \(importedLayer))")
                if imported == "CLZ4" { #expect(module == "LZ4", "\(path):\(number): only LZ4 may import CLZ4") }
            }
        }
    }

    /// The pure modules read no clock, draw no ambient randomness and print nothing; the domain
    /// does not even import Foundation.
    @Test(arguments: pureModules.sorted())
    func pureModulesUseNoBannedAPI(module: String) {
        let banned: [(pattern: String, why: String)] = [
            ("Date()", "reads the wall clock"),
            ("SystemRandomNumberGenerator", "draws ambient randomness"),
            ("DispatchTime.now", "reads the clock"),
            ("ContinuousClock", "reads the clock"),
            ("ProcessInfo", "reads the environment"),
            ("print(", "writes to the terminal"),
            ("FileHandle.standard", "writes to the terminal"),
        ]
        for (path, text) in Self.sources(of: module) {
            for (number, code) in Self.codeLines(text) {
                for rule in banned where Self.containsWord(code, rule.pattern) {
                    Issue.record("\(path):\(number): `\(rule.pattern)` \(rule.why); time, randomness and output are parameters")
                }
                if code.contains(".random(in:") && !code.contains("using:") {
                    Issue.record("\(path):\(number): `.random(in:)` without a generator")
                }
                if module == "RunLifecycle" && code.contains("import Foundation") {
                    Issue.record("\(path):\(number): RunLifecycle must not import Foundation")
                }
            }
        }
    }

    /// Whether `code` contains `pattern` not preceded by an identifier character, so that
    /// `print(` is found but `CheckerFootprint(` is not.
    static func containsWord(_ code: String, _ pattern: String) -> Bool {
        var searchStart = code.startIndex
        while let range = code.range(of: pattern, range: searchStart..<code.endIndex) {
            if range.lowerBound == code.startIndex { return true }
            let before = code[code.index(before: range.lowerBound)]
            if !(before.isLetter || before.isNumber || before == "_") { return true }
            searchStart = code.index(after: range.lowerBound)
        }
        return false
    }

    /// The tidy rules themselves can fail: a planted violation is found.
    @Test func theRulesCatchAPlantedViolation() {
        let lines = Self.codeLines("let now = Date() // fine in a comment: Date()\n/// Date() in docs")
        #expect(lines.filter { $0.code.contains("Date()") }.map(\.number) == [1])
        #expect(Self.containsWord("  print(x)", "print(") && Self.containsWord("Swift.print(x)", "print("))
        #expect(!Self.containsWord("CheckerFootprint(runs: 1)", "print("))
    }
}
