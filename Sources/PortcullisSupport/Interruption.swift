import Dispatch
import FoundationEssentials
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What a run stopped by SIGINT, SIGTERM or SIGHUP (a closed terminal) must not leave
/// behind: the folders it made to work in (a `diff --git-base` copy of the base, a build's
/// staging folder) and the child processes that feed them (the `git cat-file` a copy of
/// the base is read from, which otherwise goes on for a folder nobody removes). On any of them the
/// children are killed first, so
/// nothing writes on, then the folders are removed, and the process exits as the signal
/// would have it (128 + its number).
///
/// Only what a run registers is touched: folders it created itself, under names it chose.
/// The signals are taken at the first registration: a run that makes no scratch folder
/// (a lint) keeps their default action and starts no thread for them.
public enum Interruption {
    /// What a run has registered, and the signal sources taken once something was.
    private struct Registrations {
        var folders: [Int: String] = [:]
        var processes: [Int: Int32] = [:]
        var nextToken = 0
        var sources: [any DispatchSourceSignal] = []

        /// Takes SIGINT, SIGTERM and SIGHUP from their default action, which ends the process at
        /// once, and cleans up before ending it.
        mutating func handleSignals() {
            guard sources.isEmpty else { return }
            for number in [SIGINT, SIGTERM, SIGHUP] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { Interruption.stop(number) }
                source.resume()
                sources.append(source)
            }
        }

        mutating func add(_ register: (inout Registrations, Int) -> Void) -> Token {
            handleSignals()
            nextToken += 1
            register(&self, nextToken)
            return Token(value: nextToken)
        }
    }

    private static let registrations = Mutex(Registrations())
    private static let stopping = Atomic(false)

    /// Whether a signal is taking the run down: a writer that asks makes nothing more in a
    /// folder being removed, so the removal ends with the folder gone.
    public static var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// A registration, given back with ``release(_:)`` once what it names is gone or kept.
    public struct Token: Sendable {
        fileprivate let value: Int
    }

    /// Registers `folder`, which the run made, for removal if the run is stopped.
    public static func removeIfStopped(folder: String) -> Token {
        registrations.withLock { $0.add { $0.folders[$1] = folder } }
    }

    /// Starts child processes with `start`, which gives back their ids, and registers them
    /// to be killed if the run is stopped, as one step: a signal that comes while they start
    /// waits for them to be registered, then kills them too. (Registered after starting, a
    /// child that had started was left running by a signal in between.) `start` must not
    /// register anything itself.
    public static func killIfStopped(starting start: () throws -> [Int32]) throws -> [Token] {
        try registrations.withLock { registered in
            registered.handleSignals()
            return try start().map { process in registered.add { $0.processes[$1] = process } }
        }
    }

    public static func release(_ token: Token) {
        registrations.withLock {
            $0.folders[token.value] = nil
            $0.processes[token.value] = nil
        }
    }

    /// Kills the registered children, removes the registered folders and exits. The lock
    /// is kept to the end: no registration changes while the run is being taken down.
    fileprivate static func stop(_ number: Int32) -> Never {
        stopping.store(true, ordering: .releasing)
        registrations.withLock { registered -> Never in
            for process in registered.processes.values { kill(process, SIGKILL) }
            for process in registered.processes.values { waitpid(process, nil, 0) }
            // A build's writers stop making files once they see ``isStopping``, but one may
            // be half-way through a file, so a pass can leave it behind; once the folder is
            // gone they can make nothing (they never make its own top again), so removing
            // until it is gone ends. The bound is for a file system that refuses removal.
            for folder in registered.folders.values {
                for _ in 0..<2_000 {
                    try? FileManager.default.removeItem(atPath: folder)
                    var status = stat()
                    guard lstat(folder, &status) == 0 else { break }
                    usleep(5_000)
                }
            }
            exit(128 + number)
        }
    }
}
