import Foundation
import Script

// libFuzzer entry point: every input is a script typed by a student, run through the lexer, the parser and a
// fresh interpreter. Only data-free, fast work runs: an input that would read or write files, fetch MNIST or
// build something big is rejected by `FuzzGate` before anything executes, so a run is a pure function of
// the bytes (and of a short deadline that interrupts training and long loops the way Ctrl-C would).
//
// Build and run with scripts/fuzz.sh.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let cellMode = text.contains("%%")
    guard FuzzGate.allows(text, asCells: cellMode) else { return -1 }  // -1: keep out of the corpus
    let interpreter = Interpreter(console: Console(echo: false, isTerminal: false))
    // A deadline stands in for Ctrl-C: training, kNN and `for` loops poll it and stop with "interrupted".
    let deadline = DispatchTime.now().uptimeNanoseconds + FuzzGate.deadlineNanoseconds
    interpreter.shouldStop = { DispatchTime.now().uptimeNanoseconds > deadline }
    if cellMode {
        _ = interpreter.runSource(text, file: "fuzz.nnl", allowErrors: true)
    } else {
        _ = interpreter.runInteractive(text, file: "fuzz.nnl", firstLine: 1 + size % 3, atEndOfInput: true)
        // The REPL's tab completion sees whatever the user typed.
        let firstLine = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let lastWord = firstLine.split(separator: " ").last.map(String.init) ?? ""
        _ = interpreter.completions(line: firstLine, word: lastWord)
    }
    return 0
}

/// Decides, before running, whether an input stays inside the fuzzing sandbox: no file or network access and
/// no command whose size arguments would make one execution slow. Anything it cannot judge is rejected.
enum FuzzGate {
    static let deadlineNanoseconds: UInt64 = 2_000_000

    /// Commands known to stay in memory. Any other command of the language (`save`, `record`, and whatever is
    /// added later) is rejected; unknown words are fine, they only produce an error.
    static let safeCommands: Set<String> = ["help", "seed", "print", "set", "vars", "exit", "quit", "load", "split", "data",
                                            "show", "model", "use", "layer", "mlp", "summary", "knn", "linear", "loss",
                                            "optimizer", "regularization", "train", "gradcheck", "eval", "predict", "confusion", "per_class",
                                            "mistakes", "distance", "plot", "runs"]
    /// What `load` may not load: these read files or fetch data.
    static let deniedLoads: Set<String> = ["mnist", "fashion-mnist", "csv", "model"]
    /// Commands that do real work (allocate, train, evaluate, draw); how many of them may run per input.
    static let heavyCommands: Set<String> = ["load", "mlp", "layer", "linear", "knn", "train", "gradcheck", "eval", "predict",
                                             "confusion", "per_class", "mistakes", "plot", "show", "split", "data", "distance",
                                             "summary"]
    static let maxHeavyRuns = 24
    static let maxLayerWidth = 64.0
    static let maxToyPoints = 300.0
    static let maxEpochs = 5.0
    static let maxGradcheckSamples = 16.0

    static func allows(_ text: String, asCells: Bool) -> Bool {
        // Judge the text as the interpreter will see it: runSource and runInteractive turn "\r\n" into "\n"
        // first, and CellSplitter would otherwise see a CRLF script as one line (and let `load mnist` through).
        let text = text.replacingOccurrences(of: "\r\n", with: "\n")
        var programs: [[Statement]] = []
        if asCells {
            for cell in CellSplitter.split(text) where cell.kind == .code {
                programs.append(Parser.parse(cell.source, firstLine: cell.firstLine).statements)
            }
        } else {
            programs.append(Parser.parse(text).statements)
        }
        var assigned: Set<String> = []
        for program in programs { collectAssigned(program, into: &assigned) }
        var checker = Checker(assigned: assigned)
        for program in programs where !checker.check(program, multiplicity: 1) { return false }
        return true
    }

