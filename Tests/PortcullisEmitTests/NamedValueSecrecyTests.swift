import PortcullisDiagnostics
import XCTest

@testable import PortcullisEmit
@testable import PortcullisModel

/// A plain named value that looks like a credential never reaches a bundle (the build
/// refuses it); should one get this far, APIM is at least told to hide it.
final class NamedValueSecrecyTests: XCTestCase {
    private func properties(_ value: String) throws -> [String: Any] {
        let range = SourceRange.point(FileID(0), line: 1, column: 1)
        let json = APIOpsFiles.namedValue(NamedValue(name: Located("v", at: range), value: Located(value, at: range)))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try XCTUnwrap(object["properties"] as? [String: Any])
    }

    func testCredentialLikeNamedValueIsMarkedSecret() throws {
        XCTAssertEqual(try properties("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")["secret"] as? Bool, true)
        XCTAssertEqual(try properties("72f988bf-86f1-41af-91ab-2d7cd011db47")["secret"] as? Bool, false)
    }
}
