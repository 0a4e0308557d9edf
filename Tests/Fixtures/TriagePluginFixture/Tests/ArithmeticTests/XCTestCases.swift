import Arithmetic
import XCTest

final class SumXCTests: XCTestCase {
    func testSumPasses() {
        XCTAssertEqual(sum(2, 2), 4)
    }

    /// Fails on purpose: the smoke test expects `swift package triage` to name this test.
    func testSumFailsOnPurpose() {
        XCTAssertEqual(sum(2, 2), 5, "the fixture's deliberate failure")
    }
}
