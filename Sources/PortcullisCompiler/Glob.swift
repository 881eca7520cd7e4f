/// Path patterns for `exclude`: `*` matches within one path segment, `**` across
/// segments (`legacy/**` is everything under `legacy`), `?` one character.
///
/// Matching keeps the set of pattern positions reachable after each character of the path,
/// so it takes time proportional to the pattern's length times the path's, whatever the
/// pattern: backtracking on `*a*a*a…b` would take exponential time.
enum Glob {
    /// One element of a pattern.
    private enum Step {
        case literal(Unicode.Scalar)
        /// `?`: one character other than `/`.
        case one
        /// `*`: any characters other than `/`, none included.
        case segment
        /// `**`: any characters, none included.
        case anything
        /// Matches nothing and goes on either to the next step or past the `count` after it:
        /// `**/` is a fork past `**` and `/`, as it may also match no folder at all.
        case fork(past: Int)
    }

    static func matches(_ pattern: String, _ path: String) -> Bool {
        let steps = compile(Array(pattern.unicodeScalars))
        var reached = [Bool](repeating: false, count: steps.count + 1)
        reached[0] = true
        close(&reached, steps)
        for character in path.unicodeScalars {
            var next = [Bool](repeating: false, count: steps.count + 1)
            for (index, step) in steps.enumerated() where reached[index] {
                switch step {
                case .literal(let expected): if character == expected { next[index + 1] = true }
                case .one: if character != "/" { next[index + 1] = true }
                case .segment: if character != "/" { next[index] = true }
                case .anything: next[index] = true
                case .fork: break
                }
            }
            close(&next, steps)
            guard next.contains(true) else { return false }
            reached = next
        }
        return reached[steps.count]
    }

    /// Adds the positions reachable by matching nothing; these only lead forward, so one
    /// pass in order suffices.
    private static func close(_ reached: inout [Bool], _ steps: [Step]) {
        for (index, step) in steps.enumerated() where reached[index] {
            switch step {
            case .literal, .one: break
            case .segment, .anything: reached[index + 1] = true
            case .fork(let count):
                reached[index + 1] = true
                reached[index + 1 + count] = true
            }
        }
    }

    private static func compile(_ pattern: [Unicode.Scalar]) -> [Step] {
        var steps: [Step] = []
        var index = 0
        while index < pattern.count {
            switch pattern[index] {
            case "*" where index + 1 < pattern.count && pattern[index + 1] == "*":
                if index + 2 < pattern.count, pattern[index + 2] == "/" {
                    steps += [.fork(past: 2), .anything, .literal("/")]
                    index += 3
                } else {
                    steps.append(.anything)
                    index += 2
                }
            case "*":
                steps.append(.segment)
                index += 1
            case "?":
                steps.append(.one)
                index += 1
            default:
                steps.append(.literal(pattern[index]))
                index += 1
            }
        }
        return steps
    }
}
