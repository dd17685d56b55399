import Foundation
import Charts
import Script
import Transcript

/// `nnlab check submitted.ipynb`: runs the notebook's code again and says, cell by cell, whether the stored
/// outputs are what the code produces. The notebook's run facts (seed, timing, data checksums, nnlab version,
/// BLAS kernel, chart settings) set up the re-run and explain the differences that can be legitimate.
public enum NotebookCheck {
    public struct CellReport: Equatable, Sendable {
        /// "In[3] Train" (the cell's title, else its first line).
        public var label: String
        public var verdict: CellVerdict
        /// Figures (SVG) that differ while the text matches, by position in the cell.
        public var differingFigures: [Int] = []

        public var matches: Bool { verdict.matches && differingFigures.isEmpty }
    }

    public struct Report: Equatable, Sendable {
        public var notebook: String
        /// What the notebook says about its run, and what this run is.
        public var facts: [String]
        public var cells: [CellReport]
        /// Why differences may be legitimate (different seed, data, version, BLAS kernel...).
        public var reasons: [String]

        public var allMatch: Bool { cells.allSatisfy(\.matches) }
    }

    /// Checks `path`; returns the report, or the reading error as printed.
    public static func check(path: String, tolerance: Double,
                             shouldStop: @escaping () -> Bool) throws(NotebookFileError) -> Report {
        let notebook = try NotebookFile.read(path)
        let facts = notebook.run
        let interpreter = Interpreter(console: Console(echo: false, isTerminal: false))
        interpreter.shouldStop = shouldStop
        interpreter.showTiming = facts?.timing ?? true
        // Charts drawn as they were: same width and glyphs, never colour.
        interpreter.fixedChartOptions = ChartOptions.notebook(width: facts?.chartWidth ?? ChartOptions.defaultWidth,
                                                              unicode: facts?.unicodeCharts ?? true,
                                                              unicodeLabels: facts?.unicodeChartLabels)
        let (_, produced) = NotebookRun.execute(notebook, name: path, interpreter: interpreter, allowErrors: true)
        let here = interpreter.header(script: path)
        // What the code produces, written as a notebook and read back: both sides compared in the same form.
        let producedOutputs: [[NotebookOutput]]
        if let reread = try? NotebookReader.parse(Array(Transcript(header: here, cells: produced).render(.notebook).utf8)) {
            producedOutputs = reread.cells.map(\.outputs)
        } else {
            producedOutputs = produced.map { _ in [] }
        }

        let ignoreDurations = facts?.timing ?? true
        var cells: [CellReport] = []
        var count = 0
        for (index, cell) in notebook.cells.enumerated() where cell.kind == .code {
            count += 1
            let label = "In[\(count)]" + (cell.title ?? firstLine(cell.source)).map { " " + $0 }.map { String($0.prefix(48)) }.orEmpty
            let ran = index < produced.count && produced[index].executionCount != nil
            let mine = index < producedOutputs.count ? producedOutputs[index] : []
            if cell.executionCount == nil && cell.outputs.isEmpty && (ran && !mine.isEmpty) {
                cells.append(CellReport(label: label, verdict: .notRun))
                continue
            }
            let verdict = OutputComparison.compare(stored: OutputComparison.text(of: cell.outputs),
                                                   produced: OutputComparison.text(of: mine),
                                                   ignoreDurations: ignoreDurations, tolerance: tolerance)
            let storedFigures = OutputComparison.figures(of: cell.outputs), myFigures = OutputComparison.figures(of: mine)
            var differing: [Int] = []
            if verdict.matches {
                for position in 0..<max(storedFigures.count, myFigures.count) where
                    position >= storedFigures.count || position >= myFigures.count || storedFigures[position] != myFigures[position] {
                    differing.append(position + 1)
                }
            }
            cells.append(CellReport(label: label, verdict: verdict, differingFigures: differing))
        }
        // A notebook run in Jupyter has no run facts, but the kernel's language_info names the nnlab version.
        let kernelVersion = notebook.metadata["language_info"]?["name"]?.stringValue == "nnlab"
            ? notebook.metadata["language_info"]?["version"]?.stringValue : nil
        var report = Report(notebook: path, facts: describe(facts, kernelVersion: kernelVersion, here: here), cells: cells, reasons: [])
        if !report.allMatch { report.reasons = reasons(facts, kernelVersion: kernelVersion, here: here) }
        return report
    }

    private static func firstLine(_ source: String) -> String? {
        source.split(separator: "\n").lazy.map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
    }

    private static func describe(_ facts: TranscriptHeader?, kernelVersion: String?, here: TranscriptHeader) -> [String] {
        var lines: [String] = []
        if let f = facts {
            var parts = ["nnlab \(f.version)", f.seed.map { "seed \($0)" } ?? "no seed", f.timing ? "with timing" : "no timing"]
            if let blas = f.blas { parts.append(blas) }
            lines.append("notebook: " + parts.joined(separator: ", "))
            for d in f.data { lines.append("  data \(d.file) sha256 \(d.sha256.prefix(16))...") }
        } else if let version = kernelVersion {
            lines.append("notebook: run in Jupyter by the nnlab \(version) kernel (no seed, data checksums or BLAS kernel recorded)")
        } else {
            lines.append("notebook: no nnlab run facts (metadata.nnlab): not written by nnlab, or never run")
        }
        lines.append("this run: nnlab \(here.version), \(here.blas ?? "BLAS unknown")")
        return lines
    }

