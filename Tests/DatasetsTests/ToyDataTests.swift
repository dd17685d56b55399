import XCTest
@testable import Datasets

final class ToyDataTests: XCTestCase {
    private let classificationSets = ToySet.allCases.filter { !$0.isRegression }

    func testShapesAndBothClasses() {
        for kind in classificationSets {
            let data = ToyData.make(kind, count: 200, noise: 0.1, seed: 7)
            XCTAssertEqual(data.name, "toy/\(kind.rawValue)")
            XCTAssertEqual(data.count, 200, "\(kind)")
            XCTAssertEqual(data.featureCount, 2)
            XCTAssertEqual(data.features.count, 400)
            XCTAssertEqual(data.labels.count, 200)
            XCTAssertNil(data.imageShape)
            XCTAssertEqual(data.classNames, ["0", "1"])
            let counts = data.classCounts()
            XCTAssertGreaterThan(counts[0], 20, "\(kind)")
            XCTAssertGreaterThan(counts[1], 20, "\(kind)")
            XCTAssertTrue(data.features.allSatisfy { $0 >= -6 && $0 <= 6 }, "\(kind)")
        }
    }

    func testDeterministicForSeed() {
        for kind in ToySet.allCases {
            let first = ToyData.make(kind, count: 100, noise: 0.2, seed: 42)
            let again = ToyData.make(kind, count: 100, noise: 0.2, seed: 42)
            let other = ToyData.make(kind, count: 100, noise: 0.2, seed: 43)
            XCTAssertEqual(first.features, again.features, "\(kind)")
            XCTAssertEqual(first.labels, again.labels, "\(kind)")
            XCTAssertEqual(first.targets, again.targets, "\(kind)")
            XCTAssertNotEqual(first.features, other.features, "\(kind)")
        }
    }

    func testBalancedWhereThePlaygroundIs() {
        for kind in [ToySet.spiral, .gauss] {
            XCTAssertEqual(ToyData.make(kind, count: 101, noise: 0.3, seed: 1).classCounts(), [50, 51], "\(kind)")
        }
        XCTAssertEqual(ToyData.make(.circle, count: 100, noise: 0, seed: 1).classCounts(), [50, 50])
    }

    func testNoiselessRules() {
        let xor = ToyData.make(.xor, count: 300, noise: 0, seed: 3)
        for i in 0..<xor.count {
            let x = xor.features[2 * i], y = xor.features[2 * i + 1]
            XCTAssertEqual(xor.labels[i], x * y >= 0 ? 1 : 0)
            XCTAssertGreaterThanOrEqual(abs(x), 0.3)  // the Playground's padding around the axes
        }
        let circle = ToyData.make(.circle, count: 300, noise: 0, seed: 3)
        for i in 0..<circle.count {
            let radius = (circle.features[2 * i] * circle.features[2 * i] + circle.features[2 * i + 1] * circle.features[2 * i + 1]).squareRoot()
            XCTAssertEqual(circle.labels[i], radius < 2.5 ? 1 : 0)
        }
        let spiral = ToyData.make(.spiral, count: 300, noise: 0, seed: 3)
        for i in 0..<spiral.count {
            let radius = (spiral.features[2 * i] * spiral.features[2 * i] + spiral.features[2 * i + 1] * spiral.features[2 * i + 1]).squareRoot()
            XCTAssertLessThanOrEqual(radius, 5.0001)
        }
    }

    func testGaussCentres() {
        let data = ToyData.make(.gauss, count: 2000, noise: 0, seed: 5)
        var sums: [Float] = [0, 0]
        for i in 0..<data.count where data.labels[i] == 1 { sums[0] += data.features[2 * i]; sums[1] += data.features[2 * i + 1] }
        let positives = Float(data.classCounts()[1])
        XCTAssertEqual(sums[0] / positives, 2, accuracy: 0.15)
        XCTAssertEqual(sums[1] / positives, 2, accuracy: 0.15)
    }

    func testTinyCounts() {
        XCTAssertEqual(ToyData.make(.spiral, count: 0, noise: 0, seed: 0).count, 2)
        XCTAssertEqual(ToyData.make(.gauss, count: 1, noise: 0, seed: 0).classCounts(), [1, 1])
    }

    /// The spiral's documented shape: without noise, a point of class 1 at radius r sits at angle
    /// t = 1.75 · 2π · r / 5 (measured as the Playground does, x = r sin t, y = r cos t), class 0 half a turn further.
    func testSpiralPointsLieOnTheirArms() {
        let data = ToyData.make(.spiral, count: 400, noise: 0, seed: 9)
        for i in 0..<data.count {
            let x = Double(data.features[2 * i]), y = Double(data.features[2 * i + 1])
            let r = (x * x + y * y).squareRoot()
            guard r > 1e-6 else { continue }
            let expected = 1.75 * 2 * Double.pi * r / 5 + (data.labels[i] == 1 ? 0 : Double.pi)
            var difference = (atan2(x, y) - expected).truncatingRemainder(dividingBy: 2 * Double.pi)
            if difference > Double.pi { difference -= 2 * Double.pi }
            if difference < -Double.pi { difference += 2 * Double.pi }
            XCTAssertEqual(difference, 0, accuracy: 1e-4, "point \(i) at (\(x), \(y))")
        }
        // Radii are i/n · 5 for i = 0..<n: evenly spaced, 200 per arm.
        let radii = (0..<data.count).filter { data.labels[$0] == 1 }.map { i -> Double in
            let x = Double(data.features[2 * i]), y = Double(data.features[2 * i + 1])
            return (x * x + y * y).squareRoot()
        }.sorted()
        XCTAssertEqual(radii.count, 200)
        for (i, r) in radii.enumerated() { XCTAssertEqual(r, Double(i) / 200 * 5, accuracy: 1e-4) }
    }