    static func collectAssigned(_ statements: [Statement], into names: inout Set<String>) {
        for statement in statements {
            switch statement {
            case .assign(let name, _, _): names.insert(name)
            case .loop(let variable, _, _, let body):
                names.insert(variable)
                collectAssigned(body, into: &names)
            case .command: break
            }
        }
    }

    /// A value known before running: a constant, or a bare word that no `let`/`for` ever rebinds.
    enum Known { case number(Double), text(String), list([Known]), unknown }

    struct Checker {
        let assigned: Set<String>
        var heavyRuns = 0

        func fold(_ expr: Expr, depth: Int = 0) -> Known {
            if depth > 64 { return .unknown }
            switch expr {
            case .number(let v, _): return .number(v)
            case .string(let s, _): return s.contains("{") ? .unknown : .text(s)
            case .name(let n, _): return assigned.contains(n) ? .unknown : .text(n)
            case .list(let items, _): return .list(items.map { fold($0, depth: depth + 1) })
            case .negate(let inner, _):
                if case .number(let v) = fold(inner, depth: depth + 1) { return .number(-v) }
                return .unknown
            case .binary(let op, let l, let r, _):
                guard case .number(let a) = fold(l, depth: depth + 1), case .number(let b) = fold(r, depth: depth + 1) else {
                    return .unknown
                }
                switch op {
                case "+": return .number(a + b)
                case "-": return .number(a - b)
                case "*": return .number(a * b)
                case "/": return b == 0 ? .unknown : .number(a / b)
                default: return .unknown  // `^`: judged unknown, so a size written as a power is not let through
                }
            case .call:
                return .unknown
            }
        }

        /// A size argument: fine if absent, not a number (the command rejects it), or a number within `limit`.
        func small(_ expr: Expr?, _ limit: Double) -> Bool {
            guard let expr else { return true }
            switch fold(expr) {
            case .number(let v): return v <= limit
            case .text: return true
            case .list(let items): return items.allSatisfy { if case .number(let v) = $0 { return v <= limit }; if case .unknown = $0 { return false }; return true }
            case .unknown: return false
            }
        }

        mutating func check(_ statements: [Statement], multiplicity: Int) -> Bool {
            for statement in statements {
                switch statement {
                case .assign: continue
                case .loop(_, _, let sequence, let body):
                    // Loops over a list written out have a known trip count; the deadline bounds the others.
                    var trips = 50
                    if case .list(let items) = fold(sequence) { trips = items.count }
                    if !check(body, multiplicity: multiplicity * max(1, trips)) { return false }
                case .command(let name, _, let arguments):
                    if !allowsCommand(name, arguments) { return false }
                    if FuzzGate.heavyCommands.contains(name) {
                        heavyRuns += multiplicity
                        if heavyRuns > FuzzGate.maxHeavyRuns { return false }
                    }
                }
            }
            return true
        }

        func allowsCommand(_ name: String, _ arguments: [Argument]) -> Bool {
            if Commands.table[name] != nil && !FuzzGate.safeCommands.contains(name) { return false }
            let positional = arguments.filter { $0.key == nil }.map(\.value)
            func option(_ key: String) -> Expr? { arguments.first { $0.key == key }?.value }
            switch name {
            case "load":
                guard let what = positional.first else { return true }
                switch fold(what) {
                case .text(let t): if FuzzGate.deniedLoads.contains(t) { return false }
                case .unknown: return false
                default: break
                }
                return small(option("n"), FuzzGate.maxToyPoints)
            case "mlp":
                return positional.count <= 8 && positional.allSatisfy { small($0, FuzzGate.maxLayerWidth) }
            case "layer":
                return positional.allSatisfy { small($0, FuzzGate.maxLayerWidth) }
            case "train":
                return small(option("epochs"), FuzzGate.maxEpochs)
            case "gradcheck":
                return small(option("n"), FuzzGate.maxGradcheckSamples)
            default:
                return true
            }
        }
    }
}
