import PortcullisPolicyXML
import PortcullisSupport

/// The lexical forms of the language's value types, checked on UTF-8 bytes.
package enum Grammar {
    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
    }

    private static func isAlnum(_ byte: UInt8) -> Bool {
        isLowerAlnum(byte) || (byte >= 0x41 && byte <= 0x5A)
    }

    /// `^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$`: the names only Portcullis gives (the gateway,
    /// environments, identity providers), safe as a folder name.
    package static func isName(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            guard let first = bytes.first, let last = bytes.last, bytes.count <= 64 else { return false }
            guard isLowerAlnum(first), isLowerAlnum(last) else { return false }
            return bytes.allSatisfy { isLowerAlnum($0) || $0 == 0x2D }
        }
    }

    /// A path to another input file, relative to the YAML file naming it, ending in one of
    /// `extensions`. It may climb out of the file's folder ('../policies/x.xml'): only files
    /// among the inputs are ever found by it, so it cannot reach anything the run was not given.
    static func isRelativeFilePath(_ path: String, endingIn extensions: [String]) -> Bool {
        // By bytes, as the file system reads the path: a mark after a `/` or before a `.`
        // makes one character of both.
        extensions.contains(where: path.hasByteSuffix) && path.utf8.first != UInt8(ascii: "/")
            && !path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).contains(where: \.isEmpty)
            && !path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    }

    /// `^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$`: APIM's named value names, one shorter than APIM
    /// allows, since the bundle names a folder after each and a file name holds 255 bytes.
    package static func isNamedValueName(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            guard let first = bytes.first, isAlnum(first), bytes.count <= 255 else { return false }
            return bytes.allSatisfy(isNamedValueByte)
        }
    }

    /// Whether `byte` may stand in a named value's name: a letter, a digit, `-`, `_` or `.`.
    package static func isNamedValueByte(_ byte: UInt8) -> Bool {
        ExpressionExtent.isNameByte(byte)
    }

    /// `^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$`: an APIM resource name as estates write them
    /// (`Orders_v2`, `61e68d73c8e44ca9124dcddb`), still safe as a folder name.
    package static func isResourceName(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            guard let first = bytes.first, isAlnum(first), bytes.count <= 80 else { return false }
            return bytes.allSatisfy { isAlnum($0) || $0 == 0x2D || $0 == 0x5F }
        }
    }

    /// The longest operation name APIM's OpenAPI import keeps: it cuts longer ones to fit
    /// a de-duplication suffix.
    static let maxOperationNameLength = 76

    /// `^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$`, at most 76 bytes: a name APIM keeps when it imports
    /// it as an `operationId`. Import lower-cases the id (the same name to APIM, which
    /// ignores case), turns each run of other characters into one hyphen and trims hyphens,
    /// so `_`, `--` or an outer hyphen would name an operation that does not exist.
    package static func isOperationName(_ text: String) -> Bool {
        // Bytes, not Foundation's `contains`, which costs a locale-aware search per route.
        text.withUTF8Bytes { bytes in
            guard let first = bytes.first, let last = bytes.last, bytes.count <= maxOperationNameLength,
                isAlnum(first), isAlnum(last)
            else { return false }
            var previous: UInt8 = 0
            for byte in bytes {
                guard isAlnum(byte) || (byte == 0x2D && previous != 0x2D) else { return false }
                previous = byte
            }
            return true
        }
    }

    /// The start of the Key Vault reference `import` writes for a secret APIM keeps, whose
    /// value cannot be exported; the decoder refuses it, so it cannot be published.
    public static let keyVaultPlaceholder = "https://REPLACE-ME.vault.azure.net/secrets/"

    /// Whether a Key Vault secret identifier is ``keyVaultPlaceholder``, in any national
    /// cloud's spelling too (`REPLACE-ME.vault.azure.cn`): a user of such a cloud edits the
    /// suffix first (found by an audit).
    static func isKeyVaultPlaceholder(_ identifier: String) -> Bool {
        caseFolded(identifier).hasPrefix("https://replace-me.")
    }

    /// `text` with ASCII upper case lowered: the key under which APIM, which ignores case
    /// in resource names, files a name. Returns `text` itself when it has no upper case.
    public static func caseFolded(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return text }
        return String(decoding: text.utf8.map(\.asciiLowercased), as: UTF8.self)
    }

    /// `^[A-Za-z0-9*][A-Za-z0-9._:/*-]{0,127}$`; `*` is read so that a rule can report it.
    static func isScopeName(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            guard let first = bytes.first, bytes.count <= 128, isAlnum(first) || first == 0x2A else { return false }
            return bytes.allSatisfy { byte in
                isAlnum(byte) || byte == 0x2E || byte == 0x5F || byte == 0x3A || byte == 0x2F || byte == 0x2A
                    || byte == 0x2D
            }
        }
    }

    /// RFC 9110 `token` characters, the form of header names and HTTP methods.
    /// APIM's pattern for a named value's display name: `^[A-Za-z0-9-._]+$`, at most 256.
    static func isNamedValueDisplayName(_ text: String) -> Bool {
        (1...256).contains(text.utf8.count)
            && text.utf8.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") }
    }

    /// A version as a path segment, query value and header value can all carry it.
    static func isVersionName(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") }
    }

    static func isToken(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            (1...256).contains(bytes.count)
                && bytes.allSatisfy { byte in
                    switch byte {
                    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
                        UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
                        UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
                        true
                    default: isAlnum(byte)
                    }
                }
        }
    }

    /// Characters allowed in a literal URL path segment (RFC 3986 unreserved, plus a few sub-delims).
    private static func isPathCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"),
            UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="),
            UInt8(ascii: ":"), UInt8(ascii: "@"):
            true
        default: isAlnum(byte)
        }
    }

    /// An APIM API URL suffix: `orders` or `shop/v1/orders`, no leading or trailing slash.
    package static func isAPIPath(_ text: String) -> Bool {
        // Split as bytes: path characters are ASCII, so no character spans a '/'.
        text.withUTF8Bytes { bytes in
            bytes.count <= 400
                && bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).allSatisfy { segment in
                    !segment.isEmpty && !segment.elementsEqual(".".utf8) && !segment.elementsEqual("..".utf8)
                        && segment.allSatisfy(isPathCharacter)
                }
        }
    }

    /// A CORS origin: scheme (any, in any case: `chrome-extension://` too), host and optional
    /// port, and at most a final `/`, as Microsoft's own examples write one (audit V46 found
    /// each refused).
    static func isOrigin(_ text: String) -> Bool {
        guard let separator = text.range(ofBytes: "://") else { return false }
        let scheme = text[..<separator.lowerBound].utf8
        guard let first = scheme.first, isAlnum(first), first > 0x39, scheme.allSatisfy({ isAlnum($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }) else { return false }
        var rest = text[separator.upperBound...]
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        let parts = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let host = parts.first, !host.isEmpty,
            host.utf8.allSatisfy({ isAlnum($0) || $0 == 0x2E || $0 == 0x2D })
        else { return false }
        guard parts.count == 2 else { return true }
        return !parts[1].isEmpty && parts[1].count <= 5 && parts[1].utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// The host suffixes of Key Vault in Azure's public cloud and its national clouds.
    static let keyVaultSuffixes: Set<Substring> = ["vault.azure.net", "vault.azure.cn", "vault.usgovcloudapi.net", "vault.microsoftazure.de"]

    /// A Key Vault secret identifier, `https://VAULT.vault.azure.net/secrets/NAME`, with an
    /// optional 32-digit hexadecimal version and any national cloud's suffix; letters in any
    /// case. A vault name is 3 to 24 letters, digits and single hyphens starting with a
    /// letter; a secret name 1 to 127 letters, digits and hyphens.
    static func isKeyVaultSecretIdentifier(_ text: String) -> Bool {
        // ASCII first: lowering the case of 'K' (the Kelvin sign) would make a 'k' of it.
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return false }
        let lowered = text.lowercased()
        guard lowered.hasPrefix("https://") else { return false }
        let parts = lowered.dropFirst(8).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3 || parts.count == 4, parts[1] == "secrets", let dot = parts[0].firstIndex(of: ".") else { return false }
        let vault = parts[0][..<dot].utf8
        guard keyVaultSuffixes.contains(parts[0][parts[0].index(after: dot)...]), (3...24).contains(vault.count),
            let first = vault.first, first >= 0x61, first <= 0x7A, vault.last != 0x2D,
            vault.allSatisfy({ isLowerAlnum($0) || $0 == 0x2D }), !parts[0].contains("--")
        else { return false }
        let secret = parts[2].utf8
        guard (1...127).contains(secret.count), secret.allSatisfy({ isLowerAlnum($0) || $0 == 0x2D }) else { return false }
        guard parts.count == 4 else { return true }
        return parts[3].utf8.count == 32 && parts[3].utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// A Redis key prefix: letters, digits, and `.`, `_`, `:`, `-`.
    static func isKeyPrefix(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { isAlnum($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x3A || $0 == 0x2D }
    }

    /// A route path template: `/`, `/orders`, `/orders/{id}`, `/files/{name}.json`.
    /// Returns the template or why the text is not one.
    package static func pathTemplate(_ text: String) -> Result<PathTemplate, InvalidPath> {
        text.withUTF8Bytes { pathTemplate(text, bytes: $0) }
    }

    private static func pathTemplate(_ text: String, bytes: UnsafeBufferPointer<UInt8>) -> Result<PathTemplate, InvalidPath> {
        guard bytes.first == 0x2F else { return .failure(InvalidPath(reason: "route paths start with '/'")) }
        guard bytes.count <= 1024 else { return .failure(InvalidPath(reason: "route paths are at most 1024 bytes")) }
        var parameters: [String] = []
        var index = 1
        var segmentStart = 1
        while index <= bytes.count {
            let byte = index < bytes.count ? bytes[index] : 0x2F
            if byte == 0x2F {
                let segment = bytes[segmentStart..<index]
                if segment.isEmpty, bytes.count > 1 {
                    return .failure(InvalidPath(reason: "route paths have no empty segments"))
                }
                // A segment of one or two bytes that are all '.' (compared without arrays: this runs for every segment).
                if segment.count <= 2, segment.allSatisfy({ $0 == 0x2E }), !segment.isEmpty {
                    return .failure(InvalidPath(reason: "route paths have no '.' or '..' segments"))
                }
                index += 1
                segmentStart = index
            } else if byte == 0x7B {
                guard let close = bytes[index...].firstIndex(of: 0x7D) else {
                    return .failure(InvalidPath(reason: "'{' without a closing '}'"))
                }
                let name = String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
                guard isParameterName(name) else {
                    return .failure(
                        InvalidPath(reason: "parameter names are letters, digits and '_', starting with a letter"))
                }
                guard !parameters.contains(name) else {
                    return .failure(InvalidPath(reason: "parameter '\(name)' appears twice"))
                }
                parameters.append(name)
                index = close + 1
            } else {
                // APIM reads a '*' in an operation's template as a wildcard, so the route's
                // checks would guard every path it covers, the undeclared ones too (audit V30).
                guard byte != UInt8(ascii: "*") else {
                    return .failure(InvalidPath(reason: "'*' is a wildcard to APIM, matching paths no route declares; name each path"))
                }
                guard isPathCharacter(byte) else {
                    let character = String(decoding: bytes[index...].prefix(4), as: UTF8.self).prefix(1)
                    return .failure(InvalidPath(reason: "'\(character)' is not allowed in a route path"))
                }
                index += 1
            }
        }
        return .success(PathTemplate(text: text, parameters: parameters))
    }

    package struct InvalidPath: Error {
        package let reason: String
    }

    private static func isParameterName(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            guard let first = bytes.first, (first >= 0x41 && first <= 0x5A) || (first >= 0x61 && first <= 0x7A) else {
                return false
            }
            return bytes.count <= 64 && bytes.allSatisfy { isAlnum($0) || $0 == 0x5F }
        }
    }

    /// The largest duration accepted: ten years, far beyond any sensible TTL or window.
    static let maxDurationSeconds = 10 * 365 * 86400

    /// `30s`, `5m`, `1h`, `7d`, combinations in that order such as `1h30m`, or whole seconds.
    static func durationSeconds(_ text: String) -> Int? {
        var total = 0
        var number: Int?
        var lastUnitRank = -1
        for byte in text.utf8 {
            if byte >= 0x30 && byte <= 0x39 {
                let (shifted, overflow1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (next, overflow2) = shifted.addingReportingOverflow(Int(byte - 0x30))
                guard !overflow1, !overflow2, next <= maxDurationSeconds else { return nil }
                number = next
                continue
            }
            let rank: Int
            let unit: Int
            switch byte {
            case UInt8(ascii: "d"): (rank, unit) = (0, 86400)
            case UInt8(ascii: "h"): (rank, unit) = (1, 3600)
            case UInt8(ascii: "m"): (rank, unit) = (2, 60)
            case UInt8(ascii: "s"): (rank, unit) = (3, 1)
            default: return nil
            }
            guard let value = number, rank > lastUnitRank else { return nil }
            total += value * unit
            guard total <= maxDurationSeconds else { return nil }
            lastUnitRank = rank
            number = nil
        }
        if let bare = number {
            guard lastUnitRank < 0 else { return nil }
            total = bare
        }
        guard lastUnitRank >= 0 || number != nil else { return nil }
        return total
    }
}
