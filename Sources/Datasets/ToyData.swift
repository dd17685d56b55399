import Foundation

/// TensorFlow Playground's two-dimensional problems: four classification sets and two regression sets.
public enum ToySet: String, CaseIterable, Sendable {
    case circle, xor, gauss, spiral
    /// Regression: the value is (x + y) / 10, a tilted plane.
    case plane
    /// Regression: six Gaussian bumps, three positive and three negative.
    case multigauss

    /// The regression sets have a real value per point instead of a class.
    public var isRegression: Bool { self == .plane || self == .multigauss }

    /// The Playground's number of points: 500 for classification, 1200 for regression.
    public var defaultCount: Int { isRegression ? 1200 : 500 }
}

/// Generators ported from TensorFlow Playground's `dataset.ts` (Apache 2.0), so the pictures match
/// what students saw in the browser: 2 features (x, y). For the classification sets the Playground's label
/// -1 (orange) is class 0 here and +1 (blue) is class 1; the regression sets keep the Playground's value
/// (about -1 ... 1) as the target. `noise` is the Playground's slider divided by 100 (0 ... 0.5). Points are
/// shuffled, as the Playground does before splitting, and clamped to the plotted square [-6, 6]^2.
public enum ToyData {
    public static let coordinateLimit: Float = 6

    /// Upper bound on `count`, so a typo like `n=1e12` cannot exhaust memory.
    public static let maximumCount = 10_000_000

    /// `count` points (clamped to 2...maximumCount, so both classes are present), the same for the same seed.
    /// A negative or non-finite `noise` counts as 0.
    public static func make(_ kind: ToySet, count: Int, noise: Double, seed: UInt64) -> LabeledData {
        let total = min(max(count, 2), maximumCount)
        let noise = noise.isFinite ? max(0, noise) : 0
        var random = SplitMix64(seed: seed)
        if kind.isRegression { return regression(kind, count: total, noise: noise, random: &random) }
        var points: [(x: Double, y: Double, positive: Bool)] = []
        points.reserveCapacity(total)
        let positives = total - total / 2
        let negatives = total / 2

        switch kind {
        case .plane, .multigauss:
            break  // made by `regression` above
        case .gauss:
            // Variance grows with noise: d3.scale.linear().domain([0, .5]).range([0.5, 4]).
            let variance = 0.5 + min(noise, 0.5) / 0.5 * 3.5
            for (center, positive, n) in [(2.0, true, positives), (-2.0, false, negatives)] {
                for _ in 0..<n {
                    let x = random.normal(mean: center, variance: variance)
                    let y = random.normal(mean: center, variance: variance)
                    points.append((x, y, positive))
                }
            }
        case .spiral:
            for (deltaT, positive, n) in [(0.0, true, positives), (Double.pi, false, negatives)] {
                for i in 0..<n {
                    let r = Double(i) / Double(n) * 5
                    let t = 1.75 * Double(i) / Double(n) * 2 * Double.pi + deltaT
                    let x = r * sin(t) + random.uniform(-1, 1) * noise
                    let y = r * cos(t) + random.uniform(-1, 1) * noise
                    points.append((x, y, positive))
                }
            }
        case .circle:
            // Positive points inside radius 2.5, negative ones in the ring 3.5...5; the label comes
            // from the noisy position, as in the Playground, so noise mislabels points near the edge.
            let radius = 5.0
            for (range, n) in [(0.0...(radius * 0.5), positives), ((radius * 0.7)...radius, negatives)] {
                for _ in 0..<n {
                    let r = random.uniform(range.lowerBound, range.upperBound)
                    let angle = random.uniform(0, 2 * Double.pi)
                    let x = r * sin(angle)
                    let y = r * cos(angle)
                    let noiseX = random.uniform(-radius, radius) * noise
                    let noiseY = random.uniform(-radius, radius) * noise
                    let inside = ((x + noiseX) * (x + noiseX) + (y + noiseY) * (y + noiseY)).squareRoot() < radius * 0.5
                    points.append((x, y, inside))
                }
            }
        case .xor:
            let padding = 0.3
            for _ in 0..<total {
                var x = random.uniform(-5, 5)
                x += x > 0 ? padding : -padding
                var y = random.uniform(-5, 5)
                y += y > 0 ? padding : -padding
                let noiseX = random.uniform(-5, 5) * noise
                let noiseY = random.uniform(-5, 5) * noise
                points.append((x, y, (x + noiseX) * (y + noiseY) >= 0))
            }
        }

        shuffle(&points, &random)
        var features: [Float] = []
        features.reserveCapacity(points.count * 2)
        var labels: [Int32] = []
        labels.reserveCapacity(points.count)
        for point in points {
            features.append(clamp(Float(point.x)))
            features.append(clamp(Float(point.y)))
            labels.append(point.positive ? 1 : 0)
        }
        return LabeledData(name: "toy/\(kind.rawValue)", features: features, labels: labels, count: points.count,
                           featureCount: 2, imageShape: nil, classNames: ["0", "1"])
    }

