/// Path patterns for `exclude`: `*` matches within one path segment, `**` across
/// segments (`legacy/**` is everything under `legacy`), `?` one character.
public enum Glob {
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        match(Array(pattern.unicodeScalars)[...], Array(path.unicodeScalars)[...])
    }

    private static func match(_ pattern: ArraySlice<Unicode.Scalar>, _ path: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "*" {
            let rest = pattern.dropFirst()
            if rest.first == "*" {
                // `**/` also matches no directory at all.
                var after = rest.dropFirst()
                if after.first == "/", match(after.dropFirst(), path) { return true }
                if after.isEmpty { return true }
                after = rest.dropFirst()
                return path.indices.contains { match(after, path[$0...]) } || match(after, path[path.endIndex...])
            }
            var index = path.startIndex
            while true {
                if match(rest, path[index...]) { return true }
                guard index < path.endIndex, path[index] != "/" else { return false }
                index += 1
            }
        }
        guard let character = path.first else { return false }
        if first == "?" ? character != "/" : first == character {
            return match(pattern.dropFirst(), path.dropFirst())
        }
        return false
    }
}
