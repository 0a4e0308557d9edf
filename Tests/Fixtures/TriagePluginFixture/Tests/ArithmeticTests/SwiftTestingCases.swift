import Arithmetic
import Testing

@Test func sumIsCommutative() {
    #expect(sum(3, 4) == sum(4, 3))
}

/// Fails on purpose, like `SumXCTests.testSumFailsOnPurpose`.
@Test func sumOverflowsOnPurpose() {
    #expect(sum(1, 1) == 3, "the fixture's deliberate swift-testing failure")
}
