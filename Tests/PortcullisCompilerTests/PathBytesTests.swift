@testable import PortcullisCompiler
import XCTest

/// Paths are compared as the file system's bytes, never as characters: `café` written with a
/// combining accent and the precomposed `café` are two folders, and a combining mark right
/// after a `/` leaves the `/` a separator.
final class PathBytesTests: XCTestCase {
    private let decomposed = "/w/cafe\u{301}"
    private let precomposed = "/w/caf\u{E9}"

    func testPrefixesAreCutByBytes() {
        XCTAssertEqual("/w/a/b.yaml".removingPrefix("/w/"), "a/b.yaml")
        XCTAssertNil((precomposed + "/x.yaml").removingPrefix(decomposed + "/"), "two spellings, two folders")
        XCTAssertEqual("/w/\u{301}x.yaml".removingPrefix("/w/"), "\u{301}x.yaml", "a mark after the '/' leaves it a separator")
        XCTAssertNil("/w".removingPrefix("/w/"))
    }

    func testInsideIsJudgedByBytes() {
        XCTAssertTrue("/w/a".isPath(inside: "/w/a"))
        XCTAssertTrue("/w/a/b".isPath(inside: "/w/a"))
        XCTAssertTrue("/w/a/b".isPath(inside: "/w/a/"))
        XCTAssertFalse("/w/ab".isPath(inside: "/w/a"))
        XCTAssertFalse(precomposed.isPath(inside: decomposed))
        XCTAssertFalse((precomposed + "/x").isPath(inside: decomposed))
        XCTAssertTrue((decomposed + "/\u{301}x").isPath(inside: decomposed))
    }

    func testTheCommonFolderIsABytePrefixOfEveryFolder() {
        XCTAssertEqual(Workspace.commonFolder(["/w/a/b", "/w/a/c"]), "/w/a")
        XCTAssertEqual(Workspace.commonFolder(["/w/a"]), "/w/a")
        XCTAssertEqual(Workspace.commonFolder(["/w/a", "/x"]), "/")
        XCTAssertEqual(Workspace.commonFolder([decomposed + "/defs", precomposed + "/defs"]), "/w")
        XCTAssertEqual(Workspace.commonFolder(["/w/\u{301}a/b", "/w/\u{301}a/c"]), "/w/\u{301}a")
        XCTAssertEqual(Workspace.commonFolder(["/w/\u{301}a/b", "/w/\u{301}b"]), "/w")
    }

    func testPathsAreTakenApartAtEverySlashByte() {
        XCTAssertEqual("/w/\u{301}ops/v1".pathParts(), ["w", "\u{301}ops", "v1"], "a mark after the '/' leaves it a separator")
        XCTAssertEqual("a//b/".pathParts(), ["a", "b"])
        XCTAssertEqual("a//b/".pathParts(omittingEmpty: false), ["a", "", "b", ""])
    }

    func testExtensionsAreJudgedByBytes() {
        XCTAssertTrue("x\u{600}.yaml".hasByteSuffix(".yaml"), "a prepended mark joins the dot for characters, not for bytes")
        XCTAssertFalse("x\u{600}.yaml".hasSuffix(".yaml"), "if Swift ever stops joining them, this test has no case left")
        XCTAssertFalse("yaml".hasByteSuffix(".yaml"))
    }

    func testExactPathsTellEquivalentNamesApart() {
        let plain = ExactPath("apis/Kiosk.yaml")
        let kelvin = ExactPath("apis/\u{212A}iosk.yaml")
        XCTAssertEqual(plain.text, kelvin.text, "Swift takes them for one")
        XCTAssertNotEqual(plain, kelvin)
        XCTAssertEqual(Set([plain, kelvin, ExactPath("apis/Kiosk.yaml")]).count, 2)
        XCTAssertTrue(plain < kelvin, "byte order: 'K' (0x4B) before the Kelvin sign's lead byte (0xE2)")
        XCTAssertEqual(Set([ExactPath(precomposed), ExactPath(decomposed)]).count, 2)
    }
}