    /// Fisher-Yates with the same generator keeps the whole set a function of the seed.
    static func shuffle<T>(_ points: inout [T], _ random: inout SplitMix64) {
        guard points.count > 1 else { return }
        for i in stride(from: points.count - 1, to: 0, by: -1) {
            let j = Int(random.next() % UInt64(i + 1))
            points.swapAt(i, j)
        }
    }

    /// The value of the plane at (x, y): the Playground's scale from x + y in [-10, 10] to [-1, 1] (not clamped, so
    /// the corners of the square reach ±1.2).
    public static func planeValue(_ x: Double, _ y: Double) -> Double { (x + y) / 10 }

    /// The Playground's six bumps: centre and sign.
    public static let bumps: [(x: Double, y: Double, sign: Double)] = [
        (-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1),
    ]

    /// The value of the bumps at (x, y): each bump falls linearly from ±1 at its centre to 0 at distance 2
    /// (clamped); of the six, the one largest in absolute value wins (the first of equals), 0 far from them all.
    public static func bumpsValue(_ x: Double, _ y: Double) -> Double {
        var value = 0.0
        for bump in bumps {
            let distance = ((x - bump.x) * (x - bump.x) + (y - bump.y) * (y - bump.y)).squareRoot()
            let candidate = bump.sign * min(max(1 - distance / 2, 0), 1)
            if abs(candidate) > abs(value) { value = candidate }
        }
        return value
    }

    /// The regression sets: points uniform over [-6, 6]^2, each valued at a noisy copy of itself (noise moves
    /// where the value is read, by up to 6 * noise along each axis, as the Playground does).
    private static func regression(_ kind: ToySet, count: Int, noise: Double, random: inout SplitMix64) -> LabeledData {
        let radius = 6.0
        var points: [(x: Double, y: Double, value: Double)] = []
        points.reserveCapacity(count)
        for _ in 0..<count {
            let x = random.uniform(-radius, radius)
            let y = random.uniform(-radius, radius)
            let noiseX = random.uniform(-radius, radius) * noise
            let noiseY = random.uniform(-radius, radius) * noise
            let value = kind == .plane ? planeValue(x + noiseX, y + noiseY) : bumpsValue(x + noiseX, y + noiseY)
            points.append((x, y, value))
        }
        shuffle(&points, &random)
        var features: [Float] = []
        features.reserveCapacity(points.count * 2)
        for point in points {
            features.append(clamp(Float(point.x)))
            features.append(clamp(Float(point.y)))
        }
        return LabeledData(name: "toy/\(kind.rawValue)", features: features, targets: points.map { Float($0.value) }, featureCount: 2)
    }

    private static func clamp(_ value: Float) -> Float {
        min(max(value, -coordinateLimit), coordinateLimit)
    }
}

/// SplitMix64: tiny, fast, and identical on every platform, which keeps toy sets reproducible.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + unit() * (high - low)
    }

    /// The Playground's polar Box-Muller (Marsaglia) method.
    mutating func normal(mean: Double, variance: Double) -> Double {
        var v1 = 0.0, v2 = 0.0, s = 0.0
        repeat {
            v1 = 2 * unit() - 1
            v2 = 2 * unit() - 1
            s = v1 * v1 + v2 * v2
        } while s >= 1 || s == 0  // s == 0 would give log(0); the Playground ignores that case
        let result = (-2 * log(s) / s).squareRoot() * v1
        return mean + variance.squareRoot() * result
    }
}
