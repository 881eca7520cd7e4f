import PortcullisTestSupport
import XCTest

@testable import PortcullisModel

/// URL fields (backends, identity providers, Key Vault references) must be absolute http(s)
/// URLs with a host; the check reads bytes, and must not accept what a reader of characters
/// would reject.
final class AbsoluteURLTests: XCTestCase {
    func testURLsWithASchemeAndAHostAreAccepted() {
        for url in [
            "https://a", "HTTPS://a", "Http://x/y", "https://bücher.example/ü", "https://{{host}}/orders",
            "https://a\u{301}", "https://ü.example", "https://a?b#c",
            "https://a:443/x", "https://a:65535", "https://a:", "https://[::1]:8443/", "https://[::1]", "https://u:p@a:1", "https://{{host}}:{{port}}/",
        ] {
            XCTAssertTrue(AbsoluteURL.holds(url), url)
        }
    }

    /// A host no client can reach: an IPv6 address's brackets left open, a port outside
    /// 1 to 65535 or not a number (audit V57: each was taken).
    func testURLsWithABrokenHostOrPortAreRejected() {
        for url in ["https://[::1", "https://[::1]x/", "https://a:99999999999999999999/", "https://a:0", "https://a:65536", "https://a:8o/", "https://u@a:x"] {
            XCTAssertFalse(AbsoluteURL.holds(url), url)
        }
    }

    func testURLsWithoutASchemeOrAHostOrWithSpacesAreRejected() {
        for url in [
            "", "https:", "https:/", "https://", "https:///x", "https://?a", "https://#a", "ftp://a", "httpsx://a",
            "//a", "https//a", "https://a b", "https://a\tb", "https://a\nb", "https://a\rb", " https://a",
            "https:/\u{301}/a",
            // A mark after the scheme joins its '/' into another character: there is no "//".
            "https://\u{301}a", "https://\u{200D}a",
            // Refused, though a reader of characters accepts them: a mark joins the '?', '#',
            // '/' or space before it into another character, and CR LF is one character.
            "https://?\u{301}a", "https://#\u{301}a", "https:///\u{301}a", "https:// \u{301}a", "https://a\r\nb",
        ] {
            XCTAssertFalse(AbsoluteURL.holds(url), url.debugDescription)
        }
    }

    /// The check the byte reader replaced, reading characters: what it rejects, the byte
    /// reader must reject too.
    private func isAbsoluteURLReadAsCharacters(_ text: String) -> Bool {
        let lowered = text.lowercased()
        let rest: Substring
        if lowered.hasPrefix("https://") {
            rest = text.dropFirst(8)
        } else if lowered.hasPrefix("http://") {
            rest = text.dropFirst(7)
        } else {
            rest = ""
        }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return !host.isEmpty && !text.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" })
    }

    func testNothingIsAcceptedThatAReaderOfCharactersRejects() {
        // Pieces that join into other characters: marks, ZWJ, a variation selector, a skin
        // tone, a spacing mark, CR LF; and the URL's own delimiters and blanks.
        let pieces = [
            "a", "Z", "ü", "😀", "/", "?", "#", ":", " ", "\t", "\n", "\r", "\r\n", "\u{301}", "\u{200D}", "\u{FE0F}",
            "\u{1F3FB}", "\u{903}",
        ]
        let schemes = ["https://", "HTTP://", "https:/", "http:/", "hTTps:", ""]
        var texts: [String] = []
        for scheme in schemes {
            for first in pieces {
                for second in pieces { texts.append(scheme + first + second) }
            }
        }
        var random = SeededRandom(seed: 0x0A85)
        for _ in 0..<20_000 {
            var text = schemes[random.next(schemes.count)]
            for _ in 0..<random.next(10) { text += pieces[random.next(pieces.count)] }
            texts.append(text)
        }
        var accepted = 0
        for text in texts where AbsoluteURL.holds(text) {
            accepted += 1
            XCTAssertTrue(isAbsoluteURLReadAsCharacters(text), text.debugDescription)
        }
        XCTAssertGreaterThan(accepted, 500, "the texts hold URLs both checks accept")
    }
}
