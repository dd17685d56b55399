import Charts
import Foundation

/// Deterministic, realistic data for the chart tests. Randomness comes from a fixed-seed LCG (Knuth's MMIX
/// constants), never the system RNG, so snapshots are stable across machines.
struct LCG {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(UInt64(1) << 53)
    }

    /// Standard normal by Box–Muller.
    mutating func normal() -> Double {
        let u1 = max(uniform(), 1e-12), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

enum Fixtures {
    static let stepsPerEpoch = 938
    static let epochs = 5

    /// Per-batch training loss of an MNIST MLP: 2.30 at the start, a fast drop, a slow tail, batch noise.
    static var trainingLoss: Series {
        var random = LCG(seed: 7)
        let steps = stepsPerEpoch * epochs
        let x = (0..<steps).map { Double($0) / Double(stepsPerEpoch) }
        let y = (0..<steps).map { step -> Double in
            let s = Double(step)
            let trend = 0.035 + 0.3 / (1 + s / 300) + 1.965 * exp(-s / 35)
            // Batch noise is small relative to the loss at first and grows as the loss shrinks.
            let relativeNoise = 0.04 + 0.3 * min(1, s / 600)
            return trend * exp(relativeNoise * random.normal())
        }
        return Series(name: "train (per batch)", x: x, y: y)
    }

    static let validationLoss = Series(name: "validation", x: [1, 2, 3, 4, 5], y: [0.128, 0.095, 0.082, 0.078, 0.074])
    static let trainAccuracy = Series(name: "train", y: [0.9195, 0.9672, 0.9771, 0.9829, 0.9868])
    static let validationAccuracy = Series(name: "validation", y: [0.9594, 0.9690, 0.9738, 0.9762, 0.9781])

    static var activations: [Series] {
        let x = (0...200).map { -5 + Double($0) * 0.05 }
        return [
            Series(name: "relu", x: x, y: x.map { max(0, $0) }),
            Series(name: "sigmoid", x: x, y: x.map { 1 / (1 + exp(-$0)) }),
            Series(name: "tanh", x: x, y: x.map { tanh($0) }),
        ]
    }

    static let digitLabels = (0...9).map(String.init)
    static let trainClassCounts: [Double] = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    static let predictionProbabilities: [Double] = [0.0012, 0.0021, 0.0043, 0.0101, 0.0002, 0.0008, 0.0001, 0.9731, 0.0024, 0.0057]

    /// Test-set confusion matrix of a ~97.9% MLP; rows (true labels) sum to the MNIST test counts.
    static let confusion: [[Double]] = [
        [973, 0, 1, 1, 0, 1, 2, 1, 1, 0],
        [0, 1124, 3, 1, 0, 1, 2, 1, 3, 0],
        [4, 1, 1008, 4, 2, 0, 2, 6, 5, 0],
        [0, 0, 3, 990, 0, 5, 0, 4, 4, 4],
        [1, 0, 3, 0, 960, 0, 4, 2, 1, 11],
        [2, 0, 0, 8, 1, 869, 5, 1, 4, 2],
        [5, 3, 1, 1, 3, 4, 939, 0, 2, 0],
        [1, 4, 9, 2, 1, 0, 0, 1002, 3, 6],
        [4, 0, 3, 5, 3, 4, 2, 3, 947, 3],
        [3, 3, 0, 6, 8, 3, 1, 5, 3, 977],
    ]

    /// 2000 draws from N(0, 1).
    static var normalValues: [Double] {
        var random = LCG(seed: 2024)
        return (0..<2000).map { _ in random.normal() }
    }

    /// A 28x28 handwritten-looking "0": a slightly tilted ellipse ring with soft edges, values 0...255.
    static var ringDigit: [Float] {
        (0..<28).flatMap { row in
            (0..<28).map { column -> Float in
                let x = Double(column) - 13.5, y = Double(row) - 13.8
                let tilted = x + 0.18 * y
                let radius = ((tilted / 6.2) * (tilted / 6.2) + (y / 9.0) * (y / 9.0)).squareRoot()
                let distanceFromStroke = abs(radius - 1) * 7.5
                let ink = min(max(1.6 - distanceFromStroke, 0), 1)
                return Float((ink * 255).rounded())
            }
        }
    }

    /// 28x28 digits drawn as thick strokes through the given points, values 0...255.
    static func strokeDigit(_ points: [(Double, Double)], thickness: Double = 1.5) -> [Float] {
        (0..<28).flatMap { row in
            (0..<28).map { column -> Float in
                let px = Double(column), py = Double(row)
                var nearest = Double.infinity
                for (start, end) in zip(points, points.dropFirst()) {
                    let dx = end.0 - start.0, dy = end.1 - start.1
                    let t = max(0, min(1, ((px - start.0) * dx + (py - start.1) * dy) / max(dx * dx + dy * dy, 1e-9)))
                    let qx = start.0 + t * dx - px, qy = start.1 + t * dy - py
                    nearest = min(nearest, (qx * qx + qy * qy).squareRoot())
                }
                let ink = min(max(thickness + 0.5 - nearest, 0), 1)
                return Float((ink * 255).rounded())
            }
        }
    }

    static var sevenTwoOne: [[Float]] {
        [
            strokeDigit([(7, 7), (20, 7), (19, 9), (12, 22)]),
            strokeDigit([(8, 10), (10, 7), (14, 6), (18, 7), (19, 10), (16, 14), (11, 18), (8, 21), (20, 21)]),
            strokeDigit([(15, 5), (14.5, 12), (13.5, 22)]),
        ]
    }

    /// TensorFlow Playground's "circle" set: an inner disc (class 0) inside a ring (class 1), on [-6, 6]^2.
    static var circlePoints: [(x: Double, y: Double, label: Int)] {
        var random = LCG(seed: 11)
        return (0..<120).map { index in
            let label = index % 2
            let radius = label == 0 ? random.uniform() * 2.5 : 3.5 + random.uniform() * 2
            let angle = random.uniform() * 2 * Double.pi
            return (radius * cos(angle), radius * sin(angle), label)
        }
    }

    /// A function of the Playground's plane [-6, 6]² sampled as the Playground charts take it: `n` x `n`,
    /// row-major, top row (y = 6) first.
    static func plane(_ n: Int, _ f: (Double, Double) -> Double) -> [Double] {
        (0..<n).flatMap { r in
            (0..<n).map { c in f(-6 + (Double(c) + 0.5) / Double(n) * 12, 6 - (Double(r) + 0.5) / Double(n) * 12) }
        }
    }

    /// A slightly imperfect learned boundary: an ellipse a little off centre.
    static func circleModel(_ x: Double, _ y: Double) -> Int {
        let inside = ((x - 0.2) / 3.3) * ((x - 0.2) / 3.3) + ((y + 0.1) / 2.9) * ((y + 0.1) / 2.9) < 1
        return inside ? 0 : 1
    }
}
