import Foundation
import PortcullisDiagnostics
import PortcullisModel
import PortcullisSyntax

/// Decodes documents on a second thread while the caller's thread reads YAML.
///
/// A single large file cannot be split across cores, but reading (libyaml and the tree)
/// and decoding each take about half the time, so overlapping them uses both cores.
/// Documents pass through in small batches so locking costs stay negligible.
final class PipelinedDecoder: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [YAMLDocument] = []
    private var batch: [YAMLDocument] = []
    private var closed = false
    private var finished = false
    private var decoder = DocumentDecoder()
    /// How many documents wait before the consumer is woken; bounds memory as well.
    private let batchSize = 8
    private let maxPending = 64

    init() {
        let thread = Thread { [self] in consume() }
        thread.stackSize = 1 << 22
        thread.start()
    }

    /// Called on the reading thread for each document.
    func push(_ document: YAMLDocument) {
        batch.append(document)
        guard batch.count >= batchSize else { return }
        flush()
    }

    /// Waits for every document to be decoded and returns the result.
    func finish(complete: Bool) -> (Definitions, DiagnosticCollector) {
        flush()
        condition.lock()
        closed = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
        if !complete { decoder.markIncomplete() }
        return decoder.finish()
    }

    private func flush() {
        guard !batch.isEmpty else { return }
        condition.lock()
        while pending.count >= maxPending { condition.wait() }
        pending.append(contentsOf: batch)
        condition.broadcast()
        condition.unlock()
        batch.removeAll(keepingCapacity: true)
    }

    private func consume() {
        while true {
            condition.lock()
            while pending.isEmpty && !closed { condition.wait() }
            let work = pending
            pending.removeAll(keepingCapacity: true)
            let done = closed && work.isEmpty
            if done { finished = true }
            condition.broadcast()
            condition.unlock()
            if done { return }
            for document in work { decoder.decode(document) }
        }
    }
}
