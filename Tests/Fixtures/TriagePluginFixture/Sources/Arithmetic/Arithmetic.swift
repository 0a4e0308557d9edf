/// The sum of two integers, correctly.
public func sum(_ a: Int, _ b: Int) -> Int { a + b }
