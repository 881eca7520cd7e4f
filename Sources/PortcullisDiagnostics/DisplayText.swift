import PortcullisSupport

/// What text taken from the input may show in a report. A terminal or a CI log obeys
/// control characters (a line break in a path can start a forged GitHub workflow
/// command), and bidirectional overrides make text read differently from what it is.
public enum DisplayText {
    /// Control characters (C0, DEL, C1), the line and paragraph separators some viewers
    /// break lines at, and every bidirectional formatting character: the embeddings,
    /// overrides and isolates, and the marks (ALM, LRM, RLM) that reorder text around them.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `text` with its control characters written as ``escaped(_:)`` writes them. Nearly
    /// all text has none, which a pass over its bytes tells, and is returned as it is.
    public static func shown(_ text: String) -> String {
        let printableASCII = text.withUTF8Bytes { bytes in bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
        let hasControl = !printableASCII && text.unicodeScalars.contains(where: isControl)
        guard hasControl || text.withUTF8Bytes({ LogCommandPrefix.isHeld(in: $0) }) else { return text }
        return escaped(text.utf8)
    }

    /// A message as a report shows it: ``shown(_:)``, with every quoted part that holds a
    /// credential replaced by words saying so. Messages quote what the input names, and
    /// each rule that quotes a value is written to leave a secret out; this is the last
    /// guard, for the value no one thought could hold one (an operationId, a fragment id).
    public static func message(_ text: String) -> String {
        shown(holdsACredential(text) ? withoutCredentials(text) : text)
    }

    /// Whether a message's text holds a credential: by its shape, or a word, quotes and
    /// punctuation aside, that is one (an unknown named value named with a function's key
    /// was quoted whole: the last audit of the round).
    private static func holdsACredential(_ text: String) -> Bool {
        CredentialScanner.looksLikeCredential(text) || escapesBroken(text).map(CredentialScanner.looksLikeCredential) == true
            || text.split(separator: " ").contains { hides(bare($0)) }
    }

    /// A word without the quotes and punctuation around it.
    private static func bare(_ word: Substring) -> String {
        var word = word
        while let first = word.first, wordEnds.contains(first) { word = word.dropFirst() }
        while let last = word.last, wordEnds.contains(last) { word = word.dropLast() }
        return String(word)
    }

    /// Whether a quoted part or a word of a message is to be hidden: a credential by its
    /// shape, or nothing but a generated key.
    private static func hides(_ part: String) -> Bool {
        if CredentialScanner.looksLikeCredential(part) || CredentialScanner.looksLikeABareKey(part) { return true }
        // A generated key among other characters (`|KEY|`, `«KEY»`, after a code point
        // written out, `\u{00e9}KEY`: audits V71 to V77), as a quoted line's runs are
        // judged, though not a path (`/tmp/…/cafe\u{0301}.xml`, which reads as one once cut).
        if part.utf8.count > 40, !CredentialScanner.keyRuns(in: Array(part.unicodeScalars)).isEmpty { return true }
        return escapesBroken(part).map(CredentialScanner.looksLikeCredential) == true
    }

    /// `text` with each escape of a control character ``escaped(_:)`` writes (`\x07`, `\n`,
    /// `\u{202e}`) read as the space between two words that it stands for: a value shown
    /// escaped before its message is made joined the escape's letters to a token after a
    /// control character, which no scanner then saw start (audit V65: `\aghp_…` was quoted
    /// in clear). A code point written out that is no control character (`cafe\u{0301}`, as
    /// a message names a name by its code points) is part of its word. Nil when `text`
    /// holds no backslash, as nearly all does.
    static func escapesBroken(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "\\")) else { return nil }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        func isHex(_ offset: Int) -> Bool { offset < scalars.count && scalars[offset].properties.isASCIIHexDigit }
        while index < scalars.count {
            guard scalars[index] == "\\", index + 1 < scalars.count else {
                out.append(scalars[index])
                index += 1
                continue
            }
            switch scalars[index + 1] {
            case "n", "r", "t":
                index += 2
            case "x" where isHex(index + 2) && isHex(index + 3):
                index += 4
            case "u" where index + 2 < scalars.count && scalars[index + 2] == "{":
                guard let close = scalars[(index + 3)...].firstIndex(of: "}"),
                    let value = UInt32(String(String.UnicodeScalarView(scalars[(index + 3)..<close])), radix: 16),
                    let scalar = Unicode.Scalar(value), isControl(scalar)
                else { fallthrough }
                index = close + 1
            default:
                out.append(scalars[index])
                index += 1
                continue
            }
            out.append(" ")
        }
        return String(out)
    }

    /// What may stand around a word in a message: quotes and punctuation.
    private static let wordEnds = Set<Character>(["'", ",", ".", ":", "(", ")", "[", "]", "<", ">", "{", "}", "\"", "`", ";", "!", "%", "=", "#"])

    /// A path of an input tree as a report shows it: ``shown(_:)``, each name in it that
    /// holds a credential hidden as a message hides one (found by an audit: a folder named
    /// with a token showed in clear before the message that hid it).
    public static func path(_ path: String) -> String {
        guard CredentialScanner.looksLikeCredential(path) else { return shown(path) }
        return shown(
            path.split(separator: "/", omittingEmptySubsequences: false).map {
                CredentialScanner.looksLikeCredential(String($0)) ? hiddenCredential : String($0)
            }.joined(separator: "/"))
    }

    /// What a message shows instead of a quoted value that holds a credential.
    static let hiddenCredential = "(a value that holds a credential)"

    /// `text` with its quoted parts that hold a credential replaced; else its words that
    /// hold one; else all its quoted parts (a credential of several words); else the whole
    /// text.
    private static func withoutCredentials(_ text: String) -> String {
        let hidden = hiddenCredential
        let parts = text.split(separator: "'", omittingEmptySubsequences: false)
        // Parts at odd positions stand between quotes.
        let masked = { (all: Bool) in
            parts.enumerated().map { index, part in
                index % 2 == 1 && (all || hides(String(part))) ? "\u{1}" : String(part)
            }.joined(separator: "'").replacing("'\u{1}'", with: hidden).replacing("\u{1}", with: hidden)
        }
        // Then by words: an apostrophe in prose shifts which parts are quoted, and hiding
        // every quoted part, or the whole text, hides what the message is about.
        // A word is judged with the quotes and punctuation around it taken off, as
        // ``holdsACredential(_:)`` judges it (audit V74: a value starting with a quote was
        // paired with the message's quotes and kept).
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map {
            hides(String($0)) || hides(Self.bare($0)) ? hidden : String($0)
        }.joined(separator: " ")
        // A quoted value that ends with a quote itself (a key `Password = 'x'`, quoted
        // `'Password = 'x''`) splits into parts that each hide nothing: from its first quote
        // to its last, it is one (audit V28).
        var whole: [String] = []
        if parts.count > 3, text.contains("''"), let first = text.firstIndex(of: "'"), let last = text.lastIndex(of: "'"), hides(String(text[text.index(after: first)..<last])) {
            whole = [text[..<first] + hidden + text[text.index(after: last)...]]
        }
        for text in whole + [masked(false), words, masked(true)] where !holdsACredential(text) { return text }
        return hidden
    }

    /// `bytes`, such as a file name, with control characters written as escapes (`\n`,
    /// `\x1b`, `\u{202e}`), each byte that is not valid UTF-8 as `\xff`, and a CI logging
    /// command's prefix (``LogCommandPrefix``) with its second `#` as `\x23`: `#\x23[`,
    /// `#\x23vso[`.
    public static func escaped(_ bytes: some Collection<UInt8>) -> String {
        let out = Array(escapingControls(bytes).utf8)
        guard LogCommandPrefix.isHeld(in: out) else { return String(decoding: out, as: UTF8.self) }
        var broken = out
        // From the end, so the offsets of the prefixes before stay as found.
        for index in out.indices.reversed() where LogCommandPrefix.ends(at: index, in: out) {
            let second = out[index - 1] == UInt8(ascii: "#") ? index - 1 : index - 4
            broken.replaceSubrange(second...second, with: "\\x23".utf8)
        }
        return String(decoding: broken, as: UTF8.self)
    }

    private static func escapingControls(_ bytes: some Collection<UInt8>) -> String {
        var out = ""
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var pending = Array(bytes)[...]
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                pending = pending.dropFirst(encoded.count)
                let scalar = Unicode.UTF8.decode(encoded)
                out += isControl(scalar) ? escape(scalar) : String(scalar)
            case .error(let length):
                for byte in pending.prefix(length) { out += "\\x" + hex(UInt32(byte), width: 2) }
                pending = pending.dropFirst(length)
            case .emptyInput:
                return out
            }
        }
    }

    /// How a message lists things: `a`, `a and b`, `a, b and c` (or another conjunction).
    public static func list(_ items: [String], joinedBy conjunction: String = "and") -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
    }

    /// `U+001B`: how a message names a character it must not show.
    public static func codePoint(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// `text` with every scalar outside printable ASCII escaped (`cafe\u{0301}`): how a
    /// message tells apart two names that look the same and differ in their code points.
    public static func codePoints(_ text: String) -> String {
        text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? String($0) : escape($0) }.joined()
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        default: scalar.value < 0x80 ? "\\x" + hex(scalar.value, width: 2) : "\\u{" + hex(scalar.value, width: 4) + "}"
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
