@testable import PortcullisSupport
import XCTest

/// XML's character references as an XML parser reads them, and what stays as written.
final class XMLReferencesTests: XCTestCase {
    func testReferencesAreReadAndTheRestKept() {
        let cases: [(String, String)] = [
            ("@(&quot;Bearer &quot; + x)", "@(\"Bearer \" + x)"),
            ("a &amp;&amp; b &lt; c &gt; d &apos;e&apos;", "a && b < c > d 'e'"),
            ("&#38;&#x26;&#233;&#x1F600;", "&&é😀"),
            // XML writes a hexadecimal reference with a lowercase 'x' alone; libxml2 refuses
            // '&#X68;' outside an expression (the audit of the change).
            ("&#X68;ttp", "&#X68;ttp"),
            // Leading zeros, as many as XML takes (found by an audit: 'Request' was hidden so).
            ("context.&#0000000082;equest", "context.Request"),
            // Not references: kept byte for byte.
            ("AT&T; &nbsp; & &; &#; &#x; &#xZZ; &#1114112; &#99999999999999999999;", "AT&T; &nbsp; & &; &#; &#x; &#xZZ; &#1114112; &#99999999999999999999;"),
            ("no references at all", "no references at all"),
            ("tail &amp", "tail &amp"),
            // Characters XML does not allow: a parser refuses the reference, so it reads none.
            ("&#1;&#x8;&#xFFFE;&#65535;", "&#1;&#x8;&#xFFFE;&#65535;"),
            ("&#9;&#xA;&#13;&#x20;", "\t\n\r "),
            // A reference ends at its ';', whatever follows: a combining mark is a character
            // of its own to a parser, not part of the ';'.
            ("&quot;\u{301}x&amp;\u{308}", "\"\u{301}x&\u{308}"),
        ]
        for (text, read) in cases { XCTAssertEqual(XMLReferences.read(text), read, text) }
    }

    /// Where a reading's bytes end in the text as written: within plain text byte for byte,
    /// and past the whole reference for any byte a reference gives.
    func testOffsetsOfTheReadingAreFoundInTheWrittenText() {
        let written = "a&quot;b&#x1F600;c&nbsp;"
        let cases: [(resolved: Int, written: Int)] = [(0, 0), (1, 1), (2, 7), (3, 8), (4, 17), (7, 17), (8, 18), (9, 19), (14, 24), (99, 24)]
        for (resolved, offset) in cases { XCTAssertEqual(XMLReferences.writtenOffset(ofResolved: resolved, in: written), offset, "\(resolved)") }
    }
}
