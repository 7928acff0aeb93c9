// ISO-8601 times become exact microseconds since the Unix epoch; malformed ones are refused.

import Testing
@testable import Traces

@Suite struct ISOTimestampTests {
    /// Known instants, checked against `date -u -d … +%s`, come out exact to the microsecond, and
    /// the two suffixes the server writes (`Z` and `+00:00`) name the same instant.
    @Test func parsesBothSuffixesExactly() {
        #expect(ISOTimestamp.microseconds("1970-01-01T00:00:00Z") == 0)
        #expect(ISOTimestamp.microseconds("2026-11-21T13:52:22.905063Z") == 1_795_269_142_905_063)
        #expect(ISOTimestamp.microseconds("2026-11-21T13:52:22.905063+00:00") == 1_795_269_142_905_063)
        #expect(ISOTimestamp.microseconds("2024-02-29T23:59:59.999999Z") == 1_709_251_199_999_999)
        #expect(ISOTimestamp.microseconds("2000-03-01T00:00:00.5Z") == 951_868_800_500_000)
        #expect(ISOTimestamp.microseconds("1969-12-31T23:59:59.000001Z") == -999_999)
        // An offset is applied; digits past the microsecond are truncated.
        #expect(ISOTimestamp.microseconds("2026-11-21T15:52:22.905063+02:00") == 1_795_269_142_905_063)
        #expect(ISOTimestamp.microseconds("2026-11-21T13:52:22.905063999Z") == 1_795_269_142_905_063)
        #expect(ISOTimestamp.microseconds(Array("2026-11-21 13:52:22Z".utf8)) == 1_795_269_142_000_000)
    }

    /// Impossible dates, wrong separators, missing zones, bad fractions and trailing bytes are
    /// refused rather than guessed.
    @Test(arguments: [
        "", "2026-11-21", "2026-11-21T13:52:22", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T13:60:00Z", "2026-11-21T13:52:60Z",
        "2026-11-21T13:52:22.Z", "2026-11-21T13:52:22.1234567890Z", "2026/11/21T13:52:22Z",
        "2026-11-21T13:52:22+0000", "2026-11-21T13:52:22Zx", "2026-11-21T13:52:22+00:00 ", "2O26-11-21T13:52:22Z",
        "2026-11-21T13:52:22 Z", "2026-00-10T13:52:22Z", "2026-11-00T13:52:22Z",
    ])
    func rejectsMalformedTimes(text: String) {
        #expect(ISOTimestamp.microseconds(text) == nil)
    }
}
