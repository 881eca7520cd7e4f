/// Identifies one input file of a run; an index into ``SourceFiles``.
///
/// Input files are numbered in sorted path order, so comparing identifiers
/// compares paths, which keeps diagnostics sorting cheap.
public struct FileID: Hashable, Comparable, Sendable {
    public let index: UInt32

    public init(_ index: Int) {
        self.index = UInt32(index)
    }

    public static func < (lhs: FileID, rhs: FileID) -> Bool { lhs.index < rhs.index }
}

/// A 1-based line and column; columns count Unicode scalars, as libyaml does.
public struct SourcePosition: Hashable, Comparable, Sendable {
    public var line: UInt32
    public var column: UInt32

    public init(line: Int, column: Int) {
        self.line = UInt32(line)
        self.column = UInt32(column)
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// A span of one input file; `end` is exclusive.
public struct SourceRange: Hashable, Comparable, Sendable {
    public var file: FileID
    public var start: SourcePosition
    public var end: SourcePosition

    public init(file: FileID, start: SourcePosition, end: SourcePosition) {
        self.file = file
        self.start = start
        self.end = end
    }

    /// A range covering one scalar at `position`, for places that have no natural extent.
    public static func point(_ file: FileID, line: Int, column: Int) -> SourceRange {
        SourceRange(
            file: file,
            start: SourcePosition(line: line, column: column),
            end: SourcePosition(line: line, column: column + 1)
        )
    }

    /// Whether `other` starts in this range (an environment's document holds a finding).
    public func holdsTheStart(of other: SourceRange) -> Bool {
        file == other.file && start <= other.start && other.start < end
    }

    public static func < (lhs: SourceRange, rhs: SourceRange) -> Bool {
        (lhs.file, lhs.start, lhs.end) < (rhs.file, rhs.start, rhs.end)
    }
}

/// One line of one input file, as a key: reports index what they know by line.
struct SourceLine: Hashable {
    var file: FileID
    var line: UInt32
}
