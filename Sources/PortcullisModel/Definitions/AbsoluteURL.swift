import PortcullisSupport

/// Whether a text is an absolute http:// or https:// URL the gateway and every reader of
/// URLs take alike: read where a definition is decoded, and again by the rules once named
/// values are put in (audit V88: a backslash a named value gave passed).
public enum AbsoluteURL {
    /// An http:// or https:// URL (the scheme in any case) with a host, and without a space,
    /// tab, line break or backslash anywhere. Read as bytes, which costs a fraction of reading
    /// characters: every API's backend is one.
    public static func holds(_ text: String) -> Bool {
        let afterScheme: Int? = text.withUTF8Bytes { bytes in
            let afterScheme: Int
            if hasPrefix(bytes, lowercased: "https://") {
                afterScheme = 8
            } else if hasPrefix(bytes, lowercased: "http://") {
                afterScheme = 7
            } else {
                return nil
            }
            guard afterScheme < bytes.count, !"/?#".utf8.contains(bytes[afterScheme]),
                !bytes.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x5C }),
                hasAValidPort(bytes[afterScheme...].prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") })
            else { return nil }
            return afterScheme
        }
        guard let afterScheme else { return false }
        // A mark joined to the scheme's last '/' makes a character of its own, which is not
        // a '/': no scheme, as a reader of characters sees it.
        let host = text.utf8.index(text.utf8.startIndex, offsetBy: afterScheme)
        return text.utf8[host] < 0x80 || String.Index(host, within: text) != nil
    }

    /// Whether a URL's authority (after any `user@`) has a host APIM can read: an IPv6
    /// address's brackets closed, and a port, where one is written, of 1 to 65535 (audit
    /// V57: `https://[::1` and a port of twenty digits were taken). One a named value
    /// gives is judged where it is put in.
    private static func hasAValidPort(_ authority: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        // Told first by what is cheap: most hosts have no ':' (every API's backend is read).
        guard authority.contains(UInt8(ascii: ":")) || authority.first == UInt8(ascii: "["), !authority.contains(UInt8(ascii: "{")) else { return true }
        let host = authority.lastIndex(of: UInt8(ascii: "@")).map { authority[($0 + 1)...] } ?? authority
        var rest = host[...]
        if host.first == UInt8(ascii: "[") {
            guard let close = host.firstIndex(of: UInt8(ascii: "]")) else { return false }
            rest = host[(close + 1)...]
            guard rest.isEmpty || rest.first == UInt8(ascii: ":") else { return false }
        }
        guard let colon = rest.lastIndex(of: UInt8(ascii: ":")) else { return true }
        let port = rest[(colon + 1)...]
        guard !port.isEmpty else { return true }
        guard port.count <= 5, port.allSatisfy({ (0x30...0x39).contains($0) }) else { return false }
        let number = port.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return (1...65535).contains(number)
    }

    /// Whether `bytes` start with `prefix`, ASCII letters in any case; `prefix` is lower case.
    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, lowercased prefix: StaticString) -> Bool {
        guard bytes.count >= prefix.utf8CodeUnitCount else { return false }
        for offset in 0..<prefix.utf8CodeUnitCount {
            guard bytes[offset].asciiLowercased == prefix.utf8Start[offset] else { return false }
        }
        return true
    }

}