    private static func reasons(_ facts: TranscriptHeader?, kernelVersion: String?, here: TranscriptHeader) -> [String] {
        guard let f = facts else {
            var reasons: [String] = []
            if here.seed == nil {
                reasons.append("the code sets no seed: initial weights and shuffles differ on every run, so trained numbers differ ('seed N' in the first cell fixes that)")
            }
            reasons.append("the notebook records no data checksums or BLAS kernel (no metadata.nnlab\(kernelVersion != nil ? ": it was run in Jupyter" : "")), so another data file or BLAS kernel cannot be ruled out")
            if let version = kernelVersion, version != here.version {
                reasons.append("the notebook was made with nnlab \(version), this is nnlab \(here.version): outputs can change between versions")
            }
            return reasons
        }
        var reasons: [String] = []
        if f.version != here.version {
            reasons.append("the notebook was made with nnlab \(f.version), this is nnlab \(here.version): outputs can change between versions")
        }
        if f.seed == nil {
            reasons.append("the notebook sets no seed: initial weights and shuffles differ on every run, so trained numbers differ")
        } else if let seed = f.seed, here.seed != seed {
            reasons.append("the notebook's metadata says seed \(seed) but its code sets \(here.seed.map(String.init) ?? "none"): the code was changed after the run")
        }
        for d in f.data {
            if let mine = here.data.first(where: { $0.file == d.file }) {
                if mine.sha256 != d.sha256 {
                    reasons.append("data file \(d.file) differs: the notebook's has sha256 \(d.sha256.prefix(16))..., this one \(mine.sha256.prefix(16))...")
                }
            } else {
                reasons.append("the notebook used data file \(d.file) (sha256 \(d.sha256.prefix(16))...), which this run did not load")
            }
        }
        if let blas = f.blas, let mine = here.blas, blas != mine {
            reasons.append("BLAS kernel: the notebook ran on \(blas), this machine uses \(mine): matrix products can differ in the last digits, and training makes such differences grow")
        }
        if f.timing { reasons.append("the notebook shows durations: they were left out of the comparison") }
        return reasons
    }
}

extension NotebookCheck.Report {
    /// The report as printed: facts, one line per code cell (with the details of a difference), the reasons.
    public func rendered() -> String {
        var text = facts.joined(separator: "\n") + "\n\n"
        let width = min(52, (cells.map(\.label.count).max() ?? 0) + 2)
        for cell in cells {
            let label = cell.label + String(repeating: " ", count: max(2, width - cell.label.count))
            let figures = cell.differingFigures.map(String.init).joined(separator: ", ")
            switch cell.verdict {
            case _ where !cell.differingFigures.isEmpty:
                text += "\(label)DIFFERS: figure\(cell.differingFigures.count == 1 ? "" : "s") \(figures) (SVG; the text matches)\n"
            case .same:
                text += "\(label)ok\n"
            case .sameIgnoringDurations:
                text += "\(label)ok (durations ignored)\n"
            case .withinTolerance(let numbers):
                text += "\(label)ok within tolerance (\(numbers.count) number\(numbers.count == 1 ? "" : "s") differ)\n"
                for n in numbers.prefix(8) { text += "    line \(n.line): \(n.summary)\n" }
            case .numbersDiffer(let numbers):
                text += "\(label)DIFFERS: \(numbers.count) number\(numbers.count == 1 ? "" : "s")\n"
                for n in numbers.prefix(12) { text += "    line \(n.line): \(n.summary)\n" }
                if numbers.count > 12 { text += "    ... and \(numbers.count - 12) more\n" }
            case .textDiffers(let line, let stored, let produced, let numbers):
                text += "\(label)DIFFERS from output line \(line)\n"
                for n in numbers.prefix(6) { text += "    line \(n.line): \(n.summary)\n" }
                let (a, b) = OutputComparison.aroundFirstDifference(stored, produced)
                text += "    stored:   \(a)\n"
                text += "    produced: \(b)\n"
            case .notRun:
                text += "\(label)NOT RUN in the notebook (no outputs, no execution count)\n"
            }
        }
        let differing = cells.filter { !$0.matches }.count
        if !reasons.isEmpty {
            text += "\nwhy outputs may differ:\n" + reasons.map { "  - \($0)\n" }.joined()
        }
        text += differing == 0
            ? "\nall \(cells.count) code cell\(cells.count == 1 ? "" : "s") match\n"
            : "\n\(differing) of \(cells.count) code cell\(cells.count == 1 ? "" : "s") differ\n"
        return text
    }
}

extension Optional where Wrapped == String {
    fileprivate var orEmpty: String { self ?? "" }
}