    /// With noise, a spiral point strays at most `noise` along each axis; circle points keep their rings.
    func testNoiseStaysWithinThePlaygroundsBounds() {
        let spiral = ToyData.make(.spiral, count: 400, noise: 0.5, seed: 2)
        let clean = ToyData.make(.spiral, count: 400, noise: 0, seed: 2)
        XCTAssertNotEqual(spiral.features, clean.features)
        let circle = ToyData.make(.circle, count: 400, noise: 0.5, seed: 2)
        for i in 0..<circle.count {
            let r = (circle.features[2 * i] * circle.features[2 * i] + circle.features[2 * i + 1] * circle.features[2 * i + 1]).squareRoot()
            // Positions are noiseless (the noise only moves where the label is read): inside 2.5 or in 3.5...5.
            XCTAssertTrue(r <= 2.5 + 1e-5 || (r >= 3.5 - 1e-5 && r <= 5 + 1e-5), "radius \(r)")
        }
        // With noise some labels disagree with the position: the Playground's mislabelled points near the edge.
        let wrong = (0..<circle.count).filter { i -> Bool in
            let x = circle.features[2 * i], y = circle.features[2 * i + 1]
            return ((x * x + y * y).squareRoot() < 2.5) != (circle.labels[i] == 1)
        }
        XCTAssertGreaterThan(wrong.count, 0)
        // Gauss: the variance grows from 0.5 (noise 0) to 4 (noise 0.5).
        for (noise, variance) in [(0.0, 0.5), (0.5, 4.0)] {
            let g = ToyData.make(.gauss, count: 4000, noise: noise, seed: 4)
            let xs = (0..<g.count).filter { g.labels[$0] == 1 }.map { Double(g.features[2 * $0]) }
            let mean = xs.reduce(0, +) / Double(xs.count)
            let measured = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count)
            XCTAssertEqual(measured, variance, accuracy: variance * 0.12, "noise \(noise)")
        }
    }

    /// The regression sets: uniform over [-6, 6]^2, 1200 points by default, a real value each (no classes),
    /// and without noise the value is the Playground's function of the point.
    func testRegressionSetsFollowTheirFormulas() {
        XCTAssertEqual(ToySet.plane.defaultCount, 1200)
        XCTAssertEqual(ToySet.circle.defaultCount, 500)
        for kind in [ToySet.plane, .multigauss] {
            let data = ToyData.make(kind, count: 1200, noise: 0, seed: 11)
            XCTAssertTrue(data.isRegression)
            XCTAssertEqual(data.count, 1200)
            XCTAssertEqual(data.targets?.count, 1200)
            XCTAssertEqual(data.classNames, [])
            XCTAssertTrue(data.features.allSatisfy { $0 >= -6 && $0 <= 6 })
            let targets = data.targets ?? []
            for i in 0..<data.count {
                let x = Double(data.features[2 * i]), y = Double(data.features[2 * i + 1])
                let expected = kind == .plane ? (x + y) / 10 : ToyData.bumpsValue(x, y)
                XCTAssertEqual(Double(targets[i]), expected, accuracy: 1e-5, "\(kind) point \(i)")
            }
            // Spread over the whole square: every quadrant holds about a quarter of the points.
            for (sx, sy) in [(1, 1), (1, -1), (-1, 1), (-1, -1)] as [(Float, Float)] {
                let inQuadrant = (0..<data.count).filter { data.features[2 * $0] * sx > 0 && data.features[2 * $0 + 1] * sy > 0 }.count
                XCTAssertEqual(Double(inQuadrant), 300, accuracy: 60)
            }
        }
        // The bumps' values: +1 and -1 at the centres, 0 far from them, half way down at distance 1.
        XCTAssertEqual(ToyData.bumpsValue(-4, 2.5), 1)
        XCTAssertEqual(ToyData.bumpsValue(0, 2.5), -1)
        XCTAssertEqual(ToyData.bumpsValue(4, -2.5), -1)
        XCTAssertEqual(ToyData.bumpsValue(0, -1.5), 0.5, accuracy: 1e-12)
        XCTAssertEqual(ToyData.bumpsValue(6, 6), 0)
        XCTAssertEqual(ToyData.planeValue(6, 6), 1.2, accuracy: 1e-12)
        // Noise moves where the value is read, so values no longer match the point exactly.
        let noisy = ToyData.make(.plane, count: 300, noise: 0.5, seed: 11)
        let off = (0..<noisy.count).filter { i in
            abs(Double(noisy.targets?[i] ?? 0) - ToyData.planeValue(Double(noisy.features[2 * i]), Double(noisy.features[2 * i + 1]))) > 0.01
        }
        XCTAssertGreaterThan(off.count, 200)
    }

    func testRegressionSubsetsKeepTheirTargets() {
        let data = ToyData.make(.multigauss, count: 50, noise: 0.1, seed: 1)
        let part = data.subset(10..<20)
        XCTAssertEqual(part.targets, Array((data.targets ?? [])[10..<20]))
        let picked = data.rows([3, 1, 49])
        XCTAssertEqual(picked.targets, [3, 1, 49].map { (data.targets ?? [])[$0] })
        XCTAssertEqual(picked.labels, [0, 0, 0])
    }
}
