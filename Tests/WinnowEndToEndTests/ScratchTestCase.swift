import WinnowTestSupport
import XCTest

/// A test case whose scratch folder (made by the subclass's `setUp`) goes with each test.
///
/// XCTest keeps every test case object until the whole run ends, and at exit nothing is
/// released: a folder held in a property would outlive its test and never be removed.
class ScratchTestCase: XCTestCase {
    var scratch: Scratch!

    override func tearDown() {
        scratch = nil
        super.tearDown()
    }
}
