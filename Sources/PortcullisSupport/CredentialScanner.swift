#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one answer to "does this text hold a credential?". The checker reports what it
/// finds (SE001) and the build refuses it; messages never quote such text.
///
/// It runs on every scalar of an estate, so it is one pass over the bytes in which only a
/// few bytes (`=`, `@`, `-` and the first letters of known token prefixes at a word
/// start) lead to a closer look, and nothing is allocated.
public enum CredentialScanner {
    /// Whether `text` holds, anywhere in it:
    /// - a connection-string or `key=value` credential (`Password`, `Pwd`, `AccountKey`,
    ///   `SharedAccessKey`, ..., with or without spaces around `=`);
    /// - a JSON member so named, `"password": "…"`, in a body or an example;
    /// - a URL query secret (`sig`, `code`, `key`, `token`, ... after `?` or `&`), which
    ///   covers SAS tokens;
    /// - a password in a URL's userinfo (`https://user:password@host`);
    /// - a JWT, bare or after `Bearer`;
    /// - HTTP Basic credentials: `Basic ` and the Base64 of `user:password`;
    /// - a PEM private key;
    /// - an opaque token after `Bearer` (20 characters or more, letters and digits), also
    ///   after `Bearer:` or URL-encoded (`Bearer%20…`);
    /// - a GitHub, Stripe, AWS, SendGrid or Slack token, a Slack or Teams webhook's URL.
    /// A `{{name}}` or `<placeholder>` value is a reference, not a credential.
    public static func looksLikeCredential(_ text: String) -> Bool {
        // Short values cannot hold a credential worth the name; most scalars are short.
        guard text.utf8.count >= 8 else { return false }
        return text.withUTF8Bytes { scan($0) }
    }

    /// Whether `value`, written under `key` (a YAML key, say), is a credential because of
    /// what the key calls it: `db-password: ...`, `apiKey: ...`. As in `KEY=VALUE`, a value
    /// that is empty, a `{{reference}}` or a `<placeholder>` is not.
    /// Under an `Authorization` key (a header), the scheme is skipped: `Basic {{creds}}`
    /// references its credential, `Bearer 8f2c...` writes it out.
    /// Otherwise only what ``isAskedFor(_:by:)`` takes counts.
    public static func isCredential(_ value: String, under key: String) -> Bool {
        let keyReading = key.withUTF8Bytes(reading)
        guard keyReading.named, value.withUTF8Bytes({ isWrittenOut($0, keyReading.isAuthorization ? afterScheme($0) : $0.indices) }), !isAFillIn(value)
        else { return false }
        return isAskedFor(value, by: keyReading)
    }

    /// Whether `value` is what a key read as `reading` calls a credential: under a plural
    /// none that ``Plural/countsOrAllows(_:)``; under a key named so by its words alone
    /// (``namedByItsWords(_:_:)``) what ``WordsName/holdsOne(_:)`` takes.
    private static func isAskedFor(_ value: String, by reading: KeyReading) -> Bool {
        if let plural = reading.plural, plural.countsOrAllows(value) { return false }
        return reading.byWords?.holdsOne(value) ?? true
    }

    /// What a credential's name in the plural may hold besides credentials.
    private enum Plural {
        /// `allowPasswords: true`: a switch.
        case allows
        /// `maxTokens: 120000000`, `max-api-keys: 5`: a switch or a count. Only tokens are
        /// counted without saying so (an LLM's quota); a password, a key or a credential may
        /// be all digits (`partner-credentials: '4829173650184736'`: an audit).
        case counts

