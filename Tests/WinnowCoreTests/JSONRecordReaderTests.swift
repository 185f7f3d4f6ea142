import XCTest
@testable import WinnowCore
