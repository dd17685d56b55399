import Foundation
import XCTest
import Charts
@testable import Script

/// A scratch directory with small data files the tests write themselves (no network, no MNIST needed).
final class Scratch {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "nnlab-script-tests-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let p = file(name)
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    /// Two well-separated 2-D blobs (labels 0/1) as CSV with a header: 40 training rows, 20 test rows.
    func blobs() -> (train: String, test: String) {
        func rows(_ n: Int, seed: Int) -> String {
            var lines = ["label,x,y"]
            var state = UInt64(seed)
            func next() -> Double {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Double(state >> 11) / Double(1 << 53) - 0.5
            }
            for i in 0..<n {
                let c = i % 2
                lines.append("\(c),\(String(format: "%.4f", (c == 0 ? -2 : 2) + next())),\(String(format: "%.4f", next()))")
            }
            return lines.joined(separator: "\n") + "\n"
        }
        return (write("train.csv", rows(40, seed: 1)), write("test.csv", rows(20, seed: 2)))
    }
}

extension Scratch {
    /// A small stand-in for MNIST in `<path>/mnist/` as the CSV layout the loader converts (label, 784
    /// pixels): class c is a stroke at a place of its own plus a little noise, so a model learns most of it
    /// and still makes mistakes. Point NNLAB_DATA at `path` to have `load mnist` read it.
    func syntheticMNIST(train: Int, test: Int) {
        try? FileManager.default.createDirectory(atPath: file("mnist"), withIntermediateDirectories: true)
        var state: UInt64 = 12345
        func noise() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 58)  // 0...63
        }
        func rows(_ count: Int) -> String {
            var lines = ["label," + (0..<784).map { "p\($0)" }.joined(separator: ",")]
            for index in 0..<count {
                let label = index % 10
                var pixels = [Int](repeating: 0, count: 784)
                let column = 4 + 2 * label + noise() % 3 - 1
                for row in 5..<23 {
                    for x in column..<(column + 3) where x >= 0 && x < 28 { pixels[row * 28 + x] = 255 - noise() }
                }
                // A shared crossbar blurs neighbouring classes together.
                for x in 6..<22 where noise() < 24 { pixels[(8 + label % 3) * 28 + x] = 200 }
                lines.append("\(label)," + pixels.map(String.init).joined(separator: ","))
            }
            return lines.joined(separator: "\n") + "\n"
        }
        write("mnist/mnist_train.csv", rows(train))
        write("mnist/mnist_test.csv", rows(test))
    }
}

/// Runs `body` with the environment variable `name` set to `value`, then restores it.
func withEnvironment<T>(_ name: String, _ value: String, _ body: () throws -> T) rethrows -> T {
    let previous = getenv(name).map { String(cString: $0) }
    setenv(name, value, 1)
    defer {
        if let previous { setenv(name, previous, 1) } else { unsetenv(name) }
    }
    return try body()
}

/// An interpreter with silent console and fixed chart settings, so output does not depend on the terminal.
func quietInterpreter(unicode: Bool = true) -> Interpreter {
    let i = Interpreter(console: Console(echo: false, isTerminal: false))
    i.fixedChartOptions = ChartOptions(width: 72, height: 10, unicode: unicode, color: false)
    return i
}