        /// The plural of the credential's name `bytes[singular]`.
        static func of(_ bytes: UnsafeBufferPointer<UInt8>, _ singular: Range<Int>) -> Plural {
            if hasSuffix(bytes, singular, tokenWord) { return .counts }
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[singular]), as: UTF8.self)
            return words(of: name).contains(where: countingWords.contains) ? .counts : .allows
        }

        /// Whether `value` counts or allows the things rather than holding one: `true` or
        /// `false`, or under ``counts`` a whole number, `-1` too (no limit).
        func countsOrAllows(_ value: String) -> Bool {
            let trimmed = value.trimmingWhitespace
            if ["true", "false"].contains(trimmed.lowercased()) { return true }
            // A count past ten digits counts nothing a gateway sets: a PIN or a key under a
            // counting name (`maxPasswords: '4829173650184736'`: the audit of the fix).
            let digits = trimmed.hasPrefix("-") ? trimmed.dropFirst() : Substring(trimmed)
            return self == .counts && (1...10).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
        }
    }

    /// Words that make a plural name a count (`max-api-keys`, `numPasswords`).
    private static let countingWords: Set<String> = ["max", "maximum", "min", "minimum", "num", "number", "count", "limit"]

    /// Whether `value`, written under `key`, is a credential by its shape or by what the
    /// key calls it: what a named value's check and `import` ask of a plain value. Such a
    /// value stands alone, so a bare key counts too (``looksLikeABareKey(_:)``).
    public static func isCredential(_ value: String, orNamedSoBy key: String) -> Bool {
        looksLikeCredential(value) || isCredential(value, under: key) || looksLikeABareKey(value) && !namesADigest(key)
    }

    /// Whether `value`, sent in the header `name`, is a credential by what the header
    /// carries: a session's or a login's cookie (`Cookie`, `Set-Cookie`: a session is a
    /// bearer's credential) or a header named for authentication or a session (`X-Auth`,
    /// `X-Api-Auth`, `X-Authentication`, `X-Session`) holding a generated key's shape (audit
    /// V123: each was bundled). The names are told by whole words, so a header's other values
    /// (`X-Auth-Mode: passthrough`, `X-Auth-Version`, `X-Session-Id`) and other cookies
    /// (`theme`, App Service's `ARRAffinity`) are not (audit V126).
    public static func isHeaderCredential(_ value: String, header name: String) -> Bool {
        guard value.utf8.count >= 16, namesACredentialHeader(name) else { return false }
        let lowered = name.trimmingWhitespace.lowercased()
        if lowered == "cookie" || lowered == "set-cookie" {
            return value.split(separator: ";").contains { pair in
                guard let equals = pair.firstIndex(of: "=") else { return false }
                let cookieName = pair[..<equals].lowercased()
                guard sessionCookieWords.contains(where: { cookieName.contains($0) }) else { return false }
                var cookie = pair[pair.index(after: equals)...].trimmingWhitespace
                if cookie.hasPrefix("\""), cookie.hasSuffix("\""), cookie.count >= 2 { cookie = String(cookie.dropFirst().dropLast()) }
                return looksLikeAKey(cookie)
            }
        }
        return looksLikeAKey(value.trimmingWhitespace)
    }

    /// Whether a header of this name carries a credential in some values
    /// (``isHeaderCredential(_:header:)``): a cookie, or a name with a word for
    /// authentication or a session. Asked first, so that most headers' values are never read.
    public static func namesACredentialHeader(_ name: String) -> Bool {
        let lowered = name.lowercased()
        // Told by the letters first: most headers' names hold none of the words (a lint
        // asks of every header a raw policy sets, and splitting each into words cost the
        // estate of raw policies 2.3 % more instructions).
        guard lowered.holds("cookie") || lowered.holds("auth") || lowered.holds("session") || lowered.holds("sid") else { return false }
        let trimmed = lowered.trimmingWhitespace
        guard trimmed != "cookie", trimmed != "set-cookie" else { return true }
        let words = words(of: name)
        return words.contains(where: sessionOrAuthenticationWords.contains) && !words.contains(where: notCredentialWords.contains)
    }

    private static let sessionOrAuthenticationWords: Set<String> = ["auth", "authn", "authentication", "session"]
    /// Words of a header's name that make it say something of the credential rather than hold
    /// it: an identifier, a version, a mode.
    private static let notCredentialWords: Set<String> = [
        "id", "version", "mode", "type", "timeout", "scheme", "method", "status", "provider", "expires", "expiry", "ttl", "realm", "state",
    ]
    /// What a session's or a login's cookie's name holds (`session`, `JSESSIONID`,
    /// `.AspNetCore.Session`, `connect.sid`, `auth_token`, `.ASPXAUTH`).
    private static let sessionCookieWords = ["sess", "sid", "auth", "token", "jwt", "login", "identity", "remember"]

    /// Whether a header's or a value's name says it holds a digest, which is as random as a
    /// key but public (`X-Content-SHA256`, `Content-MD5`, `If-None-Match`'s ETag): the audit
    /// of the change that judged YAML headers' values found the empty body's SHA-256 reported.
    public static func namesADigest(_ name: String) -> Bool {
        let lowered = name.lowercased()
        if lowered == "if-none-match" || lowered == "if-match" { return true }
        // By whole words (`X-Shared-Access` holds no `sha`), none of which names a secret
        // (`X-Hash-Key`): the last audit of the round.
        let words = Self.words(of: name)
        return words.contains { digestWords.contains($0) } && !words.contains(where: namesASecret)
    }

    /// The words of a name, lowercased: split at separators and where a lower-case letter
    /// or a digit meets an upper-case one (`X-ContentSha256`: `x`, `content`, `sha256`).
    static func words(of name: String) -> [String] {
        var words: [String] = []
        var word = ""
        var previous: Character?
        for character in name {
            if !(character.isLetter || character.isNumber) {
                if !word.isEmpty { words.append(word) }
                word = ""
            } else {
                if character.isUppercase, let previous, previous.isLowercase || previous.isNumber, !word.isEmpty {
                    words.append(word)
                    word = ""
                }
                word.append(Character(character.lowercased()))
            }
            previous = character
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

    private static let digestWords: Set<String> = [
        "sha", "sha1", "sha256", "sha384", "sha512", "md5", "hash", "digest", "checksum", "etag", "fingerprint", "thumbprint", "integrity",
    ]

    /// Whether `value` is nothing but a generated key: 40 to 128 characters of Base64 or
    /// Base64url, padded or not, mixing upper- and lower-case letters and digits, as an
    /// Azure Functions key, a Logic App's `sig` or a signing key is (found by an audit of
    /// import, which copied them into plain YAML). Random text changes between upper case,
    /// lower case, digits and symbols at about two bytes in three; words run together
    /// (`OrdersProductionEndpoint2024`) at one in four, a GUID or a hex digest has no upper
    /// or no lower case. Two in five tells them apart: a random key of 44 bytes falls below
    /// it about once in three thousand (the first rule, eight letters of one case in a row,
    /// missed one key in twenty-five: found by the audit of the change).
    public static func looksLikeABareKey(_ value: String) -> Bool {
        // Told by the length first: most values are shorter or longer.
        guard (40...130).contains(value.utf8.count) else { return false }
        return value.withUTF8Bytes { bytes in
            if bytes.count == 69, sendGridKey(bytes, at: 0) { return true }
            var body = bytes.count
            while body > 0, bytes[body - 1] == UInt8(ascii: "=") { body -= 1 }
            guard (40...128).contains(body), bytes.count - body <= 2 else { return false }
            var seen: UInt8 = 0
            var changes = 0
            var previous: UInt8 = 0
            // Words run together (`listOrdersByCustomerIdV2`) have long runs of lowercase
            // letters and few digits; a random key's runs average under two letters, and
            // one in six of its characters is a digit (audit V77: such names were hidden
            // as keys).
            var (lowercase, lowercaseRuns, digits) = (0, 0, 0)
            for byte in bytes[..<body] {
                let kind: UInt8
                switch byte {
                case 0x41...0x5A: kind = 1
                case 0x61...0x7A: kind = 2
                case 0x30...0x39: kind = 4
                case UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_"): kind = 8
                default: return false
                }
                if kind == 2 {
                    lowercase += 1
                    if previous != 2 { lowercaseRuns += 1 }
                } else if kind == 4 {
                    digits += 1
                }
                if previous != 0, kind != previous { changes += 1 }
                previous = kind
                seen |= kind
            }
            let wordsRunTogether = lowercase * 2 >= lowercaseRuns * 5 && digits < 3
            return seen & 7 == 7 && changes * 5 >= (body - 1) * 2 && !wordsRunTogether
        }
    }

    /// The runs of `scalars`, by offset, written in a generated key's characters (Base64,
    /// Base64url, hex) that are one (``looksLikeABareKey(_:)``), though not a path that
    /// reads as one (`/tmp/…-9A97…/apis/extra`: a `/` and a segment of three lowercase
    /// letters or more, which a random key's segments seldom are; found by the round's
    /// tests). A message and a quoted line hide a key among other characters so (`éKEY`,
    /// `|KEY|`, `KEY;`: audits V71 to V77).
    public static func keyRuns(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start = 0
        for index in 0...scalars.count where index == scalars.count || !isKeyCharacter(scalars[index]) {
            if index - start >= 40 {
                let run = String(String.UnicodeScalarView(scalars[start..<index]))
                if !readsAsAPath(run), looksLikeABareKey(run) { runs.append(start..<index) }
            }
            start = index + 1
        }
        return runs
    }

    private static func readsAsAPath(_ run: String) -> Bool {
        run.contains("/") && run.split(separator: "/").contains { segment in segment.count >= 3 && segment.allSatisfy { ("a"..."z").contains($0) } }
    }

    private static func isKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "+/=_-".unicodeScalars.contains(scalar))
    }

    /// `SG.`, 22 characters of Base64url, `.`, 43 more: a SendGrid API key, whose dots
    /// the rule above does not take (a named value so written was imported in clear: an
    /// audit), alone or inside a longer text (`apikey: SG.…`).
    private static func sendGridKey(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        starts(bytes, at: index, with: "SG.") && index + 69 <= bytes.count && bytes[index + 25] == UInt8(ascii: ".")
            && run(bytes, from: index + 3, limit: 23, isBase64URL) == 22 && run(bytes, from: index + 26, limit: 44, isBase64URL) == 43
    }

    /// Whether `key`, a URL's query parameter, names a credential (`code`, `sig`, `token`,
    /// or what ``namesACredential(_:)`` names), given `value` of at least the length below
    /// which a query value is taken for an ordinary parameter (`?code=404`).
    public static func namesAQueryCredential(_ key: String, given value: String) -> Bool {
        if namesACredential(key) { return true }
        guard value.utf8.count >= minimumQuerySecret else { return false }
        return key.withUTF8Bytes { isQueryKey($0, $0.indices) }
    }

    /// Whether `key` may name a query credential (``namesAQueryCredential(_:given:)``) for
    /// some value.
    public static func mayNameAQueryCredential(_ key: String) -> Bool {
        namesACredential(key) || key.withUTF8Bytes { isQueryKey($0, $0.indices) }
    }

    /// Whether `key` calls what is written under it a credential (`db-password`, `apiKey`,
    /// `Authorization`), whatever the value.
    public static func namesACredential(_ key: String) -> Bool {
        key.withUTF8Bytes(reading).named
    }

    /// What a key says of its value: a credential, whether an `Authorization` one, whether
    /// it says so by its words alone (``namedByItsWords(_:_:)``), and in which plural.
    private typealias KeyReading = (named: Bool, isAuthorization: Bool, byWords: WordsName?, plural: Plural?)

    private static func reading(_ key: UnsafeBufferPointer<UInt8>) -> KeyReading {
        reading(key, key.indices)
    }

    /// ``reading(_:)`` of the key `bytes[key]`: the one reader of keys, in YAML, in XML and
    /// in `KEY=VALUE` text. Inlined, so that a whole key's reading knows its range starts at 0.
    @inline(__always)
    private static func reading(_ bytes: UnsafeBufferPointer<UInt8>, _ key: Range<Int>) -> KeyReading {
        guard key.count >= 2 else { return (false, false, nil, nil) }
        var name = key
        // A number after the name counts a key among others or versions it
        // (`TokenEncryptionKey1`, `X-Api-Key-V2`, `password_v2`, `ApiKeyV2`, `api.key.v2`):
        // read without it, its `v` and the separators before them (a dot too: an audit).
        if isDigit(bytes[name.upperBound - 1]) {
            var end = name.upperBound - 1
            while end > name.lowerBound, isDigit(bytes[end - 1]) { end -= 1 }
            if end > name.lowerBound, bytes[end - 1] | 0x20 == UInt8(ascii: "v") { end -= 1 }
            while end > name.lowerBound, bytes[end - 1] == UInt8(ascii: "-") || bytes[end - 1] == UInt8(ascii: "_") || bytes[end - 1] == UInt8(ascii: ".") {
                end -= 1
            }
            name = name.lowerBound..<end
        }
        // A plural names what its singular does (`X-Secrets`, `apiKeys`, `creds`): a name
        // whose own ending ends no credential's is read without its `s` (`sas` keeps it).
        let isPlural = name.count >= 3 && bytes[name.upperBound - 1] | 0x20 == UInt8(ascii: "s") && !mayEndACredentialKey(ending(bytes, name))
        if isPlural { name = name.lowerBound..<(name.upperBound - 1) }
        // Most names end in two letters that end no credential's: they are told apart by
        // them before any suffix is compared (this runs for every scalar entry).
        guard name.count >= 2, mayEndACredentialKey(ending(bytes, name)) else { return (false, false, nil, nil) }
        // Only the suffixes of the name's own ending are compared.
        let end = ending(bytes, name)
        for (suffixEnding, suffixes) in suffixesByEnding where suffixEnding == end {
            if suffixes.contains(where: { hasSuffix(bytes, name, $0) }) {
                return (true, hasSuffix(bytes, name, authorizationKey), nil, isPlural ? Plural.of(bytes, name) : nil)
            }
        }
        let words = wordEndings.contains(end) ? namedByItsWords(bytes, name) : nil
        return (words != nil, false, words, isPlural && words != nil ? Plural.of(bytes, name) : nil)
    }

    /// Whether the words of `bytes[name]`, joined without case or separators, end in a
    /// credential's word that ``wordsAlone`` takes alone (`token`, `secret`, `credential`,
    /// `signing`), or in `key` after a prefix that keeps it a secret's (`sharedKey`,
    /// `X-Auth-Key`, `subscriptionKey`, `X-Signature-Key`): what the masker hid but the
    /// checker passed (`accessToken`, `webhookSecret`, `sasToken`; `X-Partner-Credential`,
    /// `nv-signing`, `nv-ocp`: found by audits). `secret` alone is the language's
    /// reference (`{secret: NAME}`); a token that pages or syncs is none (``notSecretKinds``).
    private static func namedByItsWords(_ bytes: UnsafeBufferPointer<UInt8>, _ name: Range<Int>) -> WordsName? {
        // Compared from the end, letters and digits alone, without case: nothing is copied
        // or joined (a key's every scalar entry ending so is read here: building the joined
        // text and each suffix cost a lint of the benchmark estate 2.6 % more instructions).
        /// The index past `suffix` read backwards from `end` (an index past the name's last
        /// letter or digit read), or nil.
        func before(_ suffix: [UInt8], from end: Int) -> Int? {
            var index = end
            for expected in suffix.reversed() {
                while index > name.lowerBound, !isAlphanumeric(bytes[index - 1]) { index -= 1 }
                guard index > name.lowerBound, bytes[index - 1].asciiLowercased == expected else { return nil }
                index -= 1
            }
            return index
        }
        func hasLetterOrDigit(before index: Int) -> Bool { bytes[name.lowerBound..<index].contains(where: isAlphanumeric) }
        /// Whether a word starts at `index`, which a letter follows: first, after a separator
        /// or a digit (`db2cred`), or at a capital after a small letter or before a small letter (`dbCreds`,
        /// `DBCreds`). In one case throughout (`dbcreds`, `X-DBCRED`) no word starts inside.
        func startsAWord(_ index: Int) -> Bool {
            guard index > name.lowerBound, isAlphanumeric(bytes[index - 1]), !isDigit(bytes[index - 1]) else { return true }
            return isUppercase(bytes[index]) && !(isUppercase(bytes[index - 1]) && isUppercase(bytes[index + 1]))
        }
        for (word, named) in wordsAlone {
            guard let start = before(word, from: name.upperBound) else { continue }
            if word == secretWord, !hasLetterOrDigit(before: start) { return nil }
            // `cred` is too short to be read inside a word (`x-sacred`, `SACRED`: an audit),
            // unless one of ``credQualifiers`` ends the word before it (`dbcreds`, `X-DBCRED`,
            // `mongodbcreds`, `superusercreds`: audits).
            if word == credWord, !startsAWord(start), !credQualifiers.contains(where: { before($0, from: start) != nil }) {
                continue
            }
            // A vault's token is what opens it (HashiCorp Vault's `X-Vault-Token`, audit
            // V81), where a vault's secret or credential is a reference to what it keeps.
            let kinds = word == tokenWord ? notSecretKindsOfTokens : notSecretKinds
            return kinds.contains { before($0, from: start) != nil } ? nil : named
        }
        guard let start = before(keyWord, from: name.upperBound) else { return nil }
        // A header named `X-Key` holds one too (audit V93), where a key of a tenant, a
        // partition or a cache is an identifier, and so is `key` alone: a cache's or a
        // limit's attribute, and the language's field.
        if before(extensionPrefix, from: start).map({ !hasLetterOrDigit(before: $0) }) == true { return .key }
        return secretPrefixBytes.contains { before($0, from: start) != nil } ? .key : nil
    }

    /// How a name read by its words calls its value a credential, which decides what
    /// value counts (``isCredential(_:under:)``).
    private enum WordsName {
        /// `accessToken`, `webhookSecret`: a password or a token, any text but a placeholder.
        case tokenOrSecret
        /// `X-Session-Key`, `sharedKey`: often an identifier, so only a generated key's shape.
        case key

        /// Whether `value`, written under a name so read, is a credential: under a `…Key`
        /// one in a generated key's shape (``looksLikeAKey(_:)``: `X-Session-Key: web` is an
        /// identifier), under a `…Token`, `…Secret` or `…Credential` any text of eight characters or more
        /// with a digit or sixteen without, no placeholder (`paginationToken: first-page`, an
        /// OpenAPI security requirement's scopes under `accessToken`: found by the audit of
        /// the change).
        func holdsOne(_ value: String) -> Bool {
            switch self {
            case .key: return looksLikeAKey(value)
            // A password has digits or length; an identifier that pages or names a scope
            // (`first-page`, `orders.read`) has neither (the last audit of the round found
            // the key's shape let `Tr0ub4dor&3xyz` and a dotted refresh token through).
            case .tokenOrSecret: return !isAPlaceholder(value) && value.count >= 8 && (value.count >= 16 || value.contains(where: \.isNumber))
            }
        }
    }

    private static let secretWord = Array("secret".utf8), keyWord = Array("key".utf8), credWord = Array("cred".utf8), tokenWord = Array("token".utf8)
    /// What starts a header's name of one's own (`X-Key`).
    private static let extensionPrefix = Array("x".utf8)
    /// The credentials' words a name may end in alone, and what each makes of its value:
    /// a credential or a token holds any text (`X-Partner-Credential`); what signs, a SAS,
    /// a signature or an APIM subscription key (`Ocp-Apim-…`, `ocp`) may name a mode or an
    /// identifier (`signing: enabled`), so only a generated key's shape counts. `cred` is
    /// a credential's short form (`X-Creds`: an audit). Plural forms are read as their
    /// singular (``reading(_:_:)``). Not `auth` alone: the language's field (`auth:
    /// partner`), and its ending is `path`'s, which every route has (0.6 % more
    /// instructions for a lint of the benchmark estate).
    private static let wordsAlone: [([UInt8], WordsName)] = [
        ("token", .tokenOrSecret), ("secret", .tokenOrSecret), ("credential", .tokenOrSecret), ("cred", .tokenOrSecret),
        ("signing", .key), ("sas", .key), ("sig", .key), ("ocp", .key),
    ].map { (Array($0.utf8), $1) }
    private static let secretPrefixBytes = secretPrefixes.map { Array($0.utf8) }

    /// What may end a word joined in one case to `cred` (`dbcreds`, `X-DBCRED`, `sqlcred`,
    /// `mongodbcreds`, `superusercreds`): whose credential it is, a kind of account or the
    /// service it opens, where a word that only ends so has none (`sacred`; so not SQL
    /// Server's `sa`). Found by audits.
    private static let credQualifiers = [
        "db", "sql", "mysql", "mssql", "pg", "postgres", "oracle", "mongo", "redis", "cosmos", "ldap", "smtp", "ftp", "sftp", "ssh", "git",
        "aws", "azure", "gcp", "svc", "api", "app", "user", "admin", "root", "service",
    ].map { Array($0.utf8) }

    /// Words before a credential's word alone (``wordsAlone``) that make the value no secret: a paging or sync
    /// cursor (`nextPageToken`, `continuationToken`), or where a vault keeps one.
    private static let notSecretKinds = notSecretKindsOfTokens + [Array("keyvault".utf8), Array("vault".utf8)]
    /// ``notSecretKinds`` before `token`, which a vault's name does not make a reference.
    private static let notSecretKindsOfTokens = [
        "page", "pagination", "paging", "next", "continuation", "continue", "skip", "sync", "cursor", "delta", "resume", "resumption", "starting",
        "change", "scroll", "offset", "after", "watermark", "batch", "etag", "cancellation", "idempotency", "csrf", "xsrf", "antiforgery",
    ].map { Array($0.utf8) }

    /// Whether a word of a name names a secret: a credential's word, plural too, or one
    /// joined to a prefix that keeps it a secret's (`ApiToken`, `SharedKey`). A key of a
    /// tenant, a feature, a page or a partition is an identifier (the fourth audit: those
    /// compared in routing were errors), as is a word that only ends so (`monkey`).
    public static func namesASecret(_ word: String) -> Bool {
        let singular = word.hasSuffix("s") && word.count > 3 ? String(word.dropLast()) : word
        return credentialWords.contains { credential in
            singular == credential || secretPrefixes.contains { singular == $0 + credential }
        }
    }

    private static let credentialWords = ["key", "token", "secret", "password", "passcode", "passphrase", "passwd", "pwd", "credential", "cred", "signature"]
    /// Prefixes that keep a credential's word a secret's when joined to it (`apikey`).
    private static let secretPrefixes = [
        "api", "access", "auth", "client", "shared", "secret", "master", "private", "signing", "signature", "session", "refresh", "subscription", "app",
        "service", "bearer", "id", "sas", "apim", "ocp",
    ]

    /// Whether `text` looks like a generated key: sixteen characters or more, no space, dot
    /// or colon (a path, a file's name, a URL), letters and digits, not a GUID written with
    /// its dashes (a tenant's or a resource's id). Shorter words and codes (`contoso01`,
    /// `newui2024`) are what routing compares.
    public static func looksLikeAKey(_ text: String) -> Bool {
        text.count >= 16 && !text.contains(where: { $0.isWhitespace || $0 == "." || $0 == ":" }) && text.contains(where: \.isLetter)
            && text.contains(where: \.isNumber) && !isAGUID(text)
    }

    /// Whether `text` could be a password a user chose: eight characters or more, no blank,
    /// letters and a digit, not a GUID (an application's id) or a URL. Code that joins a
    /// credential from several values (a client's id and secret into `Basic`) is judged
    /// value by value with it; a scope or a host (`api.read`) has no digit.
    public static func looksLikeAPassword(_ text: String) -> Bool {
        text.count >= 8 && !text.contains(where: \.isWhitespace) && text.contains(where: \.isLetter)
            && text.contains(where: \.isNumber) && !isAGUID(text) && !text.contains("://")
    }

    private static func isAGUID(_ text: String) -> Bool {
        var text = text
        return text.utf8.count == 36 && text.withUTF8 { isGUID($0, at: 0) }
    }

    /// Whether `text` stands for a value missing (`GetValueOrDefault("X-Api-Key", "none") ==
    /// "none"` tests that the header is absent), not a value to send: a word for nothing, a
    /// scheme's name, a request for one (`X-CSRF-Token: Fetch`), or a text of fewer than
    /// three characters or without a letter or digit (`"-"`: the second audit).
    public static func isAPlaceholder(_ text: String) -> Bool {
        let trimmed = text.trimmingWhitespace
        return trimmed.count < 3 || !trimmed.contains(where: { $0.isLetter || $0.isNumber }) || isASchemeAlone(trimmed) || isAFillIn(trimmed)
            || ["missing", "undefined", "empty", "unknown", "n/a", "anonymous", "true", "false", "fetch", "required"].contains(trimmed.lowercased())
    }

    /// Whether `text` is what a document writes where a credential is to go, not one: a
    /// word for nothing, an OpenAPI example's type (`string`), a request to replace it
    /// (`changeme`, `REPLACE_ME`, `your-secret-here`, `YOUR_API_KEY_HERE`), one character
    /// repeated (`********`, `xxxxxxxx`), or an environment variable's reference
    /// (`${DB_PASSWORD}`, `$(TOKEN)`, `%API_KEY%`). Under any credential's name: Swagger's
    /// generated examples (`"access_token": "string"`) were errors (found by the audit of a
    /// change that read more names).
    public static func isAFillIn(_ text: String) -> Bool {
        let lowered = text.trimmingWhitespace.lowercased()
        guard let first = lowered.first else { return false }
        if fillIns.contains(lowered) { return true }
        if lowered.count >= 3, lowered.allSatisfy({ $0 == first }) { return true }
        // `your-…-here` of words, not of a key put between them.
        let words = lowered.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " || $0 == "." })
        if words.count >= 3, words.first == "your", words.last == "here", words.allSatisfy({ $0.allSatisfy(\.isLetter) }) { return true }
        // One reference to a variable, by a name shaped as one (`DB_PASSWORD`, `dbPassword`):
        // a generated key wrapped as one (`${Zk3pQ8…}`) is none (found by the audit of the change).
        let trimmed = text.trimmingWhitespace
        for (opening, closing) in Self.referenceMarks where trimmed.hasPrefix(opening) && trimmed.hasSuffix(closing) && trimmed.count > opening.count + closing.count {
            let name = trimmed.dropFirst(opening.count).dropLast(closing.count)
            return name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) } && Self.isShapedAsAName(name)
        }
        return false
    }

    /// The ways a template or a shell names a variable: `${NAME}`, `$(NAME)`, `%NAME%`,
    /// Azure DevOps' `#{NAME}#` and `__NAME__`.
    private static let referenceMarks = [("${", "}"), ("$(", ")"), ("#{", "}#"), ("%", "%"), ("__", "__")]

    /// Whether `name` reads as a variable's name rather than a generated key: letters, in
    /// one case (`DB_PASSWORD`, `db_password`) or mixed (`dbPassword`), and three digits at
    /// most (`DB_PASSWORD_V2`); a hex or Base64 key has many (the last audit of the round:
    /// `__<32 hex>__` passed).
    private static func isShapedAsAName(_ name: Substring) -> Bool {
        name.contains(where: \.isLetter) && name.filter(\.isNumber).count <= 3
    }

    private static let fillIns: Set<String> = [
        "none", "null", "nil", "string", "changeme", "change-me", "change_me", "replaceme", "replace-me", "replace_me", "todo", "tbd", "placeholder",
        "redacted", "example", "sample",
    ]

    /// Whether a value an `Authorization` header is compared with is an authentication
    /// scheme's name alone (`"Bearer"`: a test of what kind of credential was sent).
    public static func isASchemeAlone(_ text: String) -> Bool {
        ["basic", "bearer", "digest", "negotiate", "ntlm", "dpop", "hoba", "mutual"].contains(text.trimmingWhitespace.lowercased())
    }

    /// Whether `value`, in a place that holds nothing but a secret (a `validate-jwt`
    /// signing or decryption key), is written out: not empty, a `{{reference}}` or a
    /// `<placeholder>`.
    public static func isWrittenOut(_ value: String) -> Bool {
        value.withUTF8Bytes { isWrittenOut($0, $0.indices) }
    }

    private static let authorizationKey = Array("authorization".utf8)

    /// `text` without the scheme an `Authorization` value starts with (`Bearer `, `Basic `).
    public static func withoutScheme(_ text: String) -> String {
        text.withUTF8Bytes { bytes in String(decoding: bytes[afterScheme(bytes)], as: UTF8.self) }
    }

    /// The part of an `Authorization` value after its scheme (`Bearer `, `Basic `), or all
    /// of it when it has none.
    private static func afterScheme(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var index = 0
        while index < bytes.count, isAlphanumeric(bytes[index]) || bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index > 0, index < bytes.count, bytes[index] == 0x20 else { return bytes.indices }
        return (index + 1)..<bytes.count
    }

    /// `decoding`: whether a percent-encoded query is read decoded too
    /// (``holdsAnEncodedQuery(_:)``), which reads each of its decodings without it.
    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, decoding: Bool = true) -> Bool {
        // The loop looks at each byte once, through a bit mask; only the few bytes that may
        // start a credential are looked at closely, out of line, so that the loop carries
        // nothing but its index.
        for index in bytes.indices where mayStartCredential(bytes, at: index) {
            if startsCredential(bytes, at: index, decoding: decoding) { return true }
        }
        return holdsAnEntraClientSecret(bytes)
    }

    /// A URL passed percent-encoded as a query parameter's value (a proxy's or a
    /// redirect's target, `?target=https%3A%2F%2F…%3Fsig%3D…`) writes its own query's `=`
    /// as `%3D`: such a text is read decoded too (audit V89: a SAS `sig` and an AWS
    /// signature so passed were published), its escapes of what structures a URL put back;
    /// asked at a text's first `%3D` or `%25` (``encodedQuery(_:percent:)``), so that the
    /// scan's loop carries nothing more (a flag there cost a lint of the one-file benchmark
    /// estate 7 M instructions, a search for `%` in every text 3.5 M). Encoded twice or three times too (`%253D`),
    /// each decoding read once: one decoding read by decoding it again kept every level's
    /// copy (audit V95: 800 levels took 18 s).
    private static func encodedQuery(_ bytes: UnsafeBufferPointer<UInt8>, percent index: Int) -> Bool {
        /// Whether an escape of `=` or of `%` itself is at `place`.
        func encodesAQuery(_ place: Int) -> Bool {
            guard let byte = percentDecoded(bytes, at: place) else { return false }
            return byte == UInt8(ascii: "=") || byte == UInt8(ascii: "%")
        }
        guard encodesAQuery(index) else { return false }
        // Only at the first such escape: the search back stops at the one before, so all of
        // them cost one pass.
        var before = index - 1
        while before >= 0 {
            if bytes[before] == UInt8(ascii: "%"), encodesAQuery(before) { return false }
            before -= 1
        }
        return holdsAnEncodedQuery(bytes)
    }

    private static func holdsAnEncodedQuery(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var text = Array(bytes)
        for _ in 0..<3 {
            var decoded: [UInt8] = []
            decoded.reserveCapacity(text.count)
            let decodedAny = text.withUnsafeBufferPointer { level in
                var decodedAny = false
                var index = 0
                while index < level.count {
                    // Only what structures a URL is decoded: an escaped letter starts no word
                    // here, as it does not in the text (``afterPercentEscape(_:percent:)``).
                    if let byte = percentDecoded(level, at: index), !isAlphanumeric(byte) {
                        decodedAny = true
                        decoded.append(byte)
                        index += 3
                    } else {
                        decoded.append(level[index])
                        index += 1
                    }
                }
                return decodedAny
            }
            guard decodedAny else { return false }
            if decoded.contains(UInt8(ascii: "=")), decoded.withUnsafeBufferPointer({ scan($0, decoding: false) }) { return true }
            text = decoded
        }
        return false
    }

    /// ``entraClientSecret(_:tilde:)`` around each `~` of `bytes`, found by `memchr`: a byte
    /// this rare costs the loop above, which looks at every byte, more than a search for it
    /// (0.27 % of a lint's instructions, as a bit of its mask).
    private static func holdsAnEntraClientSecret(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Told by the length first: most texts are shorter than a secret's 37 bytes at least.
        guard bytes.count >= 37, let base = bytes.baseAddress else { return false }
        var offset = 0
        while offset < bytes.count, let found = memchr(base + offset, Int32(UInt8(ascii: "~")), bytes.count - offset) {
            let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if entraClientSecret(bytes, tilde: index) { return true }
            offset = index + 1
        }
        return false
    }

    /// `%`, `-`, `:`, `=` (below 64) and `@` (64), one bit each: bytes that matter wherever they are.
    private static let anywhereBelow64: UInt64 = 1 << 0x25 | 1 << 0x2D | 1 << 0x3A | 1 << 0x3D
    private static let anywhereFrom64: UInt64 = 1 << (0x40 - 64)
    /// `A`, `B`, `S`, `b`, `e`, `g`, `r`, `s`, `x`: bytes that matter at a word start, where
    /// tokens begin. Each letter added costs the scan a look at the byte before every one of
    /// its kind in a word (`n` cost lint of the benchmark estate 0.3 % more instructions).
    private static let atWordStart: UInt64 =
        1 << (0x41 - 64) | 1 << (0x42 - 64) | 1 << (0x53 - 64) | 1 << (0x62 - 64) | 1 << (0x65 - 64) | 1 << (0x67 - 64) | 1 << (0x72 - 64)
        | 1 << (0x73 - 64) | 1 << (0x78 - 64)

    /// Whether ``startsCredential(_:at:)`` needs to look at `index`; told by bit masks, so
    /// the letters inside words, the most common of these bytes, cost no call.
    @inline(__always)
    private static func mayStartCredential(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let byte = bytes[index]
        guard byte < 128 else { return false }
        guard byte >= 64 else { return (anywhereBelow64 >> UInt64(byte)) & 1 != 0 }
        let bit = UInt64(1) << UInt64(byte - 64)
        return anywhereFrom64 & bit != 0 || (atWordStart & bit != 0 && wordStart(bytes, index))
    }

    /// Whether a credential pattern starts at, or (for `=` and `@`) surrounds, `index`;
    /// letters are at a word start (``mayStartCredential(_:at:)`` saw to it).
    @inline(never)
    /// `decoding`: whether an encoded query is read decoded (``encodedQuery(_:percent:)``).
    private static func startsCredential(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, decoding: Bool = true) -> Bool {
        switch bytes[index] {
        case UInt8(ascii: "="): assignment(bytes, equals: index)
        case UInt8(ascii: ":"): jsonMember(bytes, colon: index) || headerLine(bytes, colon: index)
        case UInt8(ascii: "@"): userinfo(bytes, at: index) || teamsWebhook(bytes, at: index)
        case UInt8(ascii: "-"): privateKey(bytes, at: index)
        case UInt8(ascii: "%"): afterPercentEscape(bytes, percent: index) || teamsWebhook(bytes, at: index) || decoding && encodedQuery(bytes, percent: index)
        case UInt8(ascii: "e"): jwt(bytes, at: index)
        case UInt8(ascii: "g"): gitHubToken(bytes, at: index) || gitLabToken(bytes, at: index)
        case UInt8(ascii: "s"): stripeKey(bytes, at: index) || openAIKey(bytes, at: index) || slackWebhook(bytes, host: index)
        case UInt8(ascii: "r"): stripeKey(bytes, at: index)
        case UInt8(ascii: "A"): awsKeyID(bytes, at: index) || googleAPIKey(bytes, at: index)
        case UInt8(ascii: "S"): sendGridKey(bytes, at: index) || slackWebhook(bytes, host: index)
        case UInt8(ascii: "B"), UInt8(ascii: "b"): basicCredentials(bytes, at: index) || bearerToken(bytes, at: index)
        case UInt8(ascii: "x"): slackToken(bytes, at: index)
        default: false
        }
    }

    /// A percent escape of a byte that is no letter or digit (`%20`, `%2F`) ends a word as
    /// that byte does: a token URL-encoded into a query (`?h=Authorization%3A%20Bearer%20…`)
    /// starts after it. Only `%` leads here, which ordinary text rarely holds.
    private static func afterPercentEscape(_ bytes: UnsafeBufferPointer<UInt8>, percent index: Int) -> Bool {
        guard index + 3 < bytes.count, let decoded = percentDecoded(bytes, at: index), !isAlphanumeric(decoded) else { return false }
        let next = bytes[index + 3]
        return next >= 64 && next < 128 && atWordStart & 1 << UInt64(next - 64) != 0 && startsCredential(bytes, at: index + 3)
    }

    /// The byte that the percent escape at `index` (`%2B`) stands for, if one is there.
    private static func percentDecoded(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt8? {
        guard index + 2 < bytes.count, bytes[index] == UInt8(ascii: "%"), let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
        else { return nil }
        return high << 4 | low
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    // MARK: key=value

    /// Keys whose value is a credential wherever they are written, lowercased; a key
    /// ending in one of these counts too (`DbPassword`, `SharedAccessKey`, `partner-secret`).
    /// `secret` alone is not among them: `{secret: NAME}` names a declared secret.
    /// `x-functions-key` carries an Azure Functions key, the backend of many APIM APIs.
    private static let credentialKeySuffixes: [[UInt8]] = [
        "password", "pwd", "passwd", "passphrase", "passcode", "accountkey", "accesskey", "apikey", "api-key", "api_key", "privatekey",
        "private-key", "private_key", "clientsecret", "-secret", "_secret", "authorization", "subscription-key", "functions-key",
        // Written as two words (`pass-phrase`, `Pass_Code`, `pass-word`: audits).
        "pass-phrase", "pass_phrase", "pass-code", "pass_code", "pass-word", "pass_word", "pass.word",
        // Symmetric keys: whoever reads one decrypts or signs what the gateway does.
        "access_key", "access-key", "auth_token", "auth-token", "authtoken", "private_token", "private-token",
        "secretkey", "secret-key", "secret_key", "encryptionkey", "encryption-key", "encryption_key", "signingkey", "signing-key",
        "signing_key", "aeskey", "aes-key", "aes_key", "hmackey", "hmac-key", "hmac_key",
    ].map { Array($0.utf8) }

    /// The last two letters of each of ``credentialKeySuffixes``, lowercased.
    private static let credentialKeyEndings = Array(Set(credentialKeySuffixes.map { suffix in suffix.withUnsafeBufferPointer { ending($0, $0.indices) } }))

    /// ``credentialKeySuffixes`` by their last two letters.
    private static let suffixesByEnding: [(UInt16, [[UInt8]])] = credentialKeyEndings.map { end in
        (end, credentialKeySuffixes.filter { suffix in suffix.withUnsafeBufferPointer { ending($0, $0.indices) } == end })
    }

    /// The endings of ``wordsAlone`` and `key`, which end names read by their words
    /// (``namedByItsWords(_:_:)``).
    private static let wordEndings: [UInt16] = Array(Set((wordsAlone.map(\.0) + [keyWord]).map { word in word.withUnsafeBufferPointer { ending($0, $0.indices) } }))

    /// One bit per two-byte ending (``ending(_:_:)``): set for those of
    /// ``credentialKeySuffixes`` and ``wordEndings``. A name's ending is looked up in it,
    /// one load.
    private static let keyEndings: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 1024)
        func set(_ ending: UInt16) { bits[Int(ending >> 6)] |= 1 << UInt64(ending & 63) }
        credentialKeyEndings.forEach(set)
        wordEndings.forEach(set)
        return bits
    }()

    @inline(__always)
    private static func mayEndACredentialKey(_ ending: UInt16) -> Bool {
        keyEndings[Int(ending >> 6)] >> UInt64(ending & 63) & 1 != 0
    }

    /// The last two bytes of `bytes[range]` (at least two), lowercased, as one number.
    private static func ending(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt16 {
        UInt16(bytes[range.upperBound - 2] | 0x20) << 8 | UInt16(bytes[range.upperBound - 1] | 0x20)
    }

    /// Keys that are credentials as URL query parameters (after `?` or `&`), lowercased.
    private static let queryKeys: [[UInt8]] = [
        "sig", "code", "key", "token", "access_token", "apikey", "api_key", "api-key", "subscription-key",
        // Webhook and OAuth parameters (found by the audit of secrets).
        "secret", "client_secret", "client-secret", "access-token", "signature", "password", "pwd", "id_token", "refresh_token",
        // Found by the audit of leaks (thirtieth round): a SAS or an access token under these.
        "sastoken", "sas_token", "sas-token",
        // The signatures of Google Cloud Storage's and AWS's signed URLs (audit V81), which
        // open what they sign as a SAS's `sig` does.
        "x-goog-signature", "x-amz-signature",
    ].map { Array($0.utf8) }

    /// Query values shorter than this are taken for ordinary parameters (`?code=404`).
    private static let minimumQuerySecret = 8

    /// `KEY = VALUE` around the `=` at `equals`, where KEY names a credential and VALUE is
    /// written out (not empty, not a `{{reference}}` or `<placeholder>`).
    private static func assignment(_ bytes: UnsafeBufferPointer<UInt8>, equals: Int) -> Bool {
        var keyEnd = equals
        while keyEnd > 0, bytes[keyEnd - 1] == 0x20 || bytes[keyEnd - 1] == 0x09 { keyEnd -= 1 }
        var keyStart = keyEnd
        while keyStart > 0, keyEnd - keyStart < 32, isKeyByte(bytes[keyStart - 1]) { keyStart -= 1 }
        guard keyStart < keyEnd else { return false }
        var valueStart = equals + 1
        while valueStart < bytes.count, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
        // A value in one pair of quotes or braces (`Password='…'`, ODBC's `Pwd={…}`) is
        // judged inside them; `{{reference}}` is no pair (found by an audit: both were read
        // as an empty value and a reference). A quoted policy expression (`"@(…)"`) is none.
        let closing = valueStart < bytes.count ? closingMark(bytes, at: valueStart) : nil
        if closing != nil {
            valueStart += 1
            guard valueStart < bytes.count, bytes[valueStart] != UInt8(ascii: "@") else { return false }
        }
        // Read only as far as a query secret's length: what matters is the value's first
        // byte and whether it is that long. Read to its end, a long value with many `=` and
        // nothing that ends it (`password={{` 40,000 times) took a pass per `=`.
        var valueEnd = valueStart
        while valueEnd < bytes.count, valueEnd - valueStart < minimumQuerySecret, closing.map({ bytes[valueEnd] != $0 }) ?? !endsValue(bytes[valueEnd]) {
            valueEnd += 1
        }
        guard isWrittenOut(bytes, valueStart..<valueEnd), bytes[valueStart] != UInt8(ascii: "=") else { return false }
        // A name read by its words alone (`pagination_token=start`) is judged as a query's
        // key is, by its value's length, below (found by the audit of the change).
        let key = reading(bytes, keyStart..<keyEnd)
        if key.named, key.byWords == nil,
            !(key.plural?.countsOrAllows(String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd]), as: UTF8.self)) ?? false)
        {
            return true
        }
        let inAQuery = keyStart > 0 && (bytes[keyStart - 1] == UInt8(ascii: "?") || bytes[keyStart - 1] == UInt8(ascii: "&"))
        // Outside a URL's query, one read by its words holds what such a name holds in YAML
        // (`API_TOKEN=Zq7w…`, `VAULT_TOKEN=hvs.…`: an env file pasted into a body, audits
        // V81, V89), read to its end but no further than a long token's length. In a query
        // such names page or sync as often (`startingToken=AAEAAQ…`, V89): only the names
        // below count there.
        if let words = key.byWords, !inAQuery, valueEnd - valueStart >= minimumQuerySecret {
            var end = valueEnd
            while end < bytes.count, end - valueStart < 256, closing.map({ bytes[end] != $0 }) ?? !endsValue(bytes[end]) { end += 1 }
            if words.holdsOne(String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<end]), as: UTF8.self)) { return true }
        }
        guard inAQuery, valueEnd - valueStart >= minimumQuerySecret else { return false }
        return isQueryKey(bytes, keyStart..<keyEnd)
    }

    /// The mark that closes a value opened at `index` by a quote or a single brace.
    private static func closingMark(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt8? {
        switch bytes[index] {
        case UInt8(ascii: "\""), UInt8(ascii: "'"): bytes[index]
        case UInt8(ascii: "{") where index + 1 == bytes.count || bytes[index + 1] != UInt8(ascii: "{"): UInt8(ascii: "}")
        default: nil
        }
    }

    /// `"KEY": "VALUE"` around the `:` at `colon`, a JSON member where KEY names a credential
    /// and VALUE is written out, as long as a query secret at least (after an `Authorization`
    /// scheme): an example's `"password": "string"` or `"${PASSWORD}"`, a `"resetPassword":
    /// "true"`, a policy expression (`@(…)`) or a masked `"********"` is none. Told by the
    /// quote before the colon first: most colons in an estate's scalars are a URL's or a time's.
    private static func jsonMember(_ bytes: UnsafeBufferPointer<UInt8>, colon: Int) -> Bool {
        var keyEnd = colon
        while keyEnd > 0, bytes[keyEnd - 1] == 0x20 || bytes[keyEnd - 1] == 0x09 { keyEnd -= 1 }
        guard keyEnd > 1, bytes[keyEnd - 1] == UInt8(ascii: "\"") else { return false }
        keyEnd -= 1
        var keyStart = keyEnd
        while keyStart > 0, keyEnd - keyStart < 64, isKeyByte(bytes[keyStart - 1]) { keyStart -= 1 }
        guard keyStart < keyEnd, keyStart > 0, bytes[keyStart - 1] == UInt8(ascii: "\"") else { return false }
        var valueStart = colon + 1
        while valueStart < bytes.count, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
        guard valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: "\"") else { return false }
        let key = reading(bytes, keyStart..<keyEnd)
        guard key.named else { return false }
        var value = valueStart + 1
        var valueEnd = value
        while valueEnd < bytes.count, bytes[valueEnd] != UInt8(ascii: "\""), bytes[valueEnd] != UInt8(ascii: "\\") { valueEnd += 1 }
        if key.isAuthorization {
            let scheme = run(bytes, from: value) { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
            if scheme > 0, value + scheme < valueEnd, bytes[value + scheme] == 0x20 { value += scheme + 1 }
        }
        guard valueEnd - value >= minimumQuerySecret, isWrittenOut(bytes, value..<valueEnd) else { return false }
        let first = bytes[value]
        guard first != UInt8(ascii: "@"), first != UInt8(ascii: "$"), bytes[value..<valueEnd].contains(where: { $0 != first }) else { return false }
        // A member is judged as a YAML key's value is (`"credentials": "same-origin"` is
        // fetch's mode, `"signing": "enabled-always"` a switch).
        return isAskedFor(String(decoding: UnsafeBufferPointer(rebasing: bytes[value..<valueEnd]), as: UTF8.self), by: key)
    }

    /// `NAME: VALUE` as a header is written on a request's line or in a command (`curl -H
    /// 'X-Vault-Token: …'`), around the `:` at `colon`: NAME names a credential and starts
    /// the text or a word, VALUE, unquoted, could be a password (``looksLikeAPassword(_:)``)
    /// and is what such a name holds (audit V89: a vault's token so written in a body was
    /// published). Told by the byte before the colon first: a URL's scheme and a time's
    /// hours end no credential's name.
    private static func headerLine(_ bytes: UnsafeBufferPointer<UInt8>, colon: Int) -> Bool {
        guard colon > 1, isKeyByte(bytes[colon - 1]) else { return false }
        var keyStart = colon
        while keyStart > 0, colon - keyStart < 64, isKeyByte(bytes[keyStart - 1]) { keyStart -= 1 }
        // After a space, a quote, a bracket, a list's or an option's mark, or an escape
        // written out (`…\r\nX-Vault-Token:` in a C# string, read as part of the name).
        guard keyStart == 0 || " \t\r\n\"'`({[,;=\\".utf8.contains(bytes[keyStart - 1]) else { return false }
        let key = reading(bytes, keyStart..<colon)
        guard key.named else { return false }
        var value = colon + 1
        while value < bytes.count, bytes[value] == 0x20 || bytes[value] == 0x09 { value += 1 }
        if key.isAuthorization {
            let scheme = run(bytes, from: value) { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
            if scheme > 0, value + scheme < bytes.count, bytes[value + scheme] == 0x20 { value += scheme + 1 }
        }
        // A value in quotes is read inside them.
        if value < bytes.count, bytes[value] == UInt8(ascii: "\"") || bytes[value] == UInt8(ascii: "'") { value += 1 }
        let length = run(bytes, from: value) { $0 > 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "'") && $0 != UInt8(ascii: "`") }
        // A pipeline's token (`${PARTNER_TOKEN}`) or a policy expression is no value written out.
        guard length >= minimumQuerySecret, isWrittenOut(bytes, value..<(value + length)), bytes[value] != UInt8(ascii: "$"), bytes[value] != UInt8(ascii: "@")
        else { return false }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[value..<(value + length)]), as: UTF8.self)
        return looksLikeAPassword(text) && !isAPlaceholder(text) && isAskedFor(text, by: key)
    }

    /// Whether `bytes[key]` is one of ``queryKeys``, in any case.
    private static func isQueryKey(_ bytes: UnsafeBufferPointer<UInt8>, _ key: Range<Int>) -> Bool {
        queryKeys.contains { $0.count == key.count && hasSuffix(bytes, key, $0) }
    }

    /// A value that is there (not blank) and is not a `{{reference}}` or `<placeholder>`. Line
    /// breaks are blank: `<issuer-signing-keys>` holds nothing but its `<key>`s and the lines
    /// around them.
    private static func isWrittenOut(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard let first = range.first(where: { bytes[$0] != 0x20 && bytes[$0] != 0x09 && bytes[$0] != 0x0A && bytes[$0] != 0x0D }) else { return false }
        return bytes[first] != UInt8(ascii: "{") && bytes[first] != UInt8(ascii: "<")
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// What ends a value in a connection string, a query or prose.
    private static func endsValue(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "&"), UInt8(ascii: "#"), UInt8(ascii: "\""),
            UInt8(ascii: "'"), 0x20, 0x09, 0x0A, 0x0D:
            true
        default: false
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Whether `bytes[range]` ends with `suffix` (lowercase), ignoring ASCII case.
    private static func hasSuffix(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ suffix: [UInt8]) -> Bool {
        guard range.count >= suffix.count else { return false }
        var position = range.upperBound - suffix.count
        for expected in suffix {
            guard bytes[position].asciiLowercased == expected else { return false }
            position += 1
        }
        return true
    }

    // MARK: URLs

    /// `scheme://user:password@host`: the `@` ends an authority that holds a password.
    private static func userinfo(_ bytes: UnsafeBufferPointer<UInt8>, at: Int) -> Bool {
        var start = at
        while start > 0, !endsAuthority(bytes[start - 1]) { start -= 1 }
        guard start >= 3, bytes[start - 1] == UInt8(ascii: "/"), bytes[start - 2] == UInt8(ascii: "/"),
            bytes[start - 3] == UInt8(ascii: ":"),
            let colon = bytes[start..<at].firstIndex(of: UInt8(ascii: ":"))
        else { return false }
        return colon + 1 < at && bytes[colon + 1] != UInt8(ascii: "{")
    }

    /// What cannot be part of a URL's authority, so a scan back from `@` stops there; an
    /// earlier `@` too, which ends the userinfo the first `@` closes (without it, each `@`
    /// of `a@a@a@…` read back to the start: a 1 MB value took 3 minutes, an audit found).
    private static func endsAuthority(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "@"),
            UInt8(ascii: "<"), UInt8(ascii: ">"), 0x20, 0x09, 0x0A, 0x0D:
            true
        default: false
        }
    }

    // MARK: Token formats

    /// The previous byte, if any, is not a letter or digit.
    private static func wordStart(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        index == 0 || !isAlphanumeric(bytes[index - 1])
    }

    private static func isUppercase(_ byte: UInt8) -> Bool {
        byte >= 0x41 && byte <= 0x5A
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    /// Whether `literal` is written at `index`; in any ASCII case when `ignoringCase`
    /// (`literal` then in lower case).
    private static func starts(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, with literal: StaticString, ignoringCase: Bool = false) -> Bool {
        guard index + literal.utf8CodeUnitCount <= bytes.count else { return false }
        return literal.withUTF8Buffer { expected in
            for offset in expected.indices {
                let byte = bytes[index + offset]
                guard (ignoringCase ? byte.asciiLowercased : byte) == expected[offset] else { return false }
            }
            return true
        }
    }

    /// How many bytes from `index` on satisfy `accepts`, up to `limit`.
    private static func run(
        _ bytes: UnsafeBufferPointer<UInt8>, from index: Int, limit: Int = .max, _ accepts: (UInt8) -> Bool
    ) -> Int {
        var end = index
        while end < bytes.count, end - index < limit, accepts(bytes[end]) { end += 1 }
        return end - index
    }

    /// `header.payload.signature` in base64url, header and payload JSON (`eyJ` is `{"`).
    private static func jwt(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard starts(bytes, at: index, with: "eyJ") else { return false }
        let header = run(bytes, from: index, isBase64URL)
        let payload = index + header + 1
        guard payload < bytes.count, bytes[payload - 1] == UInt8(ascii: "."), starts(bytes, at: payload, with: "eyJ")
        else { return false }
        let payloadLength = run(bytes, from: payload, isBase64URL)
        let signature = payload + payloadLength + 1
        guard signature <= bytes.count, bytes[signature - 1] == UInt8(ascii: ".") else { return false }
        return signature + run(bytes, from: signature, isBase64URL) - index >= 20
    }

    /// `Basic ` (in any case, as HTTP reads schemes, and any separator of
    /// ``credentialsStart(_:after:)``) and the Base64 of printable `user:password` (RFC
    /// 7617), padded or not, in either alphabet: what a client sends in `Authorization`.
    /// Prose (`Basic authentication`) is no Base64 of such text. The text may be UTF-8 (RFC
    /// 7617's `charset`), so a password with accents or in another script counts; bytes that
    /// are not UTF-8 make it no credential.
    private static func basicCredentials(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard starts(bytes, at: index, with: "basic", ignoringCase: true), let (start, plusIsSpace) = credentialsStart(bytes, after: index + 5)
        else { return false }
        let letters = run(bytes, from: start) {
            isAlphanumeric($0) || $0 == UInt8(ascii: "+") && !plusIsSpace || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "-")
                || $0 == UInt8(ascii: "_")
        }
        let padding = run(bytes, from: start + letters, limit: 2) { $0 == UInt8(ascii: "=") }
        let end = start + letters + padding
        guard letters >= 8, padding == 0 || (letters + padding) % 4 == 0, end == bytes.count || !isAlphanumeric(bytes[end]) else { return false }
        // Decoded six bits at a time; a colon must be among printable characters.
        var bits: UInt32 = 0
        var count = 0
        var colon = false
        var utf8 = UTF8Continuation()
        for offset in start..<(start + letters) {
            let byte = bytes[offset]
            let value: UInt32 =
                switch byte {
                case 0x41...0x5A: UInt32(byte - 0x41)
                case 0x61...0x7A: UInt32(byte - 0x61 + 26)
                case 0x30...0x39: UInt32(byte - 0x30 + 52)
                case UInt8(ascii: "+"), UInt8(ascii: "-"): 62
                default: 63
                }
            bits = bits << 6 | value
            count += 6
            if count >= 8 {
                count -= 8
                let decoded = UInt8((bits >> UInt32(count)) & 0xFF)
                guard utf8.accepts(decoded) else { return false }
                if decoded == UInt8(ascii: ":") { colon = true }
            }
        }
        return colon && utf8.isComplete
    }

    /// Where the credentials after an authentication scheme's name, which ends before
    /// `index`, start: past what a copy of the header puts between them, spaces or tabs (a
    /// web page's non-breaking space too), a colon (`Bearer: …`) and a URL's encoded space
    /// (`%20`, or `+` as a form encodes it, where a `+` of the credentials is written `%2B`,
    /// so `plusIsSpace`). Nil when nothing is between them: `Bearertoken` is one word.
    private static func credentialsStart(_ bytes: UnsafeBufferPointer<UInt8>, after index: Int) -> (start: Int, plusIsSpace: Bool)? {
        var start = index
        if start < bytes.count, bytes[start] == UInt8(ascii: ":") { start += 1 }
        var plusIsSpace = false
        separators: while start < bytes.count {
            switch bytes[start] {
            case 0x20, 0x09: start += 1
            case 0xC2 where start + 1 < bytes.count && bytes[start + 1] == 0xA0: start += 2
            case UInt8(ascii: "+"): (start, plusIsSpace) = (start + 1, true)
            case UInt8(ascii: "%") where starts(bytes, at: start, with: "%20"): start += 3
            default: break separators
            }
        }
        return start > index ? (start, plusIsSpace) : nil
    }

    /// `Bearer ` (or another separator of ``credentialsStart(_:after:)``) and an opaque
    /// token: 20 characters or more of a token's alphabet, letters and digits both, changing
    /// between upper case, lower case and digits at least once in four of its letters and
    /// digits, as random text does (a JWT is read as one anywhere). Words joined by hyphens
    /// (`Bearer token-based-authentication-v2`) and placeholders
    /// (`Bearer ACCESS_TOKEN_FOR_V2_API_CALLS`, `Bearer {{token}}`) change far less: the
    /// audit of the change found the first rule took them for tokens. In a URL, the token's
    /// `+`, `/` and `=` may be percent-encoded; an encoded space ends it, so URL-encoded
    /// prose (`Bearer%20Token%20For%20The%20API%20v2`) is read a word at a time.
    private static func bearerToken(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard starts(bytes, at: index, with: "bearer", ignoringCase: true), let (start, plusIsSpace) = credentialsStart(bytes, after: index + 6)
        else { return false }
        var kinds: UInt8 = 0
        var previous: UInt8 = 0
        var alphanumerics = 0
        var changes = 0
        var characters = 0
        var end = start
        // Each token ends at a byte that no token holds and that is no separator of the one
        // it was read after (a form's `+`), so a text of many schemes is read once.
        tokenBytes: while end < bytes.count {
            let byte = bytes[end]
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39:
                let kind: UInt8 = byte >= 0x61 ? 2 : byte >= 0x41 ? 1 : 4
                if previous != 0, kind != previous { changes += 1 }
                previous = kind
                kinds |= kind
                alphanumerics += 1
                end += 1
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "/"):
                end += 1
            case UInt8(ascii: "+") where !plusIsSpace:
                end += 1
            case UInt8(ascii: "%"):
                guard let decoded = percentDecoded(bytes, at: end),
                    decoded == UInt8(ascii: "+") || decoded == UInt8(ascii: "/") || decoded == UInt8(ascii: "=")
                else { break tokenBytes }
                end += 3
            default:
                break tokenBytes
            }
            characters += 1
        }
        end += run(bytes, from: end, limit: 2) { $0 == UInt8(ascii: "=") }
        return characters >= 20 && kinds & 4 != 0 && kinds & 3 != 0 && changes * 4 >= alphanumerics - 1
            && (end == bytes.count || !isAlphanumeric(bytes[end]) && bytes[end] != UInt8(ascii: "{"))
    }

    /// Follows decoded bytes as UTF-8 of printable text: ASCII from space to tilde, and
    /// well-formed sequences of two to four bytes (no overlong forms, no surrogates, nothing
    /// past U+10FFFF), as `String` validates them.
    private struct UTF8Continuation {
        /// Continuation bytes still expected, and the range the next one must lie in.
        private var remaining = 0
        private var next: ClosedRange<UInt8> = 0x80...0xBF

        var isComplete: Bool { remaining == 0 }

        mutating func accepts(_ byte: UInt8) -> Bool {
            if remaining > 0 {
                guard next.contains(byte) else { return false }
                remaining -= 1
                next = 0x80...0xBF
                return true
            }
            switch byte {
            case 0x20...0x7E: return true
            case 0xC2...0xDF: remaining = 1
            case 0xE0: (remaining, next) = (2, 0xA0...0xBF)
            case 0xED: (remaining, next) = (2, 0x80...0x9F)
            case 0xE1...0xEF: remaining = 2
            case 0xF0: (remaining, next) = (3, 0x90...0xBF)
            case 0xF4: (remaining, next) = (3, 0x80...0x8F)
            case 0xF1...0xF3: remaining = 3
            default: return false
            }
            return true
        }
    }

    /// `-----BEGIN ... PRIVATE KEY-----`.
    private static func privateKey(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard starts(bytes, at: index, with: "-----BEGIN ") else { return false }
        let label = index + 11
        let length = run(bytes, from: label, limit: 40) { $0 != UInt8(ascii: "-") }
        return starts(bytes, at: label + length - 11, with: "PRIVATE KEY-----")
    }

    /// `ghp_`, `gho_`, `ghs_`, `ghu_`, `ghr_` and 36 letters and digits; `github_pat_` and 22 or more.
    private static func gitHubToken(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        if starts(bytes, at: index, with: "github_pat_") {
            return run(bytes, from: index + 11) { isAlphanumeric($0) || $0 == UInt8(ascii: "_") } >= 22
        }
        guard starts(bytes, at: index, with: "gh"), index + 3 < bytes.count, bytes[index + 3] == UInt8(ascii: "_")
        else { return false }
        switch bytes[index + 2] {
        case UInt8(ascii: "p"), UInt8(ascii: "o"), UInt8(ascii: "s"), UInt8(ascii: "u"), UInt8(ascii: "r"):
            return run(bytes, from: index + 4, isAlphanumeric) >= 30
        default:
            return false
        }
    }

    /// `sk_live_` or `rk_live_` and 16 or more letters and digits.
    private static func stripeKey(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard starts(bytes, at: index + 1, with: "k_live_") else { return false }
        return run(bytes, from: index + 8, isAlphanumeric) >= 16
    }

    /// A Microsoft Entra application's client secret, around its `~` at `tilde`: three
    /// characters, a digit, `Q~`, and 31 or more (34 in Entra's own, up to 40 taken), of
    /// letters, digits, `-`, `_`, `.` and `~`, standing alone: the form every secret Entra
    /// has made since 2021 takes (what an app calls the token endpoint with; found by an
    /// audit: it built in clear).
    private static func entraClientSecret(_ bytes: UnsafeBufferPointer<UInt8>, tilde index: Int) -> Bool {
        let isSecretByte = { (byte: UInt8) in isBase64URL(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~") }
        guard index >= 5, bytes[index - 1] == UInt8(ascii: "Q"), isDigit(bytes[index - 2]) else { return false }
        let start = index - 5
        guard (start..<(index - 2)).allSatisfy({ isSecretByte(bytes[$0]) }), start == 0 || !isSecretByte(bytes[start - 1]) else { return false }
        let rest = run(bytes, from: index + 1, limit: 41, isSecretByte)
        return (31...40).contains(rest)
    }

    /// `AIza` and 35 letters, digits, `-` and `_`: a Google API key.
    private static func googleAPIKey(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        starts(bytes, at: index, with: "AIza") && run(bytes, from: index + 4, limit: 36, isBase64URL) == 35
    }

    /// `sk-` and 32 or more letters, digits, `-` and `_` mixing upper case, lower case and
    /// digits (`sk-proj-…`, `sk-ant-…`): an OpenAI or Anthropic API key. A host name of
    /// words joined by `-` (`sk-prod-northeurope-invoices`) has no upper case (the audit of
    /// the change).
    private static func openAIKey(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard starts(bytes, at: index, with: "sk-") else { return false }
        let length = run(bytes, from: index + 3, isBase64URL)
        guard length >= 32 else { return false }
        let key = bytes[(index + 3)..<(index + 3 + length)]
        return key.contains { $0 >= 0x41 && $0 <= 0x5A } && key.contains { $0 >= 0x61 && $0 <= 0x7A } && key.contains(where: isDigit)
    }

    /// `glpat-` and 20 or more letters, digits, `-` and `_`: a GitLab personal access token.
    private static func gitLabToken(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        starts(bytes, at: index, with: "glpat-") && run(bytes, from: index + 6, isBase64URL) >= 20
    }

    /// `AKIA` or `ASIA` and exactly 16 upper-case letters and digits.
    private static func awsKeyID(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard starts(bytes, at: index, with: "AKIA") || starts(bytes, at: index, with: "ASIA") else { return false }
        let length = run(bytes, from: index + 4) { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }
        let end = index + 4 + length
        return length == 16 && (end == bytes.count || !isAlphanumeric(bytes[end]))
    }

    /// A Slack webhook's URL, found at the `slack` of its host `hooks.slack.com` (in any
    /// case, as hosts are read), so with or without its scheme, and URL-encoded too (`%2F`
    /// for each `/`, `%3A` for a port's `:`), as a query parameter carries it, or
    /// JSON-escaped (`\/`); the host may end in its final `.` and have a port: a webhook's
    /// path, `services/` and the team's, the bot's and the secret's parts, or Workflow
    /// Builder's `workflows/` or `triggers/` and the first three of its parts. Whoever has
    /// the URL posts to the channel or starts the workflow (a named value so written was
    /// imported in clear, and one without its scheme, encoded, escaped, with a port or a
    /// final dot passed: audits).
    private static func slackWebhook(_ bytes: UnsafeBufferPointer<UInt8>, host index: Int) -> Bool {
        guard index >= 6, starts(bytes, at: index - 6, with: "hooks.slack.com", ignoringCase: true), hostStarts(bytes, at: index - 6) else { return false }
        var index = index + 9
        /// Whether `byte` is at `index`, itself or percent-encoded, stepping past it.
        func skip(_ byte: UInt8) -> Bool {
            if index < bytes.count, bytes[index] == byte {
                index += 1
                return true
            }
            guard percentDecoded(bytes, at: index) == byte else { return false }
            index += 3
            return true
        }
        func slash() -> Bool { Self.slash(bytes, &index) }
        /// A `/`, with the `/`s and `.` segments after it that a path reads as none (`//`,
        /// `/./`: the audit of the change).
        func separator() -> Bool {
            guard slash() else { return false }
            while true {
                let mark = index
                if slash() || skip(UInt8(ascii: ".")) && slash() { continue }
                index = mark
                return true
            }
        }
        _ = skip(UInt8(ascii: "."))
        if skip(UInt8(ascii: ":")) { index += run(bytes, from: index, isDigit) }
        guard separator(), let kind = slackWebhookPaths.first(where: { starts(bytes, at: index, with: $0, ignoringCase: true) }) else { return false }
        index += kind.utf8CodeUnitCount
        guard separator() else { return false }
        for part in 0..<3 {
            let length = run(bytes, from: index, isAlphanumeric)
            guard length >= 8 else { return false }
            index += length
            if part < 2, !separator() { return false }
        }
        return true
    }

    /// A Microsoft Teams (Office 365 connector) webhook's URL, found at the `@`, written out
    /// or URL-encoded (`%40`), between the team's and the tenant's ids in its path
    /// (`…/webhookb2/GROUP@TENANT/IncomingWebhook/KEY/…`, or another connector's name for
    /// `IncomingWebhook`), its `/`s written out, URL-encoded or JSON-escaped: whoever has
    /// it posts to the channel (audit V90: one was published in clear as a named value;
    /// V95: encoded, or another connector's).
    private static func teamsWebhook(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let width = bytes[index] == UInt8(ascii: "@") ? 1 : 3
        guard width == 1 || percentDecoded(bytes, at: index) == UInt8(ascii: "@") else { return false }
        guard index >= 36, isGUID(bytes, at: index - 36), isGUID(bytes, at: index + width) else { return false }
        var next = index + width + 36
        guard slash(bytes, &next) else { return false }
        let connector = run(bytes, from: next, isAlphanumeric)
        next += connector
        return connector >= 3 && slash(bytes, &next) && run(bytes, from: next, isAlphanumeric) >= 16
    }

    /// Whether a GUID, written with its dashes, starts at `index`.
    private static func isGUID(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard index >= 0, index + 36 <= bytes.count else { return false }
        return (0..<36).allSatisfy { offset in
            [8, 13, 18, 23].contains(offset) ? bytes[index + offset] == UInt8(ascii: "-") : hexValue(bytes[index + offset]) != nil
        }
    }

    /// Whether a `/` is at `index`, written out, URL-encoded (`%2F`) or JSON-escaped
    /// (`\/`), stepping past it.
    private static func slash(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Bool {
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "/") {
            index += 2
            return true
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "/") {
            index += 1
            return true
        }
        guard percentDecoded(bytes, at: index) == UInt8(ascii: "/") else { return false }
        index += 3
        return true
    }

    /// Whether a host name starts at `index`: nothing of a name stands before it, or a
    /// percent escape of a byte that ends one (`%2F`).
    private static func hostStarts(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard index > 0 else { return true }
        let before = bytes[index - 1]
        if !isAlphanumeric(before) { return before != UInt8(ascii: ".") && before != UInt8(ascii: "-") }
        return index >= 3 && percentDecoded(bytes, at: index - 3).map { !isAlphanumeric($0) } ?? false
    }

    private static let slackWebhookPaths: [StaticString] = ["services", "workflows", "triggers"]

    /// `xoxb-`, `xoxp-`, `xoxa-`, `xoxs-`, `xoxr-` and 10 or more letters, digits and hyphens.
    private static func slackToken(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard starts(bytes, at: index, with: "xox"), index + 4 < bytes.count, bytes[index + 4] == UInt8(ascii: "-")
        else { return false }
        switch bytes[index + 3] {
        case UInt8(ascii: "b"), UInt8(ascii: "p"), UInt8(ascii: "a"), UInt8(ascii: "s"), UInt8(ascii: "r"):
            return run(bytes, from: index + 5) { isAlphanumeric($0) || $0 == UInt8(ascii: "-") } >= 10
        default:
            return false
        }
    }
}
